"""read_travel_log: formats, mappings, normalisation, rejects, policies, reconciliation."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sem_carbon as sc
from sem_carbon.io.columns import TRAVEL_OUTPUT
from sem_carbon.io.csvfile import sniff_delimiter

# A small travel log with good rows (2-6, 13) and one bad row per problem kind (7-12).
COLUMNS = ["trip_id", "entity", "date", "mode", "origin", "destination", "route", "cabin",
           "round_trip", "passengers", "distance", "distance_unit", "vehicle", "nights",
           "country", "cost", "currency", "traveller", "purpose"]
ROWS = [
    ["T001", "HQ", "2019-03-05", "air", "GVA", "JFK", None, "economy", "N", 1.0, None, None,
     None, None, None, 1234.5, "USD", "Zoë Müller", "meeting"],
    ["T002", "ROA", "2019-03-06", "flight", None, None, "GVA-LHR-JFK", "Business", "Y", 2.0,
     None, None, None, None, None, 2500.0, "USD", "José García", "conference"],
    ["T003", "ROE", "2019-04-01", "train", "Genève", "Zürich", None, None, None, 1.0, 280.0,
     "km", None, None, None, 120.75, "CHF", "Ann Lee", None],
    ["T004", "ROE", "2019-04-02", "taxi", None, None, None, None, None, 1.0, 12.0, "mi", None,
     None, None, 45.0, "CHF", "Ann Lee", None],
    ["T005", "HQ", "2019-04-03", "hotel", None, None, None, None, None, None, None, None, None,
     3.0, "Switzerland", 600.0, "CHF", "Ann Lee", "meeting"],
    ["T006", "HQ", "2019-05-01", "air", "GVA", "QQX", None, "economy", "N", 1.0, None, None,
     None, None, None, 800.0, "USD", "Ann Lee", None],
    ["T007", "HQ", "2019-05-02", "boat", "GVA", "JFK", None, None, None, 1.0, None, None,
     None, None, None, 80.0, "USD", "Ann Lee", None],
    ["T008", "HQ", "2019-05-03", "hotel", None, None, None, None, None, None, None, None, None,
     -2.0, "CH", 300.0, "CHF", "Ann Lee", None],
    ["T009", "HQ", "2019-02-31", "air", "GVA", "LHR", None, "economy", None, 1.0, None, None,
     None, None, None, 300.0, "USD", "Ann Lee", None],
    ["T010", "HQ", "2019-05-04", "air", "GVA", "LHR", None, "lounge", None, 1.0, None, None,
     None, None, None, 300.0, "USD", "Ann Lee", None],
    ["T011", "HQ", "2019-05-05", "rail", "Bern", "Basel", None, None, None, 1.0, None, None,
     None, None, None, 40.0, "CHF", "Ann Lee", None],
    ["T012", "HQ", "2019-05-06", "car rental", None, None, None, None, None, 1.0, 150.0, "km",
     None, None, None, 90.0, "EUR", "Ann Lee", None],
]
# expected rejects: source row -> (column, reason fragment)
EXPECTED_REJECTS = {
    7: ("destination", "unknown airport code"),
    8: ("mode", "unknown mode"),
    9: ("nights", "negative nights"),
    10: ("date", "impossible date"),
    11: ("cabin", "unknown cabin"),
    12: ("distance", "rail and road need a distance"),
}


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=COLUMNS)


def read(source, **kwargs) -> sc.ActivityTable:
    return sc.read_travel_log(source, **kwargs)


# --------------------------------------------------------------------------------------------
# formats give identical data


def _write_xlsx(frame: pd.DataFrame, path, dates_as_cells: bool = True) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Trips"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        values = []
        for name, value in zip(frame.columns, row, strict=True):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                values.append(None)
            elif name == "date" and dates_as_cells and value != "2019-02-31":
                values.append(dt.datetime.fromisoformat(value))
            else:
                values.append(value)
        sheet.append(values)
    book.save(path)


@pytest.fixture(scope="module")
def reference() -> sc.ActivityTable:
    return read(sample_frame())


def _formats(tmp_path) -> dict[str, object]:
    frame = sample_frame()
    out: dict[str, object] = {"dataframe": frame}
    comma = tmp_path / "log.csv"
    frame.to_csv(comma, index=False)
    out["csv"] = comma
    semi = tmp_path / "log_semicolon.csv"
    frame.to_csv(semi, index=False, sep=";", decimal=",")
    out["csv-semicolon-decimal-comma"] = semi
    tab = tmp_path / "log.tsv"
    frame.to_csv(tab, index=False, sep="\t")
    out["tsv"] = tab
    pipe = tmp_path / "log.txt"
    frame.to_csv(pipe, index=False, sep="|")
    out["pipe"] = pipe
    bom = tmp_path / "log_bom.csv"
    frame.to_csv(bom, index=False, encoding="utf-8-sig")
    out["csv-bom"] = bom
    legacy = tmp_path / "log_cp1252.csv"
    frame.to_csv(legacy, index=False, sep=";", decimal=",", encoding="cp1252")
    out["csv-cp1252"] = legacy
    utf16 = tmp_path / "log_utf16.csv"
    frame.to_csv(utf16, index=False, sep="\t", encoding="utf-16")
    out["csv-utf16"] = utf16
    xlsx = tmp_path / "log.xlsx"
    _write_xlsx(frame, xlsx)
    out["xlsx"] = xlsx
    parquet = tmp_path / "log.parquet"
    frame.to_parquet(parquet, index=False)
    out["parquet"] = parquet
    records = tmp_path / "log.json"
    records.write_text(frame.to_json(orient="records", force_ascii=False), encoding="utf-8")
    out["json-records"] = records
    lines = tmp_path / "log.jsonl"
    lines.write_text(frame.to_json(orient="records", lines=True), encoding="utf-8")
    out["json-lines"] = lines
    wrapped = tmp_path / "log_wrapped.json"
    wrapped.write_text(json.dumps({"count": len(frame),
                                   "trips": json.loads(frame.to_json(orient="records"))}))
    out["json-wrapped"] = wrapped
    return out


FORMATS = ["dataframe", "csv", "csv-semicolon-decimal-comma", "tsv", "pipe", "csv-bom",
           "csv-cp1252", "csv-utf16", "xlsx", "parquet", "json-records", "json-lines",
           "json-wrapped"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_identical_data(tmp_path, reference, fmt):
    table = read(_formats(tmp_path)[fmt])
    pd.testing.assert_frame_equal(table.data, reference.data)
    # ``value`` is the source's own text ("-2.0" in a CSV written by pandas, -2 in a frame)
    columns = ["source_row", "column", "reason"]
    pd.testing.assert_frame_equal(table.rejected[columns], reference.rejected[columns])
    assert table.rows_read == reference.rows_read == len(ROWS)


def test_detection_rules_on_samples():
    assert sniff_delimiter("a;b;c\n1,5;2;3\n4,5;5;6\n") == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a\tb\n1,5\t2\n") == "\t"
    assert sniff_delimiter("a|b\n1|2\n") == "|"
    assert sniff_delimiter("just one column\nvalue\n") == ","


def test_reference_data_is_right(reference):
    data = reference.data
    assert list(data.columns[: len(TRAVEL_OUTPUT)]) == list(TRAVEL_OUTPUT)
    assert list(data.columns[len(TRAVEL_OUTPUT):]) == ["purpose"]
    assert data["source_row"].tolist() == [2, 3, 3, 4, 5, 6, 13]
    assert data["leg"].tolist() == [0, 0, 1, 0, 0, 0, 0]
    assert data["trip_id"].tolist() == ["T001", "T002", "T002", "T003", "T004", "T005", "T012"]
    assert data["mode"].tolist() == ["air", "air", "air", "rail", "road", "hotel", "road"]
    assert data["origin"].tolist()[:3] == ["GVA", "GVA", "LHR"]
    assert data["destination"].tolist()[:3] == ["JFK", "LHR", "JFK"]
    assert data["origin"].iloc[3] == "Genève"  # free text for rail
    assert data["cabin"].tolist() == ["economy", "business", "business", "", "", "", ""]
    assert data["round_trip"].tolist() == [False, True, True, False, False, False, False]
    assert data["passengers"].tolist() == [1, 2, 2, 1, 1, 1, 1]
    assert data["distance_km"].iloc[3] == 280.0
    assert data["distance_km"].iloc[4] == pytest.approx(12 * 1.609344)
    assert np.isnan(data["distance_km"].iloc[0])
    assert data["vehicle"].tolist() == ["", "", "", "", "taxi", "", "car"]
    assert data["fuel"].iloc[6] == "unknown"
    assert data["rail_kind"].iloc[3] == "national"
    assert data["nights"].iloc[5] == 3.0
    assert data["country"].iloc[5] == "CH"
    assert data["cost"].iloc[0] == 1234.5
    assert data["currency"].tolist() == ["USD", "USD", "USD", "CHF", "CHF", "CHF", "EUR"]
    assert data["date"].iloc[0] == pd.Timestamp("2019-03-05")
    assert data["year"].unique().tolist() == [2019]
    assert str(data["date"].dtype) == "datetime64[ns]"
    assert data["round_trip"].dtype == bool
    assert data["traveller"].iloc[0] == "Zoë Müller"


def test_reference_rejects_and_reconciliation(reference):
    rejected = reference.rejected
    assert list(rejected.columns) == ["source_row", "column", "value", "reason"]
    assert sorted(rejected["source_row"].unique()) == sorted(EXPECTED_REJECTS)
    for row, (column, reason) in EXPECTED_REJECTS.items():
        hits = rejected[rejected["source_row"] == row]
        assert (hits["column"] == column).any(), (row, hits)
        assert hits["reason"].str.contains(reason).any(), (row, hits)
    assert rejected.loc[rejected["source_row"] == 7, "value"].tolist() == ["QQX"]
    assert rejected.loc[rejected["source_row"] == 8, "value"].tolist() == ["boat"]
    # hand count: 12 rows read, 6 computable (rows 2-6 and 13; row 3 gives two legs), 6 rejected
    assert reference.reconciliation() == {"rows_read": 12, "rows_computable": 6,
                                          "rows_rejected": 6}
    assert "rows_read=12" in repr(reference) and "rejected=6" in repr(reference)


# --------------------------------------------------------------------------------------------
# mappings and presets


AGENCY = """Booking Ref,Invoice No,Cost Centre,Travel Date,Product Type,Routing,Class,Pax,\
Rail Distance (km),Car Distance (km),Car Type,Hotel Nights,Hotel Country,Ticket Amount,Currency,\
Traveller Name,Journey Type
BK1001,INV-1,UNOG/DA,05/03/2019,Air,GVA/LHR/JFK/GVA,Economy,1,,,,,,"1,850.00",USD,A. Smith,Return
BK1002,INV-2,UNOG/DA,06/03/2019,Rail,,,1,280,,,,,120.00,CHF,A. Smith,One Way
BK1003,INV-3,UNOG/HR,07/03/2019,Hotel,,,,,,,4,United Kingdom,"1,200.00",GBP,B. Jones,
BK1004,INV-4,UNOG/HR,08/03/2019,Car,,,1,,95,Rental car,,,80.00,EUR,B. Jones,
BK1001,INV-5,UNOG/DA,05/03/2019,Air,GVA/LHR/JFK/GVA,Economy,1,,,,,,"-1,850.00",USD,A. Smith,Return
BK1005,INV-6,UNOG/DA,13/03/2019,Air,GVA/ADD,Business,1,,,,,,"3,100.00",USD,C. Diop,One Way
BK1006,INV-7,UNOG/DA,14/03/2019,Visa Fee,,,,,,,,,60.00,USD,C. Diop,
"""


def test_agency_preset_expands_routings_and_nets_refunds():
    table = read(io.BytesIO(AGENCY.encode()), mapping="agency")
    data = table.data
    assert data["source_row"].tolist() == [3, 4, 5, 7]
    assert data["mode"].tolist() == ["rail", "hotel", "road", "air"]
    assert data["country"].tolist() == ["", "GB", "", ""]
    assert data["distance_km"].tolist()[:3:2] == [280.0, 95.0]
    assert data["vehicle"].tolist() == ["", "", "car", ""]
    assert data["date"].tolist()[-1] == pd.Timestamp("2019-03-13")  # day first
    assert data["cost"].tolist() == [120.0, 1200.0, 80.0, 3100.0]
    assert "Invoice No" in data.columns
    assert "Journey Type" not in data.columns  # read as round_trip
    assert data["round_trip"].tolist() == [False, False, False, False]  # One Way, blanks
    rejected = table.rejected
    assert rejected.loc[rejected["source_row"] == 2, "reason"].tolist() == [
        "refunded (netted with row 6)"]
    assert rejected.loc[rejected["source_row"] == 6, "reason"].tolist() == [
        "refunded (netted with row 2)"]
    assert rejected.loc[rejected["source_row"] == 8, "column"].tolist() == ["Product Type"]
    assert table.reconciliation() == {"rows_read": 7, "rows_computable": 4, "rows_rejected": 3}


def test_routing_returning_to_origin_lists_legs_not_round_trip():
    table = read(io.BytesIO(AGENCY.encode()), mapping="agency", refunds="keep")
    legs = table.data[table.data["trip_id"] == "BK1001"]
    # the refund row is kept too (refunds="keep"): 2 source rows x 3 legs
    assert legs["source_row"].tolist() == [2, 2, 2, 6, 6, 6]
    assert legs["leg"].tolist() == [0, 1, 2, 0, 1, 2]
    assert legs["origin"].tolist()[:3] == ["GVA", "LHR", "JFK"]
    assert legs["destination"].tolist()[:3] == ["LHR", "JFK", "GVA"]
    assert not legs["round_trip"].any()
    # a ticket's cost is counted once: split over its legs by distance (issue 16, item 2)
    refund = legs[legs["source_row"] == 6]
    assert refund["cost"].sum() == pytest.approx(-1850.0, rel=1e-12)
    km = [sc.great_circle(o, d).m_as("km") for o, d in zip(refund["origin"],
                                                           refund["destination"], strict=True)]
    assert refund["cost"].tolist() == pytest.approx([-1850.0 * k / sum(km) for k in km])
    assert table.reconciliation() == {"rows_read": 7, "rows_computable": 6, "rows_rejected": 1}


def test_explicit_mapping_and_automatic_matching():
    source = pd.DataFrame({
        "Trip ID": ["A"], "Date": ["2020-01-02"], "MODE": ["Plane"], "From": ["gva"],
        "To": ["cdg"], "Cabin ": ["premium economy"],
    })
    table = read(source, mapping={"origin": "From", "destination": "to"})
    row = table.data.iloc[0]
    assert (row["trip_id"], row["mode"], row["origin"], row["destination"], row["cabin"]) == (
        "A", "air", "GVA", "CDG", "premium_economy")
    assert table.data.columns.tolist() == list(TRAVEL_OUTPUT)


def test_mapping_errors_are_clear():
    source = pd.DataFrame({"date": ["2020-01-01"], "mode": ["air"], "origin": ["GVA"],
                           "destination": ["JFK"]})
    with pytest.raises(sc.InputFormatError, match="'Routing', which the source does not"):
        read(source, mapping={"route": "Routing"})
    with pytest.raises(sc.InputFormatError, match="did you mean 'origin'"):
        read(source, mapping={"orign": "origin"})
    with pytest.raises(sc.InputFormatError, match="unknown mapping preset 'nope'"):
        read(source, mapping="nope")
    with pytest.raises(sc.InputFormatError, match="for facilities data"):
        read(source, mapping="utility_bills")


def test_preset_file_and_defaults(tmp_path):
    preset = tmp_path / "airline.json"
    preset.write_text(json.dumps({
        "name": "airline", "kind": "travel", "description": "flights only",
        "columns": {"origin": "Dep", "destination": "Arr", "date": "Flown"},
        "defaults": {"mode": "air"}}))
    source = pd.DataFrame({"Dep": ["GVA"], "Arr": ["NBO"], "Flown": ["2021-06-01"]})
    table = read(source, mapping=str(preset))
    assert table.data["mode"].tolist() == ["air"]
    assert table.data["destination"].tolist() == ["NBO"]


def test_canonical_preset_is_identity(reference):
    table = read(sample_frame(), mapping="canonical")
    pd.testing.assert_frame_equal(table.data, reference.data)


def test_presets_are_listed():
    presets = sc.io.list_presets()
    assert {"canonical", "agency", "utility_bills"} <= set(presets)


# --------------------------------------------------------------------------------------------
# missing columns, units, structural errors


def test_no_mode_column_is_an_error():
    source = pd.DataFrame({"date": ["2020-01-01"], "origin": ["GVA"], "destination": ["JFK"]})
    with pytest.raises(sc.InputFormatError, match="no mode column"):
        read(source)


def test_no_date_column_is_an_error():
    source = pd.DataFrame({"mode": ["air"], "origin": ["GVA"], "destination": ["JFK"]})
    with pytest.raises(sc.InputFormatError, match="no date"):
        read(source)


@pytest.mark.parametrize(("frame", "fragment"), [
    ({"mode": ["air"], "date": ["2020-01-01"]}, "air row"),
    ({"mode": ["rail"], "date": ["2020-01-01"]}, "no distance column"),
    ({"mode": ["hotel"], "date": ["2020-01-01"], "country": ["CH"]}, "no nights column"),
    ({"mode": ["hotel"], "date": ["2020-01-01"], "nights": [2]}, "no country column"),
])
def test_required_columns_per_mode(frame, fragment):
    with pytest.raises(sc.InputFormatError, match=fragment):
        read(pd.DataFrame(frame))


def test_distance_without_unit_is_an_error_naming_the_column():
    source = pd.DataFrame({"mode": ["rail"], "date": ["2020-01-01"], "Dist": [100]})
    with pytest.raises(sc.InputFormatError, match="'Dist' has distances but no unit"):
        read(source, mapping={"distance": "Dist"})


def test_distance_units_from_argument_header_and_rows():
    base = {"mode": ["rail", "rail"], "date": ["2020-01-01", "2020-01-02"]}
    by_arg = read(pd.DataFrame({**base, "distance": [100, 50]}), units={"distance": "mi"})
    assert by_arg.data["distance_km"].tolist() == pytest.approx([160.9344, 80.4672])
    by_header = read(pd.DataFrame({**base, "Distance (miles)": [100, 50]}))
    assert by_header.data["distance_km"].tolist() == pytest.approx([160.9344, 80.4672])
    by_key = read(pd.DataFrame({**base, "distance_km": [100, 50]}))
    assert by_key.data["distance_km"].tolist() == [100, 50]
    by_row = read(pd.DataFrame({**base, "distance": ["1.000", "12"],
                                "distance_unit": ["metre", "kWh"]}))
    assert by_row.data["distance_km"].tolist() == [0.001]
    assert by_row.rejected["reason"].tolist() == ["'kWh' is not a length unit"]
    mixed = read(pd.DataFrame({**base, "distance": [10, 10], "distance_unit": ["", "nmi"]}),
                 units={"distance": "km"})
    assert mixed.data["distance_km"].tolist() == pytest.approx([10, 18.52])
    with pytest.raises(sc.InputFormatError, match="not a \\[length\\] unit"):
        read(pd.DataFrame({**base, "distance": [1, 2]}), units={"distance": "kWh"})
    with pytest.raises(sc.InputFormatError, match="unit-less numeric travel columns"):
        read(pd.DataFrame({**base, "distance": [1, 2]}), units={"cost": "USD"})


def test_a_bare_m_is_no_distance_unit_mileage_exports_write_m_for_miles():
    # "M" (miles in mileage exports) was read as metres: 100 miles became 0.1 km, silently
    table = read(pd.DataFrame({"mode": ["rail", "rail", "rail"],
                               "date": ["2020-01-01"] * 3, "distance": [100, 100, 100],
                               "distance_unit": ["M", "m", "mi"]}))
    assert table.data["distance_km"].tolist() == pytest.approx([160.9344])
    assert table.rejected["column"].tolist() == ["distance_unit"] * 2
    assert all(r.startswith("ambiguous unit ") and "metre or mile?" in r
               for r in table.rejected["reason"])
    with pytest.raises(sc.UnitError, match="metre or mile"):
        sc.rail("100 M")


def test_unknown_distance_unit_is_rejected():
    table = read(pd.DataFrame({"mode": ["rail"], "date": ["2020-01-01"], "distance": [5],
                               "distance_unit": ["parsecs please"]}))
    assert table.rejected["reason"].tolist() == ["unknown distance unit 'parsecs please'"]
    assert table.rejected["column"].tolist() == ["distance_unit"]


def test_empty_and_header_only_sources(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(sc.InputFormatError, match="empty"):
        read(empty)
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"\r\n\n  \n")
    with pytest.raises(sc.InputFormatError, match="empty"):
        read(blank)
    header = tmp_path / "header.csv"
    header.write_text("trip_id,date,mode,origin,destination\n")
    table = read(header)
    assert table.rows_read == 0 and table.data.empty and table.rejected.empty
    assert list(table.data.columns) == list(TRAVEL_OUTPUT)
    with pytest.raises(sc.InputFormatError, match="no such file"):
        read(tmp_path / "missing.csv")


def test_unreadable_encodings_raise(tmp_path):
    no_bom = tmp_path / "utf16_no_bom.csv"
    no_bom.write_bytes("mode,date\nair,2020-01-01\n".encode("utf-16-le"))
    with pytest.raises(sc.InputFormatError, match="NUL bytes"):
        read(no_bom)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(1, 32)) * 50)
    with pytest.raises(sc.InputFormatError, match="does not look like a text"):
        read(binary)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("mode,date,traveller\nair,2020-01-01,Zoë\n".encode("cp1252"))
    with pytest.raises(sc.InputFormatError, match="cannot be decoded as utf-8"):
        read(latin, encoding="utf-8")


def test_malformed_csv_names_the_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("mode,date,origin,destination\nair,2020-01-01,GVA,JFK\n"
                   "air,2020-01-02,GVA,JFK,extra\n")
    with pytest.raises(sc.InputFormatError, match="line 3"):
        read(bad)


def test_short_rows_are_padded_and_blank_lines_keep_numbering(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("mode,date,origin,destination,cabin\n"
                    "air,2020-01-01,GVA,JFK\n"      # row 2, short: cabin missing
                    "\n"                            # row 3, blank
                    "air,2020-01-03,GVA,NBO,first\n"  # row 4
                    "\n\n")                         # trailing blank lines: ignored
    table = read(path)
    assert table.data["source_row"].tolist() == [2, 4]
    assert table.data["cabin"].tolist() == ["average", "first"]
    assert table.rejected[["source_row", "reason"]].values.tolist() == [[3, "empty row"]]
    assert table.reconciliation() == {"rows_read": 3, "rows_computable": 2, "rows_rejected": 1}


# --------------------------------------------------------------------------------------------
# normalisation of values


def test_dates_in_common_formats_day_first():
    dates = ["2019-03-05", "05/03/2019", "05.03.2019", "5 Mar 2019", "05-Mar-19",
             "March 5, 2019", 43529, "2019-03-05T14:30:00"]
    source = pd.DataFrame({"mode": "air", "origin": "GVA", "destination": "JFK",
                           "date": pd.Series(dates, dtype=object)})
    table = read(source)
    assert table.rejected.empty
    assert set(table.data["date"]) == {pd.Timestamp("2019-03-05")}


def test_month_first_only_when_the_column_only_parses_that_way():
    def dates_of(values):
        frame = pd.DataFrame({"mode": "air", "origin": "GVA", "destination": "JFK",
                              "date": values})
        return read(frame).data["date"].dt.strftime("%Y-%m-%d").tolist()

    assert dates_of(["03/05/2019", "04/06/2019"]) == ["2019-05-03", "2019-06-04"]
    assert dates_of(["03/05/2019", "03/13/2019"]) == ["2019-03-05", "2019-03-13"]


def test_date_problems_and_year_only():
    source = pd.DataFrame({
        "mode": "air", "origin": "GVA", "destination": "JFK",
        "date": ["31/02/2019", "soon", "1901-01-01", "2020", None],
        "year": [None, None, None, None, 2018],
    })
    table = read(source)
    reasons = table.rejected.set_index("source_row")["reason"].to_dict()
    assert reasons[2].startswith("impossible date")
    assert reasons[3] == "unparseable date"
    assert reasons[4].startswith("implausible date (year 1901")
    assert table.data["year"].tolist() == [2020, 2018]
    assert table.data["date"].isna().all()


def test_missing_date_and_year_is_rejected():
    source = pd.DataFrame({"mode": ["air"], "origin": ["GVA"], "destination": ["JFK"],
                           "date": [None]})
    assert read(source).rejected["reason"].tolist() == ["missing date (no date and no year)"]


def test_booleans_cabins_modes_countries_currencies():
    source = pd.DataFrame({
        "date": "2020-01-01",
        "mode": ["Flight", "PLANE", "air", "Train", "Eurostar", "coach", "Car Rental",
                 "Accommodation", "ferry"],
        "origin": ["GVA", "GVA", "GVA", "A", "LON", None, None, None, None],
        "destination": ["JFK", "JFK", "JFK", "B", "PAR", None, None, None, None],
        "cabin": ["J", "Premium-Economy", None, None, None, None, None, None, None],
        "round_trip": ["yes", "0", "maybe", None, "true", None, None, None, None],
        "distance": [None, None, None, 10, 10, 10, 10, None, None],
        "distance_unit": "km",
        "nights": [None] * 7 + [2, None],
        "country": [None] * 7 + ["Côte d'Ivoire", None],
        "currency": ["usd", "€", "", None, "chf", "CHF", "XXQ", "GBP", "USD"],
    })
    table = read(source)
    data = table.data.set_index("source_row")
    assert data["mode"].to_dict() == {2: "air", 3: "air", 5: "rail", 6: "rail", 7: "road",
                                     9: "hotel"}
    assert data.loc[6, "rail_kind"] == "international"
    assert data.loc[7, "vehicle"] == "coach"
    assert data.loc[2, "cabin"] == "business" and data.loc[3, "cabin"] == "premium_economy"
    assert data.loc[2, "round_trip"] and not data.loc[3, "round_trip"]
    assert data.loc[9, "country"] == "CI"
    assert data.loc[3, "currency"] == "EUR" and data.loc[2, "currency"] == "USD"
    rejected = table.rejected.set_index("source_row")
    assert rejected.loc[4, "reason"].startswith("not a yes/no value")
    assert rejected.loc[8, "reason"].startswith("unknown currency")
    assert rejected.loc[10, "reason"].startswith("unknown mode")
    assert table.reconciliation() == {"rows_read": 9, "rows_computable": 6, "rows_rejected": 3}


def test_numbers_with_separators_and_non_numbers():
    source = pd.DataFrame({
        "mode": "hotel", "date": "2020-01-01", "country": "FR",
        "nights": ["2", "1,5", "x", "-1", "3"],
        "cost": ["1,234.50", "(99.00)", "10", "10", "12 EUR"],
        "passengers": ["1", "1", "1", "1", "-1"],
    })
    table = read(source, refunds="keep")
    assert table.data["cost"].tolist() == [1234.5, -99.0]
    assert table.data["nights"].tolist() == [2.0, 1.5]
    rejected = table.rejected
    # 12 EUR is 12 in euros (a currency code beside a cost is read: test_reader_notes.py);
    # its row is rejected for its passengers alone
    assert rejected[["source_row", "column", "value", "reason"]].values.tolist() == [
        [4, "nights", "x", "nights is not a number"], [5, "nights", "-1", "negative nights"],
        [6, "passengers", "-1", "negative passengers"]]
    assert table.reconciliation() == {"rows_read": 5, "rows_computable": 2, "rows_rejected": 3}
    # with refunds="net" the accounting negative (99.00) is an unmatched refund
    netted = read(source)
    assert netted.data["source_row"].tolist() == [2]
    assert netted.rejected.loc[netted.rejected["source_row"] == 3, "reason"].str.startswith(
        "refund (negative cost) with no matching").all()


def test_air_needs_endpoints_and_routes_need_two_airports():
    source = pd.DataFrame({"mode": "air", "date": "2020-01-01",
                           "origin": ["GVA", None, None, "GVA"],
                           "destination": [None, None, None, "GVA"],
                           "route": [None, None, "GVA", None]})
    reasons = read(source).rejected.set_index("source_row")["reason"].to_dict()
    assert reasons[2].startswith("air needs an origin and a destination")
    assert reasons[3].startswith("air needs")
    assert reasons[4] == "a route needs at least two airports"
    assert reasons[5] == "a flight leg from an airport to itself"


def test_route_with_an_unknown_code_rejects_the_whole_row():
    source = pd.DataFrame({"mode": "air", "date": "2020-01-01",
                           "route": ["GVA/QQX/JFK", "gva > lhr > jfk", "GVA-JFK"]})
    table = read(source)
    assert table.data["source_row"].tolist() == [3, 3, 4]
    assert table.rejected[["source_row", "column", "value"]].values.tolist() == [
        [2, "route", "QQX"]]


# --------------------------------------------------------------------------------------------
# duplicates and refunds


DUPES = pd.DataFrame({
    "trip_id": ["A", "A", "B", "A"],
    "mode": "air", "date": "2020-01-01", "origin": "GVA", "destination": "JFK",
    "cost": [500.0, 500.0, 300.0, 500.0],
})


def test_duplicates_keep_and_drop():
    kept = read(DUPES)
    assert kept.data["source_row"].tolist() == [2, 3, 4, 5]
    dropped = read(DUPES, duplicates="drop")
    assert dropped.data["source_row"].tolist() == [2, 4]
    assert dropped.rejected[["source_row", "reason"]].values.tolist() == [
        [3, "exact duplicate of row 2"], [5, "exact duplicate of row 2"]]
    assert dropped.reconciliation() == {"rows_read": 4, "rows_computable": 2, "rows_rejected": 2}
    with pytest.raises(ValueError, match="duplicates must be"):
        read(DUPES, duplicates="maybe")


def test_refunds_net_keep_and_unmatched():
    source = pd.DataFrame({
        "trip_id": ["A", "A", "A", None, None, "C"],
        "traveller": ["x", "x", "x", "Ann", "Ann", "y"],
        "mode": "air", "date": "2020-01-01", "origin": "GVA",
        "destination": ["JFK", "JFK", "JFK", "NBO", "NBO", "LHR"],
        "cost": [800.0, -800.0, 850.0, 400.0, -400.0, -50.0],
    })
    netted = read(source)
    assert netted.data["source_row"].tolist() == [4]  # the exchange's new ticket remains
    reasons = netted.rejected.set_index("source_row")["reason"].to_dict()
    assert reasons == {2: "refunded (netted with row 3)", 3: "refunded (netted with row 2)",
                       5: "refunded (netted with row 6)", 6: "refunded (netted with row 5)",
                       7: reasons[7]}
    assert reasons[7].startswith("refund (negative cost) with no matching original")
    assert netted.reconciliation() == {"rows_read": 6, "rows_computable": 1, "rows_rejected": 5}
    kept = read(source, refunds="keep")
    assert kept.data["source_row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert kept.rejected.empty


def test_a_hotel_refund_nets_with_the_stay_of_its_rooms():
    """Without a trip id, a refund of a 2-room stay is not the cancellation of the 3-room
    stay of the same traveller, date, nights, country and cost; a blank rooms is 1 room."""
    source = pd.DataFrame({
        "traveller": "Ann", "mode": "hotel", "date": "2021-03-01", "country": "FR",
        "nights": 2, "cost": [400.0, 400.0, -400.0, 150.0, -150.0],
        "rooms": [3, 2, 2, None, 1],
    })
    table = read(source)
    assert table.data["source_row"].tolist() == [2]  # the 3-room stay happened
    assert table.data["rooms"].tolist() == [3.0]
    reasons = table.rejected.set_index("source_row")["reason"].to_dict()
    assert reasons == {3: "refunded (netted with row 4)", 4: "refunded (netted with row 3)",
                       5: "refunded (netted with row 6)", 6: "refunded (netted with row 5)"}
    # the refund of a 2-room stay alone finds no original among 3-room stays
    lonely = read(source.iloc[[0, 2]])
    assert lonely.data["source_row"].tolist() == [2]
    assert lonely.rejected["reason"].iloc[0].startswith(
        "refund (negative cost) with no matching original")
    # with a trip id, the trip id says which trip (as for nights)
    by_id = read(source.iloc[[0, 2]].assign(trip_id="T1"))
    assert by_id.data.empty and len(by_id.rejected) == 2

def test_duplicate_originals_with_one_refund():
    source = pd.concat([DUPES.iloc[[0, 0]], DUPES.iloc[[0]].assign(cost=-500.0)])
    table = read(source)
    assert table.data["source_row"].tolist() == [3]
    assert set(table.rejected["source_row"]) == {2, 4}


# --------------------------------------------------------------------------------------------
# progress, Excel sheets, misc


def test_progress_is_silent_when_stderr_is_not_a_terminal(capsys):
    read(sample_frame(), progress=None)
    assert capsys.readouterr().err == ""


def test_excel_sheet_choice(tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["nothing here"])
    trips = book.create_sheet("Trips")
    trips.append(["mode", "date", "origin", "destination"])
    trips.append(["air", dt.datetime(2020, 1, 2), "GVA", "JFK"])
    book.save(path)
    with pytest.raises(sc.InputFormatError, match="no mode column"):
        read(path)
    table = read(path, sheet="trips")
    assert table.data["destination"].tolist() == ["JFK"]
    assert table.source.endswith("[sheet 'Trips']")
    assert read(path, sheet=1).data["destination"].tolist() == ["JFK"]
    with pytest.raises(sc.InputFormatError, match="no sheet 'Flights'"):
        read(path, sheet="Flights")


def test_excel_serial_dates_and_numeric_ids(tmp_path):
    path = tmp_path / "serial.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["trip_id", "mode", "date", "origin", "destination"])
    book.active.append([1001, "air", 43529, "GVA", "JFK"])
    book.save(path)
    data = read(path).data
    assert data["trip_id"].tolist() == ["1001"]
    assert data["date"].tolist() == [pd.Timestamp("2019-03-05")]


def test_wrong_content_for_suffix(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("mode,date\nair,2020-01-01\n")
    with pytest.raises(sc.InputFormatError, match="signature"):
        read(path)


def test_extra_columns_named_like_outputs_are_kept_apart():
    source = pd.DataFrame({"mode": ["hotel"], "date": ["2020-01-01"], "nights": [1],
                           "country": ["FR"], "leg": ["not mine"]})
    data = read(source).data
    assert data["leg"].tolist() == [0]
    assert data["leg (source)"].tolist() == ["not mine"]


# --------------------------------------------------------------------------------------------
# robustness: whatever the cells hold, every source row ends in data or in rejected

GOOD = {  # mostly valid values, so that rows reach data as well as rejected
    "mode": ["air", "air", "Flight", "train", "taxi", "hotel"],
    "date": ["2019-03-05", "2020-06-01", "5 Mar 2019"],
    "origin": ["GVA", "jfk"], "destination": ["LHR", "ADD", "NBO"],
    "distance": [10, "12,5"], "nights": [2, "3"], "country": ["CH", "Switzerland"],
}
BAD = {
    "mode": ["boat", "", None, "Car Rental", "bus"],
    "date": ["31/02/2019", "13/01/2020", "01/13/2020", "2019", "x", None, 43529],
    "origin": ["QQX", "", None, "Geneva", "LHR"],
    "destination": ["GVA", "", None],
    "route": [None, "", "GVA-LHR-JFK", "GVA/QQX", "GVA", "GVA//NBO"],
    "cabin": [None, "economy", "J", "lounge"],
    "round_trip": [None, "Y", "no", "maybe", 1],
    "passengers": [None, 1, "2", "-1", "x", "1,5"],
    "distance": [None, "-3", "far"],
    "distance_unit": [None, "km", "mi", "kWh", "parsec"],
    "nights": [None, "-1", "three"],
    "country": [None, "Narnia", "NA"],
    "cost": [None, 100, -100, "(100)", "1.234,5", "abc"],
    "currency": [None, "USD", "usd", "XYZ", "€"],
    "trip_id": [None, "A", "B"],
}
ALWAYS = ["mode", "date", "origin", "destination", "distance", "nights", "country"]


@st.composite
def travel_frames(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    optional = sorted(set(BAD) - set(ALWAYS))
    names = [*ALWAYS, *draw(st.sets(st.sampled_from(optional)))]

    def cell(name: str) -> object:
        good = GOOD.get(name)
        if good and draw(st.integers(0, 3)) > 0:
            return draw(st.sampled_from(good))
        return draw(st.sampled_from(BAD[name]))

    return pd.DataFrame({name: [cell(name) for _ in range(n)] for name in names})


def _check_invariants(table: sc.ActivityTable) -> None:
    counts = table.reconciliation()
    assert counts["rows_computable"] + counts["rows_rejected"] == counts["rows_read"]
    assert not set(table.data["source_row"]) & set(table.rejected["source_row"])
    assert set(table.data["mode"]) <= {"air", "rail", "road", "hotel"}
    assert (table.data["year"] > 0).all()
    assert (table.data[["passengers", "nights", "distance_km"]].fillna(0) >= 0).all().all()
    assert (table.data["passengers"] > 0).all()  # a row with no traveller is no trip
    assert (table.data.loc[table.data["mode"] == "hotel", "nights"] > 0).all()
    air = table.data[table.data["mode"] == "air"]
    assert (air["origin"].str.len() > 0).all() and (air["destination"].str.len() > 0).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=travel_frames(), duplicates=st.sampled_from(["keep", "drop"]),
       refunds=st.sampled_from(["net", "keep"]))
def test_every_row_is_accounted_for(frame, duplicates, refunds):
    try:
        table = read(frame, units={"distance": "km"}, duplicates=duplicates, refunds=refunds)
    except sc.InputFormatError as exc:  # structural problems only
        assert "missing required column" in str(exc)
        return
    _check_invariants(table)
    as_csv = read(io.BytesIO(frame.to_csv(index=False).encode()), units={"distance": "km"},
                  duplicates=duplicates, refunds=refunds)
    _check_invariants(as_csv)
    assert as_csv.reconciliation() == table.reconciliation()


def test_bad_json_parquet_gzip_and_workbook(tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('[{"mode": "air",}]')
    with pytest.raises(sc.InputFormatError, match="not valid JSON"):
        read(bad_json)
    bad_lines = tmp_path / "bad.jsonl"
    bad_lines.write_text('{"mode": "air"}\n{"mode": \n')
    with pytest.raises(sc.InputFormatError, match="not valid JSON"):
        read(bad_lines)
    scalar = tmp_path / "scalar.json"
    scalar.write_text('{"a": 1, "b": 2}')
    with pytest.raises(sc.InputFormatError, match="exactly one array of records"):
        read(scalar)
    bad_parquet = tmp_path / "bad.parquet"
    bad_parquet.write_bytes(b"PAR1 this is not really parquet PAR1")
    with pytest.raises(sc.InputFormatError, match="cannot be read as Parquet"):
        read(bad_parquet)
    bad_xlsx = tmp_path / "bad.xlsx"
    bad_xlsx.write_bytes(b"PK\x03\x04 truncated zip")
    with pytest.raises(sc.InputFormatError, match="cannot be opened as an Excel workbook"):
        read(bad_xlsx)
    packed = tmp_path / "log.csv.gz"
    packed.write_bytes(gzip.compress(sample_frame().to_csv(index=False).encode()))
    assert read(packed).reconciliation() == {"rows_read": 12, "rows_computable": 6,
                                             "rows_rejected": 6}


def test_quoted_newlines_keep_record_numbering(tmp_path):
    path = tmp_path / "multiline.csv"
    path.write_text('mode,date,origin,destination,purpose\n'
                    'air,2020-01-01,GVA,JFK,"two\nlines"\n'
                    'air,2020-01-02,GVA,QQX,x\n')
    table = read(path)
    assert table.data["purpose"].tolist() == ["two\nlines"]
    assert table.rejected["source_row"].tolist() == [3]


def test_excel_blank_rows_keep_numbering(tmp_path):
    path = tmp_path / "gaps.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["mode", "date", "origin", "destination"])
    book.active.append(["air", "2020-01-01", "GVA", "JFK"])
    book.active.append([])
    book.active.append(["air", "2020-01-02", "GVA", "NBO"])
    book.save(path)
    table = read(path)
    assert table.data["source_row"].tolist() == [2, 4]
    assert table.rejected["reason"].tolist() == ["empty row"]


def test_agency_car_type_is_kept_as_an_extra_column():
    table = read(io.BytesIO(AGENCY.encode()), mapping="agency")
    assert table.data.loc[table.data["mode"] == "road", "Car Type"].tolist() == ["Rental car"]


def test_iso_date_columns_take_one_cast_with_the_general_result():
    """A text column of YYYY-MM-DD dates is read by one pyarrow cast (no look-up of distinct
    values); the result must be the general parser's, gaps and leap days included."""
    from sem_carbon.io.csvfile import text_dtype
    from sem_carbon.io.parse import iso_date_column, parse_dates

    rng = np.random.default_rng(3)
    days = np.datetime64("1950-01-01") + rng.integers(0, 151 * 365, 20_000)
    cells = days.astype(str).astype(object)
    cells[rng.integers(0, cells.size, 500)] = None
    cells[:3] = ["2020-02-29", "1950-01-01", "2100-12-31"]  # a leap day and both limits
    fast = iso_date_column(pd.Series(cells, dtype=text_dtype()))
    general = parse_dates(pd.Series(cells, dtype=object))  # object cells: the general path
    assert fast is not None
    for field in general._fields:
        np.testing.assert_array_equal(getattr(fast, field), getattr(general, field), field)


