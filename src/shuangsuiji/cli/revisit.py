"""ssj revisit: return visits (回访) — the draw, the questionnaire, the answers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from .options import Json, NoCommit, Seed, SeedSource, WorkspaceDir, Year, date_option

HELP = """\
回访（江西省意见 §(十五)）：从本年度已检查的单位中按 ssj-sha256-v1 随机抽取不低于 10%（向上取整）的单位，
抽取编号 <年度>-revisit，记录于 plans/<年度>/revisits/，自动提交，ssj verify 可重算。种子须重新产生，
不得与本年度抽取、匹配所用的种子相同；检查记录须已提交。每家回访单位按江西省意见附件3 的 8 个回访问题回访，
回答像检查结果一样记录（只追加新版本）。

示例：ssj revisit --year 2026 --ratio 0.1 --seed "福彩3D 2026330期 806" --seed-source "纪检组见证"
      ssj revisit template -o 回访表.xlsx --year 2026
      ssj revisit record --from 回访表.xlsx --year 2026
"""

app = typer.Typer(help=HELP, invoke_without_command=True)


@app.callback()
def revisit(
    ctx: typer.Context,
    year: Year = None,
    ratio: Annotated[
        str | None,
        typer.Option("--ratio", help="回访比例，如 0.1 或 10%；默认取规则（不低于 10%）"),
    ] = None,
    seed: Seed = None,
    seed_source: SeedSource = None,
    day: Annotated[
        date | None, date_option("--date", help="抽取日期，默认今天；早于今天须写 --reason")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="补录的理由（抽取日期早于今天时必填）")
    ] = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from ..services import revisit as revisits
    from .output import console, emit_json, table

    when = day  # None: the service's today, by the workspace's clock
    ws = ctx.obj.workspace()
    record = revisits.run(
        ws, ctx.obj.year(year), ratio, seed, seed_source, when, commit=not no_commit, reason=reason
    )
    if json_output:
        emit_json(
            {
                "draw_id": record.draw_id,
                "year": record.year,
                "seed": record.seed,
                "seed_source": record.seed_source,
                "algorithm": record.algorithm,
                "ratio": record.ratio,
                "population": len(record.population),
                "digest": record.digest,
                "selected": [p.model_dump() for p in record.selected],
                "questions": record.questions,
            }
        )
        return
    from ..workspace.year import year_tasks

    names = {e.id: e.name for e in year_tasks(ws, record.year).entities.values()}
    rows = [[n, p.id, names.get(p.id, ""), p.ticket[:12]] for n, p in enumerate(record.selected, 1)]
    console.print(
        table(
            f"回访单位（{len(rows)}/{len(record.population)}）",
            ["序号", "统一社会信用代码", "单位名称", "签号（前 12 位）"],
            rows,
        )
    )
    console.print(
        f"回访抽取 {record.draw_id} 已记录：种子 {record.seed}，来源：{record.seed_source}；"
        f"比例 {record.ratio}。核验：ssj verify {record.draw_id}\n"
        f"下一步：ssj revisit template -o 回访表.xlsx --year {record.year}，回访后 ssj revisit record --from 回访表.xlsx"
    )


@app.command("template")
def template(
    ctx: typer.Context,
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="文件", help="输出文件：.xlsx 或 .csv")
    ],
    year: Year = None,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """写出回访表：每家尚未回访的抽中单位一行，江西省意见附件3 的 8 个回访问题各占一列。

    示例：ssj revisit template -o 回访表.xlsx --year 2026
    """
    from ..services import revisit as revisits
    from .output import console, emit_json

    written = revisits.write_template(ctx.obj.workspace(), ctx.obj.year(year), output)
    if json_output:
        emit_json(written.as_json())
    else:
        console.print(
            f"已写出 {output}：{written.rows} 家待回访。填好后：ssj revisit record --from {output}"
        )


@app.command("record")
def record(
    ctx: typer.Context,
    entity: Annotated[
        str | None, typer.Argument(metavar="单位", help="回访单位的统一社会信用代码")
    ] = None,
    source: Annotated[
        Path | None,
        typer.Option("--from", metavar="文件", help="从回访表（CSV、XLSX 或 YAML）批量记录"),
    ] = None,
    year: Year = None,
    day: Annotated[date | None, date_option("--date", help="回访日期")] = None,
    method: Annotated[
        str | None, typer.Option("--method", help="回访方式：实地、电话、书面、网络")
    ] = None,
    visitors: Annotated[str | None, typer.Option("--visitors", help="回访人员，以 ; 分隔")] = None,
    respondent: Annotated[
        str | None, typer.Option("--respondent", help="受访人（职务即可）")
    ] = None,
    answer: Annotated[
        list[str] | None,
        typer.Option(
            "--answer", metavar="回答", help="依次回答 8 个问题（给 8 次）；终端中不给则逐题询问"
        ),
    ] = None,
    clues: Annotated[str | None, typer.Option("--clues", help="发现的问题线索")] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="更正理由（修改已记录的回答时必填）")
    ] = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """记录回访单位对江西省意见附件3 各回访问题的回答（只追加新版本；更正须写明理由）。

    示例：ssj revisit record 91350102604010605L --date 2026-12-01 --method 电话 --visitors 王某;李某 --answer … （8 次）
          ssj revisit record --from 回访表.xlsx
    """
    import sys

    from ..core.results import REVISIT_QUESTIONS
    from ..services import revisit as revisits
    from .output import console, emit_json

    ws = ctx.obj.workspace()
    year = ctx.obj.year(year)
    if source is not None:
        rows = revisits.read_answer_rows(source)
        label = source.name
    else:
        answers = list(answer or [])
        if entity and not answers and not json_output and sys.stdin.isatty():
            for n, question in enumerate(REVISIT_QUESTIONS, start=1):
                answers.append(typer.prompt(f"{n}. {question}\n回答"))
            day = day or typer.prompt("回访日期（如 2026-12-01）")
            visitors = visitors or typer.prompt("回访人员")
        rows = revisits.command_line_row(
            entity,
            answers,
            date=day,
            method=method,
            visitors=visitors,
            respondent=respondent,
            clues=clues,
            reason=reason,
        )
        label = "命令行"
    outcome = revisits.record_answers(ws, year, rows, label, reason, commit=not no_commit)
    if json_output:
        emit_json(outcome.as_json())
        return
    for w in outcome.written:
        console.print(
            f"已记录回访 {w['entity']} 第 {w['version']} 版（{w['change']}）→ {w['file']}"
        )
    if outcome.unchanged:
        console.print(f"内容未变：{'、'.join(outcome.unchanged)}")
    if outcome.commit:
        console.print(f"已提交 {outcome.commit[:10]}。")
