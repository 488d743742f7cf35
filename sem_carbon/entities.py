"""The planning-entity tree: headquarters, divisions, regional and country offices.

A UN office plans and budgets per *planning entity*. Entities form a tree (a division
belongs to headquarters, a country office to its regional office); an entity's figures
include those of all its descendants. :class:`Entities` validates such a tree and rolls
per-entity sums up to every ancestor with one join on an ancestor table (no recursion
per row).

Tree rules
----------
- ids are unique, non-empty text (numbers are read as text: ``101`` and ``"101"`` are
  the same id);
- every non-empty ``parent`` names an id of the table;
- no cycles (an entity is never its own ancestor);
- exactly one root (empty ``parent``). A *forest* (several roots, e.g. a consolidated
  view of several organisations) is refused unless ``allow_forest=True`` is passed:
  a second root is far more often a typo in a parent column than an intent.

Violations raise :class:`~sem_carbon.errors.EntityTreeError` naming the ids involved.

Activity for ids missing from the tree
--------------------------------------
Rows booked to an id the tree does not know are never dropped. :meth:`Entities.unknown`
lists those ids and :meth:`Entities.rollup` places each of them under the pseudo-entity
``"(unassigned)"`` (kind ``"unassigned"``), which sits under the root, so the root's
total always equals the total of the activity data. In a forest ``"(unassigned)"`` is a
root of its own. Rows with an empty entity are booked to the id ``"(blank)"``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from .errors import EntityTreeError, UnknownColumnError, UnknownEntityError

__all__ = ["BLANK", "UNASSIGNED", "Entities", "UnknownEntityError"]

#: Pseudo-entity gathering activity booked to ids missing from the tree.
UNASSIGNED = "(unassigned)"
#: Id given to activity rows whose entity is empty.
BLANK = "(blank)"

_TREE_COLUMNS = ("id", "name", "parent", "kind", "country")


def _id_text(value: object) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return "" if text in ("nan", "None", "<NA>") else text


def _as_ids(values: Iterable[object] | pd.Series) -> pd.Series:
    """Ids as stripped text; missing/empty -> "" (numbers like 101.0 -> "101").

    Cost grows with the number of distinct values, not rows."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    texts = np.array([_id_text(u) for u in uniques] + [""], dtype=object)
    return pd.Series(texts[codes], index=series.index, dtype=object)


