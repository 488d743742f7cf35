"""Reports of an inventory: tables, charts, and HTML / Excel / JSON / Markdown exports.

>>> rep = sc.Report(inv, targets=[sc.Target(2019, 2021, 0.5)], entities=org)  # doctest: +SKIP
>>> rep.summary()                                                            # doctest: +SKIP
>>> rep.to_html("report.html"); rep.to_excel("report.xlsx")                   # doctest: +SKIP

Modules
-------
``tables``    pure DataFrame views (summary, breakdowns, trend, routes, data quality)
``charts``    matplotlib figures (imported only when drawn)
``html``      one self-contained HTML file (inline CSS and SVG, print stylesheet)
``excel``     openpyxl workbook
``jsonout``   deterministic JSON
``markdown``  Markdown text
``safety``    HTML escaping (files: :mod:`sem_carbon.io.writers`)
``demo``      the example office (``sem-carbon demo``)
"""

from __future__ import annotations

from .core import Report

__all__ = ["Report"]
