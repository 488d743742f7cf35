"""Great-circle distances on a spherical Earth, vectorised.

The sphere has the IUGG mean Earth radius R1 = (2a + b) / 3 = 6,371.0088 km of the WGS84
ellipsoid (Moritz 2000, *Geodetic Reference System 1980*, J. Geodesy 74). On that sphere
the haversine distance agrees with the WGS84 geodesic within about 0.5% for any pair of
points (the error is largest for north-south routes near the poles or equator).
"""

from __future__ import annotations

from typing import Any, Final, Literal

import numpy as np

from .airports import resolve_iata

__all__ = ["EARTH_RADIUS_KM", "great_circle_km", "haversine_km"]

#: IUGG mean Earth radius R1 of the WGS84 ellipsoid [km].
EARTH_RADIUS_KM: Final[float] = 6371.0088


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance between points given in degrees, by the haversine formula.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array-like of float
        Latitudes and longitudes [degrees]; broadcast against each other. NaN propagates.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Distance [km] on a sphere of radius :data:`EARTH_RADIUS_KM`; a scalar when all
        inputs are scalars.

    Examples
    --------
    >>> round(float(haversine_km(0.0, 0.0, 0.0, 1.0)), 3)
    111.195
    """
    phi1 = np.radians(np.asarray(lat1, dtype=float))
    phi2 = np.radians(np.asarray(lat2, dtype=float))
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def great_circle_km(
    orig_codes: Any,
    dest_codes: Any,
    dates: Any = None,
    errors: Literal["raise", "mask"] = "raise",
) -> np.ndarray:
    """Great-circle distance between airports given by IATA codes, vectorised.

    Parameters
    ----------
    orig_codes, dest_codes : str or array-like of str
        IATA codes (aliases, metro codes and registered locations resolve; see
        :func:`sem_carbon.geo.airports.resolve_iata`). Same length, or one of them scalar.
    dates : date-like or array-like, optional
        Travel dates, deciding reassigned codes.
    errors : {"raise", "mask"}, default "raise"
        "raise": unknown codes raise :class:`~sem_carbon.errors.UnknownAirportError`.
        "mask": their distance is NaN.

    Returns
    -------
    numpy.ndarray of float
        Distance [km] per pair.
    """
    orig = np.asarray(orig_codes, dtype=object)
    dest = np.asarray(dest_codes, dtype=object)
    orig, dest = np.broadcast_arrays(np.atleast_1d(orig), np.atleast_1d(dest))
    o = resolve_iata(orig, dates=dates, errors=errors)
    d = resolve_iata(dest, dates=dates, errors=errors)
    return np.asarray(haversine_km(o.lat, o.lon, d.lat, d.lon), dtype=float)
