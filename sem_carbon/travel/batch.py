"""Travel tables in batch: the canonical travel ``data`` -> result columns and rejects.

The same kernels as the scalar helpers (:mod:`sem_carbon.travel.air`,
:mod:`sem_carbon.travel.surface`) on whole columns; Python loops run over distinct
values (modes, codes, countries), never over rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UnknownFactorError
from ..factors import FactorSet
from ..factors.catalogue import edition_with
from ..factors.lookup import lookup_rows
from ..geo.airports import resolve_iata
from ..geo.distance import haversine_km
from ..geo.guard import coordinate_note_codes, coordinate_note_table
from ..io.rejects import Rejections
from ..limits import MAX_LEG_KM, MAX_NIGHTS, MAX_PASSENGERS, beyond, limit_reason
from ..notes import join_notes
from ..schema import TRAVEL_RESULTS
from ..tabular import columns_frame
from ..vocabulary import REASONS, normalise, yes_no
from .air import compute_air
from .cabins import cabin_codes
from .rows import hotel_columns, lookup_columns
from .surface import hotel_rows, road_keys

__all__ = ["RESULT_COLUMNS", "compute_travel"]

#: Result columns of :func:`compute_travel` (see :mod:`sem_carbon.schema`).
RESULT_COLUMNS: tuple[str, ...] = TRAVEL_RESULTS


def _column(data: pd.DataFrame, name: str, default: object) -> pd.Series:
    if name in data.columns:
        return data[name]
    return pd.Series(default, index=data.index, dtype=object if isinstance(default, str) else None)


def _numbers(data: pd.DataFrame, name: str, default: float) -> np.ndarray:
    values = pd.to_numeric(_column(data, name, default), errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(values), default, values)


class _Collector:
    """Gathers result blocks and rejects while the modes are computed.

    Rejects go to one :class:`~sem_carbon.io.rejects.Rejections` (first problem of a row);
    :attr:`where` holds the positions in the whole table of the rows of the mode being
    computed.
    """

    def __init__(self, data: pd.DataFrame) -> None:
        self.blocks: list[pd.DataFrame] = []
        self.rejections = Rejections(_column(data, "source_row", -1).to_numpy(),
                                     first_only=True)
        self.where = np.arange(len(data))

    def reject(self, rows: pd.DataFrame, mask: np.ndarray, column: str, values: object,
               reason: object) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return

        def per_row(given: object) -> object:
            if isinstance(given, pd.Series):
                return given.to_numpy(dtype=object)[mask]
            if np.ndim(given):
                return np.broadcast_to(np.asarray(given, dtype=object), (len(rows),))[mask]
            return given

        self.rejections.add_positions(self.where[mask], column, per_row(values),
                                      per_row(reason))

    def add(self, index: pd.Index, **columns: object) -> None:
        # repeated text is stored as categoricals: cheap to build, small in memory
        n = len(index)
        for name, value in columns.items():
            if isinstance(value, str):
                columns[name] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [value])
            elif isinstance(value, np.ndarray) and value.dtype == object:
                columns[name] = pd.Categorical(value)
        self.blocks.append(columns_frame(columns, index))


def compute_travel(
    data: pd.DataFrame,
    fs: FactorSet,
    *,
    radiative_forcing: bool = True,
    haul: str = "distance",
    co2_only: bool = False,
    air_method: str = "desnz",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compute emissions of canonical travel rows with one edition.

    Parameters
    ----------
    data : DataFrame
        Canonical travel columns (docs/tables.md); the index is kept.
    fs : FactorSet
        DESNZ-format edition.
    radiative_forcing : bool, default True
        Air: with-RF factors (RF share reported in ``rf_kg``).
    haul : {"distance", "desnz", "smooth"}
        Air haul-band rule.
    co2_only : bool, default False
        Air: ICAO-like boundary, CO2 component only (no RF, CH4, N2O).
    air_method : {"desnz", "icao", "fuel"}, default "desnz"
        Air: DESNZ factors, or the CO2-only methods of :mod:`sem_carbon.travel.icao`.

    Returns
    -------
    results : DataFrame
        Indexed like the computed rows of ``data``, columns :data:`RESULT_COLUMNS`.
    rejects : DataFrame
        ``source_row``, ``column``, ``value``, ``reason`` for rows not computed.
    """
    out = _Collector(data)
    # read the mode words once (on their distinct values); a table of one mode (the usual
    # flight log) is passed on whole, without a copy
    words = normalise("mode", _column(data, "mode", ""))
    modes = np.where(words.missing, "", words.value)
    for name in pd.unique(modes).tolist():  # distinct modes only, in order of appearance
        mask = modes == name
        rows = data if mask.all() else data[mask]
        out.where = np.flatnonzero(mask)
        if name == "air":
            _AirRows(rows).emit(np.ones(len(rows), bool), fs, out,
                                radiative_forcing and not co2_only, haul, co2_only, air_method)
        else:
            _other_mode(name, rows, fs, out, words, mask)
    return _finish(out)


