"""The carbon ledger: imports accumulate, re-imports are no-ops, corrections replace their
batch and stay in history, totals equal `calculate` on the final files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ledger_helpers import EXAMPLES, monthly_files

import sem_carbon as sc
from sem_carbon.ledger import Ledger, LedgerError

pytest.importorskip("duckdb")


def _totals(inv: sc.Inventory) -> pd.DataFrame:
    return inv.by("entity", "year")[["entity", "year", "tco2e", "rows"]]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """12 monthly files for 3 entities imported, two re-imported unchanged, one corrected."""
    folder = tmp_path_factory.mktemp("office")
    files = monthly_files(folder / "files")
    led = Ledger(folder / "office.ledger", user="focal-point")
    first = led.import_files(travel=list(files.values()))
    again = led.import_files(travel=[files[("DFO", 3)], files[("EXD", 7)]])
    # a corrected re-submission: the DTE May file with one trip's destination changed
    path = files[("DTE", 5)]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    air = frame.index[frame["mode"] == "air"][0]
    before = frame.loc[air, "destination"]
    frame.loc[air, "destination"] = "SYD" if before != "SYD" else "NRT"
    frame.to_csv(path, index=False)
    corrected = led.import_files(travel=[path])
    return {"led": led, "files": files, "first": first, "again": again,
            "corrected": corrected, "changed_row": int(air) + 2}


def test_every_monthly_file_is_a_batch(office):
    first = office["first"]
    assert len(first) == 36
    assert set(first["action"]) == {"imported"}
    batches = office["led"].batches()
    assert len(batches) == 37 and (batches["status"] == "active").sum() == 36
    assert batches["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert set(batches["imported_by"]) == {"focal-point"}
    assert (batches["library_version"] == sc.__version__).all()


def test_reimporting_the_same_bytes_changes_nothing(office):
    again = office["again"]
    assert list(again["action"]) == ["unchanged", "unchanged"]
    history = office["led"].history()
    assert (history["action"] == "import").sum() == 36  # no event for the no-ops


def test_a_corrected_file_replaces_its_batch_and_the_old_rows_stay(office):
    led, corrected = office["led"], office["corrected"]
    assert list(corrected["action"]) == ["replaced"]
    old, new = int(corrected["replaced_batch"].iloc[0]), int(corrected["batch_id"].iloc[0])
    batches = led.batches().set_index("batch_id")
    assert batches.loc[old, "status"] == "replaced" and batches.loc[old, "replaced_by"] == new
    assert batches.loc[new, "replaces"] == old
    history = led.inventory(status="replaced", source="travel_DTE_2023-05.csv").data
    assert len(history) and set(history["batch_id"]) == {old}
    current = led.inventory(source="travel_DTE_2023-05.csv").data
    row = office["changed_row"]
    assert (history.loc[history["source_row"] == row, "destination"].iloc[0]
            != current.loc[current["source_row"] == row, "destination"].iloc[0])
    assert (led.history()["action"] == "replace").sum() == 1


def test_ledger_totals_equal_calculate_on_the_final_files(office):
    led, files = office["led"], office["files"]
    expected = sc.calculate([sc.read_travel_log(p) for p in files.values()])
    ours = led.totals(("entity", "year"))
    theirs = _totals(expected)
    merged = ours.merge(theirs, on=["entity", "year"], suffixes=("", "_calc"))
    assert len(merged) == len(theirs) == len(ours)
    np.testing.assert_allclose(merged["tco2e"], merged["tco2e_calc"], rtol=1e-12)
    assert (merged["rows"] == merged["rows_calc"]).all()
    inv = led.inventory()
    assert len(inv.data) == len(expected.data)
    assert inv.total().m == pytest.approx(expected.total().m, rel=1e-12)
    rec = inv.reconciliation()
    assert (rec["rows_computed"] + rec["rows_rejected"] == rec["rows_read"]).all()
    assert rec["rows_read"].sum() == sum(len(pd.read_csv(p)) for p in files.values())


def test_queries_by_entity_year_category_source(office):
    led = office["led"]
    dfo = led.totals("category", entity="DFO", year=2023)
    assert set(dfo["category"]) <= {"air", "rail", "road", "hotel"}
    full = led.inventory(entity="DFO").data
    np.testing.assert_allclose(dfo["tco2e"].sum(), full["co2e_kg"].sum() / 1000, rtol=1e-12)
    one = led.inventory(source="travel_EXD_2023-07.csv")
    assert set(one.data["source"]) == {"travel_EXD_2023-07.csv"}
    assert list(one.sources["source"]) == ["travel_EXD_2023-07.csv"]
    air = led.inventory(category=["air"], year=[2023]).data
    assert set(air["category"]) == {"air"}


def test_a_ledger_stands_in_for_an_inventory(office):
    led = office["led"]
    target = sc.Target(baseline_year=2022, target_year=2023, reduction=0.1)
    status = sc.target_status(led, target)
    assert set(status["entity"]) == {"DFO", "DTE", "EXD"}
    assert status["actual"].sum() == pytest.approx(led.total().m, rel=1e-9)
    combined = sc.Inventory.concat([led, led.inventory()])
    assert len(combined.data) == 2 * len(led.data)
    rep = sc.Report(led, title="ledger")
    assert rep.summary() is not None and len(rep.reconciliation())
    assert rep.ledger is led and isinstance(rep.inventory, sc.Inventory)
    assert rep.inventory.total().m == pytest.approx(led.total().m, rel=1e-12)
    only = sc.Inventory.from_ledger(led, entity="DFO")
    assert set(only.data["entity"]) == {"DFO"}
    with pytest.raises(sc.SemCarbonError, match="Inventory or a Ledger"):
        sc.Report(led.data)


def test_restatement_keeps_the_as_reported_figures(office, tmp_path):
    led = Ledger(tmp_path / "r.ledger")
    led.import_files(travel=list(office["files"].values())[:4])
    before = led.totals("entity")
    same = led.restate(note="no change of method")
    assert np.allclose(same["reported_tco2e"], same["restated_tco2e"], rtol=1e-12)
    without_rf = led.restate(radiative_forcing=False, note="UN view without RF")
    assert (without_rf["restated_tco2e"] < without_rf["reported_tco2e"]).all()
    side = led.restatement("entity")
    np.testing.assert_allclose(side["reported_tco2e"], before["tco2e"], rtol=1e-12)
    assert (side["current_tco2e"] < side["reported_tco2e"]).all()
    expected = sc.calculate([sc.read_travel_log(p) for p in list(office["files"].values())[:4]],
                            radiative_forcing=False)
    assert led.total().m == pytest.approx(expected.total().m, rel=1e-12)
    assert led.method()["radiative_forcing"] is False
    assert (led.history()["action"] == "restate").sum() == 2


def test_factor_overrides_restate_with_each_years_edition(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("entity,date,mode,nights,country,cost,currency\n"
                    "A,2019-03-01,hotel,2,FR,300,EUR\nA,2023-03-01,hotel,2,FR,300,EUR\n")
    led = Ledger(tmp_path / "o.ledger")
    led.import_files(travel=[path])
    override = pd.DataFrame({"category": ["hotel"], "country": ["FR"], "city": [""],
                             "value": [10.0], "unit": ["kgCO2e / room_night"]})
    led.restate(overrides=override, overrides_name="office-hotels")
    data = led.inventory().data.sort_values("year")
    assert list(data["factor_id"]) == ["desnz-2019+office-hotels", "desnz-2023+office-hotels"]
    np.testing.assert_allclose(data["co2e_kg"], [20.0, 20.0])


def test_facilities_only_import_and_constants(tmp_path):
    bills = tmp_path / "bills.csv"
    src = pd.read_csv(EXAMPLES / "facilities_2019_2024.csv", dtype=str, keep_default_na=False)
    src.drop(columns=["entity"]).head(24).to_csv(bills, index=False)
    led = Ledger(tmp_path / "f.ledger")
    result = led.import_files(facilities=[bills], constants={"entity": "OFFICE"})
    assert result["kind"].tolist() == ["facilities"] and result["rows_computed"].iloc[0] == 24
    assert set(led.data["entity"]) == {"OFFICE"}
    with pytest.raises(sc.InputFormatError, match="already has a column"):
        led.import_files(facilities=[EXAMPLES / "facilities_2019_2024.csv"],
                         constants={"entity": "X"})


def test_a_failed_import_writes_nothing(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("entity,date,mode,origin,destination\nA,2023-01-02,air,GVA,JFK\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("no,columns,here\n1,2,3\n")
    led = Ledger(tmp_path / "t.ledger")
    with pytest.raises(sc.InputFormatError):
        led.import_files(travel=[good, bad])
    assert led.batches().empty and led.totals("entity").empty


def test_same_bytes_under_another_name_are_not_counted_twice(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("entity,date,mode,origin,destination\nA,2023-01-02,air,GVA,JFK\n")
    b = tmp_path / "copy-of-a.csv"
    b.write_bytes(a.read_bytes())
    led = Ledger(tmp_path / "t.ledger")
    led.import_files(travel=[a])
    result = led.import_files(travel=[b])
    assert result["action"].iloc[0].startswith("unchanged (same bytes as source 'a.csv')")
    assert len(led.data) == 1


def test_backup_to_parquet_and_restore(office, tmp_path):
    led = office["led"]
    paths = led.export_parquet(tmp_path / "backup")
    assert (tmp_path / "backup" / "manifest.json") in paths
    restored = Ledger.restore(tmp_path / "backup", tmp_path / "restored.ledger")
    pd.testing.assert_frame_equal(restored.totals(("entity", "year")),
                                  led.totals(("entity", "year")))
    assert len(restored.batches()) == len(led.batches())
    assert restored.history()["action"].iloc[-1] == "restore"
    # ids go on after the restored ones
    extra = tmp_path / "late.csv"
    extra.write_text("entity,date,mode,origin,destination\nDFO,2023-12-30,air,GVA,JFK\n")
    new = restored.import_files(travel=[extra])
    assert int(new["batch_id"].iloc[0]) == int(led.batches()["batch_id"].max()) + 1
    with pytest.raises(LedgerError, match="exists"):
        Ledger.restore(tmp_path / "backup", tmp_path / "restored.ledger")
    (tmp_path / "backup" / "rows.parquet").write_bytes(b"damaged")
    with pytest.raises(sc.InputFormatError, match="manifest"):
        Ledger.restore(tmp_path / "backup", tmp_path / "other.ledger")


def test_import_an_inventory_parquet(tmp_path):
    inv = sc.calculate(sc.read_travel_log(EXAMPLES / "travel_2010_2024.csv"))
    inv.to_parquet(tmp_path / "inv.parquet")
    led = Ledger(tmp_path / "i.ledger")
    result = led.import_inventory(tmp_path / "inv.parquet")
    assert result["rows_computed"].iloc[0] == len(inv.data)
    pd.testing.assert_frame_equal(
        led.totals(("entity", "year"))[["entity", "year", "rows"]],
        _totals(inv)[["entity", "year", "rows"]].astype({"year": "int64", "rows": "int64"}),
        check_dtype=False)
    np.testing.assert_allclose(led.totals(("entity", "year"))["tco2e"],
                               _totals(inv)["tco2e"], rtol=1e-12)
    assert led.import_inventory(tmp_path / "inv.parquet")["action"].iloc[0] == "unchanged"
    restated = led.restate()
    assert restated["restated_tco2e"].iloc[0] == pytest.approx(
        restated["reported_tco2e"].iloc[0], rel=1e-9)


def test_not_a_ledger(tmp_path):
    import duckdb

    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE x (a INTEGER)")
    con.close()
    with pytest.raises(LedgerError, match="not a sem-carbon ledger"):
        Ledger(other)
    from sem_carbon.ledger.store import Store

    with pytest.raises(LedgerError, match="no ledger"), Store(tmp_path / "none.ledger").read():
        pass
