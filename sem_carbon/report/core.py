"""The :class:`Report` object: views of an inventory and its targets, and their exports."""

from __future__ import annotations

import contextlib
import copy
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InvalidArgumentError
from . import air_methods, tables
from .column_codes import kept_in, text_codes
from .formats import finite, truth

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..inventory import Inventory
    from .model import ReportModel

__all__ = ["Report"]


def _coded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Compute a view with the report's store of column codes current
    (:mod:`~sem_carbon.report.column_codes`): the views it computes share them."""
    @functools.wraps(method)
    def wrapper(self: Report, *args: Any, **kwargs: Any) -> Any:
        with self._sharing_codes():
            return method(self, *args, **kwargs)

    return wrapper


def _memo(method: Callable[[Report], Any]) -> Callable[[Report], Any]:
    """Compute a view once per report; hand out copies so callers cannot alter the cache."""
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self: Report) -> Any:
        if name not in self._memo:
            with self._sharing_codes():
                self._memo[name] = method(self)
        value = self._memo[name]
        if isinstance(value, pd.DataFrame):
            return value.copy()
        if isinstance(value, dict):
            return {k: v.copy() if isinstance(v, pd.DataFrame) else v for k, v in value.items()}
        return copy.deepcopy(value)

    return wrapper


#: What the views of a year (:meth:`Report.top_routes`, :meth:`Report.hotspots`,
#: :meth:`Report.entity_totals`) read of the inventory's rows.
YEAR_VIEW_COLUMNS = tuple(dict.fromkeys(("year", "entity", *tables.ROUTE_INPUT_COLUMNS)))


class Report:
    """A greenhouse-gas report of an inventory, with target status per entity.

    Parameters
    ----------
    inventory : Inventory or Ledger
        From :func:`sem_carbon.calculate` (or read back with ``Inventory.read_parquet``),
        or a :class:`~sem_carbon.Ledger` (its current rows; kept as ``ledger``).
    targets : Target or sequence of Target, optional
        Reduction targets; each gets a status per entity (``sem_carbon.target_status``).
    entities : Entities or DataFrame, optional
        The planning-entity tree (``id``, ``name``, ``parent``, ``kind``); names are shown
        next to ids and totals roll up the tree.
    budget : DataFrame or "cost", optional
        Travel budget (``entity``, ``year``, ``amount``) or ``"cost"`` for the travel log's
        own cost column; target views then compare carbon with budget.
    headcount : number, mapping, Series or DataFrame, optional
        Persons per year (see :func:`sem_carbon.report.tables.headcount_by_year`); default:
        the headcount carried by ``entities``, if any.
    title : str, optional
        Report title.
    year : int, optional
        Reporting year of the headline figures, hotspots and top routes; default: the
        latest year on file.
    un_air_method : {"icao", "fuel", "desnz"}, default "icao"
        How air counts in the UN-inventory view (CO2 only): the ICAO method, as the UN
        system's inventory does; ``"desnz"`` keeps the inventory's DESNZ figure without
        RF. The Kyoto total and the with-RF views always keep the inventory's figures.
    air_uncertainty : mapping, optional
        Relative 90% half-width per air method (e.g. ``{"icao": 0.1}``) for the band and
        the "met with 90% confidence" verdict; default none (the band is the method
        spread, see :mod:`sem_carbon.travel.uncertainty`).
    scenarios : Scenario, Lever or sequence of them, optional
        What-ifs (:mod:`sem_carbon.targets.scenarios`): each scenario's effect per entity
        against each CO2e target is shown (HTML, Excel, JSON, Markdown). A lever alone is
        a scenario of one lever.

    Notes
    -----
    Views are computed once and cached (copies are handed out), and :meth:`model` gathers
    them once for every export; build a new report after changing the inventory.

    Examples
    --------
    >>> rep = sc.Report(inv, targets=[t], entities=org)            # doctest: +SKIP
    >>> rep.summary(); rep.to_html("report.html")                  # doctest: +SKIP
    """

    def __init__(self, inventory: Inventory, targets: Any = (), entities: Any = None,
                 budget: Any = None, headcount: Any = None, title: str | None = None,
                 year: int | None = None, un_air_method: str = "icao",
                 air_uncertainty: Any = None, scenarios: Any = ()) -> None:
        from ..travel.uncertainty import METHODS

        if un_air_method not in METHODS:
            raise InvalidArgumentError(
                f"un_air_method must be one of {', '.join(METHODS)}, got {un_air_method!r}")
        self.un_air_method = un_air_method
        self.air_uncertainty = dict(air_uncertainty) if air_uncertainty else None
        self._memo: dict[str, Any] = {}
        # column codes shared by the views computed in one call (see _sharing_codes)
        self._codes: dict[Any, Any] = {}
        self._code_users = 0
        self._model: ReportModel | None = None
        from ..inventory import as_inventory, is_ledger

        self.ledger = inventory if is_ledger(inventory) else None
        self.inventory = as_inventory(inventory)
        self.targets: tuple[Any, ...] = as_targets(targets)
        self.scenarios: tuple[Any, ...] = as_scenarios(scenarios)
        if isinstance(entities, pd.DataFrame):
            from ..entities import Entities

            entities = Entities.from_frame(entities)
        self.entities = entities
        self.budget = budget
        self.headcount = headcount
        self.title = title or "Greenhouse-gas emissions report"
        data = inventory.data
        years = pd.to_numeric(data["year"], errors="coerce").dropna().unique() \
            if "year" in data else []
        self.years: list[int] = sorted(int(y) for y in years)  # distinct years only
        self.year: int | None = int(year) if year is not None else (
            self.years[-1] if self.years else None)

    @contextlib.contextmanager
    def _sharing_codes(self) -> Iterator[None]:
        """The views computed inside share their column codes (and the air rows ...);
        once the outermost of them returns, the store is emptied, so that a report keeps
        no frame or codes of the inventory beyond its views' results."""
        self._code_users += 1
        try:
            with kept_in(self._codes):
                yield
        finally:
            self._code_users -= 1
            if not self._code_users:
                self._codes.clear()

    # ------------------------------------------------------------------ basics
    @property
    def data(self) -> pd.DataFrame:
        """The inventory rows (``Inventory.data``)."""
        return self.inventory.data

    @cached_property
    def entity_names(self) -> dict[str, str]:
        """Entity id -> name (ids themselves when no tree was given)."""
        names: dict[str, str] = {}
        if self.entities is not None and hasattr(self.entities, "to_frame"):
            frame = self.entities.to_frame()
            names = dict(zip(frame["id"].astype(str), frame["name"].astype(str), strict=True))
        return names

    @cached_property
    def _headcount(self) -> pd.Series:
        return tables.headcount_by_year(self.headcount, self.entities)

    def _rows(self, years: int | Sequence[int] | str | None) -> pd.DataFrame:
        """Rows of ``years`` (None: the reporting year, selected once per report), in the
        columns the views of a year read (:data:`YEAR_VIEW_COLUMNS`): a wide log's other
        columns are not gathered."""
        if years is not None:
            return tables.select_years(self._year_view_columns, years)
        if "reporting_year" not in self._memo:
            self._memo["reporting_year"] = tables.select_years(self._year_view_columns,
                                                               self.year)
        return self._memo["reporting_year"]

    @cached_property
    def _year_view_columns(self) -> pd.DataFrame:
        return self.data[[c for c in YEAR_VIEW_COLUMNS if c in self.data.columns]]

    def period(self) -> str:
        """Years on file as text ("2010–2024")."""
        return tables.period_text(self.years)

    # ------------------------------------------------------------------ views
    @_memo
    def summary(self) -> pd.DataFrame:
        """Totals by scope and category, Kyoto total, air with and without RF, UN view.

        Returns
        -------
        DataFrame
            ``section``, ``key``, ``item``, ``unit``, one column per year and
            ``all_years`` (see :func:`sem_carbon.report.tables.summary_table`); per-capita
            lines when a headcount is known.
        """
        summary = tables.summary_table(self.data, self._headcount)
        views = self._air
        if views and self.un_air_method != "desnz":
            summary = air_methods.apply_un_air(summary, views["un_view"], self.un_air_method)
        return summary

    def air_methods(self) -> dict[str, Any]:
        """Air by the three methods: the UN-inventory view with its band, per year, per
        entity, per leg, and each target's verdict under every method.

        Returns
        -------
        dict
            Empty without air legs; else ``comparison`` (AirComparison), ``un_view``
            (per year), ``entities`` (reporting year), ``legs`` (every leg), ``band``
            (reporting year, dict), ``verdicts`` (per target), ``note`` (the
            load-factor break note, "" if none) and ``restated`` (air per year restated
            with the newest DESNZ edition outside the break, when the series crosses it).
            See :mod:`sem_carbon.report.air_methods`.
        """
        views = self._air
        if views:  # the full leg table, sorted when first read
            views = {**{k: views[k] for k in ("comparison", "un_view", "entities")},
                     "legs": self._legs,
                     **{k: v for k, v in views.items() if k not in ("top_legs", "n_legs")}}
        return {k: v.copy() if isinstance(v, pd.DataFrame) else v for k, v in views.items()}

    @cached_property
    @_coded
    def _legs(self) -> pd.DataFrame:
        """Every air leg, largest first (:func:`~sem_carbon.report.air_methods.leg_table`):
        sorted only when read (the workbook, :meth:`air_methods`); the other formats show
        the largest few (``_air["top_legs"]``)."""
        views = self._air
        return air_methods.leg_table(self.data, views["comparison"]) if views \
            else pd.DataFrame()

    @_coded
    def _largest_legs(self, n: int) -> pd.DataFrame:
        """The first ``n`` rows of ``_legs`` without sorting every leg (a partition, then a
        sort of those; the same rows as the head of the stable sort)."""
        views = self._air
        return air_methods.leg_table(self.data, views["comparison"], n) if views \
            else pd.DataFrame()

    @cached_property
    @_coded
    def _air(self) -> dict[str, Any]:
        """:meth:`air_methods` without the full leg table (see ``_legs``) but with the
        largest legs (``top_legs``, what HTML, JSON and Markdown show), computed once and
        shared uncopied by the views of this report (they only read it)."""
        from .model import MAX_LEGS_SHOWN

        central = self.un_air_method
        comparison = air_methods.air_comparison_of(self.data, central, self.air_uncertainty)
        if comparison is None:
            return {}
        by_year = air_methods.un_view_by_year(self.data, comparison)
        labels = [tables.target_label(t) for t in self.targets]
        note = air_methods.air_trend_note(self.data)
        edition = air_methods.restate_edition() if note else ""
        return {
            "comparison": comparison, "un_view": by_year,
            "entities": air_methods.entity_band(self.data, comparison, self.year,
                                                self.entity_names),
            "top_legs": air_methods.leg_table(self.data, comparison, MAX_LEGS_SHOWN),
            "n_legs": len(comparison.legs),
            "band": air_methods.report_band(by_year, self.year),
            "verdicts": air_methods.target_verdicts(self.data, comparison, self.targets,
                                                    labels),
            "note": note, "legs_note": comparison.note,
            "restated": air_methods.restated_air(self.data, edition) if edition
            else pd.DataFrame()}

    @_memo
    def by_scope_category(self) -> pd.DataFrame:
        """tCO2e per scope and category and year, with totals and shares."""
        return tables.by_scope_category(self.data)

    def _status_for(self, by: str | None) -> list[pd.DataFrame]:
        if not self.targets:
            return []
        from ..targets import target_status

        headcount = self.headcount if isinstance(self.headcount, pd.DataFrame) \
            and {"entity", "year", "headcount"} <= set(self.headcount.columns) else None
        return [target_status(self.inventory, target, by=by, entities=self.entities,
                              budget=self.budget, headcount=headcount).reset_index(drop=True)
                for target in self.targets]

    @cached_property
    @_coded
    def _status(self) -> list[pd.DataFrame]:
        return self._status_for("entity")

    @cached_property
    @_coded
    def _overall(self) -> list[pd.DataFrame]:
        return self._status_for(None)

    def target_status(self, k: int = 0) -> pd.DataFrame:
        """Status per entity of target ``k`` (0-based), as ``sem_carbon.target_status``."""
        return self._status[k].copy()

    def entities_vs_target(self) -> pd.DataFrame:
        """Every entity against every target, with met / not met and budget divergence.

        Returns
        -------
        DataFrame
            The columns of ``sem_carbon.target_status`` (``target_name``, ``entity``,
            ``name``, ``kind``, ``depth``, ``baseline``, ``actual``, ``target``,
            ``change_pct``, ``met``, ``gap`` and, with a budget, ``budget_*``,
            ``divergent`` and ``divergence``), one block per target; empty without targets.
        """
        from .model import entities_vs_target

        return entities_vs_target(self._status)

    @cached_property
    @_coded
    def _scenario_status(self) -> list[tuple[int, Any, pd.DataFrame]]:
        from ..targets.scenarios import scenario_status

        out = []
        for k, target in enumerate(self.targets, 1):
            if getattr(target, "metric", "co2e") != "co2e":
                continue  # levers change emissions; a budget target has no carbon path
            for scenario in self.scenarios:
                out.append((k, scenario, scenario_status(
                    self.inventory, target, scenario, entities=self.entities)))
        return out

    def scenario_status(self) -> list[tuple[int, Any, pd.DataFrame]]:
        """Each scenario against each CO2e target, per entity.

        Returns
        -------
        list of (int, Scenario, DataFrame)
            The target's number (1-based), the scenario, and
            :func:`sem_carbon.targets.scenario_status` of it (levers applied to the target
            year's rows, recomputed with each row's own edition).
        """
        return [(k, sc, frame.copy()) for k, sc, frame in self._scenario_status]

    @_memo
    def allotments(self) -> pd.DataFrame:
        """Carbon allotments of the reporting year per entity, for a report of a ledger.

        Returns
        -------
        DataFrame
            :func:`sem_carbon.allotment_status` of the ledger for the reporting year
            (allotment, actual, committed, remaining, projected [tCO2e], alert ...), plus
            ``projected_pct`` [%] of the allotment; empty when the report is not built
            from a :class:`~sem_carbon.Ledger` or the ledger has no allotment that year.
        """
        if self.ledger is None or self.year is None:
            return pd.DataFrame()
        from ..allotments import allotment_status, allotments

        if allotments(self.ledger, self.year).empty:
            return pd.DataFrame()
        status = allotment_status(self.ledger, self.year, entities=self.entities)
        status["projected_pct"] = pd.to_numeric(status["projected_share"],
                                                errors="coerce") * 100.0
        status["alert_text"] = np.where(status["alert"].astype(bool),
                                        "projected over", "")
        return status.reset_index(drop=True)

    @_memo
    def targets_overview(self) -> pd.DataFrame:
        """One row per target with the organisation-wide figures.

        Returns
        -------
        DataFrame
            ``k`` (1-based), ``label``, ``metric``, ``categories``, ``baseline_year``,
            ``target_year``, ``reduction_pct``, ``baseline``, ``target``, ``actual``
            [tCO2e], ``change_pct``, ``met``, ``target_met`` (verdict of the target's own
            metric), ``entities_met``, ``entities_assessed`` (entities of the tree with a
            baseline, root and pseudo-entities left out) and, with a budget,
            ``budget_baseline``, ``budget_actual``, ``budget_change_pct``, ``budget_met``,
            ``entities_divergent``.
        """
        rows = []
        for k, (target, status, overall) in enumerate(
                zip(self.targets, self._status, self._overall, strict=True), 1):
            total = overall.iloc[0] if len(overall) else pd.Series(dtype=object)
            assessed = _assessed(status)
            row = {
                "k": k, "label": tables.target_label(target),
                "metric": getattr(target, "metric", "co2e"),
                "categories": ", ".join(getattr(target, "categories", ()) or ()) or "all",
                "baseline_year": int(target.baseline_year),
                "target_year": int(target.target_year),
                "reduction_pct": float(target.reduction) * 100.0,
                **{key: finite(total.get(key))
                   for key in ("baseline", "target", "actual", "change_pct")},
                "met": truth(total.get("met")),
                "target_met": truth(total.get("target_met", total.get("met"))),
                "entities_met": int(assessed["met"].fillna(False).astype(bool).sum()),
                "entities_assessed": len(assessed),
            }
            if "budget_change_pct" in status.columns:
                row["budget_currency"] = str(total.get("budget_currency", "") or "")
                row.update({key: finite(total.get(key)) for key in (
                    "budget_baseline", "budget_actual", "budget_change_pct")})
                row["budget_met"] = truth(total.get("budget_met"))
                row["entities_budget_met"], row["entities_divergent"] = (
                    int(assessed[c].fillna(False).astype(bool).sum())
                    for c in ("budget_met", "divergent"))
            rows.append(row)
        return pd.DataFrame(rows)

    @_memo
    def trend(self) -> pd.DataFrame:
        """Totals per year since the first year on file, with each target's path.

        See :func:`sem_carbon.report.tables.trend`; the baseline of each CO2e target is the
        organisation-wide baseline from its target status.
        """
        baselines = [finite(overall["baseline"].iloc[0]) if len(overall) else None
                     for overall in self._overall]
        return tables.trend(self.data, self.targets, baselines, self.summary())

    @_coded
    def top_routes(self, n: int = 15, years: int | Sequence[int] | str | None = None
                   ) -> pd.DataFrame:
        """Air routes by tCO2e.

        Parameters
        ----------
        n : int, default 15
            How many routes.
        years : int, sequence of int or "all", optional
            Years covered; default the reporting year.
        """
        return tables.top_routes(self._rows(years), n)

    @_coded
    def hotspots(self, n: int = 15, years: int | Sequence[int] | str | None = None
                 ) -> pd.DataFrame:
        """Largest entity x category cells.

        Parameters
        ----------
        n : int, default 15
            How many cells.
        years : int, sequence of int or "all", optional
            Years covered; default the reporting year.
        """
        return tables.hotspots(self._rows(years), n,
                               self.entity_names)

    @_coded
    def entity_totals(self, years: int | Sequence[int] | str | None = None) -> pd.DataFrame:
        """tCO2e per entity (own activity only), with names."""
        data = self._rows(years)
        if data.empty:
            return pd.DataFrame(columns=["entity", "name", "tco2e"])
        if "entity" in data.columns:  # the entity's text, worked out per distinct value
            codes, labels = text_codes(data, "entity")
        else:  # no entity column: one entity ""
            codes, labels = np.zeros(len(data), dtype=np.intp), [""]
        kg = pd.to_numeric(data["co2e_kg"], errors="coerce").to_numpy(dtype=float)
        known = codes >= 0  # a missing entity is in no entity's total
        sums = pd.Series(kg[known]).groupby(codes[known]).sum() / 1000.0
        out = pd.DataFrame({"entity": pd.array([labels[i] for i in sums.index], dtype="str"),
                            "tco2e": sums.to_numpy()})
        out.insert(1, "name", tables.names_of(out["entity"], self.entity_names))
        return out.sort_values(["tco2e", "entity"], ascending=[False, True],
                               kind="mergesort").reset_index(drop=True)

    @_memo
    def reconciliation(self) -> pd.DataFrame:
        """Rows read, computed and rejected per table (``Inventory.reconciliation``)."""
        rec = self.inventory.reconciliation()
        if rec.empty:
            return pd.DataFrame(columns=["table", "rows_read", "rows_computed", "rows_rejected"])
        return rec.sort_values("table").reset_index(drop=True)

    @_memo
    def data_quality(self) -> dict[str, pd.DataFrame]:
        """Data-quality tables.

        Returns
        -------
        dict of str to DataFrame
            ``reconciliation`` (rows read / computed / rejected per table), ``coverage``
            (years with data per table), ``rejected``
            (every rejected row with its reason), ``rejected_reasons`` (counts per
            reason), ``fallbacks`` (rows with a non-empty note, grouped by note),
            ``methods`` (rows and tCO2e per method), ``refunds`` (netted refunds:
            counts and amounts per table), ``other_editions`` (rows per year
            whose category came from another edition than the year's own), ``flags``
            (rows per data-quality flag: duplicates kept, month-only dates, UK factors
            abroad, corrected airport positions ..., and refunds netted out).
        """
        return {
            "reconciliation": self.reconciliation(),
            "flags": tables.flags(self.data, self.inventory.rejected),
            "coverage": tables.coverage(self.data),
            "other_editions": tables.other_editions(self.data),
            "rejected": tables.rejected_rows(self.inventory.rejected),
            "refunds": tables.refunds(self.inventory.rejected),
            "rejected_reasons": tables.rejected_reasons(self.inventory.rejected),
            "fallbacks": tables.fallbacks(self.data),
            "methods": tables.methods(self.data),
        }

    @cached_property
    def _editions(self) -> pd.DataFrame:
        editions = self.inventory.editions()
        cols = ["id", "publisher", "year", "source", "licence", "rows", "sha256"]
        if editions.empty:
            return pd.DataFrame(columns=[*cols, "rf_multiplier"])
        editions = editions.reindex(columns=cols).copy()
        editions["rf_multiplier"] = editions["id"].map(tables._rf_multiplier_of)
        return editions.sort_values("id").reset_index(drop=True)

    def methodology(self) -> pd.DataFrame:
        """Every factor edition used: id, publisher, year, source, licence, rows, RF multiplier."""
        return self._editions.copy()

    @_memo
    def parameters(self) -> pd.DataFrame:
        """Method parameters: haul rule, radiative forcing and multipliers, uplift, editions."""
        return tables.parameters(self.data, self._editions)

    @_memo
    def kpis(self) -> list[dict[str, Any]]:
        """Headline figures for the reporting year (the HTML KPI strip and the JSON).

        Returns
        -------
        list of dict
            ``key``, ``label``, ``value`` (float or None), ``unit``, ``detail`` (text).
        """
        summary = self.summary()
        y = str(self.year) if self.year is not None else "all_years"
        col = y if y in summary.columns else "all_years"

        def line(key: str) -> float:
            hit = summary.loc[summary["key"] == key, col]
            return float(hit.iloc[0]) if len(hit) else float("nan")

        total, air_rf = line("kyoto_total"), line("air_with_rf")
        out: list[dict[str, Any]] = [
            {"key": "kyoto_total", "label": f"Total emissions {col.replace('_', ' ')}",
             "value": total, "unit": "tCO2e",  # the item says how air counts in the total
             "detail": str(summary.loc[summary["key"] == "kyoto_total", "item"].iloc[0])},
            {"key": "un_inventory_total", "label": "UN-inventory view",
             "value": line("un_inventory_total"), "unit": "tCO2e",
             "detail": self._un_detail(line("memo_hotels"))},
            {"key": "air_share", "label": "Air travel share",
             "value": air_rf / total * 100.0 if total else None, "unit": "%",
             "detail": f"{air_rf:,.1f} t with RF · {line('air_without_rf'):,.1f} t without"},
        ]
        per_capita = line("kyoto_total_per_capita")
        if np.isfinite(per_capita):
            out.append({"key": "per_capita", "label": "Per person", "value": per_capita,
                        "unit": "tCO2e/person", "detail": f"{line('headcount'):,.0f} persons"})
        overview = self.targets_overview()
        if len(overview):
            first = overview.iloc[0]
            out.append({
                "key": "target", "label": f"Target {first['label']}",
                "value": finite(first["change_pct"]), "unit": "%",
                "detail": ("met" if first["met"] else "not met")
                + f" (goal −{first['reduction_pct']:g}%); "
                + f"{int(first['entities_met'])} of {int(first['entities_assessed'])} "
                  "entities met it"})
        rec = self.reconciliation()
        read, rejected = (tables.column_sum(rec, c) for c in ("rows_read", "rows_rejected"))
        out.append({"key": "rejected_rows", "label": "Rows rejected",
                    "value": float(rejected), "unit": "rows",
                    "detail": f"of {read:,.0f} read ({rejected / read * 100 if read else 0:.1f}%)"
                              "; see data quality"})
        return out

    def _un_detail(self, hotels_t: float) -> str:
        """How the UN-inventory KPI counts air, with the band of the reporting year."""
        views = self._air
        if not views or self.un_air_method == "desnz":
            return f"air without RF, excl. hotels ({hotels_t:,.1f} t memo)"
        band = views["band"]
        return (f"air by the {air_methods.METHOD_LABEL[self.un_air_method]} (CO2 only), "
                f"band {band['un_low_tco2e']:,.1f}–{band['un_high_tco2e']:,.1f} t across "
                f"air methods; excl. hotels ({hotels_t:,.1f} t memo)")

    # ------------------------------------------------------------------ model
    @_coded
    def model(self, timestamp: str | None = None) -> ReportModel:
        """Every table and figure of the report, computed once (what the exports render).

        Parameters
        ----------
        timestamp : str, optional
            Stored as ``generated_at`` (shown by HTML, Markdown and JSON) when given.

        Returns
        -------
        ReportModel
            Frozen; the HTML, Markdown, JSON and Excel renderers take nothing else.
        """
        if self._model is None:
            from .model import build_model

            self._model = build_model(self)
        return self._model.stamped(timestamp)

    def figures(self) -> dict[str, Figure]:
        """matplotlib figures: ``by_entity``, ``by_category``, ``trend``.

        Returns
        -------
        dict of str to matplotlib.figure.Figure
        """
        from .charts import figures

        return figures(self.model())

    # ------------------------------------------------------------------ exports
    def _stamped(self, timestamp: str | None) -> ReportModel:
        """The model stamped with ``timestamp`` (default: the time of the run)."""
        from ..stamps import resolve_timestamp

        return self.model(resolve_timestamp(timestamp))

    def to_markdown(self, path: str | os.PathLike[str] | None = None,
                    timestamp: str | None = None) -> str | Path:
        """The report as Markdown (GitHub tables; text escaped): returned, or written to
        ``path`` as :meth:`to_html` and :meth:`to_json` write theirs.

        ``to_markdown()`` returns the text; ``to_markdown("report.md")`` or
        ``to_markdown(Path("report"))`` writes the file. The first argument is the path
        when it is an :class:`os.PathLike` or a str ending in ``.md`` or ``.markdown`` (any
        case); any other value there is the time stamp, as the first parameter of earlier
        versions (``to_markdown("2025-01-31T09:00:00Z")`` still returns the text). A file
        of another name is written with a :class:`pathlib.Path`.

        Parameters
        ----------
        path : path-like, optional
            The file to write (UTF-8, written whole or not at all); default: none, the
            text is returned.
        timestamp : str, optional
            Time stamp written at the end (default: the time of the run; see
            :func:`sem_carbon.stamps.resolve_timestamp`).

        Returns
        -------
        str or Path
            The Markdown text without a path; the path written with one.

        Raises
        ------
        InvalidArgumentError
            A first argument that is neither a Markdown path nor a time stamp, or a time
            stamp given twice (first and as ``timestamp=``).
        """
        from .markdown import render_markdown

        if path is None or _is_markdown_path(path):
            text = render_markdown(self._stamped(timestamp))
            if path is None:
                return text
            from ..io.writers import atomic_write_text

            return atomic_write_text(path, text)
        if timestamp is not None:
            raise InvalidArgumentError(
                f"to_markdown: the path {path!r} does not end in .md, and timestamp= is given "
                "too; name the file *.md or pass a pathlib.Path")
        try:  # to_markdown(timestamp), as in earlier versions
            stamped = self._stamped(path)  # type: ignore[arg-type]
        except InvalidArgumentError as exc:
            raise InvalidArgumentError(
                f"to_markdown: {path!r} is neither a Markdown path (a str ending in .md, or a "
                f"pathlib.Path) nor a time stamp: {exc}") from None
        return render_markdown(stamped)

    def to_html(self, path: str | os.PathLike[str], timestamp: str | None = None) -> Path:
        """Write one self-contained HTML file (inline CSS and SVG charts, print-ready).

        Parameters
        ----------
        path : path-like
        timestamp : str, optional
            Shown in the footer; default: the time of the run (``SOURCE_DATE_EPOCH`` when
            set). Pass a fixed one to get the same bytes from the same input.

        Returns
        -------
        Path
        """
        from ..io.writers import atomic_write_text
        from .html import render_html

        return atomic_write_text(path, render_html(self._stamped(timestamp)))

    def to_excel(self, path: str | os.PathLike[str], timestamp: str | None = None, *,
                 max_rows: int | None = None, traveller_names: bool = False) -> Path:
        """Write an Excel workbook: a cover sheet (headline figures, methods, stamps), native
        charts, then summary, entities_vs_target, scenarios, trend ..., activities, the
        data-quality tables and the methodology.

        Parameters
        ----------
        path : path-like
        timestamp : str, optional
            Creation time of the workbook (default: the time of the run).
        max_rows : int, optional
            Rows of the activities sheet (default
            :data:`sem_carbon.report.excel.MAX_ACTIVITY_ROWS`); the cover says when rows
            were left out and where all of them are (the Parquet / CSV inventory).
        traveller_names : bool, default False
            Write traveller names as given; by default they are pseudonymised
            (``traveller-<hash>``, the same name always giving the same pseudonym).

        Returns
        -------
        Path
        """
        from .excel import write_excel

        return write_excel(self._stamped(timestamp), path, max_rows=max_rows,
                           traveller_names=traveller_names)

    def to_json(self, path: str | os.PathLike[str], timestamp: str | None = None) -> Path:
        """Write the report as JSON (sorted keys, fixed float format).

        Parameters
        ----------
        path : path-like
        timestamp : str, optional
            Stored as ``generated_at``; default: the time of the run. With a fixed
            timestamp the same input gives the same bytes.

        Returns
        -------
        Path
        """
        from ..io.writers import atomic_write_text
        from .jsonout import render_json

        return atomic_write_text(path, render_json(self._stamped(timestamp)))

    def to_dict(self, timestamp: str | None = None) -> dict[str, Any]:
        """Plain-data view of the whole report (what :meth:`to_json` writes)."""
        from .jsonout import report_dict

        return report_dict(self.model(timestamp))

    def __repr__(self) -> str:
        return (f"<Report {self.title!r}: {len(self.data)} rows, {self.period()}, "
                f"{len(self.targets)} target(s)>")


