"""Input problems: where (file, row or line, field) and what, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None  # line of a YAML file
    row: int | None = None  # row of a CSV/XLSX sheet, as the spreadsheet numbers it
    field: str | None = None  # the Chinese header or key

    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        elif self.line is not None:
            parts.append(f"第 {self.line} 行")
        if self.field:
            parts.append(f"字段“{self.field}”")
        return "，".join(parts)

    def as_json(self, severity: str = "error") -> dict:
        """The problem in a --json document."""
        return {
            "severity": severity,
            "file": self.file,
            "line": self.line,
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = self.where()
        return f"{where}：{self.message}" if where else self.message


class InputError(Exception):
    """Bad input: the command writes nothing and exits 2."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(file=file, message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Refused(Exception):
    """A refused action (exit 1): the input is fine but a rule forbids it."""
