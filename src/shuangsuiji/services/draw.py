"""The entity draw, end to end: freeze the pool, draw, record, verify, replace.

`freeze` computes everything that must be fixed before a seed exists (the pool, the
strata and their sizes, the rosters' digests); `execute` adds the seed; `rebuild`
recomputes a recorded draw from the rosters at its commit, for `ssj verify`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ..core import algorithm, values
from ..core.eligibility import (
    PastTask,
    Pool,
    build_pool,
    parse_where,
    stratify_fields,
    stratum_of,
    uncovered_ids,
)
from ..core.models import Config, Defaults, Entity
from ..core.plan import Plan, parse_periods
from ..core.problems import InputError, Refused
from ..core.records import (
    Draw,
    Exclusion,
    Parameters,
    Pick,
    Population,
    Prepared,
    Replacement,
    Replacements,
    RosterRef,
    Stratum,
    Task,
)
from ..storage import yamlio
from ..workspace import PLAN_DIR, Workspace, load_model

LIST_IDS_UP_TO = 200  # excluded ids are listed in the record for rosters this small
GENERATED_HEADER = "# 由 ssj 生成，提交后不得修改（ssj audit 会核对）。\n"

# A draw id is also a file name (plans/<year>/draws/<id>.yaml): letters (汉字 too), digits,
# "-" and "_" only, so that no id reaches another folder or another record's file
# ("2026-1.prepared" would be the prepared file of 2026-1), on Windows as on Linux.
_DRAW_ID = re.compile(r"[^\W_][\w-]{0,63}")
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)}
)
# Generated records of random choices: one file per draw, assignment and return-visit
# draw, with their append-only companions.
_RECORD = re.compile(r"(?:^|/)plans/[^/]+/(?:draws|assignments|revisits)/([^/]+)$")


def check_draw_id(value: str, what: str = "抽取编号") -> str:
    algorithm.check_id(value, what)
    if value.lower() in _WINDOWS_DEVICES:
        raise InputError(f"{what}“{value}”是 Windows 的保留设备名，不能用作记录的文件名")
    if not _DRAW_ID.fullmatch(value):
        raise InputError(
            f"{what}“{values.shown(value)}”无效：只能由字母、数字、汉字、“-”和“_”组成，"
            "以字母、数字或汉字开头，最多 64 个字符（它也是记录的文件名）"
        )
    return value


# ------------------------------------------------------------------ files


def draws_dir(ws: Workspace, year: int) -> Path:
    return ws.plan_dir(year) / "draws"


def record_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return draws_dir(ws, year) / f"{draw_id}.yaml"


def prepared_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return draws_dir(ws, year) / f"{draw_id}.prepared.yaml"


def replacements_path(ws: Workspace, year: int, draw_id: str) -> Path:
    return draws_dir(ws, year) / f"{draw_id}.replacements.yaml"


def load_plan(ws: Workspace, year: int) -> Plan:
    low, high = 2000, 2100  # the bounds of Plan.year
    if not low <= year <= high:
        raise InputError(f"年度“{year}”无效：应在 {low} 至 {high} 年之间")
    path = ws.plan_dir(year) / "plan.yaml"
    if not path.is_file():
        return Plan(year=year)
    plan = load_model(Plan, path, f"{PLAN_DIR}/{year}/plan.yaml")
    if plan.year != year:
        raise InputError(f"{PLAN_DIR}/{year}/plan.yaml 中的年度是 {plan.year}，与目录不符")
    return plan


def rules(config: Config, plan: Plan) -> Defaults:
    return plan.rules or config.defaults


def all_draws(ws: Workspace) -> list[Draw]:
    """Every draw record of the workspace, oldest first."""
    found = []
    for path in sorted((ws.root / PLAN_DIR).glob("*/draws/*.yaml")):
        if path.name.endswith((".prepared.yaml", ".replacements.yaml")):
            continue
        found.append(load_record(ws, path))
    return sorted(found, key=lambda d: (d.drawn_at, d.draw_id))


def load_record(ws: Workspace, path: Path) -> Draw:
    return ws.load_record(Draw, path)


def find_draw(ws: Workspace, draw_id: str) -> Draw:
    check_draw_id(draw_id)  # also makes the glob below match this one file name only
    for path in (ws.root / PLAN_DIR).glob(f"*/draws/{draw_id}.yaml"):
        return load_record(ws, path)
    raise InputError(f"没有编号为“{draw_id}”的抽取记录")


def load_replacements(ws: Workspace, record: Draw) -> Replacements:
    path = replacements_path(ws, record.year, record.draw_id)
    if not path.is_file():
        return Replacements(draw_id=record.draw_id)
    return load_model(Replacements, path, ws.rel(path))


def superseded(draws: Sequence[Draw]) -> set[str]:
    return {d.redraw_of for d in draws if d.redraw_of}


def history_of(ws: Workspace, draws: Sequence[Draw]) -> list[PastTask]:
    """The inspections earlier draws gave, after replacements."""
    tasks = []
    for record in draws:
        swaps = {r.entity: r.replacement for r in load_replacements(ws, record).replacements}
        for task in record.key + record.forced:
            tasks.append(PastTask(task.id, record.year, record.date, random=False))
        for pick in record.selected:
            tasks.append(
                PastTask(swaps.get(pick.id, pick.id), record.year, record.date, random=True)
            )
    return tasks


# ------------------------------------------------------------------ request


@dataclass
class Request:
    year: int
    draw_id: str | None = None
    ratio: str | None = None
    count: int | None = None
    stratify: list[str] | None = None
    where: list[str] = field(default_factory=list)
    periods: str | None = None
    alternates: int | None = None
    day: date | None = None
    redraw_of: str | None = None
    reason: str | None = None


@dataclass
class Frozen:
    """A draw before its seed: everything the seed must not be able to influence."""

    draw_id: str
    year: int
    day: date
    commit: str
    rosters: dict[str, RosterRef]
    history: list[str]
    parameters: Parameters
    pool: Pool
    strata: list[Stratum]
    membership: dict[str, str]  # eligible id -> stratum
    redraw_of: str | None = None
    reason: str | None = None

    @property
    def population(self) -> Population:
        ids = list(self.membership)
        return Population(count=len(ids), digest=algorithm.population_digest(ids))

    def exclusions(self) -> list[Exclusion]:
        small = sum(len(v) for v in self.pool.excluded.values()) <= LIST_IDS_UP_TO
        return [
            Exclusion(reason=r, count=len(ids), ids=ids if small else None)
            for r, ids in self.pool.excluded.items()
        ]


def check_committed(ws: Workspace, year: int) -> str:
    """Rosters, ssj.yaml, the plan and every earlier record must be committed (R14)."""
    if not ws.git.is_repo():
        raise Refused("工作区不在 git 仓库中：请先 git init 并提交名录")
    head = ws.git.head()
    if head is None:
        raise Refused("名录尚未提交：请先 git add -A && git commit -m 建立名录库")
    check_git_unlocked(ws)
    check_records_committed(ws)
    plan = f"{PLAN_DIR}/{year}/plan.yaml"
    watched = ["rosters", "ssj.yaml"] + ([plan] if (ws.root / plan).exists() else [])
    dirty = ws.git.dirty(*watched)
    if dirty:
        shown = "、".join(dirty[:5]) + ("等" if len(dirty) > 5 else "")
        raise Refused(
            f"{shown} 有未提交的修改：抽取前名录和方案必须已提交（R14）。"
            f"请先 git add {' '.join(watched)} && git commit -m 更新名录"
        )
    return head


def check_git_unlocked(ws: Workspace) -> None:
    """Refuse before writing anything when git could not commit the record afterwards.

    A git process killed mid-way (a crash, a power cut) leaves its lock files behind, and
    every later commit fails; a record written before that would be left uncommitted.
    """
    branch = ws.git.run("symbolic-ref", "-q", "HEAD", check=False).strip()
    names = ["index.lock", "HEAD.lock"] + ([f"{branch}.lock"] if branch else [])
    args = [part for name in names for part in ("--git-path", name)]
    paths = ws.git.run("rev-parse", *args).splitlines()
    for path in paths:
        lock = (ws.root / path.strip()).resolve()
        if lock.exists():
            raise Refused(
                f"git 被锁定（{lock} 存在）：可能另有 git 进程正在运行，或上次运行被中断。"
                "确认没有 git 进程在运行后删除该文件，再重试"
            )


def check_records_committed(ws: Workspace) -> None:
    """Every draw, assignment and return-visit record on disk must be committed, as committed.

    A record left uncommitted (a run killed between writing it and `git commit`, or
    --no-commit) is a draw that happened: it is committed, never deleted and redrawn.
    A committed record that was edited or deleted is restored, never built on.
    """
    folders = [f"{PLAN_DIR}/*/{kind}/*" for kind in ("draws", "assignments", "revisits")]
    out = ws.git.run("status", "--porcelain", "-z", "--untracked-files=all", "--", *folders)
    new, changed = [], []
    for entry in out.split("\0"):
        match = _RECORD.search(entry[3:]) if len(entry) > 3 else None
        if not match or (match[1].startswith(".") and match[1].endswith(".tmp")):
            continue  # not a record, or the temporary file of an interrupted write
        (new if entry[:2] in ("??", "A ") else changed).append(entry[3:])
    if new:
        shown = " ".join(new[:5])
        raise Refused(
            f"{'、'.join(new[:5])}{'等' if len(new) > 5 else ''} 是尚未提交的记录"
            "（上次 ssj 运行可能在写入记录之后、提交之前被中断，或用了 --no-commit）。"
            f"记录一经写入即不得丢弃：请核对后提交（git add {shown} && git commit -m 补交记录），"
            "然后重试；不要删除后重抽（R14）"
        )
    if changed:
        shown = " ".join(changed[:5])
        raise Refused(
            f"{'、'.join(changed[:5])}{'等' if len(changed) > 5 else ''} 在提交之后被修改或删除："
            f"记录提交后不得改动（R14）。请用 git checkout HEAD -- {shown} 恢复后重试"
        )


def commit_record(ws: Workspace, paths: list[str], message: str) -> None:
    """Commit a record just written; on failure say that it stays and must be committed."""
    try:
        ws.git.commit(paths, message)
    except Refused as exc:
        shown = " ".join(paths)
        raise Refused(
            f"记录已写入 {'、'.join(paths)}，但 git 提交失败：{exc}。"
            f"记录不得丢弃：请排除问题后提交（git add {shown} && git commit），不要删除后重抽"
        ) from None


def next_draw_id(ws: Workspace, year: int) -> str:
    used = {p.name.split(".")[0] for p in draws_dir(ws, year).glob("*.yaml")}
    n = 1
    while f"{year}-{n}" in used:
        n += 1
    return f"{year}-{n}"


def freeze(ws: Workspace, request: Request, commit: str) -> Frozen:
    config = ws.config
    plan = load_plan(ws, request.year)
    rule = rules(config, plan)
    roster = ws.roster("entities")
    draw_id = request.draw_id or next_draw_id(ws, request.year)
    check_draw_id(draw_id)
    if request.ratio is not None and request.count is not None:
        raise InputError("--ratio 与 --count 只能指定一个")
    stratify = stratify_fields(plan.stratify if request.stratify is None else request.stratify)
    uniform = request.ratio is not None or request.count is not None
    if not uniform:
        # Plan ratios differ by category or risk grade: each stratum needs one ratio.
        if plan.categories and "category" not in stratify:
            stratify.append("category")
        if plan.risk_ratios and "risk" not in stratify:
            stratify.append("risk")
    where = parse_where(request.where) if request.where else dict(plan.where)
    where = {k: list(v) if isinstance(v, list) else [v] for k, v in where.items()}
    try:
        periods = parse_periods(request.periods) if request.periods is not None else plan.periods
    except ValueError as exc:
        raise InputError(f"--periods：{exc}") from None
    parameters = Parameters(
        ratio=request.ratio,
        count=request.count,
        stratify=stratify,
        where=where,
        periods=periods,
        alternates=plan.alternates if request.alternates is None else request.alternates,
        level=config.level,
        cooldown_months=rule.cooldown_months,
        yearly_cap=rule.yearly_cap,
        coverage_years=rule.coverage_years,
        force_uncovered=plan.force_uncovered,
    )
    draws = [d for d in all_draws(ws) if d.draw_id != request.redraw_of]
    draws = [d for d in draws if d.draw_id not in superseded(draws)]
    day = request.day or ws.clock.today()
    frozen = build(ws, draw_id, request.year, day, roster.rows, parameters, draws)
    frozen.commit = commit
    frozen.rosters = {"entities": RosterRef(path=roster.path, sha256=roster.sha256)}
    frozen.redraw_of, frozen.reason = request.redraw_of, request.reason
    frozen.strata = sized_strata(frozen, config, plan, request)
    return frozen


def build(
    ws: Workspace,
    draw_id: str,
    year: int,
    day: date,
    entities: Sequence[Entity],
    parameters: Parameters,
    draws: Sequence[Draw],
) -> Frozen:
    """The pool and strata from rosters, parameters and earlier draws (shared by verify)."""
    history = history_of(ws, draws)
    uncovered: frozenset[str] = frozenset()
    if parameters.force_uncovered:
        window = [d for d in draws if year - parameters.coverage_years <= d.year < year]
        if window:
            first = min(window, key=lambda d: (d.year, d.drawn_at))
            then = ws.roster_at("entities", first.commit).rows
            uncovered = uncovered_ids(
                [e.id for e in then], history, year, parameters.coverage_years
            )
    already = frozenset(t.id for d in draws if d.year == year for t in d.key + d.forced)
    pool = build_pool(
        entities,
        year=year,
        day=day,
        level=parameters.level,
        where=parameters.where,
        history=history,
        cooldown_months=parameters.cooldown_months,
        yearly_cap=parameters.yearly_cap,
        uncovered=uncovered,
        already_key=already,
    )
    membership = {e.id: stratum_of(e, parameters.stratify) for e in pool.eligible}
    return Frozen(
        draw_id=draw_id,
        year=year,
        day=day,
        commit="",
        rosters={},
        history=[d.draw_id for d in draws],
        parameters=parameters,
        pool=pool,
        strata=[],
        membership=membership,
    )


def sized_strata(frozen: Frozen, config: Config, plan: Plan, request: Request) -> list[Stratum]:
    """k per stratum from the command line or the plan, checked against R1's floors."""
    categories: dict[str, set[str]] = {}
    risks: dict[str, set[str]] = {}
    for entity in frozen.pool.eligible:
        stratum = frozen.membership[entity.id]
        categories.setdefault(stratum, set()).add(entity.category)
        risks.setdefault(stratum, set()).add(entity.risk or "")
    sizes = {}
    for stratum, cats in sorted(categories.items()):
        n = sum(1 for s in frozen.membership.values() if s == stratum)
        plans = [plan.categories[c] for c in cats if c in plan.categories]
        ratio = count = minimum = None
        if request.count is not None:
            count = request.count
        elif request.ratio is not None:
            ratio = algorithm.parse_ratio(request.ratio)
        else:
            own = [p.ratio for p in plans if p.ratio] or [plan.ratio]
            by_risk = [plan.risk_ratios[r] for r in risks[stratum] if r in plan.risk_ratios]
            counts = [p.count for p in plans if p.count]
            if counts and not by_risk:
                count = max(counts)
            else:
                ratio = max(own + by_risk)
            minimum = max((p.minimum for p in plans if p.minimum), default=None)
        k = algorithm.sample_size(n, ratio=ratio, count=count, minimum=minimum)
        check_floor(config, plan, stratum, cats, n, k)
        sizes[stratum] = Stratum(
            stratum=stratum,
            population=n,
            ratio=None if ratio is None else str(ratio),
            count=count,
            minimum=minimum,
            selected=k,
        )
    return list(sizes.values())


