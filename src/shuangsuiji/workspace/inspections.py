"""The year's inspection ledger (检查台账) read in one place: ssj's own tasks from their
records, and the imported plans/<year>/ledger.yaml. The draw, the audit and the reports
all read it through here; the draw (and its re-run) reads it as committed at its commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.eligibility import PastTask
from ..core.planning import effective_caps, effective_rules
from ..core.problems import InputError, Problem
from ..core.selection import superseded
from ..storage import yamlio
from .load import PLAN_DIR, PLAN_MODEL, Workspace, load_model, parse_model
from .records import all_draws, load_plan

# The ledger's models are imported where a ledger is read: a draw in a workspace with no
# ledger and no cap table (the first of a year, its cache warm) imports no pydantic.
if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..core.inspections import Cap, CapState, Inspection, LedgerFile
    from ..core.models import Caps, Config, Entity

LEDGER_HEADER = (
    "# 检查台账：其他部门、其他层级和 ssj 之外的检查（ssj ledger import 导入）。\n"
    "# ssj 自己的任务不在此文件中：它们由检查记录自动计入台账（ssj ledger show）。\n"
    "# 可审阅、更正后提交；抽取前须已提交（频次上限按抽取时提交的台账计算）。\n"
)
OWN = "检查记录"  # the source of a row that comes from one of ssj's records
IMPORTED = "台账导入"


def ledger_file(year: int) -> str:
    return f"{PLAN_DIR}/{year}/ledger.yaml"


def ledger_path(ws: Workspace, year: int) -> Path:
    return ws.plan_dir(year) / "ledger.yaml"


def _show(ws: Workspace, commit: str, relative: str) -> bytes | None:
    """A file at a commit, read once per command (many draws share one commit)."""
    memo = ws.__dict__.setdefault("_inspection_inputs_at", {})
    if (commit, relative) not in memo:
        memo[commit, relative] = ws.git.show(commit, relative)
    return memo[commit, relative]


def _parsed(model: type[BaseModel], raw: bytes, label: str) -> BaseModel:
    from pydantic import ValidationError

    from ..core.models import describe

    try:
        return model.model_validate(yamlio.parse(raw.decode("utf-8-sig"), label) or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(Problem(file=label, message=describe(first))) from None


def _ledger(ws: Workspace, year: int, commit: str | None) -> LedgerFile | None:
    """The year's ledger file, validated and checked: on disk, or (`commit`) as committed
    there; None when there is none (then no model is made)."""
    relative = ledger_file(year)
    path = ledger_path(ws, year)
    raw = None if commit is None else _show(ws, commit, relative)
    missing = not path.is_file() if commit is None else raw is None
    if missing:
        return None
    from ..core.inspections import LedgerFile

    if commit is None:
        found = load_model(LedgerFile, path, relative)
    else:
        found = _parsed(LedgerFile, raw, f"{relative}@{commit[:10]}")
    if found.year != year:
        raise InputError(Problem(file=relative, field="year", message="年度与目录不符"))
    wrong = [r for r in found.inspections if r.date.year != year]
    if wrong:
        raise InputError(
            Problem(
                file=relative,
                field="检查日期",
                message=f"{wrong[0].entity} 的检查日期 {wrong[0].date} 不在 {year} 年度",
            )
        )
    return found


def load_ledger(ws: Workspace, year: int, commit: str | None = None) -> LedgerFile:
    """The imported rows of a year: on disk, or (`commit`) as committed there; none when
    there is no file."""
    from ..core.inspections import LedgerFile

    found = _ledger(ws, year, commit)
    return found if found is not None else LedgerFile(year=year)


def caps_in_force(
    ws: Workspace, year: int, commit: str | None = None
) -> tuple[Caps | None, Config]:
    """The cap table of a year and the ssj.yaml it was read with: now, or as committed."""
    if commit is None:
        return effective_caps(ws.config, load_plan(ws, year)), ws.config
    config = ws.config_at(commit)
    plan_raw = _show(ws, commit, f"{PLAN_DIR}/{year}/plan.yaml")
    label = f"{PLAN_DIR}/{year}/plan.yaml@{commit[:10]}"
    # Read as the current plan is, through the cache (a light form when kept).
    plan = parse_model(PLAN_MODEL, plan_raw, label, ws.root) if plan_raw is not None else None
    return effective_caps(config, plan), config


# ------------------------------------------------------------------ the draw


def capped_units(
    ws: Workspace,
    year: int,
    entities: Sequence[Entity],
    history: Sequence[PastTask],
    default_cap: int,
    level: str,
    commit: str | None = None,
) -> frozenset[str] | None:
    """The units already at their cap for the year, counting ssj's tasks of the year (from
    `history`) and every imported inspection, the ledger and cap table as on disk or as
    committed at `commit`. None when the workspace has neither: the yearly cap then counts
    ssj's own tasks, as it always has."""
    ledger = _ledger(ws, year, commit)
    imported = ledger.inspections if ledger is not None else []
    caps, config = caps_in_force(ws, year, commit)
    if caps is None and not imported:
        return None
    from ..core.inspections import at_cap, own_inspection

    own = [
        own_inspection(t.entity, t.day, t.random, config.authority, level)
        for t in history
        if t.year == year
    ]
    return at_cap(entities, own + list(imported), caps, default_cap)


