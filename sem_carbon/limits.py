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
MAX_ROW_CO2E_KG : float [kgCO2e]
    One million tonnes CO2e from one row: half the yearly footprint of the whole UN
    system (about 2 MtCO2e in 2019, Greening the Blue). A row beyond it (a meter reading
    of 1e300 kWh) is an input error, and so is a result that is not finite.
MAX_SUPPLIER_FACTOR_KG_PER_KWH : float [kgCO2e/kWh]
    2 kgCO2e/kWh for a market-based electricity supplier or certificate factor: no
    generation technology emits that much (see the constant), so a factor beyond it is a
    unit slip (gCO2e/kWh or kgCO2e/MWh written as kgCO2e/kWh), not a tariff.
MAX_ENERGY_FACTOR_KG_PER_KWH : float [kgCO2e/kWh]
    The same 2 kgCO2e/kWh for a factor per unit of energy in a factor edition
    (electricity, heat, fuel and biogenic CO2 per kWh or GJ): the largest in the bundled
    editions are 1.3063 (Ember, Turkmenistan 2023), 0.3887 (DESNZ 2016 coking coal),
    0.3536 (biogenic CO2 of wood chips, DESNZ 2019) and 0.1761 (onsite heat, DESNZ 2019).

Nothing is not a trip
---------------------
A count of 0 is rejected as well (:func:`zero_reason`): a leg with no traveller, a hotel
stay with no guest, no night or no room. Such a row is an entry error or a cancellation
recorded as a trip; computed, it would vanish into the totals as 0 kg without a word.
"""

from __future__ import annotations

import contextlib
import decimal
import math
import numbers
from typing import Any

import numpy as np

__all__ = [
    "EARTH_MEAN_RADIUS_KM",
    "MAX_ENERGY_FACTOR_KG_PER_KWH",
    "MAX_LEG_KM",
    "MAX_NIGHTS",
    "MAX_PASSENGERS",
    "MAX_ROOMS",
    "MAX_ROW_CO2E_KG",
    "MAX_SUPPLIER_FACTOR_KG_PER_KWH",
    "SUPPLIER_FACTOR_REASON",
    "YEAR_RANGE",
    "YEAR_REASON",
    "beyond",
    "checked_year",
    "limit_reason",
    "plausible_years",
    "zero_reason",
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

#: Largest plausible result of one row [kgCO2e] (1 MtCO2e).
MAX_ROW_CO2E_KG = 1e9

#: Largest plausible electricity supplier (market-based) factor [kgCO2e/kWh].
#:
#: Life-cycle emissions of the most emitting generation technology, pulverised coal, have
#: a median of 820 gCO2eq/kWh in IPCC AR5 WGIII Annex III, Table A.III.2 (Schlömer et al.
#: 2014, "Technology-specific cost and performance parameters"; natural gas combined cycle
#: 410-650, median 490); the highest yearly grid average in the bundled ``ember-grid``
#: edition is Turkmenistan 2023, 1,306.30 gCO2e/kWh (full life cycle, upstream methane
#: included). 2 kgCO2e/kWh is 2.4 times the coal median and 1.5 times that grid: a
#: supplier factor above it is no electricity, but a factor in gCO2e/kWh or kgCO2e/MWh
#: given as kgCO2e/kWh (1,000 times too large).
MAX_SUPPLIER_FACTOR_KG_PER_KWH = 2.0

#: Largest plausible factor per unit of energy in a factor edition [kgCO2e/kWh]: the
#: supplier-factor limit, as nothing burnt or generated emits more per kWh. The bundled
#: editions stay well below it (largest: electricity 1.3063, Ember Turkmenistan 2023;
#: fuel 0.3887, DESNZ 2016 coking coal; biogenic CO2 0.3536, DESNZ 2019 wood chips; heat
#: 0.1761, DESNZ 2019 onsite heat; ``tests/test_factor_integrity.py`` checks them all).
#: A factor beyond it is one in g/kWh or kg/MWh written as kg/kWh.
MAX_ENERGY_FACTOR_KG_PER_KWH = MAX_SUPPLIER_FACTOR_KG_PER_KWH

#: The reject reason of a supplier factor over :data:`MAX_SUPPLIER_FACTOR_KG_PER_KWH`
#: (readers, ``calculate`` on a DataFrame and ``sc.electricity`` alike).
SUPPLIER_FACTOR_REASON = (
    f"supplier factor over {MAX_SUPPLIER_FACTOR_KG_PER_KWH:g} kgCO2e/kWh is not plausible: "
    "no generation technology emits that much (coal about 0.82 kgCO2e/kWh over its life "
    "cycle, IPCC AR5); is it in gCO2e/kWh or kgCO2e/MWh? (see docs/limits.md)")

#: Plausible calendar years of an activity (first, last).
YEAR_RANGE = (1950, 2100)

#: The reject reason of a year that is not a whole number in :data:`YEAR_RANGE` (the
#: readers, ``calculate`` on a DataFrame and Dask, and ``year=`` of the scalar calls).
YEAR_REASON = f"not a plausible year (a whole number {YEAR_RANGE[0]}-{YEAR_RANGE[1]})"


def plausible_years(values: np.ndarray) -> np.ndarray:
    """Mask of the values that are a plausible year: whole numbers in :data:`YEAR_RANGE`.

    NaN (a missing year) is not plausible: mask it out first where missing is allowed.

    Parameters
    ----------
    values : array_like of float
        Years as numbers (``2019.0`` is 2019; ``2019.5``, ``19`` and ``-2019`` are none).
    """
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return ((np.floor(values) == values) & (values >= YEAR_RANGE[0])
                & (values <= YEAR_RANGE[1]))


def checked_year(value: Any) -> int:
    """``value`` as a year, or :class:`~sem_carbon.errors.InvalidActivityError` naming
    :data:`YEAR_REASON` (the rule the readers apply to a ``year`` cell).

    A whole number in :data:`YEAR_RANGE`, as a number (``2019``, ``2019.0``, numpy
    integers, a ``Decimal``) or as text (``"2019"``); a bool is no year (``True`` is not 1 AD).

    >>> checked_year("2019")
    2019
    """
    if type(value) is int and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        return value  # the usual case, without numpy (scalar calls run it twice each)
    from .errors import InvalidActivityError

    number = math.nan
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            number = float(value.strip())
    elif (isinstance(value, numbers.Real | decimal.Decimal)
          and not isinstance(value, bool | np.bool_)):
        number = float(value)
    if not bool(plausible_years(np.array([number]))[0]):
        raise InvalidActivityError(f"year {value!r}: {YEAR_REASON}")
    return int(number)


def beyond(values: np.ndarray, limit: float) -> np.ndarray:
    """Mask of values that are finite but larger than ``limit``.

    Non-finite and negative values are not flagged here: they have their own reasons
    ("not a number", "negative").
    """
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (values > limit)


def limit_reason(name: str, limit: float, unit: str = "") -> str:
    """The reject reason for a value beyond ``limit`` (one wording everywhere).

    >>> limit_reason("passengers", MAX_PASSENGERS)
    'passengers over 1,000 on one row is not plausible (split the row, see docs/limits.md)'
    """
    shown = f"{limit:,.0f}" + (f" {unit}" if unit else "")
    return f"{name} over {shown} on one row is not plausible (split the row, see docs/limits.md)"


#: What a count of 0 means on a travel row, and what to do (see :func:`zero_reason`).
_ZERO = {
    "passengers": ("a leg with no traveller", "the number of travellers"),
    "guests": ("a hotel stay with no guest", "the number of guests"),
    "nights": ("a hotel stay of no night", "the number of nights"),
    "rooms": ("a hotel stay in no room", "the number of rooms"),
}


def zero_reason(name: str, column: str | None = None) -> str:
    """The reject reason for a count of 0 (one wording everywhere).

    Parameters
    ----------
    name : str
        What is counted: ``"passengers"``, ``"guests"`` (passengers on a hotel row),
        ``"nights"`` or ``"rooms"``.
    column : str, optional
        The column (or argument) the 0 was given in; default ``name``.

    >>> zero_reason("passengers")
    'passengers 0: a leg with no traveller; remove the row or give the number of travellers'
    >>> zero_reason("guests", "passengers")
    'passengers 0: a hotel stay with no guest; remove the row or give the number of guests'
    """
    what, give = _ZERO[name]
    return f"{column or name} 0: {what}; remove the row or give {give}"
