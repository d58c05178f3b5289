"""ssj draw: the verifiable entity draw (ssj-sha256-v1)."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import typer

from .options import DryRun, Json, NoCommit, Seed, SeedSource, WorkspaceDir, Year, date_option

HELP = """\
按 ssj-sha256-v1 随机抽取检查对象并记录（plans/<年度>/draws/<抽取编号>.yaml，自动提交），任何人都可复现。

重点单位列为确定性任务；两年未检查的单位强制纳入（R3）；冷却期、年度上限、其他层级、注销单位不入随机池。
名录和方案必须已提交且未改动；同一抽取编号只能抽一次。

示例：ssj draw --year 2026 --ratio 0.2 --stratify 所属区域
      ssj draw --year 2026 --where 监管类别=冶金工贸 --seed "福彩3D 2026003期 517" --seed-source "福彩开奖，纪检组见证"
      ssj draw prepare --year 2026      （先冻结名单并提交，再当众产生种子）
      ssj draw run --year 2026 --seed 4821-0937-5512
"""

app = typer.Typer(help=HELP, invoke_without_command=True)

Ratio = Annotated[str | None, typer.Option("--ratio", help="抽查比例，如 0.2 或 20%；覆盖方案")]
Count = Annotated[int | None, typer.Option("--count", min=1, help="每层抽取数量；覆盖方案")]
Stratify = Annotated[
    list[str] | None,
    typer.Option("--stratify", help="分层字段（英文键或中文表头，可重复），如 region / 所属区域"),
]
Where = Annotated[
    list[str] | None, typer.Option("--where", help="定向条件 字段=值（可重复）；不给为不定向")
]
Periods = Annotated[str | None, typer.Option("--periods", help='检查时段，如 "2-3,5-6,9-10,12"')]
Alternates = Annotated[int | None, typer.Option("--alternates", min=0, help="每层候补数")]
DrawId = Annotated[str | None, typer.Option("--draw-id", help="抽取编号，默认 <年度>-<序号>")]
Day = Annotated[
    date | None,
    date_option("--date", help="抽取日期（冷却期据此计算），默认今天；早于今天须写 --reason"),
]
RedrawOf = Annotated[
    str | None, typer.Option("--redraw-of", help="重抽：被取代的抽取编号（原记录保留）")
]
Reason = Annotated[
    str | None,
    typer.Option(
        "--reason", help="重抽的理由（与 --redraw-of 同用），或补录的理由（--date 早于今天时）"
    ),
]


class EngineName(str, Enum):
    python = "python"
    duckdb = "duckdb"


Engine = Annotated[
    EngineName,
    typer.Option(
        "--engine",
        help="计算引擎：`python`（默认）或 `duckdb`（以引用方式保存的百万级名录，记录相同；"
        "须 `pip install 'shuangsuiji[duckdb]'`，见 `docs/scale.md`）",
    ),
]
Joint = Annotated[
    str | None,
    typer.Option(
        "--joint",
        metavar="编号",
        help="部门联合抽查：按已提交的联合抽查任务（定向条件、时段、各部门的冷却期与上限）抽取一次，"
        "抽取编号即任务编号",
    ),
]


def _request(
    year, draw_id, ratio, count, stratify, where, periods, alternates, day, redraw_of, reason
):
    from ..workspace.drawing import Request

    return Request(
        year=year,
        draw_id=draw_id,
        ratio=ratio,
        count=count,
        stratify=stratify,
        where=where or [],
        periods=periods,
        alternates=alternates,
        day=day,
        redraw_of=redraw_of,
        reason=reason,
    )


@app.callback()
def draw(
    ctx: typer.Context,
    year: Year = None,
    ratio: Ratio = None,
    count: Count = None,
    stratify: Stratify = None,
    where: Where = None,
    periods: Periods = None,
    alternates: Alternates = None,
    seed: Seed = None,
    seed_source: SeedSource = None,
    draw_id: DrawId = None,
    day: Day = None,
    redraw_of: RedrawOf = None,
    reason: Reason = None,
    joint: Joint = None,
    engine: Engine = EngineName.python,
    dry_run: DryRun = False,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from ..services import draw as draws

    ws = ctx.obj.workspace()
    if joint is not None:
        _refuse_with_joint(
            year=year,
            stratify=stratify,
            where=where,
            periods=periods,
            draw_id=draw_id,
            redraw_of=redraw_of,
            dry_run=dry_run,
        )
        shown = draws.draw_joint(
            ws,
            joint,
            seed,
            seed_source,
            not no_commit,
            ratio=ratio,
            count=count,
            day=day,
            reason=reason,
            alternates=alternates,
        )
        show_draw(shown, json_output)
        return
    request = _request(
        ctx.obj.year(year),
        draw_id,
        ratio,
        count,
        stratify,
        where,
        periods,
        alternates,
        day,
        redraw_of,
        reason,
    )
    if dry_run:
        frozen = draws.dry_run(ws, request)
        _show_frozen(frozen, json_output)
        return
    if engine is EngineName.duckdb:  # workspace/engine_duckdb.py: not millions of lines
        drawn = draws.draw_now(ws, request, seed, seed_source, not no_commit, engine.value)
        _show_large(drawn, json_output)
        return
    show_draw(draws.draw_now(ws, request, seed, seed_source, commit=not no_commit), json_output)


def _show_large(drawn, json_output: bool) -> None:
    from .output import console, emit_json

    if json_output:
        emit_json(drawn.as_json())
        return
    record = drawn.record
    _strata_table(record.strata)
    _exclusions({e.reason: [None] * e.count for e in record.excluded})
    console.print(
        f"抽取 {record.draw_id} 已记录（DuckDB）：随机池 {record.population.count} 个，"
        f"抽中 {drawn.selected} 个，候补 {drawn.alternates} 个，重点单位 {len(record.key)} 个；"
        f"种子 {record.seed}，来源：{record.seed_source}；算法 {record.algorithm}；"
        f"名录提交 {record.commit[:10]}。\n核验：ssj verify {record.draw_id}"
    )


def _refuse_with_joint(**given) -> None:
    """A joint draw's scope, periods and id are its task's: options that would change them
    are refused rather than ignored."""
    from ..core.problems import InputError

    flags = {"draw_id": "draw-id", "redraw_of": "redraw-of", "dry_run": "dry-run"}
    used = [f"--{flags.get(k, k)}" for k, v in given.items() if v]
    if used:
        raise InputError(
            f"{'、'.join(used)} 不能与 --joint 同用：联合抽查的年度、定向条件、时段和编号取自联合抽查任务"
        )


@app.command("prepare")
def prepare(
    ctx: typer.Context,
    year: Year = None,
    ratio: Ratio = None,
    count: Count = None,
    stratify: Stratify = None,
    where: Where = None,
    periods: Periods = None,
    alternates: Alternates = None,
    draw_id: DrawId = None,
    day: Day = None,
    redraw_of: RedrawOf = None,
    reason: Reason = None,
    seed_source: SeedSource = None,
    seed_format: Annotated[
        str | None,
        typer.Option(
            "--seed-format",
            metavar="格式",
            help="预备时承诺的种子格式：`3d`（福彩3D）、`ssq`（双色球）、`pl5`（排列五）、"
            "`dice:N`（掷骰若干次）、`digits:N`（若干位数字）、`drand`、`nist`（随机信标）、"
            "`witnesses:N`（若干名见证人）或 `free`",
        ),
    ] = None,
    commitment: Annotated[
        list[str] | None,
        typer.Option(
            "--commitment",
            metavar="摘要",
            help="见证人秘密的 SHA-256（格式 `witnesses:N` 时每人一次，按见证人顺序）",
        ),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option("--witness", metavar="姓名", help="见证人姓名（可选，与承诺同序）"),
    ] = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """预备抽取：在任何种子产生之前冻结随机池、各层数量和全部参数，写入记录并提交。

    之后当众产生种子（如摇骰子、采用福彩开奖号码），再用 ssj draw run 执行；名录或参数若有改动，执行会被拒绝。
    用 --seed-source 与 --seed-format 事先承诺种子从哪里来、写成什么样：执行时只接受该来源、该格式的种子，
    事后不能另选一期开奖号码。

    示例：ssj draw prepare --year 2026 --ratio 0.2 --seed-format 3d --seed-source "福彩3D 2026035期"
    """
    from ..services import draw as draws
    from .output import console, emit_json

    ws = ctx.obj.workspace()
    request = _request(
        ctx.obj.year(year),
        draw_id,
        ratio,
        count,
        stratify,
        where,
        periods,
        alternates,
        day,
        redraw_of,
        reason,
    )
    from ..core.records import SeedPlan

    seed_plan = SeedPlan(
        seed_source=seed_source,
        seed_format=seed_format,
        commitments=commitment or [],
        witnesses=witness or [],
    )
    record = draws.prepare(ws, request, commit=not no_commit, seed_plan=seed_plan)
    if json_output:
        emit_json(record.model_dump(mode="json"))
        return
    _strata_table(record.strata)
    console.print(
        f"已预备抽取 {record.draw_id}：随机池 {record.population.count} 个，"
        f"摘要 {record.population.digest}\n下一步：当众产生种子后执行  ssj draw run --year {record.year} "
        f"--draw-id {record.draw_id} --seed <种子> --seed-source <来源>"
    )


@app.command("run")
def run(
    ctx: typer.Context,
    seed: Seed,
    year: Year = None,
    draw_id: DrawId = None,
    seed_source: SeedSource = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """执行已预备（并已提交）的抽取；预备之后名录或参数有任何改动则拒绝。

    示例：ssj draw run --year 2026 --draw-id 2026-1 --seed "3 6 2 5 1 4" --seed-source "纪检组监督下掷骰六次"
    """
    from ..services import draw as draws

    ws = ctx.obj.workspace()
    drawn = draws.run_prepared(
        ws, ctx.obj.year(year), draw_id, seed, seed_source, commit=not no_commit
    )
    show_draw(drawn, json_output)


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option("--reason", metavar="理由", help="为何放弃这次预备抽取")],
    year: Year = None,
    draw_id: DrawId = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """取消一次尚未执行的预备抽取，写明理由并提交；此后它不能再执行。

    预备之后放弃、另行抽取而不取消的，审计报告为错误（R14）。

    示例：ssj draw cancel --year 2026 --draw-id 2026-1 --reason 名录更新后须重新预备
    """
    from ..services import draw as draws
    from .output import console, emit_json

    entry = draws.cancel(
        ctx.obj.workspace(), ctx.obj.year(year), draw_id, reason, commit=not no_commit
    )
    if json_output:
        emit_json(entry.model_dump(mode="json"))
        return
    console.print(f"已取消预备抽取 {entry.draw_id}：{entry.reason}")


@app.command("replace")
def replace(
    ctx: typer.Context,
    entity: Annotated[
        str, typer.Argument(metavar="单位", help="要替换的抽中单位（统一社会信用代码或编号）")
    ],
    reason: Annotated[str, typer.Option("--reason", help="理由，如 已注销、无法联系")],
    year: Year = None,
    draw_id: DrawId = None,
    day: Day = None,
    no_commit: NoCommit = False,
    json_output: Json = False,
    workspace: WorkspaceDir = None,
) -> None:
    """由同一分层第一个未用的候补替换抽中单位，记录理由（原抽取记录不变）。

    示例：ssj draw replace 91350102MA2Y3K4L5N --reason 已注销
    """
    from ..services import draw as draws
    from .output import console, emit_json

    ws = ctx.obj.workspace()
    entry = draws.replace(ws, entity, reason, draw_id, year, day, not no_commit)
    if json_output:
        emit_json(entry.model_dump(mode="json"))
    else:
        console.print(f"已由候补 {entry.replacement} 替换 {entry.entity}（{entry.reason}）")


# ------------------------------------------------------------------ output


def _strata_table(strata) -> None:
    from .output import console, table

    rows = [
        [
            s.stratum,
            s.population,
            (s.ratio and _pct(s.ratio)) or "",
            s.count or "",
            s.minimum or "",
            s.selected,
        ]
        for s in strata
    ]
    total = sum(s.population for s in strata), sum(s.selected for s in strata)
    rows.append(["合计", total[0], "", "", "", total[1]])
    console.print(
        table("各层抽取数量", ["分层", "随机池 N", "比例", "数量", "最少", "抽取 k"], rows)
    )


def _pct(ratio: str) -> str:
    from decimal import Decimal

    from ..render.wording import percent

    return percent(Decimal(ratio))


def _show_frozen(frozen, json_output: bool) -> None:
    from ..core.light import as_json
    from .output import console, emit_json

    if json_output:
        emit_json(
            {
                "draw_id": frozen.draw_id,
                "dry_run": True,
                "population": as_json(frozen.population),
                "strata": [
                    {"stratum": s.stratum, "population": s.population, "selected": s.selected}
                    for s in frozen.strata
                ],
                "key": [e.id for e in frozen.pool.key],
                "forced": [e.id for e in frozen.pool.forced],
                "excluded": {r: len(ids) for r, ids in frozen.pool.excluded.items()},
                "warnings": frozen.warnings(),
            }
        )
        return
    _strata_table(frozen.strata)
    _exclusions(frozen.pool.excluded)
    for warning in frozen.warnings():
        console.print(f"提醒：{warning}", style="yellow")
    console.print(
        f"重点单位 {len(frozen.pool.key)} 个，强制纳入 {len(frozen.pool.forced)} 个。（--dry-run：未抽取，未写入）"
    )


def _exclusions(excluded: dict[str, list[str]]) -> None:
    from .output import console

    if excluded:
        console.print(
            "未入随机池：" + "，".join(f"{r} {len(ids)} 个" for r, ids in excluded.items())
        )


def show_draw(drawn, json_output: bool) -> None:
    if json_output:
        from .output import emit_json

        emit_json(drawn.as_json())
        return
    from .output import console, table

    record, names = drawn.record, drawn.names
    for warning in drawn.warnings:
        console.print(f"提醒：{warning}", style="yellow")
    _strata_table(record.strata)
    rows = [
        [i, p.id, names.get(p.id, ""), p.stratum, p.period or "", p.ticket[:12]]
        for i, p in enumerate(record.selected, 1)
    ]
    console.print(
        table(
            f"抽中单位（{len(rows)}）",
            ["序号", "统一社会信用代码/编号", "单位名称", "分层", "时段", "签号（前 12 位）"],
            rows,
        )
    )
    if record.key or record.forced:
        fixed = [
            [
                t.id,
                names.get(t.id, ""),
                "重点单位" if t in record.key else "两年未检查（R3）",
                t.period or "",
            ]
            for t in record.key + record.forced
        ]
        console.print(
            table(
                f"确定性任务（{len(fixed)}）",
                ["统一社会信用代码/编号", "单位名称", "类型", "时段"],
                fixed,
            )
        )
    if record.alternates:
        console.print("候补：" + "，".join(f"{a.stratum}：{a.id}" for a in record.alternates))
    _exclusions({e.reason: [None] * e.count for e in record.excluded})
    source = "（系统生成）" if record.seed_generated else ""
    console.print(
        f"抽取 {record.draw_id} 已记录：种子 {record.seed}{source}，"
        f"来源：{record.seed_source}；算法 {record.algorithm}；名录提交 {record.commit[:10]}。\n"
        f"核验：ssj verify {record.draw_id}"
    )
