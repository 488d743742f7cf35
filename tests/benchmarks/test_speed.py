"""Speed of the scalar and batch paths, as ratios to references timed in the same run.

Goals (issue "Performance"): scalar flights >= 10,000/s; batch calculation within 2x a
hand-written numpy kernel (>= 1M legs/s); cost linear in rows; peak memory of calculate
under 300 bytes per leg beyond the input.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.geo.airports import resolve_iata
from sem_carbon.travel.air import air_tables

from .conftest import best_time, flight_frame, kernel_distances_and_bands, record

pytestmark = pytest.mark.benchmark


def numpy_kernel(frame: pd.DataFrame, per_km: np.ndarray) -> np.ndarray:
    """The same computation written by hand: codes -> coordinates -> distance -> band ->
    factor -> kgCO2e (no checks, no provenance, no table building)."""
    km, band = kernel_distances_and_bands(frame)
    cabin = pd.Series(frame["cabin"]).map(
        {"economy": 1, "premium economy": 2, "business": 3, "first": 4}).to_numpy()
    trips = np.where(frame["round_trip"].to_numpy(), 2.0, 1.0)
    return per_km[band, cabin] * km * trips


def test_calculate_1m_legs_vs_numpy_kernel(benchmark):
    frame = flight_frame(1_000_000)
    tables = air_tables(sc.load_factors("desnz-2019"))
    per_km = tables.per_km(True)
    ours = benchmark.pedantic(lambda: sc.calculate(frame), rounds=3, iterations=1)
    reference = numpy_kernel(frame, per_km)
    assert ours.data.sort_values("source_row")["co2e_kg"].to_numpy() == pytest.approx(
        reference, rel=1e-9)
    ratio = record("calculate 1M legs", benchmark.stats.stats.min,
                   best_time(lambda: numpy_kernel(frame, per_km)), "hand-written numpy kernel",
                   "<= 2x", n=len(frame))
    benchmark.extra_info["ratio_vs_numpy"] = ratio


def test_scalar_flight_calls(benchmark):
    frame = flight_frame(2_000, seed=1)
    pairs = list(zip(frame["origin"], frame["destination"], frame["cabin"], strict=True))
    sc.flight("GVA", "JFK")

    def ours() -> None:
        for o, d, c in pairs:
            sc.flight(o, d, cabin=c)

    def naive_pint_loop() -> None:
        """What a per-row script with pint would do: parse units and look up each time."""
        fs = sc.load_factors()
        for o, d, c in pairs:
            lat, lon, _, _ = resolve_iata(np.array([o, d], dtype=object))
            km = sc.Q_(float(np.degrees(np.arccos(np.clip(
                np.sin(np.radians(lat[0])) * np.sin(np.radians(lat[1]))
                + np.cos(np.radians(lat[0])) * np.cos(np.radians(lat[1]))
                * np.cos(np.radians(lon[1] - lon[0])), -1, 1))) * 111.195), "km")
            haul = "long_haul" if km.m >= 3700 else "short_haul" if km.m >= 500 else "domestic"
            cabin = c if haul == "long_haul" else "average" if haul == "domestic" else \
                {"premium economy": "economy", "first": "business"}.get(c, c)
            factor = fs.get("air", haul=haul, cabin=cabin, radiative_forcing=True)
            (factor.value * km * sc.Q_(1, "passenger")).to("kgCO2e")

    benchmark.pedantic(ours, rounds=3, iterations=1)
    per_call = benchmark.stats.stats.min / len(pairs)
    record("scalar sc.flight", benchmark.stats.stats.min,
           best_time(naive_pint_loop, rounds=1), "naive per-row pint loop", ">= 10,000/s",
           n=len(pairs))
    benchmark.extra_info["flights_per_second"] = 1 / per_call


@pytest.mark.parametrize("n", [10_000, 100_000, 1_000_000])
def test_calculate_cost_is_linear_in_rows(benchmark, n):
    frame = flight_frame(n)
    benchmark.pedantic(lambda: sc.calculate(frame), rounds=3, iterations=1)
    per_row = benchmark.stats.stats.min / n
    benchmark.extra_info["seconds_per_million_rows"] = per_row * 1e6
    record(f"calculate {n:>9,} legs", benchmark.stats.stats.min, n * 1e-6,
           "1 µs per leg (1M legs/s)", "flat per row", n=n)


def test_calculate_peak_memory_per_leg(benchmark):
    frame = flight_frame(1_000_000)
    sc.calculate(frame.head(1000))

    def measure() -> float:
        tracemalloc.start()
        inv = sc.calculate(frame)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert len(inv.data) == len(frame)
        return peak / len(frame)

    per_leg = benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info["peak_bytes_per_leg"] = per_leg
    record("calculate peak memory", per_leg, 300.0, "300 bytes per leg", "<= 1x")
