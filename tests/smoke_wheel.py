"""Smoke test of an installed wheel, run by .ci/run from a folder outside the repository.

It proves the wheel alone carries the factor editions and the example data, and that
the core calculations give the published figures. Not collected by pytest (no test_
prefix): it is a script.
"""

from __future__ import annotations

import math
from pathlib import Path

import sem_carbon as sc
from sem_carbon.report.demo import example_data_dir

here = Path(sc.__file__).resolve()
assert "site-packages" in str(here), f"not the installed package: {here}"

sets = sc.factor_sets()
ids = set(sets["id"])
for needed in ("desnz-2019", "desnz-2024", "ember-grid", "ipcc-gwp"):
    assert needed in ids, f"{needed} missing from the wheel: {sorted(ids)}"
assert all("site-packages" in p for p in sets["path"]), "editions not read from the wheel"

# DESNZ 2019 long-haul economy with RF: 0.14981 kgCO2e/pkm x great-circle distance
trip = sc.flight("GVA", "JFK", cabin="economy", factors="desnz-2019")
km = sc.great_circle("GVA", "JFK").m_as("km")
assert math.isclose(trip.co2e.m_as("kgCO2e"), 0.14981 * km, rel_tol=5e-5), trip.explain()

inv = sc.calculate(sc.read_travel_log(example_data_dir() / "travel_2010_2024.csv"))
assert len(inv.data) > 1000 and inv.total().m > 0
# the report's jinja2 templates are package data: the HTML renders from the wheel alone
html = sc.Report(inv).to_html(Path("smoke_report.html")).read_text(encoding="utf-8")
assert "Methodology appendix" in html, "report templates missing"
try:  # charts are the `charts` extra: drawn with matplotlib, else the page says so
    import matplotlib  # noqa: F401
except ImportError:
    assert "<svg" not in html and "sem-carbon[charts]" in html, "no word on the charts"
else:
    assert "<svg" in html, "charts missing although matplotlib is installed"
print(f"wheel smoke test passed: {len(ids)} editions, GVA-JFK economy "
      f"{trip.co2e.m_as('kgCO2e'):.1f} kgCO2e, example inventory {inv.total():.1f}")
