"""pint is imported without dask (issue 19) and keeps its dask support."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    return done.stdout.strip()


def test_a_unit_does_not_import_dask():
    out = _run("import sys, sem_carbon as sc; sc.Q_(1, 'km'); "
               "print('dask' in sys.modules, 'pint' in sys.modules)")
    assert out == "False True"


def test_pint_dask_support_still_works():
    pytest.importorskip("dask.array")
    # the unit first (pint imported with dask hidden), dask afterwards
    out = _run("import sys, sem_carbon as sc; sc.Q_(1, 'km'); assert 'dask' not in sys.modules; "
               "import dask.array as da; q = sc.Q_(da.ones(3), 'km'); "
               "import pint.compat; r = q.compute(); "
               "print(pint.compat.HAS_DASK, type(r.m).__name__, r.m.tolist(), r.units, "
               "type(q.persist().m).__module__.split('.')[0])")
    assert out == "True ndarray [1.0, 1.0, 1.0] km dask"


def test_dask_imported_first_is_left_alone():
    pytest.importorskip("dask")
    out = _run("import dask, sem_carbon as sc; sc.Q_(1, 'km'); import pint.compat; "
               "from sem_carbon._pint_import import _LazyDaskArray as L; "
               "print(pint.compat.HAS_DASK, isinstance(pint.compat.dask_array, L))")
    assert out == "True False"
