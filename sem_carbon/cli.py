"""The ``sem-carbon`` command.

Sub-commands: ``flight``, ``calc``, ``targets``, ``report``, ``factors list|show``,
``demo`` and ``ledger ...`` (:mod:`sem_carbon.cli_ledger`; ``sem-carbon <command> --help``
for each; overview in ``docs/cli.md``). ``calc`` reads a travel log, facility data or both,
with an option for each keyword of the readers (``--header-row``, ``--sheet`` ...; the
facility data's are ``--facilities-header-row`` ...).

Output: aligned tables on a terminal, plain CSV when stdout is piped or redirected
(``--format table|csv|json`` forces one). Progress bars appear on stderr for long work,
only when stderr is a terminal. Bad input (unknown airport, missing file, wrong unit ...)
prints one line ``sem-carbon: error: ...`` on stderr and exits with status 2; an
unexpected failure prints one line and exits with 1 (``--debug`` shows the traceback).

Exit status
-----------
0
    Success.
1
    Unexpected failure (a bug: please report it with the ``--debug`` traceback).
2
    Bad input or usage: a file that cannot be read, an unknown option, an output that
    would overwrite an input.
3
    Nothing was computed: every row was rejected (or the inventory holds no rows). The
    files are still written, so the rejects can be inspected.
130
    Interrupted.

A run whose rejected share (netted refunds aside) is over ``--max-rejected`` (default
10%) still succeeds but prints a warning on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .lazy import LazyModule

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
else:  # imported on first use: ``sem-carbon --help`` does not load pandas
    np = LazyModule("numpy")
    pd = LazyModule("pandas")

__all__ = ["build_parser", "format_table", "main"]

PROG = "sem-carbon"
#: Exit status when nothing was computed (see the module notes).
EXIT_NOTHING_COMPUTED = 3
#: Default share of rejected source rows above which a warning is printed.
DEFAULT_MAX_REJECTED = 0.10
_FORMATS = ("auto", "table", "csv", "json")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class UsageError(Exception):
    """Command-line usage error (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line and go through :func:`main`."""

    def error(self, message: str) -> Any:  # argparse calls this on bad arguments
        raise UsageError(f"{message} (see '{self.prog} --help')")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=100)


# ---------------------------------------------------------------------------- output
def _clean(text: Any) -> str:
    """Text safe for a terminal: control characters (escape sequences) made visible."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(text))


def _float_decimals(name: str, values: np.ndarray) -> int:
    """Decimals shown for a float column: as many as the values need, fewer when large."""
    finite = values[np.isfinite(values)]
    if name.endswith("_pct") or name in ("share", "reduction_pct"):
        return 1
    if not finite.size:
        return 0
    largest = float(np.max(np.abs(finite)))
    factor = name in ("value", "factor_value") or name.endswith("_factor")
    cap = 6 if factor else 3 if largest < 1000 else 1
    for decimals in range(cap + 1):
        if np.allclose(finite, np.round(finite, decimals), rtol=0, atol=1e-9):
            return decimals
    return cap


def _format_column(name: str, values: pd.Series) -> tuple[list[str], bool]:
    """Cell texts of one column and whether it is right-aligned."""
    if pd.api.types.is_bool_dtype(values):
        return ["yes" if v else "no" for v in values.tolist()], False
    if pd.api.types.is_numeric_dtype(values):
        arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        decimals = _float_decimals(name, arr)
        sep = "" if "year" in name or name in ("source_row", "leg", "scope", "depth") else ","
        return ["–" if not np.isfinite(v) else f"{v:{sep}.{decimals}f}" for v in arr], True
    if pd.api.types.is_datetime64_any_dtype(values):
        return ["" if pd.isna(v) else str(v.date()) for v in values], False
    out = []
    for v in values.astype(object).tolist():
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out.append("")
        elif isinstance(v, (bool, np.bool_)):
            out.append("yes" if v else "no")
        else:
            text = _clean(v)
            out.append(text if len(text) <= 60 else text[:59] + "…")
    return out, False


def format_table(frame: pd.DataFrame, title: str | None = None) -> str:
    """An aligned plain-text table for a terminal.

    Parameters
    ----------
    frame : DataFrame
    title : str, optional
        A line printed above the table.

    Returns
    -------
    str
    """
    lines = [_clean(title)] if title else []
    if frame.empty:
        return "\n".join([*lines, "(no rows)"])
    columns = [str(c) for c in frame.columns]
    cells, right = [], []
    for i, name in enumerate(columns):
        texts, is_right = _format_column(name, frame.iloc[:, i])
        cells.append(texts)
        right.append(is_right)
    widths = [max(len(_clean(n)), *(len(t) for t in col)) for n, col in
              zip(columns, cells, strict=True)]

    def line(parts: Sequence[str]) -> str:
        return "  ".join(p.rjust(w) if r else p.ljust(w)
                         for p, w, r in zip(parts, widths, right, strict=True)).rstrip()

    lines.append(line([_clean(c) for c in columns]))
    lines.append("  ".join("─" * w for w in widths))
    lines.extend(line([col[r] for col in cells]) for r in range(len(frame)))
    return "\n".join(lines)


class Output:
    """Where and how results are printed (``--format``)."""

    def __init__(self, fmt: str = "auto", stdout: IO[str] | None = None,
                 stderr: IO[str] | None = None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        if fmt == "auto":
            fmt = "table" if _isatty(self.stdout) else "csv"
        self.format = fmt

    @property
    def human(self) -> bool:
        """True when output is for a person (tables); messages then go to stdout."""
        return self.format == "table"

    def message(self, text: str) -> None:
        """A status line: stdout for tables, stderr when stdout carries CSV/JSON."""
        print(_clean(text), file=self.stdout if self.human else self.stderr)

    def table(self, frame: pd.DataFrame, title: str | None = None,
              short: Sequence[str] | None = None) -> None:
        """Print a table (``short``: the columns a terminal shows)."""
        if self.format == "table":
            shown = frame[[c for c in short if c in frame.columns]] if short else frame
            print(format_table(shown, title), file=self.stdout)
            print(file=self.stdout)
        elif self.format == "csv":
            from .io.writers import csv_text

            self.stdout.write(csv_text(frame))
        else:
            from .report.jsonout import dumps, frame_records

            self.stdout.write(dumps(frame_records(frame)) + "\n")

    def data(self, obj: Any) -> None:
        """Print plain data as JSON."""
        from .report.jsonout import dumps

        self.stdout.write(dumps(obj) + "\n")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def _progress(total: int, desc: str) -> Iterator[Callable[[str], None]]:
    """A step counter on stderr (tqdm), silent when stderr is not a terminal."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="step", leave=False, file=sys.stderr,
               disable=not _isatty(sys.stderr),
               bar_format="{desc}: {n_fmt}/{total_fmt} |{bar:20}| {postfix}")
    started = [False]

    def step(label: str) -> None:
        if started[0]:
            bar.update(1)
        started[0] = True
        bar.set_postfix_str(label)

    try:
        yield step
        if started[0]:
            bar.update(1)
    finally:
        bar.close()


# ---------------------------------------------------------------------------- helpers
def _parse_units(items: Sequence[str] | None) -> dict[str, str] | None:
    if not items:
        return None
    units: dict[str, str] = {}
    for item in items:
        for part in item.split(","):
            if not part.strip():
                continue
            key, sep, unit = part.partition("=")
            if not sep or not key.strip() or not unit.strip():
                raise UsageError(f"--units takes COLUMN=UNIT (e.g. distance=km), got {part!r}")
            units[key.strip()] = unit.strip()
    return units


def _parse_mapping(text: str | None) -> Any:
    """A preset name, a JSON object, or a path to a JSON file."""
    if text is None:
        return None
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise UsageError(f"--mapping is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise UsageError("--mapping JSON must be an object {canonical: source column}")
        return value
    path = Path(stripped)
    if path.suffix.lower() == ".json" or path.is_file():
        if not path.is_file():
            raise FileNotFoundError(f"mapping file not found: {path}")
        return path
    return stripped


def _categories(items: Sequence[str] | None) -> tuple[str, ...]:
    if not items:
        return ("travel",)
    return tuple(p.strip() for item in items for p in item.split(",") if p.strip())


def _read_inventory(path: str) -> Any:
    from .inventory import Inventory

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"inventory file not found: {p}")
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        inv = Inventory.read_parquet(p)
    elif suffix == ".csv":
        inv = Inventory.read_csv(p)
    else:
        raise UsageError(f"an inventory is a .parquet or .csv file written by 'sem-carbon "
                         f"calc', got {p.name}")
    missing = [c for c in ("co2e_kg", "category", "year", "entity") if c not in inv.data]
    if missing:
        raise UsageError(f"{p.name} is not an inventory (no column {', '.join(missing)}); "
                         "make one with 'sem-carbon calc'")
    return _with_provenance(inv, p.name)


def _with_provenance(inv: Any, name: str) -> Any:
    """An inventory table made by hand (entity, year, category, co2e_kg) given the
    provenance columns ``calc`` writes: the file as ``source``, its lines as
    ``source_row`` (the header is line 1), ``table`` from the category (travel or
    facilities), so its rows reconcile as a log's do."""
    from .inventory import Inventory
    from .targets._common import TRAVEL_CATEGORIES

    data = inv.data
    if {"table", "source_row"} <= set(data.columns):  # the source defaults to the table
        return inv
    data = data.copy()
    if "table" not in data.columns:
        travel = data["category"].astype(str).str.strip().str.lower().isin(TRAVEL_CATEGORIES)
        data["table"] = np.where(travel, "travel", "facilities")
    if "source_row" not in data.columns:  # rows of no source: this file's lines
        data["source_row"] = np.arange(len(data), dtype=np.int64) + 2
        if "source" not in data.columns:
            data["source"] = name
    return Inventory(data, inv.rejected, inv.rows_read, inv.sources)


def _read_table(path: str | None, what: str) -> pd.DataFrame | None:
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{what} file not found: {p}")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(p, dtype={"entity": str, "id": str, "parent": str})
    return pd.read_csv(p, dtype={"entity": str, "id": str, "parent": str},
                       keep_default_na=False, na_values=[""])


def _entities(path: str | None, headcount: pd.DataFrame | None) -> Any:
    if path is None:
        return None
    from .entities import Entities

    frame = _read_table(path, "entities")
    return Entities.from_frame(frame.fillna(""), headcount=headcount)


def _budget(value: str | None) -> Any:
    if value is None or value == "cost":
        return value
    return _read_table(value, "budget")


def _target(args: argparse.Namespace, required: bool) -> Any:
    given = [args.baseline, args.target, args.reduction]
    if not any(v is not None for v in given):
        if required:
            raise UsageError("--baseline, --target and --reduction are required")
        return None
    if any(v is None for v in given):
        raise UsageError("a target needs all of --baseline, --target and --reduction")
    from .targets import Target

    return Target(baseline_year=args.baseline, target_year=args.target,
                  reduction=args.reduction, categories=_categories(args.categories),
                  metric=args.metric)


# ---------------------------------------------------------------------------- commands
def cmd_flight(args: argparse.Namespace, out: Output) -> int:
    """``sem-carbon flight``."""
    from .travel import flight

    via = [c.strip() for item in (args.via or []) for c in item.split(",") if c.strip()]
    passengers = args.passengers
    result = flight(args.orig, args.dest, cabin=args.cabin, round_trip=args.round_trip,
                    passengers=passengers, radiative_forcing=not args.no_rf, via=via,
                    factors=args.factors, haul=args.haul, year=args.year,
                    method=args.air_method)
    co2e = float(result.co2e.m_as("kgCO2e"))
    rf = float(result.radiative_forcing.m_as("kgCO2e")) if result.radiative_forcing \
        is not None else 0.0
    row = pd.DataFrame([{
        "origin": result.activity["origin"], "destination": result.activity["destination"],
        "via": "/".join(result.activity.get("via", [])), "cabin": result.activity["cabin"],
        "round_trip": bool(result.activity["round_trip"]),
        "passengers": float(result.activity["passengers"]),
        "distance_km": float(result.activity["distance"].m_as("km")),
        "haul": result.activity["haul"], "co2e_kg": co2e, "rf_kg": rf,
        "co2e_without_rf_kg": co2e - rf, "edition": result.factor.edition,
    }])
    if out.format == "json":
        out.data(result.to_dict())
    elif out.format == "csv":
        out.table(row)
    else:
        route = "-".join([result.activity["origin"], *result.activity.get("via", []),
                          result.activity["destination"]])
        trip = "return" if result.activity["round_trip"] else "one way"
        print(f"{route} ({trip}, {result.activity['cabin']}): "
              f"{co2e / 1000.0:,.3f} tCO2e ({co2e:,.1f} kgCO2e"
              + (f"; without RF {co2e - rf:,.1f} kgCO2e)" if rf else ")"), file=out.stdout)
        print(file=out.stdout)
        print(_clean(result.explain()), file=out.stdout)
    return 0


def cmd_calc(args: argparse.Namespace, out: Output) -> int:
    """``sem-carbon calc``."""
    import sem_carbon as sc

    from .io.writers import refuse_overwriting, write_csv

    target = Path(args.output)
    suffix = target.suffix.lower()
    if suffix not in (".parquet", ".pq", ".csv"):
        raise UsageError(f"-o/--output must end in .parquet or .csv, got {target.name}")
    _check_inputs(args)
    for path in [args.log, args.facilities]:
        if path is not None and not re.match(r"^https?://", path) and not Path(path).exists():
            raise FileNotFoundError(f"input file not found: {path}")
    rejected_path = target.with_name(target.stem + ".rejected.csv")
    sources_path = target.with_name(target.stem + ".sources.csv")
    refuse_overwriting([target, rejected_path, sources_path], [args.log, args.facilities])
    units = _parse_units(args.units)
    limits = _parse_limits(args.limit)
    policies = {"duplicates": args.duplicates} if args.duplicates else {}
    steps = 2 + (args.log is not None) + (args.facilities is not None)
    tables = []
    with _progress(steps, "calc") as step:
        if args.log is not None:
            step(f"reading {Path(args.log).name}")
            refunds = {"refunds": args.refunds} if args.refunds else {}
            tables.append(sc.read_travel_log(
                args.log, mapping=_parse_mapping(args.mapping), units=units, **policies,
                **refunds, **_reading(args, "log"), **limits))
        if args.facilities is not None:
            step(f"reading {Path(args.facilities).name}")
            tables.append(sc.read_facilities(
                args.facilities, mapping=_parse_mapping(args.facilities_mapping),
                units=units, **policies, **_reading(args, "facilities"), **limits))
        step("computing emissions")
        inv = sc.calculate(tables, factors=args.factors, radiative_forcing=not args.no_rf,
                           haul=args.haul, grid=args.grid, air_method=args.air_method)
        step(f"writing {target.name}")
        if suffix == ".csv":
            inv.to_csv(target)
        else:
            inv.to_parquet(target)
            write_csv(inv.rejected, rejected_path, lossless=True)
            write_csv(inv.sources, sources_path, lossless=True)
    rec = inv.reconciliation()
    out.table(rec, title=f"Reconciliation (total {inv.total().m_as('tCO2e'):,.3f} tCO2e)")
    out.message(f"wrote {target} ({len(inv.data):,} rows) and {rejected_path} "
                f"({len(inv.rejected):,} rejected)")
    return _verdict(inv, args.max_rejected, rejected_path)


#: Options of ``calc`` that read one input: (input, flag names, what the input is called).
_INPUT_OPTIONS = (("log", ("mapping", "refunds"), "the travel LOG"),
                  ("facilities", ("facilities_mapping",), "--facilities FILE"))
#: The reading options of :func:`_reading_options` (attribute names after the prefix).
_READING = ("header_row", "sheet", "sheet_index", "encoding", "delimiter", "decimal")


def _flag(dest: str) -> str:
    """The option of an ``argparse`` attribute: ``log_header_row`` -> ``--header-row``."""
    name = dest.removeprefix("log_")
    return "--" + name.replace("_", "-")


def _check_inputs(args: argparse.Namespace) -> None:
    """``calc`` reads a travel log, facility data or both; each option needs its input."""
    if args.log is None and args.facilities is None:
        raise UsageError("calc needs a travel LOG, --facilities FILE, or both")
    for source, own, what in _INPUT_OPTIONS:
        if getattr(args, source) is not None:
            continue
        given = [d for d in (*own, *(f"{source}_{r}" for r in _READING))
                 if getattr(args, d, None) is not None]
        if given:
            flags = ", ".join(_flag(d) for d in given)
            raise UsageError(f"{flags} read{'s' if len(given) == 1 else ''} {what}, which was "
                             "not given")


def _reading(args: argparse.Namespace, source: str) -> dict[str, Any]:
    """Keyword arguments of the reader from the ``--[facilities-]header-row`` ... options
    that were given (the others keep the reader's defaults)."""
    options = {name: getattr(args, f"{source}_{name}") for name in _READING}
    index = options.pop("sheet_index")
    if index is not None:
        options["sheet"] = index
    names = options.get("sheet")
    if isinstance(names, list):  # --sheet repeated: those sheets; once: that sheet or 'all'
        options["sheet"] = names[0] if len(names) == 1 else names
    return {name: value for name, value in options.items() if value is not None}


#: Reading limits the command line can raise (see docs/limits.md), and their types.
_LIMITS = {"max_bytes": int, "max_rows": int, "max_columns": int, "max_cells": int,
           "deadline": float}


def _parse_limits(items: Sequence[str] | None) -> dict[str, float]:
    """``--limit max_rows=50000000`` pairs as keyword arguments of the readers."""
    limits: dict[str, float] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in _LIMITS:
            raise UsageError(f"--limit takes NAME=VALUE with NAME one of "
                             f"{', '.join(_LIMITS)}, got {item!r}")
        try:
            limits[name] = _LIMITS[name](value.strip().replace("_", ""))
        except ValueError:
            raise UsageError(f"--limit {name} needs a number, got {value!r}") from None
    return limits


def _verdict(inv: Any, max_rejected: float, rejects: Path | str | None) -> int:
    """Exit status of a run from its inventory: 3 when nothing was computed.

    Also prints a warning on stderr when the share of rejected source rows (netted refunds
    aside: they are accounted for, not errors) is over ``max_rejected``.
    """
    where = f"; see {rejects}" if rejects else ""
    rec = inv.reconciliation()
    read = int(pd.to_numeric(rec["rows_read"], errors="coerce").fillna(0).sum()) \
        if len(rec) else 0
    if len(inv.data) == 0:
        print(f"{PROG}: error: nothing was computed: all {read:,} source rows were rejected"
              f"{where}", file=sys.stderr)
        return EXIT_NOTHING_COMPUTED
    rejected = inv.rejected
    if len(rejected) and read:
        reason = rejected["reason"].astype(str)
        errors = rejected.loc[~reason.str.startswith("refund"), ["table", "source",
                                                                   "source_row"]] \
            if "source" in rejected.columns else rejected.loc[~reason.str.startswith("refund"),
                                                               ["table", "source_row"]]
        share = len(errors.drop_duplicates()) / read
        if share > max_rejected:
            print(f"{PROG}: warning: {share:.1%} of the {read:,} source rows were rejected "
                  f"(more than {max_rejected:.0%}){where}", file=sys.stderr)
    return 0


def cmd_targets(args: argparse.Namespace, out: Output) -> int:
    """``sem-carbon targets``."""
    from .targets import target_status

    inv = _read_inventory(args.inventory)
    target = _target(args, required=True)
    headcount = _read_table(args.headcount, "headcount")
    org = _entities(args.entities, headcount)
    status = target_status(inv, target, by="entity", entities=org, budget=_budget(args.budget),
                           headcount=headcount)
    short = ["entity", "name", "baseline", "actual", "target", "change_pct", "met", "gap",
             "budget_change_pct", "budget_met", "divergent"]
    out.table(status, title=f"Target {target.name}; emissions in tCO2e", short=short)
    return _verdict(inv, args.max_rejected, None)


def cmd_report(args: argparse.Namespace, out: Output) -> int:
    """``sem-carbon report``."""
    from .io.writers import refuse_overwriting
    from .report import Report

    refuse_overwriting([args.html, args.excel, args.json, args.markdown], [args.inventory])
    inv = _read_inventory(args.inventory)
    target = _target(args, required=False)
    headcount = _read_table(args.headcount, "headcount")
    org = _entities(args.entities, headcount)
    scenarios = _scenarios(args.scenario)
    if scenarios and (target is None or target.metric != "co2e"):
        raise UsageError("--scenario needs a carbon target (--baseline, --target, --reduction)")
    from .stamps import resolve_timestamp

    stamp = resolve_timestamp(args.timestamp)  # "now" (or none): the time of this run
    rep = Report(inv, targets=[target] if target is not None else (), entities=org,
                 budget=_budget(args.budget), headcount=headcount, title=args.title,
                 year=args.year, scenarios=scenarios)
    jobs: list[tuple[str, Callable[[str], Any]]] = []
    if args.html:
        jobs.append((args.html, lambda p: rep.to_html(p, timestamp=stamp)))
    if args.excel:
        jobs.append((args.excel, lambda p: rep.to_excel(
            p, timestamp=stamp, max_rows=args.excel_max_rows,
            traveller_names=args.traveller_names)))
    if args.json:
        jobs.append((args.json, lambda p: rep.to_json(p, timestamp=stamp)))
    if args.markdown:  # a Path: any file name is the file (a str would need .md)
        jobs.append((args.markdown, lambda p: rep.to_markdown(Path(p), timestamp=stamp)))
    with _progress(len(jobs), "report") as step:
        for path, job in jobs:
            step(f"writing {Path(path).name}")
            job(path)
    summary = rep.summary()
    year = str(rep.year)
    cols = ["item", "unit", year, "all_years"] if year in summary.columns else None
    out.table(summary if not out.human else summary[cols] if cols else summary,
              title=f"{rep.title}: summary" + (f" ({year} and all years)" if cols else ""))
    for path, _ in jobs:
        out.message(f"wrote {path}")
    return _verdict(inv, args.max_rejected, None)


def _scenarios(texts: list[str] | None) -> list[Any]:
    """Scenarios of ``--scenario`` options (named levers joined by "+")."""
    from .errors import InvalidArgumentError
    from .targets import parse_scenario

    try:
        return [parse_scenario(text) for text in texts or ()]
    except InvalidArgumentError as exc:
        raise UsageError(f"--scenario: {exc}") from None


def cmd_factors_list(args: argparse.Namespace, out: Output) -> int:
    """``sem-carbon factors list``."""
    from .factors import factor_sets

    table = factor_sets()
    out.table(table, title="Factor editions",
              short=["id", "publisher", "year", "kind", "factors", "licence", "default"])
    return 0


def cmd_factors_show(args: argparse.Namespace, out: Output) -> int:
    """``sem-carbon factors show``."""
    from .factors import load_factors

    fs = load_factors(args.id)
    frame = fs.to_frame()
    if args.category:
        known = sorted(frame["category"].unique())
        if args.category not in known:
            raise UsageError(f"{fs.id} has no category {args.category!r}; categories: "
                             f"{', '.join(known)}")
        frame = frame[frame["category"] == args.category]
    keep = [c for c in frame.columns
            if frame[c].astype(str).replace({"nan": "", "None": "", "<NA>": ""}).ne("").any()]
    frame = frame[keep].reset_index(drop=True)
    if out.human:
        for label, value in (("id", fs.id), ("title", fs.title), ("publisher", fs.publisher),
                             ("year", fs.year), ("licence", fs.licence), ("source", fs.source)):
            print(f"{label:>9}: {_clean(value)}", file=out.stdout)
        print(file=out.stdout)
        short = [c for c in ("category", "haul", "cabin", "radiative_forcing", "kind",
                             "vehicle", "size", "fuel", "country", "city", "gas", "material",
                             "disposal", "service", "value", "unit", "label")
                 if c in frame.columns]
        out.table(frame, title=f"{len(frame):,} factors", short=short)
    else:
        out.table(frame)
    return 0


def cmd_demo(args: argparse.Namespace, out: Output) -> int:
    """``sem-carbon demo``."""
    from .report.demo import run_demo

    with _progress(7, "demo") as step:
        result = run_demo(args.out, step=step, timestamp=args.timestamp)
    for line in result.lines:
        out.message(line)
    for name, path in result.paths.items():
        out.message(f"  {name:<9} {path}")
    return 0


# ---------------------------------------------------------------------------- parser
def _common() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    group = common.add_argument_group("output")
    group.add_argument("--format", choices=_FORMATS, default=argparse.SUPPRESS,
                       help="table (aligned, for a terminal), csv, json; default: table on a "
                            "terminal, csv when piped")
    group.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show the traceback of unexpected errors")
    return common


def _target_options(parser: argparse.ArgumentParser, required: bool) -> None:
    group = parser.add_argument_group("target")
    group.add_argument("--baseline", type=int, metavar="YEAR", required=required,
                       help="baseline year, e.g. 2019")
    group.add_argument("--target", type=int, metavar="YEAR", required=required,
                       help="target year, e.g. 2021")
    group.add_argument("--reduction", metavar="FRACTION", required=required,
                       help="cut to reach, e.g. 50%% or 0.5")
    group.add_argument("--categories", nargs="+", metavar="C",
                       help="travel (default), facilities, all, or categories (air, hotel ...)")
    group.add_argument("--metric", choices=("co2e", "budget"), default="co2e",
                       help="verdict of the target: carbon (default) or budget")


def _quality_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-rejected", type=_share, default=DEFAULT_MAX_REJECTED,
                        metavar="SHARE",
                        help="warn when more than this share of source rows was rejected "
                             "(netted refunds aside), e.g. 5%% or 0.05; default 10%%")


def _policy_options(parser: argparse.ArgumentParser, duplicates: str, logs: str) -> None:
    """``--duplicates`` and ``--refunds``: the readers' ``duplicates=`` and ``refunds=``
    (``duplicates``: which rows; ``logs``: whose refunds)."""
    parser.add_argument("--duplicates", choices=("keep", "drop"),
                        help=f"{duplicates}: keep them (default; later copies get a note) or "
                             "drop them (later copies are rejected)")
    parser.add_argument("--refunds", choices=("net", "keep"),
                        help=f"negative-cost rows {logs}: net them out with their original "
                             "(default; both rejected as refunds) or keep them")


def _reading_options(parser: argparse.ArgumentParser, source: str, what: str) -> None:
    """``--header-row``, ``--sheet`` ... of one input (``--facilities-header-row`` ... for
    the facility data): the keywords of :func:`sem_carbon.read_travel_log`."""
    flag = "--" if source == "log" else f"--{source}-"
    group = parser.add_argument_group(f"reading {what}")
    group.add_argument(f"{flag}header-row", dest=f"{source}_header_row", type=_row_number,
                       metavar="N", help="row of the column names, numbered as in the "
                                         "spreadsheet (default 1); title lines above it are "
                                         "skipped")
    sheets = group.add_mutually_exclusive_group()
    sheets.add_argument(f"{flag}sheet", dest=f"{source}_sheet", metavar="NAME",
                        action="append",
                        help="Excel sheet by name (default: the first visible sheet; a warning "
                             "names the other visible sheets with the same columns); 'all': "
                             "every visible sheet with the columns of the first, stacked; "
                             "given more than once: those sheets, stacked")
    sheets.add_argument(f"{flag}sheet-index", dest=f"{source}_sheet_index", type=_sheet_index,
                        metavar="N", help="Excel sheet by position, 0 for the first (hidden "
                                          "sheets count)")
    group.add_argument(f"{flag}encoding", dest=f"{source}_encoding", type=_encoding,
                       metavar="ENC", help="text encoding of a CSV, e.g. cp1252 (default: "
                                           "detected)")
    group.add_argument(f"{flag}delimiter", dest=f"{source}_delimiter", type=_delimiter,
                       metavar="D", help="field separator of a CSV: one character, or tab, "
                                         "comma, semicolon, pipe (default: detected)")
    group.add_argument(f"{flag}decimal", dest=f"{source}_decimal", choices=(",", "."),
                       metavar="MARK", help="decimal mark of numbers in a CSV, ',' or '.' "
                                            "(default: ',' when the delimiter is ';', else '.')")


def _whole_number(least: int, what: str) -> Callable[[str], int]:
    """An ``argparse`` type: a whole number of ``least`` or more (``1_000`` allowed),
    refused with ``what`` it is and the text given."""
    def read(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(f"{what}, got {text!r}")
        return value

    return read


#: ``--header-row``: a spreadsheet row number (1 or more).
_row_number = _whole_number(1, "the row of the column names, 1 or more as the spreadsheet "
                               "numbers rows")
#: ``--excel-max-rows``: rows of the workbook's activities sheet (1 or more).
_excel_rows = _whole_number(1, "rows of the workbook's activities sheet, a whole number of 1 "
                               "or more")
#: ``--sheet-index``: a 0-based sheet position.
_sheet_index = _whole_number(0, "a sheet position, 0 for the first sheet (a sheet by name: "
                                "--sheet)")


def _encoding(text: str) -> str:
    """``--encoding``: a text encoding Python knows."""
    from .io.csvfile import encoding_problem

    problem = encoding_problem(text.strip())
    if problem:
        if repr(text.strip()) not in problem:
            problem = f"{text.strip()!r} is {problem}"
        raise argparse.ArgumentTypeError(
            f"{problem}; e.g. utf-8, utf-8-sig, utf-16, cp1252, latin-1")
    return text.strip()


#: Names of delimiters that are awkward to type on a command line.
_DELIMITERS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _delimiter(text: str) -> str:
    """``--delimiter``: one character, or its name (tab, comma, semicolon, pipe)."""
    value = _DELIMITERS.get(text.strip().lower(), text)
    if len(value) != 1 or value in "\r\n\"":
        raise argparse.ArgumentTypeError(
            f"one character (or tab, comma, semicolon, pipe), got {text!r}")
    return value


def _share(text: str) -> float:
    value = float(text.strip().rstrip("%")) / (100.0 if text.strip().endswith("%") else 1.0)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a share between 0 and 1 (or 0%-100%), got {text}")
    return value


def _context_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("organisation")
    group.add_argument("--entities", metavar="CSV",
                       help="entity tree: id, name, parent, kind")
    group.add_argument("--budget", metavar="CSV|cost",
                       help="travel budget (entity, year, amount) or 'cost' for the log's cost")
    group.add_argument("--headcount", metavar="CSV",
                       help="staff per entity and year: entity, year, headcount")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``sem-carbon`` (all sub-commands)."""
    from . import __version__

    common = _common()
    parser = _Parser(prog=PROG, formatter_class=_Formatter, parents=[common],
                     description="Greenhouse-gas footprint of a UN-style office: travel and "
                                 "facilities, cited factor editions, targets per entity.",
                     epilog="examples:\n"
                            "  sem-carbon flight GVA JFK --cabin business --round-trip\n"
                            "  sem-carbon calc trips.csv --facilities bills.csv -o inv.parquet\n"
                            "  sem-carbon targets inv.parquet --baseline 2019 --target 2021 "
                            "--reduction 50%\n"
                            "  sem-carbon report inv.parquet --html report.html\n"
                            "  sem-carbon demo --out reports/demo")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("flight", parents=[common], formatter_class=_Formatter,
                       help="emissions of one flight",
                       description="Emissions of one flight (DESNZ distance-based method).",
                       epilog="example:\n  sem-carbon flight GVA JFK --cabin business "
                              "--round-trip --via LHR")
    p.add_argument("orig", metavar="ORIG", help="IATA code of the origin airport")
    p.add_argument("dest", metavar="DEST", help="IATA code of the destination airport")
    p.add_argument("--cabin", default="economy",
                   help="economy (default), premium economy, business, first, average")
    p.add_argument("--round-trip", action="store_true", help="count the return flight too")
    p.add_argument("--passengers", type=float, default=1.0, help="number of passengers")
    p.add_argument("--no-rf", action="store_true",
                   help="without radiative forcing (CO2 and other Kyoto gases only)")
    p.add_argument("--haul", default="distance", choices=("distance", "desnz", "smooth"),
                   help="haul-band rule (default: distance)")
    p.add_argument("--air-method", default="desnz", choices=("desnz", "icao", "fuel"),
                   help="air method: DESNZ factors (default), the ICAO calculator method "
                        "(CO2 only, as the UN inventory) or open fuel burn (CO2 only)")
    p.add_argument("--factors", metavar="ID", help="factor edition, e.g. desnz-2019")
    p.add_argument("--year", type=int, help="activity year (chooses that year's edition)")
    p.add_argument("--via", action="append", metavar="X",
                   help="intermediate stop (repeat, or X,Y)")
    p.set_defaults(func=cmd_flight)

    p = sub.add_parser("calc", parents=[common], formatter_class=_Formatter,
                       help="travel log and/or facilities -> inventory file",
                       description="Read a travel log, facility data or both, compute every "
                                   "row and write the inventory; rejected rows go to "
                                   "OUT.rejected.csv.",
                       epilog="examples:\n  sem-carbon calc trips.xlsx --mapping agency "
                              "--facilities bills.csv -o inventory.parquet\n"
                              "  sem-carbon calc export.xlsx --header-row 3 --sheet Bookings "
                              "-o inventory.parquet\n"
                              "  sem-carbon calc --facilities bills.csv -o facilities.parquet")
    p.add_argument("log", metavar="LOG", nargs="?",
                   help="travel log: CSV, Excel, Parquet, JSON or URL (may be left out when "
                        "--facilities is given)")
    p.add_argument("--facilities", metavar="FILE", help="facility data (bills, meters)")
    p.add_argument("--mapping", metavar="PRESET_OR_JSON",
                   help="column mapping of the log: preset name, JSON object or .json file")
    p.add_argument("--facilities-mapping", metavar="PRESET_OR_JSON",
                   help="column mapping of the facility data")
    p.add_argument("--units", nargs="+", metavar="COL=UNIT",
                   help="units of unit-less columns, e.g. distance=km")
    p.add_argument("--factors", metavar="ID",
                   help="one edition for all rows (default: each row's own year)")
    p.add_argument("--grid", metavar="ID_OR_FOLDER",
                   help="grid electricity factors for countries outside the UK: an edition id "
                        "or a folder of your own (default: the bundled Ember edition)")
    p.add_argument("--no-rf", action="store_true", help="air travel without radiative forcing")
    p.add_argument("--haul", default="distance", choices=("distance", "desnz", "smooth"),
                   help="haul-band rule (default: distance)")
    p.add_argument("--air-method", default="desnz", choices=("desnz", "icao", "fuel"),
                   help="air method: DESNZ factors (default), the ICAO calculator method "
                        "(CO2 only, as the UN inventory) or open fuel burn (CO2 only)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="inventory file to write (.parquet or .csv)")
    _policy_options(p, "exact duplicate rows of either input", "of the travel log")
    p.add_argument("--limit", action="append", metavar="NAME=VALUE",
                   help="raise a reading limit (repeatable): max_bytes, max_rows, max_columns, "
                        "max_cells, deadline [s]; see docs/limits.md")
    _reading_options(p, "log", "the travel log (LOG)")
    _reading_options(p, "facilities", "the facility data (--facilities)")
    _quality_options(p)
    p.set_defaults(func=cmd_calc)

    p = sub.add_parser("targets", parents=[common], formatter_class=_Formatter,
                       help="target status per entity",
                       description="Status of a reduction target per entity, in carbon and "
                                   "(with --budget) in budget.",
                       epilog="example:\n  sem-carbon targets inventory.parquet --baseline "
                              "2019 --target 2021 --reduction 50% --entities entities.csv "
                              "--budget budget.csv")
    p.add_argument("inventory", metavar="INVENTORY", help="inventory .parquet or .csv")
    _target_options(p, required=True)
    _context_options(p)
    _quality_options(p)
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser("report", parents=[common], formatter_class=_Formatter,
                       help="HTML / Excel / JSON / Markdown report of an inventory",
                       description="Write the report of an inventory (with an optional "
                                   "target) and print its summary.",
                       epilog="example:\n  sem-carbon report inventory.parquet --entities "
                              "entities.csv --baseline 2019 --target 2021 --reduction 50% "
                              "--html report.html --excel report.xlsx --scenario "
                              "rail-under=700km --scenario economy-only")
    p.add_argument("inventory", metavar="INVENTORY", help="inventory .parquet or .csv")
    _context_options(p)
    _target_options(p, required=False)
    group = p.add_argument_group("files")
    group.add_argument("--html", metavar="PATH", help="self-contained HTML report")
    group.add_argument("--excel", metavar="PATH", help="Excel workbook")
    group.add_argument("--json", metavar="PATH", help="JSON (deterministic)")
    group.add_argument("--markdown", metavar="PATH", help="Markdown")
    group.add_argument("--excel-max-rows", type=_excel_rows, metavar="N", default=None,
                       help="rows of the workbook's activities sheet (default 100,000; all "
                            "rows are in the inventory file)")
    group.add_argument("--traveller-names", action="store_true",
                       help="write traveller names in the workbook as given (default: "
                            "pseudonymised)")
    p.add_argument("--scenario", action="append", metavar="LEVERS",
                   help="a what-if scenario against the target, shown per entity; named "
                        "levers joined by '+': rail-under=700km, economy-only, "
                        "economy-below=9h, cut-trips=20%%, virtual-meetings=50%% "
                        "(repeat for several scenarios)")
    p.add_argument("--title", help="report title")
    p.add_argument("--year", type=int, help="reporting year (default: latest on file)")
    p.add_argument("--timestamp", metavar="TIME",
                   help="time stamp of every file written (default and 'now': the time of "
                        "the run; give a fixed one for reproducible files)")
    _quality_options(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("factors", parents=[common], formatter_class=_Formatter,
                       help="list or show factor editions",
                       description="Bundled factor editions and their factors.")
    fsub = p.add_subparsers(dest="factors_command", metavar="ACTION", required=True)
    q = fsub.add_parser("list", parents=[common], formatter_class=_Formatter,
                        help="the available editions", description="The available editions.")
    q.set_defaults(func=cmd_factors_list)
    q = fsub.add_parser("show", parents=[common], formatter_class=_Formatter,
                        help="the factors of one edition",
                        description="Provenance and factors of one edition.",
                        epilog="example:\n  sem-carbon factors show desnz-2024 --category air")
    q.add_argument("id", metavar="ID", help="edition id, e.g. desnz-2024")
    q.add_argument("--category", metavar="C", help="only this category (air, hotel, fuel ...)")
    q.set_defaults(func=cmd_factors_show)

    p = sub.add_parser("demo", parents=[common], formatter_class=_Formatter,
                       help="report of the example office",
                       description="Compute the example office's inventory, check its "
                                   "2019 -> 2021 -50% travel target per entity against the "
                                   "budget, and write report.html, report.xlsx, report.json, "
                                   "report.md, inventory.parquet and rejected.csv.")
    p.add_argument("--out", default="reports/demo", metavar="DIR",
                   help="output folder (default: reports/demo)")
    p.add_argument("--timestamp", metavar="TIME",
                   help="time stamp of every file written (default and 'now': the time of "
                        "the run; give a fixed one for reproducible files)")
    p.set_defaults(func=cmd_demo)
    from .cli_ledger import add_ledger_parser  # sem-carbon ledger ... (sem_carbon/cli_ledger.py)

    add_ledger_parser(sub, common)
    return parser


# ---------------------------------------------------------------------------- main
def _bad_input_types() -> tuple[type[BaseException], ...]:
    import pint

    from .errors import SemCarbonError

    return (SemCarbonError, UsageError, FileNotFoundError, IsADirectoryError,
            NotADirectoryError, PermissionError, pint.errors.PintError, ValueError)


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in text:
        text = f"{text}: {exc.filename}"
    return " ".join(_clean(text).split())


def _warning_line(message: Warning | str, category: type[Warning], filename: str,
                  lineno: int, file: IO[str] | None = None, line: str | None = None) -> None:
    print(f"{PROG}: warning: {' '.join(str(message).split())}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sem-carbon`` with ``argv`` (default: the process arguments).

    Parameters
    ----------
    argv : sequence of str, optional

    Returns
    -------
    int
        Exit status: 0 success, 2 bad input or usage, 1 unexpected error.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    debug = bool(getattr(args, "debug", False))
    out = Output(getattr(args, "format", "auto"))
    previous = warnings.showwarning
    warnings.showwarning = _warning_line
    try:
        return int(args.func(args, out) or 0)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except _bad_input_types() as exc:
        if debug:
            traceback.print_exc()
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(f"{PROG}: error: unexpected {type(exc).__name__}: {_one_line(exc)} "
              "(run again with --debug for the traceback)", file=sys.stderr)
        return 1
    finally:
        warnings.showwarning = previous


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
