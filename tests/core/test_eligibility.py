"""Who enters the random pool: the exclusions in their order, key and forced units, the cooldown."""

from __future__ import annotations

from datetime import date

import pytest

from shuangsuiji.core import eligibility as el
from shuangsuiji.core.models import Entity


def unit(ident: str, **fields) -> Entity:
    return Entity.model_validate(
        {"id": ident, "name": f"单位{ident}", "category": "危险化学品", "status": "在营", **fields}
    )


def pool(entities, history=(), day=date(2027, 3, 1), **options):
    settings = {
        "year": day.year,
        "day": day,
        "level": "县",
        "where": {},
        "history": list(history),
        "cooldown_months": 12,
        "yearly_cap": 2,
    }
    return el.build_pool(entities, **{**settings, **options})


def drawn(ident: str, day: date, random: bool = True) -> el.PastTask:
    return el.PastTask(ident, day.year, day, random=random)


@pytest.mark.parametrize(
    ("day", "eligible"),
    [(date(2027, 2, 28), False), (date(2027, 3, 1), True), (date(2027, 3, 2), True)],
)
def test_a_unit_drawn_on_1_march_is_eligible_again_on_1_march_a_year_later(day, eligible):
    result = pool([unit("A-1")], [drawn("A-1", date(2026, 3, 1))], day=day)
    assert ([e.id for e in result.eligible] == ["A-1"]) is eligible
    assert (result.excluded.get(el.COOLDOWN) == ["A-1"]) is not eligible


def test_the_cooldown_counts_months_to_the_last_day_of_a_short_month():
    assert el.months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert el.months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert el.months_before(date(2027, 1, 15), 12) == date(2026, 1, 15)


def test_the_highest_risk_grade_has_no_cooldown_and_key_tasks_do_not_start_one():
    units = [unit("R-1", risk="重大"), unit("K-1")]
    history = [drawn("R-1", date(2027, 1, 5)), drawn("K-1", date(2027, 1, 5), random=False)]
    assert sorted(e.id for e in pool(units, history).eligible) == ["K-1", "R-1"]


def test_each_unit_is_excluded_for_the_first_reason_that_applies_in_order():
    units = [
        unit("C-1", status="注销", key=True),  # closed before key
        unit("S-1", status="停产"),
        unit("L-1", level="市"),
        unit("W-1", region="乙镇"),
        unit("Y-1"),
        unit("D-1"),
    ]
    history = [drawn("Y-1", date(2027, 1, 3), random=False)] * 2 + [drawn("D-1", date(2027, 1, 3))]
    result = pool(units, history, where={"region": ["甲镇", ""]})
    assert result.excluded == {
        el.CLOSED: ["C-1"],
        el.INACTIVE: ["S-1"],
        el.OTHER_LEVEL: ["L-1"],
        el.NOT_TARGETED: ["W-1"],
        el.AT_CAP: ["Y-1"],
        el.COOLDOWN: ["D-1"],
    }
    assert list(el.REASONS) == [
        el.CLOSED, el.INACTIVE, el.OTHER_LEVEL, el.NOT_TARGETED, el.AT_CAP, el.COOLDOWN
    ]  # fmt: skip


def test_key_units_are_tasks_not_pool_members_and_are_listed_once_a_year():
    units = [unit("K-1", key=True), unit("K-2", key=True), unit("P-1")]
    result = pool(units, already_key=frozenset({"K-2"}))
    assert [e.id for e in result.key] == ["K-1"] and [e.id for e in result.eligible] == ["P-1"]


def test_units_uncovered_for_years_are_forced_in():
    result = pool([unit("U-1"), unit("P-1")], uncovered=frozenset({"U-1"}))
    assert [e.id for e in result.forced] == ["U-1"] and [e.id for e in result.eligible] == ["P-1"]


def test_uncovered_needs_history_in_every_year_of_the_window():
    history = [drawn("A-1", date(2025, 3, 1))]
    assert el.uncovered_ids(["A-1", "B-1"], history, 2027, 2) == frozenset()
    history.append(drawn("C-1", date(2026, 3, 1)))
    assert el.uncovered_ids(["A-1", "B-1", "C-1"], history, 2027, 2) == {"B-1"}


def test_where_accepts_english_keys_and_chinese_headers():
    assert el.parse_where(["region=甲镇", "所属区域=乙镇"]) == {"region": ["甲镇", "乙镇"]}
    assert el.stratum_of(unit("A-1", region="甲镇"), ["region"]) == "甲镇"


def test_the_fields_a_draw_may_name_are_the_entity_models_with_its_titles():
    from shuangsuiji.core.problems import InputError

    fields = {k: i.title for k, i in Entity.model_fields.items() if k != "extra"}
    assert fields == el.ENTITY_FIELDS and list(el.ENTITY_FIELDS) == list(fields)
    assert el.field_name("所属区域") == el.field_name("region") == "region"
    with pytest.raises(InputError, match="未知字段“其他”"):
        el.field_name("其他")
