"""Inspector matching from the files at a draw's commit: shared by ssj assign, verify, audit."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from ..core import algorithm, staffing
from ..core.models import Inspector
from ..core.problems import Refused
from ..core.records import (
    Assigned,
    AssignedView,
    Assignment,
    AssignParameters,
    Draw,
    RosterRef,
    list_of,
)
from ..storage import processes
from .load import LoadedRoster, Workspace, roster_worth_a_core
from .records import (
    TaskSpec,
    added_in,
    all_assignments,
    all_draws,
    assignment_path,
    draw_tasks,
    entry_added_in,
    load_replacements,
    record_path,
    task_periods,
    teams,
)


@dataclass
class Options:
    team_size: int = 2
    experts: int = 0
    scope: str = "bureau"
    lead_department: bool = False
    cross_region: bool = False
    rotation_years: int = 1


@dataclass
class Context:
    """Everything an assignment depends on besides the seed (shared by assign and verify)."""

    draw: Draw
    tasks: list[TaskSpec]
    people: list[Inspector]
    items: list
    departments: dict[str, str | None]  # category -> supervising department
    history: list[Assignment]
    substitutions: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # A later matching of the same draw: the teams its earlier matchings already gave.
    earlier: dict[str, list[str]] = field(default_factory=dict)

    def prior_load(self) -> Counter:
        load: Counter = Counter()
        for past in self.history:
            if past.year == self.draw.year:
                for team in self.substitutions[past.draw_id].values():
                    load.update(team)
        for team in self.earlier.values():
            load.update(team)
        return load

    def rotation(self, years: int) -> frozenset[tuple[str, str]]:
        if years <= 0:
            return frozenset()
        first = self.draw.year - years
        past = [
            self.substitutions[p.draw_id] for p in self.history if first <= p.year <= self.draw.year
        ]
        return frozenset(
            (person, entity)
            for done in [*past, self.earlier]
            for entity, team in done.items()
            for person in team
        )


class Infeasible(Refused):
    """Some task cannot be staffed; `details` says who was excluded and why."""

    def __init__(self, details: list[dict], hints: list[str]) -> None:
        self.details, self.hints = details, hints
        names = "、".join(d["entity"] for d in details)
        super().__init__(
            f"无法为 {names} 匹配足够的检查人员，未写入任何文件"
            + ("。可考虑：" + "；".join(hints) if hints else "")
        )


def candidates(ctx: Context, options: Options):
    """Each task's eligible officers and experts, and why the others were excluded.

    Computed once per (period end, department, region) and shared by the tasks that have
    them, unit by unit only for the units someone must avoid or rotate away from."""
    rotation = ctx.rotation(options.rotation_years)
    by_department = {
        dept: staffing.Rules(
            cross_region=options.cross_region,
            department=dept if options.scope == "department" else None,
            rotation=rotation,
        )
        for dept in {*ctx.departments.values(), None}
    }
    special = staffing.avoided(ctx.people, by_department[None])
    ends: dict[str | None, date] = {}
    memo: dict[tuple, tuple[algorithm.TaskCandidates, dict]] = {}
    out, excluded = [], {}
    for task in ctx.tasks:
        entity = task.entity
        dept = ctx.departments.get(entity.category)
        until = ends.get(task.period)
        if until is None:
            until = ends[task.period] = staffing.period_end(ctx.draw.year, task.period)
        key = (until, dept, entity.region if options.cross_region else None)
        found = None if entity.id in special else memo.get(key)
        if found is None:
            found = _candidates(ctx, options, entity, until, by_department[dept], dept)
            if entity.id not in special:
                memo[key] = found
        shared, why = found
        out.append(
            algorithm.TaskCandidates(
                entity.id, shared.officers, shared.experts, shared.lead, shared.lead_required
            )
        )
        excluded[entity.id] = why
    return out, excluded


def _candidates(
    ctx: Context, options: Options, entity, until: date, rules: staffing.Rules, dept: str | None
) -> tuple[algorithm.TaskCandidates, dict[str, list[str]]]:
    officers, out_officers = staffing.eligible(ctx.people, entity, until, rules, "执法人员")
    experts, out_experts = staffing.eligible(ctx.people, entity, until, rules, "专家")
    wants_lead = bool(options.lead_department and dept)
    ok = set(officers)
    lead = [p.id for p in ctx.people if p.id in ok and p.department == dept] if wants_lead else []
    task = algorithm.TaskCandidates(entity.id, officers, experts, lead, wants_lead)
    return task, {**out_officers, **out_experts}


def ranked(ctx: Context, seed: str, options: Options) -> list[algorithm.TaskAssignment]:
    """Every task's full ranking (who comes next when someone cannot go)."""
    tasks, excluded = candidates(ctx, options)
    try:
        return algorithm.assign(
            seed,
            ctx.draw.draw_id,
            tasks,
            team_size=options.team_size,
            experts=options.experts,
            prior_load=ctx.prior_load(),
        )
    except algorithm.AssignmentInfeasible as exc:
        raise infeasible(ctx, exc.shortfalls, excluded) from None


