"""Generate the synthetic example office of sem-carbon (seeded, byte-for-byte reproducible).

A UN-style office with headquarters in Geneva (six divisions), four regional offices
(Nairobi, Bangkok, Panama City, Beirut) and nine country offices. Its planning entities
were told to "cut 2019 travel by 50% in 2021"; the data are shaped so that some meet
that target and others do not, and so that carbon and budget verdicts disagree for some
entities (see ``INTENT_2021`` and ``examples/data/README.md``).

Usage::

    python examples/generate_example_data.py            # writes examples/data/
    python examples/generate_example_data.py --out DIR --seed 2019

Every number is synthetic. Airport coordinates (from the ``airportsdata`` package, MIT)
are embedded so that the output does not depend on installed package versions. The
approximate emission factors below serve only to print the generator's own calibration
summary (``--summary``); the library never uses them.
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2019
YEARS = tuple(range(2010, 2025))
FACILITY_YEARS = tuple(range(2019, 2025))
OUT = Path(__file__).resolve().parent / "data"

# ---------------------------------------------------------------------- geography
#: IATA -> (latitude, longitude, ISO alpha-2 country), WGS84 degrees.
AIRPORTS: dict[str, tuple[float, float, str]] = {
    "GVA": (46.2381, 6.10895, "CH"), "NBO": (-1.31924, 36.9278, "KE"),
    "BKK": (13.6811, 100.747, "TH"), "PTY": (9.07136, -79.3835, "PA"),
    "BEY": (33.8209, 35.4884, "LB"), "EBB": (0.04239, 32.4435, "UG"),
    # PNH (Phnom Penh International) closed in 2025; logs up to 2024 still use it
    "PNH": (11.5466, 104.844, "KH"), "BOG": (4.70159, -74.1469, "CO"),
    "GUA": (14.5833, -90.5275, "GT"), "SAH": (15.4763, 44.2197, "YE"),
    "ADE": (12.8295, 45.0288, "YE"), "KTM": (27.6966, 85.3591, "NP"),
    "TGU": (14.0609, -87.2172, "HN"), "TUN": (36.851, 10.2272, "TN"),
    "JFK": (40.639928, -73.778692, "US"), "IAD": (38.947456, -77.459929, "US"),
    "ADD": (8.97789, 38.7993, "ET"), "BRU": (50.5405, 4.2904, "BE"),
    "LHR": (51.4706, -0.46194, "GB"), "CDG": (49.0128, 2.55, "FR"),
    "FCO": (41.8045, 12.2508, "IT"), "VIE": (48.1103, 16.5697, "AT"),
    "DXB": (25.2528, 55.3644, "AE"), "DEL": (28.5665, 77.1031, "IN"),
    "NRT": (35.7647, 140.386, "JP"), "GRU": (-23.43556, -46.47306, "BR"),
    "DOH": (25.26059, 51.61377, "QA"), "CAI": (30.1219, 31.4056, "EG"),
    "AMM": (31.7226, 35.9932, "JO"), "AMS": (52.3086, 4.76389, "NL"),
    "MAD": (40.4936, -3.56676, "ES"), "BER": (52.36217, 13.50067, "DE"),
    "LIM": (-12.0219, -77.1143, "PE"), "MEX": (19.4363, -99.0721, "MX"),
    "SJO": (9.99386, -84.2088, "CR"), "SAL": (13.4409, -89.0557, "SV"),
    "SDQ": (18.4297, -69.6689, "DO"), "MNL": (14.5086, 121.02, "PH"),
    "CGK": (-6.12557, 106.656, "ID"), "KUL": (2.74558, 101.71, "MY"),
    "HAN": (21.2212, 105.807, "VN"), "VTE": (17.9883, 102.563, "LA"),
    "DAC": (23.84335, 90.39778, "BD"), "JNB": (-26.13367, 28.24233, "ZA"),
    "DAR": (-6.87811, 39.2026, "TZ"), "KGL": (-1.96863, 30.1395, "RW"),
    "JUB": (4.87201, 31.6011, "SS"), "DKR": (14.7397, -17.4902, "SN"),
    "RBA": (34.0515, -6.75152, "MA"), "CMB": (7.18076, 79.8841, "LK"),
    "ISB": (33.54908, 72.82565, "PK"),
}
#: Connection airports of stations without useful long-haul service (tried in order).
HUBS: dict[str, tuple[str, ...]] = {
    "EBB": ("NBO", "AMS"), "KTM": ("DOH", "DEL"), "PNH": ("BKK",), "TGU": ("PTY",),
    "GUA": ("PTY", "MAD"), "SAH": ("AMM", "ADD"), "ADE": ("CAI", "ADD"), "JUB": ("ADD",),
    "KGL": ("NBO",), "VTE": ("BKK",), "SAL": ("PTY",), "DAC": ("DOH",), "CMB": ("DOH",),
}
#: Rail destinations from Geneva: (city, country, rail km one way, rail kind).
RAIL_DESTINATIONS: tuple[tuple[str, str, float, str], ...] = (
    ("Bern", "CH", 159.0, "national"), ("Zurich", "CH", 277.0, "national"),
    ("Lyon", "FR", 189.0, "national"), ("Paris", "FR", 540.0, "national"),
    ("Milan", "IT", 381.0, "national"), ("Strasbourg", "FR", 408.0, "national"),
)
#: Duty-station cities and towns visited on road missions, per country.
STATION_CITY = {"NBO": "Nairobi", "EBB": "Kampala", "BKK": "Bangkok", "PNH": "Phnom Penh",
                "KTM": "Kathmandu", "PTY": "Panama City", "BOG": "Bogota",
                "GUA": "Guatemala City", "TGU": "Tegucigalpa", "BEY": "Beirut", "SAH": "Sana'a",
                "TUN": "Tunis"}
FIELD_TOWNS = {
    "KE": ("Kisumu", "Garissa", "Mombasa", "Nakuru", "Lodwar"),
    "UG": ("Gulu", "Arua", "Mbarara", "Moroto", "Jinja"),
    "TH": ("Chiang Mai", "Mae Sot", "Pattaya", "Hat Yai"),
    "KH": ("Battambang", "Siem Reap", "Kampong Cham"),
    "NP": ("Pokhara", "Biratnagar", "Nepalgunj"),
    "PA": ("Colon", "David", "Darien"),
    "CO": ("Medellin", "Cali", "Quibdo", "Cucuta", "Pasto", "Arauca"),
    "GT": ("Quetzaltenango", "Coban", "Huehuetenango"),
    "HN": ("San Pedro Sula", "La Ceiba", "Choluteca"),
    "LB": ("Tripoli", "Saida", "Zahle"),
    "YE": ("Aden", "Marib", "Taiz", "Hodeidah"),
    "TN": ("Sfax", "Sousse", "Gabes"),
}
#: Flights that a rail journey replaces from 2022 on (IATA -> rail destination).
RAIL_FOR_FLIGHT = {"CDG": "Paris"}
#: Room rate and UN daily subsistence allowance per night, USD (2019 level).
HOTEL_RATE = {
    "CH": 260, "US": 330, "BE": 180, "GB": 250, "FR": 210, "IT": 170, "AT": 170, "AE": 190,
    "IN": 120, "TH": 110, "JP": 220, "BR": 150, "PA": 150, "CO": 120, "LB": 150, "KE": 170,
    "ET": 150, "UG": 130, "KH": 100, "NP": 90, "GT": 120, "HN": 110, "YE": 120, "TN": 100,
    "EG": 120, "JO": 140, "NL": 200, "ES": 160, "DE": 170, "PE": 130, "MX": 140, "CR": 140,
    "SV": 120, "DO": 130, "PH": 120, "ID": 110, "MY": 110, "VN": 100, "LA": 90, "BD": 110,
    "ZA": 130, "TZ": 140, "RW": 140, "SS": 200, "SN": 130, "MA": 120, "LK": 110, "PK": 120,
    "QA": 200,
}
DSA_RATIO = 1.55  # DSA per night / room rate (DSA also covers meals and incidentals)
TERMINAL_USD = 150.0  # terminal expenses per return journey

# ---------------------------------------------------------------------- organisation
#: Destination profiles: IATA -> weight.
PROFILES: dict[str, dict[str, float]] = {
    "exec": {"JFK": 22, "BRU": 8, "CDG": 4, "LHR": 4, "VIE": 3, "FCO": 2, "ADD": 5, "NBO": 4,
             "BKK": 3, "PTY": 3, "BEY": 3, "DXB": 2, "DEL": 2, "NRT": 2, "GRU": 2, "IAD": 3,
             "CAI": 2, "BER": 3, "DOH": 2},
    "policy": {"JFK": 18, "BRU": 7, "CDG": 5, "LHR": 4, "VIE": 5, "FCO": 3, "BER": 3,
               "NBO": 4, "ADD": 4, "BKK": 3, "DEL": 3, "GRU": 2, "MEX": 2, "BEY": 2,
               "DXB": 1, "JNB": 2, "RBA": 2},
    "thematic": {"BKK": 7, "PTY": 6, "GRU": 5, "MNL": 4, "CGK": 3, "LIM": 4, "MEX": 5,
                 "DEL": 3, "NRT": 2, "JFK": 10, "BRU": 3, "CDG": 3, "FCO": 2, "VIE": 3,
                 "DKR": 3, "NBO": 3, "ADD": 3, "DAC": 2, "CMB": 2, "ISB": 2},
    "field": {"NBO": 8, "EBB": 4, "ADD": 5, "JUB": 3, "KGL": 2, "BKK": 6, "PNH": 4, "KTM": 3,
              "PTY": 5, "BOG": 6, "GUA": 4, "TGU": 3, "BEY": 6, "SAH": 2, "ADE": 2, "TUN": 3,
              "AMM": 3, "CAI": 2, "JFK": 6, "DKR": 3, "BRU": 2},
    "sessions": {"JFK": 20, "BRU": 8, "VIE": 6, "CDG": 6, "LHR": 4, "FCO": 4, "BER": 4,
                 "AMS": 3, "MAD": 3, "ADD": 3, "BKK": 2, "PTY": 2},
    "support": {"JFK": 30, "NBO": 10, "BKK": 8, "BEY": 5, "PTY": 5, "VIE": 5, "BRU": 4,
                "ADD": 4, "BOG": 3, "FCO": 3},
    "ro_east_africa": {"EBB": 9, "ADD": 8, "DAR": 5, "KGL": 5, "JUB": 6, "JNB": 3, "GVA": 6,
                       "JFK": 1, "CAI": 1},
    "ro_south_east_asia": {"PNH": 8, "KTM": 5, "MNL": 5, "CGK": 5, "KUL": 4, "HAN": 4,
                           "VTE": 4, "DAC": 4, "GVA": 6, "NRT": 1},
    "ro_central_america": {"GUA": 8, "TGU": 7, "SAL": 5, "SJO": 4, "BOG": 5, "MEX": 5,
                           "SDQ": 3, "LIM": 2, "GVA": 5, "JFK": 2},
    "ro_middle_east": {"AMM": 8, "CAI": 7, "TUN": 5, "RBA": 3, "ADE": 4, "SAH": 2, "DXB": 4,
                       "DOH": 4, "GVA": 6},
    "co_kenya": {"NBO": 0, "EBB": 5, "ADD": 4, "DAR": 3, "KGL": 3, "JUB": 3, "GVA": 2},
    "co_uganda": {"NBO": 10, "KGL": 4, "JUB": 4, "ADD": 3, "GVA": 2},
    "co_cambodia": {"BKK": 10, "HAN": 3, "VTE": 2, "KUL": 2, "GVA": 2},
    "co_nepal": {"DEL": 8, "BKK": 5, "DAC": 3, "DOH": 1, "GVA": 2},
    "co_colombia": {"PTY": 7, "LIM": 4, "MEX": 4, "SJO": 3, "GUA": 2, "GVA": 3, "JFK": 2},
    "co_guatemala": {"PTY": 8, "SAL": 5, "TGU": 4, "MEX": 5, "SJO": 2, "GVA": 2},
    "co_honduras": {"PTY": 7, "GUA": 6, "SAL": 5, "SJO": 2, "GVA": 2},
    "co_yemen": {"AMM": 8, "ADD": 5, "CAI": 5, "DXB": 3, "BEY": 4, "GVA": 2},
    "co_tunisia": {"GVA": 5, "CAI": 3, "RBA": 3, "BEY": 4, "AMM": 2, "CDG": 3},
}

#: id, name, parent, kind, country, station, opened, headcount 2019, flights and road
#: missions per head per year (2019), destination profile.
ENTITIES: tuple[tuple, ...] = (
    ("OFFICE", "Office headquarters (Geneva)", "", "hq", "CH", "GVA", 2010, 0, 0.0, 0.0, "exec"),
    ("EXD", "Executive Direction and Management", "OFFICE", "division", "CH", "GVA", 2010, 45,
     2.6, 0.0, "exec"),
    ("DPS", "Division of Policy, Research and Strategy", "OFFICE", "division", "CH", "GVA",
     2010, 70, 1.7, 0.0, "policy"),
    ("DTE", "Division of Thematic Engagement and Special Procedures", "OFFICE", "division",
     "CH", "GVA", 2010, 85, 1.3, 0.0, "thematic"),
    ("DFO", "Division of Field Operations and Technical Cooperation", "OFFICE", "division",
     "CH", "GVA", 2010, 95, 1.4, 0.0, "field"),
    ("DTB", "Division of Treaty Bodies and Council Support", "OFFICE", "division", "CH", "GVA",
     2010, 60, 1.1, 0.0, "sessions"),
    ("DMS", "Division of Management and Support Services", "OFFICE", "division", "CH", "GVA",
     2010, 80, 0.45, 0.0, "support"),
    ("RO-EA", "Regional Office for East Africa (Nairobi)", "OFFICE", "region", "KE", "NBO",
     2010, 35, 1.6, 1.4, "ro_east_africa"),
    ("RO-SEA", "Regional Office for South-East Asia (Bangkok)", "OFFICE", "region", "TH", "BKK",
     2010, 35, 1.5, 0.8, "ro_south_east_asia"),
    ("RO-CA", "Regional Office for Central America (Panama City)", "OFFICE", "region", "PA",
     "PTY", 2010, 30, 1.5, 0.8, "ro_central_america"),
    ("RO-ME", "Regional Office for the Middle East and North Africa (Beirut)", "OFFICE",
     "region", "LB", "BEY", 2010, 30, 1.4, 0.6, "ro_middle_east"),
    ("CO-KE", "Country Office Kenya", "RO-EA", "country_office", "KE", "NBO", 2010, 25, 0.6,
     1.6, "co_kenya"),
    ("CO-UG", "Country Office Uganda", "RO-EA", "country_office", "UG", "EBB", 2010, 30, 0.55,
     1.5, "co_uganda"),
    ("CO-KH", "Country Office Cambodia", "RO-SEA", "country_office", "KH", "PNH", 2010, 25, 0.6,
     1.2, "co_cambodia"),
    ("CO-NP", "Country Office Nepal", "RO-SEA", "country_office", "NP", "KTM", 2010, 20, 0.6,
     1.2, "co_nepal"),
    ("CO-CO", "Country Office Colombia", "RO-CA", "country_office", "CO", "BOG", 2010, 60, 0.5,
     1.8, "co_colombia"),
    ("CO-GT", "Country Office Guatemala", "RO-CA", "country_office", "GT", "GUA", 2010, 35, 0.6,
     1.4, "co_guatemala"),
    ("CO-HN", "Country Office Honduras", "RO-CA", "country_office", "HN", "TGU", 2015, 25, 0.6,
     1.3, "co_honduras"),
    ("CO-YE", "Country Office Yemen", "RO-ME", "country_office", "YE", "SAH", 2012, 30, 0.8,
     0.7, "co_yemen"),
    ("CO-TN", "Country Office Tunisia", "RO-ME", "country_office", "TN", "TUN", 2011, 15, 0.7,
     0.8, "co_tunisia"),
)

#: Headcount relative to 2019 (growth to 2022, liquidity-crisis cuts in 2024).
HEADCOUNT_INDEX = {2010: 0.80, 2011: 0.82, 2012: 0.84, 2013: 0.86, 2014: 0.88, 2015: 0.90,
                   2016: 0.92, 2017: 0.95, 2018: 0.97, 2019: 1.0, 2020: 1.02, 2021: 1.05,
                   2022: 1.07, 2023: 1.08, 2024: 1.04}
#: Trips per head relative to 2019 before COVID (growth of programme activity).
TRAVEL_TREND = {y: 1.025 ** (y - 2019) for y in range(2010, 2020)}
#: Normal monthly share of trips (Human Rights Council sessions in March, June, September).
MONTHS = np.array([0.065, 0.080, 0.105, 0.090, 0.090, 0.100, 0.075, 0.040, 0.105, 0.100,
                   0.090, 0.060])
#: Share of the normal monthly level kept in 2020 (the collapse from mid-March).
MONTHS_2020 = np.array([1.0, 1.0, 0.55, 0.03, 0.03, 0.10, 0.30, 0.25, 0.45, 0.50, 0.40, 0.35])
#: Monthly shape of 2021 travel (dates of the trips kept in 2021 follow it).
MONTHS_2021 = np.array([0.20, 0.20, 0.25, 0.25, 0.30, 0.35, 0.40, 0.40, 0.50, 0.55, 0.55, 0.45])
#: Share of the normal level kept after 2021, and its monthly shape in 2022.
LEVEL_AFTER = {2022: 0.56, 2023: 0.62, 2024: 0.64}
MONTHS_2022 = np.array([0.35, 0.40, 0.55, 0.60, 0.65, 0.65, 0.60, 0.65, 0.70, 0.70, 0.65,
                        0.60])
#: Ticket price index (2019 = 1): 2021 flexible fares on thin schedules, 2022 fuel costs.
PRICE_INDEX = {**{y: 0.985 ** (2019 - y) for y in range(2010, 2020)}, 2020: 1.0, 2021: 1.12,
               2022: 1.25, 2023: 1.28, 2024: 1.27}

#: 2021 intent per entity. 2021 re-uses the entity's 2019 trips and keeps, per class of
#: trip (business-class flights, economy flights, surface trips), the given share of their
#: approximate carbon; ``price`` and ``nights`` multiply 2021 fares and hotel nights;
#: ``hosted`` is the share of 2021 trips paid by hosts or partners (absent from
#: budget.csv). Comments give the intended verdicts (carbon / budget) against "-50% in
#: 2021 vs 2019"; entities not listed use DEFAULT_2021 (met / met).
DEFAULT_2021 = {"business": 0.22, "economy": 0.22, "surface": 0.35, "price": 1.0,
                "nights": 1.0, "hosted": 0.03}
INTENT_2021: dict[str, dict[str, float]] = {
    "EXD": {"business": 0.22, "economy": 0.22},                      # met / met
    # long-haul business missions continued, conference travel stopped, cheap fares booked
    # early, shorter stays: carbon falls ~40%, budget ~60%
    "DTE": {"business": 0.75, "economy": 0.10, "price": 0.75, "nights": 0.60, "hosted": 0.25},
    "DFO": {"business": 0.60, "economy": 0.60, "surface": 0.8},      # missed / missed
    "DTB": {"business": 0.15, "economy": 0.18},                      # met / met
    # few trips, but booked at short notice with long (quarantine) stays: carbon falls
    # ~70%, budget ~40%
    "DMS": {"business": 0.30, "economy": 0.30, "price": 1.8, "nights": 2.2},
    "RO-EA": {"business": 0.15, "economy": 0.15, "surface": 1.0, "nights": 1.2},  # met / met
    "RO-CA": {"business": 0.90, "economy": 0.90, "surface": 1.0},    # missed / missed
    # own travel halved, but Yemen's missions continued: the region misses in both
    "RO-ME": {"business": 0.50, "economy": 0.50, "surface": 0.5},
    # flights kept, 70% of trips paid by partners: carbon ~-30%, budget ~-75%
    "CO-UG": {"business": 0.90, "economy": 0.85, "surface": 0.3, "hosted": 0.70},
    # flights cut, road missions with DSA kept: carbon met, budget missed
    "CO-CO": {"business": 0.15, "economy": 0.15, "surface": 0.8, "nights": 1.3,
              "price": 1.4},
    "CO-GT": {"business": 0.95, "economy": 0.95, "surface": 1.0},    # missed / missed
    "CO-YE": {"business": 0.95, "economy": 0.95, "surface": 1.0},    # missed / missed
}
#: Intended 2021 verdicts (carbon met, budget met) of every entity rolled up the tree,
#: checked with the library by tests/test_example_data.py.
EXPECTED_2021 = {
    "EXD": (True, True), "DPS": (True, True), "DTE": (False, True), "DFO": (False, False),
    "DTB": (True, True), "DMS": (True, False), "RO-EA": (True, True), "RO-SEA": (True, True),
    "RO-CA": (False, False), "RO-ME": (False, False), "CO-KE": (True, True),
    "CO-UG": (False, True), "CO-KH": (True, True), "CO-NP": (True, True),
    "CO-CO": (True, False), "CO-GT": (False, False), "CO-HN": (True, True),
    "CO-YE": (False, False), "CO-TN": (True, True),
}

PURPOSES = ("meeting", "conference", "mission", "session", "training", "workshop")
#: Purpose weights per profile family and mean nights per purpose.
PURPOSE_WEIGHTS = {"hq": (0.35, 0.2, 0.25, 0.1, 0.05, 0.05),
                   "field": (0.25, 0.1, 0.4, 0.0, 0.1, 0.15)}
NIGHTS_MEAN = {"meeting": 2.5, "conference": 3.5, "mission": 7.0, "session": 5.0,
               "training": 4.0, "workshop": 3.0}

# Approximate DESNZ 2019 factors, for the printed calibration summary only (kgCO2e per
# passenger-km with RF; per room-night; per km). The library computes with its editions.
_APPROX_AIR = {("domestic", "economy"): 0.25493, ("domestic", "business"): 0.25493,
               ("short", "economy"): 0.15573, ("short", "business"): 0.23360,
               ("long", "economy"): 0.14981, ("long", "business"): 0.43446}
_APPROX_HOTEL = {"CH": 6.9, "US": 21.4, "TH": 54.6, "IN": 86.7, "GB": 12.2, "FR": 6.7}
_APPROX_RAIL, _APPROX_CAR, _APPROX_COACH = 0.04115, 0.1771, 0.02779


# ---------------------------------------------------------------------- helpers
def haversine_km(a: str, b: str) -> float:
    """Great-circle distance between two airports [km] (mean Earth radius 6,371.0088 km)."""
    lat1, lon1, _ = AIRPORTS[a]
    lat2, lon2, _ = AIRPORTS[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def itinerary(origin: str, destination: str) -> tuple[str, ...]:
    """Airports of a one-way journey: via the stations' hubs when longer than 2,500 km."""
    route = [origin]
    if haversine_km(origin, destination) > 2500:
        if origin in HUBS and destination not in HUBS[origin]:
            route.append(min(HUBS[origin], key=lambda h: haversine_km(origin, h)
                             + haversine_km(h, destination)))
        if destination in HUBS and origin not in HUBS[destination]:
            hub = min(HUBS[destination], key=lambda h: haversine_km(route[-1], h)
                      + haversine_km(h, destination))
            if hub != route[-1]:
                route.append(hub)
    route.append(destination)
    return tuple(route)


