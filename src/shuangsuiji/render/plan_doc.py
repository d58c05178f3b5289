"""The filed plan (年度抽查工作方案): facts from services/report turned into a `blocks.Document`.

The sections follow the plans bureaus file (昆都仑区方案, 兴安区计划): 编制依据, 总体任务和
目标, 检查时间及对象, 抽查方式, 抽查比例和频次, 抽查事项, 时间安排, 工作量测算, 结果运用,
工作要求, and the annex tables. Every number is taken from the facts; this module only
words them.
"""

from __future__ import annotations

from ..core.planning import effective_rules
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
    share,
)


def plan_document(f) -> Document:
    """The year's plan (kind plan) from `reports.PlanFacts`."""
    doc = new_document(
        f.title, f.config.authority, f"{f.year}年度“双随机、一公开”监管抽查工作方案", f.day
    )
    if f.expected:
        doc.subtitle = "（抽取前编制：抽取数、任务数为按方案计算的预计数）"
    n = Numbering()
    _opening(doc, f)
    _basis(doc, f, n)
    _targets(doc, f, n)
    _time_and_objects(doc, f, n)
    _methods(doc, f, n)
    _ratios(doc, f, n)
    _items(doc, f, n)
    _schedule(doc, f, n)
    _capacity(doc, f, n)
    _results_use(doc, f, n)
    _requirements(doc, f, n)
    annexes = []
    if f.tasks and not f.expected:
        annexes.append(("检查对象及检查人员安排表", _annex_tasks))
    if f.items:
        annexes.append(("检查事项", _annex_items))
    if f.draws:
        annexes.append(("抽取与匹配的核验信息", _annex_records))
    doc.add(AnnexList([t for t, _ in annexes]))
    doc.add(Signature(f.config.authority, date_cn(f.day)))
    made_from(doc, f.commit)
    for i, (title, build) in enumerate(annexes, 1):
        doc.add(Annex(i, title))
        build(doc, f)
    return _tables_numbered(doc)


def _tables_numbered(doc: Document) -> Document:
    """Tables with a caption numbered 表1, 表2 … in the order they appear (none skipped);
    a table without rows is left out, never printed empty."""
    blocks, number = [], 0
    for block in doc.blocks:
        if isinstance(block, Table) and not block.rows:
            continue
        if isinstance(block, Table) and block.caption:
            number += 1
            block.caption = f"表{number}  {block.caption}"
        blocks.append(block)
    doc.blocks[:] = blocks
    return doc


def _opening(doc: Document, f) -> None:
    basis = "、".join(f.plan.basis) if f.plan.basis else "有关法律法规和规定"
    area = f.config.region or "辖区"
    doc.add(
        Para(
            f"为全面推行“双随机、一公开”监管，规范监管执法行为，根据{basis}，"
            f"结合{f.config.authority}监管力量和{area}工作实际，按照“统一组织、均衡开展、"
            f"突出重点、量力而行”的原则，制定本方案。"
        )
    )


def _basis(doc: Document, f, n: Numbering) -> None:
    doc.add(Heading(1, n.next(1), "编制依据"))
    if f.plan.basis:
        doc.add(Para("本方案依据下列法律法规和规定编制："))
        for i, item in enumerate(f.plan.basis, 1):
            doc.add(Para(f"{i}．{item}{'；' if i < len(f.plan.basis) else '。'}"))
    else:
        doc.add(Para("本方案依据有关法律法规和规定编制。"))
    doc.add(
        Para(
            "检查对象和执法检查人员均以可复核的算法随机抽取，抽取前名录和方案已提交留档，"
            "抽取和匹配的记录提交后不再改动；检查结果依法向社会公开。"
        )
    )


