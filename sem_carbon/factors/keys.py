"""Normalisation of factor key values (shared by the loader and the calculators)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["STANDARD_COLUMNS", "normalise_key_value"]

#: Columns every factor CSV has; every other column is a key.
STANDARD_COLUMNS: tuple[str, ...] = (
    "category",
    "value",
    "unit",
    "co2",
    "ch4",
    "n2o",
    "label",
    "source_table",
    "source_row",
    "notes",
)

_NON_WORD = re.compile(r"[^0-9a-z]+")
_UPPER_KEYS = {"country", "assessment"}


def normalise_key_value(key: str, value: Any) -> str:
    """Return the canonical text of a key value.

    Booleans become ``"true"``/``"false"``, whole numbers lose their ``.0``, country codes
    and IPCC assessment names are upper case, everything else is lower-case snake_case
    (``"Premium Economy"`` -> ``"premium_economy"``).

    Parameters
    ----------
    key : str
        Key column name (decides the casing rule).
    value : Any
        Value given by a user or read from a file.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if key in _UPPER_KEYS:
        return text.upper()
    if key == "year":
        return text
    lowered = text.lower()
    if lowered in {"true", "yes", "y"}:
        return "true" if key == "radiative_forcing" else _NON_WORD.sub("_", lowered).strip("_")
    return _NON_WORD.sub("_", lowered).strip("_")
