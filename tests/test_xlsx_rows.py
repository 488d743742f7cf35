"""Rows written as SpreadsheetML in bulk (report/xlsx_rows.py) read back as openpyxl writes
them: text made formula-safe per distinct value, numbers exact (the sign of a zero too),
gaps, styles, blocks of rows joined separately, and the part's size known beforehand."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from sem_carbon.io.writers import FORMULA_PREFIXES, neutralise_cell
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


@pytest.mark.parametrize(("chunk", "budget"), [(3, 1 << 25), (10_000, 1 << 25), (10_000, 1)])
def test_bulk_rows_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             chunk: int, budget: int) -> None:
    """Blocks of 3 rows, all rows at once, or one row at a time (a byte budget smaller
    than one row) give the same cells."""
    monkeypatch.setattr(xlsx_rows, "_CHUNK_ROWS", chunk)
    monkeypatch.setattr(xlsx_rows, "_CHUNK_BYTES", budget)
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


def test_text_goes_to_one_shared_string_table(tmp_path: Path) -> None:
    """Text of every grown sheet names entries of xl/sharedStrings.xml: each distinct
    (formula-safe, XML-legal) text once across columns and sheets, in the order first
    seen, with the count of cells naming them; the part is in the package's content
    types and the workbook's relationships, so openpyxl and Excel find it."""
    from openpyxl import Workbook

    one = pd.DataFrame({"a": ["x", "=y", " z ", "x", None, ""], "b": ["x", "w", "x", "\x07",
                                                                    "ok", "x"]})
    two = pd.DataFrame({"c": pd.Series(["w", "=y", "new", None], dtype="string[pyarrow]")})
    wb = Workbook(write_only=True)
    for name, frame in (("one", one), ("two", two)):
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        ws.append(["first"] * frame.shape[1])
    path = tmp_path / "shared.xlsx"
    wb.save(path)
    xlsx_rows.append_rows(path, {"one": one, "two": two}, first_row=3)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        table = archive.read("xl/sharedStrings.xml").decode("utf-8")
        assert "/xl/sharedStrings.xml" in archive.read("[Content_Types].xml").decode()
        assert "relationships/sharedStrings" in archive.read(
            "xl/_rels/workbook.xml.rels").decode()
    entries = re.findall(r"<si>(<t[^>]*>[^<]*</t>)</si>", table)
    assert entries == ["<t>x</t>", "<t>'=y</t>", '<t xml:space="preserve"> z </t>', "<t>w</t>",
                       "<t></t>", "<t>ok</t>", "<t>new</t>"]
    assert 'count="13" uniqueCount="7"' in table  # 4 + 6 cells in 'one', 3 in 'two'
    book = openpyxl.load_workbook(path)
    assert list(book["one"].iter_rows(min_row=3, values_only=True)) == [
        ("x", "x"), ("'=y", "w"), (" z ", "x"), ("x", ""), (None, "ok"), (None, "x")]
    # a text of XML-illegal characters only stays a cell of empty text (as it was inline)
    assert [r[0] for r in book["two"].iter_rows(min_row=3, values_only=True)] == [
        "w", "'=y", "new"]  # the last row has no cell at all


def test_shared_string_indices_stay_as_handed_out() -> None:
    strings = xlsx_rows.SharedStrings(start=5)  # five entries the workbook had already
    first = strings.add(pa.array(["b", "a"]))
    assert strings.indices(first).tolist() == [5, 6]
    second = strings.add(pa.array(["c", "a", "b"]))
    assert strings.indices(second).tolist() == [7, 6, 5]
    assert strings.indices(first).tolist() == [5, 6] and len(strings) == 3
    assert strings.items_xml() == b"<si><t>b</t></si><si><t>a</t></si><si><t>c</t></si>"


def test_formula_pattern_matches_what_neutralise_changes() -> None:
    """The vectorised test of which texts may need neutralise_cell finds every text it
    changes (a false alarm only costs a call)."""
    import pyarrow.compute as pc

    samples = [p + "x" for p in FORMULA_PREFIXES] + [
        "a\nb", "a\r", "x=1", "ok", "-3", "+1.5", "'quoted", "", " =x", "@"]
    found = pc.match_substring_regex(pa.array(samples), xlsx_rows._MAY_NEUTRALISE)
    for text, flagged in zip(samples, found.to_pylist(), strict=True):
        if neutralise_cell(text) != text:
            assert flagged, text
    assert found.to_pylist()[len(FORMULA_PREFIXES):] == [
        True, True, False, False, True, True, False, False, False, True]


@pytest.mark.parametrize("isal", [True, False])
def test_grown_part_inflates_to_the_same_xml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             isal: bool) -> None:
    """ISA-L's deflate (when installed) and zlib's give parts that inflate to the same
    XML, with the CRC the zip records."""
    if isal:
        pytest.importorskip("isal")
    else:
        monkeypatch.setattr(xlsx_rows, "_fast_deflate", lambda: None)
    path = tmp_path / "rows.xlsx"
    _workbook_with_rows(path, pd.concat([FRAME] * 300, ignore_index=True))
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        xml = archive.read(xlsx_rows._sheet_part(archive, "data"))
    monkeypatch.undo()
    other = tmp_path / "other.xlsx"
    if isal:
        monkeypatch.setattr(xlsx_rows, "_fast_deflate", lambda: None)
    _workbook_with_rows(other, pd.concat([FRAME] * 300, ignore_index=True))
    with zipfile.ZipFile(other) as archive:
        assert archive.read(xlsx_rows._sheet_part(archive, "data")) == xml
    assert xml.count(b"<row ") == 3001


def test_a_table_the_workbook_has_keeps_its_entries(tmp_path: Path) -> None:
    """Rows added to a workbook that has a shared-string table already (here: from rows
    added before) name entries after the ones it had, which keep their indices."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name in ("one", "two"):
        ws = wb.create_sheet(name)
        ws.append(["h"])
        ws.append(["first"])
    path = tmp_path / "twice.xlsx"
    wb.save(path)
    xlsx_rows.append_rows(path, {"one": pd.DataFrame({"h": ["a", "b"]})}, first_row=3)
    xlsx_rows.append_rows(path, {"two": pd.DataFrame({"h": ["b", "c", "b"]})}, first_row=3)
    with zipfile.ZipFile(path) as archive:
        table = archive.read("xl/sharedStrings.xml").decode("utf-8")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    assert re.findall(r"<t>(\w)</t>", table) == ["a", "b", "b", "c"]  # kept, then added
    assert 'count="5" uniqueCount="4"' in table and rels.count("sharedStrings") == 2
    book = openpyxl.load_workbook(path)
    assert [r[0] for r in book["one"].iter_rows(values_only=True)] == ["h", "first", "a", "b"]
    assert [r[0] for r in book["two"].iter_rows(values_only=True)] == ["h", "first", "b", "c",
                                                                       "b"]
