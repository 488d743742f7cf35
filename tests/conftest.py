"""Shared fixtures: a tiny hand-made factor edition for loader tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

TINY_META = {
    "id": "tiny-2020",
    "title": "Tiny test edition",
    "publisher": "sem-carbon tests",
    "year": 2020,
    "kind": "emission-factors",
    "licenses": [{"name": "CC0-1.0", "title": "CC0 1.0",
                  "path": "https://creativecommons.org/publicdomain/zero/1.0/"}],
    "attribution": "none needed",
    "sources": [{"title": "hand-worked test values", "path": "https://example.invalid",
                 "file": "", "sha256": ""}],
    "created_by": "tests/conftest.py",
}


def tiny_rows() -> dict[str, pd.DataFrame]:
    air = pd.DataFrame(
        {
            "category": ["air", "air"],
            "haul": ["long_haul", "long_haul"],
            "cabin": ["economy", "economy"],
            "radiative_forcing": ["false", "true"],
            "value": [0.1, 0.19],
            "unit": ["kgCO2e / passenger / km"] * 2,
            "co2": [0.1, 0.19],
            "label": ["Economy class", "Economy class"],
        }
    )
    hotel = pd.DataFrame(
        {
            "category": ["hotel", "hotel"],
            "country": ["GB", "GB"],
            "city": ["", "london"],
            "value": [10.0, 12.0],
            "unit": ["kgCO2e / room_night"] * 2,
            "label": ["UK", "UK (London)"],
        }
    )
    return {"air": air, "hotel": hotel}


@pytest.fixture
def tiny_edition(tmp_path: Path):
    from sem_carbon.factors.writer import write_factor_set

    folder = tmp_path / "tiny-2020"
    write_factor_set(folder, TINY_META, tiny_rows())
    return folder
