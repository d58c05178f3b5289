"""Draws re-run from the files at their commits: the pool, the tickets, the record.

Shared by ssj draw (which freezes and executes a new draw), ssj verify and the audit
(which rebuild recorded ones), so that a draw is computed in one place only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..core import algorithm
from ..core.eligibility import PastTask, Pool, build_pool, stratum_of, uncovered_ids
from ..core.models import Entity
from ..core.problems import Refused
from ..core.records import Draw, Exclusion, Parameters, Pick, Population, RosterRef, Stratum, Task
from .load import Workspace
from .records import all_draws, load_replacements

LIST_IDS_UP_TO = 200  # excluded ids are listed in the record for rosters this small


def history_of(ws: Workspace, draws: Sequence[Draw]) -> list[PastTask]:
    """The inspections earlier draws gave, after replacements."""
    tasks = []
    for record in draws:
        swaps = {r.entity: r.replacement for r in load_replacements(ws, record).replacements}
        for task in record.key + record.forced:
            tasks.append(PastTask(task.id, record.year, record.date, random=False))
        for pick in record.selected:
            tasks.append(
                PastTask(swaps.get(pick.id, pick.id), record.year, record.date, random=True)
            )
    return tasks


@dataclass
class Frozen:
    """A draw before its seed: everything the seed must not be able to influence."""

    draw_id: str
    year: int
    day: date
    commit: str
    rosters: dict[str, RosterRef]
    history: list[str]
    parameters: Parameters
    pool: Pool
    strata: list[Stratum]
    membership: dict[str, str]  # eligible id -> stratum
    redraw_of: str | None = None
    reason: str | None = None

    @property
    def population(self) -> Population:
        ids = list(self.membership)
        return Population(count=len(ids), digest=algorithm.population_digest(ids))

    def exclusions(self) -> list[Exclusion]:
        small = sum(len(v) for v in self.pool.excluded.values()) <= LIST_IDS_UP_TO
        return [
            Exclusion(reason=r, count=len(ids), ids=ids if small else None)
            for r, ids in self.pool.excluded.items()
        ]


def build(
    ws: Workspace,
    draw_id: str,
    year: int,
    day: date,
    entities: Sequence[Entity],
    parameters: Parameters,
    draws: Sequence[Draw],
) -> Frozen:
    """The pool and strata from rosters, parameters and earlier draws (shared by verify)."""
    history = history_of(ws, draws)
    uncovered: frozenset[str] = frozenset()
    if parameters.force_uncovered:
        window = [d for d in draws if year - parameters.coverage_years <= d.year < year]
        if window:
            first = min(window, key=lambda d: (d.year, d.drawn_at))
            then = ws.roster_at("entities", first.commit).rows
            uncovered = uncovered_ids(
                [e.id for e in then], history, year, parameters.coverage_years
            )
    already = frozenset(t.id for d in draws if d.year == year for t in d.key + d.forced)
    pool = build_pool(
        entities,
        year=year,
        day=day,
        level=parameters.level,
        where=parameters.where,
        history=history,
        cooldown_months=parameters.cooldown_months,
        yearly_cap=parameters.yearly_cap,
        uncovered=uncovered,
        already_key=already,
    )
    membership = {e.id: stratum_of(e, parameters.stratify) for e in pool.eligible}
    return Frozen(
        draw_id=draw_id,
        year=year,
        day=day,
        commit="",
        rosters={},
        history=[d.draw_id for d in draws],
        parameters=parameters,
        pool=pool,
        strata=[],
        membership=membership,
    )


def execute(
    frozen: Frozen,
    seed: str,
    seed_source: str,
    generated: bool,
    prepared: str | None,
    now: datetime,
) -> Draw:
    algorithm.check_seed(seed)
    periods = frozen.parameters.periods
    result = algorithm.draw(
        seed,
        frozen.draw_id,
        frozen.membership,
        {s.stratum: s.selected for s in frozen.strata},
        alternates=frozen.parameters.alternates,
        periods=periods,
    )
    return Draw(
        draw_id=frozen.draw_id,
        year=frozen.year,
        date=frozen.day,
        drawn_at=now,
        seed=seed,
        seed_source=seed_source,
        seed_generated=generated,
        prepared=prepared,
        redraw_of=frozen.redraw_of,
        reason=frozen.reason,
        commit=frozen.commit,
        rosters=frozen.rosters,
        history=frozen.history,
        parameters=frozen.parameters,
        population=frozen.population,
        excluded=frozen.exclusions(),
        strata=frozen.strata,
        key=fixed_tasks(seed, frozen.draw_id, [e.id for e in frozen.pool.key], periods),
        forced=fixed_tasks(seed, frozen.draw_id, [e.id for e in frozen.pool.forced], periods),
        selected=[
            Pick(id=p.id, ticket=p.ticket, stratum=p.stratum, period=p.period)
            for p in result.selected
        ],
        alternates=[Pick(id=p.id, ticket=p.ticket, stratum=p.stratum) for p in result.alternates],
    )


def fixed_tasks(seed: str, draw_id: str, ids: list[str], periods: Sequence[str]) -> list[Task]:
    """Key and forced tasks get periods the same way as drawn ones: by ticket, round robin."""
    ordered = algorithm.order_by_ticket(seed, (draw_id,), ids)
    return [
        Task(id=i, ticket=t, period=periods[n % len(periods)] if periods else None)
        for n, (i, t) in enumerate(ordered)
    ]


def resize(frozen: Frozen, recorded: Sequence[Stratum]) -> list[Stratum]:
    """Strata sizes recomputed from the recorded ratios/counts and today's population."""
    counts: dict[str, int] = {}
    for stratum in frozen.membership.values():
        counts[stratum] = counts.get(stratum, 0) + 1
    out = []
    for s in recorded:
        n = counts.get(s.stratum, 0)
        ratio = algorithm.parse_ratio(s.ratio) if s.ratio else None
        k = algorithm.sample_size(
            n, ratio=ratio, count=s.count if ratio is None else None, minimum=s.minimum
        )
        out.append(s.model_copy(update={"population": n, "selected": k}))
    missing = sorted(set(counts) - {s.stratum for s in recorded})
    out += [Stratum(stratum=m, population=counts[m], selected=-1) for m in missing]
    return out


