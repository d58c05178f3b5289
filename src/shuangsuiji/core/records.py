"""What ssj writes about a draw: the prepared draw, the draw, its replacements.

Written with the fast emitter (they are generated, not edited) and never rewritten
once committed: a replacement is an entry in a separate, append-only file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, model_validator

from .algorithm import ALGORITHM
from .models import Id, OptText, Strict
from .seedformat import check_commitments, normalize_format


class RosterRef(Strict):
    path: str = Field(title="文件")
    sha256: str = Field(title="SHA-256")


class Parameters(Strict):
    """Everything that decides a draw, besides the seed and the rosters."""

    ratio: str | None = Field(None, title="比例（命令行）")
    count: int | None = Field(None, title="每层数量（命令行）")
    stratify: list[str] = Field(default_factory=list, title="分层字段")
    where: dict[str, list[str]] = Field(default_factory=dict, title="定向条件")
    periods: list[str] = Field(default_factory=list, title="检查时段")
    alternates: int = Field(0, title="每层候补数")
    level: str = Field(title="监管层级")
    cooldown_months: int = Field(title="冷却期（月）")
    yearly_cap: int = Field(title="年度检查上限")
    coverage_years: int = Field(title="最长未检查年数")
    force_uncovered: bool = Field(title="纳入长期未检查单位")


class Population(Strict):
    count: int
    digest: str = Field(
        title="随机池摘要", description="合格编号按码位排序、以换行连接后的 SHA-256"
    )


class Exclusion(Strict):
    reason: str
    count: int
    ids: list[str] | None = Field(
        None, description="全部被排除单位的编号（早期记录在超过 200 个时省略）"
    )


class Stratum(Strict):
    stratum: str
    population: int
    ratio: str | None = None
    count: int | None = None
    minimum: int | None = None
    selected: int


class Pick(Strict):
    id: str
    ticket: str
    stratum: str
    period: str | None = None


class Task(Strict):
    """A key-unit or forced task: not random, listed with its period."""

    id: str
    ticket: str
    period: str | None = None


class SeedPlan(Strict):
    """How the seed will be made, committed with the prepared draw before it exists."""

    seed_source: OptText = None
    seed_format: Annotated[str, AfterValidator(normalize_format)] | None = None
    commitments: list[str] = Field(default_factory=list)
    witnesses: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _witnesses_committed(self) -> SeedPlan:
        if self.seed_format and self.seed_format.startswith("witnesses:"):
            self.commitments = check_commitments(self.seed_format, self.commitments)
            if self.witnesses and len(self.witnesses) != len(self.commitments):
                raise ValueError(
                    f"见证人 {len(self.witnesses)} 名，承诺 {len(self.commitments)} 个"
                )
        elif self.commitments or self.witnesses:
            raise ValueError("见证人承诺只用于 --seed-format witnesses:N")
        return self


class Prepared(Strict):
    """A draw frozen before its seed exists (ssj draw prepare)."""

    kind: Literal["prepared"] = "prepared"
    algorithm: str = ALGORITHM
    draw_id: Id
    year: int
    date: date
    prepared_at: datetime
    commit: str = Field(title="名录所在提交")
    rosters: dict[str, RosterRef]
    history: list[str] = Field(default_factory=list, title="计入历史的抽取")
    parameters: Parameters
    population: Population
    excluded: list[Exclusion] = Field(default_factory=list)
    strata: list[Stratum] = Field(default_factory=list)
    key: list[str] = Field(default_factory=list)
    forced: list[str] = Field(default_factory=list)
    redraw_of: OptText = None
    reason: OptText = None
    # The seed's source and format, committed before the seed exists: `ssj draw run`
    # takes only a seed of this format from this source (no lottery chosen afterwards).
    seed_source: OptText = Field(None, title="种子来源")
    seed_format: Annotated[str, AfterValidator(normalize_format)] | None = Field(
        None, title="种子格式"
    )
    commitments: list[str] = Field(
        default_factory=list, title="见证人承诺", description="各见证人秘密的 SHA-256"
    )
    witnesses: list[str] = Field(default_factory=list, title="见证人")


class Cancellation(Strict):
    """A prepared draw given up before its seed was applied (ssj draw cancel), with why."""

    kind: Literal["cancelled"] = "cancelled"
    draw_id: Id
    year: int
    reason: str = Field(title="理由")
    recorded_at: datetime


class Draw(Strict):
    """The record of a draw: enough for anyone to re-run it."""

    kind: Literal["draw"] = "draw"
    algorithm: str = ALGORITHM
    draw_id: Id
    year: int
    date: date
    drawn_at: datetime
    seed: str
    seed_source: str
    seed_generated: bool
    seed_format: str | None = Field(None, title="种子格式")
    prepared: str | None = Field(None, title="预备记录")
    redraw_of: OptText = None
    reason: OptText = None
    commit: str = Field(title="名录所在提交")
    rosters: dict[str, RosterRef]
    history: list[str] = Field(default_factory=list, title="计入历史的抽取")
    parameters: Parameters
    population: Population
    excluded: list[Exclusion] = Field(default_factory=list)
    strata: list[Stratum] = Field(default_factory=list)
    key: list[Task] = Field(default_factory=list)
    forced: list[Task] = Field(default_factory=list)
    selected: list[Pick] = Field(default_factory=list)
    alternates: list[Pick] = Field(default_factory=list)

    def tasks(self) -> list[str]:
        return (
            [t.id for t in self.key] + [t.id for t in self.forced] + [p.id for p in self.selected]
        )


class Replacement(Strict):
    entity: str = Field(title="被替换单位")
    replacement: str = Field(title="候补单位")
    reason: str = Field(title="理由")
    date: date
    recorded_at: datetime


class Replacements(Strict):
    draw_id: str
    replacements: list[Replacement] = Field(default_factory=list)


# ---------------------------------------------------------------- assignments


class AssignParameters(Strict):
    team_size: int = Field(title="每组执法人员数")
    experts: int = Field(0, title="每组专家数")
    scope: Literal["bureau", "department"] = Field(
        "bureau", title="范围", description="全局内随机 / 各股室内随机"
    )
    lead_department: bool = Field(False, title="主办科室在前")
    cross_region: bool = Field(False, title="所所交叉")
    rotation_years: int = Field(1, title="轮换年数")


class Member(Strict):
    id: str
    ticket: str
    load: int = Field(title="排序时的任务数")


class Assigned(Strict):
    entity: str
    ticket: str
    period: str | None = None
    inspectors: list[Member]
    experts: list[Member] = Field(default_factory=list)
    checklist: list[str] = Field(default_factory=list, title="检查事项编码")


class Round(Strict):
    """A later matching of the same draw: the tasks a replacement made after the assignment
    left without a team, matched with a fresh seed under the assignment's parameters."""

    assigned_at: datetime
    seed: str
    seed_source: str
    seed_generated: bool
    commit: str = Field(title="名录所在提交")
    rosters: dict[str, RosterRef]
    replacements: int = Field(title="计入的候补替换条数")
    history: list[str] = Field(default_factory=list, title="计入负荷与轮换的既往匹配")
    tasks: list[Assigned]


