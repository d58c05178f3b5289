"""The pure parts of the ledger: merging, which cap applies, what counts, repeat visits."""

from __future__ import annotations

from datetime import date

from shuangsuiji.core.inspections import Inspection, at_cap, cap_of, merge, repeats
from shuangsuiji.core.models import Caps, Entity

UNIT = "91350102MA778BKH6C"


def entity(**kw) -> Entity:
    base = {"id": UNIT, "name": "某公司", "category": "冶金工贸", "industries": ["金属冶炼"]}
    return Entity.model_validate({**base, **kw})


def row(day: str, kind: str = "专项检查", authority: str = "市场监管局", **kw) -> Inspection:
    return Inspection.model_validate(
        {"entity": UNIT, "date": day, "type": kind, "authority": authority, **kw}
    )


SHANXI = Caps.model_validate(
    {
        "rules": [
            {"category": ["危险化学品", "金属冶炼"], "grade": ["一级"], "cap": 2},
            {"category": ["危险化学品", "金属冶炼"], "grade": ["未定级"], "cap": 12},
            {"grade": ["一级"], "cap": 1},
        ],
        "default": 5,
    }
)


def test_the_first_fitting_rule_by_category_or_industry_and_grade():
    assert cap_of(entity(standardization="一级"), SHANXI, 2).limit == 2  # by its industry
    assert (
        cap_of(entity(category="烟花爆竹", industries=[], standardization="一级"), SHANXI, 2).limit
        == 1
    )
    assert cap_of(entity(standardization=None), SHANXI, 2).limit == 12  # no grade: 未定级
    assert cap_of(entity(category="烟花爆竹", industries=[]), SHANXI, 2).limit == 5  # the default
    assert cap_of(entity(), None, 2).limit == 2  # no table: the yearly cap


def test_authority_and_level_filters_and_exempt_rows():
    caps = Caps.model_validate({"rules": [{"cap": 1, "authority": ["应急局"], "level": "县"}]})
    cap = cap_of(entity(), caps, 2)
    assert cap.counts(row("2026-01-01", authority="应急局", level="县"))
    assert cap.counts(row("2026-01-01", authority="应急局"))  # level unknown: counted
    assert not cap.counts(row("2026-01-01", authority="应急局", level="市"))
    assert not cap.counts(row("2026-01-01", authority="市场监管局", level="县"))
    assert not cap.counts(row("2026-01-01", "个案检查", authority="应急局", note="举报"))
    assert cap.counts(row("2026-01-01", "个案检查", authority="应急局"))  # no reason: counted


def test_at_cap_counts_the_roster_units_only():
    rows = [row("2026-01-01"), row("2026-05-01", authority="消防")]
    assert at_cap([entity()], rows, None, 2) == frozenset({UNIT})
    assert at_cap([entity()], rows, None, 3) == frozenset()
    assert at_cap([], rows, None, 1) == frozenset()


def test_merge_by_key():
    first = merge([], [row("2026-01-01", document="1号"), row("2026-01-01", document="2号")])
    assert len(first.added) == 2
    again = merge(first.inspections, [row("2026-01-01", document="1号", note="更正")])
    assert (len(again.added), len(again.updated), again.unchanged) == (0, 1, 0)
    assert again.inspections[0].note == "更正"


def test_repeats_within_the_window_by_the_same_authority():
    rows = [row("2026-01-01"), row("2026-03-02"), row("2026-05-02"), row("2026-05-03", "个案检查")]
    pairs = repeats(rows, 60)
    assert [(a.date, b.date) for a, b in pairs] == [(date(2026, 1, 1), date(2026, 3, 2))]
