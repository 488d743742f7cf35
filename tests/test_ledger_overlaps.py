"""Overlapping imports: rows identical to rows of earlier batches are counted, warned and
can be left out; spend-only imports that compute nothing say so."""

from __future__ import annotations

import io
import warnings

import pandas as pd
import pytest
from ledger_helpers import EXAMPLES

import sem_carbon as sc
from sem_carbon.cli import main
from sem_carbon.errors import InvalidArgumentError, NothingComputedWarning, OverlapWarning
from sem_carbon.ledger import Ledger

pytest.importorskip("duckdb")


def _tco2e(path) -> float:
    return sc.calculate(sc.read_travel_log(path)).total("tCO2e").magnitude


@pytest.fixture(scope="module")
def split_log(tmp_path_factory):
    """A 2019 agency export cut into its rows 2-1500 and 1000-3000 (as the lines of the
    file number them), and the union of the two."""
    folder = tmp_path_factory.mktemp("overlap")
    log = pd.read_csv(EXAMPLES / "travel_2010_2024.csv", dtype=str, keep_default_na=False)
    year = log[log["date"].str.startswith("2019")].reset_index(drop=True)
    assert len(year) == 2829  # so "1000-3000" ends with the file, at its row 2830
    paths = {"a": folder / "agency-2019-a.csv", "b": folder / "agency-2019-b.csv",
             "union": folder / "union.csv", "both": folder / "both.csv"}
    year.iloc[0:1499].to_csv(paths["a"], index=False)
    year.iloc[998:2999].to_csv(paths["b"], index=False)
    year.iloc[0:2999].to_csv(paths["union"], index=False)
    year.iloc[998:1499].to_csv(paths["both"], index=False)
    return paths


def test_overlapping_exports_are_counted_warned_and_can_be_left_out(split_log, tmp_path):
    led = Ledger(tmp_path / "o.ledger")
    with pytest.warns(OverlapWarning, match=r"agency-2019-b\.csv: 501 rows are identical to "
                                            r"rows of earlier batch\(es\) 1"):
        summary = led.import_files(travel=[split_log["a"], split_log["b"]])
    union, both = _tco2e(split_log["union"]), _tco2e(split_log["both"])
    a, b = _tco2e(split_log["a"]), _tco2e(split_log["b"])
    assert summary["rows_overlapping"].tolist() == [0, 501]
    assert summary["overlaps_batches"].tolist() == ["", "1"]
    assert summary["overlap_tco2e"].iloc[1] == pytest.approx(both, rel=1e-12)
    # the totals count both copies unless told otherwise (the audit's 2,567.6 t) ...
    assert led.totals(())["tco2e"].iloc[0] == pytest.approx(a + b, rel=1e-12)
    assert a + b == pytest.approx(2567.6, abs=0.05)
    # ... and leave the second copy out on request: the union's figure (2,211.1 t)
    excluded = led.totals((), overlaps="exclude")
    assert excluded["tco2e"].iloc[0] == pytest.approx(union, rel=1e-12)
    assert union == pytest.approx(2211.1, abs=0.05)
    union_inv = sc.calculate(sc.read_travel_log(split_log["union"]))
    assert excluded["rows"].iloc[0] == len(union_inv.data)
    inv = led.inventory(overlaps="exclude")
    assert len(inv.data) == len(union_inv.data)
    assert inv.total("tCO2e").magnitude == pytest.approx(union, rel=1e-12)
    by_entity = led.totals("entity", overlaps="exclude").set_index("entity")["tco2e"]
    expected = union_inv.data.groupby("entity")["co2e_kg"].sum() / 1000.0
    pd.testing.assert_series_equal(by_entity.sort_index(), expected.sort_index(),
                                   check_names=False, rtol=1e-12)
    listed = led.overlaps()
    assert len(listed) == 501 and set(listed["batch_id"]) == {2}
    assert set(listed["first_source"]) == {"agency-2019-a.csv"}
    # the overlapping part of b is its file rows 2-502 (source rows), rows 1000-1500 of a
    assert listed["source_row"].tolist() == list(range(2, 503))
    assert listed["tco2e"].sum() == pytest.approx(both, rel=1e-12)


