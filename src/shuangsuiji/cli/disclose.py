"""ssj disclose: 一公开 — deadlines on the official calendar and the publication."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .options import Json, NoCommit, WorkspaceDir, Year, date_option

HELP = """\
一公开（R11）：检查结果自检查结束之日起 20 个工作日内公开（按国务院办公厅节假日安排计算，调休上班日算工作日；
calendars/<年度>.yaml 可补充软件包尚未收录的年份，期限落在未收录年份时明确提示）。

公开内容：统一社会信用代码、单位名称、检查机关、检查类型、检查事项、检查完成日期、检查结果、违法行为处理情况、
检查人员姓名及执法证号；从不公开地址、联系人、联系电话和身份证号码。

示例：ssj disclose status --year 2026 --as-of 2026-04-01
      ssj disclose publish --year 2026 --date 2026-04-01 --format xlsx -o 抽查结果.xlsx
"""

app = typer.Typer(help=HELP, no_args_is_help=True)


class Format(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    html = "html"
    gsxt = "gsxt"


@app.command("status")
def status(
    ctx: typer.Context,
    year: Year = None,
    as_of: Annotated[date | None, date_option("--as-of", help="截至日期，默认今天")] = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """每个已记录任务的检查完成日期、公开期限、公开日期，以及是否逾期。

    JSON：`entries` 为 {`entity`, `completed`, `deadline`, `disclosed`, `overdue`, …} 的列表；
    `deadline` 为空时 `flag` 说明原因（期限所在年度的节假日安排未收录）。`overdue` 为真：逾期未公开，
    或公开时已逾期。

    示例：ssj disclose status --year 2026 --as-of 2026-04-01 --json
    """
    from ..core.followup import STATE_NAMES
    from ..services.disclose import status as compute
    from .output import console, emit_json, styled, table

    year = ctx.obj.year(year)
    ws = ctx.obj.workspace()
    day = as_of or ws.clock.today()
    entries = compute(ws, year, day)
    if json_output:
        emit_json(
            {"year": year, "as_of": day.isoformat(), "entries": [e.as_json() for e in entries]}
        )
        return
    rows = [
        [
            e.entity,
            e.name,
            e.completed,
            e.due.deadline or "未知",
            e.disclosed or "",
            STATE_NAMES[e.state] + ("，已更正待重新公开" if e.stale else ""),
        ]
        for e in entries
    ]
    console.print(
        table(
            f"{year} 年度检查结果公开情况（截至 {day}）",
            ["统一社会信用代码", "单位名称", "检查完成", "公开期限", "公开日期", "状态"],
            rows,
        )
    )
    flags = sorted({e.due.flag for e in entries if e.due.flag})
    for flag in flags:
        console.print(styled(("提示：", "yellow"), flag))
    late = [e for e in entries if e.state in ("overdue", "late")]
    if late:
        console.print(f"逾期 {len(late)} 项（R11）。", style="red")
    if not entries:
        console.print("尚无检查记录。")


@app.command("publish")
def publish(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", metavar="文件", help="输出文件")],
    format: Annotated[
        Format,
        typer.Option(
            "--format",
            help="xlsx、csv、json、html（单个网页），或 gsxt（国家企业信用信息公示系统的字段，-o 为 .xlsx 或 .csv）",
        ),
    ] = Format.xlsx,
    year: Year = None,
    day: Annotated[
        date | None, date_option("--date", help="公开日期，默认今天；早于今天须写 --reason")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="补录的理由（公开日期早于今天时必填）")
    ] = None,
    everything: Annotated[
        bool,
        typer.Option("--all", help="公开本年度截至该日的全部结果（默认只公开尚未公开或已更正的）"),
    ] = False,
    joint: Annotated[
        str | None,
        typer.Option(
            "--joint",
            metavar="联合抽查编号",
            help="只公开该联合抽查任务的结果：各参与部门的检查结果随发起部门的一并列出",
        ),
    ] = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """写出公开文件，并在 plans/<年度>/disclosures/<日期>.yaml 记录公开了哪些结果（自动提交）。

    以 = + - @ 开头的表格单元格会转义，防止公式注入；html 为一个不引用任何外部文件的网页，可直接发布。

    示例：ssj disclose publish --year 2026 --date 2026-04-01 --format html -o 抽查结果.html
    """
    from ..services.disclose import publish as run
    from .output import console, emit_json

    year = ctx.obj.year(year)
    done = run(
        ctx.obj.workspace(),
        year,
        day,
        format.value,
        output,
        everything,
        commit=not no_commit,
        reason=reason,
        joint_id=joint,
    )
    if json_output:
        emit_json(
            {
                "ok": True,
                "file": str(done.output),
                "format": format.value,
                "record": done.record_path,
                "sha256": done.publication.sha256,
                "entries": [e.model_dump(mode="json") for e in done.publication.entries],
                "commit": done.commit,
            }
        )
        return
    console.print(
        f"已写出 {done.output}（{done.rows} 项），公开记录 {done.record_path}"
        + (f"，已提交 {done.commit[:10]}" if done.commit else "")
    )
