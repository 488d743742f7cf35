"""One vocabulary: the words found in travel and facilities data -> canonical values.

Every alias table is a data file shipped in the package (``data/*.csv``, each opening
with comment lines that cite where its aliases come from; see ``docs/vocabulary.md``).
:func:`normalise` is the one way to read such a word, used alike by the readers
(:mod:`sem_carbon.io`), by :func:`sem_carbon.calculate` on DataFrames and by the scalar
calls (``sc.flight(cabin=...)``, ``sc.fuel(kind)`` ...): the same text gets the same
canonical value, the same note, or the same reject reason (:data:`REASONS`) everywhere.

A word is looked up after :func:`clean` (case, accents of the separators, spaces,
hyphens and punctuation do not matter). An alias row is either accepted, accepted with
a note (the reading is a choice, e.g. ``coal`` -> industrial coal), or rejected with the
reason in its note (an ambiguous word such as the booking-class letter ``P``, or a unit
``gallon``). A word in no table is rejected with :data:`REASONS` of its kind, never
guessed.
"""

from .core import (
    KINDS,
    REASONS,
    Normalised,
    aliases,
    clean,
    normalise,
    normalise_one,
    read_unit,
    yes_no,
    yes_no_argument,
)
from .years import (
    YEAR_DATE_DISAGREE,
    YEAR_PERIOD_DISAGREE,
    read_years,
    row_years,
    year_date_disagreement,
    years_of_dates,
)

__all__ = [
    "KINDS",
    "REASONS",
    "YEAR_DATE_DISAGREE",
    "YEAR_PERIOD_DISAGREE",
    "Normalised",
    "aliases",
    "clean",
    "normalise",
    "normalise_one",
    "read_unit",
    "read_years",
    "row_years",
    "year_date_disagreement",
    "years_of_dates",
    "yes_no",
    "yes_no_argument",
]
