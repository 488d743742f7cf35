"""Scale-out: the in-memory calculation mapped over the partitions of a Dask DataFrame.

:func:`calculate_dask` runs :func:`sem_carbon.engine.compute_tables` -- the very same code
as for a pandas table -- on every partition of a Dask DataFrame (or of a Parquet dataset),
so system-wide, multi-year travel logs are computed on a cluster with the same rows and
the same numbers as in memory. :class:`DaskInventory` keeps the result lazy: totals,
groupings and Parquet output are computed on the cluster; :meth:`DaskInventory.compute`
gives back an in-memory :class:`~sem_carbon.inventory.Inventory`.

Factor editions are never pickled into the task graph (except an edition built in memory,
which is shipped once as a single graph key): a worker loads each edition it needs once,
from the editions installed with sem-carbon on that worker, and keeps it in a
process-wide cache keyed by edition id (see :func:`worker_cache_info`).

Needs the optional dependencies: ``pip install "sem-carbon[dask]"``. Importing this module
does not import Dask.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import sys
import threading
import warnings
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pint

from .dask_parquet import CODED_COLUMNS, PARTITION_ROWS, read_dataset
from .engine import Options, compute_tables, read_frame
from .errors import (
    InputFormatError,
    MissingDependencyError,
    NothingComputedWarning,
    SemCarbonError,
    UnknownColumnError,
)
from .factors import FactorSet, load_factors
from .factors.catalogue import edition_for_year
from .heap import reuse_freed_memory
from .inventory import Inventory
from .limits import plausible_years
from .parallel import single_threaded
from .schema import (
    BOOLEAN_RESULTS,
    CALCULATOR_INPUTS,
    INTEGER_RESULTS,
    INVENTORY_REJECT_COLUMNS,
    RESULTS,
    TEXT_RESULTS,
    inventory_columns,
)
from .units import Q_, parse_unit
from .vocabulary import row_years
from .vocabulary.frames import word_columns

if TYPE_CHECKING:  # pragma: no cover - typing only
    import dask.dataframe as dd

__all__ = [
    "DaskInventory",
    "DaskNotInstalledError",
    "calculate_dask",
    "is_dask_input",
    "worker_cache_info",
]

#: Source rows found in more than one partition up to which only those rows are regrouped
#: (above it the whole input is shuffled on ``source_row``).
MAX_MOVED_SOURCE_ROWS = 200_000

_REMOTE = re.compile(r"^(s3a?|gcs|gs|abfss?|az|adl|hdfs|webhdfs)://", re.IGNORECASE)
_META_FILE = "_sem_carbon.json"
_REJECTED_SUFFIX = ".rejected"  # rejects beside the dataset, as Inventory.to_csv puts them
# internal columns of the combined (data + rejects) frame a partition returns
_MARK = "_sem_carbon_rejected"
_REJ = {"column": "_sem_carbon_column", "value": "_sem_carbon_value",
        "reason": "_sem_carbon_reason"}


class DaskNotInstalledError(MissingDependencyError):
    """Dask is needed (a Dask DataFrame or a Parquet dataset was given) but not installed."""


def _dask() -> tuple[Any, Any]:
    """``(dask, dask.dataframe)``, or a friendly error naming the extra to install."""
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:
        raise DaskNotInstalledError(
            "calculating on a Dask DataFrame or a Parquet dataset needs Dask: "
            "install sem-carbon[dask]  (pip install \"sem-carbon[dask]\")"
        ) from exc
    return dask, dd


# ---------------------------------------------------------------------------- detection
def is_dask_input(obj: Any) -> bool:
    """Whether :func:`sem_carbon.calculate` should hand ``obj`` to :func:`calculate_dask`.

    True for a Dask DataFrame, for an activity table whose ``data`` is one, and for a
    Parquet dataset: a local directory holding ``.parquet`` files, or an object-store URL
    (``s3://``, ``gs://``, ``abfs://`` ...) of a directory or ``.parquet`` file. Never imports
    Dask when it is not imported yet (a Dask DataFrame cannot exist without it), so the
    check is free for pandas inputs.

    Parameters
    ----------
    obj : object
        What was passed to ``calculate``.

    Returns
    -------
    bool
    """
    if isinstance(obj, (str, os.PathLike)):
        return _is_parquet_dataset(obj)
    if "dask" not in sys.modules:
        return False
    if (not isinstance(obj, pd.DataFrame) and hasattr(obj, "data")
            and hasattr(obj, "rejected")):  # an activity table holding a Dask DataFrame
        return not isinstance(obj.data, (str, os.PathLike)) and is_dask_input(obj.data)
    if not type(obj).__module__.startswith("dask"):
        return False
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - dask without its dataframe extra
        return False
    return isinstance(obj, dd.DataFrame)


def _is_parquet_dataset(path: str | os.PathLike[str]) -> bool:
    text = os.fspath(path)
    if isinstance(text, bytes):
        return False
    if _REMOTE.match(text):
        tail = text.rstrip("/").rsplit("/", 1)[-1]
        return text.endswith("/") or tail.endswith(".parquet") or "." not in tail
    folder = Path(text).expanduser()
    if not folder.is_dir():
        return False
    for _root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
        if any(f.endswith(".parquet") for f in files):
            return True
    return False


# ---------------------------------------------------------------------------- worker side
_lock = threading.Lock()
_editions: dict[str, FactorSet] = {}  # worker-side cache: edition id (or folder) -> set
_edition_loads: Counter[str] = Counter()
_partitions_done: Counter[str] = Counter()
_count_lock = threading.Lock()


def worker_cache_info() -> dict[str, Any]:
    """What this process has loaded and computed (run it on workers with ``client.run``).

    Returns
    -------
    dict
        ``partitions``: partitions computed here; ``edition_loads``: times each edition id
        was loaded into this process's cache (1 each: loaded once, whatever the number of
        partitions); ``folder_loads``: edition folders read from disk by
        :func:`sem_carbon.load_factors` in this process, and ``folders_cached``: how many
        are cached (equal when no folder was read twice).
    """
    from .factors import catalogue

    info = catalogue._load_cached.cache_info()
    return {
        "partitions": int(_partitions_done["partitions"]),
        "edition_loads": dict(_edition_loads),
        "folder_loads": int(info.misses),
        "folders_cached": int(info.currsize),
    }


def _ensure_editions(ids: set[str]) -> None:
    """Load the editions a partition needs once per process (threads wait for each other)."""
    missing = ids.difference(_editions)
    if not missing:
        return
    with _lock:
        for edition in sorted(missing):
            if edition not in _editions:
                _editions[edition] = load_factors(edition)
                _edition_loads[edition] += 1


def _years(data: pd.DataFrame) -> np.ndarray:
    """The distinct plausible years of a partition (the engine rejects the others)."""
    year = data["year"] if "year" in data.columns else None
    # a numpy integer column: every row has its year (a nullable Int64 may miss some)
    if year is not None and isinstance(year.dtype, np.dtype) and year.dtype.kind in "iu":
        distinct = pd.unique(year.to_numpy())  # a few distinct years: hashed, not sorted
        return distinct[plausible_years(distinct)]
    values = row_years(data)  # the one date policy (day first), as the engine reads it
    return np.unique(values[~np.isnan(values)])


def _needed_editions(data: pd.DataFrame, factors: Any, kind: str) -> set[str]:
    if isinstance(factors, FactorSet):
        return set()
    if factors is not None:
        ids = {str(factors)}
    else:
        ids = {edition_for_year(int(y))[0] for y in _years(data)}
    if kind == "facilities":
        from .facilities.electricity import GRID_EDITION
        from .facilities.refrigerants import GWP_EDITION

        ids |= {GRID_EDITION, GWP_EDITION}
    return ids


class _PartitionTable:
    """One partition as the activity table the engine takes (duck-typed): read as
    :func:`sem_carbon.calculate` reads a DataFrame (dates, words), under the source
    identity of the whole input."""

    def __init__(self, kind: str, source: str, data: pd.DataFrame):
        self.kind = kind
        self.source = source
        self.data, self.rejected, self.rows_read, self.factorized = read_frame(kind, data)


def _conform(frame: pd.DataFrame, dtypes: dict[str, Any]) -> pd.DataFrame:
    """``frame`` with exactly the columns and dtypes of the meta (one schema for all)."""
    frame = frame.reindex(columns=list(dtypes))
    for name, dtype in dtypes.items():
        column = frame[name]
        if column.dtype == dtype:
            continue
        if isinstance(column.dtype, pd.CategoricalDtype) and isinstance(dtype, pd.StringDtype):
            # labels converted once, then taken by code (not a string built per row)
            labels = pd.array(np.asarray(column.cat.categories, dtype=object)).astype(dtype)
            values = labels.take(column.cat.codes.to_numpy(), allow_fill=True)
            frame[name] = pd.Series(values, index=frame.index, name=name)
        else:
            frame[name] = column.astype(dtype)
    return frame


def _calculate_partition(part: pd.DataFrame, factors: Any, kind: str, source: str,
                         options: dict[str, Any], data_dtypes: dict[str, Any],
                         rej_dtypes: dict[str, Any]) -> pd.DataFrame:
    """Run the in-memory engine (:func:`~sem_carbon.engine.compute_tables`) on one partition.

    Returns the inventory rows followed by the rejects (columns renamed, marked), so one
    task yields both; :func:`_take_data` and :func:`_take_rejected` split them.
    """
    with _count_lock:
        _partitions_done["partitions"] += 1
    _ensure_editions(_needed_editions(part, factors, kind))
    # a partition task allocates and frees hundreds of MB of columns: kept for reuse while
    # it runs, not faulted in again page by page under Dask's trim setting (sem_carbon.heap)
    # one task per core already: no threads of the engine's own (sem_carbon.parallel)
    with warnings.catch_warnings(), reuse_freed_memory(), single_threaded():
        # a partition of rejects only is normal; the whole is judged
        warnings.simplefilter("ignore", NothingComputedWarning)
        inv = compute_tables(_PartitionTable(kind, source, part), factors, Options(**options))
    rejected = inv.rejected
    if rejected.empty:  # as computed (categoricals): _take_data conforms only what is used
        return inv.data.assign(**{_MARK: False})
    data = _conform(inv.data, data_dtypes)
    data[_MARK] = False
    rejected = _conform(rejected, rej_dtypes).rename(columns=_REJ)
    rejected[_MARK] = True
    return pd.concat([data, rejected], ignore_index=True)


def _n_data(combined: pd.DataFrame) -> int:
    return len(combined) - int(combined[_MARK].sum())


def _data_total(combined: pd.DataFrame) -> pd.DataFrame:
    """The partition's sum of ``co2e_kg`` (of its inventory rows, as ``data`` sums it),
    how many rows were computed, and how many rows (computed and rejects) it holds."""
    computed = _n_data(combined)
    return pd.DataFrame({"sum": [combined["co2e_kg"].iloc[:computed].sum()],
                         "computed": [computed], "rows": [len(combined)]})


#: The frame :func:`_data_total` gives for each partition.
_TOTAL_META = pd.DataFrame({"sum": [0.0], "computed": [0], "rows": [0]}).iloc[:0]


def _take_data(combined: pd.DataFrame, dtypes: dict[str, Any]) -> pd.DataFrame:
    return _conform(combined.iloc[:_n_data(combined)], dtypes)


def _take_rejected(combined: pd.DataFrame, dtypes: dict[str, Any]) -> pd.DataFrame:
    rejected = combined.iloc[_n_data(combined):].rename(columns={v: k for k, v in _REJ.items()})
    return _conform(rejected, dtypes).reset_index(drop=True)


# The helpers below take whole partitions, never a projected column: Dask may read a single
# column with another partitioning (small files fused), and these counts must describe the
# very partitions that are computed.
def _nunique(part: pd.DataFrame) -> pd.Series:
    return pd.Series([part["source_row"].nunique()], dtype="int64")


def _span(part: pd.DataFrame) -> pd.DataFrame:
    values = pd.to_numeric(part["source_row"], errors="coerce")
    return pd.DataFrame({"lo": [values.min()], "hi": [values.max()]}, dtype="float64")


def _within(part: pd.DataFrame, intervals: list[tuple[float, float]]) -> pd.Series:
    rows = part["source_row"]
    values = rows.to_numpy()
    inside = np.zeros(len(values), bool)
    for lo, hi in intervals:
        inside |= (values >= lo) & (values <= hi)
    return pd.Series(pd.unique(values[inside]), dtype=rows.dtype)


def _select_rows(part: pd.DataFrame, values: np.ndarray, keep: bool) -> pd.DataFrame:
    chosen = part["source_row"].isin(values).to_numpy()
    return part[chosen if keep else ~chosen]


def _row_ones(part: pd.DataFrame) -> pd.Series:
    return pd.Series(np.ones(len(part), dtype=np.int64), index=part.index)


# ---------------------------------------------------------------------------- client side
def _string_dtype(dd: Any) -> Any:
    probe = pd.DataFrame({"s": pd.Series([], dtype=object)})
    return dd.from_pandas(probe, npartitions=1)._meta["s"].dtype


def _data_dtypes(source_meta: pd.DataFrame, kind: str, dd: Any) -> dict[str, Any]:
    """Columns and dtypes of the inventory rows, in the engine's order (:mod:`.schema`)."""
    text = _string_dtype(dd)
    results = RESULTS[kind]
    dtypes: dict[str, Any] = {}
    for name in inventory_columns(kind, source_meta.columns):
        if name in ("table", "source", *TEXT_RESULTS):
            dtypes[name] = text
        elif name in CODED_COLUMNS and isinstance(source_meta[name].dtype, pd.CategoricalDtype):
            dtypes[name] = text  # codes and words read as categoricals are text again
        elif name == "year":
            dtypes[name] = np.dtype("int64")
        elif name == "date" and not pd.api.types.is_datetime64_any_dtype(source_meta[name]):
            dtypes[name] = np.dtype("datetime64[ns]")  # text dates are read, as in memory
        elif name == "date" and getattr(source_meta[name].dtype, "tz", None) is not None:
            # read as local time, as in memory
            dtypes[name] = np.dtype(f"datetime64[{source_meta[name].dtype.unit}]")
        elif name in results:
            dtypes[name] = np.dtype("int64") if name in INTEGER_RESULTS else \
                np.dtype(bool) if name in BOOLEAN_RESULTS else np.dtype("float64")
        else:
            dtypes[name] = source_meta[name].dtype
    return dtypes


