"""Friendly names of facility activities -> factor keys.

Names are matched after :func:`~sem_carbon.facilities._common.clean_name` (case, spaces,
hyphens and punctuation do not matter). A name that is not an alias is tried as the
snake_case key itself, so every fuel, material or gas an edition publishes is reachable
by its key. Unknown names raise :class:`~sem_carbon.errors.UnknownFactorError` naming the
value and the closest known names.

References
----------
.. [1] DESNZ/BEIS, Greenhouse gas reporting: conversion factors (2019-2024), sheets
   "Fuels", "Bioenergy", "Heat and steam", "Waste disposal", "Refrigerant & other".
"""

from __future__ import annotations

from functools import lru_cache

from ..errors import InvalidActivityError, UnknownFactorError
from ._common import clean_name, closest, reject_as

__all__ = [
    "DISPOSAL_ALIASES",
    "FACILITY_KINDS",
    "FUEL_ALIASES",
    "HEAT_KINDS",
    "MATERIAL_ALIASES",
    "facility_family",
    "normalise_cv",
    "normalise_disposal",
    "normalise_heat_kind",
    "normalise_method",
]

#: Friendly fuel names -> DESNZ fuel keys (first key the edition publishes wins).
FUEL_ALIASES: dict[str, tuple[str, ...]] = {
    "natural gas": ("natural_gas",), "gas": ("natural_gas",), "mains gas": ("natural_gas",),
    "mains natural gas": ("natural_gas",), "methane gas": ("natural_gas",),
    "natural gas mineral": ("natural_gas_mineral",),
    "natural gas 100 mineral blend": ("natural_gas_mineral",),
    "diesel": ("diesel",), "derv": ("diesel",), "road diesel": ("diesel",),
    "diesel average biofuel blend": ("diesel",), "automotive diesel": ("diesel",),
    "diesel mineral": ("diesel_mineral",), "diesel 100 mineral diesel": ("diesel_mineral",),
    "mineral diesel": ("diesel_mineral",),
    "petrol": ("petrol",), "gasoline": ("petrol",), "petrol average biofuel blend": ("petrol",),
    "petrol mineral": ("petrol_mineral",), "petrol 100 mineral petrol": ("petrol_mineral",),
    "mineral petrol": ("petrol_mineral",),
    "lpg": ("lpg",), "liquefied petroleum gas": ("lpg",), "liquified petroleum gas": ("lpg",),
    "autogas": ("lpg",),
    "propane": ("propane",), "butane": ("butane",),
    "burning oil": ("burning_oil",), "heating oil": ("burning_oil",),
    "kerosene": ("burning_oil",), "kerosine": ("burning_oil",), "paraffin": ("burning_oil",),
    "home heating oil": ("burning_oil",), "kerosene heating oil": ("burning_oil",),
    "gas oil": ("gas_oil",), "gasoil": ("gas_oil",), "red diesel": ("gas_oil",),
    "fuel oil": ("fuel_oil",), "heavy fuel oil": ("fuel_oil",), "hfo": ("fuel_oil",),
    "residual fuel oil": ("fuel_oil",),
    "coal": ("coal_industrial",), "coal industrial": ("coal_industrial",),
    "industrial coal": ("coal_industrial",), "coal domestic": ("coal_domestic",),
    "domestic coal": ("coal_domestic",),
    "wood pellets": ("wood_pellets",), "pellets": ("wood_pellets",),
    "wood chips": ("wood_chips",), "woodchips": ("wood_chips",), "wood chip": ("wood_chips",),
    "wood logs": ("wood_logs",), "logs": ("wood_logs",), "firewood": ("wood_logs",),
    "cng": ("cng",), "compressed natural gas": ("cng",),
    "lng": ("lng",), "liquefied natural gas": ("lng",),
    "biodiesel": ("biodiesel",), "biodiesel me": ("biodiesel",), "fame": ("biodiesel",),
    "hvo": ("biodiesel_hvo",), "biodiesel hvo": ("biodiesel_hvo",),
    "bioethanol": ("bioethanol",), "ethanol": ("bioethanol",),
    "biomethane": ("biomethane", "biomethane_compressed"), "biogas": ("biogas",),
    "jet fuel": ("aviation_turbine_fuel",), "jet a1": ("aviation_turbine_fuel",),
    "kerosene jet fuel": ("aviation_turbine_fuel",),
}
#: Notes recorded when an alias is a choice rather than a synonym.
FUEL_ALIAS_NOTES: dict[str, str] = {
    "coal": "'coal' read as DESNZ 'Coal (industrial)' (coal burnt in commercial and "
            "industrial boilers); use 'coal_domestic' for domestic coal",
    "gas": "'gas' read as natural gas",
    "red diesel": "'red diesel' read as DESNZ 'Gas oil' (rebated off-road diesel)",
}

