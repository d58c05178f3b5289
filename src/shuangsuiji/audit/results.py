"""After the draw: R9b records, R10 re-inspections, R11 disclosures.

The records, hazards and disclosures are read through the services that write them
(`inspections`, `disclosure`); what is due when is decided by `core.followup` and a
record's fit to its task by `core.recording`, the same rules `ssj record` and
`ssj disclose status` apply. Return-visit draws are re-run with the other draws
(`verification.verify_all`, in `rerun`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..core.problems import InputError, Refused
from ..workspace import year as year_files
from .data import SCHEMA_FIX, AuditData, RecordFile
from .facts import AssignmentFacts, DrawFacts
from .findings import Finding, error, warning

FIX_RECORD = "用 ssj record 记录检查结果（或 ssj record --from 表格.xlsx 批量导入）"
FIX_AMEND = "用 ssj record 追加一版“更正”并写明理由（已有版本不得修改）"
FIX_REINSPECT = "复查后用 ssj record 记录复查日期和结论（复查日期、复查结论两列）"
FIX_PUBLISH = "用 ssj disclose publish 公开检查结果（检查结束后 20 个工作日内）"


def check(
    data: AuditData,
    draws: list[DrawFacts],
    assignments: list[AssignmentFacts],
    only_year: int | None = None,
) -> list[Finding]:
    years = {d.record.year for d in draws if d.live}
    for path in (data.ws.root / "plans").glob("*/records/*.yaml"):
        if path.parent.parent.name.isdigit():
            years.add(int(path.parent.parent.name))
    where = {a.record.draw_id: a for a in assignments}
    out: list[Finding] = []
    for year in sorted(years):
        if only_year is not None and year != only_year:
            continue
        out += _year(data, year, {d.record.draw_id: d for d in draws}, where)
    return out


def _schema(problems, label: str, year: int) -> list[Finding]:
    return [
        error(
            "schema",
            (p.file or label).split("@")[0],
            (f"字段“{p.field}”：" if p.field else "") + p.message,
            SCHEMA_FIX,
            line=p.line,
            year=year,
        )
        for p in problems
    ]


def _year(data: AuditData, year: int, draws: dict, where: dict) -> list[Finding]:
    from ..core import followup, recording

    ws = data.ws
    out: list[Finding] = []
    try:
        tasks = year_files.year_tasks(ws, year)
    except (InputError, Refused, KeyError, ValueError):
        # the draws cannot be read, or name units their roster lacks: R14 says why
        return out
    records: dict[str, RecordFile] = {}
    for path in sorted(year_files.records_dir(ws, year).glob("*.yaml")):
        label = ws.rel(path)
        try:
            record = year_files.load_record_file(ws, path)
        except InputError as exc:
            out += _schema(exc.problems, label, year)
            continue
        if record.year != year:
            out += _schema([_problem(label, f"年度 {record.year} 与目录不符")], label, year)
            continue
        records[record.entity] = RecordFile(label, path, record)
    people = (
        {p.id: p for p in data.rosters["inspectors"].rows} if "inspectors" in data.rosters else {}
    )
    items = {i.code: i for i in data.rosters["items"].rows} if "items" in data.rosters else {}
    minimum = max(2, data.current_rules(year).min_inspectors)
    as_of = data.as_of
    published = _disclosure_files(ws, year)

    late: dict[str, set[str]] = {}  # draw -> periods that had ended before the draw
    for (draw_id, entity), task in sorted(tasks.tasks.items()):
        found = records.get(entity)
        version = (
            found.model.current(draw_id) if found and draw_id in found.model.draw_ids() else None
        )
        who = f"{task.name}（{entity}）"
        due = task.period_end
        if due < task.draw_date:  # drawn after its period: due by the end of the year
            late.setdefault(draw_id, set()).add(task.period or "")
            due = date(year, 12, 31)
        state = followup.task_state(version is not None, due, as_of)
        if state == "missing":
            home = where.get(draw_id) or draws.get(draw_id)
            out.append(
                error(
                    "R9b",
                    home.path if home else f"plans/{year}/draws/{draw_id}.yaml",
                    f"任务 {who}（抽取 {draw_id}，时段 {task.period or '全年'}）已于 "
                    f"{due} 结束，没有检查记录",
                    FIX_RECORD,
                    line=home.file.line("entity" if draw_id in where else "id", entity)
                    if home
                    else None,
                    year=year,
                    related=(f"plans/{year}/records/{entity}.yaml",),
                )
            )
        if version is None or found is None:
            continue
        line = found.line("version", str(version.version))
        days = data.entry_days.get(found.path, [])
        recorded_on = days[version.version - 1] if version.version <= len(days) else as_of
        for title, message in recording.check(
            version, task, people, items, minimum, recorded_on=recorded_on
        ):
            out.append(
                error(
                    "R9b",
                    found.path,
                    f"{who} 的检查记录（第 {version.version} 版）字段“{title}”：{message}",
                    FIX_AMEND,
                    line=line,
                    year=year,
                    related=("rosters/inspectors.yaml", "rosters/items.yaml"),
                )
            )
        for n, hazard in enumerate(version.findings, start=1):
            out += _hazard(found, who, n, hazard, as_of, year, line)
    for draw_id, periods in sorted(late.items()):
        home = draws.get(draw_id)
        out.append(
            warning(
                "R9b",
                home.path if home else f"plans/{year}/draws/{draw_id}.yaml",
                f"抽取 {draw_id} 把任务排在抽取之前已结束的时段（{'、'.join(sorted(periods))}），"
                f"这些任务按 {year} 年底为期限",
                "抽取时用 --periods 只给尚未开始的时段（或在年度方案 periods 中调整）",
                year=year,
            )
        )
    for entity, found in sorted(records.items()):
        for draw_id in found.model.draw_ids():
            if (draw_id, entity) not in tasks.tasks:
                out.append(
                    warning(
                        "R9b",
                        found.path,
                        f"{found.model.name}（{entity}）有抽取 {draw_id} 的检查记录，"
                        "但该任务已不存在（抽取被重抽取代，或单位被候补替换）",
                        "核对抽取、替换记录；确属误记的，追加一版“更正”说明",
                        year=year,
                    )
                )
    try:
        entries = year_files.disclosure_status(ws, year, as_of, data.entry_days)
    except (InputError, Refused, KeyError, ValueError) as exc:
        return out + _schema(getattr(exc, "problems", []), f"plans/{year}/disclosures", year)
    for e in entries:
        found = records.get(e.entity)
        path = found.path if found else f"plans/{year}/records/{e.entity}.yaml"
        who = f"{e.name}（{e.entity}）"
        deadline = e.due.deadline

        line = found.line("version", str(e.version)) if found else None

        def add(make, message: str, fix: str = FIX_PUBLISH, path=path, line=line) -> None:
            out.append(make("R11", path, message, fix, line=line, year=year, related=published))

        if e.state == "overdue":
            add(error, f"{who} 的检查于 {e.completed} 结束，应于 {deadline} 前公开，至今未公开")
        elif e.state == "late":
            add(
                warning,
                f"{who} 的检查结果于 {e.disclosed} 公开，晚于期限 {deadline}",
                "已逾期公开，无法补救；请在今后按期公开",
            )
        elif e.state == "unknown":
            add(
                warning,
                f"{who} 的公开期限无法计算：{e.due.flag}",
                f"在 calendars/ 中补充相应年度的节假日安排（{e.completed.year + 1}.yaml 等）",
            )
        if e.stale:
            add(
                warning,
                f"{who} 的检查记录在公开（第 {e.disclosed_version} 版）之后已更正为第 {e.version} 版，尚未重新公开",
                "用 ssj disclose publish 公开更正后的结果",
            )
    return out


def _hazard(found: RecordFile, who, n, hazard, as_of, year, line) -> list[Finding]:
    from ..core import followup

    label = f"{who} 第 {n} 项隐患“{hazard.description}”"
    state = followup.hazard_state(hazard, as_of)
    on_time = followup.reinspected_on_time(hazard)
    out = []
    if state == "overdue":
        out.append(
            error(
                "R10",
                found.path,
                f"{label}整改期限 {hazard.deadline} 已过，没有复查记录",
                FIX_REINSPECT,
                line=line,
                year=year,
            )
        )
    elif on_time is False:
        out.append(
            error(
                "R10",
                found.path,
                f"{label}首次复查于 {hazard.reinspections[0].date}，晚于整改期限 {hazard.deadline}",
                "复查应在整改期限内进行；已逾期的无法补救，请在今后按期复查",
                line=line,
                year=year,
            )
        )
    if state == "unfixed":
        out.append(
            warning(
                "R10",
                found.path,
                f"{label}复查时仍未整改（{hazard.reinspections[-1].date}）",
                "继续督促整改并再次复查，或依法处理后记录",
                line=line,
                year=year,
            )
        )
    return out


def _problem(label: str, message: str):
    from ..core.problems import Problem

    return Problem(file=label, message=message)


def _disclosure_files(ws, year: int) -> tuple[str, ...]:
    folder: Path = ws.plan_dir(year) / "disclosures"
    return tuple(ws.rel(p) for p in sorted(folder.glob("*.yaml")))
