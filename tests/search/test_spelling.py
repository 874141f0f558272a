"""Did you mean: identifiers and codes corrected against the index's own vocabulary."""

import pytest
from django.contrib.auth.models import AnonymousUser

from issues.search.spelling import correct

pytestmark = pytest.mark.django_db


def corrected(query):
    found = correct(query, user=AnonymousUser())
    return found.query if found else None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ktmsdkerrortokenverifyfaild", "kTMSDKErrorTokenVerifyFailed"),  # a letter missing
        ("KTMSDKERRORTOKENVERIFYFIALED", "kTMSDKErrorTokenVerifyFailed"),  # two swapped
        ("tokenverifyfailed", "kTMSDKErrorTokenVerifyFailed"),  # typed without its prefix
        ("errorloginneterror", "kTMSDKErrorLoginNetError"),
        ("2OO4", "2004"),  # letters that look like digits
        ("错误码 -1O19", "错误码 -1019"),
        ("登录报错 ktmsdkerrorislogning", "登录报错 kTMSDKErrorIsLogining"),
    ],
)
def test_typos_in_identifiers_and_codes_are_corrected(shipped_content, typed, meant):
    assert corrected(typed) == meant


@pytest.mark.parametrize(
    "query",
    [
        "kTMSDKErrorTokenVerifyFailed",  # right already
        "2004",
        "证书安装失败",  # no identifier in it
        "token expired",  # words the index knows or too short to be a name
        "printerjammed",  # no constant is like it
        "verify",
    ],
)
def test_what_needs_no_correction_is_left_alone(shipped_content, query):
    assert corrected(query) is None


def test_a_code_the_reader_cannot_find_is_never_suggested(db):
    assert corrected("2OO4") is None  # an empty index knows no codes


@pytest.mark.django_db
def test_a_code_typed_as_written_is_not_offered_as_a_correction(shipped_content):
    # "-1019" is found exactly: a "did you mean -1019" would read as if it was not.
    assert correct("-1019", user=AnonymousUser()) is None
    assert correct("错误码 -1019", user=AnonymousUser()) is None
