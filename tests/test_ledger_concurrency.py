"""Two processes importing into one ledger at once: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from ledger_helpers import REPO, monthly_files

import sem_carbon as sc
from sem_carbon.ledger import Ledger, LedgerBusyError

pytest.importorskip("duckdb")

IMPORTER = """
import json, sys, time
from pathlib import Path
from sem_carbon.ledger import Ledger
ledger, go, out, *files = sys.argv[1:]
while not Path(go).exists():
    time.sleep(0.01)
led = Ledger(ledger, timeout=300, user=Path(out).stem)
spans = []
for f in files:
    start = time.time()
    result = led.import_files(travel=[f])
    spans.append([start, time.time(), result["action"].iloc[0]])
Path(out).write_text(json.dumps(spans))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return env


def test_two_processes_importing_at_once(tmp_path):
    files = monthly_files(tmp_path / "files", entities=("DFO", "EXD"))
    dfo = [p for (e, _), p in files.items() if e == "DFO"][:6]
    exd = [p for (e, _), p in files.items() if e == "EXD"][:6]
    shared = [p for (e, m), p in files.items() if e == "EXD" and m == 12]
    ledger = tmp_path / "shared.ledger"
    Ledger(ledger)  # created before the race, as 'ledger init' would
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", IMPORTER, str(ledger), str(go),
                               str(tmp_path / f"{name}.json"), *map(str, batch + shared)],
                              env=_env(), stderr=subprocess.PIPE, text=True)
             for name, batch in (("alice", dfo), ("bob", exd))]
    time.sleep(1.0)
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    spans = {name: json.loads((tmp_path / f"{name}.json").read_text())
             for name in ("alice", "bob")}
    # the two runs overlapped in time: the ledger really had two writers at once
    a0, a1 = spans["alice"][0][0], spans["alice"][-1][1]
    b0, b1 = spans["bob"][0][0], spans["bob"][-1][1]
    assert max(a0, b0) < min(a1, b1)
    # the shared file was imported once, by whichever process came first
    actions = sorted([spans["alice"][-1][2], spans["bob"][-1][2]])
    assert actions == ["imported", "unchanged"]
    led = Ledger(ledger)
    batches = led.batches()
    assert len(batches) == 13 and batches["source"].is_unique
    assert set(batches["imported_by"]) == {"alice", "bob"}
    data = led.data
    assert not data.duplicated(["source", "source_row", "leg"]).any()
    expected = sc.calculate([sc.read_travel_log(p) for p in dfo + exd + shared])
    assert len(data) == len(expected.data)
    ours = led.totals(("entity", "year"))
    theirs = expected.by("entity", "year")
    np.testing.assert_allclose(ours["tco2e"], theirs["tco2e"], rtol=1e-12)
    assert (led.history()["action"] == "import").sum() == 13


def test_a_held_ledger_times_out_with_a_clear_error(tmp_path):
    ledger = tmp_path / "busy.ledger"
    Ledger(ledger)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import filelock, sys, time; lock = filelock.FileLock(sys.argv[1]);"
         " lock.acquire(); print('held', flush=True); time.sleep(30)",
         str(ledger) + ".lock"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LedgerBusyError, match=r"busy: another process held busy\.ledger"
                                                  r"\.lock for more than 0\.5 s"):
            Ledger(ledger, timeout=0.5).totals("entity")
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert Ledger(ledger, timeout=5).batches().empty



@pytest.mark.parametrize("content", [b"hello\n", b""])
def test_a_file_that_is_not_duckdb_is_refused_at_once(tmp_path, content):
    # DuckDB's "not a valid DuckDB database file" is an IOException like a lock conflict;
    # it used to be retried until the timeout and then called "held by another program"
    ledger = tmp_path / "notes.ledger"
    ledger.write_bytes(content)
    start = time.monotonic()
    with pytest.raises(sc.LedgerError, match=r"notes\.ledger is not a ledger") as caught:
        Ledger(ledger, timeout=5).totals("entity")
    assert not isinstance(caught.value, LedgerBusyError)
    assert time.monotonic() - start < 4
    with pytest.raises(sc.LedgerError, match=r"is not a ledger"):
        Ledger(ledger, timeout=5).import_files(travel=[REPO / "examples/data/travel_2010_2024.csv"])
    assert ledger.read_bytes() == content
