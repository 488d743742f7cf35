"""Issue 19: the one-pass facilities path gives what the per-edition path gave.

The engine now calls :func:`compute_facilities` once for all years of a table
(``edition_note_leads=True``) instead of once per edition; these tests pin what that path
must keep: the substitution note first on the row, codes handed over from
``canonical_words`` changing nothing, a table with no dated row rejected (not a crash),
and :func:`sem_carbon.codes.factorize` agreeing with :func:`pandas.factorize`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.codes import factorize
from sem_carbon.facilities import compute_facilities
from sem_carbon.vocabulary.frames import canonical_words


def _rows() -> pd.DataFrame:
    return pd.DataFrame({
        "source_row": np.arange(6) + 2,
        "kind": pd.Series(["electricity", "diesel", "water", "electricity", "diesel",
                           "coal"], dtype="str"),
        "amount": [1000.0, 100.0, 10.0, 500.0, 100.0, 2.0],
        "unit": pd.Series(["kWh", "L", "m^3", "MWh", "L", "t"], dtype="str"),
        "country": pd.Series(["GB", "FR", "FR", "KE", None, "GB"], dtype="str"),
        "year": [2019, 2031, 2024, 2022, 2009, 2021],
    })


def test_engine_puts_the_substitution_note_first():
    # 2031 has no edition: desnz-2025 is used and the note leads the row's notes
    inv = sc.calculate(_rows())
    row = inv.data.set_index("source_row").loc[3]
    assert str(row["notes"]).startswith("no desnz-2031 edition; used nearest earlier "
                                        "desnz-2025")
    assert row["factor_id"] == "desnz-2025"
    # diesel 100 L x desnz-2025 factor: the same figure as the edition given explicitly
    fixed = sc.calculate(_rows().iloc[[1]], factors="desnz-2025")
    assert row["co2e_kg"] == fixed.data["co2e_kg"].iloc[0]


def test_note_beside_its_factor_without_the_engine():
    results, _ = compute_facilities(_rows())
    note = str(results.loc[1, "notes"])
    assert "no desnz-2031 edition" in note
    led, _ = compute_facilities(_rows(), edition_note_leads=True)
    assert str(led.loc[1, "notes"]).startswith("no desnz-2031 edition")
    np.testing.assert_array_equal(results["co2e_kg"], led["co2e_kg"])


def test_handed_over_codes_change_nothing():
    data = _rows()
    canonical, _, codes = canonical_words("facilities", data.copy(deep=False))
    # 'coal' is read by choice (a note on its row): the kind column is rewritten and the
    # codes of the rewritten column are handed over, as are those of unit and country
    assert {"kind", "unit", "country"} <= set(codes)
    assert list(canonical["kind"]) != list(data["kind"])
    given, given_rejects = compute_facilities(canonical, factorized=codes)
    own, own_rejects = compute_facilities(canonical)
    pd.testing.assert_frame_equal(given, own)
    pd.testing.assert_frame_equal(given_rejects, own_rejects)
    # canonical kinds (no coal): the columns as they were, the results the same
    plain = data.iloc[:5]
    canonical, _, codes = canonical_words("facilities", plain.copy(deep=False))
    assert {"kind", "unit", "country"} <= set(codes)
    pd.testing.assert_frame_equal(compute_facilities(canonical, factorized=codes)[0],
                                  compute_facilities(canonical)[0])


def test_table_without_any_year_is_rejected_not_a_crash():
    data = _rows().drop(columns="year")
    with pytest.warns(sc.errors.NothingComputedWarning):
        inv = sc.calculate(data)
    assert inv.data.empty
    assert len(inv.rejected) == len(data)
    assert set(inv.rejected["column"]) == {"date"}


@pytest.mark.parametrize("column", [
    pd.Series(["a", None, "b", "a"], dtype="str"),
    pd.Series([None, None], dtype="str"),
    pd.Series([], dtype="str"),
    pd.Series(["x", 1, None, "x"], dtype=object),
    pd.concat([pd.Series(["a", "b"], dtype="str"), pd.Series(["b", None, "c"], dtype="str")],
              ignore_index=True),
])
def test_factorize_agrees_with_pandas(column):
    codes, uniques = factorize(column)
    expected_codes, expected_uniques = pd.factorize(column, use_na_sentinel=True)
    np.testing.assert_array_equal(codes, expected_codes)
    assert list(uniques) == list(expected_uniques)
    assert codes.dtype == np.int64


def test_travel_table_without_any_date_is_rejected_not_a_crash():
    data = pd.DataFrame({"mode": ["air", "rail"], "origin": ["GVA", ""],
                         "destination": ["JFK", ""], "distance_km": [np.nan, 100.0]})
    with pytest.warns(sc.errors.NothingComputedWarning):
        inv = sc.calculate(data)
    assert inv.data.empty
    assert sorted(inv.rejected["source_row"]) == [2, 3]
    assert inv.rejected["reason"].str.contains("no date or year").all()


@pytest.mark.parametrize("table", ["travel", "facilities"])
def test_a_repeated_index_label_does_not_mix_rows_up(table):
    """Two frames stacked without ignore_index repeat their labels: every row still gets
    its own year's edition and figure (before this round a multi-year travel table gave
    one row another row's figure and edition, silently)."""
    if table == "travel":
        frame = pd.DataFrame({
            "mode": ["air", "air", "rail", "air"], "origin": ["GVA", "GVA", "", "LHR"],
            "destination": ["JFK", "JFK", "", "CDG"],
            "distance_km": [np.nan, np.nan, 100.0, np.nan],
            "cabin": ["Premium Economy", "economy", "", "n/a"],  # words rewritten, noted
            "date": ["01/03/2019", "2027-03-01", "2027-05-05", "2021-01-01"]})
    else:
        frame = _rows()
    fresh = sc.calculate(frame).data
    repeated = sc.calculate(frame.set_axis([5, 5, 7, 7, 9, 9][:len(frame)])).data
    pd.testing.assert_frame_equal(repeated, fresh)
    assert repeated["source_row"].is_unique