@pytest.mark.parametrize("cell, reason", [
    ("2019-02-29", "impossible date"), ("1949-12-31", "implausible date (year 1949"),
    ("2101-01-01", "implausible date (year 2101"), ("0000-01-01", "impossible date"),
    (" 2019-03-01", None), ("2019-3-1", None), ("2019/03/01", None),
])
def test_one_other_date_in_an_iso_csv_column_goes_the_general_way(tmp_path, cell, reason):
    """Any cell the one-cast path does not read exactly sends the column to the general
    parser, which names the bad cell (and reads the other forms)."""
    from sem_carbon.io.csvfile import text_dtype
    from sem_carbon.io.parse import iso_date_column

    cells = ["2019-01-05"] * 200 + [cell] + ["2019-01-06"] * 200
    assert iso_date_column(pd.Series(cells, dtype=text_dtype())) is None
    path = tmp_path / "log.csv"
    pd.DataFrame({"mode": "air", "origin": "GVA", "destination": "JFK",
                  "date": cells}).to_csv(path, index=False)
    table = sc.read_travel_log(path)
    assert table.rows_read == 401
    if reason is None:  # another form of the same date: read
        assert table.rejected.empty
        assert table.data["date"].iloc[200] == pd.Timestamp("2019-03-01")
    else:
        assert table.rejected["source_row"].tolist() == [202]
        assert table.rejected["reason"].iloc[0].startswith(reason)


