"""Spreadsheets in and out: CSV (UTF-8, UTF-8 with BOM, GB18030, UTF-16) and XLSX.

Excel on Chinese Windows saves CSV as GB18030 (GBK), "CSV UTF-8" with a BOM, and
"Unicode 文本" as UTF-16 with tabs. The encoding is decided by strict decoding, never
by a guess: UTF-8 is tried first (GB18030 text almost never decodes as valid UTF-8),
then GB18030; if neither decodes the file is refused.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from ..core.problems import InputError, Problem
from ..core.tables import FORMULA_START, Sheet, escape_formula

MAX_CELL = 32767  # Excel's own limit
# A text cell starting so may need escaping (a quote may already escape a formula).
_RISKY_START = (*FORMULA_START, "'")

# An XLSX is a zip: its parts are checked before openpyxl unpacks any of them, so that a
# zip bomb (a few MB that unpack to GBs) is refused at once. Real sheets unpack 5–30 times.
MAX_XLSX_BYTES = 200 * 2**20
MAX_UNPACKED = 2**30
MAX_RATIO = 200
RATIO_FROM = 4 * 2**20  # small parts may compress much better; they cannot be a bomb
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
EXCEL_ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!")
FORMULA_HINT = "请在 Excel 中复制这些单元格，再“选择性粘贴 → 数值”，保存后重新导入"


def detect(raw: bytes, label: str) -> tuple[str, str]:
    """(Python codec, name to show) of a CSV file's bytes, by strict decoding."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "UTF-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "UTF-8（带 BOM）")]
    else:
        candidates = [("utf-8", "UTF-8"), ("gb18030", "GB18030")]
    for codec, name in candidates:
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec, name
    raise InputError(
        Problem(
            file=label,
            message="无法识别文件编码（既不是 UTF-8 也不是 GB18030）；请另存为“CSV UTF-8”",
        )
    )


def _clean_header(value: object) -> str:
    return "" if value is None else str(value).replace("\ufeff", "").strip().strip("*").strip()


