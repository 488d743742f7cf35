"""Helpers shared by the target modules: inventory frames, category groups, flags."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputFormatError

__all__ = [
    "ALL_CATEGORIES",
    "CATEGORY_GROUPS",
    "EXTENSIVE_COLUMNS",
    "TRAVEL_CATEGORIES",
    "as_frame",
    "bool_column",
    "category_mask",
    "expand_categories",
    "number_column",
    "year_column",
]

#: Inventory categories of business travel (the group ``"travel"``).
TRAVEL_CATEGORIES: tuple[str, ...] = ("air", "rail", "road", "hotel")
#: Facility categories (the group ``"facilities"``: everything that is not travel).
FACILITY_CATEGORIES: tuple[str, ...] = (
    "electricity", "td_losses", "fuel", "heat", "refrigerant", "water", "waste",
)
ALL_CATEGORIES: tuple[str, ...] = TRAVEL_CATEGORIES + FACILITY_CATEGORIES
#: Group names accepted in ``Target.categories`` and lever ``categories``.
CATEGORY_GROUPS: dict[str, tuple[str, ...]] = {
    "travel": TRAVEL_CATEGORIES,
    "facilities": FACILITY_CATEGORIES,
    "all": ALL_CATEGORIES,
}

#: Columns that scale with the amount of activity (a lever removing 20% of trips
#: multiplies them by 0.8); only those present in a frame are touched.
EXTENSIVE_COLUMNS: tuple[str, ...] = (
    "co2e_kg", "co2_kg", "ch4_kg", "n2o_kg", "rf_kg", "biogenic_co2_kg", "memo_co2e_kg",
    "cost", "passengers", "nights", "amount",
)


def as_frame(inventory: Any) -> pd.DataFrame:
    """The rows of an :class:`~sem_carbon.Inventory` (its ``.data``), a ledger or a DataFrame.

    A :class:`~sem_carbon.Ledger` gives its current rows (restated where restated).

    Raises
    ------
    InputFormatError
        Neither a DataFrame nor an object with a ``.data`` DataFrame; or no ``co2e_kg``.
    """
    from ..inventory import as_inventory, is_ledger

    if is_ledger(inventory):
        inventory = as_inventory(inventory)
    frame = getattr(inventory, "data", inventory)
    if not isinstance(frame, pd.DataFrame):
        raise InputFormatError(
            f"expected an Inventory or a DataFrame of inventory rows, got "
            f"{type(inventory).__name__}")
    if "co2e_kg" not in frame.columns:
        raise InputFormatError("inventory rows need a 'co2e_kg' column (kgCO2e per row)")
    return frame


def expand_categories(categories: Iterable[str] | str) -> tuple[str, ...]:
    """Group names (``travel``, ``facilities``, ``all``) -> inventory categories."""
    if isinstance(categories, str):
        categories = (categories,)
    out: list[str] = []
    for name in categories:
        for cat in CATEGORY_GROUPS.get(name, (name,)):
            if cat not in out:
                out.append(cat)
    return tuple(out)


def category_mask(frame: pd.DataFrame, categories: Iterable[str] | str) -> np.ndarray:
    """Boolean mask of the rows in ``categories`` (groups expanded).

    The ``"facilities"`` group means every category that is not travel, so facility
    categories added later are still counted.
    """
    names = (categories,) if isinstance(categories, str) else tuple(categories)
    if "category" not in frame.columns:
        raise InputFormatError("inventory rows need a 'category' column")
    if "all" in names:
        return np.ones(len(frame), dtype=bool)
    codes, uniques = pd.factorize(frame["category"], use_na_sentinel=True)
    cats = np.array([str(u).strip().lower() for u in uniques] + [""], dtype=object)
    explicit = list(expand_categories([n for n in names if n != "facilities"]))
    chosen = np.isin(cats, explicit)
    if "facilities" in names:
        chosen |= ~np.isin(cats, TRAVEL_CATEGORIES)
    return chosen[codes]


def year_column(frame: pd.DataFrame) -> pd.Series:
    """Activity year per row (``year`` column, else the year of ``date``), as float."""
    if "year" in frame.columns:
        year = pd.to_numeric(frame["year"], errors="coerce")
    else:
        year = pd.Series(np.nan, index=frame.index)
    if "date" in frame.columns and year.isna().any():
        year = year.fillna(pd.to_datetime(frame["date"], errors="coerce").dt.year)
    return year.astype(float)


def number_column(frame: pd.DataFrame, name: str, default: float) -> np.ndarray:
    """A numeric column as float array, ``default`` where absent or not a number."""
    if name not in frame.columns:
        return np.full(len(frame), float(default))
    values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(values), float(default), values)


_TRUE = {"true", "1", "yes", "y", "t", "1.0"}


def bool_column(frame: pd.DataFrame, name: str, default: bool = False) -> np.ndarray:
    """A flag column (bool, 0/1 or yes/true text) as a bool array."""
    if name not in frame.columns:
        return np.full(len(frame), bool(default))
    col = frame[name]
    if col.dtype == bool:
        return col.to_numpy(dtype=bool)
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    table = np.array([str(u).strip().lower() in _TRUE for u in uniques] + [bool(default)])
    return table[codes]
