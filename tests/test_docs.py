"""The documentation site builds with ``mkdocs build --strict``, and its generated parts are
current: the CHANGELOG's factor section is the output of ``scripts/factor_changes.py`` and
the methodology names every bundled factor edition."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sem_carbon as sc
from sem_carbon.factors.catalogue import bundled_folder

REPO = Path(__file__).resolve().parents[1]


def _missing(*modules: str) -> list[str]:
    missing = []
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:  # the parent package of a dotted name is absent
            found = False
        if not found:
            missing.append(module)
    return missing


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    missing = _missing("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
    if missing:
        pytest.skip(f"docs tools not installed ({', '.join(missing)}): pip install -e '.[docs]'")
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"  # mkdocs-material's end-of-life banner
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(REPO / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=REPO,  # pymdownx.snippets reads examples/ and CHANGELOG.md relative to it
        env=env, text=True, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    for page in ("index.html", "api/index.html", "methodology/index.html",
                 "changelog/index.html", "guide-focal-point/index.html"):
        assert (site / page).is_file(), page
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("read_travel_log", "FactorSet", "target_status", "Report", "with_overrides"):
        assert name in api, name


def test_changelog_factor_section_is_the_script_output() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "factor_changes.py"), "--check",
         str(REPO / "CHANGELOG.md")], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr


def test_changelog_is_in_the_docs() -> None:
    page = (REPO / "docs" / "changelog.md").read_text(encoding="utf-8")
    assert '--8<-- "CHANGELOG.md"' in page


def test_methodology_names_every_bundled_edition() -> None:
    text = (REPO / "docs" / "methodology.md").read_text(encoding="utf-8")
    bundled = sc.factor_sets()
    bundled = bundled[bundled["path"].str.startswith(str(bundled_folder()))]
    missing = [i for i in bundled["id"] if f"`{i}`" not in text]
    assert not missing, f"docs/methodology.md does not describe {missing}"
