"""Canonical columns, mapping presets, and matching source columns to canonical names.

``mapping`` (an argument of the readers) is one of

- ``None``: source columns whose names equal a canonical name, ignoring case, spaces,
  ``_`` and ``-`` (``"Trip ID"`` -> ``trip_id``), are used;
- a ``dict`` ``{canonical name: source column}`` (a list of source columns is coalesced:
  the first non-empty value per row wins); every named source column must exist
  (names are matched exactly, else case/space-insensitively); canonical names it does not
  mention are still matched automatically. For travel, a canonical name may instead map
  to ``{mode: source column(s)}`` (``{"rail": "Rail Distance (km)", "road": "Car
  Distance (km)"}``): each row reads the column(s) of its own mode only, rows of other
  modes read none of them (see :func:`sem_carbon.io.travel.read_travel_log` for what a
  value in another mode's column does);
- a preset name (``"canonical"``, ``"agency"``, ``"utility_bills"``; see
  :func:`list_presets`) or the path of a preset JSON file. Preset columns that the source
  lacks are skipped (exports omit empty columns), but at least one must be present.

A preset file is JSON with ``name``, ``kind`` (``travel``, ``facilities`` or ``any``),
``description``, ``columns`` (a mapping as above, or ``"identity"``), ``units`` (units of
unit-less numeric columns, e.g. ``{"distance": "km"}``) and ``defaults`` (values for
canonical columns the source does not have, e.g. ``{"mode": "air"}``).

Units of unit-less numeric columns (``distance``, ``amount``, ``supplier_factor``) come
from, in increasing priority: the header (``distance_km``, ``Distance (mi)``,
``amount [kWh]``), the preset, the ``units`` argument. A per-row unit column
(``distance_unit``, ``unit``) wins over all of them where it is filled.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ..errors import InputFormatError
from ..geo.countries import close_matches
from ..vocabulary import normalise_one

__all__ = [
    "FACILITIES_INPUTS",
    "FACILITIES_OUTPUT",
    "TRAVEL_INPUTS",
    "TRAVEL_OUTPUT",
    "ColumnPlan",
    "list_presets",
    "load_preset",
    "plan_columns",
]

#: Canonical travel columns a source may provide.
TRAVEL_INPUTS: tuple[str, ...] = (
    "trip_id", "entity", "date", "year", "mode", "origin", "destination", "route", "cabin",
    "round_trip", "passengers", "distance", "distance_unit", "vehicle", "fuel", "rail_kind",
    "nights", "rooms", "country", "cost", "currency", "traveller",
)  # fmt: skip
#: Columns of ``ActivityTable.data`` for travel (extra source columns follow).
TRAVEL_OUTPUT: tuple[str, ...] = (
    "source_row", "trip_id", "leg", "entity", "date", "year", "mode", "origin", "destination",
    "cabin", "round_trip", "passengers", "distance_km", "vehicle", "fuel", "rail_kind",
    "nights", "rooms", "country", "cost", "currency", "traveller", "notes",
)  # fmt: skip
#: Canonical facilities columns a source may provide.
FACILITIES_INPUTS: tuple[str, ...] = (
    "entity", "site", "period_start", "period_end", "date", "year", "kind", "amount", "unit",
    "country", "gas", "treatment", "disposal", "material", "method", "supplier_factor",
)  # fmt: skip
#: Columns of ``ActivityTable.data`` for facilities (extra source columns follow).
FACILITIES_OUTPUT: tuple[str, ...] = (
    "source_row", "entity", "site", "period_start", "period_end", "date", "year", "kind",
    "amount", "unit", "country", "gas", "treatment", "disposal", "material", "method",
    "supplier_factor_kg_per_kwh", "notes",
)  # fmt: skip

_INPUTS = {"travel": TRAVEL_INPUTS, "facilities": FACILITIES_INPUTS}
#: Canonical travel modes, the keys of a column read per mode (``{"rail": ..., "road": ...}``)
TRAVEL_MODES: tuple[str, ...] = ("air", "rail", "road", "hotel")
# unit-bearing column -> dimension its unit must have
_UNIT_COLUMNS = {
    "travel": {"distance": "[length]"},
    "facilities": {"amount": None, "supplier_factor": "[co2e] / [energy]"},
}
# mapping keys / headers that carry their unit in the name
_NAMED_UNITS = {"distance_km": ("distance", "km"),
                "supplier_factor_kg_per_kwh": ("supplier_factor", "kgCO2e/kWh")}
_HEADER_UNIT = re.compile(
    r"^(?P<name>distance|amount|supplier[\s_\-]*factor)\s*(?:[_(\[]\s*(?:in\s+)?)"
    r"(?P<unit>[^()\[\]]+?)\s*[)\]]?$",
    re.IGNORECASE,
)
_SEP = re.compile(r"[\s_\-]+")


def norm_name(name: object) -> str:
    """Case-, space-, ``_``- and ``-``-insensitive form of a column name."""
    return _SEP.sub("_", str(name).strip().casefold()).strip("_")


@attrs.frozen
class ColumnPlan:
    """Where each canonical column comes from.

    Attributes
    ----------
    kind : str
        ``travel`` or ``facilities``.
    columns : dict
        Canonical name -> tuple of source columns (coalesced left to right).
    units : dict
        Unit-bearing canonical name -> pint unit text.
    unit_origin : dict
        Where each unit came from (for messages).
    defaults : dict
        Values of canonical columns the source lacks (from the preset).
    preset : str or None
        Preset name, if one was used.
    extras : tuple of str
        Source columns not used for a canonical column (kept in ``data``).
    by_mode : dict
        Canonical name -> {mode: tuple of source columns} for columns read per mode (their
        ``columns`` entry lists all of them, in order).
    """

    kind: str
    columns: dict[str, tuple[str, ...]]
    units: dict[str, str]
    unit_origin: dict[str, str]
    defaults: dict[str, Any]
    preset: str | None
    extras: tuple[str, ...]
    by_mode: dict[str, dict[str, tuple[str, ...]]] = attrs.field(factory=dict)

    def has(self, name: str) -> bool:
        """True when the source provides ``name`` (a column or a preset default)."""
        return name in self.columns or name in self.defaults

    def label(self, name: str) -> str:
        """Source column name(s) of ``name`` for ``rejected.column``; else ``name``."""
        cols = self.columns.get(name)
        return " / ".join(cols) if cols else name


def _preset_dir() -> Any:
    return resources.files(__package__).joinpath("presets")


def list_presets() -> dict[str, str]:
    """Bundled presets: name -> description."""
    out = {}
    for entry in sorted(_preset_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            out[data["name"]] = f"[{data['kind']}] {data['description']}"
    return out


def load_preset(name: str | Path) -> dict[str, Any]:
    """Load a bundled preset by name, or a preset JSON file by path.

    Raises
    ------
    InputFormatError
        Unknown preset, or a file that is not a valid preset.
    """
    text: str | None = None
    candidate = _preset_dir().joinpath(f"{name}.json")
    if isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9_\-]+", name) and candidate.is_file():
        text = candidate.read_text(encoding="utf-8")
        where = f"preset {name!r}"
    elif str(name).lower().endswith(".json") and Path(name).is_file():
        text = Path(name).read_text(encoding="utf-8")
        where = f"preset file {name}"
    if text is None:
        known = ", ".join(repr(k) for k in list_presets())
        raise InputFormatError(f"unknown mapping preset {str(name)!r}; bundled presets: {known} "
                               "(or give a dict, or the path of a preset .json file)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFormatError(f"{where} is not valid JSON: {exc.msg}") from None
    problems = [key for key in ("name", "kind", "columns") if key not in data]
    if problems or data.get("kind") not in ("travel", "facilities", "any"):
        raise InputFormatError(f"{where} needs 'name', 'kind' (travel/facilities/any) and "
                               "'columns'")
    return data


def _find(source_columns: Sequence[str], wanted: str) -> str | None:
    if wanted in source_columns:
        return wanted
    target = norm_name(wanted)
    for col in source_columns:
        if norm_name(col) == target:
            return col
    return None


def _did_you_mean(value: str, choices: Iterable[str]) -> str:
    hits = close_matches(value, list(choices), n=2)
    return f" (did you mean {' or '.join(repr(h) for h in hits)}?)" if hits else ""


def plan_columns(
    kind: str,
    source_columns: Sequence[str],
    mapping: Mapping[str, str | Sequence[str]] | str | Path | None,
    units: Mapping[str, str] | None,
) -> ColumnPlan:
    """Decide which source columns feed each canonical column.

    Parameters
    ----------
    kind : {"travel", "facilities"}
        Table kind.
    source_columns : sequence of str
        Column names of the source.
    mapping : dict, str, Path or None
        See the module notes.
    units : dict, optional
        Units of unit-less numeric columns, e.g. ``{"distance": "mi"}``.

    Raises
    ------
    InputFormatError
        Unknown canonical names, mapped columns the source lacks, unknown presets, units
        that pint cannot read or of the wrong dimension.
    """
    inputs = _INPUTS[kind]
    preset_name: str | None = None
    strict = True
    given: Mapping[str, Any]
    defaults: dict[str, Any] = {}
    preset_units: dict[str, str] = {}
    if mapping is None:
        given = {}
    elif isinstance(mapping, str | Path):
        preset = load_preset(mapping)
        if preset["kind"] not in (kind, "any"):
            raise InputFormatError(
                f"preset {preset['name']!r} is for {preset['kind']} data, not {kind}"
            )
        preset_name, strict = str(preset["name"]), False
        given = ({c: c for c in inputs} if preset["columns"] == "identity"
                 else dict(preset["columns"]))
        defaults = dict(preset.get("defaults", {}))
        preset_units = dict(preset.get("units", {}))
    elif isinstance(mapping, Mapping):
        given = dict(mapping)
    else:
        raise TypeError(f"mapping must be a dict, a preset name or None, got "
                        f"{type(mapping).__name__}")
    columns: dict[str, tuple[str, ...]] = {}
    by_mode: dict[str, dict[str, tuple[str, ...]]] = {}
    named_units: dict[str, str] = {}
    used: set[str] = set()
    for key, value in given.items():
        canonical = key
        if key in _NAMED_UNITS:
            canonical, unit = _NAMED_UNITS[key]
            named_units[canonical] = unit
        if canonical not in inputs:
            raise InputFormatError(
                f"mapping key {key!r} is not a canonical {kind} column"
                f"{_did_you_mean(key, inputs)}; canonical columns: {', '.join(inputs)}"
            )
        if isinstance(value, Mapping):  # {mode: source column(s)}: each row its mode's
            per_mode = _per_mode(kind, canonical, value)
            found = []
            by_mode[canonical] = {}
            for mode, names in per_mode.items():
                own = _found(source_columns, canonical, names, strict)
                by_mode[canonical][mode] = tuple(own)
                found += [col for col in own if col not in found]
        else:
            found = _found(source_columns, canonical,
                           [value] if isinstance(value, str) else list(value), strict)
        used.update(found)
        if found:
            columns[canonical] = tuple(found)
        else:
            by_mode.pop(canonical, None)
    if preset_name is not None and given and not columns:
        raise InputFormatError(
            f"none of the columns of preset {preset_name!r} ({', '.join(map(repr, given.values()))}"
            f") is in the source; columns found: {', '.join(map(repr, source_columns))}"
        )
    header_units: dict[str, str] = {}
    for col in source_columns:  # automatic matching of the remaining canonical names
        if col in used:
            continue
        key = norm_name(col)
        if key in inputs and key not in columns:
            columns[key] = (col,)
            used.add(col)
            continue
        if (key in _NAMED_UNITS and _NAMED_UNITS[key][0] in inputs
                and _NAMED_UNITS[key][0] not in columns):  # the other kind's: an extra column
            canonical, unit = _NAMED_UNITS[key]
            columns[canonical] = (col,)
            header_units[canonical] = unit
            used.add(col)
            continue
        match = _HEADER_UNIT.match(col.strip())
        if match:
            canonical = norm_name(match["name"])
            unit = _header_unit(kind, canonical, match["unit"])
            if unit is not None and canonical not in columns:
                columns[canonical] = (col,)
                header_units[canonical] = unit
                used.add(col)
    for name in defaults:
        if name not in inputs:
            raise InputFormatError(f"preset default {name!r} is not a canonical {kind} column")
    resolved_units, origin = _resolve_units(kind, header_units, named_units, preset_units,
                                            dict(units or {}), preset_name)
    extras = tuple(c for c in source_columns if c not in used)
    return ColumnPlan(kind, columns, resolved_units, origin,
                      {k: v for k, v in defaults.items() if k not in columns}, preset_name,
                      extras, by_mode)


def _found(source_columns: Sequence[str], canonical: str, wanted: Sequence[Any],
           strict: bool) -> list[str]:
    """The source columns named in ``wanted`` (``strict``: each must exist)."""
    found: list[str] = []
    for name in wanted:
        col = _find(source_columns, str(name))
        if col is None and strict:
            raise InputFormatError(
                f"mapping says {canonical} is in column {name!r}, which the source does "
                f"not have{_did_you_mean(str(name), source_columns)}; columns found: "
                f"{', '.join(map(repr, source_columns))}"
            )
        if col is not None and col not in found:
            found.append(col)
    return found


def _per_mode(kind: str, canonical: str, value: Mapping[Any, Any]) -> dict[str, list[Any]]:
    """``{mode: source column(s)}`` checked: travel only, modes among :data:`TRAVEL_MODES`."""
    if kind != "travel":
        raise InputFormatError(f"mapping of {canonical!r}: columns per mode ({{mode: column}}) "
                               "apply to travel data only")
    bad = [str(m) for m in value if m not in TRAVEL_MODES]
    if bad or not value:
        raise InputFormatError(
            f"mapping of {canonical!r} per mode needs canonical modes as keys "
            f"({', '.join(TRAVEL_MODES)}); got {', '.join(map(repr, bad)) or 'none'}"
        )
    return {str(m): [cols] if isinstance(cols, str) else list(cols) for m, cols in value.items()}


def _header_unit(kind: str, canonical: str, text: str) -> str | None:
    """The unit named in a header (``Distance (km)``), or None if it is not one."""
    from ..units import parse_unit

    allowed = _UNIT_COLUMNS[kind]
    if canonical not in allowed:
        return None
    unit, ambiguous, _ = normalise_one("unit", text)
    if not unit or ambiguous:
        return None
    try:
        parsed = 1 * parse_unit(unit)
    except Exception:
        return None
    dimension = allowed[canonical]
    if dimension is None:
        return None if parsed.dimensionless else unit
    return unit if parsed.check(dimension) else None


def _resolve_units(kind: str, header: dict[str, str], named: dict[str, str],
                   preset: dict[str, str], given: dict[str, str],
                   preset_name: str | None) -> tuple[dict[str, str], dict[str, str]]:
    from ..units import parse_unit

    allowed = _UNIT_COLUMNS[kind]
    out: dict[str, str] = {}
    origin: dict[str, str] = {}
    layers = [(header, "the column header"), (named, "the mapping key"),
              (preset, f"preset {preset_name!r}"), (given, "units=")]
    for layer, where in layers:
        for name, unit in layer.items():
            if name not in allowed:
                raise InputFormatError(
                    f"{where} gives a unit for {name!r}; units apply to the unit-less numeric "
                    f"{kind} columns: {', '.join(allowed)}"
                )
            text, ambiguous, _ = normalise_one("unit", unit)
            if ambiguous:
                raise InputFormatError(f"{where}: unit {unit!r} of {name} is ambiguous "
                                       "(say e.g. US_liquid_gallon or imperial_gallon, t)")
            try:
                parsed = parse_unit(text)
            except Exception:
                raise InputFormatError(
                    f"{where}: {unit!r} (unit of {name}) is not a unit pint understands"
                ) from None
            dimension = allowed[name]
            if dimension is not None and not (1 * parsed).check(dimension):
                raise InputFormatError(
                    f"{where}: unit {unit!r} of {name} is not a {dimension} unit"
                )
            out[name], origin[name] = text, where
    return out, origin
