"""Throughput of the Dask path on a Parquet dataset, against the in-memory path.

10M air legs (years 2019-2024, so six DESNZ editions) are written as a Parquet dataset in
a temporary folder, then computed on a local two-worker cluster
(``calculate_dask(path).total()``: read, split-row check, calculation, reduction); the
in-memory ``calculate`` on 1M of the same legs is timed in the same run. Each side is
timed twice and its best run counts, as in the other ratios. Reported: legs/s of both, the
ratio of time per leg, and the peak memory (RSS) of each worker process.

Goal (issue 19): time per leg under 0.6x the in-memory path, asserted. The airports are
the 240 busiest of the bundled reference table (:mod:`tests.benchmarks.realistic`).

Writing and computing 10M legs takes several minutes on a 2-core machine, so ``make bench``
skips it unless ``SEM_CARBON_DASK_BENCH_LEGS`` is set (the number of legs, e.g.
``10000000``): ``SEM_CARBON_DASK_BENCH_LEGS=10000000 make bench``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from dask.distributed import Client, LocalCluster

import sem_carbon as sc
from sem_carbon.scale import calculate_dask

from .conftest import record
from .realistic import busiest_airports

pytestmark = pytest.mark.benchmark

AIRPORTS = busiest_airports()

if not os.environ.get("SEM_CARBON_DASK_BENCH_LEGS"):
    pytest.skip("set SEM_CARBON_DASK_BENCH_LEGS (e.g. 10000000) to run the Dask benchmark",
                allow_module_level=True)
LEGS = int(os.environ["SEM_CARBON_DASK_BENCH_LEGS"])
IN_MEMORY_LEGS = min(LEGS, 1_000_000)
FILE_ROWS = 500_000
#: Runs timed on each side (the in-memory reference and the Dask total); the best counts.
ROUNDS = 2
CABINS = np.array(["economy", "business", "premium_economy", "first"])
ENTITIES = np.array(["HQ", "RO-AF", "RO-AP", "RO-LAC", "CO-KE", "CO-TH"])


def write_air_legs(folder: Path, n: int, seed: int = 0) -> Path:
    """``n`` canonical air legs as a Parquet dataset of files of ``FILE_ROWS`` rows."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for number, start in enumerate(range(0, n, FILE_ROWS)):
        size = min(FILE_ROWS, n - start)
        origin = rng.integers(0, len(AIRPORTS), size)
        dest = (origin + rng.integers(1, len(AIRPORTS), size)) % len(AIRPORTS)  # never equal
        year = rng.integers(2019, 2025, size)
        days = rng.integers(0, 365, size).astype("timedelta64[D]")
        date = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + days
        rows = np.arange(start, start + size, dtype=np.int64)
        table = pa.table({
            "source_row": rows + 2,
            "trip_id": pc.binary_join_element_wise(
                "T", pc.cast(pa.array(rows), pa.string()), ""),
            "leg": np.zeros(size, np.int64),
            "entity": ENTITIES[rng.integers(0, len(ENTITIES), size)],
            "date": date.astype("datetime64[us]"),
            "year": year.astype(np.int64),
            "mode": np.full(size, "air"),
            "origin": AIRPORTS[origin],
            "destination": AIRPORTS[dest],
            "cabin": CABINS[rng.integers(0, len(CABINS), size)],
            "round_trip": rng.random(size) < 0.5,
            "passengers": np.ones(size),
            "distance_km": np.full(size, np.nan),
        })
        pq.write_table(table, folder / f"part-{number:04d}.parquet")
    return folder


def warm_worker(sample) -> int:
    """On a worker: load what a partition task needs (the editions of every year in
    ``sample``, the airport tables) before the timed run."""
    from sem_carbon.factors.catalogue import edition_for_year
    from sem_carbon.scale import _ensure_editions

    _ensure_editions({edition_for_year(int(y))[0] for y in sample["year"].unique().tolist()})
    return len(sc.calculate(sample).data)


