"""The local cache: used only when the file's hash, the code and the body digest all match."""

import json

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
    assert back[1][2] is not back[2][2]  # every row has a list of its own
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
