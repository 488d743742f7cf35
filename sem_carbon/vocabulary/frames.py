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
from .core import normalise

__all__ = ["canonical_words"]

# (column, vocabulary kind, rows it is checked on: a mode/kind or None for every row)
_TRAVEL = (("cabin", "cabin", "air"), ("rail_kind", "rail_kind", "rail"),
           ("round_trip", "boolean", None), ("country", "country", None))
_FACILITIES = (("country", "country", None), ("treatment", "boolean", None),
               ("method", "electricity_method", None), ("unit", "unit", None))


def canonical_words(kind: str, data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    """
    n = len(data)
    rejects = Rejections(data["source_row"].to_numpy(), first_only=True)
    notes: list[np.ndarray] = []
    data = data.copy(deep=False)

    def reject(mask: np.ndarray, name: str, why: np.ndarray) -> None:
        rejects.add(mask, name, data[name].reset_index(drop=True), why)

    def read(name: str, vocabulary: str, rows: np.ndarray) -> np.ndarray | None:
        if name not in data.columns:
            return None
        out = normalise(vocabulary, data[name])
        reject(rows & out.rejected, name, out.reason)
        notes.append(np.where(rows, out.note, ""))
        if vocabulary == "boolean":
            data[name] = np.where(out.missing, False, out.value == "true")
        else:
            data[name] = np.where(rows & ~out.missing & ~out.rejected, out.value,
                                  data[name].to_numpy(dtype=object))
        return out.value

    every = np.ones(n, dtype=bool)
    if kind == "travel":
        main = "mode"
        out = normalise("mode", data["mode"]) if "mode" in data.columns else None
        if out is not None:
            reject(out.rejected, "mode", out.reason)
            data["mode"] = np.where(out.rejected | out.missing,
                                    data["mode"].to_numpy(dtype=object), out.value)
            for implied in ("vehicle", "rail_kind"):
                words = out.extra[implied]
                if (words != "").any():
                    given = (data[implied].to_numpy(dtype=object) if implied in data.columns
                             else np.full(n, None, dtype=object))
                    empty = pd.isna(given) | (pd.Series(given, dtype=object)
                                              .astype(str).str.strip() == "").to_numpy()
                    data[implied] = np.where(empty & (words != ""), words, given)
        checks = _TRAVEL
    else:
        main = "kind"
        if "kind" in data.columns:
            out = normalise("facility_kind", data["kind"])
            reject(out.rejected, "kind", out.reason)
            notes.append(out.note)
            data["kind"] = np.where(out.rejected | out.missing,
                                    data["kind"].to_numpy(dtype=object), out.value)
        checks = _FACILITIES
    of = data[main].to_numpy(dtype=object) if main in data.columns else np.full(n, "")
    for name, vocabulary, only in checks:
        read(name, vocabulary, every if only is None else of == only)
    if notes and any((part != "").any() for part in notes):
        lead = data["notes"] if "notes" in data.columns else None
        data["notes"] = np.asarray(join_notes(lead, *(pd.Series(p, index=data.index)
                                                      for p in notes)), dtype=object)
    return data.loc[~rejects.mask], rejects.frame()
