"""Delimited text (CSV, TSV, ...) bytes -> a DataFrame of text columns.

Detection rules (each can be overridden with ``encoding=``, ``delimiter=``, ``decimal=``):

Encoding
    1. a byte-order mark decides: UTF-8 (``EF BB BF``), UTF-16 (``FF FE`` / ``FE FF``);
    2. NUL bytes without a BOM mean a binary file or UTF-16/32 without BOM: error;
    3. otherwise UTF-8 if the bytes are valid UTF-8, else Windows-1252 if they decode
       as such, else Latin-1 (ISO 8859-1). Text with many control characters is refused
       as not text.
Delimiter
    Among ``,`` ``;`` tab and ``|``, the one that splits the header into the most columns
    *and* gives the same number of fields on (almost) every one of the first 50 records
    (quotes respected); ties go to that order. A file with no such delimiter is read as
    one column.
Decimal mark
    The file-level default is the decimal *comma* when the delimiter is ``;`` (the
    European spreadsheet convention) and the decimal point otherwise. Each numeric
    column is then judged on its own values (:func:`sem_carbon.io.parse.parse_numbers`):
    unambiguous values (``12,5``, ``1.234,56``, ``1,234.56``, ``0.5``) decide the column;
    the default only settles columns whose values are all ambiguous (``1.234``) or split
    evenly, and the rows it settles are noted (``cost read with a decimal comma where a value
    reads both ways (e.g. '1,234': 1.234, not 1234): ...``). A ``decimal=`` given by the
    caller is not a default: it reads every value of every numeric column (a value that
    does not read with it, ``1,5`` with ``decimal="."``, is bad), and nothing is noted.

Values are not converted here: every column is text (missing = NaN, only the empty string
is missing: ``"NA"`` is Namibia). Header names are stripped; duplicated or empty names get a
suffix (``Cost``, ``Cost.1``; ``column_5``). Record numbering is kept exactly: blank lines
in the body are rows of missing values (the spreadsheet shows them), blank lines at the end
are dropped. A record with more fields than the header is an error naming the line; shorter
records are padded with missing values.

Speed: the file is parsed by pyarrow's multi-threaded CSV reader (a large local file is
memory-mapped rather than copied, see :mod:`sem_carbon.io.sources`); a file without any
quote character cannot hold a line break inside a value, so it is split at every line
break (the faster parser).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import mmap
import re
from collections.abc import Sequence
from typing import TypeAlias

import attrs
import numpy as np
import pandas as pd

from ..errors import InputFormatError
from .progress import progress_bar, wants_progress

__all__ = ["ByteData", "CsvLayout", "decode_to_utf8", "encoding_problem", "read_delimited",
           "sniff_delimiter", "text_dtype"]

#: the content of a file: bytes, or a memory-mapped file (large local files)
ByteData: TypeAlias = bytes | mmap.mmap

_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE = 1 << 16
_STREAM_ABOVE = 16 << 20  # stream in batches (with a bar) above this size when bars show
_BATCH = 4 << 20
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")  # control characters other than white space


@attrs.frozen
class CsvLayout:
    """How a delimited file was read.

    Attributes
    ----------
    encoding : str
        Codec name (``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1252``, ``latin-1`` or as given).
    delimiter : str
        Field separator.
    decimal : str
        Default decimal mark for ambiguous numbers (``","`` or ``"."``).
    """

    encoding: str
    delimiter: str
    decimal: str


def text_dtype() -> object:
    """The pandas dtype used for text columns (pandas' ``str``, pyarrow-backed)."""
    try:
        return pd.StringDtype("pyarrow", na_value=np.nan)
    except (TypeError, ImportError):  # pragma: no cover - old pandas
        return object


def starts_with(data: ByteData, prefix: bytes | tuple[bytes, ...]) -> bool:
    """``data.startswith(prefix)`` for bytes and memory-mapped files alike."""
    prefixes = (prefix,) if isinstance(prefix, bytes) else prefix
    return any(data[:len(p)] == p for p in prefixes)


def _utf8_prefix_ok(data: ByteData) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data[:_SAMPLE * 4], final=False)
    except UnicodeDecodeError:
        return False
    return True


