"""Exact duplicate rows and refund netting, vectorised.

Duplicates (``duplicates=``)
    Two source rows are exact duplicates when every source column holds the same value
    (missing equals missing). ``"keep"`` (default) keeps them all (two identical
    tickets may be two real trips) and notes each later copy with ``"exact duplicate of
    row N (kept; duplicates='drop' rejects it)"``; ``"drop"`` keeps the first and
    rejects each later copy with ``"exact duplicate of row N"``.

    Speed: comparing every column of every row costs about as much as reading the file,
    so the readers pass *hints*, per-row values they have parsed anyway (codes of words,
    numbers, dates), each a function of the row's cells. Rows whose hints hash alike
    are the only candidates; only they are compared on all columns. The hints can only
    narrow the search: the result is that of the full comparison.
Refunds (``refunds=``)
    A row with a negative cost is a refund or the cancelled half of an exchange.
    ``"net"`` (default) pairs it with an original row that has the same trip and the
    same absolute cost, and rejects both with ``"refunded (netted with row N)"`` (N is
    the partner); a refund with no such original is rejected as unmatched (the
    original, if the trip happened, stays). "Same trip" means the same ``trip_id``
    (with the same mode and currency) when the refund has a ``trip_id``; without one,
    the same entity, traveller, date, mode, origin, destination, route, nights, rooms
    (a blank is 1 room), country and currency. Several refunds of one trip pair with its
    originals in row order.
    ``"keep"`` keeps negative-cost rows as activities (they then count as trips).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .parse import arrow_text, as_text

__all__ = ["exact_duplicates", "net_refunds"]


def _group_ids(frame: pd.DataFrame) -> np.ndarray:
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.int64)
    try:
        return frame.groupby(list(frame.columns), dropna=False, sort=False).ngroup().to_numpy()
    except TypeError:  # unhashable cells (lists from JSON): compare their text
        text = pd.DataFrame({c: as_text(frame[c]) for c in frame.columns})
        return text.groupby(list(text.columns), sort=False).ngroup().to_numpy()


_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio) for mixing
_HINTED_ABOVE = 1000  # fewer rows are compared on all columns directly
_LITTLE = np.little_endian  # the upper half of a uint64 is its second uint32


def exact_duplicates(frame: pd.DataFrame, consider: np.ndarray | None = None,
                     hints: Sequence[np.ndarray] = ()) -> np.ndarray:
    """Position of the first identical row for each later copy, -1 elsewhere.

    Parameters
    ----------
    frame : DataFrame
        The source rows (all columns are compared).
    consider : ndarray of bool, optional
        Only these rows take part (e.g. not blank rows).
    hints : sequence of ndarray
        Per-row numeric values (codes, numbers, dates), each equal on rows whose cells
        are equal; they narrow the rows compared on all columns (see the module notes).
    """
    n = len(frame)
    first_of = np.full(n, -1, dtype=np.int64)
    rows = np.arange(n) if consider is None else np.flatnonzero(consider)
    if rows.size < 2:
        return first_of
    if hints and rows.size > _HINTED_ABOVE:
        rows = rows[_shared(_hash(hints, rows, n))]
        if rows.size < 2:
            return first_of
    ids = _group_ids(_take_rows(frame, rows))
    uniques, first = np.unique(ids, return_index=True)
    firsts = rows[first[np.searchsorted(uniques, ids)]]
    later = firsts != rows
    first_of[rows[later]] = firsts[later]
    return first_of


def _take_rows(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[rows]`` (sorted ``rows``) with a RangeIndex. A text column read from a
    file is a pyarrow array of many chunks, which ``iloc`` would first join into one (a
    copy of the whole column for a few rows): its rows are taken chunk by chunk instead."""
    if rows.size * 8 > len(frame):  # many rows: iloc's copy is worth it
        return frame.iloc[rows].reset_index(drop=True)
    import pyarrow as pa

    columns = {}
    for i in range(frame.shape[1]):
        series = frame.iloc[:, i]
        column = arrow_text(series)
        if column is None or column.num_chunks < 2:
            columns[i] = series.iloc[rows].reset_index(drop=True)
            continue
        chunks = column.chunks
        bounds = np.cumsum([len(c) for c in chunks])
        chunk_of = np.searchsorted(bounds, rows, side="right")
        starts = np.concatenate([[0], bounds[:-1]])
        parts = [chunks[c].take(pa.array(rows[chunk_of == c] - starts[c]))
                 for c in np.unique(chunk_of)]  # chunks holding some of the rows
        columns[i] = pd.Series(pa.chunked_array(parts, type=column.type), dtype=series.dtype)
    out = pd.DataFrame(columns, copy=False)
    out.columns = frame.columns
    return out


def _hash(hints: Sequence[np.ndarray], rows: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit hash per row of ``rows`` of its hint values (equal values: equal hash).

    A few in-place passes per hint (a polynomial in the values' bits, then one mixing
    step); hints holding one value everywhere carry no information and are skipped.
    """
    out: np.ndarray | None = None
    every = rows.size == n
    with np.errstate(over="ignore"):
        for values in hints:
            values = np.asarray(values)
            if values.size == 0 or values.strides == (0,):
                continue
            taken = values if every else values[rows]
            if taken.dtype.itemsize == 8 and taken.dtype.kind in "fMiu":
                bits = taken.view(np.uint64)  # floats, dates, intp codes: no copy
            else:
                bits = taken.astype(np.int64).view(np.uint64)
            if out is None:
                out = bits * _MIX
            else:
                out *= _MIX
                out += bits
        if out is None:  # no information: every row is a candidate
            return np.zeros(rows.size, dtype=np.uint64)
        out ^= out >> np.uint64(29)
        out *= _MIX
    return out


def _shared(hashes: np.ndarray) -> np.ndarray:
    """Mask of the hashes that occur more than once.

    One sort of their upper 32 bits finds the values shared (none, the usual case, ends
    there); the rows holding one are found through a table of 2**20 bits (a few false
    hits, removed by an exact look-up), and compared on all 64 bits.
    """
    upper = hashes.view(np.uint32)[1::2] if _LITTLE else (
        hashes >> np.uint64(32)).astype(np.uint32)
    ordered = np.sort(upper)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return np.zeros(hashes.size, dtype=bool)
    values = np.unique(ordered[1:][same])
    table = np.zeros(1 << 20, dtype=bool)
    table[values >> np.uint32(12)] = True
    out = table[upper >> np.uint32(12)]
    hits = np.flatnonzero(out)
    out[hits] = pd.Series(upper[hits]).isin(values).to_numpy()
    hits = np.flatnonzero(out)
    out[hits] = pd.Series(hashes[hits]).duplicated(keep=False).to_numpy()
    return out


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
