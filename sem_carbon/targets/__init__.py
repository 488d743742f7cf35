"""Baselines, targets, budget-vs-carbon status, scenarios, restatements, decomposition.

- :class:`Target` and :func:`target_status` (:mod:`.status`): per entity, rolled up the
  tree, is the target met in tCO2e and in budget, where do the two disagree, what gap
  remains; year to date with a seasonal allowance and a projection.
- Levers and :func:`apply_scenario` / :func:`scenario_status` (:mod:`.scenarios`): what
  rail, economy class, fewer trips or online meetings would change.
- :func:`restate_baseline` (:mod:`.restate`): the baseline under today's structure and
  method (GHG Protocol base-year recalculation), side by side with the reported one.
- :func:`decompose_change` (:mod:`.decomposition`): activity, mix and factor effects of
  a change in travel emissions (additive LMDI).
"""

from .decomposition import decompose_change, log_mean
from .restate import entity_mapping, restate_baseline
from .scenarios import (
    CutTrips,
    EconomyBelow,
    EconomyOnly,
    Lever,
    RailInsteadOfFlights,
    Scenario,
    VirtualMeetings,
    apply_scenario,
    parse_scenario,
    scenario_status,
)
from .status import REL_TOL, Target, target_status

__all__ = [
    "REL_TOL",
    "CutTrips",
    "EconomyBelow",
    "EconomyOnly",
    "Lever",
    "RailInsteadOfFlights",
    "Scenario",
    "Target",
    "VirtualMeetings",
    "apply_scenario",
    "decompose_change",
    "entity_mapping",
    "log_mean",
    "parse_scenario",
    "restate_baseline",
    "scenario_status",
    "target_status",
]
