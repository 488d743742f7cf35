"""Report views and exports, on a small hand-made inventory (no readers needed).

The inventory is built directly in the ``Inventory`` layout of ``docs/tables.md``, with
hostile content on purpose: an entity called ``<script>alert(1)</script>``, a trip id
``=HYPERLINK("http://x")``, a refund with a negative cost, rejects whose values start
with ``=`` and ``-``.
"""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sem_carbon.inventory import Inventory
from sem_carbon.io.writers import (
    atomic_write,
    csv_text,
    neutralise_cell,
    neutralise_frame,
    write_csv,
)
from sem_carbon.report import Report
from sem_carbon.report import tables as rt
from sem_carbon.report.safety import esc

EVIL = "<script>alert(1)</script>"
FORMULA_ID = '=HYPERLINK("http://x")'
YEARS = (2017, 2018, 2019, 2020, 2021, 2022)
ENTITIES = ("HQ", "DIV-A", "DIV-B", EVIL, "CO-KE")


STAMP = "2026-01-01T00:00:00Z"  # a fixed time stamp: reproducible outputs

def _air(year: int, i: int, entity: str, origin: str, dest: str, km: float, scale: float,
         rf_on: bool = True, edition: str | None = None) -> dict:
    co2 = km * 0.1 * scale
    rf = co2 * 0.9 if rf_on else 0.0
    edition = edition or f"desnz-{min(max(year, 2019), 2024)}"
    return {
        "table": "travel", "source_row": 0, "trip_id": FORMULA_ID if (year, i) == (2022, 0)
        else f"T{year}-{i}", "leg": 0, "entity": entity, "date": pd.Timestamp(year, 1 + i % 12, 5),
        "year": year, "category": "air", "scope": 3, "co2e_kg": co2 + rf + 2.0, "co2_kg": co2,
        "ch4_kg": 0.5, "n2o_kg": 1.5, "rf_kg": rf, "biogenic_co2_kg": 0.0, "memo_co2e_kg": 0.0,
        "factor_id": edition, "factor_key": "air:long_haul/economy/" + ("rf" if rf_on else "no_rf"),
        "factor_value": 0.2, "factor_unit": "kgCO2e / passenger / km",
        "method": "DESNZ distance-based, great-circle, haul rule 'distance', "
                  + ("RF on (x1.9 on CO2)" if rf_on else "RF off"),
        "notes": "" if i % 4 else "long_haul premium_economy not published: used economy",
        "mode": "air", "origin": origin, "destination": dest, "cabin": "economy",
        "distance_km": km, "haul": "long_haul", "passengers": 1.0, "round_trip": i % 2 == 0,
        "cost": 1000.0 * scale, "currency": "USD",
        # provenance columns of the engine (issue 20): what each row was computed with
        "haul_rule": "distance", "radiative_forcing": rf_on,
        "rf_multiplier": 1.9 if rf_on else np.nan,
    }


def _row(year: int, entity: str, category: str, scope: int, kg: float, table: str,
         **extra: object) -> dict:
    base = {
        "table": table, "source_row": 0, "trip_id": "", "leg": 0, "entity": entity,
        "date": pd.Timestamp(year, 6, 30), "year": year, "category": category, "scope": scope,
        "co2e_kg": kg, "co2_kg": np.nan, "ch4_kg": np.nan, "n2o_kg": np.nan, "rf_kg": 0.0,
        "biogenic_co2_kg": 0.0, "memo_co2e_kg": 0.0, "factor_id": f"desnz-{max(year, 2019)}",
        "factor_key": f"{category}:x", "factor_value": 1.0, "factor_unit": "kgCO2e / unit",
        "method": f"DESNZ {category}", "notes": "", "cost": np.nan, "currency": "",
        "haul_rule": "", "radiative_forcing": False, "rf_multiplier": np.nan,
    }
    base.update(extra)
    return base


