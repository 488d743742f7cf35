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

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pint

from .errors import UnitError

__all__ = [
    "CO2E",
    "Q_",
    "as_quantity",
    "check_unit_text",
    "magnitude_in",
    "parse_quantity",
    "parse_unit",
    "quantity",
    "ureg",
]

def _registry() -> pint.UnitRegistry:
    """pint's default registry, its parsed definitions cached in the user's cache folder.

    Parsing pint's definition file takes 0.15-0.2 s of a process's first unit; pint keeps
    the parsed form in ``<user cache>/pint`` (keyed by the file's content, so a new pint
    re-parses). A cache that cannot be used (read-only home, ``SEM_CARBON_PINT_CACHE=0``)
    means parsing as before: the registry is the same either way.
    """
    import os

    if os.environ.get("SEM_CARBON_PINT_CACHE", "1") != "0":
        try:
            return pint.UnitRegistry(cache_folder=":auto:", autoconvert_offset_to_baseunit=True)
        except Exception:  # any cache trouble: parse the definitions instead
            pass
    return pint.UnitRegistry(cache_folder=None, autoconvert_offset_to_baseunit=True)


#: The registry every sem-carbon Quantity belongs to.
ureg = _registry()
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

#: Deepest nesting of brackets in a unit text.
MAX_UNIT_BRACKETS = 3

UNIT_GRAMMAR = (
    "a unit is unit names (km, kWh, kgCO2e, passenger, room_night, m, L, t ...) joined by "
    "'*', '/' or a space, with brackets, each name or bracket optionally raised to a "
    "one-digit integer exponent written ^3, **3, ^-1 or ³; the only number allowed "
    "elsewhere is the 1 of 1/km"
)

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_SIGNS = "⁻⁺"
_MULTIPLY = "*·⋅"
_NAME_START = "°%"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _refuse(text: str, reason: str) -> UnitError:
    return UnitError(f"{text!r} is not a unit: {reason} ({UNIT_GRAMMAR})")


