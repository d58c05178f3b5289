"""A big CSV roster validated in halves on two cores gives what one reading gives, and any
problem is told by one reading of the whole file."""

import pytest

from scaledoc import write_synthetic_entities
from shuangsuiji.core.problems import InputError
from shuangsuiji.storage import processes, tabular
from shuangsuiji.workspace import load

HEADER = "统一社会信用代码,单位名称,监管类别\n"


def test_a_file_is_cut_at_a_line_break_and_the_second_half_headed_like_the_first():
    raw = ("\ufeff" + HEADER + "".join(f"91{n:016d},单位{n},工贸\n" for n in range(9))).encode()
    first, second = tabular.halves(raw)
    assert first.endswith(b"\n") and second.startswith("\ufeff".encode() + HEADER.encode())
    body = raw[len(("\ufeff" + HEADER).encode()) :]
    assert first + second[len(("\ufeff" + HEADER).encode()) :] == raw
    assert body.count(b"\n") == 9


@pytest.mark.parametrize(
    "text",
    [
        HEADER + '91000000000000001,"单位,有限公司",工贸\n' * 4,  # a cell in quotes
        HEADER + "91000000000000001,单位,工贸\r" * 4,  # a line ended by CR alone
        ",,\n" + HEADER + "91000000000000001,单位,工贸\n" * 4,  # the header further down
        HEADER + "91000000000000001,单位,工贸",  # one row: nothing to cut
    ],
)
def test_a_file_whose_cut_could_read_differently_is_not_cut(text):
    assert tabular.halves(text.encode()) is None


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "entities.csv"
    write_synthetic_entities(path, 3000)
    return path.read_bytes()


def _one_reading(monkeypatch, raw: bytes) -> list[list]:
    with monkeypatch.context() as serial:
        serial.setenv("SSJ_JOBS", "1")
        return load.validated_columns("entities", raw, "entities.csv", "entities.csv")


@pytest.mark.skipif(not processes.can_fork(), reason="this machine reads it in one process")
def test_halves_give_the_columns_of_one_reading(roster, monkeypatch):
    monkeypatch.setattr(load, "SPLIT_CSV", 0)
    halves = []
    side_by_side = processes.side_by_side
    monkeypatch.setattr(processes, "side_by_side", lambda *a: halves.append(1) or side_by_side(*a))
    found = load.validated_columns("entities", roster, "entities.csv", "entities.csv")
    assert halves and found == _one_reading(monkeypatch, roster)
    assert len(found[0]) == 3000


@pytest.mark.parametrize("damage", ["a bad cell", "an id in both halves"])
def test_a_problem_in_a_half_is_told_by_one_reading(roster, monkeypatch, damage):
    monkeypatch.setattr(load, "SPLIT_CSV", 0)
    lines = roster.decode("utf-8-sig").splitlines(keepends=True)
    if damage == "a bad cell":
        cells = lines[-2].split(",")
        cells[7] = "也许"  # 重点单位: 是 or 否
        lines[-2] = ",".join(cells)
    else:
        lines[-2] = lines[1]
    raw = "".join(lines).encode()
    with pytest.raises(InputError) as split:
        load.validated_columns("entities", raw, "entities.csv", "entities.csv")
    with pytest.raises(InputError) as whole:
        _one_reading(monkeypatch, raw)
    assert [str(p) for p in split.value.problems] == [str(p) for p in whole.value.problems]
    assert any(
        f"第 {len(lines) - 1} 行" in str(p) or "重复" in str(p) for p in split.value.problems
    )
