"""Excel workbooks -> :class:`~sem_carbon.io.raw.RawTable`: ``.xlsx``/``.xlsm`` (openpyxl)
and ``.xls`` (xlrd), read as the user sees them in Excel.

Which sheet
    ``sheet=`` (a name, matched exactly then ignoring case and surrounding spaces, or a
    0-based index among all sheets, hidden ones included) chooses; without it, the first
    *visible* sheet is read (a workbook often keeps look-up tables in a hidden first
    sheet). The source text names the sheet when it is not the first one. Without
    ``sheet=``, the other visible sheets are looked at by their header row only (read-only
    mode, a row each; their size from the sheet's ``<dimension>``): the readers warn of
    those that hold a table like the one read (one sheet per month or quarter), and
    ``sheet="all"`` reads them all (:mod:`sem_carbon.io.sheets`).
Dates
    The workbook's date system (1900, or 1904 when saved with ``date1904``; an ``.xls``
    book's ``datemode``) is carried to the date parser (``RawTable.date_system``): a date
    written as a plain number (General format) is a serial of that system. Date-formatted
    cells are converted by openpyxl/xlrd, which know the system too.
Cells Excel shows but the file does not hold (openpyxl would read them as blank)
    - a formula saved without its cached value (a workbook written by a program that does
      not calculate, e.g. openpyxl, and never opened in Excel since);
    - an Excel error value (``#DIV/0!``, ``#N/A``, ``#REF!`` ...).
    Each is listed in ``RawTable.cell_issues``: the readers reject the row when the cell
    is in a column they read, and note it on the row otherwise. One
    :class:`~sem_carbon.io.notes.InputWarning` per workbook gives their count and first
    cells. A formula *with* a cached value reads as that value (what Excel shows).
Bounds (see :mod:`sem_carbon.io.bounds`)
    The declared decompressed size of each part of an ``.xlsx`` is checked against
    ``max_bytes`` before anything is decompressed. The chosen sheet's XML is then streamed
    once and its cells counted from their own references (the ``<dimension>`` element can
    lie), stopping at the first cell beyond ``max_rows``, ``max_columns`` or
    ``max_cells`` (rows x columns of the grid pandas would build); only then is the sheet
    loaded. ``.xls`` sheets (at most 65,536 x 256) are checked once opened.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from typing import IO, Any
from xml.etree.ElementTree import ParseError, iterparse

import numpy as np
import pandas as pd

from ..errors import InputFormatError
from ..optional import require
from .bounds import ReadLimits
from .csvfile import ByteData, dedupe_names
from .notes import InputWarning
from .raw import CELL_ISSUE_COLUMNS, RawTable, SheetHead, decimal_origin, no_cell_issues

__all__ = ["read_excel"]

_FORMULA_REASON = ("formula without a cached value (the workbook was saved without "
                   "calculating it: open and save it in Excel, or paste the values)")
_FORMULA_NOTE = "formula without a cached value (read as blank)"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")
_SHOWN_CELLS = 5  # cell references named in the warning
#: A workbook's date system ("1900" or "1904") and its other visible sheets' headers.
_Book = tuple[str, tuple[SheetHead, ...]]


def read_excel(data: ByteData, shown: str, fmt: str, sheet: str | int | None,
               decimal: str | None, limits: ReadLimits,
               header_row: int | None = None) -> RawTable:
    """Read one sheet of a workbook (see the module notes).

    Parameters
    ----------
    data : bytes or mmap.mmap
        The workbook.
    shown : str
        The source's name for messages.
    fmt : {"xlsx", "xls"}
        The format.
    sheet : str or int, optional
        The sheet (default: the first visible one).
    decimal : str, optional
        Default decimal mark of numbers written as text.
    limits : ReadLimits
        Size limits.
    header_row : int, optional
        The row of the column names (1-based; default 1), where the other visible sheets'
        headers are read when ``sheet`` is None (``RawTable.other_sheets``); the table
        read is not cut (:func:`sem_carbon.io.header.apply_header_row` does that).

    Raises
    ------
    InputFormatError
        Not a workbook, no such sheet, a limit exceeded, an empty sheet.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        # pandas >= 3.1 deprecates xlrd; it is still the reader of .xls workbooks here
        warnings.filterwarnings("ignore", message="The xlrd engine is deprecated")
        peek = (header_row or 1) if sheet is None else None
        if fmt == "xlsx":
            frame, chosen, first, issues, book = _xlsx(bytes(data), shown, sheet, limits, peek)
        else:
            frame, chosen, first, issues, book = _xls(bytes(data), shown, sheet, limits, peek)
    label = _label(shown, sheet, chosen, first)
    if frame.shape[1] == 0:
        raise InputFormatError(f"{label} is empty")
    frame = frame.reset_index(drop=True)
    names = dedupe_names(list(frame.columns))
    frame.columns = names
    cells = _cell_issues(issues, names, label)
    keep = int(cells["pos"].max()) + 1 if len(cells) else 0  # rows with issues stay
    if keep > len(frame):  # pandas drops trailing rows that read as blank: put them back
        frame = frame.reindex(range(keep))
    frame = _drop_trailing_empty(frame, keep)
    return RawTable(frame, label, fmt, decimal or ".", cells,
                    decimal_origin=decimal_origin(decimal, decimal or "."),
                    decimal_given=decimal is not None, date_system=book[0],
                    other_sheets=book[1], sheet=chosen)


