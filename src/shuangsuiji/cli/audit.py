"""ssj audit: every rule of docs/audit.md, every draw re-run, git history read; exit code for CI."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .options import Json, OnlyYear, WorkspaceDir, date_option

HELP = """\
审计工作区：校验全部名录、方案和记录的格式；按记录重算每一次抽取和匹配；读取 git 历史，查记录是否被改动、
重抽是否有理由、预备与执行之间名录是否被改、方案重大调整是否重新报批；逐条核查 docs/audit.md 的规则
（最低比例、重点单位、两年覆盖、冷却期与上限、检查组、回避、轮换、工作量……）。

锚点：已公开的方案、报告和公开文件都印有所依据的完整提交编号。用 --anchor 给出这些编号（或写入
ssj.yaml 的 `anchors`），审计核查它们仍在当前历史上、其中的记录此后未被改动；
历史被改写（修补提交、变基、回退后重抽、强制推送）即为 R14 错误。

退出码：0 没有错误；1 有错误（加 --strict 时警告也算）；2 工作区无法读取或参数有误。

示例：ssj audit
      ssj audit --year 2026 --json
      ssj audit --since origin/main --format github        （拉取请求：只报新提交引起的问题）
      ssj audit --since origin/main --format gitlab -o gl-code-quality-report.json
      ssj audit --anchor 3f2a9c0e…（已公开文件上的完整提交编号，可重复）
"""

ROWS_PER_RULE = 30


class Format(str, Enum):
    text = "text"
    github = "github"
    gitlab = "gitlab"


def audit(
    ctx: typer.Context,
    year: OnlyYear = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="修订",
            help="只报告自该修订（分支、标签、提交；取与 HEAD 的共同祖先）以来的改动引起的问题",
        ),
    ] = None,
    output_format: Annotated[
        Format,
        typer.Option(
            "--format", help="text 表格；github 工作流注释行；gitlab Code Quality 报告（JSON）"
        ),
    ] = Format.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="文件",
            help="把 --format 的结果写入文件，屏幕上仍显示表格",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="警告也使审计不通过（退出码 1）")
    ] = False,
    as_of: Annotated[date | None, date_option("--as-of", help="按该日期判断期限，默认今天")] = None,
    anchors: Annotated[
        list[str] | None,
        typer.Option(
            "--anchor",
            metavar="提交",
            help="已公开文件所依据的提交（完整或缩写的编号，可重复）：核查它仍在历史上、"
            "其中的记录未被改动；ssj.yaml 的 `anchors` 也一并核查",
            show_default=False,
        ),
    ] = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..audit import run
    from ..audit.formats import github, gitlab
    from ..storage.files import write_atomic

    ws = ctx.obj.workspace()
    report = run(ws, year=year, since=since, as_of=as_of, anchors=anchors or ())
    formatted = None
    if output_format is Format.github:
        formatted = github(report.findings, report.prefix)
    elif output_format is Format.gitlab:
        formatted = gitlab(report.findings, report.prefix)
    if output is not None and formatted is not None:
        write_atomic(output.resolve(), formatted)
    if json_output:
        from .output import emit_json

        emit_json(report.as_dict(strict))
    elif formatted is not None and output is None:
        import sys

        sys.stdout.write(formatted)
        if output_format is Format.github:
            sys.stdout.write(_verdict(report, strict)[0] + "\n")
    else:
        _show(report, strict)
    if not report.ok(strict):
        raise typer.Exit(1)


def _verdict(report, strict: bool) -> tuple[str, str]:
    """The one-line verdict and its colour."""
    errors, warnings = len(report.errors), len(report.warnings)
    rules = sorted({f.rule for f in report.findings if f.severity == "error" or strict})
    scope = []
    if report.year:
        scope.append(f"{report.year} 年度")
    if report.since:
        scope.append(f"自 {report.since}（{(report.base or '')[:10]}）以来的改动")
    where = ("，范围：" + "、".join(scope)) if scope else ""
    if report.ok(strict):
        text = f"审计通过：没有错误，{warnings} 个警告{where}"
        return text, "green"
    failed = "审计未通过" + ("（--strict：警告也算）" if strict and not errors else "")
    text = f"{failed}：{errors} 个错误，{warnings} 个警告（{'、'.join(rules)}）{where}"
    return text, "red"


def _show(report, strict: bool) -> None:
    from rich.table import Table

    from ..audit.findings import RULES
    from .output import console, styled

    by_rule: dict[str, list] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    for rule, found in by_rule.items():
        errors = sum(f.severity == "error" for f in found)
        title = f"{rule} {RULES.get(rule, '')}：{errors} 个错误，{len(found) - errors} 个警告"
        grid = Table(title=title, title_justify="left", show_lines=True)
        grid.add_column("级别", no_wrap=True)
        grid.add_column("位置", overflow="fold", max_width=36)
        grid.add_column("问题与修改建议", ratio=1, overflow="fold")
        for f in found[:ROWS_PER_RULE]:
            level = styled(("错误", "red") if f.severity == "error" else ("警告", "yellow"))
            where = f.file + (f":{f.line}" if f.line else "")
            text = styled(f.message, *([("\n修改：" + f.fix, "dim")] if f.fix else []))
            grid.add_row(level, styled(where), text)
        console.print(grid)
        if len(found) > ROWS_PER_RULE:
            console.print(f"  ……另有 {len(found) - ROWS_PER_RULE} 条，用 --json 查看全部")
    checked = report.checked
    console.print(
        f"已核查：{checked.get('draws', 0)} 份抽取记录、{checked.get('assignments', 0)} 份匹配记录、"
        f"{checked.get('plans', 0)} 个年度方案、{checked.get('commits', 0)} 个相关提交"
        + (f"、{checked['anchors']} 个锚点" if checked.get("anchors") else "")
        + ("；未核查：" + "、".join(sorted(report.not_checked)) if report.not_checked else "")
    )
    verdict, colour = _verdict(report, strict)
    console.print(verdict, style=colour)
