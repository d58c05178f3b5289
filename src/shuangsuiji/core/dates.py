"""Honest dates: what a date given on the command line may be (docs/security.md 诚实的日期).

Two kinds of date reach ssj from its user:
- the date of an act ssj performs and records at once (a draw, a publication): never in
  the future, within the years its plan year allows, and earlier than the day of recording
  only as a late entry with its reason;
- the date of a field event recorded afterwards (an inspection, a re-inspection, a return
  visit): naturally in the past, but never in the future and never before the draw that
  made the task.

Pure: the caller passes today by its clock.
"""

from __future__ import annotations

from datetime import date

from .problems import InputError


def act_day(
    given: date | None,
    *,
    today: date,
    years: range,
    reason: str | None,
    what: str,
    option: str = "--date",
) -> tuple[date, str | None]:
    """The day of an act and its late-entry reason (None when it is recorded on its day)."""
    if given is None and today.year not in years:
        first = years[0]
        if today.year < first:
            raise InputError(f"今天是 {today}：{first} 年度还没有开始，{what}只能在 {first} 年之内")
        raise InputError(
            f"今天（{today}）已过了 {first} 年度：为以往年度补录，须用 {option} 写明当时的日期、"
            f"用 --reason 写明为何当时未用 ssj 记录（如 {option} {first}-03-01 --reason "
            "当时用纸质抽签，现补录）"
        )
    day = given or today
    if day > today:
        raise InputError(f"{option} {day}：{what}不能是将来的日期（今天是 {today}）")
    if day.year not in years:
        allowed = f"{years[0]} 年" if len(years) == 1 else f"{years[0]}–{years[-1]} 年"
        raise InputError(f"{option} {day}：{what}应在 {allowed}之内")
    reason = (reason or "").strip() or None
    if day < today and reason is None:
        raise InputError(
            f"{option} {day} 早于今天（{today}）：这是补录，须用 --reason 写明为何{what}"
            "未在当天记录；审计按记录之日判断期限，并列出补录"
        )
    return day, reason if day < today else None


def field_day(day: date, *, today: date, not_before: date | None, what: str, option: str) -> date:
    """A field event's date: not in the future, not before the act it follows."""
    if day > today:
        raise InputError(f"{option} {day}：{what}不能是将来的日期（今天是 {today}）")
    if not_before is not None and day < not_before:
        raise InputError(f"{option} {day}：{what}不能早于 {not_before}")
    return day


def judged_day(claimed: date, recorded: date) -> date:
    """The day deadlines and cooldowns are judged on: a late entry counts from its recording."""
    return max(claimed, recorded)
