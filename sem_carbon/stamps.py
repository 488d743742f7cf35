"""What every output says about how it was made: library version, editions, time.

Each file sem-carbon writes (report HTML, workbook, JSON, Markdown, Parquet inventory)
carries the library version, the ids and checksums of the factor editions used and the
time it was made. The time is the real time of the run unless one is given: pass an
explicit ``timestamp`` (or set the ``SOURCE_DATE_EPOCH`` environment variable, the
reproducible-builds convention) to get the same bytes from the same input.

References
----------
.. [1] Reproducible Builds, "SOURCE_DATE_EPOCH specification",
   https://reproducible-builds.org/specs/source-date-epoch/
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from typing import Any

from .errors import InvalidArgumentError

__all__ = ["edition_checksum", "edition_checksums", "now_text", "resolve_timestamp", "stamp",
           "stamp_json"]

#: Words that ask for the time of the run.
NOW_WORDS = frozenset({"now", "today", "auto"})


def now_text() -> str:
    """The current UTC time as ISO 8601 to the second (``2026-12-06T23:10:00Z``)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def resolve_timestamp(value: str | dt.datetime | None = None) -> str:
    """The time stamp an output carries.

    Parameters
    ----------
    value : str or datetime, optional
        None or ``"now"``: the real time of the run (or ``SOURCE_DATE_EPOCH`` when that
        variable is set); a datetime: written as ISO 8601; ISO 8601 text: kept as given
        (a fixed stamp for reproducible outputs).

    Returns
    -------
    str

    Raises
    ------
    InvalidArgumentError
        ``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds; the value is
        neither a datetime, ISO 8601 text nor "now" (it is never written as a guess).
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return value.replace(microsecond=0).isoformat() + "Z"
        return value.replace(microsecond=0).isoformat()
    if value is not None and not isinstance(value, str):
        raise InvalidArgumentError(
            f"a time stamp is a datetime or ISO 8601 text, got {type(value).__name__} "
            f"{value!r}")
    text = "" if value is None else value.strip()
    if text and text.lower() not in NOW_WORDS:
        try:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise InvalidArgumentError(
                f"time stamp {text!r} is not an ISO 8601 date or time (e.g. "
                "2025-01-31T09:00:00Z), nor 'now'") from None
        return text
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and value is None:
        try:
            seconds = int(epoch)
        except ValueError:
            raise InvalidArgumentError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}") from None
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    return now_text()


def edition_checksum(fs: Any) -> str:
    """sha256 of an edition's ``datapackage.json`` ("" for a set built in memory).

    The descriptor lists the sha256 of every data file of the edition (checked when it is
    loaded), so its own checksum pins the whole edition: figures, sources and licence.

    Parameters
    ----------
    fs : FactorSet

    Returns
    -------
    str
    """
    from pathlib import Path

    from .factors.edition import sha256_of

    folder = getattr(fs, "path", None)
    descriptor = Path(folder) / "datapackage.json" if folder else None
    return sha256_of(descriptor) if descriptor is not None and descriptor.is_file() else ""


def edition_checksums(edition_ids: Iterable[str]) -> dict[str, str]:
    """The checksum of each edition (:func:`edition_checksum`).

    Parameters
    ----------
    edition_ids : iterable of str
        Edition ids (``desnz-2019`` ...). An edition not in the catalogue (a set built in
        memory) gets ``""``.

    Returns
    -------
    dict of str to str
        Edition id -> sha256 of its ``datapackage.json``.
    """
    from .errors import SemCarbonError
    from .factors import load_factors

    out: dict[str, str] = {}
    for edition in sorted({str(e) for e in edition_ids if str(e)}):
        try:
            out[edition] = edition_checksum(load_factors(edition))
        except SemCarbonError:
            out[edition] = ""
    return out


def stamp(edition_ids: Iterable[str], timestamp: str | dt.datetime | None = None
          ) -> dict[str, Any]:
    """The stamp of one output: library, version, editions with checksums, time.

    Parameters
    ----------
    edition_ids : iterable of str
        Factor editions used.
    timestamp : str or datetime, optional
        See :func:`resolve_timestamp`.

    Returns
    -------
    dict
        ``library``, ``version``, ``editions`` (id -> sha256), ``generated_at``.
    """
    from . import __version__

    return {"library": "sem-carbon", "version": __version__,
            "editions": edition_checksums(edition_ids),
            "generated_at": resolve_timestamp(timestamp)}


def stamp_json(edition_ids: Iterable[str], timestamp: str | dt.datetime | None = None) -> str:
    """:func:`stamp` as compact, sorted JSON (for file metadata)."""
    return json.dumps(stamp(edition_ids, timestamp), sort_keys=True)
