"""Plausibility limits: values beyond them are rejected with a reason, never computed.

A carbon inventory that an office reports on must not hold a figure that no real
activity could produce (``inf`` from a distance of 1e308 km, a billion passengers on one
ticket). The readers, the batch calculators and the scalar helpers all check against the
limits below, so a row gets the same verdict whichever way it enters.

The limits are deliberately generous: they stop corrupt or mistyped cells, not unusual
travel. A user with a genuine case beyond one of them splits the row (several rows of
fewer passengers, nights or kilometres).

Limits
------
MAX_LEG_KM : float [km]
    Half the circumference of the Earth on the IUGG mean radius (π x 6,371.0088 km =
    20,015.1 km): no great-circle leg is longer, and a single surface leg beyond it is a
    typing error (or a yearly total that belongs in several rows).
MAX_PASSENGERS : float [passenger]
    1,000 passengers on one row (a chartered wide-body carries about 500).
MAX_NIGHTS : float [room-night]
    366 nights on one row (one room, one year at most).
MAX_ROOMS : float
    1,000 rooms on one row.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "EARTH_MEAN_RADIUS_KM",
    "MAX_LEG_KM",
    "MAX_NIGHTS",
    "MAX_PASSENGERS",
    "MAX_ROOMS",
    "beyond",
    "limit_reason",
]

#: IUGG mean Earth radius [km] (Moritz 2000, Geodetic Reference System 1980).
EARTH_MEAN_RADIUS_KM = 6371.0088

#: Longest plausible single leg [km]: half the Earth's circumference.
MAX_LEG_KM = math.pi * EARTH_MEAN_RADIUS_KM

#: Most passengers on one row.
MAX_PASSENGERS = 1000.0

#: Most room-nights on one row.
MAX_NIGHTS = 366.0

#: Most rooms on one row.
MAX_ROOMS = 1000.0


def beyond(values: np.ndarray, limit: float) -> np.ndarray:
    """Mask of values that are finite but larger than ``limit``.

    Non-finite and negative values are not flagged here: they have their own reasons
    ("not a number", "negative").
    """
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (values > limit)


def limit_reason(name: str, limit: float, unit: str) -> str:
    """The reject reason for a value beyond ``limit`` (one wording everywhere)."""
    return (f"{name} over {limit:,.0f} {unit} on one row is not plausible "
            f"(split the row, see docs/limits.md)")
