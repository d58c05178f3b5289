"""R15 frequency cap and R16 repeat visits, audited over the ledger of a real workspace."""

from __future__ import annotations

from pathlib import Path

from audit_kit import audit

from conftest import commit_all, read_yaml, write_yaml

UNIT = "91350102MA778BKH6C"
MARKET = "青岚区市场监督管理局"
FIRE = "青岚区消防救援大队"
LEDGER = "plans/2026/ledger.yaml"


def row(day: str, kind: str, authority: str, note: str | None = None, doc: str | None = None):
    out = {"entity": UNIT, "date": day, "type": kind, "authority": authority, "level": "县"}
    if note:
        out["note"] = note
    if doc:
        out["document"] = doc
    return out


def ledger(root: Path, rows: list[dict], cap: int | None = 3) -> None:
    if cap is not None:
        config = read_yaml(root / "ssj.yaml")
        config["caps"] = {"default": cap}
        write_yaml(root / "ssj.yaml", config)
    write_yaml(root / LEDGER, {"year": 2026, "inspections": rows})
    commit_all(root, "检查台账")


THREE = [
    row("2026-01-10", "专项检查", MARKET),
    row("2026-04-20", "联合检查", FIRE),
    row("2026-08-05", "非现场检查", MARKET),
]


def audited(ssj, root: Path) -> dict:
    return audit(ssj, root, "--as-of", "2026-12-31")[1]


def findings(doc: dict, rule: str) -> list[dict]:
    return [f for f in doc["findings"] if f["rule"] == rule]


def test_three_inspections_under_a_cap_of_three_are_fine(example, ssj):
    ledger(example, THREE)
    doc = audited(ssj, example)
    assert not findings(doc, "R15") and not findings(doc, "R16")


def test_a_fourth_inspection_is_an_r15_error(example, ssj):
    ledger(example, [*THREE, row("2026-11-02", "专项检查", FIRE, doc="青消〔2026〕30号")])
    code, doc = audit(ssj, example, "--as-of", "2026-12-31")
    assert code == 1
    (found,) = findings(doc, "R15")
    assert found["severity"] == "error" and found["file"] == LEDGER and found["year"] == 2026
    assert "4 次" in found["message"] and "上限 3 次" in found["message"]
    assert "2026-11-02" in found["message"]


def test_an_exempt_fourth_with_its_reason_is_not(example, ssj):
    ledger(example, [*THREE, row("2026-11-02", "个案检查", FIRE, note="群众举报核查")])
    doc = audited(ssj, example)
    assert not findings(doc, "R15")


def test_an_exempt_fourth_without_a_reason_counts(example, ssj):
    ledger(example, [*THREE, row("2026-11-02", "上级专项", FIRE)])
    doc = audited(ssj, example)
    (found,) = findings(doc, "R15")
    assert "上级专项而备注中没有写明理由" in found["message"]


def test_the_default_cap_is_the_yearly_cap(example, ssj):
    ledger(example, THREE, cap=None)  # no table: defaults.yearly_cap, 2
    doc = audited(ssj, example)
    (found,) = findings(doc, "R15")
    assert "上限 2 次" in found["message"] and "默认上限" in found["message"]


def test_r16_same_authority_within_sixty_days(example, ssj):
    rows = [
        row("2026-01-10", "专项检查", MARKET),
        row("2026-03-11", "联合检查", MARKET),  # 60 days later: a repeat
        row("2026-03-20", "专项检查", FIRE),  # another authority: not one
        row("2026-03-25", "个案检查", MARKET, note="举报"),  # for cause: never one
    ]
    ledger(example, rows, cap=10)
    code, doc = audit(ssj, example, "--as-of", "2026-12-31")
    (found,) = findings(doc, "R16")
    assert found["severity"] == "warning" and found["file"] == LEDGER
    assert "2026-01-10" in found["message"] and "2026-03-11" in found["message"]
    assert "相隔 60 天" in found["message"]
    assert code == 0  # a warning only


def test_sixty_one_days_apart_is_no_repeat(example, ssj):
    rows = [row("2026-01-10", "专项检查", MARKET), row("2026-03-12", "专项检查", MARKET)]
    ledger(example, rows, cap=10)
    doc = audited(ssj, example)
    assert not findings(doc, "R16")


def test_a_ledger_that_does_not_validate_is_a_schema_finding(example, ssj):
    ledger(example, [row("2026-01-10", "日常检查", MARKET)], cap=None)
    code, doc = audit(ssj, example, "--as-of", "2026-12-31")
    assert code == 1
    assert any(f["rule"] == "schema" and f["file"] == LEDGER for f in doc["findings"])