def _tokens(text: str) -> list[tuple[str, str]]:
    """Lexer of the unit grammar: (kind, text) pairs; kind in name, num, mul, div, pow,
    sign, sup, open, close, space."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            out.append(("space", " "))
            i = j
        elif (ch.isalpha() and ch not in _SUPERSCRIPTS) or ch in _NAME_START:
            j = i + 1
            while j < n and ((text[j].isalpha() and text[j] not in _SUPERSCRIPTS)
                             or text[j] in "0123456789_"):
                j += 1
            out.append(("name", text[i:j]))
            i = j
        elif ch in "0123456789.":
            match = _NUMBER.match(text, i)
            j = match.end() if match else i + 1
            out.append(("num", text[i:j]))
            i = j
        elif ch == "*" and text[i + 1:i + 2] == "*":
            out.append(("pow", "**"))
            i += 2
        elif ch == "^":
            out.append(("pow", "^"))
            i += 1
        elif ch in _MULTIPLY:
            out.append(("mul", ch))
            i += 1
        elif ch == "/":
            out.append(("div", ch))
            i += 1
        elif ch in "+-":
            out.append(("sign", ch))
            i += 1
        elif ch in _SUPERSCRIPTS or ch in _SUPER_SIGNS:
            j = i
            while j < n and (text[j] in _SUPERSCRIPTS or text[j] in _SUPER_SIGNS):
                j += 1
            out.append(("sup", text[i:j]))
            i = j
        elif ch in "()":
            out.append(("open" if ch == "(" else "close", ch))
            i += 1
        else:
            raise _refuse(text, f"the character {ch!r} is not part of a unit")
    return out


def check_unit_text(text: str) -> None:
    """Refuse a unit text outside sem-carbon's small unit grammar, before pint parses it.

    pint evaluates unit texts as arithmetic: ``km*10**10**10`` makes it compute a number
    with ten billion digits (it never returns). The grammar (:data:`UNIT_GRAMMAR`) keeps
    every real spelling (``kgCO2e / passenger / km``, ``m^3``, ``m**3``, ``m³``,
    ``1/km``, ``kWh``, ``L``) and refuses numbers, nested or large exponents and any other
    character, in time linear in the length of the text.

    Parameters
    ----------
    text : str
        The unit text.

    Raises
    ------
    UnitError
        The text is longer than :data:`MAX_UNIT_TEXT`, empty, or outside the grammar;
        the message says why and states the grammar.
    """
    if not isinstance(text, str):
        raise UnitError(f"a unit must be text, got {type(text).__name__} {text!r}")
    if len(text) > MAX_UNIT_TEXT:
        raise UnitError(f"a unit text of {len(text):,} characters is not a unit (at most "
                        f"{MAX_UNIT_TEXT})")
    tokens = _tokens(text)
    if all(kind == "space" for kind, _ in tokens):
        raise _refuse(text, "it is empty")
    _Grammar(text, tokens).unit()


class _Grammar:
    """Recursive-descent check of the unit grammar (no evaluation)::

        unit    := ["1" "/"] product
        product := factor (("*" | "/" | space) factor)*
        factor  := (name | "(" product ")") [power]
        power   := ("^" | "**") [sign] digit | superscript
    """

    def __init__(self, text: str, tokens: list[tuple[str, str]]):
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def _peek(self, skip_space: bool = True) -> tuple[str, str]:
        pos = self.pos
        while skip_space and pos < len(self.tokens) and self.tokens[pos][0] == "space":
            pos += 1
        return self.tokens[pos] if pos < len(self.tokens) else ("end", "")

    def _next(self) -> tuple[str, str]:
        while self.pos < len(self.tokens) and self.tokens[self.pos][0] == "space":
            self.pos += 1
        token = self._peek(False)
        self.pos += 1
        return token

    def unit(self) -> None:
        if self._peek() == ("num", "1"):
            self._next()
            if self._next()[0] != "div":
                raise _refuse(self.text, "a number may only start a unit as the 1 of 1/km")
        self.product()
        kind, value = self._peek()
        if kind == "close":
            raise _refuse(self.text, "a closing bracket has no opening one")
        if kind != "end":
            raise self._unexpected(kind, value)

    def product(self) -> None:
        self.factor()
        while True:
            kind, _ = self._peek(False)
            if kind == "space":  # a space joins two operands, else it is padding
                following = self._peek()[0]
                if following in ("name", "open"):
                    self.pos += 1
                    self.factor()
                    continue
            kind, _ = self._peek()
            if kind in ("mul", "div"):
                self._next()
                self.factor()
                continue
            return

    def factor(self) -> None:
        kind, value = self._next()
        if kind == "name":
            pass
        elif kind == "open":
            self.depth += 1
            if self.depth > MAX_UNIT_BRACKETS:
                raise _refuse(self.text, f"brackets nest deeper than {MAX_UNIT_BRACKETS}")
            self.product()
            if self._next()[0] != "close":
                raise _refuse(self.text, "a bracket is not closed")
            self.depth -= 1
        else:
            raise self._unexpected(kind, value)
        self.power()

    def power(self) -> None:
        kind, value = self._peek(False)
        if kind == "sup":
            self.pos += 1
            digits = value.lstrip(_SUPER_SIGNS)
            if len(digits) != 1 or len(value) - len(digits) > 1:
                raise _refuse(self.text, f"the exponent {value!r} is not a one-digit integer")
        elif self._peek()[0] == "pow":
            self._next()
            kind, value = self._next()
            if kind == "sign":
                kind, value = self._next()
            if kind != "num" or not (len(value) == 1 and value.isdigit()):
                shown = repr(value) if value else "nothing"
                raise _refuse(self.text, f"an exponent must be a one-digit integer, not "
                                         f"{shown}")
        else:
            return
        if self._peek()[0] in ("pow", "sup") or self._peek(False)[0] == "sup":
            raise _refuse(self.text, "an exponent cannot itself be raised to a power")

    def _unexpected(self, kind: str, value: str) -> UnitError:
        if kind == "num":
            return _refuse(self.text, f"the number {value!r} is not part of a unit (only a "
                                      "one-digit exponent is)")
        if kind == "pow":
            return _refuse(self.text, "an exponent operator must follow a unit name or a "
                                      "bracket")
        if kind == "end":
            return _refuse(self.text, "it ends where a unit name is expected")
        if kind == "close":
            return _refuse(self.text, "a closing bracket has no opening one")
        return _refuse(self.text, f"{value!r} is not expected here")


@lru_cache(maxsize=512)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string once and cache it (factor tables repeat a handful of units).

    The text is checked against sem-carbon's unit grammar first
    (:func:`check_unit_text`), so pint never evaluates arithmetic.

    Parameters
    ----------
    text : str
        A unit expression, e.g. ``"kgCO2e / passenger / km"``.

    Returns
    -------
    pint.Unit

    Raises
    ------
    UnitError
        ``text`` is longer than :data:`MAX_UNIT_TEXT` characters or outside the unit
        grammar (not parsed: it is not a unit, and pint could take hours on it).
    pint.UndefinedUnitError
        A name in the text is not a unit.
    """
    check_unit_text(text)
    return ureg.Unit(text)


