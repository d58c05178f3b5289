"""The plan of a year (plans/<year>/plan.yaml): what the bureau decided and filed."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from . import values
from .models import (
    Caps,
    Config,
    Day,
    Defaults,
    Id,
    Number,
    OptText,
    Ratio,
    Risk,
    Strict,
    Text,
    TextList,
)

DEFAULT_PERIODS = ["2-3", "5-6", "9-10", "12"]  # 兴安区计划 §五(二)
_PERIOD = re.compile(r"^(\d{1,2})(?:-(\d{1,2}))?$")


def period_months(label: str) -> tuple[int, int]:
    """'2-3' -> (2, 3); '12' -> (12, 12)."""
    match = _PERIOD.match(label.strip())
    if not match:
        raise ValueError(f"时段“{label}”应写作月份或月份区间，如 2-3、12")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if not 1 <= first <= last <= 12:
        raise ValueError(f"时段“{label}”的月份无效")
    return first, last


def parse_periods(value: object) -> list[str]:
    """'2-3,5-6,9-10,12' or a list -> ['2-3', '5-6', '9-10', '12'], checked, no overlap."""
    items = value if isinstance(value, list) else re.split(r"[,，;；\s]+", values.text(value))
    labels = [values.text(i) for i in items if values.text(i)]
    spans = sorted(period_months(label) for label in labels)
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start <= end:
            raise ValueError("时段相互重叠")
    return labels


Periods = Annotated[list[str], BeforeValidator(parse_periods)]


class CategoryPlan(Strict):
    ratio: Ratio | None = Field(None, title="抽查比例")
    count: int | None = Field(None, ge=1, title="抽取数量")
    minimum: int | None = Field(None, ge=1, title="每层最少抽取数")
    floor_reason: OptText = Field(None, title="低于最低比例的理由")


class Capacity(Strict):
    """工作量测算的输入（安监总政法〔2017〕150号）：人·日。"""

    officers: int | None = Field(
        None, ge=1, title="执法人员数", description="空则按名录库在岗执法人员计"
    )
    other_enforcement_days: dict[str, Number] = Field(
        default_factory=dict,
        title="其他执法工作日",
        description="行政许可、事故调查、投诉举报核查等，人·日",
    )
    non_enforcement_days: dict[str, Number] = Field(
        default_factory=dict,
        title="非执法工作日",
        description="值班、学习会议、病事假、年休假等，人·日",
    )
    days_per_task: Number = Field(Decimal(1), gt=0, title="每次检查天数")
    reinspection_rate: Ratio | None = Field(None, title="预计需复查的比例")
    days_per_reinspection: Number = Field(Decimal("0.5"), gt=0, title="每次复查天数")
    days_per_revisit: Number = Field(Decimal("0.5"), gt=0, title="每次回访天数")


class PlanChange(Strict):
    """方案的一次重大调整及其重新报批（兴安区计划 §八；R13）。"""

    date: Day = Field(title="批准日期")
    document: Text = Field(title="批准文件", description="重新报批的批准机关、文号")
    reason: Text = Field(title="调整理由")


class Approval(Strict):
    """方案的批准（004 §八“经区政府批准后实施”）：批准之前不得抽取。"""

    date: Day = Field(title="批准日期")
    document: Text = Field(title="批准文件", description="批准文件的文号")
    by: Text = Field("区人民政府", title="批准机关", description="如 区人民政府、局党组")

    def __str__(self) -> str:
        # The plan document prints it as is (render/plan_doc.py “本方案批准情况：…”).
        day = f"{self.date.year}年{self.date.month}月{self.date.day}日"
        return f"经{self.by}于{day}批准（{self.document}）"


def _approval(value: object) -> object:
    # Before `ssj plan approve`, the example plan held a sentence here (“待……批准后填写”):
    # a sentence is no approval, and the year stays unapproved until one is recorded.
    return None if isinstance(value, str) else value


class PlanPublication(Strict):
    """一次年度抽查计划公告（ssj plan publish）：公布之日和随之公布的抽查事项。"""

    date: Day = Field(title="公告日期")
    items: list[Id] = Field(default_factory=list, title="公布的抽查事项", description="事项编码")
    file: OptText = Field(None, title="公告文件")
    sha256: OptText = Field(None, title="公告文件 SHA-256")
    reason: OptText = Field(None, title="补录理由", description="公告日期早于记录之日时")


class Plan(Strict):
    """年度“双随机、一公开”监管抽查工作方案。"""

    year: int = Field(ge=2000, le=2100, title="年度")
    title: OptText = Field(None, title="方案标题")
    sequence: int = Field(
        1,
        ge=1,
        le=9999,
        title="计划序号",
        description="本机关本年度的第几个抽查计划，用于抽查计划编号",
    )
    approval: Annotated[Approval | None, BeforeValidator(_approval)] = Field(
        None, title="批准情况", description="由 ssj plan approve 记录：批准日期、文号、批准机关"
    )
    basis: list[Text] = Field(default_factory=list, title="编制依据")
    guiding: OptText = Field(None, title="指导思想")
    goals: list[Text] = Field(default_factory=list, title="工作目标")
    key_scope: list[Text] = Field(
        default_factory=list, title="重点检查范围", description="重点行业领域、重点单位和重点事项"
    )
    ratio: Ratio = Field(Decimal("0.2"), title="抽查比例", description="未单列的类别适用此比例")
    categories: dict[str, CategoryPlan] = Field(default_factory=dict, title="各类别")
    risk_ratios: dict[Risk, Ratio] = Field(
        default_factory=dict, title="按风险等级的比例", description="R4：高风险单位可提高比例"
    )
    stratify: list[str] = Field(
        default_factory=list, title="分层字段", description="如 region、所属区域"
    )
    where: dict[str, TextList] = Field(
        default_factory=dict, title="定向条件", description="空为不定向"
    )
    periods: Periods = Field(default_factory=lambda: list(DEFAULT_PERIODS), title="检查时段")
    alternates: int = Field(2, ge=0, le=1000, title="每层候补数")
    force_uncovered: bool = Field(True, title="纳入两年未检查单位", description="R3")
    floor_reason: OptText = Field(None, title="低于最低比例的理由")
    team_size: int = Field(2, ge=2, le=20, title="每组执法人员数")
    experts: int = Field(0, ge=0, le=10, title="每组专家数")
    rules: Defaults | None = Field(
        None, title="本年度规则", description="空则用 ssj.yaml 的默认规则"
    )
    caps: Caps | None = Field(
        None, title="检查频次上限", description="本年度的上限表；空则用 ssj.yaml 的 caps"
    )
    capacity: Capacity = Field(default_factory=Capacity, title="工作量测算")
    changes: list[PlanChange] = Field(
        default_factory=list,
        title="调整与重新报批",
        description="R13：数量增减超过 20% 或重点变更时，每次重新报批追加一条",
    )
    publications: list[PlanPublication] = Field(
        default_factory=list,
        title="计划公告",
        description="由 ssj plan publish 追加：公告日期和随之公布的抽查事项（R17）",
    )

    @field_validator("stratify", mode="before")
    @classmethod
    def _list(cls, value: object) -> object:
        return values.parse_list(value) if isinstance(value, str) else value


def unapproved(plan: Plan | None, year: int, day: date) -> str | None:
    """Why no draw of `year` may be made on `day`: the plan is not approved, or not yet."""
    approval = plan.approval if plan else None
    if approval is None:
        return (
            f"{year} 年度方案尚未批准，不能抽取（方案经批准后实施）。"
            f"请先 ssj plan init --year {year}（如尚无方案）、填写并提交，报批后用 "
            f"ssj plan approve --year {year} --date 批准日期 --document 文号 记录批准"
        )
    if day < approval.date:
        return (
            f"抽取日期 {day} 早于 {year} 年度方案的批准日期 {approval.date}：方案经批准后才能抽取"
        )
    return None


def plan_code(config: Config, plan: Plan) -> str | None:
    """抽查计划编号 as the platforms build it: department code + year + 4-digit sequence
    (None without a department code in ssj.yaml)."""
    if not config.department_code:
        return None
    return f"{config.department_code}{plan.year}{plan.sequence:04d}"


def task_code(plan: str, number: int) -> str:
    """抽查任务编号: the plan's code + the task's 4-digit number within the plan (a draw, in
    the order the year's draws were made: the number of a draw never changes)."""
    return f"{plan}{number:04d}"


NO_ITEMS = (
    "随机抽查事项清单（rosters/items.yaml）为空：检查只能针对已公布的事项，没有事项就不能安排检查。"
    "请用 ssj roster import 清单.xlsx 导入本局的事项清单并提交；或从 ssj 附带的通用和专业监督检查"
    "事项清单开始：在另一目录运行 ssj init 临时目录，把其中的 rosters/items.yaml 复制过来，"
    "按本局权责清单修改后提交"
)


def published_codes(plan: Plan | None, items: Iterable, day: date) -> set[str]:
    """The item codes published on or before `day` for the plan's year: those listed by a
    plan announcement of that day or earlier, and those with their own earlier date."""
    codes = {c for p in (plan.publications if plan else []) if p.date <= day for c in p.items}
    return codes | {i.code for i in items if i.published is not None and i.published <= day}


def effective_rules(config: Config | None, plan: Plan | None) -> Defaults:
    """The rules in force for a plan year: the plan's own, else ssj.yaml's defaults, else
    ssj's (a file that is missing or does not validate gives none)."""
    if plan is not None and plan.rules:
        return plan.rules
    return config.defaults if config is not None else Defaults()
