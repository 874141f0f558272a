"""Issue 14 item 8: front matter and export fields of the wrong type are refused, by key."""

import json

import pytest

from issues.importer import DocumentError, read_document


def markdown(front: str) -> bytes:
    return f"---\n{front}\n---\n## 问题现象\n\n- 登录失败\n".encode()


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: 登录失败\nproduct: 5", "“product:” must be text, not the number 5"),
        (
            "title: 登录失败\ntags: [登录, 7]",
            "“tags:” must be a list of texts; it holds the number 7",
        ),
        ("title: {a: 1}", "“title:” must be text, not a mapping"),
        ("title: [1, 2]", "“title:” must be text, not a list"),
        ("title: 登录失败\nstatus: live", "“status:” must be one of draft, review, published"),
        ("title: 登录失败\nvisibility: secret", "“visibility:” must be one of public, internal"),
        ("title: 登录失败\nlast_verified_on: soon", "“last_verified_on:” must be a date"),
        ("title: 登录失败\npublished_at: 12", "“published_at:” must be a date and time"),
        ("title: 登录失败\nkind: recipe", "“kind:” must be issue, product, tags or error_code"),
        ("slug: x", "“title:” is required"),
    ],
)
def test_wrong_types_refuse_the_file_naming_the_key(front, message):
    with pytest.raises(DocumentError) as excinfo:
        read_document(markdown(front), name="entry.md")
    assert str(excinfo.value).startswith("entry.md: ")
    assert message in str(excinfo.value)


def test_codes_may_be_numbers_and_unknown_keys_are_reported():
    parsed = read_document(
        markdown("title: 登录失败\nerror_codes: [-1019, '0']\nauthor: 张三"), name="entry.md"
    )
    assert parsed.issues[0].error_codes == ["-1019", "0"]
    assert parsed.warnings == ["front matter key “author:” is not one kbsite reads; ignored"]


def export(**issue) -> bytes:
    record = {"slug": "s", "product": "p", "title": "t", "fixes": [], **issue}
    return json.dumps({"format": "kbsite-export", "issues": [record]}).encode()


@pytest.mark.parametrize(
    ("issue", "message"),
    [
        ({"title": {"a": 1}}, "“title:” must be text, not a mapping"),
        ({"tags": [7]}, "“tags:” must be a list of texts; it holds the number 7"),
        ({"product": 5}, "“product:” must be text, not the number 5"),
        ({"fixes": [{"body": "x", "cause": "one"}]}, "a fix's “cause” must be a number"),
        ({"colour": "red"}, "an issue has an unknown field: colour"),
        ({"fixes": "x"}, "“fixes” must be a list of records"),
    ],
)
def test_exports_with_wrong_types_are_refused(issue, message):
    with pytest.raises(DocumentError) as excinfo:
        read_document(export(**issue), name="kb.json")
    assert message in str(excinfo.value)
