"""Plain-text documents shaped like the two sources: FAQ sections and a troubleshooting guide.

Whatever matches neither shape is kept as free text in the main issue's internal notes.
The shapes are described in docs/importing.md.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from issues.importer.document import (
    Endpoint,
    EndpointTable,
    ErrorCodeDraft,
    IssueDraft,
    ParsedFile,
)
from issues.importer.report import parts_summary
from issues.importer.tables import (
    ENDPOINT_COLUMNS,
    ERROR_CODE_COLUMNS,
    is_table_start,
    read_table,
)
from issues.importer.text import ascii_digits, clean, code_text, codes_in, first_clause
from issues.parts import FixSpec

LABELS = {
    "symptoms": ("问题现象", "现象", "问题描述", "故障现象", "症状"),
    "causes": ("问题原因", "原因", "原因分析", "可能原因"),
    "fixes": ("解决方法", "解决方案", "解决办法", "处理方法", "处理办法", "解决步骤"),
}
_LABEL_WORDS = "|".join(word for words in LABELS.values() for word in words)
_LABEL_LINE = re.compile(rf"^[*_\s]*({_LABEL_WORDS})[*_\s]*[:：][*_\s]*(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_SECTION_TITLE = re.compile(r"^(\d+)\s*[.、．)）]\s*(.+)$")
# Without a "##" heading only "N." counts as a section title: "N、" starts a list item.
_PLAIN_SECTION_TITLE = re.compile(r"^(\d+)\s*[.．]\s*(?!\d)(.+)$")
_ITEM = re.compile(r"^(\d+)\s*[、.．]\s*(?!\d)(.*)$")
_CASE = re.compile(r"^(\d+)\s*[)）]\s*(.*)$")
_CODE_HEADER = re.compile(
    r"^(?:([-－]?\s*[0-9０-９]+)\s*错误码|错误码\s*([-－]?\s*[0-9０-９]+))\s*[:：]?$"
)
_CODE_IN_TITLE = re.compile(
    r"错误码\s*[“\"”「]?\s*([-－]?[0-9０-９]+)|报错\s*[“\"”「]\s*([-－]?[0-9０-９]+)\s*[”\"“」]"
)
_NETWORK_SENTENCE = re.compile(r"网络相关")
# Copyright and reposting notices that pages append; kept as free text, not content.
_BOILERPLATE = re.compile(r"原创声明|版权所有|未经许可|不得转载|如有侵权|cloudcommunity@")


def _strip_emphasis(text: str) -> str:
    return text.strip().strip("*_").strip()


def split_numbered(lines: list[str]) -> list[str]:
    """Paragraphs starting "1、", "2、"… become items; other lines continue the current one.

    A block that does not start with "1" is one item: numbers inside a paragraph
    ("证书的申请方法：1、…；2、…") are part of its text.
    """
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return []
    first = _ITEM.match(ascii_digits(lines[0]))
    if not first or first.group(1) != "1":
        return [clean("\n\n".join(lines))]
    items: list[list[str]] = []
    expected = 1
    for line in lines:
        match = _ITEM.match(ascii_digits(line))
        if match and int(match.group(1)) == expected:
            items.append([line[len(line) - len(match.group(2)) :] if match.group(2) else ""])
            expected += 1
        else:
            items[-1].append(line)
    return [clean("\n\n".join(part for part in item if part)) for item in items]


class _Section:
    def __init__(self, number: str, title: str):
        self.number = number
        self.title = title
        self.labels: dict[str, list[str]] = {}
        self.current: str | None = None
        self.loose: list[str] = []


def _section_issue(parsed: ParsedFile, section: _Section) -> IssueDraft:
    symptoms = split_numbered(section.labels.get("symptoms", []))
    causes = split_numbered(section.labels.get("causes", []))
    fix_texts = split_numbered(section.labels.get("fixes", []))
    if len(causes) == len(fix_texts) or len(causes) == 1:
        pairs = [min(i, len(causes)) if causes else None for i in range(1, len(fix_texts) + 1)]
    else:
        # Unequal numbered lists: the source does not say which fix answers which cause.
        pairs = [None] * len(fix_texts)
    title = clean(section.title)
    if (symptoms or causes) and title not in symptoms:
        # A problem's heading is how users phrase it: one more way for search to find it.
        # A how-to heading ("客户端启动页面配置") with only a fix is not a symptom.
        symptoms.append(title)
    issue = IssueDraft(
        source=f"{parsed.name}#{section.number}",
        title=title,
        symptoms=symptoms,
        causes=causes,
        fixes=[
            FixSpec(body=text, cause_position=pair)
            for text, pair in zip(fix_texts, pairs, strict=True)
        ],
    )
    for line in section.loose:
        _keep_free_text(
            parsed, issue, line, where=_("section %(number)s") % {"number": section.number}
        )
    for match in _CODE_IN_TITLE.finditer(" ".join(symptoms)):
        code = code_text(match.group(1) or match.group(2))
        if code not in issue.error_codes:
            issue.error_codes.append(code)
            if all(draft.code != code for draft in parsed.error_codes):
                # What the user sees is the best description the section gives of the code.
                parsed.error_codes.append(ErrorCodeDraft(code=code, description=symptoms[0]))
    counts = parts_summary(
        symptoms=len(symptoms),
        causes=len(causes),
        fixes=len(fix_texts),
        codes=issue.error_codes,
    )
    parsed.note(
        _("section %(number)s “%(title)s”: %(parts)s")
        % {"number": section.number, "title": issue.title, "parts": counts}
    )
    return issue


def _keep_free_text(parsed: ParsedFile, issue: IssueDraft, text: str, *, where: str) -> None:
    text = clean(text)
    if not text:
        return
    parsed.free_text.append(_("%(where)s: %(text)s") % {"where": where, "text": text})
    if text not in issue.internal_notes:
        issue.internal_notes = f"{issue.internal_notes}\n\n{text}".strip()


def _case_item(number: int, case: str) -> str:
    problem, separator, check = case.partition(" - ")
    if not separator:
        return f"{number}. {case}"
    return f"{number}. **{problem.strip()}**：{check.strip()}"


class _Guide:
    """The troubleshooting-guide part of a document (everything outside FAQ sections)."""

    def __init__(self, parsed: ParsedFile):
        self.parsed = parsed
        self.heading = ""
        self.intro: list[str] = []
        self.steps: list[list[str]] = []
        self.cases: list[str] = []
        self.code_fixes: dict[str, list[str]] = {}
        self.current_code: str | None = None
        self.free: list[str] = []
        self.notes: list[str] = []  # recognised sentences the reader still needs to see
        self.tables: list = []

    @property
    def has_content(self) -> bool:
        return bool(self.steps or self.cases or self.intro or self.code_fixes or self.tables)

    def add_line(self, line: str) -> None:
        plain = ascii_digits(line.strip())
        code_header = _ITEM.match(plain)
        if code_header and _CODE_HEADER.match(code_header.group(2).strip()):
            found = _CODE_HEADER.match(code_header.group(2).strip())
            self.current_code = code_text(found.group(1) or found.group(2))
            self.code_fixes.setdefault(self.current_code, [])
            return
        if _BOILERPLATE.search(line):
            self.free.append(line)
            return
        if self.current_code is not None:
            self.code_fixes[self.current_code].append(line)
            return
        step = _ITEM.match(plain)
        if step and int(step.group(1)) == len(self.steps) + 1:
            self.steps.append([step.group(2).strip()])
            return
        case = _CASE.match(plain)
        if case and self.steps and int(case.group(1)) == len(self.cases) + 1:
            self.cases.append(case.group(2).strip())
            return
        if _NETWORK_SENTENCE.search(line) and codes_in(line):
            self.network_sentence(line)
            self.notes.append(line.strip())
            return
        if self.steps:
            self.steps[-1].append(line.strip())
        elif not self.cases:
            self.intro.append(line.strip())
        else:
            self.free.append(line)

    def network_sentence(self, line: str) -> None:
        network_part, _sep, other_part = line.partition("非网络相关")
        network, non_network = set(codes_in(network_part)), set(codes_in(other_part))
        for draft in self.parsed.error_codes:
            inside, outside = draft.code in network, draft.code in non_network
            if inside and outside:
                draft.network_relation = "both"
            elif inside or outside:
                draft.network_relation = "network" if inside else "non_network"
        self.parsed.note(
            _("network relation: network %(network)s; not network %(other)s")
            % {"network": ", ".join(sorted(network)), "other": ", ".join(sorted(non_network))}
        )

    def add_table(self, table) -> None:
        kind = table.kind()
        if kind == "error_codes":
            records = table.records(ERROR_CODE_COLUMNS)
            for record in records:
                self.parsed.error_codes.append(
                    ErrorCodeDraft(
                        code=code_text(record["code"]),
                        constant=record.get("constant", "").strip() or None,
                        description=clean(record.get("description", "")) or None,
                        callbacks=record.get("callbacks", "").strip() or None,
                    )
                )
            self.parsed.note(
                _("error-code table: %(codes)s")
                % {"codes": ", ".join(code_text(r["code"]) for r in records)}
            )
            self.tables.append(table)
            return
        if kind == "endpoints":
            rows = [
                Endpoint(
                    host=r["host"].strip(),
                    ports=r["ports"].strip(),
                    description=r.get("description", "").strip(),
                )
                for r in table.records(ENDPOINT_COLUMNS)
            ]
            self.parsed.endpoint_tables.append(
                EndpointTable(issue_source=f"{self.parsed.name}#procedure", rows=rows)
            )
            self.parsed.note(
                ngettext(
                    "endpoint table: %(count)d endpoint kept in the fix text",
                    "endpoint table: %(count)d endpoints kept in the fix text",
                    len(rows),
                )
                % {"count": len(rows)}
            )
        else:
            self.parsed.note(
                _("table with columns %(columns)s kept in the text")
                % {"columns": ", ".join(table.header)}
            )
        self.tables.append(table)
        target = self.steps[-1] if self.steps else self.intro
        target.append(table.markdown)

    def issue(self) -> IssueDraft | None:
        if not (self.steps or self.cases):
            return None
        parsed = self.parsed
        intro = clean("\n\n".join(self.intro))
        title = self.heading or first_clause(intro) or parsed.name
        if self.cases:
            # "1)problem - check" items belong to the step that introduces them.
            self.steps[-1].append(
                "\n".join(_case_item(n, case) for n, case in enumerate(self.cases, 1))
            )
        issue = IssueDraft(
            source=f"{parsed.name}#procedure",
            title=clean(title),
            summary=clean("\n\n".join([intro, *self.notes])),
            fixes=[FixSpec(body=clean("\n\n".join(step))) for step in self.steps],
            # The procedure is what to do for network errors; codes the document says are
            # not network related are answered by their own explanation instead.
            error_codes=[d.code for d in parsed.error_codes if d.network_relation != "non_network"],
        )
        steps = ngettext("%(count)d step", "%(count)d steps", len(self.steps)) % {
            "count": len(self.steps)
        }
        cases = ngettext("%(count)d common case", "%(count)d common cases", len(self.cases)) % {
            "count": len(self.cases)
        }
        parsed.note(
            (
                _("procedure: %(steps)s, %(cases)s, introduction kept as the summary")
                if intro
                else _("procedure: %(steps)s, %(cases)s")
            )
            % {"steps": steps, "cases": cases}
        )
        return issue

    def finish(self) -> None:
        for code, lines in self.code_fixes.items():
            text = clean("\n\n".join(lines))
            draft = next((d for d in self.parsed.error_codes if d.code == code), None)
            if draft is None:
                draft = ErrorCodeDraft(code=code)
                self.parsed.error_codes.append(draft)
            draft.fix = text
        if self.code_fixes:
            self.parsed.note(
                _("per-code explanations: %(codes)s") % {"codes": ", ".join(self.code_fixes)}
            )


class _PlainReader:
    """Reads a plain document line by line: each line is a table start, a section title, a
    heading, a label line ("原因：…"), a line inside a section, or a line of the guide."""

    def __init__(self, text: str, *, name: str):
        self.parsed = ParsedFile(name=name, format="plain")
        self.lines = text.split("\n")
        self.guide = _Guide(self.parsed)
        self.sections: list[_Section] = []
        self.section: _Section | None = None

    def read(self) -> ParsedFile:
        index = 0
        while index < len(self.lines):
            if not self.lines[index].strip():
                index += 1
            elif is_table_start(self.lines, index):
                index = self.on_table(index)
            else:
                index += 1
                self.on_line(self.lines[index - 1].strip(), index)
        return self.assemble()

    def on_table(self, index: int) -> int:
        table, index = read_table(self.lines, index)
        section = self.section
        if section is not None and table.kind() == "other":
            (section.labels[section.current] if section.current else section.loose).append(
                table.markdown
            )
        else:
            self.section = None
            self.guide.add_table(table)
        return index

    def on_line(self, stripped: str, next_index: int) -> None:
        heading = _HEADING.match(stripped)
        title_text = heading.group(2) if heading else stripped
        if self.starts_section(heading, title_text, next_index):
            return
        if heading:
            self.on_heading(title_text)
            return
        label = _LABEL_LINE.match(stripped)
        if self.section is not None and label:
            kind = next(k for k, words in LABELS.items() if label.group(1) in words)
            self.section.current = kind
            self.section.labels.setdefault(kind, []).append(_strip_emphasis(label.group(2)))
        elif self.section is not None and not _BOILERPLATE.search(stripped):
            target = self.section.labels[self.section.current] if self.section.current else None
            (target if target is not None else self.section.loose).append(stripped)
        else:
            self.guide.add_line(stripped)

    def starts_section(self, heading, title_text: str, next_index: int) -> bool:
        """A numbered title ("1. 扫码下载没有ip端口") opens a FAQ section: as a level-2+
        heading, or as a plain line when a label line follows it."""
        if heading and len(heading.group(1)) >= 2:
            numbered_title = _SECTION_TITLE.match(ascii_digits(title_text))
        else:
            numbered_title = _PLAIN_SECTION_TITLE.match(ascii_digits(title_text))
            next_line = next((n.strip() for n in self.lines[next_index:] if n.strip()), "")
            if numbered_title and not _LABEL_LINE.match(next_line):
                numbered_title = None
        if not numbered_title:
            return False
        self.section = _Section(numbered_title.group(1), numbered_title.group(2).strip())
        self.sections.append(self.section)
        return True

    def on_heading(self, title_text: str) -> None:
        self.section = None
        if not self.parsed.recognised and not self.sections:
            self.parsed.note(_("document title “%(title)s”") % {"title": title_text})
            self.guide.heading = self.guide.heading or title_text
        else:
            self.guide.add_line(title_text)

    def assemble(self) -> ParsedFile:
        parsed, guide = self.parsed, self.guide
        guide.finish()
        for item in self.sections:
            parsed.issues.append(_section_issue(parsed, item))
        procedure = guide.issue()
        if procedure is not None:
            parsed.issues.insert(0, procedure)
        home = procedure or (parsed.issues[0] if parsed.issues else None)
        leftovers = guide.free + ([] if procedure else guide.intro)
        for line in leftovers:
            if home is None:
                parsed.free_text.append(clean(line))
            else:
                _keep_free_text(parsed, home, line, where=_("document"))
        if not parsed.issues and not parsed.error_codes:
            parsed.warnings.append(_("nothing recognised: no numbered sections, tables or steps"))
        return parsed


def parse_plain(text: str, *, name: str) -> ParsedFile:
    return _PlainReader(text, name=name).read()
