"""``ActivityTable``: what the readers return (see ``docs/tables.md``)."""

from __future__ import annotations

from typing import Literal

import attrs
import pandas as pd

from .rejects import REJECTED_COLUMNS

__all__ = ["ActivityTable"]


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

    def reconciliation(self) -> dict[str, int]:
        """Row counts that must add up.

        Returns
        -------
        dict
            ``rows_read``; ``rows_computable`` (distinct ``source_row`` in ``data``);
            ``rows_rejected`` (distinct ``source_row`` in ``rejected``).
            ``rows_computable + rows_rejected == rows_read``.
        """
        return {
            "rows_read": self.rows_read,
            "rows_computable": int(self.data["source_row"].nunique()),
            "rows_rejected": int(self.rejected["source_row"].nunique()),
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
