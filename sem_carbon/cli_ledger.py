"""``sem-carbon ledger ...``: the carbon ledger from the command line.

Actions: ``init``, ``import``, ``status``, ``report``, ``history``, ``allot``,
``restate``, ``rates``, ``spend-factors``, ``export``, ``restore``
(``sem-carbon ledger ACTION --help`` for each; guide in ``docs/ledger.md``). Registered
by :func:`sem_carbon.cli.build_parser` through :func:`add_ledger_parser`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .lazy import LazyModule

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
else:  # imported on first use: ``sem-carbon --help`` does not load pandas
    pd = LazyModule("pandas")

__all__ = ["add_ledger_parser", "parse_constants", "parse_scenario"]



def _usage(message: str) -> Exception:
    from .cli import UsageError

    return UsageError(message)


def parse_constants(items: list[str] | None) -> dict[str, str]:
    """``--set mode=air --set currency=CHF`` as ``{"mode": "air", "currency": "CHF"}``."""
    out: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise _usage(f"--set takes COLUMN=VALUE (e.g. currency=CHF), got {item!r}")
        out[key.strip()] = value.strip()
    return out


def parse_scenario(items: list[str] | None) -> Any:
    """``--scenario rail-under=700km --scenario economy-below=6h`` as one ``Scenario``.

    The levers are named as in ``sem-carbon report --scenario``
    (:func:`sem_carbon.targets.parse_scenario`); here every ``--scenario`` adds its
    levers, in order, to the one scenario applied to the planned trips.

    Parameters
    ----------
    items : list of str or None
        The ``--scenario`` values (``+`` joins levers within one value too).

    Returns
    -------
    Scenario or None
    """
    if not items:
        return None
    from .errors import InvalidArgumentError
    from .targets import parse_scenario as parse_levers

    try:
        return parse_levers("+".join(items))
    except InvalidArgumentError as exc:
        raise _usage(f"--scenario: {exc}") from None


def _ledger(args: argparse.Namespace, must_exist: bool = True) -> Any:
    from .ledger import Ledger, LedgerError

    if must_exist and not Path(args.ledger).exists():
        raise LedgerError(f"no ledger at {args.ledger}: create it with 'sem-carbon ledger init "
                          f"{args.ledger}'")
    return Ledger(args.ledger, timeout=args.timeout, user=getattr(args, "user", None))


def cmd_init(args: argparse.Namespace, out: Any) -> int:
    led = _ledger(args, must_exist=False)
    if args.rates:
        led.add_rates(args.rates)
    if args.spend_factors:
        led.add_spend_factors(args.spend_factors)
    out.message(f"ledger ready: {led.path} ({len(led.batches())} batches)")
    return 0


def cmd_import(args: argparse.Namespace, out: Any) -> int:
    from .cli import _parse_limits, _parse_mapping, _parse_units, _reading

    if not (args.files or args.facilities or args.plans):
        raise _usage("nothing to import: give travel FILEs, --facilities or --plans")
    led = _ledger(args)
    policies = {k: v for k, v in (("duplicates", args.duplicates), ("refunds", args.refunds))
                if v is not None}
    result = led.import_files(
        travel=args.files or (), facilities=args.facilities or (), plans=args.plans or (),
        source=args.source, mapping=_parse_mapping(args.mapping),
        facilities_mapping=_parse_mapping(args.facilities_mapping),
        units=_parse_units(args.units), constants=parse_constants(args.set),
        spend=not args.no_spend, **policies, **_reading(args, "log"),
        **_parse_limits(args.limit))
    out.table(result, title=f"Import into {led.path}",
              short=["source", "kind", "action", "batch_id", "rows_read", "rows_computed",
                     "rows_rejected", "spend_rows", "spend_estimated", "tco2e",
                     "rows_overlapping"])
    return import_verdict(result)


def import_verdict(result: pd.DataFrame) -> int:
    """Exit status of an import, as ``calc``'s: 3 when files were imported and none of
    their rows was computed or estimated (the batches are still written, their rejects
    can be inspected with ``Ledger.inventory().rejected``)."""
    import sys

    from .cli import EXIT_NOTHING_COMPUTED, PROG

    new = result[result["action"].isin(["imported", "replaced"])]
    if new.empty or (new["rows_computed"] + new["spend_estimated"]).sum() > 0:
        return 0
    read = int(new["rows_read"].sum())
    print(f"{PROG}: error: nothing was computed: all {read:,} source rows of the imported "
          "files were rejected (see 'sem-carbon ledger history' and the rejects of "
          "Ledger.inventory())", file=sys.stderr)
    return EXIT_NOTHING_COMPUTED


def _entities(args: argparse.Namespace) -> Any:
    from .cli import _entities as entities
    from .cli import _read_table

    return entities(args.entities, _read_table(getattr(args, "headcount", None), "headcount"))


def cmd_status(args: argparse.Namespace, out: Any) -> int:
    from .allotments import allotment_alerts, allotment_status, allotments

    led = _ledger(args)
    batches = led.batches()
    active = batches[batches["status"] == "active"]
    out.message(f"{led.path}: {len(active)} active batches ({len(batches) - len(active)} "
                f"replaced), last change {led.history()['happened_at'].max()} UTC")
    totals = led.totals(("year",))
    if totals.empty:
        out.message("no rows yet: import files with 'sem-carbon ledger import'")
        return 0
    year = int(args.year or totals["year"].max())
    quality = led.data_quality("entity", year=year, overlaps=args.overlaps)
    _say_overlaps(led, args, out)
    out.table(quality, title=f"{year}: tCO2e per entity, share estimated from spend",
              short=["entity", "tco2e", "estimated_tco2e", "estimated_share", "mean_dq_score",
                     "rows"])
    if allotments(led, year).empty:
        out.message(f"no allotments for {year}: set them with 'sem-carbon ledger allot'")
        return 0
    status = allotment_status(led, year, as_of=args.as_of, entities=_entities(args),
                              scenario=parse_scenario(args.scenario),
                              projection=args.projection, baseline_year=args.baseline_year,
                              overlaps=args.overlaps)
    out.table(status, title=f"Allotments {year} (as of {status['as_of'].iloc[0].date()}); "
                            "tCO2e", short=["entity", "name", "allotment", "actual", "committed",
                                            "remaining", "projected", "projected_share",
                                            "alert"])
    alerts = allotment_alerts(status)
    out.message(f"{len(alerts)} entit{'y' if len(alerts) == 1 else 'ies'} projected to exceed "
                f"the allotment" + (": " + ", ".join(
                    f"{e} (+{x:,.1f} tCO2e)" for e, x in zip(alerts["entity"], alerts["excess"],
                                                             strict=True)) if len(alerts) else ""))
    return 0


def _say_overlaps(led: Any, args: argparse.Namespace, out: Any) -> None:
    """Say how many rows repeat rows of earlier batches and whether they are counted."""
    overlap = led.overlaps()
    if len(overlap):
        out.message(f"{len(overlap):,} rows of later batches are identical to rows of earlier "
                    f"ones ({overlap['tco2e'].sum():,.1f} tCO2e, all years): "
                    + ("left out (--overlaps exclude)" if args.overlaps == "exclude"
                       else "counted; --overlaps exclude leaves them out"))


def _overlaps_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--overlaps", choices=("include", "exclude"), default="include",
                        help="rows identical to rows of earlier batches (overlapping "
                             f"exports): count them (default) or leave them out of {what}")


def cmd_allot(args: argparse.Namespace, out: Any) -> int:
    from .allotments import allotments_from_baseline, set_allotments

    led = _ledger(args)
    if args.file:
        table = pd.read_csv(args.file, dtype={"entity": str})
        if args.year is not None and "year" not in table.columns:
            table["year"] = args.year
    else:
        if args.year is None or args.baseline is None:
            raise _usage("allot needs --file, or --year with --baseline (and --share)")
        _say_overlaps(led, args, out)
        table = allotments_from_baseline(led, year=args.year, baseline_year=args.baseline,
                                         share=args.share, categories=args.categories or
                                         ("travel",), entities=_entities(args),
                                         overlaps=args.overlaps)
    count = set_allotments(led, table, note=args.note or "")
    out.table(table, title=f"{count} allotments set", short=["entity", "year", "categories",
                                                             "tco2e", "basis"])
    return 0


def cmd_report(args: argparse.Namespace, out: Any) -> int:
    from .cli import _budget, _read_table, _target, _verdict
    from .io.writers import refuse_overwriting
    from .report import Report

    refuse_overwriting([args.html, args.excel, args.json, args.markdown], [args.ledger])
    led = _ledger(args)
    _say_overlaps(led, args, out)
    inv = led.inventory(basis=args.basis, overlaps=args.overlaps)
    target = _target(args, required=False)
    headcount = _read_table(args.headcount, "headcount")
    rep = Report(inv, targets=[target] if target is not None else (),
                 entities=_entities(args), budget=_budget(args.budget), headcount=headcount,
                 title=args.title or f"Ledger {Path(args.ledger).name} ({args.basis} figures)",
                 year=args.year)
    jobs = [(path, job) for path, job in (
        (args.html, lambda p: rep.to_html(p, timestamp=args.timestamp)),
        (args.excel, lambda p: rep.to_excel(p, timestamp=args.timestamp)),
        (args.json, lambda p: rep.to_json(p, timestamp=args.timestamp)),
        (args.markdown, lambda p: rep.to_markdown(Path(p), timestamp=args.timestamp))) if path]
    for path, job in jobs:
        job(path)
        out.message(f"wrote {path}")
    summary = rep.summary()
    year = str(rep.year)
    cols = ["item", "unit", year, "all_years"] if year in summary.columns else None
    out.table(summary[cols] if out.human and cols else summary, title=f"{rep.title}: summary")
    return _verdict(inv, args.max_rejected, None)


def cmd_history(args: argparse.Namespace, out: Any) -> int:
    led = _ledger(args)
    if args.batches:
        out.table(led.batches(), title="Batches (active and replaced)",
                  short=["batch_id", "source", "kind", "status", "imported_at", "imported_by",
                         "rows_read", "replaces", "replaced_by", "sha256"])
    else:
        out.table(led.history(args.source), title="History",
                  short=["event_id", "happened_at", "who", "action", "batch_id", "source",
                         "detail"])
    return 0


def cmd_restate(args: argparse.Namespace, out: Any) -> int:
    led = _ledger(args)
    options: dict[str, Any] = {}
    if args.factors is not None:
        options["factors"] = None if args.factors == "year" else args.factors
    if args.override:
        frame = pd.read_csv(args.override, keep_default_na=False)
        options["overrides"] = frame
        options["overrides_name"] = Path(args.override).stem
    elif args.no_override:
        options["overrides"] = None
    for flag in ("haul", "gwp", "grid"):
        if getattr(args, flag) is not None:
            options[flag] = getattr(args, flag)
    if args.rf is not None:
        options["radiative_forcing"] = args.rf == "on"
    if args.include_td:
        options["include_td"] = True
    result = led.restate(note=args.note or "", **options)
    out.table(result, title="Restated (tCO2e)")
    return 0


def cmd_rates(args: argparse.Namespace, out: Any) -> int:
    count = _ledger(args).add_rates(args.file)
    out.message(f"{count} exchange rates added")
    return 0


def cmd_spend_factors(args: argparse.Namespace, out: Any) -> int:
    count = _ledger(args).add_spend_factors(args.file)
    out.message(f"{count} spend factors added")
    return 0


def cmd_export(args: argparse.Namespace, out: Any) -> int:
    paths = _ledger(args).export_parquet(args.folder)
    out.message(f"wrote {len(paths)} files to {args.folder}")
    return 0


def cmd_restore(args: argparse.Namespace, out: Any) -> int:
    from .ledger import Ledger

    led = Ledger.restore(args.folder, args.ledger, user=args.user)
    out.message(f"restored {led.path} ({len(led.batches())} batches)")
    return 0


def add_ledger_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``ledger`` and its actions to the ``sem-carbon`` sub-parsers."""
    from .cli import (
        _context_options,
        _Formatter,
        _policy_options,
        _quality_options,
        _reading_options,
        _target_options,
    )

    base = argparse.ArgumentParser(add_help=False)
    base.add_argument("ledger", metavar="LEDGER", help="the ledger file (DuckDB)")
    base.add_argument("--timeout", type=float, default=60.0, metavar="S",
                      help="wait this long for another process's import (default 60 s)")
    base.add_argument("--user", help="who does this (default: the login name)")
    parents = [common, base]

    p = sub.add_parser("ledger", parents=[common], formatter_class=_Formatter,
                       help="the office's carbon ledger: imports that accumulate, allotments",
                       description="A persistent ledger of the office's emissions (one DuckDB "
                                   "file): monthly imports with provenance, corrections "
                                   "replacing their batch, restatements, allotments per entity.",
                       epilog="examples:\n  sem-carbon ledger init office.ledger\n"
                              "  sem-carbon ledger import office.ledger agency-2024-03.csv "
                              "--facilities bills-2024-03.csv\n"
                              "  sem-carbon ledger allot office.ledger --year 2024 --baseline "
                              "2019 --share 50%\n  sem-carbon ledger status office.ledger")
    act = p.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)

    q = act.add_parser("init", parents=parents, formatter_class=_Formatter,
                       help="create a ledger", description="Create a ledger (or check one).")
    q.add_argument("--rates", metavar="CSV", help="a user exchange-rates table to add")
    q.add_argument("--spend-factors", metavar="CSV", help="a spend factor table to add")
    q.set_defaults(func=cmd_init)

    q = act.add_parser("import", parents=parents, formatter_class=_Formatter,
                       help="import travel logs, facility data, planned trips",
                       description="Import files, each one a batch (one transaction). Same "
                                   "bytes again: nothing changes; new bytes under a source "
                                   "name on file: that batch is replaced (kept as history).",
                       epilog="example:\n  sem-carbon ledger import office.ledger march.csv "
                              "april.csv --set currency=CHF --facilities bills.csv")
    q.add_argument("files", nargs="*", metavar="FILE", help="travel logs")
    q.add_argument("--facilities", nargs="+", metavar="FILE", help="facility data")
    q.add_argument("--plans", nargs="+", metavar="FILE", help="planned trips (commitments)")
    q.add_argument("--source", help="source name of a single file (default: its file name)")
    q.add_argument("--set", action="append", metavar="COL=VALUE",
                   help="a constant column for every row (repeatable): --set currency=CHF")
    q.add_argument("--mapping", metavar="PRESET_OR_JSON", help="column mapping of the logs")
    q.add_argument("--facilities-mapping", metavar="PRESET_OR_JSON",
                   help="column mapping of the facility data")
    q.add_argument("--units", nargs="+", metavar="COL=UNIT", help="e.g. distance=km")
    q.add_argument("--no-spend", action="store_true",
                   help="reject spend-only rows instead of estimating them from spend")
    q.add_argument("--limit", action="append", metavar="NAME=VALUE",
                   help="raise a reading limit (see docs/limits.md)")
    _policy_options(q, "exact duplicate rows", "of travel logs")
    _reading_options(q, "log", "the files (every file of this import)")
    q.set_defaults(func=cmd_import)

    q = act.add_parser("status", parents=parents, formatter_class=_Formatter,
                       help="totals, estimated share and allotment status per entity",
                       description="Per entity: tCO2e of the year, the share estimated from "
                                   "spend, and the allotment status with its alerts.")
    q.add_argument("--year", type=int, help="year (default: the latest on file)")
    _overlaps_option(q, "the entity table and the allotment status")
    q.add_argument("--as-of", metavar="DATE", help="actuals complete to this day")
    q.add_argument("--entities", metavar="CSV", help="entity tree: id, name, parent, kind")
    q.add_argument("--scenario", action="append", metavar="LEVER",
                   help="apply to the planned trips: rail-under=700km, economy-only, "
                        "economy-below=6h, cut-trips=20%%, virtual-meetings=50%% "
                        "(repeatable: the levers apply in order)")
    q.add_argument("--projection", choices=("linear", "seasonal"), default="linear",
                   help="pace of the rest of the year (default linear)")
    q.add_argument("--baseline-year", type=int, metavar="YEAR",
                   help="profile year of a seasonal projection")
    q.set_defaults(func=cmd_status)

    q = act.add_parser("allot", parents=parents, formatter_class=_Formatter,
                       help="set allotments per entity",
                       description="Set the carbon allotments of a year: a share of a "
                                   "baseline year, or a table (entity, year, tco2e[, "
                                   "categories, basis]).")
    q.add_argument("--year", type=int, help="year allotted")
    q.add_argument("--baseline", type=int, metavar="YEAR", help="baseline year")
    q.add_argument("--share", default="50%", help="share of the baseline (default 50%%)")
    q.add_argument("--categories", nargs="+", metavar="C", help="travel (default), all ...")
    q.add_argument("--file", metavar="CSV", help="allotments table instead of a baseline")
    q.add_argument("--entities", metavar="CSV", help="roll the baseline up this entity tree")
    q.add_argument("--note", help="why (kept in the history)")
    _overlaps_option(q, "the baseline")
    q.set_defaults(func=cmd_allot)

    q = act.add_parser("report", parents=parents, formatter_class=_Formatter,
                       help="report of the ledger's current rows",
                       description="Write the report of the ledger's rows (as 'sem-carbon "
                                   "report' does for an inventory file).")
    q.add_argument("--basis", choices=("current", "reported"), default="current",
                   help="restated (current, default) or as-reported figures")
    _context_options(q)
    _target_options(q, required=False)
    group = q.add_argument_group("files")
    for flag, what in (("--html", "self-contained HTML report"), ("--excel", "Excel workbook"),
                       ("--json", "JSON"), ("--markdown", "Markdown")):
        group.add_argument(flag, metavar="PATH", help=what)
    q.add_argument("--title", help="report title")
    q.add_argument("--report-year", dest="year", type=int,
                   help="reporting year (default: latest)")
    q.add_argument("--timestamp", help="time stamp of every file written (default and 'now': "
                                        "the time of the run)")
    _quality_options(q)
    _overlaps_option(q, "the report")
    q.set_defaults(func=cmd_report)

    q = act.add_parser("history", parents=parents, formatter_class=_Formatter,
                       help="every change, or the batches with their provenance",
                       description="The ledger's history (imports, replacements, "
                                   "restatements, allotments), or its batches.")
    q.add_argument("--source", help="only this source")
    q.add_argument("--batches", action="store_true", help="list the batches instead")
    q.set_defaults(func=cmd_history)

    q = act.add_parser("restate", parents=parents, formatter_class=_Formatter,
                       help="recompute every batch (new edition or method)",
                       description="Recompute every active batch with the editions installed "
                                   "now and the method given; as-reported figures are kept.")
    q.add_argument("--factors", metavar="ID|year",
                   help="one edition for all rows, or 'year' (each row its year's edition)")
    q.add_argument("--override", metavar="CSV",
                   help="factor overrides (factor-format rows) on top of each row's edition")
    q.add_argument("--no-override", action="store_true", help="remove the overrides")
    q.add_argument("--rf", choices=("on", "off"), help="radiative forcing for air travel")
    q.add_argument("--haul", choices=("distance", "desnz", "smooth"), help="haul-band rule")
    q.add_argument("--gwp", choices=("AR4", "AR5", "AR6"), help="GWP set for refrigerants")
    q.add_argument("--grid", metavar="ID", help="grid-intensity edition outside the UK")
    q.add_argument("--include-td", action="store_true", help="add electricity T&D losses")
    q.add_argument("--note", help="why (kept in the history)")
    q.set_defaults(func=cmd_restate)

    for name, func, what in (("rates", cmd_rates, "an exchange-rates table (currency, date, "
                                                  "rate[, per, valid_to, source])"),
                             ("spend-factors", cmd_spend_factors,
                              "a spend factor table (category, year, kgco2e_per_usd, source)")):
        q = act.add_parser(name, parents=parents, formatter_class=_Formatter,
                           help=f"add {what.split(' (')[0]}", description=f"Add {what}.")
        q.add_argument("file", metavar="CSV")
        q.set_defaults(func=func)

    q = act.add_parser("export", parents=parents, formatter_class=_Formatter,
                       help="back the ledger up to Parquet files",
                       description="Write every table to FOLDER/<table>.parquet with a "
                                   "manifest (row counts, SHA-256).")
    q.add_argument("folder", metavar="FOLDER")
    q.set_defaults(func=cmd_export)

    q = act.add_parser("restore", parents=[common], formatter_class=_Formatter,
                       help="a new ledger from a backup",
                       description="Create a new ledger file from a backup folder.")
    q.add_argument("folder", metavar="FOLDER")
    q.add_argument("ledger", metavar="LEDGER", help="new ledger file (must not exist)")
    q.add_argument("--user", help="who restores")
    q.set_defaults(func=cmd_restore)
