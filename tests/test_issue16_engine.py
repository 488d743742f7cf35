"""Issue 16 (no silent wrong numbers): the engine, scalar helpers, writers and CLI.

Each test is named after the item of the issue it reproduces; each failed before its fix.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.io.writers import atomic_write_text, write_csv
from sem_carbon.limits import MAX_LEG_KM

CLI = str(Path(sys.executable).parent / "sem-carbon")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300, cwd=cwd,
                          stdin=subprocess.DEVNULL, check=False)


# ---------------------------------------------------------------------------- item 1
def _air_and_hotel_files(folder: Path) -> tuple[Path, Path]:
    air = pd.DataFrame({"trip_id": ["A1", "A2", "A3"], "entity": "HQ", "date": "2019-05-01",
                        "mode": "air", "origin": "GVA",
                        "destination": ["JFK", "LHR", "NBO"], "cabin": "economy"})
    hotel = pd.DataFrame({"trip_id": ["H1", "H2", "H3"], "entity": "HQ", "date": "2019-05-01",
                          "mode": "hotel", "nights": [1, 2, 3],
                          "country": ["CH", "Atlantis", "FR"]})
    air.to_csv(folder / "air.csv", index=False)
    hotel.to_csv(folder / "hotel.csv", index=False)
    return folder / "air.csv", folder / "hotel.csv"


def test_item01_stacking_tables_keeps_rows_of_other_sources(tmp_path: Path) -> None:
    air_path, hotel_path = _air_and_hotel_files(tmp_path)
    air, hotel = sc.read_travel_log(air_path), sc.read_travel_log(hotel_path)
    inv = sc.calculate([air, hotel])
    # hotel row 3 (Atlantis) is rejected; air row 3 (GVA-NBO) is valid and must stay
    assert len(inv.data) == 5
    assert sorted(inv.data.loc[inv.data["mode"] == "air", "destination"]) == ["JFK", "LHR",
                                                                               "NBO"]
    rec = inv.reconciliation().set_index("source")
    assert rec.loc[str(air_path), ["rows_read", "rows_computed", "rows_rejected"]].tolist() \
        == [3, 3, 0]
    assert rec.loc[str(hotel_path), ["rows_read", "rows_computed", "rows_rejected"]].tolist() \
        == [3, 2, 1]
    assert set(inv.rejected["source"]) == {str(hotel_path)}


def test_item01_twelve_monthly_files_equal_the_sum_of_each(tmp_path: Path) -> None:
    """Twelve monthly files with the same row numbers: stacked = sum of each, exactly."""
    rng = np.random.default_rng(16)
    airports = ["GVA", "JFK", "NBO", "BKK", "LHR", "ADD", "CDG", "DEL"]
    logs = []
    for month in range(1, 13):
        n = 12
        origin = rng.choice(airports, n)
        dest = rng.choice(airports, n)
        frame = pd.DataFrame({
            "trip_id": [f"M{month}-{i}" for i in range(n)], "entity": "HQ",
            "date": f"2019-{month:02d}-10", "mode": "air", "origin": origin,
            "destination": dest, "cabin": "economy"})
        frame.loc[month % n, "destination"] = "XXX"  # one unknown code per month
        path = tmp_path / f"2019-{month:02d}.csv"
        frame.to_csv(path, index=False)
        logs.append(sc.read_travel_log(path))
    stacked = sc.calculate(logs)
    separately = [sc.calculate(log) for log in logs]
    read = sum(log.rows_read for log in logs)
    rec = stacked.reconciliation()
    assert int(rec["rows_read"].sum()) == read == 144
    assert int(rec["rows_computed"].sum() + rec["rows_rejected"].sum()) == read
    assert len(stacked.data) == sum(len(inv.data) for inv in separately)
    assert stacked.total().m == pytest.approx(sum(inv.total().m for inv in separately),
                                              rel=1e-12)
    assert len(rec) == 12 and (rec["rows_computed"] + rec["rows_rejected"]
                               == rec["rows_read"]).all()


def test_item01_dataframes_get_distinct_identities() -> None:
    one = pd.DataFrame({"mode": "air", "origin": ["GVA", "GVA"], "destination": ["JFK", "XXX"],
                        "year": 2019})
    two = pd.DataFrame({"mode": "hotel", "nights": [1, 1], "country": ["CH", "CH"],
                        "year": 2019})
    inv = sc.calculate([one, two])
    assert set(inv.sources["source"]) == {"DataFrame", "DataFrame #2"}
    assert len(inv.data) == 3  # the hotel row 3 survives the air row 3's rejection
    both = inv + inv  # concatenating keeps source rows apart as well
    assert both.reconciliation()["rows_read"].sum() == 8
    assert (both.reconciliation()["rows_computed"] + both.reconciliation()["rows_rejected"]
            == both.reconciliation()["rows_read"]).all()


def test_item01_sources_survive_parquet_and_csv(tmp_path: Path) -> None:
    air_path, hotel_path = _air_and_hotel_files(tmp_path)
    inv = sc.calculate([sc.read_travel_log(air_path), sc.read_travel_log(hotel_path)])
    inv.to_parquet(tmp_path / "inv.parquet")
    inv.to_csv(tmp_path / "inv.csv")
    for back in (sc.Inventory.read_parquet(tmp_path / "inv.parquet"),
                 sc.Inventory.read_csv(tmp_path / "inv.csv")):
        pd.testing.assert_frame_equal(back.reconciliation(), inv.reconciliation(),
                                      check_dtype=False)


# ---------------------------------------------------------------------------- item 5
def test_item05_flight_date_chooses_the_edition_of_that_date() -> None:
    dated = sc.flight("GVA", "JFK", date="2019-06-01")
    assert dated.factor.edition == "desnz-2019"
    assert dated.co2e.m == pytest.approx(sc.flight("GVA", "JFK", year=2019).co2e.m, rel=1e-15)
    row = pd.DataFrame({"mode": ["air"], "origin": ["GVA"], "destination": ["JFK"],
                        "cabin": ["economy"], "date": ["2019-06-01"]})
    assert dated.co2e.m == pytest.approx(sc.calculate(row).total("kgCO2e").m, rel=1e-12)
    with pytest.raises(sc.InvalidActivityError, match="disagree"):
        sc.flight("GVA", "JFK", date="2019-06-01", year=2021)


def test_item05_text_dates_are_day_first_everywhere() -> None:
    """05/03/2019 is 5 March for the reader, calculate(DataFrame) and sc.flight alike."""
    from sem_carbon.travel.api import _parse_date

    day, year = _parse_date("05/03/2019")
    assert str(day) == "2019-03-05" and year == 2019
    frame = pd.DataFrame({"mode": ["air"], "origin": ["GVA"], "destination": ["JFK"],
                          "date": ["05/03/2019"]})
    assert str(sc.calculate(frame).data["date"].iloc[0].date()) == "2019-03-05"
    with pytest.raises(sc.InvalidActivityError, match="impossible"):
        sc.flight("GVA", "JFK", date="31/02/2019")


# ---------------------------------------------------------------------------- item 8
@pytest.mark.parametrize(("call", "match"), [
    (lambda: sc.flight("GVA", "JFK", passengers=1e9), "passengers over 1,000"),
    (lambda: sc.rail(sc.Q_(1e308, "km")), "distance over 20,015 km"),
    (lambda: sc.road(sc.Q_(25_000, "km")), "distance over 20,015 km"),
    (lambda: sc.hotel(400, "CH"), "nights over 366"),
    (lambda: sc.hotel(1, "CH", rooms=5_000), "rooms over 1,000"),
    (lambda: sc.electricity(sc.Q_(1e300, "kWh"), "CH"), "not finite or over 1 MtCO2e"),
])
def test_item08_scalar_helpers_refuse_implausible_values(call, match) -> None:
    with pytest.raises(sc.InvalidActivityError, match=match):
        call()


def test_item08_calculate_rejects_implausible_rows_with_reasons() -> None:
    travel = pd.DataFrame({
        "mode": ["rail", "air", "hotel", "road", "rail", "air"],
        "origin": ["", "GVA", "", "", "", "GVA"], "destination": ["", "JFK", "", "", "", "JFK"],
        "distance_km": [1e308, np.nan, np.nan, 300.0, 300.0, np.nan],
        "passengers": [1, 1e9, np.nan, -2, 2, 1], "nights": [np.nan, np.nan, 1e6, np.nan,
                                                              np.nan, np.nan],
        "country": ["", "", "CH", "", "", ""], "year": 2019})
    facilities = pd.DataFrame({"kind": "electricity", "amount": [1e300, 100.0], "unit": "kWh",
                               "country": "CH", "year": 2019})
    inv = sc.calculate([travel, facilities])
    assert np.isfinite(inv.data["co2e_kg"]).all()
    assert (inv.data["co2e_kg"] >= 0).all()
    reasons = inv.rejected.set_index(["table", "source_row"])["reason"]
    assert "distance over 20,015 km" in reasons[("travel", 2)]
    assert "passengers over 1,000" in reasons[("travel", 3)]
    assert "nights over 366" in reasons[("travel", 4)]
    assert "passengers must be a number > 0" in reasons[("travel", 5)]  # road, -2 passengers
    assert "not finite or over 1 MtCO2e" in reasons[("facilities", 2)]
    assert len(inv.data) == 3 and len(inv.rejected) == 5
    assert pytest.approx(20015.1, abs=0.1) == MAX_LEG_KM


# ---------------------------------------------------------------------------- item 13
def test_item13_csv_cells_with_line_breaks_are_quoted(tmp_path: Path) -> None:
    evil = "DIV\r=cmd|' /C calc'!A0"
    frame = pd.DataFrame({"entity": [evil, "x\n@SUM(A1)", "'s-Hertogenbosch office", "ok"],
                          "co2e_kg": [1.0, 2.0, 3.0, 4.0]})
    path = tmp_path / "out.csv"
    write_csv(frame, path, lossless=True)
    raw = path.read_bytes()
    # quoted (RFC 4180), and each line inside a cell defused like a cell of its own
    assert b'"DIV\r\'=cmd' in raw and b'"x\n\'@SUM(A1)"' in raw
    # split as a naive reader would, on any line break: no line starts with a formula
    for line in raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"):
        assert not line.startswith((b"=", b"+", b"@", b"-"))
    back = pd.read_csv(path, keep_default_na=False)
    assert len(back) == 4
    from sem_carbon.io.writers import restore_frame

    assert restore_frame(back)["entity"].tolist() == frame["entity"].tolist()


def test_item13_inventory_csv_round_trips_quotes_and_line_breaks(tmp_path: Path) -> None:
    names = ["'s-Hertogenbosch office", "DIV\r=cmd|' /C calc'!A0", "=1+2", "HQ"]
    log = pd.DataFrame({"mode": "hotel", "nights": [1, 2, 3, 4], "country": "CH", "year": 2019,
                        "entity": names, "trip_id": ["''x", "T2", "-T3", "T4"]})
    inv = sc.calculate(log)
    inv.to_csv(tmp_path / "inv.csv")
    back = sc.Inventory.read_csv(tmp_path / "inv.csv")
    assert back.data["entity"].tolist() == names
    assert back.data["trip_id"].tolist() == ["''x", "T2", "-T3", "T4"]
    assert back.data["co2e_kg"].tolist() == inv.data["co2e_kg"].tolist()


# ---------------------------------------------------------------------------- item 15
@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_item15_replacing_a_private_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")
    target.chmod(0o600)
    atomic_write_text(target, "new: names of travellers")
    assert target.read_text() == "new: names of travellers"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.md"
    atomic_write_text(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_item15_temporary_names_are_not_predictable(tmp_path: Path) -> None:
    import inspect

    from sem_carbon import inventory

    source = inspect.getsource(inventory)
    assert "tmp-{os.getpid()}" not in source and "_atomic_write" not in source
    seen: list[str] = []

    def spy(tmp: Path) -> None:
        seen.append(tmp.name)
        tmp.write_text("x")

    from sem_carbon.io.writers import atomic_write

    atomic_write(tmp_path / "a.csv", spy)
    atomic_write(tmp_path / "a.csv", spy)
    assert seen[0] != seen[1] and str(os.getpid()) not in seen[0]


def test_item15_calc_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    air_path, _ = _air_and_hotel_files(tmp_path)
    before = air_path.read_bytes()
    proc = _cli("calc", air_path.name, "-o", air_path.name, cwd=tmp_path)
    assert proc.returncode == 2 and "also an input" in proc.stderr
    assert air_path.read_bytes() == before
    proc = _cli("calc", air_path.name, "-o", "inv.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = _cli("report", "inv.csv", "--html", "inv.csv", cwd=tmp_path)
    assert proc.returncode == 2 and "also an input" in proc.stderr


# ---------------------------------------------------------------------------- item 16
def test_item16_cli_exits_3_when_nothing_is_computed(tmp_path: Path) -> None:
    pd.DataFrame({"mode": "air", "date": "2019-05-01", "origin": ["XXX", "ZZZ"],
                  "destination": "GVA"}).to_csv(tmp_path / "bad.csv", index=False)
    proc = _cli("calc", "bad.csv", "-o", "inv.csv", cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert "nothing was computed" in proc.stderr and "inv.rejected.csv" in proc.stderr
    assert (tmp_path / "inv.rejected.csv").is_file()  # the rejects are there to inspect
    proc = _cli("report", "inv.csv", "--markdown", "r.md", cwd=tmp_path)
    assert proc.returncode == 3


def test_item16_cli_warns_over_the_rejected_share(tmp_path: Path) -> None:
    pd.DataFrame({"mode": "air", "date": "2019-05-01", "origin": ["XXX", "GVA", "GVA", "GVA"],
                  "destination": "JFK"}).to_csv(tmp_path / "log.csv", index=False)
    proc = _cli("calc", "log.csv", "-o", "inv.csv", cwd=tmp_path)
    assert proc.returncode == 0 and "25.0% of the 4 source rows were rejected" in proc.stderr
    proc = _cli("calc", "log.csv", "-o", "inv.csv", "--max-rejected", "30%", cwd=tmp_path)
    assert proc.returncode == 0 and "warning" not in proc.stderr


def test_item16_calculate_warns_when_nothing_is_computed() -> None:
    bad = pd.DataFrame({"mode": "air", "origin": ["XXX", "ZZZ"], "destination": "GVA",
                        "year": 2019})
    with pytest.warns(sc.NothingComputedWarning, match="all 2 source rows were rejected"):
        inv = sc.calculate(bad)
    assert len(inv.data) == 0 and len(inv.rejected) == 2
    # the columns an inventory has do not depend on whether a row was computed: an
    # inventory of rejects only kept 11 of them, and inv.data["notes"] raised KeyError
    good = sc.calculate(bad.assign(origin="ZRH"))
    assert list(inv.data.columns) == list(good.data.columns)
    assert {"notes", "factor_id", "method", "co2_kg"} <= set(inv.data.columns)
    bills = pd.DataFrame({"kind": "electricity", "amount": ["x"], "unit": "kWh",
                          "country": "GB", "year": 2019})
    with pytest.warns(sc.NothingComputedWarning):
        both = sc.calculate([bad, bills])
    assert set(good.data.columns) | set(sc.calculate(bills.assign(amount=5)).data.columns) \
        == set(both.data.columns)


def test_item06_cli_takes_an_own_grid_edition(tmp_path: Path) -> None:
    rows = pd.DataFrame({"category": ["electricity"], "country": ["CH"],
                         "component": ["generation"], "value": [12.0],
                         "unit": ["gCO2e / kWh"], "label": ["CH supplier mix"]})
    meta = {"id": "my-grid", "title": "Own grid", "publisher": "Us", "year": 2024,
            "kind": "grid-intensity", "licenses": [{"name": "CC0-1.0", "title": "CC0"}],
            "sources": [{"title": "our supplier's 2024 disclosure", "path": "n/a"}]}
    sc.write_factor_set(tmp_path / "my-grid", meta, {"electricity": rows})
    pd.DataFrame({"mode": ["air"], "origin": ["GVA"], "destination": ["JFK"],
                  "date": ["2024-03-01"]}).to_csv(tmp_path / "log.csv", index=False)
    pd.DataFrame({"kind": ["electricity"], "amount": [1000], "unit": ["kWh"],
                  "country": ["CH"], "date": ["2024-03-01"]}).to_csv(tmp_path / "fac.csv",
                                                                      index=False)
    proc = _cli("calc", "log.csv", "--facilities", "fac.csv", "--grid", "my-grid", "-o",
                "inv.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    inv = sc.Inventory.read_csv(tmp_path / "inv.csv")
    electricity = inv.data[inv.data["category"] == "electricity"]
    assert electricity["co2e_kg"].tolist() == pytest.approx([12.0])
    assert electricity["factor_id"].tolist() == ["my-grid"]


def test_item03_dakar_code_after_the_move_is_the_new_airport() -> None:
    """DKR closed to airline traffic on 7 Dec 2017; later logs mean Dakar, i.e. DSS."""
    before = sc.great_circle("GVA", "DKR", date="2017-12-06").m_as("km")
    after = sc.great_circle("GVA", "DKR", date="2017-12-07").m_as("km")
    assert after == pytest.approx(sc.great_circle("GVA", "DSS").m_as("km"), rel=1e-12)
    assert before == pytest.approx(4134.5, abs=1.0) and after == pytest.approx(4120.6, abs=1.0)


def test_item03_corrected_airports_are_noted_on_rows_and_results() -> None:
    from sem_carbon.geo import corrected_codes

    flight = sc.flight("GVA", "BRU")
    assert flight.activity["haul"] == "short_haul"
    if "BRU" in corrected_codes():  # the installed airportsdata misplaces Brussels
        assert any(n.startswith("BRU coordinates: reference") for n in flight.notes)
    inv = sc.calculate(pd.DataFrame({"mode": "air", "origin": ["GVA", "GVA"],
                                     "destination": ["BRU", "JFK"], "date": "2024-05-01"}))
    notes = inv.data["notes"].astype(str).tolist()
    assert notes == ["; ".join(flight.notes), ""]


# ---------------------------------------------------------------------------- item 2
def test_item02_a_tickets_cost_is_counted_once(tmp_path: Path) -> None:
    (tmp_path / "agency.csv").write_text(
        "trip_id,entity,date,mode,route,cost,currency\n"
        "T9,HQ,2019-05-01,air,GVA/ADD/NBO/GVA,1200,USD\n"
        "T10,HQ,2021-05-01,air,GVA/LHR,300,USD\n"
        "T11,HQ,2019-05-01,air,GVA/ADD/GVA,,USD\n", encoding="utf-8")
    log = sc.read_travel_log(tmp_path / "agency.csv")
    no_cost = log.data[log.data["trip_id"] == "T11"]  # nothing to split: nothing said
    assert len(no_cost) == 2 and not no_cost["notes"].str.contains("cost split").any()
    log = sc.read_travel_log(tmp_path / "agency.csv")
    legs = log.data[log.data["trip_id"] == "T9"]
    assert len(legs) == 3 and legs["cost"].sum() == pytest.approx(1200.0, rel=1e-12)
    km = [sc.great_circle(o, d).m_as("km") for o, d in zip(legs["origin"], legs["destination"],
                                                            strict=True)]
    assert legs["cost"].tolist() == pytest.approx([1200.0 * k / sum(km) for k in km])
    assert legs["notes"].str.contains("ticket cost split over its 3 legs").all()
    inv = sc.calculate(log)
    assert inv.data["cost"].sum() == pytest.approx(1500.0)
    target = sc.Target(baseline_year=2019, target_year=2021, reduction=0.5)
    status = sc.target_status(inv, target, by=None, budget="cost")
    assert status["budget_baseline"].iloc[0] == pytest.approx(1200.0)
    assert status["budget_actual"].iloc[0] == pytest.approx(300.0)


def test_item02_td_rows_do_not_repeat_the_bill() -> None:
    bills = pd.DataFrame({"kind": "electricity", "amount": [1000.0, 2000.0], "unit": "kWh",
                          "country": "GB", "year": 2019, "cost": [150.0, 300.0]})
    inv = sc.calculate(bills, include_td=True)
    assert set(inv.data["category"]) == {"electricity", "td_losses"}
    assert inv.data["cost"].sum() == pytest.approx(450.0)


def test_item11_cli_reading_limits_can_be_raised(tmp_path: Path) -> None:
    rows = pd.DataFrame({"mode": "air", "date": "2019-05-01", "origin": ["GVA"] * 30,
                         "destination": "JFK"})
    rows.to_csv(tmp_path / "log.csv", index=False)
    proc = _cli("calc", "log.csv", "-o", "inv.csv", "--limit", "max_rows=10", cwd=tmp_path)
    assert proc.returncode == 2 and "max_rows" in proc.stderr
    proc = _cli("calc", "log.csv", "-o", "inv.csv", "--limit", "max_rows=100", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = _cli("calc", "log.csv", "-o", "inv.csv", "--limit", "rows=100", cwd=tmp_path)
    assert proc.returncode == 2 and "NAME=VALUE" in proc.stderr


def test_a_factor_set_without_travel_factors_is_refused_for_travel() -> None:
    # factors="ember-grid" took desnz-2024 for every row, whatever its year (noted only)
    log = pd.DataFrame({"mode": "air", "origin": ["GVA"], "destination": ["JFK"],
                        "date": ["2019-05-01"]})
    for edition in ("ember-grid", "ipcc-gwp"):
        with pytest.raises(sc.InvalidArgumentError, match=f"factors='{edition}' publishes no "
                                                          "travel factors"):
            sc.calculate(log, factors=edition)
    assert sc.calculate(log, factors="desnz-2019").data["factor_id"].tolist() == ["desnz-2019"]
    bills = pd.DataFrame({"kind": ["electricity"], "amount": [100.0], "unit": ["kWh"],
                          "country": ["KE"], "year": [2019]})
    assert sc.calculate(bills, factors="ember-grid").data["factor_id"].tolist() == [
        "ember-grid"]  # a grid edition is what facilities' electricity asks for


def test_yes_no_options_of_calculate_are_read_not_taken_as_truthy() -> None:
    # radiative_forcing="no" was truthy: the with-RF figure, silently
    log = pd.DataFrame({"mode": "air", "origin": ["GVA"], "destination": ["JFK"],
                        "cabin": "economy", "date": ["2019-05-01"]})
    without = sc.calculate(log, radiative_forcing=False).data["co2e_kg"].iloc[0]
    with_rf = sc.calculate(log).data["co2e_kg"].iloc[0]
    assert without < with_rf
    for word in ("no", "false", "N", 0):
        assert sc.calculate(log, radiative_forcing=word).data["co2e_kg"].iloc[0] == without
    assert sc.calculate(log, radiative_forcing="yes").data["co2e_kg"].iloc[0] == with_rf
    for name in ("radiative_forcing", "include_td", "co2_only"):
        with pytest.raises(sc.InvalidArgumentError, match=f"{name} must be yes/no.*'maybe'"):
            sc.calculate(log, **{name: "maybe"})