def _check_text(text: str, name: str) -> None:
    sample = text[:_SAMPLE]
    if not sample:
        return
    control = len(_CONTROL.findall(sample))
    if control > max(2, len(sample) // 100):
        raise InputFormatError(
            f"{name} does not look like a text (CSV) file: it is binary or in an encoding "
            "that cannot be detected; save it as UTF-8 CSV or give encoding="
        )


def encoding_problem(encoding: str) -> str | None:
    """Why ``encoding`` cannot decode text (None when it can).

    Python knows codecs that are not text encodings (``hex``, ``base64``, ``zlib`` ...):
    ``bytes.decode`` refuses them with a LookupError, so they are refused here first.
    """
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        return "an encoding Python does not know"
    if not getattr(info, "_is_text_encoding", True):
        return f"{encoding!r} is not a text encoding"
    return None


def decode_to_utf8(data: ByteData, name: str, encoding: str | None = None,
                   validate: bool = False) -> tuple[ByteData, str]:
    """Bytes of a text file -> (UTF-8 bytes without BOM, encoding detected).

    Parameters
    ----------
    data : bytes or mmap.mmap
        The raw file (a memory-mapped file is returned as it is when it is UTF-8 without
        byte-order mark and ``validate`` is false: the CSV parser reads it in place).
    name : str
        Source name for messages.
    encoding : str, optional
        Codec to use instead of detecting.
    validate : bool
        Decode UTF-8 input completely (otherwise only a prefix is checked and the parser
        validates the rest).

    Raises
    ------
    InputFormatError
        The bytes cannot be decoded (wrong ``encoding``, NUL bytes without BOM, binary).
    """
    if not isinstance(data, bytes) and (encoding is not None or validate
                                        or not _utf8_prefix_ok(data)
                                        or starts_with(data, (codecs.BOM_UTF16_LE,
                                                              codecs.BOM_UTF16_BE))):
        data = bytes(data)  # decoding needs the bytes themselves
    if encoding is not None:
        problem = encoding_problem(encoding)
        if problem == "an encoding Python does not know":
            raise InputFormatError(f"unknown encoding {encoding!r}") from None
        if problem:
            raise InputFormatError(f"cannot read {name} with encoding={encoding!r}: "
                                   f"{problem}") from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputFormatError(
                f"{name} cannot be decoded as {encoding}: byte {exc.start} "
                f"({data[exc.start:exc.start + 1]!r}) is invalid"
            ) from None
        except (UnicodeError, LookupError, ValueError) as exc:  # codecs such as idna
            raise InputFormatError(
                f"{name} cannot be decoded as {encoding}: {type(exc).__name__}: {exc}"
            ) from None
        text = text.removeprefix("\ufeff")
        _check_text(text, name)
        return text.encode("utf-8"), encoding
    if starts_with(data, codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8):]
        if validate or not _utf8_prefix_ok(body):
            return decode_to_utf8(body, name, "utf-8")[0], "utf-8-sig"
        return body, "utf-8-sig"
    if starts_with(data, (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputFormatError(
                f"{name} starts with a UTF-16 byte-order mark but is not valid UTF-16"
            ) from None
        _check_text(text, name)
        return text.encode("utf-8"), "utf-16"
    if b"\x00" in data[:_SAMPLE]:
        raise InputFormatError(
            f"{name} contains NUL bytes: it is a binary file, or UTF-16/UTF-32 text without a "
            "byte-order mark; save it as UTF-8 CSV or pass encoding="
        )
    if _utf8_prefix_ok(data):
        if validate:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return _legacy(data, name)
        _check_text(data[:_SAMPLE].decode("utf-8", errors="replace"), name)
        return data, "utf-8"
    return _legacy(data, name)


def _legacy(data: ByteData, name: str) -> tuple[bytes, str]:
    data = bytes(data)
    try:
        text, used = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, used = data.decode("latin-1"), "latin-1"
    _check_text(text, name)
    return text.encode("utf-8"), used


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample (see the module notes); ``","`` when none fits."""
    truncated = not sample.endswith(("\n", "\r"))
    best: tuple[float, int, int] | None = None
    choice = ","
    for priority, cand in enumerate(_DELIMITERS):
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=cand)
        try:
            rows = [r for r in itertools.islice(reader, 52) if r]
        except csv.Error:
            continue
        if truncated and len(rows) > 2:
            rows = rows[:-1]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:51]
        consistent = (sum(len(r) == width for r in body) / len(body)) if body else 1.0
        score = (consistent, width, -priority)
        if consistent >= 0.8 and (best is None or score > best):
            best, choice = score, cand
    return choice


def _header(sample: str, delimiter: str, name: str) -> list[str]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if row:
                return row
    except csv.Error as exc:
        raise InputFormatError(f"{name}: the header row cannot be read: {exc}") from None
    return []


def dedupe_names(names: Sequence[object]) -> list[str]:
    """Strip names; name empty ones ``column_<n>`` (1-based) and suffix repeats ``.1``, ``.2``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names, start=1):
        name = "" if raw is None else str(raw).strip()
        if not name or name.lower().startswith("unnamed:"):
            name = f"column_{i}"
        base = name
        while name in seen:
            seen[base] += 1
            name = f"{base}.{seen[base]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def is_blank(data: ByteData) -> bool:
    """True when ``data`` holds only whitespace, NULs and byte-order marks."""
    junk = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    if data[:4096].strip(junk):
        return False
    return not bytes(data).strip(junk)


def read_delimited(
    data: ByteData,
    name: str,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    progress: bool | None = None,
    max_columns: int | None = None,
) -> tuple[pd.DataFrame, CsvLayout]:
    """Parse delimited text into a DataFrame of text columns.

    Parameters
    ----------
    data : bytes or mmap.mmap
        The whole file.
    name : str
        Source name for messages.
    encoding, delimiter, decimal : str, optional
        Overrides of the detection rules in the module notes.
    progress : bool or None
        Progress bar (None: only when stderr is a terminal); large files are then read in
        batches.
    max_columns : int, optional
        Refuse a header of more columns, before parsing the body
        (see :mod:`sem_carbon.io.bounds`).

    Returns
    -------
    frame : DataFrame
        One text column per header name, one row per record (RangeIndex).
    layout : CsvLayout

    Raises
    ------
    InputFormatError
        Empty file, undecodable bytes, or a structural CSV error (a record with more fields
        than the header, an unterminated quote), naming the line.
    """
    if is_blank(data):
        raise InputFormatError(f"{name} is empty")
    utf8, used = decode_to_utf8(data, name, encoding)
    sample = utf8[:_SAMPLE].decode("utf-8", errors="replace")
    if delimiter is None:
        delimiter = sniff_delimiter(sample)
    if decimal is None:
        decimal = "," if delimiter == ";" else "."
    if decimal not in (",", "."):
        raise ValueError(f"decimal must be ',' or '.', got {decimal!r}")
    if len(delimiter) != 1:
        raise ValueError(f"delimiter must be one character, got {delimiter!r}")
    header = _header(sample if len(utf8) > _SAMPLE else bytes(utf8).decode("utf-8", "replace"),
                     delimiter, name)
    if not header:
        raise InputFormatError(f"{name} has no header row")
    if max_columns is not None:
        from .bounds import ReadLimits

        ReadLimits(max_columns=max_columns).shape(0, len(header), name)
    names = dedupe_names(header)
    try:
        try:
            frame = _read_arrow(utf8, names, delimiter, progress)
        except _ArrowStructure:
            frame = _read_pandas(utf8, names, delimiter, name)
    except _Utf8Error:  # only a prefix was checked: the file is not UTF-8 after all
        if encoding is not None or used != "utf-8":
            raise InputFormatError(f"{name} is not valid {used} text") from None
        utf8, used = decode_to_utf8(data, name, None, validate=True)
        return read_delimited(utf8, name, encoding="utf-8", delimiter=delimiter,
                              decimal=decimal, progress=progress,
                              max_columns=max_columns)[0], CsvLayout(
            used, delimiter, decimal)
    return _drop_trailing_blank(frame), CsvLayout(used, delimiter, decimal)


class _Utf8Error(Exception):
    pass


class _ArrowStructure(Exception):
    pass


def _drop_trailing_blank(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty or frame.shape[1] == 0:
        return frame
    if frame.iloc[-1:].notna().to_numpy().any():  # the usual case: the last row has values
        return frame
    filled = frame.notna().any(axis=1).to_numpy()
    if filled.all():
        return frame
    last = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
    return frame.iloc[:last]


def _read_arrow(utf8: ByteData, names: list[str], delimiter: str,
                progress: bool | None) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read_opts = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=_BATCH,
                                  use_threads=True)
    # a line break can only be inside a value when the file quotes: without any quote
    # character the (faster) parser that splits records at every line break is exact
    parse_opts = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=utf8.find(b'"') >= 0,
                                    ignore_empty_lines=False)
    convert_opts = pacsv.ConvertOptions(
        column_types={n: pa.large_string() for n in names}, strings_can_be_null=True,
        null_values=[""], quoted_strings_can_be_null=True,
        check_utf8=not _is_ascii(utf8),  # ASCII is valid UTF-8: no need to check each value
    )
    source = pa.BufferReader(utf8)
    try:
        if wants_progress(progress) and len(utf8) > _STREAM_ABOVE:
            reader = pacsv.open_csv(source, read_options=read_opts, parse_options=parse_opts,
                                    convert_options=convert_opts)
            estimate = _estimate_rows(utf8)
            batches = []
            with progress_bar(progress, estimate, "reading", unit="rows") as bar:
                for batch in reader:
                    batches.append(batch)
                    bar.update(batch.num_rows)
            table = pa.Table.from_batches(batches, schema=reader.schema)
        else:
            table = pacsv.read_csv(source, read_options=read_opts, parse_options=parse_opts,
                                   convert_options=convert_opts)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise _Utf8Error from None
        raise _ArrowStructure from None
    dtype = text_dtype()
    if dtype is object:  # pragma: no cover - old pandas
        frame = table.to_pandas()
    else:
        frame = table.to_pandas(types_mapper={pa.string(): dtype, pa.large_string(): dtype}.get)
    frame.columns = names
    return frame


