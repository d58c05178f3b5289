"""ssj assign: random matching of inspectors to the tasks of a draw."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from .options import Json, NoCommit, Seed, SeedSource, WorkspaceDir, Year

HELP = """\
按 ssj-sha256-v1 为一次抽取的全部任务（重点单位和抽中单位）随机匹配执法检查人员，记录于
plans/<年度>/assignments/<抽取编号>.yaml 并自动提交。每组至少 2 名执法人员（R6），证件须在时段结束前有效、
在岗，回避、所所交叉、轮换（R7、R8）照办；专家另行抽取，不计入人数。种子须重新产生，不得沿用抽取对象的种子。
匹配之后又有候补替换的，ssj assign --draw <抽取编号> --seed <新种子> 只为尚无检查组的任务补充匹配（沿用首次匹配的参数，
追加在同一匹配记录末尾）；没有这样的任务时拒绝。

示例：ssj assign --min-inspectors 2
      ssj assign --year 2026 --scope department --lead-department --cross-region --experts 1
      ssj assign --draw 2026-1 --seed 20260305-4417   （候补替换之后补充匹配）
      ssj assign replace 91350102604010605L 35010220003 --reason 病假
"""

app = typer.Typer(help=HELP, invoke_without_command=True)


class Scope(str, Enum):
    bureau = "bureau"
    department = "department"


@app.callback()
def assign(
    ctx: typer.Context,
    year: Year = None,
    draw_id: Annotated[
        str | None,
        typer.Option(
            "--draw",
            metavar="抽取编号",
            help="默认本年度最近一次尚未匹配的抽取；已匹配的抽取只补充匹配尚无检查组的任务",
        ),
    ] = None,
    min_inspectors: Annotated[
        int | None,
        typer.Option("--min-inspectors", help="每组执法人员数（不少于 2）；默认取年度方案"),
    ] = None,
    experts: Annotated[
        int | None, typer.Option("--experts", min=0, help="每组专家数（不计入执法人员）")
    ] = None,
    scope: Annotated[
        Scope, typer.Option("--scope", help="bureau 全局内随机；department 各股室内随机")
    ] = Scope.bureau,
    lead_department: Annotated[
        bool, typer.Option("--lead-department", help="首位由该类别的主管科室人员担任")
    ] = False,
    cross_region: Annotated[
        bool, typer.Option("--cross-region", help="所所交叉：不派本区域人员")
    ] = False,
    rotation_years: Annotated[
        int | None,
        typer.Option("--rotation-years", min=0, help="轮换年数：此期间内去过同一单位的人员不再派"),
    ] = None,
    joint: Annotated[
        str | None,
        typer.Option(
            "--joint",
            metavar="编号",
            help="部门联合抽查：为一个参与部门匹配本部门的检查人员（与 --department 同用）；"
            "每组人数取联合抽查任务",
        ),
    ] = None,
    department: Annotated[
        str | None,
        typer.Option("--department", metavar="部门", help="联合抽查的参与部门"),
    ] = None,
    seed: Seed = None,
    seed_source: SeedSource = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from ..services import assign as assignments
    from ..workspace import matching

    ws = ctx.obj.workspace()
    if joint is not None or department is not None:
        _assign_joint(ctx, ws, joint, department, seed, seed_source, no_commit, json_output)
        return
    year = ctx.obj.year(year)
    # The matching parameters typed on the command line; the plan gives the others.
    typed = {
        field: value
        for name, field, value in (
            ("min_inspectors", "team_size", min_inspectors),
            ("experts", "experts", experts),
            ("scope", "scope", scope.value),
            ("lead_department", "lead_department", lead_department),
            ("cross_region", "cross_region", cross_region),
            ("rotation_years", "rotation_years", rotation_years),
        )
        if getattr(ctx.get_parameter_source(name), "name", "DEFAULT") != "DEFAULT"
    }
    try:
        record = assignments.assign(
            ws, year, draw_id, typed, seed, seed_source, commit=not no_commit
        )
    except matching.Infeasible as exc:
        _show_infeasible(exc, json_output)
        raise typer.Exit(1) from None
    show(ws, record, json_output)


def _assign_joint(ctx, ws, joint, department, seed, seed_source, no_commit, json_output) -> None:
    from ..core.problems import InputError
    from ..services import joint as joints
    from ..workspace import matching

    if joint is None or department is None:
        raise InputError("--joint 与 --department 须同时给出")
    given = [
        f"--{name.replace('_', '-')}"
        for name in (
            "year",
            "draw_id",
            "min_inspectors",
            "experts",
            "scope",
            "lead_department",
            "cross_region",
            "rotation_years",
        )
        if getattr(ctx.get_parameter_source(name), "name", "DEFAULT") != "DEFAULT"
    ]
    if given:
        raise InputError(
            f"{'、'.join(given).replace('--draw-id', '--draw')} 不能与 --joint 同用："
            "联合抽查的每组人数、专家数取自联合抽查任务"
        )
    try:
        result = joints.assign(ws, joint, department, seed, seed_source, not no_commit)
    except matching.Infeasible as exc:
        _show_infeasible(exc, json_output)
        raise typer.Exit(1) from None
    show_joint(ws, result, json_output)


def _merged_summary(lines: list[dict]) -> str:
    """The merged checklist in a cell: how many items, and each department's share."""
    from collections import Counter

    share = Counter(d for line in lines for d in line["departments"])
    return f"{len(lines)} 项（" + "，".join(f"{d} {n}" for d, n in share.items()) + "）"


