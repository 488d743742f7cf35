"""What would it take? Levers applied to inventory rows, and their effect on a target.

A lever changes inventory rows the way a travel policy would: replace short flights by
rail, fly economy below a flight time, cut a share of trips, hold a share of meetings
online. Levers work on ``Inventory.data`` rows (they need the inputs kept there:
``distance_km``, ``passengers``, ``round_trip``, ``cabin``, ``haul``, ``factor_id``,
``trip_id`` ...), recompute emissions with the factors of each row's own edition, and
compose: :class:`Scenario` applies them in order, each to the result of the previous one.

Every lever states its assumptions (:meth:`assumptions`); they travel with the results
(``DataFrame.attrs["assumptions"]`` of :func:`apply_scenario`, the ``assumptions``
column of :func:`scenario_status`), so a budget officer reading a scenario sees what was
assumed, not only what came out.

Removing a share of trips is applied as an expected value: every matching row is
multiplied by ``1 - share`` (emissions, cost, passengers, nights), rather than dropping
a random subset, so results are deterministic and exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np
import pandas as pd

from ..entities import Entities
from ..errors import (
    InputFormatError,
    InvalidActivityError,
    InvalidArgumentError,
    UnknownFactorError,
)
from ..schema import TRAVEL_RESULTS
from ._common import (
    EXTENSIVE_COLUMNS,
    as_frame,
    bool_column,
    category_mask,
    number_column,
    year_column,
)
from .status import Target, target_status

__all__ = [
    "CutTrips",
    "EconomyBelow",
    "EconomyOnly",
    "Lever",
    "RailInsteadOfFlights",
    "Scenario",
    "VirtualMeetings",
    "apply_scenario",
    "parse_scenario",
    "scenario_status",
]

FactorsArg = Any  # None | str | path | FactorSet | Mapping[str, str | path | FactorSet]


@runtime_checkable
class Lever(Protocol):
    """What a lever offers: a label, its assumptions, and a row transformation."""

    @property
    def label(self) -> str:
        """Short name shown in outputs."""

    def assumptions(self) -> list[str]:
        """The lever's assumptions, one sentence each."""

    def apply(self, frame: pd.DataFrame, scope: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """Change the rows of ``frame`` in ``scope`` as the lever says.

        Parameters
        ----------
        frame : DataFrame
            Inventory rows (``Inventory.data`` columns).
        scope : ndarray of bool
            Rows the scenario may change (its year and entities).

        Returns
        -------
        (DataFrame, ndarray of bool)
            The changed rows (same index) and the mask of the rows changed.
        """


# ---------------------------------------------------------------------- helpers
def _scale(frame: pd.DataFrame, mask: np.ndarray, keep: float | np.ndarray) -> None:
    """Multiply the extensive columns of the rows in ``mask`` by ``keep`` (in place)."""
    keep_arr = np.broadcast_to(np.asarray(keep, dtype=float), (len(frame),))
    for col in EXTENSIVE_COLUMNS:
        if col in frame.columns:
            values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, copy=True)
            values[mask] = values[mask] * keep_arr[mask]
            frame[col] = values


def _set(frame: pd.DataFrame, column: str, mask: np.ndarray, values: Any) -> None:
    """Set ``column`` on the rows in ``mask`` (creating it as object when absent)."""
    if not mask.any():
        return
    if column not in frame.columns:
        frame[column] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    current = frame[column]
    numeric = pd.api.types.is_numeric_dtype(current.dtype) and not pd.api.types.is_bool_dtype(
        current.dtype)
    if numeric and np.issubdtype(np.asarray(values).dtype, np.number):
        frame[column] = np.where(mask, np.broadcast_to(values, (len(frame),)),
                                 current.to_numpy())
        return
    other = (pd.Series(np.broadcast_to(np.asarray(values, dtype=object), (len(frame),)),
                       index=frame.index, dtype=object) if np.ndim(values) else values)
    if not (current.dtype == object or pd.api.types.is_string_dtype(current.dtype)):
        current = current.astype(object)
    frame[column] = current.mask(pd.Series(mask, index=frame.index), other)