def _head(name: str, cells: Sequence[Any], rows: int | None) -> SheetHead:
    """A sheet known by its header row's ``cells`` (trailing blanks dropped)."""
    cells = list(cells)
    while cells and (cells[-1] is None or not str(cells[-1]).strip()):
        cells.pop()
    return SheetHead(name, tuple(dedupe_names(cells)), rows)


def _label(shown: str, sheet: str | int | None, chosen: str, first: str) -> str:
    """The source text: the sheet is named when it was asked for or is not the first."""
    return shown if sheet is None and chosen == first else f"{shown} [sheet {chosen!r}]"


def _open_failed(shown: str, exc: Exception) -> InputFormatError:
    return InputFormatError(
        f"{shown} cannot be opened as an Excel workbook: {type(exc).__name__}: {exc}")


def _xlsx(data: bytes, shown: str, sheet: str | int | None, limits: ReadLimits,
          peek: int | None) -> tuple[pd.DataFrame, str, str, list[tuple[int, int, str, str]],
                                     _Book]:
    openpyxl = require("openpyxl", "excel", f"reading the Excel workbook {shown}")

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _open_failed(shown, exc) from None
    with archive:
        for part in parts:  # declared sizes: zipfile never decompresses beyond them
            limits.bytes(part.file_size, f"{shown}: part {part.filename}", "decompresses to")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                          keep_links=False)
        except Exception as exc:  # zipfile/openpyxl/XML raise many kinds
            raise _open_failed(shown, exc) from None
        try:
            names = [str(n) for n in book.sheetnames]
            if not names:
                raise InputFormatError(f"{shown} has no sheets")
            visible = [n for n in names
                       if getattr(book[n], "sheet_state", "visible") == "visible"
                       and hasattr(book[n], "_worksheet_path")]
            chosen = _choose_sheet(names, sheet, shown, visible[0] if visible else names[0])
            path = getattr(book[chosen], "_worksheet_path", None)
            # before pandas reads the sheet (closing its ExcelFile closes the book)
            system = "1904" if book.epoch == openpyxl.utils.datetime.CALENDAR_MAC_1904 else "1900"
            heads = () if peek is None else tuple(_xlsx_head(book[n], n, peek)
                                                  for n in visible if n != chosen)
            issues: list[tuple[int, int, str, str]] = []
            if path is not None:  # a worksheet (a chart sheet has no cells: pandas says so)
                label = _label(shown, sheet, chosen, names[0])
                with archive.open(path) as stream:
                    issues = _scan_sheet(stream, limits, label)
            try:
                with pd.ExcelFile(book, engine="openpyxl") as excel:
                    frame = _as_read(pd.read_excel(excel, sheet_name=chosen, header=0,
                                                   dtype=object))
            except Exception as exc:
                raise InputFormatError(
                    f"{shown}: cannot read sheet {chosen!r}: {type(exc).__name__}: {exc}"
                ) from None
        finally:
            book.close()
    return frame, chosen, names[0], issues, (system, heads)


