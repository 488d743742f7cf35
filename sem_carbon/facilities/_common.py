"""Shared pieces of the facilities calculators: the per-group plan and its numpy kernel.

Every facilities figure is ``amount x effective factor``, where the effective factor
(kgCO2e per unit of the input amount) depends only on a few distinct keys: the edition,
the fuel / country / gas / material, and the unit text. A :class:`Plan` holds that
effective factor (and its per-gas, biogenic and memo parts) for one distinct key tuple;
:func:`apply_plans` spreads plans over rows with numpy. The scalar helpers build one plan
and apply it to a length-1 array; :func:`~sem_carbon.facilities.compute_facilities`
builds one plan per distinct group and applies them to all rows at once, so both paths
do the same float operations and give identical numbers.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import pint

from ..errors import SemCarbonError, UnknownFactorError
from ..factors import Factor, FactorSet, load_factors, per_edition
from ..factors.catalogue import desnz_years, refuse_other_kind
from ..units import Q_, ureg

__all__ = [
    "GASES",
    "KGCO2E",
    "UK_FACTOR_ABROAD",
    "UK_ONLY",
    "Plan",
    "apply_plans",
    "closest",
    "describe_dimension",
    "dimension_of",
    "factor_key",
    "fallback_edition",
    "reject_as",
    "row_factor",
    "uk_factor_note",
    "unit_text",
]

#: Start of the note on a result computed with a UK-only DESNZ factor for a site in
#: another country (district heat, water, waste). Stable wording: reports count it.
UK_FACTOR_ABROAD = "UK factor used outside the UK"

#: What each UK-only factor family describes, for :func:`uk_factor_note`.
UK_ONLY = {"heat": "heat and steam", "water": "water supply and treatment",
           "waste": "waste disposal"}

#: Kilogram of CO2e, the unit of every result.
KGCO2E = ureg.Unit("kgCO2e")
#: Per-gas columns published by DESNZ.
GASES = ("co2", "ch4", "n2o")

_DIMENSIONS = {
    "energy": ureg.get_dimensionality("[energy]"),
    "volume": ureg.get_dimensionality("[volume]"),
    "mass": ureg.get_dimensionality("[mass]"),
}
_EXAMPLES = {"energy": "kWh, MWh, GJ", "volume": "m^3, L", "mass": "kg, t"}
_NAMED = {"length": "[length]", "time": "[time]", "area": "[length]**2",
          "power": "[energy]/[time]"}


@attrs.frozen(eq=False)
class Plan:
    """Effective factor for one distinct group of activities.

    Attributes
    ----------
    category : str
        Result category (``electricity``, ``td_losses``, ``fuel``, ``heat``, ...).
    scope : int
        GHG Protocol scope.
    per_unit : float
        Kyoto-total factor [kgCO2e per unit of the input amount].
    gases : dict of str to float
        Per-gas parts [kgCO2e per input unit]: ``co2``/``ch4``/``n2o`` where published,
        or refrigerant components.
    biogenic : float
        Biogenic CO2 outside the scopes [kg CO2 per input unit]; NaN when none applies.
    memo : float
        Memo item outside the Kyoto total [kgCO2e per input unit] (Montreal gases).
    factor : Factor
        The published (or derived) factor, for :attr:`Emission.factor`.
    factor_id, factor_key : str
        Edition id and ``category:key/key`` of the factor.
    method : str
        Short method text.
    notes : tuple of str
        Fallbacks, conversions and caveats.
    activity : dict
        Extra, per-group activity details (e.g. the Ember year used); per-unit quantities
        are given as floats and multiplied by the amount by the scalar helpers.
    input_unit : str
        The unit the amount is in (text), used for ``factor_unit``.
    row_scaled : bool
        True when :attr:`per_unit` is multiplied by a per-row factor (market-based
        electricity: kWh per input unit x supplier factor of the row).
    """

    category: str
    scope: int
    per_unit: float
    factor: Factor
    factor_id: str
    factor_key: str
    method: str
    input_unit: str
    gases: dict[str, float] = attrs.field(factory=dict)
    biogenic: float = float("nan")
    memo: float = 0.0
    notes: tuple[str, ...] = ()
    activity: dict[str, Any] = attrs.field(factory=dict)
    row_scaled: bool = False


def apply_plans(amount: np.ndarray, codes: np.ndarray, plans: Sequence[Plan],
                row_scale: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Multiply amounts by the effective factors of their plans.

    Parameters
    ----------
    amount : ndarray of float
        Amounts in each row's own unit.
    codes : ndarray of int
        Index into ``plans`` for each row.
    plans : sequence of Plan
    row_scale : ndarray of float, optional
        Per-row multiplier for plans with ``row_scaled`` (supplier factor [kgCO2e/kWh]).

    Returns
    -------
    dict of str to ndarray
        ``co2e``, ``co2``, ``ch4``, ``n2o`` (NaN where not published), ``biogenic``
        (NaN where none), ``memo`` [kg], and ``factor_value`` [kgCO2e per input unit].
    """
    amount = np.asarray(amount, dtype=float)
    codes = np.asarray(codes, dtype=np.int64)

    def per_row(table: list[float]) -> np.ndarray:
        """The plans' values gathered per row (one value for all: no gather)."""
        values = np.array(table or [np.nan], dtype=float)
        if (values == values[0]).all() or np.isnan(values).all():
            return np.full(len(codes), values[0])
        return np.take(values, codes)

    def times_amount(part: np.ndarray) -> np.ndarray:
        return np.multiply(amount, part, out=part)  # in place: no further copy

    per_unit = per_row([p.per_unit for p in plans])
    if row_scale is not None and any(p.row_scaled for p in plans):
        scaled = np.array([p.row_scaled for p in plans], dtype=bool)[codes]
        per_unit = np.where(scaled, per_unit * np.asarray(row_scale, dtype=float), per_unit)
    out = {"factor_value": per_unit, "co2e": amount * per_unit}
    for gas in GASES:
        out[gas] = times_amount(per_row([p.gases.get(gas, np.nan) for p in plans]))
    out["biogenic"] = times_amount(per_row([p.biogenic for p in plans]))
    out["memo"] = times_amount(per_row([p.memo for p in plans]))
    return out


