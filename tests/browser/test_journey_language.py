"""Journey 4: a reader switches the interface language on every public page, and the
admin index follows; nothing of the interface stays in the other language.

What counts as interface: every text a person sees or hears (text, placeholders, labels,
titles) once the knowledge itself (titles, symptoms, fix text, names, codes) is taken out,
and except elements that say their own language (the switcher's "English" / "简体中文").
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from issues.markdown import render_markdown
from issues.models import Cause, ErrorCode, Fix, Issue, Product, Symptom, Tag
from tests.test_locale import HAN, IDENTIFIER, KEPT_IN_CHINESE, LATIN_WORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/search/?q=-1019",
    "/search/?q=证书安装",
    "/issues/sdk-login-network-troubleshooting/",
    "/codes/",
    "/codes/meeting-sdk/-1019/",
    "/diagnose/",
]
OTHER = {"zh-hans": "en", "en": "zh-hans"}

# Every text node and spoken attribute a person meets, outside script, style, hidden
# inputs and elements written in a language of their own.
READ_PAGE = """() => {
  const out = [];
  const spoken = ["placeholder", "aria-label", "title", "alt"];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent.replace(/\\s+/g, " ").trim();
      if (text) out.push(text);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (["script", "style", "noscript", "template"].includes(tag)) return;
    if (tag !== "html" && node.hasAttribute("lang")) return;
    if (tag === "img" && (node.getAttribute("src") || "").includes("/admin/img/")) return;
    // Rendered Markdown and search snippets are the knowledge, as written.
    if (node.matches(".prose, .search-result__snippet, .search-result__link")) return;
    // An identifier with <wbr> break points (the |wbr filter) is one word in pieces.
    if (node.querySelector(":scope > wbr")) {
      const text = node.textContent.replace(/\\s+/g, " ").trim();
      if (text) out.push(text);
      return;
    }
    for (const name of spoken) {
      const value = node.getAttribute(name);
      if (value && value.trim()) out.push(value.replace(/\\s+/g, " ").trim());
    }
    for (const child of node.childNodes) walk(child);
  };
  walk(document.documentElement);
  return out;
}"""


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def plain(markdown: str) -> str:
    return squash(re.sub(r"<[^>]+>", " ", str(render_markdown(markdown))))


def knowledge() -> tuple[list[str], list[str]]:
    """(long texts a text node may be part of, names a text node may contain)."""
    texts, names = [], []
    for issue in Issue.objects.all():
        texts += [issue.title, plain(issue.summary), plain(issue.internal_notes)]
        names.append(issue.title)
    texts += [squash(s.text) for s in Symptom.objects.all()]
    texts += [plain(c.text) for c in Cause.objects.all()] + [
        plain(f.body) for f in Fix.objects.all()
    ]
    for code in ErrorCode.objects.all():
        texts += [code.description, plain(code.fix), code.callbacks]
        names += [code.code, code.constant, *code.callback_list()]
    for product in Product.objects.all():
        texts.append(plain(product.description))
        names.append(product.name)
    names += [tag.name for tag in Tag.objects.all()]
    try:
        from diagnosis.models import Flow

        names += [flow.title for flow in Flow.objects.all()]
    except ImportError:
        pass
    return [t for t in texts if t], sorted({n for n in names if n}, key=len, reverse=True)


def other_language(seen: list[str], language: str, knowledge_texts, names) -> list[str]:
    """The interface pieces on the page that are in the other language."""
    stray = []
    everything = "\n".join(re.sub(r"\s+", "", body) for body in knowledge_texts)
    for text in seen:
        bare = re.sub(r"\s+", "", text).strip("….")
        if len(bare) >= 4 and bare in everything:
            continue  # a piece of the knowledge itself (a snippet, a step's text)
        rest = text
        for name in names:
            rest = rest.replace(name, " ")
        if language == "en":
            if HAN.search(rest):
                stray.append(text)
        elif [
            w
            for w in LATIN_WORD.findall(rest)
            if w not in KEPT_IN_CHINESE and not IDENTIFIER.fullmatch(w) and w != "kbsite"
        ]:
            stray.append(text)
    return stray


def switch_language(journey, to: str):
    page = journey.page
    page.locator("#language-select").select_option(to)
    page.locator(".language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", to)


def sign_in(journey, live_server, user):
    client = Client()
    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":", 1)[0]
    journey.page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


def test_switching_language_leaves_nothing_of_the_interface_behind(
    journey, shipped_content, live_server
):
    page = journey.page
    texts, names = knowledge()
    first, second = journey.language, OTHER[journey.language]
    stray = {}
    for number, url in enumerate(PUBLIC_PAGES, start=1):
        query = parse_qs(urlsplit(url).query).get("q", [])
        page_names = sorted([*names, *query], key=len, reverse=True)
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", first)
        if found := other_language(page.evaluate(READ_PAGE), first, texts, page_names):
            stray[f"{first} {url}"] = found
        switch_language(journey, second)
        assert page.url.endswith(url.split("?")[0]) or "?" in url  # the same page, switched
        journey.shot(f"page{number}-{second}")
        if found := other_language(page.evaluate(READ_PAGE), second, texts, page_names):
            stray[f"{second} {url}"] = found
        switch_language(journey, first)
    # The admin follows the language chosen on the site.
    admin = get_user_model().objects.create_superuser("journey-admin", password="x-pass-1234")
    sign_in(journey, live_server, admin)
    page.goto("/")
    switch_language(journey, second)
    page.goto("/admin/")
    expect(page.locator("html")).to_have_attribute("lang", second)
    journey.shot(f"admin-{second}")
    admin_names = [*names, admin.get_username()]
    if found := other_language(page.evaluate(READ_PAGE), second, texts, admin_names):
        stray[f"{second} /admin/"] = found
    assert stray == {}, json.dumps(stray, ensure_ascii=False, indent=1)
