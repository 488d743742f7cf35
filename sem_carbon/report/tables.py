"""Report views as plain DataFrames (no formatting, no I/O).

Every function here takes the inventory's ``data`` (or the :class:`~sem_carbon.Inventory`)
and returns a new DataFrame in tCO2e, sorted deterministically, so the HTML, Excel, JSON
and Markdown writers all show the same numbers.

Air travel is shown twice: *with* radiative forcing (the Kyoto total of this library,
DESNZ's advice) and *without* (``co2e_kg - rf_kg``, as the UN inventory's ICAO calculator
reports it). For rows computed with RF off, the with-RF figure is rebuilt from the
CO2 component and the edition's RF multiplier (``co2 x (m - 1)`` added). The
*UN-inventory view* is the Kyoto total with air without RF and without hotel nights, which
are shown on a separate memo line (Greening the Blue boundary).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .column_codes import derived

__all__ = ["CATEGORY_LABELS", "CATEGORY_ORDER", "ROUTE_INPUT_COLUMNS", "TREND_LINES",
           "air_components", "by_scope_category", "category_label", "column_sum", "coverage",
           "fallbacks", "flags",
           "headcount_by_year", "hotspots", "kyoto_label", "methods", "names_of",
           "other_editions", "parameters", "period_text", "rejected_reasons", "rejected_rows",
           "rf_mode", "rf_used", "select_years", "summary_table", "target_label", "top_routes",
           "trend"]

#: Categories in reading order (travel first, then facilities).
CATEGORY_ORDER: tuple[str, ...] = ("air", "rail", "road", "hotel", "electricity", "td_losses",
                                   "fuel", "heat", "refrigerant", "water", "waste")
#: Human labels for the categories.
CATEGORY_LABELS: dict[str, str] = {
    "air": "Air travel", "rail": "Rail", "road": "Road", "hotel": "Hotel nights",
    "electricity": "Electricity", "td_losses": "Electricity T&D losses", "fuel": "Fuels",
    "heat": "Heat and steam", "refrigerant": "Refrigerants", "water": "Water",
    "waste": "Waste",
}
_SCOPE_LABELS = {1: "Scope 1", 2: "Scope 2", 3: "Scope 3"}


# ---------------------------------------------------------------------------- helpers
def _col(data: pd.DataFrame, name: str, default: Any = np.nan) -> pd.Series:
    if name in data.columns:
        return data[name]
    return pd.Series(default, index=data.index)


def _num(data: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_numeric(_col(data, name, 0.0), errors="coerce").fillna(0.0).astype(float)


def _text(data: pd.DataFrame, name: str) -> pd.Series:
    column = _col(data, name, "")
    if isinstance(column.dtype, pd.CategoricalDtype):
        # stay categorical: string work then runs once per category, not once per row
        categories = [("" if pd.isna(c) else str(c)) for c in column.cat.categories]
        if len(set(categories)) == len(categories):
            text = column.cat.rename_categories(categories)
            if text.isna().any():
                if "" not in categories:
                    text = text.cat.add_categories([""])
                text = text.fillna("")
            return text
    return column.fillna("").astype(str)


def _category_rank(categories: Iterable[str]) -> dict[str, int]:
    known = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    extra = sorted(set(categories) - set(known))
    return {**known, **{c: len(known) + i for i, c in enumerate(extra)}}


def category_label(category: str) -> str:
    """Readable name of a category (``"td_losses"`` -> ``"Electricity T&D losses"``)."""
    return CATEGORY_LABELS.get(category, str(category).replace("_", " ").capitalize())


def period_text(years: Sequence[int]) -> str:
    """Years on file as text ("2010–2024"; "no data" without years)."""
    if not len(years):
        return "no data"
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def column_sum(frame: pd.DataFrame, column: str) -> int:
    """Sum of a count column (0 when absent; non-numbers count 0)."""
    values = frame[column] if column in frame.columns else pd.Series(dtype=float)
    return int(pd.to_numeric(values, errors="coerce").fillna(0).sum())


def names_of(ids: pd.Series, names: Mapping[str, str] | None) -> pd.Series:
    """Entity names for ids (the id itself where no name is known)."""
    text = ids.astype(str)
    return text.replace(dict(names)) if names else text


def select_years(data: pd.DataFrame, years: int | Sequence[int] | str | None) -> pd.DataFrame:
    """Rows of ``data`` in ``years`` (an int, a list of ints, or ``None``/"all" for every row)."""
    if years is None or (isinstance(years, str) and years == "all"):
        return data
    wanted = [int(years)] if isinstance(years, (int, np.integer)) else [int(y) for y in years]
    return data[_col(data, "year", -1).isin(wanted)]


def _distinct(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes per row and the distinct texts (-1: missing): string work then runs once per
    distinct value, never once per row (a categorical's own codes are reused)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return (np.asarray(values.cat.codes, dtype=np.intp),
                ["" if pd.isna(c) else str(c) for c in values.cat.categories])
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.intp), [str(u) for u in uniques]


def _per_label(codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Rows (or summed ``weights``) per distinct value; code -1 (missing) is left out."""
    ok = codes >= 0
    return np.bincount(codes[ok], None if weights is None else weights[ok], minlength=n)


def _distinct_notes(data: pd.DataFrame) -> tuple[np.ndarray, pd.Series, np.ndarray, np.ndarray]:
    """The rows' notes as codes, the distinct notes, and rows and tCO2e per distinct note
    (once per frame for the views of a report; only read)."""
    def notes() -> tuple[np.ndarray, pd.Series, np.ndarray, np.ndarray]:
        codes, labels = _distinct(_text(data, "notes"))
        kg = _num(data, "co2e_kg").to_numpy()
        return (codes, pd.Series(labels, dtype=object), _per_label(codes, len(labels)),
                _per_label(codes, len(labels), kg / 1000.0))

    codes, labels, rows, tco2e = derived(data, "distinct_notes", notes)
    return codes, labels.copy(), rows, tco2e


@lru_cache(maxsize=64)
def _rf_multiplier_of(edition: str) -> float:
    """RF multiplier published with an edition (NaN when unknown or not an air edition)."""
    from ..errors import SemCarbonError
    from ..factors import load_factors

    try:
        value = load_factors(edition).metadata.get("rf_multiplier")
    except (SemCarbonError, OSError, ValueError):
        return float("nan")
    return float(value) if value is not None else float("nan")


