"""What the user sees: rich tables for people, one JSON document with --json."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.problems import Problem

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text


@cache
def _console(stderr: bool) -> Console:
    from rich.console import Console

    # Markup off: a message quotes the user's data ("[/red]" in a seed source stays text);
    # styles are given as `style=` or as `styled` parts, never inside the text.
    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False)


class _Made:
    """The console (`errors`: of stderr), made when first used: a command that prints JSON
    never imports rich (about 50 ms at start-up), even where it imports `console`."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr

    def __getattr__(self, name: str) -> Any:
        return getattr(_console(self._stderr), name)


console: Console = _Made(False)  # type: ignore[assignment]
errors: Console = _Made(True)  # type: ignore[assignment]


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of text and (text, style) parts, e.g. styled(("拒绝：", "red"), message)."""
    from rich.text import Text

    return Text.assemble(*parts)


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
    """Indented for a person at a terminal; one line for a program (the C encoder: a
    100,000-unit draw's document is written ten times faster)."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=indent, default=_default))
    sys.stdout.write("\n")


# Bureau staff read times in China Standard Time (no daylight saving), wherever the
# record was written: a record stamped on a UTC server shows the same hour as one
# stamped in the bureau.
CHINA_TIME = timezone(timedelta(hours=8))


def local_time(stamp: datetime | str) -> str:
    """A recorded time as staff read it: 2026-12-02T18:49:56+08:00 → 2026年12月2日 18:49:56（UTC+8）.

    An ISO text is read first; a time without an offset is shown as it is, unlabelled.
    """
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    if stamp.tzinfo is None:
        return f"{stamp.year}年{stamp.month}月{stamp.day}日 {stamp:%H:%M:%S}"
    here = stamp.astimezone(CHINA_TIME)
    return f"{here.year}年{here.month}月{here.day}日 {here:%H:%M:%S}（UTC+8）"


def problem_dict(problem: Problem, severity: str = "error") -> dict[str, Any]:
    return problem.as_json(severity)


def text(value: Any) -> Text:
    """A value shown in a table: as it is, never read as rich markup ("[/red]" stays "[/red]").

    A `Text` rather than an escaped string: rich.markup.escape doubles a trailing backslash.
    """
    from rich.text import Text

    return Text("" if value is None else str(value))


# A terminal shows a few hundred rows usefully; the whole list is in the record and --json.
MAX_ROWS = 300


def problems_table(problems: list[Problem], title: str = "输入有误") -> Table:
    """The first MAX_ROWS problems (rich lays out ten thousand rows in seconds); --json
    lists them all."""
    from rich.table import Table

    kw: dict[str, Any] = {}
    if len(problems) > MAX_ROWS:
        kw = {
            "caption": f"仅显示前 {MAX_ROWS} 条（共 {len(problems)} 条）；全部问题见 --json",
            "caption_justify": "left",
        }
    table = Table(title=text(title), title_justify="left", show_lines=False, **kw)
    table.add_column("文件")
    table.add_column("行", justify="right")
    table.add_column("字段")
    table.add_column("问题")
    for p in problems[:MAX_ROWS]:
        where = p.row if p.row is not None else p.line
        table.add_row(text(p.file), text(where), text(p.field), text(p.message))
    return table


# Columns that hold codes: a truncated 统一社会信用代码 is worse than a wide table.
CODE_COLUMNS = ("代码", "编号", "证号", "签号")


def table(title: str | None, columns: list[str], rows: list[list[Any]], **kw: Any) -> Table:
    """A table of data: the title, headers and every cell printed literally (no markup)."""
    from rich.table import Table

    shown = rows[:MAX_ROWS]
    if len(rows) > MAX_ROWS:
        kw.setdefault(
            "caption", f"仅显示前 {MAX_ROWS} 行（共 {len(rows)} 行）；全部内容见记录文件或 --json"
        )
        kw.setdefault("caption_justify", "left")
    result = Table(title=None if title is None else text(title), title_justify="left", **kw)
    for column in columns:
        whole = any(word in column for word in CODE_COLUMNS)
        result.add_column(text(column), no_wrap=whole, overflow="fold" if not whole else "ellipsis")
    for row in shown:
        result.add_row(*(text(c) for c in row))
    return result
