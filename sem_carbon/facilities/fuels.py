"""Stationary fuel combustion (scope 1), with biogenic CO2 reported outside the scopes.

An amount may be given as energy (gross calorific value unless ``cv="net"``), volume or
mass. The edition's own per-unit factor is used whenever it publishes one for that basis
(a unit change within a dimension, e.g. GJ -> kWh or L -> m^3, is plain arithmetic).
Otherwise the amount is converted through the **same edition's** published fuel
properties (gross/net calorific values [GJ/t], density [kg/m^3]) to a basis it does
publish, and each step is recorded in the notes; without such a property the calculation
fails rather than guess.

Biogenic CO2 ("Outside of scopes": biofuel content of forecourt diesel and petrol,
biomass, biogas) is computed the same way from the ``biogenic_co2`` factors and reported
separately, never in the CO2e total. Editions without an "Outside of scopes" table
(the 2020, 2021 and 2023 condensed sets) use the nearest DESNZ edition that has one,
and say so.

References
----------
.. [1] DESNZ/BEIS, Greenhouse gas reporting: conversion factors (2019-2024), sheets
   "Fuels", "Bioenergy", "Outside of scopes" and "Fuel properties".
.. [2] WBCSD/WRI, GHG Protocol Corporate Standard (2004), ch. 9: biogenic CO2 reported
   separately from the scopes.
"""

from __future__ import annotations

import itertools
from collections import deque

import attrs
import pint

from ..errors import UnknownFactorError
from ..factors import Factor, FactorSet, per_edition
from ..vocabulary import aliases, clean
from ._common import (
    Plan,
    amount_of,
    closest,
    dimension_of,
    factor_key,
    fallback_edition,
    kg_per_unit,
    reject_as,
    row_factor,
    unit_text,
)
from .names import fuel_candidates, normalise_cv

__all__ = [
    "GAS_STATES",
    "PROPERTY_ALIASES",
    "fuel_keys",
    "fuel_plan",
    "fuel_plan_for",
    "resolve_fuel",
]

#: Fuel keys whose properties DESNZ publishes under another label (same fuel).
PROPERTY_ALIASES: dict[str, str] = {
    "biomethane_compressed": "biomethane",
    "biomethane_liquified": "biomethane",
    "biodiesel_from_used_cooking_oil": "biodiesel",
    "biodiesel_from_tallow": "biodiesel",
}
#: Gaseous fuels DESNZ publishes in a compressed or liquefied state: fuel -> (state, fuel
#: whose published density is that of the gas at standard conditions). A volume of such
#: a fuel is ambiguous; see :func:`_gas_volume`.
GAS_STATES: dict[str, tuple[str, str]] = {
    "cng": ("compressed", "natural_gas"),
    "biomethane_compressed": ("compressed", "biomethane"),
    "biomethane_liquified": ("liquefied", "biomethane"),
}
_BASIS_TEXT = {
    "energy_gross": "energy (gross CV)",
    "energy_net": "energy (net CV)",
    "mass": "mass",
    "volume": "volume",
}
#: Conversion graph between bases: (to, property needed); preference order per basis.
_EDGES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "energy_gross": (("energy_net", ("gross_cv", "net_cv")), ("mass", ("gross_cv",))),
    "energy_net": (("energy_gross", ("gross_cv", "net_cv")), ("mass", ("net_cv",))),
    "mass": (("energy_gross", ("gross_cv",)), ("energy_net", ("net_cv",)),
             ("volume", ("density",))),
    "volume": (("mass", ("density",)),),
}


@per_edition
def fuel_keys(fs: FactorSet) -> frozenset[str]:
    """Fuel keys the edition publishes factors for."""
    return frozenset(fs.table("fuel")["fuel"]) - {""}


