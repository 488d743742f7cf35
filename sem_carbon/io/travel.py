"""``read_travel_log``: a travel log (file, URL or DataFrame) -> ``ActivityTable``.

Normalisation (all vectorised; Python work only per distinct value)
    - ``mode``: ``air`` (air, flight, plane ...), ``rail`` (train, rail, eurostar, tram,
      metro ...), ``road`` (car, taxi, bus, coach, car rental, motorbike, road ...; the word
      also gives the vehicle), ``hotel`` (hotel, accommodation, lodging ...). A generic
      road word without a ``vehicle`` means a car (as :func:`sem_carbon.road`).
    - dates: see :mod:`sem_carbon.io.parse` (day first unless the column only parses month
      first); ``year`` is the date's year, else the ``year`` column.
    - ``cabin`` (air only) via :func:`sem_carbon.travel.cabins.cabin_codes`; empty means
      ``average``.
    - ``round_trip``: yes/no words; empty means False.
    - ``passengers``: empty means 1.
    - ``rail_kind`` (rail only): empty means the mode's kind (eurostar: international) or
      ``national``.
    - ``country`` via :func:`sem_carbon.geo.countries.normalise_country`; ``currency`` to
      ISO 4217.
    - ``distance`` -> ``distance_km``: the row's ``distance_unit`` if filled, else the unit
      from ``units=``, the preset or the header; converted with pint once per distinct unit.
      A distance column without any unit is an error (never guessed).
Routing strings
    ``route`` (``GVA-LHR-JFK``, ``GVA/JFK/GVA``; separators ``- / > , ; |`` and spaces) on
    an air row becomes one row per leg (``leg`` 0, 1, ...; same ``source_row`` and
    ``trip_id``), replacing ``origin``/``destination``. A route that returns to its origin
    is **not** marked ``round_trip``: its legs are listed, so the return is already
    counted. ``round_trip`` from the source is kept on every leg. A route is read on air
    rows only (other modes keep their ``origin``/``destination`` text).
Rejected rows (``rejected``; the whole source row, every problem listed)
    blank rows; missing or unknown mode; unparseable, impossible or implausible dates;
    no date and no year; unknown cabin, country, currency, rail kind or vehicle; non-numeric
    or negative passengers, nights, distance; non-numeric cost; air without origin and
    destination or route, a route with fewer than two airports, an unknown airport code,
    a leg from an airport to itself; rail/road without a distance; a distance without a
    unit or with an unknown or non-length unit; hotel without nights or country; exact
    duplicates (``duplicates="drop"``); refunds (``refunds="net"``, see
    :mod:`sem_carbon.io.dedupe`).
Errors (:class:`~sem_carbon.errors.InputFormatError`)
    no mode column (nor preset default); no date or year column; a mode present whose
    required columns are all absent (air rows but no origin/destination or route column,
    rail/road rows but no distance column, hotel rows but no nights or country column);
    distances without a unit; plus every reading error of :mod:`sem_carbon.io.sources`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import InputFormatError
from ..geo.airports import resolve_iata
from ..travel.cabins import CABINS, cabin_codes
from ..travel.surface import normalise_rail_kind, road_keys
from ..units import Q_, parse_unit
from .columns import TRAVEL_OUTPUT, plan_columns
from .common import (
    SourceColumns,
    attach_extras,
    blank_rows,
    check_policy,
    countries,
    currencies,
    dates_and_years,
    numbered,
    spread,
    text_from_codes,
    text_series,
)
from .dedupe import exact_duplicates, net_refunds
from .http import DEFAULT_MAX_BYTES, DEFAULT_RETRIES, DEFAULT_TIMEOUT
from .parse import distinct, parse_bool, parse_numbers
from .progress import progress_bar
from .rejects import Rejections
from .sources import RawTable, load_source
from .table import ActivityTable
from .vocab import mode_of, unit_text

__all__ = ["read_travel_log"]

_ROUTE_SPLIT = r"[\s/\-–—>,;|]+"
_MODE_HELP = ("expected air, rail, road or hotel, or a synonym such as flight, train, taxi, "
              "car rental, accommodation")


def read_travel_log(
    source: str | os.PathLike[str] | pd.DataFrame | Any,
    mapping: Mapping[str, str | Sequence[str]] | str | Path | None = None,
    units: Mapping[str, str] | None = None,
    *,
    duplicates: Literal["keep", "drop"] = "keep",
    refunds: Literal["net", "keep"] = "net",
    progress: bool | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retries: int = DEFAULT_RETRIES,
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
        Exact duplicate rows: keep all, or reject later copies (:mod:`sem_carbon.io.dedupe`).
    refunds : {"net", "keep"}, default "net"
        Negative-cost rows: net them out with their original (both rejected), or keep them.
    progress : bool or None
        Progress bars; None: only when stderr is a terminal.
    sheet : str or int, optional
        Excel sheet (default: the first).
    encoding, delimiter, decimal : str, optional
        Override the detection for delimited text (:mod:`sem_carbon.io.csvfile`).
    timeout : float or (float, float), default (10, 60)
        URL connect/read timeouts [s].
    max_bytes : int, default 200_000_000
        URL download cap.
    retries : int, default 3
        URL retries after connection failures and 5xx answers.

    Returns
    -------
    ActivityTable
        ``kind="travel"``; ``data`` columns as in ``docs/tables.md``.

    Raises
    ------
    InputFormatError
        Unreadable or empty source, missing required columns, unit-less distances.
    """
    check_policy(duplicates, ("keep", "drop"), "duplicates")
    check_policy(refunds, ("net", "keep"), "refunds")
    raw = load_source(source, sheet=sheet, encoding=encoding, delimiter=delimiter,
                      decimal=decimal, timeout=timeout, max_bytes=max_bytes, retries=retries,
                      progress=progress)
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
    """Normalise a :class:`~sem_carbon.io.sources.RawTable` into a travel ActivityTable."""
    frame = raw.frame
    n = len(frame)
    plan = plan_columns("travel", [str(c) for c in frame.columns], mapping, units)
    cols = SourceColumns(raw, plan)
    found = ", ".join(map(repr, frame.columns))
    if not cols.has("mode"):
        raise InputFormatError(
            f"{raw.source}: no mode column. Map one (e.g. mapping={{'mode': 'Product Type'}}) "
            f"or use a preset that gives it; columns found: {found}"
        )
    if not (cols.has("date") or cols.has("year")):
        raise InputFormatError(
            f"{raw.source}: no date (or year) column. Map one (e.g. mapping={{'date': "
            f"'Travel Date'}}); columns found: {found}"
        )
    steps = progress_bar(progress if n >= 200_000 else False, 6, "normalising", unit="step")
    source_row = np.arange(n, dtype=np.int64) + 2
    rej = Rejections(source_row)
    blank = blank_rows(frame)
    rej.add(blank, "", "", "empty row")
    live = ~blank

    # mode -------------------------------------------------------------------------------
    mode_raw = cols.get("mode")
    assert mode_raw is not None
    mode_text = cols.text("mode")
    mode, implied_vehicle, implied_kind = spread(mode_text.where(mode_text != "", None),
                                                 mode_of, 3)
    mode_missing = (mode_text == "").to_numpy()
    rej.add(live & mode_missing, cols.label("mode"), "", "missing mode")
    rej.add(live & ~mode_missing & (mode == ""), cols.label("mode"), mode_raw,
            f"unknown mode ({_MODE_HELP})")
    is_air, is_rail = mode == "air", mode == "rail"
    is_road, is_hotel = mode == "road", mode == "hotel"
    _require_columns(cols, raw.source, live, is_air, is_rail | is_road, is_hotel)
    steps.update()

    # dates ------------------------------------------------------------------------------
    dated, year = dates_and_years(cols, rej, ~live)
    dates = dated.dates if dated is not None else np.full(n, np.datetime64("NaT"), "M8[ns]")
    no_date = (year == 0) & live
    if dated is not None:
        no_date &= ~dated.bad
    rej.add(no_date, cols.label("date" if cols.has("date") else "year"), "",
            "missing date (no date and no year)")
    steps.update()

    # air fields ---------------------------------------------------------------------------
    route = cols.text("route")
    origin = cols.text("origin")
    destination = cols.text("destination")
    has_route = (route != "").to_numpy()
    has_od = ((origin != "") & (destination != "")).to_numpy()
    rej.add(live & is_air & ~has_route & ~has_od,
            cols.label("origin") if cols.has("origin") else cols.label("route"),
            "", "air needs an origin and a destination airport, or a route")
    cabin = _cabins(cols, rej, live & is_air)

    # counts and amounts -----------------------------------------------------------------
    round_trip = _round_trip(cols, rej, live)
    passengers, _ = _count(cols, rej, live, "passengers", default=1.0, decimal=raw.decimal)
    nights, nights_missing = _count(cols, rej, live, "nights", default=np.nan,
                                    decimal=raw.decimal)
    rej.add(live & is_hotel & nights_missing, cols.label("nights"), "",
            "hotel needs a number of nights")
    distance_km, no_distance = _distances(cols, rej, live, raw.decimal, raw.source)
    no_distance = no_distance & live & (is_rail | is_road)
    rej.add(no_distance, cols.label("distance"), "",
            "rail and road need a distance")
    cost = _cost(cols, rej, live, raw.decimal)
    currency_text = cols.text("currency")
    currency, bad_currency = currencies(currency_text)
    rej.add(live & bad_currency, cols.label("currency"), currency_text,
            "unknown currency (expected an ISO 4217 code such as USD, EUR, CHF)")
    steps.update()

    # country, rail kind, vehicle ------------------------------------------------------------
    country = np.full(n, "", dtype=object)
    if cols.has("country"):
        country_raw = cols.get("country")
        assert country_raw is not None
        country, c_missing, c_unknown = countries(country_raw)
        rej.add(live & c_unknown, cols.label("country"), country_raw,
                "unknown country (expected an ISO code or an English country name)")
        rej.add(live & is_hotel & c_missing, cols.label("country"), "",
                "hotel needs a country")
    rail_kind = _rail_kinds(cols, rej, live & is_rail, implied_kind)
    vehicle, fuel = _vehicles(cols, rej, live & is_road, implied_vehicle)
    steps.update()

    # duplicates and refunds -----------------------------------------------------------------
    if duplicates == "drop":
        first = exact_duplicates(frame, live)
        dup = first >= 0
        rej.add_positions(np.flatnonzero(dup), "(all columns)", "",
                          numbered("exact duplicate of row ", source_row[first[dup]]))
    else:
        dup = np.zeros(n, dtype=bool)
    cost_raw = cols.get("cost")
    if refunds == "net" and cost_raw is not None:
        eligible = live & ~np.isnan(cost) & ~dup
        partner = net_refunds(
            lambda rows: _trip_keys(cols, rows, mode, dates, nights, currency), cost, eligible)
        paired = partner >= 0
        netted = np.flatnonzero(paired)
        rej.add_positions(netted, cols.label("cost"), cost_raw.iloc[netted],
                          numbered("refunded (netted with row ", source_row[partner[netted]],
                                   ")"))
        lonely = eligible & (cost < 0) & ~paired
        rej.add(lonely, cols.label("cost"), cost_raw,
                "refund (negative cost) with no matching original row (same trip, same "
                "absolute cost)")
    steps.update()

    # legs ---------------------------------------------------------------------------------
    # every live row is expanded and checked, so all its problems are listed
    legs = _legs(live, is_air, has_route, route, origin, destination, rej, cols)
    pos, leg, leg_origin, leg_destination = legs
    air_leg = is_air[pos]
    _check_airports(pos[air_leg], leg_origin[air_leg].reset_index(drop=True),
                    leg_destination[air_leg].reset_index(drop=True), dates, has_route, rej,
                    cols)
    keep = ~rej.mask[pos]
    pos, leg = pos[keep], leg[keep]
    leg_origin = leg_origin[keep].reset_index(drop=True)
    leg_destination = leg_destination[keep].reset_index(drop=True)
    steps.update()
    steps.close()

    data = {
        "source_row": source_row[pos],
        "trip_id": _take_text(cols.text("trip_id"), pos),
        "leg": leg.astype(np.int64),
        "entity": _take_text(cols.text("entity"), pos),
        "date": dates[pos].astype("datetime64[ns]"),
        "year": year[pos].astype(np.int64),
        "mode": text_series(mode[pos]),
        "origin": leg_origin,
        "destination": leg_destination,
        "cabin": text_from_codes(np.where(is_air, cabin, -1)[pos], CABINS),
        "round_trip": round_trip[pos].astype(bool),
        "passengers": passengers[pos].astype(float),
        "distance_km": distance_km[pos].astype(float),
        "vehicle": text_series(vehicle[pos]),
        "fuel": text_series(fuel[pos]),
        "rail_kind": text_series(rail_kind[pos]),
        "nights": nights[pos].astype(float),
        "country": text_series(country[pos]),
        "cost": cost[pos].astype(float),
        "currency": text_series(currency[pos]),
        "traveller": _take_text(cols.text("traveller"), pos),
    }
    assert tuple(data) == TRAVEL_OUTPUT
    table = attach_extras(data, frame, plan.extras, pos)
    return ActivityTable("travel", table, rej.frame(), raw.source, n)


