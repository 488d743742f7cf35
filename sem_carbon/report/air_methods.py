"""The report's air-method views: the UN-inventory view with ICAO-method air and its band.

The UN system's inventory counts air travel with the ICAO calculator's method, CO2 only.
A report therefore recomputes its air legs with the three methods of
:func:`sem_carbon.travel.uncertainty.compare_air` (``desnz`` CO2 component, ``icao``,
``fuel``) from the legs on file (origin, destination, cabin, passengers, round trip,
date), and shows:

- the UN-inventory view per year with air by the chosen method (default ``"icao"``) and a
  low/central/high band (the spread of the methods, widened by any given 90% half-widths);
- the same per entity for the reporting year;
- a comparison per leg (every leg in JSON and Excel; the largest shown) and per report;
- each target's verdict on the UN-inventory boundary under every method ("met under all
  methods", "met only under icao", "met with 90% confidence" when half-widths are given).

The Kyoto total and the with-RF views keep the DESNZ figures of the inventory.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..codes import pair_codes
from ..errors import NothingComputedWarning
from ..travel.uncertainty import (
    LOAD_FACTOR_BREAK,
    METHODS,
    AirComparison,
    band,
    compare_air,
    load_factor_break_note,
    target_confidence,
)
from .column_codes import column_codes, derived, text_codes

__all__ = ["LEG_COLUMNS", "air_comparison_of", "air_trend_note", "apply_un_air", "entity_band",
           "leg_order", "leg_table", "report_band", "restate_edition", "restated_air",
           "target_verdicts", "un_view_by_year"]

#: Inventory columns that identify and recompute an air leg.
LEG_COLUMNS = ("entity", "year", "date", "origin", "destination", "cabin", "passengers",
               "round_trip", "trip_id", "leg", "distance_km")
METHOD_LABEL = {"desnz": "DESNZ (CO2 part)", "icao": "ICAO method", "fuel": "fuel burn"}


def _on_distinct(values: pd.Series, how: Callable[[pd.Series], Any]) -> np.ndarray:
    """``how(values)`` per row, evaluated on the distinct values only and spread back.

    ``how`` must work value by value (a comparison, a string method): it then sees each
    distinct value once, in a Series of the column's own dtype, so a string operation
    costs per distinct value, not per row.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(how(pd.Series(uniques, dtype=values.dtype)))[codes]


def _air_rows(data: pd.DataFrame) -> pd.DataFrame:
    """The air rows of ``data``, renumbered (the same frame for every view of a report)."""
    if "category" not in data:
        return data.iloc[0:0]

    def select() -> pd.DataFrame:
        air = _on_distinct(data["category"], lambda s: s.astype(str) == "air").astype(bool)
        # an all-air inventory: no 1M-row gather of every column
        return (data if air.all() else data[air]).reset_index(drop=True)

    return derived(data, "air_rows", select)


def _leg_frame(air: pd.DataFrame) -> pd.DataFrame:
    """The legs of inventory air rows as a travel table that recomputes them."""
    cols = [c for c in LEG_COLUMNS if c in air.columns]
    frame = air[cols].copy()
    if "origin" in frame and "distance_km" in frame:  # legs given by airports: codes decide
        has_codes = frame["origin"].astype(str).str.len() > 0
        frame["distance_km"] = frame["distance_km"].where(~has_codes)
    frame.insert(0, "mode", "air")
    return frame


