"""Inspector assignment, end to end: eligibility, the algorithm, the record, verify."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core import algorithm, staffing
from ..core.models import Entity, Inspector
from ..core.problems import InputError, Refused
from ..core.records import (
    Assigned,
    Assignment,
    AssignParameters,
    Draw,
    Member,
    RosterRef,
    Substitution,
    Substitutions,
)
from ..storage import yamlio
from ..workspace import PLAN_DIR, Workspace, load_model
from .draw import (
    GENERATED_HEADER,
    all_draws,
    choose_seed,
    commit_record,
    current_selection,
    load_replacements,
    record_path,
    superseded,
    write_record,
)


def assignment_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return ws.plan_dir(year) / "assignments" / f"{draw_id}.yaml"


def substitutions_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return ws.plan_dir(year) / "assignments" / f"{draw_id}.substitutions.yaml"


def all_assignments(ws: Workspace) -> list[Assignment]:
    found = []
    for path in sorted((ws.root / PLAN_DIR).glob("*/assignments/*.yaml")):
        if not path.name.endswith(".substitutions.yaml"):
            found.append(ws.load_record(Assignment, path))
    return sorted(found, key=lambda a: (a.assigned_at, a.draw_id))


def load_substitutions(ws: Workspace, record: Assignment) -> Substitutions:
    path = substitutions_path(ws, record.year, record.draw_id)
    if not path.is_file():
        return Substitutions(draw_id=record.draw_id)
    return load_model(Substitutions, path, ws.rel(path))


def teams(ws: Workspace, record: Assignment) -> dict[str, list[str]]:
    """Each task's people (officers and experts) after substitutions."""
    out = {t.entity: [m.id for m in t.inspectors + t.experts] for t in record.tasks}
    for sub in load_substitutions(ws, record).substitutions:
        team = out[sub.task]
        team[team.index(sub.inspector)] = sub.replacement
    return out


@dataclass
class TaskSpec:
    entity: Entity
    period: str | None


def draw_tasks(ws: Workspace, record: Draw) -> list[TaskSpec]:
    """Key, forced and drawn units of a draw, replacements applied, with their periods."""
    entities = {e.id: e for e in ws.roster_at("entities", record.commit).rows}
    periods = {t.id: t.period for t in record.key + record.forced}
    periods.update({p.id: p.period for p in record.selected})
    for swap in load_replacements(ws, record).replacements:
        periods[swap.replacement] = periods.pop(swap.entity)
    live = {t.id for t in record.key + record.forced} | current_selection(ws, record)
    return [TaskSpec(entities[i], periods[i]) for i in sorted(live)]


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

    def prior_load(self) -> Counter:
        load: Counter = Counter()
        for past in self.history:
            if past.year == self.draw.year:
                for team in self.substitutions[past.draw_id].values():
                    load.update(team)
        return load

    def rotation(self, years: int) -> frozenset[tuple[str, str]]:
        first = self.draw.year - years
        return frozenset(
            (person, entity)
            for past in self.history
            if first <= past.year <= self.draw.year and years > 0
            for entity, team in self.substitutions[past.draw_id].items()
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
    """Each task's eligible officers and experts, and why the others were excluded."""
    rotation = ctx.rotation(options.rotation_years)
    out, excluded = [], {}
    for task in ctx.tasks:
        dept = ctx.departments.get(task.entity.category)
        rules = staffing.Rules(
            cross_region=options.cross_region,
            department=dept if options.scope == "department" else None,
            rotation=rotation,
        )
        until = staffing.period_end(ctx.draw.year, task.period)
        officers, out_officers = staffing.eligible(
            ctx.people, task.entity, until, rules, "执法人员"
        )
        experts, out_experts = staffing.eligible(ctx.people, task.entity, until, rules, "专家")
        wants_lead = bool(options.lead_department and dept)
        lead = (
            [p.id for p in ctx.people if p.id in officers and p.department == dept]
            if wants_lead
            else []
        )
        out.append(algorithm.TaskCandidates(task.entity.id, officers, experts, lead, wants_lead))
        excluded[task.entity.id] = {**out_officers, **out_experts}
    return out, excluded


def ranked(ctx: Context, seed: str, options: Options) -> list[algorithm.TaskAssignment]:
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


def run(ctx: Context, seed: str, options: Options) -> list[Assigned]:
    """The assignment itself, or Infeasible naming each task's exclusions."""
    by_entity = {t.entity.id: t for t in ctx.tasks}
    return [
        Assigned(
            entity=r.entity,
            ticket=r.ticket,
            period=by_entity[r.entity].period,
            inspectors=[Member(id=m.id, ticket=m.ticket, load=m.load) for m in r.inspectors],
            experts=[Member(id=m.id, ticket=m.ticket, load=m.load) for m in r.experts],
            checklist=staffing.checklist(by_entity[r.entity].entity, ctx.items),
        )
        for r in ranked(ctx, seed, options)
    ]


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
) -> Context:
    config = ws.config
    return Context(
        draw=record,
        tasks=draw_tasks(ws, record),
        people=inspectors,
        items=items,
        departments={c.name: c.department for c in config.categories},
        history=list(history),
        substitutions={h.draw_id: teams(ws, h) for h in history},
    )


