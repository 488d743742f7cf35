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

from .codes import index_codes, smallest_int

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

    given = [p for p in parts if p is not None and not (isinstance(p, str) and not p)]
    blank = [i for i, p in enumerate(given) if _blank_text_column(p)]
    if blank and len(blank) < sum(not isinstance(p, str) for p in given):
        # a column without notes adds nothing (another column still gives the rows)
        given = [p for i, p in enumerate(given) if i not in blank]
    if len(given) <= 1:
        return given[0] if given else ""
    columns = [p for p in given if not isinstance(p, str)]
    n = len(columns[0][0] if isinstance(columns[0], tuple) else columns[0])  # rows
    combined = np.zeros(n, np.int64)
    labels: list[list[str]] = []
    for part in given:
        if isinstance(part, str):  # one label, code 0: the combined codes do not change
            labels.append([part])
            continue
        codes, cats = _codes(part)
        combined *= len(cats)  # in place: no temporary array per part
        combined += codes
        labels.append(cats)
    inverse, uniques = index_codes(combined, int(np.prod([len(c) for c in labels])))
    texts = []
    for value in uniques.tolist():
        pieces = []
        for cats in reversed(labels):
            value, code = divmod(value, len(cats))
            pieces.append(cats[code])
        texts.append(SEPARATOR.join(dict.fromkeys(x for x in reversed(pieces) if x)))
    from .tabular import categorical_from_table

    return categorical_from_table(inverse.reshape(-1), texts)


def _blank_text_column(part: Any) -> bool:
    """True for a column of arrow-backed text that holds no note (every value empty or
    missing), found by pyarrow without factorising it (a log's empty notes column)."""
    import sys

    if "pandas" not in sys.modules:  # then it cannot be a pandas column (scalar calls)
        return False
    import pandas as pd

    if not (isinstance(part, pd.Series) and isinstance(part.dtype, pd.StringDtype)
            and part.dtype.storage == "pyarrow"):
        return False
    import pyarrow as pa
    import pyarrow.compute as pc

    longest = pc.max(pc.utf8_length(pa.array(part.array))).as_py()
    return longest is None or longest == 0


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
        remap = remap.reshape(-1).astype(smallest_int(len(distinct)))
        return remap[codes], distinct.tolist()  # codes in the smallest type (memory)
    if isinstance(part, pd.Series):
        part = part.array
    if isinstance(part, pd.Categorical):
        codes = part.codes  # as stored (int8 / int16 ...): no 8-byte copy per row
        cats = [str(c) for c in part.categories]
        if (codes < 0).any():
            codes = np.where(codes < 0, len(cats), codes).astype(smallest_int(len(cats)))
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
