"""``ActivityTable``: what the readers return (see ``docs/tables.md``)."""

from __future__ import annotations

from typing import Literal

import attrs
import pandas as pd

from .rejects import REJECTED_COLUMNS

__all__ = ["ActivityTable", "SheetPart", "combine_sheets"]


@attrs.frozen
class SheetPart:
    """One sheet of an :class:`ActivityTable` read from several sheets.

    Attributes
    ----------
    sheet : str
        The sheet's name (the ``sheet`` column of ``data`` and ``rejected``).
    source : str
        The sheet as a source (``"file.xlsx [sheet 'Feb']"``): its identity in an inventory.
    rows_read : int
        Data rows of the sheet (header excluded).
    """

    sheet: str
    source: str
    rows_read: int = attrs.field(converter=int)


def _check_rejected(instance: ActivityTable, attribute: attrs.Attribute,
                    value: pd.DataFrame) -> None:
    missing = [c for c in REJECTED_COLUMNS if c not in value.columns]
    if missing:
        raise ValueError(f"rejected needs the columns {', '.join(REJECTED_COLUMNS)}; "
                         f"missing {', '.join(missing)}")


def _check_data(instance: ActivityTable, attribute: attrs.Attribute,
                value: pd.DataFrame) -> None:
    if "source_row" not in value.columns:
        raise ValueError("data needs a source_row column")


@attrs.frozen(eq=False, repr=False)
class ActivityTable:
    """Activities read from one source, ready for :func:`sem_carbon.calculate`.

    Attributes
    ----------
    kind : {"travel", "facilities"}
        Which canonical table ``data`` follows.
    data : DataFrame
        One row per computable activity (a routing string becomes one row per leg), the
        canonical columns of ``docs/tables.md`` followed by the extra source columns.
    rejected : DataFrame
        ``source_row``, ``column``, ``value``, ``reason``: every source row that cannot
        be computed, once per problem found.
    source : str
        The file, URL (credentials and query string stripped) or DataFrame read.
    rows_read : int
        Data rows in the source (header excluded).
    sheets : tuple of SheetPart, default ()
        Several sheets of a workbook read together (``sheet="all"`` or a list of names;
        :func:`combine_sheets`): one entry per sheet, in order. ``data`` and ``rejected``
        then have a ``sheet`` column after ``source_row`` (the sheet's name), each sheet
        keeps its own row numbers, and ``(sheet, source_row)`` identifies a source row;
        :func:`sem_carbon.calculate` reads each sheet as a source of its own (named by
        its ``SheetPart.source``). Empty for one sheet or another source.

    Notes
    -----
    A source row is either wholly in ``data`` (possibly as several legs) or wholly in
    ``rejected``: ``rows_computable + rows_rejected == rows_read``
    (see :meth:`reconciliation`).
    """

    kind: Literal["travel", "facilities"] = attrs.field(
        validator=attrs.validators.in_(("travel", "facilities")))
    data: pd.DataFrame = attrs.field(validator=_check_data)
    rejected: pd.DataFrame = attrs.field(validator=_check_rejected)
    source: str
    rows_read: int = attrs.field(converter=int)
    sheets: tuple[SheetPart, ...] = attrs.field(default=(), converter=tuple)

    def reconciliation(self) -> dict[str, int]:
        """Row counts that must add up.

        Returns
        -------
        dict
            ``rows_read``; ``rows_computable`` (distinct ``source_row`` in ``data``);
            ``rows_rejected`` (distinct ``source_row`` in ``rejected``); of several sheets,
            distinct ``(sheet, source_row)``.
            ``rows_computable + rows_rejected == rows_read``.
        """
        keys = ["sheet", "source_row"] if self.sheets else ["source_row"]
        return {
            "rows_read": self.rows_read,
            "rows_computable": len(self.data[keys].drop_duplicates()),
            "rows_rejected": len(self.rejected[keys].drop_duplicates()),
        }

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        counts = self.reconciliation()
        return (
            f"ActivityTable(kind={self.kind!r}, source={self.source!r}, "
            f"rows_read={counts['rows_read']}, computable={counts['rows_computable']} "
            f"({len(self.data)} data rows), rejected={counts['rows_rejected']})"
        )


def combine_sheets(tables: list[ActivityTable], names: list[str], source: str) -> ActivityTable:
    """One table of the tables read from several sheets of a workbook.

    Parameters
    ----------
    tables : list of ActivityTable
        One per sheet, each with its own ``source`` and row numbers.
    names : list of str
        The sheets' names, in the order of ``tables``.
    source : str
        The workbook (``file.xlsx``); the table's ``source`` names it and its sheets.

    Returns
    -------
    ActivityTable
        ``data`` and ``rejected`` stacked with a ``sheet`` column after ``source_row`` (a
        source column called ``sheet`` becomes ``sheet (source)``), ``rows_read`` the sum,
        ``sheets`` one :class:`SheetPart` per sheet.
    """

    def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
        parts = []
        for frame, name in zip(frames, names, strict=True):
            frame = frame.rename(columns={"sheet": "sheet (source)"})
            at = list(frame.columns).index("source_row") + 1
            frame.insert(at, "sheet", name)
            parts.append(frame)
        return pd.concat(parts, ignore_index=True)

    shown = ", ".join(map(repr, names))
    return ActivityTable(tables[0].kind, stacked([t.data for t in tables]),
                         stacked([t.rejected for t in tables]),
                         f"{source} [sheets {shown}]", sum(t.rows_read for t in tables),
                         tuple(SheetPart(n, t.source, t.rows_read)
                               for t, n in zip(tables, names, strict=True)))