def rebuild(ws: Workspace, record: Draw) -> Draw:
    """Re-run a recorded draw from its record and the rosters at its recorded commit."""
    roster = ws.roster_at("entities", record.commit)
    if roster.sha256 != record.rosters["entities"].sha256:
        raise Refused(f"{record.draw_id}：提交 {record.commit[:10]} 中的名录摘要与记录不符（R14）")
    draws = {d.draw_id: d for d in all_draws(ws)}
    missing = [h for h in record.history if h not in draws]
    if missing:
        raise Refused(f"{record.draw_id}：记录引用的历史抽取 {'、'.join(missing)} 不存在")
    frozen = build(
        ws,
        record.draw_id,
        record.year,
        record.date,
        roster.rows,
        record.parameters,
        [draws[h] for h in record.history],
    )
    frozen.commit, frozen.rosters = record.commit, record.rosters
    frozen.redraw_of, frozen.reason = record.redraw_of, record.reason
    frozen.strata = resize(frozen, record.strata)
    return execute(
        frozen,
        record.seed,
        record.seed_source,
        record.seed_generated,
        record.prepared,
        record.drawn_at,
    )


def differences(record: Draw, again: Draw) -> list[str]:
    """What differs between a record and its re-run, in Chinese."""
    out = []
    for name, label in (
        ("population", "随机池"),
        ("excluded", "排除名单"),
        ("strata", "分层"),
        ("key", "重点单位任务"),
        ("forced", "长期未检查单位任务"),
        ("selected", "抽中单位"),
        ("alternates", "候补单位"),
    ):
        a, b = getattr(record, name), getattr(again, name)
        if a != b:
            out.append(f"{label}不一致" + _diff_ids(a, b))
    return out


def _diff_ids(recorded, rerun) -> str:
    if not isinstance(recorded, list) or not recorded or not hasattr(recorded[0], "id"):
        return ""
    a = [x.id for x in recorded]
    b = [x.id for x in rerun]
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    parts = []
    if only_a:
        parts.append("记录中有而重算没有：" + "、".join(only_a[:10]))
    if only_b:
        parts.append("重算有而记录中没有：" + "、".join(only_b[:10]))
    if not parts:
        parts.append("顺序、签号或时段不同")
    return "（" + "；".join(parts) + "）"
