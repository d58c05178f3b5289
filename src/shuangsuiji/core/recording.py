"""Recording an inspection (R9b) and amending a record: the rules, pure (no I/O).

`check` says how a record breaks the rules for its task (team, dates, items, orders);
`classify` says whether a new version only adds follow-up (补充) or changes what was
recorded (更正, which needs a reason); `diff` describes the change in Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from .models import Inspector, Item
from .results import Finding, RecordVersion
from .staffing import period_end

META = ("version", "recorded_at", "change", "reason", "source", "draw_id")
"""Fields of a version that are about the version, not about the inspection."""


@dataclass(frozen=True)
class TaskRef:
    """A task as recording sees it: from its draw and its assignment (after replacements)."""

    year: int
    draw_id: str
    draw_date: date
    entity: str
    name: str
    period: str | None
    officers: tuple[str, ...]  # assigned officers, after substitutions
    experts: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()

    @property
    def period_end(self) -> date:
        return period_end(self.year, self.period)


def officers_present(version: RecordVersion, people: Mapping[str, Inspector]) -> list[str]:
    return [i for i in version.inspectors if i in people and people[i].role == "执法人员"]


def check(
    version: RecordVersion,
    task: TaskRef,
    people: Mapping[str, Inspector],
    items: Mapping[str, Item],
    min_officers: int = 2,
    *,
    recorded_on: date,
) -> list[tuple[str, str]]:
    """(field title, message) for each way `version` breaks the rules for `task`.

    `recorded_on` is the day the version was recorded (for the audit, the day of the commit
    that added it): an inspection or re-inspection cannot have happened after it.
    """
    out: list[tuple[str, str]] = []
    team = "检查人员"
    unknown = [i for i in version.inspectors if i not in people]
    if unknown:
        out.append((team, f"{'、'.join(unknown)} 不在执法检查人员名录库中"))
    doubled = sorted({i for i in version.inspectors if version.inspectors.count(i) > 1})
    if doubled:
        out.append((team, f"{'、'.join(doubled)} 重复出现"))
    officers = officers_present(version, people)
    if not unknown and len(set(officers)) < min_officers:
        out.append(
            (
                team,
                f"到场执法人员 {len(set(officers))} 名，至少应有 {min_officers} 名（R6；专家不计入）",
            )
        )
    for pid in officers:
        valid = people[pid].valid_until
        if valid is not None and valid < version.end:
            out.append(
                (
                    team,
                    f"{people[pid].name}（{pid}）的执法证有效期至 {valid}，早于检查结束日期 {version.end}",
                )
            )
    added = sorted(set(officers) - set(task.officers))
    missing = sorted(set(task.officers) - set(officers))
    if (added or missing) and not unknown and not version.team_reason:
        parts = []
        if added:
            parts.append("未经匹配的 " + "、".join(_who(i, people) for i in added))
        if missing:
            parts.append("匹配的 " + "、".join(_who(i, people) for i in missing) + " 未到场")
        out.append(
            ("人员变动理由", "到场人员与匹配结果不同（" + "；".join(parts) + "），须写明理由")
        )
    if version.start < task.draw_date:
        out.append(
            ("检查开始日期", f"{version.start} 早于抽取日期 {task.draw_date}：任务在抽取之后才产生")
        )
    if version.end > recorded_on:
        out.append(
            ("检查结束日期", f"{version.end} 晚于记录之日 {recorded_on}：不能记录将来的检查")
        )
    if not task.year - 1 <= version.end.year <= task.year + 1:
        out.append(("检查结束日期", f"{version.end} 与 {task.year} 年度的任务不符"))
    bad_items = [c for c in version.items if c not in items]
    if bad_items:
        out.append(("检查事项", f"{'、'.join(bad_items)} 不在抽查事项清单中"))
    for n, finding in enumerate(version.findings, start=1):
        out += _finding_problems(n, finding, version, items, recorded_on)
    return out


def _who(pid: str, people: Mapping[str, Inspector]) -> str:
    return f"{people[pid].name}（{pid}）" if pid in people else pid


def _finding_problems(
    n: int, finding: Finding, version: RecordVersion, items: Mapping[str, Item], recorded_on: date
) -> list[tuple[str, str]]:
    out = []
    label = f"第 {n} 项隐患“{finding.description}”"
    if finding.item and finding.item not in items:
        out.append(("检查事项", f"{label}的检查事项 {finding.item} 不在抽查事项清单中"))
    if finding.deadline is not None and finding.deadline < version.end:
        out.append(("整改期限", f"{label}的整改期限 {finding.deadline} 早于检查结束日期"))
    for r in finding.reinspections:
        if r.date < version.end:
            out.append(("复查日期", f"{label}的复查日期 {r.date} 早于检查结束日期"))
        if r.date > recorded_on:
            out.append(("复查日期", f"{label}的复查日期 {r.date} 晚于记录之日 {recorded_on}"))
    return out


# ---------------------------------------------------------------- amendments


def content(version: RecordVersion) -> dict[str, Any]:
    """What a version says about the inspection (no version metadata)."""
    return version.model_dump(mode="json", exclude=set(META))


def _without_follow_up(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data, penalties=None, note=None)
    out["findings"] = [dict(f, reinspections=None) for f in data["findings"]]
    return out


def classify(old: RecordVersion, new: RecordVersion) -> Literal["same", "补充", "更正"]:
    """same: nothing new; 补充: only adds re-inspections, penalties or a note; else 更正."""
    a, b = content(old), content(new)
    if a == b:
        return "same"
    if _without_follow_up(a) != _without_follow_up(b):
        return "更正"
    for fa, fb in zip(a["findings"], b["findings"], strict=True):
        if fb["reinspections"][: len(fa["reinspections"])] != fa["reinspections"]:
            return "更正"
    if b["penalties"][: len(a["penalties"])] != a["penalties"]:
        return "更正"
    if a["note"] is not None and a["note"] != b["note"]:
        return "更正"
    return "补充"


def contains(new: RecordVersion, old: RecordVersion) -> bool:
    """`new` says nothing that `old` does not already include (an older, shorter sheet)."""
    return classify(new, old) in ("same", "补充")


def diff(old: RecordVersion, new: RecordVersion) -> list[str]:
    """What changed from `old` to `new`, one Chinese line per field."""
    a, b = content(old), content(new)
    out = []
    for name, info in RecordVersion.model_fields.items():
        if name in META or a[name] == b[name]:
            continue
        if name == "findings":
            out += _findings_diff(old.findings, new.findings)
        elif name == "penalties":
            out.append(f"{info.title}：{_penalties(old)} → {_penalties(new)}")
        else:
            out.append(f"{info.title}：{_shown(a[name])} → {_shown(b[name])}")
    return out


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _penalties(version: RecordVersion) -> str:
    if not version.penalties:
        return "（无）"
    return "；".join(
        "首违不罚" if p.waived else f"{p.decision}" + (f" 罚款 {p.amount} 元" if p.amount else "")
        for p in version.penalties
    )


def _findings_diff(old: list[Finding], new: list[Finding]) -> list[str]:
    out = []
    for n in range(max(len(old), len(new))):
        a = old[n] if n < len(old) else None
        b = new[n] if n < len(new) else None
        if a == b:
            continue
        if a is None:
            out.append(f"新增隐患 {n + 1}：{b.description}")
        elif b is None:
            out.append(f"删除隐患 {n + 1}：{a.description}")
        elif a.model_copy(update={"reinspections": []}) == b.model_copy(
            update={"reinspections": []}
        ):
            for r in b.reinspections[len(a.reinspections) :]:
                out.append(f"隐患 {n + 1} 复查：{r.date} {r.outcome}")
            if b.reinspections[: len(a.reinspections)] != a.reinspections:
                out.append(f"隐患 {n + 1} 的复查记录被修改")
        else:
            out.append(f"隐患 {n + 1}：{a.description} → {b.description}（内容有修改）")
    return out