def check_floor(config: Config, plan: Plan, stratum: str, cats: set[str], n: int, k: int) -> None:
    """R1: k may not fall below ceil(floor × N) unless the plan says why."""
    for name in sorted(cats):
        category = config.category(name)
        if category is None:
            continue
        floor = category.ratio_floor
        needed = algorithm.sample_size(n, ratio=floor)
        reason = plan.floor_reason or (
            plan.categories.get(name) and plan.categories[name].floor_reason
        )
        if k < needed and not reason:
            raise Refused(
                f"分层“{stratum}”抽取 {k}/{n}，低于“{name}”的最低比例 {percent(floor)}"
                f"（至少 {needed} 个，R1）。如确需降低，请在年度方案中填写 floor_reason 说明理由"
            )


def percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


# ------------------------------------------------------------------ seed and execution


def new_seed() -> str:
    """20 decimal digits from the operating system's CSPRNG."""
    return "".join(secrets.choice("0123456789") for _ in range(20))


def execute(
    frozen: Frozen,
    seed: str,
    seed_source: str,
    generated: bool,
    prepared: str | None,
    now: datetime,
) -> Draw:
    algorithm.check_seed(seed)
    periods = frozen.parameters.periods
    result = algorithm.draw(
        seed,
        frozen.draw_id,
        frozen.membership,
        {s.stratum: s.selected for s in frozen.strata},
        alternates=frozen.parameters.alternates,
        periods=periods,
    )
    return Draw(
        draw_id=frozen.draw_id,
        year=frozen.year,
        date=frozen.day,
        drawn_at=now,
        seed=seed,
        seed_source=seed_source,
        seed_generated=generated,
        prepared=prepared,
        redraw_of=frozen.redraw_of,
        reason=frozen.reason,
        commit=frozen.commit,
        rosters=frozen.rosters,
        history=frozen.history,
        parameters=frozen.parameters,
        population=frozen.population,
        excluded=frozen.exclusions(),
        strata=frozen.strata,
        key=fixed_tasks(seed, frozen.draw_id, [e.id for e in frozen.pool.key], periods),
        forced=fixed_tasks(seed, frozen.draw_id, [e.id for e in frozen.pool.forced], periods),
        selected=[
            Pick(id=p.id, ticket=p.ticket, stratum=p.stratum, period=p.period)
            for p in result.selected
        ],
        alternates=[Pick(id=p.id, ticket=p.ticket, stratum=p.stratum) for p in result.alternates],
    )


