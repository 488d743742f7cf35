"""Facilities calculators: check values of methodology.md, conversions, memo items, batch.

Hand-worked examples (one per function; the tests below assert them):

* electricity: 10,000 kWh in India, 2020 -> Ember 2020 625.573 gCO2e/kWh
  -> 10,000 x 0.625573 = 6,255.73 kgCO2e (scope 2).
* electricity_td: 10,000 kWh in the UK, desnz-2024 T&D 0.01830 kgCO2e/kWh -> 183.0 kgCO2e
  (scope 3).
* fuel: 1,000 L diesel, desnz-2024 2.51279 kgCO2e/L -> 2,512.79 kgCO2e; biogenic CO2
  1,000 x 0.16 = 160 kg outside the scopes.
* heat: 10,000 kWh district heat, desnz-2019 0.17606 kgCO2e/kWh -> 1,760.6 kgCO2e.
* refrigerant: 2 kg R-410A (50 % HFC-32 + 50 % HFC-125), AR5:
  2 x (0.5 x 677 + 0.5 x 3170) = 2 x 1,923.5 = 3,847 kgCO2e.
* water: 100 m^3, desnz-2019: 100 x (0.344 + 0.708) = 34.4 + 70.8 = 105.2 kgCO2e.
* waste: 2 t commercial and industrial waste to landfill, desnz-2024 520.3342 kgCO2e/t
  -> 1,040.6684 kgCO2e.
* compute_facilities: 1,000 kWh GB 2019 -> 1,000 x 0.2556 = 255.6 kgCO2e, plus (with
  include_td) a td_losses row 1,000 x 0.0217 = 21.7 kgCO2e under the same index label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pint
import pytest

import sem_carbon as sc
from sem_carbon.errors import (
    InvalidActivityError,
    InvalidArgumentError,
    SemCarbonError,
    UnitError,
    UnknownCountryError,
    UnknownFactorError,
)
from sem_carbon.facilities import (
    compute_facilities,
    electricity,
    electricity_td,
    fuel,
    heat,
    heat_td,
    refrigerant,
    waste,
    water,
)
from sem_carbon.facilities.refrigerants import gas_protocol, resolve_gas
from sem_carbon.factors import FactorSet, load_factors
from sem_carbon.units import Q_

# --------------------------------------------------------------------------- check values
# methodology.md, "Facilities": (function, args, unit of the amount, 2019, 2024) [kgCO2e/unit]
DESNZ_CHECKS = [
    ("natural gas kWh", lambda a, fs: fuel("natural gas", a, factors=fs), "kWh", 0.18385, 0.18290),
    ("natural gas m3", lambda a, fs: fuel("Natural gas", a, factors=fs), "m^3", 2.03053, 2.04542),
    ("diesel", lambda a, fs: fuel("diesel", a, factors=fs), "L", 2.59411, 2.51279),
    ("petrol", lambda a, fs: fuel("petrol", a, factors=fs), "L", 2.20904, 2.08440),
    ("LPG", lambda a, fs: fuel("LPG", a, factors=fs), "L", 1.52260, 1.55713),
    ("burning oil", lambda a, fs: fuel("burning oil", a, factors=fs), "L", 2.54042, 2.54015),
    ("gas oil", lambda a, fs: fuel("gas oil", a, factors=fs), "L", 2.75821, 2.75541),
    ("UK electricity", lambda a, fs: electricity(a, "GB", factors=fs), "kWh", 0.25560, 0.20705),
    ("UK T&D", lambda a, fs: electricity_td(a, "GB", factors=fs), "kWh", 0.02170, 0.01830),
    ("water supply", lambda a, fs: water(a, treatment=False, factors=fs), "m^3", 0.344, 0.15311),
]


@pytest.mark.parametrize("year", [2019, 2024])
@pytest.mark.parametrize(("name", "call", "unit", "v2019", "v2024"), DESNZ_CHECKS,
                         ids=[c[0] for c in DESNZ_CHECKS])
def test_desnz_check_values(name, call, unit, v2019, v2024, year):
    expected = v2019 if year == 2019 else v2024
    result = call(Q_(1000.0, unit), f"desnz-{year}")
    assert result.co2e.m_as("kgCO2e") == pytest.approx(1000 * expected, rel=1e-12)
    assert result.factor.edition == f"desnz-{year}"


@pytest.mark.parametrize(("year", "supply", "treatment"),
                         [(2019, 0.344, 0.708), (2024, 0.15311, 0.18574)])
def test_water_supply_and_treatment_parts(year, supply, treatment):
    result = water(Q_(100, "m^3"), factors=f"desnz-{year}")
    assert result.activity["supply_co2e"].m == pytest.approx(100 * supply)
    assert result.activity["treatment_co2e"].m == pytest.approx(100 * treatment)
    assert result.co2e.m == pytest.approx(100 * (supply + treatment))
    assert result.scope == 3 and result.category == "water"
    # hand-worked: 100 m3 in 2019 -> 34.4 + 70.8 = 105.2 kgCO2e
    if year == 2019:
        assert result.co2e.m == pytest.approx(105.2)
    # litres are volumes too
    assert water(Q_(100_000, "L"), factors=f"desnz-{year}").co2e.m == pytest.approx(result.co2e.m)


def test_scopes_and_categories():
    assert fuel("diesel", Q_(1, "L")).scope == 1
    assert electricity(Q_(1, "kWh"), "GB").scope == 2
    td = electricity_td(Q_(1, "kWh"), "GB")
    assert (td.scope, td.category) == (3, "td_losses")
    assert heat(Q_(1, "kWh")).scope == 2
    assert refrigerant("R-410A", Q_(1, "kg")).scope == 1
    assert waste(Q_(1, "t"), "paper", "landfill").scope == 3


# --------------------------------------------------------------------------- electricity
EMBER_LATEST = {"Switzerland": 36.7, "France": 44.2, "Kenya": 84.8, "United States": 383.6,
                "Thailand": 555.4, "India": 709.0}


@pytest.mark.parametrize(("country", "g_per_kwh"), EMBER_LATEST.items())
def test_ember_latest_year(country, g_per_kwh):
    result = electricity(Q_(1000, "kWh"), country)  # no year: latest Ember year
    # check values are rounded to 0.1 g/kWh
    assert result.co2e.m_as("kgCO2e") == pytest.approx(g_per_kwh, abs=0.05 + 1e-9)
    assert result.activity["grid_year"] == 2024
    assert result.factor.edition == "ember-grid"
    assert any("latest" in n for n in result.notes)
    assert any("different basis from DESNZ" in n for n in result.notes)
    assert electricity(Q_(1000, "kWh"), country, year=2024).co2e.m == result.co2e.m


@pytest.mark.parametrize(("country", "g_per_kwh"), [("CH", 55.2), ("IN", 625.6)])
def test_ember_2020(country, g_per_kwh):
    result = electricity(Q_(1, "MWh"), country, year=2020)
    assert result.co2e.m_as("kgCO2e") == pytest.approx(g_per_kwh, abs=0.05 + 1e-9)
    assert result.activity["grid_year"] == 2020
    assert not any("no Ember" in n for n in result.notes)
    assert any("predates" in n for n in result.notes)  # methodology break recorded


def test_ember_2019_uses_nearest_year_and_says_so():
    # hand-worked: 10,000 kWh in India, 2019 -> Ember 2020 625.573 g/kWh -> 6,255.73 kg
    result = electricity(Q_(10_000, "kWh"), "India", year=2019)
    assert result.co2e.m_as("kgCO2e") == pytest.approx(6255.73)
    assert result.activity["grid_year"] == 2020
    assert "no Ember 2019 figure for IN; used 2020" in result.notes
    assert "no Ember 2019 figure for IN; used 2020" in result.explain()


def test_switzerland_is_an_order_of_magnitude_below_india():
    ch = electricity(Q_(1000, "kWh"), "CHE").co2e.m_as("kgCO2e")
    india = electricity(Q_(1000, "kWh"), "IND").co2e.m_as("kgCO2e")
    assert ch < 100 < 500 < india
    assert india / ch > 10


def test_uk_uses_desnz_of_the_year_not_ember():
    result = electricity(Q_(1000, "kWh"), "United Kingdom", year=2019)
    assert result.factor.edition == "desnz-2019"
    assert result.co2e.m == pytest.approx(255.6)
    assert set(result.gases) == {"co2", "ch4", "n2o"}
    assert sum(q.m for q in result.gases.values()) == pytest.approx(result.co2e.m, rel=1e-3)


def test_the_supplier_factor_bound_is_above_every_bundled_grid_intensity():
    """The 2 kgCO2e/kWh bound on supplier factors must not refuse a real grid: it is
    above the highest yearly grid average of the bundled Ember edition (Turkmenistan
    2023, 1,306.30 gCO2e/kWh) and of every DESNZ UK electricity factor."""
    from pathlib import Path

    from sem_carbon.limits import MAX_SUPPLIER_FACTOR_KG_PER_KWH

    root = Path(__file__).resolve().parents[1] / "emission_factors"
    ember = pd.read_csv(root / "ember-grid" / "electricity.csv", comment="#")
    kg = [Q_(v, u).m_as("kgCO2e/kWh") for v, u in ember[["value", "unit"]].values]
    assert max(kg) == pytest.approx(1.3063)
    uk = pd.concat([pd.read_csv(path, comment="#")
                    for path in root.glob("desnz-*/electricity.csv")])
    uk_kg = [Q_(v, u).m_as("kgCO2e/kWh") for v, u in uk[["value", "unit"]].values
             if "kWh" in u]
    assert uk_kg and max(uk_kg) < 1.0
    assert max(kg + uk_kg) * 1.5 <= MAX_SUPPLIER_FACTOR_KG_PER_KWH


def test_energy_units_convert():
    kwh = electricity(Q_(3600, "kWh"), "FR").co2e.m
    assert electricity(Q_(3.6, "MWh"), "FR").co2e.m == pytest.approx(kwh)
    assert electricity(Q_(12.96, "GJ"), "FR").co2e.m == pytest.approx(kwh)


def test_market_based():
    result = electricity(Q_(1000, "kWh"), "KE", method="market",
                         supplier_factor=Q_(0.05, "kgCO2e/kWh"))
    assert result.co2e.m == pytest.approx(50.0)
    assert result.factor.value.m == pytest.approx(0.05)
    assert result.activity["method"] == "market"
    assert electricity(Q_(1000, "kWh"), "KE", method="market-based",
                       supplier_factor=Q_(50, "gCO2e/kWh")).co2e.m == pytest.approx(50.0)
    with pytest.raises(InvalidActivityError, match="supplier_factor"):
        electricity(Q_(1000, "kWh"), "KE", method="market")
    with pytest.raises(UnitError):
        electricity(Q_(1000, "kWh"), "KE", method="market", supplier_factor=0.05)
    with pytest.raises(pint.DimensionalityError):
        electricity(Q_(1000, "kWh"), "KE", method="market", supplier_factor=Q_(0.05, "kg/kWh"))
    with pytest.raises(InvalidActivityError):
        electricity(Q_(1000, "kWh"), "KE", method="residual")


def test_td_losses_are_a_separate_result():
    # hand-worked: 10,000 kWh UK 2024 -> 10,000 x 0.0183 = 183.0 kgCO2e of T&D losses
    td = electricity_td(Q_(10_000, "kWh"), "GB", factors="desnz-2024")
    assert td.co2e.m == pytest.approx(183.0)
    main = electricity(Q_(10_000, "kWh"), "GB", factors="desnz-2024", include_td=True)
    assert main.co2e.m == pytest.approx(2070.5)  # scope 2 only
    assert main.activity["td_losses_co2e"].m == pytest.approx(183.0)
    with pytest.raises(UnknownFactorError, match="UK"):
        electricity_td(Q_(1, "kWh"), "KE")
    kenya = electricity(Q_(1, "kWh"), "KE", include_td=True)
    assert any("T&D losses not computed" in n for n in kenya.notes)


def test_electricity_unit_mistakes_raise():
    with pytest.raises(pint.DimensionalityError):
        electricity(Q_(100, "L"), "GB")
    with pytest.raises(UnitError):
        electricity(100, "GB")
    with pytest.raises(InvalidActivityError):
        electricity(Q_(-5, "kWh"), "GB")


def test_unknown_country_suggests():
    with pytest.raises(UnknownCountryError, match="Switzerland"):
        electricity(Q_(1, "kWh"), "Swizerland")
    with pytest.raises(SemCarbonError):
        electricity(Q_(1, "kWh"), "Narnia")


# --------------------------------------------------------------------------- fuels
def test_friendly_fuel_names():
    fs = "desnz-2024"
    one = Q_(1, "L")
    assert fuel("heating oil", one, factors=fs).factor.keys["fuel"] == "burning_oil"
    assert fuel("Kerosene", one, factors=fs).factor.keys["fuel"] == "burning_oil"
    assert fuel("gasoil", one, factors=fs).factor.keys["fuel"] == "gas_oil"
    assert fuel("Red Diesel", one, factors=fs).factor.keys["fuel"] == "gas_oil"
    assert fuel("NATURAL_GAS", Q_(1, "kWh"), factors=fs).factor.keys["fuel"] == "natural_gas"
    assert fuel("propane", one, factors=fs).factor.keys["fuel"] == "propane"
    with pytest.raises(UnknownFactorError, match="propane"):  # not published in 2019
        fuel("propane", one, factors="desnz-2019")
    coal = fuel("coal", Q_(1, "t"), factors=fs)
    assert coal.factor.keys["fuel"] == "coal_industrial"
    assert any("Coal (industrial)" in n for n in coal.notes)


def test_unknown_fuel_suggests():
    with pytest.raises(UnknownFactorError, match="did you mean diesel"):
        fuel("dissel", Q_(1, "L"))


def test_fuel_units_within_a_dimension_are_arithmetic():
    litres = fuel("diesel", Q_(1000, "L")).co2e.m
    assert fuel("diesel", Q_(1, "m^3")).co2e.m == pytest.approx(litres)
    kwh = fuel("natural gas", Q_(1000, "kWh")).co2e.m
    assert fuel("natural gas", Q_(3.6, "GJ")).co2e.m == pytest.approx(kwh)
    assert fuel("diesel", Q_(1000, "kg")).co2e.m == pytest.approx(
        fuel("diesel", Q_(1, "t")).co2e.m)


def test_fuel_energy_defaults_to_gross_cv():
    fs = load_factors("desnz-2024")
    gross = fuel("natural gas", Q_(1, "kWh"), factors=fs)
    net = fuel("natural gas", Q_(1, "kWh"), factors=fs, cv="net")
    assert gross.factor.keys["basis"] == "energy_gross"
    assert gross.co2e.m == pytest.approx(0.18290)
    assert net.co2e.m == pytest.approx(0.20264)
    with pytest.raises(InvalidActivityError):
        fuel("natural gas", Q_(1, "kWh"), cv="higher")


def test_fuel_unit_mistakes_raise():
    with pytest.raises(UnitError):
        fuel("diesel", 100)
    with pytest.raises(pint.DimensionalityError):
        fuel("diesel", Q_(100, "km"))


# Tolerance for conversions through fuel properties: DESNZ derives each per-unit factor
# from unrounded calorific values and densities and publishes the factors to 5 decimals and
# the properties to 3 decimals (density of natural gas 0.796 kg/m3: +-0.06 % from rounding
# alone). In desnz-2019 and desnz-2024 the largest disagreement between a fuel's published
# per-tonne factor and its per-litre / per-kWh factor converted with the same edition's
# properties is 0.16 % (petrol, gross CV, 2019), so 0.2 % is the tolerance here.
CONVERSION_REL = 2e-3


@pytest.mark.parametrize("year", [2019, 2024])
@pytest.mark.parametrize("kind", ["diesel", "petrol", "gas_oil", "burning_oil", "lpg",
                                  "fuel_oil", "natural_gas"])
def test_energy_volume_mass_agree_through_published_properties(kind, year):
    fs = load_factors(f"desnz-{year}")
    props = {r.property: Q_(r.value, r.unit) for r in fs.table("fuel_property").itertuples()
             if r.fuel == kind}
    by_mass = fuel(kind, Q_(1, "t"), factors=fs).co2e.m
    volume = (Q_(1, "t") / props["density"]).to("m^3")
    assert fuel(kind, volume, factors=fs).co2e.m == pytest.approx(by_mass, rel=CONVERSION_REL)
    gross = (Q_(1, "t") * props["gross_cv"]).to("kWh")
    assert fuel(kind, gross, factors=fs).co2e.m == pytest.approx(by_mass, rel=CONVERSION_REL)
    net = (Q_(1, "t") * props["net_cv"]).to("kWh")
    assert fuel(kind, net, factors=fs, cv="net").co2e.m == pytest.approx(by_mass,
                                                                        rel=CONVERSION_REL)


def _without(fs: FactorSet, category: str, fuel_key: str, basis: str) -> FactorSet:
    """A copy of ``fs`` without one published factor (forces a conversion)."""
    frame = fs.to_frame().drop(columns="edition")
    drop = (frame["category"] == category) & (frame["fuel"] == fuel_key) & \
        (frame["basis"] == basis)
    assert drop.sum() == 1
    return FactorSet({**fs.metadata, "id": f"{fs.id}-test-no-{fuel_key}-{basis}"},
                     frame[~drop].reset_index(drop=True), None)


@pytest.mark.parametrize("year", [2019, 2024])
def test_missing_basis_is_converted_through_properties_and_recorded(year):
    fs = load_factors(f"desnz-{year}")
    published = fuel("diesel", Q_(2, "t"), factors=fs)
    reduced = _without(fs, "fuel", "diesel", "mass")
    converted = fuel("diesel", Q_(2, "t"), factors=reduced)
    # the per-tonne factor is gone: 2 t -> gross kWh through the gross CV (first choice)
    assert converted.factor.keys["basis"] == "energy_gross"
    assert converted.co2e.m == pytest.approx(published.co2e.m, rel=CONVERSION_REL)
    assert any("Fuel properties" in n and "gross CV" in n for n in converted.notes)
    # diesel by mass via density against the per-litre factor
    reduced = _without(_without(fs, "fuel", "diesel", "mass"), "fuel", "diesel", "energy_gross")
    via_volume = fuel("diesel", Q_(2, "t"), factors=_without(reduced, "fuel", "diesel",
                                                              "energy_net"))
    assert via_volume.factor.keys["basis"] == "volume"
    assert via_volume.co2e.m == pytest.approx(published.co2e.m, rel=CONVERSION_REL)
    assert any("density" in n for n in via_volume.notes)


def test_no_property_no_guess():
    # coal (industrial) has no density in the edition: a volume cannot be converted
    with pytest.raises(UnknownFactorError, match="no fuel property"):
        fuel("coal", Q_(1, "m^3"), factors="desnz-2024")


def test_wood_pellets_biogenic_co2_is_separate():
    result = fuel("wood pellets", Q_(1, "t"), factors="desnz-2024")
    assert result.co2e.m == pytest.approx(54.33654)
    assert result.biogenic_co2.m == pytest.approx(1677.18)
    assert result.co2e.m < result.biogenic_co2.m  # biogenic CO2 is not in co2e
    # per kWh (gross by default): DESNZ publishes net CV only -> converted, recorded
    per_kwh = fuel("wood pellets", Q_(1000, "kWh"), factors="desnz-2024")
    assert per_kwh.factor.keys["basis"] == "energy_net"
    assert per_kwh.co2e.m == pytest.approx(1000 * 0.01132 * 17.28 / 18.694)
    assert any("net CV" in n for n in per_kwh.notes)
    assert fuel("natural gas", Q_(1, "kWh")).biogenic_co2 is None


def test_diesel_biogenic_from_outside_of_scopes():
    # hand-worked: 1,000 L diesel 2024 -> 2,512.79 kgCO2e + 160 kg biogenic CO2
    result = fuel("diesel", Q_(1000, "L"), factors="desnz-2024")
    assert result.co2e.m == pytest.approx(2512.79)
    assert result.biogenic_co2.m == pytest.approx(160.0)
    # 2021 has no Outside of scopes sheet: the nearest edition that has one is used
    r2021 = fuel("diesel", Q_(1000, "L"), year=2021)
    assert r2021.factor.edition == "desnz-2021"
    assert r2021.biogenic_co2 is not None
    assert any("used desnz-2022" in n for n in r2021.notes)


def test_year_selects_desnz_edition():
    assert fuel("diesel", Q_(1, "L"), year=2019).co2e.m == pytest.approx(2.59411)
    later = fuel("diesel", Q_(1, "L"), year=2030)
    assert later.factor.edition == "desnz-2025"
    assert any("desnz-2030" in n for n in later.notes)


# --------------------------------------------------------------------------- heat
def test_heat_and_distribution_losses():
    # hand-worked: 10,000 kWh district heat 2019 -> 1,760.6 kgCO2e
    assert heat(Q_(10_000, "kWh"), factors="desnz-2019").co2e.m == pytest.approx(1760.6)
    later = heat(Q_(10_000, "kWh"), factors="desnz-2024", include_td=True)
    # generation factors are in the full sets only (2019, 2025): the nearest one is used
    assert later.factor.edition == "desnz-2025"
    assert any("used desnz-2025" in n for n in later.notes)
    assert heat(Q_(1, "kWh"), factors="desnz-2021").factor.edition == "desnz-2019"
    assert later.activity["td_losses_co2e"].m == pytest.approx(94.6)
    losses = heat_td(Q_(10_000, "kWh"), factors="desnz-2024")
    assert (losses.scope, losses.category) == (3, "td_losses")
    assert losses.co2e.m == pytest.approx(94.6)
    assert heat(Q_(1, "kWh"), kind="onsite heat and steam").factor.keys["kind"] == "onsite"
    with pytest.raises(UnknownFactorError, match="district"):
        heat(Q_(1, "kWh"), kind="geothermal")
    with pytest.raises(pint.DimensionalityError):
        heat(Q_(1, "m^3"))


# --------------------------------------------------------------------------- refrigerants
GWP_CHECKS = {
    "HFC-134a": (1430, 1300, 1530),
    "R-410A": (2088, 1924, 2256),
    "SF6": (22800, 23500, 25200),
}


@pytest.mark.parametrize(("gas", "values"), GWP_CHECKS.items())
def test_gwp_check_values(gas, values):
    for assessment, expected in zip(("AR4", "AR5", "AR6"), values, strict=True):
        result = refrigerant(gas, Q_(1, "kg"), gwp=assessment)
        # blends: the published check values are rounded to the unit (2087.5 -> 2088)
        assert result.co2e.m == pytest.approx(expected, abs=0.5)
        assert result.activity["gwp"] == assessment
        assert assessment in result.method


@pytest.mark.parametrize("name", ["R-410A", "R410a", "r410A", "R-410 A"])
def test_blend_names(name):
    assert refrigerant(name, Q_(1, "kg")).activity["gas"] == "r410a"


@pytest.mark.parametrize(("name", "key"), [("HFC-134a", "hfc_134a"), ("R-134a", "hfc_134a"),
                                          ("R134A", "hfc_134a"), ("SF6", "sf6"),
                                          ("sulphur hexafluoride", "sf6"), ("R-22", "hcfc_22"),
                                          ("HCFC-22", "hcfc_22"), ("R-32", "hfc_32"),
                                          ("CF4", "pfc_14"), ("R-11", "cfc_11")])
def test_gas_names(name, key):
    assert resolve_gas(load_factors("ipcc-gwp"), name) == key


def test_refrigerant_hand_worked_and_split():
    # hand-worked: 2 kg R-410A AR5 -> 2 x (0.5 x 677 + 0.5 x 3170) = 3,847 kgCO2e
    result = refrigerant("R-410A", Q_(2, "kg"), gwp="AR5")
    assert result.co2e.m == pytest.approx(3847.0)
    assert set(result.gases) == {"hfc_32", "hfc_125"}
    assert result.gases["hfc_32"].m == pytest.approx(677.0)
    assert not result.memo
    assert refrigerant("R-410A", Q_(2000, "g")).co2e.m == pytest.approx(3847.0)


def test_montreal_gas_is_a_memo_item():
    result = refrigerant("R-22", Q_(2, "kg"), gwp="AR5")
    assert result.memo is True
    assert result.co2e.m == 0.0
    assert result.activity["memo_co2e"].m == pytest.approx(2 * 1760)
    assert "memo" in result.explain()
    # a blend with Kyoto and Montreal components: Kyoto part counted, rest memo
    mixed = refrigerant("R-402A", Q_(1, "kg"), gwp="AR4")  # R-125/290/22 (60/2/38)
    assert mixed.memo is False
    assert mixed.co2e.m == pytest.approx(0.60 * 3500)
    assert mixed.activity["memo_co2e"].m == pytest.approx(0.38 * 1810)
    assert any("r290" in n for n in mixed.notes)  # no GWP: counted as 0, said so


def test_desnz_montreal_grouping_matches():
    """Our Montreal-Protocol set is DESNZ 2019's ("Refrigerant & other" groups)."""
    gwp = load_factors("ipcc-gwp")
    blends = set(gwp.table("blend_component")["blend"])
    desnz = load_factors("desnz-2019").table("refrigerant")
    checked = 0
    for gas, protocol in zip(desnz["gas"], desnz["protocol"], strict=True):
        try:
            key = resolve_gas(gwp, gas)
        except UnknownFactorError:
            continue  # not in the GWP edition (e.g. dimethylether)
        checked += 1
        if key in blends:
            ours = refrigerant(key, Q_(1, "kg"), gwp="AR4")
            assert (ours.activity.get("memo_co2e", Q_(0, "kgCO2e")).m > 0) == \
                (protocol == "montreal" or ours.activity["protocol"] == "mixed"), gas
        else:
            assert (gas_protocol(key) == "montreal") == (protocol == "montreal"), gas
    assert checked > 50


