"""ssj roster: import, check and export the 一单两库."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .options import DryRun, Json, WorkspaceDir

app = typer.Typer(
    help="一单两库：从 Excel/CSV 导入、校验、导出检查对象名录库、执法检查人员名录库和抽查事项清单。",
    no_args_is_help=True,
)


class Kind(str, Enum):
    entities = "entities"
    inspectors = "inspectors"
    items = "items"


class Format(str, Enum):
    xlsx = "xlsx"
    csv = "csv"


KIND_NAMES = {"entities": "检查对象", "inspectors": "执法检查人员", "items": "抽查事项"}


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(metavar="文件", help="CSV（UTF-8、带 BOM 的 UTF-8 或 GB18030）或 XLSX 文件"),
    ],
    kind: Annotated[Kind | None, typer.Option("--kind", help="名录类型；默认由表头判断")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="以此表替换整个名录（表中没有的条目将删除）")
    ] = False,
    department: Annotated[
        str | None,
        typer.Option(
            "--department",
            metavar="部门",
            help="联合抽查的参与部门：导入该部门的执法检查人员或抽查事项（rosters/departments/<部门>/）",
        ),
    ] = None,
    dry_run: DryRun = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """按编号把表中各行合并进名录：报告新增、更新、未变（--replace 时还有删除）。

    表头用中文（统一社会信用代码、单位名称、监管类别、行业……）或英文键名；表中其他列原样保留。
    任何一行有误则列出全部问题（终端中最多显示 300 处，--json 列出全部）、不改动任何文件，退出码 2。

    示例：ssj roster import 企业名单.xlsx
          ssj -C 工作区 roster import 执法人员.csv --kind inspectors
    """
    from ..services.roster import import_file
    from .output import console, emit_json, problems_table

    ws = ctx.obj.workspace()
    result = import_file(ws, file, kind.value if kind else None, replace, dry_run, department)
    if json_output:
        emit_json(result.as_json())
        return
    counts = result.counts()
    encoding = f"（编码 {result.encoding}）" if result.encoding else ""
    console.print(
        f"{result.file}{encoding} → {KIND_NAMES[result.kind]}名录：新增 {counts['added']}，"
        f"更新 {counts['updated']}，未变 {counts['unchanged']}"
        + (f"，删除 {counts['removed']}" if replace else "")
    )
    if result.warnings:
        console.print(problems_table(result.warnings, f"提醒 {len(result.warnings)} 处"))
    if dry_run:
        console.print("（--dry-run：未写入文件）")
    elif result.written:
        console.print(f"已写入 {result.roster}；请检查后提交（git commit）。")


@app.command("check")
def check(ctx: typer.Context, json_output: Json = False, workspace: WorkspaceDir = None) -> None:
    """校验 ssj.yaml、三个名录和联合抽查参与部门的名录：一次列出全部问题（文件、行、字段；终端中最多显示 300 处，--json 列出全部），有错误时退出码 2。

    示例：ssj roster check
    """
    from ..services.roster import check_workspace
    from .output import console, emit_json, problem_dict, problems_table

    errors, warnings = check_workspace(ctx.obj.workspace())
    if json_output:
        emit_json(
            {
                "ok": not errors,
                "problems": [problem_dict(p) for p in errors]
                + [problem_dict(p, "warning") for p in warnings],
            }
        )
    else:
        if errors:
            console.print(problems_table(errors, f"错误 {len(errors)} 处"))
        if warnings:
            console.print(problems_table(warnings, f"提醒 {len(warnings)} 处"))
        if not errors:
            console.print("名录校验通过。", style="green")
    if errors:
        raise typer.Exit(2)


@app.command("export")
def export(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Option("--kind", help="名录类型")] = Kind.entities,
    format: Annotated[Format, typer.Option("--format", help="xlsx 或 csv")] = Format.xlsx,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="文件", help="输出文件；默认 <类型>.<格式>"),
    ] = None,
    workspace: WorkspaceDir = None,
) -> None:
    """把名录导出为 Excel 或 CSV（中文表头，可再导入）；以 = + - @ 开头的单元格会转义。

    示例：ssj roster export --kind inspectors --format csv -o 执法人员.csv
    """
    from ..services import roster as rosters
    from .output import console

    target = output or Path(f"{kind.value}.{format.value}")
    written = rosters.export(ctx.obj.workspace(), kind.value, format.value, target)
    console.print(f"已导出 {written.rows} 条到 {target}")


class StoredFormat(str, Enum):
    yaml = "yaml"
    csv = "csv"


@app.command("convert")
def convert(
    ctx: typer.Context,
    to: Annotated[StoredFormat, typer.Option("--to", help="yaml 或 csv")],
    kind: Annotated[Kind | None, typer.Option("--kind", help="名录类型；默认三个都转")] = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """改变名录的保存格式：rosters/<类型>.yaml 与 rosters/<类型>.csv 互转，内容不变。

    数万家以上的检查对象名录宜存为 CSV：读取快得多，也可直接用 Excel 打开；YAML 可写注释
    （转为 CSV 时注释不保留）。转换后请提交：git add -A rosters/ && git commit。

    示例：ssj roster convert --to csv --kind entities
    """
    from ..services.roster import convert as convert_rosters
    from .output import console, emit_json

    ws = ctx.obj.workspace()
    kinds = [kind.value] if kind else [k.value for k in Kind]
    done = convert_rosters(ws, kinds, to.value)
    if json_output:
        emit_json({"converted": [{"from": old, "to": new} for old, new in done]})
        return
    for old, new in done:
        console.print(f"{old} → {new}")
    if not done:
        console.print(f"名录已是 {to.value.upper()} 格式，未做改动")
