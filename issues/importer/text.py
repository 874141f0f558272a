"""Small text helpers shared by the parsers."""

import re
import unicodedata

# Whitespace inside a run of Chinese characters is a line-wrap artefact of the
# source editor ("登                  录"), never meaningful spacing.
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000]+(?=[\u3400-\u9fff])")
_CODE = r"[-－]?\s*[0-9０-９]+"


def clean(text: str) -> str:
    """Trim each line, drop wrap artefacts between Chinese characters, keep paragraphs."""
    lines = [_CJK_GAP.sub("", line.strip()) for line in text.strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def ascii_digits(text: str) -> str:
    """Full-width digits ("９") as ASCII, leaving every other character as written."""
    return "".join(unicodedata.normalize("NFKC", c) if c.isdigit() else c for c in text)


def code_text(raw: str) -> str:
    """An error code as the source writes it, in ASCII: "－１０１９" → "-1019"."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))


def codes_in(text: str) -> list[str]:
    """Every signed or unsigned number in a sentence listing error codes, in order."""
    return [code_text(match) for match in re.findall(_CODE, text)]


def first_clause(text: str, *, limit: int = 60) -> str:
    clause = re.split(r"[,，。;；:：\n]", text.strip(), maxsplit=1)[0].strip()
    return clause[:limit] or text.strip()[:limit]
