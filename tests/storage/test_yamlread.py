"""The fast reader of generated YAML: whenever it reads a text, ruamel reads the same data."""

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.error import YAMLError
from test_yamlemit import TRICKY, json_values, members, texts, typed_texts

from conftest import approve_plan, on
from shuangsuiji.core.problems import InputError
from shuangsuiji.storage import yamlemit, yamlio, yamlread
from shuangsuiji.storage.yamlread import parse_generated

HEADER = "# 由 ssj 生成，提交后不得修改（ssj audit 会核对）。\n"


def same(a, b) -> bool:
    """Equal, with the same types (True is no 1), the same key order, and NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def ruamel(text: str):
    """What yamlio.parse read before the fast path: the checks, then ruamel's safe load."""
    yamlio.check_structure(text, "x")
    return yamlio._safe().load(text)


def agrees(text: str) -> None:
    got = parse_generated(text)
    if got is None:
        return
    try:
        expected = ruamel(text)
    except (InputError, YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise AssertionError(f"read {got!r}, ruamel refuses: {exc}") from None
    assert same(got, expected), (text, got, expected)


@settings(max_examples=500, deadline=None)
@given(json_values)
def test_any_dumped_value_reads_back(value):
    text = yamlemit.dump(value)
    assert same(parse_generated(text), value)
    assert same(parse_generated(HEADER + text), value)


def test_tricky_strings_read_back():
    for text in TRICKY:
        data = {"k": text, text: [text, {"a": text}], "n": [[text], []], "e": {}}
        dumped = yamlemit.dump(data)
        assert same(parse_generated(dumped), data), text
        agrees(dumped)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=yamlemit._BULK, max_size=150))
def test_long_lists_of_texts_read_back(values):
    data = {"ids": values, "nested": [values], "n": list(range(len(values)))}
    text = yamlemit.dump(data)
    assert same(parse_generated(text), data)
    agrees(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(texts, texts, st.integers(-5, 10**6) | texts, st.booleans()),
        min_size=20,
        max_size=150,
    )
)
def test_long_lists_of_picks_read_back(rows):
    picks = [
        {"id": a, "ticket": b, "stratum": c} if short else {"id": a, "ticket": b, "period": c}
        for a, b, c, short in rows
    ]
    data = {"selected": picks, "same": [{"id": a, "n": c} for a, _, c, _ in rows]}
    text = HEADER + yamlemit.dump(data)
    assert same(parse_generated(text), data)
    agrees(text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(texts, members, st.lists(texts, max_size=3), st.booleans()),
        min_size=yamlemit._BULK,
        max_size=100,
    ),
    st.lists(texts, max_size=4),
)
def test_long_lists_of_tasks_read_back(rows, shared):
    tasks = [
        {"entity": a, "inspectors": m, "experts": [], "checklist": shared if s else own}
        for a, m, own, s in rows
    ]
    data = {"tasks": tasks}
    text = yamlemit.dump(data)
    assert same(parse_generated(text), data)
    agrees(text)


@settings(max_examples=500, deadline=None)
@given(typed_texts | texts)
def test_a_text_taken_as_surely_plain_is_one_yamlemit_writes_plain(text):
    text = text.rstrip("\n")
    if yamlread._surely_plain().fullmatch(text):
        assert yamlemit._text(text) == text


# ------------------------------------------------------------------ edited texts

_CHARACTERS = [*" \n-:'\"#{}[]&*!\t\r?|>%@`,.\\0a1eE+_~", "\u2028", "\x85", "\ufeff", "  "]


def _edit(text: str, data) -> str:
    """One random edit: a character inserted, deleted or replaced, two lines swapped, a
    line indented or dedented, a line doubled."""
    kind = data.draw(st.sampled_from(["insert", "delete", "replace", "swap", "indent", "double"]))
    if kind in ("insert", "delete", "replace"):
        at = data.draw(st.integers(0, len(text)))
        char = data.draw(st.sampled_from(_CHARACTERS))
        if kind == "insert":
            return text[:at] + char + text[at:]
        if kind == "delete":
            return text[:at] + text[at + 1 :]
        return text[:at] + char + text[at + 1 :]
    lines = text.split("\n")
    i = data.draw(st.integers(0, len(lines) - 1))
    if kind == "swap":
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent":
        step = data.draw(st.sampled_from([-2, -1, 1, 2]))
        lines[i] = " " * step + lines[i] if step > 0 else lines[i][-step:]
    else:
        lines.insert(i, lines[i])
    return "\n".join(lines)


