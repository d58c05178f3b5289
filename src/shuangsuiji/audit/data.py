"""Everything the audit reads, read once: files validated (schema findings), records in order,
rosters, ssj.yaml and plans as they were at each recorded commit.

This is the only module of the audit besides `history` and `rerun` that touches files or git;
the checks in `rules` work on what it collects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..core.calendar import YearSchedule
from ..core.models import Config, Defaults, Entity, Inspector
from ..core.plan import Plan
from ..core.planning import effective_rules
from ..core.problems import InputError, Problem
from ..core.records import (
    Assignment,
    Cancellation,
    Draw,
    Prepared,
    Replacements,
    Substitutions,
)
from ..core.selection import current_picks, current_teams
from ..workspace import CONFIG, PLAN_DIR, LoadedRoster, Workspace
from ..workspace.load import parse_model as validated
from .findings import Finding, Lines, error

CALENDAR_DIR = "calendars"
SCHEMA_FIX = (
    "按字段说明（schemas/ 下的 JSON Schema）改正此处；名录可用 ssj roster check 列出全部问题"
)


@dataclass
class RecordFile:
    """One validated file: where it is (relative, and on disk) and its model. Its text is
    read again only when a finding needs a line number: the records of a million-unit
    year are hundreds of MB of text."""

    path: str
    source: Path
    model: Any
    _lines: Lines | None = None

    @property
    def text(self) -> str:
        return self.source.read_bytes().decode("utf-8-sig", "replace")

    def line(self, key: str, value: str) -> int | None:
        if self._lines is None:
            self._lines = Lines(self.text)
        return self._lines.of(key, value)


@dataclass
class AuditData:
    ws: Workspace
    as_of: date
    config: Config | None = None
    rosters: dict[str, LoadedRoster] = field(default_factory=dict)
    roster_files: dict[str, RecordFile] = field(default_factory=dict)
    plans: dict[int, RecordFile] = field(default_factory=dict)
    draws: list[RecordFile] = field(default_factory=list)  # Draw, oldest first
    prepared: dict[str, RecordFile] = field(default_factory=dict)  # by draw id
    cancelled: dict[str, RecordFile] = field(default_factory=dict)  # by draw id
    replacements: dict[str, RecordFile] = field(default_factory=dict)  # by draw id
    assignments: list[RecordFile] = field(default_factory=list)  # Assignment, oldest first
    substitutions: dict[str, RecordFile] = field(default_factory=dict)  # by draw id
    calendars: list[YearSchedule] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)  # files that failed validation
    findings: list[Finding] = field(default_factory=list)  # schema findings
    entry_days: dict[str, list[date]] = field(default_factory=dict)  # history.entry_days
    _at: dict[tuple, Any] = field(default_factory=dict)

    # -- the records, as the rules see them

    def superseded(self) -> set[str]:
        return {d.model.redraw_of for d in self.draws if d.model.redraw_of}

    def live_draws(self) -> list[RecordFile]:
        gone = self.superseded()
        return [d for d in self.draws if d.model.draw_id not in gone]

    def live_assignments(self) -> list[RecordFile]:
        gone = self.superseded()
        return [a for a in self.assignments if a.model.draw_id not in gone]

    def draw(self, draw_id: str) -> RecordFile | None:
        return next((d for d in self.draws if d.model.draw_id == draw_id), None)

    def swaps(self, draw_id: str) -> list:
        found = self.replacements.get(draw_id)
        return list(found.model.replacements) if found else []

    def selection(self, record: Draw) -> dict[str, str | None]:
        """Randomly drawn units after replacements: {unit: the drawn unit it replaced or None}."""
        picks = current_picks(record, self.swaps(record.draw_id))
        return {unit: (pick.id if unit != pick.id else None) for unit, pick in picks.items()}

    def tasks(self, record: Draw) -> set[str]:
        return {t.id for t in record.key + record.forced} | set(self.selection(record))

    def teams(self, record: Assignment) -> dict[str, list[str]]:
        """Each task's people (officers first, then experts) after substitutions."""
        found = self.substitutions.get(record.draw_id)
        return current_teams(record, found.model.substitutions if found else [])

    # -- files as they were at a commit (cached for the run)

    def entities_at(self, commit: str) -> dict[str, Entity] | None:
        return self._roster_at("entities", commit)

    def inspectors_at(self, commit: str) -> dict[str, Inspector] | None:
        return self._roster_at("inspectors", commit)

    def _roster_at(self, kind: str, commit: str) -> dict | None:
        key = ("roster", kind, commit)
        if key not in self._at:
            try:
                rows = self.ws.roster_at(kind, commit).rows
                ident = "code" if kind == "items" else "id"
                self._at[key] = {getattr(r, ident): r for r in rows}
            except (InputError, ValueError):
                self._at[key] = None
        return self._at[key]

    def config_at(self, commit: str) -> Config | None:
        key = ("config", commit)
        if key not in self._at:
            self._at[key] = self._model_at(Config, commit, CONFIG)
        return self._at[key] or self.config

    def plan_at(self, commit: str, year: int) -> Plan | None:
        key = ("plan", commit, year)
        if key not in self._at:
            self._at[key] = self._model_at(Plan, commit, f"{PLAN_DIR}/{year}/plan.yaml")
        return self._at[key]

    def rules_at(self, commit: str, year: int) -> Defaults:
        return effective_rules(self.config_at(commit), self.plan_at(commit, year))

    def _model_at(self, model: type[BaseModel], commit: str, path: str) -> Any:
        raw = self.ws.git.show(commit, path)
        if raw is None:
            return None
        return parse_model(model, raw, self.ws.root)

    def current_rules(self, year: int) -> Defaults:
        plan = self.plans.get(year)
        return effective_rules(self.config, plan.model if plan else None)


