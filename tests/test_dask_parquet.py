"""Local Parquet datasets read for the Dask path (``sem_carbon.dask_parquet``).

Codes and words come back as categoricals (pyarrow's ``read_dictionary``): the inventory
computed from them must be the one computed from text columns, row by row -- figures,
notes and rejects. Partitions are whole row groups grouped up to ``partition_rows``.
Run with Dask's synchronous scheduler (no cluster: ``tests/test_dask.py`` runs the same
reader on worker processes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask")

import dask
import dask.dataframe as dd
import pyarrow as pa
import pyarrow.parquet as pq
from test_dask import REL, assert_same_inventory, travel_log

import sem_carbon as sc
from sem_carbon.dask_parquet import CODED_COLUMNS, read_dataset
from sem_carbon.scale import calculate_dask


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    frame = travel_log(n=3000, seed=7)
    # missing and non-canonical words among the codes, so their notes and rejects are
    # compared too
    frame.loc[frame.index[3::97], "cabin"] = None
    frame.loc[frame.index[4::89], "cabin"] = "Business Class"
    frame.loc[frame.index[6::83], "origin"] = None
    frame.loc[frame.index[10::79], "mode"] = "Flight"
    frame.loc[frame.index[12::151], "mode"] = None
    frame.loc[frame.index[14::113], "entity"] = None
    return frame


def read_as_objects(path) -> pd.DataFrame:
    """The file with every text column as Python strings (object dtype)."""
    frame = pq.read_table(path).to_pandas()
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)
            and not pd.api.types.is_object_dtype(frame[c].dtype)]
    return frame.astype(dict.fromkeys(text, object))


def write(frame: pd.DataFrame, path, row_group_size: int | None = None, **kwargs) -> None:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path,
                   row_group_size=row_group_size, **kwargs)


def test_codes_read_as_categoricals_give_the_inventory_of_text_columns(log, tmp_path):
    path = tmp_path / "log.parquet"
    write(log, path)
    as_codes = read_dataset(path, dd).compute()
    as_text = read_as_objects(path)
    coded = sorted(CODED_COLUMNS.intersection(log.columns))
    assert coded == ["cabin", "country", "destination", "entity", "mode", "origin",
                     "rail_kind", "vehicle"]
    for name in coded:
        assert isinstance(as_codes[name].dtype, pd.CategoricalDtype), name
        assert as_text[name].dtype == object
    assert not isinstance(as_codes["trip_id"].dtype, pd.CategoricalDtype)
    got, want = sc.calculate(as_codes), sc.calculate(as_text)
    assert len(got.rejected) > 20  # the bad words and airports are rejected on both sides
    assert_same_inventory(got, want)
    # row by row, in the same order: every figure and every note
    a, b = got.data, want.data
    assert list(a.columns) == list(b.columns)
    for name in b.columns:
        left, right = a[name].to_numpy(object), b[name].to_numpy(object)
        same = [(x is y) or (pd.isna(x) and pd.isna(y)) if pd.api.types.is_scalar(x)
                and pd.isna(x) else x == y for x, y in zip(left, right, strict=True)]
        assert all(same), name
    assert (a["notes"] != "").sum() > 10  # notes were written (words read by choice ...)
    pd.testing.assert_frame_equal(got.rejected.astype(str), want.rejected.astype(str))


def test_facilities_codes_as_categoricals(tmp_path):
    rows = [
        {"kind": "electricity", "amount": 1000.0, "unit": "kWh", "country": "GB", "year": 2019},
        {"kind": "electricity", "amount": 250.0, "unit": "MWh", "country": "India",
         "year": 2019},
        {"kind": "natural_gas", "amount": 12345.0, "unit": "kWh", "year": 2024},
        {"kind": "diesel", "amount": 77.7, "unit": "litres", "year": 2021},
        {"kind": "refrigerant", "amount": 2.0, "unit": "kg", "gas": "R-410A", "year": 2023},
        {"kind": "water", "amount": 100.0, "unit": "m^3", "year": 2020},
        {"kind": "unobtainium", "amount": 1.0, "unit": "kg", "year": 2022},
    ]
    frame = pd.DataFrame(rows * 40)
    frame.insert(0, "source_row", np.arange(len(frame)) + 2)
    frame["site"] = np.where(np.arange(len(frame)) % 3 == 0, "Geneva", "Nairobi")
    path = tmp_path / "sites.parquet"
    write(frame, path)
    as_codes = read_dataset(path, dd).compute()
    assert all(isinstance(as_codes[c].dtype, pd.CategoricalDtype)
               for c in ("kind", "unit", "country", "gas", "site"))
    as_text = read_as_objects(path)
    got = sc.calculate(as_codes, include_td=True)
    want = sc.calculate(as_text, include_td=True)
    assert len(got.rejected) == 40 and (got.data["category"] == "td_losses").any()
    pd.testing.assert_frame_equal(got.data.astype(str), want.data.astype(str))
    pd.testing.assert_frame_equal(got.rejected.astype(str), want.rejected.astype(str))


def test_row_groups_grouped_into_partitions_never_split(log, tmp_path):
    folder = tmp_path / "groups"
    folder.mkdir()
    half = len(log) // 2
    write(log.iloc[:half], folder / "a.parquet", row_group_size=400)
    write(log.iloc[half:], folder / "b.parquet", row_group_size=400)
    sizes = [pq.ParquetFile(folder / f).metadata.row_group(i).num_rows
             for f in ("a.parquet", "b.parquet")
             for i in range(pq.ParquetFile(folder / f).metadata.num_row_groups)]
    # one row group each
    frame = read_dataset(folder, dd, partition_rows=1)
    assert frame.npartitions == len(sizes)
    assert [len(p) for p in frame.partitions] == sizes
    # groups added, in file order, until a partition has 1,000 rows (the last takes the rest)
    frame = read_dataset(folder, dd, partition_rows=1000)
    lengths = [len(frame.get_partition(i)) for i in range(frame.npartitions)]
    expected, rows = [], 0
    for size in sizes:
        rows += size
        if rows >= 1000:
            expected.append(rows)
            rows = 0
    expected += [rows] if rows else []
    assert lengths == expected
    together = frame.compute()
    assert together["source_row"].tolist() == log["source_row"].tolist()  # file order
    # the meta says categorical with unknown categories, as the partitions differ
    assert frame._meta["origin"].cat.categories.tolist() == ["__UNKNOWN_CATEGORIES__"]


def test_hive_partitions_and_text_columns_as_dask_reads_them(log, tmp_path):
    folder = tmp_path / "hive"
    dated = log.dropna(subset=["year"]).astype({"year": "int64"})
    dated.to_parquet(folder, partition_cols=["year"], index=False)
    frame = read_dataset(folder, dd)
    plain = dd.read_parquet(folder)
    assert frame["year"].dtype == np.dtype("int64")  # a directory partition, as int64
    assert frame["trip_id"].dtype == plain["trip_id"].dtype  # text as Dask reads it
    got = calculate_dask(folder).compute()
    want = sc.calculate(dated)
    assert got.total().m == pytest.approx(want.total().m, rel=REL)
    assert len(got.data) == len(want.data) and len(got.rejected) == len(want.rejected)
    # codes read as categoricals are text in the Dask inventory, as from dd.read_parquet
    assert got.data["origin"].dtype == got.data["trip_id"].dtype
    inventory = calculate_dask(folder)
    assert inventory.data["origin"].dtype == inventory.data["trip_id"].dtype


def test_parquet_dataset_through_calculate_dask_equals_in_memory(log, tmp_path):
    path = tmp_path / "log.parquet"
    write(log, path, row_group_size=700)
    want = sc.calculate(log)
    for rows in (1, 1_000_000):  # a partition per row group, and one for all
        inv = calculate_dask(path, partition_rows=rows)
        assert inv.data.npartitions == (5 if rows == 1 else 1)
        got = inv.compute()
        assert_same_inventory(got, want)
        assert inv.total().m == pytest.approx(want.total().m, rel=REL)


def read_columns(collection) -> list[list[str]]:
    """The columns each Parquet read of a Dask collection's optimised graph reads."""
    return [list(node.columns) for node in collection.optimize(fuse=False).expr.walk()
            if type(node).__name__.startswith("FromMap")]


