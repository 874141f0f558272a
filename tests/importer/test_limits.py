"""Issue 14 item 1: YAML alias bombs and deep nesting are refused before anything walks them."""

import json

import pytest

from issues.importer import DocumentError, read_document
from issues.importer.limits import MAX_NESTING, json_nesting


def alias_bomb(levels: int) -> str:
    """The review's file: each anchor is a list of nine aliases of the one before."""
    lines = [
        "---",
        "title: bomb",
        'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for level in range(1, levels + 1):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 9)}]")
    lines += [f"tags: *a{levels}", "---", "## 问题现象", "", "- x", ""]
    return "\n".join(lines)


def test_alias_bomb_is_refused_with_a_clear_message():
    # Four levels (6561 strings) keep a regression cheap; the review's eight levels took
    # 55 s and 1.8 GB because the tags were expanded and turned into text.
    with pytest.raises(DocumentError) as excinfo:
        read_document(alias_bomb(4).encode(), name="bomb.md")
    message = str(excinfo.value)
    assert message.startswith("bomb.md: YAML aliases (*a0) are not accepted (line 4)")


def test_the_reviewers_eight_level_bomb_is_refused_at_once():
    with pytest.raises(DocumentError, match="aliases"):
        read_document(alias_bomb(8).encode(), name="bomb.md")


def test_even_a_single_alias_is_refused():
    text = "---\ntitle: &t 登录失败\nslug: *t\n---\n## 问题现象\n\n- x\n"
    with pytest.raises(DocumentError, match=r"YAML aliases \(\*t\) are not accepted"):
        read_document(text.encode(), name="one.md")


def test_deeply_nested_front_matter_is_refused():
    deep = "[" * 500 + "]" * 500
    text = f"---\ntitle: deep\ntags: {deep}\n---\nbody\n"
    with pytest.raises(DocumentError, match=f"nests more than {MAX_NESTING} levels"):
        read_document(text.encode(), name="deep.md")


def test_deeply_nested_json_is_refused_not_a_recursion_error():
    # ~600 KB, as in the review: json.loads alone raised RecursionError.
    deep = '{"format": "kbsite-export", "issues": ' + "[" * 300_000 + "]" * 300_000 + "}"
    with pytest.raises(DocumentError, match=r"deep\.json: the JSON nests 300001 levels deep"):
        read_document(deep.encode(), name="deep.json")


def test_json_nesting_skips_brackets_inside_strings():
    assert json_nesting(json.dumps({"a": "[[[[{{{{", "b": [{"c": '\\"]]'}]})) == 3
    assert json_nesting("[]") == 1
    assert json_nesting('"x"') == 0
