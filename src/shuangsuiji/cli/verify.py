"""ssj verify: re-run recorded draws from their records and the committed rosters."""

from __future__ import annotations

from typing import Annotated

import typer

HELP = """\
按记录中的种子、参数和当时提交的名录重新计算抽取，与记录逐项比对：一致则显示“一致”，否则列出差异（退出码 1）。

示例：ssj verify            （核验全部抽取）
      ssj verify 2026-1
"""


def verify(
    ctx: typer.Context,
    draw_id: Annotated[str | None, typer.Argument(help="抽取编号；不给则核验全部")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    from ..services.verify import verify as run
    from .output import console, emit_json, styled

    found = run(ctx.obj.workspace(), draw_id)
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
