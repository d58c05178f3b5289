"""Re-run: every recorded random choice is recomputed from its record and the rosters at
its recorded commit (`verification.verify_all`, the same code as `ssj verify`)."""

from __future__ import annotations

from ..core.problems import InputError, Refused
from .data import AuditData
from .findings import Finding, error

FIX_DRAW = (
    "记录提交后不得修改：用 git log -p 该文件 查明改动并恢复原记录；"
    "如确需重抽，用 ssj draw --redraw-of <编号> --reason <理由>"
)
FIX_ASSIGN = (
    "记录提交后不得修改：用 git log -p 该文件 查明改动并恢复原记录；"
    "个别人员变动用 ssj assign replace 另行记录"
)


FIX_REVISIT = "回访抽取记录提交后不得修改：用 git log -p 该文件 查明改动并恢复原记录"
FIX_REPLACE = (
    "候补替换记录只能由 ssj draw replace 追加：用 git log -p 该文件 查明改动并恢复；"
    "替换须取该分层下一个未被使用、也不是本年度其他抽取任务的候补"
)
FIXES = {"匹配": FIX_ASSIGN, "回访": FIX_REVISIT, "替换": FIX_REPLACE}


def _year(path: str) -> int | None:
    parts = path.split("/")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def record_files(year: int, record_id: str) -> set[str]:
    """The files of one random choice: its record and the files its re-run reads besides
    the rosters at its commit (which never change)."""
    base = f"plans/{year}"
    return {
        f"{base}/draws/{record_id}.yaml",
        f"{base}/draws/{record_id}.prepared.yaml",
        f"{base}/draws/{record_id}.replacements.yaml",
        f"{base}/assignments/{record_id}.yaml",
        f"{base}/assignments/{record_id}.substitutions.yaml",
        f"{base}/revisits/{record_id}.yaml",
    }


def _ids(data: AuditData) -> list[tuple[int, str]]:
    found = {(d.model.year, d.model.draw_id) for d in data.draws}
    found |= {(a.model.year, a.model.draw_id) for a in data.assignments}
    for path in (data.ws.root / "plans").glob("*/revisits/*-revisit.yaml"):
        if path.parent.parent.name.isdigit():
            found.add((int(path.parent.parent.name), path.stem))
    return sorted(found)


def check(
    data: AuditData, year: int | None = None, changed: set[str] | None = None
) -> list[Finding]:
    """R14 re-run findings. With `year` or `changed` (--year, --since) only the records
    whose findings could be reported are re-run: those of the year, those whose own files
    changed (a re-run finding names the record's file, which --since must see changed)."""
    from ..workspace.verification import verify_all

    unreadable = sorted(
        p for p in data.invalid if "/draws/" in p or "/assignments/" in p or "/revisits/" in p
    )
    if unreadable:  # verify reads every record: nothing can be re-run until they are fixed
        return [
            error(
                "R14",
                path,
                "记录不能读取，无法重算本工作区的抽取与匹配",
                "先改正“文件格式”中列出的问题，再运行 ssj audit",
                year=_year(path),
            )
            for path in unreadable
        ]
    verdicts = []
    out: list[Finding] = []
    for y, record_id in _ids(data):
        if year is not None and y != year:
            continue
        if changed is not None and not record_files(y, record_id) & changed:
            continue
        try:
            verdicts += verify_all(data.ws, record_id)
        except (InputError, Refused) as exc:
            problems = getattr(exc, "problems", None) or []
            file = problems[0].file.split("@")[0] if problems else f"plans/{y}"
            out.append(
                error(
                    "R14",
                    file,
                    f"{record_id}：有记录不能读取，无法重算：{exc}",
                    "先改正“文件格式”中列出的问题，再运行 ssj audit",
                    year=y,
                )
            )
        except (KeyError, ValueError, IndexError) as exc:  # a record naming what is not there
            out.append(
                error(
                    "R14",
                    f"plans/{y}/draws/{record_id}.yaml",
                    f"{record_id}：记录与其名录提交对不上，无法重算（{type(exc).__name__}: {exc}）",
                    FIX_DRAW,
                    year=y,
                )
            )
    draw_files = {d.model.draw_id: d.path for d in data.draws}
    for verdict in verdicts:
        if verdict.ok:
            continue
        related = ()
        if verdict.kind == "匹配" and verdict.id in draw_files:
            related = (draw_files[verdict.id],)
        out.append(
            error(
                "R14",
                verdict.file,
                f"{verdict.kind} {verdict.id} 按记录重算与记录不一致："
                + "；".join(verdict.differences),
                FIXES.get(verdict.kind, FIX_DRAW),
                year=_year(verdict.file),
                related=related,
            )
        )
    return out
