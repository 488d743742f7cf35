"""The shipped compact copy of airportsdata's IATA table (issue 19)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sem_carbon.geo import airport_table
from sem_carbon.geo.airport_table import (
    airportsdata_iata,
    from_airportsdata,
    guard_record,
    read_table,
    shipped_guard,
    write_table,
)
from sem_carbon.geo.guard import check_positions
from sem_carbon.geo.reference import reference_airports, reference_rows

SHIPPED = Path(airport_table.__file__).parent / "data" / airport_table.FILE_NAME


def _equal(a: airport_table.IataTable, b: airport_table.IataTable) -> None:
    assert a.codes == b.codes  # the same airports in airportsdata's order
    assert a.country == b.country and a.name == b.name and a.version == b.version
    assert np.array_equal(a.lat, b.lat) and np.array_equal(a.lon, b.lon)  # bit for bit
    assert a.lat.dtype == b.lat.dtype == np.float64


@pytest.fixture(scope="module")
def source() -> airport_table.IataTable:
    return from_airportsdata()


def _shipped_release_or_skip(source: airport_table.IataTable) -> None:
    """A newer airportsdata than the shipped copy's (a fresh install after a release) is
    read from airportsdata itself (``test_another_release_is_read_by_airportsdata``); the
    copy can then only be compared once it is rebuilt for that release."""
    _, meta = read_table()
    if meta["airportsdata_version"] != source.version:
        pytest.skip(f"the shipped copy is of airportsdata {meta['airportsdata_version']}, "
                    f"{source.version} is installed (and used as it is): run "
                    f"scripts/build_airport_table.py to ship a copy of it")


def test_shipped_copy_is_the_installed_release(source):
    _shipped_release_or_skip(source)
    shipped, _ = read_table()
    _equal(shipped, source)
    assert len(source.codes) > 5000 and "GVA" in source.codes


def _as_the_script_writes(table: airport_table.IataTable) -> airport_table.IataTable:
    check = check_positions(table.codes, table.lat, table.lon, table.version)
    return table._replace(guard=guard_record(check))


def test_the_script_rebuilds_the_shipped_bytes(source, tmp_path):
    """Also fails when the guard's code or reference changed since the file was written
    (its stored result is then stale: run scripts/build_airport_table.py)."""
    _shipped_release_or_skip(source)
    write_table(tmp_path / "a.npz", _as_the_script_writes(source))
    write_table(tmp_path / "b.npz", _as_the_script_writes(source))
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert (tmp_path / "a.npz").read_bytes() == SHIPPED.read_bytes()


def test_another_release_is_read_by_airportsdata(source, tmp_path):
    stale = source._replace(version="19990101", codes=["XXX", *source.codes[1:]])
    write_table(tmp_path / "stale.npz", stale)
    _equal(read_table(tmp_path / "stale.npz")[0], stale)
    _equal(airportsdata_iata(tmp_path / "stale.npz"), source)  # not the stale copy
    _equal(airportsdata_iata(tmp_path / "missing.npz"), source)


def test_shipped_guard_result_is_the_guards_own(source):
    _shipped_release_or_skip(source)
    shipped = shipped_guard(airportsdata_iata())
    assert shipped is not None  # the installed release, the current guard: used
    check, positions, guarded = shipped
    assert check == check_positions(source.codes, source.lat, source.lon, source.version)
    assert guarded == set(reference_rows()[0])
    assert check.drift and set(positions) == check.corrected
    ref, row = reference_airports(), reference_rows()[0]
    for code, (lat, lon, country, name) in positions.items():
        j = row[code]
        assert (lat, lon, country, name) == (float(ref.lat[j]), float(ref.lon[j]),
                                             str(ref.country[j]), ref.name[j])


def test_a_stale_guard_result_is_not_used(source, tmp_path):
    record = guard_record(check_positions(source.codes, source.lat, source.lon,
                                          source.version))
    stale = source._replace(guard={**record, "key": "0" * 64})
    write_table(tmp_path / "stale.npz", stale)
    assert shipped_guard(read_table(tmp_path / "stale.npz")[0]) is None
    assert shipped_guard(source) is None  # read by airportsdata: no stored result
    assert shipped_guard(source._replace(guard=record)) is not None


def test_guarded_table_is_the_same_from_either_source(source):
    from sem_carbon.geo.airports import _checked_airports, _Location
    from sem_carbon.geo.guard import check_positions

    table, check = _checked_airports()
    again = check_positions(source.codes, source.lat, source.lon, source.version)
    assert check == again
    plain = [c for c in source.codes if table[c].source == "airportsdata"]
    assert len(plain) > 0.9 * len(source.codes)
    for i, code in enumerate(source.codes):
        if table[code].source == "airportsdata":
            assert table[code] == _Location(float(source.lat[i]), float(source.lon[i]),
                                            source.country[i], source.name[i], "airportsdata")
