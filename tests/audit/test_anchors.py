"""Anchors: the commits published documents name, checked against history rewritten since."""

from __future__ import annotations

import subprocess

from audit_kit import audit, draw, edit, findings

from conftest import commit_all, git

RECORD = "plans/2026/draws/2026-1.yaml"
REPLACEMENTS = "plans/2026/draws/2026-1.replacements.yaml"
OTHER_SEED = "20260104-0000-0001"


def head(root) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def anchor_findings(doc) -> list[dict]:
    return [f for f in findings(doc, "R14", "error") if "锚点" in f["message"]]


def _redrawn_after_reset(ssj, root) -> str:
    """Draw, then rewrite: reset to before the draw and draw again with another seed.
    Returns the first draw's commit, the one a published document named."""
    draw(ssj, root, "--ratio", "0.2")
    published = head(root)
    git(root, "reset", "-q", "--hard", "HEAD~1")
    draw(ssj, root, "--ratio", "0.2", seed=OTHER_SEED)
    return published


def _set_anchors(root, *ids: str, message: str = "锚点") -> None:
    """ssj.yaml's `anchors:` (ssj init writes it empty) set to `ids`."""
    listed = "".join(f'\n  - "{i}"' for i in ids)
    edit(root / "ssj.yaml", "anchors: []", "anchors:" + listed)
    commit_all(root, message)


def test_an_amended_draw_commit_is_caught_by_its_old_id(example, ssj):
    draw(ssj, example, "--ratio", "0.2")
    published = head(example)
    edit(example / RECORD, "seed: ", "seed: 9")
    git(example, "commit", "-q", "--amend", "-a", "--no-edit")
    code, doc = audit(ssj, example, "--anchor", published)
    assert code == 1
    found = anchor_findings(doc)
    assert any("不在当前 HEAD 的历史上" in f["message"] for f in found), doc
    (changed,) = [f for f in found if f["file"] == RECORD]
    assert "内容不同" in changed["message"] and changed["commit"] == published
    assert "git reflog" in changed["fix"]
    (checked,) = doc["anchors"]
    assert checked["commit"] == published and checked["ok"] is False
    assert checked["source"] == "--anchor" and checked["records"] >= 1


def test_a_reset_and_redraw_is_clean_without_the_anchor_and_caught_with_it(example, ssj):
    published = _redrawn_after_reset(ssj, example)
    code, doc = audit(ssj, example)
    assert code == 0, findings(doc, severity="error")  # every file consistent again
    code, doc = audit(ssj, example, "--anchor", published[:12])  # an abbreviated id
    assert code == 1
    found = anchor_findings(doc)
    assert any(f["file"] == "ssj.yaml" and "改写" in f["message"] for f in found), doc
    assert any(f["file"] == RECORD for f in found), doc
    assert doc["anchors"][0]["commit"] == published


def test_an_anchor_in_ssj_yaml_is_checked_the_same(example, ssj):
    published = _redrawn_after_reset(ssj, example)
    _set_anchors(example, published)
    code, doc = audit(ssj, example)
    assert code == 1
    found = anchor_findings(doc)
    assert any("ssj.yaml 的 anchors" in f["message"] for f in found), doc
    assert any(f["file"] == RECORD for f in found)
    assert doc["anchors"][0]["source"] == "ssj.yaml"


def test_an_honest_anchor_with_records_only_appended_to_is_fine(example, ssj):
    doc = draw(ssj, example, "--ratio", "0.2")
    assert (
        ssj("-C", example, "draw", "replace", doc["selected"][0]["id"], "--reason", "已注销").code
        == 0
    )
    published = head(example)  # the replacements file as it was then
    assert (
        ssj("-C", example, "draw", "replace", doc["selected"][1]["id"], "--reason", "已注销").code
        == 0
    )
    _set_anchors(example, published)
    code, result = audit(ssj, example, "--anchor", published)
    assert code == 0, findings(result, severity="error")
    assert result["anchors"] == [
        {"anchor": published, "source": "ssj.yaml", "commit": published, "records": 2, "ok": True}
    ]


def test_an_edited_growing_record_is_caught(example, ssj):
    doc = draw(ssj, example, "--ratio", "0.2")
    assert (
        ssj("-C", example, "draw", "replace", doc["selected"][0]["id"], "--reason", "已注销").code
        == 0
    )
    published = head(example)
    edit(example / REPLACEMENTS, "reason: 已注销", "reason: 无法联系")
    git(example, "commit", "-q", "--amend", "-a", "--no-edit")
    _, result = audit(ssj, example, "--anchor", published)
    (changed,) = [f for f in anchor_findings(result) if f["file"] == REPLACEMENTS]
    assert "只能追加" in changed["message"]


def test_an_unknown_commit_is_an_error(example, ssj):
    draw(ssj, example, "--ratio", "0.2")
    code, doc = audit(ssj, example, "--anchor", "0123456789abcdef0123456789abcdef01234567")
    assert code == 1
    (found,) = anchor_findings(doc)
    assert "找不到" in found["message"] and found["file"] == "ssj.yaml"
    assert doc["anchors"][0]["commit"] is None


def test_a_commit_rewritten_away_is_unknown_in_a_fresh_clone(example, ssj, tmp_path):
    published = _redrawn_after_reset(ssj, example)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", f"file://{example}", str(clone)], check=True)
    code, doc = audit(ssj, clone, "--anchor", published)
    assert code == 1
    assert any("找不到" in f["message"] for f in anchor_findings(doc)), doc


def test_anchor_findings_are_reported_whatever_since_says(example, ssj):
    published = _redrawn_after_reset(ssj, example)
    code, doc = audit(ssj, example, "--since", "HEAD", "--anchor", published)
    assert code == 1 and anchor_findings(doc)


def test_an_unquoted_or_malformed_anchor_in_ssj_yaml_is_refused_with_its_line(example, ssj):
    edit(example / "ssj.yaml", "anchors: []", "anchors:\n  - 1234e5678\n  - 不是编号")
    commit_all(example, "写错的锚点")
    code, doc = audit(ssj, example)
    assert code == 2  # ssj.yaml itself is unreadable: nothing can be audited
    problems = {p["line"]: p["message"] for p in doc["problems"] if p["file"] == "ssj.yaml"}
    assert len(problems) == 2, doc
    first, second = (problems[line] for line in sorted(problems))
    assert "加引号" in first and "不是提交编号" in second