def halves(raw: bytes) -> tuple[bytes, bytes] | None:
    """A CSV file cut in two at a line break near its middle, the second part headed by
    the file's first line, each part a CSV file whose rows are the file's (for reading
    them on two cores); None where a cut could fall inside a cell or read differently:
    a file with quotes, with a line ended by CR alone, or whose first line is blank."""
    if b'"' in raw or raw.count(b"\r") != raw.count(b"\r\n"):
        return None
    head = raw.find(b"\n") + 1
    cut = raw.find(b"\n", len(raw) // 2) + 1
    if not head or cut <= head or cut == len(raw):
        return None
    if not raw[:head].translate(None, b"\xef\xbb\xbf \t\r\n,"):
        return None  # the header is further down: left to one reading of the whole
    return raw[:cut], raw[:head] + raw[cut:]


def read_csv(path: Path, label: str | None = None) -> Sheet:
    return parse_csv(path.read_bytes(), label or path.name)


def parse_csv(raw: bytes, label: str, detected: tuple[str, str] | None = None) -> Sheet:
    """A CSV file's sheet; its rows are read as they are iterated (once), not held.
    `detected`: what `detect` gave for these bytes (or for the file they are part of)."""
    codec, encoding = detected or detect(raw, label)
    text = io.TextIOWrapper(io.BytesIO(raw), encoding=codec, newline="")
    first = text.readline()
    text.seek(0)
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(text, delimiter=delimiter)
    return _sheet(label, reader, encoding, reader)


@contextlib.contextmanager
def _csv_errors(label: str, reader) -> Iterator[None]:
    """A CSV file the csv module cannot read is refused at the line it stopped at."""
    try:
        yield
    except csv.Error as exc:
        if reader is None:
            raise
        problem = Problem(file=label, row=reader.line_num, message=f"CSV 格式错误：{exc}")
        raise InputError(problem) from None


def check_xlsx(path: Path, label: str) -> bool:
    """Refuse an XLSX too big, or whose parts unpack too big or too well (a zip bomb),
    before anything is unpacked; True when a worksheet holds formulas."""
    size = path.stat().st_size
    if size > MAX_XLSX_BYTES:
        raise InputError(
            Problem(
                file=label, message=f"文件过大（{size // 2**20} MB，最多 200 MB）；请另存为 CSV"
            )
        )
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            unpacked = sum(p.file_size for p in parts)
            inflated = [
                p
                for p in parts
                if p.file_size > RATIO_FROM and p.file_size > MAX_RATIO * max(p.compress_size, 1)
            ]
            if unpacked > MAX_UNPACKED or inflated:
                raise InputError(
                    Problem(
                        file=label,
                        message=f"文件解压后过大（{unpacked // 2**20} MB）或压缩比异常，"
                        "不像 Excel 保存的表格，未读取；请在 Excel 中打开后另存为 .xlsx 或 CSV",
                    )
                )
            sheets = [p for p in parts if p.filename.startswith("xl/worksheets/")]
            return any(_has_formula(archive, p) for p in sheets)
    except (zipfile.BadZipFile, OSError):
        raise InputError(
            Problem(file=label, message="不是有效的 .xlsx 文件（已损坏，或是改了扩展名的其他文件）")
        ) from None


def _has_formula(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(2**20):
            if FORMULA_ELEMENT.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def read_xlsx(path: Path, label: str | None = None) -> Sheet:
    label = label or path.name
    formulas = check_xlsx(path, label)
    records = _xlsx_rows(path, label, data_only=True)
    if formulas:
        _refuse_formulas(label, records, _xlsx_rows(path, label, data_only=False))
    return _sheet(label, records, None)


def _xlsx_rows(path: Path, label: str, data_only: bool) -> list[list[object]]:
    """The first worksheet's rows: values as Excel last computed them, or formulas as text."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(Problem(file=label, message=f"无法读取 Excel 文件：{exc}")) from None
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _refuse_formulas(label: str, values: list[list[object]], formulas: list[list[object]]) -> None:
    """Formula cells with no computed value, or an error value, named cell by cell.

    A formula that Excel computed is taken as the value it shows; one never computed
    (a file written by a program) or computed to an error has no value to take.
    """
    from openpyxl.utils import get_column_letter

    problems = []
    for number, (shown, written) in enumerate(zip(values, formulas, strict=False), start=1):
        for column, (value, formula) in enumerate(zip(shown, written, strict=False), start=1):
            is_formula = isinstance(formula, str) and formula.startswith("=") and formula != value
            if is_formula and (value is None or value in EXCEL_ERRORS):
                result = "没有计算结果" if value is None else f"结果为错误值 {value}"
                cell = f"{get_column_letter(column)}{number}"
                problems.append(
                    Problem(
                        file=label,
                        row=number,
                        message=f"单元格 {cell} 是公式（{formula[:40]}），{result}；{FORMULA_HINT}",
                    )
                )
    if problems:
        raise InputError(problems)


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


def _sheet(label: str, records: Iterable[list[object]], encoding: str | None, reader=None) -> Sheet:
    """The sheet of a file's records (`reader`: the csv module's, whose errors are refused)."""
    numbered = enumerate(records, start=1)
    with _csv_errors(label, reader):
        for _, header_cells in numbered:
            if any(_filled(c) for c in header_cells):
                break
        else:
            raise InputError(Problem(file=label, message="文件为空，没有表头"))
    headers = [_clean_header(h) for h in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    return Sheet(label, headers, Rows(_body(label, numbered, reader)), encoding)


class Rows:
    """A sheet's rows (row number, cells), read once: one by one, or a chunk of rows at a
    time (`chunks`), which spares a Python step per row."""

    def __init__(self, chunks: Iterator[list[tuple[int, list[object]]]]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[tuple[int, list[object]]]:
        return itertools.chain.from_iterable(self._chunks)

    def chunks(self) -> Iterator[list[tuple[int, list[object]]]]:
        return self._chunks


def _body(
    label: str, numbered: Iterator[tuple[int, list[object]]], reader=None
) -> Iterator[list[tuple[int, list[object]]]]:
    """The filled rows after the header, a chunk at a time; oversize cells are refused, all
    of them at once.

    Rows are looked at a chunk at a time: a CSV row is text, and joined, its cells tell in
    one C step whether it is blank or may hold a cell too long. A chunk with such a row, or
    with cells that are not text (an XLSX's numbers and dates), is looked at row by row.
    """
    problems: list[Problem] = []
    while True:
        with _csv_errors(label, reader):
            chunk = list(itertools.islice(numbered, BODY_CHUNK))
        if not chunk:
            break
        if not problems and _plainly_filled(chunk):
            yield chunk
            continue
        kept = []
        for number, cells in chunk:
            if not any(_filled(c) for c in cells):
                continue
            long = [c for c in cells if isinstance(c, str) and len(c) > MAX_CELL]
            problems += [
                Problem(file=label, row=number, message=f"单元格过长（{len(c)} 个字符）")
                for c in long
            ]
            if not problems:
                kept.append((number, cells))
        if kept:
            yield kept
    if problems:
        raise InputError(problems)


BODY_CHUNK = 1 << 12


def _plainly_filled(chunk: list[tuple[int, list[object]]]) -> bool:
    """Whether every row of the chunk is text, not blank, and too short to hold a cell
    longer than MAX_CELL."""
    try:
        joined = list(map("".join, map(itemgetter(1), chunk)))
    except TypeError:
        return False
    # Blank: empty or only white space (what strip() would leave empty), looked at in place.
    return max(map(len, joined)) <= MAX_CELL and all(joined) and not any(map(str.isspace, joined))


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV with a BOM, so Excel opens it as UTF-8; cells escaped against formulas."""
    out = CsvWriter(headers)
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CSV_CHUNK)):
        out.add_rows(chunk)
    return out.getvalue()