def resolve_fuel(fs: FactorSet, kind: str) -> tuple[str, str]:
    """DESNZ fuel key of a friendly fuel name, and a note when the alias was a choice.

    Raises
    ------
    UnknownFactorError
        The edition publishes no such fuel; the message lists close matches.
    """
    cleaned = clean(kind)
    keys = fuel_keys(fs)
    aliased, note = fuel_candidates(kind)
    for candidate in (*aliased, cleaned.replace(" ", "_")):
        if candidate in keys:
            return candidate, note
    if aliased:
        raise reject_as(UnknownFactorError(
            f"{fs.id} publishes no factor for fuel {kind!r} "
            f"({', '.join(aliased)}){closest(cleaned, keys)}"), "kind")
    names = [*keys, *(alias.replace(" ", "_") for alias in aliases("fuel"))]
    raise reject_as(UnknownFactorError(
        f"unknown fuel {kind!r} in {fs.id}{closest(cleaned.replace(' ', '_'), names)}"
        f" (fuels: {', '.join(sorted(keys))})"), "kind")


def _bases(fs: FactorSet, category: str, fuel: str) -> dict[str, int]:
    return _rows_by(fs, category, "basis").get(fuel, {})


@per_edition
def _rows_by(fs: FactorSet, category: str, column: str) -> dict[str, dict[str, int]]:
    """``{fuel: {value of column: row}}`` of a category (``basis``, ``property``)."""
    frame = fs.table(category)
    table: dict[str, dict[str, int]] = {}
    for i, (f, b) in enumerate(zip(frame["fuel"], frame[column], strict=True)):
        table.setdefault(str(f), {})[str(b)] = i
    return table


def _properties(fs: FactorSet, fuel: str) -> tuple[dict[str, Factor], str]:
    """Published properties of ``fuel`` (or of the fuel DESNZ lists them under)."""
    if "fuel_property" not in fs.categories:
        return {}, ""
    name = fuel
    rows = _bases_props(fs).get(name, {})
    if not rows and fuel in PROPERTY_ALIASES:
        name = PROPERTY_ALIASES[fuel]
        rows = _bases_props(fs).get(name, {})
    if name != fuel and fuel in GAS_STATES:
        # the density listed under the gas is of the gas at standard conditions, not of
        # this compressed or liquefied state: only the calorific values carry over
        rows = {prop: i for prop, i in rows.items() if prop != "density"}
    props = {prop: row_factor(fs, "fuel_property", i) for prop, i in rows.items()}
    # a zero calorific value (e.g. CO2) cannot convert anything
    props = {k: v for k, v in props.items() if v.value.m > 0}
    return props, name


def _bases_props(fs: FactorSet) -> dict[str, dict[str, int]]:
    return _rows_by(fs, "fuel_property", "property")


def _step(origin: str, target: str, props: dict[str, Factor]) -> tuple[pint.Quantity, str]:
    """Multiplier taking an amount on ``origin`` basis to ``target`` basis, and its text."""
    if {origin, target} == {"energy_gross", "energy_net"}:
        gross, net = props["gross_cv"], props["net_cv"]
        ratio = (net.value / gross.value) if target == "energy_net" else (gross.value / net.value)
        text = (f"net CV {net.value.m:g} {net.unit} / gross CV {gross.value.m:g} {gross.unit}"
                if target == "energy_net" else
                f"gross CV {gross.value.m:g} {gross.unit} / net CV {net.value.m:g} {net.unit}")
        return ratio.to("dimensionless"), text
    if "mass" in (origin, target) and "volume" in (origin, target):
        density = props["density"]
        text = f"density {density.value.m:g} {density.unit}"
        return (density.value if target == "mass" else 1 / density.value), text
    cv = props["gross_cv" if "energy_gross" in (origin, target) else "net_cv"]
    label = "gross" if "energy_gross" in (origin, target) else "net"
    text = f"{label} CV {cv.value.m:g} {cv.unit}"
    return (cv.value if target.startswith("energy") else 1 / cv.value), text


def _path(wanted: str, available: set[str], props: dict[str, Factor]) -> list[str] | None:
    """Shortest chain of bases from ``wanted`` to a published one (BFS, preference order)."""
    if wanted in available:
        return [wanted]
    queue = deque([[wanted]])
    seen = {wanted}
    while queue:
        path = queue.popleft()
        for target, needs in _EDGES[path[-1]]:
            if target in seen or any(p not in props for p in needs):
                continue
            new = [*path, target]
            if target in available:
                return new
            seen.add(target)
            queue.append(new)
    return None


