"""The ledger's database file: DuckDB, one writer at a time, tables created on first use.

:class:`Store` attaches the database file to an in-memory DuckDB engine for each
operation (and detaches it after), always under an inter-process file lock
(``<ledger>.lock`` beside the database, :mod:`filelock`:
``fcntl`` locks on POSIX, ``msvcrt`` locks on Windows). DuckDB itself allows a single
read-write process per file; taking the lock for reads too keeps a reader from failing
while a writer holds the file. A process that cannot get the lock (or the file, when
another program such as the DuckDB shell holds it) retries until ``timeout`` seconds and
then raises :class:`LedgerBusyError` naming the lock file.

Writes run in one transaction (:meth:`Store.write`): an import of several files lands
whole or not at all. Frames are inserted in bulk from Arrow (``INSERT ... BY NAME``),
never row by row; a column a table does not have yet is added (``ALTER TABLE``), so
sources with different extra columns share one table.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputFormatError, SemCarbonError
from ..optional import require

__all__ = ["SCHEMA_VERSION", "LedgerBusyError", "LedgerError", "Store"]

_ALIAS = "sem_carbon_ledger"
#: Version of the table layout written in ``meta``; a newer file is refused.
SCHEMA_VERSION = 1

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;
CREATE SEQUENCE IF NOT EXISTS computation_seq START 1;
CREATE SEQUENCE IF NOT EXISTS event_seq START 1;
CREATE TABLE IF NOT EXISTS batches (
    batch_id BIGINT PRIMARY KEY, source VARCHAR, kind VARCHAR, sha256 VARCHAR,
    bytes BIGINT, path VARCHAR, settings VARCHAR, library_version VARCHAR,
    imported_at TIMESTAMP, imported_by VARCHAR, rows_read BIGINT, status VARCHAR,
    replaces BIGINT, replaced_by BIGINT, replaced_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS events (
    event_id BIGINT PRIMARY KEY, happened_at TIMESTAMP, who VARCHAR, action VARCHAR,
    batch_id BIGINT, source VARCHAR, detail VARCHAR);
CREATE TABLE IF NOT EXISTS computations (
    computation_id BIGINT PRIMARY KEY, batch_id BIGINT, basis VARCHAR, current BOOLEAN,
    method VARCHAR, library_version VARCHAR, computed_at TIMESTAMP, computed_by VARCHAR);
CREATE TABLE IF NOT EXISTS activities (batch_id BIGINT, source_row BIGINT);
CREATE TABLE IF NOT EXISTS read_rejects (
    batch_id BIGINT, source_row BIGINT, "column" VARCHAR, value VARCHAR, reason VARCHAR);
CREATE TABLE IF NOT EXISTS rows (
    computation_id BIGINT, batch_id BIGINT, "table" VARCHAR, source VARCHAR,
    source_row BIGINT, trip_id VARCHAR, leg BIGINT, entity VARCHAR, date TIMESTAMP,
    year BIGINT, category VARCHAR, scope BIGINT, co2e_kg DOUBLE, cost DOUBLE,
    currency VARCHAR, factor_id VARCHAR, method VARCHAR, notes VARCHAR);
CREATE TABLE IF NOT EXISTS summary (
    computation_id BIGINT, batch_id BIGINT, entity VARCHAR, year BIGINT, category VARCHAR,
    source VARCHAR, co2e_kg DOUBLE, rows BIGINT);
CREATE TABLE IF NOT EXISTS rejects (
    computation_id BIGINT, batch_id BIGINT, "table" VARCHAR, source VARCHAR,
    source_row BIGINT, "column" VARCHAR, value VARCHAR, reason VARCHAR);
CREATE TABLE IF NOT EXISTS spend (
    batch_id BIGINT, source_row BIGINT, trip_id VARCHAR, entity VARCHAR, date TIMESTAMP,
    year BIGINT, mode VARCHAR, cost DOUBLE, currency VARCHAR, notes VARCHAR);
CREATE TABLE IF NOT EXISTS user_rates (
    currency VARCHAR, date TIMESTAMP, rate DOUBLE, per VARCHAR, valid_to TIMESTAMP,
    source VARCHAR, added_at TIMESTAMP, added_by VARCHAR);
CREATE TABLE IF NOT EXISTS spend_factors (
    category VARCHAR, year BIGINT, currency VARCHAR, kgco2e_per_unit DOUBLE,
    source VARCHAR, added_at TIMESTAMP, added_by VARCHAR);
CREATE TABLE IF NOT EXISTS allotments (
    entity VARCHAR, year BIGINT, categories VARCHAR, tco2e DOUBLE, basis VARCHAR,
    set_at TIMESTAMP, set_by VARCHAR, current BOOLEAN);
"""


