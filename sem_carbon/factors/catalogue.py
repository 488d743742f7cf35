"""Where factor editions live, which one is the default, and which one serves a year.

A year's edition may lack a whole category (the 2010 and 2011 editions hold UK
electricity only; hotels are published from 2019): :func:`edition_with` then names the
nearest edition that publishes it, and the calculators record that on each row.

Bundled editions ship in the wheel under ``sem_carbon/_data/emission_factors`` (and are
read from the repository's ``emission_factors/`` folder in a source checkout). User
folders with the same layout are found through :func:`add_factor_folder` or the
``SEM_CARBON_FACTOR_PATH`` environment variable (folders separated by ``os.pathsep``).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidArgumentError, SemCarbonError, UnknownFactorError
from ..limits import checked_year
from .edition import FactorSet

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "add_factor_folder",
    "air_edition",
    "bundled_folder",
    "edition_for_year",
    "edition_with",
    "factor_sets",
    "load_factors",
    "resolve_edition",
]

_DESNZ_ID = re.compile(r"^desnz-(\d{4})$")
_user_folders: list[Path] = []
# bundled editions by id (None: the default): the fast path of load_factors
_loaded: dict[str | None, FactorSet] = {}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def bundled_folder() -> Path:
    """Folder holding the bundled editions (wheel data, else the source checkout's).

    Found once per process (every edition choice asks for it; the package does not move).
    """
    packaged = Path(str(resources.files("sem_carbon"))) / "_data" / "emission_factors"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "emission_factors"
    if checkout.is_dir():
        return checkout
    raise SemCarbonError(
        "the bundled factor editions are missing: reinstall sem-carbon from its wheel"
    )


def add_factor_folder(path: str | os.PathLike[str]) -> None:
    """Make the edition(s) in ``path`` available by id to :func:`load_factors`.

    ``path`` is either one edition folder (it holds ``datapackage.json``) or a folder of
    edition folders. The editions are validated when loaded, like bundled ones.
    """
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise SemCarbonError(f"factor folder {folder} does not exist")
    with _lock:
        if folder not in _user_folders:
            _user_folders.append(folder)
    _edition_folders_cached.cache_clear()
    _desnz_years.cache_clear()
    _loaded.pop(None, None)  # a user folder may hold a newer DESNZ edition


def _search_roots() -> list[Path]:
    return list(_roots(os.environ.get("SEM_CARBON_FACTOR_PATH", ""), len(_user_folders)))


@lru_cache(maxsize=8)
def _roots(env: str, _n_user_folders: int) -> tuple[Path, ...]:
    """The search roots for this environment value and these user folders (folders are
    only ever added, so their count keys them; a scalar call asks for the roots each
    time)."""
    paths = [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return (bundled_folder(), *_user_folders, *paths)


@lru_cache(maxsize=1)
def _edition_folders_cached(roots: tuple[Path, ...]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in roots:
        candidates = [root] if (root / "datapackage.json").is_file() else sorted(root.iterdir())
        for folder in candidates:
            if (folder / "datapackage.json").is_file():
                found.setdefault(folder.name, folder)
    return found


def _edition_folders() -> dict[str, Path]:
    return _edition_folders_cached(tuple(_search_roots()))


@lru_cache(maxsize=64)
def _load_cached(folder: Path, lazy: bool = False) -> FactorSet:
    return FactorSet.from_folder(folder, lazy=lazy)


def default_edition_id() -> str:
    """Id of the newest installed DESNZ edition (the default for travel and facilities)."""
    years = desnz_years()
    if not years:
        raise UnknownFactorError("no DESNZ edition is installed")
    return f"desnz-{years[-1]}"


def desnz_years() -> list[int]:
    """Years of the installed DESNZ editions, ascending."""
    return list(_desnz_years(tuple(_search_roots())))


@lru_cache(maxsize=8)
def _desnz_years(roots: tuple[Path, ...]) -> tuple[int, ...]:
    """:func:`desnz_years` of these search roots (a scalar call asks for every edition
    choice: no scan of the edition ids each time)."""
    return tuple(sorted(int(m.group(1)) for i in _edition_folders_cached(roots)
                        if (m := _DESNZ_ID.match(i))))


def edition_for_year(year: int) -> tuple[str, str]:
    """The DESNZ edition that serves activity of ``year``, and why.

    Returns the edition of that year when installed; otherwise the nearest earlier one
    (or the earliest one for years before the first edition).

    Returns
    -------
    (edition_id, note) : tuple of str
        ``note`` is empty when the year matched, else it says what was substituted.

    Raises
    ------
    InvalidActivityError
        ``year`` is not a whole number in :data:`sem_carbon.limits.YEAR_RANGE` (``19``,
        ``2019.5``, ``-1``, ``3019``, ``True``): the readers reject such a year cell with
        the same reason (:data:`sem_carbon.limits.YEAR_REASON`); no edition is chosen for
        it (``int(2019.5)`` was 2019, ``19`` took the earliest edition with a mere note).
    """
    year = checked_year(year)
    years = desnz_years()
    if not years:
        raise UnknownFactorError("no DESNZ edition is installed")
    if year in years:
        return f"desnz-{year}", ""
    earlier = [y for y in years if y < year]
    chosen = earlier[-1] if earlier else years[0]
    direction = "nearest earlier" if earlier else "earliest available"
    return f"desnz-{chosen}", f"no desnz-{year} edition; used {direction} desnz-{chosen}"


def load_factors(id: str | os.PathLike[str] | FactorSet | None = None) -> FactorSet:
    """Load a factor edition by id (or from a folder), validated and cached.

    Parameters
    ----------
    id : str, path or FactorSet, optional
        Edition id such as ``"desnz-2019"``; ``None`` for the newest DESNZ edition; a path
        to an edition folder of your own; or an already loaded set (returned as is).

    Raises
    ------
    UnknownFactorError
        Unknown id; the message lists the available ids.
    FactorIntegrityError
        The edition fails validation (schema, unit, value, checksum).
    """
    if isinstance(id, FactorSet):
        return id
    if id in _loaded:
        return _loaded[id]
    if id is None:
        fs = load_factors(default_edition_id())
        _loaded[None] = fs
        return fs
    if not isinstance(id, str | os.PathLike):  # a year given for an id: Path() would fail
        hint = f" (the {id} edition is 'desnz-{id}')" if isinstance(id, int) \
            and not isinstance(id, bool) else ""
        raise UnknownFactorError(
            f"a factor edition is an id such as 'desnz-2019' or an edition folder, got "
            f"{id!r}{hint}")
    as_path = Path(id)
    if (as_path / "datapackage.json").is_file():
        return _load_cached(as_path.resolve())
    folders = _edition_folders()
    key = str(id)
    if key not in folders:
        raise UnknownFactorError(
            f"unknown factor edition {key!r}; available: {', '.join(sorted(folders))}"
        )
    bundled = folders[key].parent == bundled_folder()
    # bundled editions never change on disk; each resource holds the category it is named
    # after (tests/test_factor_loader.py checks): their files are read on first use
    fs = _load_cached(folders[key], bundled)
    if bundled:
        _loaded[key] = fs
    return fs


def factor_sets() -> pd.DataFrame:
    """Table of the available editions: id, publisher, year, kind, licence, source, default."""
    import pandas as pd

    rows = []
    default = default_edition_id()
    for key, folder in sorted(_edition_folders().items()):
        fs = load_factors(folder)
        rows.append(
            {
                "id": key,
                "title": fs.title,
                "publisher": fs.publisher,
                "year": fs.year,
                "kind": fs.kind,
                "factors": len(fs),
                "licence": fs.licence,
                "source": fs.source,
                "sha256": "; ".join(
                    f"{s.get('file', '')}:{s.get('sha256', '')}" for s in fs.metadata["sources"]
                ),
                "default": key == default,
                "path": str(folder),
            }
        )
    return pd.DataFrame(rows)


def resolve_edition(factors: str | os.PathLike[str] | FactorSet | None,
                    year: int | None = None) -> tuple[FactorSet, str]:
    """The edition a calculation uses, and a note when a year was substituted.

    ``factors`` wins when given; otherwise the DESNZ edition of ``year`` (nearest earlier
    when missing); otherwise the newest DESNZ edition. A ``year`` given is checked either
    way (:func:`edition_for_year`): an implausible one raises
    :class:`~sem_carbon.errors.InvalidActivityError`, whichever edition would serve it.

    Parameters
    ----------
    factors : str, path, FactorSet or None
        The edition given by the caller (id, folder or loaded set), or None.
    year : int, optional
        The activity year (a whole number 1950-2100).
    """
    if year is not None:
        year = checked_year(year)
    if isinstance(factors, FactorSet):
        return factors, ""
    if factors is not None:
        return load_factors(factors), ""
    if year is not None:
        edition, note = edition_for_year(year)
        return load_factors(edition), note
    return load_factors(None), ""


def edition_with(fs: FactorSet, category: str, *, what: str | None = None,
                 publishes: Callable[[FactorSet], bool] | None = None,
                 **keys: str) -> tuple[FactorSet, str]:
    """The edition that serves ``category`` for ``fs``, and why when it is another one.

    ``fs`` itself when it publishes the category (and a row with ``keys``, e.g.
    ``vehicle="taxi"``, or whatever ``publishes`` tests); otherwise the nearest installed
    DESNZ edition that does: the closest year, the earlier one on a tie (so a year before
    the category was first published uses its first edition, and a gap year the edition
    before it when both neighbours are as close).

    Parameters
    ----------
    fs : FactorSet
        The edition chosen for the row (by year or by the caller).
    category : str
        Factor category, e.g. ``"air"``, ``"hotel"``, ``"fuel"``.
    what : str, optional
        How the note names what is missing (default ``"<category> factors"``).
    publishes : callable, optional
        ``FactorSet -> bool``: a stricter test than "has the category" (air: with- and
        without-RF factors). Pass a stable ``what`` with it (it keys the cache).
    **keys : str
        Key values a row of the category must have (e.g. ``vehicle="taxi"``).

    Returns
    -------
    (edition, note) : tuple
        ``note`` is ``""`` when ``fs`` publishes it, else e.g. ``"desnz-2011 has no air
        factors; used desnz-2016 (nearest edition that publishes them)"``.

    Raises
    ------
    UnknownFactorError
        No installed DESNZ edition publishes it.
    InvalidArgumentError
        ``fs`` is a grid-intensity or GWP edition (``ember-grid``, ``ipcc-gwp``) without
        the category: its year is not an activity year, so no edition is "nearest" to it
        (as ``calculate(factors=...)`` refuses an edition without travel factors for a
        travel table).
    """
    what = what or (f"{category} factors" + "".join(f" for {v}" for v in keys.values()))
    # keyed on the catalogue's state too: an added folder may hold a nearer edition
    cache_key = ("edition_with", category, what, tuple(sorted(keys.items())),
                 len(_user_folders), os.environ.get("SEM_CARBON_FACTOR_PATH", ""))
    return fs.derived(cache_key, lambda: _nearest_with(fs, category, what, keys, publishes))


def _nearest_with(fs: FactorSet, category: str, what: str, keys: dict[str, str],
                  publishes: Callable[[FactorSet], bool] | None) -> tuple[FactorSet, str]:
    """The edition :func:`edition_with` finds (not cached)."""

    def has(edition: FactorSet) -> bool:
        if category not in edition.categories:
            return False
        if keys:
            import pandas as pd

            frame = edition.table(category)
            if any(k not in frame.columns for k in keys):
                return False
            hit = (frame[list(keys)] == pd.Series(keys)).all(axis=1)
            if not bool(hit.any()):
                return False
        return publishes(edition) if publishes is not None else True

    if has(fs):
        return fs, ""
    refuse_other_kind(fs, what)
    order = sorted((y for y in desnz_years() if f"desnz-{y}" != fs.id),
                   key=lambda y: (abs(y - fs.year), y > fs.year))
    for year in order:
        other = load_factors(f"desnz-{year}")
        if has(other):
            return other, (f"{fs.id} has no {what}; used {other.id} (nearest edition that "
                           "publishes them)")
    raise UnknownFactorError(f"{fs.id} has no {what}, and no installed DESNZ edition "
                             "publishes them")


#: Edition kinds that hold no activity factors: a calculation of another category never
#: falls back from one of them to a "nearest" DESNZ edition.
NOT_ACTIVITY_KINDS = ("grid-intensity", "gwp")


def refuse_other_kind(fs: FactorSet, what: str) -> None:
    """Refuse a grid-intensity or GWP edition given for a category it does not publish.

    Such an edition's year is that of its data (Ember's latest year, the IPCC report),
    not an activity year: the nearest DESNZ edition to it would be an arbitrary one
    (``factors="ember-grid"`` gave fuels the 2024 factors, ``"ipcc-gwp"`` the 2021 ones,
    whatever the activity year).

    Raises
    ------
    InvalidArgumentError
        ``fs`` is of kind ``grid-intensity`` or ``gwp``.
    """
    if fs.kind in NOT_ACTIVITY_KINDS:
        raise InvalidArgumentError(
            f"factors={fs.id!r} is a {fs.kind} edition and has no {what}: give an "
            "emission-factor edition such as 'desnz-2019' as factors=, or no factors= to "
            "use the DESNZ edition of the activity year (a grid edition for other "
            "countries' electricity goes in grid=)")


def _air_pairs(fs: FactorSet) -> bool:
    return {"true", "false"} <= {r["radiative_forcing"] for r in fs.records("air")}


def air_edition(fs: FactorSet) -> tuple[FactorSet, str]:
    """The edition whose air factors serve ``fs``: :func:`edition_with` for ``"air"``.

    The air calculation needs each factor with and without radiative forcing (the RF share
    is reported on its own, and the ICAO-like and without-RF views subtract it). The
    2012-2015 editions publish with-RF factors only, so their flights use the nearest
    edition that publishes both, like editions without air factors (2010, 2011).
    """
    if "air" in fs.categories:
        what = ("air factors without RF (it publishes with-RF ones only, so the RF share "
                "cannot be separated)")
    else:
        what = "air factors"
    return edition_with(fs, "air", what=what, publishes=_air_pairs)
