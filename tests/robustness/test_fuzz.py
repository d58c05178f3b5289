"""Property-based fuzzing of the loaders and the import: InputError, or a result; nothing else.

Derandomized (the same examples on every run) and bounded, so CI stays quick and stable;
SSJ_FUZZ_EXAMPLES=5000 makes a long random run for hunting.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangsuiji.core.problems import InputError
from shuangsuiji.services.roster import read_rows
from shuangsuiji.storage import yamlio
from shuangsuiji.workspace import parse_roster

# SSJ_FUZZ_EXAMPLES=5000 pytest tests/robustness/test_fuzz.py: a long, random run.
_DEEP = int(os.environ.get("SSJ_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=_DEEP or 150,
    deadline=None,
    derandomize=not _DEEP,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Pieces of YAML syntax, hostile and ordinary, glued at random: far likelier than random
# characters to reach anchors, aliases, tags, flow collections, merges and odd scalars.
YAML_TOKENS = [
    "entities:", "inspectors:", "items:", "\n", "\n- ", "\n  ", "- ", ": ", "? ", "id: ",
    "name: ", "category: ", "industries: ", "risk: ", "valid_until: ", "extra: ", "key: ",
    "[", "]", "{", "}", ", ", "&a ", "*a", "&b ", "*b", "<<: ", "!!str ", "!!binary ",
    "!!set ", "!!python/object:os.system ", "!local ", "'", '"', "|\n  ", ">\n  ", "#",
    "---\n", "...\n", "%YAML 1.1\n", "~", "null", "yes", "No", "0x1F", "0o17", "1e999",
    "-.inf", ".nan", "2026-02-30", "2026-13-01", "12:30:00", "1" * 5000, "LS-1", "A|B",
    "a/b", "E\u0301", "\u200b", "\ufeff", "\x00", "\x1b[31m", "[/red]", "甲公司", "危险化学品",
    "红", "是", "√", "\t", "\r\n", "\\", "%", "@", "`",
]  # fmt: skip
yaml_text = st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["红", "是", "2026-02-30", "在营", "注销", "县级", "A|B", "a/b", "E\u0301"]),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(
            st.sampled_from(
                ["entities", "inspectors", "items", "id", "code", "name", "category",
                 "industries", "risk", "key", "status", "level", "valid_until", "conflicts",
                 "extra", "flags", "x"]
            ),
            inner,
            max_size=6,
        ),
    ),
    max_leaves=25,
)  # fmt: skip


def _only_input_errors(call) -> None:
    try:
        call()
    except InputError as exc:
        assert exc.problems and all(p.message for p in exc.problems)


@FUZZ
@given(yaml_text)
def test_yaml_parse_from_syntax_pieces(text):
    _only_input_errors(lambda: yamlio.parse(text, "fuzz.yaml"))
    _only_input_errors(lambda: yamlio.parse(text, "fuzz.yaml", roundtrip=True))


@FUZZ
@given(st.text(max_size=200))
def test_yaml_parse_any_text(text):
    _only_input_errors(lambda: yamlio.parse(text, "fuzz.yaml"))


@FUZZ
@given(st.sampled_from(["entities", "inspectors", "items"]), yaml_text)
def test_parse_roster_from_syntax_pieces(kind, text):
    _only_input_errors(lambda: parse_roster(kind, text.encode("utf-8"), "fuzz.yaml"))


@FUZZ
@given(st.sampled_from(["entities", "inspectors", "items"]), documents)
def test_parse_roster_from_documents(kind, document):
    """Well-formed YAML of every shape and type, as a person might write it."""
    out = io.StringIO()
    yamlio._safe().dump(document, out)
    _only_input_errors(lambda: parse_roster(kind, out.getvalue().encode("utf-8"), "fuzz.yaml"))


@FUZZ
@given(st.sampled_from(["entities", "inspectors", "items"]), st.binary(max_size=300))
def test_parse_roster_from_bytes(kind, raw):
    _only_input_errors(lambda: parse_roster(kind, raw, "fuzz.yaml"))


HEADERS = [
    "统一社会信用代码", "单位名称", "监管类别", "行业", "所属区域", "风险等级", "重点单位", "经营状态",
    "监管层级", "执法证号", "姓名", "证件有效期至", "在岗状态", "回避单位", "事项编码", "事项名称",
    "编号", "备注", "", "*单位名称", "\ufeff统一社会信用代码", "=1+1",
]  # fmt: skip
CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["91350100M000100Y43", "91350100M000100Y44", "LS-1", "LS-1", "A|B", "a/b", "E\u0301",
         "2026-02-30", "2027/12/31", "2027年12月31日", "红", "紫", "√", "否", "县级", "在营",
         "注销", "=cmd|' /C calc'!A0", "'=1", "危险化学品", "a;b；c", "\u200b", "长" * 3000]
    ),
)  # fmt: skip


def _csv(headers: list[str], rows: list[list[str]]) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def _read(data: bytes, kind: str | None, suffix: str = ".csv") -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / f"名单{suffix}"
        path.write_bytes(data)
        _only_input_errors(lambda: read_rows(path, kind))


@FUZZ
@given(
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    st.lists(st.lists(CELLS, max_size=9), max_size=6),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    st.sampled_from([None, "entities", "inspectors", "items"]),
)
def test_import_csv_tables(headers, rows, encoding, kind):
    text = _csv(headers, rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _read(data, kind)


@FUZZ
@given(
    st.binary(max_size=400), st.sampled_from([None, "entities"]), st.sampled_from([".csv", ".xlsx"])
)
def test_import_any_bytes(raw, kind, suffix):
    _read(raw, kind, suffix)


BLOCKY = [
    "\n", "- ", "  ", "? ", ": ", "a: ", "- a: ", "b:\n", "-\n", "[", "]", "{", "}", ", ",
    "&x ", "*x", "!!str ", "\t", "\r", "\r\n", "x", "'", '"', "#",
]  # fmt: skip


@FUZZ
@given(st.lists(st.sampled_from(BLOCKY), max_size=120).map("".join))
def test_cheap_screen_is_sound(text):
    """Text the screen lets through really has no anchor, alias, tag or deep nesting."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent

    if yamlio._needs_scan(text):
        return
    depth = deepest = 0
    try:
        for event in yamlio._safe().parse(text):
            assert not isinstance(event, AliasEvent) and not getattr(event, "anchor", None)
            assert getattr(event, "tag", None) in (None, *yamlio._PLAIN_TAGS)
            if isinstance(event, CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        pass  # not YAML at all: the loader reports it
    assert deepest <= yamlio.MAX_DEPTH
