"""Facilities tables -> results and rejects, vectorised.

:func:`compute_facilities` groups the rows by the few keys that decide their factor
(edition/year, kind, unit text, country, gas, material, ...), builds one
:class:`~sem_carbon.facilities._common.Plan` per distinct group (a Python loop over
distinct groups only; unit strings are parsed and checked once each), and multiplies all
amounts by their plan's effective factor with numpy. The scalar helpers in
:mod:`sem_carbon.facilities.api` build the same plans, so both paths give identical
numbers.

References
----------
.. [1] DESNZ/BEIS, Greenhouse gas reporting: conversion factors (2019-2024).
.. [2] Ember, Yearly Electricity Data (via CO2.js, CC BY-SA 4.0).
.. [3] IPCC AR4/AR5/AR6 WGI GWP-100 (``globalwarmingpotentials``, CC0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pint

from ..codes import factorize
from ..factors import FactorSet, load_factors
from ..factors.catalogue import edition_with, resolve_edition
from ..io.parse import cell_text
from ..io.rejects import Rejections
from ..limits import MAX_SUPPLIER_FACTOR_KG_PER_KWH, SUPPLIER_FACTOR_REASON, YEAR_REASON, beyond
from ..notes import SEPARATOR
from ..schema import FACILITIES_RESULTS
from ..schema import REJECT_COLUMNS as SCHEMA_REJECT_COLUMNS
from ..tabular import categorical_from_table, columns_frame
from ..vocabulary import normalise, normalise_one, read_unit, read_years, row_years
from ._common import UK_ONLY, Plan, apply_plans, error_types, uk_factor_note
from .electricity import GRID_EDITION, location_plan, market_plan, td_plan
from .fuels import fuel_plan_for
from .heat import heat_plan, heat_td_plan
from .names import facility_family, normalise_heat_kind
from .refrigerants import GWP_EDITION, normalise_assessment, refrigerant_plan
from .waste import waste_plan
from .water import water_plan

__all__ = ["RESULT_COLUMNS", "compute_facilities"]

#: Columns of the results table, in order.
#: Result columns of :func:`compute_facilities` (see :mod:`sem_carbon.schema`).
RESULT_COLUMNS = list(FACILITIES_RESULTS)
REJECT_COLUMNS = list(SCHEMA_REJECT_COLUMNS)

_DEFAULT_COLUMN = {"electricity": "country", "fuel": "kind", "heat": "kind",
                   "refrigerant": "gas", "water": "unit", "waste": "material"}
class _Coded:
    """A column as codes into its distinct values: per-value work, per-row numpy."""

    __slots__ = ("codes", "constant", "values")

    def __init__(self, codes: np.ndarray, values: np.ndarray, constant: bool = False):
        self.codes = codes
        self.values = values
        self.constant = constant  # one value on every row (codes all 0)

    @classmethod
    def of(cls, data: pd.DataFrame, name: str,
           factorized: Mapping[str, tuple[np.ndarray, Any]] | None = None) -> _Coded:
        """Factorise ``data[name]`` (a missing column is all missing); NA -> ``None``.

        The last distinct value is always ``None`` (the code of missing cells). A column in
        ``factorized`` (codes and distinct values, as :func:`pandas.factorize` gives them)
        is not factorised again.
        """
        if name not in data.columns:
            return cls(np.zeros(len(data), dtype=np.int64), np.array([None], dtype=object),
                       constant=True)
        given = (factorized or {}).get(name)
        if given is not None and len(given[0]) == len(data):
            codes, uniques = given
        else:
            codes, uniques = factorize(data[name])
        values = np.empty(len(uniques) + 1, dtype=object)
        values[:-1] = list(uniques)
        values[-1] = None
        any_missing = bool(codes.min(initial=0) < 0)
        if any_missing:  # missing cells: the last value (a copy: the given codes are kept)
            codes = np.where(codes < 0, len(uniques), codes)
        return cls(codes.astype(np.int64, copy=False), values,
                   constant=len(uniques) + any_missing <= 1)

    def map(self, func: Callable[[Any], Any]) -> _Coded:
        """``func`` applied to each distinct value."""
        values = np.empty(len(self.values), dtype=object)
        values[:] = [func(v) for v in self.values]
        return _Coded(self.codes, values, self.constant)

    def flags(self, predicate: Callable[[Any], bool]) -> np.ndarray:
        """``predicate`` of each distinct value (bool per value, not per row)."""
        return np.array([bool(predicate(v)) for v in self.values], dtype=bool)

    def spread(self, per_value: np.ndarray) -> np.ndarray:
        """Per-row values of a per-value array (a numpy take; flags false for every value
        need none)."""
        if per_value.dtype == bool and not per_value.any():
            return np.zeros(len(self.codes), dtype=bool)
        return per_value[self.codes]


def _parse_unit(text: Any) -> pint.Unit | str:
    """A Unit, or the reason it is not one (unit words as the readers read them)."""
    if not cell_text(text):
        return "unit is missing: give the unit of amount (e.g. kWh, L, m^3, kg, t)"
    unit, reason = read_unit(text)
    return reason or unit


def _numbers(data: pd.DataFrame, name: str) -> np.ndarray:
    """A column as float (NaN where missing or not a number); read-only when it is one
    already (no copy)."""
    if name not in data.columns:
        return np.full(len(data), np.nan)
    column = data[name]
    if isinstance(column.dtype, np.dtype) and column.dtype.kind == "f":
        return column.to_numpy(dtype=float)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _years(data: pd.DataFrame, year_column: str) -> tuple[np.ndarray, np.ndarray]:
    """Activity year per row as int (-1 when unknown or implausible): :func:`row_years`
    (day first), and the rows whose ``year_column`` is filled with no plausible year
    (:func:`~sem_carbon.vocabulary.read_years`: reject them, never an edition for them)."""
    given = data[year_column] if year_column in data.columns else None
    implausible = np.zeros(len(data), dtype=bool) if given is None else read_years(given)[1]
    if (given is not None and isinstance(given.dtype, np.dtype) and given.dtype.kind in "iu"
            and not implausible.any()):
        # whole plausible years, none missing: nothing more to read
        return given.to_numpy(dtype=np.int64), implausible
    years = row_years(data, year_column)
    years[implausible] = np.nan
    return (np.where(np.isnan(years), -1, np.nan_to_num(years, nan=-1)).astype(np.int64),
            implausible)


def _year_codes(year: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of the years (-1: unknown), the distinct years and the year of each code, by
    counting (no hashing: a few years span a short range)."""
    if not len(year):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.array([-1])
    low, high = int(year.min()), int(year.max())
    if high - low > 100_000:  # an outlandish year: hash instead of counting
        codes, uniques = pd.factorize(year)
        uniques = np.asarray(uniques, dtype=np.int64)
        return codes.astype(np.int64, copy=False), uniques, uniques
    codes = year - low
    return codes, np.flatnonzero(np.bincount(codes)) + low, np.arange(low, high + 1)


