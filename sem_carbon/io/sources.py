"""Any supported source -> a raw DataFrame of the source's own columns.

Sources
    a path (``str`` or ``os.PathLike``; a directory is read as a Parquet dataset), an
    ``http(s)://`` URL (see :mod:`sem_carbon.io.http`), a binary file object, or a
    :class:`pandas.DataFrame`.
Formats
    delimited text (:mod:`sem_carbon.io.csvfile`), Excel ``.xlsx``/``.xlsm`` (openpyxl)
    and ``.xls`` (xlrd), Parquet, JSON (an array of records, JSON lines, or an object
    holding one array of records); gzip-compressed files are decompressed first.
How the format is decided
    for a URL, from the Content-Type when it names one of the formats, else from the path
    suffix; for a path or file object, from the suffix; when neither decides, from the
    first bytes (zip -> xlsx, OLE2 -> xls, ``PAR1`` -> Parquet, ``[``/``{`` -> JSON,
    else text). A binary format whose signature does not match is an error.

Header names are stripped; repeated names get ``.1``, ``.2`` and empty ones
``column_<n>`` (in every format, Parquet included). Rows keep the source's numbering (first
data row = spreadsheet row 2); blank rows at the end of a file are dropped. Excel: the
first visible sheet (the other visible sheets known by their header row, for the readers'
warning), and cells read as blank though Excel shows a value are listed in
``RawTable.cell_issues`` (see :mod:`sem_carbon.io.excel`); :func:`load_sheets` reads
several sheets of one workbook, fetched once.

Every file and URL is checked against the size limits of :mod:`sem_carbon.io.bounds`
(``max_bytes``, ``max_rows``, ``max_columns``, ``max_cells``) before what would need the
memory is loaded, where the format allows.

A local file of 1 MB or more is memory-mapped instead of read into memory: the CSV parser
reads its pages in place.
"""

from __future__ import annotations

import gzip
import io
import json
import mmap
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pandas as pd

from ..errors import InputFormatError
from .bounds import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CELLS,
    DEFAULT_MAX_COLUMNS,
    DEFAULT_MAX_ROWS,
    ReadLimits,
)
from .csvfile import (
    ByteData,
    decode_to_utf8,
    dedupe_names,
    encoding_problem,
    is_blank,
    read_delimited,
    starts_with,
)
from .excel import read_excel
from .http import DEFAULT_DEADLINE, DEFAULT_RETRIES, DEFAULT_TIMEOUT, fetch_url
from .raw import RawTable, decimal_origin
from .redact import is_url, redact_url

__all__ = ["RawTable", "detect_format", "load_sheets", "load_source"]

_SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".tab": "csv", ".psv": "csv", ".dat": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "json", ".ndjson": "json",
}  # fmt: skip
_MEDIA_TYPES = {
    "text/csv": "csv", "application/csv": "csv", "text/x-csv": "csv",
    "text/comma-separated-values": "csv", "text/tab-separated-values": "csv",
    "application/json": "json", "text/json": "json", "application/x-ndjson": "json",
    "application/ndjson": "json", "application/jsonl": "json", "application/x-jsonlines": "json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.apache.parquet": "parquet", "application/x-parquet": "parquet",
    "application/parquet": "parquet",
}  # fmt: skip
_MAGIC = {"xlsx": b"PK\x03\x04", "xls": b"\xd0\xcf\x11\xe0", "parquet": b"PAR1"}
_GZIP = b"\x1f\x8b"
_MAP_ABOVE = 1 << 20  # files from this size are memory-mapped


def _by_magic(data: ByteData) -> str | None:
    for fmt, magic in _MAGIC.items():
        if starts_with(data, magic):
            return fmt
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"[", b"{")):
        return "json"
    return None


