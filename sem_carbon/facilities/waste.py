"""Waste disposal (scope 3): mass x DESNZ waste-disposal factor [kgCO2e/t].

Materials and disposal routes are DESNZ's ("Paper and board: mixed", "Organic: food and
drink waste", "Commercial and industrial waste"; landfill, combustion, open- and
closed-loop recycling, composting, anaerobic digestion). Friendly names are accepted
(``"general waste"``, ``"food"``, ``"cardboard"``; ``"incineration"``, ``"recycling"``);
"recycling" means DESNZ's closed-loop factor where published, else open-loop, and the
choice is recorded.

References
----------
.. [1] DESNZ/BEIS, Greenhouse gas reporting: conversion factors (2019-2024), sheet
   "Waste disposal".
"""

from __future__ import annotations

import pint

from ..errors import UnknownFactorError
from ..factors import FactorSet, per_edition
from ..vocabulary import aliases, clean
from ._common import (
    Plan,
    amount_of,
    closest,
    dimension_of,
    factor_key,
    find_row,
    kg_per_unit,
    reject_as,
    row_factor,
    unit_text,
)
from .names import normalise_disposal

__all__ = ["resolve_material", "waste_plan"]


@per_edition
def _materials(fs: FactorSet) -> dict[str, set[str]]:
    """``{material: {disposal, ...}}`` of the edition."""
    frame = fs.table("waste")
    table: dict[str, set[str]] = {}
    for m, d in zip(frame["material"], frame["disposal"], strict=True):
        table.setdefault(str(m), set()).add(str(d))
    return table


def resolve_material(fs: FactorSet, material: str) -> tuple[str, str]:
    """DESNZ material key of a friendly name, and a note when it was matched loosely.

    Raises
    ------
    UnknownFactorError
        No such material in the edition (close matches listed), or several match.
    """
    materials = _materials(fs)
    cleaned = clean(material)
    snake = cleaned.replace(" ", "_")
    named = aliases("material").get(cleaned)
    for candidate in (named.canonical if named else "", snake):
        if candidate in materials:
            return candidate, ""
    if snake:
        partial = sorted(m for m in materials
                         if m.startswith(snake + "_") or m.endswith("_" + snake)
                         or f"_{snake}_" in m)
        if len(partial) == 1:
            return partial[0], f"waste material {material!r} read as DESNZ '{partial[0]}'"
        if partial:
            raise reject_as(UnknownFactorError(
                f"waste material {material!r} is ambiguous in {fs.id}: "
                f"{', '.join(partial)}"), "material")
    raise reject_as(UnknownFactorError(
        f"unknown waste material {material!r} in {fs.id}"
        f"{closest(snake, [*materials, *(a.replace(' ', '_') for a in aliases('material'))])}"
        f" (materials: {', '.join(sorted(materials))})"), "material")


@per_edition
def waste_plan(fs: FactorSet, material: str, disposal: str, unit: pint.Unit) -> Plan:
    """Effective factor of a waste stream for amounts in the mass ``unit``.

    Raises
    ------
    pint.DimensionalityError
        ``unit`` is not a mass.
    UnknownFactorError
        Unknown material or disposal route, or no factor for the pair.
    """
    dimension_of(unit, *amount_of("waste"))
    key, note = resolve_material(fs, material)
    route, route_note = normalise_disposal(disposal, _materials(fs)[key])
    factor = row_factor(fs, "waste", find_row(fs, "waste", material=key, disposal=route))
    plan = Plan(
        category="waste", scope=3, per_unit=kg_per_unit(unit, factor.value), factor=factor,
        factor_id=fs.id, factor_key=factor_key(factor),
        method=f"DESNZ waste disposal factor, {route.replace('_', ' ')} ({fs.id})",
        input_unit=unit_text(unit),
        gases={g: kg_per_unit(unit, q) for g, q in factor.gases.items()},
        notes=tuple(n for n in (note, route_note) if n),
        activity={"material": key, "disposal": route},
    )
    return plan
