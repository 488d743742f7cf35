"""Base-year recalculation: the baseline restated under today's structure and method.

The GHG Protocol Corporate Standard (chapter 5, "Tracking emissions over time") asks a
company to recalculate its base-year emissions when structural changes (mergers,
splits, transfers of activities) or methodology changes would otherwise make the
comparison with the base year meaningless. A planning entity merged into another, or
split in two, must be judged against a baseline in today's shape; a new factor edition
can be applied to the baseline too. :func:`restate_baseline` does both and keeps the
figures as reported beside the restated ones, so the change is visible and auditable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..entities import Entities, _as_ids
from ..errors import InvalidArgumentError
from ._common import EXTENSIVE_COLUMNS, as_frame, category_mask, year_column

__all__ = ["entity_mapping", "restate_baseline"]

_TOL = 1e-9


def entity_mapping(entity_map: Mapping[str, Any] | pd.DataFrame) -> pd.DataFrame:
    """Normalise an entity map to a frame ``old``, ``new``, ``share``.

    Parameters
    ----------
    entity_map : mapping or DataFrame
        ``{"old": "new"}`` (a merge or rename: share 1), ``{"old": {"new_a": 0.6,
        "new_b": 0.4}}`` (a split), or a DataFrame with ``old``, ``new`` and optional
        ``share`` columns.

    Raises
    ------
    ValueError
        A share outside (0, 1] or an old entity whose shares do not add up to 1.
    """
    if isinstance(entity_map, pd.DataFrame):
        need = [c for c in ("old", "new") if c not in entity_map.columns]
        if need:
            raise InvalidArgumentError(f"entity map frame lacks column(s) {', '.join(need)}")
        frame = entity_map[["old", "new"]].copy()
        frame["share"] = (pd.to_numeric(entity_map["share"], errors="coerce")
                          if "share" in entity_map.columns else 1.0)
    else:
        records = []
        for old, target in entity_map.items():
            if isinstance(target, Mapping):
                records += [(old, new, share) for new, share in target.items()]
            else:
                records.append((old, target, 1.0))
        frame = pd.DataFrame(records, columns=["old", "new", "share"])
    frame["old"] = _as_ids(frame["old"]).to_numpy()
    frame["new"] = _as_ids(frame["new"]).to_numpy()
    frame["share"] = frame["share"].astype(float)
    bad = ~((frame["share"] > 0) & (frame["share"] <= 1))
    if bad.any():
        raise InvalidArgumentError("entity map shares must lie in (0, 1]: "
                                   + ", ".join(f"{o} -> {n}: {s}" for o, n, s in
                                               frame[bad].itertuples(index=False)))
    sums = frame.groupby("old")["share"].sum()
    off = sums[(sums - 1.0).abs() > _TOL]
    if len(off):
        raise InvalidArgumentError("entity map shares must add up to 1 per old entity: "
                                   + ", ".join(f"{o} sums to {s:g}" for o, s in off.items()))
    return frame.reset_index(drop=True)


def restate_baseline(
    inventory: Any,
    entity_map: Mapping[str, Any] | pd.DataFrame | None = None,
    recompute: Callable[[pd.DataFrame], Any] | Any = None,
    *,
    year: int | None = None,
    categories: Any = None,
    entities: Entities | None = None,
    level: str = "entity",
) -> pd.DataFrame:
    """Restate a baseline under today's entity structure and, optionally, method.

    Parameters
    ----------
    inventory : Inventory or DataFrame
        The baseline as reported (rows with ``entity``, ``co2e_kg`` [kg] ...).
    entity_map : mapping or DataFrame, optional
        Old entity -> today's entity (or split shares), see :func:`entity_mapping`.
        Entities not in the map keep their id.
    recompute : callable or Inventory/DataFrame, optional
        Today's method: a function taking the baseline rows (DataFrame) and returning
        them recomputed (Inventory or DataFrame, e.g. with a newer factor edition or
        radiative forcing off), or the recomputed baseline itself. The entity map is
        applied to the recomputed rows as well.
    year : int, optional
        Keep only the rows of this year (the baseline year) from both inputs.
    categories : str or sequence of str, optional
        Keep only these categories or groups (e.g. ``"travel"``).
    entities : Entities, optional
        Today's tree: both columns are rolled up it (old ids it does not know appear
        under ``"(unassigned)"``, so the root totals reconcile).
    level : {"entity", "rows"}, default "entity"
        ``"entity"``: the side-by-side summary; ``"rows"``: the restated rows (usable
        in :func:`~sem_carbon.targets.target_status`), with ``entity_as_reported``,
        ``share`` and ``co2e_kg_as_reported`` columns.

    Returns
    -------
    DataFrame
        For ``level="entity"``: ``entity``, ``as_reported`` and ``restated`` [tCO2e],
        ``difference`` (restated - as reported) [tCO2e] and ``restatement`` (text: where
        an old entity's figures went, where a new one's came from, "recomputed").
    """
    if level not in ("entity", "rows"):
        raise InvalidArgumentError(f"level must be 'entity' or 'rows', got {level!r}")
    reported = _select(as_frame(inventory), year, categories)
    recomputed = recompute is not None
    if recompute is None:
        current = reported.copy()
    elif callable(recompute):
        current = _select(as_frame(recompute(reported.copy())), year, categories)
    else:
        current = _select(as_frame(recompute), year, categories)
    mapping = entity_mapping(entity_map) if entity_map is not None else None
    restated = _map_rows(current, mapping)
    if level == "rows":
        return restated
    old = pd.DataFrame({"entity": _as_ids(reported["entity"]).to_numpy(),
                        "as_reported": _kg(reported) / 1000.0, "restated": 0.0})
    new = pd.DataFrame({"entity": restated["entity"].to_numpy(), "as_reported": 0.0,
                        "restated": _kg(restated) / 1000.0})
    both = pd.concat([old, new], ignore_index=True)
    if entities is not None:
        out = entities.rollup(both, ["as_reported", "restated"])
    else:
        out = both.groupby("entity", sort=True)[["as_reported", "restated"]].sum().reset_index()
    out["difference"] = out["restated"] - out["as_reported"]
    out["restatement"] = _reasons(out["entity"], mapping, recomputed)
    return out


def _select(frame: pd.DataFrame, year: int | None, categories: Any) -> pd.DataFrame:
    mask = np.ones(len(frame), dtype=bool)
    if year is not None:
        mask &= (year_column(frame) == year).to_numpy()
    if categories is not None:
        mask &= category_mask(frame, categories)
    return frame[mask]


def _kg(frame: pd.DataFrame) -> np.ndarray:
    return pd.to_numeric(frame["co2e_kg"], errors="coerce").fillna(0.0).to_numpy(dtype=float)


def _map_rows(rows: pd.DataFrame, mapping: pd.DataFrame | None) -> pd.DataFrame:
    out = rows.copy()
    out["entity"] = _as_ids(out["entity"]).to_numpy()
    out["entity_as_reported"] = out["entity"]
    out["co2e_kg_as_reported"] = _kg(out)
    if mapping is None:
        out["share"] = 1.0
        return out.reset_index(drop=True)
    out = out.reset_index(drop=True).merge(mapping, left_on="entity", right_on="old",
                                           how="left")
    out["share"] = out["share"].fillna(1.0)
    out["entity"] = out["new"].where(out["new"].notna(), out["entity"])
    out = out.drop(columns=["old", "new"])
    keep = out["share"].to_numpy(dtype=float)
    for col in EXTENSIVE_COLUMNS:
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce") * keep
    return out


def _reasons(ids: pd.Series, mapping: pd.DataFrame | None, recomputed: bool) -> np.ndarray:
    text = pd.Series("", index=ids.index, dtype=object)
    if mapping is not None:
        moved = mapping[mapping["old"] != mapping["new"]]
        label = moved["new"] + np.where(moved["share"] < 1.0, " (" + (moved["share"] * 100)
                                        .map("{:g}%".format) + ")", "")
        went = moved.assign(label=label).groupby("old")["label"].agg(", ".join)
        came = moved.groupby("new")["old"].agg(lambda s: ", ".join(sorted(set(s))))
        to_text = ids.map(went)
        from_text = ids.map(came)
        text = text.where(to_text.isna(), "now in " + to_text.fillna(""))
        joined = np.where(text == "", "from " + from_text.fillna(""),
                          text + "; from " + from_text.fillna(""))
        text = pd.Series(np.where(from_text.notna(), joined, text), index=ids.index)
    if recomputed:
        text = pd.Series(np.where(text == "", "recomputed", text + "; recomputed"),
                         index=ids.index)
    return text.to_numpy(dtype=object)
