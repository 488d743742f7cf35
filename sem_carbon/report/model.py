"""The report's view-model: every table and figure the report shows, computed once.

:meth:`Report.model` builds one :class:`ReportModel`; the HTML, Markdown, JSON and Excel
renderers and the charts are pure functions of it (they never see the
:class:`~sem_carbon.report.Report` or the inventory), so every format shows the same
numbers. Each :class:`Table` carries its data (all columns: JSON and Excel write them
all) and, once, the columns HTML and Markdown show, with their titles and kinds
(:mod:`sem_carbon.report.formats`).

The model is frozen (attributes cannot be re-bound; mappings are read-only views);
renderers must not modify the DataFrames it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from . import tables
from .formats import finite

if TYPE_CHECKING:  # pragma: no cover
    from .core import Report

__all__ = ["Column", "ReportModel", "ScenarioView", "Table", "TargetView", "build_model"]

#: Year columns of the scope x category table shown in HTML and Markdown (all in JSON/Excel).
YEARS_SHOWN = 6
#: Rejected rows shown in HTML and Markdown (all of them are in Excel and rejected.csv).
MAX_REJECTED_SHOWN = 100
#: Fallback notes shown in HTML and Markdown (most frequent first).
MAX_FALLBACKS_SHOWN = 15


@attrs.frozen
class Column:
    """A column as HTML and Markdown show it: data column ``name``, ``title``, ``kind``."""

    name: str
    title: str
    kind: str = "text"


def _columns(*specs: tuple[str, ...]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


@attrs.frozen(eq=False)
class Table:
    """One table: ``data`` (every row and column: what JSON and Excel write), the
    ``columns`` HTML and Markdown show (absent ones skipped), the ``rows`` they show
    (default: all), the note said instead of an ``empty`` table, and its ``title``.

    ``data`` may be given as a function that computes it, with its number of rows as
    ``size``: it is then called once, when ``data`` is first read (a long table that only
    the workbook writes in full, e.g. every air leg sorted, while the other formats show
    ``rows`` and the count).
    """

    _data: pd.DataFrame | Callable[[], pd.DataFrame]
    columns: tuple[Column, ...] = ()
    empty: str = "No rows."
    rows: pd.DataFrame | None = None
    title: str = ""
    size: int | None = None
    #: ``n -> the first n rows of data``, computed without every row (None: from ``data``)
    first: Callable[[int], pd.DataFrame] | None = None
    _computed: dict[str, pd.DataFrame] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def data(self) -> pd.DataFrame:
        """Every row and column (computed on first reading when given as a function)."""
        if not callable(self._data):
            return self._data
        if "data" not in self._computed:
            self._computed["data"] = self._data()
        return self._computed["data"]

    def head(self, n: int) -> pd.DataFrame:
        """The first ``n`` rows of :attr:`data` (the workbook's capped sheets): from
        ``first`` when the table has it and ``data`` is not computed yet, so the rest is
        never computed.

        Parameters
        ----------
        n : int
            Rows wanted.
        """
        if self.first is not None and "data" not in self._computed and callable(self._data):
            return self.first(n)
        return self.data.head(n)

    @property
    def total(self) -> int:
        """Rows of ``data`` (``size`` when given: a lazy table is not computed for it)."""
        return self.size if self.size is not None else len(self.data)

    @property
    def shown(self) -> pd.DataFrame:
        """The rows HTML and Markdown show."""
        return self.data if self.rows is None else self.rows

    @property
    def visible(self) -> tuple[Column, ...]:
        """The columns shown that the data has."""
        return tuple(c for c in self.columns if c.name in self.shown.columns)

    def records(self) -> list[dict[str, Any]]:
        """The shown rows as dicts (column name -> value)."""
        return self.shown.to_dict("records")


@attrs.frozen(eq=False)
class TargetView:
    """One target: its ``overview`` (a row of :meth:`Report.targets_overview`) and its
    ``status`` per entity (:meth:`Report.target_status`)."""

    overview: Mapping[str, Any]
    status: Table


@attrs.frozen(eq=False)
class ScenarioView:
    """One scenario against one target: its ``name``, the ``levers`` (labels, in order),
    their ``assumptions``, the ``target`` (label and number ``k``), the organisation-wide
    ``overview`` (``baseline``, ``actual``, ``target``, ``scenario`` [tCO2e],
    ``scenario_change_pct``, ``met``, ``scenario_met``, ``entities_met``,
    ``entities_scenario_met``, ``entities_assessed``) and the ``status`` per entity
    (:func:`sem_carbon.targets.scenario_status`)."""

    name: str
    levers: tuple[str, ...]
    assumptions: tuple[str, ...]
    target: str
    k: int
    overview: Mapping[str, Any]
    status: Table


@attrs.frozen(eq=False)
class ReportModel:
    """Everything the report shows, for renderers that take nothing else.

    Attributes
    ----------
    title, version, kyoto_label : str
        Report title; sem-carbon version; name of the Kyoto total (how air counts in it).
    years, reporting_year : tuple of int, int
        Years with data; the year of the headline figures, routes and hotspots.
    kpis : tuple of mapping
        Headline figures (``key``, ``label``, ``value``, ``unit``, ``detail``).
    summary, by_scope_category, trend, top_routes, hotspots, entity_totals : Table
    targets : tuple of TargetView
    quality : mapping of str to Table
        The tables of :meth:`Report.data_quality`.
    coverage_note : str
        A sentence naming tables that cover fewer years than the others ("" if none).
    editions, parameters : Table
        The methodology appendix.
    activities : DataFrame
        The inventory rows (the workbook's activities sheet).
    inventory : mapping
        ``rows``, ``rejected_rows``, ``total_tco2e``, ``rows_read`` (per table).
    rows_read, rows_computed : int
        Source rows read and computed, all tables.
    entity_chart_title, target_labels : str, tuple of str
    generated_at : str, optional
        Time stamp of the output (the exports always set one; see
        :func:`sem_carbon.stamps.resolve_timestamp`).
    air_methods : mapping of str to Table
        Air by the three methods (:meth:`Report.air_methods`): ``un_view`` (per year, the
        UN-inventory view with its band), ``entities`` (reporting year), ``legs`` (every
        leg, the largest shown), ``verdicts`` (per target); empty without air.
    air_lines : tuple of str
        The UN-inventory view, its band and the target verdicts in words.
    scenarios : tuple of ScenarioView
        What-if scenarios against the targets (empty without scenarios).
    allotments : Table
        Carbon allotments of the reporting year per entity (:meth:`Report.allotments`;
        no rows unless the report is of a ledger with allotments).
    extras : mapping of str to Table
        Further tables a part of the library adds (e.g. a method comparison); JSON and
        Excel write them, HTML and Markdown show them in the appendix.
    """

    title: str
    version: str
    years: tuple[int, ...]
    reporting_year: int | None
    kyoto_label: str
    kpis: tuple[Mapping[str, Any], ...]
    summary: Table
    by_scope_category: Table
    targets: tuple[TargetView, ...]
    entity_totals: Table
    trend: Table
    top_routes: Table
    hotspots: Table
    quality: Mapping[str, Table]
    coverage_note: str
    editions: Table
    parameters: Table
    activities: pd.DataFrame
    inventory: Mapping[str, Any]
    rows_read: int
    rows_computed: int
    entity_chart_title: str
    target_labels: tuple[str, ...]
    generated_at: str | None = None
    air_methods: Mapping[str, Table] = attrs.field(factory=lambda: MappingProxyType({}))
    air_lines: tuple[str, ...] = ()
    scenarios: tuple[ScenarioView, ...] = ()
    allotments: Table = attrs.field(factory=lambda: Table(pd.DataFrame()))
    extras: Mapping[str, Table] = attrs.field(factory=lambda: MappingProxyType({}))

    @property
    def period(self) -> str:
        """Years on file as text ("2010–2024")."""
        return tables.period_text(self.years)

    @property
    def entities_vs_target(self) -> pd.DataFrame:
        """Every entity against every target (the workbook's sheet)."""
        return entities_vs_target([t.status.data for t in self.targets])

    @property
    def edition_ids(self) -> tuple[str, ...]:
        """Ids of the factor editions used."""
        return tuple(str(i) for i in self.editions.data.get("id", ()))

    @property
    def edition_checksums(self) -> dict[str, str]:
        """Edition id -> sha256 of its ``datapackage.json`` ("" for a set built in memory)."""
        data = self.editions.data
        sums = data["sha256"] if "sha256" in data.columns else [""] * len(data)
        return {str(i): "" if pd.isna(h) else str(h)
                for i, h in zip(data.get("id", ()), sums, strict=False)}

    @property
    def stamp(self) -> dict[str, Any]:
        """What made this output: ``library``, ``version``, ``editions`` (id -> sha256),
        ``generated_at``."""
        return {"library": "sem-carbon", "version": self.version,
                "editions": self.edition_checksums, "generated_at": self.generated_at}

    def stamped(self, timestamp: str | None) -> ReportModel:
        """This model with ``generated_at`` set (unchanged when ``timestamp`` is None)."""
        return self if timestamp is None else attrs.evolve(self, generated_at=str(timestamp))


# ---------------------------------------------------------------------------- columns
def entities_vs_target(statuses: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Every target's status per entity, one block per target (the columns of
    ``sem_carbon.target_status``; empty without targets)."""
    if not statuses:
        return pd.DataFrame(columns=["target_name", "entity", "name", "baseline", "actual",
                                     "target", "change_pct", "met", "gap"])
    return pd.concat(list(statuses), ignore_index=True)


def status_columns(overview: Mapping[str, Any]) -> tuple[Column, ...]:
    """Columns of a target's status per entity."""
    return _columns(
        ("name", "Entity", "tree"), ("entity", "Id"), ("kind", "Kind"),
        ("baseline", f"Baseline {overview['baseline_year']}", "t"),
        ("actual", f"Actual {overview['target_year']}", "t"), ("target", "Target", "t"),
        ("change_pct", "Change", "spct"), ("met", "Carbon", "met"),
        ("gap", "Still to cut", "t"), ("budget_change_pct", "Budget change", "spct"),
        ("budget_met", "Budget", "met"), ("divergent", "Carbon vs budget", "flag"))


def trend_columns(targets: Sequence[Any]) -> tuple[Column, ...]:
    """Columns of the trend table (two per CO2e target)."""
    cols = _columns(("year", "Year", "year"), ("kyoto_tco2e", "Kyoto total", "t"),
                    ("air_with_rf_tco2e", "Air with RF", "t"),
                    ("air_without_rf_tco2e", "Air without RF", "t"),
                    ("hotel_tco2e", "Hotel nights", "t"),
                    ("un_inventory_tco2e", "UN-inventory view", "t"))
    for k, target in enumerate(targets, start=1):
        cats = ", ".join(getattr(target, "categories", ()) or ()) or "all"
        path = "Target path" if len(targets) == 1 else f"Target {k} path"
        cols += _columns((f"target_{k}_actual_tco2e", f"{cats.capitalize()} (target scope)",
                          "t"), (f"target_{k}_path_tco2e", path, "t"))
    return cols


#: The data-quality tables in reading order: title, note when empty, columns shown.
QUALITY: dict[str, tuple[str, str, tuple[Column, ...]]] = {
    "reconciliation": ("Rows read, computed and rejected", "No rows.", _columns(
        ("table", "Table"), ("rows_read", "Read", "int"), ("rows_computed", "Computed", "int"),
        ("rows_rejected", "Rejected", "int"))),
    "flags": ("Rows to know about", "No row carries a data-quality flag.", _columns(
        ("flag", "Flag", "wrap"), ("rows", "Rows", "int"), ("share_pct", "Share of rows", "pct"),
        ("tco2e", "tCO2e", "t"))),
    "coverage": ("Years covered", "No rows.", _columns(
        ("table", "Table"), ("first_year", "First", "year"), ("last_year", "Last", "year"),
        ("missing_years", "Years missing", "wrap"), ("rows", "Rows", "int"))),
    "other_editions": ("Rows whose category came from another edition",
                       "Every row used its own year's edition for its category.", _columns(
        ("year", "Year", "year"), ("other_edition", "Rows", "int"),
        ("share_pct", "Share of the year's rows", "pct"),
        ("detail", "Category from edition", "wrap"))),
    "rejected_reasons": ("Rejections by reason", "No row was rejected.", _columns(
        ("table", "Table"), ("column", "Column", "code"), ("reason", "Reason", "clip"),
        ("variants", "Variants", "int"), ("rows", "Rows", "int"))),
    "fallbacks": ("Fallbacks and substitutions used", "No fallback was needed.", _columns(
        ("note", "Note", "clip"), ("variants", "Variants", "int"), ("rows", "Rows", "int"),
        ("share_pct", "Share of rows", "pct"), ("tco2e", "tCO2e", "t"))),
    "methods": ("Calculation methods", "No rows.", _columns(
        ("category", "Category", "category"), ("method", "Method", "wrap"),
        ("variants", "Variants", "int"), ("rows", "Rows", "int"), ("tco2e", "tCO2e", "t"),
        ("share_pct", "Share", "share"))),
    "refunds": ("Refunds netted out", "No refund was netted out.", _columns(
        ("table", "Table"), ("column", "Amount column", "code"), ("rows", "Source rows", "int"),
        ("pairs", "Pairs", "int"), ("charged", "Charged", "t2"),
        ("refunded", "Refunded", "t2"))),
    "rejected": ("Rejected rows (refunds aside)", "No row was rejected (refunds aside).", _columns(
        ("table", "Table"), ("source_row", "Source row", "int"), ("column", "Column", "code"),
        ("value", "Value", "code"), ("reason", "Reason", "clip"))),
}
ROUTE_COLUMNS = _columns(("route", "Route"), ("trips", "Trips", "int"),
                         ("distance_km", "km", "int"), ("tco2e", "tCO2e", "t"),
                         ("tco2e_without_rf", "without RF", "t"),
                         ("share_pct", "Share of air", "share"))
HOTSPOT_COLUMNS = _columns(("name", "Entity"), ("label", "Category"), ("tco2e", "tCO2e", "t"),
                           ("share_pct", "Share", "share"))
ENTITY_COLUMNS = _columns(("entity", "Entity"), ("name", "Name"), ("tco2e", "tCO2e", "t"))
EDITION_COLUMNS = _columns(("id", "Edition", "code"), ("publisher", "Publisher", "wrap"),
                           ("year", "Year", "year"), ("licence", "Licence", "link"),
                           ("source", "Source", "link"), ("rows", "Rows", "int"),
                           ("rf_multiplier", "RF multiplier", "t2"),
                           ("sha256", "Edition sha256", "hash"))
SCENARIO_COLUMNS = _columns(
    ("name", "Entity", "tree"), ("entity", "Id"), ("baseline", "Baseline", "t"),
    ("actual", "Actual", "t"), ("target", "Target", "t"), ("met", "Actual vs target", "met"),
    ("scenario", "With the levers", "t"), ("scenario_change_pct", "Change", "spct"),
    ("lever_effect", "Cut by the levers", "t"), ("scenario_gap", "Still to cut", "t"),
    ("scenario_met", "Scenario vs target", "met"))
#: Shown columns of the air-method tables (every column is in JSON and Excel).
_BAND = (("air_low_tco2e", "Air low", "t"), ("air_high_tco2e", "Air high", "t"),
         ("un_low_tco2e", "UN view low", "t"), ("un_central_tco2e", "UN view central", "t"),
         ("un_high_tco2e", "UN view high", "t"))
AIR_METHOD_TABLES: dict[str, tuple[str, str, tuple[Column, ...]]] = {
    "un_view": ("UN-inventory view with air by each method (tCO2e)", "No air travel.",
                _columns(("year", "Year", "year"), ("non_air_tco2e", "Other than air", "t"),
                         ("desnz_air_tco2e", "Air: DESNZ CO2", "t"),
                         ("icao_air_tco2e", "Air: ICAO method", "t"),
                         ("fuel_air_tco2e", "Air: fuel burn", "t"), *_BAND,
                         ("spread_pct", "Air spread", "pct"))),
    "entities": ("UN-inventory view by entity, reporting year (tCO2e)", "No rows.",
                 _columns(("name", "Entity"), ("desnz_air_tco2e", "Air: DESNZ CO2", "t"),
                          ("icao_air_tco2e", "Air: ICAO method", "t"),
                          ("fuel_air_tco2e", "Air: fuel burn", "t"), *_BAND)),
    "legs": ("Air legs by method (kg CO2, largest first)", "No air legs.", _columns(
        ("year", "Year", "year"), ("entity", "Entity"), ("route", "Route"),
        ("cabin", "Cabin"), ("desnz_co2_kg", "DESNZ CO2", "int"),
        ("icao_co2_kg", "ICAO method", "int"), ("fuel_co2_kg", "Fuel burn", "int"),
        ("low_kg", "Low", "int"), ("high_kg", "High", "int"))),
    "verdicts": ("Targets on the UN-inventory boundary, by air method (tCO2e)", "No target.",
                 _columns(("target", "Target"), ("desnz_actual_tco2e", "Actual: DESNZ", "t"),
                          ("desnz_target_tco2e", "Target: DESNZ", "t"),
                          ("icao_actual_tco2e", "Actual: ICAO", "t"),
                          ("icao_target_tco2e", "Target: ICAO", "t"),
                          ("fuel_actual_tco2e", "Actual: fuel", "t"),
                          ("fuel_target_tco2e", "Target: fuel", "t"),
                          ("verdict", "Verdict", "wrap"))),
    "restated": ("Air restated with one DESNZ edition across the 2022/2023 load-factor break "
                 "(tCO2e)", "The air series does not cross the load-factor break.", _columns(
                     ("year", "Year", "year"), ("air_with_rf_tco2e", "With RF, reported", "t"),
                     ("restated_with_rf_tco2e", "With RF, restated", "t"),
                     ("air_without_rf_tco2e", "Without RF, reported", "t"),
                     ("restated_without_rf_tco2e", "Without RF, restated", "t"),
                     ("edition", "Edition", "code"))),
}
#: Legs shown in HTML and Markdown (all are in JSON and Excel).
MAX_LEGS_SHOWN = 15
ALLOTMENT_COLUMNS = _columns(
    ("name", "Entity", "tree"), ("entity", "Id"), ("allotment", "Allotment", "t"),
    ("actual", "Actual", "t"), ("committed", "Committed (planned)", "t"),
    ("remaining", "Remaining", "t"), ("projected", "Projected year end", "t"),
    ("projected_pct", "Projected share", "pct"), ("alert_text", "Alert"))
PARAMETER_COLUMNS = _columns(("parameter", "Parameter"), ("value", "Value", "wrap"),
                             ("detail", "Detail", "wrap"))


# ---------------------------------------------------------------------------- building
def _coverage_note(coverage: pd.DataFrame, years: Sequence[int]) -> str:
    """A sentence naming tables that start later (or end earlier) than the others."""
    if len(coverage) < 2 or not years:
        return ""
    late = coverage[(coverage["first_year"] > years[0]) | (coverage["last_year"] < years[-1])]
    parts = [f"{row.table} data cover {row.first_year}–{row.last_year} only"
             for row in late.itertuples(index=False)]
    return (" Note: " + "; ".join(parts) + ", so the totals of other years leave them out."
            if parts else "")


def _entity_chart_title(report: Report) -> str:
    if not report.targets:
        return f"Emissions by entity, {report.year}" if report.year else ""
    target = report.targets[0]
    cats = ", ".join(getattr(target, "categories", ()) or ()) or "all"
    return (f"{cats.capitalize()} emissions by entity: {target.baseline_year} baseline vs "
            f"{target.target_year}")


def _air_views(report: Report) -> tuple[Mapping[str, Table], tuple[str, ...]]:
    """The air-method tables and their lines in words (empty without air)."""
    views = report._air  # read only: shared with the report, not copied
    if not views:
        return MappingProxyType({}), ()
    out = {name: Table(views[name], columns, empty, title=title)
           for name, (title, empty, columns) in AIR_METHOD_TABLES.items() if name != "legs"}
    # every leg sorted only if the workbook reads them; the other formats show the largest
    out["legs"] = Table(lambda: report._legs, AIR_METHOD_TABLES["legs"][2],
                        AIR_METHOD_TABLES["legs"][1], views["top_legs"],
                        AIR_METHOD_TABLES["legs"][0], size=views["n_legs"],
                        first=report._largest_legs)
    out = {name: out[name] for name in AIR_METHOD_TABLES}  # in reading order
    b = views["band"]
    method = report.un_air_method
    label = {"icao": "the ICAO method", "fuel": "fuel burn", "desnz": "DESNZ"}[method]
    lines = [f"UN-inventory view {b['year']}: {b['un_central_tco2e']:,.1f} tCO2e with air by "
             f"{label} (CO2 only, as the UN system's inventory counts it); band "
             f"{b['un_low_tco2e']:,.1f}–{b['un_high_tco2e']:,.1f} tCO2e across air methods "
             f"(air: DESNZ CO2 {b['desnz_air_tco2e']:,.1f}, ICAO method "
             f"{b['icao_air_tco2e']:,.1f}, fuel burn {b['fuel_air_tco2e']:,.1f} t). The Kyoto "
             "total and the with-RF figures keep DESNZ."]
    lines += [f"Target {r['target']} on the UN-inventory boundary: {r['verdict']}."
              for r in views["verdicts"].to_dict("records")]
    if views["note"]:
        restated = views["restated"]
        edition = f" (table below: {restated['edition'].iloc[0]})" if len(restated) else ""
        lines.append(f"Note: {views['note']}{edition}.")
    return MappingProxyType(out), tuple(lines)


def build_model(report: Report) -> ReportModel:
    """Compute every view of ``report`` once and gather them in a :class:`ReportModel`.

    Parameters
    ----------
    report : Report

    Returns
    -------
    ReportModel
    """
    from .. import __version__

    inv = report.inventory
    quality = report.data_quality()
    other = quality["other_editions"]
    rejected = quality["rejected"]
    not_refund = ~rejected["reason"].astype(str).str.startswith("refund") \
        if len(rejected) else pd.Series(dtype=bool)
    shown = {"rejected": rejected[not_refund].head(MAX_REJECTED_SHOWN),
             "fallbacks": quality["fallbacks"].head(MAX_FALLBACKS_SHOWN),
             "other_editions": other[other["other_edition"] > 0] if len(other) else other}
    quality_tables = {name: Table(quality[name], columns, empty, shown.get(name), title)
                      for name, (title, empty, columns) in QUALITY.items()}
    summary = report.summary()
    years = [c for c in summary.columns if c.isdigit()]
    by_cat = report.by_scope_category()
    cat_years = [c for c in by_cat.columns if c.isdigit()][-YEARS_SHOWN:]
    targets = tuple(
        TargetView(MappingProxyType(overview),
                   Table(report.target_status(k), status_columns(overview)))
        for k, overview in enumerate(report.targets_overview().to_dict("records")))
    data = report.data
    rec = quality["reconciliation"]
    air_tables_, air_lines = _air_views(report)
    air_note = "; ".join(n for n in (report._air.get("note", ""),
                                     report._air.get("legs_note", "")) if n) \
        if air_tables_ else ""
    return ReportModel(
        title=report.title, version=__version__, years=tuple(report.years),
        reporting_year=report.year, kyoto_label=tables.kyoto_label(data),
        kpis=tuple(MappingProxyType(k) for k in report.kpis()),
        summary=Table(summary, _columns(("item", "Line", "line"),
                                        *((y, y, "amount") for y in years),
                                        ("all_years", "All years", "amount"))),
        by_scope_category=Table(by_cat, _columns(
            ("scope", "Scope", "int"), ("label", "Category"),
            *((y, y, "t") for y in cat_years), ("all_years", "All years", "t"),
            ("share_pct", "Share", "share"))),
        targets=targets,
        entity_totals=Table(report.entity_totals(), ENTITY_COLUMNS),
        trend=Table(report.trend(), trend_columns(report.targets)),
        top_routes=Table(report.top_routes(), ROUTE_COLUMNS, "No air travel in this year."),
        hotspots=Table(report.hotspots(), HOTSPOT_COLUMNS, "No emissions in this year."),
        quality=MappingProxyType(quality_tables),
        coverage_note=_coverage_note(quality["coverage"], report.years)
        + (f" Note: {air_note}." if air_note else ""),
        editions=Table(report.methodology(), EDITION_COLUMNS),
        parameters=Table(report.parameters(), PARAMETER_COLUMNS),
        activities=data,
        inventory=MappingProxyType({
            "rows": len(data), "rejected_rows": len(inv.rejected),
            "total_tco2e": float(np.nansum(pd.to_numeric(
                data.get("co2e_kg", pd.Series(dtype=float)), errors="coerce"))) / 1000.0,
            "rows_read": {str(k): int(v) for k, v in sorted(inv.rows_read.items())}}),
        rows_read=tables.column_sum(rec, "rows_read"),
        rows_computed=tables.column_sum(rec, "rows_computed"),
        entity_chart_title=_entity_chart_title(report),
        target_labels=tuple(tables.target_label(t) for t in report.targets),
        air_methods=air_tables_, air_lines=air_lines,
        scenarios=tuple(_scenario_view(report, k, scenario, frame)
                        for k, scenario, frame in report.scenario_status()),
        allotments=Table(report.allotments(), ALLOTMENT_COLUMNS,
                         "No carbon allotments for the reporting year.",
                         title=f"Carbon allotments {report.year} (tCO2e)"),
    )


def _scenario_view(report: Report, k: int, scenario: Any, frame: pd.DataFrame
                   ) -> ScenarioView:
    """One scenario against target ``k``, with its organisation-wide figures."""
    from .core import _assessed

    if "depth" in frame.columns and (frame["depth"] == 0).any() and \
            (frame["depth"] > 0).any():
        root = frame[frame["depth"] == 0].iloc[0]
        total = {c: root.get(c) for c in ("baseline", "actual", "target", "scenario")}
    else:
        total = {c: float(pd.to_numeric(frame[c], errors="coerce").sum())
                 for c in ("baseline", "actual", "target", "scenario")}
    base, scen, goal = (finite(total[c]) for c in ("baseline", "scenario", "target"))
    assessed = _assessed(frame)
    overview = {
        **{c: finite(v) for c, v in total.items()},
        "scenario_change_pct": (scen / base - 1.0) * 100.0 if base and scen is not None
        else None,
        "met": None if goal is None or total["actual"] is None
        else bool(finite(total["actual"]) <= goal + 1e-9),
        "scenario_met": None if goal is None or scen is None else bool(scen <= goal + 1e-9),
        "entities_met": int(assessed["met"].fillna(False).astype(bool).sum()),
        "entities_scenario_met": int(assessed["scenario_met"].fillna(False).astype(bool)
                                     .sum()),
        "entities_assessed": len(assessed),
    }
    return ScenarioView(
        name=str(scenario.name), levers=tuple(lv.label for lv in scenario.levers),
        assumptions=tuple(scenario.assumptions()),
        target=tables.target_label(report.targets[k - 1]), k=k,
        overview=MappingProxyType(overview), status=Table(frame, SCENARIO_COLUMNS))

