"""R12's officers and figures are computed once: plan capacity and audit agree."""

from __future__ import annotations

import re

from conftest import commit_all


def _expire_all_but_one(root) -> None:
    path = root / "rosters" / "inspectors.yaml"
    text = path.read_text(encoding="utf-8")
    count = 0

    def expire(match: re.Match) -> str:
        nonlocal count
        count += 1
        return match[0] if count == 1 else "valid_until: 2025-06-30"

    path.write_text(re.sub(r"valid_until: \d{4}-\d{2}-\d{2}", expire, text), encoding="utf-8")
    commit_all(root, "证件到期")


def test_plan_capacity_and_audit_count_the_same_officers(example, ssj):
    _expire_all_but_one(example)
    capacity = ssj("-C", example, "plan", "capacity", "--year", "2026", "--json")
    assert capacity.code in (0, 1), capacity.err
    officers = capacity.json()["officers"]
    assert officers == 1  # a certificate must be valid on 1 January to count
    audit = ssj("-C", example, "audit", "--json", "--as-of", "2026-11-16")
    r12 = [f for f in audit.json()["findings"] if f["rule"] == "R12"]
    assert capacity.json()["fits"] is False  # one officer cannot do the year's work
    assert r12, audit.json()["findings"]  # and the audit says the same
    for finding in r12:
        assert f"执法人员 {officers} 人" in finding["message"]