def test_blend_gwps_reproduce_desnz_2019():
    """AR4 blend GWPs from compositions match DESNZ 2019's published (rounded) values.

    Components without an IPCC GWP (R-290, R-600a) count as zero in sem-carbon; DESNZ
    counts propane 3.3 and isobutane 3: adding those DESNZ figures back reproduces
    DESNZ's integers after rounding half up.
    """
    gwp = load_factors("ipcc-gwp")
    desnz = load_factors("desnz-2019")
    table = desnz.table("refrigerant")
    published = dict(zip(table["gas"], table["value"].astype(float), strict=True))
    blends = set(gwp.table("blend_component")["blend"])
    comp = gwp.table("blend_component")
    both = sorted(blends & set(published))
    assert len(both) >= 10
    for blend in both:
        result = refrigerant(blend, Q_(1, "kg"), gwp="AR4", factors=gwp)
        total = result.activity["gwp_value"]
        parts = comp[comp["blend"] == blend]
        for gas, fraction in zip(parts["gas"], parts["value"].astype(float), strict=True):
            if not (gwp.table("gwp")["gas"] == gas).any():
                total += fraction * published[gas]  # DESNZ's small hydrocarbon GWP
        assert np.floor(total + 0.5) == published[blend], blend


def test_refrigerant_errors():
    with pytest.raises(UnknownFactorError, match="r410a"):
        refrigerant("R-41OA", Q_(1, "kg"))
    with pytest.raises(UnknownFactorError, match="no GWP"):
        refrigerant("R-290", Q_(1, "kg"))
    with pytest.raises(UnknownFactorError, match="AR4"):
        refrigerant("HFC-41", Q_(1, "kg"), gwp="AR4")
    with pytest.raises(InvalidActivityError):
        refrigerant("SF6", Q_(1, "kg"), gwp="AR3")
    with pytest.raises(pint.DimensionalityError):
        refrigerant("SF6", Q_(1, "L"))
    with pytest.raises(UnitError):
        refrigerant("SF6", 1)


