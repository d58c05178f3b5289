"""Anchors (R14): commits that published documents name, checked against history as it is now.

A published plan, report or publication names the full id of the commit it was made from.
Whoever rewrites history afterwards (amend, rebase, reset and redraw, force-push) can make
every file consistent again, but cannot keep that commit: it is gone, or no longer an
ancestor of HEAD, or the records it held are not the same at HEAD. The audit is told the
ids (`--anchor`, `anchors:` in ssj.yaml) and checks all three.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..storage.git import Git
from ..workspace import CONFIG, PLAN_DIR
from ..workspace.layout import GROWING, LABELS, appended_only, record_kind
from .findings import Finding, error

FROM_CONFIG = "ssj.yaml"
FROM_OPTION = "--anchor"

FIX_REWRITTEN = (
    "从远程仓库或备份恢复原来的分支（git fetch 后 git log --all 查找该提交），"
    "在本机用 git reflog 找到改写前的提交；查明是谁、为何改写了历史；"
    "在托管平台上保护主分支，禁止强制推送"
)


@dataclass
class AnchorCheck:
    """One anchor as given, the commit it names (None: none), and what was found."""

    given: str
    source: str  # FROM_CONFIG or FROM_OPTION
    commit: str | None
    records: int = 0  # generated record files the anchor holds
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "anchor": self.given,
            "source": self.source,
            "commit": self.commit,
            "records": self.records,
            "ok": not self.findings,
        }


def check(git: Git, anchors: Sequence[tuple[str, str]]) -> list[AnchorCheck]:
    """Check each (anchor, source): it exists, HEAD descends from it, and every generated
    record it holds is at HEAD unchanged (only grown, for the files that grow).

    The same commit given twice (ssj.yaml and --anchor) is checked once.
    """
    head = git.head()
    at_head = _records(git, head) if head else {}
    out: list[AnchorCheck] = []
    seen: set[str] = set()
    for given, source in anchors:
        given = given.strip()
        # "-…" would reach git as an option, not as a revision
        commit = None if not given or given.startswith("-") else git.rev_parse(given)
        if commit is not None and commit in seen:
            continue
        checked = AnchorCheck(given, source, commit)
        out.append(checked)
        if commit is None:
            checked.findings.append(_unknown(given, source))
            continue
        seen.add(commit)
        if head is None or not git.is_ancestor(commit, head):
            checked.findings.append(_not_ancestor(git, given, source, commit, head))
        held = _records(git, commit)
        checked.records = len(held)
        checked.findings += _changed(git, commit, source, held, at_head)
    return out


def _where(given: str, source: str) -> str:
    return f"锚点“{given}”（{'ssj.yaml 的 anchors' if source == FROM_CONFIG else '--anchor'}）"


def _unknown(given: str, source: str) -> Finding:
    return error(
        "R14",
        CONFIG,
        f"{_where(given, source)}在仓库中找不到：这个提交可能已因改写历史（amend、变基、reset、"
        "强制推送）而被删除，也可能是编号写错或过短而有歧义",
        "核对已公开文件上印的完整提交编号（40 位）；编号无误则历史已被改写：" + FIX_REWRITTEN,
        commit=given or None,
    )


def _not_ancestor(git: Git, given: str, source: str, commit: str, head: str | None) -> Finding:
    base = git.merge_base(commit, head) if head else None
    parted = f"；两者自提交 {base[:10]} 之后分开" if base else ""
    return error(
        "R14",
        CONFIG,
        f"{_where(given, source)}（{commit[:10]}）不在当前 HEAD 的历史上：已公开文件所依据的提交"
        f"被改写或丢弃（amend、变基、reset 或强制推送）{parted}",
        FIX_REWRITTEN + "；若只是检出了较早的分支，请在包含该提交的分支上审计",
        commit=commit,
    )


def _changed(
    git: Git, commit: str, source: str, held: dict[str, str], at_head: dict[str, str]
) -> list[Finding]:
    short = commit[:10]
    out = []
    grown: list[tuple[str, str, str, str]] = []  # kind, path, blob at anchor, blob at HEAD
    for path, blob in sorted(held.items()):
        kind = record_kind(path)
        now = at_head.get(path)
        if now == blob:
            continue
        if now is None:
            message = (
                f"{LABELS[kind]}在锚点 {short} 中存在，当前 HEAD 中却没有："
                "已公开文件所依据的记录被删除、改名，或经改写历史抹去"
            )
            out.append(_record_error(path, message, commit))
        elif kind in GROWING:
            grown.append((kind, path, blob, now))
        else:
            message = f"{LABELS[kind]}与锚点 {short} 中的内容不同：已公开文件所依据的记录被改动"
            out.append(_record_error(path, message, commit))
    contents = git.blobs([b for _, _, before, after in grown for b in (before, after)])
    for kind, path, before, after in grown:
        if not appended_only(kind, contents.get(before), contents.get(after)):
            message = (
                f"{LABELS[kind]}只能追加，但与锚点 {short} 相比改动或删去了已有的条目："
                "已公开文件所依据的记录被改动"
            )
            out.append(_record_error(path, message, commit))
    return out


def _record_error(path: str, message: str, commit: str) -> Finding:
    return error(
        "R14",
        path,
        message,
        f"以锚点中的内容为准恢复该文件（git show {commit}:./{path}），"
        f"用 git log -p --follow -- {path} 与 git reflog 查明改动；历史被改写时，" + FIX_REWRITTEN,
        year=_year(path),
        commit=commit,
    )


def _year(path: str) -> int | None:
    folder = path.split("/")[1:2]
    return int(folder[0]) if folder and folder[0].isdigit() else None


def _records(git: Git, commit: str) -> dict[str, str]:
    """{path: blob id} of the generated records at `commit` (paths as the workspace's)."""
    listing = git.run("ls-tree", "-r", "-z", commit, "--", PLAN_DIR, check=False)
    out = {}
    for entry in listing.split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and record_kind(path) is not None:
            out[path] = parts[2]
    return out
