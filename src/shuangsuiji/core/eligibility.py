"""Who may be drawn (docs/audit.md R2, R3, R5, 定向/不定向): pure, from rosters and history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING

from . import values
from .algorithm import ALL_STRATUM, stratum_key
from .problems import InputError

if TYPE_CHECKING:  # the pool is made of roster rows (core/rows.py), read without the models
    from .models import Entity

# Reasons a unit is left out of the random pool, in the order they are checked.
CLOSED = "已注销或吊销"
INACTIVE = "非在营（停产、停业）"
OTHER_LEVEL = "属其他层级监管"
NOT_TARGETED = "不符合定向条件"
AT_CAP = "已达年度检查次数上限"
COOLDOWN = "冷却期内已随机抽查"
REASONS = (CLOSED, INACTIVE, OTHER_LEVEL, NOT_TARGETED, AT_CAP, COOLDOWN)

LIST_FIELDS = {"industries", "flags"}
HIGHEST_RISK = values.RISK_ORDER[0]


# The fields a draw may stratify or filter by, and their Chinese headers: the Entity
# model's titles (tests prove them the same), written here so that a draw with
# `--stratify 所属区域` need not import the model.
ENTITY_FIELDS = {
    "id": "统一社会信用代码",
    "name": "单位名称",
    "category": "监管类别",
    "industries": "行业",
    "region": "所属区域",
    "scale": "规模",
    "risk": "风险等级",
    "key": "重点单位",
    "status": "经营状态",
    "level": "监管层级",
    "standardization": "标准化等级",
    "flags": "信用标记",
    "address": "地址",
    "contact": "联系人",
    "phone": "联系电话",
}


def field_name(name: str) -> str:
    """An entity field by its English key or Chinese header (`region` = `所属区域`)."""
    if name in ENTITY_FIELDS:
        return name
    for key, title in ENTITY_FIELDS.items():
        if title == name:
            return key
    known = "、".join(f"{k}（{t}）" for k, t in ENTITY_FIELDS.items())
    raise InputError(f"未知字段“{name}”；可用：{known}")


def field_text(entity: Entity, name: str) -> str:
    return value_text(getattr(entity, name))


def value_text(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def parse_where(clauses: Iterable[str]) -> dict[str, list[str]]:
    """`--where region=城关街道 --where region=河西街道` -> {'region': ['城关街道', '河西街道']}."""
    out: dict[str, list[str]] = defaultdict(list)
    for clause in clauses:
        name, sep, wanted = clause.partition("=")
        if not sep or not name.strip() or not wanted.strip():
            raise InputError(f"定向条件“{clause}”应写作 字段=值，如 region=城关街道")
        out[field_name(name.strip())].append(wanted.strip())
    return dict(out)


def matches(entity: Entity, where: Mapping[str, Sequence[str]]) -> bool:
    """Values of one field are alternatives (or); different fields must all hold (and)."""
    for name, wanted in where.items():
        value = getattr(entity, name)
        if name in LIST_FIELDS:
            if not set(value) & set(wanted):
                return False
        elif name == "key":
            if value not in {values.parse_bool(w) for w in wanted}:
                return False
        elif field_text(entity, name) not in wanted:
            return False
    return True


@dataclass(frozen=True)
class PastTask:
    """An inspection the workspace already knows of (from earlier draws)."""

    entity: str
    year: int
    day: date
    random: bool  # drawn at random (counts for the cooldown), not a key or forced task


@dataclass
class Pool:
    eligible: list[Entity] = field(default_factory=list)
    key: list[Entity] = field(default_factory=list)
    forced: list[Entity] = field(default_factory=list)
    excluded: dict[str, list[str]] = field(default_factory=dict)
    key_at_cap: list[str] = field(default_factory=list)  # key units inspected all the same


def months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return date(year, month, min(day.day, last))


def build_pool(
    entities: Iterable[Entity],
    *,
    year: int,
    day: date,
    level: str,
    where: Mapping[str, Sequence[str]],
    history: Sequence[PastTask],
    cooldown_months: int,
    yearly_cap: int,
    uncovered: frozenset[str] = frozenset(),
    already_key: frozenset[str] = frozenset(),
    at_cap: frozenset[str] | None = None,
) -> Pool:
    """Split the roster into the random pool, key tasks, forced tasks and the excluded.

    `uncovered` are the ids R3 forces in (not inspected in the coverage window);
    `already_key` are key or forced tasks an earlier draw of the year already listed;
    `at_cap` are the units at their yearly cap counting the whole inspection ledger (R15),
    when the workspace keeps one or a cap table; else `yearly_cap` counts `history`.
    """
    this_year: dict[str, int] = defaultdict(int)
    last_random: dict[str, date] = {}
    for task in history:
        if task.year == year:
            this_year[task.entity] += 1
        if task.random and task.day > last_random.get(task.entity, date.min):
            last_random[task.entity] = task.day
    cooldown_start = months_before(day, cooldown_months)
    pool = Pool(excluded={reason: [] for reason in REASONS})

    def place(entity: Entity, reason: str | None) -> None:
        """The unit's place, by the rules in their order (`reason`: what its status,
        level and targeting already say)."""
        if reason is None:
            if entity.id in already_key:
                return  # an earlier draw of this year already made it a task
            if entity.key:
                pool.key.append(entity)
                if at_cap is not None and entity.id in at_cap:
                    pool.key_at_cap.append(entity.id)
                return
            if entity.id in at_cap if at_cap is not None else this_year[entity.id] >= yearly_cap:
                reason = AT_CAP
            elif (
                entity.id in last_random
                and last_random[entity.id] > cooldown_start
                and entity.risk != HIGHEST_RISK
            ):
                reason = COOLDOWN
            elif entity.id in uncovered:
                pool.forced.append(entity)
                return
        if reason:
            pool.excluded[reason].append(entity.id)
        else:
            pool.eligible.append(entity)

    # Status, level and the targeting by single-valued fields are the same few values on
    # every row: each distinct combination is judged once. Rows no id-level rule can touch
    # go straight into the pool.
    single = [name for name in where if name not in LIST_FIELDS]
    lists = {name: wanted for name, wanted in where.items() if name in LIST_FIELDS}
    traits = attrgetter("status", "level", *single)
    judged: dict[tuple, str | None] = {}
    touched = already_key | set(uncovered) | set(last_random)
    touched |= (
        at_cap if at_cap is not None else {i for i, n in this_year.items() if n >= yearly_cap}
    )
    shortcut = at_cap is not None or yearly_cap > 0
    eligible = pool.eligible.append
    for entity in entities:
        seen = traits(entity)
        try:
            reason = judged[seen]
        except KeyError:
            reason = judged[seen] = _judged(seen, level, {n: where[n] for n in single})
        if reason is None and lists and not matches(entity, lists):
            reason = NOT_TARGETED
        if reason is None and shortcut and not entity.key and entity.id not in touched:
            eligible(entity)
        else:
            place(entity, reason)
    pool.excluded = {r: sorted(ids) for r, ids in pool.excluded.items() if ids}
    return pool


def _judged(seen: tuple, level: str, where: Mapping[str, Sequence[str]]) -> str | None:
    """The exclusion that status, level and single-valued targeting make, if any."""
    status, own_level, *targeted = seen
    if status in values.CLOSED:
        return CLOSED
    if status != "在营":
        return INACTIVE
    if (own_level or level) != level:
        return OTHER_LEVEL
    for (name, wanted), value in zip(where.items(), targeted, strict=True):
        if name == "key":
            if value not in {values.parse_bool(w) for w in wanted}:
                return NOT_TARGETED
        elif value_text(value) not in wanted:
            return NOT_TARGETED
    return None


def uncovered_ids(
    roster_then: Iterable[str], history: Sequence[PastTask], year: int, years: int
) -> frozenset[str]:
    """R3: units of the roster at the start of the window with no task in the `years` before `year`.

    Only when the workspace has tasks in every year of the window: a new workspace has
    no history, and forcing its whole roster in would be absurd.
    """
    window = range(year - years, year)
    years_seen = {t.year for t in history}
    if not all(y in years_seen for y in window):
        return frozenset()
    inspected = {t.entity for t in history if t.year in window}
    return frozenset(i for i in roster_then if i not in inspected)


# ---------------------------------------------------------------- strata and sizes


def stratify_fields(names: Iterable[str]) -> list[str]:
    out = []
    for name in names:
        key = field_name(name)
        if key in LIST_FIELDS:
            raise InputError(f"不能按多值字段“{name}”分层；请用 --where 定向")
        if key not in out:
            out.append(key)
    return out


def stratum_of(entity: Entity, fields: Sequence[str]) -> str:
    return stratum_key([field_text(entity, f) or "（空）" for f in fields])


def strata_of(entities: Sequence[Entity], fields: Sequence[str]) -> dict[str, str]:
    """id -> stratum of every entity, each distinct combination of values keyed once."""
    ids = map(attrgetter("id"), entities)
    if not fields:
        return dict.fromkeys(ids, ALL_STRATUM)
    get = attrgetter(*fields) if len(fields) > 1 else lambda e: (getattr(e, fields[0]),)
    seen = list(map(get, entities))
    named = {v: stratum_of(e, fields) for v, e in dict(zip(seen, entities, strict=True)).items()}
    return dict(zip(ids, map(named.__getitem__, seen), strict=True))


@dataclass(frozen=True)
class StratumSize:
    stratum: str
    population: int
    size: int
    ratio: Decimal | None
    count: int | None
    minimum: int | None
    categories: tuple[str, ...]
