"""The entity draw, end to end: freeze the pool, draw, record, verify, replace.

`freeze` computes everything that must be fixed before a seed exists (the pool, the
strata and their sizes, the rosters' digests); `execute` adds the seed; `rebuild`
recomputes a recorded draw from the rosters at its commit, for `ssj verify`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..core import algorithm, dates, seedformat
from ..core.light import as_data
from ..core.planning import effective_rules, unapproved
from ..core.problems import InputError, Refused
from ..core.selection import current_picks, superseded
from ..storage.cache import paused_gc
from ..workspace import PLAN_DIR, Workspace, load_model, writer
from ..workspace.drawing import (
    Frozen,
    Request,
    build,
    freeze,
    freeze_ranked,
    record_data,
    replacement,
    resize,
    roster_ref,
)
from ..workspace.records import (
    all_draws,
    cancelled_path,
    check_draw_id,
    current_selection,
    draws_dir,
    find_draw,
    load_plan,
    load_replacements,
    prepared_path,
    record_path,
    replacements_path,
)
from ..workspace.seed import choose_seed

# The records' models are imported where a record is made or read: a draw whose cache is
# warm writes its record as data (workspace/drawing.py) and imports no pydantic.
if TYPE_CHECKING:
    from ..core.records import Cancellation, Draw, Prepared, Replacement, SeedPlan
    from ..workspace.engine_duckdb import Drawn

# ------------------------------------------------------------------ files


# ------------------------------------------------------------------ request


# ------------------------------------------------------------------ seed and execution


def prepared_record(frozen: Frozen, now: datetime, seed_plan: SeedPlan) -> Prepared:
    from ..core.records import Prepared

    return Prepared(
        draw_id=frozen.draw_id,
        year=frozen.year,
        date=frozen.day,
        prepared_at=now,
        commit=frozen.commit,
        rosters=as_data(frozen.rosters),
        history=frozen.history,
        parameters=as_data(frozen.parameters),
        population=as_data(frozen.population),
        excluded=frozen.exclusions(),
        strata=as_data(frozen.strata),
        key=sorted(e.id for e in frozen.pool.key),
        forced=sorted(e.id for e in frozen.pool.forced),
        redraw_of=frozen.redraw_of,
        reason=frozen.reason,
        **seed_plan.model_dump(),
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


def check_request(ws: Workspace, request: Request) -> None:
    """The draw's date (honest: not future, in the plan year, late only with a reason) and
    the redraw it may be; `--reason` explains a redraw, a late entry, or both. The year's
    plan must be approved on that day (the plan gate)."""
    today = ws.clock.today()
    request.day, late = dates.act_day(
        request.day,
        today=today,
        years=range(request.year, request.year + 1),
        reason=request.reason,
        what="抽取日期",
    )
    refusal = unapproved(load_plan(ws, request.year), request.year, request.day)
    if refusal:
        raise Refused(refusal)
    if request.redraw_of is None:
        if request.reason and late is None:
            raise InputError("--reason 用于重抽（--redraw-of）或补录（--date 早于今天）")
        return
    if not request.reason or not request.reason.strip():
        raise InputError("重抽必须用 --reason 写明理由")
    old = find_draw(ws, request.redraw_of)
    if old.year != request.year:
        raise InputError(f"被重抽的“{old.draw_id}”属于 {old.year} 年度")
    if old.draw_id in superseded(all_draws(ws)):
        raise Refused(f"“{old.draw_id}”已被重抽过一次")


def draw_now(
    ws: Workspace,
    request: Request,
    seed: str | None,
    seed_source: str | None,
    commit: bool,
    engine: str = "python",
) -> Shown | Drawn:
    """The one-step draw: freeze, seed, record, commit (`engine`: python, or duckdb for a
    roster of millions kept by reference, the same record: workspace/engine_duckdb.py)."""
    # The pool, tickets and record of a hundred thousand units hold no cycles.
    with paused_gc(), writer.batch(ws, commit=commit, inputs_of=request.year) as book:
        check_request(ws, request)
        if engine == "duckdb":
            from ..workspace import engine_duckdb

            large = engine_duckdb.freeze(ws, request, book.head)
            refuse_existing(ws, request.year, large.draw_id)
            engine_duckdb.refuse_empty(large)
            seed, source, generated = choose_seed(seed, seed_source)
            drawn = engine_duckdb.execute(large, seed, source, generated, None, ws.clock.now())
            book.write(record_path(ws, request.year, large.draw_id), drawn.raw)
            book.message = f"抽取 {large.draw_id}（{algorithm.ALGORITHM}，DuckDB）"
            return drawn
        # The seed is chosen before the pool is built only so that every unit's ticket can
        # be made meanwhile: the pool is made without it (freeze_ranked).
        seed, source, generated = choose_seed(seed, seed_source)
        frozen, ranking = freeze_ranked(ws, request, book.head, seed)
        refuse_existing(ws, request.year, frozen.draw_id)
        refuse_empty(frozen)
        data = record_data(frozen, seed, source, generated, None, ws.clock.now(), ranking=ranking)
        book.write_data(record_path(ws, request.year, frozen.draw_id), data)
        book.message = f"抽取 {frozen.draw_id}（{algorithm.ALGORITHM}）"
    return Shown(data, ws, frozen.warnings())


def joint_request(
    ws: Workspace,
    joint_id: str,
    ratio: str | None = None,
    count: int | None = None,
    day: date | None = None,
    reason: str | None = None,
    alternates: int | None = None,
) -> Request:
    """A joint task's draw: its id, scope and periods, the strictest cooldown and cap of its
    departments; refused while the task file is not committed as it is (reviewed first)."""
    from ..core.joint import strictest
    from ..workspace.joint import find_joint
    from ..workspace.records import joint_path

    task = find_joint(ws, joint_id)
    path = ws.rel(joint_path(ws, task.year, task.id))
    if ws.git.dirty(path):
        raise Refused(
            f"{path} 有未提交的修改：联合抽查任务须审阅、提交后才能抽取。"
            f"请先 git add {path} && git commit -m 联合抽查任务"
        )
    rule = effective_rules(ws.config, load_plan(ws, task.year))
    return Request(
        year=task.year,
        draw_id=task.id,
        ratio=ratio if ratio is not None or count is not None else task.ratio,
        count=count if ratio is not None or count is not None else task.count,
        where=[f"{k}={v}" for k, values in task.where.items() for v in values],
        periods=",".join(task.periods) if task.periods else None,
        alternates=alternates,
        day=day,
        reason=reason,
        rules=strictest(task, rule.cooldown_months, rule.yearly_cap),
    )


def draw_joint(
    ws: Workspace,
    joint_id: str,
    seed: str | None,
    seed_source: str | None,
    commit: bool,
    **options: Any,
) -> Shown:
    """`ssj draw --joint`: the joint task's units drawn once, as any draw (ssj-sha256-v1)."""
    return draw_now(ws, joint_request(ws, joint_id, **options), seed, seed_source, commit)


