"""Rows imported twice: identical rows in two active batches (overlapping exports).

Two monthly exports cut at different days, or one export split by hand and imported
as two files, carry the same trips twice; their bytes differ, so the batch rules of
:mod:`.core` (same bytes: unchanged; same source name: replaced) do not catch them. A
row is an **overlap** when an active batch of the same kind imported *earlier* (lower
``batch_id``) has a row identical in every key field (:data:`KEY_COLUMNS` of its kind:
the normalised activity fields the reader gives, trip id, leg, entity, date, cost and
currency included; not the file's row number, not ``notes``, not the extra columns a
file passes through). Spend-only rows are compared with spend-only rows on
:data:`SPEND_KEY_COLUMNS`.

``rooms`` (hotel rows: the rooms of the stay) is compared as the calculators read it: a
missing value is 1 room (:data:`KEY_DEFAULTS`). A ledger written before rooms was a
canonical column has no ``rooms`` column, and its earlier rows have none when a later
import adds it: they all compare as 1 room, as they were computed, so the overlaps of such
a ledger are the ones it had, and a one-room stay imported again after the upgrade still
matches its earlier copy (a blank rooms is read as 1). Two stays that differ only in
rooms (2 rooms and 3 rooms) are different rows.

Identical rows are counted as a multiset: when an earlier batch holds a row ``n``
times, the first ``n`` copies of it in a later batch are overlaps, further copies are
not (a log can hold two identical legs, two colleagues on one flight without a trip
id). A source row is an overlap when any of its legs is.

Rows are compared by a 64-bit hash of their key fields (DuckDB's ``hash``), computed
in the database when asked (nothing is stored: a ledger written before this module
is checked as well). Overlaps are marked, never dropped: :meth:`Ledger.overlaps` lists
them, ``Ledger.totals(..., overlaps="exclude")`` and ``Ledger.inventory(...,
overlaps="exclude")`` leave them out.

Not detected: the same trip written differently (another date format is normalised,
but another cost, cabin, a route split into legs in one file and not in the other,
another trip id), rows of an inventory imported ready-computed
(:meth:`Ledger.import_inventory` keeps no activity rows), and planned trips against
actual ones (kinds are compared with themselves only).
"""

from __future__ import annotations

from typing import Any

from .store import _quote

__all__ = ["KEY_COLUMNS", "KEY_DEFAULTS", "SPEND_KEY_COLUMNS", "overlap_sql"]

#: Key fields of an activity row, per kind of batch (a column the ledger's activity
#: table lacks counts as empty).
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "travel": ("trip_id", "leg", "entity", "date", "year", "mode", "origin", "destination",
               "cabin", "round_trip", "passengers", "distance_km", "vehicle", "fuel",
               "rail_kind", "nights", "rooms", "country", "cost", "currency", "traveller"),
    "facilities": ("entity", "site", "period_start", "period_end", "date", "year", "kind",
                   "amount", "unit", "country", "gas", "treatment", "disposal", "material",
                   "method", "supplier_factor_kg_per_kwh", "cv", "fuel", "cost", "currency"),
}
KEY_COLUMNS["plan"] = KEY_COLUMNS["travel"]
#: Key fields of a spend-only row (the ``spend`` table).
SPEND_KEY_COLUMNS: tuple[str, ...] = ("trip_id", "entity", "date", "year", "mode", "cost",
                                      "currency")
#: Key fields whose missing value (no column, NULL or NaN) has a meaning: compared as
#: that value (a stay with no rooms given is one room, as the calculators read it).
KEY_DEFAULTS: dict[str, float] = {"rooms": 1.0}


def _field(alias: str, column: str, have: set[str]) -> str:
    """SQL of one key field of a row (``NULL`` when the table lacks the column)."""
    default = KEY_DEFAULTS.get(column)
    if column not in have:
        return "NULL" if default is None else f"CAST({default!r} AS DOUBLE)"
    ref = f'{alias}."{_quote(column)}"'
    if default is None:
        return ref
    value = f"TRY_CAST({ref} AS DOUBLE)"  # (a text column of an older file reads too)
    return (f"CASE WHEN {value} IS NULL OR isnan({value}) THEN CAST({default!r} AS DOUBLE) "
            f"ELSE {value} END")


def _hash(alias: str, columns: tuple[str, ...], have: set[str], tag: str) -> str:
    parts = [f"'{tag}'"] + [_field(alias, c, have) for c in columns]
    return f"hash({', '.join(parts)})"


def overlap_sql(con: Any, kinds: tuple[str, ...] | None = None,
                batch_id: int | None = None) -> str:
    """SQL of the overlapping source rows of the active batches.

    Parameters
    ----------
    con : DuckDB connection
        An open ledger (its activity table's columns are read).
    kinds : tuple of str, optional
        Kinds of batch to compare (default: travel, facilities and plan).
    batch_id : int, optional
        Only the overlaps of this batch (rows of other batches are hashed only to be
        compared with its rows).

    Returns
    -------
    str
        A query of ``batch_id``, ``source_row``, ``spend`` (true for a spend-only row),
        ``first_batch_id`` (the earliest active batch with that row).
    """
    have = {r[0] for r in con.execute("DESCRIBE activities").fetchall()}
    kinds = kinds or ("travel", "facilities", "plan")
    parts = []
    for kind in kinds:
        parts.append(
            f"SELECT a.batch_id, a.source_row, FALSE AS spend, b.kind, "
            f"{_hash('a', KEY_COLUMNS[kind], have, kind)} AS h FROM activities a JOIN batches b "
            f"ON a.batch_id = b.batch_id WHERE b.status = 'active' AND b.kind = '{kind}'")
    if "travel" in kinds:
        parts.append(
            f"SELECT s.batch_id, s.source_row, TRUE AS spend, b.kind, "
            f"{_hash('s', SPEND_KEY_COLUMNS, set(SPEND_KEY_COLUMNS), 'spend')} AS h "
            "FROM spend s JOIN batches b ON s.batch_id = b.batch_id "
            "WHERE b.status = 'active' AND b.kind = 'travel'")
    keyed = " UNION ALL ".join(parts)
    only = ""
    if batch_id is not None:  # compare only the hashes the batch has
        only = (f"WHERE h IN (SELECT h FROM keyed WHERE batch_id = {int(batch_id)})")
    return (
        f"WITH keyed AS ({keyed}), "
        f"k AS (SELECT * FROM keyed {only}), "
        "n AS (SELECT *, row_number() OVER (PARTITION BY kind, h, batch_id "
        "ORDER BY source_row) AS occurrence FROM k), "
        "c AS (SELECT kind, h, batch_id, count(*) AS copies FROM k GROUP BY ALL), "
        "e AS (SELECT kind, h, batch_id, max(copies) OVER (PARTITION BY kind, h ORDER BY "
        "batch_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier, "
        "min(batch_id) OVER (PARTITION BY kind, h) AS first_batch_id FROM c) "
        "SELECT n.batch_id, n.source_row, bool_or(n.spend) AS spend, "
        "min(e.first_batch_id) AS first_batch_id FROM n JOIN e ON n.kind = e.kind AND "
        "n.h = e.h AND n.batch_id = e.batch_id WHERE n.occurrence <= e.earlier"
        + (f" AND n.batch_id = {int(batch_id)}" if batch_id is not None else "")
        + " GROUP BY n.batch_id, n.source_row")
