"""Everything a user reads from `ssj` itself is Chinese: help, usage errors, exit messages."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer

import shuangsuiji.cli.app as app_module
from shuangsuiji.cli import errors
from shuangsuiji.cli.help import choices_of

# Latin words that may appear in help and error text, and why:
ALLOWED = {
    # the program, and the tools and formats staff name in English
    "ssj",
    "git",
    "json",
    "yaml",
    "csv",
    "xlsx",
    "html",
    "docx",
    "md",
    "ci",
    "excel",
    "bom",  # UTF-8 带 BOM: the encoding's own name
    "schema",  # JSON Schema, a standard's name
    "head",  # the git revision, typed as it is
    "vs",
    "code",  # VS Code, the editor the schemas serve
    "quality",  # GitLab "Code Quality", the report format's name
    "holidays",  # the Python package of official holidays, by its name
    "region",
    "capacity",  # keys of ssj.yaml / plan.yaml, typed as they are
    "add",
    "commit",  # git's own commands, in `git add`, `git commit`
}
# An option (--ratio, -C), a path or file (plans/<年度>/draws, ssj.yaml), or an ID-like
# token with a digit (R12, ssj-sha256-v1, GB18030, UTF-8) is not a word to translate.
LATIN = re.compile(r"(?<![\w.\-/<])-{0,2}[A-Za-z][\w.\-/<>|=]*")


def _tree():
    """Every command path of `ssj`, found in the click command tree (never listed by hand)."""
    root = typer.main.get_command(app_module.app)
    paths, names, choices = [], set(), set()

    def walk(command, path):
        paths.append(path)
        for param in command.params:
            choices.update(choices_of(param))
        for name, sub in getattr(command, "commands", {}).items():
            names.add(name)
            walk(sub, [*path, name])

    walk(root, [])
    return paths, names, choices


PATHS, COMMAND_NAMES, CHOICES = _tree()


# Values rather than words: a default ([默认：ssj-demo]), what the user typed or may type
# (“drw”, “某某区应急管理局”), and the keys of a JSON document (`entity`).
VALUES = re.compile(r"\[默认：[^\]]*\]|“[^”]*”|`[^`]*`")


def latin_words(text: str) -> set[str]:
    """The Latin-script words of `text` that are none of the allowed kinds."""
    found = set()
    for token in LATIN.findall(VALUES.sub("", text)):
        if token.startswith("-") or "/" in token or "." in token or re.search(r"\d", token):
            continue
        for word in re.split(r"[|=<>]", token):
            if word and word.lower() not in ALLOWED | COMMAND_NAMES | CHOICES:
                found.add(word)
    return found


def ssj(capsys, *args: str) -> tuple[int, str, str]:
    code = errors.run(app_module.app, list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_tree_is_walked():
    assert ["draw", "prepare"] in PATHS and ["record", "reinspect"] in PATHS
    assert len(PATHS) > 25


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "ssj")
def test_every_help_is_chinese(capsys, path):
    code, out, err = ssj(capsys, *path, "--help")
    assert code == 0, err
    assert out.startswith(f"用法：{' '.join(['ssj', *path])} [选项]")
    assert "选项：" in out and "显示此帮助并退出" in out
    assert latin_words(out) == set(), out


def test_a_choice_default_keeps_its_english_value(capsys):
    out = ssj(capsys, "assign", "--help")[1]
    assert "--scope <bureau|department>" in out and "[默认：bureau]" in out
    assert "[默认：今年]" in out and "[不小于 0]" in out


def test_help_rows_line_up_by_terminal_width(capsys):
    """Chinese metavars are two columns wide: descriptions still start in one column."""
    from shuangsuiji.cli.help import width

    out = ssj(capsys, "draw", "run", "--help")[1]
    rows = [re.match(r"^(  -.*?\S)( {2,})\S", line) for line in out.splitlines()]
    starts = {width(row.group(1) + row.group(2)) for row in rows if row}
    assert len(starts) == 1, out


USAGE_ERRORS = {
    "unknown option": (["draw", "--rato", "0.2"], "没有选项 --rato；是否想用 --date、--ratio"),
    "unknown command": (["drw"], "没有命令“drw”；是否想用 draw？"),
    "unknown subcommand": (["draw", "prepair"], "没有命令“prepair”；是否想用 prepare？"),
    "missing argument": (["record", "show"], "缺少参数 <单位>"),
    "missing option": (["draw", "run"], "缺少选项 --seed"),
    "bad integer": (["draw", "--count", "三"], "选项 --count 的值无效：“三”不是整数"),
    "below the range": (["draw", "--count", "0"], "选项 --count 的值无效：应不小于 1"),
    "bad choice": (["assign", "--scope", "全局"], "选项 --scope 的值无效："),
    "bad date": (["status", "--as-of", "2026-02-30"], "选项 --as-of 的值无效：日期“2026-02-30”不存在"),
    "unreadable date": (["draw", "--date", "明天"], "选项 --date 的值无效：日期“明天”无法识别"),
    "value missing": (["draw", "--year"], "选项 --year 需要一个值"),
    "extra argument": (["verify", "2026-1", "2026-2"], "多余的参数：2026-2"),
}  # fmt: skip


@pytest.mark.parametrize("case", USAGE_ERRORS, ids=str)
def test_usage_errors_are_chinese(capsys, case):
    args, message = USAGE_ERRORS[case]
    code, out, err = ssj(capsys, *args)
    assert code == 2 and out == ""
    assert f"错误：{message}" in err, err
    assert re.search(r"运行“ssj( \w+)* -h”查看帮助。", err), err
    assert "Error" not in err and "Usage" not in err and "Try" not in err
    assert latin_words(err) == set(), err


def test_a_bad_choice_lists_the_choices_as_typed(capsys):
    err = ssj(capsys, "assign", "--scope", "全局")[2]
    assert "bureau" in err and "department" in err


def test_a_usage_error_with_json_is_a_json_document(capsys):
    import json

    code, out, err = ssj(capsys, "status", "--as-of", "明天", "--json")
    assert code == 2 and err == ""
    document = json.loads(out)
    assert document["ok"] is False
    (problem,) = document["problems"]
    assert problem["file"] == "命令行" and problem["field"] == "--as-of"
    assert problem["message"].startswith("选项 --as-of 的值无效：日期“明天”无法识别")


def test_version_and_bare_ssj(capsys):
    code, out, _ = ssj(capsys, "--version")
    assert code == 0 and re.fullmatch(r"ssj 版本 \S+\n", out)
    code, out, err = ssj(capsys)
    assert code == 2 and err.startswith("用法：ssj [选项] 命令 [参数]...")


def _raising(exc: BaseException):
    def app(**kwargs):
        raise exc

    return app


def _validation_error():
    from pydantic import BaseModel, ValidationError

    class Model(BaseModel):
        count: int

    try:
        Model.model_validate({"count": "many"})
    except ValidationError as exc:
        return exc
    raise AssertionError("pydantic accepted a bad value")


def _algorithm_error():
    from shuangsuiji.core.algorithm import AlgorithmInputError

    return AlgorithmInputError("种子不得含换行")


EXITS = {
    "input": (lambda: errors.InputError("名录第 3 行：缺少统一社会信用代码"), 2, "错误："),
    "refused": (lambda: errors.Refused("名录有未提交的改动"), 1, "拒绝："),
    "algorithm": (_algorithm_error, 2, "错误：种子不得含换行"),
    "os": (lambda: PermissionError(13, "权限不足", "rosters/entities.yaml"), 1, "文件读写失败"),
    "validation": (_validation_error, 2, "字段“count”：输入无效"),  # the YAML key, as written
    "interrupted": (KeyboardInterrupt, 130, "已中断"),
    "broken pipe": (BrokenPipeError, 141, ""),
}


@pytest.mark.parametrize("case", EXITS, ids=str)
def test_exceptions_become_exit_codes_and_chinese(monkeypatch, capsys, case):
    make, exit_code, message = EXITS[case]
    monkeypatch.setattr(app_module, "app", _raising(make()))
    code, out, err = ssj(capsys, "status")
    assert code == exit_code
    assert out == "" and message in err and "Traceback" not in err
    assert latin_words(err) == set(), err


def test_main_exits_with_the_code_of_run(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["ssj", "--version"])
    with pytest.raises(SystemExit) as exited:
        app_module.main()
    assert exited.value.code == 0


def test_help_starts_without_rich_and_errors_without_the_demo():
    code = (
        "import sys\n"
        "import shuangsuiji.cli.errors\n"
        "assert 'shuangsuiji.cli.demo' not in sys.modules\n"
        "assert 'shuangsuiji.cli.app' not in sys.modules\n"
        "from shuangsuiji.cli.app import app\n"
        "shuangsuiji.cli.errors.run(app, ['--help'])\n"
        "heavy = ('rich', 'pydantic', 'shuangsuiji.core.algorithm', 'ruamel.yaml')\n"
        "print('heavy=' + ','.join(m for m in heavy if m in sys.modules))\n"
        "shuangsuiji.cli.errors.run(app, ['draw', '--help'])\n"  # typer itself needs pydantic here
        "print('rich=' + str('rich' in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert "heavy=" in lines and lines[-1] == "rich=False"