# --------------------------------------------------------------------------- waste
def test_waste():
    # hand-worked: 2 t C&I waste to landfill 2024 -> 2 x 520.3342 = 1,040.6684 kgCO2e
    result = waste(Q_(2, "t"), "general waste", "landfill", factors="desnz-2024")
    assert result.co2e.m == pytest.approx(1040.6684)
    assert result.factor.keys == {"material": "commercial_and_industrial_waste",
                                  "disposal": "landfill"}
    assert waste(Q_(2000, "kg"), "Commercial and industrial waste", "Landfill",
                 factors="desnz-2024").co2e.m == pytest.approx(1040.6684)
    recycled = waste(Q_(1, "t"), "paper", "recycling", factors="desnz-2024")
    assert recycled.factor.keys["disposal"] == "closed_loop"
    assert any("recycling" in n for n in recycled.notes)
    assert waste(Q_(1, "t"), "food", "anaerobic digestion").factor.keys["material"] == \
        "organic_food_and_drink_waste"
    with pytest.raises(UnknownFactorError, match="paper"):
        waste(Q_(1, "t"), "papper", "landfill")
    with pytest.raises(UnknownFactorError, match="landfill"):
        waste(Q_(1, "t"), "paper", "burry")
    with pytest.raises(pint.DimensionalityError):
        waste(Q_(1, "m^3"), "paper", "landfill")


