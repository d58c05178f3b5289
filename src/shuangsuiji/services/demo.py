"""The results of a simulated year, for `ssj demo`: the inspectors fill in the record sheet.

`ssj demo` writes the blank sheet with `ssj record template` (one row per task: the
unit, its draw and the assigned team already filled in), then `fill` plays the
inspectors and writes the sheet back in the `ssj record --from` format (docs/record.md,
docs/record.md). Each task is inspected on a working day early in the last month of its
period; most find nothing (未发现问题), some find a hazard ordered fixed by a deadline and
re-inspected before it, one is fixed on the spot, one ends with a penalty. Everything a
period's inspections lead to (re-inspections included) is over a few working days after
its last inspection, so one publication per period (`publications`) is within the 20
working days of R11 for every result, and the year audits clean. Deterministic: the same
tasks give the same sheet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..core.calendar import UnknownSchedule, WorkCalendar
from ..core.planning import period_months
from ..core.recording import TaskRef
from ..core.results import NO_PROBLEM
from ..workspace import Workspace
from ..workspace import year as year_files
from ..workspace.joint import all_joints

INSPECTION_DAYS = 8  # a period's inspections: its last month's first working days
REINSPECT_AFTER = 5  # working days from the inspection to the re-inspection
DEADLINE_AFTER = 7  # working days from the inspection to the rectification deadline

ORDERED = "发现问题已责令改正"
# (description, level) of the hazards found, in turn.
HAZARDS = (
    ("安全出口锁闭，疏散通道堆放杂物", "一般事故隐患"),
    ("特种作业人员未持证上岗", "一般事故隐患"),
    ("可燃气体检测报警装置未按期检测", "一般事故隐患"),
    ("应急预案未按规定组织演练", "一般事故隐患"),
)
ON_SITE = ("灭火器压力不足，已当场更换", "一般事故隐患")
PENALTY_HAZARDS = (
    ("重大危险源未登记建档，未按规定进行定期检测、评估", "重大事故隐患"),
    ("安全生产教育培训记录不全", "一般事故隐患"),
)
PENALTY_AMOUNT = "30000"


class WorkingDays:
    """Working days of the official calendar; Monday to Friday for a year it does not know."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar

    def working(self, day: date) -> bool:
        try:
            return self.calendar.is_working_day(day)
        except UnknownSchedule:
            return day.weekday() < 5

    def after(self, day: date, n: int) -> date:
        """The n-th working day after `day`."""
        while n > 0:
            day += timedelta(days=1)
            n -= self.working(day)
        return day

    def on_or_after(self, day: date) -> date:
        return day if self.working(day) else self.after(day, 1)


@dataclass
class Filled:
    """What `fill` wrote: rows, tasks by kind of result, and one sheet per month of
    inspections, recorded on the day its last inspection or re-inspection is over and
    published the working day after."""

    rows: int = 0
    kinds: Counter = field(default_factory=Counter)
    batches: list[Batch] = field(default_factory=list)

    def summary(self) -> str:
        names = {
            "clean": NO_PROBLEM,
            "ordered": "责令限期整改并复查",
            "on_site": "当场整改",
            "penalty": "行政处罚",
        }
        shown = "，".join(f"{names[k]} {self.kinds[k]}" for k in names if self.kinds[k])
        return f"{sum(self.kinds.values())} 个任务（{shown}），{self.rows} 行"


@dataclass(frozen=True)
class Batch:
    sheet: Path
    recorded: date
    published: date
    # each participating department's part of the month's joint visits: (部门, its sheet)
    departments: tuple[tuple[str, Path], ...] = ()


def kind_of(index: int, total: int) -> str:
    """The result of the index-th task of the year (in order of period, then unit)."""
    if index == total // 2:
        return "penalty"
    if index % 6 == 2:
        return "ordered"
    if index % 12 == 4:
        return "on_site"
    return "clean"


def last_month(task: TaskRef) -> int:
    """The month a task is inspected in: the last of its period (December for the year)."""
    return period_months(task.period)[1] if task.period else 12


