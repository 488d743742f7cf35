"""Budgets and costs in several currencies brought to one (used by ``target_status``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputFormatError

__all__ = ["to_currency"]


def to_currency(amount: Any, currency: Any, *, to: str, date: Any = None, year: Any = None,
                rates: Any = None, what: str = "amounts") -> np.ndarray:
    """Amounts in ``to``: dated rows at their day's rate, year-only rows at the year's average.

    Parameters
    ----------
    amount, currency : array-like
        Amounts [money] and their ISO 4217 codes (blank: already in ``to``).
    to : str
        ISO code of the result.
    date : array-like, optional
        Day of each amount (NaT where unknown: the year's average is used).
    year : array-like, optional
        Year of each amount (for rows without a date).
    rates : Rates, optional
        Default: the bundled ECB rates (:class:`~sem_carbon.money.Rates`).
    what : str
        What the amounts are, for the error message ("budget", "inventory cost").

    Returns
    -------
    ndarray of float
        Amounts [``to``].

    Raises
    ------
    InputFormatError
        Some rows have no rate; the message counts them and names the first (row
        position, currency, date or year, reason): budgets are never converted at a
        guess.
    """
    from .rates import Rates

    rates = rates if rates is not None else Rates()
    to = str(to).strip().upper()
    values = pd.to_numeric(pd.Series(amount), errors="coerce").fillna(0.0).to_numpy(float)
    codes = pd.Series(currency, dtype=object).fillna("").astype(str).str.strip().str.upper()
    codes = codes.replace({"": to, "NAN": to}).to_numpy(object)
    n = len(values)
    days = (pd.to_datetime(pd.Series(date), errors="coerce") if date is not None
            else pd.Series(pd.NaT, index=range(n)))
    years = (pd.to_numeric(pd.Series(year), errors="coerce") if year is not None
             else pd.Series(np.nan, index=range(n)))
    years = years.fillna(days.dt.year).to_numpy(float)
    out = np.full(n, np.nan)
    reason = np.full(n, "", dtype=object)
    same = codes == to
    out[same] = values[same]
    dated = ~same & days.notna().to_numpy()
    if dated.any():
        conv = rates.convert(values[dated], codes[dated], days[dated].to_numpy(), to=to)
        out[dated], reason[dated] = conv["amount"].to_numpy(), conv["reason"].to_numpy(object)
    yearly = ~same & ~dated
    if yearly.any():
        src = rates.year_average(codes[yearly], years[yearly])
        dst = rates.year_average(np.full(int(yearly.sum()), to, dtype=object), years[yearly])
        out[yearly] = values[yearly] * src["usd_per_unit"].to_numpy() / \
            dst["usd_per_unit"].to_numpy()
        why = np.where(src["reason"] != "", src["reason"], dst["reason"]).astype(object)
        reason[yearly] = why
    bad = np.flatnonzero(reason != "")
    if bad.size:
        i = int(bad[0])
        when = (str(days.iloc[i].date()) if pd.notna(days.iloc[i])
                else str(int(years[i])) if not np.isnan(years[i]) else "no date")
        raise InputFormatError(
            f"{what}: {bad.size} row(s) cannot be converted to {to}; first: row {i + 1}, "
            f"{codes[i]} on {when}: {reason[i]}. Add the rates to a rates table "
            "(see docs/money.md)")
    return out
