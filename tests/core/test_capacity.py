"""R12 capacity arithmetic, checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from shuangsuiji.core.calendar import WorkCalendar
from shuangsuiji.core.capacity import (
    NON_ENFORCEMENT_CATEGORIES,
    OTHER_ENFORCEMENT_CATEGORIES,
    CapacityInput,
    CapacityResult,
    compute_capacity,
)

D = Decimal


def _bureau(**changes) -> CapacityInput:
    data = {
        "working_days": 248,  # 2026, see test_calendar
        "officers": 8,
        "other_enforcement_days": {
            "行政许可": "120",
            "事故调查": "60",
            "投诉举报核查": "80",
            "联合执法": "40",
            "宣传培训": "50",
            "专项检查": "150",
        },
        "non_enforcement_days": {
            "值班": "96",
            "学习会议": "120",
            "病事假": "40",
            "年休假": "80",
            "其他": "30",
        },
        "tasks": 150,
        "team_size": 2,
        "days_per_task": "1.5",
        "reinspections": 60,
        "days_per_reinspection": "0.5",
        "revisits": 20,
        "days_per_revisit": "0.5",
    }
    data.update(changes)
    return CapacityInput.model_validate(data)


def _messages(error: ValidationError) -> str:
    return " ".join(str(e["msg"]) for e in error.errors())


def test_hand_checked_case_fits() -> None:
    result = compute_capacity(_bureau())
    # gross: 248 working days × 8 officers = 1984
    assert result.gross_days == D(1984)
    # other enforcement: 120 + 60 + 80 + 40 + 50 + 150 = 500
    assert result.other_enforcement_total == D(500)
    # non-enforcement: 96 + 120 + 40 + 80 + 30 = 366
    assert result.non_enforcement_total == D(366)
    # available: 1984 − 500 − 366 = 1118
    assert result.available_days == D(1118)
    # tasks: 150 × 2 × 1.5 = 450
    assert result.task_days == D(450)
    # re-inspections: 60 × 2 × 0.5 = 60
    assert result.reinspection_days == D(60)
    # return visits: 20 × 2 × 0.5 = 20
    assert result.revisit_days == D(20)
    # required: 450 + 60 + 20 = 530
    assert result.required_days == D(530)
    # margin: 1118 − 530 = 588
    assert result.margin == D(588)
    assert result.fits is True
    # utilisation: 530 / 1118 = 0.474060… → 0.4741
    assert result.utilisation == D("0.4741")
    assert str(result.utilisation) == "0.4741"


def test_working_days_from_the_calendar() -> None:
    working_days = WorkCalendar().working_days_in_year(2026)
    assert compute_capacity(_bureau(working_days=working_days)).gross_days == D(1984)


def test_case_that_does_not_fit() -> None:
    # Same bureau, 400 tasks of 3 officers for 1 day, no re-inspections or visits:
    # required 400 × 3 × 1 = 1200 > available 1118.
    result = compute_capacity(
        _bureau(tasks=400, team_size=3, days_per_task="1", reinspections=0, revisits=0)
    )
    assert result.available_days == D(1118)
    assert result.task_days == D(1200)
    assert result.reinspection_days == D(0)
    assert result.revisit_days == D(0)
    assert result.required_days == D(1200)
    # margin: 1118 − 1200 = −82
    assert result.margin == D(-82)
    assert result.fits is False
    # utilisation: 1200 / 1118 = 1.073345… → 1.0733
    assert result.utilisation == D("1.0733")


def test_re_inspections_tip_the_balance() -> None:
    # 150 × 2 × 1.5 = 450 for tasks; 1118 − 450 = 668 left, and re-inspections of
    # 335 × 2 × 1 = 670 person-days do not fit: 450 + 670 = 1120 > 1118 by 2.
    result = compute_capacity(
        _bureau(reinspections=335, days_per_reinspection="1", revisits=0, days_per_revisit="0")
    )
    assert result.required_days == D(1120)
    assert result.margin == D(-2)
    assert result.fits is False


def test_exactly_full_fits() -> None:
    # Required equal to available fits: 559 tasks × 2 × 1 = 1118.
    result = compute_capacity(_bureau(tasks=559, days_per_task="1", reinspections=0, revisits=0))
    assert result.required_days == result.available_days == D(1118)
    assert result.margin == D(0)
    assert result.fits is True
    assert result.utilisation == D("1.0000")


def test_decimal_arithmetic_is_exact() -> None:
    # 0.1 person-days are not exact in binary floating point; here 3 × 2 × 0.1 is 0.6.
    result = compute_capacity(
        _bureau(
            tasks=3,
            days_per_task=0.1,
            reinspections=0,
            revisits=0,
            other_enforcement_days={"行政许可": "0.1", "事故调查": "0.2"},
            non_enforcement_days={},
        )
    )
    assert result.task_days == D("0.6")
    assert result.other_enforcement_total == D("0.3")
    assert result.available_days == D("1983.7")
    assert result.non_enforcement_total == D(0)


def test_nothing_available() -> None:
    # Deductions larger than the gross: available is negative, no utilisation.
    result = compute_capacity(_bureau(working_days=100, officers=1))
    # 100 × 1 − 500 − 366 = −766
    assert result.available_days == D(-766)
    assert result.fits is False
    assert result.utilisation is None
    empty = compute_capacity(
        _bureau(
            working_days=0,
            other_enforcement_days={},
            non_enforcement_days={},
            tasks=0,
            reinspections=0,
            revisits=0,
        )
    )
    assert empty.available_days == empty.required_days == D(0)
    assert empty.fits is True
    assert empty.utilisation is None


def test_result_round_trips_as_json() -> None:
    result = compute_capacity(_bureau())
    assert CapacityResult.model_validate_json(result.model_dump_json()) == result


def test_usual_categories() -> None:
    assert "投诉举报核查" in OTHER_ENFORCEMENT_CATEGORIES
    assert "年休假" in NON_ENFORCEMENT_CATEGORIES


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"working_days": -1}, "年度法定工作日数不能为负数：-1"),
        ({"working_days": 400}, "年度法定工作日数不能超过一年的天数：400"),
        ({"officers": 0}, "执法人员数至少为 1：0"),
        ({"tasks": -5}, "检查任务数不能为负数：-5"),
        ({"reinspections": -1}, "复查次数不能为负数：-1"),
        ({"revisits": -1}, "回访次数不能为负数：-1"),
        ({"days_per_task": "-0.5"}, "每项检查天数不能为负数：-0.5"),
        ({"days_per_reinspection": "-1"}, "每次复查天数不能为负数：-1"),
        ({"days_per_revisit": "-1"}, "每次回访天数不能为负数：-1"),
        ({"team_size": 1}, "每组检查人数不得少于 2 名执法人员：1"),
        ({"team_size": 0}, "每组检查人数不得少于 2 名执法人员：0"),
        ({"other_enforcement_days": {"事故调查": "-3"}}, "其他执法工作日“事故调查”不能为负数：-3"),
        ({"non_enforcement_days": {"值班": "-1"}}, "非执法工作日“值班”不能为负数：-1"),
        ({"non_enforcement_days": {" ": "1"}}, "非执法工作日的类别名称不能为空"),
        ({"days_per_task": "NaN"}, "每项检查天数应为数值"),
        ({"days_per_task": "一天"}, "每项检查天数应为数值"),
        ({"tasks": "多"}, "检查任务数应为整数"),
        ({"tasks": 1.5}, "检查任务数应为整数"),
        ({"officers": True}, "执法人员数应为整数"),
        ({"non_enforcement_days": {"值班": "1", "值班 ": "2"}}, "非执法工作日的类别“值班”重复"),
        ({"non_enforcement_days": ["值班"]}, "非执法工作日应按类别列出天数"),
    ],
)
def test_invalid_input_refused_in_chinese(changes: dict, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _bureau(**changes)
    assert message in _messages(caught.value)


def test_unknown_field_refused() -> None:
    with pytest.raises(ValidationError):
        _bureau(inspectors=8)
