"""Collect rejected rows (source row, column, value, reason) without per-row Python work."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..schema import REJECT_COLUMNS
from .csvfile import text_dtype
from .parse import as_text

__all__ = ["REJECTED_COLUMNS", "Rejections"]

#: Columns of ``ActivityTable.rejected``.
#: Columns of the rejected rows of one source (:data:`sem_carbon.schema.REJECT_COLUMNS`).
REJECTED_COLUMNS = REJECT_COLUMNS


class Rejections:
    """Accumulates rejections for the rows of one source.

    A row may collect several rejections (one per problem); it is then wholly out of
    ``data``. The problems of one row are listed in the order of :attr:`step` (then in the
    order they were added), so a reader may check its columns in any order and still list
    the problems in a fixed one.

    Parameters
    ----------
    source_row : ndarray of int
        Spreadsheet row number of each source row (position -> row number).
    first_only : bool, default False
        Keep only the first problem found on a row (the batch calculators, which check a
        row no further once it fails); the readers list every problem.

    Attributes
    ----------
    step : int
        Rank of the rejections added from now on (0 to start with).
    """

    def __init__(self, source_row: np.ndarray, first_only: bool = False) -> None:
        self.source_row = np.asarray(source_row)
        self.first_only = first_only
        self.mask = np.zeros(len(self.source_row), dtype=bool)
        self.step = 0
        self._parts: list[pd.DataFrame] = []
        self._final: list[pd.DataFrame] = []  # rejections that replace others of a cell

    def add(self, mask: np.ndarray, column: str, values: Any, reason: Any) -> None:
        """Reject the rows where ``mask`` is True.

        Parameters
        ----------
        mask : ndarray of bool
            Aligned with the source rows.
        column : str
            Source column name (or canonical name when the column is absent).
        values : Series, ndarray or str
            The offending values (aligned with the rows), or one text for all.
        reason : str or ndarray of str
            One reason for all, or a reason per row (aligned with the rows).
        """
        if self.first_only:
            mask = np.asarray(mask, dtype=bool) & ~self.mask
        if not np.any(mask):  # the usual case, and cheaper than flatnonzero
            return
        idx = np.flatnonzero(mask)
        self.add_positions(idx, column, _take(values, idx), _take(reason, idx))

    def add_positions(self, positions: np.ndarray, column: str | np.ndarray, values: Any,
                      reason: Any) -> None:
        """Reject rows by position; ``values``/``reason`` are aligned with ``positions``."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.first_only and positions.size:
            keep = ~self.mask[positions]
            positions, values, reason = (positions[keep], _take(values, keep, positions.size),
                                         _take(reason, keep, positions.size))
            column = _take(column, keep, keep.size)
        if positions.size == 0:
            return
        n = positions.size
        self.mask[positions] = True
        self._parts.append(pd.DataFrame({
            "pos": positions,
            "step": np.full(n, self.step, dtype=np.int64),
            "column": np.broadcast_to(np.asarray(column, dtype=object), (n,)),
            "value": _texts(values, n),
            "reason": np.broadcast_to(np.asarray(reason, dtype=object), (n,)),
        }))

    def supersede(self, positions: np.ndarray, column: np.ndarray, values: Any,
                  reason: Any) -> None:
        """Reject rows by position with a reason that replaces every other problem found
        in the same column of the same row (e.g. an Excel formula without a value: the
        cell also reads as missing, but that is not the problem to show)."""
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return
        n = positions.size
        self.mask[positions] = True
        self._final.append(pd.DataFrame({
            "pos": positions,
            "step": np.full(n, -1, dtype=np.int64),
            "column": np.broadcast_to(np.asarray(column, dtype=object), (n,)),
            "value": _texts(values, n),
            "reason": np.broadcast_to(np.asarray(reason, dtype=object), (n,)),
        }))

    def frame(self, index: pd.Index | None = None) -> pd.DataFrame:
        """The rejections as a DataFrame (``source_row``, ``column``, ``value``, ``reason``),
        ordered by source row (problems of one row by step, then as they were found).

        Parameters
        ----------
        index : Index, optional
            Labels of the source rows (a batch calculator's input index): the frame is then
            indexed by the rejected rows' labels.
        """
        dtype = text_dtype()
        if not self._parts and not self._final:
            return pd.DataFrame({
                "source_row": pd.Series([], dtype=self.source_row.dtype),
                **{c: pd.Series([], dtype=dtype) for c in REJECTED_COLUMNS[1:]},
            }, index=None if index is None else index[:0])
        parts = pd.concat(self._parts, ignore_index=True) if self._parts else None
        if self._final:
            final = pd.concat(self._final, ignore_index=True)
            if parts is not None:  # drop what the final reasons replace
                keys = pd.MultiIndex.from_arrays([final["pos"], final["column"].astype(str)])
                here = pd.MultiIndex.from_arrays([parts["pos"], parts["column"].astype(str)])
                parts = parts[~here.isin(keys)]
            parts = pd.concat([final, parts], ignore_index=True)
        assert parts is not None
        order = np.lexsort((parts["step"].to_numpy(), parts["pos"].to_numpy()))  # stable
        parts = parts.iloc[order]
        pos = parts["pos"].to_numpy()
        return pd.DataFrame({
            "source_row": self.source_row[pos],
            "column": parts["column"].astype(str).to_numpy(),
            "value": parts["value"].astype(str).to_numpy(),
            "reason": parts["reason"].astype(str).to_numpy(),
        }, index=None if index is None else index[pos]).astype(
            dict.fromkeys(REJECTED_COLUMNS[1:], dtype))


def _take(values: Any, idx: np.ndarray, size: int | None = None) -> Any:
    """``values[idx]`` of per-row values; one value for all is returned as it is (with
    ``size``: only arrays of that length are per-row)."""
    if isinstance(values, pd.Series):
        return values.iloc[idx]
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.size > 1 \
            and (size is None or values.size == size):
        return values[idx]
    return values


def _texts(values: Any, n: int) -> np.ndarray:
    if isinstance(values, pd.Series):
        return as_text(values.reset_index(drop=True), strip=False).to_numpy(dtype=object)
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return as_text(pd.Series(values, dtype=object), strip=False).to_numpy(dtype=object)
    return np.full(n, "" if values is None else str(values), dtype=object)