def fixed_tasks(seed: str, draw_id: str, ids: list[str], periods: Sequence[str]) -> list[Task]:
    """Key and forced tasks get periods the same way as drawn ones: by ticket, round robin."""
    ordered = algorithm.order_by_ticket(seed, (draw_id,), ids)
    return [
        Task(id=i, ticket=t, period=periods[n % len(periods)] if periods else None)
        for n, (i, t) in enumerate(ordered)
    ]


def prepared_record(frozen: Frozen, now: datetime) -> Prepared:
    return Prepared(
        draw_id=frozen.draw_id,
        year=frozen.year,
        date=frozen.day,
        prepared_at=now,
        commit=frozen.commit,
        rosters=frozen.rosters,
        history=frozen.history,
        parameters=frozen.parameters,
        population=frozen.population,
        excluded=frozen.exclusions(),
        strata=frozen.strata,
        key=sorted(e.id for e in frozen.pool.key),
        forced=sorted(e.id for e in frozen.pool.forced),
        redraw_of=frozen.redraw_of,
        reason=frozen.reason,
    )


def dump(record) -> str:
    return yamlio.dump_fast(record.model_dump(mode="json", exclude_none=True), GENERATED_HEADER)


def write_record(ws: Workspace, path: Path, record) -> None:
    ws.write_generated(
        ws.rel(path), record.model_dump(mode="json", exclude_none=True), GENERATED_HEADER
    )


