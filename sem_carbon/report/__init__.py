"""Reports of an inventory: tables, charts, and HTML / Excel / JSON / Markdown exports.

>>> rep = sc.Report(inv, targets=[sc.Target(2019, 2021, 0.5)], entities=org)  # doctest: +SKIP
>>> rep.summary()                                                            # doctest: +SKIP
>>> rep.to_html("report.html"); rep.to_excel("report.xlsx")                   # doctest: +SKIP

Modules
-------
``tables``    pure DataFrame views (summary, breakdowns, trend, routes, data quality)
``air_methods``  the UN-inventory view with air by the ICAO / fuel / DESNZ methods
``column_codes``  a report's column codes, factorised once and shared by its views
``model``     the frozen view-model every export renders (``Report.model()``)
``formats``   the one place for number and cell formats
``charts``    matplotlib figures of the model (imported only when drawn)
``chart_layout``  the charts' margins from their measured texts (no layout engine)
``html``      one self-contained HTML file (jinja2 templates in ``templates/``)
``excel``, ``jsonout``, ``markdown``   workbook, JSON (same bytes for the same stamp), Markdown
``xlsx_rows``  many worksheet rows written as SpreadsheetML in bulk (the activities sheet),
              their text in the workbook's shared-string table
``safety``    HTML escaping outside the templates (files: :mod:`sem_carbon.io.writers`)
``demo``      the example office (``sem-carbon demo``)
"""

from __future__ import annotations

from .core import Report

__all__ = ["Report"]
