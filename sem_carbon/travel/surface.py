"""Rail, road and hotel factors as vectorised lookups.

Rail, bus, coach and taxi factors are per passenger-km; car and motorbike factors are per
vehicle-km (one car carrying three colleagues is one vehicle: book it once). Hotel
factors are per room-night, by country (Cornell Hotel Sustainability Benchmarking index
via the Hotel Footprinting Tool, as published in the DESNZ "Hotel stay" tables).

References
----------
.. [1] DESNZ/BEIS, Greenhouse gas reporting: conversion factors (2019-2024), sheets
   "Business travel- land" and "Hotel stay".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..errors import UnknownFactorError
from ..factors import FactorSet, load_factors, per_edition
from ..factors.catalogue import desnz_years
from ..vocabulary import aliases, clean

if TYPE_CHECKING:
    pass

__all__ = [
    "ROAD_VEHICLES",
    "fuel_checks",
    "hotel_rows",
    "road_keys",
    "rooms_not_read",
]

#: vehicle -> (default size, basis, default fuel)
ROAD_VEHICLES: dict[str, tuple[str, str, str]] = {
    "car": ("average", "vehicle_km", "unknown"),
    "motorbike": ("average", "vehicle_km", ""),
    "taxi": ("regular", "passenger_km", ""),
    "bus": ("average_local", "passenger_km", ""),
    "coach": ("", "passenger_km", ""),
}


def fuel_checks(vehicle: object, fuel: object) -> tuple[np.ndarray, np.ndarray]:
    """Per row, (reject reason, note) of the fuel given for a road vehicle.

    Parameters
    ----------
    vehicle : array-like of str
        Canonical vehicle keys (``car``, ``taxi`` ...; ``""`` for an unknown vehicle).
    fuel : array-like of str
        The fuel as given (blank: none).

    Returns
    -------
    reason : ndarray of str
        On a car, a fuel word the car fuels vocabulary does not hold (``hydrogen``, ``full
        hybrid``): the reject reason, naming the value and the known words; ``""`` elsewhere.
    note : ndarray of str
        On a taxi, bus, coach or motorbike, a fuel given: DESNZ publishes that vehicle's
        factors without a fuel type, so the fuel is not used (the vehicle's factor is the
        right one; the row says so); ``""`` elsewhere. Worked out per distinct pair.
    """
    import pandas as pd

    from ..vocabulary import normalise

    v = np.atleast_1d(np.asarray(vehicle, dtype=object))
    f = np.broadcast_to(np.asarray(fuel if fuel is not None else "", dtype=object), v.shape)
    text = pd.Series(f, dtype=object).fillna("").astype(str).str.strip().to_numpy(dtype=object)
    pair, pairs = pd.factorize(pd.Series(v.astype(str), dtype=object) + "|" + text)
    reasons, notes = [], []
    for item in np.asarray(pairs, dtype=object):  # distinct (vehicle, fuel) pairs only
        name, given = str(item).split("|", 1)
        words = normalise("road_fuel", pd.Series([given], dtype=object))
        reason = note = ""
        if name == "car" and words.rejected[0]:
            reason = str(words.reason[0])
        elif name and name != "car" and given and words.value[0] != "unknown":
            note = (f"fuel {given!r} not used: DESNZ publishes {name} factors without fuel "
                    "type")
        reasons.append(reason)
        notes.append(note)
    reason_of = np.array([*reasons, ""], dtype=object)[:-1]
    note_of = np.array([*notes, ""], dtype=object)[:-1]
    return reason_of[pair], note_of[pair]


def rooms_not_read(mode: str) -> str:
    """The note on a row of ``mode`` (not a hotel stay) that gives a number of rooms: the
    value is not read (the readers and ``calculate`` on a DataFrame say it alike)."""
    article = "an" if mode[:1] in "aeiou" else "a"
    return f"rooms not read on {article} {mode} row (rooms count the rooms of a hotel stay)"


def map_unique(values: object, func: Callable[[str], object]) -> np.ndarray:
    """Apply ``func`` to each distinct text of ``values`` in
    :func:`sem_carbon.vocabulary.clean` form and spread the results back: cost grows
    with distinct values, not rows."""
    import pandas as pd

    arr = np.atleast_1d(np.asarray(values, dtype=object))
    text = pd.Series(arr, dtype=object).fillna("").astype(str).to_numpy(dtype=str)
    uniques, inverse = np.unique(text, return_inverse=True)
    mapped = np.array(
        [func(clean(u)) for u in uniques] + [None], dtype=object
    )[:-1]
    return mapped[inverse.reshape(-1)]


def road_keys(vehicle: object, fuel: object = None, size: object = None) -> dict[str, np.ndarray]:
    """Road factor keys (vehicle, size, fuel, basis) for arrays of vehicle/fuel names.

    Unknown vehicles get an empty vehicle key (no factor matches, so the row is rejected
    by the caller with the value named).
    """
    vehicles, fuels = aliases("vehicle"), aliases("road_fuel")
    v = map_unique(vehicle, lambda x: vehicles[x].canonical if x in vehicles else "")
    n = len(v)
    fuel_arr = np.broadcast_to(np.asarray(fuel if fuel is not None else "", dtype=object), (n,))
    size_arr = np.broadcast_to(np.asarray(size if size is not None else "", dtype=object), (n,))
    fuel_clean = map_unique(fuel_arr, lambda f: fuels[f].canonical if f in fuels
                            else f.replace(" ", "_") or "unknown")
    size_clean = map_unique(size_arr, lambda x: x.replace(" ", "_"))
    default_size = map_unique(v, lambda x: ROAD_VEHICLES.get(x, ("", "", ""))[0])
    basis = map_unique(v, lambda x: ROAD_VEHICLES.get(x, ("", "", ""))[1])
    uses_fuel = v == "car"
    out_fuel = np.where(uses_fuel, np.where(fuel_clean == "", "unknown", fuel_clean), "")
    out_size = np.where(size_clean == "", default_size, size_clean)
    return {"vehicle": v, "size": out_size, "fuel": out_fuel, "basis": basis}


def hotel_rows(fs: FactorSet, country: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hotel factor per room-night for alpha-2 countries, with documented fallbacks.

    Fallback order for a country the edition does not publish:

    1. the same country in the nearest other DESNZ edition that publishes it (earlier
       editions first: "last published value");
    2. the median of all countries the edition publishes ("global median").

    Returns
    -------
    value : ndarray [kgCO2e / room-night]
    edition : ndarray of str
        Edition the value came from.
    note : ndarray of str
        Empty, or the fallback used.
    """
    country = np.asarray(country, dtype=object)
    uniques, inverse = np.unique(country.astype(str), return_inverse=True)
    values = np.empty(len(uniques))
    editions = np.empty(len(uniques), dtype=object)
    notes = np.empty(len(uniques), dtype=object)
    own = _hotel_map(fs)
    median_source = fs if own else _nearest_with_hotels(fs)
    reference = _hotel_map(median_source)
    median = float(np.median(list(reference.values())))
    for i, code in enumerate(uniques):  # loop over unique countries only
        if code in own:
            values[i], editions[i], notes[i] = own[code], fs.id, ""
            continue
        found = _hotel_other_editions(fs, code)
        if found is not None:
            values[i], editions[i] = found[1], found[0]
            notes[i] = (f"{fs.id} publishes no hotel factor for {code}; "
                        f"used the {found[0]} value (nearest edition that publishes it)")
        else:
            values[i], editions[i] = median, median_source.id
            notes[i] = (f"no DESNZ edition publishes a hotel factor for {code}; used the median "
                        f"of the {len(reference)} countries in {median_source.id} "
                        f"({median:.4g} kgCO2e/room-night)")
    inverse = inverse.reshape(-1)
    return values[inverse], editions[inverse], notes[inverse]


@per_edition
def _hotel_map(fs: FactorSet) -> dict[str, float]:
    if "hotel" not in fs.categories:
        return {}
    frame = fs.table("hotel")
    plain = frame[frame["city"] == ""] if "city" in frame.columns else frame
    return dict(zip(plain["country"], plain["value"].astype(float), strict=True))


def _other_editions(fs: FactorSet) -> list[FactorSet]:
    """Other DESNZ editions, nearest earlier first, then nearest later."""
    own_year = fs.year
    order = sorted((y for y in desnz_years() if y != own_year),
                   key=lambda y: (y > own_year, abs(y - own_year)))
    return [load_factors(f"desnz-{year}") for year in order]


def _nearest_with_hotels(fs: FactorSet) -> FactorSet:
    for other in _other_editions(fs):
        if _hotel_map(other):
            return other
    raise UnknownFactorError("no installed DESNZ edition publishes hotel factors")


def _hotel_other_editions(fs: FactorSet, code: str) -> tuple[str, float] | None:
    for other in _other_editions(fs):
        values = _hotel_map(other)
        if code in values:
            return other.id, values[code]
    return None

