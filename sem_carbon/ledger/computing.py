"""How the ledger computes a batch: the method (options, editions, factor overrides).

The *method* is the ledger's setting for every computation: the options of
:func:`sem_carbon.calculate` (``radiative_forcing``, ``haul``, ``gwp``, ``include_td``,
``co2_only``, ``grid``), ``factors`` (``None``: each row with the DESNZ edition of its own
year, the default; or one edition id for all rows) and optional factor *overrides*
(rows in the factor-format columns, applied on top of whichever edition a row uses,
recorded in ``factor_id`` as ``<edition>+<name>``). A computation stores the method it
used, so an as-reported figure can always be told apart from a restated one.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from ..calculation import calculate
from ..errors import InvalidArgumentError
from ..factors import load_factors
from ..factors.catalogue import edition_for_year
from ..inventory import Inventory, concat_frames
from ..io.table import ActivityTable
from ..notes import join_notes
from ..schema import INVENTORY_REJECT_COLUMNS, SOURCE_COLUMNS

__all__ = ["DEFAULT_METHOD", "check_method", "compute", "method_json"]

#: The method of a new ledger: the defaults of :func:`sem_carbon.calculate`.
DEFAULT_METHOD: dict[str, Any] = {
    "factors": None, "radiative_forcing": True, "haul": "distance", "gwp": "AR5",
    "include_td": False, "co2_only": False, "grid": None, "overrides": None,
}


def check_method(method: dict[str, Any]) -> dict[str, Any]:
    """A complete method: unknown keys refused, missing keys at their defaults."""
    unknown = sorted(set(method) - set(DEFAULT_METHOD))
    if unknown:
        raise InvalidArgumentError(f"unknown method setting(s) {', '.join(unknown)}; known: "
                                   f"{', '.join(DEFAULT_METHOD)}")
    out = {**DEFAULT_METHOD, **method}
    for key in ("factors", "grid"):
        if out[key] is not None and not isinstance(out[key], str):
            raise InvalidArgumentError(f"method {key} must be an edition id (text) to be "
                                       "stored in the ledger")
    return out


def method_json(method: dict[str, Any]) -> str:
    """The method as stored (overrides by name and row count only)."""
    shown = dict(method)
    overrides = shown.pop("overrides", None)
    if overrides is not None:
        shown["overrides"] = {"name": overrides["name"], "rows": len(overrides["rows"])}
    return json.dumps(shown, sort_keys=True)


def _options(method: dict[str, Any]) -> dict[str, Any]:
    return {k: method[k] for k in ("radiative_forcing", "haul", "gwp", "include_td",
                                   "co2_only", "grid")}


def compute(table: ActivityTable, method: dict[str, Any], quiet: bool = False) -> Inventory:
    """The inventory of one activity table under ``method`` (same engine as ``calculate``).

    Without overrides this is exactly :func:`sem_carbon.calculate`. With overrides, the
    rows are grouped by the edition they would use (their year's, or ``factors``), each
    group computed with that edition plus the overrides, and the substitution notes
    written as ``calculate`` writes them. ``quiet``: no ``NothingComputedWarning`` (a
    batch of spend-only rows has no activity to compute).
    """
    if quiet:
        import warnings

        from ..errors import NothingComputedWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NothingComputedWarning)
            return compute(table, method)
    options = _options(method)
    overrides = method.get("overrides")
    if overrides is None:
        return calculate(table, factors=method["factors"], **options)
    frame = pd.DataFrame(overrides["rows"])
    data = table.data
    if data.empty:
        return calculate(table, factors=method["factors"], **options)
    years = pd.to_numeric(data["year"], errors="coerce").to_numpy(float) \
        if "year" in data.columns else np.full(len(data), np.nan)
    groups: dict[tuple[str, str], np.ndarray] = {}
    if method["factors"] is not None:
        groups[(str(method["factors"]), "")] = np.ones(len(data), bool)
    else:
        for year in np.unique(years[~np.isnan(years)]):
            key = edition_for_year(int(year))
            groups[key] = groups.get(key, np.zeros(len(data), bool)) | (years == year)
        undated = np.isnan(years)
        if undated.any():  # the engine rejects them with its reason
            groups[("", "")] = undated
    blocks, rejects = [], [table.rejected.assign(table=table.kind, source=table.source)]
    for (edition, note), mask in groups.items():
        rows = data[mask].reset_index(drop=True)
        if note:
            rows = rows.assign(notes=join_notes(rows.get("notes"), note))
        part = ActivityTable(table.kind, rows, table.rejected.iloc[0:0], table.source,
                             int(rows["source_row"].nunique()))
        if edition:
            fs = load_factors(edition).with_overrides(
                frame, new_id=f"{edition}+{overrides['name']}")
            inv = calculate(part, factors=fs, **options)
        else:
            inv = calculate(part, factors=None, **options)
        blocks.append(inv.data)
        rejects.append(inv.rejected)
    rejected = pd.concat(rejects, ignore_index=True)[list(INVENTORY_REJECT_COLUMNS)]
    sources = pd.DataFrame([[table.source, table.kind, table.rows_read]],
                           columns=list(SOURCE_COLUMNS))
    return Inventory(concat_frames(blocks), rejected, {table.kind: table.rows_read}, sources)


def restored_table(kind: str, source: str, rows: pd.DataFrame, rejected: pd.DataFrame,
                   rows_read: int) -> ActivityTable:
    """An activity table rebuilt from stored rows (types as the readers give them)."""
    rows = rows.copy()
    for name in rows.columns:
        col = rows[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            rows[name] = col.astype("datetime64[ns]")
        elif col.dtype == object:
            rows[name] = col.where(col.notna(), "")
    return ActivityTable(kind, rows.reset_index(drop=True), rejected.reset_index(drop=True),
                         source, rows_read)


__all__ += ["restored_table"]

