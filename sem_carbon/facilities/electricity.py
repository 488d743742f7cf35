"""Purchased electricity (scope 2) and its transmission and distribution losses (scope 3).

Location-based: the grid intensity of the country and year. The UK (``GB``) uses the
DESNZ "UK electricity" generation factor of the edition (an edition of the user's without
one: the nearest DESNZ edition's, noted, as for heat, water and waste); every other country uses
Ember's average carbon intensity of electricity generation (edition ``ember-grid``) for
the activity year, or the nearest year Ember publishes for that country (earlier year on
a tie), and the substitution is recorded. Without a year, the latest Ember year of the
country is used. Ember's figure is a generation intensity (production based, no T&D
losses, lifecycle CO2e from its 2022 data on) and is on a different basis from DESNZ's
UK factor; every Ember-based result says so.

Own grid factors: a generation factor for a country added to the edition with
:meth:`~sem_carbon.factors.FactorSet.with_overrides` (keys ``country``, ``component`` =
``generation``, optional ``year``) is used for that country instead of Ember's; a whole
grid edition of the user's (``kind`` ``grid-intensity``, rows with or without ``year``)
replaces Ember through ``grid=``. A row without a year serves every year.

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

from ..errors import FactorIntegrityError, UnknownFactorError
from ..factors import Factor, FactorSet, per_edition
from ..factors.catalogue import edition_with
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
    "is_ember",
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


def _grid_years(grid: FactorSet, country: str) -> dict[int | None, int]:
    """``{year: row}`` of the generation intensities of ``country`` in an edition.

    A row without a year (a user's own figure, DESNZ's UK factor) is under the key None:
    it serves every year.
    """
    return _grid_rows(grid).get(country, {})


@per_edition
def _grid_rows(grid: FactorSet) -> dict[str, dict[int | None, int]]:
    """``{country: {year: row}}`` of an edition's generation intensities."""
    table: dict[str, dict[int | None, int]] = {}
    if "electricity" not in grid.categories:
        return table
    frame = grid.table("electricity")
    n = len(frame)
    years = frame["year"] if "year" in frame.columns else [""] * n
    components = frame["component"] if "component" in frame.columns else [""] * n
    for i, (c, y, comp) in enumerate(zip(frame["country"], years, components, strict=True)):
        if str(comp) not in ("", "generation"):
            continue
        text = str(y).strip()
        if text and not text.isdigit():
            raise FactorIntegrityError(
                f"{grid.id}: electricity factor for {c} has year {y!r}, not a year")
        table.setdefault(str(c), {})[int(text) if text else None] = i
    return table


def is_ember(grid: FactorSet) -> bool:
    """True for an edition of Ember's grid intensities (its notes apply to the results)."""
    return grid.id == GRID_EDITION or grid.publisher.lower().startswith("ember")


def ember_year(grid: FactorSet, country: str, year: int | None
               ) -> tuple[int | None, int, str]:
    """Year to use for ``country`` in a grid edition, its row, and a substitution note.

    The row of the activity year when the edition has one; else a row without a year (a
    figure for every year, e.g. a user's own); else the nearest year (earlier on a tie),
    with a note; without an activity year, the latest year, with a note.

    Parameters
    ----------
    grid : FactorSet
        Grid-intensity edition (``ember-grid`` or a user's), or any edition with
        ``electricity`` generation rows per country.
    country : str
        ISO alpha-2 code.
    year : int or None
        Activity year; None for the latest year published for the country.

    Returns
    -------
    (year, row, note) : tuple
        ``year`` is None when the row has no year.

    Raises
    ------
    UnknownFactorError
        The edition has no figure for the country.
    """
    years = _grid_years(grid, country)
    if not years:
        covered = len(_grid_rows(grid))
        raise reject_as(UnknownFactorError(
            f"{grid.id} publishes no grid intensity for country {country!r} "
            f"({covered} countries are covered)"), "country")
    dated = {y: row for y, row in years.items() if y is not None}
    if year is not None and int(year) in dated:
        return int(year), dated[int(year)], ""
    if None in years:
        return None, years[None], ""
    name = "Ember" if is_ember(grid) else grid.id
    if year is None:
        latest = max(dated)
        return latest, dated[latest], (f"no activity year given: used the latest {grid.id} "
                                       f"year for {country}, {latest}")
    year = int(year)
    nearest = min(dated, key=lambda y: (abs(y - year), y > year))
    return nearest, dated[nearest], f"no {name} {year} figure for {country}; used {nearest}"


