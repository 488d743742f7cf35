"""Travel tables in batch: the canonical travel ``data`` -> result columns and rejects.

The same kernels as the scalar helpers (:mod:`sem_carbon.travel.air`,
:mod:`sem_carbon.travel.surface`) on whole columns; Python loops run over distinct
values (modes, codes, countries), never over rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..codes import factorize_compact, one_row_of_each, smallest_int
from ..errors import UnknownFactorError
from ..factors import FactorSet
from ..factors.catalogue import edition_with
from ..factors.lookup import lookup_rows
from ..geo.airports import UNKNOWN_CODE, _as_days, resolve_iata, unknown_code_reasons
from ..geo.distance import haversine_km
from ..geo.guard import coordinate_note_table
from ..io.rejects import Rejections
from ..limits import (
    MAX_LEG_KM,
    MAX_NIGHTS,
    MAX_PASSENGERS,
    MAX_ROOMS,
    beyond,
    limit_reason,
    zero_reason,
)
from ..notes import join_notes
from ..parallel import threads_allowed
from ..schema import TRAVEL_RESULTS
from ..tabular import columns_frame
from ..vocabulary import REASONS, normalise
from .air import compute_air, compute_air_editions
from .cabins import cabin_codes
from .rows import hotel_columns, lookup_columns
from .surface import fuel_checks, hotel_rows, road_keys

__all__ = ["HOTEL_GUESTS_NOTE", "RESULT_COLUMNS", "compute_travel", "compute_travel_editions"]

#: The note on a hotel row of several guests: the factor is per room-night.
HOTEL_GUESTS_NOTE = ("hotel factors are per room-night: passengers not multiplied (room-nights "
                     "are nights x rooms; 1 room where the row gives none)")

#: Result columns of :func:`compute_travel` (see :mod:`sem_carbon.schema`).
RESULT_COLUMNS: tuple[str, ...] = TRAVEL_RESULTS


def _column(data: pd.DataFrame, name: str, default: object) -> pd.Series:
    if name in data.columns:
        return data[name]
    return pd.Series(default, index=data.index, dtype=object if isinstance(default, str) else None)


def _numbers(data: pd.DataFrame, name: str, default: float) -> np.ndarray:
    """The column as numbers: a blank cell (or no column) takes ``default``; a cell that
    is not a number gives NaN, for the caller's check to reject ("two" passengers are not
    one passenger)."""
    column = _column(data, name, default)
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    if not isinstance(column, pd.Series) or not np.isnan(values).any():
        return values
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        return np.where(np.isnan(values), default, values)
    # text or mixed cells: blank ones (decided per distinct value) take the default
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    blank = np.append([str(u).strip() == "" for u in uniques], True)
    return np.where(np.isnan(values) & blank[np.where(codes < 0, len(uniques), codes)],
                    default, values)


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
    factorized: dict | None = None,
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
    factorized : dict, optional
        Column -> ``pandas.factorize``'s ``(codes, uniques)`` of columns of ``data``
        factorised already (``mode``, ``cabin``; see
        :func:`~sem_carbon.vocabulary.frames.canonical_words`).

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
    factorized = factorized or {}
    words = _Modes(_column(data, "mode", ""), factorized.get("mode"))
    for name in words.names():  # distinct modes only, in order of appearance
        mask = words.rows(name)
        rows = data if mask.all() else data[mask]
        out.where = np.flatnonzero(mask)
        if name == "air":
            _AirRows(rows, _of_rows(factorized, mask)).emit(np.ones(len(rows), bool), fs, out,
                                radiative_forcing and not co2_only, haul, co2_only, air_method)
        else:
            _other_mode(name, rows, fs, out, words, mask)
    return _finish(out)


def compute_travel_editions(
    data: pd.DataFrame,
    editions: list[FactorSet],
    edition: np.ndarray,
    *,
    radiative_forcing: bool = True,
    haul: str = "distance",
    co2_only: bool = False,
    air_method: str = "desnz",
    factorized: dict | None = None,
) -> tuple[list[pd.DataFrame], pd.DataFrame]:
    """:func:`compute_travel` of a table whose rows use several editions, the edition one
    more index.

    Each row gets the results and rejects of ``compute_travel`` with its own edition, but
    the table is read once (airport codes, cabins, passengers, distances, coordinate
    notes) and DESNZ air legs of every edition are computed in one pass
    (:func:`~sem_carbon.travel.air.compute_air_editions`); the other modes and the
    ICAO / fuel-burn methods run per edition on that edition's rows.

    Parameters
    ----------
    data : DataFrame
        Canonical travel columns (docs/tables.md); the index is kept.
    editions : list of FactorSet
        The editions used.
    edition : ndarray of int
        Per row of ``data``, the position of its edition in ``editions`` (-1: none, the
        row is not computed).
    radiative_forcing, haul, co2_only, air_method, factorized
        As for :func:`compute_travel`.

    Returns
    -------
    blocks : list of DataFrame
        Result blocks (columns :data:`RESULT_COLUMNS`), each in row order; the rows of one
        block are not in another. One block when every row is a DESNZ flight.
    rejects : DataFrame
        ``source_row``, ``column``, ``value``, ``reason`` for rows not computed.
    """
    edition = np.asarray(edition, dtype=np.intp)
    factorized = factorized or {}
    words = _Modes(_column(data, "mode", ""), factorized.get("mode"))
    out = _Collector(data)
    has_edition = edition >= 0
    for name in words.names(has_edition):  # in order of first appearance
        in_mode = words.rows(name)
        if not has_edition.all():
            in_mode &= has_edition
        if name == "air":
            rows = data if in_mode.all() else data[in_mode]
            air = _AirRows(rows, _of_rows(factorized, in_mode))
            out.where = np.flatnonzero(in_mode)
            of_rows = edition[in_mode]
            if air_method == "desnz":  # every edition at once
                air.emit_editions(of_rows, editions, out, radiative_forcing and not co2_only,
                                  haul, co2_only)
                continue
            for k, fs in enumerate(editions):
                group = of_rows == k
                if group.any():
                    air.emit(group, fs, out, radiative_forcing and not co2_only, haul,
                             co2_only, air_method)
            continue
        for k, fs in enumerate(editions):
            group = in_mode & (edition == k)
            if group.any():
                out.where = np.flatnonzero(group)
                _other_mode(name, data if group.all() else data[group], fs, out, words, group)
    return out.blocks, out.rejections.frame()


class _Modes:
    """The mode column read once by :func:`sem_carbon.vocabulary.normalise` on its distinct
    values; per-row arrays are spread from them only for the rows asked."""

    def __init__(self, column: pd.Series,
                 factorized: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        codes, uniques = factorized or pd.factorize(column, use_na_sentinel=True)
        self.at = np.where(codes < 0, len(uniques), codes).astype(  # the last slot: missing
            smallest_int(len(uniques)), copy=False)
        out = normalise("mode", pd.Series(np.asarray(uniques, dtype=object), dtype=object))
        self.value = np.append(np.where(out.missing, "", out.value), "")
        self.reason = np.append(out.reason, "")
        self.extra = {name: np.append(words, "") for name, words in out.extra.items()}

    def names(self, rows: np.ndarray | None = None) -> list[str]:
        """The canonical modes of ``rows`` (all rows by default), in order of appearance
        (``""``: missing or rejected)."""
        at = self.at if rows is None or rows.all() else self.at[rows]
        return list(dict.fromkeys(self.value[pd.unique(at)].tolist()))

    def rows(self, name: str) -> np.ndarray:
        """Mask of the rows whose canonical mode is ``name``."""
        return (self.value == name)[self.at]


def _other_mode(name: str, rows: pd.DataFrame, fs: FactorSet, out: _Collector,
                words: _Modes, mask: np.ndarray) -> None:
    """Rail, road, hotel or an unknown mode (rejected) on the rows of that mode.

    ``words`` is the mode column of the whole table and ``mask`` these rows in it (a mode
    word may imply a rail kind or a vehicle).
    """
    at = words.at[mask]
    if name == "rail":
        _rail(rows, fs, out, words.extra["rail_kind"][at])
    elif name == "road":
        _road(rows, fs, out, words.extra["vehicle"][at])
    elif name == "hotel":
        _hotel(rows, fs, out)
    else:
        why = words.reason[at]  # "" for a missing mode (an unknown one says why)
        out.reject(rows, np.ones(len(rows), bool), "mode", _column(rows, "mode", ""),
                   np.where(why != "", why, "missing mode"))


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

    def __init__(self, rows: pd.DataFrame, factorized: dict | None = None) -> None:
        # columns go to the resolvers as they are stored: no per-row Python strings
        self.rows = rows
        self.origin = _column(rows, "origin", "").reset_index(drop=True)
        self.dest = _column(rows, "destination", "").reset_index(drop=True)
        # the travel days read once for both ends and the coordinate notes
        self.dates = _as_days(rows["date"], len(rows)) if "date" in rows else None
        # each column factorised once, for its airports and its coordinate notes; the two
        # ends of a long table side by side (pyarrow and numpy release the GIL)
        ends = _both_ends(self._resolve, (self.origin, self.dest),
                          len(rows) >= 100_000 and threads_allowed())
        self.factorized = [factorized_end for factorized_end, _ in ends]
        self.lat_o, self.lon_o, self.c_o, self.found_o = ends[0][1]
        self.lat_d, self.lon_d, self.c_d, self.found_d = ends[1][1]
        self.cabin, self.known, self.cabin_why, self.cabin_note = cabin_codes(
            _column(rows, "cabin", None).reset_index(drop=True),
            factorized=(factorized or {}).get("cabin"))
        self.cabin_noted = bool((self.cabin_note != "").any())
        self.pax = _numbers(rows, "passengers", 1.0)
        self.multiplier = self.pax * _trips(rows)  # passengers x trips (2 for a round trip)
        # whether every row passes the checks of emit (then an edition's rows are its group,
        # and no check is repeated per edition)
        self.same = self._same_code()
        self.all_valid = bool(self.found_o.all() and self.found_d.all() and self.known.all()
                              and _passengers_valid(self.pax).all() and not self.same.any())
        self._km: np.ndarray | None = None
        self._notes: list[tuple[np.ndarray, np.ndarray, list[str], np.ndarray]] | None = None
        self._noted: np.ndarray | None = None

    def _same_code(self) -> np.ndarray:
        """Rows whose two ends are one airport code (``GVA`` to ``gva``): a leg of 0 km,
        rejected as the readers reject it (worked out per distinct code)."""
        ends = []
        for codes, uniques in self.factorized:
            text = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
            ends.append((np.asarray(codes), text.fillna("").astype(str).str.strip()
                         .str.upper().to_numpy(dtype=object)))
        (co, no), (cd, nd) = ends
        keys, _ = pd.factorize(np.concatenate([no, nd]), use_na_sentinel=False)
        keys = keys.astype(np.int32)  # gathered per row: the narrower, the faster
        # a missing end (code -1) takes the sentinel appended last: never equal
        same = (np.append(keys[:len(no)], np.int32(-1))[co]
                == np.append(keys[len(no):], np.int32(-2))[cd])
        return same & self.found_o & self.found_d if same.any() else same

    def _resolve(self, codes: pd.Series) -> tuple[tuple[np.ndarray, object], tuple]:
        """One end's codes factorised and resolved on the travel days."""
        factorized = factorize_compact(codes)
        return factorized, resolve_iata(codes, dates=self.dates, errors="mask",
                                        factorized=factorized)

    def distance(self) -> np.ndarray:
        """Great-circle distance of every row [km] (NaN where an airport is unknown).

        Worked out once per distinct pair of codes (a log repeats its routes), on the
        coordinates of the pair's first row; rows whose coordinates differ from their
        pair's (a code reassigned on a date) get their own.
        """
        if self._km is None:
            self._km = self._pair_distances()
        return self._km

    def _pair_distances(self) -> np.ndarray:
        ends = (self.lat_o, self.lon_o, self.lat_d, self.lon_d)
        if not self.factorized or len(self.lat_o) < 1_000:  # few rows: row by row
            with np.errstate(invalid="ignore"):
                return haversine_km(*ends)
        (o, o_values), (d, d_values) = self.factorized
        # a route's key from both ends' codes (-1 for a missing value)
        space = (len(o_values) + 1) * (len(d_values) + 1)
        key = o.astype(np.int64) + 1
        key *= len(d_values) + 1
        key += d
        key += 1
        pair, some = one_row_of_each(key, space)
        with np.errstate(invalid="ignore"):
            km = haversine_km(*(end[some] for end in ends))[pair]
        # a row whose coordinates are not those of its route's row (dated codes; NaN ends
        # compare unequal and are recomputed too, giving NaN again)
        other = np.zeros(len(km), bool)
        for end in ends:
            other |= end != end[some][pair]
        if other.any():
            with np.errstate(invalid="ignore"):
                km[other] = haversine_km(*(end[other] for end in ends))
        return km

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
        """Rejects and results of the rows in ``group`` (a mask over these rows) with the
        edition ``fs``."""
        at = self._checked(group, out)
        if not len(at):
            return
        distance = self.distance()[at]
        legs = compute_air(fs, distance, self.cabin[at], radiative_forcing=rf,
                           multiplier=self.multiplier[at], haul_rule=haul,
                           origin_country=self.c_o[at], destination_country=self.c_d[at],
                           co2_only=co2_only, method=method)
        self._add(at, legs.columns(distance), out)

    def emit_editions(self, edition: np.ndarray, editions: list[FactorSet], out: _Collector,
                      rf: bool, haul: str, co2_only: bool) -> None:
        """Rejects and results of every row with a DESNZ edition (``edition``: per row, its
        position in ``editions``; -1: none), all editions in one pass."""
        at = self._checked(edition >= 0, out)
        if not len(at):
            return

        def of_rows(values: np.ndarray) -> np.ndarray:  # every row computed: no gather
            return values if len(at) == len(values) else values[at]

        distance = of_rows(self.distance())
        columns = compute_air_editions(
            editions, of_rows(edition), distance, of_rows(self.cabin), radiative_forcing=rf,
            multiplier=of_rows(self.multiplier), haul_rule=haul,
            origin_country=of_rows(self.c_o), destination_country=of_rows(self.c_d),
            co2_only=co2_only)
        self._add(at, columns, out)

    def _checked(self, group: np.ndarray, out: _Collector) -> np.ndarray:
        """Positions of the rows of ``group`` that pass the checks (the others rejected)."""
        rows = self.rows
        if self.all_valid:  # nothing to reject: the group's rows are computed
            ok = group
        else:
            for column, codes, unknown in (
                    ("origin", self.origin, group & ~self.found_o),
                    ("destination", self.dest, group & self.found_o & ~self.found_d)):
                if unknown.any():
                    reasons = np.full(len(codes), UNKNOWN_CODE, dtype=object)
                    reasons[unknown] = unknown_code_reasons(codes.to_numpy(dtype=object)[unknown])
                    out.reject(rows, unknown, column, codes, reasons)
            ok = group & self.found_o & self.found_d
            out.reject(rows, ok & self.same, "destination", self.dest,
                       "a flight leg from an airport to itself")
            ok &= ~self.same
            out.reject(rows, ok & ~self.known, "cabin", _column(rows, "cabin", ""),
                       self.cabin_why)
            ok &= self.known
            ok &= _passengers_ok(rows, out, self.pax, ok)
        return np.flatnonzero(ok)  # the computed rows' positions: one scan of the mask

    def _add(self, at: np.ndarray, columns: dict, out: _Collector) -> None:
        """The result columns of the rows at ``at``, with their coordinate and cabin notes."""
        rows = self.rows
        notes = self.coordinate_notes()
        everyone = len(at) == len(self.origin)  # every row computed: no gathers
        # decided on the computed rows: a note of their codes (dated or not) says something
        if (self.noted() if everyone else self.noted()[at]).any():
            # what the coordinate guard says about either end follows the leg's notes
            columns["notes"] = join_notes(pd.Series(columns["notes"]),
                                          *((index[at], labels)
                                            for index, _, labels, _ in notes))
        if self.cabin_noted and (self.cabin_note[at] != "").any():
            # a cabin word read by choice (n/a -> average)
            columns["notes"] = join_notes(pd.Series(self.cabin_note[at]),
                                          pd.Series(columns["notes"]))
        out.add(rows.index if everyone else rows.index[at], **columns)