def peak_rss_mb() -> float:
    """Peak resident memory of this process [MB] (Linux: ru_maxrss is in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def cpu_seconds() -> float:
    """CPU time (user + system) used by this process so far [s]."""
    import psutil

    times = psutil.Process().cpu_times()
    return times.user + times.system


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_air_legs(tmp_path_factory.mktemp("dask-bench") / "legs", LEGS)


def test_dask_legs_per_second_vs_in_memory(benchmark, dataset):
    # the in-memory reference: 1M of the same legs, read and computed in this process
    files = sorted(dataset.glob("*.parquet"))[:-(-IN_MEMORY_LEGS // FILE_ROWS)]
    frame = pa.concat_tables([pq.read_table(f) for f in files]).to_pandas()
    frame = frame.iloc[:IN_MEMORY_LEGS]
    sc.calculate(frame.iloc[:1000])  # editions loaded before timing, as on warm workers
    sample = frame.iloc[:20_000].copy()
    # best of ROUNDS on both sides, as the other ratios are: one call's time on this
    # machine depends on whether the kernel hands it memory touched before (0.19-0.24 s)
    # or never touched (0.5-0.8 s), not on the code (docs/performance.md)
    in_memory_s = in_memory_cpu = float("inf")
    for _ in range(ROUNDS):
        start, cpu_start = time.perf_counter(), cpu_seconds()
        reference = sc.calculate(frame)
        in_memory_s = min(in_memory_s, time.perf_counter() - start)
        in_memory_cpu = min(in_memory_cpu, cpu_seconds() - cpu_start)
        reference_total = reference.total().m
        del reference
    del frame

    environment = dict(os.environ)  # LocalCluster sets OMP_NUM_THREADS=1 etc. and keeps it
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None,
                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    try:
        with Client(cluster) as client:
            client.wait_for_workers(2, timeout=60)
            # warm every worker (imports, the six editions, airport tables), as a resident
            # cluster is and as the in-memory reference is (a slice computed only warmed the
            # worker that ran it: the other loaded six editions inside the timed run)
            client.run(warm_worker, sample)
            calculate_dask(str(dataset), check_split_rows=False).data.head(10, npartitions=1)
            baseline = client.run(current_rss_mb)
            cpu_before = client.run(cpu_seconds)
            total = benchmark.pedantic(lambda: calculate_dask(str(dataset)).total(),
                                       rounds=ROUNDS, iterations=1)
            dask_s = benchmark.stats.stats.min
            peaks = client.run(peak_rss_mb)
            cpu_used = (sum(client.run(cpu_seconds).values())
                        - sum(cpu_before.values())) / ROUNDS  # per run, on average
    finally:
        cluster.close(timeout=30)
        os.environ.clear()
        os.environ.update(environment)

    if LEGS == IN_MEMORY_LEGS:  # a small run: the same legs, the same total
        assert total.m == pytest.approx(reference_total, rel=1e-9)
    assert total.m >= reference_total * (1 - 1e-9) > 0
    legs_per_s = LEGS / dask_s
    in_memory_legs_per_s = IN_MEMORY_LEGS / in_memory_s
    ratio = record(f"calculate_dask {LEGS / 1e6:g}M legs (2 workers)",
                   dask_s * IN_MEMORY_LEGS / LEGS, in_memory_s,
                   f"in-memory calculate {IN_MEMORY_LEGS / 1e6:g}M", "< 0.6x per leg",
                   n=IN_MEMORY_LEGS, limit=0.6)
    benchmark.extra_info.update({
        "legs": LEGS,
        "dask_legs_per_s": round(legs_per_s),
        "in_memory_legs_per_s": round(in_memory_legs_per_s),
        "time_per_leg_ratio": round(ratio, 3),
        # per CPU-second: what the machine's other load does not change much
        "dask_legs_per_worker_cpu_s": round(LEGS / cpu_used),
        "in_memory_legs_per_cpu_s": round(IN_MEMORY_LEGS / in_memory_cpu),
        "worker_rss_before_mb": {w: round(v) for w, v in baseline.items()},
        "worker_peak_rss_mb": {w: round(v) for w, v in peaks.items()},
    })
    print(f"\ndask: {legs_per_s:,.0f} legs/s on {LEGS:,} legs ({dask_s:.1f} s); in memory: "
          f"{in_memory_legs_per_s:,.0f} legs/s on {IN_MEMORY_LEGS:,} ({in_memory_s:.1f} s); "
          f"time per leg ratio {ratio:.2f}; per CPU-second: dask {LEGS / cpu_used:,.0f}, "
          f"in memory {IN_MEMORY_LEGS / in_memory_cpu:,.0f} legs; worker peak RSS "
          + ", ".join(f"{v:,.0f} MB" for v in peaks.values()))
    assert ratio < 0.6