def _rejected_dtypes(source_meta: pd.DataFrame, dd: Any) -> dict[str, Any]:
    text = _string_dtype(dd)
    types = {"source_row": source_meta["source_row"].dtype}
    return {name: types.get(name, text) for name in INVENTORY_REJECT_COLUMNS}


def _empty(dtypes: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series([], dtype=v) for k, v in dtypes.items()})


def _as_frame(source: Any, dd: Any, partition_rows: int = PARTITION_ROWS
              ) -> tuple[Any, Any, str]:
    """The Dask DataFrame to compute, the read rejects (pandas or None), the source name.

    The name is the source identity of every row (as :func:`sem_carbon.calculate` gives
    in memory): the dataset path, the activity table's source, else ``"DataFrame"``.
    """
    read_rejects = None
    identity = "DataFrame"
    if (not isinstance(source, (pd.DataFrame, str, os.PathLike)) and hasattr(source, "data")
            and hasattr(source, "rejected")):
        read_rejects = source.rejected
        identity = str(getattr(source, "source", "") or identity)
        source = source.data
    if isinstance(source, (str, os.PathLike)):
        identity = os.fspath(source)
        if not _is_parquet_dataset(source) and not Path(os.fspath(source)).is_file():
            raise InputFormatError(f"{os.fspath(source)!s} is not a Parquet dataset")
        if _REMOTE.match(identity):
            frame = dd.read_parquet(identity)
            for name in ("year", "source_row", "leg"):  # hive partitions come back categorical
                if name in frame.columns and isinstance(frame[name].dtype, pd.CategoricalDtype):
                    frame[name] = frame[name].astype("int64")
        else:  # codes and words as categoricals, partitions of about a million rows
            frame = read_dataset(identity, dd, partition_rows)
    elif isinstance(source, pd.DataFrame):
        data = source.copy()
        if "source_row" not in data.columns:
            data["source_row"] = np.arange(len(data)) + 2
        frame = dd.from_pandas(data, npartitions=max(1, math.ceil(len(data) / 250_000)),
                               sort=False)
    elif isinstance(source, dd.DataFrame):
        frame = source
    else:
        raise InputFormatError(
            "calculate_dask() takes a Dask DataFrame, a Parquet dataset path or a pandas "
            f"DataFrame, got {type(source).__name__}")
    if "source_row" not in frame.columns:  # spreadsheet numbering, as in memory: position + 2
        ones = frame.map_partitions(_row_ones, meta=("source_row", "int64"))
        frame = frame.assign(source_row=ones.cumsum() + 1)
    return frame, read_rejects, identity


