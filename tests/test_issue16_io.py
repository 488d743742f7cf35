"""Issue 16 ("No silent wrong numbers"), the readers' part: one regression test per item.

Items: 8 (implausible and non-finite values), 9 (formula cells without a cached value,
hidden sheets), 11 (bounds on local files), 12 (URL deadline, charsets, short bodies),
16 (month-only dates), 17 (exact duplicates kept with a note). Every file is crafted small
in ``tmp_path``; URLs are served by a real ``http.server`` on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import re
import threading
import time
import warnings
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import sem_carbon as sc
from sem_carbon.io import InputWarning
from sem_carbon.limits import MAX_LEG_KM, MAX_NIGHTS, MAX_PASSENGERS, limit_reason


def _rejected(table: sc.ActivityTable) -> list[list[object]]:
    return table.rejected[["source_row", "column", "value", "reason"]].values.tolist()


# --------------------------------------------------------------------------------------------
# item 8: implausible and non-finite values


def test_item08_implausible_travel_values_are_rejected_with_the_limit_reason():
    frame = pd.DataFrame({
        "mode": ["rail", "rail", "air", "hotel", "rail"],
        "date": ["2019-01-01"] * 5,
        "origin": ["", "", "GVA", "", ""],
        "destination": ["", "", "JFK", "", ""],
        "distance": ["1e308", "25000", "", "", "20000"],
        "distance_unit": ["km", "km", "", "", "km"],
        "passengers": ["1", "1", "1e9", "1", "1000"],
        "nights": ["", "", "", "400", ""],
        "country": ["", "", "", "CH", ""],
    })
    table = sc.read_travel_log(frame)
    assert _rejected(table) == [
        [2, "distance", "1e308", limit_reason("distance", MAX_LEG_KM, "km")],
        [3, "distance", "25000", limit_reason("distance", MAX_LEG_KM, "km")],
        [4, "passengers", "1e9", limit_reason("passengers", MAX_PASSENGERS)],
        [5, "nights", "400", limit_reason("nights", MAX_NIGHTS)],
    ]
    assert table.data["source_row"].tolist() == [6]  # 20,000 km and 1,000 passengers: fine


def test_item08_a_distance_that_overflows_when_converted_is_rejected(tmp_path):
    """1e308 miles is finite as written but infinite in km: rejected, never computed."""
    path = tmp_path / "log.csv"
    path.write_text("mode,date,distance,distance_unit\nrail,2019-01-01,1e308,mi\n"
                    "rail,2019-01-01,10,mi\n")
    table = sc.read_travel_log(path)
    assert _rejected(table) == [[2, "distance", "1e308",
                                 limit_reason("distance", MAX_LEG_KM, "km")]]
    assert np.isfinite(table.data["distance_km"]).all()


def test_item08_facilities_non_finite_and_overflowing_amounts_are_rejected(tmp_path):
    """Non-finite amounts were already rejected (checked here); an amount finite as written
    but infinite in the unit's base (1e308 GWh) was not."""
    path = tmp_path / "bills.csv"
    path.write_text("kind,amount,unit,date,country\n"
                    "electricity,inf,kWh,2020-01-01,CH\n"
                    "electricity,1e400,kWh,2020-01-01,CH\n"
                    "electricity,1e308,GWh,2020-01-01,CH\n"
                    "electricity,5,GWh,2020-01-01,CH\n")
    table = sc.read_facilities(path)
    rows = _rejected(table)
    assert [r[:3] for r in rows] == [[2, "amount", "inf"], [3, "amount", "1e400"],
                                     [4, "amount", "1e308"]]
    assert rows[2][3].startswith("amount too large")
    assert table.data["amount"].tolist() == [5.0]
    frame = pd.DataFrame({"kind": ["water"], "amount": [np.inf], "unit": ["m3"],
                          "date": ["2020-01-01"]})
    assert _rejected(sc.read_facilities(frame)) == [[2, "amount", "inf",
                                                     "amount is not a number"]]


# --------------------------------------------------------------------------------------------
# item 9: formula cells without a cached value, error cells, hidden sheets


