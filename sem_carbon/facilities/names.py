"""Facility words -> factor keys, on top of :mod:`sem_carbon.vocabulary`.

Kinds, fuels, heat kinds, disposal routes, electricity methods and calorific-value bases
are read with :func:`sem_carbon.vocabulary.normalise` (tables in
``sem_carbon/vocabulary/data``); a name that is not an alias is tried as the snake_case
key itself, so every fuel, material or gas an edition publishes is reachable by its key.
Unknown names raise :class:`~sem_carbon.errors.UnknownFactorError` or
:class:`~sem_carbon.errors.InvalidActivityError` with the vocabulary's reason.

References
----------
.. [1] DESNZ/BEIS, Greenhouse gas reporting: conversion factors (2019-2024), sheets
   "Fuels", "Bioenergy", "Heat and steam", "Waste disposal", "Refrigerant & other".
"""

from __future__ import annotations

from functools import lru_cache

from ..errors import InvalidActivityError, UnknownFactorError
from ..vocabulary import aliases, clean, normalise_one
from ._common import closest, reject_as

__all__ = [
    "facility_family",
    "fuel_candidates",
    "normalise_cv",
    "normalise_disposal",
    "normalise_heat_kind",
    "normalise_method",
]

_FAMILIES = {"electricity": "electricity", "district_heat": "heat", "onsite_heat": "heat",
             "refrigerant": "refrigerant", "water": "water", "waste": "waste"}


def fuel_candidates(kind: str) -> tuple[tuple[str, ...], str]:
    """(DESNZ fuel keys to try, first published wins; the alias's note) of a fuel word."""
    entry = aliases("fuel").get(clean(kind))
    if entry is None or entry.verdict == "reject":
        return (), ""
    note = entry.note.replace("{value}", repr(str(kind).strip())) \
        if entry.verdict == "note" else ""
    return tuple(entry.canonical.split("|")), note


@lru_cache(maxsize=4096)
def facility_family(kind: str) -> str:
    """Calculator family of a facility kind: ``electricity``, ``heat``, ``refrigerant``,
    ``water``, ``waste``, or ``fuel`` for anything else (resolved against the edition)."""
    word = aliases("facility_kind").get(clean(kind))
    return _FAMILIES.get(word.canonical if word else clean(kind).replace(" ", "_"), "fuel")


def normalise_heat_kind(kind: str) -> str:
    """``"District heating"`` -> ``"district"``; ``"onsite"`` likewise.

    Raises
    ------
    UnknownFactorError
        Unknown kind, with the vocabulary's reason.
    """
    word, reason, _ = normalise_one("heat_kind", kind)
    if word:
        return word
    raise reject_as(UnknownFactorError(reason or "heat kind is missing"), "kind")


def normalise_method(method: str | None) -> str:
    """``"location"`` or ``"market"`` (``"market-based"`` accepted; missing: location).

    Raises
    ------
    InvalidActivityError
        Anything else.
    """
    word, reason, _ = normalise_one("electricity_method", method)
    if reason:
        raise reject_as(InvalidActivityError(f"{reason}, got {method!r}"), "method")
    return word or "location"


def normalise_cv(cv: str | None) -> str:
    """``"gross"`` or ``"net"`` calorific-value basis (``None`` -> gross).

    Raises
    ------
    InvalidActivityError
        Anything else.
    """
    word, reason, _ = normalise_one("calorific_basis", cv)
    if reason:
        raise reject_as(InvalidActivityError(reason), "cv")
    return word or "gross"


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
    cleaned = clean(disposal)
    table = aliases("disposal")
    entry = table.get(cleaned)
    options = tuple(entry.canonical.split("|")) if entry else (cleaned.replace(" ", "_"),)
    for key in options:
        if key in available:
            note = ""
            if len(options) > 1:
                note = (f"disposal {disposal!r} read as {key} recycling"
                        + (" (the only recycling factor published for this material)"
                           if key != options[0] else " (DESNZ closed-loop factor)"))
            return key, note
    known = entry is not None or cleaned.replace(" ", "_") in {
        k for e in table.values() for k in e.canonical.split("|")}
    if known:
        raise reject_as(UnknownFactorError(
            f"no DESNZ waste factor for disposal {disposal!r} of this material; published "
            f"for it: {', '.join(sorted(available))}"), "disposal")
    raise reject_as(UnknownFactorError(
        f"unknown waste disposal {disposal!r}"
        f"{closest(cleaned, list(table) + sorted(available))} "
        f"(published for this material: {', '.join(sorted(available))})"), "disposal")