# ------------------------------------------------------------------ the year's ledger


@dataclass(frozen=True)
class Entry:
    """A row of the year's ledger, and where it comes from."""

    inspection: Inspection
    source: str  # OWN or IMPORTED
    draw_id: str | None = None


@dataclass
class YearLedger:
    year: int
    entries: list[Entry]
    caps: Caps | None
    default_cap: int
    entities: dict[str, Entity]
    file: str  # the imported rows' file, relative

    @property
    def inspections(self) -> list[Inspection]:
        return [e.inspection for e in self.entries]

    def of(self, entity: str) -> list[Entry]:
        return [e for e in self.entries if e.inspection.entity == entity]

    def cap(self, entity: str) -> Cap:
        from ..core.inspections import cap_of

        return cap_of(self.entities.get(entity), self.caps, self.default_cap)

    def states(self) -> dict[str, CapState]:
        from ..core.inspections import cap_states

        return cap_states(self.inspections, self.entities, self.caps, self.default_cap)


def own_entries(ws: Workspace, year: int) -> list[Entry]:
    """ssj's tasks of the year that have a record: dated by the end of the inspection."""
    from ..core.inspections import own_inspection
    from .year import current_records, year_tasks  # not needed by the draw's cap check

    draws = all_draws(ws)
    gone = superseded(draws)
    fixed = {
        d.draw_id: {t.id for t in d.key + d.forced}
        for d in draws
        if d.year == year and d.draw_id not in gone
    }
    config = ws.config
    out = []
    joint = joint_visits(ws, year, gone)
    for (draw_id, entity), version in current_records(ws, year, year_tasks(ws, year)).items():
        if draw_id in joint:
            out += joint_entry(joint[draw_id], entity, config.level)
            continue
        random = entity not in fixed.get(draw_id, set())
        row = own_inspection(
            entity, version.end, random, config.authority, config.level, f"抽取 {draw_id}"
        )
        out.append(Entry(row, OWN, draw_id))
    return out


def joint_visits(ws: Workspace, year: int, gone: set[str]) -> dict[str, tuple]:
    """The year's drawn joint tasks: id -> (task, {entity: visit})."""
    from .joint import all_joints, joint_draw, visits

    out = {}
    for task in all_joints(ws, year):
        record = joint_draw(ws, task)
        if record is not None and record.draw_id not in gone:
            out[task.id] = (task, {v.entity: v for v in visits(ws, task)})
    return out


def joint_entry(joint: tuple, entity: str, level: str) -> list[Entry]:
    """A joint visit enters the ledger once, as 联合检查 by all its departments, when every
    department has recorded its part: dated by the last day of the visit."""
    from ..core.inspections import JOINT, Inspection

    task, by_entity = joint
    visit = by_entity.get(entity)
    if visit is None or not visit.complete:
        return []
    row = Inspection(
        entity=entity,
        date=visit.end,
        type=JOINT,
        authority="、".join(task.authorities()),
        level=level,
        note=f"联合抽查 {task.id}",
    )
    return [Entry(row, OWN, task.id)]


def merged(own: Iterable[Entry], imported: Iterable[Inspection]) -> list[Entry]:
    """Own rows and imported ones, an imported row that repeats an own one (same unit, day,
    authority and 文号) left out: the same inspection is counted once."""
    from ..core.inspections import sort_key

    own = list(own)
    seen = {e.inspection.key() for e in own}
    rows = own + [Entry(r, IMPORTED) for r in imported if r.key() not in seen]
    return sorted(rows, key=lambda e: sort_key(e.inspection))


def year_ledger(ws: Workspace, year: int) -> YearLedger:
    """Every inspection of the year known to the workspace, with the caps in force."""
    caps, _ = caps_in_force(ws, year)
    rules = effective_rules(ws.config, load_plan(ws, year))
    entries = merged(own_entries(ws, year), load_ledger(ws, year).inspections)
    return YearLedger(
        year=year,
        entries=entries,
        caps=caps,
        default_cap=rules.yearly_cap,
        entities={e.id: e for e in ws.roster("entities").rows},
        file=ledger_file(year),
    )


def ledger_text(ledger: LedgerFile) -> str:
    """The file as ssj writes it: the header, then the rows in date order."""
    data = ledger.model_dump(mode="json", exclude_none=True)
    return yamlio.dump_fast(data, LEDGER_HEADER)