class Entities:
    """A validated planning-entity tree, optionally with headcount by year.

    Build it with :meth:`from_frame` or :meth:`from_csv`.

    Parameters
    ----------
    frame : DataFrame
        Columns ``id``, ``parent`` (empty or NaN for the root), optional ``name``
        (default: the id), ``kind`` (``hq``, ``division``, ``region``,
        ``country_office`` ...; default ""), ``country`` (ISO alpha-2; default "").
        Extra columns are kept in :meth:`to_frame`.
    headcount : DataFrame, optional
        ``entity``, ``year``, ``headcount`` [persons]: each entity's *own* staff (not
        including its descendants; :meth:`headcount_rollup` adds those).
    allow_forest : bool, default False
        Accept several roots.

    Raises
    ------
    EntityTreeError
        Missing columns, empty or duplicate ids, unknown parents, cycles, several roots
        (unless allowed), headcount for unknown entities or duplicated (entity, year).
    """

    __slots__ = ("_allow_forest", "_ancestors", "_frame", "_headcount", "_index")

    def __init__(self, frame: pd.DataFrame, headcount: pd.DataFrame | None = None, *,
                 allow_forest: bool = False) -> None:
        self._allow_forest = bool(allow_forest)
        self._frame, self._ancestors = _validate_tree(frame, allow_forest)
        self._index = pd.Index(self._frame["id"])
        self._headcount = None if headcount is None else self._validate_headcount(headcount)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_frame(cls, df: pd.DataFrame, headcount: pd.DataFrame | None = None, *,
                   allow_forest: bool = False) -> Entities:
        """Tree from a DataFrame.

        Parameters
        ----------
        df : DataFrame
            ``id``, ``name``, ``parent`` (empty for the root), ``kind``, optional ``country``.
        headcount : DataFrame, optional
            Staff per entity and year: ``entity``, ``year``, ``headcount``.
        allow_forest : bool, default False
            Accept several roots.
        """
        return cls(df, headcount, allow_forest=allow_forest)

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], headcount: str | os.PathLike[str]
                 | pd.DataFrame | None = None, *, allow_forest: bool = False) -> Entities:
        """Tree from a CSV file (ids read as text).

        Parameters
        ----------
        path : path-like
            CSV with the columns of :meth:`from_frame`.
        headcount : path-like or DataFrame, optional
            Staff per entity and year (CSV path or frame): ``entity``, ``year``, ``headcount``.
        allow_forest : bool, default False
            Accept several roots.
        """
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        if headcount is not None and not isinstance(headcount, pd.DataFrame):
            headcount = pd.read_csv(headcount, dtype={"entity": str}, keep_default_na=False)
        return cls(frame, headcount, allow_forest=allow_forest)

    def with_headcount(self, df: pd.DataFrame) -> Entities:
        """A copy of this tree carrying headcount (``entity``, ``year``, ``headcount``)."""
        return Entities(self._frame[[c for c in self._frame.columns
                                     if c not in ("depth", "_order")]],
                        df, allow_forest=self._allow_forest)

    # ------------------------------------------------------------------ basic queries
    @property
    def ids(self) -> list[str]:
        """All ids, in tree order (depth-first, children in input order)."""
        return self._frame["id"].tolist()

    @property
    def roots(self) -> list[str]:
        """Ids with no parent."""
        return self._frame.loc[self._frame["parent"] == "", "id"].tolist()

    @property
    def root(self) -> str:
        """The root id (raises :class:`EntityTreeError` for a forest)."""
        roots = self.roots
        if len(roots) != 1:
            raise EntityTreeError(f"this forest has {len(roots)} roots ({', '.join(roots)})")
        return roots[0]

    @property
    def headcount(self) -> pd.DataFrame | None:
        """Own headcount per entity and year (``entity``, ``year``, ``headcount``), or None."""
        return None if self._headcount is None else self._headcount.copy()

    def __len__(self) -> int:
        return len(self._frame)

    def __contains__(self, entity: object) -> bool:
        return str(entity) in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __repr__(self) -> str:
        kinds = self._frame["kind"].replace("", "(none)").value_counts()
        text = ", ".join(f"{n} {k}" for k, n in kinds.items())
        return f"<Entities {len(self)} ({text}); root {', '.join(self.roots)}>"

    def _check(self, entity: str) -> str:
        entity = str(entity)
        if entity not in self._index:
            more = " ..." if len(self) > 30 else ""
            raise UnknownEntityError(f"unknown entity {entity!r}; known: "
                                     f"{', '.join(self.ids[:30])}{more}")
        return entity

    def parent(self, entity: str) -> str | None:
        """Parent id, or None for a root."""
        value = self._frame["parent"].iloc[self._index.get_loc(self._check(entity))]
        return value or None

    def children(self, entity: str) -> list[str]:
        """Direct children of ``entity``, in input order."""
        entity = self._check(entity)
        return self._frame.loc[self._frame["parent"] == entity, "id"].tolist()

    def descendants(self, entity: str) -> list[str]:
        """``entity`` and everything below it, in tree order."""
        entity = self._check(entity)
        below = set(self._ancestors.loc[self._ancestors["ancestor"] == entity, "entity"])
        return [i for i in self.ids if i in below]

    def ancestors(self, entity: str) -> list[str]:
        """Parent, grandparent ... up to the root (``entity`` itself excluded)."""
        entity = self._check(entity)
        rows = self._ancestors[(self._ancestors["entity"] == entity)
                               & (self._ancestors["distance"] > 0)]
        return rows.sort_values("distance")["ancestor"].tolist()

    def path(self, entity: str) -> list[str]:
        """Ids from the root down to ``entity`` (both included)."""
        return [*reversed(self.ancestors(entity)), str(entity)]

    def depth(self, entity: str) -> int:
        """Number of edges between ``entity`` and its root (root: 0)."""
        return int(self._frame["depth"].iloc[self._index.get_loc(self._check(entity))])

    # ------------------------------------------------------------------ frames
    def to_frame(self, unknown: Iterable[str] = ()) -> pd.DataFrame:
        """The tree as a DataFrame in tree order.

        Parameters
        ----------
        unknown : iterable of str, optional
            Ids missing from the tree (see :meth:`unknown`); when given, the
            ``"(unassigned)"`` pseudo-entity and one row per unknown id (kind
            ``"unknown"``) are appended.

        Returns
        -------
        DataFrame
            ``id``, ``name``, ``parent``, ``kind``, ``country``, ``depth``, ``path``
            (ids joined with "/"), ``leaf`` (bool), ``assigned`` (False for the
            pseudo-entities), plus any extra input columns.
        """
        frame = self._frame.drop(columns=["_order"]).copy()
        paths = self._ancestors.sort_values(["entity", "distance"], ascending=[True, False])
        joined = paths.groupby("entity", sort=False)["ancestor"].agg("/".join)
        frame["path"] = frame["id"].map(joined)
        frame["leaf"] = ~frame["id"].isin(frame["parent"])
        frame["assigned"] = True
        extra = self._pseudo_frame(sorted(set(unknown)))
        if extra is None:
            return frame.reset_index(drop=True)
        return pd.concat([frame, extra], ignore_index=True)

    def _pseudo_frame(self, unknown: list[str]) -> pd.DataFrame | None:
        if not unknown:
            return None
        single = self.roots[0] if len(self.roots) == 1 else ""
        base_depth = 1 if single else 0
        rows = pd.DataFrame({
            "id": [UNASSIGNED, *unknown],
            "name": ["Activity booked to ids missing from the tree", *unknown],
            "parent": [single, *([UNASSIGNED] * len(unknown))],
            "kind": ["unassigned", *(["unknown"] * len(unknown))],
            "country": "",
            "depth": [base_depth, *([base_depth + 1] * len(unknown))],
        })
        prefix = f"{single}/" if single else ""
        rows["path"] = [f"{prefix}{UNASSIGNED}", *(f"{prefix}{UNASSIGNED}/{u}" for u in unknown)]
        rows["leaf"] = [False, *([True] * len(unknown))]
        rows["assigned"] = False
        return rows

    def ancestor_table(self, unknown: Iterable[str] = ()) -> pd.DataFrame:
        """Every (entity, ancestor) pair, including (entity, entity) at distance 0.

        Parameters
        ----------
        unknown : iterable of str, optional
            Ids missing from the tree, attached under ``"(unassigned)"``.

        Returns
        -------
        DataFrame
            ``entity``, ``ancestor``, ``distance`` (edges between them).
        """
        table = self._ancestors
        unknown = sorted(set(unknown) - set(self.ids))
        if not unknown:
            return table.copy()
        single = self.roots[0] if len(self.roots) == 1 else ""
        ids = np.asarray(unknown, dtype=object)
        parts = [
            table,
            pd.DataFrame({"entity": ids, "ancestor": ids, "distance": 0}),
            pd.DataFrame({"entity": ids, "ancestor": UNASSIGNED, "distance": 1}),
            pd.DataFrame({"entity": [UNASSIGNED], "ancestor": [UNASSIGNED], "distance": [0]}),
        ]
        if single:
            parts += [pd.DataFrame({"entity": ids, "ancestor": single, "distance": 2}),
                      pd.DataFrame({"entity": [UNASSIGNED], "ancestor": [single],
                                    "distance": [1]})]
        return pd.concat(parts, ignore_index=True)

    def unknown(self, entities: Iterable[object] | pd.Series) -> list[str]:
        """Ids used in activity data but missing from the tree (sorted; "" -> ``(blank)``)."""
        ids = _as_ids(entities).replace("", BLANK)
        return sorted(set(ids.unique()) - set(self.ids))

    # ------------------------------------------------------------------ roll-ups
    def rollup(self, frame: pd.DataFrame, value_cols: str | Sequence[str], *,
               keys: str | Sequence[str] = (), entity_col: str = "entity") -> pd.DataFrame:
        """Sum ``value_cols`` per entity *including all its descendants*.

        Vectorised: the rows are summed per (entity, keys), joined to the ancestor table
        (one row per entity-ancestor pair) and summed again per (ancestor, keys).

        Parameters
        ----------
        frame : DataFrame
            Activity or per-entity figures with an entity column.
        value_cols : str or sequence of str
            Numeric columns to add up (NaN counts as 0).
        keys : str or sequence of str, optional
            Further grouping columns kept apart (e.g. ``"year"``); every entity gets a
            row for every key combination present in ``frame`` (0 where it has none).
        entity_col : str, default "entity"

        Returns
        -------
        DataFrame
            ``entity``, the keys, the value columns, in tree order. Ids missing from the
            tree appear under ``"(unassigned)"`` (see the module notes) and are counted
            in the root's total.
        """
        values = [value_cols] if isinstance(value_cols, str) else list(value_cols)
        key_list = [keys] if isinstance(keys, str) else list(keys)
        missing = [c for c in (entity_col, *key_list, *values) if c not in frame.columns]
        if missing:
            raise UnknownColumnError(f"rollup: frame has no column(s) {', '.join(missing)}")
        data = frame[[*key_list, *values]].copy()
        data["entity"] = _as_ids(frame[entity_col]).replace("", BLANK).to_numpy()
        for col in values:
            data[col] = pd.to_numeric(data[col], errors="coerce").fillna(0.0)
        own = data.groupby(["entity", *key_list], sort=False, dropna=False)[values].sum()
        own = own.reset_index()
        unknown = sorted(set(own["entity"]) - set(self.ids))
        anc = self.ancestor_table(unknown)
        merged = own.merge(anc[["entity", "ancestor"]], on="entity", how="inner")
        rolled = merged.groupby(["ancestor", *key_list], sort=False, dropna=False)[values].sum()
        rolled.index = rolled.index.set_names("entity", level=0) if key_list else \
            rolled.index.rename("entity")
        order = self.to_frame(unknown)["id"].tolist()
        if key_list:
            combos = own[key_list].drop_duplicates().sort_values(key_list)
            full = pd.MultiIndex.from_frame(
                pd.DataFrame({"entity": order}).merge(combos, how="cross"))
        else:
            full = pd.Index(order, name="entity")
        return rolled.reindex(full, fill_value=0.0).reset_index()

    def headcount_rollup(self) -> pd.DataFrame:
        """Headcount per entity and year including all descendants (``entity``, ``year``,
        ``headcount``); empty when no headcount was given."""
        if self._headcount is None:
            return pd.DataFrame(columns=["entity", "year", "headcount"])
        return self.rollup(self._headcount, "headcount", keys="year")

    # ------------------------------------------------------------------ validation
    def _validate_headcount(self, df: pd.DataFrame) -> pd.DataFrame:
        need = [c for c in ("entity", "year", "headcount") if c not in df.columns]
        if need:
            raise EntityTreeError(f"headcount table lacks column(s) {', '.join(need)}")
        out = pd.DataFrame({
            "entity": _as_ids(df["entity"]).to_numpy(),
            "year": pd.to_numeric(df["year"], errors="coerce").to_numpy(),
            "headcount": pd.to_numeric(df["headcount"], errors="coerce").to_numpy(),
        })
        bad = out["year"].isna() | out["headcount"].isna() | (out["headcount"] < 0)
        if bad.any():
            rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy())[:10])
            raise EntityTreeError(f"headcount rows {rows}: year and headcount must be numbers "
                                  ">= 0")
        strangers = sorted(set(out["entity"]) - set(self.ids))
        if strangers:
            raise EntityTreeError(f"headcount for entities not in the tree: {', '.join(strangers)}")
        dupes = out.duplicated(["entity", "year"], keep=False)
        if dupes.any():
            pairs = out.loc[dupes, ["entity", "year"]].drop_duplicates()
            text = ", ".join(f"{e} {int(y)}" for e, y in pairs.itertuples(index=False))
            raise EntityTreeError(f"headcount given twice for: {text}")
        out["year"] = out["year"].astype("int64")
        return out


