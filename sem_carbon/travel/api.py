"""Scalar travel calculators: one trip in, one :class:`~sem_carbon.Emission` out.

They call the same numpy kernels as :func:`sem_carbon.calculate` (with length-1 or
length-n arrays), so a trip computed alone and inside a table give identical numbers.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import pint

from ..emission import Emission
from ..errors import InvalidActivityError, UnknownCountryError, UnknownFactorError
from ..factors import Factor, FactorSet
from ..factors.catalogue import edition_with, resolve_edition
from ..factors.lookup import factor_columns, lookup_rows
from ..geo.airports import resolve_iata, resolve_undated
from ..geo.countries import normalise_country, suggest
from ..geo.distance import haversine_km
from ..limits import (
    MAX_LEG_KM,
    MAX_NIGHTS,
    MAX_PASSENGERS,
    MAX_ROOMS,
    limit_reason,
    zero_reason,
)
from ..notes import join_notes
from ..units import Q_, as_quantity, quantity, ureg
from ..vocabulary import normalise_one, yes_no_argument
from .air import HAUL_RULES, HAULS, compute_air
from .cabins import CABINS, cabin_codes
from .rows import hotel_columns, lookup_columns, split_rows
from .surface import ROAD_VEHICLES, fuel_checks, hotel_rows, road_keys

__all__ = ["flight", "great_circle", "hotel", "rail", "road"]

_KM = ureg.Unit("km")
_KGCO2E = ureg.Unit("kgCO2e")


def great_circle(orig: str, dest: str, date: Any = None) -> pint.Quantity:
    """Great-circle distance between two airports.

    Parameters
    ----------
    orig, dest : str
        IATA codes (retired, reassigned and metropolitan codes resolve; see
        :mod:`sem_carbon.geo.aliases`).
    date : date-like, optional
        Travel date, which decides reassigned codes.

    Returns
    -------
    pint.Quantity [km]
        Haversine distance on a sphere of the IUGG mean Earth radius (6,371.0088 km),
        within 0.5% of the WGS84 geodesic.
    """
    lat, lon, _ = _airports([orig, dest], date)
    return Q_(float(haversine_km(lat[0], lon[0], lat[1], lon[1])), _KM)


def _airports(codes: Sequence[str], day: np.datetime64 | None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if day is None or not _date_matters(tuple(codes)):  # the usual call: a few look-ups
        known = resolve_undated(codes)
        if known is not None:
            return known
    dates = None if day is None else np.full(len(codes), day, dtype="datetime64[D]")
    lat, lon, country, _ = resolve_iata(np.asarray(codes, dtype=object), dates=dates,
                                        errors="raise")
    return lat, lon, country


@lru_cache(maxsize=4096)
def _date_matters(codes: tuple[str, ...]) -> bool:
    """Whether a travel date can change what one of these airport codes means (a code
    reassigned or retired on a date); for the others a date changes nothing."""
    from ..geo.airports import _dated_codes, _normalise_code

    dated = _dated_codes()
    return any(_normalise_code(c) in dated for c in codes)


def _coordinate_notes(codes: tuple[str, ...], day: np.datetime64 | None) -> list[str]:
    """What the airport-coordinate guard says about the stops (distinct, in stop order)."""
    return list(dict.fromkeys(n for n in _coordinate_notes_each(codes, day) if n))


def _leg_notes(notes: np.ndarray, codes: tuple[str, ...], day: np.datetime64 | None
               ) -> np.ndarray:
    """Each leg's notes followed by the coordinate notes of its two airports, as the table
    path joins them (``_AirRows._add`` in :mod:`sem_carbon.travel.batch`)."""
    from ..notes import SEPARATOR

    ends = _coordinate_notes_each(codes, day)
    out = np.empty(len(notes), dtype=object)
    for i, note in enumerate(notes.tolist()):
        parts = (str(note), ends[i], ends[i + 1])
        out[i] = SEPARATOR.join(dict.fromkeys(p for p in parts if p))
    return out


def _coordinate_notes_each(codes: tuple[str, ...], day: np.datetime64 | None
                           ) -> tuple[str, ...]:
    """The coordinate note of each stop (``""`` for none)."""
    return tuple(_coordinate_note(code, day) for code in codes)


def _coordinate_note(code: str, day: np.datetime64 | None) -> str:
    """The coordinate note of one airport code (on a day): what
    :func:`~sem_carbon.geo.guard.coordinate_notes` says of it, without a table (cached
    per code as given, day and state of the registered locations)."""
    from ..geo.airports import registrations

    return _coordinate_note_of(code, day, registrations())


@lru_cache(maxsize=8192)
def _coordinate_note_of(code: str, day: np.datetime64 | None, _registrations: int) -> str:
    from ..geo.airports import _normalise_code
    from ..geo.guard import code_note

    return code_note(_normalise_code(code), day)


def _cached_date(value: Any) -> tuple[np.datetime64 | None, int | None]:
    try:
        return _parse_date(value)
    except TypeError:  # unhashable (e.g. a one-element array): parse without the cache
        return _parse_date.__wrapped__(value)


#: ``YYYY-MM-DD`` (ASCII digits), read by :func:`datetime.date.fromisoformat` as the readers
#: read it (pyarrow's ``date32`` cast of the same form).
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


@lru_cache(maxsize=4096)
def _parse_date(value: Any) -> tuple[np.datetime64 | None, int | None]:
    """(day, year) of one travel date, read exactly as the readers read a date cell.

    Text is read **day first** (``05/03/2019`` is 5 March), as in
    :func:`sem_carbon.io.parse.parse_dates`; a bare year gives no day. Impossible or
    implausible dates raise.
    """
    if isinstance(value, str) and _ISO_DAY.match(value):  # the usual form: no pandas
        from ..limits import YEAR_RANGE  # (the io package would import pandas)

        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            day = None  # not a calendar date: the general path names the problem
        if day is not None and YEAR_RANGE[0] <= day.year <= YEAR_RANGE[1]:
            return np.datetime64(value, "D"), day.year
    import pandas as pd

    from ..io.parse import parse_dates

    parsed = parse_dates(pd.Series([value], dtype=object))
    if parsed.bad[0]:
        raise InvalidActivityError(f"date {value!r}: {parsed.reason[0]}")
    if parsed.missing[0]:
        return None, None
    day = parsed.dates[0]
    if np.isnat(day):
        return None, int(parsed.year[0])
    day = np.datetime64(day, "D")
    return day, int(day.astype("datetime64[Y]").astype(int) + 1970)


def _activity_year(year: int | None, date: Any) -> tuple[np.datetime64 | None, int | None]:
    """The travel day (or None) and the activity year that chooses the edition.

    ``year`` and ``date`` must agree when both are given.
    """
    if date is None:
        return None, year
    day, date_year = _cached_date(date)
    if year is not None and date_year is not None and int(year) != date_year:
        raise InvalidActivityError(f"year={year} and date={date!r} disagree")
    return day, date_year if year is None else int(year)


def _count(value: Any, unit: str, name: str, limit: float | None = None) -> float:
    """A positive count (passengers, nights, rooms) given as a number or Quantity.

    0 is refused as the readers and ``calculate`` reject it (:func:`~sem_carbon.limits.
    zero_reason`): a trip with no traveller, night or room is no trip, and its 0 kg would
    vanish into a total without a word.
    """
    if isinstance(value, pint.Quantity):
        value = as_quantity(value, f"[{unit}]", name).m_as(unit)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidActivityError(f"{name} must be a number, got {value!r}") from None
    if number == 0:
        raise InvalidActivityError(zero_reason(name))
    if not np.isfinite(number) or number < 0:
        raise InvalidActivityError(f"{name} must be a finite number > 0, got {value!r}")
    if limit is not None and number > limit:
        raise InvalidActivityError(limit_reason(name, limit))
    return number


def _flag(value: Any, name: str, kind: str = "boolean") -> bool:
    """A yes/no argument (:func:`~sem_carbon.vocabulary.yes_no_argument`): ``"no"`` is
    False, never ``bool("no")``; an unreadable value raises InvalidActivityError."""
    return yes_no_argument(value, name, kind, InvalidActivityError)


def _cached_factor(fs: FactorSet, category: str, **keys: str) -> Factor:
    return fs.derived(("factor", category, tuple(sorted(keys.items()))),
                      lambda: fs.get(category, **keys))


def flight(
    orig: str,
    dest: str,
    cabin: str = "economy",
    round_trip: bool = False,
    passengers: int | pint.Quantity = 1,
    radiative_forcing: bool = True,
    via: Sequence[str] | None = (),
    factors: str | FactorSet | None = None,
    haul: str = "distance",
    year: int | None = None,
    date: Any = None,
    co2_only: bool = False,
    method: str = "desnz",
) -> Emission:
    """Emissions of a flight (one way or return, direct or via stops).

    Parameters
    ----------
    orig, dest : str
        IATA airport codes (case-insensitive).
    cabin : str, default "economy"
        "economy", "premium economy", "business", "first", or "average"/"unknown"
        (case- and space-insensitive; booking codes Y, W, J, F accepted).
    round_trip : bool, default False
        Count the same route back (emissions x 2). Yes/no words are read as the readers
        read them (``"no"`` is False); anything else raises.
    passengers : int or Quantity [passenger], default 1
        More than 0 (0 raises InvalidActivityError: a leg with no traveller).
    radiative_forcing : bool, default True
        Use the DESNZ "with RF" factors (non-CO2 effects, applied to the CO2 component
        only). The RF share is always reported on its own in ``radiative_forcing``.
    via : str or sequence of str, optional
        Intermediate stop(s); each leg is banded and computed on its own.
    factors : str or FactorSet, optional
        Edition; default: the DESNZ edition of ``year``, else the newest.
    haul : {"distance", "desnz", "smooth"}, default "distance"
        Haul-band rule, see :mod:`sem_carbon.travel.air`.
    year : int, optional
        Activity year, choosing the year-matched edition when ``factors`` is None.
    date : date-like, optional
        Travel date: decides which airport a reassigned code means and, when ``year`` is
        not given, the year-matched edition (as :func:`sem_carbon.calculate` does). Text
        is read day first, as the readers read it (``05/03/2019`` is 5 March 2019).
    co2_only : bool, default False
        ICAO-like boundary, as the UN inventory (Greening the Blue) reports air travel:
        CO2 only, no radiative forcing, no CH4/N2O. Computed from the CO2 component of the
        DESNZ factor (not ICAO's fuel-burn model, whose data are not open) and named so
        in ``method``.
    method : {"desnz", "icao", "fuel"}, default "desnz"
        ``"icao"``: the open implementation of the ICAO calculator method (CO2 only, as
        the UN inventory counts air travel); ``"fuel"``: open fuel-burn models (CO2
        only). See :mod:`sem_carbon.travel.icao`; ``radiative_forcing``, ``haul`` and
        ``co2_only`` apply to ``"desnz"`` only.

    Returns
    -------
    Emission
        ``co2e`` [kgCO2e]; ``activity`` holds the legs with their distance and band.

    References
    ----------
    .. [1] BEIS (2019), GHG conversion factors methodology paper, section 8 (air).
    """
    if method not in ("desnz", "icao", "fuel"):
        raise InvalidActivityError(f"method must be one of desnz, icao, fuel, got {method!r}")
    if haul not in HAUL_RULES:
        raise InvalidActivityError(f"haul must be one of {', '.join(HAUL_RULES)}, got {haul!r}")
    round_trip = _flag(round_trip, "round_trip", "journey")
    radiative_forcing = _flag(radiative_forcing, "radiative_forcing")
    co2_only = _flag(co2_only, "co2_only")
    day, year = _activity_year(year, date)
    fs, edition_note = resolve_edition(factors, year)
    if isinstance(via, str):  # one stop: not its letters (via="LHR" is not L, H, R)
        via = [via]
    stops = [orig, *(via or ()), dest]
    names = [str(stop).strip().upper() for stop in stops]
    for here, there in pairwise(names):
        if here == there:  # a 0 km leg, as the readers and calculate reject it
            raise InvalidActivityError(f"a flight leg from an airport to itself: {here} to "
                                       f"{there}")
    lat, lon, country = _airports(stops, day)
    legs_km = haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
    code, known, reason, cabin_note = cabin_codes(cabin if isinstance(cabin, str) else [cabin])
    if not known[0]:
        raise InvalidActivityError(f"cabin {cabin!r}: {reason[0]} (the accepted words are in "
                                   "sem_carbon/vocabulary/data/cabins.csv)")
    n_pax = _count(passengers, "passenger", "passengers", MAX_PASSENGERS)
    computed = compute_air(fs, legs_km, np.repeat(code, len(legs_km)),
                           radiative_forcing=bool(radiative_forcing),
                           multiplier=n_pax * (2.0 if round_trip else 1.0), haul_rule=haul,
                           origin_country=country[:-1], destination_country=country[1:],
                           co2_only=co2_only, edition_note=edition_note, method=method)
    out = computed.figures
    main = int(np.argmax(legs_km)) if len(legs_km) > 1 else 0
    factor = computed.factor(main) if method != "desnz" else _cached_factor(
        computed.factors, "air", haul=HAULS[out["haul"][main]],
        cabin=CABINS[out["cabin_used"][main]],
        radiative_forcing="true" if computed.radiative_forcing else "false",
    )
    codes = [str(s).strip().upper() for s in stops]
    leg_co2e = out["co2e"].tolist()
    hauls = [HAULS[h] for h in out["haul"].tolist()]
    used = [CABINS[c] for c in out["cabin_used"].tolist()]
    legs = [
        {"from": codes[i], "to": codes[i + 1], "km": round(km, 3), "haul": hauls[i],
         "cabin_used": used[i], "kgco2e": leg_co2e[i]}
        for i, km in enumerate(legs_km.tolist())
    ]
    if day is not None and not _date_matters(tuple(codes)):
        day = None  # the same airports on any day: the undated (cached) notes apply
    notes = [*computed.notes(), *_coordinate_notes(tuple(codes), day)]
    columns = computed.columns(legs_km, plain=True)
    if cabin_note[0]:  # the cabin word was read by choice (n/a -> average): said first
        import pandas as pd

        notes.insert(0, str(cabin_note[0]))
        columns["notes"] = np.asarray(
            join_notes(str(cabin_note[0]), pd.Series(columns["notes"])), dtype=object)
    if len(notes) > len(computed.notes()):  # a corrected or unverified airport position
        columns["notes"] = _leg_notes(columns["notes"], tuple(codes), day)
    # the legs' gases summed per gas (one reduction over a (4, legs) array; one leg: its own)
    gases = [out[gas] for gas in ("co2", "ch4", "n2o", "rf")]
    co2, ch4, n2o, rf = ([float(g[0]) for g in gases] if len(legs) == 1
                         else np.stack(gases).sum(axis=1).tolist())
    activity: dict[str, Any] = {
        "origin": codes[0], "destination": codes[-1], "via": codes[1:-1],
        "cabin": CABINS[code[0]], "round_trip": bool(round_trip), "passengers": n_pax,
        "distance": quantity(sum(leg["km"] for leg in legs) if len(legs) > 1
                             else float(legs_km[0]), _KM),
        "haul": hauls[0] if len(legs) == 1 else "/".join(hauls),
        "haul_rule": computed.haul_rule,
        "radiative_forcing": computed.radiative_forcing,
        "rf_multiplier": computed.rf_multiplier,
        "legs": legs,
    }
    return Emission(
        co2e=quantity(co2 + ch4 + n2o + rf, _KGCO2E),
        scope=3,
        category="air",
        activity=activity,
        factor=factor,
        method=computed.method,
        gases={"co2": quantity(co2, _KGCO2E), "ch4": quantity(ch4, _KGCO2E),
               "n2o": quantity(n2o, _KGCO2E)},
        radiative_forcing=quantity(rf, _KGCO2E),
        notes=tuple(notes),
        rows=split_rows(columns, len(legs)),
    )


def _distance_km(distance: Any) -> float:
    km = float(as_quantity(distance, "[length]", "distance").m_as("km"))
    if not np.isfinite(km) or km < 0:
        raise InvalidActivityError(f"distance must be finite and >= 0, got {distance!r}")
    if km > MAX_LEG_KM:
        raise InvalidActivityError(limit_reason("distance", MAX_LEG_KM, "km"))
    return km


def _row_factor(fs: FactorSet, category: str, row: int) -> Factor:
    frame = fs.table(category)
    keys = {k: frame[k].iloc[row] for k in fs.key_columns(category)}
    return _cached_factor(fs, category, **{k: v for k, v in keys.items() if v != ""})


def _surface_emission(fs: FactorSet, category: str, keys: dict[str, Any], quantity: float,
                      activity: dict[str, Any], method: str, notes: list[str],
                      key_text: str = "", unit: str = "kgCO2e / passenger / km",
                      distance_km: float = np.nan) -> Emission:
    row = int(lookup_rows(fs, category, keys)[0])
    if row < 0:
        shown = ", ".join(f"{k}={np.asarray(v).reshape(-1)[0]}" for k, v in keys.items())
        raise UnknownFactorError(f"{fs.id} has no '{category}' factor for {shown}")
    cols = factor_columns(fs, category)
    gases = {g: Q_(float(getattr(cols, g)[row] * quantity), _KGCO2E)
             for g in ("co2", "ch4", "n2o") if np.isfinite(getattr(cols, g)[row])}
    columns = lookup_columns(fs, category, np.array([row]), np.array([quantity]),
                             np.array([key_text], dtype=object), unit, method, "; ".join(notes),
                             np.array([distance_km]))
    return Emission(
        co2e=Q_(float(cols.value[row] * quantity), _KGCO2E),
        scope=3,
        category=category,
        activity=activity,
        factor=_row_factor(fs, category, row),
        method=method,
        gases=gases,
        radiative_forcing=Q_(0.0, _KGCO2E),
        notes=tuple(notes),
        rows=split_rows(columns, 1),
    )


def rail(distance: pint.Quantity, kind: str = "national", passengers: int = 1,
         factors: str | FactorSet | None = None, year: int | None = None,
         round_trip: bool = False) -> Emission:
    """Emissions of a rail journey.

    Parameters
    ----------
    distance : Quantity [length]
        Distance travelled (one way), e.g. ``sc.Q_(290, "km")``.
    kind : str, default "national"
        "national", "international", "light rail"/"tram", "underground"/"metro".
    passengers : int, default 1
        More than 0 (0 raises InvalidActivityError: a journey with no traveller).
    factors, year
        As for :func:`flight`.
    round_trip : bool, default False
        ``distance`` is one way; count it back too (x 2).

    Returns
    -------
    Emission
        ``co2e`` = factor [kgCO2e / passenger-km] x distance x passengers (x 2 if return).
    """
    fs, note = resolve_edition(factors, year)
    fs, served = edition_with(fs, "rail")  # no rail factors before 2017: the nearest edition
    note = "; ".join(n for n in (note, served) if n)
    km = _distance_km(distance)
    pax = _count(passengers, "passenger", "passengers", MAX_PASSENGERS)
    round_trip = _flag(round_trip, "round_trip", "journey")
    trips = 2.0 if round_trip else 1.0
    key, reason, _ = normalise_one("rail_kind", kind)
    if not key:
        raise InvalidActivityError(f"rail kind {kind!r}: {reason or 'missing'} (the accepted "
                                   "words are in sem_carbon/vocabulary/data/rail_kinds.csv)")
    return _surface_emission(
        fs, "rail", {"kind": key}, km * pax * trips,
        {"kind": key, "distance": Q_(km, _KM), "passengers": pax, "round_trip": bool(round_trip)},
        f"DESNZ passenger-km factor ({fs.id})", [note] if note else [], key_text=key,
        distance_km=km)


def road(distance: pint.Quantity, vehicle: str = "car", fuel: str | None = None,
         size: str | None = None, passengers: int = 1,
         factors: str | FactorSet | None = None, year: int | None = None,
         round_trip: bool = False) -> Emission:
    """Emissions of a road journey by car, taxi, bus, coach or motorbike.

    Parameters
    ----------
    distance : Quantity [length]
    vehicle : str, default "car"
        "car", "taxi", "bus", "coach", "motorbike".
    fuel : str, optional
        For cars: "petrol", "diesel", "hybrid", "plug-in hybrid", "electric", "lpg",
        "cng"; default unknown fuel (DESNZ average car).
    size : str, optional
        Car/motorbike size ("small", "medium", "large"; default average), taxi type
        ("regular", "black cab"), bus type ("local not london", "local london").
    passengers : int, default 1
        Multiplies per-passenger factors (taxi, bus, coach). Car and motorbike factors
        are per vehicle-km: several colleagues in one car emit once. More than 0 (0
        raises InvalidActivityError: a journey with no traveller).
    factors, year
        As for :func:`flight`.
    round_trip : bool, default False
        ``distance`` is one way; count it back too (x 2).
    """
    fs, note = resolve_edition(factors, year)
    km = _distance_km(distance)
    pax = _count(passengers, "passenger", "passengers", MAX_PASSENGERS)
    round_trip = _flag(round_trip, "round_trip", "journey")
    keys = road_keys([vehicle], [fuel] if fuel is not None else None,
                     [size] if size is not None else None)
    if not keys["vehicle"][0]:
        raise InvalidActivityError(
            f"unknown vehicle {vehicle!r}; use one of {', '.join(ROAD_VEHICLES)}")
    fuel_reason, fuel_note = fuel_checks(keys["vehicle"], [fuel if fuel is not None else ""])
    if fuel_reason[0]:  # hydrogen, full hybrid: no car fuel of the tables
        raise InvalidActivityError(f"fuel {fuel!r}: {fuel_reason[0]}")
    fs, served = edition_with(  # an edition without this vehicle: the nearest that has it
        fs, "road", vehicle=str(keys["vehicle"][0]),
        what="road factors" if "road" not in fs.categories
        else f"road factors for {keys['vehicle'][0]}")
    per_passenger = keys["basis"][0] == "passenger_km"
    notes = [n for n in (note, served) if n]
    if not per_passenger and pax != 1:
        notes.append(f"{keys['vehicle'][0]} factors are per vehicle-km: passengers not multiplied")
    if fuel_note[0]:  # a fuel on a taxi, bus, coach or motorbike: not used
        notes.append(str(fuel_note[0]))
    activity = {k: str(v[0]) for k, v in keys.items() if str(v[0])}
    activity.update({"distance": Q_(km, _KM), "passengers": pax,
                     "round_trip": bool(round_trip)})
    return _surface_emission(
        fs, "road", keys, km * (pax if per_passenger else 1.0) * (2.0 if round_trip else 1.0),
        activity,
        f"DESNZ {'passenger' if per_passenger else 'vehicle'}-km factor ({fs.id})", notes,
        key_text="/".join(str(keys[k][0]) for k in ("vehicle", "size", "fuel")),
        unit="kgCO2e / passenger / km" if per_passenger else "kgCO2e / km", distance_km=km)


def hotel(nights: int | pint.Quantity, country: str, factors: str | FactorSet | None = None,
          year: int | None = None, rooms: int = 1) -> Emission:
    """Emissions of hotel nights in a country.

    Parameters
    ----------
    nights : int or Quantity [room_night]
        Nights per room, more than 0 (0 raises InvalidActivityError).
    country : str
        ISO alpha-2 or alpha-3 code or English name ("CH", "CHE", "Switzerland").
    factors, year
        As for :func:`flight`.
    rooms : int, default 1
        More than 0 (0 raises InvalidActivityError).

    Notes
    -----
    A country the edition does not publish falls back to the nearest DESNZ edition that
    does, then to the median of the edition's countries; the result names the fallback
    in ``notes`` (see :func:`sem_carbon.travel.surface.hotel_rows`).
    """
    fs, note = resolve_edition(factors, year)
    fs, served = edition_with(fs, "hotel")  # hotels are published from 2019 on
    note = "; ".join(n for n in (note, served) if n)
    n = (_count(nights, "room_night", "nights", MAX_NIGHTS)
         * _count(rooms, "dimensionless", "rooms", MAX_ROOMS))
    code, known = normalise_country([country])
    if not known[0]:
        raise UnknownCountryError(f"unknown country {country!r}{suggest(country)}")
    value, edition, fallback = hotel_rows(fs, code)
    notes = [x for x in (note, str(fallback[0])) if x]
    source = fs if edition[0] == fs.id else resolve_edition(str(edition[0]))[0]
    try:
        factor = _cached_factor(source, "hotel", country=str(code[0]))
    except UnknownFactorError:  # no edition publishes it: the median stands in
        factor = Factor(edition=fs.id, category="hotel", keys={"country": str(code[0])},
                        value=Q_(float(value[0]), "kgCO2e / room_night"),
                        label="median of the edition's published countries",
                        source_table="Hotel stay (derived)", source=fs.source,
                        notes=str(fallback[0]))
    return Emission(
        co2e=Q_(float(value[0] * n), _KGCO2E),
        scope=3,
        category="hotel",
        activity={"country": str(code[0]), "nights": n},
        factor=factor,
        method=f"DESNZ hotel stay per room-night ({fs.id})",
        radiative_forcing=Q_(0.0, _KGCO2E),
        notes=tuple(notes),
        rows=split_rows(hotel_columns(value, edition, code, np.array([n]),
                                      f"DESNZ hotel stay per room-night ({fs.id})",
                                      "; ".join(notes)), 1),
    )
