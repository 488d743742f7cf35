"""Fuzzing the readers with hostile input (issue "Reliability and security: hostile inputs,
nothing lost").

Every generated input -- random bytes, wrong or mixed encodings, BOMs, ragged or malformed
CSV, huge cells, thousands of columns, formula strings, non-finite numbers, dates far in the
past or future, duplicate headers, odd routing strings, negative counts -- written as a real
CSV, Excel (openpyxl), JSON or Parquet (pyarrow) file, or given as a DataFrame, must end in

- computed rows (``data``), or
- rejected rows with a reason (``rejected``), or
- ONE :class:`sem_carbon.SemCarbonError` with a message,

and, when an Excel cell cannot be read as Excel shows it (a formula saved without its
value, an error value), an :class:`sem_carbon.io.InputWarning` and the row rejected or
noted (issue 16, item 9),

never another exception and never a lost row: the distinct ``source_row`` of ``data`` and of
``rejected`` are disjoint and add up to ``rows_read``. Each successful table also goes
through :func:`sem_carbon.calculate`, which must account for every data row (in the
inventory's ``data`` or ``rejected``). Rejected ``value`` texts are the source cells verbatim
(the readers keep raw text: escaping formulas is the job of whatever writes a spreadsheet).

The tests are bounded (``max_examples`` 25-60, no deadline; about half a minute in all);
``SEM_CARBON_FUZZ_SCALE=10`` multiplies the examples for a deeper run. The number of reads
checked is printed in the terminal summary ("fuzzed reader cases"). The plain tests at the
end are the regression tests of the bugs the fuzzing found (docstrings starting "Bug:"; each
failed on the readers as they were), plain checks of hostile cases the issue names, and a
check that large sources, whose columns are parsed in threads, read exactly as with one
thread.
"""

from __future__ import annotations

import codecs
import datetime as dt
import decimal
import io
import json
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

import sem_carbon as sc
from sem_carbon.io import InputWarning
from sem_carbon.io.columns import FACILITIES_INPUTS, TRAVEL_INPUTS, TRAVEL_OUTPUT
from sem_carbon.io.csvfile import dedupe_names
from sem_carbon.limits import MAX_LEG_KM, MAX_NIGHTS, MAX_PASSENGERS

#: multiply the examples for a deeper run:
#: SEM_CARBON_FUZZ_SCALE=20 pytest tests/test_fuzz_readers.py
SCALE = max(1, int(os.environ.get("SEM_CARBON_FUZZ_SCALE", "1")))
FUZZ = settings(max_examples=60 * SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])

#: reads checked, by outcome (printed at the end of the session)
CASES: Counter[str] = Counter()


class _CaseSummary:
    """Prints :data:`CASES` in pytest's terminal summary."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        total = sum(v for k, v in CASES.items() if k.startswith("read:"))
        if not total:
            return
        terminalreporter.section("fuzzed reader cases")
        parts = ", ".join(f"{k[5:]} {v}" for k, v in sorted(CASES.items())
                          if k.startswith("read:"))
        terminalreporter.write_line(
            f"{total} reads checked ({parts}); {CASES['inputs']} generated inputs; "
            f"{CASES['calculated']} tables calculated; {CASES['verbatim']} rejected values "
            f"compared verbatim; {CASES['warned']} warnings about Excel cells checked")


@pytest.fixture(scope="session", autouse=True)
def _report_cases(request: pytest.FixtureRequest) -> Iterator[None]:
    plugin = _CaseSummary()
    if not request.config.pluginmanager.is_registered(plugin):
        request.config.pluginmanager.register(plugin, "sem-carbon-fuzz-cases")
    yield


# --------------------------------------------------------------------------------------------
# the invariants


READERS: dict[str, Callable[..., sc.ActivityTable]] = {
    "travel": sc.read_travel_log, "facilities": sc.read_facilities}
UNITS = {"travel": {"distance": "km"}, "facilities": {"amount": "kWh"}}


def check_table(table: sc.ActivityTable, kind: str) -> None:
    """Nothing lost, nothing counted twice, and the data columns keep their contract."""
    data_rows = set(table.data["source_row"].tolist())
    rejected_rows = set(table.rejected["source_row"].tolist())
    assert not data_rows & rejected_rows, sorted(data_rows & rejected_rows)[:5]
    assert len(data_rows) + len(rejected_rows) == table.rows_read
    assert data_rows | rejected_rows == set(range(2, table.rows_read + 2))
    counts = table.reconciliation()
    assert counts["rows_computable"] + counts["rows_rejected"] == counts["rows_read"]
    assert table.rejected["reason"].map(lambda r: isinstance(r, str) and r != "").all()
    assert table.rejected["value"].map(lambda v: isinstance(v, str)).all()
    data = table.data
    assert str(data["date"].dtype) == "datetime64[ns]"
    assert data["year"].between(1950, 2100).all()
    stamps = data["date"].dropna()
    assert (stamps.dt.year == data.loc[stamps.index, "year"]).all()
    numeric = (["passengers", "nights", "distance_km", "cost"] if kind == "travel"
               else ["amount", "supplier_factor_kg_per_kwh"])
    for name in numeric:
        values = data[name].to_numpy(dtype=float)
        assert not np.isinf(values).any(), name
        if name != "cost":
            assert (np.nan_to_num(values) >= 0).all(), name
    assert data["notes"].map(lambda v: isinstance(v, str)).all()
    if kind == "travel":  # plausible values only (sem_carbon.limits)
        assert (np.nan_to_num(data["passengers"].to_numpy(dtype=float)) <= MAX_PASSENGERS).all()
        assert (np.nan_to_num(data["nights"].to_numpy(dtype=float)) <= MAX_NIGHTS).all()
        assert (np.nan_to_num(data["distance_km"].to_numpy(dtype=float)) <= MAX_LEG_KM).all()
    if kind == "travel":
        assert set(data["mode"]) <= {"air", "rail", "road", "hotel"}
        air = data[data["mode"] == "air"]
        assert air["origin"].str.fullmatch(r"[A-Z0-9]{3}").all()
        assert air["destination"].str.fullmatch(r"[A-Z0-9]{3}").all()
        assert (air["origin"] != air["destination"]).all()
    else:
        assert (data["unit"] != "").all() and data["amount"].notna().all()


_CELL_ISSUE = re.compile(r"formula without a cached value|Excel error value")


def check_cell_issues(table: sc.ActivityTable, message: str) -> None:
    """The warning counts the cells and names the first ones; each data row it names
    (after the header) is rejected, or kept with a note about the cell."""
    assert re.search(r"\d+ (formula cell|cell)", message), message
    rows = {int(r) for r in re.findall(r"\b[A-Z]{1,3}(\d+)\b(?=[,)])", message)}
    rejected = set(table.rejected["source_row"])
    noted = set(table.data.loc[table.data["notes"].str.contains(_CELL_ISSUE),
                               "source_row"])
    for row in rows - {1}:
        assert row in rejected or row in noted, (row, message)


def check_inventory(table: sc.ActivityTable, kind: str) -> None:
    """Every data row of ``table`` ends in the inventory's data or rejected."""
    if table.data.empty:
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sc.NothingComputedWarning)
        inventory = sc.calculate(table)
    warned = any(issubclass(w.category, sc.NothingComputedWarning) for w in caught)
    assert warned == inventory.data.empty  # loud exactly when nothing was computed
    CASES["calculated"] += 1
    out = set(inventory.data.loc[inventory.data["table"] == kind, "source_row"].tolist())
    out |= set(inventory.rejected.loc[inventory.rejected["table"] == kind,
                                      "source_row"].tolist())
    lost = set(table.data["source_row"].tolist()) - out
    assert not lost, sorted(lost)[:5]


