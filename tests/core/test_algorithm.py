"""Tests of ssj-sha256-v1: the docs/algorithm.md vectors and rules, refusals and properties."""

import hashlib
import math
import random
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.core import algorithm
from shuangsuiji.core.algorithm import (
    ALGORITHM,
    AlgorithmInputError,
    AssignmentInfeasible,
    TaskCandidates,
    assign,
    check_id,
    check_seed,
    draw,
    order_by_ticket,
    parse_ratio,
    population_digest,
    sample_size,
    stratum_key,
    ticket,
    tickets,
)
from shuangsuiji.core.eligibility import PastTask, Pool, build_pool
from shuangsuiji.core.models import Entity
from shuangsuiji.core.records import Draw, Pick, Replacement
from shuangsuiji.core.selection import current_picks, next_alternate
from spec_vectors import DRAW, ORDER, SEED, TICKETS

ASSIGN_SEED = "7731 2045 9918 3306 5521"

# ------------------------------------------------------------------ test vectors


def test_algorithm_name():
    assert ALGORITHM == "ssj-sha256-v1"


@pytest.mark.parametrize(("id_", "expected"), TICKETS.items())
def test_ticket_vectors(id_, expected):
    assert ticket(SEED, DRAW, id_) == expected


def test_ticket_is_plain_sha256_of_joined_parts():
    raw = f"{SEED}|{DRAW}|E001".encode()
    assert ticket(SEED, DRAW, "E001") == hashlib.sha256(raw).hexdigest()


def test_tickets_matches_ticket():
    assert dict(tickets(SEED, [DRAW], TICKETS)) == TICKETS


def test_order_vector():
    assert [id_ for id_, _ in order_by_ticket(SEED, [DRAW], TICKETS)] == ORDER


def test_draw_vector():
    population = dict.fromkeys(TICKETS, stratum_key([]))
    k = sample_size(len(population), ratio=parse_ratio("0.2"))
    result = draw(SEED, DRAW, population, {"全部": k}, alternates=2)
    assert [p.id for p in result.selected] == ["E006", "E009"]
    assert [p.id for p in result.alternates] == ["E001", "E005"]
    assert [p.ticket for p in result.selected] == [TICKETS["E006"], TICKETS["E009"]]
    assert all(p.period is None for p in result.selected + result.alternates)
    assert [(s.stratum, s.population, s.selected) for s in result.strata] == [("全部", 10, 2)]


def test_non_ascii_seed_vector():
    assert (
        ticket("福彩3D 2022003期 517", DRAW, "E001")
        == "0f6cec10c3127edb6792b884dcd459557dcf5f6219841a8b7b26790fa0d82073"
    )


def test_assignment_vector():
    officers = [f"I0{i}" for i in range(1, 6)]
    tasks = [TaskCandidates(e, officers) for e in ("E001", "E002", "E003")]
    result = assign(ASSIGN_SEED, DRAW, tasks, team_size=2)
    got = [(a.entity, [r.id for r in a.inspectors]) for a in result]
    assert got == [("E001", ["I01", "I05"]), ("E003", ["I03", "I04"]), ("E002", ["I02", "I05"])]
    assert result[0].ticket == ticket(ASSIGN_SEED, DRAW, "E001")
    assert result[0].inspectors[0].ticket == ticket(ASSIGN_SEED, DRAW, "E001", "I01")
    # E002: I02 alone is still at load 0; the ranking holds everyone for replacements.
    assert [r.load for r in result[2].inspectors] == [0, 1]
    assert sorted(result[2].ranking) == officers
    assert result[2].ranking[:2] == ["I02", "I05"]


# ------------------------------------------------------------------ sample size


