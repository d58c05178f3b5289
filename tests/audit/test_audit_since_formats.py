"""--since (only what the new commits caused), GitHub annotations, GitLab Code Quality."""

import json

from audit_kit import audit, draw, drawn_and_assigned, edit, findings

from conftest import commit_all, git

ASSIGNMENT = "plans/2026/assignments/2026-1.yaml"


def declare_conflict(root, assigned) -> None:
    """The first officer of the first task declares a conflict with that unit (R7)."""
    task = assigned["tasks"][0]
    path = root / "rosters" / "inspectors.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id: "{task["inspectors"][0]}"')
    end = text.index("conflicts: []", start)
    path.write_text(
        text[:end] + f'conflicts: ["{task["entity"]}"]' + text[end + len("conflicts: []") :],
        encoding="utf-8",
    )


def old_problem_then_base(ssj, root):
    drawn, assigned = drawn_and_assigned(ssj, root)
    edit(
        root / "plans/2026/draws/2026-1.yaml",
        f"- id: {drawn['selected'][0]['id']}",
        f"- id: {drawn['alternates'][0]['id']}",
    )
    commit_all(root, "很久以前的手工修改")
    git(root, "tag", "base")
    return assigned


def test_since_reports_only_what_new_commits_caused(example, ssj):
    assigned = old_problem_then_base(ssj, example)
    code, doc = audit(ssj, example, "--since", "base")
    assert code == 0 and doc["findings"] == [] and doc["base"]
    assert findings(audit(ssj, example)[1], "R14")  # still there, just not new
    declare_conflict(example, assigned)
    commit_all(example, "新的回避申报")
    code, doc = audit(ssj, example, "--since", "base")
    assert code == 1
    assert {f["rule"] for f in doc["findings"]} == {"R7"}


def test_since_on_a_branch_compares_with_the_merge_base(example, ssj):
    assigned = old_problem_then_base(ssj, example)
    git(example, "checkout", "-q", "-b", "feature")
    declare_conflict(example, assigned)
    commit_all(example, "分支上的改动")
    git(example, "checkout", "-q", "-")
    (example / "README.txt").write_text("主线上的其他改动\n", encoding="utf-8")
    commit_all(example, "主线继续前进")
    main = git(example, "branch", "--show-current").strip()
    git(example, "checkout", "-q", "feature")
    code, doc = audit(ssj, example, "--since", main)
    assert code == 1 and {f["rule"] for f in doc["findings"]} == {"R7"}


def test_since_catches_a_new_edit_of_an_old_record(example, ssj):
    drawn, _ = drawn_and_assigned(ssj, example)
    git(example, "tag", "base")
    edit(
        example / "plans/2026/draws/2026-1.yaml",
        f"- id: {drawn['selected'][0]['id']}",
        f"- id: {drawn['alternates'][0]['id']}",
    )
    commit_all(example, "新的手工修改")
    code, doc = audit(ssj, example, "--since", "base")
    assert code == 1 and {f["rule"] for f in doc["findings"]} >= {"R14"}
    assert all(f["file"].startswith("plans/2026/") for f in doc["findings"])


def test_github_annotations(example, ssj):
    _, assigned = drawn_and_assigned(ssj, example)
    declare_conflict(example, assigned)
    commit_all(example)
    result = ssj("-C", example, "audit", "--as-of", "2026-03-02", "--format", "github")
    assert result.code == 1
    lines = [line for line in result.out.splitlines() if line.startswith("::")]
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith(f"::error file={ASSIGNMENT},line=")
    assert ",title=R7 回避::" in line and "须回避" in line and "\n" not in line


def test_gitlab_code_quality_report(example, ssj, tmp_path):
    _, assigned = drawn_and_assigned(ssj, example)
    declare_conflict(example, assigned)
    commit_all(example)
    report = tmp_path / "gl-code-quality-report.json"
    result = ssj(
        "-C", example, "audit", "--as-of", "2026-03-02", "--format", "gitlab", "-o", report
    )
    assert result.code == 1 and "审计未通过" in result.out  # the table is still shown
    (issue,) = json.loads(report.read_text(encoding="utf-8"))
    assert issue["check_name"] == "R7" and issue["severity"] == "major"
    assert issue["location"]["path"] == ASSIGNMENT and issue["location"]["lines"]["begin"] > 1
    assert len(issue["fingerprint"]) == 64 and "须回避" in issue["description"]
    stdout = ssj("-C", example, "audit", "--as-of", "2026-03-02", "--format", "gitlab")
    assert json.loads(stdout.out)[0]["fingerprint"] == issue["fingerprint"]


def test_paths_are_relative_to_the_repository(tmp_path, ssj):
    git(tmp_path, "init", "-q")
    root = tmp_path / "监管抽查"
    assert ssj("init", root, "--example").code == 0
    commit_all(tmp_path, "示例")
    draw(ssj, root, "--ratio", "0.2")
    path = root / "plans/2026/draws/2026-1.yaml"
    edit(path, "seed_source:", "seed_source: 改", 1)
    commit_all(tmp_path, "改记录")
    result = ssj("-C", root, "audit", "--as-of", "2026-03-02", "--format", "github")
    assert result.code == 1
    assert "::error file=监管抽查/plans/2026/draws/2026-1.yaml," in result.out