def _xlsx_head(worksheet: Any, name: str, row: int) -> SheetHead:
    """The header row ``row`` of a read-only worksheet (the XML is streamed up to that row
    only) and its rows below by the sheet's ``<dimension>``."""
    try:
        cells = next(iter(worksheet.iter_rows(min_row=row, max_row=row, values_only=True)), ())
        last = worksheet.max_row
    except Exception:  # a sheet openpyxl cannot stream: no header known
        return SheetHead(name, (), None)
    return _head(name, cells, max(int(last) - row, 0) if last is not None else None)


def _xls(data: bytes, shown: str, sheet: str | int | None, limits: ReadLimits,
         peek: int | None) -> tuple[pd.DataFrame, str, str, list[tuple[int, int, str, str]],
                                    _Book]:
    xlrd = require("xlrd", "excel", f"reading the Excel 97-2003 workbook {shown}")

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as exc:  # xlrd raises many kinds
        raise _open_failed(shown, exc) from None
    try:
        names = [str(n) for n in book.sheet_names()]
        visible = [s.name for s in book.sheets() if getattr(s, "visibility", 0) == 0]
        chosen = _choose_sheet(names, sheet, shown, visible[0] if visible else names[0])
        found = book.sheet_by_name(chosen)
        label = _label(shown, sheet, chosen, names[0])
        limits.shape(max(found.nrows - 1, 0), found.ncols, label)
        heads: tuple[SheetHead, ...] = ()
        if peek is not None:  # before pandas reads the sheet (closing releases the book)
            others = [book.sheet_by_name(n) for n in visible if n != chosen]
            heads = tuple(_head(s.name, s.row_values(peek - 1) if s.nrows >= peek else (),
                                max(s.nrows - peek, 0)) for s in others)
        system = "1904" if book.datemode == 1 else "1900"
        issues = []
        for col in range(found.ncols):  # error cells, per column (at most 256)
            rows = np.flatnonzero(np.asarray(found.col_types(col)) == xlrd.XL_CELL_ERROR)
            for row in rows:  # error cells only
                code = found.cell_value(int(row), col)
                text = xlrd.error_text_from_code.get(code, f"#ERROR({code})")
                issues.append((int(row) + 1, col + 1, text, "error"))
        try:
            with pd.ExcelFile(book, engine="xlrd") as excel:
                frame = _as_read(pd.read_excel(excel, sheet_name=chosen, header=0,
                                               dtype=object))
        except Exception as exc:
            raise InputFormatError(
                f"{shown}: cannot read sheet {chosen!r}: {type(exc).__name__}: {exc}"
            ) from None
    finally:
        book.release_resources()
    return frame, chosen, names[0], issues, (system, heads)


def _as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """A sheet read cell by cell (``dtype=object``), each column then given the type its
    cells share. pandas' own inference turned a column of 1, TRUE, 2 into floats (TRUE ->
    1.0) before the number parser could reject the boolean; a mixed column stays object."""
    return frame.infer_objects()


def _choose_sheet(names: list[str], sheet: str | int | None, shown: str, default: str) -> str:
    if sheet is None:
        return default
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputFormatError(f"{shown} has {len(names)} sheet(s); no sheet index {sheet}")
        return names[sheet]
    if sheet in names:
        return sheet
    folded = {n.strip().casefold(): n for n in names}
    if str(sheet).strip().casefold() in folded:
        return folded[str(sheet).strip().casefold()]
    raise InputFormatError(f"{shown} has no sheet {sheet!r}; sheets: {', '.join(names)}")