class LedgerError(SemCarbonError, ValueError):
    """The ledger file cannot be used as asked (not a ledger, a newer layout ...)."""


class LedgerBusyError(LedgerError, TimeoutError):
    """Another process held the ledger longer than the timeout allowed."""


def _duckdb() -> Any:
    return require("duckdb", "ledger", "the ledger")


class Store:
    """A ledger database file and its lock.

    Parameters
    ----------
    path : path-like
        The DuckDB file (created with its tables on first write).
    timeout : float, default 60
        Longest wait for the lock and the file [s].
    """

    def __init__(self, path: str | os.PathLike[str], timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout = float(timeout)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._mem: Any = None

    @contextlib.contextmanager
    def _connect(self, write: bool) -> Iterator[Any]:
        filelock = require("filelock", "ledger", "the ledger's lock")
        duckdb = _duckdb()
        if not write and not self.path.exists():
            raise LedgerError(f"no ledger at {self.path}: create it with Ledger(path) or "
                              "'sem-carbon ledger init'")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.lock_path))
        deadline = time.monotonic() + self.timeout
        try:
            lock.acquire(timeout=self.timeout)
        except filelock.Timeout:
            raise LedgerBusyError(
                f"the ledger {self.path} is busy: another process held {self.lock_path.name} "
                f"for more than {self.timeout:g} s (an import still running? try again, or "
                "raise the timeout)") from None
        try:
            con = self._engine(duckdb)
            quoted = str(self.path).replace("'", "''")
            while True:
                try:
                    con.execute(f"ATTACH '{quoted}' AS {_ALIAS}")
                    break
                except duckdb.IOException as exc:
                    if "lock" not in str(exc).lower():  # not a DuckDB file, unreadable ...
                        raise LedgerError(f"{self.path} is not a ledger (DuckDB cannot open "
                                          f"it: {exc})") from None
                    if time.monotonic() > deadline:  # held by a program outside the lock
                        raise LedgerBusyError(f"the ledger {self.path} is held by another "
                                              f"program: {exc}") from None
                    time.sleep(0.2)
                except duckdb.Error as exc:
                    raise LedgerError(f"{self.path} is not a ledger (DuckDB cannot open it: "
                                      f"{exc})") from None
            try:
                con.execute(f"USE {_ALIAS}")
                yield _Connection(con)
            finally:
                con.execute("USE memory")
                con.execute(f"DETACH {_ALIAS}")
        finally:
            lock.release()

    def _engine(self, duckdb: Any) -> Any:
        """One in-memory DuckDB engine per store, reused: attaching the file to it for
        each operation costs a few milliseconds, starting an engine tens."""
        if self._mem is None:
            self._mem = duckdb.connect()
        return self._mem

    @contextlib.contextmanager
    def write(self) -> Iterator[Any]:
        """A connection in a transaction, committed on success, rolled back on error."""
        with self._connect(write=True) as con:
            version = self._version(con)  # before the transaction: a failed probe aborts it
            con.execute("BEGIN TRANSACTION")
            try:
                self._ensure_schema(con, version)
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[Any]:
        """A connection for queries (under the lock, like writes)."""
        with self._connect(write=False) as con:
            version = self._version(con)
            if version is None:
                raise LedgerError(f"{self.path} is a DuckDB file but not a sem-carbon ledger")
            yield con

    @staticmethod
    def _version(con: Any) -> int | None:
        try:  # (cheaper than asking information_schema whether the table exists)
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except _duckdb().CatalogException:
            return None
        return int(row[0]) if row else None

    def _ensure_schema(self, con: Any, version: int | None) -> None:
        if version is None:
            tables = con.execute("SELECT count(*) FROM information_schema.tables").fetchone()[0]
            if tables:
                raise LedgerError(f"{self.path} is a DuckDB file with other tables, not a "
                                  "sem-carbon ledger")
            con.execute(_DDL)
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        elif version > SCHEMA_VERSION:
            raise LedgerError(f"{self.path} was written by a newer sem-carbon (ledger layout "
                              f"{version}, this one reads {SCHEMA_VERSION}): upgrade sem-carbon")

    # ------------------------------------------------------------------ bulk insert
    @staticmethod
    def insert(con: Any, table: str, frame: pd.DataFrame | Any, **constants: Any) -> int:
        """Insert a frame (or Arrow table) into ``table`` by column name, adding columns.

        Parameters
        ----------
        con : DuckDB connection
        table : str
        frame : DataFrame or pyarrow.Table
        **constants
            Columns with one value for every row (``batch_id=7``).

        Returns
        -------
        int
            Rows inserted.
        """
        arrow = as_arrow(frame, keep_text_dictionaries=True)  # DuckDB decodes them itself
        if arrow.num_rows == 0:
            return 0
        con.register("_incoming", arrow)
        try:
            have = {r[0]: r[1] for r in con.execute(f"DESCRIBE {table}").fetchall()}
            incoming = con.execute("DESCRIBE SELECT * FROM _incoming").fetchall()
            for name, kind, *_ in incoming:
                if name in constants:
                    raise InputFormatError(f"a column named {name!r} is reserved by the ledger")
                if name not in have:
                    con.execute(f'ALTER TABLE {table} ADD COLUMN "{_quote(name)}" '
                                f'{_storage_type(kind)}')
            names = [f'"{_quote(n)}"' for n, *_ in incoming]
            consts = [f'? AS "{_quote(k)}"' for k in constants]
            con.execute(f"INSERT INTO {table} BY NAME SELECT {', '.join(consts + names)} "
                        "FROM _incoming", list(constants.values()))
        finally:
            con.unregister("_incoming")
        return int(arrow.num_rows)