class Assignment(Strict):
    """The record of one assignment of inspectors to the tasks of one draw.

    Append-only: a later matching (`rounds`) is added at the end, the rest never changes.
    """

    kind: Literal["assignment"] = "assignment"
    algorithm: str = ALGORITHM
    draw_id: Id
    year: int
    assigned_at: datetime
    seed: str
    seed_source: str
    seed_generated: bool
    commit: str = Field(title="名录所在提交")
    rosters: dict[str, RosterRef]
    draw_sha256: str = Field(title="抽取记录的 SHA-256")
    history: list[str] = Field(default_factory=list, title="计入负荷与轮换的既往匹配")
    parameters: AssignParameters
    tasks: list[Assigned]
    rounds: list[Round] = Field(default_factory=list, title="补充匹配")

    def matched(self, rounds: int | None = None) -> list[Assigned]:
        """The tasks of the first matching and of the first `rounds` later ones (default all)."""
        later = self.rounds if rounds is None else self.rounds[:rounds]
        return self.tasks + [t for r in later for t in r.tasks]


class Substitution(Strict):
    task: str = Field(title="检查对象")
    inspector: str = Field(title="被替换人员")
    replacement: str = Field(title="替换人员")
    reason: str
    recorded_at: datetime


class Substitutions(Strict):
    draw_id: str
    substitutions: list[Substitution] = Field(default_factory=list)


# ---------------------------------------------------------------- light forms, for reading
#
# A record of a million-unit draw lists some 200,000 picks, and its assignment as many
# tasks: read back (verify, audit, the history of a later matching), each is a slotted
# object validated by pydantic by the same fields and rules, not a model with a dict and
# a set of its own (a fifth of the memory, twice as fast). They serialize to the same
# JSON; a record that fails them is validated by its model, which tells what is wrong.


@functools.cache
def _fields_of(view: type) -> Callable[[object], Any]:
    """The fields of a view class, read from any object in one call (a verify compares
    hundreds of thousands of entries)."""
    return attrgetter(*view.__dataclass_fields__)


class _View:
    """Equal to any entry with the same fields: its model, its view, a re-run's light task."""

    __slots__ = ()
    __pydantic_config__ = ConfigDict(extra="forbid")

    def __eq__(self, other: object) -> bool:
        fields = _fields_of(type(self))
        try:
            theirs = fields(other)
        except AttributeError:
            return NotImplemented
        return fields(self) == theirs

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        # Pickled as a call of the class with the fields' values, not as a frozen
        # dataclass's state set field by field: a kept matching of 20,000 tasks is read
        # back in 0.08 s instead of 0.13 s.
        values = _fields_of(type(self))(self)
        return (_by_name, (type(self), values)) if _keywords(type(self)) else (type(self), values)


