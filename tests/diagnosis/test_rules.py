"""Branch rules: every outcome, alone and in combination, chooses the branch it should."""

import itertools
from dataclasses import dataclass, field

import pytest

from diagnosis.rules import NOT_CHECKED, ItemResult, choose_branch, rule_holds
from probes.outcomes import Outcome

ALL = list(Outcome.values)
FAILURES = [o for o in ALL if o != Outcome.OK and o not in NOT_CHECKED]


@dataclass
class Rule:
    label: str
    condition: str
    items: set = field(default_factory=set)
    outcomes: list = field(default_factory=list)

    def item_numbers(self):
        return self.items


def results(*outcomes):
    return [ItemResult(position=i, outcome=o) for i, o in enumerate(outcomes, start=1)]


@pytest.mark.parametrize("outcome", ALL)
def test_all_ok_holds_only_when_nothing_failed(outcome):
    holds = rule_holds(
        condition="all_ok", numbers=set(), outcomes=[], results=results("ok", outcome)
    )
    assert holds is (outcome == "ok" or outcome in NOT_CHECKED)


def test_all_ok_needs_at_least_one_real_check():
    for outcome in NOT_CHECKED:
        assert not rule_holds(
            condition="all_ok", numbers=set(), outcomes=[], results=results(outcome, outcome)
        )
    assert not rule_holds(condition="all_ok", numbers=set(), outcomes=[], results=[])


@pytest.mark.parametrize("outcome", ALL)
def test_any_failed_without_outcomes_means_any_real_failure(outcome):
    holds = rule_holds(
        condition="any_failed", numbers=set(), outcomes=[], results=results("ok", outcome)
    )
    assert holds is (outcome in FAILURES)


@pytest.mark.parametrize(("listed", "seen"), list(itertools.product(ALL, ALL)))
def test_any_failed_with_listed_outcomes_matches_exactly_those(listed, seen):
    holds = rule_holds(
        condition="any_failed", numbers=set(), outcomes=[listed], results=results(seen)
    )
    assert holds is (seen == listed)


@pytest.mark.parametrize("outcome", FAILURES)
def test_item_numbers_limit_the_rule(outcome):
    failing_second = results("ok", outcome, "ok")
    assert rule_holds(condition="any_failed", numbers={2}, outcomes=[], results=failing_second)
    assert not rule_holds(
        condition="any_failed", numbers={1, 3}, outcomes=[], results=failing_second
    )
    assert rule_holds(condition="all_ok", numbers={1, 3}, outcomes=[], results=failing_second)
    assert not rule_holds(condition="all_ok", numbers={2}, outcomes=[], results=failing_second)


def test_else_always_holds():
    assert rule_holds(condition="else", numbers=set(), outcomes=[], results=[])


RULES = [
    Rule("all ok", "all_ok"),
    Rule("dns", "any_failed", outcomes=["dns_error"]),
    Rule("closed", "any_failed", outcomes=["refused", "timeout"]),
    Rule("else", "else"),
]


def expected(pair):
    seen = set(pair)
    checked = [o for o in pair if o not in NOT_CHECKED]
    if checked and all(o == "ok" for o in checked):
        return "all ok"
    if "dns_error" in seen:
        return "dns"
    if seen & {"refused", "timeout"}:
        return "closed"
    return "else"


@pytest.mark.parametrize("pair", list(itertools.product(ALL, repeat=2)), ids=lambda p: "+".join(p))
def test_first_matching_rule_wins_for_every_combination_of_two_items(pair):
    assert choose_branch(RULES, results(*pair)).label == expected(pair)


def test_no_rule_holds_without_an_otherwise():
    assert choose_branch(RULES[:3], results("tls_error")) is None
