"""IATA airport codes to coordinates and country, vectorised.

Airport data come from the ``airportsdata`` package (``airportsdata.load("IATA")``, or its
compact copy shipped for the installed release, :mod:`sem_carbon.geo.airport_table`), loaded
on first use and kept for the process (``import sem_carbon`` loads nothing); on that load the
positions of the ~3,200 airports of the reference table (every airport with scheduled airline
service) are checked against it and corrected where ``airportsdata`` is more than 2 km off
(:mod:`sem_carbon.geo.guard`). Codes that
``airportsdata`` no longer lists or that changed meaning are handled by the alias table of
:mod:`sem_carbon.geo.aliases` (retired, reassigned and metropolitan codes); users can add
their own locations with :func:`register_location`.

Resolution order for one code (and an optional travel date):

1. a location registered with :func:`register_location`;
2. an alias whose validity contains the date, or whose validity is open (metro codes);
3. ``airportsdata``;
4. for a code ``airportsdata`` does not list, its alias row whatever the date.

Examples
--------
>>> lat, lon, country, found = resolve_iata(["gva ", "JFK", "XXX"])
>>> country.tolist(), found.tolist()
(['CH', 'US', ''], [True, True, False])
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import numpy as np

from ..errors import (
    InputFormatError,
    InvalidActivityError,
    InvalidArgumentError,
    UnknownAirportError,
)
from .aliases import AirportAlias, airport_aliases
from .countries import close_matches, normalise_country
from .guard import CoordinateCheck, check_one, check_positions, coarse_source
from .reference import reference_airports, reference_rows

__all__ = [
    "AirportInfo",
    "Resolved",
    "airport_info",
    "clear_registered_locations",
    "register_location",
    "registered_locations",
    "resolve_iata",
    "unknown_code_reasons",
    "unregister_location",
]

_FAR_FUTURE = np.datetime64("9999-12-31", "D")


class _Location(NamedTuple):
    lat: float
    lon: float
    country: str
    name: str
    source: str


class Resolved(NamedTuple):
    """Result of :func:`resolve_iata` (unpacks as ``lat, lon, country, found``).

    Attributes
    ----------
    lat, lon : numpy.ndarray of float
        Latitude and longitude [degrees, WGS84]; NaN where not found.
    country : numpy.ndarray of str (``<U2``)
        ISO 3166-1 alpha-2 country; ``""`` where not found.
    found : numpy.ndarray of bool
        True where the code was resolved.
    """

    lat: np.ndarray
    lon: np.ndarray
    country: np.ndarray
    found: np.ndarray


class AirportInfo(NamedTuple):
    """One resolved code, with the airport's name and where the location came from.

    Attributes
    ----------
    code : str
        The normalised code (upper case, stripped).
    lat, lon : float
        [degrees, WGS84].
    country : str
        ISO 3166-1 alpha-2.
    name : str
        Airport (or representative airport) name.
    source : str
        ``"airportsdata"``, ``"registered"``, ``"alias <kind>: <code> -> <target>"``, or,
        where the coordinate guard replaced ``airportsdata``'s position,
        ``"reference: OurAirports position; airportsdata <version> is <km> km off (<cause>)"``
        (``"airportsdata <version>; position given to 0.1 degree only ..."`` for an airport
        outside the reference whose position is coarse; see :mod:`sem_carbon.geo.guard`).
    """

    code: str
    lat: float
    lon: float
    country: str
    name: str
    source: str


#: Locations added with :func:`register_location` (code -> location).
_REGISTERED: dict[str, _Location] = {}


# --------------------------------------------------------------------------------------------
# Lazily loaded tables


class _Locations(Mapping[str, _Location]):
    """The guarded table keyed by IATA code; each location is built on its first look-up
    (a process looks up a few of the ~8,000 codes: building them all cost more than the
    rest of a first flight's airport work)."""

    __slots__ = ("_built", "_country", "_lat", "_lon", "_name", "_row")

    def __init__(self, codes: Sequence[str], lat: np.ndarray, lon: np.ndarray,
                 country: Sequence[str], name: Sequence[str]) -> None:
        self._row = dict(zip(codes, range(len(codes)), strict=True))
        self._lat, self._lon = lat.tolist(), lon.tolist()
        self._country, self._name = country, name
        self._built: dict[str, _Location] = {}

    def __getitem__(self, code: str) -> _Location:
        loc = self._built.get(code)
        if loc is None:
            i = self._row[code]
            loc = self._built[code] = _Location(self._lat[i], self._lon[i], self._country[i],
                                                self._name[i], "airportsdata")
        return loc

    def __setitem__(self, code: str, loc: _Location) -> None:
        """Replace the location of a listed code (the guard's corrections)."""
        if code not in self._row:
            raise KeyError(code)
        self._built[code] = loc

    def get(self, code: str, default: Any = None) -> Any:
        loc = self._built.get(code)  # the usual call: a code looked up before
        if loc is not None:
            return loc
        return self[code] if code in self._row else default

    def __contains__(self, code: object) -> bool:
        return code in self._row

    def __iter__(self) -> Iterator[str]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)


