"""ssj demo: the whole workflow on the built-in example, one real command at a time."""

from __future__ import annotations

import re
import shlex
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

HELP = """\
在一个新目录里用内置示例（虚构的青岚区应急管理局）模拟今年一整年的工作：建立工作区、提交名录、抽取对象、
匹配人员、核验，写出检查结果表并模拟检查人员填写（多数未发现问题，几项隐患限期整改并复查，一项当场整改，
一项行政处罚），导入检查结果，每个检查时段结束后公开结果，年底审计，生成方案和工作情况报告。
每一步都在它那一天执行（演示自带时钟：1 月初建立工作区、3 月初抽取，每月检查结束当天记录、次个工作日公开，
12 月 31 日审计），打印并执行真实的 ssj 命令，可照着在自己的工作区里做；任何一步失败即停止，退出码为该步骤的退出码。

示例：ssj demo /tmp/ssj-示例
"""

GIT_COMMIT = ["git", "commit"]  # the demo's own step: commit the new workspace
FILL = ["fill"]  # the demo's own step: the inspectors fill in the results sheet
COMMIT_MESSAGE = "建立名录库和年度方案"
SHEET = "演示检查结果.csv"


def draw_day(year: int) -> date:
    """The day of the demo's draw: the first working day from 5 January."""
    from ..core.calendar import WorkCalendar
    from ..services.demo import WorkingDays

    return WorkingDays(WorkCalendar()).on_or_after(date(year, 1, 5))


def at(day: date, hour: int = 9) -> datetime:
    """An instant of the simulated year, in the example bureau's time zone."""
    from ..workspace.clock import DEFAULT_ZONE

    return datetime.combine(day, time(hour), ZoneInfo(DEFAULT_ZONE))


Steps = list[tuple[datetime, list[str]]]


def setup_steps(root: Path, year: int, day: date) -> Steps:
    """From an empty folder to a drawn, staffed plan and a blank results sheet, on the draw day."""
    c, y = ["-C", str(root)], str(year)
    steps = [
        ["init", str(root), "--example"],
        GIT_COMMIT,
        [*c, "roster", "check"],
        # The example's joint task first: one draw of the gas stations, each department its
        # own team. The year's draw then leaves them alone (they are in their cooldown); drawn
        # the other way round, it may take every gas station and leave the joint draw none.
        [*c, "joint", "show", f"{y}-联合1"],
        [*c, "draw", "--joint", f"{y}-联合1", "--count", "2", "--seed-source", "演示：由系统生成"],
        *(
            [*c, "assign", "--joint", f"{y}-联合1", "--department", d]
            for d in ("应急管理局", "市场监管局", "消防救援大队")
        ),
        [*c, "draw", "--year", y, "--dry-run"],
        [*c, "draw", "--year", y, "--seed-source", "演示：由系统生成"],
        [*c, "assign", "--year", y],
        [*c, "verify"],
        [*c, "record", "template", "--year", y, "-o", str(root / SHEET)],
        FILL,
    ]
    return [(at(day), step) for step in steps]


def results_steps(root: Path, year: int, day: date, batches) -> Steps:
    """Each month's results recorded when its inspections are over and published the working
    day after; the year audited and reported on its last day."""
    c, y = ["-C", str(root)], str(year)
    year_end = date(year, 12, 31)
    steps: Steps = []
    for batch in batches:
        public = root / f"公示-{batch.published.isoformat()}.html"
        steps += [
            (at(batch.recorded, 17), [*c, "record", "--from", str(batch.sheet), "--year", y]),
            *((at(batch.recorded, 18), [*c, "record", "--from", str(sheet), "--year", y,
                                        "--department", name])
              for name, sheet in batch.departments),
            (at(batch.published, 10),
             [*c, "disclose", "publish", "--year", y, "--format", "html", "-o", str(public)]),
        ]  # fmt: skip
    end = at(year_end, 16)
    return [
        *sorted(steps),
        (end, [*c, "audit", "--year", y]),
        (end, [*c, "report", "--year", y, "--kind", "plan", "--format", "docx",
               "--date", day.isoformat(), "-o", str(root / "方案.docx")]),
        (end, [*c, "report", "--year", y, "--kind", "results", "--format", "docx",
               "-o", str(root / "工作情况报告.docx")]),
    ]  # fmt: skip


