"""Markdown rendering of a :class:`~sem_carbon.report.model.ReportModel` (GitHub tables).

Cell text is escaped for Markdown *and* for the HTML a Markdown viewer may render:
``|`` and backslashes are escaped, ``<``, ``>`` and ``&`` become entities, and line breaks
become spaces, so an entity called ``<script>`` stays text. The tables and their columns
are the model's, as in HTML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from . import formats
from .model import YEARS_SHOWN

if TYPE_CHECKING:  # pragma: no cover
    from .model import ReportModel, Table

__all__ = ["md_escape", "md_table", "render_markdown"]


def md_escape(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    text = str(value).replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace(">", "&gt;").replace("|", "\\|").replace("`", "\\`")
    text = text.replace("*", "\\*").replace("_", "\\_").replace("[", "\\[").replace("]", "\\]")
    return " ".join(text.split())


def _cell(record: dict[str, Any], name: str, kind: str) -> str:
    text = md_escape(formats.cell_text(record.get(name), kind, record))
    if kind == "tree":
        depth = int(formats.finite(record.get("depth")) or 0)
        return "↳ " * min(depth, 1) + "· " * max(depth - 1, 0) + text
    if kind == "met" and formats.truth(record.get(name)) is False:
        return f"**{text}**"
    return text


def md_table(table: Table) -> str:
    """The shown rows and columns of ``table`` as a Markdown table (or its empty note)."""
    cols = table.visible
    if table.shown.empty or not cols:
        return f"_{md_escape(table.empty)}_\n"
    lines = ["| " + " | ".join(md_escape(c.title) for c in cols) + " |",
             "|" + "|".join("---:" if c.kind in formats.NUMERIC else "---" for c in cols) + "|"]
    lines += ["| " + " | ".join(_cell(r, c.name, c.kind) for c in cols) + " |"
              for r in table.records()]
    return "\n".join(lines) + "\n"


def _more(table: Table) -> str:
    shown, total = len(table.shown), table.total
    return f" ({shown} of {total} shown)" if total > shown else ""


def render_markdown(m: ReportModel) -> str:
    """The report as one Markdown document.

    Parameters
    ----------
    m : ReportModel

    Returns
    -------
    str
    """
    out: list[str] = [f"# {md_escape(m.title)}", "",
                      f"Period {m.period}, reporting year {m.reporting_year}; "
                      f"sem-carbon {m.version}.", "", "## Key figures", ""]
    out += [f"- **{md_escape(k['label'])}**: {formats.kpi_text(k)} {md_escape(k['unit'])} — "
            f"{md_escape(k['detail'])}" for k in m.kpis]
    out += ["", "## Summary (tCO2e)", "",
            "Air travel is shown with and without radiative forcing (RF). The UN-inventory "
            "view counts air CO2 only, by the ICAO method unless the report says otherwise "
            "on its line, and leaves hotel nights out (memo line), as the UN system's "
            "Greening the Blue inventory does.", "", md_table(m.summary)]
    if m.targets:
        out += ["## Targets by entity", ""]
        for target in m.targets:
            o = target.overview
            verdict = "met" if o["target_met"] else "not met"
            out += [f"### {md_escape(o['label'])}", "",
                    f"Organisation-wide: {formats.number(o['baseline'])} tCO2e in "
                    f"{o['baseline_year']} → {formats.number(o['actual'])} tCO2e in "
                    f"{o['target_year']} ({formats.number(o['change_pct'], 1, True)}%), "
                    f"target {formats.number(o['target'])} tCO2e: **{verdict}**; "
                    f"{o['entities_met']} of {o['entities_assessed']} entities met it.", "",
                    md_table(target.status)]
    else:
        out += [f"## Entities, {m.reporting_year} (tCO2e)", "", md_table(m.entity_totals)]
    if m.air_methods:
        out += ["## UN-inventory view: air by method and its band", ""]
        for line in m.air_lines:
            out += [md_escape(line), ""]
        for name, table in m.air_methods.items():
            more = _more(table) if name == "legs" else ""
            out += [f"### {table.title}{more}", "", md_table(table)]
    if len(m.allotments.data):
        out += [f"## {m.allotments.title}", "", md_table(m.allotments)]
    if m.scenarios:
        out += ["## What-if scenarios (target year, tCO2e)", ""]
        for view in m.scenarios:
            o = view.overview
            verdict = "met" if o["scenario_met"] else "not met"
            out += [f"### {md_escape(view.name)} (against {md_escape(view.target)})", "",
                    *[f"- {md_escape(a)}" for a in view.assumptions], "",
                    f"Organisation-wide: {formats.number(o['actual'])} tCO2e actual → "
                    f"{formats.number(o['scenario'])} tCO2e with the levers "
                    f"({formats.number(o['scenario_change_pct'], 1, True)}% vs baseline), "
                    f"target {formats.number(o['target'])} tCO2e: **{verdict}**; "
                    f"{o['entities_scenario_met']} of {o['entities_assessed']} entities "
                    "would meet it.", "", md_table(view.status)]
    out += ["## Trend (tCO2e)", ""]
    if m.coverage_note:
        out += [md_escape(m.coverage_note.strip()), ""]
    out += [md_table(m.trend), "## Scopes and categories (tCO2e)", ""]
    if len(m.years) > YEARS_SHOWN:
        out += [f"_The last {YEARS_SHOWN} years and the whole period; every year is in the "
                "JSON and Excel exports._", ""]
    out += [md_table(m.by_scope_category),
            f"## Top air routes, {m.reporting_year}", "", md_table(m.top_routes),
            f"## Hotspots, {m.reporting_year}", "", md_table(m.hotspots),
            "## Data quality", ""]
    for name, table in m.quality.items():  # the long ones are cut: "(15 of 40 shown)"
        more = _more(table) if name in ("fallbacks", "rejected") else ""
        out += [f"### {table.title}{more}", "", md_table(table)]
    out += ["## Methodology appendix", "", "### Factor editions used", "",
            md_table(m.editions), "### Parameters", "", md_table(m.parameters)]
    for name, table in m.extras.items():
        out += [f"### {md_escape(table.title or name)}", "", md_table(table)]
    editions = ", ".join(f"{md_escape(k)} (sha256 {v[:12]})" if v else md_escape(k)
                         for k, v in m.edition_checksums.items()) or "none"
    out += [f"_Made with sem-carbon {md_escape(m.version)} from factor editions {editions}"
            + (f"; generated {md_escape(m.generated_at)}" if m.generated_at else "") + "._", ""]
    return "\n".join(out).rstrip() + "\n"