#: File name endings of a Markdown path given as a str (see :meth:`Report.to_markdown`).
MARKDOWN_SUFFIXES = (".md", ".markdown")


def _is_markdown_path(value: object) -> bool:
    """True for a path :meth:`Report.to_markdown` writes: any path-like, or a str with a
    Markdown ending (a str without one is the time stamp of earlier versions)."""
    if isinstance(value, str):
        return value.strip().lower().endswith(MARKDOWN_SUFFIXES)
    return isinstance(value, os.PathLike)


def _assessed(status: pd.DataFrame) -> pd.DataFrame:
    """Entities whose verdict counts: real entities with a baseline, below the root."""
    keep = pd.Series(True, index=status.index)
    if "assigned" in status.columns:
        keep &= status["assigned"].fillna(True).astype(bool)
    if "depth" in status.columns and (status["depth"] > 0).any():
        keep &= status["depth"] > 0
    keep &= pd.to_numeric(status["baseline"], errors="coerce").fillna(0) > 0
    return status[keep]


def as_scenarios(scenarios: Any) -> tuple[Any, ...]:
    """Normalise ``scenarios`` (None, a Scenario, a Lever, an iterable) to Scenarios."""
    if scenarios is None:
        return ()
    from ..targets.scenarios import Lever, Scenario

    if isinstance(scenarios, (Scenario, Lever)):
        scenarios = (scenarios,)
    return tuple(s if isinstance(s, Scenario) else Scenario(s) for s in scenarios)


def as_targets(targets: Any) -> tuple[Any, ...]:
    """Normalise ``targets`` (None, one Target, an iterable) to a tuple."""
    if targets is None:
        return ()
    if hasattr(targets, "baseline_year"):
        return (targets,)
    return tuple(targets) if isinstance(targets, Iterable) else (targets,)