@lru_cache(maxsize=4096)
def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _letters(number: int) -> str:
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


_CHUNK = 1 << 22  # bytes of sheet XML scanned at a time
_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix
# cells and rows as Excel and the usual libraries write them: the reference first
_CELL_REF_FIRST = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
_ROW_REF_FIRST = re.compile(rb'<row r="(\d+)"')
_SPECIAL = re.compile(rb"<f[\s>/]|\bt=[\"']e[\"']")
_CLOSED = re.compile(rb"</" + _P + rb"(?:c|row)>")
_CELL = re.compile(rb"<" + _P + rb"c(\s[^>]*?)?(?:/>|>(.*?)</" + _P + rb"c>)", re.S)
_ATTR_R = re.compile(rb"\br=[\"']([A-Za-z]{1,3})(\d+)[\"']")
_ATTR_T = re.compile(rb"\bt=[\"'](\w+)[\"']")
_VALUE = re.compile(rb"<" + _P + rb"v(?:\s[^>]*)?>(.*?)</" + _P + rb"v>", re.S)
_FORMULA = re.compile(rb"<" + _P + rb"f(?:\s[^>]*?)?(?:/>|>(.*?)</" + _P + rb"f>)", re.S)


class _Irregular(Exception):
    """Rows or cells without their ``r`` reference: the XML parser numbers them."""


def _scan_sheet(stream: IO[bytes], limits: ReadLimits,
                shown: str) -> list[tuple[int, int, str, str]]:
    """Stream a worksheet's XML: check its extent against ``limits``; return its formula
    cells without a cached value and its error cells as (row, column, text, kind), 1-based.

    The XML is scanned with regular expressions, a few megabytes at a time (cut after a
    closed cell or row, so no cell is split): the extent comes from the rows' and cells'
    ``r`` references, and only cells holding a formula or an error are looked at one by
    one. A sheet with a row or cell without its reference is parsed as XML instead.
    """
    head = stream.read(_CHUNK)
    try:
        return _regex_scan(head, stream, limits, shown)
    except _Irregular:
        return _parse_sheet(_Replay(head, stream), limits, shown)


