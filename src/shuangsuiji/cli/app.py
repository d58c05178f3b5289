"""The `ssj` command: a thin layer that parses options and calls the package.

Command modules import only typer at the top and everything heavy inside the
command body, so that `ssj --help` stays quick.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from ..core.problems import InputError, Refused
from .help import localize

HELP = """\
ssj：“双随机、一公开”监管抽查工具。名录库、抽查事项和年度方案以 YAML 文件保存在 git 中，
每一次随机抽取都可由记录的种子复现、由任何人核验。

流程：ssj init → ssj roster import → ssj draw → ssj assign → ssj record → ssj disclose →
ssj audit → ssj report。每个命令都接受 -C 目录（同 git -C）；加 --json 输出一个 JSON 文档。

退出码：0 完成；1 操作被拒绝或审计有问题；2 输入或用法错误。
"""

app = typer.Typer(
    name="ssj",
    help=HELP,
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def workspace(self):
        from ..workspace import Workspace

        return Workspace.find(self.directory, explicit=self.directory is not None)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ssj {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Option(
            "-C",
            help="工作区目录（同 git -C）；默认从当前目录向上查找 ssj.yaml",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", help="显示版本", callback=_version, is_eager=True)
    ] = False,
) -> None:
    ctx.obj = State(directory)


def _register() -> None:
    from . import assign, demo, draw, init, roster, schema, verify

    app.command("init", help=init.HELP)(init.init)
    app.add_typer(roster.app, name="roster")
    app.add_typer(draw.app, name="draw")
    app.add_typer(assign.app, name="assign")
    app.command("verify", help=verify.HELP)(verify.verify)
    app.command("schema", help=schema.HELP)(schema.schema)
    app.command("demo", help=demo.HELP)(demo.demo)


_register()
localize(app)


def main() -> None:
    """Entry point: maps ssj's exceptions to exit codes (2 bad input, 1 refused)."""
    from ..core.algorithm import AlgorithmInputError

    json_mode = "--json" in sys.argv[1:]
    try:
        # Without standalone mode click returns typer.Exit's code instead of exiting.
        code = app(standalone_mode=False)
    except InputError as exc:
        _fail(exc.problems, 2, json_mode)
    except AlgorithmInputError as exc:  # a seed, id or ratio the algorithm refuses
        _fail(str(exc), 2, json_mode, prefix="错误")
    except Refused as exc:
        _fail(str(exc), 1, json_mode)
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        sys.exit(130)
    except Exception as exc:
        sys.exit(_click_exit(exc))
    sys.exit(code if isinstance(code, int) else 0)


def _click_exit(exc: Exception) -> int:
    """Usage errors and aborts of click (vendored by newer typer, or not): message and code."""
    if type(exc).__name__ == "Abort":
        sys.stderr.write("已中止。\n")
        return 130
    if hasattr(exc, "show") and hasattr(exc, "exit_code"):
        exc.show()
        return exc.exit_code
    if hasattr(exc, "exit_code"):
        return exc.exit_code
    raise exc


def _fail(what, code: int, json_mode: bool, prefix: str = "拒绝") -> None:
    from .output import emit_json, errors, problem_dict, problems_table

    if json_mode:
        if isinstance(what, str):
            emit_json({"ok": False, "error": what})
        else:
            emit_json({"ok": False, "problems": [problem_dict(p) for p in what]})
    elif isinstance(what, str):
        errors.print(f"[red]{prefix}：[/red]{what}")
    elif len(what) == 1:
        errors.print(f"[red]错误：[/red]{what[0]}")
    else:
        errors.print(problems_table(what, f"发现 {len(what)} 处问题，未写入任何文件"))
    sys.exit(code)
