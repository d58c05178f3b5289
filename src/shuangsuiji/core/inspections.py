"""The inspection ledger (检查台账) and the yearly caps on inspecting one company (R15, R16).

Pure: the rows of the ledger, how they merge, which cap applies to a unit, what counts
toward it, and the statistics of the year. Files, git and dates come from the callers.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field

from . import values
from .models import (
    EXEMPT_TYPES,
    REPEAT_DAYS,
    CapRule,
    Caps,
    Day,
    Entity,
    EntityId,
    InspectionType,
    Level,
    OptText,
    Strict,
    Text,
)

RANDOM_TYPE = "双随机抽查"  # a unit ssj drew at random
KEY_TYPE = "重点检查"  # a key unit, or one forced in after two years uninspected
FOR_CAUSE = "个案检查"  # 有因检查: never a repeat visit (R16)
JOINT = "联合检查"
OFF_SITE = "非现场检查"
UNGRADED = "未定级"  # matches a unit whose 标准化等级 is empty


def _optional_level(value: object) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return values.parse_level(value)


def _type(value: object) -> object:
    return values.text(value) if isinstance(value, str) else value


class Inspection(Strict):
    """检查台账中的一次检查。"""

    entity: EntityId = Field(title="统一社会信用代码")
    date: Day = Field(title="检查日期")
    type: Annotated[InspectionType, BeforeValidator(_type)] = Field(title="检查类型")
    authority: Text = Field(title="检查机关")
    level: Annotated[Level | None, BeforeValidator(_optional_level)] = Field(
        None, title="检查层级", description="省/市/县"
    )
    document: OptText = Field(None, title="文号", description="检查通知书、检查记录的文号")
    note: OptText = Field(
        None, title="备注", description="个案检查、上级专项不计入上限时，在此写明理由"
    )

    def key(self) -> tuple[str, date, str, str]:
        """Two rows are the same inspection when these agree (the merge key)."""
        return (self.entity, self.date, self.authority, self.document or "")


class LedgerFile(Strict):
    """plans/<年度>/ledger.yaml：其他部门、其他层级和 ssj 之外的检查。"""

    year: int = Field(ge=2000, le=2100, title="年度")
    inspections: list[Inspection] = Field(default_factory=list, title="检查")


def sort_key(row: Inspection) -> tuple:
    return (row.date, row.entity, row.authority, row.document or "", row.type)


# ------------------------------------------------------------------ merging


@dataclass
class Merged:
    inspections: list[Inspection]
    added: list[Inspection] = field(default_factory=list)
    updated: list[Inspection] = field(default_factory=list)
    unchanged: int = 0


def merge(existing: Iterable[Inspection], incoming: Iterable[Inspection]) -> Merged:
    """Incoming rows merged into the stored ones by key: new ones added, a row with the
    key of a stored one replaces it (its type or note corrected), equal ones left alone."""
    by_key = {row.key(): row for row in existing}
    out = Merged([])
    for row in incoming:
        before = by_key.get(row.key())
        if before == row:
            out.unchanged += 1
            continue
        (out.added if before is None else out.updated).append(row)
        by_key[row.key()] = row
    out.inspections = sorted(by_key.values(), key=sort_key)
    return out


# ------------------------------------------------------------------ caps


@dataclass(frozen=True)
class Cap:
    """The cap that applies to one unit, and the table row it comes from (None: default)."""

    limit: int
    rule: CapRule | None
    exempt: tuple[str, ...]

    def counts(self, row: Inspection) -> bool:
        """A row counts unless it is of an exempt type with a reason; and, when the rule
        names authorities or levels, only theirs (a row of unknown level counts)."""
        if row.type in self.exempt and row.note:
            return False
        if self.rule is None:
            return True
        if self.rule.authority and row.authority not in self.rule.authority:
            return False
        return not (self.rule.level and row.level and row.level not in self.rule.level)

    @property
    def source(self) -> str:
        """Where the cap comes from, in Chinese."""
        if self.rule is None:
            return "默认上限"
        parts = ["、".join(self.rule.category) or "全部类别"]
        if self.rule.grade:
            parts.append("、".join(self.rule.grade))
        return "上限表：" + "，".join(parts)


def _matches(rule: CapRule, entity: Entity | None) -> bool:
    if entity is None:
        return not rule.category and not rule.grade
    if rule.category and not ({entity.category, *entity.industries} & set(rule.category)):
        return False
    if not rule.grade:
        return True
    grades = {entity.standardization or UNGRADED, entity.risk or ""}
    return bool(grades & set(rule.grade))


def cap_of(entity: Entity | None, caps: Caps | None, default: int) -> Cap:
    """The first row of the table that fits the unit, else the table's default, else
    `default` (the yearly cap of the rules in force)."""
    if caps is None:
        return Cap(default, None, tuple(EXEMPT_TYPES))
    exempt = tuple(caps.exempt)
    for rule in caps.rules:
        if _matches(rule, entity):
            return Cap(rule.cap, rule, exempt)
    return Cap(default if caps.default is None else caps.default, None, exempt)


@dataclass
class CapState:
    """One unit's inspections of the year against its cap."""

    entity: str
    cap: Cap
    counted: list[Inspection]
    exempted: list[Inspection]  # exempt types with a reason
    unexplained: list[Inspection]  # exempt types without a reason (they count)

    @property
    def at_cap(self) -> bool:
        return len(self.counted) >= self.cap.limit

    @property
    def over(self) -> bool:
        return len(self.counted) > self.cap.limit


