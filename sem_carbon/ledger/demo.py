"""The example office in a ledger, with allotments per entity (part of ``sem-carbon demo``).

:func:`ledger_demo` loads the example travel log and facility data into a fresh ledger
(``<out>/office.ledger``), allots each planning entity 50% of its 2019 travel emissions
for the latest year on file, and returns printable lines: the batches imported and the
allotment status per entity with the alerts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["ledger_demo"]


def ledger_demo(data_dir: str | Path, out: str | Path, entities: Any = None,
                step: Callable[[str], None] | None = None, baseline_year: int = 2019,
                share: str = "50%") -> tuple[list[str], Path | None]:
    """Load the example office into a ledger and report its allotments.

    Parameters
    ----------
    data_dir : path-like
        The example data folder (``travel_*.csv``, ``facilities_*.csv``).
    out : path-like
        Output folder; the ledger is ``office.ledger`` there (replaced on each run: it is
        the demo's own output).
    entities : Entities, optional
        The entity tree (actuals and baselines rolled up, names shown).
    step : callable, optional
        Progress callback.
    baseline_year : int, default 2019
    share : str, default "50%"
        Allotment as a share of the baseline-year travel emissions.

    Returns
    -------
    (lines, path) : list of str and Path
        Lines to print; the ledger file (None when the ``ledger`` extra is missing).
    """
    from ..allotments import (
        allotment_alerts,
        allotment_status,
        allotments_from_baseline,
        set_allotments,
    )
    from ..cli import format_table
    from ..errors import MissingDependencyError

    folder, out_dir = Path(data_dir), Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "office.ledger"
    try:
        from .core import Ledger

        for old in (path, path.with_name(path.name + ".wal")):
            old.unlink(missing_ok=True)
        if step:
            step("loading the ledger")
        led = Ledger(path, user="sem-carbon demo")
    except MissingDependencyError as exc:
        return [f"Ledger skipped: {exc}"], None
    result = led.import_files(travel=sorted(folder.glob("travel_*.csv")),
                              facilities=sorted(folder.glob("facilities_*.csv")))
    year = int(led.totals("year")["year"].max())
    table = allotments_from_baseline(led, year=year, baseline_year=baseline_year, share=share,
                                     entities=entities)
    set_allotments(led, table, note="demo")
    status = allotment_status(led, year, entities=entities)
    alerts = allotment_alerts(status)
    shown = status[["entity", "allotment", "actual", "committed", "projected",
                    "projected_share", "alert"]].sort_values("entity")
    lines = [
        f"Ledger {path}: {len(result)} batches imported "
        f"({int(result['rows_read'].sum()):,} source rows, "
        f"{result['tco2e'].sum():,.1f} tCO2e).",
        f"Allotments {year}: {share} of each entity's {baseline_year} travel emissions "
        f"(as of {status['as_of'].iloc[0].date()}), tCO2e:",
        *format_table(shown.reset_index(drop=True)).splitlines(),
        f"{len(alerts)} of {len(status)} entities are projected to exceed their allotment"
        + (f"; largest excess: {alerts['entity'].iloc[0]} (+{alerts['excess'].iloc[0]:,.1f} "
           "tCO2e)." if len(alerts) else "."),
    ]
    return lines, path