@dataclass(frozen=True, slots=True, eq=False)
class Task:
    """A matched task as the algorithm gives it: equal to the recorded `Assigned` with the
    same fields, so that a re-run is compared with its record without building models."""

    entity: str
    ticket: str
    period: str | None
    inspectors: list[algorithm.Ranked]
    experts: list[algorithm.Ranked]
    checklist: list[str]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (Task, Assigned, AssignedView)):
            return NotImplemented
        return (
            self.entity == other.entity
            and self.ticket == other.ticket
            and self.period == other.period
            and _same(self.inspectors, other.inspectors)
            and _same(self.experts, other.experts)
            and self.checklist == other.checklist
        )

    def as_dict(self) -> dict:
        """The task as its record holds it: `Assigned.model_dump(mode="json",
        exclude_none=True)` of the same task (tests prove it). The checklist is the one
        list its tasks share (staffing.Checklists), which the record's writer renders once."""
        out = {"entity": self.entity, "ticket": self.ticket}
        if self.period is not None:
            out["period"] = self.period
        out["inspectors"] = [_member(m) for m in self.inspectors]
        out["experts"] = [_member(m) for m in self.experts]
        out["checklist"] = self.checklist
        return out


def _same(mine: list, theirs: list) -> bool:
    return list(map(_RANKED, mine)) == list(map(_RANKED, theirs))


_RANKED = attrgetter("id", "ticket", "load")


def _member(m: algorithm.Ranked) -> dict:
    return {"id": m.id, "ticket": m.ticket, "load": m.load}


def tickets_ahead(
    ws: Workspace, record: Draw, people: Sequence[Inspector], seed: str
) -> processes.Aside[staffing.Ahead | None] | None:
    """The tickets of the last tasks of the first matching of `record` (staffing.AHEAD),
    begun in a copy of this process (storage/processes.py) before its inputs are read;
    None where that is not worth a core. `matched(..., ahead=)` reads them when it comes to
    those tasks; cancel() it if the matching stops before."""
    if not roster_worth_a_core(ws.root, "entities") or len(people) > staffing.AHEAD_PEOPLE:
        return None
    units, ids = list(task_periods(ws, record)), [p.id for p in people]
    return processes.Aside(
        lambda: staffing.tickets_ahead(seed, record.draw_id, units, ids), instead=lambda: None
    )


