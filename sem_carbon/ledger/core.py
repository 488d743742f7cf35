"""The :class:`Ledger`: a persistent, append-only carbon ledger in one DuckDB file.

Batches
-------
Every file imported is a *batch* with its provenance: source name (default: the file
name), kind (``travel``, ``facilities``, ``plan`` for planned trips, ``inventory`` for an
inventory computed elsewhere), SHA-256 and size of the bytes, the reader settings
(mapping, units, constants ...), the library version, the time (UTC) and who imported
it. Rules:

- the same bytes again (under any source name of that kind) change nothing;
- other bytes under a source name already on file *replace* that batch: the old batch
  is marked ``replaced`` (with ``replaced_by``) and its rows stay in the file, queryable
  with ``status="all"`` and in :meth:`Ledger.history`;
- nothing is ever deleted: each change writes an event (who, when, what);
- rows identical to rows of earlier active batches (overlapping exports) are counted
  and warned at import and can be left out of the figures (:mod:`.overlaps`).

Computations
------------
Each batch is computed when imported (the *as-reported* figures) with the ledger's
method (:mod:`.computing`; by default each row with the DESNZ edition of its own year).
:meth:`Ledger.restate` recomputes every active batch from its stored activity rows
when an edition or the method changes; the restated figures become current and the
as-reported ones stay (``basis="reported"``, :meth:`Ledger.restatement`).

Queries
-------
:meth:`Ledger.inventory` (an :class:`~sem_carbon.Inventory`), :meth:`Ledger.totals`
(aggregated in DuckDB), :meth:`Ledger.data_quality`, :meth:`Ledger.batches`,
:meth:`Ledger.history`, filtered by entity, year, category and source. A ledger also
stands in for an inventory: ``sc.target_status(ledger, ...)``, ``sc.Report(ledger)``
and ``sc.Inventory.concat([ledger, ...])`` read its current rows (``data``,
``rejected``, ``sources``, ``rows_read``, ``reconciliation()``, ``editions()``).
"""

from __future__ import annotations

import datetime as _dt
import getpass
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pint

from .. import __version__
from ..errors import InputFormatError, InputWarning, InvalidArgumentError
from ..inventory import Inventory, concat_frames
from ..schema import INVENTORY_FRONT, INVENTORY_REJECT_COLUMNS, INVENTORY_TEXT_COLUMNS
from .computing import DEFAULT_METHOD, check_method, compute, method_json, restored_table
from .store import LedgerError, Store

__all__ = ["IMPORT_COLUMNS", "KINDS", "Ledger"]

#: Kinds of batch: activity tables, planned trips, inventories computed elsewhere.
KINDS: tuple[str, ...] = ("travel", "facilities", "plan", "inventory")
_ACTUAL = ("travel", "facilities", "inventory")
_FILTERS = ("entity", "year", "category", "source")
#: Columns every ledger's ``rows`` table has (see :mod:`.store`).
_BASE_ROW_COLUMNS = frozenset({"table", "source", "source_row", "trip_id", "leg", "entity",
                               "date", "year", "category", "scope", "co2e_kg", "cost",
                               "currency", "factor_id", "method", "notes"})
_RESULT_ONLY = frozenset({
    "table", "source", "category", "scope", "co2e_kg", "co2_kg", "ch4_kg", "n2o_kg", "rf_kg",
    "biogenic_co2_kg", "memo_co2e_kg", "factor_id", "factor_key", "factor_value",
    "factor_unit", "method", "haul", "haul_rule", "radiative_forcing", "rf_multiplier"})


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def _user(user: str | None) -> str:
    if user:
        return str(user)
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): say so rather than guess
        return "unknown"


def _as_list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    return list(value)


