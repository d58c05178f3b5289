"""Inspector assignment, end to end: eligibility, the algorithm, the record, verify."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..core import algorithm
from ..core.planning import NO_ITEMS, effective_rules, published_codes
from ..core.problems import InputError, Refused
from ..core.records import Assignment, AssignParameters, Draw, Round, Substitution
from ..core.selection import superseded
from ..storage.cache import paused_gc
from ..workspace import Workspace, writer
from ..workspace.load import load_model
from ..workspace.matching import (
    Options,
    context,
    matched,
    new_assignment,
    ranked,
    record_data,
    recorded_context,
    roster_refs,
    run,
    seed_of,
    tickets_ahead,
)
from ..workspace.records import (
    all_assignments,
    all_draws,
    assignment_path,
    draw_tasks,
    joint_ids,
    load_plan,
    load_replacements,
    load_substitutions,
    substitutions_path,
    teams,
)
from ..workspace.seed import choose_seed


def pick_draw(ws: Workspace, year: int, draw_id: str | None) -> Draw:
    draws = all_draws(ws)
    gone = superseded(draws)
    if draw_id:
        found = [d for d in draws if d.draw_id == draw_id]
        if not found:
            raise InputError(f"没有编号为“{draw_id}”的抽取记录")
        if draw_id in gone:
            raise Refused(f"抽取“{draw_id}”已被重抽取代，不能再匹配人员")
        if draw_id in joint_ids(ws) and not assignment_path(ws, found[0].year, draw_id).exists():
            raise Refused(
                f"“{draw_id}”是部门联合抽查：请用 ssj assign --joint {draw_id} --department <部门> 匹配"
            )
        return found[0]
    joint = joint_ids(ws)
    open_ = [
        d
        for d in draws
        if d.year == year
        and d.draw_id not in gone
        and d.draw_id not in joint
        and not assignment_path(ws, d.year, d.draw_id).exists()
    ]
    if not open_:
        raise InputError(f"{year} 年度没有尚未匹配人员的抽取；请先 ssj draw，或用 --draw 指定")
    return open_[-1]


def assign(
    ws: Workspace,
    year: int,
    draw_id: str | None,
    typed: Mapping[str, Any],
    seed: str | None,
    seed_source: str | None,
    commit: bool,
) -> Assignment:
    """Match inspectors to a draw's tasks; for a draw already matched, to the tasks a later
    replacement left without a team (appended to its record as a later matching).

    `typed`: the matching parameters (Options fields) given on the command line; the draw
    year's plan gives the others, and a later matching keeps the first one's.
    """
    # Tens of thousands of tasks made and written, none of them in a cycle.
    with paused_gc(), writer.batch(ws, commit=commit) as book:
        record = pick_draw(ws, year, draw_id)
        options = options_for(ws, record.year, typed)
        path = assignment_path(ws, record.year, record.draw_id)
        if path.exists():
            return rematch(book, record, options, frozenset(typed), seed, seed_source)
        if seed is not None and seed == record.seed:
            raise Refused(
                "不能使用抽取对象时的种子：知道前一环节种子的人不应能左右下一环节。请另行产生种子"
            )
        head = book.check_inputs(record.year)
        items = ws.roster("items")
        if not items.rows:  # no checklist can be made: nothing may be checked
            raise Refused(NO_ITEMS)
        seed, source, generated = choose_seed(seed, seed_source)
        people = ws.roster("inspectors")
        # Most of the tickets are made on another core while the rest is read.
        ahead = tickets_ahead(ws, record, people.rows, seed)
        try:
            gone = superseded(all_draws(ws))
            history = [a for a in all_assignments(ws) if a.draw_id not in gone]
            ctx = context(ws, record, people.rows, items.rows, history)
            tasks = matched(ctx, seed, options, ahead)
        finally:
            if ahead is not None:
                ahead.cancel()  # not wanted once the matching is made, or has failed
        result = new_assignment(
            ws,
            record,
            head=head,
            seed=(seed, source, generated),
            rosters=(people, items),
            history=history,
            options=options,
            tasks=[],
        )
        book.write_data(path, record_data(result, tasks))
        # The light tasks read as the record's: what the command shows needs no models.
        result = result.model_copy(update={"tasks": tasks})
        book.message = f"匹配检查人员 {record.draw_id}（{algorithm.ALGORITHM}）"
    return result


def options_for(ws: Workspace, year: int, typed: Mapping[str, Any]) -> Options:
    """The matching parameters: those typed, else the plan's (team size, experts) and the
    year's rules (rotation)."""
    plan = load_plan(ws, year)
    defaults = {
        "team_size": plan.team_size,
        "experts": plan.experts,
        "rotation_years": effective_rules(ws.config, plan).rotation_years,
    }
    options = Options(**{**defaults, **typed})
    if options.team_size < 2:
        raise InputError("每组执法人员不得少于 2 名（R6）")
    return options


