"""ssj status: what is due or overdue in a plan year."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from .options import Json, WorkspaceDir, Year, date_option

HELP = """\
本年度待办与逾期事项：时段已过仍无检查记录的任务（R9b）、须复查的隐患（R10：到期待复查、逾期未复查、
复查未整改）、待公开和逾期未公开的检查结果（R11，20 个工作日，按法定节假日与调休计算；期限落在节假日安排
未收录的年份时明确提示）、尚未回访的抽中单位。

示例：ssj status --year 2026
      ssj status --year 2026 --as-of 2026-06-30 --json
"""


def status(
    ctx: typer.Context,
    year: Year = None,
    as_of: Annotated[date | None, date_option("--as-of", help="截至日期，默认今天")] = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    from ..core.followup import STATE_NAMES
    from ..services.status import status as compute
    from .output import console, emit_json, styled, table

    doc = compute(ctx.obj.workspace(), ctx.obj.year(year), as_of)
    if json_output:
        emit_json(doc)
        return
    c = doc["counts"]
    console.print(
        f"{doc['year']} 年度（截至 {doc['as_of']}）：任务 {c['tasks']} 项，已记录 {c['recorded']} 项，"
        f"进行中 {c['pending']} 项，逾期未记录 {c['missing']} 项。"
    )
    missing = [t for t in doc["tasks"] if t["state"] == "missing"]
    if missing:
        rows = [
            [t["entity"], t["name"], t["draw_id"], t["period"] or "全年", t["period_end"]]
            for t in missing
        ]
        console.print(
            table(
                "逾期未记录的任务（R9b）",
                ["统一社会信用代码", "单位名称", "抽取", "时段", "时段结束"],
                rows,
            )
        )
    if doc["hazards"]:
        rows = [
            [
                h["entity"],
                h["name"],
                h["hazard"],
                h["description"],
                h["level"],
                h["deadline"] or "",
                STATE_NAMES[h["state"]],
            ]
            for h in doc["hazards"]
        ]
        console.print(
            table(
                "须复查的隐患（R10）",
                ["统一社会信用代码", "单位名称", "序号", "隐患", "等级", "整改期限", "状态"],
                rows,
            )
        )
    if doc["disclosures"]:
        rows = [
            [
                d["entity"],
                d["name"],
                d["completed"],
                d["deadline"] or "未知",
                STATE_NAMES[d["state"]] + ("，已更正待重新公开" if d["stale"] else ""),
            ]
            for d in doc["disclosures"]
        ]
        console.print(
            table(
                "待公开的检查结果（R11）",
                ["统一社会信用代码", "单位名称", "检查完成", "公开期限", "状态"],
                rows,
            )
        )
        for flag in sorted({d["flag"] for d in doc["disclosures"] if d["flag"]}):
            console.print(styled(("提示：", "yellow"), flag))
    if doc["revisits"]:
        console.print(
            "尚未回访：" + "、".join(f"{r['name']}（{r['entity']}）" for r in doc["revisits"])
        )
    if not (missing or doc["hazards"] or doc["disclosures"] or doc["revisits"]):
        console.print("没有待办或逾期事项。", style="green")
