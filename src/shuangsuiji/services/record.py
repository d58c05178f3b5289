"""Recording inspections (ssj record): tasks of a year, records, amendments, bulk input.

A task is a unit of a live (not superseded) draw of the year, staffed by its assignment.
Its record is `plans/<year>/records/<entity>.yaml` (`core.results.RecordFile`), a list
of versions to which ssj only ever appends: the bytes already in the file stay as they
are, and a new version is the old file plus the new entry. Everything is validated
before anything is written; every problem of every row is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core import recording
from ..core.models import Inspector, Item, describe, row_problems
from ..core.problems import InputError, Problem, Refused
from ..core.recording import TaskRef
from ..core.results import (
    HAZARD_COLUMNS,
    HAZARD_LEVELS,
    OUTCOMES,
    RESULT_CODES,
    TASK_COLUMNS,
    Penalty,
    RecordFile,
    RecordRow,
    RecordVersion,
    Reinspection,
    parse_deadline,
)
from ..storage import yamlio
from ..workspace import Workspace, joint, writer
from ..workspace.sheets import COMMAND_LINE, InputRow, read_filled
from ..workspace.year import YearTasks, current_records, load_record_file, record_path, year_tasks
from . import Appended, SheetWritten, write_sheet

RECORD_HEADER = (
    "# 由 ssj 生成：检查记录。只在末尾追加新版本，已有版本不得修改；"
    "补充或更正请用 ssj record（见 docs/record.md）。\n"
)


# ------------------------------------------------------------------ tasks of a year


def find_task(tasks: YearTasks, entity: str, draw_id: str | None) -> TaskRef:
    """The task of `entity` (of `draw_id` when given), or InputError/Refused saying why not."""
    found = [t for t in tasks.of(entity) if draw_id is None or t.draw_id == draw_id]
    if not found:
        if tasks.of(entity):
            raise InputError(f"“{entity}”在 {tasks.year} 年度没有抽取编号为“{draw_id}”的任务")
        raise InputError(f"“{entity}”不是 {tasks.year} 年度任何有效抽取中的检查任务")
    if len(found) > 1:
        shown = "、".join(t.draw_id for t in found)
        raise InputError(
            f"“{entity}”在 {tasks.year} 年度有 {len(found)} 次任务（{shown}），请指定抽取编号"
        )
    task = found[0]
    if (task.draw_id, task.entity) in tasks.unassigned:
        raise Refused(
            f"任务 {task.entity}（抽取 {task.draw_id}）尚未匹配检查人员：请先 ssj assign，再记录结果"
        )
    return task


def resolve_entity(tasks: YearTasks, text: str) -> str:
    """A unit given by its id or its exact name."""
    if text in tasks.entities:
        return text
    named = [e.id for e in tasks.entities.values() if e.name == text]
    return named[0] if len(named) == 1 else text


# ------------------------------------------------------------------ record files


def dump_version(version: RecordVersion | Any) -> str:
    """One version as the YAML list item appended to its file."""
    return yamlio.dump_fast([version.model_dump(mode="json", exclude_none=True)])


def appended(existing: str | None, head: dict[str, Any], version: Any) -> str:
    """The file's new text: the old bytes untouched, the version appended at the end."""
    if existing is None:
        return yamlio.dump_fast({**head, "versions": []}, RECORD_HEADER).replace(
            "versions: []\n", "versions:\n"
        ) + dump_version(version)
    if not existing.endswith("\n"):
        existing += "\n"
    return existing + dump_version(version)


# ------------------------------------------------------------------ input rows


ALIASES = {
    "编号": "entity",
    "统一社会信用代码/编号": "entity",
    "检查日期": "end",
    "检查完成日期": "end",
    "执法人员": "inspectors",
    "到场人员": "inspectors",
    "抽查事项": "items",
    "问题描述": "hazard",
    "指令书文号": "order",
    "罚款金额（元）": "amount",
    "罚款金额(元)": "amount",
}
REQUIRED = ("entity", "end", "result")  # docs/record.md: the first, third and fifth headers
# What `record template` fills in before anyone inspects: a row with nothing else is a task
# not yet inspected, skipped on import. 时段 is shown to help fill in, never read back.
PREFILLED = frozenset({"entity", "name", "draw_id", "inspectors"})
PERIOD_HEADER = "时段"
TEMPLATE_ORDER = (
    "entity",
    "name",
    "draw_id",
    "start",
    "end",
    "inspectors",
    "team_reason",
    "items",
    "result",
    "hazard",
    "hazard_item",
    "level",
    "deadline",
    "order",
    "reinspected",
    "outcome",
    "decision",
    "amount",
    "waived",
    "reason",
    "note",
)


