"""ssj-sha256-v1：抽取与匹配算法（纯函数，无 I/O）。

Every random choice of ssj goes through this module; see docs for the full statement.
Only hashlib/unicodedata/decimal are used so that a draw re-checked years later, on any
Python, gives the same answer as `printf '%s' 'seed|draw|id' | sha256sum`.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

ALGORITHM = "ssj-sha256-v1"
SEED_MAX_LEN = 256
ALL_STRATUM = "全部"

# Everything str.splitlines() splits on, so no seed can span two lines of a record.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


class AlgorithmInputError(ValueError):
    """输入不符合算法要求（消息为中文，直接展示给用户）。"""


def _show(value: str, limit: int = 40) -> str:
    """Quote a value for a message, making invisible characters visible."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in value)
    return text if len(text) <= limit else text[:limit] + "…"


def _nfc_error(what: str, value: str) -> AlgorithmInputError:
    return AlgorithmInputError(
        f"{what}“{_show(value)}”不是 Unicode NFC 规范形式；请规范化后重新输入（本工具不会自动改写）"
    )


def check_seed(seed: str) -> str:
    """Return the seed unchanged if it is a valid seed, else raise; never cleans it."""
    if not isinstance(seed, str):
        # YAML turns 007 into 7: a seed must arrive as text or it is silently another seed.
        raise AlgorithmInputError(
            f"种子必须是文字（字符串），不能是 {type(seed).__name__}：{seed!r}"
        )
    if not seed:
        raise AlgorithmInputError("种子不能为空")
    if len(seed) > SEED_MAX_LEN:
        raise AlgorithmInputError(f"种子过长：{len(seed)} 个字符，最多 {SEED_MAX_LEN} 个")
    if "|" in seed:
        raise AlgorithmInputError("种子不能包含“|”")
    if not seed.isprintable():
        for c in seed:
            if c in _LINE_BREAKS:
                raise AlgorithmInputError(f"种子不能包含换行符（U+{ord(c):04X}）")
            # Spaces may sit inside a seed (“福彩3D 2022003期 517”); other invisibles
            # (tab, BOM, zero-width) would make two seeds that look the same differ.
            if not c.isprintable() and unicodedata.category(c) != "Zs":
                raise AlgorithmInputError(f"种子不能包含控制字符或不可见字符（U+{ord(c):04X}）")
    if seed != seed.strip():
        raise AlgorithmInputError(f"种子“{_show(seed)}”首尾不能有空白字符")
    if not unicodedata.is_normalized("NFC", seed):
        raise _nfc_error("种子", seed)
    return seed


def _id_ok(value: object) -> bool:
    # One C-level pass per test: this runs once per entity on million-entity rosters.
    # isprintable() is False for every control, format, separator and surrogate code
    # point except the ASCII space, which is tested separately.
    return (
        isinstance(value, str)
        and value != ""
        and value.isprintable()
        and " " not in value
        and "|" not in value
        and unicodedata.is_normalized("NFC", value)
    )


def check_id(value: str, what: str = "编号") -> str:
    """Return an id (or any ticket part) unchanged if valid, else raise naming `what`."""
    if _id_ok(value):
        return value
    if not isinstance(value, str):
        raise AlgorithmInputError(
            f"{what}必须是文字（字符串），不能是 {type(value).__name__}：{value!r}"
        )
    if not value:
        raise AlgorithmInputError(f"{what}不能为空")
    if "|" in value:
        raise AlgorithmInputError(f"{what}“{_show(value)}”不能包含“|”")
    for c in value:
        if c.isspace() or unicodedata.category(c).startswith("Z"):
            raise AlgorithmInputError(f"{what}“{_show(value)}”不能包含空白字符（U+{ord(c):04X}）")
        if not c.isprintable():
            raise AlgorithmInputError(
                f"{what}“{_show(value)}”不能包含控制字符或不可见字符（U+{ord(c):04X}）"
            )
    raise _nfc_error(what, value)


def _checked(ids: Iterable[str]) -> Iterator[str]:
    """Validate ids lazily with the fast test; the slow one only builds the message."""
    for id_ in ids:
        if not _id_ok(id_):
            check_id(id_)
        yield id_


