"""One vocabulary: readers, ``calculate(DataFrame)`` and the scalar calls agree on every word.

For every alias of the data files (``sem_carbon/vocabulary/data/*.csv``) and for generated
junk, a value written to a real CSV and read with ``read_travel_log`` /
``read_facilities`` gets the same verdict as the same value in a DataFrame given to
``calculate``: accepted -> the same canonical value (and the same note), rejected -> the
same reason. The scalar call that takes the value agrees too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sem_carbon as sc
from sem_carbon.errors import InvalidActivityError, SemCarbonError
from sem_carbon.vocabulary import KINDS, REASONS, aliases, clean, normalise, normalise_one
from sem_carbon.vocabulary.core import _read_table

pytestmark = pytest.mark.filterwarnings("ignore::sem_carbon.errors.NothingComputedWarning")

_TRAVEL_BASE = {"mode": "air", "date": "2019-06-01", "origin": "GVA", "destination": "JFK",
                "cabin": "economy", "distance_km": "100", "nights": "1",
                "country": "CH", "round_trip": "no", "rail_kind": ""}
_FACILITY_BASE = {"kind": "diesel", "amount": "100", "unit": "L", "date": "2020-01-15",
                  "country": "GB", "gas": "R-410A", "treatment": "yes", "material": "paper",
                  "disposal": "landfill", "method": "location"}
# a unit that suits each non-fuel kind
_UNIT_OF = {"electricity": "kWh", "district_heat": "kWh", "onsite_heat": "kWh",
            "refrigerant": "kg", "water": "m^3", "waste": "t"}


def _words(kind: str) -> list[str]:
    return [row["alias"] for row in _read_table(KINDS[kind])]


def _verdicts(inventory: sc.Inventory, column: str) -> dict[int, tuple]:
    """source_row -> ("ok", canonical value, notes) or ("rejected", reasons)."""
    out: dict[int, tuple] = {}
    for row in inventory.data.itertuples(index=False):
        row = row._asdict()
        value = row[column]
        if isinstance(value, float) and np.isnan(value):
            value = ""
        out[int(row["source_row"])] = ("ok", str(value), str(row["notes"] or ""))
    rejected = inventory.rejected
    for source_row, group in rejected.groupby("source_row"):
        out[int(source_row)] = ("rejected", tuple(sorted(
            group.loc[group["column"] == column, "reason"].astype(str))) or
            tuple(sorted(group["reason"].astype(str))))
    return out


def _both_ways(tmp_path, table: str, rows: list[dict[str, str]], column: str
               ) -> tuple[dict[int, tuple], dict[int, tuple]]:
    frame = pd.DataFrame(rows, dtype=object)
    path = tmp_path / f"{table}.csv"
    frame.to_csv(path, index=False)
    read = sc.read_travel_log if table == "travel" else sc.read_facilities
    from_file = sc.calculate(read(path))
    from_frame = sc.calculate(frame.replace("", None))
    return _verdicts(from_file, column), _verdicts(from_frame, column)


def _assert_same(file_verdicts: dict, frame_verdicts: dict, values: list[str]) -> None:
    assert set(file_verdicts) == set(frame_verdicts) == set(range(2, len(values) + 2))
    for source_row, value in enumerate(values, start=2):
        assert file_verdicts[source_row] == frame_verdicts[source_row], (value, source_row)


def _travel_rows(column: str, values: list[str]) -> list[dict[str, str]]:
    mode = {"cabin": "air", "rail_kind": "rail", "country": "hotel", "round_trip": "rail",
            "mode": None}[column]
    rows = []
    for value in values:
        row = dict(_TRAVEL_BASE, **({"mode": mode} if mode else {}))
        row[column] = value
        rows.append(row)
    return rows


@pytest.mark.parametrize("column", ["cabin", "mode", "rail_kind", "country", "round_trip"])
def test_every_travel_alias_gets_one_verdict(tmp_path, column):
    kind = {"cabin": "cabin", "mode": "mode", "rail_kind": "rail_kind", "country": "country",
            "round_trip": "boolean"}[column]
    values = _words(kind)
    by_file, by_frame = _both_ways(tmp_path, "travel", _travel_rows(column, values), column)
    _assert_same(by_file, by_frame, values)
    accepted = [v for v, (s, *_) in zip(values, (by_file[i + 2] for i in range(len(values))),
                                        strict=True) if s == "ok"]
    assert accepted, "no alias of the table was accepted: the comparison proves nothing"


def _facility_rows(column: str, values: list[str]) -> list[dict[str, str]]:
    rows = []
    for value in values:
        row = dict(_FACILITY_BASE)
        if column == "kind":
            canonical = normalise_one("facility_kind", value)[0]
            row["unit"] = _UNIT_OF.get(canonical, "kWh")
        elif column in ("country", "method"):
            row.update(kind="electricity", unit="kWh")
        elif column == "treatment":
            row.update(kind="water", unit="m^3")
        row[column] = value
        rows.append(row)
    return rows


def _fits_a_fuel(word: str) -> bool:
    unit, reason, _ = normalise_one("unit", word)
    if reason:
        return True
    amount = sc.units.Q_(1.0, sc.units.parse_unit(unit))
    return any(amount.check(d) for d in ("[energy]", "[volume]", "[mass]"))


@pytest.mark.parametrize("column", ["kind", "country", "treatment", "method", "unit"])
def test_every_facilities_alias_gets_one_verdict(tmp_path, column):
    kind = {"kind": "facility_kind", "country": "country", "treatment": "boolean",
            "method": "electricity_method", "unit": "unit"}[column]
    values = _words(kind)
    if column == "kind":
        values = values + _words("fuel")
    if column == "unit":  # a fuel takes energy, volume and mass; other dimensions differ
        values = [v for v in values if _fits_a_fuel(v)]
    by_file, by_frame = _both_ways(tmp_path, "facilities", _facility_rows(column, values),
                                   column)
    _assert_same(by_file, by_frame, values)
    verdicts = [by_file[i + 2][0] for i in range(len(values))]
    assert verdicts.count("ok") * 2 >= len(values), "most aliases of a table compute"


# distinct words: two identical rows are an exact duplicate, which the file readers note
# (their duplicates= policy, tested in test_io_travel) and a DataFrame does not - a
# difference of rows, not of the words' verdicts this file compares
_JUNK = st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                         min_size=1, max_size=12).filter(lambda t: t.strip() != ""),
                 min_size=1, max_size=6, unique=True)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=_JUNK, column=st.sampled_from(["cabin", "mode", "rail_kind", "country",
                                           "round_trip"]))
def test_junk_travel_words_get_one_verdict(tmp_path, junk, column):
    by_file, by_frame = _both_ways(tmp_path, "travel", _travel_rows(column, junk), column)
    _assert_same(by_file, by_frame, junk)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=_JUNK, column=st.sampled_from(["kind", "country", "treatment", "method"]))
def test_junk_facilities_words_get_one_verdict(tmp_path, junk, column):
    by_file, by_frame = _both_ways(tmp_path, "facilities", _facility_rows(column, junk),
                                   column)
    _assert_same(by_file, by_frame, junk)


@pytest.mark.parametrize("word", _words("cabin"))
def test_the_scalar_flight_reads_cabins_as_the_tables(word):
    canonical, reason, note = normalise_one("cabin", word)
    if reason:
        with pytest.raises(InvalidActivityError, match="cabin"):
            sc.flight("GVA", "JFK", cabin=word, year=2019)
        return
    trip = sc.flight("GVA", "JFK", cabin=word, year=2019)
    assert trip.activity["cabin"] == canonical
    assert (note in trip.notes) if note else True
    row = sc.calculate(pd.DataFrame({"mode": ["air"], "origin": ["GVA"], "destination": ["JFK"],
                                     "cabin": [word], "year": [2019]})).data.iloc[0]
    assert row["cabin"] == canonical and row["notes"] == trip.rows[0]["notes"]
    assert row["co2e_kg"] == pytest.approx(trip.co2e.m_as("kgCO2e"), rel=1e-12)


@pytest.mark.parametrize("word", _words("rail_kind"))
def test_the_scalar_rail_reads_rail_kinds_as_the_tables(word):
    canonical = normalise_one("rail_kind", word)[0]
    trip = sc.rail("100 km", kind=word, year=2020)
    assert trip.activity["kind"] == canonical


@pytest.mark.parametrize("word", _words("fuel"))
def test_the_scalar_fuel_reads_fuels_as_the_tables(word):
    canonical, _, note = normalise_one("facility_kind", word)
    try:
        burnt = sc.fuel(word, "100 kWh", year=2020)
    except SemCarbonError:
        with pytest.raises(SemCarbonError):
            sc.fuel(canonical, "100 kWh", year=2020)
        return
    assert burnt.co2e.m_as("kgCO2e") == pytest.approx(
        sc.fuel(canonical, "100 kWh", year=2020).co2e.m_as("kgCO2e"), rel=1e-12)
    if note:
        assert note in "; ".join(burnt.notes)


@pytest.mark.parametrize("word", ["Suisse", "Alemania", "Deutschland", "Allemagne",
                                  "Schweiz", "Royaume-Uni", "Estados Unidos"])
def test_country_names_in_french_spanish_and_german(word):
    code = normalise("country", [word]).value[0]
    assert code == {"Suisse": "CH", "Schweiz": "CH", "Alemania": "DE", "Deutschland": "DE",
                    "Allemagne": "DE", "Royaume-Uni": "GB", "Estados Unidos": "US"}[word]
    assert sc.hotel(1, word, year=2020).co2e.m_as("kgCO2e") == pytest.approx(
        sc.hotel(1, code, year=2020).co2e.m_as("kgCO2e"))


# drift that the one vocabulary fixes -------------------------------------------------------

def test_electric_and_onsite_heat_get_the_same_verdict_from_reader_and_dataframe(tmp_path):
    """Bug: read_facilities accepted "electric" and rejected "onsite heat";
    calculate(DataFrame) did the reverse."""
    frame = pd.DataFrame({"kind": ["electric", "onsite heat"], "amount": [1000, 500],
                          "unit": ["kWh", "kWh"], "country": ["GB", "GB"],
                          "date": ["2020-01-15", "2020-01-15"]})
    path = tmp_path / "two.csv"
    frame.to_csv(path, index=False)
    table = sc.read_facilities(path)
    assert table.rejected.empty
    assert table.data["kind"].tolist() == ["electricity", "onsite_heat"]
    by_file = sc.calculate(table)
    by_frame = sc.calculate(frame)
    assert by_frame.rejected.empty and by_file.rejected.empty
    for column in ("kind", "co2e_kg", "factor_id", "factor_key"):
        assert by_file.data[column].tolist() == by_frame.data[column].tolist()
    assert by_file.data["category"].tolist() == ["electricity", "heat"]


def test_an_na_cabin_is_noted_not_silently_average(tmp_path):
    """Bug: an "n/a" cabin became "average" with no note."""
    trip = sc.flight("GVA", "JFK", cabin="n/a", year=2019)
    assert trip.activity["cabin"] == "average"
    assert any("cabin class not given" in n for n in trip.notes)
    frame = pd.DataFrame({"mode": ["air"], "origin": ["GVA"], "destination": ["JFK"],
                          "cabin": ["n/a"], "date": ["2019-06-01"]})
    assert "cabin class not given" in sc.calculate(frame).data["notes"].iloc[0]


def test_an_ambiguous_booking_letter_is_rejected_everywhere(tmp_path):
    with pytest.raises(InvalidActivityError, match="ambiguous"):
        sc.flight("GVA", "JFK", cabin="P", year=2019)
    frame = pd.DataFrame({"mode": ["air"], "origin": ["GVA"], "destination": ["JFK"],
                          "cabin": ["P"], "date": ["2019-06-01"]})
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    for inventory in (sc.calculate(frame), sc.calculate(sc.read_travel_log(path))):
        assert inventory.data.empty
        assert "ambiguous" in inventory.rejected["reason"].iloc[0]


def test_booking_letters_follow_iata_resolution_728():
    letters = {"F": "first", "A": "first", "J": "business", "C": "business", "D": "business",
               "I": "business", "Z": "business", "W": "premium_economy", "Y": "economy",
               "B": "economy", "H": "economy", "K": "economy", "M": "economy", "L": "economy",
               "Q": "economy", "T": "economy", "V": "economy", "X": "economy"}
    out = normalise("cabin", list(letters))
    assert out.value.tolist() == list(letters.values())
    assert normalise_one("cabin", "Economy Flex")[0] == "economy"
    assert normalise_one("cabin", "Business Saver")[0] == "business"
    assert normalise_one("facility_kind", "Diesel (generator)")[0] == "diesel"


def test_one_date_policy_day_first_everywhere():
    """Bug: facilities/batch and the Dask path read text dates month first."""
    from sem_carbon.facilities import compute_facilities
    from sem_carbon.scale import _years

    frame = pd.DataFrame({"kind": ["diesel", "diesel"], "amount": [100, 100],
                          "unit": ["L", "L"], "date": ["05/03/2019", "13/01/2022"]})
    results, rejects = compute_facilities(frame)
    assert rejects.empty
    assert results["factor_id"].tolist() == ["desnz-2019", "desnz-2022"]
    assert _years(frame).tolist() == [2019.0, 2022.0]
    flight = sc.flight("GVA", "JFK", date="05/03/2019")
    row = sc.calculate(pd.DataFrame({"mode": ["air"], "origin": ["GVA"], "cabin": ["economy"],
                                     "destination": ["JFK"], "date": ["05/03/2019"]}))
    assert row.data["date"].iloc[0] == pd.Timestamp("2019-03-05")
    assert row.data["co2e_kg"].iloc[0] == pytest.approx(flight.co2e.m_as("kgCO2e"), rel=1e-12)


def test_suggestions_only_for_distinct_unknown_countries(monkeypatch):
    """Issue 19: "did you mean" was built for every country, valid ones too."""
    import sem_carbon.geo.countries as countries

    calls: list[str] = []
    real = countries.suggest
    monkeypatch.setattr(countries, "suggest", lambda v, *a, **k: calls.append(v) or real(v))
    from sem_carbon.vocabulary import core

    core._one_cached.cache_clear()
    out = normalise("country", ["CH", "GB", "Swizerland", "Swizerland"] * 1000)
    assert calls == ["Swizerland"]
    assert "did you mean 'Switzerland'" in out.reason[2]


# the tables themselves ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(KINDS))
def test_each_table_cites_its_sources_and_reads(kind):
    from importlib import resources

    text = resources.files("sem_carbon.vocabulary").joinpath(f"data/{KINDS[kind]}").read_text(
        "utf-8")
    assert text.startswith("# "), "the table opens with comment lines citing its sources"
    table = aliases(kind)
    assert table
    for key, entry in table.items():
        assert key == (key if kind == "unit" else clean(key))
        if entry.verdict == "reject":
            assert entry.canonical == "" and entry.note
        else:
            assert entry.canonical


def test_unknown_words_get_the_one_reason():
    for kind in ("cabin", "mode", "rail_kind", "facility_kind", "electricity_method",
                 "boolean"):
        out = normalise(kind, ["zzqx"])
        assert out.reason[0] == REASONS[kind] and out.value[0] == ""


def test_docs_page_lists_every_table_as_it_is():
    import importlib.util
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "build_vocabulary_docs", repo / "scripts" / "build_vocabulary_docs.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    page = (repo / "docs" / "vocabulary.md").read_text("utf-8")
    assert page == builder.vocabulary_page(), (
        "docs/vocabulary.md is out of date: run python scripts/build_vocabulary_docs.py")
    for kind in KINDS:  # every table has its section
        assert f"sem_carbon/vocabulary/data/{KINDS[kind]}" in page


@pytest.mark.parametrize("unit", ["D", "s", "ms", "us", "ns", "M", "Y"])
def test_years_of_dates_agree_on_short_and_long_arrays(unit):
    """Long arrays take pandas' field extraction, short ones numpy's calendar cast: the
    same years (0 for NaT) at every resolution, across leap days and century ends."""
    from sem_carbon.vocabulary.years import years_of_dates

    days = np.array(["2019-12-31", "NaT", "1950-01-01", "2100-12-31", "2000-02-29",
                     "1900-03-01"], dtype=f"datetime64[{unit}]")
    expected = [2019, 0, 1950, 2100, 2000, 1900]
    assert years_of_dates(days).tolist() == expected
    assert years_of_dates(np.tile(days, 400)).tolist() == expected * 400
