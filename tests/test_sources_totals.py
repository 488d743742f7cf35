"""The same log read from CSV, Excel, Parquet, a DataFrame and a URL gives identical totals."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pandas as pd
import pytest

import sem_carbon as sc

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "data" / "travel_2010_2024.csv"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("log")
    frame = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False).iloc[:3000]
    path = folder / "log.csv"
    frame.to_csv(path, index=False)
    return folder, frame


@pytest.fixture(scope="module")
def server(sample):
    folder, _ = sample
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # keep the test output quiet
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _total(table) -> tuple[float, int, int]:
    inv = sc.calculate(table)
    return round(inv.total().m_as("kgCO2e"), 6), len(inv.data), len(inv.rejected)


def test_every_source_kind_gives_the_same_total(sample, server):
    folder, frame = sample
    frame.to_excel(folder / "log.xlsx", index=False)
    frame.to_parquet(folder / "log.parquet", index=False)
    reference = _total(sc.read_travel_log(folder / "log.csv"))
    assert reference[0] > 0 and reference[1] > 2000
    assert _total(sc.read_travel_log(folder / "log.xlsx")) == reference
    assert _total(sc.read_travel_log(folder / "log.parquet")) == reference
    assert _total(sc.read_travel_log(frame)) == reference
    assert _total(sc.read_travel_log(f"{server}/log.csv")) == reference


def test_batch_total_equals_the_sum_of_scalar_calls(sample):
    folder, _ = sample
    log = sc.read_travel_log(folder / "log.csv")
    inv = sc.calculate(log)
    air = inv.data[(inv.data["category"] == "air")].head(300)
    scalar = sum(
        sc.flight(r.origin, r.destination, cabin=r.cabin, passengers=r.passengers,
                  round_trip=bool(r.round_trip), year=int(r.year), date=r.date).co2e.m
        for r in air.itertuples()
    )
    assert air["co2e_kg"].sum() == pytest.approx(scalar, rel=1e-12)
