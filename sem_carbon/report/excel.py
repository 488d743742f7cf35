"""Excel workbook of a report (openpyxl, streaming write-only mode).

A cover sheet first (headline figures, targets, scenarios, methods, the factor editions
with their checksums, the library version and the time the workbook was made) with native
Excel charts of the trend and of the entities against the target; then one sheet per
table, each with a styled, frozen header row of human column titles, an auto-filter and
column widths fitted to the content; the sheet ``columns`` maps every title back to its
machine name (the name in the JSON and the Parquet inventory). Text cells that a
spreadsheet would run as a formula are neutralised (see :mod:`sem_carbon.io.writers`);
numbers stay numbers.

Privacy and size: traveller names are pseudonymised unless asked for, and the
activities sheet holds at most :data:`MAX_ACTIVITY_ROWS` rows (the cover says so and
where every row is: the Parquet or CSV inventory).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..io.writers import atomic_write, neutralise_cell
from ..optional import require
from .xlsx_rows import XML_ILLEGAL

if TYPE_CHECKING:  # pragma: no cover
    from .model import ReportModel

__all__ = ["MAX_ACTIVITY_ROWS", "SHEETS", "human_title", "pseudonymise", "workbook_tables",
           "write_excel"]

#: Sheet names in workbook order (``cover`` first, the data dictionary ``columns`` last).
SHEETS: tuple[str, ...] = (
    "cover", "summary", "entities_vs_target", "scenarios", "by_category_scope", "trend",
    "top_routes", "hotspots", "activities", "rejected", "rejected_reasons", "refunds",
    "reconciliation", "flags", "coverage", "other_editions", "fallbacks", "methods",
    "methodology", "parameters", "columns",
)
#: Rows of the activities sheet by default (all rows are in the Parquet / CSV inventory).
MAX_ACTIVITY_ROWS = 100_000
#: Where the rows of a capped sheet are, in full.
_ALL_ROWS = {"air_legs": "Report.air_methods()['legs'], largest first",
             "rejected": "rejected.csv, Inventory.rejected"}
#: Sheets longer than this are written in bulk (openpyxl takes ~17 µs a cell).
BULK_ROWS = 2_000
#: Columns holding people's names (pseudonymised unless asked for).
NAME_COLUMNS = ("traveller", "traveler", "passenger_name", "employee")
#: Titles of machine names whose words alone would not say it.
TITLES: dict[str, str] = {
    "co2e_kg": "Emissions (kgCO2e)", "co2_kg": "CO2 (kgCO2e)", "ch4_kg": "CH4 (kgCO2e)",
    "n2o_kg": "N2O (kgCO2e)", "rf_kg": "Radiative forcing (kgCO2e)",
    "biogenic_co2_kg": "Biogenic CO2 (kg, outside the scopes)",
    "memo_co2e_kg": "Memo items (kgCO2e)", "tco2e": "Emissions (tCO2e)",
    "factor_id": "Factor edition", "factor_key": "Factor", "factor_value": "Factor value",
    "factor_unit": "Factor unit", "source_row": "Source row", "trip_id": "Trip",
    "round_trip": "Round trip", "distance_km": "Distance (km)", "haul_rule": "Haul rule",
    "radiative_forcing": "With radiative forcing", "rf_multiplier": "RF multiplier",
    "kyoto_tco2e": "Kyoto total (tCO2e)", "un_inventory_tco2e": "UN-inventory view (tCO2e)",
    "air_with_rf_tco2e": "Air with RF (tCO2e)", "air_without_rf_tco2e": "Air without RF (tCO2e)",
    "hotel_tco2e": "Hotel nights (tCO2e)", "all_years": "All years", "share_pct": "Share (%)",
    "met": "Carbon target met", "budget_met": "Budget target met", "gap": "Still to cut",
    "divergent": "Carbon and budget disagree", "k": "Target no.", "sha256": "Edition sha256",
    "rows_read": "Rows read", "rows_computed": "Rows computed", "rows_rejected": "Rows rejected",
    "lever_effect": "Cut by the levers (tCO2e)", "scenario": "With the levers (tCO2e)",
    "scenario_met": "Scenario meets the target", "scenario_gap": "Still to cut (scenario)",
    "basis_total": "Total the levers act on (tCO2e)",
}
_UNITS = (("_tco2e", "tCO2e"), ("_kg", "kg"), ("_pct", "%"), ("_km", "km"))
_WORDS = {"co2e": "CO2e", "co2": "CO2", "rf": "RF", "un": "UN", "id": "id", "iata": "IATA",
          "ch4": "CH4", "n2o": "N2O", "td": "T&D"}
_MAX_ROWS = 1_048_575  # Excel's limit minus the header
_HEADER_FILL = "0B2545"
_FORMAT_T = "#,##0.000"
_FORMAT_PCT = "0.0"
_FORMAT_INT = "#,##0"
_FORMAT_DATE = "yyyy-mm-dd"


def _number_format(name: str, values: pd.Series) -> str | None:
    """Excel number format of a column, from its name and dtype."""
    lname = str(name).lower()
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_datetime64_any_dtype(values):
        return _FORMAT_DATE
    if not pd.api.types.is_numeric_dtype(values):
        return None
    if lname.isdigit():  # a year column of a wide table holds tCO2e
        return _FORMAT_T
    if lname in ("year", "baseline_year", "target_year", "source_row",
                                    "leg", "scope", "depth", "k"):
        return "0"
    if lname.endswith("_pct") or lname == "share":
        return _FORMAT_PCT
    if pd.api.types.is_integer_dtype(values) or lname in ("rows", "trips", "legs"):
        return _FORMAT_INT
    return _FORMAT_T


def _column_values(values: pd.Series) -> list[Any]:
    """Python values for openpyxl (NaN/NaT/NA -> None, numpy scalars -> Python; text made
    formula-safe, as :func:`sem_carbon.io.writers.neutralise_series` would, in the same
    pass over the values)."""
    if pd.api.types.is_bool_dtype(values) and not values.isna().any():
        return values.astype(bool).tolist()
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.to_datetime(values)
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        return [None if pd.isna(v) else v.to_pydatetime() for v in stamps]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        is_int = pd.api.types.is_integer_dtype(values)
        return [None if v != v or v in (np.inf, -np.inf) else (int(v) if is_int else v)
                for v in arr.tolist()]
    out = []
    for v in values.astype(object).tolist():
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) \
                or (isinstance(v, str) and not v):  # empty text: an empty cell
            out.append(None)
        elif isinstance(v, str):  # XML cannot hold control characters
            out.append(XML_ILLEGAL.sub("", neutralise_cell(v)))
        elif isinstance(v, (bool, int, float, dt.datetime, dt.date)):
            out.append(v.item() if hasattr(v, "item") else v)
        elif isinstance(v, (np.generic,)):
            out.append(v.item())
        else:
            out.append(str(v))
    return out


def _width(name: str, values: list[Any]) -> float:
    sample = values[:500]
    lengths = [len(f"{v:,.3f}") if isinstance(v, float) else len(str(v))
               for v in sample if v is not None]
    return float(min(max([len(str(name)), *lengths, 4]) + 2, 60))


def human_title(name: Any, known: dict[str, str] | None = None) -> str:
    """A column title people read (``budget_change_pct`` -> ``Budget change (%)``).

    Parameters
    ----------
    name : object
        The machine name (a year stays as it is).
    known : dict, optional
        Titles that win (those the HTML report shows for the table).

    Returns
    -------
    str
    """
    text = str(name)
    if known and text in known:
        return known[text]
    if text in TITLES:
        return TITLES[text]
    if text.isdigit():
        return text
    unit = ""
    for suffix, label in _UNITS:
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], label
            break
    words = [_WORDS.get(w, w) for w in text.split("_") if w]
    title = " ".join(words)
    title = title[:1].upper() + title[1:] if title else str(name)
    return f"{title} ({unit})" if unit else title


def pseudonymise(values: pd.Series) -> pd.Series:
    """Names replaced by ``traveller-<10 hex digits>`` (sha256 of the trimmed name).

    The same name always gives the same pseudonym (trips of one person stay together);
    missing and empty names stay empty. This is pseudonymisation, not anonymisation: a
    reader who can guess a name can check it.

    Parameters
    ----------
    values : Series
        Names.

    Returns
    -------
    Series
    """
    codes, uniques = pd.factorize(values.astype(object).where(values.notna(), None))
    mapped = np.array([("traveller-" + hashlib.sha256(str(u).strip().encode()).hexdigest()[:10])
                       if str(u).strip() else None for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _add_sheet(wb: Any, name: str, frame: pd.DataFrame, *, formats: bool = True,
               titles: list[str] | None = None, write_rows: int | None = None) -> None:
    """Append one table as a sheet: header row (``titles``) styled and frozen, widths fitted.

    With ``write_rows``, only that many rows are written here (the rest are appended to the
    saved file by :func:`sem_carbon.report.xlsx_rows.append_rows`); widths and the filter
    still cover the whole table.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=name)
    if len(frame) > _MAX_ROWS:
        frame = frame.iloc[:_MAX_ROWS]
    total = len(frame)
    if write_rows is not None:
        frame = frame.iloc[:max(write_rows, 500)]  # a sample for the widths
    columns = [str(neutralise_cell(c)) for c in frame.columns]
    values = [_column_values(frame.iloc[:, i]) for i in range(frame.shape[1])]
    number_formats = [_number_format(c, frame.iloc[:, i]) for i, c in enumerate(columns)]
    for i, col in enumerate(columns, start=1):
        title = titles[i - 1] if titles else col
        ws.column_dimensions[get_column_letter(i)].width = _width(title, values[i - 1])
    ws.freeze_panes = "A2"
    if columns:
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A1:{last}{max(total + 1, 1)}"
    font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor=_HEADER_FILL)
    align = Alignment(vertical="center", wrap_text=True)
    border = Border(bottom=Side(style="medium", color="0A6EBD"))
    header = []
    for col in titles or columns:
        cell = WriteOnlyCell(ws, value=neutralise_cell(col))
        cell.font, cell.fill, cell.alignment, cell.border = font, fill, align, border
        header.append(cell)
    ws.append(header)
    styled = [i for i, f in enumerate(number_formats) if f and formats]
    date_cols = [i for i, f in enumerate(number_formats) if f == _FORMAT_DATE]
    use_cells = styled or date_cols
    for r in range(len(frame) if write_rows is None else min(write_rows, len(frame))):
        row = [v[r] for v in values]
        if use_cells:
            for i in (styled if formats else date_cols):
                cell = WriteOnlyCell(ws, value=row[i])
                cell.number_format = number_formats[i]
                row[i] = cell
        ws.append(row)


