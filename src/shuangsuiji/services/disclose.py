"""一公开 (ssj disclose): deadlines on the official calendar, the publication, its record.

A result is due for publication within N working days (default 20) of the end of the
inspection (R11). `publish` writes the publication (public fields only, docs/audit.md) and
records, append-only, what was published when in `plans/<year>/disclosures/<date>.yaml`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core import dates, followup
from ..core.models import Entity, Inspector, Item
from ..core.plan import Plan
from ..core.planning import plan_code, task_code
from ..core.problems import InputError, Problem, Refused
from ..core.records import Draw
from ..core.results import (
    GSXT_RESULTS,
    INSPECTION_TYPES,
    DisclosureFile,
    Publication,
    PublishedEntry,
    RecordVersion,
)
from ..storage import yamlio
from ..storage.files import write_atomic
from ..workspace import Workspace, writer
from ..workspace.year import Entry, disclosure_days, disclosure_path, disclosure_status, published

DISCLOSURE_HEADER = "# 由 ssj 生成：公开记录（何时公开了哪些结果）。只追加，不得修改。\n"


# ------------------------------------------------------------------ status


# ------------------------------------------------------------------ the publication


def handling(version: RecordVersion) -> str:
    """违法行为处理情况, from the record's structured facts only (no free text of the unit)."""
    parts = []
    findings = version.findings
    if findings:
        general = sum(f.level == "一般事故隐患" for f in findings)
        major = len(findings) - general
        found = [f"一般事故隐患 {general} 项"] if general else []
        found += [f"重大事故隐患 {major} 项"] if major else []
        parts.append("发现" + "、".join(found))
        on_site = sum(f.on_site for f in findings)
        if on_site:
            parts.append(f"当场整改 {on_site} 项")
        ordered = [f for f in findings if not f.on_site]
        if ordered:
            orders = sorted({f.order for f in ordered if f.order})
            parts.append(
                f"责令限期整改 {len(ordered)} 项" + (f"（{'、'.join(orders)}）" if orders else "")
            )
            fixed = sum(f.closed for f in ordered)
            if fixed:
                parts.append(f"经复查已整改 {fixed} 项")
    for p in version.penalties:
        if p.waived:
            parts.append("首违不罚，依法不予行政处罚" + (f"（{p.decision}）" if p.decision else ""))
        else:
            fine = f"，罚款 {p.amount} 元" if p.amount else ""
            parts.append(f"行政处罚（{p.decision}）{fine}")
    return "；".join(parts) if parts else "无"


_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def privacy_problems(rows, entities: list[Entity]) -> list[str]:
    """Anything in the publication that is a unit's address, contact or phone, or looks like
    a phone or ID number.

    The publication is built from public fields only; this is the second lock, so that no
    free text (a document number, a name typed into a roster) can carry private data out.
    """
    phones = [(re.sub(r"\D", "", e.phone), e.name) for e in entities if e.phone]
    phones = [(p, unit) for p, unit in phones if len(p) >= 7]
    addresses = [(e.address, e.name) for e in entities if e.address and len(e.address) >= 4]
    contacts = [(e.contact, e.name) for e in entities if e.contact and len(e.contact) >= 2]
    out = []
    for row in rows:
        who = f"{row.name}（{row.entity}）"
        # The credit code is public (and all digits at times); certificate numbers are public.
        cells = row.cells()[1:]
        free = [row.name, row.authority, *row.items, row.result, row.handling]
        for cell in cells:
            digits = re.sub(r"\D", "", cell)
            out += [f"{who}含有{unit}的联系电话" for p, unit in phones if p in digits]
            out += [f"{who}含有{unit}的地址" for a, unit in addresses if a in cell]
        out += [
            f"{who}的处理情况含有{unit}联系人的姓名" for c, unit in contacts if c in row.handling
        ]
        if any(_PHONE.search(c) for c in free):
            out.append(f"{who}含有电话号码")
        if any(_ID_NUMBER.search(c) for c in free):
            out.append(f"{who}含有疑似身份证号码")
    return sorted(set(out))


def task_kinds(
    draws: list[Draw], joint: frozenset[str] = frozenset()
) -> dict[tuple[str, str], str]:
    """(draw, unit) -> how the unit came into the draw (INSPECTION_TYPES keys); a unit
    drawn or taken as a replacement is not listed: it is "random". Every unit of a joint
    draw (`joint`: their ids) is "joint"."""
    kinds = {}
    for d in draws:
        if d.draw_id in joint:
            kinds.update({(d.draw_id, unit): "joint" for unit in d.tasks()})
            continue
        kinds.update({(d.draw_id, t.id): "key" for t in d.key})
        kinds.update({(d.draw_id, t.id): "forced" for t in d.forced})
    return kinds