def parse_quantity(text: str, name: str = "amount") -> pint.Quantity:
    """A Quantity from a text such as ``"120 km"`` or ``"1.5e3 kWh"``.

    The text is a finite decimal number followed by a unit in sem-carbon's unit grammar
    (:func:`check_unit_text`); pint never evaluates arithmetic in it.

    Parameters
    ----------
    text : str
        Amount and unit.
    name : str
        Argument name, used in error messages.

    Raises
    ------
    UnitError
        No number, a non-finite number, no unit, a unit outside the grammar, or a unit
        word the readers do not take (unknown, or ambiguous such as ``gal``, ``ton``,
        ``ML``, ``Mt``): the unit is read as :func:`sem_carbon.vocabulary.read_unit` reads a unit
        column, so ``"35 m3"`` is read and ``"100 gal"`` refused here as there.
    """
    if len(text) > MAX_UNIT_TEXT + 40:  # the number part is short; the unit part is bounded
        raise UnitError(f"{name}: a text of {len(text):,} characters is not an amount "
                        f"with a unit")
    stripped = text.strip()
    match = _NUMBER.match(stripped)
    if match is None:
        raise UnitError(f"{name}: {text!r} is not an amount with a unit: it does not start "
                        "with a number (e.g. '120 km')")
    number, unit = match.group(0), stripped[match.end():].strip()
    if not unit:
        raise UnitError(f"{name}: {text!r} has no unit (e.g. '120 km'); a plain number "
                        "would make the unit a guess")
    magnitude: float | int = (int(number) if re.fullmatch(r"[+-]?\d+", number)
                              else float(number))
    if not np.isfinite(float(magnitude)):
        raise UnitError(f"{name}: {text!r}: the number is not finite")
    from .vocabulary import read_unit  # the readers' one reading of unit words

    parsed, reason = read_unit(unit)
    if parsed is None:  # "100 gal" as a reader refuses it, "m3" as a reader reads it
        raise UnitError(f"{name}: {text!r}: {reason}")
    return ureg.Quantity(magnitude, parsed)


def as_quantity(value: Any, dimension: str, name: str) -> pint.Quantity:
    """Return ``value`` as a Quantity of ``dimension`` or raise a clear error.

    Parameters
    ----------
    value : pint.Quantity or str
        The amount, e.g. ``Q_(120, "km")`` or the string ``"120 km"`` (see
        :func:`parse_quantity`).
    dimension : str
        Expected pint dimensionality, e.g. ``"[length]"``.
    name : str
        Argument name, used in the error message.

    Raises
    ------
    UnitError
        ``value`` is a plain number (the unit would be a guess), or a text that is not an
        amount with a unit in the unit grammar.
    pint.DimensionalityError
        ``value`` has another dimension (kWh where km is needed).
    """
    if isinstance(value, str):
        value = parse_quantity(value, name)
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
