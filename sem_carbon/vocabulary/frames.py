"""A canonical-column DataFrame read with the vocabulary, as the readers read a file.

:func:`canonical_words` is what :func:`sem_carbon.calculate` does with a DataFrame's
words before computing it: the same columns on the same rows as
:func:`sem_carbon.read_travel_log` / :func:`sem_carbon.read_facilities` check, with the
same :func:`~sem_carbon.vocabulary.normalise` and the same reasons, so a value gets one
verdict whichever way it comes in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..codes import category_codes, factorize, smallest_int
from ..io.rejects import Rejections
from ..notes import join_notes
from .core import Normalised, normalise

__all__ = ["canonical_words", "word_columns"]

# (column, vocabulary kind, rows it is checked on: a mode/kind or None for every row)
_TRAVEL = (("cabin", "cabin", "air"), ("rail_kind", "rail_kind", "rail"),
           ("round_trip", "journey", None), ("country", "country", None))
_FACILITIES = (("country", "country", None), ("treatment", "boolean", None),
               ("method", "electricity_method", None), ("unit", "unit", None))

#: vocabularies read as a bool column (``true`` is True; anything else False)
_YES_NO = ("boolean", "journey")

Factorized = dict[str, tuple[np.ndarray, np.ndarray]]


def word_columns(kind: str) -> tuple[str, ...]:
    """The columns :func:`canonical_words` reads (checks and rewrites) in a ``kind`` table.

    Parameters
    ----------
    kind : {"travel", "facilities"}
        The table.
    """
    if kind == "travel":  # the mode word may also fill an empty vehicle or rail kind
        return ("mode", "vehicle", "rail_kind", *(name for name, _, _ in _TRAVEL))
    return ("kind", *(name for name, _, _ in _FACILITIES))


def canonical_words(kind: str, data: pd.DataFrame
                    ) -> tuple[pd.DataFrame, pd.DataFrame, Factorized]:
    """The vocabulary columns of ``data`` in canonical form, and the rows rejected.

    Parameters
    ----------
    kind : {"travel", "facilities"}
        The table.
    data : DataFrame
        Canonical columns (``docs/tables.md``) with ``source_row``; modified copy returned.

    Returns
    -------
    data : DataFrame
        The rows kept, words replaced by canonical values (``mode`` aliases also fill an
        empty ``vehicle`` / ``rail_kind``); notes of words read by choice appended to
        ``notes``.
    rejected : DataFrame
        ``source_row``, ``column``, ``value``, ``reason`` (the first problem of a row).
    factorized : dict
        Column -> ``pandas.factorize``'s ``(codes, uniques)`` of the returned column, for
        the columns read here (the calculators need not factorise them again).
    """
    n = len(data)
    rejects = Rejections(data["source_row"].to_numpy(), first_only=True)
    notes: list[tuple[np.ndarray, list[str]]] = []  # (codes, texts) per column read
    data = data.copy(deep=False)
    distinct: dict[str, _Distinct] = {}  # a column's distinct values, worked out once

    def distinct_of(name: str) -> _Distinct:
        if name not in distinct:
            distinct[name] = _Distinct.of(data[name])
        return distinct[name]

    def rows_of(only: str) -> np.ndarray:
        """The rows whose mode (or kind) is ``only``, found on the distinct values."""
        if main not in data.columns:
            return np.zeros(n, dtype=bool)
        # the main column was read first (its canonical values, when it was rewritten)
        column = distinct_of(main)
        return np.append(column.values == only, False)[column.at]

    def read(name: str, vocabulary: str, only: str | None) -> Normalised | None:
        """Check and rewrite one column; ``normalise``'s outcome on its distinct values
        (None: every value canonical already, nothing to do)."""
        if name not in data.columns:
            return None
        if vocabulary in _YES_NO and pd.api.types.is_bool_dtype(data[name].dtype) \
                and not data[name].isna().any():
            return None  # true/false already, none missing: nothing to read
        column = distinct_of(name)
        out = _changes(vocabulary, column.values)
        if out is None:  # canonical already (the usual DataFrame): nothing to rewrite
            return None
        rows = None if only is None else rows_of(only)
        at, m = column.at, len(column.values)  # code m: a missing value
        bad = np.append(out.rejected, False)[at]
        if rows is not None:
            bad &= rows
        if bad.any():
            reasons = np.append(out.reason, "")
            rejects.add(bad, name, data[name].reset_index(drop=True), reasons[at])
        if (out.note != "").any():
            said = at if rows is None else np.where(rows, at, m)
            notes.append((said, [*out.note.tolist(), ""]))
        if vocabulary in _YES_NO:  # journey: "legs" (open jaw, listed legs) is no round trip
            data[name] = np.append(~out.missing & (out.value == "true"), False)[at]
        else:
            keep = out.missing | out.rejected  # these rows keep their value as given
            canonical = np.where(keep, column.values, out.value)
            if rows is None:
                codes, labels = at, np.append(canonical, None)
            else:  # rows of another mode keep their value: a second block of labels
                codes = np.where(rows | (at == m), at, at + m + 1)
                labels = np.concatenate([canonical, [None], column.values])
            data[name] = _text_column(codes, labels, m, data[name].index)
            distinct[name] = _Distinct.of_labels(codes, labels)  # the new column's
            return out
        distinct.pop(name)  # rewritten: worked out again if asked
        return out

    if kind == "travel":
        main, checks = "mode", _TRAVEL
        as_given = distinct_of("mode") if "mode" in data.columns else None
        out = read("mode", "mode", None)
        if out is not None and as_given is not None:
            for implied in ("vehicle", "rail_kind"):
                words = out.extra[implied]
                if (words != "").any():
                    words = np.append(words, "")[as_given.at]
                    given = (data[implied].to_numpy(dtype=object) if implied in data.columns
                             else np.full(n, None, dtype=object))
                    empty = pd.isna(given) | (pd.Series(given, dtype=object)
                                              .astype(str).str.strip() == "").to_numpy()
                    data[implied] = np.where(empty & (words != ""), words, given)
    else:
        main, checks = "kind", _FACILITIES
        read("kind", "facility_kind", None)
    for name, vocabulary, only in checks:
        read(name, vocabulary, only)
    if notes:
        lead = data["notes"] if "notes" in data.columns else None
        joined = join_notes(lead, *notes)
        if isinstance(joined, tuple):  # one column's notes alone: its texts
            joined = np.asarray(joined[1], dtype=object)[joined[0]]
        data["notes"] = np.asarray(joined, dtype=object)
    kept = ~rejects.mask if rejects.mask.any() else None
    factorized = {name: column.factorized(kept) for name, column in distinct.items()}
    if kept is None:  # the usual case: no copy of a wide table
        return data, rejects.frame(), factorized
    return data.loc[kept], rejects.frame(), factorized


class _Distinct:
    """A column as codes into its distinct values (``at``: per row, the value's position;
    ``len(values)`` for a missing value)."""

    __slots__ = ("at", "values")

    def __init__(self, at: np.ndarray, values: np.ndarray) -> None:
        self.at, self.values = at, values

    @classmethod
    def of(cls, column: pd.Series) -> _Distinct:
        # a categorical's own codes (no hashing; its categories may include unused ones)
        coded = category_codes(column)
        codes, values = coded if coded is not None else factorize(column)
        at = np.where(codes < 0, len(values), codes)
        return cls(at.astype(smallest_int(len(values))), values)

    @classmethod
    def of_labels(cls, codes: np.ndarray, labels: np.ndarray) -> _Distinct:
        """Of the column ``labels[codes]`` (labels may repeat; None: missing)."""
        label_codes, values = pd.factorize(np.asarray(labels, dtype=object),
                                           use_na_sentinel=True)
        values = np.asarray(values, dtype=object)
        at = np.append(np.where(label_codes < 0, len(values), label_codes), len(values))
        return cls(at.astype(smallest_int(len(values)))[codes], values)

    def factorized(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``pandas.factorize``'s ``(codes, uniques)`` of the column (of ``rows`` only);
        uniques may include values of no row kept."""
        at = self.at if rows is None else self.at[rows]
        return np.where(at == len(self.values), -1, at), self.values


