"""Values the readers read by a convention say so on the row (``data["notes"]``), or the row
is rejected: ambiguous decimal marks, currency signs in costs, ambiguous dates."""

from __future__ import annotations

from typing import Any

import pandas as pd

import sem_carbon as sc

_SEMICOLON = "the decimal comma is the default of ';'-separated files"


def _rejected(table: sc.ActivityTable) -> list[list[Any]]:
    return table.rejected[["source_row", "column", "value", "reason"]].values.tolist()


def _hotels(tmp_path, costs: list[str], sep: str = ";", **kwargs: Any) -> sc.ActivityTable:
    """A hotel log with ``costs``, written as a file with delimiter ``sep``."""
    lines = [sep.join(["mode", "date", "country", "nights", "cost", "currency"])]
    lines += [sep.join(["hotel", f"2020-01-{day:02d}", "CH", "1", cost, "CHF"])
              for day, cost in enumerate(costs, start=1)]
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    return sc.read_travel_log(path, **kwargs)


# --------------------------------------------------------------------------------------------
# decimal marks


def test_a_column_of_ambiguous_numbers_is_read_by_the_files_default_and_noted(tmp_path):
    """Bug: in a ';' file, 1,234 and 2,500 were read as 1.234 and 2.5 without a word.

    One text for the column (reports list distinct notes), with its first such value as the
    example; each row's own value is in its row."""
    table = _hotels(tmp_path, ["1,234", "2,500", "1,234"])
    assert table.data["cost"].tolist() == [1.234, 2.5, 1.234]
    assert table.data["notes"].tolist() == [
        "cost read with a decimal comma where a value reads both ways (e.g. '1,234': 1.234, "
        f"not 1234): no other value in the column shows the decimal mark, and {_SEMICOLON}"] * 3


def test_a_column_settled_by_its_other_values_needs_no_note(tmp_path):
    # 3,75 reads only with a decimal comma; 1.234,5 only with a comma: the column is settled
    table = _hotels(tmp_path, ["1,234", "3,75", "1.234,5"])
    assert table.data["cost"].tolist() == [1.234, 3.75, 1234.5]
    assert table.data["notes"].tolist() == ["", "", ""]
    # the same in a ',' file: 12.5 reads only with a decimal point, so 1.234 is 1.234
    points = _hotels(tmp_path, ["1.234", "12.5"], sep=",")
    assert points.data["cost"].tolist() == [1.234, 12.5]
    assert points.data["notes"].tolist() == ["", ""]


def test_the_other_reading_of_a_point_is_noted_too(tmp_path):
    """1.234 in a ',' file is 1.234 by the file's default; a German export means 1234."""
    table = _hotels(tmp_path, ["1.234", "7"], sep=",")
    assert table.data["cost"].tolist() == [1.234, 7.0]
    assert table.data["notes"].tolist() == [
        "cost read with a decimal point where a value reads both ways (e.g. '1.234': 1.234, "
        "not 1234): no other value in the column shows the decimal mark, and the decimal "
        "point is the default of ','-separated files", ""]
    # decimal= given: the user's mark reads it (a thousands group), nothing was guessed
    given = _hotels(tmp_path, ["1.234", "7"], sep=",", decimal=",")
    assert given.data["cost"].tolist() == [1234.0, 7.0]
    assert given.data["notes"].tolist() == ["", ""]


def test_a_split_column_is_read_by_its_majority_and_says_so(tmp_path):
    table = _hotels(tmp_path, ["1,234", "2,5", "3,5", "4.5"])
    assert table.data["cost"].tolist() == [1.234, 2.5, 3.5]
    assert table.data["notes"].tolist() == [
        "cost read with a decimal comma where a value reads both ways (e.g. '1,234': 1.234, "
        "not 1234): most of the column's other values read only with a decimal comma (2 "
        "row(s) against 1)", "", ""]
    assert _rejected(table) == [[5, "cost", "4.5", "cost is not a number"]]
    # as many rows each way: the file's default decides, and the note says the column disagrees
    tie = _hotels(tmp_path, ["2,500", "1,5", "1.5"])
    assert tie.data["cost"].tolist() == [2.5, 1.5]
    assert tie.data["notes"].tolist() == [
        "cost read with a decimal comma where a value reads both ways (e.g. '2,500': 2.5, not "
        "2500): the column's other values disagree (1 row(s) read only with a decimal comma, "
        f"1 only with a decimal point), and {_SEMICOLON}", ""]
    assert _rejected(tie) == [[4, "cost", "1.5", "cost is not a number"]]


