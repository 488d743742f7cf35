"""Result columns of the travel calculators, built once for a table and for one trip.

:func:`sem_carbon.travel.batch.compute_travel` and the scalar helpers
(:func:`sem_carbon.flight`, :func:`sem_carbon.rail` ...) build their results with the
functions here (air: :meth:`sem_carbon.travel.air.AirLegs.columns`), so a trip computed
alone carries exactly the inventory row :func:`sem_carbon.calculate` writes for it
(:attr:`sem_carbon.Emission.rows`).
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ..factors import FactorSet
from ..factors.lookup import factor_columns
from ..schema import TRAVEL_RESULTS

__all__ = ["NOT_AIR", "hotel_columns", "lookup_columns", "split_rows"]

#: Provenance columns of rows that are not flights.
NOT_AIR: dict[str, Any] = {"haul_rule": "", "radiative_forcing": False,
                           "rf_multiplier": np.nan}


def lookup_columns(fs: FactorSet, category: str, row: np.ndarray, quantity: np.ndarray,
                   key_text: np.ndarray, unit: str | np.ndarray, method: str,
                   notes: str | np.ndarray = "", distance_km: np.ndarray | None = None
                   ) -> dict[str, Any]:
    """Columns of rows computed as factor x quantity (rail, road).

    Parameters
    ----------
    fs : FactorSet
        The edition serving the rows.
    category : str
    row : ndarray of int
        Row of each activity in ``fs.table(category)`` (all found).
    quantity : ndarray
        Passenger-km or vehicle-km per activity.
    key_text : ndarray of str
        The factor's keys as text (``"national"``, ``"car/medium/diesel"``).
    unit : str or ndarray of str
        Unit of the factor (per row when it differs).
    method : str
    notes : str or ndarray of str
    distance_km : ndarray, optional
    """
    import pandas as pd

    cols = factor_columns(fs, category)
    q = np.asarray(quantity, dtype=float)
    return {
        "category": category, "scope": 3, "co2e_kg": cols.value[row] * q,
        "co2_kg": cols.co2[row] * q, "ch4_kg": cols.ch4[row] * q, "n2o_kg": cols.n2o[row] * q,
        "rf_kg": 0.0, "biogenic_co2_kg": 0.0, "memo_co2e_kg": 0.0, "factor_id": fs.id,
        "factor_key": f"{category}:" + pd.Series(key_text).astype(str).to_numpy(),
        "factor_value": cols.value[row], "factor_unit": unit, "method": method,
        "notes": notes, "distance_km": np.nan if distance_km is None else distance_km,
        "haul": "", **NOT_AIR,
    }


def hotel_columns(value: np.ndarray, edition: np.ndarray, country: np.ndarray,
                  nights: np.ndarray, method: str, notes: str | np.ndarray) -> dict[str, Any]:
    """Columns of hotel rows: room-nights x the factor of the country (from ``edition``)."""
    import pandas as pd

    q = np.asarray(nights, dtype=float)
    return {
        "category": "hotel", "scope": 3, "co2e_kg": value * q, "co2_kg": np.nan,
        "ch4_kg": np.nan, "n2o_kg": np.nan, "rf_kg": 0.0, "biogenic_co2_kg": 0.0,
        "memo_co2e_kg": 0.0, "factor_id": edition,
        "factor_key": "hotel:" + pd.Series(country).astype(str).to_numpy(),
        "factor_value": value, "factor_unit": "kgCO2e / room_night", "method": method,
        "notes": notes, "distance_km": np.nan, "haul": "", **NOT_AIR,
    }


_PLAIN = frozenset({str, float, int, bool})


def split_rows(columns: dict[str, Any], n: int) -> tuple[dict[str, Any], ...]:
    """The ``n`` rows of result columns as plain mappings (scalar results)."""
    # a pandas column exists only once pandas is imported: a scalar call need not import it
    pd = sys.modules.get("pandas")
    vectors = (np.ndarray,) if pd is None else (np.ndarray, pd.Categorical, pd.Series)

    def values(column: Any) -> list[Any]:  # a column's n values as Python objects
        if type(column) in _PLAIN:  # one value for all rows (most columns): the cheap test
            return [column] * n
        if isinstance(column, np.ndarray) and column.ndim and column.dtype != object:
            return column.tolist()  # numbers and booleans: Python ones already
        if isinstance(column, vectors) and np.ndim(column):
            items = np.asarray(column, dtype=object).tolist()
        else:
            return [column.item() if isinstance(column, np.generic) else column] * n
        return [x.item() if isinstance(x, np.generic) else x for x in items]

    lists = {name: values(columns[name]) for name in TRAVEL_RESULTS}
    return tuple({name: lists[name][i] for name in TRAVEL_RESULTS} for i in range(n))
