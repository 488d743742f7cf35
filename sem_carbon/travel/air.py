"""Air travel: the DESNZ distance-based method as one numpy kernel.

Per passenger and leg, emissions are the DESNZ factor for the leg's haul band and cabin
class times the great-circle distance. DESNZ factors already include the 8% uplift for
routing and stacking, so no further uplift is applied (DESNZ 2019 methodology paper,
section 8). "With RF" factors multiply the CO2 component only; the radiative-forcing
share is kept as its own figure: ``rf = value_with_rf - value_without_rf``.

Haul rules
----------
``"distance"`` (default)
    Great-circle distance < 500 km -> domestic factors; 500 km to < 3,700 km ->
    short-haul; >= 3,700 km -> long-haul. A UK domestic leg (both ends in the UK, the
    Channel Islands or the Isle of Man, as in the ``"desnz"`` rule) takes DESNZ's
    domestic factors whatever its length, DESNZ's own rule for them (a 534 km
    London-Edinburgh leg is domestic, not short-haul). Legs with a non-UK end are
    unaffected.
``"desnz"``
    DESNZ's own definitions: a leg with one end in the UK is domestic, short-haul or
    long-haul by the other end's country (DESNZ 2024 "Haul definition" table); a leg with
    no UK end uses the "International, to/from non-UK" factors.
``"smooth"``
    As ``"distance"`` (UK domestic legs included), but per-passenger emissions are
    interpolated linearly across a window around each band edge, so that a 3,650 km
    leg never emits more than a 3,750 km one. The window is ``edge x (1 ± w)`` with
    ``w = max(0.10, (f_lo - f_hi) / (f_lo + f_hi))`` for the two per-km factors either
    side of the edge (``f_lo`` below, ``f_hi`` above); that ``w`` is the smallest that
    keeps emissions non-decreasing in distance. Outside the windows the result equals
    the ``"distance"`` rule. UK domestic legs are not blended: they stay domestic.

Cabin fallbacks
---------------
DESNZ does not publish every band/class pair (domestic: average passenger only;
short-haul: average, economy, business). A missing pair falls back along
:data:`CABIN_FALLBACK` (premium economy -> economy -> average; first -> business ->
average; economy/business -> average) and the fallback is recorded on each result.

References
----------
.. [1] BEIS (2019). 2019 Government greenhouse gas conversion factors for company
   reporting: methodology paper, paras 8.1-8.39 (air travel, uplift, radiative forcing).
.. [2] DESNZ (2024). Greenhouse gas reporting: conversion factors 2024, "Business travel-
   air" and "Haul definition" sheets.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import Any

import attrs
import numpy as np

from ..errors import UnknownFactorError
from ..factors import FactorSet, per_edition
from .cabins import CABINS

__all__ = [
    "BAND_EDGES_KM",
    "CABIN_FALLBACK",
    "HAULS",
    "HAUL_RULES",
    "AirLegs",
    "AirTableStack",
    "AirTables",
    "air_kernel",
    "air_method",
    "air_tables",
    "compute_air",
    "compute_air_editions",
    "haul_by_desnz",
    "haul_by_distance",
    "leg_columns",
    "uk_domestic",
]

#: Haul bands in code order (index = haul code).
HAULS: tuple[str, ...] = ("domestic", "short_haul", "long_haul", "international")
#: Distance band edges of the "distance" rule [km]: < 500 domestic, < 3,700 short-haul.
BAND_EDGES_KM: tuple[float, float] = (500.0, 3700.0)
HAUL_RULES: tuple[str, ...] = ("distance", "desnz", "smooth")
_EDGES = np.asarray(BAND_EDGES_KM)

#: Cabin used when a band does not publish the one asked for, tried in order.
CABIN_FALLBACK: dict[str, tuple[str, ...]] = {
    "average": ("economy",),
    "economy": ("average",),
    "premium_economy": ("economy", "average"),
    "business": ("average",),
    "first": ("business", "average"),
}
_UK_TERRITORIES = ("GB", "GG", "IM", "JE")
#: The same, as the 8-byte integers two-letter ``<U2`` codes view as.
_UK_CODES = np.array(_UK_TERRITORIES, dtype="<U2").view(np.uint64)
_UK_SET = frozenset(_UK_TERRITORIES)


@attrs.frozen(eq=False)
class AirTables:
    """Air factors of one edition as dense arrays indexed ``[haul, cabin]``.

    ``co2``, ``ch4``, ``n2o`` are the without-RF components, ``rf`` the extra of the
    with-RF factor; all in kgCO2e per passenger-km, after cabin fallbacks.
    ``used_cabin`` holds the cabin code actually used; ``published`` flags pairs that
    DESNZ publishes.
    """

    edition: str
    co2: np.ndarray
    ch4: np.ndarray
    n2o: np.ndarray
    rf: np.ndarray
    used_cabin: np.ndarray
    published: np.ndarray
    source_rows: dict
    stacked: np.ndarray = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        # (haul, cabin, 4): the kernel gathers all four components in one indexing step
        object.__setattr__(self, "stacked", np.stack([self.co2, self.ch4, self.n2o, self.rf],
                                                     axis=-1))

    def per_km(self, radiative_forcing: bool) -> np.ndarray:
        """Total factor per passenger-km, shape (haul, cabin)."""
        base = self.co2 + self.ch4 + self.n2o
        return base + self.rf if radiative_forcing else base


@attrs.frozen(eq=False)
class AirTableStack:
    """Air factors of several editions with the edition as one more index.

    ``stacked`` is ``(edition * haul, cabin, 4)`` and ``used_cabin`` ``(edition * haul,
    cabin)``: edition ``e``'s haul ``h`` is row ``e * len(HAULS) + h``, so a leg of any
    edition is one fancy-indexing step, as with one edition's :class:`AirTables`.
    """

    editions: tuple[str, ...]
    stacked: np.ndarray
    used_cabin: np.ndarray

    @classmethod
    def of(cls, tables: list[AirTables]) -> AirTableStack:
        """The stack of these editions' tables, in this order.

        Parameters
        ----------
        tables : list of AirTables
            One per edition; edition ``e`` of a leg is ``tables[e]``.
        """
        return cls(editions=tuple(t.edition for t in tables),
                   stacked=np.concatenate([t.stacked for t in tables]),
                   used_cabin=np.concatenate([t.used_cabin for t in tables]))


@per_edition
def air_tables(fs: FactorSet) -> AirTables:
    """Build (once per edition) the dense air-factor arrays with cabin fallbacks."""
    shape = (len(HAULS), len(CABINS))
    values = {rf: np.full(shape, np.nan) for rf in ("false", "true")}
    gases = {g: np.full(shape, np.nan) for g in ("co2", "ch4", "n2o")}
    rows: dict = {}
    haul_ix = {h: i for i, h in enumerate(HAULS)}
    cabin_ix = {c: i for i, c in enumerate(CABINS)}
    for rec in fs.records("air"):  # no pandas for a lazily loaded edition
        h, c = haul_ix.get(rec["haul"]), cabin_ix.get(rec["cabin"])
        if h is None or c is None:
            continue
        rf = rec["radiative_forcing"]
        values[rf][h, c] = rec["value"]
        rows[(h, c, rf)] = rec
        if rf == "false":
            gas = [rec[g] for g in ("co2", "ch4", "n2o")]
            if all(np.isfinite(gas)):
                for g, v in zip(("co2", "ch4", "n2o"), gas, strict=True):
                    gases[g][h, c] = v
            else:  # no split published: the whole factor counts as CO2
                gases["co2"][h, c], gases["ch4"][h, c], gases["n2o"][h, c] = rec["value"], 0, 0
    published = np.isfinite(values["false"]) & np.isfinite(values["true"])
    used = np.tile(np.arange(len(CABINS), dtype=np.int8), (len(HAULS), 1))
    for h in range(len(HAULS)):
        for c, cabin in enumerate(CABINS):
            if published[h, c]:
                continue
            for alternative in CABIN_FALLBACK[cabin]:
                if published[h, cabin_ix[alternative]]:
                    used[h, c] = cabin_ix[alternative]
                    break
            else:
                used[h, c] = -1
    if (used[:3] < 0).any():
        missing = [HAULS[h] for h in range(3) if (used[h] < 0).any()]
        raise UnknownFactorError(f"edition {fs.id} lacks air factors for {', '.join(missing)}")
    hi = np.arange(len(HAULS))[:, None]
    pick = np.where(used < 0, 0, used)

    def take(a: np.ndarray) -> np.ndarray:
        out = a[hi, pick]
        out[used < 0] = np.nan
        return out

    return AirTables(
        edition=fs.id,
        co2=take(gases["co2"]),
        ch4=take(gases["ch4"]),
        n2o=take(gases["n2o"]),
        rf=take(values["true"] - values["false"]),
        used_cabin=used,
        published=published,
        source_rows=rows,
    )



def haul_by_distance(distance_km: np.ndarray) -> np.ndarray:
    """Haul code by the distance rule: 0 domestic < 500 km <= 1 short-haul < 3,700 km <= 2."""
    d = np.asarray(distance_km, dtype=float)
    if d.size <= 64:  # a trip's legs: one search call costs less than the comparisons
        return np.searchsorted(_EDGES, d, side="right").astype(np.int8)
    # the number of edges at or below the distance (two comparisons: a binary search per
    # leg costs more); NaN counts as beyond every edge, as a search would place it
    haul = (d >= BAND_EDGES_KM[0]).astype(np.int8)
    haul += d >= BAND_EDGES_KM[1]
    haul[np.isnan(d)] = len(BAND_EDGES_KM)
    return haul


@lru_cache(maxsize=1)
def _desnz_haul_of_country() -> dict[str, int]:
    text = resources.files(__package__).joinpath("data/desnz_haul_definition.csv").read_text(
        encoding="utf-8")
    index = {h: i for i, h in enumerate(HAULS)}
    return {row["country"]: index[row["haul"]] for row in csv.DictReader(text.splitlines())}


def uk_domestic(origin_country: np.ndarray | None,
                destination_country: np.ndarray | None) -> np.ndarray | None:
    """True for legs with both ends in the UK (or the Channel Islands, the Isle of Man).

    Parameters
    ----------
    origin_country, destination_country : ndarray of str, optional
        ISO alpha-2 of both ends ("" where unknown).

    Returns
    -------
    ndarray of bool, or None when the countries are not given
    """
    if origin_country is None or destination_country is None:
        return None
    o_arr = np.ascontiguousarray(origin_country)
    d_arr = np.ascontiguousarray(destination_country)
    if o_arr.dtype == d_arr.dtype == np.dtype("<U2"):
        # two-letter codes as one 8-byte integer each: a few integer comparisons per leg
        # (no text per leg; pandas would turn an object column into arrow strings first)
        # (compared with each of the few UK codes in turn: np.isin's set-up cost more than
        # the whole leg in a scalar call, and a (legs, 4) comparison array more than these)
        if o_arr.size <= 8:  # a trip's few legs: set look-ups cost less than array calls
            uk = _UK_SET
            return np.array([o in uk and d in uk for o, d in
                             zip(o_arr.tolist(), d_arr.tolist(), strict=True)], dtype=bool)
        o_int, d_int = o_arr.view(np.uint64), d_arr.view(np.uint64)
        if len(o_int) <= 64:  # a few legs: one broadcast comparison per end
            return ((o_int[:, None] == _UK_CODES).any(axis=1)
                    & (d_int[:, None] == _UK_CODES).any(axis=1))
        o_uk, d_uk = o_int == _UK_CODES[0], d_int == _UK_CODES[0]
        for code in _UK_CODES[1:]:  # a table: whole-column comparisons, no (legs, 4) array
            o_uk |= o_int == code
            d_uk |= d_int == code
        return o_uk & d_uk
    # hash lookups (pandas isin), not a sort of a million strings (np.isin on objects)
    import pandas as pd

    uk = frozenset(_UK_TERRITORIES)
    o = pd.Series(np.asarray(origin_country, dtype=object), copy=False)
    d = pd.Series(np.asarray(destination_country, dtype=object), copy=False)
    return (o.isin(uk) & d.isin(uk)).to_numpy(dtype=bool)


def _uk_domestic_over_500(haul: np.ndarray, origin_country: np.ndarray | None,
                          destination_country: np.ndarray | None) -> np.ndarray | None:
    """Mask of UK domestic legs that the distance rule bands above domestic (None: none)."""
    if origin_country is None or destination_country is None:
        return None
    mask = uk_domestic(origin_country, destination_country) & (haul > 0)
    return mask if mask.any() else None


def haul_by_desnz(origin_country: np.ndarray, destination_country: np.ndarray) -> np.ndarray:
    """Haul code by DESNZ's definition, from the ISO alpha-2 countries of both ends.

    A leg with no UK end is "international" (code 3). A UK leg to a country missing from
    the DESNZ table is long-haul (the table lists every country outside Europe as such).
    """
    o = np.asarray(origin_country, dtype=str)
    d = np.asarray(destination_country, dtype=str)
    table = _desnz_haul_of_country()
    o_uk, d_uk = np.isin(o, _UK_TERRITORIES), np.isin(d, _UK_TERRITORIES)
    other = np.where(o_uk, d, o)
    uniques, inverse = np.unique(other, return_inverse=True)
    per_unique = np.array([table.get(u, 2) for u in uniques], dtype=np.int8)
    haul = per_unique[inverse.reshape(-1)] if len(uniques) else np.zeros(0, np.int8)
    return np.where(o_uk | d_uk, haul, np.int8(3)).astype(np.int8)


def air_kernel(
    tables: AirTables,
    distance_km: np.ndarray,
    cabin: np.ndarray,
    radiative_forcing: np.ndarray | bool,
    multiplier: np.ndarray | float = 1.0,
    haul_rule: str = "distance",
    origin_country: np.ndarray | None = None,
    destination_country: np.ndarray | None = None,
    co2_only: bool = False,
    edition: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Emissions of flight legs, vectorised.

    Parameters
    ----------
    tables : AirTables or AirTableStack
        From :func:`air_tables` (one edition), or :class:`AirTableStack` with ``edition``.
    distance_km : ndarray [km]
        Great-circle distance of each leg (one way).
    cabin : ndarray of int
        Cabin codes (see :data:`~sem_carbon.travel.cabins.CABINS`).
    radiative_forcing : bool or ndarray of bool
        Include the non-CO2 (RF) share.
    multiplier : float or ndarray
        Passengers x (2 for a round trip, else 1).
    haul_rule : {"distance", "desnz", "smooth"}
    origin_country, destination_country : ndarray of str, optional
        ISO alpha-2 of each end; needed for ``haul_rule="desnz"``.
    co2_only : bool, default False
        ICAO-like boundary: keep only the CO2 component of the (without-RF) factor; CH4,
        N2O and RF become zero whatever ``radiative_forcing`` says.
    edition : ndarray of int, optional
        Per leg, its edition's position in the :class:`AirTableStack` ``tables``.

    Returns
    -------
    dict of ndarray
        ``haul`` and ``cabin_used`` codes, ``co2``, ``ch4``, ``n2o``, ``rf`` and ``co2e``
        [kgCO2e], ``factor`` [kgCO2e / passenger-km, effective] and ``fallback`` (bool).
    """
    d = np.asarray(distance_km, dtype=float)
    cabin = np.asarray(cabin, dtype=np.intp)
    domestic_uk = None
    if haul_rule == "desnz":
        if origin_country is None or destination_country is None:
            raise ValueError("haul_rule='desnz' needs the countries of both ends")
        haul = haul_by_desnz(origin_country, destination_country)
    elif haul_rule in ("distance", "smooth"):
        haul = haul_by_distance(d)
        domestic_uk = _uk_domestic_over_500(haul, origin_country, destination_country)
        if domestic_uk is not None:
            haul[domestic_uk] = 0
    else:
        raise ValueError(f"haul_rule must be one of {HAUL_RULES}, got {haul_rule!r}")
    # each leg's entry in the flattened (edition x haul x cabin) tables: its haul in its
    # edition's block of a stack, and its cabin
    base = 0 if edition is None else np.asarray(edition, dtype=np.intp) * len(HAULS)
    row = haul if edition is None else base + haul
    entry = row * len(CABINS) + cabin
    if isinstance(radiative_forcing, bool | np.bool_):
        rf_f: np.ndarray | float = 1.0 if radiative_forcing else 0.0
    else:
        rf_f = np.asarray(radiative_forcing, dtype=float)
    # the four per-km components [co2, ch4, n2o, rf] of every entry, the boundary applied
    # on the small table (one RF flag for all legs) or per leg; one gather per component
    components, sums, used = _entry_tables(tables, rf_f if isinstance(rf_f, float) else 1.0,
                                           co2_only)
    parts = [component.take(entry) for component in components]  # per km, for now
    if not isinstance(rf_f, float):
        parts[3] *= rf_f
    if haul_rule != "smooth":  # the effective factor is the published one
        factor = sums.take(entry) if isinstance(rf_f, float) else _sum_of(parts)
    for part in parts:  # per passenger, in place (no new column per component)
        part *= d
    if haul_rule == "smooth":
        _smooth_band_edges(tables, d, cabin, rf_f, parts, domestic_uk, base)
        factor = np.divide(_sum_of(parts), d, out=np.zeros_like(d), where=d > 0)
    scale = np.asarray(multiplier, dtype=float).reshape(-1) if np.ndim(multiplier) \
        else float(multiplier)
    for part in parts:
        part *= scale
    cabin_used = used.take(entry)
    return {
        "co2": parts[0], "ch4": parts[1], "n2o": parts[2], "rf": parts[3],
        "co2e": _sum_of(parts), "factor": factor, "haul": haul,
        "cabin_used": cabin_used, "fallback": cabin_used != cabin,
    }