def test_sample_size_ratio_is_exact_decimal():
    assert sample_size(35, ratio=Decimal("0.2")) == 7
    assert sample_size(35, ratio=parse_ratio("20%")) == 7
    assert sample_size(35, ratio=parse_ratio(0.2)) == 7  # float via str(), not Decimal(0.2)
    assert sample_size(100, ratio=parse_ratio(0.07)) == 7  # float maths gives ceil(7.000…01) = 8
    assert math.ceil(Decimal.from_float(0.2) * 35) == 8  # the trap parse_ratio avoids
    assert sample_size(36, ratio=Decimal("0.2")) == 8
    assert sample_size(0, ratio=Decimal("0.2")) == 0
    assert sample_size(8, ratio=parse_ratio("12.5%")) == 1
    assert sample_size(9, ratio=parse_ratio("12.5%")) == 2


def test_sample_size_count_and_minimum():
    assert sample_size(5, count=10) == 5
    assert sample_size(50, count=10) == 10
    assert sample_size(10, ratio=Decimal("0.2"), minimum=3) == 3
    assert sample_size(2, ratio=Decimal("0.2"), minimum=3) == 2  # never above N
    assert sample_size(100, ratio=Decimal("0.2"), minimum=3) == 20  # only raises k


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"ratio": Decimal("0.2"), "count": 3}, {"count": -1}, {"count": True}],
)
def test_sample_size_refusals(kwargs):
    with pytest.raises(AlgorithmInputError):
        sample_size(10, **kwargs)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.2", "0.2"),
        ("20%", "0.2"),
        ("12.5%", "0.125"),
        (" 30 % ", "0.3"),
        ("100%", "1"),
        ("1", "1"),
        (1, "1"),
        (0.2, "0.2"),
        (Decimal("0.35"), "0.35"),
    ],
)
def test_parse_ratio(value, expected):
    assert parse_ratio(value) == Decimal(expected)


@pytest.mark.parametrize(
    "value",
    [
        *("abc", "", "%", "NaN", "inf", float("nan"), float("inf"), Decimal("sNaN")),
        *(True, False, None),
        *(0, "0", "0%", "-0.1", "1.01", "101%", 2),
    ],
)
def test_parse_ratio_refusals(value):
    with pytest.raises(AlgorithmInputError, match="抽查比例"):
        parse_ratio(value)


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ("a|b", "“|”"),
        ("a\nb", "换行"),
        ("a\rb", "换行"),
        ("a\u2028b", "换行"),
        ("a\x85b", "换行"),
        ("a\tb", "控制字符"),
        ("\ufeffseed", "不可见"),
        (" seed", "首尾"),
        ("seed ", "首尾"),
        ("seed\u3000", "首尾"),
        ("", "为空"),
        ("x" * 257, "过长"),
        ("cafe\u0301", "NFC"),
        (7, "字符串"),
    ],
)
def test_seed_refusals(seed, message):
    with pytest.raises(AlgorithmInputError, match=message):
        check_seed(seed)
    with pytest.raises(AlgorithmInputError):
        ticket(seed, DRAW, "E001")


def test_seed_accepted_unchanged():
    for seed in ("x", "x" * 256, "福彩3D 2022003期 517", "café", "007"):
        assert check_seed(seed) is seed


def test_seed_is_a_string_not_a_number():
    assert ticket("007", DRAW, "E001") != ticket("7", DRAW, "E001")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "为空"),
        ("E|1", "“|”"),
        ("E 1", "空白"),
        ("E1 ", "空白"),
        ("E\t1", "空白"),
        ("E\u30001", "空白"),
        ("E\x001", "控制字符"),
        ("E\u200b1", "不可见"),
        ("E\u0301", "NFC"),
        (1, "字符串"),
    ],
)
def test_id_refusals(value, message):
    with pytest.raises(AlgorithmInputError, match=message):
        check_id(value, "检查对象编号")
    with pytest.raises(AlgorithmInputError):
        list(tickets(SEED, [DRAW], ["E001", value]))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=4), st.integers(), st.none()), max_size=6))
