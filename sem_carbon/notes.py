"""Row notes: the fallbacks, substitutions and doubts a computed figure carries.

Notes are text columns of the inventory (``notes``), several notes on one row joined
with ``"; "``. They repeat across millions of rows, so they are held as categoricals and
joined once per distinct combination, never once per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SEPARATOR", "join_notes"]

#: Between two notes of one row.
SEPARATOR = "; "


def join_notes(*parts: pd.Series | np.ndarray | tuple[np.ndarray, list[str]] | str | None
               ) -> Any:
    """Join note columns (or one note for all rows) with ``"; "``, skipping empty ones.

    A column is a Series, an array, or ``(codes, labels)``: per-row codes into a list of
    texts (which may repeat).

    The text is built once per distinct combination of notes, not per row: notes repeat
    across millions of rows. Returns the last part unchanged when it is the only one.
    """
    import pandas as pd

    given = [p for p in parts if p is not None and not (isinstance(p, str) and not p)]
    if len(given) <= 1:
        return given[0] if given else ""
    columns = [p for p in given if not isinstance(p, str)]
    n = len(columns[0])
    combined = np.zeros(n, np.int64)
    labels: list[list[str]] = []
    for part in given:
        if isinstance(part, str):
            codes, cats = np.zeros(n, np.int64), [part]
        else:
            codes, cats = _codes(part)
        combined = combined * len(cats) + codes
        labels.append(cats)
    inverse, uniques = pd.factorize(combined)  # hashing: no sort of the rows
    texts = []
    for value in uniques.tolist():
        pieces = []
        for cats in reversed(labels):
            value, code = divmod(value, len(cats))
            pieces.append(cats[code])
        texts.append(SEPARATOR.join(dict.fromkeys(x for x in reversed(pieces) if x)))
    distinct, remap = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
    return pd.Categorical.from_codes(remap.reshape(-1)[inverse.reshape(-1)], distinct.tolist())


def _codes(part: Any) -> tuple[np.ndarray, list[str]]:
    """A note column as codes into its distinct texts (missing -> ``""``).

    A categorical is used as it is (its codes, its labels), with no text per row; other
    columns are factorised once.
    """
    import pandas as pd

    if isinstance(part, tuple):  # (codes, labels) already, labels may repeat
        codes, labels = part
        distinct, remap = np.unique(np.asarray([str(c) for c in labels], dtype=object),
                                    return_inverse=True)
        return remap.reshape(-1).astype(np.int64)[codes], distinct.tolist()
    if isinstance(part, pd.Series):
        part = part.array
    if isinstance(part, pd.Categorical):
        codes = part.codes.astype(np.int64)
        cats = [str(c) for c in part.categories]
        if (codes < 0).any():
            codes[codes < 0] = len(cats)
            cats.append("")
        return codes, cats
    codes, uniques = pd.factorize(np.asarray(part, dtype=object) if not isinstance(
        part, pd.api.extensions.ExtensionArray) else part, use_na_sentinel=True)
    cats = [str(c) for c in uniques]
    codes = codes.astype(np.int64, copy=False)
    if (codes < 0).any():
        codes[codes < 0] = len(cats)
        cats.append("")
    return codes, cats