def detect_format(data: ByteData, name: str, media_type: str = "") -> str:
    """Decide the format of ``data`` (see the module notes).

    Parameters
    ----------
    data : bytes
        The content (already decompressed).
    name : str
        File name or URL path (its suffix is used).
    media_type : str
        Content-Type media type of a download ("" for files).

    Returns
    -------
    str
        ``csv``, ``xlsx``, ``xls``, ``parquet`` or ``json``.
    """
    fmt = _MEDIA_TYPES.get(media_type.lower())
    if fmt is None:
        fmt = _SUFFIXES.get(Path(name).suffix.lower())
    if fmt is None:
        fmt = _by_magic(data) or "csv"
    if fmt in _MAGIC and not starts_with(data, _MAGIC[fmt]):
        sniffed = _by_magic(data)
        if media_type and media_type.lower() in _MEDIA_TYPES and sniffed is None:
            # e.g. CSV served as application/vnd.ms-excel: trust the bytes
            return _SUFFIXES.get(Path(name).suffix.lower(), "csv")
        if sniffed is not None and sniffed != fmt:
            return sniffed
        if sniffed is None:
            raise InputFormatError(
                f"{name} should be {fmt} (by its {'Content-Type' if media_type else 'suffix'}) "
                "but its content does not start with the signature of that format"
            )
    return fmt


def load_source(
    source: Any,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retries: int = DEFAULT_RETRIES,
    deadline: float = DEFAULT_DEADLINE,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_cells: int = DEFAULT_MAX_CELLS,
    progress: bool | None = None,
    header_row: int | None = None,
) -> RawTable:
    """Read ``source`` into a :class:`RawTable`.

    Parameters
    ----------
    source : path, URL, binary file object or DataFrame
        What to read.
    sheet : str or int, optional
        Excel sheet name or 0-based index (default: the first visible sheet).
    encoding, delimiter, decimal : str, optional
        Overrides for delimited text (see :mod:`sem_carbon.io.csvfile`).
    timeout, retries, deadline
        For URLs (see :func:`sem_carbon.io.http.fetch_url`).
    max_bytes, max_rows, max_columns, max_cells : int
        Size limits of files and URLs (see :mod:`sem_carbon.io.bounds`); a DataFrame is
        already in memory and is not checked.
    progress : bool or None
        Progress bars (None: only when stderr is a terminal).
    header_row : int, optional
        The row of the column names (1-based), where the other visible sheets of a
        workbook are looked at (``RawTable.other_sheets``); the table returned still starts
        at row 1 (see :func:`sem_carbon.io.header.apply_header_row`).

    Raises
    ------
    InputFormatError
        Missing file, unsupported scheme, unreadable content, empty source, a size limit
        exceeded.
    """
    if isinstance(sheet, list | tuple) or (isinstance(sheet, str) and sheet == "all"):
        raise InputFormatError(f"sheet={sheet!r} reads several sheets: only "
                               "sc.read_travel_log and sc.read_facilities take it")
    if isinstance(source, pd.DataFrame):
        if isinstance(source.columns, pd.MultiIndex):
            raise InputFormatError("a DataFrame with MultiIndex columns cannot be read; "
                                   "flatten the column names first")
        frame = source.reset_index(drop=True)
        frame.columns = dedupe_names(list(source.columns))
        shape = f"{len(source):,} rows × {source.shape[1]} columns"
        return RawTable(frame, f"DataFrame ({shape})", "dataframe", decimal or ".",
                        decimal_origin=decimal_origin(decimal, decimal or "."),
                        decimal_given=decimal is not None)
    limits = ReadLimits(max_bytes, max_rows, max_columns, max_cells)
    options = {"sheet": sheet, "encoding": encoding, "delimiter": delimiter, "decimal": decimal,
               "progress": progress, "header_row": header_row}
    if isinstance(source, str | os.PathLike) and Path(source).is_dir() and not (
            isinstance(source, str) and is_url(source.strip())):
        return _parquet(Path(source), os.fspath(source), limits)
    data, name, shown, media_type = _acquire(source, limits, options, timeout, retries,
                                             deadline)
    return _from_bytes(data, name, shown, media_type, limits=limits, **options)