def _set_float(frame: pd.DataFrame, column: str, mask: np.ndarray, values: Any) -> None:
    current = (pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, copy=True)
               if column in frame.columns else np.full(len(frame), np.nan))
    current[mask] = np.broadcast_to(np.asarray(values, dtype=float), (len(frame),))[mask]
    frame[column] = current


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as an object array of text ("" for missing), via its distinct values."""
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    texts = np.array([str(u) for u in uniques] + [""], dtype=object)
    return texts[codes]


def _editions(frame: pd.DataFrame, mask: np.ndarray) -> dict[str, np.ndarray]:
    """Row masks per factor edition id (``factor_id``; "" when absent)."""
    ids = _text(frame, "factor_id")
    return {e: mask & (ids == e) for e in pd.unique(ids[mask])}


def _factor_set(factors: FactorsArg, edition: str) -> Any:
    """The edition a lever computes with: ``factors`` if given, else the row's own."""
    from ..factors import load_factors

    if isinstance(factors, Mapping):
        if edition not in factors:
            raise UnknownFactorError(f"no factor set given for edition {edition!r} (factors= "
                                     f"maps {', '.join(map(str, factors))})")
        return load_factors(factors[edition])
    if factors is not None:
        return load_factors(factors)
    return load_factors(edition or None)


def _trip_multiplier(frame: pd.DataFrame) -> np.ndarray:
    """Passengers x (2 for a round trip, else 1) per row."""
    pax = number_column(frame, "passengers", 1.0)
    return pax * np.where(bool_column(frame, "round_trip"), 2.0, 1.0)


def _category(frame: pd.DataFrame) -> np.ndarray:
    return _text(frame, "category")


#: Result columns a lever takes from the engine for the rows it changes.
_ENGINE_COLUMNS = (*TRAVEL_RESULTS, "mode", "cabin", "rail_kind")


