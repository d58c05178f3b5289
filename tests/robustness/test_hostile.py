"""Hostile input: exit 2, a Chinese message naming file/row/field, no traceback, no file changed.

Also formula injection: every CSV/XLSX ssj writes escapes cells beginning with = + - @.
"""

# ruff: noqa: F811

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from robustness_kit import (  # noqa: F401  (fixtures: session templates, copied per test)
    DAY,
    SSJ,
    commit_all,
    committed_workspace,
    drawn,
    empty_ws,
    example,
    git,
    registered,
    run,
    snapshot,
    templates,
)

from conftest import on, read_yaml

ENTITIES = "rosters/entities.yaml"
INSPECTORS = "rosters/inspectors.yaml"
HEAD = "entities:\n"
ROW = "- id: {id}\n  name: {name}\n  category: 危险化学品\n  industries: [危险化学品经营]\n"
GOOD = ROW.format(id="LS-1", name="甲公司")


@pytest.fixture(autouse=True)
def _on_the_drawing_day(clock):
    """These tests draw on DAY (`--date DAY` is today): no late entry."""
    clock.set(DAY)


def _no_traceback(result) -> None:
    assert "Traceback" not in result.out + result.err, result.err
    assert "Error" not in result.err.replace("错误", ""), result.err  # no English exception name


def refused(root: Path, *args: str, code: int = 2):
    """Run ssj; it must refuse with `code`, print no traceback and change no file."""
    before = snapshot(root)
    result = run("-C", root, *args)
    assert result.code == code, (args, result.code, result.out, result.err)
    _no_traceback(result)
    assert snapshot(root) == before, "a refused command changed the workspace"
    return result


def problems(root: Path, *args: str) -> list[dict]:
    """The problems of a refused command, from its --json output (also checked without)."""
    refused(root, *args)
    return refused(root, *args, "--json").json()["problems"]


def _roster(root: Path, text: str | bytes, path: str = ENTITIES, commit: bool = True) -> None:
    target = root / path
    if isinstance(text, str):
        text = text.encode("utf-8")
    target.write_bytes(text)
    if commit:
        commit_all(root, "名录（测试用）")


def _draw_args(*extra: str) -> tuple[str, ...]:
    return ("draw", "--year", "2026", "--date", DAY, "--seed", "种子", *extra)


# ------------------------------------------------------------------ YAML rosters

