"""Who may inspect a task (docs/audit.md R6–R9), what the task checks, and the teams the
matching algorithm gives: pure."""

from __future__ import annotations

import bisect
import calendar
import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from . import algorithm
from .algorithm import AlgorithmInputError, AssignmentInfeasible, Ranked, Shortfall, TaskCandidates
from .models import GENERAL, Entity, Inspector, Item
from .plan import period_months

EXPIRED = "证件过期"
NOT_ON_DUTY = "离岗"
CONFLICT = "回避"
ROTATION = "轮换"
SAME_REGION = "同区域"
OTHER_DEPARTMENT = "非本科室"
NO_CERTIFICATE = "证件有效期未填"


@functools.cache  # a few periods, looked up for every task
def period_end(year: int, period: str | None) -> date:
    """The last day of a task's period; the plan year's end when it has none."""
    if not period:
        return date(year, 12, 31)
    _, last = period_months(period)
    return date(year, last, calendar.monthrange(year, last)[1])


@dataclass(frozen=True)
class Rules:
    cross_region: bool = False  # 所所交叉: nobody from the unit's own region
    department: str | None = None  # 各股室内随机: only this department's officers
    rotation: frozenset[tuple[str, str]] = frozenset()  # (inspector, entity) pairs too recent


def exclusions(person: Inspector, entity: Entity, until: date, rules: Rules) -> list[str]:
    """Why `person` may not inspect `entity` through `until`; empty when eligible."""
    out = []
    if person.valid_until is None:
        out.append(NO_CERTIFICATE)
    elif person.valid_until < until:
        out.append(EXPIRED)
    if person.status != "在岗":
        out.append(NOT_ON_DUTY if person.status == "离岗" else person.status)
    if entity.id in person.conflicts:
        out.append(CONFLICT)
    if (person.id, entity.id) in rules.rotation:
        out.append(ROTATION)
    if rules.cross_region and person.region and person.region == entity.region:
        out.append(SAME_REGION)
    if rules.department and person.role == "执法人员" and person.department != rules.department:
        out.append(OTHER_DEPARTMENT)
    return out


def checklist(entity: Entity, items: Iterable[Item]) -> list[str]:
    """General items plus those of the unit's category and industries, once each, by code."""
    scope = {GENERAL, entity.category, *entity.industries}
    return sorted({i.code for i in items if scope & set(i.categories)})


def eligible(
    people: Sequence[Inspector], entity: Entity, until: date, rules: Rules, role: str
) -> tuple[list[str], dict[str, list[str]]]:
    """(eligible ids, {excluded id: reasons}) among `people` of `role`."""
    ok, excluded = [], {}
    for person in people:
        if person.role != role:
            continue
        reasons = exclusions(person, entity, until, rules)
        if reasons:
            excluded[person.id] = reasons
        else:
            ok.append(person.id)
    return ok, excluded


def avoided(people: Iterable[Inspector], rules: Rules) -> frozenset[str]:
    """The units whose eligible people depend on the unit itself (someone must avoid it or
    inspected it too recently); for any other unit they depend only on the period end and
    the rules (and the unit's region with cross-region matching)."""
    return frozenset(e for p in people for e in p.conflicts) | {e for _, e in rules.rotation}


class Checklists:
    """checklist() memoized by (category, industries): the same few on thousands of tasks."""

    def __init__(self, items: Iterable[Item]) -> None:
        self.items = list(items)
        self.memo: dict[tuple[str, tuple[str, ...]], list[str]] = {}

    def __call__(self, entity: Entity) -> list[str]:
        key = (entity.category, tuple(entity.industries))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = checklist(entity, self.items)
        return found


# ---------------------------------------------------------------- teams, ticket by ticket
#
# algorithm.assign ranks every eligible person of every task by (load, ticket) to give the
# full ranking a replacement needs. The team is the first team_size of that ranking: only
# people at the lowest loads among a task's candidates can be in it, so only their tickets
# are computed, one load level at a time. The result is the same (tests prove it against
# algorithm.assign).


@dataclass(frozen=True, slots=True)
class Team:
    entity: str
    ticket: str
    inspectors: list[Ranked]
    experts: list[Ranked]


