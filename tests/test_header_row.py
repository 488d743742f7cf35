"""``header_row``: Excel and CSV exports with title lines above the column names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.errors import InputFormatError, InvalidArgumentError
from sem_carbon.io.header import apply_header_row, title_row_hint
from sem_carbon.io.sources import load_source

ROWS = [["trip_id", "entity", "mode", "origin", "destination", "cabin", "date"],
        ["T1", "HQ", "air", "GVA", "JFK", "economy", "2021-03-01"],
        ["T2", "HQ", "air", "GVA", "LHR", "banana", "2021-03-02"],
        ["T3", "DIV-A", "air", "NBO", "GVA", "business", "2021-04-01"]]
TITLE = [["Travel report of the office"], ["Exported 2022-01-05, all entities"], []]


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_excel_title_lines_above_the_header(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "log.xlsx", TITLE + ROWS)
    table = sc.read_travel_log(path, header_row=4)
    plain = sc.read_travel_log(_xlsx(tmp_path / "plain.xlsx", ROWS))
    assert len(table.data) == len(plain.data) > 0
    # the same rows, numbered as the sheet numbers them: the data start on row 5
    assert sorted(table.data["source_row"].unique()) == [5, 7]
    assert sorted(plain.data["source_row"].unique()) == [2, 4]
    assert table.rejected["source_row"].tolist() == [6]  # the "banana" cabin, row 6
    assert "cabin" in set(table.rejected["column"])
    # without header_row the title line is taken for the header: nothing is computed
    with pytest.raises(InputFormatError):
        sc.read_travel_log(path)


def test_csv_title_lines_and_facilities(tmp_path: Path) -> None:
    csv = tmp_path / "log.csv"
    csv.write_text("Travel report,,,,,,\n" + "\n".join(",".join(r) for r in ROWS) + "\n",
                   encoding="utf-8")
    table = sc.read_travel_log(csv, header_row=2)
    assert sorted(table.data["source_row"].unique()) == [3, 5]
    bills = tmp_path / "bills.xlsx"
    _xlsx(bills, [["Electricity bills 2021"], ["site", "entity", "kind", "amount", "unit",
                                                "period_start", "period_end", "country"],
                  ["Geneva", "HQ", "electricity", 1200, "kWh", "2021-01-01", "2021-01-31",
                   "CH"]])
    facilities = sc.read_facilities(bills, header_row=2)
    assert facilities.data["source_row"].tolist() == [3]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_header_row_must_be_a_row_number(tmp_path: Path, bad: object) -> None:
    path = _xlsx(tmp_path / "log.xlsx", ROWS)
    with pytest.raises(InvalidArgumentError, match="header_row"):
        sc.read_travel_log(path, header_row=bad)
    with pytest.raises(InputFormatError, match="header_row=40"):
        sc.read_travel_log(path, header_row=40)
    pd.testing.assert_frame_equal(sc.read_travel_log(path, header_row=1).data,
                                  sc.read_travel_log(path).data)


def test_a_note_about_an_excel_cell_names_the_header_rows_column(tmp_path: Path) -> None:
    # a formula saved without its value in a column that is not read gives the row a
    # note naming the column: by the header row's name, not the title line's filler name
    rows = [[*r, "Comment"] for r in ROWS[:1]] + [[*r, ""] for r in ROWS[1:2]]
    path = _xlsx(tmp_path / "log.xlsx", TITLE + rows)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["H5"] = "=1+1"  # saved by openpyxl: no cached value
    wb.save(path)
    with pytest.warns(sc.InputWarning):
        table = sc.read_travel_log(path, header_row=4)
    assert table.data["notes"].tolist() == [
        "column 'Comment': formula without a cached value (read as blank)"]


@pytest.mark.parametrize(("names", "hinted"), [
    (["Agency export 2019", "column_2", "column_3"], True),  # one title cell
    (["Agency export", "2019", "column_3", "column_4", "column_5"], True),  # mostly blank
    (["column_1", "column_2"], True),  # a blank first row
    (["trip", "mode", "column_3"], False),  # real names, one blank header cell
    (["Travel export"], False),  # one column, no blank: rather a wrong delimiter
    (["trip", "mode", "date", "origin"], False),
])
def test_title_row_hint(names: list[str], hinted: bool) -> None:
    raw = load_source(pd.DataFrame([["x"] * len(names)], columns=names))
    hint = title_row_hint(raw)
    assert bool(hint) is hinted, hint
    if hinted:
        assert "header_row=" in hint and "--header-row" in hint


def test_no_hint_once_header_row_is_given() -> None:
    frame = pd.DataFrame([["", ""], ["Title", None], ["trip", "mode"]],
                         columns=["Export", "column_2"])
    raw = load_source(frame)
    assert title_row_hint(raw)  # read from its first row: the title is hinted at
    assert title_row_hint(apply_header_row(raw, 3)) == ""  # row 3 was chosen: no hint


def test_facilities_error_hints_at_header_row(tmp_path: Path) -> None:
    bills = _xlsx(tmp_path / "bills.xlsx", [["Electricity bills 2021", None, None], [],
                                            ["site", "kind", "amount"]])
    with pytest.raises(InputFormatError, match=r"no kind column.*'Electricity bills 2021', "
                                               r"'column_2'.*looks like a title.*header_row="):
        sc.read_facilities(bills)
    plain = _xlsx(tmp_path / "plain.xlsx", [["site", "utility", "amount"], ["HQ", "gas", 1]])
    with pytest.raises(InputFormatError, match="no kind column") as caught:
        sc.read_facilities(plain)
    assert "header_row" not in str(caught.value)  # real column names: no hint


def test_travel_log_error_hints_at_header_row(tmp_path: Path) -> None:
    """A merged title line above an agency export: 'no mode column' now names header_row."""
    log = _xlsx(tmp_path / "merged.xlsx", [["Agency export 2019", None, None, None], [],
                                           ["Date", "Mode", "Origin", "Destination"],
                                           ["2019-03-04", "air", "GVA", "JFK"]])
    with pytest.raises(InputFormatError, match=r"no mode column.*'Agency export 2019', "
                                               r"'column_2'.*looks like a title.*header_row="):
        sc.read_travel_log(log)
    assert len(sc.read_travel_log(log, header_row=3).data) == 1
    plain = _xlsx(tmp_path / "plain.xlsx", [["Date", "Kind", "From"], ["2019-03-04", "air",
                                                                       "GVA"]])
    with pytest.raises(InputFormatError, match="no mode column") as caught:
        sc.read_travel_log(plain)
    assert "header_row" not in str(caught.value)  # real column names: no hint