def _validate_tree(frame: pd.DataFrame, allow_forest: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean and check the tree; return (frame in tree order with depth, ancestor table)."""
    if not isinstance(frame, pd.DataFrame):
        raise EntityTreeError(f"an entity table must be a DataFrame, got {type(frame).__name__}")
    need = [c for c in ("id", "parent") if c not in frame.columns]
    if need:
        raise EntityTreeError(f"entity table lacks column(s) {', '.join(need)} "
                              "(needs id, parent; optional name, kind, country)")
    df = frame.copy().reset_index(drop=True)
    df["id"] = _as_ids(df["id"]).to_numpy()
    df["parent"] = _as_ids(df["parent"]).to_numpy()
    for col in ("name", "kind", "country"):
        if col not in df.columns:
            df[col] = df["id"] if col == "name" else ""
        df[col] = df[col].fillna("").astype(str).str.strip()
    df["name"] = df["name"].where(df["name"] != "", df["id"])
    empty = df["id"] == ""
    if empty.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(empty.to_numpy()))
        raise EntityTreeError(f"entity table rows {rows} have an empty id")
    dupes = df["id"].duplicated(keep=False)
    if dupes.any():
        groups = df[dupes].groupby("id").groups
        text = "; ".join(f"{i} (rows {', '.join(str(r + 2) for r in rows)})"
                         for i, rows in groups.items())
        raise EntityTreeError(f"duplicate entity id(s): {text}")
    orphan = (df["parent"] != "") & ~df["parent"].isin(df["id"])
    if orphan.any():
        text = ", ".join(f"{i} -> {p}" for i, p in df.loc[orphan, ["id", "parent"]]
                         .itertuples(index=False))
        raise EntityTreeError(f"unknown parent(s) (entity -> parent not in the table): {text}")
    depth = _depths(df)
    unreached = depth < 0
    if unreached.any():
        raise EntityTreeError(_cycle_message(df, unreached))
    roots = df.loc[df["parent"] == "", "id"].tolist()
    if len(roots) > 1 and not allow_forest:
        raise EntityTreeError(
            f"{len(roots)} roots ({', '.join(roots)}): a tree has exactly one entity with an "
            "empty parent; fix the parent column, or pass allow_forest=True to accept several "
            "roots")
    df["depth"] = depth
    ancestors = _ancestor_pairs(df)
    df["_order"] = _tree_order(df, ancestors)
    df = df.sort_values("_order", kind="stable").reset_index(drop=True)
    front = ["id", "name", "parent", "kind", "country", "depth"]
    df = df[front + [c for c in df.columns if c not in front]]
    return df, ancestors


def _depths(df: pd.DataFrame) -> np.ndarray:
    """Depth of every row by levels from the roots; -1 where no root is reached (cycle)."""
    depth = np.full(len(df), -1, dtype=np.int64)
    frontier = (df["parent"] == "").to_numpy()
    level = 0
    parents = df["parent"].to_numpy()
    ids = df["id"].to_numpy()
    while frontier.any():  # one pass per tree level
        depth[frontier] = level
        frontier = np.isin(parents, ids[frontier]) & (depth < 0)
        level += 1
    return depth


def _cycle_message(df: pd.DataFrame, unreached: np.ndarray) -> str:
    parent = dict(zip(df["id"], df["parent"], strict=True))
    left = set(df.loc[unreached, "id"])
    cycles: list[list[str]] = []
    on_cycle: set[str] = set()
    for start in sorted(left):  # error path only: walk parents to find each cycle once
        seen: list[str] = []
        node = start
        while node not in seen and node not in on_cycle:
            seen.append(node)
            node = parent[node]
        if node in seen:
            cycle = seen[seen.index(node):]
            on_cycle.update(cycle)
            cycles.append(cycle)
    text = "; ".join(" -> ".join([*c, c[0]]) for c in cycles)
    below = sorted(left - on_cycle)
    tail = f" (and below it: {', '.join(below)})" if below else ""
    if not (df["parent"] == "").any():
        tail += "; no entity has an empty parent, so the tree has no root"
    return f"cycle in the entity tree (child -> parent): {text}{tail}"


def _ancestor_pairs(df: pd.DataFrame) -> pd.DataFrame:
    """(entity, ancestor, distance) for every pair, built one tree level at a time."""
    parent = pd.Series(df["parent"].to_numpy(), index=df["id"].to_numpy())
    blocks = [pd.DataFrame({"entity": df["id"].to_numpy(), "ancestor": df["id"].to_numpy(),
                            "distance": 0})]
    current = pd.DataFrame({"entity": df["id"].to_numpy(), "ancestor": df["parent"].to_numpy()})
    distance = 1
    while True:
        current = current[current["ancestor"] != ""]
        if current.empty:
            break
        blocks.append(current.assign(distance=distance))
        current = current.assign(ancestor=parent.reindex(current["ancestor"]).to_numpy())
        distance += 1
    out = pd.concat(blocks, ignore_index=True)
    out["distance"] = out["distance"].astype("int64")
    return out


def _tree_order(df: pd.DataFrame, ancestors: pd.DataFrame) -> np.ndarray:
    """Position in a depth-first walk (children in input order), via sort keys of paths."""
    width = len(str(len(df)))
    position = pd.Series(np.arange(len(df)), index=df["id"].to_numpy()).astype(str).str.zfill(
        width)
    pairs = ancestors.assign(pos=position.reindex(ancestors["ancestor"]).to_numpy())
    pairs = pairs.sort_values(["entity", "distance"], ascending=[True, False])
    keys = pairs.groupby("entity", sort=False)["pos"].agg("/".join)
    key = df["id"].map(keys)
    return key.rank(method="first").to_numpy().astype(np.int64) - 1
