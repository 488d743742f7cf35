"""Write a factor edition folder (for build scripts and users' own factor sets)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import FactorIntegrityError
from .edition import FactorSet, sha256_of
from .keys import STANDARD_COLUMNS

__all__ = ["write_factor_set"]

_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


def write_factor_set(
    folder: str | os.PathLike[str],
    metadata: Mapping[str, Any],
    resources: Mapping[str, pd.DataFrame],
) -> FactorSet:
    """Write an edition folder in the bundled format and return it loaded (validated).

    Parameters
    ----------
    folder : path
        Target folder; created if needed. Its name should be the edition id.
    metadata : mapping
        ``datapackage.json`` fields except ``resources`` (filled in here): at least
        ``id``, ``title``, ``publisher``, ``year``, ``kind``, ``licenses``, ``sources``.
    resources : mapping of str to DataFrame
        Resource name -> rows in the factor-format columns (missing standard columns are
        added empty). Written as ``<name>.csv`` with a sha256 recorded in the descriptor.
        Factors may be in any unit of their category's dimension: the file keeps them
        as given and loading converts them to the canonical unit (see
        :mod:`sem_carbon.factors.canonical`).

    Raises
    ------
    FactorIntegrityError
        A resource name is not a plain file name (``../x``, ``a/b``), or the written
        edition fails validation (unit, value, key, duplicate).

    Examples
    --------
    >>> import pandas as pd, sem_carbon as sc
    >>> rows = pd.DataFrame({"category": ["electricity"], "country": ["CH"],
    ...                      "component": ["generation"], "value": [0.012],
    ...                      "unit": ["kgCO2e / kWh"], "label": ["Our PPA"]})
    >>> fs = sc.write_factor_set("my-factors", {"id": "my-factors", ...}, {"grid": rows})
    ... # doctest: +SKIP
    """
    folder = Path(folder)
    for name in resources:  # each resource is a file of the folder, nowhere else
        if not _SAFE_NAME.fullmatch(str(name)):
            raise FactorIntegrityError(
                f"resource name {str(name)!r} is not a plain file name (letters, digits, "
                "'_', '-', '.'; no path): resources are written inside the edition folder")
    folder.mkdir(parents=True, exist_ok=True)
    listed = []
    for name, frame in resources.items():
        frame = frame.copy()
        for column in STANDARD_COLUMNS:
            if column not in frame.columns:
                frame[column] = ""
        keys = [c for c in frame.columns if c not in STANDARD_COLUMNS]
        ordered = ["category", *keys, *STANDARD_COLUMNS[1:]]
        path = folder / f"{name}.csv"
        tmp = path.with_suffix(".csv.tmp")
        frame[ordered].to_csv(tmp, index=False, lineterminator="\n")
        os.replace(tmp, path)
        listed.append({"name": name, "path": path.name, "format": "csv",
                       "sha256": sha256_of(path)})
    descriptor = {**dict(metadata), "resources": listed}
    descriptor.setdefault("notes", [])
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    tmp = folder / "datapackage.json.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, folder / "datapackage.json")
    return FactorSet.from_folder(folder)
