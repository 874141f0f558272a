"""Importing the two source documents yields the facts the shipped fixtures hold.

Titles, slugs, summaries and tags are curated in the fixtures and not compared.
The source is the reference: only the wording corrections listed in tests/errata.py
may differ.
"""

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.errata import corrected
from tests.importer.conftest import FAQ, GUIDE
from tests.importer.facts import database_facts, fixture_facts

# The fixtures' documented wording corrections (tests/errata.py) are applied to what
# the importer read from the source; everything else must be identical.
FIXTURE_FILES = ("kb_platform_faq.json", "kb_meeting_sdk.json")
EXPECTED = fixture_facts(*FIXTURE_FILES)


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    """Import once for the module, read the facts, roll the import back."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "import_kb", str(FAQ), product="mobile-platform", create_products=True, verbosity=0
        )
        call_command(
            "import_kb", str(GUIDE), product="meeting-sdk", create_products=True, verbosity=0
        )
        facts = database_facts()
        transaction.set_rollback(True)
    return with_errata(facts)


def with_errata(facts: dict) -> dict:
    for issue in facts["issues"].values():
        issue["symptoms"] = [corrected(s) for s in issue["symptoms"]]
        issue["causes"] = [corrected(c) for c in issue["causes"]]
        issue["fixes"] = [(corrected(body), cause) for body, cause in issue["fixes"]]
    for code in facts["codes"].values():
        code["description"] = corrected(code["description"])
    return facts


def test_the_same_entries_and_codes(imported):
    assert sorted(imported["issues"]) == sorted(EXPECTED["issues"])
    assert sorted(imported["codes"]) == sorted(EXPECTED["codes"])


@pytest.mark.parametrize("source", sorted(EXPECTED["issues"]))
def test_issue_facts(imported, source):
    expected, actual = EXPECTED["issues"][source], imported["issues"][source]
    assert actual["causes"] == expected["causes"]
    assert actual["fixes"] == expected["fixes"]  # texts and cause→fix ties
    # Fixtures may add curated phrasings; every symptom the source states must be there.
    assert [s for s in actual["symptoms"] if s not in expected["symptoms"]] == []


@pytest.mark.parametrize("key", sorted(EXPECTED["codes"]))
def test_error_code_facts(imported, key):
    assert imported["codes"][key] == EXPECTED["codes"][key]
