"""Carbon allotments per planning entity, kept like budget allotments.

A budget officer gives each planning entity an **allotment** of tCO2e for a year (for
example 50% of its 2019 baseline, :func:`allotments_from_baseline`), records **planned
trips** as commitments (a travel table of trips not yet taken, imported into the ledger
as ``plans`` and computed with the same engine), and follows the **actuals** as the
monthly files arrive. :func:`allotment_status` then shows, per entity:

``allotment``
    The tCO2e allotted for the year (not rolled up: an entity's allotment covers its
    whole subtree).
``actual``
    Emissions of the year on file up to ``as_of`` (the entity and its descendants).
``committed``
    Planned trips dated after ``as_of`` that are not yet among the actuals (a plan row
    whose ``trip_id`` appears in the entity's actuals is consumed), after the scenario
    levers if any.
``remaining``
    ``allotment - actual - committed``.
``projected``
    Year-end projection: ``actual + max(committed, run_rate)``, with
    ``run_rate = actual x (1 - f) / f`` the rest of the year at the pace so far (``f``
    the elapsed fraction of the year at ``as_of``; ``"seasonal"``: the share of the
    baseline year's emissions accrued by the same day). Planned trips are part of the
    pace, so the larger of the two is taken rather than their sum; a projection is never
    below what is already committed.
``alert``
    ``projected > allotment``: the entity is projected to exceed its allotment.

Allotments are stored in the ledger with who set them and when; setting them again for
an entity and year keeps the old ones as history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputFormatError, InvalidArgumentError
from .targets._common import category_mask

__all__ = [
    "ALLOTMENT_COLUMNS",
    "allotment_alerts",
    "allotment_status",
    "allotments",
    "allotments_from_baseline",
    "set_allotments",
]

#: Columns of an allotments table.
ALLOTMENT_COLUMNS: tuple[str, ...] = ("entity", "year", "categories", "tco2e", "basis")
_TOL = 1e-9


def _categories_text(categories: str | Sequence[str]) -> str:
    names = (categories,) if isinstance(categories, str) else tuple(categories)
    return ",".join(str(n).strip().lower() for n in names)


def allotments_from_baseline(ledger: Any, *, year: int, baseline_year: int,
                             share: float | str = 0.5,
                             categories: str | Sequence[str] = ("travel",),
                             entities: Any = None, overlaps: str = "include") -> pd.DataFrame:
    """Allotments as a share of each entity's baseline-year emissions.

    Parameters
    ----------
    ledger : Ledger
    year : int
        Year allotted.
    baseline_year : int
    share : float or str, default 0.5
        Share of the baseline allotted (``0.5`` or ``"50%"``).
    categories : str or sequence of str
        ``"travel"``, ``"facilities"``, ``"all"`` or inventory categories.
    entities : Entities, optional
        With a tree, each entity's baseline includes its descendants.
    overlaps : {"include", "exclude"}
        Count or leave out the baseline rows identical to rows of earlier batches
        (overlapping exports, :meth:`sem_carbon.ledger.Ledger.overlaps`); ``basis`` says
        when they were left out.

    Returns
    -------
    DataFrame
        :data:`ALLOTMENT_COLUMNS`, one row per entity with a baseline.
    """
    from .targets.status import _to_fraction

    fraction = _to_fraction(share)
    data = ledger.inventory(year=int(baseline_year), overlaps=overlaps).data
    rows = data[category_mask(data, categories)] if len(data) else data
    own = pd.DataFrame({"entity": rows["entity"].astype(str) if len(rows) else [],
                        "tco2e": rows["co2e_kg"].astype(float) / 1000.0 if len(rows) else []})
    base = (entities.rollup(own, "tco2e") if entities is not None
            else own.groupby("entity", as_index=False)["tco2e"].sum())
    base = base[base["tco2e"] > 0]
    cats = _categories_text(categories)
    return pd.DataFrame({"entity": base["entity"].to_numpy(), "year": int(year),
                         "categories": cats, "tco2e": base["tco2e"].to_numpy() * fraction,
                         "basis": f"{fraction * 100:g}% of the {int(baseline_year)} baseline "
                                  f"({cats}"
                                  + ("; overlapping rows left out" if overlaps == "exclude"
                                     else "") + ")"}).reset_index(drop=True)


def set_allotments(ledger: Any, table: pd.DataFrame, note: str = "") -> int:
    """Store allotments in the ledger (earlier ones for the same entity, year and
    categories are kept as history, no longer current).

    Parameters
    ----------
    ledger : Ledger
    table : DataFrame
        ``entity``, ``year``, ``tco2e`` [tCO2e]; optional ``categories`` (default
        ``travel``) and ``basis`` (default ``"given"``).
    note : str
        Why (written in the history).

    Returns
    -------
    int
        Allotments stored.
    """
    from .ledger.core import _now
    from .ledger.store import Store

    frame = table.copy()
    need = [c for c in ("entity", "year", "tco2e") if c not in frame.columns]
    if need:
        raise InputFormatError(f"allotments lack column(s) {', '.join(need)} (needs entity, "
                               "year, tco2e[, categories, basis])")
    frame["entity"] = frame["entity"].astype(str).str.strip()
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce")
    frame["tco2e"] = pd.to_numeric(frame["tco2e"], errors="coerce")
    bad = frame["year"].isna() | ~np.isfinite(frame["tco2e"]) | (frame["tco2e"] < 0) \
        | (frame["entity"] == "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputFormatError(f"allotment row {i + 1}: entity, year and a non-negative tCO2e "
                               "are needed")
    if "categories" not in frame.columns:
        frame["categories"] = "travel"
    frame["categories"] = [_categories_text(str(c).split(",")) for c in frame["categories"]]
    for cats in frame["categories"].unique():
        _check_categories(cats)
    if "basis" not in frame.columns:
        frame["basis"] = "given"
    frame = frame[list(ALLOTMENT_COLUMNS)].assign(year=frame["year"].astype(np.int64))
    if frame.duplicated(["entity", "year", "categories"]).any():
        raise InputFormatError("two allotments for one entity, year and categories")
    with ledger.store.write() as con:
        con.register("_new", frame)
        con.execute("UPDATE allotments SET current = FALSE WHERE current AND (entity, year, "
                    "categories) IN (SELECT entity, year, categories FROM _new)")
        con.unregister("_new")
        Store.insert(con, "allotments", frame, set_at=_now(), set_by=ledger.user, current=True)
        ledger._event(con, "allot", None, "", (note + "; " if note else "")
                      + f"{len(frame)} allotments for "
                      + ", ".join(str(y) for y in sorted(frame["year"].unique())))
    ledger._snapshot = None
    return len(frame)


def _check_categories(text: str) -> None:
    from .targets.status import _to_categories

    _to_categories(tuple(text.split(",")))


def allotments(ledger: Any, year: int | None = None, history: bool = False) -> pd.DataFrame:
    """Allotments on file (current ones; ``history=True``: every one ever set)."""
    with ledger.store.read() as con:
        where = [] if history else ["current"]
        params: list[Any] = []
        if year is not None:
            where.append("year = ?")
            params.append(int(year))
        sql = "SELECT * FROM allotments" + (" WHERE " + " AND ".join(where) if where else "")
        return con.execute(sql + " ORDER BY year, entity, set_at", params).df()


def _elapsed(as_of: pd.Timestamp) -> float:
    return as_of.day_of_year / (366.0 if as_of.is_leap_year else 365.0)


def allotment_status(ledger: Any, year: int, *, as_of: Any = None, entities: Any = None,
                     categories: str | Sequence[str] | None = None, scenario: Any = None,
                     projection: str = "linear", baseline_year: int | None = None,
                     overlaps: str = "include") -> pd.DataFrame:
    """Allotment, actual, commitments, remaining and year-end projection per entity.

    Parameters
    ----------
    ledger : Ledger
    year : int
    as_of : date-like, optional
        Day the actuals are complete to; default: the latest dated actual row of the
        year (31 December for a year whose data go past it).
    entities : Entities, optional
        Roll actuals and commitments up the tree and show names.
    categories : str or sequence, optional
        Only the allotments of these categories (default: every allotment of the year).
    scenario : Scenario, Lever or sequence of Lever, optional
        Applied to the planned trips before they are counted (``sem_carbon.Scenario``).
    projection : {"linear", "seasonal"}
        Pace of the rest of the year (see the module notes).
    baseline_year : int, optional
        For ``"seasonal"``: the year whose profile is used.
    overlaps : {"include", "exclude"}
        Count or leave out the actual rows identical to rows of earlier batches
        (overlapping exports, :meth:`sem_carbon.ledger.Ledger.overlaps`), in the actuals
        and in the seasonal profile alike.

    Returns
    -------
    DataFrame
        ``entity``, ``name``, ``categories``, ``allotment``, ``actual``, ``committed``,
        ``remaining``, ``run_rate``, ``projected`` [tCO2e], ``projected_share`` (of the
        allotment), ``estimated_share`` (of the actual, spend estimates),
        ``projection``, ``as_of``, ``elapsed_fraction``, ``alert``, ``basis``; sorted
        with the alerts first.
    """
    if projection not in ("linear", "seasonal"):
        raise InvalidArgumentError(f"projection must be 'linear' or 'seasonal', got "
                                   f"{projection!r}")
    if projection == "seasonal" and baseline_year is None:
        raise InvalidArgumentError("a seasonal projection needs baseline_year")
    allotted = allotments(ledger, year)
    if categories is not None:
        allotted = allotted[allotted["categories"] == _categories_text(categories)]
    if allotted.empty:
        raise InvalidArgumentError(f"no allotments for {year} in the ledger: set them with "
                                   "set_allotments (or 'sem-carbon ledger allot')")
    actual_rows = ledger.inventory(year=int(year), overlaps=overlaps).data
    plan_rows = ledger.inventory(year=int(year), plans=True).data
    if scenario is not None and len(plan_rows):
        from .targets import apply_scenario

        plan_rows = apply_scenario(plan_rows, scenario)
    if as_of is None:
        dates = pd.to_datetime(actual_rows.get("date"), errors="coerce") \
            if len(actual_rows) else pd.Series(dtype="datetime64[ns]")
        last = dates.max() if len(dates) and dates.notna().any() else \
            pd.Timestamp(int(year), 1, 1)
        as_of = min(last, pd.Timestamp(int(year), 12, 31))
    day = pd.Timestamp(as_of).normalize()
    if day.year != int(year):
        raise InvalidArgumentError(f"as_of {day.date()} is not in {year}")
    blocks = []
    for cats, group in allotted.groupby("categories", sort=True):
        blocks.append(_status_block(ledger, group, cats, actual_rows, plan_rows, day, entities,
                                    projection, baseline_year, overlaps))
    out = pd.concat(blocks, ignore_index=True)
    return out.sort_values(["alert", "projected_share"], ascending=[False, False],
                           na_position="last").reset_index(drop=True)


def _own(rows: pd.DataFrame, cats: str, day: pd.Timestamp, upto: bool) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=["entity", "trip_id", "date", "tco2e", "estimated"])
    chosen = rows[category_mask(rows, tuple(cats.split(",")))]
    dates = pd.to_datetime(chosen["date"], errors="coerce") if "date" in chosen.columns \
        else pd.Series(pd.NaT, index=chosen.index)
    keep = (dates <= day) if upto else (dates > day)
    chosen = chosen[keep.fillna(False).to_numpy()]
    return pd.DataFrame({
        "entity": chosen["entity"].astype(str),
        "trip_id": chosen["trip_id"].astype(str) if "trip_id" in chosen.columns else "",
        "date": pd.to_datetime(chosen["date"], errors="coerce"),
        "tco2e": chosen["co2e_kg"].astype(float) / 1000.0,
        "estimated": chosen["estimated"].astype(bool) if "estimated" in chosen.columns
        else False})


def _status_block(ledger: Any, allotted: pd.DataFrame, cats: str, actual_rows: pd.DataFrame,
                  plan_rows: pd.DataFrame, day: pd.Timestamp, entities: Any, projection: str,
                  baseline_year: int | None, overlaps: str) -> pd.DataFrame:
    actual = _own(actual_rows, cats, day, upto=True)
    plans = _own(plan_rows, cats, day, upto=False)
    if len(plans) and len(actual):  # a planned trip already among the actuals is consumed
        taken = pd.MultiIndex.from_frame(actual[["entity", "trip_id"]][actual["trip_id"] != ""])
        key = pd.MultiIndex.from_frame(plans[["entity", "trip_id"]])
        plans = plans[~(key.isin(taken) & (plans["trip_id"] != "").to_numpy())]
    f = _elapsed(day)
    own = pd.concat([
        pd.DataFrame({"entity": actual["entity"], "actual": actual["tco2e"],
                      "estimated": actual["tco2e"].where(actual["estimated"], 0.0)}),
        pd.DataFrame({"entity": plans["entity"], "committed": plans["tco2e"]}),
    ], ignore_index=True)
    for col in ("actual", "estimated", "committed"):
        if col not in own.columns:
            own[col] = 0.0
    own = own.fillna(0.0).groupby("entity", as_index=False)[["actual", "estimated",
                                                             "committed"]].sum()
    share = pd.Series(f, index=own.index)
    method = pd.Series("linear", index=own.index, dtype=object)
    if projection == "seasonal":
        base = ledger.inventory(year=int(baseline_year), overlaps=overlaps).data
        prof = _own(base, cats, pd.Timestamp(int(baseline_year), 12, 31), upto=True)
        try:
            same_day = day.replace(year=int(baseline_year))
        except ValueError:
            same_day = pd.Timestamp(int(baseline_year), 2, 28)
        prof = prof.assign(early=prof["tco2e"].where(prof["date"] <= same_day, 0.0))
        prof = prof.groupby("entity")[["tco2e", "early"]].sum()
        s = (prof["early"] / prof["tco2e"]).reindex(own["entity"]).to_numpy()
        ok = np.isfinite(s) & (s > 0)
        share = pd.Series(np.where(ok, s, f), index=own.index)
        method = pd.Series(np.where(ok, "seasonal", "linear"), index=own.index, dtype=object)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = np.where(share > 0, own["actual"] * (1.0 - share) / share, 0.0)
    own["run_rate"] = rest
    own["projected"] = own["actual"] + np.maximum(own["committed"], own["run_rate"])
    values = ["actual", "estimated", "committed", "run_rate", "projected"]
    if entities is not None:
        rolled = entities.rollup(own, values)
        names = entities.to_frame(entities.unknown(own["entity"]))
        names = dict(zip(names["id"].astype(str), names["name"].astype(str), strict=True))
    else:
        rolled = own[["entity", *values]]
        names = {}
    methods = dict(zip(own["entity"], method, strict=True))
    out = allotted[["entity", "categories", "tco2e", "basis"]].rename(
        columns={"tco2e": "allotment"}).merge(rolled, on="entity", how="left")
    out[values] = out[values].astype(float).fillna(0.0)
    out["allotment"] = out["allotment"].astype(float)
    named = out["entity"].map(names).astype(object)
    out.insert(1, "name", named.where(named.notna(), out["entity"]))
    out["remaining"] = out["allotment"] - out["actual"] - out["committed"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["projected_share"] = np.where(out["allotment"] > 0,
                                          out["projected"] / out["allotment"], np.nan)
        out["estimated_share"] = np.where(out["actual"] > 0,
                                          out["estimated"] / out["actual"], 0.0)
    shown = out["entity"].map(methods).astype(object)
    out["projection"] = shown.where(shown.notna(), "rolled up")
    out["as_of"] = day
    out["elapsed_fraction"] = f
    out["alert"] = out["projected"] > out["allotment"] * (1 + _TOL) + _TOL
    return out[["entity", "name", "categories", "allotment", "actual", "committed", "remaining",
                "run_rate", "projected", "projected_share", "estimated_share", "projection",
                "as_of", "elapsed_fraction", "alert", "basis"]]


def allotment_alerts(status: pd.DataFrame) -> pd.DataFrame:
    """The entities of an :func:`allotment_status` projected to exceed their allotment,
    largest excess first, with ``excess`` [tCO2e]."""
    alerts = status[status["alert"]].copy()
    alerts["excess"] = alerts["projected"] - alerts["allotment"]
    return alerts.sort_values("excess", ascending=False).reset_index(drop=True)