def prepare(
    ws: Workspace, request: Request, commit: bool, seed_plan: SeedPlan | None = None
) -> Prepared:
    from ..core.records import SeedPlan

    seed_plan = seed_plan or SeedPlan()
    with writer.batch(ws, commit=commit, inputs_of=request.year) as book:
        check_request(ws, request)
        frozen = freeze(ws, request, book.head)
        refuse_existing(ws, request.year, frozen.draw_id)
        refuse_empty(frozen)
        record = prepared_record(frozen, ws.clock.now(), seed_plan)
        book.write_record(prepared_path(ws, request.year, record.draw_id), record)
        book.message = f"预备抽取 {record.draw_id}（种子产生前冻结名单）"
    return record


def waiting_prepared(ws: Workspace, year: int, draw_id: str | None) -> str:
    """The prepared draw meant: the one given, or the year's only one neither run nor cancelled."""
    if draw_id is None:
        waiting = [
            name
            for p in sorted(draws_dir(ws, year).glob("*.prepared.yaml"))
            if not record_path(ws, year, name := p.name.removesuffix(".prepared.yaml")).exists()
            and not cancelled_path(ws, year, name).exists()
        ]
        if len(waiting) != 1:
            raise InputError(
                f"{year} 年度有 {len(waiting)} 个待执行的预备抽取；请用 --draw-id 指定"
            )
        draw_id = waiting[0]
    check_draw_id(draw_id)
    if not prepared_path(ws, year, draw_id).is_file():
        raise InputError(f"没有预备抽取“{draw_id}”：请先 ssj draw prepare")
    if cancelled_path(ws, year, draw_id).exists():
        raise Refused(f"预备抽取“{draw_id}”已取消，不能再执行；请用新的编号重新预备")
    return draw_id