documents = (
    json_values
    | st.lists(
        st.fixed_dictionaries({"id": texts, "ticket": texts, "n": st.integers(0, 99)}),
        min_size=15,
        max_size=80,
    ).map(lambda picks: {"selected": picks, "ids": [p["id"] for p in picks]})
    | st.fixed_dictionaries(
        {"k": texts, "l": st.lists(texts | st.integers(), max_size=6), "m": json_values}
    )
)


@settings(max_examples=1500, deadline=None)
@given(documents, st.booleans(), st.integers(1, 3), st.data())
def test_edited_texts_read_as_ruamel_reads_them_or_not_at_all(value, header, edits, data):
    text = (HEADER if header else "") + yamlemit.dump(value)
    for _ in range(edits):
        text = _edit(text, data)
    agrees(text)


def test_what_is_not_in_the_layout_is_left_to_ruamel():
    assert parse_generated("a: 1\n") == {"a": 1}
    for text in [
        "a:  1\n",
        "a: 1 \n",
        "a: 1",
        "a: 1\n\n",
        "a: 1\r\n",
        "a:\t1\n",
        "a: 1 # note\n",
        "a: 1\n# note\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: [1]\n",
        "a: {b: 1}\n",
        "a: 1\na: 2\n",
        "a:\n  - 1\n",
        "a:\n    b: 1\n",
        "a: b\n  c\n",
        "---\na: 1\n",
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 0x1F\n",
        "a: 1_000\n",
        "a: 01\n",
        "a: +1\n",
        "a: 1e5\n",
        "a: -inf\n",
        "a: ~\n",
        "a: yes\n",
        "a: 'it's'\n",
        'a: "\\ud800"\n',
        'a: "\\x41"\n',
        "'a' : 1\n",
        "? a\n: 1\n",
        "- a\nb: 1\n",
        "a:\n- 1\n - 2\n",
        "\ufeffa: 1\n",
        "",
        "# only a comment\n",
        "null\n",
    ]:
        assert parse_generated(text) is None, text
        agrees(text)


def test_document_markers_are_quoted_and_read_back():
    for data in ("...", "---", {"... x": 1}, {"--- x": ["...", "--- y"]}, ["..."]):
        text = yamlemit.dump(data)
        assert same(parse_generated(text), data) and yamlio.parse(text, "x") == data, text


def test_a_key_longer_than_yaml_allows_is_left_to_ruamel():
    """A key of over 1024 characters, which yamlemit writes and YAML does not read back:
    ruamel says so."""
    text = yamlemit.dump({"k" * 1100: 1})
    assert parse_generated(text) is None
    with pytest.raises(InputError):
        yamlio.parse(text, "x")


def test_nesting_deeper_than_the_limit_is_refused_as_before():
    data: list = ["x"]
    for _ in range(yamlio.MAX_DEPTH + 5):
        data = [data]
    text = HEADER + yamlemit.dump(data)
    assert parse_generated(text) is None
    with pytest.raises(InputError, match="嵌套过深"):
        yamlio.parse(text, "x")
    shallow: Any = ["x"]
    for _ in range(yamlio.MAX_DEPTH - 2):  # 30 mappings, then a list and an empty mapping
        shallow = {"k": shallow, "e": {}}
    text = yamlemit.dump(shallow)
    assert same(parse_generated(text), shallow)
    agrees(text)
    assert yamlread.MAX_DEPTH == yamlio.MAX_DEPTH
    assert parse_generated(text, max_depth=20) is None


def test_parse_reads_generated_files_without_ruamel(monkeypatch):
    data = {"kind": "draw", "ids": [f"9135{n:014d}X" for n in range(200)], "ratio": "0.2"}
    text = HEADER + yamlemit.dump(data)

    def refused():
        raise AssertionError("ruamel used")

    monkeypatch.setattr(yamlio, "_safe", refused)
    assert yamlio.parse(text, "x") == data


def test_parse_leaves_hand_files_and_problems_to_ruamel():
    with pytest.raises(InputError, match="第 3 行"):
        yamlio.parse(HEADER + "a: 1\na: 2\n", "x")
    assert yamlio.parse("a: 1 # note\n", "x") == {"a": 1}


# ------------------------------------------------------------------ real records


def test_a_draw_and_an_assignment_record_read_as_ruamel_reads_them(example, ssj):
    with on("2026-03-01"):
        approve_plan(example, 2026)
        draw = ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--seed", "s-1")
    assert draw.code == 0, draw.out + draw.err
    assign = ssj("-C", example, "assign", "--year", "2026", "--seed", "assign-1")
    assert assign.code == 0, assign.out + assign.err
    plans = example / "plans" / "2026"
    for path in (plans / "draws" / "2026-1.yaml", plans / "assignments" / "2026-1.yaml"):
        text = path.read_text(encoding="utf-8")
        got = parse_generated(text)
        assert got is not None, path
        assert same(got, ruamel(text))
