"""Spend-based estimates of spend-only travel rows, and the data-quality score.

A spend row (a cost, no route, distance or nights; see :mod:`.reading`) is estimated
as ``co2e = cost [USD] x intensity [kgCO2e / USD]``, the cost converted to US dollars
at the rate of the row's date (:class:`~sem_carbon.money.Rates`; a row without a rate
is rejected with the reason). The intensity is the first available of:

1. the **entity's own** intensity for that mode and year: its priced activity rows'
   ``sum(co2e_kg) / sum(cost in USD)``, when it has at least :data:`MIN_PRICED_ROWS`
   of them (data-quality score 3);
2. the **whole ledger's** intensity for that mode and year (score 4);
3. a **spend factor table** the user imported (``category``, ``year`` (blank: any
   year), ``kgco2e_per_usd``, ``source``), for example a published environmentally
   extended input-output table (score 5).

Otherwise the row is rejected ("no priced air rows in 2021 and no spend factor").
Estimates are made when the ledger is queried, from the rows then on file: importing
more priced rows refines them, and they always use the same basis (as reported or
restated) as the rows they are drawn from.

Data-quality score (``dq_score``, per row)
------------------------------------------
1 measured activity, no assumption noted; 2 activity with an assumption or
substitution noted on the row (a default cabin, a month-only date, another year's
edition, UK factors abroad ...); 3 spend estimate with the entity's own intensity; 4
with the ledger-wide intensity; 5 with a generic spend factor. ``estimated`` is True
for 3-5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..limits import MAX_ROW_CO2E_KG

__all__ = ["MIN_PRICED_ROWS", "SPEND_FACTOR_COLUMNS", "estimate", "intensities"]

#: Priced rows an entity needs (per mode and year) for its own intensity to be used.
MIN_PRICED_ROWS = 5
#: Columns of a spend factor table.
SPEND_FACTOR_COLUMNS = ("category", "year", "kgco2e_per_usd", "source")
_REJECT = ["table", "source", "source_row", "column", "value", "reason"]


def intensities(priced: pd.DataFrame, rates: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Intensities [kgCO2e / USD] per entity, mode and year, and ledger-wide per mode, year.

    Parameters
    ----------
    priced : DataFrame
        Priced activity rows aggregated by ``entity``, ``category``, ``year``,
        ``currency``, ``day``: ``co2e_kg``, ``cost``, ``rows``.
    rates : Rates

    Returns
    -------
    (own, wide) : DataFrames
        ``entity``, ``category``, ``year``, ``intensity``, ``rows``; and ``category``,
        ``year``, ``intensity``, ``rows``. Priced rows without a rate are left out.
    """
    if priced.empty:
        return (pd.DataFrame(columns=["entity", "category", "year", "intensity", "rows"]),
                pd.DataFrame(columns=["category", "year", "intensity", "rows"]))
    conv = rates.convert(priced["cost"].to_numpy(float), priced["currency"].to_numpy(object),
                         priced["day"].to_numpy(), to="USD")
    ok = (conv["reason"] == "").to_numpy()
    use = priced.loc[ok].assign(usd=conv["amount"].to_numpy()[ok])
    own = use.groupby(["entity", "category", "year"], as_index=False)[
        ["co2e_kg", "usd", "rows"]].sum()
    own["intensity"] = own["co2e_kg"] / own["usd"]
    wide = use.groupby(["category", "year"], as_index=False)[["co2e_kg", "usd", "rows"]].sum()
    wide["intensity"] = wide["co2e_kg"] / wide["usd"]
    own = own.loc[own["rows"] >= MIN_PRICED_ROWS]
    return (own[["entity", "category", "year", "intensity", "rows"]],
            wide[["category", "year", "intensity", "rows"]])