def show_joint(ws, result, json_output: bool) -> None:
    """A department's matching of a joint task, each unit with the merged checklist."""
    from .output import console, emit_json, table

    if json_output:
        emit_json(result.as_json())
        return
    units = {e.id: e.name for e in ws.roster("entities").rows}
    record = result.record
    rows = [
        [
            units.get(t.entity, t.entity),
            t.period or "",
            "、".join(m.id for m in t.inspectors),
            "、".join(m.id for m in t.experts),
            _merged_summary(result.checklists.get(t.entity, [])),
        ]
        for t in record.tasks
    ]
    console.print(
        table(
            f"联合抽查 {result.joint_id}：{result.department}的检查组（{len(rows)}）",
            ["检查对象", "时段", "执法人员", "专家", "合并检查事项（部门）"],
            rows,
        )
    )
    console.print(
        f"{result.department}匹配已记录（{result.file}）：种子 {record.seed}，来源：{record.seed_source}。"
        "核验：ssj verify"
    )


@app.command("replace")
def replace(
    ctx: typer.Context,
    task: Annotated[
        str, typer.Argument(metavar="任务", help="任务（检查对象的统一社会信用代码或编号）")
    ],
    inspector: Annotated[str, typer.Argument(metavar="人员", help="不能前往的人员（执法证号）")],
    reason: Annotated[str, typer.Option("--reason", help="理由，如 病假、借调")],
    year: Year = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """由该任务排序中的下一名人员替换，记录理由（原匹配记录不变）。

    示例：ssj assign replace 91350102604010605L 35010220003 --reason 病假
    """
    from ..services import assign as assignments
    from .output import console, emit_json

    entry = assignments.substitute(
        ctx.obj.workspace(), task, inspector, reason, year, not no_commit
    )
    if json_output:
        emit_json(entry.model_dump(mode="json"))
    else:
        console.print(
            f"任务 {entry.task}：{entry.inspector} 由 {entry.replacement} 替换（{entry.reason}）"
        )


def _show_infeasible(exc, json_output: bool) -> None:
    from .output import console, emit_json, errors, styled, table

    if json_output:
        emit_json({"ok": False, "error": str(exc), "tasks": exc.details, "hints": exc.hints})
        return
    for d in exc.details:
        rows = [[p["name"], p["id"], "、".join(p["reasons"])] for p in d["excluded"]]
        errors.print(
            table(
                f"任务 {d['entity']}：需要{d['role']} {d['needed']} 名，符合条件 {d['available']} 名",
                ["姓名", "执法证号", "排除原因"],
                rows,
            )
        )
    errors.print(styled(("拒绝：", "red"), str(exc)))
    del console


def show(ws, record, json_output: bool) -> None:
    """The matching just made: the record's first, or the later one appended to it."""
    from collections import Counter

    from ..services.assign import unpublished
    from .output import console, emit_json, table

    latest = record.rounds[-1] if record.rounds else record
    pending = unpublished(ws, record, ws.clock.today())
    if json_output:
        emit_json(
            {
                "draw_id": record.draw_id,
                "year": record.year,
                "round": len(record.rounds),
                "seed": latest.seed,
                "seed_source": latest.seed_source,
                "seed_generated": latest.seed_generated,
                "algorithm": record.algorithm,
                "parameters": record.parameters.model_dump(),
                "tasks": [
                    {
                        "entity": t.entity,
                        "period": t.period,
                        "inspectors": [m.id for m in t.inspectors],
                        "experts": [m.id for m in t.experts],
                        "checklist": t.checklist,
                    }
                    for t in latest.tasks
                ],
                "unpublished": pending,
            }
        )
        return
    people = {p.id: p.name for p in ws.roster("inspectors").rows}
    units = {e.id: e.name for e in ws.roster("entities").rows}
    rows = [
        [
            units.get(t.entity, t.entity),
            t.period or "",
            "、".join(people.get(m.id, m.id) for m in t.inspectors),
            "、".join(people.get(m.id, m.id) for m in t.experts),
            len(t.checklist),
        ]
        for t in latest.tasks
    ]
    title = f"补充匹配的检查任务（{len(rows)}）" if record.rounds else f"检查任务（{len(rows)}）"
    console.print(table(title, ["检查对象", "时段", "执法人员", "专家", "检查事项"], rows))
    if pending:
        console.print(
            f"提醒（R17）：检查事项 {'、'.join(pending)} 尚未公布：请在检查之前用 ssj plan publish 公告"
            "（或在 rosters/items.yaml 写明 published）",
            style="yellow",
        )
    load = Counter(m.id for t in latest.tasks for m in t.inspectors)
    if load:
        console.print(
            f"本次执法人员任务数：最少 {min(load.values())}，最多 {max(load.values())}（{len(load)} 人参与）"
        )
    what = f"第 {len(record.rounds)} 次补充匹配" if record.rounds else "匹配"
    console.print(
        f"{what} {record.draw_id} 已记录：种子 {latest.seed}，来源：{latest.seed_source}。核验：ssj verify"
    )