def rematch(
    book: writer.Batch,
    record: Draw,
    options: Options,
    given: frozenset[str],
    seed: str | None,
    seed_source: str | None,
) -> Assignment:
    """A later matching: the draw's tasks without a team, after a replacement made once its
    tasks were matched, under the first matching's parameters and with a fresh seed."""
    ws = book.ws
    path = assignment_path(ws, record.year, record.draw_id)
    existing = load_model(Assignment, path, ws.rel(path), cache=ws.root)  # to be written again
    teamed = teams(ws, existing)
    if not [t for t in draw_tasks(ws, record) if t.entity.id not in teamed]:
        raise Refused(
            f"抽取“{record.draw_id}”已匹配过人员：{ws.rel(path)}；个别人员变动请用 ssj assign replace"
        )
    kept = existing.parameters
    changed = [name for name in sorted(given) if getattr(options, name) != getattr(kept, name)]
    if changed:
        flags = "、".join(FLAGS[name] for name in changed)
        raise InputError(
            f"{flags}：补充匹配沿用 {record.draw_id} 首次匹配的参数（{describe(kept)}），"
            "请去掉与之不同的选项后重试"
        )
    used = {record.seed, existing.seed} | {r.seed for r in existing.rounds}
    if seed is not None and seed in used:
        raise Refused("补充匹配的种子须重新产生：不能沿用抽取对象或此前匹配的种子。请另行产生种子")
    head = book.check_inputs(record.year)
    items = ws.roster("items")
    if not items.rows:
        raise Refused(NO_ITEMS)
    seed, source, generated = choose_seed(seed, seed_source)
    people = ws.roster("inspectors")
    gone = superseded(all_draws(ws))
    history = [
        a for a in all_assignments(ws) if a.draw_id not in gone and a.draw_id != record.draw_id
    ]
    ctx = context(ws, record, people.rows, items.rows, history, earlier=teamed)
    later = Round(
        assigned_at=ws.clock.now(),
        seed=seed,
        seed_source=source,
        seed_generated=generated,
        commit=head,
        rosters=roster_refs(people, items),
        replacements=len(load_replacements(ws, record).replacements),
        history=[h.draw_id for h in history],
        tasks=run(ctx, seed, Options(**kept.model_dump())),
    )
    result = existing.model_copy(update={"rounds": [*existing.rounds, later]})
    book.write_record(path, result)
    book.message = (
        f"补充匹配检查人员 {record.draw_id}（第 {len(result.rounds)} 次，"
        f"{len(later.tasks)} 项任务，{algorithm.ALGORITHM}）"
    )
    return result


def unpublished(ws: Workspace, record: Assignment, day: date) -> list[str]:
    """The checklist items of a matching not yet published on `day` (a warning at
    `ssj assign`: publish them, `ssj plan publish`, before the inspection, R17)."""
    latest = record.rounds[-1] if record.rounds else record
    items = ws.roster("items").rows
    published = published_codes(load_plan(ws, record.year), items, day)
    # Tasks share their checklists (one list per category and industries): each read once.
    lists = {id(t.checklist): t.checklist for t in latest.tasks}
    listed = dict.fromkeys(itertools.chain.from_iterable(lists.values()))
    return [c for c in listed if c not in published]


# The command-line option of each matching parameter (Options field).
FLAGS = {
    "team_size": "--min-inspectors",
    "experts": "--experts",
    "scope": "--scope",
    "lead_department": "--lead-department",
    "cross_region": "--cross-region",
    "rotation_years": "--rotation-years",
}


def describe(parameters: AssignParameters) -> str:
    """A matching's parameters as the options that set them."""
    parts = [f"--min-inspectors {parameters.team_size}", f"--experts {parameters.experts}"]
    parts.append(f"--scope {parameters.scope}")
    parts += ["--lead-department"] if parameters.lead_department else []
    parts += ["--cross-region"] if parameters.cross_region else []
    parts.append(f"--rotation-years {parameters.rotation_years}")
    return " ".join(parts)


def substitute(
    ws: Workspace, entity: str, inspector: str, reason: str, year: int | None, commit: bool
) -> Substitution:
    """The next inspector of the task's ranking replaces one who cannot go."""
    if not reason.strip():
        raise InputError("替换人员必须用 --reason 写明理由")
    with writer.batch(ws, commit=commit) as book:
        gone = superseded(all_draws(ws))
        found = [
            a
            for a in all_assignments(ws)
            if a.draw_id not in gone
            and (year is None or a.year == year)
            and any(t.entity == entity for t in a.matched())
        ]
        if not found:
            raise InputError(f"“{entity}”不是任何有效匹配中的任务")
        record = found[-1]
        team = teams(ws, record)[entity]
        if inspector not in team:
            raise InputError(f"“{inspector}”不在任务 {entity} 的检查组中")
        ranking = ranking_for(
            ws,
            record,
            entity,
            expert=inspector
            in {m.id for t in record.matched() if t.entity == entity for m in t.experts},
        )
        subs = load_substitutions(ws, record)
        out = {s.inspector for s in subs.substitutions if s.task == entity}
        people = {p.id: p for p in ws.roster("inspectors").rows}
        nxt = next(
            (
                p
                for p in ranking
                if p not in team and p not in out and p in people and people[p].status == "在岗"
            ),
            None,
        )
        if nxt is None:
            raise Refused(f"任务 {entity} 的排序中已没有可替换的人员")
        entry = Substitution(
            task=entity,
            inspector=inspector,
            replacement=nxt,
            reason=reason.strip(),
            recorded_at=ws.clock.now(),
        )
        subs.substitutions.append(entry)
        book.write_record(substitutions_path(ws, record.year, record.draw_id), subs, nulls=True)
        book.message = (
            f"匹配 {record.draw_id}：任务 {entity} 由 {nxt} 替换 {inspector}（{entry.reason}）"
        )
    return entry


def ranking_for(ws: Workspace, record: Assignment, entity: str, expert: bool) -> list[str]:
    """The task's full ranking, recomputed exactly as when its matching was made."""
    options = Options(**record.parameters.model_dump())
    for n in range(len(record.rounds) + 1):
        ctx = recorded_context(ws, record, n)
        if any(t.entity.id == entity for t in ctx.tasks):
            for r in ranked(ctx, seed_of(record, n), options):
                if r.entity == entity:
                    return r.expert_ranking if expert else r.ranking
    return []