def _combine(columns: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """One int64 key per row from several small non-negative integer code columns, each
    given with its number of codes (codes below it)."""
    if not columns:
        return np.zeros(0, dtype=np.int64)
    key = np.array(columns[0][0], dtype=np.int64)  # a copy: mixed in place below
    span = columns[0][1]
    for column, size in columns[1:]:
        if span * size >= 2**62:  # keep the mixed key within int64
            key = pd.factorize(key)[0].astype(np.int64)
            span = int(key.max(initial=0)) + 1
        key *= size
        key += column
        span *= size
    return key


def _groups(parts: list[tuple[np.ndarray, int]], live: np.ndarray,
            relevant: list[np.ndarray | None]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Group of each live row (-1 for the other rows) and, per part, each group's code.

    A row's key mixes the codes of ``parts`` (code column, number of codes), the first
    being the kind; ``relevant[j]`` says per kind code whether part ``j`` matters for
    that kind (None: always). Rows that differ only in parts that do not matter share a
    group. The distinct keys are found first (by counting when they span a short range,
    else by hashing) and grouped on their own: no row-length mask per part.
    """
    every = bool(live.all())
    rows = np.arange(len(live)) if every else np.flatnonzero(live)
    key = _combine(parts)
    keys = key if every else key[rows]
    sizes = [size for _, size in parts]
    span = math.prod(sizes)
    dense = span <= 2 * len(keys) + 65_536  # (the key was then mixed without hashing)
    if dense:
        present = np.bincount(keys, minlength=span) > 0
        rest = np.flatnonzero(present)
        found = []
        for size in sizes[:0:-1]:  # the parts of each distinct key, last part first
            rest, code = np.divmod(rest, size)
            found.append(code)
        found.append(rest)
        codes_of = found[::-1]
    else:
        raw, uniques = pd.factorize(keys)
        one_row = np.empty(len(uniques), dtype=np.int64)
        one_row[raw] = rows  # a row of each distinct key (repeated indices: one is kept)
        codes_of = [np.asarray(column)[one_row].astype(np.int64) for column, _ in parts]
    kinds = codes_of[0]
    masked = [code if matters is None else np.where(matters[kinds], code, 0)
              for code, matters in zip(codes_of, relevant, strict=True)]
    of_key = pd.factorize(_combine(list(zip(masked, sizes, strict=True))))[0]
    one_key = np.empty(int(of_key.max(initial=-1)) + 1, dtype=np.int64)
    one_key[of_key] = np.arange(len(of_key))  # a distinct key of each group
    if dense:
        lookup = np.full(span, -1, dtype=np.int64)
        lookup[present] = of_key
        per_row = lookup[keys]
    else:
        per_row = of_key[raw]
    if every:
        group = per_row
    else:
        group = np.full(len(live), -1, dtype=np.int64)
        group[rows] = per_row
    return group, [code[one_key] for code in codes_of]


def _join(*parts: str) -> str:
    """Notes joined as :func:`~sem_carbon.notes.join_notes` joins them (empty and repeated
    ones left out)."""
    return SEPARATOR.join(dict.fromkeys(p for p in parts if p))


def compute_facilities(
    data: pd.DataFrame,
    fs: str | FactorSet | None = None,
    *,
    year_column: str = "year",
    gwp: str = "AR5",
    include_td: bool = False,
    grid: str | FactorSet | None = None,
    gwp_factors: str | FactorSet | None = None,
    edition_note_leads: bool = False,
    factorized: Mapping[str, tuple[np.ndarray, Any]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Emissions of a facilities table (canonical columns, see ``docs/tables.md``).

    Parameters
    ----------
    data : DataFrame
        Columns ``kind``, ``amount``, ``unit`` and, as the kinds need them, ``country``
        and ``method`` / ``supplier_factor_kg_per_kwh`` (electricity), ``gas``
        (refrigerant), ``treatment`` (water, default true), ``material`` and
        ``disposal`` (waste), optional ``cv`` ("gross"/"net", fuels given in energy);
        ``source_row`` and ``year`` (or ``date``) as read. ``kind`` is ``electricity``,
        a fuel (``natural_gas``, ``diesel``, ``burning_oil`` ..., friendly names
        accepted), ``district_heat`` / ``onsite_heat``, ``refrigerant``, ``water`` or
        ``waste``.
    fs : str or FactorSet, optional
        DESNZ edition for every row; None: each row uses the DESNZ edition of its own
        year (nearest earlier when missing, recorded in ``notes``), rows without a year
        the newest edition. A filled year that is not a whole number 1950-2100 rejects
        its row (:data:`~sem_carbon.limits.YEAR_REASON`), whatever ``fs``.
    year_column : str, default "year"
        Column holding the activity year (also the Ember year for electricity).
    gwp : {"AR4", "AR5", "AR6"}, default "AR5"
        GWP-100 assessment for refrigerants.
    include_td : bool, default False
        Add a ``td_losses`` row (scope 3) right after each UK electricity row and each
        district-heat row. It carries the same index label, hence the same
        ``source_row``, as the row it derives from; so with ``include_td`` the results
        index is not unique. Rows without a T&D factor (electricity outside the UK) get
        no extra row and a note.
    grid : str or FactorSet, optional
        Grid-intensity edition for countries other than the UK; default ``ember-grid``.
    gwp_factors : str or FactorSet, optional
        GWP edition; default ``ipcc-gwp``.
    edition_note_leads : bool, default False
        With ``fs`` None, where the note of a substituted edition (no edition of the
        row's year) goes: False, beside the factor it concerns (not on an Ember grid
        factor, say); True, first in the notes of every row of that year, as
        :func:`sem_carbon.calculate` writes it.
    factorized : mapping, optional
        ``{column: (codes, uniques)}`` of columns of ``data`` already factorised (as
        :func:`pandas.factorize` returns them, -1 for missing, one code per row of
        ``data``), e.g. by :func:`~sem_carbon.vocabulary.frames.canonical_words`.

    Returns
    -------
    results : DataFrame
        Indexed like ``data`` (computed rows only, in the order of ``data``), columns
        :data:`RESULT_COLUMNS`: ``co2e_kg`` = amount x ``factor_value`` [kgCO2e per unit
        of the row's amount], per-gas parts where published (NaN otherwise), ``rf_kg`` 0,
        ``biogenic_co2_kg`` (NaN where none), ``memo_co2e_kg`` (Montreal gases); the
        text columns (``category``, ``factor_id``, ``notes`` ...) are categoricals.
    rejects : DataFrame
        ``source_row``, ``column``, ``value``, ``reason`` for every row that could not be
        computed. Every input row is in exactly one of the two (``td_losses`` rows aside).

    Raises
    ------
    InvalidActivityError
        ``gwp`` is not AR4/AR5/AR6.

    Notes
    -----
    Each key column (kind, unit, country, year, ...) is factorised once; every check and
    every choice of factor is made once per distinct value or per distinct group of
    values (a Python loop over distinct groups only), and the group's factors, notes and
    provenance are spread over the rows by numpy indexing.

    Examples
    --------
    Two rows, ``electricity`` 1,000 kWh in GB in 2019 and ``diesel`` 100 L in 2024:
    1,000 x 0.2556 = 255.6 kgCO2e and 100 x 2.51279 = 251.279 kgCO2e.
    """
    assessment = normalise_assessment(gwp)
    n = len(data)
    rejects = Rejections(data["source_row"].to_numpy() if "source_row" in data.columns
                         else np.arange(n) + 2, first_only=True)

    def reject(mask: np.ndarray, column: str,
               reason: str | np.ndarray | tuple[np.ndarray, _Coded]) -> None:
        """Reject ``mask``'s rows; ``reason`` per row may be (per-value reasons, column)."""
        if not mask.any():
            return
        if isinstance(reason, tuple):
            reason = reason[1].spread(reason[0])
        cells = data[column].reset_index(drop=True) if column in data.columns else ""
        rejects.add(mask, column, cells, reason)

    amount = _numbers(data, "amount")
    finite = np.isfinite(amount)
    if not finite.all():
        missing = np.isnan(amount)
        reject(missing, "amount", "amount is missing or not a number")
        reject(~missing & ~finite, "amount", "amount is not finite")
    reject(np.less(amount, 0, where=finite, out=np.zeros(n, dtype=bool)), "amount",
           "amount is negative: facilities amounts must be >= 0")

    kind = _Coded.of(data, "kind", factorized)
    words = normalise("facility_kind", kind.values)
    reject(kind.spread(words.missing), "kind", "missing kind")
    reject(kind.spread(words.rejected), "kind", (words.reason, kind))
    # the family of each distinct kind word, then per row as a small code
    families = ["", *sorted(_DEFAULT_COLUMN)]
    family_of = np.array([families.index(facility_family(k) if k else "")
                          for k in words.value], dtype=np.int8)
    fam = kind.spread(family_of)
    masks: dict[str, np.ndarray] = {}

    def family(*names: str) -> np.ndarray:
        """Rows of these families (each family's mask made once)."""
        for name in names:
            if name not in masks:
                masks[name] = fam == families.index(name)
        if len(names) == 1:
            return masks[names[0]]
        return np.logical_or.reduce([masks[name] for name in names])

    unit = _Coded.of(data, "unit", factorized).map(_parse_unit)
    bad_unit = np.array([isinstance(u, str) for u in unit.values], dtype=bool)
    reject(unit.spread(bad_unit), "unit", (unit.values, unit))

    year, implausible = _years(data, year_column)
    reject(implausible, year_column, YEAR_REASON)
    year_codes, year_values, year_of_code = _year_codes(year)
    if fs is not None:
        fixed = load_factors(fs)
        editions = {int(y): (fixed, "") for y in year_values}
    else:
        editions = {int(y): resolve_edition(None, None if y < 0 else int(y))
                    for y in year_values}  # loop over distinct years only

    is_elec = family("electricity")
    is_waste = family("waste")
    country = _Coded.of(data, "country", factorized)
    place = normalise("country", country.values)  # suggestions: distinct unknowns only
    known = ~place.missing & ~place.rejected
    if is_elec.any():
        reject(is_elec & country.spread(country.flags(lambda t: cell_text(t) == "")),
               "country", "electricity needs a country")
        reject(is_elec & country.spread(place.rejected), "country", (place.reason, country))

    method = _Coded.of(data, "method", factorized).map(_method_or_reason)
    supplier = (_numbers(data, "supplier_factor_kg_per_kwh")
                if "supplier_factor_kg_per_kwh" in data.columns else None)
    has_supplier = (np.isfinite(supplier) & is_elec if supplier is not None
                    else np.zeros(n, dtype=bool))
    if is_elec.any():
        bad = method.flags(lambda m: m not in ("location", "market"))
        if bad.any():
            reject(is_elec & method.spread(bad), "method", (method.values, method))
        market = is_elec & method.spread(method.flags(lambda m: m == "market"))
        if market.any():
            reject(market & ~has_supplier, "supplier_factor_kg_per_kwh",
                   "market-based electricity needs supplier_factor_kg_per_kwh (the "
                   "supplier's or certificate's factor in kgCO2e/kWh)")
        if supplier is not None:
            # a factor given is checked on every electricity row, as the file reader
            # checks it (a location-based row then says it ignored a plausible one)
            reject(is_elec & np.less(supplier, 0, where=np.isfinite(supplier),
                                     out=np.zeros(n, dtype=bool)),
                   "supplier_factor_kg_per_kwh", "supplier_factor_kg_per_kwh must be >= 0")
            reject(is_elec & beyond(supplier, MAX_SUPPLIER_FACTOR_KG_PER_KWH),
                   "supplier_factor_kg_per_kwh", SUPPLIER_FACTOR_REASON)
    cv = _Coded.of(data, "cv", factorized).map(_cv_or_reason)
    bad = cv.flags(lambda c: c not in ("gross", "net"))
    if bad.any():
        reject(family("fuel") & cv.spread(bad), "cv", (cv.values, cv))
    gas = _Coded.of(data, "gas", factorized).map(cell_text)
    is_refrigerant = family("refrigerant")
    if is_refrigerant.any():
        reject(is_refrigerant & gas.spread(gas.flags(lambda g: g == "")), "gas",
               "refrigerant rows need a gas (e.g. R-410A, HFC-134a, SF6)")
    material = _Coded.of(data, "material", factorized).map(cell_text)
    disposal = _Coded.of(data, "disposal", factorized).map(cell_text)
    if is_waste.any():
        reject(is_waste & material.spread(material.flags(lambda m: m == "")), "material",
               "waste rows need a material (e.g. general waste, paper, food)")
        reject(is_waste & disposal.spread(disposal.flags(lambda d: d == "")), "disposal",
               "waste rows need a disposal route (landfill, combustion, recycling ...)")
    flag = _Coded.of(data, "treatment", factorized)
    said = normalise("boolean", flag.values)  # missing: treated (the default)
    treatment = _Coded(flag.codes, np.where(said.rejected, said.reason, said.value != "false"),
                       flag.constant)
    if said.rejected.any():
        reject(family("water") & flag.spread(said.rejected), "treatment",
               (said.reason, flag))

    # one plan per distinct group of the rows still standing: the key mixes the codes of
    # the columns that decide the factor (raw codes: two spellings of one value make two
    # groups with the same plan); a column that is one value on every row adds nothing
    live = ~rejects.mask
    # heat, water and waste factors are the UK's: the site's country goes into a note
    parts = [(kind.codes, len(kind.values)), (unit.codes, len(unit.values)),
             (year_codes, len(year_of_code))]
    relevant: list[np.ndarray | None] = [None, None, None]
    names = ["kind", "unit", "year"]
    for name, column, used_by in (("country", country, ("electricity", *UK_ONLY)),
                                  ("method", method, ("electricity",)),
                                  ("cv", cv, ("fuel",)), ("gas", gas, ("refrigerant",)),
                                  ("material", material, ("waste",)),
                                  ("disposal", disposal, ("waste",)),
                                  ("treatment", treatment, ("water",))):
        if not column.constant:
            parts.append((column.codes, len(column.values)))
            relevant.append(np.isin(family_of, [families.index(f) for f in used_by]))
            names.append(name)
    if has_supplier.any():  # (electricity rows only)
        parts.append((has_supplier, 2))
        relevant.append(None)
        names.append("sf")
    group, group_codes = _groups(parts, live, relevant)
    coded = dict(zip(names, group_codes, strict=True))
    grid_fs = load_factors(GRID_EDITION if grid is None else grid)
    gwp_fs = load_factors(GWP_EDITION if gwp_factors is None else gwp_factors)

    n_groups = len(group_codes[0])
    plans: list[Plan | None] = [None] * (2 * n_groups)  # main plans, then T&D plans
    notes = [""] * (2 * n_groups)
    failed: dict[int, tuple[str, str]] = {}
    served: dict[tuple[int, str], tuple[FactorSet, str]] = {}

    def serving(edition: FactorSet, category: str) -> tuple[FactorSet, str]:
        """:func:`edition_with` of an edition and category, once per call."""
        if (id(edition), category) not in served:
            served[id(edition), category] = edition_with(edition, category)
        return served[id(edition), category]

    # each group's values, from its codes for all groups at once (a column that is one
    # value on every row: code 0)
    def of_groups(name: str, values: np.ndarray) -> list[Any]:
        codes = coded.get(name)
        return values[np.zeros(n_groups, dtype=np.int64) if codes is None else codes].tolist()

    key_columns = {
        "kind": of_groups("kind", words.value),
        "country": of_groups("country", np.where(known, place.value, None)),
        "method": of_groups("method", method.values),
        "sf": of_groups("sf", np.array([False, True])),
        "cv": of_groups("cv", cv.values),
        "gas": of_groups("gas", gas.values),
        "material": of_groups("material", material.values),
        "disposal": of_groups("disposal", disposal.values),
        "treatment": of_groups("treatment", treatment.values),
    }
    group_units = of_groups("unit", unit.values)
    group_kinds = coded["kind"].tolist()
    group_years = of_groups("year", year_of_code)
    group_families = of_groups("kind", family_of)
    for g in range(n_groups):  # loop over distinct groups only
        f = families[group_families[g]]
        keys = {name: column[g] for name, column in key_columns.items()}
        fs_row, edition_note = editions[group_years[g]]
        lead = ""
        if edition_note_leads:  # the edition's note on every row, not beside its factor
            lead, edition_note = edition_note, ""
        try:
            plan, note, td, td_note = _group_plan(
                f, keys, group_units[g], fs_row, edition_note, group_years[g], grid_fs,
                gwp_fs, assessment, include_td, serving)
        except error_types() as exc:
            failed[g] = (getattr(exc, "column", None) or _DEFAULT_COLUMN.get(f, "kind"),
                         getattr(exc, "reason", None) or str(exc))
            continue
        # a kind word read by choice (coal: industrial) is noted on its rows
        kind_note = words.note[group_kinds[g]]
        plans[g], plans[n_groups + g] = plan, td
        if lead or kind_note:
            notes[g] = _join(lead, _join(kind_note, note))
            notes[n_groups + g] = _join(lead, _join(kind_note, td_note))
        else:
            notes[g], notes[n_groups + g] = note, td_note

    if failed:
        bad_groups = np.zeros(n_groups + 1, dtype=bool)
        bad_groups[list(failed)] = True
        hit = bad_groups[group] & live
        cols = np.array([failed.get(g, ("", ""))[0] for g in range(n_groups)] + [""],
                        dtype=object)
        whys = np.array([failed.get(g, ("", ""))[1] for g in range(n_groups)] + [""],
                        dtype=object)
        for name in np.unique(cols[list(failed)]):  # one column per failed group
            reject(hit & (cols == name)[group], str(name), whys[group])

    ok = ~rejects.mask
    every = bool(ok.all())
    rows = np.arange(n) if every else np.flatnonzero(ok)
    codes = group if every else group[ok]
    if include_td:
        has_td = np.array([p is not None for p in plans[n_groups:]] + [False], dtype=bool)
        td = has_td[codes]
        if td.any():
            rows = np.r_[rows, rows[td]]
            codes = np.r_[codes, codes[td] + n_groups]
            is_td = np.r_[np.zeros(len(td), dtype=bool), np.ones(int(td.sum()), dtype=bool)]
            order = np.lexsort((is_td, rows))
            rows, codes = rows[order], codes[order]
            every = False
    index = data.index if every else data.index[rows]
    return (_results(index, codes, plans, notes, amount if every else amount[rows],
                     supplier if every or supplier is None else supplier[rows]),
            rejects.frame(data.index))


def _method_or_reason(value: Any) -> str:
    word, reason, _ = normalise_one("electricity_method", value)
    return reason or word or "location"


def _cv_or_reason(value: Any) -> str:
    word, reason, _ = normalise_one("calorific_basis", value)
    return reason or word or "gross"


def _group_plan(fam: str, keys: dict[str, Any], unit: pint.Unit, fs: FactorSet,
                edition_note: str, year: int, grid_fs: FactorSet, gwp_fs: FactorSet,
                assessment: str, include_td: bool,
                serving: Callable[[FactorSet, str], tuple[FactorSet, str]] = edition_with,
                ) -> tuple[Plan, str, Plan | None, str]:
    """Plan, notes, T&D plan and T&D notes of one group (same choices as the scalars);
    ``serving`` is :func:`edition_with` (or a memo of it)."""
    year_or_none = None if year < 0 else year
    lead: list[str] = []
    td: Plan | None = None
    td_note = ""
    if fam == "electricity":
        country = str(keys["country"])
        if keys["method"] == "market":
            plan = market_plan(unit)
        else:
            plan = location_plan(fs, grid_fs, country, year_or_none, unit)
            if plan.factor_id == fs.id and edition_note:
                lead.append(edition_note)
            if keys["sf"]:
                lead.append("supplier_factor ignored: it applies to method='market' only")
        if include_td:
            try:
                td = td_plan(fs, country, unit)
            except error_types() as exc:
                lead.append(f"T&D losses not computed: {exc}")
            else:
                lead.append("T&D losses (scope 3) in the td_losses row that follows")
                td_note = "; ".join(n for n in (edition_note, *td.notes) if n)
    elif fam == "fuel":
        served, note = serving(fs, "fuel")  # no fuels before 2012: the nearest edition
        plan = fuel_plan_for(served, str(keys["kind"]), unit, str(keys["cv"]))
        lead.extend((edition_note, note))
    elif fam == "heat":
        plan = heat_plan(fs, str(keys["kind"]), unit)
        lead.append(edition_note)
        if include_td and normalise_heat_kind(str(keys["kind"])) == "district":
            try:
                td = heat_td_plan(fs, str(keys["kind"]), unit)
            except error_types() as exc:
                lead.append(f"distribution losses not computed: {exc}")
            else:
                td_note = "; ".join(n for n in (edition_note, *td.notes) if n)
    elif fam == "refrigerant":
        plan = refrigerant_plan(gwp_fs, str(keys["gas"]), assessment, unit)
    elif fam == "water":
        served, note = serving(fs, "water")
        plan = water_plan(served, unit, bool(keys["treatment"]))
        lead.extend((edition_note, note))
    else:
        served, note = serving(fs, "waste")
        plan = waste_plan(served, str(keys["material"]), str(keys["disposal"]), unit)
        lead.extend((edition_note, note))
    abroad = uk_factor_note(fam, keys["country"])
    if abroad and td is not None:
        td_note = "; ".join(n for n in (abroad, td_note) if n)
    return plan, "; ".join(n for n in (abroad, *lead, *plan.notes) if n), td, td_note


def _results(index: pd.Index, codes: np.ndarray, plans: list[Plan | None],
             notes: list[str], amount: np.ndarray, supplier: np.ndarray | None
             ) -> pd.DataFrame:
    """Result columns of rows labelled ``index`` whose plans are ``plans[codes]`` (their
    ``amount`` and ``supplier`` factor given per row): the figures by numpy gathers, the
    text as categoricals over the plans used."""
    used = np.flatnonzero(np.bincount(codes, minlength=len(plans)))
    if not len(used) or len(used) == int(used[-1]) + 1:  # plans 0..k-1: codes as they are
        local = codes
    else:
        remap = np.zeros(len(plans), dtype=np.int64)
        remap[used] = np.arange(len(used))
        local = remap[codes]
    chosen: list[Plan] = [plans[g] for g in used.tolist()]  # type: ignore[misc]
    out = apply_plans(amount, local, chosen, supplier)

    def text(values: list[str]) -> pd.Categorical:
        return categorical_from_table(local, values or [""])

    columns = {
        "category": text([p.category for p in chosen]),
        "scope": np.array([p.scope for p in chosen] or [0], dtype=np.int64)[local],
        "co2e_kg": out["co2e"],
        "co2_kg": out["co2"],
        "ch4_kg": out["ch4"],
        "n2o_kg": out["n2o"],
        "rf_kg": np.zeros(len(codes)),
        "biogenic_co2_kg": out["biogenic"],
        "memo_co2e_kg": out["memo"],
        "factor_id": text([p.factor_id for p in chosen]),
        "factor_key": text([p.factor_key for p in chosen]),
        "factor_value": out["factor_value"],
        "factor_unit": text([f"kgCO2e / {p.input_unit}" for p in chosen]),
        "method": text([p.method for p in chosen]),
        "notes": text([notes[g] for g in used.tolist()]),
    }
    return columns_frame({name: columns[name] for name in RESULT_COLUMNS}, index)
