"""The numbers of the reports and of `ssj plan capacity`, all read from the workspace.

Nothing here is typed by hand: unit counts come from the rosters at the draw's commit,
tasks from the draw and assignment records, working days from the official calendar,
capacity inputs from the year's plan. `render/plan_doc.py`, `results_doc.py` and `supervision_doc.py` turn these facts into the
text of a document; the renderers only lay it out.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..core.calendar import UnknownSchedule, WorkCalendar
from ..core.capacity import CapacityInput, CapacityResult, compute_capacity
from ..core.inspections import Statistics
from ..core.models import Caps, Config, Entity, Inspector, Item
from ..core.plan import Plan
from ..core.problems import InputError
from ..core.records import Assignment, Draw, Replacement, Substitution
from ..core.workload import capacity_input, duty_officers, follow_ups, officer_count
from ..workspace import Workspace, drawing, load_model, records
from ..workspace import year as year_files

KEY = "重点单位"
FORCED = "两年未检查"
RANDOM = "随机抽取"


# ------------------------------------------------------------------ calendar


def work_calendar(ws: Workspace) -> WorkCalendar:
    """The official calendar completed by the workspace's `calendars/<year>.yaml` files."""
    from ..workspace.calendars import load_calendar

    return load_calendar(ws)


# ------------------------------------------------------------------ draws of a year


@dataclass
class TaskLine:
    """One inspection task of the year: a unit, why it is inspected, when and by whom."""

    draw_id: str
    entity: Entity
    kind: str  # KEY / FORCED / RANDOM
    period: str | None
    officer_ids: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)  # names
    experts: list[str] = field(default_factory=list)  # names
    checklist: list[str] = field(default_factory=list)  # item codes
    replaces: str | None = None  # the drawn unit an alternate replaced


@dataclass
class DrawFacts:
    record: Draw
    file: str
    sha256: str
    replacements: list[Replacement]
    pool: list[Entity] | None  # the random pool, recomputed; None when it cannot be
    membership: dict[str, str]  # pool id -> stratum
    assignment: Assignment | None = None
    assignment_file: str | None = None
    assignment_sha256: str | None = None
    substitutions: list[Substitution] = field(default_factory=list)


def live_draws(ws: Workspace, year: int) -> list[Draw]:
    """The year's draws that no redraw replaced, oldest first."""
    from ..core.selection import superseded
    from ..workspace.records import all_draws

    everything = all_draws(ws)
    gone = superseded(everything)
    return [d for d in everything if d.year == year and d.draw_id not in gone]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def draw_facts(ws: Workspace, record: Draw) -> DrawFacts:

    path = records.record_path(ws, record.year, record.draw_id)
    facts = DrawFacts(
        record=record,
        file=ws.rel(path),
        sha256=_sha256(path),
        replacements=records.load_replacements(ws, record).replacements,
        pool=None,
        membership={},
    )
    try:
        known = {d.draw_id: d for d in records.all_draws(ws)}
        roster = ws.roster_at("entities", record.commit).rows
        frozen = drawing.build(
            ws,
            record.draw_id,
            record.year,
            record.date,
            roster,
            record.parameters,
            [known[h] for h in record.history if h in known],
            inputs=record.commit,
        )
        facts.pool, facts.membership = frozen.pool.eligible, frozen.membership
    except (InputError, KeyError):
        pass  # the category columns then show “—”; ssj verify names the problem
    apath = records.assignment_path(ws, record.year, record.draw_id)
    if apath.is_file():
        assignment = load_model(Assignment, apath, ws.rel(apath))
        facts.assignment = assignment
        facts.assignment_file = ws.rel(apath)
        facts.assignment_sha256 = _sha256(apath)
        facts.substitutions = records.load_substitutions(ws, assignment).substitutions
    return facts


def _people(ws: Workspace, facts: list[DrawFacts]) -> dict[str, Inspector]:
    """Inspectors by id: today's roster, completed by the rosters the assignments used."""
    people: dict[str, Inspector] = {}
    for f in facts:
        if f.assignment is not None:
            with contextlib.suppress(InputError):  # a roster gone: names fall back to ids
                at = ws.roster_at("inspectors", f.assignment.commit)
                people.update({p.id: p for p in at.rows})
    people.update({p.id: p for p in ws.roster("inspectors").rows})
    return people