def _from_legs_on_file(air: pd.DataFrame, central: str,
                       uncertainty: Mapping[str, float] | None) -> AirComparison | None:
    """The comparison from the inventory's own air rows, without running the engine again.

    The rows already hold what the methods need: the leg's great-circle distance
    (``distance_km``), cabin, passengers, round trip, and airports (their countries give
    the ICAO route group); DESNZ rows hold the desnz figure in ``co2_kg``. The ``icao`` and
    ``fuel`` kernels are then evaluated as :func:`sem_carbon.travel.icao.compute_method`
    does, once per distinct route (they work leg by leg, so each leg gets the same figure
    bit for bit) and spread back to the legs. None when a row lacks any of it
    (then :func:`compare_air` recomputes the legs from the table).
    """
    from ..geo.airports import resolve_iata
    from ..travel.cabins import cabin_codes
    from ..travel.icao import fuel_co2, icao_co2
    from ..travel.uncertainty import band

    need = {"co2_kg", "factor_id", "distance_km", "cabin", "origin", "destination"}
    if not need <= set(air.columns) or not _on_distinct(
            air["factor_id"], lambda s: s.astype(str).str.startswith("desnz-")).all():
        return None
    desnz = pd.to_numeric(air["co2_kg"], errors="coerce").to_numpy(dtype=float)
    distance = pd.to_numeric(air["distance_km"], errors="coerce").to_numpy(dtype=float)
    # cabin words read once per distinct word
    rows, words = column_codes(air, "cabin")
    cabin, known, _, _ = cabin_codes(pd.Series(words, dtype=air["cabin"].dtype).fillna("")
                                     .astype(str).replace("", "average"))
    cabin, known = cabin[rows], known[rows]
    if not (np.isfinite(desnz).all() and np.isfinite(distance).all() and known.all()):
        return None
    dates = air.get("date", None)
    countries = []
    for end in ("origin", "destination"):
        # each end factorised once per report (a missing code: -1, resolved as "")
        codes, uniques = column_codes(air, end, missing=True)
        _, _, country, found = resolve_iata(air[end], dates=dates, errors="mask",
                                            factorized=(codes, uniques))
        given = np.append([len(str(u)) > 0 for u in uniques], False)[codes]
        if (~found & given).any():
            return None  # a code the resolver no longer knows: recompute from the table
        countries.append(np.where(found, country, ""))
    pax = pd.to_numeric(air.get("passengers", 1.0), errors="coerce")
    pax = np.broadcast_to(np.asarray(pax, dtype=float), len(air))
    pax = np.where(np.isfinite(pax), pax, 1.0)
    trips = (np.where(air["round_trip"].fillna(False).astype(bool), 2.0, 1.0)
             if "round_trip" in air else 1.0)
    multiplier = pax * trips
    # the kernels work value by value: evaluate them once per distinct (distance, cabin,
    # countries) route and spread the per-passenger figures back to the legs
    where = column_codes(air, "distance_km")[0] if air["distance_km"].dtype == np.float64 \
        else None  # else the numbers read from text are factorised
    route, first = _distinct_routes(distance, cabin, *countries, where=where)
    per_route = {m: kernel(distance[first], cabin[first], countries[0][first],
                           countries[1][first])["co2"]
                 for m, kernel in (("icao", icao_co2), ("fuel", fuel_co2))}
    figures = {"desnz": desnz, "icao": per_route["icao"][route] * multiplier,
               "fuel": per_route["fuel"][route] * multiplier}
    keys = [c for c in ("table", "source", "source_row", "leg", "trip_id", "entity", "year",
                        "origin", "destination", "cabin", "passengers") if c in air.columns]
    legs = air[keys].copy()
    legs["distance_km"] = distance
    for m in METHODS:
        legs[f"{m}_co2_kg"] = figures[m]
    u = dict(uncertainty or {})
    b = band(figures, central, u)
    for name in ("low", "central", "high"):
        legs[f"{name}_kg"] = b[name]
    legs["spread"] = b["spread"]
    return AirComparison(legs.reset_index(drop=True), central, u)


