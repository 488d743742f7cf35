"""Backup of a ledger to Parquet files, and a new ledger restored from them.

:func:`export_ledger` writes every table (batches, events, computations, activities,
rows, balances, rejects, spend rows, rates, spend factors, allotments, meta) to
``<folder>/<table>.parquet`` with DuckDB's own writer, plus ``manifest.json`` (row
count and SHA-256 of every file, the ledger layout version). :func:`restore_ledger`
checks the manifest, loads the files into a new ledger and sets the id sequences past
the highest ids restored, so the restored ledger goes on exactly where the backup left.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import InputFormatError
from .reading import file_digest
from .store import SCHEMA_VERSION, LedgerError, Store

__all__ = ["TABLES", "export_ledger", "restore_ledger"]

#: Tables of a ledger (all written by a backup).
TABLES: tuple[str, ...] = ("meta", "batches", "events", "computations", "activities",
                           "read_rejects", "rows", "summary", "rejects", "spend", "user_rates",
                           "spend_factors", "allotments")
_SEQUENCES = {"batch_seq": ("batches", "batch_id"),
              "computation_seq": ("computations", "computation_id"),
              "event_seq": ("events", "event_id")}


def export_ledger(ledger: Any, folder: str | os.PathLike[str]) -> list[Path]:
    """Write the ledger's tables to Parquet files in ``folder`` (created if missing).

    Returns
    -------
    list of Path
        The files written (``manifest.json`` last).
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written, manifest = [], {"schema_version": SCHEMA_VERSION, "tables": {}}
    with ledger.store.read() as con:
        for table in TABLES:
            path = out / f"{table}.parquet"
            tmp = path.with_suffix(".parquet.tmp")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_path(tmp)}' (FORMAT PARQUET)")
            os.replace(tmp, path)
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            manifest["tables"][table] = {"rows": int(rows), "sha256": file_digest(path)[0]}
            written.append(path)
    manifest_path = out / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    written.append(manifest_path)
    return written


def restore_ledger(folder: str | os.PathLike[str], path: str | os.PathLike[str], *,
                   user: str | None = None) -> Any:
    """A new ledger at ``path`` holding the backup in ``folder``.

    Raises
    ------
    LedgerError
        ``path`` already exists (a restore never overwrites a ledger).
    InputFormatError
        The backup is incomplete or a file does not match its manifest.
    """
    from .core import Ledger

    src, target = Path(folder), Path(path)
    if target.exists():
        raise LedgerError(f"{target} exists: restore into a new file")
    manifest_path = src / "manifest.json"
    if not manifest_path.is_file():
        raise InputFormatError(f"{src} has no manifest.json: not a ledger backup")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if int(manifest.get("schema_version", 0)) > SCHEMA_VERSION:
        raise LedgerError("the backup was written by a newer sem-carbon: upgrade sem-carbon")
    for table in TABLES:
        entry = manifest["tables"].get(table)
        file = src / f"{table}.parquet"
        if entry is None or not file.is_file():
            raise InputFormatError(f"the backup in {src} lacks {file.name}")
        if file_digest(file)[0] != entry["sha256"]:
            raise InputFormatError(f"{file.name} does not match its manifest (changed or "
                                   "damaged since the backup)")
    store = Store(target)
    with store.write() as con:
        for table in TABLES:
            file = _sql_path(src / f"{table}.parquet")
            if table == "meta":
                con.execute("DELETE FROM meta")
            have = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
            incoming = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{file}')").fetchall()
            for name, kind, *_ in incoming:
                if name not in have:
                    from .store import _quote, _storage_type

                    con.execute(f'ALTER TABLE {table} ADD COLUMN "{_quote(name)}" '
                                f"{_storage_type(kind)}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet('{file}')")
            count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if count != manifest["tables"][table]["rows"]:
                raise InputFormatError(f"{table}: {count} rows restored, the manifest says "
                                       f"{manifest['tables'][table]['rows']}")
        for seq, (table, column) in _SEQUENCES.items():
            top = con.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchone()[0]
            con.execute(f"DROP SEQUENCE {seq}")
            con.execute(f"CREATE SEQUENCE {seq} START {int(top) + 1}")
    led = Ledger(target, user=user)
    with led.store.write() as con:
        led._event(con, "restore", None, "", f"restored from the backup in {src.name}")
    return led


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