def test_round_trip_flag_on_a_routing_that_returns_is_not_counted_twice():
    # An export with a "Round Trip" column (matched by its canonical name) and a routing
    # that lists the return: GVA/JFK/GVA is two legs, not four.
    source = pd.DataFrame({"Date": ["2019-03-04", "2019-03-04"], "Mode": ["air", "air"],
                           "Route": ["GVA/JFK/GVA", "GVA/JFK"], "Round Trip": ["Yes", "Yes"]})
    table = read(source)
    closed = table.data[table.data["source_row"] == 2]
    assert closed["leg"].tolist() == [0, 1]
    assert not closed["round_trip"].any()
    assert closed["notes"].str.contains("round trip not doubled").all()
    open_jaw = table.data[table.data["source_row"] == 3]  # one leg, flown both ways
    assert open_jaw["round_trip"].tolist() == [True]
    assert open_jaw["notes"].tolist() == [""]
    inv = sc.calculate(table)
    one_way = sc.flight("GVA", "JFK", cabin="average", year=2019).co2e.m_as("kgCO2e")
    # desnz-2019 long-haul average passenger with RF, 0.19562 kgCO2e/pkm, x 6,201.2 km
    assert one_way == pytest.approx(6201.195 * 0.19562, rel=1e-6)
    by_row = inv.data.groupby("source_row")["co2e_kg"].sum()
    assert by_row[2] == pytest.approx(2 * one_way, rel=1e-9)
    assert by_row[3] == pytest.approx(2 * one_way, rel=1e-9)