def test_totals_and_groupings_read_only_the_columns_they_need(log, tmp_path):
    path = tmp_path / "log.parquet"
    write(log, path, row_group_size=1000)
    inv = calculate_dask(path)
    want = sc.calculate(log)
    # the whole inventory reads every column; a total reads what decides the figures
    assert read_columns(inv.data) == [list(log.columns)]
    [total_reads] = read_columns(inv._computation.totals())
    assert {"trip_id", "entity", "cost_centre", "leg"}.isdisjoint(total_reads)
    assert {"source_row", "mode", "origin", "cabin", "date", "year", "nights"} <= set(
        total_reads)
    assert inv.total().m == pytest.approx(want.total().m, rel=REL)
    # a grouping reads its keys too, and gives the in-memory groups
    [by_reads] = read_columns(inv._computation.data("entity", "co2e_kg"))
    assert "entity" in by_reads and "trip_id" not in by_reads
    got, expected = inv.by("entity", "category"), want.by("entity", "category")
    pd.testing.assert_frame_equal(got[["entity", "category", "rows"]].astype(str),
                                  expected[["entity", "category", "rows"]].astype(str))
    np.testing.assert_allclose(got["tco2e"], expected["tco2e"], rtol=REL)
    grand = inv.by()
    assert grand["rows"].item() == len(want.data)
    assert grand["tco2e"].item() == pytest.approx(want.total().m, rel=REL)


