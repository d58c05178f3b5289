"""ssj verify: re-run recorded draws from their records and the committed rosters."""

from __future__ import annotations

from typing import Annotated

import typer

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
    workspace: WorkspaceDir = None,
) -> None:
    from ..verification import verify_all
    from .output import console, emit_json, styled

    ws = ctx.obj.workspace()
    results = verify_all(ws, draw_id)
    ok = all(r.ok for r in results)
    if json_output:
        emit_json({"ok": ok, "results": [r.__dict__ for r in results]})
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
