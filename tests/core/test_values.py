import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.core import values
from shuangsuiji.core.values import clean_texts


@pytest.mark.parametrize("raw", ["是", "Y", "y", "√", "TRUE", "1", True])
def test_yes(raw):
    assert values.parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["否", "N", "", "×", "false", 0, False])
def test_no(raw):
    assert values.parse_bool(raw) is False


def test_bool_unknown():
    with pytest.raises(ValueError, match="是/否"):
        values.parse_bool("也许")


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("县", "县"),
        ("县级", "县"),
        ("区县级", "县"),
        ("市级", "市"),
        ("地市级", "市"),
        ("省级", "省"),
    ],
)
def test_levels(raw, level):
    assert values.parse_level(raw) == level


@pytest.mark.parametrize(
    ("raw", "risk"),
    [("红", "重大"), ("橙", "较大"), ("黄", "一般"), ("蓝", "低"), ("较大风险", "较大")],
)
def test_risk_colours(raw, risk):
    assert values.parse_risk(raw) == risk


@pytest.mark.parametrize(
    "raw",
    ["2027-12-31", "2027/12/31", "2027年12月31日", "2027.12.31", datetime(2027, 12, 31, 0, 0)],
)
def test_dates(raw):
    assert values.parse_date(raw) == date(2027, 12, 31)


def test_impossible_date():
    with pytest.raises(ValueError, match="不存在"):
        values.parse_date("2026-02-30")


def test_unreadable_date():
    with pytest.raises(ValueError, match="无法识别"):
        values.parse_date("明年")


def test_lists_take_both_semicolons():
    assert values.parse_list("机械；粉尘涉爆; 有限空间作业;") == [
        "机械",
        "粉尘涉爆",
        "有限空间作业",
    ]
    assert values.parse_list(["a", " b "]) == ["a", "b"]


def test_status_variants():
    assert values.parse_status("存续") == "在营"
    with pytest.raises(ValueError, match="经营状态"):
        values.parse_status("跑路")


def test_text_normalises():
    assert values.text(" e\u0301 ") == "é"
    assert values.text(13800000001.0) == "13800000001"


def _clean_one_by_one(cells: list[str], limit: int) -> list[bool]:
    """values.clean_texts as it judged each cell on its own."""
    return [
        c.isprintable()
        and c == c.strip()
        and unicodedata.is_normalized("NFC", c)
        and not c.startswith("'")
        and bool(c)
        and len(c) <= limit
        for c in cells
    ]


# Combining marks, Hangul jamo that compose, spaces of all kinds, quotes, line breaks.
_TRICKY = "ae\u0301\u0308\u0327\u1100\u1161\u11a8\uac00 \u3000\u00a0'\n\t\u200b甲"


@settings(max_examples=500)
@given(
    st.lists(st.text(alphabet=_TRICKY, max_size=4), max_size=6),
    st.integers(0, 5),
)
def test_a_column_is_judged_clean_as_each_of_its_cells(cells, limit):
    assert clean_texts(cells, limit) == _clean_one_by_one(cells, limit)