def public_rows(
    chosen: list[tuple[Any, RecordVersion]],
    authority: str,
    people: dict[str, Inspector],
    items: dict[str, Item],
    kinds: dict[tuple[str, str], str] | None = None,
    authorities: dict[str, str] | None = None,
):
    """`authorities`: draw -> the inspecting authorities of a joint draw, all of them."""
    from ..render.publication import Public

    kinds = kinds or {}
    authorities = authorities or {}
    rows = []
    for task, version in chosen:
        officers = [
            (people[i].name, i)
            for i in version.inspectors
            if i in people and people[i].role == "执法人员"
        ]
        rows.append(
            Public(
                entity=task.entity,
                name=task.name,
                authority=authorities.get(task.draw_id, authority),
                type=INSPECTION_TYPES[kinds.get((task.draw_id, task.entity), "random")],
                items=[items[c].name if c in items else c for c in version.items],
                completed=version.end,
                result=version.result,
                handling=handling(version),
                inspectors=officers,
            )
        )
    return rows


def _with_departments(ws: Workspace, joint_id: str, chosen, rows, authorities: str) -> list:
    """The lead's rows of a joint task, each followed by the other departments' parts of the
    same visit (a part not yet recorded is left out: it is published when it is)."""
    from ..workspace.joint import department_rows, find_joint, visits

    task = find_joint(ws, joint_id)
    parts = {v.entity: v.parts for v in visits(ws, task)}
    out = []
    for (lead_task, _), row in zip(chosen, rows, strict=True):
        out.append(row)
        for department in task.others():
            version = parts.get(lead_task.entity, {}).get(department.name)
            if version is None:
                continue
            people = {p.id: p for p in department_rows(ws, department.name, "inspectors")}
            items = {i.code: i for i in department_rows(ws, department.name, "items")}
            (extra,) = public_rows(
                [(lead_task, version)], department.authority, people, items,
                {(lead_task.draw_id, lead_task.entity): "joint"},
                {lead_task.draw_id: authorities},
            )  # fmt: skip
            out.append(extra)
    return out


def gsxt_rows(chosen, rows, draws: list[Draw], config, plan: Plan):
    """The chosen random results in the platform's fields, with the plan and task codes
    built as the platforms build them (core/plan.py `plan_code`, `task_code`)."""
    from ..render.publication import GsxtRow

    code = plan_code(config, plan)
    if code is None:
        raise InputError(
            Problem(
                file="ssj.yaml",
                field="department_code",
                message="导出国家企业信用信息公示系统格式须在 ssj.yaml 中填写部门代码 department_code"
                "（抽查计划编号、抽查任务编号的前缀，如 350102），填写后提交",
            )
        )
    plan_name = plan.title or f"{config.authority}{plan.year}年度“双随机、一公开”监管抽查工作方案"
    numbers = {d.draw_id: n for n, d in enumerate(draws, start=1)}
    by_id = {d.draw_id: d for d in draws}
    out = []
    for (task, version), public in zip(chosen, rows, strict=True):
        draw = by_id[task.draw_id]
        n = numbers[task.draw_id]
        result_code, result = GSXT_RESULTS[version.result]
        out.append(
            GsxtRow(
                entity=task.entity,
                name=task.name,
                plan_code=code,
                plan_name=plan_name,
                task_code=task_code(code, n),
                task_name=f"{config.authority}{plan.year}年度“双随机、一公开”抽查第{n}批"
                f"（抽取 {draw.draw_id}）",
                kind="定向" if draw.parameters.where else "不定向",
                authority=config.authority,
                completed=version.end,
                items=public.items,
                result=result,
                result_code=result_code,
            )
        )
    return out


@dataclass
class Published:
    publication: Publication
    record_path: str
    output: Path
    commit: str | None
    rows: int