def pick_draw(ws: Workspace, year: int, draw_id: str | None) -> Draw:
    draws = all_draws(ws)
    gone = superseded(draws)
    if draw_id:
        found = [d for d in draws if d.draw_id == draw_id]
        if not found:
            raise InputError(f"没有编号为“{draw_id}”的抽取记录")
        if draw_id in gone:
            raise Refused(f"抽取“{draw_id}”已被重抽取代，不能再匹配人员")
        return found[0]
    open_ = [
        d
        for d in draws
        if d.year == year
        and d.draw_id not in gone
        and not assignment_path(ws, d.year, d.draw_id).exists()
    ]
    if not open_:
        raise InputError(f"{year} 年度没有尚未匹配人员的抽取；请先 ssj draw，或用 --draw 指定")
    return open_[-1]


def assign(
    ws: Workspace,
    year: int,
    draw_id: str | None,
    options: Options,
    seed: str | None,
    seed_source: str | None,
    commit: bool,
) -> Assignment:
    from .draw import check_committed

    if options.team_size < 2:
        raise InputError("每组执法人员不得少于 2 名（R6）")
    with ws.locked():
        record = pick_draw(ws, year, draw_id)
        path = assignment_path(ws, record.year, record.draw_id)
        if path.exists():
            raise Refused(
                f"抽取“{record.draw_id}”已匹配过人员：{ws.rel(path)}；个别人员变动请用 ssj assign replace"
            )
        if seed is not None and seed == record.seed:
            raise Refused(
                "不能使用抽取对象时的种子：知道前一环节种子的人不应能左右下一环节。请另行产生种子"
            )
        head = check_committed(ws, record.year)
        draw_file = record_path(ws, record.year, record.draw_id)
        if ws.git.dirty(ws.rel(draw_file)):
            raise Refused(f"{ws.rel(draw_file)} 尚未提交：请先提交抽取记录")
        seed, source, generated = choose_seed(seed, seed_source)
        people = ws.roster("inspectors")
        items = ws.roster("items")
        gone = superseded(all_draws(ws))
        history = [a for a in all_assignments(ws) if a.draw_id not in gone]
        ctx = context(ws, record, people.rows, items.rows, history)
        tasks = run(ctx, seed, options)
        result = Assignment(
            draw_id=record.draw_id,
            year=record.year,
            assigned_at=ws.clock.now(),
            seed=seed,
            seed_source=source,
            seed_generated=generated,
            commit=head,
            rosters={
                "inspectors": RosterRef(path=people.path, sha256=people.sha256),
                "items": RosterRef(path=items.path, sha256=items.sha256),
            },
            draw_sha256=hashlib.sha256(draw_file.read_bytes()).hexdigest(),
            history=[h.draw_id for h in history],
            parameters=AssignParameters(**options.__dict__),
            tasks=tasks,
        )
        write_record(ws, path, result)
        if commit:
            commit_record(
                ws, [ws.rel(path)], f"匹配检查人员 {record.draw_id}（{algorithm.ALGORITHM}）"
            )
    return result