def test_boolean_cells_are_no_numbers_and_decimals_are():
    import decimal

    # a TRUE in a distance or passengers cell (a checkbox column mapped by mistake) was
    # read as 1 (1 mile, 1 passenger); a database NUMERIC (Decimal) was "not a number"
    source = pd.DataFrame({
        "Date": ["2019-03-04"] * 4, "Mode": ["rail"] * 4,
        "Distance": [True, decimal.Decimal("150.5"), 100, 100],
        "Passengers": [1, 1, True, decimal.Decimal("2")],
    })
    table = read(source, units={"distance": "km"})
    rejected = table.rejected.set_index("source_row")
    assert rejected.loc[2, "reason"] == "distance is not a number"
    assert rejected.loc[4, "reason"] == "passengers is not a number"
    kept = table.data.set_index("source_row")
    assert kept.loc[3, "distance_km"] == 150.5
    assert kept.loc[5, "passengers"] == 2.0
    assert table.reconciliation() == {"rows_read": 4, "rows_computable": 2, "rows_rejected": 2}
    # a whole boolean column (Parquet, Excel) likewise
    flags = pd.DataFrame({"Date": ["2019-03-04"] * 2, "Mode": ["rail"] * 2,
                          "Distance": [10.0, 20.0], "Passengers": [True, False]})
    table = read(flags, units={"distance": "km"})
    assert table.reconciliation()["rows_rejected"] == 2


