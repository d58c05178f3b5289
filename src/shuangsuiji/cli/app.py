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
from .help import ChineseGroup, localize

HELP = """\
ssj：“双随机、一公开”监管抽查工具。名录库、抽查事项和年度方案以 YAML 文件保存在 git 中，
每一次随机抽取都可由记录的种子复现、由任何人核验。

流程：ssj init → ssj roster import → ssj draw → ssj assign → ssj record → ssj disclose →
ssj audit → ssj report。每个命令都接受 -C 目录（同 git -C）；加 --json 输出一个 JSON 文档。

退出码：0 完成；1 操作被拒绝或审计有问题；2 输入或用法错误。
"""

ORDER = [
    "init",
    "roster",
    "plan",
    "draw",
    "assign",
    "verify",
    "record",
    "status",
    "disclose",
    "revisit",
    "audit",
    "report",
    "schema",
    "demo",
]


class RootGroup(ChineseGroup):
    def list_commands(self, ctx) -> list[str]:
        """In the order of the work, not the order typer registers commands and groups."""
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))


app = typer.Typer(
    name="ssj",
    cls=RootGroup,
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

    def year(self, year: int | None) -> int:
        """The year asked for, or the bureau's current year by the workspace's clock."""
        return year or self.workspace().clock.year()


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
    """The commands in the order of the work, each with a one-line summary for the list."""
    from . import (
        assign,
        audit,
        demo,
        disclose,
        draw,
        init,
        plan,
        record,
        report,
        revisit,
        roster,
        schema,
        status,
        verify,
    )

    app.command("init", help=init.HELP, short_help="新建工作区（--example 为虚构示例）")(init.init)
    app.add_typer(roster.app, name="roster", short_help="一单两库：导入、校验、导出、转换")
    app.add_typer(plan.app, name="plan", short_help="年度方案：工作量测算（R12）")
    app.add_typer(draw.app, name="draw", short_help="随机抽取检查对象（种子仪式、候补替换）")
    app.add_typer(assign.app, name="assign", short_help="随机匹配执法检查人员")
    app.command("verify", help=verify.HELP, short_help="按记录重算抽取、匹配与回访")(verify.verify)
    app.add_typer(
        record.app, name="record", cls=record.TaskOrCommand, short_help="记录检查结果、复查"
    )
    app.command("status", help=status.HELP, short_help="待办与逾期事项")(status.status)
    app.add_typer(disclose.app, name="disclose", short_help="一公开：公开期限与公示")
    app.add_typer(revisit.app, name="revisit", short_help="回访：随机抽取与记录")
    app.command("audit", help=audit.HELP, short_help="审计：全部规则、全部重算、git 历史")(
        audit.audit
    )
    app.command("report", help=report.HELP, short_help="年度方案与结果报告（docx/html/md）")(
        report.report
    )
    app.command("schema", help=schema.HELP, short_help="生成编辑器用的 JSON Schema")(schema.schema)
    app.command("demo", help=demo.HELP, short_help="用内置示例走完整个流程")(demo.demo)


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
    except BrokenPipeError:  # `ssj … | head`: the reader has gone, nothing to say
        sys.exit(141)
    except OSError as exc:  # disk full, permissions, a file vanished: no traceback
        where = f"{exc.filename}：" if exc.filename else ""
        _fail(f"文件读写失败：{where}{exc.strerror or exc}", 1, json_mode, prefix="错误")
    except Exception as exc:
        if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):
            _fail(_validation_problems(exc), 2, json_mode)  # a model refused a value
        sys.exit(_click_exit(exc))
    sys.exit(code if isinstance(code, int) else 0)


def _validation_problems(exc) -> list:
    """A pydantic error that no earlier check caught, as problems (never a traceback)."""
    from ..core.models import describe
    from ..core.problems import Problem

    return [
        Problem(
            file="",
            field=".".join(str(part) for part in error["loc"]) or None,
            message=f"输入无效：{describe(error)}",
        )
        for error in exc.errors()
    ]


# click's usage errors, in Chinese (the English text is kept for anything not listed).
_CLICK_MESSAGES = (
    (r"^No such option: (\S+)", r"没有选项 \1"),
    (r"^No such command '(.*)'\.", r"没有命令“\1”"),
    (r"^Missing option '(.*)'\.", r"缺少选项 \1"),
    (r"^Missing argument '(.*)'\.", r"缺少参数 \1"),
    (r"^Option '(.*)' requires an argument\.", r"选项 \1 需要一个值"),
    (r"^Got unexpected extra arguments? \((.*)\)", r"多余的参数：\1"),
    (r"^Invalid value for '(.*?)': ", r"选项 \1 的值无效："),
    (r"Value error, ", ""),
    (
        r"(?:Value error, )?'(.*?)' does not match the formats? .*",
        r"“\1”不是有效日期（应写作 2026-03-01）",
    ),
    (r"'(.*?)' is not a valid integer( range)?\.", r"“\1”不是整数"),
    (r"'(.*?)' is not one of (.*)\.", r"“\1”无效，可选 \2"),
    (r"'(.*?)' is not a valid boolean\.", r"“\1”应为 是/否"),
    (r"Input should be a valid integer.*", r"应为整数"),
    (r"Input should be a valid number.*", r"应为数字"),
    (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
    (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
    (r"(.*?) is not in the range (.*)\.", r"\1 不在范围 \2 内"),
)


def _click_exit(exc: Exception) -> int:
    """Usage errors and aborts of click (vendored by newer typer, or not): message and code."""
    import re

    if type(exc).__name__ == "Abort":
        sys.stderr.write("已中止。\n")
        return 130
    if type(exc).__name__ == "NoArgsIsHelpError":  # `ssj` or `ssj roster` alone: the help
        exc.show()
        return exc.exit_code
    if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
        message = exc.format_message()
        for pattern, chinese in _CLICK_MESSAGES:
            message = re.sub(pattern, chinese, message)
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            from .help import translate

            sys.stderr.write(translate(ctx.get_usage()) + "\n")
            sys.stderr.write(f"运行 “{ctx.command_path} -h” 查看帮助。\n")
        sys.stderr.write(f"错误：{message}\n")
        return exc.exit_code
    if hasattr(exc, "exit_code"):
        return exc.exit_code
    raise exc


def _fail(what, code: int, json_mode: bool, prefix: str = "拒绝") -> None:
    from .output import emit_json, errors, problem_dict, problems_table, styled

    if json_mode:
        if isinstance(what, str):
            emit_json({"ok": False, "error": what})
        else:
            emit_json({"ok": False, "problems": [problem_dict(p) for p in what]})
    elif isinstance(what, str):
        errors.print(styled((f"{prefix}：", "red"), what))
    elif len(what) == 1:
        errors.print(styled(("错误：", "red"), str(what[0])))
    else:  # the table prints every cell literally
        errors.print(problems_table(what, f"发现 {len(what)} 处问题，未写入任何文件"))
    sys.exit(code)