def closest(wanted: str, choices: Iterable[str], n: int = 5) -> str:
    """``"; did you mean a, b?"`` from difflib, or ``""`` when nothing is close."""
    choices = sorted({c for c in choices if c})
    close = difflib.get_close_matches(wanted, choices, n=n, cutoff=0.6)
    if not close:
        close = [c for c in choices if wanted and (wanted in c or c in wanted)][:n]
    return f"; did you mean {', '.join(close)}?" if close else ""


def reject_as(exc: Exception, column: str) -> Exception:
    """Attach the input column responsible for an error (used by the batch rejects)."""
    if getattr(exc, "column", None) is None:
        exc.column = column  # type: ignore[attr-defined]
    return exc


def dimension_of(unit: pint.Unit, allowed: Sequence[str], what: str) -> str:
    """Name of the dimension of ``unit`` among ``allowed`` ("energy", "volume", "mass").

    Raises
    ------
    pint.DimensionalityError
        The unit has another dimension. Its ``reason`` attribute (used for batch
        rejects) names the unit, its dimension and what is expected.
    """
    dims = unit.dimensionality
    for name in allowed:
        if dims == _DIMENSIONS[name]:
            return name
    reason = unit_reason(unit, what, allowed)
    exc = pint.DimensionalityError(unit, ureg.get_dimensionality(f"[{allowed[0]}]"),
                                   extra_msg=f": {reason}")
    exc.reason = reason  # type: ignore[attr-defined]
    raise reject_as(exc, "unit")


def unit_reason(unit: pint.Unit, what: str, allowed: Sequence[str]) -> str:
    """Why an amount in ``unit`` cannot be used for ``what`` (the one wording of the
    readers, ``calculate`` and the scalar helpers).

    Parameters
    ----------
    unit : pint.Unit
        The amount's unit.
    what : str
        What the amount is of (``"electricity"``, ``"fuel diesel"``, ``"water"`` ...).
    allowed : sequence of str
        The dimensions it may have (``"energy"``, ``"volume"``, ``"mass"``).
    """
    expected = " or ".join(f"{name} ({_EXAMPLES[name]})" for name in allowed)
    return (f"unit '{unit_text(unit)}' is {describe_dimension(unit)}; {what} needs an "
            f"amount in {expected}")


#: What an amount of each facility kind is of, and the dimensions it may have (any other
#: kind is a fuel: energy, volume or mass), as the calculators of each family say it.
_KIND_AMOUNTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "electricity": ("electricity", ("energy",)),
    "district_heat": ("district heat", ("energy",)),
    "onsite_heat": ("onsite heat", ("energy",)),
    "refrigerant": ("refrigerant", ("mass",)),
    "water": ("water", ("volume",)),
    "waste": ("waste", ("mass",)),
}


