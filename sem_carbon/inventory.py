"""From activity tables to an :class:`Inventory` of emissions.

:func:`calculate` runs the batch calculators on each table, choosing for every row the
DESNZ edition of the row's own year (so a 2019 baseline is computed with 2019 factors),
or one explicit edition for all rows. Nothing is lost: every input row ends in
``Inventory.data`` or in ``Inventory.rejected``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pint

from .errors import InputFormatError, NothingComputedWarning, SemCarbonError
from .factors import FactorSet, load_factors
from .factors.catalogue import edition_for_year, resolve_edition
from .io.writers import atomic_write, restore_frame, write_csv
from .limits import MAX_ROW_CO2E_KG
from .notes import join_notes
from .units import Q_, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    from .scale import DaskInventory

__all__ = ["Inventory", "calculate"]

REJECT_COLUMNS = ["table", "source", "source_row", "column", "value", "reason"]
_FRONT = ["table", "source", "source_row", "trip_id", "leg", "entity", "date", "year", "category",
          "scope", "co2e_kg"]
#: Columns of :attr:`Inventory.sources`.
SOURCE_COLUMNS = ["source", "table", "rows_read"]


class Inventory:
    """Emissions per activity row, with the rows that could not be computed.

    Attributes
    ----------
    data : DataFrame
        One row per computed activity (columns in ``docs/tables.md``); ``co2e_kg`` in kgCO2e.
    rejected : DataFrame
        ``table``, ``source``, ``source_row``, ``column``, ``value``, ``reason``.
    rows_read : dict
        Source rows read per table (``{"travel": 1200, ...}``).
    sources : DataFrame
        One row per source read: ``source`` (its identity, unique within the inventory),
        ``table`` and ``rows_read``. A row of ``data`` or ``rejected`` belongs to the source
        named in its ``source`` column; ``(source, source_row)`` identifies a source row.
    """

    def __init__(self, data: pd.DataFrame, rejected: pd.DataFrame | None = None,
                 rows_read: dict[str, int] | None = None,
                 sources: pd.DataFrame | None = None):
        self.data = data
        self.rejected = (rejected if rejected is not None
                         else pd.DataFrame(columns=REJECT_COLUMNS))
        self.rows_read = dict(rows_read or {})
        if sources is None:  # one anonymous source per table (inventories of old files)
            sources = pd.DataFrame({"source": list(self.rows_read),
                                    "table": list(self.rows_read),
                                    "rows_read": list(self.rows_read.values())},
                                   columns=SOURCE_COLUMNS)
        self.sources = sources.reset_index(drop=True)

    # ------------------------------------------------------------------ totals
    def total(self, unit: str = "tCO2e") -> pint.Quantity:
        """Total of ``co2e_kg`` (the Kyoto total incl. RF when it was on) as a Quantity."""
        target = parse_unit(unit) if isinstance(unit, str) else unit  # grammar-checked
        return Q_(float(self.data["co2e_kg"].sum()), "kgCO2e").to(target)

    def by(self, *dims: str, value: str = "co2e_kg") -> pd.DataFrame:
        """Totals in tCO2e grouped by any columns (e.g. ``"entity", "year"``).

        Returns a DataFrame with the dims as columns and ``tco2e`` (plus ``rows``).
        """
        if not dims:
            return pd.DataFrame({"tco2e": [self.data[value].sum() / 1000.0],
                                 "rows": [len(self.data)]})
        missing = [d for d in dims if d not in self.data.columns]
        if missing:
            raise KeyError(f"inventory has no column(s) {', '.join(missing)}")
        grouped = self.data.groupby(list(dims), dropna=False, sort=True, observed=True)
        out = grouped[value].agg(["sum", "size"]).reset_index()
        out["tco2e"] = out.pop("sum") / 1000.0
        out["rows"] = out.pop("size")
        return out

    def reconciliation(self) -> pd.DataFrame:
        """Per source: rows read, rows computed, rows rejected (distinct source rows).

        Returns
        -------
        DataFrame
            ``table``, ``source``, ``rows_read``, ``rows_computed``, ``rows_rejected``;
            ``rows_computed + rows_rejected == rows_read`` on every line.
        """
        computed = _distinct_rows(self.data)
        rejected = _distinct_rows(self.rejected)
        known = {(str(t), str(s)): int(n) for s, t, n in
                 self.sources[SOURCE_COLUMNS].itertuples(index=False)}
        keys = sorted(set(known) | set(computed) | set(rejected))
        return pd.DataFrame(
            [{"table": t, "source": s, "rows_read": known.get((t, s), np.nan),
              "rows_computed": computed.get((t, s), 0), "rows_rejected": rejected.get((t, s), 0)}
             for t, s in keys],
            columns=["table", "source", "rows_read", "rows_computed", "rows_rejected"])

    def editions(self) -> pd.DataFrame:
        """Factor editions used, with publisher, source and licence (for appendices)."""
        rows = []
        for edition in sorted(set(self.data.get("factor_id", pd.Series(dtype=str)).dropna())):
            try:
                fs = load_factors(edition)
            except SemCarbonError:  # an override set made in memory is not in the catalogue
                rows.append({"id": edition, "publisher": "", "year": np.nan, "source": "",
                             "licence": "", "rows": int((self.data["factor_id"] == edition).sum())})
                continue
            rows.append({"id": fs.id, "publisher": fs.publisher, "year": fs.year,
                         "source": fs.source, "licence": fs.licence,
                         "rows": int((self.data["factor_id"] == edition).sum())})
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ combining
    @classmethod
    def concat(cls, inventories: Iterable[Inventory]) -> Inventory:
        """One inventory from several (rows stacked, rows_read added up)."""
        items = _distinct_sources(list(inventories))
        rows_read: dict[str, int] = {}
        for inv in items:
            for k, v in inv.rows_read.items():
                rows_read[k] = rows_read.get(k, 0) + v
        sources = pd.concat([i.sources for i in items], ignore_index=True)[SOURCE_COLUMNS]
        return cls(
            _concat_frames([i.data for i in items]),
            _concat_frames([i.rejected for i in items]),
            rows_read,
            sources,
        )

    def __add__(self, other: Inventory) -> Inventory:
        return Inventory.concat([self, other])

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return (f"<Inventory {len(self.data)} rows, {self.total().m:,.3f} tCO2e, "
                f"{len(self.rejected)} rejected>")

    # ------------------------------------------------------------------ files
    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write data and rejects to one Parquet file (rejects and counts in its metadata)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(self.data, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[b"sem_carbon.rejected"] = self.rejected.astype(str).to_json(orient="split").encode()
        meta[b"sem_carbon.rows_read"] = pd.Series(self.rows_read, dtype="int64").to_json().encode()
        meta[b"sem_carbon.sources"] = self.sources.to_json(orient="split").encode()
        atomic_write(Path(path), lambda tmp: pq.write_table(table.replace_schema_metadata(meta),
                                                            tmp))

    @classmethod
    def read_parquet(cls, path: str | os.PathLike[str]) -> Inventory:
        """Read an inventory written by :meth:`to_parquet`."""
        import io

        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        data = table.to_pandas()
        rejected = (pd.read_json(io.StringIO(meta[b"sem_carbon.rejected"].decode()),
                                 orient="split", dtype=False)
                    if b"sem_carbon.rejected" in meta else None)
        if rejected is not None and "source_row" in rejected:
            rejected["source_row"] = pd.to_numeric(rejected["source_row"], errors="coerce")
        rows_read = (pd.read_json(io.StringIO(meta[b"sem_carbon.rows_read"].decode()),
                                  typ="series").to_dict()
                     if b"sem_carbon.rows_read" in meta else {})
        sources = (pd.read_json(io.StringIO(meta[b"sem_carbon.sources"].decode()),
                                orient="split", dtype={"source": str, "table": str})
                   if b"sem_carbon.sources" in meta else None)
        return cls(data, rejected, {str(k): int(v) for k, v in rows_read.items()}, sources)

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write ``data`` as CSV, with the rejects and the sources read in two files beside it.

        ``<name>.rejected.csv`` and ``<name>.sources.csv`` go next to ``<name>.csv``. The
        files are safe to open in a spreadsheet and still lossless (see
        :mod:`sem_carbon.io.writers`): a text cell a spreadsheet would run as a formula, or
        that starts with a single quote, gets one leading quote that :meth:`read_csv`
        removes again; a cell holding a line break is quoted.
        """
        path = Path(path)
        write_csv(self.data, path, lossless=True)
        write_csv(self.rejected, _beside(path, "rejected"), lossless=True)
        write_csv(self.sources, _beside(path, "sources"), lossless=True)

    @classmethod
    def read_csv(cls, path: str | os.PathLike[str]) -> Inventory:
        """Read an inventory written by :meth:`to_csv` (dtypes restored)."""
        path = Path(path)
        data = pd.read_csv(path, keep_default_na=True, low_memory=False)
        text_cols = ["table", "source", "trip_id", "entity", "category", "factor_id",
                     "factor_key", "factor_unit", "method", "notes", "haul", "origin",
                     "destination", "cabin", "mode", "country", "currency"]
        for col in text_cols:
            if col in data.columns:
                data[col] = data[col].astype(object).where(data[col].notna(), "").astype(str)
        if "date" in data.columns:
            data["date"] = pd.to_datetime(data["date"], errors="coerce")
        rej_path, src_path = _beside(path, "rejected"), _beside(path, "sources")
        rejected = (restore_frame(pd.read_csv(rej_path, keep_default_na=False,
                                              dtype={"value": str, "reason": str}))
                    if rej_path.exists() else None)
        if rejected is not None and "source_row" in rejected:
            rejected["source_row"] = pd.to_numeric(rejected["source_row"], errors="coerce")
        sources = (restore_frame(pd.read_csv(src_path, dtype={"source": str, "table": str},
                                             keep_default_na=False))
                   if src_path.exists() else None)
        rows_read = ({} if sources is None else
                     sources.groupby("table")["rows_read"].sum().astype(int).to_dict())
        return cls(restore_frame(data), rejected, rows_read, sources)


