"""Speed of ``air_method="icao"`` against the DESNZ path, timed in the same run.

Goal (issue 17): ``calculate`` with ``air_method="icao"`` on 1M legs within 3x the DESNZ
path (a ratio, never a wall-clock limit).
"""

from __future__ import annotations

import pytest

import sem_carbon as sc

from .conftest import best_time, flight_frame, record

pytestmark = pytest.mark.benchmark


def test_calculate_icao_1m_legs_vs_desnz(benchmark):
    frame = flight_frame(1_000_000)
    ours = benchmark.pedantic(lambda: sc.calculate(frame, air_method="icao"), rounds=2,
                              iterations=1)
    assert len(ours.data) == len(frame)
    assert (ours.data["factor_id"].astype(str) == "icao-v13.1").all()
    ratio = record("calculate 1M legs, air_method='icao'", benchmark.stats.stats.min,
                   best_time(lambda: sc.calculate(frame), rounds=2), "the DESNZ path",
                   "<= 3x", n=len(frame))
    benchmark.extra_info["ratio_vs_desnz"] = ratio
    assert ratio <= 3.0
