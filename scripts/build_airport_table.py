"""Write sem_carbon/geo/data/airportsdata_iata.npz from the installed airportsdata.

The compact copy of ``airportsdata.load("IATA")`` that a fresh process reads instead of
airportsdata's 3 MB CSV, with what the coordinate guard finds on it (see
:mod:`sem_carbon.geo.airport_table`). Run it after
upgrading airportsdata (until then the new release is read by airportsdata itself, more
slowly); tests/test_airport_table.py checks the file against the installed release.

Usage: python scripts/build_airport_table.py
"""

from __future__ import annotations

from pathlib import Path

from sem_carbon.geo.airport_table import (
    FILE_NAME,
    from_airportsdata,
    guard_record,
    read_table,
    write_table,
)
from sem_carbon.geo.guard import check_positions

OUT = Path(__file__).resolve().parents[1] / "sem_carbon" / "geo" / "data" / FILE_NAME


def main() -> None:
    table = from_airportsdata()
    check = check_positions(table.codes, table.lat, table.lon, table.version)
    table = table._replace(guard=guard_record(check))
    write_table(OUT, table)
    back, meta = read_table(OUT)
    assert back.codes == table.codes and back.name == table.name
    print(f"{OUT.name}: {meta['airports']} airports, airportsdata {meta['airportsdata_version']}, "
          f"{len(check.drift)} corrected, {len(check.coarse)} coarse, "
          f"{OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