# ------------------------------------------------------------------ commands


def refuse_existing(ws: Workspace, year: int, draw_id: str, allow_prepared: bool = False) -> None:
    """A draw id is drawn once, in whichever year it was first used."""
    check_draw_id(draw_id)
    plans = ws.root / PLAN_DIR
    for path in plans.glob(f"*/draws/{draw_id}.yaml"):
        raise Refused(
            f"抽取“{draw_id}”已经进行过（{ws.rel(path)}），不能重抽；"
            f"如确需重抽，用 --redraw-of {draw_id} --reason 说明理由，并使用新的抽取编号"
        )
    for path in plans.glob(f"*/draws/{draw_id}.prepared.yaml"):
        if not allow_prepared or path != prepared_path(ws, year, draw_id):
            raise Refused(
                f"抽取“{draw_id}”已预备（{ws.rel(path)}）：请用 ssj draw run --draw-id {draw_id} --seed … 执行"
            )


def refuse_empty(frozen: Frozen) -> None:
    """Nothing to draw: no eligible unit, no key unit, no unit to force in."""
    if frozen.membership or frozen.pool.key or frozen.pool.forced:
        return
    left_out = "，".join(f"{r} {len(ids)} 个" for r, ids in frozen.pool.excluded.items())
    raise InputError(
        "没有可抽取的对象：随机池为空，也没有重点单位或须强制纳入的单位"
        + (f"（未入随机池：{left_out}）" if left_out else "（检查对象名录库中没有单位）")
        + "。请先导入名录（ssj roster import）并提交，或调整定向条件；未写入任何文件"
    )