def amount_of(kind: str) -> tuple[tuple[str, ...], str]:
    """``(allowed dimensions, what)`` of an amount of a facility ``kind``, as
    :func:`dimension_of` takes them (a kind not listed is a fuel: energy, volume or mass,
    ``"fuel diesel"``).

    Parameters
    ----------
    kind : str
        Canonical facility kind.
    """
    what, allowed = _KIND_AMOUNTS.get(kind, (f"fuel {kind}", ("energy", "volume", "mass")))
    return allowed, what


def describe_dimension(unit: pint.Unit) -> str:
    """``"an energy"``, ``"a volume"``, ``"a mass"``, ``"a length"`` ... of a unit."""
    dims = unit.dimensionality
    for name, article in (("energy", "an energy"), ("volume", "a volume"), ("mass", "a mass")):
        if dims == _DIMENSIONS[name]:
            return f"{article} unit"
    for name in ("length", "time", "area", "power"):
        if dims == ureg.get_dimensionality(_NAMED[name]):
            return f"a {name} unit"
    if not dims:
        return "dimensionless"
    return f"of dimension {dims}"


def unit_text(unit: pint.Unit) -> str:
    """Short text of a unit (``kWh``, ``m ** 3``, ``t``)."""
    return f"{unit:~}"


def factor_key(factor: Factor) -> str:
    """``category:key/key`` of a factor, keys in column order, empty ones left out."""
    return f"{factor.category}:" + "/".join(str(v) for v in factor.keys.values() if v != "")


@per_edition
def row_factor(fs: FactorSet, category: str, row: int) -> Factor:
    """The :class:`Factor` of row ``row`` of ``fs.table(category)`` (kept per edition)."""
    frame = fs.table(category)
    keys = {k: frame[k].iloc[row] for k in fs.key_columns(category)}
    return fs.get(category, **{k: v for k, v in keys.items() if v != ""})


@per_edition
def key_index(fs: FactorSet, category: str) -> dict[tuple[str, ...], int]:
    """``{key tuple (in key-column order): row}`` of a category (kept per edition)."""
    frame = fs.table(category)
    cols = fs.key_columns(category)
    return {tuple(str(v) for v in row): i
            for i, row in enumerate(frame[cols].itertuples(index=False))}


def find_row(fs: FactorSet, category: str, **keys: str) -> int:
    """Row of the factor with exactly these keys (others empty), or -1."""
    if category not in fs.categories:
        return -1
    cols = fs.key_columns(category)
    if any(k not in cols for k in keys):
        return -1
    return key_index(fs, category).get(tuple(keys.get(c, "") for c in cols), -1)


def fallback_edition(fs: FactorSet, found: Callable[[FactorSet], bool],
                     what: str) -> tuple[FactorSet, str]:
    """``fs`` when ``found(fs)``, else the nearest DESNZ edition for which it is true.

    Nearest means the closest year, earlier editions first on a tie ("last published
    value"). The note says what was substituted.

    Raises
    ------
    UnknownFactorError
        No installed DESNZ edition has it.
    InvalidArgumentError
        ``fs`` is a grid-intensity or GWP edition (see
        :func:`~sem_carbon.factors.catalogue.refuse_other_kind`).
    """
    if found(fs):
        return fs, ""
    refuse_other_kind(fs, what)
    own = fs.year
    order = sorted((y for y in desnz_years() if f"desnz-{y}" != fs.id),
                   key=lambda y: (abs(y - own), y > own))
    for year in order:
        other = load_factors(f"desnz-{year}")
        if found(other):
            return other, (f"{fs.id} publishes no {what}; used desnz-{year} "
                           "(nearest DESNZ edition that publishes it)")
    raise UnknownFactorError(f"{fs.id} publishes no {what}, and no other DESNZ edition does")


def uk_factor_note(family: str, country: str | None) -> str:
    """The :data:`UK_FACTOR_ABROAD` note for a UK-only factor family used in ``country``.

    Parameters
    ----------
    family : {"heat", "water", "waste"}
    country : str or None
        ISO alpha-2 code of the site; None or "" (unknown) and ``GB`` give no note.
    """
    if not country or country == "GB" or family not in UK_ONLY:
        return ""
    return (f"{UK_FACTOR_ABROAD}: DESNZ {UK_ONLY[family]} factors describe the UK; site "
            f"in {country}")


def kg_per_unit(unit: pint.Unit, *chain: pint.Quantity) -> float:
    """kgCO2e for one ``unit`` of activity times a chain of quantities ending in a factor."""
    q = Q_(1.0, unit)
    for item in chain:
        q = q * item
    return float(q.m_as(KGCO2E))


def error_types() -> tuple[type[Exception], ...]:
    """Errors the batch path turns into rejects (everything else is a bug and raises)."""
    return (SemCarbonError, pint.DimensionalityError)
