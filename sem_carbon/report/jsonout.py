"""Deterministic JSON export of a :class:`~sem_carbon.report.model.ReportModel`.

Same input and timestamp, same bytes: :func:`json.dumps` with ``sort_keys=True``; floats
rounded to six decimals and written in fixed notation (no exponent, ``-0`` written as
``0.0``), NaN and infinities written as ``null``; lines end in ``\\n``. The ``stamp``
says what made the file (library version, each edition's checksum, the time).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .model import ReportModel

__all__ = ["FLOAT_DECIMALS", "dumps", "frame_records", "render_json", "report_dict"]

#: Decimals kept for every float (tCO2e to the gram).
FLOAT_DECIMALS = 6
SCHEMA = "sem-carbon-report/1"
#: A JSON string (left alone) or a number in exponent notation (rewritten in fixed notation).
_EXPONENT = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?[eE][-+]?\d+')


def _plain(value: Any) -> Any:
    """A JSON-ready Python value (floats rounded to :data:`FLOAT_DECIMALS`, NaN -> None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        return round(x, FLOAT_DECIMALS) + 0.0 if math.isfinite(x) else None  # + 0.0: no -0
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


def _fixed(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.startswith('"'):
        return token
    text = f"{float(token):.{FLOAT_DECIMALS}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def dumps(obj: Any, indent: int = 2) -> str:
    """Serialise data deterministically: ``json.dumps(..., sort_keys=True)``.

    Parameters
    ----------
    obj : object
        Data made of JSON types (numpy scalars, DataFrame cells, mappings accepted).
    indent : int, default 2

    Returns
    -------
    str
    """
    text = json.dumps(_plain(obj), sort_keys=True, indent=indent, ensure_ascii=False,
                      allow_nan=False)
    return _EXPONENT.sub(_fixed, text)


def report_dict(model: ReportModel) -> dict[str, Any]:
    """The report as plain data (everything :func:`render_json` writes).

    Parameters
    ----------
    model : ReportModel

    Returns
    -------
    dict
    """
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "library": {"name": "sem-carbon", "version": model.version},
        "title": model.title,
        "period": {"first_year": model.years[0] if model.years else None,
                   "last_year": model.years[-1] if model.years else None,
                   "reporting_year": model.reporting_year},
        "kpis": [_plain(kpi) for kpi in model.kpis],
        "summary": frame_records(model.summary.data),
        "by_scope_category": frame_records(model.by_scope_category.data),
        "targets": [{**_plain(target.overview), "entities": frame_records(target.status.data)}
                    for target in model.targets],
        "trend": frame_records(model.trend.data),
        "top_routes": frame_records(model.top_routes.data),
        "hotspots": frame_records(model.hotspots.data),
        "data_quality": {name: frame_records(table.data)
                         for name, table in model.quality.items()},
        "methodology": {"editions": frame_records(model.editions.data),
                        "parameters": frame_records(model.parameters.data)},
        "inventory": _plain(model.inventory),
        "air_methods": {"lines": list(model.air_lines),  # every leg: the Excel workbook
                        **{name: frame_records(table.shown if name == "legs" else table.data)
                           for name, table in model.air_methods.items()},
                        "legs_total": model.air_methods["legs"].total
                        if "legs" in model.air_methods else 0},
        "scenarios": [{"name": view.name, "levers": list(view.levers),
                       "assumptions": list(view.assumptions), "target": view.target,
                       "target_k": view.k, **_plain(view.overview),
                       "entities": frame_records(view.status.data)}
                      for view in model.scenarios],
        "allotments": frame_records(model.allotments.data),
        "stamp": _plain(model.stamp),
    }
    if model.extras:
        out["extras"] = {name: frame_records(table.data) for name, table in model.extras.items()}
    if model.generated_at is not None:
        out["generated_at"] = str(model.generated_at)
    return out


def render_json(model: ReportModel) -> str:
    """The JSON text of a report (ends with a newline)."""
    return dumps(report_dict(model)) + "\n"
