"""Every recorded random choice re-run from its record and the files at its commit.

The one copy of verification, used by ssj verify and ssj audit alike.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field

from ..core.problems import InputError, Refused
from ..core.records import Assignment
from ..storage import processes
from ..storage.processes import side_by_side
from . import drawing, matching, records
from . import revisits as revisit_draws
from .load import Workspace


@dataclass
class Verdict:
    kind: str  # 抽取 / 匹配 / 回访
    id: str
    file: str
    ok: bool
    differences: list[str] = field(default_factory=list)


def verify_draws(ws: Workspace, draw_id: str | None = None) -> list[Verdict]:
    """Each draw, then each of its replacements, re-run as of the commit that added it."""
    out = []
    for record in records.all_draws(ws):
        if draw_id and record.draw_id != draw_id:
            continue
        path = ws.rel(records.record_path(ws, record.year, record.draw_id))
        try:
            found = drawing.differences(record, drawing.rebuild(ws, record))
        except (Refused, InputError) as exc:
            found = [str(exc)]
        out.append(Verdict("抽取", record.draw_id, path, not found, found))
        swaps = records.replacements_path(ws, record.year, record.draw_id)
        if swaps.is_file():
            try:
                found = drawing.replacement_differences(ws, record)
            except (Refused, InputError) as exc:
                found = [str(exc)]
            out.append(Verdict("替换", record.draw_id, ws.rel(swaps), not found, found))
    return out


def verify_assignments(ws: Workspace, draw_id: str | None = None) -> list[Verdict]:

    out = []
    for record in records.all_assignments(ws):
        if draw_id and record.draw_id != draw_id:
            continue
        path = ws.rel(records.assignment_path(ws, record.year, record.draw_id))
        found = []
        # The first matching, then each later one, each as of the commit that added it.
        for n, recorded in enumerate([record.tasks] + [r.tasks for r in record.rounds]):
            label = f"第 {n} 次补充匹配：" if n else ""
            try:
                again = matching.rebuild(ws, record, n)
                if again != recorded:
                    found.append(label + _task_diff(recorded, again))
            except (Refused, InputError) as exc:
                found.append(label + str(exc))
        out.append(Verdict("匹配", record.draw_id, path, not found, found))
    return out


def _task_diff(recorded, rerun) -> str:
    theirs = {t.entity: t for t in rerun}
    for task in recorded:
        other = theirs.get(task.entity)
        if other != task:
            mine = "、".join(m.id for m in task.inspectors + task.experts)
            again = (
                "、".join(m.id for m in other.inspectors + other.experts) if other else "无此任务"
            )
            return f"任务 {task.entity}：记录为 {mine}，重算为 {again}"
    return "任务列表不一致"


def verify_revisits(ws: Workspace, draw_id: str | None = None) -> list[Verdict]:
    """Re-run each return-visit draw from the records committed at its commit."""

    out = []
    for record in revisit_draws.all_revisits(ws):
        if draw_id and record.draw_id != draw_id:
            continue
        path = ws.rel(revisit_draws.draw_path(ws, record.year))
        try:
            found = revisit_draws.differences(ws, record)
        except (Refused, InputError) as exc:
            found = [str(exc)]
        out.append(Verdict("回访", record.draw_id, path, not found, found))
    return out


def verify_joint(ws: Workspace, draw_id: str | None = None) -> list[Verdict]:
    """Each participating department's matching of a joint task, re-run from the rosters at
    its commit (the joint draw and the lead's matching are ordinary records)."""
    from . import joint

    out = []
    for task in joint.all_joints(ws):
        if draw_id and task.id != draw_id:
            continue
        for department in task.others():
            path = joint.department_assignment_path(ws, task.year, task.id, department.name)
            if not path.is_file():
                continue
            try:
                recorded = ws.load_record(Assignment, path).tasks
                again = joint.rebuild_department(ws, task, department.name)
                found = [] if again == recorded else [_task_diff(recorded, again)]
            except (Refused, InputError) as exc:
                found = [str(exc)]
            out.append(
                Verdict("匹配", f"{task.id} {department.name}", ws.rel(path), not found, found)
            )
    return out


# Re-running the draw of 100,000 units takes some 0.4 s and its matching 0.7 s, each
# independent of the other: on two cores they run side by side (storage/processes.py).
# Small records are re-run in a few milliseconds, less than a process costs; records
# past processes.AFFORDABLE in all are re-run in one process (for its memory).
def worth_a_core(ws: Workspace, folders: tuple[str, ...], only: str | None = None) -> bool:
    """Whether the records (`only`: of that id) in each of plans/<year>/<folder>/ are big
    enough for their re-run to take a core of its own, and all of them small enough."""
    pattern = glob.escape(only) if only else "*"
    root = ws.root / records.PLAN_DIR
    sizes = [
        sum(p.stat().st_size for p in root.glob(f"*/{folder}/{pattern}.yaml")) for folder in folders
    ]
    return min(sizes) >= processes.WORTH and sum(sizes) <= processes.AFFORDABLE


def verify_all(ws: Workspace, only: str | None = None) -> list[Verdict]:
    def draws() -> list[Verdict]:
        return verify_draws(ws, only)

    def the_rest() -> list[Verdict]:
        return verify_assignments(ws, only) + verify_joint(ws, only) + verify_revisits(ws, only)

    if worth_a_core(ws, ("draws", "assignments"), only):
        found, rest = side_by_side(draws, the_rest)
    else:
        found, rest = draws(), the_rest()
    results = found + rest
    if only and not results:
        raise InputError(f"没有编号为“{only}”的记录")
    return results
