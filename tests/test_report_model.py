"""The report's view-model (issue 20): built once, rendered by pure functions of it.

Also: HTML templates autoescape, JSON is ``json.dumps(sort_keys=True)`` and byte-identical
across processes, and the haul rule and RF multiplier come from the inventory's
provenance columns (``haul_rule``, ``radiative_forcing``, ``rf_multiplier``), never from
the ``method`` text; inventories written before those columns existed fall back to the
editions' metadata and ``rf_kg``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest
from test_report import EVIL, _air, _row, make_report

from sem_carbon.errors import InputFormatError
from sem_carbon.inventory import Inventory
from sem_carbon.report import Report, formats
from sem_carbon.report import model as report_model
from sem_carbon.report import tables as rt
from sem_carbon.report.excel import write_excel
from sem_carbon.report.html import environment, render_html
from sem_carbon.report.jsonout import dumps, render_json
from sem_carbon.report.markdown import render_markdown
from sem_carbon.report.model import ReportModel

TEMPLATES = Path(report_model.__file__).parent / "templates"
PROVENANCE = ["haul_rule", "radiative_forcing", "rf_multiplier"]


@pytest.fixture(scope="module")
def model() -> ReportModel:
    return make_report().model()


# ---------------------------------------------------------------------------- the model
def test_model_is_built_once_for_every_export(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    real = report_model.build_model
    monkeypatch.setattr(report_model, "build_model", lambda rep: built.append(1) or real(rep))
    rep = make_report()
    rep.to_html(tmp_path / "r.html", timestamp="2026-01-02T00:00:00Z")
    rep.to_json(tmp_path / "r.json")
    rep.to_excel(tmp_path / "r.xlsx")
    rep.to_markdown()
    rep.figures()
    assert built == [1]
    assert rep.model() is rep.model() and rep.model().generated_at is None
    assert rep.model("T2").generated_at == "T2" and rep.model("T2").summary is rep.model().summary


def test_model_is_frozen_and_holds_no_report_or_inventory(model: ReportModel) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        model.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        model.quality["extra"] = model.trend  # type: ignore[index]
    with pytest.raises(TypeError):
        model.targets[0].overview["met"] = True  # type: ignore[index]
    for field in attrs.fields(ReportModel):
        assert not isinstance(getattr(model, field.name), (Report, Inventory)), field.name


def _md_cells(md: str, first: str) -> list[str]:
    line = next(line for line in md.splitlines() if line.startswith(f"| {first} |"))
    return [c.strip() for c in line.strip("|").split(" | ")]


class _Cells(HTMLParser):
    """Text of each table row (list of cell texts) of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_one_model_renders_the_same_numbers_in_every_format(model: ReportModel,
                                                            tmp_path: Path) -> None:
    from openpyxl import load_workbook

    # the renderers are functions of the model alone: no Report, no inventory
    html, md, doc = render_html(model), render_markdown(model), json.loads(render_json(model))
    wb = load_workbook(write_excel(model, tmp_path / "r.xlsx"))
    summary = model.summary.data.set_index("key")
    years = [c for c in model.summary.data.columns if c.isdigit()]
    parser = _Cells()
    parser.feed(html)
    html_line = next(r for r in parser.rows if r and r[0] == summary.loc["kyoto_total", "item"])
    md_line = _md_cells(md, summary.loc["kyoto_total", "item"])
    json_line = next(r for r in doc["summary"] if r["key"] == "kyoto_total")
    sheet = list(wb["summary"].iter_rows(values_only=True))
    names = [r[3] for r in wb["columns"].iter_rows(min_row=2, values_only=True)
             if r[0] == "summary"]  # the machine names behind the human titles
    xl_line = dict(zip(names, next(r for r in sheet if r[1] == "kyoto_total"), strict=True))
    for i, year in enumerate([*years, "all_years"], start=1):
        value = float(summary.loc["kyoto_total", year])
        assert html_line[i] == md_line[i] == formats.number(value)
        assert json_line[year] == pytest.approx(value, abs=1e-6)
        assert xl_line[year] == pytest.approx(value)
    # a target's verdicts and an entity's change: same text in HTML and Markdown
    status = model.targets[0].status.data.set_index("entity")
    change = formats.cell_text(status.loc["DIV-A", "change_pct"], "spct")
    assert change in _md_cells(md, "↳ Division A")
    assert any(r[:2] == ["Division A", "DIV-A"] and change in r for r in parser.rows)
    assert doc["targets"][0]["entities"][1]["change_pct"] == pytest.approx(
        status.loc[doc["targets"][0]["entities"][1]["entity"], "change_pct"], abs=1e-6)


