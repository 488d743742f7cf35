"""Water supply and treatment (scope 3).

The result is one figure: volume x (supply factor + treatment factor) when the water is
also treated after use (the usual case for mains water returned to sewer), or the supply
factor alone. The parts are kept in the plan's activity (per cubic metre) so results can
show both.

References
----------
.. [1] DESNZ/BEIS, Greenhouse gas reporting: conversion factors (2019-2024), sheets
   "Water supply" and "Water treatment".
"""

from __future__ import annotations

import pint

from ..errors import UnknownFactorError
from ..factors import Factor, FactorSet, per_edition
from ._common import (
    Plan,
    amount_of,
    dimension_of,
    find_row,
    kg_per_unit,
    reject_as,
    row_factor,
    unit_text,
)

__all__ = ["water_plan"]


def _service(fs: FactorSet, service: str) -> Factor:
    row = find_row(fs, "water", service=service)
    if row < 0:
        raise reject_as(UnknownFactorError(f"{fs.id} publishes no water {service} factor"),
                        "kind")
    return row_factor(fs, "water", row)


@per_edition
def water_plan(fs: FactorSet, unit: pint.Unit, treatment: bool = True) -> Plan:
    """Effective factor of water for amounts in the volume ``unit``.

    Parameters
    ----------
    fs : FactorSet
        DESNZ edition.
    unit : pint.Unit
        Volume unit (m^3, L, ...).
    treatment : bool, default True
        Add the treatment factor to the supply factor.

    Raises
    ------
    pint.DimensionalityError
        ``unit`` is not a volume.
    """
    treatment = bool(treatment)
    dimension_of(unit, *amount_of("water"))
    supply = _service(fs, "supply")
    parts = {"supply_per_unit": kg_per_unit(unit, supply.value)}
    factor = supply
    if treatment:
        treat = _service(fs, "treatment")
        parts["treatment_per_unit"] = kg_per_unit(unit, treat.value)
        factor = Factor(
            edition=fs.id, category="water", keys={"service": "supply+treatment"},
            value=supply.value + treat.value.to(supply.value.units),
            label=f"{supply.label} + {treat.label}",
            source_table=f"{supply.source_table} row {supply.source_row}; "
                         f"{treat.source_table} row {treat.source_row}",
            source=supply.source,
            notes=f"sum of supply {supply.value.m:g} and treatment {treat.value.m:g} "
                  f"{supply.unit}",
        )
    plan = Plan(
        category="water", scope=3,
        per_unit=kg_per_unit(unit, factor.value) if not treatment else
        parts["supply_per_unit"] + parts["treatment_per_unit"],
        factor=factor, factor_id=fs.id,
        factor_key="water:supply+treatment" if treatment else "water:supply",
        method=f"DESNZ water {'supply and treatment' if treatment else 'supply'} ({fs.id})",
        input_unit=unit_text(unit), activity={"treatment": treatment, **parts},
    )
    return plan
