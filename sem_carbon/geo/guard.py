"""Guard on ``airportsdata``'s coordinates: compare with the reference table, correct, note.

``airportsdata`` releases have shipped wrong positions: from 20260208 on, BRU, CRL, ANR, OST,
LGG, KJK, LUX and NMI are 16-44 km off because their degrees-minutes-seconds were written as
decimal degrees (50°54'05" as 50.5405), which puts Geneva-Brussels under 500 km, in the
"domestic" band; release 20250909 rounds 146 US airports to 0.1 degree. So,
once per process, when the airport table loads:

1. every airport of the reference table (:mod:`sem_carbon.geo.reference`: OurAirports
   positions of the ~3,200 airports with scheduled airline service, among them the 300
   busiest and those of every capital) that ``airportsdata`` lists is
   compared with it, vectorised; where the two are more than :data:`TOLERANCE_KM` apart the
   reference position (and its country and name) is used, and
   :func:`sem_carbon.geo.airport_info` names the substitution in ``source``;
2. each drift is classified: ``"dms"`` (the reference written as degrees-minutes-seconds
   read as decimals), ``"grid"`` (the reference rounded to 0.1 degree), ``"invalid"``
   (no finite position) or ``"other"`` (another position: an airport that moved, a code
   given to a new airport, or a different reference point on a large airfield);
3. airports outside the reference whose position lies on the 0.1-degree grid are marked
   (their ``source`` says so) since they may be up to 8 km off; a release where more than
   :data:`ROUNDED_RELEASE_SHARE` of all airports lie on that grid is called rounded.

:func:`coordinate_check` returns what was found; :func:`corrected_codes` and
:func:`coordinate_notes` tell a calculation which of its airports were corrected or are
unverified, so that rows can say so.

Examples
--------
>>> check = coordinate_check()
>>> all(d.km > TOLERANCE_KM for d in check.drift)
True
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final, NamedTuple

import numpy as np

from .reference import reference_airports, reference_rows

__all__ = [
    "GRID_DEG",
    "ROUNDED_RELEASE_SHARE",
    "TOLERANCE_KM",
    "CoordinateCheck",
    "Drift",
    "check_one",
    "check_positions",
    "coordinate_check",
    "coordinate_notes",
    "corrected_codes",
]

#: Largest accepted distance between ``airportsdata`` and the reference [km].
TOLERANCE_KM: Final[float] = 2.0
#: Grid step of a rounding release [degrees].
GRID_DEG: Final[float] = 0.1
#: Share of all airports on the 0.1-degree grid above which a release counts as rounded
#: (about 0.2% in unrounded releases: a few records published at that precision).
ROUNDED_RELEASE_SHARE: Final[float] = 0.005
#: Farthest a position rounded to 0.1 degree can be from the true one [km] (half a step in
#: latitude and longitude at the equator: 0.05 x 111.2 x sqrt(2) = 7.9 km).
GRID_ERROR_KM: Final[float] = 8.0

_CAUSES: Final[dict[str, str]] = {
    "dms": "degrees-minutes-seconds written as decimal degrees",
    "grid": "rounded to 0.1 degree",
    "invalid": "no finite position",
    "other": "a different position or airport",
}


class Drift(NamedTuple):
    """One guarded airport whose ``airportsdata`` position is beyond the tolerance.

    Attributes
    ----------
    code : str
        IATA code.
    km : float
        Distance between the ``airportsdata`` and the reference position [km]; ``inf`` when
        ``airportsdata`` has no finite position.
    cause : str
        ``"dms"``, ``"grid"``, ``"invalid"`` or ``"other"`` (see :mod:`sem_carbon.geo.guard`).
    lat, lon : float
        ``airportsdata``'s position [degrees].
    ref_lat, ref_lon : float
        The reference position used instead [degrees].
    """

    code: str
    km: float
    cause: str
    lat: float
    lon: float
    ref_lat: float
    ref_lon: float

    def source(self, version: str) -> str:
        """The ``source`` text of the corrected location."""
        km = "no valid position" if not np.isfinite(self.km) else f"{self.km:.1f} km off"
        return (f"reference: OurAirports position; airportsdata {version} is {km} "
                f"({_CAUSES[self.cause]})")


class CoordinateCheck(NamedTuple):
    """What the guard found in the installed ``airportsdata`` (see :func:`coordinate_check`).

    Attributes
    ----------
    airportsdata_version : str
        Version of the installed ``airportsdata``.
    n_airports : int
        Airports ``airportsdata`` lists by IATA code.
    n_guarded : int
        Reference airports with an IATA code.
    n_compared : int
        Reference airports ``airportsdata`` lists (compared).
    not_in_airportsdata : tuple of str
        Reference airports ``airportsdata`` does not list (nothing to correct).
    drift : tuple of Drift
        Compared airports beyond :data:`TOLERANCE_KM`, farthest first. Every one of them is
        corrected: the loaded table uses the reference position.
    coarse : tuple of str
        Airports outside the reference whose position lies on the 0.1-degree grid.
    grid_share : float
        Share of all ``airportsdata`` airports on the 0.1-degree grid.
    """

    airportsdata_version: str
    n_airports: int
    n_guarded: int
    n_compared: int
    not_in_airportsdata: tuple[str, ...]
    drift: tuple[Drift, ...]
    coarse: tuple[str, ...]
    grid_share: float

    @property
    def corrected(self) -> frozenset[str]:
        """IATA codes whose reference position replaced ``airportsdata``'s."""
        return frozenset(d.code for d in self.drift)

    @property
    def rounded_release(self) -> bool:
        """True when more than :data:`ROUNDED_RELEASE_SHARE` of all positions are on the grid."""
        return self.grid_share > ROUNDED_RELEASE_SHARE

    @property
    def release_issues(self) -> tuple[str, ...]:
        """Release-wide defects found (empty for a sound release)."""
        issues = []
        dms = [d.code for d in self.drift if d.cause == "dms"]
        if dms:
            issues.append(f"writes degrees-minutes-seconds as decimal degrees "
                          f"({len(dms)} guarded airports: {', '.join(sorted(dms))})")
        if self.rounded_release:
            issues.append(f"gives {self.grid_share:.1%} of its positions to 0.1 degree only")
        return tuple(issues)


