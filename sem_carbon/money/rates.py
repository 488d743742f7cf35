"""Dated exchange rates: the ECB reference rates and the user's own table, one rule.

The rule
--------
A row dated ``d`` in currency ``C`` uses the last rate of ``C`` published **on or
before** ``d``, if that rate is at most ``max_age_days`` old (7 days for the daily ECB
rates: weekends and TARGET holidays are bridged, never more than 5 days in the data;
31 days for a monthly user table such as the UN operational rates of exchange, or up
to its ``valid_to`` date when given). Otherwise the row is **rejected** with the
reason (no rate yet, rate too old, currency unknown), never converted at a guess: no
interpolation, no later rate used for an earlier date.

Sources are tried in order: the user's table first (it is the organisation's own
policy), then the ECB. Every converted row names the rate's date and source.

All rates are held as US dollars per unit of currency; converting ``C`` to ``T`` on
day ``d`` uses ``usd_per_unit(C, d) / usd_per_unit(T, d)`` (for the ECB, a cross rate
through the euro, as the ECB itself publishes only euro rates). A row already in the
target currency needs no rate (and no date).

User table columns
------------------
``currency``
    ISO 4217 code of the currency priced (``XOF``, ``KES`` ...).
``date``
    First day the rate applies (``2021-03-01``; a month ``2021-03`` means its first
    day). The UN operational rates apply from the first of the month (a revision within
    the month is a row with its own date).
``rate``
    Units of ``currency`` per one unit of ``per`` (UN operational rates: per 1 USD).
``per`` (optional, default ``USD``)
    The currency the rate is quoted against (it must itself be convertible that day).
``valid_to`` (optional)
    Last day the rate applies (default: until the next row, at most
    ``user_max_age_days`` after ``date``).
``source`` (optional)
    A label written on every row converted with it (default: the file name).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputFormatError, InvalidArgumentError

__all__ = [
    "DEFAULT_MAX_AGE_DAYS",
    "DEFAULT_USER_MAX_AGE_DAYS",
    "RATE_COLUMNS",
    "YEAR_START_DAYS",
    "Rates",
    "read_rates",
]

#: Oldest ECB rate used for a date [days]: bridges weekends and TARGET closures.
DEFAULT_MAX_AGE_DAYS = 7
#: Oldest rate of a user table used for a date [days] when it has no ``valid_to``.
DEFAULT_USER_MAX_AGE_DAYS = 31
#: Columns of a user rates table (``read_rates``): required, then optional.
RATE_COLUMNS: tuple[str, ...] = ("currency", "date", "rate", "per", "valid_to", "source")
#: A year average needs the year's first rate within this many days of 1 January [days]
#: (1 January is a holiday nearly everywhere; the ECB's first rate was on 4 January 1999).
YEAR_START_DAYS = 7
_REQUIRED = RATE_COLUMNS[:3]
_DAY = np.timedelta64(1, "D")


def _codes(values: Any) -> np.ndarray:
    """Currency codes upper-cased and stripped ("" for missing)."""
    series = pd.Series(values, dtype=object)
    return series.fillna("").astype(str).str.strip().str.upper().to_numpy(dtype=object)


def _days(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Dates as datetime64[D] (NaT where missing or unreadable) and why a present date
    cannot choose a rate ("" elsewhere).

    Text dates are read as the file readers read them
    (:func:`sem_carbon.io.parse.parse_dates`: day first, ``05/03/2019`` is 5 March 2019,
    unless the column only reads month first), never by ``pandas.to_datetime``'s
    month-first guess. A date that gives only a year or a month is no day to choose a
    rate with: refused, not read as the 1st.
    """
    from ..io.parse import parse_dates

    series = pd.Series(values).reset_index(drop=True)
    parsed = parse_dates(series)
    days = parsed.dates.astype("datetime64[D]")
    reason = np.full(len(days), "", dtype=object)
    if parsed.bad.any():
        shown = series[parsed.bad].astype(str).to_numpy(object)
        reason[parsed.bad] = [f"date {v!r} is unreadable ({r})" for v, r in
                              zip(shown, np.asarray(parsed.reason)[parsed.bad], strict=True)]
    partial = np.asarray(parsed.month_only) | (np.isnat(days) & (parsed.year > 0))
    if partial.any():
        shown = series[partial].astype(str).to_numpy(object)
        reason[partial] = [f"date {v!r} gives no day to choose an exchange rate (give the "
                           "day; a line known only by year uses the year's average)"
                           for v in shown]
        days = np.where(partial, np.datetime64("NaT"), days)
    return days, reason