def test_water_unit_mistake():
    with pytest.raises(pint.DimensionalityError):
        water(Q_(10, "kWh"))


# --------------------------------------------------------------------------- batch
def _table() -> pd.DataFrame:
    rows = [
        {"kind": "electricity", "amount": 1000.0, "unit": "kWh", "country": "GB", "year": 2019},
        {"kind": "electricity", "amount": 250.0, "unit": "MWh", "country": "India", "year": 2019},
        {"kind": "electricity", "amount": 10.0, "unit": "GJ", "country": "CH", "year": 2024},
        {"kind": "electricity", "amount": 500.0, "unit": "kWh", "country": "KE", "year": 2022,
             "method": "market", "supplier_factor_kg_per_kwh": 0.05},
        {"kind": "natural_gas", "amount": 12345.0, "unit": "kWh", "year": 2024},
        {"kind": "Natural gas", "amount": 321.0, "unit": "m^3", "year": 2019},
        {"kind": "diesel", "amount": 77.7, "unit": "L", "year": 2021},
        {"kind": "heating oil", "amount": 900.0, "unit": "L", "year": 2024},
        {"kind": "wood_pellets", "amount": 3.3, "unit": "t", "year": 2024},
        {"kind": "wood_pellets", "amount": 5000.0, "unit": "kWh", "year": 2024},
        {"kind": "district_heat", "amount": 4000.0, "unit": "kWh", "year": 2024},
        {"kind": "refrigerant", "amount": 2.0, "unit": "kg", "gas": "R-410A", "year": 2024},
        {"kind": "refrigerant", "amount": 1.5, "unit": "kg", "gas": "R-22", "year": 2024},
        {"kind": "water", "amount": 100.0, "unit": "m^3", "year": 2019, "treatment": True},
        {"kind": "water", "amount": 100.0, "unit": "m^3", "year": 2024, "treatment": False},
        {"kind": "waste", "amount": 2.0, "unit": "t", "material": "general waste",
             "disposal": "landfill", "year": 2024},
    ]
    frame = pd.DataFrame(rows)
    frame.insert(0, "source_row", np.arange(len(frame)) + 2)
    return frame


