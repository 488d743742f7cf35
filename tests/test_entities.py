"""Planning-entity tree: validation, navigation and vectorised roll-ups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.entities import BLANK, UNASSIGNED, Entities, UnknownEntityError
from sem_carbon.errors import EntityTreeError, SemCarbonError

#          HQ
#        /    \
#      DIV     RO
#             /  \
#           CO1  CO2
TREE = pd.DataFrame({
    "id": ["HQ", "DIV", "RO", "CO1", "CO2"],
    "name": ["Headquarters", "A division", "Regional office", "Country one", "Country two"],
    "parent": ["", "HQ", "HQ", "RO", "RO"],
    "kind": ["hq", "division", "region", "country_office", "country_office"],
    "country": ["CH", "CH", "TH", "KH", "NP"],
})


@pytest.fixture
def org() -> Entities:
    return Entities.from_frame(TREE)


def test_public_name_and_navigation(org: Entities) -> None:
    assert sc.Entities is Entities
    assert org.root == "HQ"
    assert org.ids == ["HQ", "DIV", "RO", "CO1", "CO2"]
    assert org.children("HQ") == ["DIV", "RO"]
    assert org.children("CO1") == []
    assert org.descendants("RO") == ["RO", "CO1", "CO2"]
    assert org.descendants("HQ") == org.ids
    assert org.ancestors("CO2") == ["RO", "HQ"]
    assert org.ancestors("HQ") == []
    assert org.path("CO2") == ["HQ", "RO", "CO2"]
    assert [org.depth(i) for i in org.ids] == [0, 1, 1, 2, 2]
    assert org.parent("CO1") == "RO" and org.parent("HQ") is None
    assert "CO1" in org and "XX" not in org and len(org) == 5


def test_unknown_id_lookup_is_a_key_error(org: Entities) -> None:
    with pytest.raises(KeyError, match="XX"):
        org.children("XX")
    with pytest.raises(UnknownEntityError):
        org.depth("XX")


def test_to_frame_tree_order_and_paths() -> None:
    # input deliberately out of order: children listed before their parents
    shuffled = TREE.iloc[[3, 0, 4, 2, 1]]
    org = Entities.from_frame(shuffled)
    frame = org.to_frame()
    # depth-first, children in input order: HQ's children appear as RO (row 3) then DIV
    assert frame["id"].tolist() == ["HQ", "RO", "CO1", "CO2", "DIV"]
    assert frame.set_index("id").loc["CO2", "path"] == "HQ/RO/CO2"
    assert frame.set_index("id")["leaf"].to_dict() == {
        "HQ": False, "RO": False, "CO1": True, "CO2": True, "DIV": True}
    assert frame["assigned"].all()


def test_numeric_ids_read_as_text(tmp_path) -> None:
    path = tmp_path / "entities.csv"
    path.write_text("id,name,parent,kind\n1,Root,,hq\n101,Child,1,division\n", encoding="utf-8")
    org = Entities.from_csv(path)
    assert org.children("1") == ["101"]
    # a float id coming from a spreadsheet (101.0) is the same id
    org2 = Entities.from_frame(pd.DataFrame({"id": [1.0, 101.0], "parent": [np.nan, 1.0]}))
    assert org2.ids == ["1", "101"]
    assert org2.to_frame()["name"].tolist() == ["1", "101"]  # name defaults to the id


def test_rollup_small_tree(org: Entities) -> None:
    activity = pd.DataFrame({
        "entity": ["DIV", "CO1", "CO1", "CO2", "RO", "HQ"],
        "t": [1.0, 2.0, 3.0, 4.0, 10.0, 100.0],
        "cost": [5, 5, 5, 5, 5, 5],
    })
    out = org.rollup(activity, ["t", "cost"]).set_index("entity")
    # CO1 = 2 + 3 = 5; CO2 = 4; RO = 10 + 5 + 4 = 19; DIV = 1; HQ = 100 + 1 + 19 = 120
    assert out["t"].to_dict() == {"HQ": 120.0, "DIV": 1.0, "RO": 19.0, "CO1": 5.0, "CO2": 4.0}
    assert out.loc["HQ", "cost"] == 30
    assert out.index.tolist() == org.ids  # tree order


def test_rollup_with_keys_fills_missing_combinations(org: Entities) -> None:
    activity = pd.DataFrame({"entity": ["CO1", "CO2", "DIV"], "year": [2019, 2021, 2021],
                             "t": [1.0, 2.0, 4.0]})
    out = org.rollup(activity, "t", keys="year").set_index(["entity", "year"])["t"]
    assert len(out) == 5 * 2  # every entity x every year present
    assert out[("RO", 2019)] == 1.0 and out[("RO", 2021)] == 2.0
    assert out[("HQ", 2021)] == 6.0  # 2 + 4
    assert out[("DIV", 2019)] == 0.0


def test_unknown_ids_are_reported_and_rolled_under_unassigned(org: Entities) -> None:
    activity = pd.DataFrame({"entity": ["CO1", "GHOST", "GHOST", None, ""],
                             "t": [1.0, 2.0, 3.0, 4.0, 5.0]})
    assert org.unknown(activity["entity"]) == [BLANK, "GHOST"]
    out = org.rollup(activity, "t").set_index("entity")["t"]
    # nothing dropped: HQ = 1 + 2 + 3 + 4 + 5 = 15
    assert out["HQ"] == 15.0
    assert out[UNASSIGNED] == 14.0  # 2 + 3 + 4 + 5
    assert out["GHOST"] == 5.0 and out[BLANK] == 9.0
    frame = org.to_frame(org.unknown(activity["entity"])).set_index("id")
    assert not frame.loc[UNASSIGNED, "assigned"]
    assert frame.loc[UNASSIGNED, "parent"] == "HQ"
    assert frame.loc["GHOST", "kind"] == "unknown"
    assert frame.loc["GHOST", "path"] == f"HQ/{UNASSIGNED}/GHOST"


def test_headcount_rollup(org: Entities) -> None:
    heads = pd.DataFrame({"entity": ["HQ", "DIV", "CO1", "CO2"], "year": [2019] * 4,
                          "headcount": [10, 20, 5, 7]})
    org2 = org.with_headcount(heads)
    assert org.headcount is None
    rolled = org2.headcount_rollup().set_index("entity")["headcount"]
    # RO has no own staff: 5 + 7 = 12; HQ = 10 + 20 + 12 = 42
    assert rolled["RO"] == 12 and rolled["HQ"] == 42


def test_headcount_for_unknown_entity_raises(org: Entities) -> None:
    with pytest.raises(EntityTreeError, match="NOPE"):
        org.with_headcount(pd.DataFrame({"entity": ["NOPE"], "year": [2019],
                                         "headcount": [3]}))


# ---------------------------------------------------------------------- errors
def _tree(ids, parents):
    return pd.DataFrame({"id": ids, "parent": parents})


def test_cycle_is_named() -> None:
    # parents: A's is C, C's is B, B's is A: a cycle hanging off nothing; D sits below it
    frame = _tree(["R", "A", "B", "C", "D"], ["", "C", "A", "B", "A"])
    with pytest.raises(EntityTreeError, match=r"cycle.*child -> parent.*A -> C -> B -> A") as info:
        Entities.from_frame(frame)
    assert "D" in str(info.value)
    assert isinstance(info.value, SemCarbonError) and isinstance(info.value, ValueError)


def test_self_parent_is_a_cycle() -> None:
    with pytest.raises(EntityTreeError, match="A -> A"):
        Entities.from_frame(_tree(["R", "A"], ["", "A"]))


def test_no_root_at_all() -> None:
    with pytest.raises(EntityTreeError, match="no root"):
        Entities.from_frame(_tree(["A", "B"], ["B", "A"]))


def test_unknown_parent_is_named() -> None:
    with pytest.raises(EntityTreeError, match="CO9 -> RO9"):
        Entities.from_frame(_tree(["HQ", "CO9"], ["", "RO9"]))


def test_duplicate_ids_are_named_with_rows() -> None:
    with pytest.raises(EntityTreeError, match=r"duplicate entity id\(s\): A \(rows 3, 4\)"):
        Entities.from_frame(_tree(["HQ", "A", "A"], ["", "HQ", "HQ"]))


def test_empty_id_and_missing_columns() -> None:
    with pytest.raises(EntityTreeError, match="row"):
        Entities.from_frame(_tree(["HQ", ""], ["", "HQ"]))
    with pytest.raises(EntityTreeError, match="parent"):
        Entities.from_frame(pd.DataFrame({"id": ["A"]}))


def test_several_roots_refused_unless_forest_allowed() -> None:
    frame = _tree(["ORG1", "ORG2", "A"], ["", "", "ORG1"])
    with pytest.raises(EntityTreeError, match=r"2 roots \(ORG1, ORG2\)"):
        Entities.from_frame(frame)
    forest = Entities.from_frame(frame, allow_forest=True)
    assert forest.roots == ["ORG1", "ORG2"]
    with pytest.raises(EntityTreeError):
        _ = forest.root
    out = forest.rollup(pd.DataFrame({"entity": ["A", "ORG2", "X"], "t": [1.0, 2.0, 4.0]}),
                        "t").set_index("entity")["t"]
    assert out["ORG1"] == 1.0 and out["ORG2"] == 2.0
    # in a forest the pseudo-entity is a root of its own
    assert out[UNASSIGNED] == 4.0
    assert forest.to_frame(["X"]).set_index("id").loc[UNASSIGNED, "parent"] == ""


def test_ancestor_table_is_complete(org: Entities) -> None:
    table = org.ancestor_table()
    # each entity has depth + 1 ancestors (itself included): 1 + 2 + 2 + 3 + 3 = 11
    assert len(table) == 11
    co1 = table[table["entity"] == "CO1"].sort_values("distance")
    assert co1["ancestor"].tolist() == ["CO1", "RO", "HQ"]
