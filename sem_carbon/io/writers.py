"""Writing files safely: atomic, mode-keeping, formula-safe and lossless CSV.

Every file sem-carbon writes (inventories, reports, factor editions) goes through the
functions here, so one set of rules holds everywhere:

* **Atomic** — the content is written to a fresh file made by :func:`tempfile.mkstemp` in
  the destination folder (an unpredictable name, created exclusively) and moved into place
  with :func:`os.replace`: nobody sees half a file, and nothing is left behind on failure.
* **Mode kept** — replacing an existing file keeps its permission bits (a report made
  readable by its owner only, because it names travellers, stays so); a new file gets the
  usual ``0o666`` less the process umask.
* **Formula-safe CSV** — a text cell that a spreadsheet would run as a formula (it starts
  with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed and is not a
  plain number such as ``-3``) gets one leading single quote (CSV/formula injection,
  OWASP). A text cell that already starts with a single quote gets one too, so that
  :func:`restore_frame` can remove exactly one and the library reads its own output back
  unchanged (``'s-Hertogenbosch office`` round-trips).
* **Line breaks inside cells** — the CSV follows RFC 4180: records end with CRLF, and every
  field holding a carriage return or a line feed is quoted, so a CSV reader never splits
  such a cell into a new row. For readers that split on any line break regardless, every
  line *inside* a cell is treated like a cell of its own: one that starts with a formula
  character (or, lossless, a quote) gets one leading single quote too, which
  :func:`restore_frame` removes again.

References
----------
.. [1] Shafranovich, Y. (2005), RFC 4180: Common Format and MIME Type for CSV Files.
.. [2] OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputFormatError

__all__ = [
    "FORMULA_PREFIXES",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "csv_text",
    "neutralise_cell",
    "neutralise_frame",
    "neutralise_series",
    "refuse_overwriting",
    "restore_frame",
    "write_csv",
]

#: First characters that make a spreadsheet treat a text cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_RISKY = r"^[=+\-@\t\r\n]|[\r\n][=+\-@\t]"
_RISKY_OR_QUOTED = r"^[=+\-@\t\r\n']|[\r\n][=+\-@\t']"
# a line inside a cell (after a CR or LF) that starts like a formula (or with a quote)
_INNER_LINE = re.compile(r"([\r\n])(?=[=+\-@\t])")
_INNER_LINE_OR_QUOTE = re.compile(r"([\r\n])(?=[=+\-@\t'])")
_INNER_QUOTE = re.compile(r"([\r\n])'")
#: Record separator of the CSV files (RFC 4180); makes the csv module quote CR and LF.
CSV_LINE_END = "\r\n"


# ---------------------------------------------------------------------------- cells
def neutralise_cell(value: Any, *, lossless: bool = False) -> Any:
    """Make one cell safe for a spreadsheet.

    Parameters
    ----------
    value : object
        A cell value.
    lossless : bool, default False
        Also quote text that starts with a single quote, so that :func:`restore_frame`
        gives the value back exactly (CSV files the library reads again).

    Returns
    -------
    object
        ``value`` unchanged unless it is text starting with a formula character (and not a
        plain number), or with a quote when ``lossless``; then the text with one leading
        single quote.

    Examples
    --------
    >>> neutralise_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell(-3.5), neutralise_cell("-3.5")
    (-3.5, '-3.5')
    """
    if not isinstance(value, str):
        return value
    if "\r" in value or "\n" in value:
        value = (_INNER_LINE_OR_QUOTE if lossless else _INNER_LINE).sub(r"\1'", value)
    prefixes = (*FORMULA_PREFIXES, "'") if lossless else FORMULA_PREFIXES
    if value.startswith(prefixes) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _is_text_column(values: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
                or pd.api.types.is_datetime64_any_dtype(values))


def neutralise_series(values: pd.Series, *, lossless: bool = False) -> pd.Series:
    """Neutralise the text cells of a Series (numbers, dates and booleans untouched).

    Works on the distinct values of a categorical column (its labels), so a column of a
    million repeated names costs as much as its few labels.
    """
    if not _is_text_column(values):
        return values
    if isinstance(values.dtype, pd.CategoricalDtype):
        labels = pd.Series(values.cat.categories, dtype=object)
        safe = neutralise_series(labels, lossless=lossless)
        if safe is labels:
            return values
        return values.cat.rename_categories(safe.tolist())
    text = values.astype(object)
    is_text = np.fromiter((isinstance(v, str) for v in text.to_numpy(dtype=object)), bool,
                          count=len(text))
    if not is_text.any():
        return values
    as_str = text.where(is_text, "").astype(str)
    pattern = _RISKY_OR_QUOTED if lossless else _RISKY
    risky = (is_text & as_str.str.contains(pattern, regex=True).to_numpy()
             & ~as_str.str.match(_PLAIN_NUMBER.pattern).to_numpy())
    if not risky.any():
        return values
    out = text.copy()
    out[risky] = [neutralise_cell(v, lossless=lossless) for v in as_str[risky]]
    return out


def neutralise_frame(frame: pd.DataFrame, *, lossless: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are formula-safe.

    Parameters
    ----------
    frame : DataFrame
    lossless : bool, default False
        See :func:`neutralise_cell`.

    Returns
    -------
    DataFrame
        Same shape and index; numeric columns keep their dtype.
    """
    out = frame.copy()
    for i in range(frame.shape[1]):
        out.isetitem(i, neutralise_series(frame.iloc[:, i], lossless=lossless))
    out.columns = [neutralise_cell(c, lossless=lossless) if isinstance(c, str) else c
                   for c in frame.columns]
    return out


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_frame` with ``lossless=True`` (remove the one added quote).

    Parameters
    ----------
    frame : DataFrame
        As read from a CSV the library wrote.

    Returns
    -------
    DataFrame
        ``frame`` with every text cell that starts with a single quote shortened by it.
    """
    for column in list(frame.columns):
        values = frame[column]
        if not _is_text_column(values):
            continue
        text = values.astype("string")
        quoted = text.str.startswith("'").fillna(False)
        inner = text.str.contains(r"[\r\n]'", regex=True).fillna(False)
        if quoted.any() or inner.any():
            text = text.where(~quoted, text.str[1:])
            text = text.where(~inner, text.str.replace(_INNER_QUOTE.pattern, r"\1", regex=True))
            frame[column] = text.astype(object).where(text.notna())
    frame.columns = [c[1:] if isinstance(c, str) and c.startswith("'") else c
                     for c in frame.columns]
    return frame


# ---------------------------------------------------------------------------- CSV
def csv_text(frame: pd.DataFrame, *, lossless: bool = False) -> str:
    """Formula-safe, deterministic CSV text of ``frame`` (no index, RFC 4180 records).

    Parameters
    ----------
    frame : DataFrame
    lossless : bool, default False
        Quote leading single quotes too, so :func:`restore_frame` reads the text back
        exactly (see the module notes).
    """
    return neutralise_frame(frame, lossless=lossless).to_csv(index=False,
                                                             lineterminator=CSV_LINE_END)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], *,
              lossless: bool = False) -> Path:
    """Write ``frame`` as formula-safe CSV, atomically and byte-for-byte reproducibly.

    Parameters
    ----------
    frame : DataFrame
    path : path-like
    lossless : bool, default False
        See :func:`csv_text`.

    Returns
    -------
    Path
    """
    return atomic_write_text(path, csv_text(frame, lossless=lossless))


# ---------------------------------------------------------------------------- files
def _mode_for(dest: Path) -> int:
    """Permission bits for ``dest``: those of the file it replaces, else 0o666 - umask."""
    with contextlib.suppress(FileNotFoundError):
        return stat.S_IMODE(dest.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], Any]) -> Path:
    """Write a file atomically, keeping the mode of a file it replaces.

    Parameters
    ----------
    path : path-like
        Destination; its folder is created when missing.
    write : callable
        ``write(tmp_path)`` writes the whole content to ``tmp_path`` (a fresh file in the
        destination folder, made by :func:`tempfile.mkstemp`).

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
        os.chmod(tmp, _mode_for(dest))
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return dest


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (line ends as given)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def refuse_overwriting(outputs: Iterable[str | os.PathLike[str] | None],
                       inputs: Iterable[str | os.PathLike[str] | None]) -> None:
    """Raise when an output would replace one of the inputs (or two outputs coincide).

    Parameters
    ----------
    outputs, inputs : iterables of path-like or None
        ``None`` entries (an output not asked for, an input that is not a file) are skipped.

    Raises
    ------
    InputFormatError
        Naming the file; nothing has been written.
    """
    def identity(path: str | os.PathLike[str]) -> tuple[Any, ...]:
        p = Path(path).expanduser()
        with contextlib.suppress(OSError):
            st = p.stat()
            return ("inode", st.st_dev, st.st_ino)
        return ("path", str(p.resolve()))

    seen_inputs = {identity(p): str(p) for p in inputs if p is not None and _is_local(p)}
    seen_outputs: dict[tuple[Any, ...], str] = {}
    for out in outputs:
        if out is None:
            continue
        key = identity(out)
        if key in seen_inputs:
            raise InputFormatError(
                f"the output {out} is also an input ({seen_inputs[key]}): writing it would "
                f"destroy the data read; choose another output file")
        if key in seen_outputs:
            raise InputFormatError(f"two outputs go to the same file {out}")
        seen_outputs[key] = str(out)


def _is_local(path: str | os.PathLike[str]) -> bool:
    text = os.fspath(path)
    return "://" not in text
