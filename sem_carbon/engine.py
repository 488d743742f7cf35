"""The engine: activity tables in, an :class:`~sem_carbon.inventory.Inventory` out.

:func:`compute_tables` runs the batch calculators on each table (in memory, pandas),
choosing for every row the DESNZ edition of the row's own year (so a 2019 baseline is
computed with 2019 factors), or one explicit edition for all rows, and owns what every
row must carry: its source identity, its notes (the reader's, the edition's, the
calculator's) and the plausibility of its result. Nothing is lost: every input row ends
in ``Inventory.data`` or in ``Inventory.rejected``.

:func:`sem_carbon.calculate` is the public entry point; it sends Dask inputs to
:mod:`sem_carbon.scale`, which runs this same engine on each partition.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .codes import smallest_int
from .errors import InputFormatError, InvalidArgumentError, NothingComputedWarning
from .factors import FactorSet, load_factors
from .factors.catalogue import edition_for_year, resolve_edition
from .inventory import Inventory, concat_frames
from .limits import MAX_ROW_CO2E_KG, YEAR_REASON
from .notes import join_notes
from .schema import (
    CALCULATOR_INPUTS,
    INVENTORY_FRONT,
    INVENTORY_REJECT_COLUMNS,
    REJECT_COLUMNS,
    RESULTS,
    SOURCE_COLUMNS,
    TRAVEL_RESULTS,
    inventory_columns,
)
from .vocabulary import YEAR_DATE_DISAGREE, read_years, row_years, year_date_disagreement
from .vocabulary.frames import canonical_words

__all__ = ["Options", "compute_tables", "layout", "read_frame"]


class Options:
    """The calculation options of :func:`sem_carbon.calculate` (see its parameters)."""

    __slots__ = ("air_method", "co2_only", "grid", "gwp", "haul", "include_td",
                 "radiative_forcing")

    def __init__(self, *, radiative_forcing: bool = True, haul: str = "distance",
                 gwp: str = "AR5", include_td: bool = False, co2_only: bool = False,
                 grid: str | FactorSet | None = None, air_method: str = "desnz") -> None:
        from .vocabulary import yes_no_argument

        # "no" is not True: yes/no options are read as the readers read yes/no cells
        radiative_forcing, include_td, co2_only = (
            yes_no_argument(value, name, error=InvalidArgumentError)
            for value, name in ((radiative_forcing, "radiative_forcing"),
                                (include_td, "include_td"), (co2_only, "co2_only")))
        self.radiative_forcing, self.haul, self.gwp = radiative_forcing, haul, gwp
        self.include_td, self.co2_only, self.grid = include_td, co2_only, grid
        self.air_method = air_method

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


class _Input:
    """One table given to :func:`calculate`: its kind, identity, rows and read rejects."""

    __slots__ = ("data", "factorized", "kind", "rejected", "rows_read", "source")

    def __init__(self, kind: str, source: str, data: pd.DataFrame, rejected: pd.DataFrame,
                 rows_read: int, factorized: dict | None = None):
        self.kind, self.source, self.data = kind, source, data
        self.rejected, self.rows_read = rejected, rows_read
        self.factorized = factorized or {}  # columns already factorised (canonical_words)


def _as_tables(tables: Any) -> list[_Input]:
    """Normalise the accepted inputs, each with a source identity unique in this call.

    A table's identity is its ``source`` (the file or URL an ActivityTable was read from);
    a DataFrame is ``"DataFrame"`` (``"DataFrame #2"`` ... when several are given), and a
    name given twice gets ``#2``, ``#3`` ...: rows of two sources never share an identity,
    whatever their row numbers. A table read from several sheets of a workbook
    (``ActivityTable.sheets``) is one source per sheet (``file.xlsx [sheet 'Feb']``).
    """
    if isinstance(tables, pd.DataFrame) or hasattr(tables, "data"):
        tables = [tables]
    out: list[_Input] = []
    seen: set[str] = set()
    for item in (part for table in tables for part in _sheet_parts(table)):
        if isinstance(item, pd.DataFrame):
            kind = "travel" if "mode" in item.columns else "facilities"
            name = "DataFrame"
            data, rejected, rows_read, factorized = read_frame(kind, item)
        elif hasattr(item, "data") and hasattr(item, "rejected"):
            factorized = getattr(item, "factorized", None) or {}
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
        out.append(_Input(kind, source, data, rejected, int(rows_read), factorized))
    return out


def _sheet_parts(table: Any) -> list[Any]:
    """A table read from several sheets (``ActivityTable.sheets``) as one table per sheet,
    each with its own source and row numbers; any other input as it is."""
    parts = getattr(table, "sheets", ())
    if not parts or isinstance(table, pd.DataFrame) or "sheet" not in table.data.columns:
        return [table]
    from .io.table import ActivityTable

    def of(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        rows = frame.loc[frame["sheet"].to_numpy() == name].drop(columns="sheet")
        return rows.rename(columns={"sheet (source)": "sheet"}).reset_index(drop=True)

    return [ActivityTable(table.kind, of(table.data, p.sheet), of(table.rejected, p.sheet),
                          p.source, p.rows_read) for p in parts]


def read_frame(kind: str, frame: pd.DataFrame
               ) -> tuple[pd.DataFrame, pd.DataFrame, int, dict]:
    """A DataFrame read as :func:`sem_carbon.calculate` reads one (and a Dask partition).

    Rows numbered by position + 2 when there is no ``source_row``; text dates read as the
    readers read them; the words of the vocabulary columns in canonical form
    (:func:`~sem_carbon.vocabulary.frames.canonical_words`). The caller's frame is never
    changed (copy-on-write).

    Parameters
    ----------
    kind : {"travel", "facilities"}
        The canonical table ``frame`` follows.
    frame : DataFrame
        Canonical columns (``docs/tables.md``).

    Returns
    -------
    data : DataFrame
        The rows to compute, labelled by position.
    rejected : DataFrame
        ``source_row``, ``column``, ``value``, ``reason`` of the rows whose date or words
        cannot be read.
    rows_read : int
        Distinct source rows of ``frame``.
    factorized : dict
        The columns the words' reading factorised (the calculators reuse them).
    """
    data = _by_position(frame.copy(deep=False))
    if "source_row" not in data.columns:
        data["source_row"] = np.arange(len(data)) + 2
    rows_read = _distinct_count(data["source_row"])
    data, rejected = _read_dates(data, kind)
    if kind == "travel" and "distance_km" in data.columns:
        data, unit_rejects = _read_distance_texts(data)
        if len(unit_rejects):
            rejected = pd.concat([rejected, unit_rejects], ignore_index=True) \
                if len(rejected) else unit_rejects
    # words as the readers read them
    data, unread, factorized = canonical_words(kind, data)
    if kind == "travel" and "rooms" in data.columns:
        _note_rooms_not_read(data)
    if len(unread):
        rejected = pd.concat([rejected, unread], ignore_index=True) \
            if len(rejected) else unread
    return data, rejected, rows_read, factorized


def _read_distance_texts(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``distance_km`` cells written with their unit, read per distinct text.

    ``distance_km`` holds kilometres, so a cell whose own unit is km (``100 km``) is read
    as its number, as :func:`sem_carbon.read_travel_log` reads a cell that carries the
    column's own unit; a cell of another length unit (``62 mi.``) contradicts the column
    and is rejected with the unit found, as the reader rejects a cell whose unit
    contradicts its column's (never converted on a guess that the column's name is
    wrong). Other texts are left to the calculator ("not a number"). The reading is the
    reader's own (``_distance_cells``, ``_same_unit`` of :mod:`sem_carbon.io.travel`).
    """
    empty = pd.DataFrame(columns=list(REJECT_COLUMNS))
    column = data["distance_km"]
    if column.dtype.kind in "iufb":
        return data, empty
    from .io.parse import is_missing
    from .io.travel import _distance_cells, _same_unit
    from .units import parse_quantity

    km = np.array(pd.to_numeric(column, errors="coerce"), dtype=float)  # a copy of its own
    texts = np.isnan(km) & ~is_missing(column)
    if not texts.any():
        return data, empty
    at = np.flatnonzero(texts)
    codes, uniques = pd.factorize(column.iloc[at].astype(str).str.strip().to_numpy(object))
    distinct = pd.Series(uniques, dtype=object)
    cell_km, read = _distance_cells(distinct, np.ones(len(distinct), bool))
    in_km = _same_unit(distinct, np.ones(len(distinct)), read)
    found = np.array([f"{parse_quantity(str(t), 'distance').units:~P}" if r else ""
                      for t, r in zip(uniques, read, strict=True)], dtype=object)
    ok, other = (read & in_km)[codes], (read & ~in_km)[codes]
    if ok.any():
        km[at[ok]] = cell_km[codes[ok]]
        unread = texts.copy()
        unread[at[ok]] = False
        kept = column.to_numpy(dtype=object)
        values = np.where(unread, kept, km) if unread.any() else km
        data["distance_km"] = pd.Series(values, index=data.index)
    if not other.any():
        return data, empty
    bad = np.zeros(len(data), bool)
    bad[at[other]] = True
    shown = column.to_numpy(dtype=object)[bad]
    reason = ("distance_km holds '" + pd.Series(shown, dtype=object).astype(str)
              + "', a distance in " + pd.Series(found[codes[other]], dtype=object)
              + ", not km: give km, or read the file with sc.read_travel_log (its "
              "distance column converts units)").to_numpy(dtype=object)
    rejected = pd.DataFrame({"source_row": data["source_row"].to_numpy()[bad],
                             "column": "distance_km", "value": shown, "reason": reason})
    return data.loc[~bad], rejected


