"""ssj revisit: the return-visit draw (ssj-sha256-v1), its verification, the answers."""

from __future__ import annotations

import hashlib
import math

import pytest
from openpyxl import load_workbook

from conftest import commit_all, git, on, snapshot
from results_flow import ASSIGN_SEED, DRAW_SEED, record, record_all, staffed
from shuangsuiji.core.results import REVISIT_QUESTIONS, AnswerFile
from shuangsuiji.storage import yamlio

SEED = "福彩3D 2026330期 806"


@pytest.fixture(autouse=True)
def _in_december(clock):
    """The return visits of these tests are drawn on 1 December and made on the 3rd."""
    clock.set("2026-12-03")


@pytest.fixture
def inspected(example, ssj):
    """A staffed 2026 plan with 11 tasks recorded (one unit could not be reached)."""
    plan = staffed(ssj, example)
    units = sorted(t["entity"] for t in plan["tasks"])
    assert len(units) >= 13
    result = record_all(ssj, example, plan, units[:11])
    assert result.code == 0, result.out
    gone = record(ssj, example, units[11], "--end", "2026-03-10", "--result",
                  "通过登记的住所（经营场所）无法联系")  # fmt: skip
    assert gone.code == 0, gone.out
    return units


def revisit(ssj, root, *args):
    with on("2026-12-01"):
        return ssj("-C", root, "revisit", "--year", "2026", *args, "--json")


def test_draws_at_least_ten_percent_by_the_algorithm(example, inspected, ssj):
    result = revisit(ssj, example, "--ratio", "0.1", "--seed", SEED)
    assert result.code == 0, result.out + result.err
    doc = result.json()
    assert doc["draw_id"] == "2026-revisit" and doc["algorithm"] == "ssj-sha256-v1"
    population = sorted(inspected[:11])  # the unreachable unit is not visited
    assert doc["population"] == 11
    k = math.ceil(0.1 * 11)
    assert len(doc["selected"]) == k == 2
    by_hand = sorted(
        population, key=lambda i: hashlib.sha256(f"{SEED}|2026-revisit|{i}".encode()).hexdigest()
    )[:k]
    assert [p["id"] for p in doc["selected"]] == by_hand
    assert doc["questions"] == list(REVISIT_QUESTIONS) and len(doc["questions"]) == 8
    assert "回访抽取 2026-revisit" in git(example, "log", "-1", "--format=%s")
    verified = ssj("-C", example, "verify", "--json").json()
    kinds = {(r["kind"], r["id"]): r["ok"] for r in verified["results"]}
    assert kinds[("回访", "2026-revisit")] is True and verified["ok"]
    assert ssj("-C", example, "verify", "2026-revisit").out.count("一致") == 1
    # Only once a year.
    again = revisit(ssj, example, "--ratio", "0.1", "--seed", "another")
    assert again.code == 1 and "已经抽取过" in again.out


def test_verify_finds_a_tampered_revisit(example, inspected, ssj):
    assert revisit(ssj, example, "--ratio", "0.2", "--seed", SEED).code == 0
    path = example / "plans/2026/revisits/2026-revisit.yaml"
    data = yamlio.load(path)
    chosen = {p["id"] for p in data["selected"]}
    other = next(i for i in inspected[:11] if i not in chosen)
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.partition("selected:")
    text = head + "selected:" + tail.replace(data["selected"][0]["id"], other, 1)
    path.write_text(text, encoding="utf-8")
    result = ssj("-C", example, "verify", "2026-revisit", "--json")
    assert result.code == 1 and not result.json()["ok"]
    assert any("不一致" in d or "不符" in d for d in result.json()["results"][0]["differences"])


@pytest.mark.parametrize("seed", [DRAW_SEED, ASSIGN_SEED])
def test_the_seeds_of_the_years_draws_are_refused(example, inspected, ssj, seed):
    before = snapshot(example)
    result = revisit(ssj, example, "--ratio", "0.1", "--seed", seed)
    assert result.code == 1 and "新的种子" in result.out
    assert snapshot(example) == before


def test_a_ratio_below_the_floor_is_refused(example, inspected, ssj):
    result = revisit(ssj, example, "--ratio", "0.05", "--seed", SEED)
    assert result.code == 1 and "低于规定的 10%" in result.out


