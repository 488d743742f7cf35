"""read_facilities: presets, units, kinds, periods, rejects, formats, reconciliation."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sem_carbon as sc
from sem_carbon.io.columns import FACILITIES_OUTPUT

UTILITY = """Business Unit;Site Name;Bill Start;Bill End;Utility;Consumption;UOM;Country;\
Refrigerant Type;Waste Stream;Disposal Route;Wastewater Treated;Accounting Method;\
Supplier EF (kgCO2e/kWh);Invoice Number
UNOG;Palais;01.01.2019;31.01.2019;Electricity;12.345,5;kwh;Switzerland;;;;;market;0,012;INV1
UNOG;Palais;01.01.2019;31.01.2019;Natural gas;1.200;m3;CH;;;;;;;INV2
UNOG;Palais;01.02.2019;31.01.2019;Electricity;100;kWh;CH;;;;;;;INV3
UNOG;Palais;01.01.2019;31.12.2019;Refrigerant;2,5;kg;CH;R-410A;;;;;;INV4
UNOG;Palais;01.01.2019;31.12.2019;Waste;1,2;tonnes;CH;;Paper and board;Closed-loop;;;;INV5
UNOG;Palais;01.01.2019;31.12.2019;Water;300;gal;CH;;;;Y;;;INV6
UNOG;Palais;01.01.2019;31.12.2019;Electricity;300;L;CH;;;;;;;INV7
UNOG;Annex;01.01.2019;31.12.2019;Aviation turbine fuel;300;L;;;;;;;;INV8
UNOG;Annex;01.01.2019;31.12.2019;Unobtainium;-3;L;;;;;;;;INV9
UNOG;Annex;15.12.2019;14.01.2020;District heating;4 000;MWh;CH;;;;;;;INV10
UNOG;Annex;;;Electricity;10;kWh;;;;;;;;INV11
UNOG;Annex;01.01.2019;31.12.2019;Refrigerant;1;kg;CH;;;;;;;INV12
UNOG;Annex;01.01.2019;31.12.2019;Water;30;m3;CH;;;;maybe;;;INV13
"""


def read(source, *args, **kwargs) -> sc.ActivityTable:
    return sc.read_facilities(source, *args, **kwargs)


@pytest.fixture(scope="module")
def utility() -> sc.ActivityTable:
    return read(io.BytesIO(UTILITY.encode("utf-8")), "utility_bills")


def test_utility_preset_data(utility):
    data = utility.data
    assert list(data.columns) == [*FACILITIES_OUTPUT, "Invoice Number"]
    assert data["source_row"].tolist() == [2, 3, 5, 6, 9, 11]
    assert data["kind"].tolist() == ["electricity", "natural_gas", "refrigerant", "waste",
                                     "aviation_turbine_fuel", "district_heat"]
    assert data["amount"].tolist() == [12345.5, 1200.0, 2.5, 1.2, 300.0, 4000.0]
    assert data["unit"].tolist() == ["kWh", "m^3", "kg", "t", "L", "MWh"]
    assert data["country"].tolist() == ["CH", "CH", "CH", "CH", "", "CH"]
    assert data["method"].tolist() == ["market", "", "", "", "", ""]
    assert data["supplier_factor_kg_per_kwh"].iloc[0] == pytest.approx(0.012)
    assert np.isnan(data["supplier_factor_kg_per_kwh"].iloc[1])
    assert data["gas"].iloc[2] == "R-410A"
    assert (data["material"].iloc[3], data["disposal"].iloc[3]) == ("paper_and_board",
                                                                    "closed_loop")
    assert data["period_start"].iloc[0] == pd.Timestamp("2019-01-01")
    assert data["period_end"].iloc[0] == pd.Timestamp("2019-01-31")
    assert data["date"].isna().all()
    # year = middle of the period: 15 Dec 2019 - 14 Jan 2020 -> 30 Dec 2019
    assert data["year"].tolist() == [2019] * 6
    assert data["treatment"].dtype == bool
    assert str(data["period_start"].dtype) == "datetime64[ns]"


def test_utility_rejects_and_reconciliation(utility):
    rejected = utility.rejected
    by_row = rejected.groupby("source_row")["reason"].apply(list).to_dict()
    assert by_row[4] == ["period ends before it starts"]
    assert by_row[7][0].startswith("ambiguous unit 'gal'")
    # the calculators' wording (one reason for one problem, whichever path finds it)
    assert len(by_row[8]) == 1 and by_row[8][0].endswith(
        "; electricity needs an amount in energy (kWh, MWh, GJ)")
    assert by_row[10][0].startswith("unknown kind") and "negative amount" in by_row[10]
    assert sorted(by_row[12]) == ["electricity needs a country",
                                  "missing date (no period_start/period_end, date or year)"]
    assert by_row[13] == ["refrigerant needs a gas (e.g. R-410A, HFC-134a)"]
    assert by_row[14][0].startswith("not a yes/no value")
    assert rejected.loc[rejected["source_row"] == 7, "column"].tolist() == ["UOM"]
    assert utility.reconciliation() == {"rows_read": 13, "rows_computable": 6,
                                        "rows_rejected": 7}


def test_period_middle_decides_the_year():
    source = pd.DataFrame({"kind": "electricity", "amount": 1, "unit": "kWh", "country": "FR",
                           "period_start": ["2019-12-01", "2019-12-20", None],
                           "period_end": ["2020-01-31", "2020-01-05", "2021-03-31"]})
    assert read(source).data["year"].tolist() == [2019, 2019, 2021]
    dated = source.assign(date=["2018-06-30", None, None])
    assert read(dated).data["year"].tolist() == [2018, 2019, 2021]
    by_year = pd.DataFrame({"kind": ["water"], "amount": [3], "unit": ["m3"], "year": [2022]})
    assert read(by_year).data["year"].tolist() == [2022]


def test_a_bill_over_a_year_end_goes_to_its_middle_days_year_with_a_note(tmp_path):
    # 2019-07-01 to 2020-06-30 went wholly to 2019 (its middle day, 30 Dec 2019) with the
    # 2019 edition and no word; it still does (a split by days would change target-year
    # totals), and the row now says so. GB generation desnz-2019: 0.2556 kgCO2e/kWh,
    # desnz-2020: 0.23314 (UK GHG conversion factors, "UK electricity" sheet).
    source = pd.DataFrame({
        "kind": "electricity", "unit": "kWh", "country": "GB",
        "amount": [12000, 2000, 36000, 12000, 1000, 500],
        "period_start": ["2019-07-01", "2019-12-15", "2018-01-01", "2019-01-01",
                         "2019-07-01", "2019-12-01"],
        "period_end": ["2020-06-30", "2020-02-15", "2020-12-31", "2019-12-31",
                       "2020-06-30", "2020-01-31"],
        "date": [None, None, None, None, None, "2019-12-31"]})
    path = tmp_path / "bills.csv"
    source.to_csv(path, index=False)
    note = ("period {} to {} crosses {}: all of it counted in {} (the year of its middle "
            "day; split the bill by year to attribute it exactly)")
    expected = [note.format("2019-07-01", "2020-06-30", "a year end", 2019),
                note.format("2019-12-15", "2020-02-15", "a year end", 2020),
                note.format("2018-01-01", "2020-12-31", "2 year ends", 2019),
                "",  # within one year
                note.format("2019-07-01", "2020-06-30", "a year end", 2019),
                ""]  # the date gives the year, not the period
    for table in (read(source), sc.read_facilities(path)):
        assert table.data["year"].tolist() == [2019, 2020, 2019, 2019, 2019, 2019]
        assert table.data["notes"].tolist() == expected
        inv = sc.calculate(table)
        assert inv.data["factor_id"].tolist() == ["desnz-2019", "desnz-2020", "desnz-2019",
                                                  "desnz-2019", "desnz-2019", "desnz-2019"]
        assert inv.data["co2e_kg"].iloc[0] == pytest.approx(12000 * 0.2556)
        assert inv.data["co2e_kg"].iloc[1] == pytest.approx(2000 * 0.23314)
        assert inv.data["notes"].iloc[0].startswith(expected[0])


def test_a_year_that_is_no_plausible_year_is_rejected_on_every_path(tmp_path):
    # calculate(DataFrame) computed 19, 1919, 0 and True (year 1) with desnz-2010 and a
    # mere substitution note, -2019 and 3019 with desnz-2025, 2019.5 as 2019; the readers
    # reject them all with one reason
    from sem_carbon.facilities import compute_facilities

    reason = "not a plausible year (a whole number 1950-2100)"
    years = [19, 1919, 2019.5, "FY2019", "2019/20", 3019, 0, -2019, True, "19", 2019,
             "2019.0", None]
    frame = pd.DataFrame({"entity": "A", "year": pd.Series(years, dtype=object),
                          "date": [None] * 12 + ["2020-03-01"], "kind": "electricity",
                          "amount": 1000, "unit": "kWh", "country": "GB"})
    bad = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    computed = sc.calculate(frame)
    assert computed.rejected[["source_row", "column", "reason"]].values.tolist() == [
        [row, "year", reason] for row in bad]
    assert computed.rejected["value"].tolist()[:4] == ["19", "1919", "2019.5", "FY2019"]
    assert computed.data[["source_row", "year", "factor_id"]].values.tolist() == [
        [12, 2019, "desnz-2019"], [13, 2019, "desnz-2019"], [14, 2020, "desnz-2020"]]
    assert computed.reconciliation()[["rows_read", "rows_computed", "rows_rejected"]
                                     ].values.tolist() == [[13, 3, len(bad)]]
    path = tmp_path / "bills.csv"
    frame.drop(index=8).to_csv(path, index=False)  # True has no CSV form
    read = sc.read_facilities(path)
    assert read.rejected.loc[read.rejected["column"] == "year", "reason"].tolist() == \
        [reason] * (len(bad) - 1)
    # the batch calculator on its own: no edition for an impossible year either (-2019
    # took the newest edition as "unknown"); a missing year still takes the newest
    results, rejects = compute_facilities(frame.assign(source_row=range(2, 15)))
    assert rejects.loc[rejects["column"] == "year", "source_row"].tolist() == bad
    assert set(rejects["reason"]) == {reason}
    assert results["factor_id"].tolist() == ["desnz-2019", "desnz-2019", "desnz-2020"]


def test_an_implausible_year_is_refused_by_the_facility_helpers():
    Q = sc.Q_
    calls = {"electricity": lambda y: sc.electricity(Q(1000, "kWh"), "GB", year=y),
             "electricity with factors": lambda y: sc.electricity(
                 Q(1000, "kWh"), "GB", factors="desnz-2019", year=y),
             "fuel": lambda y: sc.fuel("natural gas", Q(1000, "kWh"), year=y),
             "heat": lambda y: sc.heat(Q(1000, "kWh"), year=y),
             "water": lambda y: sc.water(Q(100, "m^3"), year=y),
             "refrigerant": lambda y: sc.refrigerant("R-410A", Q(1, "kg"), year=y)}
    for name, call in calls.items():
        for year in (19, True, 2019.5, -1, 3019, "FY2019"):
            with pytest.raises(sc.InvalidActivityError,
                               match=r"not a plausible year \(a whole number 1950-2100\)"):
                call(year)
        assert call(2019).co2e.magnitude > 0, name
    # fuel 2019 natural gas (gross CV): 0.18385 kgCO2e/kWh, whatever form the year takes
    for year in (2019, "2019", 2019.0, np.int64(2019)):
        emission = sc.fuel("natural gas", Q(1000, "kWh"), year=year)
        assert (emission.factor.edition, emission.co2e.magnitude) == (
            "desnz-2019", pytest.approx(183.85))
    with pytest.raises(sc.InvalidActivityError, match="plausible year"):
        sc.edition_for_year(19)
    assert sc.edition_for_year(2019) == ("desnz-2019", "")


def test_amount_units_from_argument_header_and_preset():
    base = {"kind": ["electricity"], "country": ["DE"], "date": ["2020-05-01"]}
    assert read(pd.DataFrame({**base, "amount": [5]}), units={"amount": "MWh"}).data[
        "unit"].tolist() == ["MWh"]
    assert read(pd.DataFrame({**base, "Amount (kWh)": [5]})).data["unit"].tolist() == ["kWh"]
    with pytest.raises(sc.InputFormatError, match="'amount' has amounts but no unit"):
        read(pd.DataFrame({**base, "amount": [5]}))
    with pytest.raises(sc.InputFormatError, match="not a unit pint understands"):
        read(pd.DataFrame({**base, "amount": [5]}), units={"amount": "zorks"})


def test_supplier_factor_needs_a_unit():
    base = {"kind": ["electricity"], "country": ["DE"], "date": ["2020-05-01"],
            "amount": [5], "unit": ["kWh"], "method": ["market"]}
    with pytest.raises(sc.InputFormatError, match="supplier factors but no unit"):
        read(pd.DataFrame({**base, "supplier_factor": [0.1]}))
    grams = read(pd.DataFrame({**base, "supplier_factor": [100]}),
                 units={"supplier_factor": "gCO2e/kWh"})
    assert grams.data["supplier_factor_kg_per_kwh"].tolist() == pytest.approx([0.1])
    named = read(pd.DataFrame({**base, "supplier_factor_kg_per_kwh": [0.2]}))
    assert named.data["supplier_factor_kg_per_kwh"].tolist() == [0.2]


def test_a_supplier_factor_beyond_any_technology_is_rejected_on_every_path(tmp_path):
    """A supplier factor of 450 kgCO2e/kWh (a 450 g/kWh tariff in a kg column) made
    1,000 kWh weigh 450 tCO2e. Pulverised coal emits 0.82 kgCO2e/kWh over its life cycle
    (IPCC AR5 WGIII Annex III, Table A.III.2): over 2 kgCO2e/kWh the row is rejected by
    the reader, calculate(DataFrame) and sc.electricity with one reason; the same figure
    with its unit given is read."""
    from sem_carbon.limits import MAX_SUPPLIER_FACTOR_KG_PER_KWH, SUPPLIER_FACTOR_REASON

    assert MAX_SUPPLIER_FACTOR_KG_PER_KWH == 2.0
    path = tmp_path / "supply.csv"
    path.write_text(
        "kind,amount,unit,year,country,method,supplier_factor_kg_per_kwh\n"
        "electricity,1000,kWh,2023,KE,market,450\n"     # 2: g/kWh given as kg/kWh
        "electricity,1000,kWh,2023,KE,market,0.45\n"    # 3
        "electricity,1000,kWh,2023,KE,market,2\n"       # 4: at the bound
        "electricity,1000,kWh,2023,KE,market,2.001\n"   # 5: over it
        "electricity,1000,kWh,2023,KE,market,-0.1\n",   # 6: negative, as before
        encoding="utf-8")
    table = read(path)
    why = table.rejected.set_index("source_row")
    assert sorted(why.index) == [2, 5, 6]
    assert set(why["column"]) == {"supplier_factor_kg_per_kwh"}
    assert why.loc[2, "reason"] == why.loc[5, "reason"] == SUPPLIER_FACTOR_REASON
    assert "not plausible" in SUPPLIER_FACTOR_REASON and "gCO2e/kWh" in SUPPLIER_FACTOR_REASON
    assert table.reconciliation()["rows_read"] == 5

    frame = pd.read_csv(path).assign(source_row=range(2, 7))
    inventory = sc.calculate(frame)
    batch = inventory.rejected.set_index("source_row")
    assert sorted(batch.index) == [2, 5, 6]
    assert batch.loc[2, "reason"] == batch.loc[5, "reason"] == SUPPLIER_FACTOR_REASON
    assert batch.loc[2, "column"] == "supplier_factor_kg_per_kwh"
    kg = inventory.data.set_index("source_row")["co2e_kg"]
    assert kg.to_dict() == pytest.approx({3: 450.0, 4: 2000.0})  # 1,000 kWh x factor
    assert sc.calculate(table).data.set_index("source_row")["co2e_kg"].to_dict() == \
        pytest.approx({3: 450.0, 4: 2000.0})

    for factor in (sc.Q_(450, "kgCO2e/kWh"), "450 kgCO2e/kWh", sc.Q_(2.001, "kgCO2e/kWh"),
                   sc.Q_(2001, "kgCO2e/MWh")):
        with pytest.raises(sc.InvalidActivityError, match="not plausible"):
            sc.electricity(sc.Q_(1000, "kWh"), "KE", year=2023, method="market",
                           supplier_factor=factor)
    assert sc.electricity(sc.Q_(1000, "kWh"), "KE", year=2023, method="market",
                          supplier_factor=sc.Q_(450, "gCO2e/kWh")).co2e.m == \
        pytest.approx(450.0)

    # a location-based row with a factor given: checked alike on every path (one verdict),
    # then unused, with a note, when it is plausible
    located = tmp_path / "located.csv"
    located.write_text(
        "kind,amount,unit,year,country,method,supplier_factor_kg_per_kwh\n"
        "electricity,1000,kWh,2023,KE,location,450\n"
        "electricity,1000,kWh,2023,KE,location,-1\n"
        "electricity,1000,kWh,2023,KE,location,0.45\n", encoding="utf-8")
    for inv in (sc.calculate(read(located)),
                sc.calculate(pd.read_csv(located).assign(source_row=range(2, 5)))):
        assert sorted(inv.rejected["source_row"]) == [2, 3]
        assert inv.rejected.set_index("source_row").loc[2, "reason"] == SUPPLIER_FACTOR_REASON
        assert inv.data["source_row"].tolist() == [4]
        assert "supplier_factor ignored" in inv.data["notes"].iloc[0]
    for factor in (sc.Q_(450, "kgCO2e/kWh"), sc.Q_(-1, "kgCO2e/kWh")):
        with pytest.raises(sc.InvalidActivityError, match=r"not plausible|>= 0"):
            sc.electricity(sc.Q_(1000, "kWh"), "KE", year=2023, method="location",
                           supplier_factor=factor)
    assert "supplier_factor ignored" in "; ".join(sc.electricity(
        sc.Q_(1000, "kWh"), "KE", year=2023, supplier_factor=sc.Q_(0.45, "kgCO2e/kWh")).notes)

    # the same 450 with its unit said: 0.45 kgCO2e/kWh, read
    for unit in ("gCO2e/kWh", "kgCO2e/MWh"):
        given = read(pd.DataFrame({"kind": ["electricity"], "amount": [1000],
                                   "unit": ["kWh"], "year": [2023], "country": ["KE"],
                                   "method": ["market"], "supplier_factor": [450]}),
                     units={"supplier_factor": unit})
        assert given.rejected.empty
        assert given.data["supplier_factor_kg_per_kwh"].tolist() == pytest.approx([0.45])


def test_required_columns():
    with pytest.raises(sc.InputFormatError, match="no kind column"):
        read(pd.DataFrame({"amount": [1], "unit": ["kWh"], "date": ["2020-01-01"]}))
    with pytest.raises(sc.InputFormatError, match="no amount column"):
        read(pd.DataFrame({"kind": ["water"], "unit": ["m3"], "date": ["2020-01-01"]}))
    with pytest.raises(sc.InputFormatError, match="no period_start/period_end, date or year"):
        read(pd.DataFrame({"kind": ["water"], "amount": [1], "unit": ["m3"]}))
    with pytest.raises(sc.InputFormatError, match="electricity row"):
        read(pd.DataFrame({"kind": ["electricity"], "amount": [1], "unit": ["kWh"],
                           "date": ["2020-01-01"]}))
    with pytest.raises(sc.InputFormatError, match="for travel data"):
        read(pd.DataFrame({"kind": ["water"]}), "agency")


def test_waste_and_method_rules():
    source = pd.DataFrame({
        "kind": ["waste", "waste", "electricity", "electricity"], "amount": [1, 1, 1, 1],
        "unit": ["kg", "L", "kWh", "kWh"], "date": "2020-01-01", "country": ["", "", "FR", "FR"],
        "material": ["Food waste", "glass", None, None], "disposal": [None, "landfill", None, None],
        "method": [None, None, "Market-based", "residual"],
    })
    table = read(source)
    assert table.data["method"].tolist() == ["market"]
    reasons = table.rejected.groupby("source_row")["reason"].apply(list).to_dict()
    assert reasons[2] == ["waste needs a disposal route (e.g. landfill, combustion, closed_loop)"]
    assert reasons[3] == ["unit 'l' is a volume unit; waste needs an amount in mass (kg, t)"]
    assert reasons[5] == ["unknown method (expected location or market)"]


def test_formats_give_identical_data(tmp_path, utility):
    frame = pd.read_csv(io.StringIO(UTILITY), sep=";", dtype=str, keep_default_na=False)
    frame = frame.replace("", None)
    reference = read(frame, "utility_bills", decimal=",")
    pd.testing.assert_frame_equal(reference.data, utility.data)
    xlsx = tmp_path / "bills.xlsx"
    book = openpyxl.Workbook()
    book.active.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        book.active.append(list(row))
    book.save(xlsx)
    from_excel = read(xlsx, "utility_bills", decimal=",")
    pd.testing.assert_frame_equal(from_excel.data, utility.data)
    parquet = tmp_path / "bills.parquet"
    frame.to_parquet(parquet)
    pd.testing.assert_frame_equal(read(parquet, "utility_bills", decimal=",").data,
                                  utility.data)


def test_excel_typed_cells(tmp_path):
    path = tmp_path / "typed.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["kind", "amount", "unit", "country", "period_start", "period_end"])
    book.active.append(["Electricity", 1234.5, "kWh", "FRA", dt.datetime(2021, 1, 1),
                        dt.datetime(2021, 3, 31)])
    book.active.append(["Diesel", 50, "litres", "FR", dt.datetime(2021, 1, 1), 44286])
    book.save(path)
    data = read(path).data
    assert data["amount"].tolist() == [1234.5, 50.0]
    assert data["unit"].tolist() == ["kWh", "L"]
    assert data["country"].tolist() == ["FR", "FR"]
    assert data["period_end"].tolist() == [pd.Timestamp("2021-03-31")] * 2


def test_duplicates_drop():
    source = pd.DataFrame({"kind": "water", "amount": [1, 1, 2], "unit": "m3",
                           "date": "2020-01-01", "site": ["A", "A", "A"]})
    assert read(source).data["source_row"].tolist() == [2, 3, 4]
    table = read(source, duplicates="drop")
    assert table.data["source_row"].tolist() == [2, 4]
    assert table.rejected["reason"].tolist() == ["exact duplicate of row 2"]


FACILITY_CELLS = {
    "kind": ["electricity", "Natural gas", "diesel", "water", "waste", "refrigerant",
             "District heating", "unobtainium", None],
    "amount": [1, "1.234,5", "12", "-3", "x", None],
    "unit": ["kWh", "m3", "L", "kg", "gal", "zorks", None],
    "country": ["CH", "France", "Narnia", None],
    "period_start": ["2020-01-01", "2020-02-30", None, "2020"],
    "period_end": ["2020-01-31", "2019-12-31", None],
    "date": [None, "2020-05-05", "soon"],
    "year": [None, 2020, "20x0"],
    "gas": [None, "R-410A"],
    "material": [None, "glass"],
    "disposal": [None, "landfill"],
    "treatment": [None, "Y", "maybe"],
    "method": [None, "market", "guess"],
}


@st.composite
def facility_frames(draw):
    n = draw(st.integers(min_value=1, max_value=10))
    names = ["kind", "amount", "unit", "country",
             *draw(st.sets(st.sampled_from(sorted(set(FACILITY_CELLS) - {"kind", "amount",
                                                                         "unit", "country"})),
                           min_size=1))]
    if not {"period_start", "period_end", "date", "year"} & set(names):
        names.append("date")
    return pd.DataFrame({name: [draw(st.sampled_from(FACILITY_CELLS[name]))
                                for _ in range(n)] for name in names})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=facility_frames())
def test_every_facilities_row_is_accounted_for(frame):
    table = read(frame)
    counts = table.reconciliation()
    assert counts["rows_computable"] + counts["rows_rejected"] == counts["rows_read"]
    assert not set(table.data["source_row"]) & set(table.rejected["source_row"])
    assert (table.data["amount"] >= 0).all() and (table.data["year"] > 0).all()
    assert (table.data["unit"] != "").all()


def test_a_unit_of_the_wrong_kind_gets_one_reason_on_every_path():
    """read_facilities and calculate(DataFrame) reject a unit that does not suit its kind
    with the same words (issue 20: the two paths used to word it differently)."""
    frame = pd.DataFrame({
        "site": list("ABCDEFG"), "country": "GB",
        "kind": ["electricity", "water", "electricity", "natural gas", "district heat",
                 "waste", "electricity"],
        "amount": 100.0, "unit": ["L", "kWh", "furlong", "furlong", "L", "kWh", "kWh"],
        "material": [None] * 5 + ["paper and board", None],
        "disposal": [None] * 5 + ["landfill", None], "date": "2021-01-01"})
    read_reasons = sc.read_facilities(frame).rejected.query("column == 'unit'")
    calc = sc.calculate(frame.assign(source_row=range(2, 9)))
    calc_reasons = calc.rejected.query("column == 'unit'")
    assert len(read_reasons) == len(frame) - 1 == len(calc_reasons)  # the last one computes
    assert read_reasons.set_index("source_row")["reason"].to_dict() == \
        calc_reasons.set_index("source_row")["reason"].to_dict()
    assert read_reasons.set_index("source_row").loc[5, "reason"].startswith(
        "unit 'fur' is a length unit; fuel natural_gas needs an amount in energy")


def test_units_whose_reading_is_a_guess_are_rejected_not_read_a_million_times_off(tmp_path):
    """``ML`` on a water bill is a megalitre (1,000 m^3); read in lower case it was ``mL``,
    10^9 times too little water. Prefixed gallons and tons (``kgal``, ``kton``), ``bbl``
    (pint: 31.5 US gal, an oil barrel is 42) and ``MBtu`` (1e3 or 1e6 Btu) were read by
    pint at one of their meanings while ``gal`` and ``ton`` themselves are refused."""
    path = tmp_path / "bills.csv"
    path.write_text(
        "kind,amount,unit,year\n"
        "water,1,ML,2023\nwater,1,Ml,2023\nwater,1,megalitre,2023\nwater,1000,m3,2023\n"
        "water,2,kgal,2023\ndiesel,1,bbl,2023\ndiesel,1,oil barrel,2023\n"
        "natural gas,1,MBtu,2023\nnatural gas,1,MMBtu,2023\ndiesel,1,kton,2023\n"
        "diesel,1,US_liquid_gallon,2023\n", encoding="utf-8")
    table = read(path)
    why = table.rejected.set_index("source_row")["reason"]
    assert sorted(why.index) == [2, 3, 6, 7, 9, 11]
    assert why[2].startswith("ambiguous unit 'ML' (millilitre mL or megalitre ML?")
    assert why[6].startswith("ambiguous unit 'kgal' (US or imperial gallon?)")
    assert why[7].startswith("ambiguous unit 'bbl'") and "oil_barrel" in why[7]
    assert why[9].startswith("ambiguous unit 'MBtu'")
    assert why[11].startswith("ambiguous unit 'kton' (metric, short or long ton?)")
    kept = table.data.set_index("source_row")
    in_m3 = {r: sc.Q_(kept.at[r, "amount"], kept.at[r, "unit"]).m_as("m^3") for r in (4, 5)}
    assert in_m3 == pytest.approx({4: 1000.0, 5: 1000.0})  # a megalitre is 1,000 m^3
    # an oil barrel is 42 US gallons = 0.158987294928 m^3 (NIST Handbook 44, Appendix C)
    assert sc.Q_(1.0, kept.at[8, "unit"]).m_as("m^3") == pytest.approx(0.158987294928)
    assert table.reconciliation()["rows_read"] == 11


def test_mt_is_refused_as_megatonne_or_metric_tonne_while_mt_in_capitals_stays_tonnes(
        tmp_path):
    """Units are read without their case, so ``Mt`` (the SI megatonne) was read as ``mt``,
    the agencies' metric tonne: 10^6 times too little coal, waste or refrigerant, without
    a word. ``Mt`` as written is refused (row, column, reason naming both readings);
    ``MT``, ``mt`` and ``metric tonne`` stay tonnes, ``megatonne`` and ``Gg`` are exact,
    and ``kt`` (pint's knot) is refused with a reason that says kilotonne."""
    units = ["Mt", "MT", "mt", "metric tonne", "t", "megatonne", "Gg", "kt", "Mt."]
    amounts = {"megatonne": 1e-4, "Gg": 0.1}  # 100 t, within the 1 MtCO2e row limit
    lines = ["kind,amount,unit,year,material,disposal,gas"]
    for unit in units:
        amount = amounts.get(unit, 1.0)
        lines += [f"coal (industrial),{amount},{unit},2023,,,",
                  f"waste,{amount},{unit},2023,paper and board,landfill,",
                  f"refrigerant,{amount},{unit},2023,,,R-410A"]
    path = tmp_path / "mass.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read(path)
    rows = {unit: [2 + 3 * i, 3 + 3 * i, 4 + 3 * i] for i, unit in enumerate(units)}
    rejected = table.rejected.set_index("source_row")
    assert sorted(rejected.index) == sorted(rows["Mt"] + rows["kt"] + rows["Mt."])
    assert set(rejected["column"]) == {"unit"}
    for row in rows["Mt"] + rows["Mt."]:
        reason = rejected.at[row, "reason"]
        assert reason.startswith("ambiguous unit 'Mt")
        assert "megatonne" in reason and "metric tonne" in reason
    for row in rows["kt"]:
        assert rejected.at[row, "reason"].startswith("ambiguous unit 'kt' (kilotonne")
    assert table.reconciliation()["rows_read"] == 3 * len(units)

    frame = pd.read_csv(path, dtype=object).assign(source_row=range(2, 2 + 3 * len(units)))
    for inventory in (sc.calculate(table), sc.calculate(frame)):
        # the DataFrame path gives the same verdicts and reasons
        why = inventory.rejected.set_index("source_row")
        assert sorted(why.index) == sorted(rejected.index)
        assert why["reason"].to_dict() == rejected["reason"].to_dict()
        kg = inventory.data.set_index("source_row")["co2e_kg"]
        per_tonne = [kg[r] for r in rows["t"]]
        # DESNZ 2023, Fuels, Coal (industrial), tonnes: 2,396.48 kgCO2e/t
        assert per_tonne[0] == pytest.approx(2396.48, abs=0.01)
        for unit in ("MT", "mt", "metric tonne"):
            assert [kg[r] for r in rows[unit]] == pytest.approx(per_tonne, rel=1e-12)
        for unit in ("megatonne", "Gg"):  # 1e-4 Mt = 0.1 Gg = 100 t
            assert [kg[r] for r in rows[unit]] == pytest.approx(
                [100 * f for f in per_tonne], rel=1e-12)


def test_calories_are_the_international_table_calorie_of_heat_metering(tmp_path):
    # pint's calorie is the thermochemical one (4.184 J): a district-heat Gcal read 0.07%
    # low; energy statistics and heat meters use the International Table calorie
    # (1 kcal = 4.1868 kJ: IEA/Eurostat/UNECE Energy Statistics Manual 2004, Annex 3)
    path = tmp_path / "heat.csv"
    path.write_text("kind,amount,unit,year\ndistrict_heat,1,Gcal,2024\n"
                    "district_heat,1000,Mcal,2024\ndistrict_heat,1.163,MWh,2024\n",
                    encoding="utf-8")
    table = read(path)
    kwh = [sc.Q_(a, u).m_as("kWh") for a, u in table.data[["amount", "unit"]].values]
    assert kwh == pytest.approx([1163.0, 1163.0, 1163.0], rel=1e-12)
    inv = sc.calculate(table)
    figures = inv.data["co2e_kg"].tolist()  # the same heat, the same figure
    assert figures == pytest.approx([figures[2]] * 3, rel=1e-12) and figures[2] > 0
    assert sc.heat("1 Gcal").co2e.m == pytest.approx(sc.heat("1.163 MWh").co2e.m)