def parquet_source_rows_apart(path: str | os.PathLike[str]) -> bool:
    """Whether a local Parquet dataset's footers show every ``source_row`` in one row group.

    A Dask partition of a Parquet dataset is one or more whole row groups, so when the
    ``[min, max]`` ranges of ``source_row`` of all row groups (from the column statistics
    in the files' footers: no data read) are pairwise disjoint, no source row can be
    split over partitions and the regrouping pass (which reads every partition) is not
    needed. Missing statistics, a ``source_row`` that is a directory partition, or anything
    unexpected answer False (the pass then runs).

    Parameters
    ----------
    path : path-like
        A Parquet file or a folder of Parquet files.
    """
    try:
        import pyarrow.dataset as ds

        if not os.path.exists(os.fspath(path)):  # a URL: no footers read here
            return False
        dataset = ds.dataset(os.fspath(path), format="parquet", partitioning="hive")
        spans = []
        for fragment in dataset.get_fragments():
            meta = fragment.metadata
            column = meta.schema.to_arrow_schema().get_field_index("source_row")
            if column < 0:  # not stored in the file (a directory partition, or absent)
                return False
            for group in range(meta.num_row_groups):
                row_group = meta.row_group(group)
                stats = row_group.column(column).statistics
                if stats is None or not stats.has_min_max:
                    if row_group.num_rows and (stats is None or stats.null_count
                                               != row_group.num_rows):
                        return False
                    continue  # no rows, or only missing source rows (never shared)
                spans.append((stats.min, stats.max))
        spans.sort()
        return all(later[0] > earlier[1] for earlier, later in itertools.pairwise(spans))
    except Exception:  # any doubt: read the partitions instead
        return False


