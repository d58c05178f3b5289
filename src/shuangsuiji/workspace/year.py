"""The tasks of a plan year and the inspection records kept for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..core import followup
from ..core.followup import Due
from ..core.models import Entity
from ..core.problems import InputError, Problem
from ..core.recording import TaskRef
from ..core.results import DisclosureFile, RecordFile, RecordVersion
from ..core.selection import superseded
from .load import Workspace, load_model
from .records import (
    all_assignments,
    all_draws,
    draw_tasks,
    file_state,
    replacements_path,
    substitutions_path,
    teams,
)


@dataclass
class YearTasks:
    year: int
    tasks: dict[tuple[str, str], TaskRef] = field(default_factory=dict)  # (draw, entity)
    entities: dict[str, Entity] = field(default_factory=dict)
    unassigned: set[tuple[str, str]] = field(default_factory=set)

    def of(self, entity: str) -> list[TaskRef]:
        return [t for (_, e), t in self.tasks.items() if e == entity]


def year_tasks(ws: Workspace, year: int) -> YearTasks:
    """The tasks of the year's live draws, with their assigned teams (after substitutions).

    Made once per state of the files they come from: an audit asks for them for the caps
    and again for the results (records are parsed once per command, so the same record
    objects mean the same records; replacements and substitutions by their files' state)."""
    draws, assignments = all_draws(ws), all_assignments(ws)
    stamps = tuple(
        (
            file_state(replacements_path(ws, d.year, d.draw_id)),
            file_state(substitutions_path(ws, d.year, d.draw_id)),
        )
        for d in draws
        if d.year == year
    )
    key = (tuple(map(id, draws)), tuple(map(id, assignments)), stamps)
    memo = ws.__dict__.setdefault("_year_tasks", {})
    known = memo.get(year)
    if known is None or known[0] != key:
        # The records are kept with the result, so that their ids are not reused meanwhile.
        known = memo[year] = (key, (draws, assignments), _year_tasks(ws, year, draws, assignments))
    return known[2]


def _year_tasks(ws: Workspace, year: int, draws: list, assignments: list) -> YearTasks:
    gone = superseded(draws)
    assigned = {a.draw_id: a for a in assignments if a.year == year}
    out = YearTasks(year)
    # Thousands of tasks hold one checklist (staffing.Checklists): one tuple for each.
    checklists: dict[int, tuple[str, ...]] = {}
    for record in draws:
        if record.year != year or record.draw_id in gone:
            continue
        assignment = assigned.get(record.draw_id)
        team = teams(ws, assignment) if assignment else {}
        planned = {t.entity: t for t in assignment.matched()} if assignment else {}
        for spec in draw_tasks(ws, record):
            entity = spec.entity
            out.entities.setdefault(entity.id, entity)
            task = planned.get(entity.id)
            people = team.get(entity.id, [])
            n = len(task.inspectors) if task else 0
            out.tasks[(record.draw_id, entity.id)] = TaskRef(
                year=year,
                draw_id=record.draw_id,
                draw_date=record.date,
                entity=entity.id,
                name=entity.name,
                period=spec.period,
                officers=tuple(people[:n]),
                experts=tuple(people[n:]),
                checklist=_shared(checklists, task.checklist) if task else (),
            )
            if task is None:
                out.unassigned.add((record.draw_id, entity.id))
    return out


def _shared(made: dict[int, tuple[str, ...]], items: list[str]) -> tuple[str, ...]:
    """One tuple for each list (alive while the tasks are made, so its id is its own)."""
    found = made.get(id(items))
    if found is None:
        found = made[id(items)] = tuple(items)
    return found


def records_dir(ws: Workspace, year: int) -> Path:
    return ws.plan_dir(year) / "records"


def record_path(ws: Workspace, year: int, entity: str) -> Path:
    return records_dir(ws, year) / f"{entity}.yaml"


def load_record_file(ws: Workspace, path: Path) -> RecordFile:
    record = load_model(RecordFile, path, ws.rel(path))
    if record.entity != path.stem:
        raise InputError(
            Problem(
                file=ws.rel(path), field="entity", message=f"文件名与单位编号 {record.entity} 不符"
            )
        )
    return record


def load_records(ws: Workspace, year: int) -> dict[str, RecordFile]:
    """Every record file of the year, by unit."""
    out, problems = {}, []
    for path in sorted(records_dir(ws, year).glob("*.yaml")):
        try:
            record = load_record_file(ws, path)
        except InputError as exc:
            problems += exc.problems
            continue
        if record.year != year:
            problems.append(
                Problem(file=ws.rel(path), field="year", message=f"年度 {record.year} 与目录不符")
            )
            continue
        out[record.entity] = record
    if problems:
        raise InputError(problems)
    return out


def current_records(
    ws: Workspace, year: int, tasks: YearTasks | None = None
) -> dict[tuple[str, str], RecordVersion]:
    """The current version of the record of each live task of the year that has one."""
    tasks = tasks or year_tasks(ws, year)
    out = {}
    for entity, record in load_records(ws, year).items():
        for draw_id in record.draw_ids():
            if (draw_id, entity) in tasks.tasks:
                out[(draw_id, entity)] = record.current(draw_id)
    return out


def disclosures_dir(ws: Workspace, year: int) -> Path:
    return ws.plan_dir(year) / "disclosures"


def disclosure_path(ws: Workspace, year: int, day: date) -> Path:
    return disclosures_dir(ws, year) / f"{day.isoformat()}.yaml"


def load_disclosures(ws: Workspace, year: int) -> list[DisclosureFile]:
    out = []
    for path in sorted(disclosures_dir(ws, year).glob("*.yaml")):
        record = load_model(DisclosureFile, path, ws.rel(path))
        if record.date.isoformat() != path.stem or record.year != year:
            raise InputError(
                Problem(file=ws.rel(path), field="date", message="文件名、年度与其中的公开日期不符")
            )
        out.append(record)
    return sorted(out, key=lambda d: d.date)


def published(
    ws: Workspace, year: int, committed: Mapping[str, list[date]] | None = None
) -> dict[tuple[str, str], list[tuple[date, int]]]:
    """(draw, entity) -> [(publication day, record version)], oldest first.

    A publication counts from the later of the date it claims and the day it was recorded:
    its own stamp, and the day of the commit that added it when the audit knows it
    (`committed`: file -> the commit day of each publication).
    """
    from ..core.dates import judged_day

    out: dict[tuple[str, str], list[tuple[date, int]]] = {}
    for record in load_disclosures(ws, year):
        days = (committed or {}).get(ws.rel(disclosure_path(ws, year, record.date)), [])
        for n, publication in enumerate(record.publications):
            recorded = ws.clock.local(publication.published_at).date()
            if n < len(days):
                recorded = max(recorded, days[n])
            day = judged_day(record.date, recorded)
            for e in publication.entries:
                out.setdefault((e.draw_id, e.entity), []).append((day, e.version))
    return out


def disclosure_days(ws: Workspace, year: int) -> int:
    from ..core.planning import effective_rules
    from .records import load_plan

    return effective_rules(ws.config, load_plan(ws, year)).disclosure_days


@dataclass
class Entry:
    entity: str
    name: str
    draw_id: str
    version: int
    completed: date
    due: Due
    disclosed: date | None  # first publication of this task's result
    disclosed_version: int | None  # the latest version published
    state: str
    stale: bool  # amended after its last publication

    def as_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "completed": self.completed.isoformat(),
            "deadline": self.due.deadline.isoformat() if self.due.deadline else None,
            "disclosed": self.disclosed.isoformat() if self.disclosed else None,
            "overdue": followup.is_overdue(self.state),
            "name": self.name,
            "draw_id": self.draw_id,
            "version": self.version,
            "state": self.state,
            "stale": self.stale,
            "flag": self.due.flag,
        }


def disclosure_status(
    ws: Workspace,
    year: int,
    as_of: date | None = None,
    committed: Mapping[str, list[date]] | None = None,
) -> list[Entry]:
    """Every recorded task of the year, with its deadline and whether it was published."""
    from .calendars import load_calendar

    as_of = as_of or ws.clock.today()
    tasks = year_tasks(ws, year)
    current = current_records(ws, year, tasks)
    calendar = load_calendar(ws)
    days = disclosure_days(ws, year)
    done = published(ws, year, committed)
    out = []
    for key, version in current.items():
        task = tasks.tasks[key]
        due = followup.disclosure_due(version.end, calendar, days)
        history = [(d, v) for d, v in done.get(key, []) if d <= as_of]
        disclosed = min(d for d, _ in history) if history else None
        last = max(history)[1] if history else None
        out.append(
            Entry(
                entity=task.entity,
                name=task.name,
                draw_id=task.draw_id,
                version=version.version,
                completed=version.end,
                due=due,
                disclosed=disclosed,
                disclosed_version=last,
                state=followup.disclosure_state(due, disclosed, as_of),
                stale=last is not None and last != version.version,
            )
        )
    return sorted(out, key=lambda e: (e.due.deadline or date.max, e.completed, e.entity))
