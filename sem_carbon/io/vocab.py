"""Words found in travel and facilities exports -> canonical values.

Look-ups are done on a cleaned form of the text: lower case, surrounding space removed,
runs of spaces, ``_`` and ``-`` collapsed to one space (``"Car-Rental"`` -> ``"car rental"``).
"""

from __future__ import annotations

import re

__all__ = [
    "FACILITY_KINDS",
    "KIND_DIMENSIONS",
    "MODES",
    "UNIT_ALIASES",
    "clean",
    "facility_kind",
    "mode_of",
    "unit_text",
]

_SEPARATORS = re.compile(r"[\s_\-]+")


def clean(value: object) -> str:
    """Lower-case text with spaces, ``_`` and ``-`` collapsed (``""`` for None)."""
    if value is None:
        return ""
    return _SEPARATORS.sub(" ", str(value).strip().lower()).strip()


#: Canonical travel modes.
MODES = ("air", "rail", "road", "hotel")

# cleaned text -> (mode, implied vehicle, implied rail kind)
_MODE_ALIASES: dict[str, tuple[str, str, str]] = {}
for _words, _value in [
    (("air", "flight", "flights", "plane", "airplane", "aeroplane", "air travel", "airfare",
      "air fare", "air ticket", "airline", "airline ticket", "aviation", "fly", "air trip",
      "domestic flight", "international flight"), ("air", "", "")),
    (("rail", "train", "trains", "railway", "rail travel", "rail ticket", "train ticket",
      "national rail", "high speed rail", "high speed train"), ("rail", "", "")),
    (("international rail", "eurostar", "international train"), ("rail", "", "international")),
    (("tram", "light rail", "light rail and tram"), ("rail", "", "light_rail_tram")),
    (("metro", "underground", "subway", "tube"), ("rail", "", "underground")),
    (("road", "ground", "ground transport", "ground transportation", "road travel"),
     ("road", "", "")),
    (("car", "cars", "car rental", "rental car", "car hire", "hire car", "private car",
      "own car", "rental", "mileage", "car mileage"), ("road", "car", "")),
    (("taxi", "taxis", "cab", "uber", "ride hailing"), ("road", "taxi", "")),
    (("bus", "local bus", "shuttle", "shuttle bus"), ("road", "bus", "")),
    (("coach", "coach bus"), ("road", "coach", "")),
    (("motorbike", "motorcycle", "scooter"), ("road", "motorbike", "")),
    (("hotel", "hotels", "accommodation", "accomodation", "lodging", "hotel stay",
      "hotel night", "hotel nights", "room night", "room nights", "overnight stay"),
     ("hotel", "", "")),
]:
    for _word in _words:
        _MODE_ALIASES[_word] = _value


def mode_of(text: object) -> tuple[str, str, str]:
    """(mode, implied vehicle, implied rail kind) of a mode name; ``("", "", "")`` if unknown.

    Examples
    --------
    >>> mode_of("Car Rental")
    ('road', 'car', '')
    """
    return _MODE_ALIASES.get(clean(text), ("", "", ""))


#: Canonical facility kinds and the words that mean them.
FACILITY_KINDS: dict[str, tuple[str, ...]] = {
    "electricity": ("electricity", "electric", "electrical", "power", "grid electricity",
                    "elec", "electricity consumption", "purchased electricity"),
    "natural_gas": ("natural gas", "gas", "mains gas", "natural gas (mains)", "ng"),
    "diesel": ("diesel", "diesel fuel", "diesel (average biofuel blend)"),
    "petrol": ("petrol", "gasoline", "motor gasoline", "petrol (average biofuel blend)"),
    "lpg": ("lpg", "liquefied petroleum gas"),
    "burning_oil": ("burning oil", "kerosene", "heating oil"),
    "gas_oil": ("gas oil", "red diesel"),
    "fuel_oil": ("fuel oil", "heavy fuel oil", "hfo"),
    "coal": ("coal",),
    "wood_pellets": ("wood pellets", "pellets"),
    "district_heat": ("district heat", "district heating", "heat", "steam", "heat and steam",
                      "district heat and steam"),
    "refrigerant": ("refrigerant", "refrigerants", "f gas", "fgas", "refrigerant leakage",
                    "refrigerant top up"),
    "water": ("water", "water supply", "mains water", "water consumption"),
    "waste": ("waste", "solid waste", "garbage", "rubbish", "refuse"),
}
_KIND_ALIASES = {clean(word): kind for kind, words in FACILITY_KINDS.items() for word in words}