def header_map() -> dict[str, str]:
    """Chinese header or English key -> RecordRow field."""
    out = {name: name for name in RecordRow.model_fields}
    out.update({info.title: name for name, info in RecordRow.model_fields.items() if info.title})
    out.update(ALIASES)
    return out


def title(name: str) -> str:
    return RecordRow.model_fields[name].title or name


def read_rows(path: Path) -> tuple[list[InputRow], list[str]]:
    """Rows of a CSV/XLSX/YAML file as field -> value, and the columns that were not used."""
    label, headers, rows = read_filled(path, "records")
    names = header_map()
    if path.suffix.lower() in (".yaml", ".yml"):
        unknown = [
            row.problem("未知字段", key) for row in rows for key in row.data if key not in names
        ]
        if unknown:
            raise InputError(unknown)
        return [_mapped(row, names) for row in rows], []
    columns = [names.get(h) for h in headers]
    problems = [
        Problem(file=label, row=1, field=title(f), message="缺少必填列")
        for f in REQUIRED
        if f not in columns
    ]
    doubled = sorted({c for c in columns if c and columns.count(c) > 1})
    problems += [
        Problem(file=label, row=1, field=title(c), message="此列出现了不止一次") for c in doubled
    ]
    if problems:
        raise InputError(problems)
    unused = [
        h for h, c in zip(headers, columns, strict=True) if h and not c and h != PERIOD_HEADER
    ]
    return [_mapped(row, names) for row in rows], unused


def _mapped(row: InputRow, names: dict[str, str]) -> InputRow:
    data = {names[k]: v for k, v in row.data.items() if k in names}
    return InputRow(row.file, row.row, row.line, data)


# ------------------------------------------------------------------ from rows to versions


@dataclass
class Draft:
    """A task's record as given, validated on its own, before comparison with the file."""

    task: TaskRef
    rows: list[InputRow]
    version: RecordVersion  # with placeholder metadata
    reason: str | None
    origin: dict[str, InputRow]  # field title -> the row that gave it


@dataclass
class Context:
    tasks: YearTasks
    people: dict[str, Inspector]
    items: dict[str, Item]
    min_officers: int = 2
    now: datetime | None = None  # the stamp of what this command records
    today: date | None = None  # no inspection or re-inspection can be later


def load_context(ws: Workspace, year: int, department: str | None = None) -> Context:
    """What recording checks against: the year's tasks, people and items — the bureau's,
    or (`department`, a participating department of a joint task) that department's."""
    from ..workspace.records import load_plan

    if department is not None and not joint.is_own(ws, year, department):
        return Context(
            tasks=joint.department_year_tasks(ws, year, department),
            people={p.id: p for p in joint.department_rows(ws, department, "inspectors")},
            items={i.code: i for i in joint.department_rows(ws, department, "items")},
            now=ws.clock.now(),
            today=ws.clock.today(),
        )
    plan = load_plan(ws, year)
    return Context(
        tasks=year_tasks(ws, year),
        people={p.id: p for p in ws.roster("inspectors").rows},
        items={i.code: i for i in ws.roster("items").rows},
        min_officers=plan.team_size,
        now=ws.clock.now(),
        today=ws.clock.today(),
    )


def _people_ids(tokens: Iterable[str], people: Mapping[str, Inspector]) -> list[str]:
    """执法证号 kept; a name that belongs to exactly one person becomes their number."""
    by_name: dict[str, list[str]] = {}
    for p in people.values():
        by_name.setdefault(p.name, []).append(p.id)
    return [t if t in people or len(by_name.get(t, [])) != 1 else by_name[t][0] for t in tokens]


def _item_codes(tokens: Iterable[str], items: Mapping[str, Item]) -> list[str]:
    by_name: dict[str, list[str]] = {}
    for i in items.values():
        by_name.setdefault(i.name, []).append(i.code)
    return [t if t in items or len(by_name.get(t, [])) != 1 else by_name[t][0] for t in tokens]


