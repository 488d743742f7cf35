"""Readers of activity data: files (CSV, Excel, Parquet, JSON), URLs and DataFrames.

:func:`read_travel_log` and :func:`read_facilities` map any source onto the canonical
tables of ``docs/tables.md`` and return an :class:`ActivityTable`. A source row is either
wholly in ``data`` (a routing string gives one row per leg) or wholly in ``rejected``,
which lists every problem found with the row's spreadsheet number, the source column, the
value and a readable reason: nothing is dropped silently, and
``ActivityTable.reconciliation()`` adds up.

Policies (details in the module named)
--------------------------------------
- Delimited text: the encoding (BOM, else UTF-8, else Windows-1252, else Latin-1), the
  delimiter (``, ; tab |``) and the default decimal mark (comma for ``;`` files) are
  detected; each numeric column is then judged on its own unambiguous values
  (:mod:`~sem_carbon.io.csvfile`, :mod:`~sem_carbon.io.parse`).
- Dates: day first (``05/03/2019`` is 5 March) unless the column only parses month first;
  Excel serials, bare years and months of a year (``Jan 2019``, ``01/2019``, ``2019-01``)
  are accepted, but not a month that is also a fiscal year (``2011/12``: rejected); a
  date with a time zone or UTC offset is its local date as written
  (:mod:`~sem_carbon.io.parse`).
- Units: unit-less numeric columns need a unit from a unit column, ``units=``, the preset
  or the header; a missing unit is an error, never a guess (:mod:`~sem_carbon.io.columns`).
- Routes: ``GVA/LHR/JFK/GVA`` gives three legs; a route back to its origin is not marked
  ``round_trip`` (its return legs are listed) (:mod:`~sem_carbon.io.travel`).
- Refunds (``refunds="net"``, default): a negative-cost row and its original (same trip,
  same absolute cost) are both rejected as ``"refunded (netted with row N)"``; an unmatched
  refund is rejected; ``refunds="keep"`` keeps them (:mod:`~sem_carbon.io.dedupe`).
- Duplicates (``duplicates="keep"``, default): identical rows are kept, later copies with
  the note ``"exact duplicate of row N (kept; duplicates='drop' rejects it)"``; ``"drop"``
  rejects later copies as ``"exact duplicate of row N"`` (:mod:`~sem_carbon.io.dedupe`).
- Notes: ``data["notes"]`` holds notes about the input row ("" when none): a date without
  a day, an exact duplicate kept, an Excel cell read as blank in a column not read
  (:mod:`~sem_carbon.io.notes`).
- Plausibility: passengers, nights and leg distances beyond :mod:`sem_carbon.limits`,
  and 0 passengers or a hotel stay of 0 nights (no trip), are rejected with the same
  reason as in the calculators.
- Excel: the first visible sheet (the other visible sheets with the same table named in an
  :class:`~sem_carbon.io.notes.InputWarning`; ``sheet="all"`` reads them, stacked with a
  ``sheet`` column: :mod:`~sem_carbon.io.sheets`); dates written as numbers in the
  workbook's date system (1900 or 1904); a formula saved without its value or an error value
  rejects its row (in a column read) or notes it, with one
  :class:`~sem_carbon.io.notes.InputWarning` (:mod:`~sem_carbon.io.excel`).
- Size limits (``max_bytes``, ``max_rows``, ``max_columns``, ``max_cells``): checked
  before loading, for local files as for URLs (:mod:`~sem_carbon.io.bounds`).
- URLs: http/https only (also after redirects), TLS verified, timeouts, an overall
  ``deadline``, retries with backoff on 5xx and connection errors, a 200 MB cap,
  incomplete bodies refused, credentials and query strings never shown
  (:mod:`~sem_carbon.io.http`, :mod:`~sem_carbon.io.redact`).
- Rejected values: ``rejected.value`` is the source cell as written (not stripped, not
  escaped: a formula such as ``=1+2`` stays text; escaping is for whatever writes a
  spreadsheet), or for a routing string the offending code as written in it.
- Speed and memory: words (modes, cabins, airports, currencies, units, dates ...) are
  normalised once per *distinct* value and held per row as integer codes; no Python object
  is made per row. Text read from files stays in pyarrow arrays (an output column that is
  already canonical is the source column itself). Sources of 100,000 rows and more work on
  several columns at once in threads (:class:`~sem_carbon.io.common.SourceColumns`).

Modules: :mod:`~sem_carbon.io.sources` (what to read), :mod:`~sem_carbon.io.csvfile`
(delimited text), :mod:`~sem_carbon.io.excel` (workbooks), :mod:`~sem_carbon.io.bounds`
(size limits), :mod:`~sem_carbon.io.raw`, :mod:`~sem_carbon.io.notes` (row notes,
warnings), :mod:`~sem_carbon.io.http` (URLs), :mod:`~sem_carbon.io.redact`
(credentials), :mod:`~sem_carbon.io.columns` (mappings and presets, ``presets/*.json``),
:mod:`~sem_carbon.io.parse` (numbers, dates), :mod:`sem_carbon.vocabulary`
(words, booleans), :mod:`~sem_carbon.io.dedupe` (duplicates, refunds),
:mod:`~sem_carbon.io.rejects`,
:mod:`~sem_carbon.io.common`, :mod:`~sem_carbon.io.progress`,
:mod:`~sem_carbon.io.travel`, :mod:`~sem_carbon.io.facilities`,
:mod:`~sem_carbon.io.table`.
"""

from __future__ import annotations

from .columns import list_presets
from .facilities import read_facilities
from .notes import InputWarning
from .table import ActivityTable
from .travel import read_travel_log

__all__ = ["ActivityTable", "InputWarning", "list_presets", "read_facilities",
           "read_travel_log"]
