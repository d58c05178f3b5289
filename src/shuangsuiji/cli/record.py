"""ssj record: results of inspections, hazards, re-inspections, penalties; amendments kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from .help import ChineseGroup
from .options import DryRun, Json, NoCommit, WorkspaceDir, Year, date_option

HELP = """\
记录检查结果（R9b）：检查日期、到场人员、检查事项、检查结果（全国统一的结果类型）、发现的隐患及整改期限、
复查、行政处罚。记录写入 plans/<年度>/records/<统一社会信用代码>.yaml 并自动提交；只追加新版本，
已记录的内容从不改写：补充（复查、处罚）自动成为新版本，更正须写明理由，每一版都留在文件和 git 历史中。

示例：ssj record 91350102604010605L --end 2026-03-10 --result 未发现问题
      ssj record 91350102604010605L --end 2026-03-10 --result 发现问题已责令改正 --hazard "消防通道堵塞;一般;2026-03-24"
      ssj record --from 检查结果.xlsx          （一行一个任务或一个隐患；有一行出错则不写入任何内容）
      ssj record template -o 检查结果.xlsx     （带下拉列表的空白表，已填好本年度待记录的任务）
      ssj record reinspect 91350102604010605L --date 2026-03-24 --outcome 已整改
      ssj record show 91350102604010605L       （各版本及其变更）
"""


class TaskOrCommand(ChineseGroup):
    """`ssj record TASK …` runs `add`; `ssj record template …` runs the sub-command."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["add", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(help=HELP, cls=TaskOrCommand, no_args_is_help=False)

DrawId = Annotated[
    str | None,
    typer.Option(
        "--draw", metavar="抽取编号", help="同一单位本年度有两次任务时指定是哪一次抽取的任务"
    ),
]
Task = Annotated[
    str | None,
    typer.Argument(metavar="任务", help="检查任务：单位的统一社会信用代码（或编号、单位名称）"),
]
Unit = Annotated[
    str, typer.Argument(metavar="单位", help="单位的统一社会信用代码（或编号、单位名称）")
]


@app.command("add")
def add(
    ctx: typer.Context,
    task: Task = None,
    source: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="文件",
            help="从 CSV（UTF-8 或 GB18030）、XLSX 或 YAML 批量记录：一行一个任务或一个隐患",
        ),
    ] = None,
    year: Year = None,
    draw_id: DrawId = None,
    start: Annotated[
        date | None, date_option("--start", help="检查开始日期；默认同结束日期")
    ] = None,
    end: Annotated[date | None, date_option("--end", help="检查结束日期，如 2026-03-10")] = None,
    inspectors: Annotated[
        str | None,
        typer.Option(
            "--inspectors", help="到场人员的执法证号（或姓名），以 ; 分隔；默认为匹配的检查组"
        ),
    ] = None,
    team_reason: Annotated[
        str | None, typer.Option("--team-reason", help="到场人员与匹配不同时的理由")
    ] = None,
    items: Annotated[
        str | None,
        typer.Option("--items", help="检查事项编码，以 ; 分隔；默认为任务的全部检查事项"),
    ] = None,
    result: Annotated[
        str | None, typer.Option("--result", help="检查结果，如 未发现问题、发现问题已责令改正")
    ] = None,
    hazard: Annotated[
        list[str] | None,
        typer.Option(
            "--hazard",
            help="隐患：描述;等级;整改期限[;指令书文号[;检查事项]]，期限可写“当场整改”",
        ),
    ] = None,
    decision: Annotated[str | None, typer.Option("--decision", help="处罚决定书文号")] = None,
    fine: Annotated[str | None, typer.Option("--fine", help="罚款金额（元）")] = None,
    waived: Annotated[bool, typer.Option("--waived", help="首违不罚")] = False,
    note: Annotated[str | None, typer.Option("--note", help="备注")] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="更正理由（修改已记录的内容时必填）")
    ] = None,
    department: Annotated[
        str | None,
        typer.Option(
            "--department",
            metavar="部门",
            help="部门联合抽查：记录该参与部门那一部分检查（与 --from 同用；发起部门即本局的记录）",
        ),
    ] = None,
    dry_run: DryRun = False,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """记录一个任务的检查结果（或用 --from 批量记录）。缺少的必填项在终端中逐项询问。"""
    from ..core.problems import InputError, Problem
    from ..services import record as inspections

    ws = ctx.obj.workspace()
    year = ctx.obj.year(year)
    if source is not None:
        if task:
            raise InputError(Problem(file="命令行", message="--from 与任务编号不能同时使用"))
        outcome = inspections.record_from_file(
            ws, year, source, reason, commit=not no_commit, dry_run=dry_run, department=department
        )
        _show_outcome(outcome, json_output, dry_run)
        return
    if department is not None:
        raise InputError(Problem(file="命令行", message="--department 须与 --from 同用"))
    given = inspections.Given(
        start=start,
        end=end,
        inspectors=inspectors,
        team_reason=team_reason,
        items=items,
        result=result,
        hazards=hazard or None,
        decision=decision,
        amount=fine,
        waived=waived,
        note=note,
    )
    if _interactive(json_output):
        task = task or typer.prompt("检查任务（统一社会信用代码或单位名称）")
        _prompt_missing(ws, year, task, draw_id, given)
    if not task:
        raise InputError(
            Problem(
                file="命令行", message="请给出检查任务（统一社会信用代码），或用 --from 批量记录"
            )
        )
    outcome = inspections.record_one(
        ws, year, task, draw_id, given, reason, commit=not no_commit, dry_run=dry_run
    )
    _show_outcome(outcome, json_output, dry_run)


