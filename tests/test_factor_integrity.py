"""Shipped factor editions are immutable: their descriptors are pinned here.

Each ``datapackage.json`` records the sha256 of every CSV it lists, and the loader checks
those on every load; pinning the descriptor's own hash pins the whole edition. A release
that changes an edition on purpose must change this table in the same commit (and name
the change in CHANGELOG.md) — a silent edit fails here.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

import sem_carbon as sc
from sem_carbon.factors.catalogue import bundled_folder

PINNED = {
    "desnz-2010": "6ba5ec18b31a7f15fc2aea39e464fe05d4fd752daf5205d835ea7c6bfc3d2f11",
    "desnz-2011": "f6bda5dea3b66521eeac22464685a8414ba2504aedcbeb3c22cb9f5567a89e96",
    "desnz-2012": "53e6252bec726972231654e6752953ccf2cc694d77d5ebdf76a3ff14de413d64",
    "desnz-2013": "596c4d08250f57080afb6ad4b561850191a76169f43fc73afcac7d3cf2b0eb12",
    "desnz-2014": "34368a43a55a6eda69fa39d2ab1102e5708802c57a42280de43d5fc0f65a4ed4",
    "desnz-2015": "78ed8b47839288e9c10f8f39b53cee40d35bcbf4d694fa3d24b0193efff79aba",
    "desnz-2016": "7e59d1a80ace021d62e511fdec9b7639285d35d996ce344e2b318a3c350b5b3d",
    "desnz-2017": "a163c7f7c312cccd499157d40152b6b8da009fade4ce5ab386b9713d3f289c9b",
    "desnz-2018": "10b622277d9ff5a45e51f713c011d28610d6ecffef961a9afc58f98773eb1772",
    "desnz-2019": "56bacf481cdf43b238f4e9fe370013cee340a987875228dcb591ac4e5e97a5fe",
    "desnz-2020": "77c8a5386f88ef54c9358746953dfb5ee15a5ec10b3c8c65c0baf92987cc8419",
    "desnz-2021": "ea7b12883eac6185cdf398c6db3fcb698c247781ebd773cb5a3214cac1ce45e8",
    "desnz-2022": "6faa2c2ab15385ed203340085e1dd1c3d6641e9bf40123673e9ec10b25bbdb41",
    "desnz-2023": "3b5f7eb9138cf6bd9882eca72dcf3c46a89ec570cab4369a796e445f487fa7c1",
    "desnz-2024": "48768f337968bd13ac3755ee652c1bb330400184d6d40c87217fc725c7368234",
    "desnz-2025": "6968ffde191fcbfcefb07b9991a1707e7ff46c7bd724587cb3582c54f1fcd2e6",
    "ember-grid": "120fac6202ca797faf8eb6778206e6c8edfcda3f5f3bc6d3244b507e92510000",
    "ipcc-gwp": "c15117e73eb7c69bb934cf8845947374756544d1ff92bfc536bd5c6bec145d60",
}


def test_the_shipped_editions_are_exactly_the_pinned_ones():
    shipped = {p.name for p in bundled_folder().iterdir() if (p / "datapackage.json").is_file()}
    assert shipped == set(PINNED)


@pytest.mark.parametrize(("edition", "digest"), sorted(PINNED.items()))
def test_descriptor_hash_is_pinned_and_edition_loads(edition, digest):
    descriptor = bundled_folder() / edition / "datapackage.json"
    assert hashlib.sha256(descriptor.read_bytes()).hexdigest() == digest
    fs = sc.load_factors(edition)
    # the re-published 2010 and 2011 sets hold UK electricity (generation, T&D) only
    assert len(fs) == 2 if edition in ("desnz-2010", "desnz-2011") else len(fs) > 100
    meta = json.loads(descriptor.read_text())
    assert meta["licenses"] and meta["sources"] and meta["attribution"]


@pytest.mark.parametrize("edition", ["desnz-2019", "ember-grid", "ipcc-gwp"])
def test_an_edited_copy_is_refused_with_a_clear_message(edition, tmp_path):
    copy = tmp_path / edition
    shutil.copytree(bundled_folder() / edition, copy)
    resource = sorted(copy.glob("*.csv"))[0]
    lines = resource.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace("0", "1", 1)  # change one digit of one factor
    resource.write_text("".join(lines))
    with pytest.raises(sc.FactorIntegrityError, match=f"checksum mismatch for {resource.name}"):
        sc.load_factors(copy)


def test_a_corrupted_descriptor_is_refused(tmp_path):
    copy = tmp_path / "desnz-2024"
    shutil.copytree(bundled_folder() / "desnz-2024", copy)
    (copy / "datapackage.json").write_bytes(b"\x00\xff not json")
    with pytest.raises(sc.FactorIntegrityError, match="not valid JSON"):
        sc.load_factors(copy)


def test_every_unit_in_every_edition_parses():
    for edition in PINNED:
        frame = sc.load_factors(edition).to_frame()
        for unit in frame["unit"].unique():
            sc.ureg.Unit(unit)  # raises if a unit does not parse
