"""The year's plan as a gate (`ssj plan init / approve / publish`).

`init` writes plans/<year>/plan.yaml with every field a filed plan has, commented in
Chinese; `approve` records the approval (no draw before it: services/draw.py and audit
R13); `publish` writes the 年度抽查计划公告 and records, in the plan, the day and the items
published with it (R17: a task checks only items published before it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core import dates
from ..core.models import Config, row_problems
from ..core.plan import Approval, Plan, PlanPublication
from ..core.planning import DEFAULT_PERIODS, NO_ITEMS, effective_rules, plan_code
from ..core.problems import InputError, Problem, Refused
from ..storage import yamlio
from ..storage.files import write_atomic
from ..workspace import Workspace, schema_line, writer
from ..workspace.records import load_plan

FORMATS = ("html", "docx")


def plan_file(ws: Workspace, year: int) -> Path:
    return ws.plan_dir(year) / "plan.yaml"


# ------------------------------------------------------------------ ssj plan init


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def template(config: Config, year: int) -> str:
    """plans/<year>/plan.yaml as a bureau starts from it: every field, each explained."""
    authority = config.authority
    # Commented out: a category of its own stratifies the draw by category (drawing.freeze).
    examples = "".join(
        f"#   {c.name}:\n#     ratio: {c.ratio_floor}\n" for c in config.categories[:2]
    )
    periods = "".join(f"  - {_quoted(p)}\n" for p in DEFAULT_PERIODS)
    return f"""{schema_line("plan").replace("../", "../../")}# {year} 年度“双随机、一公开”监管抽查工作方案（年度方案）。
# 按本局实际修改后提交（git commit），再用 ssj plan approve 记录批准：批准之前不能抽取。
# 比例可写 0.2 或 20%；命令行选项只对一次抽取生效。字段说明见 schemas/plan.schema.json。

year: {year}  # 年度
title: {_quoted(f"{authority}{year}年度“双随机、一公开”监管抽查工作方案")}  # 方案标题
sequence: 1  # 计划序号：本机关本年度的第几个抽查计划，用于抽查计划编号

# 编制依据：逐条列出，方案和计划公告照此引用
basis:
  - 《中华人民共和国安全生产法》
  - 《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）
  - 《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）
  - 《国家安全监管总局关于印发安全生产年度监督检查计划编制办法的通知》（安监总政法〔2017〕150号）

# 指导思想与工作目标
guiding: 坚持“安全第一、预防为主、综合治理”的方针，严格规范公正文明执法，推动企业落实安全生产主体责任，有效防范遏制生产安全事故。
goals:
  - 监管执法计划完成率100%
  - 监管执法中发现的事故隐患责令整改率、到期复查率达100%
  - 监管执法中发现的安全生产违法行为依法查处率达100%
  - 抽查结果自检查结束之日起20个工作日内向社会公开

# 抽查比例：未单列的类别适用 ratio；categories 逐类设置（count 为每层固定抽取数，
# minimum 为每层最少抽取数，低于最低比例须写 floor_reason）
ratio: 0.2  # 抽查比例
categories: {{}}  # 各类别：逐类设置时改写为下面的形式（抽取随之按类别分层），比例不低于 ssj.yaml 的最低比例
{examples}risk_ratios: {{}}  # 按风险等级的比例，如 {{重大: 0.5, 较大: 0.3}}（R4）
floor_reason:  # 低于最低比例的理由（没有则留空）

# 重点检查范围：重点行业领域、重点单位和重点事项（重点单位本身在名录库中标注“重点单位”）
key_scope:
  - 危险化学品生产、经营单位
  - 涉及有限空间作业、粉尘涉爆、涉氨制冷的工贸企业
  - 生产经营单位应急预案制定及演练情况

# 抽取方式
where: {{}}  # 定向条件，如 {{category: [危险化学品], region: [城关街道]}}；空为不定向
stratify: []  # 分层字段，如 [category, region]
alternates: 2  # 每层候补数
force_uncovered: true  # 纳入两年未检查单位（R3）

# 检查时段（月份或月份区间，不得重叠）
periods:
{periods}
# 检查组
team_size: 2  # 每组执法人员数（不少于 2 人，R6）
experts: 0  # 每组专家数（不计入执法人员）

# 本年度规则：空则用 ssj.yaml 的默认规则（冷却期、年度上限、公开期限等）
rules:

# 本年度检查频次上限表（R15）：格式同 ssj.yaml 中 caps 的示例；空则用 ssj.yaml 的 caps
caps:

# 工作量测算（人·日，安监总政法〔2017〕150号；ssj plan capacity 据此计算）
capacity:
  officers:  # 执法人员数；空则按名录库在岗执法人员计
  other_enforcement_days:  # 其他执法工作日：按本局实际填写
    行政许可: 0
    事故调查: 0
    投诉举报核查: 0
    联合执法: 0
  non_enforcement_days:  # 非执法工作日：按本局实际填写
    值班: 0
    学习会议: 0
    年休假: 0
    病事假: 0
  days_per_task: 1  # 每次检查天数
  reinspection_rate: 0.3  # 预计需复查的比例
  days_per_reinspection: 0.5  # 每次复查天数
  days_per_revisit: 0.5  # 每次回访天数

# 以下由 ssj 记录，不要手工填写
approval:  # 批准情况：ssj plan approve
changes: []  # 调整与重新报批（R13）：每次重新报批追加一条 date、document、reason
publications: []  # 计划公告：ssj plan publish
"""


@dataclass
class PlanWritten:
    path: str
    commit: str | None

    def as_json(self) -> dict[str, Any]:
        return {"ok": True, "file": self.path, "commit": self.commit}


def init(ws: Workspace, year: int, commit: bool) -> PlanWritten:
    """Write the year's plan for the bureau to fill in; never over an existing one."""
    path = plan_file(ws, year)
    with writer.batch(ws, commit=commit) as book:
        if path.exists():
            raise Refused(f"{ws.rel(path)} 已存在，未做任何修改；请直接编辑它")
        text = template(ws.config, year)
        _validated(text, ws.rel(path))
        book.write(path, text)
        book.message = f"{year} 年度方案（待填写、待批准）"
    return PlanWritten(ws.rel(path), book.sha)


