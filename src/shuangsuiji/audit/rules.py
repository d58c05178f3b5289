"""The rules over time (R1 R2 R3 R5 R6 R7 R8 R9 R12): pure checks on gathered facts.

No file, no git: every input comes from `facts` (records paired with the rosters, ssj.yaml
and plan at their recorded commits) or is passed in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from ..core import algorithm, staffing, values
from ..core.calendar import UnknownSchedule, WorkCalendar, YearSchedule
from ..core.capacity import compute_capacity
from ..core.eligibility import HIGHEST_RISK, field_name, matches, months_before
from ..core.models import Defaults, Entity, Inspector
from ..core.plan import Plan
from ..core.workload import capacity_input, officer_count
from ..render.wording import percent
from ..workspace import roster_files
from .data import RecordFile
from .facts import AssignmentFacts, DrawFacts
from .findings import Finding, error, warning

OFFICER = "执法人员"


def year_over(year: int, as_of: date) -> bool:
    return as_of > date(year, 12, 31)


def _name(entities: dict[str, Entity] | None, ident: str) -> str:
    entity = (entities or {}).get(ident)
    return f"{entity.name}（{ident}）" if entity else ident


# ------------------------------------------------------------------ R1


def check_r1(draws: Sequence[DrawFacts]) -> list[Finding]:
    """Each live draw's k per stratum is at least ceil(floor × N) of every category in it."""
    out = []
    for d in draws:
        if not d.live or d.strata_categories is None:
            continue
        for stratum in d.record.strata:
            for category in sorted(d.strata_categories.get(stratum.stratum, ())):
                floor = d.floors.get(category)
                if floor is None or stratum.population == 0:
                    continue
                needed = algorithm.sample_size(stratum.population, ratio=floor)
                reason = d.floor_reason or d.category_reasons.get(category)
                if stratum.selected < needed and not reason:
                    out.append(
                        error(
                            "R1",
                            d.path,
                            f"抽取 {d.record.draw_id} 的分层“{stratum.stratum}”抽取 "
                            f"{stratum.selected}/{stratum.population}，低于“{category}”的最低比例 "
                            f"{percent(floor)}（至少 {needed} 个）",
                            "追加一次抽取补足，或在当年方案中填写 floor_reason 说明降低比例的理由",
                            line=d.file.line("stratum", stratum.stratum),
                            year=d.record.year,
                        )
                    )
    return out


# ------------------------------------------------------------------ R2, R3


def _by_year(draws: Iterable[DrawFacts]) -> dict[int, list[DrawFacts]]:
    out: dict[int, list[DrawFacts]] = defaultdict(list)
    for d in draws:
        if d.live:
            out[d.record.year].append(d)
    return out


def _active(entity: Entity, level: str) -> bool:
    return entity.status == "在营" and (entity.level or level) == level


def check_r2(draws: Sequence[DrawFacts], roster: RecordFile | None, as_of: date) -> list[Finding]:
    """Every active key unit of the bureau's level has a task in each year that has draws."""
    out = []
    for year, found in sorted(_by_year(draws).items()):
        last = found[-1]
        if last.entities is None:
            continue
        tasked = set().union(*(d.tasks for d in found))
        related = tuple(d.path for d in found)
        over = year_over(year, as_of)
        untasked = (
            (ident, entity)
            for ident, entity in last.entities.items()
            if entity.key and _active(entity, last.level) and ident not in tasked
        )
        for ident, entity in sorted(untasked, key=lambda pair: pair[0]):
            make = error if over else warning
            out.append(
                make(
                    "R2",
                    roster.path if roster else "rosters/entities.yaml",
                    f"{year} 年度重点单位 {entity.name}（{ident}）没有检查任务"
                    + ("" if over else "（年度未结束）"),
                    f"重点单位每年全部检查：再做一次不加定向条件的抽取（ssj draw --year {year}），"
                    "它会列为确定性任务",
                    line=roster.line("id", ident) if roster else None,
                    year=year,
                    related=related,
                )
            )
    return out


