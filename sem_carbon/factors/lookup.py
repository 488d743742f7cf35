"""Vectorised factor lookup: many key tuples -> factor rows, one pass over unique tuples."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from .edition import FactorSet
from .keys import normalise_key_value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FactorColumns", "factor_columns", "lookup_rows"]


class FactorColumns:
    """The numeric columns of one category as arrays (value, co2, ch4, n2o), cached."""

    __slots__ = ("ch4", "co2", "frame", "n2o", "unit", "value")

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.value = frame["value"].to_numpy(dtype=float)
        self.co2 = frame["co2"].to_numpy(dtype=float)
        self.ch4 = frame["ch4"].to_numpy(dtype=float)
        self.n2o = frame["n2o"].to_numpy(dtype=float)
        self.unit = frame["unit"].to_numpy(dtype=str)


def factor_columns(fs: FactorSet, category: str) -> FactorColumns:
    """Arrays of a category's factors (built once per edition and category)."""
    return fs.derived(("columns", category), lambda: FactorColumns(fs.table(category)))


def lookup_rows(fs: FactorSet, category: str, keys: Mapping[str, object]) -> np.ndarray:
    """Row index (into ``fs.table(category)``) for each element of the key arrays.

    Parameters
    ----------
    fs : FactorSet
    category : str
    keys : mapping of key name -> scalar or array of key values
        Values are normalised like :meth:`FactorSet.get` does. Key columns of the category
        that are not given must be empty in the matching row.

    Returns
    -------
    ndarray of int64
        Row index per element, -1 where no factor matches.
    """
    import pandas as pd

    frame = fs.table(category)
    key_cols = fs.key_columns(category)
    arrays = {k: np.atleast_1d(np.asarray(v, dtype=object)) for k, v in keys.items()}
    n = max((len(a) for a in arrays.values()), default=1)
    given = pd.DataFrame({k: np.broadcast_to(a, (n,)) for k, a in arrays.items()})
    if given.empty and n:
        given = pd.DataFrame(index=range(n))
    names = list(given.columns)
    uniques = given.drop_duplicates() if names else pd.DataFrame(index=[0])
    index_of = _row_index(frame, key_cols)
    results = []
    for record in uniques.itertuples(index=False):  # loop over unique key tuples only
        wanted = {k: normalise_key_value(k, v) for k, v in zip(names, record, strict=True)}
        results.append(index_of.get(tuple(wanted.get(c, "") for c in key_cols), -1))
    if not names:
        return np.full(n, results[0], dtype=np.int64)
    # group ids follow first appearance, as drop_duplicates does
    codes = given.groupby(names, sort=False, dropna=False).ngroup().to_numpy()
    return np.asarray(results, dtype=np.int64)[codes]


def _row_index(frame: pd.DataFrame, key_cols: list[str]) -> dict[tuple[str, ...], int]:
    return {tuple(row): i for i, row in enumerate(frame[key_cols].itertuples(index=False))}