def _prefix(seed: str, parts: Sequence[str]) -> hashlib._Hash:
    """A hasher already fed "seed|p1|...|pn|", validated once, to be copied per id."""
    check_seed(seed)
    h = hashlib.sha256(seed.encode())
    for part in parts:
        h.update(b"|" + check_id(part, "抽取参数").encode())
    h.update(b"|")
    return h


def ticket(seed: str, *parts: str) -> str:
    """Lowercase hex SHA-256 of the UTF-8 bytes of seed|p1|...|pn (all parts validated)."""
    if not parts:
        return hashlib.sha256(check_seed(seed).encode()).hexdigest()
    *head, last = parts
    h = _prefix(seed, head)
    h.update(check_id(last, "抽取参数").encode())
    return h.hexdigest()


def tickets(
    seed: str, prefix_parts: Sequence[str], ids: Iterable[str], *, ids_checked: bool = False
) -> Iterator[tuple[str, str]]:
    """Yield (id, ticket(seed, *prefix_parts, id)) for each id; seed checked once, eagerly.

    `ids_checked`: the caller has already validated every id (population_digest does).
    """
    prefix = _prefix(seed, prefix_parts)  # outside the generator, so errors raise at call

    def gen() -> Iterator[tuple[str, str]]:
        copy = prefix.copy
        for id_ in ids if ids_checked else _checked(ids):
            h = copy()
            h.update(id_.encode())
            yield id_, h.hexdigest()

    return gen()


def order_by_ticket(
    seed: str, prefix_parts: Sequence[str], ids: Iterable[str]
) -> list[tuple[str, str]]:
    """Full ranking [(id, ticket), ...] by ascending ticket; duplicate ids are refused."""
    ranked = sorted(tickets(seed, prefix_parts, ids), key=operator.itemgetter(1))
    for (a, ta), (_, tb) in itertools.pairwise(ranked):
        if ta == tb:  # equal tickets under one prefix can only mean a repeated id
            raise AlgorithmInputError(f"编号“{_show(a)}”重复出现")
    return ranked


def _all_ok(ids: list) -> bool:
    """Whether every id is valid, tested on all of them at once (C speed); False may be
    wrong (an id beginning with a combining mark), and the ids are then tested one by one.

    ASCII text is always NFC, and a concatenation is printable, free of spaces and of "|"
    exactly when every part is.
    """
    if not ids:
        return True
    try:
        joined = "".join(ids)
    except TypeError:  # not all of them text
        return False
    return (
        joined.isascii()
        and joined.isprintable()
        and " " not in joined
        and "|" not in joined
        and min(map(len, ids)) > 0
    )


def checked_ids(ids: Iterable[str]) -> list[str]:
    """The ids as a list, each validated (the first invalid one raises, as check_id)."""
    ids = list(ids)
    if not _all_ok(ids):
        ids = list(_checked(ids))
    return ids


def population_digest(ids: Iterable[str], *, ordered: bool = False) -> str:
    """SHA-256 of the ids sorted by code point, joined by "\\n", no trailing newline.

    `ordered`: the ids are known to be valid, distinct and in that order already (taken in
    order from a roster's ids that were ranked, workspace/drawing.freeze_ranked): they are
    only joined and hashed."""
    if ordered:
        return hashlib.sha256("\n".join(ids).encode()).hexdigest()
    # Python compares str by code point, which is also UTF-8 byte order (`LC_ALL=C sort`).
    ordered_ids = sorted(checked_ids(ids))
    if any(map(operator.eq, ordered_ids, itertools.islice(ordered_ids, 1, None))):  # side by side
        for a, b in itertools.pairwise(ordered_ids):
            if a == b:
                raise AlgorithmInputError(f"编号“{_show(a)}”重复出现")
    return hashlib.sha256("\n".join(ordered_ids).encode()).hexdigest()


