"""部门联合双随机: one draw of the companies, each department its own team, one visit.

Pure: the joint task file (plans/<年度>/joint/<编号>.yaml), the rules of every participating
department applied to the shared pool, and the merged checklist. Files come from callers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from .models import Id, Item, OptText, Strict, Text

# A department's name is also a folder (rosters/departments/<部门>/): no separator, no dot.
_FOLDER = re.compile(r"[^\W_][\w（）()·-]{0,63}")


def check_department_name(value: str) -> str:
    if not _FOLDER.fullmatch(value):
        raise ValueError(
            f"部门名称“{value}”无效：只能由汉字、字母、数字、“-”、“_”、括号组成（它也是目录名）"
        )
    return value


class Department(Strict):
    """参与联合抽查的一个部门：执法主体、每组人数与专家数、它自己的冷却期与年度上限。"""

    name: Text = Field(title="部门", description="rosters/departments/<部门>/ 的目录名")
    authority: Text = Field(title="执法主体", description="公开时列出的检查机关全称")
    team_size: int = Field(2, ge=2, title="每组执法人员数")
    experts: int = Field(0, ge=0, title="每组专家数")
    cooldown_months: int | None = Field(
        None, ge=0, title="冷却期（月）", description="空为发起部门的冷却期"
    )
    yearly_cap: int | None = Field(
        None, ge=1, title="年度检查上限", description="空为发起部门的年度上限"
    )

    @model_validator(mode="after")
    def _folder_name(self) -> Department:
        check_department_name(self.name)
        return self


class JointTask(Strict):
    """plans/<年度>/joint/<编号>.yaml：一项部门联合抽查任务（ssj joint init 写出，审阅后提交）。"""

    kind: Literal["joint"] = "joint"
    id: Id = Field(title="联合抽查编号", description="也是这次抽取的抽取编号")
    year: int = Field(ge=2000, le=2100, title="年度")
    title: Text = Field(title="任务名称")
    lead: Text = Field(title="发起部门")
    departments: list[Department] = Field(
        min_length=2, title="参与部门", description="发起部门在前"
    )
    where: dict[str, list[str]] = Field(default_factory=dict, title="定向条件")
    ratio: OptText = Field(None, title="抽查比例")
    count: int | None = Field(None, ge=1, title="每层数量")
    periods: list[str] = Field(default_factory=list, title="检查时段")
    note: OptText = Field(None, title="备注")

    @model_validator(mode="after")
    def _departments(self) -> JointTask:
        names = [d.name for d in self.departments]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"部门“{'、'.join(twice)}”重复")
        if self.lead not in names:
            raise ValueError(f"发起部门“{self.lead}”不在参与部门中")
        if self.ratio is not None and self.count is not None:
            raise ValueError("ratio 与 count 只能填一个")
        return self

    def department(self, name: str) -> Department:
        found = next((d for d in self.departments if d.name == name), None)
        if found is None:
            raise KeyError(name)
        return found

    def names(self) -> list[str]:
        return [d.name for d in self.departments]

    def others(self) -> list[Department]:
        """The participating departments other than the lead."""
        return [d for d in self.departments if d.name != self.lead]

    def authorities(self) -> list[str]:
        return [d.authority for d in self.departments]


def strictest(task: JointTask, cooldown_months: int, yearly_cap: int) -> tuple[int, int]:
    """The cooldown and yearly cap of the pool: every department's rule applies, so a unit is
    left out when any department would leave it out — the longest cooldown, the lowest cap
    (a department without its own takes the lead's, `cooldown_months`, `yearly_cap`)."""
    cooldowns = [d.cooldown_months for d in task.departments if d.cooldown_months is not None]
    caps = [d.yearly_cap for d in task.departments if d.yearly_cap is not None]
    return max([cooldown_months, *cooldowns]), min([yearly_cap, *caps])


@dataclass(frozen=True)
class ChecklistLine:
    """One line of the merged checklist (一表通查): an item and the departments checking it."""

    name: str
    departments: tuple[str, ...]
    codes: tuple[tuple[str, str], ...]  # (department, that department's item code)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "departments": list(self.departments),
            "codes": [{"department": d, "code": c} for d, c in self.codes],
        }


def merged_checklist(
    order: Sequence[str],
    checklists: Mapping[str, Sequence[str]],
    items: Mapping[str, Sequence[Item]],
) -> list[ChecklistLine]:
    """Every department's items for one unit merged without repeats: an item of the same name
    in two departments' lists is one line marked with both. Lines in department order (the
    lead's first), then each department's code order."""
    lines: dict[str, list[tuple[str, str]]] = {}
    for department in order:
        names = {i.code: i.name for i in items.get(department, ())}
        for code in checklists.get(department, ()):
            lines.setdefault(names.get(code, code), []).append((department, code))
    return [
        ChecklistLine(
            name=name,
            departments=tuple(dict.fromkeys(d for d, _ in codes)),
            codes=tuple(codes),
        )
        for name, codes in lines.items()
    ]


def joint_seeds_clash(seed: str, used: Mapping[str, str]) -> str | None:
    """The stage whose seed `seed` repeats (the draw's, or a department's matching), if any."""
    return next((stage for stage, other in used.items() if other == seed), None)
