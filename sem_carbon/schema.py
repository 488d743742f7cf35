"""The tables of sem-carbon: their columns, order and types, declared once.

Readers, batch calculators, the engine, the Dask path, the inventory files and the
report all take their column lists from here (``docs/tables.md`` describes them).

Tables
------
rejected rows of one source
    :data:`REJECT_COLUMNS`: ``source_row``, ``column``, ``value``, ``reason``.
rejected rows of an inventory
    :data:`INVENTORY_REJECT_COLUMNS`: ``table`` and ``source`` in front.
sources of an inventory
    :data:`SOURCE_COLUMNS`: ``source``, ``table``, ``rows_read``.
results of a batch calculator
    :data:`TRAVEL_RESULTS`, :data:`FACILITIES_RESULTS` (see :data:`RESULTS`).
inventory rows
    :func:`inventory_columns`: :data:`INVENTORY_FRONT`, the input columns, the other
    results.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "BOOLEAN_RESULTS",
    "FACILITIES_RESULTS",
    "INTEGER_RESULTS",
    "INVENTORY_FRONT",
    "INVENTORY_REJECT_COLUMNS",
    "INVENTORY_TEXT_COLUMNS",
    "REJECT_COLUMNS",
    "RESULTS",
    "SOURCE_COLUMNS",
    "TABLES",
    "TEXT_RESULTS",
    "TRAVEL_RESULTS",
    "inventory_columns",
]

#: Kinds of activity table.
TABLES: tuple[str, ...] = ("travel", "facilities")

#: Rejected rows of one source (an activity table or a batch calculation).
REJECT_COLUMNS: tuple[str, ...] = ("source_row", "column", "value", "reason")

#: Rejected rows of an inventory: which table and source, then :data:`REJECT_COLUMNS`.
INVENTORY_REJECT_COLUMNS: tuple[str, ...] = ("table", "source", *REJECT_COLUMNS)

#: One row per source read into an inventory.
SOURCE_COLUMNS: tuple[str, ...] = ("source", "table", "rows_read")

_COMMON_RESULTS: tuple[str, ...] = (
    "category", "scope", "co2e_kg", "co2_kg", "ch4_kg", "n2o_kg", "rf_kg", "biogenic_co2_kg",
    "memo_co2e_kg", "factor_id", "factor_key", "factor_value", "factor_unit", "method", "notes",
)

#: Result columns of :func:`sem_carbon.travel.batch.compute_travel`: the common ones, the
#: leg's distance and haul band, and the air provenance (haul rule, whether the with-RF
#: factors were used and the edition's RF multiplier; "", False, NaN on other rows).
TRAVEL_RESULTS: tuple[str, ...] = (*_COMMON_RESULTS, "distance_km", "haul", "haul_rule",
                                   "radiative_forcing", "rf_multiplier")

#: Result columns of :func:`sem_carbon.facilities.compute_facilities`.
FACILITIES_RESULTS: tuple[str, ...] = _COMMON_RESULTS

#: Result columns per kind of table.
RESULTS: dict[str, tuple[str, ...]] = {"travel": TRAVEL_RESULTS,
                                       "facilities": FACILITIES_RESULTS}

#: Result columns holding integers (the others are floats or text).
INTEGER_RESULTS: frozenset[str] = frozenset({"scope"})

#: Result columns holding text.
TEXT_RESULTS: frozenset[str] = frozenset({"category", "factor_id", "factor_key", "factor_unit",
                                          "method", "notes", "haul", "haul_rule"})

#: Result columns holding booleans.
BOOLEAN_RESULTS: frozenset[str] = frozenset({"radiative_forcing"})

#: Input columns the batch calculators read, per kind of table (the engine splits only
#: these by factor edition; the other input columns are laid out beside the results once).
CALCULATOR_INPUTS: dict[str, tuple[str, ...]] = {
    "travel": ("source_row", "mode", "date", "year", "origin", "destination", "cabin",
               "passengers", "round_trip", "distance_km", "rail_kind", "vehicle", "fuel",
               "nights", "rooms", "country"),
    "facilities": ("source_row", "kind", "amount", "unit", "date", "year", "period_start",
                   "period_end", "country", "site", "gas", "treatment", "disposal",
                   "material", "method", "supplier_factor_kg_per_kwh", "cv", "fuel"),
}

#: Leading columns of ``Inventory.data`` (those a table has, in this order).
INVENTORY_FRONT: tuple[str, ...] = ("table", "source", "source_row", "trip_id", "leg", "entity",
                                    "date", "year", "category", "scope", "co2e_kg")

#: Text columns of an inventory (read back as text from CSV, never as numbers).
INVENTORY_TEXT_COLUMNS: tuple[str, ...] = (
    "table", "source", "trip_id", "entity", "category", "factor_id", "factor_key",
    "factor_unit", "method", "notes", "haul", "haul_rule", "origin", "destination", "cabin", "mode",
    "country", "currency", "traveller", "site", "kind", "unit", "gas", "disposal",
    "material", "vehicle", "fuel", "rail_kind",
)


def inventory_columns(kind: str, input_columns: Iterable[str]) -> list[str]:
    """Column order of ``Inventory.data`` for a ``kind`` table with these input columns.

    :data:`INVENTORY_FRONT` first (``table``, ``source`` and ``year`` always; the others
    when the inputs or results have them), then the remaining input columns in their
    order, then the remaining result columns. An input column named like a result
    (``notes``, ``distance_km``) gives way to the result.

    Parameters
    ----------
    kind : {"travel", "facilities"}
    input_columns : iterable of str
        Columns of the activity table.

    Returns
    -------
    list of str
    """
    results = RESULTS[kind]
    inputs = [c for c in input_columns if c not in results]
    always = {"table", "source", "year"}
    front = [c for c in INVENTORY_FRONT if c in always or c in results or c in inputs]
    return [*front, *(c for c in inputs if c not in front),
            *(c for c in results if c not in front)]
