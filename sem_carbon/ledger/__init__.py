"""The Office's carbon ledger: imports that accumulate, restated on demand, queried fast.

:class:`Ledger` (:mod:`.core`) keeps every import as a batch with its provenance in one
DuckDB file (:mod:`.store`), computes it with the ledger's method (:mod:`.computing`),
estimates spend-only rows (:mod:`.spend`, read by :mod:`.reading`), and backs up to
Parquet (:mod:`.backup`). Allotments per planning entity are in
:mod:`sem_carbon.allotments`. Needs the ``ledger`` extra: ``pip install
"sem-carbon[ledger]"`` (DuckDB, filelock, currencyconverter). Guide: ``docs/ledger.md``.
"""

from __future__ import annotations

from .computing import DEFAULT_METHOD
from .core import KINDS, Ledger
from .spend import MIN_PRICED_ROWS
from .store import SCHEMA_VERSION, LedgerBusyError, LedgerError

__all__ = ["DEFAULT_METHOD", "KINDS", "MIN_PRICED_ROWS", "SCHEMA_VERSION", "Ledger",
           "LedgerBusyError", "LedgerError"]
