"""Build the ``desnz-YYYY`` factor editions from the official UK Government workbooks.

The UK Government GHG Conversion Factors for Company Reporting are published every year
by BEIS (2019-2022) and DESNZ (2023 onwards) under the Open Government Licence v3.0.
This script reads the published workbooks cell by cell and writes one factor edition per
year in the format of ``docs/factor-format.md``:

* 2010 and 2011 from the re-published condensed sets (UK electricity, T&D and fuel
  properties only);
* 2012 to 2015 from the re-published "Defra Standard Set" of each year (the 2015 layout:
  fuels by energy/volume basis, air with RF only, cars in "Passenger vehicles");
* 2016 from the DECC standard set, 2017 and 2018 from the condensed sets;
* 2019 from the full set (``conversion-factors-2019-full-set-v01-02.xls``);
* 2020 to 2024 from the condensed sets;
* 2025 from the full set (``ghg-conversion-factors-2025-full-set.xlsx``).

What an older workbook lacks (a sheet, a table, the without-RF air factors) is written
into that edition's notes; nothing is filled in from another year here (the calculators
pick the nearest edition that publishes a missing category, see docs/methodology.md).

No factor value is typed in here: every number is read from a workbook cell and written
with ``repr`` precision. The script checks the layout it relies on (sheet names, header
cells, row labels, units, that per-gas columns add up to the total, the radiative-forcing
multiplier) and stops with a :class:`LayoutError` naming the sheet and cell when a
workbook does not look as expected, rather than writing wrong numbers. The output is
deterministic: a rerun writes byte-identical files.

Usage::

    python scripts/build_desnz.py --source ../shared/data/desnz --out emission_factors

Defaults: ``--source`` is ``../shared/data/desnz`` and ``--out`` is ``emission_factors``,
both relative to the repository root.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import re
import shutil
import sys
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pycountry
import xlrd
import xlrd.book

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "desnz"
DEFAULT_OUT = REPO_ROOT / "emission_factors"
CREATED_BY = "scripts/build_desnz.py"

DEFRA_DECC = ("UK Department for Environment, Food & Rural Affairs (Defra) and Department of "
              "Energy & Climate Change (DECC)")
DECC = "UK Department of Energy & Climate Change (DECC)"
BEIS = "UK Department for Business, Energy & Industrial Strategy (BEIS)"
DESNZ = "UK Department for Energy Security and Net Zero (DESNZ)"
LICENSES = [
    {
        "name": "OGL-UK-3.0",
        "title": "Open Government Licence v3.0",
        "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    }
]
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
PUBLICATION_URL = (
    "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-{year}"
)


@dataclass(frozen=True)
class EditionSpec:
    """One edition to build.

    Attributes
    ----------
    year : int
        Reporting year of the factors (and of the edition id ``desnz-<year>``).
    file : str
        File name of the published workbook in the source folder.
    publisher : str
        Publishing department.
    layout : {"current", "republished"}
        ``"republished"``: the 2010-2015 sets re-published in the 2015 layout (Introduction
        cells B7:I8, no GWP statement, fuels in energy/volume column groups, "Fuel
        properties - 2015" and "Historic fuel properties" sheets); ``"current"``: the
        2016 onwards layout.
    summary_note : bool
        Write the note listing the categories the edition lacks (False for the 2019-2024
        editions, whose notes predate it and stay byte-identical).
    """

    year: int
    file: str
    publisher: str
    layout: str = "current"
    summary_note: bool = True

    @property
    def id(self) -> str:
        """Edition id, e.g. ``desnz-2019``."""
        return f"desnz-{self.year}"


EDITIONS: tuple[EditionSpec, ...] = (
    *(EditionSpec(year, f"{year}_condensed_factor_set.xls", DEFRA_DECC, "republished")
      for year in range(2010, 2016)),
    EditionSpec(2016, "ghg-conversion-factors-2016update_MASTER__links_removed__DECC_Standard_Set"
                ".xls", DECC),
    EditionSpec(2017, "Conversion_factors_2017_-_Condensed_set__for_most_users__v02-00.xls", BEIS),
    EditionSpec(2018, "Conversion_Factors_2018_-_Condensed_set__for_most_users__v01-01.xls", BEIS),
    EditionSpec(2019, "conversion-factors-2019-full-set-v01-02.xls", BEIS, summary_note=False),
    EditionSpec(2020, "Conversion_Factors_2020_-_Condensed_set__for_most_users.xlsx", BEIS,
                summary_note=False),
    EditionSpec(2021, "conversion-factors-2021-condensed-set-most-users.xls", BEIS,
                summary_note=False),
    EditionSpec(2022, "ghg-conversion-factors-2022-condensed-set.xls", BEIS, summary_note=False),
    EditionSpec(2023, "ghg-conversion-factors-2023-condensed-set-update.xlsx", DESNZ,
                summary_note=False),
    EditionSpec(2024, "ghg-conversion-factors-2024_condensed_set__for_most_users_.xlsx", DESNZ,
                summary_note=False),
    EditionSpec(2025, "ghg-conversion-factors-2025-full-set.xlsx", DESNZ),
)

#: Key columns of each category, in CSV column order (docs/factor-format.md).
CATEGORY_KEYS: dict[str, tuple[str, ...]] = {
    "air": ("haul", "cabin", "radiative_forcing"),
    "rail": ("kind",),
    "road": ("vehicle", "size", "fuel", "basis"),
    "hotel": ("country", "city"),
    "fuel": ("fuel", "basis"),
    "biogenic_co2": ("fuel", "basis"),
    "fuel_property": ("fuel", "property"),
    "electricity": ("country", "component"),
    "heat": ("kind", "component"),
    "water": ("service",),
    "waste": ("material", "disposal"),
    "refrigerant": ("gas", "protocol"),
}
VALUE_COLUMNS = ("value", "unit", "co2", "ch4", "n2o", "label", "source_table", "source_row",
                 "notes")


class LayoutError(RuntimeError):
    """A workbook does not have the layout this script expects."""


# --------------------------------------------------------------------------- text helpers
def norm(text: Any) -> str:
    """Lower-case ``text`` with single spaces (for comparing labels and headers)."""
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def snake(text: str) -> str:
    """ASCII lower-case snake_case of a published label (``"Wood chips"`` -> ``wood_chips``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def clean_label(text: Any) -> str:
    """Published label with outer and repeated whitespace removed."""
    return re.sub(r"\s+", " ", str(text)).strip()


def format_number(value: float | int) -> str:
    """Text of a number as read from its cell (``repr`` precision, no rounding)."""
    return str(value) if isinstance(value, int) else repr(float(value))


def decimals(value: float) -> int:
    """Number of decimals a published number shows (``0.08233`` -> 5)."""
    for places in range(16):
        if abs(round(value, places) - value) <= 1e-12 * max(1.0, abs(value)):
            return places
    return 16


def rounding_slack(*values: float) -> float:
    """Largest difference explained by each value being rounded to its published decimals."""
    return sum(0.5 * 10.0 ** -decimals(v) for v in values) + 1e-9 * max(
        [1e-300, *(abs(v) for v in values)]
    )


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return sha256_bytes(path.read_bytes())


# --------------------------------------------------------------------------- workbooks
class CellError:
    """An error value (``#N/A`` ...) found in a cell."""

    def __init__(self, code: object) -> None:
        self.code = code

    def __repr__(self) -> str:
        return f"CellError({self.code!r})"


@dataclass
class Sheet:
    """Cell values of one worksheet (0-based rows and columns; blanks are ``None``)."""

    name: str
    rows: list[list[Any]]

    def cell(self, row: int, col: int) -> Any:
        """Value at ``(row, col)``; ``None`` when blank or outside the used range."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def text(self, row: int, col: int) -> str:
        """Cell text with single spaces, ``""`` when blank or not text."""
        value = self.cell(row, col)
        return clean_label(value) if isinstance(value, str) else ""

    def where(self, row: int, col: int) -> str:
        """Spreadsheet-style address for messages, e.g. ``'Fuels'!C23``."""
        return f"'{self.name}'!{column_letter(col)}{row + 1}"


def column_letter(col: int) -> str:
    """Spreadsheet column letters of a 0-based column index."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Workbook:
    """The sheets of one workbook plus notes about how it was read."""

    path: Path
    sheets: dict[str, Sheet]
    reader_notes: list[str] = field(default_factory=list)

    def sheet(self, name: str) -> Sheet:
        """Sheet ``name``; :class:`LayoutError` if the workbook has none."""
        try:
            return self.sheets[name]
        except KeyError:
            raise LayoutError(
                f"{self.path.name}: no sheet {name!r} (sheets: {', '.join(self.sheets)})"
            ) from None


def _blank_to_none(value: Any) -> Any:
    """``None`` for empty or whitespace-only text, the value otherwise."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


@contextmanager
def _tolerant_sst(notes: list[str]) -> Iterator[None]:
    """Let xlrd read a shared-string table whose header over-counts its strings.

    The 2022 condensed set declares 4437 unique strings in its SST record (the number of
    text cells) but stores 1427. xlrd then asserts. This wrapper reads the largest count
    of strings that the records hold. It cannot hide a real loss: a text cell pointing
    past the strings read makes xlrd raise ``IndexError`` while loading the sheets.
    """
    original = xlrd.book.unpack_SST_table

    def unpack(datatab: list[bytes], nstrings: int) -> Any:
        try:
            return original(datatab, nstrings)
        except AssertionError:
            pass
        low, high = 0, nstrings
        while low < high:
            mid = (low + high + 1) // 2
            try:
                original(datatab, mid)
            except Exception:  # any parse failure: the records hold fewer strings
                high = mid - 1
            else:
                low = mid
        notes.append(
            f"xlrd: the shared-string table declares {nstrings} strings but holds {low}; "
            "read with the count it holds (every text cell resolved)"
        )
        return original(datatab, low)

    xlrd.book.unpack_SST_table = unpack
    try:
        yield
    finally:
        xlrd.book.unpack_SST_table = original


def _read_xls(path: Path) -> Workbook:
    """Read a legacy ``.xls`` workbook with xlrd (cached formula results, typed cells)."""
    notes: list[str] = []
    with _tolerant_sst(notes):
        book = xlrd.open_workbook(str(path))
    sheets: dict[str, Sheet] = {}
    for sh in book.sheets():
        rows = []
        for r in range(sh.nrows):
            row = []
            for cell in sh.row(r):
                if cell.ctype == xlrd.XL_CELL_ERROR:
                    row.append(CellError(cell.value))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                else:
                    row.append(_blank_to_none(cell.value))
            rows.append(row)
        sheets[sh.name] = Sheet(sh.name, rows)
    return Workbook(path, sheets, notes)


EXCEL_ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"}


def _read_xlsx(path: Path) -> Workbook:
    """Read an ``.xlsx`` workbook with openpyxl, refusing formulas without cached values."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # print-area and data-validation notices
        values = openpyxl.load_workbook(path, data_only=True, read_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False, read_only=True)
    sheets: dict[str, Sheet] = {}
    try:
        for ws, wf in zip(values.worksheets, formulas.worksheets, strict=True):
            rows = []
            for r, (vals, forms) in enumerate(
                zip(ws.iter_rows(values_only=True), wf.iter_rows(values_only=True), strict=True)
            ):
                row = []
                for c, (val, form) in enumerate(zip(vals, forms, strict=True)):
                    if isinstance(form, str) and form.startswith("=") and val is None:
                        raise LayoutError(
                            f"{path.name}: '{ws.title}'!{column_letter(c)}{r + 1} is a formula "
                            "without a cached value (the workbook was saved without results)"
                        )
                    if isinstance(val, str) and val.strip() in EXCEL_ERRORS:
                        row.append(CellError(val))
                    else:
                        row.append(_blank_to_none(val))
                rows.append(row)
            sheets[ws.title] = Sheet(ws.title, rows)
    finally:
        values.close()
        formulas.close()
    return Workbook(path, sheets, [])


def read_workbook(path: Path) -> Workbook:
    """Read every sheet of a ``.xls`` (xlrd) or ``.xlsx`` (openpyxl) workbook.

    Parameters
    ----------
    path : Path
        The published workbook.

    Returns
    -------
    Workbook
        Cell values of every sheet (numbers as stored, blanks as ``None``).

    Raises
    ------
    LayoutError
        Unsupported file type, or an ``.xlsx`` formula cell without a cached value.
    """
    if path.suffix.lower() == ".xls":
        return _read_xls(path)
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    raise LayoutError(f"{path.name}: unsupported workbook type")


def number(sheet: Sheet, row: int, col: int) -> float | int | None:
    """Numeric value of a cell.

    Parameters
    ----------
    sheet : Sheet
        The worksheet.
    row, col : int
        0-based cell position.

    Returns
    -------
    float or int or None
        The number as stored in the cell, ``None`` when the cell is blank.

    Raises
    ------
    LayoutError
        The cell holds text, a boolean, an error value or a non-finite number.
    """
    value = sheet.cell(row, col)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LayoutError(f"{sheet.where(row, col)}: expected a number, found {value!r}")
    if not math.isfinite(value):
        raise LayoutError(f"{sheet.where(row, col)}: not a finite number ({value!r})")
    return value


# --------------------------------------------------------------------------- tables
#: Per-gas column headers (normalised) -> gas. "kg CO2" etc. are the 2019-2021 headings of
#: the same CO2e contributions that later workbooks head "kg CO2e of CO2 per unit".
GAS_HEADERS: dict[str, str] = {
    "kg co2e": "total",
    "total kg co2e per unit": "total",
    "kg co2": "co2",
    "kg co2e of co2 per unit": "co2",
    "kg ch4": "ch4",
    "kg co2e of ch4 per unit": "ch4",
    "kg n2o": "n2o",
    "kg co2e of n2o per unit": "n2o",
    "year": "year",
}


@dataclass
class Table:
    """One factor table: an ``Activity ... Unit`` header row and the data rows below it.

    Attributes
    ----------
    sheet : Sheet
        The worksheet.
    header_row : int
        0-based row of the header (the row holding ``Activity``).
    label_cols : dict of str to int
        Normalised header text -> column, from ``Activity`` to ``Unit``.
    value_cols : list of tuple
        ``(column, gas, group)`` for each headed column right of ``Unit``: ``gas`` from
        :data:`GAS_HEADERS`, ``group`` the label above the header (e.g. ``With RF``).
    rows : list of int
        0-based data rows (a data row has a unit).
    """

    sheet: Sheet
    header_row: int
    label_cols: dict[str, int]
    value_cols: list[tuple[int, str, str]]
    rows: list[int]

    @property
    def unit_col(self) -> int:
        """Column of ``Unit``."""
        return self.label_cols["unit"]

    def groups(self) -> list[str]:
        """Group labels in column order (``[""]`` when the table has no group row)."""
        seen: list[str] = []
        for _, _, group in self.value_cols:
            if group not in seen:
                seen.append(group)
        return seen

    def gas_cols(self, group: str, value_gas: str = "total") -> dict[str, int]:
        """Gas -> column for one group; :class:`LayoutError` if a gas appears twice or the
        ``value_gas`` column (the factor's value) is missing."""
        out: dict[str, int] = {}
        for col, gas, grp in self.value_cols:
            if grp != group or gas == "year":
                continue
            if gas in out:
                raise LayoutError(
                    f"{self.sheet.where(self.header_row, col)}: second {gas!r} column in group "
                    f"{group!r}"
                )
            out[gas] = col
        if value_gas not in out:
            raise LayoutError(
                f"{self.sheet.where(self.header_row, self.unit_col)}: no {value_gas!r} column "
                f"in group {group!r}"
            )
        return out

    def labels(self, row: int) -> dict[str, str]:
        """Label cells of a data row, filled down from the rows above (merged cells)."""
        out: dict[str, str] = {}
        for name, col in self.label_cols.items():
            for r in range(row, self.header_row, -1):
                text = self.sheet.text(r, col)
                if text:
                    out[name] = text
                    break
            else:
                out[name] = ""
        return out

    def require_labels(self, *names: str) -> None:
        """Raise :class:`LayoutError` unless the header has exactly these label columns."""
        found = [n for n in self.label_cols if n != "unit"]
        if found != list(names):
            raise LayoutError(
                f"{self.sheet.where(self.header_row, 0)}: expected header columns "
                f"{[*names, 'unit']}, found {list(self.label_cols)}"
            )


def find_tables(sheet: Sheet) -> list[Table]:
    """All ``Activity``-headed tables of a sheet, checking that no number is left out.

    Every numeric cell below the first header must lie in a table's data rows and in a
    headed column, so a row or column that the layout rules would miss stops the build.

    Parameters
    ----------
    sheet : Sheet
        A factor sheet of the DESNZ workbooks.

    Returns
    -------
    list of Table
        The tables in sheet order.

    Raises
    ------
    LayoutError
        No table, an unknown column header, an error cell, or a number outside the tables.
    """
    tables: list[Table] = []
    for r in range(len(sheet.rows)):
        starts = [c for c, v in enumerate(sheet.rows[r]) if norm(v or "") == "activity"]
        if starts:
            tables.append(_parse_table(sheet, r, starts[0]))
    if not tables:
        raise LayoutError(f"'{sheet.name}': no table header ('Activity') found")
    covered = {r for t in tables for r in (t.header_row, *t.rows)}
    headed = {(r, col) for t in tables for r in t.rows for col, _, _ in t.value_cols}
    for r in range(tables[0].header_row, len(sheet.rows)):
        for c, value in enumerate(sheet.rows[r]):
            if isinstance(value, CellError):
                raise LayoutError(f"{sheet.where(r, c)}: error value {value.code!r}")
            is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if is_number and (r not in covered or (r, c) not in headed):
                raise LayoutError(
                    f"{sheet.where(r, c)}: number {value!r} outside every recognised table column"
                )
    return tables


def only_table(sheet: Sheet) -> Table:
    """The one table of a sheet; :class:`LayoutError` if there are more or none."""
    tables = find_tables(sheet)
    if len(tables) != 1:
        raise LayoutError(f"'{sheet.name}': expected one table, found {len(tables)}")
    return tables[0]


def only_group(table: Table) -> str:
    """The one column group of a table; :class:`LayoutError` if it has several."""
    groups = table.groups()
    if len(groups) != 1:
        raise LayoutError(
            f"{table.sheet.where(table.header_row, table.unit_col)}: expected one column "
            f"group, found {groups}"
        )
    return groups[0]


def check_year(table: Table, row: int, ctx: Context) -> None:
    """A table's ``Year`` cell must be the edition's year."""
    for col, gas, _ in table.value_cols:
        if gas == "year" and number(table.sheet, row, col) != ctx.spec.year:
            raise LayoutError(
                f"{table.sheet.where(row, col)}: year {table.sheet.cell(row, col)!r} is not "
                f"{ctx.spec.year}"
            )


def _parse_table(sheet: Sheet, header_row: int, activity_col: int) -> Table:
    """Parse the table whose ``Activity`` header cell is at ``(header_row, activity_col)``."""
    label_cols: dict[str, int] = {}
    col = activity_col
    while True:
        name = norm(sheet.cell(header_row, col) or "")
        if not name:
            raise LayoutError(f"{sheet.where(header_row, col)}: header ends before 'Unit'")
        label_cols[name] = col
        col += 1
        if name == "unit":
            break
    value_cols: list[tuple[int, str, str]] = []
    group = ""
    for c in range(col, len(sheet.rows[header_row])):
        above = sheet.text(header_row - 1, c)
        if above:
            group = above
        head = norm(sheet.cell(header_row, c) or "")
        if not head:
            continue
        if head not in GAS_HEADERS:
            raise LayoutError(f"{sheet.where(header_row, c)}: unexpected header {head!r}")
        value_cols.append((c, GAS_HEADERS[head], group))
    if not value_cols:
        raise LayoutError(f"{sheet.where(header_row, col)}: no value columns after 'Unit'")
    rows = []
    r = header_row + 1
    while r < len(sheet.rows) and sheet.text(r, label_cols["unit"]):
        rows.append(r)
        r += 1
    if not rows:
        raise LayoutError(f"{sheet.where(header_row, activity_col)}: table without data rows")
    return Table(sheet, header_row, label_cols, value_cols, rows)


# --------------------------------------------------------------------------- factors
@dataclass
class Factor:
    """One output row."""

    category: str
    keys: dict[str, str]
    value: float | int
    unit: str
    label: str
    source_table: str
    source_row: int
    co2: float | int | None = None
    ch4: float | int | None = None
    n2o: float | int | None = None
    notes: str = ""


@dataclass
class Context:
    """What the sheet readers report besides factors."""

    spec: EditionSpec
    notes: list[str] = field(default_factory=list)
    rf_multiplier: float | None = None


def gas_values(
    table: Table, row: int, group: str, value_gas: str = "total"
) -> tuple[float | int | None, dict[str, float | int | None]]:
    """Total and per-gas values of one row and group, checking that the gases add up.

    Parameters
    ----------
    table : Table
        The table.
    row : int
        0-based data row.
    group : str
        Column group (e.g. ``"With RF"``, ``"Diesel"``; ``""`` when the table has none).
    value_gas : str, default "total"
        Column holding the factor: ``"total"`` (kg CO2e), or ``"co2"`` for the biogenic
        CO2 tables that publish CO2 only.

    Returns
    -------
    value : float or int or None
        The factor, ``None`` when the cell is blank.
    gases : dict
        ``co2``, ``ch4``, ``n2o`` values (``None`` where the table has no such column).

    Raises
    ------
    LayoutError
        Non-numeric cells, gases without a total, or gases not adding up to the total
        within the rounding of the published cells.
    """
    cols = table.gas_cols(group, value_gas)
    sheet = table.sheet
    total = number(sheet, row, cols[value_gas])
    gases = {gas: number(sheet, row, cols[gas]) if gas in cols else None
             for gas in ("co2", "ch4", "n2o")}
    parts = [v for v in gases.values() if v is not None]
    if total is None:
        if parts:
            raise LayoutError(f"{sheet.where(row, cols[value_gas])}: gas values without a total")
        return None, gases
    if {"co2", "ch4", "n2o"} <= cols.keys():
        if len(parts) != 3:
            raise LayoutError(f"{sheet.where(row, cols['total'])}: total without all three gases")
        if abs(total - sum(parts)) > rounding_slack(total, *parts):
            raise LayoutError(
                f"{sheet.where(row, cols['total'])}: CO2 + CH4 + N2O = {sum(parts)!r} does not "
                f"match the total {total!r}"
            )
    return total, gases


def make_factor(category: str, keys: dict[str, str], value: float | int, unit: str,
                label: str, sheet: Sheet, row: int,
                gases: dict[str, float | int | None] | None = None, notes: str = "") -> Factor:
    """Build a :class:`Factor` with the source position filled in."""
    gases = gases or {}
    return Factor(category, keys, value, unit, label, sheet.name, row + 1,
                  gases.get("co2"), gases.get("ch4"), gases.get("n2o"), notes)


def lookup(mapping: dict[str, Any], text: str, sheet: Sheet, row: int, col: int,
           what: str) -> Any:
    """``mapping[norm(text)]`` or a :class:`LayoutError` naming the unknown label."""
    try:
        return mapping[norm(text)]
    except KeyError:
        raise LayoutError(
            f"{sheet.where(row, col)}: unknown {what} {text!r} (known: {', '.join(mapping)})"
        ) from None


# --------------------------------------------------------------------------- sheet readers
# Every ``read_<family>(wb, ctx)`` reads one sheet family of a Workbook and returns the
# Factor rows; what the sheet lacks goes to ``ctx.notes`` (the edition's notes).

# --------------------------------------------------------------------------- air
HAULS = {
    "domestic, to/from uk": "domestic",
    "short-haul, to/from uk": "short_haul",
    "long-haul, to/from uk": "long_haul",
    "international, to/from non-uk": "international",
}
CABINS = {
    "average passenger": "average",
    "economy class": "economy",
    "premium economy class": "premium_economy",
    "business class": "business",
    "first class": "first",
}
RF_GROUPS = {"with rf": "true", "without rf": "false"}


def read_air(wb: Workbook, ctx: Context) -> list[Factor]:
    """Business travel- air: haul x cabin x with/without RF, per passenger.km."""
    sheet = wb.sheet("Business travel- air")
    table = only_table(sheet)
    table.require_labels("activity", "haul", "class")
    groups = {lookup(RF_GROUPS, g, sheet, table.header_row - 1, table.unit_col + 1, "RF group"): g
              for g in table.groups()}
    if set(groups) == {"true"} and ctx.spec.layout == "republished":
        return _read_air_with_rf_only(table, groups["true"], ctx)
    if set(groups) != {"true", "false"}:
        raise LayoutError(f"'{sheet.name}': expected 'With RF' and 'Without RF' column groups")
    for group in groups.values():
        if not {"co2", "ch4", "n2o"} <= table.gas_cols(group).keys():
            raise LayoutError(f"'{sheet.name}': group {group!r} lacks a per-gas column")
    factors: list[Factor] = []
    pairs: list[tuple[float, float, int]] = []
    for row in table.rows:
        labels = table.labels(row)
        if norm(labels["unit"]) != "passenger.km":
            raise LayoutError(f"{sheet.where(row, table.unit_col)}: unit {labels['unit']!r}")
        haul = lookup(HAULS, labels["haul"], sheet, row, table.label_cols["haul"], "haul")
        cabin = lookup(CABINS, labels["class"], sheet, row, table.label_cols["class"], "class")
        found: dict[str, tuple[Any, dict[str, Any]]] = {}
        for rf, group in groups.items():
            total, gases = gas_values(table, row, group)
            if total is None:
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: air row without value")
            found[rf] = (total, gases)
            label = f"{labels['haul']}; {labels['class']}; {group}"
            factors.append(make_factor("air", {"haul": haul, "cabin": cabin,
                                               "radiative_forcing": rf},
                                       total, "kgCO2e / passenger / km", label, sheet, row, gases))
        with_gases, without_gases = found["true"][1], found["false"][1]
        for gas in ("ch4", "n2o"):
            if with_gases[gas] != without_gases[gas]:
                raise LayoutError(
                    f"{sheet.where(row, table.unit_col)}: {gas} differs with and without RF"
                )
        pairs.append((with_gases["co2"], without_gases["co2"], row))
    ctx.rf_multiplier = derive_rf_multiplier(sheet, pairs)
    published = {(f.keys["haul"], f.keys["cabin"]) for f in factors}
    missing = [f"{h} {c}" for h in HAULS.values() for c in CABINS.values()
               if (h, c) not in published]
    ctx.notes.append(
        f"Air: {len(pairs)} haul/class rows, each with and without RF; not published: "
        f"{', '.join(missing)}."
    )
    return factors


def _read_air_with_rf_only(table: Table, group: str, ctx: Context) -> list[Factor]:
    """The re-published 2012-2015 air sheets: a 'With RF' column group and nothing else.

    The with-RF factors are written as published. No without-RF factor is published, so
    no radiative-forcing multiplier can be derived from pairs (``ctx.rf_multiplier`` stays
    ``None``); the percentage the sheet's text states is recorded in the notes only.
    """
    sheet = table.sheet
    if not {"co2", "ch4", "n2o"} <= table.gas_cols(group).keys():
        raise LayoutError(f"'{sheet.name}': group {group!r} lacks a per-gas column")
    factors: list[Factor] = []
    for row in table.rows:
        labels = table.labels(row)
        if norm(labels["unit"]) != "passenger.km":
            raise LayoutError(f"{sheet.where(row, table.unit_col)}: unit {labels['unit']!r}")
        haul = lookup(HAULS, labels["haul"], sheet, row, table.label_cols["haul"], "haul")
        cabin = lookup(CABINS, labels["class"], sheet, row, table.label_cols["class"], "class")
        total, gases = gas_values(table, row, group)
        if total is None:
            raise LayoutError(f"{sheet.where(row, table.unit_col)}: air row without value")
        factors.append(make_factor(
            "air", {"haul": haul, "cabin": cabin, "radiative_forcing": "true"}, total,
            "kgCO2e / passenger / km", f"{labels['haul']}; {labels['class']}; {group}", sheet,
            row, gases))
    stated = sorted({
        int(a or b)
        for r in sheet.rows for value in r if isinstance(value, str)
        for a, b in re.findall(r"(\d+)% increase|increase of (\d+)%", value)
    })
    uplift = {(int(pct), int(until)) for r in sheet.rows for value in r
              if isinstance(value, str)
              for pct, until in re.findall(r"though it was (\d+)% for (\d{4}) and before", value)}
    published = {(f.keys["haul"], f.keys["cabin"]) for f in factors}
    missing = [f"{h} {c}" for h in HAULS.values() for c in CABINS.values()
               if (h, c) not in published]
    ctx.notes.append(
        f"Air: {len(factors)} haul/class rows, with RF only (the sheet has one column group, "
        f"'{group}'); no without-RF factors are published, so no radiative-forcing multiplier "
        "is derived (rf_multiplier null; the sheet's text states a "
        f"{' / '.join(f'{p}%' for p in stated) or 'unstated'} increase of the CO2 factor). "
        f"Not published: {', '.join(missing)}."
    )
    if len(uplift) == 1:
        ((pct, until),) = uplift
        own = pct if ctx.spec.year <= until else 8
        ctx.notes.append(
            f"Air distance uplift: {own}% inside these factors (the sheet: factors include the "
            f"8% uplift, 'though it was {pct}% for {until} and before').")
    return factors


def derive_rf_multiplier(sheet: Sheet, pairs: list[tuple[float, float, int]]) -> float:
    """The multiplier ``m`` with ``CO2 with RF = m x CO2 without RF`` on every air row.

    Parameters
    ----------
    sheet : Sheet
        The 'Business travel- air' sheet (its text states the percentage increase).
    pairs : list of tuple
        ``(CO2 with RF, CO2 without RF, row)`` per haul/class row.

    Returns
    -------
    float
        The shortest decimal that reproduces every row within the rounding of the
        published cells (1.9 means +90%).

    Raises
    ------
    LayoutError
        No constant multiplier, or one that disagrees with the percentage in the sheet.
    """
    multiplier = None
    for places in range(1, 5):
        for candidate in sorted({round(w / wo, places) for w, wo, _ in pairs}):
            if all(abs(w - candidate * wo) <= rounding_slack(w) + candidate * rounding_slack(wo)
                   for w, wo, _ in pairs):
                multiplier = candidate
                break
        if multiplier is not None:
            break
    if multiplier is None:
        ratios = ", ".join(f"row {r + 1}: {w / wo:.5f}" for w, wo, r in pairs)
        raise LayoutError(f"'{sheet.name}': with/without-RF CO2 ratio not constant ({ratios})")
    stated = {
        int(a or b)
        for row in sheet.rows for value in row if isinstance(value, str)
        for a, b in re.findall(r"(\d+)% increase|increase of (\d+)%", value)
    }
    if stated != {round((multiplier - 1) * 100)}:
        raise LayoutError(
            f"'{sheet.name}': derived RF multiplier {multiplier} but the sheet states "
            f"increase(s) of {sorted(stated)}%"
        )
    return multiplier


# --------------------------------------------------------------------------- land travel
CAR_SIZES = {"small car": "small", "medium car": "medium", "large car": "large",
             "average car": "average"}
CAR_FUELS = {
    "diesel": "diesel", "petrol": "petrol", "hybrid": "hybrid", "cng": "cng", "lpg": "lpg",
    "unknown": "unknown", "plug-in hybrid electric vehicle": "plugin_hybrid",
    "battery electric vehicle": "battery_electric",
}
MOTORBIKE_SIZES = {"small": "small", "medium": "medium", "large": "large", "average": "average"}
TAXI_SIZES = {"regular taxi": "regular", "black cab": "black_cab"}
BUSES = {
    "local bus (not london)": ("bus", "local_not_london"),
    "local london bus": ("bus", "local_london"),
    "average local bus": ("bus", "average_local"),
    "coach": ("coach", ""),
}
RAIL_KINDS = {
    "national rail": "national",
    "international rail": "international",
    "light rail and tram": "light_rail_tram",
    "london underground": "underground",
}
LAND_UNITS = {"km": "vehicle_km", "passenger.km": "passenger_km", "miles": None}
BASIS_UNITS = {"vehicle_km": "kgCO2e / km", "passenger_km": "kgCO2e / passenger / km"}


def read_land(wb: Workbook, ctx: Context) -> list[Factor]:
    """Business travel- land: cars by size and fuel, motorbikes, taxis, buses, coach, rail."""
    sheet = wb.sheet("Business travel- land")
    factors: list[Factor] = []
    blank_cars: list[str] = []
    activities = []
    for table in find_tables(sheet):
        table.require_labels("activity", "type")
        activity = norm(table.labels(table.rows[0])["activity"])
        activities.append(activity)
        if activity == "cars (by market segment)":
            continue
        handler = {
            "cars (by size)": _land_cars,
            "motorbike": _land_simple,
            "taxis": _land_simple,
            "bus": _land_simple,
            "rail": _land_simple,
        }.get(activity)
        if handler is None:
            raise LayoutError(f"{sheet.where(table.rows[0], 0)}: unknown land activity "
                              f"{activity!r}")
        factors.extend(handler(table, activity, blank_cars))
    for needed in ("cars (by size)", "motorbike", "taxis", "bus", "rail"):
        if needed not in activities:
            raise LayoutError(f"'{sheet.name}': no {needed!r} table")
    ctx.notes.append(
        "Road: cars by size (not by market segment), per vehicle-km; rows per mile are not "
        f"extracted. Car size/fuel cells left blank in the sheet: {', '.join(blank_cars)}."
    )
    return factors


def read_passenger_vehicles(wb: Workbook, ctx: Context) -> list[Factor]:
    """Passenger vehicles: cars by size (and motorbikes), for workbooks without a land sheet.

    Up to 2016 the workbooks have no 'Business travel- land' sheet: their cars by size and
    motorbikes are in 'Passenger vehicles' (the land sheet of later workbooks repeats the
    same tables), and they publish no taxi, bus, coach or rail factors. Workbooks with a
    land sheet are read there (:func:`read_land`) and this reader returns nothing.
    """
    if "Business travel- land" in wb.sheets:
        return []
    sheet = wb.sheet("Passenger vehicles")
    factors: list[Factor] = []
    blank_cars: list[str] = []
    activities = []
    for table in find_tables(sheet):
        table.require_labels("activity", "type")
        activity = norm(table.labels(table.rows[0])["activity"])
        activities.append(activity)
        if activity == "cars (by market segment)":
            continue
        handler = {"cars (by size)": _land_cars, "motorbike": _land_simple}.get(activity)
        if handler is None:
            raise LayoutError(f"{sheet.where(table.rows[0], 0)}: unknown vehicle activity "
                              f"{activity!r}")
        factors.extend(handler(table, activity, blank_cars))
    if "cars (by size)" not in activities:
        raise LayoutError(f"'{sheet.name}': no 'cars (by size)' table")
    fuels = sorted({f.keys["fuel"] for f in factors if f.keys["vehicle"] == "car"})
    ctx.notes.append(
        "Road: from the 'Passenger vehicles' sheet (this workbook has no 'Business travel- "
        f"land' sheet): cars by size (fuels: {', '.join(fuels)}), per vehicle-km"
        + (", and motorbikes" if "motorbike" in activities else "; no motorbike table")
        + "; rows per mile are not extracted. Not published: taxis, buses, coach, rail. "
        + (f"Car size/fuel cells left blank in the sheet: {', '.join(blank_cars)}."
           if blank_cars else "No car size/fuel cell is blank.")
    )
    return factors


def _land_unit(table: Table, row: int) -> str | None:
    """Basis key of a land row's unit (``None`` for per-mile rows, which are skipped)."""
    unit = table.labels(row)["unit"]
    return lookup(LAND_UNITS, unit, table.sheet, row, table.unit_col, "unit")


def _land_cars(table: Table, activity: str, blank: list[str]) -> list[Factor]:
    """Cars by size: one factor per size and fuel group; blank cells go to ``blank``."""
    sheet = table.sheet
    factors = []
    for row in table.rows:
        basis = _land_unit(table, row)
        if basis is None:
            continue
        labels = table.labels(row)
        size = lookup(CAR_SIZES, labels["type"], sheet, row, table.label_cols["type"], "car")
        for group in table.groups():
            fuel = lookup(CAR_FUELS, group, sheet, table.header_row - 1, table.unit_col, "fuel")
            total, gases = gas_values(table, row, group)
            label = f"{labels['type']}; {group}"
            if total is None:
                blank.append(label)
                continue
            factors.append(make_factor(
                "road", {"vehicle": "car", "size": size, "fuel": fuel, "basis": basis},
                total, BASIS_UNITS[basis], label, sheet, row, gases))
    return factors


def _land_simple(table: Table, activity: str, blank: list[str]) -> list[Factor]:
    """Motorbike, taxi, bus/coach and rail tables (one value column group)."""
    sheet = table.sheet
    group = only_group(table)
    factors = []
    for row in table.rows:
        basis = _land_unit(table, row)
        if basis is None:
            continue
        labels = table.labels(row)
        type_col = table.label_cols["type"]
        total, gases = gas_values(table, row, group)
        if total is None:
            raise LayoutError(f"{sheet.where(row, table.unit_col)}: {activity} row without value")
        if activity == "rail":
            category = "rail"
            keys = {"kind": lookup(RAIL_KINDS, labels["type"], sheet, row, type_col, "rail")}
            label = labels["type"]
            if basis != "passenger_km":
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: rail per vehicle-km")
        else:
            category = "road"
            if activity == "motorbike":
                vehicle = "motorbike"
                size = lookup(MOTORBIKE_SIZES, labels["type"], sheet, row, type_col, "motorbike")
            elif activity == "taxis":
                vehicle = "taxi"
                size = lookup(TAXI_SIZES, labels["type"], sheet, row, type_col, "taxi")
            else:
                vehicle, size = lookup(BUSES, labels["type"], sheet, row, type_col, "bus")
            keys = {"vehicle": vehicle, "size": size, "fuel": "", "basis": basis}
            label = f"{labels['activity']}; {labels['type']}; {labels['unit']}"
        factors.append(make_factor(category, keys, total, BASIS_UNITS[basis], label, sheet, row,
                                   gases))
    return factors


# --------------------------------------------------------------------------- hotels
#: Published hotel-country names that pycountry does not resolve (or that need a city).
HOTEL_ALIASES: dict[str, tuple[str, str]] = {
    "uk": ("GB", ""),
    "uk (london)": ("GB", "london"),
    "china (hong kong)": ("HK", ""),
    "hong kong, china": ("HK", ""),
    "macau, china": ("MO", ""),
    "taiwan, china": ("TW", ""),
    "taiwan": ("TW", ""),
    "korea": ("KR", ""),
    "south korea": ("KR", ""),
    "russia": ("RU", ""),
    "russian federation": ("RU", ""),
    "czech republic": ("CZ", ""),
    "slovak republic": ("SK", ""),
    "turkey": ("TR", ""),
    "vietnam": ("VN", ""),
}
#: Rows that are not a country and are therefore not written (documented in the notes).
HOTEL_NOT_COUNTRIES = {"caribbean region": "a regional figure without an ISO 3166-1 code"}


def country_code(name: str, sheet: Sheet, row: int, col: int) -> tuple[str, str]:
    """ISO alpha-2 code (and city key) of a published hotel country name.

    Parameters
    ----------
    name : str
        Country as published, e.g. ``"Hong Kong, China"`` or ``"UK (London)"``.
    sheet, row, col : Sheet, int, int
        Where the name is (for the error message).

    Returns
    -------
    tuple of str
        ``(alpha_2, city)``; ``city`` is ``""`` unless the row is a city.

    Raises
    ------
    LayoutError
        Neither :data:`HOTEL_ALIASES` nor pycountry know the name.
    """
    key = norm(name)
    if key in HOTEL_ALIASES:
        code, city = HOTEL_ALIASES[key]
        if pycountry.countries.get(alpha_2=code) is None:
            raise LayoutError(f"alias {name!r} -> {code}: not an ISO 3166-1 code")
        return code, city
    try:
        return pycountry.countries.lookup(name).alpha_2, ""
    except LookupError:
        raise LayoutError(
            f"{sheet.where(row, col)}: country name {name!r} has no ISO code; add it to "
            "HOTEL_ALIASES"
        ) from None


def read_hotel(wb: Workbook, ctx: Context) -> list[Factor]:
    """Hotel stay: kgCO2e per room-night by country (countries with a value only)."""
    sheet = wb.sheet("Hotel stay")
    factors: list[Factor] = []
    blank: list[str] = []
    skipped: list[str] = []
    listed = 0
    for table in find_tables(sheet):
        table.require_labels("activity", "country")
        group = only_group(table)
        listed += len(table.rows)
        for row in table.rows:
            labels = table.labels(row)
            if norm(labels["unit"]) != "room per night":
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: unit {labels['unit']!r}")
            total, _ = gas_values(table, row, group)
            name = labels["country"]
            if norm(name) in HOTEL_NOT_COUNTRIES:
                skipped.append(f"{name} ({HOTEL_NOT_COUNTRIES[norm(name)]})")
                continue
            country, city = country_code(name, sheet, row, table.label_cols["country"])
            if total is None:
                blank.append(name)
                continue
            factors.append(make_factor("hotel", {"country": country, "city": city}, total,
                                       "kgCO2e / room_night", name, sheet, row))
    note = f"Hotel stay: {listed} rows published, {len(factors)} written. "
    note += (f"{len(blank)} countries listed without a value are omitted: {'; '.join(blank)}. "
             if blank else "Every listed country has a value. ")
    if skipped:
        note += f"Not a country, not written: {', '.join(skipped)}. "
    if not any(f.keys["country"] == "KE" for f in factors):
        note += "Kenya is not listed."
    ctx.notes.append(note.strip())
    return factors


# --------------------------------------------------------------------------- fuels
#: Fuel keys that are not the plain snake_case of the label (docs/factor-format.md).
FUEL_ALIASES: dict[str, str] = {
    "natural gas (100% mineral blend)": "natural_gas_mineral",
    "diesel (average biofuel blend)": "diesel",
    "diesel (100% mineral diesel)": "diesel_mineral",
    "petrol (average biofuel blend)": "petrol",
    "petrol (100% mineral petrol)": "petrol_mineral",
    "biodiesel me": "biodiesel",
    "biodiesel (me)": "biodiesel",
    "biodiesel me (from used cooking oil)": "biodiesel_from_used_cooking_oil",
    "biodiesel me (from tallow)": "biodiesel_from_tallow",
    "biodiesel (btl or hvo)": "biodiesel_hvo",
    "grasses/straw": "grass_straw",
    "methane (ch4)": "methane",
    "carbon dioxide (co2)": "carbon_dioxide",
}
#: Sheet unit -> (basis key, unit of the factor).
FUEL_UNITS: dict[str, tuple[str, str]] = {
    "tonnes": ("mass", "kgCO2e / t"),
    "litres": ("volume", "kgCO2e / L"),
    "cubic metres": ("volume", "kgCO2e / m^3"),
    "kwh (net cv)": ("energy_net", "kgCO2e / kWh"),
    "kwh (gross cv)": ("energy_gross", "kgCO2e / kWh"),
}
#: Bioenergy and outside-of-scopes units; their energy factors are on a net CV basis.
BIO_UNITS: dict[str, tuple[str, str]] = {
    "tonnes": ("mass", "kgCO2e / t"),
    "kg": ("mass", "kgCO2e / kg"),
    "litres": ("volume", "kgCO2e / L"),
    "kwh": ("energy_net", "kgCO2e / kWh"),
    "gj": ("energy_net", "kgCO2e / GJ"),
}


def fuel_key(label: str) -> str:
    """Fuel key of a published fuel label (documented short names, else snake_case)."""
    return FUEL_ALIASES.get(norm(label), snake(label))


def _fuel_note(label: str) -> str:
    """Row note for labels whose key differs from their snake_case (ME biodiesel)."""
    if norm(label).startswith("biodiesel me") or norm(label) == "biodiesel (me)":
        return (f"methyl-ester (ME) biodiesel, keyed {fuel_key(label)!r} like the rows "
                "published without 'ME' in the 2019-2020 workbooks")
    return ""


def read_fuel_table_sheet(wb: Workbook, ctx: Context, sheet_name: str, category: str,
                          label_header: str, units: dict[str, tuple[str, str]],
                          activities: dict[str, bool]) -> list[Factor]:
    """Shared reader of the Fuels, Bioenergy and Outside of scopes sheets.

    Parameters
    ----------
    wb, ctx : Workbook, Context
        The workbook and the build context (receives notes).
    sheet_name : str
        Sheet to read.
    category : str
        ``"fuel"`` or ``"biogenic_co2"``.
    label_header : str
        Normalised header of the fuel-name column (``"fuel"`` or ``"type"``).
    units : dict
        Normalised sheet unit -> ``(basis key, factor unit)``.
    activities : dict of str to bool
        Known table activities (normalised) -> whether to extract them.

    Returns
    -------
    list of Factor
    """
    sheet = wb.sheet(sheet_name)
    factors: list[Factor] = []
    blank: list[str] = []
    for table in find_tables(sheet):
        activity = table.labels(table.rows[0])["activity"]
        if not lookup(activities, activity, sheet, table.rows[0], 0, "activity"):
            ctx.notes.append(f"{sheet_name}: table {activity!r} not extracted (no category).")
            continue
        table.require_labels("activity", label_header)
        group = only_group(table)
        for row in table.rows:
            labels = table.labels(row)
            label = labels[label_header]
            basis, unit = lookup(units, labels["unit"], sheet, row, table.unit_col, "unit")
            value_gas = "co2" if category == "biogenic_co2" else "total"
            total, gases = gas_values(table, row, group, value_gas)
            if total is None:
                blank.append(f"{label} per {labels['unit']}")
                continue
            factors.append(make_factor(category, {"fuel": fuel_key(label), "basis": basis},
                                       total, unit, label, sheet, row, gases, _fuel_note(label)))
    if blank:
        ctx.notes.append(f"{sheet_name}: blank cells (no factor written): {', '.join(blank)}.")
    return factors


def read_fuels(wb: Workbook, ctx: Context) -> list[Factor]:
    """Fuels: gaseous, liquid and solid fuels per tonne, litre, cubic metre and kWh."""
    return read_fuel_table_sheet(
        wb, ctx, "Fuels", "fuel", "fuel", FUEL_UNITS,
        {"gaseous fuels": True, "liquid fuels": True, "solid fuels": True})


#: (unit, column group) of the re-published 2012-2015 'Fuels' sheets -> (basis, unit).
FUEL_BASIS_COLUMNS: dict[tuple[str, str], tuple[str, str]] = {
    ("kwh", "energy - gross cv"): ("energy_gross", "kgCO2e / kWh"),
    ("kwh", "energy - net cv"): ("energy_net", "kgCO2e / kWh"),
    ("litres", "volume"): ("volume", "kgCO2e / L"),
    ("cubic metres", "volume"): ("volume", "kgCO2e / m^3"),
    ("tonnes", "mass"): ("mass", "kgCO2e / t"),
}


def read_fuels_by_basis(wb: Workbook, ctx: Context) -> list[Factor]:
    """Fuels of the re-published 2012-2015 sets: one row per unit, one column group per basis.

    Each fuel has rows 'tonnes', 'litres', 'cubic metres' and 'kWh', and the value sits in
    the column group of its basis ('Energy - Gross CV', 'Energy - Net CV', 'Volume'). A
    number in any other unit/group cell stops the build.
    """
    sheet = wb.sheet("Fuels")
    factors: list[Factor] = []
    activities: list[str] = []
    empty: list[str] = []
    for table in find_tables(sheet):
        activity = table.labels(table.rows[0])["activity"]
        lookup({"gaseous fuels": True, "liquid fuels": True, "solid fuels": True}, activity,
               sheet, table.rows[0], 0, "activity")
        activities.append(norm(activity))
        table.require_labels("activity", "fuel")
        written: dict[str, int] = {}
        for row in table.rows:
            labels = table.labels(row)
            label = labels["fuel"]
            written.setdefault(label, 0)
            unit = norm(labels["unit"])
            if unit not in {u for u, _ in FUEL_BASIS_COLUMNS}:
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: unit {labels['unit']!r}")
            for group in table.groups():
                total, gases = gas_values(table, row, group)
                if total is None:
                    continue
                key = (unit, norm(group))
                if key not in FUEL_BASIS_COLUMNS:
                    raise LayoutError(f"{sheet.where(row, table.gas_cols(group)['total'])}: a "
                                      f"value per {labels['unit']} in the {group!r} columns")
                basis, factor_unit = FUEL_BASIS_COLUMNS[key]
                factors.append(make_factor("fuel", {"fuel": fuel_key(label), "basis": basis},
                                           total, factor_unit, label, sheet, row, gases,
                                           _fuel_note(label)))
                written[label] += 1
        empty.extend(label for label, n in written.items() if n == 0)
    bases = {f.keys["basis"] for f in factors}
    ctx.notes.append(
        "Fuels: this layout gives each fuel a row per unit and a column group per basis "
        "(energy on a gross and on a net CV basis, volume); bases written: "
        f"{', '.join(sorted(bases))}"
        + ("" if "mass" in bases else "; no per-tonne factor is published")
        + f". Tables: {', '.join(activities)}"
        + ("" if "solid fuels" in activities else " (no solid fuels table)")
        + (f". Fuels listed without any value: {', '.join(empty)}." if empty else ".")
    )
    return factors


def read_outside_of_scopes_republished(wb: Workbook, ctx: Context) -> list[Factor]:
    """Outside of scopes of the re-published sets: forecourt fuels, one 'kg CO2e' column.

    The column holds the biogenic CO2 (the later workbooks head it 'kg CO2'); it is written
    as ``value`` and ``co2`` like the later editions. A sheet without numbers (2012) gives
    nothing and a note.
    """
    sheet = wb.sheet("Outside of scopes")
    factors: list[Factor] = []
    for table in find_tables(sheet):
        activity = table.labels(table.rows[0])["activity"]
        lookup({"forecourt fuels containing biofuel": True}, activity, sheet, table.rows[0], 0,
               "activity")
        table.require_labels("activity", "type")
        group = only_group(table)
        if set(table.gas_cols(group)) != {"total"}:
            raise LayoutError(f"'{sheet.name}': expected one 'kg CO2e' column")
        for row in table.rows:
            labels = table.labels(row)
            basis, unit = lookup(BIO_UNITS, labels["unit"], sheet, row, table.unit_col, "unit")
            total, _ = gas_values(table, row, group)
            if total is None:
                continue
            factors.append(make_factor("biogenic_co2", {"fuel": fuel_key(labels["type"]),
                                                        "basis": basis}, total, unit,
                                       labels["type"], sheet, row, {"co2": total}))
    stated = any("energy-based factors are provided on a net cv basis" in norm(v)
                 for row in sheet.rows for v in row if isinstance(v, str))
    if factors and not stated:
        raise LayoutError(f"'{sheet.name}': no statement of the CV basis of its kWh rows")
    ctx.notes.append(
        "Outside of scopes: " + (
            "biogenic CO2 of the forecourt fuels (value = CO2, unit kgCO2e = kg CO2; the "
            "sheet heads its one column 'kg CO2e'); its 'kWh' rows are keyed basis=energy_net "
            "(the sheet: 'All outside of scopes energy-based factors are provided on a net CV "
            "basis')." if factors else
            "the sheet lists the forecourt fuels without any value; no biogenic CO2 factor "
            "is written."))
    return factors


def read_bioenergy(wb: Workbook, ctx: Context) -> list[Factor]:
    """Bioenergy: biofuels, biomass and biogas (category ``fuel``)."""
    factors = read_fuel_table_sheet(
        wb, ctx, "Bioenergy", "fuel", "fuel", BIO_UNITS,
        {"biofuel": True, "biomass": True, "biogas": True})
    stated = any("net calorific value basis" in norm(v)
                 for row in wb.sheet("Bioenergy").rows for v in row if isinstance(v, str))
    ctx.notes.append(
        "Bioenergy per-kWh and per-GJ factors are keyed basis=energy_net: "
        + ("the sheet states 'All factors are on a net calorific value basis'."
           if stated else
           "this workbook does not state the CV basis; the 2019 methodology paper (Table 50) "
           "gives biomass net CVs and later workbooks state a net CV basis.")
    )
    return factors


def read_outside_of_scopes(wb: Workbook, ctx: Context) -> list[Factor]:
    """Outside of scopes: biogenic CO2 of biofuels, biomass and biogas (``biogenic_co2``)."""
    factors = read_fuel_table_sheet(
        wb, ctx, "Outside of scopes", "biogenic_co2", "type", BIO_UNITS,
        {"forecourt fuels containing biofuel": True, "biofuel": True, "biomass": True,
         "biogas": True, "electricity generated": False})
    ctx.notes.append(
        "Outside of scopes: biogenic CO2 (value = CO2, unit kgCO2e = kg CO2); its single "
        "'kWh' and 'GJ' rows are keyed basis=energy_net like the Bioenergy sheet."
    )
    return factors


# --------------------------------------------------------------------------- fuel properties
PROPERTY_COLUMNS = {
    ("net cv", "gj/tonne"): ("net_cv", "GJ / t"),
    ("gross cv", "gj/tonne"): ("gross_cv", "GJ / t"),
    ("density", "kg/m3"): ("density", "kg / m^3"),
}
PROPERTY_GROUPS = {"commonly used fossil fuels", "other fuels", "gases"}


def read_fuel_properties(wb: Workbook, ctx: Context) -> list[Factor]:
    """Fuel properties: net and gross CV (GJ/t) and density (kg/m3) per fuel."""
    sheet = wb.sheet("Fuel properties")
    factors: list[Factor] = []
    headers = [(r, c) for r, row in enumerate(sheet.rows) for c, v in enumerate(row)
               if norm(v or "") == "year"]
    if not headers:
        raise LayoutError(f"'{sheet.name}': no 'Year' header")
    covered: set[int] = set()
    for header_row, year_col in headers:
        covered.update((header_row, header_row + 1))
        cols: dict[str, tuple[int, str]] = {}
        for c in range(year_col + 1, len(sheet.rows[header_row])):
            key = (norm(sheet.cell(header_row, c) or "").rstrip("*"),
                   norm(sheet.cell(header_row + 1, c) or ""))
            if key in PROPERTY_COLUMNS:
                prop, unit = PROPERTY_COLUMNS[key]
                if prop in cols:
                    raise LayoutError(f"{sheet.where(header_row, c)}: second {prop} column")
                cols[prop] = (c, unit)
        if len(cols) != len(PROPERTY_COLUMNS):
            raise LayoutError(
                f"{sheet.where(header_row, year_col)}: expected Net CV / Gross CV (GJ/tonne) "
                f"and Density (kg/m3) columns, found {sorted(cols)}"
            )
        row = header_row + 2
        group = norm(sheet.cell(row, year_col - 2) or "")
        if group not in PROPERTY_GROUPS:
            raise LayoutError(f"{sheet.where(row, year_col - 2)}: unknown group {group!r}")
        while sheet.text(row, year_col - 1):
            label = sheet.text(row, year_col - 1)
            if number(sheet, row, year_col) != ctx.spec.year:
                raise LayoutError(f"{sheet.where(row, year_col)}: year is not {ctx.spec.year}")
            covered.add(row)
            for prop, (col, unit) in cols.items():
                value = number(sheet, row, col)
                if value is not None:
                    factors.append(make_factor(
                        "fuel_property", {"fuel": fuel_key(label), "property": prop}, value,
                        unit, label, sheet, row, notes=_fuel_note(label)))
            row += 1
    for r in range(headers[0][0], len(sheet.rows)):
        for c, v in enumerate(sheet.rows[r]):
            if isinstance(v, (int, float, CellError)) and not isinstance(v, bool) and (
                    r not in covered):
                raise LayoutError(f"{sheet.where(r, c)}: value {v!r} outside the fuel tables")
    ctx.notes.append("Fuel properties: net and gross CV per tonne and density written; the "
                     "kWh/kg, kWh/litre and litres/tonne columns (derived from them) are not.")
    return factors


#: Sheets of the re-published 2010-2015 sets holding fuel properties, each a list of
#: one-year tables ("2015 fuel properties", "2014 fuel properties" ...).
REPUBLISHED_PROPERTY_SHEETS = ("Fuel properties - 2015", "Historic fuel properties")
_FOOTNOTE_MARK = re.compile(r"(?<=\))\d+$")


def read_fuel_properties_by_year(wb: Workbook, ctx: Context) -> list[Factor]:
    """Fuel properties of the re-published sets: the one table whose year is the edition's.

    These workbooks carry the 2015 fuel properties and a 'Historic fuel properties' sheet
    (2014, 2013, 2012); a table is written only when every row's ``Year`` cell is the
    edition's year, so the 2010 and 2011 editions get none. Footnote digits appended to a
    label (``Coal (electricity generation)1``) are not part of the fuel name.
    """
    factors: list[Factor] = []
    years_found: set[int] = set()
    for name in REPUBLISHED_PROPERTY_SHEETS:
        if name not in wb.sheets:
            continue
        sheet = wb.sheet(name)
        headers = [(r, c) for r, row in enumerate(sheet.rows) for c, v in enumerate(row)
                   if norm(v or "") == "year" and norm(sheet.cell(r, c + 1) or "") == "net cv"]
        if not headers:
            raise LayoutError(f"'{name}': no 'Year' / 'Net CV' header")
        covered: set[int] = set()
        for header_row, year_col in headers:
            covered.update((header_row, header_row + 1))
            cols: dict[str, tuple[int, str]] = {}
            for c in range(year_col + 1, len(sheet.rows[header_row])):
                key = (norm(sheet.cell(header_row, c) or "").rstrip("*"),
                       norm(sheet.cell(header_row + 1, c) or ""))
                if key in PROPERTY_COLUMNS:
                    prop, unit = PROPERTY_COLUMNS[key]
                    if prop in cols:
                        raise LayoutError(f"{sheet.where(header_row, c)}: second {prop} column")
                    cols[prop] = (c, unit)
            if len(cols) != len(PROPERTY_COLUMNS):
                raise LayoutError(f"{sheet.where(header_row, year_col)}: expected Net CV / "
                                  f"Gross CV (GJ/tonne) and Density (kg/m3), found {sorted(cols)}")
            first = header_row + 2
            group = norm(sheet.cell(first, year_col - 2) or "")
            if group not in PROPERTY_GROUPS:
                raise LayoutError(f"{sheet.where(first, year_col - 2)}: unknown group {group!r}")
            rows = []
            row = first
            while sheet.text(row, year_col - 1):
                rows.append(row)
                row += 1
            years = {number(sheet, r, year_col) for r in rows}
            if len(years) != 1 or not isinstance(next(iter(years)), (int, float)):
                raise LayoutError(f"{sheet.where(first, year_col)}: a table with years {years}")
            year = int(next(iter(years)))  # type: ignore[arg-type]
            years_found.add(year)
            covered.update(rows)
            if year != ctx.spec.year:
                continue
            for r in rows:
                label = _FOOTNOTE_MARK.sub("", sheet.text(r, year_col - 1)).strip()
                for prop, (col, unit) in cols.items():
                    value = number(sheet, r, col)
                    if value is not None:
                        factors.append(make_factor(
                            "fuel_property", {"fuel": fuel_key(label), "property": prop},
                            value, unit, label, sheet, r, notes=_fuel_note(label)))
        # each one-year table has its own 'Expiry:' / 'Version:' header cells
        header_cells = {(r, c + 1) for r, row in enumerate(sheet.rows) for c, v in enumerate(row)
                        if isinstance(v, str) and norm(v) in ("expiry:", "version:")}
        for r in range(headers[0][0], len(sheet.rows)):
            for c, v in enumerate(sheet.rows[r]):
                if isinstance(v, (int, float, CellError)) and not isinstance(v, bool) and (
                        r not in covered and (r, c) not in header_cells):
                    raise LayoutError(f"{sheet.where(r, c)}: value {v!r} outside the fuel tables")
    found = ", ".join(str(y) for y in sorted(years_found))
    if factors:
        ctx.notes.append(
            f"Fuel properties: the {ctx.spec.year} tables of the '"
            + "' / '".join(sorted({f.source_table for f in factors}))
            + f"' sheet (the workbook holds tables for {found}); net and gross CV per tonne "
            "and density written; the kWh/kg and litres/tonne columns (derived from them) are "
            "not. Footnote digits after a fuel name are dropped.")
    else:
        ctx.notes.append(
            f"Fuel properties: none for {ctx.spec.year}. The workbook's fuel-property tables "
            f"are for {found} only (the re-published set carries the 2015 properties and "
            "their history), so none is written.")
    return factors


# --------------------------------------------------------------------------- energy
def read_uk_electricity(wb: Workbook, ctx: Context) -> list[Factor]:
    """UK electricity: grid electricity generated (country GB, component generation)."""
    sheet = wb.sheet("UK electricity")
    table = only_table(sheet)
    table.require_labels("activity", "country")
    group = only_group(table)
    factors = []
    for row in table.rows:
        labels = table.labels(row)
        if (norm(labels["activity"]), norm(labels["country"]), norm(labels["unit"])) != (
                "electricity generated", "electricity: uk", "kwh"):
            raise LayoutError(f"{sheet.where(row, 0)}: unexpected row {labels}")
        total, gases = gas_values(table, row, group)
        if total is None:
            raise LayoutError(f"{sheet.where(row, table.unit_col)}: no value")
        check_year(table, row, ctx)
        factors.append(make_factor("electricity", {"country": "GB", "component": "generation"},
                                   total, "kgCO2e / kWh", labels["country"], sheet, row, gases))
    return factors


def read_transmission(wb: Workbook, ctx: Context) -> list[Factor]:
    """Transmission and distribution: UK electricity T&D losses and district heat losses."""
    sheet = wb.sheet("Transmission and distribution")
    factors = []
    for table in find_tables(sheet):
        table.require_labels("activity", "type")
        if norm(table.labels(table.rows[0])["activity"]) == "t&d- overseas electricity":
            ctx.notes.append(
                f"Transmission and distribution: the 'T&D- overseas electricity' table "
                f"({len(table.rows)} rows, CO2 only) is not extracted (overseas electricity "
                "uses Ember generation intensities, without T&D).")
            continue
        group = only_group(table)
        for row in table.rows:
            labels = table.labels(row)
            if norm(labels["unit"]) != "kwh":
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: unit {labels['unit']!r}")
            activity = norm(labels["activity"])
            if activity == "t&d- uk electricity" and norm(labels["type"]) == "electricity: uk":
                category, keys = "electricity", {"country": "GB", "component": "td_losses"}
            elif activity == "distribution - district heat & steam":
                category, keys = "heat", {"kind": "district", "component": "td_losses"}
            else:
                raise LayoutError(f"{sheet.where(row, 0)}: unexpected T&D row {labels}")
            total, gases = gas_values(table, row, group)
            if total is None:
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: no value")
            check_year(table, row, ctx)
            factors.append(make_factor(category, keys, total, "kgCO2e / kWh",
                                       f"{labels['activity']}; {labels['type']}", sheet, row,
                                       gases))
    return factors


HEAT_KINDS = {"onsite heat and steam": "onsite", "district heat and steam": "district"}


def read_heat(wb: Workbook, ctx: Context) -> list[Factor]:
    """Heat and steam (full set only): onsite and district heat generation."""
    sheet = wb.sheet("Heat and steam")
    factors = []
    for table in find_tables(sheet):
        table.require_labels("activity", "type")
        group = only_group(table)
        for row in table.rows:
            labels = table.labels(row)
            if norm(labels["unit"]) != "kwh":
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: unit {labels['unit']!r}")
            kind = lookup(HEAT_KINDS, labels["type"], sheet, row, table.label_cols["type"],
                          "heat")
            total, gases = gas_values(table, row, group)
            if total is None:
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: no value")
            check_year(table, row, ctx)
            factors.append(make_factor("heat", {"kind": kind, "component": "generation"},
                                       total, "kgCO2e / kWh", labels["type"], sheet, row, gases))
    return factors


# --------------------------------------------------------------------------- water and waste
def read_water(wb: Workbook, ctx: Context) -> list[Factor]:
    """Water supply and Water treatment, per cubic metre."""
    factors = []
    for sheet_name, service in (("Water supply", "supply"), ("Water treatment", "treatment")):
        sheet = wb.sheet(sheet_name)
        table = only_table(sheet)
        table.require_labels("activity", "type")
        group = only_group(table)
        written = 0
        for row in table.rows:
            labels = table.labels(row)
            if norm(labels["type"]) != norm(sheet_name):
                raise LayoutError(f"{sheet.where(row, 0)}: unexpected row {labels}")
            unit = norm(labels["unit"])
            if unit == "million litres":
                continue
            if unit != "cubic metres":
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: unit {labels['unit']!r}")
            total, gases = gas_values(table, row, group)
            if total is None:
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: no value")
            factors.append(make_factor("water", {"service": service}, total, "kgCO2e / m^3",
                                       labels["type"], sheet, row, gases))
            written += 1
        if written != 1:
            raise LayoutError(f"'{sheet_name}': expected one per-cubic-metre row")
    return factors


DISPOSALS = {
    "re-use": "reuse",
    "reuse": "reuse",
    "open-loop": "open_loop",
    "open loop": "open_loop",
    "closed-loop": "closed_loop",
    "closed loop": "closed_loop",
    "combustion": "combustion",
    "incineration with energy recovery": "combustion",
    "composting": "composting",
    "landfill": "landfill",
    "anaerobic digestion": "anaerobic_digestion",
}


def read_waste(wb: Workbook, ctx: Context) -> list[Factor]:
    """Waste disposal: every material x disposal method with a value, per tonne."""
    sheet = wb.sheet("Waste disposal")
    factors = []
    for table in find_tables(sheet):
        table.require_labels("activity", "waste type")
        for row in table.rows:
            labels = table.labels(row)
            if norm(labels["unit"]) != "tonnes":
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: unit {labels['unit']!r}")
            material = labels["waste type"]
            for group in table.groups():
                disposal = lookup(DISPOSALS, group, sheet, table.header_row - 1, table.unit_col,
                                  "disposal method")
                total, gases = gas_values(table, row, group)
                if total is None:
                    continue
                factors.append(make_factor(
                    "waste", {"material": snake(material), "disposal": disposal}, total,
                    "kgCO2e / t", f"{material}; {group}", sheet, row, gases))
    ctx.notes.append("Waste disposal: blank material/method cells are not written; 're-use' "
                     "is keyed disposal=reuse.")
    if any(norm(g) == "incineration with energy recovery" for t in find_tables(sheet)
           for g in t.groups()):
        ctx.notes.append(
            "Waste disposal: the 'Incineration with energy recovery' column is keyed "
            "disposal=combustion: the methodology paper of the same year (para 12.10) says "
            "the category "
            "'was named 'combustion' in previous years' and was renamed only to make clear "
            "that energy recovery is assumed.")
    return factors


# --------------------------------------------------------------------------- refrigerants
PROTOCOLS = {
    "kyoto protocol - standard": "kyoto",
    "kyoto protocol- blends": "kyoto",
    "kyoto protocol products": "kyoto",
    "montreal protocol - standard": "montreal",
    "montreal protocol - blends": "montreal",
    "montreal protocol products": "montreal",
    "other perfluorinated gases": "other",
    "fluorinated ethers": "other",
    "other refrigerants": "other",
    "other products": "other",
    "blends": "blend",
}
REFRIGERANT_GROUPS = {
    "": "total",
    "emissions including only kyoto products": "kyoto",
    "emissions including only non-kyoto products": "non_kyoto",
    "total emissions including non-kyoto products": "total",
}
GAS_ALIASES = {
    "carbon dioxide": "co2",
    "methane": "ch4",
    "nitrous oxide": "n2o",
    "nitrogen trifluoride": "nf3",
    "sulphur hexafluoride (sf6)": "sf6",
    "sulphur hexafluoride": "sf6",
}


def gas_key(label: str) -> str:
    """Refrigerant key: ``HFC-134a`` -> ``hfc_134a``, ``R290 = propane`` -> ``r290``,
    ``Perfluoromethane (PFC-14)`` -> ``pfc_14``, ``CFC-11/R11 = ...`` -> ``cfc_11``."""
    text = clean_label(label).rstrip("*").strip()
    if norm(text) in GAS_ALIASES:
        return GAS_ALIASES[norm(text)]
    text = text.split("=")[0].split("/")[0].strip()
    named = re.fullmatch(r"([A-Za-z ]+) \(([^)]+)\)", text)
    coded = re.fullmatch(r"(\S+) \(([^)]+)\)", text)
    if named:
        text = named.group(2)
    elif coded:
        text = coded.group(1)
    return snake(text)


def read_refrigerants(wb: Workbook, ctx: Context) -> list[Factor]:
    """Refrigerant & other: GWP of every gas and blend (kgCO2e per kg)."""
    sheet = wb.sheet("Refrigerant & other")
    footnote = next((clean_label(v).lstrip("* ") for row in sheet.rows for v in row
                     if isinstance(v, str) and v.strip().startswith("*")), "")
    factors = []
    skipped: list[str] = []
    tables = find_tables(sheet)
    for table in tables:
        table.require_labels("activity", "emission")
        columns = {lookup(REFRIGERANT_GROUPS, g, sheet, table.header_row - 1, table.unit_col,
                          "column group"): table.gas_cols(g)["total"] for g in table.groups()}
        if "total" not in columns:
            raise LayoutError(f"{sheet.where(table.header_row, 0)}: no total column")
        for row in table.rows:
            labels = table.labels(row)
            if norm(labels["unit"]) != "kg":
                raise LayoutError(f"{sheet.where(row, table.unit_col)}: unit {labels['unit']!r}")
            label = labels["emission"]
            raw = sheet.cell(row, columns["total"])
            if isinstance(raw, str):
                skipped.append(f"{label} ({raw})")
                continue
            values = {name: number(sheet, row, col) for name, col in columns.items()}
            total = values["total"]
            if total is None:
                continue
            protocol = lookup(PROTOCOLS, labels["activity"], sheet, row, 0, "refrigerant group")
            notes = footnote if label.endswith("*") else ""
            kyoto, non_kyoto = values.get("kyoto"), values.get("non_kyoto")
            parts = [v for v in (kyoto, non_kyoto) if v is not None]
            if parts and abs(sum(parts) - total) > rounding_slack(total, *parts):
                raise LayoutError(f"{sheet.where(row, columns['total'])}: Kyoto and non-Kyoto "
                                  "parts do not add up to the total")
            if len(parts) == 2:
                notes = (f"Kyoto products {format_number(kyoto)} + non-Kyoto products "
                         f"{format_number(non_kyoto)} kgCO2e/kg")
            if protocol == "blend":
                protocol = "montreal" if non_kyoto else "kyoto"
            factors.append(make_factor("refrigerant", {"gas": gas_key(label),
                                                       "protocol": protocol},
                                       total, "kgCO2e / kg", label, sheet, row, notes=notes))
    if skipped:
        ctx.notes.append("Refrigerant & other: rows without a number not written: "
                         f"{', '.join(skipped)}" + (f" ({footnote})." if footnote else "."))
    if any(f.keys["protocol"] == "montreal" for f in factors) and "blends" in {
            norm(t.labels(t.rows[0])["activity"]) for t in tables}:
        ctx.notes.append("Refrigerant & other: the 'Blends' table is keyed protocol=kyoto when a "
                         "blend has only Kyoto products, montreal when it has non-Kyoto "
                         "(Montreal Protocol) products; value = total including non-Kyoto.")
    return factors


# --------------------------------------------------------------------------- checks only
def check_overseas_electricity(wb: Workbook, ctx: Context) -> list[Factor]:
    """Overseas electricity (full set): expect guidance text only, no factors."""
    sheet = wb.sheet("Overseas electricity")
    for r, row in enumerate(sheet.rows[7:], start=7):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                raise LayoutError(f"{sheet.where(r, c)}: the sheet now holds numbers; add an "
                                  "extractor for overseas electricity factors")
    said = next((sheet.text(r, c).lstrip("●• ") for r, row in enumerate(sheet.rows)
                 for c, v in enumerate(row)
                 if isinstance(v, str) and "IEA" in v and "no longer provide" in v), "")
    if not said:
        raise LayoutError(f"'{sheet.name}': expected the note that IEA sells these factors")
    ctx.notes.append(f"Overseas electricity: no factors in the workbook; it says: {said}")
    return []


# --------------------------------------------------------------------------- editions
@dataclass(frozen=True)
class SheetFamily:
    """A reader and the sheets it needs; ``optional`` families may be absent."""

    reader: Callable[[Workbook, Context], list[Factor]]
    sheets: tuple[str, ...]
    optional: bool = False


FAMILIES: tuple[SheetFamily, ...] = (
    SheetFamily(read_air, ("Business travel- air",)),
    SheetFamily(read_land, ("Business travel- land",), optional=True),
    SheetFamily(read_passenger_vehicles, ("Passenger vehicles",), optional=True),
    SheetFamily(read_hotel, ("Hotel stay",), optional=True),
    SheetFamily(read_fuels, ("Fuels",)),
    SheetFamily(read_bioenergy, ("Bioenergy",), optional=True),
    SheetFamily(read_outside_of_scopes, ("Outside of scopes",), optional=True),
    SheetFamily(read_fuel_properties, ("Fuel properties",), optional=True),
    SheetFamily(read_uk_electricity, ("UK electricity",)),
    SheetFamily(read_heat, ("Heat and steam",), optional=True),
    SheetFamily(read_transmission, ("Transmission and distribution",)),
    SheetFamily(read_water, ("Water supply", "Water treatment")),
    SheetFamily(read_waste, ("Waste disposal",)),
    SheetFamily(read_refrigerants, ("Refrigerant & other",)),
    SheetFamily(check_overseas_electricity, ("Overseas electricity",), optional=True),
)
#: Sheet families of the re-published 2010-2015 sets (2015 layout); only the electricity
#: sheets are in every one of them.
REPUBLISHED_FAMILIES: tuple[SheetFamily, ...] = (
    SheetFamily(read_air, ("Business travel- air",), optional=True),
    SheetFamily(read_passenger_vehicles, ("Passenger vehicles",), optional=True),
    SheetFamily(read_fuels_by_basis, ("Fuels",), optional=True),
    SheetFamily(read_outside_of_scopes_republished, ("Outside of scopes",), optional=True),
    SheetFamily(read_fuel_properties_by_year, REPUBLISHED_PROPERTY_SHEETS[:1], optional=True),
    SheetFamily(read_uk_electricity, ("UK electricity",)),
    SheetFamily(read_transmission, ("Transmission and distribution",)),
    SheetFamily(read_water, ("Water supply", "Water treatment"), optional=True),
    SheetFamily(read_waste, ("Waste disposal",), optional=True),
    SheetFamily(read_refrigerants, ("Refrigerant & other",), optional=True),
)
#: Sheets deliberately not extracted (reported in the notes when the workbook has them).
NOT_EXTRACTED = (
    "Passenger vehicles", "Delivery vehicles", "SECR kWh pass & delivery vehs",
    "UK electricity for EVs", "SECR kWh UK electricity for EVs", "UK electricity T&D for EVs",
    "Material use", "Business travel- sea", "Freighting goods", "Managed assets- electricity",
    "Managed assets- vehicles", "Homeworking", "WTT- fuels", "WTT- bioenergy",
    "WTT- UK & overseas elec", "WTT- heat and steam", "WTT- business travel- air",
    "WTT- business travel- sea", "WTT- pass vehs & travel- land", "WTT- delivery vehs & freight",
    "WTT- UK electricity",
)


def introduction(wb: Workbook, spec: EditionSpec) -> dict[str, str]:
    """Title, factor set, version, year and GWP statement from the Introduction sheet."""
    sheet = wb.sheet("Introduction")
    found: dict[str, str] = {"title": sheet.text(0, 0)}
    for r, row in enumerate(sheet.rows[:8]):
        for c, value in enumerate(row):
            label = norm(value) if isinstance(value, str) else ""
            if label in ("version:", "year:", "factor set:"):
                cell = sheet.cell(r, c + 1)
                if cell is None:
                    raise LayoutError(f"{sheet.where(r, c + 1)}: empty {label!r}")
                if isinstance(cell, float) and label == "year:" and cell.is_integer():
                    cell = int(cell)
                found[label.rstrip(":")] = clean_label(cell)
    for needed in ("title", "version", "year", "factor set"):
        if not found.get(needed):
            raise LayoutError(f"'{sheet.name}': no {needed!r} cell in the header")
    if found["title"] != "UK Government GHG Conversion Factors for Company Reporting":
        raise LayoutError(f"{sheet.where(0, 0)}: unexpected title {found['title']!r}")
    if found["year"] != str(spec.year):
        raise LayoutError(f"'{sheet.name}': workbook year {found['year']} is not {spec.year}")
    statement = next((clean_label(v) for row in sheet.rows for v in row
                      if isinstance(v, str) and v.strip().startswith("The GWPs used")), "")
    first_sentence = statement.split(". ")[0]
    match = re.search(r"\((AR\d)\)", first_sentence)
    if not match:
        if spec.year >= 2017:  # every Introduction sheet since 2017 states the GWPs
            raise LayoutError(f"'{sheet.name}': no GWP statement naming AR4/AR5/AR6")
        return found  # the GWP basis is then read from the refrigerant table (gwp_basis)
    found["gwp"] = match.group(1)
    found["gwp_statement"] = statement
    return found


REPUBLISHED_TITLE = "UK Government conversion factors for Company Reporting"


def introduction_republished(wb: Workbook, spec: EditionSpec) -> dict[str, str]:
    """Title, factor set ('Reporting type'), version and year of a re-published 2010-2015 set.

    The Introduction sheet of these sets holds ``Reporting type:`` and ``Year:`` in B7:C8,
    ``Version:`` in H8:I8 and the title below them; it has no GWP statement.
    """
    sheet = wb.sheet("Introduction")
    found: dict[str, str] = {}
    for r, row in enumerate(sheet.rows[:12]):
        for c, value in enumerate(row):
            label = norm(value) if isinstance(value, str) else ""
            if label in ("version:", "year:", "reporting type:"):
                cell = sheet.cell(r, c + 1)
                if cell is None:
                    raise LayoutError(f"{sheet.where(r, c + 1)}: empty {label!r}")
                if isinstance(cell, float) and label == "year:" and cell.is_integer():
                    cell = int(cell)
                found["factor set" if label == "reporting type:" else label.rstrip(":")] = (
                    clean_label(cell))
            elif label == norm(REPUBLISHED_TITLE):
                found["title"] = clean_label(value)
    for needed in ("title", "version", "year", "factor set"):
        if not found.get(needed):
            raise LayoutError(f"'{sheet.name}': no {needed!r} cell in the header")
    if found["year"] != str(spec.year):
        raise LayoutError(f"'{sheet.name}': workbook year {found['year']} is not {spec.year}")
    return found


#: IPCC assessment names as the workbooks write them.
_ASSESSMENTS = {"second": "SAR", "fourth": "AR4", "fifth": "AR5", "sixth": "AR6"}
_GWP_PAIR = re.compile(r"(Second|Fourth|Fifth|Sixth) Assessment Report(?: \((AR\d)\))? \(GWP "
                       r"for CH4 = (\d+), GWP for N2O = (\d+)\)")


def gwp_basis(wb: Workbook, factors: Sequence[Factor], spec: EditionSpec) -> tuple[str, str]:
    """GWP basis of a workbook without an Introduction GWP statement (2010-2016), and why.

    In order: the refrigerant table's Methane and Nitrous oxide rows (their values are the
    GWPs) matched to the assessments whose CH4/N2O GWPs the workbook states ('What's new':
    SAR 21/310, AR4 25/298); else the refrigerant sheet's statement; else, for a workbook
    without a refrigerant table, the 'What's new' statement of the update that changed the
    basis (earlier years used the previous assessment).

    Returns
    -------
    (gwp, statement) : tuple of str
        ``"SAR"``, ``"AR4"`` ...; the evidence, for the notes.
    """
    texts = [clean_label(v) for sh in wb.sheets.values() for row in sh.rows for v in row
             if isinstance(v, str)]
    pairs = {(int(ch4), int(n2o)): (short or _ASSESSMENTS[name.lower()])
             for text in texts for name, short, ch4, n2o in _GWP_PAIR.findall(text)}
    refrigerant = {f.keys["gas"]: f.value for f in factors if f.category == "refrigerant"
                   and f.keys["gas"] in ("ch4", "n2o")}
    stated_in_sheet = sorted({m for text in texts if text.startswith(("●  The Kyoto Protocol",
                                                                       "● The Kyoto Protocol"))
                              for m in re.findall(r"\((AR\d)\)", text)})
    if len(refrigerant) == 2:
        values = (refrigerant["ch4"], refrigerant["n2o"])
        table = (f"its 'Refrigerant & other' table gives Methane {values[0]:g} and "
                 f"Nitrous oxide {values[1]:g} kgCO2e/kg")
        key = (int(values[0]), int(values[1]))
        if pairs:
            if key not in pairs or values != key:
                raise LayoutError(f"{spec.file}: refrigerant CH4/N2O GWPs {values} match none "
                                  f"of the stated assessments {pairs}")
            gwp = pairs[key]
            said = f"the 'What's new' sheet gives CH4 {key[0]} and N2O {key[1]} for {gwp}"
            if stated_in_sheet and stated_in_sheet != [gwp]:
                said += (f"; the refrigerant sheet's text says {', '.join(stated_in_sheet)}, "
                         "but its values are the ones above")
            return gwp, f"{table}; {said}."
        if len(stated_in_sheet) == 1:
            return stated_in_sheet[0], (f"{table}; the sheet states that they are based on the "
                                        f"IPCC {stated_in_sheet[0]} (no Introduction statement).")
        raise LayoutError(f"{spec.file}: no statement of the GWP basis")
    switch = [text for text in texts if text.startswith("Values for the non-carbon dioxide")
              and "In previous years these have been from" in text]
    heading = [int(y) for text in texts for y in re.findall(r"^What's new in (\d{4})\?$", text)]
    if len(switch) == 1 and len(pairs) == 2 and heading:
        (old, new) = sorted(pairs.items(), key=lambda kv: kv[1] != "SAR")
        since = max(heading)
        gwp = old[1] if spec.year < since else new[1]
        return gwp, (f"the workbook has no refrigerant table; its 'What's new in {since}' "
                     f"section says that CH4 and N2O were converted with {old[1]} GWPs (CH4 "
                     f"{old[0][0]}, N2O {old[0][1]}) before that update, which moved to "
                     f"{new[1]}; the {spec.year} factors predate it.")
    raise LayoutError(f"{spec.file}: the GWP basis cannot be established")


def check_sheet_year(sheet: Sheet, spec: EditionSpec) -> None:
    """The ``Year:`` cell in a factor sheet's header (where it has one) is the edition's."""
    for r, row in enumerate(sheet.rows[:12]):
        for c, value in enumerate(row):
            if isinstance(value, str) and norm(value) == "year:":
                cell = next((v for v in row[c + 1:] if v is not None), None)
                if isinstance(cell, str) and cell.strip().isdigit():
                    cell = int(cell)
                if cell != spec.year:
                    raise LayoutError(f"{sheet.where(r, c)}: sheet year {cell!r} is not "
                                      f"{spec.year}")
                return


#: Parts of a category that the calculators treat separately (for the lacking-summary).
ROAD_VEHICLES = ("car", "motorbike", "taxi", "bus", "coach")


def lacking_summary(factors: Sequence[Factor], spec: EditionSpec) -> str:
    """One note naming every category (and part of one) this edition has no factor for."""
    present = {f.category for f in factors}
    lacking = [c for c in CATEGORY_KEYS if c not in present]
    if "air" in present:
        air = [f for f in factors if f.category == "air"]
        if not any(f.keys["radiative_forcing"] == "false" for f in air):
            lacking.append("air without RF")
        hauls = {f.keys["haul"] for f in air}
        lacking.extend(f"air {h.replace('_', '-')}" for h in HAULS.values() if h not in hauls)
    if "road" in present:
        vehicles = {f.keys["vehicle"] for f in factors if f.category == "road"}
        lacking.extend(f"road {v}" for v in ROAD_VEHICLES if v not in vehicles)
    parts = {(f.keys.get("kind") or f.keys.get("country"), f.keys["component"])
             for f in factors if f.category in ("heat", "electricity")}
    for category, kind, component in (("heat", "onsite", "generation"),
                                      ("heat", "district", "generation"),
                                      ("heat", "district", "td_losses"),
                                      ("electricity", "GB", "td_losses")):
        if category in present and (kind, component) not in parts:
            lacking.append(f"{category} {kind} {component}")
    services = {f.keys["service"] for f in factors if f.category == "water"}
    if "water" in present:
        lacking.extend(f"water {s}" for s in ("supply", "treatment") if s not in services)
    return (f"Not in this edition: {', '.join(lacking)}. The calculators take a missing "
            "category from the nearest edition that publishes it and say so on each row "
            "(docs/methodology.md)." if lacking else
            "Every category of the format has factors in this edition.")


#: Per-mass and per-energy units of the bioenergy sheets -> factor per kg or per GJ.
_PER_KG = {"kgCO2e / kg": 1.0, "kgCO2e / t": 1e-3}
_PER_GJ = {"kgCO2e / GJ": 1.0, "kgCO2e / kWh": 1 / 0.0036}


def check_bio_energy_basis(factors: Sequence[Factor], ctx: Context) -> None:
    """Check the ``energy_net`` key of Bioenergy / Outside of scopes rows against the CVs.

    Those sheets publish one per-kWh or per-GJ factor without naming its CV basis. For
    each fuel with a per-mass factor too, the implied calorific value (per-mass factor /
    per-energy factor) is compared with the Fuel properties sheet: it must be the net CV,
    not the gross CV, wherever the published rounding can tell them apart.
    """
    cv = {(f.keys["fuel"], f.keys["property"]): float(f.value) for f in factors
          if f.category == "fuel_property"}
    if not cv:
        return
    consistent: set[str] = set()
    for mass in factors:
        if mass.source_table not in ("Bioenergy", "Outside of scopes") or mass.unit not in _PER_KG:
            continue
        fuel = mass.keys["fuel"]
        if (fuel, "net_cv") not in cv or (fuel, "gross_cv") not in cv:
            continue
        for energy in factors:
            if (energy.category, energy.keys.get("fuel")) != (mass.category, fuel) or (
                    energy.unit not in _PER_GJ):
                continue
            per_kg = [(mass.value + d * rounding_slack(mass.value)) * _PER_KG[mass.unit]
                      for d in (-1, 1)]
            per_gj = [(energy.value + d * rounding_slack(energy.value)) * _PER_GJ[energy.unit]
                      for d in (1, -1)]
            low, high = (1e3 * kg / gj for kg, gj in zip(per_kg, per_gj, strict=True))
            net, gross = cv[(fuel, "net_cv")], cv[(fuel, "gross_cv")]
            net_fits, gross_fits = low <= net <= high, low <= gross <= high
            closer_to_gross = abs((low + high) / 2 - gross) < abs((low + high) / 2 - net)
            if not net_fits and (gross_fits or closer_to_gross):
                raise LayoutError(
                    f"'{energy.source_table}' row {energy.source_row}: {energy.label} per "
                    f"{energy.unit.split('/ ')[-1]} implies a calorific value of "
                    f"{low:.2f}-{high:.2f} GJ/t, the gross ({gross}) not the net ({net}) CV"
                )
            if net_fits and not gross_fits:
                consistent.add(f"{mass.source_table}: {energy.label}")
    if not consistent:
        return
    ctx.notes.append(
        "CV basis check: the per-mass / per-energy ratio of these bioenergy rows reproduces "
        f"the net (not gross) CV of the Fuel properties sheet: {'; '.join(sorted(consistent))}."
    )


def legacy_gas_headers(wb: Workbook) -> bool:
    """Whether the workbook heads per-gas CO2e columns 'kg CO2' (2010-2021 style)."""
    name = "Business travel- air" if "Business travel- air" in wb.sheets else "UK electricity"
    return any(norm(v) == "kg co2" for row in wb.sheet(name).rows
               for v in row if isinstance(v, str))


def build_edition(spec: EditionSpec, source: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Read one workbook and return its descriptor and CSV resources.

    Parameters
    ----------
    spec : EditionSpec
        The edition to build.
    source : Path
        Folder holding the published workbooks.

    Returns
    -------
    descriptor : dict
        ``datapackage.json`` fields except ``resources`` (added by :func:`write_edition`).
    csvs : dict of str to bytes
        Category -> CSV bytes, in :data:`CATEGORY_KEYS` order.

    Raises
    ------
    FileNotFoundError
        The workbook is missing.
    LayoutError
        The workbook does not have the expected layout.
    """
    path = source / spec.file
    if not path.is_file():
        raise FileNotFoundError(f"{path}: source workbook missing")
    wb = read_workbook(path)
    republished = spec.layout == "republished"
    intro = introduction_republished(wb, spec) if republished else introduction(wb, spec)
    ctx = Context(spec)
    factors: list[Factor] = []
    absent: list[str] = []
    used: set[str] = set()
    for family in REPUBLISHED_FAMILIES if republished else FAMILIES:
        missing = [s for s in family.sheets if s not in wb.sheets]
        if missing:
            if not family.optional:
                raise LayoutError(f"{path.name}: required sheet(s) {missing} missing")
            absent.extend(missing)
            continue
        found = family.reader(wb, ctx)
        if found:
            for name in {f.source_table for f in found}:
                check_sheet_year(wb.sheet(name), spec)
                used.add(name)
        factors.extend(found)
    if ctx.rf_multiplier is None and any(
            f.category == "air" and f.keys["radiative_forcing"] == "false" for f in factors):
        raise LayoutError(f"{path.name}: no RF multiplier derived")
    check_unique(factors, path.name)
    check_bio_energy_basis(factors, ctx)
    if "gwp" not in intro:
        intro["gwp"], intro["gwp_evidence"] = gwp_basis(wb, factors, spec)
    csvs = {category: csv_bytes(category, [f for f in factors if f.category == category])
            for category in CATEGORY_KEYS if any(f.category == category for f in factors)}
    notes = [
        f"Source workbook {spec.file}: '{intro['factor set']}', version {intro['version']}, "
        f"year {intro['year']}.",
        f"GWP: {intro['gwp']} (Introduction sheet: \"{intro['gwp_statement']}\")."
        if "gwp_statement" in intro else
        f"GWP: {intro['gwp']}. The workbook states no GWP basis in its Introduction; "
        f"{intro['gwp_evidence']}",
        f"Radiative forcing: with-RF air factors = {ctx.rf_multiplier} x CO2 + CH4 + N2O; "
        "the multiplier was derived from the 'Business travel- air' sheet (with-RF CO2 / "
        "without-RF CO2, the same on every row within the published rounding) and matches "
        "the percentage the sheet states. DESNZ air factors include the 8% distance uplift."
        if ctx.rf_multiplier is not None else "",
        "Per-gas columns co2, ch4, n2o are the CO2e contributions of each gas as published; "
        "they add up to the total on every row."
        + (" This workbook heads them 'kg CO2', 'kg CH4', 'kg N2O'; its "
           + ("Introduction states" if not republished else "'How to use the factors' sheet "
              "states") + " that every factor is in 'kg CO2e of Y per X'."
           if legacy_gas_headers(wb) else ""),
        "Of the 2019 workbooks in the source folder the full set is used (the condensed set "
        "holds a subset of the same factors)." if spec.year == 2019 else "",
        "Of the 2025 workbooks in the source folder the full set is used (the condensed set "
        "holds a subset of the same factors; the flat file lists them again)."
        if spec.year == 2025 else "",
        "This workbook is one of the sets re-published in the 2015 layout ('Defra Standard "
        "Set'): its guidance and 'What's new' text are those of the 2015 update, its factors "
        f"and sheet years are {spec.year}'s." if republished else "",
    ]
    notes = [n for n in notes if n]
    if absent:
        notes.append(f"The workbook has no sheet(s): {', '.join(absent)}; no factors from them.")
    if "Heat and steam" in absent:
        notes.append("Heat: only the district heat & steam distribution losses (Transmission and "
                     "distribution sheet) are published here; onsite and district heat "
                     "generation factors are in the full sets only.")
    if "Hotel stay" in absent:
        notes.append("Hotel stay: this workbook publishes no hotel factors.")
    notes.extend(wb.reader_notes)
    notes.extend(ctx.notes)
    skipped = [s for s in NOT_EXTRACTED if s in wb.sheets and s not in used]
    notes.append(f"Sheets not extracted: {', '.join(skipped)}." if skipped else
                 "Sheets not extracted: none of the listed factor sheets is in the workbook.")
    if spec.summary_note:
        notes.append(lacking_summary(factors, spec))
    descriptor = {
        "id": spec.id,
        "title": f"{intro['title']} {spec.year} ({intro['factor set'].lower()})",
        "publisher": spec.publisher,
        "year": spec.year,
        "version": intro["version"],
        "kind": "emission-factors",
        "gwp": intro["gwp"],
        "rf_multiplier": ctx.rf_multiplier,
        "basis": "UK Government GHG Conversion Factors for Company Reporting; factors in "
                 "kgCO2e per activity unit, per-gas split as CO2e contributions.",
        "licenses": LICENSES,
        "attribution": ATTRIBUTION,
        "sources": [{
            "title": f"Greenhouse gas reporting: conversion factors {spec.year}",
            "path": PUBLICATION_URL.format(year=spec.year),
            "file": spec.file,
            "sha256": sha256_file(path),
        }],
        "created_by": CREATED_BY,
        "notes": notes,
    }
    return descriptor, csvs


def check_unique(factors: Sequence[Factor], where: str) -> None:
    """Each (category, keys) must appear once; key values must follow the format's rules."""
    seen: dict[tuple[str, ...], Factor] = {}
    for f in factors:
        if list(f.keys) != list(CATEGORY_KEYS[f.category]):
            raise LayoutError(f"{where}: {f.category} keys {list(f.keys)} (programming error)")
        for key, value in f.keys.items():
            pattern = r"[A-Z]{2}" if key == "country" else r"[a-z0-9]+(_[a-z0-9]+)*"
            if value and not re.fullmatch(pattern, value):
                raise LayoutError(f"{where}: bad {key} key {value!r} ({f.source_table} row "
                                  f"{f.source_row})")
        ident = (f.category, *f.keys.values())
        if ident in seen:
            other = seen[ident]
            raise LayoutError(
                f"{where}: duplicate {f.category} factor {f.keys} from '{f.source_table}' rows "
                f"{other.source_row} and {f.source_row}"
            )
        seen[ident] = f


def csv_bytes(category: str, factors: Sequence[Factor]) -> bytes:
    """The CSV resource of one category (UTF-8, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    keys = CATEGORY_KEYS[category]
    writer.writerow(["category", *keys, *VALUE_COLUMNS])
    for f in factors:
        writer.writerow([
            f.category, *(f.keys[k] for k in keys), format_number(f.value), f.unit,
            *("" if v is None else format_number(v) for v in (f.co2, f.ch4, f.n2o)),
            f.label, f.source_table, f.source_row, f.notes,
        ])
    return buffer.getvalue().encode("utf-8")


def write_edition(out: Path, descriptor: dict[str, Any], csvs: dict[str, bytes]) -> Path:
    """Replace ``out/<id>/`` with the descriptor and CSVs.

    The files are written to a staging folder next to it, which then replaces the old
    folder, so an interrupted build never leaves a half-written edition.

    Parameters
    ----------
    out : Path
        Folder holding the editions.
    descriptor : dict
        From :func:`build_edition`; ``resources`` (with sha256) is inserted here.
    csvs : dict of str to bytes
        Category -> CSV bytes.

    Returns
    -------
    Path
        The edition folder.
    """
    folder = out / descriptor["id"]
    staging = out / f".{descriptor['id']}.tmp"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    resources = []
    for name, data in csvs.items():
        (staging / f"{name}.csv").write_bytes(data)
        resources.append({"name": name, "path": f"{name}.csv", "format": "csv",
                          "sha256": sha256_bytes(data)})
    ordered: dict[str, Any] = {}
    for key, value in descriptor.items():
        if key == "created_by":
            ordered["resources"] = resources
        ordered[key] = value
    text = json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
    (staging / "datapackage.json").write_bytes(text.encode("utf-8"))
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)
    return folder


def verify_checksums(source: Path) -> None:
    """Compare the workbooks with the folder's ``SHA256SUMS`` when it has one."""
    sums = source / "SHA256SUMS"
    if not sums.is_file():
        return
    for line in sums.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, name = line.split(maxsplit=1)
        name = name.lstrip("*")
        if name in {e.file for e in EDITIONS} and sha256_file(source / name) != digest:
            raise LayoutError(f"{source / name}: sha256 differs from SHA256SUMS")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``): ``--source``, ``--out``, ``--edition``.

    Returns
    -------
    int
        Exit status (0 on success; errors raise).
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="folder with the DESNZ workbooks (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder receiving desnz-YYYY/ (default: %(default)s)")
    parser.add_argument("--edition", action="append", choices=[e.id for e in EDITIONS],
                        help="build only this edition (repeatable; default: all)")
    args = parser.parse_args(argv)
    verify_checksums(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    for spec in EDITIONS:
        if args.edition and spec.id not in args.edition:
            continue
        descriptor, csvs = build_edition(spec, args.source)
        folder = write_edition(args.out, descriptor, csvs)
        counts = ", ".join(f"{name} {len(data.splitlines()) - 1}" for name, data in csvs.items())
        print(f"{folder}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
