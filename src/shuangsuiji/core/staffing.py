"""Who may inspect a task (docs/audit.md R6–R9) and what the task checks: pure."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .models import GENERAL, Entity, Inspector, Item
from .plan import period_months

EXPIRED = "证件过期"
NOT_ON_DUTY = "离岗"
CONFLICT = "回避"
ROTATION = "轮换"
SAME_REGION = "同区域"
OTHER_DEPARTMENT = "非本科室"
NO_CERTIFICATE = "证件有效期未填"


def period_end(year: int, period: str | None) -> date:
    """The last day of a task's period; the plan year's end when it has none."""
    if not period:
        return date(year, 12, 31)
    _, last = period_months(period)
    return date(year, last, calendar.monthrange(year, last)[1])


@dataclass(frozen=True)
class Rules:
    cross_region: bool = False  # 所所交叉: nobody from the unit's own region
    department: str | None = None  # 各股室内随机: only this department's officers
    rotation: frozenset[tuple[str, str]] = frozenset()  # (inspector, entity) pairs too recent


def exclusions(person: Inspector, entity: Entity, until: date, rules: Rules) -> list[str]:
    """Why `person` may not inspect `entity` through `until`; empty when eligible."""
    out = []
    if person.valid_until is None:
        out.append(NO_CERTIFICATE)
    elif person.valid_until < until:
        out.append(EXPIRED)
    if person.status != "在岗":
        out.append(NOT_ON_DUTY if person.status == "离岗" else person.status)
    if entity.id in person.conflicts:
        out.append(CONFLICT)
    if (person.id, entity.id) in rules.rotation:
        out.append(ROTATION)
    if rules.cross_region and person.region and person.region == entity.region:
        out.append(SAME_REGION)
    if rules.department and person.role == "执法人员" and person.department != rules.department:
        out.append(OTHER_DEPARTMENT)
    return out


def checklist(entity: Entity, items: Iterable[Item]) -> list[str]:
    """General items plus those of the unit's category and industries, once each, by code."""
    scope = {GENERAL, entity.category, *entity.industries}
    return sorted({i.code for i in items if scope & set(i.categories)})


def eligible(
    people: Sequence[Inspector], entity: Entity, until: date, rules: Rules, role: str
) -> tuple[list[str], dict[str, list[str]]]:
    """(eligible ids, {excluded id: reasons}) among `people` of `role`."""
    ok, excluded = [], {}
    for person in people:
        if person.role != role:
            continue
        reasons = exclusions(person, entity, until, rules)
        if reasons:
            excluded[person.id] = reasons
        else:
            ok.append(person.id)
    return ok, excluded