@lru_cache(maxsize=1)
def _airports() -> Mapping[str, _Location]:
    """``airportsdata`` keyed by IATA code, guarded (loaded once, on first use)."""
    return _checked_airports()[0]


@lru_cache(maxsize=1)
def _checked_airports() -> tuple[_Locations, CoordinateCheck]:
    """``airportsdata`` keyed by IATA code with the coordinate guard applied, and its report.

    Every airport of the reference table that ``airportsdata`` places more than 2 km away
    from the reference gets the reference position (source ``"reference: ..."``); airports
    outside the reference given to 0.1 degree only are marked (see
    :mod:`sem_carbon.geo.guard`). One vectorised comparison per process.
    """
    from .airport_table import airportsdata_iata, shipped_guard

    # airportsdata.load("IATA"), or its shipped copy when it is of the installed release
    raw = airportsdata_iata()
    version, codes, lat, lon = raw.version, raw.codes, raw.lat, raw.lon
    # the guard's result stored with that copy while the guard's code and reference are
    # the ones it was found with, else the comparison itself
    shipped = shipped_guard(raw)
    if shipped is not None:
        check, positions, _GUARDED_IATA[0] = shipped
    else:
        _GUARDED_IATA[0] = None
        check = check_positions(codes, lat, lon, version)
        ref, row = reference_airports(), reference_rows()[0]
        positions = {d.code: (float(ref.lat[row[d.code]]), float(ref.lon[row[d.code]]),
                              str(ref.country[row[d.code]]), ref.name[row[d.code]])
                     for d in check.drift}
    table = _Locations(codes, lat, lon, raw.country, raw.name)
    for drift in check.drift:  # a few dozen corrections at most
        table[drift.code] = _Location(*positions[drift.code], drift.source(version))
    marked = coarse_source(version)
    for code in check.coarse:
        table[code] = table[code]._replace(source=marked)
    return table, check


#: The reference table's IATA codes as stored with the shipped guard result (None: the
#: guard ran, read them from the reference table); set by :func:`_checked_airports`.
_GUARDED_IATA: list[frozenset[str] | None] = [None]


def guarded_iata() -> Collection[str]:
    """IATA codes of the reference table (whose positions the guard checks)."""
    _checked_airports()
    stored = _GUARDED_IATA[0]
    return stored if stored is not None else reference_rows()[0]


@lru_cache(maxsize=1)
def _icao() -> dict[str, Any]:
    """``airportsdata`` keyed by ICAO code (only needed by aliases that name an ICAO code)."""
    import airportsdata

    return airportsdata.load("ICAO")


