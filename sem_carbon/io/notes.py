"""Notes on kept rows (the ``notes`` column of ``data``) and the readers' warning class.

A row that is computed but whose input needed a word of explanation (a date without a
day, an exact duplicate kept, a formula cell without a value in a column not used) keeps
the explanation in its ``notes`` text (``""`` when none; several notes are joined with
``"; "`` in the order they were added). :func:`sem_carbon.calculate` puts them in front
of the inventory row's own ``notes``.

Memory: nothing is stored per row until a note is added, and the ``notes`` column of a
source without notes is the shared empty text column of
:func:`~sem_carbon.io.common.empty_text`; with notes, the texts are held once per distinct
combination (a pyarrow dictionary decode), never as one Python string per row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputWarning

__all__ = ["InputWarning", "RowNotes"]


class RowNotes:
    """Collects notes on the source rows of one read.

    Parameters
    ----------
    n : int
        Source rows.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, mask: np.ndarray, text: Any) -> None:
        """Note ``text`` (one text, or one per row aligned with the rows) where ``mask``."""
        if not np.any(mask):
            return
        idx = np.flatnonzero(mask)
        texts = text[idx] if isinstance(text, np.ndarray) and text.ndim == 1 else text
        self.add_positions(idx, texts)

    def add_positions(self, positions: np.ndarray, text: Any) -> None:
        """Note ``text`` (one text, or one per position) on the rows at ``positions``."""
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return
        texts = np.broadcast_to(np.asarray(text, dtype=object), positions.shape)
        self._parts.append((positions, texts))

    def __bool__(self) -> bool:
        return bool(self._parts)

    def series(self, positions: np.ndarray | None = None) -> pd.Series:
        """The ``notes`` text of the rows at ``positions`` (None: all rows; a position may
        repeat, e.g. the legs of one routing string)."""
        from .common import empty_text, text_from_codes

        size = self.n if positions is None else len(positions)
        if not self._parts:
            return empty_text(size)
        pos = np.concatenate([p for p, _ in self._parts])
        text = np.concatenate([np.asarray(t, dtype=object) for _, t in self._parts])
        order = np.argsort(pos, kind="stable")  # notes of a row in the order added
        pos, text = pos[order], text[order]
        rows, first = np.unique(pos, return_index=True)
        joined = text[first]
        if rows.size != pos.size:  # some rows have several notes: join them (few rows)
            frame = pd.DataFrame({"pos": pos, "text": text})
            joined = frame.groupby("pos", sort=True)["text"].agg("; ".join).to_numpy(
                dtype=object)
        codes, table = pd.factorize(joined)
        ids = np.full(self.n, -1, dtype=np.intp)
        ids[rows] = codes
        return text_from_codes(ids if positions is None else ids[positions], table)
