"""From activity tables to an :class:`Inventory` of emissions.

:func:`calculate` runs the batch calculators on each table, choosing for every row the
DESNZ edition of the row's own year (so a 2019 baseline is computed with 2019 factors),
or one explicit edition for all rows. Nothing is lost: every input row ends in
``Inventory.data`` or in ``Inventory.rejected``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pint

from .errors import InputFormatError, SemCarbonError
from .factors import FactorSet, load_factors
from .factors.catalogue import edition_for_year, resolve_edition
from .units import Q_, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    from .scale import DaskInventory

__all__ = ["Inventory", "calculate"]

REJECT_COLUMNS = ["table", "source_row", "column", "value", "reason"]
_FRONT = ["table", "source_row", "trip_id", "leg", "entity", "date", "year", "category", "scope",
          "co2e_kg"]


class Inventory:
    """Emissions per activity row, with the rows that could not be computed.

    Attributes
    ----------
    data : DataFrame
        One row per computed activity (columns in ``docs/tables.md``); ``co2e_kg`` in kgCO2e.
    rejected : DataFrame
        ``table``, ``source_row``, ``column``, ``value``, ``reason``.
    rows_read : dict
        Source rows read per table (``{"travel": 1200, ...}``).
    """

    def __init__(self, data: pd.DataFrame, rejected: pd.DataFrame | None = None,
                 rows_read: dict[str, int] | None = None):
        self.data = data
        self.rejected = (rejected if rejected is not None
                         else pd.DataFrame(columns=REJECT_COLUMNS))
        self.rows_read = dict(rows_read or {})

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
        """Per table: rows read, rows computed, rows rejected (distinct source rows)."""
        rows = []
        for table in sorted(set(self.rows_read) | set(self.data.get("table", []))):
            computed = self.data.loc[self.data["table"] == table, "source_row"].nunique()
            rejected = self.rejected.loc[self.rejected["table"] == table, "source_row"].nunique()
            rows.append({"table": table, "rows_read": self.rows_read.get(table, np.nan),
                         "rows_computed": computed, "rows_rejected": rejected})
        return pd.DataFrame(rows)

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
        items = list(inventories)
        rows_read: dict[str, int] = {}
        for inv in items:
            for k, v in inv.rows_read.items():
                rows_read[k] = rows_read.get(k, 0) + v
        return cls(
            pd.concat([i.data for i in items], ignore_index=True),
            pd.concat([i.rejected for i in items], ignore_index=True),
            rows_read,
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
        _atomic_write(Path(path), lambda tmp: pq.write_table(table.replace_schema_metadata(meta),
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
        return cls(data, rejected, {str(k): int(v) for k, v in rows_read.items()})

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write ``data`` as CSV (rejects beside it as ``<name>.rejected.csv``).

        Safe to open in a spreadsheet and still lossless: a text cell that starts with
        ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a single quote gets one
        leading single quote (so no formula runs), and :meth:`read_csv` removes exactly
        that quote again.
        """
        path = Path(path)
        data, rejected = _quote_formulas(self.data), _quote_formulas(self.rejected)
        _atomic_write(path, lambda tmp: data.to_csv(tmp, index=False, lineterminator="\n"))
        rej = path.with_name(path.stem + ".rejected.csv")
        _atomic_write(rej, lambda tmp: rejected.to_csv(tmp, index=False, lineterminator="\n"))

    @classmethod
    def read_csv(cls, path: str | os.PathLike[str]) -> Inventory:
        """Read an inventory written by :meth:`to_csv` (dtypes restored)."""
        path = Path(path)
        data = pd.read_csv(path, keep_default_na=True, low_memory=False)
        text_cols = ["table", "trip_id", "entity", "category", "factor_id", "factor_key",
                     "factor_unit", "method", "notes", "haul", "origin", "destination", "cabin",
                     "mode", "country", "currency"]
        for col in text_cols:
            if col in data.columns:
                data[col] = data[col].astype(object).where(data[col].notna(), "").astype(str)
        if "date" in data.columns:
            data["date"] = pd.to_datetime(data["date"], errors="coerce")
        rej_path = path.with_name(path.stem + ".rejected.csv")
        rejected = _unquote_formulas(pd.read_csv(rej_path)) if rej_path.exists() else None
        return cls(_unquote_formulas(data), rejected)


_FORMULA_START = r"^[=+\-@\t\r']"
_PLAIN_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def _text_columns(frame: pd.DataFrame) -> list[str]:
    text_types = pd.CategoricalDtype | pd.StringDtype
    return [c for c in frame.columns
            if frame[c].dtype == object or isinstance(frame[c].dtype, text_types)]