#: Facility kinds of the canonical table that are not fuels -> calculator family.
FACILITY_KINDS: dict[str, str] = {
    "electricity": "electricity", "grid electricity": "electricity",
    "purchased electricity": "electricity", "power": "electricity", "elec": "electricity",
    "district heat": "heat", "district heating": "heat", "heat": "heat", "steam": "heat",
    "heat and steam": "heat", "district heat and steam": "heat", "onsite heat": "heat",
    "onsite heat and steam": "heat", "purchased heat": "heat",
    "refrigerant": "refrigerant", "refrigerants": "refrigerant", "fugitive": "refrigerant",
    "f gas": "refrigerant", "fgas": "refrigerant", "refrigerant leak": "refrigerant",
    "water": "water", "mains water": "water", "water supply": "water",
    "waste": "waste", "waste disposal": "waste",
}

#: Heat kinds -> DESNZ heat keys.
HEAT_KINDS: dict[str, str] = {
    "district": "district", "district heat": "district", "district heating": "district",
    "district heat and steam": "district", "heat": "district", "steam": "district",
    "heat and steam": "district", "purchased heat": "district",
    "onsite": "onsite", "on site": "onsite", "onsite heat": "onsite",
    "onsite heat and steam": "onsite", "on site heat and steam": "onsite",
}

#: Friendly waste materials -> DESNZ material keys.
MATERIAL_ALIASES: dict[str, str] = {
    "general waste": "commercial_and_industrial_waste",
    "general": "commercial_and_industrial_waste",
    "mixed waste": "commercial_and_industrial_waste",
    "commercial waste": "commercial_and_industrial_waste",
    "office waste": "commercial_and_industrial_waste",
    "residual waste": "commercial_and_industrial_waste",
    "commercial and industrial": "commercial_and_industrial_waste",
    "household waste": "household_residual_waste",
    "household residual": "household_residual_waste",
    "municipal": "municipal_waste", "municipal solid waste": "municipal_waste",
    "msw": "municipal_waste",
    "paper": "paper_and_board_paper", "paper and board": "paper_and_board_mixed",
    "mixed paper": "paper_and_board_mixed", "paper and cardboard": "paper_and_board_mixed",
    "cardboard": "paper_and_board_board", "board": "paper_and_board_board",
    "food": "organic_food_and_drink_waste", "food waste": "organic_food_and_drink_waste",
    "food and drink": "organic_food_and_drink_waste",
    "food and drink waste": "organic_food_and_drink_waste",
    "garden waste": "organic_garden_waste", "green waste": "organic_garden_waste",
    "organic": "organic_mixed_food_and_garden_waste",
    "organic waste": "organic_mixed_food_and_garden_waste",
    "plastic": "plastics_average_plastics", "plastics": "plastics_average_plastics",
    "mixed plastics": "plastics_average_plastics",
    "plastic film": "plastics_average_plastic_film",
    "rigid plastic": "plastics_average_plastic_rigid",
    "pet": "plastics_pet_incl_forming", "hdpe": "plastics_hdpe_incl_forming",
    "pp": "plastics_pp_incl_forming", "pvc": "plastics_pvc_incl_forming",
    "ps": "plastics_ps_incl_forming", "ldpe": "plastics_ldpe_and_lldpe_incl_forming",
    "aluminium": "metal_aluminium_cans_and_foil_excl_forming",
    "aluminum": "metal_aluminium_cans_and_foil_excl_forming",
    "aluminium cans": "metal_aluminium_cans_and_foil_excl_forming",
    "cans": "metal_mixed_cans", "mixed cans": "metal_mixed_cans",
    "steel cans": "metal_steel_cans", "scrap metal": "metal_scrap_metal",
    "weee": "weee_mixed", "e waste": "weee_mixed", "ewaste": "weee_mixed",
    "electronics": "weee_mixed", "electrical items": "weee_mixed",
    "fridges": "weee_fridges_and_freezers", "textiles": "clothing",
}