def load_sheets(source: Any, sheets: str | Sequence[str], *,
                pick: Callable[[RawTable], list[str]], header_row: int | None = None,
                decimal: str | None = None, timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
                max_bytes: int = DEFAULT_MAX_BYTES, retries: int = DEFAULT_RETRIES,
                deadline: float = DEFAULT_DEADLINE, max_rows: int = DEFAULT_MAX_ROWS,
                max_columns: int = DEFAULT_MAX_COLUMNS, max_cells: int = DEFAULT_MAX_CELLS,
                progress: bool | None = None) -> tuple[str, list[RawTable]]:
    """Several sheets of one workbook (fetched and checked once), each a :class:`RawTable`
    with ``header_row`` applied and its source text naming its sheet.

    Parameters
    ----------
    source : path, URL or binary file object
        An Excel workbook.
    sheets : "all" or sequence of str
        ``"all"``: the first visible sheet and the sheets ``pick`` names; else these sheets,
        by name, in this order.
    pick : callable
        The first visible sheet read -> names of the other sheets to read with it.
    header_row : int, optional
        As for :func:`sem_carbon.io.header.apply_header_row`, on every sheet.
    decimal, timeout, max_bytes, retries, deadline, max_rows, max_columns, max_cells, progress
        As for :func:`load_source`; ``max_rows`` and ``max_cells`` bound the sheets together.

    Returns
    -------
    (str, list of RawTable)
        The workbook's name for messages, and the sheets read.

    Raises
    ------
    InputFormatError
        Not an Excel workbook, no such sheet, a sheet named twice, no sheet named, a limit
        exceeded.
    """
    from .header import apply_header_row

    if isinstance(source, pd.DataFrame):
        raise InputFormatError(f"sheet={sheets!r} applies to Excel workbooks, not a DataFrame")
    limits = ReadLimits(max_bytes, max_rows, max_columns, max_cells)
    data, name, shown, media_type = _acquire(source, limits, {"encoding": None}, timeout,
                                             retries, deadline)
    if starts_with(data, _GZIP):
        data, name = _gunzip(data, shown, limits), name[:-3] if name.lower().endswith(
            ".gz") else name
    fmt = detect_format(data, name, media_type) if not is_blank(data) else "csv"
    if fmt not in ("xlsx", "xls"):
        raise InputFormatError(f"sheet={sheets!r} applies to Excel workbooks; {shown} is {fmt}")
    if isinstance(sheets, str):
        first = apply_header_row(read_excel(data, shown, fmt, None, decimal, limits,
                                            header_row), header_row)
        names = pick(first)
        label = first.source if first.source != shown else f"{shown} [sheet {first.sheet!r}]"
        raws = [attrs.evolve(first, other_sheets=(), source=label)]
    else:
        names = [str(n) for n in sheets]
        if not names:
            raise InputFormatError(f"{shown}: sheet= names no sheet")
        raws = []
    for sheet in names:
        raws.append(apply_header_row(read_excel(data, shown, fmt, sheet, decimal, limits),
                                     header_row))
    chosen = [r.sheet for r in raws]
    twice = sorted({n for n in chosen if chosen.count(n) > 1})
    if twice:
        raise InputFormatError(f"{shown}: sheet {twice[0]!r} is named twice in sheet=")
    limits.shape(sum(len(r.frame) for r in raws), max(r.frame.shape[1] for r in raws),
                 f"{shown} (sheets {', '.join(map(repr, chosen))} together)")
    return shown, raws


