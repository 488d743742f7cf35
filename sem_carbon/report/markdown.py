"""Markdown rendering of a report (GitHub-flavoured tables).

Cell text is escaped for Markdown *and* for the HTML a Markdown viewer may render:
``|`` and backslashes are escaped, ``<``, ``>`` and ``&`` become entities, and line breaks
become spaces, so an entity called ``<script>`` stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .html import fmt_number

if TYPE_CHECKING:  # pragma: no cover
    from .core import Report

__all__ = ["md_escape", "md_table", "render_markdown"]

_MAX_REJECTED = 50
_MAX_FALLBACKS = 15


def md_escape(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value).replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace(">", "&gt;").replace("|", "\\|").replace("`", "\\`")
    text = text.replace("*", "\\*").replace("_", "\\_").replace("[", "\\[").replace("]", "\\]")
    return " ".join(text.split())


def _cell(value: Any, kind: str) -> str:
    if kind in ("t", "t2", "int", "pct", "spct"):
        decimals = {"t": 1, "t2": 2, "int": 0, "pct": 1, "spct": 1}[kind]
        text = fmt_number(value, decimals, signed=kind == "spct")
        return text + ("%" if kind in ("pct", "spct") and text != "–" else "")
    if kind == "met":
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return "n/a"
        return "met" if bool(value) else "**not met**"
    if kind == "flag":
        return "⚑ disagree" if (value is not None and value is not pd.NA and not (
            isinstance(value, float) and np.isnan(value)) and bool(value)) else ""
    if kind == "year":
        try:
            return str(int(value))
        except (TypeError, ValueError):
            return ""
    return md_escape(value)


def md_table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, str]],
             empty: str = "_none_") -> str:
    """A Markdown table of selected columns (``(column, header, kind)`` as in the HTML)."""
    cols = [c for c in columns if c[0] in frame.columns]
    if frame.empty or not cols:
        return empty + "\n"
    numeric = {"t", "t2", "int", "pct", "spct", "year", "rtext"}
    lines = ["| " + " | ".join(md_escape(h) for _, h, _ in cols) + " |",
             "|" + "|".join("---:" if k in numeric else "---" for _, _, k in cols) + "|"]
    for _, row in frame.iterrows():
        lines.append("| " + " | ".join(_cell(row[c], k) for c, _, k in cols) + " |")
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    """The report as one Markdown document.

    Parameters
    ----------
    report : Report

    Returns
    -------
    str
    """
    from .. import __version__

    out: list[str] = [f"# {md_escape(report.title)}", "",
                      f"Period {report.period()}, reporting year {report.year}; "
                      f"sem-carbon {__version__}.", ""]
    out += ["## Key figures", ""]
    for kpi in report.kpis():
        decimals = 2 if kpi["unit"] == "tCO2e/person" else 0 if kpi["unit"] == "rows" else 1
        value = fmt_number(kpi["value"], decimals, signed=kpi["key"] == "target")
        out.append(f"- **{md_escape(kpi['label'])}**: {value} {md_escape(kpi['unit'])} — "
                   f"{md_escape(kpi['detail'])}")
    out.append("")

    summary = report.summary()
    years = [c for c in summary.columns if c.isdigit()]
    shown = years[-6:]
    out += ["## Summary (tCO2e)", "",
            "Air travel is shown with and without radiative forcing (RF). The UN-inventory "
            "view counts air without RF and leaves hotel nights out (memo line), as the UN "
            "system's Greening the Blue inventory does.", ""]
    if len(shown) < len(years):
        out += [f"_Last {len(shown)} years shown; every year is in the JSON and Excel "
                "exports._", ""]
    table = summary.assign(line=summary["item"] + np.where(
        summary["unit"] == "tCO2e", "", " (" + summary["unit"] + ")"))
    decimals = summary["unit"].map({"tCO2e/person": 2, "persons": 0}).fillna(1).astype(int)
    for col in [*shown, "all_years"]:
        table[col] = [fmt_number(v, d) for v, d in zip(summary[col], decimals, strict=True)]
    out.append(md_table(table, [("line", "Line", "text"), *[(y, y, "rtext") for y in shown],
                                ("all_years", "All years", "rtext")]))

    if report.targets:
        out += ["## Targets by entity", ""]
        overview = report.targets_overview()
        for k in range(len(report.targets)):
            o = overview.iloc[k]
            verdict = "met" if o["target_met"] else "not met"
            out += [f"### {md_escape(o['label'])}", "",
                    f"Organisation-wide: {fmt_number(o['baseline'])} tCO2e in "
                    f"{o['baseline_year']} → {fmt_number(o['actual'])} tCO2e in "
                    f"{o['target_year']} ({fmt_number(o['change_pct'], 1, signed=True)}%), "
                    f"target {fmt_number(o['target'])} tCO2e: **{verdict}**; "
                    f"{int(o['entities_met'])} of {int(o['entities_assessed'])} entities met "
                    "it.", ""]
            status = report.target_status(k)
            depth = status["depth"].fillna(0).astype(int) if "depth" in status else 0
            status = status.assign(label=pd.Series(depth, index=status.index).map(
                lambda d: "↳ " * min(int(d), 1) + "· " * max(int(d) - 1, 0))
                + status["name"].astype(str))
            out.append(md_table(status, [
                ("label", "Entity", "text"), ("entity", "Id", "text"),
                ("baseline", "Baseline", "t"), ("actual", "Actual", "t"),
                ("target", "Target", "t"), ("change_pct", "Change", "spct"),
                ("met", "Carbon", "met"), ("budget_change_pct", "Budget change", "spct"),
                ("budget_met", "Budget", "met"), ("divergent", "Carbon vs budget", "flag")]))
    out += ["## Trend (tCO2e)", ""]
    trend_cols = [("year", "Year", "year"), ("kyoto_tco2e", "Kyoto total", "t"),
                  ("air_with_rf_tco2e", "Air with RF", "t"),
                  ("air_without_rf_tco2e", "Air without RF", "t"),
                  ("un_inventory_tco2e", "UN-inventory view", "t")]
    for k in range(1, len(report.targets) + 1):
        trend_cols += [(f"target_{k}_actual_tco2e", f"Target {k} scope", "t"),
                       (f"target_{k}_path_tco2e", f"Target {k} path", "t")]
    out.append(md_table(report.trend(), trend_cols))
    out += ["## Scopes and categories (tCO2e, all years)", ""]
    out.append(md_table(report.by_scope_category(), [
        ("scope", "Scope", "int"), ("label", "Category", "text"),
        ("all_years", "tCO2e", "t"), ("share_pct", "Share", "pct")]))
    out += [f"## Top air routes, {report.year}", ""]
    out.append(md_table(report.top_routes(), [
        ("route", "Route", "text"), ("trips", "Trips", "int"), ("tco2e", "tCO2e", "t"),
        ("tco2e_without_rf", "without RF", "t"), ("share_pct", "Share of air", "pct")]))
    out += [f"## Hotspots, {report.year}", ""]
    out.append(md_table(report.hotspots(), [
        ("name", "Entity", "text"), ("label", "Category", "text"), ("tco2e", "tCO2e", "t"),
        ("share_pct", "Share", "pct")]))
    q = report.data_quality()
    out += ["## Data quality", ""]
    out.append(md_table(q["reconciliation"], [
        ("table", "Table", "text"), ("rows_read", "Read", "int"),
        ("rows_computed", "Computed", "int"), ("rows_rejected", "Rejected", "int")]))
    out += ["", "Rejections by reason:", ""]
    out.append(md_table(q["rejected_reasons"], [
        ("table", "Table", "text"), ("column", "Column", "text"), ("reason", "Reason", "text"),
        ("rows", "Rows", "int")], empty="_no row was rejected_"))
    rejected = q["rejected"]
    if len(rejected):
        out += ["", f"Rejected rows ({min(len(rejected), _MAX_REJECTED)} of {len(rejected)} "
                "shown):", ""]
        out.append(md_table(rejected.head(_MAX_REJECTED), [
            ("table", "Table", "text"), ("source_row", "Row", "int"),
            ("column", "Column", "text"), ("value", "Value", "text"),
            ("reason", "Reason", "text")]))
    out += ["", "Years covered:", ""]
    out.append(md_table(q["coverage"], [("table", "Table", "text"),
                                        ("first_year", "First", "year"),
                                        ("last_year", "Last", "year"),
                                        ("missing_years", "Years missing", "text"),
                                        ("rows", "Rows", "int")]))
    out += ["", "Rows to know about:", ""]
    out.append(md_table(q["flags"], [("flag", "Flag", "text"), ("rows", "Rows", "int"),
                                     ("share_pct", "Share of rows", "pct"),
                                     ("tco2e", "tCO2e", "t")],
                        empty="_no row carries a data-quality flag_"))
    other = q["other_editions"]
    out += ["", "Rows whose category came from another edition (the year's edition lacks it):",
            ""]
    out.append(md_table(other[other["other_edition"] > 0] if len(other) else other,
                        [("year", "Year", "year"), ("other_edition", "Rows", "int"),
                         ("share_pct", "Share of the year's rows", "pct"),
                         ("detail", "Category from edition", "text")],
                        empty="_every row used its own year's edition_"))
    fallbacks = q["fallbacks"]
    shown = f" (the {_MAX_FALLBACKS} most frequent of {len(fallbacks)})" \
        if len(fallbacks) > _MAX_FALLBACKS else ""
    out += ["", f"Fallbacks and substitutions{shown}:", ""]
    out.append(md_table(fallbacks.head(_MAX_FALLBACKS),
                        [("note", "Note", "text"), ("variants", "Variants", "int"),
                         ("rows", "Rows", "int"), ("tco2e", "tCO2e", "t")],
                        empty="_no fallback was needed_"))
    out += ["", "Methods:", ""]
    out.append(md_table(q["methods"], [("category", "Category", "text"),
                                       ("method", "Method", "text"), ("rows", "Rows", "int"),
                                       ("share_pct", "Share of tCO2e", "pct")]))
    out += ["## Methodology appendix", ""]
    out.append(md_table(report.methodology(), [
        ("id", "Edition", "text"), ("publisher", "Publisher", "text"), ("year", "Year", "year"),
        ("licence", "Licence", "text"), ("source", "Source", "text"),
        ("rf_multiplier", "RF multiplier", "t2")]))
    out.append("")
    out.append(md_table(report.parameters(), [("parameter", "Parameter", "text"),
                                              ("value", "Value", "text"),
                                              ("detail", "Detail", "text")]))
    return "\n".join(out).rstrip() + "\n"
