"""Monthly files of the example office, for the ledger tests (real CSV files)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "data"
ENTITIES = ("DFO", "DTE", "EXD")


def example_log() -> pd.DataFrame:
    return pd.read_csv(EXAMPLES / "travel_2010_2024.csv", dtype=str, keep_default_na=False)


def monthly_files(folder: Path, year: int = 2023, entities: tuple[str, ...] = ENTITIES
                  ) -> dict[tuple[str, int], Path]:
    """One travel file per entity and month of ``year`` (12 x len(entities) files)."""
    log = example_log()
    month = log["date"].str[:7]
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for entity in entities:
        for m in range(1, 13):
            rows = log[(log["entity"] == entity) & (month == f"{year}-{m:02d}")]
            assert len(rows), f"no example rows for {entity} {year}-{m:02d}"
            path = folder / f"travel_{entity}_{year}-{m:02d}.csv"
            rows.to_csv(path, index=False)
            out[(entity, m)] = path
    return out