def matched(
    ctx: Context,
    seed: str,
    options: Options,
    ahead: processes.Aside[staffing.Ahead | None] | None = None,
) -> list[Task]:
    """The assignment itself (light tasks), or Infeasible naming each task's exclusions.
    `ahead`: its last tasks' tickets, being made beforehand (tickets_ahead)."""
    tasks, excluded = candidates(ctx, options)
    try:
        found = staffing.teams(
            seed,
            ctx.draw.draw_id,
            tasks,
            team_size=options.team_size,
            experts=options.experts,
            prior_load=ctx.prior_load(),
            ahead=ahead.result if ahead is not None else None,
        )
    except algorithm.AssignmentInfeasible as exc:
        raise infeasible(ctx, exc.shortfalls, excluded) from None
    by_entity = {t.entity.id: t for t in ctx.tasks}
    checklist = staffing.Checklists(ctx.items)
    return [
        Task(
            r.entity,
            r.ticket,
            by_entity[r.entity].period,
            r.inspectors,
            r.experts,
            checklist(by_entity[r.entity].entity),
        )
        for r in found
    ]


def run(ctx: Context, seed: str, options: Options) -> list[Assigned]:
    """The assignment as the record's tasks, or Infeasible naming each task's exclusions."""
    # Validated in one call: tens of thousands of tasks, each a few small models.
    return list_of(Assigned).validate_python([t.as_dict() for t in matched(ctx, seed, options)])


def record_data(record: Assignment, tasks: list[Task]) -> dict:
    """The JSON form of `record` (made with no tasks) holding the light `tasks`: what
    writing it with a model per task gives, without the hundreds of thousands of models
    a big draw's matching would make (tests prove the two the same)."""
    data = record.model_dump(mode="json", exclude_none=True)
    data["tasks"] = [t.as_dict() for t in tasks]
    return data


def infeasible(ctx: Context, shortfalls, excluded) -> Infeasible:
    names = {p.id: p for p in ctx.people}
    details, reasons = [], Counter()
    for short in shortfalls:
        role = "专家" if short.role == "专家" else "执法人员"
        people = []
        for pid, why in excluded[short.entity].items():
            if names[pid].role == role:
                people.append({"id": pid, "name": names[pid].name, "reasons": why})
                reasons.update(why)
        details.append(
            {
                "entity": short.entity,
                "role": short.role,
                "needed": short.needed,
                "available": short.available,
                "excluded": people,
            }
        )
    hints = []
    if reasons[staffing.OTHER_DEPARTMENT]:
        hints.append("改为全局内随机（--scope bureau）")
    if reasons[staffing.SAME_REGION]:
        hints.append("取消所所交叉（去掉 --cross-region）")
    if reasons[staffing.ROTATION]:
        hints.append("缩短轮换期（--rotation-years 0）")
    if (
        reasons[staffing.EXPIRED]
        or reasons[staffing.NO_CERTIFICATE]
        or reasons[staffing.NOT_ON_DUTY]
    ):
        hints.append("更新名录库中的证件有效期、在岗状态，或补充执法人员")
    officers = [s.available for s in shortfalls if s.role == "执法人员"]
    if officers and min(officers) >= 2:
        hints.append(f"减少每组人数（--min-inspectors {min(officers)}）")
    experts = [s.available for s in shortfalls if s.role == "专家"]
    if experts:
        hints.append(f"减少专家人数（--experts {min(experts)}）")
    if any(s.role == "主办科室" for s in shortfalls):
        hints.append("去掉 --lead-department")
    return Infeasible(details, hints)


def context(
    ws: Workspace,
    record: Draw,
    inspectors: list[Inspector],
    items: list,
    history: Sequence[Assignment],
    at: str | None = None,
    earlier: dict[str, list[str]] | None = None,
) -> Context:
    """What a matching of `record` depends on: its tasks (less those `earlier` matchings of
    the draw already teamed) and the teams of `history`, from the files on disk or (`at`)
    as committed at that commit."""
    config = ws.config_at(at)  # the departments of the categories, as they were
    earlier = earlier or {}
    return Context(
        draw=record,
        tasks=[t for t in draw_tasks(ws, record, at) if t.entity.id not in earlier],
        people=inspectors,
        items=items,
        departments={c.name: c.department for c in config.categories},
        history=list(history),
        substitutions={h.draw_id: teams(ws, h, at) for h in history},
        earlier=earlier,
    )


