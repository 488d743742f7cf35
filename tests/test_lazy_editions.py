"""Bundled editions read lazily (issue 19): one category's file, without pandas, gives the
very rows and factors of the whole validated table."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sem_carbon.factors import FactorSet
from sem_carbon.factors.catalogue import bundled_folder

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = sorted(p for p in bundled_folder().iterdir() if (p / "datapackage.json").is_file())


def _same(a: object, b: object) -> bool:
    """Equal numbers (an integral source_row may be int in the table: 23 == 23.0), both
    empty (NaN), or the same text."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b and type(a) is type(b)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@pytest.mark.parametrize("folder", EDITIONS, ids=lambda p: p.name)
def test_each_resource_holds_the_category_it_is_named_after(folder):
    """The rule a lazy edition relies on (its categories are its resource names)."""
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in meta["resources"]]
    assert len(set(names)) == len(names)
    for resource in meta["resources"]:
        frame = pd.read_csv(folder / resource["path"], dtype=str, keep_default_na=False)
        assert set(frame["category"]) == {resource["name"]}, resource["path"]


@pytest.mark.parametrize("folder", EDITIONS, ids=lambda p: p.name)
def test_lazy_records_equal_the_table(folder):
    eager = FactorSet.from_folder(folder)
    lazy = FactorSet.from_folder(folder, lazy=True)
    assert lazy.categories == eager.categories
    for category in eager.categories:
        fresh = FactorSet.from_folder(folder, lazy=True)
        ours, theirs = fresh.records(category), eager.table(category).to_dict("records")
        assert not fresh._loaded  # read from its file alone
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            assert list(a) == list(b)  # the same columns in the same order
            assert all(_same(a[c], b[c]) for c in a), (category, a, b)


@pytest.mark.parametrize("folder", EDITIONS, ids=lambda p: p.name)
def test_lazy_air_factors_equal_the_table_path(folder):
    eager = FactorSet.from_folder(folder)
    if "air" not in eager.categories:
        pytest.skip("no air factors")
    lazy = FactorSet.from_folder(folder, lazy=True)
    for rec in eager.table("air").to_dict("records"):
        keys = {k: rec[k] for k in eager.key_columns("air")}
        ours, theirs = lazy.get("air", **keys), eager.get("air", **keys)
        assert ours.to_dict() == theirs.to_dict()
        assert list(ours.keys.items()) == list(theirs.keys.items())
        assert ours.value.units == theirs.value.units
    assert not lazy._loaded


def test_lazy_edition_loads_the_whole_table_on_other_use(tmp_path):
    lazy = FactorSet.from_folder(EDITIONS[-1], lazy=True)
    assert not lazy._loaded
    assert len(lazy) == len(FactorSet.from_folder(EDITIONS[-1]))
    assert lazy._loaded


def test_a_tampered_file_is_refused_on_use(tmp_path):
    import shutil

    from sem_carbon.errors import FactorIntegrityError

    folder = tmp_path / "desnz-2025"
    shutil.copytree(bundled_folder() / "desnz-2025", folder)
    with open(folder / "air.csv", "a", encoding="utf-8") as handle:
        handle.write("air,long_haul,first,true,9,kgCO2e / passenger / km,,,,x,y,1,\n")
    lazy = FactorSet.from_folder(folder, lazy=True)
    with pytest.raises(FactorIntegrityError, match=r"checksum mismatch for air\.csv"):
        lazy.records("air")


@pytest.mark.parametrize("call", ["sc.flight('GVA', 'JFK')",
                                  "sc.flight('IST', 'LHR', date='2021-03-04')"])
def test_first_flight_imports_no_pandas(call):
    # a dated call too: its ISO date is read without the io package (which imports pandas)
    code = (f"import sys, sem_carbon as sc; {call}; "
            "print(sorted(m for m in ('pandas', 'pyarrow', 'scipy', 'jinja2', 'duckdb', "
            "'dask') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert done.stdout.strip() == "[]"
