"""A compact copy of ``airportsdata``'s IATA table, shipped with the package.

``airportsdata.load("IATA")`` reads its 3 MB CSV with the csv module into a dict of eleven
fields per airport: most of a fresh process's first :func:`sem_carbon.flight`. The four
fields sem-carbon uses (position, country, name), in the same order, are shipped in
``data/airportsdata_iata.npz`` (written by ``scripts/build_airport_table.py``; a test
checks it against the installed ``airportsdata``). :func:`airportsdata_iata` reads that
file when the installed ``airportsdata`` is the release it was built from (same version,
same CSV size), and ``airportsdata`` itself otherwise, so a newer release is used as soon
as it is installed: only more slowly until the file is rebuilt.

The file also holds what the coordinate guard (:mod:`sem_carbon.geo.guard`) finds on that
release, with the reference positions of the airports it corrects, keyed by the sha256 of
the guard's code and reference table (:func:`guard_key`): :func:`shipped_guard` hands it
out only while that key holds, else the guard runs as it always did.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from .guard import CoordinateCheck

__all__ = ["IataTable", "airportsdata_iata", "from_airportsdata", "guard_key", "read_table",
           "shipped_guard", "write_table"]

#: The shipped file, in the package's data folder.
FILE_NAME = "airportsdata_iata.npz"
_SEPARATOR = "\n"


class IataTable(NamedTuple):
    """``airportsdata.load("IATA")`` reduced to what sem-carbon uses (in its order).

    Attributes
    ----------
    codes, country, name : list of str
        IATA code, ISO 3166-1 alpha-2 country and airport name of each airport.
    lat, lon : numpy.ndarray of float
        Position [degrees], as ``airportsdata`` gives it.
    version : str
        The ``airportsdata`` release.
    guard : dict or None
        The guard's result stored with the copy (see :func:`shipped_guard`).
    """

    codes: list[str]
    lat: np.ndarray
    lon: np.ndarray
    country: list[str]
    name: list[str]
    version: str
    guard: dict[str, Any] | None = None


#: The files whose content decides what the guard finds on a release.
_GUARD_FILES = ("guard.py", "reference.py", "distance.py", "data/airport_reference.csv")


def guard_key() -> str:
    """sha256 of the guard's code and reference table (a stored result holds while it does)."""
    digest = hashlib.sha256()
    for name in _GUARD_FILES:
        digest.update(resources.files(__package__).joinpath(name).read_bytes())
    return digest.hexdigest()


def guard_record(check: CoordinateCheck) -> dict[str, Any]:
    """What :func:`write_table` stores of the guard's result (and the reference positions
    of the airports it corrects)."""
    from .reference import reference_airports, reference_rows

    ref, row = reference_airports(), reference_rows()[0]
    return {"key": guard_key(), "check": [*check[:4], list(check.not_in_airportsdata),
                                          [list(d) for d in check.drift], list(check.coarse),
                                          check.grid_share],
            "reference": {d.code: [float(ref.lat[row[d.code]]), float(ref.lon[row[d.code]]),
                                   str(ref.country[row[d.code]]), ref.name[row[d.code]]]
                          for d in check.drift},
            "guarded": sorted(row)}


def shipped_guard(table: IataTable) -> tuple[
        CoordinateCheck, dict[str, tuple[float, float, str, str]], frozenset[str]] | None:
    """The guard's result stored with ``table``, the reference ``(lat, lon, country,
    name)`` of each corrected airport and the reference table's IATA codes, or None when
    there is none or its key is stale."""
    if table.guard is None:
        return None
    try:
        if table.guard["key"] != guard_key():
            return None
    except OSError:  # the package's files cannot be read: the guard runs
        return None
    from .guard import CoordinateCheck, Drift

    (version, n_airports, n_guarded, n_compared, missing, drift, coarse,
     share) = table.guard["check"]
    check = CoordinateCheck(version, n_airports, n_guarded, n_compared, tuple(missing),
                            tuple(Drift(*d) for d in drift), tuple(coarse), share)
    reference = {code: (float(a), float(b), str(c), str(d))
                 for code, (a, b, c, d) in table.guard["reference"].items()}
    return check, reference, frozenset(table.guard["guarded"])


def _csv_path() -> Path:
    import airportsdata

    return Path(airportsdata.__file__).parent / "airports.csv"


def _installed_version() -> str:
    import airportsdata

    return str(getattr(airportsdata, "__version__", "unknown"))


def from_airportsdata() -> IataTable:
    """The table read from the installed ``airportsdata`` (its own loader)."""
    import airportsdata

    raw = airportsdata.load("IATA")
    return IataTable(
        codes=list(raw),
        lat=np.array([r["lat"] for r in raw.values()], dtype=float),
        lon=np.array([r["lon"] for r in raw.values()], dtype=float),
        country=[r["country"] for r in raw.values()],
        name=[r["name"] for r in raw.values()],
        version=_installed_version(),
    )


def _blob(values: list[str]) -> np.ndarray:
    if any(_SEPARATOR in v for v in values):
        raise ValueError("a text holds a line break: it cannot be stored one per line")
    return np.frombuffer(_SEPARATOR.join(values).encode("utf-8"), dtype=np.uint8)


def _texts(blob: np.ndarray) -> list[str]:
    return blob.tobytes().decode("utf-8").split(_SEPARATOR)


def write_table(path: Path, table: IataTable) -> None:
    """Write ``table`` (with its ``guard`` record, if any) to ``path`` (byte for byte the
    same for the same table)."""
    csv_path = _csv_path()
    meta = {"airportsdata_version": table.version, "csv_bytes": csv_path.stat().st_size,
            "csv_sha256": hashlib.sha256(csv_path.read_bytes()).hexdigest(),
            "airports": len(table.codes), "created_by": "scripts/build_airport_table.py",
            "guard": table.guard}
    arrays = {"meta": _blob([json.dumps(meta, sort_keys=True)]), "codes": _blob(table.codes),
              "lat": table.lat, "lon": table.lon, "country": _blob(table.country),
              "name": _blob(table.name)}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def read_table(path: Path | None = None) -> tuple[IataTable, dict[str, object]]:
    """The table in ``path`` (default: the shipped file) and its metadata."""
    if path is None:
        with resources.as_file(resources.files(__package__).joinpath(f"data/{FILE_NAME}")) \
                as shipped:
            return read_table(shipped)
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(_texts(data["meta"])[0])
        table = IataTable(codes=_texts(data["codes"]), lat=data["lat"], lon=data["lon"],
                          country=_texts(data["country"]), name=_texts(data["name"]),
                          version=str(meta["airportsdata_version"]), guard=meta.get("guard"))
    if not (len(table.codes) == len(table.lat) == len(table.lon) == len(table.country)
            == len(table.name) == meta["airports"]):
        raise ValueError(f"{FILE_NAME}: columns of different lengths")
    return table, meta


def airportsdata_iata(path: Path | None = None) -> IataTable:
    """The installed ``airportsdata``'s IATA table: the copy in ``path`` (default: the
    shipped one) when it is of the installed release (same version and CSV size), else
    read by ``airportsdata``."""
    try:
        table, meta = read_table(path)
        if (meta["airportsdata_version"] == _installed_version()
                and meta["csv_bytes"] == _csv_path().stat().st_size):
            return table
    except (OSError, ValueError, KeyError):  # no or unreadable copy: airportsdata itself
        pass
    return from_airportsdata()
