"""The ember-grid and ipcc-gwp factor editions: check values, checksums, determinism."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
EDITIONS = REPO / "emission_factors"
SHARED_DATA = REPO.parent / "shared" / "data"  # shared/ sits beside the repository
GRID_SOURCE = SHARED_DATA / "grid"
DESNZ_2019 = SHARED_DATA / "desnz" / "conversion-factors-2019-full-set-v01-02.xls"
STANDARD = ["category", "value", "unit", "co2", "ch4", "n2o", "label", "source_table",
            "source_row", "notes"]  # fmt: skip
REQUIRED = ["id", "title", "publisher", "year", "kind", "licenses", "attribution", "sources",
            "resources", "created_by", "notes"]  # fmt: skip


def _read(edition: str, resource: str) -> pd.DataFrame:
    return pd.read_csv(EDITIONS / edition / resource, dtype=str, keep_default_na=False)


def _meta(edition: str) -> dict:
    return json.loads((EDITIONS / edition / "datapackage.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# Descriptor and checksums


@pytest.mark.parametrize("edition", ["ember-grid", "ipcc-gwp"])
def test_datapackage_fields_and_checksums(edition):
    meta = _meta(edition)
    for field in REQUIRED:
        assert field in meta, field
    assert meta["id"] == edition
    assert isinstance(meta["year"], int)
    assert meta["created_by"].startswith("scripts/")
    assert (REPO / meta["created_by"]).is_file()
    for src in meta["sources"]:
        assert src["path"].startswith(("http://", "https://")) and len(src["sha256"]) == 64
    assert meta["resources"]
    for res in meta["resources"]:
        assert res["format"] == "csv"
        data = (EDITIONS / edition / res["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == res["sha256"], res["path"]
        frame = pd.read_csv(EDITIONS / edition / res["path"], dtype=str, keep_default_na=False)
        assert all(col in frame.columns for col in STANDARD)
        assert pd.to_numeric(frame["value"]).notna().all()


def test_units_parse_with_the_project_registry():
    units = pytest.importorskip("sem_carbon.units")
    for edition in ("ember-grid", "ipcc-gwp"):
        for res in _meta(edition)["resources"]:
            for unit in _read(edition, res["path"])["unit"].unique():
                units.parse_unit(unit)


# --------------------------------------------------------------------------------------------
# ember-grid


def test_ember_metadata():
    meta = _meta("ember-grid")
    assert meta["kind"] == "grid-intensity"
    assert meta["publisher"] == "Ember (via Green Web Foundation CO2.js)"
    assert meta["licenses"][0]["name"] == "CC-BY-SA-4.0"
    assert meta["licenses"][0]["path"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert meta["year"] == 2024
    assert "lifecycle" in meta["basis"]
    assert any("2019" in note for note in meta["notes"])
    assert {s["file"] for s in meta["sources"]} == {
        "co2-intensities-ember-2020.csv", "co2-intensities-ember-2021.csv",
        "average-intensities.json",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("country", "year", "expected"),
    [("CH", 2024, 36.7), ("FR", 2024, 44.2), ("KE", 2024, 84.8), ("US", 2024, 383.6),
     ("TH", 2024, 555.4), ("IN", 2024, 709.0), ("CH", 2020, 55.2), ("IN", 2020, 625.6)],
)  # fmt: skip
def test_ember_check_values(country, year, expected):
    frame = _read("ember-grid", "electricity.csv")
    row = frame[(frame.country == country) & (frame.year == str(year))]
    assert len(row) == 1
    assert row.iloc[0]["component"] == "generation"
    assert row.iloc[0]["unit"] == "gCO2e / kWh"
    assert round(float(row.iloc[0]["value"]), 1) == expected


def test_ember_keys_are_clean():
    frame = _read("ember-grid", "electricity.csv")
    assert set(frame.category) == {"electricity"}
    assert frame.country.str.fullmatch(r"[A-Z]{2}").all()
    assert not frame.duplicated(["country", "year"]).any()
    assert "2019" not in set(frame.year)
    assert not frame.label.isin(["World", "EU", "Africa", "Asia", "G20", "OECD"]).any()
    assert (frame.value.astype(float) >= 0).all()


# --------------------------------------------------------------------------------------------
# ipcc-gwp


def _gwp(gas: str, assessment: str) -> float:
    frame = _read("ipcc-gwp", "gwp.csv")
    row = frame[(frame.gas == gas) & (frame.assessment == assessment)]
    assert len(row) == 1, (gas, assessment)
    return float(row.iloc[0]["value"])


def _blend_gwp(blend: str, assessment: str) -> Decimal:
    comp = _read("ipcc-gwp", "blend_component.csv")
    gwp = _read("ipcc-gwp", "gwp.csv")
    gwp = gwp[gwp.assessment == assessment].set_index("gas")["value"]
    rows = comp[comp.blend == blend]
    assert len(rows)
    return sum(Decimal(r.value) * Decimal(gwp.get(r.gas, "0")) for r in rows.itertuples())


def test_gwp_metadata():
    meta = _meta("ipcc-gwp")
    assert meta["kind"] == "gwp"
    assert meta["licenses"][0]["name"] == "CC0-1.0"
    assert meta["licenses"][0]["path"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert "globalwarmingpotentials" in meta["version"]
    assert [r["name"] for r in meta["resources"]] == ["gwp", "blend_component"]


@pytest.mark.parametrize(
    ("gas", "ar4", "ar5", "ar6"),
    [("hfc_134a", 1430, 1300, 1530), ("sf6", 22800, 23500, 25200), ("ch4", 25, 28, 27.9),
     ("n2o", 298, 265, 273), ("co2", 1, 1, 1), ("hfc_32", 675, 677, 771),
     ("pfc_14", 7390, 6630, 7380), ("nf3", 17200, 16100, 17400)],
)  # fmt: skip
def test_gwp_check_values(gas, ar4, ar5, ar6):
    assert (_gwp(gas, "AR4"), _gwp(gas, "AR5"), _gwp(gas, "AR6")) == (ar4, ar5, ar6)


def test_gwp_keys():
    frame = _read("ipcc-gwp", "gwp.csv")
    assert set(frame.assessment) == {"AR4", "AR5", "AR6"}
    assert frame.gas.str.fullmatch(r"[a-z0-9_]+").all()
    assert not frame.duplicated(["gas", "assessment"]).any()
    for gas in ["co2", "ch4", "n2o", "sf6", "nf3", "hfc_23", "hfc_32", "hfc_125", "hfc_134a",
                "hfc_143a", "hfc_152a", "hfc_227ea", "hfc_245fa", "hfc_365mfc", "hfc_43_10mee",
                "pfc_14", "pfc_116", "hcfc_22", "cfc_11", "cfc_12"]:  # fmt: skip
        assert gas in set(frame.gas), gas
    assert set(frame.unit) == {"kgCO2e / kg"}


def test_blend_fractions_sum_to_one():
    comp = _read("ipcc-gwp", "blend_component.csv")
    assert set(comp.unit) == {"dimensionless"}
    for blend in ["r404a", "r407a", "r407c", "r407f", "r408a", "r410a", "r417a", "r422d",
                  "r427a", "r434a", "r438a", "r448a", "r449a", "r452a", "r454b", "r507a",
                  "r508b"]:  # fmt: skip
        assert blend in set(comp.blend), blend
    for blend, rows in comp.groupby("blend"):
        assert sum(Decimal(v) for v in rows.value) == 1, blend


def test_r410a_blend_gwp():
    assert _blend_gwp("r410a", "AR4").quantize(1, ROUND_HALF_UP) == 2088
    assert _blend_gwp("r410a", "AR5").quantize(1, ROUND_HALF_UP) == 1924
    assert _blend_gwp("r410a", "AR6").quantize(1, ROUND_HALF_UP) == 2256


@pytest.mark.skipif(not DESNZ_2019.is_file(), reason="shared DESNZ 2019 workbook absent")
def test_blend_gwps_reproduce_desnz_2019():
    xlrd = pytest.importorskip("xlrd")
    sheet = xlrd.open_workbook(str(DESNZ_2019)).sheet_by_name("Refrigerant & other")
    published = {}
    section = ""
    for r in range(sheet.nrows):
        row = sheet.row_values(r)
        if isinstance(row[1], str) and row[1].strip():
            section = row[1]
        label = str(row[2]).strip()
        if "blends" in section and label.startswith("R") and isinstance(row[4], float):
            published["r" + label[1:].lower()] = row[4]
    assert len(published) >= 10
    comp = _read("ipcc-gwp", "blend_component.csv")
    hydrocarbons = {"r290", "r600", "r600a", "r601", "r601a"}
    for blend, value in published.items():
        ours = _blend_gwp(blend, "AR4")
        rows = comp[comp.blend == blend]
        hc_share = sum(Decimal(v) for v in rows[rows.gas.isin(hydrocarbons)].value)
        if hc_share == 0:  # every component has an AR4 GWP: must round to the published figure
            assert ours.quantize(1, ROUND_HALF_UP) == Decimal(str(value)), blend
        else:  # hydrocarbons (GWP of a few units) are not in the package
            assert abs(ours - Decimal(str(value))) <= Decimal("0.5") + 5 * hc_share, blend


# --------------------------------------------------------------------------------------------
# Determinism of the build scripts


def _run(script: str, *args: str) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / script), *args], check=True,
                   capture_output=True, text=True)  # fmt: skip


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.skipif(not GRID_SOURCE.is_dir(), reason="shared grid source data absent")
def test_ember_script_is_deterministic_and_matches_shipped(tmp_path):
    _run("build_ember_grid.py", "--source", str(GRID_SOURCE), "--out", str(tmp_path / "a"))
    _run("build_ember_grid.py", "--source", str(GRID_SOURCE), "--out", str(tmp_path / "b"))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(EDITIONS / "ember-grid")


@pytest.mark.skipif(not DESNZ_2019.is_file(), reason="shared DESNZ 2019 workbook absent")
def test_gwp_script_is_deterministic_and_matches_shipped(tmp_path):
    pytest.importorskip("xlrd")
    pytest.importorskip("globalwarmingpotentials")
    _run("build_ipcc_gwp.py", "--desnz", str(DESNZ_2019), "--out", str(tmp_path / "a"))
    _run("build_ipcc_gwp.py", "--desnz", str(DESNZ_2019), "--out", str(tmp_path / "b"))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    shipped = _meta("ipcc-gwp")["version"]
    import globalwarmingpotentials

    if globalwarmingpotentials.__version__ not in shipped:
        pytest.skip("installed globalwarmingpotentials differs from the shipped edition's")
    assert _digest(tmp_path / "a") == _digest(EDITIONS / "ipcc-gwp")
