"""What an editor reads on an admin page: the text, tags and scripts left out."""

from html.parser import HTMLParser

from django.conf import settings


class _Text(HTMLParser):
    def __init__(self, element_id: str | None):
        super().__init__()
        self.element_id = element_id
        self.depth = 0 if element_id is None else -1  # -1: not inside the element yet
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if self.depth < 0 and dict(attrs).get("id") == self.element_id:
            self.depth = 0
        if self.depth >= 0 and tag not in ("br", "input", "img", "link", "meta", "hr"):
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if self.depth > 0 and tag not in ("br", "input", "img", "link", "meta", "hr"):
            self.depth -= 1
            if self.depth == 0 and self.element_id is not None:
                self.depth = -2  # the element is over

    def handle_data(self, data):
        if self.depth > 0 or (self.element_id is None and self.depth >= 0):
            if not self.skip:
                self.parts.append(data)


def visible_text(html: str, element_id: str | None = None) -> str:
    """The page's (or one element's) text, whitespace runs collapsed to one space."""
    parser = _Text(element_id)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def speak(client, language: str):
    """The editor's language, as the language cookie chooses it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
