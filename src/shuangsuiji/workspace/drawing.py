"""Draws re-run from the files at their commits: the pool, the tickets, the record.

Shared by ssj draw (which freezes and executes a new draw), ssj verify and the audit
(which rebuild recorded ones), so that a draw is computed in one place only.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..core import algorithm, dates
from ..core.eligibility import (
    PastTask,
    Pool,
    build_pool,
    parse_where,
    strata_of,
    stratify_fields,
    uncovered_ids,
)
from ..core.light import Light, as_json, made
from ..core.planning import effective_rules, parse_periods
from ..core.problems import InputError, Refused
from ..core.selection import current_picks, next_alternate, superseded
from ..render.wording import percent
from ..storage import processes
from .load import LoadedRoster, Workspace, kept_ids, roster_worth_a_core
from .records import (
    added_in,
    all_draws,
    check_draw_id,
    draws_dir,
    entry_added_in,
    load_plan,
    load_replacements,
    other_tasks,
    record_path,
    replacements_path,
)

# A new draw's record is computed and written without pydantic (its parts are light
# objects, its head made by `draw_head`); re-running a recorded one reads its models.
if TYPE_CHECKING:
    from ..core.models import Config, Entity
    from ..core.plan import Plan
    from ..core.records import (
        Draw,
        Exclusion,
        Parameters,
        Pick,
        Population,
        Replacement,
        RosterRef,
        Stratum,
    )


def history_of(ws: Workspace, draws: Sequence[Draw], at: str | None = None) -> list[PastTask]:
    """The inspections earlier draws gave, after their replacements (on disk, or as committed
    at `at`): the unit finally inspected counts, on the later of the day the draw claims and
    the day it was recorded (a late entry counts from its recording)."""
    tasks = []
    for record in draws:
        day = dates.judged_day(record.date, ws.clock.local(record.drawn_at).date())
        for task in record.key + record.forced:
            tasks.append(PastTask(task.id, record.year, day, random=False))
        for unit in current_picks(record, load_replacements(ws, record, at).replacements):
            tasks.append(PastTask(unit, record.year, day, random=True))
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
    # The roster's ids in code point order, when known (freeze_ranked): the pool's are then
    # taken from them in order, and sorting ids already in order is one pass.
    by_id: Sequence[str] | None = None

    @property
    def population(self) -> Population:
        if self.by_id is None:
            ids = list(self.membership)
            digest = algorithm.population_digest(ids)
        else:  # valid, distinct and in order: ranked in the copy (freeze_ranked)
            ids = list(filter(self.membership.__contains__, self.by_id))
            digest = algorithm.population_digest(ids, ordered=True)
        return _part("Population", count=len(ids), digest=digest)

    def warnings(self) -> list[str]:
        """What the draw says without refusing: key units inspected beyond their cap."""
        if not self.pool.key_at_cap:
            return []
        shown = "、".join(self.pool.key_at_cap[:10]) + (
            "等" if len(self.pool.key_at_cap) > 10 else ""
        )
        return [
            f"重点单位 {shown} 本年度的检查（含台账中其他部门的检查）已达频次上限，"
            "仍列为重点检查任务：请与其他部门合并或联合检查，或在台账中写明不计入上限的理由（R15）"
        ]

    def exclusions(self) -> list[Exclusion]:
        from ..core.records import Exclusion

        # Every excluded id is listed, at any size: with them the record alone gives the
        # pool (roster minus exclusions minus tasks), checked by its digest.
        return [
            Exclusion(reason=r, count=len(ids), ids=ids) for r, ids in self.pool.excluded.items()
        ]


# The parts of a new draw's record as light objects (core/light.py), their fields in the
# order of their models in core/records.py, and its head as the model would dump it (tests
# prove both against the models): a draw makes its record without pydantic.
DRAW_FIELDS = (
    *("kind", "algorithm", "draw_id", "year", "date", "drawn_at", "seed", "seed_source"),
    *("seed_generated", "seed_format", "prepared", "redraw_of", "reason", "commit"),
    *("rosters", "history", "parameters", "population", "excluded", "strata", "key"),
    *("forced", "selected", "alternates"),
)


def _part(model: str, **values: Any) -> Light:
    return made(model, tuple(values), tuple(values.values()))


def roster_ref(path: str, sha256: str) -> Light:
    return _part("RosterRef", path=path, sha256=sha256)


def stratum_part(
    stratum: str, population: int, ratio: str | None, count: int | None, minimum: int | None, k: int
) -> Light:
    return _part(
        "Stratum",
        stratum=stratum,
        population=population,
        ratio=ratio,
        count=count,
        minimum=minimum,
        selected=k,
    )


def draw_head(**values: Any) -> dict:
    """`Draw(**values).model_dump(mode="json", exclude_none=True)` for a draw's head (its
    long lists left empty, to be filled in place)."""
    given = {"kind": "draw", "algorithm": algorithm.ALGORITHM, **values}
    out = {}
    for name in DRAW_FIELDS:
        value = given.get(name, [])
        if value is not None:
            out[name] = as_json(value)
    return out


def build(
    ws: Workspace,
    draw_id: str,
    year: int,
    day: date,
    entities: Sequence[Entity],
    parameters: Parameters,
    draws: Sequence[Draw],
    at: str | None = None,
    inputs: str | None = None,
) -> Frozen:
    """The pool and strata from rosters, parameters and earlier draws, their replacements on
    disk or (`at`, re-running a recorded draw) as committed at that commit; the inspection
    ledger and cap table on disk or (`inputs`, a recorded draw's commit) as committed there."""
    from .inspections import capped_units

    history = history_of(ws, draws, at)
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
        at_cap=capped_units(
            ws, year, entities, history, parameters.yearly_cap, parameters.level, inputs
        ),
    )
    membership = strata_of(pool.eligible, parameters.stratify)
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
    seed_format: str | None = None,
) -> Draw:
    """The draw's record as a model (for its re-run and comparisons)."""
    from ..core.records import Draw

    return Draw.model_validate(
        record_data(frozen, seed, seed_source, generated, prepared, now, seed_format)
    )