def check_redraw(ws: Workspace, request: Request) -> None:
    if request.redraw_of is None:
        if request.reason:
            raise InputError("--reason 只与 --redraw-of 一起使用")
        return
    if not request.reason or not request.reason.strip():
        raise InputError("重抽必须用 --reason 写明理由")
    old = find_draw(ws, request.redraw_of)
    if old.year != request.year:
        raise InputError(f"被重抽的“{old.draw_id}”属于 {old.year} 年度")
    if old.draw_id in superseded(all_draws(ws)):
        raise Refused(f"“{old.draw_id}”已被重抽过一次")


def draw_now(
    ws: Workspace, request: Request, seed: str | None, seed_source: str | None, commit: bool
) -> Draw:
    """The one-step draw: freeze, seed, record, commit."""
    with ws.locked():
        head = check_committed(ws, request.year)
        check_redraw(ws, request)
        frozen = freeze(ws, request, head)
        refuse_existing(ws, request.year, frozen.draw_id)
        refuse_empty(frozen)
        seed, source, generated = choose_seed(seed, seed_source)
        record = execute(frozen, seed, source, generated, None, ws.clock.now())
        path = record_path(ws, request.year, record.draw_id)
        write_record(ws, path, record)
        if commit:
            commit_record(ws, [ws.rel(path)], f"抽取 {record.draw_id}（{algorithm.ALGORITHM}）")
    return record


