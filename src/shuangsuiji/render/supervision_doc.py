"""The 执法监督 statistics (ssj report --kind supervision): inspections per company, by type,
cap breaches, plan completion."""

from __future__ import annotations

from decimal import Decimal

from .blocks import (
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
    rate,
    share,
)


def _cap_rule_row(rule) -> list[str]:
    return [
        listing(rule.category, "全部"),
        listing(rule.grade, "不论等级"),
        f"{rule.cap}次",
        listing(rule.authority, "全部机关") + "；" + listing(rule.level, "各层级"),
    ]


def supervision_document(f) -> Document:
    """The year's 涉企行政检查 statistics (kind supervision) from `reports.SupervisionFacts`."""
    doc = new_document(f.title, f.config.authority, f"{f.year}年度涉企行政检查执法监督统计", f.day)
    n = Numbering()
    s = f.statistics
    doc.add(
        Para(
            f"截至{date_cn(f.day)}，本局检查台账记录{f.year}年度涉企行政检查{s.inspections}次，"
            f"涉及{s.companies}家单位；其中本局“双随机、一公开”任务的检查记录{f.own}次，"
            f"其他科室、部门和层级的检查{f.imported}次。现将执法监督统计情况报告如下。"
        )
    )
    doc.add(Heading(1, n.next(1), "检查类型"))
    if s.inspections:
        doc.add(
            Table(
                columns=["检查类型", "次数", "占比"],
                rows=[[t, str(k), share(k, s.inspections)] for t, k in s.by_type.items()]
                + [["合计", str(s.inspections), "100%"]],
                caption=f"表1  {f.year}年度检查类型",
                widths=[3, 1, 1],
                align="lrr",
                total=True,
                width=0.7,
            )
        )
        doc.add(
            Para(
                f"联合检查{s.joint}次，占{share(s.joint, s.inspections)}；"
                f"非现场检查{s.off_site}次，占{share(s.off_site, s.inspections)}。"
            )
        )
    else:
        doc.add(Para("本年度检查台账尚无记录。"))
    doc.add(Heading(1, n.next(1), "同一单位检查频次"))
    if s.companies:
        doc.add(
            Para(
                f"受检的{s.companies}家单位中，检查次数最多的为{s.most}次；"
                f"平均每家{num(round(Decimal(s.inspections) / Decimal(s.companies), 2))}次。"
            )
        )
        doc.add(
            Table(
                columns=["年度检查次数", "单位数", "占比"],
                rows=[[f"{k}次", str(c), share(c, s.companies)] for k, c in s.distribution.items()],
                caption="表2  同一单位检查次数分布",
                widths=[2, 1, 1],
                align="lrr",
                width=0.6,
            )
        )
    else:
        doc.add(Para("尚无受检单位。"))
    doc.add(Heading(1, n.next(1), "检查频次上限执行情况"))
    if f.caps is not None and f.caps.rules:
        doc.add(Para("本年度同一单位检查频次上限如下（自上而下取第一条适用的规定）："))
        rest = f.default_cap if f.caps.default is None else f.caps.default
        doc.add(
            Table(
                columns=["监管类别或行业", "等级", "每年最多", "计入的检查"],
                rows=[_cap_rule_row(r) for r in f.caps.rules]
                + [["其余单位", "—", f"{rest}次", "全部机关；各层级"]],
                caption="表3  检查频次上限",
                widths=[2.2, 1.6, 1, 2.4],
                align="llrl",
            )
        )
    else:
        cap = f.default_cap if f.caps is None or f.caps.default is None else f.caps.default
        doc.add(Para(f"本年度同一单位每年检查不超过{cap}次（计入台账中的全部检查）。"))
    exempt = listing(list(f.caps.exempt) if f.caps else ["个案检查", "上级专项"])
    doc.add(Para(f"{exempt}在台账中写明理由的，不计入上限。"))
    if f.breaches:
        doc.add(Para(f"超过上限的单位{len(f.breaches)}家："))
        doc.add(
            Table(
                columns=["单位名称", "统一社会信用代码", "计入次数", "上限"],
                rows=[[b.name or "—", b.entity, str(b.counted), str(b.cap)] for b in f.breaches],
                caption="表4  超过检查频次上限的单位",
                widths=[3, 2.4, 1, 1],
                align="llrr",
                mono=[1],
            )
        )
    else:
        doc.add(Para("未发现检查次数超过上限的单位。"))
    doc.add(
        Para(
            f"同一机关{f.repeat_days}日内对同一单位两次检查（个案检查除外）{f.repeats}起"
            + ("，应合并检查。" if f.repeats else "。")
        )
    )
    doc.add(Heading(1, n.next(1), "抽查计划完成情况"))
    doc.add(
        Para(
            f"本年度“双随机、一公开”抽查任务{f.planned}项，已完成检查并记录{f.recorded}项，"
            f"计划完成率{rate(f.recorded, f.planned)}。"
        )
    )
    doc.add(Signature(f.config.authority, date_cn(f.day)))
    made_from(doc, f.commit)
    return doc