def test_a_decimal_mark_given_reads_every_value_of_the_column(tmp_path):
    """decimal= said it overrides detection, but only settled columns whose values were all
    ambiguous: 1,5 beside 1.250 read as 1.5 and 1250 with decimal='.' too."""
    detected = _hotels(tmp_path, ['"1,5"', "1.250"], sep=",")
    assert detected.data["cost"].tolist() == [1.5, 1250.0]  # the column's own 1,5 decides
    point = _hotels(tmp_path, ['"1,5"', "1.250", '"2,500"'], sep=",", decimal=".")
    assert point.data["cost"].tolist() == [1.25, 2500.0]
    assert point.data["notes"].tolist() == ["", ""]  # given, not guessed: nothing to note
    assert _rejected(point) == [[2, "cost", "1,5", "cost is not a number"]]
    comma = _hotels(tmp_path, ["1.5", '"2,500"'], sep=",", decimal=",")
    assert comma.data["cost"].tolist() == [2.5]
    assert _rejected(comma) == [[2, "cost", "1.5", "cost is not a number"]]


def test_ambiguous_amounts_of_facilities_and_dataframe_text(tmp_path):
    path = tmp_path / "bills.csv"
    path.write_text("kind;amount;unit;date;country\nelectricity;1.500;kWh;2020-01-01;CH\n"
                    "electricity;-2,250;kWh;2020-02-01;CH\n")
    table = sc.read_facilities(path)
    assert table.data["amount"].tolist() == [1500.0]
    assert table.data["notes"].tolist() == [
        "amount read with a decimal comma where a value reads both ways (e.g. '1.500': 1500, "
        f"not 1.5): no other value in the column shows the decimal mark, and {_SEMICOLON}"]
    assert _rejected(table) == [[3, "amount", "-2,250", "negative amount"]]
    # text cells of a DataFrame: the decimal point is the default
    frame = sc.read_travel_log(pd.DataFrame({"mode": ["rail"], "date": ["2020-01-01"],
                                             "distance": ["1,200"], "distance_unit": ["km"]}))
    assert frame.data["distance_km"].tolist() == [1200.0]
    assert frame.data["notes"].tolist() == [
        "distance read with a decimal point where a value reads both ways (e.g. '1,200': "
        "1200, not 1.2): no other value in the column shows the decimal mark, and the decimal "
        "point is the default outside ';'-separated files"]


def test_plain_and_typed_numbers_get_no_note(tmp_path):
    table = _hotels(tmp_path, ["1234", "2500.50", "12"], sep=",")
    assert table.data["notes"].tolist() == ["", "", ""]
    typed = sc.read_travel_log(pd.DataFrame({"mode": "hotel", "date": "2020-01-01",
                                             "country": "CH", "nights": 1,
                                             "cost": [1.234, 2.5]}))
    assert typed.data["notes"].tolist() == ["", ""]


# --------------------------------------------------------------------------------------------
# currency signs and codes in a cost


def _costs(costs: list[str], currencies: list[str | None] | None,
           **kwargs: Any) -> sc.ActivityTable:
    frame = pd.DataFrame({"mode": "hotel", "date": [f"2020-01-{d:02d}" for d in
                                                    range(1, len(costs) + 1)],
                          "country": "CH", "nights": 1, "cost": costs})
    if currencies is not None:
        frame["currency"] = currencies
    return sc.read_travel_log(frame, **kwargs)


