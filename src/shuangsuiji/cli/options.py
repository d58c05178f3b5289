"""Options that several commands share, declared once with the same Chinese help.

Command modules write `year: Year = None` rather than declaring `--year` again, so the
name, metavar and help of an option are the same wherever a user meets it. Only typer is
imported here: `ssj --help` must stay quick.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

DATE_METAVAR = "日期"


def parse_day(value: str | date) -> date:
    """A date as a user types it (2026-01-05, 2026/1/5, 2026年1月5日); the message is Chinese.

    typer names the option in front of the message ("选项 --date 的值无效：…"); click keeps
    the message of a BadParameter (of a ValueError it shows only the value).
    """
    from ..core.values import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def date_option(*names: str, help: str) -> typer.models.OptionInfo:
    """The one date option type: every `--date`, `--as-of`, `--start`, `--end` is made here."""
    return typer.Option(
        *names, parser=parse_day, metavar=DATE_METAVAR, help=help, show_default=False
    )


class State:
    """What the whole command line shares (ctx.obj): the workspace directory of `-C`."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory

    def workspace(self):
        from ..workspace import Workspace

        return Workspace.find(self.directory, explicit=self.directory is not None)

    def year(self, year: int | None) -> int:
        """The year asked for, or the bureau's current year by the workspace's clock."""
        return year or self.workspace().clock.year()


def _remember_workspace(ctx: typer.Context, value: Path | None) -> Path | None:
    """`-C` before or after the command name: the last one given wins."""
    if value is not None:
        ctx.ensure_object(State).directory = value
    return value


# Not passed to the command: the workspace is found through ctx.obj, whichever
# level of `ssj -C 目录 draw -C 目录 run` gave it.
WorkspaceDir = Annotated[
    Path | None,
    typer.Option(
        "-C",
        metavar="目录",
        help="工作区目录（同 git -C）；默认从当前目录向上查找 ssj.yaml",
        callback=_remember_workspace,
        expose_value=False,
        show_default=False,
    ),
]

Year = Annotated[
    int | None,
    typer.Option("--year", metavar="年度", help="计划年度，如 2026", show_default="今年"),
]
# audit reads every year unless told otherwise: the same option, another default.
OnlyYear = Annotated[
    int | None,
    typer.Option(
        "--year",
        metavar="年度",
        help="只报告该年度的问题（名录与配置的问题总会报告）",
        show_default="全部年度",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档（供程序读取）")]
NoCommit = Annotated[bool, typer.Option("--no-commit", help="写入文件，但不自动提交（git commit）")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="试运行：只校验并显示结果，不写入任何文件")]
Seed = Annotated[
    str | None,
    typer.Option(
        "--seed",
        metavar="种子",
        help="当众产生的种子，按输入原样使用（不得含 | 或换行），不得沿用以前抽取的种子；"
        "选填时不给则由系统生成 20 位数字",
    ),
]
SeedSource = Annotated[
    str | None,
    typer.Option(
        "--seed-source",
        metavar="说明",
        help="种子来源说明，如“福彩3D 2026003期开奖号码，纪检组见证”",
    ),
]
