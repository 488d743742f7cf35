"""Carbon allotments per entity: baseline share, commitments, projection, alerts."""

from __future__ import annotations

import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.allotments import (
    allotment_alerts,
    allotment_status,
    allotments,
    allotments_from_baseline,
    set_allotments,
)
from sem_carbon.ledger import Ledger

pytest.importorskip("duckdb")

HEADER = "trip_id,entity,date,mode,origin,destination,cabin\n"


@pytest.fixture
def ledger(tmp_path):
    base = tmp_path / "2019.csv"
    base.write_text(HEADER + "".join(f"B{i},{e},2019-0{m}-10,air,GVA,JFK,economy\n"
                                     for i, (e, m) in enumerate(
                                         [("A", 2), ("A", 8), ("B", 3), ("B", 9)])))
    actual = tmp_path / "2024-h1.csv"
    actual.write_text(HEADER + "T1,A,2024-02-10,air,GVA,JFK,economy\n"
                               "T2,A,2024-06-30,air,GVA,JFK,economy\n"
                               "T3,B,2024-03-10,air,GVA,LHR,economy\n")
    plans = tmp_path / "plans-2024.csv"
    plans.write_text(HEADER + "T2,A,2024-06-30,air,GVA,JFK,economy\n"     # already taken
                              "P1,A,2024-10-01,air,GVA,JFK,business\n"
                              "P2,B,2024-11-01,air,GVA,LHR,economy\n")
    led = Ledger(tmp_path / "a.ledger")
    led.import_files(travel=[base, actual], plans=[plans])
    return led


def _flight(origin: str, dest: str, cabin: str = "economy", year: int = 2024) -> float:
    return float(sc.flight(origin, dest, cabin=cabin, year=year).co2e.m_as("tCO2e"))


def test_allotments_from_the_baseline(ledger):
    table = allotments_from_baseline(ledger, year=2024, baseline_year=2019, share="50%")
    table = table.set_index("entity")
    assert table.loc["A", "tco2e"] == pytest.approx(0.5 * 2 * _flight("GVA", "JFK", year=2019))
    assert table.loc["A", "basis"] == "50% of the 2019 baseline (travel)"


def test_status_commitments_projection_and_alerts(ledger):
    set_allotments(ledger, pd.DataFrame({"entity": ["A", "B"], "year": 2024,
                                         "tco2e": [2.0, 5.0]}))
    status = allotment_status(ledger, 2024).set_index("entity")
    assert status.loc["A", "as_of"] == pd.Timestamp("2024-06-30")
    jfk, lhr = _flight("GVA", "JFK"), _flight("GVA", "LHR")
    assert status.loc["A", "actual"] == pytest.approx(2 * jfk)
    # T2 was planned and taken: only P1 is still committed
    assert status.loc["A", "committed"] == pytest.approx(_flight("GVA", "JFK", "business"))
    assert status.loc["A", "remaining"] == pytest.approx(
        2.0 - 2 * jfk - _flight("GVA", "JFK", "business"))
    f = pd.Timestamp("2024-06-30").day_of_year / 366
    run_rate = 2 * jfk * (1 - f) / f
    assert status.loc["A", "projected"] == pytest.approx(
        2 * jfk + max(_flight("GVA", "JFK", "business"), run_rate))
    assert bool(status.loc["A", "alert"]) and not bool(status.loc["B", "alert"])
    assert status.loc["B", "committed"] == pytest.approx(lhr)
    alerts = allotment_alerts(status.reset_index())
    assert list(alerts["entity"]) == ["A"] and alerts["excess"].iloc[0] > 0


def test_a_scenario_on_the_planned_trips(ledger):
    set_allotments(ledger, pd.DataFrame({"entity": ["A"], "year": [2024], "tco2e": [10.0]}))
    plain = allotment_status(ledger, 2024, as_of="2024-09-01").set_index("entity")
    economy = allotment_status(ledger, 2024, as_of="2024-09-01",
                               scenario=sc.EconomyBelow(hours=24)).set_index("entity")
    assert economy.loc["A", "committed"] == pytest.approx(_flight("GVA", "JFK"), rel=1e-6)
    assert plain.loc["A", "committed"] > economy.loc["A", "committed"]


def test_setting_again_keeps_the_history(ledger):
    set_allotments(ledger, pd.DataFrame({"entity": ["A"], "year": [2024], "tco2e": [1.0]}))
    set_allotments(ledger, pd.DataFrame({"entity": ["A"], "year": [2024], "tco2e": [3.0]}))
    assert allotments(ledger, 2024)["tco2e"].tolist() == [3.0]
    assert sorted(allotments(ledger, 2024, history=True)["tco2e"]) == [1.0, 3.0]
    assert (ledger.history()["action"] == "allot").sum() == 2


def test_no_allotments_is_a_clear_error(ledger):
    with pytest.raises(sc.InvalidArgumentError, match="no allotments for 2024"):
        allotment_status(ledger, 2024)
    with pytest.raises(sc.InputFormatError, match="non-negative"):
        set_allotments(ledger, pd.DataFrame({"entity": ["A"], "year": [2024], "tco2e": [-1]}))


def test_rolled_up_the_entity_tree(ledger):
    org = sc.Entities.from_frame(pd.DataFrame({"id": ["HQ", "A", "B"], "name": ["HQ", "A", "B"],
                                               "parent": ["", "HQ", "HQ"]}))
    table = allotments_from_baseline(ledger, year=2024, baseline_year=2019, share=0.5,
                                     entities=org)
    set_allotments(ledger, table)
    status = allotment_status(ledger, 2024, entities=org).set_index("entity")
    assert status.loc["HQ", "actual"] == pytest.approx(status.loc["A", "actual"]
                                                       + status.loc["B", "actual"])
    assert status.loc["HQ", "allotment"] == pytest.approx(status.loc["A", "allotment"]
                                                          + status.loc["B", "allotment"])


def test_a_report_of_the_ledger_shows_the_allotments(ledger, tmp_path):
    import json

    from openpyxl import load_workbook

    assert sc.Report(ledger).allotments().empty  # no allotment yet: no section
    assert "id=\"allotments\"" not in sc.Report(ledger).to_html(tmp_path / "none.html") \
        .read_text(encoding="utf-8")
    set_allotments(ledger, pd.DataFrame({"entity": ["A", "B"], "year": 2024,
                                         "tco2e": [2.0, 5.0]}))
    rep = sc.Report(ledger, year=2024)
    status = allotment_status(ledger, 2024)
    table = rep.allotments()
    assert list(table["entity"]) == list(status["entity"])
    assert table["projected_pct"].tolist() == pytest.approx(
        (status["projected_share"] * 100).tolist())
    assert table.set_index("entity").loc["A", "alert_text"] == "projected over"
    html = rep.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="allotments"' in html and "Carbon allotments 2024" in html
    assert "projected over" in html
    doc = json.loads(rep.to_json(tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [r["entity"] for r in doc["allotments"]] == list(status["entity"])
    assert "## Carbon allotments 2024" in rep.to_markdown()
    wb = load_workbook(rep.to_excel(tmp_path / "r.xlsx"))
    assert "allotments" in wb.sheetnames
