"""The year's results report (工作情况报告), from the facts of services/report."""

from __future__ import annotations

from decimal import Decimal

from .blocks import (
    Annex,
    AnnexList,
    Document,
    Heading,
    Numbering,
    Para,
    Signature,
    Table,
)
from .common import (
    date_cn,
    listing,
    made_from,
    new_document,
    num,
    pct,
    period_cn,
    rate,
    share,
)


def _ratio_value(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


DISCLOSURE_NAMES = {
    "disclosed": "按期公开",
    "late": "逾期公开",
    "due": "未到期限、尚未公开",
    "overdue": "逾期未公开",
    "unknown": "期限未知（节假日安排未收录）",
}


def results_document(f) -> Document:
    """The year's results (kind results) from `reports.ResultsFacts`."""
    from .blocks import Chart, Series

    doc = new_document(
        f.title, f.config.authority, f"{f.year}年度“双随机、一公开”监管抽查工作情况", f.day
    )
    n = Numbering()
    t = f.total
    on_time = f.disclosure.get("disclosed", 0)
    disclosed_due = on_time + f.disclosure.get("late", 0) + f.disclosure.get("overdue", 0)
    doc.add(
        Para(
            f"截至{date_cn(f.day)}，本局{f.year}年度“双随机、一公开”监管抽查计划检查{t.planned}家（次），"
            f"已完成检查并记录{t.recorded}家（次）；发现事故隐患{t.hazards}项，"
            f"已整改{t.closed}项；行政处罚{f.penalties}起。现将工作情况报告如下。"
        )
    )
    doc.add(Heading(1, n.next(1), "目标完成情况"))
    targets = [
        ["监管执法计划完成率", "100%", rate(t.recorded, t.planned)],
        ["事故隐患责令整改率", "100%", rate(t.on_site + t.ordered, t.hazards)],
        ["事故隐患到期复查率", "100%", rate(t.reinspected_on_time, t.due_reinspection)],
        ["违法行为依法查处率", "100%", rate(t.handled, t.violations)],
        [
            f"检查结果按期公开率（{f.disclosure_days}个工作日）",
            "100%",
            rate(on_time, disclosed_due),
        ],
    ]
    doc.add(
        Para(
            "按照年度方案确定的目标（监管执法计划完成率，事故隐患责令整改率、到期复查率，"
            "违法行为依法查处率均达100%）和检查结果公开期限，完成情况如下："
        )
    )
    doc.add(
        Table(
            columns=["目标", "要求", "完成情况"],
            rows=targets,
            caption=f"表1  {f.year}年度目标完成情况",
            widths=[3.2, 1, 2.6],
            align="lcr",
            note=(
                "注：到期复查率以整改期限已届满或已复查的隐患为基数，复查日期不晚于整改期限为按期；"
                "违法行为以检查结果为“发现问题待后续处理”“不配合检查情节严重”或已作出处罚的任务计，"
                "作出处罚决定（含首违不罚）为已查处；公开率以已到期限或已公开的任务为基数。"
            ),
        )
    )
    doc.add(
        Chart(
            title="图1  目标完成情况",
            labels=[row[0].split("（")[0] for row in targets],
            series=[
                Series(
                    "完成率",
                    [
                        _ratio_value(t.recorded, t.planned),
                        _ratio_value(t.on_site + t.ordered, t.hazards),
                        _ratio_value(t.reinspected_on_time, t.due_reinspection),
                        _ratio_value(t.handled, t.violations),
                        _ratio_value(on_time, disclosed_due),
                    ],
                    "#C00000",
                )
            ],
            percent=True,
        )
    )
    doc.add(Heading(1, n.next(1), "分类别检查情况"))
    rows = [
        [
            c.category,
            str(c.planned),
            str(c.recorded),
            share(c.recorded, c.planned),
            str(c.hazards),
            str(c.major),
            str(c.closed),
            str(c.handled),
        ]
        for c in [*f.categories, t]
    ]
    doc.add(
        Table(
            columns=["监管类别", "计划", "已检查", "完成率", "隐患", "重大隐患", "已整改", "处罚"],
            rows=rows,
            caption=f"表2  {f.year}年度分类别检查情况",
            widths=[2.2, 1, 1, 1.2, 1, 1.2, 1.1, 1],
            align="l" + "r" * 7,
            total=True,
        )
    )
    doc.add(
        Chart(
            title="图2  各类别计划与完成检查数",
            labels=[c.category for c in f.categories],
            series=[
                Series("计划检查", [float(c.planned) for c in f.categories], "#7F7F7F"),
                Series("已检查", [float(c.recorded) for c in f.categories], "#C00000"),
            ],
            unit="家（次）",
        )
    )
    doc.add(Heading(1, n.next(1), "检查结果"))
    if f.codes:
        doc.add(Para("已记录任务的检查结果（按国家统一的结果类型）如下："))
        doc.add(
            Table(
                columns=["检查结果", "任务数", "占比"],
                rows=[[code, str(k), share(k, t.recorded)] for code, k in f.codes.items()]
                + [["合计", str(t.recorded), "100%" if t.recorded else "—"]],
                caption="表3  检查结果分布",
                widths=[4, 1, 1],
                align="lrr",
                total=True,
                width=0.8,
            )
        )
    else:
        doc.add(Para("尚无检查记录（ssj record）。"))
    doc.add(Heading(1, n.next(1), "隐患整改和复查"))
    open_total = sum(line.open_hazards for line in f.lines)
    overdue = [line for line in f.lines if line.overdue_hazards]
    doc.add(
        Para(
            f"检查发现事故隐患{t.hazards}项，其中重大事故隐患{t.major}项；当场整改{t.on_site}项，"
            f"责令限期整改{t.ordered}项。整改期限已届满或已复查的{t.due_reinspection}项中，"
            f"按期复查{t.reinspected_on_time}项。目前已整改{t.closed}项，尚未整改{open_total}项"
            + (
                f"，其中{listing([line.entity.name for line in overdue])}的隐患已过整改期限而未复查，应立即复查。"
                if overdue
                else "。"
            )
        )
    )
    doc.add(Heading(1, n.next(1), "违法行为查处"))
    total_fines = sum((c.fines for c in f.categories), Decimal(0))
    doc.add(
        Para(
            f"需依法查处的违法行为{t.violations}起，已作出处罚决定{t.handled}起"
            f"（共{f.penalties}份决定，其中首违不罚{f.waived}份），罚款合计{num(total_fines)}元。"
        )
    )
    doc.add(Heading(1, n.next(1), "检查结果公开"))
    if f.disclosure:
        doc.add(
            Para(
                f"检查结果应自检查结束之日起{f.disclosure_days}个工作日内公开（按国务院办公厅公布的节假日安排计算）。"
                "各任务公开情况如下："
            )
        )
        doc.add(
            Table(
                columns=["公开情况", "任务数"],
                rows=[
                    [DISCLOSURE_NAMES.get(state, state), str(f.disclosure.get(state, 0))]
                    for state in DISCLOSURE_NAMES
                    if f.disclosure.get(state)
                ],
                caption="表4  检查结果公开情况",
                widths=[3, 1],
                align="lr",
                width=0.6,
            )
        )
    else:
        doc.add(Para("尚无应公开的检查结果。"))
    doc.add(Heading(1, n.next(1), "回访情况"))
    if f.revisit_drawn:
        doc.add(
            Para(
                f"按不低于{pct(f.revisit_ratio)}的比例，从已检查的{f.revisit_population}家单位中随机抽取"
                f"{f.revisit_selected}家回访（种子“{f.revisit_seed}”，可由 ssj verify 复核），"
                f"已回访{f.revisit_answered}家，发现问题线索{f.revisit_clues}条。"
            )
        )
    else:
        doc.add(
            Para(
                f"回访尚未抽取。全年检查结束后，将从已检查的单位中按不低于{pct(f.revisit_ratio)}的比例随机抽取回访"
                f"（按目前已检查{f.revisit_population}家计，至少"
                f"{_at_least(f.revisit_population, f.revisit_ratio)}家）。"
            )
        )
    doc.add(Heading(1, n.next(1), "存在问题和下一步工作"))
    missing = [line for line in f.lines if line.state == "missing"]
    todo = []
    if missing:
        todo.append(
            f"{len(missing)}项任务的检查时段已过而尚无检查记录（{listing([m.entity.name for m in missing[:5]])}"
            f"{'等' if len(missing) > 5 else ''}），应尽快检查并记录"
        )
    if overdue:
        todo.append(f"{len(overdue)}家单位的隐患逾期未复查，应立即复查")
    if f.disclosure.get("overdue"):
        todo.append(f"{f.disclosure['overdue']}项检查结果已过公开期限而未公开，应立即公开")
    if t.violations > t.handled:
        todo.append(f"{t.violations - t.handled}起违法行为尚未作出处理决定，应依法查处")
    if not todo:
        todo.append("各项目标均按期推进，继续按方案开展检查、复查和公开")
    for i, line in enumerate(todo, 1):
        doc.add(Para(f"{i}．{line}{'；' if i < len(todo) else '。'}"))
    doc.add(AnnexList(["检查结果明细"]))
    doc.add(Signature(f.config.authority, date_cn(f.day)))
    made_from(doc, f.commit)
    doc.add(Annex(1, "检查结果明细"))
    states = {"recorded": "已记录", "pending": "进行中", "missing": "逾期未记录"}
    doc.add(
        Table(
            columns=[
                "序号",
                "单位名称",
                "监管类别",
                "时段",
                "完成日期",
                "检查结果",
                "隐患",
                "公开",
            ],
            rows=[
                [
                    str(i),
                    line.entity.name,
                    line.entity.category,
                    period_cn(line.period),
                    line.end.isoformat() if line.end else states[line.state],
                    line.result or "—",
                    (
                        f"{line.hazards}（{line.open_hazards}项未改）"
                        if line.open_hazards
                        else f"{line.hazards}（已改）"
                    )
                    if line.hazards
                    else "0",
                    (
                        line.disclosed.isoformat()
                        if line.disclosed
                        else DISCLOSURE_NAMES.get(line.disclosure_state or "", "—")
                    ),
                ]
                for i, line in enumerate(f.lines, 1)
            ],
            widths=[9, 33, 19, 14, 20, 27, 14, 20],
            align="clllllcl",
            small=True,
        )
    )
    return doc


def _at_least(n: int, ratio) -> int:
    from ..core import algorithm

    return algorithm.sample_size(n, ratio=ratio) if n else 0
