"""Air methods side by side: per-leg comparison, an uncertainty band, a target verdict.

Every air leg is computed with the three methods on the same boundary (CO2 only, per
passenger, as the UN inventory counts air travel):

``desnz``
    The CO2 component of the DESNZ factor of the row's edition (``co2_only=True``).
``icao``
    :func:`sem_carbon.travel.icao.icao_co2`, the open implementation of ICAO CEC v13.1.
``fuel``
    :func:`sem_carbon.travel.icao.fuel_co2`, open in-service fuel burn.

The band
--------
``central`` is the figure of the chosen method (``icao`` for the UN-inventory view);
``low``/``high`` are the smallest and largest figure over the methods, each widened by
that method's published relative uncertainty ``u`` (``x (1 - u)``, ``x (1 + u)``) where one
is given. Totals (per entity, per year) sum each method over the legs first and then take
the envelope, i.e. the method choice is treated as the same for every leg.

Published uncertainties: none of the three sources publishes a quantified uncertainty of
its per-passenger figure (ICAO v13.1 section 5 discusses the sensitivities in words; DESNZ's
methodology paper gives none for air; Seymour et al. (2020) report fit quality of the fuel
model, not of a per-passenger result). :data:`PUBLISHED_UNCERTAINTY` is therefore empty and
the band is the spread of the methods alone; a user who has a 90% half-width for a method
passes it as ``uncertainty={"icao": 0.1}``.

Target verdict
--------------
:func:`target_confidence` compares each method's total with the target:
"met under all methods", "met only under icao, fuel", or "not met under any method".
"met with 90% confidence" is said only when every method's total plus its 90% half-width
(``uncertainty``) stays at or under the target, i.e. the high end of the band; without a
given half-width the verdict says that the 90% level cannot be stated.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pandas as pd

from ..errors import InvalidArgumentError

__all__ = [
    "LOAD_FACTOR_BREAK",
    "METHODS",
    "PUBLISHED_UNCERTAINTY",
    "AirComparison",
    "band",
    "compare_air",
    "load_factor_break_note",
    "target_confidence",
    "un_view_lines",
]

METHODS: tuple[str, ...] = ("desnz", "icao", "fuel")
#: Published relative 90% half-widths of each method's per-passenger figure (none found).
PUBLISHED_UNCERTAINTY: dict[str, float] = {}
#: DESNZ editions whose air factors embed the 2021 (COVID) load factors: long-haul +51%
#: from the 2022 to the 2023 edition, back down in 2025.
LOAD_FACTOR_BREAK: tuple[str, ...] = ("desnz-2023", "desnz-2024")
_KEYS = ["table", "source", "source_row", "leg", "trip_id", "entity", "year", "origin",
         "destination", "cabin", "passengers", "distance_km"]


def band(figures: dict[str, np.ndarray], central: str = "icao",
         uncertainty: dict[str, float] | None = None) -> dict[str, np.ndarray]:
    """Low, central and high of several methods' figures (arrays of the same shape).

    Parameters
    ----------
    figures : dict of ndarray
        Figure per method [kgCO2].
    central : str
        The method whose figure is the central value.
    uncertainty : dict, optional
        Relative 90% half-width per method (default :data:`PUBLISHED_UNCERTAINTY`).

    Returns
    -------
    dict of ndarray
        ``low``, ``central``, ``high``, and ``spread`` = (high - low) / central.
    """
    if central not in figures:
        raise InvalidArgumentError(f"central method {central!r} is not among {list(figures)}")
    u = PUBLISHED_UNCERTAINTY if uncertainty is None else uncertainty
    bad = {k: v for k, v in u.items() if not (0 <= float(v) < 1)}
    if bad:
        raise InvalidArgumentError(f"uncertainty must be in [0, 1): {bad}")
    lows = np.stack([np.asarray(v, float) * (1 - u.get(m, 0.0)) for m, v in figures.items()])
    highs = np.stack([np.asarray(v, float) * (1 + u.get(m, 0.0)) for m, v in figures.items()])
    mid = np.asarray(figures[central], dtype=float)
    low, high = lows.min(axis=0), highs.max(axis=0)
    spread = np.divide(high - low, mid, out=np.full_like(mid, np.nan), where=mid > 0)
    return {"low": low, "central": mid, "high": high, "spread": spread}


@attrs.frozen(eq=False)
class AirComparison:
    """Air legs computed by every method (:func:`compare_air`).

    Attributes
    ----------
    legs : DataFrame
        One row per air leg: identity columns (``source``, ``source_row``, ``entity``,
        ``year`` ... where present), ``<method>_co2_kg`` per method, and ``low_kg``,
        ``central_kg``, ``high_kg``, ``spread``.
    central : str
        The central method.
    uncertainty : dict
        Relative 90% half-widths used (empty: the band is the method spread only).
    note : str
        What the comparison could not do on every leg ("" when nothing), e.g. air rows
        without airports or distance counted at their own figure by every method.
    """

    legs: pd.DataFrame
    central: str
    uncertainty: dict[str, float]
    note: str = ""

    def totals(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """Per group (e.g. ``"entity"``, ``["entity", "year"]``): each method's total [kgCO2]
        and the band of the totals (envelope of the method totals)."""
        cols = [f"{m}_co2_kg" for m in METHODS]
        if by is None:
            sums = self.legs[cols].sum().to_frame().T
        else:
            sums = self.legs.groupby(by, observed=True)[cols].sum()
        figures = {m: sums[f"{m}_co2_kg"].to_numpy() for m in METHODS}
        b = band(figures, self.central, self.uncertainty)
        out = sums.copy()
        for name in ("low", "central", "high"):
            out[f"{name}_kg"] = b[name]
        out["spread"] = b["spread"]
        return out

    def summary(self) -> str:
        """One line: the air total by each method and the band."""
        t = self.totals().iloc[0]
        shown = ", ".join(f"{m} {t[f'{m}_co2_kg'] / 1000:,.1f}" for m in METHODS)
        return (f"air CO2 (tCO2): {shown}; band {t['low_kg'] / 1000:,.1f} - "
                f"{t['high_kg'] / 1000:,.1f} around {self.central} "
                f"{t['central_kg'] / 1000:,.1f}")


def compare_air(tables: Any, factors: Any = None, *, central: str = "icao",
                uncertainty: dict[str, float] | None = None, haul: str = "distance",
                known: dict[str, np.ndarray] | None = None,
                **calculate_kwargs: Any) -> AirComparison:
    """Compute the air legs of ``tables`` with every method, on the CO2-only boundary.

    Parameters
    ----------
    tables, factors
        As for :func:`sem_carbon.calculate` (rows that are not air are ignored).
    central : {"desnz", "icao", "fuel"}, default "icao"
    uncertainty : dict, optional
        Relative 90% half-width per method (default: :data:`PUBLISHED_UNCERTAINTY`).
    haul : str
        Haul rule of the DESNZ figures.
    known : dict of ndarray, optional
        Figures of a method already computed for these legs, in the order of the air legs
        of ``tables`` [kgCO2] (e.g. ``{"desnz": inventory co2_kg}``): that method is not
        run again.
    **calculate_kwargs
        Other options of :func:`sem_carbon.calculate` (not ``air_method``/``co2_only``).

    Returns
    -------
    AirComparison
    """
    from ..calculation import calculate

    if central not in METHODS:
        raise InvalidArgumentError(f"central must be one of {METHODS}, got {central!r}")
    known = known or {}
    runs = {}
    for method in METHODS:  # up to three engine runs, each vectorised over all legs
        if method in known:
            continue
        inv = calculate(tables, factors, haul=haul, co2_only=True, air_method=method,
                        radiative_forcing=False, **calculate_kwargs)
        runs[method] = inv.data[inv.data["category"].astype(str) == "air"].reset_index(drop=True)
    base = runs["desnz" if "desnz" in runs else next(iter(runs))]
    keys = [c for c in _KEYS if c in base.columns]
    for method, frame in runs.items():
        if len(frame) != len(base) or not frame[["source", "source_row"]].equals(
                base[["source", "source_row"]]):
            raise RuntimeError(f"air legs of method {method!r} do not line up with desnz")
    legs = base[keys].copy()
    for method in METHODS:
        if method in known:
            values = np.asarray(known[method], dtype=float)
            if values.shape != (len(legs),):
                raise InvalidArgumentError(f"known {method!r} figures: {values.shape[0]} "
                                           f"values for {len(legs)} air legs")
            legs[f"{method}_co2_kg"] = values
        else:
            legs[f"{method}_co2_kg"] = runs[method]["co2_kg"].to_numpy(dtype=float)
    u = dict(PUBLISHED_UNCERTAINTY if uncertainty is None else uncertainty)
    b = band({m: legs[f"{m}_co2_kg"].to_numpy() for m in METHODS}, central, u)
    for name in ("low", "central", "high"):
        legs[f"{name}_kg"] = b[name]
    legs["spread"] = b["spread"]
    return AirComparison(legs, central, u)


def target_confidence(totals: dict[str, float], target: float,
                      uncertainty: dict[str, float] | None = None) -> str:
    """Verdict on a target from each method's total (same unit as ``target``).

    Parameters
    ----------
    totals : dict
        Total per method of the quantity the target caps (e.g. the UN-inventory view
        with each method's air, in tCO2).
    target : float
        The ceiling the total must not exceed.
    uncertainty : dict, optional
        Relative 90% half-width per method (default :data:`PUBLISHED_UNCERTAINTY`).

    Returns
    -------
    str
        "met with 90% confidence (...)", "met under all methods (...)", "met only under
        X, Y" or "not met under any method".
    """
    if not totals:
        raise InvalidArgumentError("target_confidence needs at least one method total")
    u = PUBLISHED_UNCERTAINTY if uncertainty is None else uncertainty
    met = [m for m, v in totals.items() if float(v) <= target]
    if len(met) == len(totals):
        if all(m in u for m in totals):
            high = max(float(v) * (1 + u[m]) for m, v in totals.items())
            if high <= target:
                return (f"met with 90% confidence (highest method total plus its 90% "
                        f"half-width {high:,.1f} <= target {target:,.1f})")
        missing = ", ".join(m for m in totals if m not in u)
        return (f"met under all methods ({', '.join(totals)}); the 90% level cannot be "
                f"stated: no published uncertainty for {missing or 'the methods'}")
    if met:
        return f"met only under {', '.join(met)}"
    return "not met under any method"


def load_factor_break_note(editions: Any) -> str:
    """A note for a trend whose years use DESNZ editions on both sides of the 2022/2023 break.

    Parameters
    ----------
    editions : iterable of str
        The ``factor_id`` values of the series' air rows.

    Returns
    -------
    str
        The note, or "" when the series does not cross the break.
    """
    ids = {str(e) for e in editions if str(e).startswith("desnz-")}
    inside, outside = ids & set(LOAD_FACTOR_BREAK), ids - set(LOAD_FACTOR_BREAK)
    if not inside or not outside:
        return ""
    return ("air trend crosses DESNZ's load-factor break: editions "
            f"{', '.join(sorted(inside))} embed 2021 (COVID) load factors (long-haul +51% "
            f"against 2022), the other years ({', '.join(sorted(outside))}) do not; restate "
            "the series with one edition (factors=...) or air_method='icao' to read the trend")


def un_view_lines(tables: Any, year: int, factors: Any = None,
                  target_t: float | None = None) -> list[str]:
    """Lines for a report: the UN-inventory view of ``year`` with ICAO-method air and its band.

    The UN-inventory view is every row but hotel nights, without radiative forcing
    (``co2e_kg - rf_kg``), with air computed by ``air_method="icao"`` (CO2 only). The band
    replaces the air part by the low and high of :func:`compare_air`.

    Parameters
    ----------
    tables, factors
        As for :func:`sem_carbon.calculate`.
    year : int
        The reporting year.
    target_t : float, optional
        A ceiling [tCO2e] for the view: adds :func:`target_confidence`'s verdict.

    Returns
    -------
    list of str
    """
    from ..calculation import calculate

    inv = calculate(tables, factors, air_method="icao")
    data = inv.data[inv.data["year"] == year]
    category = data["category"].astype(str)
    view = (data["co2e_kg"] - data["rf_kg"].fillna(0.0))[category != "hotel"]
    non_air_t = float(view[category[category != "hotel"] != "air"].sum()) / 1000
    comparison = compare_air(tables, factors)
    legs = comparison.legs[comparison.legs["year"] == year] if "year" in comparison.legs \
        else comparison.legs
    air = AirComparison(legs, comparison.central, comparison.uncertainty).totals().iloc[0]
    totals = {m: non_air_t + float(air[f"{m}_co2_kg"]) / 1000 for m in METHODS}
    lines = [
        f"UN-inventory view {year} with ICAO-method air (CO2 only): "
        f"{totals['icao']:,.1f} tCO2e, band {non_air_t + air['low_kg'] / 1000:,.1f} - "
        f"{non_air_t + air['high_kg'] / 1000:,.1f} (air by method: "
        + ", ".join(f"{m} {air[f'{m}_co2_kg'] / 1000:,.1f}" for m in METHODS) + " tCO2)."]
    if target_t is not None:
        lines.append(f"UN-inventory ceiling {target_t:,.1f} tCO2e: "
                     f"{target_confidence(totals, target_t)}.")
    note = load_factor_break_note(inv.data.loc[inv.data["category"].astype(str) == "air",
                                               "factor_id"].unique())
    if note:
        lines.append(f"Note: {note}.")
    return lines