def make_inventory() -> Inventory:
    """About 200 rows over 2017-2022: air, hotels, electricity, fuel; a few rejects."""
    routes = [("GVA", "JFK", 6200.0), ("NBO", "GVA", 6000.0), ("GVA", "LHR", 750.0),
              ("JFK", "GVA", 6200.0)]
    rows = []
    for year in YEARS:
        scale = 0.4 if year in (2020, 2021) else 1.0
        for i in range(20):
            o, d, km = routes[i % len(routes)]
            rows.append(_air(year, i, ENTITIES[i % len(ENTITIES)], o, d, km, scale))
            if i % 5 == 0:
                rows.append(_row(year, ENTITIES[i % len(ENTITIES)], "hotel", 3, 60.0 * scale,
                                 "travel", mode="hotel", nights=4.0, country="CH",
                                 cost=400.0 * scale, currency="USD",
                                 notes="no KE hotel factor: used global average"
                                 if i == 10 else ""))
        rows.append(_row(year, "HQ", "electricity", 2, 20000.0, "facilities",
                         factor_id="ember-grid", kind="electricity", amount=5e5, unit="kWh"))
        rows.append(_row(year, "HQ", "fuel", 1, 15000.0, "facilities", biogenic_co2_kg=100.0,
                         kind="natural_gas", amount=8e4, unit="kWh"))
    # a refund: negative cost, otherwise a normal row
    rows.append(_row(2022, "DIV-A", "hotel", 3, 0.0, "travel", mode="hotel", nights=0.0,
                     country="CH", cost=-250.0, currency="USD", trip_id="R-1"))
    data = pd.DataFrame(rows)
    data["source_row"] = np.arange(len(data)) + 2
    rejected = pd.DataFrame({
        "table": ["travel", "travel", "facilities"],
        "source_row": [900, 901, 902],
        "column": ["origin", "nights", "amount"],
        "value": ["XXX", "-2", "=1+1"],
        "reason": ["unknown airport code", "nights must be >= 0", f"{EVIL} bad amount"],
    })
    travel = int((data["table"] == "travel").sum())
    facilities = int((data["table"] == "facilities").sum())
    return Inventory(data, rejected, {"travel": travel + 2, "facilities": facilities + 1})


def make_entities():
    from sem_carbon.entities import Entities

    frame = pd.DataFrame({
        "id": ["HQ", "DIV-A", "DIV-B", EVIL, "CO-KE"],
        "name": ["Headquarters", "Division A", "Division B", EVIL, "Kenya office"],
        "parent": ["", "HQ", "HQ", "HQ", "DIV-B"],
        "kind": ["hq", "division", "division", "division", "country_office"],
    })
    return Entities.from_frame(frame)


def make_budget() -> pd.DataFrame:
    """Budget per entity: DIV-A's spending barely falls (carbon met, budget not)."""
    rows = []
    for entity in ENTITIES:
        rows.append({"entity": entity, "year": 2019, "amount": 10000.0, "currency": "USD"})
        rows.append({"entity": entity, "year": 2021,
                     "amount": 9000.0 if entity == "DIV-A" else 3000.0, "currency": "USD"})
    return pd.DataFrame(rows)


def make_report(**kwargs: object) -> Report:
    from sem_carbon.targets import Target

    options: dict = {"targets": [Target(2019, 2021, 0.5)], "entities": make_entities(),
                     "budget": make_budget(), "headcount": {y: 50 + y - 2017 for y in YEARS},
                     "title": f"Test office {EVIL}"}
    options.update(kwargs)
    return Report(make_inventory(), **options)


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


# ---------------------------------------------------------------------------- views
def _line(summary: pd.DataFrame, key: str, col: str) -> float:
    return float(summary.loc[summary["key"] == key, col].iloc[0])