def _changes(vocabulary: str, values: np.ndarray) -> Normalised | None:
    """:func:`normalise` of distinct values, or None when every one is canonical already
    (no rewrite, no note, nothing implied)."""
    if vocabulary in _YES_NO and all(isinstance(v, bool | np.bool_) for v in values):
        return None
    out = normalise(vocabulary, pd.Series(values, dtype=object))
    same = out.missing | np.array([isinstance(u, bool | np.bool_) or u == v
                                   for u, v in zip(values, out.value, strict=True)], dtype=bool)
    if same.all() and not (out.note != "").any() and not out.rejected.any() \
            and not any((e != "").any() for e in out.extra.values()):
        return None
    return out


def _text_column(codes: np.ndarray, labels: np.ndarray, missing: int,
                 index: pd.Index) -> pd.Series:
    """A text column of ``labels[codes]`` (code ``missing``: no value), built by pyarrow's
    take when every label is text (no Python string per row)."""
    labels = np.asarray(labels, dtype=object)
    is_text = np.array([isinstance(x, str) for x in labels.tolist()])
    absent = np.array([x is None or (isinstance(x, float) and np.isnan(x))
                       for x in labels.tolist()])
    if (is_text | absent).all():
        import pyarrow as pa

        taken = pa.array(labels.tolist(), type=pa.large_string(), from_pandas=True).take(
            pa.array(codes, mask=(codes == missing)))
        return pd.Series(pd.array(taken, dtype=pd.StringDtype(na_value=np.nan)), index=index)
    values = np.append(labels, None)
    values[missing] = None
    return pd.Series(values[codes], index=index, dtype=object)
