"""Spend-only rows: estimated from the entity's own intensity (or wider), flagged, scored."""

from __future__ import annotations

import pandas as pd
import pytest

from sem_carbon.errors import InputWarning, NothingComputedWarning
from sem_carbon.ledger import MIN_PRICED_ROWS, Ledger

pytest.importorskip("duckdb")

HEADER = "entity,date,mode,origin,destination,cabin,nights,country,cost,currency\n"


def _priced(entity: str, n: int, cost: float) -> str:
    return "".join(f"{entity},2021-03-{d + 1:02d},air,GVA,LHR,economy,,,{cost},USD\n"
                   for d in range(n))


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(HEADER + _priced("A", MIN_PRICED_ROWS, 400.0) + _priced("B", 2, 200.0)
                    + "A,2021-04-02,air,,,economy,,,800,USD\n"      # spend only: A's intensity
                    + "B,2021-04-03,air,,,,,,100,EUR\n"             # spend only: ledger-wide
                    + "B,2021-04-04,hotel,,,,,,90,XOF\n"            # no rate for XOF
                    + "B,2021-04-05,rail,,,,,,,\n")                 # no cost: stays rejected
    led = Ledger(tmp_path / "s.ledger")
    with pytest.warns(InputWarning, match=r"mixed\.csv: 1 of 3 spend-only rows cannot be "
                                          r"estimated \(unknown currency XOF"):
        summary = led.import_files(travel=[path])
    row = summary.iloc[0]
    assert (row["spend_rows"], row["spend_estimated"], row["spend_rejected"]) == (3, 2, 1)
    # priced rows, 2 estimated, the XOF row and the rail row without cost rejected
    assert (row["rows_computed"], row["rows_rejected"]) == (MIN_PRICED_ROWS + 2, 2)
    assert row["rows_read"] == row["rows_computed"] + row["rows_rejected"] \
        + row["spend_estimated"]
    return led


def test_spend_rows_are_estimated_flagged_and_scored(ledger):
    data = ledger.data.set_index("source_row")
    own = data.loc[data["entity"] == "A"]
    per_usd = own.loc[~own["estimated"], "co2e_kg"].sum() / (MIN_PRICED_ROWS * 400.0)
    spend_a = data.loc[2 + MIN_PRICED_ROWS + 2]
    assert bool(spend_a["estimated"]) and spend_a["dq_score"] == 3
    assert spend_a["co2e_kg"] == pytest.approx(800.0 * per_usd)
    assert spend_a["method"].startswith("spend-based: the entity's own")
    priced = data.loc[~data["estimated"]]
    wide = priced["co2e_kg"].sum() / (MIN_PRICED_ROWS * 400.0 + 2 * 200.0)
    spend_b = data.loc[2 + MIN_PRICED_ROWS + 3]
    usd = ledger.rates().convert([100.0], ["EUR"], ["2021-04-03"])["amount"].iloc[0]
    assert spend_b["dq_score"] == 4 and spend_b["co2e_kg"] == pytest.approx(usd * wide)
    assert (priced["dq_score"] == 1).all()


def test_rows_without_rate_or_cost_stay_rejected_with_the_reason(ledger):
    inv = ledger.inventory()
    rejected = inv.rejected.set_index("source_row")["reason"]
    assert rejected.loc[2 + MIN_PRICED_ROWS + 4].startswith("unknown currency XOF")
    assert rejected.loc[2 + MIN_PRICED_ROWS + 5] == "rail and road need a distance"
    rec = inv.reconciliation()
    assert (rec["rows_computed"] + rec["rows_rejected"] == rec["rows_read"]).all()


def test_share_of_estimated_emissions_per_entity(ledger):
    quality = ledger.data_quality("entity").set_index("entity")
    data = ledger.data
    for entity in ("A", "B"):
        rows = data[data["entity"] == entity]
        share = rows.loc[rows["estimated"], "co2e_kg"].sum() / rows["co2e_kg"].sum()
        assert quality.loc[entity, "estimated_share"] == pytest.approx(share)
        assert 0 < share < 1
    totals = ledger.totals("entity").set_index("entity")
    assert totals.loc["A", "estimated_tco2e"] == pytest.approx(
        quality.loc["A", "estimated_tco2e"])


def test_a_spend_factor_table_when_nothing_is_priced(tmp_path):
    path = tmp_path / "finance.csv"
    path.write_text("entity,date,mode,cost,currency\nC,2021-05-01,rail,1000,USD\n")
    led = Ledger(tmp_path / "f.ledger")
    with pytest.warns(NothingComputedWarning, match="1 of 1 spend-only rows"):
        led.import_files(travel=[path])
    assert led.data.empty and "no intensity" in led.rejected["reason"].iloc[0]
    led.add_spend_factors(pd.DataFrame({"category": ["rail"], "year": [""],
                                        "kgco2e_per_usd": [0.25],
                                        "source": ["test table (not a published figure)"]}))
    row = led.data.iloc[0]
    assert row["dq_score"] == 5 and row["co2e_kg"] == pytest.approx(250.0)
    assert led.rejected.empty


def test_no_spend_estimate_when_turned_off(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + "A,2021-04-02,air,,,economy,,,800,USD\n")
    led = Ledger(tmp_path / "n.ledger")
    with pytest.warns(NothingComputedWarning):
        led.import_files(travel=[path], spend=False)
    assert led.data.empty
    assert led.rejected["reason"].iloc[0].startswith("air needs an origin")



def test_an_implausible_spend_estimate_is_rejected_like_an_activity_row(tmp_path):
    # a cost typed 1e12 (a misplaced column, an exponent) gave 500 MtCO2e from one row;
    # activity rows over MAX_ROW_CO2E_KG are rejected by the engine, estimates now too
    path = tmp_path / "finance.csv"
    path.write_text("entity,date,mode,cost,currency\n"
                    "C,2021-05-01,air,1e12,USD\nC,2021-05-02,air,1000,USD\n")
    led = Ledger(tmp_path / "f.ledger")
    with pytest.warns(NothingComputedWarning, match="2 of 2 spend-only rows"):
        led.import_files(travel=[path])
    led.add_spend_factors(pd.DataFrame({"category": ["air"], "year": [""],
                                        "kgco2e_per_usd": [0.5],
                                        "source": ["test table (not a published figure)"]}))
    inv = led.inventory()
    assert inv.data["source_row"].tolist() == [3]
    assert inv.data["co2e_kg"].tolist() == pytest.approx([500.0])
    rejected = inv.rejected.set_index("source_row")
    assert rejected.loc[2, "reason"].startswith("the estimate is not finite or over 1 MtCO2e")
    rec = inv.reconciliation()
    assert (rec["rows_computed"] + rec["rows_rejected"] == rec["rows_read"]).all()
