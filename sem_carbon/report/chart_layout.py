"""Margins of the report's charts computed from the sizes of their texts, in one pass.

matplotlib's constrained layout measures every text of a figure several times and makes
``savefig`` draw the figure twice (once to lay it out, once to write it); for the report's
small charts that was most of their cost. Here each text that sits outside the axes (title,
tick labels, axis labels, legend) is measured once, with the font measure matplotlib's SVG
writer uses (:data:`matplotlib.textpath.text_to_path`, DejaVu Sans), and the axes is placed
so that all of them fit in the figure: nothing clipped, the legend below the axis labels.

All sizes are in points (1/72 inch), so the layout holds at any dpi.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

__all__ = ["PAD", "fit", "fit_text", "legend_columns", "set_rotation", "text_size"]

#: Space kept free at each edge of the figure [pt].
PAD = 4.0
#: Space between the axis label and the legend below it [pt].
_GAP = 4.0
_ELLIPSIS = "…"


@functools.lru_cache(maxsize=4096)
def text_size(text: str, size: float, bold: bool = False) -> tuple[float, float]:
    """Width and height of one line of text as matplotlib lays it out.

    Parameters
    ----------
    text : str
        One line, drawn as plain text (no maths).
    size : float
        Font size [pt].
    bold : bool, default False

    Returns
    -------
    (float, float)
        Width and height [pt]; the height is at least that of "lp" (matplotlib's line
        height), as in :meth:`matplotlib.text.Text.get_window_extent`.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family="DejaVu Sans", size=size,
                          weight="bold" if bold else "normal")
    width, height, _ = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    if text == "lp":
        return width, height
    return width, max(height, text_size("lp", size, bold)[1])


def _descent(size: float) -> float:
    """Descent of a line of text [pt] (that of "lp")."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    return text_to_path.get_text_width_height_descent(
        "lp", FontProperties(family="DejaVu Sans", size=size), ismath=False)[2]


def fit_text(text: str, size: float, width: float, bold: bool = False) -> str:
    """``text``, cut with an ellipsis if needed so that it is at most ``width`` wide.

    Parameters
    ----------
    text : str
    size : float
        Font size [pt].
    width : float
        Room [pt].
    bold : bool, default False

    Returns
    -------
    str
    """
    if text_size(text, size, bold)[0] <= width:
        return text
    low, high = 0, len(text)  # the longest cut that fits: a bisection on the length
    while low < high:
        mid = (low + high + 1) // 2
        if text_size(text[:mid].rstrip() + _ELLIPSIS, size, bold)[0] <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + _ELLIPSIS


def _columns(n: int, ncols: int) -> list[range]:
    """Entries per column as matplotlib's legend splits them (``numpy.array_split``)."""
    rows, extra = divmod(n, ncols)
    out, at = [], 0
    for k in range(ncols):
        size = rows + (1 if k < extra else 0)
        out.append(range(at, at + size))
        at += size
    return [c for c in out if len(c)]


def _legend_size(labels: Sequence[str], ncols: int, size: float) -> tuple[float, float]:
    """Width and height [pt] of a frameless legend of ``labels`` in ``ncols`` columns, with
    the rc settings in force (handle length, paddings, spacings in font sizes)."""
    from matplotlib import rcParams

    handle = rcParams["legend.handlelength"] * size
    text_pad = rcParams["legend.handletextpad"] * size
    handle_h = rcParams["legend.handleheight"] * size
    descent = _descent(size)
    columns = _columns(len(labels), ncols)
    width = sum(handle + text_pad + max(text_size(labels[i], size)[0] for i in col)
                for col in columns)
    width += rcParams["legend.columnspacing"] * size * (len(columns) - 1)
    # a row: the handle box (no descent) and the text aligned on their baselines
    rows = [max(handle_h, text_size(labels[i], size)[1] - descent) + descent
            for i in columns[0]]
    height = sum(rows) + rcParams["legend.labelspacing"] * size * (len(rows) - 1)
    border = 2 * rcParams["legend.borderpad"] * size
    return width + border, height + border


