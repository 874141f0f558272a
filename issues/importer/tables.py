"""Pipe tables ("a | b | c |" with a "---|---|" separator line) and what they hold."""

import re
from dataclasses import dataclass

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")

ERROR_CODE_COLUMNS = {
    "code": ("错误码", "错误代码", "返回码", "code", "error code"),
    "constant": ("名称", "常量", "常量名", "name", "constant"),
    "description": ("说明", "描述", "含义", "description", "meaning"),
    "callbacks": ("回调函数", "回调", "callback", "callbacks"),
}
ENDPOINT_COLUMNS = {
    "host": ("url", "域名", "地址", "host", "主机"),
    "ports": ("端口", "port", "ports"),
    "description": ("描述", "说明", "用途", "description"),
}


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    markdown: str  # the table as written, for keeping it in a fix's text

    def columns(self, names: dict[str, tuple[str, ...]]) -> dict[str, int] | None:
        """Map our field names to column indexes, or None when a required one is missing."""
        lowered = [cell.strip().lower() for cell in self.header]
        found = {}
        for field_name, aliases in names.items():
            for index, cell in enumerate(lowered):
                if cell in aliases:
                    found[field_name] = index
                    break
        return found

    def kind(self) -> str:
        code_columns = self.columns(ERROR_CODE_COLUMNS)
        if "code" in code_columns and len(code_columns) >= 2:
            return "error_codes"
        endpoint_columns = self.columns(ENDPOINT_COLUMNS)
        if {"host", "ports"} <= endpoint_columns.keys():
            return "endpoints"
        return "other"

    def records(self, names: dict[str, tuple[str, ...]]) -> list[dict[str, str]]:
        columns = self.columns(names)
        return [
            {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
            for row in self.rows
        ]


def split_row(line: str) -> list[str]:
    cells = [cell.strip() for cell in line.strip().split("|")]
    if cells and cells[0] == "" and line.strip().startswith("|"):
        cells = cells[1:]
    if cells and cells[-1] == "":
        cells = cells[:-1]
    return cells


def is_table_start(lines: list[str], index: int) -> bool:
    return (
        "|" in lines[index] and index + 1 < len(lines) and bool(_SEPARATOR.match(lines[index + 1]))
    )


def read_table(lines: list[str], index: int) -> tuple[Table, int]:
    """The table starting at ``index`` and the index of the first line after it."""
    header = split_row(lines[index])
    end = index + 2
    rows = []
    while end < len(lines) and "|" in lines[end] and lines[end].strip():
        rows.append(split_row(lines[end]))
        end += 1
    body = [f"| {' | '.join(header)} |", "|" + "---|" * len(header)]
    body += [f"| {' | '.join(row)} |" for row in rows]
    return Table(header=header, rows=rows, markdown="\n".join(body)), end
