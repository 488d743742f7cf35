"""Issue 19: the faster paths give what the plain ones give.

- a travel table over several editions read once (``compute_travel_editions``, the edition
  one more index) gives each edition's rows the results and rejects of ``compute_travel``
  on that edition's rows alone, with every air method and haul rule;
- ``calculate`` over several years gives each row what ``calculate`` of that year alone
  gives (its own edition);
- notes joined from codes equal notes joined from texts;
- a ``YYYY-MM-DD`` date in ``sc.flight`` is read as the readers read it (bad ones still
  rejected with the readers' reason);
- ``sem-carbon --help`` imports neither pandas nor numpy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.errors import InvalidActivityError
from sem_carbon.notes import join_notes
from sem_carbon.travel.batch import compute_travel, compute_travel_editions

ROOT = Path(__file__).resolve().parents[1]


def mixed_table() -> pd.DataFrame:
    """Air legs (some with unknown airports, cabins, bad passengers, a reassigned code on
    both sides of its date), rail, hotel and an unknown mode, over three years."""
    rows = [
        ("air", "GVA", "JFK", "economy", 1.0, "2019-03-01"),
        ("air", "IST", "LHR", "business", 1.0, "2019-01-10"),  # IST: Ataturk before 6 Apr
        ("air", "IST", "LHR", "business", 1.0, "2019-05-10"),  # then the new airport
        ("rail", "", "", "", 1.0, "2021-02-02"),
        ("air", "XXX", "JFK", "economy", 1.0, "2021-04-04"),  # unknown origin
        ("air", "GVA", "QQQ", "economy", 1.0, "2019-04-04"),  # unknown destination
        ("air", "GVA", "NBO", "sleeper", 1.0, "2023-06-06"),  # unknown cabin
        ("air", "GVA", "NBO", "first", -2.0, "2023-06-07"),  # bad passengers
        ("hotel", "", "", "", 1.0, "2021-08-08"),
        ("boat", "", "", "", 1.0, "2023-09-09"),  # unknown mode
        ("air", "BKK", "CDG", "premium economy", 2.0, "2023-10-10"),
        ("air", "LHR", "MAN", "first", 1.0, "2021-11-11"),
    ]
    frame = pd.DataFrame(rows, columns=["mode", "origin", "destination", "cabin", "passengers",
                                        "date"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["year"] = frame["date"].dt.year
    frame["source_row"] = np.arange(len(frame)) + 2
    frame["distance_km"] = np.where(frame["mode"] == "rail", 250.0, np.nan)
    frame["nights"] = np.where(frame["mode"] == "hotel", 3.0, np.nan)
    frame["country"] = np.where(frame["mode"] == "hotel", "KE", "")
    frame["round_trip"] = [i % 2 == 0 for i in range(len(frame))]
    return frame


@pytest.mark.parametrize("options", [
    {}, {"radiative_forcing": False}, {"co2_only": True}, {"haul": "smooth"},
    {"haul": "desnz"}, {"air_method": "icao"}])
@pytest.mark.parametrize("years", [(2019, 2021, 2023), (2013, 2016, 2025)])
def test_editions_equal_compute_travel_per_edition(options, years):
    # 2013's air comes from desnz-2016 (with a note): two editions served by one table
    frame = mixed_table()
    editions = [sc.load_factors(f"desnz-{y}") for y in years]
    edition = np.searchsorted([2019, 2021, 2023], frame["year"].to_numpy())
    edition[frame["year"].to_numpy() == 2021] = 1
    blocks, rejects = compute_travel_editions(frame, editions, edition, **options)
    results = pd.concat(blocks).sort_index()
    assert results.index.is_unique
    for k, fs in enumerate(editions):
        mask = edition == k
        expected_results, expected_rejects = compute_travel(frame[mask], fs, **options)
        expected_results = expected_results.sort_index(kind="stable")  # blocks: mode order
        got = results.loc[results.index.isin(frame.index[mask])]
        # the same values; categoricals may list their labels in another order
        pd.testing.assert_frame_equal(got, expected_results, check_categorical=False,
                                      check_dtype=False)
        for name in ("factor_id", "method", "notes", "factor_key", "haul"):
            assert got[name].astype(str).tolist() == expected_results[name].astype(str).tolist()
        mine = rejects[rejects["source_row"].isin(frame.loc[mask, "source_row"])]
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), expected_rejects)
    assert len(results) >= 5 and len(rejects) >= 5


def test_rows_without_an_edition_are_neither_computed_nor_rejected_here():
    frame = mixed_table()
    editions = [sc.load_factors("desnz-2023")]
    edition = np.where(frame["year"].to_numpy() == 2023, 0, -1)
    blocks, rejects = compute_travel_editions(frame, editions, edition)
    computed = pd.concat(blocks).index
    assert set(computed) | set(rejects["source_row"] - 2) <= set(np.flatnonzero(edition == 0))
    assert len(computed) == 1  # BKK-CDG; GVA-NBO rows rejected (cabin, passengers), boat too


def test_multi_year_calculate_equals_each_year_alone():
    frame = mixed_table()
    whole = sc.calculate(frame)
    parts = [sc.calculate(frame[frame["year"] == y]) for y in (2019, 2021, 2023)]
    alone = pd.concat([p.data for p in parts]).sort_values("source_row", kind="stable")
    together = whole.data.sort_values("source_row", kind="stable")
    assert together["source_row"].tolist() == alone["source_row"].tolist()
    for column in ("co2e_kg", "co2_kg", "rf_kg", "distance_km", "factor_value"):
        assert together[column].to_numpy() == pytest.approx(alone[column].to_numpy(),
                                                            rel=0, abs=0, nan_ok=True)
    for column in ("factor_id", "factor_key", "method", "notes", "haul"):
        assert together[column].astype(str).tolist() == alone[column].astype(str).tolist()
    assert sorted(whole.rejected["source_row"]) == sorted(
        r for p in parts for r in p.rejected["source_row"])


def test_notes_joined_from_codes_equal_notes_joined_from_texts():
    rng = np.random.default_rng(0)
    labels = ["", "a note", "another", "a note"]  # repeated labels are allowed
    codes = rng.integers(0, len(labels), 500)
    first = pd.Series(rng.choice(["", "x", "y"], 500))
    from_codes = join_notes(first, (codes, labels))
    from_texts = join_notes(first, np.asarray(labels, dtype=object)[codes])
    assert list(from_codes) == list(from_texts)
    assert "x; a note" in set(from_codes)


def test_notes_joined_in_a_large_code_space_equal_notes_joined_from_texts():
    # 1,500 x 1,500 label combinations: hashed, not counted; the same texts either way
    rng = np.random.default_rng(1)
    labels = [f"note {i}" for i in range(1_500)]
    first, second = rng.integers(0, 1_500, 2_000), rng.integers(0, 1_500, 2_000)
    from_codes = join_notes((first, labels), (second, labels))
    texts = np.asarray(labels, dtype=object)
    from_texts = join_notes(texts[first], texts[second])
    assert list(from_codes) == list(from_texts)
    assert from_codes[0] == f"note {first[0]}; note {second[0]}"


@pytest.mark.parametrize("text", ["2021-03-04", "2019-12-31"])
def test_iso_dates_in_flight_read_as_the_readers_read_them(text):
    by_text = sc.flight("IST", "LHR", date=text)
    by_stamp = sc.flight("IST", "LHR", date=pd.Timestamp(text).to_pydatetime())
    assert by_text.co2e == by_stamp.co2e
    assert by_text.method == by_stamp.method


@pytest.mark.parametrize("text", ["2021-02-30", "1900-01-01"])
def test_impossible_or_implausible_iso_dates_still_rejected(text):
    with pytest.raises(InvalidActivityError, match="date"):
        sc.flight("GVA", "JFK", date=text)


def test_cli_help_imports_neither_pandas_nor_numpy():
    code = ("import sys\nfrom sem_carbon import cli\ntry:\n    cli.main(['--help'])\n"
            "except SystemExit:\n    pass\nprint('pandas' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"


@pytest.mark.parametrize("space", [50, 1 << 23])  # a dense table, then hashing
def test_one_row_of_each_route_key(space):
    from sem_carbon.codes import one_row_of_each

    keys = np.random.default_rng(3).integers(0, 50, 5_000) * (space // 50)
    code, row = one_row_of_each(keys, space)
    assert (keys[row][code] == keys).all()  # each row's key is its route row's key
    assert len(row) == len(np.unique(keys))


def test_distances_per_route_equal_distances_per_row():
    """A long log's distances are worked out once per route; a code reassigned on a date
    (IST: Atatürk until 5 April 2019) and unknown codes still get their own."""
    from sem_carbon.geo.airports import resolve_iata
    from sem_carbon.geo.distance import haversine_km
    from sem_carbon.travel.batch import _AirRows

    rng = np.random.default_rng(7)
    n = 3_000
    codes = np.array(["IST", "GVA", "JFK", "NBO", "XXX", "LHR"])
    frame = pd.DataFrame({
        "origin": rng.choice(codes, n), "destination": rng.choice(codes[::-1], n),
        "date": pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D"),
    })
    rows = _AirRows(frame)
    assert len(frame) >= 1_000  # the per-route path
    o = resolve_iata(frame["origin"], dates=frame["date"])
    d = resolve_iata(frame["destination"], dates=frame["date"])
    with np.errstate(invalid="ignore"):
        expected = haversine_km(o.lat, o.lon, d.lat, d.lon)
    got = rows.distance()
    np.testing.assert_array_equal(got, expected)  # NaN where a code is unknown
    ist = frame["origin"].to_numpy() == "IST"
    assert len(np.unique(got[ist & (frame["destination"].to_numpy() == "GVA")])) == 2


def test_a_year_without_an_edition_says_so_in_a_multi_year_table():
    # the edition is an index of the gather; each row still gets its own year's note
    frame = pd.DataFrame({
        "mode": ["air", "air", "rail"], "origin": ["GVA", "GVA", ""],
        "destination": ["JFK", "JFK", ""], "distance_km": [np.nan, np.nan, 100.0],
        "date": pd.to_datetime(["2019-03-01", "2027-03-01", "2027-05-05"])})
    together = sc.calculate(frame).data
    alone = sc.calculate(frame.iloc[1:]).data
    assert together["notes"].astype(str).tolist()[0] == ""
    assert together["notes"].astype(str).tolist()[1:] == alone["notes"].astype(str).tolist()
    assert "no desnz-2027 edition" in str(alone["notes"].iloc[0])
    assert together["co2e_kg"].tolist()[1:] == alone["co2e_kg"].tolist()


def test_first_rows_of_factorized_codes():
    from sem_carbon.codes import first_rows

    values = np.random.default_rng(5).integers(0, 40, 3_000)
    codes, _ = pd.factorize(values)
    first = first_rows(codes)
    expected = [int(np.flatnonzero(codes == k)[0]) for k in range(codes.max() + 1)]
    assert first.tolist() == expected
    assert first_rows(np.zeros(0, np.intp)).tolist() == []


def test_both_ends_resolved_in_threads_equal_one_after_the_other():
    """A long table resolves its two ends side by side; the same arrays as in turn."""
    from sem_carbon.geo.airports import resolve_iata
    from sem_carbon.travel.batch import _AirRows

    rng = np.random.default_rng(11)
    n = 100_000  # the size from which the ends are resolved in two threads
    codes = np.array(["IST", "GVA", "JFK", "NBO", "XXX", "LHR", "BKK"])
    frame = pd.DataFrame({
        "origin": rng.choice(codes, n), "destination": rng.choice(codes[::-1], n),
        "date": pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D")})
    rows = _AirRows(frame)
    for got, end in (((rows.lat_o, rows.lon_o, rows.c_o, rows.found_o), "origin"),
                     ((rows.lat_d, rows.lon_d, rows.c_d, rows.found_d), "destination")):
        expected = resolve_iata(frame[end], dates=frame["date"])
        for a, b in zip(got, expected, strict=True):
            np.testing.assert_array_equal(a, b)


def test_categorical_codes_taken_as_they_are():
    """A categorical column (a Parquet dictionary) is not hashed again: its codes index its
    categories, unused ones included; other columns are factorised as before."""
    from sem_carbon.codes import category_codes, factorize_compact

    column = pd.Series(pd.Categorical(["LHR", None, "GVA", "LHR"],
                                      categories=["ZZZ", "GVA", "LHR"]))
    codes, values = category_codes(column)
    assert codes.tolist() == [2, -1, 1, 2] and values.tolist() == ["ZZZ", "GVA", "LHR"]
    assert category_codes(column.astype(object)) is None
    compact, values = factorize_compact(column)
    assert compact.dtype == np.int8 and compact.tolist() == [2, -1, 1, 2]
    codes, values = factorize_compact(column.astype(object))  # order of appearance
    assert codes.tolist() == [0, -1, 1, 0] and list(values) == ["LHR", "GVA"]
    # the same legs, notes and rejects whichever way the codes come in
    frame = pd.DataFrame({"mode": "air", "year": 2023, "origin": column.fillna("ZZZ"),
                          "destination": ["GVA", "LHR", "LHR", "ZZZ"],
                          "cabin": pd.Categorical(["economy", "Business", None, "economy"])})
    as_codes, as_text = sc.calculate(frame), sc.calculate(frame.astype(object))
    assert len(as_codes.data) == 2 and len(as_codes.rejected) == 2  # ZZZ at either end
    pd.testing.assert_frame_equal(as_codes.data.astype(str), as_text.data.astype(str))
    pd.testing.assert_frame_equal(as_codes.rejected.astype(str), as_text.rejected.astype(str))
