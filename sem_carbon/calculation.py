"""``sem_carbon.calculate``: the one entry point that computes activity tables.

In-memory tables go to the engine (:func:`sem_carbon.engine.compute_tables`); a Dask
DataFrame or a Parquet dataset goes to :mod:`sem_carbon.scale`, which runs the same
engine on each partition. Only this function tells the two apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .engine import Options, compute_tables
from .errors import InputFormatError, InvalidArgumentError
from .factors import FactorSet
from .inventory import Inventory

if TYPE_CHECKING:  # pragma: no cover
    from .scale import DaskInventory

__all__ = ["calculate"]


def calculate(
    tables: Any,
    factors: str | FactorSet | None = None,
    *,
    radiative_forcing: bool = True,
    haul: str = "distance",
    gwp: str = "AR5",
    include_td: bool = False,
    co2_only: bool = False,
    grid: str | FactorSet | None = None,
    air_method: str = "desnz",
) -> Inventory | DaskInventory:
    """Compute the emissions of activity tables.

    Parameters
    ----------
    tables : ActivityTable, DataFrame, or a sequence of them
        From :func:`sem_carbon.read_travel_log` / :func:`sem_carbon.read_facilities`, or
        DataFrames in the canonical columns (a ``mode`` column marks a travel table). Each
        table is a source of its own: rows of two sources never mix, whatever their row
        numbers. With the ``[dask]`` extra also a dask DataFrame or a Parquet dataset
        folder: the result is then a lazy ``DaskInventory`` (see ``docs/scale-out.md``).
    factors : str or FactorSet, optional
        ``None`` (default): each row uses the DESNZ edition of its own year (nearest
        earlier when missing; a category an edition lacks comes from the nearest edition
        that publishes it; each substitution is written in ``notes``). Given: every row
        uses that edition.
    radiative_forcing : bool, default True
        Air travel with the DESNZ "with RF" factors (the RF share is in ``rf_kg``).
    haul : {"distance", "desnz", "smooth"}
        Air haul-band rule.
    gwp : {"AR4", "AR5", "AR6"}
        GWP set for refrigerant leaks.
    include_td : bool, default False
        Add electricity T&D losses rows (scope 3).
    co2_only : bool, default False
        Air travel on the ICAO-like boundary of the UN inventory: CO2 component only.
    grid : str, path or FactorSet, optional
        Grid-intensity edition for electricity outside the UK (default ``ember-grid``),
        e.g. a user's own table written with :func:`sem_carbon.write_factor_set`.
    air_method : {"desnz", "icao", "fuel"}, default "desnz"
        Air travel by DESNZ factors, by the open implementation of the ICAO calculator
        method (CO2 only, the UN inventory's method), or by open fuel-burn models (CO2
        only); see :mod:`sem_carbon.travel.icao` and docs/methodology.md.

    Returns
    -------
    Inventory
        Or a ``DaskInventory`` for Dask inputs.

    Warns
    -----
    NothingComputedWarning
        Rows were read but none could be computed.
    """
    from .travel.icao import AIR_METHODS

    if air_method not in AIR_METHODS:
        raise InvalidArgumentError(
            f"air_method must be one of {', '.join(AIR_METHODS)}, got {air_method!r}")
    options = Options(radiative_forcing=radiative_forcing, haul=haul, gwp=gwp,
                      include_td=include_td, co2_only=co2_only, grid=grid,
                      air_method=air_method)
    from .scale import is_dask_input

    if is_dask_input(tables):  # dask DataFrame or Parquet dataset: same engine per partition
        from .scale import calculate_dask

        if grid is not None:
            raise InputFormatError("grid= is not supported for dask inputs yet: compute "
                                   "the table with pandas, or add the grid factors to the "
                                   "edition with FactorSet.with_overrides")
        return calculate_dask(tables, factors, kind=None, radiative_forcing=radiative_forcing,
                              haul=haul, gwp=gwp, include_td=include_td, co2_only=co2_only,
                              air_method=air_method)
    return compute_tables(tables, factors, options)
