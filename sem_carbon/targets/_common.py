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
    _check_figures(frame)
    _check_categories(frame)
    return frame


def _row_named(frame: pd.DataFrame, i: int) -> str:
    """How an error names the ``i``-th row of ``frame`` (its source row when known)."""
    if "source_row" in frame.columns:
        where = f"source row {frame['source_row'].iloc[i]}"
        if "source" in frame.columns:
            where += f" of {frame['source'].iloc[i]}"
        return where
    return f"row {i + 1} (of the table, header not counted)"


def _check_figures(frame: pd.DataFrame) -> None:
    """Every ``co2e_kg`` is a finite number: a blank or a text (``"1,000"``) counted as 0
    would judge a target met on emissions that were never summed."""
    column = frame["co2e_kg"]
    values = column.to_numpy(dtype=float, na_value=np.nan) \
        if pd.api.types.is_numeric_dtype(column.dtype) \
        else pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    wrong = np.flatnonzero(~np.isfinite(values))
    if wrong.size:
        i = int(wrong[0])
        cell = column.iloc[i]
        why = "is empty" if pd.isna(cell) else f"{cell!r} is not a finite number"
        raise InputFormatError(
            f"inventory: {wrong.size:,} row(s) without a figure in co2e_kg; first: "
            f"{_row_named(frame, i)}, co2e_kg {why} (an inventory from sc.calculate or "
            "'sem-carbon calc' has a number on every row)")


def _check_categories(frame: pd.DataFrame) -> None:
    """Every ``category`` is an inventory category (case and spaces aside): an unknown
    one (``flight``) would be left out of a travel target and counted as facilities."""
    if "category" not in frame.columns:
        return  # refused where categories are needed (category_mask)
    codes, uniques = pd.factorize(frame["category"], use_na_sentinel=True)
    names = [str(u).strip().lower() for u in uniques]
    unknown = [i for i, name in enumerate(names) if name not in ALL_CATEGORIES]
    blank = bool((codes < 0).any())
    if not unknown and not blank:
        return
    bad = np.isin(codes, unknown) | (codes < 0)
    first = int(np.flatnonzero(bad)[0])
    shown = ", ".join(repr(str(uniques[i])) for i in unknown[:5]) + \
        (" and blanks" if blank and unknown else "blank" if blank else "")
    raise InputFormatError(
        f"inventory: {int(bad.sum()):,} row(s) whose category is not an inventory category "
        f"({shown}); first: {_row_named(frame, first)}; the categories are "
        f"{', '.join(ALL_CATEGORIES)} (rename them, or compute the rows with sc.calculate)")


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