def test_html_and_markdown_show_the_models_columns(model: ReportModel) -> None:
    html, md = render_html(model), render_markdown(model)
    parser = _Cells()
    parser.feed(html)
    for table in (model.trend, model.top_routes, model.targets[0].status,
                  model.quality["rejected_reasons"], model.editions):
        titles = [c.title for c in table.visible]
        assert titles in parser.rows, titles
        assert "| " + " | ".join(titles).replace("_", "\\_") + " |" in md.splitlines()


def test_renderers_take_the_model_and_nothing_of_the_report() -> None:
    import inspect

    from sem_carbon.report.charts import figures
    from sem_carbon.report.jsonout import report_dict

    for render in (render_html, render_markdown, render_json, report_dict, write_excel,
                   figures):
        first, *rest = inspect.signature(render).parameters.values()
        assert first.annotation == "ReportModel", render.__name__
        positional = [p.name for p in rest if p.kind is not p.KEYWORD_ONLY]
        assert positional in ([], ["path"]), render.__name__
        assert all(p.default is not p.empty for p in rest if p.kind is p.KEYWORD_ONLY)
    for name in ("html", "markdown", "jsonout", "excel", "charts", "formats"):
        source = (TEMPLATES.parent / f"{name}.py").read_text(encoding="utf-8")
        assert "from .core import" not in source and "Report(" not in source, name


# ---------------------------------------------------------------------------- templates
def test_templates_autoescape_everything() -> None:
    env = environment()
    assert env.autoescape("report.html.j2") is True
    assert env.from_string("{{ x }}").render(x=EVIL) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    for template in TEMPLATES.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", ""), template
        assert not re.search(r"{%-?\s*autoescape", text), template
        assert "Markup" not in text, template


def test_hostile_text_in_every_column_stays_text(tmp_path: Path) -> None:
    rep = make_report()
    data = rep.data.copy()
    for column in ("notes", "method", "factor_id", "origin", "table", "haul_rule"):
        data.loc[data.index[:3], column] = EVIL
    rejected = rep.inventory.rejected.assign(column=EVIL, value=EVIL)
    hostile = Report(Inventory(data, rejected, rep.inventory.rows_read), title=EVIL,
                     entities=rep.entities, targets=rep.targets)
    raw = hostile.to_html(tmp_path / "h.html").read_text(encoding="utf-8")
    assert "<script" not in raw.lower()
    assert raw.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8
    md = hostile.to_markdown()
    assert EVIL not in md and "<script" not in md


# ---------------------------------------------------------------------------- JSON
def test_json_dumps_sorts_keys_and_writes_fixed_floats() -> None:
    text = dumps({"b": 4e-05, "a": -0.0, "c": float("nan"), "d": 1e17, "e": "1e-05",
                  "f": np.float32(0.5), "g": [np.int64(3), True, None], "h": 1 / 3})
    assert json.loads(text) == {"a": 0.0, "b": 4e-05, "c": None, "d": 1e17, "e": "1e-05",
                                "f": 0.5, "g": [3, True, None], "h": 0.333333}
    assert '"a": 0.0' in text and '"b": 0.00004' in text and '"e": "1e-05"' in text
    assert '"d": 100000000000000000.0' in text
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False
                              ).replace("4e-05", "0.00004").replace("1e+17",
                                                                    "100000000000000000.0")


def test_json_keys_sorted_at_every_level(model: ReportModel) -> None:
    def check(pairs: list[tuple[str, object]]) -> dict:
        keys = [k for k, _ in pairs]
        assert keys == sorted(keys)
        return dict(pairs)

    json.loads(render_json(model), object_pairs_hook=check)


