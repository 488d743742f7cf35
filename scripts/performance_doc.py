"""Write the measured table of docs/performance.md from a benchmark run.

``make bench`` runs the benchmarks with ``SEM_CARBON_BENCH_RATIOS=.benchmarks/ratios.json``
(tests/benchmarks/conftest.py writes every ratio there); ``make bench-docs`` then calls

    python scripts/performance_doc.py .benchmarks/ratios.json docs/performance.md

which replaces the text between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` with
the table of that run (benchmark, reference, ratio, goal, met or missed, rate, note).
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def table(run: dict) -> str:
    """The Markdown table of one run's ratios."""
    lines = [f"Run of {run['date']} ({platform.machine()}, Python {platform.python_version()}); "
             "ratio = ours / reference, timed in the same run.", "",
             "| benchmark | reference | ratio | goal | met | rate | note |",
             "|---|---|---|---|---|---|---|"]
    for r in run["ratios"]:
        met = "" if r.get("met") is None else "yes" if r["met"] else "**missed**"
        lines.append(f"| {r['benchmark']} | {r['reference']} | {r['ratio']:.2f}x | {r['goal']} "
                     f"| {met} | {r.get('rate', '')} | {r.get('note', '')} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ratios", type=Path, help="the JSON written by the benchmark run")
    parser.add_argument("doc", type=Path, nargs="?", default=Path("docs/performance.md"))
    args = parser.parse_args()
    run = json.loads(args.ratios.read_text(encoding="utf-8"))
    text = args.doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{args.doc} has no {START} ... {END} block")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    args.doc.write_text(f"{head}{START}\n{table(run)}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