def _keep_source_rows_together(frame: Any, dask: Any, dd: Any) -> Any:
    """Regroup rows so that all legs of one ``source_row`` are in one partition.

    ``calculate`` rejects a source row whole when any of its legs is rejected; that only
    holds per partition, so rows of one source row found in several partitions are moved
    together first. Finding them costs one pass that reads the partitions (no calculation):
    their ``source_row`` ranges, then, only where ranges overlap, the shared values.
    """
    if frame.npartitions == 1:
        return frame
    spans = frame.map_partitions(
        _span, meta=pd.DataFrame({"lo": [], "hi": []}, dtype="float64")).compute()
    spans = spans.dropna().sort_values(["lo", "hi"], kind="stable")
    intervals: list[tuple[float, float]] = []
    reach = -math.inf
    for lo, hi in spans.itertuples(index=False):
        if lo <= reach:
            intervals.append((float(lo), float(min(hi, reach))))
        reach = max(reach, hi)
    if not intervals:
        return frame
    candidates = frame.map_partitions(
        _within, intervals, meta=pd.Series([], dtype=frame["source_row"].dtype))
    counts = candidates.value_counts(split_out=1)
    shared = np.sort(counts[counts > 1].index.compute().to_numpy())
    if len(shared) == 0:
        return frame
    if len(shared) > MAX_MOVED_SOURCE_ROWS:
        return frame.shuffle("source_row", npartitions=frame.npartitions)
    values = dask.delayed(shared, name=f"sem-carbon-shared-rows-{dask.base.tokenize(shared)}")
    kept = frame.map_partitions(_select_rows, values, False, meta=frame._meta)
    moved = frame.map_partitions(_select_rows, values, True, meta=frame._meta)
    n_moved = max(1, math.ceil(len(shared) / 50_000))
    moved = (moved.repartition(npartitions=1) if n_moved == 1
             else moved.shuffle("source_row", npartitions=n_moved))
    return dd.concat([kept, moved])