def task_lines(
    ws: Workspace, facts: list[DrawFacts], people: dict[str, Inspector]
) -> list[TaskLine]:

    out = []
    for f in facts:
        record = f.record
        kinds = {t.id: KEY for t in record.key}
        kinds.update({t.id: FORCED for t in record.forced})
        replaced = {r.replacement: r.entity for r in f.replacements}
        team = records.teams(ws, f.assignment) if f.assignment else {}
        lists = {t.entity: t.checklist for t in f.assignment.matched()} if f.assignment else {}
        for spec in records.draw_tasks(ws, record):
            ident = spec.entity.id
            members = team.get(ident, [])
            officer_ids = [m for m in members if m not in people or people[m].role == "执法人员"]
            expert_ids = [m for m in members if m in people and people[m].role == "专家"]
            out.append(
                TaskLine(
                    draw_id=record.draw_id,
                    entity=spec.entity,
                    kind=kinds.get(ident, RANDOM),
                    period=spec.period,
                    officer_ids=officer_ids,
                    officers=[people[m].name if m in people else m for m in officer_ids],
                    experts=[people[m].name for m in expert_ids],
                    checklist=lists.get(ident, []),
                    replaces=replaced.get(ident),
                )
            )
    return out


# ------------------------------------------------------------------ capacity


@dataclass
class CapacityFigures:
    """Everything `ssj plan capacity` shows and the plan's 工作量测算 table holds."""

    year: int
    working_days: int | None
    calendar_source: str | None
    calendar_problem: str | None  # why working days are unknown
    officers: int
    officers_source: str
    officers_expiring: list[str]  # names whose certificate ends within the year
    tasks: int
    tasks_source: str
    team_size: int
    reinspection_rate: Decimal | None
    reinspections: int
    revisit_ratio: Decimal
    revisits: int
    inputs: CapacityInput | None
    result: CapacityResult | None

    @property
    def fits(self) -> bool | None:
        return None if self.result is None else self.result.fits


def expected_tasks(ws: Workspace, year: int):
    """The draw the plan would make today (no seed involved): the frozen pool and sizes."""
    from ..workspace.drawing import Request, freeze

    return freeze(ws, Request(year=year), ws.git.head() or "")


def count_tasks(ws: Workspace, year: int) -> tuple[int, str]:
    """Tasks of the year from its draws, or the plan's expected number before any draw."""
    from ..workspace.records import draw_tasks

    draws = live_draws(ws, year)
    if draws:
        n = sum(len(draw_tasks(ws, d)) for d in draws)
        return n, "抽取记录（" + "、".join(d.draw_id for d in draws) + "）"
    frozen = expected_tasks(ws, year)
    n = len(frozen.pool.key) + len(frozen.pool.forced) + sum(s.selected for s in frozen.strata)
    return n, "预计（尚未抽取：随机池按方案比例抽取数 + 重点单位 + 强制纳入单位）"


def capacity_figures(
    ws: Workspace,
    year: int,
    plan: Plan | None = None,
    tasks: tuple[int, str] | None = None,
    team_size: int | None = None,
) -> CapacityFigures:
    from ..core.planning import effective_rules
    from ..workspace.records import load_plan

    plan = plan or load_plan(ws, year)
    people = ws.roster("inspectors").rows
    officers = officer_count(plan, people, year)
    if plan.capacity.officers is not None:
        source, expiring = "年度方案（plan.yaml capacity.officers）", []
    else:
        source = f"名录库在岗执法人员（证件 {year} 年 1 月 1 日有效）"
        expiring = [p.name for p in duty_officers(people, year)[1]]
    n_tasks, tasks_source = tasks if tasks is not None else count_tasks(ws, year)
    team = team_size or plan.team_size
    rules = effective_rules(ws.config, plan)
    reinspections, revisits = follow_ups(plan, rules, n_tasks)
    calendar = work_calendar(ws)
    working_days = source_text = problem = None
    try:
        working_days = calendar.working_days_in_year(year)
        source_text = calendar.source(year)
    except UnknownSchedule as exc:
        problem = str(exc)
    inputs = result = None
    if working_days is not None and officers >= 1:
        inputs = capacity_input(plan, rules, working_days, officers, n_tasks, team)
        result = compute_capacity(inputs)
    elif working_days is not None:
        problem = "名录库中没有在岗且证件有效的执法人员，也未在方案中填写 capacity.officers"
    return CapacityFigures(
        year=year,
        working_days=working_days,
        calendar_source=source_text,
        calendar_problem=problem,
        officers=officers,
        officers_source=source,
        officers_expiring=expiring,
        tasks=n_tasks,
        tasks_source=tasks_source,
        team_size=team,
        reinspection_rate=plan.capacity.reinspection_rate,
        reinspections=reinspections,
        revisit_ratio=rules.revisit_ratio,
        revisits=revisits,
        inputs=inputs,
        result=result,
    )


