"""A sheet validated by column gives exactly what row-by-row validation gives: the same
rows, the same values, or the same problems (hypothesis, over clean and messy cells)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangsuiji.core import columns
from shuangsuiji.core.creditcode import ALPHABET, credit_code_problem, valid_credit_codes
from shuangsuiji.core.models import MAX_TEXT, ROSTERS
from shuangsuiji.core.problems import InputError
from shuangsuiji.core.tables import Sheet, validate_sheet
from shuangsuiji.core.values import clean_texts, text

CODES = [
    "91350102604010605L",
    "91350100MA2XN3TP7K",
    "91350102604010605M",  # wrong check character
    "9135010260401060",  # too short
]
# Cells that differ in a way a validator cares about: spaces, full-width spaces, non-NFC,
# formula escapes, numbers and booleans as an XLSX gives them, line breaks, too long.
MESSY = [
    None,
    "",
    " ",
    " 甲 ",
    "\u3000乙",
    "e\u0301",
    "'=1+1",
    "'甲",
    "甲\n乙",
    "甲\t乙",
    "x" * (MAX_TEXT + 1),
    1,
    1.0,
    0,
    True,
    False,
    date(2026, 3, 1),
    "2026-03-01",
    "2026/3/1",
]
TYPICAL = {
    "entities": {
        "id": [*CODES, "B-1", "B-2", "B-3", "B-4", "B-5", " B-6", "B\u0301"],
        "name": ["华顺化工", "青岚物流", "东港仓储", "南湖加油站"],
        "category": ["危险化学品", "工贸", "非煤矿山"],
        "industries": ["危险化学品生产；仓储", "仓储", "冶金,有色"],
        "region": ["东区", "西区"],
        "scale": ["规上", "小微"],
        "risk": ["重大", "较大", "一般", "低", "红", "蓝"],
        "key": ["是", "否", "y", "重点"],
        "status": ["在营", "停产", "注销", "吊销"],
        "level": ["县", "市级", "省"],
        "standardization": ["一级", "三级"],
        "flags": ["失信", "失信；异常"],
        "address": ["青岚区一路1号"],
        "contact": ["张三"],
        "phone": ["0591-1234567", "13800000000"],
    },
    "inspectors": {
        "id": ["35010000001", "35010000002", "35010000003", "35010000004", "3501 5"],
        "name": ["张三", "李四", "王五"],
        "department": ["执法一科", "执法二科"],
        "role": ["执法人员", "专家", "检查员"],
        "valid_until": [date(2027, 6, 30), "2027-06-30", "明年"],
        "status": ["在岗", "离岗", "借调", "退休"],
        "region": ["东区"],
        "conflicts": ["B-1；B-2", "B-3"],
    },
    "items": {
        "code": ["YJ-001", "YJ-002", "YJ-003", "YJ-004"],
        "name": ["安全生产责任制", "隐患排查"],
        "basis": ["《安全生产法》第四条"],
        "subject": ["区应急管理局"],
        "content": ["检查制度建立情况"],
        "method": ["现场检查", "书面检查"],
        "kind": ["一般", "重点", "特殊"],
        "categories": ["危险化学品；工贸", "工贸"],
        "published": [date(2025, 1, 1), "2025-01-01", "未公布"],
    },
}


def _title(kind: str, field: str) -> str:
    return ROSTERS[kind][0].model_fields[field].title


@st.composite
def sheets(draw, kind: str):
    """Headers (a few fields in any order, maybe an unknown column) and rows of cells."""
    fields = list(TYPICAL[kind])
    chosen = draw(st.lists(st.sampled_from(fields), unique=True, min_size=1))
    headers = [
        _title(kind, f) if draw(st.booleans()) else f  # the Chinese header or the key
        for f in chosen
    ]
    if draw(st.booleans()):
        headers.insert(draw(st.integers(0, len(headers))), "备注")
    cell = {
        h: st.sampled_from(TYPICAL[kind][f]) | st.sampled_from(MESSY)
        for h, f in zip(headers, chosen, strict=False)
    }
    cell["备注"] = st.sampled_from(["", "见附件", None, 3])
    clean = st.booleans()
    rows = []
    for number in range(2, 2 + draw(st.integers(0, 12))):
        # Mostly typical rows, so that many sheets validate and the column path is taken.
        if draw(clean):
            cells = [draw(st.sampled_from(TYPICAL[kind][f])) for f in chosen]
            if "备注" in headers:
                cells.insert(headers.index("备注"), draw(cell["备注"]))
        else:
            cells = [draw(cell.get(h, cell["备注"])) for h in headers]
        if draw(st.integers(0, 9)) == 0:
            cells = cells[: draw(st.integers(0, len(cells)))]  # a short row
        rows.append((number, cells))
    return headers, rows


def _row_by_row(kind: str, headers: list[str], rows: list) -> tuple:
    sheet = Sheet("名录.csv", list(headers), iter([(n, list(c)) for n, c in rows]))
    try:
        found, built = validate_sheet(sheet, kind, keep=lambda m: list(m.__dict__.values()))
    except InputError as exc:
        return ("problems", exc.problems)
    return ("rows", found, [(n, v, set(p)) for n, v, p in built])


def _by_column(kind: str, headers: list[str], rows: list) -> tuple:
    def read() -> Sheet:
        return Sheet("名录.csv", list(headers), iter([(n, list(c)) for n, c in rows]))

    try:
        validated = columns.validate(read, kind)
    except InputError as exc:
        return ("problems", exc.problems)
    for values in validated.columns:
        owned = [v for v in values if isinstance(v, (list, dict))]
        assert len({id(v) for v in owned}) == len(owned), "rows share a list"
    built = [list(v) for v in zip(*validated.columns, strict=True)]
    presents = [set(p) for p in validated.presents()]
    return ("rows", validated.kind, list(zip(validated.numbers, built, presents, strict=True)))


@contextmanager
def _chunks_of(size: int):
    """Small chunks, so that a dozen rows cross chunk boundaries as a million rows do."""
    saved, columns.CHUNK = columns.CHUNK, size
    try:
        yield
    finally:
        columns.CHUNK = saved


@pytest.mark.parametrize("kind", sorted(TYPICAL))
@pytest.mark.parametrize("chunk", [3, columns.CHUNK])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_by_column_is_row_by_row(kind, chunk, data):
    headers, rows = data.draw(sheets(kind))
    with _chunks_of(chunk):
        assert _by_column(kind, headers, rows) == _row_by_row(kind, headers, rows)


def test_a_long_clean_column_is_taken_in_bulk_and_equals_row_by_row():
    codes = ["91350102604010605L", "91350100MA2XN3TP7K"]
    headers = ["统一社会信用代码", "单位名称", "监管类别", "行业"]
    rows = [(n, [f"B-{n}", f"单位{n}号", "工贸", "仓储"]) for n in range(2, 402)]
    rows += [(402 + i, [c, f"代码单位{i}", "工贸", "冶金"]) for i, c in enumerate(codes)]
    assert _by_column("entities", headers, rows) == _row_by_row("entities", headers, rows)


def test_a_repeated_id_is_reported_as_row_by_row_reports_it():
    headers = ["统一社会信用代码", "单位名称", "监管类别", "行业"]
    rows = [(2, ["B-1", "甲", "工贸", "仓储"]), (3, ["B-1", "乙", "工贸", "仓储"])]
    kind, problems = _by_column("entities", headers, rows)
    assert kind == "problems" and problems[0].row == 3 and "重复" in problems[0].message
    assert (kind, problems) == _row_by_row("entities", headers, rows)


def _coded(body: str) -> str:
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + ALPHABET[(31 - total % 31) % 31]


@settings(max_examples=300)
@given(
    st.lists(
        st.text(alphabet=ALPHABET + "IOSVZ-a ", min_size=16, max_size=19)
        | st.builds(_coded, st.text(alphabet=ALPHABET, min_size=17, max_size=17))
        | st.builds(
            lambda b: _coded("9135" + b), st.text(alphabet=ALPHABET, min_size=13, max_size=13)
        )
    )
)
def test_a_column_of_credit_codes_is_judged_as_each_code_is(codes):
    assert valid_credit_codes(codes) == [credit_code_problem(c) is None for c in codes]


@given(st.lists(st.text(max_size=8) | st.sampled_from(MESSY[1:11])))
def test_a_clean_text_is_one_the_text_function_gives_back_unchanged(cells):
    cells = [c for c in cells if isinstance(c, str)]
    for cell, clean in zip(cells, clean_texts(cells, MAX_TEXT), strict=True):
        if clean:
            assert text(cell) == cell and "\n" not in cell


def _as_csv(rows: list) -> list:
    """Rows as a CSV gives them: every cell text (a row may still be short)."""
    return [(n, ["" if c is None else str(c) for c in cells]) for n, cells in rows]


@pytest.mark.parametrize("kind", sorted(TYPICAL))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_csv_sheet_by_column_is_row_by_row(kind, data):
    """A CSV's cells are text: short rows are padded with None, and only then looked for."""
    headers, rows = data.draw(sheets(kind))
    rows = _as_csv(rows)

    def read() -> Sheet:
        return Sheet("名录.csv", list(headers), iter([(n, list(c)) for n, c in rows]), "UTF-8")

    with _chunks_of(3):
        try:
            validated = columns.validate(read, kind)
        except InputError as exc:
            found = ("problems", exc.problems)
        else:
            built = [list(v) for v in zip(*validated.columns, strict=True)]
            presents = [set(p) for p in validated.presents()]
            found = (
                "rows",
                validated.kind,
                list(zip(validated.numbers, built, presents, strict=True)),
            )
    assert found == _row_by_row(kind, headers, rows)