def check_verbatim(table: sc.ActivityTable, header: Sequence[str],
                   rows: Sequence[Sequence[str | None]], fallbacks: Sequence[str] = ()) -> None:
    """Rejected values naming one source column are that cell's text, unchanged.

    The value of an unknown airport code of a routing string is that code as written in
    the routing; a missing cell shows as ``""``, or as the unit given with ``units=``
    (``fallbacks``) when that unit is the problem.
    """
    names = dedupe_names(header)
    where = {name: i for i, name in enumerate(names)}
    for row, column, value, reason in table.rejected.itertuples(index=False):
        if column not in where or value == "":
            continue
        cells = rows[row - 2]
        i = where[column]
        cell = cells[i] if i < len(cells) else None
        if not isinstance(cell, str) or (not cell and value in fallbacks):
            continue  # typed cells are shown as text (1001.0 as "1001", dates as ISO)
        if "airport" in reason:
            assert value in cell, (row, column, value, cell)
        else:
            assert value == cell, (row, column, value, cell, reason)
        CASES["verbatim"] += 1


def check_source(source: Any, kinds: Sequence[str] = ("travel", "facilities"), *,
                 units: bool = False, policies: tuple[str, str] = ("keep", "net"),
                 header: Sequence[str] | None = None,
                 rows: Sequence[Sequence[str | None]] | None = None,
                 mappings: dict[str, Any] | None = None) -> None:
    """Read ``source`` with each reader and check every invariant of the module notes."""
    CASES["inputs"] += 1
    for kind in kinds:
        options: dict[str, Any] = {"duplicates": policies[0]}
        if mappings and kind in mappings:
            options["mapping"] = mappings[kind]
        if kind == "travel":
            options["refunds"] = policies[1]
        if units:
            options["units"] = UNITS[kind]
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", InputWarning)  # others stay errors
                table = READERS[kind](source, **options)
        except sc.SemCarbonError as exc:  # the one allowed error: a clear message
            CASES["read:error"] += 1
            assert str(exc).strip()
            continue
        CASES["read:table"] += 1
        check_table(table, kind)
        if caught:  # cells read as blank: warned once, and each row rejected or noted
            CASES["warned"] += 1
            assert len(caught) == 1 and issubclass(caught[0].category, InputWarning)
            check_cell_issues(table, str(caught[0].message))
        if header is not None and rows is not None:
            check_verbatim(table, header, rows, list(options.get("units", {}).values()))
        check_inventory(table, kind)


# --------------------------------------------------------------------------------------------
# cells

GOOD: dict[str, list[str]] = {
    "mode": ["air", "flight", "Air", "rail", "train", "eurostar", "taxi", "car rental", "Bus",
             "hotel"],
    "date": ["2019-03-05", "05/03/2019", "2020-12-31", "5 Mar 2021", "2022", "20190305",
             "43529", "2019-03-05T10:00:00Z", "03/25/2020"],
    "year": ["2019", "2020", "2023", "2019.0"],
    "origin": ["GVA", "jfk", "LHR", "Genève", "NBO"],
    "destination": ["JFK", "NBO", "add", "Zürich", "LHR"],
    "route": ["GVA-LHR-JFK", "GVA/NBO", "gva lhr", "GVA--LHR", "/GVA/", "GVA > JFK > GVA",
              "GVA|LHR", "gva,lhr;jfk", "GVA–LHR"],
    "cabin": ["economy", "Business", "first", "premium economy", "Y", "lounge"],
    "round_trip": ["Y", "no", "return", "1", "maybe"],
    "passengers": ["1", "2", "0", "-1", "1,5", "1.0"],
    "distance": ["12", "12,5", "1 234,5", "0", "-3"],
    "distance_unit": ["km", "mi", "kWh", "parsec", "m", "gal"],
    "vehicle": ["car", "taxi", "bus", "spaceship"],
    "fuel": ["diesel", "petrol", "electric", "unknown", "plutonium"],
    "rail_kind": ["national", "international", "tram", "maglev"],
    "nights": ["1", "3", "0", "-2", "2.5"],
    "country": ["CH", "GB", "France", "Narnia", "NA", "ch"],
    "cost": ["100", "-100", "(100)", "1.234,56", "1,234.56", "€ 12"],
    "currency": ["USD", "chf", "€", "XYZ"],
    "kind": ["electricity", "Natural gas", "diesel", "water", "waste", "refrigerant",
             "District heating", "Aviation turbine fuel", "unobtainium"],
    "amount": ["1", "1.234,5", "12", "-3", "0", "1e3"],
    "unit": ["kWh", "m3", "L", "kg", "gal", "t", "MWh", "zorks"],
    "period_start": ["2020-01-01", "2020-02-30", "2020"],
    "period_end": ["2020-01-31", "2019-12-31"],
    "gas": ["R-410A", "HFC-134a", "unobtainium"],
    "treatment": ["Y", "N", "maybe"],
    "disposal": ["landfill", "combustion", "moon"],
    "material": ["paper_and_board", "glass", "commercial_and_industrial_waste"],
    "method": ["location", "market", "guess"],
    "supplier_factor": ["0.1", "-1"],
    "trip_id": ["T1", "T2", "T1"],
    "entity": ["HQ", "RO"],
    "traveller": ["Zoë", "José"],
    "site": ["A", "B"],
}
HOSTILE: list[str] = [
    "", " ", "  GVA  ", " air ", "NaN", "nan", "NA", "N/A", "NULL", "None", "null", "-",
    "inf", "-inf", "Infinity", "1e309", "-1e309", "1e-400", "-0", "0", "-0.0", "+0",
    "=1+2", '=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(A1:A2)", "=cmd|' /C calc'!A0",
    "\t=1", "0001-01-01", "9999-12-31", "1900-02-29", "29/02/1900", "31/12/9999",
    "0000-00-00", "1/1/1", "00/00/0000", "2019-13-45", "1-1-1", "12/31/99", "1 Foo 2020",
    "1,234.56", "1.234,56", "1 234,56", "1'234.5", "1.234.567,89", "1,2,3", "12,5",
    "1.234", "(12.50)", "12-", "--1", "1e3", "0x1F", "1_000", "١٢٣", "½", "²",
    "GVA--LHR", "/GVA/", "gva lhr", "GVA//LHR", "-GVA-", "GVA-GVA", "ＧＶＡ", "G\u0301VA",
    "\u2212 5", "line\nbreak", "cr\rreturn", 'quo"te', '"', "a,b", "a;b", "a|b", "a\tb",
    "\ufeffBOM", "Ω≈ç√", "😀", "\u202eRTL", "9" * 400, "-" * 50, ",,,", "\\", "''",
    "Zoë Müller", "\u00a0", "1\u00a0234,5", "１２", "true", "FALSE", "2019-03-05 25:61",
]
COMMON_HEADERS = [*sorted(set(TRAVEL_INPUTS) | set(FACILITIES_INPUTS)), "Distance (km)",
                  "amount [kWh]", "supplier_factor_kg_per_kwh", "notes", "Trip ID", "MODE",
                  " date ", "", "Unnamed: 3", "column_2", "x.1", "=1+1", "Ω"]
