"""Vectorised parsers for columns of activity tables: text, numbers, dates, booleans.

Every parser works on a whole column (a :class:`pandas.Series` of any dtype: text read
from CSV, typed cells from Excel/Parquet/JSON, or a mix) and does its Python-level work once
per *distinct* value (a pandas factorisation), never once per row. Each returns the parsed
values plus ``missing`` (empty cell) and ``bad`` (present but not readable) masks, so the
readers can send bad rows to ``rejected`` with a reason.

Numbers (:func:`parse_numbers`)
    ``1234.5``, ``1,234.5``, ``1.234,5``, ``1 234,5``, ``1'234.5``, ``12,5``, ``(12.50)``
    (accounting negative), ``-12``, ``1e3``, a leading/trailing ``$ € £ ¥`` and, for money
    (``currency=True``), an ISO 4217 code (``USD 1,234.50``, ``12 EUR``, ``US$ 5``; an
    unknown code, or a sign on both sides, is bad). The sign or code is not dropped
    silently: ``NumberResult.sign`` holds it for the caller to check against the row's
    currency (or to refuse it in a column of quantities). The decimal mark
    of a column is decided by its unambiguous values (a value with both marks: the last one
    is decimal; a mark repeated: thousands; a mark not followed by exactly three digits:
    decimal); the caller's default (``","`` for ``;``-separated files) settles columns whose
    values are all ambiguous (``1.234``), or whose unambiguous values are as many rows each
    way. Values that do not fit the column's convention are bad. An ambiguous value (one
    group of three digits after a single mark, ``1,234`` / ``2.500``: 1.234 or 1234) is
    noted (``NumberResult.note``: the mark used, the column's first such value as an
    example with its other reading, and why; one text for the column) unless the column's
    unambiguous values all read with one mark: the default or a majority decided it.
    Non-finite values (``inf``, ``nan`` as text) are bad, and so are booleans (an Excel
    TRUE is not 1); :class:`decimal.Decimal` values (database NUMERIC) are numbers.
Dates (:func:`parse_dates`)
    ISO ``2019-03-05`` (a time of day is ignored), ``2019/03/05``, ``20190305``,
    ``05/03/2019``, ``05.03.2019``, ``05-03-19``, ``5 Mar 2019``, ``05-Mar-19``,
    ``March 5, 2019``, Excel serial numbers (1950-2100; in the workbook's date system, and
    noted as read in the 1900 system where the source carries none), datetime cells, a bare year
    (``2019``: the date is unknown, the year is known), and a month of a year written with
    a four-digit year (``01/2019``, ``1-2019``, ``01.2019``, ``2019-01``, ``2019/01``,
    ``Jan 2019``, ``January 2019``, ``Jan-2019``, ``2019 Jan``: the date is the first of
    the month and ``month_only`` is True; a day and month without a year, such as
    ``01/02``, stays unreadable). A year, ``/`` or ``-`` and the next year's last two
    digits as a month (``2011/12``, ``2009-10``, ``2000/01``) reads both as that month and
    as a fiscal year or biennium, which fall in different reporting years: it is bad,
    with :func:`month_or_year_span_reason` naming both readings (``2019/03``, ``2011-07``
    are months). A datetime cell or column with a time zone or UTC offset
    (``datetime64[ns, America/New_York]``, ``2019-12-31T23:30:00-05:00``) gives its local
    date as written, each cell its own (2019-12-31 here; not the UTC date). Numeric
    day/month dates are read **day first** unless the column only parses month first
    (some value is a real day only month first, ``03/13/2019``, and none only day first;
    a value that is no day in either order, ``03/45/2019``, is bad
    and decides nothing). A date that reads both ways (day and month both 1-12 and
    different: ``03/04/2019``, ``2/3/2019 10:00 PM``) is noted (``DateResult.note``: the
    order used, the column's first such date as an example with its other reading, and the
    column's dates that decided the order, or that none did and day first is the default;
    one text for the column) unless the column settles day first by itself (a date reads
    only day first, ``15/01/2019``, and none only month first). Two-digit years
    follow Python's ``%y`` (00-68 -> 20xx, 69-99 -> 19xx); years written with four digits
    are taken as written (``0019`` is the year 19). Impossible dates (``31/02/2019``,
    ``1900-02-29``) and dates outside 1950-2100 are bad; the calendar arithmetic is exact
    for years 1-9999 (no nanosecond timestamps, so far dates are named with their real
    year). A bad text naming a fiscal year, half or quarter (``2020/21``, ``FY2021``,
    ``Q1 2021``) is rejected with :data:`FISCAL_REASON` (give a date, or a year column).
Booleans
    :func:`sem_carbon.vocabulary.yes_no` (one vocabulary, ``vocabulary/data/booleans.csv``).
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..limits import YEAR_RANGE

__all__ = [
    "DateResult",
    "NumberResult",
    "as_text",
    "cell_text",
    "distinct",
    "is_missing",
    "map_distinct",
    "parse_dates",
    "parse_numbers",
]

#: Day 0 of Excel's two date systems: serial 1 is 1900-01-01 in the 1900 system (serials
#: from 61 on, counting Lotus' 29 February 1900) and 1904-01-02 in the 1904 system
#: (``date1904`` in workbook.xml: old Mac workbooks).
_EXCEL_EPOCHS = {"1900": np.datetime64("1899-12-30", "D"), "1904": np.datetime64("1904-01-01", "D")}
_EXCEL_EPOCH = _EXCEL_EPOCHS["1900"]
_SERIAL_RANGE = (18264, 73415)  # 1950-01-01 .. 2100-12-31 in the 1900 system
#: Date systems of :func:`parse_dates` (None: the source carries none; read as 1900 and noted).
DATE_SYSTEMS = ("1900", "1904")


# --------------------------------------------------------------------------------------------
# Distinct values


def distinct(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorise a column: (codes with -1 for missing, distinct values as an object array).

    Unhashable cells (lists and objects from JSON, arrays from Parquet list columns) are
    told apart by their type and text; the first cell of each group stands for it.
    """
    if _is_arrow_text(series):
        return _distinct_arrow(series)
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable cells: factorise hashable stand-ins instead
        return _distinct_unhashable(series)
    return np.asarray(codes), np.asarray(uniques, dtype=object)


_SAMPLE_ROWS = 4096