def record_data(
    frozen: Frozen,
    seed: str,
    seed_source: str,
    generated: bool,
    prepared: str | None,
    now: datetime,
    seed_format: str | None = None,
    ranking: algorithm.Ranking | None = None,
) -> dict:
    """The draw's record as written: the JSON form of core.records.Draw, its long lists
    (picks, tasks, exclusions) made as plain data rather than a model per unit.
    `ranking`: the roster's tickets under this seed, made beside the freeze (freeze_ranked)."""
    algorithm.check_seed(seed)
    periods = frozen.parameters.periods
    # Every id validated once, here or by the copy that ranked them: the draw need not again.
    population = frozen.population
    result = algorithm.draw(
        seed,
        frozen.draw_id,
        frozen.membership,
        {s.stratum: s.selected for s in frozen.strata},
        alternates=frozen.parameters.alternates,
        periods=periods,
        ids_checked=True,
        ranking=ranking,
    )
    data = draw_head(
        draw_id=frozen.draw_id,
        year=frozen.year,
        date=frozen.day,
        drawn_at=now,
        seed=seed,
        seed_source=seed_source,
        seed_generated=generated,
        seed_format=seed_format,
        prepared=prepared,
        redraw_of=frozen.redraw_of,
        reason=frozen.reason,
        commit=frozen.commit,
        rosters=frozen.rosters,
        history=frozen.history,
        parameters=frozen.parameters,
        population=population,
        strata=frozen.strata,
    )
    # Filled in the places the model gives them, in its fields' order.
    data["excluded"] = [
        {"reason": r, "count": len(ids), "ids": ids} for r, ids in frozen.pool.excluded.items()
    ]
    data["key"] = fixed_tasks(seed, frozen.draw_id, [e.id for e in frozen.pool.key], periods)
    data["forced"] = fixed_tasks(seed, frozen.draw_id, [e.id for e in frozen.pool.forced], periods)
    if periods:
        data["selected"] = [
            {"id": i, "ticket": t, "stratum": s, "period": p} for i, t, s, p in result.selected
        ]
    else:
        data["selected"] = [{"id": i, "ticket": t, "stratum": s} for i, t, s, _ in result.selected]
    data["alternates"] = [{"id": i, "ticket": t, "stratum": s} for i, t, s, _ in result.alternates]
    return data


def fixed_tasks(seed: str, draw_id: str, ids: list[str], periods: Sequence[str]) -> list[dict]:
    """Key and forced tasks get periods the same way as drawn ones: by ticket, round robin."""
    ordered = algorithm.order_by_ticket(seed, (draw_id,), ids)
    if not periods:
        return [{"id": i, "ticket": t} for i, t in ordered]
    return [
        {"id": i, "ticket": t, "period": periods[n % len(periods)]}
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
    out += [stratum_part(m, counts[m], None, None, None, -1) for m in missing]
    return out


def rebuild(ws: Workspace, record: Draw) -> Draw:
    """Re-run a recorded draw from its record and the rosters at its recorded commit."""
    frozen = refrozen(ws, record)
    return execute(
        frozen,
        record.seed,
        record.seed_source,
        record.seed_generated,
        record.prepared,
        record.drawn_at,
        record.seed_format,
    )


def refrozen(ws: Workspace, record: Draw) -> Frozen:
    """A recorded draw's pool and strata, recomputed from the rosters at its commit and the
    earlier draws' replacements as they were at the commit that added the record."""
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
        at=added_in(ws, record_path(ws, record.year, record.draw_id)),
        inputs=record.commit,
    )
    frozen.commit, frozen.rosters = record.commit, record.rosters
    frozen.redraw_of, frozen.reason = record.redraw_of, record.reason
    frozen.strata = resize(frozen, record.strata)
    return frozen


