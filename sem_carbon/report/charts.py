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

from .chart_layout import fit, set_rotation
from .tables import CATEGORY_ORDER, category_label

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .model import ReportModel

__all__ = ["by_category_figure", "by_entity_figure", "category_style", "figures",
           "rc_params", "to_svg", "trend_caption", "trend_figure"]

#: Colour per category: the Okabe-Ito palette, safe for the common colour-vision
#: deficiencies (Okabe & Ito 2008, "Color Universal Design"), greys and black added.
#: Electricity T&D losses share electricity's yellow but are always hatched
#: (:data:`CATEGORY_HATCHES`), so no two categories look alike.
CATEGORY_COLOURS: dict[str, str] = {
    "air": "#0072B2", "rail": "#009E73", "road": "#4D4D4D", "hotel": "#E69F00",
    "electricity": "#F0E442", "td_losses": "#F0E442", "fuel": "#D55E00", "heat": "#CC79A7",
    "refrigerant": "#56B4E9", "water": "#000000", "waste": "#BBBBBB",
}
#: Hatches that tell apart the categories drawn in a shared colour.
CATEGORY_HATCHES: dict[str, str] = {"td_losses": "xxx", "air_rf": "////"}
_RF_COLOUR = CATEGORY_COLOURS["air"]
_INK = "#1d2733"
_MUTED = "#5d6b7a"
_MET = "#009E73"       # Okabe-Ito bluish green
_NOT_MET = "#D55E00"   # Okabe-Ito vermillion
_BASELINE = "#b8c2cc"
_EXTRA = ("#7f7f7f", "#332288", "#882255", "#117733", "#999933")
#: Colours of the targets' lines (Okabe-Ito, in order).
TARGET_COLOURS = ("#D55E00", "#009E73", "#CC79A7", "#E69F00")
#: Width of the phone rendering [inches]: about 420 CSS px at 100 %.
PHONE_WIDTH = 4.4


def rc_params(phone: bool = False) -> dict[str, Any]:
    """matplotlib settings of every report chart (plain text, no maths, fixed SVG ids).

    Parameters
    ----------
    phone : bool, default False
        Settings of the narrow rendering shown on small screens: larger text, so that
        once the SVG is scaled to a 400 px wide screen no text is below 9 CSS px.

    Returns
    -------
    dict
    """
    base = 10.5 if phone else 9.5
    return {
        "font.family": "DejaVu Sans",
        "font.size": base,
        "axes.titlesize": base + 1.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": base,
        "xtick.labelsize": base,
        "ytick.labelsize": base,
        "axes.edgecolor": "#c9d1d9",
        "axes.labelcolor": _INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#e6eaee",
        "grid.linewidth": 0.8,
        "hatch.linewidth": 0.8,
        "xtick.color": _MUTED,
        "ytick.color": _MUTED,
        "text.color": _INK,
        "legend.frameon": False,
        "legend.fontsize": base if phone else 9.0,
        "text.parse_math": False,  # a "$" in an entity name is text, not maths
        "svg.fonttype": "none",    # text stays text (selectable, escaped, small)
        "svg.hashsalt": "sem-carbon-phone" if phone else "sem-carbon",
        "figure.dpi": 100,
    }