def choose_seed(seed: str | None, source: str | None) -> tuple[str, str, bool]:
    if seed is None:
        return new_seed(), source or "ssj 生成（操作系统安全随机数 secrets）", True
    algorithm.check_seed(seed)
    return seed, source or "命令行输入", False


def dry_run(ws: Workspace, request: Request) -> Frozen:
    """Population and sizes per stratum, never a selection (no seed is involved)."""
    return freeze(ws, request, ws.git.head() or "")


def prepare(ws: Workspace, request: Request, commit: bool) -> Prepared:
    with ws.locked():
        head = check_committed(ws, request.year)
        check_redraw(ws, request)
        frozen = freeze(ws, request, head)
        refuse_existing(ws, request.year, frozen.draw_id)
        refuse_empty(frozen)
        record = prepared_record(frozen, ws.clock.now())
        path = prepared_path(ws, request.year, record.draw_id)
        write_record(ws, path, record)
        if commit:
            commit_record(ws, [ws.rel(path)], f"预备抽取 {record.draw_id}（种子产生前冻结名单）")
    return record


def run_prepared(
    ws: Workspace, year: int, draw_id: str | None, seed: str, seed_source: str | None, commit: bool
) -> Draw:
    with ws.locked():
        if draw_id is None:
            waiting = [
                p
                for p in sorted(draws_dir(ws, year).glob("*.prepared.yaml"))
                if not record_path(ws, year, p.name.removesuffix(".prepared.yaml")).exists()
            ]
            if len(waiting) != 1:
                raise InputError(
                    f"{year} 年度有 {len(waiting)} 个待执行的预备抽取；请用 --draw-id 指定"
                )
            draw_id = waiting[0].name.removesuffix(".prepared.yaml")
        check_draw_id(draw_id)
        path = prepared_path(ws, year, draw_id)
        if not path.is_file():
            raise InputError(f"没有预备抽取“{draw_id}”：请先 ssj draw prepare")
        prepared = load_model(Prepared, path, ws.rel(path))
        refuse_existing(ws, year, draw_id, allow_prepared=True)
        if ws.git.dirty(ws.rel(path)):
            raise Refused(f"{ws.rel(path)} 尚未提交：预备记录须先提交，再产生种子")
        head = check_committed(ws, year)
        frozen = refreeze(ws, prepared, head)
        changes = compare_prepared(prepared, frozen)
        if changes:
            raise Refused(
                "预备抽取之后名录或参数已改变，不能执行："
                + "；".join(changes)
                + "。请重新 ssj draw prepare（使用新的抽取编号）"
            )
        seed, source, generated = choose_seed(seed, seed_source)
        record = execute(frozen, seed, source, generated, ws.rel(path), ws.clock.now())
        out = record_path(ws, year, draw_id)
        write_record(ws, out, record)
        if commit:
            commit_record(ws, [ws.rel(out)], f"执行抽取 {draw_id}（{algorithm.ALGORITHM}）")
    return record


