"""ssj disclose: deadlines on the official calendar, overrides, the publication and its privacy."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from conftest import commit_all, git
from results_flow import entities, people, record, staffed
from shuangsuiji.core.results import DisclosureFile
from shuangsuiji.storage import yamlio


@pytest.fixture
def plan(example, ssj):
    return staffed(ssj, example)


def tasks(plan, n: int) -> list[str]:
    return sorted(t["entity"] for t in plan["tasks"])[:n]


def status(ssj, root, as_of: str) -> dict:
    result = ssj("-C", root, "disclose", "status", "--year", "2026", "--as-of", as_of, "--json")
    assert result.code == 0, result.out + result.err
    return {e["entity"]: e for e in result.json()["entries"]}


# ---------------------------------------------------------------- deadlines


def test_deadlines_on_the_2026_schedule(example, plan, ssj):
    a, b, c = tasks(plan, 3)
    for entity, end in ((a, "2026-09-24"), (b, "2026-02-06"), (c, "2026-04-30")):
        result = record(ssj, example, entity, "--end", end, "--result", "未发现问题")
        assert result.code == 0, result.out
    entries = status(ssj, example, "2026-03-12")
    assert entries[a]["deadline"] == "2026-10-29"
    assert entries[b]["deadline"] == "2026-03-12"
    assert entries[c]["deadline"] == "2026-06-01"
    assert set(entries[a]) >= {"entity", "completed", "deadline", "disclosed", "overdue"}
    assert entries[b]["completed"] == "2026-02-06" and entries[b]["disclosed"] is None
    assert entries[b]["overdue"] is False  # due today
    assert status(ssj, example, "2026-03-13")[b]["overdue"] is True


# 国务院办公厅关于2026年部分节假日安排的通知, as an override file would transcribe it.
NOTICE_2026 = {
    "off": [
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"),
    ],
    "on": ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
}


def days(first: str, last: str) -> list[str]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [(a + timedelta(n)).isoformat() for n in range((b - a).days + 1)]


def override(year: int, off: list[str], on: list[str]) -> str:
    lines = [f"year: {year}", f"source: 国务院办公厅关于{year}年部分节假日安排的通知（测试转录）"]
    lines += ["holidays:"] + [f"  - {d}" for d in off]
    lines += ["workdays:"] + [f"  - {d}" for d in on] if on else ["workdays: []"]
    return "\n".join(lines) + "\n"


def test_an_override_file_changes_a_deadline(example, plan, ssj):
    assert (example / "calendars/README.md").is_file()  # ssj init made the folder
    a = tasks(plan, 1)[0]
    assert record(ssj, example, a, "--end", "2026-09-24", "--result", "未发现问题").code == 0
    off = [d for span in NOTICE_2026["off"] for d in days(*span)]
    (example / "calendars/2026.yaml").write_text(
        override(2026, off, NOTICE_2026["on"]), encoding="utf-8"
    )
    assert status(ssj, example, "2026-10-01")[a]["deadline"] == "2026-10-29"  # same as the package
    # Were Thursday 10/8 made a day off too, the deadline would move to Friday 10/30.
    (example / "calendars/2026.yaml").write_text(
        override(2026, [*off, "2026-10-08"], NOTICE_2026["on"]), encoding="utf-8"
    )
    assert status(ssj, example, "2026-10-01")[a]["deadline"] == "2026-10-30"


def test_a_bad_override_file_is_named(example, plan, ssj):
    (example / "calendars/2027.yaml").write_text(
        "year: 2027\nsource: 测试\nholidays:\n  - 2026-12-31\n", encoding="utf-8"
    )
    result = ssj("-C", example, "disclose", "status", "--year", "2026", "--json")
    assert result.code == 2
    assert result.json()["problems"][0]["file"] == "calendars/2027.yaml"
    (example / "calendars/2027.yaml").unlink()
    (example / "calendars/2028.yaml").write_text(
        "year: 2027\nsource: 测试\nholidays: []\n", encoding="utf-8"
    )
    result = ssj("-C", example, "disclose", "status", "--year", "2026", "--json")
    assert result.code == 2 and "2027.yaml" in result.out


def test_a_deadline_in_an_unknown_year_is_flagged(example, plan, ssj, clock):
    clock.set("2027-12-21")  # both inspections recorded after they ended
    # The holidays package knows 2026 but not 2027: a December inspection is due in 2027.
    a, b = tasks(plan, 2)
    assert record(ssj, example, a, "--end", "2026-12-20", "--result", "未发现问题").code == 0
    entry = status(ssj, example, "2026-12-21")[a]
    assert entry["deadline"] is None and entry["state"] == "unknown"
    assert "calendars/2027.yaml" in entry["flag"]
    human = ssj("-C", example, "disclose", "status", "--year", "2026", "--as-of", "2026-12-21")
    assert "尚未收录" in human.out
    # The 2027 notice added locally: the deadline is known; one in 2028 is flagged.
    (example / "calendars/2027.yaml").write_text(
        override(2027, ["2027-01-01"], []), encoding="utf-8"
    )
    assert status(ssj, example, "2026-12-21")[a]["deadline"] == "2027-01-18"
    assert record(ssj, example, b, "--end", "2027-12-20", "--result", "未发现问题").code == 0
    flagged = status(ssj, example, "2027-12-21")[b]
    assert flagged["deadline"] is None and "2028" in flagged["flag"]


# ---------------------------------------------------------------- the publication


def published_text(path, fmt: str) -> str:
    if fmt == "xlsx":
        sheet = load_workbook(path).active
        return "\n".join(
            str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None
        )
    return path.read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "html"])
def test_publication_has_the_public_fields_and_nothing_private(example, plan, ssj, tmp_path, fmt):
    units = tasks(plan, 3)
    team = plan["by_entity"][units[0]]["inspectors"]
    assert record(ssj, example, units[0], "--end", "2026-03-10", "--result", "发现问题已责令改正",
                  "--hazard", "安全出口锁闭;一般;2026-03-24;青应急责改〔2026〕1号",
                  "--decision", "青应急罚〔2026〕3号", "--fine", "20000").code == 0  # fmt: skip
    for unit in units[1:]:
        assert record(ssj, example, unit, "--end", "2026-03-11", "--result", "未发现问题").code == 0
    out = tmp_path / f"公开.{fmt}"
    result = ssj("-C", example, "disclose", "publish", "--year", "2026", "--date", "2026-04-01", "--reason", "补录",
                 "--format", fmt, "-o", out, "--json")  # fmt: skip
    assert result.code == 0, result.out + result.err
    text = published_text(out, fmt)
    roster = entities(example)
    officers = people(example)
    for unit in units:
        assert unit in text and roster[unit].name in text
    for code in team:
        assert code in text and officers[code].name in text  # 行政执法公示
    assert "青岚区应急管理局" in text and "双随机抽查" in text and "2026-03-10" in text
    assert "责令限期整改 1 项（青应急责改〔2026〕1号）" in text and "罚款 20000 元" in text
    names = {p.name for p in officers.values()}
    for e in roster.values():
        assert e.phone is None or e.phone not in text
        assert e.address is None or e.address not in text
        if e.contact and e.contact not in names:
            assert e.contact not in text
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "<script" not in text
        assert not re.search(r"(src|href)=", text)  # self-contained
    if fmt == "json":
        doc = json.loads(text)
        assert set(doc["results"][0]) == {
            "entity", "name", "authority", "type", "items", "completed", "result", "handling",
            "inspectors",
        }  # fmt: skip


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "html"])
def test_publication_names_the_full_commit_it_was_made_from(example, plan, ssj, tmp_path, fmt):
    unit = tasks(plan, 1)[0]
    assert record(ssj, example, unit, "--end", "2026-03-10", "--result", "未发现问题").code == 0
    head = git(example, "rev-parse", "HEAD").strip()
    out = tmp_path / f"公开.{fmt}"
    result = ssj("-C", example, "disclose", "publish", "--year", "2026", "--date", "2026-04-01",
                 "--reason", "补录", "--format", fmt, "-o", out)  # fmt: skip
    assert result.code == 0, result.out + result.err
    assert git(example, "rev-parse", "HEAD~1").strip() == head  # then the record is committed
    line = f"依据的提交（完整编号）：{head}"
    if fmt == "json":
        assert json.loads(out.read_text(encoding="utf-8"))["commit"] == head
    elif fmt == "xlsx":
        cells = [c for row in load_workbook(out).active.iter_rows() for c in row]
        (cell,) = [c for c in cells if c.value == line]
        assert cell.data_type == "s"  # text: Excel does not turn it into a number
    elif fmt == "csv":
        assert out.read_bytes().decode("utf-8-sig").splitlines()[-1] == line
    else:
        page = out.read_text(encoding="utf-8")
        assert f"依据的提交（完整编号）：<code>{head}</code>" in page


def test_publication_escapes_formula_cells(example, ssj, tmp_path):
    # A unit whose name (as typed into the roster) starts like a formula.
    path = example / "rosters/entities.yaml"
    text = path.read_text(encoding="utf-8")
    evil = '=HYPERLINK("http://example.invalid","华顺")'
    text = text.replace("name: 青岚区华顺化工有限公司", f"name: '{evil}'")
    path.write_text(text, encoding="utf-8")
    commit_all(example, "改名")
    plan = staffed(ssj, example)
    unit = "91350102604010605L"  # a key unit: always a task
    assert unit in plan["by_entity"]
    assert record(ssj, example, unit, "--end", "2026-03-10", "--result", "未发现问题").code == 0
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"公开.{fmt}"
        result = ssj("-C", example, "disclose", "publish", "--year", "2026", "--date",
                     "2026-04-01", "--reason", "补录", "--all", "--format", fmt, "-o", out)  # fmt: skip
        assert result.code == 0, result.err
    csv_text = (tmp_path / "公开.csv").read_bytes().decode("utf-8-sig")
    assert "'" + evil.replace('"', '""') in csv_text
    cells = [c for row in load_workbook(tmp_path / "公开.xlsx").active.iter_rows() for c in row]
    named = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert named and all(c.value.startswith("'=") and c.data_type == "s" for c in named)
    html_out = tmp_path / "公开.html"
    ssj("-C", example, "disclose", "publish", "--year", "2026", "--date", "2026-04-01", "--reason", "补录", "--all",
        "--format", "html", "-o", html_out)  # fmt: skip
    page = html_out.read_text(encoding="utf-8")
    assert "=HYPERLINK(&quot;http://example.invalid&quot;" in page and "<a " not in page


def test_private_data_typed_into_a_document_number_is_refused(example, plan, ssj, tmp_path):
    units = tasks(plan, 1)
    phone = entities(example)[units[0]].phone
    assert record(ssj, example, units[0], "--end", "2026-03-10", "--result", "未发现问题",
                  "--decision", f"罚〔2026〕1号 联系{phone}", "--fine", "100").code == 0  # fmt: skip
    out = tmp_path / "x.csv"
    result = ssj("-C", example, "disclose", "publish", "--year", "2026", "--date", "2026-04-01", "--reason", "补录",
                 "--format", "csv", "-o", out)  # fmt: skip
    assert result.code == 1 and "联系电话" in result.err
    assert not out.exists()
    assert not (example / "plans/2026/disclosures").exists()


def test_publish_records_what_and_when(example, plan, ssj, tmp_path, clock):
    a, b = tasks(plan, 2)
    clock.set("2026-03-12")
    assert record(ssj, example, a, "--end", "2026-03-10", "--result", "未发现问题").code == 0
    clock.set("2026-04-01")  # published on its day; b is inspected later (4/20)
    out = tmp_path / "一.csv"
    first = ssj("-C", example, "disclose", "publish", "--year", "2026",
                "--format", "csv", "-o", out, "--json")  # fmt: skip
    assert first.code == 0, first.out
    assert [e["entity"] for e in first.json()["entries"]] == [a]  # b not completed by 4/1
    record_path = example / "plans/2026/disclosures/2026-04-01.yaml"
    disclosed = DisclosureFile.model_validate(yamlio.load(record_path))
    assert disclosed.publications[0].file == "一.csv"
    assert disclosed.publications[0].entries[0].deadline == date(2026, 4, 8)
    assert "公开检查结果 1 项" in git(example, "log", "-1", "--format=%s")
    # Nothing new: refused; after an amendment the result is due again (stale).
    again = ssj("-C", example, "disclose", "publish", "--year", "2026",
                "--format", "csv", "-o", out)  # fmt: skip
    assert again.code == 1 and "没有尚未公开" in again.err
    assert record(ssj, example, a, "--end", "2026-03-11", "--result", "未发现问题",
                  "--reason", "结束日期笔误").code == 0  # fmt: skip
    entry = status(ssj, example, "2026-04-02")[a]
    assert entry["disclosed"] == "2026-04-01" and entry["stale"] is True
    second = ssj("-C", example, "disclose", "publish", "--year", "2026",
                 "--format", "json", "-o", tmp_path / "二.json", "--json")  # fmt: skip
    assert second.code == 0, second.out
    before = record_path.read_text(encoding="utf-8")
    disclosed = DisclosureFile.model_validate(yamlio.load(record_path))
    assert [len(p.entries) for p in disclosed.publications] == [1, 1]
    assert disclosed.publications[1].entries[0].version == 2
    assert before.startswith(git(example, "show", f"HEAD~1:{record_path.relative_to(example)}"))
    clock.set("2026-04-21")
    assert record(ssj, example, b, "--end", "2026-04-20", "--result", "未发现问题").code == 0
    late = status(ssj, example, "2026-06-01")[b]
    assert late["overdue"] is True and late["disclosed"] is None
