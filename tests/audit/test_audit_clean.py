"""The example workspace audits clean; exit codes; the JSON contract of PRODUCT.md."""

import pytest
from audit_kit import audit, draw, drawn_and_assigned, findings

from conftest import commit_all


def test_example_after_draw_and_assign_is_clean(example, ssj):
    drawn_and_assigned(ssj, example)
    code, doc = audit(ssj, example)
    assert code == 0, doc["findings"]
    assert doc["ok"] is True and doc["findings"] == []
    assert doc["checked"]["draws"] == 1 and doc["checked"]["assignments"] == 1


def test_human_output_has_a_verdict(example, ssj):
    drawn_and_assigned(ssj, example)
    result = ssj("-C", example, "audit", "--as-of", "2026-03-02")
    assert result.code == 0
    assert "审计通过" in result.out


def test_json_findings_have_the_contract_fields(example, ssj):
    path = example / "rosters" / "entities.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("risk: 重大", "risk: 极高", 1),
        encoding="utf-8",
    )
    commit_all(example, "写错风险等级")
    code, doc = audit(ssj, example)
    assert code == 1 and doc["ok"] is False
    (finding,) = findings(doc, "schema")
    assert {"rule", "severity", "file", "line", "message", "fix"} <= set(finding)
    assert finding["severity"] == "error" and finding["file"] == "rosters/entities.yaml"
    assert finding["line"] and "风险等级" in finding["message"]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "极高" in lines[finding["line"] - 1]


def test_not_a_workspace_exits_2(tmp_path, ssj):
    result = ssj("-C", tmp_path, "audit")
    assert result.code == 2 and "Traceback" not in result.err


def test_unknown_since_revision_exits_2(example, ssj):
    result = ssj("-C", example, "audit", "--since", "no-such-branch")
    assert result.code == 2 and "no-such-branch" in result.err


def test_invalid_plan_is_a_schema_finding_with_its_line(example, ssj):
    plan = example / "plans" / "2026" / "plan.yaml"
    text = plan.read_text(encoding="utf-8").replace("team_size: 2", "team_size: 1")
    plan.write_text(text, encoding="utf-8")
    commit_all(example)
    code, doc = audit(ssj, example)
    assert code == 1
    (finding,) = findings(doc, "schema")
    assert finding["file"] == "plans/2026/plan.yaml"
    assert "team_size" in text.splitlines()[finding["line"] - 1]


def test_strict_fails_on_warnings(example, ssj):
    drawn_and_assigned(ssj, example)
    path = example / "rosters" / "inspectors.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("conflicts: []", 'conflicts: ["NOSUCHUNIT"]', 1),
        encoding="utf-8",
    )
    commit_all(example)
    code, doc = audit(ssj, example)
    assert code == 0 and findings(doc, "schema", "warning")
    assert audit(ssj, example, "--strict")[0] == 1


@pytest.mark.set_up("2025-01-02")
def test_year_reports_only_that_year(example, ssj):
    draw(ssj, example, "--ratio", "0.2", year="2025", day="2025-03-01", seed="s25")
    drawn_and_assigned(ssj, example)
    code, doc = audit(ssj, example)
    assert code == 1 and {f["year"] for f in doc["findings"]} == {2025}  # 2025 never assigned
    code, doc = audit(ssj, example, "--year", "2026")
    assert code == 0 and doc["findings"] == [] and doc["year"] == 2026
    assert audit(ssj, example, "--year", "2025")[0] == 1