def _scalar(row: pd.Series):
    year = int(row["year"])
    amount = Q_(float(row["amount"]), row["unit"])
    kind = row["kind"]
    if kind == "electricity":
        market = row.get("method") == "market"
        return electricity(amount, row["country"], year=year,
                           method="market" if market else "location",
                           supplier_factor=Q_(row["supplier_factor_kg_per_kwh"], "kgCO2e/kWh")
                           if market else None)
    if kind == "district_heat":
        return heat(amount, year=year)
    if kind == "refrigerant":
        return refrigerant(row["gas"], amount, gwp="AR5")
    if kind == "water":
        return water(amount, treatment=bool(row["treatment"]), year=year)
    if kind == "waste":
        return waste(amount, row["material"], row["disposal"], year=year)
    return fuel(kind, amount, year=year)


def test_batch_equals_scalar():
    data = _table()
    results, rejects = compute_facilities(data)
    assert rejects.empty
    assert list(results.index) == list(data.index)
    for label, row in data.iterrows():
        one = _scalar(row)
        got = results.loc[label]
        assert got["co2e_kg"] == one.co2e.m_as("kgCO2e"), row["kind"]  # identical numbers
        assert got["category"] == one.category
        assert got["scope"] == one.scope
        bio = np.nan if one.biogenic_co2 is None else one.biogenic_co2.m
        np.testing.assert_equal(got["biogenic_co2_kg"], bio)
        memo = one.activity.get("memo_co2e", Q_(0.0, "kgCO2e")).m
        assert got["memo_co2e_kg"] == memo
        assert got["factor_id"] == (one.factor.edition if row["kind"] != "electricity"
                                    or row.get("method") != "market" else "user")
        assert got["co2e_kg"] == pytest.approx(row["amount"] * got["factor_value"], rel=1e-15)
        for gas in ("co2", "ch4", "n2o"):
            if gas in one.gases:
                assert got[f"{gas}_kg"] == one.gases[gas].m
    assert (results["rf_kg"] == 0).all()