def refreeze(ws: Workspace, prepared: Prepared, head: str) -> Frozen:
    """The prepared draw recomputed from today's files, to see whether anything moved."""
    roster = ws.roster("entities")
    draws = [d for d in all_draws(ws) if d.draw_id in set(prepared.history)]
    frozen = build(
        ws, prepared.draw_id, prepared.year, prepared.date, roster.rows, prepared.parameters, draws
    )
    frozen.commit = prepared.commit
    frozen.rosters = {"entities": RosterRef(path=roster.path, sha256=roster.sha256)}
    frozen.redraw_of, frozen.reason = prepared.redraw_of, prepared.reason
    frozen.strata = resize(frozen, prepared.strata)
    return frozen


def resize(frozen: Frozen, recorded: Sequence[Stratum]) -> list[Stratum]:
    """Strata sizes recomputed from the recorded ratios/counts and today's population."""
    counts: dict[str, int] = {}
    for stratum in frozen.membership.values():
        counts[stratum] = counts.get(stratum, 0) + 1
    out = []
    for s in recorded:
        n = counts.get(s.stratum, 0)
        ratio = algorithm.parse_ratio(s.ratio) if s.ratio else None
        k = algorithm.sample_size(
            n, ratio=ratio, count=s.count if ratio is None else None, minimum=s.minimum
        )
        out.append(s.model_copy(update={"population": n, "selected": k}))
    missing = sorted(set(counts) - {s.stratum for s in recorded})
    out += [Stratum(stratum=m, population=counts[m], selected=-1) for m in missing]
    return out


def compare_prepared(prepared: Prepared, frozen: Frozen) -> list[str]:
    changes = []
    if prepared.rosters != frozen.rosters:
        changes.append("检查对象名录库已修改")
    if prepared.population != frozen.population:
        changes.append(f"随机池由 {prepared.population.count} 个变为 {frozen.population.count} 个")
    if prepared.strata != frozen.strata:
        changes.append("分层或抽取数量不同")
    if prepared.key != sorted(e.id for e in frozen.pool.key):
        changes.append("重点单位不同")
    if prepared.forced != sorted(e.id for e in frozen.pool.forced):
        changes.append("长期未检查单位不同")
    return changes


# ------------------------------------------------------------------ verify


