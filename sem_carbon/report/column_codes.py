"""Codes of a report's columns, factorised once per report.

A report's views group and look up the same few columns of the same rows again and again
(airports, cabins, entities, distances of the air legs). While a
:class:`~sem_carbon.report.Report` computes (its model, or a view asked for on its own) it
makes its own store current (:func:`kept_in`); :func:`column_codes`, :func:`text_codes`
and :func:`derived` then keep what they compute for a frame in that store, and the next
view of that computation reuses it. When the computation returns the report empties the
store (it keeps its views' results, not the inventory's codes or frames). Outside a
report's computation nothing is kept: each call computes afresh.

A store holds every frame it has codes of, so an ``id`` is never taken for another frame's.
The codes are made read-only: a caller that tried to change them in place would raise
instead of altering what the other views read. A report's views are computed from the
inventory as it was when first read (``Report`` says: build a new report after changing
the inventory), and so are the codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["column_codes", "derived", "kept_in", "text_codes"]

_STORE: ContextVar[dict[Any, Any] | None] = ContextVar("sem_carbon_report_codes",
                                                        default=None)


@contextmanager
def kept_in(store: dict[Any, Any]) -> Iterator[None]:
    """Keep the codes computed inside the ``with`` block in ``store`` (and reuse them).

    Parameters
    ----------
    store : dict
        The report's own store (empty at first); nested blocks may pass the same one.
    """
    token = _STORE.set(store)
    try:
        yield
    finally:
        _STORE.reset(token)


def derived(frame: pd.DataFrame, name: str, make: Callable[[], Any]) -> Any:
    """``make()``, computed once per frame and name while a store is current.

    Parameters
    ----------
    frame : DataFrame
        The frame the value is derived from.
    name : str
        What the value is (e.g. ``"air_rows"``).
    make : callable
        Computes the value from ``frame``; its result must only be read.
    """
    store = _STORE.get()
    if store is None:
        return make()
    key = (id(frame), name)
    hit = store.get(key)
    if hit is not None and hit[0] is frame:
        return hit[1]
    value = make()
    store[key] = (frame, value)  # the frame is held: its id cannot be reused meanwhile
    return value


def _read_only(codes: np.ndarray) -> np.ndarray:
    codes = np.asarray(codes)
    codes.flags.writeable = False
    return codes


def column_codes(frame: pd.DataFrame, column: str, *, missing: bool = False
                 ) -> tuple[np.ndarray, Any]:
    """``pandas.factorize(frame[column], use_na_sentinel=missing)``, once per report.

    Parameters
    ----------
    frame : DataFrame
    column : str
        A column of ``frame``.
    missing : bool, default False
        Give missing values the code -1 (else they are a distinct value of their own).

    Returns
    -------
    codes : ndarray of int
        Per row, read-only.
    uniques : array-like
        The distinct values in order of first appearance.
    """
    def make() -> tuple[np.ndarray, Any]:
        if missing:  # from the codes with missing values as a value: no second hashing
            codes, uniques = column_codes(frame, column)
            present = ~np.asarray(pd.isna(pd.Index(uniques)), dtype=bool)
            if present.all():
                return codes, uniques
            renumber = np.where(present, np.cumsum(present) - 1, -1)  # missing: -1
            return _read_only(renumber[codes]), uniques[present]
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        return _read_only(codes), uniques

    return derived(frame, f"codes:{column}:{missing}", make)


def text_codes(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, list[str]]:
    """Codes of ``frame[column].astype(str)`` (-1 where that is missing), without text per row.

    ``astype(str)`` works value by value, so it runs on the distinct values only; values
    whose texts are equal (``1`` and ``"1"``) share a code, as they would after converting
    every row.

    Parameters
    ----------
    frame : DataFrame
    column : str

    Returns
    -------
    codes : ndarray of int
        Per row (-1: the text is missing, as a missing value of a string column stays),
        read-only.
    labels : list of str
        The distinct texts, in order of first appearance.
    """
    def make() -> tuple[np.ndarray, list[str]]:
        codes, uniques = column_codes(frame, column)
        texts = pd.Series(uniques, dtype=frame[column].dtype).astype(str)
        merged, labels = pd.factorize(texts, use_na_sentinel=True)
        spread = np.asarray(merged, dtype=np.intp)[codes] if len(codes) else \
            np.empty(0, dtype=np.intp)
        return _read_only(spread), [str(v) for v in labels]

    return derived(frame, f"text:{column}", make)
