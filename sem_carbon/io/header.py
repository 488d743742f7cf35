"""Tables whose header is not on the first row (title lines above it).

Exports from travel and finance systems often start with a title, a date range or a
blank line above the column names. ``header_row`` names the row holding the column names
(1-based, as a spreadsheet numbers rows; 1 is the default); the rows above it are
dropped and every source row keeps its spreadsheet number in messages (``source_row``).

Without ``header_row`` such a title line is taken for the column names: a title in the
first cell (often merged across the row) and blank cells, which the readers name
``column_2``, ``column_3`` ... (:func:`sem_carbon.io.csvfile.dedupe_names`). A reader that
then finds no required column adds :func:`title_row_hint` to its error.
"""

from __future__ import annotations

import re

import attrs
import pandas as pd

from ..errors import InputFormatError, InvalidArgumentError
from .csvfile import dedupe_names
from .raw import RawTable

__all__ = ["apply_header_row", "title_row_hint"]

_FILLER = re.compile(r"column_\d+(\.\d+)?")


def apply_header_row(raw: RawTable, header_row: int | None) -> RawTable:
    """``raw`` re-read with its column names taken from spreadsheet row ``header_row``.

    Parameters
    ----------
    raw : RawTable
        A table read with its first row as the header (row ``i`` of the frame is
        spreadsheet row ``i + 2``).
    header_row : int, optional
        The row of the column names, 1-based (None or 1: the first row, unchanged).

    Returns
    -------
    RawTable
        Rows from ``header_row + 1`` on, named by the header row's cells (a blank cell
        gives ``column_<n>``), with ``first_row = header_row + 1``.

    Raises
    ------
    InvalidArgumentError
        ``header_row`` is not a whole number >= 1.
    InputFormatError
        The source has fewer rows than ``header_row``.
    """
    if header_row is None:
        return raw
    if isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
        raise InvalidArgumentError(
            f"header_row is the 1-based row of the column names, got {header_row!r}")
    if header_row == raw.first_row - 1:
        return raw
    skip = header_row - raw.first_row  # frame position of the header row
    frame = raw.frame
    if skip < 0 or skip >= len(frame):
        raise InputFormatError(f"{raw.source}: header_row={header_row}, but the source has "
                               f"{len(frame) + raw.first_row - 1} rows")
    cells = frame.iloc[skip].tolist()
    names = [f"column_{i}" if pd.isna(v) or not str(v).strip() else str(v).strip()
             for i, v in enumerate(cells, start=1)]
    names = dedupe_names(names)
    body = frame.iloc[skip + 1:].reset_index(drop=True)
    body.columns = names
    rename = dict(zip(frame.columns, names, strict=True))
    issues = raw.cell_issues
    if len(issues):
        issues = issues[issues["pos"] > skip].copy()
        issues["pos"] = issues["pos"] - (skip + 1)
        old = issues["column"]
        issues["column"] = old.map(rename)
        # the note names the column too ("column 'column_6': ..."): the header row's name
        prefix = "column " + old.map(repr) + ": "
        named = [note[len(p):] if note.startswith(p) else note
                 for note, p in zip(issues["note"], prefix, strict=True)]
        issues["note"] = ("column " + issues["column"].map(repr) + ": "
                          + pd.Series(named, index=issues.index, dtype=object))
        issues = issues.reset_index(drop=True)
    return attrs.evolve(raw, frame=body, cell_issues=issues, first_row=header_row + 1)


def title_row_hint(raw: RawTable) -> str:
    """A hint at ``header_row`` for an error about missing columns ("" when none applies).

    The header looks like a title line when a filler name (``column_<n>``, a blank
    header cell) is among its names and at most one name is real (a title in one cell),
    or the fillers are most of the names. Only for a table read from its first row
    (``header_row`` not given): with ``header_row`` the user has already chosen.

    Parameters
    ----------
    raw : RawTable
        The table whose column names were searched.

    Returns
    -------
    str
        Text to append to the error message (starting with a space), or "".
    """
    if raw.first_row != 2:
        return ""
    names = [str(c) for c in raw.frame.columns]
    fillers = sum(bool(_FILLER.fullmatch(n)) for n in names)
    named = len(names) - fillers
    if not fillers or (named > 1 and fillers * 2 <= len(names)):
        return ""
    cells = f"{named} filled cell{'' if named == 1 else 's'}, {fillers} blank"
    return (f" The first row looks like a title, not column names ({cells}): if the names "
            "are on a later row, give that row's number, as the spreadsheet numbers it, with "
            "header_row= (command line: --header-row).")