def publish(
    ws: Workspace,
    year: int,
    day: date | None,
    fmt: str,
    output: Path,
    everything: bool,
    commit: bool,
    reason: str | None = None,
    joint_id: str | None = None,
) -> Published:
    """Write the publication of the results not yet published (or all: `everything`).

    `joint_id`: only that joint task's visits, each department's part listed beside the
    lead's (谁检查、谁录入、谁公开, published together)."""
    from ..render import publication as render
    from ..workspace.calendars import load_calendar
    from ..workspace.joint import all_joints
    from ..workspace.records import all_draws
    from ..workspace.year import current_records, year_tasks

    if fmt not in (*render.RENDERERS, "gsxt"):
        raise InputError(
            Problem(
                file="命令行", field="--format", message="格式应为 xlsx、csv、json、html 或 gsxt"
            )
        )
    if fmt == "gsxt" and output.suffix.lower() not in (".xlsx", ".csv"):
        raise InputError(
            Problem(
                file="命令行",
                field="-o",
                message="gsxt 格式写成 .xlsx 或 .csv 文件：请用 -o 结果.xlsx 或 -o 结果.csv",
            )
        )
    day, late = dates.act_day(
        day, today=ws.clock.today(), years=range(year, year + 2), reason=reason, what="公开日期"
    )
    with writer.batch(ws, commit=commit) as book:
        tasks = year_tasks(ws, year)
        current = current_records(ws, year, tasks)
        done = published(ws, year)
        chosen = []
        for key, version in sorted(current.items(), key=lambda kv: (kv[1].end, kv[0][1])):
            if version.end > day or (joint_id is not None and key[0] != joint_id):
                continue
            versions = {v for _, v in done.get(key, [])}
            if everything or version.version not in versions:
                chosen.append((tasks.tasks[key], version))
        if not chosen:
            raise Refused(
                f"截至 {day} 没有尚未公开的检查结果（已记录 {len(current)} 项）；如需重新公开全部，用 --all"
            )
        config = ws.config
        draws = [d for d in all_draws(ws) if d.year == year]
        joint = {t.id: "、".join(t.authorities()) for t in all_joints(ws, year)}
        kinds = task_kinds(draws, frozenset(joint))
        if fmt == "gsxt":
            # The platform's 双随机抽查结果 holds random inspections only: key and forced
            # units are published in the other formats (their 检查类型 is 重点检查).
            chosen = [
                (t, v)
                for t, v in chosen
                if kinds.get((t.draw_id, t.entity), "random") in ("random", "joint")
            ]
            if not chosen:
                raise Refused(
                    f"截至 {day} 尚未公开的结果都是重点检查（重点单位、长期未检查单位），"
                    "不属于双随机抽查结果：请用 xlsx、csv、json 或 html 格式公开"
                )
        people = {p.id: p for p in ws.roster("inspectors").rows}
        items = {i.code: i for i in ws.roster("items").rows}
        rows = public_rows(chosen, config.authority, people, items, kinds, joint)
        if joint_id is not None and fmt != "gsxt":  # the platform takes the lead's record
            rows = _with_departments(ws, joint_id, chosen, rows, joint[joint_id])
        units = list(ws.roster("entities").rows) + list(tasks.entities.values())
        leaks = privacy_problems(rows, units)
        if leaks:
            raise Refused("公开内容含有不应公开的信息，未写出：" + "；".join(leaks))
        if fmt == "gsxt":
            from ..workspace.records import load_plan

            gsxt = gsxt_rows(chosen, rows, draws, config, load_plan(ws, year))
            data = render.to_gsxt(gsxt, output.suffix.lower())
        else:
            sheet = render.Sheet(
                title=f"{config.authority}{year}年度“双随机、一公开”抽查检查结果",
                authority=config.authority,
                year=year,
                date=day,
                rows=rows,
                commit=ws.git.head(),  # the commit the publication is made from: an anchor
            )
            data = render.render(sheet, fmt)
        calendar = load_calendar(ws)
        days = disclosure_days(ws, year)
        entries = [
            PublishedEntry(
                entity=task.entity,
                draw_id=task.draw_id,
                version=version.version,
                completed=version.end,
                deadline=followup.disclosure_due(version.end, calendar, days).deadline,
            )
            for task, version in chosen
        ]
        entry = Publication(
            published_at=ws.clock.now(),
            format=fmt,
            file=output.name,
            sha256=hashlib.sha256(data).hexdigest(),
            entries=entries,
            reason=late,
        )
        path = disclosure_path(ws, year, day)
        text = _appended(path, year, day, config.authority, entry)
        label = ws.rel(path)
        try:
            DisclosureFile.model_validate(yamlio.parse(text, label))
        except ValidationError as exc:
            raise Refused(
                f"{label} 不是 ssj 写出的格式，不能追加：{exc.errors()[0]['msg']}"
            ) from None
        write_atomic(output, data)  # the publication first: the record says it exists
        book.write(path, text)
        book.message = f"公开检查结果 {len(entries)} 项（{day}，{fmt}）"
    return Published(entry, label, output, book.sha, len(rows))


def _appended(path: Path, year: int, day: date, authority: str, entry: Publication) -> str:
    item = yamlio.dump_fast([entry.model_dump(mode="json", exclude_none=True)])
    if not path.is_file():
        head = {"kind": "disclosure", "year": year, "date": day.isoformat(), "authority": authority}
        return yamlio.dump_fast(head, DISCLOSURE_HEADER) + "publications:\n" + item
    existing = path.read_text(encoding="utf-8")
    return existing + ("" if existing.endswith("\n") else "\n") + item


def status(ws: Workspace, year: int, as_of: date | None = None) -> list[Entry]:
    """ssj disclose status: each recorded task's deadline and publication, as audit sees it."""
    return disclosure_status(ws, year, as_of)
