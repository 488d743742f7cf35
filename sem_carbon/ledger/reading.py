"""Files into activity tables for the ledger: bytes hashed, constant columns, spend rows.

:func:`read_file` reads one file as :func:`sem_carbon.read_travel_log` /
:func:`sem_carbon.read_facilities` do (same loader, same normaliser, same rejects), with
two additions:

- **constant columns** (``constants={"mode": "air", "currency": "CHF"}``, the CLI's
  ``--set``): a column holding one value for every row, added to the source before it
  is read. A source that already has a column of that name is refused (a constant never
  overwrites what a file says).
- **spend-only rows** (travel): a row rejected *only* because its activity is missing
  (an air row without airports or route, rail/road without distance, a hotel without
  nights or country, see :data:`SPEND_REASONS`) but carrying a positive cost and a
  currency is kept aside as a *spend row* (entity, date, mode, cost, currency) for the
  spend-based estimate of :mod:`sem_carbon.ledger.spend`. Its fields are read by the
  same normaliser (dates judged on the whole column, modes and currencies through the
  same vocabularies): the source is read a second time with the activity columns set to
  neutral stand-ins, and only the spend rows are taken from that second reading. A
  source lacking an activity column altogether (a finance extract: entity, date, mode,
  cost, currency) is read with that column empty, so its rows are candidates too.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd

from ..errors import InputFormatError
from ..io.columns import plan_columns
from ..io.facilities import facilities_table
from ..io.header import apply_header_row
from ..io.raw import RawTable
from ..io.sources import load_source
from ..io.table import ActivityTable
from ..io.travel import travel_table

__all__ = ["SPEND_COLUMNS", "SPEND_REASONS", "ReadFile", "file_digest", "read_file"]

#: Reasons of the travel reader meaning "the activity is missing" (nothing else wrong).
SPEND_REASONS: frozenset[str] = frozenset({
    "air needs an origin and a destination airport, or a route",
    "rail and road need a distance",
    "hotel needs a number of nights",
    "hotel needs a country",
})
#: Columns of a spend row.
SPEND_COLUMNS: tuple[str, ...] = ("source_row", "trip_id", "entity", "date", "year", "mode",
                                  "cost", "currency", "notes")
#: Canonical columns a spend row is read from.
_SPEND_INPUTS = ("trip_id", "entity", "date", "year", "mode", "cost", "currency", "traveller")
#: Neutral stand-ins for the activity columns (never used: only spend rows are kept).
_STAND_INS = {"origin": "GVA", "destination": "ZRH", "cabin": "economy", "distance": "1",
              "distance_unit": "km", "nights": "1", "country": "CH"}
_SEP = re.compile(r"[\s_\-]+")
_READER_OPTIONS = ("header_row", "sheet", "encoding", "delimiter", "decimal", "max_bytes",
                   "max_rows", "max_columns", "max_cells")


@attrs.frozen
class ReadFile:
    """One file read for the ledger.

    Attributes
    ----------
    table : ActivityTable
        Activity rows and rejects (spend rows taken out of the rejects).
    spend : DataFrame
        Spend rows (:data:`SPEND_COLUMNS`), empty for facilities.
    sha256 : str
        Digest of the file's bytes.
    size : int
        Bytes.
    """

    table: ActivityTable
    spend: pd.DataFrame
    sha256: str
    size: int


def file_digest(path: str | os.PathLike[str]) -> tuple[str, int]:
    """SHA-256 (hex) and size [bytes] of a file, read in blocks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _norm(name: Any) -> str:
    return _SEP.sub(" ", str(name).strip().lower())


def with_constants(raw: RawTable, constants: Mapping[str, Any] | None) -> RawTable:
    """The source with one added column per constant (refused if the column exists)."""
    if not constants:
        return raw
    have = {_norm(c): c for c in raw.frame.columns}
    clash = [k for k in constants if _norm(k) in have]
    if clash:
        raise InputFormatError(
            f"{raw.source} already has a column {have[_norm(clash[0])]!r}: a constant "
            f"(--set {clash[0]}=...) only adds a column a source lacks")
    frame = raw.frame.assign(**{str(k): str(v) for k, v in constants.items()})
    return attrs.evolve(raw, frame=frame)