def _on_grid(values: np.ndarray) -> np.ndarray:
    scaled = values / GRID_DEG
    return np.abs(scaled - np.round(scaled)) < 1e-6


def _dms_as_decimal(values: np.ndarray) -> np.ndarray:
    """Read ``dd.mmss`` as degrees, minutes and seconds (NaN where minutes or seconds >= 60)."""
    sign, mag = np.sign(values), np.abs(values)
    deg = np.floor(mag)
    digits = np.round((mag - deg) * 1e4)
    minutes, seconds = digits // 100, digits % 100
    out = sign * (deg + minutes / 60 + seconds / 3600)
    return np.where((minutes < 60) & (seconds < 60), out, np.nan)


def _compare(a_lat: np.ndarray, a_lon: np.ndarray, r_lat: np.ndarray, r_lon: np.ndarray,
             ) -> tuple[np.ndarray, np.ndarray]:
    """Distance [km] (inf where ``a`` is not a valid position) and cause of each pair."""
    from .distance import haversine_km

    valid = (np.isfinite(a_lat) & np.isfinite(a_lon)
             & (np.abs(a_lat) <= 90) & (np.abs(a_lon) <= 180))  # fmt: skip
    with np.errstate(invalid="ignore"):
        km = np.where(valid, haversine_km(a_lat, a_lon, r_lat, r_lon), np.inf)
        dms_km = haversine_km(_dms_as_decimal(a_lat), _dms_as_decimal(a_lon), r_lat, r_lon)
        grid = (_on_grid(a_lat) & _on_grid(a_lon)
                & (np.abs(a_lat - r_lat) <= GRID_DEG / 2 + 1e-9)
                & (np.abs(a_lon - r_lon) <= GRID_DEG / 2 + 1e-9))  # fmt: skip
    cause = np.where(~valid, "invalid", np.where(
        dms_km <= TOLERANCE_KM, "dms", np.where(grid, "grid", "other")))
    return km, cause