def capacity_json(fig: CapacityFigures) -> dict:
    def num(value: Decimal | None):
        from ..core.models import _plain_number

        return None if value is None else _plain_number(value)

    r = fig.result
    return {
        "year": fig.year,
        "working_days": fig.working_days,
        "calendar_source": fig.calendar_source,
        "calendar_problem": fig.calendar_problem,
        "officers": fig.officers,
        "officers_source": fig.officers_source,
        "officers_expiring": fig.officers_expiring,
        "tasks": fig.tasks,
        "tasks_source": fig.tasks_source,
        "team_size": fig.team_size,
        "reinspection_rate": num(fig.reinspection_rate),
        "reinspections": fig.reinspections,
        "revisit_ratio": num(fig.revisit_ratio),
        "revisits": fig.revisits,
        "other_enforcement_days": {
            k: num(v) for k, v in (fig.inputs.other_enforcement_days.items() if fig.inputs else [])
        },
        "non_enforcement_days": {
            k: num(v) for k, v in (fig.inputs.non_enforcement_days.items() if fig.inputs else [])
        },
        "days_per_task": num(fig.inputs.days_per_task) if fig.inputs else None,
        "days_per_reinspection": num(fig.inputs.days_per_reinspection) if fig.inputs else None,
        "days_per_revisit": num(fig.inputs.days_per_revisit) if fig.inputs else None,
        "gross_days": num(r and r.gross_days),
        "other_enforcement_total": num(r and r.other_enforcement_total),
        "non_enforcement_total": num(r and r.non_enforcement_total),
        "available_days": num(r and r.available_days),
        "task_days": num(r and r.task_days),
        "reinspection_days": num(r and r.reinspection_days),
        "revisit_days": num(r and r.revisit_days),
        "required_days": num(r and r.required_days),
        "margin": num(r and r.margin),
        "utilisation": None if r is None or r.utilisation is None else str(r.utilisation),
        "fits": fig.fits,
    }


# ------------------------------------------------------------------ the plan


@dataclass
class CategoryLine:
    category: str
    department: str | None
    total: int  # units of the category in the roster
    key: int  # key-unit tasks (R2)
    forced: int  # units forced in by R3
    pool: int | None  # the random pool
    ratio: str  # the ratio or count that sized the draw
    selected: int | None  # drawn at random (after replacements)
    officers: int | None  # distinct officers on the category's tasks; None before assign


@dataclass
class PeriodLine:
    period: str
    key: int
    random: int  # drawn and forced
    total: int
    person_times: int  # officer-visits (人次)


@dataclass
class PlanFacts:
    year: int
    day: date
    config: Config
    plan: Plan
    title: str
    expected: bool  # no draw yet: the numbers are what the plan would draw
    draws: list[DrawFacts]
    categories: list[CategoryLine]
    total: CategoryLine
    excluded: dict[str, int]  # reason -> units left out of the random pool
    tasks: list[TaskLine]
    periods: list[PeriodLine]
    capacity: CapacityFigures
    items: list[Item]
    people: dict[str, Inspector]
    roster_units: int
    team_size: int
    experts: int
    scope: str | None  # bureau / department (from the assignment)
    cross_region: bool
    rotation_years: int
    assigned: bool
    commit: str | None = None  # HEAD: the commit the plan was made from (None: no commit yet)


