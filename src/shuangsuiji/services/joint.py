"""部门联合双随机 (ssj joint, ssj assign --joint): the joint task written for review, each
department's team matched with its own fresh seed, and the task shown with its merged
checklist and each department's records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..core import algorithm
from ..core.eligibility import parse_where
from ..core.joint import JointTask, joint_seeds_clash
from ..core.models import row_problems
from ..core.planning import NO_ITEMS, effective_rules, parse_periods
from ..core.problems import InputError, Problem, Refused
from ..core.records import Assignment
from ..core.selection import superseded
from ..workspace import Workspace, matching, writer
from ..workspace.joint import (
    assignment_of,
    checklist_of,
    department_assignment_path,
    department_assignments,
    department_context,
    department_of,
    department_roster,
    department_teams,
    drawn,
    find_joint,
    joint_text,
    lead_history,
    options_of,
    seeds,
    visits,
)
from ..workspace.matching import context, run
from ..workspace.records import all_draws, assignment_path, check_draw_id, joint_path, load_plan
from ..workspace.seed import choose_seed


@dataclass
class JointWritten:
    path: str
    task: JointTask
    commit: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"file": self.path, "commit": self.commit, **self.task.model_dump(mode="json")}


def init(
    ws: Workspace,
    year: int,
    joint_id: str,
    lead: str,
    others: Sequence[str],
    where: Sequence[str],
    authorities: Sequence[str],
    title: str | None,
    commit: bool,
    periods: str | None = None,
) -> JointWritten:
    """Write plans/<年度>/joint/<编号>.yaml for review; never over an existing task.

    `authorities`: “部门=执法主体全称” for each department; the lead's defaults to ssj.yaml's
    authority, another's to its name (to be corrected in review)."""
    check_draw_id(joint_id, "联合抽查编号")
    plan = load_plan(ws, year)
    named = {}
    for given in authorities:
        name, sep, full = given.partition("=")
        if not sep or not name.strip() or not full.strip():
            raise InputError(f"--authority“{given}”应写作 部门=执法主体全称")
        named[name.strip()] = full.strip()
    names = [lead, *[o for o in others if o != lead]]
    unknown = sorted(set(named) - set(names))
    if unknown:
        raise InputError(f"--authority 中的“{'、'.join(unknown)}”不是参与部门")
    departments = [
        {
            "name": name,
            "authority": named.get(name) or (ws.config.authority if name == lead else name),
            "team_size": plan.team_size if name == lead else 2,
            "experts": plan.experts if name == lead else 0,
        }
        for name in names
    ]
    data = {
        "kind": "joint",
        "id": joint_id,
        "year": year,
        "title": title or f"{year}年度部门联合“双随机、一公开”抽查（{'、'.join(names)}）",
        "lead": lead,
        "departments": departments,
        "where": parse_where(list(where)) if where else dict(plan.where),
        "periods": periods_of(periods) if periods is not None else list(plan.periods),
    }
    path = joint_path(ws, year, joint_id)
    label = ws.rel(path)
    try:
        task = JointTask.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [Problem(file=label, field=f, message=m) for _, f, m in row_problems(JointTask, exc)]
        ) from None
    with writer.batch(ws, commit=commit) as book:
        if any(ws.root.glob(f"plans/*/joint/{joint_id}.yaml")) or any(
            ws.root.glob(f"plans/*/draws/{joint_id}.yaml")
        ):
            raise Refused(f"编号“{joint_id}”已被使用（联合抽查或抽取），未做任何修改")
        text = joint_text(task)
        book.write(path, text)
        book.message = f"联合抽查任务 {joint_id}（{'、'.join(names)}，待审阅）"
    return JointWritten(label, task, book.sha)


# ------------------------------------------------------------------ ssj assign --joint


@dataclass
class JointAssigned:
    """One department's matching of a joint task, with every unit's merged checklist."""

    joint_id: str
    department: str
    record: Assignment
    file: str
    checklists: dict[str, list[dict]] = field(default_factory=dict)  # entity -> lines
    commit: str | None = None

    def as_json(self) -> dict[str, Any]:
        r = self.record
        return {
            "joint_id": self.joint_id,
            "department": self.department,
            "draw_id": r.draw_id,
            "file": self.file,
            "seed": r.seed,
            "seed_source": r.seed_source,
            "seed_generated": r.seed_generated,
            "algorithm": r.algorithm,
            "commit": self.commit,
            "tasks": [
                {
                    "entity": t.entity,
                    "period": t.period,
                    "inspectors": [m.id for m in t.inspectors],
                    "experts": [m.id for m in t.experts],
                    "checklist": t.checklist,
                    "merged_checklist": self.checklists.get(t.entity, []),
                }
                for t in r.tasks
            ],
        }