#: Physical dimensions an amount of each kind may have (any fuel: energy, volume or mass).
KIND_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "electricity": ("[energy]",),
    "district_heat": ("[energy]",),
    "refrigerant": ("[mass]",),
    "water": ("[volume]",),
    "waste": ("[mass]",),
}
FUEL_DIMENSIONS = ("[energy]", "[volume]", "[mass]")


def facility_kind(text: object, fuels: frozenset[str] = frozenset()) -> str:
    """Canonical kind of a facility row; a snake_case fuel name in ``fuels``; else ``""``."""
    key = clean(text)
    if key in _KIND_ALIASES:
        return _KIND_ALIASES[key]
    snake = key.replace(" ", "_")
    return snake if snake in fuels else ""


#: Unit spellings -> pint text (lower-cased look-up); ``None``: refused as ambiguous.
UNIT_ALIASES: dict[str, str | None] = {
    "kwh": "kWh", "kw h": "kWh", "kilowatt hour": "kWh", "kilowatt hours": "kWh",
    "mwh": "MWh", "gwh": "GWh", "wh": "Wh", "gj": "GJ", "mj": "MJ", "kj": "kJ", "tj": "TJ",
    "therm": "therm", "therms": "therm", "thm": "therm", "mmbtu": "megaBtu", "btu": "Btu",
    "m3": "m^3", "m³": "m^3", "cubic metre": "m^3", "cubic metres": "m^3",
    "cubic meter": "m^3", "cubic meters": "m^3", "cbm": "m^3", "cu m": "m^3",
    "l": "L", "litre": "L", "litres": "L", "liter": "L", "liters": "L", "ltr": "L",
    "ltrs": "L", "kl": "kL", "ml": "mL", "megalitre": "ML", "megalitres": "ML",
    "kg": "kg", "kgs": "kg", "kilogram": "kg", "kilograms": "kg", "g": "g",
    "t": "t", "tonne": "t", "tonnes": "t", "metric ton": "t", "metric tons": "t", "mt": "t",
    "lb": "lb", "lbs": "lb",
    "km": "km", "kms": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km",
    "kilometers": "km", "mi": "mi", "mile": "mi", "miles": "mi", "m": "m", "metre": "m",
    "metres": "m", "meter": "m", "meters": "m", "nm": "nautical_mile",
    "nmi": "nautical_mile", "nautical mile": "nautical_mile",
    "nautical miles": "nautical_mile",
    "us gal": "US_liquid_gallon", "us gallon": "US_liquid_gallon",
    "us gallons": "US_liquid_gallon", "imp gal": "imperial_gallon",
    "imperial gallon": "imperial_gallon", "imperial gallons": "imperial_gallon",
    "uk gallon": "imperial_gallon", "uk gallons": "imperial_gallon",
    "gal": None, "gallon": None, "gallons": None, "ton": None, "tons": None,
}  # fmt: skip


def unit_text(text: object) -> str | None:
    """Pint text of a unit spelling: alias, else the text itself; None if ambiguous."""
    raw = "" if text is None else re.sub(r"\s+", " ", str(text).strip())
    key = raw.lower().rstrip(".")
    if key in UNIT_ALIASES:
        return UNIT_ALIASES[key]
    return raw
