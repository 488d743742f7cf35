"""Loading, validating and querying factor editions (on a tiny hand-made edition)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import sem_carbon as sc
from sem_carbon.factors import FactorSet


def test_load_from_folder_and_get(tiny_edition):
    fs = sc.load_factors(tiny_edition)
    assert isinstance(fs, FactorSet)
    assert fs.id == "tiny-2020" and fs.year == 2020
    factor = fs.get("air", haul="Long-haul", cabin="ECONOMY", radiative_forcing=True)
    assert factor.value.m == pytest.approx(0.19)
    assert factor.value.units == sc.ureg.Unit("kgCO2e / passenger / km")
    assert factor.edition == "tiny-2020"
    assert "tiny-2020" in factor.describe()


def test_unspecified_key_prefers_the_plain_row(tiny_edition):
    fs = sc.load_factors(tiny_edition)
    assert fs.get("hotel", country="gb").value.m == 10.0
    assert fs.get("hotel", country="GB", city="London").value.m == 12.0


def test_unknown_key_value_lists_choices(tiny_edition):
    fs = sc.load_factors(tiny_edition)
    with pytest.raises(sc.UnknownFactorError, match="economy"):
        fs.get("air", haul="long_haul", cabin="econmy")
    with pytest.raises(sc.UnknownFactorError, match="categories"):
        fs.get("rail", kind="national")
    with pytest.raises(KeyError):  # UnknownFactorError is also a KeyError
        fs.get("air", seat="window")


def test_ambiguous_query_raises(tiny_edition):
    fs = sc.load_factors(tiny_edition)
    with pytest.raises(sc.UnknownFactorError, match="radiative_forcing"):
        fs.get("air", haul="long_haul", cabin="economy")


def test_tampered_resource_fails_its_checksum(tiny_edition):
    path = tiny_edition / "air.csv"
    path.write_text(path.read_text().replace("0.19", "0.09"))
    with pytest.raises(sc.FactorIntegrityError, match=r"checksum mismatch for air\.csv"):
        FactorSet.from_folder(tiny_edition)


def test_missing_descriptor_field_is_refused(tiny_edition):
    meta = json.loads((tiny_edition / "datapackage.json").read_text())
    del meta["publisher"]
    (tiny_edition / "datapackage.json").write_text(json.dumps(meta))
    with pytest.raises(sc.FactorIntegrityError, match="publisher"):
        FactorSet.from_folder(tiny_edition)


def test_bad_unit_and_bad_value_are_refused(tmp_path):
    from conftest import TINY_META, tiny_rows

    rows = tiny_rows()
    rows["air"].loc[0, "unit"] = "kgCO2e / parsec_of_joy"
    with pytest.raises(sc.FactorIntegrityError, match="does not parse"):
        sc.write_factor_set(tmp_path / "a", TINY_META, rows)
    rows = tiny_rows()
    rows["air"].loc[0, "unit"] = "kg / km"  # not CO2e
    with pytest.raises(sc.FactorIntegrityError, match="not CO2e"):
        sc.write_factor_set(tmp_path / "b", TINY_META, rows)
    rows = tiny_rows()
    rows["air"]["value"] = rows["air"]["value"].astype(object)
    rows["air"].loc[0, "value"] = "n/a"
    with pytest.raises(sc.FactorIntegrityError, match="not a number"):
        sc.write_factor_set(tmp_path / "c", TINY_META, rows)


def test_duplicate_factor_rows_are_refused(tmp_path):
    from conftest import TINY_META, tiny_rows

    rows = tiny_rows()
    rows["hotel"].loc[1, "city"] = ""
    with pytest.raises(sc.FactorIntegrityError, match="more than one 'hotel' factor"):
        sc.write_factor_set(tmp_path / "d", TINY_META, rows)


def test_overrides_replace_and_are_recorded(tiny_edition):
    fs = sc.load_factors(tiny_edition)
    new = fs.with_overrides(
        [{"category": "hotel", "country": "GB", "value": 8.5, "unit": "kgCO2e / room_night"}]
    )
    assert new.get("hotel", country="GB").value.m == 8.5
    assert new.get("hotel", country="GB", city="london").value.m == 12.0
    assert new.id == "tiny-2020+overrides"
    assert fs.get("hotel", country="GB").value.m == 10.0  # the original is untouched
    assert new.get("hotel", country="GB").source_table == "user override"


def test_user_folder_through_the_catalogue(tiny_edition, tmp_path):
    root = tmp_path / "mine"
    shutil.copytree(tiny_edition, root / "tiny-2020")
    sc.add_factor_folder(root)
    assert "tiny-2020" in set(sc.factor_sets()["id"])
    assert sc.load_factors("tiny-2020").get("hotel", country="GB").value.m == 10.0


def test_unknown_edition_lists_available_ids():
    with pytest.raises(sc.UnknownFactorError, match="available"):
        sc.load_factors("desnz-1899")


def test_a_year_for_an_edition_id_says_what_an_id_is():
    # factors=2019 used to end in pathlib's "expected str, bytes or os.PathLike object"
    with pytest.raises(sc.UnknownFactorError, match=r"id such as 'desnz-2019'.*got 2019 "
                                                    r"\(the 2019 edition is 'desnz-2019'\)"):
        sc.load_factors(2019)
    with pytest.raises(sc.UnknownFactorError, match=r"got 2019\.0$"):
        sc.load_factors(2019.0)
    table = sc.read_travel_log(pd.DataFrame(
        {"date": ["2019-05-01"], "mode": ["air"], "origin": ["GVA"], "destination": ["LHR"]}))
    with pytest.raises(sc.UnknownFactorError, match="desnz-2019"):
        sc.calculate(table, factors=2019)


def test_to_frame_has_edition_column(tiny_edition):
    frame = sc.load_factors(tiny_edition).to_frame()
    assert set(frame["edition"]) == {"tiny-2020"}
    assert len(frame) == 4
