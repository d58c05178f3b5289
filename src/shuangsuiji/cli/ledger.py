"""ssj ledger: the inspection ledger (检查台账) — import other inspections, show the year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .options import Json, NoCommit, WorkspaceDir, Year

HELP = """\
检查台账：本年度对每个单位的全部检查，供频次上限（R15）、重复检查提示（R16）和执法监督统计使用。
ssj 自己的任务有检查记录后自动计入（双随机抽查、重点检查）；其他科室、其他部门、上下级机关的检查用
ssj ledger import 从 CSV 或 XLSX 导入，保存在 plans/<年度>/ledger.yaml 并自动提交。

抽取时，本年度检查次数已达上限的单位不入随机池（记为排除，理由“已达年度检查次数上限”）；
上限表在 ssj.yaml 或年度方案的 `caps` 中填写，见 docs/ledger.md。

示例：ssj ledger import 市场监管局检查.xlsx --year 2026
      ssj ledger show --year 2026
      ssj ledger show --year 2026 --entity 91350102MA778BKH6C --json
"""

IMPORT_HELP = """\
导入检查台账：表头为 统一社会信用代码、检查日期、检查类型、检查机关、检查层级、文号、备注（前四列必填）。
检查类型为 双随机抽查、重点检查、专项检查、个案检查、联合检查、上级专项、非现场检查 之一；
个案检查、上级专项在备注中写明理由时不计入频次上限。

先校验全部行（每个问题写明文件、行和列），有问题则什么也不写；单位、日期、检查机关和文号都相同的行是同一次
检查，只记一次，因此同一文件再导入一次不会有任何改动。与 ssj 自己的检查记录相同的行不再重复记入。

示例：ssj ledger import 市场监管局检查.xlsx --year 2026
"""

SHOW_HELP = """\
列出本年度台账：每次检查（来源：检查记录或台账导入），以及每个单位的检查次数与上限。

示例：ssj ledger show --year 2026
      ssj ledger show --year 2026 --entity 青岚区鑫源化工有限公司
"""

app = typer.Typer(help=HELP, no_args_is_help=True)


@app.command("import", help=IMPORT_HELP)
def import_(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(metavar="文件", help="CSV 或 XLSX 文件")],
    year: Year = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..services import ledger
    from .output import console, emit_json, styled

    ws = ctx.obj.workspace()
    done = ledger.import_file(ws, ctx.obj.year(year), source, commit=not no_commit)
    if json_output:
        emit_json(done.as_json())
        return
    if not (done.added or done.updated):
        console.print(f"{done.file} 没有变化：{done.rows} 行都已在台账中。")
    else:
        console.print(
            f"已导入 {done.file}：新增 {done.added} 条，更正 {done.updated} 条，"
            f"已有 {done.unchanged} 条" + ("，已提交。" if done.commit else "（未提交）。")
        )
    if done.own:
        console.print(f"{done.own} 行与 ssj 的检查记录相同，按检查记录计入，不重复记入。")
    if done.unexplained:
        rows = "、".join(str(n) for n in done.unexplained[:10])
        console.print(
            styled(
                ("提示：", "yellow"),
                f"第 {rows} 行为个案检查或上级专项而备注中没有理由，照常计入频次上限。",
            )
        )
    if done.unknown:
        shown = "、".join(done.unknown[:5]) + ("等" if len(done.unknown) > 5 else "")
        console.print(
            styled(("提示：", "yellow"), f"{len(done.unknown)} 个单位不在检查对象名录库中：{shown}")
        )


@app.command("show", help=SHOW_HELP)
def show(
    ctx: typer.Context,
    year: Year = None,
    entity: Annotated[
        str | None,
        typer.Option("--entity", metavar="单位", help="只看一个单位：统一社会信用代码或单位全称"),
    ] = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..services import ledger
    from .output import console, emit_json, table

    shown = ledger.show(ctx.obj.workspace(), ctx.obj.year(year), entity)
    if json_output:
        emit_json(shown.as_json())
        return
    rows = [
        [
            e.inspection.date.isoformat(),
            e.inspection.entity,
            shown.names.get(e.inspection.entity, ""),
            e.inspection.type,
            e.inspection.authority,
            e.inspection.level or "",
            e.inspection.document or "",
            e.inspection.note or "",
            e.source,
        ]
        for e in shown.entries
    ]
    columns = ["检查日期", "统一社会信用代码", "单位名称", "检查类型", "检查机关", "层级"]
    columns += ["文号", "备注", "来源"]
    console.print(table(f"{shown.year} 年度检查台账（{len(rows)} 次）", columns, rows))
    units = [
        [u.entity, u.name, u.counted, u.cap, u.state, u.source, u.exempted or ""]
        for u in shown.units
    ]
    console.print(
        table(
            "各单位检查次数与上限",
            ["统一社会信用代码", "单位名称", "计入次数", "上限", "状态", "上限依据", "不计入"],
            units,
        )
    )
    if shown.caps is None:
        console.print(f"未设上限表：每个单位每年最多 {shown.default_cap} 次（默认规则）。")
