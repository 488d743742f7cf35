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

from ..io.rejects import Rejections
from ..notes import join_notes
from ..tabular import factorize
from .core import Normalised, normalise

__all__ = ["canonical_words"]

# (column, vocabulary kind, rows it is checked on: a mode/kind or None for every row)
_TRAVEL = (("cabin", "cabin", "air"), ("rail_kind", "rail_kind", "rail"),
           ("round_trip", "boolean", None), ("country", "country", None))
_FACILITIES = (("country", "country", None), ("treatment", "boolean", None),
               ("method", "electricity_method", None), ("unit", "unit", None))


def canonical_words(kind: str, data: pd.DataFrame,
                    factorized: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The vocabulary columns of ``data`` in canonical form, and the rows rejected.

    Parameters
    ----------
    kind : {"travel", "facilities"}
        The table.
    data : DataFrame
        Canonical columns (``docs/tables.md``) with ``source_row``; modified copy returned.
    factorized : dict, optional
        Filled with ``{column: (codes, uniques)}`` (as :func:`pandas.factorize` returns
        them, -1 for missing; positions of the rows returned) of the columns read and left
        as they were, so that a calculator need not factorise them again.

    Returns
    -------
    data : DataFrame
        The rows kept, words replaced by canonical values (``mode`` aliases also fill an
        empty ``vehicle`` / ``rail_kind``); notes of words read by choice appended to
        ``notes``.
    rejected : DataFrame
        ``source_row``, ``column``, ``value``, ``reason`` (the first problem of a row).
    """
    n = len(data)
    rejects = Rejections(data["source_row"].to_numpy(), first_only=True)
    notes: list[np.ndarray] = []
    data = data.copy(deep=False)

    def reject(mask: np.ndarray, name: str, why: np.ndarray) -> None:
        rejects.add(mask, name, data[name].reset_index(drop=True), why)

    kept: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # factorised, left as they were

    def read(name: str, vocabulary: str, only: str | None) -> None:
        if name not in data.columns:
            return
        out, factors = _words(vocabulary, data[name])
        if out is None:  # canonical already (the usual DataFrame): nothing to rewrite
            if factors is not None:
                kept[name] = factors
            return
        rows = every if only is None else rows_of(only)
        reject(rows & out.rejected, name, out.reason)
        notes.append(np.where(rows, out.note, ""))
        if vocabulary == "boolean":
            data[name] = np.where(out.missing, False, out.value == "true")
        else:
            data[name] = np.where(rows & ~out.missing & ~out.rejected, out.value,
                                  data[name].to_numpy(dtype=object))

    every = np.ones(n, dtype=bool)

    factorised: list[tuple[np.ndarray, np.ndarray]] = []  # the main column's, once

    def rows_of(only: str) -> np.ndarray:
        """The rows whose mode (or kind) is ``only``, found on the distinct values."""
        if main not in data.columns:
            return np.zeros(n, dtype=bool)
        if not factorised:  # after the main column itself was read (canonical values)
            codes, uniques = pd.factorize(data[main], use_na_sentinel=True)
            factorised.append((codes, np.asarray(uniques, dtype=object)))
        codes, uniques = factorised[0]
        return np.isin(codes, np.flatnonzero(uniques == only))

    if kind == "travel":
        main, checks = "mode", _TRAVEL
        out = _words("mode", data["mode"])[0] if "mode" in data.columns else None
        if out is not None:
            read("mode", "mode", None)
            for implied in ("vehicle", "rail_kind"):
                words = out.extra[implied]
                if (words != "").any():
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
    if notes and any((part != "").any() for part in notes):
        lead = data["notes"] if "notes" in data.columns else None
        data["notes"] = np.asarray(join_notes(lead, *(pd.Series(p, index=data.index)
                                                      for p in notes)), dtype=object)
    keep = ~rejects.mask
    if factorized is not None:
        factorized.update(kept if keep.all() else
                          {name: (codes[keep], uniques) for name, (codes, uniques) in kept.items()})
    if keep.all():  # the usual case: no copy of a wide table
        return data, rejects.frame()
    return data.loc[keep], rejects.frame()


def _words(vocabulary: str, column: pd.Series
           ) -> tuple[Normalised | None, tuple[np.ndarray, np.ndarray] | None]:
    """:func:`normalise` of a column, or None when every value is canonical already
    (worked out on the distinct values: a canonical column is not copied); and the
    column's codes and distinct values when it was factorised."""
    if vocabulary == "boolean" and pd.api.types.is_bool_dtype(column.dtype) \
            and not column.isna().any():
        return None, None
    codes, raw = factorize(column)
    out = normalise(vocabulary, pd.Series(raw, dtype=object))
    same = out.missing | np.array([isinstance(u, bool | np.bool_) or u == v
                                   for u, v in zip(raw, out.value, strict=True)], dtype=bool)
    if same.all() and not (out.note != "").any() \
            and not any((e != "").any() for e in out.extra.values()):
        return None, (codes, raw)
    at = np.where(codes < 0, len(raw), codes)

    def spread(values: np.ndarray, fill: object) -> np.ndarray:
        return np.append(values, np.asarray([fill], dtype=values.dtype))[at]

    return Normalised(spread(out.value, ""), spread(out.missing, True),
                      spread(out.reason, ""), spread(out.note, ""),
                      {k: spread(v, "") for k, v in out.extra.items()}), None