class _Series:
    """Rates of one currency from one source, sorted by date."""

    __slots__ = ("dates", "label", "max_age", "per", "until", "value")

    def __init__(self, dates: np.ndarray, value: np.ndarray, label: np.ndarray,
                 per: np.ndarray, until: np.ndarray, max_age: int) -> None:
        order = np.argsort(dates, kind="stable")
        self.dates, self.value = dates[order], value[order]
        self.label, self.per, self.until = label[order], per[order], until[order]
        self.max_age = max_age

    def find(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of the rate each day uses (-1: none) and why not ("" when found)."""
        idx = np.searchsorted(self.dates, days, side="right") - 1
        found = idx >= 0
        safe = np.where(found, idx, 0)
        start = self.dates[safe]
        age = (days - start) / _DAY
        until = self.until[safe]
        limit = np.where(np.isnat(until), start + self.max_age * _DAY, until)
        fresh = found & (days <= limit)
        reason = np.full(len(days), "", dtype=object)
        reason[~found] = "before the first rate"
        stale = found & ~fresh
        if stale.any():
            reason[stale] = [f"last rate {s} is {int(a)} days old" for s, a in
                             zip(start[stale].astype(str), age[stale], strict=True)]
        return np.where(fresh, idx, -1), reason


class Rates:
    """Exchange rates for dated conversions (see the module notes for the rule).

    Parameters
    ----------
    table : DataFrame, path or None
        The user's rates (columns :data:`RATE_COLUMNS`, see :func:`read_rates`).
    ecb : bool, default True
        Also use the ECB reference rates bundled offline (``ledger`` extra).
    max_age_days : int, default 7
        Oldest ECB rate used for a date [days].
    user_max_age_days : int, default 31
        Oldest user rate used for a date when it has no ``valid_to`` [days].

    Examples
    --------
    >>> rates = Rates()                                             # doctest: +SKIP
    >>> rates.convert([100.0], ["CHF"], ["2019-10-01"], to="USD")   # doctest: +SKIP
    """

    def __init__(self, table: pd.DataFrame | str | os.PathLike[str] | None = None, *,
                 ecb: bool = True, max_age_days: int = DEFAULT_MAX_AGE_DAYS,
                 user_max_age_days: int = DEFAULT_USER_MAX_AGE_DAYS) -> None:
        if max_age_days < 0 or user_max_age_days < 0:
            raise InvalidArgumentError("max_age_days must not be negative")
        self.ecb, self.max_age_days = bool(ecb), int(max_age_days)
        self.user_max_age_days = int(user_max_age_days)
        self.table = (read_rates(table) if table is not None
                      else pd.DataFrame(columns=list(RATE_COLUMNS)))
        self._user: dict[str, _Series] = {}
        for code, rows in self.table.groupby("currency", sort=False):
            self._user[str(code)] = _Series(
                rows["date"].to_numpy("datetime64[D]"), rows["rate"].to_numpy(float),
                rows["source"].to_numpy(object), rows["per"].to_numpy(object),
                rows["valid_to"].to_numpy("datetime64[D]"), self.user_max_age_days)
        self._ecb: dict[str, _Series] = {}

    # ------------------------------------------------------------------ sources
    def _ecb_series(self, code: str) -> _Series | None:
        if not self.ecb:
            return None
        if code not in self._ecb:
            from .ecb import ECB_CITATION, ecb_rates

            frame = ecb_rates()
            if code not in frame.columns:
                return None
            column = frame[code].dropna()
            n = len(column)
            # stored as "units per USD" like a user row quoted per USD
            self._ecb[code] = _Series(column.index.to_numpy("datetime64[D]"),
                                      1.0 / column.to_numpy(float),
                                      np.full(n, "ECB", dtype=object), np.full(n, "USD", object),
                                      np.full(n, np.datetime64("NaT"), "datetime64[D]"),
                                      self.max_age_days)
            self._ecb_citation = ECB_CITATION
        return self._ecb[code]

    def currencies(self) -> list[str]:
        """ISO codes some source can convert (on some dates)."""
        codes = set(self._user) | {"USD"}
        if self.ecb:
            from .ecb import ecb_rates

            codes |= set(ecb_rates().columns)
        return sorted(codes)

    # ------------------------------------------------------------------ look-ups
    def usd_per_unit(self, currency: Any, date: Any) -> pd.DataFrame:
        """US dollars per unit of each row's currency on its date.

        Parameters
        ----------
        currency : array-like of str
            ISO 4217 codes.
        date : array-like of date-like

        Returns
        -------
        DataFrame
            ``usd_per_unit`` [USD / unit] (NaN when rejected), ``rate_date`` (the
            publication or effective day used), ``rate_source`` ("ECB" or the user
            table's label), ``reason`` ("" when a rate was found).
        """
        codes, (days, unread) = _codes(currency), _days(date)
        if len(codes) != len(days):
            raise InvalidArgumentError("currency and date must have the same length")
        out = self._lookup(codes, days, depth=0)
        refused = (unread != "") & (codes != "USD")
        out.loc[refused, "reason"] = unread[refused]
        return out

    def _lookup(self, codes: np.ndarray, days: np.ndarray, depth: int) -> pd.DataFrame:
        n = len(codes)
        value = np.full(n, np.nan)
        when = np.full(n, np.datetime64("NaT"), "datetime64[D]")
        label = np.full(n, "", dtype=object)
        reason = np.full(n, "", dtype=object)
        is_usd = codes == "USD"
        value[is_usd], label[is_usd] = 1.0, "USD"
        reason[codes == ""] = "no currency"
        undated = np.isnat(days) & ~is_usd & (codes != "")
        reason[undated] = "no date to choose an exchange rate"
        todo = ~is_usd & (codes != "") & ~undated
        for code in pd.unique(codes[todo]):
            rows = np.flatnonzero(todo & (codes == code))
            left = rows
            detail = np.full(n, "", dtype=object)
            known = False
            for series, name in ((self._user.get(code), "user rates"),
                                 (self._ecb_series(code), "ECB rates")):
                if series is None or not left.size:
                    continue
                known = True
                idx, miss = series.find(days[left])
                hit = idx >= 0
                got, at = left[hit], idx[hit]
                per = series.per[at]
                per_usd = np.ones(len(got))
                needs = per != "USD"
                if needs.any():
                    if depth:  # a rate quoted per a currency itself quoted per another
                        raise InputFormatError(f"rate of {code} is quoted per {per[needs][0]}, "
                                               "which is not quoted per USD")
                    sub = self._lookup(per[needs].astype(object), days[got[needs]], depth + 1)
                    per_usd[needs] = sub["usd_per_unit"].to_numpy()
                    bad = np.isnan(per_usd)
                    if bad.any():  # the quoting currency has no rate that day
                        detail[got[bad]] = [f"{name}: {code} is quoted per {p}: {r}" for p, r in
                                            zip(per[bad], sub["reason"].to_numpy()[bad[needs]],
                                                strict=True)]
                        hit[np.flatnonzero(hit)[bad]] = False
                        got, at, per_usd = got[~bad], at[~bad], per_usd[~bad]
                value[got] = per_usd / series.value[at]
                when[got] = series.dates[at]
                label[got] = series.label[at]
                miss_rows = left[~hit]
                detail[miss_rows] = np.where(detail[miss_rows] == "",
                                             [f"{name}: {m}" for m in miss[~hit]]
                                             if miss_rows.size else [], detail[miss_rows])
                left = miss_rows
            if not left.size:
                continue
            if known:
                reason[left] = [f"no {code} rate on or before {d} ({why}; see docs/money.md)"
                                for d, why in zip(days[left].astype(str), detail[left],
                                                  strict=True)]
            else:
                reason[left] = (f"unknown currency {code}: no rates table or ECB rate has it "
                                "(add it to a rates table; see docs/money.md)")
        return pd.DataFrame({"usd_per_unit": value, "rate_date": when.astype("datetime64[ns]"),
                             "rate_source": label, "reason": reason})

    def convert(self, amount: Any, currency: Any, date: Any, to: str = "USD") -> pd.DataFrame:
        """Amounts in ``to`` at each row's dated rate.

        Parameters
        ----------
        amount : array-like of float
            Amounts [units of each row's currency].
        currency : array-like of str
        date : array-like of date-like
        to : str, default "USD"
            ISO code of the result.

        Returns
        -------
        DataFrame
            ``amount`` [``to``] (NaN when rejected), ``rate`` [``to`` per unit],
            ``rate_date``, ``rate_source``, ``reason`` ("" when converted).
        """
        to = str(to).strip().upper()
        values = pd.to_numeric(pd.Series(amount), errors="coerce").to_numpy(float)
        codes, (days, unread) = _codes(currency), _days(date)
        if not (len(values) == len(codes) == len(days)):
            raise InvalidArgumentError("amount, currency and date must have the same length")
        src = self._lookup(codes, days, 0)
        dst = self._lookup(np.full(len(codes), to, dtype=object), days, 0)
        same = codes == to
        rate = np.where(same, 1.0, src["usd_per_unit"].to_numpy() / dst["usd_per_unit"].to_numpy())
        reason = np.where(same, "", np.where(unread != "", unread, src["reason"].to_numpy(object)))
        target_bad = ~same & (reason == "") & (dst["reason"].to_numpy(object) != "")
        reason = np.where(target_bad, "target currency: " + dst["reason"].astype(str).to_numpy(),
                          reason)
        rate = np.where(reason == "", rate, np.nan)
        return pd.DataFrame({
            "amount": values * rate, "rate": rate,
            "rate_date": src["rate_date"].where(~same, pd.NaT),
            "rate_source": np.where(same, "", src["rate_source"].to_numpy(object)),
            "reason": reason})

    def year_average(self, currency: Iterable[str], year: Iterable[int]) -> pd.DataFrame:
        """US dollars per unit averaged over the rates published in each year.

        For amounts known only by year (a budget line): the mean of the source's rates
        dated in that year (the ECB's daily rates, or a user table's monthly rates, each
        counted once), **if those rates cover the whole year** (``_year_coverage``:
        the year's first rate on or before 7 January and every day from it to 31
        December with a rate under the dated rule). The user's table is used when it
        covers the year, else the ECB's. A year the rates do not cover is rejected with
        the coverage ("RUB: ECB rates only until 2022-03-01, no 2022 average"): a
        currency's first or last year, a suspension, and the year the rates end in (the
        bundled file's last, still running year) are never averaged over part of it.

        Parameters
        ----------
        currency : iterable of str
            ISO 4217 currency codes, one per amount.
        year : iterable of int
            The year of each amount (same length as ``currency``).

        Returns
        -------
        DataFrame
            ``usd_per_unit`` (NaN when rejected), ``rate_source``, ``reason``.
        """
        codes = _codes(list(currency))
        years = pd.to_numeric(pd.Series(list(year)), errors="coerce").to_numpy(float)
        n = len(codes)
        value = np.where(codes == "USD", 1.0, np.nan)
        label = np.where(codes == "USD", "USD", "").astype(object)
        reason = np.full(n, "", dtype=object)
        reason[np.isnan(years) & (codes != "USD")] = "no year to choose an exchange rate"
        reason[codes == ""] = "no currency"
        for code, y in {(c, yy) for c, yy in zip(codes, years, strict=True)
                        if c not in ("", "USD") and not np.isnan(yy)}:
            rows = (codes == code) & (years == y)
            short: list[str] = []
            for series, name in ((self._user.get(code), "user rates"),
                                 (self._ecb_series(code), "ECB")):
                if series is None:
                    continue
                usd, why = self._year_rates(code, series, int(y), name)
                if why:
                    short.append(why)
                    continue
                value[rows] = float(np.mean(usd))
                label[rows] = f"{name} {int(y)} average"
                break
            else:
                reason[rows] = (
                    f"{'; '.join(short)} (a year average needs rates for the whole year: "
                    "give the line a date, or add the year's rates to a rates table; see "
                    "docs/money.md)" if short
                    else f"no {code} rate published in {int(y)} (see docs/money.md)")
        return pd.DataFrame({"usd_per_unit": value, "rate_source": label, "reason": reason})

    def _year_rates(self, code: str, series: _Series, year: int, name: str
                    ) -> tuple[np.ndarray, str]:
        """US dollars per unit of ``series``' rates dated in ``year``, or why they cannot
        make the year's average ("" when they can)."""
        why = _year_coverage(series, year)
        label = f"{name} rates" if name == "ECB" else name
        if why:
            return np.empty(0), f"{code}: {label} {why}, no {year} average"
        first, last = np.datetime64(f"{year:04d}-01-01"), np.datetime64(f"{year:04d}-12-31")
        in_year = (series.dates >= first) & (series.dates <= last)
        per = series.per[in_year]
        usd = 1.0 / series.value[in_year]
        quoted = per != "USD"
        if quoted.any():
            sub = self._lookup(per[quoted], series.dates[in_year][quoted], 1)
            usd[quoted] *= sub["usd_per_unit"].to_numpy()
            missing = np.isnan(usd)
            if missing.any():
                i = int(np.flatnonzero(missing)[0])
                return usd, (f"{code}: {label} are quoted per {per[i]}, which has no rate on "
                             f"{series.dates[in_year][i]}, no {year} average")
        return usd, ""


def _year_coverage(series: _Series, year: int) -> str:
    """Whether one source's rates of one currency cover ``year`` ("" when they do).

    They do when the year's first rate is on or before 7 January (or a rate of the year
    before still applies on 1 January) and every day from it to 31 December has a rate
    under the dated rule (no older than the source's maximum age, or within its
    ``valid_to``). Otherwise the coverage, as "only from 2000-07-19", "only until
    2022-03-01" or "missing from 2008-12-17 to 2009-01-03".

    Parameters
    ----------
    series : _Series
        The rates of one currency from one source.
    year : int
        The calendar year.
    """
    first = np.datetime64(f"{year:04d}-01-01")
    last = np.datetime64(f"{year:04d}-12-31")
    days = np.arange(first, last + _DAY, dtype="datetime64[D]")
    idx, _ = series.find(days)
    ok = idx >= 0
    dated = series.dates[(series.dates >= first) & (series.dates <= last)]
    if dated.size and dated[0] <= first + (YEAR_START_DAYS - 1) * _DAY:
        ok |= days < dated[0]
    if ok.all():
        return ""
    parts = []
    if not ok[0] and series.dates[0] > first:  # the source starts in (or after) the year
        parts.append(f"from {series.dates[0]}")
    if not ok[-1] and series.dates[-1] < last:  # the source ends in (or before) the year
        parts.append(f"until {series.dates[-1]}")
    if parts:
        return "only " + " ".join(parts)
    gap = days[~ok]
    breaks = np.flatnonzero(np.diff(gap) > _DAY)
    run_end = gap[breaks[0]] if breaks.size else gap[-1]
    return f"missing from {gap[0]} to {run_end}"


def read_rates(source: pd.DataFrame | str | os.PathLike[str], source_label: str | None = None
               ) -> pd.DataFrame:
    """Read and check a user rates table (columns in the module notes).

    Parameters
    ----------
    source : DataFrame or path (CSV or Excel)
    source_label : str, optional
        Label for rows without a ``source`` (default: the file name, or "user rates").

    Returns
    -------
    DataFrame
        :data:`RATE_COLUMNS`, one row per currency and date, typed.

    Raises
    ------
    InputFormatError
        A required column is missing, or a row has an unreadable currency, date or
        rate (the message names the row, column and value): a rates table is
        reference data and must be clean.
    """
    if isinstance(source, pd.DataFrame):
        frame, label = source.copy(), source_label or "user rates"
    else:
        path = Path(source)
        if not path.is_file():
            raise InputFormatError(f"rates table not found: {path}")
        frame = (pd.read_excel(path, dtype=str) if path.suffix.lower() in (".xlsx", ".xls")
                 else pd.read_csv(path, dtype=str, keep_default_na=False))
        label = source_label or path.name
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise InputFormatError(f"rates table lacks column(s) {', '.join(missing)} (needs "
                               f"{', '.join(_REQUIRED)}; optional per, valid_to, source)")
    from ..io.parse import parse_dates

    frame = frame.reset_index(drop=True)  # row numbers, and aligned columns
    out = pd.DataFrame({"currency": _codes(frame["currency"])})
    # dates as the readers read them (day first: 05/03/2024 is 5 March); a month
    # (2024-03, Mar 2024) is its first day, the day a UN operational rate applies from
    out["date"] = parse_dates(frame["date"]).dates
    out["rate"] = pd.to_numeric(frame["rate"], errors="coerce")
    out["per"] = _codes(frame["per"]) if "per" in frame.columns else "USD"
    out["per"] = out["per"].replace("", "USD")
    out["valid_to"] = pd.NaT
    bad_end = np.zeros(len(frame), dtype=bool)
    if "valid_to" in frame.columns:
        ends = parse_dates(frame["valid_to"].replace("", None))
        out["valid_to"] = ends.dates
        bad_end = ends.bad | np.asarray(ends.month_only) | (np.isnat(ends.dates) & ~ends.missing)
    out["source"] = (frame["source"].fillna("").astype(str).replace("", label)
                     if "source" in frame.columns else label)
    checks = [
        ("currency", ~out["currency"].str.fullmatch(r"[A-Z]{3}"), "not an ISO 4217 code"),
        ("per", ~out["per"].str.fullmatch(r"[A-Z]{3}"), "not an ISO 4217 code"),
        ("date", out["date"].isna(), "not a date"),
        ("valid_to", pd.Series(bad_end), "not a day"),
        ("rate", ~(np.isfinite(out["rate"]) & (out["rate"] > 0)), "not a positive number"),
        ("per", out["per"] == out["currency"], "a currency quoted per itself"),
    ]
    for column, bad, why in checks:
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            value = frame[column].iloc[i] if column in frame.columns else ""
            raise InputFormatError(f"rates table row {i + 2}, column {column!r}: {value!r} is "
                                   f"{why} ({int(bad.sum())} such row(s))")
    dup = out.duplicated(["currency", "date"], keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputFormatError(f"rates table row {i + 2}: {out['currency'].iloc[i]} has two "
                               f"rates for {out['date'].iloc[i].date()}")
    return out[list(RATE_COLUMNS)].sort_values(["currency", "date"]).reset_index(drop=True)
