"""Refrigerant and other fugitive gas leaks (scope 1): leaked mass x GWP-100.

GWPs come from the ``ipcc-gwp`` edition (IPCC AR4, AR5 or AR6, selectable and recorded);
a blend's GWP is the mass-fraction-weighted sum of its components' GWPs (ANSI/ASHRAE
Standard 34 compositions in the same edition). Names are accepted in the usual spellings:
``"R-410A"``, ``"R410a"``, ``"HFC-134a"``, ``"R-134a"``, ``"SF6"``, ``"R-22"``,
``"HCFC-22"``, ``"CF4"``, ``"sulphur hexafluoride"``.

Treatment of non-Kyoto gases (a documented choice):

* **Montreal-Protocol gases** (CFCs, HCFCs, halons, carbon tetrachloride, methyl
  chloroform, methyl bromide) are outside the Kyoto basket and the GHG Protocol total:
  their CO2e is reported as a memo figure (``Emission.activity["memo_co2e"]``,
  ``memo_co2e_kg`` in tables) with ``co2e = 0`` and ``memo=True``. A blend with both
  kinds of components (e.g. R-402A: HFC-125 + HCFC-22) counts its Kyoto part in
  ``co2e`` and its Montreal part as memo; ``memo`` is then False and a note explains.
* **Other fluorinated gases** DESNZ lists under "Refrigerant & other" (HFEs, PFPMIE,
  SO2F2, ...) are counted in ``co2e``, with a note that they are not Kyoto-basket gases.
* **Blend components without a GWP-100** in the edition (hydrocarbons R-290, R-600a and
  HFOs such as R-1234yf, whose GWPs are a few units or below) count as zero, with a note;
  a pure gas without a GWP raises :class:`~sem_carbon.errors.UnknownFactorError`.

References
----------
.. [1] IPCC AR4 WGI (2007) Table 2.14; AR5 WGI (2013) Table 8.A.1 (without climate-carbon
   feedback); AR6 WGI (2021) Table 7.SM.7; compiled in the ``globalwarmingpotentials``
   package (CC0).
.. [2] ANSI/ASHRAE Standard 34, refrigerant designations and blend compositions.
.. [3] BEIS, Greenhouse gas reporting: conversion factors 2019, sheet "Refrigerant &
   other" (Kyoto / Montreal grouping, AR4 blend values used as a check).
"""

from __future__ import annotations

import re

import pint

from ..errors import InvalidActivityError, UnknownFactorError
from ..factors import Factor, FactorSet, per_edition
from ..units import Q_
from ._common import (
    Plan,
    amount_of,
    closest,
    dimension_of,
    factor_key,
    kg_per_unit,
    reject_as,
    row_factor,
    unit_text,
)

__all__ = [
    "ASSESSMENTS",
    "GAS_ALIASES",
    "GWP_EDITION",
    "gas_protocol",
    "normalise_assessment",
    "refrigerant_plan",
    "resolve_gas",
]

#: Default GWP edition.
GWP_EDITION = "ipcc-gwp"
#: IPCC assessment reports selectable for GWP-100.
ASSESSMENTS = ("AR4", "AR5", "AR6")

_MONTREAL_PREFIXES = ("cfc_", "hcfc_", "halon_", "hbfc_")
_MONTREAL_GASES = {"ccl4", "ch3br", "ch3ccl3", "ch2brcl", "carbon_tetrachloride",
                   "methyl_bromide", "methyl_chloroform"}
_KYOTO_PREFIXES = ("hfc_", "pfc_")
_KYOTO_GASES = {"co2", "ch4", "n2o", "sf6", "nf3"}
_COMPACT = re.compile(r"[^0-9a-z]+")
_R_NUMBER = re.compile(r"^r(c?)(\d+)([a-z0-9]*)$")