def test_ids_are_checked_at_once_as_one_by_one(ids):
    """The test of all ids at once passes only ids that each pass on their own."""
    one_by_one = all(isinstance(i, str) and algorithm._id_ok(i) for i in ids)
    assert not algorithm._all_ok(ids) or one_by_one
    if one_by_one:
        assert algorithm.checked_ids(ids) == ids
    else:
        with pytest.raises(AlgorithmInputError):
            algorithm.checked_ids(ids)


def test_id_message_names_the_field():
    with pytest.raises(AlgorithmInputError, match=r"^执法证号"):
        check_id("A B", "执法证号")
    assert check_id("91350100M000100Y43") == "91350100M000100Y43"


def test_tickets_checks_seed_at_call_not_first_iteration():
    with pytest.raises(AlgorithmInputError):
        tickets("bad|seed", [DRAW], [])


def test_duplicate_ids_refused():
    with pytest.raises(AlgorithmInputError, match="重复"):
        order_by_ticket(SEED, [DRAW], ["E001", "E002", "E001"])
    with pytest.raises(AlgorithmInputError, match="重复"):
        population_digest(["E001", "E001"])


def test_population_digest():
    ids = ["b", "a", "中", "Z"]
    expected = hashlib.sha256("Z\na\nb\n中".encode()).hexdigest()
    assert population_digest(ids) == expected
    assert population_digest([]) == hashlib.sha256(b"").hexdigest()
    # Ids known valid, distinct and in code point order (a ranked roster's) are only joined.
    assert population_digest(sorted(ids), ordered=True) == expected
    assert population_digest([], ordered=True) == population_digest([])


def test_stratum_key():
    assert stratum_key([]) == "全部"
    assert stratum_key(["危险化学品", "城关镇"]) == "危险化学品/城关镇"
    with pytest.raises(AlgorithmInputError):
        stratum_key(["冶金/有色", "城关镇"])


def test_draw_refusals():
    population = {"E001": "A", "E002": "B"}
    with pytest.raises(AlgorithmInputError, match="B"):
        draw(SEED, DRAW, population, {"A": 1})  # a stratum without k
    with pytest.raises(AlgorithmInputError, match="只有 1 个"):
        draw(SEED, DRAW, population, {"A": 2, "B": 0})
    with pytest.raises(AlgorithmInputError):
        draw(SEED, DRAW, population, {"A": 1, "B": 1}, alternates=-1)


def test_draw_reports_empty_stratum_from_sizes():
    result = draw(SEED, DRAW, {"E001": "A"}, {"A": 1, "B": 0})
    assert [(s.stratum, s.population, s.selected) for s in result.strata] == [
        ("A", 1, 1),
        ("B", 0, 0),
    ]


# ------------------------------------------------------------------ draw properties

ids_st = st.lists(
    st.from_regex(r"[A-Z0-9]{1,6}", fullmatch=True), min_size=1, max_size=60, unique=True
)
population_st = ids_st.flatmap(
    lambda ids: st.lists(
        st.sampled_from(["甲", "乙", "丙/丁"]), min_size=len(ids), max_size=len(ids)
    ).map(lambda strata: dict(zip(ids, strata, strict=True)))
)
ratio_st = st.one_of(
    st.tuples(st.integers(1, 100), st.integers(1, 100))
    .filter(lambda pq: pq[0] <= pq[1])
    .map(lambda pq: Decimal(pq[0]) / Decimal(pq[1])),
    st.integers(1, 1000).map(lambda n: f"{n // 10}.{n % 10}%"),
)
seed_st = (
    st.text(
        st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"], exclude_characters="|"),
        min_size=1,
        max_size=20,
    )
    .map(lambda s: unicodedata.normalize("NFC", s).strip())
    .filter(bool)
)


def _strata(population):
    by = {}
    for id_, s in population.items():
        by.setdefault(s, []).append(id_)
    return by


def _sizes(population, ratio):
    return {s: sample_size(len(m), ratio=ratio) for s, m in _strata(population).items()}


