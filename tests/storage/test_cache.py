"""The local cache: used only when the file's hash, the code and the body digest all match."""

import json
import os
import pickle
from datetime import date

from shuangsuiji.storage import cache

SHA = "a" * 64
ROWS = [["91350102604010605L", "单位甲", None, ["x"]], ["B-2", "单位乙", True, []]]


def save_rows(root, name, sha256, rows):
    """Rows kept as the roster cache keeps them: by column."""
    cache.save_columns(root, name, sha256, [list(c) for c in zip(*rows, strict=True)])


def load_rows(root, name, sha256):
    columns = cache.load_columns(root, name, sha256)
    return None if columns is None else (list(row) for row in zip(*columns, strict=True))


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


def test_rows_are_kept_by_column_equal_values_once(tmp_path):
    shared, empty = ["甲"], []  # as validation makes them: one object per repeated value
    many = [[f"id-{n}", n % 2 == 0, shared if n % 3 else empty, n % 3] for n in range(1000)]
    save_rows(tmp_path, "entities", SHA, iter(many))
    (path,) = (tmp_path / ".ssj" / "cache").glob("entities-*.bin")
    back = list(load_rows(tmp_path, "entities", SHA))
    assert back == many and [type(v) for v in back[0]] == [str, bool, list, int]
    assert back[1][2] is back[2][2] and back[0][2] is back[3][2]  # read only: still one each
    assert path.stat().st_size < 20_000  # the ids, and a few bytes per other value
    assert load_rows(tmp_path, "inspectors", SHA) is None
    save_rows(tmp_path, "items", SHA, [])
    assert list(load_rows(tmp_path, "items", SHA)) == []


def test_rows_are_kept_with_their_layout(tmp_path):
    cache.save_columns(tmp_path, "entities", SHA, [["a", "b"], [1, 2]], {"fields": ["id", "n"]})
    assert cache.load_table(tmp_path, "entities", SHA) == (
        {"fields": ["id", "n"]},
        [["a", "b"], [1, 2]],
    )


def test_edited_or_torn_entries_are_ignored(tmp_path):
    save_rows(tmp_path, "entities", SHA, ROWS)
    (path,) = (tmp_path / ".ssj" / "cache").glob("entities-*.bin")
    raw = path.read_bytes()
    path.write_bytes(raw.replace("单位甲".encode(), "单位丙".encode()))
    assert load_rows(tmp_path, "entities", SHA) is None  # body digest differs
    path.write_bytes(raw[: len(raw) // 2])
    assert load_rows(tmp_path, "entities", SHA) is None
    path.write_bytes(b"[]\nnot json")
    assert load_rows(tmp_path, "entities", SHA) is None
    path.write_bytes(raw)
    assert list(load_rows(tmp_path, "entities", SHA)) == ROWS


def test_an_entry_that_would_make_an_object_or_run_code_is_not_read(tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for forged in (
        {"rows": 1, "columns": [[Payload()]]},
        {"rows": 1, "columns": [[date(2026, 1, 1)]]},  # a class, however harmless
        {"rows": 2, "columns": [["甲"]]},  # columns that do not hold the rows
        ["not", "a", "table"],
    ):
        cache.save_bytes(tmp_path, "entities", SHA, pickle.dumps(forged, protocol=5))
        assert cache.load_columns(tmp_path, "entities", SHA) is None and not marker.exists()


def test_entries_of_other_validation_code_are_ignored(tmp_path, monkeypatch):
    save_rows(tmp_path, "entities", SHA, ROWS)
    monkeypatch.setattr(cache, "code_digest", lambda: "0" * 16)
    assert load_rows(tmp_path, "entities", SHA) is None


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
    save_rows(tmp_path, "entities", SHA, ROWS)
    (path,) = (tmp_path / ".ssj" / "cache").glob("entities-*.bin")
    header = json.loads(path.read_bytes().rsplit(b"\n", 1)[1])
    assert header["sha256"] == SHA and header["lines"] == 1 and header["code"]


def test_a_mapping_with_keys_that_are_not_text_is_written_as_json_writes_it(monkeypatch):
    monkeypatch.setattr(cache, "_PIECE", 3)
    for value in ({1: list(range(7))}, {"a": {2: list(range(9))}}):
        assert "".join(cache._pieces(value)) == cache._dumps(value)


def test_a_value_that_is_not_json_is_not_kept_even_as_json(tmp_path):
    cache.save(tmp_path, "yaml", "cd" * 32, {"when": date(2026, 3, 1)}, as_json=True)
    assert cache.load(tmp_path, "yaml", "cd" * 32) is None
