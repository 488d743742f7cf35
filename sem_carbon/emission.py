"""The result of one activity: :class:`Emission`."""

from __future__ import annotations

import math
from typing import Any

import attrs
import pint

from .errors import InvalidActivityError
from .factors.model import Factor
from .limits import MAX_ROW_CO2E_KG
from .units import ureg

__all__ = ["Emission"]

_KGCO2E = ureg.Unit("kgCO2e")


def _plausible(instance: Emission, attribute: attrs.Attribute, value: pint.Quantity) -> None:
    """Refuse a result that is not finite or beyond :data:`~sem_carbon.limits.MAX_ROW_CO2E_KG`.

    Every scalar calculator ends in an :class:`Emission`, so one check covers them all.
    """
    kg = value.m if value._units == _KGCO2E._units else value.m_as(_KGCO2E)
    if not math.isfinite(kg) or abs(kg) > MAX_ROW_CO2E_KG:
        raise InvalidActivityError(
            f"the result ({kg:.6g} kgCO2e) is not finite or over {MAX_ROW_CO2E_KG / 1e9:g} "
            f"MtCO2e for one activity: an input is out of range (see docs/limits.md)")


@attrs.frozen(eq=False)
class Emission:
    """Emissions of one activity, with everything needed to trace the figure.

    Attributes
    ----------
    co2e : pint.Quantity [kgCO2e]
        Total CO2-equivalent, including the radiative-forcing share when it was asked for.
    scope : int
        GHG Protocol scope (1, 2 or 3).
    category : str
        E.g. ``"air"``, ``"rail"``, ``"hotel"``, ``"electricity"``.
    activity : dict
        Inputs and derived quantities (distance, haul band, ...).
    factor : Factor
        The factor applied (edition, table, row).
    method : str
        Short name of the method, e.g. ``"desnz distance-based, haul=distance, RF on"``.
    gases : dict of str to pint.Quantity [kgCO2e]
        Per-gas split (CO2, CH4, N2O) where the factor publishes it.
    radiative_forcing : pint.Quantity [kgCO2e]
        The non-CO2 aviation share included in :attr:`co2e` (zero elsewhere or when off).
    biogenic_co2 : pint.Quantity [kgCO2e] or None
        Biogenic CO2 reported outside the scopes (bioenergy), never part of :attr:`co2e`.
    memo : bool
        True when the figure is a memo item outside the Kyoto total (Montreal-Protocol gases).
    notes : tuple of str
        Fallbacks and substitutions used (e.g. "short-haul first -> business").
    rows : tuple of dict
        The result columns that :func:`sem_carbon.calculate` writes for the same activity
        (:data:`sem_carbon.schema.TRAVEL_RESULTS`), one mapping per inventory row (a
        flight: one per leg), built by the same code as the table path. Empty where a
        calculator does not provide them.
    """

    co2e: pint.Quantity = attrs.field(validator=_plausible)
    scope: int
    category: str
    activity: dict[str, Any]
    factor: Factor
    method: str
    gases: dict[str, pint.Quantity] = attrs.field(factory=dict)
    radiative_forcing: pint.Quantity | None = None
    biogenic_co2: pint.Quantity | None = None
    memo: bool = False
    notes: tuple[str, ...] = ()
    rows: tuple[dict[str, Any], ...] = ()

    def explain(self) -> str:
        """A few readable lines for an audit note: result, inputs, factor, source, notes."""
        inputs = ", ".join(f"{k}={_fmt(v)}" for k, v in self.activity.items())
        lines = [
            f"{self.category} (scope {self.scope}): {self.co2e.m:,.3f} kgCO2e"
            + (" [memo item, outside the Kyoto total]" if self.memo else ""),
            f"  activity: {inputs}",
            f"  method: {self.method}",
            f"  factor: {self.factor.describe()}",
            f"  source: {self.factor.source}",
        ]
        if self.radiative_forcing is not None and self.radiative_forcing.m:
            lines.append(f"  of which radiative forcing (non-CO2): "
                         f"{self.radiative_forcing.m:,.3f} kgCO2e")
        if self.gases:
            split = ", ".join(f"{g.upper()} {q.m:,.3f}" for g, q in self.gases.items())
            lines.append(f"  gases (kgCO2e): {split}")
        if self.biogenic_co2 is not None and self.biogenic_co2.m:
            lines.append(f"  biogenic CO2 outside scopes: {self.biogenic_co2.m:,.3f} kgCO2e")
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view (floats in kgCO2e) for JSON."""
        return {
            "co2e_kg": float(self.co2e.m_as("kgCO2e")),
            "scope": self.scope,
            "category": self.category,
            "activity": {k: _fmt(v) for k, v in self.activity.items()},
            "method": self.method,
            "gases_kg": {g: float(q.m_as("kgCO2e")) for g, q in self.gases.items()},
            "radiative_forcing_kg": (
                None if self.radiative_forcing is None
                else float(self.radiative_forcing.m_as("kgCO2e"))
            ),
            "biogenic_co2_kg": (
                None if self.biogenic_co2 is None else float(self.biogenic_co2.m_as("kgCO2e"))
            ),
            "memo": self.memo,
            "factor": self.factor.to_dict(),
            "notes": list(self.notes),
        }


def _fmt(value: Any) -> Any:
    if isinstance(value, pint.Quantity):
        return f"{value.m:,.6g} {value.units:~}"
    return value
