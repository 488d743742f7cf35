"""One factor edition: load, validate, query.

An edition is a folder with a ``datapackage.json`` and tidy CSV resources (see
``docs/factor-format.md``). Loading checks the sha256 of every resource (which must lie
inside the edition folder), the schema, that every unit parses and every value is
finite and not negative (per unit of energy at most
:data:`~sem_carbon.limits.MAX_ENERGY_FACTOR_KG_PER_KWH`), that each category has the key
columns its calculators read with values they know (:mod:`.keys`), and converts every
factor to its category's canonical unit (:mod:`.canonical`); a failure raises
:class:`~sem_carbon.errors.FactorIntegrityError` naming the file and the reason.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import math
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ..errors import FactorIntegrityError, UnknownFactorError
from ..limits import MAX_ENERGY_FACTOR_KG_PER_KWH
from ..units import parse_unit, ureg
from .canonical import canonicalise
from .keys import KEY_VALUES, REQUIRED_KEYS, STANDARD_COLUMNS, normalise_key_value
from .model import Factor

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["REQUIRED_METADATA", "FactorSet", "per_edition"]

T = TypeVar("T")

#: Fields every ``datapackage.json`` must carry.
REQUIRED_METADATA: tuple[str, ...] = (
    "id",
    "title",
    "publisher",
    "year",
    "kind",
    "licenses",
    "sources",
    "resources",
)

_GAS_COLUMNS = ("co2", "ch4", "n2o")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class FactorSet:
    """A validated, immutable factor edition.

    Use :func:`sem_carbon.load_factors` rather than the constructor.

    Parameters
    ----------
    metadata : mapping
        The edition's ``datapackage.json`` descriptor.
    table : DataFrame
        Every factor of the edition, one row each (validated, canonical units).
    path : Path or None
        Folder it was loaded from (None for in-memory sets).

    Attributes
    ----------
    id, title, publisher, year, kind : str, str, str, int, str
        From ``datapackage.json``.
    licence : str
        Licence title (and URL).
    source : str
        Citation: the source titles and URLs.
    metadata : dict
        The whole descriptor.
    path : Path or None
        Folder it was loaded from (None for in-memory overrides).
    """

    def __init__(self, metadata: Mapping[str, Any], table: pd.DataFrame | None,
                 path: Path | None):
        self.metadata = dict(metadata)
        self.id: str = str(metadata["id"])
        self.title: str = str(metadata["title"])
        self.publisher: str = str(metadata["publisher"])
        self.year: int = int(metadata["year"])
        self.kind: str = str(metadata["kind"])
        self.path = path
        self.licence: str = "; ".join(
            f"{lic.get('title', lic.get('name', ''))} ({lic.get('path', '')})"
            for lic in metadata["licenses"]
        )
        self.source: str = "; ".join(
            f"{src.get('title', '')} <{src.get('path', '')}>" for src in metadata["sources"]
        )
        self._derived: dict[Hashable, Any] = {}
        self._derived_lock = threading.RLock()
        if table is not None:  # else a bundled edition read on first use (from_folder)
            self._set_table(table)

    def _set_table(self, table: pd.DataFrame) -> None:
        self._table = table
        self._by_category: dict[str, pd.DataFrame] = {
            cat: frame.reset_index(drop=True) for cat, frame in table.groupby("category", sort=True)
        }

    def __getattr__(self, name: str) -> Any:
        """The whole table of a lazily loaded edition, read and validated on first use."""
        if name in ("_table", "_by_category") and "path" in self.__dict__ \
                and self.__dict__.get("path") is not None:
            with self.__dict__["_derived_lock"]:
                if "_table" not in self.__dict__:
                    self._set_table(_read_table(self.path, self.metadata))
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def _loaded(self) -> bool:
        return "_table" in self.__dict__

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the derived values and their lock (rebuilt where unpickled)."""
        state = dict(self.__dict__)
        state["_derived"] = {}
        del state["_derived_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._derived_lock = threading.RLock()

    # ------------------------------------------------------------------ derived values
    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from this edition, built once and kept with it.

        Calculators turn an edition's tables into what they need (dense air-factor arrays,
        a fuel plan, an index of keys); an edition never changes once loaded, so each such
        value is built on first use and handed out afterwards (thread-safe).

        Parameters
        ----------
        key : hashable
            Names the value, e.g. ``("fuel_plan", fuel, unit)``.
        build : callable
            ``build()`` makes the value; called at most once per key and edition (not at
            all when the value is already there). An exception is not kept: the next call
            tries again.

        Returns
        -------
        object
            What ``build`` returned.
        """
        try:
            return self._derived[key]
        except KeyError:
            with self._derived_lock:
                if key not in self._derived:
                    self._derived[key] = build()
                return self._derived[key]

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_folder(cls, folder: str | Path, lazy: bool = False) -> FactorSet:
        """Load and validate the edition in ``folder``.

        Parameters
        ----------
        folder : str or Path
            The edition folder (holding ``datapackage.json``).
        lazy : bool, default False
            Read the descriptor now and the factor files on first use: one category's
            file alone for :meth:`records` and :meth:`get` (a scalar flight reads
            ``air.csv`` only, without pandas), every file, validated, for the rest. Only
            for folders whose resources each hold the one category they are named after
            (the bundled editions; a test checks them): a file is refused on use, not here.

        Raises
        ------
        FactorIntegrityError
            Missing descriptor field, missing file, checksum mismatch, bad schema, unit or value.
        """

        folder = Path(folder)
        descriptor = folder / "datapackage.json"
        if not descriptor.is_file():
            raise FactorIntegrityError(f"{folder}: no datapackage.json, so not a factor edition")
        if not _inside(folder, descriptor):
            raise FactorIntegrityError(f"{descriptor} is a link to a file outside the edition "
                                       "folder; copy the descriptor into the folder")
        try:
            metadata = json.loads(descriptor.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FactorIntegrityError(f"{descriptor}: not valid JSON ({exc})") from exc
        missing = [f for f in REQUIRED_METADATA if f not in metadata]
        if missing:
            raise FactorIntegrityError(f"{descriptor}: missing field(s) {', '.join(missing)}")
        if not metadata["resources"]:
            raise FactorIntegrityError(f"{descriptor}: lists no resources")
        if lazy:
            return cls(metadata, None, folder)
        return cls(metadata, _read_table(folder, metadata), folder)

    # ------------------------------------------------------------------ queries
    @property
    def categories(self) -> list[str]:
        """Categories present in this edition."""
        if not self._loaded:  # lazy: each resource holds the category it is named after
            return list(self.derived("categories", lambda: tuple(sorted(
                {str(r.get("name", "")) for r in self.metadata["resources"]}))))
        return list(self._by_category)

    def records(self, category: str) -> list[dict[str, Any]]:
        """Rows of one category as dicts (the columns of :meth:`table`), without pandas
        for a lazily loaded edition (only that category's file is read).

        Numbers are floats (NaN where empty), keys and texts str, as in :meth:`table`.
        """
        if self._loaded or category not in self.categories:
            return self.table(category).to_dict("records")
        return self.derived(("records", category), lambda: _read_category(
            self.path, self.metadata, category))

    @property
    def notes(self) -> list[str]:
        """Edition-level notes (what the source lacked, substitutions)."""
        return list(self.metadata.get("notes", []))

    def table(self, category: str) -> pd.DataFrame:
        """Rows of one category, with only the key columns that category uses."""
        try:
            frame = self._by_category[category]
        except KeyError:
            raise UnknownFactorError(
                f"edition {self.id} has no '{category}' factors; "
                f"categories: {', '.join(self.categories)}"
            ) from None
        columns = self.derived(("table columns", category), lambda: [
            c for c in frame.columns if (frame[c] != "").any() or c in STANDARD_COLUMNS])
        return frame[columns]  # the used columns found once per edition and category

    def key_columns(self, category: str) -> list[str]:
        """Key columns used by ``category``."""
        return [c for c in self.table(category).columns if c not in STANDARD_COLUMNS]

    def to_frame(self) -> pd.DataFrame:
        """All factors as one tidy DataFrame with an ``edition`` column."""
        frame = self._table.copy()
        frame.insert(0, "edition", self.id)
        return frame

    def get(self, category: str, **keys: Any) -> Factor:
        """Return the one factor of ``category`` selected by ``keys``.

        Parameters
        ----------
        category : str
            E.g. ``"air"``, ``"hotel"``, ``"fuel"``.
        **keys
            Key values; case, spaces and hyphens do not matter
            (``cabin="Premium Economy"`` finds ``premium_economy``).

        Raises
        ------
        UnknownFactorError
            No row (or more than one row) matches; the message lists the available values.
        """
        if not self._loaded and category in self.categories:  # one file, no pandas
            found = self._get_from_records(category, keys)
            if found is not None:
                return found
        frame = self.table(category)
        key_cols = self.key_columns(category)
        unknown = [k for k in keys if k not in key_cols]
        if unknown:
            raise UnknownFactorError(
                f"'{category}' factors in {self.id} have no key {', '.join(unknown)}; "
                f"keys: {', '.join(key_cols)}"
            )
        mask = np.ones(len(frame), dtype=bool)
        for key, raw in keys.items():
            wanted = normalise_key_value(key, raw)
            column = frame[key].to_numpy(dtype=str)
            hit = column == wanted
            if not hit[mask].any():
                choices = sorted(set(column[mask]) - {""})
                close = difflib.get_close_matches(wanted, choices, n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise UnknownFactorError(
                    f"no '{category}' factor with {key}={wanted!r} in {self.id}{hint} "
                    f"(available: {', '.join(choices[:40])}{' ...' if len(choices) > 40 else ''})"
                )
            mask &= hit
        rows = frame[mask]
        if len(rows) > 1:
            rest = [c for c in key_cols if c not in keys]
            plain = rows[(rows[rest] == "").all(axis=1)] if rest else rows.iloc[:0]
            if len(plain) == 1:
                rows = plain
            else:
                options = rows[rest].drop_duplicates().to_dict("records")
                raise UnknownFactorError(
                    f"{len(rows)} '{category}' factors in {self.id} match {keys}; "
                    f"add one of the keys {', '.join(rest)}: {options[:10]}"
                )
        return self._factor_from_row(rows.iloc[0], key_cols)

    def _get_from_records(self, category: str, keys: Mapping[str, Any]) -> Factor | None:
        """:meth:`get` on :meth:`records` when exactly one row matches (else None: the
        table path decides, with its messages)."""
        records = self.records(category)
        if not records:
            return None
        key_cols = [c for c in records[0] if c not in STANDARD_COLUMNS]
        if any(k not in key_cols for k in keys):
            return None
        wanted = {k: normalise_key_value(k, v) for k, v in keys.items()}
        rows = [r for r in records if all(r[k] == v for k, v in wanted.items())]
        return self._factor_from_row(rows[0], key_cols) if len(rows) == 1 else None

    def _factor_from_row(self, row: Mapping[str, Any], key_cols: Iterable[str]) -> Factor:
        unit = parse_unit(row["unit"])
        gases = {
            gas: ureg.Quantity(float(row[gas]), unit)
            for gas in _GAS_COLUMNS
            if not _missing(row[gas])
        }
        source_row = None if _missing(row["source_row"]) else int(row["source_row"])
        return Factor(
            edition=self.id,
            category=str(row["category"]),
            keys={k: str(row[k]) for k in key_cols},
            value=ureg.Quantity(float(row["value"]), unit),
            gases=gases,
            label=str(row["label"]),
            source_table=str(row["source_table"]),
            source_row=source_row,
            source=f"{self.publisher}, {self.title}; {self.source}",
            notes=str(row["notes"]),
        )

    # ------------------------------------------------------------------ overrides
    def with_overrides(self, overrides: pd.DataFrame | Iterable[Mapping[str, Any]],
                       new_id: str | None = None) -> FactorSet:
        """Return a copy of this edition where the given rows replace (or add) factors.

        Parameters
        ----------
        overrides : DataFrame or iterable of dict
            Rows in the factor-format columns: ``category``, key columns, ``value``, ``unit``
            (optional ``co2``, ``ch4``, ``n2o``, ``label``, ``notes``). A row whose category and
            keys match an existing factor replaces it; others are added.
        new_id : str, optional
            Id of the derived set; default ``"<id>+overrides"``. Results computed with it
            record this id, so an override is always visible downstream.
        """
        import pandas as pd

        extra = pd.DataFrame(list(overrides) if not isinstance(overrides, pd.DataFrame)
                             else overrides).copy()
        for column in STANDARD_COLUMNS:
            if column not in extra.columns:
                extra[column] = np.nan if column in (*_GAS_COLUMNS, "value", "source_row") else ""
        extra["source_table"] = extra["source_table"].replace("", "user override")
        for col in extra.columns:  # key values as they will be stored, for the checks
            if col not in STANDARD_COLUMNS:
                extra[col] = ["" if v is None or (isinstance(v, float) and math.isnan(v))
                              else normalise_key_value(col, v) for v in extra[col]]
        extra = _validate_frame(extra.reset_index(drop=True), f"overrides for {self.id}",
                                lambda i: f"row {i + 1}")
        key_cols = sorted(set(self._table.columns) | set(extra.columns) - set(STANDARD_COLUMNS))
        key_cols = [c for c in key_cols if c not in STANDARD_COLUMNS]
        base = self._table.copy()
        for frame in (base, extra):
            for col in key_cols:
                if col not in frame.columns:
                    frame[col] = ""
            frame[key_cols] = frame[key_cols].fillna("").astype(str)
            for col in key_cols:
                frame[col] = [normalise_key_value(col, v) for v in frame[col]]
        ident = ["category", *key_cols]
        keep = ~base.set_index(ident).index.isin(extra.set_index(ident).index)
        table = pd.concat([base[keep], extra[base.columns]], ignore_index=True)
        metadata = dict(self.metadata)
        metadata["id"] = new_id or f"{self.id}+overrides"
        metadata["notes"] = [*self.notes, f"{len(extra)} factor(s) overridden or added by the user"]
        return FactorSet(metadata, table, None)

    def __repr__(self) -> str:
        return f"<FactorSet {self.id}: {len(self._table)} factors, {self.publisher}>"

    def __len__(self) -> int:
        return len(self._table)


def _missing(value: Any) -> bool:
    """NaN or None (an empty number cell), as ``pandas.isna`` of one number."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _read_table(folder: Path, metadata: Mapping[str, Any]) -> pd.DataFrame:
    """Every resource of an edition, validated, as one table."""
    import pandas as pd

    frames = [_read_resource(folder, resource, str(metadata["id"]))
              for resource in metadata["resources"]]
    table = pd.concat(frames, ignore_index=True, sort=False)
    key_cols = [c for c in table.columns if c not in STANDARD_COLUMNS]
    table[key_cols] = table[key_cols].fillna("")
    _check_unique(table, key_cols, folder / "datapackage.json")
    return table


_NUMBER_COLUMNS = ("value", *_GAS_COLUMNS, "source_row")


def _read_category(folder: Path, metadata: Mapping[str, Any], category: str
                   ) -> list[dict[str, Any]]:
    """The rows of the resource named ``category`` as :meth:`FactorSet.table` gives them,
    read with the standard library (no pandas).

    Only a file whose checksum matches, whose rows all belong to ``category``, whose
    numbers read and whose units are the category's canonical ones (no conversion) is
    read here; anything else goes to the table path, which converts, or refuses the
    edition with its messages.
    """
    import csv

    from .canonical import CANONICAL_UNITS

    edition = str(metadata["id"])
    named = [r for r in metadata["resources"] if str(r.get("name", "")) == category]
    if len(named) != 1:
        return _records_of_table(folder, metadata, category)
    path = resource_path(folder, named[0].get("path", ""), edition)
    if not path.is_file():
        return _records_of_table(folder, metadata, category)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != str(named[0].get("sha256", "")):
        return _records_of_table(folder, metadata, category)
    # the whole table's column order: each file's new columns after the earlier ones
    order: list[str] = []
    for resource in metadata["resources"]:
        head = data if resource is named[0] else _first_line(
            resource_path(folder, resource.get("path", ""), edition))
        header = next(csv.reader([head.decode("utf-8").split("\n", 1)[0].rstrip("\r")]), [])
        order.extend(c for c in header if c not in order)
    canonical = CANONICAL_UNITS.get(category, ())
    records: list[dict[str, Any]] = []
    for row in csv.DictReader(data.decode("utf-8").splitlines()):
        if (None in row or any(v is None for v in row.values())
                or any(c not in row for c in STANDARD_COLUMNS)
                or row["category"] != category or row["unit"].strip() not in canonical):
            return _records_of_table(folder, metadata, category)
        record: dict[str, Any] = {}
        for column in order:
            text = row.get(column, "")
            if column in _NUMBER_COLUMNS:
                try:
                    record[column] = float(text.strip()) if text.strip() else math.nan
                except ValueError:
                    return _records_of_table(folder, metadata, category)
            else:
                record[column] = text.strip() if column == "unit" else text
        if (not math.isfinite(record["value"]) or record["value"] < 0
                or any(record[g] < 0 for g in _GAS_COLUMNS)
                or (row["unit"].strip() == "kgCO2e / kWh"
                    and record["value"] > MAX_ENERGY_FACTOR_KG_PER_KWH)):
            return _records_of_table(folder, metadata, category)
        records.append(record)
    used = [c for c in order if c in STANDARD_COLUMNS or any(r[c] != "" for r in records)]
    records = [{c: r[c] for c in used} for r in records]
    keys = [tuple(r[c] for c in used if c not in STANDARD_COLUMNS) for r in records]
    if len(set(keys)) != len(keys):
        return _records_of_table(folder, metadata, category)
    return records


def _first_line(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.readline()


def _records_of_table(folder: Path, metadata: Mapping[str, Any], category: str
                      ) -> list[dict[str, Any]]:
    """The category's rows read by the table path (which raises on a bad edition)."""
    return FactorSet(metadata, _read_table(folder, metadata), folder).table(
        category).to_dict("records")


def _inside(folder: Path, path: Path) -> bool:
    """True when ``path``, symlinks resolved, lies in ``folder`` (symlinks resolved)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def resource_path(folder: Path, text: Any, edition: str) -> Path:
    """The file a descriptor's resource ``path`` names, refused unless inside ``folder``.

    A resource path is a relative POSIX path (``air.csv``, ``data/air.csv``). Absolute
    paths, drive letters, backslashes, ``..`` and symlinks that lead out of the edition
    folder are refused before the file is opened, so a descriptor cannot make the loader
    read (or report the checksum of) a file elsewhere.

    Raises
    ------
    FactorIntegrityError
        The path leads outside the edition folder; the message names only the path text.
    """
    raw = str(text)
    outside = FactorIntegrityError(
        f"{edition}: resource path {raw!r} in datapackage.json points outside the edition "
        f"folder; a resource must be a relative path (with /) to a file in {folder.name}")
    posix = PurePosixPath(raw)
    if (not raw or "\\" in raw or posix.is_absolute() or PureWindowsPath(raw).drive
            or ".." in posix.parts or "\0" in raw):
        raise outside
    path = folder / posix
    if not _inside(folder, path):
        raise outside
    return path


def _read_resource(folder: Path, resource: Mapping[str, Any], edition: str) -> pd.DataFrame:
    import pandas as pd

    path = resource_path(folder, resource.get("path", ""), edition)
    if not path.is_file():
        raise FactorIntegrityError(f"{edition}: resource file {path} is missing")
    expected = str(resource.get("sha256", ""))
    actual = sha256_of(path)
    if expected != actual:
        raise FactorIntegrityError(
            f"{edition}: checksum mismatch for {path.name}: datapackage.json says sha256 "
            f"{expected or '(none)'}, the file has {actual}. The file was edited or corrupted; "
            "restore it, or rebuild the edition with its script."
        )
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise FactorIntegrityError(f"{edition}: {path.name} is not a readable CSV ({exc})") from exc
    missing = [c for c in STANDARD_COLUMNS if c not in frame.columns]
    if missing:
        raise FactorIntegrityError(f"{edition}: {path.name} lacks column(s) {', '.join(missing)}")
    for column in ("value", *_GAS_COLUMNS, "source_row"):
        text = frame[column].str.strip()
        numbers = pd.to_numeric(text.replace("", np.nan), errors="coerce")
        bad = numbers.isna() & (text != "")
        if column == "value":
            bad |= text == ""
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise FactorIntegrityError(
                f"{edition}: {path.name} line {row + 2}, column {column}: "
                f"{frame[column].iloc[row]!r} is not a number"
            )
        frame[column] = numbers
    return _validate_frame(frame, f"{edition}: {path.name}", lambda i: f"line {i + 2}")


def _validate_frame(frame: pd.DataFrame, where: str,
                    line_of: Callable[[int], str]) -> pd.DataFrame:
    """Checked copy of ``frame`` with numeric values in each category's canonical unit."""
    import pandas as pd

    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise FactorIntegrityError(f"{where} {line_of(row)}: value is missing or not finite")
    empty = (frame["category"].fillna("").astype(str).str.strip() == "").to_numpy()
    if empty.any():
        raise FactorIntegrityError(
            f"{where} {line_of(int(np.flatnonzero(empty)[0]))}: empty category")
    frame = frame.copy()
    frame["value"] = values
    for gas in _GAS_COLUMNS:
        frame[gas] = pd.to_numeric(frame[gas], errors="coerce")
    _check_signs(frame, where, line_of)
    _check_keys(frame, where, line_of)
    _check_energy_bound(frame, where, line_of)
    return canonicalise(frame, where, line_of)


def _check_signs(frame: pd.DataFrame, where: str, line_of: Callable[[int], str]) -> None:
    """Refuse a negative value or gas split: no bundled edition has one (each category's
    factors, properties and fractions are all >= 0), and a negative factor would net a
    row's emissions against the others' in every total."""
    for column in ("value", *_GAS_COLUMNS):
        numbers = frame[column].to_numpy(dtype=float)
        negative = np.less(numbers, 0, where=np.isfinite(numbers),
                           out=np.zeros(len(numbers), dtype=bool))
        if negative.any():
            row = int(np.flatnonzero(negative)[0])
            raise FactorIntegrityError(
                f"{where} {line_of(row)}, column {column}: {numbers[row]:g} is negative; a "
                f"'{frame['category'].iloc[row]}' factor is a published emission (or "
                "property) and never below zero (removals and offsets are reported apart, "
                "not netted through a factor)")


def _check_keys(frame: pd.DataFrame, where: str, line_of: Callable[[int], str]) -> None:
    """Refuse rows of a known category without the key columns its calculators read, or
    with a value of an enumerated key they do not know (see :data:`.keys.KEY_VALUES`)."""
    category = frame["category"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    for name in sorted(set(category.tolist()) & (set(REQUIRED_KEYS) | set(KEY_VALUES))):
        rows = np.flatnonzero(category == name)
        for key in REQUIRED_KEYS.get(name, ()):
            if key not in frame.columns:
                raise FactorIntegrityError(
                    f"{where} {line_of(int(rows[0]))}: '{name}' factors need a {key!r} "
                    f"column (keys of '{name}': {', '.join(REQUIRED_KEYS[name])}; see "
                    "docs/factor-format.md)")
        for key in sorted(set(REQUIRED_KEYS.get(name, ())) | set(KEY_VALUES.get(name, {}))):
            if key not in frame.columns:
                continue  # an optional enumerated key left out: not applicable
            values = frame[key].fillna("").astype(str).to_numpy(dtype=object)[rows]
            allowed = KEY_VALUES.get(name, {}).get(key)
            required = key in REQUIRED_KEYS.get(name, ())
            empty = values == ""
            bad = empty & required
            if allowed is not None:
                bad |= ~empty & ~np.isin(values.astype(str), sorted(allowed))
            if bad.any():
                at = int(rows[np.flatnonzero(bad)[0]])
                value = values[np.flatnonzero(bad)[0]]
                what = (f"allowed: {', '.join(sorted(allowed))}" if allowed is not None
                        else "it selects the factor")
                raise FactorIntegrityError(
                    f"{where} {line_of(at)}, column {key}: "
                    + (f"{value!r} is not a '{name}' {key} ({what})" if value else
                       f"empty, but every '{name}' factor needs a {key} ({what})"))


def _check_energy_bound(frame: pd.DataFrame, where: str,
                        line_of: Callable[[int], str]) -> None:
    """Refuse a factor per unit of energy over :data:`MAX_ENERGY_FACTOR_KG_PER_KWH`
    (once converted to kgCO2e/kWh): a g/kWh or kg/MWh figure written as kg/kWh."""
    units = frame["unit"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    values = frame["value"].to_numpy(dtype=float)
    for text in set(units.tolist()):  # distinct units only
        try:
            unit = parse_unit(str(text))
        except Exception:  # canonicalise refuses it, with its message
            continue
        if unit.dimensionality != parse_unit("kgCO2e / kWh").dimensionality:
            continue
        rows = np.flatnonzero(units == text)
        per_kwh = values[rows] * float(ureg.Quantity(1.0, unit).m_as("kgCO2e / kWh"))
        over = per_kwh > MAX_ENERGY_FACTOR_KG_PER_KWH
        if over.any():
            first = int(np.flatnonzero(over)[0])
            at = int(rows[first])
            converted = ("" if unit == parse_unit("kgCO2e / kWh")
                         else f" ({per_kwh[first]:g} kgCO2e/kWh)")
            raise FactorIntegrityError(
                f"{where} {line_of(at)}: '{frame['category'].iloc[at]}' factor "
                f"{values[at]:g} {text}{converted} is over "
                f"{MAX_ENERGY_FACTOR_KG_PER_KWH:g} kgCO2e/kWh: nothing burnt or generated "
                "emits that much per kWh (the largest bundled factor is 1.3063, Ember, "
                "Turkmenistan 2023); is it in gCO2e/kWh or kgCO2e/MWh? (see docs/limits.md)")


def _check_unique(table: pd.DataFrame, key_cols: list[str], where: Path) -> None:
    ident = ["category", *key_cols]
    dupes = table.duplicated(ident, keep=False)
    if dupes.any():
        first = table[dupes].iloc[0]
        keys = {k: first[k] for k in key_cols if first[k] != ""}
        raise FactorIntegrityError(
            f"{where}: more than one '{first['category']}' factor with keys {keys}"
        )


def per_edition(func: Callable[..., T]) -> Callable[..., T]:
    """Keep ``func(fs, *args)`` with the edition ``fs`` (see :meth:`FactorSet.derived`).

    For functions of an edition and a few hashable arguments (a category, a fuel, a
    unit) whose result depends on nothing else.
    """
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(fs: FactorSet, *args: Hashable, **kwargs: Hashable) -> T:
        key = (name, args, tuple(sorted(kwargs.items()))) if kwargs else (name, args)
        return fs.derived(key, lambda: func(fs, *args, **kwargs))

    return wrapper
