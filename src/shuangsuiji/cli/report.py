"""ssj report: the filed plan (GB/T 9704) and the year's results, as docx, html or md."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .options import Json, WorkspaceDir, Year, date_option

HELP = """\
生成年度报告：方案（--kind plan，报司法局和上级备案的“双随机、一公开”监管抽查工作方案）、
工作情况报告（--kind results：计划完成率、隐患整改和到期复查、违法行为查处、结果公开、回访）或
执法监督统计（--kind supervision：检查台账中同一单位的检查次数及分布、检查类型、联合检查和非现场检查的占比、
超过频次上限的单位、抽查计划完成情况，供司法局和行政执法统计年报使用）。

数字全部取自工作区：名录库、抽取和匹配记录、检查记录、检查台账、公开记录、年度方案和法定节假日安排。
docx 按 GB/T 9704-2012 排版（A4，3号仿宋，每页22行、每行28字，页码“— 1 —”）；html 为可打印的单一网页；
md 为纯文本，便于在 git 中比较。默认写入 plans/<年度>/reports/<kind>.<格式>（不自动提交）。

示例：ssj report --year 2026 --format docx
      ssj report --year 2026 --kind results --format html -o 2026年度工作情况.html
      ssj report --year 2026 --format md -o -      （输出到标准输出）
"""


class Format(str, Enum):
    docx = "docx"
    html = "html"
    md = "md"


class Kind(str, Enum):
    plan = "plan"
    results = "results"
    supervision = "supervision"


def report(
    ctx: typer.Context,
    year: Year = None,
    fmt: Annotated[Format, typer.Option("--format", help="docx、html 或 md")] = Format.docx,
    kind: Annotated[
        Kind,
        typer.Option(
            "--kind", help="plan 年度方案；results 工作情况报告；supervision 执法监督统计"
        ),
    ] = Kind.plan,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="文件",
            help="输出文件；“-”为标准输出（md、html）",
            show_default=False,
        ),
    ] = None,
    day: Annotated[
        date | None,
        date_option("--date", help="成文日期（工作情况报告统计截至此日），默认今天"),
    ] = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..core.problems import InputError
    from ..render import plan_doc, results_doc, supervision_doc
    from ..services import report as reports
    from ..storage.files import write_atomic
    from .output import console, emit_json

    ws = ctx.obj.workspace()
    year = ctx.obj.year(year)
    when = day
    if kind is Kind.plan:
        facts = reports.plan_facts(ws, year, when)
        document = plan_doc.plan_document(facts)
    elif kind is Kind.results:
        facts = reports.results_facts(ws, year, when)
        document = results_doc.results_document(facts)
    else:
        facts = reports.supervision_facts(ws, year, when)
        document = supervision_doc.supervision_document(facts)
    data = render(document, fmt.value)
    if output is not None and str(output) == "-":
        if fmt is Format.docx:
            raise InputError("docx 不能输出到标准输出；请用 -o 指定文件")
        typer.echo(data, nl=False)
        return
    path = output or ws.plan_dir(year) / "reports" / f"{kind.value}.{fmt.value}"
    path = path if path.is_absolute() else Path.cwd() / path
    write_atomic(path, data)
    shown = ws.rel(path) if path.resolve().is_relative_to(ws.root) else str(path)
    if json_output:
        emit_json(
            {
                "year": year,
                "kind": kind.value,
                "format": fmt.value,
                "file": shown,
                "title": document.title,
                "summary": summary(facts, kind.value),
            }
        )
        return
    console.print(f"已生成{document.title}：{shown}")
    if kind is Kind.plan and facts.expected:
        console.print("尚未抽取：抽取数、任务数为按方案比例计算的预计数。")


def render(document, fmt: str) -> bytes | str:
    if fmt == "docx":
        from ..render import docx

        return docx.render(document)
    if fmt == "html":
        from ..render import html

        return html.render(document)
    from ..render import md

    return md.render(document)


def summary(facts, kind: str) -> dict:
    """The headline numbers of a report, for --json."""
    if kind == "supervision":
        from ..services.report import supervision_summary

        return supervision_summary(facts)
    if kind == "plan":
        t = facts.total
        return {
            "expected": facts.expected,
            "units": facts.roster_units,
            "key": t.key,
            "forced": t.forced,
            "pool": t.pool,
            "selected": t.selected,
            "tasks": t.key + t.forced + (t.selected or 0),
            "officers": t.officers,
            "categories": [
                {
                    "category": c.category,
                    "total": c.total,
                    "key": c.key,
                    "pool": c.pool,
                    "ratio": c.ratio,
                    "selected": c.selected,
                    "officers": c.officers,
                }
                for c in facts.categories
            ],
            "capacity_fits": facts.capacity.fits,
        }
    t = facts.total
    return {
        "planned": t.planned,
        "recorded": t.recorded,
        "hazards": t.hazards,
        "closed": t.closed,
        "reinspection_due": t.due_reinspection,
        "reinspected_on_time": t.reinspected_on_time,
        "violations": t.violations,
        "handled": t.handled,
        "penalties": facts.penalties,
        "disclosure": facts.disclosure,
        "codes": facts.codes,
    }
