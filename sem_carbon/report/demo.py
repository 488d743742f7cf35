"""The example office: compute its inventory and write its report (``sem-carbon demo``).

The example data (entities, headcount, budget, a travel log and facility bills) ship in
the wheel under ``sem_carbon/_data/examples`` and live in ``examples/data`` in a source
checkout; :func:`example_data_dir` finds either.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pandas as pd

from ..errors import SemCarbonError

__all__ = ["DemoResult", "example_data_dir", "run_demo"]

#: The what-ifs of the example report (``--scenario`` texts, see
#: :func:`sem_carbon.targets.parse_scenario`).
SCENARIOS: tuple[str, ...] = ("rail-under=700km", "economy-only")
#: Files of the example office that the demo needs.
REQUIRED_FILES: tuple[str, ...] = ("entities.csv", "headcount.csv", "budget.csv")


def example_data_dir() -> Path:
    """Folder holding the example office's data.

    Looks in the installed package first (``sem_carbon/_data/examples``, put there by the
    wheel build), then in the source checkout (``<repository>/examples/data``).

    Returns
    -------
    Path

    Raises
    ------
    SemCarbonError
        Neither folder exists.
    """
    packaged = Path(str(resources.files("sem_carbon"))) / "_data" / "examples"
    checkout = Path(__file__).resolve().parents[2] / "examples" / "data"
    for folder in (packaged, checkout):
        if folder.is_dir() and any(folder.glob("*.csv")):
            return folder
    raise SemCarbonError(
        f"the example data are missing (looked in {packaged} and {checkout}); reinstall "
        "sem-carbon from its wheel or run from a source checkout")


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        raise SemCarbonError(f"no file matching {pattern!r} in {folder}")
    return found[-1]


@attrs.frozen
class DemoResult:
    """What :func:`run_demo` wrote and computed.

    Attributes
    ----------
    paths : dict of str to Path
        ``html``, ``excel``, ``json``, ``markdown``, ``inventory``, ``rejected``.
    report : Report
    lines : list of str
        A short human summary.
    """

    paths: dict[str, Path]
    report: Any
    lines: list[str]


def run_demo(out: str | os.PathLike[str] = "reports/demo", data_dir: str | os.PathLike[str]
             | None = None, step: Callable[[str], None] | None = None,
             timestamp: str | None = None) -> DemoResult:
    """Compute the example office's inventory and write its report.

    Reads the example travel log and facility data, computes the inventory (each row with
    the factor edition of its year), checks the 2019 -> 2021 -50% travel target per entity
    against the travel budget, weighs two what-if scenarios against it (:data:`SCENARIOS`:
    rail instead of flights under 700 km; economy only), and writes ``report.html``,
    ``report.xlsx``, ``report.json``, ``report.md``, ``inventory.parquet`` and
    ``rejected.csv`` into ``out``, each stamped with the library version, the editions'
    checksums and the time.

    Parameters
    ----------
    out : path-like, default "reports/demo"
    data_dir : path-like, optional
        Default: :func:`example_data_dir`.
    step : callable, optional
        Called with a short label before each stage (progress display).
    timestamp : str, optional
        Time stamp of every file (default: the time of the run; a fixed one gives
        reproducible files).

    Returns
    -------
    DemoResult
    """
    import sem_carbon as sc

    from ..io.writers import write_csv
    from ..stamps import resolve_timestamp
    from ..targets import parse_scenario
    from .core import Report
    from .tables import target_label

    def tick(label: str) -> None:
        if step is not None:
            step(label)

    folder = Path(data_dir) if data_dir is not None else example_data_dir()
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if missing:
        raise SemCarbonError(f"example data in {folder} lack {', '.join(missing)}")
    out_dir = Path(out)
    tick("reading the example data")
    headcount = pd.read_csv(folder / "headcount.csv", dtype={"entity": str})
    org = sc.Entities.from_csv(folder / "entities.csv", headcount=headcount)
    budget = pd.read_csv(folder / "budget.csv", dtype={"entity": str})
    files = [(sc.read_travel_log, _one(folder, "travel_*.csv"))]
    facilities = sorted(folder.glob("facilities_*.csv"))
    if facilities:
        files.append((sc.read_facilities, facilities[-1]))
    # each source named by its file name: the demo's outputs carry no path of the machine
    # that made them (a user's own reads keep the path they gave)
    tables = [attrs.evolve(read(path), source=Path(path).name) for read, path in files]
    tick("computing the inventory")
    inv = sc.calculate(tables)
    target = sc.Target(baseline_year=2019, target_year=2021, reduction=0.5,
                       categories=("travel",))
    tick("weighing the scenarios")
    rep = Report(inv, targets=[target], entities=org, budget=budget,
                 headcount=headcount,
                 title="Example UN office: greenhouse-gas emissions and travel target",
                 scenarios=[parse_scenario(text) for text in SCENARIOS])
    rep.model()  # the scenarios are computed here, once for every export
    timestamp = resolve_timestamp(timestamp)
    paths = {
        "html": out_dir / "report.html", "excel": out_dir / "report.xlsx",
        "json": out_dir / "report.json", "markdown": out_dir / "report.md",
        "inventory": out_dir / "inventory.parquet", "rejected": out_dir / "rejected.csv",
    }
    tick("writing report.html")
    rep.to_html(paths["html"], timestamp=timestamp)
    tick("writing report.xlsx")
    rep.to_excel(paths["excel"], timestamp=timestamp)
    tick("writing report.json and report.md")
    rep.to_json(paths["json"], timestamp=timestamp)
    rep.to_markdown(paths["markdown"], timestamp=timestamp)
    tick("writing inventory.parquet and rejected.csv")
    inv.to_parquet(paths["inventory"], timestamp=timestamp)
    write_csv(rep.data_quality()["rejected"], paths["rejected"])

    kpis = {k["key"]: k for k in rep.kpis()}
    overview = rep.targets_overview().iloc[0]
    rec = rep.reconciliation()
    lines = [
        f"Example office, {rep.period()}: {int(rec['rows_read'].sum()):,} source rows read, "
        f"{int(rec['rows_computed'].sum()):,} computed ({len(inv.data):,} inventory rows), "
        f"{int(rec['rows_rejected'].sum()):,} rejected.",
        f"{rep.year}: {kpis['kyoto_total']['value']:,.1f} tCO2e, "
        f"{kpis['kyoto_total']['detail']}; "
        f"UN-inventory view {kpis['un_inventory_total']['value']:,.1f} tCO2e.",
        f"Target {target_label(target)}: {overview['baseline']:,.1f} -> "
        f"{overview['actual']:,.1f} tCO2e ({overview['change_pct']:+.1f}%), "
        f"{'met' if overview['target_met'] else 'not met'}; {int(overview['entities_met'])} of "
        f"{int(overview['entities_assessed'])} entities met it"
        + (f", {int(overview['entities_divergent'])} disagree with the budget verdict."
           if "entities_divergent" in overview else "."),
    ]
    lines += list(rep.model().air_lines)  # the UN-inventory view with ICAO-method air
    for view in rep.model().scenarios:
        o = view.overview
        lines.append(f"Scenario {view.name}: {o['actual']:,.1f} -> {o['scenario']:,.1f} tCO2e "
                     f"in {target.target_year}, target {'met' if o['scenario_met'] else 'not met'}"
                     f"; {o['entities_scenario_met']} of {o['entities_assessed']} entities "
                     "would meet it.")
    from ..ledger.demo import ledger_demo  # the office in a ledger, allotments per entity

    ledger_lines, ledger_path = ledger_demo(folder, out_dir, entities=org, step=tick)
    lines += ledger_lines
    if ledger_path is not None:
        paths["ledger"] = ledger_path
    return DemoResult(paths=paths, report=rep, lines=lines)