def _ship_factors(factors: Any, dask: Any) -> Any:
    """What goes into the graph for ``factors``: an id or path text, or one shared key."""
    if factors is None:
        return None
    if isinstance(factors, FactorSet):
        try:
            if load_factors(factors.id) is factors:  # an installed edition: workers load it
                return factors.id
        except SemCarbonError:
            pass
        token = dask.base.tokenize(factors.id, str(factors.path), len(factors), id(factors))
        return dask.delayed(factors, name=f"sem-carbon-factors-{token}")
    text = os.fspath(factors)
    local = Path(text).expanduser()
    if (local / "datapackage.json").is_file():
        return str(local.resolve())  # a folder of one's own: workers need the same path
    load_factors(text)  # fail here, with the list of ids, rather than on every worker
    return text


def calculate_dask(
    source: Any,
    factors: str | os.PathLike[str] | FactorSet | None = None,
    *,
    kind: str | None = None,
    radiative_forcing: bool = True,
    haul: str = "distance",
    gwp: str = "AR5",
    include_td: bool = False,
    co2_only: bool = False,
    check_split_rows: bool = True,
    air_method: str = "desnz",
    partition_rows: int = PARTITION_ROWS,
) -> DaskInventory:
    """Compute an inventory on Dask: :func:`sem_carbon.calculate` mapped over partitions.

    Parameters
    ----------
    source : dask DataFrame, path, pandas DataFrame or activity table
        Activity rows in the canonical columns (``docs/tables.md``), e.g.
        ``sem_carbon.read_travel_log(...).data`` saved as Parquet; a local Parquet dataset
        (folder or file) is read by :func:`sem_carbon.dask_parquet.read_dataset` (codes and
        words as categoricals, partitions of ``partition_rows``), an object-store URL by
        :func:`dask.dataframe.read_parquet`.
        Without a ``source_row`` column rows are numbered as in memory (position + 2).
    factors : str, path or FactorSet, optional
        ``None`` (default): each row uses the DESNZ edition of its own year. An edition id
        or folder is loaded by each worker from its own installation (once per worker); a
        FactorSet made in memory is shipped once as a single graph key.
    kind : {"travel", "facilities"} or None, default None
        Which canonical table ``source`` follows; ``None``: travel when it has a ``mode``
        column, else facilities (as :func:`sem_carbon.calculate` decides for DataFrames;
        the default was "travel", which rejected every row of a facilities dataset).
    radiative_forcing, haul, gwp, include_td, co2_only, air_method
        As for :func:`sem_carbon.calculate`.
    check_split_rows : bool, default True
        Make sure all rows (legs) of one ``source_row`` are computed in the same partition,
        as in memory, where one rejected leg rejects its whole source row. Costs one pass
        over the ``source_row`` column now (computed at once), and moves rows only when a
        source row is split over partitions. Turn off when the data is known to keep
        source rows together.
    partition_rows : int, default 1,000,000
        A local Parquet dataset only: consecutive row groups are read together until a
        partition holds this many rows (a row group is never split; 1: one partition per
        row group). See :mod:`sem_carbon.dask_parquet`.

    Returns
    -------
    DaskInventory
        Lazy: nothing heavy runs until a total, a grouping, a write or ``compute()``.

    Raises
    ------
    DaskNotInstalledError
        Dask is not installed (``pip install "sem-carbon[dask]"``).
    InputFormatError
        ``source`` is none of the accepted inputs.
    UnknownFactorError
        ``factors`` names no installed edition.
    """
    dask, dd = _dask()
    frame, read_rejects, name = _as_frame(source, dd, partition_rows)
    if kind is None:
        kind = "travel" if "mode" in frame.columns else "facilities"
    if kind not in ("travel", "facilities"):
        raise InputFormatError(f"kind must be 'travel' or 'facilities', not {kind!r}")
    if check_split_rows and not (isinstance(source, (str, os.PathLike))
                                 and parquet_source_rows_apart(source)):
        frame = _keep_source_rows_together(frame, dask, dd)
    shipped = _ship_factors(factors, dask)
    options = {"radiative_forcing": radiative_forcing, "haul": haul, "gwp": gwp,
               "include_td": include_td, "co2_only": co2_only, "air_method": air_method}
    computation = _Computation(frame, kind, name, shipped, options, dd)
    combined, data_dtypes, rej_dtypes = computation.combined()
    data = combined.map_partitions(_take_data, data_dtypes, meta=_empty(data_dtypes),
                                   enforce_metadata=False)
    rejected = combined.map_partitions(_take_rejected, rej_dtypes, meta=_empty(rej_dtypes),
                                       enforce_metadata=False)
    rows_read = frame.map_partitions(
        _nunique, meta=pd.Series([], dtype="int64")).sum()
    if read_rejects is not None and len(read_rejects):
        extra = read_rejects.assign(table=kind, source=name)
        extra = _conform(extra, rej_dtypes)
        rejected = dd.concat([dd.from_pandas(extra, npartitions=1), rejected])
        rows_read = rows_read + int(extra["source_row"].nunique())
    return DaskInventory(data, rejected, rows_read, kind, name, computation=computation)


