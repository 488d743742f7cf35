"""Threads of the engine's own: in a plain process yes, inside a Dask task no."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
import sem_carbon.travel.batch as batch
from sem_carbon.parallel import single_threaded, threads_allowed


@pytest.fixture
def calls(monkeypatch) -> list[bool]:
    """Whether each long air table had its two ends worked on in threads."""
    seen: list[bool] = []
    real = batch._both_ends

    def spy(work, ends, in_threads):
        seen.append(in_threads)
        return real(work, ends, in_threads)

    monkeypatch.setattr(batch, "_both_ends", spy)
    return seen


def legs(n: int = 120_000) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    airports = np.array(["GVA", "JFK", "NBO", "BKK", "LHR", "CDG"])
    origin = rng.integers(0, len(airports), n)
    return pd.DataFrame({"mode": "air", "year": 2023, "origin": airports[origin],
                         "destination": airports[(origin + 1) % len(airports)],
                         "cabin": "economy"})


def test_two_threads_in_a_plain_process_none_when_single_threaded(calls):
    frame = legs()
    assert threads_allowed()
    threaded = sc.calculate(frame)
    with single_threaded():
        assert not threads_allowed()
        alone = sc.calculate(frame)
    assert threads_allowed()  # put back after the block
    assert calls == [True, False]
    pd.testing.assert_frame_equal(threaded.data, alone.data)


def test_a_dask_partition_is_computed_single_threaded(calls):
    pytest.importorskip("dask")
    import dask
    import dask.dataframe as dd

    from sem_carbon.scale import calculate_dask

    frame = legs()
    with dask.config.set(scheduler="threads"):
        total = calculate_dask(dd.from_pandas(frame, npartitions=1)).total()
    assert calls == [False]
    assert total.m == pytest.approx(sc.calculate(frame).total().m, rel=1e-12)
