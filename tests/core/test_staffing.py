"""staffing.teams gives algorithm.assign's teams while ranking only the lowest loads, hashing
them or reading the tickets made ahead."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.core import algorithm, staffing
from shuangsuiji.core.algorithm import AlgorithmInputError, AssignmentInfeasible, TaskCandidates

PEOPLE = [f"P{i:02d}" for i in range(12)]
EXPERTS = [f"E{i}" for i in range(4)]


@st.composite
def runs(draw):
    """A random matching problem: tasks with overlapping candidates, loads, lead lists."""
    team_size = draw(st.integers(2, 4))
    experts = draw(st.integers(0, 2))
    n = draw(st.integers(1, 25))
    tasks = []
    for i in range(n):
        officers = draw(st.lists(st.sampled_from(PEOPLE), min_size=team_size, unique=True))
        panel = draw(st.lists(st.sampled_from(EXPERTS), min_size=experts, unique=True))
        lead = draw(st.lists(st.sampled_from(officers), unique=True)) if draw(st.booleans()) else []
        tasks.append(TaskCandidates(f"U{i:03d}", officers, panel, lead, bool(lead)))
    prior = draw(st.dictionaries(st.sampled_from(PEOPLE + EXPERTS), st.integers(0, 3)))
    seed = draw(st.text("abcxyz0123", min_size=1, max_size=8))
    return seed, tasks, team_size, experts, prior


@st.composite
def shared_runs(draw):
    """Tasks sharing a few candidate lists, as matching.candidates gives them, often every
    officer; experts now and then officers of other tasks (their loads are one pool then)."""
    team_size = draw(st.integers(2, 3))
    experts = draw(st.integers(0, 2))
    lists = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            officers = list(PEOPLE)
        else:
            officers = draw(st.lists(st.sampled_from(PEOPLE), min_size=team_size, unique=True))
        others = [p for p in PEOPLE + EXPERTS if p not in officers]
        panel = draw(st.lists(st.sampled_from(others), min_size=experts, unique=True))
        lead = draw(st.lists(st.sampled_from(officers), max_size=4, unique=True))
        lists.append((officers, panel, lead))
    tasks = [
        TaskCandidates(f"U{i:03d}", *shared, lead_required=bool(shared[2]))
        for i, shared in enumerate(draw(st.lists(st.sampled_from(lists), min_size=1, max_size=60)))
    ]
    prior = draw(st.dictionaries(st.sampled_from(PEOPLE + EXPERTS + ["X1"]), st.integers(0, 5)))
    seed = draw(st.text("abcxyz0123", min_size=1, max_size=8))
    return seed, tasks, team_size, experts, prior


def straightforward(seed, tasks, team_size, experts, prior):
    return [
        (r.entity, r.ticket, r.inspectors, r.experts)
        for r in algorithm.assign(
            seed, "2026-1", tasks, team_size=team_size, experts=experts, prior_load=prior
        )
    ]


def lazy(seed, tasks, team_size, experts, prior, **ahead):
    return [
        (t.entity, t.ticket, t.inspectors, t.experts)
        for t in staffing.teams(
            seed, "2026-1", tasks, team_size=team_size, experts=experts, prior_load=prior, **ahead
        )
    ]


MADE_RIGHT = object()


def ahead(seed, tasks, team_size, experts, prior, made=MADE_RIGHT):
    """lazy(), the last tasks' tickets made beforehand: `made`, by default made right."""
    if made is MADE_RIGHT:
        people = sorted({p for t in tasks for p in (*t.officers, *t.experts)})
        made = staffing.tickets_ahead(seed, "2026-1", [t.entity for t in tasks], people)
    return lazy(seed, tasks, team_size, experts, prior, ahead=lambda: made)


@settings(max_examples=300, deadline=None)
@given(runs())
def test_the_same_teams_as_the_full_ranking(problem):
    assert lazy(*problem) == ahead(*problem) == straightforward(*problem)


@settings(max_examples=300, deadline=None)
@given(shared_runs())
def test_the_same_teams_from_shared_candidate_lists(problem):
    assert lazy(*problem) == ahead(*problem) == straightforward(*problem)