def test_batch_hand_worked_and_td_rows():
    data = _table()
    results, _ = compute_facilities(data, include_td=True)
    first = results.loc[[0]]
    assert list(first["category"]) == ["electricity", "td_losses"]
    assert list(first["co2e_kg"]) == pytest.approx([255.6, 21.7])
    assert list(first["scope"]) == [2, 3]
    heat_rows = results.loc[[10]]
    assert list(heat_rows["category"]) == ["heat", "td_losses"]
    # India has no T&D factor: no extra row, a note instead
    assert len(results.loc[[1]]) == 1
    assert "T&D losses not computed" in results.loc[1, "notes"]
    # electricity + heat T&D rows are the only extras
    assert len(results) == len(data) + 2
    assert data.loc[results.index, "source_row"].tolist()[:2] == [2, 2]
    td = electricity_td(Q_(1000, "kWh"), "GB", year=2019)
    assert first["co2e_kg"].iloc[1] == td.co2e.m


def test_batch_per_year_editions_and_fixed_edition():
    data = _table()
    per_year, _ = compute_facilities(data)
    assert per_year.loc[5, "factor_id"] == "desnz-2019"
    assert per_year.loc[4, "factor_id"] == "desnz-2024"
    fixed, _ = compute_facilities(data, "desnz-2019")
    assert fixed.loc[4, "factor_id"] == "desnz-2019"
    assert fixed.loc[4, "co2e_kg"] == 12345.0 * 0.18385


