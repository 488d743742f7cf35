"""Invariants of the calculators, checked with hypothesis (bounded: the suite stays fast)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sem_carbon as sc
from sem_carbon.limits import MAX_LEG_KM
from sem_carbon.travel.batch import compute_travel

AIRPORTS = ["GVA", "JFK", "NBO", "BKK", "LHR", "CDG", "ADD", "DXB", "PTY", "BOG", "MAN", "EDI",
            "FCO", "VIE", "DEL", "NRT", "GRU", "BRU", "EBB", "BEY", "ZRH", "SYD"]
CABINS = ["economy", "premium economy", "business", "first", "average"]
EDITIONS = ["desnz-2019", "desnz-2022", "desnz-2024"]
FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

airport = st.sampled_from(AIRPORTS)
#: two airports: a leg from an airport to itself is refused (tested on its own below)
pair = st.lists(airport, min_size=2, max_size=2, unique=True).map(tuple)
cabin = st.sampled_from(CABINS)
edition = st.sampled_from(EDITIONS)
haul_rule = st.sampled_from(["distance", "desnz", "smooth"])


@FAST
@given(pair, cabin, edition, haul_rule, st.booleans())
def test_round_trip_is_twice_one_way(ab, c, ed, haul, rf):
    a, b = ab
    one = sc.flight(a, b, cabin=c, factors=ed, haul=haul, radiative_forcing=rf).co2e.m
    two = sc.flight(a, b, cabin=c, factors=ed, haul=haul, radiative_forcing=rf,
                    round_trip=True).co2e.m
    assert two == pytest.approx(2 * one, rel=1e-12, abs=1e-12)


@FAST
@given(pair, cabin, edition, haul_rule)
def test_direction_does_not_matter(ab, c, ed, haul):
    a, b = ab
    there = sc.flight(a, b, cabin=c, factors=ed, haul=haul).co2e.m
    back = sc.flight(b, a, cabin=c, factors=ed, haul=haul).co2e.m
    assert there == pytest.approx(back, rel=1e-12, abs=1e-12)


@FAST
@given(pair, cabin, st.integers(min_value=1, max_value=400))  # 0: no trip, refused
def test_linear_in_passengers(ab, c, n):
    a, b = ab
    one = sc.flight(a, b, cabin=c).co2e.m
    assert sc.flight(a, b, cabin=c, passengers=n).co2e.m == pytest.approx(n * one, rel=1e-12,
                                                                         abs=1e-9)


@FAST
@given(st.floats(min_value=0, max_value=1e4), st.floats(min_value=0, max_value=1e4),
       st.sampled_from(["national", "international", "tram", "underground"]))
def test_rail_additive_in_distance(x, y, kind):
    whole = sc.rail(sc.Q_(x + y, "km"), kind=kind).co2e.m
    parts = sc.rail(sc.Q_(x, "km"), kind=kind).co2e.m + sc.rail(sc.Q_(y, "km"), kind=kind).co2e.m
    assert whole == pytest.approx(parts, rel=1e-9, abs=1e-9)


@FAST
@given(st.integers(min_value=1, max_value=365),  # 0 nights: no stay, refused
       st.sampled_from(["CH", "US", "TH", "IN", "GB"]))
def test_linear_in_nights(n, country):
    one = sc.hotel(1, country).co2e.m
    assert sc.hotel(n, country).co2e.m == pytest.approx(n * one, rel=1e-12, abs=1e-12)


@FAST
@given(st.floats(min_value=1e-3, max_value=1e6), st.sampled_from(["km", "mi", "m", "nmi"]))
def test_distance_unit_round_trip(value, unit):
    q = sc.Q_(value, unit)
    assert q.to("km").to(unit).m == pytest.approx(value, rel=1e-12)
    if q.to("km").m > MAX_LEG_KM:  # beyond half the Earth's circumference: refused
        with pytest.raises(sc.InvalidActivityError, match="not plausible"):
            sc.rail(q)
        return
    assert sc.rail(q).co2e.m == pytest.approx(sc.rail(q.to("km")).co2e.m, rel=1e-12)


legs = st.lists(st.tuples(airport, airport, cabin, st.integers(1, 3), st.booleans(),
                          st.sampled_from([2019, 2020, 2021, 2022, 2023, 2024]))
                .filter(lambda leg: leg[0] != leg[1]),
                min_size=1, max_size=30)


@FAST
@given(airport, cabin)
def test_a_leg_from_an_airport_to_itself_is_refused_by_both_paths(a, c):
    with pytest.raises(sc.InvalidActivityError, match="from an airport to itself"):
        sc.flight(a, a.lower(), cabin=c)
    with pytest.raises(sc.InvalidActivityError, match="from an airport to itself"):
        sc.flight("GVA" if a != "GVA" else "JFK", a, via=[a], cabin=c)
    with pytest.warns(sc.NothingComputedWarning):
        inv = sc.calculate(_frame([(a, a, c, 1, False, 2019)]))
    assert inv.rejected["reason"].tolist() == ["a flight leg from an airport to itself"]


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame({
        "source_row": np.arange(len(rows)) + 2,
        "mode": "air",
        "origin": [r[0] for r in rows], "destination": [r[1] for r in rows],
        "cabin": [r[2] for r in rows], "passengers": [float(r[3]) for r in rows],
        "round_trip": [r[4] for r in rows], "year": [r[5] for r in rows],
    })


@FAST
@given(legs, st.integers(min_value=0, max_value=30))
def test_splitting_a_table_never_changes_the_total(rows, cut):
    frame = _frame(rows)
    cut = min(cut, len(frame))
    whole = sc.calculate(frame).data["co2e_kg"].sum()
    parts = sum(sc.calculate(part).data["co2e_kg"].sum()
                for part in (frame.iloc[:cut], frame.iloc[cut:]) if len(part))
    assert whole == pytest.approx(parts, rel=1e-12, abs=1e-9)


@FAST
@given(legs)
def test_year_matched_and_explicit_edition_agree_when_years_match(rows):
    frame = _frame(rows).assign(year=2022)
    matched = sc.calculate(frame).data.sort_values("source_row")
    explicit = sc.calculate(frame, factors="desnz-2022").data.sort_values("source_row")
    assert matched["co2e_kg"].to_numpy() == pytest.approx(explicit["co2e_kg"].to_numpy(),
                                                          rel=1e-15, abs=0)
    assert set(matched["factor_id"]) == {"desnz-2022"}


@FAST
@given(legs)
def test_batch_rows_equal_scalar_calls(rows):
    frame = _frame(rows)
    fs = sc.load_factors("desnz-2024")
    results, rejects = compute_travel(frame, fs)
    assert rejects.empty
    for i, r in enumerate(rows):
        scalar = sc.flight(r[0], r[1], cabin=r[2], passengers=r[3], round_trip=r[4], factors=fs)
        assert results.loc[i, "co2e_kg"] == pytest.approx(scalar.co2e.m, rel=1e-12, abs=1e-12)


@FAST
@given(legs)
def test_rows_in_equal_rows_computed_plus_rejected(rows):
    frame = _frame(rows)
    frame.loc[frame.index[::3], "origin"] = "ZZZ"  # unknown code: must be rejected, not lost
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sc.NothingComputedWarning)
        inv = sc.calculate(frame)
    assert bool(caught) == inv.data.empty  # warned exactly when nothing was computed
    computed = set(inv.data["source_row"])
    rejected = set(inv.rejected["source_row"])
    assert computed.isdisjoint(rejected)
    assert computed | rejected == set(frame["source_row"])