@functools.cache
def _keywords(view: type) -> bool:
    return any(f.kw_only for f in view.__dataclass_fields__.values())


def _by_name(view: type, values: tuple) -> _View:
    """A view whose fields are keyword-only, made from their values in field order (the
    values of a view that was validated: a kept record)."""
    if not (isinstance(view, type) and issubclass(view, _View)):
        raise TypeError(f"not a view: {view!r}")
    made = object.__new__(view)
    for name, value in zip(view.__dataclass_fields__, values, strict=True):
        object.__setattr__(made, name, value)
    return made


@dataclass(frozen=True, slots=True, eq=False)
class PickView(_View):
    id: str
    ticket: str
    stratum: str
    period: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class TaskView(_View):
    id: str
    ticket: str
    period: str | None = None


class DrawView(Draw):
    """A Draw whose long lists are light (`PickView`, `TaskView`)."""

    key: list[TaskView] = Field(default_factory=list)
    forced: list[TaskView] = Field(default_factory=list)
    selected: list[PickView] = Field(default_factory=list)
    alternates: list[PickView] = Field(default_factory=list)

    @classmethod
    def in_parts(cls, data: Any) -> DrawView:
        """`data` validated a few thousand picks at a time (AssignmentView.in_parts)."""
        names = {"key": TaskView, "forced": TaskView, "selected": PickView, "alternates": PickView}
        if not isinstance(data, dict) or not all(isinstance(data.get(n, []), list) for n in names):
            return cls.model_validate(data)
        lists = {n: data.pop(n, []) for n in names}
        head = cls.model_validate(data)
        for name, adapter in names.items():
            setattr(head, name, _in_parts(adapter, lists[name]))
        return head


@dataclass(frozen=True, slots=True, eq=False)
class MemberView(_View):
    id: str
    ticket: str
    load: int


@dataclass(frozen=True, slots=True, eq=False, kw_only=True)
class AssignedView(_View):
    entity: str
    ticket: str
    period: str | None = None
    inspectors: list[MemberView]
    experts: list[MemberView] = field(default_factory=list)
    checklist: list[str] = field(default_factory=list)


class RoundView(Round):
    tasks: list[AssignedView]


class AssignmentView(Assignment):
    """An Assignment whose tasks are light (`AssignedView`), their repeated values shared."""

    tasks: list[AssignedView]
    rounds: list[RoundView] = Field(default_factory=list, title="补充匹配")

    def model_post_init(self, context: Any, /) -> None:
        _share(self.matched())

    @classmethod
    def in_parts(cls, data: Any) -> AssignmentView:
        """`data` (the record's JSON form, as parsed) validated a few thousand tasks at a
        time, each part's dictionaries dropped once made: never all of them and all the
        views at once. Consumes `data`; raises ValidationError as model_validate would."""
        rounds = data.get("rounds") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not all(
            isinstance(x, dict) and isinstance(x.get("tasks"), list)
            for x in [data, *(rounds if isinstance(rounds, list) else [])]
        ):
            return cls.model_validate(data)
        parts = [data, *rounds]
        tasks = [x.pop("tasks") for x in parts]
        for x in parts:
            x["tasks"] = []
        head = cls.model_validate(data)
        for done, entries in zip([head, *head.rounds], tasks, strict=True):
            done.tasks = _in_parts(AssignedView, entries)
        _share(head.matched())
        return head


def _share(tasks: list[AssignedView]) -> None:
    """One list per distinct checklist and one string per period and person, as the
    matching made them: a task's twenty codes are otherwise twenty strings of its own."""
    lists: dict[tuple[str, ...], list[str]] = {}
    texts: dict[str, str] = {}
    put = object.__setattr__  # views are frozen to their readers
    for task in tasks:
        put(task, "checklist", lists.setdefault(tuple(task.checklist), task.checklist))
        if task.period is not None:
            put(task, "period", texts.setdefault(task.period, task.period))
        for member in (*task.inspectors, *task.experts):
            put(member, "id", texts.setdefault(member.id, member.id))


_PART = 4096


@functools.cache
def list_of(kind: Any) -> TypeAdapter:
    """The validator of a list of `kind`, made when first used: a command that reads no
    record does not pay for building it."""
    return TypeAdapter(list[kind])


def _in_parts(view: type, entries: list) -> list:
    adapter = list_of(view)
    out: list = []
    for start in range(0, len(entries), _PART):
        part = entries[start : start + _PART]
        entries[start : start + _PART] = [None] * len(part)
        out += adapter.validate_python(part)
        del part
    return out


# The light form a record is read in (workspace/load.py Workspace.load_record).
VIEWS: dict[type, type] = {Draw: DrawView, Assignment: AssignmentView}