def test_a_corrected_file_without_the_overlap_clears_it(split_log, tmp_path):
    led = Ledger(tmp_path / "o.ledger")
    with pytest.warns(OverlapWarning):
        led.import_files(travel=[split_log["a"], split_log["b"]])
    rest = pd.read_csv(split_log["b"], dtype=str, keep_default_na=False).iloc[501:]
    fixed = tmp_path / "fixed" / "agency-2019-b.csv"
    fixed.parent.mkdir()
    rest.to_csv(fixed, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", OverlapWarning)
        summary = led.import_files(travel=[fixed])
    assert summary["action"].iloc[0] == "replaced" and summary["rows_overlapping"].iloc[0] == 0
    assert led.overlaps().empty
    assert led.totals(())["tco2e"].iloc[0] == pytest.approx(_tco2e(split_log["union"]),
                                                            rel=1e-12)


HEADER = "trip_id,entity,date,mode,origin,destination,cabin,cost,currency\n"
X = ",A,2021-03-01,air,GVA,LHR,economy,400,USD\n"        # no trip id: two colleagues alike
Y = ",A,2021-03-02,air,GVA,CDG,economy,300,USD\n"
Z = ",A,2021-03-03,air,GVA,AMS,economy,350,USD\n"


def test_identical_rows_are_matched_copy_for_copy(tmp_path):
    (tmp_path / "m1.csv").write_text(HEADER + X + X + Y)
    (tmp_path / "m2.csv").write_text(HEADER + X + X.replace(",400,", ",400.00,") + X + Z)
    (tmp_path / "union.csv").write_text(HEADER + X + X + X + Y + Z)
    led = Ledger(tmp_path / "m.ledger")
    with pytest.warns(OverlapWarning):
        summary = led.import_files(travel=[tmp_path / "m1.csv", tmp_path / "m2.csv"])
    # m1 has X twice: two of m2's three X are the same trips, the third is a new one
    assert summary["rows_overlapping"].tolist() == [0, 2]
    assert led.overlaps()["source_row"].tolist() == [2, 3]
    assert led.totals((), overlaps="exclude")["tco2e"].iloc[0] == pytest.approx(
        _tco2e(tmp_path / "union.csv"), rel=1e-12)
    assert led.totals(())["rows"].iloc[0] == 7


def test_plans_and_facilities_are_compared_with_their_own_kind(tmp_path):
    (tmp_path / "trips.csv").write_text(HEADER + X + Y)
    (tmp_path / "plans.csv").write_text(HEADER + X + Y)
    bills = pd.read_csv(EXAMPLES / "facilities_2019_2024.csv", dtype=str,
                        keep_default_na=False).head(30)
    bills.iloc[:20].to_csv(tmp_path / "bills-1.csv", index=False)
    bills.iloc[12:].to_csv(tmp_path / "bills-2.csv", index=False)
    bills.to_csv(tmp_path / "bills-union.csv", index=False)
    led = Ledger(tmp_path / "k.ledger")
    with pytest.warns(OverlapWarning, match="bills-2.csv: 8 rows"):
        summary = led.import_files(travel=[tmp_path / "trips.csv"],
                                   plans=[tmp_path / "plans.csv"],
                                   facilities=[tmp_path / "bills-1.csv",
                                               tmp_path / "bills-2.csv"])
    assert summary.set_index("source")["rows_overlapping"].to_dict() == {
        "trips.csv": 0, "plans.csv": 0, "bills-1.csv": 0, "bills-2.csv": 8}
    union = sc.calculate(sc.read_facilities(tmp_path / "bills-union.csv"))
    got = led.totals(("category",), overlaps="exclude").set_index("category")["tco2e"]
    trips = sc.calculate(sc.read_travel_log(tmp_path / "trips.csv"))
    expected = pd.concat([union.data, trips.data]).groupby("category")["co2e_kg"].sum() / 1e3
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False,
                                   rtol=1e-12)


SPEND = "entity,date,mode,cost,currency\n" + "".join(
    f"A,2021-04-0{d},road,{10 * d},USD\n" for d in range(1, 8))


