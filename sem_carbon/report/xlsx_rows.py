"""Many rows of one worksheet written as SpreadsheetML directly, a column at a time.

openpyxl builds every cell as a Python object and serialises it element by element (about
17 µs a cell): 100,000 inventory rows of 50 columns took about a minute. Here each cell is
``<c r="`` + its column letters, the row number, and a tail that depends on its value
only: the tail (a number's shortest round-trip text, a shared string's index) is built
once per distinct value, as a fixed-width byte string padded with NUL bytes, and picked
for every row by the value's code. A block of rows is then one byte matrix (a row of
the sheet per line: ``<row r="``, the number, ``">``, then head, number and tail of
each cell, ``</row>``) filled a column at a time by numpy and squeezed to its text by
dropping the NUL padding (XML text holds no NUL byte): no Python runs per row or per
cell. The rows are streamed into the sheet openpyxl wrote (header and first row, so
every style already exists) before the closing ``</sheetData>``.

The cells follow ECMA-376 Part 1, §18.3.1.4 (``c``): numbers as ``<v>``, booleans
``t="b"``, text as indices into the workbook's shared-string table ``t="s"`` (§18.4.9
``sst``, one entry per distinct text, written here as ``xl/sharedStrings.xml``), dates as
serial numbers with the date style of the first row; every cell names its place
(``r="B7"``), so empty cells are left out. :func:`rows_xml` (no workbook around it)
writes text as inline strings ``t="inlineStr"`` instead.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..io.writers import FORMULA_PREFIXES, neutralise_cell

__all__ = ["SharedStrings", "append_rows", "rows_xml"]

#: Characters XML 1.0 does not allow (control characters other than tab, LF, CR, and the
#: non-characters U+FFFE, U+FFFF): dropped from text on both of the workbook's paths.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = np.datetime64("1899-12-30")
_SST_PART = "xl/sharedStrings.xml"
_SST_TYPE = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
             "sharedStrings")
_SST_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _letters(i: int) -> str:
    """Column letters of 0-based column ``i`` (0 -> A, 26 -> AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _escape(texts: list[str]) -> list[str]:
    """XML text of distinct values (``&``, ``<``, ``>`` escaped, illegal characters dropped)."""
    if XML_ILLEGAL.search("".join(texts)):  # rare: one search over all of them first
        texts = [XML_ILLEGAL.sub("", t) for t in texts]
    return [t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for t in texts]


#: RE2 patterns (pyarrow) of text that :func:`neutralise_cell` may change (a formula
#: character first, or a line break anywhere) and of the characters of :data:`XML_ILLEGAL`.
_MAY_NEUTRALISE = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in FORMULA_PREFIXES) + "]|[\\r\\n]"
_ILLEGAL_RE2 = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x{fffe}\\x{ffff}]"