def drafts_from_rows(
    rows: list[InputRow], ctx: Context, reason: str | None
) -> tuple[list[Draft], list[Problem]]:
    """Validate each row, group rows by task, merge each group into a record."""
    problems: list[Problem] = []
    parsed: list[tuple[InputRow, RecordRow]] = []
    for row in rows:
        try:
            parsed.append((row, RecordRow.model_validate(row.data)))
        except ValidationError as exc:
            problems += [row.problem(m, f) for _, f, m in row_problems(RecordRow, exc)]
    groups: dict[tuple[str, str], list[tuple[InputRow, RecordRow]]] = {}
    for row, data in parsed:
        entity = resolve_entity(ctx.tasks, data.entity)
        try:
            task = find_task(ctx.tasks, entity, data.draw_id)
        except (InputError, Refused) as exc:
            problems.append(row.problem(_message(exc), title("entity")))
            continue
        groups.setdefault((task.draw_id, task.entity), []).append((row, data))
    drafts = []
    for (draw_id, entity), members in groups.items():
        task = ctx.tasks.tasks[(draw_id, entity)]
        draft, found = _merge(task, members, ctx, reason)
        problems += found
        if draft is not None:
            drafts.append(draft)
    return drafts, problems


def _message(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return "；".join(p.message for p in exc.problems)
    return str(exc)


def _merge(
    task: TaskRef, members: list[tuple[InputRow, RecordRow]], ctx: Context, reason: str | None
) -> tuple[Draft | None, list[Problem]]:
    problems: list[Problem] = []
    first = members[0][0]
    values_: dict[str, Any] = {}
    origin: dict[str, InputRow] = {}
    for row, data in members:
        for name in TASK_COLUMNS:
            value = getattr(data, name)
            if value in (None, []):
                continue
            if name in values_ and values_[name] != value:
                problems.append(
                    row.problem(
                        f"与{origin[title(name)].where}的“{_shown(values_[name])}”不一致",
                        title(name),
                    )
                )
                continue
            values_.setdefault(name, value)
            origin.setdefault(title(name), row)
        if data.name and data.name != task.name:
            current = ctx.tasks.entities.get(task.entity)
            if current is None or data.name != current.name:
                problems.append(row.problem(f"与名录中的“{task.name}”不符", title("name")))
    for name in ("end", "result"):
        if name not in values_:
            problems.append(first.problem("缺少必填内容", title(name)))
    findings, penalties, more = _findings_and_penalties(members)
    problems += more
    if problems:
        return None, problems
    inspectors = _people_ids(
        values_.get("inspectors") or [*task.officers, *task.experts], ctx.people
    )
    items = _item_codes(values_.get("items") or list(task.checklist), ctx.items)
    for finding, _ in findings:
        if finding.get("item"):
            finding["item"] = _item_codes([finding["item"]], ctx.items)[0]
    origin.setdefault("检查人员", first)
    data = {
        "version": 1,
        "draw_id": task.draw_id,
        "recorded_at": ctx.now,
        "change": "记录",
        "start": values_.get("start") or values_["end"],
        "end": values_["end"],
        "inspectors": inspectors,
        "team_reason": values_.get("team_reason"),
        "items": items,
        "result": values_["result"],
        "findings": [f for f, _ in findings],
        "penalties": penalties,
        "note": values_.get("note"),
    }
    return _validated(task, data, members, origin, ctx, values_.get("reason") or reason)


def _validated(
    task: TaskRef,
    data: dict[str, Any],
    members: list[tuple[InputRow, Any]],
    origin: dict[str, InputRow],
    ctx: Context,
    reason: str | None,
) -> tuple[Draft | None, list[Problem]]:
    first = members[0][0]
    try:
        version = RecordVersion.model_validate(data)
    except ValidationError as exc:
        out = []
        for loc, f, m in row_problems(RecordVersion, exc):
            row = origin.get(f or "", first)
            if loc and loc[0] == "findings" and len(loc) > 1 and isinstance(loc[1], int):
                row = _finding_row(members, loc[1]) or row
            out.append(row.problem(m, f))
        return None, out
    found = recording.check(
        version, task, ctx.people, ctx.items, ctx.min_officers, recorded_on=ctx.today
    )
    if found:
        return None, [origin.get(f, first).problem(m, f) for f, m in found]
    return Draft(task, [m[0] for m in members], version, reason, origin), []


def _finding_row(members: list[tuple[InputRow, Any]], index: int) -> InputRow | None:
    seen = []
    for row, data in members:
        text = getattr(data, "hazard", None)
        if text and text not in seen:
            seen.append(text)
            if len(seen) == index + 1:
                return row
    return None


def _shown(value: Any) -> str:
    return "；".join(value) if isinstance(value, list) else str(value)


def _findings_and_penalties(
    members: list[tuple[InputRow, RecordRow]],
) -> tuple[list[tuple[dict[str, Any], InputRow]], list[dict[str, Any]], list[Problem]]:
    findings: dict[str, tuple[dict[str, Any], InputRow]] = {}
    penalties: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for row, data in members:
        hazard_given = [n for n in HAZARD_COLUMNS[1:] if getattr(data, n)]
        if not data.hazard:
            if hazard_given:
                problems.append(
                    row.problem(f"填写了{title(hazard_given[0])}，但缺少隐患描述", title("hazard"))
                )
        else:
            entry = findings.get(data.hazard)
            if entry is None:
                finding: dict[str, Any] = {"description": data.hazard, "reinspections": []}
                if data.level:
                    finding["level"] = data.level
                if data.order:
                    finding["order"] = data.order
                if data.hazard_item:
                    finding["item"] = data.hazard_item
                if data.deadline:
                    try:
                        deadline, on_site = parse_deadline(data.deadline)
                    except ValueError as exc:
                        problems.append(row.problem(str(exc), title("deadline")))
                        deadline, on_site = None, False
                    finding["deadline"], finding["on_site"] = deadline, on_site
                elif not data.reinspected:
                    problems.append(
                        row.problem("须填写整改期限（日期，或“当场整改”）", title("deadline"))
                    )
                findings[data.hazard] = (finding, row)
            else:
                finding = entry[0]
                for name, key in (("level", "level"), ("order", "order"), ("hazard_item", "item")):
                    given = getattr(data, name)
                    if given and finding.get(key) not in (None, given):
                        problems.append(
                            row.problem(f"同一隐患与{entry[1].where}不一致", title(name))
                        )
            if bool(data.reinspected) != bool(data.outcome):
                missing = "outcome" if data.reinspected else "reinspected"
                problems.append(row.problem("复查日期和复查结论须同时填写", title(missing)))
            elif data.reinspected:
                finding["reinspections"].append({"date": data.reinspected, "outcome": data.outcome})
        if data.decision or data.amount is not None or data.waived:
            penalty = {
                "decision": data.decision,
                "amount": data.amount,
                "waived": bool(data.waived),
            }
            try:
                Penalty.model_validate(penalty)
            except ValidationError as exc:
                problems += [row.problem(describe(e), title("decision")) for e in exc.errors()]
                continue
            if penalty not in penalties:
                penalties.append(penalty)
    for finding, _ in findings.values():
        finding["reinspections"].sort(key=lambda r: r["date"])
    return list(findings.values()), penalties, problems


# ------------------------------------------------------------------ versions and writing


@dataclass
class Planned:
    draft: Draft
    change: str  # 记录 / 补充 / 更正
    version: RecordVersion
    path: Path
    text: str


def plan_versions(
    ws: Workspace, year: int, drafts: list[Draft], source: str, folder: Callable | None = None
) -> tuple[list[Planned], list[Draft], list[Problem]]:
    """Compare each draft with its file: the versions to append, the unchanged, the problems.

    `folder`: entity -> its record file, when not the bureau's own (a department's part)."""
    path_of = folder or (lambda entity: record_path(ws, year, entity))
    planned: list[Planned] = []
    same: list[Draft] = []
    problems: list[Problem] = []
    texts: dict[str, str | None] = {}
    files: dict[str, RecordFile | None] = {}
    seen: set[tuple[str, str]] = set()
    for draft in drafts:
        task = draft.task
        key = (task.draw_id, task.entity)
        if key in seen:
            continue
        seen.add(key)
        path = path_of(task.entity)
        if task.entity not in files:
            files[task.entity] = load_record_file(ws, path) if path.is_file() else None
            texts[task.entity] = path.read_text(encoding="utf-8") if path.is_file() else None
        existing = files[task.entity]
        previous = existing.current(task.draw_id) if existing else None
        if previous is None:
            change = "记录"
        else:
            kind = recording.classify(previous, draft.version)
            if kind == "same" or recording.contains(draft.version, previous):
                same.append(draft)
                continue
            change = kind
            if change == "更正" and not draft.reason:
                changes = "；".join(recording.diff(previous, draft.version)[:3])
                problems.append(
                    draft.rows[0].problem(
                        f"已有第 {previous.version} 版记录，此次修改了已记录的内容（{changes}），"
                        "须写明更正理由（--reason 或“更正理由”列）",
                        "更正理由",
                    )
                )
                continue
        number = len(existing.versions) + 1 if existing else 1
        version = draft.version.model_copy(
            update={
                "version": number,
                "change": change,
                "reason": draft.reason if change == "更正" else None,
                "source": source_of(draft, source),
                "recorded_at": ws.clock.now(),
            }
        )
        head = {"kind": "record", "year": year, "entity": task.entity, "name": task.name}
        text = appended(texts[task.entity], head, version)
        label = ws.rel(path)
        try:
            check = RecordFile.model_validate(yamlio.parse(text, label))
        except ValidationError as exc:
            raise Refused(
                f"{label} 不是 ssj 写出的格式（可能被手工修改过），不能追加新版本：{exc.errors()[0]['msg']}"
            ) from None
        texts[task.entity] = text
        files[task.entity] = check
        planned.append(Planned(draft, change, version, path, text))
    return planned, same, problems


def source_of(draft: Draft, source: str) -> str:
    rows = [r for r in draft.rows if r.row is not None or r.line is not None]
    if not rows:
        return source
    where = "、".join(str(r.row if r.row is not None else r.line) for r in rows)
    return f"{source} 第 {where} 行"


def write_planned(
    book: writer.Batch,
    planned: list[Planned],
    message: str,
    unchanged: Iterable[Draft] = (),
    folder: Callable | None = None,
) -> None:
    """The new versions, committed together as one unit.

    A run killed outright, or whose commit failed, leaves written files uncommitted: the
    next run of the same input finds them unchanged (`unchanged`) and commits them with
    its own, so the batch ends up committed whole.
    """
    for p in planned:
        book.write(p.path, p.text)  # a file with two tasks: the last text has both versions
    ws = book.ws
    path_of = folder or (lambda entity, year: record_path(ws, year, entity))
    leftover = _uncommitted(ws, {path_of(d.task.entity, d.task.year) for d in unchanged})
    if leftover and book.commit:
        message += f"；补交此前写入而未提交的记录 {len(leftover)} 个"
        book.commit_also(leftover)
    book.message = message


def _uncommitted(ws: Workspace, paths: set[Path]) -> list[str]:
    """Those of `paths` (record files) that exist with changes git has not committed."""
    present = sorted(ws.rel(p) for p in paths if p.is_file())
    if not present:
        return []
    try:
        return ws.git.dirty(*present)
    except Refused:  # not in a git repository: the commit itself will say so
        return []


def _summary(planned: list[Planned]) -> str:
    counts: dict[str, int] = {}
    for p in planned:
        counts[p.change] = counts.get(p.change, 0) + 1
    return "，".join(f"{k} {v}" for k, v in counts.items())


def outcome_of(planned: list[Planned], same: list[Draft], ws: Workspace) -> Appended:
    out = Appended()
    for p in planned:
        out.written.append(
            {
                "entity": p.draft.task.entity,
                "name": p.draft.task.name,
                "draw_id": p.draft.task.draw_id,
                "version": p.version.version,
                "change": p.change,
                "file": ws.rel(p.path),
            }
        )
    for d in same:
        out.unchanged.append({"entity": d.task.entity, "draw_id": d.task.draw_id})
    return out


@dataclass
class Recorded(Appended):
    """What `ssj record --from` did, with the template's rows left as they were (skipped)."""

    skipped: list[dict[str, Any]] = field(default_factory=list)  # {row, entity, draw_id}

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "skipped": self.skipped}