def cap_states(
    rows: Iterable[Inspection],
    entities: Mapping[str, Entity],
    caps: Caps | None,
    default: int,
) -> dict[str, CapState]:
    """Each inspected unit's count against its cap."""
    by_entity: dict[str, list[Inspection]] = {}
    for row in rows:
        by_entity.setdefault(row.entity, []).append(row)
    out = {}
    for ident, mine in sorted(by_entity.items()):
        cap = cap_of(entities.get(ident), caps, default)
        mine = sorted(mine, key=sort_key)
        out[ident] = CapState(
            entity=ident,
            cap=cap,
            counted=[r for r in mine if cap.counts(r)],
            exempted=[r for r in mine if r.type in cap.exempt and r.note],
            unexplained=[r for r in mine if r.type in cap.exempt and not r.note],
        )
    return out


def at_cap(
    entities: Iterable[Entity], rows: Sequence[Inspection], caps: Caps | None, default: int
) -> frozenset[str]:
    """The units of the roster that already have as many counted inspections as their cap."""
    roster = {e.id: e for e in entities}
    states = cap_states([r for r in rows if r.entity in roster], roster, caps, default)
    return frozenset(i for i, s in states.items() if s.at_cap)


def repeats(
    rows: Iterable[Inspection], days: int = REPEAT_DAYS
) -> list[tuple[Inspection, Inspection]]:
    """R16: the same unit inspected again by the same authority within `days` days (a
    个案检查, made for cause, is never a repeat), each later visit with the one before it."""
    by_pair: dict[tuple[str, str], list[Inspection]] = {}
    for row in rows:
        if row.type != FOR_CAUSE:
            by_pair.setdefault((row.entity, row.authority), []).append(row)
    out = []
    for mine in by_pair.values():
        mine.sort(key=sort_key)
        for before, after in itertools.pairwise(mine):
            if (after.date - before.date).days <= days:
                out.append((before, after))
    return sorted(out, key=lambda pair: sort_key(pair[1]))


def own_inspection(
    entity: str, day: date, random: bool, authority: str, level: str, note: str | None = None
) -> Inspection:
    """A task of ssj's as a ledger row: 双随机抽查 for a drawn unit, 重点检查 for a key or
    forced one, by this bureau at its level."""
    return Inspection(
        entity=entity,
        date=day,
        type=RANDOM_TYPE if random else KEY_TYPE,
        authority=authority,
        level=level,
        note=note,
    )


# ------------------------------------------------------------------ 执法监督 statistics


@dataclass
class Statistics:
    inspections: int
    companies: int
    most: int  # inspections of the most inspected company
    distribution: dict[int, int]  # inspections a year -> companies
    by_type: dict[str, int]
    joint: int
    off_site: int
    by_authority: dict[str, int]


def statistics(rows: Sequence[Inspection]) -> Statistics:
    per_company = Counter(r.entity for r in rows)
    types = Counter(r.type for r in rows)
    return Statistics(
        inspections=len(rows),
        companies=len(per_company),
        most=max(per_company.values(), default=0),
        distribution=dict(sorted(Counter(per_company.values()).items())),
        by_type={t: types[t] for t in InspectionType.__args__ if types[t]},
        joint=types[JOINT],
        off_site=types[OFF_SITE],
        by_authority=dict(Counter(r.authority for r in rows).most_common()),
    )
