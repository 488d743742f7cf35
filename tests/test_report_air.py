"""Issue 17 in the report: the UN-inventory view with ICAO-method air, its band, verdicts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.errors import InvalidArgumentError
from sem_carbon.report import Report

ROUTES = [("GVA", "JFK", "economy"), ("GVA", "NBO", "business"), ("LHR", "EDI", "economy"),
          ("CDG", "NRT", "economy"), ("BRU", "BCN", "average")]


def _inventory(years=(2019, 2021, 2022, 2023)) -> sc.Inventory:
    rows = []
    for y in years:
        for i, (o, d, c) in enumerate(ROUTES):
            rows.append({"mode": "air", "origin": o, "destination": d, "cabin": c,
                         "date": f"{y}-03-{i + 1:02d}", "entity": "A" if i % 2 else "B",
                         "passengers": 1 + (i == 1), "round_trip": i != 2})
        rows.append({"mode": "rail", "distance_km": 400, "date": f"{y}-05-01", "entity": "A"})
        rows.append({"mode": "hotel", "nights": 3, "country": "US", "date": f"{y}-05-02",
                     "entity": "B"})
    return sc.calculate(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def report() -> Report:
    target = sc.Target(baseline_year=2019, target_year=2023, reduction=0.3,
                       categories=("travel",))
    return Report(_inventory(), targets=[target])


def test_un_view_counts_icao_air_and_the_band_holds_every_method(report):
    views = report.air_methods()
    by_year = views["un_view"]
    data = report.data
    for row in by_year.to_dict("records"):
        rows = data[data["year"] == row["year"]]
        cat = rows["category"].astype(str)
        non_air = rows.loc[(cat != "air") & (cat != "hotel"), "co2e_kg"].sum() / 1000
        assert row["non_air_tco2e"] == pytest.approx(non_air)
        airs = [row[f"{m}_air_tco2e"] for m in ("desnz", "icao", "fuel")]
        assert row["air_low_tco2e"] == pytest.approx(min(airs))
        assert row["air_high_tco2e"] == pytest.approx(max(airs))
        assert row["un_central_tco2e"] == pytest.approx(non_air + row["icao_air_tco2e"])
        assert row["un_low_tco2e"] <= row["un_central_tco2e"] <= row["un_high_tco2e"]
        # DESNZ CO2 part: the co2_kg of the inventory's own air rows
        assert row["desnz_air_tco2e"] == pytest.approx(
            rows.loc[cat == "air", "co2_kg"].sum() / 1000)
    summary = report.summary()
    un = summary.loc[summary["key"] == "un_inventory_total"]
    assert "ICAO method" in un["item"].iloc[0]
    assert float(un["2023"].iloc[0]) == pytest.approx(
        by_year.loc[by_year["year"] == 2023, "un_central_tco2e"].iloc[0])
    kpi = next(k for k in report.kpis() if k["key"] == "un_inventory_total")
    assert "ICAO method" in kpi["detail"] and "band" in kpi["detail"]


def test_kyoto_and_rf_views_keep_desnz(report):
    summary = report.summary()
    data = report.data
    total = data.loc[data["year"] == 2023, "co2e_kg"].sum() / 1000
    assert float(summary.loc[summary["key"] == "kyoto_total", "2023"].iloc[0]) == \
        pytest.approx(total)
    assert data.loc[data["category"] == "air", "factor_id"].astype(str).str.startswith(
        "desnz-").all()


def test_entity_band_adds_up_to_the_year(report):
    views = report.air_methods()
    ent, year = views["entities"], views["un_view"]
    row = year[year["year"] == report.year].iloc[0]
    for col in ("desnz_air_tco2e", "icao_air_tco2e", "fuel_air_tco2e", "un_central_tco2e"):
        assert ent[col].sum() == pytest.approx(row[col])
    assert (ent["un_low_tco2e"] <= ent["un_high_tco2e"]).all()


def test_leg_table_has_every_leg_with_each_method(report):
    legs = report.air_methods()["legs"]
    assert len(legs) == int((report.data["category"] == "air").sum())
    assert {"desnz_co2_kg", "icao_co2_kg", "fuel_co2_kg", "low_kg", "high_kg",
            "spread", "route"} <= set(legs.columns)
    cdg = legs[legs["route"] == "CDG-NRT"].iloc[0]
    one = sc.flight("CDG", "NRT", method="icao").co2e.m_as("kgCO2e")
    assert cdg["icao_co2_kg"] == pytest.approx(2 * one)  # round trip


def test_target_verdict_under_each_method(report):
    verdicts = report.air_methods()["verdicts"]
    assert len(verdicts) == 1
    v = verdicts.iloc[0]
    for m in ("desnz", "icao", "fuel"):
        assert v[f"{m}_target_tco2e"] == pytest.approx(0.7 * v[f"{m}_baseline_tco2e"])
    met = [m for m in ("desnz", "icao", "fuel") if v[f"{m}_actual_tco2e"]
           <= v[f"{m}_target_tco2e"]]
    if len(met) == 3:
        assert v["verdict"].startswith("met under all methods")
    elif met:
        assert v["verdict"] == f"met only under {', '.join(met)}"
    else:
        assert v["verdict"] == "not met under any method"


def test_verdict_with_given_half_widths_can_say_90_percent():
    target = sc.Target(baseline_year=2019, target_year=2023, reduction=0.3,
                       categories=("travel",))
    one_leg = sc.calculate(pd.DataFrame({"mode": ["air"], "origin": ["GVA"],
                                         "destination": ["JFK"], "date": ["2023-02-01"],
                                         "entity": ["A"]}))
    rep = Report(_inventory(years=(2019,)) + one_leg, targets=[target],
                 air_uncertainty={"desnz": 0.1, "icao": 0.1, "fuel": 0.1})
    verdict = rep.air_methods()["verdicts"]["verdict"].iloc[0]
    assert verdict.startswith("met with 90% confidence")
    strict = Report(_inventory(), targets=[sc.Target(baseline_year=2019, target_year=2023,
                                                     reduction=0.99, categories=("travel",))])
    assert strict.air_methods()["verdicts"]["verdict"].iloc[0] == "not met under any method"


def test_desnz_option_and_bad_method():
    inv = _inventory()
    old = Report(inv, un_air_method="desnz").summary()
    data = inv.data[inv.data["year"] == 2023]
    cat = data["category"].astype(str)
    expected = (data["co2e_kg"].sum() - data.loc[cat == "air", "rf_kg"].sum()
                - data.loc[cat == "hotel", "co2e_kg"].sum()) / 1000
    assert float(old.loc[old["key"] == "un_inventory_total", "2023"].iloc[0]) == \
        pytest.approx(expected)
    with pytest.raises(InvalidArgumentError):
        Report(inv, un_air_method="atmosfair")


def test_model_markdown_json_carry_the_view_and_the_break_note(report, tmp_path):
    m = report.model()
    assert m.air_lines[0].startswith("UN-inventory view 2023:")
    assert "band" in m.air_lines[0] and "ICAO method" in m.air_lines[0]
    assert any("on the UN-inventory boundary" in line for line in m.air_lines)
    # 2019/2021/2022 use pre-break editions, 2023 the COVID load factors: a visible note
    assert "load-factor break" in m.coverage_note
    md = report.to_markdown()
    assert "## UN-inventory view: air by method and its band" in md
    assert "load-factor break" in md
    out = json.loads(report.to_json(tmp_path / "r.json").read_text(encoding="utf-8"))
    assert out["air_methods"]["legs_total"] == len(report.air_methods()["legs"])
    assert out["air_methods"]["un_view"][0]["central"] == "icao"


def test_no_break_note_within_one_side_and_no_air_no_views():
    rep = Report(_inventory(years=(2023, 2024)))
    assert "load-factor break" not in rep.model().coverage_note
    rail = sc.calculate(pd.DataFrame({"mode": ["rail"], "distance_km": [100],
                                      "date": ["2023-01-01"]}))
    empty = Report(rail)
    assert empty.air_methods() == {} and empty.model().air_lines == ()
    assert np.isfinite(float(empty.summary().loc[
        empty.summary()["key"] == "un_inventory_total", "2023"].iloc[0]))


def test_restated_series_across_the_break(report):
    restated = report.air_methods()["restated"]
    assert restated["edition"].unique().tolist() == ["desnz-2025"]
    assert restated["year"].tolist() == [2019, 2021, 2022, 2023]
    data = report.data
    air = data[data["category"] == "air"]
    for row in restated.to_dict("records"):
        rows = air[air["year"] == row["year"]]
        assert row["air_with_rf_tco2e"] == pytest.approx(rows["co2e_kg"].sum() / 1000)
    one = sc.calculate(pd.DataFrame({"mode": "air", "origin": [r[0] for r in ROUTES],
                                     "destination": [r[1] for r in ROUTES],
                                     "cabin": [r[2] for r in ROUTES],
                                     "passengers": [1, 2, 1, 1, 1],
                                     "round_trip": [True, True, False, True, True]}),
                       "desnz-2025").data
    # the same legs every year: the restated series is flat, the reported one is not
    assert restated["restated_with_rf_tco2e"].to_numpy() == pytest.approx(
        one["co2e_kg"].sum() / 1000)
    assert restated["air_with_rf_tco2e"].nunique() > 1
    assert "Air restated with one DESNZ edition" in report.to_markdown()
    assert "restated" not in Report(_inventory(years=(2023, 2024))).air_methods() or \
        Report(_inventory(years=(2023, 2024))).air_methods()["restated"].empty


def test_legs_on_file_equal_a_recomputation_from_the_table():
    """The report evaluates the kernels on the inventory's own legs; the result equals
    running the engine again on the travel table with each method (compare_air)."""
    from sem_carbon.report.air_methods import _leg_frame, air_comparison_of
    from sem_carbon.travel.uncertainty import compare_air

    inv = _inventory()
    direct = air_comparison_of(inv.data)
    air = inv.data[inv.data["category"] == "air"].reset_index(drop=True)
    again = compare_air(_leg_frame(air))
    for m in ("desnz", "icao", "fuel"):
        np.testing.assert_allclose(direct.legs[f"{m}_co2_kg"], again.legs[f"{m}_co2_kg"],
                                   rtol=1e-12)
    np.testing.assert_allclose(direct.legs["high_kg"], again.legs["high_kg"], rtol=1e-12)


def test_air_rows_without_legs_stay_in_the_un_view_at_their_own_figure():
    """Bug: an air row the methods cannot recompute (a ledger's spend estimate: no airports,
    no distance) was left out of the comparison, so the UN-inventory view dropped its
    5 tCO2 without a word (0.44 t against 5.55 t of air without RF). It now counts at its
    own figure without RF in every method, and the report says how many rows did."""
    from sem_carbon.report.air_methods import air_comparison_of

    inv = _inventory(years=(2019,))
    air = inv.data[inv.data["category"] == "air"]
    spend = air.iloc[[0]].assign(origin="", destination="", distance_km=np.nan,
                                 co2e_kg=5000.0, co2_kg=5000.0, rf_kg=0.0,
                                 factor_id="spend-estimate", source_row=999)
    data = pd.concat([inv.data, spend], ignore_index=True)
    direct = air_comparison_of(inv.data)
    mixed = air_comparison_of(data)
    assert len(mixed.legs) == len(air) + 1
    assert mixed.legs["source_row"].tolist()[-1] == 999  # the row's own, not a position
    for m in ("desnz", "icao", "fuel"):
        assert mixed.legs[f"{m}_co2_kg"].iloc[-1] == 5000.0
        np.testing.assert_allclose(mixed.legs[f"{m}_co2_kg"].iloc[:-1],
                                   direct.legs[f"{m}_co2_kg"], rtol=1e-12)
    assert mixed.note.startswith(f"1 of {len(air) + 1} air rows have no legs")
    assert direct.note == ""
    report = Report(sc.Inventory(data, inv.rejected, inv.rows_read, inv.sources))
    line = report.summary().set_index("key").loc["un_inventory_total", "2019"]
    non_air = data.loc[data["category"].isin(["rail"]), "co2e_kg"].sum()
    icao = direct.legs["icao_co2_kg"].sum()
    assert line == pytest.approx((non_air + icao + 5000.0) / 1000.0, rel=1e-12)
    assert "1 of" in report.to_markdown() and "their own figure" in report.to_markdown()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [0, 1, 2, 15, 39, 40, 41, 400])
def test_leg_order_top_n_is_the_head_of_the_full_stable_sort(seed, n):
    """The n largest legs (partition + a sort of those) are the first n positions of the
    full stable sort, ties included: many equal figures at and around the cut, -0.0 and
    0.0, infinities and, in half the cases, missing figures."""
    from sem_carbon.report.air_methods import leg_order

    rng = np.random.default_rng(seed)
    central = rng.choice([5.0, 3.0, 3.0, 1.0, 0.0, -0.0, 2.5], 400)  # few values: ties
    central[rng.integers(0, 400, 5)] = np.inf
    central[rng.integers(0, 400, 3)] = -np.inf
    if seed % 2:
        central[rng.integers(0, 400, 20)] = np.nan
    full = np.asarray(pd.Series(central).sort_values(ascending=False, kind="stable").index)
    assert (leg_order(central) == full).all()
    assert (leg_order(central, n) == full[:n]).all()


def test_largest_legs_shown_are_the_head_of_every_leg_sorted(tmp_path):
    """HTML, JSON and Markdown show the top legs without sorting every leg; they are the
    same rows (values, dtypes) as the head of the full table the workbook gets, and the
    full table is only computed when read."""
    from sem_carbon.report.air_methods import air_comparison_of, leg_table
    from sem_carbon.report.model import MAX_LEGS_SHOWN

    rows = [{"mode": "air", "origin": o, "destination": d, "cabin": c,
             "date": f"{2019 + k % 3}-03-{k % 28 + 1:02d}", "entity": "AB"[k % 2],
             "passengers": 1, "round_trip": True}
            for k in range(12) for o, d, c in ROUTES]  # each leg a dozen times: ties
    rep = Report(sc.calculate(pd.DataFrame(rows)))
    comparison = air_comparison_of(rep.data)
    full = leg_table(rep.data, comparison)
    for n in (1, 7, MAX_LEGS_SHOWN, 30, len(full)):
        pd.testing.assert_frame_equal(leg_table(rep.data, comparison, n), full.head(n),
                                      check_exact=True)
    legs = rep.model().air_methods["legs"]
    assert "data" not in legs._computed  # shown rows and the count: no full sort
    assert legs.total == len(full) and len(legs.shown) == MAX_LEGS_SHOWN
    out = json.loads(rep.to_json(tmp_path / "r.json").read_text(encoding="utf-8"))
    assert out["air_methods"]["legs_total"] == len(full)
    assert "data" not in legs._computed
    pd.testing.assert_frame_equal(legs.data, full, check_exact=True)
    pd.testing.assert_frame_equal(rep.air_methods()["legs"], full, check_exact=True)


def test_the_leg_table_note_does_not_promise_every_leg_in_the_json(tmp_path):
    """The JSON holds the largest legs and their count, not every leg: the HTML says where
    every leg is (the workbook sheet, up to its stated row limit, and the API)."""
    report = Report(_inventory())
    html = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "and the JSON" not in html
    assert "Report.air_methods()" in html
    data = json.loads(report.to_json(tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["air_methods"]["legs_total"] == len(report.air_methods()["legs"])