def _beside(path: Path, part: str) -> Path:
    """``<stem>.<part>.csv`` next to ``path``."""
    return path.with_name(f"{path.stem}.{part}.csv")


def _source_of(frame: pd.DataFrame) -> pd.Series:
    """The ``source`` of each row (the ``table`` for inventories written before sources)."""
    if "source" in frame.columns:
        return frame["source"]
    return frame["table"] if "table" in frame.columns else pd.Series("", index=frame.index)


def _distinct_rows(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Distinct ``source_row`` per ``(table, source)``."""
    if frame.empty:
        return {}
    keys = pd.DataFrame({"table": frame["table"].astype(str),
                         "source": _source_of(frame).astype(str),
                         "source_row": frame["source_row"]})
    counts = keys.drop_duplicates().groupby(["table", "source"], sort=False).size()
    return {(str(t), str(s)): int(n) for (t, s), n in counts.items()}


def _concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack frames; a text column categorical in some and plain in others stays text."""
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame()
    columns = dict.fromkeys(c for f in frames for c in f.columns)
    for name in columns:
        kinds = {isinstance(f[name].dtype, pd.CategoricalDtype) for f in frames if name in f}
        if kinds == {True}:
            union = pd.api.types.union_categoricals(
                [f[name] for f in frames if name in f], ignore_order=True).categories
            frames = [f.assign(**{name: f[name].cat.set_categories(union)}) if name in f else f
                      for f in frames]
    return pd.concat(frames, ignore_index=True)


def _distinct_sources(items: list[Inventory]) -> list[Inventory]:
    """Inventories whose source identities do not collide (a repeat gets ``#2``, ``#3`` ...).

    Two inventories read from sources of the same name (two DataFrames, or the same file
    name in two folders) must not merge their source rows: ``(source, source_row)`` is
    the identity of a row.
    """
    seen: set[str] = set()
    out = []
    for inv in items:
        rename: dict[str, str] = {}
        for name in inv.sources["source"].astype(str):
            new, k = name, 1
            while new in seen:
                k += 1
                new = f"{name} #{k}"
            seen.add(new)
            if new != name:
                rename[name] = new
        if rename:
            inv = Inventory(_rename_source(inv.data, rename), _rename_source(inv.rejected, rename),
                            inv.rows_read, inv.sources.assign(
                                source=inv.sources["source"].astype(str).replace(rename)))
        out.append(inv)
    return out


def _rename_source(frame: pd.DataFrame, rename: dict[str, str]) -> pd.DataFrame:
    if "source" not in frame.columns or frame.empty:
        return frame
    column = frame["source"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return frame.assign(source=column.cat.rename_categories(
            lambda c: rename.get(str(c), c)))
    return frame.assign(source=column.astype(str).replace(rename))


class _Input:
    """One table given to :func:`calculate`: its kind, identity, rows and read rejects."""

    __slots__ = ("data", "kind", "rejected", "rows_read", "source")

    def __init__(self, kind: str, source: str, data: pd.DataFrame, rejected: pd.DataFrame,
                 rows_read: int):
        self.kind, self.source, self.data = kind, source, data
        self.rejected, self.rows_read = rejected, rows_read


def _as_tables(tables: Any) -> list[_Input]:
    """Normalise the accepted inputs, each with a source identity unique in this call.

    A table's identity is its ``source`` (the file or URL an ActivityTable was read from);
    a DataFrame is ``"DataFrame"`` (``"DataFrame #2"`` ... when several are given), and a
    name given twice gets ``#2``, ``#3`` ...: rows of two sources never share an identity,
    whatever their row numbers.
    """
    if isinstance(tables, pd.DataFrame) or hasattr(tables, "data"):
        tables = [tables]
    out: list[_Input] = []
    seen: set[str] = set()
    for item in tables:
        if isinstance(item, pd.DataFrame):
            kind = "travel" if "mode" in item.columns else "facilities"
            data = item.copy()
            if "source_row" not in data.columns:
                data["source_row"] = np.arange(len(data)) + 2
            name = "DataFrame"
            rows_read = int(data["source_row"].nunique())
            data, rejected = _read_dates(data)
        elif hasattr(item, "data") and hasattr(item, "rejected"):
            kind = str(getattr(item, "kind", "travel"))
            data, rejected = item.data, item.rejected
            name = str(getattr(item, "source", "") or kind)
            rows_read = getattr(item, "rows_read", None)
            if rows_read is None:
                rows_read = int(data["source_row"].nunique() + rejected["source_row"].nunique())
        else:
            raise InputFormatError(
                f"calculate() takes activity tables or DataFrames, got {type(item).__name__}")
        source, k = name, 1
        while source in seen:
            k += 1
            source = f"{name} #{k}"
        seen.add(source)
        out.append(_Input(kind, source, data, rejected, int(rows_read)))
    return out


def _read_dates(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A DataFrame's ``date`` column read as the readers read it, bad dates rejected.

    Text dates follow :func:`sem_carbon.io.parse.parse_dates` (day first: ``05/03/2019``
    is 5 March); a bare year fills ``year``. Rows whose date cannot be read are rejected
    with the reason, as :func:`sem_carbon.read_travel_log` rejects them.
    """
    empty = pd.DataFrame(columns=["source_row", "column", "value", "reason"])
    if "date" not in data.columns or pd.api.types.is_datetime64_any_dtype(data["date"]):
        return data, empty
    from .io.parse import parse_dates

    raw = data["date"]
    parsed = parse_dates(raw)
    data["date"] = pd.Series(parsed.dates, index=data.index).astype("datetime64[ns]")
    only_year = np.isnat(parsed.dates) & (parsed.year > 0)
    if only_year.any():
        year = (pd.to_numeric(data["year"], errors="coerce") if "year" in data.columns
                else pd.Series(np.nan, index=data.index))
        data["year"] = year.where(~only_year | year.notna(), parsed.year.astype(float))
    if not parsed.bad.any():
        return data, empty
    rejected = pd.DataFrame({"source_row": data["source_row"].to_numpy()[parsed.bad],
                             "column": "date", "value": raw.astype(str).to_numpy()[parsed.bad],
                             "reason": parsed.reason[parsed.bad]})
    return data.loc[~parsed.bad], rejected


def _year_of(data: pd.DataFrame) -> np.ndarray:
    if "year" in data.columns:
        year = pd.to_numeric(data["year"], errors="coerce")
    else:
        year = pd.Series(np.nan, index=data.index)
    if "date" in data.columns:
        dates = data["date"]
        if not pd.api.types.is_datetime64_any_dtype(dates):
            dates, _ = _read_dates(data[["source_row", "date"]].copy())
            dates = dates["date"].reindex(data.index)
        year = year.fillna(dates.dt.year)
    return year.to_numpy(dtype=float)


def calculate(
    tables: Any,
    factors: str | FactorSet | None = None,
    *,
    radiative_forcing: bool = True,
    haul: str = "distance",
    gwp: str = "AR5",
    include_td: bool = False,
    co2_only: bool = False,
    grid: str | FactorSet | None = None,
) -> Inventory | DaskInventory:
    """Compute the emissions of activity tables.

    Parameters
    ----------
    tables : ActivityTable, DataFrame, or a sequence of them
        From :func:`sem_carbon.read_travel_log` / :func:`sem_carbon.read_facilities`, or
        DataFrames in the canonical columns (a ``mode`` column marks a travel table). With
        the ``[dask]`` extra also a dask DataFrame or a Parquet dataset folder: the result
        is then a lazy ``DaskInventory`` (see ``docs/scale-out.md``).
    factors : str or FactorSet, optional
        ``None`` (default): each row uses the DESNZ edition of its own year (nearest
        earlier when missing; the substitution is written in ``notes``). Given: every row
        uses that edition.
    radiative_forcing : bool, default True
        Air travel with the DESNZ "with RF" factors (the RF share is in ``rf_kg``).
    haul : {"distance", "desnz", "smooth"}
        Air haul-band rule.
    gwp : {"AR4", "AR5", "AR6"}
        GWP set for refrigerant leaks.
    include_td : bool, default False
        Add electricity T&D losses rows (scope 3).
    co2_only : bool, default False
        Air travel on the ICAO-like boundary of the UN inventory: CO2 component only.
    grid : str, path or FactorSet, optional
        Grid-intensity edition for electricity outside the UK (default ``ember-grid``),
        e.g. a user's own table written with :func:`sem_carbon.write_factor_set`.

    Returns
    -------
    Inventory
    """
    from .scale import is_dask_input

    if is_dask_input(tables):  # dask DataFrame or Parquet dataset: same code per partition
        from .scale import calculate_dask

        if grid is not None:
            raise InputFormatError("grid= is not supported for dask inputs yet: compute "
                                   "the table with pandas, or add the grid factors to the "
                                   "edition with FactorSet.with_overrides")
        return calculate_dask(tables, factors, kind=None, radiative_forcing=radiative_forcing,
                              haul=haul, gwp=gwp, include_td=include_td, co2_only=co2_only)
    data_blocks, reject_blocks = [], []
    rows_read: dict[str, int] = {}
    inputs = _as_tables(tables)
    for item in inputs:
        kind, data = item.kind, item.data
        rows_read[kind] = rows_read.get(kind, 0) + item.rows_read
        mark = {"table": kind, "source": item.source}
        if len(item.rejected):
            reject_blocks.append(item.rejected.assign(**mark))
        if data.empty:
            continue
        years = _year_of(data)
        if factors is not None:
            groups = [(load_factors(factors), np.ones(len(data), bool), "")]
        else:
            groups = _editions_by_year(years)
        for edition, mask, note in groups:
            rows = data[mask]
            fs, _ = resolve_edition(edition)
            results, rejects = _compute(kind, rows, fs, radiative_forcing, haul, gwp, include_td,
                                        co2_only, grid)
            results, implausible = _implausible_results(results, rows)
            rejects = pd.concat([rejects, implausible], ignore_index=True) \
                if len(implausible) else rejects
            results["notes"] = join_notes(_input_notes(rows, results.index), note,
                                           results["notes"])
            data_blocks.append(_attach_inputs(kind, rows, results, item.source))
            if len(rejects):
                reject_blocks.append(rejects.assign(**mark))
        no_year = np.isnan(years) if factors is None else np.zeros(len(data), bool)
        if no_year.any():
            reject_blocks.append(pd.DataFrame({
                **mark, "source_row": data.loc[no_year, "source_row"].to_numpy(),
                "column": "date", "value": "", "reason": "no date or year: the factor edition "
                "cannot be chosen"}))
    if len(data_blocks) == 1:
        data = data_blocks[0]
    elif data_blocks:
        data = _concat_frames(data_blocks)
    else:
        data = pd.DataFrame(columns=_FRONT)
    rejected = (pd.concat(reject_blocks, ignore_index=True)[REJECT_COLUMNS] if reject_blocks
                else pd.DataFrame(columns=REJECT_COLUMNS))
    data, rejected = _keep_rows_whole(data, rejected)
    sources = pd.DataFrame({"source": [i.source for i in inputs],
                            "table": [i.kind for i in inputs],
                            "rows_read": [i.rows_read for i in inputs]}, columns=SOURCE_COLUMNS)
    if data.empty and sum(rows_read.values()):
        warnings.warn(
            f"nothing was computed: all {sum(rows_read.values()):,} source rows were rejected "
            f"(see Inventory.rejected for the reasons)", NothingComputedWarning, stacklevel=2)
    return Inventory(data, rejected, rows_read, sources)


def _implausible_results(results: pd.DataFrame, rows: pd.DataFrame
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Results that are not finite, or beyond :data:`~sem_carbon.limits.MAX_ROW_CO2E_KG`,
    taken out and returned as rejects (the inputs passed their own checks, so the reason
    is the result itself)."""
    if results.empty:
        return results, pd.DataFrame()
    figures = [c for c in ("co2e_kg", "memo_co2e_kg", "biogenic_co2_kg", "rf_kg")
               if c in results.columns]
    values = results[figures].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (~np.isfinite(values) & ~np.isnan(values)).any(axis=1) \
            | np.isnan(results["co2e_kg"].to_numpy(dtype=float)) \
            | (np.abs(np.nan_to_num(values, nan=0.0)) > MAX_ROW_CO2E_KG).any(axis=1)
    if not bad.any():
        return results, pd.DataFrame()
    shown = results.loc[bad, "co2e_kg"].to_numpy(dtype=float)
    source_row = rows.loc[results.index[bad], "source_row"].to_numpy()
    rejects = pd.DataFrame({
        "source_row": source_row, "column": "co2e_kg",
        "value": [f"{v:.6g}" for v in shown],
        "reason": f"the result is not finite or over {MAX_ROW_CO2E_KG / 1e9:g} MtCO2e for one "
                  f"row: an input is out of range (see docs/limits.md)"})
    return results.loc[~bad], rejects


def _input_notes(rows: pd.DataFrame, index: pd.Index) -> pd.Series | None:
    """The readers' row notes (``notes`` column of the activity table) of computed rows."""
    if "notes" not in rows.columns:
        return None
    notes = rows["notes"]
    return notes if notes.index.equals(index) else notes.loc[index]


def _editions_by_year(years: np.ndarray) -> list[tuple[str, np.ndarray, str]]:
    """(edition, row mask, substitution note) per distinct edition-and-note."""
    groups: dict[tuple[str, str], np.ndarray] = {}
    for year in np.unique(years[~np.isnan(years)]):
        key = edition_for_year(int(year))
        groups[key] = groups.get(key, np.zeros(len(years), bool)) | (years == year)
    return [(edition, mask, note) for (edition, note), mask in groups.items()]


def _compute(kind: str, rows: pd.DataFrame, fs: FactorSet, rf: bool, haul: str, gwp: str,
             include_td: bool, co2_only: bool = False,
             grid: str | FactorSet | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    if kind == "travel":
        from .travel.batch import compute_travel

        return compute_travel(rows, fs, radiative_forcing=rf, haul=haul, co2_only=co2_only)
    from .facilities import compute_facilities

    return compute_facilities(rows, fs, gwp=gwp, include_td=include_td, grid=grid)


def _attach_inputs(kind: str, rows: pd.DataFrame, results: pd.DataFrame,
                   source: str = "") -> pd.DataFrame:
    """Result columns beside the input columns they came from, in the documented order.

    Built with one column-wise concatenation (no row-wise copies of the inputs when every
    row was computed once, the common case).
    """
    # computed rows only (T&D rows repeat their input); all rows once: no copy at all
    inputs = rows if results.index.equals(rows.index) else rows.loc[results.index]
    inputs = inputs.drop(columns=[c for c in results.columns if c in inputs.columns])
    year = (inputs["year"] if "year" in inputs.columns and not inputs["year"].isna().any()
            else pd.Series(_year_of(inputs), index=inputs.index))
    def constant(text: str) -> pd.Series:
        return pd.Series(pd.Categorical.from_codes(np.zeros(len(results), np.int8), [text]),
                         index=results.index)

    parts = {"table": constant(kind), "source": constant(source or kind)}
    for column in _FRONT[2:]:
        if column == "year":  # nullable when an explicit edition computed undated rows
            parts["year"] = year.astype("int64" if not year.isna().any() else "Int64")
        elif column in results.columns:
            parts[column] = results[column]
        elif column in inputs.columns:
            parts[column] = inputs[column]
    rest = [inputs[c] for c in inputs.columns if c not in parts]
    rest += [results[c] for c in results.columns if c not in parts]
    merged = pd.concat([*parts.values(), *rest], axis=1)
    merged.columns = [*parts, *(s.name for s in rest)]
    return merged.reset_index(drop=True)


def _keep_rows_whole(data: pd.DataFrame, rejected: pd.DataFrame
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A source row with any rejected part is rejected whole (legs of one routing).

    A source row is ``(table, source, source_row)``: row 3 of one file never knocks out
    row 3 of another.
    """
    if rejected.empty or data.empty:
        return data, rejected
    keys = ["table", "source", "source_row"]
    bad = pd.MultiIndex.from_frame(rejected[keys].astype(str))
    key = pd.MultiIndex.from_frame(data[keys].astype(str))
    partial = key.isin(bad)
    if partial.any():
        extra = data.loc[partial, keys].drop_duplicates().assign(
            column="", value="", reason="another leg of this source row was rejected")
        rejected = pd.concat([rejected, extra[REJECT_COLUMNS]], ignore_index=True)
        data = data.loc[~partial].reset_index(drop=True)
    return data, rejected

