"""``sem-carbon calc`` reads what the Python readers read: ``--header-row``, ``--sheet``,
``--encoding``, ``--delimiter``, ``--decimal``, ``--duplicates``, ``--refunds`` (and the
``--facilities-...`` twins), and a facilities-only inventory without a travel log.

Every run is the real command: :func:`sem_carbon.cli.main` with an argument list, or the
module as a subprocess; its inventory file is compared with the Python API's on the same
file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import sem_carbon as sc
from sem_carbon.cli import main
from sem_carbon.errors import InputFormatError

REPO = Path(__file__).resolve().parents[1]
HEADER = ["trip_id", "entity", "date", "mode", "origin", "destination", "cabin", "distance",
          "distance_unit", "nights", "country", "cost", "currency"]
TRIPS = [["T1", "HQ", "2019-03-01", "air", "GVA", "JFK", "economy", "", "", "", "", 900, "USD"],
         ["T2", "DIV", "2019-04-02", "air", "GVA", "NBO", "business", "", "", "", "", 2100,
          "USD"],
         ["T3", "DIV", "2019-05-03", "rail", "", "", "", 290, "km", "", "", 90, "USD"],
         ["T4", "HQ", "2019-06-04", "hotel", "", "", "", "", "", 3, "CH", 600, "USD"]]
BILLS = """site,entity,kind,amount,unit,period_start,period_end,country
Geneva,HQ,electricity,12000,kWh,2019-01-01,2019-03-31,GB
Geneva,HQ,natural_gas,8000,kWh,2019-01-01,2019-03-31,GB
Nairobi,DIV,electricity,3000,kWh,2019-01-01,2019-03-31,KE
Nairobi,DIV,diesel,150,L,2019-02-01,2019-02-28,KE
"""


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook with one sheet per item; a one-cell first row is merged over the row."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if rows and len(rows[0]) == 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    book.save(path)
    return path


def calc(*argv: str | Path) -> int:
    """``sem-carbon calc ARGV`` in this process (its exit status)."""
    return main(["calc", *map(str, argv)])


def total_kg(inventory: Path) -> float:
    """Total of an inventory file written by ``sem-carbon calc``."""
    return sc.Inventory.read_parquet(inventory).total().m_as("kgCO2e")


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("sem-carbon: error: "), err
    return err[0]


# ------------------------------------------------------------------ workbooks with a title
@pytest.fixture
def export(tmp_path: Path) -> Path:
    """An agency workbook: a notes sheet first, then the bookings under a merged title."""
    return _workbook(tmp_path / "export.xlsx", {
        "Notes": [["read me"], ["exported by the agency"]],
        "Bookings": [["Agency export 2019"], [], HEADER, *TRIPS],
    })


def test_header_row_and_sheet_read_an_agency_workbook(
        export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = sc.calculate(sc.read_travel_log(export, sheet="Bookings", header_row=3))
    assert len(expected.data) == 4  # every trip computed: the options were needed and enough
    out = tmp_path / "inv.parquet"
    assert calc(export, "--sheet", "Bookings", "--header-row", "3", "-o", out) == 0
    assert total_kg(out) == pytest.approx(expected.total().m_as("kgCO2e"), rel=1e-12)
    # rows keep the sheet's numbers: the trips are on rows 4 to 7
    assert sorted(sc.Inventory.read_parquet(out).data["source_row"]) == [4, 5, 6, 7]
    by_index = tmp_path / "by_index.parquet"
    assert calc(export, "--sheet-index", "1", "--header-row", "3", "-o", by_index) == 0
    assert total_kg(by_index) == pytest.approx(total_kg(out), rel=1e-12)
    capsys.readouterr()


def test_without_header_row_the_title_is_refused(
        export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert calc(export, "--sheet", "Bookings", "-o", tmp_path / "inv.parquet") == 2
    line = error_line(capsys)
    assert "no mode column" in line and "'Agency export 2019', 'column_2'" in line
    assert not (tmp_path / "inv.parquet").exists()
    # the first visible sheet is the notes sheet: --sheet was passed on, not ignored
    assert calc(export, "--header-row", "3", "-o", tmp_path / "inv.parquet") == 2
    assert "header_row=3, but the source has 2 rows" in error_line(capsys)
    assert calc(export, "--sheet", "Missing", "-o", tmp_path / "inv.parquet") == 2
    assert "has no sheet 'Missing'; sheets: Notes, Bookings" in error_line(capsys)


# ------------------------------------------------------------------ delimited text options
def test_encoding_delimiter_and_decimal_reach_the_reader(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log.csv"
    rows = [";".join(HEADER), *(";".join(str(c) for c in row) for row in TRIPS)]
    # '1.250' in a ';' file: 1250 with the decimal comma the reader assumes there, 1.25 with
    # the decimal point (no other distance has a mark, so the option decides)
    rows.append("T5;Genève;2019-07-05;rail;;;;1.250;km;;;120;USD")
    log.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    api = sc.calculate(sc.read_travel_log(log, encoding="cp1252", delimiter=";", decimal="."))
    assert "Genève" in set(api.data["entity"])  # the é was decoded as cp1252
    out = tmp_path / "inv.parquet"
    assert calc(log, "--encoding", "cp1252", "--delimiter", "semicolon", "--decimal", ".",
                "-o", out) == 0
    inv = sc.Inventory.read_parquet(out)
    assert total_kg(out) == pytest.approx(api.total().m_as("kgCO2e"), rel=1e-12)
    assert inv.data.loc[inv.data["trip_id"] == "T5", "distance_km"].tolist() == [1.25]
    assert "Genève" in set(inv.data["entity"])
    capsys.readouterr()
    # each option is passed on: a wrong one changes the outcome
    assert calc(log, "--encoding", "utf-8", "-o", tmp_path / "a.parquet") == 2
    assert "cannot be decoded as utf-8" in error_line(capsys)
    assert calc(log, "--delimiter", "pipe", "-o", tmp_path / "b.parquet") == 2
    assert "no mode column" in error_line(capsys)
    default = tmp_path / "c.parquet"
    assert calc(log, "--encoding", "cp1252", "-o", default) == 0  # the decimal comma
    capsys.readouterr()
    kept = sc.Inventory.read_parquet(default).data
    assert kept.loc[kept["trip_id"] == "T5", "distance_km"].tolist() == [1250.0]


def test_tab_is_a_delimiter_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log.txt"
    log.write_text("\n".join("\t".join(str(c) for c in r) for r in [HEADER, *TRIPS]) + "\n",
                   encoding="utf-8")
    out = tmp_path / "inv.parquet"
    assert calc(log, "--delimiter", "tab", "-o", out) == 0
    api = sc.calculate(sc.read_travel_log(log, delimiter="\t"))
    assert total_kg(out) == pytest.approx(api.total().m_as("kgCO2e"), rel=1e-12)
    assert calc(log, "--delimiter", "\\t", "-o", tmp_path / "again.parquet") == 0
    capsys.readouterr()


# ------------------------------------------------------------------ duplicates and refunds
def test_duplicates_and_refunds_policies(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log.csv"
    rows = [*TRIPS, TRIPS[0], [*TRIPS[1][:11], -2100, "USD"]]  # a copy of T1, T2 refunded
    log.write_text("\n".join(",".join(str(c) for c in r) for r in [HEADER, *rows]) + "\n",
                   encoding="utf-8")
    for options, kwargs in (((), {}),
                            (("--duplicates", "drop"), {"duplicates": "drop"}),
                            (("--refunds", "keep"), {"refunds": "keep"}),
                            (("--duplicates", "drop", "--refunds", "keep"),
                             {"duplicates": "drop", "refunds": "keep"})):
        api = sc.calculate(sc.read_travel_log(log, **kwargs))
        out = tmp_path / f"inv{len(kwargs)}{'-'.join(options)}.parquet"
        assert calc(log, *options, "-o", out) == 0, options
        inv = sc.Inventory.read_parquet(out)
        assert len(inv.data) == len(api.data), options
        assert len(inv.rejected) == len(api.rejected), options
        assert total_kg(out) == pytest.approx(api.total().m_as("kgCO2e"), rel=1e-12)
    capsys.readouterr()
    # the policies differ on this log, so the comparison above tells them apart
    counts = {str(k): len(sc.calculate(sc.read_travel_log(log, **k)).data)
              for k in ({}, {"duplicates": "drop"}, {"refunds": "keep"})}
    assert len(set(counts.values())) == 3, counts


# ------------------------------------------------------------------ facilities only
def test_a_facilities_only_inventory_from_the_command(tmp_path: Path) -> None:
    bills = tmp_path / "bills.csv"
    bills.write_text(BILLS, encoding="utf-8")
    out = tmp_path / "facilities.parquet"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])}
    proc = subprocess.run([sys.executable, "-m", "sem_carbon.cli", "calc", "--facilities",
                           bills.name, "-o", out.name], capture_output=True, text=True,
                          timeout=300, env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    api = sc.calculate(sc.read_facilities(bills))
    inv = sc.Inventory.read_parquet(out)
    assert len(inv.data) == len(api.data) == 4
    assert set(inv.data["category"]) == set(api.data["category"])
    assert inv.total().m_as("kgCO2e") == pytest.approx(api.total().m_as("kgCO2e"), rel=1e-12)
    assert inv.total().m_as("kgCO2e") > 0
    assert "facilities,bills.csv,4,4,0" in proc.stdout  # the reconciliation, as CSV


def test_facilities_reading_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [line.split(",") for line in BILLS.strip().splitlines()]
    bills = _workbook(tmp_path / "bills.xlsx", {"Summary": [["totals"]],
                                                 "Bills": [["Utility bills Q1 2019"], *rows]})
    with pytest.raises(InputFormatError, match=r"looks like a title.*header_row="):
        sc.read_facilities(bills, sheet="Bills")
    api = sc.calculate(sc.read_facilities(bills, sheet="Bills", header_row=2))
    out = tmp_path / "inv.parquet"
    assert calc("--facilities", bills, "--facilities-sheet", "Bills",
                "--facilities-header-row", "2", "-o", out) == 0
    assert total_kg(out) == pytest.approx(api.total().m_as("kgCO2e"), rel=1e-12)
    assert len(api.data) == 4
    capsys.readouterr()
    assert calc("--facilities", bills, "--facilities-sheet", "Bills", "-o", out.with_stem("x")) \
        == 2
    assert "--header-row" in error_line(capsys)


# ------------------------------------------------------------------ usage errors
@pytest.mark.parametrize(("argv", "message"), [
    ([], "calc needs a travel LOG, --facilities FILE, or both"),
    (["--facilities", "{bills}", "--header-row", "2"],
     "--header-row reads the travel LOG, which was not given"),
    (["--facilities", "{bills}", "--mapping", "agency", "--refunds", "keep"],
     "--mapping, --refunds read the travel LOG, which was not given"),
    (["{log}", "--facilities-sheet", "Bills"],
     "--facilities-sheet reads --facilities FILE, which was not given"),
    (["{log}", "--header-row", "0"], "argument --header-row: the row of the column names"),
    (["{log}", "--header-row", "two"], "got 'two'"),
    (["{log}", "--sheet-index", "-1"], "a sheet position, 0 for the first sheet"),
    (["{log}", "--sheet", "A", "--sheet-index", "1"], "not allowed with argument --sheet"),
    (["{log}", "--encoding", "hex"], "'hex' is not a text encoding"),
    (["{log}", "--encoding", "klingon"], "'klingon' is an encoding Python does not know"),
    (["{log}", "--delimiter", ";;"], "one character (or tab, comma, semicolon, pipe)"),
    (["{log}", "--decimal", "'"], "argument --decimal: invalid choice"),
    (["{log}", "--duplicates", "first"], "argument --duplicates: invalid choice"),
])
def test_usage_errors(argv: list[str], message: str, tmp_path: Path,
                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "log.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    (tmp_path / "bills.csv").write_text(BILLS, encoding="utf-8")
    args = [a.format(log=tmp_path / "log.csv", bills=tmp_path / "bills.csv") for a in argv]
    assert calc(*args, "-o", tmp_path / "inv.parquet") == 2
    assert message in error_line(capsys)
    assert not (tmp_path / "inv.parquet").exists()


# ------------------------------------------------------------------ ledger import
def test_ledger_import_reads_a_workbook_with_a_title(
        export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    import pandas as pd

    ledger = tmp_path / "office.ledger"
    assert main(["ledger", "init", str(ledger), "--format", "csv"]) == 0
    capsys.readouterr()
    assert main(["ledger", "import", str(ledger), str(export), "--sheet", "Bookings",
                 "--format", "csv"]) == 2
    assert "no mode column" in error_line(capsys)
    assert main(["ledger", "import", str(ledger), str(export), "--sheet", "Bookings",
                 "--header-row", "3", "--duplicates", "drop", "--format", "csv"]) == 0
    result = pd.read_csv(io.StringIO(capsys.readouterr().out))
    api = sc.calculate(sc.read_travel_log(export, sheet="Bookings", header_row=3))
    assert result[["rows_read", "rows_computed", "rows_rejected"]].values.tolist() == [[4, 4, 0]]
    assert result["tco2e"].iloc[0] == pytest.approx(api.total().m_as("tCO2e"), rel=1e-6)
