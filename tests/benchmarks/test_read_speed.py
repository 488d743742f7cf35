"""Speed of ``read_travel_log`` on a large CSV, as a ratio to pandas reading the same file.

Goal (issue "Performance"): reading a travel log within 2x of ``pandas.read_csv`` of the same
file (1,000,000 air legs: origin, destination, cabin, date, entity, trip_id, passengers,
cost, currency, mode), with the cost linear in rows (a 100,000-row file is timed too). Both
are timed in this process, interleaved (pandas reads the file before each of our rounds), and
the best run of each is compared, so that both see the same machine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc

from .conftest import AIRPORTS, best_time, record

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
    ratio = record(f"read_travel_log {n:>9,} rows", ours, min(pandas_times),
                   "pandas.read_csv, same file", "<= 2x", n=n)
    benchmark.extra_info["ratio_vs_pandas_read_csv"] = ratio
    benchmark.extra_info["seconds_per_million_rows"] = ours / n * 1e6


def test_read_cost_is_linear_in_rows(benchmark, logs):
    small, large = logs[100_000], logs[1_000_000]
    sc.read_travel_log(small)
    ten_small = 10 * best_time(lambda: sc.read_travel_log(small), rounds=ROUNDS)
    benchmark.pedantic(lambda: sc.read_travel_log(large), rounds=ROUNDS, iterations=1)
    ratio = record("read_travel_log 1M / 10 x 100k", benchmark.stats.stats.min, ten_small,
                   "10 x the 100,000-row read", "~1x (linear)")
    benchmark.extra_info["ratio_1m_vs_10x_100k"] = ratio
