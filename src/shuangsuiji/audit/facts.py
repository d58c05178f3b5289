"""The facts the rule checks need, gathered from the loaded files and git (I/O here only).

Each draw and assignment is paired with the rosters, ssj.yaml and plan as they were at its
recorded commit: a rule is judged against what the bureau knew when it acted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..core import algorithm, eligibility
from ..core.models import Config, Defaults, Entity, Inspector
from ..core.plan import Plan
from ..core.problems import InputError, Refused
from ..workspace import drawing
from .data import AuditData, RecordFile


@dataclass
class DrawFacts:
    file: RecordFile
    live: bool
    selection: dict[str, str | None]  # randomly drawn units after replacements -> replaced unit
    tasks: set[str]
    entities: dict[str, Entity] | None  # the roster at the recorded commit
    rules: Defaults  # the plan's (or ssj.yaml's) rules at the recorded commit
    level: str
    floors: dict[str, Decimal] = field(default_factory=dict)  # category -> R1 floor
    floor_reason: str | None = None  # the plan's general reason
    category_reasons: dict[str, str] = field(default_factory=dict)
    strata_categories: dict[str, set[str]] | None = None  # categories in each stratum's pool

    @property
    def record(self):
        return self.file.model

    @property
    def path(self) -> str:
        return self.file.path


@dataclass
class AssignmentFacts:
    file: RecordFile
    draw: DrawFacts | None
    teams: dict[str, list[str]]
    substituted: set[tuple[str, str]]  # (task, person) brought in by a substitution
    people_then: dict[str, Inspector] | None  # the roster at the recorded commit
    people_now: dict[str, Inspector]
    rules: Defaults
    departments: dict[str, str | None]  # category -> supervising department

    @property
    def record(self):
        return self.file.model

    @property
    def path(self) -> str:
        return self.file.path


def draw_facts(data: AuditData, with_strata: bool = True) -> list[DrawFacts]:
    gone = data.superseded()
    out = []
    for found in data.draws:
        record = found.model
        config: Config | None = data.config_at(record.commit)
        plan: Plan | None = data.plan_at(record.commit, record.year)
        facts = DrawFacts(
            file=found,
            live=record.draw_id not in gone,
            selection=data.selection(record),
            tasks=data.tasks(record),
            entities=data.entities_at(record.commit),
            rules=data.rules_at(record.commit, record.year),
            level=config.level if config else record.parameters.level,
        )
        if config:
            facts.floors = {c.name: c.ratio_floor for c in config.categories}
        if plan:
            facts.floor_reason = plan.floor_reason
            facts.category_reasons = {
                name: c.floor_reason for name, c in plan.categories.items() if c.floor_reason
            }
        if with_strata and facts.live and facts.entities is not None:
            facts.strata_categories = _strata_categories(data, found)
        out.append(facts)
    return out


def _strata_categories(data: AuditData, found: RecordFile) -> dict[str, set[str]] | None:
    """The categories present in each stratum's random pool, as the draw computed it."""
    record = found.model
    known = {d.model.draw_id for d in data.draws}
    if any(h not in known for h in record.history):
        return None
    pool = _recorded_pool(data, record)
    if pool is not None:
        try:
            membership = eligibility.strata_of(
                pool, eligibility.stratify_fields(record.parameters.stratify)
            )
        except InputError:
            pool = None
    if pool is None:
        try:  # the pool as the re-run computes it (the same inputs, as the draw saw them)
            frozen = drawing.refrozen(data.ws, record)
        except (InputError, Refused, KeyError, ValueError):
            return None
        pool, membership = frozen.pool.eligible, frozen.membership
    out: dict[str, set[str]] = {}
    for entity in pool:
        out.setdefault(membership[entity.id], set()).add(entity.category)
    return out


def _recorded_pool(data: AuditData, record) -> list[Entity] | None:
    """The pool the record itself gives: the roster at its commit less every unit it lists
    as excluded and its key and forced tasks; None unless it has the recorded digest (an
    early record without the excluded ids, or one the re-run finds wrong, R14)."""
    entities = data.entities_at(record.commit)
    if entities is None or any(x.ids is None for x in record.excluded):
        return None
    out = {i for x in record.excluded for i in x.ids or ()}
    out |= {t.id for t in record.key + record.forced}
    pool = [e for i, e in entities.items() if i not in out]
    try:
        same = algorithm.population_digest(e.id for e in pool) == record.population.digest
    except algorithm.AlgorithmInputError:
        return None
    return pool if same and len(pool) == record.population.count else None


def assignment_facts(data: AuditData, draws: list[DrawFacts]) -> list[AssignmentFacts]:
    by_id = {d.record.draw_id: d for d in draws}
    now = {p.id: p for p in data.rosters["inspectors"].rows} if "inspectors" in data.rosters else {}
    out = []
    for found in data.assignments:
        record = found.model
        config = data.config_at(record.commit)
        subs = data.substitutions.get(record.draw_id)
        out.append(
            AssignmentFacts(
                file=found,
                draw=by_id.get(record.draw_id),
                teams=data.teams(record),
                substituted={
                    (s.task, s.replacement) for s in (subs.model.substitutions if subs else [])
                },
                people_then=data.inspectors_at(record.commit),
                people_now=now,
                rules=data.rules_at(record.commit, record.year),
                departments={c.name: c.department for c in config.categories} if config else {},
            )
        )
    return out
