"""Fairness: over many fixed seeds, every unit and every officer is chosen as often as chance says.

The test: Pearson's χ² goodness of fit at significance α = 0.001, deterministic (a fixed
list of seeds), so it never flakes; a true fault of the algorithm (an order that favours
some ids) fails it, as `test_the_test_catches_a_biased_order` shows.

A draw picks k of N without replacement, so the N counts are not independent: each unit's
indicator has variance p(1-p), p = k/N, and any two have covariance -p(1-p)/(N-1). The
statistic T = Σ (Oᵢ - Eᵢ)² / (S·p(1-p)·N/(N-1)), over S draws with Eᵢ = S·p, is then χ²
with N-1 degrees of freedom (the plain Pearson statistic would be too small by the factor
(1-p)·N/(N-1), so the test would pass more than it should).

The p-value is the χ² survival function, Q(df/2, T/2), the regularized upper incomplete
gamma function, computed here from math.lgamma (series below a+1, Lentz's continued
fraction above; Numerical Recipes §6.2), since scipy is not a test dependency.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from shuangsuiji.core import algorithm

ALPHA = 0.001
SEEDS = [f"公平性检验-{n:05d}" for n in range(3000)]


def _upper_gamma_regularized(a: float, x: float) -> float:
    """Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x >= 0."""
    if x <= 0:
        return 1.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:  # series for P(a, x), then Q = 1 - P
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-15:
            n += 1
            term *= x / n
            total += term
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300  # continued fraction for Q(a, x), modified Lentz
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-15:
            break
    return math.exp(log_front) * h


def chi2_sf(statistic: float, df: int) -> float:
    return _upper_gamma_regularized(df / 2, statistic / 2)


@pytest.mark.parametrize(
    "statistic, df, expected",
    [
        (3.8414588206941285, 1, 0.05),  # the textbook critical values (scipy.stats.chi2.isf)
        (23.20925115895436, 10, 0.01),
        (43.82019596451753, 19, 0.001),
        (58.30117348979492, 29, 0.001),
        (3.3566939800333224, 4, 0.5),
        (149.4492527790389, 100, 0.001),
        (0.5, 3, 0.9188914116546758),
        (150.0, 100, 0.0009039320423540184),
    ],
)
def test_chi2_survival_function(statistic, df, expected):
    assert chi2_sf(statistic, df) == pytest.approx(expected, rel=1e-9)


def fixed_size_p_value(counts: Counter, ids: list[str], draws: int, k: int) -> float:
    """p-value that `counts` (times each id was chosen, k of len(ids) per draw) is uniform."""
    n = len(ids)
    p = k / n
    expected = draws * p
    scale = expected * (1 - p) * n / (n - 1)
    statistic = sum((counts[i] - expected) ** 2 for i in ids) / scale
    return chi2_sf(statistic, n - 1)


# ------------------------------------------------------------------ entities


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:03d}" for i in range(1, n + 1)]


def test_every_unit_is_selected_with_probability_k_over_n():
    """Two strata of different sizes (30 units, ratio 20% → 6; 7 units → 2), 3000 seeds."""
    big, small = _ids("91350100MA", 30), _ids("LS-2026-", 7)
    membership = {i: "城关街道" for i in big} | {i: "河西街道" for i in small}
    sizes = {"城关街道": 6, "河西街道": 2}
    chosen: Counter = Counter()
    first: Counter = Counter()
    for seed in SEEDS:
        result = algorithm.draw(seed, "2026-1", membership, sizes, periods=["2-3", "5-6"])
        chosen.update(p.id for p in result.selected)
        first[result.selected[0].id] += 1
    for ids, k in ((big, 6), (small, 2)):
        assert fixed_size_p_value(chosen, ids, len(SEEDS), k) > ALPHA
    # The top of the whole ranking (the first period's first task) is uniform over all 37.
    assert fixed_size_p_value(first, big + small, len(SEEDS), 1) > ALPHA


def test_alternates_are_uniform_too():
    ids = _ids("E", 20)
    population = dict.fromkeys(ids, "全部")
    alternates: Counter = Counter()
    for seed in SEEDS[:2000]:
        result = algorithm.draw(seed, "2026-2", population, {"全部": 4}, alternates=2)
        alternates.update(p.id for p in result.alternates)
    assert fixed_size_p_value(alternates, ids, 2000, 2) > ALPHA


def test_the_test_catches_a_biased_order():
    """A plausible fault, ranking by the first hex digit of the ticket and then by id, fails."""
    ids = _ids("E", 30)
    chosen: Counter = Counter()
    for seed in SEEDS:
        tickets = dict(algorithm.tickets(seed, ("2026-1",), ids))
        chosen.update(sorted(ids, key=lambda i: (tickets[i][0], i))[:6])
    assert fixed_size_p_value(chosen, ids, len(SEEDS), 6) < ALPHA


# ------------------------------------------------------------------ inspectors


def test_officers_share_the_places_evenly():
    """7 tasks × 2 officers = 14 places among 5 officers, all eligible, no earlier load.

    Ranking by load first gives every officer 2 places and 4 of them a third: which 4
    must be chance, as must who leads the first task.
    """
    officers = [f"3501022000{i}" for i in range(1, 6)]
    tasks = [algorithm.TaskCandidates(entity, officers) for entity in _ids("91350102MA", 7)]
    extra: Counter = Counter()
    leader: Counter = Counter()
    draws = 2000
    for seed in SEEDS[:draws]:
        result = algorithm.assign(seed, "2026-1", tasks, team_size=2)
        load = Counter(m.id for task in result for m in task.inspectors)
        assert sorted(load.values()) == [2, 3, 3, 3, 3]
        extra.update(i for i, n in load.items() if n == 3)
        leader[result[0].inspectors[0].id] += 1
    assert fixed_size_p_value(extra, officers, draws, 4) > ALPHA
    assert fixed_size_p_value(leader, officers, draws, 1) > ALPHA


def test_experts_share_evenly():
    officers = [f"O{i}" for i in range(1, 5)]
    experts = [f"X{i}" for i in range(1, 7)]
    tasks = [algorithm.TaskCandidates("91350102MA0000001", officers, experts)]
    chosen: Counter = Counter()
    for seed in SEEDS[:2000]:
        [task] = algorithm.assign(seed, "2026-1", tasks, team_size=2, experts=2)
        chosen.update(m.id for m in task.experts)
    assert fixed_size_p_value(chosen, experts, 2000, 2) > ALPHA
