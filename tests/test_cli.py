"""The installed ``sem-carbon`` command, run as a subprocess (stdout is a pipe: CSV output)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_report import EVIL, FORMULA_ID, make_budget, make_inventory

HEADER = ("trip_id,entity,date,mode,origin,destination,cabin,round_trip,passengers,distance,"
          "nights,country,cost,currency")
LOG = HEADER + """
"=HYPERLINK(""http://x"")",HQ,2019-03-01,air,GVA,JFK,economy,yes,1,,,,1200,USD
T2,<script>alert(1)</script>,2019-04-01,air,GVA,NBO,business,no,1,,,,2500,USD
T3,HQ,2021-05-01,air,GVA,XXX,economy,no,1,,,,800,USD
T4,DIV,2021-06-01,rail,,,,,1,290,,,90,USD
T5,DIV,2021-06-01,hotel,,,,,,,3,CH,600,USD
T6,DIV,2021-06-01,hotel,,,,,,,-2,CH,600,USD
"""


@pytest.fixture(scope="module")
def cli() -> str:
    """Path of the installed command (the virtualenv's bin, else PATH)."""
    beside = Path(sys.executable).parent / "sem-carbon"
    found = str(beside) if beside.exists() else shutil.which("sem-carbon")
    if not found:
        pytest.skip("the sem-carbon command is not installed")
    return found


def run(cli: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([cli, *args], capture_output=True, text=True, timeout=300, cwd=cwd,
                          stdin=subprocess.DEVNULL, check=False)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("sem-carbon: error: ")
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An inventory written by Inventory.to_parquet, an entity tree and a budget."""
    folder = tmp_path_factory.mktemp("cli")
    inv = make_inventory()
    inv.to_parquet(folder / "inventory.parquet")
    pd.DataFrame({
        "id": ["HQ", "DIV-A", "DIV-B", EVIL, "CO-KE"],
        "name": ["Headquarters", "Division A", "Division B", EVIL, "Kenya office"],
        "parent": ["", "HQ", "HQ", "HQ", "DIV-B"],
        "kind": ["hq", "division", "division", "division", "country_office"],
    }).to_csv(folder / "entities.csv", index=False)
    make_budget().to_csv(folder / "budget.csv", index=False)
    (folder / "log.csv").write_text(LOG, encoding="utf-8")
    return {"folder": folder, "inventory": folder / "inventory.parquet",
            "entities": folder / "entities.csv", "budget": folder / "budget.csv",
            "log": folder / "log.csv"}


# ---------------------------------------------------------------------------- help
def test_help_everywhere(cli: str) -> None:
    for args in ([], ["flight"], ["calc"], ["targets"], ["report"], ["factors"],
                 ["factors", "list"], ["factors", "show"], ["demo"]):
        proc = run(cli, *args, "--help")
        assert proc.returncode == 0, (args, proc.stderr)
        assert proc.stdout.startswith("usage: sem-carbon"), args
    assert run(cli, "--version").stdout.startswith("sem-carbon ")


# ---------------------------------------------------------------------------- flight
def test_flight_csv_table_json(cli: str) -> None:
    import sem_carbon as sc

    expected = sc.flight("GVA", "JFK", cabin="business", round_trip=True)
    proc = run(cli, "flight", "GVA", "JFK", "--cabin", "business", "--round-trip")
    assert proc.returncode == 0, proc.stderr
    row = pd.read_csv(io.StringIO(proc.stdout)).iloc[0]
    assert row["co2e_kg"] == pytest.approx(expected.co2e.m_as("kgCO2e"))
    assert row["co2e_without_rf_kg"] == pytest.approx(
        (expected.co2e - expected.radiative_forcing).m_as("kgCO2e"))
    table = run(cli, "flight", "GVA", "JFK", "--via", "LHR", "--no-rf", "--format", "table")
    assert table.returncode == 0, table.stderr
    assert "GVA-LHR-JFK" in table.stdout and "method:" in table.stdout
    assert "RF off" in table.stdout
    doc = json.loads(run(cli, "flight", "GVA", "JFK", "--format", "json").stdout)
    assert doc["co2e_kg"] == pytest.approx(sc.flight("GVA", "JFK").co2e.m_as("kgCO2e"),
                                           abs=1e-6)


# ---------------------------------------------------------------------------- factors
def test_factors_list_and_show(cli: str) -> None:
    proc = run(cli, "factors", "list")
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(io.StringIO(proc.stdout))
    assert {"desnz-2019", "desnz-2024"} <= set(table["id"])
    assert table.loc[table["default"], "id"].tolist() == ["desnz-2025"]
    proc = run(cli, "factors", "show", "desnz-2019", "--category", "air")
    assert proc.returncode == 0, proc.stderr
    air = pd.read_csv(io.StringIO(proc.stdout))
    assert len(air) > 10 and set(air["category"]) == {"air"}
    shown = run(cli, "factors", "show", "desnz-2019", "--category", "air", "--format", "table")
    assert "publisher:" in shown.stdout and "Open Government Licence" in shown.stdout


# ---------------------------------------------------------------------------- calc
def test_calc_parquet_and_csv(cli: str, files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "inv.parquet"
    proc = run(cli, "calc", str(files["log"]), "--units", "distance=km", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    rec = pd.read_csv(io.StringIO(proc.stdout)).set_index("table")
    assert rec.loc["travel", "rows_read"] == 6
    assert rec.loc["travel", "rows_computed"] + rec.loc["travel", "rows_rejected"] == 6
    assert "wrote" in proc.stderr  # status lines stay off a piped stdout
    from sem_carbon.inventory import Inventory

    inv = Inventory.read_parquet(out)
    assert len(inv.data) == rec.loc["travel", "rows_computed"]
    rejected = pd.read_csv(tmp_path / "inv.rejected.csv")
    assert set(rejected["source_row"]) == {4, 7}
    csv_out = tmp_path / "inv.csv"
    proc = run(cli, "calc", str(files["log"]), "--units", "distance=km", "-o", str(csv_out))
    assert proc.returncode == 0, proc.stderr
    text = csv_out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and "\n=HYPERLINK" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "inv.csv", "inv.parquet", "inv.rejected.csv", "inv.sources.csv"]
    # the CSV inventory reads back for the other commands
    proc = run(cli, "report", str(csv_out), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    lines = {row["key"]: row for row in json.loads(proc.stdout)}
    assert lines["kyoto_total"]["all_years"] == pytest.approx(inv.total().m_as("tCO2e"),
                                                             rel=1e-6)


# ---------------------------------------------------------------------------- targets
def test_targets(cli: str, files: dict[str, Path]) -> None:
    proc = run(cli, "targets", str(files["inventory"]), "--baseline", "2019", "--target",
               "2021", "--reduction", "50%", "--entities", str(files["entities"]),
               "--budget", str(files["budget"]))
    assert proc.returncode == 0, proc.stderr
    status = pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False).set_index("entity")
    assert {"HQ", "DIV-A", EVIL} <= set(status.index)
    assert status.loc["DIV-A", "divergent"] in (True, "True")
    doc = json.loads(run(cli, "targets", str(files["inventory"]), "--baseline", "2019",
                         "--target", "2021", "--reduction", "0.5", "--budget", "cost",
                         "--format", "json").stdout)
    assert {row["entity"] for row in doc} >= {"HQ", "DIV-A"}
    table = run(cli, "targets", str(files["inventory"]), "--baseline", "2019", "--target",
                "2021", "--reduction", "50%", "--entities", str(files["entities"]),
                "--format", "table")
    assert "Headquarters" in table.stdout and "──" in table.stdout


def test_targets_and_report_take_a_hand_made_inventory_table(cli: str,
                                                               tmp_path: Path) -> None:
    """Bug: an inventory table made by hand (entity, year, category, co2e_kg) printed its
    status, then failed with "unexpected KeyError: 'table'" (exit 2)."""
    path = tmp_path / "figures.csv"
    path.write_text("entity,year,category,co2e_kg\nA,2019,air,1000\nA,2021,air,400\n"
                    "A,2021,electricity,300\n", encoding="utf-8")
    proc = run(cli, "targets", str(path), "--baseline", "2019", "--target", "2021",
               "--reduction", "50%")
    assert proc.returncode == 0, proc.stderr
    status = pd.read_csv(io.StringIO(proc.stdout)).set_index("entity")
    assert status.loc["A", ["baseline", "actual"]].tolist() == [1.0, 0.4]
    md = tmp_path / "r.md"
    proc = run(cli, "report", str(path), "--markdown", str(md))
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr  # no recomputation of legs that are not there
    summary = pd.read_csv(io.StringIO(proc.stdout)).set_index("key")
    assert summary.loc["kyoto_total", "all_years"] == pytest.approx(1.7)
    assert summary.loc["un_inventory_total", "all_years"] == pytest.approx(1.7)
    assert "2 of 2 air rows have no legs" in md.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("entity,year,category,co2e_kg\nA,2019,flight,1000\n", encoding="utf-8")
    line = assert_one_line_error(run(cli, "targets", str(bad), "--baseline", "2019",
                                     "--target", "2021", "--reduction", "50%"))
    assert "category is not an inventory category ('flight'); first: source row 2 of " \
           "bad.csv" in line


# ---------------------------------------------------------------------------- report
def test_report_writes_every_format(cli: str, files: dict[str, Path], tmp_path: Path) -> None:
    paths = {k: tmp_path / f"r.{k}" for k in ("html", "xlsx", "json", "md")}
    proc = run(cli, "report", str(files["inventory"]), "--entities", str(files["entities"]),
               "--budget", str(files["budget"]), "--baseline", "2019", "--target", "2021",
               "--reduction", "50%", "--html", str(paths["html"]), "--excel",
               str(paths["xlsx"]), "--json", str(paths["json"]), "--markdown",
               str(paths["md"]), "--timestamp", "2025-02-03T04:05:06Z")
    assert proc.returncode == 0, proc.stderr
    summary = pd.read_csv(io.StringIO(proc.stdout))
    assert "un_inventory_total" in set(summary["key"])
    assert all(p.exists() for p in paths.values())
    html = paths["html"].read_text(encoding="utf-8")
    assert EVIL not in html and "&lt;script&gt;" in html
    doc = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert doc["targets"][0]["baseline_year"] == 2019
    again = tmp_path / "again.json"
    run(cli, "report", str(files["inventory"]), "--entities", str(files["entities"]),
        "--budget", str(files["budget"]), "--baseline", "2019", "--target", "2021",
        "--reduction", "50%", "--json", str(again), "--timestamp", "2025-02-03T04:05:06Z")
    assert again.read_bytes() == paths["json"].read_bytes()  # a fixed stamp: same bytes
    from openpyxl import load_workbook

    wb = load_workbook(paths["xlsx"])
    ids = {r[2] for r in wb["activities"].iter_rows(min_row=2, values_only=True)}
    assert "'" + FORMULA_ID in ids
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [p.name for p in paths.values()] + ["again.json"])


def test_report_markdown_under_any_file_name(cli: str, files: dict[str, Path],
                                             tmp_path: Path) -> None:
    # --markdown names the file whatever its ending (Report.to_markdown takes a str path
    # only when it ends in .md), and writes what to_markdown returns
    from sem_carbon import Inventory
    from sem_carbon.report import Report

    notes = tmp_path / "summary.txt"
    stamp = "2025-02-03T04:05:06Z"
    proc = run(cli, "report", str(files["inventory"]), "--markdown", str(notes),
               "--timestamp", stamp)
    assert proc.returncode == 0, proc.stderr
    expected = Report(Inventory.read_parquet(files["inventory"])).to_markdown(timestamp=stamp)
    assert notes.read_text(encoding="utf-8") == expected


def test_report_scenarios_and_timestamp_now(cli: str, files: dict[str, Path],
                                            tmp_path: Path) -> None:
    import datetime as dt

    paths = {k: tmp_path / f"r.{k}" for k in ("html", "json", "xlsx")}
    proc = run(cli, "report", str(files["inventory"]), "--entities", str(files["entities"]),
               "--baseline", "2019", "--target", "2021", "--reduction", "50%",
               "--scenario", "rail-under=700km", "--scenario", "economy-only+cut-trips=10%",
               "--timestamp", "now", "--html", str(paths["html"]), "--json",
               str(paths["json"]), "--excel", str(paths["xlsx"]))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert [s["name"] for s in doc["scenarios"]] == [
        "rail instead of flights < 700 km", "economy only + cut 10% of travel trips"]
    assert doc["scenarios"][1]["levers"] == ["economy only", "cut 10% of travel trips"]
    stamp = doc["generated_at"]
    assert stamp != "now"  # the real time of the run, not the word
    made = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.timezone.utc) - made).total_seconds()) < 900
    assert f"Generated {stamp}" in paths["html"].read_text(encoding="utf-8")
    from openpyxl import load_workbook

    assert "scenarios" in load_workbook(paths["xlsx"]).sheetnames


@pytest.mark.parametrize("extra", [["--scenario", "teleport=1"],
                                   ["--scenario", "rail-under=fast"]])
def test_report_bad_scenario_is_a_usage_error(cli: str, files: dict[str, Path],
                                              tmp_path: Path, extra: list[str]) -> None:
    proc = run(cli, "report", str(files["inventory"]), "--baseline", "2019", "--target",
               "2021", "--reduction", "50%", "--json", str(tmp_path / "r.json"), *extra)
    assert "--scenario" in assert_one_line_error(proc)
    proc = run(cli, "report", str(files["inventory"]), "--scenario", "economy-only",
               "--json", str(tmp_path / "r.json"))
    assert "carbon target" in assert_one_line_error(proc)


# ---------------------------------------------------------------------------- errors
@pytest.mark.parametrize("args", [
    ["flight", "GVA", "QQQ"],
    ["flight", "GVA", "JFK", "--cabin", "deluxe"],
    ["flight", "GVA", "JFK", "--factors", "desnz-1999"],
    ["flight", "GVA"],
    ["calc", "no-such-file.csv", "-o", "x.parquet"],
    ["calc", "{log}", "-o", "x.txt"],
    ["calc", "{log}", "--units", "distance=furlongz", "-o", "x.parquet"],
    ["targets", "no-such.parquet", "--baseline", "2019", "--target", "2021", "--reduction", "50%"],
    ["targets", "{inventory}", "--baseline", "2019", "--target", "2021", "--reduction", "150%"],
    ["targets", "{inventory}", "--baseline", "2021", "--target", "2019", "--reduction", "50%"],
    ["report", "{inventory}", "--entities", "missing.csv"],
    ["report", "{log}"],
    ["factors", "show", "nope"],
    ["bogus"],
    ["flight", "GVA", "JFK", "--passengers", "many"],
])
def test_bad_input_one_line_exit_2(cli: str, files: dict[str, Path], tmp_path: Path,
                                   args: list[str]) -> None:
    filled = [a.format(log=files["log"], inventory=files["inventory"]) for a in args]
    proc = run(cli, *filled, cwd=tmp_path)
    assert_one_line_error(proc, 2)
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_unexpected_error_exit_1_and_debug(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from sem_carbon import cli as module

    def broken(args: object, out: object) -> int:
        raise RuntimeError("something broke")

    monkeypatch.setattr(module, "cmd_factors_list", broken)
    assert module.main(["factors", "list"]) == 1
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "something broke" in err
    assert "Traceback" not in err
    assert module.main(["factors", "list", "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_format_table_aligns_and_cleans() -> None:
    from sem_carbon.cli import format_table

    frame = pd.DataFrame({"name": ["a", "evil\x1b[31m"], "tco2e": [1.5, 1234.25],
                          "year": [2019, 2021], "met": [True, False]})
    text = format_table(frame, title="T")
    lines = text.splitlines()
    assert lines[0] == "T"
    assert "\x1b" not in text
    assert "2019" in text and "2,019" not in text
    assert len({len(line) for line in lines[1:3]}) <= 2
    assert lines[-1].rstrip().endswith("no")


@pytest.mark.slow
def test_demo(cli: str, tmp_path: Path) -> None:
    from sem_carbon.errors import SemCarbonError
    from sem_carbon.report.demo import example_data_dir

    try:
        example_data_dir()
    except SemCarbonError:
        pytest.skip("example data not available")
    proc = run(cli, "demo", "--out", str(tmp_path / "demo"))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert names == ["inventory.parquet", "office.ledger", "office.ledger.lock", "rejected.csv",
                     "report.html", "report.json", "report.md", "report.xlsx"]
    assert "projected to exceed their allotment" in proc.stdout + proc.stderr
    doc = json.loads((tmp_path / "demo" / "report.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in doc["scenarios"]] == ["rail instead of flights < 700 km",
                                                     "economy only"]
    assert "Scenario economy only:" in proc.stdout + proc.stderr
    assert "tCO2e" in proc.stderr + proc.stdout


@pytest.mark.parametrize("value", ["0", "-5", "many", "2.5"])
def test_excel_max_rows_is_checked_by_the_cli_under_its_own_name(
        value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sem_carbon.cli import main

    code = main(["report", str(tmp_path / "inv.parquet"), "--excel",
                 str(tmp_path / "r.xlsx"), "--excel-max-rows", value])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "--excel-max-rows" in err and "1 or more" in err and repr(value) in err
    assert "max_rows" not in err
    assert not (tmp_path / "r.xlsx").exists()


def test_excel_max_rows_accepts_a_row_count() -> None:
    from sem_carbon.cli import build_parser

    args = build_parser().parse_args(["report", "inv.parquet", "--excel-max-rows", "1_000"])
    assert args.excel_max_rows == 1000
