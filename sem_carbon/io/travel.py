"""``read_travel_log``: a travel log (file, URL or DataFrame) -> ``ActivityTable``.

Normalisation (all vectorised; Python work only per distinct value)
    - ``mode``: ``air`` (air, flight, plane ...), ``rail`` (train, rail, eurostar, tram,
      metro ...), ``road`` (car, taxi, bus, coach, car rental, motorbike, road ...; the word
      also gives the vehicle), ``hotel`` (hotel, accommodation, lodging ...). A generic
      road word without a ``vehicle`` means a car (as :func:`sem_carbon.road`).
    - dates: see :mod:`sem_carbon.io.parse` (day first unless the column only parses month
      first; a date that reads both ways, ``03/04/2019``, is noted unless its column
      settled day first by itself); ``year`` is the
      date's year, else the ``year`` column.
    - ``cabin`` (air only) via :func:`sem_carbon.travel.cabins.cabin_codes`; empty means
      ``average``.
    - ``round_trip``: yes/no words and journey words (``journey`` vocabulary:
      ``Return``/``RT`` yes, ``One Way``/``OW`` no; ``Open Jaw``/``Multi-city`` no, counted
      from the listed legs, noted, and rejected on an air row without a routing); empty
      means False.
    - ``passengers``: empty means 1.
    - ``rooms`` (hotel only): a count as ``nights`` (empty or no column: 1 room); the
      row's room-nights are nights x rooms. A value on a row of another mode is not read,
      with a note.
    - ``rail_kind`` (rail only): empty means the mode's kind (eurostar: international) or
      ``national``.
    - ``country`` via :func:`sem_carbon.geo.countries.normalise_country`; ``currency`` to
      ISO 4217.
    - ``cost``: a number (:mod:`sem_carbon.io.parse`), possibly written with a currency
      sign or code (``$100``, ``€ 80``, ``CHF 1'234.50``, ``12 EUR``). The sign must agree
      with the row's currency (``€``: EUR, ``£``: GBP as the currency column reads them,
      ``$``: a dollar or peso, ``¥``: the yen or the yuan), else the row is rejected. A row
      without a currency takes the code of its cost when it names one currency exactly
      (a code, ``€``, ``£``, ``US$``), with a note; ``$`` and ``¥`` name several, so the
      currency stays blank, with a note.
    - ``distance`` -> ``distance_km``: the row's ``distance_unit`` if filled, else the unit
      from ``units=``, the preset or the header; converted with pint once per distinct unit.
      A cell may carry its own unit (``100 km``, ``62 mi.``, read as
      :func:`sem_carbon.units.parse_quantity` reads an amount); it must agree with the
      row's unit when one is given. A distance column without any unit is an error (never
      guessed); beside cells with their own unit, a bare number without one is rejected.
      A distance mapped per mode (``{"rail": "Rail Distance (km)", "road": "Car Distance
      (km)"}``, as the ``agency`` preset does) is read on each row from its own mode's
      column only: a row whose own column is blank while another mode's holds a value is
      rejected; a value in another mode's column beside the row's own (or on a row of a
      mode without a column, e.g. air) is not read, with a note.
Routing strings
    ``route`` (``GVA-LHR-JFK``, ``GVA/JFK/GVA``; separators ``- / > , ; |`` and spaces;
    or a list of codes in a JSON or Parquet cell, ``["GVA", "JFK"]``, read in order) on
    an air row becomes one row per leg (``leg`` 0, 1, ...; same ``source_row`` and
    ``trip_id``), replacing ``origin``/``destination``. A route that returns to its origin
    is **not** marked ``round_trip``: its legs are listed, so the return is already
    counted; a ``round_trip`` yes from the source on such a route is dropped, with a note
    (else the trip would count four times). Otherwise ``round_trip`` from the source is
    kept on every leg. A route is read on air
    rows only (other modes keep their ``origin``/``destination`` text).
Rejected rows (``rejected``; the whole source row, every problem listed)
    blank rows; missing or unknown mode; unparseable, impossible or implausible dates;
    no date and no year; unknown cabin, country, currency, rail kind or vehicle; non-numeric
    or negative passengers, nights, distance, rooms (hotel rows); 0 passengers (a leg with
    no traveller, a hotel stay with no guest) and a hotel row of 0 nights or 0 rooms;
    implausible passengers, nights, rooms or leg distance (over the limits of
    :mod:`sem_carbon.limits`, also a distance that overflows when converted to km);
    passengers, nights or distance written with a currency sign;
    non-numeric cost; a currency sign or code in the cost that contradicts the row's
    currency; an Excel formula without a cached value or an
    Excel error value in a column read (:mod:`sem_carbon.io.excel`); air without origin and
    destination or route, a route with fewer than two airports, an unknown airport code,
    a leg from an airport to itself; rail/road without a distance; a distance without a
    unit or with an unknown or non-length unit; a distance only in another mode's column
    (a distance mapped per mode); hotel without nights or country; exact
    duplicates (``duplicates="drop"``); refunds (``refunds="net"``, see
    :mod:`sem_carbon.io.dedupe`).
Notes on kept rows (``data["notes"]``, see :mod:`sem_carbon.io.notes`)
    a date without a day (``Jan 2019``: the date is the first of the month, the year
    chooses the factor edition); a date that reads both ways unless its column settled
    day first by itself (``date read day first where a date reads both ways (e.g.
    '03/04/2019': 3 April, not 4 March): ...``, :func:`sem_carbon.io.parse.parse_dates`);
    a number that reads two ways (``1,234`` in passengers,
    nights, distance or cost) where the column's other values do not settle the decimal
    mark (:func:`sem_carbon.io.parse.parse_numbers`); a currency taken from the cost's code
    (``currency USD taken from the cost's 'USD'``) or not taken from a sign of several
    currencies (``$``); a distance in another mode's column not read (a distance mapped
    per mode); an exact duplicate kept
    (``duplicates="keep"``); an Excel formula without a cached value or an error value in
    a column not read.
Errors (:class:`~sem_carbon.errors.InputFormatError`)
    no mode column (nor preset default); no date or year column; a mode present whose
    required columns are all absent (air rows but no origin/destination or route column,
    rail/road rows but no distance column, hotel rows but no nights or country column);
    distances without a unit; plus every reading error of :mod:`sem_carbon.io.sources`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from functools import cache, partial
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from ..errors import InputFormatError
from ..geo.airports import resolve_iata, unknown_code_reasons
from ..geo.distance import haversine_km
from ..limits import (
    MAX_LEG_KM,
    MAX_NIGHTS,
    MAX_PASSENGERS,
    MAX_ROOMS,
    beyond,
    limit_reason,
    zero_reason,
)
from ..travel.cabins import CABINS, cabin_codes
from ..travel.surface import fuel_checks, road_keys, rooms_not_read
from ..units import Q_
from ..vocabulary import REASONS, normalise, read_unit
from .bounds import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_ROWS
from .columns import TRAVEL_MODES, TRAVEL_OUTPUT, plan_columns
from .common import (
    Coded,
    SourceColumns,
    Vocab,
    attach_extras,
    blank_rows,
    cell_issues,
    cell_repr,
    check_policy,
    choose,
    coded,
    constant,
    countries,
    currencies,
    currency_of,
    dates_and_years,
    is_one_value,
    no_money,
    note_readings,
    numbered,
    source_text,
    text_from_codes,
)
from .dedupe import exact_duplicates, net_refunds
from .header import apply_header_row, title_row_hint
from .http import DEFAULT_DEADLINE, DEFAULT_RETRIES, DEFAULT_TIMEOUT
from .notes import RowNotes
from .parse import as_text
from .progress import progress_bar
from .rejects import Rejections
from .sheets import is_several, read_sheets, warn_other_sheets
from .sources import RawTable, load_source
from .table import ActivityTable

#: Canonical travel modes (index = mode code).
MODES = TRAVEL_MODES

__all__ = ["read_travel_log"]

_ROUTE_SPLIT = r"[\s/\-–—>,;|]+"
# the parsed columns travel_table uses, in the order it needs them (computed in threads)
_PREFETCH = (("vocab", "mode"), ("dates", "date"), ("vocab", "route"), ("vocab", "origin"),
             ("vocab", "destination"), ("vocab", "cabin"), ("numbers", "passengers"),
             ("numbers", "nights"), ("numbers", "rooms"), ("numbers", "distance"),
             ("vocab", "distance_unit"),
             ("numbers", "cost"), ("vocab", "currency"), ("vocab", "country"),
             ("vocab", "rail_kind"), ("vocab", "vehicle"), ("vocab", "fuel"),
             ("numbers", "year"), ("text", "trip_id"), ("text", "entity"),
             ("text", "traveller"))
_MONTH_NOTE = ("day of the month not given (the date is read as the 1st; the year chooses "
               "the factor edition)")
_DUPLICATE_NOTE = " (kept; duplicates='drop' rejects it)"
_CLOSED_ROUTE_NOTE = ("round trip not doubled: the route returns to its first airport, so its "
                      "legs already include the return")


def read_travel_log(
    source: str | os.PathLike[str] | pd.DataFrame | Any,
    mapping: Mapping[str, str | Sequence[str]] | str | Path | None = None,
    units: Mapping[str, str] | None = None,
    *,
    duplicates: Literal["keep", "drop"] = "keep",
    refunds: Literal["net", "keep"] = "net",
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
    """Read a travel log into the canonical travel table.

    Parameters
    ----------
    source : path, http(s) URL, binary file object or DataFrame
        CSV/TSV (any of ``, ; tab |``, UTF-8 with or without BOM, UTF-16 with BOM,
        Windows-1252, Latin-1), Excel (.xlsx/.xls), Parquet, JSON (records or lines).
    mapping : dict, str or None
        ``{canonical: source column}``, a preset name (``"agency"``, ``"canonical"``), a
        preset file path, or None for automatic matching of canonical names
        (see :mod:`sem_carbon.io.columns`).
    units : dict, optional
        Unit of unit-less numeric columns, e.g. ``{"distance": "mi"}``.
    duplicates : {"keep", "drop"}, default "keep"
        Exact duplicate rows: keep all (later copies get a note), or reject later copies
        (:mod:`sem_carbon.io.dedupe`).
    refunds : {"net", "keep"}, default "net"
        Negative-cost rows: net them out with their original (both rejected), or keep them.
    progress : bool or None
        Progress bars; None: only when stderr is a terminal.
    sheet : str, int or list of str, optional
        Excel sheet: a name, or a 0-based index among all sheets (default: the first
        visible sheet, with a warning naming the other visible sheets that hold the same
        table; see :mod:`sem_carbon.io.excel`). ``"all"``: the first visible sheet and every
        visible sheet with the same table (one sheet per month ...); a list of names: those
        sheets. Several sheets are stacked with a ``sheet`` column, each keeping its own row
        numbers (:mod:`sem_carbon.io.sheets`; a sheet named "all": ``sheet=["all"]``).
    header_row : int, optional
        Row of the column names, 1-based as in a spreadsheet (default 1): title lines
        above it are skipped and row numbers in messages stay the sheet's
        (:mod:`sem_carbon.io.header`).
    encoding, delimiter, decimal : str, optional
        Override the detection for delimited text (:mod:`sem_carbon.io.csvfile`).
    timeout : float or (float, float), default (10, 60)
        URL connect/read timeouts [s].
    max_bytes : int, default 200_000_000
        Most bytes of a file, file object or download, and of a decompressed gzip file
        or part of an .xlsx workbook.
    retries : int, default 3
        URL retries after connection failures and 5xx answers.
    deadline : float, default 600
        Most time for a whole URL download [s].
    max_rows, max_columns, max_cells : int, default 10,000,000, 16,384 and 50,000,000
        Most data rows, columns and rows x columns of a file or URL (checked before
        loading where the format tells; see :mod:`sem_carbon.io.bounds` and
        ``docs/limits.md``). A DataFrame is not checked.

    Returns
    -------
    ActivityTable
        ``kind="travel"``; ``data`` columns as in ``docs/tables.md``.

    Raises
    ------
    InputFormatError
        Unreadable or empty source, a size limit exceeded, missing required columns,
        unit-less distances.

    Warns
    -----
    InputWarning
        Excel cells read as blank though Excel shows a value (formulas saved without their
        value, error values); their rows are rejected or noted. Other visible sheets holding
        the same table, not read (without ``sheet=``).
    """
    check_policy(duplicates, ("keep", "drop"), "duplicates")
    check_policy(refunds, ("net", "keep"), "refunds")
    if is_several(sheet):
        build = partial(travel_table, mapping=mapping, units=units, duplicates=duplicates,
                        refunds=refunds, progress=progress)
        return read_sheets(source, sheet, "travel", mapping, units, build, header_row,
                           {"decimal": decimal, "timeout": timeout, "max_bytes": max_bytes,
                            "retries": retries, "deadline": deadline, "max_rows": max_rows,
                            "max_columns": max_columns, "max_cells": max_cells,
                            "progress": progress})
    raw = load_source(source, sheet=sheet, encoding=encoding, delimiter=delimiter,
                      decimal=decimal, timeout=timeout, max_bytes=max_bytes, retries=retries,
                      deadline=deadline, max_rows=max_rows, max_columns=max_columns,
                      max_cells=max_cells, progress=progress, header_row=header_row)
    raw = apply_header_row(raw, header_row)
    return travel_table(raw, mapping, units, duplicates=duplicates, refunds=refunds,
                        progress=progress)


def travel_table(
    raw: RawTable,
    mapping: Mapping[str, str | Sequence[str]] | str | Path | None = None,
    units: Mapping[str, str] | None = None,
    *,
    duplicates: str = "keep",
    refunds: str = "net",
    progress: bool | None = None,
) -> ActivityTable:
    """Normalise a :class:`~sem_carbon.io.sources.RawTable` into a travel ActivityTable.

    Words (modes, cabins, airports, currencies ...) are normalised once per distinct value
    of their column (:class:`~sem_carbon.io.common.Vocab`) and held per row as integer ids
    (:class:`~sem_carbon.io.common.Coded`) until the output is built: no Python object per
    row.
    """
    frame = raw.frame
    n = len(frame)
    plan = plan_columns("travel", [str(c) for c in frame.columns], mapping, units)
    cols = SourceColumns(raw, plan)
    cols.row_modes = cache(partial(_row_modes, cols))  # for columns read per mode
    found = ", ".join(map(repr, frame.columns))
    if not cols.has("mode"):
        raise InputFormatError(
            f"{raw.source}: no mode column. Map one (e.g. mapping={{'mode': 'Product Type'}}) "
            f"or use a preset that gives it; columns found: {found}." + title_row_hint(raw)
        )
    if not (cols.has("date") or cols.has("year")):
        raise InputFormatError(
            f"{raw.source}: no date (or year) column. Map one (e.g. mapping={{'date': "
            f"'Travel Date'}}); columns found: {found}." + title_row_hint(raw)
        )
    warn_other_sheets(raw, plan, mapping, units)  # a sheet per month: say what was not read
    steps = progress_bar(progress if n >= 200_000 else False, 6, "normalising", unit="step")
    all_air_cabins: list[pd.Series] = []  # the cabin output if every row is an air row
    with cols:  # large sources: columns are parsed in threads while the rows are checked
        cols.prefetch(*_PREFETCH, jobs=[partial(_cabin_text, cols, all_air_cabins)])
        return _normalise(raw, cols, steps, duplicates, refunds, all_air_cabins)


def _normalise(raw: RawTable, cols: SourceColumns, steps: Any, duplicates: str, refunds: str,
               all_air_cabins: list[pd.Series]) -> ActivityTable:
    """The rows of :func:`travel_table`, once the source columns are planned."""
    frame, n, plan = raw.frame, cols.n, cols.plan
    source_row = np.arange(raw.first_row, n + raw.first_row, dtype=np.int64)
    rej = Rejections(source_row)
    notes = RowNotes(n)
    blank = blank_rows(frame)
    rej.add(blank, "", "", "empty row")
    live = ~blank
    cell_issues(raw, plan, rej, notes)

    # mode -------------------------------------------------------------------------------
    mode_vocab = cols.vocab("mode")
    u_mode, u_vehicle, u_kind = _modes(mode_vocab)
    mode = mode_vocab.spread(u_mode, -2, dtype=np.int8)  # -2 missing, -1 unknown
    rej.add(live & (mode == -2), cols.label("mode"), "", "missing mode")
    rej.add(live & (mode == -1), cols.label("mode"), cols.get("mode"),
            REASONS["mode"])
    is_air, is_rail, is_road, is_hotel = (_equal(mode, MODES.index(m)) for m in MODES)
    _require_columns(cols, raw.source, live, is_air, is_rail | is_road, is_hotel)
    steps.update()

    # air fields ... vehicles are checked while the dates are still parsed (in a thread);
    # their problems are listed after those of the dates (rej.step)
    rej.step = 2
    # air fields ---------------------------------------------------------------------------
    has_route = cols.vocab("route").present
    has_od = cols.vocab("origin").present & cols.vocab("destination").present
    rej.add(live & is_air & ~has_route & ~has_od,
            cols.label("origin") if cols.has("origin") else cols.label("route"),
            "", "air needs an origin and a destination airport, or a route")
    cabin, cabin_table = _cabins(cols, rej, live & is_air, notes)

    # counts and amounts -----------------------------------------------------------------
    round_trip = _round_trip(cols, rej, live, is_air & has_route, is_air, notes)
    passengers, _ = _count(cols, rej, live, "passengers", default=1.0, limit=MAX_PASSENGERS)
    nights, nights_missing = _count(cols, rej, live, "nights", default=np.nan,
                                    limit=MAX_NIGHTS)
    rooms = _rooms(cols, rej, notes, live, is_hotel, mode)
    for name in ("passengers", "nights", "distance", "cost"):  # 1,234: 1.234 or 1234?
        note_readings(notes, live, cols.numbers(name))
    note_readings(notes, live & is_hotel, cols.numbers("rooms"))
    for name in ("passengers", "nights", "distance"):  # $100 is no distance
        no_money(cols, rej, live, name)
    no_money(cols, rej, live & is_hotel, "rooms")
    rej.add(live & is_hotel & nights_missing, cols.label("nights"), "",
            "hotel needs a number of nights")
    _no_one(cols, rej, live, is_hotel, passengers, nights)
    distance_km, no_distance = _distances(cols, rej, live, raw.decimal, raw.source)
    no_distance = no_distance & live & (is_rail | is_road)
    stray = cols.stray("distance")  # read per mode: a value in another mode's column
    if stray is not None:
        rej.add(live & stray.misplaced, cols.label("distance"), stray.value, stray.reason)
        notes.add(live & stray.ignored, stray.reason.to_numpy(dtype=object))
        no_distance &= ~stray.misplaced
    rej.add(no_distance, cols.label("distance"), "",
            "rail and road need a distance")
    cost = _cost(cols, rej, live, raw.decimal)
    currency_vocab = cols.vocab("currency")
    currency_table, bad_currency = currencies(currency_vocab)
    rej.add(live & bad_currency, cols.label("currency"), cols.get("currency"),
            "unknown currency (expected an ISO 4217 code such as USD, EUR, CHF)")
    currency = coded(currency_vocab, currency_table)
    currency, currency_taken = _cost_currency(cols, rej, live & ~bad_currency, currency, notes)
    steps.update()

    # country, rail kind, vehicle ------------------------------------------------------------
    country = constant(n, "")
    country_words = None
    if cols.has("country"):
        country_vocab = cols.vocab("country")
        country_table, c_missing, c_unknown, c_reason = countries(country_vocab)
        rej.add(live & c_unknown, cols.label("country"), cols.get("country"), c_reason)
        rej.add(live & is_hotel & c_missing, cols.label("country"), "",
                "hotel needs a country")
        country = coded(country_vocab, country_table)
        country_words = country_table
    rail_kind = _rail_kinds(cols, rej, live & is_rail, coded(mode_vocab, u_kind))
    vehicle, fuel = _vehicles(cols, rej, live & is_road, coded(mode_vocab, u_vehicle), notes)
    steps.update()

    # dates ------------------------------------------------------------------------------
    rej.step = 1
    dated, year = dates_and_years(cols, rej, ~live)
    dates = dated.dates if dated is not None else np.full(n, np.datetime64("NaT"), "M8[ns]")
    no_date = (year == 0) & live
    if dated is not None:
        no_date &= ~dated.bad
    rej.add(no_date, cols.label("date" if cols.has("date") else "year"), "",
            "missing date (no date and no year)")
    if dated is not None:
        notes.add(live & dated.month_only, _MONTH_NOTE)
        note_readings(notes, live, dated)  # 03/04/2019: 3 April or 4 March?
    rej.step = 2
    steps.update()

    # duplicates and refunds -----------------------------------------------------------------
    # exact duplicates: in a thread of a large source while the legs are checked ("keep")
    hints = (dates, cost, distance_km, cols.vocab("origin").codes,
             cols.vocab("destination").codes, cols.vocab("route").codes, mode)
    first_of = cols.later(partial(exact_duplicates, frame, live.copy(), hints))
    if duplicates == "drop":
        first = first_of()
        dup = first >= 0
        rej.add_positions(np.flatnonzero(dup), "(all columns)", "",
                          numbered("exact duplicate of row ", source_row[first[dup]]))
    else:
        dup = np.zeros(n, dtype=bool)
    cost_raw = cols.get("cost")
    if refunds == "net" and cost_raw is not None:
        eligible = live & ~np.isnan(cost) & ~dup
        partner = net_refunds(
            lambda rows: _trip_keys(cols, rows, mode, dates, nights, rooms, currency),
            cost, eligible)
        paired = partner >= 0
        netted = np.flatnonzero(paired)
        if netted.size:
            rej.add_positions(netted, cols.label("cost"), cost_raw.iloc[netted],
                              numbered("refunded (netted with row ",
                                       source_row[partner[netted]], ")"))
        lonely = eligible & (cost < 0) & ~paired
        rej.add(lonely, cols.label("cost"), cost_raw,
                "refund (negative cost) with no matching original row (same trip, same "
                "absolute cost)")
    steps.update()

    # legs ---------------------------------------------------------------------------------
    # every live row is expanded and checked, so all its problems are listed
    legs = _legs(cols, live, is_air, has_route, dates, rej)
    doubled = legs.closed & round_trip
    if doubled.any():  # the return is among the legs: round_trip would count it twice
        round_trip = round_trip & ~doubled
        notes.add(doubled, _CLOSED_ROUTE_NOTE)
    if duplicates == "keep":  # each later copy kept, with a note
        first = first_of()
        dup = first >= 0
        notes.add_positions(np.flatnonzero(dup), numbered(
            "exact duplicate of row ", source_row[first[dup]], _DUPLICATE_NOTE))
    if rej.mask.any():
        keep: Any = ~rej.mask[legs.pos]
        pos, leg = legs.pos[keep], legs.leg[keep]
    else:
        keep, pos, leg = slice(None), legs.pos, legs.leg
    # every row once, in order (plain legs are sorted and unique)
    everything = pos.size == n and not legs.routed
    steps.update()
    steps.close()

    at = None if everything else pos

    def take(values: np.ndarray, dtype: Any) -> np.ndarray:
        """Values of the kept rows, as a writable array of their own (not a view)."""
        out = np.asarray(values if at is None else values[at], dtype=dtype)
        return out if out.flags.writeable else out.copy()

    def take_text(name: str) -> pd.Series:
        text = cols.text(name)
        return text if at is None else text.iloc[at].reset_index(drop=True)

    def words(name: str, per_value: np.ndarray, ids: np.ndarray, table: Any) -> pd.Series:
        """Output text of a word column: the source column itself when the words are
        already canonical, else built from ids."""
        same = source_text(cols.get(name), cols.vocab(name), per_value, at)
        if same is not None:
            return same
        return text_from_codes(ids if at is None else ids[at], table)

    mode_words = np.array([MODES[m] if m >= 0 else "" for m in u_mode] + [""],
                          dtype=object)[:-1]
    air_kept = is_air[pos]
    cols.wait()  # the cabin job
    cabin_words = None  # the cabin column is canonical as it stands: on air rows, all filled
    if air_kept.all() and cols.vocab("cabin").present[pos].all():
        cabin_words = np.append(np.asarray(CABINS, dtype=object), "")[cabin_table]
    if air_kept.all() and all_air_cabins:  # computed in the threads, while other columns were
        cabin_text = all_air_cabins[0]
        cabin_out = cabin_text if at is None else cabin_text.iloc[at].reset_index(drop=True)
    elif cabin_words is not None:
        cabin_out = words("cabin", cabin_words, cabin, CABINS)
    else:
        cabin_out = text_from_codes(np.where(is_air, cabin, -1)[pos], CABINS)

    cost_out = take(cost, float)
    if legs.routed:  # a ticket's cost is counted once: split over its legs by distance
        cost_out = _split_cost(cost_out, pos, legs.origin[keep], legs.destination[keep],
                               legs.table, notes)
    data = {
        "source_row": take(source_row, np.int64),
        "trip_id": take_text("trip_id"),
        "leg": leg.astype(np.int64, copy=False),
        "entity": take_text("entity"),
        "date": take(dates, "datetime64[ns]"),
        "year": take(year, np.int64),
        "mode": words("mode", mode_words, mode, MODES),
        "origin": _leg_text(cols, "origin", legs.origin[keep], legs, air_kept, at),
        "destination": _leg_text(cols, "destination", legs.destination[keep], legs, air_kept,
                                 at),
        "cabin": cabin_out,
        "round_trip": take(round_trip, bool),
        "passengers": take(passengers, float),
        "distance_km": take(distance_km, float),
        "vehicle": vehicle.series(pos),
        "fuel": fuel.series(pos),
        "rail_kind": rail_kind.series(pos),
        "nights": take(nights, float),
        "rooms": take(rooms, float),
        "country": (words("country", country_words, country.ids, country.table)
                    if country_words is not None else country.series(pos)),
        "cost": cost_out,
        "currency": (currency.series(at) if currency_taken else
                     words("currency", currency_table, currency.ids, currency.table)),
        "traveller": take_text("traveller"),
        "notes": notes.series(at),
    }
    assert tuple(data) == TRAVEL_OUTPUT
    table = attach_extras(data, frame, plan.extras, pos)
    return ActivityTable("travel", table, rej.frame(), raw.source, n)


# --------------------------------------------------------------------------------------------
# helpers


def _equal(values: np.ndarray, value: int) -> np.ndarray:
    """``values == value``; read-only and without memory per row when ``values`` holds one
    value (a log of one mode)."""
    if is_one_value(values):
        return np.broadcast_to(values[0] == value, values.shape)
    return values == value


def _everywhere(n: int, value: float | bool) -> np.ndarray:
    """``n`` times ``value`` as a read-only view (no memory per row) for absent columns."""
    return np.broadcast_to(np.asarray(value), (n,))


def _row_modes(cols: SourceColumns) -> np.ndarray:
    """Index of each row's mode in MODES (-1 unknown, -2 missing)."""
    vocab = cols.vocab("mode")
    return vocab.spread(_modes(vocab)[0], -2, dtype=np.int8)


