"""The official Chinese working-day calendar (R11, R12).

A day is a working day unless it is a public holiday or a day off moved by the State
Council (调休放假); a Saturday or Sunday is a day off unless the State Council makes it a
working day (调休上班). The yearly schedule comes from the General Office of the State
Council's notice (国务院办公厅关于某年部分节假日安排的通知).

The schedules come from the `holidays` package's China calendar, but only for the years
for which it records the State Council's notice (its special / substituted-holiday table).
For any other year the package would compute the fixed-date holidays only, which is a
guess; such a year is *unknown* here and every question about it raises
`UnknownSchedule`, until a local override (`calendars/<year>.yaml`, read into a
`YearSchedule` by the caller) supplies it. An override replaces the package's data for
its year. This module does no file I/O.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from functools import cache, lru_cache

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = [
    "UnknownSchedule",
    "WorkCalendar",
    "YearSchedule",
    "disclosure_deadline",
    "package_years",
]

_SATURDAY = 5  # date.weekday(): Monday 0 … Sunday 6
_WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class UnknownSchedule(Exception):
    """The State Council's holiday schedule of `year` is not known."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的法定节假日安排尚未收录："
            f"请在 calendars/{year}.yaml 中按国务院办公厅通知补充"
        )


def _shown(day: date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


class YearSchedule(BaseModel):
    """One year's schedule, as a local override file `calendars/<year>.yaml`."""

    model_config = ConfigDict(extra="forbid")

    year: int
    source: str
    holidays: list[date]
    workdays: list[date] = []

    @field_validator("year")
    @classmethod
    def _year_in_range(cls, value: int) -> int:
        if not 1950 <= value <= 9999:
            raise ValueError(f"年份 {value} 不合理")
        return value

    @field_validator("source")
    @classmethod
    def _source_given(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError(
                "source 应写明所依据的通知（国务院办公厅关于某年部分节假日安排的通知及文号）"
            )
        return value

    @model_validator(mode="after")
    def _dates_consistent(self) -> YearSchedule:
        for field, label in (("holidays", "放假日期"), ("workdays", "调休上班日期")):
            outside = [d for d in getattr(self, field) if d.year != self.year]
            if outside:
                shown = "、".join(_shown(d) for d in outside)
                raise ValueError(f"{label} {shown} 不在 {self.year} 年内")
        not_weekend = [d for d in self.workdays if d.weekday() < _SATURDAY]
        if not_weekend:
            shown = "、".join(f"{_shown(d)}（{_WEEKDAY_NAMES[d.weekday()]}）" for d in not_weekend)
            raise ValueError(f"调休上班日期须为周六或周日：{shown} 本来就是工作日")
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            shown = "、".join(_shown(d) for d in both)
            raise ValueError(f"{shown} 不能既是放假日期又是调休上班日期")
        return self


# --- the holidays package's data -------------------------------------------------------


@lru_cache(maxsize=1)
def package_years() -> frozenset[int]:
    """Years whose State Council schedule the installed `holidays` package records.

    These are the years of its China special-holiday table (the days off moved by 调休
    and their weekend working days). Every year since 2001 has such entries; a year
    without any is one for which the package only computes fixed-date holidays.
    """
    from holidays.countries.china import ChinaStaticHolidays

    return frozenset(ChinaStaticHolidays.special_public_holidays)


@lru_cache(maxsize=1)
def _package_calendar():  # -> holidays.China
    import holidays

    # All known years at once, so that weekend working days listed in the following
    # year's notice (e.g. 2001-12-29 in the 2002 notice) are in place.
    return holidays.China(years=sorted(package_years()))


def _year_days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@cache
def _package_working_ordinals(year: int) -> tuple[int, ...]:
    china = _package_calendar()
    return tuple(d.toordinal() for d in _year_days(year) if china.is_working_day(d))


def package_table() -> dict[int, tuple[int, ...]]:
    """The working days (ordinals) of every year the `holidays` package records: what a
    WorkCalendar reads from it, to be kept (making it imports all the package's countries)."""
    return {year: _package_working_ordinals(year) for year in sorted(package_years())}


def _schedule_working_ordinals(schedule: YearSchedule) -> tuple[int, ...]:
    off = set(schedule.holidays)
    on = set(schedule.workdays)
    return tuple(
        d.toordinal()
        for d in _year_days(schedule.year)
        if d in on or (d.weekday() < _SATURDAY and d not in off)
    )


# --- the calendar ----------------------------------------------------------------------


class WorkCalendar:
    """Working days on the official calendar, with local overrides per year."""

    def __init__(
        self,
        overrides: Iterable[YearSchedule] = (),
        package: Mapping[int, Sequence[int]] | None = None,
    ) -> None:
        """`package`: the package's working days as `package_table` gave them (a kept
        copy); None: read from the package."""
        self._package = package
        self._overrides: dict[int, YearSchedule] = {}
        for schedule in overrides:
            if schedule.year in self._overrides:
                raise ValueError(f"{schedule.year} 年的节假日安排重复提供")
            self._overrides[schedule.year] = schedule
        self._ordinals: dict[int, tuple[int, ...]] = {}
        self._sets: dict[int, frozenset[int]] = {}

    @property
    def overrides(self) -> dict[int, YearSchedule]:
        return dict(self._overrides)

    def _in_package(self, year: int) -> bool:
        return year in (self._package if self._package is not None else package_years())

    def known(self, year: int) -> bool:
        return year in self._overrides or self._in_package(year)

    def source(self, year: int) -> str:
        """Where the schedule of `year` comes from, in Chinese."""
        if year in self._overrides:
            return self._overrides[year].source
        if self._in_package(year):
            return f"国务院办公厅关于{year}年部分节假日安排的通知（holidays 软件包收录）"
        raise UnknownSchedule(year)

    def _working(self, year: int) -> tuple[int, ...]:
        cached = self._ordinals.get(year)
        if cached is None:
            if year in self._overrides:
                cached = _schedule_working_ordinals(self._overrides[year])
            elif self._in_package(year):
                cached = (
                    tuple(self._package[year])
                    if self._package is not None
                    else _package_working_ordinals(year)
                )
            else:
                raise UnknownSchedule(year)
            self._ordinals[year] = cached
        return cached

    def is_working_day(self, day: date) -> bool:
        working = self._sets.get(day.year)
        if working is None:
            working = self._sets[day.year] = frozenset(self._working(day.year))
        return day.toordinal() in working

    def add_working_days(self, start: date, n: int) -> date:
        """The `n`-th working day after `start` (`start` itself is not counted)."""
        if n < 0:
            raise ValueError(f"工作日数不能为负数：{n}")
        if n == 0:
            return start
        year = start.year
        working = self._working(year)
        index = bisect_right(working, start.toordinal())
        remaining = n
        while index + remaining > len(working):
            remaining -= len(working) - index
            year += 1
            working = self._working(year)
            index = 0
        return date.fromordinal(working[index + remaining - 1])

    def working_days(self, first: date, last: date) -> int:
        """Working days from `first` to `last`, both included (0 when `last` < `first`)."""
        if last < first:
            return 0
        total = 0
        for year in range(first.year, last.year + 1):
            working = self._working(year)
            low = max(first, date(year, 1, 1)).toordinal()
            high = min(last, date(year, 12, 31)).toordinal()
            total += bisect_right(working, high) - bisect_left(working, low)
        return total

    def working_days_in_year(self, year: int) -> int:
        return len(self._working(year))


def disclosure_deadline(completed: date, calendar: WorkCalendar, days: int = 20) -> date:
    """Last day to publish the results of an inspection completed on `completed` (R11).

    Published within `days` working days of the end of the inspection: the first working
    day after the completion date is day 1.
    """
    return calendar.add_working_days(completed, days)
