"""The year of a row: one date policy for readers, ``calculate`` and Dask partitions.

A row's year is its ``year`` column where filled, else the year of its ``date``; a row
that gives both in different years is rejected (:data:`YEAR_DATE_DISAGREE`), by the
readers and by ``calculate`` alike (the readers took the date's, ``calculate`` the
column's). Text
dates are read by :func:`sem_carbon.io.parse.parse_dates` (day first: ``05/03/2019`` is
5 March 2019, as the readers and ``sc.flight(date=...)`` read it), never by
``pandas.to_datetime``'s month-first guess. A filled ``year`` cell must be a plausible
year (:func:`read_years`: a whole number 1950-2100, read as the readers read it), else
the row is rejected with the readers' reason (:data:`sem_carbon.limits.YEAR_REASON`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["YEAR_DATE_DISAGREE", "YEAR_PERIOD_DISAGREE", "read_years", "row_years",
           "year_date_disagreement", "years_of_dates"]

#: The reject reason of a row whose year and date are in different years.
YEAR_DATE_DISAGREE = ("year and date disagree (the date is in another year): give one of "
                      "them, or make them agree")

#: The reject reason of a row whose year and period are in different years (a period
#: counts in the year of its middle day: docs/methodology.md, "Which edition a row uses").
YEAR_PERIOD_DISAGREE = ("year and period disagree (the period's middle day, whose year it "
                        "counts in, is in another year): give one of them, or make them "
                        "agree")


def years_of_dates(days: np.ndarray) -> np.ndarray:
    """Calendar year of each datetime64 value (0 where NaT).

    Parameters
    ----------
    days : ndarray of datetime64
        Any datetime64 resolution.
    """
    days = np.asarray(days)
    if len(days) > 1000:  # pandas' field extraction: a fifth of numpy's calendar cast
        import pandas as pd

        years = pd.DatetimeIndex(days).year.to_numpy()
        return np.nan_to_num(years, nan=0.0).astype(np.int64) if years.dtype.kind == "f" \
            else years.astype(np.int64)
    out = np.zeros(len(days), dtype=np.int64)
    ok = ~np.isnat(days)
    out[ok] = days[ok].astype("datetime64[Y]").astype(np.int64) + 1970
    return out


def read_years(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A ``year`` column read as the readers read a year cell.

    Numbers and numeric text (``2019``, ``"2019"``, ``2019.0``) are read by
    :func:`sem_carbon.io.parse.parse_numbers`; a filled cell that is not a whole number in
    :data:`sem_carbon.limits.YEAR_RANGE` (``19``, ``2019.5``, ``-2019``, ``3019``, ``0``,
    ``True``, ``"FY2019"``) is implausible: reject its row with
    :data:`sem_carbon.limits.YEAR_REASON`, as the readers do. Never an edition for it
    (``19`` took the earliest edition, ``-2019`` the newest).

    Parameters
    ----------
    column : Series
        The cells of a ``year`` column (any dtype).

    Returns
    -------
    year : ndarray of float
        The year of each row, NaN where the cell is missing or implausible.
    implausible : ndarray of bool
        Rows whose cell is filled but is no plausible year.
    """
    from ..limits import plausible_years

    values = column.to_numpy()
    if values.dtype.kind in "iu":  # whole numbers, none missing: only the range to check
        from ..limits import YEAR_RANGE

        year = values.astype(float)
        if len(values) and YEAR_RANGE[0] <= values.min() and values.max() <= YEAR_RANGE[1]:
            return year, np.zeros(len(values), dtype=bool)  # two reductions, no mask
        implausible = ~plausible_years(year)
    else:
        from ..io.parse import parse_numbers

        numbers = parse_numbers(column.reset_index(drop=True), name="year")
        year = numbers.values
        implausible = ~numbers.missing & (numbers.bad | ~plausible_years(year))
    if implausible.any():
        year = np.where(implausible, np.nan, year)
    return year, implausible


def row_years(data: pd.DataFrame, year_column: str = "year") -> np.ndarray:
    """Year of each row as float (NaN when neither a year nor a readable date is given).

    The ``year_column`` is read by :func:`read_years`: an implausible year counts as none
    here (NaN, or the date's year): reject those rows first, as the engine does.

    Parameters
    ----------
    data : DataFrame
        With a ``year_column`` and/or a ``date`` column (datetime64 or text; a
        time-zone-aware date gives the year of its local date as written:
        ``2019-12-31 23:30-05:00`` is 2019, not UTC's 2020).
    year_column : str, default "year"
        The column holding the year.
    """
    if year_column in data.columns:
        year = read_years(data[year_column])[0]
    else:
        year = np.full(len(data), np.nan)
    if "date" in data.columns and np.isnan(year).any():
        year = np.where(np.isnan(year), _date_years(data["date"]), year)
    return year


def _date_years(dates: pd.Series) -> np.ndarray:
    """Year of each date as float, NaN where there is none (a time-zone-aware date gives
    the year of its local date as written)."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(dates):
        if getattr(dates.dtype, "tz", None) is not None:  # the local date, not UTC's
            dates = dates.dt.tz_localize(None)
        days = dates.to_numpy(dtype="datetime64[ns]")
        from_date = years_of_dates(days).astype(float)
        from_date[np.isnat(days)] = np.nan
        return from_date
    from ..io.parse import parse_dates

    parsed = parse_dates(dates.reset_index(drop=True))
    return np.where(parsed.year > 0, parsed.year, np.nan).astype(float)


def year_date_disagreement(data: pd.DataFrame, year_column: str = "year",
                           years: np.ndarray | None = None) -> np.ndarray:
    """Rows that give both a year and a readable date, in different years.

    Parameters
    ----------
    data : DataFrame
        With a ``year_column`` and a ``date`` column (datetime64 or text).
    year_column : str, default "year"
    years : ndarray of float, optional
        ``year_column`` as :func:`read_years` reads it, when the caller has read it already
        (a text column is then not parsed twice).

    Returns
    -------
    ndarray of bool
        One per row; all False when either column is absent.
    """
    if year_column not in data.columns or "date" not in data.columns:
        return np.zeros(len(data), dtype=bool)
    year = read_years(data[year_column])[0] if years is None else years
    if np.isnan(year).all():
        return np.zeros(len(data), dtype=bool)
    from_date = _date_years(data["date"])
    return ~np.isnan(year) & ~np.isnan(from_date) & (year != from_date)
