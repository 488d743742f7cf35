"""Issue 20: every public function with two or more arguments documents each of them.

numpydoc style: a ``Parameters`` section naming every argument (a class may document its
constructor arguments under ``Attributes``, as attrs classes do). Checked over the names
``sem_carbon`` exports and the public methods of the classes it exports.
"""

from __future__ import annotations

import inspect
import re

import pytest

import sem_carbon as sc

_SECTION = re.compile(r"\n(Returns|Raises|Yields|Notes|Examples|References|See Also|Warns|"
                      r"Attributes|Parameters|Methods)\n-+")


def _documented(doc: str, heading: str) -> set[str] | None:
    marker = f"{heading}\n{'-' * len(heading)}"
    if marker not in doc:
        return None
    section = _SECTION.split(doc.split(marker, 1)[1])[0]
    names: set[str] = set()
    for line in section.splitlines():
        match = re.match(r"^(\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)*)\s*(?::|$)", line)
        if match:
            names |= {n.strip().lstrip("*") for n in match.group(1).split(",")}
    return names


def _arguments(obj: object) -> list[str]:
    try:
        signature = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []
    return [p.name for p in signature.parameters.values()
            if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL,
                                                                 p.VAR_KEYWORD)]


def _public_callables() -> list[tuple[str, object, bool]]:
    found = []
    for name in sc.__all__:
        obj = getattr(sc, name)
        if name in ("Q_", "ureg"):  # pint's own objects
            continue
        if inspect.isclass(obj):
            if issubclass(obj, BaseException | Warning):
                continue
            found.append((name, obj, True))
            for member, func in inspect.getmembers(obj):
                if not member.startswith("_") and (inspect.isfunction(func)
                                                   or inspect.ismethod(func)):
                    found.append((f"{name}.{member}", func, False))
        elif callable(obj):
            found.append((name, obj, False))
    return found


@pytest.mark.parametrize(("name", "obj", "is_class"), _public_callables(),
                         ids=[n for n, _, _ in _public_callables()])
def test_arguments_are_documented(name: str, obj: object, is_class: bool) -> None:
    arguments = _arguments(obj)
    if len(arguments) < 2:
        return
    doc = inspect.getdoc(obj) or ""
    documented = _documented(doc, "Parameters")
    if documented is None and is_class:
        documented = _documented(doc, "Attributes")
    assert documented is not None, f"{name}: no Parameters section"
    missing = [a for a in arguments if a not in documented]
    assert not missing, f"{name}: arguments not documented: {', '.join(missing)}"
