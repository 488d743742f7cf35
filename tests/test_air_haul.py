"""Haul rules: UK domestic legs by DESNZ's own rule, and the 3,700 km jump as documented."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.travel.air import air_kernel, air_tables, uk_domestic
from sem_carbon.travel.cabins import CABINS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "methodology.md"
CABIN = {c: i for i, c in enumerate(CABINS)}


def _ratio_range(years, cabin):
    r = []
    for y in years:
        pk = air_tables(sc.load_factors(f"desnz-{y}")).per_km(False)
        r.append(pk[2, CABIN[cabin]] / pk[1, CABIN[cabin]])
    return min(r), max(r)


@pytest.mark.parametrize(("years", "cabin", "text"), [
    (range(2019, 2025), "business", "×1.85–2.12"),
    (range(2019, 2025), "first", "×2.55–2.92"),
    (range(2019, 2025), "economy", "×0.96–1.09"),
    ([2025], "business", "×1.80"),
    ([2025], "first", "×2.48"),
])
def test_documented_jump_at_3700_km_is_the_bundled_factors(years, cabin, text):
    lo, hi = _ratio_range(years, cabin)
    shown = f"×{lo:.2f}–{hi:.2f}" if round(lo, 2) != round(hi, 2) else f"×{lo:.2f}"
    assert shown == text
    assert text in DOCS.read_text(encoding="utf-8")


def test_documented_uk_domestic_gap():
    gaps = [1 - (pk := air_tables(sc.load_factors(f"desnz-{y}")).per_km(False))[1, 0] / pk[0, 0]
            for y in range(2019, 2026)]
    assert (round(100 * min(gaps)), round(100 * max(gaps))) == (32, 44)
    assert "32–44% lower" in DOCS.read_text(encoding="utf-8")


def test_uk_domestic_leg_over_500_km_is_domestic_by_default():
    lhr_edi = sc.flight("LHR", "EDI", year=2024)
    assert lhr_edi.rows[0]["distance_km"] > 500
    assert lhr_edi.activity["haul"] == "domestic"
    desnz_rule = sc.flight("LHR", "EDI", year=2024, haul="desnz")
    assert lhr_edi.co2e.m == pytest.approx(desnz_rule.co2e.m, rel=1e-12)
    fs = sc.load_factors("desnz-2024")
    per_km = air_tables(fs).per_km(True)[0, 0]  # domestic average, with RF
    assert lhr_edi.co2e.m_as("kgCO2e") == pytest.approx(
        per_km * lhr_edi.rows[0]["distance_km"], rel=1e-9)


def test_non_uk_legs_unchanged_and_distance_only_rows_unchanged():
    fs = sc.load_factors("desnz-2024")
    t = air_tables(fs)
    d = np.array([534.0, 534.0, 534.0, 3650.0])
    cabin = np.array([0, 0, 0, 3])
    o = np.array(["GB", "FR", "", "US"], dtype=object)
    dest = np.array(["GB", "GB", "", "US"], dtype=object)
    with_countries = air_kernel(t, d, cabin, True, 1.0, "distance", o, dest)
    without = air_kernel(t, d, cabin, True, 1.0, "distance")
    assert with_countries["haul"].tolist() == [0, 1, 1, 1]
    assert without["haul"].tolist() == [1, 1, 1, 1]
    np.testing.assert_array_equal(with_countries["co2e"][1:], without["co2e"][1:])
    assert uk_domestic(np.array(["JE", "GB", "IE"]), np.array(["GB", "IM", "GB"])).tolist() \
        == [True, True, False]


def test_smooth_rule_keeps_uk_domestic_legs_domestic_and_batch_equals_scalar():
    frame = pd.DataFrame({"mode": "air", "origin": ["LHR", "LHR", "CDG"],
                          "destination": ["EDI", "INV", "MAD"], "cabin": "economy",
                          "year": 2024})
    for haul in ("distance", "smooth"):
        table = sc.calculate(frame, haul=haul).data
        single = [sc.flight(o, d, year=2024, haul=haul).co2e.m_as("kgCO2e")
                  for o, d in zip(frame["origin"], frame["destination"], strict=True)]
        assert table["co2e_kg"].to_numpy() == pytest.approx(single, rel=1e-12)
    smooth = sc.flight("LHR", "EDI", year=2024, haul="smooth")
    plain = sc.flight("LHR", "EDI", year=2024)
    assert smooth.co2e.m == pytest.approx(plain.co2e.m, rel=1e-12)
    # a non-UK leg just above 500 km is still blended by "smooth", a UK one is not
    t = air_tables(sc.load_factors("desnz-2024"))
    d, cabin = np.array([520.0, 520.0]), np.array([0, 0])
    o, dest = np.array(["FR", "GB"], dtype=object), np.array(["GB", "GB"], dtype=object)
    smooth_k = air_kernel(t, d, cabin, True, 1.0, "smooth", o, dest)["co2e"]
    plain_k = air_kernel(t, d, cabin, True, 1.0, "distance", o, dest)["co2e"]
    assert smooth_k[0] != pytest.approx(plain_k[0], rel=1e-6)
    assert smooth_k[1] == plain_k[1]


def test_uk_domestic_gives_one_answer_for_a_trip_and_a_table():
    """A trip's few legs, a few dozen and a long table take three routes through
    uk_domestic (set look-ups, a broadcast, whole-column comparisons): one answer."""
    from sem_carbon.travel.air import uk_domestic

    o = np.array(["GB", "JE", "FR", "GB", "IM", "US", "GG", "GB", "GB", "XX"], dtype="<U2")
    d = np.array(["GG", "GB", "GB", "US", "GB", "GB", "IM", "GB", "", "GB"], dtype="<U2")
    expected = [True, True, False, False, True, False, True, True, False, False]
    one_by_one = [bool(uk_domestic(o[i:i + 1], d[i:i + 1])[0]) for i in range(len(o))]
    assert one_by_one == expected
    assert uk_domestic(o, d).tolist() == expected
    assert uk_domestic(np.tile(o, 100), np.tile(d, 100)).tolist() == expected * 100
