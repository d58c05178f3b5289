import csv
import io

import pytest
from openpyxl import load_workbook

from shuangsuiji.core.problems import InputError
from shuangsuiji.storage import tabular

ROWS = [["统一社会信用代码", "单位名称"], ["91350100M000100Y43", "青岚区某某化工有限公司"]]


def _csv(rows, delimiter=","):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoded", "name"),
    [
        (lambda t: t.encode("utf-8"), "UTF-8"),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "UTF-8（带 BOM）"),
        (lambda t: t.encode("gb18030"), "GB18030"),
    ],
)
def test_every_encoding(tmp_path, encoded, name):
    path = tmp_path / "e.csv"
    path.write_bytes(encoded(_csv(ROWS)))
    sheet = tabular.read_csv(path)
    assert sheet.encoding == name
    assert sheet.headers == ROWS[0]
    assert list(sheet.rows) == [(2, ROWS[1])]


def test_utf16_tab_separated_as_excel_unicode_text(tmp_path):
    path = tmp_path / "e.txt"
    path.write_bytes(_csv(ROWS, "\t").encode("utf-16"))
    sheet = tabular.read_csv(path)
    assert sheet.encoding == "UTF-16" and next(iter(sheet.rows))[1][1] == "青岚区某某化工有限公司"


def test_undecodable_file_is_refused(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(b"\xff\x00\xfe\x81\x30\xff" * 3)
    with pytest.raises(InputError, match="编码"):
        tabular.read_csv(path)


def test_blank_rows_skipped_and_numbered_as_in_excel(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(_csv([ROWS[0], ["", ""], ROWS[1]]), encoding="utf-8")
    assert next(iter(tabular.read_csv(path).rows))[0] == 3


def test_formula_cells_escaped_in_csv_and_xlsx(tmp_path):
    rows = [["=1+1", "+86", "-x", "@SUM(A1)", "正常"]]
    text = tabular.write_csv(["a", "b", "c", "d", "e"], rows).decode("utf-8-sig")
    assert "'=1+1" in text and "'+86" in text and "'-x" in text and "'@SUM(A1)" in text
    path = tmp_path / "x.xlsx"
    path.write_bytes(tabular.write_xlsx(["a", "b", "c", "d", "e"], rows))
    cells = [c.value for c in load_workbook(path).active[2]]
    assert cells == ["'=1+1", "'+86", "'-x", "'@SUM(A1)", "正常"]


def test_xls_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"\.xlsx"):
        tabular.read_table(path)


def test_a_cell_too_long_is_refused_with_its_row_and_the_rows_before_it_read(tmp_path):
    path = tmp_path / "e.csv"
    rows = [ROWS[0], *([["B-1", "甲"]] * 5000), ["B-2", "x" * (tabular.MAX_CELL + 1)], ["", ""]]
    path.write_text(_csv(rows), encoding="utf-8")
    sheet = tabular.read_csv(path)
    seen = []
    with pytest.raises(InputError) as refused:
        seen.extend(sheet.rows)
    assert len(seen) == 5000
    assert [(p.row, p.message) for p in refused.value.problems] == [
        (5002, f"单元格过长（{tabular.MAX_CELL + 1} 个字符）")
    ]


def test_a_field_the_csv_module_cannot_read_is_refused_at_its_line(tmp_path):
    path = tmp_path / "e.csv"
    huge = "x" * (csv.field_size_limit() + 1)
    path.write_text(_csv([ROWS[0], ROWS[1], ["B-2", huge]]), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        list(tabular.read_csv(path).rows)
    (problem,) = refused.value.problems
    assert problem.row == 3 and problem.message.startswith("CSV 格式错误")


def test_rows_are_read_a_chunk_at_a_time_as_one_by_one(tmp_path):
    path = tmp_path / "e.csv"
    rows = [["", ""], ROWS[0], *([["B-1", "甲"], ["", " \u3000"]] * 3000)]
    path.write_text(_csv(rows), encoding="utf-8")
    one_by_one = list(tabular.read_csv(path).rows)
    chunks = list(tabular.read_csv(path).rows.chunks())
    assert [r for c in chunks for r in c] == one_by_one
    assert [n for n, _ in one_by_one] == list(range(3, 6003, 2))