#: Friendly disposal methods -> DESNZ disposal keys (a tuple: first published wins).
DISPOSAL_ALIASES: dict[str, tuple[str, ...]] = {
    "landfill": ("landfill",), "landfilled": ("landfill",), "tip": ("landfill",),
    "combustion": ("combustion",), "incineration": ("combustion",),
    "incinerated": ("combustion",), "energy recovery": ("combustion",),
    "energy from waste": ("combustion",), "efw": ("combustion",),
    "waste to energy": ("combustion",),
    "recycling": ("closed_loop", "open_loop"), "recycled": ("closed_loop", "open_loop"),
    "recycle": ("closed_loop", "open_loop"),
    "closed loop": ("closed_loop",), "closed loop recycling": ("closed_loop",),
    "open loop": ("open_loop",), "open loop recycling": ("open_loop",),
    "composting": ("composting",), "compost": ("composting",), "composted": ("composting",),
    "anaerobic digestion": ("anaerobic_digestion",), "ad": ("anaerobic_digestion",),
    "reuse": ("reuse",), "re use": ("reuse",),
}

_METHODS = {
    "": "location", "location": "location", "location based": "location",
    "market": "market", "market based": "market",
}
_CVS = {"gross": "gross", "gross cv": "gross", "hhv": "gross", "net": "net",
        "net cv": "net", "lhv": "net"}


@lru_cache(maxsize=4096)
def facility_family(kind: str) -> str:
    """Calculator family of a facility kind: ``electricity``, ``heat``, ``refrigerant``,
    ``water``, ``waste``, or ``fuel`` for anything else (resolved against the edition)."""
    return FACILITY_KINDS.get(clean_name(kind), "fuel")


def normalise_heat_kind(kind: str) -> str:
    """``"District heating"`` -> ``"district"``; ``"onsite"`` likewise.

    Raises
    ------
    UnknownFactorError
        Unknown kind, with close matches.
    """
    cleaned = clean_name(kind)
    if cleaned in HEAT_KINDS:
        return HEAT_KINDS[cleaned]
    raise reject_as(UnknownFactorError(
        f"unknown heat kind {kind!r}{closest(cleaned, HEAT_KINDS)} "
        "(DESNZ publishes 'district' and 'onsite' heat and steam)"), "kind")


def normalise_method(method: str | None) -> str:
    """``"location"`` or ``"market"`` (``"market-based"`` accepted).

    Raises
    ------
    InvalidActivityError
        Anything else.
    """
    cleaned = clean_name(method)
    if cleaned in _METHODS:
        return _METHODS[cleaned]
    raise reject_as(InvalidActivityError(
        f"unknown electricity method {method!r}: use 'location' or 'market'"), "method")


def normalise_cv(cv: str | None) -> str:
    """``"gross"`` or ``"net"`` calorific-value basis (``None`` -> gross).

    Raises
    ------
    InvalidActivityError
        Anything else.
    """
    cleaned = clean_name(cv) or "gross"
    if cleaned in _CVS:
        return _CVS[cleaned]
    raise reject_as(InvalidActivityError(
        f"unknown calorific-value basis {cv!r}: use 'gross' or 'net'"), "cv")


def normalise_disposal(disposal: str, available: set[str]) -> tuple[str, str]:
    """DESNZ disposal key for a friendly name, among those ``available`` for a material.

    Returns
    -------
    (key, note) : tuple of str
        ``note`` says which recycling loop was chosen when "recycling" was asked.

    Raises
    ------
    UnknownFactorError
        Unknown disposal name, or none of its keys is published for the material.
    """
    cleaned = clean_name(disposal)
    options = DISPOSAL_ALIASES.get(cleaned, (cleaned.replace(" ", "_"),))
    for key in options:
        if key in available:
            note = ""
            if len(options) > 1:
                note = (f"disposal {disposal!r} read as {key} recycling"
                        + (" (the only recycling factor published for this material)"
                           if key != options[0] else " (DESNZ closed-loop factor)"))
            return key, note
    known = cleaned in DISPOSAL_ALIASES or cleaned.replace(" ", "_") in {
        k for keys in DISPOSAL_ALIASES.values() for k in keys}
    if known:
        raise reject_as(UnknownFactorError(
            f"no DESNZ waste factor for disposal {disposal!r} of this material; published "
            f"for it: {', '.join(sorted(available))}"), "disposal")
    raise reject_as(UnknownFactorError(
        f"unknown waste disposal {disposal!r}"
        f"{closest(cleaned, list(DISPOSAL_ALIASES) + sorted(available))} "
        f"(published for this material: {', '.join(sorted(available))})"), "disposal")
