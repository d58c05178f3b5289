"""What a bureau's hand-made Excel roster meets: codes Excel mangled, line breaks in cells,
one unit entered twice, organisation codes that fail their check."""

from __future__ import annotations

from openpyxl import Workbook

from conftest import write_yaml
from shuangsuiji.services.roster import check_workspace
from shuangsuiji.workspace import Workspace
from test_rosters import HEADERS, ROWS, entities, write_csv


def _xlsx(path, rows):
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_code_excel_made_a_number_is_refused_with_how_to_keep_it_text(empty_ws, tmp_path, ssj):
    sheet = _xlsx(
        tmp_path / "a.xlsx", [[9.13501e17, *ROWS[0][1:]], [913501000000000000, *ROWS[1][1:]]]
    )
    result = ssj("-C", empty_ws, "roster", "import", sheet)
    assert result.code == 2
    assert result.err.count("Excel") >= 2 and "文本" in result.err and "校验位" not in result.err
    assert "发现 2 处问题" in result.err


def test_scientific_notation_in_a_csv_is_refused(empty_ws, tmp_path, ssj):
    sheet = write_csv(tmp_path / "a.csv", [["9.13501E+17", *ROWS[0][1:]]])
    result = ssj("-C", empty_ws, "roster", "import", sheet)
    assert result.code == 2 and "科学计数法" in result.err and "'" in result.err
    assert not entities(empty_ws)


def test_an_unquoted_number_in_a_yaml_roster_is_named(empty_ws, ssj):
    path = empty_ws / "rosters" / "entities.yaml"
    write_yaml(path, {"entities": [{"id": 9.13501e17, "name": "甲", "category": "危险化学品"}]})
    errors, _ = check_workspace(Workspace(empty_ws))
    assert any("Excel" in p.message or "数字" in p.message for p in errors)


def test_line_breaks_in_an_address_are_kept(empty_ws, tmp_path, ssj):
    row = list(ROWS[0])
    row[HEADERS.index("地址")] = "工业路1号\n（东门进）"
    sheet = _xlsx(tmp_path / "a.xlsx", [row])
    result = ssj("-C", empty_ws, "roster", "import", sheet)
    assert result.code == 0, result.err
    assert entities(empty_ws)["91350100M000100Y43"].address == "工业路1号\n（东门进）"
    assert ssj("-C", empty_ws, "roster", "check").code == 0
    csv_path = tmp_path / "back.csv"
    assert ssj("-C", empty_ws, "roster", "export", "--format", "csv", "-o", csv_path).code == 0
    again = ssj("-C", empty_ws, "roster", "import", csv_path, "--json")
    assert again.code == 0 and again.json()["unchanged"] == 1


def test_a_name_under_two_codes_is_warned_on_import(empty_ws, tmp_path, ssj):
    twice = [ROWS[0], [ROWS[1][0], ROWS[0][1], *ROWS[1][2:]]]
    sheet = write_csv(tmp_path / "a.csv", twice)
    result = ssj("-C", empty_ws, "roster", "import", sheet)
    assert result.code == 0
    from shuangsuiji.services.roster import import_file

    dry = import_file(Workspace(empty_ws), sheet, None, replace=True, dry_run=True)
    assert [w.row for w in dry.warnings if w.field == "单位名称"] == [2, 3]
    assert "录入了两次" in dry.warnings[0].message


def test_organization_code_check_is_a_warning_in_roster_check(empty_ws, tmp_path, ssj):
    sheet = write_csv(tmp_path / "a.csv", [ROWS[0], ROWS[3]])  # ROWS[3]: 72081309X fails
    assert ssj("-C", empty_ws, "roster", "import", sheet).code == 0
    checked = ssj("-C", empty_ws, "roster", "check", "--json")
    assert checked.code == 0
    warned = [p for p in checked.json()["problems"] if "组织机构代码" in p["message"]]
    assert len(warned) == 1 and "72081309X" in warned[0]["message"]
