"""The filed plan reads as a document for 区政府: tables numbered without gaps, none empty,
no shell commands or file paths, the verification details in an annex in plain words."""

from __future__ import annotations

import re

from results_flow import staffed


def _plan(ssj, root, tmp_path, name="方案.md"):
    out = tmp_path / name
    made = ssj(
        "-C", root, "report", "--year", "2026", "--kind", "plan", "--format", "md", "-o", out
    )
    assert made.code == 0, made.out + made.err
    return out.read_text(encoding="utf-8")


def _clean(text: str) -> None:
    for word in ("sha256sum", "git show", "docs/", "plan.yaml", ".sh", "未填", "附件3）"):
        assert word not in text, word
    numbers = [int(n) for n in re.findall(r"表(\d+)\s", text)]
    assert numbers == list(range(1, len(numbers) + 1)), numbers


def test_the_plan_before_the_draw(example, ssj, tmp_path):
    _clean(_plan(ssj, example, tmp_path))


def test_the_plan_after_draw_and_assignment(example, ssj, tmp_path):
    staffed(ssj, example)
    text = _plan(ssj, example, tmp_path)
    _clean(text)
    assert "抽取与匹配的核验信息" in text and "ssj-sha256-v1" in text


def test_a_plan_without_basis_or_items_has_no_empty_parts(empty_ws, ssj, tmp_path):
    items = empty_ws / "rosters" / "items.yaml"  # every init ships a list: this bureau cleared it
    items.write_text(
        items.read_text(encoding="utf-8").split("\nitems:")[0] + "\nitems: []\n", encoding="utf-8"
    )
    text = _plan(ssj, empty_ws, tmp_path)
    _clean(text)
    assert "事项0项" not in text and "见附件" not in text and "尚未编制" in text
