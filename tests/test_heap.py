"""The C heap while a Dask partition is computed (``sem_carbon.heap``).

glibc reads ``MALLOC_TRIM_THRESHOLD_`` when a process starts, so each case runs in a fresh
interpreter with the environment a Dask nanny gives its worker.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the thresholds are glibc's")

ROOT = Path(__file__).resolve().parents[1]

# 60 arrays of 8 MB allocated, written and freed in turn: each a fresh mmap (up to 1,953
# page faults, fewer where the kernel gives huge pages) when the heap returns it, the same
# heap memory when it is kept
PROBE = """
import json, resource, time
import numpy as np
from sem_carbon import heap

def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

def churn():
    before = faults()
    for _ in range(60):
        block = np.empty(1_000_000)
        block.fill(1.0)
        del block
    return faults() - before

def rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20

churn()
outside = churn()
with heap.reuse_freed_memory():
    inside = churn()
    held = [np.ones(2_000_000) for _ in range(20)]  # 320 MB, then freed inside the block
    del held
    rss_held = rss_mb()
rss_after_block = rss_mb()
with heap.reuse_freed_memory():  # the next partition: the memory freed above is reused
    before = faults()
    again = [np.ones(2_000_000) for _ in range(20)]
    next_block = faults() - before
    del again
time.sleep(heap.IDLE_TRIM_SECONDS + 1.0)
print(json.dumps({"managed": heap.heap_is_managed(), "outside": outside, "inside": inside,
                  "after": churn(), "rss_held": rss_held,
                  "rss_after_block": rss_after_block, "next_block": next_block,
                  "rss_idle": rss_mb()}))
"""


def probe(**environment: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_",
                        "SEM_CARBON_DASK_HEAP")}
    env.update(environment, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    return json.loads(done.stdout)


def test_freed_arrays_are_reused_inside_and_returned_when_idle():
    got = probe(MALLOC_TRIM_THRESHOLD_="65536")  # as a Dask nanny starts its workers
    assert got["managed"]
    # outside the block every 8 MB array is faulted in afresh
    assert got["outside"] > 60 * 200
    assert got["inside"] < got["outside"] / 10
    # the worker's own setting is back once idle: every array is faulted in afresh again
    # (how many faults an array takes varies between runs by 2x with the kernel's fault
    # handling, so the count is compared with the block's, not with the first churn's)
    assert got["after"] > max(60 * 200, 10 * got["inside"])
    # kept while the block runs and just after it (the next partition reuses it), handed
    # back once nothing has run for IDLE_TRIM_SECONDS
    assert got["rss_held"] > got["rss_idle"] + 200
    assert got["rss_after_block"] > got["rss_idle"] + 200
    assert got["next_block"] < 2_000  # 320 MB again without faulting it in (~80,000 pages)


def test_a_threshold_set_after_the_start_is_not_the_heap_s():
    # LocalCluster sets MALLOC_TRIM_THRESHOLD_ in the process that starts it: glibc read
    # its environment at start, so that process's heap is adaptive and is left alone
    code = ("import os; os.environ['MALLOC_TRIM_THRESHOLD_'] = '65536'; "
            "from sem_carbon import heap; print(heap.heap_is_managed())")
    env = {k: v for k, v in os.environ.items()
           if k not in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(ROOT)}, timeout=120, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("environment", [{}, {"MALLOC_TRIM_THRESHOLD_": "65536",
                                              "SEM_CARBON_DASK_HEAP": "0"}])
def test_left_alone_without_a_fixed_threshold_or_when_switched_off(environment):
    got = probe(**environment)
    assert not got["managed"]
    # switched off, the arrays are faulted in each time inside the block too; without a
    # threshold set, glibc adapts by itself and reuses them either way
    if environment:
        assert got["inside"] > max(60 * 200, got["outside"] / 2)
    else:
        assert got["outside"] < 60 * 200 and got["inside"] < 60 * 200