def check_r3(draws: Sequence[DrawFacts], roster: RecordFile | None, as_of: date) -> list[Finding]:
    """Active units of the roster with no task in a full coverage window (years ended only)."""
    out = []
    years = _by_year(draws)
    for year, found in sorted(years.items()):
        if not year_over(year, as_of):
            continue
        span = found[-1].rules.coverage_years
        window = range(year - span + 1, year + 1)
        if not all(y in years for y in window):
            continue  # not enough history to judge
        inside = [d for y in window for d in years[y]]
        first, last = inside[0].entities, found[-1].entities
        if first is None or last is None:
            continue
        inspected = set().union(*(d.tasks for d in inside))
        related = tuple(d.path for d in inside)
        for ident in sorted(set(first) & set(last)):
            entity = last[ident]
            if _active(entity, found[-1].level) and ident not in inspected:
                out.append(
                    warning(
                        "R3",
                        roster.path if roster else "rosters/entities.yaml",
                        f"{entity.name}（{ident}）在 {window[0]}–{year} 年 {span} 年内没有检查任务",
                        f"下一年度的抽取会把它强制纳入（方案 force_uncovered: true）；"
                        f"或在 {year + 1} 年度尽早安排检查",
                        line=roster.line("id", ident) if roster else None,
                        year=year,
                        related=related,
                    )
                )
    return out


# ------------------------------------------------------------------ R5


def check_r5(draws: Sequence[DrawFacts]) -> list[Finding]:
    """Cooldown, yearly cap and level, counted over all live draws in date order."""
    out = []
    live = sorted(
        (d for d in draws if d.live), key=lambda d: (d.record.date, d.record.drawn_at, d.path)
    )
    last_random: dict[str, tuple[date, str]] = {}
    counts: dict[tuple[str, int], list[str]] = defaultdict(list)
    for d in live:
        record, rules = d.record, d.rules
        params = record.parameters
        for label, recorded, required in (
            ("冷却期（月）", params.cooldown_months, rules.cooldown_months),
            ("年度检查次数上限", params.yearly_cap, rules.yearly_cap),
            ("监管层级", params.level, d.level),
        ):
            if recorded != required:
                out.append(
                    error(
                        "R5",
                        d.path,
                        f"抽取 {record.draw_id} 记录的{label}为 {recorded}，与当时方案/ssj.yaml 规定的 {required} 不符",
                        "按方案重新抽取（ssj draw --redraw-of … --reason …）",
                        line=d.file.line("level", str(recorded)) if label == "监管层级" else None,
                        year=record.year,
                    )
                )
        start = months_before(record.date, rules.cooldown_months)
        for ident in sorted(d.selection):
            entity = (d.entities or {}).get(ident)
            before = last_random.get(ident)
            if before and before[0] > start and (entity is None or entity.risk != HIGHEST_RISK):
                out.append(
                    error(
                        "R5",
                        d.path,
                        f"{_name(d.entities, ident)} 于 {before[0]} 已被随机抽查，"
                        f"{record.date} 的抽取 {record.draw_id} 又随机抽中，未过 {rules.cooldown_months} 个月冷却期",
                        "冷却期内的单位不入随机池：检查各抽取记录的 history 是否漏列了先前的抽取"
                        "（如两个分支各自抽取后合并），必要时重抽",
                        line=d.file.line("id", ident),
                        year=record.year,
                        related=(before[1],),
                    )
                )
            if entity and (entity.level or d.level) != d.level:
                out.append(
                    error(
                        "R5",
                        d.path,
                        f"{_name(d.entities, ident)} 属{entity.level}级监管，不应由本机关（{d.level}级）抽查",
                        "重抽，或改正名录中的监管层级",
                        line=d.file.line("id", ident),
                        year=record.year,
                    )
                )
        for ident in sorted(d.tasks):
            key = (ident, record.year)
            counts[key].append(d.path)
            if len(counts[key]) == rules.yearly_cap + 1:
                out.append(
                    error(
                        "R5",
                        d.path,
                        f"{_name(d.entities, ident)} 在 {record.year} 年度被列为检查任务 "
                        f"{len(counts[key])} 次，超过每年 {rules.yearly_cap} 次的上限",
                        "已达上限的单位不入随机池：检查抽取记录的 history，必要时重抽",
                        line=d.file.line("id", ident),
                        year=record.year,
                        related=tuple(p for p in counts[key] if p != d.path),
                    )
                )
        for ident in d.selection:
            last_random[ident] = (record.date, d.path)
    return out