def test_a_true_cell_among_numbers_of_a_workbook_is_no_number(tmp_path):
    # pandas' reading of a sheet turned a column of 1, TRUE, 2 into floats (TRUE -> 1.0)
    # before the number parser could see the boolean: a checkbox passenger was 1 passenger
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Mode", "Origin", "Destination", "Passengers"])
    for passengers in (1, True, 2, "3"):
        sheet.append(["2019-03-04", "air", "GVA", "JFK", passengers])
    path = tmp_path / "checkbox.xlsx"
    book.save(path)
    table = sc.read_travel_log(path)
    assert table.rejected[["source_row", "column", "reason"]].values.tolist() == [
        [3, "Passengers", "passengers is not a number"]]
    kept = table.data.set_index("source_row")["passengers"]
    assert kept.to_dict() == {2: 1.0, 4: 2.0, 5: 3.0}
    assert table.reconciliation() == {"rows_read": 4, "rows_computable": 3, "rows_rejected": 1}


AGENCY_DISTANCES = """Booking Ref,Travel Date,Product Type,Routing,Rail Distance (km),\
Car Distance (km),Hotel Nights,Hotel Country
D1,25/03/2019,Car,,300,100,,
D2,25/03/2019,Rail,,,120,,
D3,25/03/2019,Rail,,280,,,
D4,25/03/2019,Taxi,,,15,,
D5,25/03/2019,Air,GVA/LHR,,40,,
D6,25/03/2019,Rail,,250,90,,
"""


