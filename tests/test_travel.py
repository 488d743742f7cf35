"""Travel calculators against the DESNZ tables (methodology.md check values) and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pint
import pytest

import sem_carbon as sc
from sem_carbon.travel.air import BAND_EDGES_KM, air_kernel, air_tables
from sem_carbon.travel.batch import compute_travel

# (haul, cabin, 2019 with RF, 2019 without, 2024 with RF, 2024 without) — methodology.md,
# read from DESNZ "Business travel- air" (kgCO2e per passenger-km).
AIR = [
    ("long_haul", "economy", 0.14981, 0.07920, 0.20011, 0.11812),
    ("long_haul", "premium economy", 0.23970, 0.12673, 0.32015, 0.18897),
    ("long_haul", "business", 0.43446, 0.22969, 0.58028, 0.34252),
    ("long_haul", "first", 0.59925, 0.31681, 0.80040, 0.47246),
    ("long_haul", "average", 0.19562, 0.10342, 0.26128, 0.15423),
    ("short_haul", "economy", 0.15573, 0.08233, 0.18287, 0.10794),
    ("short_haul", "business", 0.23360, 0.12350, 0.27430, 0.16191),
    ("domestic", "average", 0.25493, 0.13483, 0.27257, 0.16098),
]
# a route in each distance band: domestic < 500 km <= short-haul < 3,700 km <= long-haul
ROUTE = {"domestic": ("LHR", "MAN"), "short_haul": ("GVA", "LHR"), "long_haul": ("GVA", "JFK")}


@pytest.mark.parametrize(("haul", "cabin", "w19", "wo19", "w24", "wo24"), AIR)
@pytest.mark.parametrize("edition", ["desnz-2019", "desnz-2024"])
@pytest.mark.parametrize("rf", [True, False])
def test_flight_is_published_factor_times_great_circle(haul, cabin, w19, wo19, w24, wo24,
                                                       edition, rf):
    orig, dest = ROUTE[haul]
    km = sc.great_circle(orig, dest).m_as("km")
    published = {("desnz-2019", True): w19, ("desnz-2019", False): wo19,
                 ("desnz-2024", True): w24, ("desnz-2024", False): wo24}[(edition, rf)]
    result = sc.flight(orig, dest, cabin=cabin, radiative_forcing=rf, factors=edition)
    assert result.co2e.m_as("kgCO2e") == pytest.approx(published * km, rel=5e-5)
    assert result.activity["haul"] == haul
    assert result.factor.edition == edition


@pytest.mark.parametrize(("cabin", "w19", "w24"), [("economy", 0.13845, 0.13465),
                                                   ("business", 0.40149, 0.39044)])
def test_desnz_haul_rule_uses_international_factors_without_a_uk_end(cabin, w19, w24):
    km = sc.great_circle("GVA", "JFK").m_as("km")
    for edition, value in (("desnz-2019", w19), ("desnz-2024", w24)):
        result = sc.flight("GVA", "JFK", cabin=cabin, haul="desnz", factors=edition)
        assert result.activity["haul"] == "international"
        assert result.co2e.m_as("kgCO2e") == pytest.approx(value * km, rel=5e-5)


def test_desnz_haul_rule_for_uk_flights():
    # LHR-GVA: UK to Switzerland = short-haul by the DESNZ table; LHR-JFK long-haul
    assert sc.flight("LHR", "GVA", haul="desnz").activity["haul"] == "short_haul"
    assert sc.flight("LHR", "JFK", haul="desnz").activity["haul"] == "long_haul"
    assert sc.flight("LHR", "EDI", haul="desnz").activity["haul"] == "domestic"


def test_rf_share_is_the_co2_uplift_only():
    with_rf = sc.flight("GVA", "JFK", factors="desnz-2019")
    without = sc.flight("GVA", "JFK", factors="desnz-2019", radiative_forcing=False)
    rf = with_rf.radiative_forcing.m_as("kgCO2e")
    assert rf == pytest.approx(with_rf.co2e.m - without.co2e.m, rel=1e-12)
    # 2019 multiplier 1.9: RF share = 0.9 x the CO2 component
    assert rf == pytest.approx(0.9 * without.gases["co2"].m, rel=2e-3)
    assert without.radiative_forcing.m == 0


def test_round_trip_passengers_and_direction():
    one = sc.flight("GVA", "NBO", cabin="business").co2e.m
    assert sc.flight("GVA", "NBO", cabin="business", round_trip=True).co2e.m == \
        pytest.approx(2 * one)
    assert sc.flight("GVA", "NBO", cabin="business", passengers=3).co2e.m == \
        pytest.approx(3 * one)
    assert sc.flight("NBO", "GVA", cabin="business").co2e.m == pytest.approx(one)


def test_via_is_the_sum_of_its_legs():
    trip = sc.flight("GVA", "JFK", via=["LHR"], cabin="economy")
    legs = sc.flight("GVA", "LHR").co2e.m + sc.flight("LHR", "JFK").co2e.m
    assert trip.co2e.m == pytest.approx(legs)
    assert [leg["haul"] for leg in trip.activity["legs"]] == ["short_haul", "long_haul"]
    assert trip.activity["distance"].m_as("km") == pytest.approx(
        sc.great_circle("GVA", "LHR").m + sc.great_circle("LHR", "JFK").m)


def test_cabin_names_are_case_and_space_insensitive_and_fallbacks_are_recorded():
    a = sc.flight("GVA", "LHR", cabin="Premium Economy")
    b = sc.flight("GVA", "LHR", cabin="premium_economy")
    assert a.co2e.m == b.co2e.m
    assert any("premium_economy" in n and "economy" in n for n in a.notes)
    first = sc.flight("GVA", "LHR", cabin="FIRST")
    assert first.co2e.m == pytest.approx(sc.flight("GVA", "LHR", cabin="business").co2e.m)
    dom = sc.flight("LHR", "MAN", cabin="business")
    assert dom.co2e.m == pytest.approx(sc.flight("LHR", "MAN", cabin="average").co2e.m)
    assert sc.flight("GVA", "JFK", cabin="unknown").co2e.m == \
        pytest.approx(sc.flight("GVA", "JFK", cabin="average").co2e.m)
    with pytest.raises(sc.InvalidActivityError, match="unknown cabin"):
        sc.flight("GVA", "JFK", cabin="cargo hold")


def test_unknown_airport_names_the_code():
    with pytest.raises(sc.UnknownAirportError, match="QQX"):
        sc.flight("GVA", "QQX")


def test_explain_names_factor_edition_and_source():
    text = sc.flight("GVA", "JFK", cabin="business", factors="desnz-2019").explain()
    assert "desnz-2019" in text and "Business travel- air" in text
    assert "radiative forcing" in text and "GVA" in text


def test_year_selects_the_matching_edition():
    assert sc.flight("GVA", "JFK", year=2019).factor.edition == "desnz-2019"
    assert sc.flight("GVA", "JFK", year=2024).factor.edition == "desnz-2024"
    later = sc.flight("GVA", "JFK", year=2031)
    assert later.factor.edition == "desnz-2025" and any("desnz-2031" in n for n in later.notes)


def test_smooth_haul_has_no_jump_and_never_falls_with_distance():
    tables = air_tables(sc.load_factors("desnz-2019"))
    d = np.linspace(50, 9000, 20001)
    for cabin in range(5):
        for rf in (True, False):
            e = air_kernel(tables, d, np.full(d.shape, cabin), rf, 1.0, "smooth")["co2e"]
            assert np.all(np.diff(e) >= -1e-9), (cabin, rf)
            for edge in BAND_EDGES_KM:
                near = air_kernel(tables, np.array([edge - 1e-6, edge + 1e-6]),
                                  np.array([cabin, cabin]), rf, 1.0, "smooth")["co2e"]
                assert abs(near[1] - near[0]) < 1e-3
    banded = air_kernel(tables, d, np.ones(d.shape, int), True, 1.0, "distance")["co2e"]
    jumps = np.diff(banded)
    assert jumps.min() < -1.0  # the banded rule does fall at 3,700 km: that is what we fix
    far = (d < 300) | (d > 6000)
    smooth = air_kernel(tables, d, np.ones(d.shape, int), True, 1.0, "smooth")["co2e"]
    assert np.allclose(smooth[far], banded[far])


def test_great_circle_and_units():
    km = sc.great_circle("GVA", "JFK")
    assert km.check("[length]")
    assert 6150 < km.m_as("km") < 6250
    assert sc.great_circle("gva", " jfk ").m == km.m


def test_rail_road_hotel_against_published_factors():
    d = sc.Q_(100, "km")
    cases = [
        (sc.rail(d, factors="desnz-2019"), 4.115),
        (sc.rail(d, kind="international", factors="desnz-2019"), 0.597),
        (sc.rail(d, kind="tram", factors="desnz-2019"), 3.508),
        (sc.road(d, vehicle="coach", factors="desnz-2019"), 2.779),
        (sc.road(d, vehicle="taxi", factors="desnz-2019"), 15.018),
        (sc.road(d, vehicle="bus", factors="desnz-2019"), 10.471),
        (sc.road(d, factors="desnz-2019"), 17.710),
        (sc.road(d, fuel="Petrol", factors="desnz-2019"), 18.084),
        (sc.road(d, fuel="diesel", factors="desnz-2019"), 17.336),
        (sc.rail(d, factors="desnz-2024"), 3.546),
        (sc.road(d, vehicle="coach", factors="desnz-2024"), 2.717),
        (sc.road(d, fuel="diesel", factors="desnz-2024"), 16.984),
        (sc.hotel(1, "Switzerland", factors="desnz-2019"), 6.9),
        (sc.hotel(1, "US", factors="desnz-2019"), 21.4),
        (sc.hotel(1, "THA", factors="desnz-2019"), 54.6),
        (sc.hotel(1, "India", factors="desnz-2019"), 86.7),
        (sc.hotel(1, "CH", factors="desnz-2024"), 6.6),
        (sc.hotel(1, "United States", factors="desnz-2024"), 16.1),
        (sc.hotel(1, "Thailand", factors="desnz-2024"), 43.4),
    ]
    for emission, expected in cases:
        assert emission.co2e.m_as("kgCO2e") == pytest.approx(expected, rel=2e-3), \
            emission.explain()


def test_hotel_fallback_is_named():
    kenya = sc.hotel(2, "Kenya", factors="desnz-2024")
    assert kenya.co2e.m > 0
    assert kenya.notes and ("median" in kenya.notes[0] or "edition" in kenya.notes[0])
    with pytest.raises(sc.UnknownCountryError, match="Narnia"):
        sc.hotel(1, "Narnia")


def test_passengers_that_are_not_a_number_are_rejected_not_one():
    # calculate(DataFrame) read "two" passengers as NaN, then as the default 1: 1,213 kg
    # for a flight the log says carried two; a blank cell is still one passenger
    frame = pd.DataFrame({"mode": ["air", "air", "air", "rail"],
                          "origin": ["GVA", "GVA", "GVA", ""],
                          "destination": ["JFK", "JFK", "JFK", ""],
                          "distance_km": [np.nan, np.nan, np.nan, 100.0],
                          "cabin": "economy", "passengers": ["two", "2", " ", "3 pax"],
                          "date": "2019-05-01"})
    inv = sc.calculate(frame)
    one = sc.flight("GVA", "JFK", year=2019).co2e.m_as("kgCO2e")
    assert inv.data["source_row"].tolist() == [3, 4]
    assert inv.data["co2e_kg"].tolist() == pytest.approx([2 * one, one])
    assert inv.rejected[["source_row", "column", "value", "reason"]].values.tolist() == [
        [2, "passengers", "two", "passengers must be a number > 0"],
        [5, "passengers", "3 pax", "passengers must be a number > 0"]]


def test_hotel_guests_are_not_rooms_and_the_row_says_so():
    # 3 guests on a hotel row were one room's nights with nothing said (cars say it)
    frame = pd.DataFrame({"mode": "hotel", "nights": [2, 2, 2], "country": "CH",
                          "passengers": [3, 1, np.nan], "date": "2019-05-01"})
    inv = sc.calculate(frame)
    per_night = sc.hotel(1, "CH", factors="desnz-2019").co2e.m_as("kgCO2e")
    assert inv.data["co2e_kg"].tolist() == pytest.approx([2 * per_night] * 3)
    assert inv.data["notes"].astype(str).tolist() == [
        "hotel factors are per room-night: passengers not multiplied (room-nights are nights "
        "x rooms; 1 room where the row gives none)", "", ""]


NO_ROOM = "rooms 0: a hotel stay in no room; remove the row or give the number of rooms"
TOO_MANY_ROOMS = ("rooms over 1,000 on one row is not plausible (split the row, see "
                  "docs/limits.md)")


def test_hotel_rooms_multiply_room_nights_on_every_path():
    # Rooms=3 was kept as an extra column and computed as one room (13.4 kg for 2 nights in
    # FR, 2023) while sc.hotel(2, "FR", rooms=3) gave 40.2 kg: the paths disagreed 3x
    per_night = sc.hotel(1, "FR", year=2023).co2e.m_as("kgCO2e")
    assert sc.hotel(2, "FR", year=2023, rooms=3).co2e.m_as("kgCO2e") == pytest.approx(
        6 * per_night)
    frame = pd.DataFrame({"Date": "2023-06-03", "Mode": "hotel", "Nights": 2,
                          "Rooms": [3, 1, None, "2", 0, -1, "two", 1001],
                          "Passengers": [3, 1, 1, 4, 1, 1, 1, 1], "Country": "FR"})
    log = sc.read_travel_log(frame)
    assert "Rooms" not in log.data.columns
    assert log.data["rooms"].tolist() == [3.0, 1.0, 1.0, 2.0]
    assert log.rejected[["source_row", "column", "value", "reason"]].values.tolist() == [
        [6, "Rooms", "0", NO_ROOM], [7, "Rooms", "-1", "negative rooms"],
        [8, "Rooms", "two", "rooms is not a number"], [9, "Rooms", "1001", TOO_MANY_ROOMS]]
    inv = sc.calculate(log)
    assert inv.data["co2e_kg"].tolist() == pytest.approx(
        [6 * per_night, 2 * per_night, 2 * per_night, 4 * per_night])
    guests = [n for n in inv.data["notes"] if "passengers not multiplied" in n]
    assert len(guests) == 2  # 3 guests in 3 rooms, 4 guests in 2 rooms: still said
    canonical = pd.DataFrame({"date": "2023-06-03", "mode": "hotel", "nights": 2,
                              "rooms": [3, 1, None, "2", 0, -1, "two", 1001],
                              "country": "FR"})
    inv = sc.calculate(canonical)
    assert inv.data["source_row"].tolist() == [2, 3, 4, 5]
    assert inv.data["co2e_kg"].tolist() == pytest.approx(
        [6 * per_night, 2 * per_night, 2 * per_night, 4 * per_night])
    assert inv.rejected[["source_row", "column", "reason"]].values.tolist() == [
        [6, "rooms", NO_ROOM], [7, "rooms", "rooms must be a number > 0"],
        [8, "rooms", "rooms must be a number > 0"], [9, "rooms", TOO_MANY_ROOMS]]


def test_rooms_on_a_row_that_is_no_hotel_stay_are_noted_not_read():
    frame = pd.DataFrame({"date": "2023-06-03", "mode": ["air", "rail", "hotel"],
                          "origin": ["GVA", "", ""], "destination": ["LHR", "", ""],
                          "distance_km": [np.nan, 100, np.nan], "nights": [np.nan, np.nan, 1],
                          "country": ["", "", "FR"], "rooms": [2, 3, 2]})
    plain = frame.assign(rooms=[np.nan, np.nan, 2])
    for inv, want in ((sc.calculate(frame), sc.calculate(plain)),
                      (sc.calculate(sc.read_travel_log(frame)),
                       sc.calculate(sc.read_travel_log(plain)))):
        assert inv.data["co2e_kg"].tolist() == pytest.approx(want.data["co2e_kg"].tolist())
        assert inv.data["notes"].tolist()[:2] == [
            "rooms not read on an air row (rooms count the rooms of a hotel stay)",
            "rooms not read on a rail row (rooms count the rooms of a hotel stay)"]
        assert inv.rejected.empty


def test_an_icao_code_is_rejected_saying_what_it_is_on_every_path(tmp_path):
    # LSGG was "unknown airport code" with no word that it is Geneva's ICAO code
    frame = pd.DataFrame({"mode": "air", "origin": ["LSGG", "QQQ", "GVA"],
                          "destination": ["JFK", "JFK", "EGLL"], "date": "2019-05-01"})
    expected = [
        [2, "origin", "LSGG", "unknown airport code (LSGG is an ICAO code; Geneva Cointrin "
                              "International Airport is GVA in IATA codes)"],
        [3, "origin", "QQQ", "unknown airport code"],
        [4, "destination", "EGLL", "unknown airport code (EGLL is an ICAO code; London "
                                   "Heathrow Airport is LHR in IATA codes)"]]
    with pytest.warns(sc.NothingComputedWarning):
        computed = sc.calculate(frame)
    assert computed.rejected[["source_row", "column", "value", "reason"]].values.tolist() \
        == expected
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    read = sc.read_travel_log(path)
    assert read.rejected[["source_row", "column", "value", "reason"]].values.tolist() \
        == expected
    with pytest.raises(sc.UnknownAirportError, match=r"LSGG is an ICAO code.*GVA in IATA"):
        sc.flight("LSGG", "JFK")


def test_a_year_beside_a_date_of_another_year_is_rejected_on_every_path(tmp_path):
    # the reader took the date's year (2021), calculate(DataFrame) the column's (2019):
    # two figures from one row, neither said
    frame = pd.DataFrame({"mode": "air", "origin": ["GVA", "GVA", "GVA"],
                          "destination": ["JFK", "JFK", "JFK"], "cabin": "economy",
                          "year": ["2019", "2021", ""], "date": ["2021-03-01", "2021-03-01",
                                                                "2020-01-05"]})
    reason = ("year and date disagree (the date is in another year): give one of them, "
              "or make them agree")
    computed = sc.calculate(frame.replace("", None))
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    read = sc.calculate(sc.read_travel_log(path))
    for inv in (computed, read):
        assert inv.data[["source_row", "factor_id"]].values.tolist() == [
            [3, "desnz-2021"], [4, "desnz-2020"]]
        assert inv.rejected[["source_row", "column", "value", "reason"]].values.tolist() == [
            [2, "year", "2019", reason]]
    with pytest.raises(sc.InvalidActivityError, match="disagree"):
        sc.flight("GVA", "JFK", year=2019, date="2021-03-01")


def test_a_year_that_is_no_plausible_year_is_rejected_on_every_path(tmp_path):
    # calculate(DataFrame) computed year 19 (and True, read as 1) with desnz-2010 and a
    # mere substitution note, 3019 with desnz-2025, 2019.5 as 2019; sc.flight(year=19)
    # alike. The readers reject such a year: every path now does, with their reason.
    reason = "not a plausible year (a whole number 1950-2100)"
    years = [19, True, 2019.5, -1, 3019, "FY2019", 2019, None, None]
    frame = pd.DataFrame({"mode": "rail", "distance_km": 100.0,
                          "year": pd.Series(years, dtype=object),
                          "date": [None] * 6 + [None, "2020-05-03", None]})
    computed = sc.calculate(frame)
    assert computed.rejected[["source_row", "column", "value", "reason"]].values.tolist() == [
        [2, "year", "19", reason], [3, "year", "True", reason], [4, "year", "2019.5", reason],
        [5, "year", "-1", reason], [6, "year", "3019", reason], [7, "year", "FY2019", reason],
        [10, "date", "", "no date or year: the factor edition cannot be chosen"]]
    # a missing year with a date still takes the date's
    assert computed.data[["source_row", "year", "factor_id"]].values.tolist() == [
        [8, 2019, "desnz-2019"], [9, 2020, "desnz-2020"]]
    path = tmp_path / "log.csv"
    frame.drop(index=[1, 8]).to_csv(path, index=False)
    read = sc.read_travel_log(path)
    assert read.rejected.loc[read.rejected["column"] == "year", "reason"].tolist() == \
        [reason] * 5
    Q = sc.Q_
    calls = {"flight": lambda y: sc.flight("GVA", "LHR", year=y),
             "rail": lambda y: sc.rail(Q(100, "km"), year=y),
             "road": lambda y: sc.road(Q(100, "km"), year=y),
             "hotel": lambda y: sc.hotel(2, "GB", year=y),
             "flight with factors": lambda y: sc.flight("GVA", "LHR", factors="desnz-2019",
                                                         year=y)}
    for name, call in calls.items():
        for year in (19, True, 2019.5, -1, 3019):
            with pytest.raises(sc.InvalidActivityError,
                               match=r"not a plausible year \(a whole number 1950-2100\)"):
                call(year)
        assert call(2019).factor.edition == "desnz-2019", name


def test_a_leg_from_an_airport_to_itself_is_rejected_on_every_path(tmp_path):
    # the reader rejected GVA -> GVA; calculate(DataFrame) computed a 0 km, 0 kg leg
    frame = pd.DataFrame({"mode": "air", "origin": ["GVA", "GVA", "lhr "],
                          "destination": ["gva", "JFK", "LHR"], "date": "2019-05-01"})
    expected = [[2, "destination", "gva", "a flight leg from an airport to itself"],
                [4, "destination", "LHR", "a flight leg from an airport to itself"]]
    computed = sc.calculate(frame)
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    read = sc.read_travel_log(path)
    for table in (computed, read):
        assert table.rejected[["source_row", "column", "value", "reason"]].values.tolist() \
            == expected
    assert computed.data["source_row"].tolist() == [3]


def test_a_time_zone_aware_date_is_its_local_date_on_every_path(tmp_path):
    # calculate(DataFrame) read a datetime64[ns, America/New_York] column in UTC: a flight
    # at 23:30 on 31 December 2019 in New York was a 2020 trip (desnz-2020) and its year
    # column 2019 "disagreed" with its date; the readers took the local date, 2019
    local = pd.Series(pd.to_datetime(["2019-12-31 23:30", "2020-01-01 00:30"])
                      ).dt.tz_localize("America/New_York")
    frame = pd.DataFrame({"mode": "air", "origin": "GVA", "destination": "JFK",
                          "cabin": "economy", "date": local})
    # text with offsets, mixed: each cell's own local date (UTC: 2020, then 2019)
    text = frame.assign(date=["2019-12-31T23:30:00-05:00", "2020-01-01T00:30:00+09:00"])
    parquet, csv, xlsx = tmp_path / "log.parquet", tmp_path / "log.csv", tmp_path / "log.xlsx"
    frame.to_parquet(parquet)
    text.to_csv(csv, index=False)
    text.to_excel(xlsx, index=False)
    assert str(pd.read_parquet(parquet)["date"].dtype).endswith("America/New_York]")
    inventories = {"calculate(DataFrame)": sc.calculate(frame),
                   "calculate(DataFrame with year)": sc.calculate(frame.assign(year=2019)
                                                                  .iloc[:1]),
                   "calculate(text DataFrame)": sc.calculate(text),
                   **{f"read {path.suffix}": sc.calculate(sc.read_travel_log(path))
                      for path in (parquet, csv, xlsx)},
                   "read DataFrame": sc.calculate(sc.read_travel_log(frame))}
    for name, inv in inventories.items():
        rows = 1 if "with year" in name else 2
        assert inv.rejected.empty, name
        assert inv.data[["source_row", "year", "factor_id"]].values.tolist() == [
            [2, 2019, "desnz-2019"], [3, 2020, "desnz-2020"]][:rows], name
        days = pd.to_datetime(inv.data["date"]).dt.strftime("%Y-%m-%d").tolist()
        assert days == ["2019-12-31", "2020-01-01"][:rows], name
    assert sc.vocabulary.row_years(frame).tolist() == [2019.0, 2020.0]
    assert sc.flight("GVA", "JFK", date=local[0]).factor.edition == "desnz-2019"


NO_TRAVELLER = ("passengers 0: a leg with no traveller; remove the row or give the number "
                "of travellers")
NO_GUEST = "passengers 0: a hotel stay with no guest; remove the row or give the number of guests"
NO_NIGHT = "nights 0: a hotel stay of no night; remove the row or give the number of nights"


def test_no_traveller_no_guest_or_no_night_is_rejected_on_every_path(tmp_path):
    # audit: a leg with passengers 0 (and a hotel row of 0 guests or 0 nights) was computed
    # as 0 kg without a word by the reader, calculate(DataFrame) and the scalar calls alike
    frame = pd.DataFrame({
        "mode": ["air", "rail", "road", "road", "hotel", "hotel", "air", "air", "air"],
        "origin": ["GVA", "", "", "", "", "", "GVA", "GVA", "GVA"],
        "destination": ["JFK", "", "", "", "", "", "JFK", "JFK", "LHR"],
        "distance_km": ["", "100", "100", "100", "", "", "", "", ""],
        "vehicle": ["", "", "bus", "car", "", "", "", "", ""],
        "cabin": ["economy", "", "", "", "", "", "economy", "economy", "economy"],
        "country": ["", "", "", "", "CH", "CH", "", "", ""],
        "passengers": ["0", "0", "0", "0", "0", "1", "-0", "2", "1"],
        "nights": ["", "", "", "", "2", "0", "", "", "0"],  # 0 nights on a flight: a day trip
        "date": "2019-05-01"})
    expected = [[2, "passengers", "0", NO_TRAVELLER], [3, "passengers", "0", NO_TRAVELLER],
                [4, "passengers", "0", NO_TRAVELLER], [5, "passengers", "0", NO_TRAVELLER],
                [6, "passengers", "0", NO_GUEST], [7, "nights", "0", NO_NIGHT],
                [8, "passengers", "-0", NO_TRAVELLER]]
    computed = sc.calculate(frame.replace("", None))
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    log = sc.read_travel_log(path, units={"distance": "km"})
    read = sc.calculate(log)
    one = sc.flight("GVA", "JFK", year=2019).co2e.m_as("kgCO2e")
    day_trip = sc.flight("GVA", "LHR", year=2019).co2e.m_as("kgCO2e")
    assert log.rejected[["source_row", "column", "value", "reason"]].values.tolist() == expected
    for inv in (computed, read):
        rejected = inv.rejected[["source_row", "column", "value", "reason"]].values.tolist()
        assert rejected == expected
        assert inv.data["source_row"].tolist() == [9, 10]
        assert inv.data["co2e_kg"].tolist() == pytest.approx([2 * one, day_trip])
        assert len(inv.data) + len(inv.rejected) == len(frame)  # every row accounted for


@pytest.mark.parametrize(("call", "reason"), [
    (lambda: sc.flight("GVA", "JFK", passengers=0), NO_TRAVELLER),
    (lambda: sc.flight("GVA", "JFK", passengers=sc.Q_(0, "passenger")), NO_TRAVELLER),
    (lambda: sc.flight("GVA", "JFK", passengers=-0.0), NO_TRAVELLER),
    (lambda: sc.rail(sc.Q_(100, "km"), passengers=0), NO_TRAVELLER),
    (lambda: sc.road(sc.Q_(100, "km"), "bus", passengers=0), NO_TRAVELLER),
    (lambda: sc.road(sc.Q_(100, "km"), "car", passengers=0), NO_TRAVELLER),
    (lambda: sc.hotel(0, "CH"), NO_NIGHT),
    (lambda: sc.hotel(sc.Q_(0, "room_night"), "CH"), NO_NIGHT),
    (lambda: sc.hotel(2, "CH", rooms=0),
     "rooms 0: a hotel stay in no room; remove the row or give the number of rooms"),
    (lambda: sc.flight("GVA", "JFK", passengers=-1), "passengers must be a finite number > 0"),
    (lambda: sc.rail(sc.Q_(100, "km"), passengers=-2), "passengers must be a finite number > 0"),
    (lambda: sc.hotel(2, "CH", rooms=-1), "rooms must be a finite number > 0"),
])
def test_scalar_calls_refuse_no_traveller_no_night_or_no_room(call, reason):
    with pytest.raises(sc.InvalidActivityError) as raised:
        call()
    assert str(raised.value).startswith(reason)
    assert isinstance(raised.value, sc.SemCarbonError)


def test_hotel_guests_that_are_not_a_positive_number_are_rejected_by_calculate():
    # calculate(DataFrame) computed a hotel row of -1 or "two" guests (the reader rejects
    # them on every row); guests stay unmultiplied (one room per row)
    frame = pd.DataFrame({"mode": "hotel", "nights": 2, "country": "CH",
                          "passengers": ["-1", "two", "0", "3"], "date": "2019-05-01"})
    inv = sc.calculate(frame)
    per_night = sc.hotel(1, "CH", factors="desnz-2019").co2e.m_as("kgCO2e")
    assert inv.data["source_row"].tolist() == [5]
    assert inv.data["co2e_kg"].tolist() == pytest.approx([2 * per_night])
    assert inv.rejected[["source_row", "column", "value", "reason"]].values.tolist() == [
        [2, "passengers", "-1", "passengers must be a number > 0"],
        [3, "passengers", "two", "passengers must be a number > 0"],
        [4, "passengers", "0", NO_GUEST]]


def test_unit_mistakes_raise():
    with pytest.raises(pint.DimensionalityError):
        sc.rail(sc.Q_(5, "kWh"))
    with pytest.raises(sc.UnitError):
        sc.rail(120)
    with pytest.raises(sc.InvalidActivityError):
        sc.rail(sc.Q_(-5, "km"))
    with pytest.raises(sc.InvalidActivityError):
        sc.hotel(-1, "CH")


def test_batch_equals_scalar_calls():
    frame = pd.DataFrame({
        "source_row": [2, 3, 4, 5, 6, 7],
        "mode": ["air", "air", "air", "rail", "road", "hotel"],
        "origin": ["GVA", "NBO", "LHR", "", "", ""],
        "destination": ["JFK", "GVA", "MAN", "", "", ""],
        "cabin": ["business", "economy", "first", None, None, None],
        "round_trip": [True, False, False, False, False, False],
        "passengers": [1, 2, 1, 1, 1, 1],
        "distance_km": [np.nan, np.nan, np.nan, 250.0, 80.0, np.nan],
        "vehicle": [None, None, None, None, "taxi", None],
        "nights": [np.nan] * 5 + [3.0],
        "country": [""] * 5 + ["TH"],
    })
    fs = sc.load_factors("desnz-2019")
    results, rejects = compute_travel(frame, fs)
    assert rejects.empty
    scalar = [
        sc.flight("GVA", "JFK", cabin="business", round_trip=True, factors=fs),
        sc.flight("NBO", "GVA", passengers=2, factors=fs),
        sc.flight("LHR", "MAN", cabin="first", factors=fs),
        sc.rail(sc.Q_(250, "km"), factors=fs),
        sc.road(sc.Q_(80, "km"), vehicle="taxi", factors=fs),
        sc.hotel(3, "TH", factors=fs),
    ]
    got = results.sort_index()["co2e_kg"].to_numpy()
    assert got == pytest.approx([e.co2e.m_as("kgCO2e") for e in scalar], rel=1e-12)


def test_round_trip_doubles_rail_and_road_in_scalar_and_batch():
    d = sc.Q_(270, "km")
    assert sc.rail(d, round_trip=True).co2e.m == pytest.approx(2 * sc.rail(d).co2e.m)
    assert sc.road(d, vehicle="taxi", round_trip=True).co2e.m == \
        pytest.approx(2 * sc.road(d, vehicle="taxi").co2e.m)
    frame = pd.DataFrame({"source_row": [2, 3], "mode": ["rail", "road"],
                          "distance_km": [270.0, 270.0], "round_trip": [True, True],
                          "vehicle": [None, "taxi"]})
    results, _ = compute_travel(frame, sc.load_factors())
    assert results["co2e_kg"].tolist() == pytest.approx(
        [sc.rail(d, round_trip=True).co2e.m, sc.road(d, vehicle="taxi", round_trip=True).co2e.m])


def test_batch_rejects_bad_rows_with_reasons():
    frame = pd.DataFrame({
        "source_row": [2, 3, 4, 5],
        "mode": ["air", "air", "teleport", "rail"],
        "origin": ["GVA", "XXQ", "", ""],
        "destination": ["JFK", "GVA", "", ""],
        "cabin": ["steerage", "economy", None, None],
        "distance_km": [np.nan, np.nan, np.nan, -3.0],
    })
    results, rejects = compute_travel(frame, sc.load_factors("desnz-2019"))
    assert results.empty
    reasons = dict(zip(rejects["source_row"], rejects["reason"], strict=True))
    assert "cabin" in reasons[2] and "airport" in reasons[3]
    assert "mode" in reasons[4] and "negative" in reasons[5]


def test_co2_only_is_the_icao_like_boundary():
    full = sc.flight("GVA", "JFK", factors="desnz-2019", radiative_forcing=False)
    co2 = sc.flight("GVA", "JFK", factors="desnz-2019", co2_only=True)
    assert co2.co2e.m == pytest.approx(full.gases["co2"].m)
    assert co2.radiative_forcing.m == 0 and co2.gases["n2o"].m == 0
    assert "CO2 only" in co2.method
    frame = pd.DataFrame({"source_row": [2], "mode": ["air"], "origin": ["GVA"],
                          "destination": ["JFK"], "year": [2019]})
    inv = sc.calculate(frame, co2_only=True)
    assert inv.data["co2e_kg"].iloc[0] == pytest.approx(
        sc.flight("GVA", "JFK", cabin="average", co2_only=True, year=2019).co2e.m)


@pytest.mark.parametrize("no", ["no", "false", "N", "one way", 0, False])
def test_round_trip_words_meaning_no_are_one_way_not_truthy(no):
    # bool("no") is True: read as truthiness, "no" doubled the trip silently
    one_way = sc.flight("GVA", "JFK", year=2023).co2e
    assert sc.flight("GVA", "JFK", year=2023, round_trip=no).co2e == one_way
    assert sc.rail(sc.Q_(100, "km"), year=2023, round_trip=no).co2e \
        == sc.rail(sc.Q_(100, "km"), year=2023).co2e
    assert sc.road(sc.Q_(100, "km"), year=2023, round_trip=no).co2e \
        == sc.road(sc.Q_(100, "km"), year=2023).co2e


def test_round_trip_yes_words_double_and_unreadable_flags_raise():
    one_way = sc.flight("GVA", "JFK", year=2023).co2e
    assert sc.flight("GVA", "JFK", year=2023, round_trip="return").co2e == 2 * one_way
    for bad in ("maybe", 2, float("nan")):
        with pytest.raises(sc.InvalidActivityError, match="round_trip"):
            sc.flight("GVA", "JFK", year=2023, round_trip=bad)


def test_radiative_forcing_and_co2_only_read_no_as_false():
    with_rf = sc.flight("GVA", "JFK", year=2023)
    without_rf = sc.flight("GVA", "JFK", year=2023, radiative_forcing=False)
    assert without_rf.co2e < with_rf.co2e
    assert sc.flight("GVA", "JFK", year=2023, radiative_forcing="no").co2e == without_rf.co2e
    assert sc.flight("GVA", "JFK", year=2023, co2_only="no").co2e == with_rf.co2e


def test_via_given_as_one_code_is_one_stop_not_its_letters():
    assert sc.flight("GVA", "JFK", via="LHR", year=2023).co2e \
        == sc.flight("GVA", "JFK", via=["LHR"], year=2023).co2e


def _fuel_rows():
    return pd.DataFrame({"date": "2023-05-05", "mode": "road",
                         "vehicle": ["taxi", "motorbike", "car", "car", "car", "bus"],
                         "fuel": ["electric", "electric", "hydrogen", "full hybrid", "diesel",
                                  ""],
                         "distance_km": 100.0, "passengers": [2, 1, 1, 1, 1, 1]})


def test_a_fuel_on_a_vehicle_without_fuel_factors_is_noted_on_every_path():
    # taxi/motorbike + electric got the ordinary factor with no word (road_keys dropped it)
    taxi = sc.road(sc.Q_(100, "km"), vehicle="taxi", fuel="electric", passengers=2, year=2023)
    assert taxi.co2e == sc.road(sc.Q_(100, "km"), vehicle="taxi", passengers=2,
                                year=2023).co2e
    said = "fuel 'electric' not used: DESNZ publishes taxi factors without fuel type"
    assert said in taxi.notes
    for inv in (sc.calculate(_fuel_rows()), sc.calculate(sc.read_travel_log(_fuel_rows()))):
        data = inv.data.set_index("source_row")
        assert data.loc[2, "notes"] == said
        assert data.loc[2, "co2e_kg"] == pytest.approx(taxi.co2e.m_as("kgCO2e"))
        assert data.loc[3, "notes"] == ("fuel 'electric' not used: DESNZ publishes motorbike "
                                        "factors without fuel type")
        assert data.loc[6, "notes"] == "" and data.loc[7, "notes"] == ""


def test_an_unknown_car_fuel_is_rejected_under_the_fuel_column_naming_it():
    # hydrogen, full hybrid ... were rejected under `vehicle` as "no 'road' factor"
    def reason(word):
        return (f"unknown car fuel '{word}' (expected petrol, diesel, hybrid, plug-in hybrid, "
                "electric, lpg, cng or unknown, or a synonym such as gasoline, PHEV, EV)")

    for inv in (sc.calculate(_fuel_rows()), sc.calculate(sc.read_travel_log(_fuel_rows()))):
        assert inv.rejected[["source_row", "column", "value", "reason"]].values.tolist() == [
            [4, "fuel", "hydrogen", reason("hydrogen")],
            [5, "fuel", "full hybrid", reason("full hybrid")]]
    with pytest.raises(sc.InvalidActivityError, match="unknown car fuel 'hydrogen'"):
        sc.road(sc.Q_(100, "km"), fuel="hydrogen")