def test_spend_only_rows_overlap_too(tmp_path):
    (tmp_path / "s1.csv").write_text(SPEND)
    (tmp_path / "s2.csv").write_text(SPEND.replace("A,2021-04-07,road,70,USD\n",
                                                   "A,2021-04-08,road,80,USD\n"))
    led = Ledger(tmp_path / "s.ledger")
    led.add_spend_factors(pd.DataFrame({"category": ["road"], "year": [2021],
                                        "kgco2e_per_usd": [0.5], "source": ["test factor"]}))
    with pytest.warns(OverlapWarning, match="s2.csv: 6 rows"):
        summary = led.import_files(travel=[tmp_path / "s1.csv", tmp_path / "s2.csv"])
    assert summary["spend_estimated"].tolist() == [7, 7]
    assert summary["overlap_tco2e"].iloc[1] == pytest.approx(0.5 * 210 / 1000)
    listed = led.overlaps()
    assert listed["spend"].all() and len(listed) == 6
    assert listed["tco2e"].sum() == pytest.approx(0.5 * 210 / 1000)
    # 1..7 x 10 USD once, and the 80 USD row of s2
    assert led.totals((), overlaps="exclude")["tco2e"].iloc[0] == pytest.approx(
        0.5 * (280 + 80) / 1000)
    assert led.totals(())["tco2e"].iloc[0] == pytest.approx(0.5 * (280 + 290) / 1000)


