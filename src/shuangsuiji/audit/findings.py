"""What `ssj audit` reports: findings, the rules' names, and where in a file a thing is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"

# Rule number -> short Chinese name, in the order of docs/audit.md (the order of the report).
RULES: dict[str, str] = {
    "schema": "文件格式",
    "R1": "最低抽查比例",
    "R2": "重点单位每年检查",
    "R3": "两年内检查覆盖",
    "R5": "不重复检查（冷却期、年度上限、层级）",
    "R6": "检查组（人数、证件、在岗）",
    "R7": "回避",
    "R8": "轮换",
    "R9": "选派范围",
    "R9b": "检查记录",
    "R10": "隐患复查",
    "R11": "结果公开期限",
    "R12": "工作量测算",
    "R13": "方案批准、调整与重新报批",
    "R14": "抽取与匹配的完整性",
    "R15": "检查频次上限",
    "R16": "重复检查提示",
    "R17": "已公布的抽查事项",
}
ORDER = {rule: n for n, rule in enumerate(RULES)}


@dataclass(frozen=True)
class Finding:
    """One rule finding: where, what, and how to fix it (Chinese)."""

    rule: str  # "R1".."R17", "R9b" or "schema"
    severity: str  # ERROR / WARNING
    file: str  # relative to the workspace root, forward slashes
    message: str
    fix: str = ""
    line: int | None = None
    year: int | None = None  # the plan year it concerns (for --year); None: every year
    # Other files whose content caused the finding, and the commit that did (for --since).
    related: tuple[str, ...] = field(default=(), compare=False)
    commit: str | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
        }
        if self.year is not None:
            out["year"] = self.year
        if self.commit:
            out["commit"] = self.commit
        if self.related:
            out["related"] = list(self.related)
        return out

    def sort_key(self) -> tuple:
        return (
            ORDER.get(self.rule, len(ORDER)),
            self.severity != ERROR,
            self.file,
            self.line or 0,
            self.message,
        )


def error(rule: str, file: str, message: str, fix: str = "", **kw: Any) -> Finding:
    return Finding(rule, ERROR, file, message, fix, **kw)


def warning(rule: str, file: str, message: str, fix: str = "", **kw: Any) -> Finding:
    return Finding(rule, WARNING, file, message, fix, **kw)


_KEYED = re.compile(r"^\s*(?:-\s+)?(\w+):\s*(.*?)\s*(?:#.*)?$")


class Lines:
    """The line on which `key: value` first appears in a YAML text (a roster row, a task).

    One pass over the text, so that a finding about one unit of a 100,000-unit roster can
    name its line without parsing the file again.
    """

    def __init__(self, text: str) -> None:
        self._at: dict[tuple[str, str], int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if ":" not in line:
                continue
            match = _KEYED.match(line)
            if match:
                value = match.group(2).strip("'\"")
                self._at.setdefault((match.group(1), value), number)

    def of(self, key: str, value: str) -> int | None:
        return self._at.get((key, value))
