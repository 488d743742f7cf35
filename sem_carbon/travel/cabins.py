"""Cabin classes: the five DESNZ classes and their codes (words read by the vocabulary).

The words (``"Economy Flex"``, booking-class letters ``Y``/``J`` ...) are in
``sem_carbon/vocabulary/data/cabins.csv``; :func:`cabin_codes` reads them with
:func:`sem_carbon.vocabulary.normalise`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..vocabulary import normalise, normalise_one

__all__ = ["CABINS", "cabin_codes"]

#: DESNZ cabin classes, in code order (index = cabin code).
CABINS: tuple[str, ...] = ("average", "economy", "premium_economy", "business", "first")
_INDEX = {name: i for i, name in enumerate(CABINS)}


def cabin_codes(values: Any, factorized: tuple[np.ndarray, Any] | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cabin words -> codes 0-4 (see :data:`CABINS`), vectorised over distinct values.

    Parameters
    ----------
    values : str or array-like of str
        Cabin words in any case and spacing ("Premium Economy", "J", "Economy Flex");
        missing means ``average``.
    factorized : (ndarray of int, array-like), optional
        ``pandas.factorize(values, use_na_sentinel=True)`` when the caller has it.

    Returns
    -------
    codes : ndarray of int8
        Cabin code per value; -1 where the word is rejected.
    known : ndarray of bool
        False where the word is rejected.
    reason : ndarray of object
        The reject reason ("" where known).
    note : ndarray of object
        The note of a word read by choice (``n/a`` -> average), else "".
    """
    if isinstance(values, str):  # the scalar path: a cached look-up, no pandas
        word, reason, note = normalise_one("cabin", values)
        code = _INDEX.get(word, 0 if not (word or reason) else -1)
        return (np.array([code], dtype=np.int8), np.array([code >= 0]),
                np.array([reason], dtype=object), np.array([note], dtype=object))
    import pandas as pd

    if not isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        values = np.atleast_1d(np.asarray(values, dtype=object)).ravel()
    # the words of the distinct values, spread back to the rows by their codes
    rows, uniques = factorized or pd.factorize(values, use_na_sentinel=True)
    out = normalise("cabin", pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    words = pd.Index(["", *CABINS], dtype=object)
    index = words.get_indexer(out.value)  # 0 for "" (missing or rejected)
    code = np.append(np.where(out.missing, 0, index - 1), 0).astype(np.int8)  # NA: average
    at = np.where(rows < 0, len(uniques), rows)
    del rows
    codes = code[at]

    def per_row(texts: np.ndarray) -> np.ndarray:
        if not (texts != "").any():  # nothing to say: one shared "" (no array per row)
            return np.broadcast_to(np.array("", dtype=object), at.shape)
        return np.append(texts, "").astype(object)[at]

    return codes, codes >= 0, per_row(out.reason), per_row(out.note)
