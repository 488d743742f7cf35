"""The HTML report as a real browser lays it out: desktop, phone and print.

Headless Debian Chromium (``/usr/bin/chromium``, skipped when absent) opens the
self-contained report at 1400 px and 400 px wide, takes screenshots, and runs a small
script in the page that measures the rendered layout: the width of the page against the
window (horizontal overflow), the font size of every chart text in CSS px as drawn (the
SVG's scale included), and the points and paths of the trend chart. The print layout is
checked on the PDF Chromium prints (A4 landscape, the report's ``@page``).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from test_report import make_inventory, make_report

from sem_carbon.inventory import Inventory
from sem_carbon.report import Report
from sem_carbon.targets import CutTrips, EconomyOnly, RailInsteadOfFlights, Target

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]

#: Measured in the page: overflow, chart text sizes (visible SVGs only), trend marks.
MEASURE = """
<script>
(function () {
  const visible = (el) => {
    const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const svgs = [...document.querySelectorAll('figure.chart svg')].filter(visible);
  const sizes = [];
  for (const svg of svgs) {
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      const scale = Math.hypot(m.a, m.b);
      sizes.push([parseFloat(getComputedStyle(t).fontSize) * scale, t.textContent.trim()]);
    }
  }
  const trend = svgs.filter(s => s.closest('#trend'));
  const marks = (svg, id) => { const g = svg.querySelector('[id$="' + id + '"]');
    return g ? g.querySelectorAll('use').length : -1; };
  const out = {
    innerWidth: window.innerWidth,
    docWidth: document.documentElement.scrollWidth,
    bodyWidth: document.body.scrollWidth,
    svgs: svgs.length,
    svgClasses: svgs.map(s => s.getAttribute('class')),
    minFont: Math.min(...sizes.map(s => s[0])),
    smallest: sizes.sort((a, b) => a[0] - b[0]).slice(0, 3),
    trendSvgs: trend.length,
    trendPoints: trend.map(s => marks(s, 'trend-total')),
    trendPaths: trend.map(s => s.querySelectorAll('[id*="trend-target-"][id$="-path"]').length),
    caption: (document.querySelector('#trend figcaption') || {}).textContent || '',
    stickyNames: [...document.querySelectorAll('#targets .tablewrap tbody td:first-child')]
      .map(td => getComputedStyle(td).position),
    scrollingTables: [...document.querySelectorAll('.tablewrap')]
      .filter(w => w.scrollWidth > w.clientWidth + 1).length,
  };
  const pre = document.createElement('pre');
  pre.id = 'sem-measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""

_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--hide-scrollbars", "--force-device-scale-factor=1"]


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHROMIUM), *_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=240, check=False,
                          stdin=subprocess.DEVNULL)


def _framed(html: Path, width: int, height: int, tmp: Path, script: str = "") -> Path:
    """A page showing ``html`` in a ``width`` x ``height`` frame: Chromium's window has a
    minimum width (500 px), a frame does not, and a frame is a viewport of its own."""
    page = html.parent / f"{html.stem}-frame-{width}.html"  # beside it: a relative src
    page.write_text(
        '<!DOCTYPE html><html><body style="margin:0;background:#fff">'
        f'<iframe id="f" src="{html.name}" style="width:{width}px;height:{height}px;'
        f'border:0;display:block"></iframe>{script}</body></html>', encoding="utf-8")
    return page


_COPY_OUT = """<script>window.addEventListener('load', () => {
  const inner = document.getElementById('f').contentDocument;
  const found = inner && inner.getElementById('sem-measure');
  const pre = document.createElement('pre'); pre.id = 'sem-measure-out';
  pre.textContent = found ? found.textContent : 'missing';
  document.body.appendChild(pre); });</script>"""