def test_summary_totals_scopes_and_views(report: Report) -> None:
    data = report.data
    s = report.summary()
    desnz_summary = make_report(un_air_method="desnz").summary()  # air without RF (DESNZ)
    for year in YEARS:
        rows = data[data["year"] == year]
        total = rows["co2e_kg"].sum() / 1000
        assert _line(s, "kyoto_total", str(year)) == pytest.approx(total)
        scopes = sum(_line(s, f"scope{k}", str(year)) for k in (1, 2, 3))
        assert scopes == pytest.approx(total)
        air = rows[rows["category"] == "air"]
        hotel = rows.loc[rows["category"] == "hotel", "co2e_kg"].sum() / 1000
        assert _line(s, "air_with_rf", str(year)) == pytest.approx(air["co2e_kg"].sum() / 1000)
        no_rf = (air["co2e_kg"] - air["rf_kg"]).sum() / 1000
        assert _line(s, "air_without_rf", str(year)) == pytest.approx(no_rf)
        assert _line(s, "rf_share", str(year)) == pytest.approx(air["rf_kg"].sum() / 1000)
        # UN-inventory view: air by the ICAO method (CO2 only) in place of the DESNZ air
        legs = report.air_methods()["comparison"].legs
        icao_air = legs.loc[legs["year"] == year, "icao_co2_kg"].sum() / 1000
        un_view = total - air["co2e_kg"].sum() / 1000 - hotel + icao_air
        assert _line(s, "un_inventory_total", str(year)) == pytest.approx(un_view)
        assert "ICAO method" in s.loc[s["key"] == "un_inventory_total", "item"].iloc[0]
        desnz_view = desnz_summary.loc[desnz_summary["key"] == "un_inventory_total", str(year)]
        assert float(desnz_view.iloc[0]) == pytest.approx(
            total - air["rf_kg"].sum() / 1000 - hotel)
        assert _line(s, "memo_hotels", str(year)) == pytest.approx(hotel)
        assert _line(s, "kyoto_total_per_capita", str(year)) == pytest.approx(
            total / (50 + year - 2017))
    assert _line(s, "kyoto_total", "all_years") == pytest.approx(data["co2e_kg"].sum() / 1000)
    assert _line(s, "biogenic_co2", "all_years") == pytest.approx(0.1 * len(YEARS))
    assert set(s["section"]) >= {"scope", "category", "total", "air", "un_inventory",
                                 "per_capita"}


def test_summary_without_headcount_has_no_per_capita() -> None:
    rep = make_report(headcount=None, entities=None, targets=())
    assert "per_capita" not in set(rep.summary()["section"])


def test_air_with_rf_rebuilt_for_rows_computed_without_rf() -> None:
    rows = pd.DataFrame([_air(2019, 1, "HQ", "GVA", "JFK", 6200.0, 1.0, rf_on=False,
                              edition="desnz-2019")])
    comp = rt.air_components(rows)
    co2 = rows["co2_kg"].iloc[0]
    assert comp["without_rf"].iloc[0] == pytest.approx(rows["co2e_kg"].iloc[0])
    # DESNZ 2019: with-RF = CO2 x 1.9 + CH4 + N2O
    assert comp["with_rf"].iloc[0] == pytest.approx(rows["co2e_kg"].iloc[0] + co2 * 0.9)


def test_by_scope_category_adds_up(report: Report) -> None:
    table = report.by_scope_category()
    assert table["all_years"].sum() == pytest.approx(report.data["co2e_kg"].sum() / 1000)
    assert table["share_pct"].sum() == pytest.approx(100.0)
    assert list(table["scope"]) == sorted(table["scope"])
    assert {"2017", "2022"} <= set(table.columns)


def test_trend_has_every_year_and_target_path(report: Report) -> None:
    trend = report.trend()
    assert list(trend["year"]) == list(range(2017, 2023))
    baseline = report.targets_overview()["baseline"].iloc[0]
    path = trend.set_index("year")["target_1_path_tco2e"]
    assert path[2019] == pytest.approx(baseline)
    assert path[2021] == pytest.approx(baseline * 0.5)
    assert path[2020] == pytest.approx(baseline * 0.75)
    assert path[[2017, 2018, 2022]].isna().all()
    travel = report.data[report.data["category"].isin(["air", "hotel"])]
    actual = trend.set_index("year")["target_1_actual_tco2e"]
    assert actual[2019] == pytest.approx(travel.loc[travel["year"] == 2019, "co2e_kg"].sum()
                                         / 1000)


