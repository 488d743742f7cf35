"""Pieces shared by the travel and facilities readers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..geo.countries import normalise_country
from .columns import ColumnPlan
from .csvfile import text_dtype
from .parse import DateResult, as_text, distinct, is_missing, parse_dates, parse_numbers
from .rejects import Rejections
from .sources import RawTable

__all__ = [
    "SourceColumns",
    "attach_extras",
    "blank_rows",
    "check_policy",
    "countries",
    "currencies",
    "dates_and_years",
    "numbered",
    "spread",
    "text_from_codes",
    "text_series",
]


def check_policy(value: str, allowed: Sequence[str], name: str) -> None:
    """Raise ValueError unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")


class SourceColumns:
    """Canonical columns of a raw source, following a :class:`ColumnPlan`.

    Parameters
    ----------
    raw : RawTable
        The source.
    plan : ColumnPlan
        Which source columns feed which canonical column.
    """

    def __init__(self, raw: RawTable, plan: ColumnPlan) -> None:
        self.frame = raw.frame
        self.plan = plan
        self.n = len(raw.frame)
        self._text: dict[str, pd.Series] = {}

    def get(self, name: str) -> pd.Series | None:
        """The (coalesced) source column of ``name``, a preset default, or None."""
        cols = self.plan.columns.get(name)
        if cols:
            series = self.frame[cols[0]]
            for other in cols[1:]:
                series = series.where(~is_missing(series), self.frame[other])
            return series.reset_index(drop=True)
        if name in self.plan.defaults:
            return pd.Series(np.full(self.n, self.plan.defaults[name], dtype=object))
        return None

    def has(self, name: str) -> bool:
        """True when ``name`` has a source column or a default."""
        return self.plan.has(name)

    def text(self, name: str) -> pd.Series:
        """``name`` as stripped text (``""`` for missing or when the column is absent)."""
        if name not in self._text:
            series = self.get(name)
            if series is None:  # absent column: one shared all-empty Series (never mutated)
                if "" not in self._text:
                    self._text[""] = text_series(np.full(self.n, "", dtype=object))
                self._text[name] = self._text[""]
            else:
                self._text[name] = as_text(series)
        return self._text[name]

    def label(self, name: str) -> str:
        """Source column name(s) of ``name`` (for ``rejected.column``)."""
        return self.plan.label(name)


def numbered(prefix: str, numbers: np.ndarray, suffix: str = "") -> np.ndarray:
    """``prefix + str(number) + suffix`` for an array of numbers, vectorised."""
    text = pd.Series(np.asarray(numbers), dtype=object).astype(str)
    return (prefix + text + suffix).to_numpy(dtype=object)


def text_series(values: Any) -> pd.Series:
    """A text Series (pandas ``str`` dtype) from an array of str (``None``/NaN -> ``""``).

    Built through a pyarrow dictionary (one conversion per distinct value), which is
    several times faster than converting every element for the usual low-cardinality
    columns.
    """
    values = np.asarray(values, dtype=object)
    if values.size and isinstance(values[0], str) and bool((values == values[0]).all()):
        codes, uniques = np.zeros(values.size, dtype=np.int64), values[:1]  # one value
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return text_from_codes(codes, uniques)


def text_from_codes(codes: np.ndarray, table: Any) -> pd.Series:
    """A text Series from codes into a table of texts (code -1: ``""``)."""
    dtype = text_dtype()
    uniques = np.asarray(table, dtype=object)
    codes = np.asarray(codes)
    if dtype is object:  # pragma: no cover - old pandas
        return pd.Series(np.append(np.asarray(uniques, dtype=object), "")[codes], dtype=object)
    import pyarrow as pa

    table = pa.array(np.append(np.asarray(uniques, dtype=object), ""), type=pa.large_string())
    index = pa.array(np.where(codes < 0, len(uniques), codes).astype(np.int32))
    return pd.Series(pa.DictionaryArray.from_arrays(index, table).cast(pa.large_string()),
                     dtype=dtype)


def spread(series: pd.Series, func: Any, width: int) -> list[np.ndarray]:
    """Apply ``func`` (value -> tuple of ``width`` results) per distinct value; one array
    per result, missing cells get ``""``."""
    codes, uniques = distinct(series)
    tables = [np.empty(len(uniques) + 1, dtype=object) for _ in range(width)]
    for i, value in enumerate(uniques):  # distinct values only
        for table, item in zip(tables, func(value), strict=True):
            table[i] = item
    for table in tables:
        table[-1] = ""
    return [table[codes] for table in tables]


def blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """True for rows where every cell is missing."""
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        blank &= frame[col].isna().to_numpy()
        if not blank.any():
            break
    return blank & (frame.shape[1] > 0)


def dates_and_years(cols: SourceColumns, rej: Rejections, skip: np.ndarray,
                    date_name: str = "date") -> tuple[DateResult | None, np.ndarray]:
    """Parse ``date`` (and ``year``); reject bad values; return (dates, year per row).

    The year is the date's year when a date is given, else the ``year`` column's value.
    Rows with neither are not rejected here (the caller knows what else may give a year).
    """
    year = np.zeros(cols.n, dtype=np.int64)
    result = None
    if cols.has(date_name):
        series = cols.get(date_name)
        assert series is not None
        result = parse_dates(series)
        rej.add(result.bad & ~skip, cols.label(date_name), series, result.reason)
        year = result.year.copy()
    if cols.has("year"):
        series = cols.get("year")
        assert series is not None
        numbers = parse_numbers(series)
        value = numbers.values
        ok = (~numbers.missing & ~numbers.bad & (np.floor(value) == value)
              & (value >= 1950) & (value <= 2100))
        bad = ~numbers.missing & ~ok
        rej.add(bad & ~skip, cols.label("year"), series,
                "not a plausible year (a whole number 1950-2100)")
        fill = (year == 0) & ok
        year[fill] = value[fill].astype(np.int64)
    return result, year


def countries(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(alpha-2 codes, missing, unknown) of a country column."""
    text = as_text(series)
    missing = (text == "").to_numpy()
    codes, found = normalise_country(text.to_numpy(dtype=object))
    return np.asarray(codes, dtype=object), missing, ~found & ~missing


_CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "US$": "USD", "USD$": "USD"}


@lru_cache(maxsize=1)
def _iso_currencies() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def _currency(value: Any) -> str:
    text = re.sub(r"\s+", "", str(value)).upper()
    text = _CURRENCY_SYMBOLS.get(text, text)
    return text if text in _iso_currencies() else "?"


def currencies(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(ISO 4217 codes, unknown mask) of a currency column (``""`` where missing)."""
    codes = spread(text.where(text != "", None), lambda v: (_currency(v),), 1)[0]
    unknown = codes == "?"
    return np.where(unknown, "", codes), unknown


def attach_extras(data: dict[str, Any], frame: pd.DataFrame, extras: Sequence[str],
                  positions: np.ndarray) -> pd.DataFrame:
    """Build the output frame: canonical columns, then the extra source columns."""
    out = pd.DataFrame(data)
    for name in extras:
        target = name if name not in out.columns else f"{name} (source)"
        out[target] = frame[name].iloc[positions].reset_index(drop=True)
    return out
