"""Canonical units of the factor categories; factors are converted to them on load.

The calculators read factor values as plain numbers in a category's canonical unit
(air: kgCO2e per passenger-km, hotel: kgCO2e per room-night ...). A factor given in
another unit of the same dimension (``gCO2e / passenger / km``, ``tCO2e / room_night``,
``kgCO2e / passenger / mile``, ``gCO2e / kWh``) is converted exactly when the edition or
the overrides are loaded, with a note on the row; a factor of another dimension
(``kgCO2e / km`` for air, a per-kg factor on a ``volume`` basis) is refused with
:class:`~sem_carbon.errors.FactorIntegrityError` naming the file, line and unit.

References
----------
.. [1] ``docs/factor-format.md``, category vocabulary and units.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pint

from ..errors import FactorIntegrityError
from ..units import CO2E, parse_unit, ureg

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CANONICAL_UNITS", "KEY_DIMENSIONS", "canonicalise"]

_FUEL_UNITS = ("kgCO2e / kWh", "kgCO2e / GJ", "kgCO2e / L", "kgCO2e / m^3", "kgCO2e / t",
               "kgCO2e / kg")

#: Units a category's ``value`` may have once loaded. A factor in a listed unit is kept;
#: in another unit of the same dimensionality it is converted to the first listed unit of
#: that dimensionality; of a dimensionality not listed it is refused. (``fuel`` lists
#: several units per dimension because DESNZ publishes per L and per m^3, per kWh and per
#: GJ; its calculators convert through pint.)
CANONICAL_UNITS: dict[str, tuple[str, ...]] = {
    "air": ("kgCO2e / passenger / km",),
    "rail": ("kgCO2e / passenger / km",),
    "road": ("kgCO2e / km", "kgCO2e / passenger / km"),
    "hotel": ("kgCO2e / room_night",),
    "electricity": ("kgCO2e / kWh",),
    "heat": ("kgCO2e / kWh",),
    "fuel": _FUEL_UNITS,
    "biogenic_co2": _FUEL_UNITS,
    "fuel_property": ("GJ / t", "kg / m^3"),
    "water": ("kgCO2e / m^3",),
    "waste": ("kgCO2e / t",),
    "refrigerant": ("kgCO2e / kg",),
    "gwp": ("kgCO2e / kg",),
    "blend_component": ("dimensionless",),
}

#: Key columns whose value fixes the dimensionality of the unit: category -> key ->
#: key value -> dimensionality (as a unit text of that dimensionality).
KEY_DIMENSIONS: dict[str, tuple[str, dict[str, str]]] = {
    "road": ("basis", {"vehicle_km": "kgCO2e / km",
                       "passenger_km": "kgCO2e / passenger / km"}),
    "fuel": ("basis", {"energy_gross": "kgCO2e / kWh", "energy_net": "kgCO2e / kWh",
                       "volume": "kgCO2e / L", "mass": "kgCO2e / kg"}),
    "biogenic_co2": ("basis", {"energy_gross": "kgCO2e / kWh", "energy_net": "kgCO2e / kWh",
                               "volume": "kgCO2e / L", "mass": "kgCO2e / kg"}),
    "fuel_property": ("property", {"net_cv": "GJ / t", "gross_cv": "GJ / t",
                                   "density": "kg / m^3"}),
}

_GAS_COLUMNS = ("co2", "ch4", "n2o")


def _describe(category: str) -> str:
    return " or ".join(repr(u) for u in CANONICAL_UNITS[category])


def canonicalise(frame: pd.DataFrame, where: str,
                 line_of: Callable[[int], str]) -> pd.DataFrame:
    """Return ``frame`` with every factor in its category's canonical unit.

    Parameters
    ----------
    frame : DataFrame
        Factor rows (numeric ``value`` and gas columns, text ``unit`` and ``category``).
    where : str
        File or override set, for messages.
    line_of : callable
        Position of a row -> ``"line 5"`` / ``"row 1"``, for messages.

    Raises
    ------
    FactorIntegrityError
        A unit does not parse, is outside the unit grammar, is not CO2e per activity for
        an emission category, or has a dimensionality the category cannot use (or its
        ``basis`` / ``property`` key says otherwise).
    """
    import pandas as pd

    frame = frame.copy()
    frame["unit"] = frame["unit"].astype(str).str.strip()
    frame["notes"] = frame["notes"].fillna("").astype(str)
    groups = frame.groupby(["category", "unit"], sort=False).indices
    for (category, unit_text), rows in groups.items():  # loop over distinct units only
        first = f"{where} {line_of(int(rows[0]))}"
        unit = _parse(unit_text, first)
        accepted = CANONICAL_UNITS.get(category)
        if accepted is None:  # a category of the user's own: CO2e per something
            if unit.dimensionality.get("[co2e]", 0) != CO2E["[co2e]"]:
                raise FactorIntegrityError(
                    f"{first}: '{category}' unit {unit_text!r} is not CO2e per activity unit")
            continue
        if category not in ("fuel_property", "blend_component") and \
                unit.dimensionality.get("[co2e]", 0) != CO2E["[co2e]"]:
            raise FactorIntegrityError(
                f"{first}: '{category}' unit {unit_text!r} is not CO2e per activity unit; "
                f"'{category}' factors are in {_describe(category)}")
        target = _target(unit, accepted)
        if target is None:
            raise FactorIntegrityError(
                f"{first}: '{category}' factor in {unit_text!r} cannot be used: it is not "
                f"convertible to {_describe(category)} (dimension {unit.dimensionality})")
        _check_key(frame, category, rows, unit, unit_text, where, line_of)
        column = frame.columns.get_loc
        if parse_unit(target) == unit:  # the same unit, perhaps spelt otherwise
            frame.iloc[rows, column("unit")] = target
            continue
        scale = float(ureg.Quantity(1.0, unit).m_as(parse_unit(target)))
        divisor = round(1.0 / scale) if scale < 1.0 else 0
        exact_divisor = divisor > 1 and abs(1.0 / scale - divisor) <= 1e-9 * divisor
        original = frame["value"].to_numpy(dtype=float)[rows]
        note = ("value converted on load from " + pd.Series(original).map("{:.10g}".format)
                + f" {unit_text}").to_numpy(dtype=object)
        for name in ("value", *_GAS_COLUMNS):
            if name in frame.columns:
                values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
                # g -> kg divides by 1000 (correctly rounded) rather than x 0.001
                frame.iloc[rows, column(name)] = (values[rows] / divisor if exact_divisor
                                                  else values[rows] * scale)
        old = frame["notes"].to_numpy(dtype=object)[rows]
        frame.iloc[rows, column("notes")] = np.where(old == "", note, old + "; " + note)
        frame.iloc[rows, column("unit")] = target
    return frame


def _parse(unit_text: str, where: str) -> pint.Unit:
    try:
        return parse_unit(unit_text)
    except (pint.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError,
            TypeError, ValueError, AssertionError) as exc:
        raise FactorIntegrityError(f"{where}: unit {unit_text!r} does not parse ({exc})") \
            from None


def _target(unit: pint.Unit, accepted: tuple[str, ...]) -> str | None:
    """The accepted unit text equal to ``unit``, else the first of its dimensionality."""
    same = [u for u in accepted if parse_unit(u).dimensionality == unit.dimensionality]
    exact = [u for u in same if parse_unit(u) == unit]
    return (exact or same or [None])[0]


def _check_key(frame: pd.DataFrame, category: str, rows: np.ndarray, unit: pint.Unit,
               unit_text: str, where: str, line_of: Callable[[int], str]) -> None:
    """Refuse rows whose ``basis`` / ``property`` key contradicts the unit's dimension."""
    import pandas as pd

    if category not in KEY_DIMENSIONS:
        return
    key, dims = KEY_DIMENSIONS[category]
    if key not in frame.columns:
        return
    values = frame[key].fillna("").astype(str).to_numpy(dtype=object)[rows]
    for value in pd.unique(values):  # distinct key values only
        expected = dims.get(str(value))
        if expected is None or parse_unit(expected).dimensionality == unit.dimensionality:
            continue
        row = int(rows[np.flatnonzero(values == value)[0]])
        raise FactorIntegrityError(
            f"{where} {line_of(row)}: '{category}' factor with {key}={value} is in "
            f"{unit_text!r}, but {key}={value} needs a unit like {expected!r}")