def rebuild(ws: Workspace, record: Draw) -> Draw:
    """Re-run a recorded draw from its record and the rosters at its recorded commit."""
    roster = ws.roster_at("entities", record.commit)
    if roster.sha256 != record.rosters["entities"].sha256:
        raise Refused(f"{record.draw_id}：提交 {record.commit[:10]} 中的名录摘要与记录不符（R14）")
    draws = {d.draw_id: d for d in all_draws(ws)}
    missing = [h for h in record.history if h not in draws]
    if missing:
        raise Refused(f"{record.draw_id}：记录引用的历史抽取 {'、'.join(missing)} 不存在")
    frozen = build(
        ws,
        record.draw_id,
        record.year,
        record.date,
        roster.rows,
        record.parameters,
        [draws[h] for h in record.history],
    )
    frozen.commit, frozen.rosters = record.commit, record.rosters
    frozen.redraw_of, frozen.reason = record.redraw_of, record.reason
    frozen.strata = resize(frozen, record.strata)
    return execute(
        frozen,
        record.seed,
        record.seed_source,
        record.seed_generated,
        record.prepared,
        record.drawn_at,
    )


def differences(record: Draw, again: Draw) -> list[str]:
    """What differs between a record and its re-run, in Chinese."""
    out = []
    for name, label in (
        ("population", "随机池"),
        ("excluded", "排除名单"),
        ("strata", "分层"),
        ("key", "重点单位任务"),
        ("forced", "长期未检查单位任务"),
        ("selected", "抽中单位"),
        ("alternates", "候补单位"),
    ):
        a, b = getattr(record, name), getattr(again, name)
        if a != b:
            out.append(f"{label}不一致" + _diff_ids(a, b))
    return out


def _diff_ids(recorded, rerun) -> str:
    if not isinstance(recorded, list) or not recorded or not hasattr(recorded[0], "id"):
        return ""
    a = [x.id for x in recorded]
    b = [x.id for x in rerun]
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    parts = []
    if only_a:
        parts.append("记录中有而重算没有：" + "、".join(only_a[:10]))
    if only_b:
        parts.append("重算有而记录中没有：" + "、".join(only_b[:10]))
    if not parts:
        parts.append("顺序、签号或时段不同")
    return "（" + "；".join(parts) + "）"


# ------------------------------------------------------------------ replacement


def replace(
    ws: Workspace,
    entity: str,
    reason: str,
    draw_id: str | None,
    year: int | None,
    day: date | None,
    commit: bool,
) -> Replacement:
    """An alternate replaces a selected unit: first unused alternate of its stratum."""
    if not reason.strip():
        raise InputError("替换必须用 --reason 写明理由（如 已注销、无法联系）")
    with ws.locked():
        candidates = (
            [find_draw(ws, draw_id)]
            if draw_id
            else [d for d in all_draws(ws) if year is None or d.year == year]
        )
        live = [d for d in candidates if d.draw_id not in superseded(all_draws(ws))]
        record = next((d for d in reversed(live) if entity in current_selection(ws, d)), None)
        if record is None:
            raise InputError(f"“{entity}”不是任何有效抽取中的抽中单位")
        done = load_replacements(ws, record)
        pick = next(
            p
            for p in record.selected
            if p.id in {entity} | {r.entity for r in done.replacements if r.replacement == entity}
        )
        used = {r.replacement for r in done.replacements}
        spare = next(
            (a for a in record.alternates if a.stratum == pick.stratum and a.id not in used), None
        )
        if spare is None:
            raise Refused(
                f"分层“{pick.stratum}”的候补已用完；请以 --redraw-of {record.draw_id} 重抽或追加批次"
            )
        entry = Replacement(
            entity=entity,
            replacement=spare.id,
            reason=reason.strip(),
            date=day or ws.clock.today(),
            recorded_at=ws.clock.now(),
        )
        done.replacements.append(entry)
        path = replacements_path(ws, record.year, record.draw_id)
        ws.write(ws.rel(path), yamlio.dump_fast(done.model_dump(mode="json"), GENERATED_HEADER))
        if commit:
            commit_record(
                ws,
                [ws.rel(path)],
                f"抽取 {record.draw_id}：{entity} 由候补 {spare.id} 替换（{entry.reason}）",
            )
    return entry


def current_selection(ws: Workspace, record: Draw) -> set[str]:
    selected = {p.id for p in record.selected}
    for swap in load_replacements(ws, record).replacements:
        selected.discard(swap.entity)
        selected.add(swap.replacement)
    return selected
