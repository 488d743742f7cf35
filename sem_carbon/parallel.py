"""Whether batch code may start threads of its own.

In a plain process, ``calculate`` works on the two ends of a long table's air legs in two
threads (factorising and resolving airport codes releases the GIL). Inside a Dask task it
does not: Dask already runs one task per core, and starts its workers with
``OMP_NUM_THREADS=1`` for the same reason, so an extra thread only competes with the other
tasks for the same cores (measured on a 1M-leg partition: 7 % more CPU, no gain in time).
:func:`sem_carbon.scale.calculate_dask` computes each partition in
:func:`single_threaded`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["single_threaded", "threads_allowed"]

_allowed: ContextVar[bool] = ContextVar("sem_carbon_threads_allowed", default=True)


def threads_allowed() -> bool:
    """Whether batch code may work on columns in threads of its own here."""
    return _allowed.get()


@contextmanager
def single_threaded() -> Iterator[None]:
    """Batch code in this block (and this thread or task) starts no threads of its own."""
    token = _allowed.set(False)
    try:
        yield
    finally:
        _allowed.reset(token)