def untouched(row: InputRow) -> bool:
    """A template row nobody filled in: only the prefilled columns hold anything."""
    return bool(row.data) and set(row.data) <= PREFILLED


def record_from_file(
    ws: Workspace,
    year: int,
    path: Path,
    reason: str | None,
    commit: bool,
    dry_run: bool = False,
    department: str | None = None,
) -> Recorded:
    """`ssj record --from FILE`: all rows checked, then every task's version appended.

    Rows of the template left as they were (tasks not yet inspected) are skipped and listed.
    `department`: a participating department's part of its joint visits, checked against its
    own team, people and items, kept in its own record files (the same record rules).
    """
    own = department is None or joint.is_own(ws, year, department)
    folder = None if own else (lambda e, y=year: joint.department_record_path(ws, y, department, e))
    rows, unused = read_rows(path)
    if not rows:
        raise InputError(Problem(file=path.name, message="文件中没有数据行"))
    skipped = [
        {"row": r.row or r.line, "entity": r.data.get("entity"), "draw_id": r.data.get("draw_id")}
        for r in rows
        if untouched(r)
    ]
    rows = [r for r in rows if not untouched(r)]
    with writer.batch(ws, commit=commit and not dry_run) as book:
        ctx = load_context(ws, year, department)
        drafts, problems = drafts_from_rows(rows, ctx, reason)
        planned, same, more = plan_versions(
            ws, year, drafts, f"导入 {path.name}", folder and (lambda e: folder(e, year))
        )
        problems += more
        if problems:
            raise InputError(_sorted(problems))
        out = Recorded(**vars(outcome_of(planned, same, ws)), skipped=skipped)
        out.unused_columns = unused
        if not dry_run:
            summary = f"（{_summary(planned)}）" if planned else ""
            whose = "" if own else f"{department}："
            write_planned(book, planned, f"记录检查结果：{whose}{path.name}{summary}", same, folder)
    out.commit = book.sha
    return out


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row or p.line or 0, p.field or ""))