@settings(max_examples=40, deadline=None)
@given(population_st, ratio_st, st.integers(0, 3), st.randoms(use_true_random=False))
def test_draw_properties(population, ratio, alternates, rnd):
    ratio = parse_ratio(ratio)
    periods = ["2-3月", "5-6月", "9-10月", "12月"][: rnd.randint(0, 4)]
    sizes = _sizes(population, ratio)
    result = draw(SEED, DRAW, population, sizes, alternates=alternates, periods=periods)

    # Order invariance: same draw whatever order the roster arrives in.
    shuffled = list(population.items())
    rnd.shuffle(shuffled)
    assert draw(SEED, DRAW, dict(shuffled), sizes, alternates=alternates, periods=periods) == (
        result
    )

    by = _strata(population)
    assert [s.stratum for s in result.strata] == sorted(by)
    for s in result.strata:
        n = len(by[s.stratum])
        assert s.population == n
        assert s.selected == math.ceil(Fraction(ratio) * n)  # exact, no 28-digit context
        chosen = [p for p in result.selected if p.stratum == s.stratum]
        spare = [p for p in result.alternates if p.stratum == s.stratum]
        assert len(chosen) == s.selected
        assert len(spare) == min(alternates, n - s.selected)
        # Selected, then alternates, are exactly the head of the stratum's ticket order.
        ranking = order_by_ticket(SEED, [DRAW], by[s.stratum])
        head = sorted(p.ticket for p in chosen) + [p.ticket for p in spare]
        assert head == [t for _, t in ranking[: len(head)]]
        rest = {t for _, t in ranking[s.selected :]}
        assert all(p.ticket < t for p in chosen for t in rest)

    # Selected in global ticket order, periods round-robin along it.
    tickets_ = [p.ticket for p in result.selected]
    assert tickets_ == sorted(tickets_)
    for i, p in enumerate(result.selected):
        assert p.period == (periods[i % len(periods)] if periods else None)
        assert p.ticket == ticket(SEED, DRAW, p.id)
    assert all(p.period is None for p in result.alternates)
    assert [(p.stratum, p.ticket) for p in result.alternates] == sorted(
        (p.stratum, p.ticket) for p in result.alternates
    )


@settings(max_examples=60, deadline=None)
@given(seed_st, ids_st, st.data())
def test_subset_keeps_relative_order(seed, ids, data):
    subset = data.draw(st.lists(st.sampled_from(ids), unique=True))
    full = [id_ for id_, _ in order_by_ticket(seed, [DRAW], ids)]
    part = [id_ for id_, _ in order_by_ticket(seed, [DRAW], subset)]
    assert part == [id_ for id_ in full if id_ in set(subset)]


@settings(max_examples=40, deadline=None)
@given(seed_st, ids_st)
def test_ticket_matches_reference_and_digest_is_order_free(seed, ids):
    for id_, t in tickets(seed, [DRAW], ids):
        assert t == hashlib.sha256(f"{seed}|{DRAW}|{id_}".encode()).hexdigest()
    assert population_digest(ids) == population_digest(reversed(ids))


# ------------------------------------------------------------------ assignment


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.integers(0, 6), st.integers(1, 25), st.integers(0, 2))
def test_assign_spreads_load_when_all_eligible(team_size, extra, n_tasks, n_experts):
    officers = [f"I{i:02}" for i in range(team_size + extra)]
    experts = [f"X{i}" for i in range(n_experts + 1)]
    tasks = [TaskCandidates(f"E{i:03}", officers, experts) for i in range(n_tasks)]
    result = assign(ASSIGN_SEED, DRAW, tasks, team_size=team_size, experts=n_experts)
    load = Counter(r.id for a in result for r in a.inspectors)
    counts = [load[o] for o in officers]
    assert max(counts) - min(counts) <= 1
    expert_load = Counter(r.id for a in result for r in a.experts)
    if n_experts:
        counts = [expert_load[x] for x in experts]
        assert max(counts) - min(counts) <= 1
    for a in result:
        assert len(a.inspectors) == team_size  # experts never fill an officer place
        assert len(a.experts) == n_experts
        assert all(r.id in officers for r in a.inspectors)
    assert [a.ticket for a in result] == sorted(a.ticket for a in result)