def _distinct_routes(distance: np.ndarray, cabin: np.ndarray, origin_country: np.ndarray,
                     destination_country: np.ndarray, where: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Code of each leg's distinct (distance, cabin, origin country, destination country)
    and the first leg of each code (what the ICAO and fuel kernels depend on).

    Parameters
    ----------
    distance : ndarray [km]
    cabin : ndarray of int
        Cabin codes.
    origin_country, destination_country : ndarray of str
    where : ndarray of int, optional
        ``pandas.factorize(distance, use_na_sentinel=False)[0]`` when known already.

    Returns
    -------
    route : ndarray of int
        Code per leg (0 .. routes - 1).
    first : ndarray of int
        Index of the first leg with each code.
    """
    from ..codes import first_rows
    from ..travel.icao import factorize_pairs

    pair, pairs = factorize_pairs(origin_country, destination_country)
    if where is None:
        where, _ = pd.factorize(distance, use_na_sentinel=False)
    n_cabins = int(cabin.max()) + 1 if len(cabin) else 1
    key = (where.astype(np.int64) * max(len(pairs), 1) + pair) * n_cabins + cabin
    route, _ = pd.factorize(key, use_na_sentinel=False)
    return route, first_rows(route)


def air_comparison_of(data: pd.DataFrame, central: str = "icao",
                      uncertainty: Mapping[str, float] | None = None) -> AirComparison | None:
    """Every air leg of inventory rows recomputed by the three methods.

    Parameters
    ----------
    data : DataFrame
        Inventory rows (``Inventory.data``); rows that are not air are ignored.
    central : {"icao", "desnz", "fuel"}
        The method of the central value.
    uncertainty : mapping, optional
        Relative 90% half-width per method.

    Returns
    -------
    AirComparison or None
        None when there is no air leg. Legs line up with the air rows of ``data``.
    """
    air = _air_rows(data)
    if air.empty:
        return None
    direct = _from_legs_on_file(air, central, uncertainty)
    if direct is not None:
        return direct
    with warnings.catch_warnings():  # rows the methods cannot recompute are kept below
        warnings.simplefilter("ignore", NothingComputedWarning)
        recomputed = compare_air(_leg_frame(air), central=central,
                                 uncertainty=None if uncertainty is None else dict(uncertainty))
    return _on_every_air_row(air, recomputed)


def _on_every_air_row(air: pd.DataFrame, recomputed: AirComparison) -> AirComparison:
    """The comparison with one leg per air row of the inventory, in its order.

    The legs recomputed from the table (numbered by position: the leg table has no
    source rows of its own) go back to their rows; a row the methods cannot recompute (a
    spend estimate, a row without airports or distance) counts at its own figure
    without RF (``co2e_kg - rf_kg``, as the UN-inventory view counts air) in every
    method, and the comparison's ``note`` says how many: left out, the UN-inventory view
    would drop its emissions without a word.
    """
    legs = recomputed.legs
    at = pd.to_numeric(legs["source_row"], errors="coerce").to_numpy(dtype=float) - 2
    n = len(air)
    if len(np.unique(at)) != len(at) or (len(at) and not (
            np.isfinite(at).all() and at.min() >= 0 and at.max() < n)):
        raise RuntimeError("recomputed air legs do not line up with the inventory's air rows")
    at = at.astype(np.intp)
    keys = [c for c in ("table", "source", "source_row", "leg", "trip_id", "entity", "year",
                        "origin", "destination", "cabin", "passengers") if c in air.columns]
    full = air[keys].reset_index(drop=True)
    own = pd.to_numeric(air["co2e_kg"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    if "rf_kg" in air.columns:
        own = own - pd.to_numeric(air["rf_kg"], errors="coerce").fillna(0.0).to_numpy(float)
    distance = np.array(pd.to_numeric(air.get("distance_km", pd.Series(
        np.nan, index=air.index)), errors="coerce"), dtype=float)  # a copy: written below
    if "distance_km" in legs.columns:  # the great-circle distance the methods used
        distance[at] = pd.to_numeric(legs["distance_km"], errors="coerce").to_numpy(float)
    full["distance_km"] = distance
    figures = {}
    for m in METHODS:
        values = own.copy()
        values[at] = legs[f"{m}_co2_kg"].to_numpy(dtype=float)
        figures[m] = values
        full[f"{m}_co2_kg"] = values
    b = band(figures, recomputed.central, recomputed.uncertainty)
    for name in ("low", "central", "high"):
        full[f"{name}_kg"] = b[name]
    full["spread"] = b["spread"]
    kept = n - len(at)
    note = "" if not kept else (
        f"{kept:,} of {n:,} air rows have no legs the methods can recompute (no airports "
        "or distance: spend estimates, for example); they count at their own figure "
        "without RF in every method")
    return AirComparison(full, recomputed.central, recomputed.uncertainty, note)


def _un_non_air_kg(data: pd.DataFrame) -> pd.Series:
    """UN-inventory part of the rows that are not air [kg]: no hotel nights, no RF
    (worked out once per frame for the views of a report; only read)."""
    def part() -> pd.Series:
        keep = _on_distinct(data["category"], lambda s: (s.astype(str) != "air")
                            & (s.astype(str) != "hotel")).astype(bool)
        value = pd.to_numeric(data["co2e_kg"], errors="coerce").fillna(0.0)
        return value.where(keep, 0.0)

    return derived(data, "un_non_air_kg", part)


def un_view_by_year(data: pd.DataFrame, comparison: AirComparison) -> pd.DataFrame:
    """The UN-inventory view per year with air by each method, and its band [tCO2e].

    Returns
    -------
    DataFrame
        ``year``, ``non_air_tco2e`` (UN boundary without air), ``<method>_air_tco2e``,
        ``air_low_tco2e``, ``air_high_tco2e``, ``un_low_tco2e``, ``un_central_tco2e``,
        ``un_high_tco2e``, ``spread_pct`` (of the central air figure), ``central``.
    """
    year = pd.to_numeric(data["year"], errors="coerce")
    non_air = _un_non_air_kg(data).groupby(year).sum() / 1000.0
    air = comparison.totals("year") / 1000.0
    years = sorted(set(non_air.index.dropna().astype(int)) | set(air.index.astype(int)))
    out = pd.DataFrame({"year": years})
    out["non_air_tco2e"] = non_air.reindex(years, fill_value=0.0).to_numpy()
    for m in METHODS:
        out[f"{m}_air_tco2e"] = air[f"{m}_co2_kg"].reindex(years, fill_value=0.0).to_numpy()
    for name in ("low", "central", "high"):
        band = air[f"{name}_kg"].reindex(years, fill_value=0.0).to_numpy()
        if name != "central":
            out[f"air_{name}_tco2e"] = band
        out[f"un_{name}_tco2e"] = out["non_air_tco2e"] + band
    central = out[f"{comparison.central}_air_tco2e"]
    out["spread_pct"] = np.where(central > 0, (out["air_high_tco2e"] - out["air_low_tco2e"])
                                 / central.where(central > 0, 1.0) * 100.0, np.nan)
    out["central"] = comparison.central
    return out


def entity_band(data: pd.DataFrame, comparison: AirComparison, year: int | None,
                names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per entity, for ``year``: air by each method and the UN-inventory view band [tCO2e].

    Parameters
    ----------
    data : DataFrame
        Inventory rows.
    comparison : AirComparison
        From :func:`air_comparison_of` on the same rows.
    year : int or None
        The reporting year (None: every year).
    names : mapping, optional
        Entity id -> name.

    Returns
    -------
    DataFrame
        ``entity``, ``name``, ``<method>_air_tco2e``, ``air_low_tco2e``,
        ``air_high_tco2e``, ``un_low_tco2e``, ``un_central_tco2e``, ``un_high_tco2e``.
    """
    if "entity" not in data or "entity" not in comparison.legs:
        return pd.DataFrame()
    # entities as codes of their texts (worked out per distinct entity, once per report);
    # a row without an entity text is in no entity's total
    in_year = _in_year(data, year)
    codes, labels = text_codes(data, "entity")
    keep = in_year & (codes >= 0)
    non_air = _un_non_air_kg(data)[keep].groupby(codes[keep]).sum() / 1000.0
    non_air.index = pd.Index([labels[i] for i in non_air.index], dtype=object)
    legs = comparison.legs
    leg_codes, leg_labels = text_codes(legs, "entity")
    keep = _in_year(legs, year) & (leg_codes >= 0)
    columns = [f"{m}_co2_kg" for m in METHODS]
    if keep.any():
        sub = AirComparison(legs.loc[keep, columns].assign(entity=leg_codes[keep]),
                            comparison.central, comparison.uncertainty)
        air = sub.totals("entity") / 1000.0
        air.index = pd.Index([leg_labels[i] for i in air.index], dtype=object)
    else:
        air = pd.DataFrame(columns=[*columns, "low_kg", "central_kg", "high_kg"])
    ids = sorted(set(non_air.index) | set(air.index))
    out = pd.DataFrame({"entity": ids})
    out["name"] = [str((names or {}).get(i, i)) for i in ids]
    for m in METHODS:
        out[f"{m}_air_tco2e"] = air[f"{m}_co2_kg"].reindex(ids, fill_value=0.0).to_numpy()
    base = non_air.reindex(ids, fill_value=0.0).to_numpy()
    for name in ("low", "central", "high"):
        band = air[f"{name}_kg"].reindex(ids, fill_value=0.0).to_numpy()
        if name != "central":
            out[f"air_{name}_tco2e"] = band
        out[f"un_{name}_tco2e"] = base + band
    return out.sort_values("un_central_tco2e", ascending=False).reset_index(drop=True)


def _in_year(frame: pd.DataFrame, year: int | None) -> np.ndarray:
    """Rows of ``frame`` in ``year`` (every row when None, or without a year column)."""
    if year is None or "year" not in frame:
        return np.ones(len(frame), dtype=bool)
    return (pd.to_numeric(frame["year"], errors="coerce") == year).to_numpy(dtype=bool)


def leg_order(central: np.ndarray, n: int | None = None) -> np.ndarray:
    """Positions of the legs by their central figure, largest first (ties in row order,
    missing figures last: pandas' stable descending sort), or the first ``n`` of them.

    Parameters
    ----------
    central : ndarray [kg CO2]
        The central figure of each leg.
    n : int, optional
        How many of the first positions (default: all). Found by a partition and a sort
        of those alone: the same positions, in the same order, as the head of the full
        sort (of legs tied at the cut, the first in row order are taken).

    Returns
    -------
    ndarray of int
    """
    central = np.asarray(central, dtype=float)
    if np.isnan(central).any():  # positions in pandas' stable order, missing figures last
        order = np.asarray(pd.Series(central).sort_values(ascending=False, kind="stable")
                           .index, dtype=np.intp)
        return order if n is None else order[:n]
    key = -central
    if n is None or n >= len(key):  # the same order, from one argsort of the figures alone
        return np.argsort(key, kind="stable")
    if n <= 0:
        return np.empty(0, dtype=np.intp)
    cut = np.partition(key, n - 1)[n - 1]  # the n-th smallest key
    above = np.flatnonzero(key < cut)
    tied = np.flatnonzero(key == cut)[: n - len(above)]  # ties at the cut: row order
    chosen = np.union1d(above, tied)  # increasing positions: a stable sort keeps row order
    return chosen[np.argsort(key[chosen], kind="stable")]


def leg_table(data: pd.DataFrame, comparison: AirComparison, n: int | None = None
              ) -> pd.DataFrame:
    """Every air leg (or the ``n`` largest) with each method's figure and the spread [kg CO2].

    Parameters
    ----------
    data : DataFrame
        Inventory rows (their ``distance_km`` is shown).
    comparison : AirComparison
        From :func:`air_comparison_of` on the same rows.
    n : int, optional
        Only the ``n`` largest legs: the first ``n`` rows of the full table, without
        sorting every leg (what HTML, JSON and Markdown show).

    Returns
    -------
    DataFrame
        Identity columns, ``<method>_co2_kg``, ``low_kg``, ``central_kg``, ``high_kg``,
        ``spread`` (high - low over central), sorted by the central figure, largest first.
    """
    legs = comparison.legs
    order = leg_order(legs["central_kg"].to_numpy(dtype=float), n)
    # text columns of few distinct values (airports, cabins, entities) are gathered as
    # codes and spread from their distinct values: a gather of a million arrow strings
    # in a new order costs several times more (a few rows are gathered directly)
    few = {c: pd.factorize(legs[c], use_na_sentinel=False) for c in _FEW_VALUES
           if n is None and c in legs and isinstance(legs[c].dtype, pd.StringDtype)}
    columns = list(legs.columns)
    legs = legs.drop(columns=list(few)).take(order).reset_index(drop=True)
    for c, (codes, uniques) in few.items():
        legs[c] = uniques.array.take(codes[order])
    legs = legs[columns]
    if "distance_km" in data and "category" in data:
        air = _air_rows(data[["category", "distance_km"]])
        if len(air) == len(comparison.legs):
            legs["distance_km"] = pd.to_numeric(air["distance_km"],
                                                errors="coerce").to_numpy()[order]
    if "origin" in legs and "destination" in legs:  # one string per distinct route
        if n is None:
            codes, pairs = pair_codes(*(few.get(end) or pd.factorize(comparison.legs[end],
                                                                 use_na_sentinel=False)
                                    for end in ("origin", "destination")))
            codes = codes[order]
        else:
            codes, pairs = pair_codes(*(pd.factorize(legs[end], use_na_sentinel=False)
                                    for end in ("origin", "destination")))
        names = [f"{a if isinstance(a, str) else ''}-{b if isinstance(b, str) else ''}"
                 for a, b in pairs] or [""]
        legs["route"] = pd.array(names, dtype="str").take(codes)
    return legs


#: Leg columns of few distinct values (see :func:`leg_table`).
_FEW_VALUES = ("entity", "origin", "destination", "cabin")


def report_band(by_year: pd.DataFrame, year: int | None) -> dict[str, Any]:
    """The band of one year (or of all years) as a dict of floats [tCO2e]."""
    rows = by_year if year is None else by_year[by_year["year"] == year]
    keys = ["non_air_tco2e", *(f"{m}_air_tco2e" for m in METHODS), "air_low_tco2e",
            "air_high_tco2e", "un_low_tco2e", "un_central_tco2e", "un_high_tco2e"]
    out: dict[str, Any] = {k: float(rows[k].sum()) for k in keys}
    out["central"] = str(by_year["central"].iloc[0]) if len(by_year) else "icao"
    out["year"] = year
    return out


def apply_un_air(summary: pd.DataFrame, by_year: pd.DataFrame, method: str) -> pd.DataFrame:
    """The summary with its UN-inventory lines computed with ``method`` for air.

    The ``un_inventory_total`` line becomes non-air UN part + the method's air CO2 (and
    its per-capita line follows); the Kyoto total and the air lines are unchanged.

    Parameters
    ----------
    summary : DataFrame
        From :func:`sem_carbon.report.tables.summary_table`.
    by_year : DataFrame
        From :func:`un_view_by_year`.
    method : {"icao", "fuel", "desnz"}

    Returns
    -------
    DataFrame
    """
    out = summary.copy()
    hit = out["key"] == "un_inventory_total"
    if not hit.any():
        return out
    value = by_year.set_index("year")["non_air_tco2e"] + by_year.set_index("year")[
        f"{method}_air_tco2e"]
    years = [c for c in out.columns if c.isdigit()]
    for y in years:
        if int(y) in value.index and pd.notna(out.loc[hit, y]).all():
            out.loc[hit, y] = float(value[int(y)])
    out.loc[hit, "all_years"] = float(out.loc[hit, years].sum(axis=1).iloc[0])
    out.loc[hit, "item"] = (f"UN-inventory view: total with air by the {METHOD_LABEL[method]} "
                            "(CO2 only), excluding hotel nights")
    per = out["key"] == "un_inventory_total_per_capita"
    persons = out["key"] == "headcount"
    if per.any() and persons.any():
        for y in years:
            n = float(out.loc[persons, y].iloc[0])
            out.loc[per, y] = float(out.loc[hit, y].iloc[0]) / n if n else np.nan
    return out


def target_verdicts(data: pd.DataFrame, comparison: AirComparison, targets: Sequence[Any],
                    labels: Sequence[str]) -> pd.DataFrame:
    """Each target's organisation-wide verdict on the UN-inventory boundary, per air method.

    For every method the baseline and the actual are recomputed on the UN boundary (no
    RF, no hotel nights, air by that method) over the target's categories; the target is
    ``baseline x (1 - reduction)``. The verdict compares each method's actual with its own
    target (:func:`sem_carbon.travel.uncertainty.target_confidence` on actual / target).

    Parameters
    ----------
    data : DataFrame
        Inventory rows.
    comparison : AirComparison
        From :func:`air_comparison_of` on the same rows.
    targets : sequence of Target
    labels : sequence of str
        A label per target.

    Returns
    -------
    DataFrame
        ``target``, per method ``<method>_baseline_tco2e``, ``<method>_actual_tco2e``,
        ``<method>_target_tco2e``, and ``verdict``.
    """
    from ..targets._common import category_mask

    rows_out = []
    year = pd.to_numeric(data["year"], errors="coerce").to_numpy()
    legs_year = pd.to_numeric(comparison.legs["year"], errors="coerce").to_numpy()
    non_air = _un_non_air_kg(data).to_numpy()
    air_mask_rows = _on_distinct(data["category"], lambda s: s.astype(str) == "air").astype(bool)
    for target, label in zip(targets, labels, strict=True):
        reduction = getattr(target, "reduction", None)
        if reduction is None or getattr(target, "metric", "co2e") not in ("co2e", None):
            continue
        cats = getattr(target, "categories", None) or ("all",)
        in_scope = category_mask(data, cats)
        air_in_scope = bool((in_scope & air_mask_rows).any()) or "air" in cats
        row: dict[str, Any] = {"target": label}
        ratios = {}
        # the rows and legs of the two years, selected once for the three methods
        years = {which: (float(non_air[in_scope & (year == y)].sum()), legs_year == y)
                 for which, y in (("baseline", target.baseline_year),
                                  ("actual", target.target_year))}
        for m in METHODS:
            values = {}
            for which, (non_air_kg, legs_in_year) in years.items():
                kg = non_air_kg
                if air_in_scope:
                    kg += float(comparison.legs.loc[legs_in_year, f"{m}_co2_kg"].sum())
                values[which] = kg / 1000.0
            goal = values["baseline"] * (1.0 - float(reduction))
            row[f"{m}_baseline_tco2e"] = values["baseline"]
            row[f"{m}_actual_tco2e"] = values["actual"]
            row[f"{m}_target_tco2e"] = goal
            ratios[m] = values["actual"] / goal if goal > 0 else np.inf
        row["verdict"] = target_confidence(ratios, 1.0, comparison.uncertainty or None)
        rows_out.append(row)
    return pd.DataFrame(rows_out)


def restate_edition() -> str:
    """The newest installed DESNZ edition outside the 2022/2023 load-factor break."""
    from ..factors.catalogue import desnz_years

    ids = [f"desnz-{y}" for y in desnz_years() if f"desnz-{y}" not in LOAD_FACTOR_BREAK]
    return ids[-1] if ids else ""


#: What decides an air leg's figures under one edition: its airports, cabin, passengers
#: and round trip, and where it was (the great-circle distance on file, which also tells
#: a reassigned code's airport on the leg's date apart).
_LEG_KEYS = ("origin", "destination", "cabin", "passengers", "round_trip", "distance_km")


def _distinct_legs(air: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Code of each air row's distinct leg (:data:`_LEG_KEYS`; with the ``date`` too when
    the rows hold no distance) and the first row of each code.

    Parameters
    ----------
    air : DataFrame
        Inventory air rows.

    Returns
    -------
    leg : ndarray of int
        Code per row (0 .. legs - 1).
    first : ndarray of int
        Index of the first row with each code, increasing.
    """
    keys = [c for c in _LEG_KEYS if c in air.columns]
    if "distance_km" not in air.columns and "date" in air.columns:
        keys.append("date")
    leg = np.zeros(len(air), dtype=np.int64)
    width = 1  # codes of the columns so far lie in [0, width)
    for column in keys:
        codes, uniques = column_codes(air, column)
        n = max(len(uniques), 1)
        if width * n >= 2**62:  # renumber the combinations so far before they overflow
            leg, seen = pd.factorize(leg, use_na_sentinel=False)
            leg, width = leg.astype(np.int64), max(len(seen), 1)
        leg = leg * n + codes
        width *= n
    leg, _ = pd.factorize(leg, use_na_sentinel=False)
    leg = leg.astype(np.int64)
    first = np.full(int(leg.max()) + 1 if len(leg) else 0, len(leg), dtype=np.intp)
    np.minimum.at(first, leg, np.arange(len(leg)))
    return leg, first


def restated_air(data: pd.DataFrame, edition: str) -> pd.DataFrame:
    """Air per year restated with one DESNZ edition (every year's legs, same factors).

    Parameters
    ----------
    data : DataFrame
        Inventory rows.
    edition : str
        The edition applied to every year (e.g. ``"desnz-2025"``).

    Returns
    -------
    DataFrame
        ``year``, ``air_with_rf_tco2e`` and ``air_without_rf_tco2e`` as reported (each
        year's edition) and ``restated_with_rf_tco2e``, ``restated_without_rf_tco2e``
        (``edition``), ``edition``.
    """
    from ..calculation import calculate

    air = _air_rows(data)
    if air.empty:
        return pd.DataFrame()
    # the engine computes leg by leg: compute each distinct leg once (the first row of
    # each), then spread its figures back to the legs that share it
    leg, first = _distinct_legs(air)
    # the leg columns alone are gathered (not every column of a wide log)
    again = calculate(_leg_frame(air[[c for c in LEG_COLUMNS if c in air.columns]]
                                 .iloc[first]), edition).data
    if len(again) != len(first):
        raise RuntimeError("restated air legs do not line up with the inventory's")
    year = pd.to_numeric(air["year"], errors="coerce").to_numpy()

    def figures(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return tuple(pd.to_numeric(frame[c], errors="coerce").fillna(0.0).to_numpy()
                     for c in ("co2e_kg", "rf_kg"))

    co2e, rf = figures(air)
    new_co2e, new_rf = (f[leg] for f in figures(again))
    # the four series per year in one grouping (the same per-column sums, years hashed once)
    sums = pd.DataFrame({"air_with_rf_tco2e": co2e, "air_without_rf_tco2e": co2e - rf,
                         "restated_with_rf_tco2e": new_co2e,
                         "restated_without_rf_tco2e": new_co2e - new_rf}
                        ).groupby(year).sum() / 1000.0
    out = sums.reset_index(drop=True)
    out.insert(0, "year", sums.index.astype(int))
    out["edition"] = edition
    return out


def air_trend_note(data: pd.DataFrame) -> str:
    """A note when the years' DESNZ air editions cross the 2022/2023 load-factor break."""
    air = _air_rows(data)
    if air.empty or "factor_id" not in air:
        return ""
    ids = pd.Series(air["factor_id"].unique())  # distinct first: one string each
    return load_factor_break_note(ids.astype(str).unique())
