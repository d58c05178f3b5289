"""What the user sees: rich tables for people, one JSON document with --json."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ..core.problems import Problem

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def _default(value: Any) -> Any:
    if isinstance(value, (date, Decimal, Path)):
        return str(value)
    if is_dataclass(value):
        return asdict(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=_default))
    sys.stdout.write("\n")


def problem_dict(problem: Problem, severity: str = "error") -> dict[str, Any]:
    return {
        "severity": severity,
        "file": problem.file,
        "line": problem.line,
        "row": problem.row,
        "field": problem.field,
        "message": problem.message,
    }


def problems_table(problems: list[Problem], title: str = "输入有误") -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("文件")
    table.add_column("行", justify="right")
    table.add_column("字段")
    table.add_column("问题")
    for p in problems:
        where = p.row if p.row is not None else p.line
        table.add_row(p.file, "" if where is None else str(where), p.field or "", p.message)
    return table


# Columns that hold codes: a truncated 统一社会信用代码 is worse than a wide table.
CODE_COLUMNS = ("代码", "编号", "证号", "签号")


def table(title: str | None, columns: list[str], rows: list[list[Any]], **kw: Any) -> Table:
    result = Table(title=title, title_justify="left", **kw)
    for column in columns:
        whole = any(word in column for word in CODE_COLUMNS)
        result.add_column(column, no_wrap=whole, overflow="fold" if not whole else "ellipsis")
    for row in rows:
        result.add_row(*("" if c is None else str(c) for c in row))
    return result