def plan_title(config: Config, plan: Plan) -> str:
    return plan.title or f"{config.authority}{plan.year}年度“双随机、一公开”监管抽查工作方案"


def _ratio_text(ratio: str | None, count: int | None) -> str:
    from ..render.wording import percent

    if ratio is not None:
        return percent(Decimal(ratio))
    if count is not None:
        return f"每层 {count} 家"
    return "—"


def plan_facts(ws: Workspace, year: int, day: date | None = None) -> PlanFacts:
    from ..core.planning import effective_rules
    from ..workspace.records import load_plan

    config = ws.config
    plan = load_plan(ws, year)
    records = live_draws(ws, year)
    facts = [draw_facts(ws, d) for d in records]
    people = _people(ws, facts)
    expected = not records
    if expected:
        frozen = expected_tasks(ws, year)
        roster = ws.roster("entities").rows
        pools = [(frozen.pool.eligible, frozen.membership, frozen.strata, None)]
        key_ids = [e.id for e in frozen.pool.key]
        forced_ids = [e.id for e in frozen.pool.forced]
        selected_ids: list[str] | None = None
        excluded = {r: len(ids) for r, ids in frozen.pool.excluded.items()}
        tasks: list[TaskLine] = [TaskLine("", e, KEY, None) for e in frozen.pool.key] + [
            TaskLine("", e, FORCED, None) for e in frozen.pool.forced
        ]
    else:
        latest = records[-1]
        roster = ws.roster_at("entities", latest.commit).rows
        pools = [(f.pool, f.membership, f.record.strata, f.record.parameters.ratio) for f in facts]
        tasks = task_lines(ws, facts, people)
        key_ids = [t.entity.id for t in tasks if t.kind == KEY]
        forced_ids = [t.entity.id for t in tasks if t.kind == FORCED]
        selected_ids = [t.entity.id for t in tasks if t.kind == RANDOM]
        excluded = Counter()
        for f in facts:
            for e in f.record.excluded:
                excluded[e.reason] += e.count
        excluded = dict(excluded)
    categories = _category_lines(config, roster, tasks, pools, key_ids, forced_ids, selected_ids)
    total = CategoryLine(
        category="合计",
        department=None,
        total=sum(c.total for c in categories),
        key=sum(c.key for c in categories),
        forced=sum(c.forced for c in categories),
        pool=None if any(c.pool is None for c in categories) else sum(c.pool for c in categories),
        ratio="",
        selected=(
            len(selected_ids)
            if selected_ids is not None
            else sum(s.selected for _, _, strata, _ in pools for s in strata)
        ),
        officers=(
            len({o for t in tasks for o in t.officer_ids})
            if any(f.assignment for f in facts)
            else None
        ),
    )
    assigned = bool(facts) and all(f.assignment for f in facts)
    params = next((f.assignment.parameters for f in facts if f.assignment), None)
    n_tasks = len(tasks) if not expected else total.key + total.forced + total.selected
    team = params.team_size if params else plan.team_size
    source = (
        "抽取记录（" + "、".join(d.draw_id for d in records) + "）"
        if records
        else "预计（尚未抽取：随机池按方案比例抽取数 + 重点单位 + 强制纳入单位）"
    )
    capacity = capacity_figures(ws, year, plan, (n_tasks, source), team)
    items_roster = ws.roster("items").rows
    used = {c for t in tasks for c in t.checklist}
    items = [i for i in items_roster if i.code in used] if used else list(items_roster)
    return PlanFacts(
        year=year,
        day=day or ws.clock.today(),
        config=config,
        plan=plan,
        title=plan_title(config, plan),
        expected=expected,
        draws=facts,
        categories=categories,
        total=total,
        excluded=excluded,
        tasks=tasks,
        periods=_period_lines(plan.periods, tasks, expected, total.selected),
        capacity=capacity,
        items=items,
        people=people,
        roster_units=len(roster),
        team_size=team,
        experts=params.experts if params else plan.experts,
        scope=params.scope if params else None,
        cross_region=params.cross_region if params else False,
        rotation_years=params.rotation_years
        if params
        else effective_rules(config, plan).rotation_years,
        assigned=assigned,
        commit=ws.git.head(),
    )