def estimate(spend: pd.DataFrame, priced: pd.DataFrame, rates: object,
             factors: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inventory rows for spend rows, and the rejects of those that cannot be estimated.

    Parameters
    ----------
    spend : DataFrame
        Spend rows with ``batch_id``, ``source`` and :data:`~.reading.SPEND_COLUMNS`.
    priced : DataFrame
        See :func:`intensities`.
    rates : Rates
    factors : DataFrame, optional
        A spend factor table (:data:`SPEND_FACTOR_COLUMNS`).

    Returns
    -------
    (rows, rejected) : DataFrames
        Inventory rows (``co2e_kg`` [kgCO2e], ``estimated`` True, ``dq_score`` 3-5,
        ``method``, ``factor_id``, ``factor_value`` [kgCO2e/USD], ``cost_usd``) and
        rejects in the inventory's reject columns.
    """
    if spend.empty:
        return pd.DataFrame(), pd.DataFrame(columns=_REJECT)
    spend = spend.reset_index(drop=True)
    conv = rates.convert(spend["cost"].to_numpy(float), spend["currency"].to_numpy(object),
                         spend["date"].to_numpy(), to="USD")
    usd = conv["amount"].to_numpy(float)
    reason = conv["reason"].to_numpy(object).copy()
    own, wide = intensities(priced, rates)
    keys = spend[["entity", "mode", "year"]].rename(columns={"mode": "category"})
    i_own = keys.merge(own, on=["entity", "category", "year"], how="left")["intensity"]
    i_wide = keys.merge(wide, on=["category", "year"], how="left")["intensity"]
    i_table = pd.Series(np.nan, index=spend.index)
    table_source = pd.Series("", index=spend.index, dtype=object)
    if factors is not None and len(factors):
        f = factors.copy()
        f["year"] = pd.to_numeric(f["year"], errors="coerce")
        exact = keys.merge(f.dropna(subset=["year"]), on=["category", "year"], how="left")
        anyyear = keys[["category"]].merge(f[f["year"].isna()].drop(columns="year"),
                                           on="category", how="left")
        i_table = exact["kgco2e_per_usd"].fillna(anyyear["kgco2e_per_usd"])
        table_source = exact["source"].fillna(anyyear["source"]).fillna("")
    score = np.select([i_own.notna(), i_wide.notna(), i_table.notna()], [3, 4, 5], 0)
    intensity = np.select([score == 3, score == 4, score == 5],
                          [i_own.to_numpy(), i_wide.to_numpy(), i_table.to_numpy()], np.nan)
    none = (score == 0) & (reason == "")
    if none.any():
        reason[none] = [f"spend only, and no intensity: no priced {m} rows in {y} and no "
                        "spend factor (import priced rows or a spend factor table)"
                        for m, y in zip(spend["mode"][none], spend["year"][none], strict=True)]
    with np.errstate(invalid="ignore", over="ignore"):
        co2e = usd * intensity
        implausible = (reason == "") & (score > 0) & ~(np.abs(co2e) <= MAX_ROW_CO2E_KG)
    if implausible.any():  # the limit of activity rows (sem_carbon.engine), for estimates too
        reason[implausible] = (f"the estimate is not finite or over {MAX_ROW_CO2E_KG / 1e9:g} "
                               "MtCO2e for one row: the cost is out of range (see "
                               "docs/limits.md)")
    ok = reason == ""
    rows = spend.loc[ok].copy()
    mode, year, entity = rows["mode"].astype(str), rows["year"].astype(str), rows["entity"]
    s = score[ok]
    rows["table"] = "travel"
    rows["category"] = mode
    rows["scope"] = 3
    rows["co2e_kg"] = co2e[ok]
    rows["cost_usd"] = usd[ok]
    rows["factor_value"] = intensity[ok]
    rows["factor_unit"] = "kgCO2e/USD"
    rows["factor_id"] = np.select(
        [s == 3, s == 4],
        ["spend-intensity:" + entity.astype(str) + ":" + mode + ":" + year,
         "spend-intensity:ledger:" + mode + ":" + year],
        "spend-factor:" + table_source[ok].astype(str))
    rows["method"] = np.select(
        [s == 3, s == 4],
        ["spend-based: the entity's own kgCO2e per USD of priced " + mode + " rows, " + year,
         "spend-based: the ledger's kgCO2e per USD of priced " + mode + " rows, " + year],
        "spend-based: spend factor table")
    rows["leg"] = 0
    rows["estimated"] = True
    rows["dq_score"] = s.astype(np.int64)
    bad = ~ok
    rejected = pd.DataFrame({"table": "travel", "source": spend["source"][bad].to_numpy(),
                             "source_row": spend["source_row"][bad].to_numpy(),
                             "column": "cost", "value": spend["cost"][bad].astype(str).to_numpy(),
                             "reason": reason[bad]})
    rejected["batch_id"] = spend["batch_id"][bad].to_numpy()
    return rows.reset_index(drop=True), rejected
