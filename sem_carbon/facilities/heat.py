"""Purchased heat and steam (scope 2) and district-heat distribution losses (scope 3).

DESNZ publishes heat and steam generation factors ("Heat and steam", onsite and district)
in its full sets only; of the bundled editions only ``desnz-2019`` (built from the 2019
full set) has them. Other editions use the nearest DESNZ edition that publishes the
factor and say so in the notes. District-heat distribution losses ("Distribution -
district heat & steam", a 5% loss) are in every edition's "Transmission and distribution"
sheet; like electricity T&D they are a separate scope 3 result (category ``td_losses``).

References
----------
.. [1] BEIS, Greenhouse gas reporting: conversion factors 2019, full set, sheets
   "Heat and steam" and "Transmission and distribution".
"""

from __future__ import annotations

import pint

from ..errors import UnknownFactorError
from ..factors import FactorSet, per_edition
from ._common import (
    Plan,
    amount_of,
    dimension_of,
    factor_key,
    fallback_edition,
    find_row,
    kg_per_unit,
    reject_as,
    row_factor,
    unit_text,
)
from .names import normalise_heat_kind

__all__ = ["heat_plan", "heat_td_plan"]


@per_edition
def _plan(fs: FactorSet, kind: str, component: str, unit: pint.Unit) -> Plan:
    what = (f"{kind} heat and steam factor" if component == "generation"
            else f"{kind} heat distribution-loss factor")
    dimension_of(unit, *amount_of(f"{kind}_heat"))
    try:
        source, note = fallback_edition(
            fs, lambda e: find_row(e, "heat", kind=kind, component=component) >= 0, what)
    except UnknownFactorError as exc:
        raise reject_as(exc, "kind") from None
    factor = row_factor(source, "heat", find_row(source, "heat", kind=kind, component=component))
    td = component == "td_losses"
    plan = Plan(
        category="td_losses" if td else "heat", scope=3 if td else 2,
        per_unit=kg_per_unit(unit, factor.value), factor=factor, factor_id=source.id,
        factor_key=factor_key(factor),
        method=(f"DESNZ district heat and steam distribution losses ({source.id})" if td
                else f"DESNZ {kind} heat and steam ({source.id})"),
        input_unit=unit_text(unit),
        gases={g: kg_per_unit(unit, q) for g, q in factor.gases.items()},
        notes=(note,) if note else (), activity={"kind": kind},
    )
    return plan


def heat_plan(fs: FactorSet, kind: str, unit: pint.Unit) -> Plan:
    """Effective factor of purchased heat of ``kind`` ("district", "onsite" or a friendly
    name) for amounts in the energy ``unit``.

    Raises
    ------
    pint.DimensionalityError
        ``unit`` is not an energy unit.
    UnknownFactorError
        Unknown kind, or no DESNZ edition publishes the factor.
    """
    return _plan(fs, normalise_heat_kind(kind), "generation", unit)


def heat_td_plan(fs: FactorSet, kind: str, unit: pint.Unit) -> Plan:
    """Distribution losses of district heat (scope 3).

    Raises
    ------
    UnknownFactorError
        ``kind`` is not district heat (DESNZ publishes losses for district heat only).
    """
    key = normalise_heat_kind(kind)
    if key != "district":
        raise reject_as(UnknownFactorError(
            f"DESNZ publishes distribution losses for district heat only, not for {kind!r}"),
            "kind")
    return _plan(fs, key, "td_losses", unit)
