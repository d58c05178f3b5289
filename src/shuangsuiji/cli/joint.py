"""ssj joint: 部门联合双随机 — one draw, several departments, one visit."""

from __future__ import annotations

from typing import Annotated

import typer

from .options import Json, NoCommit, WorkspaceDir, Year

HELP = """\
部门联合“双随机、一公开”：发起部门写出联合抽查任务（plans/<年度>/joint/<编号>.yaml），审阅、提交后
用 ssj draw --joint <编号> 抽取检查对象一次；每个参与部门用 ssj assign --joint <编号> --department <部门>
以各自新产生的种子匹配本部门的检查人员；一次进门，按合并的检查事项清单检查；各部门分别记录
（ssj record --department <部门>），全部记录后计入检查台账一次（联合检查）。

示例：ssj joint init --year 2026 --id 2026-联合1 --lead 应急管理局 --with 市场监管局,消防救援大队 --where 行业=加油站
      ssj joint show 2026-联合1
"""

app = typer.Typer(help=HELP, no_args_is_help=True)


@app.command("init")
def init(
    ctx: typer.Context,
    joint_id: Annotated[
        str, typer.Option("--id", metavar="编号", help="联合抽查编号，也是这次抽取的抽取编号")
    ],
    lead: Annotated[
        str, typer.Option("--lead", metavar="部门", help="发起部门（本工作区所属部门）")
    ],
    others: Annotated[
        str, typer.Option("--with", metavar="部门,部门", help="参与部门，以逗号分隔")
    ],
    year: Year = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", help="定向条件 字段=值（可重复）；不给则取年度方案的定向条件"),
    ] = None,
    authority: Annotated[
        list[str] | None,
        typer.Option(
            "--authority",
            metavar="部门=全称",
            help="部门的执法主体全称（可重复）；发起部门默认取 `ssj.yaml` 的机关名称",
        ),
    ] = None,
    periods: Annotated[
        str | None, typer.Option("--periods", help='检查时段，如 "5-6,9-10"；默认取年度方案')
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="任务名称")] = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """写出联合抽查任务供审阅并提交；已有同一编号时拒绝。抽取之前必须已提交。"""
    from ..services import joint
    from .output import console, emit_json

    names = [n.strip() for n in others.replace("，", ",").split(",") if n.strip()]
    written = joint.init(
        ctx.obj.workspace(),
        ctx.obj.year(year),
        joint_id,
        lead.strip(),
        names,
        where or [],
        authority or [],
        title,
        commit=not no_commit,
        periods=periods,
    )
    if json_output:
        emit_json(written.as_json())
        return
    task = written.task
    console.print(
        f"已写出 {written.path}：发起部门 {task.lead}，参与部门 {'、'.join(task.names())}"
        + (f"，已提交 {written.commit[:10]}" if written.commit else "")
    )
    console.print(
        f"请审阅各部门的执法主体、每组人数和定向条件；改动后提交，再 ssj draw --joint {task.id}"
    )


@app.command("show")
def show(
    ctx: typer.Context,
    joint_id: Annotated[str, typer.Argument(metavar="编号", help="联合抽查编号")],
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """显示联合抽查任务：参与部门；抽取之后每个单位的各部门检查组、合并的检查事项清单和记录情况。"""
    from ..services import joint
    from .output import console, emit_json, table

    shown = joint.show(ctx.obj.workspace(), joint_id)
    if json_output:
        emit_json(shown.as_json())
        return
    task = shown.task
    console.print(
        table(
            f"联合抽查 {task.id}：{task.title}",
            ["部门", "执法主体", "每组人数", "专家"],
            [[d.name, d.authority, d.team_size, d.experts] for d in task.departments],
        )
    )
    if shown.draw_id is None:
        console.print(f"尚未抽取：ssj draw --joint {task.id}")
        return
    rows = [
        [
            u["entity"],
            "；".join(f"{n}：{'、'.join(t) or '未匹配'}" for n, t in u["teams"].items()),
            len(u["checklist"]),
            "已全部记录" if u["complete"] else "待记录：" + "、".join(u["missing"]),
        ]
        for u in shown.units
    ]
    console.print(table("检查对象", ["单位", "检查组", "合并检查事项", "记录"], rows))
