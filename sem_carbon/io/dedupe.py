"""Exact duplicate rows and refund netting, vectorised.

Duplicates (``duplicates=``)
    Two source rows are exact duplicates when every source column holds the same value
    (missing equals missing). ``"keep"`` (default) keeps them all (two identical
    tickets may be two real trips); ``"drop"`` keeps the first and rejects each later
    copy with ``"exact duplicate of row N"``.
Refunds (``refunds=``)
    A row with a negative cost is a refund or the cancelled half of an exchange.
    ``"net"`` (default) pairs it with an original row that has the same trip and the
    same absolute cost, and rejects both with ``"refunded (netted with row N)"`` (N is
    the partner); a refund with no such original is rejected as unmatched (the
    original, if the trip happened, stays). "Same trip" means the same ``trip_id``
    (with the same mode and currency) when the refund has a ``trip_id``; without one,
    the same entity, traveller, date, mode, origin, destination, route, nights, country
    and currency. Several refunds of one trip pair with its originals in row order.
    ``"keep"`` keeps negative-cost rows as activities (they then count as trips).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .parse import as_text

__all__ = ["exact_duplicates", "net_refunds"]


def _group_ids(frame: pd.DataFrame) -> np.ndarray:
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.int64)
    try:
        return frame.groupby(list(frame.columns), dropna=False, sort=False).ngroup().to_numpy()
    except TypeError:  # unhashable cells (lists from JSON): compare their text
        text = pd.DataFrame({c: as_text(frame[c]) for c in frame.columns})
        return text.groupby(list(text.columns), sort=False).ngroup().to_numpy()


def exact_duplicates(frame: pd.DataFrame, consider: np.ndarray | None = None) -> np.ndarray:
    """Position of the first identical row for each later copy, -1 elsewhere.

    Parameters
    ----------
    frame : DataFrame
        The source rows (all columns are compared).
    consider : ndarray of bool, optional
        Only these rows take part (e.g. not blank rows).
    """
    n = len(frame)
    first_of = np.full(n, -1, dtype=np.int64)
    rows = np.arange(n) if consider is None else np.flatnonzero(consider)
    if rows.size < 2:
        return first_of
    ids = _group_ids(frame.iloc[rows].reset_index(drop=True))
    uniques, first = np.unique(ids, return_index=True)
    firsts = rows[first[np.searchsorted(uniques, ids)]]
    later = firsts != rows
    first_of[rows[later]] = firsts[later]
    return first_of


def net_refunds(keys: Callable[[np.ndarray], pd.DataFrame], cost: np.ndarray,
                eligible: np.ndarray) -> np.ndarray:
    """Pair refunds (negative cost) with originals of the same key and absolute cost.

    Parameters
    ----------
    keys : callable
        Positions -> DataFrame of trip key columns for those rows (values compared
        exactly); only called for refunds and rows of the same absolute cost.
    cost : ndarray of float
        Parsed cost (NaN where missing).
    eligible : ndarray of bool
        Rows that may take part.

    Returns
    -------
    ndarray of int
        Position of the partner row, -1 where unpaired.
    """
    n = len(cost)
    refund = eligible & (cost < 0)
    if not refund.any():  # the usual case: a read-only "-1 everywhere"
        return np.broadcast_to(np.int64(-1), (n,))
    partner = np.full(n, -1, dtype=np.int64)
    amount = np.abs(cost)
    candidate = eligible & (cost != 0) & np.isin(amount, amount[refund])
    rows = np.flatnonzero(candidate)
    sub = keys(rows).reset_index(drop=True)
    sub["__amount"] = amount[rows]
    group = _group_ids(sub)
    sign_neg = cost[rows] < 0
    table = pd.DataFrame({"group": group, "neg": sign_neg, "pos": rows})
    table["rank"] = table.groupby(["group", "neg"], sort=False).cumcount()
    originals = table[~table["neg"]]
    refunds = table[table["neg"]]
    pairs = refunds.merge(originals, on=["group", "rank"], suffixes=("_r", "_o"))
    r = pairs["pos_r"].to_numpy()
    o = pairs["pos_o"].to_numpy()
    partner[r] = o
    partner[o] = r
    return partner
