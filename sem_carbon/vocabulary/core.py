"""The alias tables (``data/*.csv``) and :func:`normalise`, the one way to read a word.

Each table has the columns ``alias``, ``canonical``, ``verdict`` and ``note`` (modes also
``vehicle`` and ``rail_kind``, what the word implies). ``verdict`` is ``accept``,
``note`` (accepted; ``note`` is recorded on the row) or ``reject`` (``note`` is the
reason). Lines starting with ``#`` are comments (the sources of the aliases).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputFormatError

if TYPE_CHECKING:
    pass

__all__ = ["KINDS", "REASONS", "Normalised", "aliases", "clean", "normalise",
           "normalise_one", "read_unit", "yes_no", "yes_no_argument"]

#: Vocabulary kinds -> data file.
KINDS: dict[str, str] = {
    "mode": "modes.csv",
    "cabin": "cabins.csv",
    "facility_kind": "facility_kinds.csv",
    "fuel": "fuels.csv",
    "country": "countries.csv",
    "boolean": "booleans.csv",
    "journey": "journeys.csv",
    "unit": "units.csv",
    "heat_kind": "heat_kinds.csv",
    "disposal": "disposal.csv",
    "rail_kind": "rail_kinds.csv",
    "electricity_method": "electricity_methods.csv",
    "calorific_basis": "calorific_bases.csv",
    "vehicle": "vehicles.csv",
    "road_fuel": "road_fuels.csv",
    "material": "materials.csv",
}

_FUEL_KIND_HELP = ("electricity, district_heat, onsite_heat, refrigerant, water, waste, or a "
                   "fuel: natural_gas, diesel, petrol, lpg, burning_oil, gas_oil, fuel_oil, "
                   "coal, wood_pellets or another DESNZ fuel name")
#: The reject reason of a word found in no table, per kind (``{value}``: the word).
REASONS: dict[str, str] = {
    "mode": ("unknown mode (expected air, rail, road or hotel, or a synonym such as flight, "
             "train, taxi, car rental, accommodation)"),
    "cabin": ("unknown cabin class (expected economy, premium economy, business, first or "
              "average)"),
    "facility_kind": f"unknown kind (expected {_FUEL_KIND_HELP})",
    "fuel": "unknown fuel {value}",
    "country": "unknown country (expected an ISO code or a country name)",
    "boolean": "not a yes/no value (expected Y/N, yes/no, true/false, 1/0)",
    "journey": ("not a yes/no value or a journey type (expected Y/N, yes/no, true/false, 1/0, "
                "or return, one way, open jaw, multi-city)"),
    "unit": "unknown unit {value}",
    "heat_kind": ("unknown heat kind {value} (DESNZ publishes 'district' and 'onsite' heat "
                  "and steam)"),
    "disposal": ("unknown waste disposal {value} (expected landfill, combustion, recycling, "
                 "composting, anaerobic_digestion or reuse)"),
    "rail_kind": ("unknown rail kind (expected national, international, light rail/tram or "
                  "underground)"),
    "electricity_method": "unknown method (expected location or market)",
    "calorific_basis": "unknown calorific-value basis {value}: use 'gross' or 'net'",
    "vehicle": "unknown vehicle (expected car, taxi, bus, coach or motorbike)",
    "road_fuel": ("unknown car fuel {value} (expected petrol, diesel, hybrid, plug-in hybrid, "
                  "electric, lpg, cng or unknown, or a synonym such as gasoline, PHEV, EV)"),
    "material": "unknown waste material {value}",
}

# separators: spaces, _ - / . , ; : and round brackets ("Natural-Gas (mains)"); brackets
# and quotes of other kinds are kept, so a list or dict cell ("['air']") is no word
_SEPARATORS = re.compile(r"[\s_\-/.,;:()]+")
_UNIT_SPACE = re.compile(r"[\s_\-]+")


def clean(value: Any) -> str:
    """The look-up form of a word: NFKC, case-folded, ``&`` as ``and``, every run of
    spaces, ``_ - / . , ; :`` and round brackets as one space (``""`` for None/NaN).

    Examples
    --------
    >>> clean("  Natural-Gas (mains) ")
    'natural gas mains'
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFKC", str(value)).casefold().replace("&", " and ")
    return _SEPARATORS.sub(" ", text).strip()


