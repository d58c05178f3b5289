"""The plan of a year (plans/<year>/plan.yaml): what the bureau decided and filed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from . import values
from .models import (
    Caps,
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
from .planning import DEFAULT_PERIODS, parse_periods
from .traits import ApprovalTraits

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


class Approval(ApprovalTraits, Strict):
    """方案的批准（004 §八“经区政府批准后实施”）：批准之前不得抽取。"""

    date: Day = Field(title="批准日期")
    document: Text = Field(title="批准文件", description="批准文件的文号")
    by: Text = Field("区人民政府", title="批准机关", description="如 区人民政府、局党组")


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