def recorded_context(ws: Workspace, record: Assignment) -> Context:
    """The context of a recorded assignment, from the rosters at its commit (checked, R14)."""
    people = ws.roster_at("inspectors", record.commit)
    items = ws.roster_at("items", record.commit)
    for roster in (people, items):
        if roster.sha256 != record.rosters[roster.kind].sha256:
            raise Refused(
                f"匹配 {record.draw_id}：提交 {record.commit[:10]} 中的 {roster.path} 摘要与记录不符（R14）"
            )
    draw = next((d for d in all_draws(ws) if d.draw_id == record.draw_id), None)
    if draw is None:
        raise Refused(f"匹配 {record.draw_id}：对应的抽取记录不存在")
    sha = hashlib.sha256(record_path(ws, draw.year, draw.draw_id).read_bytes()).hexdigest()
    if sha != record.draw_sha256:
        raise Refused(f"匹配 {record.draw_id}：抽取记录在匹配之后被修改过（R14）")
    known = {a.draw_id: a for a in all_assignments(ws)}
    history = [known[h] for h in record.history if h in known]
    if len(history) != len(record.history):
        raise Refused(f"匹配 {record.draw_id}：记录引用的既往匹配缺失")
    return context(ws, draw, people.rows, items.rows, history)


def rebuild(ws: Workspace, record: Assignment) -> list[Assigned]:
    """Re-run a recorded assignment from its record and the rosters at its commit."""
    return run(recorded_context(ws, record), record.seed, Options(**record.parameters.model_dump()))


def substitute(
    ws: Workspace, entity: str, inspector: str, reason: str, year: int | None, commit: bool
) -> Substitution:
    """The next inspector of the task's ranking replaces one who cannot go."""
    if not reason.strip():
        raise InputError("替换人员必须用 --reason 写明理由")
    with ws.locked():
        gone = superseded(all_draws(ws))
        found = [
            a
            for a in all_assignments(ws)
            if a.draw_id not in gone
            and (year is None or a.year == year)
            and any(t.entity == entity for t in a.tasks)
        ]
        if not found:
            raise InputError(f"“{entity}”不是任何有效匹配中的任务")
        record = found[-1]
        team = teams(ws, record)[entity]
        if inspector not in team:
            raise InputError(f"“{inspector}”不在任务 {entity} 的检查组中")
        ranking = ranking_for(
            ws,
            record,
            entity,
            expert=inspector
            in {m.id for t in record.tasks if t.entity == entity for m in t.experts},
        )
        subs = load_substitutions(ws, record)
        out = {s.inspector for s in subs.substitutions if s.task == entity}
        people = {p.id: p for p in ws.roster("inspectors").rows}
        nxt = next(
            (
                p
                for p in ranking
                if p not in team and p not in out and p in people and people[p].status == "在岗"
            ),
            None,
        )
        if nxt is None:
            raise Refused(f"任务 {entity} 的排序中已没有可替换的人员")
        entry = Substitution(
            task=entity,
            inspector=inspector,
            replacement=nxt,
            reason=reason.strip(),
            recorded_at=ws.clock.now(),
        )
        subs.substitutions.append(entry)
        path = substitutions_path(ws, record.year, record.draw_id)
        ws.write(ws.rel(path), yamlio.dump_fast(subs.model_dump(mode="json"), GENERATED_HEADER))
        if commit:
            commit_record(
                ws,
                [ws.rel(path)],
                f"匹配 {record.draw_id}：任务 {entity} 由 {nxt} 替换 {inspector}（{entry.reason}）",
            )
    return entry


def ranking_for(ws: Workspace, record: Assignment, entity: str, expert: bool) -> list[str]:
    """The task's full ranking, recomputed exactly as at assignment time."""
    ctx = recorded_context(ws, record)
    for r in ranked(ctx, record.seed, Options(**record.parameters.model_dump())):
        if r.entity == entity:
            return r.expert_ranking if expert else r.ranking
    return []
