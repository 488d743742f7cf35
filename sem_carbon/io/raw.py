"""``RawTable``: a source read into a DataFrame, before any mapping."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

__all__ = ["CELL_ISSUE_COLUMNS", "RawTable", "decimal_origin", "no_cell_issues"]

#: Columns of ``RawTable.cell_issues``.
CELL_ISSUE_COLUMNS = ("pos", "column", "value", "reason", "note")


def no_cell_issues() -> pd.DataFrame:
    """An empty ``cell_issues`` table."""
    return pd.DataFrame({"pos": np.zeros(0, dtype=np.int64),
                         **{c: np.zeros(0, dtype=object) for c in CELL_ISSUE_COLUMNS[1:]}})


@attrs.frozen
class RawTable:
    """A source read into a DataFrame, before any mapping.

    Attributes
    ----------
    frame : DataFrame
        The source's columns (names stripped and de-duplicated), RangeIndex; row ``i`` is
        spreadsheet row ``i + first_row``.
    source : str
        Text naming the source (credentials and query strings stripped).
    format : str
        ``csv``, ``xlsx``, ``xls``, ``parquet``, ``json`` or ``dataframe``.
    decimal : str
        Default decimal mark of numbers written as text (``","`` or ``"."``).
    cell_issues : DataFrame
        Cells whose value the frame cannot hold as the user sees it (an Excel formula
        saved without its value, an Excel error value: both read as missing), one row
        each: ``pos`` (row position in ``frame``), ``column`` (frame column name),
        ``value`` (the formula or error text), ``reason`` (for ``rejected`` when the
        column is read) and ``note`` (for the row's notes when it is not). Empty for
        other formats.
    first_row : int, default 2
        Spreadsheet row number of the frame's first row (the header is the row above;
        see :func:`sem_carbon.io.header.apply_header_row`).
    decimal_origin : str, default ""
        Why ``decimal`` is the default, for the notes on numbers it settles (``"the
        decimal comma is the default of ';'-separated files"``, ``"decimal=',' was
        given"``); see :func:`decimal_origin`.
    decimal_given : bool, default False
        ``decimal`` was passed by the caller: it decides every number column, whatever
        the column's own values suggest (a value that does not read with it is bad).
    """

    frame: pd.DataFrame
    source: str
    format: str
    decimal: str = "."
    cell_issues: pd.DataFrame = attrs.field(factory=no_cell_issues)
    first_row: int = 2
    decimal_origin: str = ""
    decimal_given: bool = False


def decimal_origin(given: str | None, decimal: str, delimiter: str | None = None) -> str:
    """Why ``decimal`` is a source's default decimal mark, in words for a note.

    Parameters
    ----------
    given : str or None
        The ``decimal=`` the caller passed (None: detected).
    decimal : {",", "."}
        The default in use.
    delimiter : str, optional
        The delimiter of delimited text (None for other formats).
    """
    if given is not None:
        return f"decimal={given!r} was given"
    if delimiter == ";" and decimal == ",":
        return "the decimal comma is the default of ';'-separated files"
    if delimiter is not None:
        return f"the decimal point is the default of {delimiter!r}-separated files"
    return "the decimal point is the default outside ';'-separated files"
