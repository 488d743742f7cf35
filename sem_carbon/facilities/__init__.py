"""Facilities emissions: electricity, fuels, heat, refrigerants, water and waste.

Scalar helpers return one :class:`~sem_carbon.Emission`; :func:`compute_facilities`
computes a whole facilities table. Both use the same per-group plans and numpy kernel
(:mod:`sem_carbon.facilities._common`), so they give identical numbers.

Modules: ``names`` (friendly names), ``fuels``, ``electricity``, ``heat``,
``refrigerants``, ``water``, ``waste`` (one factor family each), ``api`` (scalar
helpers), ``batch`` (tables).
"""

from ._common import UK_FACTOR_ABROAD
from .api import electricity, electricity_td, fuel, heat, heat_td, refrigerant, waste, water
from .batch import compute_facilities

__all__ = [
    "UK_FACTOR_ABROAD",
    "compute_facilities",
    "electricity",
    "electricity_td",
    "fuel",
    "heat",
    "heat_td",
    "refrigerant",
    "waste",
    "water",
]
