"""What a person sees: long lists cut to what a terminal shows, JSON without rich."""

import subprocess
import sys

from rich.console import Console

from shuangsuiji.cli.output import MAX_ROWS, problems_table
from shuangsuiji.core.problems import Problem


def _printed(renderable) -> str:
    console = Console(width=200, record=True, file=open("/dev/null", "w", encoding="utf-8"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def test_a_long_list_of_problems_shows_the_first_and_says_how_many():
    problems = [
        Problem(file="名录.csv", row=n, field="单位名称", message=f"第{n}个")
        for n in range(1, 1001)
    ]
    out = _printed(problems_table(problems, "提醒 1000 处"))
    assert f"第{MAX_ROWS}个" in out and f"第{MAX_ROWS + 1}个" not in out
    caption = f"仅显示前 {MAX_ROWS} 条（共 1000 条）；全部问题见 --json"
    assert "".join(caption.split()) in "".join(out.split())  # it wraps at the table's width


def test_a_short_list_is_shown_whole():
    problems = [Problem(file="名录.csv", row=n, message=f"第{n}个") for n in range(1, 4)]
    out = _printed(problems_table(problems))
    assert "第3个" in out and "仅显示" not in out


def test_printing_json_does_not_import_rich():
    # A command imports the consoles with emit_json; only printing to one loads rich.
    code = (
        "import sys; from shuangsuiji.cli.output import console, emit_json, errors; "
        "emit_json({'a': 1}); "
        "assert not any(m.startswith('rich') for m in sys.modules), 'rich imported'; "
        "console.print('表'); errors.print('错'); assert 'rich' in sys.modules"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, encoding="utf-8", env=_utf8()
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == '{"a": 1}\n表\n' and done.stderr == "错\n"


def _utf8() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONIOENCODING": "utf-8"}
