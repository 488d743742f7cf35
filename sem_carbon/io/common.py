"""Pieces shared by the travel and facilities readers."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache, partial
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..limits import YEAR_REASON, plausible_years
from ..vocabulary import YEAR_DATE_DISAGREE, normalise
from ..vocabulary.core import _shown
from .columns import TRAVEL_MODES, ColumnPlan
from .csvfile import text_dtype
from .notes import RowNotes
from .parse import (
    DateResult,
    NumberResult,
    arrow_text,
    as_text,
    cell_text,
    distinct,
    is_missing,
    iso_date_column,
    parse_dates,
    parse_numbers,
)
from .raw import RawTable
from .rejects import Rejections

__all__ = [
    "Coded",
    "SourceColumns",
    "Stray",
    "Vocab",
    "attach_extras",
    "blank_rows",
    "cell_issues",
    "cell_repr",
    "check_policy",
    "choose",
    "coded",
    "constant",
    "countries",
    "currencies",
    "currency_of",
    "dates_and_years",
    "empty_text",
    "historic_currencies",
    "is_one_value",
    "iso_currencies",
    "no_money",
    "note_readings",
    "numbered",
    "source_text",
    "text_from_codes",
]


#: columns of amounts of money: a currency code beside the number is read (and checked)
_MONEY = frozenset({"cost"})
#: sources with at least this many rows compute their columns in parallel
_PARALLEL_ABOVE = 100_000


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def check_policy(value: str, allowed: Sequence[str], name: str) -> None:
    """Raise ValueError unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")


def is_one_value(values: np.ndarray) -> bool:
    """True for a non-empty 1-D broadcast view of one value (read-only, no memory per row),
    as the readers use for absent and one-value columns."""
    return bool(values.size) and values.strides == (0,)


class Vocab(NamedTuple):
    """The distinct values of a source column (a factorisation).

    Readers normalise words (modes, cabins, currencies, units ...) once per *distinct*
    value and spread the results with one array take, never once per row.

    Attributes
    ----------
    codes : ndarray of intp
        Per row: index into ``raw``/``text``; -1 where the cell is missing or blank.
        Read-only (a broadcast view, no memory per row) when the column is absent or holds
        one value.
    raw : ndarray of object
        The distinct source values, as read.
    text : ndarray of object
        Their stripped text (see :func:`~sem_carbon.io.parse.as_text`).
    """

    codes: np.ndarray
    raw: np.ndarray
    text: np.ndarray

    @property
    def present(self) -> np.ndarray:
        """True where the cell holds a (non-blank) value (read-only when the column holds
        one value)."""
        if is_one_value(self.codes):
            return np.broadcast_to(self.codes[0] >= 0, self.codes.shape)
        return self.codes >= 0

    def spread(self, table: Any, missing: Any, dtype: Any = None) -> np.ndarray:
        """Per-row values of a per-distinct-value ``table``; ``missing`` where blank.

        The result is read-only when it holds one value (no memory per row then).
        """
        table = np.asarray(table, dtype=dtype)
        full = np.append(table, np.asarray([missing], dtype=table.dtype))
        if is_one_value(self.codes):  # a column of one value
            return np.broadcast_to(full[self.codes[0]], self.codes.shape)
        if full.dtype != object and (full == full[0]).all():  # one result: no take
            return np.broadcast_to(full[0], self.codes.shape)
        return full[self.codes]

    def map(self, func: Any, dtype: Any = object) -> np.ndarray:
        """``func(text)`` for each distinct value (a small array, one entry per value)."""
        out = np.empty(len(self.text), dtype=dtype)
        for i, value in enumerate(self.text):  # distinct values only
            out[i] = func(value)
        return out


class Coded(NamedTuple):
    """A per-row text column held as ids into a small table (no Python string per row).

    Attributes
    ----------
    ids : ndarray of intp
        Per row: index into ``table``; -1 means ``""``.
    table : ndarray of object
        The texts.
    """

    ids: np.ndarray
    table: np.ndarray

    def series(self, positions: np.ndarray | None = None) -> pd.Series:
        """The texts (of the rows at ``positions``; None: all rows) as a text Series."""
        size = len(self.ids) if positions is None else len(positions)
        if not (self.table != "").any():  # nothing but empty strings
            return empty_text(size)
        ids = self.ids if positions is None else self.ids[positions]
        return text_from_codes(ids, self.table)

    def texts(self, positions: np.ndarray) -> np.ndarray:
        """The texts of the rows at ``positions`` as an object array (for few rows)."""
        return np.append(self.table, "").astype(object)[self.ids[positions]]