_PLAIN = re.compile(r"[\s'\"\\$`!*?;&|<>(){}\[\]#~]")


def shown(args: list[str]) -> str:
    """A command line as a user would type it (Chinese text needs no quotes in a shell)."""
    return " ".join(shlex.quote(a) if not a or _PLAIN.search(a) else a for a in args)


def run_ssj(root, args: list[str]) -> int:
    """Run `ssj args…` in this process on the `root` command, as the console script does."""
    from .errors import run

    return run(root, args)


def demo(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(metavar="目录", help="新建的演示目录（须不存在或为空）")
    ] = Path("ssj-demo"),
) -> None:
    from ..core.problems import Refused
    from ..storage.git import Git
    from ..workspace.clock import Clock
    from .output import console

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise Refused(f"{directory} 已存在且不是空目录；请换一个目录")
    root = directory.resolve()
    year = Clock().year()
    day = draw_day(year)
    git = Git(root, Clock())
    console.print(
        f"演示：模拟 {year} 年度一整年，每一步按它所在的日期运行（{day} 抽取，检查结束后记录与公开，{year}-12-31 审计）。"
    )
    if Git(_existing_parent(root)).is_repo():  # a demo never commits into someone's repository
        console.print("演示目录位于另一个 git 仓库中：为演示单独建立仓库。")
        _step(f"git init {shown([str(root)])}", at(day))
        root.mkdir(parents=True, exist_ok=True)
        git.init()
    command = ctx.find_root().command
    batches = _run(command, setup_steps(root, year, day), root, year, git)
    _run(command, results_steps(root, year, day, batches), root, year, git)
    console.rule()
    console.print(
        f"演示完成：工作区在 {root}，git log 可见每一步的提交；公开文件、方案和工作情况报告在该目录下。"
    )


def _run(root_command, steps: Steps, root: Path, year: int, git) -> list:
    """Run the steps in turn, each on the day it plays and shown first; stop the demo at the
    first that fails. The clock is fixed at each step's instant: the demo plays a whole year."""
    from ..workspace.clock import fixed_at
    from .output import console

    batches: list = []
    for when, step in steps:
        with fixed_at(when):
            if step is GIT_COMMIT:
                where = shown(["-C", str(root)])
                _step(f"git {where} add -A && git {where} commit -m {COMMIT_MESSAGE}", when)
                git.run("add", "-A", "--", ".")
                git.commit(["."], COMMIT_MESSAGE)
            elif step is FILL:
                batches = _fill(root, year, when)
            else:
                _step("ssj " + shown(step), when)
                code = run_ssj(root_command, step)
                if code != 0:
                    console.print(f"该步骤失败（退出码 {code}），演示停止。", style="red")
                    raise typer.Exit(code)
    return batches


def _step(text: str, when: datetime, command: bool = True) -> None:
    """A step's heading: a rule with the simulated day, then the whole command, as typed."""
    from .output import console

    console.rule(f"{when:%Y-%m-%d %H:%M}", style="dim")
    console.print(("$ " if command else "") + text, style="bold")


def _fill(root: Path, year: int, when: datetime) -> list:
    from ..services.demo import fill
    from ..workspace import Workspace
    from .output import console

    _step(f"（演示）检查人员填写 {SHEET}：检查日期、检查结果、隐患、复查、行政处罚", when, False)
    filled = fill(Workspace.find(root, explicit=True), year, root / SHEET)
    console.print(f"已填写 {SHEET}，按月分为 {len(filled.batches)} 份：{filled.summary()}。")
    return filled.batches


def _existing_parent(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path