def test_tickets_made_ahead_for_other_tasks_or_people_are_not_used():
    tasks = [TaskCandidates(f"U{i:02d}", PEOPLE[:6]) for i in range(30)]
    problem = ("seed", tasks, 2, 0, {})
    serial = straightforward(*problem)
    units = [t.entity for t in tasks]
    right = staffing.tickets_ahead("seed", "2026-1", units, PEOPLE[:6])
    wrong = [
        None,  # the copy gave nothing
        staffing.tickets_ahead("other", "2026-1", units, PEOPLE[:6]),
        staffing.tickets_ahead("seed", "2026-2", units, PEOPLE[:6]),
        staffing.tickets_ahead("seed", "2026-1", units[1:], PEOPLE[:6]),  # other tasks
        staffing.tickets_ahead("seed", "2026-1", units, PEOPLE[:5]),  # not everyone
        right._replace(prefix=("other", "2026-1")),  # whatever they hold
    ]
    for made in wrong:
        assert ahead(*problem, made=made) == serial
    assert ahead(*problem, made=right) == serial
    # The orders are read, not made again: reversed, they give other teams.
    backwards = right._replace(orders=[order[::-1] for order in right.orders])
    assert ahead(*problem, made=backwards) != serial
    many = [f"Q{i:03d}" for i in range(300)]  # more than a byte can number
    big = [TaskCandidates(f"U{i:02d}", many) for i in range(10)]
    assert ahead("seed", big, 3, 0, {}) == straightforward("seed", big, 3, 0, {})


def test_the_same_teams_over_many_tasks_and_scattered_loads():
    # Many load levels, gaps between them, a lead department, experts: the walk from the
    # lowest level of each kind of candidate list, task after task.
    officers, lead, panel = PEOPLE[:10], PEOPLE[7:10], EXPERTS
    part = PEOPLE[2:8]
    tasks = [
        TaskCandidates(f"U{i:03d}", part, panel[:2], part[:2], True)
        if i % 7 == 0
        else TaskCandidates(f"U{i:03d}", officers, panel, lead if i % 3 else [], i % 3 != 0)
        for i in range(400)
    ]
    prior = {"P00": 9, "P03": 4, "P08": 30, "E1": 2, "P11": 7}
    problem = ("seed", tasks, 3, 2, prior)
    assert lazy(*problem) == straightforward(*problem)


def test_equal_loads_fall_back_to_tickets_and_loads_grow_task_by_task():
    tasks = [TaskCandidates(f"U{i}", PEOPLE[:6]) for i in range(9)]
    problem = ("seed", tasks, 2, 0, {"P00": 1})
    found = lazy(*problem)
    assert found == straightforward(*problem)
    # Nine tasks of two among six people, one of them already busy: nobody gets ahead.
    load = {"P00": 1}
    for _, _, team, _ in found:
        assert all(member.load == min(load.get(p, 0) for p in PEOPLE[:6]) for member in team[:1])
        for member in team:
            load[member.id] = load.get(member.id, 0) + 1
    assert max(load.values()) - min(load.values()) <= 1


@pytest.mark.parametrize(
    ("tasks", "kwargs", "error"),
    [
        ([TaskCandidates("U1", ["P00"])], {}, AssignmentInfeasible),
        ([TaskCandidates("U1", ["P00", "P00"])], {}, AlgorithmInputError),
        ([TaskCandidates("U1", ["P00", "P01"], lead=["P09"])], {}, AlgorithmInputError),
        ([TaskCandidates("U1", ["P00", "P01"], ["P01"])], {}, AlgorithmInputError),
        ([TaskCandidates("U1", ["P00", "P01"])] * 2, {}, AlgorithmInputError),
        ([TaskCandidates("U 1", ["P00", "P01"])], {}, AlgorithmInputError),
        ([TaskCandidates("U1", ["P00", "P01"])], {"team_size": 1}, AlgorithmInputError),
        ([TaskCandidates("U1", ["P00", "P01"])], {"experts": 1}, AssignmentInfeasible),
        ([TaskCandidates("U1", ["P00", "P01"])], {"prior_load": {"P00": -1}}, AlgorithmInputError),
        ([TaskCandidates("U1", ["P00", "P01"], lead_required=True)], {}, AssignmentInfeasible),
    ],
)
def test_the_same_refusals(tasks, kwargs, error):
    options = {"team_size": 2, **kwargs}
    with pytest.raises(error) as full:
        algorithm.assign("seed", "2026-1", tasks, **options)
    with pytest.raises(error) as fast:
        staffing.teams("seed", "2026-1", tasks, **options)
    assert str(fast.value) == str(full.value)
    if error is AssignmentInfeasible:
        assert fast.value.shortfalls == full.value.shortfalls