def inspection_days(tasks: Sequence[TaskRef], days: WorkingDays) -> dict[TaskRef, date]:
    """The tasks of one month spread over its first working days."""
    out: dict[TaskRef, date] = {}
    if not tasks:
        return out
    first = tasks[0]
    last = last_month(first)
    month = date(first.year, last, 1)
    after = max(t.draw_date for t in tasks)  # inspected only once drawn
    candidates: list[date] = []
    day = days.on_or_after(max(month, after + timedelta(days=1)))
    while len(candidates) < INSPECTION_DAYS and day.month == last and day.year == first.year:
        candidates.append(day)
        day = days.after(day, 1)
    if not candidates:  # drawn in or after the month: the next working days
        candidates = [days.after(after, 1 + i) for i in range(INSPECTION_DAYS)]
    for i, task in enumerate(tasks):
        out[task] = candidates[i * len(candidates) // len(tasks)]
    return out


def fill(ws: Workspace, year: int, path: Path) -> Filled:
    """Fill in the sheet `ssj record template` wrote at `path` and write it back (CSV)."""
    from ..storage import tabular
    from ..storage.files import write_atomic
    from ..workspace.calendars import load_calendar
    from . import record as inspections

    sheet = tabular.read_table(path)
    names = inspections.header_map()
    column = {names[h]: i for i, h in enumerate(sheet.headers) if h in names}
    width = len(sheet.headers)
    year_tasks = year_files.year_tasks(ws, year)
    rows = [list(cells) + [""] * (width - len(cells)) for _, cells in sheet.rows]
    tasks = [year_tasks.tasks[(r[column["draw_id"]], r[column["entity"]])] for r in rows]
    order = sorted(tasks, key=lambda t: (t.period_end, t.entity, t.draw_id))
    days = WorkingDays(load_calendar(ws))

    index = {task: n for n, task in enumerate(order)}
    ends: dict[TaskRef, date] = {}
    months: dict[int, list[TaskRef]] = {}
    for task in order:
        months.setdefault(last_month(task), []).append(task)
    for members in months.values():
        ends.update(inspection_days(members, days))

    out = Filled()
    filled: dict[int, list[list[object]]] = {}  # month -> its rows
    done: dict[int, date] = {}  # month -> its last inspection or re-inspection
    orders = hazards = 0
    for row, task in zip(rows, tasks, strict=True):
        kind = kind_of(index[task], len(order))
        end = ends[task]
        out.kinds[kind] += 1

        def put(target: list[object], **values: object) -> None:
            for name, value in values.items():
                target[column[name]] = value

        put(row, start=end.isoformat(), end=end.isoformat(), result=NO_PROBLEM)
        extra: list[list[object]] = []
        last = end
        if kind in ("ordered", "penalty"):
            found = (
                [HAZARDS[hazards % len(HAZARDS)]] if kind == "ordered" else list(PENALTY_HAZARDS)
            )
            hazards += kind == "ordered"
            checked = days.after(end, REINSPECT_AFTER)
            last = checked
            for n, (text, level) in enumerate(found):
                orders += 1
                target = row
                if n:
                    target = [""] * width
                    put(target, entity=task.entity, draw_id=task.draw_id, name=task.name)
                    extra.append(target)
                put(
                    target,
                    hazard=text,
                    level=level,
                    deadline=days.after(end, DEADLINE_AFTER).isoformat(),
                    order=f"青岚应急责改〔{year}〕{orders}号",
                    reinspected=checked.isoformat(),
                    outcome="已整改",
                )
            put(row, result=ORDERED)
            if kind == "penalty":
                put(row, decision=f"青岚应急罚〔{year}〕1号", amount=PENALTY_AMOUNT)
        elif kind == "on_site":
            put(row, result=ORDERED, hazard=ON_SITE[0], level=ON_SITE[1], deadline="当场整改")
        month = last_month(task)
        filled.setdefault(month, []).extend([row, *extra])
        done[month] = max(done.get(month, last), last)
    out.rows = sum(len(rows) for rows in filled.values())
    joint = {t.id: t for t in all_joints(ws, year)}
    for month, rows in sorted(filled.items()):
        target = path.with_name(f"{path.stem}-{month}月{path.suffix}")
        write_atomic(target, tabular.write_csv(sheet.headers, rows))
        parts = []
        for name in dict.fromkeys(
            d.name for t in joint.values() for d in t.departments if d.name != t.lead
        ):
            visited = [
                [t.entity, ends[t].isoformat(), ends[t].isoformat(), NO_PROBLEM]
                for t in order
                if last_month(t) == month and t.draw_id in joint
            ]
            if visited:  # the department's inspectors record their part of the same visits
                part = path.with_name(f"{path.stem}-{month}月-{name}{path.suffix}")
                write_atomic(part, tabular.write_csv(DEPARTMENT_HEADERS, visited))
                parts.append((name, part))
        out.batches.append(Batch(target, done[month], days.after(done[month], 1), tuple(parts)))
    return out


DEPARTMENT_HEADERS = ["统一社会信用代码", "检查开始日期", "检查结束日期", "检查结果"]