YAML_CASES = {
    # name: (roster text, field title or None, words in the message, line expected)
    "broken": (HEAD + GOOD + "- id: LS-2\n  name: [未闭合\n", None, ("YAML 格式错误",), True),
    "wrong types": (
        HEAD + "- id: [1, 2]\n  name: {a: 1}\n  category: 3\n  industries: x\n",
        "统一社会信用代码",
        ("应为文本",),
        True,
    ),
    "huge cell": (HEAD + ROW.format(id="LS-1", name="长" * 100_000), "单位名称", ("过长",), True),
    "unknown enum": (HEAD + GOOD + "  risk: 紫\n", "风险等级", ("紫", "无法识别"), True),
    "unknown status": (HEAD + GOOD + "  status: 倒闭\n", "经营状态", ("倒闭",), True),
    "unknown field": (HEAD + GOOD + "  colour: red\n", "colour", ("未知字段",), True),
    "duplicate id": (
        HEAD + GOOD + ROW.format(id="LS-1", name="乙公司"),
        "统一社会信用代码",
        ("重复",),
        True,
    ),
    "non-NFC id": (HEAD + ROW.format(id="E\u0301-1", name="甲"), "统一社会信用代码", ("NFC",), True),
    "control character": (HEAD + ROW.format(id="LS-1", name='"甲\\a公司"'), "单位名称", ("控制字符",), True),
    "terminal escape": (HEAD + ROW.format(id="LS-1", name='"\\e[31m红"'), "单位名称", ("控制字符",), True),
    "pipe in id": (HEAD + ROW.format(id="LS|1", name="甲"), "统一社会信用代码", ("|",), True),
    "slash in id": (HEAD + ROW.format(id="LS/1", name="甲"), "统一社会信用代码", ("斜杠",), True),
    "backslash in id": (HEAD + ROW.format(id="LS\\1", name="甲"), "统一社会信用代码", ("斜杠",), True),
    "BOM inside an id": (HEAD + ROW.format(id="LS\ufeff1", name="甲"), "统一社会信用代码", (), True),
    "bad credit code": (HEAD + ROW.format(id="91350100M000100Y44", name="甲"), "统一社会信用代码", ("校验",), True),
    "5000-digit number": (HEAD + ROW.format(id="1" * 5000, name="甲"), "统一社会信用代码", ("过长",), True),
    "binary tag": (HEAD + ROW.format(id="LS-1", name="!!binary 55Sy"), None, ("标签",), True),
    "python tag": (HEAD + ROW.format(id="LS-1", name="!!python/object:os.system x"), None, ("标签",), True),
    "set tag": (HEAD + ROW.format(id="LS-1", name="!!set {a, b}"), None, ("标签",), True),
    "top-level list": ("- a\n- b\n", None, ("entities",), False),
    "rows not a list": ("entities: 5\n", None, ("entities",), False),
    "row not a mapping": (HEAD + "- 5\n- [1]\n", None, ("键值表",), True),
    "markup in values": (
        HEAD + ROW.format(id="LS-1", name='"[/red][bold]甲"') + "  risk: '[/red]'\n",
        "风险等级",
        ("[/red]",),
        True,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_hostile_roster_file(example, case):
    text, field, words, line = YAML_CASES[case]
    _roster(example, text)
    found = problems(example, *_draw_args())
    assert found, case
    first = found[0]
    assert first["file"] == ENTITIES
    if line:
        assert first["line"] is not None, found
    if field:
        assert any(p["field"] == field for p in found), found
    message = " ".join(p["message"] for p in found)
    for word in words:
        assert word in message, message
    assert len(message) < 2000  # a huge or hostile value is never echoed whole
    assert all(re.search(r"[\u4e00-\u9fff]", p["message"]) for p in found)  # in Chinese


def test_markup_in_values_does_not_crash_roster_check(example):
    _roster(example, YAML_CASES["markup in values"][0], commit=False)
    result = refused(example, "roster", "check")
    assert "[/red]" in result.out + result.err  # printed as it is, not read as markup


def test_date_that_does_not_exist_in_a_roster(example):
    text = (
        "inspectors:\n- id: P-1\n  name: 张三\n  valid_until: 2026-02-30\n"
        "- id: P-2\n  name: 李四\n  valid_until: 2026年13月1日\n"
    )
    _roster(example, text, INSPECTORS)
    found = problems(example, "roster", "check")
    dates = [p for p in found if p["field"] == "证件有效期至"]
    assert [p["line"] for p in dates] == [4, 7], found
    assert "2026-02-30" in dates[0]["message"] and "不存在" in dates[0]["message"]


def test_alias_bomb_is_refused_fast(example):
    """The "billion laughs": 9 levels of 9 aliases, 387 million strings once expanded."""
    lines = ['a0: &a0 ["哈哈", "哈哈", "哈哈", "哈哈", "哈哈", "哈哈", "哈哈", "哈哈", "哈哈"]']
    for n in range(1, 10):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n" + HEAD + ROW.format(id="LS-1", name="甲") + "  flags: *a9\n"
    _roster(example, bomb)
    started = time.monotonic()
    found = problems(example, *_draw_args())
    assert time.monotonic() - started < 2
    assert "锚点" in found[0]["message"] and found[0]["line"] == 1


def test_merge_key_and_single_alias_refused_too(example):
    text = "base: &b {category: 危险化学品}\n" + HEAD + "- <<: *b\n  id: LS-1\n  name: 甲\n"
    _roster(example, text)
    assert "锚点" in problems(example, "roster", "check", "--json")[0]["message"]


def test_deep_nesting_is_refused_fast(example):
    _roster(example, HEAD + "- " + "[" * 200 + "]" * 200 + "\n")
    found = problems(example, *_draw_args())
    assert "嵌套过深" in found[0]["message"]


def test_very_deep_nesting_does_not_crash_the_interpreter(example):
    """1,000,000 nested brackets used to crash Python inside the C YAML composer."""
    _roster(example, HEAD + "- " + "[" * 1_000_000 + "]" * 1_000_000 + "\n")
    started = time.monotonic()
    done = subprocess.run([*SSJ, "-C", str(example), "roster", "check"], capture_output=True)
    assert time.monotonic() - started < 10
    assert done.returncode == 2, done.stderr.decode()
    assert "嵌套过深" in done.stdout.decode() + done.stderr.decode()


def test_oversized_file_refused(example, monkeypatch):
    from shuangsuiji.storage import yamlio

    monkeypatch.setattr(yamlio, "MAX_BYTES", 1000)
    _roster(example, HEAD + "".join(ROW.format(id=f"LS-{n}", name="甲") for n in range(50)))
    assert "过大" in problems(example, *_draw_args())[0]["message"]


def test_gbk_yaml_refused_bom_accepted(example):
    _roster(example, (HEAD + ROW.format(id="LS-1", name="甲公司")).encode("gbk"))
    assert "UTF-8" in problems(example, *_draw_args())[0]["message"]
    _roster(example, b"\xef\xbb\xbf" + (HEAD + ROW.format(id="LS-1", name="甲公司")).encode())
    assert run("-C", example, "roster", "check").code == 0


def test_free_text_is_normalised_ids_are_not(example):
    """Names are stored as NFC; an id is refused, never "cleaned" (ALGORITHM.md)."""
    from shuangsuiji.workspace import Workspace

    _roster(example, HEAD + ROW.format(id="LS-1", name="Cafe\u0301"))
    assert run("-C", example, "roster", "check").code == 0
    assert Workspace(example).roster("entities").rows[0].name == "Caf\u00e9"


def test_empty_roster_draw_says_there_is_nothing_to_draw(empty_ws):
    found = problems(empty_ws, *_draw_args())
    assert "没有可抽取的对象" in found[0]["message"]
    refused(empty_ws, "draw", "prepare", "--year", "2026", "--date", DAY)


def test_filter_that_leaves_nothing(example):
    found = problems(example, *_draw_args("--where", "region=不存在的乡镇"))
    assert "没有可抽取的对象" in found[0]["message"]


# ------------------------------------------------------------------ person-edited YAML


def test_broken_config_and_plan_name_file_and_line(example):
    (example / "ssj.yaml").write_text("authority: 某局\ncategories: [\n", encoding="utf-8")
    commit_all(example)
    found = problems(example, *_draw_args())
    assert found[0]["file"] == "ssj.yaml" and found[0]["line"] is not None
    git(example, "revert", "--no-edit", "HEAD")


@pytest.mark.parametrize("ratio", ["0", "1.5", "abc", "-0.2", "nan", "[0.2]"])
def test_bad_ratio_in_the_plan(example, ratio):
    path = example / "plans" / "2026" / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^ratio: .*$", f"ratio: {ratio}", text), encoding="utf-8")
    commit_all(example)
    found = problems(example, *_draw_args())
    assert found[0]["file"] == "plans/2026/plan.yaml" and found[0]["line"] is not None, found


# ------------------------------------------------------------------ command line


@pytest.mark.parametrize(
    "seed", ["a|b", "a\nb", "a\r\nb", "a\u2028b", " 前导空格", "", "x" * 257, "零宽\u200b"]
)
def test_bad_seeds(example, seed):
    result = refused(example, "draw", "--year", "2026", "--date", DAY, "--seed", seed)
    assert "种子" in result.err


@pytest.mark.parametrize("ratio", ["0", "1.5", "abc", "-1", "nan", "inf", "1e999999", "20%%"])
def test_bad_ratios(example, ratio):
    result = refused(example, *_draw_args("--ratio", ratio))
    assert "比例" in result.err


@pytest.mark.parametrize(
    "args",
    [
        ("--date", "2026-02-30"),
        ("--year", "99999"),
        ("--year", "abc"),
        ("--count", "0"),
        ("--where", "no_such_field=1"),
        ("--stratify", "no_such_field"),
        ("--periods", "13-14"),
        ("--bogus",),
    ],
)
def test_bad_options(example, args):
    base = ["draw", "--year", "2026", "--seed", "种子"]
    if args[0] in ("--date", "--year"):
        base = ["draw", "--seed", "种子"]
    result = refused(example, *base, *args)
    assert re.search(r"[\u4e00-\u9fff]", result.err.splitlines()[-1]), result.err


def test_seed_of_the_draw_refused_for_the_assignment(drawn):
    root = drawn
    seed = read_yaml(root / "plans/2026/draws/2026-1.yaml")["seed"]
    refused(root, "assign", "--year", "2026", "--seed", seed, code=1)


# ------------------------------------------------------------------ spreadsheets in

HEADERS = "统一社会信用代码,单位名称,监管类别,行业\n"

CSV_CASES = {
    # name: (bytes, row, field title, words)
    "huge cell": ((HEADERS + "LS-1," + "长" * 40_000 + ",危险化学品,x\n").encode(), 2, None, ("过长",)),
    "duplicate ids": ((HEADERS + "LS-1,甲,危险化学品,x\nLS-1,乙,危险化学品,x\n").encode(), 3, "统一社会信用代码", ("重复",)),
    "pipe in id": ((HEADERS + "LS|1,甲,危险化学品,x\n").encode(), 2, "统一社会信用代码", ()),
    "path in id": ((HEADERS + "../x,甲,危险化学品,x\n").encode(), 2, "统一社会信用代码", ()),
    "control character": ((HEADERS + "LS-1,甲\x1b[2J,危险化学品,x\n").encode(), 2, "单位名称", ("控制字符",)),
    "unknown enum": ((HEADERS.strip() + ",风险等级\nLS-1,甲,危险化学品,x,紫\n").encode(), 2, "风险等级", ("紫",)),
    "missing column": ("统一社会信用代码,单位名称\nLS-1,甲\n".encode(), 1, None, ()),
    "date that does not exist": ("执法证号,姓名,证件有效期至\nP-1,张三,2026-02-30\n".encode(), 2, "证件有效期至", ("不存在",)),
    "non-NFC id": ((HEADERS + "E\u0301,甲,危险化学品,x\n").encode(), 2, "统一社会信用代码", ("NFC",)),
    "binary": (bytes(range(256)) * 8, None, None, ("编码",)),
    "empty": (b"", None, None, ("空",)),
    "unknown kind": ("甲,乙\n1,2\n".encode(), 1, None, ()),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_hostile_spreadsheet(example, tmp_path, case):
    data, row, field, words = CSV_CASES[case]
    table = tmp_path / "名单.csv"
    table.write_bytes(data)
    found = problems(example, "roster", "import", str(table))
    assert found[0]["file"] == "名单.csv"
    if row is not None:
        assert found[0]["row"] == row, found
    if field:
        assert found[0]["field"] == field, found
    message = " ".join(p["message"] for p in found)
    for word in words:
        assert word in message, message
    assert len(message) < 2000


@pytest.mark.parametrize(
    "name, data", [("名单.xlsx", b"PK\x03\x04broken"), ("名单.xls", b"\xd0\xcf\x11\xe0"), ("名单.txt.exe", b"x")]
)  # fmt: skip
def test_broken_or_unsupported_workbooks(example, tmp_path, name, data):
    table = tmp_path / name
    table.write_bytes(data)
    refused(example, "roster", "import", str(table))


def test_gbk_and_bom_csv_accepted(example, tmp_path):
    """What Excel on Chinese Windows writes is taken as it is (PRODUCT.md)."""
    for encoding, prefix in (("gb18030", b""), ("utf-8", b"\xef\xbb\xbf")):
        table = tmp_path / f"{encoding}.csv"
        table.write_bytes(prefix + (HEADERS + "LS-9,青岚区某公司,危险化学品,x\n").encode(encoding))
        result = run("-C", example, "roster", "import", str(table), "--dry-run", "--json")
        assert result.code == 0, result.err
        assert result.json()["added"] == 1


# ------------------------------------------------------------------ formula injection

FORMULAS = ['=HYPERLINK("http://example.invalid","点我")', "+1+1", "-2+3", "@SUM(1)", "\t=1"]


def _hostile_names(root: Path) -> dict[str, str]:
    """Give the first entities names that a spreadsheet would run as formulas."""
    path = root / ENTITIES
    data = read_yaml(path)
    names = {}
    for entity, formula in zip(data["entities"], FORMULAS, strict=False):
        entity["name"] = formula.strip()
        names[entity["id"]] = formula.strip()
    from conftest import write_yaml

    write_yaml(path, data)
    commit_all(root, "带公式的单位名称")
    return names


def _assert_escaped(cells: list[str], names: dict[str, str]) -> None:
    for name in names.values():
        assert name not in cells, f"{name!r} written raw"
        assert "'" + name in cells, f"{name!r} not escaped"
    assert not [c for c in cells if isinstance(c, str) and c and c[0] in "=+-@\t"]


def _csv_cells(data: bytes) -> list[str]:
    import csv
    import io

    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]


def _xlsx_cells(data: bytes) -> list[str]:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula was written"
    return [c.value for c in cells if c.value is not None]


def test_roster_export_escapes_formulas_and_imports_back(example, tmp_path):
    names = _hostile_names(example)
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"entities.{fmt}"
        assert run("-C", example, "roster", "export", "--format", fmt, "-o", out).code == 0
        cells = (_csv_cells if fmt == "csv" else _xlsx_cells)(out.read_bytes())
        _assert_escaped(cells, names)
        # The escape is undone on import: exporting and importing changes nothing.
        back = run("-C", example, "roster", "import", str(out), "--json", "--dry-run")
        assert back.code == 0, back.err
        assert back.json()["updated"] == 0 and back.json()["added"] == 0, back.out


@pytest.mark.skipif(
    not (registered("disclose") and registered("record")), reason="issue 5 not registered"
)
def test_disclosure_escapes_formulas(example, tmp_path):
    from conftest import write_yaml

    path = example / ENTITIES
    data = read_yaml(path)
    keys = [e for e in data["entities"] if e.get("key")]  # key units are always inspected
    names = {}
    for entity, formula in zip(keys, FORMULAS, strict=False):
        entity["name"] = formula.strip()
        names[entity["id"]] = formula.strip()
    write_yaml(path, data)
    commit_all(example, "带公式的单位名称")
    root = committed_workspace(example)
    assert run("-C", root, "assign", "--year", "2026", "--seed", "匹配").code == 0
    assignment = read_yaml(root / "plans/2026/assignments/2026-1.yaml")
    rows = ["统一社会信用代码,检查开始日期,检查结束日期,检查人员,检查结果"]
    for task in assignment["tasks"]:
        team = ";".join(m["id"] for m in task["inspectors"])
        rows.append(f"{task['entity']},2026-03-10,2026-03-10,{team},未发现问题")
    table = tmp_path / "检查结果.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with on("2026-03-12"):  # recorded after the inspections
        assert run("-C", root, "record", "--from", table).code == 0
    for day, fmt in (("2026-03-20", "csv"), ("2026-03-21", "xlsx")):
        out = tmp_path / f"公开.{fmt}"
        with on(day):
            result = run(
                "-C", root, "disclose", "publish", "--year", "2026", "--all",
                "--format", fmt, "-o", out,
            )  # fmt: skip
        assert result.code == 0, result.err
        cells = (_csv_cells if fmt == "csv" else _xlsx_cells)(out.read_bytes())
        _assert_escaped(cells, names)


def test_only_storage_tabular_builds_spreadsheets():
    """Every CSV/XLSX goes through tabular.write_csv / write_xlsx, which escape formulas."""
    package = Path(__file__).resolve().parents[2] / "src" / "shuangsuiji"
    builders = re.compile(r"\bWorkbook\(|csv\.(?:writer|DictWriter)\(|\.append\(\[.*\]\).*sheet")
    offenders = [
        f"{path.relative_to(package)}:{n}"
        for path in sorted(package.rglob("*.py"))
        if path.relative_to(package).as_posix() != "storage/tabular.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if builders.search(line)
    ]
    assert not offenders, offenders


@pytest.mark.parametrize(
    "value", ["[bold]x", "a[/]", "[/red]", "[link=file:///etc]甲[/link]", "乙\\"]
)
def test_table_cells_print_literally(value):
    """A unit name, file or message that looks like rich markup is shown as it is."""
    from rich.console import Console

    from shuangsuiji.cli.output import problems_table, table
    from shuangsuiji.core.problems import Problem

    console = Console(record=True, width=300, color_system=None)
    console.print(table(f"标题{value}", ["单位名称", value], [[value, None]]))
    console.print(problems_table([Problem(file=value, field=value, message=value)], value))
    assert console.export_text().count(value) == 7  # 3 in the table, 4 in the problems
    assert "\\\\" not in console.export_text()  # nor a backslash doubled


@pytest.mark.parametrize("value", ["[/x]", "[bold]甲", "a[/]b"])
def test_markup_in_a_seed_source_or_reason_is_printed_as_it_is(example, value):
    """Messages quote the user's words; the consoles never read them as markup."""
    drawn = run("-C", example, "draw", "--year", "2026", "--seed", "s-1", "--seed-source", value)
    assert drawn.code == 0 and value in drawn.out, drawn.err
    assert "Traceback" not in drawn.err
    refused = run("-C", example, "draw", "--year", "2026", "--draw-id", f"{value}|x")
    assert refused.code == 2 and value in refused.err
