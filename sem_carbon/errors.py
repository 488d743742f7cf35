"""Exception tree of sem-carbon.

Every error the library raises on purpose derives from :class:`SemCarbonError`, so a
caller can catch one class. Subclasses also derive from the matching built-in
exception where that is natural, so ``except KeyError`` keeps working::

    SemCarbonError (Exception)
    ├── UnknownFactorError (KeyError)         no factor for these keys / no such edition
    ├── UnknownAirportError (KeyError)        IATA code not known, not aliased, not registered
    ├── UnknownCountryError (KeyError)        country name or code not recognised
    ├── InvalidActivityError (ValueError)     an activity value is impossible (negative nights ...)
    ├── UnitError (TypeError)                 a plain number where a Quantity is needed
    ├── FactorIntegrityError (ValueError)     an edition fails schema, unit or checksum checks
    ├── InputFormatError (ValueError)         a file, table or URL cannot be read as asked
    ├── InvalidArgumentError (ValueError, TypeError)  an argument a function does not accept
    ├── UnknownColumnError (KeyError)         a table lacks a column asked for
    ├── MissingDependencyError (ImportError)  an optional part's package is not installed
    └── EntityTreeError (ValueError)          cycles, unknown parents, duplicate ids
        └── UnknownEntityError (KeyError)     an entity id asked for is not in the tree

Warnings derive from :class:`SemCarbonWarning` (a :class:`UserWarning`)::

    SemCarbonWarning (UserWarning)
    ├── InputWarning                          part of a source reads differently from what
    │                                         a person sees (formula cells without value ...)
    └── NothingComputedWarning                a calculation read rows but computed none

Unit mistakes between Quantities (kWh where km is needed) raise pint's own
``DimensionalityError``, which callers already know.
"""

from __future__ import annotations

__all__ = [
    "EntityTreeError",
    "FactorIntegrityError",
    "InputFormatError",
    "InputWarning",
    "InvalidActivityError",
    "InvalidArgumentError",
    "MissingDependencyError",
    "NothingComputedWarning",
    "OverlapWarning",
    "SemCarbonError",
    "SemCarbonWarning",
    "UnitError",
    "UnknownAirportError",
    "UnknownColumnError",
    "UnknownCountryError",
    "UnknownEntityError",
    "UnknownFactorError",
]


class SemCarbonError(Exception):
    """Base class of every error sem-carbon raises on purpose."""

    def __str__(self) -> str:  # KeyError quotes its message; keep messages readable
        return str(self.args[0]) if self.args else ""


class UnknownFactorError(SemCarbonError, KeyError):
    """No factor (or no factor edition) matches the request."""


class UnknownAirportError(SemCarbonError, KeyError):
    """An airport code is not known, aliased or registered."""


class UnknownCountryError(SemCarbonError, KeyError):
    """A country name or code is not recognised."""


class InvalidActivityError(SemCarbonError, ValueError):
    """An activity value is impossible (negative distance, unknown cabin ...)."""


class UnitError(SemCarbonError, TypeError):
    """A plain number was given where a physical Quantity is required."""


class FactorIntegrityError(SemCarbonError, ValueError):
    """A factor edition fails its schema, unit, value or checksum checks."""


class InputFormatError(SemCarbonError, ValueError):
    """A file, table or URL cannot be read as asked."""


class InvalidArgumentError(SemCarbonError, ValueError, TypeError):
    """An argument is not one the function accepts (a share over 1, an unknown option)."""


class UnknownColumnError(SemCarbonError, KeyError):
    """A table lacks a column that was asked for."""


class MissingDependencyError(SemCarbonError, ImportError):
    """An optional part is used but its package is not installed (the message names the
    extra: ``pip install "sem-carbon[excel]"``)."""


class EntityTreeError(SemCarbonError, ValueError):
    """The planning-entity tree is inconsistent (cycle, unknown parent, duplicate id)."""


class UnknownEntityError(EntityTreeError, KeyError):
    """An entity id asked for is not in the tree."""


class SemCarbonWarning(UserWarning):
    """Base class of the warnings sem-carbon issues."""


class NothingComputedWarning(SemCarbonWarning):
    """Rows were read but none could be computed: a total of 0 would mean nothing."""


class InputWarning(SemCarbonWarning):
    """A source was read, but part of it could not be read as the user sees it (formula
    cells saved without their value, Excel error values ...); the rows concerned are
    rejected or noted, and the warning says how many."""


class OverlapWarning(SemCarbonWarning):
    """Rows of an imported file are identical to rows of batches already in the ledger
    (an overlapping export): they are counted twice unless excluded."""
