"""Geography: airports, code aliases, countries and great-circle distances.

Nothing is loaded at import: the airport and country tables are read on first use.

Modules
-------
airports
    :func:`~sem_carbon.geo.airports.resolve_iata` (vectorised IATA -> lat, lon, country),
    :func:`~sem_carbon.geo.airports.register_location`.
aliases
    Retired, reassigned and metropolitan IATA codes (``data/airport_aliases.csv``).
countries
    :func:`~sem_carbon.geo.countries.normalise_country` (names/codes -> ISO alpha-2).
reference
    The shipped OurAirports positions of the guarded airports (``data/airport_reference.csv``).
guard
    Checks ``airportsdata``'s coordinates against the reference when they load, corrects
    drift beyond 2 km: :func:`~sem_carbon.geo.guard.coordinate_check`,
    :func:`~sem_carbon.geo.guard.corrected_codes`,
    :func:`~sem_carbon.geo.guard.coordinate_notes`.
distance
    :func:`~sem_carbon.geo.distance.haversine_km`,
    :func:`~sem_carbon.geo.distance.great_circle_km`.
"""

from __future__ import annotations

from .airports import (
    AirportInfo,
    Resolved,
    airport_info,
    clear_registered_locations,
    register_location,
    registered_locations,
    resolve_iata,
    unregister_location,
)
from .aliases import AirportAlias, airport_aliases, aliases_for, metro_codes
from .countries import close_matches, country_name, normalise_country, suggest
from .distance import EARTH_RADIUS_KM, great_circle_km, haversine_km
from .guard import (
    TOLERANCE_KM,
    CoordinateCheck,
    Drift,
    coordinate_check,
    coordinate_notes,
    corrected_codes,
)
from .reference import ReferenceTable, reference_airports, reference_source

__all__ = [
    "EARTH_RADIUS_KM",
    "TOLERANCE_KM",
    "AirportAlias",
    "AirportInfo",
    "CoordinateCheck",
    "Drift",
    "ReferenceTable",
    "Resolved",
    "airport_aliases",
    "airport_info",
    "aliases_for",
    "clear_registered_locations",
    "close_matches",
    "coordinate_check",
    "coordinate_notes",
    "corrected_codes",
    "country_name",
    "great_circle_km",
    "haversine_km",
    "metro_codes",
    "normalise_country",
    "reference_airports",
    "reference_source",
    "register_location",
    "registered_locations",
    "resolve_iata",
    "suggest",
    "unregister_location",
]
