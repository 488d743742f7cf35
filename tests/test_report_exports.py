"""Reports people can read anywhere (issue 22): scenarios in every format, the workbook's
cover, charts, titles, cap and pseudonyms, stamps in every output, refunds summarised,
colours and links."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_report import make_report

import sem_carbon as sc
from sem_carbon.errors import InvalidArgumentError
from sem_carbon.factors.edition import sha256_of
from sem_carbon.report import Report
from sem_carbon.report.charts import CATEGORY_COLOURS, CATEGORY_HATCHES, trend_caption
from sem_carbon.targets import (
    EconomyBelow,
    EconomyOnly,
    RailInsteadOfFlights,
    Target,
    apply_scenario,
    parse_scenario,
)

ROOT = Path(__file__).resolve().parents[1]
LOG = pd.DataFrame({
    "trip_id": ["a", "b", "c", "d", "e", "e"], "entity": ["A", "A", "B", "B", "A", "A"],
    "date": pd.to_datetime(["2019-04-01", "2019-05-01", "2021-04-01", "2021-06-01",
                            "2021-07-01", "2021-07-02"]),
    "mode": "air", "origin": "GVA", "destination": ["JFK", "CDG", "NBO", "LHR", "BKK", "BKK"],
    "cabin": ["business", "economy", "first", "business", "economy", "economy"],
    "round_trip": True, "passengers": 1, "traveller": ["Ann Lee", "Bo Chan", "Ann Lee",
                                                       "Cy Diaz", "Bo Chan", "Bo Chan"],
    "cost": [4000.0, 300.0, 9000.0, 1200.0, 800.0, -800.0], "currency": "USD",
})


STAMP = "2026-01-01T00:00:00Z"  # a fixed time stamp: reproducible outputs


@pytest.fixture(scope="module")
def small() -> sc.Inventory:
    return sc.calculate(sc.read_travel_log(LOG))


# ---------------------------------------------------------------------------- levers
def test_economy_only_is_economy_at_any_distance(small: sc.Inventory) -> None:
    # every premium leg rebooked, recomputed by the engine: as calculate() in economy
    lever = apply_scenario(small, EconomyOnly())
    again = sc.calculate(sc.read_travel_log(LOG.assign(cabin="economy")))
    np.testing.assert_allclose(lever["co2e_kg"], again.data["co2e_kg"], rtol=1e-9)
    # the workaround it replaces gives the same figures
    workaround = apply_scenario(small, EconomyBelow(km=100_000))
    np.testing.assert_allclose(lever["co2e_kg"], workaround["co2e_kg"], rtol=1e-12)
    assert set(lever.loc[lever["scenario_changes"] != "", "cabin"]) == {"economy"}
    assert EconomyOnly().label == "economy only"


def test_parse_scenario_named_levers() -> None:
    rail, = parse_scenario("rail-under=700km").levers
    assert isinstance(rail, RailInsteadOfFlights) and rail.max_km == 700.0
    both = parse_scenario("rail-under=650 km+economy-only")
    assert [type(lv).__name__ for lv in both.levers] == ["RailInsteadOfFlights", "EconomyOnly"]
    assert parse_scenario("economy-below=9h").levers[0].hours == 9.0
    assert parse_scenario("economy-below=6000km").levers[0].km == 6000.0
    assert parse_scenario("cut-trips=20%").levers[0].share == pytest.approx(0.2)
    assert parse_scenario("virtual-meetings=0.5").levers[0].share == pytest.approx(0.5)
    for bad in ("rail-under=700", "rail-under=fast", "economy-only=3", "teleport=1",
                "cut-trips=120%", "", "economy-below=9 days"):
        with pytest.raises(InvalidArgumentError):
            parse_scenario(bad)


# ---------------------------------------------------------------------------- scenarios
@pytest.fixture(scope="module")
def scenario_report() -> Report:
    base = make_report()
    return Report(base.inventory, targets=[Target(2019, 2021, 0.5)], entities=base.entities,
                  budget=base.budget, scenarios=[parse_scenario("rail-under=800km"), EconomyOnly()],
                  title="Scenarios")


def test_scenarios_in_every_format(scenario_report: Report, tmp_path: Path) -> None:
    model = scenario_report.model()
    assert [v.name for v in model.scenarios] == ["rail instead of flights < 800 km",
                                                 "economy only"]
    rail = model.scenarios[0]
    status = rail.status.data.set_index("entity")
    # per entity: the scenario against the target, as scenario_status computes it
    expected = sc.scenario_status(scenario_report.inventory, Target(2019, 2021, 0.5),
                                  RailInsteadOfFlights(max_km=800),
                                  entities=scenario_report.entities).set_index("entity")
    pd.testing.assert_series_equal(status["scenario"], expected["scenario"])
    np.testing.assert_allclose(status["lever_effect"], status["actual"] - status["scenario"])
    assert (status["scenario"] != status["actual"]).any()  # the short flights went by rail
    root = status[status["depth"] == 0].iloc[0]
    assert rail.overview["scenario"] == pytest.approx(root["scenario"])
    html = scenario_report.to_html(tmp_path / "r.html", timestamp=STAMP).read_text()
    assert "What-if scenarios" in html and "rail instead of flights &lt; 800 km" in html
    assert "Cut by the levers" in html
    doc = json.loads(scenario_report.to_json(tmp_path / "r.json", timestamp=STAMP).read_text())
    assert [s["name"] for s in doc["scenarios"]] == [v.name for v in model.scenarios]
    first = {e["entity"]: e for e in doc["scenarios"][0]["entities"]}
    assert first["DIV-A"]["scenario"] == pytest.approx(status.loc["DIV-A", "scenario"])
    assert doc["scenarios"][0]["assumptions"] == list(rail.assumptions)
    md = scenario_report.to_markdown(timestamp=STAMP)
    assert "## What-if scenarios" in md and "### economy only" in md
    from openpyxl import load_workbook

    wb = load_workbook(scenario_report.to_excel(tmp_path / "r.xlsx", timestamp=STAMP))
    rows = list(wb["scenarios"].iter_rows(values_only=True))
    assert rows[0][0] == "Scenario name" and len(rows) - 1 == 2 * len(status)


# ---------------------------------------------------------------------------- workbook
def test_workbook_cover_charts_titles_and_creation_time(scenario_report: Report,
                                                        tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = scenario_report.to_excel(tmp_path / "r.xlsx", timestamp="2026-03-04T05:06:07Z")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "cover" and wb.sheetnames[-1] == "columns"
    assert wb.properties.created == dt.datetime(2026, 3, 4, 5, 6, 7)
    cover = {r[0]: r for r in wb["cover"].iter_rows(values_only=True) if r[0]}
    assert cover["Generated"][1] == "2026-03-04T05:06:07Z"
    assert cover["Made with"][1] == f"sem-carbon {sc.__version__}"
    kyoto = next(k for k in scenario_report.kpis() if k["key"] == "kyoto_total")
    assert cover[kyoto["label"]][1] == pytest.approx(kyoto["value"])
    assert "economy only" in cover and "Methods" in cover
    assert cover["desnz-2019"][3] == sha256_of(ROOT / "emission_factors" / "desnz-2019" /
                                               "datapackage.json")
    # native charts: a line chart of the trend, a bar chart of the entities vs the target
    with __import__("zipfile").ZipFile(path) as zf:
        charts = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/")]
    assert len(charts) == 2
    assert any("<lineChart>" in c and "'trend'!" in c and '<dispBlanksAs val="gap"' in c
               for c in charts)
    assert any("<barChart>" in c and "'entities_vs_target'!" in c for c in charts)
    # human titles; the machine names in the data dictionary
    head = [c.value for c in wb["entities_vs_target"][1]]
    assert "budget_change_pct" not in head and "Budget change" in head
    dictionary = {(r[0], r[3]): r[2] for r in wb["columns"].iter_rows(min_row=2,
                                                                       values_only=True)}
    assert dictionary[("entities_vs_target", "budget_change_pct")] == "Budget change"
    assert dictionary[("activities", "co2e_kg")] == "Emissions (kgCO2e)"
    assert dictionary[("trend", "kyoto_tco2e")] == "Kyoto total"


def test_default_creation_time_is_the_run_not_2000(scenario_report: Report,
                                                   tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(scenario_report.to_excel(tmp_path / "r.xlsx"))
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert abs((now - wb.properties.created).total_seconds()) < 600


def test_travellers_pseudonymised_and_activities_capped(small: sc.Inventory,
                                                        tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rep = Report(small)
    wb = load_workbook(rep.to_excel(tmp_path / "r.xlsx", max_rows=2))
    names = [r[3] for r in wb["columns"].iter_rows(min_row=2, values_only=True)
             if r[0] == "activities"]
    rows = list(wb["activities"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2 < len(small.data)
    who = [r[names.index("traveller")] for r in rows]
    assert all(re.fullmatch(r"traveller-[0-9a-f]{10}", w) for w in who)
    assert not any("Lee" in str(c) or "Chan" in str(c) for r in rows for c in r)
    cover = " ".join(str(r[3]) for r in wb["cover"].iter_rows(values_only=True) if r[3])
    assert f"2 of {len(small.data)} inventory rows (capped at 2 rows" in cover
    assert "Parquet" in cover and "pseudonymised" in cover
    legs = rep.air_methods()["legs"]  # other long sheets take the same cap, said on the cover
    assert len(list(wb["air_legs"].iter_rows(min_row=2))) == 2 < len(legs)
    assert f"Sheet 'air_legs': the first 2 of {len(legs):,} rows" in cover
    assert [r[0] for r in wb["air_legs"].iter_rows(min_row=2, max_col=1, values_only=True)] \
        == legs[legs.columns[0]].iloc[:2].tolist()
    kept = load_workbook(rep.to_excel(tmp_path / "k.xlsx", traveller_names=True))
    assert len(legs) > 2  # (the full table was read above: air_methods())
    assert {r[names.index("traveller")] for r in kept["activities"].iter_rows(
        min_row=2, values_only=True)} == set(small.data["traveller"])
    with pytest.raises(InvalidArgumentError):
        rep.to_excel(tmp_path / "x.xlsx", max_rows=0)


# ---------------------------------------------------------------------------- stamps
def test_parquet_carries_version_checksums_and_time(small: sc.Inventory, tmp_path: Path
                                                    ) -> None:
    small.to_parquet(tmp_path / "a.parquet", timestamp="2026-05-06T07:08:09Z")
    stamp = json.loads(pq.read_schema(tmp_path / "a.parquet").metadata[b"sem_carbon.stamp"])
    assert stamp["version"] == sc.__version__ and stamp["library"] == "sem-carbon"
    assert stamp["generated_at"] == "2026-05-06T07:08:09Z"
    for edition in set(small.data["factor_id"]):
        assert stamp["editions"][edition] == sha256_of(
            ROOT / "emission_factors" / edition / "datapackage.json")
    small.to_parquet(tmp_path / "b.parquet", timestamp="now")
    made = json.loads(pq.read_schema(tmp_path / "b.parquet").metadata[b"sem_carbon.stamp"])
    when = dt.datetime.fromisoformat(made["generated_at"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.timezone.utc) - when).total_seconds()) < 600
    assert len(sc.Inventory.read_parquet(tmp_path / "b.parquet").data) == len(small.data)


def test_to_markdown_returns_the_text_or_writes_a_path(small: sc.Inventory,
                                                      tmp_path: Path) -> None:
    rep = Report(small)
    text = rep.to_markdown(timestamp=STAMP)
    assert isinstance(text, str) and text.startswith("# ") and STAMP in text
    # a path first, as to_html, to_excel and to_json take it: written, the path returned
    # (the call that failed: "time stamp '....md' is not ISO 8601")
    written = rep.to_markdown(str(tmp_path / "r.md"), timestamp=STAMP)
    assert written == tmp_path / "r.md" and isinstance(written, Path)
    assert written.read_bytes() == text.encode("utf-8")
    assert rep.to_markdown(tmp_path / "UPPER.MD", STAMP).read_text(encoding="utf-8") == text
    # any name through a pathlib.Path or path=
    other = rep.to_markdown(path=tmp_path / "notes.txt", timestamp=STAMP)
    assert other.name == "notes.txt" and other.read_text(encoding="utf-8") == text
    # the earlier form, a time stamp first (str or datetime), still returns the text
    assert rep.to_markdown(STAMP) == text
    assert rep.to_markdown(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)) == text
    # neither a .md name nor a time: refused, no file written
    with pytest.raises(InvalidArgumentError, match=r"summary\.txt' is neither a Markdown "
                                                   r"path .* nor a time stamp"):
        rep.to_markdown(str(tmp_path / "summary.txt"))
    with pytest.raises(InvalidArgumentError, match="timestamp= is given too"):
        rep.to_markdown("summary", timestamp=STAMP)
    assert sorted(f.name for f in tmp_path.iterdir()) == ["UPPER.MD", "notes.txt", "r.md"]


# ---------------------------------------------------------------------------- refunds
def test_refunds_counted_not_listed(small: sc.Inventory, tmp_path: Path) -> None:
    rep = Report(small)
    refunds = rep.data_quality()["refunds"]
    assert refunds[["table", "rows", "pairs"]].values.tolist() == [["travel", 2, 1]]
    assert refunds.loc[0, "charged"] == 800.0 and refunds.loc[0, "refunded"] == 800.0
    model = rep.model()
    assert model.quality["rejected"].shown.empty  # the pair is not a rejected-row line
    assert len(model.quality["rejected"].data) == 2  # ... yet kept for the workbook
    html = rep.to_html(tmp_path / "r.html", timestamp=STAMP).read_text()
    assert "Refunds netted out" in html
    # one line in the table of reasons (a count), none in the list of rejected rows
    assert html.count(">refunded (netted with row") == 1


# ---------------------------------------------------------------------------- charts
def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def test_category_colours_are_distinct() -> None:
    styles = {(CATEGORY_COLOURS[c].upper(), CATEGORY_HATCHES.get(c)) for c in CATEGORY_COLOURS}
    assert len(styles) == len(CATEGORY_COLOURS)  # no two categories drawn alike
    plain = [c for c in CATEGORY_COLOURS if c not in CATEGORY_HATCHES]
    for i, a in enumerate(plain):
        for b in plain[i + 1:]:
            distance = np.linalg.norm(_rgb(CATEGORY_COLOURS[a]) - _rgb(CATEGORY_COLOURS[b]))
            assert distance > 60, (a, b)  # electricity and T&D were 30 apart


def test_trend_caption_says_what_is_drawn() -> None:
    trend = pd.DataFrame({"year": [2019, 2020, 2021], "kyoto_tco2e": [5.0, np.nan, 4.0],
                          "target_1_actual_tco2e": [5.0, np.nan, 4.0],
                          "target_1_path_tco2e": [np.nan, np.nan, np.nan]})
    text = trend_caption(trend, ["t"])
    assert "2 years with data" in text and "gaps (2020)" in text
    assert "no target path" in text and "dashed" not in text
    trend["target_1_path_tco2e"] = [5.0, 3.75, 2.5]
    assert "dashed: target path" in trend_caption(trend, ["t"])


def test_sources_are_links(scenario_report: Report, tmp_path: Path) -> None:
    html = scenario_report.to_html(tmp_path / "r.html", timestamp=STAMP).read_text()
    links = re.findall(r'<a href="(https?://[^"]+)"', html)
    assert any("gov.uk/government/publications/greenhouse-gas-reporting" in u for u in links)
    assert all(">" not in u and "<" not in u for u in links)


def test_bulk_written_rows_read_back_as_written(tmp_path: Path) -> None:
    # rows after the first are written as SpreadsheetML directly (report/xlsx_rows.py):
    # every kind of value must read back as the first row's path (openpyxl) writes it
    from openpyxl import load_workbook

    from sem_carbon.report.xlsx_rows import rows_xml

    data = make_report().inventory.data
    odd = data.copy()
    odd.loc[odd.index[3], "notes"] = "  <b>&amp; \x07bell</b> "
    odd.loc[odd.index[0], "notes"] = "non\ufffecharacter\uffff"  # openpyxl's row, then bulk
    odd.loc[odd.index[1], "notes"] = "non\ufffecharacter\uffff"
    odd.loc[odd.index[4], "notes"] = np.nan
    rep = Report(sc.Inventory(odd, rejected=make_report().inventory.rejected))
    wb = load_workbook(rep.to_excel(tmp_path / "r.xlsx", timestamp=STAMP))
    ws = wb["activities"]
    names = [r[3] for r in wb["columns"].iter_rows(min_row=2, values_only=True)
             if r[0] == "activities"]
    rows = [dict(zip(names, r, strict=False)) for r in ws.iter_rows(min_row=2,
                                                                    values_only=True)]
    assert len(rows) == len(odd)
    for i in (0, 1, 3, 4, len(odd) - 1):  # row 0 by openpyxl, the others in bulk
        row, want = rows[i], odd.iloc[i]
        assert row["co2e_kg"] == pytest.approx(float(want["co2e_kg"]), rel=1e-15)
        assert row["year"] == int(want["year"]) and isinstance(row["year"], int)
        assert row["date"] == want["date"].to_pydatetime()  # a date, with the date format
        assert ws.cell(row=i + 2, column=names.index("date") + 1).number_format == \
            "yyyy-mm-dd"
        assert row["round_trip"] is (None if pd.isna(want["round_trip"])
                                     else bool(want["round_trip"]))
        assert row["entity"] == str(want["entity"])  # <script> stays text
    assert rows[3]["notes"] == "  <b>&amp; bell</b> "  # spaces kept, XML-illegal char out
    assert rows[0]["notes"] == rows[1]["notes"] == "noncharacter"  # one XML rule, both paths
    assert rows[4]["notes"] is None
    assert ws.max_row == len(odd) + 1 and ws.auto_filter.ref.endswith(str(len(odd) + 1))
    assert rows_xml(odd.iloc[:0], 3) == ""


@pytest.mark.parametrize("stamp", ["T", "yesterday", "31/12/2025", 20250101])
def test_a_stamp_that_is_not_a_time_is_refused(small: sc.Inventory, tmp_path: Path,
                                                stamp: object) -> None:
    """A stamp is never written as given when it is not a time (the workbook's creation
    time would otherwise silently be the run's while the HTML said 'yesterday')."""
    from sem_carbon.stamps import resolve_timestamp

    with pytest.raises(sc.SemCarbonError, match="time stamp"):
        resolve_timestamp(stamp)  # type: ignore[arg-type]
    with pytest.raises(sc.SemCarbonError, match="time stamp"):
        Report(small).to_html(tmp_path / "r.html", timestamp=stamp)  # type: ignore[arg-type]
    assert not (tmp_path / "r.html").exists()
    assert resolve_timestamp("2025-01-31") == "2025-01-31"


def test_long_sheets_written_in_bulk_equal_the_cell_by_cell_workbook(
        scenario_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sheet longer than BULK_ROWS is written in bulk; cell for cell (value and
    number format) the workbook equals the one openpyxl writes row by row."""
    from openpyxl import load_workbook

    from sem_carbon.report import excel

    def cells(path: Path) -> dict[str, list[tuple[object, str]]]:
        wb = load_workbook(path)
        return {ws.title: [(c.value, c.number_format) for row in ws.iter_rows() for c in row]
                for ws in wb.worksheets}

    monkeypatch.setattr(excel, "BULK_ROWS", 10**9)
    plain = cells(scenario_report.to_excel(tmp_path / "plain.xlsx", timestamp=STAMP))
    monkeypatch.setattr(excel, "BULK_ROWS", 3)
    bulk = cells(scenario_report.to_excel(tmp_path / "bulk.xlsx", timestamp=STAMP))
    assert sum(len(v) > 5 * 4 for v in plain.values()) >= 5  # several sheets went in bulk
    assert bulk.keys() == plain.keys()
    for name in plain:
        assert len(bulk[name]) == len(plain[name]), name
        for (b, bf), (p, pf) in zip(bulk[name], plain[name], strict=True):
            assert bf == pf, name
            if isinstance(p, float):  # openpyxl writes "%.16g": the bulk path keeps 17
                assert b == pytest.approx(p, rel=5e-16, abs=0), name
            else:
                assert b == p, name


def test_a_capped_leg_sheet_is_the_head_of_every_leg_without_sorting_them_all(
        small: sc.Inventory, tmp_path: Path) -> None:
    """The workbook's air_legs sheet holds the largest legs up to its cap: found by a
    partition, they are the first rows of the full largest-first table, every column."""
    from openpyxl import load_workbook

    rep = Report(small)
    wb = load_workbook(rep.to_excel(tmp_path / "r.xlsx", max_rows=3))
    assert "_legs" not in rep.__dict__  # the full sorted table was not computed
    sheet = list(wb["air_legs"].iter_rows(min_row=2, values_only=True))
    full = rep.air_methods()["legs"]
    assert len(sheet) == 3 < len(full)
    for got, (_, want) in zip(sheet, full.head(3).iterrows(), strict=True):
        for value, expected in zip(got, want.tolist(), strict=True):
            if isinstance(expected, float):
                assert value == pytest.approx(expected, rel=1e-15, nan_ok=True)
            elif expected is None or (isinstance(expected, float) and expected != expected):
                assert value in (None, "")
            else:
                assert str(value) == str(expected) or value == expected
