"""The result models (core/results.py) and the pure rules on them (recording, followup)."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from results_flow import HEADERS
from shuangsuiji.core import followup, recording
from shuangsuiji.core.calendar import WorkCalendar, YearSchedule
from shuangsuiji.core.models import Inspector, Item
from shuangsuiji.core.recording import TaskRef
from shuangsuiji.core.results import (
    NOT_REACHED,
    RESULT_CODES,
    REVISIT_QUESTIONS,
    AnswerFile,
    Finding,
    Penalty,
    RecordFile,
    RecordRow,
    RecordVersion,
    parse_deadline,
    parse_money,
)

NOW = datetime(2026, 3, 10, 9, 0)


def version(**changes) -> RecordVersion:
    data = {
        "version": 1,
        "draw_id": "2026-1",
        "recorded_at": NOW,
        "change": "记录",
        "start": "2026-03-09",
        "end": "2026-03-10",
        "inspectors": ["A1", "A2"],
        "items": ["TY-01"],
        "result": "未发现问题",
    }
    data.update(changes)
    return RecordVersion.model_validate(data)


HAZARD = {"description": "安全出口锁闭", "deadline": "2026-03-24"}


# ---------------------------------------------------------------- coded values


def test_result_codes_are_those_of_rules_md():
    assert RESULT_CODES[:3] == ("未发现问题", "发现问题已责令改正", "发现问题待后续处理")
    for code in (
        "未发现开展本次抽查涉及的经营活动",
        "通过登记的住所(经营场所)无法联系",
        "已关闭停业或正在组织清算",
        "不配合检查情节严重",
    ):
        assert code in RESULT_CODES
    assert set(RESULT_CODES) >= NOT_REACHED


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("未发现问题", "未发现问题"),
        (" 未发现 问题 ", "未发现问题"),
        ("通过登记的住所（经营场所）无法联系", "通过登记的住所(经营场所)无法联系"),
        ("公示信息隐瞒真实情况，弄虚作假", "公示信息隐瞒真实情况、弄虚作假"),
    ],
)
def test_result_variants(written, code):
    assert version(result=written).result == code


def test_unknown_result_names_the_allowed_codes():
    with pytest.raises(ValidationError) as caught:
        version(result="良好")
    assert "未发现问题" in str(caught.value) and "良好" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("5000", Decimal(5000)),
        ("5,000元", Decimal(5000)),
        ("0.5万元", Decimal(5000)),
        ("12.5", Decimal("12.5")),
    ],
)
def test_money(text, amount):
    assert parse_money(text) == amount


@pytest.mark.parametrize("text", ["-1", "abc", "1.234", "NaN"])
def test_bad_money(text):
    with pytest.raises(ValueError):
        parse_money(text)


def test_deadline_or_on_site():
    assert parse_deadline("2026年3月24日") == (date(2026, 3, 24), False)
    assert parse_deadline("当场整改") == (None, True)
    with pytest.raises(ValueError):
        parse_deadline("尽快")


# ---------------------------------------------------------------- findings, penalties, versions


def test_a_finding_needs_a_deadline_or_on_site():
    assert Finding.model_validate(HAZARD).level == "一般事故隐患"
    assert Finding.model_validate({"description": "x", "on_site": "是"}).closed
    with pytest.raises(ValidationError, match="整改期限"):
        Finding.model_validate({"description": "x"})
    with pytest.raises(ValidationError, match="当场整改"):
        Finding.model_validate({**HAZARD, "on_site": True})


def test_level_variants():
    assert Finding.model_validate({**HAZARD, "level": "重大"}).level == "重大事故隐患"
    with pytest.raises(ValidationError, match="隐患等级"):
        Finding.model_validate({**HAZARD, "level": "特大"})


def test_a_finding_is_closed_by_a_fixed_reinspection_and_then_no_more():
    open_ = Finding.model_validate(
        {**HAZARD, "reinspections": [{"date": "2026-03-24", "outcome": "未完成整改"}]}
    )
    assert not open_.closed and open_.reinspections[0].outcome == "未整改"
    fixed = Finding.model_validate(
        {
            **HAZARD,
            "reinspections": [
                {"date": "2026-03-24", "outcome": "未整改"},
                {"date": "2026-03-30", "outcome": "整改完毕"},
            ],
        }
    )
    assert fixed.closed
    with pytest.raises(ValidationError, match="不应再有复查"):
        Finding.model_validate(
            {
                **HAZARD,
                "reinspections": [
                    {"date": "2026-03-24", "outcome": "已整改"},
                    {"date": "2026-03-30", "outcome": "已整改"},
                ],
            }
        )


def test_penalty_rules():
    assert (
        Penalty.model_validate({"decision": "青应急罚〔2026〕3号", "amount": "2万元"}).amount
        == 20000
    )
    assert Penalty.model_validate({"waived": True}).waived
    with pytest.raises(ValidationError, match="决定书文号"):
        Penalty.model_validate({"amount": 100})
    with pytest.raises(ValidationError, match="首违不罚"):
        Penalty.model_validate({"waived": True, "amount": 100})


def test_result_and_findings_agree():
    with pytest.raises(ValidationError, match="未发现问题"):
        version(findings=[HAZARD])
    with pytest.raises(ValidationError, match="须记录发现的问题"):
        version(result="发现问题已责令改正")
    assert version(result="发现问题已责令改正", findings=[HAZARD]).open_findings()
    with pytest.raises(ValidationError, match="开始日期晚于"):
        version(start="2026-03-11")
    with pytest.raises(ValidationError, match="理由"):
        version(version=2, change="更正")


def test_record_file_versions_are_numbered_and_typed():
    first = version()
    second = version(version=2, change="补充")
    assert RecordFile(year=2026, entity="91350100M000100Y43", name="甲", versions=[first, second])
    with pytest.raises(ValidationError, match="连续编号"):
        RecordFile(year=2026, entity="91350100M000100Y43", name="甲", versions=[first, first])
    with pytest.raises(ValidationError, match="第一版"):
        RecordFile(
            year=2026,
            entity="91350100M000100Y43",
            name="甲",
            versions=[second.model_copy(update={"version": 1})],
        )
    # Two tasks of one unit: each starts with its own 记录.
    other = version(version=2, draw_id="2026-2")
    both = RecordFile(year=2026, entity="91350100M000100Y43", name="甲", versions=[first, other])
    assert both.current("2026-1") == first and both.current() == other
    assert both.draw_ids() == ["2026-1", "2026-2"]


def test_record_row_takes_the_product_headers():
    row = RecordRow.model_validate(
        {
            "entity": "91350100M000100Y43",
            "end": "2026/3/10",
            "inspectors": "A1、A2；A3",
            "result": "未发现问题",
            "amount": "1,000",
        }
    )
    assert row.end == date(2026, 3, 10) and row.inspectors == ["A1", "A2", "A3"]
    assert row.amount == 1000
    titles = {info.title for info in RecordRow.model_fields.values()}
    assert set(HEADERS) <= titles  # the record --from headers of PRODUCT.md
    with pytest.raises(ValidationError, match="校验"):
        RecordRow.model_validate({"entity": "91350100M000100Y44"})


def test_answer_file_has_one_answer_per_question():
    base = {
        "version": 1,
        "recorded_at": NOW,
        "change": "记录",
        "date": "2026-12-01",
        "visitors": "王敏",
        "answers": ["是"] * 8,
    }
    ok = AnswerFile(
        year=2026,
        draw_id="2026-revisit",
        entity="91350100M000100Y43",
        name="甲",
        questions=list(REVISIT_QUESTIONS),
        versions=[base],
    )
    assert len(ok.current().answers) == 8 == len(REVISIT_QUESTIONS)
    with pytest.raises(ValidationError, match="8 题"):
        AnswerFile(
            year=2026,
            draw_id="2026-revisit",
            entity="91350100M000100Y43",
            name="甲",
            questions=list(REVISIT_QUESTIONS),
            versions=[{**base, "answers": ["是"] * 7}],
        )


# ---------------------------------------------------------------- recording rules


PEOPLE = {
    "A1": Inspector(id="A1", name="甲一", valid_until="2030-01-01"),
    "A2": Inspector(id="A2", name="甲二", valid_until="2030-01-01"),
    "A3": Inspector(id="A3", name="甲三", valid_until="2026-03-01"),
    "E1": Inspector(id="E1", name="专家", role="专家"),
}
ITEMS = {"TY-01": Item(code="TY-01", name="主要负责人履行职责情况")}
TASK = TaskRef(
    year=2026,
    draw_id="2026-1",
    draw_date=date(2026, 3, 1),
    entity="91350100M000100Y43",
    name="甲",
    period="2-3",
    officers=("A1", "A2"),
    experts=("E1",),
    checklist=("TY-01",),
)


def problems(v: RecordVersion, recorded_on: date = date(2026, 12, 31)) -> dict[str, str]:
    return dict(recording.check(v, TASK, PEOPLE, ITEMS, recorded_on=recorded_on))


def test_an_inspection_or_reinspection_after_the_day_of_recording_is_refused():
    v = version(start="2026-04-10", end="2026-04-10")
    assert "检查结束日期" in problems(v, recorded_on=date(2026, 4, 9))
    assert "检查结束日期" not in problems(v, recorded_on=date(2026, 4, 10))


def test_the_assigned_team_needs_nothing_more():
    assert problems(version()) == {}
    assert problems(version(inspectors=["A1", "A2", "E1"])) == {}


def test_two_officers_at_least_experts_do_not_count():
    found = problems(version(inspectors=["A1", "E1"], team_reason="甲二病假"))
    assert "至少应有 2 名" in found["检查人员"]


def test_a_change_of_team_needs_a_reason():
    found = problems(version(inspectors=["A1", "A3"], start="2026-03-01", end="2026-03-01"))
    assert "人员变动理由" in found and "甲三（A3）" in found["人员变动理由"]
    assert (
        problems(
            version(
                inspectors=["A1", "A3"],
                start="2026-03-01",
                end="2026-03-01",
                team_reason="甲二借调",
            )
        )
        == {}
    )


def test_certificates_unknown_people_items_and_dates():
    found = problems(version(inspectors=["A1", "A3"], team_reason="借调"))
    assert "有效期至 2026-03-01" in found["检查人员"]
    assert "不在执法检查人员名录库中" in problems(version(inspectors=["A1", "ZZ"]))["检查人员"]
    assert "TY-99" in problems(version(items=["TY-99"]))["检查事项"]
    assert "早于抽取日期" in problems(version(start="2026-02-01"))["检查开始日期"]
    late = version(result="发现问题已责令改正", findings=[{**HAZARD, "deadline": "2026-03-01"}])
    assert "早于检查结束日期" in problems(late)["整改期限"]


def test_classify_follow_up_and_corrections():
    base = version(result="发现问题已责令改正", findings=[HAZARD])
    with_check = version(
        result="发现问题已责令改正",
        findings=[{**HAZARD, "reinspections": [{"date": "2026-03-24", "outcome": "已整改"}]}],
    )
    assert recording.classify(base, base) == "same"
    assert recording.classify(base, with_check) == "补充"
    assert recording.classify(with_check, base) == "更正"  # a re-inspection removed
    assert recording.contains(base, with_check)
    assert recording.classify(base, base.model_copy(update={"note": "已送达"})) == "补充"
    fined = base.model_copy(update={"penalties": [Penalty(decision="罚〔2026〕1号", amount=100)]})
    assert recording.classify(base, fined) == "补充"
    other_day = version(result="发现问题已责令改正", findings=[HAZARD], end="2026-03-11")
    assert recording.classify(base, other_day) == "更正"
    assert recording.diff(base, other_day) == ["检查结束日期：2026-03-10 → 2026-03-11"]
    assert recording.diff(base, with_check) == ["隐患 1 复查：2026-03-24 已整改"]


# ---------------------------------------------------------------- follow-up and deadlines


CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("completed", "due"),
    [
        (date(2026, 9, 24), date(2026, 10, 29)),
        (date(2026, 2, 6), date(2026, 3, 12)),
        (date(2026, 4, 30), date(2026, 6, 1)),
    ],
)
def test_disclosure_deadlines_of_2026(completed, due):
    assert followup.disclosure_due(completed, CAL) == followup.Due(due)


def test_deadline_in_a_year_without_schedule_is_flagged():
    for completed in (date(2028, 3, 1), date(2026, 12, 20)):  # 2028; 2027 is unknown too
        due = followup.disclosure_due(completed, CAL)
        assert due.deadline is None and "尚未收录" in due.flag
    assert "calendars/2028.yaml" in followup.disclosure_due(date(2028, 3, 1), CAL).flag
    # A 2027 schedule given, a deadline that falls in 2028 is still flagged.
    cal = WorkCalendar([YearSchedule(year=2027, source="测试", holidays=[date(2027, 1, 1)])])
    # 12/21-12/25 and 12/28-12/31 = 9; 1/1 off; 1/4-1/8 = 14, 1/11-1/15 = 19, 1/18 = 20.
    assert followup.disclosure_due(date(2026, 12, 20), cal).deadline == date(2027, 1, 18)
    assert followup.disclosure_due(date(2027, 12, 20), cal).flag


def test_states():
    assert followup.task_state(False, date(2026, 3, 31), date(2026, 4, 1)) == "missing"
    assert followup.task_state(False, date(2026, 3, 31), date(2026, 3, 31)) == "pending"
    f = Finding.model_validate(HAZARD)
    assert followup.hazard_state(f, date(2026, 3, 24)) == "due"
    assert followup.hazard_state(f, date(2026, 3, 25)) == "overdue"
    late = Finding.model_validate(
        {**HAZARD, "reinspections": [{"date": "2026-03-26", "outcome": "已整改"}]}
    )
    assert followup.hazard_state(late, date(2026, 4, 1)) == "closed"
    assert followup.reinspected_on_time(late) is False
    due = followup.Due(date(2026, 4, 8))
    assert followup.disclosure_state(due, None, date(2026, 4, 8)) == "due"
    assert followup.disclosure_state(due, None, date(2026, 4, 9)) == "overdue"
    assert followup.disclosure_state(due, date(2026, 4, 9), date(2026, 5, 1)) == "late"
    assert followup.disclosure_state(followup.Due(None, "x"), None, date(2026, 5, 1)) == "unknown"


@pytest.mark.parametrize("n", [1, 9, 10, 11, 19, 20, 21, 95])
def test_revisit_size_is_ceil_of_ten_percent(n):
    assert followup.revisit_size(n, Decimal("0.1")) == math.ceil(n / 10)


def test_items_split_codes_but_keep_names_whole():
    from shuangsuiji.core.results import parse_items

    name = "安全生产证照及建设项目安全评价、安全设施“三同时”情况"
    assert parse_items(f"TY-01、TY-02 WH-01；{name}") == ["TY-01", "TY-02", "WH-01", name]