def _category_lines(config, roster, tasks, pools, key_ids, forced_ids, selected_ids):
    by_id = {e.id: e for e in roster}
    for t in tasks:  # a unit may have left the roster since; its task still counts
        by_id.setdefault(t.entity.id, t.entity)
    names = [c.name for c in config.categories]
    names += sorted({e.category for e in roster} - set(names))
    totals = Counter(e.category for e in roster)
    key = Counter(by_id[i].category for i in key_ids)
    forced = Counter(by_id[i].category for i in forced_ids)
    pool: Counter = Counter()
    pool_known = True
    ratios: dict[str, set[str]] = defaultdict(set)
    sized: dict[str, int] = {}  # category -> k, when each of its strata holds only it
    mixed: set[str] = set()
    for eligible, membership, strata, cli_ratio in pools:
        if eligible is None:
            pool_known = False
            continue
        by_stratum = {s.stratum: s for s in strata}
        cats_of: dict[str, set[str]] = defaultdict(set)
        for e in eligible:
            pool[e.category] += 1
            stratum = by_stratum.get(membership.get(e.id, ""))
            cats_of[membership.get(e.id, "")].add(e.category)
            if cli_ratio is not None:
                ratios[e.category].add(_ratio_text(cli_ratio, None))
            elif stratum is not None:
                ratios[e.category].add(_ratio_text(stratum.ratio, stratum.count))
        for stratum_name, cats in cats_of.items():
            s = by_stratum.get(stratum_name)
            if len(cats) == 1 and s is not None:
                (only,) = cats
                sized[only] = sized.get(only, 0) + s.selected
            else:
                mixed |= cats
    selected = (
        Counter(by_id[i].category for i in selected_ids) if selected_ids is not None else None
    )
    officers: dict[str, set[str]] = defaultdict(set)
    any_assigned = any(t.officer_ids for t in tasks)
    for t in tasks:
        officers[t.entity.category].update(t.officer_ids)
    lines = []
    for name in names:
        category = config.category(name)
        if selected is not None:
            k = selected[name]
        else:
            k = None if name in mixed else sized.get(name, 0)
        lines.append(
            CategoryLine(
                category=name,
                department=category.department if category else None,
                total=totals[name],
                key=key[name],
                forced=forced[name],
                pool=pool[name] if pool_known else None,
                ratio="、".join(sorted(ratios[name])) or "—",
                selected=k,
                officers=len(officers[name]) if any_assigned else None,
            )
        )
    return lines


def _period_lines(periods, tasks, expected, selected_total) -> list[PeriodLine]:
    if expected:
        return []
    labels = list(periods)
    labels += sorted({t.period for t in tasks if t.period and t.period not in labels})
    out = []
    for label in labels + ([None] if any(t.period is None for t in tasks) else []):
        mine = [t for t in tasks if t.period == label]
        key = sum(1 for t in mine if t.kind == KEY)
        out.append(
            PeriodLine(
                period=label or "未定",
                key=key,
                random=len(mine) - key,
                total=len(mine),
                person_times=sum(len(t.officer_ids) for t in mine),
            )
        )
    return out


# ------------------------------------------------------------------ the results


VIOLATION_RESULTS = frozenset({"发现问题待后续处理", "不配合检查情节严重"})
"""Results that call for a case (立案查处) even when no penalty is recorded yet."""


@dataclass
class CategoryResults:
    category: str
    planned: int = 0  # tasks of the year's live draws
    recorded: int = 0  # tasks with a record
    hazards: int = 0  # findings (事故隐患)
    major: int = 0  # 重大事故隐患
    on_site: int = 0  # fixed on the spot
    ordered: int = 0  # ordered fixed by a deadline (责令限期整改)
    due_reinspection: int = 0  # ordered, deadline passed or re-inspected
    reinspected_on_time: int = 0
    closed: int = 0  # fixed: on the spot or found fixed on re-inspection
    violations: int = 0  # tasks needing a case: a violation result or a penalty
    handled: int = 0  # of those, with a penalty decision (or 首违不罚)
    fines: Decimal = Decimal(0)

    def add(self, other: CategoryResults) -> None:
        for name in [
            "planned",
            "recorded",
            "hazards",
            "major",
            "on_site",
            "ordered",
            "due_reinspection",
            "reinspected_on_time",
            "closed",
            "violations",
            "handled",
            "fines",
        ]:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ResultLine:
    """One task's result, for the annex."""

    entity: Entity
    draw_id: str
    period: str | None
    state: str  # recorded / pending / missing
    end: date | None = None
    result: str | None = None
    hazards: int = 0
    open_hazards: int = 0
    overdue_hazards: int = 0
    penalties: int = 0
    disclosed: date | None = None
    disclosure_state: str | None = None


