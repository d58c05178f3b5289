"""Shared steps of the record / disclose / revisit tests: a drawn and staffed 2026 plan.

Real workspaces and real git (conftest's `example` and `ssj`), nothing mocked.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import on
from shuangsuiji.workspace import Workspace

DRAW_SEED = "20260104-6152-3341"
ASSIGN_SEED = "record-assign-2026"
DRAW_DAY = "2026-01-05"

HEADERS = [
    "统一社会信用代码",
    "检查开始日期",
    "检查结束日期",
    "检查人员",
    "检查结果",
    "检查事项",
    "隐患描述",
    "隐患等级",
    "整改期限",
    "复查日期",
    "复查结论",
    "处罚决定书文号",
    "罚款金额",
]


def staffed(ssj, root: Path) -> dict:
    """Draw 2026 (20%) and assign inspectors; the assignment's JSON, tasks by entity."""
    with on(DRAW_DAY):
        drawn = ssj(
            "-C", root, "draw", "--year", "2026", "--ratio", "0.2", "--seed", DRAW_SEED, "--json"
        )
        assert drawn.code == 0, drawn.out + drawn.err
        assigned = ssj("-C", root, "assign", "--year", "2026", "--seed", ASSIGN_SEED, "--json")
    assert assigned.code == 0, assigned.out + assigned.err
    doc = assigned.json()
    doc["by_entity"] = {t["entity"]: t for t in doc["tasks"]}
    doc["draw"] = drawn.json()
    return doc


def record(ssj, root: Path, entity: str, *args: str):
    return ssj("-C", root, "record", entity, "--year", "2026", *args, "--json")


def csv_bytes(rows: list[list[str]], encoding: str = "gb18030", headers=HEADERS) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row + [""] * (len(headers) - len(row)))
    return out.getvalue().encode(encoding)


def people(root: Path) -> dict:
    return {p.id: p for p in Workspace(root).roster("inspectors").rows}


def entities(root: Path) -> dict:
    return {e.id: e for e in Workspace(root).roster("entities").rows}


def record_all(ssj, root: Path, plan: dict, entities_: list[str], end: str = "2026-03-10"):
    """Record `entities_` as 未发现问题 in one bulk CSV; returns the command's result."""
    path = root.parent / "bulk-all.csv"
    path.write_bytes(csv_bytes([[e, "", end, "", "未发现问题"] for e in entities_], "utf-8"))
    return ssj("-C", root, "record", "--from", path, "--year", "2026", "--json")
