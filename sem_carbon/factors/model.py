"""Small frozen value classes describing one factor and its provenance."""

from __future__ import annotations

from typing import Any

import attrs
import pint

__all__ = ["Factor"]


@attrs.frozen(eq=False)
class Factor:
    """One emission (or conversion) factor with its provenance.

    Attributes
    ----------
    edition : str
        Id of the factor edition it comes from, e.g. ``"desnz-2019"``.
    category : str
        Factor category, e.g. ``"air"`` (see ``docs/factor-format.md``).
    keys : dict
        The key values that select it, e.g. ``{"haul": "long_haul", "cabin": "economy"}``.
    value : pint.Quantity
        The factor, e.g. ``0.14981 kgCO2e / passenger / km``.
    gases : dict of str to pint.Quantity
        Per-gas split (CO2e contributions of CO2, CH4, N2O) where published.
    label : str
        Row label as published.
    source_table, source_row : str, int or None
        Sheet and 1-based row in the source workbook.
    source : str
        Citation of the edition (publisher, title, URL).
    notes : str
        Substitutions or caveats recorded for this row.
    """

    edition: str
    category: str
    keys: dict[str, str]
    value: pint.Quantity
    gases: dict[str, pint.Quantity] = attrs.field(factory=dict)
    label: str = ""
    source_table: str = ""
    source_row: int | None = None
    source: str = ""
    notes: str = ""

    @property
    def unit(self) -> str:
        """Unit of :attr:`value` as text."""
        return f"{self.value.units:~}"

    def describe(self) -> str:
        """One line naming the factor, its edition and its place in the source."""
        keys = ", ".join(f"{k}={v}" for k, v in self.keys.items() if v != "")
        where = self.source_table + (f" row {self.source_row}" if self.source_row else "")
        return (
            f"{self.category} [{keys}] = {self.value.m:.6g} {self.unit} "
            f"({self.edition}{', ' + where if where else ''})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view (for JSON reports)."""
        return {
            "edition": self.edition,
            "category": self.category,
            "keys": dict(self.keys),
            "value": float(self.value.m),
            "unit": self.unit,
            "gases": {g: float(q.m) for g, q in self.gases.items()},
            "label": self.label,
            "source_table": self.source_table,
            "source_row": self.source_row,
            "source": self.source,
            "notes": self.notes,
        }
