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
        Day of each amount (blank where unknown: the year's average is used). Text is
        read as the file readers read dates (:func:`sem_carbon.io.parse.parse_dates`:
        day first, ``05/03/2019`` is 5 March 2019); a bare year (``2019``) gives the
        year; a month without a day, or an unreadable date, raises naming the row.
    year : array-like, optional
        Year of each amount (for rows without a date; a dated row uses its date's rate,
        and the caller checks that its year and date agree, as ``target_status`` does
        for budget lines).
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
        A date is unreadable or gives a month without a day; or some rows have no
        rate (for a year-only row: the rates do not cover the whole year, see
        :meth:`Rates.year_average`). The message
        counts the rows and names the first (row position, currency, date or year,
        reason): budgets are never converted at a guess.
    """
    from .rates import Rates

    rates = rates if rates is not None else Rates()
    to = str(to).strip().upper()
    values = pd.to_numeric(pd.Series(amount), errors="coerce").fillna(0.0).to_numpy(float)
    codes = pd.Series(currency, dtype=object).fillna("").astype(str).str.strip().str.upper()
    codes = codes.replace({"": to, "NAN": to}).to_numpy(object)
    n = len(values)
    days, date_years = _dates(date, n, what)
    years = (pd.to_numeric(pd.Series(year), errors="coerce").to_numpy(float)
             if year is not None else np.full(n, np.nan))
    years = np.where(np.isnan(years), date_years, years)
    days = pd.Series(days)
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
            f"{codes[i]} on {when}: {reason[i]}" + (
                "" if "docs/money.md" in reason[i]
                else ". Add the rates to a rates table (see docs/money.md)"))
    return out


def _dates(date: Any, n: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Days (datetime64[ns], NaT where blank or only a year) and the year each date gives
    (NaN where none); an unreadable date or a month without a day raises naming the row."""
    if date is None:
        return np.full(n, np.datetime64("NaT"), "datetime64[ns]"), np.full(n, np.nan)
    from ..io.parse import parse_dates

    column = pd.Series(date).reset_index(drop=True)
    if len(column) != n:
        raise InputFormatError(f"{what}: {len(column)} dates for {n} amounts")
    parsed = parse_dates(column)
    month_only = np.asarray(parsed.month_only)
    wrong = np.flatnonzero(parsed.bad | month_only)
    if wrong.size:
        i = int(wrong[0])
        why = (parsed.reason[i] if parsed.bad[i] else
               "a month without a day: give the day for its exchange rate, or leave the "
               "date blank for the year's average")
        raise InputFormatError(
            f"{what}: {wrong.size} row(s) whose date cannot choose an exchange rate; "
            f"first: row {i + 1} (of the table, header not counted), date "
            f"{column.iloc[i]!r}: {why}")
    date_years = np.where(parsed.year > 0, parsed.year, np.nan).astype(float)
    return parsed.dates.astype("datetime64[ns]"), date_years

