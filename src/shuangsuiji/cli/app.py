"""The `ssj` command: a thin layer that parses options and calls the package.

Command modules import only typer at the top and everything heavy inside the
command body, so that `ssj --help` stays quick.
"""

from __future__ import annotations

import sys
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

ORDER = [
    "init",
    "roster",
    "plan",
    "draw",
    "assign",
    "joint",
    "verify",
    "record",
    "ledger",
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ssj 版本 {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    directory: WorkspaceDir = None,
    version: Annotated[
        bool, typer.Option("--version", help="显示版本并退出", callback=_version, is_eager=True)
    ] = False,
) -> None:
    ctx.ensure_object(State)


def _register() -> None:
    """The commands in the order of the work, each with a one-line summary for the list."""
    from . import (
        assign,
        audit,
        demo,
        disclose,
        draw,
        init,
        joint,
        ledger,
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
    app.add_typer(
        joint.app, name="joint", short_help="部门联合抽查：一次抽取、各部门选派、一次进门"
    )
    app.command("verify", help=verify.HELP, short_help="按记录重算抽取、匹配与回访")(verify.verify)
    app.add_typer(
        record.app, name="record", cls=record.TaskOrCommand, short_help="记录检查结果、复查"
    )
    app.add_typer(ledger.app, name="ledger", short_help="检查台账：导入其他检查、频次上限")
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
    """The console script `ssj`."""
    from .errors import run

    sys.exit(run(app, sys.argv[1:]))
