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

__all__ = [
    "EARTH_RADIUS_KM",
    "AirportAlias",
    "AirportInfo",
    "Resolved",
    "airport_aliases",
    "airport_info",
    "aliases_for",
    "clear_registered_locations",
    "close_matches",
    "country_name",
    "great_circle_km",
    "haversine_km",
    "metro_codes",
    "normalise_country",
    "register_location",
    "registered_locations",
    "resolve_iata",
    "suggest",
    "unregister_location",
]