class _Result:
    """A query result whose ``fetchone`` reads the result to its end (DuckDB refuses other
    work on a connection while a result is unfinished)."""

    def __init__(self, result: Any) -> None:
        self._result = result

    def fetchone(self) -> Any:
        rows = self._result.fetchall()
        return rows[0] if rows else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)


class _Connection:
    """A DuckDB connection whose results are :class:`_Result`."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def execute(self, sql: str, params: Any = None) -> _Result:
        return _Result(self._con.execute(sql, params) if params is not None
                       else self._con.execute(sql))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _quote(name: str) -> str:
    return str(name).replace('"', '""')


def _storage_type(kind: str) -> str:
    """Column type for a new column (enumerations and odd types stored as text)."""
    kind = str(kind).upper()
    if kind.startswith(("ENUM", "STRUCT", "MAP")) or kind in ("NULL", '"NULL"') \
            or kind.endswith("[]"):
        return "VARCHAR"
    return kind


def as_arrow(frame: Any, keep_text_dictionaries: bool = False) -> Any:
    """A pyarrow Table with dictionary (categorical) columns decoded to plain text.

    Columns of mixed Python objects are written as text (``str`` of each value).

    Parameters
    ----------
    frame : DataFrame or pyarrow.Table
        The rows.
    keep_text_dictionaries : bool, default False
        Keep dictionary columns of text as they are (DuckDB reads them as ENUM and casts
        them to VARCHAR on insert, once per distinct value instead of pyarrow decoding a
        string per row: 0.4-0.6 s less per 1M inventory rows).
    """
    import pyarrow as pa

    if isinstance(frame, pa.Table):
        table = frame
    else:
        frame = frame.reset_index(drop=True)
        mixed = [c for c in frame.columns if frame[c].dtype == object
                 and pd.api.types.infer_dtype(frame[c], skipna=True) not in ("string", "empty")]
        if mixed:
            frame = frame.assign(**{c: frame[c].astype(str).where(frame[c].notna(), None)
                                    for c in mixed})
        table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            text = pa.types.is_string(column.type.value_type) \
                or pa.types.is_large_string(column.type.value_type)
            if not (keep_text_dictionaries and text):
                column = column.cast(column.type.value_type)
        elif pa.types.is_null(column.type):
            column = column.cast(pa.string())
        columns.append(column)
    return pa.table(columns, names=[str(n) for n in table.column_names])
