"""Size limits of a source: bytes, rows, columns and cells (see ``docs/limits.md``).

A small file can describe a huge table: a 5 KB ``.xlsx`` with one cell at ``XFD1048576``
is a grid of 17 billion cells, a 10 MB ``.csv.gz`` may hold gigabytes, a Parquet file of a
few KB may declare billions of rows. The readers check every source against the limits
below *before* loading what would need the memory, wherever the format tells the size
in advance, and raise :class:`~sem_carbon.errors.InputFormatError` naming the limit and
the keyword argument that raises it. Every limit is a keyword argument of
:func:`~sem_carbon.io.read_travel_log` and :func:`~sem_carbon.io.read_facilities`.

Limits
------
max_bytes : int, default 200,000,000
    Bytes read: a local file on disk, a file object, a download; and bytes once
    decompressed: a gzip file, each part of an ``.xlsx`` workbook (a zip).
max_rows : int, default 10,000,000
    Data rows (the header excluded).
max_columns : int, default 16,384
    Columns (as many as an Excel sheet can have).
max_cells : int, default 50,000,000
    Rows x columns: the grid an Excel sheet or a JSON file becomes in memory (one Python
    object per cell), and any other table.

Where each limit is checked
---------------------------
- local file, file object: ``max_bytes`` from the size on disk, before reading (a file
  object is read up to ``max_bytes`` + 1 bytes);
- gzip: while decompressing (stops at ``max_bytes`` + 1);
- ``.xlsx``: the declared size of each zip part; then the sheet's cells are counted
  from its XML, streamed (the ``<dimension>`` element is not trusted), stopping at the
  first cell beyond ``max_rows``, ``max_columns`` or ``max_cells``;
- ``.xls``: the sheet's rows and columns once opened (the file is at most ``max_bytes``);
- Parquet: rows and columns from the metadata (footer), before reading any data;
- delimited text: the header's columns before parsing, the rows after parsing (the
  parser's memory is bounded by ``max_bytes``);
- JSON: rows, columns and cells after parsing.
"""

from __future__ import annotations

import attrs

from ..errors import InputFormatError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CELLS",
    "DEFAULT_MAX_COLUMNS",
    "DEFAULT_MAX_ROWS",
    "ReadLimits",
]

#: Default most bytes read or decompressed [bytes].
DEFAULT_MAX_BYTES = 200_000_000
#: Default most data rows.
DEFAULT_MAX_ROWS = 10_000_000
#: Default most columns (Excel's 16,384).
DEFAULT_MAX_COLUMNS = 16_384
#: Default most cells (rows x columns).
DEFAULT_MAX_CELLS = 50_000_000


def _positive(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be a positive whole number, got {value!r}")


@attrs.frozen
class ReadLimits:
    """The size limits of one read (see the module notes).

    Attributes
    ----------
    max_bytes, max_rows, max_columns, max_cells : int
        As in the module notes.
    """

    max_bytes: int = attrs.field(default=DEFAULT_MAX_BYTES, validator=_positive)
    max_rows: int = attrs.field(default=DEFAULT_MAX_ROWS, validator=_positive)
    max_columns: int = attrs.field(default=DEFAULT_MAX_COLUMNS, validator=_positive)
    max_cells: int = attrs.field(default=DEFAULT_MAX_CELLS, validator=_positive)

    def bytes(self, size: int, shown: str, what: str = "is") -> None:
        """Raise when ``size`` [bytes] is over ``max_bytes``.

        ``what`` completes the message: ``"is"`` (a file) or ``"decompresses to"``.
        """
        if size > self.max_bytes:
            raise InputFormatError(
                f"{shown} {what} {size:,} bytes, over the limit max_bytes="
                f"{self.max_bytes:,}; {_HOW.format(name='max_bytes')}")

    def over_bytes(self, shown: str, what: str) -> InputFormatError:
        """The error for content found to exceed ``max_bytes`` while it was read."""
        return InputFormatError(
            f"{shown} {what} more than {self.max_bytes:,} bytes, the limit max_bytes="
            f"{self.max_bytes:,}; {_HOW.format(name='max_bytes')}")

    def shape(self, rows: int, columns: int, shown: str, at_least: bool = False) -> None:
        """Raise when a table of ``rows`` data rows and ``columns`` columns is over a limit.

        ``at_least``: the counts are lower bounds (the count stopped at the first excess).
        """
        some = "at least " if at_least else ""
        if rows > self.max_rows:
            raise InputFormatError(
                f"{shown} has {some}{rows:,} rows, more than max_rows={self.max_rows:,}; "
                f"{_HOW.format(name='max_rows')}")
        if columns > self.max_columns:
            raise InputFormatError(
                f"{shown} has {some}{columns:,} columns, more than max_columns="
                f"{self.max_columns:,}; {_HOW.format(name='max_columns')}")
        cells = rows * columns
        if cells > self.max_cells:
            raise InputFormatError(
                f"{shown} has {some}{rows:,} rows x {columns:,} columns = {cells:,} cells, "
                f"more than max_cells={self.max_cells:,}; {_HOW.format(name='max_cells')}")


_HOW = ("pass a larger {name}= to read_travel_log/read_facilities if the source is genuine "
        "(see docs/limits.md)")