def check_positions(codes: Sequence[str], lat: np.ndarray, lon: np.ndarray,
                    version: str) -> CoordinateCheck:
    """Compare positions keyed by IATA code with the reference table, vectorised.

    Parameters
    ----------
    codes : sequence of str
        IATA codes of every airport of the data set (as ``airportsdata.load("IATA")``).
    lat, lon : numpy.ndarray of float
        Their positions [degrees].
    version : str
        Version of the data set, for messages.

    Returns
    -------
    CoordinateCheck
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    ref = reference_airports()
    row_of = dict(zip(codes, range(len(codes)), strict=True))
    guarded = [(j, row_of.get(code)) for code, j in reference_rows()[0].items()]
    pairs = np.array([(j, i) for j, i in guarded if i is not None], dtype=np.intp).reshape(-1, 2)
    jr, ia = pairs[:, 0], pairs[:, 1]
    a_lat, a_lon, r_lat, r_lon = lat[ia], lon[ia], ref.lat[jr], ref.lon[jr]
    km, cause = _compare(a_lat, a_lon, r_lat, r_lon)
    out = ~(km <= TOLERANCE_KM)
    order = np.argsort(-km[out], kind="stable")
    drift = tuple(
        Drift(str(ref.iata[j]), float(k), str(c), float(la), float(lo), float(rl), float(ro))
        for j, k, c, la, lo, rl, ro in zip(
            jr[out][order], km[out][order], cause[out][order], a_lat[out][order],
            a_lon[out][order], r_lat[out][order], r_lon[out][order], strict=True)
    )
    with np.errstate(invalid="ignore"):
        grid_all = _on_grid(lat) & _on_grid(lon)
    guarded_rows = np.zeros(len(lat), dtype=bool)
    guarded_rows[ia] = True
    coarse = tuple(codes[i] for i in np.flatnonzero(grid_all & ~guarded_rows).tolist())
    return CoordinateCheck(
        airportsdata_version=version,
        n_airports=len(codes),
        n_guarded=len(guarded),
        n_compared=len(ia),
        not_in_airportsdata=tuple(str(ref.iata[j]) for j, i in guarded if i is None),
        drift=drift,
        coarse=coarse,
        grid_share=float(grid_all.mean()) if len(lat) else 0.0,
    )


def check_one(icao: str, iata: str, lat: float, lon: float) -> tuple[Drift, int] | None:
    """Check one position found by ICAO code (alias targets) against the reference.

    Returns
    -------
    (Drift, int) or None
        The drift and the reference row when the position is beyond the tolerance of the
        reference airport with that ICAO code (else with that IATA code); None when within
        it or when the airport is not guarded.
    """
    ref = reference_airports()
    by_iata, by_icao = reference_rows()
    j = by_icao.get(icao)
    if j is None and iata:
        j = by_iata.get(iata)
    if j is None:
        return None
    km, cause = _compare(np.array([lat], dtype=float), np.array([lon], dtype=float),
                         ref.lat[j:j + 1], ref.lon[j:j + 1])
    if km[0] <= TOLERANCE_KM:
        return None
    drift = Drift(iata or icao, float(km[0]), str(cause[0]), float(lat), float(lon),
                  float(ref.lat[j]), float(ref.lon[j]))
    return drift, j


def coarse_source(version: str) -> str:
    """The ``source`` text of an unguarded airport whose position is on the 0.1-degree grid."""
    return (f"airportsdata {version}; position given to 0.1 degree only (up to "
            f"{GRID_ERROR_KM:.0f} km off), not in the reference table")


# --------------------------------------------------------------------------------------------
# Public API on the loaded table


def coordinate_check() -> CoordinateCheck:
    """What the guard found when the airport table loaded (loads it on first call).

    Returns
    -------
    CoordinateCheck
        ``drift`` lists every guarded airport ``airportsdata`` places more than 2 km from
        the reference (all of them corrected); ``coarse`` the unguarded airports given to
        0.1 degree only; ``release_issues`` the release-wide defects.
    """
    from .airports import _checked_airports

    return _checked_airports()[1]


def corrected_codes() -> frozenset[str]:
    """IATA codes whose ``airportsdata`` position was replaced by the reference position."""
    return coordinate_check().corrected


def coordinate_notes(codes: Any, dates: Any = None) -> np.ndarray:
    """Per code, what a result computed from its position should say about it, vectorised.

    Parameters
    ----------
    codes : str or array-like of str
        Airport codes as given to :func:`~sem_carbon.geo.airports.resolve_iata`.
    dates : date-like or array-like, optional
        Travel dates (decide reassigned codes), as for ``resolve_iata``.

    Returns
    -------
    numpy.ndarray of object (str)
        ``""`` when there is nothing to say; otherwise ``"<CODE> coordinates: ..."`` when the
        position was corrected from the reference, when it is given to 0.1 degree only, or
        when it comes from an ``airportsdata`` release with known defects (see
        :attr:`CoordinateCheck.release_issues`) and is outside the reference table.
        Unknown codes give ``""`` (``resolve_iata`` reports them).
    """
    if isinstance(codes, _pandas_vectors()):
        shape: tuple[int, ...] = (len(codes),)
    else:
        arr = np.asarray(codes, dtype=object)
        shape = arr.shape if arr.ndim else (1,)
        codes = arr.reshape(-1)
    index, labels = coordinate_note_codes(codes, dates)
    return np.asarray(labels, dtype=object)[index].reshape(shape)


def _pandas_vectors() -> tuple[type, ...]:
    pd = sys.modules.get("pandas")  # a pandas vector exists only once pandas is imported
    return () if pd is None else (pd.Series, pd.Index)


def location_note(code: str, loc: Any) -> str:
    """What a result computed from the location ``loc`` of ``code`` should say about it.

    Parameters
    ----------
    code : str
        The normalised code (upper case, stripped).
    loc : location or None
        As :func:`sem_carbon.geo.airports._location_of` gives it (None: unknown, ``""``).

    Returns
    -------
    str
        ``""``, or the note :func:`coordinate_notes` gives for the code: a city code
        (``LON``) says which airport stands for it; corrected, coarse or unverified
        coordinates say so.
    """
    if loc is None:
        return ""
    city = ""
    if loc.source.startswith(_METRO):  # a city code stands for several airports
        target = loc.source[len(_METRO):].split(" -> ", 1)[-1].split(";", 1)[0]
        city = f"{code} is a city code, placed at its representative airport {target}"
    if "reference: " in loc.source or "0.1 degree only" in loc.source:
        return "; ".join(filter(None, (city, f"{code} coordinates: {loc.source}")))
    if loc.source != "airportsdata":
        return city
    from .airports import guarded_iata

    check = coordinate_check()
    issues = "; ".join(check.release_issues)
    if issues and code not in guarded_iata():
        return (f"{code} coordinates: airportsdata {check.airportsdata_version}, not "
                f"verified (outside the reference table; this release {issues})")
    return ""


#: How an alias location of a metropolitan (city) code begins its source text
#: (:func:`sem_carbon.geo.airports._alias_location`).
_METRO = "alias metro: "


def coordinate_note_codes(codes: Any, dates: Any = None) -> tuple[np.ndarray, list[str]]:
    """:func:`coordinate_notes` as per-row codes into a table of notes (which may repeat).

    The batch path joins these codes with the other notes of a row without building a
    text per row.

    Parameters
    ----------
    codes : Series, Index or 1-D array-like of str
        Airport codes as given to :func:`~sem_carbon.geo.airports.resolve_iata`.
    dates : date-like or array-like, optional
        Travel dates, as for :func:`coordinate_notes`.

    Returns
    -------
    index : numpy.ndarray of int
        Per row, the position of its note in ``labels``.
    labels : list of str
        Notes (``""``: nothing to say).
    """
    index, _, labels = coordinate_note_table(codes, dates)
    return index, labels


def code_note(code: str, day: Any = None) -> str:
    """What the guard says of one normalised airport code (on a day; ``""``: nothing),
    cached per code, day and state of the registered locations."""
    from .airports import registrations

    return _code_note(code, day, registrations())


@lru_cache(maxsize=8192)
def _code_note(code: str, day: Any, _registrations: int) -> str:
    from .airports import _location_of

    return location_note(code, _location_of(code, day) if code else None)


def coordinate_note_table(codes: Any, dates: Any = None, *,
                          factorized: tuple[np.ndarray, Any] | None = None,
                          ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """:func:`coordinate_note_codes`, with each row's undated note too.

    Parameters
    ----------
    codes : Series, Index or 1-D array-like of str
        Airport codes as given to :func:`~sem_carbon.geo.airports.resolve_iata`.
    dates : date-like or array-like, optional
        Travel dates, as for :func:`coordinate_notes`.
    factorized : (ndarray of int, array-like), optional
        ``pandas.factorize(codes, use_na_sentinel=True)``, when the caller has it already.

    Returns
    -------
    index : numpy.ndarray of int
        Per row, its note in ``labels`` (on its date).
    undated : numpy.ndarray of int
        Per row, the note of its code without a date (differs from ``index`` for codes
        whose meaning depends on the date).
    labels : list of str
    """
    import pandas as pd

    from .airports import _REGISTERED, _as_days, _dated_codes, _normalise_code

    flat = codes if isinstance(codes, pd.Series | pd.Index) else np.asarray(codes, dtype=object)
    # the work is per distinct code
    idx, uniques = factorized if factorized is not None else pd.factorize(
        flat, use_na_sentinel=True)
    norm = [_normalise_code(u) for u in uniques]
    note_of = location_note
    labels = [*(code_note(code) for code in norm), ""]  # cached per code
    undated = np.where(idx < 0, len(norm), idx).astype(np.int64, copy=False)
    out = undated
    if dates is not None:
        dated = _dated_codes()
        days = _as_days(dates, len(out))
        # the few distinct codes whose meaning has a date
        for i in [i for i, c in enumerate(norm) if c in dated and c not in _REGISTERED]:
            if out is undated:
                out = undated.copy()
            rows = np.flatnonzero(idx == i)
            day_idx, day_uniques = pd.factorize(days[rows], use_na_sentinel=True)
            per_day = np.array([*range(len(labels), len(labels) + len(day_uniques)), i])
            labels.extend(_dated_notes(norm[i], np.asarray(day_uniques), note_of))
            out[rows] = per_day[np.where(day_idx < 0, len(day_uniques), day_idx)]
    return out, undated, labels


def _dated_notes(code: str, days: np.ndarray, note_of: Any) -> list[str]:
    """The note of a dated code on each of ``days`` (distinct travel days, as
    :func:`~sem_carbon.geo.airports._as_days` gives them), decided per alias, not per day.

    The location on a day is the first closed alias that applies on it, else the undated
    one (as :func:`~sem_carbon.geo.airports._location_of` decides for one day).
    """
    from .airports import _alias_index, _undated

    candidates = [loc for alias, loc in _alias_index()[code] if not alias.is_open]
    aliases = [alias for alias, _ in _alias_index()[code] if not alias.is_open]
    choice = np.full(len(days), len(candidates), dtype=np.intp)  # default: undated
    for k in reversed(range(len(aliases))):  # the first alias that applies wins
        choice[aliases[k].applies_on(days)] = k
    notes = [note_of(code, loc) for loc in candidates] + [note_of(code, _undated(code))]
    return [notes[k] for k in choice.tolist()]