def _distinct_arrow(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Text read from a file: codes from pyarrow kernels, no Python string per row.

    A column holding one value is recognised by one comparison. Otherwise the distinct
    values of a sample of rows are looked up in every row (``index_in`` probes a small
    table, faster than growing a dictionary); the rows whose value the sample missed are
    encoded apart and appended. A sample with many distinct values (ids, amounts) goes to
    the dictionary encoder directly.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    column = arrow_text(series)
    n = len(column)
    if n == 0 or column.null_count == n:
        return np.full(n, -1, dtype=np.intp), np.zeros(0, dtype=object)
    if column.null_count == 0:  # one value everywhere? (a mode, a currency)
        first = column[0]
        if (pc.all(pc.equal(column.slice(0, 1000), first)).as_py()
                and pc.all(pc.equal(column, first)).as_py()):
            # read-only codes without memory per row
            return np.broadcast_to(np.intp(0), (n,)), np.array([first.as_py()], dtype=object)
    rows = np.linspace(0, n - 1, num=min(n, _SAMPLE_ROWS), dtype=np.int64)
    values = pc.drop_null(pc.unique(column.take(pa.array(rows))))
    if n <= _SAMPLE_ROWS or len(values) > len(rows) // 8:
        return _dictionary_codes(column)
    found = pc.index_in(column, value_set=values)
    codes = np.concatenate([(pc.fill_null(c, -1) if c.null_count else c).to_numpy(
        zero_copy_only=False) for c in found.chunks], dtype=np.intp)
    uniques = np.asarray(values.to_pylist(), dtype=object)
    if found.null_count > column.null_count:  # values the sample did not see
        missed = np.flatnonzero(codes < 0)
        rest = column.take(pa.array(missed))
        more, extra = _dictionary_codes(rest)
        known = more >= 0
        codes[missed[known]] = more[known] + len(uniques)
        uniques = np.concatenate([uniques, extra])
    return codes, uniques


def _dictionary_codes(column: Any) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of an arrow text column by its dictionary encoding.

    On a chunked column the encoder's dictionary grows chunk by chunk (each chunk's
    dictionary extends the previous one), so the last one covers all indices.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.Array):
        encoded = pa.chunked_array([encoded])
    chunks = [c for c in encoded.chunks if len(c)]
    if not chunks:
        return np.full(len(column), -1, dtype=np.intp), np.zeros(0, dtype=object)
    dictionary = chunks[-1].dictionary
    if not all(c.dictionary.equals(dictionary.slice(0, len(c.dictionary))) for c in chunks):
        codes, uniques = pd.factorize(column.to_pandas(), use_na_sentinel=True)  # pragma: no cover
        return np.asarray(codes), np.asarray(uniques, dtype=object)
    parts = [pc.fill_null(c.indices, -1) if c.null_count else c.indices for c in chunks]
    codes = np.concatenate([p.to_numpy(zero_copy_only=False) for p in parts], dtype=np.intp)
    return codes, np.asarray(dictionary.to_pylist(), dtype=object)


def _distinct_unhashable(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cells = pd.Series(series, dtype=object).reset_index(drop=True)
    codes = np.asarray(pd.factorize(cells.map(_hashable), use_na_sentinel=True)[0])
    present = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[present], return_index=True)
    uniques = np.empty(first.size, dtype=object)
    for i, row in enumerate(present[first]):  # one per distinct value
        uniques[i] = cells.iloc[row]
    return codes, uniques


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return (type(value).__name__, repr(value))
    return value


def map_distinct(series: pd.Series, func: Callable[[Any], Any], na: Any = None,
                 dtype: Any = object) -> np.ndarray:
    """Apply ``func`` once per distinct non-missing value and spread the results.

    Parameters
    ----------
    series : Series
        Any column.
    func : callable
        Value -> result.
    na : object
        Result for missing cells.
    dtype : numpy dtype
        Of the result array.
    """
    codes, uniques = distinct(series)
    table = np.empty(len(uniques) + 1, dtype=dtype)
    for i, value in enumerate(uniques):  # loop over distinct values only
        table[i] = func(value)
    table[-1] = na
    return table[codes]


def cell_text(value: Any) -> str:
    """One cell as stripped text (see :func:`as_text`)."""
    return _to_text(value)


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if np.isnan(number):
            return ""
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    if isinstance(value, pd.Timestamp | _dt.datetime):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


def _to_raw_text(value: Any) -> str:
    return value if isinstance(value, str) else _to_text(value)


def as_text(series: pd.Series, strip: bool = True) -> pd.Series:
    """A column as text (``""`` for missing), whatever its dtype.

    Integral floats print without ``.0`` (Excel stores ``1001`` as ``1001.0``), dates as ISO.

    Parameters
    ----------
    series : Series
        Any column.
    strip : bool, default True
        Remove surrounding white space from text cells. False keeps text cells verbatim
        (``rejected.value`` shows the source's own text).
    """
    if _is_arrow_text(series):
        filled = series.fillna("") if series.hasnans else series
        return filled.str.strip() if strip and _may_need_strip(series) else filled
    values = map_distinct(series, _to_text if strip else _to_raw_text, na="")
    return pd.Series(values, index=series.index, dtype=_str_dtype())


