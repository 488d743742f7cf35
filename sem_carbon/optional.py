"""Optional parts: the packages behind extras, and one clear error when one is missing.

The core (calculations, readers of CSV, JSON and Parquet, the inventory, targets, the
HTML, JSON and Markdown reports, the command line) needs only the required dependencies.
Four parts need extras:

=========  ====================================  ==========================================
extra      packages                              what needs them
=========  ====================================  ==========================================
excel      openpyxl, xlrd, isal                  reading .xlsx/.xls, ``Report.to_excel``
                                                 (isal only speeds up its big sheets)
charts     matplotlib                            ``Report.figures()`` (matplotlib figures)
dask       dask[dataframe], distributed          ``calculate`` on Dask DataFrames/datasets
ledger     duckdb, filelock, currencyconverter   ``sem_carbon.Ledger``, ``sem_carbon.money``
=========  ====================================  ==========================================

``pip install "sem-carbon[all]"`` installs all of them (``make demo`` does).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingDependencyError

__all__ = ["EXTRAS", "require"]

#: Extra -> the packages it installs (as in ``pyproject.toml``).
EXTRAS: dict[str, tuple[str, ...]] = {
    "excel": ("openpyxl", "xlrd", "isal"),
    "charts": ("matplotlib",),
    "dask": ("dask", "distributed"),
    "ledger": ("duckdb", "filelock", "currencyconverter"),
}


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` of an optional part, or say which extra to install.

    Parameters
    ----------
    module : str
        Module to import, e.g. ``"openpyxl"``.
    extra : str
        The extra that installs it (a key of :data:`EXTRAS`).
    purpose : str
        What needs it, for the message (``"writing an Excel report"``).

    Returns
    -------
    module

    Raises
    ------
    MissingDependencyError
        The package is not installed; the message names the ``pip install`` line.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{purpose} needs the optional package {module.split('.')[0]!r}: "
            f"pip install \"sem-carbon[{extra}]\"") from exc