def test_batch_rejects_with_reasons():
    data = pd.DataFrame([
        {"kind": "water", "amount": 10.0, "unit": "kWh"},
        {"kind": "dissel", "amount": 1.0, "unit": "L"},
        {"kind": "electricity", "amount": 1.0, "unit": "kWh", "country": "Narnia"},
        {"kind": "electricity", "amount": 1.0, "unit": "kWh", "country": "KE", "method": "market"},
        {"kind": "diesel", "amount": -3.0, "unit": "L"},
        {"kind": "diesel", "amount": np.nan, "unit": "L"},
        {"kind": "diesel", "amount": 3.0, "unit": "parsecs of doom"},
        {"kind": "refrigerant", "amount": 1.0, "unit": "kg", "gas": "R-999"},
        {"kind": "waste", "amount": 1.0, "unit": "t", "material": "paper"},
        {"kind": "electricity", "amount": 1.0, "unit": "L", "country": "GB"},
        {"kind": "diesel", "amount": 3.0, "unit": "L"},
    ])
    data.index = [f"r{i}" for i in range(len(data))]  # any index is kept
    results, rejects = compute_facilities(data)
    assert list(results.index) == ["r10"]
    assert list(rejects.index) == [f"r{i}" for i in range(10)]
    assert list(rejects["source_row"]) == list(range(2, 12))  # position + 2 without a column
    by_row = rejects.set_index("source_row")
    assert by_row.loc[2, "column"] == "unit"
    assert "'kWh'" in by_row.loc[2, "reason"] and "volume" in by_row.loc[2, "reason"]
    assert by_row.loc[3, "column"] == "kind" and "diesel" in by_row.loc[3, "reason"]
    assert by_row.loc[4, "column"] == "country" and by_row.loc[4, "value"] == "Narnia"
    assert by_row.loc[5, "column"] == "supplier_factor_kg_per_kwh"
    assert by_row.loc[6, "column"] == "amount" and "negative" in by_row.loc[6, "reason"]
    assert by_row.loc[7, "column"] == "amount"
    assert by_row.loc[8, "column"] == "unit"
    assert by_row.loc[9, "column"] == "gas"
    assert by_row.loc[10, "column"] == "disposal"
    assert by_row.loc[11, "column"] == "unit" and "energy" in by_row.loc[11, "reason"]
    assert (rejects["reason"] != "").all()


def test_every_row_in_exactly_one_table():
    data = pd.concat([_table(), pd.DataFrame([{"kind": "nope", "amount": 1.0, "unit": "kg"}])],
                     ignore_index=True)
    results, rejects = compute_facilities(data, include_td=True)
    computed = set(results.index)
    assert computed.isdisjoint(rejects.index)
    assert computed | set(rejects.index) == set(data.index)


def test_batch_large_table_is_vectorised():
    data = _table()
    big = data.iloc[np.tile(np.arange(len(data)), 5000)].reset_index(drop=True)
    results, rejects = compute_facilities(big)
    assert len(results) == len(big) and rejects.empty
    small, _ = compute_facilities(data)
    np.testing.assert_array_equal(results["co2e_kg"].to_numpy()[: len(data)],
                                  small["co2e_kg"].to_numpy())


def test_batch_bad_gwp_argument():
    with pytest.raises(InvalidActivityError):
        compute_facilities(_table(), gwp="AR2")