def assign(
    ws: Workspace,
    joint_id: str,
    department: str,
    seed: str | None,
    seed_source: str | None,
    commit: bool,
) -> JointAssigned:
    """Match one department's inspectors to the joint draw's units with its own fresh seed
    (refused when it repeats the draw's or another department's); its load and rotation
    are its own. The lead's matching is the draw's ordinary assignment."""
    task = find_joint(ws, joint_id)
    name = department_of(task, department)
    with writer.batch(ws, commit=commit) as book:
        record = drawn(ws, task)
        if assignment_of(ws, task, name) is not None:
            raise Refused(f"联合抽查“{task.id}”中{name}已匹配过人员")
        clash = joint_seeds_clash(seed, seeds(ws, task)) if seed is not None else None
        if clash:
            raise Refused(
                f"种子与“{clash}”的种子相同：每一环节的种子都须重新产生，"
                "知道前一环节种子的人不应能左右下一环节。请另行产生种子"
            )
        head = book.check_inputs(record.year)
        people = department_roster(ws, task, name, "inspectors")
        items = department_roster(ws, task, name, "items")
        if not items.rows:
            raise Refused(NO_ITEMS)
        seed, source, generated = choose_seed(seed, seed_source)
        while joint_seeds_clash(seed, seeds(ws, task)):  # a generated seed, vanishingly rare
            seed, source, generated = choose_seed(None, seed_source)
        rules = effective_rules(ws.config, load_plan(ws, record.year))
        options = options_of(task, name, rules.rotation_years)
        if name == task.lead:
            history = lead_history(ws)
            ctx = context(ws, record, people.rows, items.rows, history)
            path = assignment_path(ws, record.year, record.draw_id)
        else:
            history = department_assignments(ws, name)
            gone = superseded(all_draws(ws))
            history = [h for h in history if h.draw_id not in gone]
            ctx = department_context(ws, record, people.rows, items.rows, history)
            path = department_assignment_path(ws, record.year, task.id, name)
        result = matching.new_assignment(
            ws,
            record,
            head=head,
            seed=(seed, source, generated),
            rosters=(people, items),
            history=history,
            options=options,
            tasks=run(ctx, seed, options),
        )
        book.write_record(path, result)
        book.message = f"联合抽查 {task.id}：{name}匹配检查人员（{algorithm.ALGORITHM}）"
    out = JointAssigned(task.id, name, result, ws.rel(path), commit=book.sha)
    out.checklists = {
        t.entity: [line.as_json() for line in checklist_of(ws, task, t.entity)]
        for t in result.tasks
    }
    return out


# ------------------------------------------------------------------ ssj joint show


@dataclass
class JointShown:
    task: JointTask
    draw_id: str | None
    teams: dict[str, dict[str, list[str]]]
    units: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "joint_id": self.task.id,
            "year": self.task.year,
            "lead": self.task.lead,
            "departments": [
                d.model_dump(mode="json", exclude_none=True) for d in self.task.departments
            ],
            "draw_id": self.draw_id,
            "units": self.units,
        }


def show(ws: Workspace, joint_id: str) -> JointShown:
    """A joint task: its departments, and once drawn, each unit's teams, merged checklist
    and which departments have recorded their part."""
    task = find_joint(ws, joint_id)
    try:
        record = drawn(ws, task)
    except Refused:
        return JointShown(task, None, {}, [])
    teamed = department_teams(ws, task)
    units = []
    for visit in visits(ws, task):
        units.append(
            {
                "entity": visit.entity,
                "teams": {n: teamed.get(n, {}).get(visit.entity, []) for n in task.names()},
                "checklist": [line.as_json() for line in checklist_of(ws, task, visit.entity)],
                "recorded": [n for n, v in visit.parts.items() if v is not None],
                "missing": visit.missing,
                "complete": visit.complete,
            }
        )
    return JointShown(task, record.draw_id, teamed, units)


def periods_of(text: str | None) -> list[str] | None:
    if text is None:
        return None
    try:
        return parse_periods(text)
    except ValueError as exc:
        raise InputError(f"--periods：{exc}") from None
