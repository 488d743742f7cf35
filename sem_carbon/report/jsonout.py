"""Deterministic JSON export of a report.

Same input, same bytes: keys are sorted, floats are written in fixed notation with at most
six decimals (no exponent, ``-0`` written as ``0.0``), NaN and infinities become ``null``,
lines end in ``\\n``, and no time is written unless one is passed explicitly.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .core import Report

__all__ = ["FLOAT_DECIMALS", "dumps", "frame_records", "render_json", "report_dict"]

#: Decimals kept for every float (tCO2e to the gram).
FLOAT_DECIMALS = 6
SCHEMA = "sem-carbon-report/1"


def _plain(value: Any) -> Any:
    """A JSON-ready Python value for one cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(float(value)) else None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.isoformat() if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    return str(value)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as a list of dicts of plain values (column names as text)."""
    columns = [str(c) for c in frame.columns]
    return [{c: _plain(v) for c, v in zip(columns, row, strict=True)}
            for row in frame.itertuples(index=False, name=None)]


def _float_text(x: float) -> str:
    if not math.isfinite(x):
        return "null"
    text = f"{x:.{FLOAT_DECIMALS}f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return "0.0" if text in ("-0.0", "-0") else text


def dumps(obj: Any, indent: int = 2, _level: int = 0) -> str:
    """Serialise plain data (dict, list, str, int, float, bool, None) deterministically.

    Parameters
    ----------
    obj : object
        Data made of JSON types (numpy scalars accepted).
    indent : int, default 2

    Returns
    -------
    str
    """
    pad, inner = " " * (indent * _level), " " * (indent * (_level + 1))
    if obj is None:
        return "null"
    if isinstance(obj, (bool, np.bool_)):
        return "true" if obj else "false"
    if isinstance(obj, (int, np.integer)):
        return str(int(obj))
    if isinstance(obj, (float, np.floating)):
        return _float_text(float(obj))
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, Mapping):
        if not obj:
            return "{}"
        items = sorted((str(k), v) for k, v in obj.items())
        body = ",\n".join(f"{inner}{json.dumps(k, ensure_ascii=False)}: "
                          f"{dumps(v, indent, _level + 1)}" for k, v in items)
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        body = ",\n".join(f"{inner}{dumps(v, indent, _level + 1)}" for v in obj)
        return "[\n" + body + "\n" + pad + "]"
    return dumps(_plain(obj), indent, _level)


def report_dict(report: Report, timestamp: str | None = None) -> dict[str, Any]:
    """The report as plain data (everything :func:`render_json` writes).

    Parameters
    ----------
    report : Report
    timestamp : str, optional
        Written as ``generated_at`` when given.

    Returns
    -------
    dict
    """
    from .. import __version__

    inv = report.inventory
    status_by_target = []
    overview = report.targets_overview()
    for k, record in enumerate(frame_records(overview)):
        record["entities"] = frame_records(report.target_status(k))
        status_by_target.append(record)
    quality = {name: frame_records(frame) for name, frame in report.data_quality().items()}
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "library": {"name": "sem-carbon", "version": __version__},
        "title": report.title,
        "period": {"first_year": report.years[0] if report.years else None,
                   "last_year": report.years[-1] if report.years else None,
                   "reporting_year": report.year},
        "kpis": [{k: _plain(v) for k, v in kpi.items()} for kpi in report.kpis()],
        "summary": frame_records(report.summary()),
        "by_scope_category": frame_records(report.by_scope_category()),
        "targets": status_by_target,
        "trend": frame_records(report.trend()),
        "top_routes": frame_records(report.top_routes()),
        "hotspots": frame_records(report.hotspots()),
        "data_quality": quality,
        "methodology": {"editions": frame_records(report.methodology()),
                        "parameters": frame_records(report.parameters())},
        "inventory": {"rows": len(inv.data), "rejected_rows": len(inv.rejected),
                      "total_tco2e": float(pd.to_numeric(inv.data.get(
                          "co2e_kg", pd.Series(dtype=float)), errors="coerce").sum()) / 1000.0,
                      "rows_read": {str(k): int(v) for k, v in sorted(inv.rows_read.items())}},
    }
    if timestamp is not None:
        out["generated_at"] = str(timestamp)
    return out


def render_json(report: Report, timestamp: str | None = None) -> str:
    """The JSON text of a report (ends with a newline)."""
    return dumps(report_dict(report, timestamp=timestamp)) + "\n"
