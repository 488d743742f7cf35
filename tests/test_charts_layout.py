"""The report's charts laid out without a layout engine: every text inside the figure, no
two texts on top of each other, at desktop and phone sizes, for long entity names, many
entities, one year and sixteen years; bars drawn as one path per series; same SVG bytes.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from sem_carbon.report.chart_layout import fit_text, legend_columns, text_size
from sem_carbon.report.charts import (
    _bars,
    by_category_figure,
    by_entity_figure,
    to_svg,
    trend_figure,
)

#: 15 entity names of 44 characters (the desktop label limit), all different.
LONG_NAMES = [f"Regional Office {i:02d} for Humanitarian Affairs and Coord"[:44]
              for i in range(15)]
LABEL = "travel -50% 2025 vs 2015 (co2e)"


def _status(names: list[str]) -> pd.DataFrame:
    n = len(names)
    baseline = np.linspace(12_000.0, 300.0, n)
    return pd.DataFrame({"entity": [f"E{i}" for i in range(n)], "name": names,
                         "depth": np.ones(n, dtype=int), "baseline": baseline,
                         "actual": baseline * np.where(np.arange(n) % 3 == 0, 0.4, 0.8),
                         "target": baseline * 0.5, "met": np.arange(n) % 3 == 0})


def _summary(years: list[int]) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    keys = ["air", "hotel", "electricity", "td_losses", "fuel", "water"]
    rows = [{"section": "category", "key": k, **{str(y): float(rng.uniform(50, 900))
                                                  for y in years}} for k in keys]
    air = rows[0]
    rows.append({"section": "air", "key": "air_without_rf",
                 **{str(y): air[str(y)] * 0.53 for y in years}})
    rows.append({"section": "air", "key": "rf_share",
                 **{str(y): air[str(y)] * 0.47 for y in years}})
    return pd.DataFrame(rows)


def _trend(years: list[int], target: bool) -> pd.DataFrame:
    total = np.linspace(1_234_567.0, 987_654.0, len(years))
    frame = pd.DataFrame({"year": years, "kyoto_tco2e": total,
                          "un_inventory_tco2e": total * 0.6})
    if target:
        frame["target_1_actual_tco2e"] = total * 0.7
        path = np.full(len(years), np.nan)
        path[len(years) // 3:] = np.linspace(total[len(years) // 3] * 0.7,
                                             total[len(years) // 3] * 0.35,
                                             len(years) - len(years) // 3)
        frame["target_1_path_tco2e"] = path
    return frame


def _figures(phone: bool) -> dict[str, object]:
    sixteen, one = list(range(2010, 2026)), [2024]
    return {
        "entities, 15 long names": by_entity_figure(_status(LONG_NAMES), phone=phone,
                                                    title="Travel emissions by entity: "
                                                          "2015 baseline vs 2025"),
        "entities, 2 short names": by_entity_figure(_status(["HQ", "Kenya office"]),
                                                    phone=phone),
        "entity totals": by_entity_figure(None, pd.DataFrame(
            {"entity": list("AB"), "name": LONG_NAMES[:2], "tco2e": [5.0, 3.0]}),
            phone=phone),
        "no entities": by_entity_figure(None, None, phone=phone),
        "categories, 16 years": by_category_figure(_summary(sixteen), phone=phone),
        "categories, 1 year": by_category_figure(_summary(one), phone=phone),
        "trend, 16 years": trend_figure(_trend(sixteen, True), [LABEL], phone=phone),
        "trend, 1 year": trend_figure(_trend(one, False), phone=phone),
        "trend, long target label": trend_figure(_trend(sixteen, True), ["x" * 90],
                                                 phone=phone),
    }


def _text_boxes(fig: object) -> list[tuple[str, object]]:
    """(text, window extent) of every text drawn, as Agg draws it: titles, tick labels
    and axis labels (of axes with their axis on), texts in the axes, legend texts."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = []
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.axison:
            for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
                low, high = sorted((low, high))
                texts.append(axis.label)
                texts += [tick.label1 for tick in axis.get_major_ticks()
                          if low <= tick.get_loc() <= high]
    for legend in fig.legends:
        texts += legend.get_texts()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts
            if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_every_text_inside_the_figure_and_none_overlapping(phone: bool) -> None:
    for name, fig in _figures(phone).items():
        assert fig.get_layout_engine() is None, name  # one draw per savefig
        boxes = _text_boxes(fig)
        assert len(boxes) >= 2, name
        frame = fig.bbox
        for text, box in boxes:
            assert box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1, (name, text, box)
            assert box.y0 >= frame.y0 - 1 and box.y1 <= frame.y1 + 1, (name, text, box)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            overlap_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            overlap_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            assert overlap_w <= 1 or overlap_h <= 1, (name, a, b)


