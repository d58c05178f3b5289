"""A CSV roster read back from its cells as written (workspace.csv_roster) gives exactly
what parsing and validating the file anew gives (write_csv, then read_back): the same
bytes, the same columns, the same refusal (None) or the same problems."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangsuiji.core import columns, rows, tables
from shuangsuiji.core.models import MAX_TEXT, ROSTERS
from shuangsuiji.core.problems import InputError
from shuangsuiji.storage import tabular
from shuangsuiji.workspace import load

LABEL = "rosters/名录.csv"
# Text a validated row holds, and text it may not (untrimmed, not NFC, a formula, a quote,
# a comma or a line break the csv module quotes, a ";" that splits a list, too long).
TEXTS = [
    "甲",
    "青岚区华顺化工有限公司",
    "91350102604010605L",
    "B-1",
    "危险化学品",
    "重大",
    "县",
    "在营",
    "是",
    "",
    " 甲",
    "甲\u3000",
    "e\u0301",
    "=HYPERLINK(1)",
    "'=1",
    "-x",
    "a,b",
    'a"b',
    "甲\n乙",
    "甲\r乙",
    "甲；乙",
    "甲\t乙",
    "x" * (MAX_TEXT + 1),
    "x" * (tabular.MAX_CELL + 1),
]
IDS = ["91350102604010605L", "91350100MA2XN3TP7K", "91350102604010605M", "B-1", "B-2", "=1"]
IDS += ["B 3", " B-4", "", "a,b", "甲\n乙"]
EXTRA_KEYS = ["备注", "其他", "备注*", " 附注", "单位名称", "a\tb", "a,b"]


def _value(draw, kind: str, name: str, info) -> object:
    if name in ("id", "code"):
        return draw(st.sampled_from(IDS))
    if name == "extra":
        return draw(
            st.dictionaries(st.sampled_from(EXTRA_KEYS), st.sampled_from(TEXTS), max_size=2)
        )
    annotation = str(info.annotation)
    if "list" in annotation:
        return draw(st.lists(st.sampled_from([*TEXTS[:10], "甲；乙", " 甲"]), max_size=3))
    if "bool" in annotation:
        return draw(st.booleans())
    if "date" in annotation:
        return draw(st.none() | st.sampled_from([date(2026, 3, 1), date(1999, 12, 31)]))
    optional = not info.is_required() and info.default is None
    return draw((st.none() if optional else st.nothing()) | st.sampled_from(TEXTS))


@st.composite
def rosters(draw, kind: str) -> list:
    """Rows made as they are, not validated: rows as validation gives them (a file that
    reads back), with a few values drawn from anything (which may not)."""
    model = ROSTERS[kind][0]
    make = rows.row_class(kind)._make
    out = []
    for number in range(draw(st.integers(0, 9))):
        values = [_CLEAN[kind].get(n, "甲") for n in rows.fields(kind)]
        values = [type(v)(v) if isinstance(v, (list, dict)) else v for v in values]
        values[0] = f"B-{number}"
        for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
            name = draw(st.sampled_from(rows.fields(kind)))
            at = rows.fields(kind).index(name)
            values[at] = _value(draw, kind, name, model.model_fields[name])
        out.append(make(values))
    return out


_CLEAN = {
    "entities": {
        "category": "危险化学品",
        "industries": ["甲", "乙"],
        "region": None,
        "risk": "重大",
        "key": False,
        "status": "在营",
        "level": "县",
        "flags": [],
        "address": "青岚区一路1号",
        "extra": {},
    },
    "inspectors": {
        "department": None,
        "role": "执法人员",
        "valid_until": date(2027, 6, 30),
        "status": "在岗",
        "conflicts": ["B-1"],
        "extra": {"备注": "见附件"},
    },
    "items": {
        "basis": None,
        "kind": "一般",
        "categories": ["通用"],
        "published": None,
        "extra": {},
    },
}


def _old(kind: str, built: list) -> tuple:
    data = tabular.write_csv(*tables.export_rows(kind, built))
    try:
        return data, ("columns", load.read_back(kind, data, LABEL, built))
    except InputError as exc:
        return data, ("problems", exc.problems)


def _new(kind: str, built: list) -> tuple:
    try:
        data, found = load.csv_roster(kind, built, LABEL)
    except InputError as exc:
        return tabular.write_csv(*tables.export_rows(kind, built)), ("problems", exc.problems)
    return data, ("columns", found)


@contextmanager
def _small_chunks(size: int):
    """Chunks of a few rows, so that a few rows cross chunk boundaries as many rows do."""
    saved = tables.EXPORT_CHUNK, columns.CHUNK
    tables.EXPORT_CHUNK = columns.CHUNK = size
    try:
        yield
    finally:
        tables.EXPORT_CHUNK, columns.CHUNK = saved


@pytest.mark.parametrize("kind", sorted(ROSTERS))
@pytest.mark.parametrize("chunk", [2, 1 << 14])
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_read_back_from_the_cells_is_read_back_from_the_file(kind, chunk, data):
    built = data.draw(rosters(kind))
    with _small_chunks(chunk):
        assert _new(kind, built) == _old(kind, built)


def _entity(ident: str, name: str = "甲", **changed) -> object:
    values = dict(zip(rows.fields("entities"), [None] * 16, strict=True))
    values.update(id=ident, name=name, category="危险化学品", industries=[], key=False)
    values.update({"status": "在营", "flags": [], "extra": {}, **changed})
    return rows.row_class("entities")(**values)


@pytest.mark.parametrize(
    "changes",
    [
        {"name": " 甲"},  # trimmed on the way back
        {"industries": ["甲；乙"]},  # split in two on the way back
        {"name": "e\u0301"},  # made NFC on the way back
        {"risk": "红"},  # read back as 重大
        {"extra": {"备注*": "x"}},  # its header is read back as 备注
    ],
)
def test_a_value_that_changes_on_the_round_trip_is_refused(changes):
    built = [_entity("B-1"), _entity("B-2", **changes)]
    data, found = load.csv_roster("entities", built, LABEL)
    assert found is None and (data, ("columns", None)) == _old("entities", built)


def test_a_clean_roster_reads_back_from_its_cells_without_parsing_the_file(monkeypatch):
    built = [_entity(f"B-{i}", f"单位{i}") for i in range(50)]
    monkeypatch.setattr(load, "read_back", None)  # the file is never parsed again
    data, found = load.csv_roster("entities", built, LABEL)
    assert found == [list(c) for c in zip(*built, strict=True)]
    assert data == tabular.write_csv(*tables.export_rows("entities", built))


def test_a_repeated_id_is_reported_as_parsing_the_file_reports_it():
    built = [_entity("B-1"), _entity("B-1", "乙")]
    kind, problems = _new("entities", built)[1]
    assert kind == "problems" and "重复" in problems[0].message and problems[0].row == 3
    assert _new("entities", built) == _old("entities", built)
