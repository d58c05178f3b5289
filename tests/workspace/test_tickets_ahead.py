"""A big matching makes the tickets of its last tasks in a forked copy while its inputs
are read (workspace/matching.py: tickets_ahead): the record and the output are the serial
ones byte for byte, and a matching that fails leaves no copy behind."""

import os

import pytest

from shuangsuiji.core import staffing
from shuangsuiji.storage import processes
from shuangsuiji.workspace import Workspace, matching, records

pytestmark = pytest.mark.skipif(not processes.can_fork(), reason="this machine matches serially")

DAY = "2026-03-01"
ASSIGNMENT = "plans/2026/assignments/2026-1.yaml"


@pytest.fixture
def drawn(example, ssj, clock):
    clock.set(DAY)
    done = ssj("-C", example, "draw", "--year", "2026", "--date", DAY, "--ratio", "0.5")
    assert done.code == 0, done.err
    return example


@pytest.fixture
def made_ahead(monkeypatch):
    """The tickets made ahead in this process (a copy's are seen in the copy only)."""
    seen = []
    real = staffing.tickets_ahead

    def spied(*args):
        found = real(*args)
        seen.append(found)
        return found

    monkeypatch.setattr(staffing, "tickets_ahead", spied)
    return seen


def _assign(ssj, root, *args) -> tuple[int, str, bytes | None]:
    done = ssj("-C", root, "assign", "--year", "2026", "--seed", "匹配种子", "--no-commit", *args)
    path = root / ASSIGNMENT
    raw = path.read_bytes() if path.exists() else None
    path.unlink(missing_ok=True)
    return done.code, done.out, raw


def test_made_in_a_copy_the_matching_is_the_serial_one(drawn, ssj, monkeypatch, forks):
    read = []
    real = staffing._Loads._ordered
    monkeypatch.setattr(staffing._Loads, "_ordered", lambda *a: read.append(1) or real(*a))
    forks.clear()  # the draw's own
    side = _assign(ssj, drawn, "--json")
    assert side[0] == 0 and side[2] and len(forks) == 1
    assert read  # the copy's tickets were taken by the walk
    read.clear()
    monkeypatch.setenv("SSJ_JOBS", "1")
    forks.clear()
    assert _assign(ssj, drawn, "--json") == side
    assert not forks and not read


def test_where_no_copy_can_be_made_no_ticket_is_made_twice(
    drawn, ssj, forks, made_ahead, monkeypatch
):
    monkeypatch.setattr(processes, "can_fork", lambda: False)
    assert _assign(ssj, drawn)[0] == 0
    assert made_ahead == [] and not forks  # the walk hashed what it needed, nothing more


def test_a_failing_matching_leaves_no_copy_behind(drawn, ssj, forks):
    forks.clear()
    code, _, raw = _assign(ssj, drawn, "--min-inspectors", "10")
    assert code == 1 and raw is None and len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the copy was stopped and reaped


def test_small_rosters_are_matched_in_one_process(drawn):
    ws = Workspace(drawn)
    (record,) = records.all_draws(ws)
    people = ws.roster("inspectors").rows
    assert matching.tickets_ahead(ws, record, people, "匹配种子") is None  # 30 units