class _Replay(io.RawIOBase):
    """``stream`` with ``head`` (already read from it) put back in front."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        data = self._head[:len(buffer)] if self._head else self._stream.read(len(buffer))
        self._head = self._head[len(data):] if self._head else b""
        buffer[:len(data)] = data
        return len(data)


def _regex_scan(head: bytes, stream: IO[bytes], limits: ReadLimits,
                shown: str) -> list[tuple[int, int, str, str]]:
    """The fast scan of :func:`_scan_sheet`; raises :class:`_Irregular` for a sheet it does
    not read exactly (a row or cell whose reference is not its first attribute or is
    missing, namespace prefixes on the cells: every ``<c`` and ``<row`` tag is counted and
    must have been matched)."""
    issues: list[tuple[int, int, str, str]] = []
    max_row = max_col = 0
    carry, chunk = b"", head
    while chunk:
        buffer = carry + chunk
        chunk = stream.read(_CHUNK)
        cut = _last_closed(buffer) if chunk else len(buffer)
        segment, carry = buffer[:cut], buffer[cut:]
        if b":c " in segment or b":c>" in segment or b":row" in segment:
            raise _Irregular  # prefixed tags (or such text): the parser decides
        cells = _CELL_REF_FIRST.findall(segment)
        tags = sum(segment.count(t) for t in (b"<c ", b"<c>", b"<c/"))
        rows = _ROW_REF_FIRST.findall(segment)
        row_tags = sum(segment.count(t) for t in (b"<row ", b"<row>", b"<row/"))
        if len(cells) != tags or len(rows) != row_tags:
            raise _Irregular
        if cells:
            max_col = max(max_col, max(_column_number(c.decode())
                                       for c in {c for c, _ in cells}))
            rows = [*rows, *{r for _, r in cells}]
        if rows:
            max_row = max(max_row, max(map(int, set(rows))))
        limits.shape(max(max_row - 1, 0), max_col, shown, at_least=bool(chunk))
        if b"<f" in segment or b"t=\"e\"" in segment or b"t='e'" in segment:
            issues.extend(_special_cells(segment))
    return issues


def _last_closed(buffer: bytes) -> int:
    """Position just after the last ``</c>`` or ``</row>`` of ``buffer`` (0: none)."""
    end = len(buffer)
    while True:
        start = buffer.rfind(b"</", 0, end)
        if start < 0:
            return 0
        found = _CLOSED.match(buffer, start)
        if found:
            return found.end()
        end = start


def _special_cells(segment: bytes) -> list[tuple[int, int, str, str]]:
    """Formula cells without a cached value and error cells of a segment of sheet XML."""
    out: list[tuple[int, int, str, str]] = []
    done = -1  # end of the last cell looked at
    for hit in _SPECIAL.finditer(segment):
        if hit.start() < done:
            continue  # in a cell already looked at
        start, cell = hit.start(), None
        while True:  # the cell's start tag: back over the few tags inside the cell
            start = segment.rfind(b"<", 0, start)
            if start < 0 or _CLOSED.match(segment, start) or segment.startswith(b"<row",
                                                                                start):
                break  # not inside a cell (e.g. a t="e" elsewhere)
            found = _CELL.match(segment, start)
            if found is not None:
                cell = found if found.end() > hit.start() else None
                break
        if cell is None:
            continue
        done = cell.end()
        attributes, content = cell.group(1) or b"", cell.group(2) or b""
        ref = _ATTR_R.search(attributes)
        if ref is None:
            continue
        column, row = _column_number(ref.group(1).decode()), int(ref.group(2))
        kind = _ATTR_T.search(attributes)
        kind_text = kind.group(1).decode() if kind else "n"
        value = _VALUE.search(content)
        value_text = _text(value.group(1)) if value else ""
        formula = _FORMULA.search(content)
        if kind_text == "e" and value_text:
            out.append((row, column, value_text, "error"))
        elif formula is not None and not value_text and kind_text not in ("str", "s",
                                                                          "inlineStr"):
            text = _text(formula.group(1) or b"")
            out.append((row, column, f"={text}" if text else "=(shared formula)", "formula"))
    return out


def _text(raw: bytes) -> str:
    """XML text content (entities and character references resolved)."""
    import html

    return html.unescape(raw.decode("utf-8", errors="replace"))


def _parse_sheet(stream: IO[bytes], limits: ReadLimits,
                shown: str) -> list[tuple[int, int, str, str]]:
    """:func:`_scan_sheet` by an XML parser, for sheets whose rows or cells lack their
    ``r`` reference (numbered as openpyxl does: one after the previous row, a new row
    starting at column 1, or cell); slower, as it handles every element in Python."""
    issues: list[tuple[int, int, str, str]] = []
    pending: list[tuple[int | None, int, str, str]] = []  # cells of the current row
    row = 0  # number of the previous row
    col = 0  # column of the previous cell in the current row
    row_of_refs = 0  # largest row number named by a cell of the current row
    max_row = max_col = 0
    try:
        for _, elem in iterparse(stream, events=("end",)):
            tag = elem.tag
            local = tag[tag.rfind("}") + 1:]
            if local == "c":
                ref = elem.get("r")
                cell_row: int | None = None
                if ref:
                    found = _CELL_REF.fullmatch(ref)
                    if found:
                        col = _column_number(found[1])
                        cell_row = int(found[2])
                        row_of_refs = max(row_of_refs, cell_row)
                    else:
                        col += 1
                else:
                    col += 1
                if col > max_col:
                    max_col = col
                    limits.shape(max(max_row - 1, 0), max_col, shown, at_least=True)
                kind = elem.get("t")
                if kind == "e" or len(elem):  # a value or a formula: look closer
                    value = formula = None
                    for child in elem:
                        name = child.tag[child.tag.rfind("}") + 1:]
                        if name == "v":
                            value = child.text
                        elif name == "f":
                            formula = child
                    if kind == "e" and value:
                        pending.append((cell_row, col, value, "error"))
                    elif formula is not None and not value and kind not in ("str", "s",
                                                                             "inlineStr"):
                        text = f"={formula.text}" if formula.text else "=(shared formula)"
                        pending.append((cell_row, col, text, "formula"))
                elem.clear()
            elif local == "row":
                r = elem.get("r")
                row = int(r) if r and r.isdigit() else row + 1
                number = max(row, row_of_refs)
                if number > max_row:
                    max_row = number
                    limits.shape(max_row - 1, max_col, shown, at_least=True)
                for cell_row, cell_col, text, kind in pending:
                    issues.append((cell_row or row, cell_col, text, kind))
                pending.clear()
                col = row_of_refs = 0
                elem.clear()
            elif local == "sheetData":
                break  # the cells are all read
    except ParseError as exc:
        raise InputFormatError(f"{shown}: the sheet is not well-formed XML ({exc})") from None
    return issues


def _cell_issues(issues: list[tuple[int, int, str, str]], names: list[str],
                 shown: str) -> pd.DataFrame:
    """``RawTable.cell_issues`` from (row, column, text, kind) and warn once about them."""
    if not issues:
        return no_cell_issues()
    formulas = [i for i in issues if i[3] == "formula"]
    errors = [i for i in issues if i[3] == "error"]
    parts = []
    for found, what in ((formulas, "formula cell(s) without a cached value"),
                        (errors, "cell(s) holding an Excel error value")):
        if found:
            refs = ", ".join(f"{_letters(c)}{r}" for r, c, _, _ in found[:_SHOWN_CELLS])
            more = ", ..." if len(found) > _SHOWN_CELLS else ""
            parts.append(f"{len(found):,} {what} ({refs}{more})")
    warnings.warn(
        f"{shown}: {' and '.join(parts)}; pandas would read them as blank. Rows with such "
        "a cell in a column that is read are rejected, other rows get a note (open and "
        "save the workbook in Excel, or fix the cells, to read them)",
        InputWarning, stacklevel=6)
    rows = [(r - 2, c, t, k) for r, c, t, k in issues if r >= 2]  # the header row: warned
    if not rows:
        return no_cell_issues()
    pos = np.array([r for r, _, _, _ in rows], dtype=np.int64)
    columns = np.array([names[c - 1] if c <= len(names) else f"column {_letters(c)}"
                        for _, c, _, _ in rows], dtype=object)
    text = np.array([t for _, _, t, _ in rows], dtype=object)
    is_formula = np.array([k == "formula" for _, _, _, k in rows], dtype=bool)
    reason = np.where(is_formula, _FORMULA_REASON,
                      pd.Series(text, dtype=object).radd("Excel error value ").to_numpy())
    note = np.where(is_formula, _FORMULA_NOTE,
                    pd.Series(text, dtype=object).radd("Excel error value ").add(
                        " (read as blank)").to_numpy())
    note = ("column " + pd.Series(columns, dtype=object).map(repr) + ": " + note).to_numpy(
        dtype=object)
    return pd.DataFrame(dict(zip(CELL_ISSUE_COLUMNS, (pos, columns, text, reason.astype(object),
                                                      note), strict=True)))


def _drop_trailing_empty(frame: pd.DataFrame, keep: int = 0) -> pd.DataFrame:
    """Drop blank rows at the end, but not the first ``keep`` rows."""
    filled = frame.notna().any(axis=1).to_numpy()
    if filled.all():
        return frame
    last = int(filled.nonzero()[0][-1]) + 1 if filled.any() else 0
    return frame.iloc[:max(last, min(keep, len(frame)))]
