"""Hostile or odd XLSX files: a zip bomb refused before unpacking, formula cells named."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from shuangsuiji.core.problems import InputError
from shuangsuiji.storage import tabular

SRC = Path(tabular.__file__).parents[2]


def _bomb(path: Path, unpacked_mb: int) -> Path:
    """A real XLSX (openpyxl's) whose sheet is replaced by `unpacked_mb` MB of one row repeated."""
    book = Workbook()
    book.active.append(["统一社会信用代码", "单位名称"])
    book.save(path)
    with zipfile.ZipFile(path) as original:
        parts = {i.filename: original.read(i) for i in original.infolist()}
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                out.writestr(name, data)
        with out.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for _ in range(unpacked_mb * 2**20 // len(row)):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return path


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux only")
def test_a_zip_bomb_is_refused_quickly_in_little_memory(tmp_path):
    bomb = _bomb(tmp_path / "名单.xlsx", 300)
    assert bomb.stat().st_size < 2 * 2**20
    probe = (
        "import sys\n"
        "from shuangsuiji.core.problems import InputError\n"
        "from shuangsuiji.storage.tabular import read_table\n"
        "try:\n"
        f"    read_table(__import__('pathlib').Path({str(bomb)!r}))\n"
        "except InputError as exc:\n"
        "    print(exc)\n"
        # VmHWM, not ru_maxrss: Linux keeps the forking parent's peak across exec.
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env={"PYTHONPATH": str(SRC)}
    )
    elapsed = time.monotonic() - started
    message, peak_kb = done.stdout.strip().rsplit("\n", 1)
    assert "压缩比异常" in message, done.stderr
    assert elapsed < 10 and int(peak_kb) < 200 * 1024


def test_a_sheet_that_unpacks_too_big_is_refused(tmp_path, monkeypatch):
    bomb = _bomb(tmp_path / "名单.xlsx", 2)
    monkeypatch.setattr(tabular, "MAX_UNPACKED", 2**20)
    with pytest.raises(InputError, match="解压后过大"):
        tabular.read_table(bomb)


def test_a_file_that_is_no_zip_is_named(tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_text("统一社会信用代码,单位名称\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"不是有效的 \.xlsx 文件"):
        tabular.read_table(path)


def test_formula_cells_without_a_value_are_named_as_formulas(tmp_path):
    book = Workbook()  # openpyxl writes formulas without computing them, as scripts do
    book.active.append(["统一社会信用代码", "单位名称", "行业"])
    book.active.append(["91350100M000100Y43", '=CONCAT("青岚区","一号")', "危险化学品经营"])
    book.active.append(["91350102604010605L", "青岚区华顺化工有限公司", "=C2"])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    with pytest.raises(InputError) as caught:
        list(tabular.read_table(path).rows)
    problems = caught.value.problems
    assert [(p.row, p.message.split("）")[0]) for p in problems] == [
        (2, '单元格 B2 是公式（=CONCAT("青岚区","一号")'),
        (3, "单元格 C3 是公式（=C2"),
    ]
    assert all("选择性粘贴" in p.message and "数值" in p.message for p in problems)


def test_formulas_excel_computed_are_read_as_their_values(tmp_path):
    path = tmp_path / "名单.xlsx"
    book = Workbook()
    book.active.append(["统一社会信用代码", "单位名称"])
    book.active.append(["91350100M000100Y43", "=A1"])
    book.save(path)
    _set_cached_value(path, "B2", "青岚区一号化工有限公司")
    sheet = tabular.read_table(path)
    assert [cells for _, cells in sheet.rows] == [["91350100M000100Y43", "青岚区一号化工有限公司"]]


def _set_cached_value(path: Path, cell: str, value: str) -> None:
    """Give a formula cell the computed value Excel would have saved with it."""
    with zipfile.ZipFile(path) as original:
        parts = {i.filename: original.read(i) for i in original.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    start = sheet.index(f'<c r="{cell}"')
    end = sheet.index("</c>", start) + len("</c>")
    formula = sheet[start:end].split("<f>")[1].split("</f>")[0]
    sheet = (
        sheet[:start] + f'<c r="{cell}" t="str"><f>{formula}</f><v>{value}</v></c>' + sheet[end:]
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
