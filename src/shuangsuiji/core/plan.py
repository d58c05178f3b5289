"""The plan of a year (plans/<year>/plan.yaml): what the bureau decided and filed."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from . import values
from .models import Caps, Config, Day, Defaults, Number, OptText, Ratio, Risk, Strict, Text

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


class Plan(Strict):
    """年度“双随机、一公开”监管抽查工作方案。"""

    year: int = Field(ge=2000, le=2100, title="年度")
    title: OptText = Field(None, title="方案标题")
    approval: OptText = Field(None, title="批准情况", description="批准机关、文号和日期")
    basis: list[Text] = Field(default_factory=list, title="编制依据")
    ratio: Ratio = Field(Decimal("0.2"), title="抽查比例", description="未单列的类别适用此比例")
    categories: dict[str, CategoryPlan] = Field(default_factory=dict, title="各类别")
    risk_ratios: dict[Risk, Ratio] = Field(
        default_factory=dict, title="按风险等级的比例", description="R4：高风险单位可提高比例"
    )
    stratify: list[str] = Field(
        default_factory=list, title="分层字段", description="如 region、所属区域"
    )
    where: dict[str, str] = Field(default_factory=dict, title="定向条件", description="空为不定向")
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

    @field_validator("stratify", mode="before")
    @classmethod
    def _list(cls, value: object) -> object:
        return values.parse_list(value) if isinstance(value, str) else value


def effective_rules(config: Config | None, plan: Plan | None) -> Defaults:
    """The rules in force for a plan year: the plan's own, else ssj.yaml's defaults, else
    ssj's (a file that is missing or does not validate gives none)."""
    if plan is not None and plan.rules:
        return plan.rules
    return config.defaults if config is not None else Defaults()
