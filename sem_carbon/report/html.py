"""One self-contained HTML report: inline CSS, inline SVG charts, a print stylesheet.

Nothing is loaded from elsewhere (no fonts, scripts, images or style sheets by URL), so
the file opens offline, can be mailed, and prints on A4 landscape. Every value taken from
the data goes through :func:`~sem_carbon.report.safety.esc`; the only markup not built
here is the SVG of the charts, whose text matplotlib escapes itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .safety import esc
from .tables import category_label

if TYPE_CHECKING:  # pragma: no cover
    from .core import Report

__all__ = ["CSS", "render_html"]

#: Rows of the rejected-rows table shown in HTML (all of them are in Excel and CSV).
MAX_REJECTED_SHOWN = 100
#: Fallback notes shown in HTML (most frequent first).
MAX_FALLBACKS_SHOWN = 15

CSS = """
:root {
  --ink: #1d2733; --muted: #5d6b7a; --line: #dfe4ea; --soft: #f4f6f9; --accent: #0a6ebd;
  --navy: #0b2545; --met: #2e7d32; --met-bg: #e6f4ea; --miss: #b3261e; --miss-bg: #fce8e6;
  --warn: #8a5a00; --warn-bg: #fff4d6;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45; font-size: 14px;
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
  "Liberation Sans", "DejaVu Sans", sans-serif; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 28px; }