def _targets(doc: Document, f, n: Numbering) -> None:
    doc.add(Heading(1, n.next(1), "总体任务和目标"))
    t = f.total
    tasks = t.key + t.forced + (t.selected or 0)
    verb = "预计" if f.expected else "计划"
    forced = (
        f"；连续两年未检查、强制纳入的{t.forced}家，占{share(t.forced, tasks)}" if t.forced else ""
    )
    doc.add(
        Para(
            f"{f.year}年，本局对名录库内{f.roster_units}家单位{verb}检查{tasks}家（次），"
            f"其中重点单位确定性检查{t.key}家（次），占{share(t.key, tasks)}；"
            f"随机抽查{t.selected or 0}家，占{share(t.selected or 0, tasks)}{forced}。具体目标为："
        )
    )
    rules = effective_rules(f.config, f.plan)
    for line in (
        "1．监管执法计划完成率100%；",
        "2．检查中发现的事故隐患责令整改率、到期复查率100%；",
        "3．检查中发现的违法行为依法查处率100%；",
        f"4．检查结果自检查结束之日起{rules.disclosure_days}个工作日内向社会公开，公开率100%。",
    ):
        doc.add(Para(line))


def _time_and_objects(doc: Document, f, n: Numbering) -> None:
    doc.add(Heading(1, n.next(1), "检查时间及对象"))
    periods = "、".join(period_cn(p) for p in f.plan.periods)
    doc.add(
        Para(
            f"{f.year}年1月至12月，分{len(f.plan.periods)}个时段集中开展：{periods}；"
            "如遇重大活动，另行增加检查频次。",
            lead="（一）检查时间。",
        )
    )
    per_category = listing([f"{c.category}{c.total}家" for c in f.categories if c.total])
    level = {"县": "县（区）", "市": "市", "省": "省"}.get(f.config.level, f.config.level)
    t = f.total
    excluded = listing([f"{r}{k}家" for r, k in f.excluded.items()], "")
    left_out = f"；{excluded}，不纳入随机池" if excluded else ""
    pool = f"{t.pool}家" if t.pool is not None else "数量于抽取时冻结"
    doc.add(
        Para(
            f"《检查对象名录库》登记的{level}级监管单位共{f.roster_units}家：{per_category}。"
            f"其中重点检查单位{t.key}家，每年全部检查；其余在营单位进入随机池，共{pool}{left_out}。",
            lead="（二）检查对象。",
        )
    )


def _where_text(f) -> tuple[str, str]:
    where = f.draws[0].record.parameters.where if f.draws else f.plan.where
    if not where:
        return "不定向", "不设定条件，从全部随机池中抽取"
    from ..core.models import Entity

    def title(key: str) -> str:
        info = Entity.model_fields.get(key)
        return info.title if info and info.title else key

    parts = [
        f"{title(k)}为{'或'.join(v if isinstance(v, list) else [v])}" for k, v in where.items()
    ]
    return "定向", "按" + "，".join(parts) + "的条件抽取"


