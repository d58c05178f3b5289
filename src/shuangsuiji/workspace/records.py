"""The generated records of a workspace, read: draws, their replacements, assignments,
their substitutions, and the tasks a draw gives. Files are named here, once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core import algorithm, values
from ..core.models import Entity
from ..core.plan import Plan
from ..core.problems import InputError
from ..core.records import Assignment, Draw, Replacements, Substitutions
from .load import PLAN_DIR, Workspace, load_model

GENERATED_HEADER = "# 由 ssj 生成，提交后不得修改（ssj audit 会核对）。\n"


# A draw id is also a file name (plans/<year>/draws/<id>.yaml): letters (汉字 too), digits,
# "-" and "_" only, so that no id reaches another folder or another record's file
# ("2026-1.prepared" would be the prepared file of 2026-1), on Windows as on Linux.
_DRAW_ID = re.compile(r"[^\W_][\w-]{0,63}")


_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)}
)


def check_draw_id(value: str, what: str = "抽取编号") -> str:
    algorithm.check_id(value, what)
    if value.lower() in _WINDOWS_DEVICES:
        raise InputError(f"{what}“{value}”是 Windows 的保留设备名，不能用作记录的文件名")
    if not _DRAW_ID.fullmatch(value):
        raise InputError(
            f"{what}“{values.shown(value)}”无效：只能由字母、数字、汉字、“-”和“_”组成，"
            "以字母、数字或汉字开头，最多 64 个字符（它也是记录的文件名）"
        )
    return value


def draws_dir(ws: Workspace, year: int) -> Path:
    return ws.plan_dir(year) / "draws"


def record_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return draws_dir(ws, year) / f"{draw_id}.yaml"


def prepared_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return draws_dir(ws, year) / f"{draw_id}.prepared.yaml"


def cancelled_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return draws_dir(ws, year) / f"{draw_id}.cancelled.yaml"


def replacements_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return draws_dir(ws, year) / f"{draw_id}.replacements.yaml"


def load_plan(ws: Workspace, year: int) -> Plan:
    low, high = 2000, 2100  # the bounds of Plan.year
    if not low <= year <= high:
        raise InputError(f"年度“{year}”无效：应在 {low} 至 {high} 年之间")
    path = ws.plan_dir(year) / "plan.yaml"
    if not path.is_file():
        return Plan(year=year)
    plan = load_model(Plan, path, f"{PLAN_DIR}/{year}/plan.yaml")
    if plan.year != year:
        raise InputError(f"{PLAN_DIR}/{year}/plan.yaml 中的年度是 {plan.year}，与目录不符")
    return plan


# Files beside a draw's record in draws/: its prepared draw, its cancellation, replacements.
COMPANIONS = (".prepared.yaml", ".cancelled.yaml", ".replacements.yaml")


def all_draws(ws: Workspace) -> list[Draw]:
    """Every draw record of the workspace, oldest first."""
    found = []
    for path in sorted((ws.root / PLAN_DIR).glob("*/draws/*.yaml")):
        if path.name.endswith(COMPANIONS):
            continue
        found.append(load_record(ws, path))
    return sorted(found, key=lambda d: (d.drawn_at, d.draw_id))


def load_record(ws: Workspace, path: Path) -> Draw:
    return ws.load_record(Draw, path)


def find_draw(ws: Workspace, draw_id: str) -> Draw:
    check_draw_id(draw_id)  # also makes the glob below match this one file name only
    for path in (ws.root / PLAN_DIR).glob(f"*/draws/{draw_id}.yaml"):
        return load_record(ws, path)
    raise InputError(f"没有编号为“{draw_id}”的抽取记录")


def load_replacements(ws: Workspace, record: Draw) -> Replacements:
    path = replacements_path(ws, record.year, record.draw_id)
    if not path.is_file():
        return Replacements(draw_id=record.draw_id)
    return load_model(Replacements, path, ws.rel(path))


def current_selection(ws: Workspace, record: Draw) -> set[str]:
    selected = {p.id for p in record.selected}
    for swap in load_replacements(ws, record).replacements:
        selected.discard(swap.entity)
        selected.add(swap.replacement)
    return selected


def assignment_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return ws.plan_dir(year) / "assignments" / f"{draw_id}.yaml"


def substitutions_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return ws.plan_dir(year) / "assignments" / f"{draw_id}.substitutions.yaml"


def all_assignments(ws: Workspace) -> list[Assignment]:
    found = []
    for path in sorted((ws.root / PLAN_DIR).glob("*/assignments/*.yaml")):
        if not path.name.endswith(".substitutions.yaml"):
            found.append(ws.load_record(Assignment, path))
    return sorted(found, key=lambda a: (a.assigned_at, a.draw_id))


def load_substitutions(ws: Workspace, record: Assignment) -> Substitutions:
    path = substitutions_path(ws, record.year, record.draw_id)
    if not path.is_file():
        return Substitutions(draw_id=record.draw_id)
    return load_model(Substitutions, path, ws.rel(path))


def teams(ws: Workspace, record: Assignment) -> dict[str, list[str]]:
    """Each task's people (officers and experts) after substitutions."""
    out = {t.entity: [m.id for m in t.inspectors + t.experts] for t in record.tasks}
    for sub in load_substitutions(ws, record).substitutions:
        team = out[sub.task]
        team[team.index(sub.inspector)] = sub.replacement
    return out


@dataclass
class TaskSpec:
    entity: Entity
    period: str | None


def draw_tasks(ws: Workspace, record: Draw) -> list[TaskSpec]:
    """Key, forced and drawn units of a draw, replacements applied, with their periods."""
    entities = {e.id: e for e in ws.roster_at("entities", record.commit).rows}
    periods = {t.id: t.period for t in record.key + record.forced}
    periods.update({p.id: p.period for p in record.selected})
    for swap in load_replacements(ws, record).replacements:
        periods[swap.replacement] = periods.pop(swap.entity)
    live = {t.id for t in record.key + record.forced} | current_selection(ws, record)
    return [TaskSpec(entities[i], periods[i]) for i in sorted(live)]
