"""ssj verify ID --html -o FILE: pages that re-run the workspace's own draw and assignment
in headless Chromium, and say 不一致 for an edited copy."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "render"))
from test_verify_page import needs_browser, verdict


def _pages(ssj, example, tmp_path):
    assert ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--seed", "517").code == 0
    assert ssj("-C", example, "assign", "--year", "2026", "--seed", "assign-1").code == 0
    out = tmp_path / "核验.html"
    result = ssj("-C", example, "verify", "2026-1", "--html", "-o", out, "--json")
    assert result.code == 0, result.err
    return out, tmp_path / "核验-匹配.html"


def test_html_needs_a_draw_and_a_file(example, ssj):
    assert ssj("-C", example, "verify", "--html").code == 2


@needs_browser
def test_the_pages_agree_in_a_browser_and_an_edited_copy_does_not(example, ssj, tmp_path):
    draw_page, assignment_page = _pages(ssj, example, tmp_path)
    for page in (draw_page, assignment_page):
        ok, text = verdict(page.read_text(encoding="utf-8"), tmp_path)
        assert ok == "true", text
    record = (example / "plans/2026/draws/2026-1.yaml").read_text(encoding="utf-8")
    chosen = record.split("selected:\n- id: ", 1)[1].split("\n", 1)[0].strip("'\"")
    html = draw_page.read_text(encoding="utf-8")
    pool = [line for line in record.splitlines() if line.startswith("- id: ")]
    other = next(
        line[6:].strip("'\"")
        for line in pool
        if line[6:].strip("'\"") != chosen and line[6:].strip("'\"") in html
    )
    edited = html.replace(f'"id":"{chosen}","ticket"', f'"id":"{other}","ticket"', 1)
    assert edited != html
    ok, text = verdict(edited, tmp_path)
    assert ok == "false" and "不一致" in text


@needs_browser
def test_a_later_matching_has_a_page_of_its_own(example, ssj, tmp_path, clock):
    with clock.on("2026-03-01"):
        drawn = ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--seed", "517")
        assert drawn.code == 0, drawn.err
        assert ssj("-C", example, "assign", "--year", "2026", "--seed", "assign-1").code == 0
    record = (example / "plans/2026/draws/2026-1.yaml").read_text(encoding="utf-8")
    chosen = record.split("selected:\n- id: ", 1)[1].split("\n", 1)[0].strip("'\"")
    with clock.on("2026-03-02"):
        swap = ssj("-C", example, "draw", "replace", chosen, "--reason", "已注销")
        assert swap.code == 0, swap.err
        later = ssj("-C", example, "assign", "--draw", "2026-1", "--seed", "assign-1b")
        assert later.code == 0, later.err
    out = tmp_path / "核验.html"
    result = ssj("-C", example, "verify", "2026-1", "--html", "-o", out, "--json")
    assert result.code == 0, result.err
    later_page = tmp_path / "核验-补充匹配1.html"
    assert str(later_page) in result.json()["pages"]
    ok, text = verdict(later_page.read_text(encoding="utf-8"), tmp_path)
    assert ok == "true", text
