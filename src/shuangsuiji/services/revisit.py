"""Return visits (回访, 江西省意见 §(十五) and 附件3): the draw, the answers, verify.

At least 10% (ceil) of the year's inspected units are drawn by ssj-sha256-v1 as
`<year>-revisit`, with a fresh seed, from the records committed at the time of the draw;
each drawn unit is asked the 8 questions of 附件3, and its answers are recorded like
results: `plans/<year>/revisits/answers/<entity>.yaml`, append-only versions.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core import algorithm, dates, values
from ..core.models import row_problems
from ..core.problems import InputError, Problem, Refused
from ..core.results import REVISIT_QUESTIONS, AnswerFile, AnswerRow, AnswerVersion, RevisitDraw
from ..storage import yamlio
from ..workspace import PLAN_DIR, Workspace, load_model, writer
from ..workspace.revisits import (
    DRAW_HEADER,
    draw_path,
    execute,
    load_draw,
    population_at,
    revisits_dir,
)
from ..workspace.sheets import read_filled
from . import Appended, SheetWritten, write_sheet

ANSWER_HEADER = "# 由 ssj 生成：回访记录。只在末尾追加新版本，已有版本不得修改。\n"


def answers_path(ws: Workspace, year: int, entity: str) -> Path:
    return revisits_dir(ws, year) / "answers" / f"{entity}.yaml"


# ------------------------------------------------------------------ the population


def used_seeds(ws: Workspace, year: int) -> set[str]:
    """Seeds of the year's draws (superseded ones too) and assignments."""
    from ..workspace.records import all_assignments, all_draws

    seeds = {d.seed for d in all_draws(ws) if d.year == year}
    return seeds | {a.seed for a in all_assignments(ws) if a.year == year}


# ------------------------------------------------------------------ the draw


def run(
    ws: Workspace,
    year: int,
    ratio: str | None,
    seed: str | None,
    seed_source: str | None,
    day: date | None,
    commit: bool,
    reason: str | None = None,
) -> RevisitDraw:
    """Draw the year's return visits: records committed, fresh seed, ratio not below the floor."""
    from ..core.planning import effective_rules
    from ..render.wording import percent
    from ..workspace.records import load_plan
    from ..workspace.seed import choose_seed

    day, late = dates.act_day(
        day, today=ws.clock.today(), years=range(year, year + 2), reason=reason, what="回访抽取日期"
    )
    with writer.batch(ws, commit=commit) as book:
        path = draw_path(ws, year)
        if path.exists():
            raise Refused(f"{year} 年度的回访已经抽取过（{ws.rel(path)}），不能重抽")
        floor = effective_rules(ws.config, load_plan(ws, year)).revisit_ratio
        chosen = algorithm.parse_ratio(ratio) if ratio is not None else floor
        if chosen < floor:
            raise Refused(
                f"回访比例 {percent(chosen)} 低于规定的 {percent(floor)}（江西省意见 §(十五)；"
                "可在 ssj.yaml 的 defaults.revisit_ratio 或年度方案中调整）"
            )
        if not ws.git.is_repo() or ws.git.head() is None:
            raise Refused("工作区不在 git 仓库中或尚无提交：回访抽取须基于已提交的检查记录")
        records = f"{PLAN_DIR}/{year}/records"
        dirty = ws.git.dirty(records, f"{PLAN_DIR}/{year}/draws")
        if dirty:
            raise Refused(
                f"{'、'.join(dirty[:3])} 有未提交的修改：回访抽取前检查记录须已提交（git commit）"
            )
        if seed is not None and seed in used_seeds(ws, year):
            raise Refused(f"种子与 {year} 年度的抽取或匹配所用种子相同：回访须使用新的种子")
        head = ws.git.head()
        assert head is not None
        inspected = population_at(ws, year, head)
        if not inspected:
            raise Refused(f"{year} 年度尚无已提交的检查记录，无从抽取回访单位")
        seed, source, generated = choose_seed(seed, seed_source)
        record = execute(
            year, day, seed, source, generated, head, chosen, inspected, ws.clock.now(), late
        )
        book.write_record(path, record, DRAW_HEADER, nulls=True)
        book.message = (
            f"回访抽取 {record.draw_id}：{len(record.selected)}/{len(inspected)}"
            f"（{algorithm.ALGORITHM}）"
        )
    return record


# ------------------------------------------------------------------ answers


_QUESTION_HEADER = re.compile(r"^(?:问题|第)?\s*([1-9])\s*(?:题)?\s*(?:[.、．:：)）]|$)")