class _Computation:
    """The engine on every partition of ``frame``, or of a selection of its columns: a
    total or a grouping needs only the columns the calculation reads (and those it
    groups by), and from a Parquet dataset only those are read (``trip_id``, traveller,
    booking references ... are not)."""

    def __init__(self, frame: Any, kind: str, source: str, factors: Any,
                 options: dict[str, Any], dd: Any) -> None:
        self.frame, self.kind, self.source = frame, kind, source
        self.factors, self.options, self.dd = factors, options, dd

    def combined(self, columns: Any = None) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        """The partitions' inventory rows and rejects (see :func:`_calculate_partition`)
        and the dtypes of each; ``columns``: computed from these input columns only."""
        frame = self.frame
        if columns is not None:
            frame = frame[[c for c in frame.columns if c in set(columns)]]
        data_dtypes = _data_dtypes(frame._meta, self.kind, self.dd)
        rej_dtypes = _rejected_dtypes(frame._meta, self.dd)
        meta = pd.concat([_empty(data_dtypes), _empty(rej_dtypes).rename(columns=_REJ)],
                         axis=0)
        meta = meta.reindex(
            columns=[*data_dtypes, *[_REJ[c] for c in ("column", "value", "reason")], _MARK])
        meta[_MARK] = meta[_MARK].astype(bool)
        combined = frame.map_partitions(
            _calculate_partition, self.factors, self.kind, self.source, self.options,
            data_dtypes, rej_dtypes, meta=meta, enforce_metadata=False)
        return combined, data_dtypes, rej_dtypes

    def inputs(self, *also: str) -> set[str]:
        """The input columns that decide every figure and reject, and ``also``."""
        return {*CALCULATOR_INPUTS[self.kind], *word_columns(self.kind), "source_row",
                *also}

    def totals(self) -> Any:
        """Per partition, the sum of ``co2e_kg`` of its inventory rows, and its counts
        (:func:`_data_total`)."""
        combined, _, _ = self.combined(self.inputs())
        return combined.map_partitions(_data_total, meta=_TOTAL_META, enforce_metadata=False)

    def data(self, *also: str) -> Any:
        """``DaskInventory.data`` computed from the inputs and the columns ``also``."""
        combined, data_dtypes, _ = self.combined(self.inputs(*also))
        return combined.map_partitions(_take_data, data_dtypes, meta=_empty(data_dtypes),
                                       enforce_metadata=False)