def test_json_is_byte_identical_across_processes(tmp_path: Path) -> None:
    # a fixed stamp: given explicitly, or by SOURCE_DATE_EPOCH (reproducible builds)
    script = ("import sys; sys.path.insert(0, 'tests'); from test_report import make_report; "
              "make_report().to_json(sys.argv[1], timestamp=sys.argv[2] or None)")
    repo = Path(__file__).resolve().parents[1]
    outputs = []
    for seed, given, epoch in (("1", "2025-01-01T00:00:00Z", ""), ("2", "", "1735689600")):
        out = tmp_path / f"r{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed, "MPLBACKEND": "Agg",
               "SOURCE_DATE_EPOCH": epoch,
               "PYTHONPATH": os.pathsep.join([str(repo), os.environ.get("PYTHONPATH", "")])}
        proc = subprocess.run([sys.executable, "-c", script, str(out), given], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


# ---------------------------------------------------------------------------- provenance
def _air_rows(**columns: object) -> pd.DataFrame:
    """Two 2019 air legs whose method text tells a different story than the columns."""
    rows = pd.DataFrame([_air(2019, 1, "HQ", "GVA", "JFK", 6200.0, 1.0, edition="desnz-2019"),
                         _air(2019, 2, "HQ", "GVA", "NBO", 6000.0, 1.0, edition="desnz-2019")])
    rows["method"] = "DESNZ distance-based, great-circle, haul rule 'distance', RF on (x9 on CO2)"
    return rows.assign(**columns)


def _parameters(data: pd.DataFrame) -> dict[str, list[str]]:
    params = Report(Inventory(data, None, {"travel": len(data)})).parameters()
    return params.groupby("parameter")["value"].agg(list).to_dict()


def test_haul_rule_and_rf_come_from_the_provenance_columns() -> None:
    rows = _air_rows(haul_rule=["desnz", "smooth"], radiative_forcing=False,
                     rf_multiplier=np.nan, rf_kg=0.0)
    rows["co2e_kg"] = rows["co2_kg"] + 2.0  # computed without RF
    params = _parameters(rows)
    assert params["Air haul rule"] == ["desnz, smooth"]  # not "distance" from the method
    assert params["Radiative forcing in the Kyoto total"] == ["off"]
    assert params["RF multiplier m (on the CO2 component)"] == ["1.9"]  # desnz-2019's, not 9
    comp = rt.air_components(rows)  # with-RF rebuilt with the edition's multiplier
    assert comp["with_rf"].to_numpy() == pytest.approx(
        (rows["co2e_kg"] + rows["co2_kg"] * 0.9).to_numpy())
    assert rt.kyoto_label(rows) == "Kyoto total (air without RF)"


def test_recorded_rf_multiplier_wins_over_the_editions() -> None:
    rows = _air_rows(haul_rule="distance", radiative_forcing=True, rf_multiplier=[1.7, 1.9])
    params = _parameters(rows)
    assert params["RF multiplier m (on the CO2 component)"] == ["1.7", "1.9"]
    assert params["Radiative forcing in the Kyoto total"] == ["on"]
    assert params["Air haul rule"] == ["distance"]


def test_inventory_without_provenance_columns_falls_back() -> None:
    rows = _air_rows().drop(columns=PROVENANCE)
    rows.loc[1, "rf_kg"] = 0.0  # the second leg computed without RF
    rows["method"] = "a method text the report must not parse: RF on, haul rule 'x'"
    params = _parameters(rows)
    assert params["Air haul rule"] == ["not recorded"]
    assert params["Radiative forcing in the Kyoto total"] == ["mixed"]  # rf_kg > 0 on one leg
    assert params["RF multiplier m (on the CO2 component)"] == ["1.9"]  # edition metadata
    assert list(rt.rf_used(rows)) == [True, False]
    hotel = pd.DataFrame([_row(2019, "HQ", "hotel", 3, 50.0, "travel")]).drop(
        columns=PROVENANCE)
    assert _parameters(hotel)["Air haul rule"] == ["n/a"]


def test_provenance_survives_a_csv_round_trip_and_a_concat(tmp_path: Path) -> None:
    rows = _air_rows(haul_rule="distance", radiative_forcing=[True, False],
                     rf_multiplier=[1.9, np.nan])
    rows.loc[1, "rf_kg"] = 0.0
    inv = Inventory(rows, None, {"travel": 2})
    inv.to_csv(tmp_path / "inv.csv")
    back = Inventory.read_csv(tmp_path / "inv.csv").data
    assert list(rt.rf_used(back)) == [True, False]  # not "False" read as a true string
    texts = rows.assign(radiative_forcing=["True", "False"])
    assert list(rt.rf_used(texts)) == [True, False]
    assert _parameters(back) == _parameters(rows)
    # an older inventory (no provenance columns) concatenated with a newer one
    old = _air_rows().drop(columns=PROVENANCE).assign(source_row=[7, 8])
    both = Inventory.concat([inv, Inventory(old, None, {"travel": 2})]).data
    assert list(rt.rf_used(both)) == [True, False, True, True]  # old rows: rf_kg > 0
    assert _parameters(both)["Air haul rule"] == ["distance, not recorded"]
    with pytest.raises(InputFormatError, match="radiative_forcing"):
        rt.rf_used(rows.assign(radiative_forcing="perhaps"))


def test_no_method_text_is_parsed_anywhere() -> None:
    tables_source = (TEMPLATES.parent / "tables.py").read_text(encoding="utf-8")
    assert "haul rule '" not in tables_source and "RF on (x" not in tables_source
    assert not re.search(r'_text\([^)]*"method"\)\.str\.', tables_source)


def test_report_of_an_inventory_without_entities() -> None:
    """A table with no entity column (one office) still gives every export."""
    import sem_carbon as sc

    inv = sc.calculate(pd.DataFrame({"mode": ["air"], "origin": ["GVA"],
                                     "destination": ["JFK"], "year": [2019]}))
    rep = sc.Report(inv)
    totals = rep.entity_totals()
    assert totals["tco2e"].sum() == pytest.approx(inv.total().m)
    assert "Key figures" in rep.to_markdown()
