"""Workbooks with one table per sheet (a sheet per month, quarter or office).

Without ``sheet=`` the readers read the first visible sheet. The other visible sheets are
looked at by their header row only (:attr:`RawTable.other_sheets`, read cheaply by
:mod:`sem_carbon.io.excel`): a sheet holds *the same table* when its column names, as the
readers name them (stripped, de-duplicated, blank ones ``column_<n>``; trailing blank
header cells aside), are those of the sheet read, or when they map to the same canonical
columns (:func:`sem_carbon.io.columns.plan_columns` with the same ``mapping`` and
``units``). Such sheets are not read silently: one
:class:`~sem_carbon.io.notes.InputWarning` names them with their rows (by the sheet's
stated size) and how to read them.

``sheet="all"`` reads the first visible sheet and every such sheet; a list of names reads
those sheets. Each sheet is read as a source of its own (its notes, duplicates, refunds
and row numbers are the sheet's) and the tables are stacked
(:func:`sem_carbon.io.table.combine_sheets`): ``data`` and ``rejected`` get a ``sheet``
column, ``(sheet, source_row)`` names a row as a person finds it in the workbook, and
:func:`sem_carbon.calculate` keeps each sheet a source of its own
(``file.xlsx [sheet 'Feb']``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import SemCarbonError
from .columns import ColumnPlan, plan_columns
from .notes import InputWarning
from .raw import RawTable, SheetHead
from .sources import load_sheets
from .table import ActivityTable, combine_sheets

__all__ = ["is_several", "read_sheets", "same_table_sheets", "warn_other_sheets"]

_FILLER_PREFIX = "column_"


def is_several(sheet: Any) -> bool:
    """True for ``sheet="all"`` or a list (tuple) of sheet names.

    Parameters
    ----------
    sheet : Any
        The ``sheet=`` of a reader.
    """
    return isinstance(sheet, list | tuple) or (isinstance(sheet, str) and sheet == "all")


def _trimmed(names: Sequence[str]) -> tuple[str, ...]:
    """Column names without trailing blank-header fillers (``column_<n>`` at its place)."""
    out = [str(n) for n in names]
    while out and out[-1] == f"{_FILLER_PREFIX}{len(out)}":
        out.pop()
    return tuple(out)


def same_table_sheets(raw: RawTable, plan: ColumnPlan,
                      mapping: Mapping[str, Any] | str | Path | None,
                      units: Mapping[str, str] | None) -> list[SheetHead]:
    """The other visible sheets of ``raw``'s workbook holding the table ``raw`` holds.

    Parameters
    ----------
    raw : RawTable
        The sheet read (its ``other_sheets``: the other visible sheets' headers).
    plan : ColumnPlan
        How ``raw``'s columns were mapped.
    mapping, units
        The reader's ``mapping`` and ``units`` (a sheet's header is mapped with them).

    Returns
    -------
    list of SheetHead
        In the workbook's order.
    """
    if not raw.other_sheets:
        return []
    own = _trimmed(list(raw.frame.columns))
    canonical = set(plan.columns)
    found = []
    for head in raw.other_sheets:
        if not head.header:
            continue
        if _trimmed(head.header) == own:
            found.append(head)
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                other = plan_columns(plan.kind, list(head.header), mapping, units)
        except (SemCarbonError, ValueError):
            continue
        if set(other.columns) == canonical:
            found.append(head)
    return found


def warn_other_sheets(raw: RawTable, plan: ColumnPlan,
                      mapping: Mapping[str, Any] | str | Path | None,
                      units: Mapping[str, str] | None) -> None:
    """Warn (:class:`~sem_carbon.io.notes.InputWarning`) of the other visible sheets that hold
    the table read and were not read (see the module notes).

    Parameters
    ----------
    raw : RawTable
        The sheet read.
    plan : ColumnPlan
        How its columns were mapped.
    mapping, units
        The reader's ``mapping`` and ``units``.
    """
    found = same_table_sheets(raw, plan, mapping, units)
    if not found:
        return
    listed = ", ".join(f"{h.name!r} ({_rows(h.rows)})" for h in found)
    many = len(found) > 1
    warnings.warn(
        f"{raw.source}: only the sheet {raw.sheet!r} was read; {len(found)} other visible "
        f"sheet{'s' if many else ''} hold{'' if many else 's'} a table with the same columns "
        f"and {'were' if many else 'was'} not read: {listed}. Read every such sheet with "
        f"sheet='all' (command line: --sheet all), or one with sheet={found[0].name!r}",
        InputWarning, stacklevel=4)


def _rows(rows: int | None) -> str:
    if rows is None:
        return "rows not stated"
    return f"{rows:,} row{'' if rows == 1 else 's'}"


def read_sheets(source: Any, sheet: str | Sequence[str], kind: str,
                mapping: Mapping[str, Any] | str | Path | None, units: Mapping[str, str] | None,
                build: Callable[[RawTable], ActivityTable],
                header_row: int | None, options: dict[str, Any]) -> ActivityTable:
    """Several sheets of a workbook read into one :class:`ActivityTable` (``sheet="all"``
    or a list of names; see the module notes).

    Parameters
    ----------
    source : path, URL or binary file object
        The workbook.
    sheet : "all" or sequence of str
        Which sheets.
    kind : {"travel", "facilities"}
        The table read.
    mapping, units
        The reader's ``mapping`` and ``units``.
    build : callable
        A sheet's :class:`RawTable` -> its ActivityTable (the reader's normalisation).
    header_row : int, optional
        The row of the column names, on every sheet.
    options : dict
        ``decimal`` and the limits and URL options of :func:`sem_carbon.io.sources.load_sheets`.

    Raises
    ------
    InputFormatError
        Not a workbook, no such sheet, a sheet named twice, a sheet lacking a required
        column, a limit exceeded.
    """

    def pick(first: RawTable) -> list[str]:
        plan = plan_columns(kind, [str(c) for c in first.frame.columns], mapping, units)
        return [h.name for h in same_table_sheets(first, plan, mapping, units)]

    shown, raws = load_sheets(source, sheet, pick=pick, header_row=header_row, **options)
    tables = [build(raw) for raw in raws]
    return combine_sheets(tables, [str(raw.sheet) for raw in raws], shown)