def run_prepared(
    ws: Workspace, year: int, draw_id: str | None, seed: str, seed_source: str | None, commit: bool
) -> Shown:
    from ..core.records import Prepared

    with writer.batch(ws, commit=commit, inputs_of=year) as book:  # the prepared one too
        draw_id = waiting_prepared(ws, year, draw_id)
        path = prepared_path(ws, year, draw_id)
        prepared = load_model(Prepared, path, ws.rel(path))
        refuse_existing(ws, year, draw_id, allow_prepared=True)
        frozen = refreeze(ws, prepared, book.head)
        changes = compare_prepared(prepared, frozen)
        if changes:
            raise Refused(
                "预备抽取之后名录或参数已改变，不能执行："
                + "；".join(changes)
                + "。请重新 ssj draw prepare（使用新的抽取编号）"
            )
        seed, source = committed_seed(prepared, seed, seed_source)
        seed, source, generated = choose_seed(seed, source)
        data = record_data(
            frozen, seed, source, generated, ws.rel(path), ws.clock.now(), prepared.seed_format
        )
        book.write_data(record_path(ws, year, draw_id), data)
        book.message = f"执行抽取 {draw_id}（{algorithm.ALGORITHM}）"
    return Shown(data, ws, frozen.warnings())


def refreeze(ws: Workspace, prepared: Prepared, head: str) -> Frozen:
    """The prepared draw recomputed from today's files, to see whether anything moved."""
    roster = ws.roster("entities")
    draws = [d for d in all_draws(ws) if d.draw_id in set(prepared.history)]
    frozen = build(
        ws, prepared.draw_id, prepared.year, prepared.date, roster.rows, prepared.parameters, draws
    )
    frozen.commit = prepared.commit
    frozen.rosters = {"entities": roster_ref(roster.path, roster.sha256)}
    frozen.redraw_of, frozen.reason = prepared.redraw_of, prepared.reason
    frozen.strata = resize(frozen, prepared.strata)
    return frozen


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
    """An alternate replaces a selected unit: the first unused alternate of its stratum that
    no other draw of the year has as a task (`drawing.replacement`, re-run by ssj verify)."""
    if not reason.strip():
        raise InputError("替换必须用 --reason 写明理由（如 已注销、无法联系）")
    with writer.batch(ws, commit=commit) as book:
        # What the replacement sees must be what its commit holds, for its re-run.
        writer.check_records_committed(ws)
        candidates = (
            [find_draw(ws, draw_id)]
            if draw_id
            else [d for d in all_draws(ws) if year is None or d.year == year]
        )
        live = [d for d in candidates if d.draw_id not in superseded(all_draws(ws))]
        record = next((d for d in reversed(live) if entity in current_selection(ws, d)), None)
        if record is None:
            raise InputError(f"“{entity}”不是任何有效抽取中的抽中单位")
        today = ws.clock.today()
        day = dates.field_day(
            day or today, today=today, not_before=record.date, what="替换日期", option="--date"
        )
        done = load_replacements(ws, record)
        spare = replacement(ws, record, done.replacements, entity)
        if spare is None:
            stratum = current_picks(record, done.replacements)[entity].stratum
            raise Refused(
                f"分层“{stratum}”已没有可用的候补（已用完，或已是本年度其他抽取的任务）；"
                f"请以 --redraw-of {record.draw_id} 重抽或追加批次"
            )
        from ..core.records import Replacement

        entry = Replacement(
            entity=entity,
            replacement=spare.id,
            reason=reason.strip(),
            date=day,
            recorded_at=ws.clock.now(),
        )
        done = done.model_copy(update={"replacements": [*done.replacements, entry]})
        book.write_record(replacements_path(ws, record.year, record.draw_id), done, nulls=True)
        book.message = f"抽取 {record.draw_id}：{entity} 由候补 {spare.id} 替换（{entry.reason}）"
    return entry