header.masthead { background: var(--navy); color: #fff; padding: 26px 0 22px; }
header.masthead .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 11.5px;
  color: #9cc3e6; font-weight: 600; }
header.masthead h1 { margin: 6px 0 8px; font-size: 27px; line-height: 1.2; font-weight: 650; }
header.masthead .meta { margin: 0; color: #cfdceb; font-size: 13px; }
nav.toc { border-bottom: 1px solid var(--line); background: var(--soft); font-size: 13px; }
nav.toc ol { list-style: none; margin: 0; padding: 9px 0; display: flex; flex-wrap: wrap;
  gap: 4px 22px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px;
  margin: 22px 0 8px; }
.kpi { border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 6px;
  padding: 11px 14px 12px; background: #fff; }
.kpi.good { border-top-color: var(--met); } .kpi.bad { border-top-color: var(--miss); }
.kpi .label { font-size: 12px; color: var(--muted); font-weight: 600; }
.kpi .value { font-size: 25px; font-weight: 700; margin: 2px 0 1px; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
.kpi .value small { font-size: 13px; font-weight: 600; color: var(--muted); margin-left: 3px; }
.kpi .detail { font-size: 11.5px; color: var(--muted); }
section.block { margin: 30px 0 8px; }
h2 { font-size: 20px; margin: 0 0 4px; padding-bottom: 6px; border-bottom: 2px solid var(--navy);
  color: var(--navy); }
h3 { font-size: 15px; margin: 20px 0 6px; color: var(--navy); }
p.lead { margin: 8px 0 12px; color: #34414f; max-width: 920px; }
p.note { font-size: 12px; color: var(--muted); margin: 6px 0; max-width: 920px; }
.tablewrap { overflow-x: auto; margin: 6px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px;
  font-variant-numeric: tabular-nums; }
thead th { background: var(--soft); color: #2b3a4a; font-weight: 650; text-align: left;
  border-bottom: 2px solid #c5cdd6; padding: 6px 8px; vertical-align: bottom; }
tbody td { border-bottom: 1px solid var(--line); padding: 5px 8px; vertical-align: top; }
tbody tr:hover td { background: #f9fbfd; }
th.num, td.num { text-align: right; white-space: nowrap; }
td.na { color: #a3adb8; }
table.summary td:first-child { min-width: 250px; }
table.summary td.num, table.summary th.num { padding-left: 4px; padding-right: 6px; }
tr.total td { font-weight: 700; border-top: 2px solid #c5cdd6; background: #fbfcfd; }
tr.sub td { color: #40505f; }
tr.sub td:first-child { padding-left: 22px; }
tr.memo td { color: var(--muted); font-style: italic; }
tr.section td { background: #eef2f6; font-weight: 650; color: var(--navy); font-size: 12px;
  text-transform: uppercase; letter-spacing: .04em; }
td.long { white-space: normal; overflow-wrap: anywhere; max-width: 420px; }
td code { white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 11.5px;
  font-weight: 650; white-space: nowrap; }
.badge.met { background: var(--met-bg); color: var(--met); }
.badge.miss { background: var(--miss-bg); color: var(--miss); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.muted { background: var(--soft); color: var(--muted); }
.bar { display: inline-block; height: 8px; background: var(--accent); border-radius: 2px;
  vertical-align: middle; margin-right: 6px; opacity: .75; }
figure.chart { margin: 12px 0 16px; padding: 10px 12px 6px; border: 1px solid var(--line);
  border-radius: 6px; background: #fff; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 22px; }
.callout { border-left: 4px solid var(--accent); background: var(--soft); padding: 10px 14px;
  margin: 10px 0 14px; border-radius: 0 6px 6px 0; }
.callout.good { border-left-color: var(--met); } .callout.bad { border-left-color: var(--miss); }
footer { margin: 36px 0 0; padding: 16px 0 28px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 12px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono",
  monospace; font-size: 12px; background: var(--soft); padding: 0 3px; border-radius: 3px; }
@media (max-width: 860px) { .grid2 { grid-template-columns: 1fr; } .wrap { padding: 0 14px; } }
@page { size: A4 landscape; margin: 12mm 11mm; }
@media print {
  body { font-size: 9.5pt; }
  .wrap { max-width: none; padding: 0; }
  nav.toc { display: none; }
  header.masthead { background: none; color: var(--ink); padding: 0 0 6pt;
    border-bottom: 2pt solid var(--navy); }
  header.masthead .eyebrow { color: var(--accent); }
  header.masthead .meta { color: var(--muted); }
  .kpi { break-inside: avoid; }
  .kpi .value { font-size: 17pt; }
  section.block { break-before: auto; margin-top: 16pt; }
  h2, h3 { break-after: avoid; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  tr, figure.chart, .callout { break-inside: avoid; }
  .tablewrap { overflow: visible; }
  tbody tr:hover td { background: none; }
  figure.chart { border: none; padding: 0; }
  .grid2 { grid-template-columns: 1fr 1fr; gap: 12pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


# ---------------------------------------------------------------------------- formatting
def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def fmt_number(value: Any, decimals: int = 1, signed: bool = False) -> str:
    """A number with thousands separators (``"–"`` for missing)."""
    number = _finite(value)
    if number is None:
        return "–"
    text = f"{number:+,.{decimals}f}" if signed else f"{number:,.{decimals}f}"
    return text.replace("-", "−")


def _td_num(value: Any, decimals: int = 1, signed: bool = False, suffix: str = "") -> str:
    number = _finite(value)
    if number is None:
        return '<td class="num na">–</td>'
    return f'<td class="num">{esc(fmt_number(number, decimals, signed))}{esc(suffix)}</td>'


def _badge(flag: Any, yes: str = "Met", no: str = "Not met") -> str:
    if flag is None or flag is pd.NA or (isinstance(flag, float) and np.isnan(flag)):
        return '<span class="badge muted">n/a</span>'
    return (f'<span class="badge met">{esc(yes)}</span>' if bool(flag)
            else f'<span class="badge miss">{esc(no)}</span>')


Column = tuple[str, str, str]  # (column, header, kind)


def html_table(frame: pd.DataFrame, columns: Sequence[Column],
               row_class: Callable[[Any], str] | None = None, caption: str = "") -> str:
    """An escaped HTML table of selected columns.

    Parameters
    ----------
    frame : DataFrame
    columns : sequence of (column, header, kind)
        ``kind``: ``text``, ``wrap`` (long text), ``code``, ``t`` (1 decimal), ``t2``/``t3``
        (2/3 decimals), ``int``, ``pct`` (1 decimal, %), ``spct`` (signed %), ``share``
        (bar and %), ``met`` (badge), ``flag`` (warning badge when true), ``year``.
    row_class : callable, optional
        ``row_class(row) -> str`` CSS class of a row.
    caption : str
        Shown when ``frame`` is empty.

    Returns
    -------
    str
    """
    cols = [c for c in columns if c[0] in frame.columns]
    numeric = {"t", "t2", "t3", "int", "pct", "spct", "share", "year"}
    head = "".join(f'<th class="{"num" if kind in numeric else ""}">{esc(h)}</th>'
                   for _, h, kind in cols)
    if frame.empty:
        return f'<p class="note">{esc(caption or "No rows.")}</p>'
    body = []
    for _, row in frame.iterrows():
        cells = []
        for name, _, kind in cols:
            v = row[name]
            if kind == "t":
                cells.append(_td_num(v, 1))
            elif kind == "t2":
                cells.append(_td_num(v, 2))
            elif kind == "t3":
                cells.append(_td_num(v, 3))
            elif kind == "int":
                cells.append(_td_num(v, 0))
            elif kind == "year":
                n = _finite(v)
                cells.append(f'<td class="num">{esc(int(n) if n is not None else "")}</td>')
            elif kind == "pct":
                cells.append(_td_num(v, 1, suffix="%"))
            elif kind == "spct":
                cells.append(_td_num(v, 1, signed=True, suffix="%"))
            elif kind == "share":
                n = _finite(v)
                if n is None:
                    cells.append('<td class="num na">–</td>')
                else:
                    width = max(1.0, min(n, 100.0)) * 0.6
                    cells.append(f'<td class="num"><span class="bar" style="width:{width:.1f}px">'
                                 f'</span>{esc(fmt_number(n, 1))}%</td>')
            elif kind == "met":
                cells.append(f"<td>{_badge(v)}</td>")
            elif kind == "flag":
                cells.append('<td><span class="badge warn">disagree</span></td>'
                             if _truthy(v) else "<td></td>")
            elif kind == "clip":
                text = "" if v is None else str(v)
                shown = text if len(text) <= 220 else text[:219] + "…"
                cells.append(f'<td class="long" title="{esc(text[:2000])}">{esc(shown)}</td>')
            elif kind == "tree":
                depth = int(_finite(row.get("indent", 0)) or 0)
                weight = "font-weight:650;" if depth == 0 else ""
                cells.append(f'<td style="padding-left:{4 + 14 * depth}px;{weight}">'
                             f"{esc(v)}</td>")
            elif kind == "code":
                cells.append(f"<td><code>{esc(v)}</code></td>")
            elif kind == "wrap":
                cells.append(f'<td class="long">{esc(v)}</td>')
            else:
                cells.append(f"<td>{esc(v)}</td>")
        cls = row_class(row) if row_class else ""
        body.append(f'<tr class="{esc(cls)}">' + "".join(cells) + "</tr>" if cls
                    else "<tr>" + "".join(cells) + "</tr>")
    return ('<div class="tablewrap"><table><thead><tr>' + head + "</tr></thead><tbody>"
            + "".join(body) + "</tbody></table></div>")


def _truthy(value: Any) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return False
    return bool(value)


# ---------------------------------------------------------------------------- sections
def _kpi_strip(report: Report) -> str:
    cards = []
    for kpi in report.kpis():
        value, unit, key = kpi["value"], kpi["unit"], kpi["key"]
        cls = ""
        if key == "target":
            text = fmt_number(value, 1, signed=True)
            cls = " good" if "not met" not in kpi["detail"] else " bad"
        elif unit == "%":
            text = fmt_number(value, 1)
        elif unit == "rows":
            text = fmt_number(value, 0)
        elif unit == "tCO2e/person":
            text = fmt_number(value, 2)
        else:
            text = fmt_number(value, 1 if (_finite(value) or 0) < 10_000 else 0)
        cards.append(
            f'<div class="kpi{cls}"><div class="label">{esc(kpi["label"])}</div>'
            f'<div class="value">{esc(text)}<small>{esc(unit)}</small></div>'
            f'<div class="detail">{esc(kpi["detail"])}</div></div>')
    return '<section class="kpis" aria-label="Key figures">' + "".join(cards) + "</section>"


def _summary_section(report: Report) -> str:
    summary = report.summary()
    years = [c for c in summary.columns if c.isdigit()]
    head = ('<th>Line</th>' + "".join(f'<th class="num">{esc(y)}</th>' for y in years)
            + '<th class="num">All years</th>')
    rows = []
    titles = {"scope": "By scope", "category": "By category", "air": "Air travel: RF side by side",
              "un_inventory": "UN-inventory view", "memo": "Memo items (outside the totals)",
              "per_capita": "Per capita"}
    last_section = None
    for _, row in summary.iterrows():
        section = row["section"]
        if section != last_section and section in titles:
            rows.append(f'<tr class="section"><td colspan="{len(years) + 2}">'
                        f'{esc(titles[section])}</td></tr>')
        last_section = section
        decimals = {"tCO2e/person": 2, "persons": 0}.get(row["unit"], 1)
        cls = {"kyoto_total": "total", "un_inventory_total": "total",
               "rf_share": "sub", "memo_hotels": "memo"}.get(row["key"],
                                                            "memo" if section == "memo" else "")
        unit = "" if row["unit"] == "tCO2e" else f" ({row['unit']})"
        cells = "".join(_td_num(row[y], decimals) for y in years) + _td_num(
            row["all_years"], decimals)
        rows.append(f'<tr class="{cls}"><td>{esc(row["item"] + unit)}</td>{cells}</tr>')
    table = ('<div class="tablewrap"><table class="summary"><thead><tr>' + head
             + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
    lead = ("All figures in tonnes of CO2-equivalent (tCO2e), GHG Protocol scopes 1–3. The "
            "Kyoto total counts air travel with radiative forcing (non-CO2 effects, as DESNZ "
            "advises). The UN-inventory view follows the UN system's Greening the Blue "
            "boundary: air travel without radiative forcing (as the ICAO calculator reports "
            "it) and hotel nights left out, shown as a memo line.")
    return _section("summary", "1. Summary", f'<p class="lead">{esc(lead)}</p>{table}')


def _section(anchor: str, title: str, body: str) -> str:
    return (f'<section class="block" id="{esc(anchor)}"><h2>{esc(title)}</h2>{body}'
            "</section>")


def _figure(svg: str, caption: str) -> str:
    return f'<figure class="chart">{svg}<figcaption>{esc(caption)}</figcaption></figure>'


def _targets_section(report: Report, svgs: dict[str, str]) -> str:
    if not report.targets:
        body = ('<p class="note">No reduction target was given. Emissions per entity in the '
                f'reporting year {esc(report.year)}:</p>'
                + _figure(svgs["by_entity"], "tCO2e per entity (own activity).")
                + html_table(report.entity_totals(), [("entity", "Entity", "text"),
                                                      ("name", "Name", "text"),
                                                      ("tco2e", "tCO2e", "t")]))
        return _section("targets", "2. Entities", body)
    parts = []
    overview = report.targets_overview()
    for k in range(len(report.targets)):
        o = overview.iloc[k]
        status = report.target_status(k)
        cats = o["categories"]
        verdict = o["target_met"]
        sentence = (
            f"Organisation-wide, {cats} emissions went from {fmt_number(o['baseline'])} tCO2e "
            f"in {o['baseline_year']} to {fmt_number(o['actual'])} tCO2e in {o['target_year']}"
            f" ({fmt_number(o['change_pct'], 1, signed=True)}%), against a target of "
            f"{fmt_number(o['target'])} tCO2e (−{o['reduction_pct']:g}%).")
        extra = (f" {int(o['entities_met'])} of {int(o['entities_assessed'])} entities with "
                 "baseline activity met the carbon target.")
        if "budget_change_pct" in overview.columns and _finite(o.get("budget_baseline")):
            currency = o.get("budget_currency") or ""
            extra += (f" Travel budget: {fmt_number(o['budget_baseline'], 0)} {currency} → "
                      f"{fmt_number(o['budget_actual'], 0)} {currency} "
                      f"({fmt_number(o['budget_change_pct'], 1, signed=True)}%, "
                      f"{'met' if o['budget_met'] else 'not met'}); "
                      f"carbon and budget disagree for {int(o['entities_divergent'])} "
                      "entities.")
        badge = _badge(verdict, "Target met", "Target not met")
        cls = "good" if _truthy(verdict) else "bad"
        parts.append(f"<h3>{esc(o['label'])}</h3>"
                     f'<div class="callout {cls}">{badge} {esc(sentence + extra)}</div>')
        if k == 0:
            parts.append(_figure(svgs["by_entity"], "Grey: baseline; green/red: target-year "
                                 "actual (met / not met); black tick: target. tCO2e, each "
                                 "entity including the entities below it."))
        status = status.copy()
        status["label"] = status["name"].astype(str)
        status = status.assign(indent=status["depth"].fillna(0).astype(int)
                               if "depth" in status.columns else 0)
        cols: list[Column] = [("entity", "Id", "text"), ("kind", "Kind", "text"),
                              ("baseline", f"Baseline {o['baseline_year']}", "t"),
                              ("actual", f"Actual {o['target_year']}", "t"),
                              ("target", "Target", "t"), ("change_pct", "Change", "spct"),
                              ("met", "Carbon", "met"), ("gap", "Still to cut", "t"),
                              ("budget_change_pct", "Budget change", "spct"),
                              ("budget_met", "Budget", "met"),
                              ("divergent", "Carbon vs budget", "flag")]
        parts.append(html_table(status, [("label", "Entity", "tree"), *cols]))
    parts.append('<p class="note">Each entity includes the activity of the entities below '
                 "it. “Still to cut” is the amount above the target. “Carbon vs budget” flags "
                 "entities where the carbon and the budget verdicts differ: spending is not a "
                 "reliable proxy for emissions.</p>")
    return _section("targets", "2. Targets by entity", "".join(parts))


def _trend_section(report: Report, svgs: dict[str, str]) -> str:
    trend = report.trend()
    cols: list[Column] = [("year", "Year", "year"), ("kyoto_tco2e", "Kyoto total", "t"),
                          ("air_with_rf_tco2e", "Air with RF", "t"),
                          ("air_without_rf_tco2e", "Air without RF", "t"),
                          ("hotel_tco2e", "Hotel nights", "t"),
                          ("un_inventory_tco2e", "UN-inventory view", "t")]
    for k, target in enumerate(report.targets, start=1):
        if f"target_{k}_actual_tco2e" in trend.columns:
            cats = ", ".join(getattr(target, "categories", ()) or ())
            cols += [(f"target_{k}_actual_tco2e", f"{cats.capitalize()} (target scope)", "t"),
                     (f"target_{k}_path_tco2e", "Target path", "t")]
    first = report.years[0] if report.years else ""
    body = (f'<p class="lead">Every year since the first year on file ({esc(first)}), in '
            "tCO2e. The target path runs from the baseline to baseline × (1 − reduction) in "
            f"the target year.{esc(coverage_note(report))}</p>"
            + _figure(svgs["trend"], "tCO2e per year; dashed: target path, diamond: target.")
            + html_table(trend, cols))
    return _section("trend", "3. Trend", body)


def coverage_note(report: Report) -> str:
    """A sentence naming tables that start later (or end earlier) than the others."""
    cov = report.data_quality()["coverage"]
    if len(cov) < 2 or not report.years:
        return ""
    first, last = report.years[0], report.years[-1]
    late = cov[(cov["first_year"] > first) | (cov["last_year"] < last)]
    parts = [f"{row.table} data cover {row.first_year}–{row.last_year} only"
             for row in late.itertuples(index=False)]
    if not parts:
        return ""
    return (" Note: " + "; ".join(parts) + ", so the totals of other years leave them out.")


def _breakdown_section(report: Report, svgs: dict[str, str]) -> str:
    table = report.by_scope_category()
    years = [c for c in table.columns if c.isdigit()]
    shown = years[-6:]
    cols: list[Column] = [("scope", "Scope", "int"), ("label", "Category", "text"),
                          *[(y, y, "t") for y in shown],
                          ("all_years", "All years", "t"), ("share_pct", "Share", "share")]
    note = (f'<p class="note">Columns: the last {len(shown)} years and the whole period; '
            "every year is in the Excel workbook and the JSON.</p>"
            if len(shown) < len(years) else "")
    body = (_figure(svgs["by_category"], "tCO2e per year by category; air is split into "
                    "its CO2/CH4/N2O part and the radiative-forcing share (hatched).")
            + html_table(table, cols) + note)
    return _section("breakdown", "4. Scopes and categories", body)


def _hotspot_section(report: Report) -> str:
    routes = report.top_routes()
    spots = report.hotspots()
    year = esc(report.year)
    left = (f"<h3>Top air routes, {year}</h3>"
            + html_table(routes, [("route", "Route", "text"), ("trips", "Trips", "int"),
                                  ("distance_km", "km", "int"), ("tco2e", "tCO2e", "t"),
                                  ("tco2e_without_rf", "without RF", "t"),
                                  ("share_pct", "Share of air", "share")],
                         caption="No air travel in this year."))
    right = (f"<h3>Hotspots: entity × category, {year}</h3>"
             + html_table(spots, [("name", "Entity", "text"), ("label", "Category", "text"),
                                  ("tco2e", "tCO2e", "t"), ("share_pct", "Share", "share")],
                          caption="No emissions in this year."))
    body = ('<p class="lead">Where the emissions of the reporting year come from. Routes '
            "count both directions together; distances are great-circle.</p>"
            f'<div class="grid2"><div>{left}</div><div>{right}</div></div>')
    return _section("hotspots", "5. Hotspots", body)


def _quality_section(report: Report) -> str:
    q = report.data_quality()
    rejected = q["rejected"]
    shown = rejected.head(MAX_REJECTED_SHOWN)
    more = (f'<p class="note">Showing {len(shown)} of {len(rejected)} rejected rows; all of '
            "them are in the Excel workbook (sheet “rejected”) and rejected.csv.</p>"
            if len(rejected) > len(shown) else "")
    methods = q["methods"].assign(label=q["methods"]["category"].map(category_label)) \
        if len(q["methods"]) else q["methods"]
    body = (
        '<p class="lead">Every source row is either computed or rejected with a reason; '
        "fallbacks and substitutions are listed so the figures can be audited.</p>"
        '<div class="grid2"><div><h3>Rows read, computed and rejected</h3>'
        + html_table(q["reconciliation"], [("table", "Table", "text"),
                                          ("rows_read", "Read", "int"),
                                          ("rows_computed", "Computed", "int"),
                                          ("rows_rejected", "Rejected", "int")])
        + "<h3>Rows to know about</h3>"
        + html_table(q["flags"], [("flag", "Flag", "wrap"), ("rows", "Rows", "int"),
                                 ("share_pct", "Share of rows", "pct"),
                                 ("tco2e", "tCO2e", "t")],
                     caption="No row carries a data-quality flag.")
        + "<h3>Years covered</h3>"
        + html_table(q["coverage"], [("table", "Table", "text"),
                                    ("first_year", "First", "year"),
                                    ("last_year", "Last", "year"),
                                    ("missing_years", "Years missing", "wrap"),
                                    ("rows", "Rows", "int")])
        + "<h3>Rows whose category came from another edition</h3>"
        + html_table(q["other_editions"][q["other_editions"]["other_edition"] > 0]
                     if len(q["other_editions"]) else q["other_editions"],
                     [("year", "Year", "year"), ("other_edition", "Rows", "int"),
                      ("share_pct", "Share of the year's rows", "pct"),
                      ("detail", "Category from edition", "wrap")],
                     caption="Every row used its own year's edition for its category.")
        + "</div><div><h3>Rejections by reason</h3>"
        + html_table(q["rejected_reasons"], [("table", "Table", "text"),
                                            ("column", "Column", "code"),
                                            ("reason", "Reason", "clip"),
                                            ("variants", "Variants", "int"),
                                            ("rows", "Rows", "int")],
                     caption="No row was rejected.")
        + "</div></div><h3>Fallbacks and substitutions used</h3>"
        + html_table(q["fallbacks"].head(MAX_FALLBACKS_SHOWN), [
            ("note", "Note", "clip"), ("variants", "Variants", "int"), ("rows", "Rows", "int"),
            ("share_pct", "Share of rows", "pct"), ("tco2e", "tCO2e", "t")],
            caption="No fallback was needed.")
        + '<p class="note">Notes that differ only in numbers (the year of a missing edition, '
          "a count) are counted together; “Variants” tells how many wordings were merged. "
          "Every row keeps its own note in the activities sheet of the workbook."
        + (f" The {MAX_FALLBACKS_SHOWN} most frequent of {len(q['fallbacks'])} are shown; all "
           "are in the workbook (sheet “fallbacks”)." if len(q["fallbacks"])
           > MAX_FALLBACKS_SHOWN else "") + "</p>"
        + "<h3>Calculation methods</h3>"
        + html_table(methods, [("label", "Category", "text"), ("method", "Method", "wrap"),
                              ("variants", "Variants", "int"), ("rows", "Rows", "int"),
                              ("tco2e", "tCO2e", "t"), ("share_pct", "Share", "share")])
        + "<h3>Rejected rows</h3>"
        + html_table(shown, [("table", "Table", "text"), ("source_row", "Source row", "int"),
                             ("column", "Column", "code"), ("value", "Value", "code"),
                             ("reason", "Reason", "clip")], caption="No row was rejected.")
        + more)
    return _section("quality", "6. Data quality", body)


def _methodology_section(report: Report) -> str:
    editions = report.methodology()
    body = (
        '<p class="lead">Emission factors come from versioned, cited editions; each activity '
        "row uses the edition of its own year unless one edition was forced. Air travel: "
        "DESNZ distance-based method on great-circle distances (the factors include the 8% "
        "uplift). With-RF factors multiply the CO2 component only "
        "(CO2 × m + CH4 + N2O); the RF share is reported on its own line.</p>"
        "<h3>Factor editions used</h3>"
        + html_table(editions, [("id", "Edition", "code"), ("publisher", "Publisher", "wrap"),
                                ("year", "Year", "year"), ("licence", "Licence", "wrap"),
                                ("source", "Source", "wrap"), ("rows", "Rows", "int"),
                                ("rf_multiplier", "RF multiplier", "t2")])
        + "<h3>Parameters</h3>"
        + html_table(report.parameters(), [("parameter", "Parameter", "text"),
                                           ("value", "Value", "wrap"),
                                           ("detail", "Detail", "wrap")]))
    return _section("methodology", "7. Methodology appendix", body)


def render_html(report: Report, timestamp: str | None = None) -> str:
    """The full HTML document of a report.

    Parameters
    ----------
    report : Report
    timestamp : str, optional
        Shown in the footer when given.

    Returns
    -------
    str
    """
    from .. import __version__
    from .charts import to_svg

    figures = report.figures()
    svgs = {name: to_svg(fig, label=name.replace("_", " ")) for name, fig in figures.items()}
    editions = ", ".join(report.methodology()["id"].astype(str)) or "none"
    rec = report.reconciliation()
    read = int(pd.to_numeric(rec.get("rows_read", pd.Series(dtype=float)),
                             errors="coerce").fillna(0).sum())
    computed = int(pd.to_numeric(rec.get("rows_computed", pd.Series(dtype=float)),
                                 errors="coerce").fillna(0).sum())
    meta = (f"Period {report.period()} · reporting year {report.year} · {read:,} source rows "
            f"read, {computed:,} computed ({len(report.data):,} inventory rows) · "
            f"sem-carbon {__version__}")
    toc = "".join(f'<li><a href="#{a}">{esc(t)}</a></li>' for a, t in (
        ("summary", "Summary"), ("targets", "Targets by entity" if report.targets
                                 else "Entities"),
        ("trend", "Trend"), ("breakdown", "Scopes and categories"), ("hotspots", "Hotspots"),
        ("quality", "Data quality"), ("methodology", "Methodology")))
    stamp = f" Generated {esc(timestamp)}." if timestamp else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="sem-carbon {esc(__version__)}">',
        f"<title>{esc(report.title)}</title>",
        f"<style>{CSS}</style></head><body>",
        '<header class="masthead"><div class="wrap">',
        '<div class="eyebrow">Greenhouse-gas inventory · GHG Protocol scopes 1–3</div>',
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="meta">{esc(meta)}</p></div></header>',
        f'<nav class="toc"><div class="wrap"><ol>{toc}</ol></div></nav>',
        '<main class="wrap">',
        _kpi_strip(report),
        _summary_section(report),
        _targets_section(report, svgs),
        _trend_section(report, svgs),
        _breakdown_section(report, svgs),
        _hotspot_section(report),
        _quality_section(report),
        _methodology_section(report),
        "</main>",
        '<footer><div class="wrap">',
        f"Produced with sem-carbon {esc(__version__)} from factor editions "
        f"{esc(editions)}.{stamp} Emission factors: UK Government GHG Conversion Factors "
        "(BEIS/DESNZ), Open Government Licence v3.0; electricity grid intensity: Ember via "
        "CO2.js, CC BY-SA 4.0 (see the methodology appendix).",
        "</div></footer></body></html>",
    ]
    return "\n".join(parts) + "\n"
