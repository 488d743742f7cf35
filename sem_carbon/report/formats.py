"""How the report writes a value as text: the one place for every number format.

HTML and Markdown show the same text for the same cell; only the markup around it
differs. A column's *kind* (see :class:`sem_carbon.report.model.Column`) says how:

``text``, ``wrap``, ``code``, ``clip``, ``tree``, ``link``, ``hash``
    text (``tree`` is indented by the row's ``depth``; ``clip`` is shortened in HTML;
    ``link``: the web addresses in it become links in HTML; ``hash``: a checksum, shown
    shortened in HTML with the whole of it as a tooltip)
``category``
    a category's label (``"td_losses"`` -> ``"Electricity T&D losses"``)
``line``
    a summary line: its label, with the unit in brackets unless it is tCO2e
``year``
    an integer without separators
``int``, ``t``, ``t2``, ``t3``
    a number with 0, 1, 2 or 3 decimals and thousands separators
``amount``
    a number with the decimals of the row's ``unit`` (tCO2e 1, per person 2, persons 0)
``pct``, ``spct``, ``share``
    a percentage (``spct`` signed; ``share`` drawn with a bar in HTML)
``met``, ``flag``
    a verdict ("Met" / "Not met" / "n/a"), a warning ("disagree" when true)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .tables import category_label

__all__ = ["MISSING", "NUMERIC", "cell_text", "finite", "kpi_text", "number", "truth"]

#: Shown for a missing number.
MISSING = "–"
#: Decimals of the fixed-decimal kinds.
DECIMALS: dict[str, int] = {"int": 0, "t": 1, "t2": 2, "t3": 3, "pct": 1, "spct": 1,
                            "share": 1}
#: Kinds shown right-aligned.
NUMERIC: frozenset[str] = frozenset({*DECIMALS, "year", "amount"})
#: Decimals of a summary line by its unit (default 1).
UNIT_DECIMALS: dict[str, int] = {"tCO2e/person": 2, "persons": 0}


def finite(value: Any) -> float | None:
    """``value`` as a finite float, or None (missing, NaN, infinite, not a number)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def truth(value: Any) -> bool | None:
    """``value`` as a verdict: True, False, or None when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return bool(value)


def number(value: Any, decimals: int = 1, signed: bool = False) -> str:
    """A number with thousands separators and a true minus sign (``"–"`` for missing)."""
    x = finite(value)
    if x is None:
        return MISSING
    text = f"{x:+,.{decimals}f}" if signed else f"{x:,.{decimals}f}"
    return text.replace("-", "−")


def _plain_text(value: Any) -> str:
    return "" if value is None or value is pd.NA or (
        isinstance(value, float) and np.isnan(value)) else str(value)


def cell_text(value: Any, kind: str, row: Mapping[str, Any] | None = None) -> str:
    """The text of one cell (see the module docstring for the kinds).

    Parameters
    ----------
    value : object
    kind : str
    row : mapping, optional
        The whole row (``amount`` and ``line`` read its ``unit``).

    Returns
    -------
    str
    """
    if kind in DECIMALS:
        text = number(value, DECIMALS[kind], signed=kind == "spct")
        return text + "%" if kind in ("pct", "spct", "share") and text != MISSING else text
    if kind == "amount":
        return number(value, UNIT_DECIMALS.get(str((row or {}).get("unit")), 1))
    if kind == "year":
        x = finite(value)
        return "" if x is None else str(int(x))
    if kind == "met":
        verdict = truth(value)
        return "n/a" if verdict is None else "Met" if verdict else "Not met"
    if kind == "flag":
        return "disagree" if truth(value) else ""
    if kind == "category":
        return category_label(_plain_text(value))
    if kind == "line":
        unit = str((row or {}).get("unit", "tCO2e"))
        return _plain_text(value) + ("" if unit == "tCO2e" else f" ({unit})")
    return _plain_text(value)


def kpi_text(kpi: Mapping[str, Any]) -> str:
    """The figure of a headline KPI (decimals by its unit; the target change signed)."""
    value, unit = kpi["value"], kpi["unit"]
    if kpi["key"] == "target":
        return number(value, 1, signed=True)
    if unit in ("%", "rows", "tCO2e/person"):
        return number(value, {"%": 1, "rows": 0, "tCO2e/person": 2}[unit])
    return number(value, 1 if (finite(value) or 0) < 10_000 else 0)
