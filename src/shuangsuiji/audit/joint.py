"""Joint tasks (部门联合双随机): each participating department's part recorded after the
period (R9b per department), a joint visit counted more than once toward a cap (R15), and a
participating department inspecting a unit of the task on its own in the same period
(多头检查, R16 warning). The draw and every department's matching are re-run with the other
records (`verification.verify_all`, in `rerun`)."""

from __future__ import annotations

from datetime import date

from ..core import staffing
from ..core.planning import period_months
from ..core.problems import InputError, Refused
from ..workspace.inspections import ledger_file, load_ledger
from ..workspace.joint import all_joints, department_record_path, drawn, visits
from ..workspace.records import draw_tasks, joint_path
from .data import AuditData
from .findings import Finding, error, warning

FIX_PART = "该部门用 ssj record --from 文件 --department <部门> 记录它那一部分检查"
FIX_TWICE = "联合检查由 ssj 计入台账一次（检查类型 联合检查，全部检查机关）：删除台账中各部门另行登记的这次检查"
FIX_SEPARATE = (
    "能联合的检查不多头检查：把该部门的这次检查并入联合抽查，或在台账备注中写明它为何另行检查"
)


def check(data: AuditData) -> list[Finding]:
    out: list[Finding] = []
    ws = data.ws
    for task in all_joints(ws):
        here = ws.rel(joint_path(ws, task.year, task.id))
        try:
            found = visits(ws, task)
            periods = {t.entity.id: t.period for t in draw_tasks(ws, drawn(ws, task))}
            imported = load_ledger(ws, task.year).inspections
        except Refused:
            continue  # not drawn yet, or its draw superseded: nothing was to be visited
        except InputError:
            continue  # the files' own findings say what is wrong with them
        authorities = set(task.authorities())
        for visit in found:
            period = periods.get(visit.entity)
            due = staffing.period_end(task.year, period)
            for name in visit.missing:
                if name == task.lead or data.as_of <= due:
                    continue  # the lead's own record is the ordinary one (R9b above)
                out.append(
                    error(
                        "R9b",
                        here,
                        f"联合抽查 {task.id}：{name}对 {visit.entity} 的检查（时段 {period or '全年'}）"
                        f"已于 {due} 结束，没有该部门的检查记录",
                        FIX_PART,
                        year=task.year,
                        related=(
                            ws.rel(department_record_path(ws, task.year, name, visit.entity)),
                        ),
                    )
                )
            parts = [v for v in visit.parts.values() if v is not None]
            if not parts:
                continue
            first, last = min(v.start for v in parts), max(v.end for v in parts)
            start, end = period_start(task.year, period), due
            for row in imported:
                if row.entity != visit.entity or row.authority not in authorities:
                    continue
                if first <= row.date <= last:
                    out.append(
                        error(
                            "R15",
                            ledger_file(task.year),
                            f"联合抽查 {task.id} 对 {visit.entity} 的检查（{first}–{last}）又由"
                            f"{row.authority}以 {row.date} 的{row.type}登记在台账中：一次联合检查计入上限两次",
                            FIX_TWICE,
                            year=task.year,
                            related=(here,),
                        )
                    )
                elif start <= row.date <= end:
                    out.append(
                        warning(
                            "R16",
                            ledger_file(task.year),
                            f"{row.authority}参与联合抽查 {task.id}，又于 {row.date} 另行检查 "
                            f"{visit.entity}（同一时段 {period or '全年'}）：多头检查",
                            FIX_SEPARATE,
                            year=task.year,
                            related=(here,),
                        )
                    )
    return out


def period_start(year: int, period: str | None) -> date:
    """The first day of a task's period; the plan year's start when it has none."""
    return date(year, period_months(period)[0], 1) if period else date(year, 1, 1)
