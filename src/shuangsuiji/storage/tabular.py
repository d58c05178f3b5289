"""Spreadsheets in and out: CSV (UTF-8, UTF-8 with BOM, GB18030, UTF-16) and XLSX.

Excel on Chinese Windows saves CSV as GB18030 (GBK), "CSV UTF-8" with a BOM, and
"Unicode 文本" as UTF-16 with tabs. The encoding is decided by strict decoding, never
by a guess: UTF-8 is tried first (GB18030 text almost never decodes as valid UTF-8),
then GB18030; if neither decodes the file is refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.problems import InputError, Problem

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32767  # Excel's own limit


@dataclass
class Sheet:
    label: str  # the file name as the user gave it
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (row number as the spreadsheet shows it, cells)
    encoding: str | None = None


def decode(raw: bytes, label: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "UTF-8（带 BOM）")]
    else:
        candidates = [("utf-8", "UTF-8"), ("gb18030", "GB18030")]
    for codec, name in candidates:
        try:
            return raw.decode(codec), name
        except UnicodeDecodeError:
            continue
    raise InputError(
        Problem(
            file=label,
            message="无法识别文件编码（既不是 UTF-8 也不是 GB18030）；请另存为“CSV UTF-8”",
        )
    )


def _clean_header(value: object) -> str:
    return "" if value is None else str(value).replace("\ufeff", "").strip().strip("*").strip()


def read_csv(path: Path, label: str | None = None) -> Sheet:
    label = label or path.name
    text, encoding = decode(path.read_bytes(), label)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(Problem(file=label, message=f"CSV 格式错误：{exc}")) from None
    return _sheet(label, records, encoding)


def read_xlsx(path: Path, label: str | None = None) -> Sheet:
    from openpyxl import load_workbook

    label = label or path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(Problem(file=label, message=f"无法读取 Excel 文件：{exc}")) from None
    try:
        records = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    return _sheet(label, records, None)


def read_table(path: Path) -> Sheet:
    if not path.is_file():
        raise InputError(Problem(file=str(path), message="文件不存在"))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    if suffix == ".xls":
        raise InputError(
            Problem(file=path.name, message="不支持旧版 .xls，请在 Excel 中另存为 .xlsx")
        )
    raise InputError(Problem(file=path.name, message="只能导入 .csv 或 .xlsx 文件"))


def _sheet(label: str, records: list[list[object]], encoding: str | None) -> Sheet:
    numbered = [(i, r) for i, r in enumerate(records, start=1) if any(_filled(c) for c in r)]
    if not numbered:
        raise InputError(Problem(file=label, message="文件为空，没有表头"))
    (_, header_cells), body = numbered[0], numbered[1:]
    headers = [_clean_header(h) for h in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    problems = [
        Problem(file=label, row=n, message=f"单元格过长（{len(str(c))} 个字符）")
        for n, r in body
        for c in r
        if isinstance(c, str) and len(c) > MAX_CELL
    ]
    if problems:
        raise InputError(problems)
    return Sheet(label, headers, body, encoding)


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def escape_formula(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_formula(value: object) -> object:
    """The inverse of `escape_formula`, so an exported sheet imports back unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV with a BOM, so Excel opens it as UTF-8; cells escaped against formulas."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if c is None else escape_formula(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    title: str = "Sheet1",
    choices: dict[int, Sequence[str]] | None = None,
) -> bytes:
    """An XLSX with a bold frozen header; `choices` adds drop-down lists to columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([escape_formula(c) for c in row])
    for col, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = max(10, min(40, len(header) * 3))
    for col, options in (choices or {}).items():
        letter = get_column_letter(col)
        rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        rule.add(f"{letter}2:{letter}1048576")
        sheet.add_data_validation(rule)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
