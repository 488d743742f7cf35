"""``read_facilities``: meter readings / invoices (file, URL or DataFrame) -> ``ActivityTable``.

Normalisation (vectorised; Python work only per distinct value)
    - ``kind``: ``electricity``, ``natural_gas``, ``diesel``, ``petrol``, ``lpg``,
      ``burning_oil``, ``gas_oil``, ``fuel_oil``, ``coal``, ``wood_pellets``,
      ``district_heat``, ``refrigerant``, ``water``, ``waste`` (with common synonyms:
      "gas", "heating oil", "district heating", "F-gas" ...), or any fuel name of the
      default factor edition written in words (``"Aviation turbine fuel"``).
    - ``amount`` with ``unit``: the row's ``unit`` if filled, else ``units={"amount": ...}``,
      the preset or the header (``Consumption (kWh)``); unit spellings such as ``kwh``,
      ``m3``, ``litres``, ``tonnes`` are normalised to pint text (``kWh``, ``m^3``, ``L``,
      ``t``); ``gal``/``gallon``/``ton`` are refused as ambiguous. The unit must suit the
      kind: energy for electricity and heat, energy/volume/mass for fuels, mass for
      refrigerants and waste, volume for water. Amounts must be >= 0 (a credit note is
      rejected as a negative amount), not written with a currency sign (``$100``), and
      finite once converted to the base unit of their
      dimension (``1e308 GWh`` is infinite in kWh: rejected, never computed).
    - dates: ``period_start``, ``period_end``, ``date`` (see :mod:`sem_carbon.io.parse`);
      ``year`` is the year of ``date``, else of the middle of the period (or of its one
      known end), else the ``year`` column; a ``year`` beside a period of another year
      (its middle day's) is rejected (``YEAR_PERIOD_DISAGREE``), as one beside a date of
      another year is. A period ending before it starts is rejected.
      A month without a day (``01/2019``, ``2019-01``, ``Jan 2019``; not ``2011/12``,
      which is also the fiscal year 2011/12: rejected) is the period of that
      month: in ``period_start`` it gives the start (the 1st), in ``period_end`` the end
      (the last day), and either end the other one when that is not given; in ``date`` it
      gives both ends when neither is given (``date`` then stays empty).
    - ``country`` (alpha-2; required for electricity), ``gas`` (text; required for
      refrigerant), ``treatment`` (yes/no, default True), ``disposal`` and ``material``
      (lower-case words joined by ``_``; required for waste), ``method`` (``location`` |
      ``market``; default ``location`` for electricity), ``supplier_factor`` ->
      ``supplier_factor_kg_per_kwh`` (its unit from ``units=``, the preset or a header
      such as ``supplier_factor_kg_per_kwh``; never guessed).
Notes on kept rows (``data["notes"]``, see :mod:`sem_carbon.io.notes`)
    a date that reads both ways unless its column settled day first by itself
    (``period_end read day first where a date reads both ways (e.g. '04/05/2020': 4 May,
    not 5 April): ...``, :func:`sem_carbon.io.parse.parse_dates`); a number that reads two ways
    (``1,234`` in amount or supplier factor) where the column's other values do not
    settle the decimal mark
    (:func:`sem_carbon.io.parse.parse_numbers`); an exact duplicate kept
    (``duplicates="keep"``); an Excel formula without a cached value or an error value in
    a column not read (in a column read, the row is rejected); a period that crosses a
    year end and so counts wholly in its middle day's year (:data:`YEAR_END_NOTE`, not
    split: docs/methodology.md, "Which edition a row uses").
Errors (:class:`~sem_carbon.errors.InputFormatError`)
    no kind or amount column; no date, period or year column; electricity rows without a
    country column; amounts or supplier factors without a unit; reading errors.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import InputFormatError
from ..limits import (
    MAX_SUPPLIER_FACTOR_KG_PER_KWH,
    SUPPLIER_FACTOR_REASON,
    beyond,
    plausible_years,
)
from ..units import Q_, parse_unit
from ..vocabulary import (
    REASONS,
    YEAR_PERIOD_DISAGREE,
    clean,
    normalise,
    normalise_one,
    read_unit,
    years_of_dates,
    yes_no,
)
from .bounds import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_ROWS
from .columns import FACILITIES_OUTPUT, plan_columns
from .common import (
    Coded,
    SourceColumns,
    Vocab,
    attach_extras,
    blank_rows,
    cell_issues,
    check_policy,
    choose,
    coded,
    constant,
    countries,
    dates_and_years,
    no_money,
    note_readings,
    numbered,
)
from .dedupe import exact_duplicates
from .header import apply_header_row, title_row_hint
from .http import DEFAULT_DEADLINE, DEFAULT_RETRIES, DEFAULT_TIMEOUT
from .notes import RowNotes
from .progress import progress_bar
from .rejects import Rejections
from .sheets import is_several, read_sheets, warn_other_sheets
from .sources import RawTable, load_source
from .table import ActivityTable

__all__ = ["read_facilities", "read_periods"]

#: Physical dimensions an amount of each kind may have (any fuel: energy, volume or mass).
KIND_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "electricity": ("[energy]",),
    "district_heat": ("[energy]",),
    "onsite_heat": ("[energy]",),
    "refrigerant": ("[mass]",),
    "water": ("[volume]",),
    "waste": ("[mass]",),
}
FUEL_DIMENSIONS = ("[energy]", "[volume]", "[mass]")
_DIMENSIONS = ("[energy]", "[volume]", "[mass]")
_BASE_UNITS = ("kWh", "m^3", "kg")  # of each dimension, to check amounts stay finite


def read_facilities(
    source: str | os.PathLike[str] | pd.DataFrame | Any,
    mapping: Mapping[str, str | Sequence[str]] | str | Path | None = None,
    units: Mapping[str, str] | None = None,
    *,
    duplicates: Literal["keep", "drop"] = "keep",
    progress: bool | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retries: int = DEFAULT_RETRIES,
    deadline: float = DEFAULT_DEADLINE,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> ActivityTable:
    """Read facilities data (meter readings, invoices) into the canonical facilities table.

    Parameters
    ----------
    source : path, http(s) URL, binary file object or DataFrame
        As for :func:`sem_carbon.io.read_travel_log`.
    mapping : dict, str or None
        ``{canonical: source column}``, a preset name (``"utility_bills"``,
        ``"canonical"``), a preset file path, or None for automatic matching.
    units : dict, optional
        Units of unit-less numeric columns: ``{"amount": "kWh"}``,
        ``{"supplier_factor": "kgCO2e/kWh"}``.
    duplicates : {"keep", "drop"}, default "keep"
        Exact duplicate rows (e.g. an invoice exported twice): keep (later copies get a
        note), or reject later copies.
    progress : bool or None
        Progress bars; None: only when stderr is a terminal.
    sheet, header_row, encoding, delimiter, decimal, timeout, max_bytes, retries, deadline
        As for :func:`sem_carbon.io.read_travel_log`.
    max_rows, max_columns, max_cells
        As for :func:`sem_carbon.io.read_travel_log`.

    Returns
    -------
    ActivityTable
        ``kind="facilities"``; ``data`` columns as in ``docs/tables.md``.

    Raises
    ------
    InputFormatError
        Unreadable or empty source, a size limit exceeded, missing required columns,
        amounts without a unit.

    Warns
    -----
    InputWarning
        As for :func:`sem_carbon.io.read_travel_log`.
    """
    check_policy(duplicates, ("keep", "drop"), "duplicates")
    if is_several(sheet):
        build = partial(facilities_table, mapping=mapping, units=units, duplicates=duplicates,
                        progress=progress)
        return read_sheets(source, sheet, "facilities", mapping, units, build, header_row,
                           {"decimal": decimal, "timeout": timeout, "max_bytes": max_bytes,
                            "retries": retries, "deadline": deadline, "max_rows": max_rows,
                            "max_columns": max_columns, "max_cells": max_cells,
                            "progress": progress})
    raw = load_source(source, sheet=sheet, encoding=encoding, delimiter=delimiter,
                      decimal=decimal, timeout=timeout, max_bytes=max_bytes, retries=retries,
                      deadline=deadline, max_rows=max_rows, max_columns=max_columns,
                      max_cells=max_cells, progress=progress, header_row=header_row)
    raw = apply_header_row(raw, header_row)
    return facilities_table(raw, mapping, units, duplicates=duplicates, progress=progress)


def facilities_table(
    raw: RawTable,
    mapping: Mapping[str, str | Sequence[str]] | str | Path | None = None,
    units: Mapping[str, str] | None = None,
    *,
    duplicates: str = "keep",
    progress: bool | None = None,
) -> ActivityTable:
    """Normalise a :class:`~sem_carbon.io.sources.RawTable` into a facilities ActivityTable."""
    frame = raw.frame
    n = len(frame)
    plan = plan_columns("facilities", [str(c) for c in frame.columns], mapping, units)
    cols = SourceColumns(raw, plan)
    found = ", ".join(map(repr, frame.columns))
    for name, example in (("kind", "Utility"), ("amount", "Consumption")):
        if not cols.has(name):
            raise InputFormatError(
                f"{raw.source}: no {name} column. Map one (e.g. mapping={{'{name}': "
                f"'{example}'}}) or use a preset; columns found: {found}."
                + title_row_hint(raw)
            )
    if not any(cols.has(c) for c in ("period_start", "period_end", "date", "year")):
        raise InputFormatError(
            f"{raw.source}: no period_start/period_end, date or year column; columns found: "
            f"{found}." + title_row_hint(raw)
        )
    warn_other_sheets(raw, plan, mapping, units)  # a sheet per month: say what was not read
    steps = progress_bar(progress if n >= 200_000 else False, 4, "normalising", unit="step")
    with cols:  # large sources: columns are parsed in threads while the rows are checked
        cols.prefetch(("vocab", "kind"), ("vocab", "country"), ("numbers", "amount"),
                      ("vocab", "unit"), ("numbers", "supplier_factor"),
                      ("dates", "period_start"), ("dates", "period_end"), ("dates", "date"),
                      ("numbers", "year"), ("vocab", "gas"), ("vocab", "disposal"),
                      ("vocab", "material"), ("vocab", "method"), ("text", "entity"),
                      ("text", "site"), ("text", "gas"))
        return _normalise(raw, cols, steps, duplicates)


def _normalise(raw: RawTable, cols: SourceColumns, steps: Any,
               duplicates: str) -> ActivityTable:
    """The rows of :func:`facilities_table`, once the source columns are planned."""
    frame, n, plan, found = raw.frame, cols.n, cols.plan, ", ".join(map(repr, raw.frame.columns))
    source_row = np.arange(raw.first_row, n + raw.first_row, dtype=np.int64)
    rej = Rejections(source_row)
    notes = RowNotes(n)
    blank = blank_rows(frame)
    rej.add(blank, "", "", "empty row")
    live = ~blank
    cell_issues(raw, plan, rej, notes)

    # kind -----------------------------------------------------------------------------------
    kind_vocab = cols.vocab("kind")
    kind_words = normalise("facility_kind", kind_vocab.text)
    kind_table = kind_words.value
    kind = kind_vocab.spread(kind_table, "")
    missing_kind = ~kind_vocab.present
    rej.add(live & missing_kind, cols.label("kind"), "", "missing kind")
    rej.add(live & ~missing_kind & (kind == ""), cols.label("kind"), cols.get("kind"),
            kind_vocab.spread(kind_words.reason, ""))
    if (kind_words.note != "").any():  # a word read by choice (coal: industrial coal)
        notes.add(live & (kind != ""), kind_vocab.spread(kind_words.note, ""))
    is_elec = kind == "electricity"
    if (live & is_elec).any() and not cols.has("country"):
        raise InputFormatError(
            f"{raw.source}: {int((live & is_elec).sum())} electricity row(s) but no country "
            f"column (grid factors are per country); columns found: {found}"
        )
    steps.update()

    # amount and unit --------------------------------------------------------------------------
    amount, unit = _amounts(cols, rej, live, kind, raw.decimal, raw.source)
    supplier = _supplier_factor(cols, rej, live, raw.decimal, raw.source)
    for name in ("amount", "supplier_factor"):  # 1,234: 1.234 or 1234?
        note_readings(notes, live, cols.numbers(name))
        no_money(cols, rej, live, name)  # $100 is no amount of energy
    steps.update()

    # dates ----------------------------------------------------------------------------------
    start, end, date, year, date_bad = read_periods(cols, rej, notes, live)
    no_year = live & (year == 0) & ~date_bad
    rej.add(no_year, cols.label("date") if cols.has("date") else "date", "",
            "missing date (no period_start/period_end, date or year)")
    steps.update()

    # other columns --------------------------------------------------------------------------
    country = constant(n, "")
    if cols.has("country"):
        country_vocab = cols.vocab("country")
        country_table, c_missing, c_unknown, c_reason = countries(country_vocab)
        rej.add(live & c_unknown, cols.label("country"), cols.get("country"), c_reason)
        rej.add(live & is_elec & c_missing, cols.label("country"), "",
                "electricity needs a country")
        country = coded(country_vocab, country_table)
    rej.add(live & (kind == "refrigerant") & ~cols.vocab("gas").present, cols.label("gas"), "",
            "refrigerant needs a gas (e.g. R-410A, HFC-134a)")
    treatment = np.ones(n, dtype=bool)
    if cols.has("treatment"):
        series = cols.get("treatment")
        assert series is not None
        values, t_missing, t_bad = yes_no(series)
        treatment = np.where(t_missing, True, values)
        rej.add(live & t_bad, cols.label("treatment"), series, REASONS["boolean"])
    disposal = _words(cols.vocab("disposal"))
    material = _words(cols.vocab("material"))
    is_waste = kind == "waste"
    rej.add(live & is_waste & (disposal.ids < 0), cols.label("disposal"), "",
            "waste needs a disposal route (e.g. landfill, combustion, closed_loop)")
    rej.add(live & is_waste & (material.ids < 0), cols.label("material"), "",
            "waste needs a material (e.g. commercial_and_industrial_waste, paper_and_board)")
    method = _methods(cols, rej, live, is_elec)

    hints = (amount, start, end, date, kind_vocab.codes, cols.vocab("unit").codes,
             cols.vocab("country").codes)
    first = exact_duplicates(frame, live, hints)
    dup = first >= 0
    if duplicates == "drop":
        rej.add_positions(np.flatnonzero(dup), "(all columns)", "",
                          numbered("exact duplicate of row ", source_row[first[dup]]))
    else:
        notes.add_positions(np.flatnonzero(dup),
                            numbered("exact duplicate of row ", source_row[first[dup]],
                                     " (kept; duplicates='drop' rejects it)"))
    steps.update()
    steps.close()

    pos = np.flatnonzero(~rej.mask)
    data = {
        "source_row": source_row[pos],
        "entity": cols.text("entity").iloc[pos].reset_index(drop=True),
        "site": cols.text("site").iloc[pos].reset_index(drop=True),
        "period_start": start[pos],
        "period_end": end[pos],
        "date": date[pos],
        "year": year[pos].astype(np.int64),
        "kind": coded(kind_vocab, kind_table).series(pos),
        "amount": amount[pos],
        "unit": unit.series(pos),
        "country": country.series(pos),
        "gas": cols.text("gas").iloc[pos].reset_index(drop=True),
        "treatment": treatment[pos].astype(bool),
        "disposal": disposal.series(pos),
        "material": material.series(pos),
        "method": method.series(pos),
        "supplier_factor_kg_per_kwh": supplier[pos],
        "notes": notes.series(pos),
    }
    assert tuple(data) == FACILITIES_OUTPUT
    table = attach_extras(data, frame, plan.extras, pos)
    return ActivityTable("facilities", table, rej.frame(), raw.source, n)


def read_periods(cols: SourceColumns, rej: Rejections, notes: RowNotes, live: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The dates of facilities rows: ``period_start``, ``period_end``, ``date`` and ``year``.

    One reading for :func:`read_facilities` and for a DataFrame given to
    :func:`sem_carbon.calculate` (:func:`sem_carbon.engine.read_frame`): unreadable dates,
    a bound given only as a year and a period that ends before it starts are rejected
    (``rej``), so is a ``year`` beside a period whose middle day is in another year
    (:data:`~sem_carbon.vocabulary.YEAR_PERIOD_DISAGREE`); dates read at a choice and
    periods crossing a year end are noted (``notes``). A row without any year is not
    rejected here (the caller decides).

    Parameters
    ----------
    cols : SourceColumns
        The source's canonical columns (those of the four that are present are read).
    rej : Rejections
        Receives the rejected rows.
    notes : RowNotes
        Receives the notes of the rows.
    live : ndarray of bool
        The rows to check (blank rows excluded).

    Returns
    -------
    start, end, date : ndarray of datetime64[ns]
        The period (a month without a day made the period of that month) and the date
        (NaT where none).
    year : ndarray of int64
        Year of ``date``, else of the period's middle day, else the ``year`` column; 0
        where none.
    date_bad : ndarray of bool
        Rows whose date could not be read.
    """
    n = cols.n
    start, start_bad, start_month = _date_column(cols, rej, live, "period_start")
    end, end_bad, end_month = _date_column(cols, rej, live, "period_end")
    dated, year = dates_and_years(cols, rej, ~live)
    for name in ("period_start", "period_end", "date"):  # 03/04/2019: 3 April or 4 March?
        if cols.has(name):
            note_readings(notes, live, cols.dates(name))
    date_bad = start_bad | end_bad | (dated.bad if dated is not None else False)
    date = dated.dates if dated is not None else np.full(n, np.datetime64("NaT"), "M8[ns]")
    has_date = ~np.isnat(date)  # a month in ``date`` (a period below) keeps its year
    start, end, date = _month_periods(start, start_month, end, end_month, date,
                                      dated.month_only if dated is not None else None)
    backwards = live & ~np.isnat(start) & ~np.isnat(end) & (end < start)
    rej.add(backwards, cols.label("period_end"), cols.get("period_end"),
            "period ends before it starts")
    mid = _period_middle(start, end)
    mid_year = years_of_dates(mid)
    if cols.has("year"):  # a year beside a period of another year: neither is taken
        numbers = cols.numbers("year")
        assert numbers is not None
        given = np.where(~numbers.missing & ~numbers.bad & plausible_years(numbers.values),
                         numbers.values, 0).astype(np.int64)
        other = live & ~has_date & ~date_bad & (given != 0) & (mid_year != 0) & (
            mid_year != given)
        rej.add(other, cols.label("year"), cols.get("year"), YEAR_PERIOD_DISAGREE)
    year = np.where(has_date, year, np.where(mid_year != 0, mid_year, year))
    crossing, crossing_note = _year_end_notes(start, end, year)
    notes.add(crossing & live & ~has_date & ~date_bad, crossing_note)
    return start, end, date, year, np.asarray(date_bad, dtype=bool)


