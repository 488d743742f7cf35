"""Why did travel emissions change? An LMDI decomposition of the change.

Between a baseline and a target year, an entity's air-travel emissions change because
it flew more or less (activity), flew differently (mix of cabin classes, haul bands and
modes), or because the emission factor per passenger-km changed (a new factor edition,
radiative forcing switched on or off). With segments ``i`` (mode x haul x cabin):

.. math::

    E = \\sum_i A \\, S_i \\, F_i, \\quad A = \\text{passenger-km}, \\;
    S_i = A_i / A, \\; F_i = E_i / A_i

and the additive LMDI-I decomposition (Ang 2005) splits ``E_T - E_0`` into

.. math::

    \\Delta_{act} = \\sum_i w_i \\ln\\frac{A^T}{A^0}, \\quad
    \\Delta_{mix} = \\sum_i w_i \\ln\\frac{S_i^T}{S_i^0}, \\quad
    \\Delta_{fac} = \\sum_i w_i \\ln\\frac{F_i^T}{F_i^0}, \\quad
    w_i = L(E_i^T, E_i^0) = \\frac{E_i^T - E_i^0}{\\ln E_i^T - \\ln E_i^0}

which add up to the total change exactly (no residual). The activity effect is further
split into a trips effect (number of trips) and a distance effect (passenger-km per
trip), ``ln(A^T/A^0) = ln(N^T/N^0) + ln(d^T/d^0)``.

Zero values (Ang & Liu 2007) are handled by their analytical limits, not by small
substitutes:

- a segment used in one year only (new or abandoned cabin/haul): its whole change
  goes to the mix effect (the limit of the LMDI terms as its share tends to 0);
- a segment with passenger-km in both years but zero emissions in one: the change goes
  to the factor effect;
- a group that travelled in one year only: the whole change is activity (trips);
- rows without passenger-km (no distance) cannot be placed in ``A S F``: their change is
  reported as ``unallocated`` (0 for complete inventories).

So ``activity_effect + mix_effect + factor_effect + unallocated == total_change``.
The factor effect of segments used in both years is computed as the remainder of that
identity (equal to its LMDI formula up to floating-point rounding), so the sum holds to
machine precision.

References
----------
.. [1] Ang, B.W. (2005). The LMDI approach to decomposition analysis: a practical guide.
   Energy Policy 33(7), 867-871. doi:10.1016/j.enpol.2003.10.010
.. [2] Ang, B.W., Liu, N. (2007). Handling zero values in the logarithmic mean Divisia
   index decomposition approach. Energy Policy 35(1), 238-246.
   doi:10.1016/j.enpol.2005.11.001
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..entities import Entities, _as_ids
from ..errors import UnknownColumnError
from ._common import as_frame, bool_column, category_mask, number_column

__all__ = ["decompose_change", "log_mean"]

_ALL = "(all)"


def log_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logarithmic mean ``L(a, b) = (a - b) / (ln a - ln b)``, ``L(a, a) = a``.

    Defined for positive ``a`` and ``b``; 0 where either is not positive.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ok = (a > 0) & (b > 0)
    sa, sb = np.where(ok, a, 1.0), np.where(ok, b, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = sa / sb
        near = np.abs(x - 1.0) < 1e-8
        value = np.where(near, sb * (1.0 + (x - 1.0) / 2.0), (sa - sb) / np.log(x))
    return np.where(ok, value, 0.0)


def decompose_change(
    baseline: Any,
    target: Any,
    by: str | Sequence[str] | None = "entity",
    *,
    categories: str | Sequence[str] = ("air",),
    segments: Sequence[str] = ("mode", "haul", "cabin"),
    entities: Entities | None = None,
) -> pd.DataFrame:
    """Split the change in travel emissions into activity, mix and factor effects.

    Parameters
    ----------
    baseline, target : Inventory or DataFrame
        Inventory rows of the baseline year and of the target (comparison) year, with
        ``co2e_kg`` [kgCO2e], ``distance_km`` [km, one way], ``passengers``,
        ``round_trip`` and the segment columns.
    by : str, sequence of str or None, default "entity"
        Groups decomposed separately; ``None`` for one total.
    categories : str or sequence of str, default ("air",)
        Passenger-km based categories to include (``"air"``, ``"rail"``, ``"road"``);
        with several, the mode shares are part of the mix effect.
    segments : sequence of str, default ("mode", "haul", "cabin")
        Columns whose combinations make the mix (absent columns count as one value).
    entities : Entities, optional
        With ``by="entity"``: decompose every entity including its descendants (each
        ancestor is its own group; effects of a parent are not the sums of its
        children's, since moving activity between children is mix at the parent).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``baseline`` and ``target`` [tCO2e], ``total_change``,
        ``activity_effect`` (= ``trips_effect`` + ``distance_effect``), ``mix_effect``,
        ``factor_effect``, ``unallocated`` [tCO2e], ``pkm_baseline``, ``pkm_target``
        [passenger-km], ``trips_baseline``, ``trips_target``.

    References
    ----------
    Ang (2005), Energy Policy 33, 867-871; Ang & Liu (2007), Energy Policy 35, 238-246.
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    parts = []
    for period, inv in (("0", baseline), ("1", target)):
        frame = as_frame(inv)
        frame = frame[category_mask(frame, categories)]
        parts.append(_prepare(frame, keys, segments, period, entities))
    rows = pd.concat(parts, ignore_index=True)
    group_cols = keys or ["_all"]
    return _decompose(rows, group_cols).drop(columns=["_all"], errors="ignore")


def _prepare(frame: pd.DataFrame, keys: list[str], segments: Sequence[str], period: str,
             entities: Entities | None) -> pd.DataFrame:
    """One row per inventory row: group keys, segment, period, E [t], P [pkm], trip id."""
    co2e = pd.to_numeric(frame["co2e_kg"], errors="coerce").fillna(0.0).to_numpy() / 1000.0
    pkm = (number_column(frame, "distance_km", np.nan) * number_column(frame, "passengers", 1.0)
           * np.where(bool_column(frame, "round_trip"), 2.0, 1.0))
    pkm = np.where(np.isfinite(pkm) & (pkm > 0), pkm, 0.0)
    segment = pd.Series("", index=frame.index, dtype=object)
    for col in segments:
        values = (frame[col].fillna("").astype(str) if col in frame.columns
                  else pd.Series("", index=frame.index))
        segment = segment + "|" + values.to_numpy(dtype=object)
    trip = (frame["trip_id"].fillna("").astype(str).to_numpy(dtype=object)
            if "trip_id" in frame.columns else np.arange(len(frame)).astype(str))
    out = pd.DataFrame({"segment": segment.to_numpy(dtype=object), "period": period,
                        "e": co2e, "p": pkm, "trip": trip})
    for key in keys:
        if key not in frame.columns:
            raise UnknownColumnError(f"decompose_change: rows have no column {key!r}")
        out[key] = (_as_ids(frame[key]).to_numpy() if key == "entity"
                    else frame[key].to_numpy())
    if not keys:
        out["_all"] = _ALL
    if entities is not None and keys == ["entity"]:
        anc = entities.ancestor_table(entities.unknown(out["entity"]))
        out = out.merge(anc[["entity", "ancestor"]], on="entity").drop(columns="entity")
        out = out.rename(columns={"ancestor": "entity"})
    return out


def _decompose(rows: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    placed = (rows["p"] > 0).to_numpy()
    seg = (rows[placed].groupby([*groups, "segment", "period"])[["e", "p"]].sum()
           .unstack("period", fill_value=0.0))
    seg.columns = [f"{a}{b}" for a, b in seg.columns]
    seg = seg.reindex(columns=["e0", "e1", "p0", "p1"], fill_value=0.0).reset_index()
    totals = seg.groupby(groups)[["p0", "p1"]].sum().rename(columns={"p0": "a0", "p1": "a1"})
    trips = (rows[placed].groupby([*groups, "period"])["trip"].nunique()
             .unstack("period", fill_value=0).reindex(columns=["0", "1"], fill_value=0)
             .rename(columns={"0": "n0", "1": "n1"}))
    seg = seg.merge(totals.join(trips), left_on=groups, right_index=True, how="left")
    e0, e1, p0, p1, a0, a1, n0, n1 = (seg[c].to_numpy(dtype=float) for c in
                                      ("e0", "e1", "p0", "p1", "a0", "a1", "n0", "n1"))
    change = e1 - e0
    group_both = (a0 > 0) & (a1 > 0)
    both = group_both & (p0 > 0) & (p1 > 0) & (e0 > 0) & (e1 > 0)
    zero_e = group_both & (p0 > 0) & (p1 > 0) & ~both
    enter_exit = group_both & ((p0 > 0) != (p1 > 0))
    w = log_mean(e1, e0)
    one = np.ones_like(e0)
    ln_a = np.log(np.where(both, a1 / np.where(both, a0, 1.0), one))
    ln_n = np.log(np.where(both & (n0 > 0) & (n1 > 0), n1 / np.maximum(n0, 1.0), one))
    ln_s = np.log(np.where(both, (p1 / np.where(both, a1, 1.0))
                           / np.where(both, p0 / np.where(both, a0, 1.0), 1.0), one))
    act = np.where(both, w * ln_a, 0.0)
    mix = np.where(both, w * ln_s, 0.0)
    seg["total_change"] = change
    seg["activity_effect"] = act + np.where(~group_both, change, 0.0)
    seg["trips_effect"] = np.where(both, w * ln_n, 0.0) + np.where(~group_both, change, 0.0)
    seg["mix_effect"] = mix + np.where(enter_exit, change, 0.0)
    # remainder of the exact identity = w ln(F1/F0) up to rounding
    seg["factor_effect"] = np.where(both, change - act - mix, 0.0) + np.where(zero_e, change,
                                                                              0.0)
    out = seg.groupby(groups).agg(
        baseline=("e0", "sum"), target=("e1", "sum"), total_change=("total_change", "sum"),
        activity_effect=("activity_effect", "sum"), trips_effect=("trips_effect", "sum"),
        mix_effect=("mix_effect", "sum"), factor_effect=("factor_effect", "sum"),
        pkm_baseline=("p0", "sum"), pkm_target=("p1", "sum"),
        trips_baseline=("n0", "first"), trips_target=("n1", "first"))
    unplaced = (rows[~placed].groupby([*groups, "period"])["e"].sum().unstack("period")
                .reindex(columns=["0", "1"]))
    index = out.index.union(unplaced.index) if len(unplaced) else out.index
    out = out.reindex(index, fill_value=0.0).fillna(0.0)
    unplaced = unplaced.reindex(index).fillna(0.0)
    out["baseline"] += unplaced["0"].to_numpy()
    out["target"] += unplaced["1"].to_numpy()
    out["unallocated"] = unplaced["1"].to_numpy() - unplaced["0"].to_numpy()
    out["total_change"] += out["unallocated"]
    out["distance_effect"] = out["activity_effect"] - out["trips_effect"]
    order = ["baseline", "target", "total_change", "activity_effect", "trips_effect",
             "distance_effect", "mix_effect", "factor_effect", "unallocated", "pkm_baseline",
             "pkm_target", "trips_baseline", "trips_target"]
    return out[order].reset_index()
