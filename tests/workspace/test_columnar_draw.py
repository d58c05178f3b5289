"""The columnar roster cache gives the same rows, and the same draw record byte for byte,
as validating the roster file anew."""

import pytest

from conftest import commit_all
from shuangsuiji.core import rows
from shuangsuiji.storage import cache
from shuangsuiji.workspace import Workspace

SEED = "20260104-6152-3341"
DAY = "2026-03-01"


@pytest.fixture(autouse=True)
def _on_the_drawing_day(clock):
    clock.set(DAY)


@pytest.mark.parametrize("kind", ["entities", "inspectors", "items"])
def test_rows_from_the_columns_equal_the_validated_rows(example, kind):
    Workspace(example).roster(kind)  # fills the cache
    assert list((example / ".ssj" / "cache").glob(f"{kind}-*.bin"))
    from_columns = Workspace(example).roster(kind).rows
    validated = Workspace(example).roster(kind, cached=False).rows
    assert from_columns == validated and from_columns
    for a, b in zip(from_columns, validated, strict=True):
        assert [type(v) for v in a] == [type(v) for v in b]


def _draw(ssj, root, *args) -> bytes:
    done = ssj(
        "-C", root, "draw", "--year", "2026", "--date", DAY, "--seed", SEED, "--no-commit", *args
    )
    assert done.code == 0, done.err
    path = root / "plans" / "2026" / "draws" / "2026-1.yaml"
    raw = path.read_bytes()
    path.unlink()
    return raw


@pytest.mark.parametrize(
    "args",
    [
        ("--ratio", "0.3"),
        ("--ratio", "0.5", "--stratify", "region", "--alternates", "2"),
        ("--count", "2", "--stratify", "所属区域", "--stratify", "风险等级"),
    ],
)
def test_a_draw_from_the_columns_and_from_the_rows_is_the_same_record(
    example, ssj, monkeypatch, args
):
    # The roster kept as CSV, as big rosters are; every unit's industries, flags, extras.
    assert ssj("-C", example, "roster", "convert", "--to", "csv").code == 0
    commit_all(example, "名录改存 CSV")
    Workspace(example).roster("entities")
    built = []
    real = rows.from_columns
    monkeypatch.setattr(rows, "from_columns", lambda *a: built.append(1) or real(*a))
    columnar = _draw(ssj, example, *args)
    assert built  # the draw read the roster from its columns
    monkeypatch.setattr(cache, "load_table", lambda *a: None)
    built.clear()
    validated = _draw(ssj, example, *args)
    assert not built  # validated from the file
    assert columnar == validated


@pytest.mark.parametrize(
    "request_",
    [
        {"ratio": "0.5", "stratify": ["region"], "alternates": 2},
        {"ratio": "0.4", "periods": "", "alternates": 1},
    ],
)
def test_the_record_written_without_models_is_the_models_json_form(example, request_):
    from datetime import date, datetime

    from shuangsuiji.core.records import Draw
    from shuangsuiji.workspace import drawing

    ws = Workspace(example)
    request = drawing.Request(year=2026, day=date(2026, 3, 1), **request_)
    frozen = drawing.freeze(ws, request, "0" * 40)
    data = drawing.record_data(frozen, SEED, "测试", False, None, datetime(2026, 3, 1, 10))
    again = Draw.model_validate(data).model_dump(mode="json", exclude_none=True)
    assert again == data and list(again) == list(data)
    for name in ("excluded", "key", "forced", "selected", "alternates"):
        assert [list(x) for x in again[name]] == [list(x) for x in data[name]]
    assert data["selected"] and data["alternates"]