@dataclass
class ResultsFacts:
    year: int
    day: date  # the report's date, and the day "as of"
    config: Config
    plan: Plan
    title: str
    categories: list[CategoryResults]
    total: CategoryResults
    codes: dict[str, int]  # result code -> tasks
    lines: list[ResultLine]
    disclosure: dict[str, int]  # state -> tasks (disclosed, late, due, overdue, unknown)
    disclosure_days: int
    penalties: int
    waived: int
    revisit_ratio: Decimal
    revisit_drawn: bool
    revisit_population: int
    revisit_selected: int
    revisit_answered: int
    revisit_clues: int
    revisit_seed: str | None
    commit: str | None = None  # HEAD: the commit the report was made from (None: no commit yet)


def results_title(config: Config, year: int) -> str:
    return f"{config.authority}{year}年度“双随机、一公开”监管抽查工作情况报告"


def results_facts(ws: Workspace, year: int, day: date | None = None) -> ResultsFacts:
    from ..core import followup
    from ..core.planning import effective_rules
    from ..core.results import AnswerFile, RevisitDraw, revisit_draw_id
    from ..workspace.records import load_plan

    as_of = day or ws.clock.today()
    config = ws.config
    plan = load_plan(ws, year)
    tasks = year_files.year_tasks(ws, year)
    current = year_files.current_records(ws, year, tasks)
    states = {(e.draw_id, e.entity): e for e in year_files.disclosure_status(ws, year, as_of)}
    names = [c.name for c in config.categories]
    names += sorted({e.category for e in tasks.entities.values()} - set(names))
    per = {n: CategoryResults(n) for n in names}
    codes: Counter = Counter()
    lines = []
    penalties = waived = 0
    for key, task in sorted(tasks.tasks.items(), key=lambda kv: (kv[1].period_end, kv[0])):
        entity = tasks.entities[task.entity]
        c = per[entity.category]
        c.planned += 1
        version = current.get(key)
        line = ResultLine(
            entity=entity,
            draw_id=task.draw_id,
            period=task.period,
            state=followup.task_state(version is not None, task.period_end, as_of),
        )
        lines.append(line)
        if version is None:
            continue
        c.recorded += 1
        codes[version.result] += 1
        line.end, line.result = version.end, version.result
        for finding in version.findings:
            c.hazards += 1
            line.hazards += 1
            c.major += finding.level == "重大事故隐患"
            c.closed += finding.closed
            line.open_hazards += not finding.closed
            state = followup.hazard_state(finding, as_of)
            line.overdue_hazards += state == "overdue"
            if finding.on_site:
                c.on_site += 1
                continue
            c.ordered += 1
            on_time = followup.reinspected_on_time(finding)
            if on_time is not None or state == "overdue":
                c.due_reinspection += 1
                c.reinspected_on_time += bool(on_time)
        line.penalties = len(version.penalties)
        for p in version.penalties:
            penalties += 1
            waived += p.waived
            c.fines += p.amount or Decimal(0)
        if version.penalties or version.result in VIOLATION_RESULTS:
            c.violations += 1
            c.handled += bool(version.penalties)
        entry = states.get(key)
        if entry is not None:
            line.disclosed, line.disclosure_state = entry.disclosed, entry.state
    total = CategoryResults("合计")
    for c in per.values():
        total.add(c)
    rule = effective_rules(config, plan)
    revisit_path = ws.plan_dir(year) / "revisits" / f"{revisit_draw_id(year)}.yaml"
    revisit = (
        load_model(RevisitDraw, revisit_path, ws.rel(revisit_path))
        if revisit_path.is_file()
        else None
    )
    answered = clues = 0
    answers_dir = ws.plan_dir(year) / "revisits" / "answers"
    for path in sorted(answers_dir.glob("*.yaml")) if answers_dir.is_dir() else []:
        answers = load_model(AnswerFile, path, ws.rel(path)).current()
        answered += 1
        clues += bool(answers.clues)
    return ResultsFacts(
        year=year,
        day=as_of,
        config=config,
        plan=plan,
        title=results_title(config, year),
        categories=[c for c in per.values() if c.planned],
        total=total,
        codes=dict(codes.most_common()),
        lines=lines,
        disclosure=dict(Counter(e.state for e in states.values())),
        disclosure_days=rule.disclosure_days,
        penalties=penalties,
        waived=waived,
        revisit_ratio=rule.revisit_ratio,
        revisit_drawn=revisit is not None,
        revisit_population=len(revisit.population) if revisit else total.recorded,
        revisit_selected=len(revisit.selected) if revisit else 0,
        revisit_answered=answered,
        revisit_clues=clues,
        revisit_seed=revisit.seed if revisit else None,
        commit=ws.git.head(),
    )