def _methods(doc: Document, f, n: Numbering) -> None:
    doc.add(Heading(1, n.next(1), "抽查方式"))
    kind, how = _where_text(f)
    stratify = f.draws[0].record.parameters.stratify if f.draws else f.plan.stratify
    from ..core.models import Entity

    strata = (
        "按" + "、".join(Entity.model_fields[s].title or s for s in stratify) + "分层，各层分别抽取"
        if stratify
        else "不分层"
    )
    doc.add(
        Para(
            f"采用{kind}抽查方式，{how}，{strata}。抽取按公开的 ssj-sha256-v1 算法进行："
            "每个单位的签号为“种子|抽取编号|统一社会信用代码”的 SHA-256 值，"
            "各层按签号从小到大取前 k 家为抽中单位、其后若干家为候补，"
            "k 为比例乘以该层随机池单位数后向上取整（十进制精确计算）；"
            "抽中单位按签号顺序轮流分配到各检查时段。",
            lead="（一）随机抽取检查对象。",
        )
    )
    if not f.draws:
        doc.add(
            Para(
                "抽取前先冻结随机池、各层数量和全部参数并提交（ssj draw prepare），"
                "再在纪检监督下当众产生种子（如掷骰、采用福利彩票开奖号码）后执行抽取（ssj draw run）；"
                "种子、名录所在提交和随机池摘要一并记录。"
            )
        )
    for d in f.draws:
        r = d.record
        if r.prepared:
            made = (
                f"抽取前已冻结随机池和各层数量并提交（{r.prepared}），种子产生于冻结之后，"
                f"种子为“{r.seed}”，来源：{r.seed_source}"
            )
        elif r.seed_generated:
            made = f"种子“{r.seed}”由 ssj 以操作系统安全随机数生成"
        else:
            made = f"种子为“{r.seed}”，来源：{r.seed_source}"
        redo = f"（重抽，取代{r.redraw_of}，理由：{r.reason}）" if r.redraw_of else ""
        swaps = f"；其后以候补替换{len(d.replacements)}家，理由均已记录" if d.replacements else ""
        doc.add(
            Para(
                f"抽取{r.draw_id}{redo}于{date_cn(r.date)}进行，{made}；"
                f"随机池{r.population.count}家，抽中{len(r.selected)}家，候补{len(r.alternates)}家，"
                f"名录库为提交{r.commit[:10]}中的版本{swaps}。"
            )
        )
    ids = "、".join(d.record.draw_id for d in f.draws) or "<抽取编号>"
    doc.add(
        Para(
            f"任何人均可复核抽取结果：在工作区运行 ssj verify {ids.split('、')[0]}，"
            "以记录的种子和当时提交的名录重新计算，结果须与记录完全一致；"
            "不使用 ssj 时，也可用任何能计算 SHA-256 的通用工具，按公开的算法独立重算。"
            "抽取和匹配记录提交 git 后不得修改，任何改动都留有历史。"
        )
    )
    scope = {"bureau": "全局内随机", "department": "各股室内随机"}.get(f.scope or "", "全局内随机")
    experts = f"，另抽取专家{f.experts}名（专家不计入执法人员人数）" if f.experts else ""
    cross = "；实行所所交叉，不派本区域人员" if f.cross_region else ""
    rotation = (
        f"；{f.rotation_years}年内检查过同一单位的人员不再派往该单位" if f.rotation_years else ""
    )
    doc.add(
        Para(
            f"从《执法检查人员名录库》中{scope}选派，每组执法人员不少于{f.team_size}名{experts}；"
            f"执法证件须在检查时段结束前有效且本人在岗；申报回避的单位不派{cross}{rotation}。"
            "排序先按已分配任务数由少到多、再按签号，任务均衡分配。",
            lead="（二）随机选派执法检查人员。",
        )
    )
    for d in f.draws:
        a = d.assignment
        if a is None:
            doc.add(Para(f"抽取{d.record.draw_id}的检查人员尚未匹配（ssj assign）。"))
            continue
        subs = f"；其后替换人员{len(d.substitutions)}人次，理由均已记录" if d.substitutions else ""
        made = "由 ssj 以操作系统安全随机数生成" if a.seed_generated else f"来源：{a.seed_source}"
        doc.add(
            Para(
                f"抽取{a.draw_id}的检查人员于{date_cn(a.assigned_at.date())}匹配，另行产生种子“{a.seed}”"
                f"（{made}，与抽取对象的种子不同），同样可由 ssj verify 复核{subs}。"
            )
        )