def _words(vocab: Vocab) -> Coded:
    return coded(vocab, vocab.map(lambda v: clean(v).replace(" ", "_")))


def _methods(cols: SourceColumns, rej: Rejections, live: np.ndarray,
             is_elec: np.ndarray) -> Coded:
    vocab = cols.vocab("method")
    words = normalise("electricity_method", vocab.text)
    method = coded(vocab, np.where(words.rejected, "?", words.value))
    unknown = np.append(method.table == "?", False)[method.ids]
    rej.add(live & unknown, cols.label("method"), cols.get("method"),
            vocab.spread(words.reason, ""))
    default = Coded(np.where(is_elec, 0, -1), np.array(["location"], dtype=object))
    return choose(vocab.present & ~unknown, method, default)


def _date_column(cols: SourceColumns, rej: Rejections, live: np.ndarray,
                 name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dates, bad mask, month-only mask or None) of a period bound; a bare year is not
    enough for a bound (a month is: see :func:`_month_periods`)."""
    series = cols.get(name)
    if series is None:
        return (np.full(cols.n, np.datetime64("NaT"), dtype="datetime64[ns]"),
                np.zeros(cols.n, dtype=bool), None)
    parsed = cols.dates(name)
    rej.add(live & parsed.bad, cols.label(name), series, parsed.reason)
    year_only = live & ~parsed.bad & ~parsed.missing & np.isnat(parsed.dates)
    rej.add(year_only, cols.label(name), series, f"{name} needs a full date, not only a year")
    return parsed.dates, parsed.bad | year_only, parsed.month_only


def _month_end(days: np.ndarray) -> np.ndarray:
    """The last day of the month of each date (datetime64[ns])."""
    months = days.astype("datetime64[M]")
    return ((months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")).astype(
        "datetime64[ns]")


def _month_periods(start: np.ndarray, start_month: np.ndarray | None, end: np.ndarray,
                   end_month: np.ndarray | None, date: np.ndarray,
                   date_month: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Periods of the month-only cells (``Jan 2019``): (period_start, period_end, date).

    A month in ``period_start`` starts the period on its 1st, a month in ``period_end``
    ends it on its last day; either gives the other end when that is missing. A month in
    ``date`` gives both ends when neither is given, and ``date`` is then empty (the row is
    the month, not its 1st). Without any month-only cell the arrays are returned as they
    are.
    """
    masks = [m for m in (start_month, end_month, date_month) if m is not None]
    if not any(m.any() for m in masks):
        return start, end, date
    start, end, date = start.copy(), end.copy(), date.copy()
    nat = np.datetime64("NaT")
    if end_month is not None and end_month.any():
        from_end = end_month & np.isnat(start)
        start[from_end] = end[from_end]  # the 1st of the month
        end[end_month] = _month_end(end[end_month])
    if start_month is not None and start_month.any():
        from_start = start_month & np.isnat(end)
        end[from_start] = _month_end(start[from_start])
    if date_month is not None and date_month.any():
        whole = date_month & np.isnat(start) & np.isnat(end)
        start[whole] = date[whole]
        end[whole] = _month_end(date[whole])
        date[date_month] = nat
    return start, end, date