def question_header(n: int) -> str:
    return f"{n}.{REVISIT_QUESTIONS[n - 1]}"


def answer_headers() -> dict[str, str]:
    out = {name: name for name in AnswerRow.model_fields if name != "answers"}
    out.update(
        {
            info.title: name
            for name, info in AnswerRow.model_fields.items()
            if info.title and name != "answers"
        }
    )
    return out


def read_answer_rows(path: Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(where, data) of each row of a CSV/XLSX/YAML file of answers."""
    names = answer_headers()
    _, headers, filled = read_filled(path, "answers")
    rows = [({"row": r.row} if r.row is not None else {"line": r.line}, r.data) for r in filled]
    out = []
    problems = []
    mapping: dict[str, tuple[str, int | None]] = {}
    for h in headers:
        if h in names:
            mapping[h] = (names[h], None)
            continue
        match = _QUESTION_HEADER.match(h)
        if match and 1 <= int(match.group(1)) <= len(REVISIT_QUESTIONS):
            mapping[h] = ("answers", int(match.group(1)))
    if "entity" not in {m[0] for m in mapping.values()}:
        problems.append(
            Problem(file=path.name, row=1, field="统一社会信用代码", message="缺少必填列")
        )
    if problems:
        raise InputError(problems)
    for where, raw_row in rows:
        data: dict[str, Any] = {"answers": {}}
        for key, value in raw_row.items():
            target = mapping.get(str(key))
            if target is None:
                continue
            text = value if isinstance(value, date) else values.text(value)
            if text in ("", None):
                continue
            if target[0] == "answers":
                data["answers"][target[1]] = text
            else:
                data[target[0]] = text
        out.append((where, data))
    return out


def record_answers(
    ws: Workspace,
    year: int,
    rows: list[tuple[dict[str, Any], dict[str, Any]]],
    label: str,
    reason: str | None,
    commit: bool,
) -> Appended:
    """Validate every row, then append a version to each unit's answers file."""
    with writer.batch(ws, commit=commit) as book:
        draw = load_draw(ws, year)
        if draw is None:
            raise Refused(f"{year} 年度尚未抽取回访单位：请先 ssj revisit --year {year}")
        selected = {p.id for p in draw.selected}
        from ..workspace.year import year_tasks

        names = {e.id: e.name for e in year_tasks(ws, year).entities.values()}
        today = ws.clock.today()
        problems: list[Problem] = []
        planned: list[tuple[Path, str, AnswerVersion, str]] = []
        out = Appended()
        for where, data in rows:
            mark = len(problems)

            def problem(message: str, field: str | None = None, where=where) -> Problem:
                return Problem(file=label, message=message, field=field, **where)

            try:
                row = AnswerRow.model_validate(data)
            except ValidationError as exc:
                problems += [problem(m, f) for _, f, m in row_problems(AnswerRow, exc)]
                continue
            if row.entity not in selected:
                problems.append(
                    problem(f"{row.entity} 不是 {year} 年度抽中的回访单位", "统一社会信用代码")
                )
                continue
            missing = [n for n in range(1, len(draw.questions) + 1) if not row.answers.get(n)]
            if missing:
                problems.append(
                    problem(
                        "缺少回答："
                        + "、".join(f"问题{n}" for n in missing)
                        + "（未作答的请写“未作答”）",
                        f"问题{missing[0]}",
                    )
                )
            if row.date is None:
                problems.append(problem("缺少必填内容", "回访日期"))
            elif row.date < draw.date:
                problems.append(problem(f"{row.date} 早于回访抽取日期 {draw.date}", "回访日期"))
            elif row.date > today:
                problems.append(problem(f"{row.date} 是将来的日期（今天是 {today}）", "回访日期"))
            if not row.visitors:
                problems.append(problem("缺少必填内容", "回访人员"))
            if row.name and row.entity in names and row.name != names[row.entity]:
                problems.append(problem(f"与名录中的“{names[row.entity]}”不符", "单位名称"))
            if len(problems) > mark:
                continue
            path = answers_path(ws, year, row.entity)
            existing = load_model(AnswerFile, path, ws.rel(path)) if path.is_file() else None
            answers = [row.answers[n] for n in range(1, len(draw.questions) + 1)]
            content = {
                "date": row.date,
                "method": row.method,
                "visitors": row.visitors,
                "respondent": row.respondent,
                "answers": answers,
                "clues": row.clues,
            }
            change = "记录"
            if existing is not None:
                old = existing.current()
                before = old.model_dump(include=set(content))
                after = AnswerVersion.model_validate(
                    {**content, "version": 1, "recorded_at": ws.clock.now(), "change": "记录"}
                ).model_dump(include=set(content))
                if before == after:
                    out.unchanged.append(row.entity)
                    continue
                only_clues = {**before, "clues": None} == {**after, "clues": None} and before[
                    "clues"
                ] is None
                change = "补充" if only_clues else "更正"
                why = row.reason or reason
                if change == "更正" and not why:
                    problems.append(
                        problem(f"已有第 {old.version} 版回访记录，修改须写明更正理由", "更正理由")
                    )
                    continue
            version = AnswerVersion.model_validate(
                {
                    **content,
                    "version": len(existing.versions) + 1 if existing else 1,
                    "recorded_at": ws.clock.now(),
                    "change": change,
                    "reason": (row.reason or reason) if change == "更正" else None,
                    "source": _source(label, where),
                }
            )
            item = yamlio.dump_fast([version.model_dump(mode="json", exclude_none=True)])
            if existing is None:
                head = {
                    "kind": "revisit-answers",
                    "year": year,
                    "draw_id": draw.draw_id,
                    "entity": row.entity,
                    "name": names.get(row.entity, row.entity),
                    "questions": draw.questions,
                }
                text = yamlio.dump_fast(head, ANSWER_HEADER) + "versions:\n" + item
            else:
                old_text = path.read_text(encoding="utf-8")
                text = old_text + ("" if old_text.endswith("\n") else "\n") + item
            try:
                AnswerFile.model_validate(yamlio.parse(text, ws.rel(path)))
            except ValidationError as exc:
                raise Refused(
                    f"{ws.rel(path)} 不是 ssj 写出的格式，不能追加：{exc.errors()[0]['msg']}"
                ) from None
            planned.append((path, text, version, row.entity))
        if problems:
            raise InputError(problems)
        for path, text, version, entity in planned:
            book.write(path, text)
            out.written.append(
                {
                    "entity": entity,
                    "version": version.version,
                    "change": version.change,
                    "file": ws.rel(path),
                }
            )
        book.message = f"记录回访 {len(planned)} 家（{year} 年度）"
    out.commit = book.sha
    return out


def _source(label: str, where: dict[str, Any]) -> str:
    at = where.get("row") or where.get("line")
    return f"{label} 第 {at} 行" if at else label


def write_template(ws: Workspace, year: int, output: Path) -> SheetWritten:
    """`ssj revisit template`: the questionnaire to fill in, written to `output`."""
    headers, rows, choices = template(ws, year)
    return write_sheet(output, headers, rows, "回访", choices)


def command_line_row(
    entity: str | None, answers: list[str], **fields: Any
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """One unit's answers given on the command line, as the one row `record_answers` takes."""
    if not entity:
        raise InputError(Problem(file="命令行", message="请给出回访单位，或用 --from 批量记录"))
    if answers and len(answers) != len(REVISIT_QUESTIONS):
        raise InputError(
            Problem(
                file="命令行",
                field="--answer",
                message=f"应依次给出 {len(REVISIT_QUESTIONS)} 个回答，实为 {len(answers)} 个",
            )
        )
    data = {"entity": entity, **fields, "answers": dict(enumerate(answers, start=1))}
    return [({}, {k: v for k, v in data.items() if v not in (None, "")})]


def template(ws: Workspace, year: int) -> tuple[list[str], list[list[Any]], dict[int, list[str]]]:
    """The questionnaire: one row per drawn unit not yet answered, the 8 questions as columns."""
    draw = load_draw(ws, year)
    if draw is None:
        raise Refused(f"{year} 年度尚未抽取回访单位：请先 ssj revisit --year {year}")
    from ..workspace.year import year_tasks

    names = {e.id: e.name for e in year_tasks(ws, year).entities.values()}
    headers = ["统一社会信用代码", "单位名称", "回访日期", "回访方式", "回访人员", "受访人"]
    headers += [question_header(n) for n in range(1, len(draw.questions) + 1)]
    headers += ["问题线索", "更正理由"]
    rows = []
    for pick in draw.selected:
        if answers_path(ws, year, pick.id).is_file():
            continue
        rows.append([pick.id, names.get(pick.id, "")] + [None] * (len(headers) - 2))
    return headers, rows, {4: ["实地", "电话", "书面", "网络"]}


def pending(ws: Workspace, year: int) -> list[str]:
    """Drawn units whose answers are not recorded yet."""
    draw = load_draw(ws, year)
    if draw is None:
        return []
    return [p.id for p in draw.selected if not answers_path(ws, year, p.id).is_file()]
