"""HTML escaping outside the templates.

The HTML report is rendered by jinja2 templates that escape every value themselves
(:mod:`sem_carbon.report.html`); :func:`esc` is for the few attributes built in Python (the
charts' ``aria-label``). The rules for files (atomic writes that keep the file's mode,
formula-safe CSV and Excel cells) are in :mod:`sem_carbon.io.writers`.
"""

from __future__ import annotations

import html
from typing import Any

from .formats import truth

__all__ = ["esc"]


def esc(value: Any) -> str:
    """HTML-escape any value, quotes too (``None`` and NaN become an empty string)."""
    return "" if truth(value) is None else html.escape(str(value), quote=True)