class Ledger:
    """A carbon ledger in one DuckDB file (see the module notes).

    Parameters
    ----------
    path : path-like
        The ledger file (created when missing).
    timeout : float, default 60
        Longest wait for another process's import to finish [s].
    user : str, optional
        Who imports (default: the login name), written in the provenance.

    Examples
    --------
    >>> led = sc.Ledger("office.ledger")                                  # doctest: +SKIP
    >>> led.import_files(travel=["agency-2024-03.csv"], facilities=["bills-2024-03.csv"])
    ...                                                                   # doctest: +SKIP
    >>> led.totals(by=("entity", "year"))                                 # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0,
                 user: str | None = None) -> None:
        self.store = Store(path, timeout)
        self.path = self.store.path
        self.user = _user(user)
        self._snapshot: tuple[Any, Inventory] | None = None
        with self.store.write() as con:
            if con.execute("SELECT count(*) FROM meta WHERE key = 'created_at'").fetchone()[0] \
                    == 0:
                con.execute("INSERT INTO meta VALUES ('created_at', ?), ('created_by', ?), "
                            "('method', ?)", [_now().isoformat(), self.user,
                                              json.dumps(DEFAULT_METHOD)])
                self._event(con, "init", None, "", f"ledger created by sem-carbon {__version__}")

    def __repr__(self) -> str:
        return f"<Ledger {self.path}>"

    # ------------------------------------------------------------------ internals
    def _event(self, con: Any, action: str, batch_id: int | None, source: str,
               detail: str) -> None:
        con.execute("INSERT INTO events VALUES (nextval('event_seq'), ?, ?, ?, ?, ?, ?)",
                    [_now(), self.user, action, batch_id, source, detail])

    def version(self) -> int:
        """Number of the latest event (changes whenever the ledger changes)."""
        with self.store.read() as con:
            return int(con.execute("SELECT coalesce(max(event_id), 0) FROM events").fetchone()[0])

    def method(self) -> dict[str, Any]:
        """The current method (see :mod:`sem_carbon.ledger.computing`)."""
        with self.store.read() as con:
            return self._method(con)

    @staticmethod
    def _method(con: Any) -> dict[str, Any]:
        row = con.execute("SELECT value FROM meta WHERE key = 'method'").fetchone()
        return check_method(json.loads(row[0]) if row else {})

    # ------------------------------------------------------------------ imports
    def import_files(self, travel: Sequence[str | os.PathLike[str]] = (),
                     facilities: Sequence[str | os.PathLike[str]] = (),
                     plans: Sequence[str | os.PathLike[str]] = (), *,
                     source: str | None = None, mapping: Any = None,
                     facilities_mapping: Any = None, units: Mapping[str, str] | None = None,
                     constants: Mapping[str, Any] | None = None, duplicates: str = "keep",
                     refunds: str = "net", spend: bool = True, **reader_options: Any
                     ) -> pd.DataFrame:
        """Import files: each one a batch, all of them in one transaction.

        Parameters
        ----------
        travel, facilities, plans : sequence of path
            Travel logs, facility data, planned trips (a travel table of trips not yet
            taken: commitments of :mod:`sem_carbon.allotments`).
        source : str, optional
            Source name of the batch (only with a single file); default: the file name.
        mapping, facilities_mapping, units, duplicates, refunds
            As for :func:`sem_carbon.read_travel_log` / :func:`sem_carbon.read_facilities`
            (``mapping`` for travel and plans).
        constants : dict, optional
            Constant columns added to every file (``{"currency": "CHF"}``).
        spend : bool, default True
            Keep spend-only travel rows for a spend-based estimate.
        **reader_options
            ``header_row``, ``sheet``, ``encoding``, ``delimiter``, ``decimal``,
            ``max_bytes``, ``max_rows``, ``max_columns``, ``max_cells`` (for every file).

        Returns
        -------
        DataFrame
            One row per file (:data:`IMPORT_COLUMNS`): ``file``, ``source``, ``kind``,
            ``action`` ("imported", "replaced", "unchanged"), ``batch_id``,
            ``replaced_batch``, ``rows_read``, ``rows_computed``, ``rows_rejected`` (spend
            rows that cannot be estimated included), ``spend_rows`` (spend-only rows),
            ``spend_estimated``, ``spend_rejected``, ``spend_reason`` (the first reason),
            ``tco2e`` (spend estimates included), ``estimated_tco2e``,
            ``rows_overlapping`` (source rows identical to rows of earlier active batches,
            see :mod:`.overlaps`), ``overlap_tco2e``, ``overlaps_batches``. Source rows
            reconcile: ``rows_read = rows_computed + rows_rejected + spend_estimated``.

        Warns
        -----
        OverlapWarning
            A file has rows identical to rows of earlier active batches.
        NothingComputedWarning, InputWarning
            Spend-only rows cannot be estimated (no priced rows, no spend factor, no
            rate); ``NothingComputedWarning`` when nothing of the file was computed.

        Raises
        ------
        InputFormatError
            A file cannot be read (nothing of this import is written then).
        LedgerBusyError
            Another process held the ledger longer than the timeout.
        """
        from .reading import read_file

        jobs = [(Path(p), k) for k, paths in (("travel", travel), ("facilities", facilities),
                                             ("plan", plans)) for p in paths]
        if not jobs:
            raise InvalidArgumentError("import_files needs at least one file")
        if source is not None and len(jobs) > 1:
            raise InvalidArgumentError("source= names one file; several files are named by "
                                       "their file names")
        names = [source or p.name for p, _ in jobs]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise InvalidArgumentError(f"two files of this import have the same source name "
                                       f"{sorted(dup)[0]!r}: give them distinct names")
        method = self.method()
        prepared = []
        for (path, kind), name in zip(jobs, names, strict=True):
            read_kind = "facilities" if kind == "facilities" else "travel"
            settings = {"mapping": _jsonable(facilities_mapping if kind == "facilities"
                                             else mapping),
                        "units": dict(units or {}), "constants": dict(constants or {}),
                        "duplicates": duplicates, "refunds": refunds, "spend": spend,
                        "reader_options": reader_options}
            done = read_file(path, read_kind, source=name,
                             mapping=facilities_mapping if kind == "facilities" else mapping,
                             units=units, constants=constants, duplicates=duplicates,
                             refunds=refunds, spend=spend and kind == "travel",
                             **reader_options)
            if self._known_sha(done.sha256, kind) is not None:
                prepared.append((path, kind, name, done, None, settings))
                continue
            inv = compute(done.table, method, quiet=len(done.spend) > 0)
            prepared.append((path, kind, name, done, inv, settings))
        out = []
        with self.store.write() as con:
            for path, kind, name, done, inv, settings in prepared:
                out.append(self._write_batch(con, path, kind, name, done, inv, settings, method))
        self._snapshot = None
        for row in out:
            _warn_import(row)
        return pd.DataFrame(out, columns=list(IMPORT_COLUMNS))

    def _known_sha(self, sha: str, kind: str, con: Any = None) -> tuple[int, str] | None:
        query = ("SELECT batch_id, source FROM batches WHERE sha256 = ? AND kind = ? AND "
                 "status = 'active'")
        if con is not None:
            row = con.execute(query, [sha, kind]).fetchone()
        else:
            if not self.path.exists():
                return None
            with self.store.read() as c:
                row = c.execute(query, [sha, kind]).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def _write_batch(self, con: Any, path: Path, kind: str, name: str, done: Any,
                     inv: Inventory | None, settings: dict[str, Any],
                     method: dict[str, Any]) -> dict[str, Any]:
        result = {**_EMPTY_RESULT, "file": str(path), "source": name, "kind": kind,
                  "rows_read": done.table.rows_read, "spend_rows": len(done.spend)}
        same = self._known_sha(done.sha256, kind, con)
        if same is not None or inv is None:
            result["batch_id"] = same[0] if same else None
            if same and same[1] != name:
                result["action"] = f"unchanged (same bytes as source {same[1]!r})"
            return result
        old = con.execute("SELECT batch_id FROM batches WHERE source = ? AND kind = ? AND "
                          "status = 'active'", [name, kind]).fetchone()
        batch_id = int(con.execute("SELECT nextval('batch_seq')").fetchone()[0])
        now = _now()
        settings = {**settings, "columns": [str(c) for c in done.table.data.columns]}
        con.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, "
                    "NULL, NULL)",
                    [batch_id, name, kind, done.sha256, done.size, str(path),
                     json.dumps(settings, sort_keys=True, default=str), __version__, now,
                     self.user, done.table.rows_read, int(old[0]) if old else None])
        if old:
            con.execute("UPDATE batches SET status = 'replaced', replaced_by = ?, "
                        "replaced_at = ? WHERE batch_id = ?", [batch_id, now, int(old[0])])
            con.execute("UPDATE computations SET current = FALSE WHERE batch_id = ?",
                        [int(old[0])])
        Store.insert(con, "activities", done.table.data, batch_id=batch_id)
        Store.insert(con, "read_rejects", done.table.rejected[["source_row", "column", "value",
                                                               "reason"]], batch_id=batch_id)
        if len(done.spend):
            Store.insert(con, "spend", done.spend, batch_id=batch_id)
        cid = self._write_computation(con, batch_id, inv, "as-reported", method)
        action = "replaced" if old else "imported"
        self._event(con, "replace" if old else "import", batch_id, name,
                    f"{kind} {path.name} sha256 {done.sha256[:12]}…, {done.table.rows_read} "
                    f"rows read" + (f"; replaces batch {int(old[0])}" if old else ""))
        rec = inv.reconciliation()
        estimated, spend_rejected = (self._spend(con, "current", {"source": [name]})
                                     if len(done.spend) else (pd.DataFrame(), pd.DataFrame()))
        estimated_t = float(estimated["co2e_kg"].sum()) / 1000.0 if len(estimated) else 0.0
        computed_t = float(inv.data["co2e_kg"].sum()) / 1000.0 if len(inv.data) else 0.0
        result.update(action=action, batch_id=batch_id,
                      replaced_batch=int(old[0]) if old else None,
                      rows_computed=int(rec["rows_computed"].sum()),
                      rows_rejected=int(rec["rows_rejected"].sum()) + len(spend_rejected),
                      spend_estimated=len(estimated), spend_rejected=len(spend_rejected),
                      spend_reason=str(spend_rejected["reason"].iloc[0])
                      if len(spend_rejected) else "",
                      tco2e=computed_t + estimated_t, estimated_tco2e=estimated_t,
                      **self._batch_overlaps(con, batch_id, kind, cid))
        return result

    def _batch_overlaps(self, con: Any, batch_id: int, kind: str, cid: int
                        ) -> dict[str, Any]:
        """Rows of a new batch identical to rows of earlier active batches (counts,
        tCO2e as computed, the earlier batches), see :mod:`.overlaps`."""
        from .overlaps import overlap_sql

        none = {"rows_overlapping": 0, "overlap_tco2e": 0.0, "overlaps_batches": ""}
        others = con.execute("SELECT count(*) FROM batches WHERE kind = ? AND status = "
                             "'active' AND batch_id < ?", [kind, batch_id]).fetchone()[0]
        if not others:
            return none
        con.execute("CREATE OR REPLACE TEMP TABLE _overlap AS "
                    + overlap_sql(con, (kind,), batch_id))
        try:
            rows, first = con.execute(
                "SELECT count(*), string_agg(DISTINCT CAST(first_batch_id AS VARCHAR), ', ' "
                "ORDER BY CAST(first_batch_id AS VARCHAR)) FROM _overlap").fetchone()
            if not rows:
                return none
            kg = con.execute(
                "SELECT coalesce(sum(r.co2e_kg), 0) FROM rows r SEMI JOIN _overlap o ON "
                "r.batch_id = o.batch_id AND r.source_row = o.source_row "
                "WHERE r.computation_id = ?", [cid]).fetchone()[0]
            spend = self._spend_overlap_kg(con, batch_id)
        finally:
            con.execute("DROP TABLE IF EXISTS _overlap")
        return {"rows_overlapping": int(rows), "overlap_tco2e": (float(kg) + spend) / 1000.0,
                "overlaps_batches": str(first or "")}

    def _spend_overlap_kg(self, con: Any, batch_id: int) -> float:
        """kgCO2e estimated for the overlapping spend rows of a batch (``_overlap``)."""
        marked = con.execute("SELECT source_row FROM _overlap WHERE spend AND batch_id = ?",
                             [batch_id]).df()
        if marked.empty:
            return 0.0
        rows, _ = self._spend(con, "current", {})
        if rows.empty:
            return 0.0
        mine = rows[(rows["batch_id"] == batch_id)
                    & rows["source_row"].isin(marked["source_row"])]
        return float(mine["co2e_kg"].sum())

    def _write_computation(self, con: Any, batch_id: int, inv: Inventory, basis: str,
                           method: dict[str, Any]) -> int:
        cid = int(con.execute("SELECT nextval('computation_seq')").fetchone()[0])
        con.execute("UPDATE computations SET current = FALSE WHERE batch_id = ?", [batch_id])
        con.execute("INSERT INTO computations VALUES (?, ?, ?, TRUE, ?, ?, ?, ?)",
                    [cid, batch_id, basis, method_json(method), __version__, _now(), self.user])
        Store.insert(con, "rows", inv.data, computation_id=cid, batch_id=batch_id)
        Store.insert(con, "rejects", inv.rejected[list(INVENTORY_REJECT_COLUMNS)],
                     computation_id=cid, batch_id=batch_id)
        _summarise(con, cid)
        return cid

    def import_inventory(self, inventory: Inventory | str | os.PathLike[str], *,
                         source: str | None = None) -> pd.DataFrame:
        """Import an inventory computed elsewhere (an ``Inventory`` or its Parquet file).

        Its rows are stored as they are (the as-reported figures); a restatement
        recomputes them from the input columns they carry (rows the other computation
        rejected cannot be restated). A Parquet file written by ``Inventory.to_parquet``
        is loaded by DuckDB directly.

        Parameters
        ----------
        inventory : Inventory or path
            The computed inventory, or the Parquet file ``Inventory.to_parquet`` wrote.
        source : str, optional
            Name of the batch's source (default: the file name, or ``"inventory"``).

        Returns
        -------
        DataFrame
            As :meth:`import_files`.
        """
        from .reading import file_digest

        method = self.method()
        if isinstance(inventory, Inventory):
            import hashlib

            sha = hashlib.sha256(pd.util.hash_pandas_object(
                inventory.data, index=False).to_numpy().tobytes()).hexdigest()
            size, name, path, parquet = 0, source or "inventory", "", None
            rows_read = int(sum(inventory.rows_read.values()))
        else:
            parquet = Path(inventory)
            if not parquet.is_file():
                raise InputFormatError(f"inventory file not found: {parquet}")
            sha, size = file_digest(parquet)
            name, path = source or parquet.name, str(parquet)
            inventory = _inventory_metadata(parquet)
            rows_read = int(sum(inventory.rows_read.values()))
        result = {**_EMPTY_RESULT, "file": path, "source": name, "kind": "inventory",
                  "rows_read": rows_read, "rows_rejected": len(inventory.rejected)}
        with self.store.write() as con:
            same = self._known_sha(sha, "inventory", con)
            if same is not None:
                result["batch_id"] = same[0]
                return pd.DataFrame([result], columns=list(IMPORT_COLUMNS))
            old = con.execute("SELECT batch_id FROM batches WHERE source = ? AND kind = "
                              "'inventory' AND status = 'active'", [name]).fetchone()
            batch_id = int(con.execute("SELECT nextval('batch_seq')").fetchone()[0])
            now = _now()
            con.execute("INSERT INTO batches VALUES (?, ?, 'inventory', ?, ?, ?, ?, ?, ?, ?, ?, "
                        "'active', ?, NULL, NULL)",
                        [batch_id, name, sha, size, path, json.dumps({"imported": "inventory"}),
                         __version__, now, self.user, rows_read, int(old[0]) if old else None])
            if old:
                con.execute("UPDATE batches SET status = 'replaced', replaced_by = ?, "
                            "replaced_at = ? WHERE batch_id = ?", [batch_id, now, int(old[0])])
                con.execute("UPDATE computations SET current = FALSE WHERE batch_id = ?",
                            [int(old[0])])
            cid = int(con.execute("SELECT nextval('computation_seq')").fetchone()[0])
            con.execute("INSERT INTO computations VALUES (?, ?, 'as-reported', TRUE, ?, ?, ?, ?)",
                        [cid, batch_id, json.dumps({"imported": True}), __version__, now,
                         self.user])
            if parquet is not None:
                _insert_parquet(con, parquet, cid, batch_id)
            else:
                Store.insert(con, "rows", inventory.data, computation_id=cid, batch_id=batch_id)
            _summarise(con, cid)
            Store.insert(con, "rejects", inventory.rejected[list(INVENTORY_REJECT_COLUMNS)],
                         computation_id=cid, batch_id=batch_id)
            total = con.execute("SELECT count(*), coalesce(sum(co2e_kg), 0) FROM rows WHERE "
                                "computation_id = ?", [cid]).fetchone()
            self._event(con, "replace" if old else "import", batch_id, name,
                        f"inventory {Path(path).name if path else '(in memory)'}, "
                        f"{int(total[0])} rows" + (f"; replaces batch {int(old[0])}" if old
                                                   else ""))
        self._snapshot = None
        result.update(action="replaced" if old else "imported", batch_id=batch_id,
                      replaced_batch=int(old[0]) if old else None, rows_computed=int(total[0]),
                      tco2e=float(total[1]) / 1000.0)
        _ = method
        return pd.DataFrame([result], columns=list(IMPORT_COLUMNS))

    # ------------------------------------------------------------------ restatement
    def restate(self, *, factors: Any = ..., overrides: Any = ...,
                overrides_name: str = "overrides", note: str = "", **options: Any
                ) -> pd.DataFrame:
        """Recompute every active batch with the current editions and method.

        Parameters
        ----------
        factors : str or None, optional
            New method setting: ``None`` (each row its year's DESNZ edition) or one
            edition id for all rows; left as it is when not given.
        overrides : DataFrame or None, optional
            Factor overrides (factor-format rows, see ``FactorSet.with_overrides``)
            applied on top of each row's edition; ``None`` removes them.
        overrides_name : str
            Label of the overrides (in ``factor_id``: ``desnz-2024+<name>``).
        note : str
            Why (written in the history).
        **options
            ``radiative_forcing``, ``haul``, ``gwp``, ``include_td``, ``co2_only``,
            ``grid``.

        Returns
        -------
        DataFrame
            Per batch: ``batch_id``, ``source``, ``reported_tco2e``, ``restated_tco2e``.
        """
        method = self.method()
        if factors is not ...:
            options["factors"] = factors
        if overrides is not ...:
            options["overrides"] = (None if overrides is None else
                                    {"name": str(overrides_name),
                                     "rows": pd.DataFrame(overrides).to_dict(orient="list")})
        method = check_method({**method, **options})
        with self.store.read() as con:
            batches = con.execute(
                "SELECT batch_id, source, kind, rows_read, settings, (SELECT count(*) FROM "
                "spend s WHERE s.batch_id = b.batch_id) AS spend_rows FROM batches b WHERE "
                "status = 'active' ORDER BY batch_id").df()
        computed = []
        for b in batches.itertuples(index=False):
            table = self._stored_table(int(b.batch_id), str(b.kind), str(b.source),
                                       int(b.rows_read), json.loads(b.settings))
            computed.append((int(b.batch_id), str(b.source),
                             compute(table, method, quiet=int(b.spend_rows) > 0)))
        with self.store.write() as con:
            con.execute("UPDATE meta SET value = ? WHERE key = 'method'",
                        [json.dumps(_stored_method(method))])
            out = []
            for batch_id, source, inv in computed:
                status = con.execute("SELECT status FROM batches WHERE batch_id = ?",
                                     [batch_id]).fetchone()[0]
                if status != "active":  # replaced meanwhile by another process
                    continue
                before = con.execute(
                    "SELECT coalesce(sum(r.co2e_kg), 0) FROM rows r JOIN computations c ON "
                    "r.computation_id = c.computation_id WHERE c.batch_id = ? AND c.basis = "
                    "'as-reported'", [batch_id]).fetchone()[0]
                self._write_computation(con, batch_id, inv, "restated", method)
                out.append({"batch_id": batch_id, "source": source,
                            "reported_tco2e": float(before) / 1000.0,
                            "restated_tco2e": float(inv.data["co2e_kg"].sum()) / 1000.0
                            if len(inv.data) else 0.0})
            self._event(con, "restate", None, "", (note + "; " if note else "")
                        + f"method {method_json(method)}; {len(out)} batches")
        self._snapshot = None
        return pd.DataFrame(out, columns=["batch_id", "source", "reported_tco2e",
                                          "restated_tco2e"])

    def _stored_table(self, batch_id: int, kind: str, source: str, rows_read: int,
                      settings: dict[str, Any]) -> Any:
        with self.store.read() as con:
            if kind == "inventory":
                rows = con.execute(
                    "SELECT r.* EXCLUDE (computation_id, batch_id) FROM rows r JOIN "
                    "computations c ON r.computation_id = c.computation_id WHERE c.batch_id = ? "
                    "AND c.basis = 'as-reported' AND r.category <> 'td_losses'",
                    [batch_id]).df()
                table_kind = str(rows["table"].iloc[0]) if len(rows) else "travel"
                rows = rows[[c for c in rows.columns if c not in _RESULT_ONLY]]
                rows = rows.drop(columns=[c for c in ("distance_km",) if table_kind ==
                                          "facilities" and c in rows.columns])
                rejected = pd.DataFrame(columns=["source_row", "column", "value", "reason"])
                rows = rows.dropna(axis=1, how="all")
                return restored_table(table_kind, source, rows, rejected, rows_read)
            columns = settings.get("columns") or []
            select = ", ".join(f'"{c}"' for c in columns) if columns else "*"
            rows = con.execute(f"SELECT {select} FROM activities WHERE batch_id = ? "
                               "ORDER BY source_row", [batch_id]).df()
            rejected = con.execute('SELECT source_row, "column", value, reason FROM '
                                   "read_rejects WHERE batch_id = ?", [batch_id]).df()
        return restored_table("facilities" if kind == "facilities" else "travel", source,
                              rows, rejected, rows_read)

    # ------------------------------------------------------------------ queries
    def _where(self, basis: str, kinds: Sequence[str], filters: dict[str, Any],
               status: str = "active") -> tuple[str, list[Any]]:
        """SQL condition on rows ``r`` (and their batch ``b``, computation ``c``)."""
        if basis not in ("current", "reported"):
            raise InvalidArgumentError(f"basis must be 'current' or 'reported', got {basis!r}")
        if status not in ("active", "all", "replaced"):
            raise InvalidArgumentError(f"status must be 'active', 'replaced' or 'all', "
                                       f"got {status!r}")
        parts = ["b.kind IN (" + ", ".join("?" * len(kinds)) + ")"]
        params: list[Any] = list(kinds)
        if status != "all":
            parts.append("b.status = ?")
            params.append(status)
        if status == "active":
            parts.append("c.current" if basis == "current" else "c.basis = 'as-reported'")
        else:  # a replaced batch: its last computation
            parts.append("c.computation_id = (SELECT max(computation_id) FROM computations "
                         "c2 WHERE c2.batch_id = b.batch_id" +
                         ("" if basis == "current" else " AND c2.basis = 'as-reported'") + ")")
        for key, value in filters.items():
            values = _as_list(value)
            if values is None:
                continue
            if key not in _FILTERS:
                raise InvalidArgumentError(f"unknown filter {key!r}; use {', '.join(_FILTERS)}")
            column = "b.source" if key == "source" else f"r.{key}"
            parts.append(f"{column} IN (" + ", ".join("?" * len(values)) + ")")
            params.extend(int(v) if key == "year" else str(v) for v in values)
        return " AND ".join(parts), params

    def _selected(self, basis: str, kinds: Sequence[str], filters: dict[str, Any]
                  ) -> tuple[str, list[Any]]:
        """The rows of the chosen computations as a semi-join (fast on millions of rows)."""
        batch_filters = {k: v for k, v in filters.items() if k == "source"}
        row_filters = {k: v for k, v in filters.items() if k != "source"}
        inner, params = self._where(basis, kinds, batch_filters)
        sql = ("r.computation_id IN (SELECT c.computation_id FROM computations c JOIN batches b "
               f"ON c.batch_id = b.batch_id WHERE {inner})")
        for key, value in row_filters.items():
            values = _as_list(value)
            if values is None:
                continue
            if key not in _FILTERS:
                raise InvalidArgumentError(f"unknown filter {key!r}; use {', '.join(_FILTERS)}")
            sql += f" AND r.{key} IN (" + ", ".join("?" * len(values)) + ")"
            params.extend(int(v) if key == "year" else str(v) for v in values)
        return sql, params

    _JOIN = ("FROM rows r JOIN computations c ON r.computation_id = c.computation_id "
             "JOIN batches b ON r.batch_id = b.batch_id")

    def _rows(self, con: Any, basis: str, kinds: Sequence[str], filters: dict[str, Any],
              status: str = "active", overlaps: str = "include") -> pd.DataFrame:
        where, params = self._where(basis, kinds, filters, status)
        where += self._overlap_filter(con, overlaps, "r", spend=False)
        extra = ", b.status AS batch_status" if status != "active" else ""
        frame = con.execute(f"SELECT r.* EXCLUDE (computation_id){extra} {self._JOIN} "
                            f"WHERE {where} ORDER BY r.batch_id, r.source_row",
                            params).df()
        return _clean_rows(frame)

    def _spend(self, con: Any, basis: str, filters: dict[str, Any],
               overlaps: str = "include") -> tuple[pd.DataFrame, pd.DataFrame]:
        """Spend estimates (rows, rejects) from the rows on file (see :mod:`.spend`); the
        intensities come from every priced row, overlapping ones too."""
        from .spend import estimate

        if not con.execute("SELECT count(*) FROM spend").fetchone()[0]:
            return pd.DataFrame(), pd.DataFrame()
        source_filter = _as_list(filters.get("source"))
        where, params = "b.status = 'active' AND b.kind = 'travel'", []
        if source_filter:
            where += " AND b.source IN (" + ", ".join("?" * len(source_filter)) + ")"
            params.extend(source_filter)
        where += self._overlap_filter(con, overlaps, "s", spend=True)
        spend = con.execute(f"SELECT s.*, b.source FROM spend s JOIN batches b ON "
                            f"s.batch_id = b.batch_id WHERE {where}", params).df()
        if spend.empty:
            return pd.DataFrame(), pd.DataFrame()
        cond, p2 = self._where(basis, _ACTUAL, {})
        priced = con.execute(
            "SELECT r.entity, r.category, r.year, r.currency, CAST(r.date AS DATE) AS day, "
            "sum(r.co2e_kg) AS co2e_kg, sum(r.cost) AS cost, count(*) AS rows "
            f"{self._JOIN} WHERE {cond} AND r.category IN ('air', 'rail', 'road', 'hotel') "
            "AND r.cost > 0 AND r.currency <> '' GROUP BY ALL", p2).df() \
            if self._has_columns(con, "rows", ("cost", "currency", "entity")) else pd.DataFrame()
        factors = con.execute("SELECT category, year, kgco2e_per_unit AS kgco2e_per_usd, source "
                              "FROM spend_factors").df()
        rows, rejects = estimate(spend, priced, self._rates(con), factors)
        if len(rows):
            for key in ("entity", "year", "category"):
                values = _as_list(filters.get(key))
                if values is not None:
                    col = rows[key]
                    rows = rows[col.isin([int(v) for v in values] if key == "year"
                                         else [str(v) for v in values])]
        return rows, rejects

    @staticmethod
    def _overlap_filter(con: Any, overlaps: str, alias: str, spend: bool) -> str:
        """SQL condition (with a leading AND) leaving out overlapping rows, or nothing."""
        if overlaps not in ("include", "exclude"):
            raise InvalidArgumentError(f"overlaps must be 'include' or 'exclude', got "
                                       f"{overlaps!r}")
        if overlaps == "include":
            return ""
        from .overlaps import overlap_sql

        return (f" AND NOT EXISTS (SELECT 1 FROM ({overlap_sql(con)}) o WHERE o.batch_id = "
                f"{alias}.batch_id AND o.source_row = {alias}.source_row AND "
                f"{'' if spend else 'NOT '}o.spend)")

    def overlaps(self) -> pd.DataFrame:
        """Rows of active batches identical to rows of earlier active batches.

        See :mod:`sem_carbon.ledger.overlaps` for what is and is not compared.

        Returns
        -------
        DataFrame
            One row per overlapping source row: ``batch_id``, ``source``, ``source_row``,
            ``spend`` (a spend-only row), ``first_batch_id``, ``first_source`` (the
            earliest active batch with that row), ``tco2e`` (its current figure, spend
            estimates included).
        """
        from .overlaps import overlap_sql

        with self.store.read() as con:
            frame = con.execute(
                f"SELECT o.batch_id, b.source, o.source_row, o.spend, o.first_batch_id, "
                f"f.source AS first_source, CAST(coalesce((SELECT sum(r.co2e_kg) FROM rows r JOIN "
                f"computations c ON r.computation_id = c.computation_id AND c.current WHERE "
                f"r.batch_id = o.batch_id AND r.source_row = o.source_row), 0) / 1000.0 "
                f"AS DOUBLE) AS tco2e FROM ({overlap_sql(con)}) o JOIN batches b ON o.batch_id = "
                f"b.batch_id JOIN batches f ON o.first_batch_id = f.batch_id "
                f"ORDER BY o.batch_id, o.source_row").df()
            if frame["spend"].any():
                rows, _ = self._spend(con, "current", {})
                if len(rows):
                    kg = rows.groupby(["batch_id", "source_row"])["co2e_kg"].sum() / 1000.0
                    key = pd.MultiIndex.from_frame(frame[["batch_id", "source_row"]])
                    est = np.nan_to_num(kg.reindex(key).to_numpy(float))
                    frame["tco2e"] = np.where(frame["spend"].to_numpy(bool), est,
                                              frame["tco2e"].to_numpy(float))
        return frame

    @staticmethod
    def _has_columns(con: Any, table: str, columns: Iterable[str]) -> bool:
        have = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        return set(columns) <= have

    def _rates(self, con: Any) -> Any:
        from ..money import Rates

        table = con.execute("SELECT currency, date, rate, per, valid_to, source FROM "
                            "user_rates").df()
        return Rates(table if len(table) else None)

    def rates(self) -> Any:
        """The ledger's :class:`~sem_carbon.money.Rates` (its user rates, then the ECB's)."""
        with self.store.read() as con:
            return self._rates(con)

    def inventory(self, *, basis: str = "current", plans: bool = False, status: str = "active",
                  overlaps: str = "include", **filters: Any) -> Inventory:
        """The ledger's rows as an :class:`~sem_carbon.Inventory`.

        Parameters
        ----------
        basis : {"current", "reported"}
            Current (restated where restated) or as-reported figures.
        plans : bool, default False
            Planned trips instead of actuals.
        status : {"active", "replaced", "all"}
            Rows of active batches (default), of replaced ones (history), or both.
        overlaps : {"include", "exclude"}
            Keep or leave out the rows identical to rows of earlier active batches
            (:meth:`overlaps`; only with ``status="active"``).
        **filters
            ``entity``, ``year``, ``category``, ``source``: a value or a list. They
            restrict ``data``; ``source`` also restricts ``rejected`` and ``sources``.

        Returns
        -------
        Inventory
            ``data`` with the inventory columns plus ``batch_id``, ``estimated`` and
            ``dq_score`` (see :mod:`sem_carbon.ledger.spend`); spend estimates included
            (actuals only).
        """
        kinds = ("plan",) if plans else _ACTUAL
        if overlaps != "include" and status != "active":
            raise InvalidArgumentError("overlaps='exclude' compares active batches: use it "
                                       "with status='active'")
        with self.store.read() as con:
            data = self._rows(con, basis, kinds, filters, status, overlaps)
            data["estimated"] = False
            data["dq_score"] = np.where(data["notes"].astype(str) == "", 1, 2).astype(np.int64) \
                if "notes" in data.columns else np.ones(len(data), np.int64)
            spend_rows, spend_rejects = (self._spend(con, basis, filters, overlaps)
                                         if not plans and status == "active"
                                         else (pd.DataFrame(), pd.DataFrame()))
            if len(spend_rows):
                data = concat_frames([data, spend_rows[[c for c in spend_rows.columns
                                                         if c not in ("source_row_",)]]])
            src_filter = _as_list(filters.get("source"))
            where, params = self._where(basis, kinds, {"source": src_filter}, status)
            rejected = con.execute(
                'SELECT j."table", j.source, j.source_row, j."column", j.value, j.reason '
                "FROM rejects j JOIN computations c ON j.computation_id = c.computation_id "
                f"JOIN batches b ON j.batch_id = b.batch_id WHERE {where} "
                "ORDER BY j.batch_id, j.source_row", params).df()
            if len(spend_rejects):
                rejected = pd.concat([rejected, spend_rejects[list(INVENTORY_REJECT_COLUMNS)]],
                                     ignore_index=True)
            status_sql = "" if status == "all" else "AND status = ?"
            sp = [*kinds] + ([] if status == "all" else [status])
            sources = con.execute(
                "SELECT source, CASE WHEN kind = 'facilities' THEN 'facilities' ELSE "
                "'travel' END AS \"table\", rows_read FROM batches WHERE kind IN ("
                + ", ".join("?" * len(kinds)) + f") {status_sql} ORDER BY batch_id", sp).df()
        if src_filter:
            sources = sources[sources["source"].isin(src_filter)]
        data = _order(data)
        rows_read = sources.groupby("table")["rows_read"].sum().astype(int).to_dict()
        return Inventory(data.reset_index(drop=True), rejected, rows_read,
                         sources.reset_index(drop=True))

    def totals(self, by: str | Sequence[str] = ("entity", "year"), *, basis: str = "current",
               plans: bool = False, overlaps: str = "include", **filters: Any) -> pd.DataFrame:
        """Totals in tCO2e grouped by columns, aggregated in the database.

        Parameters
        ----------
        by : str or sequence of str
            Inventory columns (``entity``, ``year``, ``category``, ``source`` ...).
        basis, plans, overlaps, **filters
            As for :meth:`inventory`.

        Returns
        -------
        DataFrame
            The ``by`` columns, ``tco2e``, ``rows``, ``estimated_tco2e`` (spend estimates
            included in ``tco2e``).
        """
        dims = [by] if isinstance(by, str) else list(by)
        kinds = ("plan",) if plans else _ACTUAL
        with self.store.read() as con:
            have = _BASE_ROW_COLUMNS if set(dims) <= _BASE_ROW_COLUMNS else \
                {r[0] for r in con.execute("DESCRIBE rows").fetchall()}
            missing = [d for d in dims if d not in have]
            if missing and not con.execute("SELECT count(*) FROM rows").fetchone()[0]:
                return pd.DataFrame({**{d: [] for d in dims}, "tco2e": [], "rows": [],
                                     "estimated_tco2e": []})
            if missing:
                raise InvalidArgumentError(f"the ledger's rows have no column(s) "
                                           f"{', '.join(missing)}")
            where, params = self._selected(basis, kinds, filters)
            exclude = self._overlap_filter(con, overlaps, "r", spend=False)
            cols = ", ".join(f'r."{d}"' for d in dims)
            select = (cols + ", " if dims else "")
            group = f"GROUP BY {cols}" if dims else ""
            balances = not exclude and set(dims) <= _SUMMARY_DIMS and {
                k for k, v in filters.items() if v is not None} <= _SUMMARY_DIMS
            frame = con.execute(
                f"SELECT {select}sum(r.co2e_kg) / 1000.0 AS tco2e, "
                f"{'sum(r.rows)' if balances else 'count(*)'} AS rows "
                f"FROM {'summary' if balances else 'rows'} r WHERE {where}{exclude} {group}",
                params).df()
            frame.columns = [*dims, "tco2e", "rows"]
            frame["estimated_tco2e"] = 0.0
            spend_rows = (self._spend(con, basis, filters, overlaps)[0] if not plans
                          else pd.DataFrame())
        if len(spend_rows):
            est = spend_rows.groupby(dims, dropna=False).agg(
                tco2e=("co2e_kg", lambda s: s.sum() / 1000.0), rows=("co2e_kg", "size")
            ).reset_index() if dims else pd.DataFrame(
                {"tco2e": [spend_rows["co2e_kg"].sum() / 1000.0], "rows": [len(spend_rows)]})
            est["estimated_tco2e"] = est["tco2e"]
            frame = pd.concat([frame, est], ignore_index=True)
            frame = (frame.groupby(dims, dropna=False, as_index=False).sum() if dims
                     else frame.sum().to_frame().T)
        frame["rows"] = frame["rows"].astype(np.int64)
        return frame.sort_values(dims).reset_index(drop=True) if dims else frame

    def restatement(self, by: str | Sequence[str] = ("entity", "year"), **filters: Any
                    ) -> pd.DataFrame:
        """As-reported and current (restated) totals side by side.

        Returns
        -------
        DataFrame
            The ``by`` columns, ``reported_tco2e``, ``current_tco2e``, ``change_tco2e``.
        """
        dims = [by] if isinstance(by, str) else list(by)
        rep = self.totals(dims, basis="reported", **filters)
        cur = self.totals(dims, basis="current", **filters)
        out = rep[[*dims, "tco2e"]].rename(columns={"tco2e": "reported_tco2e"}).merge(
            cur[[*dims, "tco2e"]].rename(columns={"tco2e": "current_tco2e"}), on=dims,
            how="outer").fillna({"reported_tco2e": 0.0, "current_tco2e": 0.0})
        out["change_tco2e"] = out["current_tco2e"] - out["reported_tco2e"]
        return out.sort_values(dims).reset_index(drop=True)

    def data_quality(self, by: str | Sequence[str] = "entity", overlaps: str = "include",
                     **filters: Any) -> pd.DataFrame:
        """Share of estimated emissions and the emission-weighted data-quality score.

        Parameters
        ----------
        by : str or sequence of str
            Inventory columns to group by.
        overlaps, **filters
            As for :meth:`inventory`.

        Returns
        -------
        DataFrame
            The ``by`` columns, ``tco2e``, ``estimated_tco2e``, ``estimated_share`` [0-1],
            ``mean_dq_score`` (weighted by emissions), ``rows``, ``estimated_rows``.
        """
        dims = [by] if isinstance(by, str) else list(by)
        data = self.inventory(overlaps=overlaps, **filters).data
        if data.empty:
            return pd.DataFrame(columns=[*dims, "tco2e", "estimated_tco2e", "estimated_share",
                                         "mean_dq_score", "rows", "estimated_rows"])
        co2 = data["co2e_kg"].astype(float) / 1000.0
        frame = pd.DataFrame({**{d: data[d] for d in dims}, "tco2e": co2,
                              "estimated_tco2e": co2.where(data["estimated"].astype(bool), 0.0),
                              "weighted": co2 * data["dq_score"].astype(float),
                              "rows": 1, "estimated_rows": data["estimated"].astype(int)})
        out = frame.groupby(dims, dropna=False, as_index=False).sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            out["estimated_share"] = np.where(out["tco2e"] != 0,
                                              out["estimated_tco2e"] / out["tco2e"], np.nan)
            out["mean_dq_score"] = np.where(out["tco2e"] != 0,
                                            out["weighted"] / out["tco2e"], np.nan)
        return out[[*dims, "tco2e", "estimated_tco2e", "estimated_share", "mean_dq_score",
                    "rows", "estimated_rows"]]

    def batches(self, status: str = "all") -> pd.DataFrame:
        """The batches on file with their provenance (``status``: active, replaced, all)."""
        with self.store.read() as con:
            where = "" if status == "all" else "WHERE status = ?"
            return con.execute(f"SELECT * FROM batches {where} ORDER BY batch_id",
                               [] if status == "all" else [status]).df()

    def history(self, source: str | None = None) -> pd.DataFrame:
        """Every change, oldest first: ``event_id``, ``happened_at`` (UTC), ``who``, ``action``,
        ``batch_id``, ``source``, ``detail``."""
        with self.store.read() as con:
            where = "WHERE source = ?" if source else ""
            return con.execute(f"SELECT * FROM events {where} ORDER BY event_id",
                               [source] if source else []).df()

    # ------------------------------------------------------------------ reference data
    def add_rates(self, table: pd.DataFrame | str | os.PathLike[str],
                  source: str | None = None) -> int:
        """Add a user rates table (columns in :mod:`sem_carbon.money.rates`).

        Rows for a currency and date already on file are refused (a rate is corrected by
        a new dated row).

        Parameters
        ----------
        table : DataFrame or path
            The rates table (CSV, Excel or Parquet file, or a DataFrame).
        source : str, optional
            Name recorded with each rate (default: the file name).

        Returns
        -------
        int
            The number of rows added.
        """
        from ..money import read_rates

        frame = read_rates(table, source)
        with self.store.write() as con:
            existing = con.execute("SELECT currency, date FROM user_rates").df()
            if len(existing):
                both = frame.merge(existing.assign(date=pd.to_datetime(existing["date"])),
                                   on=["currency", "date"])
                if len(both):
                    raise InputFormatError(f"the ledger already has a {both['currency'].iloc[0]}"
                                           f" rate for {both['date'].iloc[0].date()}")
            Store.insert(con, "user_rates", frame, added_at=_now(), added_by=self.user)
            self._event(con, "rates", None, str(frame["source"].iloc[0]) if len(frame) else "",
                        f"{len(frame)} exchange rates for "
                        f"{', '.join(sorted(frame['currency'].unique()))}")
        self._snapshot = None
        return len(frame)

    def add_spend_factors(self, table: pd.DataFrame | str | os.PathLike[str]) -> int:
        """Add a spend factor table: ``category``, ``year`` (blank: any), ``kgco2e_per_usd``
        [kgCO2e / USD], ``source`` (citation). Returns the rows added."""
        frame = (pd.read_csv(table, dtype=str, keep_default_na=False)
                 if not isinstance(table, pd.DataFrame) else table.copy())
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        need = [c for c in ("category", "kgco2e_per_usd", "source") if c not in frame.columns]
        if need:
            raise InputFormatError(f"spend factor table lacks column(s) {', '.join(need)}")
        value = pd.to_numeric(frame["kgco2e_per_usd"], errors="coerce")
        if not (np.isfinite(value) & (value > 0)).all():
            raise InputFormatError("spend factor table: kgco2e_per_usd must be positive numbers")
        if (frame["source"].astype(str).str.strip() == "").any():
            raise InputFormatError("spend factor table: every factor needs its source")
        out = pd.DataFrame({"category": frame["category"].astype(str).str.strip().str.lower(),
                            "year": pd.to_numeric(frame.get("year", pd.Series(
                                [None] * len(frame))), errors="coerce").astype("Int64"),
                            "kgco2e_per_unit": value, "source": frame["source"].astype(str)})
        with self.store.write() as con:
            Store.insert(con, "spend_factors", out, added_at=_now(), added_by=self.user)
            self._event(con, "spend-factors", None, "", f"{len(out)} spend factors")
        self._snapshot = None
        return len(out)

    # ------------------------------------------------------------------ an inventory's face
    def _current(self) -> Inventory:
        version = self.version()
        if self._snapshot is None or self._snapshot[0] != version:
            self._snapshot = (version, self.inventory())
        return self._snapshot[1]

    @property
    def data(self) -> pd.DataFrame:
        """Current rows of the active batches (as ``Inventory.data``)."""
        return self._current().data

    @property
    def rejected(self) -> pd.DataFrame:
        """Current rejects (as ``Inventory.rejected``)."""
        return self._current().rejected

    @property
    def sources(self) -> pd.DataFrame:
        """Active sources (as ``Inventory.sources``)."""
        return self._current().sources

    @property
    def rows_read(self) -> dict[str, int]:
        """Source rows read per table (as ``Inventory.rows_read``)."""
        return self._current().rows_read

    def reconciliation(self) -> pd.DataFrame:
        """As :meth:`sem_carbon.Inventory.reconciliation`, for the active batches."""
        return self._current().reconciliation()

    def editions(self) -> pd.DataFrame:
        """As :meth:`sem_carbon.Inventory.editions`, for the active batches."""
        return self._current().editions()

    def total(self, unit: str = "tCO2e") -> pint.Quantity:
        """Total of the active batches' current figures as a Quantity."""
        return self._current().total(unit)

    def by(self, *dims: str, value: str = "co2e_kg") -> pd.DataFrame:
        """As :meth:`sem_carbon.Inventory.by`."""
        return self._current().by(*dims, value=value)

    # ------------------------------------------------------------------ backup
    def export_parquet(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write every table of the ledger to ``folder/<table>.parquet`` (a full backup).

        See :func:`sem_carbon.ledger.backup.export_ledger`.
        """
        from .backup import export_ledger

        return export_ledger(self, folder)

    @classmethod
    def restore(cls, folder: str | os.PathLike[str], path: str | os.PathLike[str], *,
                user: str | None = None) -> Ledger:
        """A new ledger at ``path`` from a backup written by :meth:`export_parquet`.

        Parameters
        ----------
        folder : path
            The backup folder :meth:`export_parquet` wrote.
        path : path
            Where the new DuckDB ledger file is created (must not exist).
        user : str, optional
            Who restores it, recorded in the history (default: the login name).

        Returns
        -------
        Ledger
            The restored ledger, open.
        """
        from .backup import restore_ledger

        return restore_ledger(folder, path, user=user)


#: Columns of the summary :meth:`Ledger.import_files` returns, one row per file.
IMPORT_COLUMNS: tuple[str, ...] = (
    "file", "source", "kind", "action", "batch_id", "replaced_batch", "rows_read",
    "rows_computed", "rows_rejected", "spend_rows", "spend_estimated", "spend_rejected",
    "spend_reason", "tco2e", "estimated_tco2e", "rows_overlapping", "overlap_tco2e",
    "overlaps_batches")
_EMPTY_RESULT: dict[str, Any] = {
    "file": "", "source": "", "kind": "", "action": "unchanged", "batch_id": None,
    "replaced_batch": None, "rows_read": 0, "rows_computed": 0, "rows_rejected": 0,
    "spend_rows": 0, "spend_estimated": 0, "spend_rejected": 0, "spend_reason": "",
    "tco2e": 0.0, "estimated_tco2e": 0.0, "rows_overlapping": 0, "overlap_tco2e": 0.0,
    "overlaps_batches": ""}


def _warn_import(row: Mapping[str, Any]) -> None:
    """Warnings for one imported file: spend rows not estimated, overlapping rows."""
    import warnings

    from ..errors import NothingComputedWarning, OverlapWarning

    if row["action"] not in ("imported", "replaced"):
        return
    name = row["source"]
    if row["spend_rejected"]:
        warnings.warn(f"{name}: {row['spend_rejected']} of {row['spend_rows']} spend-only rows "
                      f"cannot be estimated ({row['spend_reason']}); they are rejected",
                      NothingComputedWarning if not (row["rows_computed"]
                                                     or row["spend_estimated"])
                      else InputWarning, stacklevel=3)
    if row["rows_overlapping"]:
        warnings.warn(f"{name}: {row['rows_overlapping']} rows are identical to rows of "
                      f"earlier batch(es) {row['overlaps_batches']} "
                      f"({row['overlap_tco2e']:,.1f} tCO2e): an overlapping export? They are "
                      "counted in the totals unless left out (Ledger.totals(overlaps="
                      "'exclude'), 'sem-carbon ledger status --overlaps exclude'); "
                      "Ledger.overlaps() lists them", OverlapWarning, stacklevel=3)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_jsonable(v) for v in value]
    return str(value)


def _stored_method(method: dict[str, Any]) -> dict[str, Any]:
    return method


def _clean_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows read back from DuckDB with the types an inventory has (text never NULL)."""
    for name in frame.columns:
        col = frame[name]
        if name in INVENTORY_TEXT_COLUMNS or col.dtype == object:
            if col.dtype == object or pd.api.types.is_string_dtype(col):
                frame[name] = col.where(col.notna(), "").astype(str) \
                    if name in INVENTORY_TEXT_COLUMNS else col
        elif pd.api.types.is_datetime64_any_dtype(col):
            frame[name] = col.astype("datetime64[ns]")
    return frame


def _order(data: pd.DataFrame) -> pd.DataFrame:
    front = [c for c in INVENTORY_FRONT if c in data.columns]
    tail = [c for c in ("batch_id", "estimated", "dq_score") if c in data.columns]
    middle = [c for c in data.columns if c not in front and c not in tail]
    return data[[*front, *middle, *tail]]


def _inventory_metadata(path: Path) -> Inventory:
    """Rejects, sources and counts of an inventory Parquet file (no rows loaded)."""
    import io

    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    if b"sem_carbon.sources" not in meta:
        raise InputFormatError(f"{path.name} is not an inventory written by "
                               "Inventory.to_parquet (no sem_carbon metadata)")
    rejected = pd.read_json(io.StringIO(meta[b"sem_carbon.rejected"].decode()), orient="split",
                            dtype=False) if b"sem_carbon.rejected" in meta else None
    if rejected is not None and "source_row" in rejected:
        rejected["source_row"] = pd.to_numeric(rejected["source_row"], errors="coerce")
    rows_read = pd.read_json(io.StringIO(meta[b"sem_carbon.rows_read"].decode()),
                             typ="series").to_dict() if b"sem_carbon.rows_read" in meta else {}
    sources = pd.read_json(io.StringIO(meta[b"sem_carbon.sources"].decode()), orient="split",
                           dtype={"source": str, "table": str})
    return Inventory(pd.DataFrame(), rejected, {str(k): int(v) for k, v in rows_read.items()},
                     sources)


#: Dimensions of the ``summary`` table (totals per computation kept at import).
_SUMMARY_DIMS = frozenset({"entity", "year", "category", "source"})


def _summarise(con: Any, cid: int) -> None:
    """Totals of one computation by entity, year, category and source (the ledger's
    balances: :meth:`Ledger.totals` reads them instead of every row)."""
    con.execute("INSERT INTO summary SELECT computation_id, batch_id, entity, year, category, "
                "source, sum(co2e_kg), count(*) FROM rows WHERE computation_id = ? "
                "GROUP BY ALL", [cid])


def _insert_parquet(con: Any, path: Path, cid: int, batch_id: int) -> None:
    """Rows of an inventory Parquet file inserted by DuckDB itself (columns added)."""
    quoted = str(path).replace("'", "''")
    con.execute(f"CREATE OR REPLACE TEMP VIEW _parquet AS SELECT * FROM read_parquet('{quoted}')")
    try:
        have = {r[0] for r in con.execute("DESCRIBE rows").fetchall()}
        from .store import _quote, _storage_type

        incoming = con.execute("DESCRIBE SELECT * FROM _parquet").fetchall()
        for name, kind, *_ in incoming:
            if name not in have:
                con.execute(f'ALTER TABLE rows ADD COLUMN "{_quote(name)}" '
                            f'{_storage_type(kind)}')
        names = ", ".join(f'"{_quote(n)}"' for n, *_ in incoming)
        con.execute(f"INSERT INTO rows BY NAME SELECT ? AS computation_id, ? AS batch_id, "
                    f"{names} FROM _parquet", [cid, batch_id])
    finally:
        con.execute("DROP VIEW IF EXISTS _parquet")


# names kept for readers of this module
_ = LedgerError