def _gas_volume(fs: FactorSet, fuel: str, unit: pint.Unit
                ) -> tuple[str, list[pint.Quantity], list[str]]:
    """Basis, leading conversion and notes for a volume of a compressed/liquefied gas.

    DESNZ's CNG factor per litre is per litre of gas compressed to about 200 bar
    (density 175 kg/m^3, sheet "Fuel properties"), while a metered volume in cubic
    metres is gas at standard conditions (DESNZ "Natural Gas" density about 0.8 kg/m^3):
    read as compressed litres, 100 m^3 of CNG gave 44,942 kgCO2e instead of about 204.
    So, for a compressed gas, litres (and mL ...) are litres of compressed gas (DESNZ's
    basis) and every other volume unit (m^3, ft^3) is gas at standard conditions,
    converted to mass with the density the same edition publishes for the gas. A
    liquefied gas's volume needs a liquid density; DESNZ publishes none for liquefied
    biomethane, so such an amount is refused. Each reading is noted on the result.

    Raises
    ------
    UnknownFactorError
        The edition publishes no density for the state the amount is in.
    """
    state, gas = GAS_STATES[fuel]
    litres = any("liter" in name or "litre" in name for name in unit._units)
    if state == "compressed" and litres:
        if "volume" in _bases(fs, "fuel", fuel):
            row = row_factor(fs, "fuel", _bases(fs, "fuel", fuel)["volume"])
            return "volume", [], [
                f"{fuel} amount in {unit_text(unit)} read as litres of compressed gas, "
                f"DESNZ's basis ({fs.id} {row.source_table} row {row.source_row}); give "
                "cubic metres for gas at standard conditions"]
        raise reject_as(UnknownFactorError(
            f"{fs.id} publishes no density of {fuel} (compressed), so an amount in "
            f"{unit_text(unit)} of compressed gas cannot be converted; give it in kg or "
            "kWh, or in m^3 of gas at standard conditions"), "unit")
    density_row = _bases_props(fs).get(gas, {}).get("density")
    if state == "liquefied" or density_row is None:
        raise reject_as(UnknownFactorError(
            f"{fs.id} publishes no density of {fuel.replace('_liquified', '')} in its "
            f"{state} state (its '{gas}' density is of the gas), so an amount in "
            f"{unit_text(unit)} cannot be converted; give it in kg or kWh"), "unit")
    density = row_factor(fs, "fuel_property", density_row)
    return "mass", [density.value], [
        f"{fuel} amount in {unit_text(unit)} read as gas at standard conditions (not "
        f"compressed): converted to mass with {fs.id} {density.source_table} "
        f"'{density.label}' density {density.value.m:g} {density.unit} (row "
        f"{density.source_row}); litres are read as litres of compressed gas"]


def _convert(fs: FactorSet, category: str, fuel: str, wanted: str, unit: pint.Unit,
             lead: list[pint.Quantity] | None = None
             ) -> tuple[Factor, list[pint.Quantity], list[str]] | None:
    """Factor row and conversion chain for ``fuel`` given on basis ``wanted``.

    ``lead`` is a conversion already applied to the amount (see :func:`_gas_volume`); it
    starts the returned chain.
    """
    rows = _bases(fs, category, fuel)
    if not rows:
        return None
    props, prop_name = _properties(fs, fuel)
    path = _path(wanted, set(rows), props)
    if path is None:
        return None
    factor = row_factor(fs, category, rows[path[-1]])
    chain: list[pint.Quantity] = list(lead or [])
    texts: list[str] = []
    for origin, target in itertools.pairwise(path):
        q, text = _step(origin, target, props)
        chain.append(q)
        texts.append(text)
    notes = []
    if texts:
        alias = f" (properties of '{prop_name}')" if prop_name != fuel else ""
        row = next(iter(props.values())).source_row
        notes.append(
            f"{fs.id} publishes no {fuel} {category.replace('_', ' ')} factor per "
            f"{_BASIS_TEXT[wanted]}: amount in {unit_text(unit)} converted to "
            f"{_BASIS_TEXT[path[-1]]} with the edition's Fuel properties{alias}"
            f" (row {row}): {'; '.join(texts)}")
    return factor, chain, notes