def _alias_location(alias: AirportAlias) -> _Location:
    target = alias.resolves_to
    source = f"alias {alias.kind}: {alias.code} -> {target or 'table coordinates'}"
    if len(target) == 3 and target in _airports():
        loc = _airports()[target]
        if loc.source != "airportsdata":  # corrected or coarse: say so
            source += f"; {loc.source}"
        return _Location(loc.lat, loc.lon, loc.country, alias.name or loc.name, source)
    if len(target) == 4 and target in _icao():
        rec = _icao()[target]
        lat, lon, country = float(rec["lat"]), float(rec["lon"]), rec["country"]
        found = check_one(target, rec.get("iata") or "", lat, lon)
        if found is not None:  # the ICAO record drifted: use the reference position
            drift, j = found
            ref = reference_airports()
            lat, lon, country = float(ref.lat[j]), float(ref.lon[j]), str(ref.country[j])
            source += f"; {drift.source(_checked_airports()[1].airportsdata_version)}"
        return _Location(lat, lon, country, alias.name or rec["name"], source)
    if alias.lat is not None and alias.lon is not None:
        if target:
            source += f" (table coordinates; {target} not in airportsdata)"
        return _Location(alias.lat, alias.lon, alias.country, alias.name, source)
    raise InputFormatError(
        f"alias {alias.code}: {target!r} is not in airportsdata and the row gives no coordinates"
    )


class _AliasRow:
    """One alias and its location, unpacked as ``(alias, location)``.

    The location is resolved on first use: an alias naming an ICAO code needs
    ``airportsdata``'s ICAO table, which a process that never meets that code never loads.
    ``row[0]`` (the alias) resolves nothing.
    """

    __slots__ = ("_location", "alias")

    def __init__(self, alias: AirportAlias) -> None:
        self.alias = alias
        self._location: _Location | None = None

    def location(self) -> _Location:
        if self._location is None:
            self._location = _alias_location(self.alias)
        return self._location

    def __getitem__(self, i: int) -> AirportAlias | _Location:
        return self.alias if i == 0 else self.location()

    def __iter__(self) -> Iterator[Any]:
        yield self.alias
        yield self.location()


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, tuple[_AliasRow, ...]]:
    """code -> ((alias, location), ...); locations resolved against airportsdata on use."""
    airports = _airports()
    index: dict[str, list[_AliasRow]] = {}
    for alias in airport_aliases():
        if alias.is_open and alias.code in airports:
            raise InputFormatError(
                f"alias {alias.code} has no validity dates but {alias.code} is an airport in "
                "airportsdata: it would hide that airport"
            )
        index.setdefault(alias.code, []).append(_AliasRow(alias))
    return {code: tuple(rows) for code, rows in index.items()}


@lru_cache(maxsize=1)
def _dated_codes() -> frozenset[str]:
    """Codes with at least one alias bounded in time (their meaning depends on the date)."""
    return frozenset(
        code for code, rows in _alias_index().items() if any(not r.alias.is_open for r in rows)
    )


# --------------------------------------------------------------------------------------------
# Helpers