# ------------------------------------------------------------------ R6 R7 R8 R9


def _person(a: AssignmentFacts, ident: str, later: bool = False) -> Inspector | None:
    """A team member as the roster had them when they were chosen: at the assignment's
    commit, or (`later`: brought in by a substitution, after it) as the roster has them now."""
    then = (a.people_then or {}).get(ident)
    now = a.people_now.get(ident)
    return (now or then) if later else (then or now)


def check_unassigned(
    draws: Sequence[DrawFacts], assignments: Sequence[AssignmentFacts]
) -> list[Finding]:
    """A live draw whose tasks have no team yet (warning: R9b reports the overdue ones)."""
    assigned = {a.record.draw_id for a in assignments}
    return [
        warning(
            "R6",
            d.path,
            f"抽取 {d.record.draw_id} 的 {len(d.tasks)} 项任务尚未匹配检查人员",
            f"ssj assign --year {d.record.year} --draw {d.record.draw_id}",
            year=d.record.year,
        )
        for d in draws
        if d.live and d.tasks and d.record.draw_id not in assigned
    ]


def check_teams(assignments: Sequence[AssignmentFacts], as_of: date) -> list[Finding]:
    out = []
    pairs: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    live = [a for a in assignments if a.draw is not None and a.draw.live]
    live.sort(key=lambda a: (a.record.year, a.record.assigned_at, a.path))
    for a in live:
        out += _check_assignment(a, as_of)
        out += _check_rotation(a, pairs)
        for entity, team in a.teams.items():
            for person in team:
                pairs[person, entity].append((a.record.year, a.path))
    return out


def _check_assignment(a: AssignmentFacts, as_of: date) -> list[Finding]:
    out = []
    record = a.record
    year = record.year
    entities = (a.draw.entities if a.draw else None) or {}
    needed = max(2, a.rules.min_inspectors)
    params = record.parameters

    # What each kind of finding is computed from (for --since): the task list comes from
    # the draw and its replacements; a team member's eligibility from the rosters too.
    tasks_from = (
        *(
            (a.draw.path, a.draw.path.removesuffix(".yaml") + ".replacements.yaml")
            if a.draw
            else ()
        ),
    )
    people_from = (
        *tasks_from,
        a.path.removesuffix(".yaml") + ".substitutions.yaml",
        *roster_files("inspectors"),
        *roster_files("entities"),
    )

    def add(
        rule: str, message: str, fix: str, entity: str, severity=error, people: bool = True
    ) -> None:
        out.append(
            severity(
                rule,
                a.path,
                message,
                fix,
                line=a.file.line("entity", entity),
                year=year,
                related=people_from if people else tasks_from,
            )
        )

    replace_fix = f"用 ssj assign replace <单位> <执法证号> --year {year} --reason <理由> 更换人员"
    if a.draw is not None:
        missing = sorted(a.draw.tasks - set(a.teams))
        for ident in missing:
            add(
                "R6",
                f"任务 {_name(entities, ident)} 没有匹配检查人员（抽取 {record.draw_id} 的任务在匹配之后有变动，如候补替换）",
                f"为该任务补充匹配：ssj assign --year {year} --draw {record.draw_id} --seed <新种子>",
                ident,
                people=False,
            )
        for ident in sorted(set(a.teams) - a.draw.tasks):
            add(
                "R6",
                f"匹配中的任务 {_name(entities, ident)} 已不在抽取 {record.draw_id} 的任务中（已被替换）",
                "核对替换记录；被替换单位的检查组无需出发",
                ident,
                warning,
                people=False,
            )
    clean = _Clean(a, as_of)
    for task in record.matched():
        ident = task.entity
        entity = entities.get(ident)
        team = a.teams.get(ident, [])
        until = staffing.period_end(year, task.period)
        if clean.task(ident, entity, team, until, needed):
            continue  # the checks below would find nothing: most tasks of a big matching
        who = _name(entities, ident)
        if len(set(team)) != len(team):
            add("R6", f"任务 {who} 的检查组中有人重复", replace_fix, ident)
        officers = []
        for pid in team:
            person = _person(a, pid, later=(ident, pid) in a.substituted)
            if person is None:
                add("R6", f"任务 {who} 的人员 {pid} 不在执法检查人员名录库中", replace_fix, ident)
                continue
            label = f"{person.name}（{pid}）"
            if person.role == OFFICER:
                officers.append(pid)
            if person.valid_until is None:
                add("R6", f"任务 {who}：{label} 的证件有效期未填", replace_fix, ident)
            elif person.valid_until < until:
                add(
                    "R6",
                    f"任务 {who}：{label} 的证件有效期至 {person.valid_until}，早于检查时段结束日 {until}",
                    replace_fix,
                    ident,
                )
            if person.status != "在岗":
                add(
                    "R6",
                    f"任务 {who}：{label} 匹配时为“{person.status}”，不在岗",
                    replace_fix,
                    ident,
                )
            current = a.people_now.get(pid)
            if current and until >= as_of and person.status == "在岗" and current.status != "在岗":
                add(
                    "R6",
                    f"任务 {who}（时段结束 {until}）：{label} 现为“{current.status}”",
                    replace_fix,
                    ident,
                    warning,
                )
            if entity is not None:
                # a conflict declared since counts while the task is still ahead
                later = current.conflicts if current and until >= as_of else ()
                conflicts = set(person.conflicts) | set(later)
                if ident in conflicts:
                    add("R7", f"任务 {who}：{label} 须回避该单位", replace_fix, ident)
                if params.cross_region and person.region and person.region == entity.region:
                    add(
                        "R7",
                        f"任务 {who}：所所交叉，{label} 与该单位同属“{entity.region}”",
                        replace_fix,
                        ident,
                    )
                department = a.departments.get(entity.category)
                if (
                    params.scope == "department"
                    and department
                    and person.role == OFFICER
                    and person.department != department
                ):
                    add(
                        "R9",
                        f"任务 {who}：各股室内随机，{label} 属“{person.department or '未填科室'}”，"
                        f"不是“{entity.category}”的主管科室“{department}”",
                        replace_fix,
                        ident,
                    )
        if len(set(officers)) < needed:
            add(
                "R6",
                f"任务 {who} 只有 {len(set(officers))} 名执法人员，至少需要 {needed} 名（专家不计）",
                replace_fix,
                ident,
            )
    return out


