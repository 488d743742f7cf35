"""`sem-carbon ledger ...` end to end on real files."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from ledger_helpers import EXAMPLES, monthly_files

from sem_carbon.cli import main
from sem_carbon.cli_ledger import parse_constants, parse_scenario

pytest.importorskip("duckdb")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_month_of_office_work(tmp_path, capsys):
    files = monthly_files(tmp_path / "in", entities=("DFO", "EXD"))
    ledger = str(tmp_path / "office.ledger")
    assert run(capsys, "ledger", "init", ledger)[0] == 0
    code, out, err = run(capsys, "ledger", "import", ledger, *map(str, list(files.values())[:3]),
                         "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["action"] for r in rows] == ["imported"] * 3
    code, out, _ = run(capsys, "ledger", "import", ledger, str(next(iter(files.values()))),
                       "--format", "json")
    assert json.loads(out)[0]["action"] == "unchanged"
    bills = tmp_path / "bills.csv"
    src = pd.read_csv(EXAMPLES / "facilities_2019_2024.csv", dtype=str, keep_default_na=False)
    src.drop(columns=["entity"]).head(12).to_csv(bills, index=False)
    code, out, err = run(capsys, "ledger", "import", ledger, "--facilities", str(bills),
                         "--set", "entity=OFFICE", "--format", "csv")
    assert code == 0, err
    assert pd.read_csv(io.StringIO(out))["kind"].tolist() == ["facilities"]
    code, out, err = run(capsys, "ledger", "allot", ledger, "--year", "2023", "--baseline",
                         "2023", "--share", "10%", "--format", "csv")
    assert code == 0, err
    code, out, err = run(capsys, "ledger", "status", ledger, "--year", "2023", "--format",
                         "table")
    assert code == 0, err
    assert "Allotments 2023" in out and "projected to exceed the allotment: " in out
    code, out, _ = run(capsys, "ledger", "history", ledger, "--format", "csv")
    history = pd.read_csv(io.StringIO(out))
    assert history["action"].tolist() == ["init", "import", "import", "import", "import",
                                          "allot"]
    code, out, _ = run(capsys, "ledger", "history", ledger, "--batches", "--format", "csv")
    assert len(pd.read_csv(io.StringIO(out))) == 4
    md = tmp_path / "report.md"
    code, out, err = run(capsys, "ledger", "report", ledger, "--markdown", str(md), "--format",
                         "csv")
    assert code == 0, err
    assert md.stat().st_size > 1000
    code, out, err = run(capsys, "ledger", "restate", ledger, "--rf", "off", "--note", "UN view",
                         "--format", "csv")
    assert code == 0, err
    restated = pd.read_csv(io.StringIO(out))
    travel = restated[restated["source"].str.startswith("travel")]
    assert (travel["restated_tco2e"] < travel["reported_tco2e"]).all()
    backup = tmp_path / "backup"
    assert run(capsys, "ledger", "export", ledger, str(backup))[0] == 0
    code, out, err = run(capsys, "ledger", "restore", str(backup), str(tmp_path / "copy.ledger"))
    assert code == 0, err
    assert "restored" in out + err


def test_errors_are_one_line_with_status_2(tmp_path, capsys):
    code, _, err = run(capsys, "ledger", "status", str(tmp_path / "none.ledger"))
    assert code == 2 and "no ledger at" in err and err.count("\n") == 1
    code, _, err = run(capsys, "ledger", "import", str(tmp_path / "x.ledger"))
    assert code == 2 and "nothing to import" in err


def test_constant_and_scenario_options():
    assert parse_constants(["mode=air", "currency= CHF"]) == {"mode": "air", "currency": "CHF"}
    # the same lever names as `sem-carbon report --scenario`
    scenario = parse_scenario(["rail-under=500km", "economy-below=6h+cut-trips=20%"])
    assert [type(lever).__name__ for lever in scenario.levers] == [
        "RailInsteadOfFlights", "EconomyBelow", "CutTrips"]
    assert scenario.levers[0].max_km == 500.0
    assert scenario.levers[1].hours == 6.0 and scenario.levers[2].share == 0.2
    from sem_carbon.cli import UsageError

    with pytest.raises(UsageError, match="unknown lever 'teleport'"):
        parse_scenario(["teleport"])
    with pytest.raises(UsageError, match="--scenario"):
        parse_scenario(["rail:max_km=500"])  # the old syntax is not guessed at
    with pytest.raises(UsageError, match="COLUMN=VALUE"):
        parse_constants(["currency"])