# ------------------------------------------------------------------ one task, by options


@dataclass
class Given:
    """What the command line gave for one task (None: not given)."""

    start: str | None = None
    end: str | None = None
    inspectors: str | None = None
    team_reason: str | None = None
    items: str | None = None
    result: str | None = None
    hazards: list[str] | None = None  # "描述;等级;整改期限;文号"
    decision: str | None = None
    amount: str | None = None
    waived: bool = False
    note: str | None = None


HAZARD_PARTS = ("hazard", "level", "deadline", "order", "hazard_item")


def hazard_rows(entity: str, specs: list[str]) -> tuple[list[dict[str, Any]], list[Problem]]:
    rows, problems = [], []
    for spec in specs:
        parts = [p.strip() for p in re.split(r"[;；|]", spec)]
        if len(parts) > len(HAZARD_PARTS) or not parts[0]:
            problems.append(
                Problem(
                    file=COMMAND_LINE,
                    field="--hazard",
                    message=f"“{spec}”应写作 描述;等级;整改期限[;指令书文号[;检查事项]]，如 “消防通道堵塞;一般;2026-04-10”",
                )
            )
            continue
        rows.append(
            {"entity": entity, **{k: v for k, v in zip(HAZARD_PARTS, parts, strict=False) if v}}
        )
    return rows, problems