def test_a_long_title_is_cut_to_fit_and_starts_at_the_figure_edge() -> None:
    title = "Travel emissions by entity: 2015 baseline vs 2025 and more"
    fig = by_entity_figure(_status(LONG_NAMES), title=title, phone=True)
    shown = fig.axes[0].get_title(loc="left")
    assert shown.endswith("…") and title.startswith(shown[:-1].rstrip())
    desk = by_entity_figure(_status(LONG_NAMES), title=title)
    assert desk.axes[0].get_title(loc="left") == title  # room enough on a desktop


def test_bars_are_one_path_per_series_with_the_rectangles_of_bar() -> None:
    from matplotlib.figure import Figure

    x = np.array([2019.0, 2020.0, 2021.0, 2022.0])
    heights = np.array([3.0, 0.0, np.nan, 5.0])
    base = np.array([1.0, 1.0, 1.0, 2.0])
    reference = Figure().add_subplot()
    expected = [r.get_bbox().bounds for r in reference.bar(x, heights, 0.72, base)
                if np.isfinite(r.get_height()) and r.get_height() != 0]
    ax = Figure().add_subplot()
    patch = _bars(ax, x, heights, 0.72, base, color="red")
    rects = patch.get_path().vertices.reshape(-1, 5, 2)
    got = [(r[:, 0].min(), r[:, 1].min(), np.ptp(r[:, 0]), np.ptp(r[:, 1])) for r in rects]
    assert np.allclose(got, expected)
    assert len(ax.patches) == 1 and ax.get_ylim()[1] > 7.0
    ax = Figure().add_subplot()
    _bars(ax, [0.0, 1.0], [4.0, 2.0], 0.6, horizontal=True)
    assert ax.get_xlim()[0] == 0.0  # no margin below the bars' base, as with barh
    assert ax.get_xlim()[1] > 4.0 and ax.get_ylim()[0] < -0.3


def test_svg_is_the_same_bytes_for_the_same_data() -> None:
    for phone in (False, True):
        first = [to_svg(f, phone=phone) for f in _figures(phone).values()]
        again = [to_svg(f, phone=phone) for f in _figures(phone).values()]
        assert first == again
        assert all(s.startswith("<svg") for s in first)


def test_text_measure_and_cut() -> None:
    wide, _ = text_size("W" * 20, 10.0)
    narrow, height = text_size("i" * 20, 10.0)
    assert wide > 3 * narrow and 9.0 < height < 13.0
    assert text_size("abc", 10.0, bold=True)[0] > text_size("abc", 10.0)[0]
    cut = fit_text("A fairly long chart title that needs cutting", 12.0, 120.0, bold=True)
    assert cut.endswith("…") and text_size(cut, 12.0, bold=True)[0] <= 120.0
    assert fit_text("short", 12.0, 120.0) == "short"
    labels = ["Air (without RF)", "Air: radiative forcing", "Hotel nights", "Electricity"]
    assert legend_columns(labels, 4, 9.0, 2000.0) == 4
    assert legend_columns(labels, 4, 9.0, 250.0) < 4
    assert legend_columns(labels, 4, 9.0, 10.0) == 1
