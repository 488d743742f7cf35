"""``RawTable``: a source read into a DataFrame, before any mapping."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

__all__ = ["CELL_ISSUE_COLUMNS", "RawTable", "SheetHead", "decimal_origin", "no_cell_issues"]

#: Columns of ``RawTable.cell_issues``.
CELL_ISSUE_COLUMNS = ("pos", "column", "value", "reason", "note")


def no_cell_issues() -> pd.DataFrame:
    """An empty ``cell_issues`` table."""
    return pd.DataFrame({"pos": np.zeros(0, dtype=np.int64),
                         **{c: np.zeros(0, dtype=object) for c in CELL_ISSUE_COLUMNS[1:]}})


@attrs.frozen
class SheetHead:
    """A sheet of a workbook known by its header row only (read cheaply).

    Attributes
    ----------
    name : str
        The sheet's name.
    header : tuple of str
        Its column names as the readers name them (stripped, de-duplicated; a blank cell
        ``column_<n>``), from the header row.
    rows : int or None
        Rows below the header row by the sheet's stated size (the ``<dimension>`` of an
        ``.xlsx`` sheet, trailing blank rows included); None when the sheet states none.
    """

    name: str
    header: tuple[str, ...]
    rows: int | None


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
    date_system : {"1900", "1904"} or None, default None
        Excel's date system of the workbook (``date1904``; xlrd's ``datemode``): numbers in
        a date column are serial dates of that system. None: the source carries none (CSV,
        JSON, Parquet, a DataFrame): they are read in the 1900 system, with a note.
    other_sheets : tuple of SheetHead, default ()
        The workbook's other visible sheets, by their header row only (see
        :func:`sem_carbon.io.excel.sheet_heads`): the readers warn of those holding a table
        like the one read. Empty for other formats and when ``sheet=`` was given.
    sheet : str or None, default None
        The name of the workbook's sheet read (None for other formats).
    """

    frame: pd.DataFrame
    source: str
    format: str
    decimal: str = "."
    cell_issues: pd.DataFrame = attrs.field(factory=no_cell_issues)
    first_row: int = 2
    decimal_origin: str = ""
    decimal_given: bool = False
    date_system: str | None = None
    other_sheets: tuple[SheetHead, ...] = ()
    sheet: str | None = None


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
