"""The single pint registry of sem-carbon.

The registry extends pint's defaults with the definitions in ``units_definitions.txt``
(CO2e mass as its own dimension, passengers, room-nights, currencies). It is made
pint's application registry, so pickled quantities and pint-pandas agree with it.

Examples
--------
>>> from sem_carbon.units import Q_
>>> Q_(1500, "kgCO2e").to("tCO2e")
<Quantity(1.5, 'tonne_CO2e')>
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pint

from .errors import UnitError

__all__ = ["CO2E", "Q_", "as_quantity", "magnitude_in", "parse_unit", "quantity", "ureg"]

#: The registry every sem-carbon Quantity belongs to.
ureg = pint.UnitRegistry(cache_folder=None, autoconvert_offset_to_baseunit=True)
ureg.load_definitions(
    resources.files(__package__).joinpath("units_definitions.txt").read_text(encoding="utf-8")
    .splitlines()
)
ureg.formatter.default_format = "~P"
pint.set_application_registry(ureg)

#: Quantity constructor bound to :data:`ureg`.
Q_ = ureg.Quantity

#: Dimensionality of CO2-equivalent mass.
CO2E = ureg.Unit("kgCO2e").dimensionality


#: Longest unit text :func:`parse_unit` parses [characters]. pint's parser takes time
#: quadratic in the length of the text (a 1 MB cell would take hours); real unit spellings
#: are a few dozen characters.
MAX_UNIT_TEXT = 100


@lru_cache(maxsize=512)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string once and cache it (factor tables repeat a handful of units).

    Parameters
    ----------
    text : str
        A pint unit expression, e.g. ``"kgCO2e / passenger / km"``.

    Returns
    -------
    pint.Unit

    Raises
    ------
    UnitError
        ``text`` is longer than :data:`MAX_UNIT_TEXT` characters (not parsed: it is not a
        unit, and parsing it could take hours).
    """
    if len(text) > MAX_UNIT_TEXT:
        raise UnitError(f"a unit text of {len(text):,} characters is not a unit (at most "
                        f"{MAX_UNIT_TEXT})")
    return ureg.Unit(text)


def as_quantity(value: Any, dimension: str, name: str) -> pint.Quantity:
    """Return ``value`` as a Quantity of ``dimension`` or raise a clear error.

    Parameters
    ----------
    value : pint.Quantity or str
        The amount, e.g. ``Q_(120, "km")`` or the string ``"120 km"``.
    dimension : str
        Expected pint dimensionality, e.g. ``"[length]"``.
    name : str
        Argument name, used in the error message.

    Raises
    ------
    UnitError
        ``value`` is a plain number (the unit would be a guess), or a text too long to be
        an amount.
    pint.DimensionalityError
        ``value`` has another dimension (kWh where km is needed).
    """
    if isinstance(value, str):
        if len(value) > MAX_UNIT_TEXT + 40:  # pint's parser is quadratic in the length
            raise UnitError(f"{name}: a text of {len(value):,} characters is not an amount "
                            f"with a unit")
        value = ureg.Quantity(value)
    if not isinstance(value, pint.Quantity):
        raise UnitError(
            f"{name} must be a pint Quantity with units of {dimension} "
            f"(e.g. sc.Q_(120, 'km')), got the plain value {value!r}"
        )
    if not value.check(dimension):
        raise pint.DimensionalityError(
            value.units, ureg.get_dimensionality(dimension), extra_msg=f" for {name}"
        )
    return value


def magnitude_in(value: pint.Quantity, unit: str, dimension: str, name: str) -> np.ndarray:
    """Check ``value`` once and return its magnitude in ``unit`` as a float array.

    Parameters
    ----------
    value : pint.Quantity
        Scalar or array Quantity.
    unit : str
        Target unit, e.g. ``"km"``.
    dimension : str
        Expected dimensionality, e.g. ``"[length]"``.
    name : str
        Argument name, used in error messages.
    """
    q = as_quantity(value, dimension, name)
    return np.atleast_1d(np.asarray(q.m_as(unit), dtype=float))


def _make_quantity_factory() -> Any:
    """A Quantity constructor for hot scalar paths (about 20x cheaper than ``Q_``).

    pint's constructor re-validates the unit on every call; results of the scalar
    calculators always use a handful of known units, so we build the object directly
    from a validated template. The shortcut is checked once against ``Q_`` at import; if
    a pint release changes its internals, the check fails and plain ``Q_`` is used.
    """

    def plain(value: float, unit: pint.Unit) -> pint.Quantity:
        return Q_(value, unit)

    def direct(value: float, unit: pint.Unit) -> pint.Quantity:
        quantity = object.__new__(Q_)
        quantity._magnitude = value
        quantity._units = unit._units
        return quantity

    try:
        unit = ureg.Unit("kgCO2e / passenger / km")
        probe = direct(1.25, unit)
        ok = (probe == Q_(1.25, unit)) and probe.to("gCO2e / passenger / m").m == 1.25 and \
            str(probe) == str(Q_(1.25, unit))
    except Exception:
        ok = False
    return direct if ok else plain


#: ``quantity(value, unit)`` -> Quantity; ``unit`` must be a parsed :class:`pint.Unit`.
quantity = _make_quantity_factory()
