"""Output safety: HTML escaping, spreadsheet-formula neutralisation and atomic writes.

Three rules hold for every file the report writes:

* **HTML** — every piece of data is passed through :func:`html.escape` (quotes too), so an
  entity called ``<script>alert(1)</script>`` is shown as text, never run.
* **CSV / Excel** — a *text* cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return would be read as a formula by spreadsheet programs (CSV/formula
  injection, OWASP). Such cells get a leading single quote. Numeric cells, and text that
  is just a plain number (``"-3"``), stay as they are.
* **Atomic** — a file is written to a temporary file in the destination folder and moved
  into place with :func:`os.replace`, so readers never see half a report and nothing is
  left behind when writing fails.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "FORMULA_PREFIXES",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "esc",
    "neutralise_cell",
    "neutralise_frame",
    "write_csv",
]

#: First characters that make a spreadsheet treat a text cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DANGEROUS = r"^[=+\-@\t\r]"


def esc(value: Any) -> str:
    """HTML-escape any value (``None`` and NaN become an empty string).

    Parameters
    ----------
    value : object
        Anything; converted with :class:`str` first.

    Returns
    -------
    str
        Text safe inside an element or a quoted attribute.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def neutralise_cell(value: Any) -> Any:
    """Make one cell safe for CSV/Excel.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        ``value`` unchanged unless it is text starting with a formula character and is not a
        plain number; then the text with a leading single quote.

    Examples
    --------
    >>> neutralise_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell(-3.5), neutralise_cell("-3.5")
    (-3.5, '-3.5')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) \
            and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _is_text(values: pd.Series) -> np.ndarray:
    return np.fromiter((isinstance(v, str) for v in values.to_numpy(dtype=object)), bool,
                       count=len(values))


def neutralise_series(values: pd.Series) -> pd.Series:
    """Neutralise the text cells of a Series (numbers, dates and booleans untouched)."""
    if (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
            or pd.api.types.is_datetime64_any_dtype(values)):
        return values
    text = values.astype(object)
    is_text = _is_text(text)
    if not is_text.any():
        return values
    as_str = text.where(is_text, "").astype(str)
    risky = (is_text & as_str.str.contains(_DANGEROUS, regex=True).to_numpy()
             & ~as_str.str.match(_PLAIN_NUMBER.pattern).to_numpy())
    if not risky.any():
        return values
    out = text.copy()
    out[risky] = "'" + as_str[risky]
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are formula-safe.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    DataFrame
        Same shape and index; numeric columns keep their dtype.
    """
    out = frame.copy()
    for i in range(frame.shape[1]):
        out.isetitem(i, neutralise_series(frame.iloc[:, i]))
    out.columns = [neutralise_cell(str(c)) if isinstance(c, str) else c for c in frame.columns]
    return out


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], Any]) -> Path:
    """Write a file atomically.

    Parameters
    ----------
    path : path-like
        Destination; its folder is created when missing.
    write : callable
        ``write(tmp_path)`` writes the whole content to ``tmp_path`` (a fresh file in the
        destination folder).

    Returns
    -------
    Path
        The destination.

    Notes
    -----
    The temporary file is removed when ``write`` raises; the destination is then untouched.
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp creates files readable by the owner only; give reports normal permissions
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return dest


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` with ``\\n`` line ends to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def csv_text(frame: pd.DataFrame) -> str:
    """Formula-safe, deterministic CSV text of ``frame`` (no index, ``\\n`` line ends)."""
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as formula-safe CSV, atomically and byte-for-byte reproducibly.

    Parameters
    ----------
    frame : DataFrame
    path : path-like

    Returns
    -------
    Path
    """
    return atomic_write_text(path, csv_text(frame))
