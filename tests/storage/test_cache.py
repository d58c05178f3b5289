"""The local cache: used only when the file's hash, the code and the body digest all match."""

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.storage import cache

SHA = "a" * 64
ROWS = [["91350102604010605L", "单位甲", None, ["x"]], ["B-2", "单位乙", True, []]]


def test_saved_value_is_loaded_back(tmp_path):
    cache.save(tmp_path, "yaml", SHA, {"kind": "draw", "selected": ROWS})
    assert cache.load(tmp_path, "yaml", SHA) == {"kind": "draw", "selected": ROWS}
    assert cache.load(tmp_path, "yaml", "b" * 64) is None  # another file's bytes


def test_json_values_are_written_in_pieces_as_one_text(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_PIECE", 3)
    value = {"kind": "assignment", "tasks": [{"id": n, "l": list(range(n))} for n in range(8)]}
    for each in (value, [], {}, list(range(7)), {"a": {"b": list(range(4))}, "c": "甲"}):
        assert "".join(cache._pieces(each)) == cache._dumps(each)
    cache.save(tmp_path, "yaml", SHA, value, as_json=True)
    assert cache.load_text(tmp_path, "yaml", SHA) == cache._dumps(value).encode()
    cache.save(tmp_path, "yaml", "b" * 64, {"x": [1.0] * 9 + [float("nan")]}, as_json=True)
    assert cache.load(tmp_path, "yaml", "b" * 64) is None
    assert [p.name for p in (tmp_path / ".ssj" / "cache").iterdir()] == [f"yaml-{SHA}.json"]


def test_rows_are_kept_by_column_few_distinct_values_once(tmp_path):
    many = [[f"id-{n}", n % 2 == 0, ["甲"] if n % 3 else [], n % 3] for n in range(100)]
    cache.save_rows(tmp_path, "entities", SHA, iter(many))
    (path,) = (tmp_path / ".ssj" / "cache").glob("entities-*.json")
    kept = json.loads(path.read_bytes().split(b"\n")[0])
    assert kept["rows"] == 100 and kept["columns"][0] == {"values": [r[0] for r in many]}
    assert kept["columns"][1]["distinct"] == [True, False]  # not the same as 1 and 0
    assert kept["columns"][3]["distinct"] == [0, 1, 2]
    back = list(cache.load_rows(tmp_path, "entities", SHA))
    assert back == many
    assert back[1][2] is back[2][2]  # rows are read only: equal lists are one
    assert cache.load_rows(tmp_path, "inspectors", SHA) is None
    cache.save_rows(tmp_path, "items", SHA, [])
    assert list(cache.load_rows(tmp_path, "items", SHA)) == []


def test_edited_or_torn_entries_are_ignored(tmp_path):
    cache.save_rows(tmp_path, "entities", SHA, ROWS)
    (path,) = (tmp_path / ".ssj" / "cache").glob("entities-*.json")
    raw = path.read_bytes()
    path.write_bytes(raw.replace("单位甲".encode(), "单位丙".encode()))
    assert cache.load_rows(tmp_path, "entities", SHA) is None  # body digest differs
    path.write_bytes(raw[: len(raw) // 2])
    assert cache.load_rows(tmp_path, "entities", SHA) is None
    path.write_bytes(b"[]\nnot json")
    assert cache.load_rows(tmp_path, "entities", SHA) is None
    path.write_bytes(raw)
    assert list(cache.load_rows(tmp_path, "entities", SHA)) == ROWS


def test_entries_of_other_validation_code_are_ignored(tmp_path, monkeypatch):
    cache.save_rows(tmp_path, "entities", SHA, ROWS)
    monkeypatch.setattr(cache, "code_digest", lambda: "0" * 16)
    assert cache.load_rows(tmp_path, "entities", SHA) is None


def test_values_json_would_change_are_not_kept(tmp_path):
    from datetime import date

    cache.save(tmp_path, "yaml", SHA, {"day": date(2026, 1, 1)})
    cache.save(tmp_path, "yaml", "b" * 64, {1: "int key"})
    assert not (tmp_path / ".ssj" / "cache").exists()


def test_old_entries_are_pruned(tmp_path):
    for n in range(cache.KEEP + 3):
        cache.save(tmp_path, "yaml", f"{n:064x}", {"n": n})
    kept = list((tmp_path / ".ssj" / "cache").glob("yaml-*.json"))
    assert len(kept) == cache.KEEP


def test_the_header_names_what_the_entry_is(tmp_path):
    cache.save_rows(tmp_path, "entities", SHA, ROWS)
    (path,) = (tmp_path / ".ssj" / "cache").glob("entities-*.json")
    header = json.loads(path.read_bytes().rsplit(b"\n", 1)[1])
    assert header["sha256"] == SHA and header["lines"] == 1 and header["code"]


def test_a_mapping_with_keys_that_are_not_text_is_written_as_json_writes_it(monkeypatch):
    monkeypatch.setattr(cache, "_PIECE", 3)
    for value in ({1: list(range(7))}, {"a": {2: list(range(9))}}):
        assert "".join(cache._pieces(value)) == cache._dumps(value)


def test_a_value_that_is_not_json_is_not_kept_even_as_json(tmp_path):
    cache.save(tmp_path, "yaml", "cd" * 32, {"when": date(2026, 3, 1)}, as_json=True)
    assert cache.load(tmp_path, "yaml", "cd" * 32) is None


def _encoded_as_before(column: list) -> dict:
    """cache._encoded as it was first written: every column keyed, value by value."""
    import array
    import base64

    kinds = set(map(type, column))
    keys = cache._keys(column, kinds)
    index = dict.fromkeys(keys)
    if len(index) > max(16, len(column) // 4):
        return {"values": column}
    for code, key in enumerate(index):
        index[key] = code
    first = dict(zip(keys, column, strict=True))
    distinct = [first[k] for k in index]
    codes = list(map(index.__getitem__, keys))
    typecode = next(t for t, size in cache._WIDTHS if len(distinct) <= size)
    packed = base64.b64encode(array.array(typecode, codes).tobytes()).decode()
    return {"distinct": distinct, "type": typecode, "codes": packed}


_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", "甲", "乙"]),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from([0.0, -0.0, 1.0]),
    st.lists(st.sampled_from(["甲", "乙"]), max_size=2),
    st.dictionaries(st.sampled_from(["备注", "其他"]), st.sampled_from(["", "见附件"]), max_size=2),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_VALUES, max_size=40) | st.lists(_VALUES, max_size=40).map(lambda c: c * 30))
def test_a_column_is_kept_as_it_was_before_the_shortcuts(column):
    """One value on every row, or text keyed by itself: the entry is the same JSON."""
    assert json.dumps(cache._encoded(column)) == json.dumps(_encoded_as_before(column))
    uniform = [column[0]] * len(column) if column else []
    assert json.dumps(cache._encoded(uniform)) == json.dumps(_encoded_as_before(uniform))


def test_a_column_whose_codes_do_not_fit_its_values_is_not_read(tmp_path):
    """Entries written by this code always fit; one that does not (a code past the values,
    a signed code, a code other than 0 beside a single value) is read as no entry."""
    import base64

    def kept(column: dict, rows: int) -> list[list] | None:
        cache._save(tmp_path, "entities", SHA, [cache._dumps({"rows": rows, "columns": [column]})])
        return cache.load_columns(tmp_path, "entities", SHA)

    codes = base64.b64encode(bytes([0, 1, 2])).decode()
    assert kept({"distinct": ["甲", "乙", "丙"], "type": "B", "codes": codes}, 3) == [
        ["甲", "乙", "丙"]
    ]
    assert kept({"distinct": ["甲", "乙"], "type": "B", "codes": codes}, 3) is None
    minus_one = base64.b64encode(bytes([0, 255])).decode()
    assert kept({"distinct": ["甲", "乙"], "type": "b", "codes": minus_one}, 2) is None
    assert kept({"distinct": ["甲"], "type": "B", "codes": minus_one}, 2) is None
    zeros = base64.b64encode(bytes(4)).decode()
    assert kept({"distinct": ["甲"], "type": "H", "codes": zeros}, 2) == [["甲", "甲"]]


def test_a_mostly_unique_text_column_is_kept_as_its_values():
    column = [f"单位{n}" for n in range(1000)] + ["单位1"] * 10
    assert cache._encoded(column) == {"values": column}
    assert cache._encoded(column) == _encoded_as_before(column)
    few = ["甲", "乙"] * 600
    assert cache._encoded(few)["distinct"] == ["甲", "乙"]