def workbook_tables(model: ReportModel, rows: int | None = None) -> dict[str, pd.DataFrame]:
    """The tables of the workbook, by sheet name (:data:`SHEETS` order, without the cover
    and the data dictionary).

    Parameters
    ----------
    model : ReportModel
        The report's tables.
    rows : int, optional
        At most this many rows of the air-method tables (the sheet's cap): the largest legs
        are then found without sorting every leg.
    """
    def air(table: Any) -> pd.DataFrame:
        return table.data if rows is None or table.total <= rows else table.head(rows)

    q = model.quality
    scenarios = [view.status.data.assign(target=view.target) for view in model.scenarios]
    return {
        "summary": model.summary.data,
        "entities_vs_target": model.entities_vs_target,
        "scenarios": pd.concat(scenarios, ignore_index=True) if scenarios else pd.DataFrame(
            columns=["scenario_name", "target", "entity", "name", "scenario"]),
        "by_category_scope": model.by_scope_category.data,
        "trend": model.trend.data,
        "top_routes": model.top_routes.data,
        "hotspots": model.hotspots.data,
        "activities": model.activities,
        **{name: q[name].data for name in ("rejected", "rejected_reasons", "refunds",
                                           "reconciliation", "flags", "coverage",
                                           "other_editions", "fallbacks", "methods")},
        "methodology": model.editions.data,
        "parameters": model.parameters.data,
        **({"allotments": model.allotments.data} if len(model.allotments.data) else {}),
        **{f"air_{name}"[:31]: air(table) for name, table in model.air_methods.items()},
        **{f"extra_{name}"[:31]: table.data for name, table in model.extras.items()},
    }