def _ratios(doc: Document, f, n: Numbering) -> None:
    from .wording import percent

    doc.add(Heading(1, n.next(1), "抽查比例和频次"))
    rules = effective_rules(f.config, f.plan)
    floors: dict[str, list[str]] = {}
    for c in f.config.categories:
        floors.setdefault(percent(c.ratio_floor), []).append(c.name)
    floor_text = "；".join(f"{'、'.join(names)}不低于{p}" for p, names in floors.items())
    risk = (
        "；风险等级较高的单位提高比例："
        + "、".join(f"{k}风险{percent(v)}" for k, v in f.plan.risk_ratios.items())
        if f.plan.risk_ratios
        else ""
    )
    doc.add(
        Para(
            "重点检查单位每年全部检查，作为确定性任务，不占随机抽查名额；"
            f"其他单位按下表比例随机抽取（年度方案比例{percent(f.plan.ratio)}"
            f"{'；最低比例：' + floor_text if floor_text else ''}{risk}）。"
            f"随机抽查过的单位{rules.cooldown_months}个月内不再随机抽取（风险等级为重大的除外），"
            f"同一单位每年检查不超过{rules.yearly_cap}次，连续{rules.coverage_years}年未检查的单位强制纳入。"
        )
    )
    forced = any(c.forced for c in f.categories)
    columns = ["监管类别", "单位总数", "重点单位", "随机池", "比例", "抽取数", "检查人员"]
    if forced:
        columns.insert(3, "强制纳入")

    def cell(value) -> str:
        return "—" if value is None else str(value)

    rows = []
    for c in [*f.categories, f.total]:
        row = [
            c.category,
            str(c.total),
            str(c.key),
            cell(c.pool),
            c.ratio,
            cell(c.selected),
            "待匹配" if c.officers is None else f"{c.officers}人",
        ]
        if forced:
            row.insert(3, str(c.forced))
        rows.append(row)
    notes = ["单位总数为名录库全部登记单位"]
    if f.excluded:
        notes.append("未进入随机池的单位：" + "、".join(f"{r}{k}家" for r, k in f.excluded.items()))
    if f.expected:
        notes.append("尚未抽取，抽取数为按方案比例计算的预计数；分层不按类别时只列合计")
    notes.append("检查人员为参加该类别检查的执法人员人数（合计栏不重复计人）")
    doc.add(
        Table(
            columns=columns,
            rows=rows,
            caption=f"{f.year}年度各类别抽查比例和数量",
            widths=[2.2] + [1] * (len(columns) - 1),
            align="l" + "r" * (len(columns) - 1),
            total=True,
            note="注：" + "；".join(notes) + "。",
        )
    )


def _items(doc: Document, f, n: Numbering) -> None:
    doc.add(Heading(1, n.next(1), "抽查事项"))
    general = [i for i in f.items if i.general]
    special = [i for i in f.items if not i.general]
    rule = (
        "检查事项依《随机抽查事项清单》确定：每项任务检查通用事项，加上该单位监管类别和行业的专项事项，"
        "重复的只查一次。"
    )
    if not f.items:  # said plainly rather than "0项 … 见附件" with no annex
        doc.add(Para(rule + "《随机抽查事项清单》尚未编制，检查事项在清单编制后确定。"))
        return
    doc.add(
        Para(
            rule + f"本年度涉及事项{len(f.items)}项，其中通用事项{len(general)}项、"
            f"专项事项{len(special)}项；各项的抽查依据、方式和各单位的检查事项见附件。"
        )
    )
    by_scope: dict[str, int] = {}
    for item in f.items:
        for c in item.categories:
            by_scope[c] = by_scope.get(c, 0) + 1
    if by_scope:
        tasks_per: dict[str, list[int]] = {}
        for t in f.tasks:
            if t.checklist:
                tasks_per.setdefault(t.entity.category, []).append(len(t.checklist))
        rows = [[scope, str(k)] for scope, k in by_scope.items()]
        doc.add(
            Table(
                columns=["适用范围", "事项数"],
                rows=rows,
                caption="抽查事项分布",
                widths=[3, 1],
                align="lr",
                width=0.6,
            )
        )


def _schedule(doc: Document, f, n: Numbering) -> None:
    doc.add(Heading(1, n.next(1), "时间安排"))
    rules = effective_rules(f.config, f.plan)
    periods = "、".join(period_cn(p) for p in f.plan.periods)
    if not f.periods:
        doc.add(
            Para(
                f"检查分{periods}{len(f.plan.periods)}个时段进行；抽取后，重点单位和抽中单位"
                "按签号顺序轮流分配到各时段，各时段任务数大致相同。"
            )
        )
    else:
        doc.add(Para(f"全年检查分{len(f.periods)}个时段进行，各时段任务如下表："))
        rows = [
            [
                period_cn(p.period) if p.period != "未定" else p.period,
                str(p.key),
                str(p.random),
                str(p.total),
                str(p.person_times) if f.assigned else "—",
            ]
            for p in f.periods
        ]
        rows.append(
            [
                "合计",
                str(sum(p.key for p in f.periods)),
                str(sum(p.random for p in f.periods)),
                str(sum(p.total for p in f.periods)),
                str(sum(p.person_times for p in f.periods)) if f.assigned else "—",
            ]
        )
        doc.add(
            Table(
                columns=["时段", "重点单位", "随机抽查", "合计", "执法人员（人次）"],
                rows=rows,
                caption="各时段检查任务",
                widths=[1.4, 1, 1, 1, 1.6],
                align="lrrrr",
                total=True,
            )
        )
    doc.add(
        Para(
            f"每项检查结束后{rules.disclosure_days}个工作日内公开检查结果（按国务院办公厅公布的节假日安排计算工作日）；"
            f"发现的事故隐患在整改期限届满时复查；全年检查结束后，按不低于{pct(rules.revisit_ratio)}的比例"
            "随机抽取已检查单位回访。"
        )
    )