def _validated(
    tasks: Sequence[TaskCandidates], team_size: int, experts: int
) -> list[tuple[frozenset[str], frozenset[str], frozenset[str]]]:
    """algorithm.assign's checks of its input, in its order, each distinct list once."""
    try:
        algorithm.checked_ids(t.entity for t in tasks)
        entities_ok = True
    except AlgorithmInputError:
        entities_ok = False
    seen: dict[tuple, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
    checked: set[str] = set()
    shortfalls: list[Shortfall] = []
    out = []
    for task in tasks:
        if not entities_ok:
            algorithm.check_id(task.entity, "检查对象编号")
        # Tasks with the same candidates share their lists (matching.candidates): keyed by
        # identity, the tasks being alive throughout, not by a copy of each list.
        key = (id(task.officers), id(task.experts), id(task.lead))
        sets = seen.get(key)
        if sets is None:
            lists = [list(task.officers), list(task.experts), list(task.lead)]
            for ids, what in zip(lists, ("执法人员", "专家", "主办科室人员"), strict=True):
                for id_ in ids:
                    if id_ not in checked:
                        checked.add(algorithm.check_id(id_, what))
                if len(set(ids)) != len(ids):
                    raise AlgorithmInputError(f"对象 {task.entity} 的{what}名单有重复编号")
            officers, panel, lead = (frozenset(ids) for ids in lists)
            if not lead <= officers:
                raise AlgorithmInputError(
                    f"对象 {task.entity} 的主办科室人员必须也在执法人员名单中"
                )
            if officers & panel:
                raise AlgorithmInputError(f"对象 {task.entity} 有人同时列为执法人员和专家")
            sets = seen[key] = (officers, panel, lead)
        officers, panel, lead = sets
        if len(officers) < team_size:
            shortfalls.append(Shortfall(task.entity, team_size, len(officers), "执法人员"))
        if task.lead_required and not lead:
            shortfalls.append(Shortfall(task.entity, 1, 0, "主办科室"))
        if len(panel) < experts:
            shortfalls.append(Shortfall(task.entity, experts, len(panel), "专家"))
        out.append(sets)
    if shortfalls:
        raise AssignmentInfeasible(shortfalls)
    return out


class _Loads:
    """Each person's load, and the people at each load, for the lowest-first walk."""

    def __init__(self, ids: Iterable[str], prior: Mapping[str, int]) -> None:
        self.load = dict(prior)
        for id_, n in self.load.items():
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise AlgorithmInputError(f"人员 {id_} 的已有任务数必须是不小于 0 的整数：{n!r}")
        self.at: dict[int, set[str]] = {}
        self.raw: dict[str, bytes] = {}
        for id_ in ids:
            self.at.setdefault(self.load.get(id_, 0), set()).add(id_)
            self.raw[id_] = id_.encode()
        self.levels = sorted(self.at)

    def lowest(self, prefix: bytes, among: frozenset[str], k: int) -> list[Ranked]:
        """The first k of `among` by (load, ticket), tickets computed for the lowest loads
        only; `prefix` is the bytes every ticket of the task hashes before the id."""
        out: list[Ranked] = []
        if k <= 0:
            return out
        raw, sha256 = self.raw, hashlib.sha256
        for level in self.levels:
            here = self.at[level] & among
            if not here:
                continue
            # One constructor call per ticket: faster than copying a prefix's hash state.
            keyed = sorted([(sha256(prefix + raw[id_]).digest(), id_) for id_ in here])
            out += [Ranked(id_, level, d.hex()) for d, id_ in keyed[: k - len(out)]]
            if len(out) == k:
                break
        return out

    def add(self, id_: str) -> None:
        old = self.load.get(id_, 0)
        self.load[id_] = old + 1
        group = self.at[old]
        group.discard(id_)
        if not group:
            del self.at[old]
            self.levels.remove(old)
        if old + 1 not in self.at:
            self.at[old + 1] = set()
            bisect.insort(self.levels, old + 1)
        self.at[old + 1].add(id_)


def teams(
    seed: str,
    draw_id: str,
    tasks: Sequence[TaskCandidates],
    *,
    team_size: int,
    experts: int = 0,
    prior_load: Mapping[str, int] | None = None,
) -> list[Team]:
    """The teams and panels of algorithm.assign (same inputs, same errors), without rankings."""
    if isinstance(team_size, bool) or not isinstance(team_size, int) or team_size < 2:
        raise AlgorithmInputError(f"每组执法人员至少 2 名，不能是 {team_size!r}")
    if isinstance(experts, bool) or not isinstance(experts, int) or experts < 0:
        raise AlgorithmInputError(f"专家人数必须是不小于 0 的整数：{experts!r}")
    algorithm.check_seed(seed)
    algorithm.check_id(draw_id, "抽取编号")
    by_entity = {task.entity: i for i, task in enumerate(tasks)}
    if len(by_entity) != len(tasks):
        raise AlgorithmInputError("任务列表中有重复的检查对象")
    sets = _validated(tasks, team_size, experts)
    distinct = {(id(o), id(p)): (o, p) for o, p, _ in sets}  # tasks share their sets
    loads = _Loads(set().union(*(o | p for o, p in distinct.values())), prior_load or {})
    base = f"{seed}|{draw_id}|".encode()
    out = []
    for entity, task_ticket in algorithm.order_by_ticket(seed, (draw_id,), by_entity):
        officers, panel, lead = sets[by_entity[entity]]
        prefix = base + entity.encode() + b"|"
        if lead:
            first = loads.lowest(prefix, lead, 1)
            team = first + loads.lowest(prefix, officers - {first[0].id}, team_size - 1)
        else:
            team = loads.lowest(prefix, officers, team_size)
        chosen = loads.lowest(prefix, panel, experts)
        for r in team + chosen:  # loads grow only after the whole task is ranked
            loads.add(r.id)
        out.append(Team(entity, task_ticket, team, chosen))
    return out
