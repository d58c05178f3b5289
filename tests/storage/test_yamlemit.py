"""The fast emitter of generated records: whatever it writes reads back as the data."""

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from shuangsuiji.storage import yamlemit, yamlio

TRICKY = [
    "",
    " ",
    "a ",
    " a",
    "12",
    "0x1F",
    "1_000",
    "1e3",
    ".5",
    ".inf",
    "-.inf",
    ".nan",
    "+1",
    "0o17",
    "1:20",
    "2026-03-01",
    "2026-03-01T10:00:00Z",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "<<",
    "=",
    "-",
    "- a",
    "-a",
    "? a",
    ":",
    "a:",
    "a: b",
    "a #b",
    "#a",
    "&a",
    "*a",
    "!a",
    "|",
    ">",
    "'",
    '"',
    "%a",
    "@a",
    "`a",
    "[a]",
    "{a}",
    "a,b",
    "it's",
    "a\nb",
    "a\tb",
    "a\r\nb",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeffa",
    "\x7f",
    "\x00",
    "中文",
    "第1组",
    "2-3",
    "😀",
    "\U0001f600x",
    "\ud7ff",
    "a\\b",
]


def roundtrip(data):
    return yamlio.parse(yamlemit.dump(data), "x")


def test_tricky_strings_read_back_as_written():
    for text in TRICKY:
        data = {"k": text, text: [text, {"a": text}], "n": [[text], []]}
        assert roundtrip(data) == data, text


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(st.characters(exclude_categories=("Cs",)), max_size=8), inner, max_size=4
        )
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_any_json_value_reads_back(value):
    assert roundtrip(value) == value


def test_same_text_as_ruamel_for_a_record():
    record = {
        "kind": "draw",
        "draw_id": "2026-1",
        "date": "2026-03-01",
        "seed": "福彩3D 2026003期 517",
        "history": [],
        "where": {},
        "periods": ["2-3", "12"],
        "strata": [{"stratum": "全部", "population": 98, "ratio": "0.2", "selected": 20}],
        "selected": [{"id": "91350102604010605L", "ticket": "00ab" * 16, "period": "2-3"}],
        "nested": [[1, 2], {"a": {"b": None}}],
        "flag": False,
        "share": 0.25,
    }
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    yaml.allow_unicode = True
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(record, out)
    assert yamlemit.dump(record) == out.getvalue()


def _ruamel(data) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    yaml.allow_unicode = True
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
def test_the_fast_text_test_decides_as_the_full_one(text):
    assert yamlemit._text(text) == yamlemit.scalar(text)


def test_the_fast_text_test_on_tricky_strings():
    for text in [*TRICKY, "a:", "a: b", "a #b", "a#b", "x\u3000", "x\u2028y", "0b1010", "12e34"]:
        assert yamlemit._text(text) == yamlemit.scalar(text), text


def test_items_of_one_shape_as_ruamel_writes_them():
    picks = [
        {"id": "91350102604010605L", "ticket": "00ab" * 16, "stratum": "甲", "period": "2-3"},
        {"id": "9135010260401060", "ticket": "1e10", "stratum": "甲", "period": "12"},
        {"id": "x", "ticket": "f" * 64, "stratum": "乙"},  # another shape
        {"id": "v", "ticket": "true", "stratum": "乙"},
        {"id": "z", "ticket": "a", "stratum": 3},  # not every value a text
        {"id": "w", "ticket": "b", "stratum": "乙", "period": "2-3"},
    ]
    copies = [dict(p) for p in picks]  # ruamel would write a shared one as an alias
    data = {"selected": picks, "nested": [copies[:2], [copies[2]]], "empty": [{}, {"a": "b"}]}
    assert yamlemit.dump(data) == _ruamel(data)
    assert yamlemit.dump(picks) == _ruamel(picks)