def read_file(path: str | os.PathLike[str], kind: str, *, source: str,
              mapping: Any = None, units: Mapping[str, str] | None = None,
              constants: Mapping[str, Any] | None = None, duplicates: str = "keep",
              refunds: str = "net", spend: bool = True, **options: Any) -> ReadFile:
    """Read one file for the ledger (see the module notes).

    Parameters
    ----------
    path : path-like
    kind : {"travel", "facilities"}
    source : str
        Source name the rows carry (the ledger's identity of the file).
    mapping, units, duplicates, refunds
        As for :func:`sem_carbon.read_travel_log` / :func:`sem_carbon.read_facilities`.
    constants : dict, optional
        Constant columns (see the module notes).
    spend : bool, default True
        Keep spend-only travel rows for a spend-based estimate (else they stay rejected).
    **options
        Reader options: ``header_row``, ``sheet``, ``encoding``, ``delimiter``,
        ``decimal``, ``max_bytes``, ``max_rows``, ``max_columns``, ``max_cells``
        (``header_row`` applies before the constant columns are added).

    Returns
    -------
    ReadFile
    """
    unknown = sorted(set(options) - set(_READER_OPTIONS))
    if unknown:
        raise InputFormatError(f"unknown reader option(s) {', '.join(unknown)}")
    path = Path(path)
    if not path.is_file():
        raise InputFormatError(f"input file not found: {path}")
    sha, size = file_digest(path)
    header_row = options.pop("header_row", None)
    raw = apply_header_row(load_source(path, progress=False, **options), header_row)
    raw = with_constants(raw, constants)
    raw = attrs.evolve(raw, source=source)
    if kind == "facilities":
        table = facilities_table(raw, mapping, units, duplicates=duplicates, progress=False)
        return ReadFile(table, _empty_spend(), sha, size)
    if kind != "travel":
        raise InputFormatError(f"kind must be travel or facilities, got {kind!r}")
    try:
        table = travel_table(raw, mapping, units, duplicates=duplicates,
                                                   refunds=refunds, progress=False)
    except InputFormatError as exc:
        if not spend or "missing required column" not in str(exc):
            raise
        # an activity column is missing altogether (a finance extract, a log without
        # distances): read with it empty, so its rows are rejected as missing activity
        filled = _with_empty_activity(raw, mapping, units)
        table = travel_table(filled, mapping, units, duplicates=duplicates, refunds=refunds,
                             progress=False)
    if not spend:
        return ReadFile(table, _empty_spend(), sha, size)
    return _with_spend(raw, table, mapping, units, duplicates, refunds, sha, size)


def _with_empty_activity(raw: RawTable, mapping: Any, units: Any) -> RawTable:
    """The source with empty columns for the activity columns it lacks altogether."""
    plan = plan_columns("travel", [str(c) for c in raw.frame.columns], mapping, units)
    add: dict[str, str] = {}
    if not plan.has("route") and not (plan.has("origin") and plan.has("destination")):
        add.update(origin="", destination="")
    if not plan.has("distance"):
        add.update(distance="", distance_unit="km")
    for name in ("nights", "country"):
        if not plan.has(name):
            add[name] = ""
    taken = {_norm(c) for c in raw.frame.columns}
    add = {k: v for k, v in add.items() if _norm(k) not in taken}
    return attrs.evolve(raw, frame=raw.frame.assign(**add)) if add else raw


def _empty_spend() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else
                                      "int64" if c in ("source_row", "year") else
                                      "float64" if c == "cost" else object)
                         for c in SPEND_COLUMNS})


def _candidates(table: ActivityTable) -> np.ndarray:
    """Source rows rejected only because their activity is missing."""
    rej = table.rejected
    if rej.empty:
        return np.zeros(0, dtype=np.int64)
    only = rej["reason"].astype(str).isin(SPEND_REASONS).groupby(rej["source_row"]).all()
    return only.index[only.to_numpy()].to_numpy(dtype=np.int64)


def _with_spend(raw: RawTable, table: ActivityTable, mapping: Any, units: Any,
                duplicates: str, refunds: str, sha: str, size: int) -> ReadFile:
    candidates = _candidates(table)
    if not candidates.size:
        return ReadFile(table, _empty_spend(), sha, size)
    stand_in = _stand_in_frame(raw, mapping, units)
    second = travel_table(attrs.evolve(raw, frame=stand_in, cell_issues=raw.cell_issues),
                          None, None, duplicates="keep", refunds=refunds, progress=False)
    rows = second.data
    cost = pd.to_numeric(rows["cost"], errors="coerce")
    usable = (rows["source_row"].isin(candidates) & (cost > 0)
              & (rows["currency"].astype(str) != "")).to_numpy()
    spend = pd.DataFrame({c: rows[c].to_numpy()[usable] if c in rows.columns else ""
                          for c in SPEND_COLUMNS})
    spend["source_row"] = spend["source_row"].astype(np.int64)
    spend["year"] = pd.to_numeric(spend["year"]).astype(np.int64)
    spend["cost"] = spend["cost"].astype(float)
    spend["date"] = pd.to_datetime(spend["date"])
    for col in ("trip_id", "entity", "mode", "currency", "notes"):
        spend[col] = spend[col].astype(object).where(spend[col].notna(), "").astype(str)
    spend["notes"] = spend["notes"].str.replace(r"^$", "no activity: spend only", regex=True) \
        .where(spend["notes"] == "", spend["notes"] + "; no activity: spend only")
    taken = set(spend["source_row"].tolist())
    rejected = table.rejected[~table.rejected["source_row"].isin(taken)].reset_index(drop=True)
    return ReadFile(attrs.evolve(table, rejected=rejected), spend, sha, size)


def _stand_in_frame(raw: RawTable, mapping: Any, units: Any) -> pd.DataFrame:
    """The spend fields of every row under their canonical names, activity stood in."""
    frame = raw.frame
    try:
        plan = plan_columns("travel", [str(c) for c in frame.columns], mapping, units)
    except InputFormatError:
        raise
    out: dict[str, Any] = {}
    for name in _SPEND_INPUTS:
        sources = plan.columns.get(name, ())
        if sources:
            block = frame[list(sources)].astype(object)
            block = block.where(block.notna() & (block.astype(str).apply(
                lambda c: c.str.strip()) != ""))
            out[name] = block.bfill(axis=1).iloc[:, 0] if len(sources) > 1 else block.iloc[:, 0]
        elif name in plan.defaults:
            out[name] = str(plan.defaults[name])
    out.update(_STAND_INS)
    out["_source_position"] = np.arange(len(frame))  # no two rows alike: no duplicate notes
    return pd.DataFrame(out, index=frame.index)
