"""Who may inspect a task (docs/audit.md R6–R9), what the task checks, and the teams the
matching algorithm gives: pure."""

from __future__ import annotations

import bisect
import calendar
import functools
import hashlib
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from . import algorithm
from .algorithm import AlgorithmInputError, AssignmentInfeasible, Ranked, Shortfall, TaskCandidates
from .models import Entity, Inspector, Item
from .planning import period_months
from .traits import GENERAL

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


class Team(NamedTuple):
    """A task's team and panel (a tuple: one is made for each of tens of thousands of tasks)."""

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


def _checked_prior(prior: Mapping[str, int]) -> Mapping[str, int]:
    """`prior`, each load checked as algorithm.assign checks it."""
    for id_, n in prior.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise AlgorithmInputError(f"人员 {id_} 的已有任务数必须是不小于 0 的整数：{n!r}")
    return prior


# ---------------------------------------------------------------- tickets made ahead
#
# Hashing is most of a matching's time, and a task's tickets do not depend on the loads:
# those of the last tasks of the walk can be made beforehand, on another core, while the
# matching's inputs are read and its first tasks walked (workspace/matching.py). Everyone's
# ticket is made for such a task (about twice the hashes the walk makes), and the walk then
# reads them in ticket order instead of hashing.

AHEAD = 0.6  # the share of the tasks, the last of the walk, whose tickets are made ahead
AHEAD_PEOPLE = 1 << 16  # a position in the order of people is kept in two bytes


class Ahead(NamedTuple):
    """The tickets of the last tasks of a walk, made beforehand (tickets_ahead)."""

    prefix: tuple[str, str]  # (seed, draw id)
    entities: tuple[str, ...]  # those tasks, in the walk's order
    people: tuple[str, ...]
    orders: list[Sequence[int]]  # per task: the positions in `people`, lowest ticket first


def _last(ordered: Sequence[str]) -> Sequence[str]:
    return ordered[len(ordered) - int(len(ordered) * AHEAD) :]


def tickets_ahead(seed: str, draw_id: str, entities: Iterable[str], people: Sequence[str]) -> Ahead:
    """For the last tasks of the walk over the tasks of `entities`, everyone's tickets, as
    the order of `people` (AHEAD_PEOPLE at most) by ticket."""
    ordered = [e for e, _ in algorithm.order_by_ticket(seed, (draw_id,), entities)]
    base, raws = f"{seed}|{draw_id}|".encode(), [p.encode() for p in people]
    kind = bytes if len(raws) <= 256 else functools.partial(array, "H")
    orders = []
    for entity in _last(ordered):
        copy = hashlib.sha256(base + entity.encode() + b"|").copy
        digests = []
        for raw in raws:
            h = copy()
            h.update(raw)
            digests.append(h.digest())
        orders.append(kind(sorted(range(len(raws)), key=digests.__getitem__)))
    return Ahead((seed, draw_id), tuple(_last(ordered)), tuple(people), orders)


_PAST = b"\xff" * 33  # sorts after every digest