def _note_rooms_not_read(data: pd.DataFrame) -> None:
    """Note a number of rooms on a row that is no hotel stay (not read), as the readers
    note it (:func:`~sem_carbon.travel.surface.rooms_not_read`); per distinct mode."""
    from .io.parse import is_missing
    from .travel.surface import rooms_not_read

    mode = data["mode"].astype(object).to_numpy() if "mode" in data.columns else None
    if mode is None:
        return
    known = {"air", "rail", "road"}
    elsewhere = ~is_missing(data["rooms"]) & np.isin(mode, list(known))
    if not elsewhere.any():
        return
    said = np.full(len(data), "", dtype=object)
    for name in pd.unique(mode[elsewhere]):  # distinct modes only
        said[elsewhere & (mode == name)] = rooms_not_read(str(name))
    parts = [data["notes"].to_numpy() if "notes" in data.columns else None, said]
    data["notes"] = pd.Series(join_notes(*parts), index=data.index)


def _by_position(data: pd.DataFrame) -> pd.DataFrame:
    """The rows labelled by their position (0, 1, 2 ...): the calculators and the layout
    find rows by label, so a DataFrame whose index repeats a label (two frames stacked
    without ``ignore_index``) must not reach them as it is."""
    index = data.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return data
    return data.reset_index(drop=True)  # copy-on-write: the columns are not copied