def test_top_routes_group_both_directions(report: Report) -> None:
    routes = report.top_routes(years="all")
    assert list(routes["route"])[:2] == ["GVA–JFK", "GVA–NBO"]
    gva_jfk = routes.set_index("route").loc["GVA–JFK"]
    air = report.data[report.data["category"] == "air"]
    both = air[air["origin"].isin(["GVA", "JFK"]) & air["destination"].isin(["GVA", "JFK"])]
    assert gva_jfk["tco2e"] == pytest.approx(both["co2e_kg"].sum() / 1000)
    assert gva_jfk["trips"] == both["trip_id"].nunique()
    assert (routes["tco2e"].diff().dropna() <= 0).all()
    assert report.top_routes(n=2)["tco2e"].sum() <= routes["tco2e"].sum()


def test_hotspots_entity_by_category(report: Report) -> None:
    spots = report.hotspots(years=2022)
    top = spots.iloc[0]
    assert (top["entity"], top["category"]) == ("HQ", "electricity")
    assert top["name"] == "Headquarters"
    assert (spots["tco2e"].diff().dropna() <= 0).all()


def test_entities_vs_target_met_and_budget_divergence(report: Report) -> None:
    status = report.entities_vs_target()
    assert {"target_name", "entity", "baseline", "actual", "target", "change_pct", "met",
            "gap", "budget_change_pct", "budget_met", "divergent"} <= set(status.columns)
    div_a = status.set_index("entity").loc["DIV-A"]
    assert bool(div_a["met"]) and not bool(div_a["budget_met"]) and bool(div_a["divergent"])
    overview = report.targets_overview().iloc[0]
    assert overview["entities_divergent"] >= 1
    assert overview["entities_assessed"] == 4  # root left out
    assert overview["baseline"] == pytest.approx(
        status.loc[status["entity"] == "HQ", "baseline"].iloc[0])


def test_data_quality_tables(report: Report) -> None:
    q = report.data_quality()
    rec = q["reconciliation"].set_index("table")
    assert rec.loc["travel", "rows_rejected"] == 2
    assert rec.loc["facilities", "rows_rejected"] == 1
    assert len(q["rejected"]) == 3
    assert set(q["rejected_reasons"]["reason"]) >= {"unknown airport code"}
    notes = q["fallbacks"].set_index("note")
    assert notes.loc["no KE hotel factor: used global average", "rows"] == len(YEARS)
    data = report.data
    assert notes["rows"].sum() == int((data["notes"].astype(str) != "").sum())
    assert q["methods"]["share_pct"].sum() == pytest.approx(100.0)


def test_methodology_lists_editions_rf_and_haul(report: Report) -> None:
    editions = report.methodology().set_index("id")
    assert {"desnz-2019", "desnz-2022", "ember-grid"} <= set(editions.index)
    assert editions.loc["desnz-2019", "rf_multiplier"] == pytest.approx(1.9)
    assert "Open Government Licence" in editions.loc["desnz-2019", "licence"]
    assert {"publisher", "year", "source", "licence"} <= set(editions.columns)
    params = report.parameters().set_index("parameter")
    assert params.loc["Air haul rule", "value"] == "distance"
    assert "1.9" in set(report.parameters()["value"])


def test_kpis(report: Report) -> None:
    kpis = {k["key"]: k for k in report.kpis()}
    assert kpis["kyoto_total"]["value"] == pytest.approx(
        report.data.loc[report.data["year"] == 2022, "co2e_kg"].sum() / 1000)
    assert {"un_inventory_total", "air_share", "per_capita", "target",
            "rejected_rows"} <= set(kpis)


def test_figures_have_labelled_axes(report: Report) -> None:
    from matplotlib.figure import Figure

    figs = report.figures()
    assert set(figs) == {"by_entity", "by_category", "trend"}
    for fig in figs.values():
        assert isinstance(fig, Figure)
        ax = fig.axes[0]
        assert "tCO2e" in ax.get_xlabel() + ax.get_ylabel()
        assert ax.get_title(loc="left")


def test_report_without_targets_or_entities(tmp_path: Path) -> None:
    rep = Report(make_inventory())
    assert rep.entities_vs_target().empty
    assert rep.targets_overview().empty
    rep.to_html(tmp_path / "r.html")
    rep.to_excel(tmp_path / "r.xlsx")
    rep.to_json(tmp_path / "r.json")
    assert "Entities" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert rep.to_markdown().startswith("# ")