def test_agency_preset_reads_each_modes_own_distance_column():
    """A Car row with Rail Distance 300 and Car Distance 100 is 100 km (the first filled
    column, 300 km, was read before); a rail row with only a car distance is rejected."""
    table = read(io.BytesIO(AGENCY_DISTANCES.encode()), mapping="agency")
    data = table.data.set_index("trip_id")
    assert data.loc["D1", "distance_km"] == 100.0
    assert data.loc["D1", "notes"] == ("'Rail Distance (km)' (read on rail rows) not read on "
                                       "a road row (each mode's distance is read from its own "
                                       "column)")
    assert data.loc["D3", "distance_km"] == 280.0 and data.loc["D3", "notes"] == ""
    assert data.loc["D4", "distance_km"] == 15.0 and data.loc["D4", "vehicle"] == "taxi"
    assert data.loc["D6", "distance_km"] == 250.0
    assert data.loc["D6", "notes"] == ("'Car Distance (km)' (read on road rows) not read on a "
                                       "rail row (each mode's distance is read from its own "
                                       "column)")
    assert np.isnan(data.loc["D5", "distance_km"])  # an air row reads no surface distance
    assert data.loc["D5", "notes"] == ("'Car Distance (km)' (read on road rows) not read on "
                                       "an air row (each mode's distance is read from its own "
                                       "column)")
    rejected = table.rejected
    assert rejected["source_row"].tolist() == [3]
    assert rejected["column"].tolist() == ["Rail Distance (km) / Car Distance (km)"]
    assert rejected["value"].tolist() == ["120"]
    assert rejected["reason"].tolist() == [
        "rail row without a distance in 'Rail Distance (km)', its own column, but with one in "
        "'Car Distance (km)' (read on road rows): each mode's distance is read from its own "
        "column only (fill 'Rail Distance (km)', or correct the mode)"]
    assert table.reconciliation() == {"rows_read": 6, "rows_computable": 5, "rows_rejected": 1}


