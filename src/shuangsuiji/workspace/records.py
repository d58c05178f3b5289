"""The generated records of a workspace, read: draws, their replacements, assignments,
their substitutions, and the tasks a draw gives. Files are named here, once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..core import algorithm, values
from ..core.problems import InputError, Problem
from ..core.selection import current_picks, current_teams, superseded
from ..storage import yamlio
from .layout import GENERATED_HEADER  # noqa: F401  (records are named by it here too)
from .load import PLAN_DIR, PLAN_MODEL, Workspace, load_model

# The records' models are imported where a record is read: a draw that reads none (the
# first of a year, its cache warm) imports no pydantic.
if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..core.models import Entity
    from ..core.plan import Plan
    from ..core.records import Assignment, Draw, Replacements, Substitutions

M = TypeVar("M", bound="BaseModel")


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
        from ..core.plan import Plan

        return Plan(year=year)
    plan = load_model(PLAN_MODEL, path, f"{PLAN_DIR}/{year}/plan.yaml", cache=ws.root)
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
    from ..core.records import Draw

    return ws.load_record(Draw, path)


def find_draw(ws: Workspace, draw_id: str) -> Draw:
    check_draw_id(draw_id)  # also makes the glob below match this one file name only
    for path in (ws.root / PLAN_DIR).glob(f"*/draws/{draw_id}.yaml"):
        return load_record(ws, path)
    raise InputError(f"没有编号为“{draw_id}”的抽取记录")


def load_replacements(ws: Workspace, record: Draw, at: str | None = None) -> Replacements:
    from ..core.records import Replacements

    """A draw's replacements: as on disk, or (`at`) as committed at that commit."""
    path = replacements_path(ws, record.year, record.draw_id)
    if at is not None:
        return model_at(ws, Replacements, path, at) or Replacements(draw_id=record.draw_id)
    if not path.is_file():
        return Replacements(draw_id=record.draw_id)
    return load_model(Replacements, path, ws.rel(path))


def current_selection(ws: Workspace, record: Draw, at: str | None = None) -> set[str]:
    """The units a draw randomly selected, after its replacements (chains followed)."""
    return set(current_picks(record, load_replacements(ws, record, at).replacements))


def other_tasks(ws: Workspace, record: Draw, at: str | None = None) -> set[str]:
    """Units another live draw of the record's year has as a task (key, forced, or selected
    after its replacements): on disk, or (`at`) among the draws committed at that commit."""
    draws = [
        d
        for d in all_draws(ws)
        if d.year == record.year
        and (at is None or blob_at(ws, record_path(ws, d.year, d.draw_id), at) is not None)
    ]
    gone = superseded(draws)
    out: set[str] = set()
    for other in draws:
        if other.draw_id != record.draw_id and other.draw_id not in gone:
            out |= {t.id for t in other.key + other.forced} | current_selection(ws, other, at)
    return out


# A joint task (workspace/joint.py) is a file of its own; its draw is an ordinary draw.
def joint_dir(ws: Workspace, year: int) -> Path:
    return ws.plan_dir(year) / "joint"


def joint_path(ws: Workspace, year: int, joint_id: str) -> Path:
    return joint_dir(ws, year) / f"{joint_id}.yaml"


def joint_ids(ws: Workspace) -> frozenset[str]:
    """The draw ids that are joint draws (a joint task's id is its draw's)."""
    return frozenset(p.stem for p in (ws.root / PLAN_DIR).glob("*/joint/*.yaml"))


def assignment_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return ws.plan_dir(year) / "assignments" / f"{draw_id}.yaml"


def substitutions_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return ws.plan_dir(year) / "assignments" / f"{draw_id}.substitutions.yaml"


def all_assignments(ws: Workspace) -> list[Assignment]:
    from ..core.records import Assignment

    found = []
    for path in sorted((ws.root / PLAN_DIR).glob("*/assignments/*.yaml")):
        if not path.name.endswith(".substitutions.yaml"):
            found.append(ws.load_record(Assignment, path))
    return sorted(found, key=lambda a: (a.assigned_at, a.draw_id))


def load_substitutions(ws: Workspace, record: Assignment, at: str | None = None) -> Substitutions:
    from ..core.records import Substitutions

    path = substitutions_path(ws, record.year, record.draw_id)
    if at is not None:
        return model_at(ws, Substitutions, path, at) or Substitutions(draw_id=record.draw_id)
    if not path.is_file():
        return Substitutions(draw_id=record.draw_id)
    return load_model(Substitutions, path, ws.rel(path))


def assignment_at(ws: Workspace, record: Assignment, at: str | None) -> Assignment | None:
    from ..core.records import Assignment

    """An assignment record as committed at `at` (its later matchings not yet added)."""
    if at is None:
        return record
    return model_at(ws, Assignment, assignment_path(ws, record.year, record.draw_id), at)