def measure(html: Path, width: int, tmp: Path, height: int = 1000) -> dict:
    """Lay ``html`` out in a ``width`` CSS px viewport and return what the page measured."""
    probe = tmp / f"{html.stem}-{width}-probe.html"
    probe.write_text(html.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
                     encoding="utf-8")
    page = _framed(probe, width, height, tmp, _COPY_OUT)
    proc = _chromium("--dump-dom", "--allow-file-access-from-files",
                     f"--window-size={max(width, 600)},{height}", page.as_uri(),
                     profile=tmp / f"profile-{width}")
    found = re.search(r'<pre id="sem-measure-out">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stderr[-2000:]
    assert found.group(1) != "missing", proc.stderr[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<")
                      .replace("&gt;", ">").replace("&amp;", "&"))


def screenshot(html: Path, width: int, height: int, tmp: Path) -> Path:
    """Screenshot of ``html`` in a ``width`` x ``height`` viewport (PNG, checked not blank)."""
    png = tmp / f"{html.stem}-{width}.png"
    page = _framed(html, width, height, tmp)
    window = max(width, 600)
    proc = _chromium(f"--screenshot={png}", "--allow-file-access-from-files",
                     f"--window-size={window},{height}",
                     page.as_uri(), profile=tmp / f"profile-shot-{width}")
    assert png.exists(), proc.stderr[-2000:]
    from PIL import Image

    with Image.open(png) as image:
        assert image.size == (window, height)
        frame = image.convert("RGB").crop((0, 0, width, height))
        colours = frame.getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 50, "page looks blank"
        assert frame.getpixel((width // 2, 10)) != (255, 255, 255)  # the navy masthead
    return png


def print_pdf(html: Path, tmp: Path) -> tuple[Path, int]:
    """Print ``html`` to PDF as Chromium does; return the file and its page count."""
    pdf = tmp / f"{html.stem}.pdf"
    proc = _chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri(),
                     profile=tmp / "profile-print")
    assert pdf.exists(), proc.stderr[-2000:]
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    assert pages > 0
    return pdf, pages


def _scenario_report() -> Report:
    """The test office with a travel target and two scenarios."""
    base = make_report()
    target = Target(2019, 2021, 0.5, categories=("travel",))
    return Report(base.inventory, targets=[target], entities=base.entities,
                  title=base.title, scenarios=[RailInsteadOfFlights(max_km=800),
                                               [EconomyOnly(), CutTrips(0.2)]])


@pytest.fixture(scope="module")
def office_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("office")
    return _scenario_report().to_html(tmp / "office.html", timestamp="2026-01-02T03:04:05Z")


@pytest.mark.parametrize("width", [1400, 400])
def test_no_overflow_and_readable_charts(office_html: Path, tmp_path: Path, width: int) -> None:
    m = measure(office_html, width, tmp_path)
    assert m["innerWidth"] == width
    # nothing wider than the window: wide tables scroll inside their own frame
    assert m["docWidth"] <= width and m["bodyWidth"] <= width, m
    assert m["svgs"] == 3, m  # one rendering of each chart is shown, the other hidden
    assert set(m["svgClasses"]) == {"phone" if width < 800 else "desk"}
    assert m["minFont"] >= 9.0, m["smallest"]
    if width < 800:  # wide tables scroll in their frame, the entity's name stays in view
        assert m["scrollingTables"] > 0
        assert set(m["stickyNames"]) == {"sticky"}
    else:
        assert set(m["stickyNames"]) == {"static"}
    screenshot(office_html, width, 1800, tmp_path)


def test_trend_with_two_years_draws_two_points_and_no_path(tmp_path: Path) -> None:
    data = make_inventory().data
    two = data[data["year"].isin([2019, 2021])].reset_index(drop=True)
    rep = Report(Inventory(two, rejected=pd.DataFrame()), title="Two years")
    assert rep.trend()["year"].tolist() == [2019, 2020, 2021]  # 2020: a gap, not a zero
    html = rep.to_html(tmp_path / "two.html", timestamp="2026-01-01T00:00:00Z")
    for width in (1400, 400):
        m = measure(html, width, tmp_path)
        assert m["trendSvgs"] == 1
        assert m["trendPoints"] == [2], m  # a dot for 2019 and for 2021, none for 2020
        assert m["trendPaths"] == [0], m   # no target, so no target path
        assert "no target path" in m["caption"] and "gaps (2020)" in m["caption"]
        assert "dashed" not in m["caption"]
        assert m["minFont"] >= 9.0, m["smallest"]
        assert m["docWidth"] <= width
    screenshot(html, 400, 900, tmp_path)


def test_trend_with_target_draws_its_path(office_html: Path, tmp_path: Path) -> None:
    m = measure(office_html, 1400, tmp_path)
    assert m["trendPaths"] == [1] and "dashed: target path" in m["caption"]
    assert m["trendPoints"] == [6]  # 2017-2022, one dot per year


def test_print_fits_the_main_part_on_a_few_pages(office_html: Path, tmp_path: Path) -> None:
    # the A4-landscape page as a screen (1123 x 794 CSS px) ...
    screenshot(office_html, 1123, 794, tmp_path)
    # ... and as printed: summary, targets, scenarios and trend first, details after
    _, pages = print_pdf(office_html, tmp_path)
    html = office_html.read_text(encoding="utf-8")
    assert html.count('class="appendix-start"') == 1
    parts = {}
    for name, cut in (("core", '<section class="block" id="scenarios">'),
                      ("main", '<div class="appendix-start">')):
        page = tmp_path / name / "office.html"
        page.parent.mkdir()
        page.write_text(html.split(cut)[0] + "</main></body></html>", encoding="utf-8")
        parts[name] = print_pdf(page, page.parent)[1]
    # summary, targets and trend on a few pages; the scenarios next; details after
    assert parts["core"] <= 4, parts
    assert parts["core"] < parts["main"] <= parts["core"] + 2, parts
    assert parts["main"] < pages <= parts["main"] + 6, (parts, pages)