def _normalise_code(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip().upper()


def _undated(code: str) -> _Location | None:
    """Location of a code when no date decides (steps 1, 2-open, 3, 4)."""
    if code in _REGISTERED:
        return _REGISTERED[code]
    rows = _alias_index().get(code, ())
    for alias, loc in rows:
        if alias.is_open:
            return loc
    loc = _airports().get(code)
    if loc is not None:
        return loc
    if rows:  # retired code: the row whose validity ends last
        return max(rows, key=lambda r: r[0].valid_to or _FAR_FUTURE)[1]
    return None


def _as_days(dates: Any, n: int) -> np.ndarray:
    """Dates (array-like or scalar; str, date, datetime64, Timestamp, None) -> datetime64[D].

    Text is read as the readers read a date cell (:func:`sem_carbon.io.parse.parse_dates`:
    day first, ``05/03/2019`` is 5 March); a bare year gives no day (NaT).
    """
    pd = sys.modules.get("pandas")  # a pandas vector exists only once pandas is imported
    arr = dates.to_numpy() if pd is not None and isinstance(dates, pd.Series | pd.Index) \
        else np.asarray(dates)
    if arr.ndim == 0:
        arr = np.full(n, arr.item() if arr.dtype == object else arr, dtype=arr.dtype)
    arr = arr.ravel()
    if arr.size != n:
        raise InvalidActivityError(f"dates has {arr.size} values for {n} airport codes")
    if np.issubdtype(arr.dtype, np.datetime64):
        return arr.astype("datetime64[D]", copy=False)  # days already: no copy
    import pandas as pd

    from ..io.parse import parse_dates  # the readers' date policy: day first

    parsed = parse_dates(pd.Series(arr.astype(object), dtype=object))
    if parsed.bad.any():
        shown = ", ".join(f"{v!r} ({r})" for v, r in
                          dict(zip(arr[parsed.bad].tolist(), parsed.reason[parsed.bad].tolist(),
                                   strict=True)).items())
        raise InvalidActivityError(f"cannot read travel date(s): {shown}")
    return parsed.dates.astype("datetime64[D]")


#: The reject reason of an airport code nobody knows.
UNKNOWN_CODE = "unknown airport code"


def unknown_code_reasons(values: Any) -> np.ndarray:
    """The reject reason of each unknown airport code: :data:`UNKNOWN_CODE`, with what the
    code is when it is an ICAO location indicator (``LSGG``), a frequent mistake in
    exports that carry both (worked out per distinct value).

    Parameters
    ----------
    values : array-like
        The codes as written (rows the resolver did not find).

    Returns
    -------
    ndarray of object
        One reason per value, e.g. ``unknown airport code (LSGG is an ICAO code; Geneva
        Cointrin International Airport is GVA in IATA codes)``.
    """
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object).ravel(),
                                            dtype=object), use_na_sentinel=True)
    reasons = []
    for value in uniques:
        code = _normalise_code(value)
        record = _icao().get(code) if len(code) == 4 and code.isalnum() else None
        if record is None:
            reasons.append(UNKNOWN_CODE)
        elif record.get("iata"):
            reasons.append(f"{UNKNOWN_CODE} ({code} is an ICAO code; {record['name']} is "
                           f"{record['iata']} in IATA codes)")
        else:
            reasons.append(f"{UNKNOWN_CODE} ({code} is an ICAO code of {record['name']}, "
                           "which has no IATA code: register_location can add it)")
    table = np.array([*reasons, UNKNOWN_CODE], dtype=object)
    return table[np.where(codes < 0, len(uniques), codes)]


def _known_codes() -> list[str]:
    return sorted(set(_airports()) | set(_alias_index()) | set(_REGISTERED))


def _unknown_message(codes: list[str]) -> str:
    unique = sorted(set(codes))
    known = _known_codes()
    parts = []
    for code in unique[:10]:
        if not code:
            parts.append("'' (empty code)")
            continue
        icao = unknown_code_reasons([code])[0][len(UNKNOWN_CODE):]  # " (LSGG is an ICAO ..."
        hits = close_matches(code, known, n=3)
        hint = icao or (f" (did you mean {', '.join(repr(h) for h in hits)}?)" if hits else "")
        parts.append(f"{code!r}{hint}")
    more = f" and {len(unique) - 10} more" if len(unique) > 10 else ""
    return (
        f"unknown airport code(s): {', '.join(parts)}{more}. Codes missing from airportsdata "
        "and the alias table can be added with sem_carbon.register_location(code, lat, lon, "
        "country)."
    )


# --------------------------------------------------------------------------------------------
# Public API


_SMALL = 16  # below this many codes, resolve_iata skips pandas