def _quote_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix a single quote to text cells a spreadsheet would run as a formula."""
    out = frame.copy()
    for column in _text_columns(out):
        text = out[column].astype("string")
        risky = (text.str.match(_FORMULA_START) & ~text.str.match(_PLAIN_NUMBER)).fillna(False)
        if risky.any():
            out[column] = text.where(~risky, "'" + text).astype(object).where(text.notna())
    return out


def _unquote_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`_quote_formulas` (remove the one quote it added)."""
    for column in _text_columns(frame):
        text = frame[column].astype("string")
        quoted = text.str.startswith("'").fillna(False)
        if quoted.any():
            frame[column] = text.where(~quoted, text.str[1:]).astype(object).where(text.notna())
    return frame


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _as_tables(tables: Any) -> list[tuple[str, pd.DataFrame, pd.DataFrame, int]]:
    """Normalise the accepted inputs to (kind, data, rejected, rows_read) tuples."""
    if isinstance(tables, pd.DataFrame) or hasattr(tables, "data"):
        tables = [tables]
    out = []
    for item in tables:
        if isinstance(item, pd.DataFrame):
            kind = "travel" if "mode" in item.columns else "facilities"
            data = item.copy()
            if "source_row" not in data.columns:
                data["source_row"] = np.arange(len(data)) + 2
            out.append((kind, data, pd.DataFrame(columns=REJECT_COLUMNS[1:]),
                        int(data["source_row"].nunique())))
        elif hasattr(item, "data") and hasattr(item, "rejected"):
            rows_read = getattr(item, "rows_read", None)
            if rows_read is None:
                rows_read = int(item.data["source_row"].nunique()
                                + item.rejected["source_row"].nunique())
            out.append((str(getattr(item, "kind", "travel")), item.data, item.rejected,
                        int(rows_read)))
        else:
            raise InputFormatError(
                f"calculate() takes activity tables or DataFrames, got {type(item).__name__}")
    return out


def _year_of(data: pd.DataFrame) -> np.ndarray:
    if "year" in data.columns:
        year = pd.to_numeric(data["year"], errors="coerce")
    else:
        year = pd.Series(np.nan, index=data.index)
    if "date" in data.columns:
        from_date = pd.to_datetime(data["date"], errors="coerce").dt.year
        year = year.fillna(from_date)
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
    for kind, data, rejected, n_read in _as_tables(tables):
        rows_read[kind] = rows_read.get(kind, 0) + n_read
        if len(rejected):
            reject_blocks.append(rejected.assign(table=kind))
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
            if note:
                results["notes"] = np.where(results["notes"].astype(str) == "", note,
                                            note + "; " + results["notes"].astype(str))
            data_blocks.append(_attach_inputs(kind, rows, results))
            if len(rejects):
                reject_blocks.append(rejects.assign(table=kind))
        no_year = np.isnan(years) if factors is None else np.zeros(len(data), bool)
        if no_year.any():
            reject_blocks.append(pd.DataFrame({
                "table": kind, "source_row": data.loc[no_year, "source_row"].to_numpy(),
                "column": "date", "value": "", "reason": "no date or year: the factor edition "
                "cannot be chosen"}))
    if len(data_blocks) == 1:
        data = data_blocks[0]
    elif data_blocks:
        data = pd.concat(data_blocks, ignore_index=True)
    else:
        data = pd.DataFrame(columns=_FRONT)
    rejected = (pd.concat(reject_blocks, ignore_index=True)[REJECT_COLUMNS] if reject_blocks
                else pd.DataFrame(columns=REJECT_COLUMNS))
    data, rejected = _keep_rows_whole(data, rejected)
    return Inventory(data, rejected, rows_read)


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


def _attach_inputs(kind: str, rows: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """Result columns beside the input columns they came from, in the documented order.

    Built with one column-wise concatenation (no row-wise copies of the inputs when every
    row was computed once, the common case).
    """
    # computed rows only (T&D rows repeat their input); all rows once: no copy at all
    inputs = rows if results.index.equals(rows.index) else rows.loc[results.index]
    inputs = inputs.drop(columns=[c for c in results.columns if c in inputs.columns])
    year = (inputs["year"] if "year" in inputs.columns and not inputs["year"].isna().any()
            else pd.Series(_year_of(inputs), index=inputs.index))
    parts = {"table": pd.Series(pd.Categorical.from_codes(np.zeros(len(results), np.int8),
                                                          [kind]), index=results.index)}
    for column in _FRONT[1:]:
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
    """A source row with any rejected part is rejected whole (legs of one routing)."""
    if rejected.empty or data.empty:
        return data, rejected
    bad = pd.MultiIndex.from_frame(rejected[["table", "source_row"]].astype(str))
    key = pd.MultiIndex.from_frame(data[["table", "source_row"]].astype(str))
    partial = key.isin(bad)
    if partial.any():
        extra = data.loc[partial, ["table", "source_row"]].drop_duplicates().assign(
            column="", value="", reason="another leg of this source row was rejected")
        rejected = pd.concat([rejected, extra[REJECT_COLUMNS]], ignore_index=True)
        data = data.loc[~partial].reset_index(drop=True)
    return data, rejected