def test_assign_prior_load_counts():
    officers = [f"I0{i}" for i in range(1, 6)]
    tasks = [TaskCandidates("E001", officers)]
    busy = {"I01": 3, "I05": 3, "I03": 1}
    result = assign(ASSIGN_SEED, DRAW, tasks, team_size=2, prior_load=busy)
    assert {r.id for r in result[0].inspectors} == {"I02", "I04"}
    assert result[0].ranking[2] == "I03"
    assert set(result[0].ranking[3:]) == {"I01", "I05"}


def test_assign_lead_department_takes_first_place():
    officers = [f"I0{i}" for i in range(1, 6)]
    # Unconstrained, E001 ranks I01 I05 I04 I03 I02; the lead place goes to I03.
    tasks = [TaskCandidates("E001", officers, lead=["I02", "I03"])]
    (a,) = assign(ASSIGN_SEED, DRAW, tasks, team_size=2)
    assert [r.id for r in a.inspectors] == ["I03", "I01"]
    assert a.ranking == ["I03", "I01", "I05", "I04", "I02"]


def test_assign_experts_are_extra():
    tasks = [TaskCandidates("E001", ["I01", "I02"], experts=["X1", "X2", "X3"])]
    (a,) = assign(ASSIGN_SEED, DRAW, tasks, team_size=2, experts=1)
    assert [r.id for r in a.inspectors] == a.ranking[:2]
    assert len(a.experts) == 1 and a.experts[0].id == a.expert_ranking[0]
    assert "X1" not in a.ranking


def test_assign_infeasible_collects_every_shortfall():
    tasks = [
        TaskCandidates("E001", ["I01"]),
        TaskCandidates("E002", ["I01", "I02"], experts=[]),
        TaskCandidates("E003", ["I01", "I02", "I03"], lead_required=True),
        TaskCandidates("E004", ["I01", "I02"], experts=["X1"]),
    ]
    with pytest.raises(AssignmentInfeasible) as info:
        assign(ASSIGN_SEED, DRAW, tasks, team_size=2, experts=1)
    got = {(s.entity, s.role, s.needed, s.available) for s in info.value.shortfalls}
    assert got == {
        ("E001", "执法人员", 2, 1),
        ("E001", "专家", 1, 0),
        ("E002", "专家", 1, 0),
        ("E003", "主办科室", 1, 0),
        ("E003", "专家", 1, 0),
    }
    for entity in ("E001", "E002", "E003"):
        assert entity in str(info.value)
    assert "E004" not in str(info.value)


@pytest.mark.parametrize("team_size", [0, 1, True])
def test_assign_team_size_at_least_two(team_size):
    with pytest.raises(AlgorithmInputError, match="至少 2"):
        assign(ASSIGN_SEED, DRAW, [TaskCandidates("E001", ["I01", "I02"])], team_size=team_size)


@pytest.mark.parametrize(
    "task",
    [
        TaskCandidates("E001", ["I01", "I01", "I02"]),
        TaskCandidates("E001", ["I01", "I02"], lead=["I09"]),
        TaskCandidates("E001", ["I01", "I02"], experts=["I01"]),
        TaskCandidates("E 1", ["I01", "I02"]),
    ],
)
def test_assign_input_refusals(task):
    with pytest.raises(AlgorithmInputError):
        assign(ASSIGN_SEED, DRAW, [task], team_size=2)


def test_assign_duplicate_task_refused():
    task = TaskCandidates("E001", ["I01", "I02"])
    with pytest.raises(AlgorithmInputError, match="重复"):
        assign(ASSIGN_SEED, DRAW, [task, task], team_size=2)


