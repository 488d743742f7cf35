"""The :class:`Inventory`: emissions per activity row, the rows rejected, the sources read.

A plain container with totals, groupings, concatenation and lossless files; it is made by
:func:`sem_carbon.calculate` (see :mod:`sem_carbon.engine`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pint

from .errors import SemCarbonError, UnknownColumnError
from .factors import load_factors
from .io.writers import atomic_write, restore_frame, write_csv
from .schema import INVENTORY_REJECT_COLUMNS, INVENTORY_TEXT_COLUMNS, SOURCE_COLUMNS
from .units import Q_, parse_unit

__all__ = ["Inventory"]


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
                         else pd.DataFrame(columns=list(INVENTORY_REJECT_COLUMNS)))
        self.rows_read = dict(rows_read or {})
        if sources is None:  # one anonymous source per table (inventories of old files)
            sources = pd.DataFrame({"source": list(self.rows_read),
                                    "table": list(self.rows_read),
                                    "rows_read": list(self.rows_read.values())},
                                   columns=list(SOURCE_COLUMNS))
        self.sources = sources.reset_index(drop=True)

    @classmethod
    def from_ledger(cls, ledger: object, **filters: object) -> Inventory:
        """The current rows of a :class:`~sem_carbon.Ledger` as an inventory.

        Parameters
        ----------
        ledger : Ledger
            An open ledger (``sc.Ledger(path)``).
        **filters
            As :meth:`Ledger.inventory` (``entity``, ``year``, ``category``, ``source``,
            ``basis``, ``plans``, ``status``).

        Returns
        -------
        Inventory
            Restated figures where the ledger restated them, spend estimates included.
        """
        return as_inventory(ledger, **filters)

    # ------------------------------------------------------------------ totals
    def total(self, unit: str = "tCO2e") -> pint.Quantity:
        """Total of ``co2e_kg`` (the Kyoto total incl. RF when it was on) as a Quantity."""
        target = parse_unit(unit) if isinstance(unit, str) else unit  # grammar-checked
        return Q_(float(self.data["co2e_kg"].sum()), "kgCO2e").to(target)

    def by(self, *dims: str, value: str = "co2e_kg") -> pd.DataFrame:
        """Totals in tCO2e grouped by any columns (e.g. ``"entity", "year"``).

        Returns a DataFrame with the dims as columns and ``tco2e`` (plus ``rows``), sorted
        by the dims' values (text by its labels).
        """
        if not dims:
            return pd.DataFrame({"tco2e": [self.data[value].sum() / 1000.0],
                                 "rows": [len(self.data)]})
        missing = [d for d in dims if d not in self.data.columns]
        if missing:
            raise UnknownColumnError(f"inventory has no column(s) {', '.join(missing)}")
        grouped = self.data.groupby(list(dims), dropna=False, sort=False, observed=True)
        out = _sorted_by_labels(grouped[value].agg(["sum", "size"]).reset_index(), dims)
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
                 self.sources[list(SOURCE_COLUMNS)].itertuples(index=False)}
        keys = sorted(set(known) | set(computed) | set(rejected))
        return pd.DataFrame(
            [{"table": t, "source": s, "rows_read": known.get((t, s), np.nan),
              "rows_computed": computed.get((t, s), 0), "rows_rejected": rejected.get((t, s), 0)}
             for t, s in keys],
            columns=["table", "source", "rows_read", "rows_computed", "rows_rejected"])

    def editions(self) -> pd.DataFrame:
        """Factor editions used, with publisher, source, licence and checksum (for appendices).

        ``sha256`` is the checksum of the edition's ``datapackage.json``
        (:func:`sem_carbon.stamps.edition_checksum`).
        """
        from .stamps import edition_checksum

        rows = []
        ids = self.data.get("factor_id", pd.Series(dtype=str)).dropna()
        for edition in sorted(set(pd.unique(ids))):  # distinct first: no object per row
            try:
                fs = load_factors(edition)
            except SemCarbonError:  # an override set made in memory is not in the catalogue
                rows.append({"id": edition, "publisher": "", "year": np.nan, "source": "",
                             "licence": "", "rows": int((self.data["factor_id"] == edition).sum()),
                             "sha256": ""})
                continue
            rows.append({"id": fs.id, "publisher": fs.publisher, "year": fs.year,
                         "source": fs.source, "licence": fs.licence,
                         "rows": int((self.data["factor_id"] == edition).sum()),
                         "sha256": edition_checksum(fs)})
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
        sources = pd.concat([i.sources for i in items], ignore_index=True)[list(SOURCE_COLUMNS)]
        return cls(
            concat_frames([i.data for i in items]),
            concat_frames([i.rejected for i in items]),
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
    def to_parquet(self, path: str | os.PathLike[str], timestamp: str | None = None) -> None:
        """Write data and rejects to one Parquet file (rejects and counts in its metadata).

        Parameters
        ----------
        path : path-like
        timestamp : str, optional
            Time stamp of the file (default: the time of the run, see
            :func:`sem_carbon.stamps.resolve_timestamp`). The file's ``sem_carbon.stamp``
            metadata holds it with the library version and each edition's sha256.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        from .stamps import stamp_json

        table = pa.Table.from_pandas(self.data, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        editions = self.data["factor_id"].dropna().astype(str).unique() \
            if "factor_id" in self.data.columns else ()
        meta[b"sem_carbon.stamp"] = stamp_json(editions, timestamp).encode()
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
        for col in INVENTORY_TEXT_COLUMNS:
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


def is_ledger(obj: object) -> bool:
    """Whether ``obj`` is a :class:`~sem_carbon.Ledger` (without importing DuckDB)."""
    return type(obj).__name__ == "Ledger" and callable(getattr(obj, "inventory", None))


def as_inventory(source: object, **filters: object) -> Inventory:
    """An :class:`Inventory` itself, or the current rows of a :class:`~sem_carbon.Ledger`.

    Parameters
    ----------
    source : Inventory or Ledger
        What a report or a target status is computed from.
    **filters
        Passed to :meth:`Ledger.inventory` for a ledger (an inventory takes none).

    Returns
    -------
    Inventory

    Raises
    ------
    InvalidArgumentError
        Anything else, or filters given with an inventory.
    """
    from .errors import InvalidArgumentError

    if isinstance(source, Inventory):
        if filters:
            raise InvalidArgumentError(
                f"filters {sorted(filters)} apply to a ledger, not to an Inventory")
        return source
    if is_ledger(source):
        return source.inventory(**filters)  # type: ignore[attr-defined]
    raise InvalidArgumentError(
        f"expected an Inventory or a Ledger, got {type(source).__name__}")


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
    # codes of the (categorical) table and source columns: no text per row
    table, tables = pd.factorize(frame["table"], use_na_sentinel=False)
    source, sources = pd.factorize(_source_of(frame), use_na_sentinel=False)
    rows = frame["source_row"].to_numpy()
    counts = _distinct_per_group(table.astype(np.int64) * max(len(sources), 1) + source, rows)
    out: dict[tuple[str, str], int] = {}
    for group, n in counts.items():
        t, s = divmod(group, max(len(sources), 1))
        key = (str(tables[t]), str(sources[s]))
        out[key] = out.get(key, 0) + int(n)
    return out


def _distinct_per_group(group: np.ndarray, rows: np.ndarray) -> dict[int, int]:
    """Distinct values of ``rows`` per ``group`` code (codes from 0).

    Integer row numbers are one 64-bit key per row (group and row number together) when
    the key fits, its distinct values found by :func:`sem_carbon.codes.index_codes`
    (counted in a dense table when the key space is small, else hashed); anything else
    is counted by pandas on the two columns.
    """
    if rows.dtype.kind == "i" and len(rows):
        from .codes import index_codes

        low, high = int(rows.min()), int(rows.max())
        span = high - low + 1
        space = span * (int(group.max()) + 1)
        if space < 2**62:
            key = group * span + (rows.astype(np.int64) - low)
            _, distinct = index_codes(key, space)  # counted when the space is small
            counts = np.bincount(np.asarray(distinct) // span)
            return {int(g): int(n) for g, n in enumerate(counts) if n}
    keys = pd.DataFrame({"group": group, "row": rows}).drop_duplicates()
    return {int(g): int(n) for g, n in keys.groupby("group", sort=False).size().items()}


def _sorted_by_labels(frame: pd.DataFrame, dims: tuple[str, ...]) -> pd.DataFrame:
    """Rows sorted by the values of ``dims`` (a categorical by its labels, not by the order
    its categories happen to be listed in, which depends on how the rows were computed)."""
    def key(column: pd.Series) -> pd.Series:
        if not isinstance(column.dtype, pd.CategoricalDtype):
            return column
        values = column.astype(object)
        try:
            sorted(values.dropna().unique())
        except TypeError:  # labels of different types: compare their texts
            return values.where(values.isna(), values.astype(str))
        return values

    return frame.sort_values(list(dims), key=key, kind="stable",
                             na_position="last").reset_index(drop=True)


def concat_frames(frames: list[pd.DataFrame], keep_index: bool = False) -> pd.DataFrame:
    """Stack frames, keeping categorical columns categorical (their labels united).

    A column categorical in every frame stays categorical (a method or note text held once,
    not once per row); labels of different types, or a column categorical in some frames
    only, become plain values. ``keep_index``: keep the frames' index labels.
    """
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame()
    columns = dict.fromkeys(c for f in frames for c in f.columns)
    for name in columns:
        dtypes = [f[name].dtype for f in frames if name in f]
        if not all(isinstance(d, pd.CategoricalDtype) for d in dtypes):
            continue
        if len({d.categories.dtype for d in dtypes}) == 1:
            union = pd.api.types.union_categoricals(
                [f[name] for f in frames if name in f], ignore_order=True).categories
            frames = [f.assign(**{name: f[name].cat.set_categories(union)}) if name in f else f
                      for f in frames]
        else:  # labels of different types (text in one block, booleans in another)
            frames = [f.assign(**{name: f[name].astype(object)}) if name in f else f
                      for f in frames]
    return pd.concat(frames, ignore_index=not keep_index)


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