def _interactive(json_output: bool) -> bool:
    import sys

    return not json_output and sys.stdin.isatty() and sys.stdout.isatty()


def _prompt_missing(ws, year: int, task: str, draw_id: str | None, given) -> None:
    """Ask for what a first record needs and the command line did not give."""
    from ..core.results import RESULT_CODES, WITH_FINDINGS, parse_people
    from ..services import record as inspections
    from .output import console

    ctx = inspections.load_context(ws, year)
    ref = inspections.find_task(ctx.tasks, inspections.resolve_entity(ctx.tasks, task), draw_id)
    path = inspections.record_path(ws, year, ref.entity)
    if path.is_file():
        return  # an amendment: only what the options give changes
    console.print(
        f"记录任务 {ref.name}（{ref.entity}，抽取 {ref.draw_id}，时段 {ref.period or '全年'}）"
    )
    if given.end is None:
        given.end = typer.prompt("检查结束日期（如 2026-03-10）")
    if given.start is None:
        given.start = typer.prompt("检查开始日期", default=given.end)
    if given.inspectors is None:
        team = "；".join(ref.officers + ref.experts)
        given.inspectors = typer.prompt("到场人员（执法证号，以 ; 分隔）", default=team)
        if set(parse_people(given.inspectors)) != set(ref.officers + ref.experts):
            given.team_reason = given.team_reason or typer.prompt("到场人员与匹配不同，理由")
    if given.result is None:
        for n, code in enumerate(RESULT_CODES, start=1):
            console.print(f"  {n}. {code}")
        answer = typer.prompt("检查结果（序号或文字）")
        given.result = (
            RESULT_CODES[int(answer) - 1]
            if answer.strip().isdigit() and 1 <= int(answer) <= len(RESULT_CODES)
            else answer
        )
    if given.result in WITH_FINDINGS and given.hazards is None:
        count = typer.prompt("发现的隐患数", type=int, default=1)
        given.hazards = []
        for n in range(1, count + 1):
            text = typer.prompt(f"隐患 {n} 描述")
            level = typer.prompt(f"隐患 {n} 等级（一般/重大）", default="一般")
            deadline = typer.prompt(f"隐患 {n} 整改期限（日期，或“当场整改”）")
            order = typer.prompt(
                f"隐患 {n} 责令整改指令书文号（无则回车）", default="", show_default=False
            )
            given.hazards.append(";".join([text, level, deadline, order]).rstrip(";"))
    if given.decision is None and not given.waived:
        decision = typer.prompt("处罚决定书文号（无则回车）", default="", show_default=False)
        if decision:
            given.decision = decision
            given.amount = (
                typer.prompt("罚款金额（元，无则回车）", default="", show_default=False) or None
            )


def _show_outcome(outcome, json_output: bool, dry_run: bool) -> None:
    from .output import console, emit_json, table

    if json_output:
        emit_json({**outcome.as_json(), "dry_run": dry_run})
        return
    if outcome.written:
        rows = [
            [w["entity"], w["name"], w["draw_id"], w["version"], w["change"], w["file"]]
            for w in outcome.written
        ]
        console.print(
            table(
                f"{'将写入' if dry_run else '已写入'}（{len(rows)}）",
                ["统一社会信用代码", "单位名称", "抽取编号", "版本", "类型", "文件"],
                rows,
            )
        )
    if outcome.unchanged:
        console.print(f"内容未变（已有记录已包含）：{len(outcome.unchanged)} 个任务")
    skipped = getattr(outcome, "skipped", [])
    if skipped:
        shown = "、".join(str(s["row"]) for s in skipped[:20]) + ("…" if len(skipped) > 20 else "")
        console.print(f"未填写检查结果、已跳过：{len(skipped)} 行（第 {shown} 行）")
    if outcome.unused_columns:
        console.print("未使用的列：" + "、".join(outcome.unused_columns))
    if dry_run:
        console.print("（--dry-run：已全部校验，未写入）")
    elif outcome.commit:
        console.print(f"已提交 {outcome.commit[:10]}。")
    elif outcome.written:
        console.print("已写入，未提交（--no-commit）。")
    elif not outcome.unchanged:
        console.print("没有需要写入的内容。")