def _figure(width: float, height: float) -> Figure:
    """A figure without a layout engine: :func:`.chart_layout.fit` places its axes once
    (a layout engine would measure every text again and make ``savefig`` draw twice)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _bars(ax: Any, at: Any, length: Any, thickness: float, start: Any = None, *,
          horizontal: bool = False, **style: Any) -> Any:
    """Bars of one series drawn as one path of rectangles (one SVG ``<path>``).

    Looks like :meth:`~matplotlib.axes.Axes.bar` / ``barh`` (bar ``i`` centred on
    ``at[i]``, ``thickness`` wide, from ``start[i]`` to ``start[i] + length[i]``; the
    value axis does not extend past the bars' bases), at a fraction of the cost of one
    artist per bar. Bars of zero or missing length are left out, as they draw nothing.

    Parameters
    ----------
    ax : Axes
    at : array-like
        Centres on the category axis.
    length : array-like
        Lengths on the value axis (tCO2e).
    thickness : float
        Bar width on the category axis.
    start : array-like, optional
        Bases on the value axis (default 0): stacked bars.
    horizontal : bool, default False
        Bars along x (``barh``).
    **style
        :class:`~matplotlib.patches.PathPatch` properties (colours, hatch, label).

    Returns
    -------
    PathPatch
    """
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    at = np.asarray(at, dtype=float)
    length = np.asarray(length, dtype=float)
    start = np.zeros_like(length) if start is None else np.asarray(start, dtype=float)
    keep = np.isfinite(at) & np.isfinite(length) & np.isfinite(start) & (length != 0)
    low, high = at[keep] - thickness / 2, at[keep] + thickness / 2
    base, end = start[keep], start[keep] + length[keep]
    along = np.stack([base, end, end, base, base], axis=1)
    across = np.stack([low, low, high, high, low], axis=1)
    xs, ys = (along, across) if horizontal else (across, along)
    vertices = np.stack([xs, ys], axis=-1).reshape(-1, 2)
    codes = np.tile(np.array([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO,
                              Path.CLOSEPOLY], dtype=Path.code_type), int(keep.sum()))
    patch = PathPatch(Path(vertices, codes), **style)
    ax.add_artist(patch)  # one artist: the data limits are updated here, once
    sticky = patch.sticky_edges.x if horizontal else patch.sticky_edges.y
    sticky.extend(np.unique(np.append(base, 0.0)).tolist())
    if len(vertices):
        ax.update_datalim(vertices)
    ax.autoscale_view()
    return patch


def _short(text: Any, size: int = 44) -> str:
    text = str(text)
    return text if len(text) <= size else text[: size - 1] + "…"


def _thousands(ax: Any, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.1f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _empty(fig: Figure, title: str, message: str) -> Figure:
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", color=_MUTED, transform=ax.transAxes)
    ax.set_axis_off()
    fit(fig, ax)
    return fig


def by_entity_figure(status: pd.DataFrame | None, entity_totals: pd.DataFrame | None = None,
                     title: str = "", max_entities: int = 15, phone: bool = False) -> Figure:
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
    phone : bool, default False
        The narrow rendering (see :func:`rc_params`).

    Returns
    -------
    Figure
    """
    from matplotlib import rc_context
    from matplotlib.patches import Patch

    width = PHONE_WIDTH if phone else 10.0
    label_size = 18 if phone else 44
    per_row = 0.34 if phone else 0.27
    with rc_context(rc_params(phone)):
        if status is not None and not status.empty:
            rows = status
            if "depth" in rows.columns and (rows["depth"] > 0).any():
                rows = rows[rows["depth"] > 0]
            rows = rows.sort_values(["baseline", "entity"], ascending=[False, True],
                                    kind="mergesort").head(max_entities).iloc[::-1]
            fig = _figure(width, max(2.8, per_row * len(rows) + (2.4 if phone else 1.5)))
            ax = fig.add_subplot()
            y = np.arange(len(rows))
            names = rows["name"].where(rows["name"].astype(str) != "", rows["entity"]) \
                if "name" in rows.columns else rows["entity"]
            met = rows["met"].fillna(False).astype(bool).to_numpy()
            actual = rows["actual"].astype(float).to_numpy()
            _bars(ax, y + 0.19, rows["baseline"].astype(float), 0.36, horizontal=True,
                  color=_BASELINE)
            _bars(ax, (y - 0.19)[met], actual[met], 0.36, horizontal=True, color=_MET)
            _bars(ax, (y - 0.19)[~met], actual[~met], 0.36, horizontal=True, color=_NOT_MET)
            target = ax.scatter(rows["target"].astype(float), y - 0.19, marker="|", s=120,
                                color=_INK, linewidths=2, zorder=3)
            ax.set_ylim(-0.6, len(rows) - 0.4)
            ax.set_yticks(y, [_short(n, label_size) for n in names])
            ax.grid(axis="y", visible=False)
            ax.set_xlabel("tCO2e")
            _thousands(ax, "x")
            if phone:
                ax.xaxis.set_major_locator(_locator(4))
            ax.set_title(_short(title or "Emissions by entity against the target",
                                40 if phone else 120))
            fit(fig, ax, [Patch(color=_BASELINE), Patch(color=_MET), Patch(color=_NOT_MET),
                          target],
                ["Baseline", "Actual: met", "Actual: not met", "Target"],
                ncols=2 if phone else 4)
            return fig
        if entity_totals is None or entity_totals.empty:
            return _empty(_figure(width, 2.6), title or "Emissions by entity", "no data")
        rows = entity_totals.sort_values(["tco2e", "entity"], ascending=[False, True],
                                         kind="mergesort").head(max_entities).iloc[::-1]
        fig = _figure(width, max(2.6, per_row * len(rows) + 1.2))
        ax = fig.add_subplot()
        y = np.arange(len(rows))
        _bars(ax, y, rows["tco2e"].astype(float), 0.6, horizontal=True,
              color=CATEGORY_COLOURS["air"])
        ax.set_yticks(y, [_short(n, label_size) for n in rows["name"]])
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("tCO2e")
        _thousands(ax, "x")
        if phone:
            ax.xaxis.set_major_locator(_locator(4))
        ax.set_title(_short(title or "Emissions by entity", 40 if phone else 120))
        fit(fig, ax)
        return fig


def _locator(n: int) -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=n, integer=True)