TRAVEL_CORE = ["mode", "date", "year", "origin", "destination", "route", "distance",
               "distance_unit", "nights", "country", "cost", "currency", "trip_id", "cabin"]
FACILITIES_CORE = ["kind", "amount", "unit", "country", "date", "period_start",
                   "period_end", "gas", "disposal", "material", "year"]

junk_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)


def _base(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower())


#: coherent rows that compute (before mutation), by canonical column
TEMPLATES: list[dict[str, str]] = [
    {"mode": "air", "date": "2019-03-05", "origin": "GVA", "destination": "JFK",
     "cabin": "economy", "passengers": "1", "cost": "1234.5", "currency": "USD",
     "trip_id": "T1", "entity": "HQ"},
    {"mode": "Flight", "date": "05/03/2021", "route": "GVA-LHR-JFK", "cabin": "Business",
     "round_trip": "Y", "cost": "-1234.5", "currency": "USD", "trip_id": "T1"},
    {"mode": "air", "year": "2020", "origin": "nbo", "destination": "ADD", "cost": "(1234.5)"},
    {"mode": "train", "date": "2022-01-31", "origin": "Genève", "destination": "Zürich",
     "distance": "280", "distance_unit": "km", "cost": "120,75", "currency": "CHF"},
    {"mode": "taxi", "date": "2019-12-31", "distance": "12", "distance_unit": "mi",
     "vehicle": "taxi", "currency": "EUR"},
    {"mode": "car rental", "date": "2023-06-01", "distance": "1 234,5", "distance_unit": "km",
     "fuel": "diesel"},
    {"mode": "hotel", "date": "2020-02-29", "nights": "3", "country": "Switzerland"},
    {"kind": "electricity", "amount": "1000", "unit": "kWh", "country": "CH",
     "date": "2020-01-01", "method": "location"},
    {"kind": "Natural gas", "amount": "1.234,5", "unit": "m3", "period_start": "2021-01-01",
     "period_end": "2021-03-31", "country": "GB"},
    {"kind": "water", "amount": "12", "unit": "m3", "year": "2019", "treatment": "Y"},
    {"kind": "refrigerant", "amount": "2", "unit": "kg", "gas": "R-410A", "date": "2022-05-05"},
    {"kind": "waste", "amount": "1", "unit": "t", "disposal": "landfill",
     "material": "commercial_and_industrial_waste", "date": "2019-07-01"},
    {"kind": "diesel", "amount": "500", "unit": "L", "date": "2024-01-15"},
]


def _canonical(name: str) -> str:
    base = _base(name)
    for stem in ("distance", "amount", "supplier_factor"):
        if base.startswith(stem) and base != "distance_unit":
            return stem
    return base


@st.composite
def cell_text(draw: st.DrawFn, name: str) -> str | None:
    """A cell of column ``name``: often plausible, often hostile, sometimes random."""
    choice = draw(st.integers(0, 9))
    good = GOOD.get(_canonical(name))
    if good and choice < 4:
        return draw(st.sampled_from(good))
    if choice < 9:
        return draw(st.sampled_from([*HOSTILE, None]))
    return draw(junk_text)


def _templates_for(header: Sequence[str]) -> list[dict[str, str]]:
    """Templates of the table kinds the header can hold (all when it names neither)."""
    names = {_canonical(h) for h in header}
    kinds = {"mode", "kind"} & names
    return [t for t in TEMPLATES if not kinds or kinds & set(t)]


@st.composite
def rows_of(draw: st.DrawFn, header: Sequence[str], cell: Callable[[str], Any],
            max_rows: int = 6, count: int | None = None) -> list[list[Any]]:
    """Rows for ``header`` (``count``, else 0 to ``max_rows``): coherent template rows with
    up to two cells replaced by ``cell(name)``, or rows made of ``cell`` draws only."""
    if count is None:  # header-only tables sometimes, mostly a few rows
        count = 0 if draw(st.integers(0, 9)) == 0 else draw(st.integers(1, max(1, max_rows)))
    rows = []
    for _ in range(count):
        style = draw(st.integers(0, 5))  # 0: all cells drawn; 1-2: clean; 3-5: 1-2 cells
        if style == 0:
            rows.append([draw(cell(name)) for name in header])
            continue
        template = draw(st.sampled_from(_templates_for(header)))
        row: list[Any] = [template.get(_canonical(name)) for name in header]
        for _ in range({1: 0, 2: 0, 3: 1, 4: 1, 5: 2}[style]):
            i = draw(st.integers(0, len(header) - 1))
            row[i] = draw(cell(header[i]))
        rows.append(row)
    return rows


