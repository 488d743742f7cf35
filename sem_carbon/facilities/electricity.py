"""Purchased electricity (scope 2) and its transmission and distribution losses (scope 3).

Location-based: the grid intensity of the country and year. The UK (``GB``) uses the
DESNZ "UK electricity" generation factor of the edition; every other country uses
Ember's average carbon intensity of electricity generation (edition ``ember-grid``) for
the activity year, or the nearest year Ember publishes for that country (earlier year on
a tie), and the substitution is recorded. Without a year, the latest Ember year of the
country is used. Ember's figure is a generation intensity (production based, no T&D
losses, lifecycle CO2e from its 2022 data on) and is on a different basis from DESNZ's
UK factor; every Ember-based result says so.

Market-based: energy x a supplier or certificate factor given by the user [kgCO2e/kWh].

T&D losses: DESNZ publishes them for UK electricity only ("Transmission and
distribution", scope 3). They are a separate result (category ``td_losses``): the scalar
:func:`~sem_carbon.facilities.electricity_td` and, in the batch path, an extra row when
``include_td=True``. No open source publishes T&D losses for other countries, so none is
computed for them (the electricity result notes it).

References
----------
.. [1] DESNZ/BEIS, Greenhouse gas reporting: conversion factors (2019-2024), sheets
   "UK electricity" and "Transmission and distribution".
.. [2] Ember, Yearly Electricity Data, as republished in the Green Web Foundation's CO2.js
   (CC BY-SA 4.0).
.. [3] WRI/WBCSD, GHG Protocol Scope 2 Guidance (2015): location- and market-based methods.
"""

from __future__ import annotations

import pint

from ..errors import UnknownFactorError
from ..factors import Factor, FactorSet
from ..units import Q_
from ._common import (
    Plan,
    dimension_of,
    factor_key,
    find_row,
    kg_per_unit,
    reject_as,
    row_factor,
    unit_text,
)

__all__ = [
    "EMBER_BASIS_NOTE",
    "EMBER_METHOD_CHANGE",
    "GRID_EDITION",
    "ember_year",
    "location_plan",
    "market_plan",
    "td_plan",
]

#: Default grid-intensity edition for countries other than the UK.
GRID_EDITION = "ember-grid"

#: First data year of Ember's current (lifecycle CO2e) method in the ember-grid edition.
EMBER_METHOD_CHANGE = 2022

#: Recorded on every Ember-based result.
EMBER_BASIS_NOTE = (
    "Ember's figure is the average carbon intensity of the country's electricity "
    "generation (production based, no T&D losses): a different basis from DESNZ's UK "
    "grid factor, so the two are not directly comparable"
)


def _grid_years(grid: FactorSet, country: str) -> dict[int, int]:
    """``{year: row}`` of the generation intensities of ``country`` in a grid edition."""
    cache_key = "facilities_grid_years"
    if cache_key not in grid._cache:
        frame = grid.table("electricity")
        table: dict[str, dict[int, int]] = {}
        years = frame["year"] if "year" in frame.columns else [""] * len(frame)
        components = frame["component"] if "component" in frame.columns else [""] * len(frame)
        for i, (c, y, comp) in enumerate(zip(frame["country"], years, components, strict=True)):
            if str(comp) in ("", "generation") and str(y).strip():
                table.setdefault(str(c), {})[int(y)] = i
        grid._cache[cache_key] = table
    return grid._cache[cache_key].get(country, {})


def ember_year(grid: FactorSet, country: str, year: int | None) -> tuple[int, int, str]:
    """Year to use for ``country`` in a grid edition, its row, and a substitution note.

    Parameters
    ----------
    grid : FactorSet
        Grid-intensity edition (``ember-grid``).
    country : str
        ISO alpha-2 code.
    year : int or None
        Activity year; None for the latest year published for the country.

    Raises
    ------
    UnknownFactorError
        The edition has no figure for the country.
    """
    years = _grid_years(grid, country)
    if not years:
        raise reject_as(UnknownFactorError(
            f"{grid.id} publishes no grid intensity for country {country!r} "
            f"({len(grid._cache['facilities_grid_years'])} countries are covered)"), "country")
    if year is None:
        latest = max(years)
        return latest, years[latest], (f"no activity year given: used the latest {grid.id} "
                                       f"year for {country}, {latest}")
    year = int(year)
    if year in years:
        return year, years[year], ""
    nearest = min(years, key=lambda y: (abs(y - year), y > year))
    return nearest, years[nearest], f"no Ember {year} figure for {country}; used {nearest}"


