"""Joint tasks (部门联合双随机) read from the files: the task, the departments' rosters, each
department's matching and records, whether a visit is complete. Shared by the joint
commands, ssj verify and the audit, so that each is computed in one place.

Files: plans/<年度>/joint/<编号>.yaml (the task, reviewed and committed before its draw);
the draw is an ordinary draw record whose id is the task's; the lead department's team is
the draw's ordinary assignment (plans/<年度>/assignments/<编号>.yaml) and its records the
ordinary records; every other department's team is in
plans/<年度>/joint/<编号>/assignments/<部门>.yaml and its records in
plans/<年度>/departments/<部门>/records/<统一社会信用代码>.yaml; its inspectors and items in
rosters/departments/<部门>/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.joint import ChecklistLine, JointTask, check_department_name, merged_checklist
from ..core.problems import InputError, Problem, Refused
from ..core.recording import TaskRef
from ..core.records import Assigned, Assignment, Draw
from ..core.results import RecordFile, RecordVersion
from ..core.selection import superseded
from ..storage import yamlio
from . import matching
from .load import PLAN_DIR, ROSTER_DIR, ROSTER_FORMATS, LoadedRoster, Workspace, load_model
from .records import (
    added_in,
    all_assignments,
    all_draws,
    assignment_path,
    draw_tasks,
    record_path,
    teams,
)
from .year import YearTasks, current_records

DEPARTMENTS = "departments"


# ------------------------------------------------------------------ the task


def load_joint(ws: Workspace, path: Path) -> JointTask:
    task = load_model(JointTask, path, ws.rel(path))
    if task.id != path.stem or str(task.year) != path.parent.parent.name:
        raise InputError(
            Problem(file=ws.rel(path), field="id", message="编号、年度与文件名、目录不符")
        )
    return task


def all_joints(ws: Workspace, year: int | None = None) -> list[JointTask]:
    pattern = f"{year}/joint/*.yaml" if year is not None else "*/joint/*.yaml"
    return [load_joint(ws, p) for p in sorted((ws.root / PLAN_DIR).glob(pattern))]


def find_joint(ws: Workspace, joint_id: str) -> JointTask:
    from .records import check_draw_id

    check_draw_id(joint_id, "联合抽查编号")
    for path in (ws.root / PLAN_DIR).glob(f"*/joint/{joint_id}.yaml"):
        return load_joint(ws, path)
    raise InputError(f"没有编号为“{joint_id}”的联合抽查任务：请先 ssj joint init")


def joint_draw(ws: Workspace, task: JointTask) -> Draw | None:
    path = record_path(ws, task.year, task.id)
    return ws.load_record(Draw, path) if path.is_file() else None


def drawn(ws: Workspace, task: JointTask) -> Draw:
    record = joint_draw(ws, task)
    if record is None:
        raise Refused(f"联合抽查“{task.id}”尚未抽取：请先 ssj draw --joint {task.id}")
    if record.draw_id in superseded(all_draws(ws)):
        raise Refused(f"联合抽查“{task.id}”的抽取已被重抽取代")
    return record


def department_of(task: JointTask, name: str) -> str:
    if name not in task.names():
        raise InputError(f"“{name}”不是联合抽查“{task.id}”的参与部门（{'、'.join(task.names())}）")
    return name


# ------------------------------------------------------------------ departments' rosters


def folder(name: str) -> str:
    """A department's name as a folder name, or InputError."""
    try:
        return check_department_name(name)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def department_files(name: str, kind: str) -> tuple[str, ...]:
    folder(name)
    return tuple(f"{ROSTER_DIR}/{DEPARTMENTS}/{name}/{kind}.{fmt}" for fmt in ROSTER_FORMATS)


def department_roster_path(ws: Workspace, name: str, kind: str) -> Path:
    """Where a department's roster is kept: its CSV when there is one, else its YAML."""
    if kind == "entities":
        raise InputError(
            "各部门共用本局的检查对象名录库：--department 只用于执法检查人员和抽查事项"
        )
    yaml_file, csv_file = (ws.root / f for f in department_files(name, kind))
    return csv_file if csv_file.is_file() else yaml_file


def department_roster(
    ws: Workspace, task: JointTask, name: str, kind: str, commit: str | None = None
) -> LoadedRoster:
    """A department's inspectors or items, now or as committed: the lead's are the
    workspace's own rosters, validated like them; the others' under rosters/departments/."""
    if name == task.lead:
        return ws.roster(kind) if commit is None else ws.roster_at(kind, commit)
    return own_roster(ws, name, kind, commit)


def department_rows(ws: Workspace, name: str, kind: str) -> list:
    """A participating department's current inspectors or items."""
    return own_roster(ws, name, kind).rows


