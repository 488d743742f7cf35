"""The codes a report shares between its views, and the distinct-row count of an inventory.

Each view of a report used to factorise the same columns again; now a report keeps the
codes of its frames while it computes (:mod:`sem_carbon.report.column_codes`). The codes
must be exactly pandas' own, reused only inside the report's computation, and read-only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.inventory import _distinct_per_group
from sem_carbon.report.column_codes import column_codes, derived, kept_in, text_codes


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "origin": pd.array(["GVA", "JFK", None, "GVA", "NBO", "JFK"], dtype="str"),
        "mixed": pd.Series([1, "1", None, 2.5, "x", 1], dtype=object),
    })


def test_codes_are_pandas_own_and_kept_only_while_a_store_is_current():
    frame = _frame()
    for missing in (False, True):
        codes, uniques = column_codes(frame, "origin", missing=missing)
        expected, expected_uniques = pd.factorize(frame["origin"], use_na_sentinel=missing)
        assert codes.tolist() == expected.tolist()
        assert pd.Index(uniques).equals(pd.Index(expected_uniques))
    # no store: computed afresh each time
    assert column_codes(frame, "origin")[0] is not column_codes(frame, "origin")[0]
    store: dict = {}
    with kept_in(store):
        first = column_codes(frame, "origin")
        again = column_codes(frame, "origin")
        other = column_codes(frame.copy(), "origin")  # another frame: its own codes
    assert again[0] is first[0] and other[0] is not first[0]
    assert len(store) == 2


def test_shared_codes_cannot_be_changed_in_place():
    with kept_in({}):
        codes, _ = column_codes(_frame(), "origin")
    with pytest.raises(ValueError):
        codes[0] = 5


def test_text_codes_group_as_the_text_of_every_row_would():
    frame = _frame()
    codes, labels = text_codes(frame, "mixed")
    text = frame["mixed"].astype(str)  # what the views used to compute row by row
    assert [labels[c] if c >= 0 else None for c in codes] == \
        [None if pd.isna(t) else t for t in text]
    # 1 and "1" read the same once text: one code
    assert codes[0] == codes[1] == codes[5]
    codes, labels = text_codes(frame, "origin")
    assert codes[2] == -1  # a missing airport stays missing, in no group
    assert [labels[c] for c in codes if c >= 0] == ["GVA", "JFK", "GVA", "NBO", "JFK"]


def test_derived_values_are_computed_once_per_frame():
    frame, calls = _frame(), []

    def make() -> int:
        calls.append(1)
        return len(calls)

    with kept_in({}):
        assert derived(frame, "n", make) == 1
        assert derived(frame, "n", make) == 1
        assert derived(frame, "m", make) == 2
    assert derived(frame, "n", make) == 3  # outside a report: not kept


@pytest.mark.parametrize("rows", [
    np.array([5, 5, 7, 9, 5, 7, 2, 2], dtype=np.int64),
    np.array([10**9, 7, 3, 3, 10**9, 0, 1, 1], dtype=np.int64),  # wide: keys hashed
    np.array([2**62, -(2**62), 3, 3, 2**62, 0, 1, 1], dtype=np.int64),  # too wide: pandas
    np.array([1.0, 1.0, np.nan, 2.0, np.nan, 3.0, 3.0, 4.0]),          # not integers
])
def test_distinct_rows_per_group_as_pandas_counts_them(rows):
    group = np.array([0, 0, 0, 1, 1, 1, 3, 3], dtype=np.int64)
    expected = pd.DataFrame({"g": group, "r": rows}).drop_duplicates().groupby("g").size()
    assert _distinct_per_group(group, rows) == {int(g): int(n) for g, n in expected.items()}


def test_reconciliation_counts_distinct_source_rows():
    legs = pd.DataFrame({"mode": "air", "origin": ["GVA", "GVA", "LHR", "XXX"],
                         "destination": ["JFK", "NBO", "JFK", "JFK"],
                         "cabin": "economy", "date": "2019-05-01",
                         "source_row": [2, 2, 3, 4]})
    rec = sc.calculate(legs).reconciliation()
    assert rec["rows_computed"].sum() == 2  # rows 2 (two legs) and 3
    assert rec["rows_rejected"].sum() == 1  # the unknown airport XXX
    assert (rec["rows_computed"] + rec["rows_rejected"] == rec["rows_read"]).all()


@pytest.mark.parametrize("values", [
    pd.Series(["a", None, "b", "a", None], dtype="str"),
    pd.Series(["a", "b"], dtype="str"),
    pd.Series([1.0, np.nan, 2.0, np.nan]),
    pd.Series([None, None], dtype=object),
    pd.Series(pd.Categorical(["x", None, "y"])),
    pd.Series([None, "x", pd.NA, float("nan")], dtype=object),
])
def test_codes_with_missing_as_minus_one_come_from_the_kept_codes(values):
    frame = pd.DataFrame({"c": values})
    with kept_in({}):
        column_codes(frame, "c")  # kept first: the -1 codes are derived from these
        codes, uniques = column_codes(frame, "c", missing=True)
    expected, expected_uniques = pd.factorize(values, use_na_sentinel=True)
    assert codes.tolist() == expected.tolist()
    assert list(uniques) == list(expected_uniques)


@pytest.fixture(scope="module")
def example_report() -> sc.Report:
    from sem_carbon.report.demo import example_data_dir

    folder = example_data_dir()
    inv = sc.calculate([sc.read_travel_log(folder / "travel_2010_2024.csv"),
                        sc.read_facilities(folder / "facilities_2019_2024.csv")])
    return sc.Report(inv)


@pytest.fixture(scope="module")
def trips_report() -> sc.Report:
    """Multi-leg trips (a trip id over several source rows), passengers, wide columns."""
    legs = pd.DataFrame({
        "mode": "air", "origin": ["GVA", "LHR", "GVA", "JFK", "GVA", "NBO"],
        "destination": ["LHR", "GVA", "JFK", "GVA", "NBO", "GVA"],
        "cabin": ["economy", "economy", "business", "business", "economy", "first"],
        "date": "2019-05-01", "passengers": [1, 1, 2, 2, 1, 1],
        "trip_id": ["T1", "T1", "T2", "T2", "T3", "T3"], "round_trip": False,
        "entity": ["HQ", "HQ", "RO", "RO", "HQ", None],
        **{f"extra_{i}": "x" for i in range(25)}})
    return sc.Report(sc.calculate(legs))


@pytest.mark.parametrize("year", [None, 2019, "all"])
@pytest.mark.parametrize("which", ["example_report", "trips_report"])
def test_the_views_of_a_year_read_only_the_columns_they_are_given(request, which, year):
    """A year's views see only YEAR_VIEW_COLUMNS: they give what they give on every column."""
    from sem_carbon.report import tables

    rep = request.getfixturevalue(which)
    every_column = tables.select_years(rep.data, rep.year if year is None else year)
    assert len(rep.data.columns) > 30  # the example log is wide: columns were left out
    pd.testing.assert_frame_equal(rep.top_routes(years=year),
                                  tables.top_routes(every_column))
    pd.testing.assert_frame_equal(rep.hotspots(years=year),
                                  tables.hotspots(every_column, 15, rep.entity_names))
    # entity totals summed by entity codes: as grouping the entities' texts row by row
    expected = (every_column["co2e_kg"].groupby(every_column["entity"].astype(str)).sum()
                / 1000.0)
    totals = rep.entity_totals(years=year).set_index("entity")["tco2e"]
    assert totals.to_dict() == pytest.approx(expected.to_dict(), rel=1e-12)
    assert list(totals.index) == sorted(expected.index, key=lambda e: (-expected[e], e))


def test_a_report_keeps_no_codes_once_its_views_are_computed(example_report, monkeypatch):
    """The store lives while a computation runs (the model shares it between its views),
    and is emptied after: a report holds its views, not the inventory's codes or frames."""
    import sem_carbon.report.air_methods as air_methods

    rep = sc.Report(example_report.inventory)
    kept: list[int] = []  # the store's size each time the air views ask for codes

    def watched(frame, column, *, missing=False):
        kept.append(len(rep._codes))
        return column_codes(frame, column, missing=missing)  # the real codes

    monkeypatch.setattr(air_methods, "column_codes", watched)
    rep.model()
    assert kept and max(kept) > 0  # codes were kept while the model was built ...
    assert rep._codes == {}        # ... and none once it was
    rep.top_routes(years=2019)
    assert rep._codes == {}