def location_plan(fs: FactorSet, grid: FactorSet, country: str, year: int | None,
                  unit: pint.Unit) -> Plan:
    """Location-based effective factor for ``country`` and ``year`` (cached).

    ``GB`` uses the DESNZ edition ``fs`` (unless ``fs`` is itself a grid edition); other
    countries use ``grid``.

    Raises
    ------
    pint.DimensionalityError
        ``unit`` is not an energy unit.
    UnknownFactorError
        No grid intensity for the country.
    """
    cache_key = ("facilities_elec_plan", grid.id, id(grid), country, year, unit)
    if cache_key in fs._cache:
        return fs._cache[cache_key]
    dimension_of(unit, ("energy",), "electricity")
    desnz_row = -1
    if country == "GB" and fs.kind != "grid-intensity":
        desnz_row = find_row(fs, "electricity", country="GB", component="generation")
    notes: list[str] = []
    if desnz_row >= 0:
        source, factor = fs, row_factor(fs, "electricity", desnz_row)
        method = f"location-based: DESNZ UK grid electricity generation factor ({fs.id})"
        activity = {"country": country, "grid_year": fs.year}
    else:
        source = fs if fs.kind == "grid-intensity" else grid
        used, row, note = ember_year(source, country, year)
        factor = row_factor(source, "electricity", row)
        method = f"location-based: Ember grid intensity of generation, {used} ({source.id})"
        notes = [n for n in (note, EMBER_BASIS_NOTE) if n]
        if used < EMBER_METHOD_CHANGE:
            notes.append(f"Ember {used} figure predates Ember's current lifecycle-CO2e method "
                         f"(used from {EMBER_METHOD_CHANGE}): not directly comparable with "
                         "later years")
        activity = {"country": country, "grid_year": used}
    plan = Plan(
        category="electricity", scope=2,
        per_unit=kg_per_unit(unit, factor.value),
        factor=factor, factor_id=source.id, factor_key=factor_key(factor), method=method,
        input_unit=unit_text(unit),
        gases={g: kg_per_unit(unit, q) for g, q in factor.gases.items()},
        notes=tuple(notes), activity=activity,
    )
    fs._cache[cache_key] = plan
    return plan


def market_plan(unit: pint.Unit, supplier: float | None = None) -> Plan:
    """Market-based plan: kWh per input unit, scaled per row by the supplier factor.

    Parameters
    ----------
    unit : pint.Unit
        Energy unit of the amounts.
    supplier : float, optional
        Supplier factor [kgCO2e/kWh] shown in :attr:`Plan.factor` (scalar calls).
    """
    dimension_of(unit, ("energy",), "electricity")
    kwh = float(Q_(1.0, unit).m_as("kWh"))
    factor = Factor(
        edition="user", category="electricity", keys={"method": "market"},
        value=Q_(float("nan") if supplier is None else float(supplier), "kgCO2e / kWh"),
        label="supplier or energy-attribute-certificate factor given by the user",
        source_table="user input", source="user-supplied market-based factor",
    )
    return Plan(
        category="electricity", scope=2, per_unit=kwh, factor=factor, factor_id="user",
        factor_key="electricity:market/supplier",
        method="market-based: supplier or certificate factor given by the user",
        input_unit=unit_text(unit), row_scaled=True,
    )


def td_plan(fs: FactorSet, country: str, unit: pint.Unit) -> Plan:
    """T&D losses of electricity used in ``country`` (DESNZ, UK only), scope 3.

    Raises
    ------
    UnknownFactorError
        Not the UK, or the edition has no T&D factor.
    """
    cache_key = ("facilities_td_plan", country, unit)
    if cache_key in fs._cache:
        return fs._cache[cache_key]
    dimension_of(unit, ("energy",), "electricity T&D losses")
    row = find_row(fs, "electricity", country=country, component="td_losses")
    if row < 0:
        raise reject_as(UnknownFactorError(
            f"no T&D-loss factor for electricity in {country!r} in {fs.id}: DESNZ publishes "
            "T&D losses for UK (GB) electricity only and no open source covers other "
            "countries"), "country")
    factor = row_factor(fs, "electricity", row)
    plan = Plan(
        category="td_losses", scope=3, per_unit=kg_per_unit(unit, factor.value),
        factor=factor, factor_id=fs.id, factor_key=factor_key(factor),
        method=f"DESNZ UK electricity transmission and distribution losses ({fs.id})",
        input_unit=unit_text(unit),
        gases={g: kg_per_unit(unit, q) for g, q in factor.gases.items()},
        activity={"country": country},
    )
    fs._cache[cache_key] = plan
    return plan
