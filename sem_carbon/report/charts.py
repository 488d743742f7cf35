"""Charts of the report (matplotlib, drawn without pyplot on the Agg/SVG canvases).

matplotlib is imported only when a chart is drawn, so ``import sem_carbon`` stays fast.
Figures are :class:`matplotlib.figure.Figure` objects not registered with pyplot: nothing
global is touched and nothing needs closing. :func:`to_svg` renders one as an inline SVG
string with text kept as text (escaped by matplotlib), no timestamp and fixed ids, so the
same data always gives the same SVG.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .tables import CATEGORY_ORDER, category_label

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .model import ReportModel

__all__ = ["by_category_figure", "by_entity_figure", "figures", "rc_params", "to_svg",
           "trend_figure"]

#: Colour per category (colour-blind-aware, Tableau 10 based).
CATEGORY_COLOURS: dict[str, str] = {
    "air": "#1f5f99", "rail": "#59a14f", "road": "#9c755f", "hotel": "#f28e2b",
    "electricity": "#edc948", "td_losses": "#d4b43c", "fuel": "#e15759", "heat": "#ff9da7",
    "refrigerant": "#76b7b2", "water": "#86bcb6", "waste": "#bab0ac",
}
_RF_COLOUR = "#8fb8de"
_INK = "#1d2733"
_MUTED = "#6b7785"
_MET = "#2e7d32"
_NOT_MET = "#c62828"
_BASELINE = "#b8c2cc"
_EXTRA = ("#4e79a7", "#af7aa1", "#9d7660", "#d37295", "#a0cbe8")


def rc_params() -> dict[str, Any]:
    """matplotlib settings of every report chart (plain text, no maths, fixed SVG ids)."""
    return {
        "font.family": "DejaVu Sans",
        "font.size": 9.5,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 9.5,
        "axes.edgecolor": "#c9d1d9",
        "axes.labelcolor": _INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#e6eaee",
        "grid.linewidth": 0.8,
        "xtick.color": _MUTED,
        "ytick.color": _MUTED,
        "text.color": _INK,
        "legend.frameon": False,
        "legend.fontsize": 8.5,
        "text.parse_math": False,  # a "$" in an entity name is text, not maths
        "svg.fonttype": "none",    # text stays text (selectable, escaped, small)
        "svg.hashsalt": "sem-carbon",
        "figure.dpi": 100,
    }


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _short(text: Any, size: int = 44) -> str:
    text = str(text)
    return text if len(text) <= size else text[: size - 1] + "…"


def _thousands(ax: Any, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.1f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _empty(fig: Figure, title: str, message: str) -> Figure:
    ax = fig.subplots()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", color=_MUTED, transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def by_entity_figure(status: pd.DataFrame | None, entity_totals: pd.DataFrame | None = None,
                     title: str = "", max_entities: int = 15) -> Figure:
    """Baseline, actual and target per entity (or totals per entity when no target).

    Parameters
    ----------
    status : DataFrame, optional
        One target's ``target_status`` rows (``entity``, ``name``, ``depth``, ``baseline``,
        ``actual``, ``target``, ``met``) in tCO2e.
    entity_totals : DataFrame, optional
        ``entity``, ``name``, ``tco2e``: used when ``status`` is None or empty.
    title : str
    max_entities : int
        Largest entities shown (by baseline, else by total).

    Returns
    -------
    Figure
    """
    from matplotlib import rc_context
    from matplotlib.patches import Patch

    with rc_context(rc_params()):
        if status is not None and not status.empty:
            rows = status
            if "depth" in rows.columns and (rows["depth"] > 0).any():
                rows = rows[rows["depth"] > 0]
            rows = rows.sort_values(["baseline", "entity"], ascending=[False, True],
                                    kind="mergesort").head(max_entities).iloc[::-1]
            fig = _figure(10.0, max(2.8, 0.27 * len(rows) + 1.5))
            ax = fig.subplots()
            y = np.arange(len(rows))
            names = rows["name"].where(rows["name"].astype(str) != "", rows["entity"]) \
                if "name" in rows.columns else rows["entity"]
            met = rows["met"].fillna(False).astype(bool).to_numpy()
            ax.barh(y + 0.19, rows["baseline"].astype(float), height=0.36, color=_BASELINE,
                    label="Baseline")
            ax.barh(y - 0.19, rows["actual"].astype(float), height=0.36,
                    color=np.where(met, _MET, _NOT_MET))
            ax.scatter(rows["target"].astype(float), y - 0.19, marker="|", s=120,
                       color=_INK, linewidths=2, zorder=3)
            ax.set_ylim(-0.6, len(rows) - 0.4)
            ax.set_yticks(y, [_short(n) for n in names])
            ax.grid(axis="y", visible=False)
            ax.set_xlabel("tCO2e")
            _thousands(ax, "x")
            fig.legend(handles=[Patch(color=_BASELINE, label="Baseline"),
                                Patch(color=_MET, label="Actual (target met)"),
                                Patch(color=_NOT_MET, label="Actual (target not met)"),
                                ax.collections[-1]],
                       labels=["Baseline", "Actual: met", "Actual: not met", "Target"],
                       loc="outside lower center", ncols=4)
            ax.set_title(title or "Emissions by entity against the target")
            return fig
        if entity_totals is None or entity_totals.empty:
            return _empty(_figure(8.6, 2.6), title or "Emissions by entity", "no data")
        rows = entity_totals.sort_values(["tco2e", "entity"], ascending=[False, True],
                                         kind="mergesort").head(max_entities).iloc[::-1]
        fig = _figure(10.0, max(2.6, 0.27 * len(rows) + 1.2))
        ax = fig.subplots()
        y = np.arange(len(rows))
        ax.barh(y, rows["tco2e"].astype(float), color=CATEGORY_COLOURS["air"], height=0.6)
        ax.set_yticks(y, [_short(n) for n in rows["name"]])
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("tCO2e")
        _thousands(ax, "x")
        ax.set_title(title or "Emissions by entity")
        return fig


def by_category_figure(summary: pd.DataFrame, title: str = "") -> Figure:
    """Stacked columns of tCO2e per year and category, air split into without-RF and RF.

    Parameters
    ----------
    summary : DataFrame
        :func:`sem_carbon.report.tables.summary_table` (its ``category`` lines, and the
        ``air_without_rf`` and ``rf_share`` lines for the two parts of air).
    title : str

    Returns
    -------
    Figure
    """
    from matplotlib import rc_context

    with rc_context(rc_params()):
        columns = [c for c in summary.columns if str(c).isdigit()]
        if not columns:
            return _empty(_figure(8.6, 3.6), title or "Emissions by category", "no data")
        lines = summary.set_index("key")
        parts = lines.loc[(summary["section"] == "category").to_numpy(), columns]
        parts = parts.drop(index="air", errors="ignore")
        if "air" in set(summary.loc[summary["section"] == "category", "key"]):
            air = lines.loc[["air_without_rf", "rf_share"], columns]
            parts = pd.concat([air.rename(index={"air_without_rf": "air_no_rf",
                                                 "rf_share": "air_rf"}), parts])
        years = list(range(int(columns[0]), int(columns[-1]) + 1))
        grid = parts.T.astype(float).fillna(0.0)  # no rows that year: nothing to stack
        grid.index = grid.index.astype(int)
        grid = grid.reindex(years, fill_value=0.0)
        order = ["air_no_rf", "air_rf", *[c for c in CATEGORY_ORDER if c != "air"]]
        order += sorted(set(grid.columns) - set(order))
        fig = _figure(10.0, 4.4)
        ax = fig.subplots()
        bottom = np.zeros(len(years))
        for i, key_name in enumerate(k for k in order if k in grid.columns):
            heights = grid[key_name].to_numpy()
            if not heights.any():
                continue
            if key_name == "air_no_rf":
                colour, label, hatch = CATEGORY_COLOURS["air"], "Air (without RF)", None
            elif key_name == "air_rf":
                colour, label, hatch = _RF_COLOUR, "Air: radiative forcing", "////"
            else:
                colour = CATEGORY_COLOURS.get(key_name, _EXTRA[i % len(_EXTRA)])
                label, hatch = category_label(key_name), None
            ax.bar(years, heights, bottom=bottom, color=colour, label=label, width=0.72,
                   hatch=hatch, edgecolor="white" if hatch else None, linewidth=0)
            bottom += heights
        ax.set_ylabel("tCO2e")
        ax.set_xlabel("Year")
        ax.set_xticks(years, [str(y) for y in years],
                      rotation=45 if len(years) > 10 else 0)
        ax.grid(axis="x", visible=False)
        _thousands(ax)
        fig.legend(loc="outside lower center", ncols=6)
        ax.set_title(title or "Emissions by category and year")
        return fig


def trend_figure(trend: pd.DataFrame, target_labels: Sequence[str] = (),
                 title: str = "", total_label: str = "Kyoto total") -> Figure:
    """Totals per year with each target's actuals and path.

    Parameters
    ----------
    trend : DataFrame
        From :func:`sem_carbon.report.tables.trend`.
    target_labels : sequence of str
        Labels of the targets (``target_k_*`` columns, 1-based).
    title : str
    total_label : str
        Legend of the total line (e.g. "Kyoto total (air with RF)").

    Returns
    -------
    Figure
    """
    from matplotlib import rc_context

    with rc_context(rc_params()):
        if trend.empty:
            return _empty(_figure(8.6, 3.6), title or "Trend", "no data")
        fig = _figure(10.0, 4.6)
        ax = fig.subplots()
        years = trend["year"].to_numpy()
        ax.plot(years, trend["kyoto_tco2e"], color=_INK, marker="o", ms=3.5, lw=2,
                label=total_label)
        ax.plot(years, trend["un_inventory_tco2e"], color=_MUTED, lw=1.5, ls=(0, (4, 2)),
                label="UN-inventory view (air without RF, no hotels)")
        palette = ("#1f5f99", "#f28e2b", "#59a14f", "#af7aa1")
        for k, label in enumerate(target_labels, start=1):
            actual, path = f"target_{k}_actual_tco2e", f"target_{k}_path_tco2e"
            if actual not in trend.columns:
                continue
            colour = palette[(k - 1) % len(palette)]
            ax.plot(years, trend[actual], color=colour, marker="o", ms=3.5, lw=1.8,
                    label=f"In target scope: {label}")
            pts = trend[["year", path]].dropna()
            if len(pts):
                ax.plot(pts["year"], pts[path], color=colour, lw=1.4, ls="--",
                        label="Target path")
                end = pts.iloc[-1]
                ax.scatter([end["year"]], [end[path]], marker="D", s=40, color=colour,
                           zorder=4)
                ax.annotate(f"target {int(end['year'])}: {end[path]:,.0f} tCO2e",
                            (end["year"], end[path]), xytext=(6, -12),
                            textcoords="offset points", fontsize=8, color=colour)
        ax.set_ylabel("tCO2e")
        ax.set_xlabel("Year")
        ax.set_xticks(years, [str(int(y)) for y in years],
                      rotation=45 if len(years) > 10 else 0)
        ax.set_ylim(bottom=0)
        _thousands(ax)
        fig.legend(loc="outside lower center", ncols=2)
        ax.set_title(title or "Emissions per year and target path")
        return fig


def figures(model: ReportModel) -> dict[str, Figure]:
    """The report's charts: ``by_entity``, ``by_category`` and ``trend``.

    Parameters
    ----------
    model : ReportModel

    Returns
    -------
    dict of str to Figure

    Raises
    ------
    MissingDependencyError
        matplotlib is not installed (``pip install "sem-carbon[charts]"``).
    """
    from ..optional import require

    require("matplotlib", "charts", "drawing the report's charts")
    status = model.targets[0].status.data if model.targets else None
    return {"by_entity": by_entity_figure(status, model.entity_totals.data,
                                          title=model.entity_chart_title),
            "by_category": by_category_figure(model.summary.data),
            "trend": trend_figure(model.trend.data, model.target_labels,
                                  total_label=model.kyoto_label)}


_SVG_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
_SVG_META = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG_NS = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def to_svg(fig: Figure, label: str = "") -> str:
    """Render a figure as an inline SVG element for HTML.

    The XML prolog, DOCTYPE, metadata and namespace declarations are dropped (an inline
    ``<svg>`` in HTML needs none of them, and the report then holds no external URL);
    the size is made responsive with a ``viewBox``.

    Parameters
    ----------
    fig : Figure
    label : str
        Accessible name (``aria-label``), escaped.

    Returns
    -------
    str
    """
    from matplotlib import rc_context

    from .safety import esc

    buf = io.StringIO()
    with rc_context(rc_params()):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = _SVG_META.sub("", _SVG_HEAD.sub("", buf.getvalue(), count=1))
    text = _SVG_NS.sub("", text)
    text = re.sub(r'<svg\s+width="([\d.]+)pt"\s+height="([\d.]+)pt"',
                  lambda m: (f'<svg role="img" aria-label="{esc(label)}" '
                             f'preserveAspectRatio="xMinYMin meet" '
                             f'style="max-width:{float(m.group(1)) * 4 / 3:.0f}px"'),
                  text, count=1)
    return text.strip()
