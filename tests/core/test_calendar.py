"""The official working-day calendar, checked against the State Council's 2026 notice."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shuangsuiji.core.calendar import (
    UnknownSchedule,
    WorkCalendar,
    YearSchedule,
    disclosure_deadline,
    package_years,
)


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# 国务院办公厅关于2026年部分节假日安排的通知, transcribed by hand (independent of the
# holidays package):
#   元旦 1月1日至3日放假，1月4日（周日）上班；
#   春节 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班；
#   清明节 4月4日至6日放假；
#   劳动节 5月1日至5日放假，5月9日（周六）上班；
#   端午节 6月19日至21日放假；
#   中秋节 9月25日至27日放假；
#   国庆节 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班。
NOTICE_2026_OFF = [
    *_span(date(2026, 1, 1), date(2026, 1, 3)),
    *_span(date(2026, 2, 15), date(2026, 2, 23)),
    *_span(date(2026, 4, 4), date(2026, 4, 6)),
    *_span(date(2026, 5, 1), date(2026, 5, 5)),
    *_span(date(2026, 6, 19), date(2026, 6, 21)),
    *_span(date(2026, 9, 25), date(2026, 9, 27)),
    *_span(date(2026, 10, 1), date(2026, 10, 7)),
]
NOTICE_2026_ON = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]
NOTICE_2026_SOURCE = "国务院办公厅关于2026年部分节假日安排的通知"


def _notice_2026(**changes) -> YearSchedule:
    data = {
        "year": 2026,
        "source": NOTICE_2026_SOURCE,
        "holidays": NOTICE_2026_OFF,
        "workdays": NOTICE_2026_ON,
    }
    data.update(changes)
    return YearSchedule(**data)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


# --- which years the package knows -----------------------------------------------------


def test_package_knows_the_notices_from_2001() -> None:
    years = package_years()
    assert set(range(2001, 2027)) <= years
    # A continuous run: no gap for which only fixed-date holidays would be computed.
    assert years == set(range(min(years), max(years) + 1))


def test_years_without_a_notice_are_unknown(cal: WorkCalendar) -> None:
    last = max(package_years())
    assert cal.known(last)
    assert not cal.known(last + 1)
    assert not cal.known(2000)  # the package computes 2000 but records no notice for it
    with pytest.raises(UnknownSchedule) as caught:
        cal.is_working_day(date(last + 1, 3, 3))
    assert caught.value.year == last + 1
    with pytest.raises(UnknownSchedule):
        cal.is_working_day(date(2000, 1, 3))


def test_unknown_schedule_message() -> None:
    error = UnknownSchedule(2100)
    assert error.year == 2100
    assert str(error) == (
        "2100 年的法定节假日安排尚未收录：请在 calendars/2100.yaml 中按国务院办公厅通知补充"
    )


# --- 2026 against the notice -----------------------------------------------------------


def test_every_day_of_2026_matches_the_notice(cal: WorkCalendar) -> None:
    off, on = set(NOTICE_2026_OFF), set(NOTICE_2026_ON)
    for day in _span(date(2026, 1, 1), date(2026, 12, 31)):
        expected = day in on or (day.weekday() < 5 and day not in off)
        assert cal.is_working_day(day) is expected, day


def test_working_days_in_2026_hand_checked(cal: WorkCalendar) -> None:
    # 2026 has 365 days, 1 January is a Thursday: 52 full weeks + one Thursday,
    # so 104 Saturdays/Sundays and 261 weekdays.
    # Days off falling on a weekday (from the notice):
    #   元旦 1/1 Thu, 1/2 Fri                         2
    #   春节 2/16 Mon … 2/20 Fri, 2/23 Mon            6
    #   清明 4/6 Mon                                   1
    #   劳动节 5/1 Fri, 5/4 Mon, 5/5 Tue               3
    #   端午 6/19 Fri                                  1
    #   中秋 9/25 Fri                                  1
    #   国庆 10/1 Thu, 10/2 Fri, 10/5 Mon … 10/7 Wed   5   -> 19
    # Weekend working days: 1/4, 2/14, 2/28, 5/9, 9/20, 10/10 -> 6
    # 365 - 104 - 19 + 6 = 248
    assert cal.working_days_in_year(2026) == 248
    assert cal.working_days(date(2026, 1, 1), date(2026, 12, 31)) == 248


def test_2025_hand_checked(cal: WorkCalendar) -> None:
    # 2025: 1 January a Wednesday, 261 weekdays; weekday days off 1 (元旦) + 6 (春节
    # 1/28-1/31, 2/3-2/4) + 1 (清明 4/4) + 3 (劳动节 5/1, 5/2, 5/5) + 1 (端午 6/2)
    # + 6 (国庆中秋 10/1-10/3, 10/6-10/8) = 18; weekend working days 1/26, 2/8, 4/27,
    # 9/28, 10/11 = 5.  261 - 18 + 5 = 248.
    assert cal.working_days_in_year(2025) == 248


@pytest.mark.parametrize(
    ("completed", "due"),
    [
        # 9/25-9/27 中秋, 10/1-10/7 国庆, 10/10 (Sat) a working day.
        (date(2026, 9, 24), date(2026, 10, 29)),
        # 2/14 (Sat) works, 2/15-2/23 春节, 2/28 (Sat) works.
        (date(2026, 2, 6), date(2026, 3, 12)),
        # 5/1-5/5 劳动节, 5/9 (Sat) works.
        (date(2026, 4, 30), date(2026, 6, 1)),
        # Crossing the year: 12/16-12/31 = 12, 1/1-1/3 off, 1/4 (Sun) = 13,
        # 1/5-1/9 = 18, 1/12 = 19, 1/13 = 20.
        (date(2025, 12, 15), date(2026, 1, 13)),
        # Completed on a day off (Sat 10/3): 10/8, 10/9, 10/10 = 3, five weeks of
        # Monday-Friday 10/12-11/13 would overshoot: 10/12-10/30 = 18, 11/2, 11/3 = 20.
        (date(2026, 10, 3), date(2026, 11, 3)),
    ],
)
def test_disclosure_deadline(cal: WorkCalendar, completed: date, due: date) -> None:
    assert disclosure_deadline(completed, cal) == due
    assert cal.working_days(completed + timedelta(days=1), due) == 20


def test_custom_number_of_days(cal: WorkCalendar) -> None:
    assert disclosure_deadline(date(2026, 9, 24), cal, days=3) == date(2026, 9, 30)
    assert cal.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert cal.add_working_days(date(2026, 10, 9), 0) == date(2026, 10, 9)
    with pytest.raises(ValueError, match="不能为负数"):
        cal.add_working_days(date(2026, 10, 9), -1)


def test_working_days_counts_inclusive(cal: WorkCalendar) -> None:
    assert cal.working_days(date(2026, 10, 10), date(2026, 10, 10)) == 1
    assert cal.working_days(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert cal.working_days(date(2026, 10, 2), date(2026, 10, 1)) == 0
    # 2025-12-29 Mon … 2026-01-04 Sun: 12/29, 12/30, 12/31 and Sunday 1/4.
    assert cal.working_days(date(2025, 12, 29), date(2026, 1, 4)) == 4
    assert cal.working_days(date(2025, 1, 1), date(2026, 12, 31)) == 248 + 248


def test_agrees_with_the_package_every_known_day(cal: WorkCalendar) -> None:
    years = sorted(package_years())
    china = holidays.China(years=years)
    for day in _span(date(years[0], 1, 1), date(years[-1], 12, 31)):
        assert cal.is_working_day(day) is china.is_working_day(day), day


def test_cross_year_weekend_workday_of_an_older_notice(cal: WorkCalendar) -> None:
    # The 2002 notice made Saturday/Sunday 2001-12-29/30 working days.
    assert cal.is_working_day(date(2001, 12, 29))
    assert cal.is_working_day(date(2001, 12, 30))
    assert not cal.is_working_day(date(2002, 1, 2))


@given(
    start=st.dates(min_value=date(2001, 1, 1), max_value=date(2026, 10, 31)),
    n=st.integers(min_value=1, max_value=40),
)
def test_add_and_count_agree(start: date, n: int) -> None:
    cal = WorkCalendar()
    end = cal.add_working_days(start, n)
    assert cal.is_working_day(end)
    assert cal.working_days(start + timedelta(days=1), end) == n
    assert cal.working_days(start + timedelta(days=1), end - timedelta(days=1)) == n - 1


# --- the unknown year -------------------------------------------------------------------


def test_deadline_in_an_unknown_year_is_refused(cal: WorkCalendar) -> None:
    last = max(package_years())  # 2026 with holidays 0.109
    with pytest.raises(UnknownSchedule) as caught:
        disclosure_deadline(date(last, 12, 20), cal)
    assert caught.value.year == last + 1
    assert f"calendars/{last + 1}.yaml" in str(caught.value)
    # Completed in the unknown year itself.
    with pytest.raises(UnknownSchedule):
        disclosure_deadline(date(last + 1, 3, 1), cal)
    with pytest.raises(UnknownSchedule):
        cal.working_days(date(last, 12, 1), date(last + 1, 1, 31))
    with pytest.raises(UnknownSchedule):
        cal.working_days_in_year(last + 1)


def test_deadline_wholly_before_the_unknown_year_is_given(cal: WorkCalendar) -> None:
    last = max(package_years())
    due = disclosure_deadline(date(last, 11, 20), cal)
    assert due.year == last


# --- overrides --------------------------------------------------------------------------


def test_override_equal_to_the_notice_changes_nothing() -> None:
    cal = WorkCalendar([_notice_2026()])
    assert cal.known(2026)
    assert cal.working_days_in_year(2026) == 248
    assert disclosure_deadline(date(2026, 9, 24), cal) == date(2026, 10, 29)
    assert disclosure_deadline(date(2026, 2, 6), cal) == date(2026, 3, 12)
    assert disclosure_deadline(date(2026, 4, 30), cal) == date(2026, 6, 1)
    assert cal.source(2026) == NOTICE_2026_SOURCE


def test_override_moves_the_deadline() -> None:
    # Suppose 2026-10-08 (Thu) were made a day off: the deadline of 9/24 moves a day,
    # from 10/29 to 10/30. Add Sunday 10/11 as a working day and it is back on 10/29.
    only_off = WorkCalendar([_notice_2026(holidays=[*NOTICE_2026_OFF, date(2026, 10, 8)])])
    assert disclosure_deadline(date(2026, 9, 24), only_off) == date(2026, 10, 30)
    assert only_off.working_days_in_year(2026) == 247
    swapped = WorkCalendar(
        [
            _notice_2026(
                holidays=[*NOTICE_2026_OFF, date(2026, 10, 8)],
                workdays=[*NOTICE_2026_ON, date(2026, 10, 11)],
            )
        ]
    )
    assert disclosure_deadline(date(2026, 9, 24), swapped) == date(2026, 10, 29)
    assert swapped.is_working_day(date(2026, 10, 11))
    # The package's calendar itself is untouched.
    assert disclosure_deadline(date(2026, 9, 24), WorkCalendar()) == date(2026, 10, 29)


def test_override_replaces_the_package_year() -> None:
    # An override with no days at all: 2026 becomes a plain Monday-Friday year.
    bare = WorkCalendar([YearSchedule(year=2026, source="测试", holidays=[])])
    assert bare.working_days_in_year(2026) == 261
    assert not bare.is_working_day(date(2026, 10, 10))
    assert bare.is_working_day(date(2026, 10, 1))
    # 9/25 … 10/22 holds 20 weekdays.
    assert disclosure_deadline(date(2026, 9, 24), bare) == date(2026, 10, 22)


def test_override_makes_an_unknown_year_known() -> None:
    unknown = max(package_years()) + 1
    jan1 = date(unknown, 1, 1)
    # A made-up schedule (test data, not a real notice): New Year's Day off, and the
    # first Saturday of the year a working day.
    first_saturday = jan1 + timedelta(days=(5 - jan1.weekday()) % 7)
    schedule = YearSchedule(
        year=unknown,
        source="测试用虚构安排",
        holidays=[jan1],
        workdays=[first_saturday],
    )
    cal = WorkCalendar([schedule])
    assert cal.known(unknown)
    assert not cal.known(unknown + 1)
    assert not cal.is_working_day(jan1)
    assert cal.is_working_day(first_saturday)
    due = disclosure_deadline(date(unknown - 1, 12, 20), cal)
    assert due.year == unknown
    assert cal.working_days(date(unknown - 1, 12, 21), due) == 20
    with pytest.raises(UnknownSchedule) as caught:
        disclosure_deadline(date(unknown, 12, 20), cal)
    assert caught.value.year == unknown + 1


def test_duplicate_override_refused() -> None:
    with pytest.raises(ValueError, match="重复"):
        WorkCalendar([_notice_2026(), _notice_2026()])


def test_year_schedule_accepts_iso_strings() -> None:
    schedule = YearSchedule.model_validate(
        {
            "year": 2027,
            "source": "测试",
            "holidays": ["2027-01-01"],
            "workdays": ["2027-01-02"],
        }
    )
    assert schedule.holidays == [date(2027, 1, 1)]
    assert schedule.workdays == [date(2027, 1, 2)]


# --- YearSchedule validation ------------------------------------------------------------


def _messages(error: ValidationError) -> str:
    return " ".join(str(e["msg"]) for e in error.errors())


def test_date_outside_the_year_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        _notice_2026(holidays=[*NOTICE_2026_OFF, date(2027, 1, 1)])
    assert "2027 年 1 月 1 日 不在 2026 年内" in _messages(caught.value)
    with pytest.raises(ValidationError) as caught:
        _notice_2026(workdays=[date(2025, 12, 27)])
    assert "调休上班日期 2025 年 12 月 27 日 不在 2026 年内" in _messages(caught.value)


def test_workday_on_a_weekday_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        _notice_2026(workdays=[*NOTICE_2026_ON, date(2026, 10, 9)])
    message = _messages(caught.value)
    assert "调休上班日期须为周六或周日" in message
    assert "2026 年 10 月 9 日（周五）" in message


def test_date_in_both_lists_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        _notice_2026(holidays=[*NOTICE_2026_OFF, date(2026, 10, 10)])
    assert "2026 年 10 月 10 日 不能既是放假日期又是调休上班日期" in _messages(caught.value)


def test_unknown_keys_and_blank_source_refused() -> None:
    with pytest.raises(ValidationError):
        YearSchedule(year=2026, source="测试", holidays=[], note="x")
    with pytest.raises(ValidationError) as caught:
        YearSchedule(year=2026, source="  ", holidays=[])
    assert "source 应写明所依据的通知" in _messages(caught.value)
    with pytest.raises(ValidationError):
        YearSchedule(year=2026, source="测试")  # holidays is required