def _may_need_strip(series: pd.Series) -> bool:
    """False when no text of an arrow-backed column starts or ends with white space.

    Looks only at the first and last byte of each value (through the arrow offsets), so a
    column of clean identifiers is not copied by ``str.strip``. Any byte outside printable
    ASCII (white space, or a multi-byte character that might be one) answers True.
    """
    import pyarrow as pa

    column = arrow_text(series)
    if column is None:  # pragma: no cover - not arrow-backed after all
        return True
    for chunk in column.chunks:
        if len(chunk) == 0:
            continue
        if not pa.types.is_large_string(chunk.type) and not pa.types.is_string(chunk.type):
            return True  # pragma: no cover
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        buffers = chunk.buffers()
        offsets = np.frombuffer(buffers[1], dtype=width)[chunk.offset:chunk.offset
                                                         + len(chunk) + 1]
        if buffers[2] is None:
            continue  # only empty strings and nulls
        data = np.frombuffer(buffers[2], dtype=np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        if not filled.all():
            starts, ends = starts[filled], ends[filled]
        for edge in (data.take(starts), data.take(ends - 1)):
            if not ((edge - np.uint8(0x21)) < 0x5E).all():  # outside "!" .. "~" (wraps)
                return True
    return False


def _str_dtype() -> Any:
    from .csvfile import text_dtype

    return text_dtype()


def is_missing(series: pd.Series) -> np.ndarray:
    """True where a cell is missing or blank text."""
    missing = series.isna().to_numpy()
    if ptypes.is_string_dtype(series.dtype) or ptypes.is_object_dtype(series.dtype):
        text = as_text(series)
        missing = missing | (text == "").to_numpy()
    return missing


# --------------------------------------------------------------------------------------------
# Numbers


class NumberResult(NamedTuple):
    """Parsed numbers.

    Attributes
    ----------
    values : ndarray of float
        NaN where missing or bad.
    missing, bad : ndarray of bool
        Empty cell; present but not a number.
    note : ndarray of object
        Per row, how the column's ambiguous texts were read (one text for the column:
        ``cost read with a decimal comma where a value reads both ways (e.g. '1,234':
        1.234, not 1234): ...``, see :func:`parse_numbers`), ``""`` elsewhere;
        read-only (no memory per row) when empty everywhere.
    sign : ndarray of intp
        Per row, the index in ``signs`` of the currency sign or code written beside the
        number (``$100``, ``USD 1,234.50``), -1 where there is none; read-only when none.
    signs : ndarray of object
        The distinct signs and codes as written, codes upper-cased (``$``, ``€``, ``USD``).
    """

    values: np.ndarray
    missing: np.ndarray
    bad: np.ndarray
    note: np.ndarray
    sign: np.ndarray
    signs: np.ndarray


def _number_result(values: np.ndarray, missing: np.ndarray, bad: np.ndarray,
                   note: np.ndarray | None = None, sign: np.ndarray | None = None,
                   signs: np.ndarray | None = None) -> NumberResult:
    """A :class:`NumberResult`; no note and no sign where not given (no memory per row)."""
    n = len(values)
    if note is None or not (note != "").any():
        note = np.broadcast_to(np.array("", dtype=object), (n,))
    if sign is None or signs is None or not len(signs) or not (sign >= 0).any():
        sign, signs = np.broadcast_to(np.intp(-1), (n,)), np.zeros(0, dtype=object)
    return NumberResult(values, missing, bad, note, sign, signs)


# thousands separators besides "," and ".": spaces, apostrophes, (narrow) no-break spaces;
# literal characters (not escapes), so the patterns work in Python re and in RE2 (pyarrow)
_GROUP = "[\\s'\u2019\u00a0\u202f]"
_POINT_OK = (rf"[+-]?(?:(?:\d{{1,3}}(?:(?:,|{_GROUP})\d{{3}})+|\d+)(?:\.\d*)?|\.\d+)"
             r"(?:[eE][+-]?\d+)?")
_COMMA_OK = rf"[+-]?(?:(?:\d{{1,3}}(?:(?:\.|{_GROUP})\d{{3}})+|\d+)(?:,\d*)?|,\d+)"


def _is_arrow_text(series: pd.Series) -> bool:
    return ptypes.is_string_dtype(series.dtype) and not ptypes.is_object_dtype(series.dtype)


def arrow_text(series: pd.Series) -> Any:
    """The pyarrow ChunkedArray behind a text column read from a file (no copy), or None
    when the column is not arrow-backed text (object cells, numbers, dates)."""
    if not _is_arrow_text(series):
        return None
    try:
        import pyarrow as pa

        return pa.chunked_array(series.array.__arrow_array__())
    except Exception:  # pragma: no cover - a string dtype not backed by arrow
        return None


def parse_numbers(series: pd.Series, decimal: str = ".", *, name: str = "value",
                  origin: str = "", currency: bool = False, given: bool = False
                  ) -> NumberResult:
    """Parse a numeric column (see the module notes for the accepted forms).

    Parameters
    ----------
    series : Series
        Numbers, text, or a mix.
    decimal : {".", ","}
        Decimal mark for columns whose text values do not settle it (all ambiguous, or as
        many rows for each mark).
    name : str, default "value"
        What the column holds, for the notes (``cost read with a decimal comma ...``).
    origin : str, optional
        Why ``decimal`` is the default, for the notes (e.g. ``"the decimal comma is the
        default of ';'-separated files"``).
    currency : bool, default False
        Also accept an ISO 4217 code beside the number (``USD 1,234.50``, ``12 EUR``,
        ``US$ 5``); without it such a value is bad. Signs (``$ € £ ¥``) are accepted
        either way. Both are reported in ``sign``/``signs`` for the caller to check.
    given : bool, default False
        ``decimal`` was chosen by the user (``decimal=``): it reads every text of the
        column, whatever the column's values suggest; a text that does not read with it
        (``1,5`` with a decimal point) is bad, and nothing is noted.

    Returns
    -------
    NumberResult
        With a ``note`` on each row whose text reads as two numbers (``1,234``: 1.234 or
        1234) unless the column's other values all read with one mark.
    """
    n = len(series)
    if ptypes.is_bool_dtype(series.dtype):  # TRUE/FALSE cells are no amount: all bad
        missing = series.isna().to_numpy()
        return _number_result(np.full(n, np.nan), missing, ~missing)
    if ptypes.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(values)
        bad = ~missing & ~np.isfinite(values)
        return _number_result(np.where(bad, np.nan, values), missing, bad)
    reading = _Reading(decimal, name, origin, currency, given)
    if _is_arrow_text(series):  # text read from a file: vectorised in pyarrow, no factorising
        fast = _fast_numbers(series, decimal)
        if fast is not None:
            return fast
        # other forms: parse each distinct text once (weighted by its rows when voting
        # on the decimal mark), then spread
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        weights = np.bincount(codes[codes >= 0], minlength=len(uniques))
        texts = _parse_number_texts(pd.Series(uniques), reading, weights)
        codes = np.where(codes < 0, len(uniques), codes)
        return _spread_texts(texts, codes)
    codes, uniques = distinct(series)
    if any(isinstance(u, bool | np.bool_ | int | float | np.number) and u in (0, 1)
           for u in uniques):  # True == 1 and False == 0 share a code: tell them apart
        codes, uniques = _bools_apart(series)
    size = len(uniques)
    u_values = np.full(size + 1, np.nan)
    u_bad = np.zeros(size + 1, dtype=bool)
    u_missing = np.zeros(size + 1, dtype=bool)
    u_missing[-1] = True
    u_note = np.full(size + 1, "", dtype=object)
    u_sign = np.full(size + 1, -1, dtype=np.intp)
    signs = np.zeros(0, dtype=object)
    kind = np.array([_number_kind(u) for u in uniques] + ["missing"], dtype=object)
    numeric = np.flatnonzero(kind == "number")
    if numeric.size:
        u_values[numeric] = np.array([_float(u) for u in uniques[numeric]], dtype=float)
    text_idx = np.flatnonzero(kind == "text")
    if text_idx.size:
        texts = pd.Series(uniques[text_idx], dtype=_str_dtype())
        weights = np.bincount(codes[codes >= 0], minlength=size)[text_idx]
        parsed = _parse_number_texts(texts, reading, weights)
        u_values[text_idx], u_missing[text_idx], u_bad[text_idx] = parsed[:3]
        u_note[text_idx], u_sign[text_idx], signs = parsed[3:]
    u_bad[kind == "other"] = True
    finite = np.isfinite(u_values)
    nonfinite = ~finite & ~u_missing & ~u_bad & (kind == "number")
    u_bad |= nonfinite
    u_values[u_bad] = np.nan
    u_note[u_bad] = ""
    return _number_result(u_values[codes], u_missing[codes], u_bad[codes],
                          u_note[codes] if (u_note != "").any() else None,
                          u_sign[codes] if len(signs) else None, signs)


class _Reading(NamedTuple):
    """How :func:`parse_numbers` reads a column's texts (see its parameters)."""

    decimal: str
    name: str
    origin: str
    currency: bool
    given: bool = False


#: Per distinct text: the fields of :class:`NumberResult` (values, missing, bad, note,
#: sign into ``signs``, signs), spread to the rows by :func:`_spread_texts`.
_Texts = NumberResult


def _spread_texts(texts: _Texts, codes: np.ndarray) -> NumberResult:
    """Per-row :class:`NumberResult` of per-text results (``codes``: the missing slot is
    one past the last text)."""
    note = np.append(texts.note, "")
    sign = np.append(texts.sign, -1)
    return _number_result(np.append(texts.values, np.nan)[codes],
                          np.append(texts.missing, True)[codes],
                          np.append(texts.bad, False)[codes],
                          note[codes] if (note != "").any() else None,
                          sign[codes] if len(texts.signs) else None, texts.signs)


def _bools_apart(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`distinct` of a mixed column that may hold booleans, with ``True`` apart from
    ``1`` and ``False`` apart from ``0`` (they hash alike): the cells are factorised by
    their text (``"True"`` is not ``"1"``; pandas' own string conversion, no Python call
    per row); the first cell of each text stands for it."""
    cells = pd.Series(series, dtype=object).reset_index(drop=True)
    missing = cells.isna().to_numpy()
    codes = np.asarray(pd.factorize(cells.astype(str).to_numpy(dtype=object))[0])
    codes = np.where(missing, -1, codes)
    present = np.flatnonzero(~missing)
    kept, first = np.unique(codes[present], return_index=True)
    codes = np.where(missing, -1, np.searchsorted(kept, codes))  # dense 0 .. k-1
    return codes, cells.iloc[present[first]].to_numpy(dtype=object)


def _float(value: Any) -> float:
    """``float(value)``; integers too large for a float give +-inf (then refused as
    non-finite) instead of an OverflowError."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def _number_kind(value: Any) -> str:
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool | np.bool_):  # a TRUE/FALSE cell is not an amount
        return "other"
    if isinstance(value, int | float | np.integer | np.floating):
        return "missing" if isinstance(value, float | np.floating) and np.isnan(value) else "number"
    if isinstance(value, _decimal.Decimal):  # NUMERIC columns of a database query
        return "missing" if value.is_nan() else "number"
    return "other"


def _fast_numbers(series: pd.Series, decimal: str) -> NumberResult | None:
    """Text column of plain numbers: one pyarrow cast (the common case, millions of rows).

    None (the general path decides) when a value is not a plain number, or when a value
    reads as two numbers (``1.234``: the general path votes on the column and notes it).
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover
        return None
    if decimal == "," and bool(series.str.contains(".", regex=False).any()):
        return None
    arr = arrow_text(series)
    if arr is None:  # pragma: no cover - callers pass arrow text
        return None
    failures = (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError)
    values = None
    try:  # whole numbers (counts) parse faster as integers, to the same floats
        pc.cast(arr.slice(0, 1000), pa.int64())  # a look at the start first
        values = pc.cast(arr, pa.int64()).to_numpy().astype(float)
    except failures:
        pass
    if values is None:
        try:
            values = np.asarray(pc.cast(arr, pa.float64()).to_numpy(), dtype=float)
        except failures:
            return None
        if _may_be_thousands(arr, values):
            return None
    missing = series.isna().to_numpy() if arr.null_count else np.zeros(len(arr), dtype=bool)
    bad = ~np.isfinite(values) & ~missing
    if not bad.any():
        return _number_result(values, missing, bad)
    return _number_result(np.where(bad, np.nan, values), missing, bad)


def _may_be_thousands(arr: Any, values: np.ndarray) -> bool:
    """True when a text read with a decimal point could be a thousands group (``1.234``,
    ``-2.500``): the values 1 <= |v| < 1000 with at most three decimals and a fraction
    are the candidates; only their texts are looked at."""
    import pyarrow as pa
    import pyarrow.compute as pc

    size = np.abs(values)
    with np.errstate(invalid="ignore", over="ignore"):  # 1e308 * 1000: inf, no candidate
        candidate = ((size >= 1) & (size < 1000) & (values != np.floor(values))
                     & (np.round(values * 1000) == values * 1000))
    if not candidate.any():
        return False
    texts = arr.take(pa.array(np.flatnonzero(candidate)))
    return bool(pc.any(pc.match_substring_regex(texts, _AMBIGUOUS_POINT)).as_py())


_AMBIGUOUS_POINT = r"^\s*[+-]?[1-9]\d{0,2}\.\d{3}\s*$"
_SIGNS = "[$€£¥]"
_CODES = r"US\$|USD\$|[$€£¥]|[A-Za-z]{3}"


def _sign_patterns(currency: bool) -> tuple[str, str]:
    """Patterns of a currency sign (or code) before and after a number (RE2 syntax)."""
    sign = _CODES if currency else _SIGNS
    before = rf"^(?P<open>\(?[+-]?)\s*(?P<sign>{sign})\s*(?P<rest>[-+(]?\s*[\d.,].*)$"
    after = rf"^(?P<rest>.*[\d.,]\)?)\s*(?P<sign>{sign})(?P<close>\)?)$"
    return before, after


def _bools(result: Any) -> np.ndarray:
    """A pyarrow boolean result as a numpy bool array (null -> False)."""
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(result, False).to_numpy(zero_copy_only=False), dtype=bool)


def _parse_number_texts(text: pd.Series, reading: _Reading,
                        weights: np.ndarray | None = None) -> _Texts:
    """Number texts (a text Series) -> per text results, with pyarrow string kernels.

    ``weights``: rows per text, for the vote on the decimal mark (default: 1 each).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if _is_arrow_text(text):
        arr = pa.array(text.array)
    else:
        arr = pa.array(text.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    t = pc.utf8_trim_whitespace(pc.fill_null(arr, ""))
    t = pc.replace_substring(t, "\u2212", "-")
    missing = _bools(pc.equal(t, ""))
    t, sign, signs, wrong_sign = _currency_signs(t, reading.currency)
    paren = pc.match_substring_regex(t, r"^\(.*\)$")
    if _bools(paren).any():
        inner = pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(t, 1, -1))
        minus, nothing = pa.scalar("-", type=t.type), pa.scalar("", type=t.type)
        t = pc.if_else(paren, pc.binary_join_element_wise(minus, inner, nothing), t)
    body = pc.replace_substring_regex(t, r"^[+-]", "")
    has_c = _bools(pc.match_substring(body, ","))
    has_p = _bools(pc.match_substring(body, "."))
    both = has_c & has_p
    comma_last = _bools(pc.match_substring_regex(body, r",[^.]*$"))
    only_c = has_c & ~has_p
    only_p = has_p & ~has_c
    multi_c = only_c & (pc.count_substring(body, ",").to_numpy(zero_copy_only=False) > 1)
    multi_p = only_p & (pc.count_substring(body, ".").to_numpy(zero_copy_only=False) > 1)
    amb_c = only_c & ~multi_c & _bools(pc.match_substring_regex(body, r"^[1-9]\d{0,2},\d{3}$"))
    amb_p = only_p & ~multi_p & _bools(pc.match_substring_regex(body, r"^[1-9]\d{0,2}\.\d{3}$"))
    weight = np.ones(len(both), dtype=np.int64) if weights is None else weights
    votes_comma = int(weight[(both & comma_last) | multi_p | (only_c & ~multi_c & ~amb_c)].sum())
    votes_point = int(weight[(both & ~comma_last) | multi_c | (only_p & ~multi_p & ~amb_p)].sum())
    if reading.given:  # the user's decimal= decides: nothing is read by a vote
        mark, votes_comma, votes_point = reading.decimal, 1, 0
    elif votes_comma > votes_point:
        mark = ","
    elif votes_point > votes_comma:
        mark = "."
    else:
        mark = reading.decimal
    if mark == ",":
        ok = _bools(pc.match_substring_regex(t, f"^(?:{_COMMA_OK})$"))
        cleaned = pc.replace_substring(pc.replace_substring_regex(t, rf"(?:\.|{_GROUP})", ""),
                                       ",", ".")
    else:
        ok = _bools(pc.match_substring_regex(t, f"^(?:{_POINT_OK})$"))
        cleaned = pc.replace_substring_regex(t, rf"(?:,|{_GROUP})", "")
    ok = ok & ~missing & ~wrong_sign
    values = np.full(len(ok), np.nan)
    if ok.any():
        chosen = pc.filter(cleaned, pa.array(ok))
        try:
            numbers = pc.cast(chosen, pa.float64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:  # forms arrow does not cast ("5.", ",5" ...): per value
            numbers = np.array([float(v) for v in chosen.to_pylist()], dtype=float)
        values[ok] = numbers
    bad = ~ok & ~missing
    nonfinite = ok & ~np.isfinite(values)
    bad |= nonfinite
    values = np.where(nonfinite, np.nan, values)
    note = np.full(len(ok), "", dtype=object)
    ambiguous = (amb_c | amb_p) & ~bad & ~missing
    winner, loser = max(votes_comma, votes_point), min(votes_comma, votes_point)
    if ambiguous.any() and not (winner and not loser):  # the column did not settle it
        # one text for the column: the callers pass the texts in the order of their first
        # row (pd.factorize), so the example is the column's first ambiguous value
        i = int(np.flatnonzero(ambiguous)[0])
        example = str(text.to_numpy(dtype=object)[i]).strip()
        value = values[i]
        # read as a thousands group (1.234 with a decimal comma): the other reading / 1000
        grouped = bool((amb_p if mark == "," else amb_c)[i])
        other = value / 1000 if grouped else round(value * 1000)
        note[ambiguous] = (
            f"{reading.name} read with a {_MARK_WORDS[mark]} where a value reads both ways "
            f"(e.g. {example!r}: {value:g}, not {other:g}): "
            f"{_decimal_why(mark, votes_comma, votes_point, reading.origin)}")
    sign = np.where(bad | missing, -1, sign)
    return _Texts(values, missing, bad, note, sign, signs)


_MARK_WORDS = {",": "decimal comma", ".": "decimal point"}


def _decimal_why(mark: str, votes_comma: int, votes_point: int, origin: str) -> str:
    """Why a column's ambiguous numbers were read with ``mark`` (votes: rows whose text
    reads only with a decimal comma / point)."""
    if votes_comma == votes_point:
        default = origin or f"the {_MARK_WORDS[mark]} is the default"
        if not votes_comma:
            return f"no other value in the column shows the decimal mark, and {default}"
        return (f"the column's other values disagree ({votes_comma} row(s) read only with a "
                f"decimal comma, {votes_point} only with a decimal point), and {default}")
    won, lost = max(votes_comma, votes_point), min(votes_comma, votes_point)
    return (f"most of the column's other values read only with a {_MARK_WORDS[mark]} "
            f"({won} row(s) against {lost})")


def _currency_signs(t: Any, currency: bool) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """Take a currency sign (``$ € £ ¥``; with ``currency`` also an ISO 4217 code) off the
    texts: (texts without it, sign per text (-1: none), distinct signs, texts whose sign is
    not one: an unknown code, or signs both before and after)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    size = len(t)
    none = np.full(size, -1, dtype=np.intp)
    if not _bools(pc.match_substring_regex(t, _CODES if currency else _SIGNS)).any():
        return t, none, np.zeros(0, dtype=object), np.zeros(size, dtype=bool)
    before, after = _sign_patterns(currency)
    found = []
    for pattern in (before, after):  # groups 1 and 3 are kept: the number and a bracket
        hit = _bools(pc.match_substring_regex(t, pattern))
        text = np.full(size, "", dtype=object)
        if hit.any():
            parts = pc.extract_regex(pc.filter(t, pa.array(hit)), pattern)
            text[hit] = np.asarray(parts.field("sign").to_pylist(), dtype=object)
            t = pc.replace_substring_regex(t, pattern, r"\1\3")
        found.append(text)
    twice = (found[0] != "") & (found[1] != "")
    upper = np.array([s.upper() for s in np.where(found[0] != "", found[0], found[1])]
                     + [""], dtype=object)[:-1]  # distinct texts only
    filled = upper != ""
    sign, signs = none, np.zeros(0, dtype=object)
    if filled.any():
        ids, signs = pd.factorize(upper[filled])
        signs = np.asarray(signs, dtype=object)
        sign = none.copy()
        sign[filled] = ids
    named = np.array([s in _SIGN_CODES or _is_currency_code(s) for s in signs] + [True],
                     dtype=bool)
    return t, sign, signs, twice | ~named[sign]


_SIGN_CODES = frozenset({"$", "€", "£", "¥", "US$", "USD$"})


def _is_currency_code(text: str) -> bool:
    from .common import iso_currencies  # not at the top: common imports this module

    return len(text) == 3 and text in iso_currencies()


# --------------------------------------------------------------------------------------------
# Dates


class DateResult(NamedTuple):
    """Parsed dates.

    Attributes
    ----------
    dates : ndarray of datetime64[ns]
        NaT where missing, bad or only a year is known.
    year : ndarray of int64
        Calendar year (0 where missing or bad).
    missing, bad : ndarray of bool
        Empty cell; present but not a (plausible) date.
    reason : ndarray of object
        Why a bad value is bad ("" elsewhere).
    month_only : ndarray of bool
        The value gave a month and year but no day (``Jan 2019``): ``dates`` holds the
        first of the month. Read-only (no memory per row) when False everywhere.
    note : ndarray of object
        On a date that reads two ways (``03/04/2019``: 3 April or 4 March), how the
        column's such dates were read and why, one text for the column (``date read day
        first where a date reads both ways (e.g. '03/04/2019': 3 April, not 4 March):
        ...``), unless the column settled day first by itself; ``""`` elsewhere;
        read-only (no memory per row) when empty everywhere.
    """

    dates: np.ndarray
    year: np.ndarray
    missing: np.ndarray
    bad: np.ndarray
    reason: np.ndarray
    month_only: np.ndarray
    note: np.ndarray


_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_TIME = re.compile(
    r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?)$"
)
_WEEKDAY = r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"
_ISO = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"
_NUMERIC = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$"
_DAY_MONTH = r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-./]*([A-Za-z]{3,9})\.?[\s\-./,]*(\d{4}|\d{2})$"
_MONTH_DAY = r"^([A-Za-z]{3,9})\.?[\s\-./]*(\d{1,2})(?:st|nd|rd|th)?,?[\s\-./]*(\d{4})$"
_COMPACT = r"^((?:19|20)\d{2})(\d{2})(\d{2})$"
# a month of a year (four-digit years only: "01/19" could be a day and a month)
_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_YEAR = r"^(\d{1,2})[-/.](\d{4})$"
_YEAR_MONTH = r"^(\d{4})[-/.](\d{1,2})$"
_MONTH_NAME_YEAR = rf"^({_MONTH_WORD})\.?[\s\-./,']*(\d{{4}})$"
_YEAR_MONTH_NAME = rf"^(\d{{4}})[\s\-./,]*({_MONTH_WORD})\.?$"


def _full_year(y: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """Years written with two digits follow ``%y`` (00-68 -> 20xx, 69-99 -> 19xx); years
    written with four digits are taken as written (``0001`` is year 1)."""
    short = digits <= 2
    return np.where(short & (y < 69), y + 2000, np.where(short & (y < 100), y + 1900, y))


def parse_dates(series: pd.Series,
                factorised: tuple[np.ndarray, np.ndarray] | None = None,
                name: str = "date", date_system: str | None = "1900") -> DateResult:
    """Parse a date column (see the module notes for the accepted forms and rules).

    Text and mixed columns are parsed once per distinct value (the column's day/month
    order is decided on its distinct values); the per-row arrays are then plain takes.

    Parameters
    ----------
    series : Series
        The column.
    factorised : (codes, distinct values), optional
        Its factorisation when already known (codes -1: missing).
    name : str, default "date"
        What the column holds, for the notes (``date read day first ...``).
    date_system : {"1900", "1904"} or None, default "1900"
        Excel's date system of the numbers read as serial dates (the workbook's: an
        ``.xlsx`` saved with ``date1904``, an ``.xls`` with datemode 1, counts from
        1904-01-01). None: the source carries no date system (CSV, JSON, Parquet, a
        DataFrame): numbers are read in the 1900 system and noted (``note``: one text for
        the column, its first such value as the example, and its 1904 reading).
    """
    if date_system is not None and date_system not in DATE_SYSTEMS:
        raise ValueError(f"date_system must be '1900', '1904' or None, got {date_system!r}")
    n = len(series)
    if ptypes.is_datetime64_any_dtype(series.dtype):
        stamps = series
        if getattr(series.dtype, "tz", None) is not None:
            stamps = series.dt.tz_localize(None)
        days = stamps.to_numpy().astype("datetime64[D]")  # from its own unit: no overflow
        missing = np.isnat(days)
        return _finish_dates(days, np.zeros(n, dtype=np.int64), missing,
                             np.zeros(n, dtype=bool), np.full(n, "", dtype=object),
                             _nowhere(n))
    if factorised is None:
        fast = iso_date_column(series)
        if fast is not None:
            return fast
    codes, uniques = distinct(series) if factorised is None else factorised
    size = len(uniques)
    u_days = np.full(size + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    u_year = np.zeros(size + 1, dtype=np.int64)
    u_missing = np.zeros(size + 1, dtype=bool)
    u_missing[-1] = True
    u_reason = np.full(size + 1, "", dtype=object)
    u_month_only = np.zeros(size + 1, dtype=bool)
    u_order = np.zeros(size + 1, dtype=np.int8)  # _BOTH_WAYS, _ONLY_DAY, _ONLY_MONTH
    u_serial = np.zeros(size + 1, dtype=bool)  # read as an Excel serial date
    system = date_system or "1900"
    month_first = False
    kinds = np.array([_date_kind(u) for u in uniques] + ["missing"], dtype=object)
    stamp_idx = np.flatnonzero(kinds == "stamp")
    if stamp_idx.size:
        u_days[stamp_idx] = np.array(
            [np.datetime64(pd.Timestamp(u).tz_localize(None).date(), "D")
             for u in uniques[stamp_idx]], dtype="datetime64[D]")  # fmt: skip
    number_idx = np.flatnonzero(kinds == "number")
    if number_idx.size:
        d, y, r, sl = _serials(np.array([_float(u) for u in uniques[number_idx]]), system)
        u_days[number_idx], u_year[number_idx], u_reason[number_idx] = d, y, r
        u_serial[number_idx] = sl
    text_idx = np.flatnonzero(kinds == "text")
    if text_idx.size:
        d, y, miss, r, mo, order, sl = _date_texts(pd.Series(uniques[text_idx], dtype=object),
                                                   system)
        u_days[text_idx], u_year[text_idx], u_serial[text_idx] = d, y, sl
        u_missing[text_idx], u_reason[text_idx], u_month_only[text_idx] = miss, r, mo
        u_order[text_idx], month_first = order.kind, order.month_first
    u_reason[kinds == "other"] = "not a date"
    u_reason[kinds == "missing"] = ""
    u_missing[kinds == "missing"] = True
    done = _finish_dates(u_days, u_year, u_missing, u_reason != "", u_reason, u_month_only)
    u_note = _order_note(name, u_order, month_first, done, uniques, codes)
    if date_system is None:
        u_note = _serial_note(name, u_serial & ~done.bad, done, uniques, codes, u_note)
    # the tables end with the missing slot, so code -1 indexes it as it is

    def spread(table: np.ndarray) -> np.ndarray:  # per-row values; no take when all False
        return table[codes] if table.any() else np.zeros(n, dtype=bool)

    bad = spread(done.bad)
    reason = (done.reason[codes] if bad.any()
              else np.broadcast_to(np.array("", dtype=object), (n,)))
    month_only = spread(done.month_only) if done.month_only.any() else _nowhere(n)
    note = u_note[codes] if u_note is not None else _no_notes(n)
    return DateResult(done.dates[codes], done.year[codes], spread(done.missing), bad, reason,
                      month_only, note)


def iso_date_column(series: pd.Series) -> DateResult | None:
    """:func:`parse_dates` of the usual export in one pass: an arrow-backed text column whose
    every filled cell is a ``YYYY-MM-DD`` date in :data:`YEAR_RANGE`.

    pyarrow's cast to ``date32`` reads exactly that form (no blanks around, two-digit month
    and day, real calendar dates), so the result equals the general path's; anything else
    in the column (another form, an impossible or implausible date) returns None and the
    general path decides, naming each bad value. Saves looking up the distinct values.
    """
    column = arrow_text(series)
    if column is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(column)
    if n == 0 or column.null_count == n:
        return None
    try:
        pc.cast(column.slice(0, 64), pa.date32())  # a look at the start first
        stamped = pc.cast(column, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, OverflowError):
        return None
    bounds = pc.min_max(stamped)
    try:
        first, last = bounds["min"].as_py().year, bounds["max"].as_py().year
    except (OverflowError, ValueError):  # year 0: the general path names it
        return None
    if first < YEAR_RANGE[0] or last > YEAR_RANGE[1]:
        return None
    # pyarrow's kernels: numpy's datetime64[D] -> [Y] conversion is ten times slower
    dates = np.asarray(pc.cast(stamped, pa.timestamp("ns")).to_numpy(), dtype="datetime64[ns]")
    year = pc.year(stamped)
    missing = np.zeros(n, dtype=bool)
    if column.null_count:
        missing = np.isnat(dates)
        year = pc.fill_null(year, 0)
    return DateResult(dates, np.asarray(year.to_numpy(), dtype=np.int64), missing,
                      np.zeros(n, dtype=bool), np.broadcast_to(np.array("", dtype=object), (n,)),
                      _nowhere(n), _no_notes(n))


def _no_notes(n: int) -> np.ndarray:
    """``n`` times ``""``, read-only (no memory per row)."""
    return np.broadcast_to(np.array("", dtype=object), (n,))


def _nowhere(n: int) -> np.ndarray:
    """``n`` times False, read-only (no memory per row)."""
    return np.broadcast_to(np.False_, (n,))


def _finish_dates(days: np.ndarray, year: np.ndarray, missing: np.ndarray, bad: np.ndarray,
                  reason: np.ndarray, month_only: np.ndarray) -> DateResult:
    """Year from dates, plausibility check, ns resolution."""
    has_day = ~np.isnat(days)
    year = year.copy()
    year[has_day] = days[has_day].astype("datetime64[Y]").astype(np.int64) + 1970
    known = ((year != 0) | has_day) & ~bad
    implausible = known & ((year < YEAR_RANGE[0]) | (year > YEAR_RANGE[1]))
    if implausible.any():
        reason = reason.copy()
        shown = pd.Series(year[implausible], dtype=object).astype(str)
        reason[implausible] = ("implausible date (year " + shown + f"; expected "
                               f"{YEAR_RANGE[0]}-{YEAR_RANGE[1]})").to_numpy(dtype=object)
        bad = bad | implausible
    days = np.where(bad, np.datetime64("NaT"), days).astype("datetime64[D]")
    year = np.where(bad | missing, 0, year)
    return DateResult(days.astype("datetime64[ns]"), year.astype(np.int64), missing & ~bad,
                      bad, reason, month_only & ~bad, _no_notes(len(days)))


def _date_kind(value: Any) -> str:
    if isinstance(value, str):
        return "text"
    if isinstance(value, pd.Timestamp | _dt.date | np.datetime64):
        return "missing" if pd.isna(value) else "stamp"
    if isinstance(value, bool | np.bool_):
        return "other"
    if isinstance(value, int | float | np.integer | np.floating):
        return "missing" if np.isnan(_float(value)) else "number"
    return "other"


def _serials(numbers: np.ndarray, system: str = "1900"
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Numbers -> (days, year-only, reason, serial): a plausible year, or an Excel serial
    date of the date ``system`` ("1900" or "1904"; ``serial`` marks those)."""
    days = np.full(len(numbers), np.datetime64("NaT"), dtype="datetime64[D]")
    year = np.zeros(len(numbers), dtype=np.int64)
    reason = np.full(len(numbers), "", dtype=object)
    integral = np.floor(numbers) == numbers
    is_year = integral & (numbers >= YEAR_RANGE[0]) & (numbers <= YEAR_RANGE[1])
    year[is_year] = numbers[is_year].astype(np.int64)
    epoch = _EXCEL_EPOCHS[system]
    shift = int((epoch - _EXCEL_EPOCH).astype(np.int64))  # the same dates, 1462 lower in 1904
    serial = (~is_year & (numbers >= _SERIAL_RANGE[0] - shift)
              & (numbers < _SERIAL_RANGE[1] - shift + 1))
    days[serial] = epoch + np.floor(numbers[serial]).astype(np.int64)
    other = ~is_year & ~serial
    reason[other] = [f"not a date (the number {v:g} is neither a year nor an Excel date "
                     f"serial in {YEAR_RANGE[0]}-{YEAR_RANGE[1]})" for v in numbers[other]]
    return days, year, reason, serial