def own_roster(ws: Workspace, name: str, kind: str, commit: str | None = None) -> LoadedRoster:
    """The roster under rosters/departments/<部门>/, now or as committed at `commit`."""
    for path in department_files(name, kind):
        raw = (
            ((ws.root / path).read_bytes() if (ws.root / path).is_file() else None)
            if commit is None
            else ws.git.show(commit, path)
        )
        if raw is not None:
            label = path if commit is None else f"{path}@{commit[:10]}"
            return ws._parsed(kind, raw, path, label)
    where = "" if commit is None else f"提交 {commit[:10]} 中"
    raise InputError(
        Problem(
            file=department_files(name, kind)[0],
            message=f"{where}没有“{name}”的名录：请用 ssj roster import 文件 --department {name} 导入并提交",
        )
    )


# ------------------------------------------------------------------ each department's team


def department_assignment_path(ws: Workspace, year: int, joint_id: str, name: str) -> Path:
    return ws.plan_dir(year) / "joint" / joint_id / "assignments" / f"{name}.yaml"


def assignment_of(ws: Workspace, task: JointTask, name: str) -> Assignment | None:
    """A department's matching of the joint task: the lead's is the draw's own assignment."""
    path = (
        assignment_path(ws, task.year, task.id)
        if name == task.lead
        else department_assignment_path(ws, task.year, task.id, name)
    )
    return ws.load_record(Assignment, path) if path.is_file() else None


def department_assignments(ws: Workspace, name: str) -> list[Assignment]:
    """Every matching a (participating, not lead) department made for a joint task here."""
    found = sorted((ws.root / PLAN_DIR).glob(f"*/joint/*/assignments/{name}.yaml"))
    return sorted(
        (ws.load_record(Assignment, p) for p in found), key=lambda a: (a.assigned_at, a.draw_id)
    )


def seeds(ws: Workspace, task: JointTask) -> dict[str, str]:
    """Each stage's seed so far: the draw's, then each department's matching."""
    out = {}
    record = joint_draw(ws, task)
    if record is not None:
        out["抽取检查对象"] = record.seed
    for name in task.names():
        done = assignment_of(ws, task, name)
        if done is not None:
            out[f"{name}匹配人员"] = done.seed
            for n, later in enumerate(done.rounds, 1):
                out[f"{name}第 {n} 次补充匹配"] = later.seed
    return out


def lead_history(ws: Workspace) -> list[Assignment]:
    """The lead's matchings that count toward its load and rotation (as `ssj assign`)."""
    gone = superseded(all_draws(ws))
    return [a for a in all_assignments(ws) if a.draw_id not in gone]


def department_context(
    ws: Workspace,
    record: Draw,
    people: Sequence,
    items: Sequence,
    history: Sequence[Assignment],
    at: str | None = None,
) -> matching.Context:
    """A participating department's matching: the draw's tasks, its own people and items,
    its load and rotation from its own earlier joint matchings (no category departments:
    a participating department matches within itself)."""
    return matching.Context(
        draw=record,
        tasks=draw_tasks(ws, record, at),
        people=list(people),
        items=list(items),
        departments={},
        history=list(history),
        substitutions={
            h.draw_id: {t.entity: [m.id for m in t.inspectors + t.experts] for t in h.tasks}
            for h in history
        },
    )


def options_of(task: JointTask, name: str, rotation_years: int) -> matching.Options:
    department = task.department(name)
    return matching.Options(
        team_size=department.team_size,
        experts=department.experts,
        rotation_years=rotation_years,
    )


def rebuild_department(ws: Workspace, task: JointTask, name: str) -> list[Assigned]:
    """Re-run a participating department's recorded matching from the rosters at its commit
    (checked) and the draw's replacements as committed with it."""
    path = department_assignment_path(ws, task.year, task.id, name)
    record = ws.load_record(Assignment, path)
    where = f"联合抽查 {task.id} {name}的匹配"
    people = department_roster(ws, task, name, "inspectors", record.commit)
    items = department_roster(ws, task, name, "items", record.commit)
    for roster in (people, items):
        if roster.sha256 != record.rosters[roster.kind].sha256:
            raise Refused(
                f"{where}：提交 {record.commit[:10]} 中的 {roster.path} 摘要与记录不符（R14）"
            )
    draw = drawn(ws, task)
    if matching.draw_sha256(ws, draw) != record.draw_sha256:
        raise Refused(f"{where}：抽取记录在匹配之后被修改过（R14）")
    known = {a.draw_id: a for a in department_assignments(ws, name)}
    history = [known[h] for h in record.history if h in known]
    if len(history) != len(record.history):
        raise Refused(f"{where}：记录引用的既往匹配缺失")
    ctx = department_context(ws, draw, people.rows, items.rows, history, added_in(ws, path))
    options = matching.Options(**record.parameters.model_dump())
    return matching.run(ctx, record.seed, options)


