"""Factor editions: loading, validation, queries and provenance."""

from .catalogue import (
    add_factor_folder,
    default_edition_id,
    edition_for_year,
    factor_sets,
    load_factors,
    resolve_edition,
)
from .edition import FactorSet, per_edition
from .model import Factor

__all__ = [
    "Factor",
    "FactorSet",
    "add_factor_folder",
    "default_edition_id",
    "edition_for_year",
    "factor_sets",
    "load_factors",
    "per_edition",
    "resolve_edition",
]