def resolve_undated(codes: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Latitude [deg], longitude [deg] and country of a few codes with no travel date, or
    None if any is unknown.

    The scalar calculators' fast path (a handful of dictionary look-ups, no factorisation);
    it gives what :func:`resolve_iata` gives without dates. On None, call
    :func:`resolve_iata` for the error message with close matches.
    """
    found = [_undated(_normalise_code(c)) for c in codes]
    if any(loc is None for loc in found):
        return None
    return (np.array([loc.lat for loc in found], dtype=float),  # type: ignore[union-attr]
            np.array([loc.lon for loc in found], dtype=float),  # type: ignore[union-attr]
            np.array([loc.country for loc in found], dtype="<U2"))  # type: ignore[union-attr]


def resolve_iata(
    codes: Any,
    dates: Any = None,
    errors: Literal["mask", "raise"] = "mask",
    *,
    factorized: tuple[np.ndarray, Any] | None = None,
) -> Resolved:
    """Resolve IATA codes to latitude, longitude and country, vectorised.

    The work is done once per *unique* code (a pandas factorisation), so a million rows
    with a few hundred distinct codes cost a few hundred dictionary look-ups plus array
    indexing.

    Parameters
    ----------
    codes : str or array-like of str
        IATA codes; case and surrounding whitespace are ignored. ``None``/NaN/"" are unknown.
    dates : date-like or array-like of date-like, optional
        Travel dates (same length as ``codes``, or one date for all): decide reassigned codes
        (``IST`` before 6 April 2019 is Atatürk). ``None``/NaT entries mean "no date".
    errors : {"mask", "raise"}, default "mask"
        "mask": unknown codes give NaN, ``""`` and ``found=False``. "raise": raise
        :class:`~sem_carbon.errors.UnknownAirportError` naming the unknown codes with close
        matches.
    factorized : (ndarray of int, array-like), optional
        ``pandas.factorize(codes, use_na_sentinel=True)`` when the caller has it already
        (a table's column is factorised once for its airports and its coordinate notes).

    Returns
    -------
    Resolved
        ``(lat [deg], lon [deg], country [alpha-2], found [bool])`` arrays with the shape of
        ``codes`` (a scalar gives length-1 arrays).

    Raises
    ------
    UnknownAirportError
        ``errors="raise"`` and some code is unknown.
    InvalidActivityError
        ``dates`` cannot be read or has the wrong length.
    """
    if errors not in ("mask", "raise"):
        raise InvalidArgumentError(f"errors must be 'mask' or 'raise', got {errors!r}")
    pd = sys.modules.get("pandas")  # a pandas column exists only once pandas is imported
    if pd is not None and isinstance(codes, pd.Series | pd.Index):
        # a column: factorise it as stored (arrow strings stay arrow strings)
        flat = codes
        arr = np.empty(len(codes), dtype=bool)  # only its shape is used below
    else:
        arr = np.asarray(codes, dtype=object)
        if arr.ndim == 0:
            arr = arr.reshape(1)
        flat = arr.ravel()
    if factorized is not None:
        idx, uniques = factorized
        norm = [_normalise_code(u) for u in uniques]
    elif len(flat) <= _SMALL:  # scalar calls: a dict beats pandas' set-up cost
        first: dict[str, int] = {}
        idx = np.array([first.setdefault(_normalise_code(v), len(first)) for v in flat],
                       dtype=np.intp)
        norm = list(first)
    else:
        import pandas as pd

        idx, uniques = pd.factorize(flat, use_na_sentinel=True)
        norm = [_normalise_code(u) for u in uniques]
    m = len(norm)
    u_lat = np.full(m + 1, np.nan)
    u_lon = np.full(m + 1, np.nan)
    u_country = np.full(m + 1, "", dtype="<U2")
    u_found = np.zeros(m + 1, dtype=bool)
    for i, code in enumerate(norm):  # loop over unique codes only
        loc = _undated(code) if code else None
        if loc is not None:
            u_lat[i], u_lon[i], u_country[i], u_found[i] = loc.lat, loc.lon, loc.country, True
    idx = np.where(idx < 0, m, idx)
    lat, lon, country, found = u_lat[idx], u_lon[idx], u_country[idx], u_found[idx]

    if dates is not None:
        dated = _dated_codes()
        todo = [i for i, c in enumerate(norm) if c in dated and c not in _REGISTERED]
        days = _as_days(dates, len(flat))  # the dates are checked whatever the codes
        if todo:
            index = _alias_index()
            flagged = np.zeros(m + 1, dtype=bool)
            flagged[todo] = True
            where = np.flatnonzero(flagged[idx])  # the rows of those codes only
            idx_there, days_there = idx[where], days[where]
            for i in todo:  # loop over the few unique codes whose meaning depends on the date
                mine = idx_there == i
                rows, on = where[mine], days_there[mine]
                for alias, loc in index[norm[i]]:  # a later alias overrides an earlier one
                    if alias.is_open:
                        continue
                    hit = rows[alias.applies_on(on)]
                    lat[hit], lon[hit], country[hit], found[hit] = (
                        loc.lat, loc.lon, loc.country, True,
                    )  # fmt: skip

    if errors == "raise" and not found.all():
        raise UnknownAirportError(_unknown_message(
            [_normalise_code(v) for v in np.asarray(flat, dtype=object)[~found]]))
    shape = arr.shape
    return Resolved(lat.reshape(shape), lon.reshape(shape), country.reshape(shape),
                    found.reshape(shape))  # fmt: skip


def _location_of(key: str, date: Any = None) -> _Location | None:
    """Location of one normalised code on a date (None: undated), or None if unknown."""
    if key in _REGISTERED:
        return _REGISTERED[key]
    if date is not None and key in _dated_codes():
        day = _as_days([date], 1)
        for alias, candidate in _alias_index()[key]:
            if not alias.is_open and alias.applies_on(day)[0]:
                return candidate
    return _undated(key)


def airport_info(code: str, date: Any = None) -> AirportInfo:
    """Resolve one code, with the airport's name and the origin of the location.

    Parameters
    ----------
    code : str
        IATA code (case and whitespace ignored), alias or registered code.
    date : date-like, optional
        Travel date (decides reassigned codes).

    Raises
    ------
    UnknownAirportError
        The code is unknown.
    """
    key = _normalise_code(code)
    loc = _location_of(key, date) if key else None
    if loc is None:
        raise UnknownAirportError(_unknown_message([key]))
    return AirportInfo(key, loc.lat, loc.lon, loc.country, loc.name, loc.source)


def register_location(
    code: str, lat: float, lon: float, country: str, name: str | None = None
) -> None:
    """Add (or replace) a location for a code, e.g. a site or an airport missing from the data.

    A registered location wins over ``airportsdata`` and the alias table for every date.

    Parameters
    ----------
    code : str
        3 to 8 letters or digits (case and whitespace ignored), e.g. ``"XYZ"`` or ``"UNOG"``.
    lat, lon : float
        Latitude (-90 to 90) and longitude (-180 to 180), in degrees (WGS84).
    country : str
        Country code or English name (normalised to ISO alpha-2).
    name : str, optional
        Display name; defaults to the code.

    Raises
    ------
    InvalidActivityError
        Bad code or coordinates.
    UnknownCountryError
        ``country`` is not recognised.
    """
    key = _normalise_code(code)
    if not re.fullmatch(r"[A-Z0-9]{3,8}", key):
        raise InvalidActivityError(f"location code must be 3-8 letters or digits, got {code!r}")
    try:
        flat, flon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise InvalidActivityError(f"lat/lon must be numbers, got {lat!r}, {lon!r}") from None
    if not (np.isfinite(flat) and np.isfinite(flon) and -90 <= flat <= 90 and -180 <= flon <= 180):
        raise InvalidActivityError(f"lat/lon out of range for {key}: {lat!r}, {lon!r}")
    alpha2, _ = normalise_country([country], errors="raise")
    _REGISTERED[key] = _Location(flat, flon, str(alpha2[0]), name or key, "registered")
    _REGISTRATIONS[0] += 1


def unregister_location(code: str) -> bool:
    """Remove a registered location; return whether one was registered."""
    _REGISTRATIONS[0] += 1
    return _REGISTERED.pop(_normalise_code(code), None) is not None


#: How many times the registered locations changed (keys the caches built on them).
_REGISTRATIONS = [0]


def registrations() -> int:
    """A number that changes whenever a location is registered or unregistered (caches of
    what a code means key on it)."""
    return _REGISTRATIONS[0]


def clear_registered_locations() -> None:
    """Remove every registered location."""
    _REGISTERED.clear()


def registered_locations() -> dict[str, AirportInfo]:
    """The registered locations, by code."""
    return {
        code: AirportInfo(code, loc.lat, loc.lon, loc.country, loc.name, loc.source)
        for code, loc in _REGISTERED.items()
    }