def test_batch_common_unit_spellings():
    data = pd.DataFrame({"kind": ["water", "diesel", "electricity"], "amount": [1.0, 1.0, 1.0],
                         "unit": ["m3", "Litres", "kwh"], "country": [None, None, "GB"],
                         "year": [2024, 2024, 2024]})
    results, rejects = compute_facilities(data)
    assert rejects.empty
    assert list(results["co2e_kg"]) == pytest.approx([0.15311 + 0.18574, 2.51279, 0.20705])


@pytest.mark.parametrize("word", ["no", "false", "N", 0])
def test_yes_no_arguments_of_the_scalar_calls_are_read_not_truthy(word):
    # treatment="no" was truthy: the treatment factor was added, silently
    volume = sc.Q_(10, "m^3")
    without = sc.water(volume, treatment=False, year=2023).co2e
    assert sc.water(volume, treatment=word, year=2023).co2e == without
    assert sc.water(volume, treatment="yes", year=2023).co2e > without
    energy = sc.Q_(1000, "kWh")
    assert sc.electricity(energy, country="GB", year=2023, include_td=word).co2e == \
        sc.electricity(energy, country="GB", year=2023).co2e
    with pytest.raises(sc.InvalidActivityError, match="include_td must be yes/no"):
        sc.heat(sc.Q_(1, "MWh"), include_td="maybe")


# ---------------------------------------------------------------- an edition of one's own
# without UK electricity, and grid / GWP editions given as factors= (audit B)
def _fuel_only_edition(tmp_path, extra=()):
    from conftest import TINY_META

    rows = pd.DataFrame([{"category": "fuel", "fuel": "natural_gas", "basis": "energy_gross",
                          "value": 0.2, "unit": "kgCO2e / kWh"}, *extra])
    return sc.write_factor_set(tmp_path / "my-factors",
                               {**TINY_META, "id": "my-factors", "year": 2019},
                               {"factors": rows})


def test_gb_electricity_without_a_uk_factor_in_ones_edition_takes_desnz_of_its_year(tmp_path):
    # DESNZ 2019, sheet "UK electricity": 0.25560 kgCO2e/kWh; "Transmission and
    # distribution": 0.02170. Ember's GB 2020 figure (0.2457) was used before, unnoted.
    mine = _fuel_only_edition(tmp_path)
    result = electricity(sc.Q_(1000, "kWh"), "GB", year=2019, factors=mine)
    assert result.co2e.m == pytest.approx(255.6)
    assert result.factor.edition == "desnz-2019"
    assert "DESNZ UK grid electricity generation factor (desnz-2019)" in result.method
    assert "my-factors has no UK electricity factors; used desnz-2019" in " ".join(result.notes)
    td = sc.electricity_td(sc.Q_(1000, "kWh"), "GB", factors=mine)
    assert (td.co2e.m, td.factor.edition) == (pytest.approx(21.7), "desnz-2019")
    bills = pd.DataFrame({"entity": ["A"] * 3, "year": [2019] * 3,
                          "kind": ["natural gas", "electricity", "water"],
                          "amount": [1000, 1000, 100], "unit": ["kWh", "kWh", "m3"],
                          "country": ["GB"] * 3})
    data = sc.calculate(bills, factors=mine, include_td=True).data.set_index("category")
    assert data["co2e_kg"].to_dict() == pytest.approx(
        {"fuel": 200.0, "electricity": 255.6, "td_losses": 21.7, "water": 105.2})
    assert data.loc["electricity", "factor_id"] == "desnz-2019"
    assert "used desnz-2019" in data.loc["electricity", "notes"]  # as water says


def test_ones_own_gb_factor_and_other_countries_keep_their_sources(tmp_path):
    own = {"category": "electricity", "country": "GB", "component": "generation",
           "value": 0.1, "unit": "kgCO2e / kWh", "label": "Our PPA"}
    mine = _fuel_only_edition(tmp_path, [own])
    gb = electricity(sc.Q_(1000, "kWh"), "GB", year=2019, factors=mine)
    assert (gb.co2e.m, gb.factor.edition, gb.notes) == (pytest.approx(100.0), "my-factors", ())
    fr = electricity(sc.Q_(1000, "kWh"), "FR", year=2020, factors=mine)
    assert fr.factor.edition == "ember-grid"  # countries other than the UK: Ember, as before


@pytest.mark.parametrize("edition", ["ember-grid", "ipcc-gwp"])
def test_a_grid_or_gwp_edition_as_factors_is_refused_for_fuel_water_and_heat(edition):
    # it gave fuels desnz-2024 (ember-grid's year) or desnz-2021 (ipcc-gwp's), noted only
    for call in (lambda: fuel("natural gas", sc.Q_(1000, "kWh"), factors=edition),
                 lambda: sc.water(sc.Q_(100, "m^3"), factors=edition),
                 lambda: sc.heat(sc.Q_(1000, "kWh"), factors=edition)):
        with pytest.raises(InvalidArgumentError,
                           match=rf"factors='{edition}' is a .* edition and has no"):
            call()


def test_calculate_with_ember_grid_computes_electricity_and_rejects_the_fuel_row():
    bills = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2019],
                          "kind": ["natural gas", "electricity"], "amount": [1000, 1000],
                          "unit": ["kWh", "kWh"], "country": ["GB", "GB"]})
    inv = sc.calculate(bills, factors="ember-grid")
    assert inv.data["factor_id"].tolist() == ["ember-grid"]  # a grid for every country
    assert inv.rejected["source_row"].tolist() == [2]
    assert "is a grid-intensity edition and has no fuel factors" in inv.rejected["reason"][0]
