"""The C heap while a Dask partition is computed: freed arrays reused, not faulted in again.

A Dask worker started by a nanny runs with ``MALLOC_TRIM_THRESHOLD_=65536`` (Dask's
``distributed.nanny.pre-spawn-environ``, so that freed memory goes back to the system at
once). Setting it switches off glibc's adaptive ``mmap`` threshold: every allocation of
more than 128 KiB -- every column of a partition -- is a fresh ``mmap``, returned to the
kernel when freed and faulted in again, page by page, at the next allocation. A
partition computed that way spends about as much CPU in the kernel as in the calculation
(measured: system time 40 % of a worker's CPU; see ``docs/performance.md``).

:func:`reuse_freed_memory` lets the heap keep what a partition frees while the partition
is computed (large ``mmap`` and trim thresholds); once the worker has computed nothing for
a second it puts back the thresholds the environment set and returns the free memory to
the system (``malloc_trim``), as the worker's setting wants. Partitions computed one after
another reuse the same memory: putting the thresholds back after each would hand the
heap back and fault it in again (measured at a quarter of the worker's CPU).

It changes nothing outside glibc, when the process's environment set no threshold when
it started (glibc then adapts its thresholds itself, and a threshold set here could not
be undone; ``LocalCluster`` sets ``MALLOC_TRIM_THRESHOLD_`` in the environment of the
process that starts it, which glibc has read already), or when ``SEM_CARBON_DASK_HEAP=0``.
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["heap_is_managed", "reuse_freed_memory"]

_M_TRIM_THRESHOLD = -1  # mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
_GLIBC_MMAP_THRESHOLD = 128 * 1024  # glibc's fixed mmap threshold when not adaptive
#: While a partition runs: blocks up to this size come from the heap (glibc's largest
#: allowed mmap threshold on 64-bit systems: half of HEAP_MAX_SIZE) ...
HOLD_MMAP_THRESHOLD = 32 * 1024 * 1024
#: ... and free memory at the top of the heap is kept up to this size.
HOLD_TRIM_THRESHOLD = 1024 * 1024 * 1024

#: The environment variables that fix glibc's thresholds (and switch off its adaptive
#: mmap threshold), with glibc's values when only the other one is set.
_SETTINGS = {"MALLOC_TRIM_THRESHOLD_": 128 * 1024,
             "MALLOC_MMAP_THRESHOLD_": _GLIBC_MMAP_THRESHOLD}

#: Seconds without a block after which the thresholds are put back and the free memory
#: is returned to the system.
IDLE_TRIM_SECONDS = 1.0

_lock = threading.Lock()
_active = 0  # blocks running in this process (worker threads)
_held = False  # the thresholds are raised
_last_end = 0.0  # time.monotonic() when the last block ended
_timer: threading.Timer | None = None  # the pending idle check


@functools.cache
def _glibc() -> Any | None:
    """glibc's functions, or None (another C library)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL(None)
    except OSError:  # pragma: no cover - no C library to load
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


@functools.cache
def _start_settings() -> dict[str, str]:
    """The thresholds this process's environment set when it started (what glibc read;
    a variable set later, as ``LocalCluster`` sets it in the process that starts it,
    changes nothing in this process's heap)."""
    try:
        with open("/proc/self/environ", "rb") as handle:
            entries = handle.read().split(b"\0")
    except OSError:  # pragma: no cover - no /proc: take the environment as it is
        return {name: os.environ[name] for name in _SETTINGS if name in os.environ}
    found = {}
    for entry in entries:
        name, _, value = entry.partition(b"=")
        if name.decode(errors="replace") in _SETTINGS:
            found[name.decode()] = value.decode(errors="replace")
    return found


def _libc() -> Any | None:
    """glibc's functions when its thresholds are to be managed here, else None."""
    if os.environ.get("SEM_CARBON_DASK_HEAP", "1") == "0":
        return None
    if not _start_settings():  # glibc adapts its thresholds itself: leave them
        return None
    return _glibc()


def _environment_bytes(name: str) -> int:
    """The threshold the environment set at start (glibc's value when it set none)."""
    try:
        return int(_start_settings().get(name, _SETTINGS[name]))
    except ValueError:  # glibc ignores a value it cannot read too
        return _SETTINGS[name]


def heap_is_managed() -> bool:
    """Whether :func:`reuse_freed_memory` changes the heap's thresholds in this process."""
    return _libc() is not None


@contextmanager
def reuse_freed_memory() -> Iterator[None]:
    """Keep freed memory in the heap for reuse while the block runs (see the module).

    Nested, concurrent (threads of one worker) and consecutive blocks share one hold: the
    thresholds are raised when the first starts, and put back, with the free memory
    returned to the system, once no block has run for :data:`IDLE_TRIM_SECONDS` (so that
    partitions computed one after another reuse the same memory, and an idle worker
    holds none).
    """
    global _active, _held, _last_end, _timer
    libc = _libc()
    if libc is None:
        yield
        return
    with _lock:
        if not _held:
            libc.mallopt(_M_MMAP_THRESHOLD, HOLD_MMAP_THRESHOLD)
            libc.mallopt(_M_TRIM_THRESHOLD, HOLD_TRIM_THRESHOLD)
            _held = True
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            _last_end = time.monotonic()
            if _timer is None:
                _timer = _idle_check(libc, IDLE_TRIM_SECONDS)


def _idle_check(libc: Any, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, _release_if_idle, args=(libc,))
    timer.daemon = True
    timer.start()
    return timer


def _release_if_idle(libc: Any) -> None:
    """Put the thresholds back and return the free memory, or look again later."""
    global _held, _timer
    with _lock:
        _timer = None
        if not _held:
            return
        waited = time.monotonic() - _last_end
        if _active or waited < IDLE_TRIM_SECONDS:
            _timer = _idle_check(libc, max(IDLE_TRIM_SECONDS - waited, 0.05))
            return
        libc.mallopt(_M_MMAP_THRESHOLD, _environment_bytes("MALLOC_MMAP_THRESHOLD_"))
        libc.mallopt(_M_TRIM_THRESHOLD, _environment_bytes("MALLOC_TRIM_THRESHOLD_"))
        libc.malloc_trim(0)
        _held = False
