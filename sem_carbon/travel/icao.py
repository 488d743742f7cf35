"""Air travel the UN way: an open implementation of the ICAO calculator method.

``method="icao"`` follows the steps of the ICAO Carbon Emissions Calculator Methodology
v13.1 (August 2024), section 3, per passenger and leg:

1. distance = great-circle distance (GCD) + ICAO's correction (section 4.2): +50 km below
   550 km, +100 km from 550 to 5,500 km, +125 km above 5,500 km;
2. fuel of the aircraft for that distance, per seat. ICAO's own fuel formulas are not
   open; the open substitute is :func:`sem_carbon.travel.fuelburn.seat_fuel_kg` ("model"
   curve): the Seymour et al. (2020) fits of the current narrowbody/widebody fleet,
   weighted by departures, per configured seat (US DOT 2019), evaluated at the mission whose
   simulated path equals the corrected distance (``R = (d - 40.5) / 1.0387``);
3. passenger share of the payload: x passenger-to-cargo factor of the route group;
4. occupied seats: / passenger load factor of the route group (Appendix A, 37 groups,
   traffic of 2016; the route group comes from the ICAO regions of both countries, a
   domestic leg taking its region's "intra" group);
5. cabin class: ICAO v13 derives each seat's factor from airline seat maps (Ch-Aviation),
   which are not open and publishes no fixed multipliers; the open substitute is the
   DESNZ 2024 ratio of each class to the average passenger, narrowbody (short-haul)
   below 1,500 km and widebody (long-haul) above 2,500 km, blended in between;
6. CO2 = 3.16 kg per kg of fuel. CO2 only: no CH4, N2O or radiative forcing.

``method="fuel"`` is an independent fuel-burn estimate: the in-service fuel per seat that
US carriers reported (Form 41) for the same fleet, carried to the leg's GCD with the shape
of the Seymour fits ("in_service" curve), / the fleet's reported load factor, x the route
group's passenger-to-cargo factor, cabins by the same floor-area ratios, x 3.16.

References
----------
.. [1] ICAO (2024). ICAO Carbon Emissions Calculator Methodology, Version 13.1: sections
   3 and 4.2, Appendix A.
.. [2] Seymour et al. (2020), Transportation Research Part D 88, 102528 (CC BY 4.0).
.. [3] US DOT BTS, Form 41 T2, 2019 (public domain).
.. [4] DESNZ (2024). Greenhouse gas reporting: conversion factors 2024, "Business travel-
   air" (Open Government Licence v3.0).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import Any

import attrs
import numpy as np
import pandas as pd

from ..factors import Factor, FactorSet
from ..units import Q_
from .air import AirLegs, haul_by_distance
from .cabins import CABINS
from .fuelburn import _fleet, seat_fuel_kg, widebody_weight

__all__ = ["AIR_METHODS", "CO2_PER_KG_FUEL", "FUEL_EDITION", "GCD_CORRECTION_KM",
           "ICAO_EDITION", "MethodLegs", "cabin_factors", "compute_method", "factorize_pairs",
           "fuel_co2", "icao_co2", "icao_distance", "route_groups"]

#: Air methods: DESNZ factors (default), this ICAO implementation, open fuel burn.
AIR_METHODS: tuple[str, ...] = ("desnz", "icao", "fuel")
ICAO_EDITION = "icao-v13.1"
FUEL_EDITION = "fuelburn-seymour2020-usdot2019"
#: kg CO2 per kg of jet fuel (ICAO v13.1, section 3, step 9).
CO2_PER_KG_FUEL = 3.16
#: ICAO v13.1 section 4.2: (upper GCD bound [km], correction [km]).
GCD_CORRECTION_KM: tuple[tuple[float, float], ...] = ((550.0, 50.0), (5500.0, 100.0),
                                                      (np.inf, 125.0))
_DESNZ_CABINS = "desnz-2024"


def icao_distance(gcd_km: np.ndarray) -> np.ndarray:
    """GCD plus ICAO's correction [km] (v13.1 section 4.2; 5,500 km itself takes +100)."""
    d = np.asarray(gcd_km, dtype=float)
    return d + np.where(d < 550.0, 50.0, np.where(d <= 5500.0, 100.0, 125.0))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[frozenset, int], np.ndarray, list[str]]:
    def read(name: str) -> list[dict]:
        text = resources.files(__package__).joinpath(f"data/{name}.csv").read_text(
            encoding="utf-8")
        return list(csv.DictReader(text.splitlines()))

    region = {r["country"]: r["region"] for r in read("icao_regions")}
    pairs = {frozenset((r["region_a"], r["region_b"])): int(r["group"])
             for r in read("icao_region_pairs")}
    groups = read("icao_route_groups")
    # row g = group g (row 0: no group, the median of the published groups)
    factors = np.array([[float(g["passenger_load_factor"]), float(g["passenger_to_cargo_factor"])]
                        for g in groups])
    if not ((factors > 0.3) & (factors <= 1.0)).all():
        raise ValueError("icao_route_groups.csv: a factor outside (0.3, 1]")
    factors = np.vstack([np.median(factors, axis=0), factors])
    return region, pairs, factors, ["median of Appendix A"] + [g["name"] for g in groups]


