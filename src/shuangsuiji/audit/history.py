"""Git history: what a file alone cannot show (R14 record integrity, R13 plan approval
and changes).

One `git log` over plans/, rosters/ and ssj.yaml gives every commit with the blob ids
before and after each change; records are followed through renames.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from ..core import seedformat
from ..core.algorithm import AlgorithmInputError
from ..core.models import Entity, Inspector, Item
from ..core.plan import Plan
from ..core.planning import effective_rules
from ..core.problems import InputError
from ..core.workload import officer_count
from ..storage.git import Commit
from ..workspace import CONFIG, PLAN_DIR, ROSTER_DIR, roster_files
from ..workspace.layout import (
    APPEND_BYTES,
    GROWING,
    LABELS,
    appended_only,
    document_of,
    record_kind,
    year_of,
)
from .data import AuditData, parse_model
from .findings import Finding, error, warning
from .rules import plan_differences

REAPPROVAL_DAYS = 30  # 兴安区计划 §八: re-approval within 30 days of the decision

ROSTER_PATHS = {kind: roster_files(kind) for kind in ("entities", "items", "inspectors")}
ALL_ROSTER_PATHS = [path for paths in ROSTER_PATHS.values() for path in paths]

FIX_RESTORE = (
    "已提交的记录不得修改、删除或改名：用 git log -p --follow 该文件 查明改动，"
    "恢复首次提交的内容；更正用 ssj draw replace / ssj assign replace 另行记录，重抽用 --redraw-of"
)


@dataclass
class History:
    commits: list[Commit]
    first: dict[str, Commit]  # current path of each record -> the commit that first added it
    days: dict[str, date]  # each commit's latest possible day: see effective_days

    def day(self, commit: Commit) -> date:
        return self.days.get(commit.sha, commit.day)


def read(data: AuditData) -> History:
    commits = data.ws.git.file_history(PLAN_DIR, ROSTER_DIR, CONFIG)
    data.entry_days = entry_days(data, commits)
    return History(commits, {}, effective_days(data))


def effective_days(data: AuditData) -> dict[str, date]:
    """The latest day each commit can really have been made: its own date, but no later than
    a commit made on top of it, nor than today. A commit dated forward gains no time."""
    clock = data.ws.clock
    today = clock.today()
    out: dict[str, date] = {}
    bound: dict[str, date] = {}
    for sha, (time, parents) in data.ws.git.commit_times().items():  # children first
        day = min(clock.day_of(time), today, bound.get(sha, date.max))
        out[sha] = day
        for parent in parents:
            bound[parent] = min(bound.get(parent, date.max), day)
    return out


def entry_days(data: AuditData, commits: list[Commit]) -> dict[str, list[date]]:
    """The day of the commit that added each entry of each growing record file (a version,
    a publication): the day it was really recorded, whatever dates it claims."""
    versions: list[tuple[str, str, date]] = []  # path, blob, commit day; oldest first
    for commit in commits:
        for change in commit.changes:
            kind = record_kind(change.new_path)
            if kind in APPEND_BYTES and change.status != "D" and change.new_blob:
                versions.append((change.new_path, change.new_blob, commit.day))
    blobs = data.ws.git.blobs(sorted({blob for _, blob, _ in versions}))
    out: dict[str, list[date]] = {}
    for path, blob, day in versions:
        document = document_of(blobs.get(blob) or b"")
        entries = document.get(GROWING[record_kind(path)]) if document else None
        days = out.setdefault(path, [])
        if isinstance(entries, list) and len(entries) > len(days):
            days += [day] * (len(entries) - len(days))
    return out


def check(data: AuditData, history: History) -> list[Finding]:
    out = _record_changes(data, history)
    out += _working_tree(data)
    out += _integrity(data, history)
    out += _plan_changes(data, history)
    out += approval_gate(data)
    out += _dates_backwards(data)
    out += _late_entries(data, history)
    return out


def _late_entries(data: AuditData, history: History) -> list[Finding]:
    """Acts dated before the day they were recorded (late entries, reported with their
    reason) or after it (impossible: an error), and dates outside their year."""
    from ..workspace import revisits
    from ..workspace.year import disclosure_path, load_disclosures

    clock = data.ws.clock
    out: list[Finding] = []

    def judge(path, year, what, claimed, stamp, reason, years, entry: int | None = None):
        recorded = clock.local(stamp).date()
        if entry is None:
            first = history.first.get(path)
            committed = history.day(first) if first else None
        else:
            days = data.entry_days.get(path, [])
            committed = days[entry] if entry < len(days) else None
        if committed is not None:
            recorded = max(recorded, committed)
        fix = "日期按实际：补录时用 --date 加 --reason 写明理由"
        if claimed.year not in years:
            out.append(
                error(
                    "R14",
                    path,
                    f"{what}的日期 {claimed} 不在 {year} 年度所允许的范围内",
                    fix,
                    year=year,
                )
            )
        if claimed > recorded:
            out.append(
                error(
                    "R14",
                    path,
                    f"{what}的日期 {claimed} 晚于记录之日 {recorded}：日期是将来的",
                    fix,
                    year=year,
                )
            )
        elif claimed < recorded:
            why = f"理由：{reason}" if reason else "未写明补录理由"
            out.append(
                warning(
                    "R14",
                    path,
                    f"{what}：所记日期为 {claimed}，{recorded} 才记录（补录，{why}）；期限与冷却期按 {recorded} 判断",
                    "核对补录的理由；今后在当天记录",
                    year=year,
                )
            )

    for found in data.draws:
        record = found.model
        prepared = data.prepared.get(record.draw_id)
        if prepared is not None and record.prepared:
            p = prepared.model
            judge(
                prepared.path,
                p.year,
                f"预备抽取 {p.draw_id}",
                p.date,
                p.prepared_at,
                p.reason,
                {p.year},
            )
        else:
            judge(
                found.path,
                record.year,
                f"抽取 {record.draw_id}",
                record.date,
                record.drawn_at,
                record.reason,
                {record.year},
            )
    for year in sorted(set(data.plans) | {d.model.year for d in data.draws}):
        try:
            revisit = revisits.load_draw(data.ws, year)
            disclosures = load_disclosures(data.ws, year)
        except InputError:
            continue  # the schema check says why
        if revisit is not None:
            path = data.ws.rel(revisits.draw_path(data.ws, year))
            judge(
                path,
                year,
                f"回访抽取 {revisit.draw_id}",
                revisit.date,
                revisit.drawn_at,
                revisit.reason,
                {year, year + 1},
            )
        for disclosure in disclosures:
            path = data.ws.rel(disclosure_path(data.ws, year, disclosure.date))
            for n, publication in enumerate(disclosure.publications):
                what = f"{disclosure.date} 的第 {n + 1} 次公开"
                judge(
                    path,
                    year,
                    what,
                    disclosure.date,
                    publication.published_at,
                    publication.reason,
                    {year, year + 1},
                    n,
                )
    return out


def _dates_backwards(data: AuditData) -> list[Finding]:
    """A commit dated after today (an error: no honest clock makes one) or before its
    parent: a clock set wrong, or dates written by hand (GIT_COMMITTER_DATE) to make a
    change look later or earlier than it was."""
    times = data.ws.git.commit_times()
    clock = data.ws.clock
    today = clock.today()
    out = []
    for sha, (time, parents) in times.items():
        if clock.day_of(time) > today:
            out.append(
                error(
                    "R14",
                    CONFIG,
                    f"提交 {sha[:10]} 的日期（{clock.day_of(time)}）晚于今天（{today}）："
                    "时钟被调快，或提交日期被手工改写",
                    "核对该提交的来历并改正机器时钟；期限按不晚于今天、不晚于其后提交的日期判断",
                    commit=sha,
                )
            )
        later = [p for p in parents if p in times and times[p][0] > time]
        if later:
            parent = later[0]
            out.append(
                warning(
                    "R14",
                    CONFIG,
                    f"提交 {sha[:10]} 的日期（{clock.day_of(time)}）早于其父提交 {parent[:10]}"
                    f"（{clock.day_of(times[parent][0])}）：可能是时钟被调回，或提交日期被手工改写",
                    "核对该提交的来历；期限与先后以提交的先后为准",
                    commit=sha,
                )
            )
    return out


# ------------------------------------------------------------------ records never edited


def _record_changes(data: AuditData, history: History) -> list[Finding]:
    out: list[Finding] = []
    git = data.ws.git
    added: dict[str, Commit] = {}
    deleted: set[str] = set()
    appended: list[tuple[str, str, str, str, Commit]] = []  # kind, path, old, new, commit
    for commit in history.commits:
        for change in commit.changes:
            kind = record_kind(change.new_path) or record_kind(change.old_path)
            if kind is None:
                continue
            label = LABELS[kind]
            day = history.day(commit)
            where = f"提交 {commit.sha[:10]}（{day}）"

            def flag(path: str, message: str, commit: Commit = commit) -> None:
                out.append(
                    error(
                        "R14",
                        path,
                        message,
                        FIX_RESTORE,
                        year=year_of(path),
                        commit=commit.sha,
                    )
                )

            if change.status in ("A", "C"):
                if len(commit.parents) > 1 and change.new_path in added:
                    continue  # a merge bringing in a record of its other side
                if change.new_path in deleted:
                    flag(change.new_path, f"{label}在删除后于{where}重新添加")
                added[change.new_path] = commit
            elif change.status in ("M", "T"):
                first = added.get(change.new_path)
                if kind in GROWING and change.old_blob and change.new_blob:
                    appended.append(
                        (kind, change.new_path, change.old_blob, change.new_blob, commit)
                    )
                elif kind not in GROWING:
                    since = f"首次提交（{first.sha[:10]}）之后" if first else "提交之后"
                    flag(change.new_path, f"{label}在{since}于{where}被修改")
            elif change.status == "D":
                flag(change.old_path, f"已提交的{label}于{where}被删除")
                added.pop(change.old_path, None)
                deleted.add(change.old_path)
            elif change.status == "R":
                flag(
                    change.new_path,
                    f"{label}于{where}由 {change.old_path} 改名为 {change.new_path}",
                )
                if change.old_path in added:
                    added[change.new_path] = added.pop(change.old_path)
                if change.old_blob != change.new_blob and kind not in GROWING:
                    flag(change.new_path, f"{label}在改名时（{where}）内容也被修改")
    blobs = git.blobs([b for _, _, old, new, _ in appended for b in (old, new)])
    for kind, path, old, new, commit in appended:
        if not appended_only(kind, blobs.get(old), blobs.get(new)):
            out.append(
                error(
                    "R14",
                    path,
                    f"{LABELS[kind]}只能追加，但于提交 {commit.sha[:10]}（{history.day(commit)}）"
                    "改动或删去了已有的内容",
                    FIX_RESTORE,
                    year=year_of(path),
                    commit=commit.sha,
                )
            )
    history.first = added
    return out


def _working_tree(data: AuditData) -> list[Finding]:
    out = []
    git = data.ws.git
    status = git.run(
        "status", "--porcelain", "-z", "--untracked-files=all", "--", PLAN_DIR, check=False
    )
    prefix = git.prefix()  # porcelain paths are relative to the repository's top
    tokens = iter(status.split("\0"))
    for entry in tokens:
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:].removeprefix(prefix)
        if code[0] in "RC":
            next(tokens, None)  # the old path of a rename or copy
        kind = record_kind(path)
        if kind is None:
            continue
        label = LABELS[kind]
        if code == "??" or code[0] == "A":
            out.append(
                warning(
                    "R14",
                    path,
                    f"{label}尚未提交",
                    f"提交记录：git add {path} && git commit",
                    year=year_of(path),
                )
            )
        elif (
            code[0] == "R" or "D" in code or ("M" in code and not _appended_only(data, kind, path))
        ):
            out.append(
                error(
                    "R14",
                    path,
                    f"已提交的{label}有未提交的修改"
                    + ("（只能在末尾追加）" if kind in GROWING else ""),
                    f"撤销修改：git checkout -- {path}",
                    year=year_of(path),
                )
            )
    return out


def _appended_only(data: AuditData, kind: str, path: str) -> bool:
    """An uncommitted change of an append-only file that only appends to what HEAD has."""
    if kind not in GROWING:
        return False
    before = data.ws.git.show("HEAD", path)
    try:
        after = (data.ws.root / path).read_bytes()
    except OSError:
        return False
    return before is None or appended_only(kind, before, after)


# ------------------------------------------------------------------ redraws, prepared draws, commits


def _integrity(data: AuditData, history: History) -> list[Finding]:
    out: list[Finding] = []
    git = data.ws.git
    ids = Counter(d.model.draw_id for d in data.draws)
    redrawn = Counter(d.model.redraw_of for d in data.draws if d.model.redraw_of)
    resolved: dict[str, str | None] = {}

    def exists(commit: str) -> str | None:
        if commit not in resolved:
            resolved[commit] = git.rev_parse(commit) if commit else None
        return resolved[commit]

    for found in data.draws:
        record = found.model
        year = record.year

        def flag(message: str, fix: str, path: str = found.path, year: int = year, out=out) -> None:
            out.append(error("R14", path, message, fix, year=year))

        if ids[record.draw_id] > 1:
            flag(
                f"抽取编号“{record.draw_id}”有 {ids[record.draw_id]} 份记录：一个编号只能抽一次",
                "删去后加的记录，以 --redraw-of 重抽并写明理由",
            )
        if record.redraw_of:
            old = data.draw(record.redraw_of)
            if not (record.reason or "").strip():
                flag(
                    f"重抽 {record.draw_id}（取代 {record.redraw_of}）没有记录理由",
                    "重抽必须写明理由：ssj draw --redraw-of … --reason …",
                )
            if record.redraw_of == record.draw_id:
                flag("抽取记录声称重抽了它自己", FIX_RESTORE)
            elif old is None:
                flag(
                    f"重抽 {record.draw_id} 所取代的抽取“{record.redraw_of}”没有记录（被删除？）",
                    "恢复被取代的原抽取记录：原记录必须保留在历史中",
                )
            elif old.model.year != year:
                flag(
                    f"重抽 {record.draw_id} 所取代的“{record.redraw_of}”属于 {old.model.year} 年度",
                    FIX_RESTORE,
                )
            if redrawn[record.redraw_of] > 1:
                flag(
                    f"抽取“{record.redraw_of}”被重抽了 {redrawn[record.redraw_of]} 次", FIX_RESTORE
                )
        first = history.first.get(found.path)
        out += _commit_checks(data, found.path, record.commit, first, exists, year, "抽取")
        prepared = data.prepared.get(record.draw_id)
        if record.prepared or prepared:
            out += _prepared_checks(data, history, found, prepared, first, year)
    for found in data.assignments:
        record = found.model
        first = history.first.get(found.path)
        out += _commit_checks(data, found.path, record.commit, first, exists, record.year, "匹配")
    out += _abandoned(data)
    return out


def _abandoned(data: AuditData) -> list[Finding]:
    """Prepared draws never run: one left behind by a later draw of its year is an error
    (the roster may have been changed until another draw suited), unless it was cancelled
    with a reason; one still waiting for its seed is a warning."""
    out = []
    done = {d.model.draw_id for d in data.draws}
    for draw_id, found in sorted(data.prepared.items()):
        if draw_id in done or draw_id in data.cancelled:
            continue
        p = found.model
        later = sorted(
            d.model.draw_id
            for d in data.draws
            if d.model.year == p.year and d.model.drawn_at > p.prepared_at
        )
        fix = f"如已放弃，用 ssj draw cancel --draw-id {draw_id} --reason … 写明理由并提交"
        if later:
            message = f"预备抽取 {draw_id} 既未执行也未取消，其后又进行了抽取 {'、'.join(later)}"
            out.append(error("R14", found.path, message, fix, year=p.year))
        else:
            message = f"预备抽取 {draw_id} 尚待执行（ssj draw run --draw-id {draw_id}）"
            out.append(warning("R14", found.path, message, fix, year=p.year))
    return out


def _commit_checks(data, path, commit, first, exists, year, what) -> list[Finding]:
    git = data.ws.git
    fix = "抽取、匹配前名录必须已提交；用 ssj draw / ssj assign 重新生成记录，不要手工编写"
    if exists(commit) is None:
        return [
            error(
                "R14",
                path,
                f"{what}记录所称的名录提交 {commit[:10]} 在仓库中不存在",
                fix,
                year=year,
            )
        ]
    if first is not None and not git.is_ancestor(commit, first.sha):
        return [
            error(
                "R14",
                path,
                f"{what}记录所称的名录提交 {commit[:10]} 不在记录所在提交 {first.sha[:10]} 的历史中："
                "所用名录没有在抽取前提交到这条历史上",
                fix,
                year=year,
                commit=first.sha,
            )
        ]
    return []


def _prepared_checks(data: AuditData, history: History, found, prepared, first, year):
    record = found.model
    git = data.ws.git
    out = []
    fix = "预备之后名录和参数不得改动：用新的抽取编号重新 ssj draw prepare，当众产生种子后 ssj draw run"

    def flag(message: str, commit: str | None = None) -> None:
        out.append(error("R14", found.path, message, fix, year=year, commit=commit))

    if prepared is None:
        flag(f"抽取 {record.draw_id} 称依据预备记录 {record.prepared}，但该预备记录不存在")
        return out
    if not record.prepared:
        flag(f"抽取 {record.draw_id} 有预备记录 {prepared.path}，却没有按预备执行（ssj draw run）")
        return out
    if record.prepared != prepared.path:
        flag(f"抽取 {record.draw_id} 所称的预备记录 {record.prepared} 与 {prepared.path} 不符")
    p = prepared.model
    differs = []
    for label, a, b in (
        ("名录提交", p.commit, record.commit),
        ("名录摘要", p.rosters, record.rosters),
        ("参数", p.parameters, record.parameters),
        ("随机池", p.population, record.population),
        ("分层数量", p.strata, record.strata),
        ("计入历史的抽取", p.history, record.history),
        ("重点单位", sorted(p.key), sorted(t.id for t in record.key)),
        ("长期未检查单位", sorted(p.forced), sorted(t.id for t in record.forced)),
        ("抽取日期", p.date, record.date),
    ):
        if a != b:
            differs.append(label)
    if differs:
        flag(f"抽取 {record.draw_id} 与其预备记录不一致：{'、'.join(differs)}")
    seed_problem = _seed_against_commitment(p, record)
    if seed_problem:
        flag(f"抽取 {record.draw_id} 的种子不符合预备时的承诺：{seed_problem}")
    added = history.first.get(prepared.path)
    prepared_first = added.sha if added else None
    if prepared_first is None:
        flag(f"预备记录 {prepared.path} 尚未提交：种子产生前预备记录必须已提交")
    elif first is not None:
        if prepared_first == first.sha or not git.is_ancestor(prepared_first, first.sha):
            flag(
                f"预备记录 {prepared.path} 不是在抽取之前提交的（预备 {prepared_first[:10]}，"
                f"抽取 {first.sha[:10]}）",
                first.sha,
            )
        else:
            rosters = list(ROSTER_PATHS["entities"])
            before = git.blob_ids(prepared_first, rosters)
            after = git.blob_ids(first.sha, rosters)
            if before != after:
                flag(
                    f"预备（{prepared_first[:10]}）与执行（{first.sha[:10]}）之间检查对象名录库被修改",
                    first.sha,
                )
    return out


# ------------------------------------------------------------------ R13 plan changes

FIX_APPROVAL = (
    "方案经批准后才能抽取：报批后用 ssj plan approve 记录批准，再以 --redraw-of 重抽并写明理由"
)


def approval_gate(data: AuditData) -> list[Finding]:
    """R13, the plan gate: every draw was made under its year's approved plan, as the plan
    stood at the commit the draw was made from (approving afterwards does not help), and
    on or after the day of the approval."""
    out: list[Finding] = []
    for found in data.draws:
        record = found.model
        year = record.year
        plan_path = f"{PLAN_DIR}/{year}/plan.yaml"
        plan = data.plan_at(record.commit, year)
        approval = plan.approval if plan else None
        where = f"抽取 {record.draw_id}（{record.date}，依据提交 {record.commit[:10]}）"
        if approval is None:
            message = f"{where}时 {year} 年度方案尚未批准：方案经批准后才能抽取"
        elif record.date < approval.date:
            message = (
                f"{where}早于 {year} 年度方案的批准日期 {approval.date}（{approval.document}）"
            )
        else:
            continue
        out.append(
            error(
                "R13",
                found.path,
                message,
                FIX_APPROVAL,
                line=found.line("draw_id", record.draw_id),
                year=year,
                related=(plan_path,),
            )
        )
    return out


def _seed_against_commitment(prepared, record) -> str | None:
    """Why a draw's seed or source breaks what its prepared draw committed; None if it keeps it."""
    if prepared.seed_source and record.seed_source != prepared.seed_source:
        return f"种子来源为“{record.seed_source}”，预备时承诺的是“{prepared.seed_source}”"
    if not prepared.seed_format:
        return None
    if record.seed_format != prepared.seed_format:
        return f"种子格式为 {record.seed_format or '未记录'}，预备时承诺的是 {prepared.seed_format}"
    try:
        canonical = seedformat.canonical(
            prepared.seed_format,
            record.seed,
            commitments=prepared.commitments or None,
            names=prepared.witnesses or None,
        )
    except AlgorithmInputError as exc:
        return str(exc)
    if canonical != record.seed:
        return f"种子“{record.seed}”不是格式 {prepared.seed_format} 的规范写法（应为“{canonical}”）"
    return None