CSV_CHUNK = 1 << 14
# A cell holding one of these is quoted by the csv module (QUOTE_MINIMAL, "\r\n" line
# ends); one holding NUL is left to the csv module too.
_QUOTED = (",", '"', "\r", "\x00")
_TEXT_TYPES = {str, type(None)}
# A cell starting so, after a line break: one C search of the joined column.
_RISKY_LINE = re.compile("\n[" + re.escape("".join(_RISKY_START)) + "]")


class CsvWriter:
    """A CSV file (`write_csv`) made a chunk of rows, or of columns, at a time.

    A chunk whose cells are all text that the csv module would write unquoted is joined
    in C (commas and "\r\n", as csv.writer writes it); any other goes through csv.writer.
    """

    def __init__(self, headers: Sequence[str]) -> None:
        self.parts = ["\ufeff".encode() + _csv_text([headers]).encode()]
        self.longest_line = 0  # of the last chunk joined (no cell of it is longer)

    def add_rows(self, rows: list[Sequence[object]]) -> None:
        widths = set(map(len, rows))
        if len(widths) == 1 and min(widths) > 1:
            self.add_columns([list(c) for c in zip(*rows, strict=True)])
        else:  # rows of one or no cell, or of different lengths: csv.writer, cell by cell
            self.parts.append(_csv_text([[escape_formula(c) for c in r] for r in rows]).encode())

    def add_columns(self, columns: list[list]) -> list[list[str]] | None:
        """Rows given as columns (one list per column, all of one length); the cells as the
        csv module reads them back (None as ""), when the chunk was written unquoted;
        None when it went through csv.writer."""
        cells = list(map(_escaped, columns))
        plain = [c for c, unquoted in cells if unquoted]
        columns = [c for c, _ in cells]
        if len(plain) == len(columns) > 1:  # a row of one empty cell is written '""'
            lines = list(map(",".join, zip(*plain, strict=True)))
            self.longest_line = max(map(len, lines), default=0)
            self.parts.append(("\r\n".join(lines) + "\r\n").encode() if lines else b"")
            return plain
        self.parts.append(_csv_text(zip(*columns, strict=True)).encode())
        return None

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _csv_text(rows: Iterable[Sequence[object]]) -> str:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue()


def _escaped(column: list) -> tuple[list, bool]:
    """A column with its formula-like text cells escaped, and whether csv.writer writes
    each of its cells unquoted (then they are all text, None made "").

    The cells are joined a line each and searched in C: a column with no text that could
    start a formula, the common case, is kept as it is (a line break inside a cell may
    only make the column escaped cell by cell, as escape_formula decides).
    """
    distinct = _few_values(column)
    if distinct is not None:
        return _escaped_few(column, distinct)
    kinds = set(map(type, column))
    if not kinds <= _TEXT_TYPES:
        return list(map(escape_formula, column)), False
    if kinds == {type(None)}:
        return [""] * len(column), True
    if type(None) in kinds:
        column = ["" if c is None else c for c in column]
    joined = "\n" + "\n".join(column)
    if _RISKY_LINE.search(joined):
        column = list(map(escape_formula, column))
        joined = "\n" + "\n".join(column)
    lines = joined.count("\n") == len(column)  # no cell holds a line break
    return column, lines and not any(c in joined for c in _QUOTED)


def _few_values(column: list) -> set | None:
    """The column's distinct cells, when they are few (category, region, 是/否): judged on
    its first cells; None for a column of many, or of cells that cannot be told apart so."""
    try:
        if len(set(column[:64])) > 16:
            return None
        distinct = set(column)
    except TypeError:  # a list, a mapping: no set holds them
        return None
    return distinct if len(distinct) <= 256 else None


def _escaped_few(column: list, distinct: set) -> tuple[list, bool]:
    """`_escaped` for a column of few distinct cells, each looked at once."""
    if not set(map(type, distinct)) <= _TEXT_TYPES:
        return list(map(escape_formula, column)), False
    if None in distinct:
        column = ["" if c is None else c for c in column]
        distinct = (distinct - {None}) | {""}
    if any(map(str.startswith, distinct, repeat(_RISKY_START))):
        column = list(map(escape_formula, column))
        distinct = set(map(escape_formula, distinct))
    return column, not any(c in cell for cell in distinct for c in (*_QUOTED, "\n"))


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


def sheet_bytes(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    title: str,
    choices: dict[int, Sequence[str]] | None = None,
) -> bytes:
    """A sheet to fill in, as the file name asks: .xlsx (with drop-down lists) or .csv."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(headers, rows, title=title, choices=choices)
    if suffix == ".csv":
        return write_csv(headers, rows)
    raise InputError(Problem(file=str(path), message=f"{title}表只能写成 .xlsx 或 .csv"))