# ------------------------------------------------------------------ 执法监督 statistics


@dataclass
class Breach:
    """A unit inspected more often than its cap (R15)."""

    entity: str
    name: str
    counted: int
    cap: int
    source: str


@dataclass
class SupervisionFacts:
    """The year's 涉企行政检查 for 司法局 and the 行政执法统计年报: every inspection of the ledger."""

    year: int
    day: date
    config: Config
    title: str
    statistics: Statistics
    own: int  # rows from ssj's records
    imported: int  # rows from plans/<year>/ledger.yaml
    caps: Caps | None  # the table in force (None: every unit at the default cap)
    default_cap: int
    breaches: list[Breach]
    repeats: int  # R16 pairs
    repeat_days: int
    planned: int  # tasks of the year's live draws
    recorded: int  # of those, with a record
    commit: str | None = None


def supervision_title(config: Config, year: int) -> str:
    return f"{config.authority}{year}年度涉企行政检查执法监督统计"


def supervision_facts(ws: Workspace, year: int, day: date | None = None) -> SupervisionFacts:
    from ..core.inspections import repeats, statistics
    from ..core.models import REPEAT_DAYS
    from ..workspace.inspections import OWN, year_ledger

    ledger = year_ledger(ws, year)
    rows = ledger.inspections
    tasks = year_files.year_tasks(ws, year)
    recorded = year_files.current_records(ws, year, tasks)
    names = {e.id: e.name for e in ledger.entities.values()}
    breaches = [
        Breach(s.entity, names.get(s.entity, ""), len(s.counted), s.cap.limit, s.cap.source)
        for s in ledger.states().values()
        if s.over
    ]
    days = ledger.caps.repeat_days if ledger.caps else REPEAT_DAYS
    own = sum(1 for e in ledger.entries if e.source == OWN)
    return SupervisionFacts(
        year=year,
        day=day or ws.clock.today(),
        config=ws.config,
        title=supervision_title(ws.config, year),
        statistics=statistics(rows),
        own=own,
        imported=len(rows) - own,
        caps=ledger.caps,
        default_cap=ledger.default_cap,
        breaches=breaches,
        repeats=len(repeats(rows, days)),
        repeat_days=days,
        planned=len(tasks.tasks),
        recorded=len(recorded),
        commit=ws.git.head(),
    )


def supervision_summary(facts: SupervisionFacts) -> dict:
    """The numbers of the 执法监督 statistics, for --json."""
    s = facts.statistics
    return {
        "inspections": s.inspections,
        "companies": s.companies,
        "most": s.most,
        "distribution": {str(k): v for k, v in s.distribution.items()},
        "by_type": s.by_type,
        "by_authority": s.by_authority,
        "joint": s.joint,
        "off_site": s.off_site,
        "own": facts.own,
        "imported": facts.imported,
        "breaches": [
            {"entity": b.entity, "name": b.name, "counted": b.counted, "cap": b.cap}
            for b in facts.breaches
        ],
        "repeats": facts.repeats,
        "planned": facts.planned,
        "recorded": facts.recorded,
    }