def parse_ratio(value: str | int | float | Decimal) -> Decimal:
    """Parse "0.2", "20%", "12.5%", 0.2 or Decimal into an exact Decimal with 0 < r <= 1."""
    # bool is an int, and True must not mean 100%.
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise AlgorithmInputError(f"抽查比例必须是数字或文字（如 0.2、20%）：{value!r}")
    try:
        if isinstance(value, float):
            ratio = Decimal(str(value))  # str() gives 0.2; Decimal(0.2) is 0.2000000000000000111…
        elif isinstance(value, str):
            text = value.strip()
            percent = text.endswith(("%", "％"))
            ratio = Decimal(text[:-1] if percent else text)
            ratio = ratio.scaleb(-2) if percent else ratio  # scaleb is exact; / 100 may round
        else:
            ratio = Decimal(value)
    except InvalidOperation:
        raise AlgorithmInputError(f"抽查比例“{value}”不是有效数字（可写 0.2 或 20%）") from None
    if not ratio.is_finite():
        raise AlgorithmInputError(f"抽查比例“{value}”不是有效数字（可写 0.2 或 20%）")
    if not 0 < ratio <= 1:
        raise AlgorithmInputError(f"抽查比例“{value}”必须大于 0 且不超过 1（100%）")
    return ratio


def _check_count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AlgorithmInputError(f"{what}必须是不小于 0 的整数：{value!r}")
    return value


