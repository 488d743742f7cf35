"""A compact copy of ``airportsdata``'s IATA table, shipped with the package.

``airportsdata.load("IATA")`` reads its 3 MB CSV with the csv module into a dict of eleven
fields per airport: most of a fresh process's first :func:`sem_carbon.flight`. The four
fields sem-carbon uses (position, country, name), in the same order, are shipped in
``data/airportsdata_iata.npz`` (written by ``scripts/build_airport_table.py``; a test
checks it against the installed ``airportsdata``). :func:`airportsdata_iata` reads that
file when the installed ``airportsdata`` is the release it was built from (same version,
same CSV size), and ``airportsdata`` itself otherwise, so a newer release is used as soon
as it is installed: only more slowly until the file is rebuilt.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = ["IataTable", "airportsdata_iata", "from_airportsdata", "read_table", "write_table"]

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
    """

    codes: list[str]
    lat: np.ndarray
    lon: np.ndarray
    country: list[str]
    name: list[str]
    version: str


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
    """Write ``table`` to ``path`` (byte for byte the same for the same table)."""
    csv_path = _csv_path()
    meta = {"airportsdata_version": table.version, "csv_bytes": csv_path.stat().st_size,
            "csv_sha256": hashlib.sha256(csv_path.read_bytes()).hexdigest(),
            "airports": len(table.codes), "created_by": "scripts/build_airport_table.py"}
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
                          version=str(meta["airportsdata_version"]))
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