@dataclass
class PlanState:
    commit: Commit
    day: date  # the commit's latest possible day (History.day)
    plan: Plan | None
    entities: list[Entity] | None
    items: list[Item] | None
    people: list[Inspector] | None


def _plan_changes(data: AuditData, history: History) -> list[Finding]:
    out: list[Finding] = []
    level = data.config.level if data.config else "县"
    watched = set(ALL_ROSTER_PATHS)
    for year, plan_file in sorted(data.plans.items()):
        path = plan_file.path
        touches = [
            c
            for c in history.commits
            if any(path in (ch.new_path, ch.old_path) for ch in c.changes)
        ]
        if not touches:
            continue
        start = history.commits.index(touches[0])
        end = date(year, 12, 31)
        events = [
            c
            for c in history.commits[start:]
            if history.day(c) <= end
            and any({ch.new_path, ch.old_path} & (watched | {path}) for ch in c.changes)
        ]
        if len(events) < 2:
            continue
        states = [_state(data, c, history.day(c), path) for c in events]
        out += _judge(data, year, path, states, level)
    return out


def _state(data: AuditData, commit: Commit, day: date, plan_path: str) -> PlanState:
    git = data.ws.git
    ids = git.blob_ids(commit.sha, [plan_path, *ALL_ROSTER_PATHS])
    cache = data.__dict__.setdefault("_blobs", {})

    def roster(kind: str):
        path = next((p for p in ROSTER_PATHS[kind] if p in ids), None)
        if path is None:
            return None
        key = ("parsed", ids[path])  # a blob is parsed once, whichever commits hold it
        if key not in cache:
            try:
                cache[key] = data.ws.roster_at(kind, commit.sha).rows
            except InputError:
                cache[key] = None
        return cache[key]

    blob = ids.get(plan_path)
    if blob is not None and blob not in cache:
        cache[blob] = git.show(commit.sha, plan_path)
    plan = parse_model(Plan, cache[blob], data.ws.root) if cache.get(blob) is not None else None
    return PlanState(commit, day, plan, roster("entities"), roster("items"), roster("inspectors"))