#: Common names and formulas -> gas keys of the GWP edition.
GAS_ALIASES: dict[str, str] = {
    "sulphur hexafluoride": "sf6", "sulfur hexafluoride": "sf6",
    "nitrogen trifluoride": "nf3", "carbon dioxide": "co2", "r744": "co2",
    "methane": "ch4", "r50": "ch4", "nitrous oxide": "n2o", "r744a": "n2o",
    "carbon tetrachloride": "ccl4", "tetrachloromethane": "ccl4",
    "methyl bromide": "ch3br", "bromomethane": "ch3br",
    "methyl chloroform": "ch3ccl3", "1 1 1 trichloroethane": "ch3ccl3",
    "methylene chloride": "ch2cl2", "dichloromethane": "ch2cl2",
    "methyl chloride": "ch3cl", "chloromethane": "ch3cl", "chloroform": "chcl3",
    "sulfuryl fluoride": "so2f2", "sulphuryl fluoride": "so2f2",
    "trifluoromethyl sulphur pentafluoride": "sf5cf3",
    "trifluoromethyl sulfur pentafluoride": "sf5cf3",
    "perfluoromethane": "pfc_14", "perfluoroethane": "pfc_116",
    "perfluoropropane": "pfc_218", "perfluorocyclobutane": "pfc_318",
    "perfluorobutane": "pfc_3_1_10", "perfluoropentane": "pfc_4_1_12",
    "perfluorohexane": "pfc_5_1_14", "perfluorocyclopropane": "pfc_c216",
    "r13b1": "halon_1301", "r12b1": "halon_1211", "r114b2": "halon_2402",
    "hfc 43 i0mee": "hfc_43_10mee", "hfc 4310mee": "hfc_43_10mee",
    "propane": "r290", "isobutane": "r600a", "butane": "r600", "n butane": "r600",
    "pentane": "r601", "isopentane": "r601a",
    "r1234yf": "hfo_1234yf", "hfo1234yf": "hfo_1234yf", "r1234ze": "hfo_1234ze_e",
    "r1234ze e": "hfo_1234ze_e", "hfo1234ze": "hfo_1234ze_e",
}


def gas_protocol(gas: str) -> str:
    """``"kyoto"``, ``"montreal"`` or ``"other"`` for a gas key (by chemical family)."""
    if gas in _MONTREAL_GASES or gas.startswith(_MONTREAL_PREFIXES):
        return "montreal"
    if gas in _KYOTO_GASES or gas.startswith(_KYOTO_PREFIXES):
        return "kyoto"
    return "other"


def _compact(text: str) -> str:
    return _COMPACT.sub("", str(text).lower())


@per_edition
def _tables(fs: FactorSet) -> dict[str, object]:
    """GWPs ``{(gas, AR): row}``, blends ``{blend: [(gas, fraction, row)]}``, name index."""
    if "gwp" not in fs.categories:
        raise UnknownFactorError(f"{fs.id} has no 'gwp' factors: pass a GWP edition such "
                                 f"as {GWP_EDITION!r}")
    gwp = fs.table("gwp")
    rows = {(str(g), str(a)): i
            for i, (g, a) in enumerate(zip(gwp["gas"], gwp["assessment"], strict=True))}
    blends: dict[str, list[tuple[str, float, int]]] = {}
    if "blend_component" in fs.categories:
        comp = fs.table("blend_component")
        for i, (b, g, v) in enumerate(zip(comp["blend"], comp["gas"], comp["value"],
                                           strict=True)):
            blends.setdefault(str(b), []).append((str(g), float(v), i))
    index: dict[str, str] = {}
    for gas, label in zip(gwp["gas"], gwp["label"], strict=True):
        index.setdefault(_compact(gas), str(gas))
        index.setdefault(_compact(label), str(gas))
    for blend, parts in blends.items():
        index.setdefault(_compact(blend), blend)
        for gas, _, _ in parts:
            index.setdefault(_compact(gas), gas)
    for alias, gas in GAS_ALIASES.items():
        index.setdefault(_compact(alias), gas)
    return {"rows": rows, "blends": blends, "index": index}


def resolve_gas(fs: FactorSet, name: str) -> str:
    """Gas or blend key of a refrigerant name (``"R-134a"`` -> ``"hfc_134a"``).

    Raises
    ------
    UnknownFactorError
        Not a gas or blend of the edition; close matches are listed.
    """
    tables = _tables(fs)
    index: dict[str, str] = tables["index"]  # type: ignore[assignment]
    compact = _compact(name)
    if compact in index:
        return index[compact]
    match = _R_NUMBER.match(compact)
    if match:
        rest = match.group(2) + match.group(3)
        for family in ("hfc", "hcfc", "cfc", "pfc", "halon"):
            if family + rest in index:
                return index[family + rest]
    names = sorted({*(g for g, _ in tables["rows"]), *tables["blends"]})  # type: ignore[misc]
    raise reject_as(UnknownFactorError(
        f"unknown refrigerant or gas {name!r} in {fs.id}"
        f"{closest(compact, names)} (gases and blends: {', '.join(names)})"), "gas")


def _gwp(fs: FactorSet, gas: str, assessment: str) -> Factor | None:
    rows: dict = _tables(fs)["rows"]  # type: ignore[assignment]
    if (gas, assessment) in rows:
        return row_factor(fs, "gwp", rows[(gas, assessment)])
    others = [a for a in ASSESSMENTS if (gas, a) in rows]
    if others:
        raise reject_as(UnknownFactorError(
            f"{fs.id} has no {assessment} GWP-100 for {gas} (it has {', '.join(others)}); "
            "choose another gwp assessment"), "gas")
    return None