def _current(ws: Workspace, year: int, entity: str, draw_id: str | None):
    """(context, the task, its record's current version or None)."""
    ctx = load_context(ws, year)
    task = find_task(ctx.tasks, resolve_entity(ctx.tasks, entity), draw_id)
    path = record_path(ws, year, task.entity)
    previous = load_record_file(ws, path).current(task.draw_id) if path.is_file() else None
    return ctx, task, previous


def record_one(
    ws: Workspace,
    year: int,
    entity: str,
    draw_id: str | None,
    given: Given,
    reason: str | None,
    commit: bool,
    dry_run: bool = False,
) -> Appended:
    """`ssj record TASK …`: a first record, or a new version built on the current one.

    With `dry_run` everything is checked and the outcome returned; nothing is written.
    """
    with writer.batch(ws, commit=commit and not dry_run) as book:
        ctx, task, previous = _current(ws, year, entity, draw_id)
        rows = task_rows(task, previous, given)
        more_rows, problems = hazard_rows(task.entity, given.hazards or [])
        if given.hazards is not None:
            rows = (
                [_without_hazards(rows[0]), *more_rows]
                if more_rows
                else [_without_hazards(rows[0])]
            )
        if problems:
            raise InputError(problems)
        inputs = [InputRow(COMMAND_LINE, None, None, r) for r in rows]
        if previous is not None and given.hazards is None:
            drafts, problems = _amend(inputs, previous, task, ctx, reason)
        else:
            drafts, problems = drafts_from_rows(inputs, ctx, reason)
            if previous is not None:  # new hazards replace the old; penalties are kept
                for draft in drafts:
                    kept = list(previous.penalties)
                    kept += [p for p in draft.version.penalties if p not in kept]
                    draft.version = draft.version.model_copy(update={"penalties": kept})
        planned, same, more = plan_versions(ws, year, drafts, COMMAND_LINE)
        problems += more
        if problems:
            raise InputError(problems)
        out = outcome_of(planned, same, ws)
        if planned:
            p = planned[0]
            message = f"{p.change}检查结果：{task.entity}（{task.name}）第 {p.version.version} 版"
        else:
            message = f"补交检查记录：{task.entity}（{task.name}）"
        if not dry_run:
            write_planned(book, planned, message, same)
    out.commit = book.sha
    return out


def _without_hazards(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in (*HAZARD_PARTS, "reinspected", "outcome")}


