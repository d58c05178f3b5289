"""ssj plan: the year's plan. `ssj plan capacity`: does the plan fit the bureau (R12)?"""

from __future__ import annotations

import typer

from .options import Json, WorkspaceDir, Year

HELP = "年度方案：工作量测算等。"

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


@app.command("capacity", help=CAPACITY_HELP)
def capacity(
    ctx: typer.Context,
    year: Year = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..core.problems import InputError
    from ..render.content import capacity_rows, capacity_verdict
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