def normalise_assessment(gwp: str) -> str:
    """``"ar5"`` -> ``"AR5"``; raises :class:`InvalidActivityError` for anything else."""
    text = str(gwp).strip().upper().replace(" ", "").replace("-", "")
    if text in ASSESSMENTS:
        return text
    raise InvalidActivityError(f"gwp must be one of {', '.join(ASSESSMENTS)}, got {gwp!r}")


@per_edition
def refrigerant_plan(fs: FactorSet, name: str, assessment: str, unit: pint.Unit) -> Plan:
    """Effective factor of a leaked gas or blend for masses in ``unit``.

    Parameters
    ----------
    fs : FactorSet
        GWP edition (``ipcc-gwp``).
    name : str
        Gas or blend name.
    assessment : {"AR4", "AR5", "AR6"}
    unit : pint.Unit
        Mass unit of the leaked amount.

    Raises
    ------
    pint.DimensionalityError
        ``unit`` is not a mass.
    UnknownFactorError
        Unknown gas, or no GWP for it in that assessment.
    """
    assessment = normalise_assessment(assessment)
    dimension_of(unit, *amount_of("refrigerant"))
    gas = resolve_gas(fs, name)
    blends: dict = _tables(fs)["blends"]  # type: ignore[assignment]
    notes: list[str] = []
    gases: dict[str, float] = {}
    if gas in blends:
        kyoto = montreal = 0.0
        composition = []
        for component, fraction, _ in blends[gas]:
            factor = _gwp(fs, component, assessment)
            composition.append(f"{component} {fraction:.4g}")
            if factor is None:
                notes.append(f"{component} ({fraction:.1%} of {gas}) has no GWP-100 in {fs.id} "
                             "(not a Kyoto gas; GWP of a few units or less): counted as 0")
                continue
            part = fraction * float(factor.value.m_as("kgCO2e / kg"))
            if gas_protocol(component) == "montreal":
                montreal += part
            else:
                kyoto += part
                gases[component] = kg_per_unit(unit, Q_(part, "kgCO2e / kg"))
        if montreal and kyoto:
            notes.append(f"{gas} contains Montreal-Protocol components: their "
                         f"{montreal:.6g} kgCO2e/kg are reported as a memo item, outside "
                         "the Kyoto total")
        first = row_factor(fs, "blend_component", blends[gas][0][2])
        factor = Factor(
            edition=fs.id, category="gwp", keys={"gas": gas, "assessment": assessment},
            value=Q_(kyoto + montreal, "kgCO2e / kg"),
            label=first.label.split(":")[0] + " blend",
            source_table=f"blend_component x gwp ({assessment})",
            source=first.source,
            notes="mass fractions: " + ", ".join(composition),
        )
        protocol = "montreal" if montreal and not kyoto else (
            "kyoto" if not montreal else "mixed")
    else:
        factor = _gwp(fs, gas, assessment)
        if factor is None:
            raise reject_as(UnknownFactorError(
                f"{fs.id} has no GWP-100 for {gas} (hydrocarbons and HFOs are not Kyoto "
                "gases and their GWPs are a few units or less): not computed"), "gas")
        protocol = gas_protocol(gas)
        value = float(factor.value.m_as("kgCO2e / kg"))
        kyoto, montreal = (0.0, value) if protocol == "montreal" else (value, 0.0)
        if protocol != "montreal":
            gases[gas] = kg_per_unit(unit, factor.value)
    if protocol == "montreal":
        notes.append(f"{gas} is a Montreal-Protocol gas: reported as a memo item outside the "
                     "Kyoto total (co2e = 0; figure in memo_co2e)")
    elif protocol == "other":
        notes.append(f"{gas} is not a Kyoto-basket gas; included in co2e as DESNZ lists it "
                     "under 'Refrigerant & other'")
    plan = Plan(
        category="refrigerant", scope=1,
        per_unit=kg_per_unit(unit, Q_(kyoto, "kgCO2e / kg")),
        memo=kg_per_unit(unit, Q_(montreal, "kgCO2e / kg")),
        factor=factor, factor_id=fs.id, factor_key=factor_key(factor),
        method=f"leaked mass x GWP-100 {assessment} ({fs.id})",
        input_unit=unit_text(unit), gases=gases, notes=tuple(notes),
        activity={"gas": gas, "gwp": assessment, "gwp_value": kyoto + montreal,
                  "protocol": protocol},
    )
    return plan