def test_a_column_missing_from_the_first_file_is_still_read_from_the_others(tmp_path):
    """pyarrow takes a dataset's schema from its first file: ``method`` and
    ``supplier_factor_kg_per_kwh`` only in the second file were dropped for all files, and
    the market-based rows were computed location-based (0.828 t instead of 0.414 t, no
    note). An empty first file of all-null columns made the read fail."""
    folder = tmp_path / "sites"
    folder.mkdir()
    location = pd.DataFrame({"source_row": [2, 3], "kind": "electricity",
                             "amount": [1000.0, 1000.0], "unit": "kWh", "country": "GB",
                             "year": [2023, 2023]})
    market = location.assign(source_row=[4, 5], method="market",
                             supplier_factor_kg_per_kwh=[0.0, 0.0])
    empty = market.iloc[:0].astype({"kind": object, "method": object})  # null columns
    write(empty, folder / "0-empty.parquet")
    write(location.astype({"source_row": "int32"}), folder / "a.parquet")
    write(market, folder / "b.parquet")
    want = sc.calculate(pd.concat([location, market], ignore_index=True))
    lazy = calculate_dask(folder, kind="facilities")
    got = lazy.compute()
    a = got.data.sort_values("source_row", ignore_index=True)
    b = want.data.sort_values("source_row", ignore_index=True)
    assert a["source_row"].tolist() == b["source_row"].tolist() == [2, 3, 4, 5]
    np.testing.assert_allclose(a["co2e_kg"], b["co2e_kg"], rtol=REL)
    assert a["method"].tolist() == b["method"].tolist()
    assert a["co2e_kg"].iloc[2:].tolist() == [0.0, 0.0]  # the supplier's factor, 0 kg/kWh
    assert got.rows_read == want.rows_read and got.rejected.empty
    assert lazy.total().m == pytest.approx(want.total().m, rel=REL)