def test_distance_per_mode_mapping_is_general_and_checked():
    frame = pd.DataFrame({"mode": ["train", "car", "bus"], "date": ["2019-01-01"] * 3,
                          "Train km": [10.0, None, None], "Road km": [None, 20.0, 30.0]})
    mapping = {"distance": {"rail": "Train km", "road": ["Road km"]}}
    table = read(frame, mapping=mapping, units={"distance": "km"})
    assert table.data["distance_km"].tolist() == [10.0, 20.0, 30.0]
    assert table.data["notes"].tolist() == ["", "", ""]
    with pytest.raises(sc.InputFormatError, match=r"per mode needs canonical modes as keys "
                       r"\(air, rail, road, hotel\); got 'train'"):
        read(frame, mapping={"distance": {"train": "Train km"}}, units={"distance": "km"})
    with pytest.raises(sc.InputFormatError, match="is in column 'Boat km', which the source"):
        read(frame, mapping={"distance": {"rail": "Boat km"}}, units={"distance": "km"})


JOURNEYS = """Booking Ref,Travel Date,Product Type,Routing,Journey Type
J1,25/03/2019,Air,GVA-LHR,Return
J2,25/03/2019,Air,GVA/LHR/GVA,Return
J3,25/03/2019,Air,GVA-LHR,One Way
J4,25/03/2019,Air,GVA/LHR/CDG,Open Jaw
J5,25/03/2019,Air,GVA-LHR,Stopover
J6,25/03/2019,Air,GVA-JFK,RT
J7,25/03/2019,Air,GVA-JFK,multi-city
J8,25/03/2019,Air,GVA-JFK,
"""


def test_agency_journey_type_is_read_as_round_trip():
    """Routing GVA-LHR with Journey Type Return was counted one way (Journey Type was an
    extra column): now it is a round trip; a routing back to its first airport is not
    doubled (noted); open jaw and multi-city count their listed legs; others rejected."""
    table = read(io.BytesIO(JOURNEYS.encode()), mapping="agency")
    data = table.data
    by_trip = data.groupby("trip_id", sort=False)["round_trip"].agg(list).to_dict()
    assert by_trip == {"J1": [True], "J2": [False, False], "J3": [False],
                       "J4": [False, False], "J6": [True], "J7": [False], "J8": [False]}
    notes = data.groupby("trip_id", sort=False)["notes"].first()
    # no cost column: no cost was split, and no note says one was
    assert notes["J2"] == ("round trip not doubled: the route returns to its first airport, "
                           "so its legs already include the return")
    assert notes["J4"] == ("'Open Jaw': an open-jaw or multi-city ticket is counted from its "
                           "legs as listed (not doubled)")
    assert notes["J7"] == ("'multi-city': an open-jaw or multi-city ticket is counted from "
                           "its legs as listed (not doubled)")
    assert notes["J1"] == "" and notes["J3"] == "" and notes["J6"] == ""
    assert table.rejected[["source_row", "column", "value", "reason"]].values.tolist() == [
        [6, "Journey Type", "Stopover",
         "not a yes/no value or a journey type (expected Y/N, yes/no, true/false, 1/0, or "
         "return, one way, open jaw, multi-city)"]]
    result = sc.calculate(table)
    one_way = result.data.loc[result.data["trip_id"] == "J3", "co2e_kg"].sum()
    there_and_back = result.data.loc[result.data["trip_id"] == "J1", "co2e_kg"].sum()
    assert there_and_back == pytest.approx(2 * one_way, rel=1e-12)


def test_open_jaw_without_a_routing_is_rejected_and_journey_words_stay_out_of_yes_no():
    frame = pd.DataFrame({"mode": ["air", "air"], "date": ["2019-01-01"] * 2,
                          "origin": ["GVA", "GVA"], "destination": ["LHR", "LHR"],
                          "round_trip": ["Open Jaw", "return"]})
    table = read(frame)
    assert table.data["round_trip"].tolist() == [True]
    assert table.rejected["reason"].tolist() == [
        "an open-jaw or multi-city ticket needs its route (every airport, e.g. "
        "GVA/LHR/CDG/GVA): an origin and a destination give one leg of several"]
    values, _, bad = sc.vocabulary.yes_no(pd.Series(["return", "one way", "yes", "N"]))
    assert bad.tolist() == [True, True, False, False]  # e.g. treatment: 'return' is no yes
    assert values.tolist() == [False, False, True, False]


@pytest.mark.parametrize("cell", ["2020/21", "FY2021", "Q1 2021", "FY 2020/21", "2021-Q1",
                                  "FY21", "H1 2021", "2020-2021"])
def test_fiscal_years_and_quarters_say_what_they_are(cell):
    """'2020/21' was 'impossible date (no such month)', 'FY2021' and 'Q1 2021' 'unparseable
    date': now the reason says what the text is and what to give instead."""
    frame = pd.DataFrame({"mode": ["rail"], "date": [cell], "distance_km": [10.0]})
    table = read(frame)
    assert table.rejected[["column", "value", "reason"]].values.tolist() == [
        ["date", cell, "a fiscal year or quarter is not a date: give a date, or a year column "
                       "(mapping={'year': ...})"]]


@pytest.mark.parametrize(("cell", "month", "by_name"), [
    ("2011/12", "December 2011", "Dec 2011"), ("2010/11", "November 2010", "Nov 2010"),
    ("2009-10", "October 2009", "Oct 2009"), ("2000/01", "January 2000", "Jan 2000")])