def compute_travel_groups(
    data: pd.DataFrame,
    groups: list[tuple[FactorSet, np.ndarray]],
    *,
    radiative_forcing: bool = True,
    haul: str = "distance",
    co2_only: bool = False,
    air_method: str = "desnz",
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`compute_travel` of each group of rows (an edition and its rows), sharing the
    per-row work.

    The same results and rejects as ``compute_travel(data[mask], fs, ...)`` for each group,
    but airport codes, cabins, passengers, distances and coordinate notes are read once
    for the whole table: an edition is only the factor gather of its own rows.

    Parameters
    ----------
    data : DataFrame
        Canonical travel columns (docs/tables.md); the index is kept.
    groups : list of (FactorSet, ndarray of bool)
        Each edition with the rows (mask over ``data``) it computes.
    radiative_forcing, haul, co2_only, air_method
        As for :func:`compute_travel`.

    Returns
    -------
    list of (results, rejects)
        One pair per group, as :func:`compute_travel` returns them.
    """
    words = normalise("mode", _column(data, "mode", ""))
    modes = np.where(words.missing, "", words.value)
    is_air = modes == "air"
    air = (_AirRows(data if is_air.all() else data[is_air]) if is_air.any() else None)
    air_where = np.flatnonzero(is_air)
    out_groups = []
    for fs, mask in groups:
        out = _Collector(data)
        # modes in order of first appearance within the group
        for name in pd.unique(modes[mask]).tolist():
            if name == "air" and air is not None:
                out.where = air_where
                air.emit(mask[is_air], fs, out, radiative_forcing and not co2_only, haul,
                         co2_only, air_method)
                continue
            in_mode = mask & (modes == name)
            out.where = np.flatnonzero(in_mode)
            _other_mode(name, data if in_mode.all() else data[in_mode], fs, out, words,
                        in_mode)
        out_groups.append(_finish(out))
    return out_groups


def _other_mode(name: str, rows: pd.DataFrame, fs: FactorSet, out: _Collector,
                words: object, mask: np.ndarray) -> None:
    """Rail, road, hotel or an unknown mode (rejected) on the rows of that mode.

    ``words`` is the mode column read by :func:`sem_carbon.vocabulary.normalise` over the
    whole table and ``mask`` these rows in it (a mode word may imply a rail kind or a
    vehicle).
    """
    if name == "rail":
        _rail(rows, fs, out, words.extra["rail_kind"][mask])  # type: ignore[attr-defined]
    elif name == "road":
        _road(rows, fs, out, words.extra["vehicle"][mask])  # type: ignore[attr-defined]
    elif name == "hotel":
        _hotel(rows, fs, out)
    else:
        why = (words.reason[mask]  # type: ignore[attr-defined]
               if words.rejected[mask].any() else "missing mode")  # type: ignore[attr-defined]
        out.reject(rows, np.ones(len(rows), bool), "mode", _column(rows, "mode", ""), why)


def _finish(out: _Collector) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The collected blocks as the results and rejects frames of :func:`compute_travel`."""
    if len(out.blocks) == 1:  # the common case (one mode): no concatenation copy
        results = out.blocks[0]
    elif out.blocks:
        results = pd.concat(out.blocks)
    else:
        results = pd.DataFrame(columns=list(RESULT_COLUMNS))
    if list(results.columns) != list(RESULT_COLUMNS):
        results = results.reindex(columns=list(RESULT_COLUMNS))
    return results, out.rejections.frame()


class _AirRows:
    """The air rows of a table read once: airports, cabin, passengers, trips; distances
    and coordinate notes on first use. :meth:`emit` computes any subset of them with one
    edition (so an edition costs only its factor gather)."""

    def __init__(self, rows: pd.DataFrame) -> None:
        # columns go to the resolvers as they are stored: no per-row Python strings
        self.rows = rows
        self.origin = _column(rows, "origin", "").reset_index(drop=True)
        self.dest = _column(rows, "destination", "").reset_index(drop=True)
        self.dates = rows["date"].reset_index(drop=True) if "date" in rows else None
        # each column factorised once, for its airports and its coordinate notes
        self.factorized = [pd.factorize(codes, use_na_sentinel=True)
                           for codes in (self.origin, self.dest)]
        self.lat_o, self.lon_o, self.c_o, self.found_o = resolve_iata(
            self.origin, dates=self.dates, errors="mask", factorized=self.factorized[0])
        self.lat_d, self.lon_d, self.c_d, self.found_d = resolve_iata(
            self.dest, dates=self.dates, errors="mask", factorized=self.factorized[1])
        self.cabin, self.known, self.cabin_why, self.cabin_note = cabin_codes(
            _column(rows, "cabin", None).reset_index(drop=True))
        self.pax = _numbers(rows, "passengers", 1.0)
        self.multiplier = self.pax * _trips(rows)  # passengers x trips (2 for a round trip)
        # whether every row passes the checks of emit (then an edition's rows are its group,
        # and no check is repeated per edition)
        self.all_valid = bool(self.found_o.all() and self.found_d.all() and self.known.all()
                              and _passengers_valid(self.pax).all())
        self._km: np.ndarray | None = None
        self._notes: list[tuple[np.ndarray, np.ndarray, list[str], np.ndarray]] | None = None
        self._noted: np.ndarray | None = None

    def distance(self) -> np.ndarray:
        """Great-circle distance of every row [km] (NaN where an airport is unknown)."""
        if self._km is None:
            with np.errstate(invalid="ignore"):
                self._km = haversine_km(self.lat_o, self.lon_o, self.lat_d, self.lon_d)
        return self._km

    def coordinate_notes(self) -> list[tuple[np.ndarray, np.ndarray, list[str], np.ndarray]]:
        """Per end: the rows' coordinate-note codes (on their date and undated), the note
        table, and which of its notes say something."""
        if self._notes is None:
            self._notes = []
            for codes, factorized in zip((self.origin, self.dest), self.factorized,
                                         strict=True):
                index, undated, labels = coordinate_note_table(codes, self.dates,
                                                               factorized=factorized)
                self._notes.append((index, undated, labels,
                                    np.array([bool(x) for x in labels])))
            self.factorized = []  # not needed any more (8 bytes per row and end)
        return self._notes

    def noted(self) -> np.ndarray:
        """Rows with a coordinate note at either end (dated or undated)."""
        if self._noted is None:
            self._noted = np.zeros(len(self.origin), bool)
            for index, undated, _, says in self.coordinate_notes():
                self._noted |= says[index] | says[undated]
        return self._noted

    def emit(self, group: np.ndarray, fs: FactorSet, out: _Collector, rf: bool, haul: str,
             co2_only: bool, method: str = "desnz") -> None:
        """Rejects and results of the rows in ``group`` (a mask over these rows)."""
        rows = self.rows
        if self.all_valid:  # nothing to reject: the group's rows are computed
            ok = group
        else:
            out.reject(rows, group & ~self.found_o, "origin", self.origin,
                       "unknown airport code")
            out.reject(rows, group & self.found_o & ~self.found_d, "destination", self.dest,
                       "unknown airport code")
            ok = group & self.found_o & self.found_d
            out.reject(rows, ok & ~self.known, "cabin", _column(rows, "cabin", ""),
                       self.cabin_why)
            ok &= self.known
            ok &= _passengers_ok(rows, out, self.pax, ok)
        at = np.flatnonzero(ok)  # the computed rows' positions: one scan of the mask
        if not len(at):
            return
        distance = self.distance()[at]
        legs = compute_air(fs, distance, self.cabin[at], radiative_forcing=rf,
                           multiplier=self.multiplier[at], haul_rule=haul,
                           origin_country=self.c_o[at], destination_country=self.c_d[at],
                           co2_only=co2_only, method=method)
        columns = legs.columns(distance)
        notes = self.coordinate_notes()
        # as with_coordinate_notes decides on the computed rows: a note of their codes
        # (dated or not) says something
        if self.noted()[at].any():
            # what the coordinate guard says about either end follows the leg's notes
            columns["notes"] = join_notes(pd.Series(columns["notes"]),
                                          *((index[at], labels)
                                            for index, _, labels, _ in notes))
        if (self.cabin_note[at] != "").any():  # a cabin word read by choice (n/a -> average)
            columns["notes"] = join_notes(pd.Series(self.cabin_note[at]),
                                          pd.Series(columns["notes"]))
        out.add(rows.index[at], **columns)


def with_coordinate_notes(notes: pd.Categorical, origin: object, destination: object,
                          dates: object = None) -> pd.Categorical | pd.Series:
    """Leg notes followed by what the airport-coordinate guard says about both ends."""
    coordinates = [coordinate_note_codes(codes, dates) for codes in (origin, destination)]
    if not any(any(labels) for _, labels in coordinates):
        return notes
    return join_notes(pd.Series(notes), *coordinates)  # codes: no text per row


def _serving(fs: FactorSet, category: str, **kwargs: str) -> tuple[FactorSet, str]:
    """:func:`~sem_carbon.factors.catalogue.edition_with`, or ``fs`` itself when no
    edition publishes the category (its rows are then rejected as having no factor)."""
    try:
        return edition_with(fs, category, **kwargs)
    except UnknownFactorError:
        return fs, ""


def _trips(rows: pd.DataFrame) -> np.ndarray:
    """2 for a round trip (the distance is one way), else 1 (yes/no words as the readers
    read them; a word that is neither counts as one way: the caller rejected it)."""
    if "round_trip" not in rows.columns:
        return np.ones(len(rows))
    round_trip, _, _ = yes_no(rows["round_trip"].reset_index(drop=True))
    return np.where(round_trip, 2.0, 1.0)


def _passengers_valid(pax: np.ndarray) -> np.ndarray:
    """Rows whose passenger count is a number in [0, MAX_PASSENGERS]."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(pax) & (pax >= 0) & ~beyond(pax, MAX_PASSENGERS)


def _passengers_ok(rows: pd.DataFrame, out: _Collector, pax: np.ndarray,
                   ok: np.ndarray) -> np.ndarray:
    """Rows whose passenger count is a number in [0, MAX_PASSENGERS] (others rejected)."""
    bad = ~np.isfinite(pax) | (pax < 0)
    out.reject(rows, ok & bad, "passengers", pax, "passengers must be a number >= 0")
    many = ok & beyond(pax, MAX_PASSENGERS)
    out.reject(rows, many, "passengers", pax, limit_reason("passengers", MAX_PASSENGERS))
    return ~bad & ~many


def _distance(rows: pd.DataFrame, out: _Collector) -> tuple[np.ndarray, np.ndarray]:
    km = pd.to_numeric(_column(rows, "distance_km", np.nan), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(km) | (km < 0)
    out.reject(rows, bad, "distance", _column(rows, "distance_km", np.nan),
               "distance missing, not a number, or negative")
    far = beyond(km, MAX_LEG_KM)
    out.reject(rows, far, "distance", _column(rows, "distance_km", np.nan),
               limit_reason("distance", MAX_LEG_KM, "km"))
    return km, ~bad & ~far


def _emit_lookup(rows: pd.DataFrame, fs: FactorSet, out: _Collector, category: str,
                 keys: dict, quantity: np.ndarray, ok: np.ndarray, unit: str | np.ndarray,
                 method: str | np.ndarray, key_text: np.ndarray, distance: np.ndarray | None,
                 reject_column: str, reject_values: object,
                 note: str | np.ndarray = "") -> None:
    row = lookup_rows(fs, category, keys)
    missing = ok & (row < 0)
    out.reject(rows, missing, reject_column, reject_values,
               f"no '{category}' factor in {fs.id} for this value")
    ok = ok & (row >= 0)
    if not ok.any():
        return
    def each(value: str | np.ndarray) -> str | np.ndarray:  # per-row values of computed rows
        return value if isinstance(value, str) else np.asarray(value, dtype=object)[ok]

    out.add(rows.index[ok], **lookup_columns(
        fs, category, row[ok], quantity[ok], key_text[ok], each(unit), each(method),
        each(note), None if distance is None else distance[ok]))


def _rail(rows: pd.DataFrame, fs: FactorSet, out: _Collector,
          implied: np.ndarray | None = None) -> None:
    km, ok = _distance(rows, out)
    raw = _column(rows, "rail_kind", None)
    words = normalise("rail_kind", raw)
    fallback = np.full(len(rows), "national", dtype=object) if implied is None else \
        np.where(np.asarray(implied, dtype=object) == "", "national", implied)
    kind = np.where(words.missing, fallback, words.value)
    out.reject(rows, ok & words.rejected, "rail_kind", raw, words.reason)
    ok &= ~words.rejected
    pax = _numbers(rows, "passengers", 1.0)
    ok &= _passengers_ok(rows, out, pax, ok)
    if not ok.any():
        return
    fs, note = _serving(fs, "rail")
    _emit_lookup(rows, fs, out, "rail", {"kind": kind}, km * pax * _trips(rows), ok,
                 "kgCO2e / passenger / km", f"DESNZ passenger-km factor ({fs.id})", kind, km,
                 "rail_kind", raw, note)


def _road(rows: pd.DataFrame, fs: FactorSet, out: _Collector,
          implied: np.ndarray | None = None) -> None:
    km, ok = _distance(rows, out)
    vehicle = _column(rows, "vehicle", "").fillna("").to_numpy(dtype=object)
    default = np.full(len(rows), "car", dtype=object) if implied is None else \
        np.where(np.asarray(implied, dtype=object) == "", "car", implied)
    vehicle = np.where(pd.Series(vehicle, dtype=object).astype(str).str.strip() == "",
                       default, vehicle)
    fuel = _column(rows, "fuel", "").fillna("").to_numpy(dtype=object)
    keys = road_keys(vehicle, fuel)
    out.reject(rows, ok & (keys["vehicle"] == ""), "vehicle", vehicle, REASONS["vehicle"])
    ok &= keys["vehicle"] != ""
    per_pax = keys["basis"] == "passenger_km"
    pax = _numbers(rows, "passengers", 1.0)
    ok &= _passengers_ok(rows, out, pax, ok)
    quantity = km * np.where(per_pax, pax, 1.0) * _trips(rows)
    text = (pd.Series(keys["vehicle"]).astype(str) + "/" + pd.Series(keys["size"]).astype(str)
            + "/" + pd.Series(keys["fuel"]).astype(str)).to_numpy(dtype=object)
    unit = np.where(per_pax, "kgCO2e / passenger / km", "kgCO2e / km").astype(object)
    # a car's factor is per vehicle-km: colleagues sharing it emit once (as sc.road says)
    shared = ~per_pax & (pax != 1)
    pax_note = np.where(shared, pd.Series(keys["vehicle"]).astype(str).to_numpy(dtype=object)
                        + " factors are per vehicle-km: passengers not multiplied", "")

    def method(edition: str) -> np.ndarray:
        return np.where(per_pax, f"DESNZ passenger-km factor ({edition})",
                        f"DESNZ vehicle-km factor ({edition})").astype(object)

    def notes(lead: str) -> np.ndarray:
        joined = np.where(pax_note == "", lead, lead + "; " + pax_note) if lead else pax_note
        return np.asarray(joined, dtype=object)

    # an edition without any factor for a vehicle (taxis, buses and coaches before 2017,
    # all road factors before 2012) takes that vehicle from the nearest edition that has it
    served: dict[str, tuple[FactorSet, str]] = {}
    for v in np.unique(keys["vehicle"][ok]):  # loop over distinct vehicles only
        what = "road factors" if "road" not in fs.categories else f"road factors for {v}"
        used, note = _serving(fs, "road", what=what, vehicle=str(v))
        if used is not fs:
            served[str(v)] = (used, note)
    moved = np.isin(keys["vehicle"], list(served)) if served else np.zeros(len(ok), bool)
    if (ok & ~moved).any() or not served:
        _emit_lookup(rows, fs, out, "road", keys, quantity, ok & ~moved, unit,
                     method(fs.id), text, km, "vehicle", vehicle, notes(""))
    for v, (used, note) in served.items():
        _emit_lookup(rows, used, out, "road", keys, quantity, ok & (keys["vehicle"] == v), unit,
                     method(used.id), text, km, "vehicle", vehicle, notes(note))


def _hotel(rows: pd.DataFrame, fs: FactorSet, out: _Collector) -> None:
    nights = pd.to_numeric(_column(rows, "nights", np.nan), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(nights) | (nights < 0)
    out.reject(rows, bad, "nights", _column(rows, "nights", np.nan),
               "nights missing, not a number, or negative")
    many = beyond(nights, MAX_NIGHTS)
    out.reject(rows, many, "nights", _column(rows, "nights", np.nan),
               limit_reason("nights", MAX_NIGHTS))
    bad |= many
    words = normalise("country", _column(rows, "country", None))
    country = words.value
    out.reject(rows, ~bad & words.missing, "country", "", "hotel needs a country")
    out.reject(rows, ~bad & words.rejected, "country", _column(rows, "country", ""),
               words.reason)
    ok = ~bad & ~words.missing & ~words.rejected
    if not ok.any():
        return
    fs, edition_note = _serving(fs, "hotel")  # hotels are published from 2019 on
    value, edition, note = hotel_rows(fs, country[ok])
    if edition_note:
        note = np.where(note == "", edition_note, edition_note + "; " + note.astype(str))
    out.add(rows.index[ok], **hotel_columns(
        value, edition, country[ok], nights[ok], f"DESNZ hotel stay per room-night ({fs.id})",
        note))
