"""Money: the bundled ECB rates (pinned to published values), the one conversion rule,
user rates tables, year averages, price indices, multi-currency budgets in target_status."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.money import PriceIndex, Rates, ecb_rates, read_rates, to_currency

pytest.importorskip("currency_converter")

#: ECB reference rates (units per EUR) as printed in the Official Journal of the EU,
#: "Euro exchange rates, 1 October 2019", OJ C 331, 2.10.2019, p. 5 (2019/C 331/05),
#: and by the Banca d'Italia, "Euro foreign exchange reference rates as of 19 Jun 2009".
PUBLISHED = [
    ("2019-10-01", "USD", 1.0898), ("2019-10-01", "CHF", 1.0906),
    ("2019-10-01", "GBP", 0.88955), ("2019-10-01", "JPY", 118.00),
    ("2019-10-01", "KRW", 1310.56), ("2009-06-19", "USD", 1.3932),
    ("2009-06-19", "CHF", 1.5102), ("2009-06-19", "GBP", 0.84715),
]


@pytest.mark.parametrize(("day", "code", "per_eur"), PUBLISHED)
def test_bundled_ecb_rates_match_published_values(day, code, per_eur):
    table = ecb_rates()
    usd_per_eur = table.loc[day, "EUR"]
    units_per_eur = usd_per_eur / table.loc[day, code]
    assert units_per_eur == pytest.approx(per_eur, rel=1e-12)


def test_the_bundled_file_is_checked_and_complete():
    table = ecb_rates()
    assert table.index.is_monotonic_increasing and not table.index.has_duplicates
    assert table.index[0] == pd.Timestamp("1999-01-04")
    gaps = np.diff(table.index.to_numpy()).astype("timedelta64[D]").astype(int)
    assert gaps.max() <= 5  # TARGET closures: never more than 5 days without rates
    assert (table["USD"] == 1.0).all()


def test_a_weekend_or_holiday_uses_the_last_rate_before():
    rates = Rates()
    # Easter 2019: Good Friday 19 and Easter Monday 22 April had no rates
    out = rates.convert([100.0, 100.0], ["EUR", "EUR"], ["2019-04-22", "2019-04-18"])
    assert out["amount"].iloc[0] == pytest.approx(112.50)
    assert out["rate_date"].iloc[0] == pd.Timestamp("2019-04-18")
    assert (out["reason"] == "").all()


def test_no_rate_is_a_reason_never_a_guess():
    rates = Rates()
    out = rates.convert([10.0, 10.0, 10.0, 10.0, 10.0],
                        ["ISK", "XOF", "EUR", "", "CHF"],
                        ["2009-06-19", "2021-03-01", "1998-12-31", "2021-03-01", None])
    assert np.isnan(out["amount"]).all()
    assert out["reason"].iloc[0].startswith("no ISK rate on or before 2009-06-19")
    assert "days old" in out["reason"].iloc[0]
    assert out["reason"].iloc[1].startswith("unknown currency XOF")
    assert "before the first rate" in out["reason"].iloc[2]
    assert out["reason"].iloc[3] == "no currency"
    assert out["reason"].iloc[4] == "no date to choose an exchange rate"


def test_the_target_currency_needs_no_rate():
    out = Rates().convert([5.0], ["USD"], [None], to="USD")
    assert out["amount"].iloc[0] == 5.0 and out["reason"].iloc[0] == ""


def test_cross_rate_through_the_euro():
    out = Rates().convert([100.0], ["CHF"], ["2019-10-01"], to="GBP")
    assert out["amount"].iloc[0] == pytest.approx(100.0 / 1.0906 * 0.88955)


def test_user_rates_table_un_style(tmp_path):
    path = tmp_path / "ore.csv"
    path.write_text("currency,date,rate,source\nXOF,2021-03,590.0,UN ORE\n"
                    "XOF,2021-04-01,600.0,UN ORE\nKES,2021-03-01,109.5,UN ORE\n")
    rates = Rates(path)
    out = rates.convert([590.0, 600.0, 590.0, 1095.0], ["XOF", "XOF", "XOF", "KES"],
                        ["2021-03-15", "2021-04-30", "2021-06-10", "2021-03-31"])
    np.testing.assert_allclose(out["amount"][:2], [1.0, 1.0])
    assert out["rate_source"].iloc[0] == "UN ORE"
    assert "days old" in out["reason"].iloc[2]  # May has no row: April's is stale by June
    assert out["amount"].iloc[3] == pytest.approx(10.0)


def test_user_rate_quoted_per_euro(tmp_path):
    table = pd.DataFrame({"currency": ["XAF"], "date": ["2019-10-01"], "rate": [655.957],
                          "per": ["EUR"]})
    out = Rates(table).convert([655.957], ["XAF"], ["2019-10-01"], to="USD")
    assert out["amount"].iloc[0] == pytest.approx(1.0898)


@pytest.mark.parametrize(("text", "match"), [
    ("currency,date,rate\nXO,2021-03,590\n", "row 2, column 'currency'"),
    ("currency,date,rate\nXOF,soon,590\n", "column 'date'"),
    ("currency,date,rate\nXOF,2021-03,-1\n", "column 'rate'"),
    ("currency,date\nXOF,2021-03\n", "lacks column"),
    ("currency,date,rate\nXOF,2021-03,1\nXOF,2021-03-01,2\n", "two rates"),
])
def test_a_bad_rates_table_is_refused(tmp_path, text, match):
    path = tmp_path / "r.csv"
    path.write_text(text)
    with pytest.raises(sc.InputFormatError, match=match):
        read_rates(path)


def test_year_average_for_budget_lines():
    avg = Rates().year_average(["EUR", "USD", "XOF"], [2019, 2019, 2019])
    daily = ecb_rates().loc["2019", "EUR"]
    assert avg["usd_per_unit"].iloc[0] == pytest.approx(daily.mean())
    assert avg["usd_per_unit"].iloc[1] == 1.0
    assert avg["reason"].iloc[2].startswith("no XOF rate published in 2019")


def test_to_currency_raises_naming_the_row():
    with pytest.raises(sc.InputFormatError, match=r"budget: 1 row\(s\).*row 2, XOF on 2019"):
        to_currency([1.0, 2.0], ["EUR", "XOF"], to="USD", year=[2019, 2019], what="budget")


def test_price_index_deflates_to_the_base_year():
    index = PriceIndex(pd.DataFrame({"year": [2019, 2021], "index": [100.0, 110.0]}))
    out = index.deflate([110.0, 50.0, 10.0], [2021, 2019, 2020], base_year=2019)
    np.testing.assert_allclose(out["amount"][:2], [100.0, 50.0])
    assert "no index for 2020" in out["reason"].iloc[2]


def test_target_status_budget_in_several_currencies():
    inv = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021], "category": "air",
                        "co2e_kg": [1000.0, 400.0]})
    budget = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021],
                           "amount": [1000.0, 500.0], "currency": ["EUR", "CHF"]})
    target = sc.Target(baseline_year=2019, target_year=2021, reduction=0.5)
    with pytest.raises(sc.InputFormatError, match="currency="):
        sc.target_status(inv, target, budget=budget)
    status = sc.target_status(inv, target, budget=budget, currency="usd")
    eur, chf = Rates().year_average(["EUR", "CHF"], [2019, 2021])["usd_per_unit"]
    assert status["budget_currency"].iloc[0] == "USD"
    assert status["budget_baseline"].iloc[0] == pytest.approx(1000.0 * eur)
    assert status["budget_actual"].iloc[0] == pytest.approx(500.0 * chf)


def test_target_status_cost_in_several_currencies_at_dated_rates():
    inv = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021], "category": "air",
                        "co2e_kg": [1000.0, 400.0], "cost": [100.0, 100.0],
                        "currency": ["EUR", "CHF"],
                        "date": pd.to_datetime(["2019-10-01", "2019-10-01"])})
    target = sc.Target(baseline_year=2019, target_year=2021, reduction=0.5)
    status = sc.target_status(inv, target, budget="cost", currency="EUR")
    assert status["budget_baseline"].iloc[0] == pytest.approx(100.0)
    assert status["budget_actual"].iloc[0] == pytest.approx(100.0 / 1.0906)


# --- a year average needs rates for the whole year (audit: RUB 2022 was Jan-Feb) ------------

def test_a_year_average_needs_rates_covering_the_whole_year():
    rates = Rates()
    last = ecb_rates().index[-1]
    codes = ["RUB", "BGN", "ISK", "CHF", "RUB", "EUR", "HRK"]
    years = [2022, 2000, 2008, last.year, 2021, 1999, 2023]
    avg = rates.year_average(codes, years)
    reason = avg["reason"].tolist()
    # the ECB stopped publishing RUB on 2022-03-01: a Jan-Feb mean is no 2022 average
    assert reason[0].startswith("RUB: ECB rates only until 2022-03-01, no 2022 average")
    assert reason[1].startswith("BGN: ECB rates only from 2000-07-19, no 2000 average")
    # ISK was suspended after 2008-12-09: 8 days later the last rate is too old
    assert reason[2].startswith("ISK: ECB rates missing from 2008-12-17 to 2008-12-31")
    # the bundled file's last year is still running: not averaged silently
    assert reason[3].startswith(f"CHF: ECB rates only until {last.date()}, "
                                f"no {last.year} average")
    assert reason[6].startswith("HRK: ECB rates only until 2022-12-30, no 2023 average")
    assert np.isnan(avg["usd_per_unit"].iloc[[0, 1, 2, 3, 6]]).all()
    # a whole year (RUB 2021), and 1999 whose first rate is 4 January, are averaged
    assert reason[4] == reason[5] == ""
    assert avg["usd_per_unit"].iloc[4] == pytest.approx(ecb_rates().loc["2021", "RUB"].mean())
    assert avg["rate_source"].iloc[4] == "ECB 2021 average"
    assert avg["usd_per_unit"].iloc[5] == pytest.approx(ecb_rates().loc["1999", "EUR"].mean())


def test_a_user_table_covers_a_year_only_with_every_month():
    months = [f"2021-{m:02d}" for m in range(1, 13)]
    full = pd.DataFrame({"currency": "XOF", "date": months, "rate": np.arange(600.0, 612.0)})
    avg = Rates(full, ecb=False).year_average(["XOF"], [2021])
    assert avg["usd_per_unit"].iloc[0] == pytest.approx(np.mean(1.0 / np.arange(600.0, 612.0)))
    assert avg["rate_source"].iloc[0] == "user rates 2021 average"
    half = full.iloc[:6]
    why = Rates(half, ecb=False).year_average(["XOF"], [2021])["reason"].iloc[0]
    assert why.startswith("XOF: user rates only until 2021-06-01, no 2021 average")
    no_april = full.drop(index=3)  # March's rate lasts 31 days: to 1 April
    why = Rates(no_april, ecb=False).year_average(["XOF"], [2021])["reason"].iloc[0]
    assert why.startswith("XOF: user rates missing from 2021-04-02 to 2021-04-30")


def test_a_budget_line_in_a_year_the_rates_do_not_cover_is_refused():
    inv = pd.DataFrame({"entity": ["A", "A"], "year": [2021, 2022], "category": "air",
                        "co2e_kg": [1000.0, 400.0]})
    budget = pd.DataFrame({"entity": ["A", "A"], "year": [2021, 2022],
                           "amount": [1000.0, 1000.0], "currency": "RUB"})
    target = sc.Target(baseline_year=2021, target_year=2022, reduction=0.5)
    with pytest.raises(sc.InputFormatError,
                       match=r"row 2, RUB on 2022: RUB: ECB rates only until 2022-03-01"):
        sc.target_status(inv, target, budget=budget, currency="USD")
    # the same line dated within the ECB's RUB rates converts at that day's rate
    dated = budget.assign(date=["2021-06-01", "2022-02-01"])
    status = sc.target_status(inv, target, budget=dated, currency="USD")
    expected = Rates().convert([1000.0], ["RUB"], ["2022-02-01"])["amount"].iloc[0]
    assert status["budget_actual"].iloc[0] == pytest.approx(expected)


# --- dates read as the readers read them (audit: 05/03/2019 was 3 May) --------------------

def test_text_dates_are_read_day_first_as_the_readers_read_them():
    rates = Rates()
    march5 = rates.convert([1e6], ["CHF"], [pd.Timestamp("2019-03-05")])["amount"].iloc[0]
    may3 = rates.convert([1e6], ["CHF"], [pd.Timestamp("2019-05-03")])["amount"].iloc[0]
    assert march5 != pytest.approx(may3)
    assert to_currency([1e6], ["CHF"], to="USD", date=["05/03/2019"])[0] == \
        pytest.approx(march5)
    # the order no longer flips with the first row: both day first
    both = to_currency([1e6, 1e6], ["CHF", "CHF"], to="USD", date=["13/03/2019", "05/03/2019"])
    assert both[1] == pytest.approx(march5)
    out = rates.convert([1e6], ["CHF"], ["05/03/2019"])
    assert out["rate_date"].iloc[0] == pd.Timestamp("2019-03-05")
    # a rates table too: 05/03/2021 is 5 March; an unreadable valid_to is refused
    table = read_rates(pd.DataFrame({"currency": ["XOF", "XOF"], "date": ["05/03/2021",
                                                                          "Apr 2021"],
                                     "rate": [600.0, 610.0]}))
    assert table["date"].tolist() == [pd.Timestamp("2021-03-05"), pd.Timestamp("2021-04-01")]
    with pytest.raises(sc.InputFormatError, match=r"row 3, column 'valid_to': 'soon'"):
        read_rates(pd.DataFrame({"currency": "XOF", "date": ["2021-03", "2021-04"],
                                 "rate": 600.0, "valid_to": ["", "soon"]}))


def test_an_unreadable_or_dayless_date_is_refused_naming_the_row():
    out = Rates().convert([1.0, 1.0, 1.0], ["CHF"] * 3, ["2019-10-01", "soon", "Mar 2019"])
    assert out["reason"].iloc[0] == ""
    assert out["reason"].iloc[1].startswith("date 'soon' is unreadable")
    assert out["reason"].iloc[2].startswith("date 'Mar 2019' gives no day")
    assert np.isnan(out["amount"].iloc[1:]).all()
    with pytest.raises(sc.InputFormatError, match=r"budget: 1 row.*row 2 .*date 'soon'"):
        to_currency([1.0, 1.0], ["CHF", "CHF"], to="USD", date=["2019-10-01", "soon"],
                    what="budget")
    with pytest.raises(sc.InputFormatError, match=r"row 1 .*'Mar 2019': a month without"):
        to_currency([1.0], ["CHF"], to="USD", date=["Mar 2019"])
    # a bare year is a year: the year's average, not 1 January's rate
    by_year = to_currency([100.0], ["CHF"], to="USD", date=["2019"])[0]
    assert by_year == pytest.approx(100.0 * Rates().year_average(["CHF"], [2019])
                                    ["usd_per_unit"].iloc[0])


def test_a_budget_line_whose_date_is_in_another_year_is_refused():
    inv = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021], "category": "air",
                        "co2e_kg": [1000.0, 400.0]})
    target = sc.Target(baseline_year=2019, target_year=2021, reduction=0.5)
    budget = pd.DataFrame({"entity": ["A", "A"], "year": [2019, 2021],
                           "amount": [1000.0, 1000.0], "currency": "CHF",
                           "date": ["05/03/2019", "2019-03-05"]})
    for currency in ("USD", None):  # with or without a conversion
        with pytest.raises(sc.InputFormatError,
                           match=r"row 2 .*year 2021, date '2019-03-05': year and date "
                                 "disagree"):
            sc.target_status(inv, target, budget=budget, currency=currency)
