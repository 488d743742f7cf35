"""One self-contained HTML report of a :class:`~sem_carbon.report.model.ReportModel`.

The page is rendered by the jinja2 template ``templates/report.html.j2`` with
autoescaping on for every value, so an entity called ``<script>alert(1)</script>`` is
shown as text, never run. The only markup the template does not build is the SVG of the
charts (:func:`~sem_carbon.report.charts.to_svg`), whose texts matplotlib escapes.
Nothing is loaded from elsewhere (no fonts, scripts, images or style sheets by URL): the
file opens offline, can be mailed, and prints on A4 landscape (``templates/report.css``).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from . import formats
from .model import YEARS_SHOWN

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

    from .model import ReportModel, Table

__all__ = ["Cell", "environment", "render_html", "table_rows"]

#: Characters of a long text shown in a cell (all of it in the cell's tooltip, up to 2,000).
CLIP = 220
#: A web address inside a text (a ``link`` cell).
_URL = re.compile(r"https?://[^\s<>()\"']+")


def link_parts(text: str) -> list[tuple[str, str | None]]:
    """``text`` split into plain parts ``(text, None)`` and links ``(address, address)``.

    Only ``http://`` and ``https://`` addresses become links (never ``javascript:``).
    """
    parts: list[tuple[str, str | None]] = []
    at = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;")
        if match.start() > at:
            parts.append((text[at:match.start()], None))
        parts.append((url, url))
        at = match.start() + len(url)
    if at < len(text):
        parts.append((text[at:], None))
    return parts


class Cell(NamedTuple):
    """One table cell for the template: its ``kind``, ``text`` and, by kind, a ``value``
    (``share``: the percentage, drawn as a bar; ``met``/``flag``: the verdict;
    ``tree``: the depth; ``clip``: the full text)."""

    kind: str
    text: str
    value: Any = None


def _cell(record: dict[str, Any], name: str, kind: str) -> Cell:
    value = record.get(name)
    text = formats.cell_text(value, kind, record)
    if kind == "share":
        return Cell(kind, text, max(1.0, min(formats.finite(value) or 0.0, 100.0)) * 0.6)
    if kind in ("met", "flag"):
        return Cell(kind, text, formats.truth(value))
    if kind == "tree":
        return Cell(kind, text, int(formats.finite(record.get("depth")) or 0))
    if kind == "link":
        return Cell(kind, text, link_parts(text))
    if kind == "hash":
        return Cell(kind, text[:12] + "…" if len(text) > 12 else text, text)
    if kind == "clip":
        return Cell(kind, text if len(text) <= CLIP else text[:CLIP - 1] + "…", text[:2000])
    return Cell(kind, text)


def table_rows(table: Table) -> list[tuple[dict[str, Any], list[Cell]]]:
    """The shown rows of ``table``: each row's record and its cells."""
    columns = table.visible
    return [(record, [_cell(record, c.name, c.kind) for c in columns])
            for record in table.records()]


@functools.cache
def environment() -> jinja2.Environment:
    """The jinja2 environment of the report templates (autoescaping on, strict undefined)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sem_carbon.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters["num"] = formats.number
    env.filters["kpi"] = formats.kpi_text
    env.globals.update(rows=table_rows, numeric=formats.NUMERIC, missing=formats.MISSING,
                       years_shown=YEARS_SHOWN)
    return env


def render_html(model: ReportModel) -> str:
    """The full HTML document of a report.

    Parameters
    ----------
    model : ReportModel

    Returns
    -------
    str
    """
    from markupsafe import Markup, escape

    from ..errors import MissingDependencyError
    from .charts import figures, to_svg, trend_caption

    try:
        # the charts' SVG is markup by construction (matplotlib escapes their texts); each
        # chart twice: for wide screens and print, and larger-text for phones
        desk, phone = figures(model), figures(model, phone=True)
        svg = {name: Markup(to_svg(fig, label=name.replace("_", " "))
                            + to_svg(phone[name], label=name.replace("_", " "), phone=True))
               for name, fig in desk.items()}
    except MissingDependencyError as exc:  # charts are an optional part: say so in place
        note = Markup('<p class="note">{}</p>').format(escape(str(exc)))
        svg = dict.fromkeys(("by_entity", "by_category", "trend"), note)
    return environment().get_template("report.html.j2").render(
        m=model, svg=svg, trend_caption=trend_caption(model.trend.data, model.target_labels))