@pytest.mark.filterwarnings("always::sem_carbon.errors.SemCarbonWarning")  # the CLI prints them
def test_spend_only_file_without_intensity_is_rejected_loudly(tmp_path, capsys):
    (tmp_path / "finance.csv").write_text(SPEND)
    led = Ledger(tmp_path / "f.ledger")
    with pytest.warns(NothingComputedWarning, match=r"finance\.csv: 7 of 7 spend-only rows "
                                                     r"cannot be estimated \(spend only, and no "
                                                     r"intensity"):
        summary = led.import_files(travel=[tmp_path / "finance.csv"])
    row = summary.iloc[0]
    assert (row["rows_read"], row["rows_computed"], row["rows_rejected"], row["spend_rows"],
            row["spend_estimated"], row["spend_rejected"], row["tco2e"]) == (7, 0, 7, 7, 0, 7,
                                                                           0.0)
    assert row["rows_read"] == row["rows_computed"] + row["rows_rejected"] + \
        row["spend_estimated"]
    # the command line: the same file into a new ledger exits 3 as calc does
    ledger = str(tmp_path / "cli.ledger")
    assert main(["ledger", "init", ledger]) == 0
    capsys.readouterr()
    code = main(["ledger", "import", ledger, str(tmp_path / "finance.csv"), "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 3
    assert "warning: finance.csv: 7 of 7 spend-only rows cannot be estimated" in err
    assert "error: nothing was computed: all 7 source rows" in err
    assert pd.read_csv(io.StringIO(out))["rows_rejected"].tolist() == [7]
    # the same bytes again change nothing: no error
    assert main(["ledger", "import", ledger, str(tmp_path / "finance.csv")]) == 0
    # with a spend factor the rows are estimated: exit 0, no warning
    (tmp_path / "factors.csv").write_text("category,year,kgco2e_per_usd,source\n"
                                          "road,2021,0.5,test factor\n")
    ledger2 = str(tmp_path / "cli2.ledger")
    assert main(["ledger", "init", ledger2, "--spend-factors",
                 str(tmp_path / "factors.csv")]) == 0
    capsys.readouterr()
    code = main(["ledger", "import", ledger2, str(tmp_path / "finance.csv"), "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0 and "warning" not in err
    got = pd.read_csv(io.StringIO(out)).iloc[0]
    assert (got["spend_estimated"], got["rows_rejected"]) == (7, 0)
    assert got["tco2e"] == pytest.approx(0.5 * 280 / 1000)


@pytest.mark.filterwarnings("always::sem_carbon.errors.SemCarbonWarning")  # the CLI prints them
def test_cli_status_reports_overlaps_and_leaves_them_out_on_request(split_log, tmp_path,
                                                                    capsys):
    ledger = str(tmp_path / "c.ledger")
    assert main(["ledger", "init", ledger]) == 0
    code = main(["ledger", "import", ledger, str(split_log["a"]), str(split_log["b"]),
                 "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "warning: agency-2019-b.csv: 501 rows are identical" in err
    assert main(["ledger", "status", ledger, "--overlaps", "exclude", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert "501 rows of later batches are identical" in err
    assert "left out (--overlaps exclude)" in err
    table = pd.read_csv(io.StringIO(out))
    assert table["tco2e"].sum() == pytest.approx(_tco2e(split_log["union"]), rel=1e-9)


def _travel_tco2e(path) -> float:
    from sem_carbon.targets._common import category_mask

    data = sc.calculate(sc.read_travel_log(path)).data
    return float(data.loc[category_mask(data, ("travel",)), "co2e_kg"].sum()) / 1000.0


def test_allotments_count_or_leave_out_overlaps_as_the_totals_do(split_log, tmp_path):
    from sem_carbon.allotments import (
        allotment_status,
        allotments_from_baseline,
        set_allotments,
    )

    led = Ledger(tmp_path / "a.ledger")
    with pytest.warns(OverlapWarning):
        led.import_files(travel=[split_log["a"], split_log["b"]])
    union = _travel_tco2e(split_log["union"])
    twice = _travel_tco2e(split_log["a"]) + _travel_tco2e(split_log["b"])
    assert twice - union > 100  # the overlap is no rounding matter
    for overlaps, expected in (("include", twice), ("exclude", union)):
        table = allotments_from_baseline(led, year=2019, baseline_year=2019, share="50%",
                                         overlaps=overlaps)
        assert table["tco2e"].sum() == pytest.approx(0.5 * expected, rel=1e-9)
        assert ("overlapping rows left out" in table["basis"].iloc[0]) == (
            overlaps == "exclude")
    set_allotments(led, allotments_from_baseline(led, year=2019, baseline_year=2019))
    for overlaps, expected in (("include", twice), ("exclude", union)):
        status = allotment_status(led, 2019, as_of="2019-12-31", overlaps=overlaps)
        assert status["actual"].sum() == pytest.approx(expected, rel=1e-9)
        seasonal = allotment_status(led, 2019, as_of="2019-06-30", overlaps=overlaps,
                                    projection="seasonal", baseline_year=2019)
        assert seasonal["actual"].sum() <= expected * (1 + 1e-9)


@pytest.mark.filterwarnings("always::sem_carbon.errors.SemCarbonWarning")
def test_cli_report_and_allot_take_the_overlaps_option(split_log, tmp_path, capsys):
    import json

    ledger = str(tmp_path / "r.ledger")
    assert main(["ledger", "init", ledger]) == 0
    assert main(["ledger", "import", ledger, str(split_log["a"]), str(split_log["b"])]) == 0
    capsys.readouterr()
    totals = {}
    for overlaps in ("include", "exclude"):
        path = tmp_path / f"{overlaps}.json"
        assert main(["ledger", "report", ledger, "--json", str(path), "--overlaps",
                     overlaps]) == 0
        err = capsys.readouterr().err
        assert "501 rows of later batches are identical" in err
        assert ("left out (--overlaps exclude)" in err) == (overlaps == "exclude")
        totals[overlaps] = json.loads(path.read_text())["inventory"]["total_tco2e"]
    assert totals["include"] == pytest.approx(
        _tco2e(split_log["a"]) + _tco2e(split_log["b"]), rel=1e-6)
    assert totals["exclude"] == pytest.approx(_tco2e(split_log["union"]), rel=1e-6)
    assert main(["ledger", "allot", ledger, "--year", "2020", "--baseline", "2019",
                 "--overlaps", "exclude", "--format", "csv"]) == 0
    got = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert got["tco2e"].sum() == pytest.approx(0.5 * _travel_tco2e(split_log["union"]),
                                               rel=1e-6)


def test_overlaps_option_is_checked(tmp_path):
    (tmp_path / "t.csv").write_text(HEADER + X)
    led = Ledger(tmp_path / "t.ledger")
    led.import_files(travel=[tmp_path / "t.csv"])
    with pytest.raises(InvalidArgumentError, match="overlaps must be"):
        led.totals((), overlaps="drop")
    with pytest.raises(InvalidArgumentError, match="status='active'"):
        led.inventory(status="all", overlaps="exclude")


STAYS = "trip_id,entity,date,mode,country,nights,rooms,traveller,cost,currency\n"
STAY = ",A,2021-03-01,hotel,FR,2,{rooms},Ann,400,USD\n"
OTHER = ",A,2021-03-05,hotel,DE,1,,Ann,150,USD\n"


def test_hotel_rows_that_differ_only_in_rooms_do_not_overlap(tmp_path):
    (tmp_path / "h1.csv").write_text(STAYS + STAY.format(rooms=2) + STAY.format(rooms="")
                                     + OTHER)
    # 3 rooms is another stay than 2 rooms; 1 (written) is the blank of h1, so it overlaps
    (tmp_path / "h2.csv").write_text(STAYS + STAY.format(rooms=3) + STAY.format(rooms=1)
                                     + OTHER.replace(",,Ann", ",1,Ann"))
    (tmp_path / "h3.csv").write_text(STAYS + STAY.format(rooms=2))
    led = Ledger(tmp_path / "h.ledger")
    with pytest.warns(OverlapWarning):
        summary = led.import_files(travel=[tmp_path / "h1.csv", tmp_path / "h2.csv",
                                           tmp_path / "h3.csv"])
    assert summary["rows_overlapping"].tolist() == [0, 2, 1]
    listed = led.overlaps()
    assert listed[["batch_id", "source_row"]].values.tolist() == [[2, 3], [2, 4], [3, 2]]
    inv = sc.calculate(sc.read_travel_log(tmp_path / "h1.csv"))
    one_room_night = inv.data["co2e_kg"].iloc[1] / 2
    # left out: only the 3-room stay of h2 is added to h1 (6 room-nights)
    excluded = led.totals((), overlaps="exclude")["tco2e"].iloc[0]
    assert excluded == pytest.approx(inv.total("tCO2e").magnitude
                                     + 6 * one_room_night / 1000, rel=1e-12)


def _as_before_rooms(path) -> None:
    """Make a ledger look as one written before ``rooms`` was a canonical column: no
    ``rooms`` column in its activities, none in its batches' column lists."""
    import json

    import duckdb

    con = duckdb.connect(str(path))
    try:
        con.execute("ALTER TABLE activities DROP COLUMN rooms")
        for batch_id, settings in con.execute("SELECT batch_id, settings FROM batches"
                                              ).fetchall():
            kept = json.loads(settings)
            kept["columns"] = [c for c in kept["columns"] if c != "rooms"]
            con.execute("UPDATE batches SET settings = ? WHERE batch_id = ?",
                        [json.dumps(kept), batch_id])
    finally:
        con.close()


def test_a_ledger_written_before_rooms_keeps_its_overlaps(tmp_path):
    old = "trip_id,entity,date,mode,country,nights,traveller,cost,currency\n"
    stay = ",A,2021-03-01,hotel,FR,2,Ann,400,USD\n"
    (tmp_path / "o1.csv").write_text(old + stay + stay.replace("-01,", "-05,"))
    (tmp_path / "o2.csv").write_text(old + stay + stay.replace("-01,", "-09,"))
    path = tmp_path / "old.ledger"
    led = Ledger(path)
    with pytest.warns(OverlapWarning):
        led.import_files(travel=[tmp_path / "o1.csv", tmp_path / "o2.csv"])
    before = led.overlaps()[["batch_id", "source_row"]].values.tolist()
    assert before == [[2, 2]]
    totals = led.totals(())["tco2e"].iloc[0]
    _as_before_rooms(path)
    led = Ledger(path)
    assert led.overlaps()[["batch_id", "source_row"]].values.tolist() == before
    # a new import adds the column (empty on the old rows): a one-room stay (rooms blank
    # or 1) still matches its old copy, a two-room one does not
    (tmp_path / "n3.csv").write_text(STAYS + STAY.format(rooms="") + STAY.format(rooms=2)
                                     + STAY.format(rooms=1).replace("-01,", "-05,"))
    with pytest.warns(OverlapWarning, match="n3.csv: 2 rows"):
        led.import_files(travel=[tmp_path / "n3.csv"])
    assert led.overlaps()[["batch_id", "source_row"]].values.tolist() == [
        [2, 2], [3, 2], [3, 4]]
    # the old batches are recomputed as they were (one room each)
    restated = led.restate(note="after the upgrade").set_index("batch_id")
    assert restated.loc[[1, 2], "restated_tco2e"].sum() == pytest.approx(totals, rel=1e-12)