def _distinct_count(column: pd.Series) -> int:
    """Number of distinct values (a strictly increasing column, the usual row numbers, is
    counted without hashing)."""
    values = column.to_numpy()
    if values.dtype.kind in "iu" and (len(values) < 2 or bool((values[1:] > values[:-1]).all())):
        return len(values)
    return int(column.nunique())


def _read_dates(data: pd.DataFrame, kind: str = "travel"
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A DataFrame's ``date`` column read as the readers read it, bad dates rejected.

    Text dates follow :func:`sem_carbon.io.parse.parse_dates` (day first: ``05/03/2019``
    is 5 March); a bare year fills ``year``. Rows whose date cannot be read are rejected
    with the reason, as :func:`sem_carbon.read_travel_log` rejects them, and the rows
    read at a choice are noted as the readers note them: a date that reads both ways
    (``03/04/2019``) says which way the column was read, and a travel date without a day
    (``Jan 2019``) that the 1st stands for it. A time-zone-aware column keeps its
    wall-clock time as written (``2019-12-31 23:30-05:00`` is a 2019 trip, not
    2020-01-01 in UTC), as the readers read it.
    """
    empty = pd.DataFrame(columns=list(REJECT_COLUMNS))
    if kind == "facilities" and {"period_start", "period_end"} & set(data.columns):
        return _read_periods(data)
    if "date" not in data.columns:
        return data, empty
    if pd.api.types.is_datetime64_any_dtype(data["date"]):
        if getattr(data["date"].dtype, "tz", None) is not None:
            data["date"] = data["date"].dt.tz_localize(None)  # local time, not UTC
        return data, empty
    from .io.parse import parse_dates

    raw = data["date"]
    parsed = parse_dates(raw, date_system=None)  # a DataFrame carries no Excel date system
    data["date"] = pd.Series(parsed.dates, index=data.index).astype("datetime64[ns]")
    only_year = np.isnat(parsed.dates) & (parsed.year > 0)
    if only_year.any():
        # a bare year in ``date`` fills a missing year cell; a filled one is kept as given
        # (checked by the engine: "FY2019" there is rejected, not replaced)
        if "year" in data.columns:
            year, implausible = read_years(data["year"])
            fill = only_year & np.isnan(year) & ~implausible
            given = data["year"] if data["year"].dtype.kind in "iuf" else \
                data["year"].astype(object)
        else:
            fill, given = only_year, pd.Series(np.nan, index=data.index)
        if fill.any():
            data["year"] = given.where(~fill, parsed.year.astype(float))
    _note_date_readings(data, parsed, kind)
    if not parsed.bad.any():
        return data, empty
    rejected = pd.DataFrame({"source_row": data["source_row"].to_numpy()[parsed.bad],
                             "column": "date", "value": raw.astype(str).to_numpy()[parsed.bad],
                             "reason": parsed.reason[parsed.bad]})
    return data.loc[~parsed.bad], rejected


_PERIOD_COLUMNS = ("period_start", "period_end", "date", "year")


def _read_periods(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A facilities DataFrame's periods read by :func:`sem_carbon.read_facilities`' own
    reading (:func:`~sem_carbon.io.facilities.read_periods`): the same year (of ``date``,
    else of the period's middle day, else the ``year`` column), the same notes (a period
    over a year end, a date read day first, a month for a period) and the same rejects
    (an unreadable date, a bound given only as a year, a period ending before it starts);
    a row without any year is left to the engine (it has no edition unless ``factors=``
    is given)."""
    from .io.columns import plan_columns
    from .io.common import SourceColumns
    from .io.facilities import read_periods
    from .io.notes import RowNotes
    from .io.rejects import Rejections
    from .io.sources import load_source

    names = [c for c in _PERIOD_COLUMNS if c in data.columns]
    part = data[names]
    for name in names:  # a time-zone-aware column: its wall-clock time, as written
        if getattr(part[name].dtype, "tz", None) is not None:
            part = part.assign(**{name: part[name].dt.tz_localize(None)})
    raw = load_source(part)
    cols = SourceColumns(raw, plan_columns("facilities", names, {c: c for c in names}, None))
    rej = Rejections(data["source_row"].to_numpy())
    notes = RowNotes(len(data))
    start, end, date, year, _ = read_periods(cols, rej, notes, np.ones(len(data), bool))
    data["period_start"] = pd.Series(start, index=data.index)
    data["period_end"] = pd.Series(end, index=data.index)
    data["date"] = pd.Series(date, index=data.index)
    data["year"] = pd.Series(np.where(year > 0, year, np.nan), index=data.index)
    if notes:
        parts = [data["notes"].to_numpy() if "notes" in data.columns else None,
                 notes.series().to_numpy(dtype=object)]
        data["notes"] = pd.Series(join_notes(*parts), index=data.index)
    if not rej.mask.any():
        return data, pd.DataFrame(columns=list(REJECT_COLUMNS))
    return data.loc[~rej.mask], rej.frame()


def _note_date_readings(data: pd.DataFrame, parsed: Any, kind: str) -> None:
    """Add to ``data["notes"]`` the notes the readers put on dates read at a choice."""
    from .io.common import is_one_value
    from .io.travel import _MONTH_NOTE

    note = parsed.note  # one read-only value when no date reads both ways
    ambiguous = not (is_one_value(note) and note[0] == "")
    month = kind == "travel" and bool(parsed.month_only.any())
    if not (ambiguous or month):
        return
    parts = [data["notes"].to_numpy() if "notes" in data.columns else None]
    if month:
        parts.append(np.where(parsed.month_only, _MONTH_NOTE, ""))
    if ambiguous:
        parts.append(np.asarray(note, dtype=object))
    data["notes"] = pd.Series(join_notes(*parts), index=data.index)


def compute_tables(tables: Any, factors: str | FactorSet | None = None,
                   options: Options | None = None) -> Inventory:
    """Compute activity tables in memory (the engine behind :func:`sem_carbon.calculate`).

    Parameters
    ----------
    tables : ActivityTable, DataFrame, or a sequence of them
        See :func:`sem_carbon.calculate`.
    factors : str or FactorSet, optional
        ``None``: each row uses the DESNZ edition of its own year; given: every row uses it.
    options : Options, optional
        Calculation options (defaults of :func:`sem_carbon.calculate`).

    Returns
    -------
    Inventory
    """
    options = options or Options()
    data_blocks, reject_blocks = [], []
    rows_read: dict[str, int] = {}
    inputs = _as_tables(tables)
    # the columns the inventory would have had, were any row computed (an inventory of
    # rejects only keeps them: its columns do not depend on its rows)
    empty_columns: dict[str, None] = {}
    for item in inputs:
        kind, data = item.kind, _by_position(item.data)
        empty_columns.update(dict.fromkeys(inventory_columns(kind, data.columns)))
        rows_read[kind] = rows_read.get(kind, 0) + item.rows_read
        mark = {"table": kind, "source": item.source}
        if len(item.rejected):
            reject_blocks.append(item.rejected.assign(**mark))
        # a year that is no plausible year (19, 2019.5, -2019, True) and a year beside a
        # date of another year: rejected, as the readers reject them
        if "year" in data.columns:
            year, implausible = read_years(data["year"])  # read once (text is parsed)
            data = _reject_year_rows(item, data, implausible, YEAR_REASON, mark,
                                     reject_blocks)
            year = year[~implausible]
            disagree = year_date_disagreement(data, years=year)
            data = _reject_year_rows(item, data, disagree, YEAR_DATE_DISAGREE, mark,
                                     reject_blocks)
            if data["year"].dtype.kind not in "iuf":
                data = data.assign(year=year[~disagree])  # text as read: "2019.0"
        if data.empty:
            continue
        years = row_years(data)
        if factors is not None:
            given = load_factors(factors)
            if kind == "travel" and not {"air", "rail", "road", "hotel"} & set(given.categories):
                # every row would take the nearest DESNZ edition of one year, whatever its own
                raise InvalidArgumentError(
                    f"factors={given.id!r} publishes no travel factors (air, rail, road, "
                    "hotel): give a travel edition such as 'desnz-2019', or no factors= to "
                    "compute each row with the DESNZ edition of its own year")
            groups, group_of_row = [(given, "")], np.zeros(len(data), np.intp)
        elif kind == "facilities":  # the calculator chooses each row's edition itself
            groups = [(None, "")]
            group_of_row = np.where(np.isnan(years), -1, 0).astype(np.int8)
        else:
            groups, group_of_row = _editions_by_year(years)
        # the calculators read a few columns: only those are split by edition, and the
        # results are laid out beside the whole input table once
        inputs_used = data[[c for c in CALCULATOR_INPUTS[kind] if c in data.columns]]
        if kind == "travel" and len(groups) > 1:
            # travel over several editions: the rows are read once, the edition is one
            # more index of the factor gather (no copy of the inputs per edition)
            results, rejects = _compute_editions(inputs_used, groups, group_of_row, options,
                                                 data.index, item.factorized)
            results, rejected_here = _checked_results(results, rejects, inputs_used)
            if len(rejected_here):
                reject_blocks.append(rejected_here.assign(**mark))
        else:
            result_blocks = []
            for k, (edition, note) in enumerate(groups):
                mine = group_of_row == k
                every = bool(mine.all())
                rows = inputs_used if every else inputs_used[mine]
                fs = None if edition is None else resolve_edition(edition)[0]
                factorized = {name: (codes if every else codes[mine], uniques)
                              for name, (codes, uniques) in item.factorized.items()}
                results, rejects = _compute(kind, rows, fs, options, factorized)
                results, rejected_here = _checked_results(results, rejects, rows)
                if note:
                    results["notes"] = join_notes(note, results["notes"])
                result_blocks.append(results)
                results = None  # held by result_blocks only (freed column by column)
                if len(rejected_here):
                    reject_blocks.append(rejected_here.assign(**mark))
            if not result_blocks:  # no row has a year: all rejected below, none computed
                results = pd.DataFrame(columns=list(RESULTS[kind]))
            else:
                results = (result_blocks[0] if len(result_blocks) == 1 else
                           _in_row_order(result_blocks, data.index))
        if len(results):
            results["notes"] = join_notes(_input_notes(data, results.index), results["notes"])
            data_blocks.append(layout(kind, data, results, item.source))
        no_year = np.isnan(years) if factors is None else np.zeros(len(data), bool)
        if no_year.any():
            reject_blocks.append(pd.DataFrame({
                **mark, "source_row": data.loc[no_year, "source_row"].to_numpy(),
                "column": "date", "value": "", "reason": "no date or year: the factor edition "
                "cannot be chosen"}))
    if len(data_blocks) == 1:
        data = data_blocks[0]
    elif data_blocks:
        data = concat_frames(data_blocks)
    else:
        data = pd.DataFrame(columns=list(empty_columns or INVENTORY_FRONT))
    columns = list(INVENTORY_REJECT_COLUMNS)
    rejected = (pd.concat(reject_blocks, ignore_index=True)[columns] if reject_blocks
                else pd.DataFrame(columns=columns))
    data, rejected = _keep_rows_whole(data, rejected)
    sources = pd.DataFrame({"source": [i.source for i in inputs],
                            "table": [i.kind for i in inputs],
                            "rows_read": [i.rows_read for i in inputs]},
                           columns=list(SOURCE_COLUMNS))
    if data.empty and sum(rows_read.values()):
        warnings.warn(
            f"nothing was computed: all {sum(rows_read.values()):,} source rows were rejected "
            f"(see Inventory.rejected for the reasons)", NothingComputedWarning, stacklevel=3)
    return Inventory(data, rejected, rows_read, sources)


def _in_row_order(blocks: list[pd.DataFrame], index: pd.Index) -> pd.DataFrame:
    """Result blocks of the editions as one frame in the order of the input rows.

    Each row is computed by one edition, so every column is filled in place into one
    full-length array (categoricals: codes into the union of the blocks' labels, in the
    order :func:`~sem_carbon.inventory.concat_frames` unites them), then the rows not
    computed are dropped: no concatenated copy to sort. Blocks that repeat a row or whose
    columns differ in kind take the general path (concatenate, stable sort).
    """
    labels = np.concatenate([b.index.to_numpy() for b in blocks])
    if isinstance(index, pd.RangeIndex) and index.step == 1:  # the usual input: arithmetic
        where = labels.astype(np.int64, copy=False) - index.start
        where[(where < 0) | (where >= len(index))] = -1
    else:
        where = index.get_indexer(labels) if index.is_unique else np.full(len(labels), -1)
    computed = np.zeros(len(index), bool)
    computed[where] = True
    columns = list(blocks[0].columns)
    simple = ((where >= 0).all() and np.count_nonzero(computed) == len(labels)  # no repeats
              and index.is_monotonic_increasing
              and all(list(b.columns) == columns for b in blocks))
    if simple:
        for name in columns:
            dtypes = [b[name].dtype for b in blocks]
            kinds = {isinstance(d, pd.CategoricalDtype) for d in dtypes}
            if kinds == {True}:
                simple = len({d.categories.dtype for d in dtypes}) == 1
            else:
                simple = kinds == {False} and all(isinstance(d, np.dtype) for d in dtypes)
            if not simple:
                break
    if not simple:
        return concat_frames(blocks, keep_index=True).sort_index(kind="stable")

    position = np.cumsum(computed) - 1  # input position -> output position
    at = position[where]
    bounds = np.cumsum([0, *(len(b) for b in blocks)])
    kept = index[computed]
    out: list[pd.Series] = []
    # the blocks' columns by name; the frames let go (the caller's list is emptied), so each
    # column is freed once copied into the full-length one
    by_name = [{name: b[name] for name in columns} for b in blocks]
    blocks.clear()
    for name in columns:
        parts = [c.pop(name) for c in by_name]
        if isinstance(parts[0].dtype, pd.CategoricalDtype):
            union = pd.Index(list(dict.fromkeys(c for p in parts for c in p.cat.categories)))
            codes = np.empty(len(at), np.int32 if len(union) > 2**15 else np.int16)
            for p, lo, hi in zip(parts, bounds[:-1], bounds[1:], strict=True):
                recode = union.get_indexer(p.cat.categories)
                old = p.cat.codes.to_numpy()
                codes[at[lo:hi]] = np.where(old < 0, -1, recode[old])
            values = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(union))
        else:
            dtype = np.result_type(*(p.dtype for p in parts))
            values = np.empty(len(at), dtype)
            for p, lo, hi in zip(parts, bounds[:-1], bounds[1:], strict=True):
                values[at[lo:hi]] = p.to_numpy()
        # the blocks' dtype kept as it is (object text stays object, as concatenation keeps it)
        out.append(pd.Series(values, index=kept, name=name, copy=False,
                             dtype=None if isinstance(values, pd.Categorical) else values.dtype))
    return pd.concat(out, axis=1)