def test_a_month_that_reads_as_a_fiscal_year_is_rejected_on_every_path(tmp_path, cell, month,
                                                                       by_name):
    """'2011/12' was read as December 2011 by every path; in agency files it is as likely
    the fiscal year or biennium 2011/12, and the two readings put the row in different
    reporting years (and factor editions): it is rejected, naming both readings."""
    reason = (f"'{cell}' reads both ways ({month}, or the fiscal year {cell}): give the "
              f"date in full (a day, or the month by name: '{by_name}'), or a year column "
              "(mapping={'year': ...})")
    frame = pd.DataFrame({"mode": "rail", "date": [cell, "2019/03", "2011-07"],
                          "distance_km": 10.0})
    csv, xlsx = tmp_path / "log.csv", tmp_path / "log.xlsx"
    frame.to_csv(csv, index=False)
    frame.to_excel(xlsx, index=False)
    for table in (read(csv), read(xlsx), read(frame), sc.calculate(frame)):
        assert table.rejected[["source_row", "column", "value", "reason"]].values.tolist() \
            == [[2, "date", cell, reason]]
        # a month that cannot be a fiscal year is read as before
        assert table.data[["source_row", "date"]].values.tolist() == [
            [3, pd.Timestamp("2019-03-01")], [4, pd.Timestamp("2011-07-01")]]
    with pytest.raises(sc.InvalidActivityError, match=r"reads both ways"):
        sc.flight("GVA", "LHR", date=cell)
    bills = pd.DataFrame({"kind": "electricity", "amount": 100.0, "unit": "kWh",
                          "country": "GB", "date": [cell, None, None, "2019/03"],
                          "period_start": [None, cell, "2011-12-01", None],
                          "period_end": [None, "2012-01-31", cell, None]})
    facilities = tmp_path / "bills.csv"
    bills.to_csv(facilities, index=False)
    got = sc.read_facilities(facilities)
    assert got.rejected[["source_row", "column", "value", "reason"]].values.tolist() == [
        [2, "date", cell, reason], [3, "period_start", cell, reason],
        [4, "period_end", cell, reason]]
    assert got.data[["source_row", "period_start", "period_end"]].values.tolist() == [
        [5, pd.Timestamp("2019-03-01"), pd.Timestamp("2019-03-31")]]
    computed = sc.calculate(bills.iloc[[0, 3]].drop(columns=["period_start", "period_end"]))
    assert computed.rejected[["source_row", "column", "reason"]].values.tolist() == [
        [2, "date", reason]]
    assert computed.data["year"].tolist() == [2019]


@pytest.mark.parametrize(("cell", "read_as"), [
    ("2010/12", "2010-12-01"), ("2011/11", "2011-11-01"), ("12/2011", "2011-12-01"),
    ("2011-01", "2011-01-01"), ("Dec 2011", "2011-12-01"), ("2011/12/05", "2011-12-05")])
def test_months_that_are_no_fiscal_year_are_still_read(cell, read_as):
    frame = pd.DataFrame({"mode": ["rail"], "date": [cell], "distance_km": [10.0]})
    table = read(frame)
    assert table.rejected.empty
    assert table.data["date"].tolist() == [pd.Timestamp(read_as)]


@pytest.mark.parametrize(("cell", "reason"), [
    ("2021/13", "impossible date (no such month)"), ("hello", "unparseable date"),
    ("2019-02-30", "impossible date (no such day)"), ("Q5 2021", "unparseable date")])
def test_other_bad_dates_keep_their_reasons(cell, reason):
    frame = pd.DataFrame({"mode": ["rail"], "date": [cell], "distance_km": [10.0]})
    assert read(frame).rejected["reason"].tolist() == [reason]


def test_json_route_lists_are_read_as_their_airports_in_order():
    """A JSON route ["GVA","JFK"] was two 'unknown airport code' rows ("['GVA'", "'JFK']")."""
    rows = [{"mode": "air", "date": "2023-01-05", "route": ["GVA", "JFK"]},
            {"mode": "air", "date": "2023-01-06", "route": ["gva", "LHR", "GVA"],
             "round_trip": "yes"},
            {"mode": "air", "date": "2023-01-07", "route": ["GVA", 12]},
            {"mode": "air", "date": "2023-01-08", "route": "GVA-LHR"}]
    table = read(io.BytesIO(json.dumps(rows).encode()))
    data = table.data
    assert data["source_row"].tolist() == [2, 3, 3, 5]
    assert data["leg"].tolist() == [0, 0, 1, 0]
    assert data["origin"].tolist() == ["GVA", "GVA", "LHR", "GVA"]
    assert data["destination"].tolist() == ["JFK", "LHR", "GVA", "LHR"]
    assert data["round_trip"].tolist() == [False, False, False, False]  # closed: not doubled
    assert table.rejected[["source_row", "column", "reason"]].values.tolist() == [
        [4, "route", 'a route list must hold airport codes as text (e.g. ["GVA", "JFK"])']]
    assert table.reconciliation() == {"rows_read": 4, "rows_computable": 3, "rows_rejected": 1}


#: Currencies whose costs the organisation meets: current codes (pycountry's ISO 4217
#: List One) and withdrawn ones (sem_carbon/money/data/iso4217_historic.csv). A package
#: update that drops one (pycountry 26 dropped HRK, BGN, SLL, ZWL ...) fails here.
CURRENT_CODES = ["USD", "EUR", "CHF", "GBP", "KES", "XOF", "XAF", "SLE", "MRU", "VES", "BYN",
                 "STN", "ZWG", "AFN", "SSP"]
HISTORIC_CODES = ["BGN", "HRK", "CYP", "EEK", "LTL", "LVL", "MTL", "ROL", "SIT", "SKK", "TRL",
                  "SLL", "MRO", "VEF", "BYR", "STD", "ZWL", "CUC", "GHC", "ZMK", "DEM", "FRF"]


def test_current_and_historic_currency_codes_are_pinned():
    from sem_carbon.io.common import currency_of, historic_currencies, iso_currencies
    from sem_carbon.money import ecb_rates

    codes = iso_currencies()
    assert set(CURRENT_CODES) <= codes
    assert set(HISTORIC_CODES) <= historic_currencies() <= codes
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in historic_currencies())
    # every currency the bundled ECB rates publish is read (BGN to 2025, HRK to 2022 ...)
    assert set(ecb_rates().columns) <= codes
    assert currency_of(" hrk ") == "HRK" and currency_of("XXQ") == ""


def test_a_withdrawn_currency_is_read_and_its_rate_decided_by_date():
    # audit: 2024 trips paid in BGN were rejected as "unknown currency" though the ECB
    # rates have BGN to 2025-12-31
    source = pd.DataFrame({"date": ["2024-06-03", "2019-06-03", "2019-06-03"], "mode": "hotel",
                           "nights": 1, "country": "BG", "cost": 100.0,
                           "currency": ["BGN", "HRK", "ZWL"]})
    table = read(source)
    assert table.rejected.empty
    assert table.data["currency"].tolist() == ["BGN", "HRK", "ZWL"]
    out = sc.Rates().convert(table.data["cost"], table.data["currency"], table.data["date"])
    assert (out["reason"].iloc[:2] == "").all()
    # BGN is pegged at 1.95583 per euro, which the ECB publishes to five figures: 1.9558
    eur = sc.Rates().convert([100.0 / 1.9558], ["EUR"], ["2024-06-03"])["amount"].iloc[0]
    assert out["amount"].iloc[0] == pytest.approx(eur, rel=1e-9)
    assert out["reason"].iloc[2].startswith("unknown currency ZWL: no rates table or ECB")


def test_a_distance_cell_with_its_own_unit_is_read_as_the_scalar_calls_read_it():
    # "100 km" was "distance is not a number" (sc.rail("100 km") reads it), and one bare
    # 100 among such cells made the whole file raise "has distances but no unit"
    frame = pd.DataFrame({"date": "2023-05-05", "mode": "rail",
                          "distance": ["100 km", "62 mi.", "100", "100 gal", "100km"]})
    table = sc.read_travel_log(frame)
    assert table.data["source_row"].tolist() == [2, 3, 6]
    assert table.data["distance_km"].tolist() == pytest.approx([100.0, 62 * 1.609344, 100.0])
    assert table.rejected[["source_row", "column", "reason"]].values.tolist() == [
        [4, "distance_unit", "distance without a unit"],
        [5, "distance", "distance is not a number"]]
    clash = sc.read_travel_log(frame.iloc[:2], units={"distance": "km"})
    assert clash.data["source_row"].tolist() == [2]
    assert clash.rejected["reason"].str.startswith(
        "the distance's own unit contradicts the row's distance unit").tolist() == [True]
    with pytest.raises(sc.InputFormatError, match="has distances but no unit"):
        sc.read_travel_log(frame.iloc[[2]])