def _year_ticks(ax: Any, years: Sequence[int], phone: bool) -> None:
    """Year ticks that stay readable: every year when few, else a subset."""
    years = [int(y) for y in years]
    most = 5 if phone else 16
    step = max(1, -(-len(years) // most))
    shown = years[::-1][::step][::-1]  # always label the latest year
    rotation = 45 if len(shown) > (4 if phone else 10) else 0
    ax.set_xticks(shown, [str(y) for y in shown], rotation=rotation)
    set_rotation(ax.xaxis, rotation)
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)  # no point clipped at the edges


def by_category_figure(summary: pd.DataFrame, title: str = "", phone: bool = False) -> Figure:
    """Stacked columns of tCO2e per year and category, air split into without-RF and RF.

    Parameters
    ----------
    summary : DataFrame
        :func:`sem_carbon.report.tables.summary_table` (its ``category`` lines, and the
        ``air_without_rf`` and ``rf_share`` lines for the two parts of air).
    title : str
    phone : bool, default False
        The narrow rendering (see :func:`rc_params`).

    Returns
    -------
    Figure
    """
    from matplotlib import rc_context

    width = PHONE_WIDTH if phone else 10.0
    with rc_context(rc_params(phone)):
        columns = [c for c in summary.columns if str(c).isdigit()]
        if not columns:
            return _empty(_figure(width, 3.6), title or "Emissions by category", "no data")
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
        fig = _figure(width, 5.6 if phone else 4.4)
        ax = fig.add_subplot()
        bottom = np.zeros(len(years))
        bars = []
        for i, key_name in enumerate(k for k in order if k in grid.columns):
            heights = grid[key_name].to_numpy()
            if not heights.any():
                continue
            colour, label, hatch = category_style(key_name, i)
            bars.append(_bars(ax, years, heights, 0.72, bottom, facecolor=colour, label=label,
                              hatch=hatch, edgecolor=("white" if key_name == "air_rf"
                                                      else "#6b5f00") if hatch else colour,
                              linewidth=0))
            bottom += heights
        ax.set_ylabel("tCO2e")
        ax.set_xlabel("Year")
        _year_ticks(ax, years, phone)
        ax.grid(axis="x", visible=False)
        _thousands(ax)
        ax.set_title(title or ("By category and year" if phone
                               else "Emissions by category and year"))
        fit(fig, ax, bars, [b.get_label() for b in bars], ncols=2 if phone else 6)
        return fig


def category_style(key: str, i: int = 0) -> tuple[str, str, str | None]:
    """Colour, legend label and hatch of a category in the stacked chart.

    Parameters
    ----------
    key : str
        Category (``air_no_rf`` and ``air_rf`` for the two parts of air).
    i : int
        Position, for the fallback colours of categories not in the palette.

    Returns
    -------
    (str, str, str or None)
    """
    if key == "air_no_rf":
        return CATEGORY_COLOURS["air"], "Air (without RF)", None
    if key == "air_rf":
        return _RF_COLOUR, "Air: radiative forcing", CATEGORY_HATCHES["air_rf"]
    return (CATEGORY_COLOURS.get(key, _EXTRA[i % len(_EXTRA)]), category_label(key),
            CATEGORY_HATCHES.get(key))


def _paths(trend: pd.DataFrame, target_labels: Sequence[str]) -> list[tuple[int, str]]:
    """Targets (1-based number, label) whose path has at least one point to draw."""
    out = []
    for k, label in enumerate(target_labels, start=1):
        path = f"target_{k}_path_tco2e"
        if path in trend.columns and pd.to_numeric(trend[path], errors="coerce").notna().any():
            out.append((k, label))
    return out


def trend_caption(trend: pd.DataFrame, target_labels: Sequence[str] = ()) -> str:
    """The caption of :func:`trend_figure`, true to what it draws.

    Parameters
    ----------
    trend : DataFrame
        From :func:`sem_carbon.report.tables.trend`.
    target_labels : sequence of str
        Labels of the targets.

    Returns
    -------
    str
    """
    if trend.empty or "kyoto_tco2e" not in trend.columns:
        return "No emissions on file."
    total = pd.to_numeric(trend["kyoto_tco2e"], errors="coerce")
    with_data = trend.loc[total.notna(), "year"].astype(int).tolist()
    parts = [f"tCO2e per year, {len(with_data)} year{'s' if len(with_data) != 1 else ''} "
             "with data; dots mark the years on file"]
    missing = [int(y) for y in trend.loc[total.isna(), "year"]
               if with_data and with_data[0] < int(y) < with_data[-1]]
    if missing:
        parts.append(f"years without data are left as gaps ({_period(missing)})")
    if _paths(trend, target_labels):
        parts.append("dashed: target path from the baseline to the target year, "
                     "diamond: target")
    else:
        parts.append("no target path (no target with a baseline on file)")
    return "; ".join(parts) + "."


def _period(years: Sequence[int]) -> str:
    """Years as short text: runs joined with an en dash (2012–2014, 2017)."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def trend_figure(trend: pd.DataFrame, target_labels: Sequence[str] = (),
                 title: str = "", total_label: str = "Kyoto total",
                 phone: bool = False) -> Figure:
    """Totals per year with each target's actuals and path.

    Years without data are gaps (lines break there; every year on file has a dot, so an
    isolated year is still seen). A target's path is drawn only where it has values.

    Parameters
    ----------
    trend : DataFrame
        From :func:`sem_carbon.report.tables.trend`.
    target_labels : sequence of str
        Labels of the targets (``target_k_*`` columns, 1-based).
    title : str
    total_label : str
        Legend of the total line (e.g. "Kyoto total (air with RF)").
    phone : bool, default False
        The narrow rendering (see :func:`rc_params`).

    Returns
    -------
    Figure
    """
    from matplotlib import rc_context

    width = PHONE_WIDTH if phone else 10.0
    with rc_context(rc_params(phone)):
        if trend.empty or "kyoto_tco2e" not in trend.columns:
            return _empty(_figure(width, 3.6), title or "Trend", "no data")
        fig = _figure(width, 5.4 if phone else 4.6)
        ax = fig.add_subplot()
        tag = "phone-trend" if phone else "trend"  # SVG ids, distinct in one page
        years = trend["year"].to_numpy(dtype=float)
        total = pd.to_numeric(trend["kyoto_tco2e"], errors="coerce").to_numpy(dtype=float)
        ax.plot(years, total, color=_INK, marker="o", ms=5, lw=2, label=total_label,
                gid=f"{tag}-total")
        if "un_inventory_tco2e" in trend.columns:
            ax.plot(years, pd.to_numeric(trend["un_inventory_tco2e"], errors="coerce"),
                    color=_MUTED, marker="s", ms=3.5, lw=1.5, ls=(0, (4, 2)),
                    label="UN-inventory view" if phone
                    else "UN-inventory view (air without RF, no hotels)", gid=f"{tag}-un")
        drawn = dict(_paths(trend, target_labels))
        top = np.nanmax(total) if np.isfinite(total).any() else 0.0
        for k, label in enumerate(target_labels, start=1):
            actual, path = f"target_{k}_actual_tco2e", f"target_{k}_path_tco2e"
            if actual not in trend.columns:
                continue
            colour = TARGET_COLOURS[(k - 1) % len(TARGET_COLOURS)]
            ax.plot(years, pd.to_numeric(trend[actual], errors="coerce"), color=colour,
                    marker="o", ms=4, lw=1.8, label=f"In target scope: {_short(label, 30)}"
                    if phone else f"In target scope: {label}", gid=f"{tag}-target-{k}-actual")
            if k not in drawn:
                continue
            pts = trend[["year", path]].dropna()
            ax.plot(pts["year"], pts[path], color=colour, lw=1.4, ls="--",
                    label="Target path", gid=f"{tag}-target-{k}-path")
            end = pts.iloc[-1]
            ax.scatter([end["year"]], [end[path]], marker="D", s=40, color=colour,
                       zorder=4)
            ax.annotate(f"target {int(end['year'])}: {end[path]:,.0f} t",
                        (end["year"], end[path]), xytext=(-6, -14), ha="right",
                        textcoords="offset points", fontsize=rc_params(phone)["font.size"],
                        color=colour)
            top = max(top, float(np.nanmax(pts[path])))
        ax.set_ylabel("tCO2e")
        ax.set_xlabel("Year")
        _year_ticks(ax, [int(y) for y in years], phone)
        ax.set_ylim(0, top * 1.12 if top > 0 else 1.0)  # the highest dot not clipped
        _thousands(ax)
        ax.set_title(title or ("Emissions per year" if phone else
                               "Emissions per year" + (" and target path" if drawn else "")))
        fit(fig, ax, *ax.get_legend_handles_labels(), ncols=1 if phone else 2)
        return fig


def figures(model: ReportModel, *, phone: bool = False) -> dict[str, Figure]:
    """The report's charts: ``by_entity``, ``by_category`` and ``trend``.

    Parameters
    ----------
    model : ReportModel
    phone : bool, default False
        The narrow renderings shown on small screens.

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
                                          title=model.entity_chart_title, phone=phone),
            "by_category": by_category_figure(model.summary.data, phone=phone),
            "trend": trend_figure(model.trend.data, model.target_labels,
                                  total_label=model.kyoto_label, phone=phone)}


