"""The structured facts of the knowledge base, in a form two sources can be compared in.

Texts are compared after normalising what is presentation, not content: character
width (NFKC), whitespace, Markdown emphasis/code marks, list markers, and a final
full stop.
"""

import json
import re
import unicodedata
from pathlib import Path

from issues.models import ErrorCode, Issue

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
_LIST_MARKER = re.compile(r"(^|\n|[:;])\s*(?:\d+\s*[.、)]|[-*])\s+|(^|\n|[:;])\s*\d+\s*[、)]")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("**", "").replace("`", "")
    text = _LIST_MARKER.sub(lambda m: m.group(1) or m.group(2) or "", text)
    return re.sub(r"\s+", "", text).rstrip("。.，,")


def fixture_facts(*names: str) -> dict:
    """Facts per issue source key and per (product, code), read from fixture files."""
    records = [r for name in names for r in json.loads((FIXTURES / name).read_text("utf-8"))]
    issue_source = {}
    issues, codes = {}, {}
    for r in records:
        if r["model"] == "issues.issue":
            issue_source[r["fields"]["slug"]] = r["fields"]["source"]
            issues[r["fields"]["source"]] = {"symptoms": [], "causes": [], "fixes": []}
    cause_position = {}
    for kind in ("issues.symptom", "issues.cause", "issues.fix"):
        for r in sorted(
            (r for r in records if r["model"] == kind), key=lambda r: r["fields"]["position"]
        ):
            entry = issues[issue_source[r["fields"]["issue"][0]]]
            if kind == "issues.symptom":
                entry["symptoms"].append(normalise(r["fields"]["text"]))
            elif kind == "issues.cause":
                entry["causes"].append(normalise(r["fields"]["text"]))
                cause_position[r["pk"]] = len(entry["causes"])
            else:
                entry["fixes"].append(
                    (normalise(r["fields"]["body"]), cause_position.get(r["fields"]["cause"]))
                )
    for r in records:
        if r["model"] == "issues.errorcode":
            f = r["fields"]
            codes[(f["product"][0], f["code"])] = {
                "constant": f["constant"],
                "description": normalise(f["description"]),
                "callbacks": f["callbacks"],
                "network_relation": f["network_relation"],
                "issues": sorted(issue_source[slug[0]] for slug in f["issues"]),
            }
    return {"issues": issues, "codes": codes}


def database_facts() -> dict:
    issues = {}
    for issue in Issue.objects.all():
        causes = list(issue.causes.order_by("position", "pk"))
        position = {c.pk: i for i, c in enumerate(causes, start=1)}
        issues[issue.source] = {
            "symptoms": [normalise(s.text) for s in issue.symptoms.order_by("position", "pk")],
            "causes": [normalise(c.text) for c in causes],
            "fixes": [
                (normalise(f.body), position.get(f.cause_id))
                for f in issue.fixes.order_by("position", "pk")
            ],
        }
    codes = {
        (code.product.slug, code.code): {
            "constant": code.constant,
            "description": normalise(code.description),
            "callbacks": code.callbacks,
            "network_relation": code.network_relation,
            "issues": sorted(i.source for i in code.issues.all()),
        }
        for code in ErrorCode.objects.select_related("product")
    }
    return {"issues": issues, "codes": codes}
