"""Realistic benchmark data: what an agency's travel log and a facilities table look like.

Travel (:func:`agency_legs`): air legs between the 240 busiest airports of the bundled
reference table (``sem_carbon/geo/data/airport_reference.csv``, ``busiest:N``), origins
drawn from 40 duty stations and destinations skewed to the busiest airports (Zipf-like),
dates spread over 2019-2024 (six years, so six DESNZ editions), four cabins in realistic
shares, and 21 columns as :func:`sem_carbon.read_travel_log` returns an agency export
(booking reference, traveller, cost, currency, airline, ticket number, invoice, purpose,
...; text columns in pandas' string dtype, as the reader gives them).

Facilities (:func:`facilities_rows`): monthly meter readings of sites in 50 countries
over 2019-2024: electricity (kWh, MWh), natural gas (kWh), diesel (litres), water (m3),
in the canonical facilities columns.

Both are deterministic (seeded) and built with numpy/pyarrow, without a Python loop per row.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

REFERENCE = Path(__file__).resolve().parents[2] / "sem_carbon" / "geo" / "data" \
    / "airport_reference.csv"
YEARS = np.arange(2019, 2025)
CABINS = np.array(["economy", "premium economy", "business", "first"])
CABIN_SHARES = np.array([0.70, 0.07, 0.20, 0.03])
ENTITIES = np.array(["HQ", "RO-AF", "RO-AP", "RO-LAC", "RO-EU", "RO-AS", "CO-KE", "CO-TH",
                     "CO-PA", "CO-CH", "CO-ET", "CO-IN", "CO-BR", "CO-LB", "DFO", "OCHA"])
AIRLINES = np.array(["LX", "LH", "AF", "BA", "KL", "EK", "QR", "ET", "KQ", "TK", "UA", "DL",
                     "SQ", "TG", "CM", "AV", "LA", "AI", "MS", "SA"])
PURPOSES = np.array(["mission", "meeting", "training", "conference", "home leave",
                     "recruitment", "evaluation"])
CURRENCIES = np.array(["USD", "CHF", "EUR", "KES", "THB"])
DUTY_STATIONS = 40

#: The 21 columns of the travel table, in the reader's order.
TRAVEL_COLUMNS = ("source_row", "trip_id", "leg", "entity", "date", "year", "mode", "origin",
                  "destination", "cabin", "round_trip", "passengers", "distance_km", "cost",
                  "currency", "traveller", "notes", "purpose", "airline", "ticket_number",
                  "invoice_no")


@lru_cache(maxsize=1)
def busiest_airports(count: int = 240) -> np.ndarray:
    """IATA codes of the ``count`` busiest airports of the bundled reference table."""
    ranked = []
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for part in row["why"].split(";"):
                if part.startswith("busiest:") and row["iata"]:
                    ranked.append((int(part.split(":")[1]), row["iata"]))
    ranked.sort()
    return np.array([code for _, code in ranked[:count]])


def _text(prefix: str, numbers: np.ndarray) -> pd.Series:
    """``prefix`` + number as a pandas string column (built in pyarrow, no Python loop)."""
    joined = pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")
    return pd.Series(joined.to_pandas(), dtype="str")


def _choice(rng: np.random.Generator, values: np.ndarray, n: int,
            p: np.ndarray | None = None) -> pd.Series:
    return pd.Series(values[rng.choice(len(values), n, p=p)], dtype="str")


def agency_legs(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` air legs of an agency log over 2019-2024 (21 columns, see the module doc)."""
    rng = np.random.default_rng(seed)
    airports = busiest_airports()
    weight = 1.0 / np.arange(1, len(airports) + 1) ** 0.8
    weight /= weight.sum()
    stations = rng.choice(len(airports), DUTY_STATIONS, replace=False, p=weight)
    origin = stations[rng.integers(0, DUTY_STATIONS, n)]
    dest = rng.choice(len(airports), n, p=weight)
    same = dest == origin
    dest[same] = (dest[same] + 1 + rng.integers(0, len(airports) - 1, int(same.sum()))) \
        % len(airports)
    year = rng.choice(YEARS, n)
    days = rng.integers(0, 365, n).astype("timedelta64[D]")
    date = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + days
    trip = np.arange(n) // 2
    return pd.DataFrame({
        "source_row": np.arange(n, dtype=np.int64) + 2,
        "trip_id": _text("B", trip + 100_000),
        "leg": (np.arange(n) % 2).astype(np.int64),
        "entity": _choice(rng, ENTITIES, n),
        "date": date.astype("datetime64[ns]"),
        "year": year.astype(np.int64),
        "mode": pd.Series(np.full(n, "air"), dtype="str"),
        "origin": pd.Series(airports[origin], dtype="str"),
        "destination": pd.Series(airports[dest], dtype="str"),
        "cabin": _choice(rng, CABINS, n, CABIN_SHARES),
        "round_trip": rng.random(n) < 0.3,
        "passengers": np.ones(n),
        "distance_km": np.full(n, np.nan),
        "cost": rng.gamma(2.0, 600.0, n).round(2),
        "currency": _choice(rng, CURRENCIES, n, np.array([0.6, 0.2, 0.1, 0.05, 0.05])),
        "traveller": _text("S-", rng.integers(0, 5000, n)),
        "notes": pd.Series(np.full(n, ""), dtype="str"),
        "purpose": _choice(rng, PURPOSES, n),
        "airline": _choice(rng, AIRLINES, n),
        "ticket_number": _text("724-", rng.integers(1_000_000_000, 9_999_999_999, n)),
        "invoice_no": _text("INV", trip // 20),
    }, columns=list(TRAVEL_COLUMNS))


#: 50 countries with grid intensities (Ember) for the facilities table; GB uses DESNZ.
COUNTRIES = np.array([
    "CH", "GB", "FR", "DE", "IT", "ES", "NL", "BE", "AT", "DK", "SE", "NO", "FI", "PL", "CZ",
    "US", "CA", "MX", "BR", "AR", "CL", "CO", "PE", "PA", "GT", "KE", "ET", "UG", "TZ", "ZA",
    "NG", "SN", "EG", "MA", "TN", "LB", "JO", "TR", "IN", "PK", "BD", "LK", "NP", "TH", "VN",
    "PH", "ID", "MY", "JP", "AU"])

#: (kind, unit, typical monthly amount) of the meters of a site.
METERS = (("electricity", "kWh", 40_000.0), ("electricity", "MWh", 40.0),
          ("natural_gas", "kWh", 60_000.0), ("diesel", "L", 800.0), ("water", "m^3", 300.0))


def facilities_rows(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` monthly meter readings of sites in 50 countries over 2019-2024."""
    rng = np.random.default_rng(seed)
    meter = rng.choice(len(METERS), n, p=np.array([0.45, 0.1, 0.2, 0.1, 0.15]))
    kinds = np.array([m[0] for m in METERS])[meter]
    units = np.array([m[1] for m in METERS])[meter]
    typical = np.array([m[2] for m in METERS])[meter]
    year = rng.choice(YEARS, n)
    month = rng.integers(1, 13, n)
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") \
        + (month - 1).astype("timedelta64[M]")
    end = (start + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    site = rng.integers(0, 400, n)
    return pd.DataFrame({
        "source_row": np.arange(n, dtype=np.int64) + 2,
        "entity": pd.Series(ENTITIES[site % len(ENTITIES)], dtype="str"),
        "site": _text("Site ", site),
        "period_start": start.astype("datetime64[D]").astype("datetime64[ns]"),
        "period_end": end.astype("datetime64[ns]"),
        "year": year.astype(np.int64),
        "kind": pd.Series(kinds, dtype="str"),
        "amount": (typical * rng.gamma(4.0, 0.25, n)).round(1),
        "unit": pd.Series(units, dtype="str"),
        "country": pd.Series(COUNTRIES[site % len(COUNTRIES)], dtype="str"),
    })
