"""ssj plan capacity and ssj report: the numbers come from the workspace, the formats agree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import commit_all, git, read_yaml, write_yaml
from reportkit import YEAR, drawn, plan_for_year, report
from shuangsuiji.core.results import RecordFile
from shuangsuiji.render import html, md, plan_doc
from shuangsuiji.render.blocks import Table, break_title, chinese_number
from shuangsuiji.services import report as reports
from shuangsuiji.workspace import Workspace


def _set_capacity(root, **capacity):
    path = plan_for_year(root)
    plan = read_yaml(path)
    plan["capacity"] = capacity
    write_yaml(path, plan)
    commit_all(root, "工作量测算")


HAND_CHECKED = {
    "officers": 5,
    "other_enforcement_days": {"行政许可": 60, "事故调查": 40},
    "non_enforcement_days": {"值班": 120, "学习会议": 80},
    "days_per_task": 1.5,
    "reinspection_rate": "25%",
    "days_per_reinspection": 0.5,
    "days_per_revisit": 0.5,
}


def test_capacity_hand_checked_on_the_example(example, ssj):
    _set_capacity(example, **HAND_CHECKED)
    drawn(example, assign=False)
    result = ssj("-C", example, "plan", "capacity", "--year", str(YEAR), "--json")
    assert result.code == 0, result.err
    doc = result.json()
    # 2026: 365 days − 104 weekend days − 13 holiday weekdays + 0 … = 248 working days
    # (the State Council's notice for 2026; tests/core/test_calendar.py checks it day by day)
    assert doc["working_days"] == 248
    assert doc["officers"] == 5  # from the plan
    assert doc["tasks"] == 18  # 7 key units + ceil(20% × 54) = 11 drawn
    assert doc["gross_days"] == 1240  # 248 × 5
    assert doc["other_enforcement_total"] == 100  # 60 + 40
    assert doc["non_enforcement_total"] == 200  # 120 + 80
    assert doc["available_days"] == 940  # 1240 − 100 − 200
    assert doc["task_days"] == 54  # 18 × 2 × 1.5
    assert doc["reinspections"] == 5  # ceil(18 × 25%) = ceil(4.5)
    assert doc["reinspection_days"] == 5  # 5 × 2 × 0.5
    assert doc["revisits"] == 2  # ceil(18 × 10%) = ceil(1.8)
    assert doc["revisit_days"] == 2  # 2 × 2 × 0.5
    assert doc["required_days"] == 61  # 54 + 5 + 2
    assert doc["margin"] == 879  # 940 − 61
    assert doc["utilisation"] == "0.0649"  # 61 / 940 = 0.06489…
    assert doc["fits"] is True


def test_capacity_counts_officers_on_the_roster(example, ssj):
    drawn(example, assign=False)
    people = Workspace(example).roster("inspectors").rows
    officers = [
        p
        for p in people
        if p.role == "执法人员"
        and p.status == "在岗"
        and p.valid_until
        and p.valid_until >= date(YEAR, 1, 1)
    ]
    doc = ssj("-C", example, "plan", "capacity", "--year", str(YEAR), "--json").json()
    assert doc["officers"] == len(officers)
    assert doc["officers"] < len([p for p in people if p.role == "执法人员"])  # one expired
    assert doc["gross_days"] == 248 * len(officers)


def test_capacity_that_does_not_fit_is_a_warning(example, ssj):
    _set_capacity(example, officers=1, non_enforcement_days={"值班": 240})
    drawn(example, assign=False)
    result = ssj("-C", example, "plan", "capacity", "--year", str(YEAR))
    assert result.code == 0  # R12 is a warning
    assert "警告（R12）" in result.err
    doc = ssj("-C", example, "plan", "capacity", "--year", str(YEAR), "--json").json()
    assert doc["fits"] is False
    assert doc["available_days"] == 8  # 248 − 240
    assert doc["reinspections"] == 0  # the plan sets no re-inspection rate
    assert doc["required_days"] == 38  # 18 × 2 × 1 + 2 revisits × 2 × 0.5


def test_capacity_before_any_draw_uses_the_plans_expected_count(example, ssj):
    plan_for_year(example)
    doc = ssj("-C", example, "plan", "capacity", "--year", str(YEAR), "--json").json()
    assert doc["tasks"] == 18
    assert doc["tasks_source"].startswith("预计")


def test_unknown_year_is_said_clearly_and_an_override_is_used(example, ssj):
    result = ssj("-C", example, "plan", "capacity", "--year", "2031")
    assert result.code == 2
    assert "2031 年的法定节假日安排尚未收录" in result.err
    assert "calendars/2031.yaml" in result.err
    write_yaml(
        example / "calendars" / "2031.yaml",
        {
            "year": 2031,
            "source": "测试用安排",
            "holidays": ["2031-01-01", "2031-10-01"],  # both Wednesdays
            "workdays": ["2031-09-27"],  # a Saturday
        },
    )
    doc = ssj("-C", example, "plan", "capacity", "--year", "2031", "--json").json()
    # 2031 starts on a Wednesday: 52 weeks + 1 day = 261 weekdays; − 2 holidays + 1 = 260
    assert doc["working_days"] == 260
    assert doc["calendar_source"] == "测试用安排"


def test_plan_before_the_draw_is_marked_expected(example):
    plan_for_year(example)
    text = report(example, "--format", "md").read_text("utf-8")
    assert "（抽取前编制：抽取数、任务数为按方案计算的预计数）" in text
    assert "计划检查18家（次）" not in text  # before the draw the plan says 预计
    assert "预计检查18家（次）" in text
    assert "附件1　检查事项" in text  # no task annex before the draw


def test_three_formats_carry_the_same_document(example):
    drawn(example)
    ws = Workspace(example)
    document = plan_doc.plan_document(reports.plan_facts(ws, YEAR, date(2026, 3, 2)))
    markdown = md.render(document)
    page = html.render(document)
    for block in document.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    assert cell.replace("|", "\\|") in markdown
                    assert html.escape(cell) in page
    # the files the command writes are these renderings
    assert report(example, "--format", "md").read_text("utf-8") == markdown
    assert report(example, "--format", "html").read_text("utf-8") == page


def test_html_is_one_self_contained_printable_page(example):
    drawn(example)
    page = report(example, "--format", "html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }" in page
    assert "thead { display: table-header-group; }" in page


def test_report_json_and_default_path(example, ssj):
    drawn(example)
    result = ssj("-C", example, "report", "--year", str(YEAR), "--format", "md", "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["file"] == f"plans/{YEAR}/reports/plan.md"
    assert (example / doc["file"]).is_file()
    summary = doc["summary"]
    assert summary["tasks"] == 18 and summary["key"] == 7 and summary["selected"] == 11
    assert sum(c["total"] for c in summary["categories"]) == summary["units"]


def test_docx_to_stdout_is_refused(example, ssj):
    drawn(example)
    result = ssj("-C", example, "report", "--year", str(YEAR), "-o", "-")
    assert result.code == 2
    assert "docx" in result.err


def test_md_to_stdout(example, ssj):
    drawn(example)
    result = ssj("-C", example, "report", "--year", str(YEAR), "--format", "md", "-o", "-")
    assert result.code == 0
    assert result.out.startswith(f"# 青岚区应急管理局{YEAR}年度")


# ------------------------------------------------------------------ results


def _record(root, entity, name, result, findings=(), penalties=(), end="2026-03-12"):
    path = root / "plans" / str(YEAR) / "records" / f"{entity}.yaml"
    version = {
        "version": 1,
        "draw_id": f"{YEAR}-1",
        "recorded_at": "2026-03-12T10:00:00+08:00",
        "change": "记录",
        "start": "2026-03-10",
        "end": end,
        "inspectors": ["35010220001", "35010220002"],
        "result": result,
        "findings": list(findings),
        "penalties": list(penalties),
    }
    data = {"kind": "record", "year": YEAR, "entity": entity, "name": name, "versions": [version]}
    RecordFile.model_validate(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_yaml(path, data)


def test_results_numbers_equal_the_records(example, ssj):
    drawn(example)
    tasks = read_yaml(example / "plans" / str(YEAR) / "assignments" / f"{YEAR}-1.yaml")["tasks"]
    names = {e.id: e.name for e in Workspace(example).roster("entities").rows}
    ids = [t["entity"] for t in tasks]
    hazard = {"description": "安全出口堵塞", "deadline": "2026-04-15"}
    fixed = {**hazard, "reinspections": [{"date": "2026-04-10", "outcome": "已整改"}]}
    late = {**hazard, "reinspections": [{"date": "2026-04-20", "outcome": "已整改"}]}
    _record(example, ids[0], names[ids[0]], "未发现问题")
    _record(example, ids[1], names[ids[1]], "发现问题已责令改正", [fixed])
    _record(example, ids[2], names[ids[2]], "发现问题已责令改正", [late, hazard])
    _record(
        example,
        ids[3],
        names[ids[3]],
        "发现问题待后续处理",
        [{"description": "无证经营", "on_site": True}],
        [{"decision": "（青）应急罚〔2026〕1号", "amount": 20000}],
    )
    _record(example, ids[4], names[ids[4]], "发现问题待后续处理", [hazard])
    commit_all(example, "检查记录")
    facts = reports.results_facts(Workspace(example), YEAR, date(2026, 12, 31))
    t = facts.total
    assert (t.planned, t.recorded) == (18, 5)
    assert t.hazards == 5  # 0 + 1 + 2 + 1 + 1
    assert t.on_site == 1 and t.ordered == 4
    assert t.due_reinspection == 4  # all four deadlines passed by 31 December
    assert t.reinspected_on_time == 1  # only the one re-inspected on 10 April
    assert t.closed == 3  # two re-inspected fixed, one fixed on the spot
    assert (t.violations, t.handled) == (2, 1)
    assert facts.penalties == 1 and sum(c.fines for c in facts.categories) == Decimal(20000)
    assert facts.codes == {"发现问题已责令改正": 2, "发现问题待后续处理": 2, "未发现问题": 1}
    missing = [line for line in facts.lines if line.state == "missing"]
    assert len(missing) == 18 - 5 - sum(1 for line in facts.lines if line.state == "pending")

    text = report(example, "--kind", "results", "--format", "md", "--date", "2026-12-31")
    text = text.read_text("utf-8")
    assert "| 监管执法计划完成率 | 100% | 27.8%（5/18） |" in text
    assert "| 事故隐患到期复查率 | 100% | 25%（1/4） |" in text
    assert "| 违法行为依法查处率 | 100% | 50%（1/2） |" in text
    assert "图1  目标完成情况" in text and "图2  各类别计划与完成检查数" in text
    path = report(example, "--kind", "results", "--format", "docx")
    import docx

    document = docx.Document(path)
    assert document.paragraphs[0].text.replace("\n", "") == facts.title
    bars = [d for t in document.tables for d in t._tbl.iter("{*}drawing")]
    assert bars  # the charts' bars


# ------------------------------------------------------------------ the commit

COMMIT_LABEL = "依据的提交（完整编号）："


def _text(path) -> str:
    if path.suffix == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(path).paragraphs)
    return path.read_text("utf-8")


@pytest.mark.parametrize("kind", ["plan", "results"])
@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_every_report_names_the_full_commit_it_was_made_from(example, kind, fmt):
    drawn(example)
    head = git(example, "rev-parse", "HEAD").strip()
    text = _text(report(example, "--kind", kind, "--format", fmt))
    assert len(head) == 40 and COMMIT_LABEL + head in text
    assert git(example, "rev-parse", "HEAD").strip() == head  # a report commits nothing


# ------------------------------------------------------------------ blocks


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (42, "四十二")]
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_titles_break_after_a_natural_word_end():
    assert break_title("青岚区应急管理局2026年度“双随机、一公开”监管抽查工作方案") == [
        "青岚区应急管理局2026年度",
        "“双随机、一公开”监管抽查工作方案",
    ]
    assert break_title("检查事项") == ["检查事项"]
