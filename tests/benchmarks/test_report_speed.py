"""Target status and the full report on a 1M-leg inventory: seconds, not minutes.

The reference is `calculate` on the same legs, timed in the same run: the report should
cost about as much as computing the inventory, not orders of magnitude more.
"""

from __future__ import annotations

import numpy as np
import pytest

import sem_carbon as sc

from .conftest import best_time, flight_frame, record

pytestmark = pytest.mark.benchmark


@pytest.fixture(scope="module")
def million_leg_inventory():
    frame = flight_frame(1_000_000)
    rng = np.random.default_rng(3)
    frame["year"] = rng.choice([2019, 2020, 2021], len(frame))
    frame["cost"] = rng.gamma(2.0, 600.0, len(frame)).round(2)
    frame["currency"] = "USD"
    return frame, sc.calculate(frame)


def test_target_status_on_1m_legs(benchmark, million_leg_inventory):
    frame, inv = million_leg_inventory
    target = sc.Target(baseline_year=2019, target_year=2021, reduction=0.5)
    status = benchmark.pedantic(lambda: sc.target_status(inv, target, budget="cost"),
                                rounds=3, iterations=1)
    assert {"baseline", "actual", "met", "budget_met", "divergent"} <= set(status.columns)
    record("target_status 1M legs", benchmark.stats.stats.min,
           best_time(lambda: sc.calculate(frame), rounds=1), "calculate on the same legs",
           "seconds", n=len(frame))


def test_full_report_on_1m_legs(benchmark, million_leg_inventory, tmp_path):
    frame, inv = million_leg_inventory
    target = sc.Target(baseline_year=2019, target_year=2021, reduction=0.5)

    def report() -> None:
        rep = sc.Report(inv, targets=[target], budget="cost")
        rep.to_html(tmp_path / "report.html")
        rep.to_json(tmp_path / "report.json")
        rep.to_markdown()

    benchmark.pedantic(report, rounds=1, iterations=1)
    assert (tmp_path / "report.html").stat().st_size > 10_000
    record("HTML+JSON+Markdown report 1M legs", benchmark.stats.stats.min,
           best_time(lambda: sc.calculate(frame), rounds=1), "calculate on the same legs",
           "seconds", n=len(frame))
