"""Integer codes for repeated values: the one place the batch paths factorise.

A log of a million legs holds a few hundred airports, a few cabins, a few thousand
routes. The batch paths work on codes into the distinct values (then spread results back
by indexing), so these helpers keep the codes small and find distinct keys without a
Python loop per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["category_codes", "factorize", "factorize_compact", "first_rows", "index_codes",
           "one_row_of_each", "pair_codes", "smallest_int"]

#: Key spaces up to this size are counted in a dense table instead of hashed.
DENSE_KEYS = 1 << 22


def smallest_int(largest: int) -> np.dtype:
    """The smallest signed integer type holding every code in ``[-1, largest]``.

    Parameters
    ----------
    largest : int
        The largest code (-1 is kept for a missing value).
    """
    return np.min_scalar_type(-(int(largest) + 1))


def factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (int64, -1 where missing) and distinct values (object array) of a column, in
    order of first appearance, as :func:`pandas.factorize` gives them.

    A text column held by pyarrow is encoded by pyarrow's ``dictionary_encode`` directly
    (what pandas calls too, without its conversions: about 1.5 ms less per million rows).

    Parameters
    ----------
    column : Series
        Any column.
    """
    import pandas as pd
    from pandas.arrays import ArrowStringArray

    if isinstance(column.array, ArrowStringArray):
        import pyarrow as pa
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(column.array.__arrow_array__())
        if isinstance(encoded, pa.ChunkedArray):
            encoded = (encoded.chunk(0) if encoded.num_chunks == 1
                       else encoded.combine_chunks())
        indices = encoded.indices
        if indices.null_count:
            indices = pc.fill_null(indices, -1)
        return (indices.to_numpy().astype(np.int64),
                np.asarray(encoded.dictionary.to_pylist(), dtype=object))
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=object)


def category_codes(column: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """A categorical column's own codes (-1 where missing) and its categories (object
    array), or None for any other column: no hashing of the rows.

    Unlike :func:`factorize`, the values are in the order of the categories and include
    categories no row has (a Parquet column read as a dictionary has its file's).

    Parameters
    ----------
    column : Series or any
        A column.
    """
    import pandas as pd

    if not isinstance(getattr(column, "dtype", None), pd.CategoricalDtype):
        return None
    return (np.asarray(column.cat.codes), np.asarray(column.cat.categories, dtype=object))


def factorize_compact(values: Any) -> tuple[np.ndarray, Any]:
    """:func:`factorize` of a column with the codes in
    :func:`smallest_int` (a million rows of a few hundred values: 2 bytes each, not 8); a
    categorical column gives its own codes (:func:`category_codes`: not in order of
    appearance, categories of no row included)."""
    coded = category_codes(values)
    codes, uniques = coded if coded is not None else factorize(values)
    return codes.astype(smallest_int(len(uniques)), copy=False), uniques


def first_rows(codes: np.ndarray) -> np.ndarray:
    """Per code, the position of its first row, for codes numbered in order of first
    appearance (as :func:`pandas.factorize` numbers them).

    Each code's first row is where the running maximum of the codes goes up: one pass,
    no hashing and no ``ufunc.at``.
    """
    codes = np.asarray(codes)
    if not len(codes):
        return np.zeros(0, dtype=np.intp)
    highest = np.maximum.accumulate(codes)
    return np.flatnonzero(np.r_[True, highest[1:] > highest[:-1]])


def one_row_of_each(keys: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the code of its key among the distinct keys, and per distinct key the
    position of one of its rows.

    Parameters
    ----------
    keys : ndarray of int
        Non-negative keys below ``space``.
    space : int
        The number of possible keys: up to :data:`DENSE_KEYS` they are placed in a dense
        table (one scatter, no hashing; the row kept for a key is any of its rows),
        beyond it hashed (the row kept is the key's first).
    """
    if space <= DENSE_KEYS:
        row_of_key = np.full(space, -1, dtype=np.intp)
        row_of_key[keys] = np.arange(len(keys))  # some row of each key (any will do)
        present = np.flatnonzero(row_of_key >= 0)
        code_of_key = np.zeros(space, dtype=smallest_int(len(present)))
        code_of_key[present] = np.arange(len(present))
        return code_of_key[keys], row_of_key[present]
    import pandas as pd

    codes, _ = pd.factorize(keys)
    return codes, first_rows(codes)


def index_codes(keys: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pandas.factorize` of non-negative keys below ``space``: per row the position
    of its key among the distinct keys, and the distinct keys (ascending when counted).

    Parameters
    ----------
    keys : ndarray of int
        Non-negative keys below ``space``.
    space : int
        The number of possible keys: up to :data:`DENSE_KEYS` they are counted (one pass,
        no hashing), beyond it hashed (no sort of the rows).
    """
    if space > DENSE_KEYS:
        import pandas as pd

        return pd.factorize(keys)
    present = np.flatnonzero(np.bincount(keys, minlength=space))
    position = np.zeros(space, dtype=smallest_int(len(present)))
    position[present] = np.arange(len(present))
    return position[keys], present


def pair_codes(a: tuple[np.ndarray, Any], b: tuple[np.ndarray, Any]
               ) -> tuple[np.ndarray, list[tuple[Any, Any]]]:
    """Codes of the distinct ``(a, b)`` pairs of two factorised columns.

    Parameters
    ----------
    a, b : (ndarray of int, array-like)
        Each column's codes and distinct values, as :func:`pandas.factorize` gives them
        with missing values kept as a value (no code -1).

    Returns
    -------
    codes : ndarray of int
        Pair code per element.
    pairs : list of tuple
        The distinct pairs, in order of first appearance.
    """
    import pandas as pd

    (code_a, uniq_a), (code_b, uniq_b) = a, b
    width = max(len(uniq_b), 1)
    codes, keys = pd.factorize(code_a.astype(np.int64) * width + code_b,
                               use_na_sentinel=False)
    pairs = list(zip(np.asarray(uniq_a, dtype=object)[keys // width].tolist(),
                     np.asarray(uniq_b, dtype=object)[keys % width].tolist(), strict=True))
    return codes, pairs