def parse_model(model: type[BaseModel], raw: bytes, cache: Path | None = None) -> Any:
    """A model from a file's bytes, or None when it does not validate; with `cache` (a
    workspace root), as workspace.load keeps it."""
    try:
        return validated(model, raw, "", cache)
    except InputError:
        return None


# ------------------------------------------------------------------ loading


def load(ws: Workspace, as_of: date) -> AuditData:
    """Read and validate every file of the workspace; each problem becomes a schema finding."""
    data = AuditData(ws=ws, as_of=as_of)
    try:
        data.config = ws.config
    except InputError as exc:
        _problems(data, exc.problems, CONFIG)
    for kind in ("entities", "inspectors", "items"):
        _load_roster(data, kind)
    plan_root = ws.root / PLAN_DIR
    for path in sorted(plan_root.glob("*/plan.yaml")):
        _load_plan(data, path)
    for path in sorted(plan_root.glob("*/draws/*.yaml")):
        _load_draw_file(data, path)
    for path in sorted(plan_root.glob("*/assignments/*.yaml")):
        _load_assignment_file(data, path)
    data.draws.sort(key=lambda r: (r.model.drawn_at, r.model.draw_id))
    data.assignments.sort(key=lambda r: (r.model.assigned_at, r.model.draw_id))
    folder = ws.root / CALENDAR_DIR
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        found = _load(data, YearSchedule, path)
        if found and path.stem != str(found.model.year):
            _bad(data, found.path, f"年份 {found.model.year} 与文件名不符", line=1)
        elif found:
            data.calendars.append(found.model)
    return data


def _problems(data: AuditData, problems: Iterable[Problem], file: str) -> None:
    for p in problems:
        where = p.file or file
        data.invalid.add(where.split("@")[0])
        message = (f"字段“{p.field}”：" if p.field else "") + p.message
        if p.row is not None:
            message = f"第 {p.row} 行，{message}"
        data.findings.append(error("schema", where, message, SCHEMA_FIX, line=p.line))


def _bad(data: AuditData, path: str, message: str, line: int | None = None) -> None:
    data.invalid.add(path)
    data.findings.append(error("schema", path, message, SCHEMA_FIX, line=line))


def _load(data: AuditData, model: type[BaseModel], path: Path) -> RecordFile | None:
    """One file validated, each problem a schema finding with its line.

    Parsed through the workspace's record cache, so that the re-run (`verify_all`) and the
    services of records read each file once per audit.
    """
    label = data.ws.rel(path)
    try:
        value = data.ws.load_record(model, path)
    except InputError as exc:
        _problems(data, exc.problems, label)
        return None
    return RecordFile(label, path, value)


def _load_roster(data: AuditData, kind: str) -> None:
    path = data.ws.roster_path(kind)
    label = data.ws.rel(path) if path.exists() else f"rosters/{kind}.yaml"
    if not path.is_file():
        _bad(data, label, "名录文件不存在")
        return
    try:
        roster = data.ws.roster(kind)  # parsed once per content, shared with roster_at
    except InputError as exc:
        _problems(data, exc.problems, label)
        return
    data.rosters[kind] = roster
    data.roster_files[kind] = RecordFile(label, path, roster)


def _load_plan(data: AuditData, path: Path) -> None:
    found = _load(data, Plan, path)
    if found is None:
        return
    folder = path.parent.name
    if folder != str(found.model.year):
        _bad(data, found.path, f"方案年度 {found.model.year} 与目录 {folder} 不符", line=None)
        return
    data.plans[found.model.year] = found


def _name_matches(data: AuditData, found: RecordFile, path: Path, draw_id: str) -> bool:
    folder = path.parent.parent.name
    year = getattr(found.model, "year", None)
    if path.name.split(".")[0] != draw_id:
        _bad(data, found.path, f"记录中的抽取编号“{draw_id}”与文件名不符（R14：记录不得改名）")
        return False
    if year is not None and folder != str(year):
        _bad(data, found.path, f"记录中的年度 {year} 与目录 {folder} 不符")
        return False
    return True


def _load_draw_file(data: AuditData, path: Path) -> None:
    name = path.name
    if name.endswith(".prepared.yaml"):
        found = _load(data, Prepared, path)
        if found and _name_matches(data, found, path, found.model.draw_id):
            data.prepared[found.model.draw_id] = found
    elif name.endswith(".cancelled.yaml"):
        found = _load(data, Cancellation, path)
        if found and _name_matches(data, found, path, found.model.draw_id):
            data.cancelled[found.model.draw_id] = found
    elif name.endswith(".replacements.yaml"):
        found = _load(data, Replacements, path)
        if found and _name_matches(data, found, path, found.model.draw_id):
            data.replacements[found.model.draw_id] = found
    else:
        found = _load(data, Draw, path)
        if found and _name_matches(data, found, path, found.model.draw_id):
            data.draws.append(found)


def _load_assignment_file(data: AuditData, path: Path) -> None:
    if path.name.endswith(".substitutions.yaml"):
        found = _load(data, Substitutions, path)
        if found and _name_matches(data, found, path, found.model.draw_id):
            data.substitutions[found.model.draw_id] = found
    else:
        found = _load(data, Assignment, path)
        if found and _name_matches(data, found, path, found.model.draw_id):
            data.assignments.append(found)
