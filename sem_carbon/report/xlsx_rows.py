"""Many rows of one worksheet written as SpreadsheetML directly, a column at a time.

openpyxl builds every cell as a Python object and serialises it element by element (about
17 µs a cell): 100,000 inventory rows of 50 columns took about a minute. Here each column
becomes the XML text of its cells with vectorised string operations (text columns are
escaped once per distinct value), the rows are joined, and the text is put into the sheet
openpyxl wrote (header and first row, so every style already exists) before the closing
``</sheetData>``. The cells follow ECMA-376 Part 1, §18.3.1.4 (``c``): numbers as ``<v>``,
booleans ``t="b"``, text as inline strings ``t="inlineStr"`` (no shared-string table),
dates as serial numbers with the date style of the first row; every cell names its place
(``r="B7"``), so empty cells are left out.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["append_rows", "rows_xml"]

#: Characters XML 1.0 does not allow (control characters other than tab, LF, CR, and the
#: non-characters U+FFFE, U+FFFF): dropped from text on both of the workbook's paths.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = np.datetime64("1899-12-30")


def _letters(i: int) -> str:
    """Column letters of 0-based column ``i`` (0 -> A, 26 -> AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _escape(text: pd.Series) -> pd.Series:
    """XML text of distinct values (``&``, ``<``, ``>`` escaped, illegal characters dropped)."""
    return (text.str.replace(XML_ILLEGAL, "", regex=True).str.replace("&", "&amp;", regex=False)
            .str.replace("<", "&lt;", regex=False).str.replace(">", "&gt;", regex=False))


def _text_cells(values: pd.Series, ref: np.ndarray) -> np.ndarray:
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    texts = pd.Series([str(u) for u in uniques], dtype=object)
    escaped = _escape(texts).to_numpy(dtype=object)
    plain = texts.str.strip().to_numpy(dtype=object) == texts.to_numpy(dtype=object)
    inner = np.where(plain, "<is><t>", '<is><t xml:space="preserve">').astype(object)
    cells = '" t="inlineStr">' + inner + escaped + "</t></is></c>"
    cells = np.append(cells, "")
    empty = np.append(texts.to_numpy(dtype=object) == "", True)
    missing = empty[codes]  # -1 (missing): the appended True
    return np.where(missing, "", '<c r="' + ref + cells[codes])


def _numbers_text(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Shortest round-trip text of each number, and where it is finite."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(numbers)
    if pd.api.types.is_integer_dtype(values.dtype):
        text = np.where(finite, numbers, 0).astype(np.int64).astype(str)
    else:
        text = numbers.astype(str)  # numpy writes 16 significant digits here, and some
        safe = np.where(finite, numbers, 0.0)  # floats need 17 to read back the same:
        lossy = np.flatnonzero(finite & (np.where(finite, text, "0").astype(float) != safe))
        if len(lossy):  # those few take Python's shortest round-trip repr
            text = text.astype(object)
            text[lossy] = [repr(x) for x in numbers[lossy].tolist()]
    return text.astype(object), finite


def _number_cells(values: pd.Series, ref: np.ndarray, style: str) -> np.ndarray:
    text, finite = _numbers_text(values)
    empty = '<c r="' + ref + '"' + style + " />" if style else ""  # a gap keeps its format
    return np.where(finite, '<c r="' + ref + '"' + style + "><v>" + text + "</v></c>", empty)


def _date_cells(values: pd.Series, ref: np.ndarray, style: str) -> np.ndarray:
    stamps = pd.to_datetime(values, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    raw = stamps.to_numpy(dtype="datetime64[ns]")
    ok = ~np.isnat(raw)
    days = np.where(ok, (raw - _EXCEL_EPOCH) / np.timedelta64(1, "D"), 0.0).round(8)
    text = days.astype(str).astype(object)
    return np.where(ok, '<c r="' + ref + '"' + style + "><v>" + text + "</v></c>", "")


def _bool_cells(values: pd.Series, ref: np.ndarray) -> np.ndarray:
    known = values.notna().to_numpy()
    flag = np.where(values.fillna(False).astype(bool).to_numpy(), "1", "0").astype(object)
    return np.where(known, '<c r="' + ref + '" t="b"><v>' + flag + "</v></c>", "")


def _all_bool(values: pd.Series) -> bool:
    """Whether every value present is a boolean (judged on the distinct values)."""
    uniques = pd.unique(values.dropna())
    return len(uniques) > 0 and all(isinstance(u, (bool, np.bool_)) for u in uniques)


def rows_xml(frame: pd.DataFrame, first_row: int, styles: dict[int, str] | None = None
             ) -> str:
    """The ``<row>`` elements of ``frame``, the first numbered ``first_row``.

    Parameters
    ----------
    frame : DataFrame
        Formula-safe values (see :func:`sem_carbon.io.writers.neutralise_frame`).
    first_row : int
        Spreadsheet row number of the frame's first row.
    styles : dict of int to str, optional
        Column position -> style index (``s``) of its cells (dates need one).

    Returns
    -------
    str
    """
    n = len(frame)
    if n == 0:
        return ""
    styles = styles or {}
    numbers = np.arange(first_row, first_row + n).astype(str).astype(object)
    row_text = np.full(n, "", dtype=object)
    for i in range(frame.shape[1]):
        values = frame.iloc[:, i]
        if not values.notna().any():
            continue  # an empty column: no cells (every cell names its place, r="B7")
        ref = _letters(i) + numbers
        style = f' s="{styles[i]}"' if i in styles else ""
        if pd.api.types.is_bool_dtype(values.dtype):
            cells = _bool_cells(values, ref)
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            cells = _date_cells(values, ref, style)
        elif pd.api.types.is_numeric_dtype(values.dtype):
            cells = _number_cells(values, ref, style)
        elif _all_bool(values):  # True/False with gaps: an object column
            cells = _bool_cells(values, ref)
        else:
            cells = _text_cells(values, ref)
        row_text = row_text + cells
    rows = '<row r="' + numbers + '">' + row_text + "</row>"
    return "".join(rows.tolist())


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


def _with_rows(xml: str, frame: pd.DataFrame, first_row: int) -> str:
    """A worksheet's XML with the rows of ``frame`` added after its row ``first_row - 1``."""
    from openpyxl.utils import column_index_from_string

    last = re.search(r'<row r="' + str(first_row - 1) + r'"[^>]*>(.*?)</row>', xml, re.S)
    styles = {}
    if last:
        for cell in re.finditer(r'<c r="([A-Z]+)\d+"([^>]*)', last.group(1)):
            style = re.search(r'\bs="(\d+)"', cell.group(2))
            if style:
                styles[column_index_from_string(cell.group(1)) - 1] = style.group(1)
    body = rows_xml(frame, first_row, styles)
    at = xml.rindex("</sheetData>")
    xml = xml[:at] + body + xml[at:]
    dimension = (f'<dimension ref="A1:{_letters(frame.shape[1] - 1)}'
                 f'{first_row + len(frame) - 1}" />')
    if re.search(r"<dimension\b", xml):
        return re.sub(r"<dimension\b[^>]*/>", dimension, xml, count=1)
    # its place: after sheetPr, before sheetViews (ECMA-376 §18.3.1.99)
    at = xml.find("<sheetViews")
    at = at if at >= 0 else xml.find("<sheetFormatPr")
    at = at if at >= 0 else xml.find("<sheetData")
    return xml[:at] + dimension + xml[at:]


def _rewrite(path: Path, tmp: Path, sheets: dict[str, pd.DataFrame], first_row: int) -> None:
    """Copy the workbook ``path`` to ``tmp`` with the rows added to their sheets."""
    with zipfile.ZipFile(path) as source:
        parts = {_sheet_part(source, sheet): _with_rows(
            source.read(_sheet_part(source, sheet)).decode("utf-8"), frame, first_row)
            for sheet, frame in sheets.items()}
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
            for info in source.infolist():
                grown = parts.get(info.filename)
                data = grown.encode("utf-8") if grown is not None else source.read(info)
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED,
                                compresslevel=1 if grown is not None else None)
