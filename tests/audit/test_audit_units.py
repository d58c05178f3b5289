"""The pieces: git history helpers on a real repository, line index, formats, --since rule."""

import json

from conftest import commit_all, git
from shuangsuiji.audit import caused_since
from shuangsuiji.audit.findings import Finding, Lines, error, warning
from shuangsuiji.audit.formats import github, gitlab
from shuangsuiji.audit.rules import planned_units
from shuangsuiji.core.models import Entity
from shuangsuiji.core.plan import Plan
from shuangsuiji.storage.git import Git


def test_file_history_follows_renames_and_blobs(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans/a.yaml").write_text("a: 1\n", encoding="utf-8")
    first = commit_all(tmp_path, "add")
    git(tmp_path, "mv", "plans/a.yaml", "plans/b.yaml")
    commit_all(tmp_path, "rename")
    (tmp_path / "plans/b.yaml").write_text("a: 2\n", encoding="utf-8")
    last = commit_all(tmp_path, "edit")
    repo = Git(tmp_path)
    history = repo.file_history("plans")
    assert history[0].sha == first and history[-1].sha == last
    statuses = [c.changes[0].status for c in history]
    assert statuses == ["A", "R", "M"]
    change = history[-1].changes[0]
    blobs = repo.blobs([change.old_blob, change.new_blob])
    assert blobs[change.old_blob] == b"a: 1\n" and blobs[change.new_blob] == b"a: 2\n"
    assert repo.is_ancestor(first, last) and not repo.is_ancestor(last, first)
    (tmp_path / "plans/new.yaml").write_text("x\n", encoding="utf-8")
    assert repo.changed_since(first) == {"plans/a.yaml", "plans/b.yaml", "plans/new.yaml"}
    assert repo.commits_since(first) == set(git(tmp_path, "rev-list", f"{first}..HEAD").split())


def test_lines_find_a_key_value():
    text = "entities:\n- id: '91350102604010605L'\n  name: 甲\n- id: ABC # 注释\n"
    lines = Lines(text)
    assert lines.of("id", "91350102604010605L") == 2 and lines.of("id", "ABC") == 4
    assert lines.of("id", "none") is None


def test_github_escapes_and_gitlab_fingerprints():
    finding = error("R5", "plans/a,b.yaml", "第一行\n第二行 100%", "改", line=3)
    line = github([finding], "sub/")
    assert line.startswith("::error file=sub/plans/a%2Cb.yaml,line=3,title=R5 ")
    assert "第一行%0A第二行 100%25" in line and line.count("\n") == 1
    report = json.loads(gitlab([finding, warning("R3", "x.yaml", "m")]))
    assert [i["severity"] for i in report] == ["major", "minor"]
    assert report[1]["location"] == {"path": "x.yaml", "lines": {"begin": 1}}
    assert len({i["fingerprint"] for i in report}) == 2


def test_since_keeps_new_commits_or_changed_inputs():
    by_commit = Finding("R14", "error", "a.yaml", "m", commit="c1")
    assert caused_since(by_commit, {"a.yaml"}, {"c1"})
    assert not caused_since(by_commit, {"a.yaml"}, {"c2"})
    computed = Finding("R7", "error", "assign.yaml", "m", related=("rosters/inspectors.yaml",))
    assert caused_since(computed, {"rosters/inspectors.yaml"}, set())
    assert not caused_since(computed, {"rosters/items.yaml"}, set())


def test_planned_units_follow_the_plan():
    def unit(n, category, key=False, risk="一般"):
        code = f"U{n:04d}"
        return Entity(id=code, name=code, category=category, key=key, risk=risk)

    entities = [unit(i, "危险化学品") for i in range(10)] + [unit(99, "冶金工贸", key=True)]
    assert planned_units(Plan(year=2026), "县", entities) == 1 + 2  # key + ceil(20% × 10)
    higher = Plan(year=2026, categories={"危险化学品": {"ratio": "50%"}})
    assert planned_units(higher, "县", entities) == 1 + 5
    directed = Plan(year=2026, where={"category": "冶金工贸"})
    assert planned_units(directed, "县", entities) == 1