def capacity_rows(c) -> list[list[str]]:
    """The 工作量测算 table: item, how it is computed, person-days."""
    r, i = c.result, c.inputs
    other = "、".join(f"{k}{num(v)}" for k, v in i.other_enforcement_days.items()) or "无"
    non = "、".join(f"{k}{num(v)}" for k, v in i.non_enforcement_days.items()) or "无"
    rate = (
        f"{c.tasks}×{pct(c.reinspection_rate)}向上取整"
        if c.reinspection_rate
        else "方案未设复查比例"
    )
    return [
        ["①", "年度法定工作日", c.calendar_source or "", f"{c.working_days}日"],
        ["②", "执法人员", c.officers_source, f"{c.officers}人"],
        ["③", "执法工作日总数", f"①×②＝{c.working_days}×{c.officers}", num(r.gross_days)],
        ["④", "其他执法工作日", other, num(r.other_enforcement_total)],
        ["⑤", "非执法工作日", non, num(r.non_enforcement_total)],
        ["⑥", "可用于检查的工作日", "③－④－⑤", num(r.available_days)],
        [
            "⑦",
            "检查任务",
            f"{c.tasks}项×{c.team_size}人×{num(i.days_per_task)}日",
            num(r.task_days),
        ],
        [
            "⑧",
            "复查",
            f"{c.reinspections}次（{rate}）×{c.team_size}人×{num(i.days_per_reinspection)}日",
            num(r.reinspection_days),
        ],
        [
            "⑨",
            "回访",
            f"{c.revisits}次（{c.tasks}×{pct(c.revisit_ratio)}向上取整）×{c.team_size}人×{num(i.days_per_revisit)}日",
            num(r.revisit_days),
        ],
        ["⑩", "计划所需工作日", "⑦＋⑧＋⑨", num(r.required_days)],
        ["⑪", "余量", "⑥－⑩", num(r.margin)],
        ["⑫", "利用率", "⑩÷⑥", pct(r.utilisation, 2) if r.utilisation is not None else "—"],
    ]


def capacity_verdict(c) -> str:
    r = c.result
    if r is None:
        return f"{c.calendar_problem}，工作量暂无法测算。"
    if r.fits:
        text = (
            f"计划所需{num(r.required_days)}人·日，为可用工作日{num(r.available_days)}人·日的"
            f"{pct(r.utilisation, 2)}，在本局执法力量之内。"
        )
    else:
        text = (
            f"计划所需{num(r.required_days)}人·日，超出可用工作日{num(r.available_days)}人·日"
            f"{num(-r.margin)}人·日，应调减检查任务或增加执法力量后重新测算（R12）。"
        )
    if c.officers_expiring:
        text += f"{listing(c.officers_expiring)}的执法证件于年内到期，应及时换证。"
    return text


def _capacity(doc: Document, f, n: Numbering) -> None:
    doc.add(Heading(1, n.next(1), "工作量测算"))
    c = f.capacity
    if c.result is None:
        doc.add(Para(capacity_verdict(c)))
        return
    doc.add(
        Para(
            "按照《安全生产年度监督检查计划编制办法》（安监总政法〔2017〕150号），"
            f"以{f.year}年法定工作日测算本局执法力量和本方案所需工作量（单位：人·日）。"
            "检查任务数取自" + c.tasks_source + "。"
        )
    )
    doc.add(
        Table(
            columns=["序号", "项目", "计算", "人·日"],
            rows=capacity_rows(c),
            caption=f"{f.year}年度工作量测算",
            widths=[0.7, 2.4, 5.2, 1.2],
            align="cllr",
        )
    )
    doc.add(Para(capacity_verdict(c)))


