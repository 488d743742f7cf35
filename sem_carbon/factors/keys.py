"""Normalisation of factor key values (shared by the loader and the calculators)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["KEY_VALUES", "REQUIRED_KEYS", "STANDARD_COLUMNS", "normalise_key_value"]

#: Columns every factor CSV has; every other column is a key.
STANDARD_COLUMNS: tuple[str, ...] = (
    "category",
    "value",
    "unit",
    "co2",
    "ch4",
    "n2o",
    "label",
    "source_table",
    "source_row",
    "notes",
)

_NON_WORD = re.compile(r"[^0-9a-z]+")
_UPPER_KEYS = {"country", "assessment"}


def normalise_key_value(key: str, value: Any) -> str:
    """Return the canonical text of a key value.

    Booleans become ``"true"``/``"false"``, whole numbers lose their ``.0``, country codes
    and IPCC assessment names are upper case, everything else is lower-case snake_case
    (``"Premium Economy"`` -> ``"premium_economy"``).

    Parameters
    ----------
    key : str
        Key column name (decides the casing rule).
    value : Any
        Value given by a user or read from a file.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if key in _UPPER_KEYS:
        return text.upper()
    if key == "year":
        return text
    lowered = text.lower()
    if lowered in {"true", "yes", "y"}:
        return "true" if key == "radiative_forcing" else _NON_WORD.sub("_", lowered).strip("_")
    return _NON_WORD.sub("_", lowered).strip("_")


#: Key columns each category's calculators read: present in its file, filled on every
#: row (``docs/factor-format.md``, category vocabulary). Every bundled edition has them.
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "air": ("haul", "cabin", "radiative_forcing"),
    "rail": ("kind",),
    "road": ("vehicle", "basis"),
    "hotel": ("country",),
    "fuel": ("fuel", "basis"),
    "biogenic_co2": ("fuel", "basis"),
    "fuel_property": ("fuel", "property"),
    "electricity": ("country",),
    "heat": ("kind", "component"),
    "water": ("service",),
    "waste": ("material", "disposal"),
    "refrigerant": ("gas",),
    "gwp": ("gas", "assessment"),
    "blend_component": ("blend", "gas"),
}

_FUEL_BASES = frozenset({"energy_gross", "energy_net", "volume", "mass"})

#: Enumerated key columns: category -> key -> the values the calculators know (an empty
#: cell, "not applicable", is allowed where the key is not in :data:`REQUIRED_KEYS`).
#: Open keys (fuel, material, gas, country, city, blend, year) are not listed.
KEY_VALUES: dict[str, dict[str, frozenset[str]]] = {
    "air": {
        "haul": frozenset({"domestic", "short_haul", "long_haul", "international"}),
        "cabin": frozenset({"average", "economy", "premium_economy", "business", "first"}),
        "radiative_forcing": frozenset({"true", "false"}),
    },
    "rail": {"kind": frozenset({"national", "international", "light_rail_tram",
                                "underground"})},
    "road": {
        "vehicle": frozenset({"car", "motorbike", "taxi", "bus", "coach"}),
        "size": frozenset({"small", "medium", "large", "average", "regular", "black_cab",
                           "local_not_london", "local_london", "average_local"}),
        "fuel": frozenset({"diesel", "petrol", "hybrid", "plugin_hybrid", "battery_electric",
                           "cng", "lpg", "unknown"}),
        "basis": frozenset({"vehicle_km", "passenger_km"}),
    },
    "fuel": {"basis": _FUEL_BASES},
    "biogenic_co2": {"basis": _FUEL_BASES},
    "fuel_property": {"property": frozenset({"gross_cv", "net_cv", "density"})},
    "electricity": {"component": frozenset({"generation", "td_losses"})},
    "heat": {"kind": frozenset({"onsite", "district"}),
             "component": frozenset({"generation", "td_losses"})},
    "water": {"service": frozenset({"supply", "treatment"})},
    "waste": {"disposal": frozenset({"landfill", "combustion", "open_loop", "closed_loop",
                                     "composting", "anaerobic_digestion", "reuse"})},
    "refrigerant": {"protocol": frozenset({"kyoto", "montreal", "other"})},
    "gwp": {"assessment": frozenset({"AR4", "AR5", "AR6"})},
}