def location_plan(fs: FactorSet, grid: FactorSet, country: str, year: int | None,
                  unit: pint.Unit) -> Plan:
    """Location-based effective factor for ``country`` and ``year`` (cached).

    A generation factor for the country in ``fs`` wins: DESNZ's UK factor for ``GB``, a
    user's own figure added with :meth:`FactorSet.with_overrides`, or any country of a
    grid edition given as ``fs``. ``GB`` without a factor in ``fs`` (an edition of the
    user's without UK electricity) uses the nearest DESNZ edition that publishes it
    (:func:`~sem_carbon.factors.catalogue.edition_with`, by the edition's year, noted),
    as heat, water and waste do. Other countries use ``grid`` (Ember by default, or a
    user's grid edition).

    Raises
    ------
    pint.DimensionalityError
        ``unit`` is not an energy unit.
    UnknownFactorError
        No grid intensity for the country.
    """
    return fs.derived(("location_plan", grid, country, year, unit),
                      lambda: _location_plan(fs, grid, country, year, unit))


def _location_plan(fs: FactorSet, grid: FactorSet, country: str, year: int | None,
                   unit: pint.Unit) -> Plan:
    dimension_of(unit, ("energy",), "electricity")
    own = bool(_grid_years(fs, country)) or fs.kind == "grid-intensity"
    served = ""
    if own:
        source = fs
    elif country == "GB":
        # the UK's factor is DESNZ's, as heat, water and waste are: an edition without it
        # takes the nearest DESNZ edition that has it, with a note (never Ember's UK grid)
        source, served = edition_with(fs, "electricity", what="UK electricity factors",
                                      country="GB", component="generation")
    else:
        source = grid
    used, row, note = ember_year(source, country, year)
    factor = row_factor(source, "electricity", row)
    notes = [n for n in (served, note) if n]
    if source is not grid and country == "GB" and factor.source_table != "user override" \
            and not is_ember(source) and source.kind == "emission-factors":
        method = f"location-based: DESNZ UK grid electricity generation factor ({source.id})"
    elif is_ember(source):
        method = f"location-based: Ember grid intensity of generation, {used} ({source.id})"
        notes.append(EMBER_BASIS_NOTE)
        if used is not None and used < EMBER_METHOD_CHANGE:
            notes.append(f"Ember {used} figure predates Ember's current lifecycle-CO2e method "
                         f"(used from {EMBER_METHOD_CHANGE}): not directly comparable with "
                         "later years")
    else:
        label = f" ({factor.label})" if factor.label else ""
        method = (f"location-based: grid factor for {country}{label}"
                  f"{'' if used is None else f', {used}'} ({source.id})")
    activity = {"country": country, "grid_year": source.year if used is None else used}
    plan = Plan(
        category="electricity", scope=2,
        per_unit=kg_per_unit(unit, factor.value),
        factor=factor, factor_id=source.id, factor_key=factor_key(factor), method=method,
        input_unit=unit_text(unit),
        gases={g: kg_per_unit(unit, q) for g, q in factor.gases.items()},
        notes=tuple(notes), activity=activity,
    )
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


@per_edition
def td_plan(fs: FactorSet, country: str, unit: pint.Unit) -> Plan:
    """T&D losses of electricity used in ``country`` (DESNZ, UK only), scope 3.

    An edition of the user's without the UK T&D factor uses the nearest DESNZ edition's
    (:func:`~sem_carbon.factors.catalogue.edition_with`), noted on the plan.

    Raises
    ------
    UnknownFactorError
        Not the UK, or the edition has no T&D factor.
    """
    dimension_of(unit, ("energy",), "electricity T&D losses")
    row = find_row(fs, "electricity", country=country, component="td_losses")
    served = ""
    if row < 0 and country == "GB" and fs.kind == "emission-factors":
        # an edition of the user's without them: the nearest DESNZ edition's, noted
        fs, served = edition_with(fs, "electricity", what="UK electricity T&D-loss factors",
                                  country="GB", component="td_losses")
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
        notes=(served,) if served else (), activity={"country": country},
    )
    return plan
