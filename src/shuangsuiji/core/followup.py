"""What is due after an inspection, as of a day: pure rules (R9b, R10, R11, 回访).

- R9b: a task whose period is over needs a record.
- R10: a hazard ordered fixed by a deadline needs a re-inspection by that deadline, and
  stays open until a re-inspection finds it fixed.
- R11: a result is published within `days` working days of the end of the inspection,
  on the official calendar; a deadline in a year whose schedule is unknown is flagged
  (`Due.flag`), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from . import algorithm
from .calendar import UnknownSchedule, WorkCalendar, disclosure_deadline
from .results import Finding

TaskState = Literal["recorded", "pending", "missing"]
HazardState = Literal["on_site", "closed", "due", "overdue", "unfixed"]
DisclosureState = Literal["disclosed", "late", "due", "overdue", "unknown"]


@dataclass(frozen=True)
class Due:
    """A deadline, or why it cannot be computed (`flag`, in Chinese)."""

    deadline: date | None
    flag: str | None = None


def task_state(recorded: bool, period_end: date, as_of: date) -> TaskState:
    """R9b: a task without a record is `missing` once its period is over."""
    if recorded:
        return "recorded"
    return "missing" if as_of > period_end else "pending"


def hazard_state(finding: Finding, as_of: date) -> HazardState:
    """R10, for one finding.

    on_site: fixed on the spot; closed: a re-inspection found it fixed; unfixed: re-inspected
    but not fixed yet; due: no re-inspection, deadline not passed; overdue: no re-inspection
    and the deadline has passed.
    """
    if finding.on_site:
        return "on_site"
    if finding.closed:
        return "closed"
    if finding.reinspections:
        return "unfixed"
    assert finding.deadline is not None  # guaranteed by Finding
    return "overdue" if as_of > finding.deadline else "due"


def reinspected_on_time(finding: Finding) -> bool | None:
    """R10's "100% re-inspected on time": None when no re-inspection is needed or made yet."""
    if finding.on_site or not finding.reinspections or finding.deadline is None:
        return None
    return finding.reinspections[0].date <= finding.deadline


def disclosure_due(completed: date, calendar: WorkCalendar, days: int = 20) -> Due:
    """R11: the last day to publish a result of an inspection that ended on `completed`."""
    try:
        return Due(disclosure_deadline(completed, calendar, days))
    except UnknownSchedule as exc:
        return Due(None, str(exc))


def disclosure_state(due: Due, disclosed: date | None, as_of: date) -> DisclosureState:
    if disclosed is not None:
        if due.deadline is not None and disclosed > due.deadline:
            return "late"
        return "disclosed"
    if due.deadline is None:
        return "unknown"
    return "overdue" if as_of > due.deadline else "due"


def is_overdue(state: DisclosureState) -> bool:
    """`overdue` of `ssj disclose status`: published late, or not published in time."""
    return state in ("late", "overdue")


def revisit_size(inspected: int, ratio: Decimal) -> int:
    """k = ceil(ratio × N) of the year's inspected units (江西省意见 §(十五): not below 10%)."""
    return algorithm.sample_size(inspected, ratio=ratio)


STATE_NAMES = {
    "recorded": "已记录",
    "pending": "进行中",
    "missing": "逾期未记录",
    "on_site": "当场整改",
    "closed": "已整改",
    "due": "待办",
    "overdue": "逾期",
    "unfixed": "复查未整改",
    "disclosed": "已公开",
    "late": "逾期公开",
    "unknown": "期限未知",
}