def _ymd_days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Arrays of year, month, day (floats, NaN allowed) -> datetime64[D], NaT if impossible.

    Exact calendar arithmetic in numpy (proleptic Gregorian, years 1-9999): no nanosecond
    timestamps, so far dates are neither wrapped around nor refused as "impossible".
    """
    out = np.full(len(y), np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~(np.isnan(y) | np.isnan(m) | np.isnan(d))
    ok[ok] = (y[ok] >= 1) & (y[ok] <= 9999) & (m[ok] >= 1) & (m[ok] <= 12) & (d[ok] >= 1)
    if ok.any():
        months = ((y[ok] - 1970) * 12 + (m[ok] - 1)).astype(np.int64)
        start = months.astype("datetime64[M]").astype("datetime64[D]")
        length = (months + 1).astype("datetime64[M]").astype("datetime64[D]") - start
        day = d[ok].astype(np.int64)
        fits = day <= length.astype(np.int64)
        days = np.full(day.size, np.datetime64("NaT"), dtype="datetime64[D]")
        days[fits] = start[fits] + (day[fits] - 1)
        out[ok] = days
    return out


_PLAIN_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

# what a numeric day/month date tells of the order: reads both ways (03/04), only day
# first (13/04), only month first (04/13); 0: none of these
_BOTH_WAYS, _ONLY_DAY, _ONLY_MONTH = 1, 2, 3


class _DateOrder(NamedTuple):
    """Per distinct date text, its ``kind`` (``_BOTH_WAYS`` ...); whether the column's
    numeric dates were read month first."""

    kind: np.ndarray
    month_first: bool


def _date_texts(text: pd.Series, system: str = "1900"
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                           _DateOrder, np.ndarray]:
    """Distinct date texts -> (days, year-only, missing, reason, month-only, order, serial:
    read as an Excel serial date of the date ``system``)."""
    size = len(text)
    serial = np.zeros(size, dtype=bool)
    if size and all(isinstance(v, str) and _PLAIN_ISO.fullmatch(v) for v in text):
        # the usual export: every value YYYY-MM-DD; numpy reads them in C
        try:
            days = np.array(text.to_numpy(dtype=object).astype(str), dtype="datetime64[D]")
        except ValueError:  # an impossible day: the general path names it
            pass
        else:
            if not (days < np.datetime64("0001-01-01")).any():  # numpy also reads year 0
                return (days, np.zeros(size, dtype=np.int64), np.zeros(size, dtype=bool),
                        np.full(size, "", dtype=object), np.zeros(size, dtype=bool),
                        _DateOrder(np.zeros(size, dtype=np.int8), False), serial)
    t = text.str.strip()
    missing = (t == "").to_numpy()
    t = t.str.replace(_TIME, "", regex=True).str.strip()
    t = t.str.replace(_WEEKDAY, "", regex=True, flags=re.IGNORECASE)
    y = np.full(size, np.nan)
    m = np.full(size, np.nan)
    d = np.full(size, np.nan)
    matched = np.zeros(size, dtype=bool)

    def take(pattern: str, order: tuple[int, int, int], month_names: bool = False) -> None:
        parts = t.str.extract(pattern, flags=re.IGNORECASE)
        hit = parts[0].notna().to_numpy() & ~matched
        if not hit.any():
            return
        cols = [parts[i][hit] for i in range(3)]
        yi, mi, di = order
        year = _full_year(cols[yi].astype(float).to_numpy(),
                          cols[yi].str.len().to_numpy(dtype=np.int64))
        if month_names:
            month = cols[mi].str.lower().map(_MONTHS).astype(float).to_numpy()
        else:
            month = cols[mi].astype(float).to_numpy()
        y[hit] = year
        m[hit] = month
        d[hit] = cols[di].astype(float).to_numpy()
        matched[hit] = True

    take(_ISO, (0, 1, 2))
    take(_COMPACT, (0, 1, 2))
    numeric = t.str.extract(_NUMERIC)
    num_hit = numeric[0].notna().to_numpy() & ~matched
    order = _DateOrder(np.zeros(size, dtype=np.int8), False)
    if num_hit.any():
        first = numeric[0][num_hit].astype(float).to_numpy()
        second = numeric[1][num_hit].astype(float).to_numpy()
        year_text = numeric[2][num_hit]
        year = _full_year(year_text.astype(float).to_numpy(),
                          year_text.str.len().to_numpy(dtype=np.int64))
        # a date is evidence of an order only when it is a real day in that order alone
        # (13/03/2019: day first; 03/13/2019: month first); one that is no day either way
        # (13/14/2019, 03/45/2019, 02/30/2019 read month first) is rejected and decides
        # nothing
        day_first = ~np.isnat(_ymd_days(year, second, first))
        month_first_ok = ~np.isnat(_ymd_days(year, first, second))
        only_day, only_month = day_first & ~month_first_ok, month_first_ok & ~day_first
        month_first = bool(only_month.any()) and not bool(only_day.any())
        take(_NUMERIC, (2, 0, 1) if month_first else (2, 1, 0))
        kind = np.zeros(len(first), dtype=np.int8)
        kind[day_first & month_first_ok & (first != second)] = _BOTH_WAYS  # 07/07: one day
        kind[only_day] = _ONLY_DAY
        kind[only_month] = _ONLY_MONTH
        order.kind[num_hit] = kind
        order = order._replace(month_first=month_first)
    take(_DAY_MONTH, (2, 1, 0), month_names=True)
    take(_MONTH_DAY, (2, 0, 1), month_names=True)
    month_only = ~matched & ~missing
    if month_only.any():  # month and year, no day: the first of the month
        for pattern, (yi, mi), names in ((_MONTH_YEAR, (1, 0), False),
                                         (_YEAR_MONTH, (0, 1), False),
                                         (_MONTH_NAME_YEAR, (1, 0), True),
                                         (_YEAR_MONTH_NAME, (0, 1), True)):
            parts = t.str.extract(pattern, flags=re.IGNORECASE)
            hit = parts[0].notna().to_numpy() & ~matched
            if hit.any():
                y[hit] = parts[yi][hit].astype(float).to_numpy()
                m[hit] = (parts[mi][hit].str.lower().map(_MONTHS).astype(float).to_numpy()
                          if names else parts[mi][hit].astype(float).to_numpy())
                d[hit] = 1.0
                matched[hit] = True
        month_only &= matched
    days = _ymd_days(y, m, d)
    reason = np.full(size, "", dtype=object)
    impossible = matched & np.isnat(days)
    reason[impossible] = "impossible date (no such day)"
    reason[impossible & month_only] = "impossible date (no such month)"
    unknown_month = impossible & np.isnan(m)
    reason[unknown_month] = "unparseable date (unknown month name)"
    year_only = np.zeros(size, dtype=np.int64)
    rest = ~matched & ~missing
    if rest.any():
        numbers = pd.to_numeric(t[rest], errors="coerce").to_numpy(dtype=float)
        is_num = ~np.isnan(numbers)
        idx = np.flatnonzero(rest)
        if is_num.any():
            sd, sy, sr, sl = _serials(numbers[is_num], system)
            days[idx[is_num]] = sd
            year_only[idx[is_num]] = sy
            reason[idx[is_num]] = sr
            serial[idx[is_num]] = sl
        reason[idx[~is_num]] = "unparseable date"
    periods = reason != ""
    if periods.any():  # a fiscal year or quarter: say what it is, not only that it fails
        periods &= _fiscal_periods(t)
        reason[periods] = FISCAL_REASON
    month_only &= ~impossible
    if month_only.any():  # 2011/12: December 2011, or the fiscal year 2011/12
        both = month_only & _month_or_year_span(t)
        if both.any():
            reason[both] = [month_or_year_span_reason(v) for v in t[both]]
            month_only &= ~both
    return days, year_only, missing, reason, month_only, order, serial


#: The reject reason of a text that names a fiscal year, half or quarter (``2020/21``,
#: ``FY2021``, ``Q1 2021``) rather than a date.
FISCAL_REASON = ("a fiscal year or quarter is not a date: give a date, or a year column "
                 "(mapping={'year': ...})")
_FISCAL = re.compile(
    r"^(?:FY\s*['\-]?\s*\d{2}(?:\d{2})?(?:\s*[/\-–]\s*\d{2}(?:\d{2})?)?"  # FY2021, FY 2020/21
    r"|(?:Q[1-4]|H[12])\s*[/\-]?\s*(?:FY\s*)?'?\d{2}(?:\d{2})?"  # Q1 2021, H1 FY21
    r"|(?:FY\s*)?\d{4}\s*[/\-]?\s*(?:Q[1-4]|H[12]))$",  # 2021-Q1
    re.IGNORECASE)
_YEAR_SPAN = r"^(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$"  # 2020/21, 2020-2021: consecutive years


_MONTH_OR_SPAN = r"^(\d{4})[-/](\d{2})$"  # 2011/12, 2009-10: a month, or two years


def _month_or_year_span(text: pd.Series) -> np.ndarray:
    """True for texts that read both as a month of a year and as two consecutive years: a
    four-digit year, ``/`` or ``-``, and the next year's last two digits, 01-12
    (``2011/12``, ``2009-10``, ``2000/01``)."""
    parts = text.str.extract(_MONTH_OR_SPAN)
    first = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype=float)
    second = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=float)
    return (second >= 1) & (second <= 12) & (second == (first + 1) % 100)


def month_or_year_span_reason(text: str) -> str:
    """The reject reason of a date text that reads both as a month and as a fiscal year
    or biennium (``'2011/12'``: December 2011, or the fiscal year 2011/12): the two
    readings put the row in different reporting years, so neither is taken.

    Parameters
    ----------
    text : str
        The date as written, e.g. ``"2011/12"``.
    """
    year, month = int(text[:4]), int(text[5:7])
    name = _MONTH_NAMES[month - 1]
    return (f"{text!r} reads both ways ({name} {year}, or the fiscal year {text}): give "
            f"the date in full (a day, or the month by name: '{name[:3]} {year}'), or a "
            "year column (mapping={'year': ...})")


def _fiscal_periods(text: pd.Series) -> np.ndarray:
    """True for texts naming a fiscal year, half or quarter (``FY2021``, ``Q1 2021``,
    ``2021-Q1``) or two consecutive years (``2020/21``, ``2020-2021``)."""
    named = text.str.contains(_FISCAL, regex=True).to_numpy(dtype=bool)
    span = text.str.extract(_YEAR_SPAN)
    first = pd.to_numeric(span[0], errors="coerce").to_numpy(dtype=float)
    second = pd.to_numeric(span[1], errors="coerce").to_numpy(dtype=float)
    short = span[1].str.len().to_numpy(dtype=float) == 2
    following = np.where(short, (first + 1) % 100, first + 1)
    return named | (second == following)


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def _order_note(name: str, kind: np.ndarray, month_first: bool, done: DateResult,
                uniques: np.ndarray, codes: np.ndarray) -> np.ndarray | None:
    """Per distinct value (plus the missing slot), the note on the dates that read both
    ways (``03/04/2019``), or None when there is none to make.

    One text for the column (reports list distinct notes): the order used, the column's
    first such date as the example, and what decided the order. No note when the column
    settles day first by itself (a date reads only day first, none only month first).
    ``kind``: per distinct value, ``_BOTH_WAYS``, ``_ONLY_DAY``, ``_ONLY_MONTH`` or 0;
    ``done``: the distinct values read; ``codes``: the rows' distinct values (-1: missing).
    """
    both = (kind == _BOTH_WAYS) & ~done.bad
    if not both.any():
        return None
    only_day, only_month = kind == _ONLY_DAY, kind == _ONLY_MONTH
    if not month_first and only_day.any() and not only_month.any():
        return None  # the column's own dates read day first: nothing was chosen for them

    def example(flags: np.ndarray) -> str:
        return repr(str(uniques[_first_in_rows(flags, codes)]).strip())

    if month_first:
        why = (f"the column has {example(only_month)}, which reads only month first, and no "
               "date that reads only day first")
    elif only_month.any():
        why = (f"the column has dates that read only day first ({example(only_day)}) and only "
               f"month first ({example(only_month)}), and day first is the default")
    else:
        why = "no date in the column shows the order, and day first is the default"
    read = pd.Timestamp(done.dates[_first_in_rows(both, codes)])
    as_read = f"{read.day} {_MONTH_NAMES[read.month - 1]}"
    swapped = f"{read.month} {_MONTH_NAMES[read.day - 1]}"  # the other order
    text = (f"{name} read {'month' if month_first else 'day'} first where a date reads both "
            f"ways (e.g. {example(both)}: {as_read}, not {swapped}): {why}")
    note = np.full(len(kind), "", dtype=object)
    note[both] = text
    return note


def _serial_note(name: str, serial: np.ndarray, done: DateResult, uniques: np.ndarray,
                 codes: np.ndarray, note: np.ndarray | None) -> np.ndarray | None:
    """``note`` (per distinct value, or None) with the note on the numbers read as Excel
    serial dates of the 1900 system in a source that carries no date system (a CSV): one
    text for the column, its first such value as the example with its 1904 reading."""
    if not serial.any():
        return note
    first = _first_in_rows(serial, codes)
    read = pd.Timestamp(done.dates[first])
    other = read + pd.Timedelta(days=int((_EXCEL_EPOCHS["1904"] - _EXCEL_EPOCH)
                                         .astype(np.int64)))
    text = (f"{name} read as an Excel serial date of the 1900 date system where a number "
            f"stands for a date (e.g. {str(uniques[first]).strip()!r}: {_day_text(read)}; "
            f"{_day_text(other)} in a workbook of the 1904 date system): the source carries "
            "no date system")
    out = np.full(len(serial), "", dtype=object) if note is None else note.copy()
    out[serial] = text
    return out


def _day_text(day: pd.Timestamp) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _first_in_rows(flags: np.ndarray, codes: np.ndarray) -> int:
    """Of the distinct values ``flags`` marks, the one of the first row (``codes``: the rows'
    distinct values; the distinct values need not be in the order of their rows)."""
    hit = np.flatnonzero(flags)
    if hit.size == 1:
        return int(hit[0])
    return int(codes[int(np.argmax(flags[codes]))])