class _Clean:
    """Whether a task's team passes every check of _check_assignment, decided from facts
    about each person computed once (a team member is on thousands of tasks)."""

    def __init__(self, a: AssignmentFacts, as_of: date) -> None:
        self.a, self.as_of = a, as_of
        self.params = a.record.parameters
        self.people: dict[tuple[str, bool, date], Inspector | None] = {}

    def _person(self, pid: str, later: bool, until: date) -> Inspector | None:
        """The person when nothing about them alone is wrong through `until`, else None."""
        key = (pid, later, until)
        if key not in self.people:
            person = _person(self.a, pid, later=later)
            current = self.a.people_now.get(pid)
            fine = (
                person is not None
                and person.valid_until is not None
                and person.valid_until >= until
                and person.status == "在岗"
                and not (current and until >= self.as_of and current.status != "在岗")
                and not (current and until >= self.as_of and current.conflicts)
            )
            self.people[key] = person if fine else None
        return self.people[key]

    def task(self, ident: str, entity, team: list[str], until: date, needed: int) -> bool:
        if len(set(team)) != len(team):
            return False
        officers = 0
        department = self.a.departments.get(entity.category) if entity is not None else None
        for pid in team:
            person = self._person(pid, (ident, pid) in self.a.substituted, until)
            if person is None:
                return False
            officers += person.role == OFFICER
            if entity is None:
                continue
            if ident in person.conflicts:
                return False
            if self.params.cross_region and person.region and person.region == entity.region:
                return False
            if (
                self.params.scope == "department"
                and department
                and person.role == OFFICER
                and person.department != department
            ):
                return False
        return officers >= needed


