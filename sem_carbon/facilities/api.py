"""Scalar facilities calculators: one activity in, one :class:`~sem_carbon.Emission` out.

Each helper builds the same per-group :class:`~sem_carbon.facilities._common.Plan` as
:func:`~sem_carbon.facilities.compute_facilities` and applies it with the same numpy
kernel to a length-1 array, so an activity computed alone and inside a table give
identical numbers.

T&D losses (a design choice): a result has one scope, so electricity (scope 2) and its
transmission and distribution losses (scope 3) are two results. :func:`electricity_td`
(and :func:`heat_td` for district heat) return the losses; ``include_td=True`` on
:func:`electricity` / :func:`heat` adds the loss figure to ``activity["td_losses_co2e"]``
and a note, but never to ``co2e``. In tables, ``include_td=True`` adds a ``td_losses`` row.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pint

from ..emission import Emission
from ..errors import InvalidActivityError, UnitError, UnknownCountryError, UnknownFactorError
from ..factors import FactorSet, load_factors
from ..factors.catalogue import edition_with, resolve_edition
from ..geo.countries import normalise_country, suggest
from ..limits import MAX_SUPPLIER_FACTOR_KG_PER_KWH, SUPPLIER_FACTOR_REASON, checked_year
from ..units import Q_, as_quantity, parse_quantity, parse_unit
from ._common import KGCO2E, Plan, apply_plans, dimension_of, uk_factor_note
from .electricity import GRID_EDITION, location_plan, market_plan, td_plan
from .fuels import fuel_plan_for
from .heat import heat_plan, heat_td_plan
from .names import normalise_heat_kind, normalise_method
from .refrigerants import GWP_EDITION, refrigerant_plan
from .waste import waste_plan
from .water import water_plan

__all__ = [
    "electricity",
    "electricity_td",
    "fuel",
    "heat",
    "heat_td",
    "refrigerant",
    "waste",
    "water",
]

Factors = str | FactorSet | None


_EXAMPLE = {"energy": "sc.Q_(1200, 'kWh')", "volume": "sc.Q_(35, 'm^3')",
            "mass": "sc.Q_(2.5, 'kg')"}


def _amount(value: Any, allowed: tuple[str, ...], name: str, what: str) -> pint.Quantity:
    """A finite, non-negative Quantity of one of the ``allowed`` dimensions."""
    if isinstance(value, str):
        value = parse_quantity(value, name)
    if not isinstance(value, pint.Quantity):
        raise UnitError(
            f"{name} must be a pint Quantity with units of {' or '.join(allowed)} "
            f"(e.g. {_EXAMPLE[allowed[0]]}), got the plain value {value!r}")
    dimension_of(value.units, allowed, what)
    magnitude = float(value.m)
    if not np.isfinite(magnitude) or magnitude < 0:
        raise InvalidActivityError(f"{name} must be finite and >= 0, got {value!r}")
    return value


def _supplier_factor(value: Any) -> float:
    """Supplier factor [kgCO2e/kWh] from a Quantity of CO2e per energy."""
    if isinstance(value, str):
        value = parse_quantity(value, "supplier_factor")
    if not isinstance(value, pint.Quantity):
        raise UnitError(
            "supplier_factor must be a pint Quantity of CO2e per energy "
            f"(e.g. sc.Q_(0.05, 'kgCO2e/kWh')), got the plain value {value!r}")
    kg_per_kwh = float(as_quantity(value, "[co2e] / [energy]", "supplier_factor")
                       .m_as("kgCO2e / kWh"))
    if not np.isfinite(kg_per_kwh) or kg_per_kwh < 0:
        raise InvalidActivityError(f"supplier_factor must be finite and >= 0, got {value!r}")
    if kg_per_kwh > MAX_SUPPLIER_FACTOR_KG_PER_KWH:
        raise InvalidActivityError(f"supplier_factor {value!r} ({kg_per_kwh:g} kgCO2e/kWh): "
                                   f"{SUPPLIER_FACTOR_REASON}")
    return kg_per_kwh


def _country(country: Any) -> str:
    if isinstance(country, str):
        return _country_text(country)
    code, known = normalise_country([country])
    if not known[0]:
        raise UnknownCountryError(f"unknown country {country!r}{suggest(str(country))}")
    return str(code[0])


@lru_cache(maxsize=1024)
def _country_text(country: str) -> str:
    code, known = normalise_country([country])
    if not known[0]:
        raise UnknownCountryError(f"unknown country {country!r}{suggest(str(country))}")
    return str(code[0])


def _where(code: str | None) -> dict[str, str]:
    """``{"country": code}`` when a site country was given, else nothing."""
    return {"country": code} if code else {}


def _emit(plan: Plan, amount: pint.Quantity, activity: dict[str, Any],
          notes: list[str] | tuple[str, ...] = (), row_scale: float | None = None,
          factor: Any = None) -> Emission:
    """Apply ``plan`` to one amount and wrap the numbers in an :class:`Emission`."""
    magnitude = float(amount.m)
    scale = None if row_scale is None else np.array([row_scale], dtype=float)
    out = apply_plans(np.array([magnitude]), np.zeros(1, dtype=np.int64), [plan], scale)
    details: dict[str, Any] = dict(activity)
    for key, value in plan.activity.items():
        if key.endswith("_per_unit"):
            details[key.replace("_per_unit", "_co2e")] = Q_(magnitude * value, KGCO2E)
        else:
            details.setdefault(key, value)
    details["effective_factor"] = Q_(float(out["factor_value"][0]),
                                     parse_unit(f"kgCO2e / ({plan.input_unit})"))
    if plan.memo:
        details["memo_co2e"] = Q_(float(out["memo"][0]), KGCO2E)
    biogenic = float(out["biogenic"][0])
    return Emission(
        co2e=Q_(float(out["co2e"][0]), KGCO2E),
        scope=plan.scope,
        category=plan.category,
        activity=details,
        factor=plan.factor if factor is None else factor,
        method=plan.method,
        gases={g: Q_(magnitude * v, KGCO2E) for g, v in plan.gases.items()},
        radiative_forcing=Q_(0.0, KGCO2E),
        biogenic_co2=Q_(biogenic, KGCO2E) if np.isfinite(biogenic) else None,
        memo=bool(plan.memo) and plan.per_unit == 0.0,
        notes=tuple(n for n in (*notes, *plan.notes) if n),
    )


def _grid(grid: Factors) -> FactorSet:
    return load_factors(GRID_EDITION if grid is None else grid)


def electricity(
    energy: pint.Quantity,
    country: str,
    year: int | None = None,
    method: str = "location",
    supplier_factor: pint.Quantity | None = None,
    include_td: bool = False,
    factors: Factors = None,
    grid: Factors = None,
) -> Emission:
    """Emissions of purchased electricity (scope 2).

    Parameters
    ----------
    energy : Quantity [energy]
        Electricity used, e.g. ``sc.Q_(12_000, "kWh")`` (kWh, MWh, GJ ...).
    country : str
        ISO alpha-2 / alpha-3 code or English name of where it was used.
    year : int, optional
        Activity year: picks the DESNZ edition (UK) and the Ember year (other countries;
        the nearest year Ember publishes when that year is missing, recorded in
        ``notes``). None: newest DESNZ edition and latest Ember year of the country.
    method : {"location", "market"}, default "location"
        Location-based grid average, or market-based with ``supplier_factor``.
    supplier_factor : Quantity [CO2e / energy], optional
        Supplier or certificate emission factor, e.g. ``sc.Q_(0.05, "kgCO2e/kWh")``;
        required for ``method="market"``, ignored (with a note) otherwise. At most
        :data:`~sem_carbon.limits.MAX_SUPPLIER_FACTOR_KG_PER_KWH` (2 kgCO2e/kWh, more
        than any generation technology emits).
    include_td : bool, default False
        Also compute the UK T&D losses (scope 3) and put them in
        ``activity["td_losses_co2e"]``; ``co2e`` stays the scope 2 figure. Use
        :func:`electricity_td` for the losses as their own result.
    factors : str or FactorSet, optional
        DESNZ edition for the UK and T&D (default: edition of ``year``, else newest).
        An edition of the user's without a UK factor takes the nearest DESNZ edition's
        (noted). A grid-intensity edition here is used for every country it covers, the
        UK included.
    grid : str or FactorSet, optional
        Grid-intensity edition for other countries; default ``"ember-grid"``.

    Returns
    -------
    Emission
        ``co2e`` [kgCO2e] = energy [kWh] x grid intensity [kgCO2e/kWh].

    Raises
    ------
    UnitError
        ``energy`` or ``supplier_factor`` is a plain number.
    pint.DimensionalityError
        ``energy`` is not an energy (litres, km ...).
    InvalidActivityError
        ``method="market"`` without ``supplier_factor``, a supplier factor that is
        negative or over 2 kgCO2e/kWh (a unit slip: g/kWh or kg/MWh given as kg/kWh), or
        an unknown method.
    UnknownCountryError, UnknownFactorError
        Unknown country, or no grid intensity for it.

    References
    ----------
    .. [1] DESNZ, GHG conversion factors, sheets "UK electricity", "Transmission and
       distribution".
    .. [2] Ember, Yearly Electricity Data (via CO2.js, CC BY-SA 4.0).

    Examples
    --------
    10,000 kWh in India in 2020 (Ember 2020: 625.573 gCO2e/kWh):
    10,000 x 0.625573 = 6,255.73 kgCO2e.
    """
    q = _amount(energy, ("energy",), "energy", "electricity")
    how = normalise_method(method)
    code = _country(country)
    fs, edition_note = resolve_edition(factors, year)
    notes: list[str] = []
    factor = None
    scale = None
    if how == "market":
        if supplier_factor is None:
            raise InvalidActivityError(
                "market-based electricity needs supplier_factor: the supplier's or "
                "certificate's emission factor, e.g. sc.Q_(0.05, 'kgCO2e/kWh')")
        scale = _supplier_factor(supplier_factor)
        plan = market_plan(q.units, scale)
        factor = plan.factor
    else:
        if supplier_factor is not None:
            _supplier_factor(supplier_factor)  # checked as the readers check it, then unused
            notes.append("supplier_factor ignored: it applies to method='market' only")
        plan = location_plan(fs, _grid(grid), code, year, q.units)
        if plan.factor_id == fs.id and edition_note:
            notes.insert(0, edition_note)
    activity: dict[str, Any] = {"energy": q, "country": code, "year": year, "method": how}
    if _flag(include_td, "include_td"):
        try:
            td = td_plan(fs, code, q.units)
        except UnknownFactorError as exc:
            notes.append(f"T&D losses not computed: {exc}")
        else:
            activity["td_losses_co2e"] = Q_(float(q.m) * td.per_unit, KGCO2E)
            notes.append(f"T&D losses (scope 3, {td.factor_id}) are not in co2e: see "
                         "activity['td_losses_co2e'] or electricity_td()")
    return _emit(plan, q, activity, notes, scale, factor)


def electricity_td(energy: pint.Quantity, country: str = "GB", year: int | None = None,
                   factors: Factors = None) -> Emission:
    """Transmission and distribution losses of purchased electricity (scope 3).

    Parameters
    ----------
    energy : Quantity [energy]
        Electricity used (not the losses).
    country : str, default "GB"
        Only the UK is covered: DESNZ publishes T&D losses for UK electricity and no open
        source publishes them for other countries.
    year, factors
        As for :func:`electricity`.

    Returns
    -------
    Emission
        Category ``td_losses``; ``co2e`` = energy [kWh] x DESNZ T&D factor [kgCO2e/kWh].

    Raises
    ------
    UnknownFactorError
        A country other than the UK.

    References
    ----------
    .. [1] DESNZ, GHG conversion factors, sheet "Transmission and distribution".

    Examples
    --------
    10,000 kWh in the UK, 2024 (0.01830 kgCO2e/kWh): 183.0 kgCO2e.
    """
    q = _amount(energy, ("energy",), "energy", "electricity")
    code = _country(country)
    fs, note = resolve_edition(factors, year)
    plan = td_plan(fs, code, q.units)
    return _emit(plan, q, {"energy": q, "country": code, "year": year}, [note])


def fuel(kind: str, amount: pint.Quantity, factors: Factors = None, year: int | None = None,
         cv: str = "gross") -> Emission:
    """Emissions of burning a fuel on site (scope 1).

    Parameters
    ----------
    kind : str
        Fuel name: a DESNZ fuel key (``natural_gas``, ``diesel``, ``gas_oil``,
        ``wood_pellets`` ...) or a friendly name ("Natural gas", "heating oil" /
        "kerosene" -> burning oil, "gasoil" / "red diesel" -> gas oil, "propane" where
        the edition publishes it). Case and spacing do not matter.
    amount : Quantity [energy, volume or mass]
        E.g. ``sc.Q_(1200, "kWh")``, ``sc.Q_(500, "L")``, ``sc.Q_(2, "t")``.
    factors : str or FactorSet, optional
        DESNZ edition; default: the edition of ``year``, else the newest.
    year : int, optional
        Activity year.
    cv : {"gross", "net"}, default "gross"
        Calorific-value basis of an energy amount (bills are usually gross).

    Returns
    -------
    Emission
        ``co2e`` [kgCO2e] (per-gas split in ``gases``); biogenic CO2 outside the scopes
        in ``biogenic_co2`` (None when the fuel has none). Conversions through the
        edition's fuel properties are recorded in ``notes``.

    Raises
    ------
    UnitError
        ``amount`` is a plain number.
    pint.DimensionalityError
        ``amount`` is not energy, volume or mass.
    UnknownFactorError
        Unknown fuel (close matches listed), or no factor and no property to convert.

    References
    ----------
    .. [1] DESNZ, GHG conversion factors, sheets "Fuels", "Bioenergy", "Outside of
       scopes", "Fuel properties".

    Examples
    --------
    1,000 L of diesel, desnz-2024 (2.51279 kgCO2e/L): 2,512.79 kgCO2e, plus biogenic
    CO2 1,000 x 0.16 = 160 kg outside the scopes.
    """
    q = _amount(amount, ("energy", "volume", "mass"), "amount", f"fuel {kind!r}")
    fs, note = resolve_edition(factors, year)
    fs, served = edition_with(fs, "fuel")
    plan = fuel_plan_for(fs, kind, q.units, cv)
    return _emit(plan, q, {"kind": kind, "amount": q, "year": year}, [note, served])


def heat(energy: pint.Quantity, kind: str = "district", factors: Factors = None,
         year: int | None = None, include_td: bool = False,
         country: str | None = None) -> Emission:
    """Emissions of purchased heat and steam (scope 2).

    Parameters
    ----------
    energy : Quantity [energy]
        Heat delivered, e.g. ``sc.Q_(50, "MWh")``.
    kind : str, default "district"
        "district" (district heat and steam) or "onsite" (heat and steam bought from an
        on-site plant run by someone else).
    factors, year
        As for :func:`fuel`. DESNZ publishes heat factors in its full sets only (2019 here):
        other editions use the nearest edition that has them, recorded in ``notes``.
    include_td : bool, default False
        District heat only (on-site heat has no network losses): put the distribution
        losses (scope 3) in ``activity["td_losses_co2e"]``; see :func:`heat_td`.
    country : str, optional
        Where the site is (ISO code or English name). DESNZ's heat and steam factors describe
        the UK: for a site elsewhere the result says so in ``notes`` (starting with
        :data:`~sem_carbon.facilities.UK_FACTOR_ABROAD`).

    Returns
    -------
    Emission

    References
    ----------
    .. [1] BEIS, GHG conversion factors 2019 (full set), sheet "Heat and steam".

    Examples
    --------
    10,000 kWh of district heat, desnz-2019 (0.17606 kgCO2e/kWh): 1,760.6 kgCO2e.
    """
    q = _amount(energy, ("energy",), "energy", "heat")
    code = None if country is None else _country(country)
    fs, note = resolve_edition(factors, year)
    plan = heat_plan(fs, kind, q.units)
    notes = [uk_factor_note("heat", code), note]
    activity: dict[str, Any] = {"energy": q, "year": year, **_where(code)}
    if _flag(include_td, "include_td") and normalise_heat_kind(kind) == "district":
        try:
            td = heat_td_plan(fs, kind, q.units)
        except UnknownFactorError as exc:
            notes.append(f"distribution losses not computed: {exc}")
        else:
            activity["td_losses_co2e"] = Q_(float(q.m) * td.per_unit, KGCO2E)
            notes.append("distribution losses (scope 3) are not in co2e: see "
                         "activity['td_losses_co2e'] or heat_td()")
    return _emit(plan, q, activity, notes)


def heat_td(energy: pint.Quantity, kind: str = "district", factors: Factors = None,
            year: int | None = None, country: str | None = None) -> Emission:
    """Distribution losses of district heat and steam (scope 3, category ``td_losses``).

    Parameters
    ----------
    energy : Quantity [energy]
        Heat delivered (not the losses).
    kind : str, default "district"
        Only district heat has distribution losses in DESNZ.
    factors, year
        As for :func:`fuel`.
    country : str, optional
        Where the site is (ISO code or English name). DESNZ's district heat factors describe
        the UK: for a site elsewhere the result says so in ``notes`` (starting with
        :data:`~sem_carbon.facilities.UK_FACTOR_ABROAD`).

    Returns
    -------
    Emission
        ``co2e`` = energy [kWh] x DESNZ "Distribution - district heat & steam" factor
        [kgCO2e/kWh] (a 5% loss).

    Raises
    ------
    UnknownFactorError
        ``kind`` is not district heat.

    References
    ----------
    .. [1] DESNZ, GHG conversion factors, sheet "Transmission and distribution".

    Examples
    --------
    10,000 kWh of district heat, desnz-2024 (0.00946 kgCO2e/kWh): 94.6 kgCO2e.
    """
    q = _amount(energy, ("energy",), "energy", "heat")
    code = None if country is None else _country(country)
    fs, note = resolve_edition(factors, year)
    plan = heat_td_plan(fs, kind, q.units)
    return _emit(plan, q, {"energy": q, "year": year, **_where(code)},
                 [uk_factor_note("heat", code), note])


def _gwp_edition(factors: Factors) -> FactorSet:
    if factors is not None:
        chosen = load_factors(factors)
        if "gwp" in chosen.categories:
            return chosen
    return load_factors(GWP_EDITION)


def refrigerant(gas: str, leaked_mass: pint.Quantity, gwp: str = "AR5",
                factors: Factors = None, year: int | None = None) -> Emission:
    """Emissions of a refrigerant (or other fugitive gas) leak (scope 1).

    Parameters
    ----------
    gas : str
        Gas or blend: "R-410A", "R410a", "HFC-134a", "R-134a", "SF6", "R-22", ...
    leaked_mass : Quantity [mass]
        Mass leaked (top-up quantity), e.g. ``sc.Q_(2.5, "kg")``.
    gwp : {"AR4", "AR5", "AR6"}, default "AR5"
        IPCC assessment of the GWP-100 values; recorded in ``activity["gwp"]``.
    factors : str or FactorSet, optional
        GWP edition (default ``"ipcc-gwp"``). A DESNZ edition given here is accepted
        for uniformity with the other helpers; the GWPs still come from ``ipcc-gwp``.
    year : int, optional
        Activity year (recorded only: GWPs do not change by year); a whole number
        1950-2100, as everywhere (else :class:`~sem_carbon.errors.InvalidActivityError`).

    Returns
    -------
    Emission
        ``co2e`` = mass [kg] x GWP [kgCO2e/kg]. Montreal-Protocol gases (CFCs, HCFCs,
        halons ...) give ``co2e = 0``, ``memo=True`` and the figure in
        ``activity["memo_co2e"]``; blends mixing Kyoto and Montreal gases split the two.

    References
    ----------
    .. [1] IPCC AR4/AR5/AR6 WGI GWP-100 (``globalwarmingpotentials``, CC0).
    .. [2] ANSI/ASHRAE Standard 34 blend compositions.

    Examples
    --------
    2 kg of R-410A (50% HFC-32, 50% HFC-125), AR5: 2 x (0.5 x 677 + 0.5 x 3170)
    = 2 x 1923.5 = 3,847 kgCO2e.
    """
    q = _amount(leaked_mass, ("mass",), "leaked_mass", "refrigerant")
    if year is not None:
        year = checked_year(year)  # recorded: a year the readers would reject is none
    source = _gwp_edition(factors)
    plan = refrigerant_plan(source, gas, gwp, q.units)
    return _emit(plan, q, {"gas_name": gas, "leaked_mass": q, "year": year})


def _flag(value: Any, name: str) -> bool:
    """A yes/no argument read as the readers read yes/no (``"no"`` is False, never
    ``bool("no")``); an unreadable value raises InvalidActivityError."""
    from ..vocabulary import yes_no_argument

    return yes_no_argument(value, name, error=InvalidActivityError)


def water(volume: pint.Quantity, treatment: bool = True, factors: Factors = None,
          year: int | None = None, country: str | None = None) -> Emission:
    """Emissions of mains water supply, and its treatment after use (scope 3).

    Parameters
    ----------
    volume : Quantity [volume]
        Water used, e.g. ``sc.Q_(1200, "m^3")``.
    treatment : bool, default True
        Add the waste-water treatment factor (water returned to sewer).
    factors, year
        As for :func:`fuel`.
    country : str, optional
        Where the site is (ISO code or English name). DESNZ's water factors describe
        the UK: for a site elsewhere the result says so in ``notes`` (starting with
        :data:`~sem_carbon.facilities.UK_FACTOR_ABROAD`).

    Returns
    -------
    Emission
        ``co2e`` = volume [m^3] x (supply + treatment) [kgCO2e/m^3]; the two parts are
        in ``activity["supply_co2e"]`` and ``activity["treatment_co2e"]``.

    References
    ----------
    .. [1] DESNZ, GHG conversion factors, sheets "Water supply", "Water treatment".

    Examples
    --------
    100 m^3, desnz-2019: 100 x (0.344 + 0.708) = 105.2 kgCO2e (34.4 supply + 70.8
    treatment).
    """
    q = _amount(volume, ("volume",), "volume", "water")
    code = None if country is None else _country(country)
    fs, note = resolve_edition(factors, year)
    fs, served = edition_with(fs, "water")
    plan = water_plan(fs, q.units, _flag(treatment, "treatment"))
    return _emit(plan, q, {"volume": q, "year": year, **_where(code)},
                 [uk_factor_note("water", code), note, served])


def waste(mass: pint.Quantity, kind: str, disposal: str, factors: Factors = None,
          year: int | None = None, country: str | None = None) -> Emission:
    """Emissions of disposing of waste (scope 3).

    Parameters
    ----------
    mass : Quantity [mass]
        E.g. ``sc.Q_(1.2, "t")``.
    kind : str
        Material: a DESNZ key ("paper_and_board_mixed", "commercial_and_industrial_waste")
        or a friendly name ("general waste", "food", "cardboard", "plastics", "glass").
    disposal : str
        "landfill", "combustion"/"incineration", "recycling" (closed loop where
        published, else open loop), "open_loop", "closed_loop", "composting",
        "anaerobic digestion".
    factors, year
        As for :func:`fuel`.
    country : str, optional
        Where the site is (ISO code or English name). DESNZ's waste factors describe
        the UK: for a site elsewhere the result says so in ``notes`` (starting with
        :data:`~sem_carbon.facilities.UK_FACTOR_ABROAD`).

    Returns
    -------
    Emission
        ``co2e`` = mass [t] x factor [kgCO2e/t].

    References
    ----------
    .. [1] DESNZ, GHG conversion factors, sheet "Waste disposal".

    Examples
    --------
    2 t of commercial and industrial waste to landfill, desnz-2024 (520.3342 kgCO2e/t):
    1,040.67 kgCO2e.
    """
    q = _amount(mass, ("mass",), "mass", "waste")
    code = None if country is None else _country(country)
    fs, note = resolve_edition(factors, year)
    fs, served = edition_with(fs, "waste")
    plan = waste_plan(fs, kind, disposal, q.units)
    return _emit(plan, q, {"mass": q, "kind": kind, "disposal_given": disposal, "year": year,
                           **_where(code)}, [uk_factor_note("waste", code), note, served])