@app.command("template")
def template(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option("-o", "--output", metavar="文件", help="输出文件：.xlsx（带下拉列表）或 .csv"),
    ],
    year: Year = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """写出批量记录用的表格：docs/record.md 规定的表头，检查结果、隐患等级、复查结论、首违不罚带下拉列表；
    本年度尚无记录的任务已逐行填好统一社会信用代码、单位名称、抽取编号和匹配的检查人员。

    示例：ssj record template -o 检查结果.xlsx --year 2026
    """
    from ..services import record as inspections
    from .output import console, emit_json

    ws = ctx.obj.workspace()
    written = inspections.write_template(ws, ctx.obj.year(year), output)
    if json_output:
        emit_json(written.as_json())
    else:
        console.print(
            f"已写出 {output}：{written.rows} 个待记录的任务。填好后：ssj record --from {output}"
        )


@app.command("show")
def show(
    ctx: typer.Context,
    task: Unit,
    year: Year = None,
    draw_id: DrawId = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """显示一个任务的检查记录：当前内容，以及每一版的类型、理由、变更和提交。

    示例：ssj record show 91350102604010605L --year 2026
    """
    from ..services import record as inspections
    from .output import console, emit_json, local_time, table

    doc = inspections.show(ctx.obj.workspace(), ctx.obj.year(year), task, draw_id)
    if json_output:
        emit_json(doc)
        return
    for draw, current in doc["current"].items():
        console.print(
            f"{doc['name']}（{doc['entity']}），抽取 {draw}，当前第 {current['version']} 版"
        )
        console.print(
            f"  检查日期 {current['start']} 至 {current['end']}；检查结果：{current['result']}；"
            f"到场人员：{'、'.join(current['inspectors'])}"
        )
        for n, f in enumerate(current.get("findings", []), start=1):
            due = "当场整改" if f.get("on_site") else f"整改期限 {f.get('deadline')}"
            checks = "；".join(f"{r['date']} {r['outcome']}" for r in f.get("reinspections", []))
            console.print(
                f"  隐患 {n}：{f['description']}（{f['level']}，{due}）"
                + (f"；复查：{checks}" if checks else "")
            )
        for p in current.get("penalties", []):
            console.print(
                "  行政处罚："
                + (
                    "首违不罚"
                    if p.get("waived")
                    else f"{p.get('decision')} 罚款 {p.get('amount', 0)} 元"
                )
            )
    rows = [
        [
            h["version"],
            h["draw_id"],
            h["change"],
            h["reason"] or "",
            local_time(h["recorded_at"]),
            "；".join(h["changes"]),
        ]
        for h in doc["history"]
    ]
    console.print(
        table(
            f"各版本（{doc['file']}）", ["版本", "抽取", "类型", "理由", "记录时间", "变更"], rows
        )
    )


@app.command("reinspect")
def reinspect(
    ctx: typer.Context,
    task: Unit,
    day: Annotated[date, date_option("--date", help="复查日期，如 2026-03-24")],
    outcome: Annotated[str, typer.Option("--outcome", help="复查结论：已整改 / 未整改")],
    hazard: Annotated[
        int | None, typer.Option("--hazard", min=1, help="第几项隐患；只有一项未整改时可省略")
    ] = None,
    inspectors: Annotated[
        str | None, typer.Option("--inspectors", help="复查人员（执法证号）")
    ] = None,
    order: Annotated[str | None, typer.Option("--order", help="复查意见书文号")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注")] = None,
    year: Year = None,
    draw_id: DrawId = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """记录一项隐患的复查（R10），作为检查记录的“补充”版本追加。

    示例：ssj record reinspect 91350102604010605L --date 2026-03-24 --outcome 已整改 --hazard 1
    """
    from ..services import record as inspections

    result = inspections.reinspect(
        ctx.obj.workspace(),
        ctx.obj.year(year),
        task,
        draw_id,
        hazard,
        day,
        outcome,
        inspectors,
        order,
        note,
        commit=not no_commit,
    )
    _show_outcome(result, json_output, False)
