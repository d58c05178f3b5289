"""What must hold before ssj writes a record, and the commit after it."""

from __future__ import annotations

import re
from pathlib import Path

from ..core.problems import Refused
from ..storage import yamlio
from .load import PLAN_DIR, Workspace
from .records import GENERATED_HEADER

# Generated records of random choices: one file per draw, assignment and return-visit
# draw, with their append-only companions.
_RECORD = re.compile(r"(?:^|/)plans/[^/]+/(?:draws|assignments|revisits)/([^/]+)$")


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


# git's own operations under way, each with what the user does to finish or leave it.
_IN_PROGRESS = (
    ("MERGE_HEAD", "合并（merge）", "git merge --continue 或 git merge --abort"),
    ("rebase-merge", "变基（rebase）", "git rebase --continue 或 git rebase --abort"),
    (
        "rebase-apply",
        "变基或补丁应用（rebase / am）",
        "git rebase --continue 或 git rebase --abort",
    ),
    ("CHERRY_PICK_HEAD", "拣选（cherry-pick）", "git cherry-pick --continue 或 --abort"),
    ("REVERT_HEAD", "还原（revert）", "git revert --continue 或 --abort"),
    ("BISECT_LOG", "二分查找（bisect）", "git bisect reset"),
)


def check_git_unlocked(ws: Workspace) -> None:
    """Refuse before writing anything when git could not commit the record afterwards,
    or would commit it where nobody looks.

    A git process killed mid-way (a crash, a power cut) leaves its lock files behind, and
    every later commit fails; a record written before that would be left uncommitted. A
    record committed on a detached HEAD or inside a merge or rebase is off the branch:
    back on it the draw id is free again and the draw could be made twice.
    """
    branch = ws.git.run("symbolic-ref", "-q", "HEAD", check=False).strip()
    if not branch:
        raise Refused(
            "git 处于“分离 HEAD”状态（没有检出分支）：此时提交的记录不在任何分支上。"
            "请先 git switch 回工作分支（如 git switch main），再重试"
        )
    for name, what, fix in _IN_PROGRESS:
        path = ws.git.run("rev-parse", "--git-path", name).strip()
        if (ws.root / path).exists():
            raise Refused(f"git 正在进行{what}：请先完成或放弃它（{fix}），再重试")
    interrupted = sorted((ws.root / PLAN_DIR).glob("*/*/.*.tmp"))
    if interrupted:
        shown = ws.rel(interrupted[0])
        final = shown.rsplit("/", 1)[0] + "/" + interrupted[0].name[1:].rsplit(".", 2)[0]
        raise Refused(
            f"上次写入在中途被中断，留下了临时文件 {shown}"
            + (f"等 {len(interrupted)} 个" if len(interrupted) > 1 else "")
            + f"。它可能是一份已产生结果的完整记录：请核对其内容——完整则改名为 {final} 并提交，"
            "不完整则删除它；处理前 ssj 不再写入，以免同一编号抽取两次（R14）"
        )
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


def dump(record) -> str:
    return yamlio.dump_fast(record.model_dump(mode="json", exclude_none=True), GENERATED_HEADER)


def write_record(ws: Workspace, path: Path, record) -> None:
    ws.write_generated(
        ws.rel(path), record.model_dump(mode="json", exclude_none=True), GENERATED_HEADER
    )