def coded(vocab: Vocab, table: Any) -> Coded:
    """Per-row ids of ``table`` (one text per distinct value of ``vocab``; ``""`` where it
    has none). Equal texts share one id, so ids can be compared as keys."""
    ids, uniques = pd.factorize(np.asarray(table, dtype=object), use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    empty = np.flatnonzero(uniques == "")
    if empty.size:
        ids = np.where(ids == empty[0], -1, ids)
    return Coded(vocab.spread(ids, -1, dtype=np.intp), uniques)


def choose(mask: np.ndarray, first: Coded, second: Coded) -> Coded:
    """``first`` where ``mask``, else ``second`` (one merged table)."""
    offset = len(first.table)
    ids = np.where(mask, first.ids, np.where(second.ids >= 0, second.ids + offset, -1))
    return Coded(ids, np.concatenate([first.table, second.table]).astype(object))


def constant(n: int, text: str) -> Coded:
    """``n`` rows of one text (read-only ids: no memory per row)."""
    return Coded(np.broadcast_to(np.intp(0), (n,)), np.array([text], dtype=object))


class Stray(NamedTuple):
    """Values of a column read per mode found in another mode's column
    (:meth:`SourceColumns.stray`); ``value`` and ``reason`` are aligned with the rows
    (``reason``: the reject reason on ``misplaced`` rows, the note on ``ignored`` ones)."""

    misplaced: np.ndarray
    ignored: np.ndarray
    value: pd.Series
    reason: pd.Series


class SourceColumns:
    """Canonical columns of a raw source, following a :class:`ColumnPlan`.

    Parsed forms of the columns (:meth:`text`, :meth:`vocab`, :meth:`numbers`,
    :meth:`dates`) are computed once and cached; :meth:`prefetch` starts computing them in
    background threads. Use it as a context manager (or call :meth:`close`) so that the
    threads are finished when the table is built.

    Parameters
    ----------
    raw : RawTable
        The source.
    plan : ColumnPlan
        Which source columns feed which canonical column.
    row_modes : callable, optional
        For columns read per mode (``plan.by_mode``): returns the index of each row's
        mode in :data:`~sem_carbon.io.columns.TRAVEL_MODES` (-1 or less: none).
    """

    def __init__(self, raw: RawTable, plan: ColumnPlan,
                 row_modes: Callable[[], np.ndarray] | None = None) -> None:
        self.frame = raw.frame
        self.plan = plan
        self.row_modes = row_modes
        self.n = len(raw.frame)
        self.decimal = raw.decimal
        self.decimal_origin = raw.decimal_origin
        self.decimal_given = raw.decimal_given
        self.date_system = raw.date_system
        self._raw: dict[str, pd.Series | None] = {}
        self._text: dict[str, pd.Series] = {}
        self._vocab: dict[str, Vocab] = {}
        self._numbers: dict[str, NumberResult] = {}
        self._dates: dict[str, DateResult] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[tuple[str, str], tuple[Future[Any], Callable[[], object]]] = {}

    def __enter__(self) -> SourceColumns:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prefetch(self, *tasks: tuple[str, str],
                 jobs: Sequence[Callable[[], object]] = ()) -> None:
        """Start computing columns in background threads (large sources only).

        Parameters
        ----------
        *tasks : (kind, name)
            ``kind`` is ``"vocab"``, ``"dates"``, ``"numbers"`` or ``"text"`` (the accessor
            of that name); give them in the order the caller will need them.
        jobs : sequence of callables
            More work for the pool, started after the tasks (they keep their results
            themselves; :meth:`wait` waits for them).

        Notes
        -----
        The work is in pyarrow and numpy, which release the GIL, so the threads compute
        columns in parallel while the caller goes on; an accessor asked for a column still
        being computed waits for it. Small sources, or a single CPU, compute everything on
        demand instead (``jobs`` are then not run).
        """
        todo: list[tuple[tuple[str, str], Callable[[], object]]] = [
            ((kind, name), partial(getattr(self, f"_{kind}_of"), name)) for kind, name in tasks
            if name in self.plan.columns]
        todo += [(("job", str(i)), job) for i, job in enumerate(jobs)]
        workers = min(len(todo), _cpus())
        if self.n < _PARALLEL_ABOVE or workers < 2 or self._pool is not None:
            return
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="sem-carbon-read")
        for key, task in todo:
            self._pending[key] = (self._pool.submit(task), task)

    def _ready(self, kind: str, name: str) -> None:
        """Make sure ``kind`` of ``name`` is not being computed by a thread: wait for it if
        a thread has started it, else take it over (the caller computes it now, instead of
        idling until a thread is free). Errors of the task surface here."""
        pending = self._pending.get((kind, name))
        if pending is not None:
            future, task = pending
            if future.cancel():
                task()
            else:
                future.result()

    def wait(self) -> None:
        """Wait for (or take over) everything started by :meth:`prefetch`."""
        for key in list(self._pending):
            self._ready(*key)

    def later(self, task: Callable[[], Any]) -> Callable[[], Any]:
        """Start ``task`` in the threads of :meth:`prefetch` (when a large source has them;
        else run it now); returns a callable giving its result (waiting for it, or taking
        it over when no thread has started it yet)."""
        if self._pool is None:
            value = task()
            return lambda: value
        future = self._pool.submit(task)

        def result() -> Any:
            return task() if future.cancel() else future.result()

        return result

    def close(self) -> None:
        """Stop the threads of :meth:`prefetch` (waiting for the running tasks)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending.clear()

    def get(self, name: str) -> pd.Series | None:
        """The (coalesced) source column of ``name``, a preset default, or None."""
        if name not in self._raw:
            cols = self.plan.columns.get(name)
            series = None
            if cols and name in self.plan.by_mode:
                series = self._by_mode(name)
            elif cols:
                series = self.frame[cols[0]]
                for other in cols[1:]:
                    series = _coalesce(series, self.frame[other])
                series = series.reset_index(drop=True)
            elif name in self.plan.defaults:
                series = pd.Series(np.full(self.n, self.plan.defaults[name], dtype=object))
            self._raw[name] = series
        return self._raw[name]

    def _modes_of_rows(self) -> np.ndarray:
        if self.row_modes is None:
            raise TypeError("columns read per mode need the rows' modes (row_modes=)")
        return np.asarray(self.row_modes())

    def _by_mode(self, name: str) -> pd.Series:
        """``name`` read per mode: each row the (coalesced) column(s) of its own mode,
        blank on rows of a mode without columns of its own."""
        mode = self._modes_of_rows()
        out = pd.Series(np.full(self.n, None, dtype=object))
        for i, mode_name in enumerate(TRAVEL_MODES):
            cols = self.plan.by_mode[name].get(mode_name, ())
            rows = mode == i
            if not cols or not rows.any():
                continue
            series = self.frame[cols[0]]
            for other in cols[1:]:
                series = _coalesce(series, self.frame[other])
            values = series.reset_index(drop=True).astype(object)
            out = out.where(~rows, values)
        return out

    def stray(self, name: str) -> Stray | None:
        """Cells of a column read per mode (``plan.by_mode``) that their row does not read.

        ``misplaced`` rows are of a mode with column(s) of its own, all blank, while a
        column of another mode holds a value: nothing says that value is this mode's
        (the caller rejects them). ``ignored`` rows hold a value in another mode's column
        as well as (or instead of, for a mode without columns) their own: that value is
        not read (the caller notes it). None when ``name`` is not read per mode.
        """
        per_mode = self.plan.by_mode.get(name)
        if not per_mode:
            return None
        mode = self._modes_of_rows()
        n = self.n
        filled = {col: ~is_missing(self.frame[col]) for col in self.plan.columns[name]}
        misplaced, ignored = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        reason = pd.Series(np.full(n, "", dtype=object))
        value = pd.Series(np.full(n, None, dtype=object))
        for i, mode_name in enumerate(TRAVEL_MODES):
            rows = mode == i
            if not rows.any():
                continue
            own = per_mode.get(mode_name, ())
            others = [c for c in self.plan.columns[name] if c not in own]
            own_filled = np.zeros(n, dtype=bool)
            for col in own:
                own_filled |= filled[col]
            other_filled = np.zeros(n, dtype=bool)
            listed = pd.Series(np.full(n, "", dtype=object))
            for col in others:
                here = rows & filled[col]
                if not here.any():
                    continue
                other_filled |= here
                value = value.where(~(here & value.isna()),
                                    self.frame[col].reset_index(drop=True).astype(object))
                readers = [m for m in TRAVEL_MODES if col in per_mode.get(m, ())]
                label = f"{col!r} (read on {' and '.join(readers) or 'no'} rows)"
                listed = listed.where(~here, listed + np.where(listed == "", "", ", ") + label)
            if not other_filled.any():
                continue
            text = listed.where(other_filled, "")
            if own:
                wrong = rows & other_filled & ~own_filled
                misplaced |= wrong
                columns = " / ".join(map(repr, own))
                reason = reason.where(~wrong, (
                    f"{mode_name} row without a {name} in {columns}, its own column, but "
                    f"with one in " + text + f": each mode's {name} is read from its own "
                    f"column only (fill {columns}, or correct the mode)"))
                ignore = rows & other_filled & own_filled
            else:
                ignore = rows & other_filled
            ignored |= ignore
            reason = reason.where(~ignore, (
                text + f" not read on {_article(mode_name)} {mode_name} row (each mode's "
                f"{name} is read from its own column)"))
        return Stray(misplaced, ignored, value, reason)

    def has(self, name: str) -> bool:
        """True when ``name`` has a source column or a default."""
        return self.plan.has(name)

    def text(self, name: str) -> pd.Series:
        """``name`` as stripped text (``""`` for missing or when the column is absent).

        For columns passed through to ``data`` (ids, names); words to normalise use
        :meth:`vocab`.
        """
        self._ready("text", name)
        return self._text_of(name)

    def _text_of(self, name: str) -> pd.Series:
        if name not in self._text:
            series = self.get(name)
            if series is None:  # absent column: one shared all-empty Series (never mutated)
                self._text[name] = empty_text(self.n)
            else:
                self._text[name] = as_text(series)
        return self._text[name]

    def numbers(self, name: str) -> NumberResult | None:
        """``name`` parsed as numbers (:func:`~sem_carbon.io.parse.parse_numbers`, with the
        source's default decimal mark; notes name the column; a ``cost`` may carry a
        currency code); None when the column is absent."""
        self._ready("numbers", name)
        return self._numbers_of(name)

    def _numbers_of(self, name: str) -> NumberResult | None:
        if name not in self._numbers:
            series = self.get(name)
            if series is None:
                return None
            self._numbers[name] = parse_numbers(series, self.decimal, name=name,
                                                origin=self.decimal_origin,
                                                given=self.decimal_given,
                                                currency=name in _MONEY)
        return self._numbers[name]

    def dates(self, name: str) -> DateResult:
        """``name`` parsed as dates (:func:`~sem_carbon.io.parse.parse_dates`), once per
        distinct value."""
        self._ready("dates", name)
        return self._dates_of(name)

    def _dates_of(self, name: str) -> DateResult:
        if name not in self._dates:
            series = self.get(name)
            assert series is not None
            if ptypes.is_datetime64_any_dtype(series.dtype):
                self._dates[name] = parse_dates(series)
            else:  # the usual YYYY-MM-DD column in one cast, else once per distinct value
                fast = iso_date_column(series)
                if fast is None:
                    vocab = self.vocab(name)
                    fast = parse_dates(series, (vocab.codes, vocab.raw), name=name,
                                       date_system=self.date_system)
                self._dates[name] = fast
        return self._dates[name]

    def vocab(self, name: str) -> Vocab:
        """The distinct values of ``name`` (all rows missing when the column is absent)."""
        self._ready("vocab", name)
        return self._vocab_of(name)

    def _vocab_of(self, name: str) -> Vocab:
        if name not in self._vocab:
            cols = self.plan.columns.get(name)
            # an absent column or a preset default: read-only codes without memory per row
            if not cols and name in self.plan.defaults:  # a preset default: one value
                value = self.plan.defaults[name]
                codes = np.broadcast_to(np.intp(0), (self.n,))
                raw_values = np.array([value], dtype=object)
            elif not cols:
                codes = np.broadcast_to(np.intp(-1), (self.n,))
                raw_values = np.zeros(0, dtype=object)
            else:
                series = self.get(name)
                assert series is not None
                codes, raw_values = distinct(series)
            text = np.array([cell_text(v) for v in raw_values] + [""], dtype=object)[:-1]
            blank = text == ""
            if blank.any() and is_one_value(codes):
                one = -1 if np.append(blank, True)[codes[0]] else codes[0]
                codes = np.broadcast_to(np.intp(one), codes.shape)
            elif blank.any():
                codes = np.where(np.append(blank, True)[codes], -1, codes)
            # intp: the codes index many tables, and numpy indexes with intp without a cast
            self._vocab[name] = Vocab(codes.astype(np.intp, copy=False), raw_values, text)
        return self._vocab[name]

    def shown(self, name: str, fallback: str = "") -> pd.Series | str:
        """The source cells of ``name`` as written, for ``rejected.value``; ``fallback``
        where the cell is empty (e.g. the unit from ``units=``)."""
        series = self.get(name)
        if series is None:
            return fallback
        present = self.vocab(name).present
        return as_text(series, strip=False).where(present, fallback)

    def label(self, name: str) -> str:
        """Source column name(s) of ``name`` (for ``rejected.column``)."""
        return self.plan.label(name)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _coalesce(first: pd.Series, other: pd.Series) -> pd.Series:
    """``first`` where it holds a value, else ``other`` (any dtypes: categories, nullable
    integers and text mix as objects)."""
    missing = is_missing(first)
    if not missing.any():
        return first
    if first.dtype != other.dtype or isinstance(first.dtype, pd.CategoricalDtype):
        first, other = first.astype(object), other.astype(object)
    return first.where(~missing, other)


def no_money(cols: SourceColumns, rej: Rejections, rows: np.ndarray, name: str) -> None:
    """Reject ``rows`` whose ``name`` (a count, distance or amount, not money) is written
    with a currency sign (``$100``): the number is no quantity of what the column holds."""
    parsed = cols.numbers(name)
    if parsed is None or not len(parsed.signs):
        return
    rej.add(rows & (parsed.sign >= 0), cols.label(name), cols.get(name),
            f"{name} is not a number (it is written with a currency sign)")


def note_readings(notes: RowNotes, rows: np.ndarray,
                  parsed: NumberResult | DateResult | None) -> None:
    """Note on ``rows`` how their ambiguous texts were read (``parsed.note``, one text per
    column: ``cost read with a decimal comma where a value reads both ways ...``, ``date
    read day first where a date reads both ways ...``; see
    :func:`~sem_carbon.io.parse.parse_numbers` and
    :func:`~sem_carbon.io.parse.parse_dates`)."""
    if parsed is None or (is_one_value(parsed.note) and parsed.note[0] == ""):
        return
    notes.add(rows & (parsed.note != ""), parsed.note)


def numbered(prefix: str, numbers: np.ndarray, suffix: str = "") -> np.ndarray:
    """``prefix + str(number) + suffix`` for an array of numbers, vectorised."""
    text = pd.Series(np.asarray(numbers), dtype=object).astype(str)
    return (prefix + text + suffix).to_numpy(dtype=object)


def text_from_codes(codes: np.ndarray, table: Any) -> pd.Series:
    """A text Series from codes into a table of texts (code -1: ``""``).

    One pyarrow dictionary decode: no Python string per row.
    """
    dtype = text_dtype()
    uniques = np.asarray(table, dtype=object)
    codes = np.asarray(codes)
    if dtype is object:  # pragma: no cover - old pandas
        return pd.Series(np.append(np.asarray(uniques, dtype=object), "")[codes], dtype=object)
    import pyarrow as pa

    if uniques.size == 0 or (uniques.size == 1 and uniques[0] == "") or not (codes >= 0).any():
        return empty_text(codes.size)
    texts = pa.array(np.append(uniques, ""), type=pa.large_string())
    index = codes.astype(np.int32)  # a copy: -1 is replaced in place
    index[index < 0] = uniques.size
    return pd.Series(pa.DictionaryArray.from_arrays(pa.array(index), texts).cast(
        pa.large_string()), dtype=dtype)


def empty_text(n: int) -> pd.Series:
    """A text Series of ``n`` empty strings."""
    dtype = text_dtype()
    if dtype is object:  # pragma: no cover - old pandas
        return pd.Series(np.full(n, "", dtype=object), dtype=object)
    return pd.Series(_empty_strings(n), dtype=dtype)


@lru_cache(maxsize=1)
def _empty_strings(n: int) -> Any:
    import pyarrow as pa

    return pa.repeat(pa.scalar("", type=pa.large_string()), n)


def source_text(series: pd.Series | None, vocab: Vocab, per_value: Any,
                positions: np.ndarray | None) -> pd.Series | None:
    """The source column itself (at ``positions``) when its output text is the text as
    read: ``per_value`` (the output of each distinct value of ``vocab``) equals each
    distinct value. Saves building a new string per row; None when it does not apply.
    """
    if series is None or not (ptypes.is_string_dtype(series.dtype)
                              and not ptypes.is_object_dtype(series.dtype)):
        return None
    per_value = np.asarray(per_value, dtype=object)
    if per_value.shape != vocab.raw.shape or not bool((per_value == vocab.raw).all()):
        return None
    out = series if positions is None else series.iloc[positions].reset_index(drop=True)
    return out.fillna("") if out.hasnans else out


def _null_count(series: pd.Series) -> int | None:
    """Missing cells of an arrow-backed column without scanning it; None for others."""
    column = arrow_text(series)
    return None if column is None else int(column.null_count)


def blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """True for rows where every cell is missing."""
    if any(_null_count(frame.iloc[:, i]) == 0 for i in range(frame.shape[1])):
        return np.zeros(len(frame), dtype=bool)  # a column without gaps: no blank row
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        blank &= frame[col].isna().to_numpy()
        if not blank.any():
            break
    return blank & (frame.shape[1] > 0)


def cell_issues(raw: RawTable, plan: ColumnPlan, rej: Rejections, notes: RowNotes) -> None:
    """Reject or note the cells the source could not hold as the user sees them
    (``RawTable.cell_issues``: Excel formulas without a cached value, error values).

    A row with such a cell in a column feeding a canonical column is rejected, with the
    cell's reason replacing any other problem found in that column (the cell also reads as
    missing); elsewhere (an extra column) the row gets the cell's note.
    """
    issues = raw.cell_issues
    if not len(issues):
        return
    labels: dict[str, list[str]] = {}
    for name, columns in plan.columns.items():
        for column in columns:
            labels.setdefault(column, []).append(plan.label(name))
    pos = issues["pos"].to_numpy(dtype=np.int64)
    column = issues["column"].to_numpy(dtype=object)
    value = issues["value"].to_numpy(dtype=object)
    reason = issues["reason"].to_numpy(dtype=object)
    used = np.zeros(len(pos), dtype=bool)
    for name in dict.fromkeys(column):  # distinct columns
        if name not in labels:
            continue
        here = column == name
        used |= here
        for label in dict.fromkeys(labels[name]):
            rej.supersede(pos[here], label, value[here], reason[here])
    notes.add_positions(pos[~used], issues["note"].to_numpy(dtype=object)[~used])


def dates_and_years(cols: SourceColumns, rej: Rejections, skip: np.ndarray,
                    date_name: str = "date") -> tuple[DateResult | None, np.ndarray]:
    """Parse ``date`` (and ``year``); reject bad values; return (dates, year per row).

    The year is the date's year when a date is given, else the ``year`` column's value;
    a row whose year and date are in different years is rejected
    (:data:`~sem_carbon.vocabulary.YEAR_DATE_DISAGREE`). Rows with neither are not
    rejected here (the caller knows what else may give a year).
    """
    year = np.zeros(cols.n, dtype=np.int64)
    result = None
    if cols.has(date_name):
        series = cols.get(date_name)
        assert series is not None
        result = cols.dates(date_name)
        rej.add(result.bad & ~skip, cols.label(date_name), series, result.reason)
        year = result.year.copy() if cols.has("year") else result.year
    if cols.has("year"):
        series = cols.get("year")
        numbers = cols.numbers("year")
        assert series is not None and numbers is not None
        value = numbers.values
        ok = ~numbers.missing & ~numbers.bad & plausible_years(value)
        bad = ~numbers.missing & ~ok
        rej.add(bad & ~skip, cols.label("year"), series, YEAR_REASON)
        # a year beside a date of another year: one of them is wrong, neither is taken
        other = ok & (year != 0) & (year != np.where(ok, value, 0).astype(np.int64))
        rej.add(other & ~skip, cols.label("year"), series, YEAR_DATE_DISAGREE)
        fill = (year == 0) & ok
        year[fill] = value[fill].astype(np.int64)
    return result, year


def countries(vocab: Vocab) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(alpha-2 code per distinct value, missing rows, unknown rows, reason per row) of a
    country column, read with :func:`sem_carbon.vocabulary.normalise` ("did you mean"
    built for the distinct unknown values only).

    The codes are per distinct value of ``vocab`` (spread them with ``vocab.codes``).
    """
    words = normalise("country", vocab.text)
    missing = ~vocab.present
    unknown = ~vocab.spread(~words.rejected, True, dtype=bool)
    return (np.asarray(words.value, dtype=object), missing, unknown,
            vocab.spread(words.reason, ""))


_CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "US$": "USD", "USD$": "USD"}


@lru_cache(maxsize=1)
def iso_currencies() -> frozenset[str]:
    """The ISO 4217 currency codes, current and historic.

    The current ones are pycountry's list (ISO 4217 List One, which drops a code when the
    currency is withdrawn: HRK, BGN); the historic ones are ``iso4217_historic.csv`` in
    :mod:`sem_carbon.money` (List Three and the codes withdrawn since, with sources). A
    withdrawn currency is still read: its cost or budget is then converted, or refused,
    by the rate look-up for its date (``docs/money.md``), never rejected as unknown.
    """
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies) | historic_currencies()


@lru_cache(maxsize=1)
def historic_currencies() -> frozenset[str]:
    """Withdrawn ISO 4217 codes (``sem_carbon/money/data/iso4217_historic.csv``)."""
    from importlib import resources

    text = resources.files("sem_carbon.money").joinpath("data/iso4217_historic.csv")
    rows = [line.split(",")[0].strip() for line in text.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return frozenset(rows[1:])  # after the header


def currency_of(value: Any) -> str:
    """The ISO 4217 code a currency cell names (``usd``, ``€``, ``£``, ``US$``), or ``""``
    when it names none exactly (``$`` and ``¥`` stand for several currencies)."""
    text = re.sub(r"\s+", "", str(value)).upper()
    text = _CURRENCY_SYMBOLS.get(text, text)
    return text if text in iso_currencies() else ""


def currencies(vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """(ISO 4217 code per distinct value, unknown rows) of a currency column."""
    table = vocab.map(currency_of)
    return table, vocab.spread(table == "", False, dtype=bool)


def attach_extras(data: dict[str, Any], frame: pd.DataFrame, extras: Sequence[str],
                  positions: np.ndarray) -> pd.DataFrame:
    """Build the output frame: canonical columns, then the extra source columns."""
    out = pd.DataFrame(data, copy=False)  # columns stay separate arrays: no 2-D copy
    if not extras:
        return out
    taken = set(out.columns)
    names = [name if name not in taken else f"{name} (source)" for name in extras]
    kept = frame[list(extras)].iloc[positions].reset_index(drop=True)  # one block, not one
    kept.columns = names  # insert per column (thousands of columns stay fast)
    return pd.concat([out, kept], axis=1)


def cell_repr(text: Any, size: int = 60) -> str:
    """``repr`` of a cell for a reason, cut to about ``size`` characters (the whole cell is
    in ``rejected.value``)."""
    return _shown(text, size)
