"""A local Parquet dataset as a Dask DataFrame, read the way the engine uses it.

:func:`read_dataset` is what :func:`sem_carbon.scale.calculate_dask` reads a local Parquet
folder (or file) with, in place of :func:`dask.dataframe.read_parquet`:

- **Text columns of few values as categoricals.** Columns of codes and vocabulary words
  (:data:`CODED_COLUMNS`: ``mode``, ``origin``, ``cabin``, ``entity`` ...) are read with
  pyarrow's ``read_dictionary``: a Parquet writer stores them dictionary-encoded, so the
  reader hands over the dictionary and one small code per row instead of building a
  string per row, and the engine takes the codes instead of factorising the strings
  again. The numbers, notes and rejects are the same as from text columns
  (``tests/test_dask_parquet.py`` compares them row by row); ``DaskInventory.data`` still
  has them as text.
- **Partitions of about** :data:`PARTITION_ROWS` **rows.** Whole row groups, in file order,
  are grouped until a partition holds that many rows (a row group is never split, so a
  partition is still one or more whole row groups, as the footer check of
  :func:`~sem_carbon.scale.parquet_source_rows_apart` assumes). A partition has a fixed
  cost (its factor-edition and airport look-ups, its task), so a file of 500,000 legs is
  computed faster per leg together with the next.

Other columns come back as :func:`dask.dataframe.read_parquet` gives them (text in Dask's
string dtype); hive directory partitions (``year=2019/``) become columns, integers as
``int64``.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from .heap import reuse_freed_memory

__all__ = ["CODED_COLUMNS", "PARTITION_ROWS", "read_dataset"]

#: Canonical text columns holding few distinct values (codes and vocabulary words; see
#: ``docs/tables.md``), read as categoricals.
CODED_COLUMNS: frozenset[str] = frozenset({
    "entity", "mode", "origin", "destination", "cabin", "vehicle", "fuel", "rail_kind",
    "country", "currency", "kind", "unit", "site", "gas", "disposal", "material", "method",
})

#: Rows per partition that consecutive row groups are grouped up to.
PARTITION_ROWS = 1_000_000


def read_dataset(path: str | os.PathLike[str], dd: Any,
                 partition_rows: int = PARTITION_ROWS) -> Any:
    """A local Parquet dataset (folder or file) as a Dask DataFrame (see the module).

    Parameters
    ----------
    path : path-like
        A local Parquet file or folder of Parquet files (hive partitions allowed).
    dd : module
        ``dask.dataframe``.
    partition_rows : int, default :data:`PARTITION_ROWS`
        Consecutive row groups are grouped until a partition holds this many rows
        (1: one partition per row group).

    Returns
    -------
    dask DataFrame
        Columns of :data:`CODED_COLUMNS` that hold text are categoricals (their categories
        differ between partitions: the meta's are unknown).
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    text = os.fspath(path)
    probe = ds.dataset(text, format="parquet", partitioning="hive")
    unified = _unified_schema(probe)
    coded = sorted(name for name in CODED_COLUMNS if name in unified.names
                   and _is_text(unified.field(name).type))
    form = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=coded))
    unified = pa.schema([field.with_type(pa.dictionary(pa.int32(), field.type))
                         if field.name in coded else field for field in unified])
    dataset = ds.dataset(text, schema=unified, format=form, partitioning="hive")
    schema = pa.schema([_read_type(dataset, field) for field in dataset.schema])
    pieces = _pieces(dataset, max(1, int(partition_rows)))
    meta = _frame(schema.empty_table(), dd)
    from dask.dataframe.utils import clear_known_categories

    meta = clear_known_categories(meta)
    if not pieces:
        return dd.from_pandas(meta, npartitions=1)
    return dd.from_map(_read_piece, pieces, args=(schema,), meta=meta,
                       label="sem-carbon-read-parquet", enforce_metadata=False)


def _unified_schema(probe: Any) -> Any:
    """The schema of all files of the dataset (and its directory partitions), not of the
    first file only (pyarrow's default): a column missing from, or all-null in, one file
    is still read from the others. Dictionary columns count as their text; types that
    differ between files are widened (int32 and int64, int and float, null and text);
    types that cannot be (a number in one file, text in another) raise
    :class:`~sem_carbon.errors.InputFormatError` naming the column."""
    import pyarrow as pa

    from .errors import InputFormatError

    def plain(schema: Any) -> Any:
        return pa.schema([field.with_type(field.type.value_type)
                          if pa.types.is_dictionary(field.type) else field
                          for field in schema]).remove_metadata()

    schemas = [plain(fragment.physical_schema) for fragment in probe.get_fragments()]
    partitioning = getattr(probe, "partitioning", None)
    if partitioning is not None and len(partitioning.schema):
        schemas.append(plain(partitioning.schema))
    if not schemas:
        return probe.schema
    try:
        return pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputFormatError(
            f"the files of a Parquet dataset disagree on a column's type: {exc}") from exc


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _read_type(dataset: Any, field: Any) -> Any:
    """The field as read: a directory partition's integer as int64 (as the engine's row
    numbers and years are)."""
    import pyarrow as pa

    partitioning = getattr(dataset, "partitioning", None)
    keys = set(partitioning.schema.names) if partitioning is not None else set()
    if field.name in keys and pa.types.is_integer(field.type):
        return field.with_type(pa.int64())
    return field


def _pieces(dataset: Any, partition_rows: int) -> list[list[Any]]:
    """Row groups (as fragments of one row group each), in file order, grouped into
    partitions of about ``partition_rows`` rows."""
    pieces: list[list[Any]] = []
    current: list[Any] = []
    rows = 0
    for fragment in dataset.get_fragments():
        for group in fragment.row_groups:
            if group.num_rows == 0:
                continue
            current.append(fragment.subset(row_group_ids=[group.id]))
            rows += group.num_rows
            if rows >= partition_rows:
                pieces.append(current)
                current, rows = [], 0
    if current:
        pieces.append(current)
    return pieces


def _frame(table: Any, dd: Any) -> pd.DataFrame:
    """A pyarrow table as pandas, text in the string dtype Dask gives it (dictionary
    columns as categoricals)."""
    import pyarrow as pa
    from dask.dataframe.utils import pyarrow_strings_enabled

    text = pd.StringDtype("pyarrow") if pyarrow_strings_enabled() else None
    mapper = {pa.string(): text, pa.large_string(): text}.get if text is not None else None
    return table.to_pandas(types_mapper=mapper, use_threads=False)


def _read_piece(piece: list[Any], schema: Any, columns: list[str] | None = None
                ) -> pd.DataFrame:
    """One partition: its row groups read and turned into one pandas frame (on a worker);
    ``columns``: only these (Dask passes the columns a computation selects)."""
    import dask.dataframe as dd
    import pyarrow as pa

    with reuse_freed_memory():
        tables = [fragment.to_table(schema=schema, columns=columns, use_threads=False)
                  for fragment in piece]
        table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
        return _frame(table, dd)