def _air_options(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The engine options each air row was computed with (from its provenance columns).

    Inventories written before those columns existed: RF on when ``rf_kg > 0``, haul rule
    "distance", and the CO2-only boundary when the factor key says so.
    """
    n = len(frame)
    key = _text(frame, "factor_key")
    rule = _text(frame, "haul_rule") if "haul_rule" in frame.columns else np.full(n, "", object)
    rule = np.where(rule == "", "distance", rule)
    if "radiative_forcing" in frame.columns:
        rf = frame["radiative_forcing"].fillna(False).astype(bool).to_numpy()
    else:
        rf = number_column(frame, "rf_kg", 0.0) > 0
    co2_only = pd.Series(key).str.endswith("/co2_only").to_numpy()
    return {"haul": rule, "radiative_forcing": rf, "co2_only": co2_only}


def _recompute(out: pd.DataFrame, mask: np.ndarray, activity: pd.DataFrame,
               factors: FactorsArg, options: dict[str, np.ndarray] | None = None) -> None:
    """Compute the changed activities of the rows in ``mask`` with the engine, in place.

    ``activity`` holds canonical travel columns for every row of ``out`` (only the masked
    rows are computed); ``options`` per-row engine options (air). Each row is computed with
    its own edition (``factor_id``; ``factors=None``), the one edition given, or the edition
    a mapping gives for its ``factor_id``. A row the engine rejects raises: a lever never
    drops a row.
    """
    from ..engine import Options, compute_tables

    position = np.flatnonzero(mask)
    rows = activity.iloc[position].assign(source_row=position)
    editions = _text(out, "factor_id")[position]
    chosen = {k: np.asarray(v)[position] for k, v in (options or {}).items()}
    keys = pd.DataFrame({"edition": editions, **chosen}, index=np.arange(len(position)))
    for _, group in keys.groupby(list(keys.columns), sort=False):
        first = group.iloc[0]
        fs = _factor_set(factors, str(first["edition"]))
        opts = {k: (bool(first[k]) if k != "haul" else str(first[k])) for k in chosen}
        inv = compute_tables(rows.iloc[group.index], fs, Options(**opts))
        if len(inv.rejected):
            problem = inv.rejected.iloc[0]
            raise InvalidActivityError(
                f"the lever cannot recompute inventory row {int(problem['source_row'])}: "
                f"{problem['reason']}")
        done = inv.data.set_index("source_row")
        at = np.zeros(len(out), dtype=bool)
        at[done.index.to_numpy()] = True
        for column in _ENGINE_COLUMNS:
            if column in done.columns:
                values = np.empty(len(out), dtype=object)
                values[done.index.to_numpy()] = done[column].to_numpy(dtype=object)
                if pd.api.types.is_numeric_dtype(done[column].dtype) and \
                        not pd.api.types.is_bool_dtype(done[column].dtype):
                    _set_float(out, column, at, values.astype(float, copy=False)
                               if not at.all() else done[column].to_numpy(float))
                else:
                    _set(out, column, at, values)


# ---------------------------------------------------------------------- levers
_RAIL_KINDS = ("national", "international", "auto")


@attrs.frozen
class RailInsteadOfFlights(Lever):
    """Replace flight legs shorter than ``max_km`` by rail over the same city pair.

    Parameters
    ----------
    max_km : float [km], default 700
        Air legs whose great-circle distance (``distance_km``) is below this are
        replaced (700 km is roughly a 5-6 hour train journey).
    detour : float, default 1.2
        Rail distance = great-circle distance x ``detour``. Rail lines are longer than
        the great circle: Geneva-Paris is about 410 km great-circle and 540 km by rail
        (x1.3), Geneva-Zurich 224 vs 277 km (x1.24), Brussels-London 320 vs 373 km
        (x1.17); 1.2 is a central value. Use 1.0 to compare at equal distance.
    rail_kind : {"national", "international", "auto"}, default "national"
        DESNZ rail factor used. "international" is the Eurostar figure (very low
        carbon) and flatters most other routes; "auto" uses "international" when the
        two airports are in different countries (from ``origin_country`` and
        ``destination_country`` columns, else looked up from the IATA codes).
    cost_ratio : float, default 1.0
        Rail cost = air cost x ``cost_ratio`` (default: the fare is unchanged).
    factors : str, FactorSet or mapping, optional
        Edition to take the rail factor from; default: each row's own edition
        (``factor_id``), so a 2019 row is recomputed with 2019 factors. A mapping
        edition id -> edition serves custom sets.
    """

    max_km: float = attrs.field(default=700.0, converter=float)
    detour: float = attrs.field(default=1.2, converter=float)
    rail_kind: str = attrs.field(default="national", validator=attrs.validators.in_(_RAIL_KINDS))
    cost_ratio: float = attrs.field(default=1.0, converter=float)
    factors: FactorsArg = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.max_km <= 0 or self.detour <= 0 or self.cost_ratio < 0:
            raise InvalidActivityError("max_km and detour must be > 0 and cost_ratio >= 0")

    @property
    def label(self) -> str:
        return f"rail instead of flights < {self.max_km:g} km"

    def assumptions(self) -> list[str]:
        return [
            f"air legs shorter than {self.max_km:g} km (great-circle) go by train instead",
            f"rail distance = great-circle distance x {self.detour:g} (rail detour factor)",
            f"DESNZ '{self.rail_kind}' rail factor per passenger-km of "
            + ("the given edition" if self.factors is not None else "each row's own edition"),
            f"travel cost x {self.cost_ratio:g} when switching to rail",
        ]

    def apply(self, frame: pd.DataFrame, scope: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        out = frame.copy(deep=False)
        distance = number_column(out, "distance_km", np.nan)
        mask = scope & (_category(out) == "air") & (distance < self.max_km)
        if not mask.any():
            return out, mask
        kind = self._kinds(out, mask)
        activity = pd.DataFrame({
            "mode": "rail", "distance_km": distance * self.detour, "rail_kind": kind,
            "passengers": number_column(out, "passengers", 1.0),
            "round_trip": bool_column(out, "round_trip"),
            "year": number_column(out, "year", np.nan),
        })
        _recompute(out, mask, activity, self.factors)
        _set(out, "cabin", mask, "")
        if "cost" in out.columns:
            _scale_cost(out, mask, self.cost_ratio)
        return out, mask

    def _kinds(self, frame: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
        if self.rail_kind != "auto":
            return np.full(len(frame), self.rail_kind, dtype=object)
        if {"origin_country", "destination_country"} <= set(frame.columns):
            o, d = _text(frame, "origin_country"), _text(frame, "destination_country")
        else:
            from ..geo.airports import resolve_iata

            dates = frame["date"].to_numpy(dtype=object) if "date" in frame.columns else None
            o = resolve_iata(_text(frame, "origin"), dates=dates, errors="mask").country
            d = resolve_iata(_text(frame, "destination"), dates=dates, errors="mask").country
            o, d = np.asarray(o, dtype=object), np.asarray(d, dtype=object)
        return np.where(o == d, "national", "international").astype(object)


def _scale_cost(frame: pd.DataFrame, mask: np.ndarray, ratio: float) -> None:
    cost = pd.to_numeric(frame["cost"], errors="coerce").to_numpy(dtype=float, copy=True)
    cost[mask] = cost[mask] * ratio
    frame["cost"] = cost


@attrs.frozen
class EconomyBelow(Lever):
    """Fly economy on business/first legs shorter than a flight time or distance.

    Parameters
    ----------
    hours : float [h], optional
        Legs with an estimated flight time below this are rebooked in economy.
        Flight time = ``overhead_h`` + great-circle distance / ``speed_kmh``.
    km : float [km], optional
        Alternatively, a great-circle distance threshold (give exactly one).
    cabins : tuple of str, default ("business", "first")
        Cabins rebooked.
    speed_kmh : float [km/h], default 800
        Average block speed of the flight-time estimate.
    overhead_h : float [h], default 0.5
        Taxi, climb and approach time added to every leg. With the defaults a 9 hour
        leg is about 6,800 km (Geneva-New York, 6,200 km, is 8.3 h).
    cost_ratio : float, default 0.35
        Economy fare = premium fare x ``cost_ratio`` (published long-haul business fares
        are typically about three times economy).
    factors : str, FactorSet or mapping, optional
        Edition whose air factors give the economy/premium ratio; default each row's.

    Notes
    -----
    Each leg's emissions are multiplied by the ratio of the edition's economy factor to
    its cabin factor for the leg's own haul band (with or without RF as the row was
    computed: RF on when ``rf_kg > 0``), using :func:`sem_carbon.travel.air.air_tables`
    (cabin fallbacks included); per-gas columns get their own ratios.
    """

    hours: float | None = None
    km: float | None = None
    cabins: tuple[str, ...] = attrs.field(default=("business", "first"), converter=tuple)
    speed_kmh: float = attrs.field(default=800.0, converter=float)
    overhead_h: float = attrs.field(default=0.5, converter=float)
    cost_ratio: float = attrs.field(default=0.35, converter=float)
    factors: FactorsArg = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if (self.hours is None) == (self.km is None):
            raise InvalidActivityError("EconomyBelow needs exactly one of hours= or km=")
        if self.speed_kmh <= 0 or self.cost_ratio < 0:
            raise InvalidActivityError("speed_kmh must be > 0 and cost_ratio >= 0")

    @property
    def label(self) -> str:
        limit = f"{self.hours:g} h" if self.hours is not None else f"{self.km:g} km"
        return f"economy below {limit}"

    def assumptions(self) -> list[str]:
        if self.hours is not None:
            rule = (f"{'/'.join(self.cabins)} legs with an estimated flight time under "
                    f"{self.hours:g} h (= {self.overhead_h:g} h + distance / "
                    f"{self.speed_kmh:g} km/h, i.e. under {self._km_limit():,.0f} km) fly "
                    "economy")
        else:
            rule = f"{'/'.join(self.cabins)} legs under {self.km:g} km fly economy"
        return [rule, "emissions x (economy factor / cabin factor) of the same edition and "
                "haul band", f"fare x {self.cost_ratio:g} in economy"]

    def _km_limit(self) -> float:
        if self.km is not None:
            return float(self.km)
        return max(float(self.hours) - self.overhead_h, 0.0) * self.speed_kmh

    def apply(self, frame: pd.DataFrame, scope: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        from ..travel.cabins import CABINS, cabin_codes

        out = frame.copy(deep=False)
        distance = number_column(out, "distance_km", np.nan)
        cabin, known, _, _ = cabin_codes(_text(out, "cabin"))
        wanted = np.isin(cabin, [CABINS.index(c) for c in self.cabins])
        mask = scope & (_category(out) == "air") & known & wanted & (distance < self._km_limit())
        if not mask.any():
            return out, mask
        activity = pd.DataFrame({
            "mode": "air", "origin": _text(out, "origin"),
            "destination": _text(out, "destination"), "cabin": "economy",
            "passengers": number_column(out, "passengers", 1.0),
            "round_trip": bool_column(out, "round_trip"),
            "year": number_column(out, "year", np.nan),
            **({"date": out["date"].to_numpy()} if "date" in out.columns else {}),
        })
        _recompute(out, mask, activity, self.factors, _air_options(out))
        if "cost" in out.columns:
            _scale_cost(out, mask, self.cost_ratio)
        return out, mask


@attrs.frozen
class EconomyOnly(Lever):
    """Fly economy on every business and first leg, whatever its length.

    The same recomputation as :class:`EconomyBelow` (each leg rebooked in economy and
    recomputed by the engine with the row's own edition, haul band and RF setting),
    without a distance or time limit.

    Parameters
    ----------
    cabins : tuple of str, default ("business", "first")
        Cabins rebooked (add ``"premium_economy"`` to rebook it too).
    cost_ratio : float, default 0.35
        Economy fare = premium fare x ``cost_ratio``.
    factors : str, FactorSet or mapping, optional
        Edition to compute with; default each row's own.
    """

    cabins: tuple[str, ...] = attrs.field(default=("business", "first"), converter=tuple)
    cost_ratio: float = attrs.field(default=0.35, converter=float)
    factors: FactorsArg = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.cost_ratio < 0:
            raise InvalidActivityError("cost_ratio must be >= 0")

    @property
    def label(self) -> str:
        return "economy only"

    def assumptions(self) -> list[str]:
        return [f"every {'/'.join(self.cabins)} leg flies economy, whatever its length",
                "emissions recomputed with the economy factor of the same edition and haul "
                "band", f"fare x {self.cost_ratio:g} in economy"]

    def apply(self, frame: pd.DataFrame, scope: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        lever = EconomyBelow(km=float("inf"), cabins=self.cabins, cost_ratio=self.cost_ratio,
                             factors=self.factors)
        return lever.apply(frame, scope)


@attrs.frozen
class CutTrips(Lever):
    """Cut a share of trips (every matching row counts ``1 - share``).

    Parameters
    ----------
    share : float, default 0.2
        Fraction of trips removed, 0..1.
    categories : str or tuple of str, default ("travel",)
        Categories or groups affected (``"air"`` alone keeps hotel nights).
    """

    share: float = attrs.field(default=0.2, converter=float)
    categories: tuple[str, ...] = attrs.field(
        default=("travel",), converter=lambda v: (v,) if isinstance(v, str) else tuple(v))

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise InvalidActivityError(f"share must lie between 0 and 1, got {self.share}")

    @property
    def label(self) -> str:
        return f"cut {self.share:.0%} of {'+'.join(self.categories)} trips"

    def assumptions(self) -> list[str]:
        return [f"{self.share:.0%} fewer trips in {', '.join(self.categories)}, spread evenly "
                "over all trips (each row's emissions, cost, passengers and nights x "
                f"{1 - self.share:g})"]

    def apply(self, frame: pd.DataFrame, scope: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        out = frame.copy(deep=False)
        mask = scope & category_mask(out, self.categories)
        _scale(out, mask, 1.0 - self.share)
        return out, mask


@attrs.frozen
class VirtualMeetings(Lever):
    """Hold a share of meetings online: remove that share of the matching trips.

    A trip is the set of rows sharing a ``trip_id`` (flight, hotel, taxi ...; each row
    is its own trip without that column). A trip matches when it meets *every*
    condition given; with none given, every trip matches.

    Parameters
    ----------
    share : float, default 1.0
        Fraction of the matching trips replaced by online meetings.
    destinations : iterable of str, optional
        IATA codes (or rail/road destinations): the trip has a leg to one of them.
    countries : iterable of str, optional
        Alpha-2 countries: the trip has a hotel stay in one of them.
    max_nights : float, optional
        The trip's hotel nights (summed over its rows) are at most this: short stays.
    purposes : iterable of str, optional
        Values of a ``purpose`` column (e.g. "meeting", "conference").
    categories : str or tuple of str, default ("travel",)
        Rows of the matching trips that are removed.
    """

    share: float = attrs.field(default=1.0, converter=float)
    destinations: tuple[str, ...] | None = attrs.field(default=None, converter=attrs.converters
                                                       .optional(lambda v: _upper_tuple(v)))
    countries: tuple[str, ...] | None = attrs.field(default=None, converter=attrs.converters
                                                    .optional(lambda v: _upper_tuple(v)))
    max_nights: float | None = None
    purposes: tuple[str, ...] | None = attrs.field(default=None, converter=attrs.converters
                                                   .optional(lambda v: _lower_tuple(v)))
    categories: tuple[str, ...] = attrs.field(
        default=("travel",), converter=lambda v: (v,) if isinstance(v, str) else tuple(v))

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise InvalidActivityError(f"share must lie between 0 and 1, got {self.share}")

    @property
    def label(self) -> str:
        return f"virtual meetings ({self.share:.0%} of matching trips)"

    def assumptions(self) -> list[str]:
        which = []
        if self.destinations:
            which.append(f"to {', '.join(self.destinations)}")
        if self.countries:
            which.append(f"with a stay in {', '.join(self.countries)}")
        if self.max_nights is not None:
            which.append(f"of at most {self.max_nights:g} hotel nights")
        if self.purposes:
            which.append(f"for {', '.join(self.purposes)}")
        scope = " ".join(which) if which else "(all trips)"
        return [f"{self.share:.0%} of trips {scope} held online instead: their "
                f"{', '.join(self.categories)} rows x {1 - self.share:g}",
                "online meetings themselves counted as zero emissions"]

    def apply(self, frame: pd.DataFrame, scope: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        out = frame.copy(deep=False)
        trip = (_text(out, "trip_id") if "trip_id" in out.columns
                else np.arange(len(out)).astype(str).astype(object))
        trip = np.where(trip == "", np.arange(len(out)).astype(str), trip)
        conditions: list[np.ndarray] = []
        if self.destinations:
            hit = np.isin(pd.Series(_text(out, "destination")).str.upper().to_numpy(),
                          self.destinations)
            conditions.append(_any_per_trip(trip, hit & scope))
        if self.countries:
            hit = np.isin(pd.Series(_text(out, "country")).str.upper().to_numpy(),
                          self.countries)
            conditions.append(_any_per_trip(trip, hit & scope & (_category(out) == "hotel")))
        if self.max_nights is not None:
            nights = np.where(scope & (_category(out) == "hotel"),
                              number_column(out, "nights", 0.0), 0.0)
            per_trip = pd.Series(nights).groupby(trip).transform("sum").to_numpy()
            conditions.append(per_trip <= self.max_nights)
        if self.purposes:
            if "purpose" not in out.columns:
                raise InputFormatError("VirtualMeetings(purposes=...) needs a 'purpose' column")
            hit = np.isin(pd.Series(_text(out, "purpose")).str.lower().to_numpy(), self.purposes)
            conditions.append(_any_per_trip(trip, hit & scope))
        match = np.logical_and.reduce(conditions) if conditions else np.ones(len(out), bool)
        mask = scope & match & category_mask(out, self.categories)
        _scale(out, mask, 1.0 - self.share)
        return out, mask


def _upper_tuple(values: Iterable[str] | str) -> tuple[str, ...]:
    values = (values,) if isinstance(values, str) else values
    return tuple(str(v).strip().upper() for v in values)


def _lower_tuple(values: Iterable[str] | str) -> tuple[str, ...]:
    values = (values,) if isinstance(values, str) else values
    return tuple(str(v).strip().lower() for v in values)


def _any_per_trip(trip: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """True on every row of a trip where any row of the trip is ``hit``."""
    return pd.Series(hit).groupby(trip).transform("max").to_numpy(dtype=bool)


# ---------------------------------------------------------------------- scenario
@attrs.frozen
class Scenario:
    """Levers applied in order (each to the result of the previous one).

    Parameters
    ----------
    levers : sequence of Lever
    name : str, optional
        Default: the lever labels joined with " + ".
    """

    levers: tuple[Any, ...] = attrs.field(converter=lambda v: (v,) if isinstance(v, Lever)
                                          else tuple(v))
    name: str = ""

    def __attrs_post_init__(self) -> None:
        bad = [type(lv).__name__ for lv in self.levers if not isinstance(lv, Lever)]
        if bad:
            raise InvalidArgumentError(
                f"not levers (need label, assumptions(), apply()): {', '.join(bad)}")
        if not self.name:
            object.__setattr__(self, "name", " + ".join(lv.label for lv in self.levers))

    def assumptions(self) -> list[str]:
        """Every lever's assumptions, prefixed by the lever's label."""
        return [f"{lv.label}: {a}" for lv in self.levers for a in lv.assumptions()]

    def apply(self, inventory: Any, year: int | None = None) -> pd.DataFrame:
        """Shortcut for :func:`apply_scenario`.

        Parameters
        ----------
        inventory : Inventory or DataFrame
            The inventory the scenario changes.
        year : int, optional
            Only rows of this year are changed.
        """
        return apply_scenario(inventory, self, year=year)


def _levers(levers: Any) -> Scenario:
    if isinstance(levers, Scenario):
        return levers
    return Scenario(levers)


def apply_scenario(inventory: Any, levers: Any, *, year: int | None = None) -> pd.DataFrame:
    """Inventory rows as they would be under the levers.

    Parameters
    ----------
    inventory : Inventory or DataFrame
        Inventory rows with their inputs.
    levers : Scenario, Lever or sequence of Lever
        Applied in order.
    year : int, optional
        Change only the rows of this year (others are returned unchanged).

    Returns
    -------
    DataFrame
        The rows with changed emissions (``co2e_kg`` [kgCO2e]) and inputs, plus
        ``co2e_kg_before`` (and ``cost_before``) holding the original figures and
        ``scenario_changes`` naming the levers that changed each row. Lever assumptions
        are in ``.attrs["assumptions"]``, the scenario name in ``.attrs["scenario"]``.
    """
    scenario = _levers(levers)
    frame = as_frame(inventory).copy(deep=False)
    frame, _ = _apply(frame, scenario, year)
    return frame


def _apply(frame: pd.DataFrame, scenario: Scenario, year: int | None
           ) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """Apply the levers; also return each lever's emission change per row [kgCO2e]."""
    scope = (np.ones(len(frame), dtype=bool) if year is None
             else (year_column(frame) == year).to_numpy())
    if "co2e_kg_before" not in frame.columns:
        frame["co2e_kg_before"] = pd.to_numeric(frame["co2e_kg"], errors="coerce")
    if "cost" in frame.columns and "cost_before" not in frame.columns:
        frame["cost_before"] = pd.to_numeric(frame["cost"], errors="coerce")
    changes = _text(frame, "scenario_changes")
    deltas = []
    for lever in scenario.levers:
        before = pd.to_numeric(frame["co2e_kg"], errors="coerce").to_numpy(float)
        frame, changed = lever.apply(frame, scope)
        after = pd.to_numeric(frame["co2e_kg"], errors="coerce").to_numpy(float)
        deltas.append(np.nan_to_num(before - after))
        changes = changes.copy()
        first = changed & (changes == "")
        again = changed & ~first
        changes[first] = lever.label
        changes[again] = changes[again] + "; " + lever.label
    frame["scenario_changes"] = changes
    frame.attrs["scenario"] = scenario.name
    frame.attrs["assumptions"] = scenario.assumptions()
    return frame, deltas


def scenario_status(
    inventory: Any,
    target: Target,
    levers: Any,
    entities: Entities | None = None,
    *,
    basis: str = "target",
    budget: str | None = None,
) -> pd.DataFrame:
    """Per entity, what the levers would change against a target.

    Parameters
    ----------
    inventory : Inventory or DataFrame
    target : Target
    levers : Scenario, Lever or sequence of Lever
    entities : Entities, optional
        Roll up the tree (as :func:`target_status`).
    basis : {"target", "baseline"}, default "target"
        ``"target"``: apply the levers to the target year's rows (how the gap could
        have been closed); ``"baseline"``: apply them to the baseline year's rows and
        take the result as the target year (a plan made from baseline behaviour).
    budget : {"cost"}, optional
        Also judge the scenario's cost (the inventory's ``cost`` column).

    Returns
    -------
    DataFrame
        Entity columns, ``baseline``, ``actual`` and ``met`` (as recorded),
        ``basis_total`` (the total the levers act on), ``scenario`` [tCO2e],
        ``scenario_change_pct`` [%], ``scenario_met``, ``scenario_gap`` [tCO2e],
        ``lever_effect`` [tCO2e cut], ``effect_1`` ... ``effect_n`` [tCO2e] (each
        lever's share of the cut, in order: later levers act on what earlier ones
        left), with ``budget="cost"`` ``scenario_budget``, ``scenario_budget_met``;
        ``scenario``, ``levers`` and ``assumptions`` (text); ``note``: the target status's
        note, and with ``basis="baseline"`` why an entity without baseline-year rows has
        no scenario figure (NaN, not 0: nothing was planned from).
    """
    if basis not in ("target", "baseline"):
        raise InvalidActivityError(f"basis must be 'target' or 'baseline', got {basis!r}")
    if budget not in (None, "cost"):
        raise InvalidActivityError("scenario_status judges budget from the inventory cost only: "
                         "budget=None or 'cost'")
    scenario = _levers(levers)
    frame = as_frame(inventory)
    year = year_column(frame).to_numpy()
    if basis == "target":
        changed, deltas = _apply(frame.copy(deep=False), scenario, target.target_year)
    else:
        rows = frame[year == target.baseline_year].copy()
        rows, deltas = _apply(rows, scenario, None)
        rows["year"] = target.target_year
        if "date" in rows.columns:
            rows["date"] = pd.to_datetime(rows["date"], errors="coerce") + pd.DateOffset(
                years=target.target_year - target.baseline_year)
        changed = pd.concat([frame[year == target.baseline_year], rows], ignore_index=True)
        pad = np.zeros(int((year == target.baseline_year).sum()))
        deltas = [np.concatenate([pad, d]) for d in deltas]
    before = target_status(frame, target, entities=entities, budget=budget)
    after = target_status(changed, target, entities=entities, budget=budget)
    out = before[["entity", "name", "kind", "depth", "assigned", "unit", "baseline", "actual",
                  "target", "met"]].copy()
    out["basis"] = basis
    out["basis_total"] = before["actual"] if basis == "target" else before["baseline"]
    picked = {"actual": "scenario", "change_pct": "scenario_change_pct",
              "met": "scenario_met", "gap": "scenario_gap"}
    if budget == "cost":
        out["budget_actual"] = before["budget_actual"]
        picked.update({"budget_actual": "scenario_budget",
                       "budget_change_pct": "scenario_budget_change_pct",
                       "budget_met": "scenario_budget_met"})
    out = out.merge(after[["entity", *picked]].rename(columns=picked), on="entity", how="left")
    out["lever_effect"] = out["basis_total"] - out["scenario"]
    effects = _effects(changed, deltas, target, entities, scenario)
    out = out.merge(effects, on="entity", how="left")
    for col in effects.columns.drop("entity"):
        out[col] = out[col].fillna(0.0)
    out["scenario"] = out["scenario"].astype(float)
    out.insert(0, "scenario_name", scenario.name)
    out["levers"] = "; ".join(f"{i}: {lv.label}" for i, lv in enumerate(scenario.levers, 1))
    out["assumptions"] = "; ".join(scenario.assumptions())
    out["note"] = _scenario_notes(before, out, basis)
    return out


def _scenario_notes(before: pd.DataFrame, out: pd.DataFrame, basis: str) -> np.ndarray:
    """The target status's note of each entity, and why a scenario has no figure."""
    notes = before.set_index("entity")["note"].reindex(out["entity"]).fillna("").astype(str)
    notes = notes.to_numpy(dtype=object)
    if basis == "baseline":
        missing = out["scenario"].isna().to_numpy()
        why = "no baseline-year rows to apply the levers to: no scenario from baseline behaviour"
        notes[missing] = [f"{n}; {why}" if n else why for n in notes[missing]]
    return notes


def _effects(frame: pd.DataFrame, deltas: Sequence[np.ndarray], target: Target,
             entities: Entities | None, scenario: Scenario) -> pd.DataFrame:
    """Each lever's cut per entity [tCO2e] over the target's categories and year."""
    rows = category_mask(frame, target.categories) & (
        year_column(frame).to_numpy() == target.target_year)
    names = [f"effect_{i}" for i in range(1, len(deltas) + 1)]
    data = pd.DataFrame({n: np.where(rows, d, 0.0) / 1000.0 for n, d in zip(names, deltas,
                                                                             strict=True)})
    data["entity"] = _text(frame, "entity")
    if entities is not None:
        return entities.rollup(data, names)
    return data.groupby("entity", sort=True)[names].sum().reset_index()


# ---------------------------------------------------------------------- named levers
#: Lever names of :func:`parse_scenario` (the CLI's ``--scenario``) and what they build.
LEVER_NAMES: dict[str, str] = {
    "rail-under": "RailInsteadOfFlights(max_km=...): rail-under=700km",
    "economy-only": "EconomyOnly(): economy-only",
    "economy-below": "EconomyBelow(hours=... or km=...): economy-below=9h or =6000km",
    "cut-trips": "CutTrips(share=...): cut-trips=20%",
    "virtual-meetings": "VirtualMeetings(share=...): virtual-meetings=50%",
}
_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km|h|%)?\s*$", re.I)