def recorded_context(ws: Workspace, record: Assignment, n: int = 0) -> Context:
    """The context of a recorded matching (0: the first, n: the n-th later one), from the
    rosters at its commit (checked, R14) and the other records as committed with it."""
    inputs = record.rounds[n - 1] if n else record
    where = f"匹配 {record.draw_id}" + (f" 第 {n} 次补充匹配" if n else "")
    people = ws.roster_at("inspectors", inputs.commit)
    items = ws.roster_at("items", inputs.commit)
    for roster in (people, items):
        if roster.sha256 != inputs.rosters[roster.kind].sha256:
            raise Refused(
                f"{where}：提交 {inputs.commit[:10]} 中的 {roster.path} 摘要与记录不符（R14）"
            )
    draw = next((d for d in all_draws(ws) if d.draw_id == record.draw_id), None)
    if draw is None:
        raise Refused(f"{where}：对应的抽取记录不存在")
    if draw_sha256(ws, draw) != record.draw_sha256:
        raise Refused(f"{where}：抽取记录在匹配之后被修改过（R14）")
    path = assignment_path(ws, record.year, record.draw_id)
    at = entry_added_in(ws, path, "rounds", n - 1) if n else added_in(ws, path)
    if n:
        seen = len(load_replacements(ws, draw, at).replacements)
        if seen != record.rounds[n - 1].replacements:
            raise Refused(
                f"{where}：记录计入 {record.rounds[n - 1].replacements} 条候补替换，"
                f"提交时的替换记录有 {seen} 条（R14）"
            )
    known = {a.draw_id: a for a in all_assignments(ws)}
    history = [known[h] for h in inputs.history if h in known]
    if len(history) != len(inputs.history):
        raise Refused(f"{where}：记录引用的既往匹配缺失")
    earlier = teams(ws, record, at, rounds=n - 1) if n else None
    return context(ws, draw, people.rows, items.rows, history, at, earlier)


def seed_of(record: Assignment, n: int = 0) -> str:
    return record.rounds[n - 1].seed if n else record.seed


def rebuild(ws: Workspace, record: Assignment, n: int = 0) -> list[Task]:
    """Re-run a recorded matching (0: the first, n: the n-th later one) from its record:
    light tasks, each equal to its recorded `Assigned` when the re-run agrees."""
    options = Options(**record.parameters.model_dump())
    return matched(recorded_context(ws, record, n), seed_of(record, n), options)


def roster_refs(*rosters: LoadedRoster) -> dict[str, RosterRef]:
    """How a matching names the rosters it was made from: path and SHA-256 of each."""
    return {r.kind: RosterRef(path=r.path, sha256=r.sha256) for r in rosters}


def draw_sha256(ws: Workspace, record: Draw) -> str:
    """The draw record's bytes a matching was made for (any later edit shows, R14)."""
    return hashlib.sha256(record_path(ws, record.year, record.draw_id).read_bytes()).hexdigest()


def new_assignment(
    ws: Workspace,
    record: Draw,
    *,
    head: str,
    seed: tuple[str, str | None, bool],
    rosters: tuple[LoadedRoster, LoadedRoster],
    history: Sequence[Assignment],
    options: Options,
    tasks: list[Assigned],
) -> Assignment:
    """The record of a first matching of `record` (the bureau's, or a joint department's)."""
    value, source, generated = seed
    return Assignment(
        draw_id=record.draw_id,
        year=record.year,
        assigned_at=ws.clock.now(),
        seed=value,
        seed_source=source,
        seed_generated=generated,
        commit=head,
        rosters=roster_refs(*rosters),
        draw_sha256=draw_sha256(ws, record),
        history=[h.draw_id for h in history],
        parameters=AssignParameters(**options.__dict__),
        tasks=tasks,
    )