@lru_cache(maxsize=64)
def _entry_tables(tables: AirTables | AirTableStack, rf_f: float, co2_only: bool
                  ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Per entry of the flattened tables: the four components with the boundary applied
    (RF scaled by ``rf_f``; CH4, N2O, RF zero for ``co2_only``), their sum, and the cabin
    used (cached per table object: a scalar call pays none of this)."""
    table = tables.stacked.reshape(-1, 4).copy()
    if rf_f != 1.0:  # x 1.0 changes nothing
        table[:, 3] *= rf_f
    if co2_only:
        table[:, 1:] = 0.0
    components = [np.ascontiguousarray(table[:, k]) for k in range(4)]
    return components, _sum_of(components), tables.used_cabin.reshape(-1)


def _sum_of(parts: list[np.ndarray]) -> np.ndarray:
    """``co2 + ch4 + n2o + rf`` added left to right: bit for bit what numpy's sum over a
    (legs, 4) array of them gives."""
    return ((parts[0] + parts[1]) + parts[2]) + parts[3]


def _smooth_band_edges(tables: AirTables | AirTableStack, d: np.ndarray, cabin: np.ndarray,
                       rf_f: np.ndarray | float, parts: list[np.ndarray],
                       keep: np.ndarray | None = None, base: np.ndarray | int = 0) -> None:
    """Replace per-passenger emissions inside each band-edge window by a linear blend.

    ``parts`` are the per-passenger [co2, ch4, n2o, rf] kgCO2e columns, edited in place;
    legs flagged in ``keep`` (UK domestic) are left as they are; ``base`` is each leg's
    first table row (its edition's block of a stack).
    """
    rf_scale = np.array([1.0, 1.0, 1.0, 0.0]) + np.array([0.0, 0.0, 0.0, 1.0]) * np.reshape(
        rf_f, (-1, 1))
    for lower_band, edge in enumerate(BAND_EDGES_KM):
        comp_lo = tables.stacked[base + lower_band, cabin] * rf_scale
        comp_hi = tables.stacked[base + lower_band + 1, cabin] * rf_scale
        f_lo, f_hi = comp_lo.sum(axis=1), comp_hi.sum(axis=1)
        ratio = np.divide(f_lo - f_hi, f_lo + f_hi, out=np.zeros_like(f_lo),
                          where=(f_lo + f_hi) > 0)
        half = np.minimum(np.maximum(0.10, ratio), 0.5)
        start, stop = edge * (1 - half), edge * (1 + half)
        inside = (d > start) & (d < stop)
        if keep is not None:
            inside &= ~keep
        if not inside.any():
            continue
        t = ((d[inside] - start[inside]) / (stop[inside] - start[inside]))[:, None]
        e_lo = comp_lo[inside] * start[inside][:, None]
        e_hi = comp_hi[inside] * stop[inside][:, None]
        blended = e_lo + (e_hi - e_lo) * t
        for k, part in enumerate(parts):
            part[inside] = blended[:, k]


# --------------------------------------------------------------------------------------------
# One computation for a table of legs and for one trip: figures and provenance


@attrs.frozen(eq=False)
class AirLegs:
    """Flight legs computed with one edition: the figures and how they were made.

    :func:`compute_air` returns it to both :func:`sem_carbon.flight` (a trip's legs) and
    :func:`sem_carbon.travel.batch.compute_travel` (a table's legs), so the two give the
    same numbers, method text, notes and factor keys.

    Attributes
    ----------
    factors : FactorSet
        The edition whose air factors were used.
    method : str
        The method in words (one text for all legs).
    haul_rule : str
        ``"distance"``, ``"desnz"`` or ``"smooth"``.
    radiative_forcing : bool
        True when the with-RF factors were used.
    rf_multiplier : float
        The edition's RF multiplier on CO2 when RF is on (NaN otherwise or unrecorded).
    figures : dict of ndarray
        :func:`air_kernel`'s result (``haul``, ``cabin_used``, ``co2`` ... ``co2e`` [kgCO2e],
        ``factor``, ``fallback``, ``parts``).
    note_code, key_code : ndarray of int
        Per leg, the index into :attr:`note_table` / :attr:`key_table`.
    note_table, key_table : list of str
        Notes (``""``: none) and factor keys (``air:long_haul/economy/rf``).
    """

    factors: FactorSet
    method: str
    haul_rule: str
    radiative_forcing: bool
    rf_multiplier: float
    figures: dict[str, np.ndarray]
    note_code: np.ndarray
    note_table: list[str]
    key_code: np.ndarray
    key_table: list[str]

    @property
    def edition(self) -> str:
        """Id of :attr:`factors`."""
        return self.factors.id

    def columns(self, distance_km: np.ndarray, plain: bool = False) -> dict[str, Any]:
        """The result columns of the legs (:data:`sem_carbon.schema.TRAVEL_RESULTS`).

        Arrays (or one value for all legs); text as codes into tables
        (:class:`pandas.Categorical`), never a string per leg.

        Parameters
        ----------
        distance_km : ndarray [km]
            Great-circle distance of each leg.
        plain : bool, default False
            Text as object arrays instead of categoricals (a scalar call's few legs:
            building categoricals costs more than the texts).
        """
        return leg_columns(self.figures, distance_km, plain=plain,
                           factor_id=self.edition, method=self.method,
                           key=(self.key_code, self.key_table),
                           note=(self.note_code, self.note_table),
                           haul_rule=self.haul_rule,
                           radiative_forcing=self.radiative_forcing,
                           rf_multiplier=self.rf_multiplier)

    def notes(self) -> list[str]:
        """The distinct non-empty notes of the legs, in leg order."""
        table = self.note_table
        return list(dict.fromkeys(table[c] for c in self.note_code.tolist() if table[c]))


Coded = tuple[np.ndarray, list[str]]  # per-leg codes into a table of texts (may repeat)


def leg_columns(figures: dict[str, np.ndarray], distance_km: np.ndarray, *,
                factor_id: str | Coded, method: str | Coded, key: Coded, note: Coded,
                haul_rule: str, radiative_forcing: bool,
                rf_multiplier: float | np.ndarray, plain: bool = False) -> dict[str, Any]:
    """The result columns of flight legs (:data:`sem_carbon.schema.TRAVEL_RESULTS`).

    Text is given as codes into tables and returned as :class:`pandas.Categorical` (no
    string per leg), or as object arrays with ``plain``.

    Parameters
    ----------
    figures : dict of ndarray
        :func:`air_kernel`'s result.
    distance_km : ndarray [km]
        Great-circle distance of each leg.
    factor_id, method : str or (codes, texts)
        The edition and the method text: one for all legs, or per leg.
    key, note : (codes, texts)
        Factor keys and notes per leg.
    haul_rule : str
        The haul-band rule.
    radiative_forcing : bool
        With-RF factors used.
    rf_multiplier : float or ndarray
        The edition's RF multiplier on CO2 (NaN: RF off or unrecorded), one or per leg.
    plain : bool, default False
        Object arrays instead of categoricals.
    """
    def coded(given: str | Coded) -> Any:
        if isinstance(given, str):
            return given
        codes, labels = given
        if plain:  # a scalar call: no pandas
            return np.asarray(labels, dtype=object)[codes]
        from ..tabular import categorical_from_table

        return categorical_from_table(codes, labels)

    res = figures
    return {
        "category": "air", "scope": 3, "co2e_kg": res["co2e"], "co2_kg": res["co2"],
        "ch4_kg": res["ch4"], "n2o_kg": res["n2o"], "rf_kg": res["rf"],
        "biogenic_co2_kg": 0.0, "memo_co2e_kg": 0.0, "factor_id": coded(factor_id),
        "factor_key": coded(key), "factor_value": res["factor"],
        "factor_unit": "kgCO2e / passenger / km", "method": coded(method),
        "notes": coded(note), "distance_km": np.asarray(distance_km, dtype=float),
        "haul": coded((res["haul"].astype(np.intp), list(HAULS))),
        "haul_rule": haul_rule, "radiative_forcing": radiative_forcing,
        "rf_multiplier": rf_multiplier,
    }


def air_method(edition: str, haul_rule: str, radiative_forcing: bool, co2_only: bool,
               rf_multiplier: float) -> str:
    """The method text of air results (the same for scalar and table calculations)."""
    if co2_only:
        boundary = "CO2 only (ICAO-like boundary: no RF, no CH4/N2O)"
    elif radiative_forcing:
        boundary = (f"RF on (x{rf_multiplier:g} on CO2)" if np.isfinite(rf_multiplier)
                    else "RF on (multiplier not recorded in the edition)")
    else:
        boundary = "RF off"
    return (f"DESNZ distance-based ({edition}), great-circle distance, haul rule "
            f"'{haul_rule}', {boundary}")


@lru_cache(maxsize=256)
def _text_tables(edition: str, tag: str, lead: str) -> tuple[list[str], list[str]]:
    """The factor-key and note tables of air legs (built once per edition, boundary and
    lead note: a scalar call would otherwise build 90 texts for one leg)."""
    key_table = [f"air:{h}/{c}/{tag}" for h in HAULS for c in CABINS]
    # one note per (haul, cabin asked, cabin used): a lookup, not a string per leg
    note_table = [f"{h} {a} is not published in {edition}: used {u}" if a != u else ""
                  for h in HAULS for a in CABINS for u in CABINS]
    if lead:
        note_table = [f"{lead}; {n}" if n else lead for n in note_table]
    return key_table, note_table


@lru_cache(maxsize=256)
def _air_method(edition: str, haul_rule: str, radiative_forcing: bool, co2_only: bool,
                rf_multiplier: float) -> str:
    return air_method(edition, haul_rule, radiative_forcing, co2_only, rf_multiplier)


def compute_air(fs: FactorSet, distance_km: np.ndarray, cabin: np.ndarray, *,
                radiative_forcing: bool = True, multiplier: np.ndarray | float = 1.0,
                haul_rule: str = "distance", origin_country: np.ndarray | None = None,
                destination_country: np.ndarray | None = None, co2_only: bool = False,
                edition_note: str = "", method: str = "desnz") -> AirLegs:
    """Emissions and provenance of flight legs with the air factors of ``fs``.

    Parameters
    ----------
    fs : FactorSet
        The edition serving the legs' year (an edition without air factors is replaced
        by the nearest one that has them, with a note).
    distance_km : ndarray [km]
        Great-circle distance of each leg.
    cabin : ndarray of int
        Cabin codes asked for (:data:`~sem_carbon.travel.cabins.CABINS`).
    radiative_forcing : bool, default True
        With-RF factors (ignored when ``co2_only``).
    multiplier : float or ndarray, default 1.0
        Passengers x trips per leg.
    haul_rule : {"distance", "desnz", "smooth"}
    origin_country, destination_country : ndarray of str, optional
        Needed for ``haul_rule="desnz"``.
    co2_only : bool, default False
        ICAO-like boundary: the CO2 component only.
    edition_note : str, optional
        A note to put in front of every leg's notes (the caller's edition substitution).
    method : {"desnz", "icao", "fuel"}, default "desnz"
        ``"icao"`` / ``"fuel"``: :func:`sem_carbon.travel.icao.compute_method` (CO2 only).

    Returns
    -------
    AirLegs
    """
    if method != "desnz":
        from .icao import compute_method

        return compute_method(method, fs, distance_km, cabin, multiplier=multiplier,
                              origin_country=origin_country,
                              destination_country=destination_country,
                              edition_note=edition_note)
    fs, served = _serving_air(fs)
    rf = bool(radiative_forcing) and not co2_only
    res = air_kernel(air_tables(fs), distance_km, cabin, rf, multiplier, haul_rule,
                     origin_country, destination_country, co2_only=co2_only)
    rf_multiplier = _rf_multiplier(fs, rf)
    lead = "; ".join(n for n in (edition_note, served) if n)
    key_table, note_table = _text_tables(fs.id, _boundary_tag(rf, co2_only), lead)
    key_code, note_code = _key_and_note_codes(res, cabin)
    return AirLegs(factors=fs,
                   method=_air_method(fs.id, haul_rule, rf, co2_only, rf_multiplier),
                   haul_rule=haul_rule, radiative_forcing=rf, rf_multiplier=rf_multiplier,
                   figures=res, note_code=note_code, note_table=note_table,
                   key_code=key_code, key_table=key_table)


def compute_air_editions(editions: list[FactorSet], edition: np.ndarray,
                         distance_km: np.ndarray, cabin: np.ndarray, *,
                         radiative_forcing: bool = True,
                         multiplier: np.ndarray | float = 1.0, haul_rule: str = "distance",
                         origin_country: np.ndarray | None = None,
                         destination_country: np.ndarray | None = None,
                         co2_only: bool = False) -> dict[str, Any]:
    """:func:`compute_air` of legs of several editions at once, the edition one more index.

    Each leg gets what :func:`compute_air` with its own edition gives (the same figures,
    factor keys, notes, method text and RF multiplier), in one pass over the legs: the
    editions' tables are stacked (:class:`AirTableStack`) and every text is a code into
    per-edition tables.

    Parameters
    ----------
    editions : list of FactorSet
        The DESNZ-format editions.
    edition : ndarray of int
        Per leg, the position of its edition in ``editions``.
    distance_km, cabin, radiative_forcing, multiplier, haul_rule, origin_country, \
destination_country, co2_only
        As for :func:`compute_air`.

    Returns
    -------
    dict
        The result columns (:func:`leg_columns`).
    """
    served = [_serving_air(fs) for fs in editions]
    rf = bool(radiative_forcing) and not co2_only
    stack = AirTableStack.of([air_tables(fs) for fs, _ in served])
    edition = np.asarray(edition, dtype=np.intp)
    res = air_kernel(stack, distance_km, cabin, rf, multiplier, haul_rule, origin_country,
                     destination_country, co2_only=co2_only, edition=edition)
    tag = _boundary_tag(rf, co2_only)
    key_code, note_code = _key_and_note_codes(res, cabin)
    notes: list[str] = []
    for fs, note in served:  # edition e's note table is block e of one table
        notes.extend(_text_tables(fs.id, tag, note)[1])
    key_table = _text_tables(served[0][0].id, tag, "")[0]  # the same for every edition
    multipliers = np.array([_rf_multiplier(fs, rf) for fs, _ in served])
    methods = [_air_method(fs.id, haul_rule, rf, co2_only, m)
               for (fs, _), m in zip(served, multipliers.tolist(), strict=True)]
    return leg_columns(res, distance_km, factor_id=(edition, [fs.id for fs, _ in served]),
                       method=(edition, methods), key=(key_code, key_table),
                       note=(edition * (len(notes) // len(served)) + note_code, notes),
                       haul_rule=haul_rule, radiative_forcing=rf,
                       rf_multiplier=multipliers[edition])


def _serving_air(fs: FactorSet) -> tuple[FactorSet, str]:
    """The edition whose air factors serve ``fs`` (the nearest that has them), and the
    note saying so (``""``: ``fs`` itself)."""
    from ..factors.catalogue import air_edition

    try:  # an edition without air factors (with and without RF): the nearest that has them
        return air_edition(fs)
    except UnknownFactorError:
        return fs, ""  # none installed: air_tables says what is missing


def _rf_multiplier(fs: FactorSet, rf: bool) -> float:
    """The edition's recorded RF multiplier on CO2 when RF is on, else NaN."""
    recorded = fs.metadata.get("rf_multiplier")
    return float(recorded) if rf and recorded is not None else float("nan")


def _boundary_tag(rf: bool, co2_only: bool) -> str:
    """The last part of an air factor key: ``co2_only``, ``rf`` or ``no_rf``."""
    return "co2_only" if co2_only else "rf" if rf else "no_rf"


def _key_and_note_codes(res: dict[str, np.ndarray], cabin: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Per leg, its code into :func:`_text_tables`' key table (haul, cabin used) and note
    table (haul, cabin asked, cabin used)."""
    n_cabins = len(CABINS)
    haul = res["haul"].astype(np.intp)
    key_code = haul * n_cabins + res["cabin_used"]
    note_code = (haul * n_cabins + np.asarray(cabin, np.intp)) * n_cabins + res["cabin_used"]
    return key_code, note_code
