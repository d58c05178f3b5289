"""R12 capacity arithmetic (安监总政法〔2017〕150号《安全生产年度监督检查计划编制办法》).

    available = legal working days of the year × officers
                − other enforcement person-days (行政许可, 事故调查, 投诉举报核查, …)
                − non-enforcement person-days (值班, 学习会议, 病事假, 年休假, …)
    required  = tasks × team size × days per task
                + re-inspections × team size × days per re-inspection
                + return visits × team size × days per visit
    fits      = required ≤ available

Every figure is a person-day count in exact `Decimal` arithmetic; only the utilisation
ratio is rounded (4 places, half up). The working days of the year come from
`shuangsuiji.core.calendar.WorkCalendar.working_days_in_year`. Pure: no I/O.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

__all__ = [
    "NON_ENFORCEMENT_CATEGORIES",
    "OTHER_ENFORCEMENT_CATEGORIES",
    "CapacityInput",
    "CapacityResult",
    "compute_capacity",
]

# The usual categories of the 150号 form; others may be used as well.
OTHER_ENFORCEMENT_CATEGORIES = (
    "行政许可",
    "事故调查",
    "投诉举报核查",
    "联合执法",
    "宣传培训",
    "专项检查",
)
NON_ENFORCEMENT_CATEGORIES = ("值班", "学习会议", "病事假", "年休假", "其他")

_LABELS = {
    "working_days": "年度法定工作日数",
    "officers": "执法人员数",
    "tasks": "检查任务数",
    "team_size": "每组检查人数",
    "days_per_task": "每项检查天数",
    "reinspections": "复查次数",
    "days_per_reinspection": "每次复查天数",
    "revisits": "回访次数",
    "days_per_revisit": "每次回访天数",
    "other_enforcement_days": "其他执法工作日",
    "non_enforcement_days": "非执法工作日",
}

_UTILISATION_PLACES = Decimal("0.0001")


def _to_int(raw: Any, label: str) -> int:
    value: int | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, (float, Decimal)) and math.isfinite(raw) and raw == int(raw):
        value = int(raw)
    elif isinstance(raw, str):
        with contextlib.suppress(ValueError):
            value = int(raw.strip())
    if value is None:
        raise ValueError(f"{label}应为整数：{raw!r}")
    if value < 0:
        raise ValueError(f"{label}不能为负数：{value}")
    return value


def _to_amount(raw: Any, label: str) -> Decimal:
    value: Decimal | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))  # the number as written, not its binary expansion
    elif isinstance(raw, str):
        with contextlib.suppress(InvalidOperation):
            value = Decimal(raw.strip())
    if value is None or not value.is_finite():
        raise ValueError(f"{label}应为数值：{raw!r}")
    if value < 0:
        raise ValueError(f"{label}不能为负数：{value}")
    return value


class CapacityInput(BaseModel):
    """The figures of the capacity form, as the plan states them."""

    model_config = ConfigDict(extra="forbid")

    working_days: int
    officers: int
    other_enforcement_days: dict[str, Decimal] = {}
    non_enforcement_days: dict[str, Decimal] = {}
    tasks: int
    team_size: int
    days_per_task: Decimal
    reinspections: int = 0
    days_per_reinspection: Decimal = Decimal(0)
    revisits: int = 0
    days_per_revisit: Decimal = Decimal(0)

    @field_validator(
        "working_days", "officers", "tasks", "team_size", "reinspections", "revisits", mode="before"
    )
    @classmethod
    def _count(cls, raw: Any, info: ValidationInfo) -> int:
        value = _to_int(raw, _LABELS[info.field_name])
        if info.field_name == "working_days" and value > 366:
            raise ValueError(f"年度法定工作日数不能超过一年的天数：{value}")
        if info.field_name == "officers" and value < 1:
            raise ValueError(f"执法人员数至少为 1：{value}")
        if info.field_name == "team_size" and value < 2:
            raise ValueError(f"每组检查人数不得少于 2 名执法人员：{value}")
        return value

    @field_validator("days_per_task", "days_per_reinspection", "days_per_revisit", mode="before")
    @classmethod
    def _amount(cls, raw: Any, info: ValidationInfo) -> Decimal:
        return _to_amount(raw, _LABELS[info.field_name])

    @field_validator("other_enforcement_days", "non_enforcement_days", mode="before")
    @classmethod
    def _categories(cls, raw: Any, info: ValidationInfo) -> dict[str, Decimal]:
        label = _LABELS[info.field_name]
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            raise ValueError(f"{label}应按类别列出天数（类别: 天数）")
        result: dict[str, Decimal] = {}
        for category, days in raw.items():
            if not isinstance(category, str) or not category.strip():
                raise ValueError(f"{label}的类别名称不能为空")
            name = category.strip()
            if name in result:
                raise ValueError(f"{label}的类别“{name}”重复")
            result[name] = _to_amount(days, f"{label}“{name}”")
        return result


class CapacityResult(BaseModel):
    """Every figure of the arithmetic, in person-days."""

    model_config = ConfigDict(extra="forbid")

    gross_days: Decimal  # working_days × officers
    other_enforcement_total: Decimal
    non_enforcement_total: Decimal
    available_days: Decimal  # gross − other enforcement − non-enforcement
    task_days: Decimal  # tasks × team_size × days_per_task
    reinspection_days: Decimal  # reinspections × team_size × days_per_reinspection
    revisit_days: Decimal  # revisits × team_size × days_per_revisit
    required_days: Decimal  # task + reinspection + revisit days
    margin: Decimal  # available − required (negative: the plan does not fit)
    fits: bool  # required ≤ available
    # required ÷ available, 4 places half up; None when nothing is available.
    utilisation: Decimal | None


def compute_capacity(inp: CapacityInput) -> CapacityResult:
    team = Decimal(inp.team_size)
    gross = Decimal(inp.working_days) * Decimal(inp.officers)
    other = sum(inp.other_enforcement_days.values(), Decimal(0))
    non_enforcement = sum(inp.non_enforcement_days.values(), Decimal(0))
    available = gross - other - non_enforcement
    task_days = Decimal(inp.tasks) * team * inp.days_per_task
    reinspection_days = Decimal(inp.reinspections) * team * inp.days_per_reinspection
    revisit_days = Decimal(inp.revisits) * team * inp.days_per_revisit
    required = task_days + reinspection_days + revisit_days
    utilisation = (
        (required / available).quantize(_UTILISATION_PLACES, rounding=ROUND_HALF_UP)
        if available > 0
        else None
    )
    return CapacityResult(
        gross_days=gross,
        other_enforcement_total=other,
        non_enforcement_total=non_enforcement,
        available_days=available,
        task_days=task_days,
        reinspection_days=reinspection_days,
        revisit_days=revisit_days,
        required_days=required,
        margin=available - required,
        fits=required <= available,
        utilisation=utilisation,
    )