def task_rows(task: TaskRef, previous: RecordVersion | None, given: Given) -> list[dict[str, Any]]:
    """The command line's fields as one input row (the current record fills the gaps)."""
    row: dict[str, Any] = {"entity": task.entity, "draw_id": task.draw_id}
    if previous is not None:
        row.update(
            start=previous.start,
            end=previous.end,
            inspectors=previous.inspectors,
            team_reason=previous.team_reason,
            items=previous.items,
            result=previous.result,
            note=previous.note,
        )
    for name in ("start", "end", "inspectors", "team_reason", "items", "result", "note"):
        value = getattr(given, name)
        if value is not None:
            row[name] = value
    if given.decision or given.amount or given.waived:
        row.update(decision=given.decision, amount=given.amount, waived=given.waived or None)
    return [{k: v for k, v in row.items() if v not in (None, "", [])}]


def _amend(
    inputs: list[InputRow], previous: RecordVersion, task: TaskRef, ctx: Context, reason: str | None
) -> tuple[list[Draft], list[Problem]]:
    """Task fields from the command line over the current version; findings kept as they are."""
    row = inputs[0]
    try:
        parsed = RecordRow.model_validate(row.data)
    except ValidationError as exc:
        return [], [row.problem(m, f) for _, f, m in row_problems(RecordRow, exc)]
    penalties = [p.model_dump(mode="json") for p in previous.penalties]
    if parsed.decision or parsed.amount is not None or parsed.waived:
        extra = {
            "decision": parsed.decision,
            "amount": parsed.amount,
            "waived": bool(parsed.waived),
        }
        if extra not in penalties:
            penalties.append(extra)
    data = {
        "version": 1,
        "draw_id": task.draw_id,
        "recorded_at": ctx.now,
        "change": "记录",
        "start": parsed.start or parsed.end,
        "end": parsed.end,
        "inspectors": _people_ids(parsed.inspectors, ctx.people),
        "team_reason": parsed.team_reason,
        "items": _item_codes(parsed.items, ctx.items),
        "result": parsed.result,
        "findings": [f.model_dump(mode="json") for f in previous.findings],
        "penalties": penalties,
        "note": parsed.note,
    }
    draft, found = _validated(task, data, [(row, parsed)], {}, ctx, reason)
    return ([draft] if draft else []), found


def reinspect(
    ws: Workspace,
    year: int,
    entity: str,
    draw_id: str | None,
    hazard: int | None,
    day: date,
    outcome: str,
    inspectors: str | None,
    order: str | None,
    note: str | None,
    commit: bool,
) -> Appended:
    """`ssj record reinspect`: a re-inspection of one hazard, appended as a 补充 version."""
    with writer.batch(ws, commit=commit) as book:
        ctx, task, previous = _current(ws, year, entity, draw_id)
        if previous is None:
            raise InputError(f"任务 {task.entity} 还没有检查记录：请先 ssj record {task.entity}")
        open_ = [n for n, f in enumerate(previous.findings, start=1) if not f.closed]
        if hazard is None:
            if len(open_) != 1:
                shown = "、".join(str(n) for n in open_) or "无"
                raise InputError(
                    Problem(
                        file=COMMAND_LINE,
                        field="--hazard",
                        message=f"请用 --hazard 指定第几项隐患（未整改的：{shown}）",
                    )
                )
            hazard = open_[0]
        if not 1 <= hazard <= len(previous.findings):
            raise InputError(
                Problem(
                    file=COMMAND_LINE,
                    field="--hazard",
                    message=f"记录中只有 {len(previous.findings)} 项隐患",
                )
            )
        finding = previous.findings[hazard - 1]
        if finding.closed:
            raise Refused(f"第 {hazard} 项隐患“{finding.description}”已整改，无须再复查")
        try:
            entry = Reinspection.model_validate(
                {
                    "date": day,
                    "outcome": outcome,
                    "inspectors": inspectors,
                    "order": order,
                    "note": note,
                }
            )
        except ValidationError as exc:
            raise InputError(
                [
                    Problem(file=COMMAND_LINE, field=f, message=m)
                    for _, f, m in row_problems(Reinspection, exc)
                ]
            ) from None
        entry = entry.model_copy(update={"inspectors": _people_ids(entry.inspectors, ctx.people)})
        unknown = [i for i in entry.inspectors if i not in ctx.people]
        if unknown:
            raise InputError(
                Problem(
                    file=COMMAND_LINE,
                    field="复查人员",
                    message=f"{'、'.join(unknown)} 不在执法检查人员名录库中",
                )
            )
        findings = list(previous.findings)
        findings[hazard - 1] = finding.model_copy(
            update={"reinspections": [*finding.reinspections, entry]}
        )
        try:
            version = RecordVersion.model_validate(
                {**previous.model_dump(), "findings": [f.model_dump() for f in findings]}
            )
        except ValidationError as exc:
            raise InputError(
                [
                    Problem(file=COMMAND_LINE, field=f, message=m)
                    for _, f, m in row_problems(RecordVersion, exc)
                ]
            ) from None
        problems = recording.check(
            version, task, ctx.people, ctx.items, ctx.min_officers, recorded_on=ctx.today
        )
        problems = [p for p in problems if p[0] == "复查日期"]
        if problems:
            raise InputError([Problem(file=COMMAND_LINE, field=f, message=m) for f, m in problems])
        row = InputRow(COMMAND_LINE, None, None, {})
        draft = Draft(task, [row], version, None, {})
        planned, same, more = plan_versions(ws, year, [draft], COMMAND_LINE)
        if more:
            raise InputError(more)
        out = outcome_of(planned, same, ws)
        write_planned(
            book,
            planned,
            f"复查：{task.entity}（{task.name}）第 {hazard} 项隐患 {entry.date} {entry.outcome}",
            same,
        )
    out.commit = book.sha
    return out


