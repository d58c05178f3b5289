"""ssj init: a new workspace."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .options import Json


class RosterFormat(str, Enum):
    yaml = "yaml"
    csv = "csv"


HELP = """\
新建工作区：ssj.yaml、rosters/（一单两库）、plans/、schemas/、.gitignore；目录不在 git 仓库中时执行 git init。

--example 填入一个虚构的青岚区示例（60 余家单位、十余名执法人员、江西省意见附件1 的抽查事项清单），可直接试用全部流程。
--roster-format csv 把名录存为 CSV（适合数万家以上的名录：读写快得多，可用 Excel 打开；YAML 可写注释）。

示例：ssj init 双随机 --authority 某某区应急管理局
      ssj init /tmp/示例 --example
"""


def init(
    directory: Annotated[
        Path, typer.Argument(metavar="目录", help="工作区目录（不存在则创建）")
    ] = Path("."),
    example: Annotated[bool, typer.Option("--example", help="填入虚构的示例数据")] = False,
    authority: Annotated[
        str | None,
        typer.Option("--authority", metavar="机关", help="机关名称，如“某某区应急管理局”"),
    ] = None,
    level: Annotated[
        str, typer.Option("--level", metavar="层级", help="本机关的监管层级：省/市/县")
    ] = "县",
    roster_format: Annotated[
        RosterFormat, typer.Option("--roster-format", help="名录文件格式：yaml 或 csv（大名录）")
    ] = RosterFormat.yaml,
    json_output: Json = False,
) -> None:
    from ..services.init import create_workspace
    from .output import console, emit_json

    result = create_workspace(
        directory,
        example=example,
        authority=authority,
        level=level,
        roster_format=roster_format.value,
    )
    if json_output:
        emit_json(result)
        return
    console.print(f"已创建工作区：{result['root']}")
    for path in result["files"]:
        console.print(f"  {path}")
    if result["git_init"]:
        console.print("已执行 git init。")
    then = (
        "示例的年度方案已批准，可直接抽取"
        if result["example"]
        else "再 ssj plan init 编制年度方案，批准后用 ssj plan approve 记录批准，然后才能抽取"
    )
    console.print(f"\n下一步：检查名录后提交（git add -A && git commit -m 建立名录库），{then}")