def _validated(text: str, label: str) -> Plan:
    try:
        return Plan.model_validate(yamlio.parse(text, label) or {})
    except ValidationError as exc:
        raise InputError(
            [Problem(file=label, field=t, message=m) for _, t, m in row_problems(Plan, exc)]
        ) from None


def _edited(ws: Workspace, year: int, change) -> tuple[Path, str, Plan]:
    """plan.yaml with `change(document)` applied, comments kept, and validated."""
    path = plan_file(ws, year)
    label = ws.rel(path)
    document = yamlio.load(path, label, roundtrip=True)
    change(document)
    text = yamlio.dump_roundtrip(document)
    return path, text, _validated(text, label)


def existing_plan(ws: Workspace, year: int) -> Plan:
    if not plan_file(ws, year).is_file():
        raise Refused(f"{year} 年度还没有方案：请先 ssj plan init --year {year}，填写后提交")
    return load_plan(ws, year)


# ------------------------------------------------------------------ ssj plan approve


@dataclass
class Approved:
    year: int
    approval: Approval
    path: str
    commit: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "year": self.year,
            "approval": self.approval.model_dump(mode="json"),
            "file": self.path,
            "commit": self.commit,
        }


def approve(ws: Workspace, year: int, day: date, document: str, by: str, commit: bool) -> Approved:
    """Record the approval of the year's plan: the plan as committed with it is what was approved."""
    today = ws.clock.today()
    day = dates.field_day(
        day, today=today, not_before=date(year - 1, 1, 1), what="批准日期", option="--date"
    )
    document, by = document.strip(), by.strip()
    if not document or not by:
        raise InputError("批准文件的文号（--document）和批准机关（--by）不能为空")
    with writer.batch(ws, commit=commit) as book:
        plan = existing_plan(ws, year)
        if plan.approval is not None:
            raise Refused(
                f"{year} 年度方案已于 {plan.approval.date} 批准（{plan.approval.document}）；"
                "方案调整后的重新报批记入 plan.yaml 的 changes（R13）"
            )
        approval = Approval(date=day, document=document, by=by)
        path, text, _ = _edited(
            ws, year, lambda d: d.__setitem__("approval", approval.model_dump(mode="json"))
        )
        book.write(path, text)
        book.message = f"{year} 年度方案批准：{by}（{document}，{day}）"
    return Approved(year, approval, ws.rel(path), book.sha)


# ------------------------------------------------------------------ ssj plan publish


@dataclass
class Announced:
    year: int
    publication: PlanPublication
    output: Path
    path: str
    commit: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "year": self.year,
            "file": str(self.output),
            "record": self.path,
            "publication": self.publication.model_dump(mode="json", exclude_none=True),
            "commit": self.commit,
        }


def publish(
    ws: Workspace,
    year: int,
    day: date | None,
    fmt: str,
    output: Path,
    commit: bool,
    reason: str | None = None,
) -> Announced:
    """Write the 年度抽查计划公告 and record its day and the items it publishes."""
    from ..render import announcement

    if fmt not in FORMATS:
        raise InputError(Problem(file="命令行", field="--format", message="格式应为 html 或 docx"))
    day, late = dates.act_day(
        day, today=ws.clock.today(), years=range(year - 1, year + 1), reason=reason, what="公告日期"
    )
    with writer.batch(ws, commit=commit) as book:
        plan = existing_plan(ws, year)
        if plan.approval is None:
            raise Refused(
                f"{year} 年度方案尚未批准，不能公告：请先 ssj plan approve --year {year} --date … --document …"
            )
        if day < plan.approval.date:
            raise InputError(f"公告日期 {day} 早于方案批准日期 {plan.approval.date}")
        config = ws.config
        items = list(ws.roster("items").rows)
        if not items:
            raise Refused(NO_ITEMS)
        units: dict[str, int] = {}
        for e in ws.roster("entities").rows:
            if e.active:
                units[e.category] = units.get(e.category, 0) + 1
        facts = announcement.Announcement(
            config=config,
            plan=plan,
            items=items,
            day=day,
            plan_code=plan_code(config, plan),
            units=units,
            disclosure_days=effective_rules(config, plan).disclosure_days,
            commit=ws.git.head(),
        )
        data = _render(announcement.announcement_document(facts), fmt)
        entry = PlanPublication(
            date=day,
            items=[i.code for i in items],
            file=output.name,
            sha256=hashlib.sha256(data).hexdigest(),
            reason=late,
        )

        def append(document) -> None:
            document.setdefault("publications", [])
            if document["publications"] is None:
                document["publications"] = []
            document["publications"].append(entry.model_dump(mode="json", exclude_none=True))

        path, text, _ = _edited(ws, year, append)
        write_atomic(output, data)  # the announcement first: the record says it exists
        book.write(path, text)
        book.message = f"{year} 年度抽查计划公告（{day}，事项 {len(items)} 项）"
    return Announced(year, entry, output, ws.rel(path), book.sha)


def _render(document, fmt: str) -> bytes:
    if fmt == "docx":
        from ..render import docx

        return docx.render(document)
    from ..render import html

    return html.render(document).encode("utf-8")


__all__ = [
    "FORMATS",
    "Announced",
    "Approved",
    "PlanWritten",
    "approve",
    "init",
    "publish",
    "template",
]