# ------------------------------------------------------------------ template and show


def write_template(ws: Workspace, year: int, output: Path) -> SheetWritten:
    """`ssj record template`: the sheet to fill in, written to `output`."""
    headers, rows, choices = template(ws, year)
    return write_sheet(output, headers, rows, "检查结果", choices)


def template(ws: Workspace, year: int) -> tuple[list[str], list[list[Any]], dict[int, list[str]]]:
    """Headers, one prefilled row per task of the year without a record, drop-down lists.

    A 时段 column (the task's period) follows the draw id, to help find the row; it is
    not read back.
    """
    order = [*TEMPLATE_ORDER]
    order.insert(order.index("draw_id") + 1, "period")
    headers = [PERIOD_HEADER if n == "period" else title(n) for n in order]
    rows: list[list[Any]] = []
    tasks = year_tasks(ws, year)
    done = current_records(ws, year, tasks)
    for (draw_id, entity), task in sorted(
        tasks.tasks.items(), key=lambda kv: (kv[1].period_end, kv[0])
    ):
        if (draw_id, entity) in done:
            continue
        row: dict[str, Any] = {
            "entity": entity,
            "name": task.name,
            "draw_id": draw_id,
            "period": task.period or "全年",
            "inspectors": "；".join(task.officers + task.experts),
        }
        rows.append([row.get(n) for n in order])
    choices = {
        order.index("result") + 1: list(RESULT_CODES),
        order.index("level") + 1: list(HAZARD_LEVELS),
        order.index("outcome") + 1: list(OUTCOMES),
        order.index("waived") + 1: ["是", "否"],
    }
    return headers, rows, choices


def show(ws: Workspace, year: int, entity: str, draw_id: str | None) -> dict[str, Any]:
    """A task's record: the current version and every version with what it changed."""
    tasks = year_tasks(ws, year)
    entity = resolve_entity(tasks, entity)
    path = record_path(ws, year, entity)
    if not path.is_file():
        raise InputError(f"{entity} 在 {year} 年度没有检查记录")
    record = load_record_file(ws, path)
    draws = [draw_id] if draw_id else record.draw_ids()
    history = []
    for d in draws:
        versions = record.history(d)
        if not versions:
            raise InputError(f"{entity} 没有抽取 {d} 的检查记录")
        for prev, version in zip([None, *versions], versions, strict=False):
            history.append(
                {
                    "draw_id": d,
                    "version": version.version,
                    "change": version.change,
                    "reason": version.reason,
                    "recorded_at": version.recorded_at.isoformat(),
                    "source": version.source,
                    "changes": recording.diff(prev, version) if prev else [],
                }
            )
    commits = ws.git.log(ws.rel(path), "%h", "%ad", "%s") if ws.git.is_repo() else []
    return {
        "entity": record.entity,
        "name": record.name,
        "file": ws.rel(path),
        "current": {d: record.current(d).model_dump(mode="json") for d in draws},
        "history": history,
        "commits": [
            dict(zip(("commit", "date", "subject"), c.split("\x1f"), strict=False)) for c in commits
        ],
    }


# ------------------------------------------------------------------ ssj status