def _check_rotation(a: AssignmentFacts, pairs) -> list[Finding]:
    out = []
    record = a.record
    used = record.parameters.rotation_years
    planned = a.rules.rotation_years
    entities = (a.draw.entities if a.draw else None) or {}
    for entity, team in sorted(a.teams.items()):
        for person in team:
            earlier = [(y, p) for y, p in pairs.get((person, entity), []) if p != a.path]
            if not earlier:
                continue
            last_year, last_path = max(earlier)
            gap = record.year - last_year
            found = _person(a, person)
            label = f"{found.name}（{person}）" if found else person
            text = (
                f"{label} 在 {last_year} 年度已检查过 {_name(entities, entity)}，"
                f"{record.year} 年度又被派往（抽取 {record.draw_id}）"
            )
            fix = f"用 ssj assign replace {entity} {person} --year {record.year} --reason 轮换 更换人员"
            if used > 0 and gap <= used:
                out.append(
                    error(
                        "R8",
                        a.path,
                        text + f"，未满 {used} 年轮换期",
                        fix,
                        line=a.file.line("entity", entity),
                        year=record.year,
                        related=(last_path,),
                    )
                )
            elif planned > 0 and gap <= planned:
                out.append(
                    warning(
                        "R8",
                        a.path,
                        text + f"：匹配时把轮换期缩短为 {used} 年，方案规定 {planned} 年",
                        fix,
                        line=a.file.line("entity", entity),
                        year=record.year,
                        related=(last_path,),
                    )
                )
    return out


# ------------------------------------------------------------------ plan estimates (R12, R13)


def plan_where(plan: Plan) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, wanted in plan.where.items():
        try:
            name = field_name(key)
        except Exception:  # an unknown field: the draw command reports it
            continue
        out.setdefault(name, []).extend(values.parse_list(wanted) or [wanted])
    return out


# The last rosters counted, with the roster itself (so that its id is not reused): an audit
# counts the same 100,000 units for R12 and for every plan version R13 compares.
_COUNTED: dict[tuple, tuple[object, int, dict[tuple[str, str], int]]] = {}


def _groups(
    entities: Iterable[Entity], level: str, where: dict[str, list[str]]
) -> tuple[int, dict[tuple[str, str], int]]:
    """Key units, and the other active units by (category, risk grade), among `where`."""
    memo = (id(entities), level, repr(sorted(where.items())))
    found = _COUNTED.get(memo)
    if found is not None and found[0] is entities:
        return found[1], found[2]
    counted = [e for e in entities if _active(e, level)]
    if where:  # most plans draw from every unit
        counted = [e for e in counted if matches(e, where)]
    key = sum(1 for e in counted if e.key)
    groups = Counter((e.category, e.risk or "") for e in counted if not e.key)
    if len(_COUNTED) >= 8:
        _COUNTED.clear()
    _COUNTED[memo] = (entities, key, groups)
    return key, groups


def planned_units(plan: Plan, level: str, entities: Iterable[Entity]) -> int:
    """The number of units one pass of the plan inspects: key units plus each group's k.

    An estimate for comparing plan versions (R13) and the capacity of a year not yet
    drawn (R12): units are grouped by category and risk grade, each group's ratio (or
    count) taken as `ssj draw` takes it from the plan; cooldown and caps are ignored.
    """
    key, groups = _groups(entities, level, plan_where(plan))
    total = key
    for (category, risk), n in groups.items():
        own = plan.categories.get(category)
        by_risk = plan.risk_ratios.get(risk)
        ratio = (own.ratio if own and own.ratio else None) or plan.ratio
        count = own.count if own and own.count and by_risk is None else None
        if count is not None:
            k = min(count, n)
        else:
            k = algorithm.sample_size(n, ratio=max(ratio, by_risk or ratio))
        if own and own.minimum:
            k = max(k, min(own.minimum, n))
        total += k
    return total


# ------------------------------------------------------------------ R12


