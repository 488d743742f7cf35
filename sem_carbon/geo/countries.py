"""Country names and codes to ISO 3166-1 alpha-2.

Accepts alpha-2 and alpha-3 codes and English names, case-, accent-, punctuation- and
whitespace-insensitively: ``"ch"``, ``"CHE"``, ``"Switzerland"``, ``"Côte d'Ivoire"``,
``"Ivory Coast"``, ``"Congo, Dem. Rep."``, ``"UK"``. The names come from :mod:`pycountry`
(name, official name, common name) plus the alias table ``sem_carbon/vocabulary/data/countries.csv``
(World Bank and UN spellings, former names, common abbreviations, French, Spanish and
German names such as ``Suisse``, ``Alemania``, ``Deutschland``). Kosovo maps to the
user-assigned code ``XK`` (not part of ISO 3166-1).

The lookup table is built on first use, not at import.

Examples
--------
>>> codes, found = normalise_country(["Switzerland", "USA", "ivory coast", "Narnia"])
>>> codes.tolist(), found.tolist()
(['CH', 'US', 'CI', ''], [True, True, True, False])
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from ..errors import InputFormatError, UnknownCountryError

__all__ = ["alpha2", "ambiguity", "close_matches", "country_name", "normalise_country", "suggest"]

#: Codes that are not in ISO 3166-1 but are accepted (user-assigned range).
USER_ASSIGNED = {"XK": "Kosovo"}

_PUNCT = re.compile(r"[.,'’‘`´()\[\]\"]")
_SEP = re.compile(r"[-_/]+")
_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    """Case-, accent-, punctuation- and whitespace-insensitive form of a name or code."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    text = _PUNCT.sub(" ", text)
    text = _SEP.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    if text.endswith(" the"):
        text = text[:-4]
    return text


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """(folded name or code -> alpha-2, alpha-2 -> display name), built once.

    A name rejected in ``countries.csv`` (shared by two countries, ``Congo``) maps to
    ``""`` (unknown), whatever pycountry says; :func:`ambiguity` gives its reason."""
    import pycountry

    lookup: dict[str, str] = {}
    names: dict[str, str] = {}
    clashes: list[str] = []

    def add(key: str, alpha2: str, explicit: bool = False) -> None:
        folded = _fold(key)
        if not folded:
            return
        old = lookup.get(folded)
        if old is not None and old != alpha2 and not explicit:
            clashes.append(f"{key!r}: {old} vs {alpha2}")
            return
        lookup[folded] = alpha2

    for country in pycountry.countries:
        a2 = country.alpha_2
        names[a2] = getattr(country, "common_name", None) or country.name
        for field in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, field, None)
            if value:
                add(value, a2)
    for a2, name in USER_ASSIGNED.items():
        names[a2] = name
    from ..vocabulary.core import _read_table

    for line, row in enumerate(_read_table("countries.csv"), start=2):
        a2 = row["canonical"]
        if row["verdict"] == "reject":  # a shared name: no code (see ambiguity)
            lookup[_fold(row["alias"])] = ""
            continue
        if a2 not in names:
            raise InputFormatError(f"vocabulary/data/countries.csv row {line}: unknown code "
                                   f"{a2!r}")
        add(row["alias"], a2, explicit=True)
    if clashes:
        raise InputFormatError("ambiguous country names: " + "; ".join(clashes))
    return lookup, names


def alpha2(value: Any) -> str:
    """ISO 3166-1 alpha-2 code of one country name or code, ``""`` when unknown (the
    reading of :func:`normalise_country`, without its arrays: for per-value loops)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return _table()[0].get(_fold(str(value)), "")


@lru_cache(maxsize=1)
def _ambiguous() -> dict[str, str]:
    """Folded name -> reject reason of the names ``countries.csv`` rejects."""
    from ..vocabulary.core import _read_table

    return {_fold(row["alias"]): row["note"] for row in _read_table("countries.csv")
            if row["verdict"] == "reject"}


def ambiguity(value: Any) -> str:
    """The reject reason of a country name two countries share (``"Congo"``: the Republic
    of the Congo, CG, or the Democratic Republic of the Congo, CD), ``""`` for any other
    value.

    >>> ambiguity("Congo")[:40]
    "'Congo' is ambiguous: Congo (Republic, C"
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    reason = _ambiguous().get(_fold(str(value)), "")
    return reason.replace("{value}", repr(str(value).strip())) if reason else ""