def replacement(
    ws: Workspace, record: Draw, swaps: Sequence[Replacement], entity: str, at: str | None = None
) -> Pick | None:
    """The alternate that replaces `entity` after `swaps`: the first unused one of its stratum
    that no other draw of the year has as a task, those draws as on disk or (`at`) as
    committed at that commit. The one rule for ssj draw replace and its re-run."""
    return next_alternate(record, swaps, entity, other_tasks(ws, record, at))


def replacement_differences(ws: Workspace, record: Draw) -> list[str]:
    """Each replacement re-run from the draw, the replacements before it and the other draws
    of the year as committed when it was (what it could see), in Chinese."""
    path = replacements_path(ws, record.year, record.draw_id)
    swaps = load_replacements(ws, record).replacements
    out = []
    for n, swap in enumerate(swaps):
        where = f"第 {n + 1} 条替换（{swap.entity}）"
        if swap.entity not in current_picks(record, swaps[:n]):
            out.append(f"{where}：被替换单位当时不是抽中单位")
            continue
        at = entry_added_in(ws, path, "replacements", n)
        spare = replacement(ws, record, swaps[:n], swap.entity, at)
        if spare is None or spare.id != swap.replacement:
            again = spare.id if spare else "该分层已无可用候补"
            out.append(f"{where}：记录为候补 {swap.replacement}，重算为 {again}")
    return out


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
        if name == "excluded":
            b = listed_as_recorded(a, b)
        if a != b:
            out.append(f"{label}不一致" + _diff_ids(a, b))
    return out


def listed_as_recorded(recorded: list[Exclusion], rerun: list[Exclusion]) -> list[Exclusion]:
    """The re-run's exclusions as the record lists them: records written before every id was
    listed gave no ids at all when more than 200 units were excluded."""
    earlier_form = sum(e.count for e in recorded) > 200 and all(e.ids is None for e in recorded)
    return [e.model_copy(update={"ids": None}) for e in rerun] if earlier_form else rerun


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


@dataclass
class Request:
    year: int
    draw_id: str | None = None
    ratio: str | None = None
    count: int | None = None
    stratify: list[str] | None = None
    where: list[str] = field(default_factory=list)
    periods: str | None = None
    alternates: int | None = None
    day: date | None = None
    redraw_of: str | None = None
    reason: str | None = None
    # A joint draw: the strictest cooldown and cap of its departments (core.joint.strictest).
    rules: tuple[int, int] | None = None


def next_draw_id(ws: Workspace, year: int) -> str:
    used = {p.name.split(".")[0] for p in draws_dir(ws, year).glob("*.yaml")}
    n = 1
    while f"{year}-{n}" in used:
        n += 1
    return f"{year}-{n}"


def freeze(
    ws: Workspace, request: Request, commit: str, roster: LoadedRoster | None = None
) -> Frozen:
    config = ws.config
    plan = load_plan(ws, request.year)
    rule = effective_rules(config, plan)
    roster = roster or ws.roster("entities")
    draw_id = request.draw_id or next_draw_id(ws, request.year)
    check_draw_id(draw_id)
    if request.ratio is not None and request.count is not None:
        raise InputError("--ratio 与 --count 只能指定一个")
    stratify = stratify_fields(plan.stratify if request.stratify is None else request.stratify)
    uniform = request.ratio is not None or request.count is not None
    if not uniform:
        # Plan ratios differ by category or risk grade: each stratum needs one ratio.
        if plan.categories and "category" not in stratify:
            stratify.append("category")
        if plan.risk_ratios and "risk" not in stratify:
            stratify.append("risk")
    where = parse_where(request.where) if request.where else dict(plan.where)
    where = {k: list(v) if isinstance(v, list) else [v] for k, v in where.items()}
    try:
        periods = parse_periods(request.periods) if request.periods is not None else plan.periods
    except ValueError as exc:
        raise InputError(f"--periods：{exc}") from None
    parameters = _part(
        "Parameters",
        ratio=request.ratio,
        count=request.count,
        stratify=stratify,
        where=where,
        periods=periods,
        alternates=plan.alternates if request.alternates is None else request.alternates,
        level=config.level,
        cooldown_months=request.rules[0] if request.rules else rule.cooldown_months,
        yearly_cap=request.rules[1] if request.rules else rule.yearly_cap,
        coverage_years=rule.coverage_years,
        force_uncovered=plan.force_uncovered,
    )
    draws = [d for d in all_draws(ws) if d.draw_id != request.redraw_of]
    draws = [d for d in draws if d.draw_id not in superseded(draws)]
    day = request.day or ws.clock.today()
    frozen = build(ws, draw_id, request.year, day, roster.rows, parameters, draws)
    frozen.commit = commit
    frozen.rosters = {"entities": roster_ref(roster.path, roster.sha256)}
    frozen.redraw_of, frozen.reason = request.redraw_of, request.reason
    frozen.strata = sized_strata(frozen, config, plan, request)
    return frozen