_SVG_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
_SVG_META = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG_NS = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def to_svg(fig: Figure, label: str = "", phone: bool = False) -> str:
    """Render a figure as an inline SVG element for HTML.

    The XML prolog, DOCTYPE, metadata and namespace declarations are dropped (an inline
    ``<svg>`` in HTML needs none of them, and the report then holds no external URL);
    the size is made responsive with a ``viewBox``.

    Parameters
    ----------
    fig : Figure
    label : str
        Accessible name (``aria-label``), escaped.
    phone : bool, default False
        The narrow rendering: class ``phone`` (shown on small screens only; the wide one
        has class ``desk``), and its own SVG ids.

    Returns
    -------
    str
    """
    from matplotlib import rc_context

    from .safety import esc

    buf = io.StringIO()
    with rc_context(rc_params(phone)):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = _SVG_META.sub("", _SVG_HEAD.sub("", buf.getvalue(), count=1))
    text = _SVG_NS.sub("", text)
    text = re.sub(r'<svg\s+width="([\d.]+)pt"\s+height="([\d.]+)pt"',
                  lambda m: (f'<svg class="{"phone" if phone else "desk"}" role="img" '
                             f'aria-label="{esc(label)}" '
                             f'preserveAspectRatio="xMinYMin meet" '
                             f'style="max-width:{float(m.group(1)) * 4 / 3:.0f}px"'),
                  text, count=1)
    return text.strip()