# --------------------------------------------------------------------------------------------
# helpers


def _take_text(series: pd.Series, pos: np.ndarray) -> pd.Series:
    return series.iloc[pos].reset_index(drop=True)


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


def _cabins(cols: SourceColumns, rej: Rejections, rows: np.ndarray) -> np.ndarray:
    text = cols.text("cabin")
    codes, uniques = distinct(text)
    table, known = cabin_codes(uniques) if len(uniques) else (np.zeros(0, np.int8),
                                                              np.zeros(0, bool))
    cabin = np.append(table, 0)[codes]  # missing -> 0 (average)
    unknown = np.append(~known, False)[codes]
    rej.add(rows & unknown, cols.label("cabin"), cols.get("cabin"),
            "unknown cabin class (expected economy, premium economy, business, first or "
            "average)")
    return cabin.astype(np.int64)


def _round_trip(cols: SourceColumns, rej: Rejections, live: np.ndarray) -> np.ndarray:
    series = cols.get("round_trip")
    if series is None:
        return np.zeros(cols.n, dtype=bool)
    values, _missing, bad = parse_bool(series)
    rej.add(live & bad, cols.label("round_trip"), series,
            "not a yes/no value (expected Y/N, yes/no, true/false, 1/0, return/one way)")
    return values


def _count(cols: SourceColumns, rej: Rejections, live: np.ndarray, name: str,
           default: float, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """(values with ``default`` for missing, missing mask); rejects bad and negative."""
    series = cols.get(name)
    if series is None:
        return np.full(cols.n, default), np.ones(cols.n, dtype=bool)
    parsed = parse_numbers(series, decimal)
    rej.add(live & parsed.bad, cols.label(name), series, f"{name} is not a number")
    negative = live & (parsed.values < 0)
    rej.add(negative, cols.label(name), series, f"negative {name}")
    return np.where(parsed.missing, default, parsed.values), parsed.missing


def _cost(cols: SourceColumns, rej: Rejections, live: np.ndarray, decimal: str) -> np.ndarray:
    series = cols.get("cost")
    if series is None:
        return np.full(cols.n, np.nan)
    parsed = parse_numbers(series, decimal)
    rej.add(live & parsed.bad, cols.label("cost"), series, "cost is not a number")
    return parsed.values


def _km_per_unit(text: str) -> tuple[float, str]:
    """(km per unit, problem) for a unit text; problem is "" when fine."""
    unit = unit_text(text)
    if unit is None:
        return np.nan, f"ambiguous distance unit {text!r}"
    try:
        parsed = parse_unit(unit)
    except Exception:
        return np.nan, f"unknown distance unit {text!r}"
    quantity = Q_(1.0, parsed)
    if not quantity.check("[length]"):
        return np.nan, f"{text!r} is not a length unit"
    return float(quantity.m_as("km")), ""


def _distances(cols: SourceColumns, rej: Rejections, live: np.ndarray, decimal: str,
               source: str) -> tuple[np.ndarray, np.ndarray]:
    """(km, missing): distance (+ unit) -> km; rejects bad, negative, unit-less distances."""
    series = cols.get("distance")
    if series is None:
        return np.full(cols.n, np.nan), np.ones(cols.n, dtype=bool)
    parsed = parse_numbers(series, decimal)
    label = cols.label("distance")
    rej.add(live & parsed.bad, label, series, "distance is not a number")
    rej.add(live & (parsed.values < 0), label, series, "negative distance")
    present = live & ~parsed.missing & ~parsed.bad
    fallback = cols.plan.units.get("distance", "")
    if not cols.has("distance_unit") and not fallback and present.any():
        raise InputFormatError(
            f"{source}: column {label!r} has distances but no unit: add a distance_unit column, "
            "or pass units={'distance': 'km'} (or 'mi', ...); sem-carbon does not guess units"
        )
    unit_col = cols.text("distance_unit")
    unit = unit_col.where(unit_col != "", fallback)
    factor, problem = spread(unit.where(unit != "", None), _km_per_unit, 2)
    factor = np.where((problem == "") & (factor != ""), factor, np.nan).astype(float)
    no_unit = present & (unit == "").to_numpy()
    rej.add(no_unit, cols.label("distance_unit"), "", "distance without a unit")
    unit_bad = present & ~no_unit & (problem != "")
    rej.add(unit_bad, cols.label("distance_unit"), unit, problem)
    km = np.where(present & ~unit_bad & ~no_unit, parsed.values * factor, np.nan)
    return km, parsed.missing


def _rail_kinds(cols: SourceColumns, rej: Rejections, rows: np.ndarray,
                implied: np.ndarray) -> np.ndarray:
    """Rail kind per row ("" off rail rows): the column, else the mode's, else national."""
    out = np.full(cols.n, "", dtype=object)
    idx = np.flatnonzero(rows)
    if not idx.size:
        return out
    text = cols.text("rail_kind").iloc[idx].to_numpy(dtype=object)
    given = text != ""
    kinds = np.where(implied[idx] != "", implied[idx], "national").astype(object)
    if given.any():
        named = normalise_rail_kind(text[given])
        unknown = np.zeros(cols.n, dtype=bool)
        unknown[idx[given]] = named == ""
        rej.add(unknown, cols.label("rail_kind"), cols.text("rail_kind"),
                "unknown rail kind (expected national, international, light rail/tram or "
                "underground)")
        kinds[given] = named
    out[idx] = kinds
    return out


def _vehicles(cols: SourceColumns, rej: Rejections, rows: np.ndarray,
              implied: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = cols.n
    vehicle_out = np.full(n, "", dtype=object)
    fuel_out = np.full(n, "", dtype=object)
    idx = np.flatnonzero(rows)
    if not idx.size:
        return vehicle_out, fuel_out
    text = cols.text("vehicle").to_numpy(dtype=object)[idx]
    chosen = np.where(text != "", text, np.where(implied[idx] != "", implied[idx], "car"))
    fuel = cols.text("fuel").to_numpy(dtype=object)[idx]
    keys = road_keys(chosen, fuel)
    vehicle_out[idx] = keys["vehicle"]
    fuel_out[idx] = keys["fuel"]
    unknown = np.zeros(n, dtype=bool)
    unknown[idx] = keys["vehicle"] == ""
    shown = np.full(n, "", dtype=object)
    shown[idx] = chosen
    rej.add(unknown, cols.label("vehicle"), shown,
            "unknown vehicle (expected car, taxi, bus, coach or motorbike)")
    return vehicle_out, fuel_out


def _trip_keys(cols: SourceColumns, rows: np.ndarray, mode: np.ndarray, dates: np.ndarray,
               nights: np.ndarray, currency: np.ndarray) -> pd.DataFrame:
    """Key columns identifying "the same trip" for refund netting, for ``rows``."""

    def text(name: str) -> np.ndarray:
        return cols.text(name).iloc[rows].str.casefold().to_numpy(dtype=object)

    trip = cols.text("trip_id").iloc[rows].to_numpy(dtype=object)
    with_id = trip != ""
    route = cols.text("route").iloc[rows].str.casefold().str.replace(_ROUTE_SPLIT, "/",
                                                                        regex=True)
    keys = pd.DataFrame({
        "trip": trip,
        "mode": mode[rows],
        "currency": currency[rows],
        "entity": text("entity"),
        "traveller": text("traveller"),
        "date": pd.Series(dates[rows]).astype(str).to_numpy(dtype=object),
        "origin": text("origin"),
        "destination": text("destination"),
        "route": route.to_numpy(dtype=object),
        "nights": pd.Series(np.abs(nights[rows])).astype(str).to_numpy(dtype=object),
        "country": text("country"),
    })
    only_id = ["entity", "traveller", "date", "origin", "destination", "route", "nights",
               "country"]
    keys.loc[with_id, only_id] = ""
    return keys


def _legs(rows: np.ndarray, is_air: np.ndarray, has_route: np.ndarray, route: pd.Series,
          origin: pd.Series, destination: pd.Series, rej: Rejections,
          cols: SourceColumns) -> tuple[np.ndarray, np.ndarray, pd.Series, pd.Series]:
    """One entry per leg: (source position, leg index, origin, destination).

    Air codes are upper-cased; other modes keep their free text.
    """
    routed = rows & is_air & has_route
    s_pos = np.flatnonzero(rows & ~routed)
    air_simple = pd.Series(is_air[s_pos])
    s_origin = origin.iloc[s_pos].reset_index(drop=True)
    s_dest = destination.iloc[s_pos].reset_index(drop=True)
    if air_simple.all():
        s_origin, s_dest = s_origin.str.upper(), s_dest.str.upper()
    elif air_simple.any():
        s_origin = s_origin.where(~air_simple, s_origin.str.upper())
        s_dest = s_dest.where(~air_simple, s_dest.str.upper())
    r_pos, r_leg, r_origin, r_dest = _route_legs(np.flatnonzero(routed), route, rej, cols)
    pos = np.concatenate([s_pos, r_pos]).astype(np.int64)
    leg = np.concatenate([np.zeros(s_pos.size, dtype=np.int64), r_leg]).astype(np.int64)
    orig = pd.concat([s_origin, text_series(r_origin)], ignore_index=True)
    dest = pd.concat([s_dest, text_series(r_dest)], ignore_index=True)
    if r_pos.size:
        order = np.lexsort((leg, pos))
        pos, leg = pos[order], leg[order]
        orig = orig.iloc[order].reset_index(drop=True)
        dest = dest.iloc[order].reset_index(drop=True)
    return pos, leg, orig, dest


def _route_legs(rows: np.ndarray, route: pd.Series, rej: Rejections, cols: SourceColumns,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Legs of the routing strings of ``rows``: (position, leg, origin, destination).

    Each *distinct* routing is split once; rows are then expanded with numpy (a log
    repeats the same few thousand routings over many rows).
    """
    empty = np.zeros(0, dtype=np.int64)
    if not rows.size:
        return empty, empty, np.zeros(0, dtype=object), np.zeros(0, dtype=object)
    codes, uniques = pd.factorize(route.iloc[rows].str.upper(), use_na_sentinel=False)
    tokens = (pd.Series(np.asarray(uniques, dtype=object))
              .str.split(_ROUTE_SPLIT, regex=True).explode())
    tokens = tokens[tokens.notna() & (tokens != "")]
    t_route = tokens.index.to_numpy()
    t_code = tokens.to_numpy(dtype=object)
    per_route = np.bincount(t_route, minlength=len(uniques))
    short = rows[per_route[codes] < 2]
    rej.add_positions(short, cols.label("route"), route.iloc[short],
                      "a route needs at least two airports")
    # legs of each distinct routing: token i -> token i + 1 within the routing
    is_leg = np.r_[t_route[1:] == t_route[:-1], False]
    leg_route = t_route[is_leg]
    leg_origin, leg_dest = t_code[is_leg], t_code[1:][is_leg[:-1]]
    legs_per_route = np.bincount(leg_route, minlength=len(uniques))
    first_leg = np.r_[0, np.cumsum(legs_per_route)[:-1]]
    # expand the rows: row r with routing u gets legs first_leg[u] ... + legs_per_route[u]
    count = legs_per_route[codes]
    pos = np.repeat(rows, count)
    start = np.repeat(np.cumsum(count) - count, count)
    leg = np.arange(pos.size) - start
    flat = np.repeat(first_leg[codes], count) + leg
    return pos, leg, leg_origin[flat], leg_dest[flat]


def _check_airports(pos: np.ndarray, origin: pd.Series, destination: pd.Series,
                    dates: np.ndarray, has_route: np.ndarray, rej: Rejections,
                    cols: SourceColumns) -> None:
    """Reject source rows with an unknown airport or a leg from an airport to itself.

    Codes are resolved once per distinct (code, travel day) pair: the day decides
    reassigned codes (see :func:`sem_carbon.geo.airports.resolve_iata`).
    """
    if not pos.size:
        return
    codes = pd.concat([origin, destination], ignore_index=True)
    code_idx, code_uniques = pd.factorize(codes, use_na_sentinel=False)
    days = np.concatenate([dates[pos], dates[pos]]).astype("datetime64[D]")
    day_int = np.where(np.isnat(days), -1, days.astype(np.int64))
    day_idx, day_uniques = pd.factorize(day_int)
    pair_idx, pair_uniques = pd.factorize(
        code_idx.astype(np.int64) * (len(day_uniques) + 1) + day_idx)
    pair_code = np.asarray(code_uniques, dtype=object)[pair_uniques // (len(day_uniques) + 1)]
    pair_day = day_uniques[pair_uniques % (len(day_uniques) + 1)]
    pair_dates = np.where(pair_day < 0, np.datetime64("NaT", "D"),
                          pair_day.astype("datetime64[D]"))
    found = np.asarray(resolve_iata(pair_code, dates=pair_dates).found, dtype=bool)[pair_idx]
    code_text = np.asarray(code_uniques, dtype=object)[code_idx]
    where = np.concatenate([pos, pos])
    bad = ~found & (code_text != "")  # empty endpoints are reported as missing elsewhere
    if bad.any():
        routed = has_route[where[bad]]
        which = np.concatenate([np.full(pos.size, "origin", dtype=object),
                                np.full(pos.size, "destination", dtype=object)])[bad]
        labels = np.where(routed, cols.label("route"),
                          np.where(which == "origin", cols.label("origin"),
                                   cols.label("destination")))
        found_frame = pd.DataFrame({"pos": where[bad], "column": labels,
                                    "code": code_text[bad]})
        found_frame = found_frame.drop_duplicates().sort_values("pos", kind="stable")
        rej.add_positions(found_frame["pos"].to_numpy(), found_frame["column"].to_numpy(),
                          found_frame["code"].to_numpy(dtype=object), "unknown airport code")
    same = ((origin == destination) & (origin != "")).to_numpy()
    if same.any():
        rows = pd.DataFrame({"pos": pos[same],
                             "code": origin[same].to_numpy(dtype=object)}).drop_duplicates()
        labels = np.where(has_route[rows["pos"].to_numpy()], cols.label("route"),
                          cols.label("destination"))
        rej.add_positions(rows["pos"].to_numpy(), labels, rows["code"].to_numpy(dtype=object),
                          "a flight leg from an airport to itself")
