"""ssj demo: the whole workflow on the built-in example, one real command at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

HELP = """\
在一个新目录里用内置示例（虚构的青岚区应急管理局）走完整个流程：建立工作区、提交名录、抽取对象、匹配人员、
核验，以及记录、公开、审计、报告等。每一步都打印并执行真实的 ssj 命令，可照着在自己的工作区里做。

示例：ssj demo /tmp/ssj-示例
"""


def steps(root: Path, year: int) -> list[list[str]]:
    """The commands of the tour; a step whose command is not available is skipped."""
    c = ["-C", str(root)]
    return [
        ["init", str(root), "--example"],
        ["git", "commit"],
        [*c, "roster", "check"],
        [*c, "draw", "--year", str(year), "--dry-run"],
        [*c, "draw", "--year", str(year), "--seed-source", "演示：由系统生成"],
        [*c, "assign", "--year", str(year)],
        [*c, "verify"],
        [*c, "record", "--year", str(year), "--from", str(root / "演示检查结果.csv")],
        [
            *c,
            "disclose",
            "publish",
            "--year",
            str(year),
            "--format",
            "html",
            "-o",
            str(root / "公示.html"),
        ],
        [*c, "audit", "--year", str(year)],
        [*c, "report", "--year", str(year), "--format", "docx", "-o", str(root / "方案.docx")],
    ]


def demo(
    directory: Annotated[Path, typer.Argument(help="新建的演示目录（须不存在或为空）")] = Path(
        "ssj-demo"
    ),
) -> None:
    import subprocess
    import sys

    from ..storage.git import Git
    from .app import app
    from .output import console

    if directory.exists() and any(directory.iterdir()):
        from ..core.problems import Refused

        raise Refused(f"{directory} 已存在且不为空；请换一个目录")
    available = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    year = date.today().year
    for step in steps(directory.resolve(), year):
        if step == ["git", "commit"]:
            console.rule("git add -A && git commit -m 建立名录库和年度方案")
            git = Git(directory.resolve())
            git.run("add", "-A")
            git.commit(["."], "建立名录库和年度方案")
            continue
        name = step[2] if step[0] == "-C" else step[0]
        if name not in available:
            continue
        if name == "record" and not Path(step[-1]).exists():
            continue
        console.rule("ssj " + " ".join(step))
        done = subprocess.run([sys.executable, "-m", "shuangsuiji", *step], check=False)
        if done.returncode not in (0,):
            console.print(f"[red]该步骤退出码 {done.returncode}[/red]")
            raise typer.Exit(done.returncode)
    console.rule()
    console.print(f"演示完成：工作区在 {directory.resolve()}，git log 可见每一步的提交。")