def _known_titles(model: ReportModel) -> dict[str, dict[str, str]]:
    """The titles the HTML report gives the columns of each sheet's table."""
    def of(table: Any) -> dict[str, str]:
        return {c.name: c.title for c in table.columns if not c.name.isdigit()}

    q = model.quality
    out = {"summary": {"item": "Line", "unit": "Unit", "section": "Section", "key": "Key"},
           "trend": of(model.trend), "top_routes": of(model.top_routes),
           "hotspots": of(model.hotspots), "methodology": of(model.editions),
           "parameters": of(model.parameters),
           "by_category_scope": of(model.by_scope_category),
           **{name: of(q[name]) for name in q}}
    if model.targets:
        out["entities_vs_target"] = {k: v for k, v in of(model.targets[0].status).items()
                                     if not v.startswith(("Baseline ", "Actual "))}
    if model.scenarios:
        out["scenarios"] = of(model.scenarios[0].status)
    return out


def _created(stamp: str | None) -> dt.datetime:
    """The workbook's creation time: the model's stamp when it is a date, else now (UTC)."""
    if stamp:
        try:
            when = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is not None:
            if when.tzinfo is not None:
                when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return when.replace(microsecond=0)
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


#: How the figures are made, for the cover (the HTML report says the same).
METHODS = (
    "All figures in tonnes of CO2-equivalent (tCO2e), GHG Protocol scopes 1-3.",
    "Each activity row uses the emission-factor edition of its own year (sheet "
    "'methodology': publisher, source, licence and the sha256 of each edition's "
    "datapackage.json, which lists the checksum of every data file).",
    "Air travel: DESNZ distance-based method on great-circle distances (the factors include "
    "the 8% uplift). The Kyoto total counts air with radiative forcing (RF multiplies the "
    "CO2 component only); the UN-inventory view counts air without RF and leaves hotel "
    "nights out (memo line), as the UN system's Greening the Blue inventory does.",
    "Every source row is computed or rejected with its reason (sheets 'reconciliation' and "
    "'rejected'); a charge netted with its refund is counted in 'refunds', not computed.",
    "Scenarios: levers applied to the target year's rows and recomputed by the engine with "
    "each row's own edition; their assumptions are listed with them.",
)