def department_teams(ws: Workspace, task: JointTask) -> dict[str, dict[str, list[str]]]:
    """department -> entity -> its people (the lead's after its substitutions)."""
    out = {}
    for name in task.names():
        done = assignment_of(ws, task, name)
        if done is None:
            continue
        out[name] = (
            teams(ws, done)
            if name == task.lead
            else {t.entity: [m.id for m in t.inspectors + t.experts] for t in done.tasks}
        )
    return out


def checklist_of(ws: Workspace, task: JointTask, entity: str) -> list[ChecklistLine]:
    """The merged checklist of one unit of the joint task: every matched department's items."""
    checklists, items = {}, {}
    for name in task.names():
        done = assignment_of(ws, task, name)
        if done is None:
            continue
        found = next((t for t in done.matched() if t.entity == entity), None)
        if found is not None:
            checklists[name] = found.checklist
            items[name] = department_roster(ws, task, name, "items", done.commit).rows
    return merged_checklist(task.names(), checklists, items)


# ------------------------------------------------------------------ each department's records


def department_records_dir(ws: Workspace, year: int, name: str) -> Path:
    folder(name)
    return ws.plan_dir(year) / DEPARTMENTS / name / "records"


def department_record_path(ws: Workspace, year: int, name: str, entity: str) -> Path:
    return department_records_dir(ws, year, name) / f"{entity}.yaml"


def department_records(ws: Workspace, year: int, name: str) -> dict[str, RecordFile]:
    out = {}
    for path in sorted(department_records_dir(ws, year, name).glob("*.yaml")):
        record = load_model(RecordFile, path, ws.rel(path))
        if record.entity != path.stem or record.year != year:
            raise InputError(
                Problem(file=ws.rel(path), field="entity", message="文件名、年度与记录不符")
            )
        out[record.entity] = record
    return out


@dataclass
class Visit:
    """One unit of a joint task: each department's current record (None: not yet)."""

    joint_id: str
    entity: str
    parts: dict[str, RecordVersion | None]

    @property
    def complete(self) -> bool:
        return all(v is not None for v in self.parts.values())

    @property
    def missing(self) -> list[str]:
        return [name for name, v in self.parts.items() if v is None]

    @property
    def end(self):
        """The day the visit ended: the latest end of the departments' parts."""
        return max(v.end for v in self.parts.values() if v is not None)


def visits(ws: Workspace, task: JointTask) -> list[Visit]:
    """Every unit of a drawn joint task with each department's current record."""
    record = drawn(ws, task)
    lead = current_records(ws, task.year)
    others = {d.name: department_records(ws, task.year, d.name) for d in task.others()}
    out = []
    for spec in draw_tasks(ws, record):
        entity = spec.entity.id
        parts: dict[str, RecordVersion | None] = {task.lead: lead.get((task.id, entity))}
        for name, files in others.items():
            found = files.get(entity)
            parts[name] = found.current(task.id) if found and task.id in found.draw_ids() else None
        out.append(Visit(task.id, entity, {n: parts[n] for n in task.names()}))
    return out


def is_own(ws: Workspace, year: int, name: str) -> bool:
    """Whether `name` is this workspace's own department: the lead of a joint task of the
    year (its records are the ordinary ones), or named by no joint task at all."""
    tasks = all_joints(ws, year)
    return any(t.lead == name for t in tasks) or not any(name in t.names() for t in tasks)


def department_year_tasks(ws: Workspace, year: int, name: str) -> YearTasks:
    """The tasks a participating department has in the year's drawn joint tasks, its team
    and checklist from its own matching; a unit not yet matched is unassigned."""
    out = YearTasks(year)
    gone = superseded(all_draws(ws))
    for task in all_joints(ws, year):
        if name not in task.names() or name == task.lead:
            continue
        record = joint_draw(ws, task)
        if record is None or record.draw_id in gone:
            continue
        done = assignment_of(ws, task, name)
        planned = {t.entity: t for t in done.tasks} if done else {}
        for spec in draw_tasks(ws, record):
            entity = spec.entity
            out.entities.setdefault(entity.id, entity)
            found = planned.get(entity.id)
            out.tasks[(record.draw_id, entity.id)] = TaskRef(
                year=year,
                draw_id=record.draw_id,
                draw_date=record.date,
                entity=entity.id,
                name=entity.name,
                period=spec.period,
                officers=tuple(m.id for m in found.inspectors) if found else (),
                experts=tuple(m.id for m in found.experts) if found else (),
                checklist=tuple(found.checklist) if found else (),
            )
            if found is None:
                out.unassigned.add((record.draw_id, entity.id))
    return out


JOINT_HEADER = (
    "# 部门联合抽查任务（ssj joint init 写出）：审阅发起部门、参与部门及其执法主体、每组人数、\n"
    "# 定向条件和检查时段，改好后提交；抽取（ssj draw --joint）之前必须已提交。\n"
)


def joint_text(task: JointTask) -> str:
    """The joint task file as ssj writes it, for review before it is committed."""
    return yamlio.dump_fast(task.model_dump(mode="json", exclude_none=True), JOINT_HEADER)
