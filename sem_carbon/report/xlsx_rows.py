"""Many rows of one worksheet written as SpreadsheetML directly, a column at a time.

openpyxl builds every cell as a Python object and serialises it element by element (about
17 µs a cell): 100,000 inventory rows of 50 columns took about a minute. Here each cell is
``<c r="`` + its column letters, the row number, and a tail that depends on its value
only: the tail (formula-safe, escaped text; a number's shortest round-trip text) is built
once per distinct value and picked for every row by the value's code, and each block of
rows is one ``str.join`` over these shared pieces (no per-cell string is built). The
rows are streamed into the sheet openpyxl wrote (header and first row, so every style
already exists) before the closing ``</sheetData>``. The cells follow ECMA-376 Part 1,
§18.3.1.4 (``c``): numbers as ``<v>``, booleans ``t="b"``, text as inline strings
``t="inlineStr"`` (no shared-string table), dates as serial numbers with the date style of
the first row; every cell names its place (``r="B7"``), so empty cells are left out.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io.writers import FORMULA_PREFIXES, neutralise_cell

__all__ = ["append_rows", "rows_xml"]

#: Characters XML 1.0 does not allow (control characters other than tab, LF, CR, and the
#: non-characters U+FFFE, U+FFFF): dropped from text on both of the workbook's paths.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = np.datetime64("1899-12-30")


def _letters(i: int) -> str:
    """Column letters of 0-based column ``i`` (0 -> A, 26 -> AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _escape(texts: list[str]) -> list[str]:
    """XML text of distinct values (``&``, ``<``, ``>`` escaped, illegal characters dropped)."""
    if XML_ILLEGAL.search("".join(texts)):  # rare: one search over all of them first
        texts = [XML_ILLEGAL.sub("", t) for t in texts]
    return [t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for t in texts]


def _safe_texts(uniques: Any) -> list[str]:
    """Text of distinct values, text values made formula-safe (:func:`neutralise_cell`).

    Only text that starts with a formula character or holds a line break can change, so
    the others are not passed to it.
    """
    values = np.asarray(uniques, dtype=object).tolist()
    texts = [v if type(v) is str else str(v) for v in values]
    for i, v in enumerate(values):
        if isinstance(v, str) and (v.startswith(FORMULA_PREFIXES) or "\r" in v or "\n" in v):
            texts[i] = neutralise_cell(v)
    return texts


class _Column:
    """The cells of one column as ``head + row number + tail``, the tail chosen per row.

    ``head`` is ``<c r="B`` (the column's letters), ``tails`` the rest of a cell for each
    distinct value (built and UTF-8 encoded once per value, however many rows hold it),
    ``codes`` each row's index into ``tails`` and ``present`` which rows have a cell at
    all (None: every row). Pieces are bytes: the rows are joined straight into what the
    zip part takes, with no encoding pass over them.
    """

    __slots__ = ("codes", "head", "present", "tails")

    def __init__(self, head: bytes, tails: np.ndarray, codes: np.ndarray,
                 present: np.ndarray | None) -> None:
        self.head, self.tails, self.codes, self.present = head, tails, codes, present


def _factorize(values: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes (-1: missing) and distinct values."""
    return pd.factorize(values, use_na_sentinel=True)


def _text_tails(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and the tails of inline-string cells (formula-safe, escaped; "" = no cell)."""
    codes, uniques = _factorize(values)
    texts = _safe_texts(uniques)
    inner = ('" t="inlineStr"><is><t>', '" t="inlineStr"><is><t xml:space="preserve">')
    tails = [inner[t != t.strip()] + x + "</t></is></c>" if t else ""  # "": an empty cell
             for t, x in zip(texts, _escape(texts), strict=True)]
    return codes, np.array(tails, dtype=object)


def _number_texts(numbers: np.ndarray, integer: bool) -> np.ndarray:
    """Text of finite numbers: whole numbers for an integer column, else Python's shortest
    round-trip ``repr`` (what openpyxl writes, with all 17 digits when they are needed)."""
    if integer:
        return numbers.astype(np.int64).astype(str).astype(object)
    return np.array(list(map(float.__repr__, numbers.tolist())), dtype=object)


def _number_tails(values: pd.Series, style: str) -> tuple[np.ndarray, np.ndarray]:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    # distinct bit patterns, not values: -0.0 keeps its sign (0.0 == -0.0 would merge them)
    codes, bits = _factorize(pd.Series(numbers.view(np.int64)))
    numbers = np.asarray(bits, dtype=np.int64).view(np.float64)
    finite = np.isfinite(numbers)
    text = _number_texts(numbers[finite], pd.api.types.is_integer_dtype(values.dtype))
    gap = '"' + style + " />" if style else ""  # a gap keeps its format
    tails = np.full(len(numbers), gap, dtype=object)
    tails[finite] = '"' + style + "><v>" + text + "</v></c>"
    return codes, tails


def _date_tails(values: pd.Series, style: str) -> tuple[np.ndarray, np.ndarray]:
    stamps = pd.to_datetime(values, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    codes, uniques = _factorize(stamps)
    raw = np.asarray(uniques, dtype="datetime64[ns]")
    ok = ~np.isnat(raw)
    days = np.where(ok, (raw - _EXCEL_EPOCH) / np.timedelta64(1, "D"), 0.0).round(8)
    tails = np.full(len(raw), "", dtype=object)
    tails[ok] = '"' + style + "><v>" + days[ok].astype(str).astype(object) + "</v></c>"
    return codes, tails


def _bool_tails(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes = np.where(values.isna().to_numpy(), -1,
                     values.fillna(False).astype(bool).to_numpy().astype(np.int64))
    return codes, np.array(['" t="b"><v>0</v></c>', '" t="b"><v>1</v></c>'], dtype=object)


def _all_bool(values: pd.Series) -> bool:
    """Whether every value present is a boolean (judged on the distinct values)."""
    uniques = pd.unique(values.dropna())
    return len(uniques) > 0 and all(isinstance(u, (bool, np.bool_)) for u in uniques)


def _column(values: pd.Series, letters: str, style: str) -> _Column | None:
    """The cells of one column (None: it has none)."""
    if not values.notna().any():
        return None  # an empty column: no cells (every cell names its place, r="B7")
    if pd.api.types.is_bool_dtype(values.dtype):
        codes, tails = _bool_tails(values)
    elif pd.api.types.is_datetime64_any_dtype(values.dtype):
        codes, tails = _date_tails(values, style)
    elif pd.api.types.is_numeric_dtype(values.dtype):
        codes, tails = _number_tails(values, style)
    elif _all_bool(values):  # True/False with gaps: an object column
        codes, tails = _bool_tails(values)
    else:
        codes, tails = _text_tails(values)
    # code -1 (missing) takes the last one: no cell
    tails = np.array([t.encode("utf-8") for t in tails.tolist()] + [b""], dtype=object)
    codes = np.asarray(codes, dtype=np.intp)
    absent = tails == b""
    present = None if not absent.any() else ~absent[codes]
    return _Column(b'<c r="' + letters.encode("ascii"), tails, codes, present)


#: Rows joined into one piece of text at a time (bounds the memory of a long sheet).
_CHUNK_ROWS = 20_000


def _row_chunks(columns: list[_Column | None], first_row: int, n: int) -> Iterator[bytes]:
    """The ``<row>`` elements (UTF-8), :data:`_CHUNK_ROWS` at a time.

    Each chunk is one ``bytes.join`` over a table of pieces (row by row: ``<row r="``, the
    number, ``">``, then head, number and tail of each cell, ``</row>``): the constant
    pieces are shared, so no cell's text is built by concatenation.
    """
    cells = [c for c in columns if c is not None]
    width = 4 + 3 * len(cells)
    for start in range(0, n, _CHUNK_ROWS):
        stop = min(start + _CHUNK_ROWS, n)
        numbers = np.arange(first_row + start, first_row + stop).astype("S").astype(object)
        parts = np.empty((stop - start, width), dtype=object)
        parts[:, 0], parts[:, 1], parts[:, 2], parts[:, -1] = b'<row r="', numbers, b'">', \
            b"</row>"
        for j, column in enumerate(cells):
            at = 3 + 3 * j
            parts[:, at], parts[:, at + 1] = column.head, numbers
            parts[:, at + 2] = column.tails[column.codes[start:stop]]
            if column.present is not None:
                parts[~column.present[start:stop], at:at + 2] = b""
        yield b"".join(parts.ravel().tolist())


def _columns(frame: pd.DataFrame, styles: dict[int, str]) -> list[_Column | None]:
    return [_column(frame.iloc[:, i], _letters(i),
                    f' s="{styles[i]}"' if i in styles else "")
            for i in range(frame.shape[1])]


def rows_xml(frame: pd.DataFrame, first_row: int, styles: dict[int, str] | None = None
             ) -> str:
    """The ``<row>`` elements of ``frame``, the first numbered ``first_row``.

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
    openpyxl wrote it), so number and date formats carry on. The archive is rewritten
    once, whatever the number of sheets.

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
    """Bytes of the rows, at most (row numbers counted at their longest)."""
    digits = len(str(first_row + n - 1))
    size = n * (len('<row r="">') + digits + len("</row>"))
    for column in columns:
        if column is None:
            continue
        tail_bytes = np.fromiter(map(len, column.tails.tolist()), dtype=np.int64,
                                 count=len(column.tails))
        cells = n if column.present is None else int(column.present.sum())
        size += cells * (len(column.head) + digits) + int(tail_bytes[column.codes].sum())
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


def _write_grown(target: zipfile.ZipFile, info: zipfile.ZipInfo, xml: str,
                 frame: pd.DataFrame, first_row: int) -> None:
    """Write the worksheet ``xml`` with the rows of ``frame``, streamed a chunk at a time."""
    head, tail, styles = _split_sheet(xml, frame, first_row)
    columns = _columns(frame, styles)
    grown = zipfile.ZipInfo(info.filename, info.date_time)
    grown.compress_type = zipfile.ZIP_DEFLATED
    grown._compresslevel = 1  # type: ignore[attr-defined]  # what writestr(compresslevel=) sets
    # the size decides whether the part needs ZIP64 (as writestr decides it)
    grown.file_size = (len(head.encode("utf-8")) + len(tail.encode("utf-8"))
                       + _size(columns, first_row, len(frame)))
    with target.open(grown, "w") as part, ThreadPoolExecutor(max_workers=1) as writer:
        part.write(head.encode("utf-8"))
        # deflating a block (zlib lets go of the GIL) overlaps with joining the next one;
        # one block is written at a time, in order
        written = None
        for chunk in _row_chunks(columns, first_row, len(frame)):
            if written is not None:
                written.result()
            written = writer.submit(part.write, chunk)
        if written is not None:
            written.result()
        part.write(tail.encode("utf-8"))


def _rewrite(path: Path, tmp: Path, sheets: dict[str, pd.DataFrame], first_row: int) -> None:
    """Copy the workbook ``path`` to ``tmp`` with the rows added to their sheets.

    The grown worksheets are deflated at level 1, the fastest: they are nearly all of the
    workbook's bytes, and level 6 takes about 3x as long for a file about a fifth smaller
    (100,000 activities rows of the 1M-leg benchmark: 170 MB of XML, 1.5 s and 30 MB at
    level 1, 4.4 s and 24 MB at level 6); the other parts keep zlib's default level.
    """
    with zipfile.ZipFile(path) as source:
        frames = {_sheet_part(source, sheet): frame for sheet, frame in sheets.items()}
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                frame = frames.get(info.filename)
                if frame is None:
                    target.writestr(info, source.read(info),
                                    compress_type=zipfile.ZIP_DEFLATED)
                else:
                    _write_grown(target, info, source.read(info).decode("utf-8"), frame,
                                 first_row)