def test_empty_inventory_report(tmp_path: Path) -> None:
    rep = Report(Inventory(make_inventory().data.iloc[0:0], None, {}))
    assert rep.summary()["all_years"].fillna(0).eq(0).all()
    rep.to_html(tmp_path / "e.html")
    rep.to_excel(tmp_path / "e.xlsx")
    rep.to_json(tmp_path / "e.json")
    assert json.loads((tmp_path / "e.json").read_text())["inventory"]["rows"] == 0


# ---------------------------------------------------------------------------- safety
def test_neutralise_cells_keep_numbers() -> None:
    for dangerous in ("=1+1", "+41 22", "@SUM(A1)", "-cmd", "\tx", "\rx", FORMULA_ID):
        assert neutralise_cell(dangerous) == "'" + dangerous
    for safe in ("-2", "+3.5", "1e-3", "GVA", "", "a=b"):
        assert neutralise_cell(safe) == safe
    assert neutralise_cell(-5.0) == -5.0
    frame = pd.DataFrame({"x": [-1.5, 2.0], "t": ["=A1", "-7"], "mixed": [-3, "@x"]})
    out = neutralise_frame(frame)
    assert out["x"].dtype == float and out["x"].tolist() == [-1.5, 2.0]
    assert out["t"].tolist() == ["'=A1", "-7"]
    assert out["mixed"].tolist() == [-3, "'@x"]


def test_csv_is_safe_and_deterministic(tmp_path: Path) -> None:
    frame = make_inventory().data
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(frame, a)
    write_csv(frame.copy(), b)
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    back = pd.read_csv(a)
    assert back["cost"].min() == -250.0  # negative numbers stay numbers
    # RFC 4180 records: CRLF after every record (so a CR or LF inside a cell is quoted)
    raw = a.read_bytes()
    assert raw.endswith(b"\r\n") and raw.count(b"\r\n") == len(frame) + 1
    assert csv_text(frame).encode("utf-8") == raw


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"

    def boom(tmp: Path) -> None:
        tmp.write_text("partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert list(tmp_path.iterdir()) == []
    atomic_write(target, lambda tmp: tmp.write_text("ok"))
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600) or os.name != "posix"


def test_esc() -> None:
    assert esc(EVIL) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert esc('"x"') == "&quot;x&quot;"
    assert esc(None) == "" and esc(float("nan")) == ""


# ---------------------------------------------------------------------------- exports
class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def test_html_is_self_contained_and_escaped(report: Report, tmp_path: Path) -> None:
    path = report.to_html(tmp_path / "report.html")
    raw = path.read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(raw)
    text = " ".join(parser.text)
    # the hostile entity is shown as text and never becomes markup
    assert "script" not in parser.tags
    assert EVIL in text
    assert EVIL not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert f"Test office {EVIL}" in text  # title escaped too
    # nothing is fetched: no external URL in any attribute but a link's href (followed
    # only when clicked), no link/img/iframe tags; sources and licences are links
    hrefs = [value for tag, key, value in parser.attrs if (tag, key) == ("a", "href")]
    for tag, key, value in parser.attrs:
        if (tag, key) == ("a", "href"):
            assert (value or "").startswith(("#", "https://", "http://")), value
            continue
        assert not (value or "").lower().startswith(("http:", "https:", "//")), (tag, key)
    assert any("nationalarchives.gov.uk" in h for h in hrefs)  # the OGL licence, a link
    assert not any(h.lower().startswith("javascript") for h in hrefs)
    assert not {"link", "img", "iframe", "object", "embed"} & set(parser.tags)
    assert "@import" not in parser.style and "url(" not in parser.style
    assert "@media print" in parser.style
    assert parser.tags.count("svg") == 6  # each chart for wide screens and for phones
    assert parser.tags.count("figure") == 3
    for heading in ("Summary", "Targets by entity", "Trend", "Hotspots", "Data quality",
                    "Methodology appendix"):
        assert heading in text
    assert "UN-inventory view" in text and "Air travel without radiative forcing" in text
    assert "desnz-2019" in text and "Open Government Licence" in text
    assert "tCO2e" in text