def journey_facts(route: tuple[str, ...]) -> tuple[float, float, float]:
    """(total km, longest leg hours, journey hours): 0.5 h + km / 800 per leg, 2 h a stop."""
    legs = [haversine_km(a, b) for a, b in itertools.pairwise(route)]
    hours = [0.5 + km / 800.0 for km in legs]
    return sum(legs), max(hours), sum(hours) + 2.0 * (len(legs) - 1)


def level(year: int, month: np.ndarray) -> np.ndarray:
    """Probability that a normal-level trip of ``month`` happens in ``year`` (not 2021)."""
    if year <= 2019:
        return np.ones(len(month))
    if year == 2020:
        return MONTHS_2020[month]
    shape = MONTHS_2022 / float(MONTHS @ MONTHS_2022) if year == 2022 else np.ones(12)
    return np.minimum(LEVEL_AFTER[year] * shape[month], 1.0)


def draw_count(rng: np.random.Generator, expected: float) -> int:
    """An integer with mean ``expected`` and the least spread (random rounding)."""
    whole = math.floor(expected)
    return int(whole + (rng.random() < expected - whole))


def draw_kept(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """Mask of kept trips: ``sum(p)`` of them (randomly rounded), drawn without replacement
    with weights ``p``, so that the kept count never strays from its intended level."""
    keep = np.zeros(len(p), dtype=bool)
    k = min(draw_count(rng, float(p.sum())), int((p > 0).sum()))
    if k:
        keep[rng.choice(len(p), size=k, replace=False, p=p / p.sum())] = True
    return keep


def keep_share_of_carbon(rng: np.random.Generator, kg: np.ndarray, share: float) -> np.ndarray:
    """Mask of trips, in random order, whose approximate emissions add up to ``share`` of
    the total (within half a trip): 2021 keeps a set share of 2019's carbon per class."""
    order = rng.permutation(len(kg))
    before = np.concatenate([[0.0], np.cumsum(kg[order])[:-1]])
    keep = np.zeros(len(kg), dtype=bool)
    keep[order] = before + kg[order] / 2.0 <= share * kg.sum()
    return keep


def knobs_of(entity: str) -> dict[str, float]:
    return {**DEFAULT_2021, **INTENT_2021.get(entity, {})}


def approx_air_kg(route: tuple[str, ...], cabin: str) -> float:
    """Approximate one-way, one-passenger emissions of a journey [kgCO2e] (calibration)."""
    total = 0.0
    for a, c in itertools.pairwise(route):
        km = haversine_km(a, c)
        band = "domestic" if km < 500 else ("short" if km < 3700 else "long")
        total += km * _APPROX_AIR[(band, cabin)]
    return total


# ---------------------------------------------------------------------- generation
class _Builder:
    """Collects travel rows and budget lines while trips are drawn; keeps 2019's trips."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.rows: list[Block] = []
        self.spend: list[pd.DataFrame] = []
        self.templates: dict[tuple[str, str], pd.DataFrame] = {}
        self.route_cache: dict[tuple[str, str], tuple[tuple[str, ...], float, float, float]] = {}

    def route(self, origin: str, destination: str) -> tuple[tuple[str, ...], float, float, float]:
        key = (origin, destination)
        if key not in self.route_cache:
            path = itinerary(origin, destination)
            self.route_cache[key] = (path, *journey_facts(path))
        return self.route_cache[key]

    def add_spend(self, eid: str, year: int, amount: np.ndarray) -> None:
        self.spend.append(pd.DataFrame({"entity": [eid], "year": [year],
                                        "amount": [float(amount.sum())]}))


Block = dict[str, np.ndarray]


def _block(n: int, **columns: object) -> Block:
    """Columns of ``n`` rows as numpy arrays (scalars broadcast): cheaper than DataFrames
    for the ~600 small pieces the generator assembles."""
    return {k: (np.asarray(v) if np.ndim(v) else np.full(n, v, dtype=object
                                                            if isinstance(v, str) else None))
            for k, v in columns.items()}


def _take(block: Block, mask: np.ndarray) -> Block:
    return {k: v[mask] for k, v in block.items()}


def _dates(rng: np.random.Generator, year: int, month: np.ndarray) -> np.ndarray:
    """ISO dates: a uniformly drawn day of each given month (0-based) of ``year``."""
    first = np.datetime64(f"{year}-01", "M") + month.astype("timedelta64[M]")
    days = ((first + np.timedelta64(1, "M")).astype("datetime64[D]")
            - first.astype("datetime64[D]")).astype(int)
    day = (rng.random(len(month)) * days).astype(int)
    dates = first.astype("datetime64[D]") + day.astype("timedelta64[D]")
    return np.datetime_as_string(dates, unit="D").astype(object)


def _months(rng: np.random.Generator, year: int, n: int) -> np.ndarray:
    weights = MONTHS * MONTHS_2021 if year == 2021 else MONTHS
    return rng.choice(12, size=n, p=weights / weights.sum())


def _flight_templates(b: _Builder, ent: tuple, year: int, heads: float) -> pd.DataFrame:
    """Candidate flight trips of an entity-year: who flies where, in which class."""
    eid, _, _, kind, _, station, _, _, per_head, _, profile = ent
    rng = b.rng
    n = draw_count(rng, heads * per_head * TRAVEL_TREND.get(year, 1.0))
    weights = {k: v for k, v in PROFILES[profile].items() if k != station and v > 0}
    codes = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    pick = rng.choice(len(codes), size=n, p=p / p.sum())
    facts = [b.route(station, d) for d in codes]  # per distinct destination
    t = pd.DataFrame({
        "dest": codes[pick], "month": _months(rng, year, n),
        "km": np.array([f[1] for f in facts])[pick],
        "max_leg_h": np.array([f[2] for f in facts])[pick],
        "journey_h": np.array([f[3] for f in facts])[pick],
        "route": np.array(["-".join(f[0]) if len(f[0]) > 2 else "" for f in facts],
                          dtype=object)[pick],
        "thin": np.array([any(x in ("EBB", "KTM", "TGU", "SAH", "ADE", "JUB") for x in f[0])
                          for f in facts])[pick],
        "country": np.array([AIRPORTS[d][2] for d in codes], dtype=object)[pick],
        "consultant": rng.random(n) < (0.05 if eid == "EXD" else 0.15),
        "senior": (eid == "EXD") & (rng.random(n) < 0.2),
        "purpose": rng.choice(np.array(PURPOSES, dtype=object), size=n,
                              p=PURPOSE_WEIGHTS["hq" if kind in ("hq", "division")
                                                else "field"]),
        "one_way": rng.random(n) < 0.04,
        "pax": np.where(rng.random(n) < 0.03, 2, 1) + (rng.random(n) < 0.01).astype(int),
    })
    # UN rules: business class for a leg of 9 h or more or a journey of 11 h or more;
    # consultants fly economy; senior officials (ASG and above) fly business
    t["business"] = ~t["consultant"] & ((t["max_leg_h"] >= 9.0) | (t["journey_h"] >= 11.0)
                                        | (t["senior"] & (t["max_leg_h"] >= 2.0)))
    kg_econ = {c: approx_air_kg(f[0], "economy") for c, f in zip(codes, facts, strict=True)}
    kg_bus = {c: approx_air_kg(f[0], "business") for c, f in zip(codes, facts, strict=True)}
    one = np.where(t["business"], t["dest"].map(kg_bus), t["dest"].map(kg_econ))
    t["kg"] = one * t["pax"] * np.where(t["one_way"], 1.0, 2.0)
    return t


def _flights(b: _Builder, ent: tuple, year: int, heads: float) -> None:
    """Flight trips of one entity and year (with their hotel rows and budget lines)."""
    eid, station = ent[0], ent[5]
    rng = b.rng
    knobs = knobs_of(eid)
    base = b.templates.get((eid, "air"))
    if year == 2021 and base is not None:
        # the 2019 trips again, re-dated, keeping the intended share of each class's carbon
        t = base.assign(month=_months(rng, year, len(base)))
        keep = np.zeros(len(t), dtype=bool)
        for cls, members in (("business", t["business"]), ("economy", ~t["business"])):
            idx = np.flatnonzero(members.to_numpy())
            keep[idx] = keep_share_of_carbon(rng, t["kg"].to_numpy()[idx], knobs[cls])
    else:
        t = _flight_templates(b, ent, year, heads)
        keep = draw_kept(rng, level(year, t["month"].to_numpy()))
        if year == 2019:
            b.templates[(eid, "air")] = t
    n = len(t)
    if n == 0:
        return
    month, km = t["month"].to_numpy(), t["km"].to_numpy()
    business, pax = t["business"].to_numpy(), t["pax"].to_numpy()
    one_way, purpose = t["one_way"].to_numpy(), t["purpose"].to_numpy()
    dest, dest_country = t["dest"].to_numpy(), t["country"].to_numpy()
    route = t["route"].to_numpy()
    # booked, then cancelled in spring 2020: a ticket row and its refund
    cancelled = (~keep) & (year == 2020) & np.isin(month, [2, 3, 4]) & (rng.random(n) < 0.25)
    nights = np.round((pd.Series(purpose).map(NIGHTS_MEAN).to_numpy(dtype=float)
                       + np.where(km > 3700, 1.5, 0.0)) * rng.lognormal(-0.08, 0.4, n))
    nights = np.where((km < 1200) & (rng.random(n) < 0.12), 0.0, nights)
    if year == 2021:
        nights = np.round(nights * knobs["nights"])
    # fares (return, USD): loosely tied to distance and class; late booking, thin routes,
    # the year's price level and noise weaken the link with carbon
    price = PRICE_INDEX[year] * (knobs["price"] if year == 2021 else 1.0)
    fare = (np.where(business, 1200.0 + 0.65 * km, 350.0 + 0.13 * km) * price
            * np.where(rng.random(n) < 0.2, 1.45, 1.0) * np.where(t["thin"], 1.3, 1.0)
            * np.where(one_way, 0.65, 1.0) * rng.lognormal(0.0, 0.22, n) * pax)
    hosted = rng.random(n) < (knobs["hosted"] if year == 2021 else 0.03)
    hotel_logged = (nights > 0) & (rng.random(n) < 0.92)
    date = _dates(rng, year, month)
    room = pd.Series(dest_country).map(HOTEL_RATE).fillna(140).to_numpy(dtype=float)
    room_cost = nights * room * PRICE_INDEX[year] ** 0.5 * rng.lognormal(0.0, 0.18, n)
    travellers = _travellers(rng, eid, heads, t["consultant"].to_numpy())
    # from 2022 a growing share of Paris trips go by train
    rail_city = pd.Series(dest).map(RAIL_FOR_FLIGHT).fillna("").to_numpy(dtype=object)
    to_rail = keep & (rail_city != "") & (
        rng.random(n) < {2022: 0.35, 2023: 0.55, 2024: 0.6}.get(year, 0.0))
    rail_km = pd.Series(rail_city).map({c: k for c, _, k, _ in RAIL_DESTINATIONS}).to_numpy(
        dtype=float)
    rail_cost = rail_km * 0.5 * price * rng.lognormal(0, 0.15, n)
    direct = route == ""
    air = _block(
        n, entity=eid, date=date, mode=np.where(to_rail, "rail", "air"),
        origin=np.where(to_rail, "Geneva", np.where(direct, station, "")),
        destination=np.where(to_rail, rail_city, np.where(direct, dest, "")),
        route=np.where(to_rail, "", route),
        cabin=np.where(to_rail, "", np.where(business, "business", "economy")),
        round_trip=~one_way, passengers=pax, distance=np.where(to_rail, rail_km, np.nan),
        distance_unit=np.where(to_rail, "km", ""), vehicle="", fuel="",
        rail_kind=np.where(to_rail, "national", ""), nights=np.full(n, np.nan), country="",
        cost=np.round(np.where(to_rail, rail_cost, fare), 2), currency="USD",
        traveller=travellers, purpose=purpose, _trip=np.arange(n), _year=np.full(n, year),
        _offset=np.zeros(n, dtype=int))
    hotel = _hotel_rows(air, nights, dest_country, room_cost)
    refunds = _take(air, cancelled)
    refunds["cost"] = -refunds["cost"]
    b.rows += [_take(air, keep | cancelled), refunds, _take(hotel, keep & hotel_logged)]
    dsa = nights * room * DSA_RATIO * np.where(hotel_logged, 1.0, 0.5) * PRICE_INDEX[year] ** 0.5
    b.add_spend(eid, year, np.where(keep & ~hosted, air["cost"].astype(float) + dsa
                                    + TERMINAL_USD, 0.0))


def _hotel_rows(trip: Block, nights: np.ndarray, country: np.ndarray,
                cost: np.ndarray) -> Block:
    """Hotel rows sharing the trip's entity, date, traveller, purpose and trip number."""
    n = len(nights)
    rows = _block(n, mode="hotel", origin="", destination="", route="", cabin="",
                  round_trip=np.zeros(n, dtype=bool), passengers=np.ones(n, dtype=int),
                  distance=np.full(n, np.nan), distance_unit="", vehicle="", fuel="",
                  rail_kind="", nights=nights, country=country, cost=np.round(cost, 2),
                  currency="USD")
    for key in ("entity", "date", "traveller", "purpose", "_trip", "_year", "_offset"):
        rows[key] = trip[key]
    return {k: rows[k] for k in trip}


def _travellers(rng: np.random.Generator, eid: str, heads: float,
                consultant: np.ndarray) -> np.ndarray:
    """Pseudonymous traveller ids: S-<entity>-nnn for staff, C-<entity>-nnn consultants."""
    pool = max(int(heads), 1)
    code = "".join(c for c in eid if c.isalnum())
    staff = rng.integers(1, pool + 1, len(consultant))
    consult = rng.integers(1, max(pool // 4, 2) + 1, len(consultant))
    number = pd.Series(np.where(consultant, consult, staff)).astype(str).str.zfill(3)
    prefix = pd.Series(np.where(consultant, f"C-{code}-", f"S-{code}-"))
    return (prefix + number).to_numpy(dtype=object)


def _surface_templates(b: _Builder, ent: tuple, year: int, heads: float) -> pd.DataFrame:
    """Candidate surface trips: rail from Geneva (divisions), road missions (field)."""
    _, _, _, kind, country, _, _, _, _, road_per_head, _ = ent
    rng = b.rng
    trend = TRAVEL_TREND.get(year, 1.0)
    if kind == "division":
        n = draw_count(rng, heads * 0.22 * trend)
        pick = rng.integers(0, len(RAIL_DESTINATIONS), n)
        rail = [RAIL_DESTINATIONS[i] for i in pick]
        t = pd.DataFrame({
            "mode": "rail", "destination": [r[0] for r in rail],
            "country": np.array([r[1] for r in rail], dtype=object),
            "km": np.array([r[2] for r in rail], dtype=float),
            "rail_kind": [r[3] for r in rail], "vehicle": "", "pax": 1,
            "nights": rng.choice([0.0, 1.0, 1.0, 2.0, 2.0, 3.0], n),
            "purpose": rng.choice(np.array(["meeting", "conference", "workshop"], dtype=object),
                                  n)})
        t["kg"] = t["km"] * 2 * _APPROX_RAIL
    elif road_per_head > 0:
        n = draw_count(rng, heads * road_per_head * trend)
        vehicle = np.where(rng.random(n) < 0.1, "coach", "car")
        towns = np.array(FIELD_TOWNS[country], dtype=object)
        t = pd.DataFrame({
            "mode": "road", "destination": towns[rng.integers(0, len(towns), n)],
            "country": np.full(n, country, dtype=object),
            "km": np.round(np.clip(rng.lognormal(np.log(260), 0.6, n), 30, 1400)),
            "rail_kind": "", "vehicle": vehicle,
            "pax": np.where(vehicle == "car", rng.integers(1, 5, n), 1),
            "nights": np.round(np.clip(rng.lognormal(np.log(2.5), 0.6, n), 0, 12)),
            "purpose": "mission"})
        t["kg"] = t["km"] * np.where(vehicle == "car", _APPROX_CAR, _APPROX_COACH)
    else:
        return pd.DataFrame()
    t["month"] = _months(rng, year, len(t))
    return t


def _surface(b: _Builder, ent: tuple, year: int, heads: float) -> None:
    """Rail trips from Geneva (HQ divisions) and road missions (field offices)."""
    eid, station = ent[0], ent[5]
    rng = b.rng
    knobs = knobs_of(eid)
    base = b.templates.get((eid, "surface"))
    if year == 2021 and base is not None:
        t = base.assign(month=_months(rng, year, len(base)))
        keep = keep_share_of_carbon(rng, t["kg"].to_numpy(), knobs["surface"])
    else:
        t = _surface_templates(b, ent, year, heads)
        if t.empty:
            return
        keep = draw_kept(rng, level(year, t["month"].to_numpy()))
        if year == 2019:
            b.templates[(eid, "surface")] = t
    n = len(t)
    if n == 0:
        return
    date = _dates(rng, year, t["month"].to_numpy())
    travellers = _travellers(rng, eid, heads, np.zeros(n, dtype=bool))
    price = PRICE_INDEX[year] * (knobs["price"] if year == 2021 else 1.0)
    nights = t["nights"].to_numpy(dtype=float)
    if year == 2021:
        nights = np.round(nights * knobs["nights"])
    km = t["km"].to_numpy(dtype=float)
    rail = (t["mode"] == "rail").to_numpy()
    car = (t["vehicle"] == "car").to_numpy()
    cost = km * np.where(rail, 0.5, np.where(car, 0.45, 0.08)) * price * rng.lognormal(0, 0.2, n)
    trip = _block(
        n, entity=eid, date=date, mode=t["mode"].to_numpy(dtype=object),
        origin=np.where(rail, "Geneva", STATION_CITY.get(station, station)),
        destination=t["destination"].to_numpy(dtype=object), route="", cabin="",
        round_trip=rail, passengers=t["pax"].to_numpy(), distance=km, distance_unit="km",
        vehicle=t["vehicle"].to_numpy(dtype=object), fuel=np.where(car, "diesel", ""),
        rail_kind=t["rail_kind"].to_numpy(dtype=object), nights=np.full(n, np.nan),
        country="", cost=np.round(cost, 2), currency="USD", traveller=travellers,
        purpose=t["purpose"].to_numpy(dtype=object), _trip=np.arange(n),
        # offset: trip numbers apart from the flights of the same entity and year
        _year=np.full(n, year), _offset=np.full(n, 100_000))
    country = t["country"].to_numpy(dtype=object)
    room = pd.Series(country).map(HOTEL_RATE).fillna(140).to_numpy(dtype=float)
    hotel_logged = (nights > 0) & (rng.random(n) < 0.9)
    hotel = _hotel_rows(trip, nights, country, nights * room * 0.8 * rng.lognormal(0, 0.18, n))
    hosted = rng.random(n) < (knobs["hosted"] if year == 2021 else 0.03)
    b.rows += [_take(trip, keep), _take(hotel, keep & hotel_logged)]
    dsa = nights * room * DSA_RATIO * np.where(hotel_logged, 1.0, 0.5)
    b.add_spend(eid, year, np.where(keep & ~hosted, trip["cost"].astype(float) + dsa, 0.0))


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Build every table of the example office.

    Returns
    -------
    dict of str to DataFrame
        ``entities``, ``headcount``, ``budget``, ``travel``, ``facilities``.
    """
    rng = np.random.default_rng(seed)
    entities = pd.DataFrame([e[:5] for e in ENTITIES],
                            columns=["id", "name", "parent", "kind", "country"])
    heads = []
    for ent in ENTITIES:
        eid, opened, hc = ent[0], ent[6], ent[7]
        for year in YEARS:
            if hc and year >= opened:
                noise = 1.0 + 0.02 * rng.standard_normal()
                heads.append((eid, year, round(hc * HEADCOUNT_INDEX[year] * noise)))
    headcount = pd.DataFrame(heads, columns=["entity", "year", "headcount"])
    count = headcount.set_index(["entity", "year"])["headcount"]
    b = _Builder(rng)
    for year in YEARS:
        for ent in ENTITIES:
            key = (ent[0], year)
            if key not in count.index:
                continue
            _flights(b, ent, year, float(count[key]))
            _surface(b, ent, year, float(count[key]))
    travel = _finish_travel(pd.DataFrame({k: np.concatenate([r[k] for r in b.rows])
                                          for k in b.rows[0]}))
    budget = pd.concat(b.spend, ignore_index=True).groupby(["entity", "year"], sort=False)[
        "amount"].sum().reset_index()
    budget["amount"] = budget["amount"].round(0)
    budget["currency"] = "USD"
    return {"entities": entities, "headcount": _sort(headcount, entities, ["year"]),
            "budget": _sort(budget, entities, ["year"]), "travel": travel,
            "facilities": facilities(rng)}


def _sort(frame: pd.DataFrame, entities: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    order = {e: i for i, e in enumerate(entities["id"])}
    return (frame.assign(_o=frame["entity"].map(order)).sort_values(["_o", *keys])
            .drop(columns="_o").reset_index(drop=True))


def _finish_travel(rows: pd.DataFrame) -> pd.DataFrame:
    """Trip ids, a stable order (date, trip, transport before hotel, refund last) and the
    canonical column order."""
    rows = rows.copy()
    rows["_key"] = (rows["entity"] + "|" + rows["_year"].astype(str) + "|"
                    + (rows["_trip"] + rows["_offset"]).astype(int).astype(str))
    rows["_rank"] = (rows["mode"] == "hotel").astype(int)
    rows["_refund"] = (rows["cost"] < 0).astype(int)
    first = rows.groupby("_key")["date"].transform("min")
    rows = rows.assign(_first=first).sort_values(["_first", "_key", "_rank", "_refund"],
                                                 kind="stable")
    keys = pd.unique(rows["_key"])
    number = pd.Series(np.arange(1, len(keys) + 1), index=keys)
    rows["trip_id"] = ("T" + rows["_first"].str[:4] + "-"
                       + rows["_key"].map(number).astype(str).str.zfill(6))
    rows["passengers"] = rows["passengers"].astype(int)
    rows["nights"] = rows["nights"].astype(float)
    columns = ["trip_id", "entity", "date", "mode", "origin", "destination", "route", "cabin",
               "round_trip", "passengers", "distance", "distance_unit", "vehicle", "fuel",
               "rail_kind", "nights", "country", "cost", "currency", "traveller", "purpose"]
    out = rows.reindex(columns=columns)
    for col in ("origin", "destination", "route", "cabin", "vehicle", "fuel", "rail_kind",
                "country", "distance_unit"):
        out[col] = out[col].fillna("").astype(str)
    return out.reset_index(drop=True)


def facilities(rng: np.random.Generator) -> pd.DataFrame:
    """Monthly meter readings and invoices, 2019-2024, for three sites."""
    months = pd.period_range(f"{FACILITY_YEARS[0]}-01", f"{FACILITY_YEARS[-1]}-12", freq="M")
    start = months.to_timestamp(how="start")
    end = months.to_timestamp(how="end").normalize()
    m = months.month.to_numpy() - 1
    year = months.year.to_numpy()
    n = len(months)
    occupancy = np.select([year == 2020, year == 2021, year >= 2022],
                          [np.where(m < 3, 1.0, 0.75), 0.8, 0.9], 1.0)
    heating = np.array([0.17, 0.15, 0.12, 0.08, 0.04, 0.01, 0.0, 0.0, 0.03, 0.08, 0.13, 0.19])
    cooling = np.array([0.9, 0.9, 1.0, 1.05, 1.1, 1.2, 1.25, 1.2, 1.1, 1.0, 0.95, 0.9])
    tropical = np.array([1.0, 1.05, 1.15, 1.2, 1.15, 1.05, 1.0, 1.0, 1.0, 1.0, 0.95, 0.95])
    blocks = []

    def add(entity: str, site: str, country: str, kind: str, amount: np.ndarray, unit: str,
            mask: np.ndarray | None = None, **extra: object) -> None:
        keep = np.ones(n, dtype=bool) if mask is None else mask
        frame = pd.DataFrame({"entity": entity, "site": site,
                              "period_start": start[keep].strftime("%Y-%m-%d"),
                              "period_end": end[keep].strftime("%Y-%m-%d"), "kind": kind,
                              "amount": np.asarray(amount)[keep], "unit": unit,
                              "country": country})
        for key, value in extra.items():
            frame[key] = value
        blocks.append(frame)

    hq, gva = "OFFICE", "Geneva headquarters building"
    noise = rng.lognormal(0, 0.04, (8, n))
    add(hq, gva, "CH", "electricity", np.round(1_550_000 / 12 * cooling[m] / cooling.mean()
                                              * (0.6 + 0.4 * occupancy) * noise[0]), "kWh")
    gas_share = np.where(year >= 2023, 0.35, 1.0)  # district heating (lake water) from 2023
    heat = 1_450_000 * heating[m] * noise[1]
    add(hq, gva, "CH", "natural_gas", np.round(heat * gas_share), "kWh", heat * gas_share > 0)
    add(hq, gva, "CH", "district_heat", np.round(heat * (1 - gas_share)), "kWh",
        (year >= 2023) & (heat > 0))
    add(hq, gva, "CH", "water", np.round(850 * occupancy * noise[2], 1), "m^3",
        treatment=True)
    quarter_end = np.isin(m, [2, 5, 8, 11])
    for material, disposal, tonnes in (("paper_and_board_mixed", "closed_loop", 3.2),
                                       ("commercial_and_industrial_waste", "combustion", 7.5),
                                       ("organic_food_and_drink_waste", "composting", 2.4)):
        add(hq, gva, "CH", "waste", np.round(tonnes * occupancy * rng.lognormal(0, 0.1, n), 2),
            "t", quarter_end, material=material, disposal=disposal)
    leak = np.where(m == 10, np.round(rng.uniform(6, 16, n), 1), 0.0)
    add(hq, gva, "CH", "refrigerant", leak, "kg", leak > 0, gas="HFC-134a")
    nbo = "Nairobi office (UN complex)"
    add("RO-EA", nbo, "KE", "electricity", np.round(185_000 / 12 * tropical[m] * noise[3]), "kWh")
    outages = rng.gamma(2.0, 1.0, n)
    add("RO-EA", nbo, "KE", "diesel", np.round(420 * outages * noise[4]), "L")
    add("RO-EA", nbo, "KE", "water", np.round(310 * occupancy * noise[5], 1), "m^3",
        treatment=True)
    add("RO-EA", nbo, "KE", "waste", np.round(1.1 * rng.lognormal(0, 0.1, n), 2), "t",
        quarter_end, material="commercial_and_industrial_waste", disposal="landfill")
    bkk = "Bangkok office"
    add("RO-SEA", bkk, "TH", "electricity", np.round(265_000 / 12 * tropical[m] * noise[6]),
        "kWh")
    r410 = np.where(rng.random(n) < 0.2, np.round(rng.uniform(2, 11, n), 1), 0.0)
    add("RO-SEA", bkk, "TH", "refrigerant", r410, "kg", r410 > 0, gas="R-410A")
    out = pd.concat(blocks, ignore_index=True)
    columns = ["entity", "site", "period_start", "period_end", "kind", "amount", "unit",
               "country", "gas", "treatment", "disposal", "material"]
    out = out.reindex(columns=columns)
    for col in ("gas", "disposal", "material"):
        out[col] = out[col].fillna("").astype(str)
    out["treatment"] = out["treatment"].map({True: "true"}).fillna("")
    order = {e[0]: i for i, e in enumerate(ENTITIES)}
    return (out.assign(_o=out["entity"].map(order))
            .sort_values(["_o", "site", "period_start", "kind"], kind="stable")
            .drop(columns="_o").reset_index(drop=True))


# ---------------------------------------------------------------------- writing
FILES = {"entities": "entities.csv", "headcount": "headcount.csv", "budget": "budget.csv",
         "travel": "travel_2010_2024.csv", "facilities": "facilities_2019_2024.csv"}


def write(frames: Mapping[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write the tables as UTF-8 CSV with "\\n" line ends (same bytes on every run)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, name in FILES.items():
        path = out / name
        frames[key].to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        paths.append(path)
    return paths


def summary(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Approximate 2019 vs 2021 travel carbon and budget per entity (rolled up the tree).

    Uses rough DESNZ-2019-like factors embedded above, not the library: a calibration
    aid for whoever edits this generator.
    """
    t = frames["travel"]
    year = t["date"].str[:4].astype(int)
    est = np.zeros(len(t))
    air = (t["mode"] == "air").to_numpy()
    stops = np.where(t["route"] != "", t["route"], t["origin"] + "-" + t["destination"])
    pairs = pd.Series(list(zip(stops, t["cabin"], strict=True)))
    kg_of = {}
    for path_text, cabin in set(pairs[air]):  # distinct routes only
        path = path_text.split("-")
        total = 0.0
        for a, c in itertools.pairwise(path):
            km = haversine_km(a, c)
            band = "domestic" if km < 500 else ("short" if km < 3700 else "long")
            total += km * _APPROX_AIR[(band, cabin)]
        kg_of[(path_text, cabin)] = total
    kg = np.where(air, pairs.map(kg_of).fillna(0.0).to_numpy(dtype=float), 0.0)
    mult = t["passengers"].to_numpy() * np.where(t["round_trip"].to_numpy(dtype=bool), 2, 1)
    refund = (t["cost"] < 0).to_numpy()
    est += np.where(air, kg * mult * np.where(refund, -1, 1), 0.0)
    dist = t["distance"].to_numpy(dtype=float)
    est += np.where(t["mode"] == "rail", dist * 2 * _APPROX_RAIL, 0.0)
    est += np.where((t["mode"] == "road") & (t["vehicle"] == "car"), dist * _APPROX_CAR, 0.0)
    est += np.where((t["mode"] == "road") & (t["vehicle"] == "coach"), dist * _APPROX_COACH,
                    0.0)
    hotel = t["country"].map(_APPROX_HOTEL).fillna(30.0).to_numpy()
    est += np.where(t["mode"] == "hotel", t["nights"].fillna(0).to_numpy() * hotel, 0.0)
    frame = pd.DataFrame({"entity": t["entity"], "year": year, "t": est / 1000.0,
                          "air_t": np.where(air, est, 0) / 1000.0})
    spend = frames["budget"].rename(columns={"amount": "usd"})
    ents = frames["entities"]
    parent = dict(zip(ents["id"], ents["parent"], strict=True))
    pairs = []
    for eid in ents["id"]:  # ancestor pairs of a 20-entity tree
        node = eid
        while node:
            pairs.append((eid, node))
            node = parent[node]
    anc = pd.DataFrame(pairs, columns=["entity", "ancestor"])

    def rolled(data: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
        merged = data.merge(anc, on="entity")
        return merged.groupby(["ancestor", "year"])[cols].sum().unstack("year")

    co2 = rolled(frame, ["t", "air_t"])
    bud = rolled(spend, ["usd"])["usd"]
    heads = rolled(frames["headcount"], ["headcount"])["headcount"]
    out = pd.DataFrame({
        "t_2019": co2[("t", 2019)], "t_2021": co2[("t", 2021)],
        "carbon_pct": (co2[("t", 2021)] / co2[("t", 2019)] - 1) * 100,
        "budget_pct": (bud[2021] / bud[2019] - 1) * 100,
        "air_2020_pct": (co2[("air_t", 2020)] / co2[("air_t", 2019)] - 1) * 100,
        "air_2021_pct": (co2[("air_t", 2021)] / co2[("air_t", 2019)] - 1) * 100,
        "air_2022_pct": (co2[("air_t", 2022)] / co2[("air_t", 2019)] - 1) * 100,
        "t_per_head_2019": co2[("t", 2019)] / heads[2019]})
    return out.reindex(ents["id"]).round(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    parser.add_argument("--summary", action="store_true",
                        help="print an approximate 2019/2021 calibration table")
    args = parser.parse_args(argv)
    frames = generate(args.seed)
    for path in write(frames, args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    if args.summary:
        with pd.option_context("display.width", 160, "display.max_rows", 60):
            print(summary(frames))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
