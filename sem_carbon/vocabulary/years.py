"""The year of a row: one date policy for readers, ``calculate`` and Dask partitions.

A row's year is its ``year`` column where filled, else the year of its ``date``; a row
that gives both in different years is rejected (:data:`YEAR_DATE_DISAGREE`), by the
readers and by ``calculate`` alike (the readers took the date's, ``calculate`` the
column's). Text
dates are read by :func:`sem_carbon.io.parse.parse_dates` (day first: ``05/03/2019`` is
5 March 2019, as the readers and ``sc.flight(date=...)`` read it), never by
``pandas.to_datetime``'s month-first guess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["YEAR_DATE_DISAGREE", "row_years", "year_date_disagreement", "years_of_dates"]

#: The reject reason of a row whose year and date are in different years.
YEAR_DATE_DISAGREE = ("year and date disagree (the date is in another year): give one of "
                      "them, or make them agree")


def years_of_dates(days: np.ndarray) -> np.ndarray:
    """Calendar year of each datetime64 value (0 where NaT).

    Parameters
    ----------
    days : ndarray of datetime64
        Any datetime64 resolution.
    """
    days = np.asarray(days)
    out = np.zeros(len(days), dtype=np.int64)
    ok = ~np.isnat(days)
    out[ok] = days[ok].astype("datetime64[Y]").astype(np.int64) + 1970
    return out


def row_years(data: pd.DataFrame, year_column: str = "year") -> np.ndarray:
    """Year of each row as float (NaN when neither a year nor a readable date is given).

    Parameters
    ----------
    data : DataFrame
        With a ``year_column`` and/or a ``date`` column (datetime64 or text; a
        time-zone-aware date gives the year of its local date as written:
        ``2019-12-31 23:30-05:00`` is 2019, not UTC's 2020).
    year_column : str, default "year"
        The column holding the year.
    """
    import pandas as pd

    if year_column in data.columns:
        year = pd.to_numeric(data[year_column], errors="coerce").to_numpy(dtype=float,
                                                                         na_value=np.nan)
    else:
        year = np.full(len(data), np.nan)
    if "date" in data.columns and np.isnan(year).any():
        dates = data["date"]
        if pd.api.types.is_datetime64_any_dtype(dates):
            if getattr(dates.dtype, "tz", None) is not None:  # the local date, not UTC's
                dates = dates.dt.tz_localize(None)
            days = dates.to_numpy(dtype="datetime64[ns]")
            from_date = years_of_dates(days).astype(float)
            from_date[np.isnat(days)] = np.nan
        else:
            from ..io.parse import parse_dates

            parsed = parse_dates(dates.reset_index(drop=True))
            from_date = np.where(parsed.year > 0, parsed.year, np.nan).astype(float)
        year = np.where(np.isnan(year), from_date, year)
    return year


def year_date_disagreement(data: pd.DataFrame, year_column: str = "year") -> np.ndarray:
    """Rows that give both a year and a readable date, in different years.

    Parameters
    ----------
    data : DataFrame
        With a ``year_column`` and a ``date`` column (datetime64 or text).
    year_column : str, default "year"

    Returns
    -------
    ndarray of bool
        One per row; all False when either column is absent.
    """
    import pandas as pd

    if year_column not in data.columns or "date" not in data.columns:
        return np.zeros(len(data), dtype=bool)
    year = pd.to_numeric(data[year_column], errors="coerce").to_numpy(dtype=float,
                                                                     na_value=np.nan)
    if np.isnan(year).all():
        return np.zeros(len(data), dtype=bool)
    only_dates = data[["date"]].assign(**{year_column: np.nan})
    from_date = row_years(only_dates, year_column)
    return ~np.isnan(year) & ~np.isnan(from_date) & (year != from_date)
