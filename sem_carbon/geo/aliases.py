"""Retired, reassigned and metropolitan IATA codes (``data/airport_aliases.csv``).

Travel logs from 2019 still hold codes that no longer mean what they meant, or that no
longer exist: ``TXL`` (Berlin Tegel, closed 2020), ``SXF`` (Schönefeld, now BER Terminal
5), ``IST`` (Atatürk until 6 April 2019, the new Istanbul Airport since), ``TSE`` (Astana,
now ``NQZ``), and city codes such as ``LON`` or ``NYC``. Each row of the alias table says
what a code resolves to, for which dates, and cites its source.

Columns
-------
code
    The code as found in logs (upper-case, 3 letters).
resolves_to
    An IATA (3 letters) or ICAO (4 letters) code looked up in ``airportsdata``; may be empty
    when ``lat``/``lon`` are given.
kind
    ``retired`` (the code no longer exists), ``reassigned`` (the code now means another
    airport) or ``metro`` (an IATA city code, resolved to a named representative airport).
valid_from, valid_to
    ISO dates (inclusive) during which the code meant this; empty = open.
lat, lon, country, name
    Optional coordinates [degrees, WGS84], ISO alpha-2 country and name, used when
    ``resolves_to`` is empty or missing from ``airportsdata`` (cited in ``source``).
note, source
    Explanation and public references.

How a code is resolved (see :func:`sem_carbon.geo.airports.resolve_iata`): a location
registered by the user wins; then an alias whose validity contains the travel date (or whose
validity is open); then ``airportsdata``; then, for codes ``airportsdata`` no longer lists, the
alias row itself whatever the date (a retired code has no other meaning).

The table is read and checked on first use, not at import.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..errors import InputFormatError

__all__ = ["KINDS", "AirportAlias", "airport_aliases", "aliases_for", "metro_codes"]

#: Allowed values of the ``kind`` column.
KINDS = ("retired", "reassigned", "metro")
_COLUMNS = [
    "code", "resolves_to", "kind", "valid_from", "valid_to",
    "lat", "lon", "country", "name", "note", "source",
]  # fmt: skip


@dataclass(frozen=True)
class AirportAlias:
    """One row of the alias table.

    Attributes
    ----------
    code : str
        Code as found in logs, e.g. ``"TXL"``.
    resolves_to : str
        IATA or ICAO code in ``airportsdata`` (may be empty).
    kind : str
        ``"retired"``, ``"reassigned"`` or ``"metro"``.
    valid_from, valid_to : numpy.datetime64 or None
        Inclusive validity [day]; ``None`` = open.
    lat, lon : float or None
        Fallback coordinates [degrees].
    country : str
        Fallback ISO alpha-2 country.
    name, note, source : str
        Description and citation.
    """

    code: str
    resolves_to: str
    kind: str
    valid_from: np.datetime64 | None
    valid_to: np.datetime64 | None
    lat: float | None
    lon: float | None
    country: str
    name: str
    note: str
    source: str

    @property
    def is_open(self) -> bool:
        """True when the alias has no validity bounds (applies on any date)."""
        return self.valid_from is None and self.valid_to is None

    def applies_on(self, days: np.ndarray) -> np.ndarray:
        """Boolean mask: which of ``days`` (datetime64[D], NaT allowed) fall in the validity.

        NaT (unknown date) gives False.
        """
        days = np.asarray(days, dtype="datetime64[D]")
        ok = ~np.isnat(days)
        if self.valid_from is not None:
            ok &= days >= self.valid_from
        if self.valid_to is not None:
            ok &= days <= self.valid_to
        return ok


def _day(text: str, where: str) -> np.datetime64 | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise InputFormatError(f"{where}: date {text!r} is not YYYY-MM-DD")
    return np.datetime64(text, "D")


def _coord(text: str, limit: float, where: str) -> float | None:
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value) or abs(value) > limit:
        raise InputFormatError(f"{where}: coordinate {text!r} out of range")
    return value


@lru_cache(maxsize=1)
def airport_aliases() -> tuple[AirportAlias, ...]:
    """All alias rows, checked (read once).

    Raises
    ------
    InputFormatError
        The table has unexpected columns, kinds, dates or coordinates.
    """
    text = resources.files(__package__).joinpath("data/airport_aliases.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != _COLUMNS:
        raise InputFormatError(f"airport_aliases.csv: columns {reader.fieldnames} != {_COLUMNS}")
    rows = []
    for line, rec in enumerate(reader, start=2):
        where = f"airport_aliases.csv row {line}"
        code = rec["code"]
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise InputFormatError(f"{where}: code {code!r} is not 3 upper-case letters")
        if rec["kind"] not in KINDS:
            raise InputFormatError(f"{where}: kind {rec['kind']!r} not in {KINDS}")
        target = rec["resolves_to"]
        if target and not re.fullmatch(r"[A-Z0-9]{3,4}", target):
            raise InputFormatError(f"{where}: resolves_to {target!r}")
        lat = _coord(rec["lat"], 90.0, where)
        lon = _coord(rec["lon"], 180.0, where)
        if (lat is None) != (lon is None):
            raise InputFormatError(f"{where}: give both lat and lon or neither")
        if lat is not None and not re.fullmatch(r"[A-Z]{2}", rec["country"]):
            raise InputFormatError(f"{where}: coordinates need an alpha-2 country")
        if not target and lat is None:
            raise InputFormatError(f"{where}: needs resolves_to or lat/lon")
        if not rec["source"]:
            raise InputFormatError(f"{where}: no source cited")
        start, end = _day(rec["valid_from"], where), _day(rec["valid_to"], where)
        if start is not None and end is not None and start > end:
            raise InputFormatError(f"{where}: valid_from after valid_to")
        rows.append(
            AirportAlias(
                code=code,
                resolves_to=target,
                kind=rec["kind"],
                valid_from=start,
                valid_to=end,
                lat=lat,
                lon=lon,
                country=rec["country"],
                name=rec["name"],
                note=rec["note"],
                source=rec["source"],
            )
        )
    return tuple(rows)


def aliases_for(code: str) -> tuple[AirportAlias, ...]:
    """Alias rows for one code (upper-case, stripped), in table order."""
    key = str(code).strip().upper()
    return tuple(a for a in airport_aliases() if a.code == key)


def metro_codes() -> dict[str, str]:
    """Metropolitan (city) codes and the airport each resolves to, e.g. ``{"LON": "LHR"}``."""
    return {a.code: a.resolves_to for a in airport_aliases() if a.kind == "metro"}
