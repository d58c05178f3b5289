"""The `ssj` command: a thin layer that parses options and calls the package.

Command modules import only typer at the top and everything heavy inside the
command body, so that `ssj --help` stays quick.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from typing import Annotated

import typer

from .. import __version__
from .help import ChineseGroup, localize
from .options import State, WorkspaceDir

HELP = """\
ssj：“双随机、一公开”监管抽查工具。名录库、抽查事项和年度方案以 YAML 文件保存在 git 中，
每一次随机抽取都可由记录的种子复现、由任何人核验。

流程：ssj init → ssj roster import → ssj draw → ssj assign → ssj record → ssj disclose →
ssj audit → ssj report。每个命令都接受 -C 目录（同 git -C）；加 --json 输出一个 JSON 文档。

退出码：0 完成；1 操作被拒绝或审计有问题；2 输入或用法错误。
"""


class RootGroup(ChineseGroup):
    def list_commands(self, ctx) -> list[str]:
        """In the order of the work, not the order typer registers commands and groups."""
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))


def _root() -> typer.Typer:
    root = typer.Typer(
        name="ssj",
        cls=RootGroup,
        help=HELP,
        no_args_is_help=True,
        rich_markup_mode=None,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    root.callback()(_main)
    return root


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ssj 版本 {__version__}")
        raise typer.Exit()


def _main(
    ctx: typer.Context,
    directory: WorkspaceDir = None,
    version: Annotated[
        bool, typer.Option("--version", help="显示版本并退出", callback=_version, is_eager=True)
    ] = False,
) -> None:
    ctx.ensure_object(State)


# name: (module of cli/, a command or a group, the one-line summary for the list)
COMMANDS = {
    "init": ("init", "command", "新建工作区（--example 为虚构示例）"),
    "roster": ("roster", "group", "一单两库：导入、校验、导出、转换"),
    "plan": ("plan", "group", "年度方案：编制、批准、公告，工作量测算"),
    "draw": ("draw", "group", "随机抽取检查对象（种子仪式、候补替换）"),
    "assign": ("assign", "group", "随机匹配执法检查人员"),
    "joint": ("joint", "group", "部门联合抽查：一次抽取、各部门选派、一次进门"),
    "verify": ("verify", "command", "按记录重算抽取、匹配与回访"),
    "record": ("record", "group", "记录检查结果、复查"),
    "ledger": ("ledger", "group", "检查台账：导入其他检查、频次上限"),
    "status": ("status", "command", "待办与逾期事项"),
    "disclose": ("disclose", "group", "一公开：公开期限与公示"),
    "revisit": ("revisit", "group", "回访：随机抽取与记录"),
    "audit": ("audit", "command", "审计：全部规则、全部重算、git 历史"),
    "report": ("report", "command", "年度方案与结果报告（docx/html/md）"),
    "schema": ("schema", "command", "生成编辑器用的 JSON Schema"),
    "demo": ("demo", "command", "用内置示例走完整个流程"),
}
ORDER = list(COMMANDS)  # the order of the work, as the command list shows it


# Commands that run the others (the demo walks the whole flow through the root command).
RUNS_OTHERS = {"demo"}


def _add(root: typer.Typer, name: str) -> None:
    """One command or group, imported only now."""
    module_name, kind, summary = COMMANDS[name]
    module = importlib.import_module(f"{__package__}.{module_name}")
    if kind == "command":
        root.command(name, help=module.HELP, short_help=summary)(getattr(module, name))
    else:
        extra = {"cls": module.TaskOrCommand} if hasattr(module, "TaskOrCommand") else {}
        root.add_typer(module.app, name=name, short_help=summary, **extra)


def build(names: Iterable[str] = ORDER) -> typer.Typer:
    """The `ssj` app with the commands `names` (all of them by default), in Chinese."""
    root = _root()
    for name in names:
        _add(root, name)
    localize(root)
    return root


def __getattr__(name: str):
    """`app`, the whole command tree, built the first time it is asked for."""
    if name == "app":
        whole = globals()["app"] = build()
        return whole
    raise AttributeError(name)


def invoked(argv: list[str]) -> str | None:
    """The command `argv` runs, when it names one and nothing but the root's -C comes first."""
    tokens = iter(argv)
    for token in tokens:
        if token == "-C":
            next(tokens, None)
        elif token.startswith("-C"):
            continue
        else:
            return token if token in COMMANDS and token not in RUNS_OTHERS else None
    return None


def main() -> None:
    """The console script `ssj`: typer builds only the command that runs (the whole tree
    for the root's help or a name it does not know, whose message lists the commands)."""
    from .errors import run

    # ssj uses no pydantic plugin; looking for them reads every installed package's
    # metadata (about 15 ms on each run). typer disables them for its own models too.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    argv = sys.argv[1:]
    name = invoked(argv)
    whole = globals().get("app")
    sys.exit(run(whole or (build([name]) if name else build()), argv))