def _judge(data: AuditData, year: int, path: str, states: list[PlanState], level: str):
    out: list[Finding] = []
    baseline = states[0]
    if baseline.plan is None or baseline.entities is None:
        return out
    pending: tuple[PlanState, list[str], bool] | None = None
    for state in states[1:]:
        if state.plan is None or state.entities is None:
            continue
        if len(state.plan.changes) > len(baseline.plan.changes):
            entry = state.plan.changes[-1]
            if entry.date > state.day:
                out.append(
                    error(
                        "R13",
                        path,
                        f"{year} 年度方案的重新报批日期 {entry.date} 晚于记录它的提交"
                        f"（{state.commit.sha[:10]}，{state.day}）：不能记录将来的批准",
                        "批准之后再记录，date 写批准文件的实际日期",
                        year=year,
                        commit=state.commit.sha,
                    )
                )
            approved = max(entry.date, state.day)  # judged on when it was recorded
            if pending is not None:
                deadline = pending[0].day + timedelta(days=REAPPROVAL_DAYS)
                if approved > deadline:
                    out.append(
                        warning(
                            "R13",
                            path,
                            f"{year} 年度方案 {pending[0].day} 的重大调整于 {approved} 才记录重新报批"
                            f"（{entry.document}），超过 {REAPPROVAL_DAYS} 日",
                            "重大调整应在作出决定之日起 30 日内重新履行报批手续（兴安区计划 §八）",
                            year=year,
                            commit=state.commit.sha,
                        )
                    )
            baseline, pending = state, None
            continue
        limit = effective_rules(data.config, state.plan).change_threshold
        reasons, cut = plan_differences(
            baseline.plan,
            baseline.entities,
            baseline.items or [],
            officer_count(baseline.plan, baseline.people or [], year),
            state.plan,
            state.entities,
            state.items or [],
            officer_count(state.plan, state.people or [], year),
            level,
            limit,
        )
        if not reasons and not cut:
            pending = None  # back to what was approved
        elif pending is None:
            pending = (state, reasons, cut)
        else:
            pending = (pending[0], reasons, pending[2] or cut)
    if pending is None:
        return out
    state, reasons, cut = pending
    deadline = state.day + timedelta(days=REAPPROVAL_DAYS)
    overdue = data.as_of > deadline
    fix = (
        "重新报批后在 plan.yaml 的 changes 中追加一条：date（批准日期）、document（批准文件及文号）、"
        "reason（调整理由）"
    )
    if cut:
        fix = (
            "执法人员未减少时不得减少年度检查任务（江西省意见 §一(二)）：恢复任务数，或书面说明并重新报批后按上条记录。"
            + fix
        )
    message = (
        f"{year} 年度方案于 {state.day}（提交 {state.commit.sha[:10]}）作了须重新报批的调整："
        + "；".join(reasons)
        + "；尚未记录重新报批"
        + ("" if overdue or cut else f"（期限 {deadline}）")
    )
    make = error if overdue or cut else warning
    out.append(make("R13", path, message, fix, year=year, commit=state.commit.sha))
    return out