def _results_use(doc: Document, f, n: Numbering) -> None:
    doc.add(Heading(1, n.next(1), "抽查结果运用"))
    rules = effective_rules(f.config, f.plan)
    doc.add(
        Para(
            "检查人员应当场如实记录检查情况和结果，由被检查单位现场负责人签字确认。"
            "对发现的事故隐患，责令限期整改，并在整改期限届满时复查；对违法行为依法查处，"
            "属于其他部门管辖的及时移送，涉嫌犯罪的依法移送司法机关。"
        )
    )
    doc.add(
        Para(
            f"检查结果自检查结束之日起{rules.disclosure_days}个工作日内向社会公开，"
            "公开统一社会信用代码、单位名称、检查机关、检查类型、检查事项、完成日期、检查结果和违法行为处理情况，"
            "以及检查人员姓名和执法证号；不公开个人住址、联系电话、身份证号码和商业秘密。"
            "抽查结果记入企业信用记录，作为确定下一年度抽查比例和频次的依据。"
        )
    )


def _requirements(doc: Document, f, n: Numbering) -> None:
    doc.add(Heading(1, n.next(1), "工作要求"))
    rules = effective_rules(f.config, f.plan)
    doc.add(
        Para(
            "进入单位检查的执法人员不少于两名，出示执法证件，告知检查事项，"
            "检查人员变动须记录理由；实行“谁检查、谁负责”。",
            lead="（一）规范检查行为。",
        )
    )
    doc.add(
        Para(
            "检查人员与被检查单位有利害关系的，应当申报回避；对检查中知悉的商业秘密和个人信息予以保密。",
            lead="（二）严守回避和保密。",
        )
    )
    doc.add(
        Para(
            "对检查的重点领域、重点区域、重点单位或重点事项作出变更，或检查单位数量增减幅度超过"
            f"{pct(rules.change_threshold)}的，自作出决定之日起30日内重新报批；"
            "执法人员未减少的，年度检查任务不得减少。",
            lead="（三）严格执行方案。",
        )
    )
    doc.add(
        Para(
            "严格执行廉洁自律各项规定，杜绝不作为、乱作为，不得借检查谋取私利。",
            lead="（四）严守廉政纪律。",
        )
    )
    if f.plan.approval:
        doc.add(Para(f"本方案批准情况：{f.plan.approval}。".replace("。。", "。")))


# ------------------------------------------------------------------ annexes


def _order_key(f):
    order = {p: i for i, p in enumerate(f.plan.periods)}

    def key(t):
        return (
            order.get(t.period, len(order)),
            t.kind != "重点单位",
            t.entity.category,
            t.entity.name,
        )

    return key


def _annex_tasks(doc: Document, f) -> None:
    tasks = sorted(f.tasks, key=_order_key(f))
    experts = any(t.experts for t in tasks)
    columns = ["序号", "单位名称", "统一社会信用代码", "监管类别", "类型", "时段", "执法人员"]
    if experts:
        columns.append("专家")
    rows = []
    for i, t in enumerate(tasks, 1):
        kind = t.kind if not t.replaces else f"{t.kind}（替换{t.replaces}）"
        row = [
            str(i),
            t.entity.name,
            t.entity.id,
            t.entity.category,
            kind,
            period_cn(t.period),
            "、".join(t.officers) or "待匹配",
        ]
        if experts:
            row.append("、".join(t.experts))
        rows.append(row)
    doc.add(
        Table(
            columns=columns,
            rows=rows,
            widths=(
                [9.5, 33.5, 33, 21.5, 17.5, 13.5, 27.5]
                if not experts
                else [9.5, 25, 33, 21.5, 17.5, 13.5, 19, 16.5]
            ),
            align="cllllcl" + ("l" if experts else ""),
            mono=[2],
            names=[6, 7] if experts else [6],
            small=True,
            note=f"共{len(rows)}项任务。执法人员由随机匹配产生，变动以记录为准。",
        )
    )


