"""The interface translations: complete, compiled, and loaded."""

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


def po_entries(path: Path):
    """(msgid, [msgstr…], flags) for each entry of a .po file, header excluded; a msgid
    with a context is "context\x04msgid", as gettext keys it."""
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        context = re.search(r'^msgctxt "(.*)"', block, re.M)
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        flags = " ".join(re.findall(r"^#, (.*)$", block, re.M))
        yield (
            (f"{context.group(1)}\x04" if context else "")
            + "".join(re.findall(r'"(.*)"', msgid.group(1))),
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


# --- Both languages complete -------------------------------------------------------------
# A catalogue entry with an empty msgstr shows the English source in that language: fine
# for English only by accident, and a gap the moment a source string is reworded. Both
# catalogues are therefore filled in full (English: the English text).


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_no_catalogue_entry_is_left_empty_or_fuzzy(language):
    entries = list(po_entries(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    assert len(entries) > 100
    empty = [msgid for msgid, strings, _ in entries if not strings or not all(strings)]
    fuzzy = [msgid for msgid, _, flags in entries if "fuzzy" in flags]
    assert empty == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_no_msgid_appears_twice(language):
    entries = list(po_entries(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    seen, twice = set(), []
    for msgid, _, _ in entries:
        if msgid in seen:
            twice.append(msgid)
        seen.add(msgid)
    assert twice == []  # msgfmt refuses a catalogue with duplicates


# --- No interface text outside the translation machinery ---------------------------------

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates"
VISIBLE_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "label"}
# Words that stay as they are in every language: the product's name, a format's name, a unit.
UNTRANSLATED_WORDS = {"kbsite", "Markdown", "ms"}
WORD = re.compile(r"[A-Za-z]{2,}|[\u3400-\u9fff]")


VOID_ELEMENTS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class _TemplateText(HTMLParser):
    """Text nodes and visible attribute values of an HTML template whose template tags
    and variables were replaced by NUL, skipping script and style, and elements that say
    their own language (a language's name in the language switcher)."""

    SKIPPED = ("script", "style")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        own_language = tag != "html" and any(name == "lang" for name, _ in attrs)
        if tag in self.SKIPPED or own_language:
            if tag not in VOID_ELEMENTS:
                self._skip.append(tag)
            return
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and not self._skip:
                self.found.append(value)

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


def literal_template_text(source: str) -> list[str]:
    """What a template would show as written: text outside every tag, variable and
    {% translate %} / {% blocktranslate %} block."""
    from django.template.base import Lexer, TokenType

    pieces, depth = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans", "comment"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans", "endcomment"):
                depth -= 1
            pieces.append("\0")
        elif token.token_type == TokenType.TEXT and not depth:
            pieces.append(token.contents)
        else:
            pieces.append("\0")
    parser = _TemplateText()
    parser.feed("".join(pieces))
    words = []
    for text in parser.found:
        for part in text.split("\0"):
            found = [w for w in WORD.findall(part) if w not in UNTRANSLATED_WORDS]
            if found:
                words.append(part.strip())
    return words


def test_templates_mark_every_interface_string_for_translation():
    untranslated = {}
    for path in sorted(TEMPLATE_DIR.rglob("*.html")):
        found = literal_template_text(path.read_text(encoding="utf-8"))
        if found:
            untranslated[str(path.relative_to(TEMPLATE_DIR))] = found
    assert untranslated == {}


def test_the_template_check_finds_a_bare_string():
    assert literal_template_text('<p>{% translate "Save" %}</p><button>Send</button>') == ["Send"]
    assert literal_template_text('<input placeholder="例如 -1019">') == ["例如 -1019"]
    assert literal_template_text("{# a note #}<p>{{ issue.title }} · kbsite</p>") == []
    # A language's own name is written in that language; the page's own lang is no excuse.
    assert literal_template_text('<option lang="en">English</option>') == []
    assert literal_template_text('<html lang="{{ LANGUAGE_CODE }}"><p>Hi</p></html>') == ["Hi"]


# Arguments that reach a person as written (labels, messages, errors).
VISIBLE_KEYWORDS = {"verbose_name", "verbose_name_plural", "label", "help_text", "empty_label"}
# @admin.display(description=…) and @admin.action(description=…): a column or an action.
ADMIN_DECORATORS = {"display", "action"}
VISIBLE_CALLS = {"ValidationError", "message_user"}
MESSAGE_CALLS = {"add_message", "success", "error", "warning", "info"}  # messages.<name>(…)
PYTHON_DIRS = ["issues", "probes", "kbsite", "diagnosis", "gaps"]


def _is_bare_text(node) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_bare_text(part) for part in node.values)
    return False


def bare_strings(source: str) -> list[str]:
    """Plain (untranslated) string literals passed where a person reads them."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        keywords = VISIBLE_KEYWORDS | ({"description"} if name in ADMIN_DECORATORS else set())
        candidates = [kw.value for kw in node.keywords if kw.arg in keywords]
        is_message = name in MESSAGE_CALLS and getattr(node.func.value, "id", "") == "messages"
        if name in VISIBLE_CALLS or is_message:
            # messages.success(request, "…"), self.message_user(request, "…"), ValidationError("…")
            candidates += node.args[:2]
        found += [ast.unparse(value) for value in candidates if _is_bare_text(value)]
    return found


def test_python_marks_every_label_and_message_for_translation():
    untranslated = {}
    for folder in PYTHON_DIRS:
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found = bare_strings(path.read_text(encoding="utf-8"))
            if found:
                untranslated[str(path.relative_to(settings.BASE_DIR))] = found
    assert untranslated == {}


def test_the_python_check_finds_a_bare_label():
    source = (
        'forms.CharField(label="Name", help_text=_("ok"))\nmessages.success(request, f"{n} saved")'
    )
    assert bare_strings(source) == ["'Name'", "f'{n} saved'"]


# --- Every page speaks one language -------------------------------------------------------
# Pages rendered over content written in the page's own language (Chinese entries for the
# Chinese interface, English ones for the English interface): then any word of the other
# language on the page is interface text that escaped translation.

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
# Names and abbreviations written the same in Chinese technical text.
KEPT_IN_CHINESE = {
    *UNTRANSLATED_WORDS,
    "Django",
    "API",
    "BOM",
    "CSV",
    "DNS",
    "FAQ",
    "GB",
    "HTTP",
    "HTTPS",
    "ICMP",
    "ID",
    "IP",
    "JSON",
    "QUIC",
    "SDK",
    "TCP",
    "TLS",
    "UDP",
    "URL",
    "UTF",
    "YAML",
}


# camelCase API names (onLogin, kTMSDKErrorTokenVerifyFailed) are code, not words.
IDENTIFIER = re.compile(r"[a-z]+[A-Z][A-Za-z0-9]*")


class _PageText(HTMLParser):
    """What a person reads on a page (text and the attributes browsers show or speak),
    leaving out script, style and elements written in a language of their own."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        own_language = tag != "html" and any(name == "lang" for name, _ in attrs)
        # The admin's rows of hidden fields (class "hidden") are never shown.
        admin_hidden = "hidden" in (dict(attrs).get("class") or "").split()
        if tag in ("script", "style") or own_language or admin_hidden:
            if tag not in VOID_ELEMENTS:
                self._skip.append(tag)
            return
        if self._skip:
            return
        if tag == "img" and "/admin/img/" in dict(attrs).get("src", ""):
            # Django's own admin icons carry alt="True"/"False"/"Search" in every language.
            return
        self.found += [v for n, v in attrs if n in VISIBLE_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.found.append(data.strip())


def page_text(html: str) -> list[str]:
    parser = _PageText()
    parser.feed(html)
    return parser.found


def foreign_words(texts: list[str], *, language: str, content: set[str]) -> list[str]:
    """Pieces of interface text in the other language: CJK on an English page, English
    words on a Chinese one (the page's own content words excepted)."""
    found = []
    for text in texts:
        for word in sorted(content, key=len, reverse=True):
            text = text.replace(word, " ")
        if language == "en":
            if HAN.search(text):
                found.append(text)
        elif [
            word
            for word in LATIN_WORD.findall(text)
            if word not in KEPT_IN_CHINESE and not IDENTIFIER.fullmatch(word)
        ]:
            found.append(text)
    return found


def write_content(language: str) -> dict:
    """One product, issue (with every part), tag, error code and feedback, all written in
    ``language``; returns the pages to read and the content words they may show."""
    from issues.models import Cause, ErrorCode, Feedback, Fix, Issue, Product, Symptom, Tag

    zh = language == "zh-hans"
    product = Product.objects.create(
        slug="demo",
        name="演示平台" if zh else "Demo platform",
        description="移动管理" if zh else "Mobile management",
    )
    issue = Issue.objects.create(
        product=product,
        slug="login-fails",
        title="登录失败" if zh else "Login fails",
        summary="令牌**过期**。" if zh else "The **token** expired.",
        status=Issue.Status.PUBLISHED,
    )
    issue.tags.add(Tag.objects.create(slug="login", name="登录" if zh else "Login"))
    Symptom.objects.create(issue=issue, position=1, text="登录一直转圈" if zh else "Login spins")
    cause = Cause.objects.create(
        issue=issue, position=1, text="令牌过期" if zh else "Token expired"
    )
    Fix.objects.create(
        issue=issue, cause=cause, position=1, body="重新获取令牌" if zh else "Fetch a new token"
    )
    code = ErrorCode.objects.create(
        product=product,
        code="-1019",
        description="令牌校验失败" if zh else "Token check failed",
        network_relation=ErrorCode.NetworkRelation.NETWORK,
    )
    code.issues.add(issue)
    Feedback.objects.create(issue=issue, helpful=False, comment="不清楚" if zh else "Unclear")
    query = "登录" if zh else "login"
    return {
        "public": [
            "/",
            "/search/",
            f"/search/?q={query}",
            "/search/?q=qqqzzzxxx",
            issue.get_absolute_url(),
            f"{issue.get_absolute_url()}?feedback=thanks",
            "/codes/",
            code.get_absolute_url(),
            f"{code.get_absolute_url()}?feedback=thanks",
            "/no-such-page/",
            "/admin/login/",
        ],
        "admin": [
            "/admin/",
            f"/admin/issues/issue/{issue.pk}/change/",
            f"/admin/issues/errorcode/{code.pk}/change/",
            "/admin/issues/fix/",
            "/admin/issues/feedback/",
        ],
        # Content words the pages may show whatever the interface language.
        "content": {"login-fails", "demo", "login", "-1019", "kbsite", "admin", query, "qqqzzzxxx"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_speaks_the_interface_language(client, admin_user, language):
    pages = write_content(language)
    found = {}
    for url in pages["public"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        words = foreign_words(
            page_text(response.content.decode()), language=language, content=pages["content"]
        )
        if words:
            found[url] = words
    client.force_login(admin_user)
    for url in pages["admin"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        words = foreign_words(
            page_text(response.content.decode()), language=language, content=pages["content"]
        )
        if words:
            found[url] = words
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def test_the_page_check_sees_a_stray_word():
    html = '<html lang="zh-hans"><p>错误码</p><button title="Send">发送</button>'
    html += '<option lang="en">English</option><p>DNS 解析</p></html>'
    assert foreign_words(page_text(html), language="zh-hans", content=set()) == ["Send"]
    assert foreign_words(["Error code", "Back to 首页"], language="en", content=set()) == [
        "Back to 首页"
    ]
