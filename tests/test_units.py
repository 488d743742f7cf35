"""The unit registry: CO2e is its own dimension; counting units; currencies never mix."""

from __future__ import annotations

import pint
import pytest

import sem_carbon as sc
from sem_carbon.units import MAX_UNIT_TEXT, as_quantity, magnitude_in, parse_unit


def test_co2e_units_convert_among_themselves():
    assert sc.Q_(1500, "kgCO2e").to("tCO2e").m == pytest.approx(1.5)
    assert sc.Q_(1, "ktCO2e").m_as("kgCO2e") == pytest.approx(1e6)
    assert sc.Q_(2, "MtCO2e").m_as("tCO2e") == pytest.approx(2e6)
    assert sc.Q_(250, "gCO2e / kWh").m_as("kgCO2e / kWh") == pytest.approx(0.25)


@pytest.mark.parametrize("other", ["kg", "kWh", "L", "km"])
def test_co2e_never_converts_to_other_dimensions(other):
    with pytest.raises(pint.DimensionalityError):
        sc.Q_(1, "kgCO2e").to(other)


def test_passenger_km_factor_times_distance_and_passengers_gives_co2e():
    factor = sc.Q_(0.15, "kgCO2e / passenger / km")
    result = factor * sc.Q_(100, "km") * sc.Q_(2, "passenger")
    assert result.to("kgCO2e").m == pytest.approx(30.0)
    with pytest.raises(pint.DimensionalityError):
        (factor * sc.Q_(100, "km")).to("kgCO2e")  # forgot the passengers
    assert sc.Q_(1, "pkm").to("passenger * km").m == 1


def test_mixing_energy_and_volume_raises():
    with pytest.raises(pint.DimensionalityError):
        sc.Q_(1, "kWh") + sc.Q_(1, "L")


def test_currencies_do_not_mix():
    with pytest.raises(pint.DimensionalityError):
        sc.Q_(1, "USD") + sc.Q_(1, "CHF")


def test_room_night_unit_parses():
    assert (sc.Q_(3, "room_night") * sc.Q_(10, "kgCO2e / room_night")).m_as("kgCO2e") == 30


def test_as_quantity_rejects_plain_numbers_with_a_clear_message():
    with pytest.raises(sc.UnitError, match="distance must be a pint Quantity"):
        as_quantity(120, "[length]", "distance")
    with pytest.raises(pint.DimensionalityError):
        as_quantity(sc.Q_(5, "kWh"), "[length]", "distance")
    assert as_quantity("3 mi", "[length]", "distance").m_as("km") == pytest.approx(4.828032)


def test_magnitude_in_returns_float_array():
    out = magnitude_in(sc.Q_([1.0, 2.0], "mi"), "km", "[length]", "distance")
    assert out.tolist() == pytest.approx([1.609344, 3.218688])


def test_application_registry_is_ours():
    assert pint.get_application_registry().get() is sc.ureg or \
        pint.get_application_registry() is sc.ureg


def test_fast_quantity_constructor_matches_pint():
    from sem_carbon.units import quantity

    unit = sc.ureg.Unit("kgCO2e")
    fast, slow = quantity(12.5, unit), sc.Q_(12.5, unit)
    assert fast == slow and str(fast) == str(slow)
    assert fast.to("tCO2e").m == pytest.approx(0.0125)
    with pytest.raises(pint.DimensionalityError):
        fast.to("kg")


def test_texts_too_long_to_be_units_are_refused_before_pint_parses_them():
    """pint's parser is quadratic in the text's length: a 1 MB cell would take hours."""
    assert str(parse_unit("kg" + " " * (MAX_UNIT_TEXT - 2))) == "kg"  # at the limit: parsed
    with pytest.raises(sc.UnitError, match="1,048,576 characters is not a unit"):
        parse_unit("x" * (1 << 20))
    with pytest.raises(sc.UnitError, match="not an amount with a unit"):
        as_quantity("9" * (1 << 20) + " km", "[length]", "distance")


def test_an_amount_as_text_reads_its_unit_as_the_readers_do():
    """``sc.fuel("diesel", "100 gal")`` was pint's US gallon while a bill's ``gal`` is
    refused as ambiguous (a UK gallon is 20% more); ``"1000 m3"`` raised pint's
    UndefinedUnitError, outside the SemCarbonError tree, while a bill's ``m3`` is read."""
    for text in ("100 gal", "1 ton", "5 kgal"):
        with pytest.raises(sc.UnitError, match="ambiguous unit"):
            sc.fuel("diesel", text, year=2023)
    with pytest.raises(sc.UnitError, match="ambiguous unit 'ML'"):
        sc.water("1 ML", year=2023)
    with pytest.raises(sc.UnitError, match="unknown unit 'zorks'"):
        sc.water("10 zorks", year=2023)
    # DESNZ 2023 water supply + treatment: 0.378 kgCO2e/m^3 (the reader's figure for m3)
    assert sc.water("1000 m3", year=2023).co2e.m == pytest.approx(
        sc.water(sc.Q_(1000, "m^3"), year=2023).co2e.m)
    assert sc.fuel("diesel", "100 US gal", year=2023).co2e.m == pytest.approx(
        sc.fuel("diesel", sc.Q_(100, "US_liquid_gallon"), year=2023).co2e.m)


def test_mt_as_text_is_refused_as_the_readers_refuse_it():
    """``sc.fuel("coal_industrial", "2 Mt")`` was 2 tonnes (read as ``mt``), while
    ``sc.Q_(2, "Mt")`` is pint's 2 megatonnes: the text is refused, as a bill's ``Mt``
    is; ``MT`` and ``mt`` stay tonnes and ``megatonne`` is exact."""
    for call in (lambda: sc.fuel("coal_industrial", "2 Mt", year=2023),
                 lambda: sc.waste("2 Mt", kind="paper and board", disposal="landfill",
                                  year=2023),
                 lambda: sc.refrigerant("R-410A", "2 Mt")):
        with pytest.raises(sc.UnitError, match=r"ambiguous unit 'Mt' \(megatonne.*metric "
                                               r"tonne"):
            call()
    with pytest.raises(sc.UnitError, match=r"ambiguous unit 'kt' \(kilotonne"):
        sc.fuel("coal_industrial", "2 kt", year=2023)
    tonnes = sc.fuel("coal_industrial", sc.Q_(2, "t"), year=2023).co2e.m
    # DESNZ 2023, Fuels, Coal (industrial), tonnes: 2,396.48 kgCO2e/t
    assert tonnes == pytest.approx(2 * 2396.48, abs=0.02)
    for text in ("2 MT", "2 mt", "2 metric tonnes", "2 tonnes"):
        assert sc.fuel("coal_industrial", text, year=2023).co2e.m == pytest.approx(
            tonnes, rel=1e-12)
    assert sc.fuel("coal_industrial", "2e-6 megatonne", year=2023).co2e.m == \
        pytest.approx(tonnes, rel=1e-12)
    assert sc.Q_(2, "Mt").m_as("t") == pytest.approx(2e6)  # pint's own reading: megatonnes