def _amount(name: str, text: str, units: tuple[str, ...]) -> tuple[float, str]:
    """The number and unit of a lever's value ("700km", "9h", "20%", "0.2")."""
    match = _AMOUNT.match(text or "")
    unit = (match.group(2) or "").lower() if match else ""
    if not match or unit not in units:
        want = " or ".join(f"a number{' in ' + u if u else ''}" for u in units)
        raise InvalidArgumentError(f"lever {name!r}: cannot read {text!r} (expected {want}, "
                                   f"e.g. {LEVER_NAMES[name].split(': ')[1]})")
    return float(match.group(1)), unit


def _share(name: str, text: str) -> float:
    value, unit = _amount(name, text, ("%", ""))
    share = value / 100.0 if unit == "%" or value > 1 else value
    if not 0.0 <= share <= 1.0:
        raise InvalidArgumentError(f"lever {name!r}: share {text!r} is not between 0 and 100%")
    return share


def _lever(spec: str) -> Any:
    name, _, value = spec.strip().partition("=")
    name = name.strip().lower().replace("_", "-")
    if name not in LEVER_NAMES:
        raise InvalidArgumentError(
            f"unknown lever {name!r}; known: {'; '.join(LEVER_NAMES.values())}")
    if name == "economy-only":
        if value.strip():
            raise InvalidArgumentError("lever 'economy-only' takes no value")
        return EconomyOnly()
    if name == "rail-under":
        return RailInsteadOfFlights(max_km=_amount(name, value, ("km",))[0])
    if name == "economy-below":
        number, unit = _amount(name, value, ("h", "km"))
        return EconomyBelow(hours=number) if unit == "h" else EconomyBelow(km=number)
    if name == "cut-trips":
        return CutTrips(share=_share(name, value))
    return VirtualMeetings(share=_share(name, value))


def parse_scenario(text: str) -> Scenario:
    """A scenario from its text form: named levers joined by ``+``.

    ``rail-under=700km``, ``economy-only``, ``economy-below=9h`` (or ``=6000km``),
    ``cut-trips=20%``, ``virtual-meetings=50%``; e.g. ``rail-under=700km+economy-only``
    applies both, in that order. Every lever recomputes with the engine as its class does.

    Parameters
    ----------
    text : str

    Returns
    -------
    Scenario

    Raises
    ------
    InvalidArgumentError
        An unknown lever name or a value that cannot be read exactly.
    """
    specs = [part for part in str(text).split("+") if part.strip()]
    if not specs:
        raise InvalidArgumentError(f"empty scenario {text!r}; e.g. rail-under=700km")
    return Scenario(tuple(_lever(spec) for spec in specs))
