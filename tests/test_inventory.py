"""Inventory: totals, groupings, concatenation, reconciliation and lossless files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc


def _log() -> pd.DataFrame:
    return pd.DataFrame({
        "source_row": [2, 3, 4, 5, 6],
        "trip_id": ["=HYPERLINK(\"http://x\")", "'quoted", "T3", "T4", "-3"],
        "entity": ["HQ", "HQ", "RO", "@RO", "RO"],
        "mode": ["air", "air", "rail", "hotel", "air"],
        "origin": ["GVA", "NBO", "", "", "ZZZ"],
        "destination": ["JFK", "GVA", "", "", "GVA"],
        "cabin": ["business", "economy", None, None, "economy"],
        "distance_km": [np.nan, np.nan, 300.0, np.nan, np.nan],
        "nights": [np.nan, np.nan, np.nan, 2.0, np.nan],
        "country": ["", "", "", "CH", ""],
        "year": [2019, 2019, 2021, 2024, 2019],
    })


def test_totals_groupings_and_reconciliation():
    inv = sc.calculate(_log())
    expected = (sc.flight("GVA", "JFK", cabin="business", year=2019).co2e
                + sc.flight("NBO", "GVA", year=2019).co2e
                + sc.rail(sc.Q_(300, "km"), year=2021).co2e
                + sc.hotel(2, "CH", year=2024).co2e)
    assert inv.total().m_as("tCO2e") == pytest.approx(expected.m_as("tCO2e"))
    by = inv.by("entity")
    assert by["tco2e"].sum() == pytest.approx(inv.total().m)
    assert set(by["entity"]) == {"HQ", "RO", "@RO"}
    rec = inv.reconciliation().iloc[0]
    assert (rec["rows_read"], rec["rows_computed"], rec["rows_rejected"]) == (5, 4, 1)
    assert inv.rejected.iloc[0]["value"] == "ZZZ"
    assert set(inv.data["factor_id"]) == {"desnz-2019", "desnz-2021", "desnz-2024"}


def test_concat_adds_rows_and_counts():
    inv = sc.calculate(_log())
    both = inv + inv
    assert len(both) == 2 * len(inv) and both.rows_read["travel"] == 10
    assert both.total().m == pytest.approx(2 * inv.total().m)


def test_csv_round_trip_is_lossless_and_spreadsheet_safe(tmp_path):
    inv = sc.calculate(_log())
    path = tmp_path / "inv.csv"
    inv.to_csv(path)
    text = path.read_text()
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert ",'@RO," in text
    back = sc.Inventory.read_csv(path)
    assert back.data["trip_id"].tolist() == inv.data["trip_id"].tolist()
    assert back.data["entity"].tolist() == inv.data["entity"].tolist()
    assert back.data["co2e_kg"].to_numpy() == pytest.approx(inv.data["co2e_kg"].to_numpy(),
                                                            rel=1e-15)
    assert back.total().m == pytest.approx(inv.total().m, rel=1e-15)
    assert len(back.rejected) == len(inv.rejected)


def test_parquet_round_trip_is_lossless(tmp_path):
    inv = sc.calculate(_log())
    inv.to_parquet(tmp_path / "inv.parquet")
    back = sc.Inventory.read_parquet(tmp_path / "inv.parquet")
    pd.testing.assert_series_equal(back.data["co2e_kg"], inv.data["co2e_kg"])
    assert back.data["trip_id"].tolist() == inv.data["trip_id"].tolist()
    assert back.rows_read == inv.rows_read
    assert back.rejected["reason"].tolist() == inv.rejected["reason"].tolist()
    assert not list(tmp_path.glob(".*tmp*"))  # atomic: no temporary file left