def _is_ascii(data: ByteData) -> bool:
    """True when every byte is below 128 (one vectorised pass, no copy of a mapped file)."""
    if isinstance(data, bytes):
        return data.isascii()
    if len(data) == 0:
        return True
    return bool(np.frombuffer(data, dtype=np.uint8).max() < 128)


def _estimate_rows(utf8: ByteData) -> int:
    sample = utf8[:_SAMPLE]
    lines = max(1, sample.count(b"\n"))
    return max(1, int(len(utf8) / (len(sample) / lines)) - 1)


def _read_pandas(utf8: ByteData, names: list[str], delimiter: str, name: str) -> pd.DataFrame:
    """The C parser: pads short records with missing values, names the faulty line."""
    try:
        frame = pd.read_csv(
            io.BytesIO(utf8), sep=delimiter, header=None, dtype=text_dtype(),
            keep_default_na=False, na_values=[""], skip_blank_lines=False, encoding="utf-8",
            on_bad_lines="error", engine="c", index_col=False,
        )
    except pd.errors.ParserError as exc:
        detail = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        raise InputFormatError(
            f"{name} is not a well-formed delimited file (delimiter {delimiter!r}): {detail}. "
            "A value containing the delimiter must be quoted."
        ) from None
    except UnicodeDecodeError:  # only a prefix was checked before
        raise _Utf8Error from None
    frame = frame.iloc[1:]
    if frame.shape[1] != len(names):  # pragma: no cover - header sniffed differently
        raise InputFormatError(f"{name}: the header has {len(names)} fields, the body "
                               f"{frame.shape[1]}")
    frame.columns = names
    return frame.reset_index(drop=True)
