"""Constant prices: amounts deflated to a base year with a price index the user supplies.

No open price index small enough to bundle ships offline with a Python package today
(the ``cpi`` package carries the US BLS CPI but is about 60 MB and warns on import when
its data are a few months old), so sem-carbon reads the index the organisation uses: a
table of ``year``, ``index`` and optionally ``currency`` (one index per currency, for
example national CPIs, or one index for all amounts already converted to one currency).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputFormatError

__all__ = ["PriceIndex"]


class PriceIndex:
    """A yearly price index: ``deflate`` expresses amounts in base-year prices.

    Parameters
    ----------
    table : DataFrame or path
        Columns ``year``, ``index`` (any base: only ratios are used) and optional
        ``currency`` (blank or absent: the index applies to every currency).
    name : str, optional
        Label written in results (default: the file name or "price index").

    Notes
    -----
    ``real = nominal x index[base_year] / index[year]``; a year or currency without an
    index is rejected with the reason, never carried over from a neighbouring year.
    """

    def __init__(self, table: pd.DataFrame | str | os.PathLike[str], name: str | None = None
                 ) -> None:
        if isinstance(table, pd.DataFrame):
            frame, label = table.copy(), name or "price index"
        else:
            path = Path(table)
            if not path.is_file():
                raise InputFormatError(f"price index table not found: {path}")
            frame, label = pd.read_csv(path, dtype=str, keep_default_na=False), name or path.name
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        missing = [c for c in ("year", "index") if c not in frame.columns]
        if missing:
            raise InputFormatError(f"price index lacks column(s) {', '.join(missing)}")
        year = pd.to_numeric(frame["year"], errors="coerce")
        index = pd.to_numeric(frame["index"], errors="coerce")
        bad = year.isna() | (year % 1 != 0) | ~(np.isfinite(index) & (index > 0))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputFormatError(f"price index row {i + 2}: year {frame['year'].iloc[i]!r} "
                                   f"or index {frame['index'].iloc[i]!r} is not usable")
        currency = (frame["currency"].fillna("").astype(str).str.strip().str.upper()
                    if "currency" in frame.columns else pd.Series("", index=frame.index))
        self.name = label
        self.table = pd.DataFrame({"currency": currency, "year": year.astype(int),
                                   "index": index.astype(float)})
        if self.table.duplicated(["currency", "year"]).any():
            raise InputFormatError("price index lists a year twice for one currency")
        self._lookup = {(c, int(y)): float(v) for c, y, v in self.table.itertuples(index=False)}

    def deflate(self, amount: Any, year: Any, base_year: int, currency: Any = None
                ) -> pd.DataFrame:
        """Amounts in ``base_year`` prices.

        Parameters
        ----------
        amount : array-like of float
            Nominal amounts [money].
        year : array-like of int
            Year of each amount.
        base_year : int
        currency : array-like of str, optional
            Used when the index has a ``currency`` column.

        Returns
        -------
        DataFrame
            ``amount`` (NaN when rejected), ``factor`` (index[base] / index[year]),
            ``reason`` ("" when deflated).
        """
        values = pd.to_numeric(pd.Series(amount), errors="coerce").to_numpy(float)
        years = pd.to_numeric(pd.Series(year), errors="coerce").to_numpy(float)
        codes = (pd.Series("", index=range(len(values))) if currency is None
                 else pd.Series(currency).fillna("").astype(str).str.strip().str.upper())
        factor = np.full(len(values), np.nan)
        reason = np.full(len(values), "", dtype=object)
        pairs = pd.DataFrame({"c": codes.to_numpy(), "y": years})
        for (code, y), rows in pairs.groupby(["c", "y"], dropna=False).groups.items():
            rows = np.asarray(rows)
            key = code if (code, int(base_year)) in self._lookup else ""
            if np.isnan(y):
                reason[rows] = "no year to deflate"
                continue
            here, base = self._lookup.get((key, int(y))), self._lookup.get((key, int(base_year)))
            if here is None or base is None:
                missing = int(y) if here is None else int(base_year)
                reason[rows] = f"{self.name} has no index for {missing}" + \
                    (f" ({code})" if code else "")
                continue
            factor[rows] = base / here
        return pd.DataFrame({"amount": values * factor, "factor": factor, "reason": reason})