def factorize_pairs(a: Any, b: Any) -> tuple[np.ndarray, list[tuple[Any, Any]]]:
    """Codes of the distinct ``(a, b)`` pairs of two equal-length arrays, vectorised.

    Parameters
    ----------
    a, b : array-like
        Values (missing values count as one value each).

    Returns
    -------
    codes : ndarray of int
        Pair code per element.
    pairs : list of tuple
        The distinct pairs, in order of first appearance.
    """
    from ..codes import pair_codes

    return pair_codes(_factorize(a), _factorize(b))


def _factorize(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize`` of one array (missing values kept as a value).

    Two-letter codes (ISO alpha-2 countries as the airport resolver gives them, ``<U2``)
    are factorised as one 8-byte integer each: no Python string per element.
    """
    arr = np.asarray(values)
    if arr.dtype == np.dtype("<U2") and arr.ndim == 1:
        codes, uniques = pd.factorize(np.ascontiguousarray(arr).view(np.uint64),
                                      use_na_sentinel=False)
        return codes, np.asarray(uniques, dtype=np.uint64).view("<U2").astype(object)
    return pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)


def route_groups(origin_country: np.ndarray, destination_country: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ICAO route group of each leg, vectorised over distinct country pairs.

    Returns
    -------
    group : ndarray of int
        Appendix A group number (1-37); 0 where a country has no ICAO region.
    load_factor, cargo_factor : ndarray
        Passenger load factor and passenger-to-cargo factor [fraction].
    """
    region, pairs, factors, _ = _tables()
    o, d = np.asarray(origin_country), np.asarray(destination_country)
    if o.dtype != np.dtype("<U2") or d.dtype != np.dtype("<U2"):  # else kept as 8-byte codes
        o, d = o.astype(object), d.astype(object)
    if not len(o):
        group = np.zeros(0, np.int16)
        return group, factors[group, 0], factors[group, 1]
    # one hash factorisation of the (origin, destination) pairs, then a loop over the
    # distinct country pairs only
    inverse, uniques = factorize_pairs(o, d)
    per_pair = np.zeros(len(uniques), dtype=np.int16)
    for i, (a, b) in enumerate(uniques):
        ra, rb = region.get(str(a)), region.get(str(b))
        if ra is not None and rb is not None:
            per_pair[i] = pairs[frozenset((ra, rb))]
    group = per_pair[inverse]
    return group, factors[group, 0], factors[group, 1]


@lru_cache(maxsize=1)
def cabin_factors() -> np.ndarray:
    """Per-passenger factor of each cabin relative to the average passenger, shape (2, 5).

    Rows narrowbody (DESNZ short-haul), widebody (DESNZ long-haul); columns
    :data:`~sem_carbon.travel.cabins.CABINS`; DESNZ 2024 CO2 factors, after DESNZ's
    cabin fallbacks (short-haul premium economy -> economy, first -> business).
    """
    from ..factors import load_factors
    from .air import air_tables

    co2 = air_tables(load_factors(_DESNZ_CABINS)).co2
    out = np.vstack([co2[1] / co2[1, 0], co2[2] / co2[2, 0]])
    if not np.isfinite(out).all():
        raise ValueError(f"{_DESNZ_CABINS} lacks a cabin ratio")
    return out


def _cabin_factor(cabin: np.ndarray, blend_km: np.ndarray) -> np.ndarray:
    table = cabin_factors()
    c = np.asarray(cabin, dtype=np.intp)
    return table[0, c] + (table[1, c] - table[0, c]) * widebody_weight(blend_km)


def icao_co2(distance_km: np.ndarray, cabin: np.ndarray, origin_country: np.ndarray,
             destination_country: np.ndarray) -> dict[str, np.ndarray]:
    """CO2 per passenger of each leg by the ICAO method [kg], vectorised.

    Parameters
    ----------
    distance_km : ndarray [km]
        Great-circle distance of each leg.
    cabin : ndarray of int
        Cabin codes (:data:`~sem_carbon.travel.cabins.CABINS`).
    origin_country, destination_country : ndarray of str
        ISO alpha-2 of both ends.

    Returns
    -------
    dict of ndarray
        ``co2`` [kg per passenger], ``corrected_km``, ``seat_fuel_kg`` [kg per seat],
        ``group`` (Appendix A number, 0: none), ``load_factor``, ``cargo_factor``,
        ``cabin_factor`` (relative to the average passenger).
    """
    gcd = np.asarray(distance_km, dtype=float)
    flown = icao_distance(gcd)
    mission = (flown - 40.5) / 1.0387  # the Seymour mission whose path equals ``flown``
    fuel = seat_fuel_kg(mission, "model", blend_km=flown)
    group, plf, pcf = route_groups(origin_country, destination_country)
    cabin_f = _cabin_factor(cabin, flown)
    co2 = CO2_PER_KG_FUEL * fuel * pcf / plf * cabin_f
    return {"co2": co2, "corrected_km": flown, "seat_fuel_kg": fuel, "group": group,
            "load_factor": plf, "cargo_factor": pcf, "cabin_factor": cabin_f}


@lru_cache(maxsize=1)
def _fleet_load_factor() -> np.ndarray:
    """Reported load factor (RPK / ASK) of the narrowbody and widebody fleet."""
    out = []
    for family in ("narrowbody", "widebody"):
        rows = [r for r in _fleet() if r["family"] == family]
        rpk = sum(r["usdot_rpk"] for r in rows)
        out.append(rpk / sum(r["usdot_rpk"] / r["usdot_load_factor"] for r in rows))
    return np.array(out)


def fuel_co2(distance_km: np.ndarray, cabin: np.ndarray, origin_country: np.ndarray,
             destination_country: np.ndarray) -> dict[str, np.ndarray]:
    """CO2 per passenger of each leg from in-service fuel burn [kg], vectorised.

    Same parameters as :func:`icao_co2`; the distance is not corrected (the Seymour fits
    include average routing).
    """
    gcd = np.asarray(distance_km, dtype=float)
    fuel = seat_fuel_kg(gcd, "in_service")
    lf = _fleet_load_factor()
    w = widebody_weight(gcd)
    load = lf[0] + (lf[1] - lf[0]) * w
    group, _, pcf = route_groups(origin_country, destination_country)
    cabin_f = _cabin_factor(cabin, gcd)
    co2 = CO2_PER_KG_FUEL * fuel * pcf / load * cabin_f
    return {"co2": co2, "seat_fuel_kg": fuel, "group": group, "load_factor": load,
            "cargo_factor": pcf, "cabin_factor": cabin_f}


# --------------------------------------------------------------------------------------------
# The same result columns as the DESNZ path (AirLegs), for sc.flight and calculate


@attrs.frozen(eq=False)
class MethodLegs(AirLegs):
    """:class:`~sem_carbon.travel.air.AirLegs` of the ``"icao"`` or ``"fuel"`` method.

    ``factor_id`` in the result columns names the method's data edition
    (:data:`ICAO_EDITION` or :data:`FUEL_EDITION`), not a DESNZ edition.
    """

    method_edition: str = ""
    inputs: dict[str, np.ndarray] = attrs.field(factory=dict)

    @property
    def edition(self) -> str:
        return self.method_edition

    def factor(self, leg: int) -> Factor:
        """The effective per-passenger-km figure of one leg as a :class:`Factor`."""
        res = self.figures
        group = int(self.inputs["group"][leg])
        return Factor(
            edition=self.method_edition, category="air",
            keys={"route_group": str(group), "cabin": CABINS[int(res["cabin_used"][leg])]},
            value=Q_(float(res["factor"][leg]), "kgCO2e / passenger / km"),
            gases={"co2": Q_(float(res["factor"][leg]), "kgCO2e / passenger / km")},
            label=f"{self.method_edition}: route group {_tables()[3][group]}",
            source_table="sem_carbon/travel/data (see docs/methodology.md)",
            source=self.method, notes=self.note_table[int(self.note_code[leg])])


def _method_text(method: str) -> str:
    if method == "icao":
        return ("ICAO CEC methodology v13.1 (open implementation): GCD + ICAO correction, "
                "Seymour et al. (2020) fuel per seat of the US DOT 2019 fleet mix, ICAO "
                "Appendix A load and passenger-to-cargo factors by route group, DESNZ 2024 "
                "cabin ratios, 3.16 kgCO2/kg fuel; CO2 only")
    return ("Fuel burn (open): US DOT Form 41 2019 in-service fuel per seat shaped by "
            "Seymour et al. (2020), US DOT fleet load factor, ICAO Appendix A passenger-to-"
            "cargo factor, DESNZ 2024 cabin ratios, 3.16 kgCO2/kg fuel; CO2 only")


def compute_method(method: str, fs: FactorSet, distance_km: np.ndarray, cabin: np.ndarray, *,
                   multiplier: np.ndarray | float = 1.0,
                   origin_country: np.ndarray | None = None,
                   destination_country: np.ndarray | None = None,
                   edition_note: str = "", **_: Any) -> MethodLegs:
    """Flight legs by the ``"icao"`` or ``"fuel"`` method, as :class:`AirLegs` columns.

    Parameters as :func:`sem_carbon.travel.air.compute_air` (``radiative_forcing``,
    ``haul_rule`` and ``co2_only`` do not apply: both methods are CO2 only).
    ``fs`` is kept for provenance only (the year's DESNZ edition).
    """
    if method not in ("icao", "fuel"):
        raise ValueError(f"air method must be one of {AIR_METHODS}, got {method!r}")
    d = np.asarray(distance_km, dtype=float)
    n = len(d)
    origin = np.full(n, "", object) if origin_country is None else origin_country
    dest = np.full(n, "", object) if destination_country is None else destination_country
    cabin = np.asarray(cabin, dtype=np.intp)
    kernel = icao_co2 if method == "icao" else fuel_co2
    out = kernel(d, cabin, origin, dest)
    co2 = out["co2"] * (np.asarray(multiplier, dtype=float) if np.ndim(multiplier)
                        else float(multiplier))
    zero = np.zeros(n)
    factor = np.divide(out["co2"], d, out=np.zeros(n), where=d > 0)
    figures = {"co2": co2, "ch4": zero, "n2o": zero, "rf": zero, "co2e": co2,
               "factor": factor, "haul": haul_by_distance(d), "parts":
               np.column_stack([co2, zero, zero, zero]), "cabin_used": cabin.astype(np.int8),
               "fallback": np.zeros(n, bool)}
    _, _, _, names = _tables()
    group = out["group"].astype(np.intp)
    key_table = [f"{method}:{g}/{c}" for g in range(len(names)) for c in CABINS]
    key_code = group * len(CABINS) + cabin
    no_group = ("no ICAO route group for a country of this leg: the median Appendix A "
                "load and passenger-to-cargo factors are used")
    notes = ["", no_group]
    if edition_note:
        notes = [edition_note, f"{edition_note}; {no_group}"]
    note_code = (group == 0).astype(np.intp)
    edition = ICAO_EDITION if method == "icao" else FUEL_EDITION
    return MethodLegs(factors=fs, method=_method_text(method), haul_rule="distance",
                      radiative_forcing=False, rf_multiplier=float("nan"), figures=figures,
                      note_code=note_code, note_table=notes, key_code=key_code,
                      key_table=key_table, method_edition=edition, inputs=out)

