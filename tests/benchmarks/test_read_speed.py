"""Speed of ``read_travel_log`` on a large CSV, as a ratio to pandas reading the same file.

Goal (issue "Performance"): reading a travel log within 2x of ``pandas.read_csv`` of the same
file (1,000,000 air legs: origin, destination, cabin, date, entity, trip_id, passengers,
cost, currency, mode), with the cost linear in rows (a 100,000-row file is timed too).

The goal's ratio is measured with each reader in a fresh process of its own (a warm-up read,
then the best of three), the two alternating for three rounds, so both see the same machine
and neither inherits the other's heap. In one shared process the reference is not stable:
glibc moves its mmap threshold as large blocks are freed, and pandas' read of the 1M-row
file then takes anywhere from 87 to 150 ms depending on what ran before it (measured on the
development machine). The ratio within one process (pandas before each of our rounds) is
printed too, for comparison.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc

from .conftest import AIRPORTS, START_ENVIRONMENT, best_time, record

pytestmark = pytest.mark.benchmark

ROUNDS = 7


def write_air_log(path: Path, n: int, seed: int = 0) -> Path:
    """A CSV of ``n`` air legs between 20 airports, 2019-2023, in the columns of a travel
    agency export."""
    rng = np.random.default_rng(seed)
    origin = rng.integers(0, len(AIRPORTS), n)
    destination = (origin + rng.integers(1, len(AIRPORTS), n)) % len(AIRPORTS)
    days = np.datetime64("2019-01-01") + rng.integers(0, 5 * 365, n)
    pd.DataFrame({
        "origin": AIRPORTS[origin],
        "destination": AIRPORTS[destination],
        "cabin": rng.choice(["economy", "business", "premium economy", "first"], n),
        "date": days.astype(str),
        "entity": rng.choice(["HQ", "RO-AF", "RO-AP", "CO-KE"], n),
        "trip_id": np.char.add("T", np.arange(n).astype(str)),
        "passengers": rng.integers(1, 3, n),
        "cost": np.round(rng.uniform(100, 5000, n), 2),
        "currency": rng.choice(["USD", "CHF", "EUR"], n),
        "mode": "air",
    }).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("read_speed")
    return {n: write_air_log(folder / f"air_{n}.csv", n) for n in (100_000, 1_000_000)}


# run in a fresh interpreter: argv = reader ("pandas" or "sem_carbon"), path, timed reads
_TIMED_READ = """
import sys, time
reader, path, reads = sys.argv[1], sys.argv[2], int(sys.argv[3])
if reader == "pandas":
    import pandas as pd
    read = pd.read_csv
else:
    import sem_carbon as sc
    read = sc.read_travel_log
read(path)  # warm-up: imports, caches
best = float("inf")
for _ in range(reads):
    start = time.perf_counter()
    out = read(path)
    best = min(best, time.perf_counter() - start)
    del out
print(best)
"""


def best_in_own_process(reader: str, path: Path, reads: int = 3) -> float:
    """Best wall time [s] of ``reads`` reads of ``path`` by ``reader`` in a new process."""
    done = subprocess.run([sys.executable, "-c", _TIMED_READ, reader, str(path), str(reads)],
                          capture_output=True, text=True, check=True, env=START_ENVIRONMENT)
    return float(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("n", [100_000, 1_000_000])
def test_read_travel_log_vs_pandas_read_csv(benchmark, logs, n):
    path = logs[n]
    table = sc.read_travel_log(path)  # warm-up (imports, factor look-ups) and check
    assert table.reconciliation() == {"rows_read": n, "rows_computable": n,
                                      "rows_rejected": 0}
    pandas_times = [best_time(lambda: pd.read_csv(path), rounds=1)]

    def pandas_read() -> None:  # untimed set-up of each round: the reference, interleaved
        pandas_times.append(best_time(lambda: pd.read_csv(path), rounds=1))

    benchmark.pedantic(lambda: sc.read_travel_log(path), setup=pandas_read, rounds=ROUNDS,
                       iterations=1)
    ours = benchmark.stats.stats.min
    shared = ours / min(pandas_times)
    # the goal's ratio: each reader in its own process, alternating
    own: dict[str, list[float]] = {"pandas": [], "sem_carbon": []}
    for _ in range(3):
        for reader in own:
            own[reader].append(best_in_own_process(reader, path))
    ratio = record(f"read_travel_log {n:>9,} rows", min(own["sem_carbon"]),
                   min(own["pandas"]), "pandas.read_csv, same file", "<= 2x", n=n)
    record("  (same, in one process)", ours, min(pandas_times),
           "pandas.read_csv, shared heap", "(for comparison)")
    benchmark.extra_info["ratio_vs_pandas_read_csv"] = ratio
    benchmark.extra_info["ratio_in_one_process"] = shared
    benchmark.extra_info["seconds_per_million_rows"] = min(own["sem_carbon"]) / n * 1e6


def test_read_cost_is_linear_in_rows(benchmark, logs):
    small, large = logs[100_000], logs[1_000_000]
    sc.read_travel_log(small)
    ten_small = 10 * best_time(lambda: sc.read_travel_log(small), rounds=ROUNDS)
    benchmark.pedantic(lambda: sc.read_travel_log(large), rounds=ROUNDS, iterations=1)
    ratio = record("read_travel_log 1M / 10 x 100k", benchmark.stats.stats.min, ten_small,
                   "10 x the 100,000-row read", "~1x (linear)")
    benchmark.extra_info["ratio_1m_vs_10x_100k"] = ratio