def _modes(vocab: Vocab) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct mode text: (index in MODES or -1, implied vehicle, implied rail kind)."""
    words = normalise("mode", vocab.text)
    index = {m: i for i, m in enumerate(MODES)}
    mode = np.array([index.get(w, -1) for w in words.value], dtype=np.int8)
    return mode, words.extra["vehicle"], words.extra["rail_kind"]


def _require_columns(cols: SourceColumns, source: str, live: np.ndarray, is_air: np.ndarray,
                     is_surface: np.ndarray, is_hotel: np.ndarray) -> None:
    """Structural checks: a mode present whose required columns are all absent."""
    problems = []
    air = int((live & is_air).sum())
    if air and not (cols.has("route") or (cols.has("origin") and cols.has("destination"))):
        problems.append(f"{air} air row(s) but no origin and destination columns and no route "
                        "column")
    surface = int((live & is_surface).sum())
    if surface and not cols.has("distance"):
        problems.append(f"{surface} rail/road row(s) but no distance column")
    hotel = int((live & is_hotel).sum())
    if hotel and not cols.has("nights"):
        problems.append(f"{hotel} hotel row(s) but no nights column")
    if hotel and not cols.has("country"):
        problems.append(f"{hotel} hotel row(s) but no country column")
    if problems:
        found = ", ".join(map(repr, cols.frame.columns))
        raise InputFormatError(
            f"{source}: missing required column(s): {'; '.join(problems)}. Map them with "
            f"mapping={{canonical: source column}}; columns found: {found}"
        )


def _cabin_text(cols: SourceColumns, out: list[pd.Series]) -> None:
    """The cabin output column as if every row were an air row (appended to ``out``),
    unless the source column can be reused as it is. Run in the prefetch threads."""
    vocab = cols.vocab("cabin")
    if not len(vocab.text):
        return
    table = cabin_codes(vocab.text)[0]
    words = np.append(np.asarray(CABINS, dtype=object), "")[table]
    if source_text(cols.get("cabin"), vocab, words, None) is None:
        out.append(text_from_codes(vocab.spread(np.maximum(table, 0), 0, dtype=np.int8),
                                   CABINS))


def _cabins(cols: SourceColumns, rej: Rejections, rows: np.ndarray, notes: RowNotes,
            ) -> tuple[np.ndarray, np.ndarray]:
    """Cabin code per row (index in CABINS; missing: 0, ``average``), and per distinct
    value (-1: unknown)."""
    vocab = cols.vocab("cabin")
    table, known, reason, note = cabin_codes(vocab.text)
    unknown = ~vocab.spread(known, True, dtype=bool)
    rej.add(rows & unknown, cols.label("cabin"), cols.get("cabin"),
            vocab.spread(reason, ""))
    if (note != "").any():  # a word read by choice (n/a -> average) says so on the row
        notes.add(rows & ~unknown, vocab.spread(note, ""))
    return vocab.spread(np.maximum(table, 0), 0, dtype=np.int8), table


def _split_cost(cost: np.ndarray, pos: np.ndarray, origin: np.ndarray, destination: np.ndarray,
                table: np.ndarray, notes: RowNotes) -> np.ndarray:
    """The cost of each leg: its source row's (ticket) cost split over the row's legs in
    proportion to their great-circle distance, so that the legs add up to the ticket.

    Single-leg rows keep their cost. Positions ``pos`` are sorted (legs of a row are
    adjacent); ``origin``/``destination`` are ids into ``table`` (-1: no airport).
    """
    rows, group, legs_per_row = np.unique(pos, return_inverse=True, return_counts=True)
    several = legs_per_row[group] > 1
    if not several.any():
        return cost
    lat, lon, _, found = resolve_iata(np.asarray(table, dtype=object), errors="mask")
    lat, lon = np.append(np.where(found, lat, np.nan), np.nan), np.append(lon, np.nan)
    km = haversine_km(lat[origin], lon[origin], lat[destination], lon[destination])
    route_km = np.bincount(group, weights=np.where(several, km, 0.0), minlength=rows.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(several, km / route_km[group], 1.0)
    out = cost * share
    # said where there was a cost to split (a row without one, or without a cost column,
    # has nothing split)
    with np.errstate(invalid="ignore"):
        costed = np.bincount(group, weights=(np.isfinite(cost) & (cost != 0)).astype(float),
                             minlength=rows.size) > 0
    split = (legs_per_row > 1) & costed
    notes.add_positions(rows[split], numbered(
        "ticket cost split over its ", legs_per_row[split],
        " legs in proportion to their great-circle distance"))
    return out


def _leg_text(cols: SourceColumns, name: str, ids: np.ndarray, legs: _Legs,
              air_kept: np.ndarray, at: np.ndarray | None) -> pd.Series:
    """Origin or destination text of the kept legs (``ids`` into ``legs.table``).

    Without routing strings, the source column itself is reused when its values are
    already what the output holds (upper-case codes on air rows, stripped text
    elsewhere).
    """
    if not legs.routed:
        vocab = cols.vocab(name)
        per_value = None
        if air_kept.all():
            per_value = np.array([t.upper() for t in vocab.text] + [""], dtype=object)[:-1]
        elif not air_kept.any():
            per_value = vocab.text
        if per_value is not None:
            same = source_text(cols.get(name), vocab, per_value, at)
            if same is not None:
                return same
    return text_from_codes(ids, legs.table)


def _round_trip(cols: SourceColumns, rej: Rejections, live: np.ndarray, routed: np.ndarray,
                is_air: np.ndarray, notes: RowNotes) -> np.ndarray:
    """Round trip per row: yes/no and journey words (``journey`` vocabulary: ``Return``,
    ``One Way``; ``Open Jaw`` and ``Multi-city`` are counted from their listed legs, noted,
    and rejected on an air row without a routing (``routed``: an air row with one))."""
    series = cols.get("round_trip")
    if series is None:
        return np.zeros(cols.n, dtype=bool)
    vocab = cols.vocab("round_trip")
    words = normalise("journey", vocab.raw)
    rej.add(live & vocab.spread(words.rejected, False, dtype=bool), cols.label("round_trip"),
            series, vocab.spread(words.reason, ""))
    legs = live & vocab.spread(words.value == "legs", False, dtype=bool)
    if legs.any():
        notes.add(legs, vocab.spread(words.note, ""))
        rej.add(legs & is_air & ~routed, cols.label("round_trip"), series,
                "an open-jaw or multi-city ticket needs its route (every airport, e.g. "
                "GVA/LHR/CDG/GVA): an origin and a destination give one leg of several")
    return vocab.spread(words.value == "true", False, dtype=bool)


def _count(cols: SourceColumns, rej: Rejections, live: np.ndarray, name: str,
           default: float, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """(values with ``default`` for missing, missing mask); rejects bad, negative and
    implausible (over ``limit``, see :mod:`sem_carbon.limits`) values."""
    series = cols.get(name)
    parsed = cols.numbers(name)
    if series is None or parsed is None:
        return _everywhere(cols.n, float(default)), _everywhere(cols.n, True)
    rej.add(live & parsed.bad, cols.label(name), series, f"{name} is not a number")
    negative = live & (parsed.values < 0)
    rej.add(negative, cols.label(name), series, f"negative {name}")
    rej.add(live & beyond(parsed.values, limit), cols.label(name), series,
            limit_reason(name, limit))
    if not parsed.missing.any():
        return parsed.values, parsed.missing
    return np.where(parsed.missing, default, parsed.values), parsed.missing


def _rooms(cols: SourceColumns, rej: Rejections, notes: RowNotes, live: np.ndarray,
           is_hotel: np.ndarray, mode: np.ndarray) -> np.ndarray:
    """Rooms per row: on a hotel row the ``rooms`` column, a count as ``nights`` is read
    (a number > 0, at most :data:`~sem_carbon.limits.MAX_ROOMS`; 0 is no stay), 1 when
    blank or absent; NaN on other rows, where a value is not read, with a note (as a
    distance in another mode's column is)."""
    out = np.where(is_hotel, 1.0, np.nan)
    series = cols.get("rooms")
    parsed = cols.numbers("rooms")
    if series is None or parsed is None:
        return out
    hotel = live & is_hotel
    label = cols.label("rooms")
    values = parsed.values
    rej.add(hotel & parsed.bad, label, series, "rooms is not a number")
    with np.errstate(invalid="ignore"):
        rej.add(hotel & (values < 0), label, series, "negative rooms")
        rej.add(hotel & (values == 0), label, series, zero_reason("rooms"))
    rej.add(hotel & beyond(values, MAX_ROOMS), label, series,
            limit_reason("rooms", MAX_ROOMS))
    given = ~parsed.missing
    out = np.where(is_hotel & given & ~parsed.bad, values, out)
    elsewhere = live & ~is_hotel & given & (mode >= 0)
    if elsewhere.any():
        said = np.array([rooms_not_read(m) for m in MODES] + [""], dtype=object)
        notes.add(elsewhere, said[np.where(mode >= 0, mode, len(MODES))])
    return out


def _no_one(cols: SourceColumns, rej: Rejections, live: np.ndarray, is_hotel: np.ndarray,
            passengers: np.ndarray, nights: np.ndarray) -> None:
    """Reject a row with 0 passengers (0 guests on a hotel row) and a hotel row of 0
    nights: no trip, whose 0 kg would vanish into the totals
    (:func:`~sem_carbon.limits.zero_reason`). 0 nights on a flight is a day trip: kept."""
    nobody = live & (passengers == 0)  # -0 too; a blank cell is 1, "two" is NaN
    if nobody.any():
        reason = np.where(is_hotel, zero_reason("guests", "passengers"),
                          zero_reason("passengers"))
        rej.add(nobody, cols.label("passengers"), cols.get("passengers"), reason)
    rej.add(live & is_hotel & (nights == 0), cols.label("nights"), cols.get("nights"),
            zero_reason("nights"))


def _cost(cols: SourceColumns, rej: Rejections, live: np.ndarray, decimal: str) -> np.ndarray:
    series = cols.get("cost")
    parsed = cols.numbers("cost")
    if series is None or parsed is None:
        return _everywhere(cols.n, np.nan)
    rej.add(live & parsed.bad, cols.label("cost"), series, "cost is not a number")
    return parsed.values


#: Signs that stand for several currencies: words of their ISO 4217 names, and in words
_SIGN_NAMES = {"$": (("dollar", "peso"), "dollars or pesos"),
               "¥": (("yen", "yuan"), "yen or yuan")}


def _cost_currency(cols: SourceColumns, rej: Rejections, rows: np.ndarray, currency: Coded,
                   notes: RowNotes) -> tuple[Coded, bool]:
    """Check a currency sign or code written in a cost cell against the row's currency.

    ``$100`` with currency EUR rejects the row (the cost is not in the row's currency); a
    sign of the row's currency (``€ 80`` with EUR, ``$100`` with USD or MXN) is fine. A
    row without a currency takes the code of the cell (``USD 1,234.50``, ``€ 80``, ``£ 5``
    as the currency column reads those signs), noted; a sign of several currencies (``$``,
    ``¥``) gives none, noted. The work is per distinct (sign, currency) pair.

    Returns
    -------
    (Coded, bool)
        The currency per row, and whether some row took its currency from its cost.
    """
    parsed = cols.numbers("cost")
    if parsed is None or not len(parsed.signs):
        return currency, False
    signed = rows & (parsed.sign >= 0)
    if not signed.any():
        return currency, False
    idx = np.flatnonzero(signed)
    width = len(currency.table) + 1
    pair, pairs = pd.factorize(parsed.sign[idx] * width + currency.ids[idx] + 1)
    table = np.append(currency.table, "").astype(object)
    verdicts = [_sign_verdict(str(parsed.signs[p // width]), str(table[p % width - 1]))
                for p in np.asarray(pairs)]  # distinct pairs only
    reason, taken, note = (np.array([v[i] for v in verdicts] + [""], dtype=object)[:-1]
                           for i in range(3))
    wrong = reason[pair] != ""
    if wrong.any():
        rej.add_positions(idx[wrong], cols.label("cost"), cols.get("cost").iloc[idx[wrong]],
                          reason[pair][wrong])
    noted = note[pair] != ""
    notes.add_positions(idx[noted], note[pair][noted])
    take = taken[pair] != ""
    if not take.any():
        return currency, False
    ids, codes = pd.factorize(taken[pair][take])
    offset = len(currency.table)
    out = currency.ids.copy() if currency.ids.flags.writeable else np.array(currency.ids)
    out[idx[take]] = ids + offset
    return Coded(out, np.concatenate([currency.table, np.asarray(codes, dtype=object)])), True


def _sign_verdict(sign: str, code: str) -> tuple[str, str, str]:
    """(reject reason, currency to take, note) for a cost written with ``sign`` on a row
    whose currency is ``code`` (``""``: none)."""
    exact = currency_of(sign)
    if code:
        if exact == code or (not exact and _sign_of(sign, code)):
            return "", "", ""
        kind = "code" if sign.isalpha() else "sign"
        meant = f" ({exact})" if exact and exact != sign else _several(sign)
        return (f"the cost's currency {kind} {sign!r}{meant} contradicts the row's currency "
                f"{code}", "", "")
    if exact:
        return "", exact, f"currency {exact} taken from the cost's {sign!r}"
    return "", "", (f"currency not taken from the cost's {sign!r}: it is the sign of several "
                    f"currencies{_several(sign)}; give the currency")


def _several(sign: str) -> str:
    """`` (dollars or pesos)`` for ``$``: the currencies a sign stands for, or ``""``."""
    return f" ({_SIGN_NAMES[sign][1]})" if sign in _SIGN_NAMES else ""


def _sign_of(sign: str, code: str) -> bool:
    """True when ``sign`` (``$``, ``¥``) is a sign of currency ``code`` (by its ISO 4217
    name: ``$`` for dollars and pesos, ``¥`` for the yen and the yuan)."""
    import pycountry

    found = pycountry.currencies.get(alpha_3=code)
    name = found.name.lower() if found is not None else ""
    return sign in _SIGN_NAMES and any(word in name for word in _SIGN_NAMES[sign][0])


def _km_per_unit(text: str) -> tuple[float, str]:
    """(km per unit, problem) for a unit text; problem is "" when fine."""
    parsed, reason = read_unit(text)
    if reason:
        return np.nan, reason.replace("unknown unit", "unknown distance unit", 1)
    quantity = Q_(1.0, parsed)
    if not quantity.check("[length]"):
        return np.nan, f"{cell_repr(text)} is not a length unit"
    return float(quantity.m_as("km")), ""


def _distances(cols: SourceColumns, rej: Rejections, live: np.ndarray, decimal: str,
               source: str) -> tuple[np.ndarray, np.ndarray]:
    """(km, missing): distance (+ unit) -> km; rejects bad, negative, unit-less distances."""
    series = cols.get("distance")
    parsed = cols.numbers("distance")
    if series is None or parsed is None:
        return _everywhere(cols.n, np.nan), _everywhere(cols.n, True)
    label = cols.label("distance")
    # a cell with its own unit ("100 km", "62 mi."), read as sc.rail reads one
    cell_km, with_unit = _distance_cells(series, live & parsed.bad)
    rej.add(live & parsed.bad & ~with_unit, label, series, "distance is not a number")
    with np.errstate(invalid="ignore"):
        rej.add(live & ((parsed.values < 0) | (with_unit & (cell_km < 0))), label, series,
                "negative distance")
    present = live & ~parsed.missing & ~parsed.bad
    fallback = cols.plan.units.get("distance", "")
    if not cols.has("distance_unit") and not fallback and present.any() \
            and not with_unit.any():
        raise InputFormatError(
            f"{source}: column {label!r} has distances but no unit: add a distance_unit column, "
            "or pass units={'distance': 'km'} (or 'mi', ...); sem-carbon does not guess units"
        )
    vocab = cols.vocab("distance_unit")
    per_unit = vocab.map(_km_per_unit)
    u_factor = np.array([f for f, _ in per_unit] + [np.nan], dtype=float)[:-1]
    u_problem = np.array([p for _, p in per_unit] + [""], dtype=object)[:-1]
    if fallback:
        missing_factor, missing_problem = _km_per_unit(fallback)
    else:
        missing_factor, missing_problem = np.nan, ""
    factor = vocab.spread(u_factor, missing_factor, dtype=float)
    no_unit = present & ~vocab.present & (fallback == "")
    rej.add(no_unit, cols.label("distance_unit"), "", "distance without a unit")
    if with_unit.any():  # a cell's own unit must agree with its row's unit, if any
        clash = live & ~_same_unit(series, factor, with_unit)
        rej.add(clash, label, series, "the distance's own unit contradicts the row's distance "
                "unit (distance_unit, units= or the header): give one of them")
    problem = vocab.spread(u_problem, missing_problem)
    unit_bad = present & ~no_unit & (problem != "")
    if unit_bad.any():
        rej.add(unit_bad, cols.label("distance_unit"), cols.shown("distance_unit", fallback),
                problem)
    usable = present & ~unit_bad & ~no_unit
    with np.errstate(over="ignore"):  # 1e308 mi is infinite in km: refused just below
        km = np.where(usable, parsed.values * factor, np.nan)
    if with_unit.any():
        usable = usable | (live & with_unit)
        km = np.where(live & with_unit, cell_km, km)
    over = usable & (beyond(km, MAX_LEG_KM) | np.isinf(km))
    if over.any():
        rej.add(over, label, series, limit_reason("distance", MAX_LEG_KM, "km"))
        km[over] = np.nan
    return km, parsed.missing


def _distance_cells(series: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(km, read) of the ``rows`` whose distance cell carries its own unit (``100 km``,
    ``62 mi.``), read as :func:`sem_carbon.units.parse_quantity` reads an amount (the
    scalar calls' reading); per distinct text. ``read`` is False where the cell is no
    length with a unit."""
    n = len(series)
    km = np.full(n, np.nan)
    read = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(rows)
    if not idx.size:
        return km, read
    from ..errors import UnitError
    from ..units import parse_quantity

    codes, uniques = pd.factorize(as_text(series.iloc[idx]).to_numpy(dtype=object))
    per_text = np.full(len(uniques) + 1, np.nan)
    for i, text in enumerate(uniques):  # distinct texts only
        try:
            quantity = parse_quantity(str(text), "distance")
        except UnitError:
            continue
        if quantity.check("[length]"):
            per_text[i] = float(quantity.m_as("km"))
    km[idx] = per_text[codes]
    read[idx] = np.isfinite(km[idx])
    return km, read


def _same_unit(series: pd.Series, factor: np.ndarray, with_unit: np.ndarray) -> np.ndarray:
    """Whether each cell's own unit is the row's unit (km per unit equal); True elsewhere."""
    from ..units import parse_quantity

    out = np.ones(len(series), dtype=bool)
    idx = np.flatnonzero(with_unit & np.isfinite(factor))
    if not idx.size:
        return out
    text = as_text(series.iloc[idx]).to_numpy(dtype=object)
    pairs = pd.factorize(pd.Series(text, dtype=object) + "|" + factor[idx].astype(str))[0]
    seen: dict[int, bool] = {}
    for k, (t, f, p) in enumerate(zip(text, factor[idx], pairs, strict=True)):
        if p not in seen:  # distinct (text, unit) pairs only
            quantity = parse_quantity(str(t), "distance")
            seen[p] = bool(np.isclose(Q_(1.0, quantity.units).m_as("km"), f))
        out[idx[k]] = seen[p]
    return out


def _rail_kinds(cols: SourceColumns, rej: Rejections, rows: np.ndarray,
                implied: Coded) -> Coded:
    """Rail kind per row ("" off rail rows): the column, else the mode's, else national."""
    if not rows.any():
        return constant(cols.n, "")
    vocab = cols.vocab("rail_kind")
    words = normalise("rail_kind", vocab.text)
    kind = coded(vocab, words.value)
    unknown = rows & vocab.present & (kind.ids < 0)
    rej.add(unknown, cols.label("rail_kind"), cols.get("rail_kind"),
            vocab.spread(words.reason, ""))
    fallback = choose(implied.ids >= 0, implied, constant(cols.n, "national"))
    out = choose(vocab.present, kind, fallback)
    return Coded(np.where(rows, out.ids, -1), out.table)


def _vehicles(cols: SourceColumns, rej: Rejections, rows: np.ndarray,
              implied: Coded, notes: RowNotes) -> tuple[Coded, Coded]:
    """(vehicle, fuel) road keys per row ("" off road rows); rejects unknown vehicles.

    The chosen vehicle is the ``vehicle`` column, else the mode's (taxi, bus ...), else a
    car; the keys are computed once per distinct (vehicle, fuel) pair.
    """
    n = cols.n
    idx = np.flatnonzero(rows)
    if not idx.size:
        return constant(n, ""), constant(n, "")
    given_vocab = cols.vocab("vehicle")
    given = coded(given_vocab, given_vocab.text)
    chosen = choose(given_vocab.present, given,
                    choose(implied.ids >= 0, implied, constant(n, "car")))
    fuel_vocab = cols.vocab("fuel")
    fuel = coded(fuel_vocab, fuel_vocab.text)
    width = len(fuel.table) + 1
    pair_ids, pairs = pd.factorize(chosen.ids[idx] * width + fuel.ids[idx] + 1)
    pairs = np.asarray(pairs)
    fuel_text = np.append(fuel.table, "").astype(object)[pairs % width - 1]
    keys = road_keys(chosen.table[pairs // width].astype(object), fuel_text)
    vehicle_ids = np.full(n, -1, dtype=np.intp)
    fuel_ids = np.full(n, -1, dtype=np.intp)
    vehicle_ids[idx] = pair_ids
    fuel_ids[idx] = pair_ids
    vehicle_keys = np.asarray(keys["vehicle"], dtype=object)
    unknown = np.zeros(n, dtype=bool)
    unknown[idx] = vehicle_keys[pair_ids] == ""
    if unknown.any():
        shown = np.full(n, "", dtype=object)
        shown[idx] = chosen.texts(idx)
        raw = cols.get("vehicle")
        if raw is not None:  # the cell as written where the source names the vehicle
            named = unknown & given_vocab.present
            shown[named] = raw[named].to_numpy(dtype=object)
        rej.add(unknown, cols.label("vehicle"), shown, REASONS["vehicle"])
    # a car fuel no table holds is rejected under the fuel column; a fuel on a taxi, bus,
    # coach or motorbike is not used (factors without fuel type), noted (per distinct pair)
    fuel_reason, fuel_note = fuel_checks(vehicle_keys, fuel_text)
    if (fuel_reason != "").any():
        bad = np.zeros(n, dtype=bool)
        bad[idx] = fuel_reason[pair_ids] != ""
        why = np.full(n, "", dtype=object)
        why[idx] = fuel_reason[pair_ids]
        rej.add(bad, cols.label("fuel"), cols.get("fuel"), why)
    if (fuel_note != "").any():
        said = np.full(n, "", dtype=object)
        said[idx] = fuel_note[pair_ids]
        notes.add(said != "", said)
    return (Coded(vehicle_ids, vehicle_keys),
            Coded(fuel_ids, np.asarray(keys["fuel"], dtype=object)))


def _trip_keys(cols: SourceColumns, rows: np.ndarray, mode: np.ndarray, dates: np.ndarray,
               nights: np.ndarray, rooms: np.ndarray, currency: Coded) -> pd.DataFrame:
    """Key columns identifying "the same trip" for refund netting, for ``rows`` (rooms as
    the calculators read them: a blank is 1 room on a hotel row)."""

    def text(name: str) -> np.ndarray:
        return cols.text(name).iloc[rows].str.casefold().to_numpy(dtype=object)

    trip = cols.text("trip_id").iloc[rows].to_numpy(dtype=object)
    with_id = trip != ""
    route = cols.text("route").iloc[rows].str.casefold().str.replace(_ROUTE_SPLIT, "/",
                                                                        regex=True)
    keys = pd.DataFrame({
        "trip": trip,
        "mode": mode[rows],
        "currency": currency.ids[rows],
        "entity": text("entity"),
        "traveller": text("traveller"),
        "date": pd.Series(dates[rows]).astype(str).to_numpy(dtype=object),
        "origin": text("origin"),
        "destination": text("destination"),
        "route": route.to_numpy(dtype=object),
        "nights": pd.Series(np.abs(nights[rows])).astype(str).to_numpy(dtype=object),
        "rooms": pd.Series(rooms[rows]).astype(str).to_numpy(dtype=object),
        "country": text("country"),
    })
    only_id = ["entity", "traveller", "date", "origin", "destination", "route", "nights",
               "rooms", "country"]
    keys.loc[with_id, only_id] = ""
    return keys


class _Legs(NamedTuple):
    """Legs of the source rows: one per plain row, one per hop of a routing string.

    ``origin`` and ``destination`` are ids into ``table`` (-1: ``""``).
    """

    pos: np.ndarray
    leg: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    table: np.ndarray
    routed: bool
    closed: np.ndarray  # per source row: a routing string that ends where it starts


def _legs(cols: SourceColumns, rows: np.ndarray, is_air: np.ndarray, has_route: np.ndarray,
          dates: np.ndarray, rej: Rejections) -> _Legs:
    """Expand ``rows`` into legs and reject unknown airports and legs to the same airport.

    Air codes are upper-cased; other modes keep their free text. Plain rows use their
    ``origin``/``destination``; air rows with a routing string get one leg per hop. All
    the work on texts is per distinct value; rows are expanded with numpy.
    """
    origin_v, dest_v, route_v = (cols.vocab(c) for c in ("origin", "destination", "route"))
    routed = rows & is_air & has_route
    plain_rows = rows & ~routed
    everything = bool(plain_rows.all())
    plain = np.arange(cols.n) if everything else np.flatnonzero(plain_rows)
    air_plain = is_air if everything else is_air[plain]
    tokens = _route_tokens(route_v, cols, rej, np.flatnonzero(routed))
    # one table of texts, in sections: origin texts, origin upper-case codes, the same for
    # destinations, route tokens (upper case). Each of the first four starts with "", so
    # that a vocabulary code (-1: missing) plus the section start is an id: no masks.
    upper_o = np.array([t.upper() for t in origin_v.text] + [""], dtype=object)[:-1]
    upper_d = np.array([t.upper() for t in dest_v.text] + [""], dtype=object)[:-1]
    blank = np.array([""], dtype=object)
    parts = [blank, origin_v.text, blank, upper_o, blank, dest_v.text, blank, upper_d,
             tokens.upper]
    start = np.cumsum([0, *map(len, parts)])
    table = np.concatenate(parts).astype(object)
    # the source text of each id, for rejected.value: the cell as written, or the token
    shown = as_text(pd.Series(np.concatenate([blank, origin_v.raw, blank, origin_v.raw, blank,
                                              dest_v.raw, blank, dest_v.raw, tokens.raw]),
                              dtype=object), strip=False).to_numpy(dtype=object)

    def plain_ids(vocab: Vocab, text_at: int, upper_at: int) -> np.ndarray:
        codes = vocab.codes if everything else vocab.codes[plain]
        if air_plain.all():
            return codes + upper_at
        if not air_plain.any():
            return codes + text_at
        return codes + np.where(air_plain, upper_at, text_at)

    origin = plain_ids(origin_v, start[1], start[3])
    destination = plain_ids(dest_v, start[5], start[7])
    pos, leg = plain.astype(np.int64, copy=False), np.zeros(plain.size, dtype=np.int64)
    if tokens.pos.size:
        pos = np.concatenate([pos, tokens.pos])
        leg = np.concatenate([leg, tokens.leg])
        origin = np.concatenate([origin, tokens.origin + start[8]])
        destination = np.concatenate([destination, tokens.destination + start[8]])
        order = np.lexsort((leg, pos))
        pos, leg, origin, destination = pos[order], leg[order], origin[order], destination[order]
    _check_airports(cols, pos, origin, destination, table, shown, is_air, has_route, dates,
                    rej)
    closed = np.zeros(cols.n, dtype=bool)
    closed[tokens.closed] = True
    return _Legs(pos, leg, origin, destination, table, bool(tokens.pos.size), closed)


class _Tokens(NamedTuple):
    """Hops of routing strings: per leg, the row, leg number and token ids."""

    pos: np.ndarray
    leg: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    raw: np.ndarray
    upper: np.ndarray
    closed: np.ndarray  # the rows whose routing ends at its first airport


def _route_tokens(vocab: Vocab, cols: SourceColumns, rej: Rejections,
                  rows: np.ndarray) -> _Tokens:
    """Split each *distinct* routing string of ``rows`` once; expand the rows with numpy.

    Tokens keep their spelling in ``raw`` (for ``rejected.value``) and are upper-cased in
    ``upper``. Rows whose routing has fewer than two airports are rejected.
    """
    empty = np.zeros(0, dtype=np.int64)
    none = np.zeros(0, dtype=object)
    if not rows.size:
        return _Tokens(empty, empty, empty, empty, none, none, empty)
    used, codes = np.unique(vocab.codes[rows], return_inverse=True)  # routings of rows
    parts = [_route_parts(vocab.raw[u], vocab.text[u]) for u in used]
    not_text = np.array([p is None for p in parts] + [False], dtype=bool)[:-1]
    split = [p or [] for p in parts]
    t_route = np.repeat(np.arange(len(split)), [len(s) for s in split])
    t_raw = np.array([t for s in split for t in s] + [""], dtype=object)[:-1]
    t_id, raw = pd.factorize(t_raw) if t_raw.size else (empty, none)
    raw = np.asarray(raw, dtype=object)
    upper = np.array([t.upper() for t in raw] + [""], dtype=object)[:-1]
    per_route = np.bincount(t_route, minlength=len(split))
    listed = rows[not_text[codes]]
    rej.add_positions(listed, cols.label("route"), cols.get("route").iloc[listed],
                      "a route list must hold airport codes as text (e.g. [\"GVA\", \"JFK\"])")
    short = rows[(per_route[codes] < 2) & ~not_text[codes]]
    rej.add_positions(short, cols.label("route"), cols.get("route").iloc[short],
                      "a route needs at least two airports")
    # legs of each distinct routing: token i -> token i + 1 within the routing
    is_leg = np.zeros(t_route.size, dtype=bool)
    is_leg[:-1] = t_route[1:] == t_route[:-1]
    leg_route = t_route[is_leg]
    leg_origin, leg_dest = t_id[is_leg], t_id[1:][is_leg[:-1]]
    legs_per_route = np.bincount(leg_route, minlength=len(split))
    first_leg = np.r_[0, np.cumsum(legs_per_route)[:-1]]
    # expand the rows: row r with routing u gets legs first_leg[u] ... + legs_per_route[u]
    count = legs_per_route[codes]
    pos = np.repeat(rows, count)
    start = np.repeat(np.cumsum(count) - count, count)
    leg = np.arange(pos.size) - start
    flat = np.repeat(first_leg[codes], count) + leg
    ends = np.array([len(t) > 2 and t[0].upper() == t[-1].upper() for t in split], dtype=bool)
    return _Tokens(pos, leg, leg_origin[flat], leg_dest[flat], raw, upper, rows[ends[codes]])


def _route_parts(raw: Any, text: str) -> list[str] | None:
    """The airports of one distinct routing: a string split at the separators, or a list
    (JSON ``["GVA", "JFK"]``, a Parquet list) read item by item in order; None for a list
    holding anything but text."""
    if isinstance(raw, list | tuple | np.ndarray):
        items = list(raw)
        if not all(isinstance(item, str) for item in items):
            return None
        return [t for item in items for t in re.split(_ROUTE_SPLIT, item) if t]
    return [t for t in re.split(_ROUTE_SPLIT, text) if t]


def _check_airports(cols: SourceColumns, pos: np.ndarray, origin: np.ndarray,
                    destination: np.ndarray, table: np.ndarray, shown: np.ndarray,
                    is_air: np.ndarray, has_route: np.ndarray, dates: np.ndarray,
                    rej: Rejections) -> None:
    """Reject source rows with an unknown airport or a leg from an airport to itself.

    ``origin``/``destination`` are ids into ``table`` (an id of ``""`` is an empty
    endpoint, reported as missing elsewhere). Each distinct code is resolved once; only
    codes unknown without a date are resolved again per (code, travel day) of their legs
    (the day decides reassigned and retired codes, see
    :func:`sem_carbon.geo.airports.resolve_iata`).
    """
    air_legs = is_air[pos]
    if not air_legs.any():
        return
    if not air_legs.all():
        pos, origin, destination = pos[air_legs], origin[air_legs], destination[air_legs]
    # airport key of each table id (equal upper-case codes share a key); -1: empty
    key_of_id, codes = pd.factorize(np.where(table == "", None, table).astype(object),
                                    use_na_sentinel=True)
    codes = np.asarray(codes, dtype=object)
    found_key = np.asarray(resolve_iata(codes).found, dtype=bool) if codes.size else \
        np.zeros(0, dtype=bool)
    found_id = np.append(found_key, True)[key_of_id]  # an empty endpoint is not "unknown"
    unknown = []
    for end, ids in (("origin", origin), ("destination", destination)):
        if found_id.all():  # every code known: nothing to look at per leg
            break
        missing = np.flatnonzero(~found_id[ids])
        if missing.size:  # unknown without a date: maybe known on the travel day
            keys = key_of_id[ids[missing]]
            known = np.asarray(resolve_iata(codes[keys], dates=dates[pos[missing]]).found,
                               dtype=bool)
            missing = missing[~known]
        if missing.size:
            at = pos[missing]
            labels = np.where(has_route[at], cols.label("route"), cols.label(end))
            unknown.append(pd.DataFrame({"pos": at, "column": labels,
                                         "value": shown[ids[missing]]}))
    if unknown:
        found = pd.concat(unknown, ignore_index=True).drop_duplicates()
        found = found.sort_values("pos", kind="stable")
        values = found["value"].to_numpy(dtype=object)
        rej.add_positions(found["pos"].to_numpy(), found["column"].to_numpy(), values,
                          unknown_code_reasons(values))
    if len(table) <= 2048:  # one look-up per leg in a table of (origin, destination) pairs
        pairs = (key_of_id[:, None] == key_of_id[None, :]) & (key_of_id >= 0)[:, None]
        same = np.flatnonzero(pairs.ravel()[origin * len(table) + destination])
    else:
        key_origin = key_of_id[origin]
        same = np.flatnonzero((key_origin == key_of_id[destination]) & (key_origin >= 0))
    if same.size:
        at = pos[same]
        routed = has_route[at]
        value = np.where(routed, shown[origin[same]], shown[destination[same]])
        hits = pd.DataFrame({"pos": at, "value": value}).drop_duplicates("pos")
        at = hits["pos"].to_numpy()
        labels = np.where(has_route[at], cols.label("route"), cols.label("destination"))
        rej.add_positions(at, labels, hits["value"].to_numpy(dtype=object),
                          "a flight leg from an airport to itself")
