"""Rows written as SpreadsheetML in bulk (report/xlsx_rows.py) read back as openpyxl writes
them: text made formula-safe per distinct value, numbers exact (the sign of a zero too),
gaps, styles, blocks of rows joined separately, and the part's size known beforehand."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sem_carbon.io.writers import neutralise_cell
from sem_carbon.report import xlsx_rows

openpyxl = pytest.importorskip("openpyxl")

FRAME = pd.DataFrame({
    "text": pd.Series(["=1+1", "plain", " spaced ", "Zürich ✈ 東京", "", None, "a\n=b",
                       "<&>", "=1+1", "-3"], dtype=object),
    "arrow": pd.Series(["@SUM(A1)", "x", None, "x", "y", "y", "+x", "x", "y", "x"],
                       dtype="string[pyarrow]"),
    "category": pd.Categorical(["-a", "b", "b", None, "-a", "b", "b", "b", "b", "b"]),
    "number": [2.5, -0.0, 0.0, np.nan, np.inf, 1e16, 1200.0, 5e-324, -0.0, 0.1 + 0.2],
    "whole": pd.array([1, None, 3, 2**40, 5, 6, 7, 8, 9, 10], dtype="Int64"),
    "flag": pd.Series([True, None, False, True, True, False, None, True, True, False],
                      dtype=object),
    "date": pd.to_datetime(["2019-04-01", None, "2021-04-01", "2021-06-01", "2021-07-01",
                            "2021-07-02", "2020-02-29", "2019-04-01", "2019-04-01",
                            "2024-12-31"]),
})


def _workbook_with_rows(path: Path, frame: pd.DataFrame) -> None:
    """A workbook whose first two rows openpyxl writes (header, row 2), the rest in bulk
    (openpyxl writes "%.16g": row 2 holds no number that needs 17 digits)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(list(frame.columns))
    first = []
    for name in frame.columns:
        value = frame[name].iloc[0]
        cell = WriteOnlyCell(ws, value=None if pd.isna(value) else (
            value.to_pydatetime() if isinstance(value, pd.Timestamp) else
            neutralise_cell(value) if isinstance(value, str) else value))
        if name == "date":
            cell.number_format = "yyyy-mm-dd"
        elif name == "number":
            cell.number_format = "#,##0.000"
        first.append(cell)
    ws.append(first)
    wb.save(path)
    xlsx_rows.append_rows(path, {"data": frame.iloc[1:]}, first_row=3)


@pytest.mark.parametrize("chunk", [3, 10_000])  # blocks of rows joined apart, or at once
def test_bulk_rows_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             chunk: int) -> None:
    monkeypatch.setattr(xlsx_rows, "_CHUNK_ROWS", chunk)
    path = tmp_path / "rows.xlsx"
    _workbook_with_rows(path, FRAME)
    ws = openpyxl.load_workbook(path)["data"]
    got = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(got) == len(FRAME) and ws.max_row == len(FRAME) + 1
    text = [r[0] for r in got]
    assert text == ["'=1+1", "plain", " spaced ", "Zürich ✈ 東京", None, None, "a\n'=b",
                    "<&>", "'=1+1", "-3"]  # the same text gets the same safe form
    assert [r[1] for r in got] == ["'@SUM(A1)", "x", None, "x", "y", "y", "'+x", "x", "y",
                                   "x"]
    assert [r[2] for r in got] == ["'-a", "b", "b", None, "'-a", "b", "b", "b", "b", "b"]
    numbers = [r[3] for r in got]
    assert numbers[9] == 0.1 + 0.2  # 17 significant digits where they are needed
    assert math.copysign(1, numbers[1]) == -1 and math.copysign(1, numbers[8]) == -1
    assert math.copysign(1, numbers[2]) == 1  # -0.0 and 0.0 are two distinct values
    assert numbers[3] is None and numbers[4] is None  # NaN and inf: gaps ...
    assert ws.cell(row=5, column=4).number_format == "#,##0.000"  # ... that keep the format
    assert numbers[5:8] == [1e16, 1200.0, 5e-324] and isinstance(numbers[6], float)
    assert [r[4] for r in got] == [1, None, 3, 2**40, 5, 6, 7, 8, 9, 10]
    assert all(isinstance(r[4], int) for r in got if r[4] is not None)
    assert [r[5] for r in got] == [True, None, False, True, True, False, None, True, True,
                                   False]
    dates = [r[6] for r in got]
    assert dates[1] is None and dates[6] == pd.Timestamp("2020-02-29").to_pydatetime()
    assert all(ws.cell(row=i, column=7).number_format == "yyyy-mm-dd" for i in range(2, 12)
               if ws.cell(row=i, column=7).value is not None)


@pytest.mark.parametrize("first_row", [3, 8, 99_995])  # row numbers of 1, 1-2 and 5-6 digits
@pytest.mark.parametrize("shared", [False, True])  # inline text, or shared-string indices
def test_size_known_before_the_rows_are_written(first_row: int, shared: bool) -> None:
    """The part's size is given to zipfile before it is written (it decides ZIP64 on it):
    exactly the bytes written, however many digits the row numbers have."""
    frame = FRAME.iloc[1:]
    strings = xlsx_rows.SharedStrings() if shared else None
    columns = xlsx_rows._columns(frame, {3: "1", 6: "2"}, strings)
    written = sum(len(c) for c in xlsx_rows._row_chunks(columns, first_row, len(frame)))
    assert xlsx_rows._size(columns, first_row, len(frame)) == written


def test_grown_part_is_deflated_and_sized(tmp_path: Path) -> None:
    path = tmp_path / "rows.xlsx"
    _workbook_with_rows(path, FRAME)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        part = xlsx_rows._sheet_part(archive, "data")
        info = archive.getinfo(part)
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.file_size == len(archive.read(part))
        xml = archive.read(part).decode("utf-8")
    assert '<dimension ref="A1:G11" />' in xml and xml.count("<row ") == len(FRAME) + 1