def _acquire(source: Any, limits: ReadLimits, options: dict[str, Any],
             timeout: float | tuple[float, float], retries: int,
             deadline: float) -> tuple[ByteData, str, str, str]:
    """The bytes of a path, URL or file object: (data, name for the format, name shown,
    media type); ``options["encoding"]`` follows a download's charset or a text stream."""
    encoding, progress = options.get("encoding"), options.get("progress")
    if isinstance(source, str) and is_url(source.strip()):
        url = source.strip()
        scheme = url.split(":", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise InputFormatError(
                f"{redact_url(url)}: only http:// and https:// URLs are fetched; pass a local "
                "file as a path"
            )
        got = fetch_url(url, timeout=timeout, max_bytes=limits.max_bytes, retries=retries,
                        deadline=deadline, progress=progress)
        if got.charset and encoding is None and got.charset not in ("utf-8", "utf8"):
            problem = encoding_problem(got.charset)
            if problem:
                raise InputFormatError(
                    f"{got.source}: its Content-Type names the charset {got.charset!r}, "
                    f"{problem}; pass encoding= (e.g. encoding='utf-8') to read it")
            options["encoding"] = got.charset
        return got.content, got.path, got.source, got.media_type
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "") or "<stream>")
        data = source.read(limits.max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
            options["encoding"] = None
        if len(data) > limits.max_bytes:
            raise limits.over_bytes(name, "holds")
        return data, name, name, ""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        shown = os.fspath(source)
        try:
            data = _read_file(path, shown, limits)
        except FileNotFoundError:
            raise InputFormatError(f"no such file: {shown}") from None
        except OSError as exc:
            raise InputFormatError(f"cannot read {shown}: {exc.strerror}") from None
        return data, shown, shown, ""
    raise TypeError(
        "source must be a path, an http(s) URL, a binary file object or a pandas DataFrame, "
        f"got {type(source).__name__}"
    )


def _read_file(path: Path, shown: str, limits: ReadLimits) -> ByteData:
    """The bytes of a file (at most ``max_bytes``); a large file is memory-mapped instead
    (the CSV parser then reads the pages in place: no copy of the whole file)."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        limits.bytes(size, shown)
        if size >= _MAP_ABOVE:
            try:
                return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # not mappable (a pipe, a special file ...)
                pass
        data = handle.read(limits.max_bytes + 1)  # a special file may not know its size
        if len(data) > limits.max_bytes:
            raise limits.over_bytes(shown, "holds")
        return data


def _from_bytes(data: ByteData, name: str, shown: str, media_type: str, *,
                limits: ReadLimits, sheet: str | int | None = None,
                encoding: str | None = None, delimiter: str | None = None,
                decimal: str | None = None, progress: bool | None = None,
                header_row: int | None = None) -> RawTable:
    if starts_with(data, _GZIP):
        data = _gunzip(data, shown, limits)
        name = name[:-3] if name.lower().endswith(".gz") else name
        media_type = ""
    if is_blank(data):
        raise InputFormatError(f"{shown} is empty")
    fmt = detect_format(data, name, media_type)
    if sheet is not None and fmt not in ("xlsx", "xls"):
        raise InputFormatError(f"sheet= applies to Excel workbooks; {shown} is {fmt}")
    if fmt == "csv":
        frame, layout = read_delimited(data, shown, encoding=encoding, delimiter=delimiter,
                                       decimal=decimal, progress=progress,
                                       max_columns=limits.max_columns)
        limits.shape(len(frame), frame.shape[1], shown)
        return _checked(RawTable(frame, shown, "csv", layout.decimal, decimal_origin=decimal_origin(
            decimal, layout.decimal, layout.delimiter), decimal_given=decimal is not None))
    if fmt in ("xlsx", "xls"):
        return read_excel(data, shown, fmt, sheet, decimal, limits,
                          header_row if isinstance(header_row, int) and not isinstance(
                              header_row, bool) and header_row >= 1 else None)
    if fmt == "parquet":
        return _parquet(io.BytesIO(data), shown, limits)
    raw = _json(data, shown, encoding, decimal)
    limits.shape(len(raw.frame), raw.frame.shape[1], shown)
    return raw


def _gunzip(data: ByteData, shown: str, limits: ReadLimits) -> bytes:
    """Decompress, stopping one byte beyond ``max_bytes``."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(limits.max_bytes + 1)
    except (OSError, EOFError) as exc:
        raise InputFormatError(f"{shown} is not a valid gzip file ({exc})") from None
    if len(out) > limits.max_bytes:
        raise limits.over_bytes(shown, "decompresses to")
    return out


def _checked(raw: RawTable) -> RawTable:
    if raw.frame.shape[1] == 0:
        raise InputFormatError(f"{raw.source} is empty (no columns)")
    return raw


def _parquet(where: Any, shown: str, limits: ReadLimits) -> RawTable:
    """A Parquet file or dataset; its size is checked from the metadata (footers) before
    any data is read. Repeated column names are renamed before conversion (pandas cannot
    select them by name otherwise)."""
    import pyarrow.parquet as pq

    try:
        # a directory is a dataset; one file is read with ParquetFile, which keeps repeated
        # column names (the dataset API refuses them)
        if isinstance(where, Path):
            import pyarrow.dataset as ds

            dataset = ds.dataset(where, format="parquet", partitioning="hive")
            limits.bytes(sum(os.path.getsize(f) for f in dataset.files), shown)
            limits.shape(dataset.count_rows(), len(dataset.schema.names), shown)
            table = pq.read_table(where)
        else:
            file = pq.ParquetFile(where)
            limits.shape(file.metadata.num_rows, len(file.schema_arrow.names), shown)
            table = file.read()
        names = dedupe_names(table.column_names)
        renamed = names != table.column_names
        if renamed:
            table = table.rename_columns(names)
        frame = table.to_pandas(ignore_metadata=renamed)
    except InputFormatError:
        raise
    except Exception as exc:  # pyarrow raises several kinds
        raise InputFormatError(
            f"{shown} cannot be read as Parquet: {type(exc).__name__}: {exc}"
        ) from None
    frame = frame.reset_index(drop=True)
    frame.columns = dedupe_names(list(frame.columns))
    return _checked(RawTable(frame, shown, "parquet", ".",
                             decimal_origin=decimal_origin(None, ".")))


def _json(data: ByteData, shown: str, encoding: str | None, decimal: str | None) -> RawTable:
    text = decode_to_utf8(data, shown, encoding, validate=True)[0].decode("utf-8")
    head = text.lstrip()
    try:
        if head.startswith("["):
            frame = _records(json.loads(text), shown)
        elif head.startswith("{"):
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                if exc.msg != "Extra data":
                    raise
                try:  # JSON lines; dtype=False: no type or date guessing
                    frame = pd.read_json(io.StringIO(text), lines=True, dtype=False,
                                         precise_float=True)
                except ValueError as lines_exc:
                    raise InputFormatError(
                        f"{shown} is not valid JSON lines: {lines_exc}") from None
            else:
                frame = _records(_unwrap(obj, shown), shown)
        else:
            raise InputFormatError(f"{shown} is not JSON records (it does not start with "
                                   "'[' or '{')")
    except json.JSONDecodeError as exc:
        raise InputFormatError(
            f"{shown} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if frame.shape[1] == 0:
        raise InputFormatError(f"{shown} is empty (no records)")
    frame = frame.reset_index(drop=True)
    frame.columns = dedupe_names(list(frame.columns))
    return RawTable(frame, shown, "json", decimal or ".",
                    decimal_origin=decimal_origin(decimal, decimal or "."),
                        decimal_given=decimal is not None)


def _unwrap(obj: dict[str, Any], shown: str) -> list[Any]:
    lists = [v for v in obj.values() if isinstance(v, list)]
    if len(lists) == 1:
        return lists[0]
    raise InputFormatError(
        f"{shown} is a JSON object; expected an array of records, JSON lines, or an object "
        "holding exactly one array of records"
    )


def _records(records: Any, shown: str) -> pd.DataFrame:
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InputFormatError(f"{shown}: the JSON array must hold objects (records)")
    return pd.DataFrame.from_records(records)
