"""ssj verify: re-run recorded draws from their records and the committed rosters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .draw import EngineName
from .options import Json, WorkspaceDir

HELP = """\
按记录中的种子、参数和当时提交的名录重新计算抽取，与记录逐项比对：一致则显示“一致”，否则列出差异（退出码 1）。

示例：ssj verify            （核验全部抽取）
      ssj verify 2026-1
"""


def verify(
    ctx: typer.Context,
    draw_id: Annotated[
        str | None, typer.Argument(metavar="抽取编号", help="不给则核验全部")
    ] = None,
    json_output: Json = False,
    html: Annotated[
        bool, typer.Option("--html", help="写出可在浏览器中自行重算的核验页（须指定抽取编号与 -o）")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="文件", help="核验页文件")
    ] = None,
    engine: Annotated[
        EngineName | None,
        typer.Option(
            "--engine",
            help="重算抽取的引擎：`python` 或 `duckdb`；默认名录以引用方式保存时用 `duckdb`",
        ),
    ] = None,
    workspace: WorkspaceDir = None,
) -> None:
    from ..services.verify import verify as run
    from .output import console, emit_json, styled

    if html:
        _write_pages(ctx, draw_id, output, json_output)
        return
    found = run(ctx.obj.workspace(), draw_id, engine.value if engine else None)
    results, ok = found.verdicts, found.ok
    if json_output:
        emit_json(found.as_json())
    else:
        for r in results:
            mark = ("一致", "green") if r.ok else ("不一致", "red")
            console.print(styled(f"{r.kind} {r.id}（{r.file}）：", mark))
            for line in r.differences:
                console.print(f"  - {line}")
        if not results:
            console.print("没有可核验的记录。")
    if not ok:
        raise typer.Exit(1)


def _write_pages(ctx: typer.Context, draw_id: str | None, output: Path | None, json_output: bool):
    from ..core.problems import InputError
    from ..services.verify import write_pages
    from .output import console, emit_json

    if not draw_id or output is None:
        raise InputError("--html 需要抽取编号和 -o 文件，如 ssj verify 2026-1 --html -o 核验.html")
    written = [str(p) for p in write_pages(ctx.obj.workspace(), draw_id, output)]
    if json_output:
        emit_json({"ok": True, "pages": written})
        return
    for path in written:
        console.print(f"已写入核验页 {path}（用浏览器打开即自行重算，无需联网）")
