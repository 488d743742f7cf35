"""``distance_km`` cells written with their unit in a DataFrame given to ``sc.calculate``:
a km cell is read as ``sc.read_travel_log`` reads it, another unit is rejected naming it
(docs/tables.md, travel ``distance_km``)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import sem_carbon as sc


def _frame(distances: list) -> pd.DataFrame:
    return pd.DataFrame({"mode": "rail", "date": "2019-05-01", "distance_km": distances,
                         "origin": "Geneva", "destination": "Bern"})


def _calc(table) -> sc.Inventory:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sc.calculate(table)


def test_km_cells_read_as_the_reader_reads_them():
    frame = _frame(["100 km", "100 kilometres", " 50 km ", "25"])
    direct, read = _calc(frame), _calc(sc.read_travel_log(frame))
    assert direct.rejected.empty
    assert direct.data["distance_km"].tolist() == [100.0, 100.0, 50.0, 25.0]
    cols = ["source_row", "distance_km", "co2e_kg", "factor_id"]
    pd.testing.assert_frame_equal(direct.data[cols].reset_index(drop=True),
                                  read.data[cols].reset_index(drop=True))
    # DESNZ 2019, national rail 0.04115 kgCO2e per passenger-km (hand-worked: 100 x 0.04115)
    assert direct.data["co2e_kg"].iloc[0] == pytest.approx(4.115)


def test_a_cell_in_another_unit_is_rejected_naming_it_not_converted():
    frame = _frame(["62 mi.", "100 km", "62 mi.", "abc"])
    direct = _calc(frame)
    rejected = direct.rejected.set_index("source_row")
    assert rejected.loc[2, "column"] == "distance_km"
    assert rejected.loc[2, "value"] == "62 mi."
    assert rejected.loc[2, "reason"].startswith("distance_km holds '62 mi.', a distance in mi,")
    assert "read_travel_log" in rejected.loc[2, "reason"]
    assert rejected.loc[4, "reason"] == rejected.loc[2, "reason"]
    # a text that is no distance at all stays the calculator's reject, shown as written
    assert rejected.loc[5, "value"] == "abc"
    assert "not a number" in rejected.loc[5, "reason"]
    assert direct.data["source_row"].tolist() == [3]
    # the reader rejects the same rows (a cell's unit contradicting the column's km)
    read = sc.read_travel_log(frame)
    assert set(read.rejected["source_row"]) == {2, 4, 5}
    assert len(direct.data) + direct.rejected["source_row"].nunique() == len(frame)


def test_numbers_only_column_is_left_as_it_is():
    frame = _frame([100.0, 50.0])
    direct = _calc(frame)
    assert direct.data["distance_km"].tolist() == [100.0, 50.0]
    assert frame["distance_km"].tolist() == [100.0, 50.0]