#: The note on a bill whose period crosses a year end (see :func:`_year_end_notes`).
YEAR_END_NOTE = ("period {start} to {end} crosses {ends}: all of it counted in {year} (the "
                 "year of its middle day; split the bill by year to attribute it exactly)")


def _year_end_notes(start: np.ndarray, end: np.ndarray, year: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose period crosses a year end, and the note of each row ("" elsewhere).

    Such a bill is not split: all of it goes to the year of its middle day, with that
    year's edition (docs/methodology.md, "Which edition a row uses"); splitting it by
    days would change the totals of target years. The note says so, one text per
    distinct period (a Python step per distinct period, not per row).
    """
    first, last = years_of_dates(start), years_of_dates(end)
    crossing = ~np.isnat(start) & ~np.isnat(end) & (last > first)
    out = np.full(len(start) if crossing.any() else 0, "", dtype=object)
    if not crossing.any():
        return crossing, out
    at = np.flatnonzero(crossing)
    codes, periods = pd.MultiIndex.from_arrays([start[at], end[at], year[at]]).factorize()
    texts = np.array([YEAR_END_NOTE.format(
        start=f"{s:%Y-%m-%d}", end=f"{e:%Y-%m-%d}", year=int(y),
        ends="a year end" if e.year - s.year == 1 else f"{e.year - s.year} year ends")
        for s, e, y in periods], dtype=object)
    out[at] = texts[codes]
    return crossing, out


def _period_middle(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    both = ~np.isnat(start) & ~np.isnat(end)
    mid = np.where(np.isnat(start), end, start)
    if both.any():
        mid = mid.copy()
        mid[both] = start[both] + (end[both] - start[both]) // 2
    return mid


def _unit_info(text: Any) -> tuple[str, str, str]:
    """(pint text, dimension among energy/volume/mass, problem) of a unit spelling."""
    parsed, reason = read_unit(text)
    if reason:
        return "", "", reason
    unit = normalise_one("unit", text)[0]
    quantity = Q_(1.0, parsed)
    for dim in _DIMENSIONS:
        if quantity.check(dim):
            return unit, dim, ""
    return unit, "", ""  # a unit of another dimension: the kind says what it should be



def _amounts(cols: SourceColumns, rej: Rejections, live: np.ndarray, kind: np.ndarray,
             decimal: str, source: str) -> tuple[np.ndarray, Coded]:
    series = cols.get("amount")
    parsed = cols.numbers("amount")
    assert series is not None and parsed is not None
    label = cols.label("amount")
    rej.add(live & parsed.missing, label, "", "missing amount")
    rej.add(live & parsed.bad, label, series, "amount is not a number")
    rej.add(live & (parsed.values < 0), label, series, "negative amount")
    present = live & ~parsed.missing & ~parsed.bad
    fallback = cols.plan.units.get("amount", "")
    if not cols.has("unit") and not fallback and present.any():
        raise InputFormatError(
            f"{source}: column {label!r} has amounts but no unit: add a unit column, or pass "
            "units={'amount': 'kWh'} (or 'L', 'm^3', 'kg' ...); sem-carbon does not guess units"
        )
    vocab = cols.vocab("unit")  # units are read once per distinct spelling
    info = [*vocab.map(_unit_info), _unit_info(fallback) if fallback else ("", "", "")]
    u_unit = np.array([u if not p else "" for u, _, p in info], dtype=object)
    u_dim = np.array([_DIMENSIONS.index(d) if d else -1 for _, d, _ in info], dtype=np.int8)
    u_problem = np.array([p for _, _, p in info], dtype=object)
    where = np.where(vocab.present, vocab.codes, len(info) - 1)  # missing: the fallback
    dim = u_dim[where]
    no_unit = present & ~vocab.present & (fallback == "")
    rej.add(no_unit, cols.label("unit"), "", "amount without a unit")
    unread = present & ~no_unit & (u_problem != "")[where]  # not a unit at all
    allowed = np.zeros(len(kind), dtype=bool)
    for i, dimension in enumerate(_DIMENSIONS):
        allowed |= _fits(kind, dimension) & (dim == i)
    # a unit of the wrong dimension for its kind (a kind not read: none of the three)
    mismatch = present & ~no_unit & ~unread & ~allowed & ((kind != "") | (dim < 0))
    unusable = unread | mismatch
    if unusable.any():
        shown = cols.shown("unit", fallback)
        rej.add(unread, cols.label("unit"), shown, u_problem[where])
        rej.add(mismatch, cols.label("unit"), shown,
                _mismatch_reasons(kind, where, u_unit, mismatch))
    ids, table = pd.factorize(u_unit)
    table = np.asarray(table, dtype=object)
    ids = np.where(table[ids] == "", -1, ids)[where]
    # finite as written but not once converted (1e308 GWh): refused, never computed
    u_base = np.array([_base_factor(u, d) for u, d in zip(u_unit, u_dim, strict=True)])
    with np.errstate(over="ignore", invalid="ignore"):
        in_base = parsed.values * u_base[where]
    huge = present & ~no_unit & ~unusable & ~mismatch & np.isinf(in_base)
    if huge.any():
        base = np.array([_BASE_UNITS[d] if d >= 0 else "" for d in u_dim], dtype=object)
        rej.add(huge, label, series,
                ("amount too large (not a finite number of " + pd.Series(
                    base[where], dtype=object) + ")").to_numpy(dtype=object))
    return np.where(present, parsed.values, np.nan), Coded(ids, table)


def _base_factor(unit: str, dimension: int) -> float:
    """Base units (kWh, m^3, kg) per ``unit`` of ``dimension`` (an index of _DIMENSIONS);
    1 when unknown (nothing to check)."""
    if not unit or dimension < 0:
        return 1.0
    return float(Q_(1.0, parse_unit(unit)).m_as(_BASE_UNITS[dimension]))


def _mismatch_reasons(kind: np.ndarray, unit_code: np.ndarray, units: np.ndarray,
                      rows: np.ndarray) -> np.ndarray:
    """Why each of ``rows`` has a unit of the wrong dimension for its kind, in the words of
    the calculators (:func:`sem_carbon.facilities._common.unit_reason`), worked out per
    distinct (kind, unit)."""
    from ..codes import pair_codes
    from ..facilities._common import amount_of, unit_reason

    reasons = np.full(len(kind), "", dtype=object)
    if not rows.any():
        return reasons
    kinds = pd.factorize(np.asarray(kind, dtype=object)[rows], use_na_sentinel=False)
    codes, pairs = pair_codes(kinds, (unit_code[rows], np.arange(len(units))))

    def reason(what_kind: str, unit: int) -> str:
        parsed = parse_unit(str(units[unit]))
        if not what_kind:  # the kind was not read: what the table holds at all
            return unit_reason(parsed, "an activity", ("energy", "volume", "mass"))
        allowed, what = amount_of(str(what_kind))
        return unit_reason(parsed, what, allowed)

    reasons[rows] = np.asarray([reason(k, u) for k, u in pairs], dtype=object)[codes]
    return reasons


def _fits(kind: np.ndarray, dimension: str) -> np.ndarray:
    """True where an amount of ``dimension`` suits the kind (per distinct kind)."""
    codes, uniques = pd.factorize(np.asarray(kind, dtype=object))
    table = np.array([dimension in KIND_DIMENSIONS.get(str(k), FUEL_DIMENSIONS)
                      for k in uniques] + [False], dtype=bool)
    return table[codes]


def _supplier_factor(cols: SourceColumns, rej: Rejections, live: np.ndarray, decimal: str,
                     source: str) -> np.ndarray:
    series = cols.get("supplier_factor")
    parsed = cols.numbers("supplier_factor")
    if series is None or parsed is None:
        return np.full(cols.n, np.nan)
    label = cols.label("supplier_factor")
    rej.add(live & parsed.bad, label, series, "supplier factor is not a number")
    rej.add(live & (parsed.values < 0), label, series, "negative supplier factor")
    unit = cols.plan.units.get("supplier_factor")
    present = live & ~parsed.missing & ~parsed.bad
    if unit is None:
        if present.any():
            raise InputFormatError(
                f"{source}: column {label!r} has supplier factors but no unit: pass "
                "units={'supplier_factor': 'kgCO2e/kWh'} (or 'gCO2e/kWh'), or name the column "
                "supplier_factor_kg_per_kwh; sem-carbon does not guess units"
            )
        return np.full(cols.n, np.nan)
    factor = float(Q_(1.0, parse_unit(unit)).m_as("kgCO2e/kWh"))
    with np.errstate(over="ignore"):
        values = np.where(present, parsed.values * factor, np.nan)
    huge = present & np.isinf(values)
    rej.add(huge, label, series,
            "supplier factor too large (not a finite number of kgCO2e/kWh)")
    rej.add(present & beyond(values, MAX_SUPPLIER_FACTOR_KG_PER_KWH), label, series,
            SUPPLIER_FACTOR_REASON)
    return values
