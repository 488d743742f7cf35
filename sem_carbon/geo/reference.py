"""The shipped reference positions of the airports whose ``airportsdata`` coordinates are guarded.

``data/airport_reference.csv`` lists about 3,200 airports: every airport with scheduled airline
service that OurAirports lists with an IATA code, which includes the 300 with the most airline
routes, the airports serving each national capital, every airport of the example data and the
airports of the alias table (the ``why`` column says which). Positions are OurAirports'
(public domain), copied by ``scripts/build_airport_reference.py``, never typed by hand;
``data/airport_reference.json`` names the sources, licences and checksums.
:mod:`sem_carbon.geo.guard` compares ``airportsdata`` with this table.

References
----------
.. [1] OurAirports, open data downloads, https://ourairports.com/data/ (public domain).
.. [2] OpenFlights route database (routes.dat, June 2014, ODbL 1.0), used to choose airports.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import numpy as np

from ..errors import InputFormatError

__all__ = [
    "ReferenceTable",
    "reference_airports",
    "reference_metadata",
    "reference_rows",
    "reference_source",
]

_COLUMNS = ["iata", "icao", "lat", "lon", "country", "name", "ourairports_id", "why"]


class ReferenceTable(NamedTuple):
    """The reference positions as parallel arrays (one entry per guarded airport).

    Attributes
    ----------
    iata : numpy.ndarray of str
        IATA code; ``""`` for an airport guarded by its ICAO code only.
    icao : numpy.ndarray of str
        ICAO code; ``""`` where OurAirports gives none (every row has at least one code).
    lat, lon : numpy.ndarray of float
        Latitude and longitude [degrees, WGS84], as OurAirports gives them.
    country : numpy.ndarray of str
        ISO 3166-1 alpha-2.
    name : tuple of str
        OurAirports name.
    why : tuple of str
        Why the airport is guarded (``busiest:N``, ``large``, ``capital:XX``, ``example``,
        ``alias``; ``;``-separated).
    """

    iata: np.ndarray
    icao: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    country: np.ndarray
    name: tuple[str, ...]
    why: tuple[str, ...]

def _fail(line: int, reason: str) -> InputFormatError:
    return InputFormatError(f"airport_reference.csv row {line}: {reason}")


def _check_column(values: tuple[str, ...], pattern: str, label: str) -> None:
    """Every value matches ``pattern`` (one regular-expression scan of the whole column)."""
    if re.fullmatch(f"(?:{pattern})(?:\n(?:{pattern}))*", "\n".join(values)):
        return
    for i, value in enumerate(values):  # error path: find the first bad row
        if not re.fullmatch(pattern, value):
            raise _fail(i + 2, f"{label} {value!r}")


@lru_cache(maxsize=1)
def reference_airports() -> ReferenceTable:
    """The reference table, checked (read once per process).

    Raises
    ------
    InputFormatError
        The shipped file has unexpected columns, codes, coordinates or duplicates.
    """
    text = resources.files(__package__).joinpath("data/airport_reference.csv").read_text("utf-8")
    reader = csv.reader(io.StringIO(text))
    if next(reader) != _COLUMNS:
        raise InputFormatError(f"airport_reference.csv: columns are not {_COLUMNS}")
    rows = list(reader)
    try:
        iata, icao, lat_text, lon_text, country, name, _, why = (
            zip(*rows, strict=True) if rows else ((),) * len(_COLUMNS))
    except ValueError:
        line = next(i + 2 for i, row in enumerate(rows) if len(row) != len(_COLUMNS))
        raise _fail(line, f"not {len(_COLUMNS)} fields") from None
    _check_column(iata, "[A-Z0-9]{3}|", "IATA code")
    _check_column(icao, "[A-Z0-9]{4}|", "ICAO code")
    _check_column(country, "[A-Z]{2}", "country")
    _check_column(lat_text, r"-?\d{1,2}(?:\.\d+)?", "latitude")
    _check_column(lon_text, r"-?\d{1,3}(?:\.\d+)?", "longitude")
    no_code = [i + 2 for i, (a, b) in enumerate(zip(iata, icao, strict=True)) if not (a or b)]
    if no_code:
        raise _fail(no_code[0], "neither an IATA nor an ICAO code")
    lat = np.array(lat_text, dtype=float)
    lon = np.array(lon_text, dtype=float)
    if not ((np.abs(lat) <= 90).all() and (np.abs(lon) <= 180).all()):
        raise InputFormatError("airport_reference.csv: coordinates out of range")
    for label, codes in (("IATA", [c for c in iata if c]), ("ICAO", [c for c in icao if c])):
        if len(set(codes)) != len(codes):
            raise InputFormatError(f"airport_reference.csv: duplicate {label} codes")
    return ReferenceTable(
        iata=np.array(iata, dtype="<U3"), icao=np.array(icao, dtype="<U4"), lat=lat, lon=lon,
        country=np.array(country, dtype="<U2"), name=name, why=why,
    )


@lru_cache(maxsize=1)
def reference_rows() -> tuple[dict[str, int], dict[str, int]]:
    """(IATA code -> row, ICAO code -> row) of :func:`reference_airports`."""
    ref = reference_airports()
    iata = {code: i for i, code in enumerate(ref.iata.tolist()) if code}
    icao = {code: i for i, code in enumerate(ref.icao.tolist()) if code}
    return iata, icao


@lru_cache(maxsize=1)
def reference_metadata() -> dict[str, Any]:
    """The sidecar ``airport_reference.json``: sources, licences, checksums, build date."""
    text = resources.files(__package__).joinpath("data/airport_reference.json").read_text("utf-8")
    return dict(json.loads(text))


def reference_source() -> str:
    """One line naming the reference positions, e.g. for notes and reports."""
    positions = reference_metadata()["positions"]
    return (f"OurAirports ({positions['carrier']}, sha256 {positions['sha256'][:12]}; "
            "public domain)")
