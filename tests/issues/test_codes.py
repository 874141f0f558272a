import pytest

from issues.codes import normalize_code, unsigned_code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("-1019", "-1019"),
        ("1019", "1019"),
        ("错误码-1019", "-1019"),
        ("错误码 -1019", "-1019"),
        ("error -1019", "-1019"),
        ("Error code: -1019", "-1019"),
        ("－１０１９", "-1019"),
        ("+2004", "2004"),
        ("错误码0", "0"),
        ("错误码 0", "0"),
        ("-0", "0"),
        ("007", "7"),
        ("kTMSDKErrorTokenVerifyFailed", "ktmsdkerrortokenverifyfailed"),
    ],
)
def test_normalize_code(typed, expected):
    assert normalize_code(typed) == expected


def test_unsigned_code_drops_only_the_sign():
    assert unsigned_code("-1019") == "1019"
    assert unsigned_code("2004") == "2004"
