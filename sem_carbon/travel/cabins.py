"""Cabin-class names as travel agencies write them -> the five DESNZ classes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["CABINS", "CABIN_ALIASES", "cabin_codes"]

#: DESNZ cabin classes, in code order (index = cabin code).
CABINS: tuple[str, ...] = ("average", "economy", "premium_economy", "business", "first")

#: Accepted spellings (after lower-casing and collapsing spaces, hyphens, underscores).
CABIN_ALIASES: dict[str, str] = {
    "": "average", "average": "average", "average passenger": "average", "unknown": "average",
    "any": "average", "n/a": "average", "na": "average", "none": "average",
    "economy": "economy", "economy class": "economy", "eco": "economy", "coach": "economy",
    "standard": "economy", "y": "economy", "m": "economy", "tourist": "economy",
    "basic economy": "economy", "economy light": "economy", "economy plus": "economy",
    "premium economy": "premium_economy", "premium": "premium_economy",
    "premium economy class": "premium_economy", "premiumeconomy": "premium_economy",
    "w": "premium_economy", "economy premium": "premium_economy",
    "business": "business", "business class": "business", "j": "business", "c": "business",
    "club": "business", "upper class": "business",
    "first": "first", "first class": "first", "f": "first", "p": "first",
}
_SPACES = re.compile(r"[\s_\-]+")
_INDEX = {name: i for i, name in enumerate(CABINS)}


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return _SPACES.sub(" ", str(value).strip().lower())


def cabin_codes(values: object) -> tuple[np.ndarray, np.ndarray]:
    """Map cabin names to codes 0-4 (see :data:`CABINS`), vectorised over unique values.

    Parameters
    ----------
    values : str or array-like of str
        Cabin names in any case and spacing ("Premium Economy", "premium-economy", "J").

    Returns
    -------
    codes : ndarray of int8
        Cabin code per value; -1 where the name is not recognised.
    known : ndarray of bool
        False where the name is not recognised.
    """
    if isinstance(values, str):  # the scalar path: no pandas
        code = _INDEX.get(CABIN_ALIASES.get(_clean(values), _clean(values)), -1)
        return np.array([code], dtype=np.int8), np.array([code >= 0])
    if not isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        values = pd.Series(np.atleast_1d(np.asarray(values, dtype=object)), dtype=object)
    # factorise the column as it is (no per-row Python strings), then clean the uniques
    codes_of_unique, uniques = pd.factorize(values, use_na_sentinel=False)
    table = np.array([_INDEX.get(CABIN_ALIASES.get(_clean(u), _clean(u)), -1) for u in uniques],
                     dtype=np.int8)
    codes = table[codes_of_unique] if len(uniques) else np.zeros(0, dtype=np.int8)
    return codes, codes >= 0