def test_uncommitted_records_are_refused(example, inspected, ssj):
    extra = record(ssj, example, inspected[12], "--end", "2026-03-10", "--result", "未发现问题",
                   "--no-commit")  # fmt: skip
    assert extra.code == 0
    result = revisit(ssj, example, "--ratio", "0.1", "--seed", SEED)
    assert result.code == 1 and "未提交" in result.out
    commit_all(example, "提交检查记录")
    result = revisit(ssj, example, "--ratio", "0.1", "--seed", SEED)
    assert result.code == 0 and result.json()["population"] == 12


def test_answers_are_recorded_like_results(example, inspected, ssj, tmp_path):
    doc = revisit(ssj, example, "--ratio", "0.1", "--seed", SEED).json()
    first, second = (p["id"] for p in doc["selected"])
    sheet_path = tmp_path / "回访表.xlsx"
    made = ssj("-C", example, "revisit", "template", "-o", sheet_path, "--year", "2026", "--json")
    assert made.code == 0 and made.json()["rows"] == 2
    book = load_workbook(sheet_path)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    assert headers[6:14] == [f"{n}.{q}" for n, q in enumerate(REVISIT_QUESTIONS, start=1)]
    column = {h: i + 1 for i, h in enumerate(headers)}
    for row in (2, 3):
        sheet.cell(row, column["回访日期"]).value = "2026-12-03"
        sheet.cell(row, column["回访方式"]).value = "电话回访"
        sheet.cell(row, column["回访人员"]).value = "王敏；李强"
        for n in range(1, 9):
            sheet.cell(row, column[f"{n}.{REVISIT_QUESTIONS[n - 1]}"]).value = f"回答{n}"
    sheet.cell(3, column["8." + REVISIT_QUESTIONS[7]]).value = None  # row 3 misses question 8
    book.save(sheet_path)
    before = snapshot(example)
    bad = ssj("-C", example, "revisit", "record", "--from", sheet_path, "--year", "2026", "--json")
    assert bad.code == 2
    assert [(p["row"], p["field"]) for p in bad.json()["problems"]] == [(3, "问题8")]
    assert snapshot(example) == before

    sheet.cell(3, column["8." + REVISIT_QUESTIONS[7]]).value = "满意"
    book.save(sheet_path)
    ok = ssj("-C", example, "revisit", "record", "--from", sheet_path, "--year", "2026", "--json")
    assert ok.code == 0, ok.out
    assert {w["entity"] for w in ok.json()["written"]} == {first, second}
    answers = AnswerFile.model_validate(
        yamlio.load(example / f"plans/2026/revisits/answers/{first}.yaml")
    )
    assert answers.questions == list(REVISIT_QUESTIONS)
    assert answers.current().answers[0] == "回答1" and answers.current().method == "电话"

    # A changed answer is a 更正 and needs a reason; the first version stays in the file.
    args = ["-C", example, "revisit", "record", first, "--year", "2026", "--date", "2026-12-03",
            "--method", "电话", "--visitors", "王敏;李强"]  # fmt: skip
    for n in range(1, 9):
        args += ["--answer", "否" if n == 7 else f"回答{n}"]
    refused = ssj(*args, "--json")
    assert refused.code == 2 and refused.json()["problems"][0]["field"] == "更正理由"
    fixed = ssj(*args, "--reason", "第 7 题记录有误", "--json")
    assert fixed.code == 0, fixed.out
    answers = AnswerFile.model_validate(
        yamlio.load(example / f"plans/2026/revisits/answers/{first}.yaml")
    )
    assert [v.change for v in answers.versions] == ["记录", "更正"]
    assert answers.versions[0].answers[6] == "回答7" and answers.current().answers[6] == "否"
    status = ssj("-C", example, "status", "--year", "2026", "--as-of", "2026-12-31", "--json")
    assert status.json()["counts"]["revisits_pending"] == 0


def test_not_a_drawn_unit(example, inspected, ssj):
    doc = revisit(ssj, example, "--ratio", "0.1", "--seed", SEED).json()
    chosen = {p["id"] for p in doc["selected"]}
    other = next(i for i in inspected if i not in chosen)
    args = ["-C", example, "revisit", "record", other, "--year", "2026", "--date", "2026-12-03",
            "--visitors", "王敏"]  # fmt: skip
    for _ in range(8):
        args += ["--answer", "是"]
    result = ssj(*args, "--json")
    assert result.code == 2 and "不是 2026 年度抽中的回访单位" in result.out
