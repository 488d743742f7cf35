"""sem-carbon: greenhouse-gas footprint of a UN-style organisation.

Travel (flights, rail, road, hotel nights) and facilities (electricity, fuels, heat,
refrigerants, water, waste) computed with versioned, cited emission-factor editions,
disaggregated per planning entity and checked against reduction targets in carbon and
in budget.

The public names are re-exported here and loaded lazily, so ``import sem_carbon``
stays fast; see ``docs/design.md`` for the contract.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# pint is imported (by the first unit) without dask's import; see sem_carbon/_pint_import.py
from ._pint_import import install as _install_pint_import

_install_pint_import()

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "ureg": "sem_carbon.units",
    "Q_": "sem_carbon.units",
    "SemCarbonError": "sem_carbon.errors",
    "UnknownFactorError": "sem_carbon.errors",
    "UnknownAirportError": "sem_carbon.errors",
    "UnknownCountryError": "sem_carbon.errors",
    "InvalidActivityError": "sem_carbon.errors",
    "UnitError": "sem_carbon.errors",
    "FactorIntegrityError": "sem_carbon.errors",
    "InputFormatError": "sem_carbon.errors",
    "EntityTreeError": "sem_carbon.errors",
    "UnknownEntityError": "sem_carbon.errors",
    "SemCarbonWarning": "sem_carbon.errors",
    "NothingComputedWarning": "sem_carbon.errors",
    "OverlapWarning": "sem_carbon.errors",
    "InputWarning": "sem_carbon.errors",
    "InvalidArgumentError": "sem_carbon.errors",
    "MissingDependencyError": "sem_carbon.errors",
    "UnknownColumnError": "sem_carbon.errors",
    "Factor": "sem_carbon.factors",
    "FactorSet": "sem_carbon.factors",
    "factor_sets": "sem_carbon.factors",
    "load_factors": "sem_carbon.factors",
    "add_factor_folder": "sem_carbon.factors",
    "edition_for_year": "sem_carbon.factors",
    "write_factor_set": "sem_carbon.factors.writer",
    "Emission": "sem_carbon.emission",
    "great_circle": "sem_carbon.travel",
    "flight": "sem_carbon.travel",
    "rail": "sem_carbon.travel",
    "road": "sem_carbon.travel",
    "hotel": "sem_carbon.travel",
    "register_location": "sem_carbon.geo.airports",
    "electricity": "sem_carbon.facilities",
    "fuel": "sem_carbon.facilities",
    "heat": "sem_carbon.facilities",
    "refrigerant": "sem_carbon.facilities",
    "water": "sem_carbon.facilities",
    "waste": "sem_carbon.facilities",
    "ActivityTable": "sem_carbon.io",
    "read_travel_log": "sem_carbon.io",
    "read_facilities": "sem_carbon.io",
    "calculate": "sem_carbon.calculation",
    "Inventory": "sem_carbon.inventory",
    "Entities": "sem_carbon.entities",
    "Target": "sem_carbon.targets",
    "target_status": "sem_carbon.targets",
    "Scenario": "sem_carbon.targets",
    "RailInsteadOfFlights": "sem_carbon.targets",
    "EconomyBelow": "sem_carbon.targets",
    "EconomyOnly": "sem_carbon.targets",
    "CutTrips": "sem_carbon.targets",
    "VirtualMeetings": "sem_carbon.targets",
    "apply_scenario": "sem_carbon.targets",
    "scenario_status": "sem_carbon.targets",
    "restate_baseline": "sem_carbon.targets",
    "decompose_change": "sem_carbon.targets",
    "electricity_td": "sem_carbon.facilities",
    "heat_td": "sem_carbon.facilities",
    "Report": "sem_carbon.report",
    "Ledger": "sem_carbon.ledger",
    "LedgerError": "sem_carbon.ledger",
    "LedgerBusyError": "sem_carbon.ledger",
    "Rates": "sem_carbon.money",
    "PriceIndex": "sem_carbon.money",
    "allotments_from_baseline": "sem_carbon.allotments",
    "set_allotments": "sem_carbon.allotments",
    "allotment_status": "sem_carbon.allotments",
    "allotment_alerts": "sem_carbon.allotments",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sem_carbon' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