def test_html_carries_a_real_timestamp_or_the_one_given(report: Report, tmp_path: Path
                                                        ) -> None:
    import datetime as dt
    import re

    a = report.to_html(tmp_path / "a.html", timestamp="2025-01-02T03:04:05Z").read_bytes()
    b = report.to_html(tmp_path / "b.html", timestamp="2025-01-02T03:04:05Z").read_bytes()
    assert a == b  # a fixed stamp: the same bytes (reproducible builds)
    assert b"2025-01-02T03:04:05Z" in a
    for given in (None, "now"):  # the time of the run, never the word "now"
        text = report.to_html(tmp_path / "c.html", timestamp=given).read_text()
        stamp = re.search(r"Generated (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", text)
        assert stamp and "Generated now" not in text
        made = dt.datetime.fromisoformat(stamp.group(1).replace("Z", "+00:00"))
        assert abs((dt.datetime.now(dt.timezone.utc) - made).total_seconds()) < 600
    assert "sem-carbon" in text and "desnz-2019 (sha256" in text


def test_json_is_deterministic_and_complete(report: Report, tmp_path: Path) -> None:
    a = report.to_json(tmp_path / "a.json", timestamp=STAMP).read_bytes()
    b = make_report().to_json(tmp_path / "b.json", timestamp=STAMP).read_bytes()
    assert a == b
    doc = json.loads(a)
    import sem_carbon
    from sem_carbon.factors.edition import sha256_of

    assert doc["library"] == {"name": "sem-carbon", "version": sem_carbon.__version__}
    assert doc["generated_at"] == STAMP
    stamp = doc["stamp"]
    assert stamp["version"] == sem_carbon.__version__ and stamp["generated_at"] == STAMP
    root = Path(__file__).resolve().parents[1] / "emission_factors"
    assert stamp["editions"]["desnz-2019"] == sha256_of(root / "desnz-2019" / "datapackage.json")
    assert json.loads(report.to_json(tmp_path / "d.json").read_text())["generated_at"][:2] == \
        "20"  # by default the time of the run
    assert {"summary", "kpis", "targets", "trend", "top_routes", "hotspots", "data_quality",
            "methodology", "by_scope_category"} <= set(doc)
    ids = {e["id"] for e in doc["methodology"]["editions"]}
    assert {"desnz-2019", "ember-grid"} <= ids
    names = {row["name"] for row in doc["targets"][0]["entities"]}
    assert EVIL in names
    text = a.decode()
    assert list(doc) == sorted(doc)
    assert "NaN" not in text and "Infinity" not in text
    import re

    numbers = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)  # strings (checksums ...) aside
    assert not re.search(r"\d[eE][+-]?\d", numbers)  # numbers in fixed notation
    stamped = json.loads(report.to_json(tmp_path / "c.json", timestamp=STAMP).read_text())
    assert stamped["generated_at"] == STAMP