@st.composite
def headers(draw: st.DrawFn) -> list[str]:
    """Column names: a core set (travel, facilities or both) plus any others, duplicates
    allowed."""
    core = draw(st.sampled_from([TRAVEL_CORE, FACILITIES_CORE, TRAVEL_CORE + FACILITIES_CORE,
                                 []]))
    core = [c for c in core if draw(st.integers(0, 9)) > 0]  # drop some
    extra = draw(st.lists(st.one_of(st.sampled_from(COMMON_HEADERS), junk_text), max_size=4))
    names = core + extra
    if not names:
        names = ["mode"]
    return names


@st.composite
def text_tables(draw: st.DrawFn, max_rows: int = 6) -> tuple[list[str], list[list[str | None]]]:
    """(header, rows of text cells or None)."""
    header = draw(headers())
    return header, draw(rows_of(header, cell_text, max_rows))


# --------------------------------------------------------------------------------------------
# writers


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1",
             "utf-8+invalid"]
LOSSLESS = {"utf-8", "utf-8-sig", "utf-16"}


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str | None]], delimiter: str,
             quoting: str, newline: str) -> str:
    """The table as delimited text (``quoting``: minimal, all, or none = naive joins)."""

    def field(cell: str | None) -> str:
        text = "" if cell is None else cell
        special = any(ch in text for ch in (delimiter, '"', "\r", "\n"))
        if quoting == "all" or (quoting == "minimal" and special):
            return '"' + text.replace('"', '""') + '"'
        return text

    def line(cells: Sequence[str | None]) -> str:
        if quoting == "minimal" and len(cells) == 1 and not cells[0]:
            return '""'  # a lone empty field, not a blank line
        return delimiter.join(field(c) for c in cells)

    return "".join(line(cells) + newline for cells in [header, *rows])


def encode(text: str, encoding: str) -> bytes:
    """``text`` in ``encoding`` (unencodable characters replaced); ``utf-8+invalid`` adds
    bytes that are not UTF-8 in the middle of the body."""
    if encoding == "utf-8+invalid":
        data = text.encode("utf-8")
        cut = len(data) // 2
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:  # not inside a character
            cut += 1
        return data[:cut] + b"\xc3\x28\xff" + data[cut:]
    return text.encode(encoding, errors="replace")