def legend_columns(labels: Sequence[str], ncols: int, size: float, room: float) -> int:
    """The most columns, up to ``ncols``, in which a legend of ``labels`` fits ``room``.

    Parameters
    ----------
    labels : sequence of str
    ncols : int
        Columns wanted.
    size : float
        Font size [pt].
    room : float
        Width available [pt].

    Returns
    -------
    int
    """
    ncols = max(1, min(ncols, len(labels)))
    while ncols > 1 and _legend_size(labels, ncols, size)[0] > room:
        ncols -= 1
    return ncols


def _tick_labels(axis: Axis) -> tuple[np.ndarray, list[str]]:
    """Major tick positions inside the view and their labels, without drawing any tick."""
    low, high = sorted(axis.get_view_interval())
    locs = np.asarray(axis.get_major_locator()(), dtype=float)
    # labelled before the ticks outside the view are dropped: fixed labels go by position
    labels = np.array([str(label) for label in
                       axis.get_major_formatter().format_ticks(locs)], dtype=object)
    span = (high - low) * 1e-10
    inside = (locs >= low - span) & (locs <= high + span)
    return locs[inside], list(labels[inside])


def _extent(labels: Sequence[str], size: float, rotation: float) -> tuple[float, float]:
    """Largest width and height [pt] of ``labels`` rotated by ``rotation`` degrees."""
    if not labels:
        return 0.0, 0.0
    sizes = np.array([text_size(label, size) for label in labels if label])
    if not len(sizes):
        return 0.0, 0.0
    cos, sin = abs(math.cos(math.radians(rotation))), abs(math.sin(math.radians(rotation)))
    return (float(np.max(sizes[:, 0] * cos + sizes[:, 1] * sin)),
            float(np.max(sizes[:, 0] * sin + sizes[:, 1] * cos)))


def _points(key: str) -> float:
    """A font size of the rc settings in force [pt] (a number or a name like "large")."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    return float(FontProperties(size=rcParams[key]).get_size_in_points())


def _rotation(axis: Axis) -> float:
    return float(getattr(axis, "_sem_rotation", 0.0))


def set_rotation(axis: Axis, degrees: float) -> None:
    """Record the rotation given to ``axis``'s tick labels (read back by :func:`fit`)."""
    axis._sem_rotation = degrees  # type: ignore[attr-defined]


def fit(fig: Figure, ax: Axes, handles: Sequence[Any] = (), labels: Sequence[str] = (),
        ncols: int = 1) -> Legend | None:
    """Place ``ax`` in ``fig`` so that its title, tick labels, axis labels and a legend
    below them (at the bottom centre of the figure) all fit; freeze the ticks.

    Parameters
    ----------
    fig : Figure
    ax : Axes
        The figure's only axes, with its data, limits, ticks, labels and title set.
    handles, labels : sequence
        Legend entries (none: no legend).
    ncols : int
        Legend columns wanted; fewer if the legend would not fit the figure's width.

    Returns
    -------
    Legend or None
    """
    from matplotlib import rcParams

    width, height = (float(v) * 72.0 for v in fig.get_size_inches())
    tick_size, label_size, title_size, legend_size = (
        _points(key) for key in ("xtick.labelsize", "axes.labelsize", "axes.titlesize",
                                 "legend.fontsize"))
    tick_room = rcParams["xtick.major.size"] + rcParams["xtick.major.pad"]
    label_pad = float(rcParams["axes.labelpad"])

    legend = None
    bottom = PAD
    if labels:
        ncols = legend_columns(labels, ncols, legend_size, width - 2 * PAD)
        legend_h = _legend_size(labels, ncols, legend_size)[1]
        legend = fig.legend(handles, labels, loc="lower center", ncols=ncols,
                            bbox_to_anchor=(0.5, PAD / height), borderaxespad=0.0)
        bottom += legend_h + _GAP
    top = PAD
    title = ax.get_title(loc="left")
    if title:
        top += text_size(title, title_size, bold=True)[1] + rcParams["axes.titlepad"]

    if not ax.axison:
        _place(fig, ax, PAD, bottom, PAD, top)
        _fit_title(ax, title, title_size, width, PAD, PAD)
        return legend

    if ax.get_xlabel():
        bottom += text_size(ax.get_xlabel(), label_size)[1] + label_pad
    x_rotation = _rotation(ax.xaxis)
    left = PAD
    if ax.get_ylabel():
        left += text_size(ax.get_ylabel(), label_size)[1] + label_pad
    # vertical extent first: the y ticks depend on the axes' height only
    _place(fig, ax, left, bottom + tick_room + text_size("0", tick_size)[1], PAD, top)
    x_locs, x_labels = _tick_labels(ax.xaxis)
    x_h = _extent(x_labels, tick_size, x_rotation)[1]
    bottom += tick_room + x_h
    _place(fig, ax, left, bottom, PAD, top)
    y_locs, y_labels = _tick_labels(ax.yaxis)
    left_ticks = tick_room + _extent(y_labels, tick_size, _rotation(ax.yaxis))[0]
    left += left_ticks
    # the end x labels are centred on their ticks: they may reach past the axes' sides
    right = PAD
    if len(x_locs):
        _place(fig, ax, left, bottom, right, top)
        x_locs, x_labels = _tick_labels(ax.xaxis)
        ends = _ends(ax, x_locs, x_labels, tick_size, x_rotation)
        left = max(left, PAD + ends[0])
        right = max(right, PAD + ends[1])
    _place(fig, ax, left, bottom, right, top)
    _freeze(ax.xaxis, _tick_labels(ax.xaxis)[0])
    _freeze(ax.yaxis, y_locs)
    # the axis labels where matplotlib would put them (past the tick labels), given, so
    # that it does not measure the tick labels again at each draw to find the place
    box = ax.get_position()
    ax.xaxis.set_label_coords(0.5, -(tick_room + x_h + label_pad) / (box.height * height))
    ax.yaxis.set_label_coords(-(left_ticks + label_pad) / (box.width * width), 0.5)
    _fit_title(ax, title, title_size, width, left, right)
    return legend


