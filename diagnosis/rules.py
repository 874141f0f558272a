"""Which branch a check's results choose: the first rule, in order, that holds.

Rules: "all reachable" (of the listed items, or all), "any of these items failed
with these outcomes", "otherwise". Outcomes that say nothing about the network
under test (not available on this server, blocked by policy, an invalid or
skipped target) neither pass nor fail a rule, unless a rule names them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from probes.outcomes import Outcome

NOT_CHECKED = frozenset({Outcome.UNAVAILABLE, Outcome.BLOCKED, Outcome.INVALID})


@dataclass(frozen=True)
class ItemResult:
    position: int  # the item's number in the run (1-based, checklist order)
    outcome: str


def _selected(results: Sequence[ItemResult], numbers: set[int]) -> list[ItemResult]:
    return [r for r in results if not numbers or r.position in numbers]


def rule_holds(
    *, condition: str, numbers: set[int], outcomes: Iterable[str], results: Sequence[ItemResult]
) -> bool:
    selected = _selected(results, numbers)
    if condition == "else":
        return True
    if condition == "all_ok":
        checked = [r for r in selected if r.outcome not in NOT_CHECKED]
        return bool(checked) and all(r.outcome == Outcome.OK for r in checked)
    if condition == "any_failed":
        wanted = set(outcomes)
        if wanted:
            return any(r.outcome in wanted for r in selected)
        return any(r.outcome != Outcome.OK and r.outcome not in NOT_CHECKED for r in selected)
    return False


def choose_branch(branches: Sequence, results: Sequence[ItemResult]):
    """The first branch (ordered) whose rule holds for the results, or None."""
    for branch in branches:
        if rule_holds(
            condition=branch.condition,
            numbers=branch.item_numbers(),
            outcomes=branch.outcomes,
            results=results,
        ):
            return branch
    return None


def failed_results(results: Iterable, *, numbers: set[int] = frozenset()) -> list:
    """ProbeResult rows that failed (for escalation notes and summaries)."""
    return [
        row
        for row in results
        if row.outcome
        and row.outcome != Outcome.OK
        and row.outcome not in NOT_CHECKED
        and (not numbers or row.position in numbers)
    ]
