"""Excel workbooks as people keep them: a sheet per month (the sheets not read are named in
a warning, ``sheet="all"`` reads them all, each row traceable to its sheet), and the 1904
date system (a date written as a plain number is a serial of the workbook's system; a CSV
carries none, so such a number is noted).

Every workbook is a real ``.xlsx`` file written with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

import sem_carbon as sc
from sem_carbon.cli import main
from sem_carbon.errors import InputFormatError
from sem_carbon.io import InputWarning
from sem_carbon.io.sources import load_source

HEADER = ["Date", "Mode", "Origin", "Destination"]
MONTHS = ("Jan", "Feb", "Mar")


def _months(path: Path, headers: dict[str, list[str]] | None = None,
            extra: bool = True) -> Path:
    """Sheets Jan, Feb, Mar (10 flights each, dated in their month); with ``extra`` also a
    sheet of notes (other columns) and a hidden sheet with the same columns."""
    book = openpyxl.Workbook()
    for k, month in enumerate(MONTHS):
        sheet = book.active if k == 0 else book.create_sheet(month)
        sheet.title = month
        sheet.append((headers or {}).get(month, HEADER))
        for day in range(1, 11):
            sheet.append([dt.date(2023, k + 1, day), "air", "GVA", "JFK"])
    if extra:
        notes = book.create_sheet("Notes")
        notes.append(["Topic", "Text"])
        notes.append(["source", "agency export"])
        hidden = book.create_sheet("Old")
        hidden.append(HEADER)
        hidden.append([dt.date(2022, 5, 1), "air", "GVA", "JFK"])
        hidden.sheet_state = "hidden"
    book.save(path)
    return path


def _input_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, InputWarning)]


def test_the_other_monthly_sheets_are_named_in_a_warning(tmp_path: Path) -> None:
    path = _months(tmp_path / "monthly.xlsx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = sc.read_travel_log(path)
    found = _input_warnings(caught)
    assert len(found) == 1, found
    text = found[0]
    assert "'Feb' (10 rows), 'Mar' (10 rows)" in text
    assert "sheet='all'" in text and "--sheet all" in text and "only the sheet 'Jan'" in text
    assert "Notes" not in text and "Old" not in text  # other columns; hidden
    # what is read is as before: the first visible sheet, rows numbered as it shows them
    assert log.reconciliation() == {"rows_read": 10, "rows_computable": 10, "rows_rejected": 0}
    assert log.source == str(path) and "sheet" not in log.data.columns
    assert list(log.data["source_row"]) == list(range(2, 12))


def test_a_one_sheet_workbook_reads_as_before_without_a_warning(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append([dt.date(2023, 1, 5), "air", "GVA", "JFK"])
    book.save(tmp_path / "one.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        log = sc.read_travel_log(tmp_path / "one.xlsx")
    assert log.source == str(tmp_path / "one.xlsx") and log.sheets == ()
    assert list(log.data.columns[:2]) == ["source_row", "trip_id"]


def test_a_header_that_maps_to_the_same_columns_is_the_same_table(tmp_path: Path) -> None:
    # Feb's names are written otherwise and in another order: the same canonical columns
    other = ["mode", "DATE", "origin", "Destination", "Comment"]
    book = openpyxl.Workbook()
    book.active.title = "Jan"
    book.active.append(HEADER)
    book.active.append([dt.date(2023, 1, 5), "air", "GVA", "JFK"])
    feb = book.create_sheet("Feb")
    feb.append(other)
    feb.append(["air", dt.date(2023, 2, 6), "GVA", "NBO", "kept as an extra column"])
    book.save(tmp_path / "aliases.xlsx")
    plan = sc.io.columns.plan_columns("travel", other, None, None)
    assert set(plan.columns) == {"date", "mode", "origin", "destination"}
    with pytest.warns(InputWarning, match=r"'Feb' \(1 row\)"):
        sc.read_travel_log(tmp_path / "aliases.xlsx")
    log = sc.read_travel_log(tmp_path / "aliases.xlsx", sheet="all")
    assert list(log.data["sheet"]) == ["Jan", "Feb"]
    assert list(log.data["destination"]) == ["JFK", "NBO"]


def test_sheet_all_stacks_the_sheets_each_row_traceable(tmp_path: Path) -> None:
    path = _months(tmp_path / "monthly.xlsx")
    book = openpyxl.load_workbook(path)
    book["Feb"]["B3"] = "zeppelin"  # Feb row 3: an unknown mode
    book.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)  # nothing left unread: no warning
        log = sc.read_travel_log(path, sheet="all")
    assert log.source == f"{path} [sheets 'Jan', 'Feb', 'Mar']"
    assert [p.sheet for p in log.sheets] == list(MONTHS)
    assert [p.source for p in log.sheets] == [f"{path} [sheet '{m}']" for m in MONTHS]
    assert log.rows_read == 30
    assert log.reconciliation() == {"rows_read": 30, "rows_computable": 29, "rows_rejected": 1}
    assert list(log.data.columns[:2]) == ["source_row", "sheet"]
    assert not log.data.duplicated(["sheet", "source_row"]).any()
    feb = log.data[log.data["sheet"] == "Feb"]
    assert list(feb["source_row"]) == [2, *range(4, 12)]  # the sheet's own row numbers
    assert (feb["date"].dt.month == 2).all()
    rejected = log.rejected
    assert rejected[["sheet", "source_row", "value"]].values.tolist() == [["Feb", 3, "zeppelin"]]

    inv = sc.calculate(log)
    assert inv.sources["source"].tolist() == [p.source for p in log.sheets]
    assert inv.sources["rows_read"].tolist() == [10, 10, 10]
    assert inv.rejected[["source", "source_row"]].values.tolist() == [
        [f"{path} [sheet 'Feb']", 3]]
    assert len(inv.data) == 29
    # the same figures as the sheets read one by one
    single = sc.calculate([sc.read_travel_log(path, sheet=m) for m in MONTHS])
    assert inv.total().m_as("tCO2e") == pytest.approx(single.total().m_as("tCO2e"), rel=1e-12)
    assert inv.total().m_as("tCO2e") > 0


def test_sheet_list_reads_those_sheets_in_order(tmp_path: Path) -> None:
    path = _months(tmp_path / "monthly.xlsx")
    log = sc.read_travel_log(path, sheet=["Mar", "Old"])  # a hidden sheet named is read
    assert list(dict.fromkeys(log.data["sheet"])) == ["Mar", "Old"]
    assert log.reconciliation()["rows_read"] == 11
    with pytest.raises(InputFormatError, match="no sheet 'Apr'"):
        sc.read_travel_log(path, sheet=["Jan", "Apr"])
    with pytest.raises(InputFormatError, match="named twice"):
        sc.read_travel_log(path, sheet=["Jan", "jan"])
    csv = tmp_path / "log.csv"
    csv.write_text("Date,Mode,Origin,Destination\n2023-01-05,air,GVA,JFK\n")
    with pytest.raises(InputFormatError, match="Excel workbooks"):
        sc.read_travel_log(csv, sheet="all")
    with pytest.raises(InputFormatError, match="several sheets"):  # the ledger's reader
        load_source(path, sheet="all")


def test_sheet_all_counts_the_sheets_together_against_max_rows(tmp_path: Path) -> None:
    path = _months(tmp_path / "monthly.xlsx", extra=False)
    assert sc.read_travel_log(path, sheet="Jan", max_rows=25).rows_read == 10
    with pytest.raises(InputFormatError, match="max_rows"):
        sc.read_travel_log(path, sheet="all", max_rows=25)


def test_facilities_sheets_per_quarter(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for k, quarter in enumerate(("Q1", "Q2")):
        sheet = book.active if k == 0 else book.create_sheet(quarter)
        sheet.title = quarter
        sheet.append(["kind", "amount", "unit", "country", "period_start", "period_end"])
        sheet.append(["electricity", 1000 * (k + 1), "kWh", "GB", dt.date(2023, 3 * k + 1, 1),
                      dt.date(2023, 3 * k + 3, 28)])
    book.save(tmp_path / "bills.xlsx")
    with pytest.warns(InputWarning, match=r"'Q2' \(1 row\)"):
        assert sc.read_facilities(tmp_path / "bills.xlsx").rows_read == 1
    both = sc.read_facilities(tmp_path / "bills.xlsx", sheet="all")
    assert both.data[["sheet", "source_row", "amount"]].values.tolist() == [
        ["Q1", 2, 1000.0], ["Q2", 2, 2000.0]]


@pytest.mark.filterwarnings("always::sem_carbon.errors.InputWarning")  # as on a terminal
def test_cli_warns_and_reads_every_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    path = _months(tmp_path / "monthly.xlsx")
    assert main(["calc", str(path), "-o", str(tmp_path / "one.parquet")]) == 0
    assert "'Feb' (10 rows), 'Mar' (10 rows)" in capsys.readouterr().err
    assert main(["calc", str(path), "--sheet", "all", "-o", str(tmp_path / "all.parquet")]) == 0
    assert "not read" not in capsys.readouterr().err
    sources = pd.read_csv(tmp_path / "all.sources.csv")
    assert sources["source"].tolist() == [f"{path} [sheet '{m}']" for m in MONTHS]
    assert sources["rows_read"].sum() == 30
    assert main(["calc", str(path), "--sheet", "Mar", "--sheet", "Feb", "-o",
                 str(tmp_path / "two.parquet")]) == 0
    assert pd.read_csv(tmp_path / "two.sources.csv")["source"].tolist() == [
        f"{path} [sheet 'Mar']", f"{path} [sheet 'Feb']"]


# --- dates: the workbook's date system -------------------------------------------------


def _hotel_book(path: Path, epoch: dt.datetime | None, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    if epoch is not None:
        book.epoch = epoch
    book.active.append(["Date", "Mode", "Nights", "Country"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_plain_number_in_a_1904_workbook_is_a_1904_serial(tmp_path: Path) -> None:
    # 43538 days after 1904-01-01 is 2023-03-15 (45000 - 1462: the 1900 serial of that day)
    path = _hotel_book(tmp_path / "mac.xlsx", CALENDAR_MAC_1904,
                       [[43538, "hotel", 1, "FR"], ["43538", "hotel", 2, "FR"],
                        [dt.datetime(2023, 3, 15), "hotel", 3, "FR"]])
    assert 'date1904="1"' in __import__("zipfile").ZipFile(path).read(
        "xl/workbook.xml").decode()
    assert load_source(path).date_system == "1904"
    log = sc.read_travel_log(path)
    assert log.data["date"].tolist() == [pd.Timestamp("2023-03-15")] * 3
    assert log.data["year"].tolist() == [2023] * 3
    assert (log.data["notes"] == "").all()  # the workbook states its date system
    # the same number in a workbook of the 1900 system is the 1900 serial's day
    path = _hotel_book(tmp_path / "pc.xlsx", None, [[43538, "hotel", 1, "FR"],
                                                   [45000, "hotel", 1, "FR"]])
    assert load_source(path).date_system == "1900"
    log = sc.read_travel_log(path)
    assert log.data["date"].tolist() == [pd.Timestamp("2019-03-14"), pd.Timestamp("2023-03-15")]
    assert (log.data["notes"] == "").all()


def test_the_1904_range_of_serials_is_1950_to_2100(tmp_path: Path) -> None:
    # 16802: 1950-01-01 in 1904 days; 16801 is 1949-12-31 and rejected
    path = _hotel_book(tmp_path / "mac.xlsx", CALENDAR_MAC_1904,
                       [[16802, "hotel", 1, "FR"], [16801, "hotel", 1, "FR"]])
    log = sc.read_travel_log(path)
    assert log.data["date"].tolist() == [pd.Timestamp("1950-01-01")]
    assert log.rejected["source_row"].tolist() == [3]


def test_a_number_in_a_csv_date_column_is_noted_as_a_1900_serial(tmp_path: Path) -> None:
    csv = tmp_path / "serial.csv"
    csv.write_text("Date,Mode,Nights,Country\n2023-03-14,hotel,1,FR\n45000,hotel,1,FR\n"
                   "45001.5,hotel,1,FR\n2023,hotel,1,FR\n")
    log = sc.read_travel_log(csv)
    notes = log.data.set_index("source_row")["notes"]
    assert notes[2] == "" and notes[5] == ""  # an ISO date, a bare year: nothing to note
    assert notes[3] == notes[4]  # one text for the column
    assert notes[3] == ("date read as an Excel serial date of the 1900 date system where a "
                        "number stands for a date (e.g. '45000': 15 March 2023; 16 March 2027 "
                        "in a workbook of the 1904 date system): the source carries no date "
                        "system")
    assert log.data.set_index("source_row")["date"][4] == pd.Timestamp("2023-03-16")
    # calculate notes it on a DataFrame too (it carries no date system either)
    frame = pd.DataFrame({"date": [45000, "2023-03-14"], "mode": ["hotel", "hotel"],
                          "nights": [1, 1], "country": ["FR", "FR"]})
    inv = sc.calculate(frame)
    first = inv.data.set_index("source_row")["notes"]
    assert "Excel serial date of the 1900 date system" in first[2]
    assert "Excel serial date" not in first[3]
