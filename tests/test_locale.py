"""The interface translations: complete, compiled, and loaded."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


def po_entries(path: Path):
    """(msgid, [msgstr…], flags) for each entry of a .po file, header excluded."""
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        flags = " ".join(re.findall(r"^#, (.*)$", block, re.M))
        yield (
            "".join(re.findall(r'"(.*)"', msgid.group(1))),
            ["".join(re.findall(r'"(.*)"', s)) for s in strings],
            flags,
        )


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_po_and_mo_files_exist(language):
    assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").exists()
    assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").exists()


def test_every_interface_string_has_a_chinese_translation():
    entries = list(po_entries(LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert len(entries) > 100
    untranslated = [msgid for msgid, strings, _ in entries if not all(strings)]
    fuzzy = [msgid for msgid, _, flags in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []


def test_chinese_source_strings_have_an_english_translation():
    entries = po_entries(LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po")
    han_only = [
        msgid
        for msgid, strings, _ in entries
        if re.match(r"^[\u4e00-\u9fff]", msgid) and not all(strings)
    ]
    assert han_only == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "跳到正文"), ("en", "Skip to content")],
)
def test_compiled_catalogue_is_loaded(language, expected):
    with translation.override(language):
        assert translation.gettext("Skip to content") == expected


def test_chinese_is_the_default_language():
    assert settings.LANGUAGE_CODE == "zh-hans"