def write_xlsx(path: Path, header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
    """An .xlsx workbook of one sheet (text cleaned of characters XML cannot hold)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c
                      for c in row])
    book.save(path)


def json_text(header: Sequence[str], rows: Sequence[Sequence[Any]], form: str) -> str:
    """Records as a JSON array, JSON lines or an object holding the array; duplicate header
    names stay duplicate keys (the last wins when read); ragged rows lack keys."""

    def record(row: Sequence[Any]) -> str:
        items = [f"{json.dumps(str(k))}: {json.dumps(v)}" for k, v in zip(header, row,
                                                                           strict=False)]
        return "{" + ", ".join(items) + "}"

    records = [record(row) for row in rows]
    if form == "lines":
        return "\n".join(records) + "\n"
    array = "[" + ",\n".join(records) + "]"
    return array if form == "array" else f'{{"count": {len(rows)}, "trips": {array}}}'


# --------------------------------------------------------------------------------------------
# typed cells (DataFrames, Excel, JSON, Parquet)

typed_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e308, 5e-324, 2019.0, 43529.0, 1.5, -1.0, 2**63 + 0.0]),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(),
    st.sampled_from([pd.NaT, pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11"),
                     pd.Timestamp("2019-03-05", tz="Asia/Tokyo"), np.datetime64("NaT"),
                     np.datetime64("2019-03-05"), decimal.Decimal("1.5"),
                     decimal.Decimal("NaN"), b"air", bytearray(b"GVA"), 1j, ("GVA", "JFK"),
                     ["air"], {"mode": "air"}, frozenset({"x"}), np.float32("nan"),
                     np.int8(-1), dt.time(12, 0), dt.timedelta(days=1), pd.NA]),
)


@st.composite
def typed_cell(draw: st.DrawFn, name: str) -> Any:
    if draw(st.integers(0, 2)) == 0:
        return draw(typed_scalars)
    return draw(cell_text(name))


JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([[], ["GVA", "JFK"], {"a": 1}, [{"mode": "air"}], 2019, 1e309]),
)


@st.composite
def json_cell(draw: st.DrawFn, name: str) -> Any:
    if draw(st.integers(0, 2)) == 0:
        return draw(JSON_SCALARS)
    return draw(cell_text(name))


@st.composite
def excel_cell(draw: st.DrawFn, name: str) -> Any:
    if draw(st.integers(0, 2)) == 0:
        return draw(st.one_of(
            st.none(), st.booleans(), st.integers(min_value=-(2**53), max_value=2**53),
            st.floats(allow_nan=False, allow_infinity=False),
            st.datetimes(min_value=dt.datetime(1900, 3, 1),
                         max_value=dt.datetime(9999, 12, 31)),
            st.dates(min_value=dt.date(1900, 3, 1))))
    return draw(cell_text(name))


# --------------------------------------------------------------------------------------------
# the fuzz tests


@FUZZ
@given(table=text_tables(), delimiter=st.sampled_from([",", ";", "\t", "|"]),
       quoting=st.sampled_from(["minimal", "minimal", "all", "none"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]), encoding=st.sampled_from(ENCODINGS),
       suffix=st.sampled_from([".csv", ".txt", ".tsv", ".dat", ""]),
       units=st.booleans(), policies=st.sampled_from([("keep", "net"), ("drop", "keep")]))
def test_fuzz_csv_files(tmp_path_factory, table, delimiter, quoting, newline, encoding,
                        suffix, units, policies):
    header, rows = table
    text = csv_text(header, rows, delimiter, quoting, newline)
    path = tmp_path_factory.mktemp("csv") / f"log{suffix}"
    path.write_bytes(encode(text, encoding))
    exact = encoding in LOSSLESS and quoting != "none"
    check_source(path, units=units, policies=policies,
                 header=header if exact else None, rows=rows if exact else None)


@st.composite
def ragged_tables(draw: st.DrawFn) -> tuple[list[str], list[list[str | None]]]:
    header, rows = draw(text_tables())
    out = []
    for row in rows:
        change = draw(st.integers(-len(row), 3))
        out.append(row[:len(row) + change] if change < 0
                   else row + [draw(cell_text("x")) for _ in range(change)])
    return header, out


@FUZZ
@given(table=ragged_tables(), delimiter=st.sampled_from([",", ";"]),
       units=st.booleans())
def test_fuzz_ragged_rows(tmp_path_factory, table, delimiter, units):
    header, rows = table
    path = tmp_path_factory.mktemp("ragged") / "log.csv"
    path.write_bytes(csv_text(header, rows, delimiter, "minimal", "\n").encode())
    check_source(path, units=units, header=header, rows=rows)


MAGIC = [b"", b"PK\x03\x04", b"PAR1", b"\x1f\x8b", b"\xd0\xcf\x11\xe0", b"[", b"{",
         codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"mode,date\n",
         b"mode;date;origin;destination\nair;2019-01-01;GVA;JFK\n"]


@FUZZ
@given(prefix=st.sampled_from(MAGIC), body=st.binary(max_size=600),
       suffix=st.sampled_from(["", ".csv", ".xlsx", ".xls", ".json", ".jsonl", ".parquet",
                               ".gz", ".csv.gz", ".bin"]))
def test_fuzz_random_bytes(tmp_path_factory, prefix, body, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"blob{suffix}"
    path.write_bytes(prefix + body)
    check_source(path)
    check_source(io.BytesIO(prefix + body), kinds=("travel",))


@FUZZ
@given(header=headers(), data=st.data(), n=st.integers(0, 5), units=st.booleans())
def test_fuzz_excel_files(tmp_path_factory, header, data, n, units):
    rows = data.draw(rows_of(header, excel_cell, n))
    path = tmp_path_factory.mktemp("xlsx") / "log.xlsx"
    write_xlsx(path, header, rows)
    check_source(path, units=units)


@FUZZ
@given(header=headers(), data=st.data(), n=st.integers(0, 5),
       form=st.sampled_from(["array", "lines", "object"]), ragged=st.booleans(),
       units=st.booleans())
def test_fuzz_json_files(tmp_path_factory, header, data, n, form, ragged, units):
    rows = data.draw(rows_of(header, json_cell, n))
    if ragged:
        rows = [row[: data.draw(st.integers(0, len(row)))] for row in rows]
    path = tmp_path_factory.mktemp("json") / ("log.jsonl" if form == "lines" else "log.json")
    path.write_text(json_text(header, rows, form), encoding="utf-8")
    check_source(path, units=units)


PARQUET_TYPES = ["string", "large_string", "float", "int", "timestamp", "date", "bool",
                 "null", "list", "dictionary"]


def _arrow_column(kind: str, cells: list[Any]) -> pa.Array:
    """A pyarrow column of ``kind`` from text cells (what does not convert is null)."""

    def number(c: Any) -> float | None:
        try:
            return float(c)
        except (TypeError, ValueError):
            return None

    if kind in ("string", "large_string"):
        return pa.array(cells, type=pa.string() if kind == "string" else pa.large_string())
    if kind == "dictionary":
        return pa.array(cells, type=pa.string()).dictionary_encode()
    if kind == "float":
        return pa.array([number(c) for c in cells], type=pa.float64())
    if kind == "int":
        values = [number(c) for c in cells]
        return pa.array([int(v) if v is not None and math.isfinite(v) and abs(v) < 2**62
                         else None for v in values], type=pa.int64())
    if kind in ("timestamp", "date"):
        days = [number(c) for c in cells]
        stamps = [dt.datetime(1, 1, 1) + dt.timedelta(days=min(abs(v), 3_652_058))
                  if v is not None and math.isfinite(v) else None for v in days]
        if kind == "date":
            return pa.array([s.date() if s else None for s in stamps], type=pa.date32())
        return pa.array(stamps, type=pa.timestamp("us"))
    if kind == "bool":
        return pa.array([None if c is None else bool(c) for c in cells], type=pa.bool_())
    if kind == "list":
        return pa.array([None if c is None else [c] for c in cells], type=pa.list_(pa.string()))
    return pa.nulls(len(cells))


@FUZZ
@given(table=text_tables(), data=st.data(), units=st.booleans())
def test_fuzz_parquet_files(tmp_path_factory, table, data, units):
    header, rows = table
    columns = [_arrow_column(data.draw(st.sampled_from(PARQUET_TYPES)),
                             [row[i] for row in rows]) for i in range(len(header))]
    path = tmp_path_factory.mktemp("parquet") / "log.parquet"
    pq.write_table(pa.table(columns, names=[str(h) for h in header]), path)
    check_source(path, units=units)


DTYPES = ["object", "object", "float", "Int64", "boolean", "string", "category",
          "datetime", "datetime-tz"]


def _frame_column(kind: str, cells: list[Any]) -> pd.Series:
    """A DataFrame column of ``kind`` from typed cells (what does not convert is missing)."""
    if kind == "object":
        return pd.Series(cells, dtype=object)
    if kind == "float":
        return pd.to_numeric(pd.Series([c if isinstance(c, int | float) and not
                                         isinstance(c, bool) else None for c in cells],
                                        dtype=object), errors="coerce").astype(float)
    if kind == "Int64":
        return pd.Series([c if isinstance(c, int) and abs(c) < 2**62 else None for c in cells],
                         dtype="Int64")
    if kind == "boolean":
        return pd.Series([c if isinstance(c, bool) else None for c in cells], dtype="boolean")
    if kind in ("string", "category"):
        series = pd.Series([c if isinstance(c, str) else None for c in cells], dtype="string")
        return series.astype("category") if kind == "category" else series
    stamps = pd.to_datetime(pd.Series([c if isinstance(c, dt.datetime) and c.tzinfo is None
                                       and 1678 < c.year < 2262 else None for c in cells],
                                      dtype=object), errors="coerce")
    return stamps.dt.tz_localize("Europe/Zurich", ambiguous="NaT",
                                 nonexistent="NaT") if kind == "datetime-tz" else stamps


@FUZZ
@given(header=headers(), data=st.data(), n=st.integers(0, 6), units=st.booleans(),
       policies=st.sampled_from([("keep", "net"), ("drop", "net"), ("keep", "keep")]),
       odd_names=st.booleans(), odd_index=st.booleans(), coalesce=st.booleans())
def test_fuzz_dataframes(header, data, n, units, policies, odd_names, odd_index, coalesce):
    rows = data.draw(rows_of(header, typed_cell, n))
    columns = [_frame_column(data.draw(st.sampled_from(DTYPES)), [r[i] for r in rows])
               for i in range(len(header))]
    frame = pd.concat(columns, axis=1)
    names: list[Any] = list(header)
    if odd_names:  # non-text column names
        names = [data.draw(st.sampled_from([name, 0, 1.5, None, ("a", "b")])) for name in names]
    frame.columns = names
    if odd_index:
        frame.index = pd.Index([f"r{i}" for i in range(len(rows))][::-1])
    mappings = {}
    if coalesce and len(set(map(str, names))) == len(names) > 1:
        # one canonical column coalesced from two source columns of any dtypes
        for kind, inputs in (("travel", TRAVEL_INPUTS), ("facilities", FACILITIES_INPUTS)):
            canonical = [str(c) for c in names if str(c) in inputs]
            if canonical:
                first = data.draw(st.sampled_from(canonical))
                other = data.draw(st.sampled_from([str(c) for c in names if str(c) != first]))
                mappings[kind] = {first: [first, other]}
    cells = frame.astype(object).to_numpy().tolist()
    check_source(frame, units=units, policies=policies, mappings=mappings,
                 header=[str(c) if c is not None else "" for c in frame.columns],
                 rows=None if mappings else cells)


# no shrinking: shrinking megabyte inputs takes minutes; a failure is reported as found
@settings(max_examples=25 * SCALE, deadline=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(header=headers(), data=st.data(), n=st.integers(1, 3),
       huge=st.sampled_from(["cell", "columns", "both"]),
       fmt=st.sampled_from(["csv", "dataframe", "xlsx"]))
def test_fuzz_huge_cells_and_thousands_of_columns(tmp_path_factory, header, data, n, huge,
                                                  fmt):
    rows = [[data.draw(cell_text(name)) for name in header] for _ in range(n)]
    if data.draw(st.booleans()):
        rows = data.draw(rows_of(header, cell_text, count=n))
    big = data.draw(st.sampled_from(["x", "9", "GVA-", "=A1+", "é", '"']))
    if huge in ("cell", "both"):  # one cell of about 1 MB
        row, col = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, len(header) - 1))
        rows[row][col] = (big * (1 << 20))[: 1 << 20]
    if huge in ("columns", "both"):
        width = 2_000 if fmt == "xlsx" else 5_000
        header = header + [f"c{i}" for i in range(width)]
        rows = [row + [data.draw(st.sampled_from(["", "1", "x"]))] * width for row in rows]
    if fmt == "dataframe":
        check_source(pd.DataFrame(rows, columns=header))
        return
    path = tmp_path_factory.mktemp("huge") / f"log.{fmt}"
    if fmt == "xlsx":
        if huge != "columns":  # Excel holds at most 32,767 characters per cell
            rows = [[c[:32_767] if isinstance(c, str) else c for c in row] for row in rows]
        write_xlsx(path, header, rows)
        check_source(path)
    else:
        path.write_bytes(csv_text(header, rows, ",", "minimal", "\n").encode())
        check_source(path, header=header, rows=rows)


# --------------------------------------------------------------------------------------------
# regression tests of the bugs the fuzzing found


def _rejected(table: sc.ActivityTable) -> list[list[Any]]:
    return table.rejected[["source_row", "column", "value", "reason"]].values.tolist()


def test_rejected_values_are_the_cells_verbatim(tmp_path):
    """Bug: rejected values were stripped (and airport codes upper-cased): not verbatim."""
    path = tmp_path / "log.csv"
    path.write_text('mode,date,origin,destination,currency,passengers\n'
                    '" =cmd|\' /C calc\'!A0 ",2019-01-01,GVA,JFK,USD,1\n'
                    'air,2019-01-01," qqx ",JFK,USD,1\n'
                    'air,2019-01-01,GVA,JFK," xyz\t",1\n'
                    'air,2019-01-01,GVA,JFK,USD,"+1-1 "\n', encoding="utf-8")
    rows = _rejected(sc.read_travel_log(path))
    assert [r[2] for r in rows] == [" =cmd|' /C calc'!A0 ", " qqx ", " xyz\t", "+1-1 "]
    routed = sc.read_travel_log(pd.DataFrame({"mode": ["air"], "date": ["2019-01-01"],
                                              "route": ["gva-qqx-JFK"]}))
    assert _rejected(routed) == [[2, "route", "qqx", "unknown airport code"]]


def test_unit_given_with_units_is_shown_when_it_does_not_suit():
    """The unit that does not suit is shown even when it came from ``units=``."""
    table = sc.read_facilities(pd.DataFrame({"kind": ["water"], "amount": [1],
                                             "unit": [None], "date": ["2020-01-01"]}),
                               units={"amount": "kWh"})
    assert _rejected(table) == [[2, "unit", "kWh", "unit 'kWh' is an energy unit; water needs an "
                                                   "amount in volume (m^3, L)"]]


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_carriage_return_line_ends_and_cells(tmp_path, newline):
    """Bug: old-Mac line ends (and a CR in a header cell) raised csv.Error."""
    path = tmp_path / "log.csv"
    text = newline.join(['mode,date,origin,destination', 'air,2019-01-01,GVA,JFK', ''])
    path.write_bytes(text.encode())
    assert sc.read_travel_log(path).reconciliation()["rows_computable"] == 1
    path.write_bytes(b'mode,"da\rte"\rair,2019\r')
    with pytest.raises(sc.InputFormatError):  # a clear error, not csv.Error
        sc.read_travel_log(path)


def test_unhashable_cells_are_rejected_not_crashing(tmp_path):
    """Bug: lists and objects (JSON, Parquet list columns, DataFrames) raised TypeError."""
    path = tmp_path / "log.json"
    path.write_text(json.dumps([{"mode": ["air"], "date": "2019-01-01", "origin": {"a": 1},
                                 "destination": "JFK"},
                                {"mode": "air", "date": [2019], "origin": "GVA",
                                 "destination": "JFK"}]))
    table = sc.read_travel_log(path)
    assert table.reconciliation() == {"rows_read": 2, "rows_computable": 0, "rows_rejected": 2}
    assert "['air']" in set(table.rejected["value"])
    parquet = tmp_path / "log.parquet"
    pq.write_table(pa.table({"kind": pa.array([["water"], None], type=pa.list_(pa.string())),
                             "amount": [1.0, 2.0], "unit": ["m3", "m3"],
                             "date": ["2020-01-01", "2020-01-01"]}), parquet)
    legs = sc.read_travel_log(pd.DataFrame({"mode": ["air"], "date": ["2019-01-01"],
                                            "origin": [np.array(["GVA"])],
                                            "destination": ["JFK"]}))
    assert _rejected(legs) == [[2, "origin", "['GVA']", "unknown airport code"]]
    facilities = sc.read_facilities(parquet)
    assert facilities.rejected["reason"].tolist() == ["unknown kind (expected electricity, "
                                                      "district_heat, onsite_heat, refrigerant, "
                                                      "water, waste, or a fuel: natural_gas, "
                                                      "diesel, petrol, lpg, burning_oil, "
                                                      "gas_oil, fuel_oil, coal, wood_pellets or "
                                                      "another DESNZ fuel name)", "missing kind"]


def test_thousands_of_extra_columns():
    """Bug: extra columns were inserted one by one (PerformanceWarning, slow)."""
    extra = pd.DataFrame(np.ones((2, 5_000)), columns=[f"c{i}" for i in range(5_000)])
    frame = pd.concat([pd.DataFrame({"mode": ["air", "air"], "date": ["2019-01-01"] * 2,
                                     "origin": ["GVA", "GVA"], "destination": ["JFK", "NBO"]}),
                       extra], axis=1)
    table = sc.read_travel_log(frame)
    assert table.data.shape == (2, len(TRAVEL_OUTPUT) + 5_000)


@pytest.mark.parametrize(("first", "mode_rows"), [
    (pd.Series(["hotel", None, None], dtype="category"), [2, 3]),
    (pd.Series([None, 7, None], dtype="Int64"), [2]),
    (pd.Series([None, True, None], dtype="boolean"), [2]),
])
def test_coalesced_and_shown_columns_of_any_dtype(first, mode_rows):
    """Bug: coalescing (mapping lists) and showing rejected units failed on categorical or
    nullable columns (TypeError from Series.where)."""
    frame = pd.DataFrame({"a": first, "b": ["rail", "rail", None], "date": "2019-01-01",
                          "nights": 1, "country": "CH", "distance": 1,
                          "distance_unit": pd.Series(["km", "km", "kWh"],
                                                     dtype="category")})
    table = sc.read_travel_log(frame, mapping={"mode": ["a", "b"]})
    assert sorted(set(table.data["source_row"])) == mode_rows
    rejected = _rejected(table)
    assert [4, "distance_unit", "kWh", "'kWh' is not a length unit"] in rejected
    assert [4, "a / b", "", "missing mode"] in rejected
    units = sc.read_facilities(pd.DataFrame({"kind": ["water"], "amount": [1], "date": "2020",
                                             "unit": pd.Series(["zorks"], dtype="category")}))
    assert _rejected(units) == [[2, "unit", "zorks", "unknown unit 'zorks'"]]


@pytest.mark.parametrize("route", ["-----", "/", " - / - "])
def test_routes_without_any_airport(route):
    """Bug: when no routed row had a token, building the legs raised IndexError."""
    table = sc.read_travel_log(pd.DataFrame({"mode": ["air"], "date": ["2019-01-01"],
                                             "route": [route]}))
    assert _rejected(table) == [[2, "route", route, "a route needs at least two airports"]]


def test_odd_route_separators():
    table = sc.read_travel_log(pd.DataFrame({"mode": "air", "date": "2019-01-01",
                                             "route": ["GVA--LHR", "/GVA/", "gva lhr"]}))
    assert table.data["source_row"].tolist() == [2, 4]
    assert table.data["origin"].tolist() == ["GVA", "GVA"]
    assert table.rejected["source_row"].tolist() == [3]


@pytest.mark.parametrize(("cell", "reason"), [
    ("0001-01-01", "implausible date (year 1; expected 1950-2100)"),
    ("0019-03-05", "implausible date (year 19; expected 1950-2100)"),
    ("05/03/0019", "implausible date (year 19; expected 1950-2100)"),
    ("9999-12-31", "implausible date (year 9999; expected 1950-2100)"),
    ("31/12/9999", "implausible date (year 9999; expected 1950-2100)"),
    ("1900-02-29", "impossible date (no such day)"),
    ("0000-01-01", "impossible date (no such day)"),
])
def test_dates_far_in_the_past_or_future(cell, reason):
    """Bugs: four-digit years below 100 were read as 20xx (0001-01-01 was 2001), and dates
    outside the nanosecond range wrapped around (9999 was reported as year 1816)."""
    table = sc.read_travel_log(pd.DataFrame({"mode": ["air", "air"],
                                             "date": [cell, "2019-03-05"],
                                             "origin": "GVA", "destination": "JFK"}))
    assert _rejected(table) == [[2, "date", cell, reason]]


def test_datetime_cells_outside_the_nanosecond_range(tmp_path):
    """Bug: datetime columns (Parquet, Excel, DataFrames) were converted to nanoseconds,
    so years 1 and 9999 wrapped around (reported as 1754 and 1816)."""
    path = tmp_path / "log.parquet"
    stamps = pa.array([dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31),
                       dt.datetime(2019, 3, 5)], type=pa.timestamp("us"))
    pq.write_table(pa.table({"kind": ["water"] * 3, "amount": [1.0] * 3, "unit": ["m3"] * 3,
                             "date": stamps}), path)
    table = sc.read_facilities(path)
    assert table.rejected["reason"].tolist() == [
        "implausible date (year 1; expected 1950-2100)",
        "implausible date (year 9999; expected 1950-2100)"]
    assert table.data["date"].tolist() == [pd.Timestamp("2019-03-05")]


def test_parquet_with_duplicate_column_names(tmp_path):
    """Bug: a Parquet file with repeated column names could not be read at all."""
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table([pa.array(["air"]), pa.array(["2019-01-01"]), pa.array(["GVA"]),
                             pa.array(["JFK"]), pa.array(["x"]), pa.array(["y"])],
                            names=["mode", "date", "origin", "destination", "note", "note"]),
                   path)
    table = sc.read_travel_log(path)
    assert table.data[["note", "note.1"]].values.tolist() == [["x", "y"]]


def test_xls_deprecation_warning_is_not_an_error(tmp_path):
    """Bug: pandas' xlrd deprecation warning, an error under -W error, was reported as
    "cannot be opened as an Excel workbook"; a broken .xls still gives a clear error."""
    path = tmp_path / "log.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    with pytest.raises(sc.InputFormatError) as info:
        sc.read_travel_log(path)
    assert "deprecated" not in str(info.value)


@pytest.mark.parametrize("big", [10**400, -(10**400), 2**80])
def test_integers_too_large_for_a_float(big):
    """Bug: OverflowError (int too large to convert to float) from dates, numbers, flags."""
    frame = pd.DataFrame({"mode": ["air"], "date": pd.Series([big], dtype=object),
                          "origin": "GVA", "destination": "JFK",
                          "passengers": pd.Series([big], dtype=object),
                          "round_trip": pd.Series([big], dtype=object)})
    table = sc.read_travel_log(frame)
    assert table.reconciliation() == {"rows_read": 1, "rows_computable": 0, "rows_rejected": 1}


def test_invalid_utf8_after_the_checked_prefix_in_a_malformed_file(tmp_path):
    """Bug: a file valid UTF-8 at its start, Windows-1252 further on, and with a structural
    problem (a short record) failed with "cannot decode text" instead of being read."""
    head = "mode,date,origin,destination,purpose\n" + "air,2019-01-01,GVA,JFK,x\n" * 20_000
    tail = "air,2019-01-01,GVA,JFK,caf\xe9\nair,2019-01-01\n"
    path = tmp_path / "log.csv"
    path.write_bytes(head.encode() + tail.encode("cp1252"))
    table = sc.read_travel_log(path)
    assert table.rows_read == 20_002
    assert table.data["purpose"].iloc[-1] == "café"


@pytest.mark.parametrize("value", ["NaN", "inf", "-inf", "1e309", "Infinity"])
def test_non_finite_numbers_are_rejected(value):
    table = sc.read_facilities(pd.DataFrame({"kind": ["water"], "amount": [value],
                                             "unit": ["m3"], "date": ["2020-01-01"]}))
    assert _rejected(table) == [[2, "amount", value, "amount is not a number"]]


def test_negative_zero_and_zero_counts():
    # "-0" is 0, not a negative count; 0 nights or guests is no stay (audit: it was kept
    # and computed as 0 kg without a word), rejected with its own reason
    table = sc.read_travel_log(pd.DataFrame({"mode": "hotel", "date": "2020-01-01",
                                             "country": "CH", "nights": ["-0", "2", "-1", "3"],
                                             "passengers": ["1", "-0", "1", "1"]}))
    assert table.data["nights"].tolist() == [3.0]
    assert _rejected(table) == [
        [2, "nights", "-0",
         "nights 0: a hotel stay of no night; remove the row or give the number of nights"],
        [3, "passengers", "-0",
         "passengers 0: a hotel stay with no guest; remove the row or give the number of "
         "guests"],
        [4, "nights", "-1", "negative nights"]]


def test_mixed_decimal_marks_in_one_column():
    # the cost column: 1,234.5 nights would be over the plausible 366 (issue 16, item 8)
    table = sc.read_travel_log(pd.DataFrame({"mode": "hotel", "date": "2020-01-01",
                                             "country": "CH", "nights": 1,
                                             "cost": ["1.234,5", "1,234.5", "2,5", "3"],
                                             "currency": "CHF"}))
    assert table.data["cost"].tolist() == [1234.5, 2.5, 3.0]
    assert _rejected(table) == [[3, "cost", "1,234.5", "cost is not a number"]]


def test_a_unit_named_column_of_the_other_kind_is_an_extra_column():
    """Bug: a facilities file with a ``distance_km`` column (or a travel log with
    ``supplier_factor_kg_per_kwh``) could not be read at all: the header was taken as the
    unit of a column the table kind does not have."""
    facilities = sc.read_facilities(pd.DataFrame({"kind": ["water"], "amount": [1],
                                                  "unit": ["m3"], "date": ["2020-01-01"],
                                                  "distance_km": [3]}))
    assert facilities.data["distance_km"].tolist() == [3]
    travel = sc.read_travel_log(pd.DataFrame({"mode": ["hotel"], "date": ["2020-01-01"],
                                              "nights": [1], "country": ["CH"],
                                              "supplier_factor_kg_per_kwh": [0.1]}))
    assert travel.data["supplier_factor_kg_per_kwh"].tolist() == [0.1]


def test_threaded_and_serial_reads_agree(tmp_path, monkeypatch):
    """Large sources parse their columns in threads (and look values up from a sample of
    rows); the result must be exactly that of the one-thread path, hostile cells included."""
    rng = np.random.default_rng(7)
    n = 120_000
    rows = [dict(TEMPLATES[i]) for i in rng.integers(0, 7, n)]  # the travel templates
    header = sorted({k for row in rows for k in row} | {"notes"})
    cells = np.array([[row.get(h) for h in header] for row in rows], dtype=object)
    hostile = np.array([*HOSTILE, None], dtype=object)
    for _ in range(400):  # scattered hostile cells, most after any sample of the first rows
        cells[rng.integers(0, n), rng.integers(0, len(header))] = rng.choice(hostile)
    cells[rng.integers(0, n, 50), header.index("currency")] = "JPY"  # rare but valid
    cells[rng.integers(0, n, 50), header.index("route")] = "gva/QQX/jfk"
    path = tmp_path / "large.csv"
    path.write_text(csv_text(header, cells.tolist(), ",", "minimal", "\n"), encoding="utf-8")
    threaded = sc.read_travel_log(path)
    monkeypatch.setattr("sem_carbon.io.common._PARALLEL_ABOVE", 10**9)
    monkeypatch.setattr("sem_carbon.io.parse._SAMPLE_ROWS", 10**9)
    serial = sc.read_travel_log(path)
    pd.testing.assert_frame_equal(threaded.data, serial.data)
    pd.testing.assert_frame_equal(threaded.rejected, serial.rejected)
    check_table(threaded, "travel")
    assert threaded.rows_read == n
    assert (threaded.data["currency"] == "JPY").any()
    assert "QQX" in set(threaded.rejected["value"])


@pytest.mark.parametrize("reader, frame, column", [
    (sc.read_facilities, {"kind": ["electricity"], "amount": [1], "country": ["CH"],
                          "date": ["2020-01-01"]}, "unit"),
    (sc.read_travel_log, {"mode": ["rail"], "distance": [1], "country": ["CH"],
                          "date": ["2020-01-01"]}, "distance_unit"),
])
def test_a_megabyte_unit_cell_is_rejected_not_parsed(reader, frame, column):
    """Bug: a 1 MB cell in a unit column went to pint, whose parser is quadratic in the
    text's length (hours for 1 MB; the fuzz test of huge cells hung on it)."""
    cell = "9" * (1 << 20)
    table = reader(pd.DataFrame({**frame, column: [cell]}))
    assert table.rejected["value"].tolist() == [cell]  # the cell itself is kept
    reason = table.rejected["reason"].iloc[0]
    assert "unit" in reason and "(1,048,576 characters)" in reason and len(reason) < 120
