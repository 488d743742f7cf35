"""Write the measured table of docs/performance.md from a benchmark run.

``make bench`` runs the benchmarks with ``SEM_CARBON_BENCH_RATIOS=.benchmarks/ratios.json``
(tests/benchmarks/conftest.py writes every ratio there); ``make bench-docs`` then calls

    python scripts/performance_doc.py .benchmarks/ratios.json .benchmarks/dask_ratios.json

which replaces the text between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` of
docs/performance.md (``--doc`` for another file) with the table of those runs (benchmark,
reference, ratio, goal, met or missed, rate, note). A file that does not exist is skipped
(the Dask benchmark runs only when asked, see docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def table(runs: list[dict]) -> str:
    """The Markdown table of the runs' ratios."""
    dates = ", ".join(sorted({run["date"] for run in runs}))
    lines = [f"Run of {dates} ({platform.machine()}, Python {platform.python_version()}); "
             "ratio = ours / reference, timed in the same run.", "",
             "| benchmark | reference | ratio | goal | met | rate | note |",
             "|---|---|---|---|---|---|---|"]
    for r in (r for run in runs for r in run["ratios"]):
        met = "" if r.get("met") is None else "yes" if r["met"] else "**missed**"
        lines.append(f"| {r['benchmark']} | {r['reference']} | {r['ratio']:.2f}x | {r['goal']} "
                     f"| {met} | {r.get('rate', '')} | {r.get('note', '')} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ratios", type=Path, nargs="+",
                        help="the JSON files written by the benchmark runs")
    parser.add_argument("--doc", type=Path, default=Path("docs/performance.md"))
    args = parser.parse_args()
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in args.ratios if p.is_file()]
    if not runs:
        raise SystemExit("no benchmark results: run `make bench` first")
    text = args.doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{args.doc} has no {START} ... {END} block")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    args.doc.write_text(f"{head}{START}\n{table(runs)}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
