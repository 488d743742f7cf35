"""Render the HTML report in headless Chromium and check the screenshot is a real page.

Needs Debian's ``/usr/bin/chromium``; skipped when it is absent. The browser runs with
networking features off and a throw-away profile, on the self-contained file.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_report import make_report

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = 1280, 2400

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def screenshot(html: Path, png: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    """Headless screenshot of ``html`` (file URL) into ``png``."""
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={png}",
         f"--window-size={WIDTH},{HEIGHT}", html.resolve().as_uri()],
        capture_output=True, text=True, timeout=180, check=False, stdin=subprocess.DEVNULL)


def _not_blank_without_pil(png: Path) -> None:
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 30_000, "a blank page compresses to a few kB"
    assert len(set(data[-20_000:])) > 200


def test_html_report_renders(tmp_path: Path) -> None:
    html = make_report().to_html(tmp_path / "report.html")
    png = tmp_path / "report.png"
    proc = screenshot(html, png, tmp_path / "profile")
    assert png.exists(), proc.stderr[-2000:]
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow comes with matplotlib
        _not_blank_without_pil(png)
        return
    with Image.open(png) as image:
        assert image.size == (WIDTH, HEIGHT)
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 200, "page looks blank"
        # not dominated by one colour (a blank or error page is ~100% one colour)
        top = max(count for count, _ in colours)
        assert top / (WIDTH * HEIGHT) < 0.9
        # the navy masthead is at the top, the page is not just white
        assert rgb.getpixel((WIDTH // 2, 20)) != (255, 255, 255)
        # a chart was drawn somewhere: some blue bars/lines in the page
        blues = sum(count for count, (r, g, b) in colours if b > 120 and r < 90 and g < 140)
        assert blues > 2_000
