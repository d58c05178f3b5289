"""A big draw ranks every unit of the roster in a forked copy while the pool is built
(workspace/drawing.py: freeze_ranked): the record is the serial one byte for byte, and
ids the cache does not hold for this roster are never used."""

import pytest

from shuangsuiji.core import algorithm
from shuangsuiji.storage import cache, processes
from shuangsuiji.workspace import Workspace, drawing, load

SEED = "20260104-6152-3341"
DAY = "2026-03-01"
RECORD = "plans/2026/draws/2026-1.yaml"


@pytest.fixture(autouse=True)
def _on_the_drawing_day(clock):
    clock.set(DAY)


@pytest.fixture
def rankings(monkeypatch):
    """The ranking each draw's record was made with (None: made with the pool)."""
    seen = []
    real = drawing.record_data

    def spied(*args, ranking=None, **kwargs):
        seen.append(ranking)
        return real(*args, ranking=ranking, **kwargs)

    monkeypatch.setattr(drawing, "record_data", spied)
    monkeypatch.setattr("shuangsuiji.services.draw.record_data", spied)
    return seen


def _draw(ssj, root) -> bytes:
    done = ssj("-C", root, "draw", "--year", "2026", "--date", DAY, "--seed", SEED, "--no-commit")
    assert done.code == 0, done.err
    raw = (root / RECORD).read_bytes()
    (root / RECORD).unlink()
    return raw


@pytest.mark.skipif(not processes.can_fork(), reason="this machine draws serially")
def test_ranked_in_a_copy_the_record_is_the_serial_one(example, ssj, monkeypatch, forks, rankings):
    Workspace(example).roster("entities")  # the cache, with the ids kept apart
    ranked = _draw(ssj, example)
    assert forks and rankings[-1] is not None  # ranked in the copy, its ranking used here
    assert len(rankings[-1].ids) == len(Workspace(example).roster("entities").rows)
    monkeypatch.setenv("SSJ_JOBS", "1")
    forks.clear()
    assert _draw(ssj, example) == ranked
    assert not forks and rankings[-1] is None


@pytest.mark.skipif(not processes.can_fork(), reason="this machine draws serially")
def test_ids_kept_for_another_roster_are_not_used(example, ssj, forks, rankings):
    serial = _draw(ssj, example)  # fills the cache
    roster = Workspace(example).roster("entities")
    assert load.kept_ids(example, "entities") == (roster.sha256, [r.id for r in roster.rows])
    # One id fewer kept for these bytes: not these rows' ids, so ranked with the pool.
    fewer = "\n".join(r.id for r in roster.rows[1:]).encode()
    cache.save_bytes(example, "ids-entities", roster.sha256, fewer)
    forks.clear()
    assert _draw(ssj, example) == serial and forks and rankings[-1] is None


def test_before_the_cache_the_pool_is_ranked_here(example, ssj, monkeypatch, rankings):
    monkeypatch.setattr(processes, "WORTH", 0)
    assert load.kept_ids(example, "entities") is None
    first = _draw(ssj, example)  # validates the roster: nothing kept yet to rank from
    assert rankings == [None] and load.kept_ids(example, "entities") is not None
    assert _draw(ssj, example) == first


def test_a_ranking_must_be_of_the_draw_and_hold_its_population():
    ids = [f"U{i:03}" for i in range(50)]
    population = {i: "全部" for i in ids[::2]}
    plain = algorithm.draw("s", "d", population, {"全部": 5}, alternates=2)
    ranking = algorithm.rank("s", ("d",), ids)
    assert algorithm.draw("s", "d", population, {"全部": 5}, alternates=2, ranking=ranking) == plain
    with pytest.raises(ValueError):
        algorithm.draw("t", "d", population, {"全部": 5}, ranking=ranking)
    with pytest.raises(ValueError):
        algorithm.draw("s", "d", {**population, "X": "全部"}, {"全部": 5}, ranking=ranking)
    del population[ids[0]]
    with pytest.raises(ValueError):  # as many members as before, one of them not ranked
        algorithm.draw("s", "d", {**population, "X": "全部"}, {"全部": 5}, ranking=ranking)
