"""Progress bars (tqdm) for long reads; silent unless asked or stderr is a terminal."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["progress_bar", "wants_progress"]


def wants_progress(progress: bool | None) -> bool:
    """Resolve the ``progress`` argument of the readers.

    Parameters
    ----------
    progress : bool or None
        True: always show bars; False: never; None: only when stderr is a terminal.
    """
    if progress is None:
        try:
            return bool(sys.stderr.isatty())
        except (AttributeError, ValueError):
            return False
    return bool(progress)


def progress_bar(progress: bool | None, total: float | None, desc: str, unit: str = "it",
                 **kwargs: Any) -> Any:
    """A tqdm bar, disabled when :func:`wants_progress` says no.

    Parameters
    ----------
    progress : bool or None
        See :func:`wants_progress`.
    total : float or None
        Expected total (None: unknown).
    desc, unit : str
        Label and unit of the bar.
    **kwargs
        Passed to :class:`tqdm.tqdm`.
    """
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not wants_progress(progress),
                leave=False, **kwargs)