def normalise_country(
    values: Any, errors: Literal["mask", "raise"] = "mask"
) -> tuple[np.ndarray, np.ndarray]:
    """Map country names or codes to ISO 3166-1 alpha-2, vectorised over unique values.

    Parameters
    ----------
    values : str or array-like of str
        Alpha-2 or alpha-3 codes or English names (case, accents, punctuation and spacing do
        not matter). ``None``/NaN count as unknown.
    errors : {"mask", "raise"}, default "mask"
        "mask": unknown values give ``""`` and ``False`` in the mask. "raise": raise
        :class:`~sem_carbon.errors.UnknownCountryError` naming them, with suggestions.

    Returns
    -------
    codes : numpy.ndarray of str (``<U2``)
        Alpha-2 code per value, ``""`` when unknown; same shape as ``values``.
    found : numpy.ndarray of bool
        True where the value was recognised.
    """
    if errors not in ("mask", "raise"):
        raise ValueError(f"errors must be 'mask' or 'raise', got {errors!r}")
    import pandas as pd

    arr = np.asarray(values, dtype=object)
    flat = arr.ravel()
    codes_idx, uniques = pd.factorize(flat, use_na_sentinel=True)
    mapped = np.array([alpha2(u) for u in uniques] + [""], dtype="<U2")
    codes_idx = np.where(codes_idx < 0, len(uniques), codes_idx)
    codes = mapped[codes_idx].reshape(arr.shape)
    found = codes != ""
    if errors == "raise" and not found.all():
        bad = sorted({str(v) for v in flat[~found.ravel()]})
        shown = ", ".join(f"{b!r}{suggest(b)}" for b in bad[:10])
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        raise UnknownCountryError(f"unknown country name(s) or code(s): {shown}{more}")
    return codes, found


def country_name(alpha2: str) -> str:
    """English short name of an alpha-2 code (``"CI"`` -> ``"Côte d'Ivoire"``).

    Raises
    ------
    UnknownCountryError
        ``alpha2`` is not an ISO 3166-1 alpha-2 code (or ``XK``).
    """
    names = _table()[1]
    key = str(alpha2).strip().upper()
    if key not in names:
        raise UnknownCountryError(f"unknown country code {alpha2!r}{suggest(str(alpha2))}")
    return names[key]


def close_matches(value: str, choices: Iterable[str] | None = None, n: int = 3) -> list[str]:
    """Close matches of ``value`` among ``choices`` (difflib), best first.

    Parameters
    ----------
    value : str
        The unrecognised text.
    choices : iterable of str, optional
        Candidates; default: the English country names.
    n : int, default 3
        Maximum number of matches.
    """
    if choices is None:
        choices = sorted(set(_table()[1].values()))
    choices = list(choices)
    by_fold: dict[str, str] = {}
    for c in choices:
        by_fold.setdefault(_fold(c), c)
    hits = difflib.get_close_matches(_fold(str(value)), list(by_fold), n=n, cutoff=0.6)
    return [by_fold[h] for h in hits]


def suggest(value: str, choices: Iterable[str] | None = None, n: int = 3) -> str:
    """A "did you mean" suffix for an error message, or ``""`` when nothing is close.

    Examples
    --------
    >>> suggest("Swizerland", n=1)
    " (did you mean 'Switzerland'?)"
    """
    if choices is None and ambiguity(value):  # a shared name: both countries, named
        return f" ({ambiguity(value)})"
    hits = close_matches(value, choices, n)
    if not hits:
        return ""
    return " (did you mean " + ", ".join(repr(h) for h in hits) + "?)"
