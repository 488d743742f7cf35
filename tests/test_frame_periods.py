"""A facilities DataFrame given to ``sc.calculate`` reads its periods as
``sc.read_facilities`` reads them (docs/tables.md): same year, notes and rejects."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.io.facilities import YEAR_END_NOTE
from sem_carbon.vocabulary import YEAR_PERIOD_DISAGREE

COLUMNS = ["source_row", "year", "co2e_kg", "notes"]


def _both(frame: pd.DataFrame) -> tuple[sc.Inventory, sc.Inventory]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read = sc.calculate(sc.read_facilities(frame))
        direct = sc.calculate(frame)
    return read, direct


def _same(read: sc.Inventory, direct: sc.Inventory) -> None:
    pd.testing.assert_frame_equal(read.data[COLUMNS].reset_index(drop=True),
                                  direct.data[COLUMNS].reset_index(drop=True))
    cols = ["source_row", "column", "value", "reason"]
    pd.testing.assert_frame_equal(read.rejected[cols].reset_index(drop=True),
                                  direct.rejected[cols].reset_index(drop=True))


def _water(**periods: list) -> pd.DataFrame:
    n = len(next(iter(periods.values())))
    return pd.DataFrame({"kind": "water", "amount": [float(i + 1) for i in range(n)],
                         "unit": "m3", "country": "CH", **periods})


def test_brief_example_is_computed_not_rejected():
    frame = _water(period_start=["2020-01-01", "2020-03-01"],
                   period_end=["2020-01-31", "2020-03-31"])
    read, direct = _both(frame)
    _same(read, direct)
    assert direct.rejected.empty
    assert direct.data["year"].tolist() == [2020, 2020]
    # Table 'Water supply' + 'Water treatment' of DESNZ 2020: 0.344 + 0.708 kg/m3
    assert direct.data["co2e_kg"].tolist() == pytest.approx([1.052, 2.104])


def test_year_end_ambiguous_backwards_month_and_unreadable_match_the_reader():
    frame = _water(
        period_start=["2019-12-01", "01/02/2020", "2020-05-01", "Jan 2020", "xx", "2019"],
        period_end=["2020-03-31", "28/02/2020", "2020-04-01", "", "2020-01-01",
                    "2019-12-31"])
    read, direct = _both(frame)
    _same(read, direct)
    # the middle day of 2019-12-01..2020-03-31 is in 2020, and the row says so
    first = direct.data.set_index("source_row").loc[2]
    assert first["year"] == 2020
    assert YEAR_END_NOTE.format(start="2019-12-01", end="2020-03-31", ends="a year end",
                                year=2020) in first["notes"]
    assert "period_start read day first" in direct.data.set_index("source_row").loc[3, "notes"]
    reasons = direct.rejected.set_index("source_row")["reason"]
    assert reasons[4] == "period ends before it starts"
    assert reasons[6] == "unparseable date"
    assert reasons[7] == "period_start needs a full date, not only a year"
    assert set(direct.data["source_row"]) == {2, 3, 5}  # Jan 2020: the month as period
    assert len(direct.data) + len(direct.rejected) == len(frame)


def test_datetime64_periods_match_the_reader():
    frame = _water(period_start=pd.to_datetime(["2019-07-01", "2021-01-01"]),
                   period_end=pd.to_datetime(["2020-06-30", "2021-01-31"]))
    read, direct = _both(frame)
    _same(read, direct)
    # 2019-07-01..2020-06-30 (365 days): middle day 2019-12-30 -> 2019
    assert direct.data["year"].tolist() == [2019, 2021]
    assert "crosses a year end" in direct.data["notes"].iloc[0]
    assert direct.data["factor_id"].tolist() == ["desnz-2019", "desnz-2021"]


def test_the_callers_frame_is_not_changed():
    frame = _water(period_start=["01/02/2020"], period_end=["28/02/2020"])
    before = frame.copy()
    sc.calculate(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_a_year_beside_a_period_of_another_year_is_rejected_on_both_paths():
    frame = _water(period_start=["2020-01-01", "2019-12-01", "2020-01-01", "2019-12-01"],
                   period_end=["2020-01-31", "2020-03-31", "2020-01-31", "2020-03-31"],
                   year=[2019, 2019, 2020, 2020])
    read, direct = _both(frame)
    _same(read, direct)
    rejected = direct.rejected.set_index("source_row")
    # 2020-01 with 2019; a winter bill whose middle day (2020-01-15) is in 2020 with 2019
    assert sorted(rejected.index) == [2, 3]
    assert (rejected["reason"] == YEAR_PERIOD_DISAGREE).all()
    assert (rejected["column"] == "year").all()
    assert direct.data["year"].tolist() == [2020, 2020]