def _clean_texts(uniques: Any) -> tuple[pa.Array, np.ndarray]:
    """Text of distinct values as it goes into the sheet, and which are not empty.

    Text is made formula-safe (:func:`neutralise_cell`, called only for the few values
    that start with a formula character or hold a line break), then loses the characters
    XML cannot hold; other values are written as their ``str``. An empty text is an empty
    cell (judged before the illegal characters go, as on openpyxl's path).
    """
    values = np.asarray(uniques, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        texts = pa.array(values, type=pa.large_string())
    else:  # numbers, dates ... among text: their str, as openpyxl's path writes them
        texts = pa.array([v if type(v) is str else str(v) for v in values.tolist()],
                         type=pa.large_string())
    maybe = pc.match_substring_regex(texts, _MAY_NEUTRALISE).to_numpy(zero_copy_only=False)
    if maybe.any():
        safe = [neutralise_cell(v) for v in texts.filter(pa.array(maybe)).to_pylist()]
        texts = pc.replace_with_mask(texts, pa.array(maybe), pa.array(safe, pa.large_string()))
    filled = pc.greater(pc.binary_length(texts), 0).to_numpy(zero_copy_only=False)
    if pc.any(pc.match_substring_regex(texts, _ILLEGAL_RE2)).as_py():
        texts = pc.replace_substring_regex(texts, _ILLEGAL_RE2, "")
    return texts, filled


def _xml_text(texts: pa.Array) -> pa.Array:
    """``&``, ``<`` and ``>`` escaped (text content of an element, XML 1.0 §2.4)."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        texts = pc.replace_substring(texts, char, entity)
    return texts


def _joined(texts: pa.Array) -> bytes:
    """The texts one after the other, UTF-8 (the data buffer of the string array)."""
    texts = texts.cast(pa.large_string())
    if len(texts) == 0:
        return b""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[
        texts.offset:texts.offset + len(texts) + 1]
    return texts.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]


class SharedStrings:
    """The workbook's shared-string table (ECMA-376 Part 1, §18.4.9): each distinct text
    once, cells naming it by its index.

    Columns add their distinct texts (:meth:`add`) and ask for their indices later
    (:meth:`indices`): the whole table is then made in one pass over every text added so
    far, entries in the order first seen (so indices already handed out never change).

    Parameters
    ----------
    start : int, default 0
        Index of the first entry added here (the entries of a table the workbook already
        has come first).
    """

    def __init__(self, start: int = 0) -> None:
        self._parts: list[pa.Array] = []
        self._start = start
        self._made = 0  # parts in the table made last
        self._codes = np.zeros(0, dtype=np.int64)
        self._entries: pa.Array = pa.array([], type=pa.large_string())
        #: Cells that name an entry (the table's ``count``).
        self.count = 0

    def add(self, texts: pa.Array) -> int:
        """Add the distinct texts of one column (formula-safe, XML-legal); returns the
        number that :meth:`indices` takes."""
        self._parts.append(texts.cast(pa.large_string()))
        return len(self._parts) - 1

    def _make(self) -> None:
        if self._made == len(self._parts):
            return
        encoded = pa.chunked_array(self._parts, type=pa.large_string()).combine_chunks(
            ).dictionary_encode()
        self._codes = encoded.indices.to_numpy().astype(np.int64)
        self._entries = encoded.dictionary
        self._made = len(self._parts)

    def indices(self, part: int) -> np.ndarray:
        """Table index of each text of the part numbered ``part`` (see :meth:`add`).

        Parameters
        ----------
        part : int

        Returns
        -------
        ndarray of int64
        """
        self._make()
        at = sum(len(p) for p in self._parts[:part])
        return self._codes[at:at + len(self._parts[part])] + self._start

    def __len__(self) -> int:
        self._make()
        return len(self._entries)

    def items_xml(self) -> bytes:
        """The ``<si>`` elements of the entries added here, in index order (UTF-8)."""
        self._make()
        entries = self._entries
        spaced = pc.not_equal(entries, pc.utf8_trim_whitespace(entries))
        text = pa.large_string()
        opening = pc.if_else(spaced, pa.scalar('<si><t xml:space="preserve">', text),
                             pa.scalar("<si><t>", text))
        return _joined(pc.binary_join_element_wise(
            opening, _xml_text(entries), pa.scalar("</t></si>", text), pa.scalar("", text)))


class _Column:
    """The cells of one column as ``head + row number + tail``, the tail chosen per row.

    ``head`` is ``<c r="B`` (the column's letters), ``tails`` the rest of a cell for each
    distinct value, a NUL-padded byte array whose last entry is empty (no cell; code -1
    picks it), made when first asked for when it needs the finished shared-string table;
    ``codes`` each row's index into ``tails`` and ``present`` which rows have a cell at
    all (None: every row).
    """

    __slots__ = ("_tails", "codes", "head", "present")

    def __init__(self, head: bytes, tails: np.ndarray | Callable[[], np.ndarray],
                 codes: np.ndarray, present: np.ndarray | None) -> None:
        self.head, self._tails, self.codes, self.present = head, tails, codes, present

    @property
    def tails(self) -> np.ndarray:
        if callable(self._tails):
            self._tails = self._tails()
        return self._tails


def _factorize(values: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes (-1: missing) and distinct values."""
    return pd.factorize(values, use_na_sentinel=True)


def _tails(prefix: bytes, texts: np.ndarray, suffix: bytes) -> np.ndarray:
    """``prefix + text + suffix`` of each text (byte arrays, built by numpy)."""
    if len(texts) == 0:
        return np.array([], dtype="S1")
    texts = texts.astype("S")
    texts = texts.astype(f"S{max(int(np.strings.str_len(texts).max()), 1)}")  # no spare width
    return np.strings.add(np.strings.add(np.bytes_(prefix), texts), np.bytes_(suffix))


def _with_gaps(tails: np.ndarray, ok: np.ndarray, gap: bytes) -> np.ndarray:
    """Tails of every distinct value: those of ``ok`` values, ``gap`` for the others."""
    out = np.full(len(ok), gap, dtype=f"S{max(tails.itemsize, len(gap), 1)}")
    out[ok] = tails
    return out


def _text_tails(values: pd.Series, strings: SharedStrings | None
                ) -> tuple[np.ndarray, np.ndarray | Callable[[], np.ndarray], np.ndarray]:
    """Codes, the tails of text cells (formula-safe) and which tails are empty (no cell):
    indices into the shared-string table (made when first asked for), or inline strings
    without one."""
    codes, uniques = _factorize(values)
    texts, filled = _clean_texts(uniques)
    if strings is not None:
        part = strings.add(texts.filter(pa.array(filled)))

        def tails() -> np.ndarray:
            index = strings.indices(part)
            return _with_gaps(_tails(b'" t="s"><v>', index, b"</v></c>"), filled, b"")

        return codes, tails, ~filled
    spaced = pc.not_equal(texts, pc.utf8_trim_whitespace(texts)).to_numpy(
        zero_copy_only=False)
    inner = ('" t="inlineStr"><is><t>', '" t="inlineStr"><is><t xml:space="preserve">')
    escaped = _xml_text(texts).to_pylist()
    inline = np.array([(inner[s] + x + "</t></is></c>").encode("utf-8") if f else b""
                       for s, x, f in zip(spaced.tolist(), escaped, filled.tolist(),
                                          strict=True)] or [b""], dtype="S")[:len(escaped)]
    return codes, inline, ~filled


def _number_texts(numbers: np.ndarray, integer: bool) -> np.ndarray:
    """Text of finite numbers: whole numbers for an integer column, else Python's shortest
    round-trip ``repr`` (what openpyxl writes, with all 17 digits when they are needed)."""
    if integer:
        return numbers.astype(np.int64).astype("S")
    return np.array(list(map(float.__repr__, numbers.tolist())), dtype="S")


def _number_tails(values: pd.Series, style: str) -> tuple[np.ndarray, np.ndarray]:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    # distinct bit patterns, not values: -0.0 keeps its sign (0.0 == -0.0 would merge them)
    codes, bits = _factorize(pd.Series(numbers.view(np.int64)))
    numbers = np.asarray(bits, dtype=np.int64).view(np.float64)
    finite = np.isfinite(numbers)
    text = _number_texts(numbers[finite], pd.api.types.is_integer_dtype(values.dtype))
    head = ('"' + style).encode("ascii")
    gap = head + b" />" if style else b""  # a gap keeps its format
    return codes, _with_gaps(_tails(head + b"><v>", text, b"</v></c>"), finite, gap)


def _date_tails(values: pd.Series, style: str) -> tuple[np.ndarray, np.ndarray]:
    stamps = pd.to_datetime(values, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    codes, uniques = _factorize(stamps)
    raw = np.asarray(uniques, dtype="datetime64[ns]")
    ok = ~np.isnat(raw)
    days = np.where(ok, (raw - _EXCEL_EPOCH) / np.timedelta64(1, "D"), 0.0).round(8)
    head = ('"' + style + "><v>").encode("ascii")
    return codes, _with_gaps(_tails(head, days[ok].astype(str), b"</v></c>"), ok, b"")


def _bool_tails(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes = np.where(values.isna().to_numpy(), -1,
                     values.fillna(False).astype(bool).to_numpy().astype(np.int64))
    return codes, np.array([b'" t="b"><v>0</v></c>', b'" t="b"><v>1</v></c>'], dtype="S")


def _all_bool(values: pd.Series) -> bool:
    """Whether every value present is a boolean (judged on the distinct values)."""
    uniques = pd.unique(values.dropna())
    return len(uniques) > 0 and all(isinstance(u, (bool, np.bool_)) for u in uniques)


def _column(values: pd.Series, letters: str, style: str,
            strings: SharedStrings | None = None) -> _Column | None:
    """The cells of one column (None: it has none)."""
    if not values.notna().any():
        return None  # an empty column: no cells (every cell names its place, r="B7")
    empty = None
    if pd.api.types.is_bool_dtype(values.dtype):
        codes, tails = _bool_tails(values)
    elif pd.api.types.is_datetime64_any_dtype(values.dtype):
        codes, tails = _date_tails(values, style)
    elif pd.api.types.is_numeric_dtype(values.dtype):
        codes, tails = _number_tails(values, style)
    elif values.dtype == object and _all_bool(values):  # True/False with gaps
        codes, tails = _bool_tails(values)
    else:
        codes, tails, empty = _text_tails(values, strings)
    codes = np.asarray(codes, dtype=np.intp)
    # code -1 (missing) takes the last one: no cell
    if callable(tails):
        made = tails

        def tails() -> np.ndarray:
            done = made()
            return np.append(done, np.zeros(1, dtype=done.dtype))
    else:
        tails = np.append(tails, np.zeros(1, dtype=tails.dtype))
    absent = np.append(empty, True) if empty is not None else tails == b""
    present = None if not absent[codes].any() else ~absent[codes]
    if callable(tails) and strings is not None:
        strings.count += len(codes) if present is None else int(present.sum())
    return _Column(b'<c r="' + letters.encode("ascii"), tails, codes, present)


#: Rows filled into one byte matrix at a time (bounds the memory of a long sheet) ...
_CHUNK_ROWS = 20_000
#: ... and at most this many bytes of matrix (a wide table takes fewer rows at a time; a
#: block that stays in the processor's cache between its filling and its squeezing is a
#: little faster: 100,000 activities rows took 0.17-0.19 s in blocks of about 6,000 rows,
#: the size this gives, and 0.21 s in blocks of 20,000).
_CHUNK_BYTES = 8 << 20
_ROW_HEAD, _ROW_MID, _ROW_END = b'<row r="', b'">', b"</row>"


def _row_block(cells: list[_Column], numbers: np.ndarray, start: int,
               matrix: np.ndarray) -> np.ndarray:
    """The ``<row>`` elements of the rows whose numbers are ``numbers`` (NUL-padded ASCII,
    one line each), the first being row ``start`` of the columns, as UTF-8 bytes (uint8).

    ``matrix`` is the space to fill (at least ``len(numbers)`` lines of the block's
    width); every byte of the block is written, so it need not be cleared.
    """
    n = len(numbers)
    stop = start + n
    matrix = matrix[:n]
    at = 0

    def put(block: np.ndarray | bytes) -> None:
        nonlocal at
        if isinstance(block, bytes):
            block = np.frombuffer(block, dtype=np.uint8)
        size = block.shape[-1]
        matrix[:, at:at + size] = block
        at += size

    put(_ROW_HEAD), put(numbers), put(_ROW_MID)
    for column in cells:
        begin = at
        tails = column.tails[column.codes[start:stop]]
        put(column.head), put(numbers), put(tails.view(np.uint8).reshape(n, tails.itemsize))
        if column.present is not None:  # no cell at all: head and number out too
            matrix[~column.present[start:stop], begin:at] = 0
    put(_ROW_END)
    flat = matrix[:, :at].reshape(-1)
    return flat[flat != 0]  # the padding out: the rows' text


def _row_chunks(columns: list[_Column | None], first_row: int, n: int) -> Iterator[bytes]:
    """The ``<row>`` elements (UTF-8), :data:`_CHUNK_ROWS` at a time (fewer when they
    would fill more than :data:`_CHUNK_BYTES` of matrix)."""
    cells = [c for c in columns if c is not None]
    digits = len(str(first_row + n - 1))  # every row number padded to the longest
    width = (len(_ROW_HEAD) + digits + len(_ROW_MID) + len(_ROW_END)
             + sum(len(c.head) + digits + c.tails.itemsize for c in cells))
    step = max(1, min(_CHUNK_ROWS, _CHUNK_BYTES // width))
    matrix = np.empty((min(n, step), width), dtype=np.uint8)  # reused by each block
    for start in range(0, n, step):
        stop = min(start + step, n)
        numbers = np.arange(first_row + start, first_row + stop).astype(f"S{digits}")
        yield _row_block(cells, numbers.view(np.uint8).reshape(stop - start, digits), start,
                         matrix).tobytes()


def _columns(frame: pd.DataFrame, styles: dict[int, str],
             strings: SharedStrings | None = None) -> list[_Column | None]:
    return [_column(frame.iloc[:, i], _letters(i),
                    f' s="{styles[i]}"' if i in styles else "", strings)
            for i in range(frame.shape[1])]


def rows_xml(frame: pd.DataFrame, first_row: int, styles: dict[int, str] | None = None
             ) -> str:
    """The ``<row>`` elements of ``frame``, the first numbered ``first_row`` (text as
    inline strings: there is no workbook and so no shared-string table).

    Parameters
    ----------
    frame : DataFrame
        The values; text is made formula-safe here (see
        :func:`sem_carbon.io.writers.neutralise_cell`; text already made safe stays as it
        is).
    first_row : int
        Spreadsheet row number of the frame's first row.
    styles : dict of int to str, optional
        Column position -> style index (``s``) of its cells (dates need one).

    Returns
    -------
    str
    """
    if len(frame) == 0:
        return ""
    return b"".join(_row_chunks(_columns(frame, styles or {}), first_row, len(frame))
                    ).decode("utf-8")


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str:
    """The zip part of the worksheet called ``title`` (from the workbook's relationships)."""
    book = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    found = re.search(r'<sheet[^>]*name="' + re.escape(title) + r'"[^>]*r:id="([^"]+)"', book) \
        or re.search(r'<sheet[^>]*r:id="([^"]+)"[^>]*name="' + re.escape(title) + '"', book)
    if not found:
        raise KeyError(title)
    target = re.search(r'<Relationship[^>]*Id="' + re.escape(found.group(1))
                       + r'"[^>]*Target="([^"]+)"', rels) or re.search(
        r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="' + re.escape(found.group(1)) + '"', rels)
    if not target:
        raise KeyError(title)
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else "xl/" + path


def append_rows(path: Path, sheets: dict[str, pd.DataFrame], first_row: int) -> None:
    """Put the rows of each frame at the end of its worksheet in the workbook ``path``.

    The cells take the styles of each sheet's row ``first_row - 1`` (its last row, as
    openpyxl wrote it), so number and date formats carry on; their text goes into the
    workbook's shared-string table. The archive is rewritten once, whatever the number of
    sheets.

    Parameters
    ----------
    path : Path
        A workbook openpyxl wrote (rewritten in place).
    sheets : dict of str to DataFrame
        Worksheet title -> formula-safe values, columns in the sheet's order.
    first_row : int
        Spreadsheet row number of each frame's first row.
    """
    sheets = {name: frame for name, frame in sheets.items() if not frame.empty}
    if not sheets:
        return
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".rows", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        _rewrite(path, tmp, sheets, first_row)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _size(columns: list[_Column | None], first_row: int, n: int) -> int:
    """Bytes of the rows (exactly what :func:`_row_chunks` gives)."""
    rows = np.arange(first_row, first_row + n)
    digits = np.searchsorted(10 ** np.arange(1, 19), rows, side="right") + 1
    total_digits = int(digits.sum())
    size = n * (len(_ROW_HEAD) + len(_ROW_MID) + len(_ROW_END)) + total_digits
    for column in columns:
        if column is None:
            continue
        tail_bytes = np.strings.str_len(column.tails).astype(np.int64)[column.codes]
        if column.present is None:
            size += n * len(column.head) + total_digits + int(tail_bytes.sum())
        else:
            present = column.present
            size += (int(present.sum()) * len(column.head) + int(digits[present].sum())
                     + int(tail_bytes[present].sum()))
    return size


def _split_sheet(xml: str, frame: pd.DataFrame, first_row: int) -> tuple[str, str, dict[int, str]]:
    """A worksheet's XML before and after the place of the rows of ``frame`` (after its row
    ``first_row - 1``), the dimension covering them, and the style of each cell of that
    row by column position."""
    from openpyxl.utils import column_index_from_string

    last = re.search(r'<row r="' + str(first_row - 1) + r'"[^>]*>(.*?)</row>', xml, re.S)
    styles = {}
    if last:
        for cell in re.finditer(r'<c r="([A-Z]+)\d+"([^>]*)', last.group(1)):
            style = re.search(r'\bs="(\d+)"', cell.group(2))
            if style:
                styles[column_index_from_string(cell.group(1)) - 1] = style.group(1)
    dimension = (f'<dimension ref="A1:{_letters(frame.shape[1] - 1)}'
                 f'{first_row + len(frame) - 1}" />')
    if re.search(r"<dimension\b", xml):
        xml = re.sub(r"<dimension\b[^>]*/>", dimension, xml, count=1)
    else:  # its place: after sheetPr, before sheetViews (ECMA-376 §18.3.1.99)
        at = xml.find("<sheetViews")
        at = at if at >= 0 else xml.find("<sheetFormatPr")
        at = at if at >= 0 else xml.find("<sheetData")
        xml = xml[:at] + dimension + xml[at:]
    at = xml.rindex("</sheetData>")
    return xml[:at], xml[at:], styles


def _fast_deflate() -> Any | None:
    """A raw-deflate compressor (RFC 1951) from ISA-L at its level 1, or None when the
    ``isal`` package is not installed (zlib's level 1 then does the work).

    ISA-L's level 1 deflates the activities sheet of the 1M-leg benchmark (170 MB of XML)
    about six times as fast as zlib's level 1, into a slightly smaller stream; the stream
    is plain DEFLATE, which every zip reader inflates.
    """
    try:
        from isal import isal_zlib
    except ImportError:
        return None
    return isal_zlib.compressobj(1, isal_zlib.DEFLATED, -15)


class _Grown:
    """A worksheet to grow: its XML before and after the new rows, and their cells."""

    __slots__ = ("columns", "first_row", "head", "rows", "tail")

    def __init__(self, xml: str, frame: pd.DataFrame, first_row: int,
                 strings: SharedStrings) -> None:
        head, tail, styles = _split_sheet(xml, frame, first_row)
        self.head, self.tail = head.encode("utf-8"), tail.encode("utf-8")
        self.columns = _columns(frame, styles, strings)
        self.first_row, self.rows = first_row, len(frame)


@contextlib.contextmanager
def _fast_part(target: zipfile.ZipFile, name: str, date_time: tuple[int, ...], size: int
               ) -> Iterator[Any]:
    """A zip part to write, deflated at level 1 (by :func:`_fast_deflate` when it can).

    ``size`` is the part's size in bytes, or more: zipfile decides on it whether the part
    needs ZIP64 (as ``writestr`` does) and records the size written.
    """
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 1  # type: ignore[attr-defined]  # what writestr(compresslevel=) sets
    info.file_size = size
    with target.open(info, "w") as part:
        fast = _fast_deflate()
        if fast is not None and getattr(part, "_compressor", None) is not None:
            # zipfile's writer compresses through this object (it keeps the CRC and the
            # sizes itself); nothing has been compressed yet
            part._compressor = fast
        yield part


def _write_grown(target: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: _Grown) -> None:
    """Write the worksheet with its new rows, streamed a chunk at a time."""
    head, tail, columns = sheet.head, sheet.tail, sheet.columns
    size = len(head) + len(tail) + _size(columns, sheet.first_row, sheet.rows)
    with _fast_part(target, info.filename, info.date_time, size) as part, \
            ThreadPoolExecutor(max_workers=1) as writer:
        part.write(head)
        # deflating a block (zlib lets go of the GIL) overlaps with filling the next one;
        # one block is written at a time, in order
        written = None
        for chunk in _row_chunks(columns, sheet.first_row, sheet.rows):
            if written is not None:
                written.result()
            written = writer.submit(part.write, chunk)
        if written is not None:
            written.result()
        part.write(tail)


def _with_shared_strings(name: str, data: bytes) -> bytes:
    """The workbook's relationships or content types naming the shared-string table
    (unchanged when they do already)."""
    text = data.decode("utf-8")
    if name == "[Content_Types].xml" and "/" + _SST_PART not in text:
        text = text.replace("</Types>", f'<Override PartName="/{_SST_PART}" '
                                        f'ContentType="{_SST_CONTENT}" /></Types>')
    elif name == "xl/_rels/workbook.xml.rels" and _SST_TYPE + '"' not in text:
        ids = set(re.findall(r'\bId="([^"]+)"', text))
        number = len(ids) + 1
        while f"rId{number}" in ids:
            number += 1
        rid = f"rId{number}"
        text = text.replace("</Relationships>", f'<Relationship Type="{_SST_TYPE}" '
                                                f'Target="/{_SST_PART}" Id="{rid}" />'
                                                "</Relationships>")
    return text.encode("utf-8")


def _shared_strings_xml(existing: str | None, strings: SharedStrings) -> bytes:
    """The shared-string part: the entries it had, then those added here."""
    items = ""
    count, unique = strings.count, len(strings)
    if existing is not None:
        body = re.search(r"<sst\b[^>]*>(.*)</sst>", existing, re.S)
        items = body.group(1) if body else ""
        had = re.search(r'\bcount="(\d+)"', existing)
        count += int(had.group(1)) if had else 0
        unique += len(re.findall(r"<si\b", items))
    return (f'<sst xmlns="{_MAIN_NS}" count="{count}" uniqueCount="{unique}">{items}'.encode()
            + strings.items_xml() + b"</sst>")


def _rewrite(path: Path, tmp: Path, sheets: dict[str, pd.DataFrame], first_row: int) -> None:
    """Copy the workbook ``path`` to ``tmp`` with the rows added to their sheets.

    The grown worksheets are deflated at level 1, the fastest: they are nearly all of the
    workbook's bytes, and level 6 takes about 3x as long for a file about a fifth smaller
    (100,000 activities rows of the 1M-leg benchmark: 170 MB of XML, 1.5 s and 30 MB at
    level 1, 4.4 s and 24 MB at level 6); by ISA-L when it is installed
    (:func:`_fast_deflate`), and so is the shared-string table. The other parts keep zlib's
    default level.
    """
    with zipfile.ZipFile(path) as source:
        frames = {_sheet_part(source, sheet): frame for sheet, frame in sheets.items()}
        names = source.namelist()
        existing = source.read(_SST_PART).decode("utf-8") if _SST_PART in names else None
        strings = SharedStrings(start=0 if existing is None else
                                len(re.findall(r"<si\b", existing)))
        # every grown sheet's cells first: the shared-string table is then made once
        grown = {part: _Grown(source.read(part).decode("utf-8"), frame, first_row, strings)
                 for part, frame in frames.items()}
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if info.filename == _SST_PART:
                    continue  # written last, with the entries of the grown sheets
                if info.filename in grown:
                    _write_grown(target, info, grown[info.filename])
                    continue
                data = source.read(info)
                if info.filename in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
                    data = _with_shared_strings(info.filename, data)
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
            table = _shared_strings_xml(existing, strings)
            stamp = source.getinfo("xl/workbook.xml").date_time
            with _fast_part(target, _SST_PART, stamp, len(table)) as part:
                part.write(table)
