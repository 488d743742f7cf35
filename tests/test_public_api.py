"""The public namespace: every name resolves, import stays light, errors form one tree."""

from __future__ import annotations

import subprocess
import sys

import pytest

import sem_carbon as sc


@pytest.mark.parametrize("name", sc.__all__)
def test_every_public_name_resolves(name):
    assert getattr(sc, name) is not None


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute"):
        sc.does_not_exist  # noqa: B018


def test_import_is_lazy():
    code = ("import sys, sem_carbon; heavy = [m for m in ('pandas', 'pint', 'matplotlib', "
            "'airportsdata') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


def test_every_error_derives_from_sem_carbon_error():
    for name in ("UnknownFactorError", "UnknownAirportError", "UnknownCountryError",
                 "InvalidActivityError", "UnitError", "FactorIntegrityError",
                 "InputFormatError", "EntityTreeError", "UnknownEntityError"):
        assert issubclass(getattr(sc, name), sc.SemCarbonError)
    assert issubclass(sc.UnknownAirportError, KeyError)
    assert issubclass(sc.InvalidActivityError, ValueError)