def freeze_ranked(
    ws: Workspace, request: Request, commit: str, seed: str
) -> tuple[Frozen, algorithm.Ranking | None]:
    """freeze(), and meanwhile, in a copy of this process (storage/processes.py), the
    ticket of every unit of the roster under `seed`, from the ids the roster cache keeps
    apart: reading the rows and building the pool take about as long as hashing and
    sorting them (some 0.1 s each for 100,000 units). The pool is made without the seed,
    so it cannot matter which is done first."""
    if not roster_worth_a_core(ws.root, "entities"):
        return freeze(ws, request, commit), None
    draw_id = request.draw_id or next_draw_id(ws, request.year)

    def tickets() -> tuple[str, Sequence[int], bytes, Sequence[int]] | None:
        kept = kept_ids(ws.root, "entities")
        if kept is None:  # not validated yet: ranked with the pool, here
            return None
        digest, ids = kept
        try:
            ranked = algorithm.rank(seed, (draw_id,), ids)
        except algorithm.AlgorithmInputError:  # a draw id freeze refuses, in its own words
            return None
        by_id = array("L", sorted(range(len(ids)), key=ids.__getitem__))
        return digest, ranked.order, ranked.digests, by_id  # the ids: this process has them

    def pool() -> tuple[Frozen, LoadedRoster]:
        roster = ws.roster("entities")
        return freeze(ws, request, commit, roster), roster

    answer, (frozen, roster) = processes.side_by_side(tickets, pool)
    # The ids kept for these very bytes of the roster are its rows' ids, in their order:
    # distinct (the roster was validated) and each valid (the copy's rank checked them).
    if answer is None or answer[0] != roster.sha256 or len(answer[1]) != len(roster.rows):
        return frozen, None
    _, order, digests, by_id = answer
    ids = list(map(attrgetter("id"), roster.rows))
    frozen.by_id = list(map(ids.__getitem__, by_id))
    return frozen, algorithm.Ranking((seed, draw_id), ids, order, digests)


def sized_strata(frozen: Frozen, config: Config, plan: Plan, request: Request) -> list[Stratum]:
    """k per stratum from the command line or the plan, checked against R1's floors."""
    categories: dict[str, set[str]] = {}
    risks: dict[str, set[str]] = {}
    # The membership lists the pool's units in the pool's order.
    traits = map(attrgetter("category", "risk"), frozen.pool.eligible)
    for stratum, (category, risk) in set(zip(frozen.membership.values(), traits, strict=True)):
        categories.setdefault(stratum, set()).add(category)
        risks.setdefault(stratum, set()).add(risk or "")
    population = Counter(frozen.membership.values())
    sizes = {}
    for stratum, cats in sorted(categories.items()):
        n = population[stratum]
        plans = [plan.categories[c] for c in cats if c in plan.categories]
        ratio = count = minimum = None
        if request.count is not None:
            count = request.count
        elif request.ratio is not None:
            ratio = algorithm.parse_ratio(request.ratio)
        else:
            own = [p.ratio for p in plans if p.ratio] or [plan.ratio]
            by_risk = [plan.risk_ratios[r] for r in risks[stratum] if r in plan.risk_ratios]
            counts = [p.count for p in plans if p.count]
            if counts and not by_risk:
                count = max(counts)
            else:
                ratio = max(own + by_risk)
            minimum = max((p.minimum for p in plans if p.minimum), default=None)
        k = algorithm.sample_size(n, ratio=ratio, count=count, minimum=minimum)
        check_floor(config, plan, stratum, cats, n, k)
        ratio = None if ratio is None else str(ratio)
        sizes[stratum] = stratum_part(stratum, n, ratio, count, minimum, k)
    return list(sizes.values())


def check_floor(config: Config, plan: Plan, stratum: str, cats: set[str], n: int, k: int) -> None:
    """R1: k may not fall below ceil(floor × N) unless the plan says why."""
    for name in sorted(cats):
        category = config.category(name)
        if category is None:
            continue
        floor = category.ratio_floor
        needed = algorithm.sample_size(n, ratio=floor)
        reason = plan.floor_reason or (
            plan.categories.get(name) and plan.categories[name].floor_reason
        )
        if k < needed and not reason:
            raise Refused(
                f"分层“{stratum}”抽取 {k}/{n}，低于“{name}”的最低比例 {percent(floor)}"
                f"（至少 {needed} 个，R1）。如确需降低，请在年度方案中填写 floor_reason 说明理由"
            )