def _annex_items(doc: Document, f) -> None:
    doc.add(Heading(2, "（一）", "抽查事项清单"))
    rows = [
        [i.code, i.name, i.basis or "", i.method or "", "、".join(i.categories)] for i in f.items
    ]
    doc.add(
        Table(
            columns=["编码", "事项名称", "抽查依据", "抽查方式", "适用范围"],
            rows=rows,
            widths=[1.2, 3.2, 3.6, 1.6, 1.6],
            align="lllll",
            mono=[0],
            small=True,
        )
    )
    tasks = sorted((t for t in f.tasks if t.checklist), key=_order_key(f))
    if tasks:
        doc.add(Heading(2, "（二）", "各检查对象的检查事项"))
        doc.add(
            Table(
                columns=["序号", "单位名称", "事项数", "检查事项编码"],
                rows=[
                    [str(i), t.entity.name, str(len(t.checklist)), "、".join(t.checklist)]
                    for i, t in enumerate(tasks, 1)
                ],
                widths=[0.7, 3.4, 1.0, 6.0],
                align="clrl",
                mono=[3],
                small=True,
            )
        )


def _annex_records(doc: Document, f) -> None:
    for i, d in enumerate(f.draws, 1):
        r = d.record
        rows = [
            ["抽取编号", r.draw_id],
            ["抽取日期", date_cn(r.date)],
            ["算法", r.algorithm],
            ["种子", r.seed],
            ["种子来源", r.seed_source],
        ]
        if r.prepared:
            rows.append(["预备记录", r.prepared])
        if r.redraw_of:
            rows.append(["重抽", f"取代{r.redraw_of}，理由：{r.reason}"])
        rows += [
            ["名录所在提交", r.commit],
            ["检查对象名录库 SHA-256", r.rosters["entities"].sha256],
            ["随机池单位数", str(r.population.count)],
            ["随机池摘要 SHA-256", r.population.digest],
            ["抽中／候补", f"{len(r.selected)}家／{len(r.alternates)}家"],
            ["重点单位／强制纳入", f"{len(r.key)}家／{len(r.forced)}家"],
            ["抽取记录", d.file],
            ["抽取记录 SHA-256", d.sha256],
        ]
        if d.replacements:
            rows.append(
                [
                    "候补替换",
                    "；".join(f"{x.entity}→{x.replacement}（{x.reason}）" for x in d.replacements),
                ]
            )
        a = d.assignment
        if a is not None:
            rows += [
                ["匹配种子", a.seed],
                ["匹配种子来源", a.seed_source],
                ["匹配名录所在提交", a.commit],
                ["执法检查人员名录库 SHA-256", a.rosters["inspectors"].sha256],
                ["抽查事项清单 SHA-256", a.rosters["items"].sha256],
                ["匹配记录", d.assignment_file or ""],
                ["匹配记录 SHA-256", d.assignment_sha256 or ""],
            ]
            if d.substitutions:
                rows.append(
                    [
                        "人员替换",
                        "；".join(
                            f"{s.task}：{s.inspector}→{s.replacement}（{s.reason}）"
                            for s in d.substitutions
                        ),
                    ]
                )
        if len(f.draws) > 1:
            doc.add(
                Heading(
                    2, f"（{'一二三四五六七八九十'[i - 1] if i <= 10 else i}）", f"抽取{r.draw_id}"
                )
            )
        doc.add(
            Table(
                columns=["项目", "内容"],
                rows=rows,
                widths=[2.6, 6.4],
                align="ll",
                mono=[1],
                small=True,
            )
        )
    doc.add(
        Para(
            "核验方法：上表列出重算所需的全部信息。算法为 ssj-sha256-v1：取“名录所在提交”时的"
            "检查对象名录库（其 SHA-256 应与上表一致），按抽取参数确定随机池（其摘要应与上表一致），"
            "以“种子|抽取编号|统一社会信用代码”计算每个单位的 SHA-256 签号，各层按签号从小到大排序，"
            "前若干家即为抽中单位，其后为候补；执法检查人员的匹配以匹配种子同样重算。"
            "重算结果应与抽取记录、匹配记录（其 SHA-256 应与上表一致）完全一致。"
        )
    )
