"""The runnable examples work, from any working directory, and the docs show their output.

Every ``examples/*.py`` (except ``generate_example_data.py``, tested in
``test_example_data.py``) runs in a subprocess with this interpreter, from a temporary
working directory; it must exit 0 and print its key line. The guide pages paste each
script's output after a marker ``<!-- output: examples/NAME.py -->``; the pasted block
must equal what the script prints today. After a deliberate change, refresh the pages
with::

    .venv/bin/python tests/test_examples.py --update-docs
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
DOCS = REPO / "docs"
SKIP = {"generate_example_data.py"}  # has its own test (test_example_data.py)
TIMEOUT_S = 180  # each script finishes in well under 30 s alone; CI machines are slower

#: A line (substring) each example must print: proof that it got to its end.
KEY_LINES: dict[str, str] = {
    "quickstart.py": "travel -50% 2021 vs 2019 (co2e): baseline 2,211.1 t",
    "focal_point.py": "{'rows_read': 111, 'rows_computable': 108, 'rows_rejected': 3}",
    "budget_officer.py": "DTE    met in budget, not in carbon",
    "embedding.py": "ours included: True",
}

_MARKER = re.compile(r"<!-- output: examples/(?P<name>[\w\-]+\.py) -->\n```text\n(?P<body>.*?)```",
                     re.S)


def example_scripts() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.py") if p.name not in SKIP)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    env.pop("SEM_CARBON_FACTOR_PATH", None)  # the examples show the bundled editions
    # run the checkout's sem_carbon even where it is not installed in this interpreter
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def run_all(workdir: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run every example at once (in parallel), each from ``workdir``."""
    started = {}
    for script in example_scripts():
        started[script.name] = (time.monotonic(), subprocess.Popen(
            [sys.executable, str(script)], cwd=workdir, env=_environment(), text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    results = {}
    for name, (_, proc) in started.items():
        try:
            out, err = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            err += f"\n(killed after {TIMEOUT_S} s)"
        results[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return results


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("examples-cwd")


@pytest.fixture(scope="module")
def runs(workdir: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    return run_all(workdir)


def test_every_example_has_a_key_line() -> None:
    names = {p.name for p in example_scripts()}
    assert names == set(KEY_LINES), (
        "register each example's key line in KEY_LINES (and remove old ones)")


@pytest.mark.parametrize("name", sorted(KEY_LINES))
def test_example_runs_from_another_directory(runs, name: str) -> None:
    done = runs[name]
    assert done.returncode == 0, f"{name} failed:\n{done.stderr[-3000:]}"
    assert KEY_LINES[name] in done.stdout, f"{name} did not print {KEY_LINES[name]!r}:\n" \
        + done.stdout[-3000:]


def test_examples_write_nothing_in_the_working_directory(runs, workdir: Path) -> None:
    assert all(r.returncode == 0 for r in runs.values())
    assert not any(workdir.iterdir()), sorted(p.name for p in workdir.iterdir())


def test_example_writes_into_the_folder_given(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(EXAMPLES / "focal_point.py"), str(out)],
                          cwd=tmp_path, env=_environment(), text=True, capture_output=True,
                          timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    names = {p.name for p in out.iterdir()}
    assert {"dte-agency.json", "DTE-travel-2023-Q1-Q3.html",
            "DTE-travel-2023-Q1-Q3.xlsx"} <= names, names


def documented_outputs() -> dict[str, tuple[Path, str]]:
    """``{script name: (page, pasted output)}`` from the docs pages."""
    found: dict[str, tuple[Path, str]] = {}
    for page in sorted(DOCS.glob("*.md")):
        for match in _MARKER.finditer(page.read_text(encoding="utf-8")):
            found[match["name"]] = (page, match["body"])
    return found


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def test_every_example_output_is_in_the_docs() -> None:
    assert set(documented_outputs()) == set(KEY_LINES)


@pytest.mark.parametrize("name", sorted(KEY_LINES))
def test_docs_show_the_real_output(runs, name: str) -> None:
    page, shown = documented_outputs()[name]
    assert runs[name].returncode == 0
    assert _normalise(shown) == _normalise(runs[name].stdout), (
        f"{page.name} shows an outdated output of examples/{name}; refresh it with "
        "'.venv/bin/python tests/test_examples.py --update-docs'")


def update_docs() -> int:
    """Paste each example's current output into the docs pages."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        runs = run_all(Path(tmp))
    failed = [n for n, r in runs.items() if r.returncode != 0]
    if failed:
        for name in failed:
            print(f"{name} failed:\n{runs[name].stderr}", file=sys.stderr)
        return 1
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")

        def paste(match: re.Match[str]) -> str:
            out = _normalise(runs[match["name"]].stdout) + "\n"
            return f"<!-- output: examples/{match['name']} -->\n```text\n{out}```"

        new = _MARKER.sub(paste, text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            print(f"updated {page.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--update-docs"]:
        sys.exit(update_docs())
    sys.exit(pytest.main([__file__, "-q"]))
