"""The plan's rules, pure and without pydantic: its inspection periods, the approval gate,
the platforms' codes, the items published by a day, the rules in force. The plan itself
(core/plan.py) is validated with pydantic; these read it, or its light form
(core/light.py), alike."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from . import values

if TYPE_CHECKING:
    from .models import Caps, Config, Defaults

# A plan (core/plan.py's Plan, which imports this module) or its light form.
Plan = Any

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
    if config is not None:
        return config.defaults
    from .models import Defaults

    return Defaults()


def effective_caps(config: Config | None, plan: Plan | None) -> Caps | None:
    """The cap table in force for a plan year: the plan's, else ssj.yaml's, else none."""
    if plan is not None and plan.caps is not None:
        return plan.caps
    return config.caps if config is not None else None
