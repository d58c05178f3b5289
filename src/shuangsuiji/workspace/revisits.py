"""Return-visit draws re-run from the inspection records at their commits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from ..core import algorithm, followup
from ..core.models import row_problems
from ..core.problems import InputError, Problem
from ..core.records import Draw
from ..core.results import (
    NOT_REACHED,
    REVISIT_QUESTIONS,
    RecordFile,
    RevisitDraw,
    RevisitPick,
    revisit_draw_id,
)
from ..storage import yamlio
from .load import PLAN_DIR, Workspace, load_model
from .records import COMPANIONS

DRAW_HEADER = "# 由 ssj 生成：回访抽取记录，提交后不得修改（ssj verify 会重算）。\n"


def revisits_dir(ws: Workspace, year: int) -> Path:
    return ws.plan_dir(year) / "revisits"


def draw_path(ws: Workspace, year: int) -> Path:
    return revisits_dir(ws, year) / f"{revisit_draw_id(year)}.yaml"


def all_revisits(ws: Workspace) -> list[RevisitDraw]:
    found = []
    for path in sorted((ws.root / PLAN_DIR).glob("*/revisits/*-revisit.yaml")):
        found.append(load_model(RevisitDraw, path, ws.rel(path)))
    return found


def load_draw(ws: Workspace, year: int) -> RevisitDraw | None:
    path = draw_path(ws, year)
    return load_model(RevisitDraw, path, ws.rel(path)) if path.is_file() else None


def population_at(ws: Workspace, year: int, commit: str) -> list[str]:
    """Units of the year with a record at `commit` (of a live draw), result not NOT_REACHED.

    Read from git, not from the working tree: the draw and its verification see the same
    committed records.
    """
    superseded = set()
    draws = _files_at(ws, commit, f"{PLAN_DIR}/{year}/draws/")
    for path, raw in draws.items():
        if not path.endswith(COMPANIONS):
            draw = _parse(raw, f"{path}@{commit[:10]}", Draw)
            if draw.redraw_of:
                superseded.add(draw.redraw_of)
    out = []
    for path, raw in _files_at(ws, commit, f"{PLAN_DIR}/{year}/records/").items():
        record = _parse(raw, f"{path}@{commit[:10]}", RecordFile)
        live = [d for d in record.draw_ids() if d not in superseded]
        if any(record.current(d).result not in NOT_REACHED for d in live):
            out.append(record.entity)
    return sorted(out)


def _files_at(ws: Workspace, commit: str, folder: str) -> dict[str, bytes]:
    """The .yaml files directly in `folder` at `commit`, read in one `git cat-file --batch`."""
    listing = ws.git.run("ls-tree", "-z", commit, "--", folder, check=False)
    blobs: dict[str, str] = {}
    for entry in listing.split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and path.endswith(".yaml"):
            blobs[path] = parts[2]
    if not blobs:
        return {}
    raw = ws.git.run_bytes("cat-file", "--batch", input="\n".join(blobs.values()).encode() + b"\n")
    out, position = {}, 0
    for path in blobs:
        end = raw.index(b"\n", position)
        size = int(raw[position:end].split()[2])
        out[path] = raw[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return out


def _parse(raw: bytes, label: str, model):
    data = yamlio.parse(raw.decode("utf-8-sig"), label)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [Problem(file=label, field=f, message=m) for _, f, m in row_problems(model, exc)]
        ) from None


def execute(
    year: int,
    day: date,
    seed: str,
    source: str,
    generated: bool,
    commit: str,
    ratio: Decimal,
    inspected: list[str],
    drawn_at,
    reason: str | None = None,
) -> RevisitDraw:
    draw_id = revisit_draw_id(year)
    k = followup.revisit_size(len(inspected), ratio)
    result = algorithm.draw(
        seed,
        draw_id,
        {i: algorithm.ALL_STRATUM for i in inspected},
        {algorithm.ALL_STRATUM: k},
    )
    return RevisitDraw(
        algorithm=algorithm.ALGORITHM,
        draw_id=draw_id,
        year=year,
        date=day,
        drawn_at=drawn_at,
        reason=reason,
        seed=seed,
        seed_source=source,
        seed_generated=generated,
        commit=commit,
        ratio=f"{ratio.normalize():f}",
        population=inspected,
        digest=algorithm.population_digest(inspected),
        selected=[RevisitPick(id=p.id, ticket=p.ticket) for p in result.selected],
        questions=list(REVISIT_QUESTIONS),
    )


def differences(ws: Workspace, record: RevisitDraw) -> list[str]:
    """Re-run a recorded return-visit draw: population from the records at its commit."""
    try:
        return _differences(ws, record)
    except algorithm.AlgorithmInputError as exc:
        return [f"记录无法重算：{exc}"]


def _differences(ws: Workspace, record: RevisitDraw) -> list[str]:
    out = []
    again_population = population_at(ws, record.year, record.commit)
    if again_population != record.population:
        only_a = sorted(set(record.population) - set(again_population))
        only_b = sorted(set(again_population) - set(record.population))
        out.append(
            "已检查单位名单与提交 "
            + record.commit[:10]
            + " 中的检查记录不符"
            + (f"（记录中多出 {'、'.join(only_a[:10])}）" if only_a else "")
            + (f"（记录中缺少 {'、'.join(only_b[:10])}）" if only_b else "")
        )
    if algorithm.population_digest(record.population) != record.digest:
        out.append("已检查单位摘要与名单不符")
    again = execute(
        record.year,
        record.date,
        record.seed,
        record.seed_source,
        record.seed_generated,
        record.commit,
        algorithm.parse_ratio(record.ratio),
        record.population,
        record.drawn_at,
    )
    if again.selected != record.selected:
        mine = [p.id for p in record.selected]
        theirs = [p.id for p in again.selected]
        out.append(f"抽中单位不一致：记录为 {'、'.join(mine)}，重算为 {'、'.join(theirs)}")
    return out
