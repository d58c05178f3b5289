"""A roster as committed: from git, or the very bytes a record names when the working tree
holds them."""

from __future__ import annotations

import hashlib

from conftest import commit_all, git
from shuangsuiji.workspace import Workspace


def _entities(root):
    return next(root.glob("rosters/entities.*"))


def test_the_committed_roster_is_read_from_git_once_the_file_has_changed(example):
    head = git(example, "rev-parse", "HEAD").strip()
    path = _entities(example)
    recorded = hashlib.sha256(path.read_bytes()).hexdigest()
    before = [e.name for e in Workspace(example).roster("entities").rows]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(before[0], before[0] + "（更名）", 1), encoding="utf-8")
    commit_all(example, "改名录")
    for digest in (None, recorded):
        ws = Workspace(example)
        at = ws.roster_at("entities", head, digest)
        assert at.sha256 == recorded and [e.name for e in at.rows] == before
    assert [e.name for e in ws.roster("entities").rows] != before


def test_the_working_file_is_taken_when_it_holds_the_recorded_bytes(example):
    head = git(example, "rev-parse", "HEAD").strip()
    raw = _entities(example).read_bytes()
    ws = Workspace(example)
    at = ws.roster_at("entities", head, hashlib.sha256(raw).hexdigest())
    assert at.sha256 == hashlib.sha256(raw).hexdigest()
    assert at is ws.roster("entities")  # one parse for both
    assert ws.roster_at("entities", head, "0" * 64).sha256 == at.sha256  # from git