def _edition_multipliers(data: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """The published RF multiplier of each selected row's edition (looked up per edition)."""
    codes, ids = _distinct(_text(data, "factor_id"))
    by_code = np.append(np.array([_rf_multiplier_of(i) for i in ids], dtype=float), np.nan)
    return by_code[codes[rows]]  # code -1 picks the trailing NaN


#: How a ``radiative_forcing`` cell reads (1 with RF, 0 without, -1 not recorded).
_FLAG_TEXT = {"true": 1, "1": 1, "1.0": 1, "false": 0, "0": 0, "0.0": 0, "": -1, "nan": -1,
              "none": -1, "<na>": -1}


def rf_used(data: pd.DataFrame) -> np.ndarray:
    """Per row: were with-RF air factors used? (False on non-air rows.)

    Read from the inventory's ``radiative_forcing`` provenance column (bools, or their text
    after a CSV round trip; read once per distinct value); rows without it (inventories
    written before it existed, or concatenated with such) fall back to ``rf_kg > 0``.

    Raises
    ------
    InputFormatError
        A ``radiative_forcing`` value that is neither true nor false.
    """
    def used() -> np.ndarray:  # read by several views of a report: computed once
        flags = _rf_used(data)
        flags.flags.writeable = False
        return flags

    return derived(data, "rf_used", used)


def _rf_used(data: pd.DataFrame) -> np.ndarray:
    is_air = (_text(data, "category") == "air").to_numpy(dtype=bool)
    by_rf = _num(data, "rf_kg").to_numpy() > 0
    if "radiative_forcing" not in data.columns:
        return is_air & by_rf
    codes, uniques = pd.factorize(data["radiative_forcing"], use_na_sentinel=True)
    unknown = [u for u in uniques if str(u).strip().lower() not in _FLAG_TEXT]
    if unknown:
        from ..errors import InputFormatError

        raise InputFormatError(f"column radiative_forcing: {unknown[0]!r} is neither true "
                               "nor false")
    flag = np.array([_FLAG_TEXT[str(u).strip().lower()] for u in uniques] + [-1])[codes]
    return is_air & np.where(flag < 0, by_rf, flag == 1)


def air_components(data: pd.DataFrame) -> pd.DataFrame:
    """Per-row air figures with and without radiative forcing, in kgCO2e.

    Parameters
    ----------
    data : DataFrame
        Inventory rows (any categories; non-air rows get zeros).

    Returns
    -------
    DataFrame
        Indexed like ``data``: ``is_air`` (bool), ``without_rf`` (``co2e_kg - rf_kg``),
        ``with_rf`` (``co2e_kg`` where with-RF factors were used, see :func:`rf_used`;
        ``co2e_kg + co2_kg x (m - 1)`` where they were not, ``m`` the RF multiplier
        published with the row's edition; NaN when ``m`` is unknown).
    """
    is_air = (_text(data, "category") == "air").to_numpy()
    co2e = _num(data, "co2e_kg").to_numpy()
    rf = _num(data, "rf_kg").to_numpy()
    without = np.where(is_air, co2e - rf, 0.0)
    rf_off = is_air & ~rf_used(data) & (rf == 0)
    with_rf = np.where(is_air, co2e, 0.0)
    if rf_off.any():
        mult = _edition_multipliers(data, rf_off)
        co2 = pd.to_numeric(_col(data, "co2_kg"), errors="coerce").to_numpy(dtype=float)[rf_off]
        with_rf[rf_off] = co2e[rf_off] + co2 * (mult - 1.0)
    return pd.DataFrame({"is_air": is_air, "without_rf": without, "with_rf": with_rf},
                        index=data.index)


def rf_mode(data: pd.DataFrame) -> str:
    """How air rows were computed: ``"on"``, ``"off"``, ``"mixed"`` or ``"n/a"`` (no air)."""
    air = (_text(data, "category") == "air").to_numpy(dtype=bool)
    if not air.any():
        return "n/a"
    on = rf_used(data)[air]
    return "on" if on.all() else "off" if not on.any() else "mixed"


def kyoto_label(data: pd.DataFrame) -> str:
    """Name of the Kyoto total, saying how air travel is counted in it."""
    return {"on": "Kyoto total (air with RF)", "off": "Kyoto total (air without RF)",
            "mixed": "Kyoto total (air partly with RF)"}.get(rf_mode(data), "Kyoto total")


def headcount_by_year(headcount: Any, entities: Any = None) -> pd.Series:
    """Organisation headcount per year as a float Series indexed by year.

    Parameters
    ----------
    headcount : number, mapping, Series or DataFrame, optional
        A constant; ``{year: persons}``; a Series indexed by year; or a table with
        ``year`` and ``headcount`` (alias ``persons``, ``staff``, ``fte``) columns and
        optionally ``entity`` (each entity's *own* staff, as in
        :attr:`sem_carbon.Entities.headcount`: the rows of a year are added up).
    entities : Entities, optional
        Used when ``headcount`` is None and the tree carries a headcount.

    Returns
    -------
    Series
        Empty when ``headcount`` is None.
    """
    if headcount is None:
        headcount = getattr(entities, "headcount", None)
    if headcount is None:
        return pd.Series(dtype=float)
    if isinstance(headcount, (int, float, np.integer, np.floating)):
        return pd.Series({"*": float(headcount)}, dtype=float)
    if isinstance(headcount, Mapping):
        return pd.Series({int(k): float(v) for k, v in headcount.items()}, dtype=float)
    if isinstance(headcount, pd.Series):
        return pd.Series(headcount.to_numpy(dtype=float),
                         index=headcount.index.astype(int)).sort_index()
    frame = pd.DataFrame(headcount)
    value_col = next((c for c in ("headcount", "persons", "staff", "fte", "personnel")
                      if c in frame.columns), None)
    if value_col is None or "year" not in frame.columns:
        from ..errors import InputFormatError

        raise InputFormatError("headcount needs 'year' and 'headcount' columns, got "
                               + ", ".join(map(str, frame.columns)))
    frame = frame.assign(year=pd.to_numeric(frame["year"], errors="coerce"),
                         value=pd.to_numeric(frame[value_col], errors="coerce"))
    frame = frame.dropna(subset=["year", "value"])
    out = frame.groupby(frame["year"].astype(int))["value"].sum().astype(float)
    out.index.name = None
    return out


def _headcount_for(hc: pd.Series, years: Sequence[int]) -> pd.Series:
    if hc.empty:
        return pd.Series(np.nan, index=list(years), dtype=float)
    if "*" in hc.index:
        return pd.Series(float(hc["*"]), index=list(years), dtype=float)
    return hc.reindex(list(years)).astype(float)


# ---------------------------------------------------------------------------- summary
def summary_table(data: pd.DataFrame, headcount: pd.Series | None = None) -> pd.DataFrame:
    """Headline totals per year and over the whole period.

    Parameters
    ----------
    data : DataFrame
        Inventory rows.
    headcount : Series, optional
        Persons per year (from :func:`headcount_by_year`), for per-capita lines.

    Returns
    -------
    DataFrame
        Columns ``section``, ``key``, ``item``, ``unit``, one column per year (``"2019"``
        ...) and ``all_years``. Sections: ``scope``, ``category``, ``total`` (Kyoto total),
        ``air`` (with RF, without RF, RF share), ``un_inventory`` (total without RF and
        hotels; hotels as memo), ``memo`` (Montreal-Protocol refrigerants, biogenic CO2)
        and ``per_capita`` (when a headcount is known).
    """
    years = sorted(int(y) for y in pd.unique(_col(data, "year").dropna()))
    year_of = pd.to_numeric(_col(data, "year"), errors="coerce")
    co2e = _num(data, "co2e_kg")
    air = air_components(data)
    category = _text(data, "category")
    hotel = (category == "hotel").to_numpy()
    un_view = co2e.to_numpy() - _num(data, "rf_kg").where(air["is_air"], 0.0).to_numpy()
    un_view = np.where(hotel, 0.0, un_view)
    per_row = {
        "kyoto": co2e.to_numpy(),
        "air_rf": air["with_rf"].to_numpy(),
        "air_no_rf": air["without_rf"].to_numpy(),
        "rf": np.where(air["is_air"], air["with_rf"] - air["without_rf"], 0.0),
        "un": un_view,
        "hotel": np.where(hotel, co2e.to_numpy(), 0.0),
        "memo": _num(data, "memo_co2e_kg").to_numpy(),
        "biogenic": _num(data, "biogenic_co2_kg").to_numpy(),
    }
    per_line = pd.DataFrame(per_row, index=data.index)  # one block: grouped at once below
    scope = pd.to_numeric(_col(data, "scope"), errors="coerce")

    # the year column factorised once: eight totals group by it (the same sums per group)
    year_codes, year_values = pd.factorize(year_of.to_numpy(), use_na_sentinel=True)
    # ... in one grouping: each column's per-group sum is the same (pandas sums a block
    # column by column, in row order), the year codes are hashed once, not per line
    line_sums = per_line.groupby(year_codes).sum()

    def totals(values: pd.Series, by: pd.Series | None = None, line: bool = False
               ) -> pd.DataFrame:
        if by is None:  # line: values is the column of per_row of its name
            sums = line_sums[values.name] if line else values.groupby(year_codes).sum()
            sums = sums[sums.index >= 0]  # rows without a year: in no year (as groupby drops)
            by_year = pd.Series(sums.to_numpy(), index=year_values[sums.index.to_numpy()])
            wide = pd.DataFrame([by_year.reindex(years, fill_value=0.0).to_numpy()],
                                columns=years)
            wide["all_years"] = float(values.sum())
            return wide / 1000.0
        # one integer key per (by, year) cell: the sums are pandas' per group, in row
        # order (the same figures as grouping by the two columns), without a MultiIndex
        by_codes, by_values = pd.factorize(by, use_na_sentinel=True)
        known = (by_codes >= 0) & (year_codes >= 0)  # as groupby: no group without a key
        cell = by_codes[known].astype(np.int64) * len(year_values) + year_codes[known]
        sums = values[known].groupby(cell).sum()
        cells = sums.index.to_numpy()
        order = np.argsort(np.asarray(by_values, dtype=object)) if len(by_values) else []
        labels = pd.Index(by_values).take(order)  # sorted, as groupby sorts its keys
        row_of = np.empty(len(by_values), dtype=np.intp)
        row_of[order] = np.arange(len(order))
        col_of = {i: years.index(int(y)) for i, y in enumerate(year_values)
                  if float(y) == int(y) and int(y) in years}  # as reindex(columns=years)
        sum_grid = np.zeros((len(labels), len(years)))
        count_grid = np.zeros((len(labels), len(years)), dtype=np.int64)
        rows = row_of[cells // len(year_values)]
        column_of_year = np.array([col_of.get(i, -1) for i in range(len(year_values))],
                                  dtype=np.intp)
        cols = column_of_year[cells % len(year_values)]
        shown = cols >= 0
        sum_grid[rows[shown], cols[shown]] = sums.to_numpy()[shown]
        count_grid[rows[shown], cols[shown]] = np.bincount(
            cell, minlength=len(by_values) * len(year_values))[cells[shown]]
        present = pd.DataFrame(count_grid, index=labels, columns=years)
        sum_grid = sum_grid[np.unique(rows)] if len(rows) else sum_grid[:0]
        present = present.iloc[np.unique(rows)] if len(rows) else present.iloc[:0]
        grid = pd.DataFrame(sum_grid, index=present.index, columns=years)
        grid["all_years"] = grid.sum(axis=1)
        grid[years] = grid[years].where(present > 0)  # no rows that year: no data, not zero
        return grid / 1000.0

    blocks: list[pd.DataFrame] = []

    def add(section: str, key: str, item: str, unit: str, values: pd.DataFrame) -> None:
        row = values.reset_index(drop=True).iloc[[0]].copy()
        row.insert(0, "unit", unit)
        row.insert(0, "item", item)
        row.insert(0, "key", key)
        row.insert(0, "section", section)
        blocks.append(row)

    by_scope = totals(per_line["kyoto"], scope)
    # a scope without any row has no data, as a scope without rows in one year: "–", not 0
    no_rows = pd.DataFrame([np.full(len(years), np.nan)], columns=years)
    no_rows["all_years"] = np.nan
    for scope in (1, 2, 3):
        values = by_scope.loc[[scope]] if scope in by_scope.index else no_rows
        add("scope", f"scope{scope}", _SCOPE_LABELS[scope], "tCO2e", values)
    by_cat = totals(per_line["kyoto"], category)
    rank = _category_rank(by_cat.index)
    for cat in sorted(by_cat.index, key=lambda c: rank[c]):
        add("category", cat, category_label(cat), "tCO2e", by_cat.loc[[cat]])
    lines = [("total", "kyoto_total", kyoto_label(data), "kyoto"),
             ("air", "air_with_rf", "Air travel with radiative forcing", "air_rf"),
             ("air", "air_without_rf", "Air travel without radiative forcing", "air_no_rf"),
             ("air", "rf_share", "of which radiative forcing (non-CO2 effects)", "rf"),
             ("un_inventory", "un_inventory_total",
              "UN-inventory view: total with air without RF, excluding hotel nights", "un"),
             ("un_inventory", "memo_hotels",
              "Memo: hotel nights (outside the UN-inventory view)", "hotel"),
             ("memo", "memo_montreal", "Memo: Montreal-Protocol refrigerants (outside Kyoto)",
              "memo"),
             ("memo", "biogenic_co2", "Memo: biogenic CO2 (outside the scopes)", "biogenic")]
    for section, key, item, column in lines:
        if section != "memo" or per_line[column].abs().sum() > 0:  # memo lines only when used
            add(section, key, item, "tCO2e", totals(per_line[column], line=True))
    out = pd.concat(blocks, ignore_index=True)
    if headcount is not None and not headcount.empty:
        persons = _headcount_for(headcount, years)
        head = pd.DataFrame([persons.to_numpy()], columns=years)
        head["all_years"] = np.nan
        add("per_capita", "headcount", "Headcount", "persons", head)
        for key, label in (("kyoto_total", "Kyoto total per person"),
                           ("un_inventory_total", "UN-inventory view per person")):
            values = out.loc[out["key"] == key, years].reset_index(drop=True)
            per = values.div(persons.to_numpy(), axis=1)
            per["all_years"] = np.nan
            add("per_capita", f"{key}_per_capita", label, "tCO2e/person", per)
        out = pd.concat(blocks, ignore_index=True)
    out.columns = [str(c) for c in out.columns]
    return out


# ---------------------------------------------------------------------------- breakdowns
def by_scope_category(data: pd.DataFrame) -> pd.DataFrame:
    """tCO2e per scope and category, one column per year, with total and share.

    Returns
    -------
    DataFrame
        ``scope``, ``category``, ``label``, ``"<year>"`` columns (NaN in a year without
        rows), ``all_years``, ``share_pct`` (of the Kyoto total over all years), ``rows``.
    """
    years = sorted(int(y) for y in pd.unique(_col(data, "year").dropna()))
    frame = pd.DataFrame({
        "scope": pd.to_numeric(_col(data, "scope"), errors="coerce").fillna(0).astype(int),
        "category": _text(data, "category"),
        "year": pd.to_numeric(_col(data, "year"), errors="coerce"),
        "t": _num(data, "co2e_kg") / 1000.0,
    })
    if frame.empty:
        return pd.DataFrame(columns=["scope", "category", "label", "all_years", "share_pct",
                                     "rows"])
    grouped = frame.groupby(["scope", "category", "year"], sort=True)["t"]
    grid = grouped.sum().unstack("year").reindex(columns=years)  # NaN: no rows that year
    grid.columns = [str(c) for c in grid.columns]
    grid["all_years"] = grid.sum(axis=1)
    total = float(frame["t"].sum())
    grid["share_pct"] = grid["all_years"] / total * 100.0 if total else np.nan
    grid["rows"] = frame.groupby(["scope", "category"]).size()
    out = grid.reset_index()
    rank = _category_rank(out["category"])
    out = out.assign(_r=out["category"].map(rank)).sort_values(["scope", "_r"]).drop(
        columns="_r")
    out.insert(2, "label", out["category"].map(category_label))
    return out.reset_index(drop=True)


#: Trend columns and the summary lines they come from.
TREND_LINES: dict[str, str] = {
    "kyoto_tco2e": "kyoto_total", "air_with_rf_tco2e": "air_with_rf",
    "air_without_rf_tco2e": "air_without_rf", "hotel_tco2e": "memo_hotels",
    "un_inventory_tco2e": "un_inventory_total"}


def trend(data: pd.DataFrame, targets: Sequence[Any] = (),
          baselines: Sequence[float | None] = (), summary: pd.DataFrame | None = None
          ) -> pd.DataFrame:
    """Totals per year from the first year on file, with each target's path.

    Parameters
    ----------
    data : DataFrame
        Inventory rows.
    targets : sequence of Target
        For each target ``k`` (1-based) two columns: ``target_k_actual_tco2e`` (the
        target's categories) and ``target_k_path_tco2e``: the baseline at the baseline year,
        ``baseline x (1 - reduction)`` at the target year, linear in between, NaN elsewhere.
        Budget targets get no path (their unit is money).
    baselines : sequence of float, optional
        Baselines to use instead of recomputing them from ``data`` (e.g. from
        ``target_status``'s root row).
    summary : DataFrame, optional
        :func:`summary_table` of ``data``, when already computed (the totals are its lines).

    Returns
    -------
    DataFrame
        ``year``, ``kyoto_tco2e``, ``air_with_rf_tco2e``, ``air_without_rf_tco2e``,
        ``hotel_tco2e``, ``un_inventory_tco2e`` (NaN in years without rows), then the
        target columns.
    """
    year = pd.to_numeric(_col(data, "year"), errors="coerce")
    if year.dropna().empty:
        return pd.DataFrame(columns=["year", "kyoto_tco2e"])
    summary = summary_table(data) if summary is None else summary
    lines = summary.set_index("key")
    on_file = [c for c in summary.columns if c.isdigit()]
    last = max([int(on_file[-1])] + [int(getattr(t, "target_year", 0)) for t in targets])
    years = list(range(int(on_file[0]), last + 1))
    out = pd.DataFrame({"year": years})
    for column, key in TREND_LINES.items():
        out[column] = lines.loc[key, on_file].astype(float).set_axis(
            [int(y) for y in on_file]).reindex(years).to_numpy()
    from ..targets._common import category_mask

    has_data = np.isin(years, [int(y) for y in on_file])
    co2e = _num(data, "co2e_kg")
    for k, t in enumerate(targets, start=1):
        if getattr(t, "metric", "co2e") != "co2e":
            continue
        mask = category_mask(data, tuple(getattr(t, "categories", ("all",))) or ("all",))
        actual = (co2e.where(pd.Series(mask, index=data.index), 0.0).groupby(year).sum()
                  .reindex(years, fill_value=0.0) / 1000.0).to_numpy(dtype=float, copy=True)
        actual[~has_data] = np.nan
        out[f"target_{k}_actual_tco2e"] = actual
        b_year, t_year = int(t.baseline_year), int(t.target_year)
        given = baselines[k - 1] if k - 1 < len(baselines) else None
        base = float(given) if given is not None and np.isfinite(given) else float(
            actual[years.index(b_year)]) if b_year in years else np.nan
        goal = base * (1.0 - float(t.reduction))
        yr = np.asarray(years, dtype=float)
        span = max(t_year - b_year, 1)
        out[f"target_{k}_path_tco2e"] = np.where(
            (yr >= b_year) & (yr <= t_year), base + (goal - base) * (yr - b_year) / span, np.nan)
    return out


#: Columns :func:`top_routes` reads (with those :func:`air_components` reads).
ROUTE_INPUT_COLUMNS = ("category", "origin", "destination", "round_trip", "passengers",
                       "trip_id", "source_row", "distance_km", "co2e_kg", "rf_kg", "co2_kg",
                       "radiative_forcing", "factor_id")


def top_routes(data: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """Air routes (either direction) ranked by tCO2e.

    Returns
    -------
    DataFrame
        ``route`` ("GVA–JFK", codes in alphabetical order), ``trips`` (distinct trip ids,
        else rows), ``legs``, ``passengers`` (one-way passenger journeys: round trips count
        twice), ``distance_km`` (great-circle, one way), ``tco2e`` (with RF as computed),
        ``tco2e_without_rf``, ``share_pct`` (of air), top ``n`` rows.
    """
    cols = ["route", "trips", "legs", "passengers", "distance_km", "tco2e", "tco2e_without_rf",
            "share_pct"]
    is_air = (_text(data, "category") == "air").to_numpy(dtype=bool)
    if not is_air.any():
        return pd.DataFrame(columns=cols)
    air = data if is_air.all() else data[is_air]
    # airports as codes: the text work runs once per distinct airport, not once per leg
    o_codes, o_names = _distinct(_text(air, "origin"))
    d_codes, d_names = _distinct(_text(air, "destination"))
    airports = sorted({n.upper() for n in (*o_names, *d_names)})
    rank = {a: i for i, a in enumerate(airports)}
    o = np.array([rank[n.upper()] for n in o_names], dtype=np.int64)[o_codes]
    d = np.array([rank[n.upper()] for n in d_names], dtype=np.int64)[d_codes]
    key = np.minimum(o, d) * len(airports) + np.maximum(o, d)  # one key per route
    round_trip = _col(air, "round_trip", False).fillna(False).astype(bool).to_numpy()
    pax = pd.to_numeric(_col(air, "passengers", 1.0), errors="coerce").fillna(1.0).to_numpy()
    trip_id = _text(air, "trip_id")
    trip_codes, trip_ids = pd.factorize(trip_id)  # codes only: no text per distinct trip
    row_codes, _ = pd.factorize(_col(air, "source_row", 0))
    blank = (trip_id == "").to_numpy(dtype=bool)  # no trip id: each row is a trip
    trip = np.where(blank, len(trip_ids) + row_codes, trip_codes)
    comp = air_components(air)
    frame = pd.DataFrame({
        "key": key, "trip": trip,
        "journeys": pax * np.where(round_trip, 2.0, 1.0),
        "km": pd.to_numeric(_col(air, "distance_km"), errors="coerce").to_numpy(),
        "t": (_num(air, "co2e_kg") / 1000.0).to_numpy(),
        "t_no_rf": (comp["without_rf"] / 1000.0).to_numpy(),
    })
    g = frame.groupby("key", sort=True)
    out = pd.DataFrame({
        "trips": frame.drop_duplicates(["key", "trip"]).groupby("key", sort=True).size(),
        "legs": g.size(), "passengers": g["journeys"].sum(),
        "distance_km": g["km"].mean(), "tco2e": g["t"].sum(),
        "tco2e_without_rf": g["t_no_rf"].sum(),
    })
    size = len(airports)
    out.insert(0, "route", [f"{airports[k // size]}–{airports[k % size]}" for k in out.index])
    out = out.reset_index(drop=True)
    total = float(frame["t"].sum())
    out["share_pct"] = out["tco2e"] / total * 100.0 if total else np.nan
    out = out.sort_values(["tco2e", "route"], ascending=[False, True], kind="mergesort")
    return out.head(n).reset_index(drop=True)[cols]


def hotspots(data: pd.DataFrame, n: int = 15, names: Mapping[str, str] | None = None
             ) -> pd.DataFrame:
    """The largest entity x category cells.

    Returns
    -------
    DataFrame
        ``entity``, ``name``, ``category``, ``label``, ``tco2e``, ``share_pct`` (of the
        Kyoto total of ``data``), ``rows``; top ``n`` by tCO2e.
    """
    cols = ["entity", "name", "category", "label", "tco2e", "share_pct", "rows"]
    if data.empty:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame({"entity": _text(data, "entity"), "category": _text(data, "category"),
                          "t": _num(data, "co2e_kg") / 1000.0})
    g = frame.groupby(["entity", "category"], sort=True)
    out = pd.DataFrame({"tco2e": g["t"].sum(), "rows": g.size()}).reset_index()
    total = float(frame["t"].sum())
    out["share_pct"] = out["tco2e"] / total * 100.0 if total else np.nan
    out["name"] = names_of(out["entity"], names)
    out["label"] = out["category"].map(category_label)
    out = out.sort_values(["tco2e", "entity", "category"], ascending=[False, True, True],
                          kind="mergesort")
    return out.head(n).reset_index(drop=True)[cols]


# ---------------------------------------------------------------------------- data quality
def rejected_rows(rejected: pd.DataFrame) -> pd.DataFrame:
    """All rejected rows, sorted by table and source row (``value`` as text)."""
    cols = ["table", "source_row", "column", "value", "reason"]
    if rejected is None or rejected.empty:
        return pd.DataFrame(columns=cols)
    out = rejected.reindex(columns=cols).copy()
    out["source_row"] = pd.to_numeric(out["source_row"], errors="coerce").astype("Int64")
    for c in ("table", "column", "value", "reason"):
        out[c] = out[c].astype(object).where(out[c].notna(), "").astype(str)
    return out.sort_values(["table", "source_row", "column"], kind="mergesort"
                           ).reset_index(drop=True)


def refund_mask(rejected: pd.DataFrame | None) -> np.ndarray:
    """Rows of ``rejected`` that are netted refunds (a charge and its refund), not errors."""
    if rejected is None or rejected.empty or "reason" not in rejected.columns:
        return np.zeros(0 if rejected is None else len(rejected), dtype=bool)
    return rejected["reason"].astype(str).str.startswith("refund").to_numpy(dtype=bool)


def refunds(rejected: pd.DataFrame | None) -> pd.DataFrame:
    """Netted refunds summarised per table: counts and amounts instead of a row list.

    A refund pair (a charge and the negative line cancelling it) is left out of the
    inventory on purpose; the pairs are accounted for here rather than listed among the
    rejected rows.

    Returns
    -------
    DataFrame
        ``table``, ``column`` (the amount column compared), ``rows`` (source rows),
        ``pairs`` (rows / 2), ``charged`` (sum of the positive amounts), ``refunded``
        (sum of the negative amounts, as a positive number) in the log's currency.
    """
    cols = ["table", "column", "rows", "pairs", "charged", "refunded"]
    hit = refund_mask(rejected)
    if not hit.any():
        return pd.DataFrame(columns=cols)
    rows = rejected_rows(rejected[hit])
    amount = pd.to_numeric(rows["value"], errors="coerce")
    rows = rows.assign(charged=amount.clip(lower=0), refunded=(-amount).clip(lower=0))
    out = rows.groupby(["table", "column"], sort=True).agg(
        rows=("source_row", "nunique"), charged=("charged", "sum"),
        refunded=("refunded", "sum")).reset_index()
    out["pairs"] = out["rows"] // 2
    return out[cols]


_NUMBER = r"\d+(?:\.\d+)?"
_NOTE_SPLIT = r"; (?!used )"  # "no desnz-2012 edition; used ..." is one note


def _by_pattern(frame: pd.DataFrame, text: str, keys: Sequence[str]) -> pd.DataFrame:
    """Group texts that differ only in their numbers (row numbers, years, counts).

    ``frame`` holds one row per distinct ``(keys, text)`` with its ``rows`` (and
    optionally ``tco2e``); the pattern is computed on these distinct texts only. The
    result shows the most frequent wording of each group and ``variants``, how many
    wordings were merged.
    """
    frame = frame.assign(_pattern=frame[text].str.replace(_NUMBER, "#", regex=True))
    frame = frame.sort_values([*keys, "_pattern", "rows", text],
                              ascending=[True] * (len(keys) + 1) + [False, True],
                              kind="mergesort")
    g = frame.groupby([*keys, "_pattern"], sort=True)
    out = pd.DataFrame({text: g[text].first(), "variants": g[text].nunique(),
                        "rows": g["rows"].sum()})
    if "tco2e" in frame.columns:
        out["tco2e"] = g["tco2e"].sum()
    return out.reset_index().drop(columns="_pattern")


def rejected_reasons(rejected: pd.DataFrame) -> pd.DataFrame:
    """Rejections counted per table, column and reason.

    Reasons that differ only in numbers ("refunded (netted with row 25336)", "... in
    desnz-2020") are counted together; ``reason`` shows the most frequent wording and
    ``variants`` how many wordings were merged.

    Returns
    -------
    DataFrame
        ``table``, ``column``, ``reason``, ``variants``, ``rows`` (distinct source rows).
    """
    rows = rejected_rows(rejected)
    cols = ["table", "column", "reason", "variants", "rows"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    codes, reasons = _distinct(rows["reason"])  # patterns per distinct reason, not per row
    patterns = pd.Series(reasons, dtype=object).str.replace(_NUMBER, "#", regex=True)
    rows = rows.assign(_pattern=patterns.to_numpy(dtype=object)[codes])
    keys = ["table", "column", "_pattern"]
    wordings = rows.groupby([*keys, "reason"], sort=True).size().rename("rows").reset_index()
    out = _by_pattern(wordings.drop(columns="_pattern"), "reason", ["table", "column"])
    # both grouped and sorted by (table, column, pattern): the rows line up
    out["rows"] = rows.drop_duplicates([*keys, "source_row"]).groupby(keys, sort=True
                                                                      ).size().to_numpy()
    return out.sort_values(["rows", "table", "reason"], ascending=[False, True, True],
                           kind="mergesort").reset_index(drop=True)[cols]


def fallbacks(data: pd.DataFrame) -> pd.DataFrame:
    """Fallbacks and substitutions used: the rows' non-empty ``notes``, grouped by note.

    A row's notes are split into single notes (a row can carry several, e.g. an edition
    substitution and a hotel-country fallback); notes that differ only in numbers (the
    year of a missing edition, a count) are counted together, ``note`` showing the most
    frequent wording and ``variants`` how many were merged. The text work runs on the
    distinct notes, not on every row.

    Returns
    -------
    DataFrame
        ``note``, ``variants``, ``rows`` (inventory rows with the note), ``tco2e`` (their
        emissions), ``share_pct`` (of all inventory rows).
    """
    cols = ["note", "variants", "rows", "tco2e", "share_pct"]
    _, notes, rows, tco2e = _distinct_notes(data)
    distinct = pd.DataFrame({"note": notes.str.strip(), "rows": rows, "tco2e": tco2e})
    distinct = distinct[(distinct["note"] != "") & (distinct["rows"] > 0)]
    if distinct.empty:
        return pd.DataFrame(columns=cols)
    single = distinct.assign(note=distinct["note"].str.split(_NOTE_SPLIT, regex=True)
                             ).explode("note")
    single["note"] = single["note"].astype(str).str.strip()
    single = single[single["note"] != ""].groupby("note", as_index=False).sum()
    out = _by_pattern(single, "note", [])
    out["share_pct"] = out["rows"] / max(len(data), 1) * 100.0
    return out.sort_values(["rows", "note"], ascending=[False, True], kind="mergesort"
                           ).reset_index(drop=True)[cols]


#: The note a calculator writes when a row's edition lacks the row's category
#: (:func:`sem_carbon.factors.catalogue.edition_with`).
_OTHER_EDITION = r"has no [^;]+?; used (desnz-\d{4}) \(nearest edition that publishes them\)"


def other_editions(data: pd.DataFrame) -> pd.DataFrame:
    """Rows per year whose category came from another edition than the year's own.

    A year's edition may lack a category (no travel factors in 2010 and 2011, no hotels
    before 2019 ...); those rows use the nearest edition that publishes it and say so in
    ``notes``. This table counts them per activity year (the notes are read once per
    distinct note).

    Returns
    -------
    DataFrame
        ``year``, ``rows`` (inventory rows of the year), ``other_edition`` (rows whose
        category came from another edition), ``share_pct`` (of the year's rows),
        ``detail`` (e.g. ``"air from desnz-2016: 616; hotel from desnz-2019: 792"``).
    """
    cols = ["year", "rows", "other_edition", "share_pct", "detail"]
    year = pd.to_numeric(_col(data, "year"), errors="coerce")
    if year.dropna().empty:
        return pd.DataFrame(columns=cols)
    codes, notes, _, _ = _distinct_notes(data)
    edition = notes.str.extract(_OTHER_EDITION, expand=False)  # per distinct note
    dated = year.notna().to_numpy()
    totals = year[dated].astype(int).groupby(year[dated].astype(int)).size()
    # only the rows whose note names another edition are gathered
    other = np.append(edition.notna().to_numpy(dtype=bool), False)[codes] & dated
    moved = pd.DataFrame({"year": year[other].astype(int).to_numpy(),
                          # categorical kept: the detail lists categories in its order
                          "category": _text(data, "category")[other].array,
                          "used": edition.to_numpy(dtype=object)[codes[other]]})
    counts = moved.groupby(["year", "category", "used"], sort=True, observed=True).size()
    detail = {y: "; ".join(f"{c} from {e}: {n:,}" for (_, c, e), n in group.items())
              for y, group in counts.groupby(level="year")}  # loop over distinct years only
    out = pd.DataFrame({"year": totals.index, "rows": totals.to_numpy()})
    out["other_edition"] = out["year"].map(moved.groupby("year").size()).fillna(0).astype(int)
    out["share_pct"] = out["other_edition"] / out["rows"] * 100.0
    out["detail"] = [detail.get(y, "") for y in out["year"]]  # one row per year
    return out[cols]


#: Data-quality flags: (label, what the rows' notes contain). Each is a fixed wording of the
#: module that writes the note (readers, calculators, the airport guard, the editions).
FLAGS: tuple[tuple[str, str], ...] = (
    ("exact duplicates kept", "exact duplicate of row "),
    ("dates without a day (month only)", "day of the month not given"),
    ("ticket costs split over their legs", "ticket cost split over its "),
    ("UK factors used outside the UK", "UK factor used outside the UK"),
    ("airport positions corrected from the reference", " coordinates: reference"),
    ("airport positions not verified", " coordinates: airportsdata"),
    ("categories from another edition", "(nearest edition that publishes them)"),
    ("edition of another year", "; used nearest earlier desnz-"),
    ("cabin class not published: another used", " not published in "),
)


def flags(data: pd.DataFrame, rejected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows that carry each data-quality flag, and the refunds netted out.

    The checks run on the distinct notes, not on every row.

    Returns
    -------
    DataFrame
        ``flag``, ``rows`` (inventory rows; for refunds: source rows), ``tco2e`` (their
        emissions), ``share_pct`` (of all inventory rows). Flags without rows are left out.
    """
    cols = ["flag", "rows", "tco2e", "share_pct"]
    out = []
    if len(data):
        _, notes, rows, tco2e = _distinct_notes(data)
        for label, text in FLAGS:
            hit = notes.str.contains(text, regex=False).to_numpy(dtype=bool)
            if hit.any() and rows[hit].sum():
                out.append({"flag": label, "rows": int(rows[hit].sum()),
                            "tco2e": float(tco2e[hit].sum())})
    if rejected is not None and len(rejected):
        refund = rejected["reason"].astype(str).str.startswith("refund")
        if refund.any():
            keys = [c for c in ("table", "source", "source_row") if c in rejected.columns]
            out.append({"flag": "refunds netted out (source rows, not computed)",
                        "rows": len(rejected.loc[refund, keys].drop_duplicates()),
                        "tco2e": np.nan})
    frame = pd.DataFrame(out, columns=cols[:3])
    frame["share_pct"] = frame["rows"] / max(len(data), 1) * 100.0
    return frame[cols]


def coverage(data: pd.DataFrame) -> pd.DataFrame:
    """Years covered by each table of the inventory (data gaps show up here).

    Returns
    -------
    DataFrame
        ``table``, ``first_year``, ``last_year``, ``years`` (with data), ``missing_years``
        (text), ``rows``.
    """
    cols = ["table", "first_year", "last_year", "years", "missing_years", "rows"]
    year = pd.to_numeric(_col(data, "year"), errors="coerce")
    if year.dropna().empty:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame({"table": _text(data, "table"), "year": year}).dropna()
    per_year = frame.groupby(["table", "year"], sort=True, observed=True).size()
    rows = []
    for table, group in per_year.groupby(level="table", sort=True):  # per table, then year
        present = sorted(int(y) for y in group.index.get_level_values("year"))
        gaps = sorted(set(range(present[0], present[-1] + 1)) - set(present))
        rows.append({"table": str(table), "first_year": present[0], "last_year": present[-1],
                     "years": len(present), "missing_years": ", ".join(map(str, gaps)),
                     "rows": int(group.sum())})
    return pd.DataFrame(rows, columns=cols)


def methods(data: pd.DataFrame) -> pd.DataFrame:
    """Share of each calculation method (rows and tCO2e).

    Methods that differ only in numbers (the edition year, the RF multiplier) are counted
    together; ``method`` shows the most frequent wording, ``variants`` how many merged.

    Returns
    -------
    DataFrame
        ``category``, ``method``, ``variants``, ``rows``, ``tco2e``, ``share_pct`` (of
        tCO2e).
    """
    cols = ["category", "method", "variants", "rows", "tco2e", "share_pct"]
    if data.empty:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame({"category": _text(data, "category"), "method": _text(data, "method"),
                          "tco2e": _num(data, "co2e_kg") / 1000.0})
    g = frame.groupby(["category", "method"], sort=True, observed=True)
    distinct = pd.DataFrame({"rows": g.size(), "tco2e": g["tco2e"].sum()}).reset_index()
    distinct = distinct.astype({"category": object, "method": object})
    out = _by_pattern(distinct[distinct["rows"] > 0], "method", ["category"])
    total = float(frame["tco2e"].sum())
    out["share_pct"] = out["tco2e"] / total * 100.0 if total else np.nan
    return out.sort_values(["tco2e", "method"], ascending=[False, True], kind="mergesort"
                           ).reset_index(drop=True)[cols]


def _distinct_pairs(codes: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """Distinct ``(code, value)`` pairs (``code`` and ``m`` columns; NaN equals NaN).

    Each code's value is nearly always one number (an edition's RF multiplier): that is
    checked in one pass against one row of each code
    (:func:`sem_carbon.codes.one_row_of_each`), and then the pairs are the codes with
    their value, without hashing every row.
    """
    from ..codes import one_row_of_each

    slot = np.asarray(codes, dtype=np.intp) + 1  # code -1 (missing) has a slot too
    if len(slot):
        code_of, row = one_row_of_each(slot, int(slot.max()) + 1)
        seen = values[row][code_of]
        if ((values == seen) | (np.isnan(values) & np.isnan(seen))).all():
            return pd.DataFrame({"code": slot[row] - 1, "m": values[row]})
    return pd.DataFrame({"code": codes, "m": values}).drop_duplicates()


def parameters(data: pd.DataFrame, editions: pd.DataFrame) -> pd.DataFrame:
    """Method parameters used: haul rule, radiative forcing and its multiplier per edition.

    Read from the inventory's provenance columns (``haul_rule``, ``radiative_forcing``,
    ``rf_multiplier``); an inventory written before they existed shows the haul rule as
    "not recorded", RF as on where ``rf_kg > 0``, and the multipliers published with its
    editions. The method texts are never parsed.

    Returns
    -------
    DataFrame
        ``parameter``, ``value``, ``detail``.
    """
    rows: list[dict[str, str]] = []
    is_air = (_text(data, "category") == "air").to_numpy(dtype=bool)
    if not is_air.any():
        haul = "n/a"
    elif "haul_rule" in data.columns:  # rows without it (older inventories): not recorded
        codes, labels = _distinct(_text(data, "haul_rule"))
        seen = _per_label(codes[is_air], len(labels)) > 0
        haul = ", ".join(sorted({labels[i] or "not recorded" for i in np.flatnonzero(seen)}))
    else:
        haul = "not recorded"
    rows.append({"parameter": "Air haul rule", "value": haul,
                 "detail": "distance: great-circle < 500 km domestic, 500 to < 3,700 km "
                           "short-haul, >= 3,700 km long-haul"
                           if "distance" in haul.split(", ") else ""})
    rows.append({"parameter": "Radiative forcing in the Kyoto total", "value": rf_mode(data),
                 "detail": "with-RF air factors = CO2 x m + CH4 + N2O; the RF share is shown "
                           "on its own line"})
    mult = _edition_multipliers(data, is_air)
    if "rf_multiplier" in data.columns:  # the multiplier each row was computed with
        recorded = pd.to_numeric(data["rf_multiplier"], errors="coerce").to_numpy(dtype=float)
        mult = np.where(np.isfinite(recorded[is_air]), recorded[is_air], mult)
    codes, ids = _distinct(_text(data, "factor_id"))
    pairs = _distinct_pairs(codes[is_air], mult)
    by_multiplier: dict[str, list[str]] = {}
    for edition, m in sorted((ids[c], m) for c, m in pairs.itertuples(index=False)
                             if c >= 0 and ids[c]):  # one per distinct (edition, m)
        by_multiplier.setdefault(f"{m:g}" if np.isfinite(m) else "unknown",
                                 []).append(edition)
    for value, editions_with in sorted(by_multiplier.items()):
        rows.append({"parameter": "RF multiplier m (on the CO2 component)", "value": value,
                     "detail": "editions " + ", ".join(editions_with)})
    rows.append({"parameter": "Distance uplift",
                 "value": "8% (inside the DESNZ factors)",
                 "detail": "great-circle distance x factor; no further uplift added"})
    if not editions.empty and "id" in editions.columns:
        rows.append({"parameter": "Factor editions", "value": ", ".join(
            editions["id"].astype(str)), "detail": "each row uses the edition of its year "
                                                    "unless one edition was forced"})
    return pd.DataFrame(rows, columns=["parameter", "value", "detail"])


def target_label(target: Any) -> str:
    """Readable name of a target: its ``name``, else e.g. ``"travel 2019→2021 −50%"``."""
    if getattr(target, "name", ""):
        return str(target.name)
    cats = ", ".join(getattr(target, "categories", ()) or ()) or "all categories"
    metric = getattr(target, "metric", "co2e")
    suffix = " (budget)" if metric == "budget" else ""
    return (f"{cats} {target.baseline_year}→{target.target_year} "
            f"−{float(target.reduction) * 100:g}%{suffix}")
