"""Issue 20: optional parts behind extras, with one clear message when a package is missing.

Each check runs in a fresh interpreter in which the optional package cannot be imported
(``sys.modules[name] = None``), as on a machine where the extra is not installed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PRELUDE = """
import sys
for name in {blocked!r}:
    sys.modules[name] = None
import pandas as pd
import sem_carbon as sc
inv = sc.calculate(pd.DataFrame({{"mode": ["air"], "origin": ["GVA"], "destination": ["JFK"],
                                 "year": [2019]}}))
rep = sc.Report(inv)
"""


def _run(blocked: list[str], body: str, tmp_path) -> subprocess.CompletedProcess[str]:
    code = PRELUDE.format(blocked=blocked) + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300, check=False)


@pytest.mark.parametrize(("blocked", "body", "extra"), [
    (["openpyxl"], "rep.to_excel('r.xlsx')", "excel"),
    (["matplotlib"], "rep.figures()", "charts"),
    (["openpyxl"], "import io; sc.read_travel_log(io.BytesIO(b'PK\\x03\\x04' + b'0' * 100))",
     "excel"),
])
def test_missing_extra_names_the_pip_line(blocked, body, extra, tmp_path) -> None:
    done = _run(blocked, body, tmp_path)
    assert done.returncode != 0
    assert "MissingDependencyError" in done.stderr
    assert f'pip install "sem-carbon[{extra}]"' in done.stderr


def test_html_report_without_matplotlib_says_where_charts_went(tmp_path) -> None:
    done = _run(["matplotlib"], """
        rep.to_html('r.html')
        text = open('r.html', encoding='utf-8').read()
        assert 'sem-carbon[charts]' in text and '<svg' not in text
        print('ok')
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