def test_a_currency_sign_against_the_rows_currency_rejects_the_row():
    """Bug: $100 with currency EUR was read as 100 EUR (the sign dropped unchecked)."""
    table = _costs(["$100", "€ 80", "USD 1,234.50", "£5"], ["EUR", "GBP", "eur", "CHF"])
    assert table.data.empty
    assert _rejected(table) == [
        [2, "cost", "$100", "the cost's currency sign '$' (dollars or pesos) contradicts the "
                            "row's currency EUR"],
        [3, "cost", "€ 80", "the cost's currency sign '€' (EUR) contradicts the row's currency "
                            "GBP"],
        [4, "cost", "USD 1,234.50", "the cost's currency code 'USD' contradicts the row's "
                                    "currency EUR"],
        [5, "cost", "£5", "the cost's currency sign '£' (GBP) contradicts the row's currency "
                          "CHF"]]
    assert table.reconciliation() == {"rows_read": 4, "rows_computable": 0, "rows_rejected": 4}


def test_a_currency_sign_of_the_rows_currency_is_read():
    table = _costs(["$100", "$ 7", "€ 80", "CHF 1'234.50", "1,234.50 usd", "(USD 12.50)",
                    "¥500", "-€3"],
                   ["USD", "MXN", "EUR", "CHF", "USD", "USD", "JPY", "EUR"], refunds="keep")
    assert table.data["cost"].tolist() == [100.0, 7.0, 80.0, 1234.5, 1234.5, -12.5, 500.0,
                                           -3.0]
    assert table.data["currency"].tolist() == ["USD", "MXN", "EUR", "CHF", "USD", "USD", "JPY",
                                               "EUR"]
    assert table.data["notes"].tolist() == [""] * 8
    assert table.rejected.empty


def test_a_cost_without_a_currency_takes_the_code_it_is_written_with():
    # an ISO code, or a sign the currency column reads as one currency (€, £), is exact; a
    # sign of several currencies ($, ¥) is not: the currency stays blank, with a note
    expected_cost = [1234.5, 80.0, 5.0, 12.0, 100.0, 500.0, 9.0]
    expected_currency = ["USD", "EUR", "GBP", "EUR", "", "", "CHF"]
    expected_notes = ["currency USD taken from the cost's 'USD'",
                      "currency EUR taken from the cost's '€'",
                      "currency GBP taken from the cost's '£'",
                      "currency EUR taken from the cost's 'EUR'",
                      "currency not taken from the cost's '$': it is the sign of several "
                      "currencies (dollars or pesos); give the currency",
                      "currency not taken from the cost's '¥': it is the sign of several "
                      "currencies (yen or yuan); give the currency", ""]
    costs = ["USD 1,234.50", "€ 80", "£5", "12 EUR", "$100", "¥500", "9"]
    for currencies in (None, ["", None, "", "", "", "", "CHF"]):
        table = _costs(costs, currencies)
        assert table.data["cost"].tolist() == expected_cost
        assert table.data["currency"].tolist() == [*expected_currency[:6],
                                                   "CHF" if currencies else ""]
        assert table.data["notes"].tolist() == expected_notes
        assert table.rejected.empty


def test_a_cost_with_an_unknown_code_or_two_signs_is_not_a_number():
    table = _costs(["12 XYZ", "$5 USD", "US$ 5"], ["USD", "USD", "USD"])
    assert table.data["cost"].tolist() == [5.0]
    assert _rejected(table) == [[2, "cost", "12 XYZ", "cost is not a number"],
                                [3, "cost", "$5 USD", "cost is not a number"]]


def test_a_currency_sign_in_a_quantity_column_rejects_the_row():
    """Bug: a distance of $100 was read as 100 km (the sign was dropped in every column)."""
    table = sc.read_travel_log(pd.DataFrame({
        "mode": "rail", "date": "2020-01-01", "distance": ["$100", "120"],
        "distance_unit": "km", "passengers": ["1", "€2"]}))
    assert _rejected(table) == [
        [2, "distance", "$100", "distance is not a number (it is written with a currency "
                                "sign)"],
        [3, "passengers", "€2", "passengers is not a number (it is written with a currency "
                                "sign)"]]
    bills = sc.read_facilities(pd.DataFrame({"kind": "water", "amount": ["£12"],
                                             "unit": "m3", "date": "2020-01-01"}))
    assert _rejected(bills) == [[2, "amount", "£12", "amount is not a number (it is written "
                                                     "with a currency sign)"]]