def _patch_sheet(path: Path, member: str, old: str, new: str) -> None:
    """Replace text in one part of an xlsx (to craft what openpyxl does not write)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    text = parts[member].decode()
    assert old in text
    parts[member] = text.replace(old, new).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def _rail_book(path: Path, distance: object = 10, extra: object = "x") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["mode", "date", "distance", "distance_unit", "memo"])
    sheet.append(["rail", "2019-01-01", distance, "km", extra])
    sheet.append(["rail", "2019-01-02", 20, "km", "y"])
    book.save(path)
    return path


def test_item09_formula_cells_without_cached_value(tmp_path):
    """openpyxl saves formulas without their result: such a cell is not blank but unknown."""
    path = _rail_book(tmp_path / "formula.xlsx", distance="=5*2")
    with pytest.warns(InputWarning, match=r"1 formula cell\(s\) without a cached value.*C2"):
        table = sc.read_travel_log(path)
    assert _rejected(table) == [[2, "distance", "=5*2",
                                 "formula without a cached value (the workbook was saved "
                                 "without calculating it: open and save it in Excel, or paste "
                                 "the values)"]]
    assert table.data["source_row"].tolist() == [3]
    # in a column the reader does not use: the row is kept, with a note
    other = _rail_book(tmp_path / "memo.xlsx", extra="=A1&B1")
    with pytest.warns(InputWarning, match="formula"):
        kept = sc.read_travel_log(other)
    assert kept.data["source_row"].tolist() == [2, 3]
    assert kept.data["notes"].tolist() == [
        "column 'memo': formula without a cached value (read as blank)", ""]


def test_item09_fast_scan_agrees_with_the_xml_parser():
    """The sheet scan by regular expressions (the usual path) finds the same cells as the
    XML parser (the path for sheets without cell references), over many kinds of cells,
    in chunks small enough to cut the XML many times."""
    from sem_carbon.io import excel
    from sem_carbon.io.bounds import ReadLimits

    rng = np.random.default_rng(3)
    kinds = ['<c r="{r}" t="s"><v>3</v></c>', '<c r="{r}"><f>A1*2</f><v /></c>',
             '<c r="{r}"><f>A1*2</f><v>4</v></c>', '<c r="{r}" t="e"><v>#N/A</v></c>',
             '<c r="{r}" t="str"><f>IF(A1,"","x")</f><v></v></c>',
             '<c r="{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c>', '<c r="{r}" s="2"/>',
             '<c r="{r}"><f t="shared" si="0"/></c>', '<c r="{r}" t="inlineStr"><is>'
             '<t>t="e" &lt;f&gt;</t></is></c>', '<c r="{r}"><f>"a&amp;b"</f></c>']
    rows = []
    for row in range(1, 400):
        cells = "".join(kinds[k].format(r=f"{excel._letters(col)}{row}")
                        for col, k in enumerate(rng.integers(0, len(kinds), 7), start=1))
        rows.append(f'<row r="{row}">{cells}</row>')
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<sheetData>{"".join(rows)}</sheetData></worksheet>').encode()
    limits = ReadLimits()
    parsed = excel._parse_sheet(io.BytesIO(xml), limits, "x")
    assert {k for _, _, _, k in parsed} == {"formula", "error"}
    for chunk in (1 << 10, 1 << 22):  # many cuts, and none
        excel._CHUNK = chunk
        try:
            stream = io.BytesIO(xml)
            fast = excel._regex_scan(stream.read(chunk), stream, limits, "x")
        finally:
            excel._CHUNK = 1 << 22
        assert sorted(fast) == sorted(parsed)
    assert ("=\"a&b\"" in {t for _, _, t, _ in parsed}
            and "=(shared formula)" in {t for _, _, t, _ in parsed})


def test_item09_last_row_of_formulas_only_is_not_dropped(tmp_path):
    """A last row holding only formulas without a value read as blank, and pandas dropped
    it as a trailing blank row: the row Excel shows was not even counted."""
    path = _rail_book(tmp_path / "tail.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.append([None, None, "=C2+C3"])
    book.save(path)
    with pytest.warns(InputWarning, match="C4"):
        table = sc.read_travel_log(path)
    assert table.rows_read == 3
    assert [4, "distance", "=C2+C3"] in [r[:3] for r in _rejected(table)]


def test_item09_formula_with_cached_value_is_read(tmp_path):
    path = _rail_book(tmp_path / "cached.xlsx", distance="=5*2")
    _patch_sheet(path, "xl/worksheets/sheet1.xml", "<f>5*2</f><v />", "<f>5*2</f><v>10</v>")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = sc.read_travel_log(path)
    assert table.data["distance_km"].tolist() == [10.0, 20.0]


def test_item09_error_cells_are_not_read_as_blank(tmp_path):
    path = _rail_book(tmp_path / "errors.xlsx", distance="#DIV/0!")
    with pytest.warns(InputWarning, match="error value"):
        table = sc.read_travel_log(path)
    assert _rejected(table) == [[2, "distance", "#DIV/0!", "Excel error value #DIV/0!"]]


REPO = Path(__file__).resolve().parents[1]
DESNZ_2019 = next((p / "desnz" / "conversion-factors-2019-full-set-v01-02.xls"
                   for p in (REPO.parent / "shared" / "data",
                             REPO.parent.parent / "shared" / "data")
                   if (p / "desnz").is_dir()), None)


@pytest.mark.skipif(DESNZ_2019 is None, reason="the shared DESNZ workbooks are not beside "
                                               "the repository")
def test_item09_error_cells_of_an_xls_workbook():
    """xlrd gives error cells too (the 'Index' sheet of DESNZ 2019 holds two #REF!), which
    pandas also read as blank."""
    from sem_carbon.io.sources import load_source

    with pytest.warns(InputWarning, match=r"2 cell\(s\) holding an Excel error value "
                                          r"\(B16, C16\)"):
        raw = load_source(DESNZ_2019, sheet="Index")
    assert raw.cell_issues[["pos", "value"]].values.tolist() == [[14, "#REF!"], [14, "#REF!"]]


def test_item09_hidden_first_sheet_is_skipped(tmp_path):
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Calc"
    hidden.append(["mode", "date", "distance", "distance_unit"])
    hidden.append(["rail", "2019-01-01", 999, "km"])
    hidden.sheet_state = "hidden"
    shown = book.create_sheet("Trips")
    shown.append(["mode", "date", "distance", "distance_unit"])
    shown.append(["rail", "2019-01-01", 10, "km"])
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    table = sc.read_travel_log(path)
    assert table.data["distance_km"].tolist() == [10.0]
    assert "Trips" in table.source
    named = sc.read_travel_log(path, sheet="Calc")  # a hidden sheet named is read
    assert named.data["distance_km"].tolist() == [999.0]


# --------------------------------------------------------------------------------------------
# item 11: bounds on local files


def test_item11_xlsx_far_cell_is_refused_before_loading(tmp_path):
    """One cell at XFD1048576 (a 5 KB file) made pandas build a 1M x 16K grid (7 GB)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["mode", "date"])
    sheet.append(["air", "2019-01-01"])
    sheet["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert path.stat().st_size < 10_000
    with pytest.raises(sc.InputFormatError, match=r"max_columns=|max_cells="):
        sc.read_travel_log(path)


def test_item11_xlsx_lying_dimension_is_not_trusted(tmp_path):
    """The <dimension> element can lie: the cells themselves are counted."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["mode", "date"])
    sheet.append(["air", "2019-01-01"])
    sheet["J40000"] = "x"
    path = tmp_path / "lying.xlsx"
    book.save(path)
    _patch_sheet(path, "xl/worksheets/sheet1.xml", '<dimension ref="A1:J40000" />',
                 '<dimension ref="A1:B2" />')
    with pytest.raises(sc.InputFormatError, match=r"max_cells=100,000"):
        sc.read_travel_log(path, max_cells=100_000)
    with pytest.raises(sc.InputFormatError, match=r"39,999 rows.*max_rows=1,000"):
        sc.read_travel_log(path, max_rows=1_000)


def test_item11_sheet_without_cell_references_is_counted_too(tmp_path):
    """Rows and cells may omit their r="B2" reference (they follow the previous one): the
    sheet is then parsed as XML, with the same checks."""
    path = _rail_book(tmp_path / "norefs.xlsx", distance="=5*2")
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    stripped = re.sub(r' r="[A-Z]*\d+"', "", sheet)
    assert ' r="' not in stripped.split("<sheetData>")[1]
    _patch_sheet(path, "xl/worksheets/sheet1.xml", sheet, stripped)
    with pytest.warns(InputWarning, match=r"1 formula cell\(s\) without a cached value.*C2"):
        table = sc.read_travel_log(path)
    assert _rejected(table)[0][:3] == [2, "distance", "=5*2"]
    with pytest.raises(sc.InputFormatError, match=r"5 columns.*max_columns=4"):
        sc.read_travel_log(path, max_columns=4)


def test_item11_gzip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    body = b"mode,date\n" + b"air,2019-01-01\n" * 400_000  # 6 MB in a few KB
    path.write_bytes(gzip.compress(body, compresslevel=9))
    assert path.stat().st_size < 100_000
    with pytest.raises(sc.InputFormatError, match=r"decompresses to more than 1,000,000 "
                                                   r"bytes.*max_bytes="):
        sc.read_travel_log(path, max_bytes=1_000_000)


def test_item11_local_file_and_file_object_size_limits(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("mode,date,origin,destination\n" + "air,2019-01-01,GVA,JFK\n" * 1000)
    with pytest.raises(sc.InputFormatError, match=r"max_bytes="):
        sc.read_travel_log(path, max_bytes=10_000)
    with open(path, "rb") as handle, pytest.raises(sc.InputFormatError, match=r"max_bytes="):
        sc.read_travel_log(handle, max_bytes=10_000)
    assert len(sc.read_travel_log(path).data) == 1000


def test_item11_parquet_row_count_is_checked_from_the_metadata(tmp_path):
    """A Parquet file of millions of equal rows is a few KB; its metadata tells."""
    path = tmp_path / "many.parquet"
    n = 2_000_000
    pq.write_table(pa.table({"mode": pa.array(["air"] * n), "date": pa.array(["2019"] * n)}),
                   path, use_dictionary=True, compression="zstd")
    assert path.stat().st_size < 200_000
    with pytest.raises(sc.InputFormatError, match=r"2,000,000 rows.*max_rows=1,000,000"):
        sc.read_travel_log(path, max_rows=1_000_000)
    wide = tmp_path / "wide.parquet"
    pq.write_table(pa.table({f"c{i}": [1] for i in range(50)}), wide)
    with pytest.raises(sc.InputFormatError, match=r"50 columns.*max_columns=20"):
        sc.read_travel_log(wide, max_columns=20)


def test_item11_csv_and_json_rows_and_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("mode,date\n" + "air,2019\n" * 50)
    with pytest.raises(sc.InputFormatError, match=r"50 rows.*max_rows=10"):
        sc.read_travel_log(path, max_rows=10)
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(30)) + "\n")
    with pytest.raises(sc.InputFormatError, match=r"30 columns.*max_columns=10"):
        sc.read_travel_log(wide, max_columns=10)
    records = tmp_path / "log.json"
    records.write_text("[" + ",".join(['{"mode": "air", "date": "2019"}'] * 50) + "]")
    with pytest.raises(sc.InputFormatError, match=r"max_rows=10"):
        sc.read_travel_log(records, max_rows=10)


# --------------------------------------------------------------------------------------------
# item 12: URL deadline, charsets, short bodies

CSV = "mode,date,origin,destination\nair,2019-01-01,GVA,JFK\n"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _head(self, content_type: str, length: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def do_GET(self) -> None:
        body = CSV.encode()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if self.path == "/trickle.csv":  # one byte every 0.1 s (about 5 s in all)
                self._head("text/csv", len(body))
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(0.1)
            elif self.path == "/stall.csv":  # half the body, then nothing for 3 s
                self._head("text/csv", len(body))
                self.wfile.write(body[:10])
                self.wfile.flush()
                time.sleep(3)
            elif self.path == "/short.csv":  # promises more than it sends, then closes
                self._head("text/csv", len(body) + 500)
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True
            elif self.path.startswith("/gzip"):  # Content-Encoding; /gzip-cut: cut short
                packed = gzip.compress(body * 50)
                if self.path == "/gzip-cut":
                    packed = packed[:len(packed) // 2]
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Connection", "close")  # no length: ends when closed
                self.end_headers()
                self.wfile.write(packed)
                self.close_connection = True
            elif self.path.startswith("/charset/"):
                self._head(f"text/csv; charset={self.path.rsplit('/', 1)[1]}", len(body))
                self.wfile.write(body)
            else:
                self._head("text/csv", len(body))
                self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    class Quiet(ThreadingHTTPServer):
        daemon_threads = True
        block_on_close = False

        def handle_error(self, request: object, client_address: object) -> None:
            pass

    httpd = Quiet(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_item12_overall_deadline(server):
    """Each byte arrives well within the read timeout, so only a deadline stops it."""
    with pytest.raises(sc.InputFormatError, match=r"deadline of 1 s.*deadline="):
        sc.read_travel_log(f"{server}/trickle.csv", timeout=(2.0, 2.0), deadline=1.0)
    assert len(sc.read_travel_log(f"{server}/plain.csv").data) == 1


def test_item12_deadline_also_bounds_a_silent_wait(server):
    """A read waiting for data is cut at the deadline, not at the (longer) read timeout:
    the error is the deadline's, not the end of the body when the server gives up."""
    with pytest.raises(sc.InputFormatError, match=r"deadline of 1 s"):
        sc.read_travel_log(f"{server}/stall.csv", timeout=(2.0, 30.0), deadline=1.0)


@pytest.mark.parametrize("charset", ["x-no-such-charset", "hex", "base64"])
def test_item12_unknown_charset_is_a_clean_error(server, charset):
    with pytest.raises(sc.InputFormatError, match=f"{charset}.*encoding="):
        sc.read_travel_log(f"{server}/charset/{charset}")


def test_item12_unusable_encoding_argument_is_a_clean_error(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(CSV)
    with pytest.raises(sc.InputFormatError, match="'hex' is not a text encoding"):
        sc.read_travel_log(path, encoding="hex")


def test_item12_short_body_is_rejected(server):
    with pytest.raises(sc.InputFormatError,
                       match=rf"incomplete.* {len(CSV)} of {len(CSV) + 500} bytes"):
        sc.read_travel_log(f"{server}/short.csv")


def test_item12_gzip_body_cut_short_is_rejected(server):
    """A gzip Content-Encoding without Content-Length that ends early used to be read as
    far as it went (rows silently missing); its missing end marker now tells."""
    with pytest.raises(sc.InputFormatError, match=r"incomplete body: its gzip stream ends"):
        sc.read_travel_log(f"{server}/gzip-cut")
    assert len(sc.read_travel_log(f"{server}/gzip").data) == 50


# --------------------------------------------------------------------------------------------
# item 16: month-only dates


@pytest.mark.parametrize("month", ["01/2019", "2019-01", "Jan 2019", "January 2019", "1/2019",
                                   "2019/01", "Jan-2019"])
def test_item16_month_only_dates_in_a_utility_sheet(tmp_path, month):
    path = tmp_path / "bills.csv"
    path.write_text(f"kind,amount,unit,date,country\nelectricity,100,kWh,{month},CH\n")
    table = sc.read_facilities(path)
    assert table.rejected.empty, table.rejected
    row = table.data.iloc[0]
    assert row["period_start"] == pd.Timestamp("2019-01-01")
    assert row["period_end"] == pd.Timestamp("2019-01-31")
    assert row["year"] == 2019


def test_item16_month_only_period_bounds(tmp_path):
    path = tmp_path / "bills.csv"
    path.write_text("kind,amount,unit,period_start,period_end,country\n"
                    "electricity,100,kWh,02/2020,04/2020,CH\n"
                    "electricity,100,kWh,Feb 2020,,CH\n")
    table = sc.read_facilities(path)
    assert table.rejected.empty, table.rejected
    assert table.data["period_start"].tolist() == [pd.Timestamp("2020-02-01")] * 2
    assert table.data["period_end"].tolist() == [pd.Timestamp("2020-04-30"),
                                                 pd.Timestamp("2020-02-29")]


def test_item16_month_only_travel_date_is_kept_with_a_note(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("mode,date,origin,destination\nair,2019-03,GVA,JFK\n"
                    "air,2019-03-05,GVA,JFK\nair,01/02,GVA,JFK\n")
    table = sc.read_travel_log(path)
    assert table.data["source_row"].tolist() == [2, 3]
    assert table.data["date"].tolist() == [pd.Timestamp("2019-03-01"),
                                           pd.Timestamp("2019-03-05")]
    assert table.data["year"].tolist() == [2019, 2019]
    assert table.data["notes"].tolist() == [
        "day of the month not given (the date is read as the 1st; the year chooses the "
        "factor edition)", ""]
    assert _rejected(table) == [[4, "date", "01/02", "unparseable date"]]  # no year: ambiguous


# --------------------------------------------------------------------------------------------
# item 17: exact duplicates


def test_item17_exact_duplicates_are_kept_with_a_note(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("mode,date,origin,destination,cost\nair,2019-01-01,GVA,JFK,100\n"
                    "air,2019-01-02,GVA,JFK,100\nair,2019-01-01,GVA,JFK,100\n"
                    "air,2019-01-01,GVA,JFK,100\n")
    table = sc.read_travel_log(path)
    note = "exact duplicate of row 2 (kept; duplicates='drop' rejects it)"
    assert table.data["notes"].tolist() == ["", "", note, note]
    dropped = sc.read_travel_log(path, duplicates="drop")
    assert dropped.data["source_row"].tolist() == [2, 3]
    assert dropped.data["notes"].tolist() == ["", ""]
    bills = tmp_path / "bills.csv"
    bills.write_text("kind,amount,unit,date\nwater,1,m3,2020-01-01\nwater,1,m3,2020-01-01\n")
    assert sc.read_facilities(bills).data["notes"].tolist() == [
        "", "exact duplicate of row 2 (kept; duplicates='drop' rejects it)"]


def test_item17_duplicates_found_among_many_rows():
    """The candidate search (by a hash of parsed columns) finds every exact copy, also
    rows that agree on the parsed columns but differ in another one."""
    rng = np.random.default_rng(1)
    n = 30_000
    frame = pd.DataFrame({"mode": "air", "date": "2019-01-01",
                          "origin": rng.choice(["GVA", "LHR"], n),
                          "destination": rng.choice(["JFK", "NBO"], n),
                          "trip_id": np.char.add("T", rng.integers(0, 20_000, n).astype(str))})
    table = sc.read_travel_log(frame)
    expected = frame.duplicated(keep="first").to_numpy()
    noted = table.data["notes"].str.startswith("exact duplicate of row").to_numpy()
    np.testing.assert_array_equal(noted, expected)
    first = frame.groupby(list(frame.columns), sort=False).ngroup()
    firsts = pd.Series(np.arange(n)).groupby(first.to_numpy()).transform("min") + 2
    shown = table.data["notes"].str.extract(r"row (\d+) ")[0].astype(float)
    np.testing.assert_array_equal(shown[expected].to_numpy(), firsts[expected].to_numpy())


def test_notes_column_is_empty_text_without_objects(tmp_path):
    """No note: the column is the shared empty text column (arrow-backed, no Python
    string per row)."""
    path = tmp_path / "log.csv"
    path.write_text("mode,date,origin,destination\n" + "".join(
        f"air,2019-01-{day:02d},GVA,JFK\n" for day in range(1, 29)))
    table = sc.read_travel_log(path)
    notes = table.data["notes"]
    assert (notes == "").all() and len(notes) == 28
    assert notes.dtype != object
    assert table.data.columns.tolist()[-1] == "notes"
