"""Result tables built column by column: no copy of the arrays, repeated text as codes.

The batch calculators (travel and facilities) gather per-row figures from small per-group
tables; these helpers turn such columns into a frame without the copy
``pandas.DataFrame(dict)`` makes, and per-row codes into a label table into a categorical
(a factor id or a note held once, not once per row).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["categorical_from_table", "columns_frame"]


def columns_frame(columns: dict[str, object], index: pd.Index) -> pd.DataFrame:
    """A frame of these columns (arrays or one value each) without copying the arrays.

    ``pandas.DataFrame(dict)`` copies same-typed columns into one 2-D block; a column-wise
    concatenation keeps each array as it is (the same frame, a copy less per result).

    Parameters
    ----------
    columns : dict
        Column name -> array, Categorical or one value for all rows.
    index : Index
        The rows' labels.
    """
    return pd.concat([pd.Series(value, index=index, name=name, copy=False)
                      for name, value in columns.items()], axis=1)


def categorical_from_table(codes: np.ndarray, labels: Sequence[str]) -> pd.Categorical:
    """Categorical from per-row codes into a label table that may repeat labels (many "").

    Parameters
    ----------
    codes : ndarray of int
        Per-row position in ``labels`` (all valid).
    labels : sequence of str
        The table (one label per group, say); equal labels become one category.

    Returns
    -------
    Categorical
        Categories sorted, codes of the smallest integer type that holds them.
    """
    uniques, remap = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
    small = np.int8 if len(uniques) < 2**7 else np.int16 if len(uniques) < 2**15 else np.int32
    return pd.Categorical.from_codes(remap.reshape(-1).astype(small)[codes],
                                     dtype=pd.CategoricalDtype(uniques.tolist()),
                                     validate=False)