class _Loads:
    """The load of each of a pool of people, and who is at each load, for the
    lowest-first walk. Each level maps id -> UTF-8 id, the bytes its tickets hash."""

    def __init__(self, ids: Iterable[str], prior: Mapping[str, int]) -> None:
        self.people: Sequence[str] = ()  # whose tickets were made ahead (tickets_ahead)
        self.load = {id_: prior.get(id_, 0) for id_ in ids}
        self.at: dict[int, dict[str, bytes]] = {}
        for id_, n in self.load.items():
            self.at.setdefault(n, {})[id_] = id_.encode()
        self.levels = sorted(self.at)

    def lowest(
        self,
        prefix: hashlib._Hash,
        among: frozenset[str],
        k: int,
        without: str | None = None,
        order: Iterable[int] | None = None,
    ) -> list[Ranked]:
        """The first k of `among` (a part of the pool) but `without` by (load, ticket),
        tickets computed for the lowest loads only; `prefix` has hashed what every ticket
        of the task hashes before the id. `order`: the task's tickets made ahead, as the
        positions in `people` lowest ticket first, read instead of hashing."""
        out: list[Ranked] = []
        if k <= 0:
            return out
        if order is not None:
            return self._ordered(order, prefix, among, k, without)
        copy = prefix.copy
        everyone, levels = self._levels(among)
        for level in levels:
            group = self.at[level]
            if everyone and without not in group:
                ids, raws = list(group), group.values()
            else:
                here = group.keys() & among
                here.discard(without)
                if not here:
                    continue
                ids = list(here)
                raws = map(group.__getitem__, ids)
            # Copying the hasher fed the task's prefix beats hashing prefix + id anew.
            # Digests sort as their tickets do; only the chosen ones are written in hex.
            digests = []
            for raw in raws:
                h = copy()
                h.update(raw)
                digests.append(h.digest())
            # The smallest one at a time: k is 1 or 2 nearly always, and min() beats sorting.
            for _ in range(min(k - len(out), len(digests))):
                d = min(digests)
                i = digests.index(d)
                out.append(Ranked(ids[i], level, d.hex()))
                digests[i] = _PAST
            if len(out) == k:
                break
        return out

    def _levels(self, among: frozenset[str]) -> tuple[bool, list[int]]:
        """(whether `among` is all the pool, the loads to walk from the lowest of its).

        `among` is part of the pool, so as big it is all of it (usually: every officer is
        eligible) and no level needs filtering; else the walk starts at its lowest load."""
        if len(among) == len(self.load):
            return True, self.levels
        lowest = min(map(self.load.__getitem__, among))
        return False, self.levels[bisect.bisect_left(self.levels, lowest) :]

    def _ordered(
        self,
        order: Iterable[int],
        prefix: hashlib._Hash,
        among: frozenset[str],
        k: int,
        without: str | None,
    ) -> list[Ranked]:
        """lowest() from the task's tickets made ahead; only the chosen ones' are hashed,
        to be written."""
        out: list[Ranked] = []
        people = self.people
        everyone, levels = self._levels(among)
        for level in levels:
            group = self.at[level]
            for i in order:
                id_ = people[i]
                if id_ in group and id_ != without and (everyone or id_ in among):
                    h = prefix.copy()
                    h.update(group[id_])
                    out.append(Ranked(id_, level, h.hexdigest()))
                    if len(out) == k:
                        return out
        return out

    def add(self, id_: str) -> None:
        old = self.load[id_]
        self.load[id_] = old + 1
        group = self.at[old]
        raw = group.pop(id_)
        if not group:
            del self.at[old]
            self.levels.remove(old)
        up = self.at.get(old + 1)
        if up is None:
            up = self.at[old + 1] = {}
            bisect.insort(self.levels, old + 1)
        up[id_] = raw


def _usable(
    found: Ahead | None, prefix: tuple[str, str], last: Sequence[str], pool: set[str]
) -> tuple[dict[str, Sequence[int]], Sequence[str]]:
    """({entity: its order}, the people) of tickets made ahead under this seed and draw for
    exactly these tasks and everyone of the pool; nothing otherwise."""
    if (
        found is None
        or found.prefix != prefix
        or found.entities != tuple(last)
        or not pool <= set(found.people)
    ):
        return {}, ()
    return dict(zip(found.entities, found.orders, strict=True)), found.people


def teams(
    seed: str,
    draw_id: str,
    tasks: Sequence[TaskCandidates],
    *,
    team_size: int,
    experts: int = 0,
    prior_load: Mapping[str, int] | None = None,
    ahead: Callable[[], Ahead | None] | None = None,
) -> list[Team]:
    """The teams and panels of algorithm.assign (same inputs, same errors), without rankings.

    `ahead`: gives, when the walk comes to them, the tickets of its last tasks made
    beforehand (tickets_ahead), or None; tickets made for other tasks or people are not used.
    """
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
    prior = _checked_prior(prior_load or {})
    distinct = {(id(o), id(p)): (o, p) for o, p, _ in sets}  # tasks share their sets
    staff = set().union(*(o for o, _ in distinct.values()))
    panelists = set().union(*(p for _, p in distinct.values()))
    # Officers and experts are apart in a real roster: then each pool is walked alone, and
    # a task's officers are usually its whole pool.
    if staff.isdisjoint(panelists):
        loads, expert_loads = _Loads(staff, prior), _Loads(panelists, prior)
    else:
        loads = expert_loads = _Loads(staff | panelists, prior)
    base = f"{seed}|{draw_id}|".encode()
    ordered = algorithm.order_by_ticket(seed, (draw_id,), by_entity)
    last = _last([e for e, _ in ordered]) if ahead is not None else ()
    known: dict[str, Sequence[int]] = {}
    out = []
    for entity, task_ticket in ordered:
        officers, panel, lead = sets[by_entity[entity]]
        prefix = hashlib.sha256(base + entity.encode() + b"|")
        if last and entity == last[0]:
            known, people = _usable(ahead(), (seed, draw_id), last, staff | panelists)
            loads.people = expert_loads.people = people
        order = known.get(entity)
        if lead:
            first = loads.lowest(prefix, lead, 1, None, order)
            team = first + loads.lowest(prefix, officers, team_size - 1, first[0].id, order)
        else:
            team = loads.lowest(prefix, officers, team_size, None, order)
        chosen = expert_loads.lowest(prefix, panel, experts, None, order)
        for r in team:  # loads grow only after the whole task is ranked
            loads.add(r.id)
        for r in chosen:
            expert_loads.add(r.id)
        out.append(Team(entity, task_ticket, team, chosen))
    return out