# --------------------------------------------------------------------------------------------
# dates that read both ways

_DEFAULT = "no date in the column shows the order, and day first is the default"


def _dated(dates: list[str]) -> sc.ActivityTable:
    return sc.read_travel_log(pd.DataFrame({"mode": "hotel", "date": dates, "country": "CH",
                                            "nights": range(1, len(dates) + 1)}))


def test_a_column_of_ambiguous_dates_is_read_day_first_and_noted():
    """Bug: 03/04/2019 was read as 3 April without a word (quarters depend on it)."""
    table = _dated(["03/04/2019", "05/06/2019", "07/07/2019", "2/3/2019 10:00 PM"])
    assert table.data["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2019-04-03", "2019-06-05", "2019-07-07", "2019-03-02"]
    note = ("date read day first where a date reads both ways (e.g. '03/04/2019': 3 April, "
            f"not 4 March): {_DEFAULT}")
    assert table.data["notes"].tolist() == [note, note, "", note]  # 07/07: the same either way


def test_a_year_of_ambiguous_dates_gives_one_note_text(tmp_path):
    """Reports list distinct notes: a column of 365 ambiguous dates is one text, not 365."""
    days = pd.date_range("2015-01-01", "2020-12-31")
    days = days[(days.day <= 12) & (days.day != days.month)][:365]
    assert len(days) == 365
    path = tmp_path / "stays.csv"  # the readers' own text path (pyarrow), not a DataFrame
    path.write_text("mode,date,country,nights\n" + "".join(
        f"hotel,{d:%d/%m/%Y},CH,1\n" for d in days[::-1]))  # the first row: 02/10/2017
    table = sc.read_travel_log(path)
    assert table.data["date"].tolist() == list(days[::-1])
    assert table.data["notes"].unique().tolist() == [
        "date read day first where a date reads both ways (e.g. '02/10/2017': 2 October, not "
        f"10 February): {_DEFAULT}"]


def test_the_example_is_the_first_ambiguous_row_of_a_long_column(tmp_path):
    """A long column's distinct values are found from a sample of its rows first, so their
    order is not the rows' order; the example is still the first ambiguous row's value."""
    dates = ["2019-01-01"] * 5 + ["05/06/2019"] + ["03/04/2019"] * 4994  # row 6: unsampled
    path = tmp_path / "stays.csv"
    path.write_text("mode,date,country,nights,cost,currency\n" + "".join(
        f"hotel,{d},CH,1,{i},CHF\n" for i, d in enumerate(dates, start=1)))  # no duplicates
    table = sc.read_travel_log(path)
    note = ("date read day first where a date reads both ways (e.g. '05/06/2019': 5 June, "
            f"not 6 May): {_DEFAULT}")
    assert table.data["notes"].tolist() == [""] * 5 + [note] * 4995


def test_a_column_settled_day_first_by_its_own_dates_needs_no_note():
    """Only 15/01/2019 shows the order, and it shows day first: nothing was chosen."""
    table = _dated(["03/04/2019", "15/01/2019", "05-03-19"])
    assert table.data["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2019-04-03", "2019-01-15", "2019-03-05"]
    assert table.data["notes"].tolist() == ["", "", ""]


def test_one_us_date_turns_the_column_month_first_and_every_ambiguous_row_says_so():
    """Bug: a single 03/13/2019 turned 04/03/2019 into 3 April without a word."""
    table = _dated(["04/03/2019", "03/13/2019", "12/12/2019", "05/06/2019"])
    assert table.data["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2019-04-03", "2019-03-13", "2019-12-12", "2019-05-06"]
    note = ("date read month first where a date reads both ways (e.g. '04/03/2019': 3 April, "
            "not 4 March): the column has '03/13/2019', which reads only month first, and no "
            "date that reads only day first")
    assert table.data["notes"].tolist() == [note, "", "", note]
    # both orders in one column: day first, the month-first date is rejected
    mixed = _dated(["04/03/2019", "03/13/2019", "13/03/2019"])
    assert mixed.data["date"].dt.strftime("%Y-%m-%d").tolist() == ["2019-03-04", "2019-03-13"]
    assert mixed.data["notes"].tolist() == [
        "date read day first where a date reads both ways (e.g. '04/03/2019': 4 March, not 3 "
        "April): the column has dates that read only day first ('13/03/2019') and only month "
        "first ('03/13/2019'), and day first is the default", ""]
    assert _rejected(mixed) == [[3, "date", "03/13/2019", "impossible date (no such day)"]]


