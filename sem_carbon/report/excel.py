"""Excel workbook of a report (openpyxl, streaming write-only mode).

One sheet per table, each with a styled, frozen header row, an auto-filter and column
widths fitted to the content. Text cells that a spreadsheet would run as a formula are
neutralised (see :mod:`sem_carbon.io.writers`); numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..io.writers import atomic_write, neutralise_cell, neutralise_frame
from ..optional import require

if TYPE_CHECKING:  # pragma: no cover
    from .model import ReportModel

__all__ = ["SHEETS", "workbook_tables", "write_excel"]

#: Sheet names in workbook order.
SHEETS: tuple[str, ...] = (
    "summary", "entities_vs_target", "by_category_scope", "trend", "top_routes", "hotspots",
    "activities", "rejected", "rejected_reasons", "reconciliation", "flags", "coverage",
    "other_editions", "fallbacks", "methods", "methodology", "parameters",
)
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
    """Python values for openpyxl (NaN/NaT/NA -> None, numpy scalars -> Python)."""
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
        elif isinstance(v, (bool, int, float, str, dt.datetime, dt.date)):
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


def _add_sheet(wb: Any, name: str, frame: pd.DataFrame, *, formats: bool = True) -> None:
    """Append one table as a sheet: header row styled and frozen, widths fitted."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=name)
    if len(frame) > _MAX_ROWS:
        frame = frame.iloc[:_MAX_ROWS]
    safe = neutralise_frame(frame)
    columns = [str(c) for c in safe.columns]
    values = [_column_values(safe.iloc[:, i]) for i in range(safe.shape[1])]
    number_formats = [_number_format(c, frame.iloc[:, i]) for i, c in enumerate(columns)]
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(col, values[i - 1])
    ws.freeze_panes = "A2"
    if columns:
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A1:{last}{max(len(frame) + 1, 1)}"
    font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor=_HEADER_FILL)
    align = Alignment(vertical="center", wrap_text=True)
    border = Border(bottom=Side(style="medium", color="0A6EBD"))
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=neutralise_cell(col))
        cell.font, cell.fill, cell.alignment, cell.border = font, fill, align, border
        header.append(cell)
    ws.append(header)
    styled = [i for i, f in enumerate(number_formats) if f and formats]
    date_cols = [i for i, f in enumerate(number_formats) if f == _FORMAT_DATE]
    use_cells = styled or date_cols
    for r in range(len(frame)):
        row = [v[r] for v in values]
        if use_cells:
            for i in (styled if formats else date_cols):
                cell = WriteOnlyCell(ws, value=row[i])
                cell.number_format = number_formats[i]
                row[i] = cell
        ws.append(row)


def workbook_tables(model: ReportModel) -> dict[str, pd.DataFrame]:
    """The tables of the workbook, by sheet name (in :data:`SHEETS` order)."""
    q = model.quality
    return {
        "summary": model.summary.data,
        "entities_vs_target": model.entities_vs_target,
        "by_category_scope": model.by_scope_category.data,
        "trend": model.trend.data,
        "top_routes": model.top_routes.data,
        "hotspots": model.hotspots.data,
        "activities": model.activities,
        **{name: q[name].data for name in ("rejected", "rejected_reasons", "reconciliation",
                                           "flags", "coverage", "other_editions",
                                           "fallbacks", "methods")},
        "methodology": model.editions.data,
        "parameters": model.parameters.data,
    }


def write_excel(model: ReportModel, path: str | os.PathLike[str]) -> Path:
    """Write the report workbook atomically.

    Parameters
    ----------
    model : ReportModel
    path : path-like
        Destination ``.xlsx``.

    Returns
    -------
    Path

    Raises
    ------
    MissingDependencyError
        openpyxl is not installed (``pip install "sem-carbon[excel]"``).
    """
    Workbook = require("openpyxl", "excel", "writing an Excel report").Workbook

    tables = workbook_tables(model)
    wb = Workbook(write_only=True)
    wb.properties.title = model.title
    wb.properties.creator = f"sem-carbon {model.version}"
    fixed = dt.datetime(2000, 1, 1)  # no wall-clock time in the file's properties
    wb.properties.created = fixed
    wb.properties.modified = fixed
    for name in SHEETS:
        _add_sheet(wb, name, tables[name], formats=name != "activities")
    for name, table in model.air_methods.items():  # air by method: after the fixed sheets
        _add_sheet(wb, f"air_{name}", table.data)
    return atomic_write(path, lambda tmp: wb.save(tmp))