def _clean_unit(value: Any, keep_case: bool = False) -> str:
    """Units keep their symbols (``m^3``, ``kgCO2e/kWh``): lower case (unless
    ``keep_case``), spaces, ``_`` and ``-`` collapsed, a final ``.`` dropped."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    return _UNIT_SPACE.sub(" ", text if keep_case else text.lower()).strip().rstrip(".")


def _has_case(alias: str) -> bool:
    """A unit alias written with a capital letter is matched with its case (``Mt``)."""
    return alias != alias.lower()


@dataclass(frozen=True)
class _Entry:
    canonical: str
    verdict: str
    note: str
    extra: dict[str, str] = field(default_factory=dict)


def _read_table(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    rows = list(reader)
    fields = reader.fieldnames or []
    if fields[:1] != ["alias"] or "canonical" not in fields or "verdict" not in fields:
        raise InputFormatError(f"vocabulary/data/{name}: unexpected columns {fields}")
    for line, row in enumerate(rows, start=2):
        if row["verdict"] not in ("accept", "note", "reject"):
            raise InputFormatError(f"vocabulary/data/{name} row {line}: verdict "
                                   f"{row['verdict']!r} is not accept, note or reject")
        if row["verdict"] != "accept" and not row.get("note"):
            raise InputFormatError(f"vocabulary/data/{name} row {line}: a {row['verdict']} "
                                   "row needs its note")
    return rows


@cache
def aliases(kind: str) -> dict[str, _Entry]:
    """The alias table of ``kind`` keyed by cleaned alias (read once).

    Raises
    ------
    InputFormatError
        Unknown kind, a malformed table or an alias given twice.
    """
    if kind not in KINDS:
        raise InputFormatError(f"unknown vocabulary {kind!r}; kinds: {', '.join(KINDS)}")
    cleaner = _clean_unit if kind == "unit" else clean
    table: dict[str, _Entry] = {}
    for row in _read_table(KINDS[kind]):
        if kind == "unit" and _has_case(row["alias"]):
            continue  # matched with its case: _exact_case_units
        key = cleaner(row["alias"])
        extra = {k: v for k, v in row.items()
                 if k not in ("alias", "canonical", "verdict", "note")}
        entry = _Entry(row["canonical"], row["verdict"], row.get("note") or "", extra)
        if key in table and table[key] != entry:
            raise InputFormatError(f"vocabulary/data/{KINDS[kind]}: alias {row['alias']!r} "
                                   "given twice with different meanings")
        table[key] = entry
    return table


@cache
def _exact_case_units() -> dict[str, _Entry]:
    """The unit aliases written with a capital letter, keyed with their case (spaces, ``_``
    and ``-`` collapsed): looked up before the case-insensitive table, so ``Mt`` gets its
    own verdict while ``MT`` and ``mt`` are read as ``mt``."""
    table: dict[str, _Entry] = {}
    for row in _read_table(KINDS["unit"]):
        if _has_case(row["alias"]):
            table[_clean_unit(row["alias"], keep_case=True)] = _Entry(
                row["canonical"], row["verdict"], row.get("note") or "")
    return table


@lru_cache(maxsize=1)
def _fuel_keys() -> frozenset[str]:
    """Fuel keys of the default factor edition (empty when none can be loaded)."""
    try:
        from ..factors import load_factors

        return frozenset(str(f) for f in load_factors().table("fuel")["fuel"].unique()) - {""}
    except Exception:
        return frozenset()


def _shown(value: Any, size: int = 60) -> str:
    """``repr`` of a word for a reason, cut to about ``size`` characters (the whole cell
    is in ``rejected.value``)."""
    text = value.strip() if isinstance(value, str) else value
    shown = repr(text)
    if len(shown) <= size:
        return shown
    return f"{shown[:size - 5]}...{shown[-1]} ({len(str(text)):,} characters)"


# (canonical, reason, note, extra) of one present value
_Result = tuple[str, str, str, dict[str, str]]


def _from_entry(entry: _Entry, value: Any) -> _Result:
    note = entry.note.replace("{value}", _shown(value)) if entry.note else ""
    if entry.verdict == "reject":
        return "", note, "", entry.extra
    return entry.canonical, "", note if entry.verdict == "note" else "", entry.extra


def _unknown(kind: str, value: Any) -> _Result:
    reason = REASONS[kind].replace("{value}", _shown(value))
    if kind == "country":
        from ..geo.countries import suggest

        reason += suggest(str(value))
    return "", reason, "", {}


def _lookup(kind: str, value: Any) -> _Result | None:
    """Canonical form of one present value; None when the value is missing."""
    if kind == "journey":  # round_trip: the yes/no words, then the journey words
        said = _lookup("boolean", value)
        if said is None or said[0]:
            return said
        entry = aliases(kind).get(clean(value))
        return _from_entry(entry, value) if entry else _unknown(kind, value)
    if kind == "boolean":
        if isinstance(value, bool | np.bool_):
            return ("true" if value else "false"), "", "", {}
        if isinstance(value, int | float | np.integer | np.floating):
            if value != value:
                return None
            if value in (0, 1):
                return ("true" if value else "false"), "", "", {}
            return _unknown(kind, value)
        try:
            number = float(str(value).strip())
        except (ValueError, OverflowError):
            pass
        else:
            if number in (0.0, 1.0):
                return ("true" if number else "false"), "", "", {}
    if value is None or (isinstance(value, float) and value != value) \
            or not str(value).strip():
        return None  # missing; a word of separators only ("----") is no word: unknown
    if kind == "unit":
        key = _clean_unit(value)
        if not key:
            return _unknown(kind, value)
        entry = _exact_case_units().get(_clean_unit(value, keep_case=True)) \
            or aliases(kind).get(key)
        return _from_entry(entry, value) if entry else (" ".join(str(value).split()), "", "",
                                                        {})
    key = clean(value)
    if not key:
        return _unknown(kind, value)
    if kind == "country":  # one distinct value: the scalar reading (no arrays per value)
        from ..geo.countries import alpha2, ambiguity

        code = alpha2(value)
        if code:
            return code, "", "", {}
        shared = ambiguity(value)  # "Congo": two countries, named in the reason
        return ("", shared, "", {}) if shared else _unknown(kind, value)
    entry = aliases(kind).get(key)
    if entry is not None:
        return _from_entry(entry, value)
    if kind in ("facility_kind", "fuel"):
        fuel = aliases("fuel").get(key)
        if fuel is not None:
            result = _from_entry(fuel, value)
            return (result[0].split("|")[0], *result[1:]) if kind == "facility_kind" \
                else result
        snake = key.replace(" ", "_")
        if snake in _fuel_keys():
            return snake, "", "", {}
    if kind in ("heat_kind", "rail_kind", "disposal") and key.replace(" ", "_") in {
            e.canonical for e in aliases(kind).values()}:
        return key.replace(" ", "_"), "", "", {}
    return _unknown(kind, value)


@dataclass(frozen=True)
class Normalised:
    """Per-value outcome of :func:`normalise` (arrays aligned with the values).

    Attributes
    ----------
    value : ndarray of object
        Canonical value; ``""`` where missing or rejected.
    missing : ndarray of bool
        No value (None, NaN, blank): the caller applies its default or requires one.
    reason : ndarray of object
        Reject reason (:data:`REASONS` or the table's note); ``""`` when accepted.
    note : ndarray of object
        Note on an accepted value whose reading is a choice; ``""`` otherwise.
    extra : dict of str to ndarray
        Further columns of the table (modes: implied ``vehicle`` and ``rail_kind``).
    """

    value: np.ndarray
    missing: np.ndarray
    reason: np.ndarray
    note: np.ndarray
    extra: dict[str, np.ndarray]

    @property
    def rejected(self) -> np.ndarray:
        """True where the value is present but not accepted."""
        return self.reason != ""


def normalise(kind: str, values: Any) -> Normalised:
    """Canonical values of ``values`` of a vocabulary ``kind``, vectorised.

    Each distinct value is looked up once (in :func:`clean` form) and the outcome spread
    back to the rows; "did you mean" suggestions are built for distinct unknown values
    only.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    values : scalar, array-like or Series
        The words as found (any case and spacing; None/NaN/blank are missing).

    Returns
    -------
    Normalised
        Arrays aligned with ``values`` (length 1 for a scalar).
    """
    import pandas as pd

    if not isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        values = pd.Series(np.atleast_1d(np.asarray(values, dtype=object)).ravel(),
                           dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    m = len(uniques)
    value = np.full(m + 1, "", dtype=object)
    reason = np.full(m + 1, "", dtype=object)
    note = np.full(m + 1, "", dtype=object)
    missing = np.zeros(m + 1, dtype=bool)
    missing[m] = True
    extra_names = list(next(iter(aliases(kind).values()), _Entry("", "", "")).extra) \
        if kind not in ("country",) else []
    extra = {name: np.full(m + 1, "", dtype=object) for name in extra_names}
    for i, raw in enumerate(np.asarray(uniques, dtype=object)):  # distinct values only
        result = _lookup(kind, raw)
        if result is None:
            missing[i] = True
            continue
        value[i], reason[i], note[i], more = result
        for name in extra:
            extra[name][i] = more.get(name, "")
    codes = np.where(codes < 0, m, codes)
    return Normalised(value[codes], missing[codes], reason[codes], note[codes],
                      {name: column[codes] for name, column in extra.items()})


@lru_cache(maxsize=4096)
def _one_cached(kind: str, value: str) -> tuple[str, str, str]:
    result = _lookup(kind, value)
    return ("", "", "") if result is None else result[:3]


def normalise_one(kind: str, value: Any) -> tuple[str, str, str]:
    """(canonical, reject reason, note) of one value (the scalar calls; no pandas).

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    value : object
        The word; missing gives ``("", "", "")``.
    """
    if isinstance(value, str):
        return _one_cached(kind, value)
    result = _lookup(kind, value)
    return ("", "", "") if result is None else result[:3]


def read_unit(text: Any) -> tuple[Any, str]:
    """(pint Unit, "") of a unit word, or (None, the reject reason): the one unit reading
    of readers and batch calculators (aliases of ``data/units.csv``, then pint).

    Parameters
    ----------
    text : object
        The unit as written (``kwh``, ``m3``, ``US_liquid_gallon`` ...).
    """
    from ..errors import UnitError
    from ..units import parse_unit

    unit, reason, _ = normalise_one("unit", text)
    if reason:
        return None, reason
    try:
        parsed = parse_unit(unit)
    except Exception as exc:
        reason = REASONS["unit"].replace("{value}", _shown(text))
        detail = str(exc).split(" (a unit is")[0]  # the guard's own explanation, if any
        if isinstance(exc, UnitError) and " is not a unit: " in detail:
            reason += ": " + detail.split(" is not a unit: ", 1)[1]
        return None, reason
    ambiguous = _ambiguous_base(parsed, unit, text)
    return (None, ambiguous) if ambiguous else (parsed, "")


#: pint units whose plain name hides a choice (pint's gallon is the US gallon, its ton the
#: short ton, its barrel 31.5 US gallons): word in the text that makes the choice explicit,
#: and the alias (``data/units.csv``) whose reject reason applies.
_AMBIGUOUS_BASES: dict[str, tuple[str | None, str]] = {
    "gallon": ("us", "gal"), "ton": ("short", "ton"), "barrel": (None, "barrel")}


def _ambiguous_base(parsed: Any, unit: str, text: Any) -> str:
    """The reject reason of a unit built on an ambiguous base (``kgal``, ``kiloton``), or
    "": the aliases refuse ``gal`` and ``ton`` themselves, pint reads their prefixed forms."""
    from ..units import ureg

    for name in getattr(parsed, "_units", {}):
        for _prefix, base, _suffix in ureg.parse_unit_name(name):
            rule = _AMBIGUOUS_BASES.get(base)
            if rule is None or (rule[0] is not None and rule[0] in unit.lower()):
                continue
            return aliases("unit")[rule[1]].note.replace("{value}", _shown(text))
    return ""


def yes_no_argument(value: Any, name: str, kind: str = "boolean",
                    error: type[Exception] = ValueError) -> bool:
    """A yes/no argument of a function read as the readers read a yes/no cell (``"no"``,
    ``"false"``, ``0`` are False), never by Python truthiness: ``bool("no")`` is True.

    Parameters
    ----------
    value : object
        The argument as given (``True``/``False`` are taken as they are).
    name : str
        The argument's name, for the message.
    kind : {"boolean", "journey"}, default "boolean"
        The vocabulary (``"journey"`` also reads return / one way).
    error : Exception class, default ValueError
        Raised, naming the argument, for a value that is no yes/no (``"maybe"``, ``2``,
        NaN, None).
    """
    if value is True or value is False or type(value) is np.bool_:  # the common case
        return bool(value)
    word, reason, _ = normalise_one(kind, value)
    if not word:
        raise error(f"{name} must be yes/no (True/False), got {value!r}"
                    + (f": {reason}" if reason else ""))
    return word == "true"


def yes_no(values: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A yes/no column read with the one boolean vocabulary: (values, missing, bad).

    ``values`` is True only where the word means yes (``Y``, ``true``, ``1`` ...; see
    ``data/booleans.csv``). A ``round_trip`` column is read with the ``journey``
    vocabulary instead (these words and ``return``, ``one way``, ``open jaw`` ...).
    """
    import pandas as pd

    if isinstance(values, pd.Series) and pd.api.types.is_bool_dtype(values.dtype) \
            and not values.isna().any():
        flags = values.to_numpy(dtype=bool)
        return flags, np.zeros(len(flags), dtype=bool), np.zeros(len(flags), dtype=bool)
    out = normalise("boolean", values)
    return out.value == "true", out.missing, out.rejected

