"""HTML escaping of the report's data.

Every piece of data that goes into the HTML report is passed through :func:`esc`
(:func:`html.escape`, quotes too), so an entity called ``<script>alert(1)</script>`` is
shown as text, never run. The rules for files (atomic writes that keep the file's mode,
formula-safe CSV and Excel cells) are in :mod:`sem_carbon.io.writers`.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

__all__ = ["esc"]


def esc(value: Any) -> str:
    """HTML-escape any value (``None`` and NaN become an empty string).

    Parameters
    ----------
    value : object
        Anything; converted with :class:`str` first.

    Returns
    -------
    str
        Text safe inside an element or a quoted attribute.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)
