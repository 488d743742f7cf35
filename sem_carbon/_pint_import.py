"""Import pint without importing dask, keeping pint's dask support (loaded on first use).

pint's ``compat`` module imports ``dask.base`` at import time whenever dask is installed
(``sem-carbon[dask]``), which costs a fresh process 0.1-0.2 s (dask brings yaml and
jinja2) before the first unit is built, although a scalar calculation never meets a dask
array. :func:`install` makes the first ``import pint`` of the process run with dask
hidden, then gives pint's dask facet stand-ins that import dask when a Quantity of a
dask array is first computed, persisted or visualised: pint behaves as before, only later.

Nothing changes when pint or dask is already imported (dask's own import is then paid
anyway), or when ``SEM_CARBON_PINT_DASK=eager`` is set.
"""

from __future__ import annotations

import importlib.util
import os
import sys

__all__ = ["install"]


class _LazyDaskArray:
    """``dask.array``, imported on first attribute access (as pint's own stand-in)."""

    def __getattr__(self, attr: str) -> object:
        import dask.array

        return getattr(dask.array, attr)


def _lazy(name: str) -> object:
    def call(*args: object, **kwargs: object) -> object:
        import dask.base

        return getattr(dask.base, name)(*args, **kwargs)

    call.__name__ = name
    return call


def _restore_dask_facet() -> None:
    """Point pint's dask names at stand-ins that import dask on use (if dask is installed)."""
    if importlib.util.find_spec("dask") is None:
        return
    compat = sys.modules.get("pint.compat")
    facet = sys.modules.get("pint.facets.dask")
    stand_ins = {"dask_array": _LazyDaskArray(), "compute": _lazy("compute"),
                 "persist": _lazy("persist"), "visualize": _lazy("visualize")}
    for module in (compat, facet):
        if module is None:
            continue
        for name, value in stand_ins.items():
            if getattr(module, name, "absent") is None:  # what pint set without dask
                setattr(module, name, value)
    if compat is not None and hasattr(compat, "HAS_DASK"):
        compat.HAS_DASK = True


class _PintFinder:
    """Meta-path finder that wraps the first import of ``pint`` (then removes itself).

    (A plain class: ``importlib.abc`` would import ``typing`` and ``importlib.resources``
    into every process, ``sem-carbon --help`` included.)"""

    def find_spec(self, fullname: str, path: object, target: object = None) -> object:
        if fullname != "pint":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec("pint")
        loader = None if spec is None else spec.loader
        if loader is None or "dask" in sys.modules or not hasattr(loader, "exec_module"):
            return spec
        execute = loader.exec_module

        def exec_module(module: object) -> None:
            sys.modules["dask"] = None  # type: ignore[assignment]  # find_spec -> None
            try:
                execute(module)
            finally:
                if "dask" in sys.modules and sys.modules["dask"] is None:
                    del sys.modules["dask"]
            _restore_dask_facet()

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Wrap the process's first ``import pint`` (no-op when pint or dask is imported)."""
    if "pint" in sys.modules or "dask" in sys.modules:
        return
    if os.environ.get("SEM_CARBON_PINT_DASK", "") == "eager":
        return
    if not any(isinstance(f, _PintFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _PintFinder())
