"""Inspector assignment, end to end: eligibility, the algorithm, the record, verify."""

from __future__ import annotations

import hashlib

from ..core import algorithm
from ..core.problems import InputError, Refused
from ..core.records import Assignment, AssignParameters, Draw, RosterRef, Substitution
from ..core.selection import superseded
from ..workspace import Workspace, ledger
from ..workspace.matching import Options, context, ranked, recorded_context, run
from ..workspace.records import (
    all_assignments,
    all_draws,
    assignment_path,
    load_substitutions,
    record_path,
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
        return found[0]
    open_ = [
        d
        for d in draws
        if d.year == year
        and d.draw_id not in gone
        and not assignment_path(ws, d.year, d.draw_id).exists()
    ]
    if not open_:
        raise InputError(f"{year} 年度没有尚未匹配人员的抽取；请先 ssj draw，或用 --draw 指定")
    return open_[-1]


def assign(
    ws: Workspace,
    year: int,
    draw_id: str | None,
    options: Options,
    seed: str | None,
    seed_source: str | None,
    commit: bool,
) -> Assignment:
    if options.team_size < 2:
        raise InputError("每组执法人员不得少于 2 名（R6）")
    with ledger.batch(ws, commit=commit) as book:
        record = pick_draw(ws, year, draw_id)
        path = assignment_path(ws, record.year, record.draw_id)
        if path.exists():
            raise Refused(
                f"抽取“{record.draw_id}”已匹配过人员：{ws.rel(path)}；个别人员变动请用 ssj assign replace"
            )
        if seed is not None and seed == record.seed:
            raise Refused(
                "不能使用抽取对象时的种子：知道前一环节种子的人不应能左右下一环节。请另行产生种子"
            )
        head = book.check_inputs(record.year)
        draw_file = record_path(ws, record.year, record.draw_id)
        seed, source, generated = choose_seed(seed, seed_source)
        people = ws.roster("inspectors")
        items = ws.roster("items")
        gone = superseded(all_draws(ws))
        history = [a for a in all_assignments(ws) if a.draw_id not in gone]
        ctx = context(ws, record, people.rows, items.rows, history)
        tasks = run(ctx, seed, options)
        result = Assignment(
            draw_id=record.draw_id,
            year=record.year,
            assigned_at=ws.clock.now(),
            seed=seed,
            seed_source=source,
            seed_generated=generated,
            commit=head,
            rosters={
                "inspectors": RosterRef(path=people.path, sha256=people.sha256),
                "items": RosterRef(path=items.path, sha256=items.sha256),
            },
            draw_sha256=hashlib.sha256(draw_file.read_bytes()).hexdigest(),
            history=[h.draw_id for h in history],
            parameters=AssignParameters(**options.__dict__),
            tasks=tasks,
        )
        book.write_record(path, result)
        book.message = f"匹配检查人员 {record.draw_id}（{algorithm.ALGORITHM}）"
    return result


def substitute(
    ws: Workspace, entity: str, inspector: str, reason: str, year: int | None, commit: bool
) -> Substitution:
    """The next inspector of the task's ranking replaces one who cannot go."""
    if not reason.strip():
        raise InputError("替换人员必须用 --reason 写明理由")
    with ledger.batch(ws, commit=commit) as book:
        gone = superseded(all_draws(ws))
        found = [
            a
            for a in all_assignments(ws)
            if a.draw_id not in gone
            and (year is None or a.year == year)
            and any(t.entity == entity for t in a.tasks)
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
            in {m.id for t in record.tasks if t.entity == entity for m in t.experts},
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
    """The task's full ranking, recomputed exactly as at assignment time."""
    ctx = recorded_context(ws, record)
    for r in ranked(ctx, record.seed, Options(**record.parameters.model_dump())):
        if r.entity == entity:
            return r.expert_ranking if expert else r.ranking
    return []
