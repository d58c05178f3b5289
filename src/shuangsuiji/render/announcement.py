"""年度抽查计划公告 (`ssj plan publish`): the approved plan and the items it publishes.

The announcement tells the public what will be checked, whom, how and when: the plan's
name and code, its approval, the categories and their ratios, the key scope, the
periods, the way units and inspectors are drawn, and the list of items (a task may check
only items published before it, R17). Built from `Announcement`; laid out by docx.py
or html.py like the other documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..core.models import Config, Item
from ..core.plan import Plan
from .blocks import Document, Heading, Numbering, Para, Signature, Table, break_title
from .wording import COMMIT_LABEL, NO_COMMIT, percent


@dataclass
class Announcement:
    config: Config
    plan: Plan
    items: list[Item]  # the items published with it, in the list's order
    day: date
    plan_code: str | None = None  # None: no department code in ssj.yaml
    units: dict[str, int] = field(default_factory=dict)  # active units per category
    disclosure_days: int = 20
    commit: str | None = None

    @property
    def title(self) -> str:
        return f"{self.config.authority}{self.plan.year}年度“双随机、一公开”抽查计划公告"


def _date_cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _period_cn(label: str) -> str:
    return f"{label}月"


def _ratio(plan: Plan, category: str) -> str:
    own = plan.categories.get(category)
    if own and own.count:
        return f"每层抽取 {own.count} 家"
    ratio: Decimal = own.ratio if own and own.ratio is not None else plan.ratio
    return f"不低于{percent(ratio)}"


def announcement_document(a: Announcement) -> Document:
    plan, config = a.plan, a.config
    title = a.title
    doc = Document(
        title=title,
        title_lines=break_title(title),
        author=config.authority,
        subject=f"{plan.year}年度抽查计划公告",
        day=a.day,
    )
    n = Numbering()
    basis = "、".join(plan.basis) if plan.basis else "有关法律法规和规定"
    approved = f"，已{plan.approval}" if plan.approval else ""
    doc.add(
        Para(
            f"根据{basis}，{config.authority}制定了{plan.year}年度“双随机、一公开”抽查计划{approved}。"
            "现将抽查计划和抽查事项清单公告如下，接受社会监督。"
        )
    )

    doc.add(Heading(1, n.next(1), "抽查计划"))
    name = plan.title or f"{config.authority}{plan.year}年度“双随机、一公开”监管抽查工作方案"
    code = f"（抽查计划编号 {a.plan_code}）" if a.plan_code else ""
    periods = "、".join(_period_cn(p) for p in plan.periods)
    doc.add(Para(f"计划名称：{name}{code}。抽查主体：{config.authority}。"))
    doc.add(Para(f"检查时间：{plan.year}年1月至12月，分{len(plan.periods)}个时段开展：{periods}。"))
    if plan.guiding:
        doc.add(Para(f"指导思想：{plan.guiding}"))
    for i, goal in enumerate(plan.goals, 1):
        doc.add(Para(f"{i}．{goal}{'；' if i < len(plan.goals) else '。'}"))

    doc.add(Heading(1, n.next(1), "抽查对象和比例"))
    where = "按条件定向抽取" if plan.where else "不设定条件（不定向）抽取"
    doc.add(
        Para(
            f"从本机关检查对象名录库中{where}；重点检查单位每年全部检查，"
            "不列入随机抽取；已注销、吊销的单位不列入。各监管类别的抽查比例如下："
        )
    )
    names = [c.name for c in config.categories]
    names += [c for c in plan.categories if c not in names]
    rows = [[c, str(a.units.get(c, 0)), _ratio(plan, c)] for c in names]
    doc.add(
        Table(
            ["监管类别", "名录库单位数", "抽查比例"],
            rows,
            caption="表 1　抽查比例",
            widths=[3, 2, 3],
            align="lrl",
        )
    )
    if plan.key_scope:
        doc.add(Heading(1, n.next(1), "重点检查范围"))
        for i, scope in enumerate(plan.key_scope, 1):
            doc.add(Para(f"{i}．{scope}{'；' if i < len(plan.key_scope) else '。'}"))

    doc.add(Heading(1, n.next(1), "抽查方式"))
    doc.add(
        Para(
            "随机抽取检查对象、随机选派执法检查人员：以公开的算法 ssj-sha256-v1 和事先公布来源的随机种子"
            "抽取，任何人可依据公开的抽取记录重算核验。"
            f"每次检查由不少于 {plan.team_size} 名执法人员实施，与检查对象有利害关系的人员回避。"
        )
    )

    doc.add(Heading(1, n.next(1), "抽查事项"))
    doc.add(
        Para(
            f"本次公布抽查事项 {len(a.items)} 项（见表 2）。抽查只针对已公布的事项开展，"
            "未经公布的事项不得实施检查。"
        )
    )
    doc.add(
        Table(
            ["序号", "事项编码", "事项名称", "抽查依据", "抽查方式", "适用类别"],
            [
                [
                    str(i),
                    item.code,
                    item.name,
                    item.basis or "",
                    item.method or "",
                    "、".join(item.categories),
                ]
                for i, item in enumerate(a.items, 1)
            ],
            caption="表 2　抽查事项清单",
            widths=[0.8, 1.4, 3.5, 4, 1.6, 1.6],
            align="cllllc",
            mono=[1],
            small=True,
        )
    )

    doc.add(Heading(1, n.next(1), "结果公开"))
    doc.add(
        Para(
            f"抽查结果自检查结束之日起 {a.disclosure_days} 个工作日内，通过国家企业信用信息公示系统和"
            f"{config.authority}网站向社会公开。"
        )
    )
    doc.add(Signature(config.authority, _date_cn(a.day)))
    doc.add(Para(f"{COMMIT_LABEL}：{a.commit or NO_COMMIT}"))
    return doc
