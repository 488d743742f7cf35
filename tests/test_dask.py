"""Scale-out on Dask (``sem_carbon.scale``): same rows and numbers as the in-memory path.

One two-process LocalCluster serves the whole module; the data mixes years 2018-2024 (so
several DESNZ editions, and a substituted one, are used), modes, bad rows and multi-leg
source rows split over partitions.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

import cloudpickle
import dask.dataframe as dd
from dask.distributed import Client, LocalCluster

import sem_carbon as sc
from sem_carbon.inventory import Inventory
from sem_carbon.scale import (
    DaskInventory,
    DaskNotInstalledError,
    calculate_dask,
    is_dask_input,
    parquet_source_rows_apart,
    worker_cache_info,
)

AIRPORTS = np.array(["GVA", "LHR", "JFK", "CDG", "NBO", "BKK", "ADD", "FRA", "AMS", "IAD",
                     "DXB", "GRU"])
REL = 1e-9


@pytest.fixture(scope="module")
def client():
    # no dashboard; the scheduler's small HTTP server on a free port, not 8787 (another
    # cluster may hold it, and the warning about that would fail the run)
    environment = dict(os.environ)  # LocalCluster leaves OMP_NUM_THREADS=1 etc. behind
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None, timeout="60s",
                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    try:
        with Client(cluster, timeout="60s") as c:
            c.wait_for_workers(2, timeout=60)
            yield c
    finally:
        cluster.close(timeout=30)
        os.environ.clear()
        os.environ.update(environment)


def travel_log(n: int = 1500, seed: int = 1) -> pd.DataFrame:
    """Canonical travel rows, 2018-2024, with legs, substitutions and bad rows."""
    rng = np.random.default_rng(seed)
    modes = rng.choice(["air", "air", "air", "rail", "road", "hotel"], n)
    years = rng.integers(2018, 2025, n)
    frame = pd.DataFrame({
        "source_row": np.arange(n) + 2,
        "trip_id": [f"T{i}" for i in range(n)],
        "leg": 0,
        "entity": rng.choice(["HQ", "RO-AF", "CO-KE"], n),
        "date": pd.to_datetime(pd.Series(years).astype(str) + "-03-15"),
        "year": years,
        "mode": modes,
        "origin": rng.choice(AIRPORTS, n),
        "destination": rng.choice(AIRPORTS, n),
        "cabin": rng.choice(["economy", "business", "premium_economy", "first", "average"], n),
        "round_trip": rng.random(n) < 0.3,
        "passengers": 1.0,
        "distance_km": np.where(np.isin(modes, ["rail", "road"]), rng.uniform(5, 800, n),
                                np.nan),
        "vehicle": np.where(modes == "road", "car", None),
        "rail_kind": np.where(modes == "rail", "national", None),
        "nights": np.where(modes == "hotel", rng.integers(1, 6, n).astype(float), np.nan),
        "country": np.where(modes == "hotel", rng.choice(["GB", "FR", "KE", "TH"], n), None),
        "cost_centre": rng.choice(["A1", "B2"], n),  # an extra source column, kept
    })
    # routings: a second leg (same source_row) after every 37th row
    legs = frame.iloc[::37].copy()
    legs["leg"] = 1
    legs["origin"], legs["destination"] = legs["destination"].to_numpy(), legs["origin"].to_numpy()
    frame = (pd.concat([frame, legs]).sort_values(["source_row", "leg"], kind="stable")
             .reset_index(drop=True))
    frame.loc[frame.index[::211], "origin"] = "ZZZ"  # unknown airport
    second = frame.index[frame["leg"].eq(1)]
    frame.loc[second[len(second) // 3], "origin"] = "ZZZ"  # a routing with one bad leg
    frame.loc[frame.index[5::301], "mode"] = "boat"  # unknown mode
    frame.loc[frame.index[7::401], ["mode", "nights", "country"]] = ["hotel", -1.0, "GB"]
    no_year = frame.index[9::503]
    frame["year"] = frame["year"].astype("Int64")
    frame.loc[no_year, "year"] = pd.NA
    frame.loc[no_year, "date"] = pd.NaT
    return frame


def split_at(frame: pd.DataFrame, cuts: list[int]) -> dd.DataFrame:
    """A Dask DataFrame whose partitions start at the given row positions."""
    bounds = [0, *cuts, len(frame)]
    parts = [frame.iloc[a:b] for a, b in itertools.pairwise(bounds)]
    return dd.concat([dd.from_pandas(p, npartitions=1, sort=False) for p in parts])


def straddling_cuts(frame: pd.DataFrame, n_parts: int) -> list[int]:
    """Cut points of ~equal partitions, two of them between the legs of a rejected row."""
    cuts = list(np.linspace(0, len(frame), n_parts + 1).astype(int)[1:-1])
    two_legs = frame.index[frame["leg"].eq(1)].to_numpy()
    bad_second = [i for i in two_legs if frame.loc[i, "origin"] == "ZZZ"]
    assert bad_second, "the log needs a routing whose second leg is rejected"
    cuts[0] = int(bad_second[0])  # the rejected leg opens a partition, its first leg closes one
    cuts[-1] = int(two_legs[len(two_legs) // 2])
    return sorted(set(cuts))


def _text(series: pd.Series) -> np.ndarray:
    return np.array([None if pd.isna(v) else str(v) for v in series], dtype=object)


def assert_same_inventory(got: Inventory, want: Inventory) -> None:
    """Same rows, same columns, numbers to 1e-9; order aside (it follows partitions)."""
    assert set(got.data.columns) == set(want.data.columns)
    assert list(got.data.columns) == list(want.data.columns)
    key = ["source_row", "leg", "category", "scope"]
    a = got.data.sort_values(key, kind="stable").reset_index(drop=True)
    b = want.data.sort_values(key, kind="stable").reset_index(drop=True)
    assert len(a) == len(b)
    for name in b.columns:
        if name == "source":  # a Parquet dataset is its own source: checked by the callers
            continue
        if pd.api.types.is_numeric_dtype(b[name]) and not pd.api.types.is_bool_dtype(b[name]):
            np.testing.assert_allclose(a[name].to_numpy(float), b[name].to_numpy(float),
                                       rtol=REL, equal_nan=True, err_msg=name)
        elif pd.api.types.is_datetime64_any_dtype(b[name]):
            assert (a[name].fillna(pd.Timestamp(0)) == b[name].fillna(pd.Timestamp(0))).all()
        else:
            assert (_text(a[name]) == _text(b[name])).all(), name
    rkey = ["table", "source_row", "column", "reason"]
    ra = got.rejected.astype(str).sort_values(rkey).reset_index(drop=True)
    rb = want.rejected.astype(str).sort_values(rkey).reset_index(drop=True)
    pd.testing.assert_frame_equal(ra[rkey], rb[rkey])
    assert got.rows_read == want.rows_read
    assert got.total().m == pytest.approx(want.total().m, rel=REL)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return travel_log()


@pytest.fixture(scope="module")
def in_memory(log) -> Inventory:
    return sc.calculate(log)


def test_same_rows_totals_and_groupings_as_in_memory(client, log, in_memory):
    source = split_at(log, straddling_cuts(log, 4))
    lazy = calculate_dask(source)
    assert isinstance(lazy, DaskInventory)
    inv = lazy.persist()  # one pass on the cluster; totals and groupings from its memory
    assert inv.total().m == pytest.approx(in_memory.total().m, rel=REL)
    assert str(inv.total().u) == str(in_memory.total().u)
    got, want = inv.by("year", "category"), in_memory.by("year", "category")
    assert list(got.columns) == list(want.columns) == ["year", "category", "tco2e", "rows"]
    pd.testing.assert_frame_equal(got[["year", "category", "rows"]].astype(str),
                                  want[["year", "category", "rows"]].astype(str))
    np.testing.assert_allclose(got["tco2e"], want["tco2e"], rtol=REL)
    assert inv.by()["rows"].item() == len(in_memory.data)
    assert_same_inventory(inv.compute(), in_memory)
    # several editions, a substituted year and every kind of reject are exercised
    assert in_memory.data["factor_id"].nunique() >= 6
    # 2018 has no hotel factors: its hotel rows take the category from desnz-2019
    assert in_memory.data["notes"].astype(str).str.contains(
        "desnz-2018 has no hotel factors; used desnz-2019").any()
    reasons = " ".join(in_memory.rejected["reason"].astype(str))
    for reason in ("unknown airport", "unknown mode", "nights", "no date or year",
                   "another leg of this source row was rejected"):
        assert reason in reasons


def test_split_source_rows_are_kept_whole(client, log, in_memory):
    source = split_at(log, straddling_cuts(log, 4))
    naive = calculate_dask(source, check_split_rows=False).compute()
    # without the regrouping the first leg of the split routing survives in its partition
    assert len(naive.data) == len(in_memory.data) + 1
    # partitions in reverse order: found and regrouped all the same
    reverse = dd.concat([source.get_partition(i)
                         for i in reversed(range(source.npartitions))])
    assert_same_inventory(calculate_dask(reverse).compute(), in_memory)


def test_stacked_sources_sharing_row_numbers(client, log, monkeypatch):
    # two sources stacked without renumbering: rows of both that share a number are one
    # source row in memory, and so on Dask (here by a shuffle on source_row, taken when
    # more source rows than this are split; below it they are moved, as tested above)
    monkeypatch.setattr("sem_carbon.scale.MAX_MOVED_SOURCE_ROWS", 10)
    half = len(log) // 2
    stacked = pd.concat([log, log.iloc[:half]], ignore_index=True)
    source = split_at(stacked, [half, len(log), len(log) + half // 2])
    assert_same_inventory(calculate_dask(source).compute(), sc.calculate(stacked))


def test_words_and_text_dates_read_as_in_memory(client):
    # a partition is read as calculate reads a DataFrame: canonical words in the rows,
    # the same notes and reject reasons (a missing mode beside an unknown one), text dates
    frame = travel_log(n=900, seed=5)
    frame.loc[frame.index[10::79], "mode"] = "Flight"
    frame.loc[frame.index[12::151], "mode"] = None
    frame.loc[frame.index[4::89], "cabin"] = "Business Class"
    frame["date"] = frame["date"].dt.strftime("%d/%m/%Y")
    frame.loc[frame.index[20::211], "date"] = "31/02/2020"  # no such day: rejected
    want = sc.calculate(frame)
    got = calculate_dask(dd.from_pandas(frame, npartitions=3, sort=False)).compute()
    assert_same_inventory(got, want)
    assert "Flight" not in set(got.data["mode"]) and "air" in set(got.data["mode"])
    reasons = set(got.rejected["reason"])
    assert {"missing mode", "unknown airport code"} <= reasons and "" not in reasons
    assert (got.rejected["column"] == "date").sum() == (want.rejected["column"] == "date").sum() > 0


def test_an_implausible_year_is_rejected_as_in_memory(client):
    # a partition computed year 19 with desnz-2010 and -2019 with the newest edition, as
    # calculate(DataFrame) did; both reject it now, with the readers' reason
    frame = pd.DataFrame({"entity": "A", "kind": "electricity", "amount": 1000.0,
                          "unit": "kWh", "country": "GB",
                          "year": [19, 2019, -2019, 3019, 2020, 0] * 2})
    want = sc.calculate(frame)
    assert want.data["factor_id"].tolist() == ["desnz-2019", "desnz-2020"] * 2
    got = calculate_dask(dd.from_pandas(frame, npartitions=2, sort=False)).compute()
    columns = ["source_row", "year", "factor_id", "co2e_kg"]
    assert got.data.sort_values("source_row")[columns].values.tolist() == \
        want.data[columns].values.tolist()
    key = ["source_row", "column", "value", "reason"]
    assert got.rejected.sort_values("source_row").astype(str)[key].values.tolist() == \
        want.rejected.astype(str)[key].values.tolist()
    assert want.rejected["source_row"].tolist() == [2, 4, 5, 7, 8, 10, 11, 13]
    assert set(got.rejected["reason"]) == {"not a plausible year (a whole number 1950-2100)"}


def test_time_zone_aware_dates_read_as_local_dates_as_in_memory(client, tmp_path):
    # a datetime64[ns, America/New_York] column was read in UTC: 23:30 on 31 December 2019
    # in New York computed with desnz-2020; the local date is 2019, as the readers read it
    local = pd.Series(pd.to_datetime(["2019-12-31 23:30", "2020-01-01 00:30"] * 3)
                      ).dt.tz_localize("America/New_York")
    frame = pd.DataFrame({"mode": "air", "leg": 0, "origin": "GVA", "destination": "JFK",
                          "cabin": "economy", "date": local})
    want = sc.calculate(frame)
    assert want.data["factor_id"].tolist() == ["desnz-2019", "desnz-2020"] * 3
    got = calculate_dask(dd.from_pandas(frame, npartitions=2, sort=False)).compute()
    assert_same_inventory(got, want)
    frame.to_parquet(tmp_path / "log.parquet")
    assert_same_inventory(calculate_dask(tmp_path / "log.parquet").compute(), want)


def test_parquet_dataset_in_and_inventory_out_partitioned_by_year(client, log, in_memory,
                                                                 tmp_path):
    src = tmp_path / "log"
    split_at(log, straddling_cuts(log, 3)).to_parquet(src, write_index=False)
    assert is_dask_input(src) and is_dask_input(str(src))
    inv = calculate_dask(src)
    out = tmp_path / "inventory"
    inv.to_parquet(out, partition_on=("year",))
    years = sorted(p.name for p in out.glob("year=*"))
    assert years == [f"year={y}" for y in range(2018, 2025)]
    back = DaskInventory.read_parquet(out)
    assert_same_inventory(back.compute(), in_memory)
    assert set(back.compute().data["source"]) == {str(src)}
    np.testing.assert_allclose(back.by("year")["tco2e"], in_memory.by("year")["tco2e"],
                               rtol=REL)
    # plain Parquet readers open the rows as a dataset; the rejects are beside it
    assert len(pd.read_parquet(out)) == len(in_memory.data)
    assert len(dd.read_parquet(out)) == len(in_memory.data)
    assert len(pd.read_parquet(tmp_path / "inventory.rejected")) == len(in_memory.rejected)


def test_facilities_with_td_rows(client):
    rows = [
        {"kind": "electricity", "amount": 1000.0, "unit": "kWh", "country": "GB", "year": 2019},
        {"kind": "electricity", "amount": 250.0, "unit": "MWh", "country": "India",
         "year": 2019},
        {"kind": "natural_gas", "amount": 12345.0, "unit": "kWh", "year": 2024},
        {"kind": "diesel", "amount": 77.7, "unit": "L", "year": 2021},
        {"kind": "district_heat", "amount": 4000.0, "unit": "kWh", "year": 2024},
        {"kind": "refrigerant", "amount": 2.0, "unit": "kg", "gas": "R-410A", "year": 2023},
        {"kind": "water", "amount": 100.0, "unit": "m^3", "year": 2020},
        {"kind": "unobtainium", "amount": 1.0, "unit": "kg", "year": 2022},
    ]
    frame = pd.DataFrame(rows * 5)
    frame.insert(0, "source_row", np.arange(len(frame)) + 2)
    frame["gas"] = frame["gas"].fillna("")
    want = sc.calculate(frame, include_td=True)
    inv = calculate_dask(dd.from_pandas(frame, npartitions=3, sort=False), kind=None,
                         include_td=True)
    got = inv.compute()
    assert (got.data["category"] == "td_losses").sum() == 10
    assert got.total().m == pytest.approx(want.total().m, rel=REL)
    assert sorted(got.data.columns) == sorted(want.data.columns)
    assert len(got.rejected) == len(want.rejected) == 5


def test_a_facilities_dataset_is_facilities_by_default_and_nothing_computed_warns(
        client, tmp_path):
    # kind defaulted to "travel": every bill was rejected as "missing mode" and total()
    # said 0.0 tCO2e without a word
    bills = pd.DataFrame({"source_row": [2, 3], "kind": "electricity",
                          "amount": [1000.0, 500.0], "unit": "kWh", "country": "GB",
                          "year": 2019})
    path = tmp_path / "bills.parquet"
    bills.to_parquet(path)
    want = sc.calculate(bills).total().m
    assert want > 0
    inv = calculate_dask(str(path))
    assert inv.kind == "facilities"
    assert inv.total().m == pytest.approx(want, rel=REL)
    as_travel = calculate_dask(str(path), kind="travel")  # the wrong kind, said
    with pytest.warns(sc.NothingComputedWarning, match="all 2 source rows were rejected"):
        assert as_travel.total().m == 0.0
    with pytest.warns(sc.NothingComputedWarning):
        assert as_travel.by("year").empty
    with pytest.warns(sc.NothingComputedWarning):
        assert as_travel.by()["rows"].tolist() == [0]


def test_editions_load_once_per_worker_and_stay_out_of_the_graph(client, log):
    before = client.run(worker_cache_info)
    source = dd.from_pandas(log, npartitions=16, sort=False)
    calculate_dask(source, check_split_rows=False).compute()
    info = client.run(worker_cache_info)
    # one pass: once a partition; the counts cover all the module's calculations so far
    assert sum(i["partitions"] - before[w]["partitions"] for w, i in info.items()) == 16
    for worker in info.values():
        assert worker["partitions"] >= 2 and len(worker["edition_loads"]) >= 6
        assert set(worker["edition_loads"].values()) == {1}  # each edition loaded once
        assert worker["folder_loads"] == worker["folders_cached"]  # no folder read twice
    # no FactorSet is pickled into the tasks, by year or by id ...
    dated = dd.from_pandas(log.dropna(subset=["year"]), npartitions=4, sort=False)
    for factors in (None, "desnz-2022"):
        graph = calculate_dask(dated, factors, check_split_rows=False).data.__dask_graph__()
        assert not [k for k, t in dict(graph).items() if b"FactorSet" in cloudpickle.dumps(t)]
    # ... and one made in memory is one key that every task refers to
    custom = sc.load_factors("desnz-2022").with_overrides(
        [{"category": "hotel", "country": "KE", "value": 9.0, "unit": "kgCO2e / room_night"}])
    inv = calculate_dask(dated, custom, check_split_rows=False)
    graph = dict(inv.data.__dask_graph__())
    assert len([k for k, t in graph.items() if b"FactorSet" in cloudpickle.dumps(t)]) == 1
    assert set(inv.compute().data["factor_id"]) == {"desnz-2022+overrides"}


def test_is_dask_input(tmp_path, log):
    assert not is_dask_input(log)
    assert is_dask_input(dd.from_pandas(log, npartitions=2))
    assert not is_dask_input(tmp_path)  # empty folder
    assert not is_dask_input(tmp_path / "missing")
    assert is_dask_input("s3://bucket/travel/")
    (tmp_path / "a.csv").write_text("x\n1\n")
    assert not is_dask_input(tmp_path / "a.csv")


def test_friendly_error_without_dask():
    assert issubclass(DaskNotInstalledError, sc.SemCarbonError)
    assert issubclass(DaskNotInstalledError, ImportError)
    # in a fresh interpreter where "import dask" fails, as when the extra is not installed
    code = (
        "import sys; sys.modules['dask'] = None\n"
        "import pandas as pd, sem_carbon as sc\n"
        "from sem_carbon.scale import DaskNotInstalledError, calculate_dask, is_dask_input\n"
        "assert not is_dask_input(pd.DataFrame({'mode': ['air']}))\n"
        "assert 'dask' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]\n"
        "try:\n"
        "    calculate_dask('s3://bucket/log/')\n"
        "except DaskNotInstalledError as exc:\n"
        "    assert isinstance(exc, sc.SemCarbonError) and isinstance(exc, ImportError)\n"
        "    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "install sem-carbon[dask]" in done.stdout


def test_lazy_until_asked(client, log):
    before = client.run(worker_cache_info)
    here = worker_cache_info()["partitions"]  # other modules compute in this process too
    inv = calculate_dask(dd.from_pandas(log, npartitions=4), check_split_rows=False)
    assert "lazy" in repr(inv)
    assert client.run(worker_cache_info) == before  # nothing ran on the workers
    assert worker_cache_info()["partitions"] == here  # nor here


def test_parquet_footers_decide_whether_rows_are_regrouped(client, log, in_memory, tmp_path):
    # straddling files: a source row's legs in two files, so the regrouping pass must run
    straddling = tmp_path / "straddling"
    split_at(log, straddling_cuts(log, 3)).to_parquet(straddling, write_index=False)
    assert not parquet_source_rows_apart(straddling)
    # files cut between source rows: the footers' min/max show no row in two row groups
    rows = log["source_row"].to_numpy()
    cuts = [i for i in np.linspace(0, len(log), 4).astype(int)[1:-1]
            if rows[i] != rows[i - 1]] or [int(np.flatnonzero(np.diff(rows))[0]) + 1]
    apart = tmp_path / "apart"
    split_at(log, cuts).to_parquet(apart, write_index=False)
    assert parquet_source_rows_apart(apart)
    assert_same_inventory(calculate_dask(apart).compute(), in_memory)
    # one file's range reaching into another's: not trusted (the pass runs)
    first, second = log.iloc[: len(log) // 2], log.iloc[len(log) // 2:]
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    pd.concat([first, second.iloc[-1:]]).to_parquet(mixed / "a.parquet", index=False)
    second.iloc[:-1].to_parquet(mixed / "b.parquet", index=False)
    assert not parquet_source_rows_apart(mixed)
    assert not parquet_source_rows_apart(tmp_path / "nowhere")


def test_a_total_or_grouping_is_one_task_per_partition(client, log, in_memory, tmp_path):
    # fused: not a read, a conversion, a calculation, a sum and a chunk task per partition,
    # each result kept in the worker's store (distributed runs an unfused expression so)
    from dask.distributed import get_task_stream

    folder = tmp_path / "fused"
    rows = log["source_row"].to_numpy()
    cuts = [i for i in np.linspace(0, len(log), 6).astype(int)[1:-1] if rows[i] != rows[i - 1]]
    split_at(log, cuts).to_parquet(folder, write_index=False)  # files apart: no regrouping
    assert parquet_source_rows_apart(folder)
    inv = calculate_dask(folder, partition_rows=1)
    parts = inv.data.npartitions
    assert parts >= 3
    for ask in (inv.total, lambda: inv.by("year"), inv.by):
        with get_task_stream(client) as stream:
            ask()
        keys = [str(t["key"]) for t in stream.data]
        fused = [k for k in keys if "fused" in k]
        assert len(fused) == parts, keys  # one task per partition, then the reduction
        # what is left gathers the small per-partition results (a tree, a concatenation)
        assert not [k for k in keys if not any(w in k for w in ("fused", "tree", "repartition"))
                    ], keys
    assert inv.total().m == pytest.approx(in_memory.total().m, rel=REL)