def test_excel_sheets_styles_and_injection(report: Report, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from sem_carbon.report.excel import SHEETS

    path = report.to_excel(tmp_path / "report.xlsx")
    wb = load_workbook(path)
    air = ["air_un_view", "air_entities", "air_legs", "air_verdicts", "air_restated"]
    assert wb.sheetnames == [*SHEETS[:-1], *air, "columns"]  # the data dictionary last
    for name in ("summary", "entities_vs_target", "by_category_scope", "trend", "activities",
                 "rejected", "methodology"):
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws["A1"].font.bold, name
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width > 4
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    names = machine_names(wb)
    assert wb["summary"]["A1"].value != "section"  # human titles on every sheet ...
    act = wb["activities"]
    header = names["activities"]  # ... and the machine names in the sheet "columns"
    rows = list(act.iter_rows(min_row=2, values_only=True))
    trip_ids = {r[header.index("trip_id")] for r in rows}
    assert "'" + FORMULA_ID in trip_ids and FORMULA_ID not in trip_ids
    costs = [r[header.index("cost")] for r in rows if r[header.index("cost")] is not None]
    assert min(costs) == -250.0 and all(isinstance(c, (int, float)) for c in costs)
    assert all(isinstance(r[header.index("co2e_kg")], (int, float)) for r in rows)
    rejected = list(wb["rejected"].iter_rows(min_row=2, values_only=True))
    values = {r[3] for r in rejected}
    assert "'=1+1" in values and "-2" in values
    ents = {r[2] for r in wb["entities_vs_target"].iter_rows(min_row=2, values_only=True)}
    assert EVIL in ents
    summary = wb["summary"]
    assert isinstance(summary.cell(row=2, column=5).value, (int, float))
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def machine_names(wb: object) -> dict[str, list[str]]:
    """Each sheet's machine column names, from the workbook's data dictionary."""
    out: dict[str, list[str]] = {}
    for sheet, column, _title, name in wb["columns"].iter_rows(min_row=2, values_only=True):
        out.setdefault(sheet, []).append(name)
        assert len(out[sheet]) == column
    return out


def test_markdown_escapes_and_sections(report: Report) -> None:
    md = report.to_markdown()
    assert EVIL not in md and "&lt;script&gt;" in md
    for heading in ("## Summary", "## Targets by entity", "## Trend", "## Data quality",
                    "## Methodology appendix"):
        assert heading in md
    assert "| Air travel without radiative forcing |" in md
    assert "**not met**" in md or "met" in md


def test_writes_leave_no_temp_files(report: Report, tmp_path: Path) -> None:
    report.to_html(tmp_path / "r.html")
    report.to_excel(tmp_path / "r.xlsx")
    report.to_json(tmp_path / "r.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json", "r.xlsx"]


def test_a_scope_without_rows_is_no_data_not_zero() -> None:
    """A travel-only inventory has no scope 1 or 2 rows: their lines say "no data" ("–"),
    as a scope without rows in one year does, not a measured 0."""
    from sem_carbon.report.tables import summary_table

    data = pd.DataFrame({"year": [2019, 2020], "scope": [3, 3], "category": ["rail", "rail"],
                         "co2e_kg": [1000.0, 500.0]})
    out = summary_table(data).set_index("key")
    for key in ("scope1", "scope2"):
        assert out.loc[key, ["2019", "2020", "all_years"]].isna().all(), key
    assert out.loc["scope3", ["2019", "2020", "all_years"]].tolist() == [1.0, 0.5, 1.5]
    from sem_carbon import calculate

    inv = calculate(pd.DataFrame({"mode": "rail", "distance_km": [100.0, 200.0],
                                  "year": [2019, 2020], "entity": "HQ"}))
    md = Report(inv).to_markdown()
    scope1 = next(line for line in md.splitlines() if "Scope 1" in line)
    assert "0.0" not in scope1 and "–" in scope1, scope1


def test_summary_line_totals_match_one_groupby_per_line() -> None:
    """summary_table sums its per-year lines in one grouping of all of them: each column's
    group sums must be bit for bit those of its own groupby (pandas sums a block column by
    column in row order, compensated) -- on values where the order of addition matters."""
    from sem_carbon.report.tables import summary_table

    rng = np.random.default_rng(7)
    n = 20_000
    big = rng.choice([1e16, -1e16, 3.0, 1e-3, 7.1e8], n) * rng.random(n)  # cancellation
    year = rng.choice([2019, 2020, 2021], n)
    data = pd.DataFrame({"year": year, "scope": 3, "category": rng.choice(["air", "rail"], n),
                         "co2e_kg": big, "rf_kg": big * 0.3, "co2_kg": big * 0.7,
                         "radiative_forcing": True})
    out = summary_table(data)
    is_air = (data["category"] == "air").to_numpy()
    for key, values in (("kyoto_total", big), ("air_with_rf", np.where(is_air, big, 0.0)),
                        ("air_without_rf", np.where(is_air, big - big * 0.3, 0.0))):
        own = pd.Series(values).groupby(year).sum() / 1000.0
        row = out.loc[out["key"] == key].iloc[0]
        for y in (2019, 2020, 2021):
            assert row[str(y)] == own[y], (key, y)  # exact, not approx
    block = pd.DataFrame({"a": big, "b": big[::-1].copy()}).groupby(year).sum()
    assert (block["a"] == pd.Series(big).groupby(year).sum()).all()
    assert (block["b"] == pd.Series(big[::-1]).groupby(year).sum()).all()
