"""Fuel burn per seat of the typical aircraft for a distance, from open models.

The representative fleet (``data/fuelburn_types.csv``) is the current-production
narrowbody and widebody passenger types in the US DOT Form 41 T2 statistics of 2019,
each with the fuel-burn fit of Seymour et al. (2020), ``F(R) = a1 R^2 + a2 R + c`` [kg] for
a mission over great-circle distance ``R`` [km]. A family's fuel per seat is the weighted
mean of its types; as every fit is quadratic in ``R``, so is the family mean, and the
kernels evaluate three coefficients per family.

Types whose US DOT load factor is below :data:`MIN_PASSENGER_LOAD_FACTOR` are left out:
their T2 rows mix freighter flights into the passenger statistics (the Boeing 767-300/300ER
row reports 0.46 and 341 "seats" per flight, above any passenger cabin of the type; every
passenger type of the table is at 0.70-0.91), so their seats and load factor are not those
of a passenger aircraft.

Two curves are offered:

``"model"`` (used by the ``"icao"`` method)
    ``F_t(R) / seats_t``: the simulated (BADA-based) mission fuel per configured seat,
    types weighted by their **departures** (ICAO v13.1 section 3: the fuel of the types
    serving a route is "weighted by the frequency of departure of each equivalent
    aircraft type"); departures = RPK / (seats x load factor x average trip).
``"in_service"`` (used by the ``"fuel"`` method)
    ``fuel/ASK_t x trip_t x F_t(R) / F_t(trip_t)``: the fuel per available seat that US
    carriers reported for the type over its average trip (Form 41), carried to other
    distances with the shape of the Seymour fit; types weighted by their revenue
    passenger-km (the fleet's traffic).

Narrowbodies serve distances up to 1,500 km, widebodies from 2,500 km, and the two are
blended linearly in between (the convention of the myclimate calculator, which switches
its "standard short-haul" and "standard long-haul" aircraft over the same window).

References
----------
.. [1] Seymour, K., Held, M., Georges, G., Boulouchos, K. (2020). Fuel Estimation in Air
   Transportation: Modeling global fuel consumption for commercial aviation.
   Transportation Research Part D 88, 102528 (SI Table M.7; CC BY 4.0).
.. [2] US DOT BTS, T2: U.S. Air Carrier Traffic and Capacity Statistics by Aircraft Type
   (Form 41 Schedule T-100), 2019 (public domain).
.. [3] myclimate (2019). Flight emissions calculator: calculation principles (short-haul
   < 1,500 km, long-haul > 2,500 km, linear interpolation in between).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import attrs
import numpy as np

__all__ = ["FAMILIES", "MIN_PASSENGER_LOAD_FACTOR", "NARROW_MAX_KM", "WIDE_MIN_KM", "SeatFuel",
           "seat_fuel", "seat_fuel_kg", "type_weights", "widebody_weight"]

FAMILIES: tuple[str, ...] = ("narrowbody", "widebody")
#: Up to this distance [km] only narrowbodies; from ``WIDE_MIN_KM`` only widebodies.
NARROW_MAX_KM = 1500.0
WIDE_MIN_KM = 2500.0
#: Seymour et al. (2020) eq. 6: their simulated flight path is 1.0387 x GCD + 40.5 km.
SEYMOUR_PATH = (1.0387, 40.5)
#: A US DOT T2 row with a lower load factor mixes freighter flights: the type is left out.
MIN_PASSENGER_LOAD_FACTOR = 0.6


@attrs.frozen
class SeatFuel:
    """Quadratic fuel-per-seat curves ``[a1, a2, c]`` per family, ``R`` in km.

    ``coefficients`` has shape (2, 3): rows narrowbody, widebody.
    """

    curve: str
    coefficients: np.ndarray = attrs.field(eq=False)
    types: tuple[str, ...]


@lru_cache(maxsize=1)
def _fleet() -> list[dict]:
    text = resources.files(__package__).joinpath("data/fuelburn_types.csv").read_text(
        encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    for row in rows:
        for key, value in row.items():
            if key not in ("usdot_type", "designator", "family"):
                row[key] = float(value)
                if not np.isfinite(row[key]) or (key != "seymour_a1_kg_per_km2"
                                                 and row[key] <= 0):
                    raise ValueError(f"fuelburn_types.csv: bad {key} for {row['usdot_type']}")
    return [r for r in rows if r["usdot_load_factor"] >= MIN_PASSENGER_LOAD_FACTOR]


def type_weights(rows: list[dict], weighting: str) -> np.ndarray:
    """Weight of each type row in its family mean (sums to 1).

    Parameters
    ----------
    rows : list of dict
        Rows of ``fuelburn_types.csv`` (one family).
    weighting : {"departures", "rpk"}
        ``"departures"``: flights performed, RPK / (seats x load factor x average trip);
        ``"rpk"``: revenue passenger-km.

    Returns
    -------
    ndarray
    """
    rpk = np.array([r["usdot_rpk"] for r in rows])
    if weighting == "departures":
        w = rpk / np.array([r["usdot_seats"] * r["usdot_load_factor"] * r["usdot_trip_km"]
                            for r in rows])
    elif weighting == "rpk":
        w = rpk
    else:
        raise ValueError(f"weighting must be 'departures' or 'rpk', got {weighting!r}")
    return w / w.sum()


@lru_cache(maxsize=2)
def seat_fuel(curve: str = "model") -> SeatFuel:
    """The family curves of ``curve`` ("model" or "in_service")."""
    if curve not in ("model", "in_service"):
        raise ValueError(f"curve must be 'model' or 'in_service', got {curve!r}")
    out = np.zeros((len(FAMILIES), 3))
    for f, family in enumerate(FAMILIES):
        rows = [r for r in _fleet() if r["family"] == family]
        weights = type_weights(rows, "departures" if curve == "model" else "rpk")
        coef = np.array([[r["seymour_a1_kg_per_km2"], r["seymour_a2_kg_per_km"],
                          r["seymour_c_kg"]] for r in rows])
        if curve == "model":
            scale = 1.0 / np.array([r["usdot_seats"] for r in rows])
        else:
            trip = np.array([r["usdot_trip_km"] for r in rows])
            at_trip = coef[:, 0] * trip ** 2 + coef[:, 1] * trip + coef[:, 2]
            scale = np.array([r["usdot_fuel_kg_per_ask"] for r in rows]) * trip / at_trip
        out[f] = (weights[:, None] * coef * scale[:, None]).sum(axis=0)
    return SeatFuel(curve, out, tuple(r["designator"] for r in _fleet()))


def widebody_weight(distance_km: np.ndarray) -> np.ndarray:
    """Share of widebodies at a distance: 0 up to 1,500 km, 1 from 2,500 km, linear between."""
    d = np.asarray(distance_km, dtype=float)
    return np.clip((d - NARROW_MAX_KM) / (WIDE_MIN_KM - NARROW_MAX_KM), 0.0, 1.0)


def seat_fuel_kg(mission_km: np.ndarray, curve: str = "model",
                 blend_km: np.ndarray | None = None) -> np.ndarray:
    """Fuel per seat [kg] of the typical aircraft for missions of ``mission_km``.

    Parameters
    ----------
    mission_km : ndarray [km]
        The ``R`` of the Seymour fits (great-circle distance of the mission).
    curve : {"model", "in_service"}
    blend_km : ndarray [km], optional
        The distance choosing the narrowbody/widebody mix (default ``mission_km``).

    Returns
    -------
    ndarray [kg fuel per seat]
    """
    r = np.maximum(np.asarray(mission_km, dtype=float), 0.0)
    c = seat_fuel(curve).coefficients
    narrow = (c[0, 0] * r + c[0, 1]) * r + c[0, 2]
    wide = (c[1, 0] * r + c[1, 1]) * r + c[1, 2]
    w = widebody_weight(r if blend_km is None else blend_km)
    return narrow + (wide - narrow) * w