def _freeze(axis: Axis, locs: np.ndarray) -> None:
    """Fix ``axis``'s ticks where they were measured (they could move if the locator ran
    again on another axes size); fixed ticks with labels of their own stay as they are."""
    from matplotlib.ticker import FixedLocator

    if not isinstance(axis.get_major_locator(), FixedLocator):
        axis.set_major_locator(FixedLocator(locs))


def _ends(ax: Axes, locs: np.ndarray, labels: Sequence[str], size: float,
          rotation: float) -> tuple[float, float]:
    """How far [pt] the first and last x labels reach past the axes' left and right."""
    box = ax.get_position()
    fig_w = float(ax.get_figure().get_size_inches()[0]) * 72.0
    low, high = ax.get_xlim()
    span = (high - low) or 1.0
    reach = []
    for loc, label in ((locs[0], labels[0]), (locs[-1], labels[-1])):
        half = _extent([label], size, rotation)[0] / 2
        reach.append((half, (loc - low) / span * box.width * fig_w,
                      (high - loc) / span * box.width * fig_w))
    (half_first, from_left, _), (half_last, _, to_right) = reach
    return max(0.0, half_first - from_left), max(0.0, half_last - to_right)


def _place(fig: Figure, ax: Axes, left: float, bottom: float, right: float,
           top: float) -> None:
    """Set ``ax``'s position from margins [pt]."""
    width, height = (float(v) * 72.0 for v in fig.get_size_inches())
    ax.set_position((left / width, bottom / height,
                     max(width - left - right, 1.0) / width,
                     max(height - bottom - top, 1.0) / height))


def _fit_title(ax: Axes, title: str, size: float, width: float, left: float,
               right: float) -> None:
    """Keep the left title over the axes if it fits there, else start it at the figure's
    padding, and cut it with an ellipsis if it still does not fit."""
    if not title:
        return
    room = width - left - right
    place = {}
    if text_size(title, size, bold=True)[0] > room:
        title = fit_text(title, size, width - PAD - right, bold=True)
        place["x"] = -(left - PAD) / max(room, 1.0)
    # a given y: matplotlib no longer looks for ticks on top to move the title above them
    # (there are none), which measured every tick label again at each draw
    ax.set_title(title, loc="left", y=1.0, **place)