# ---------------------------------------------------------------------------- results
class DaskInventory:
    """A lazy inventory on Dask, with the interface of :class:`~sem_carbon.inventory.Inventory`.

    Attributes
    ----------
    data : dask DataFrame
        One row per computed activity row (columns of ``Inventory.data``).
    rejected : dask DataFrame
        ``table``, ``source_row``, ``column``, ``value`` (as text), ``reason``.
    kind : str
        ``"travel"`` or ``"facilities"``.
    """

    def __init__(self, data: dd.DataFrame, rejected: dd.DataFrame, rows_read: Any,
                 kind: str, source: str = "DataFrame",
                 computation: _Computation | None = None):
        self.data = data
        self.rejected = rejected
        self.kind = kind
        self.source = source
        self._rows_read = rows_read
        # how ``data`` is computed (None: read or persisted): totals and groupings compute
        # only the columns they need, and sum each partition before any text column is
        # converted to strings
        self._computation = computation

    # ------------------------------------------------------------------ totals
    def total(self, unit: str = "tCO2e") -> pint.Quantity:
        """Total of ``co2e_kg`` (computed on the cluster) as a Quantity in ``unit``."""
        if self._computation is None:  # read or persisted: the rows are the inventory's
            kg = float(_fused(self.data["co2e_kg"].sum()).compute())
            return Q_(kg, "kgCO2e").to(parse_unit(unit))
        sums = _fused(self._computation.totals().sum()).compute()  # sum, computed, rows
        if int(sums["computed"]) == 0 and int(sums["rows"]) > 0:
            self._nothing_computed()
        return Q_(float(sums["sum"]), "kgCO2e").to(parse_unit(unit))

    def _nothing_computed(self) -> None:
        """Warn, as ``calculate`` does, that every source row was rejected (a total of 0
        from a table of the other kind, say, is no figure)."""
        rows = int(_fused(self._rows_read).compute()) if hasattr(self._rows_read, "compute") \
            else int(self._rows_read)
        if rows:
            warnings.warn(f"nothing was computed: all {rows:,} source rows were rejected (see "
                          "DaskInventory.rejected for the reasons)", NothingComputedWarning,
                          stacklevel=3)

    def by(self, *dims: str, value: str = "co2e_kg") -> pd.DataFrame:
        """Totals in tCO2e grouped by any columns, aggregated on the cluster.

        Parameters
        ----------
        *dims : str
            Columns to group by (e.g. ``"entity", "year"``); none: one grand total.
        value : str, default "co2e_kg"
            Column summed (kg), reported in tonnes.

        Returns
        -------
        DataFrame
            The dims as columns (sorted, missing keys last), ``tco2e`` and ``rows``, as
            :meth:`Inventory.by <sem_carbon.inventory.Inventory.by>` returns them.
        """
        _dask()
        missing = [d for d in (*dims, value) if d not in self.data.columns]
        if missing:
            raise UnknownColumnError(f"inventory has no column(s) {', '.join(missing)}")
        data = (self._computation.data(*dims, value) if self._computation is not None
                else self.data)
        if not dims:  # one small frame per partition, summed here
            parts = _fused(data[value].map_partitions(
                _sum_and_size, meta=pd.DataFrame({"sum": [0.0], "size": [0]}).iloc[:0],
                enforce_metadata=False)).compute()
            if int(parts["size"].sum()) == 0 and self._computation is not None:
                self._nothing_computed()
            return pd.DataFrame({"tco2e": [float(parts["sum"].sum()) / 1000.0],
                                 "rows": [int(parts["size"].sum())]})
        grouped = data.groupby(list(dims), dropna=False, sort=False, observed=True)
        out = _fused(grouped[value].agg(["sum", "size"])).compute().reset_index()
        if out.empty and self._computation is not None:
            self._nothing_computed()
        out = out.sort_values(list(dims), na_position="last", kind="stable", ignore_index=True)
        out["tco2e"] = out.pop("sum") / 1000.0
        out["rows"] = out.pop("size").astype("int64")
        return out

    def __len__(self) -> int:
        return int(self.data.shape[0].compute())

    def __repr__(self) -> str:
        return (f"<DaskInventory {self.kind}: {self.data.npartitions} partitions, lazy; "
                "compute() for an Inventory>")

    # ------------------------------------------------------------------ materialise
    def compute(self) -> Inventory:
        """The in-memory :class:`~sem_carbon.inventory.Inventory` (one pass on the cluster).

        Text columns come back with pandas' default string dtype; rows are in partition
        order (each partition grouped by factor edition, as ``calculate`` groups them).
        """
        data, rejected, rows_read = self._compute_with_rows(self.data, self.rejected)
        if data.empty and int(rows_read):
            warnings.warn(f"nothing was computed: all {int(rows_read):,} source rows were "
                          f"rejected (see Inventory.rejected for the reasons)",
                          NothingComputedWarning, stacklevel=2)
        sources = pd.DataFrame({"source": [self.source], "table": [self.kind],
                                "rows_read": [int(rows_read)]})
        return Inventory(_plain_strings(data.reset_index(drop=True)),
                         _plain_strings(rejected.reset_index(drop=True)),
                         {self.kind: int(rows_read)}, sources)

    def persist(self) -> DaskInventory:
        """The same inventory held in cluster memory (for several totals and groupings)."""
        dask, _ = _dask()
        data, rejected = dask.persist(self.data, self.rejected)
        return DaskInventory(data, rejected, self._rows_read, self.kind, self.source)

    def _compute_with_rows(self, *collections: Any) -> tuple[Any, ...]:
        """``collections`` computed together with the rows-read count (one pass)."""
        dask, _ = _dask()
        if dask.is_dask_collection(self._rows_read):
            return dask.compute(*collections, self._rows_read)
        return (*dask.compute(*collections), self._rows_read)

    # ------------------------------------------------------------------ files
    def to_parquet(self, path: str | os.PathLike[str], partition_on: tuple[str, ...] = ("year",),
                   *, overwrite: bool = False, **kwargs: Any) -> None:
        """Write the inventory as a Parquet dataset, one folder per ``partition_on`` value.

        ``path/year=2019/part.N.parquet`` ... hold the rows (any Parquet reader opens
        ``path`` as a dataset), ``path/_sem_carbon.json`` the row counts and column order,
        and the rejects go beside it to ``<path>.rejected/`` (as :meth:`Inventory.to_csv
        <sem_carbon.inventory.Inventory.to_csv>` puts them). Computed in one pass.

        Parameters
        ----------
        path : str or path
            Dataset folder (local, or an fsspec URL).
        partition_on : tuple of str, default ("year",)
            Columns that become folders; ``()`` for none.
        overwrite : bool, default False
            Remove what is in ``path`` first.
        **kwargs
            Passed to :meth:`dask.dataframe.DataFrame.to_parquet`.
        """
        _dask()
        import fsspec

        root = os.fspath(path).rstrip("/")
        write_data = self.data.to_parquet(
            root, partition_on=list(partition_on) or None, write_index=False,
            overwrite=overwrite, compute=False, **kwargs)
        n_rej = max(1, math.ceil(self.rejected.npartitions / 32))
        write_rejected = self.rejected.repartition(npartitions=n_rej).to_parquet(
            f"{root}{_REJECTED_SUFFIX}", write_index=False, overwrite=overwrite,
            compute=False)
        _, _, rows_read = self._compute_with_rows(write_data, write_rejected)
        meta = {
            "format": "sem-carbon inventory dataset",
            "kind": self.kind,
            "source": self.source,
            "rows_read": {self.kind: int(rows_read)},
            "columns": list(self.data.columns),
            "partition_on": list(partition_on),
        }
        with fsspec.open(f"{root}/{_META_FILE}", "w") as handle:
            json.dump(meta, handle, indent=1)

    @classmethod
    def read_parquet(cls, path: str | os.PathLike[str]) -> DaskInventory:
        """Open a dataset written by :meth:`to_parquet` (lazily)."""
        _, dd = _dask()
        import fsspec

        root = os.fspath(path).rstrip("/")
        with fsspec.open(f"{root}/{_META_FILE}", "r") as handle:
            meta = json.load(handle)
        data = dd.read_parquet(root)
        for name in meta.get("partition_on", []):
            if name in ("year", "source_row", "leg", "scope") and name in data.columns:
                data[name] = data[name].astype("int64")
            elif name in data.columns:
                data[name] = data[name].astype(_string_dtype(dd))
        data = data[[c for c in meta["columns"] if c in data.columns]]
        rejected = dd.read_parquet(f"{root}{_REJECTED_SUFFIX}")
        kind = str(meta["kind"])
        return cls(data, rejected, int(meta["rows_read"][kind]), kind,
                   str(meta.get("source", "DataFrame")))


def _sum_and_size(column: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"sum": [float(column.sum())], "size": [len(column)]})


def _fused(collection: Any) -> Any:
    """``collection`` with each partition's chain of tasks fused into one task.

    ``compute`` on a distributed cluster sends the expression unfused: a total was five
    tasks per partition (read, string conversion, calculation, sum, chunk), each result
    kept in the worker's store and measured there before the next task took it. Fused,
    the benchmark's 10M legs took 1.2 s on two workers instead of 1.9-2.0 s.
    """
    return collection.optimize(fuse=True)


def _plain_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Dask's NA-string columns back to pandas' default string dtype."""
    default = pd.Series(["x"]).dtype
    for name in frame.columns:
        dtype = frame[name].dtype
        if isinstance(dtype, pd.StringDtype) and dtype != default:
            frame[name] = frame[name].astype(default)
    return frame