def dry_run(ws: Workspace, request: Request) -> Frozen:
    """Population and sizes per stratum, never a selection (no seed is involved)."""
    return freeze(ws, request, ws.git.head() or "")


def committed_seed(prepared: Prepared, seed: str, source: str | None) -> tuple[str, str | None]:
    """The seed in the canonical text of the committed format, from the committed source."""
    if prepared.seed_source:
        if source is not None and source.strip() != prepared.seed_source:
            raise InputError(
                f"--seed-source“{source}”与预备时登记的种子来源“{prepared.seed_source}”不同："
                "种子来源在预备时已经承诺，执行时不能更换"
            )
        source = prepared.seed_source
    if prepared.seed_format:
        seed = seedformat.canonical(
            prepared.seed_format,
            seed,
            commitments=prepared.commitments or None,
            names=prepared.witnesses or None,
        )
    return seed, source


def cancel(
    ws: Workspace, year: int, draw_id: str | None, reason: str, commit: bool
) -> Cancellation:
    """Give up a prepared draw before its seed is applied: recorded, with why, and committed.

    Without it a prepared draw left behind by a later draw is an audit error: the roster
    might have been changed until another draw suited.
    """
    if not reason.strip():
        raise InputError("取消预备抽取必须用 --reason 写明理由")
    with writer.batch(ws, commit=commit, inputs_of=year) as book:
        draw_id = waiting_prepared(ws, year, draw_id)
        if record_path(ws, year, draw_id).exists():
            raise Refused(f"抽取“{draw_id}”已经执行，不能取消；如需重抽，用 --redraw-of {draw_id}")
        from ..core.records import Cancellation

        entry = Cancellation(
            draw_id=draw_id, year=year, reason=reason.strip(), recorded_at=ws.clock.now()
        )
        book.write_record(cancelled_path(ws, year, draw_id), entry)
        book.message = f"取消预备抽取 {draw_id}（{entry.reason}）"
    return entry


@dataclass
class Shown:
    """A draw as ssj shows it: the record as written (its JSON form), and its units' names
    at the draw's commit, looked up in `ws` when first shown (--json shows none)."""

    data: dict[str, Any]
    ws: Workspace | None = None
    warnings: list[str] = field(default_factory=list)  # said at the draw, not refused

    @cached_property
    def names(self) -> dict[str, str]:
        """The names of the units the draw lists (not of the whole roster), as committed."""
        data = self.data
        if not data["commit"] or self.ws is None:
            return {}
        listed = {t["id"] for k in ("key", "forced", "selected", "alternates") for t in data[k]}
        ref = data["rosters"].get("entities")
        roster = self.ws.roster_at("entities", data["commit"], ref["sha256"] if ref else None)
        ids = list(map(attrgetter("id"), roster.rows))  # C loops: the roster may be big
        pairs = zip(ids, map(attrgetter("name"), roster.rows), strict=True)
        return dict(compress(pairs, map(listed.__contains__, ids)))

    @cached_property
    def record(self) -> Draw:
        from ..core.records import Draw

        return Draw.model_validate(self.data)

    def as_json(self) -> dict[str, Any]:
        d = self.data
        return {
            "warnings": self.warnings,
            **{k: d[k] for k in ("draw_id", "year", "seed", "seed_source", "seed_generated")},
            "algorithm": d["algorithm"],
            "commit": d["commit"],
            "population": d["population"],
            "selected": _with_period(d["selected"]),
            "alternates": _with_period(d["alternates"]),
            "strata": [
                {k: s[k] for k in ("stratum", "population", "selected")} for s in d["strata"]
            ],
            "key": [t["id"] for t in d["key"]],
            "forced": [t["id"] for t in d["forced"]],
            "key_tasks": _with_period(d["key"]),
            "forced_tasks": _with_period(d["forced"]),
            "excluded": d["excluded"],
        }


def _with_period(items: list[dict]) -> list[dict]:
    """Picks and tasks as --json shows them: with their period, null when there is none."""
    if all("period" in item for item in items):
        return items
    return [{**item, "period": item.get("period")} for item in items]