def sample_size(
    population: int,
    *,
    ratio: Decimal | None = None,
    count: int | None = None,
    minimum: int | None = None,
) -> int:
    """k for a stratum of N: ceil(r × N) exactly, or min(n, N); raised to min(minimum, N)."""
    n = _check_count(population, "分层对象数")
    if (ratio is None) == (count is None):
        raise AlgorithmInputError("抽查比例和抽查数量必须且只能指定一个")
    if ratio is not None:
        # Integer ceiling of p·N/q: exact for any Decimal, unlike the 28-digit context.
        p, q = parse_ratio(ratio).as_integer_ratio()
        k = -(-p * n // q)
    else:
        k = min(_check_count(count, "抽查数量"), n)
    if minimum is not None:
        k = max(k, min(_check_count(minimum, "每层最少抽查数"), n))
    return k


class Pick(NamedTuple):
    """One selected entity or alternate (a tuple: tens of thousands are made per draw)."""

    id: str
    ticket: str
    stratum: str
    period: str | None


@dataclass(frozen=True)
class StratumResult:
    """Per stratum N (eligible) and k (selected)."""

    stratum: str
    population: int
    selected: int


@dataclass(frozen=True)
class DrawResult:
    """strata by key; selected in global ticket order; alternates by (stratum, ticket)."""

    strata: list[StratumResult]
    selected: list[Pick]
    alternates: list[Pick]


def stratum_key(values: Sequence[str]) -> str:
    """Join stratify field values with "/"; no field means the single stratum "全部"."""
    for v in values:
        if "/" in v:  # "a/b"+"c" and "a"+"b/c" would otherwise become one stratum
            raise AlgorithmInputError(f"分层字段的值“{_show(v)}”不能包含“/”")
    return "/".join(values) if values else ALL_STRATUM


def draw(
    seed: str,
    draw_id: str,
    population: Mapping[str, str],
    sizes: Mapping[str, int],
    *,
    alternates: int = 0,
    periods: Sequence[str] = (),
    ids_checked: bool = False,
    ranking: Ranking | None = None,
) -> DrawResult:
    """Entity draw: per stratum the k lowest tickets are selected, the next a are alternates.

    `ids_checked`: the population's ids are already validated (by population_digest).
    `ranking`: the tickets of a superset of the population under (seed, draw_id), made
    beforehand (`rank`); otherwise they are made here.
    """
    check_id(draw_id, "抽取编号")
    _check_count(alternates, "候补数量")
    for p in periods:
        if not isinstance(p, str) or not p:
            raise AlgorithmInputError(f"检查时段必须是非空文字：{p!r}")
    if ranking is None:
        ranking = rank(seed, (draw_id,), list(population), ids_checked=ids_checked)
    else:
        # Its ids are distinct: with as many of them in the population as it has members,
        # every member is ranked.
        ranked = sum(map(population.__contains__, ranking.ids))
        if ranking.prefix != (seed, draw_id) or ranked != len(population):
            raise ValueError("the ranking is not of this draw's population")
    members = Counter(population.values())
    take: dict[str, int] = {}
    strata = []
    for stratum in sorted(set(sizes) | set(members)):
        n = members.get(stratum, 0)
        if stratum not in sizes:
            raise AlgorithmInputError(f"分层“{stratum}”没有给出抽查数量")
        k = _check_count(sizes[stratum], f"分层“{stratum}”的抽查数量")
        if k > n:
            raise AlgorithmInputError(f"分层“{stratum}”只有 {n} 个对象，不能抽取 {k} 个")
        take[stratum] = k
        strata.append(StratumResult(stratum, n, k))
    # One pass in global ticket order: each stratum's first k are selected (already in
    # the order periods go round in), its next `alternates` are spares.
    selected: list[tuple[int, str]] = []
    spare: dict[str, list[int]] = {s: [] for s in take}
    left = {s: k + alternates for s, k in take.items() if k + alternates}
    ids, stratum_of = ranking.ids, population.get
    for i in ranking.order:
        if not left:
            break
        stratum = stratum_of(ids[i])
        if stratum not in left:  # filled, or not in the population (None)
            continue
        if take[stratum]:
            take[stratum] -= 1
            selected.append((i, stratum))
        else:
            spare[stratum].append(i)
        left[stratum] -= 1
        if not left[stratum]:
            del left[stratum]
    p, ticket = len(periods), ranking.ticket
    picks = [
        Pick(ids[i], ticket(i), stratum, periods[n % p] if p else None)
        for n, (i, stratum) in enumerate(selected)
    ]
    alternates_ = [
        Pick(ids[i], ticket(i), stratum, None) for stratum in sorted(spare) for i in spare[stratum]
    ]
    return DrawResult(strata, picks, alternates_)


@dataclass(frozen=True)
class Ranking:
    """Ids in ticket order under one prefix: made once for a superset of a pool (all the
    roster, on another core while the pool is built) and walked for the pool's units."""

    prefix: tuple[str, ...]  # (seed, *parts)
    ids: Sequence[str]  # distinct
    order: Sequence[int]  # positions in ids, lowest ticket first
    digests: bytes  # the 32-byte digest of each id, in the ids' order

    def ticket(self, position: int) -> str:
        return self.digests[32 * position : 32 * position + 32].hex()


def rank(
    seed: str, prefix_parts: Sequence[str], ids: list[str], *, ids_checked: bool = False
) -> Ranking:
    """The ids' Ranking (digests sort as their tickets do)."""
    ranked = all_digests(seed, prefix_parts, ids, ids_checked=ids_checked)
    order = array("L", sorted(range(len(ids)), key=ranked.__getitem__))
    return Ranking((seed, *prefix_parts), ids, order, b"".join(ranked))


def all_digests(
    seed: str, prefix_parts: Sequence[str], ids: list[str], *, ids_checked: bool = False
) -> list[bytes]:
    """The digest whose hex is ticket(seed, *prefix_parts, id), of every id, in the ids'
    order, at C speed where it can be: the ids encoded at once (validated ids hold no line
    break), one hash each. Digests sort as their tickets do, in half the memory; only the
    chosen ones are written out in hex."""
    _prefix(seed, prefix_parts)  # validates the seed and the parts
    if not ids_checked:
        ids = checked_ids(ids)
    if not ids:
        return []
    sha, head = hashlib.sha256, "|".join((seed, *prefix_parts, "")).encode()
    return [sha(head + i).digest() for i in "\n".join(ids).encode().split(b"\n")]


# ---------------------------------------------------------------- inspector assignment


@dataclass(frozen=True)
class TaskCandidates:
    """Eligible candidates for one task; eligibility is decided by the caller.

    `lead` lists the officers of the lead department (主办科室). A non-empty `lead`, or
    `lead_required=True`, means one place must go to the lead department; with
    `lead_required=True` and nobody eligible in `lead`, the task is infeasible.
    """

    entity: str
    officers: Sequence[str]
    experts: Sequence[str] = ()
    lead: Sequence[str] = ()
    lead_required: bool = False


class Ranked(NamedTuple):
    """A chosen inspector with the load and ticket it was ranked by (a tuple: two or more
    are made for each of tens of thousands of tasks)."""

    id: str
    load: int
    ticket: str


@dataclass(frozen=True)
class TaskAssignment:
    """Result for one task; `ranking`/`expert_ranking` give "the next one" for replacements."""

    entity: str
    ticket: str
    inspectors: list[Ranked]
    experts: list[Ranked]
    ranking: list[str]
    expert_ranking: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Shortfall:
    """A task lacking eligible candidates; role is "执法人员", "专家" or "主办科室"."""

    entity: str
    needed: int
    available: int
    role: str


class AssignmentInfeasible(Exception):
    """At least one task cannot be staffed; lists every shortfall of the run."""

    def __init__(self, shortfalls: list[Shortfall]) -> None:
        self.shortfalls = shortfalls
        lines = [
            f"对象 {s.entity}：需要{s.role} {s.needed} 名，符合条件的只有 {s.available} 名"
            for s in shortfalls
        ]
        super().__init__("无法完成人员匹配，未写入任何结果：\n" + "\n".join(lines))


def _unique(ids: Sequence[str], what: str, entity: str, checked: set[str]) -> list[str]:
    ids = list(ids)
    for id_ in ids:
        if id_ not in checked:  # the same fifty people appear on every task: check once
            checked.add(check_id(id_, what))
    if len(set(ids)) != len(ids):
        raise AlgorithmInputError(f"对象 {entity} 的{what}名单有重复编号")
    return ids


def assign(
    seed: str,
    draw_id: str,
    tasks: Sequence[TaskCandidates],
    *,
    team_size: int,
    experts: int = 0,
    prior_load: Mapping[str, int] | None = None,
) -> list[TaskAssignment]:
    """Assign inspectors task by task (task-ticket order), ranking by (load, ticket)."""
    if isinstance(team_size, bool) or not isinstance(team_size, int) or team_size < 2:
        raise AlgorithmInputError(f"每组执法人员至少 2 名，不能是 {team_size!r}")
    _check_count(experts, "专家人数")
    check_seed(seed)
    check_id(draw_id, "抽取编号")

    by_entity = {task.entity: task for task in tasks}
    if len(by_entity) != len(tasks):
        raise AlgorithmInputError("任务列表中有重复的检查对象")
    shortfalls: list[Shortfall] = []
    checked: set[str] = set()
    for task in tasks:
        check_id(task.entity, "检查对象编号")
        officers = _unique(task.officers, "执法人员", task.entity, checked)
        expert_ids = _unique(task.experts, "专家", task.entity, checked)
        lead = _unique(task.lead, "主办科室人员", task.entity, checked)
        if not set(lead) <= set(officers):
            raise AlgorithmInputError(f"对象 {task.entity} 的主办科室人员必须也在执法人员名单中")
        if set(officers) & set(expert_ids):
            raise AlgorithmInputError(f"对象 {task.entity} 有人同时列为执法人员和专家")
        # Eligibility does not depend on load, so every shortfall is known before the run.
        if len(officers) < team_size:
            shortfalls.append(Shortfall(task.entity, team_size, len(officers), "执法人员"))
        if task.lead_required and not lead:
            shortfalls.append(Shortfall(task.entity, 1, 0, "主办科室"))
        if len(expert_ids) < experts:
            shortfalls.append(Shortfall(task.entity, experts, len(expert_ids), "专家"))
    if shortfalls:
        raise AssignmentInfeasible(shortfalls)

    load = dict(prior_load or {})
    for id_, n in load.items():
        _check_count(n, f"人员 {id_} 的已有任务数")

    def rank(prefix: hashlib._Hash, ids: Iterable[str]) -> list[tuple[int, str, str]]:
        """(load, ticket, id) by load, then ticket (tickets of distinct ids never tie)."""
        keys = []
        for id_ in ids:
            h = prefix.copy()
            h.update(id_.encode())
            keys.append((load.get(id_, 0), h.hexdigest(), id_))
        keys.sort()
        return keys

    result = []
    for entity, task_ticket in order_by_ticket(seed, (draw_id,), by_entity):
        task = by_entity[entity]
        prefix = _prefix(seed, (draw_id, entity))
        ranked = rank(prefix, task.officers)
        lead = set(task.lead)
        if lead:
            first = next(k for k in ranked if k[2] in lead)
            ranked = [first] + [k for k in ranked if k is not first]
        ranked_experts = rank(prefix, task.experts)
        team = [Ranked(id_, n, ticket) for n, ticket, id_ in ranked[:team_size]]
        panel = [Ranked(id_, n, ticket) for n, ticket, id_ in ranked_experts[:experts]]
        for r in team + panel:  # loads grow only after the whole task is ranked
            load[r.id] = load.get(r.id, 0) + 1
        result.append(
            TaskAssignment(
                entity,
                task_ticket,
                team,
                panel,
                [k[2] for k in ranked],
                [k[2] for k in ranked_experts],
            )
        )
    return result