def _implausible_results(results: pd.DataFrame, rows: pd.DataFrame
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Results that are not finite, or beyond :data:`~sem_carbon.limits.MAX_ROW_CO2E_KG`,
    taken out and returned as rejects (the inputs passed their own checks, so the reason
    is the result itself)."""
    if results.empty:
        return results, pd.DataFrame()
    figures = [c for c in ("co2e_kg", "memo_co2e_kg", "biogenic_co2_kg", "rf_kg")
               if c in results.columns]
    # column by column (no 2-D copy): an infinite value is also over the limit, a NaN is
    # never over it (NaN is bad only in co2e_kg); a column whose largest and smallest
    # values (NaN aside) are within the limit needs no per-row test
    bad = np.isnan(results["co2e_kg"].to_numpy(dtype=float))
    with np.errstate(invalid="ignore"):
        for name in figures:
            values = results[name].to_numpy(dtype=float)
            if len(values) and (np.fmax.reduce(values) > MAX_ROW_CO2E_KG
                                or np.fmin.reduce(values) < -MAX_ROW_CO2E_KG):
                bad |= np.abs(values) > MAX_ROW_CO2E_KG
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


def _reject_year_rows(item: _Input, data: pd.DataFrame, bad: np.ndarray, reason: str,
                      mark: dict[str, str], reject_blocks: list[pd.DataFrame]) -> pd.DataFrame:
    """``data`` without the ``bad`` rows, rejected on their ``year`` with ``reason`` (added
    to ``reject_blocks``); the input's factorised columns follow (rows by position)."""
    if not bad.any():
        return data
    reject_blocks.append(pd.DataFrame({
        **mark, "source_row": data.loc[bad, "source_row"].to_numpy(),
        "column": "year", "value": data.loc[bad, "year"].astype(str).to_numpy(),
        "reason": reason}))
    keep = ~bad
    item.factorized = {name: (codes[keep], uniques)
                       for name, (codes, uniques) in item.factorized.items()}
    return data[keep].reset_index(drop=True)


def _input_notes(rows: pd.DataFrame, index: pd.Index) -> pd.Series | None:
    """The readers' row notes (``notes`` column of the activity table) of computed rows."""
    if "notes" not in rows.columns:
        return None
    notes = rows["notes"]
    return notes if notes.index.equals(index) else notes.loc[index]


def _editions_by_year(years: np.ndarray) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The editions serving these years, each with its substitution note, and per row
    the position of its edition (-1: no year)."""
    codes, distinct = pd.factorize(years)  # hashing: the rows are not sorted; NaN -> -1
    groups: dict[tuple[str, str], int] = {}
    group_of_year = np.full(len(distinct) + 1, -1, dtype=np.intp)  # the last: no year
    for i in np.argsort(distinct, kind="stable"):  # editions in order of their years
        group_of_year[i] = groups.setdefault(edition_for_year(int(distinct[i])), len(groups))
    group_of_year = group_of_year.astype(smallest_int(len(groups)))
    return list(groups), group_of_year[np.where(codes < 0, len(distinct), codes)]


def _checked_results(results: pd.DataFrame, rejects: pd.DataFrame, rows: pd.DataFrame
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Results without the implausible ones, and the rejects with them added."""
    results, implausible = _implausible_results(results, rows)
    if len(implausible):
        rejects = pd.concat([rejects, implausible], ignore_index=True)
    return results, rejects


def _compute_editions(rows: pd.DataFrame, groups: list[tuple[str, str]],
                      edition: np.ndarray, options: Options, index: pd.Index,
                      factorized: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Travel results (in row order) and rejects of rows over several editions, each row
    with its group's edition and substitution note (``edition``: per row, its group; -1
    none), the rows read once (``factorized``: columns the words' reading factorised)."""
    from .travel.batch import compute_travel_editions

    blocks, rejects = compute_travel_editions(
        rows, [resolve_edition(name)[0] for name, _ in groups], edition,
        radiative_forcing=options.radiative_forcing, haul=options.haul,
        co2_only=options.co2_only, air_method=options.air_method, factorized=factorized)
    if len(blocks) == 1:
        results = blocks[0]
    elif blocks:
        results = _in_row_order(blocks, index)
    else:
        results = pd.DataFrame(columns=list(TRAVEL_RESULTS))
    substituted = [note for _, note in groups]
    if any(substituted) and len(results):  # each row's edition note, ahead of its notes
        at = rows.index.get_indexer(results.index)
        results["notes"] = join_notes((edition[at], substituted), results["notes"])
    return results, rejects


def _compute(kind: str, rows: pd.DataFrame, fs: FactorSet | None, options: Options,
             factorized: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The batch calculator of the table's kind on rows of one edition (facilities: ``fs``
    None, the edition of each row's year, its substitution note leading the row's notes
    as the engine writes it for travel; ``factorized``: columns of these rows factorised
    already)."""
    if kind == "travel":
        from .travel.batch import compute_travel

        return compute_travel(rows, fs, radiative_forcing=options.radiative_forcing,
                              haul=options.haul, co2_only=options.co2_only,
                              air_method=options.air_method, factorized=factorized)
    from .facilities import compute_facilities

    return compute_facilities(rows, fs, gwp=options.gwp, include_td=options.include_td,
                              grid=options.grid, edition_note_leads=True,
                              factorized=factorized)


def layout(kind: str, rows: pd.DataFrame, results: pd.DataFrame,
           source: str = "") -> pd.DataFrame:
    """Inventory rows: result columns beside the input columns they came from.

    The order is :func:`sem_carbon.schema.inventory_columns`. Built with one column-wise
    concatenation (no row-wise copy of the inputs when every row was computed once, the
    common case).

    Parameters
    ----------
    kind : {"travel", "facilities"}
    rows : DataFrame
        The activity rows computed (indexed like ``results``, whose index may repeat a
        row: T&D losses rows).
    results : DataFrame
        A batch calculator's results.
    source : str
        The source identity of the rows (default: the kind).
    """
    # computed rows only (T&D rows repeat their input); all rows once: no copy at all
    inputs = rows if results.index.equals(rows.index) else rows.loc[results.index]
    n = len(results)
    repeated = results.index.duplicated()
    if repeated.any() and "cost" in inputs.columns:  # spend counts once per source row
        inputs = inputs.assign(cost=inputs["cost"].where(~repeated))

    def constant(text: str) -> pd.Series:
        return pd.Series(pd.Categorical.from_codes(np.zeros(n, np.int8), [text]),
                         index=results.index)

    year = (inputs["year"] if "year" in inputs.columns and not inputs["year"].isna().any()
            else pd.Series(row_years(inputs), index=inputs.index))
    given = {"table": constant(kind), "source": constant(source or kind),
             # nullable when an explicit edition computed undated rows
             "year": year.astype("int64" if not year.isna().any() else "Int64")}
    order = inventory_columns(kind, inputs.columns)
    parts = [given[c] if c in given else results[c] if c in results.columns else inputs[c]
             for c in order]
    merged = pd.concat(parts, axis=1)
    merged.columns = order
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
        rejected = pd.concat([rejected, extra[list(INVENTORY_REJECT_COLUMNS)]],
                             ignore_index=True)
        data = data.loc[~partial].reset_index(drop=True)
    return data, rejected

