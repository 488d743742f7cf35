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
    "Rates",
    "read_rates",
]

#: Oldest ECB rate used for a date [days]: bridges weekends and TARGET closures.
DEFAULT_MAX_AGE_DAYS = 7
#: Oldest rate of a user table used for a date [days] when it has no ``valid_to``.
DEFAULT_USER_MAX_AGE_DAYS = 31
#: Columns of a user rates table (``read_rates``): required, then optional.
RATE_COLUMNS: tuple[str, ...] = ("currency", "date", "rate", "per", "valid_to", "source")
_REQUIRED = RATE_COLUMNS[:3]
_DAY = np.timedelta64(1, "D")


def _codes(values: Any) -> np.ndarray:
    """Currency codes upper-cased and stripped ("" for missing)."""
    series = pd.Series(values, dtype=object)
    return series.fillna("").astype(str).str.strip().str.upper().to_numpy(dtype=object)


def _days(values: Any) -> np.ndarray:
    """Dates as datetime64[D] (NaT where missing)."""
    return pd.to_datetime(pd.Series(values), errors="coerce").to_numpy("datetime64[D]")


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
        codes, days = _codes(currency), _days(date)
        if len(codes) != len(days):
            raise InvalidArgumentError("currency and date must have the same length")
        return self._lookup(codes, days, depth=0)

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
        codes, days = _codes(currency), _days(date)
        if not (len(values) == len(codes) == len(days)):
            raise InvalidArgumentError("amount, currency and date must have the same length")
        src = self._lookup(codes, days, 0)
        dst = self._lookup(np.full(len(codes), to, dtype=object), days, 0)
        same = codes == to
        rate = np.where(same, 1.0, src["usd_per_unit"].to_numpy() / dst["usd_per_unit"].to_numpy())
        reason = np.where(same, "", src["reason"].to_numpy(object))
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
        counted once); a year without any rate of that currency is rejected.

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
            found = False
            for series, name in ((self._user.get(code), "user rates"),
                                 (self._ecb_series(code), "ECB")):
                if series is None:
                    continue
                in_year = series.dates.astype("datetime64[Y]").astype(int) + 1970 == int(y)
                if not in_year.any():
                    continue
                per = series.per[in_year]
                usd = 1.0 / series.value[in_year]
                if (per != "USD").any():
                    sub = self._lookup(per[per != "USD"], series.dates[in_year][per != "USD"], 1)
                    usd[per != "USD"] *= sub["usd_per_unit"].to_numpy()
                value[rows] = float(np.nanmean(usd))
                label[rows] = f"{name} {int(y)} average"
                found = True
                break
            if not found:
                reason[rows] = f"no {code} rate published in {int(y)} (see docs/money.md)"
        return pd.DataFrame({"usd_per_unit": value, "rate_source": label, "reason": reason})


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
    out = pd.DataFrame({"currency": _codes(frame["currency"])})
    text_dates = frame["date"].astype(str).str.strip()
    monthly = text_dates.str.fullmatch(r"\d{4}-\d{1,2}")
    out["date"] = pd.to_datetime(text_dates.where(~monthly, text_dates + "-01"),
                                 errors="coerce", format="mixed")
    out["rate"] = pd.to_numeric(frame["rate"], errors="coerce")
    out["per"] = _codes(frame["per"]) if "per" in frame.columns else "USD"
    out["per"] = out["per"].replace("", "USD")
    out["valid_to"] = (pd.to_datetime(frame["valid_to"].replace("", None), errors="coerce")
                       if "valid_to" in frame.columns else pd.NaT)
    out["source"] = (frame["source"].fillna("").astype(str).replace("", label)
                     if "source" in frame.columns else label)
    checks = [
        ("currency", ~out["currency"].str.fullmatch(r"[A-Z]{3}"), "not an ISO 4217 code"),
        ("per", ~out["per"].str.fullmatch(r"[A-Z]{3}"), "not an ISO 4217 code"),
        ("date", out["date"].isna(), "not a date"),
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
