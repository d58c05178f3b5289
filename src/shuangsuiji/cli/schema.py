"""ssj schema: JSON Schemas for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .options import WorkspaceDir

HELP = """\
由数据模型生成 JSON Schema（名录库、事项清单、ssj.yaml、年度方案），写入工作区的 schemas/。
ssj 写的名录文件首行引用它们，VS Code 等编辑器据此即时校验、补全字段。

示例：ssj schema
      ssj schema -o /tmp/schemas
"""


def schema(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="目录", help="输出目录；默认为工作区的 schemas/"),
    ] = None,
    workspace: WorkspaceDir = None,
) -> None:
    from ..services.schema import write_schemas
    from .output import console

    for path in write_schemas(output or ctx.obj.workspace().root / "schemas"):
        console.print(f"已写入 {path}")
