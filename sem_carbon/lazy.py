"""A module imported on first attribute access, for start-up paths that rarely need it.

``sem-carbon --help`` builds the argument parser only; pandas and numpy (about a second
to import on a busy machine) are imported when a command first uses them.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["LazyModule"]


class LazyModule:
    """Stands for the module ``name`` and imports it on first attribute access.

    Parameters
    ----------
    name : str
        Module name, e.g. ``"pandas"``.
    """

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