@per_edition
def fuel_plan(fs: FactorSet, fuel: str, unit: pint.Unit, cv: str = "gross") -> Plan:
    """Effective factor of a fuel for amounts in ``unit`` (cached per edition).

    Parameters
    ----------
    fs : FactorSet
        DESNZ edition.
    fuel : str
        DESNZ fuel key (see :func:`resolve_fuel`).
    unit : pint.Unit
        Unit of the amounts: energy, volume or mass.
    cv : {"gross", "net"}
        Calorific-value basis of energy amounts.

    Raises
    ------
    pint.DimensionalityError
        ``unit`` is not energy, volume or mass.
    UnknownFactorError
        No factor on that basis and no published property to convert through.
    """
    cv = normalise_cv(cv)
    dim = dimension_of(unit, *amount_of(fuel))
    wanted = f"energy_{cv}" if dim == "energy" else dim
    lead: list[pint.Quantity] = []
    state_notes: list[str] = []
    if dim == "volume" and fuel in GAS_STATES:
        wanted, lead, state_notes = _gas_volume(fs, fuel, unit)
    found = _convert(fs, "fuel", fuel, wanted, unit, lead)
    if found is None:
        published = ", ".join(_BASIS_TEXT[b] for b in _bases(fs, "fuel", fuel))
        raise reject_as(UnknownFactorError(
            f"{fs.id} publishes no {fuel} factor per {_BASIS_TEXT[wanted]} (only per "
            f"{published}) and no fuel property (calorific value, density) to convert "
            f"{unit_text(unit)} to those; give the amount per {published}"), "unit")
    factor, chain, notes = found
    per_unit = kg_per_unit(unit, *chain, factor.value)
    gases = {g: kg_per_unit(unit, *chain, q) for g, q in factor.gases.items()}
    biogenic, bio_notes = _biogenic(fs, fuel, wanted, unit, lead)
    plan = Plan(
        category="fuel",
        scope=1,
        per_unit=per_unit,
        factor=factor,
        factor_id=fs.id,
        factor_key=factor_key(factor),
        method=f"DESNZ fuel combustion factor per {_BASIS_TEXT[factor.keys['basis']]} ({fs.id})",
        input_unit=unit_text(unit),
        gases=gases,
        biogenic=biogenic,
        notes=tuple(n for n in (*state_notes, *notes, *bio_notes) if n),
        activity={"fuel": fuel, "basis": factor.keys["basis"],
                  **({"cv": cv} if dim == "energy" else {})},
    )
    return plan


def _biogenic(fs: FactorSet, fuel: str, wanted: str, unit: pint.Unit,
              lead: list[pint.Quantity] | None = None) -> tuple[float, list[str]]:
    """Biogenic CO2 [kg per input unit] of ``fuel``, NaN when it has none."""
    try:
        source, note = fallback_edition(fs, lambda e: "biogenic_co2" in e.categories,
                                        "'Outside of scopes' (biogenic CO2) factors")
    except UnknownFactorError:
        return float("nan"), []
    if not _bases(source, "biogenic_co2", fuel):
        return float("nan"), []
    found = _convert(source, "biogenic_co2", fuel, wanted, unit, lead)
    if found is None:
        return float("nan"), [f"biogenic CO2 of {fuel} not computed: {source.id} publishes it "
                              f"per {', '.join(_bases(source, 'biogenic_co2', fuel))} only "
                              "and no fuel property converts the amount"]
    factor, chain, notes = found
    value = kg_per_unit(unit, *chain, factor.value)
    described = (f"biogenic CO2 (outside the scopes) from {source.id} "
                 f"{factor.source_table} row {factor.source_row}: {factor.value.m:g} "
                 f"{factor.unit}")
    return value, [n for n in (note, described, *notes) if n]



def fuel_plan_for(fs: FactorSet, kind: str, unit: pint.Unit, cv: str = "gross") -> Plan:
    """:func:`fuel_plan` for a friendly fuel name; an alias choice is added to the notes."""
    key, note = resolve_fuel(fs, kind)
    plan = fuel_plan(fs, key, unit, cv)
    return attrs.evolve(plan, notes=(note, *plan.notes)) if note else plan