def teams(
    ws: Workspace, record: Assignment, at: str | None = None, rounds: int | None = None
) -> dict[str, list[str]]:
    """Each task's people (officers and experts) after substitutions: on disk, or (`at`) as
    committed at that commit; with `rounds`, only the first matching and that many later ones."""
    then = assignment_at(ws, record, at)
    if then is None:
        return {}
    return current_teams(then, load_substitutions(ws, record, at).substitutions, rounds)


@dataclass
class TaskSpec:
    entity: Entity
    period: str | None


def draw_tasks(ws: Workspace, record: Draw, at: str | None = None) -> list[TaskSpec]:
    """Key, forced and drawn units of a draw, replacements applied (on disk, or as committed
    at `at`), with their periods."""
    # Asked for by the re-run and by each yearly view of the audit, of the same record
    # object (records are parsed once per command): made once per state of its
    # replacements on disk, or per commit.
    swaps = file_state(replacements_path(ws, record.year, record.draw_id)) if at is None else None
    key = (id(record), at, swaps)
    memo = ws.__dict__.setdefault("_draw_tasks", {})
    known = memo.get(key)
    if known is None or known[0] is not record:
        ref = record.rosters.get("entities")
        entities = ws.roster_at("entities", record.commit, ref.sha256 if ref else None).rows
        periods = task_periods(ws, record, at)
        found = {e.id: e for e in entities if e.id in periods}
        known = memo[key] = (record, [TaskSpec(found[i], periods[i]) for i in sorted(periods)])
    return list(known[1])


def task_periods(ws: Workspace, record: Draw, at: str | None = None) -> dict[str, str | None]:
    """{unit: its period} of the tasks of draw_tasks(), from the records alone."""
    periods = {t.id: t.period for t in record.key + record.forced}
    picks = current_picks(record, load_replacements(ws, record, at).replacements)
    periods.update({unit: pick.period for unit, pick in picks.items()})
    return periods


def file_state(path: Path) -> tuple[int, int] | None:
    """A file's state for a memo: (mtime, size), or None when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


# ---------------------------------------------------------------- records as of a commit
#
# A record is re-run with the files as they were when it was committed: a replacement or a
# later matching made afterwards never changes what an earlier record was computed from.


def versions(ws: Workspace, path: Path) -> list[tuple[str, str]]:
    """The commits that added or changed a record file, oldest first, with its blob there."""
    memo = ws.__dict__.get("_record_versions")
    if memo is None:
        memo = {}
        for commit in ws.git.file_history(PLAN_DIR):
            for change in commit.changes:
                if change.status != "D" and change.new_blob:
                    memo.setdefault(change.new_path, []).append((commit.sha, change.new_blob))
        ws.__dict__["_record_versions"] = memo
    return memo.get(ws.rel(path), [])


def added_in(ws: Workspace, path: Path) -> str | None:
    """The commit that first added a record file; None while it is not committed."""
    found = versions(ws, path)
    return found[0][0] if found else None


def entry_added_in(ws: Workspace, path: Path, key: str, index: int) -> str | None:
    """The commit that added entry `index` (from 0) of the list `key` of a growing record
    file; None while that entry is not committed."""
    memo = ws.__dict__.setdefault("_entry_counts", {})
    if (path, key) not in memo:
        found = versions(ws, path)
        contents = ws.git.blobs([blob for _, blob in found])
        counts = []
        for sha, blob in found:
            document = yamlio.parse(contents.get(blob, b"").decode("utf-8-sig"), ws.rel(path))
            entries = document.get(key) if isinstance(document, dict) else None
            counts.append((sha, len(entries) if isinstance(entries, list) else 0))
        memo[path, key] = counts
    return next((sha for sha, count in memo[path, key] if count > index), None)


def blob_at(ws: Workspace, path: Path, commit: str) -> str | None:
    """The blob of a draw or assignment record file at a commit, or None when not there."""
    memo = ws.__dict__.setdefault("_blobs_at", {})
    if commit not in memo:
        # One ls-tree per commit for every such file there is now.
        plans = ws.root / PLAN_DIR
        found = sorted(plans.glob("*/draws/*.yaml")) + sorted(plans.glob("*/assignments/*.yaml"))
        files = [ws.rel(p) for p in found]
        memo[commit] = ws.git.blob_ids(commit, files) if files else {}
    return memo[commit].get(ws.rel(path))


def model_at(ws: Workspace, model: type[M], path: Path, commit: str) -> M | None:
    """A record file as committed at `commit`, validated; None when it was not there."""
    blob = blob_at(ws, path, commit)
    if blob is None:
        return None
    memo = ws.__dict__.setdefault("_models_at", {})
    if (model, blob) not in memo:
        from pydantic import ValidationError

        label = f"{ws.rel(path)}@{commit[:10]}"
        raw = ws.git.blobs([blob]).get(blob, b"")
        try:
            memo[model, blob] = model.model_validate(
                yamlio.parse(raw.decode("utf-8-sig"), label) or {}
            )
        except ValidationError as exc:
            raise InputError(Problem(file=label, message=f"不符合记录格式：{exc}")) from None
    return memo[model, blob]
