"""ssj plan: the year's plan. `init` writes it, `approve` records its approval (no draw
before it), `publish` writes the 年度抽查计划公告; `capacity`: does it fit the bureau (R12)?"""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .options import Json, NoCommit, WorkspaceDir, Year, date_option

HELP = """\
年度方案 plans/<年度>/plan.yaml：建立、批准、公告，以及工作量测算。

次序：ssj plan init 写出方案 → 按本局实际填写并提交 → 报批 → ssj plan approve 记录批准
→ ssj plan publish 写出年度抽查计划公告（同时公布抽查事项清单）→ ssj draw。方案未批准的年度不能抽取。
"""

INIT_HELP = """\
写出 plans/<年度>/plan.yaml：备案方案的各项内容（编制依据、指导思想与工作目标、抽查比例、重点检查范围、
检查时段、检查组、工作量测算的输入），逐项附中文说明。已有方案时不覆盖。写入后自动提交。

示例：ssj plan init --year 2026
"""

APPROVE_HELP = """\
在 plans/<年度>/plan.yaml 中记录方案的批准（批准日期、文号、批准机关）并提交：此时提交的方案即批准的方案。
批准之前不能抽取（ssj draw、ssj draw prepare 拒绝）；审计把批准之前的抽取列为错误（R13）。
批准日期是已发生的事：不能是将来的日期。方案重大调整后的重新报批记入 plan.yaml 的 `changes`。

示例：ssj plan approve --year 2026 --date 2026-01-10 --document 青政字〔2026〕3号
      ssj plan approve --year 2026 --date 2026-01-08 --document 局党组会议纪要〔2026〕1号 --by 局党组
"""

PUBLISH_HELP = """\
写出年度抽查计划公告（html 网页或 docx 公文），列出抽查计划、抽查比例、重点检查范围、抽查方式和
全部抽查事项；在 plan.yaml 的 `publications` 中记录公告日期和随之公布的事项编码并提交。
检查只能针对检查开始之日已公布的事项（R17）；事项也可在 rosters/items.yaml 中单独写明公布日期 `published`。

示例：ssj plan publish --year 2026 --format html -o 2026年度抽查计划公告.html
      ssj plan publish --year 2026 --date 2026-01-12 --reason 公告当日未及时录入 --format docx -o 公告.docx
"""

CAPACITY_HELP = """\
工作量测算（R12，安监总政法〔2017〕150号）：年度法定工作日 × 执法人员 − 其他执法工作日 − 非执法工作日，
与方案所需（检查任务 × 每组人数 × 每次天数，加复查、回访）比较，说明方案是否在执法力量之内。

法定工作日按国务院办公厅公布的节假日安排计算（holidays 软件包；未收录的年份用 calendars/<年度>.yaml 补充）。
执法人员取名录库中在岗、证件 1 月 1 日有效的执法人员（或方案 capacity.officers）；检查任务取本年度抽取记录，
尚未抽取时按方案比例预计。其他执法、非执法工作日和每次天数在 plans/<年度>/plan.yaml 的 capacity 中填写。

示例：ssj plan capacity --year 2026
      ssj plan capacity --year 2026 --json
"""

app = typer.Typer(help=HELP, no_args_is_help=True)


class Format(str, Enum):
    html = "html"
    docx = "docx"


@app.command("init", help=INIT_HELP)
def init(
    ctx: typer.Context,
    year: Year = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..services import plan as plans
    from .output import console, emit_json

    ws = ctx.obj.workspace()
    done = plans.init(ws, ctx.obj.year(year), commit=not no_commit)
    if json_output:
        emit_json(done.as_json())
        return
    console.print(
        f"已写出 {done.path}"
        + (f"，已提交 {done.commit[:10]}" if done.commit else "")
        + "。请按本局实际填写并提交，报批后用 ssj plan approve 记录批准"
    )


@app.command("approve", help=APPROVE_HELP)
def approve(
    ctx: typer.Context,
    day: Annotated[date, date_option("--date", help="批准日期（批准文件的日期）")],
    document: Annotated[str, typer.Option("--document", metavar="文号", help="批准文件的文号")],
    by: Annotated[
        str, typer.Option("--by", metavar="机关", help="批准机关，如 区人民政府、局党组")
    ] = "区人民政府",
    year: Year = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..services import plan as plans
    from .output import console, emit_json

    ws = ctx.obj.workspace()
    done = plans.approve(ws, ctx.obj.year(year), day, document, by, commit=not no_commit)
    if json_output:
        emit_json(done.as_json())
        return
    console.print(
        f"{done.year} 年度方案已记录批准：{done.approval}，{done.path}"
        + (f"，已提交 {done.commit[:10]}" if done.commit else "")
    )


@app.command("publish", help=PUBLISH_HELP)
def publish(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", metavar="文件", help="输出文件")],
    format: Annotated[Format, typer.Option("--format", help="html（网页）或 docx（公文）")] = (
        Format.html
    ),
    year: Year = None,
    day: Annotated[
        date | None, date_option("--date", help="公告日期，默认今天；早于今天须写 --reason")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="补录的理由（公告日期早于今天时必填）")
    ] = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..services import plan as plans
    from .output import console, emit_json

    ws = ctx.obj.workspace()
    done = plans.publish(
        ws, ctx.obj.year(year), day, format.value, output, commit=not no_commit, reason=reason
    )
    if json_output:
        emit_json(done.as_json())
        return
    console.print(
        f"已写出 {done.output}（抽查事项 {len(done.publication.items)} 项），"
        f"公告记录于 {done.path}" + (f"，已提交 {done.commit[:10]}" if done.commit else "")
    )


@app.command("capacity", help=CAPACITY_HELP)
def capacity(
    ctx: typer.Context,
    year: Year = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..core.problems import InputError
    from ..render.plan_doc import capacity_rows, capacity_verdict
    from ..services import report as reports
    from .output import console, emit_json, errors, styled, table

    ws = ctx.obj.workspace()
    year = ctx.obj.year(year)
    figures = reports.capacity_figures(ws, year)
    if json_output:
        emit_json(reports.capacity_json(figures))
        if figures.result is None:
            raise typer.Exit(2)
        return
    if figures.result is None:
        raise InputError(capacity_verdict(figures))
    rows = [row[:2] + row[2:] for row in capacity_rows(figures)]
    console.print(table(f"{year} 年度工作量测算（人·日）", ["", "项目", "计算", "人·日"], rows))
    console.print(f"检查任务数来自：{figures.tasks_source}")
    verdict = capacity_verdict(figures)
    if figures.fits:
        console.print(styled(("方案在执法力量之内：", "green"), verdict))
    else:
        errors.print(styled(("警告（R12）：", "yellow"), verdict))