def test_assign_is_deterministic_and_independent_of_candidate_order():
    officers = [f"I{i:02}" for i in range(12)]
    tasks = [TaskCandidates(f"E{i:03}", officers) for i in range(10)]
    rnd = random.Random(1)
    shuffled = [TaskCandidates(t.entity, rnd.sample(officers, len(officers))) for t in tasks]
    rnd.shuffle(shuffled)
    assert assign(ASSIGN_SEED, DRAW, tasks, team_size=3) == assign(
        ASSIGN_SEED, DRAW, shuffled, team_size=3
    )


# ------------------------------------------------------------------ docs/algorithm.md §8


def _unit(id_: str, **fields) -> Entity:
    return Entity(id=id_, name=f"单位{id_}", category="冶金工贸", industries=["机械"], **fields)


def _pool(day: str, history: list[PastTask], **unit) -> Pool:
    return build_pool(
        [_unit("E001", **unit)],
        year=date.fromisoformat(day).year,
        day=date.fromisoformat(day),
        level="县",
        where={},
        history=history,
        cooldown_months=12,
        yearly_cap=2,
    )


@pytest.mark.parametrize(
    ("drawn", "day", "eligible"),
    [
        ("2026-03-01", "2027-02-28", False),
        ("2026-03-01", "2027-03-01", True),
        ("2024-02-29", "2025-02-28", False),
        ("2024-02-29", "2025-03-01", True),
    ],
)
def test_cooldown_boundary(drawn, day, eligible):
    """§8.4: a unit drawn at random on `drawn` is eligible again on the day a year later."""
    past = [PastTask("E001", date.fromisoformat(drawn).year, date.fromisoformat(drawn), True)]
    pool = _pool(day, past)
    assert bool(pool.eligible) is eligible
    assert pool.excluded == ({} if eligible else {"冷却期内已随机抽查": ["E001"]})
    # The highest risk grade is never cooled down; a key or forced task never cools down.
    assert _pool(day, past, risk="重大").eligible
    assert _pool(day, [PastTask("E001", past[0].year, past[0].day, False)]).eligible


def test_first_reason_only_and_empty_level_is_the_bureaus():
    """§8.3: one reason per unit, the first that applies; no level means the bureau's own."""
    past = [PastTask("E001", 2027, date(2027, 1, 5), False)] * 2
    assert _pool("2027-03-01", past).excluded == {"已达年度检查次数上限": ["E001"]}
    assert _pool("2027-03-01", past, status="注销").excluded == {"已注销或吊销": ["E001"]}
    assert _pool("2027-03-01", [], level=None).eligible
    assert _pool("2027-03-01", [], level="市").excluded == {"属其他层级监管": ["E001"]}


def _pick(id_: str, stratum: str) -> Pick:
    return Pick(id=id_, ticket=ticket(SEED, DRAW, id_), stratum=stratum)


def test_replacement_chain_and_taken_alternates():
    """§8.6: A → X, then X → Z (Y is another draw's task); Z stands for A's pick."""
    record = Draw.model_construct(
        selected=[_pick("A", "甲"), _pick("B", "甲")],
        alternates=[_pick("X", "甲"), _pick("Y", "甲"), _pick("Z", "甲"), _pick("W", "乙")],
    )
    day, at = date(2026, 3, 2), datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=8)))
    first = next_alternate(record, [], "A", taken={"Y"})
    assert first is not None and first.id == "X"
    swaps = [Replacement(entity="A", replacement="X", reason="已注销", date=day, recorded_at=at)]
    second = next_alternate(record, swaps, "X", taken={"Y"})
    assert second is not None and second.id == "Z"
    swaps.append(
        Replacement(entity="X", replacement="Z", reason="无法联系", date=day, recorded_at=at)
    )
    picks = current_picks(record, swaps)
    assert set(picks) == {"Z", "B"} and picks["Z"].id == "A"
    assert next_alternate(record, swaps, "B", taken={"Y"}) is None  # 甲 has no alternate left
