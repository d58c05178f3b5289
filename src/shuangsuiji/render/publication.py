"""The publication of results (一公开, docs/audit.md R11): xlsx, csv, json and one html page.

Renders rows already reduced to the public fields (`core.results.PUBLIC_FIELDS`), and the
full id of the commit they were made from (an anchor for `ssj audit --anchor`); it adds
nothing else and reads nothing. Spreadsheet cells that a spreadsheet would run as
a formula are escaped by `storage.tabular`; html is escaped and self-contained (no
script, no external file), ready to post on a bureau's website.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any

from ..core.results import GSXT_FIELDS, PUBLIC_FIELDS
from .wording import COMMIT_LABEL, NO_COMMIT


@dataclass
class Public:
    """One published result: public fields only."""

    entity: str
    name: str
    authority: str
    type: str
    items: list[str]
    completed: date
    result: str
    handling: str
    inspectors: list[tuple[str, str]] = field(default_factory=list)  # (name, certificate)

    def cells(self) -> list[str]:
        return [
            self.entity,
            self.name,
            self.authority,
            self.type,
            "；".join(self.items),
            self.completed.isoformat(),
            self.result,
            self.handling,
            "、".join(f"{n}（{c}）" for n, c in self.inspectors),
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "name": self.name,
            "authority": self.authority,
            "type": self.type,
            "items": self.items,
            "completed": self.completed.isoformat(),
            "result": self.result,
            "handling": self.handling,
            "inspectors": [{"name": n, "certificate": c} for n, c in self.inspectors],
        }


@dataclass
class Sheet:
    title: str  # e.g. 青岚区应急管理局2026年度“双随机、一公开”抽查检查结果
    authority: str
    year: int
    date: date
    rows: Sequence[Public]
    commit: str | None = None  # HEAD when the publication was made (None: no commit yet)

    @property
    def made_from(self) -> str:
        """“依据的提交（完整编号）：<id>”, one text: a spreadsheet reads a bare id of digits
        (or digits and one e) as a number and would lose it."""
        return f"{COMMIT_LABEL}：{self.commit or NO_COMMIT}"


HEADERS = ["序号", *PUBLIC_FIELDS.values()]


def table(sheet: Sheet) -> list[list[object]]:
    return [[n, *row.cells()] for n, row in enumerate(sheet.rows, start=1)]


def _with_commit(sheet: Sheet) -> list[list[object]]:
    """The rows and, under them, one line naming the commit (in the 序号 column)."""
    return [*table(sheet), [sheet.made_from]]


def to_xlsx(sheet: Sheet) -> bytes:
    from ..storage import tabular

    return tabular.write_xlsx(HEADERS, _with_commit(sheet), title="抽查检查结果")


def to_csv(sheet: Sheet) -> bytes:
    from ..storage import tabular

    return tabular.write_csv(HEADERS, _with_commit(sheet))


def to_json(sheet: Sheet) -> bytes:
    document = {
        "title": sheet.title,
        "authority": sheet.authority,
        "year": sheet.year,
        "date": sheet.date.isoformat(),
        "commit": sheet.commit,
        "fields": PUBLIC_FIELDS,
        "results": [row.as_json() for row in sheet.rows],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


CSS = """
body { margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222;
       font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "SimSun", sans-serif; }
h1 { font-size: 1.5em; text-align: center; font-weight: normal; }
p.meta { text-align: center; color: #555; }
p.commit { color: #555; font-size: 0.9em; overflow-wrap: anywhere; }
code { font-family: Consolas, "Courier New", monospace; }
table { width: 100%; border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #999; padding: 0.4em 0.5em; vertical-align: top; text-align: left; }
th { background: #f0f0f0; white-space: nowrap; }
td.n { text-align: right; white-space: nowrap; }
td.id, td.d { white-space: nowrap; }
@media print { body { margin: 0; max-width: none; } th { background: none; } }
"""


def to_html(sheet: Sheet) -> bytes:
    def cell(value: object, css: str = "") -> str:
        klass = f' class="{css}"' if css else ""
        return f"<td{klass}>{escape(str(value), quote=True)}</td>"

    head = "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
    body = []
    for n, row in enumerate(sheet.rows, start=1):
        cells = row.cells()
        classes = ["id", "", "", "", "", "d", "", "", ""]
        body.append(
            "<tr>"
            + cell(n, "n")
            + "".join(cell(v, c) for v, c in zip(cells, classes, strict=True))
            + "</tr>"
        )
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(sheet.title)}</title>
<style>{CSS}</style>
</head>
<body>
<h1>{escape(sheet.title)}</h1>
<p class="meta">{escape(sheet.authority)} · 公开日期 {sheet.date.isoformat()} · 共 {len(sheet.rows)} 项</p>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
<p class="commit">{escape(COMMIT_LABEL)}：<code>{escape(sheet.commit or NO_COMMIT)}</code></p>
</body>
</html>
"""
    return page.encode("utf-8")


@dataclass
class GsxtRow:
    """One result in the fields of the 国家企业信用信息公示系统 双随机抽查结果 (GSXT_FIELDS)."""

    entity: str
    name: str
    plan_code: str
    plan_name: str
    task_code: str
    task_name: str
    kind: str  # 定向 / 不定向
    authority: str
    completed: date
    items: list[str]
    result: str  # the platform's wording
    result_code: str

    def cells(self) -> list[str]:
        return [
            self.entity,
            self.name,
            self.plan_code,
            self.plan_name,
            self.task_code,
            self.task_name,
            self.kind,
            self.authority,
            self.completed.isoformat(),
            "；".join(self.items),
            self.result,
            self.result_code,
        ]


GSXT_HEADERS = list(GSXT_FIELDS.values())


def to_gsxt(rows: Sequence[GsxtRow], suffix: str) -> bytes:
    """The rows for import into the platform: .xlsx or .csv (UTF-8 with BOM), header first,
    nothing under the rows (an import takes every row as a result)."""
    from ..storage import tabular

    table = [row.cells() for row in rows]
    if suffix == ".csv":
        return tabular.write_csv(GSXT_HEADERS, table)
    return tabular.write_xlsx(GSXT_HEADERS, table, title="双随机抽查结果")


RENDERERS = {"xlsx": to_xlsx, "csv": to_csv, "json": to_json, "html": to_html}


def render(sheet: Sheet, fmt: str) -> bytes:
    return RENDERERS[fmt](sheet)