def _item_by_item(data) -> str:
    bulk, yamlemit._BULK = yamlemit._BULK, 10**9
    try:
        return yamlemit.dump(data)
    finally:
        yamlemit._BULK = bulk


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    [*TRICKY, "91350102604010605L", "913501026040106051", "1e10", "0" * 64, "2-3", "甲/乙"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=yamlemit._BULK, max_size=150))
def test_long_lists_of_texts_are_written_as_item_by_item(values):
    data = {"ids": values, "nested": [values]}
    assert yamlemit.dump(data) == _item_by_item(data)
    assert roundtrip(data) == data


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, texts, texts), min_size=yamlemit._BULK, max_size=150))
def test_long_lists_of_picks_are_written_as_item_by_item(rows):
    picks = [{"id": a, "ticket": b, "stratum": c} for a, b, c in rows]
    data = {"selected": picks, "{odd} key": [dict(p, **{"{x}": "y"}) for p in picks]}
    assert yamlemit.dump(data) == _item_by_item(data)
    assert roundtrip(data) == data


members = st.lists(
    st.fixed_dictionaries({"id": texts, "ticket": texts, "load": st.integers(0, 10**6)}),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(texts, texts, members, members, st.lists(texts, max_size=3), st.booleans()),
        min_size=yamlemit._BULK,
        max_size=120,
    ),
    st.lists(texts, max_size=4),
)
def test_long_lists_of_tasks_are_written_as_item_by_item(rows, shared):
    """An assignment's tasks: nested lists of members and of texts, many tasks holding
    the one checklist list."""
    tasks = [
        {"entity": a, "ticket": b, "inspectors": m, "experts": e, "checklist": shared if s else own}
        for a, b, m, e, own, s in rows
    ]
    data = {"tasks": tasks, "again": [dict(t, x=1) for t in tasks]}
    assert yamlemit.dump(data) == _item_by_item(data)
    assert roundtrip(data) == data


def test_long_lists_of_other_shapes_are_written_item_by_item():
    mixed = [{"id": str(n), "count": n} for n in range(100)] + ["x"] * 100
    flags = [{"id": str(n), "ok": n % 2 == 0, "k": [n, True], "m": [{"a": {}}]} for n in range(99)]
    shapes = [{"id": "a"} if n % 2 else {"id": "b", "period": "2-3"} for n in range(100)]
    for data in ({"mixed": mixed}, {"shapes": shapes}, {"ints": list(range(100))}, {"f": flags}):
        assert yamlemit.dump(data) == _item_by_item(data) == _ruamel(data)


def test_the_resolvers_are_ruamels():
    """The patterns the emitter keeps are those of the installed ruamel's resolvers."""
    from ruamel.yaml.resolver import VersionedResolver

    found: dict[tuple[str, int], set[str]] = {}
    for version in ((1, 1), (1, 2)):
        resolver = VersionedResolver()
        resolver._loader_version = version
        for first, entries in resolver.versioned_resolver.items():
            for _, lazy in entries:  # LazyEval: its pattern unwrapped once
                found.setdefault((lazy.pattern, lazy.flags), set()).add(first)
    kept = {(p, flags): set(firsts) for p, flags, firsts in yamlemit._RESOLVED}
    assert kept == found
    assert [key for key in kept] == list(found)  # tried in ruamel's order


typed_texts = st.one_of([st.from_regex(re.compile(p, flags)) for p, flags, _ in yamlemit._RESOLVED])


@settings(max_examples=500, deadline=None)
@given(typed_texts)
def test_the_bulk_screen_lets_no_typed_text_through_plain(text):
    text = text.rstrip("\n")  # `$` lets the generator end a match with a line break
    assert yamlemit._column([text], yamlemit._Texts()) == [yamlemit.scalar(text)]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(texts, texts | st.integers(0, 9)), min_size=yamlemit._BULK, max_size=150),
    st.integers(0, 150),
)
def test_a_long_list_written_a_part_at_a_time_is_the_same_text(rows, odd_one):
    """Parts of 7 (a big record's are 4096): a part whose items do not fit (a value of
    another kind) sends the whole list back to item by item, and the bytes are the text's."""
    picks = [{"id": a, "ticket": b} for a, b in rows]
    if odd_one < len(picks):
        picks[odd_one] = {"id": "x", "ticket": ["y"]}
    data = {"selected": picks, "ids": [a for a, _ in rows]}
    part, yamlemit._PART = yamlemit._PART, 7
    try:
        written = yamlemit.dump(data)
        assert written == _item_by_item(data)
        assert yamlemit.dump_bytes(data, "# 头\n") == ("# 头\n" + written).encode()
    finally:
        yamlemit._PART = part
    assert roundtrip(data) == data