def _both_ends(work: Callable[[pd.Series], Any], ends: tuple[pd.Series, pd.Series],
               in_threads: bool) -> list[Any]:
    """``work`` of both ends of the legs, in two threads when ``in_threads`` (long columns,
    outside a Dask task: :mod:`sem_carbon.parallel`)."""
    if not in_threads:
        return [work(end) for end in ends]
    from concurrent.futures import ThreadPoolExecutor

    from ..geo.airports import _airports, _dated_codes

    _airports(), _dated_codes()  # the tables loaded once, before the threads share them

    with ThreadPoolExecutor(2, thread_name_prefix="sem-carbon-airports") as pool:
        return list(pool.map(work, ends))


def _of_rows(factorized: dict, mask: np.ndarray) -> dict:
    """Factorised columns restricted to the rows of ``mask``."""
    if mask.all():
        return factorized
    return {name: (codes[mask], uniques) for name, (codes, uniques) in factorized.items()}


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
    column = rows["round_trip"].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(column.dtype) and not column.isna().any():
        return np.where(column.to_numpy(dtype=bool), 2.0, 1.0)
    round_trip = normalise("journey", column).value == "true"  # return, RT, yes ...
    return np.where(round_trip, 2.0, 1.0)


def _passengers_valid(pax: np.ndarray) -> np.ndarray:
    """Rows whose passenger count is a number in (0, MAX_PASSENGERS]."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(pax) & (pax > 0) & ~beyond(pax, MAX_PASSENGERS)


def _passengers_ok(rows: pd.DataFrame, out: _Collector, pax: np.ndarray,
                   ok: np.ndarray, counted: str = "passengers") -> np.ndarray:
    """Rows whose passenger count is a number in (0, MAX_PASSENGERS] (others rejected).

    0 is no trip (:func:`~sem_carbon.limits.zero_reason`; ``counted="guests"`` on hotel
    rows): rejected, as the readers and the scalar helpers refuse it."""
    bad = ~np.isfinite(pax) | (pax < 0)
    # the cell as given (a text that is no number shows as itself, not as nan)
    given = np.where(np.isnan(pax), _column(rows, "passengers", np.nan).to_numpy(dtype=object)
                     if "passengers" in rows else pax, pax) if (ok & bad).any() else pax
    out.reject(rows, ok & bad, "passengers", given, "passengers must be a number > 0")
    none = ok & (pax == 0)  # -0 too, shown as given
    out.reject(rows, none, "passengers", rows.get("passengers", pax),
               zero_reason(counted, "passengers"))
    many = ok & beyond(pax, MAX_PASSENGERS)
    out.reject(rows, many, "passengers", pax, limit_reason("passengers", MAX_PASSENGERS))
    return ~bad & ~none & ~many


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
                 note: str | np.ndarray = "", by_fuel: np.ndarray | None = None) -> None:
    """Results of the rows of ``ok`` whose factor ``fs`` has; the others rejected under
    ``reject_column`` (under ``fuel``, naming it, where ``by_fuel``: a car fuel the
    edition has no factor for)."""
    row = lookup_rows(fs, category, keys)
    missing = ok & (row < 0)
    if by_fuel is not None and (missing & by_fuel).any():
        out.reject(rows, missing & by_fuel, "fuel", _column(rows, "fuel", ""),
                   f"no car factor in {fs.id} for this fuel")
        missing &= ~by_fuel
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
    # a car fuel word no table holds (hydrogen) is the fuel's fault, not the vehicle's; a
    # fuel on a taxi, bus, coach or motorbike is not used (their factors have no fuel type)
    fuel_reason, fuel_note = fuel_checks(keys["vehicle"], fuel)
    bad_fuel = ok & (fuel_reason != "")
    out.reject(rows, bad_fuel, "fuel", _column(rows, "fuel", ""), fuel_reason)
    ok &= ~bad_fuel
    car_fuel = (keys["vehicle"] == "car") & (
        pd.Series(fuel, dtype=object).astype(str).str.strip() != "").to_numpy(dtype=bool)
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
    if (fuel_note != "").any():  # as sc.road lists them: passengers, then fuel
        pax_note = np.where(pax_note == "", fuel_note,
                            np.where(fuel_note == "", pax_note, pax_note + "; " + fuel_note))

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
                     method(fs.id), text, km, "vehicle", vehicle, notes(""), car_fuel)
    for v, (used, note) in served.items():
        _emit_lookup(rows, used, out, "road", keys, quantity, ok & (keys["vehicle"] == v), unit,
                     method(used.id), text, km, "vehicle", vehicle, notes(note), car_fuel)


def _hotel(rows: pd.DataFrame, fs: FactorSet, out: _Collector) -> None:
    nights = pd.to_numeric(_column(rows, "nights", np.nan), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(nights) | (nights < 0)
    out.reject(rows, bad, "nights", _column(rows, "nights", np.nan),
               "nights missing, not a number, or negative")
    none = nights == 0  # a stay of no night is no stay
    out.reject(rows, none, "nights", _column(rows, "nights", np.nan), zero_reason("nights"))
    many = beyond(nights, MAX_NIGHTS)
    out.reject(rows, many, "nights", _column(rows, "nights", np.nan),
               limit_reason("nights", MAX_NIGHTS))
    bad |= none | many
    # rooms: a count as nights are (blank or no column: 1 room); room-nights = nights x rooms
    rooms = _numbers(rows, "rooms", 1.0)
    given = _column(rows, "rooms", np.nan)
    no_rooms = ~bad & (~np.isfinite(rooms) | (rooms < 0))
    out.reject(rows, no_rooms, "rooms", given, "rooms must be a number > 0")
    with np.errstate(invalid="ignore"):
        zero_rooms = ~bad & (rooms == 0)
    out.reject(rows, zero_rooms, "rooms", given, zero_reason("rooms"))
    many_rooms = ~bad & beyond(rooms, MAX_ROOMS)
    out.reject(rows, many_rooms, "rooms", given, limit_reason("rooms", MAX_ROOMS))
    bad |= no_rooms | zero_rooms | many_rooms
    words = normalise("country", _column(rows, "country", None))
    country = words.value
    out.reject(rows, ~bad & words.missing, "country", "", "hotel needs a country")
    out.reject(rows, ~bad & words.rejected, "country", _column(rows, "country", ""),
               words.reason)
    ok = ~bad & ~words.missing & ~words.rejected
    # guests as the readers check passengers on every row: a number, not 0, not too many
    all_guests = _numbers(rows, "passengers", 1.0)
    ok &= _passengers_ok(rows, out, all_guests, ok, "guests")
    if not ok.any():
        return
    fs, edition_note = _serving(fs, "hotel")  # hotels are published from 2019 on
    value, edition, note = hotel_rows(fs, country[ok])
    if edition_note:
        note = np.where(note == "", edition_note, edition_note + "; " + note.astype(str))
    # guests are not rooms: the factor is per room-night, a row is nights x rooms
    guests = all_guests[ok]
    if "passengers" in rows and (guests != 1).any():
        said = np.where(guests != 1, HOTEL_GUESTS_NOTE, "")
        note = np.where(said == "", note, np.where(np.asarray(note, dtype=object) == "", said,
                                                   np.asarray(note, dtype=object) + "; " + said))
    out.add(rows.index[ok], **hotel_columns(
        value, edition, country[ok], nights[ok] * rooms[ok],
        f"DESNZ hotel stay per room-night ({fs.id})", note))
