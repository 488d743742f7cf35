"""Benchmark helpers: time a reference in the same run and report ratios, not wall times.

Machines are noisy, so every benchmark here times sem-carbon *and* a reference doing the
same work (a hand-written numpy kernel, pandas' own CSV reader, a naive per-row pint
loop) back to back, and reports the ratio. ``make bench`` prints the table at the end.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

RATIOS: list[dict[str, object]] = []

#: The environment as the benchmark session started, for the processes benchmarks start:
#: dask's LocalCluster leaves OMP_NUM_THREADS=1 (pyarrow then uses one thread) and
#: MALLOC_TRIM_THRESHOLD_ in ``os.environ``, which later child processes would inherit.
START_ENVIRONMENT = dict(os.environ)

AIRPORTS = np.array(["GVA", "JFK", "NBO", "BKK", "LHR", "CDG", "ADD", "DXB", "PTY", "BOG",
                     "FCO", "VIE", "DEL", "NRT", "GRU", "BRU", "EBB", "BEY", "MAN", "AMS"])


def best_time(func: Callable[[], object], rounds: int = 3) -> float:
    """Best wall time of ``rounds`` calls [s] (the least disturbed run)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def alternating(ours: Callable[[], object], reference: Callable[[], object],
                rounds: int = 4) -> tuple[float, float]:
    """Best wall times [s] of ``ours`` and ``reference`` run in turn ``rounds`` times.

    On a shared machine, load comes and goes: taking turns gives both the same chance of a
    quiet moment, so the ratio of the two bests is steadier than two separate series.
    """
    best_ours = best_reference = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        ours()
        best_ours = min(best_ours, time.perf_counter() - start)
        start = time.perf_counter()
        reference()
        best_reference = min(best_reference, time.perf_counter() - start)
    return best_ours, best_reference


def record(name: str, ours: float, reference: float, reference_name: str, goal: str,
           n: int | None = None, limit: float | None = None, note: str = "") -> float:
    """Store one ratio line for the summary; returns ours / reference.

    ``limit``: the goal as a ratio (ours / reference must not exceed it); the line says
    whether it was met, and the caller asserts it.
    """
    ratio = ours / reference
    RATIOS.append({"benchmark": name, "reference": reference_name, "ratio": ratio, "goal": goal,
                   "rate": (f"{n / ours:,.0f} /s" if n else ""), "limit": limit,
                   "met": None if limit is None else bool(ratio <= limit), "note": note})
    return ratio


def kernel_distances_and_bands(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The numpy references' by-hand great circle [km] and DESNZ distance band of each leg:
    codes -> coordinates -> haversine -> band (no checks, notes or provenance)."""
    from sem_carbon.geo.airports import resolve_iata

    codes, uniques = pd.factorize(pd.concat([frame["origin"], frame["destination"]]))
    lat, lon, _, _ = resolve_iata(np.asarray(uniques, dtype=object))
    n = len(frame)
    la, lo = np.radians(lat[codes]), np.radians(lon[codes])
    dphi, dlmb = la[n:] - la[:n], lo[n:] - lo[:n]
    a = np.sin(dphi / 2) ** 2 + np.cos(la[:n]) * np.cos(la[n:]) * np.sin(dlmb / 2) ** 2
    km = 2 * 6371.0088 * np.arcsin(np.sqrt(a))
    return km, np.searchsorted([500.0, 3700.0], km, side="right")


def flight_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` canonical air legs between 20 airports, years 2019-2024."""
    rng = np.random.default_rng(seed)
    origin = rng.choice(AIRPORTS, n)
    shift = rng.integers(1, len(AIRPORTS), n)
    dest = AIRPORTS[(np.searchsorted(np.sort(AIRPORTS), origin) + shift) % len(AIRPORTS)]
    dest = np.where(dest == origin, "JFK", dest)
    origin = np.where(dest == origin, "GVA", origin)
    return pd.DataFrame({
        "source_row": np.arange(n) + 2,
        "trip_id": np.char.add("T", np.arange(n).astype(str)),
        "entity": rng.choice(["HQ", "RO-AF", "RO-AP", "CO-KE"], n),
        "mode": "air",
        "origin": origin,
        "destination": dest,
        "cabin": rng.choice(["economy", "business", "premium economy", "first"], n),
        "passengers": 1.0,
        "round_trip": rng.random(n) < 0.5,
        "year": 2019,
    })


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not RATIOS:
        return
    target = os.environ.get("SEM_CARBON_BENCH_RATIOS")  # for scripts/performance_doc.py
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps(
            {"date": time.strftime("%Y-%m-%d"), "ratios": RATIOS}, indent=1), encoding="utf-8")
    terminalreporter.section("sem-carbon ratios (ours / reference, lower is better)")
    width = max(len(str(r["benchmark"])) for r in RATIOS)
    for r in RATIOS:
        terminalreporter.write_line(
            f"{r['benchmark']:<{width}}  {r['ratio']:8.2f}x  vs {r['reference']:<28} "
            f"goal {r['goal']:<14} {r['rate']:<14} "
            + ("" if r.get("met") is None else "met" if r["met"] else "MISSED"))