def test_a_date_that_is_no_day_either_way_decides_no_order():
    """03/45/2019 (no day either way) turned the column month first, and 13/14/2019 kept it
    from it; 02/30/2019 is no day in either order too. They are rejected and decide
    nothing: the column's other dates are read as if they were not there."""
    noise = _dated(["04/03/2019", "03/45/2019", "02/30/2019"])
    assert noise.data["date"].dt.strftime("%Y-%m-%d").tolist() == ["2019-03-04"]
    assert noise.data["notes"].tolist() == [
        "date read day first where a date reads both ways (e.g. '04/03/2019': 4 March, not 3 "
        "April): no date in the column shows the order, and day first is the default"]
    assert [r[2] for r in _rejected(noise)] == ["03/45/2019", "02/30/2019"]
    us = _dated(["04/03/2019", "13/14/2019", "03/13/2019"])
    assert us.data["date"].dt.strftime("%Y-%m-%d").tolist() == ["2019-04-03", "2019-03-13"]
    assert us.data["notes"].tolist()[0].startswith("date read month first")
    assert [r[2] for r in _rejected(us)] == ["13/14/2019"]


def test_unambiguous_dates_get_no_note():
    table = _dated(["2019-04-03", "5 Mar 2019", "March 5, 2019", "20190305", "01/2019"])
    assert table.data["notes"].tolist() == ["", "", "", "",
                                            "day of the month not given (the date is read as "
                                            "the 1st; the year chooses the factor edition)"]


def test_facilities_periods_that_read_both_ways_are_noted_by_column():
    table = sc.read_facilities(pd.DataFrame({
        "kind": "water", "amount": [1, 2, 3], "unit": "m3",
        "period_start": ["01/02/2020", "2020-03-01", "01/03/2020"],
        "period_end": ["28/02/2020", "04/05/2020", "31/03/2020"],
    }))
    assert table.data["period_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-02-01", "2020-03-01", "2020-03-01"]
    assert table.data["period_end"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-02-28", "2020-05-04", "2020-03-31"]
    # period_end settles day first by itself (28/02/2020): only period_start is noted
    note = ("period_start read day first where a date reads both ways (e.g. '01/02/2020': "
            f"1 February, not 2 January): {_DEFAULT}")
    assert table.data["notes"].tolist() == [note, "", note]


def test_calculate_on_a_dataframe_notes_its_dates_as_the_readers_do():
    """Bug: calculate(DataFrame) read 03/04/2019 as 3 April, and 01/2019 as 1 January,
    without the readers' notes: two paths, one figure, one of them silent."""
    dates = ["03/04/2019", "05/06/2019", "07/07/2019", "2019-04-03", "01/2019"]
    frame = pd.DataFrame({"mode": "hotel", "date": dates, "country": "CH",
                          "nights": range(1, len(dates) + 1)})
    read = sc.calculate(sc.read_travel_log(frame)).data
    direct = sc.calculate(frame).data
    assert direct["date"].tolist() == read["date"].tolist()
    assert direct["notes"].astype(str).tolist() == read["notes"].astype(str).tolist()
    note = ("date read day first where a date reads both ways (e.g. '03/04/2019': 3 April, "
            f"not 4 March): {_DEFAULT}")
    month = ("day of the month not given (the date is read as the 1st; the year chooses "
             "the factor edition)")
    got = direct["notes"].astype(str).tolist()
    assert [note in n for n in got] == [True, True, False, False, False]
    assert [month in n for n in got] == [False, False, False, False, True]
    # a note given with the row is kept before the date's
    kept = sc.calculate(frame.assign(notes=["checked by hand", "", "", "", ""])).data
    assert str(kept["notes"].iloc[0]).startswith(f"checked by hand; {note}")