def _cover(wb: Any, model: ReportModel, notes: list[str]) -> Any:
    """The cover sheet: headline figures, targets, scenarios, methods, stamps."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(title="cover")
    for letter, width in zip("ABCD", (34, 18, 14, 90), strict=True):
        ws.column_dimensions[letter].width = width
    bold, head = Font(bold=True), Font(bold=True, size=13, color="0B2545")
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(value: Any, font: Any = None, number_format: str | None = None,
             align: Any = None) -> Any:
        c = WriteOnlyCell(ws, value=neutralise_cell(value) if isinstance(value, str) else value)
        if font is not None:
            c.font = font
        if number_format:
            c.number_format = number_format
        if align is not None:
            c.alignment = align
        return c

    def heading(text: str) -> None:
        ws.append([])
        ws.append([cell(text, head)])

    ws.append([cell(model.title, Font(bold=True, size=16, color="0B2545"))])
    ws.append([cell("Period"), cell(model.period)])
    ws.append([cell("Reporting year"), cell(model.reporting_year, number_format="0")])
    ws.append([cell("Generated"), cell(str(model.generated_at or ""))])
    ws.append([cell("Made with"), cell(f"sem-carbon {model.version}")])
    heading("Headline figures")
    for kpi in model.kpis:
        value = kpi["value"]
        ws.append([cell(kpi["label"], bold),
                   cell(None if value is None or value != value else float(value),
                        number_format="#,##0.0"), cell(kpi["unit"]),
                   cell(kpi["detail"], align=wrap)])
    if model.targets:
        heading("Targets (organisation-wide)")
        for target in model.targets:
            o = target.overview
            ws.append([cell(o["label"], bold), cell(o.get("change_pct"), number_format="+0.0;-0.0"),
                       cell("%"), cell(("met" if o.get("target_met") else "not met")
                                       + f"; {o['entities_met']} of {o['entities_assessed']} "
                                       "entities met it")])
    if model.scenarios:
        heading("What-if scenarios (target year, tCO2e)")
        for view in model.scenarios:
            o = view.overview
            ws.append([cell(view.name, bold), cell(o.get("scenario"), number_format="#,##0.0"),
                       cell("tCO2e"),
                       cell(f"against {view.target}: "
                            + ("met" if o.get("scenario_met") else "not met")
                            + f" (actual {o.get('actual') or 0:,.1f}, target "
                            f"{o.get('target') or 0:,.1f}); {o['entities_scenario_met']} of "
                            f"{o['entities_assessed']} entities would meet it", align=wrap)])
    heading("Methods")
    for line in METHODS:
        ws.append([None, None, None, cell(line, align=wrap)])
    heading("Factor editions (sha256 of each edition's datapackage.json)")
    for edition, checksum in model.edition_checksums.items():
        ws.append([cell(edition), None, None, cell(checksum or "(built in memory)")])
    heading("About this workbook")
    for line in notes:
        ws.append([None, None, None, cell(line, align=wrap)])
    return ws


def _charts(ws: Any, model: ReportModel, tables: dict[str, pd.DataFrame]) -> None:
    """Native Excel charts on the cover: the trend, and the entities against the target."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.utils import get_column_letter, quote_sheetname

    def ref(sheet: str, column: int, first: int, last: int) -> Any:
        letter = get_column_letter(column)
        return Reference(range_string=f"{quote_sheetname(sheet)}!${letter}${first}:"
                                      f"${letter}${last}")

    trend = tables["trend"]
    if len(trend) and "kyoto_tco2e" in trend.columns:
        chart = LineChart()
        chart.title = "Emissions per year (tCO2e)"
        chart.y_axis.title, chart.x_axis.title = "tCO2e", "Year"
        chart.display_blanks = "gap"  # a year without data is a gap, not a zero
        chart.height, chart.width = 8.5, 17
        n = len(trend) + 1
        names = list(trend.columns)
        for column in ("kyoto_tco2e", "un_inventory_tco2e", "target_1_path_tco2e"):
            if column in names and trend[column].notna().any():
                chart.add_data(ref("trend", names.index(column) + 1, 1, n), titles_from_data=True)
        chart.set_categories(ref("trend", names.index("year") + 1, 2, n))
        for series in chart.series:
            series.marker.symbol = "circle"
            series.smooth = False
        ws.add_chart(chart, "F2")
    status = model.targets[0].status.data if model.targets else None
    if status is not None and len(status) and {"baseline", "actual", "target"} <= set(
            status.columns):
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"Entities against the target: {model.targets[0].overview['label']}"
        chart.x_axis.title, chart.y_axis.title = "", "tCO2e"
        chart.height, chart.width = 11, 17
        names = list(tables["entities_vs_target"].columns)
        n = len(status) + 1  # the first target's block comes first in the sheet
        for column in ("baseline", "actual", "target"):
            chart.add_data(ref("entities_vs_target", names.index(column) + 1, 1, n),
                           titles_from_data=True)
        label = "name" if "name" in names else "entity"
        chart.set_categories(ref("entities_vs_target", names.index(label) + 1, 2, n))
        ws.add_chart(chart, "F20")


