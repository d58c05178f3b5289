"""`ssj record template` → fill in the inspected tasks → `ssj record --from`: round trip."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from results_flow import staffed


def _fill(rows: list[list[str]], headers: list[str], count: int) -> list[str]:
    """Fill `count` rows as inspected (end date and result); the others stay untouched."""
    end, result = headers.index("检查结束日期"), headers.index("检查结果")
    filled = []
    for row in rows[:count]:
        row[end], row[result] = "2026-03-10", "未发现问题"
        filled.append(row[0])
    return filled


def test_csv_template_round_trips_skipping_untouched_rows(example, ssj, tmp_path):
    staffed(ssj, example)
    path = tmp_path / "结果.csv"
    made = ssj("-C", example, "record", "template", "-o", path, "--year", "2026", "--json")
    assert made.code == 0, made.err
    headers, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert headers.index("时段") == headers.index("抽取编号") + 1
    assert len(rows) >= 3 and all(r[headers.index("时段")] for r in rows)
    filled = _fill(rows, headers, 2)
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    path.write_text(out.getvalue(), encoding="utf-8-sig")

    done = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json")
    assert done.code == 0, done.out + done.err
    doc = done.json()
    assert sorted(w["entity"] for w in doc["written"]) == sorted(filled)
    assert [s["row"] for s in doc["skipped"]] == list(range(4, len(rows) + 2))
    assert {s["entity"] for s in doc["skipped"]} == {r[0] for r in rows[2:]}
    assert "时段" not in doc["unused_columns"]

    again = ssj("-C", example, "record", "--from", path, "--year", "2026")
    assert again.code == 0 and f"已跳过：{len(rows) - 2} 行" in again.out


def test_xlsx_template_untouched_is_all_skipped(example, ssj, tmp_path):
    staffed(ssj, example)
    path = tmp_path / "结果.xlsx"
    assert ssj("-C", example, "record", "template", "-o", path, "--year", "2026").code == 0
    sheet = load_workbook(path).active
    assert "时段" in [c.value for c in sheet[1]]
    result = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json")
    assert result.code == 0, result.out + result.err
    doc = result.json()
    assert doc["written"] == [] and len(doc["skipped"]) == sheet.max_row - 1
    assert doc["commit"] is None


def test_a_row_half_filled_is_still_refused(example, ssj, tmp_path):
    staffed(ssj, example)
    path = tmp_path / "结果.csv"
    assert ssj("-C", example, "record", "template", "-o", path, "--year", "2026").code == 0
    headers, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    rows[0][headers.index("检查结果")] = "未发现问题"  # no end date
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    result = ssj("-C", example, "record", "--from", path, "--year", "2026")
    assert result.code == 2 and "检查结束日期" in result.err