def check_r12(
    year: int,
    plan: RecordFile,
    tasks: int | None,
    estimated: int,
    people: Sequence[Inspector],
    rules: Defaults,
    calendars: Sequence[YearSchedule],
    related: tuple[str, ...] = (),
    package: Mapping[int, Sequence[int]] | None = None,
) -> list[Finding]:
    """The year's tasks (drawn, or estimated from the plan) fit the bureau's capacity
    (`package`: the holidays package's working days, kept; None: read from it)."""
    model: Plan = plan.model
    calendar = WorkCalendar(calendars, package)
    try:
        working_days = calendar.working_days_in_year(year)
    except UnknownSchedule as exc:
        return [
            warning(
                "R12",
                plan.path,
                f"无法测算 {year} 年度工作量：{exc}",
                f"新建 calendars/{year}.yaml（year、source、holidays、workdays）补充当年安排",
                year=year,
                related=related,
            )
        ]
    count = estimated if tasks is None else tasks
    officers = officer_count(model, people, year)
    if officers < 1 or count == 0:
        return []
    inp = capacity_input(model, rules, working_days, officers, count, model.team_size)
    result = compute_capacity(inp)
    if result.fits:
        return []
    source = "已抽取的任务" if tasks is not None else "按方案估算的任务"
    return [
        warning(
            "R12",
            plan.path,
            f"{year} 年度工作量超出执法力量：{source} {count} 项，需要 {result.required_days} 人·日，"
            f"可用 {result.available_days} 人·日（法定工作日 {working_days} 天 × 执法人员 {officers} 人"
            f" − 其他执法 {result.other_enforcement_total} − 非执法 {result.non_enforcement_total}）",
            "降低抽查比例、分批抽取，或核实方案 capacity 中的人员与天数",
            line=plan.line("capacity", ""),
            year=year,
            related=related,
        )
    ]


# ------------------------------------------------------------------ R13


def _key_units(entities: Iterable[Entity], level: str) -> set[str]:
    return {e.id for e in entities if e.key and _active(e, level)}


def _shown(ids: Iterable[str], limit: int = 5) -> str:
    ids = sorted(ids)
    return "、".join(ids[:limit]) + (f" 等 {len(ids)} 个" if len(ids) > limit else "")


def plan_differences(
    base: Plan,
    base_entities: Sequence[Entity],
    base_items: Sequence,
    base_officers: int,
    new: Plan,
    new_entities: Sequence[Entity],
    new_items: Sequence,
    new_officers: int,
    level: str,
    threshold: Decimal | None,
) -> tuple[list[str], bool]:
    """What makes a plan change need re-approval (兴安区计划 §八), and whether tasks were cut
    while officers were not (江西省意见 §一(二)).

    Unit counts of both versions are estimated on the *newer* roster, so that a roster
    growing or shrinking is not taken for a change of the plan.
    """
    reasons: list[str] = []
    limit = Decimal("0.2") if threshold is None else threshold
    before = planned_units(base, level, new_entities)
    after = before if new == base else planned_units(new, level, new_entities)
    if before and Decimal(abs(after - before)) / before > limit:
        change = Decimal(after - before) / before
        reasons.append(
            f"计划检查单位数由 {before} 个变为 {after} 个（{'+' if change > 0 else ''}"
            f"{percent(change.quantize(Decimal('0.001')))}，超过 {percent(limit)}）"
        )
    if base.where != new.where:
        reasons.append(
            f"定向条件（重点区域、领域）由 {dict(base.where) or '不定向'} 改为 {dict(new.where) or '不定向'}"
        )
    old_key = _key_units(base_entities, level)
    new_key = _key_units(new_entities, level)
    now = {e.id: e for e in new_entities}
    added = new_key - old_key
    removed = {i for i in old_key - new_key if i in now and _active(now[i], level)}
    if added:
        reasons.append(f"新增重点单位 {_shown(added)}")
    if removed:
        reasons.append(f"取消重点单位 {_shown(removed)}")
    old_items = {i.code for i in base_items if i.kind == "重点"}
    new_items_ = {i.code for i in new_items if i.kind == "重点"}
    if old_items != new_items_:
        parts = []
        if new_items_ - old_items:
            parts.append(f"新增 {_shown(new_items_ - old_items)}")
        if old_items - new_items_:
            parts.append(f"取消 {_shown(old_items - new_items_)}")
        reasons.append("重点事项" + "，".join(parts))
    cut = after < before and new_officers >= base_officers
    if cut:
        reasons.append(
            f"年度检查任务由 {before} 项减至 {after} 项，而执法人员未减少（{base_officers} → {new_officers} 人）"
        )
    return reasons, cut