def write_excel(model: ReportModel, path: str | os.PathLike[str], *,
                max_rows: int | None = None, traveller_names: bool = False) -> Path:
    """Write the report workbook atomically.

    Parameters
    ----------
    model : ReportModel
    path : path-like
        Destination ``.xlsx``.
    max_rows : int, optional
        Rows of the activities sheet, and of any other sheet longer than that (default
        :data:`MAX_ACTIVITY_ROWS`); the cover states each cap and where all rows are.
    traveller_names : bool, default False
        Keep traveller names; by default they are pseudonymised (:func:`pseudonymise`).

    Returns
    -------
    Path

    Raises
    ------
    MissingDependencyError
        openpyxl is not installed (``pip install "sem-carbon[excel]"``).
    InvalidArgumentError
        ``max_rows`` is not a positive whole number.
    """
    from ..errors import InvalidArgumentError

    Workbook = require("openpyxl", "excel", "writing an Excel report").Workbook
    cap = MAX_ACTIVITY_ROWS if max_rows is None else max_rows
    if isinstance(cap, bool) or not isinstance(cap, (int, np.integer)) or cap < 1:
        raise InvalidArgumentError(f"max_rows must be a whole number >= 1, got {max_rows!r}")
    cap = min(int(cap), _MAX_ROWS)

    tables = workbook_tables(model, cap)
    sizes = {f"air_{name}"[:31]: table.total for name, table in model.air_methods.items()}
    activities = tables["activities"]
    total = len(activities)
    if total > cap:
        activities = activities.iloc[:cap]
    hidden = [c for c in NAME_COLUMNS if c in activities.columns]
    if hidden and not traveller_names:
        activities = activities.assign(**{c: pseudonymise(activities[c]) for c in hidden})
    tables["activities"] = activities
    capped = {name: sizes.get(name, len(frame)) for name, frame in tables.items()
              if name != "activities" and sizes.get(name, len(frame)) > cap}
    for name in capped:  # e.g. every air leg by method: the largest rows come first
        tables[name] = tables[name].iloc[:cap]
    notes = [
        f"Sheet 'activities': {len(activities):,} of {total:,} inventory rows"
        + (f" (capped at {cap:,} rows; every row is in the Parquet or CSV inventory: "
           "Inventory.to_parquet / to_csv, e.g. inventory.parquet beside this workbook)."
           if total > cap else " (all of them)."),
        ("Traveller names are pseudonymised (traveller-<hash>: the same name gives the "
         "same pseudonym); write them with traveller_names=True."
         if hidden and not traveller_names else "Traveller names as given."
         if hidden else "No traveller names in the inventory."),
        *(f"Sheet '{name}': the first {cap:,} of {rows:,} rows (capped like the activities "
          f"sheet; all rows: {_ALL_ROWS.get(name, 'the Report object in Python')})."
          for name, rows in capped.items()),
        "Column titles are written for people; sheet 'columns' gives each one's machine name "
        "(the name in the JSON report and the Parquet inventory).",
    ]
    wb = Workbook(write_only=True)
    wb.properties.title = model.title
    wb.properties.creator = f"sem-carbon {model.version}"
    created = _created(model.generated_at)
    wb.properties.created = created
    wb.properties.modified = created
    wb.properties.identifier = ";".join(f"{k}:{v}" for k, v in
                                         model.edition_checksums.items())[:1000]
    cover = _cover(wb, model, notes)
    _charts(cover, model, tables)
    known = _known_titles(model)
    dictionary = []
    rests: dict[str, pd.DataFrame] = {}
    for name in [s for s in SHEETS if s not in ("cover", "columns")] + [
            s for s in tables if s not in SHEETS]:
        frame = tables[name]
        titles = [human_title(c, known.get(name)) for c in frame.columns]
        dictionary += [{"sheet": name, "column": i, "title": t, "name": str(c)}
                       for i, (t, c) in enumerate(zip(titles, frame.columns, strict=True), 1)]
        bulk = name == "activities" or len(frame) > BULK_ROWS
        _add_sheet(wb, name, frame, formats=name != "activities", titles=titles,
                   write_rows=1 if bulk else None)
        if bulk:  # rows 3...: written in bulk after the save (formula-safe), see xlsx_rows
            rests[name] = frame.iloc[1:_MAX_ROWS]
    _add_sheet(wb, "columns", pd.DataFrame(dictionary, columns=["sheet", "column", "title",
                                                                "name"]),
               titles=["Sheet", "Column no.", "Title shown", "Machine name"])

    def save(tmp: Path) -> None:
        from .xlsx_rows import append_rows

        wb.save(tmp)
        append_rows(Path(tmp), rests, first_row=3)

    return atomic_write(path, save)
