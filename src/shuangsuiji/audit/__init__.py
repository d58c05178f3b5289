"""ssj audit: every rule of docs/audit.md the workspace's files allow, every random choice re-run,
git history read for what a file alone cannot show.

    data     read and validate every file (schema findings), rosters/plans at commits
    schema   the schema findings and the checks across files
    rerun    every draw and assignment recomputed (verification.verify_all)
    history  git: records never edited, redraws, prepared draws, commits, R13 plan approval
             (no draw before it) and plan changes
    anchors  commits named by published documents: still in history, their records unchanged
    facts    records paired with what was committed when they were made
    rules    R1 R2 R3 R5 R6 R7 R8 R9 R12 R13 as pure checks
    items    R17 a recorded item published before the inspection
    results  R9b R10 R11 and return visits (inspection records, hazards, disclosures)
    caps     R15 R16 over each year's inspection ledger (own records and imported rows)
    joint    部门联合双随机: R9b per department, a joint visit counted twice, 多头检查
    formats  GitHub workflow annotations, GitLab Code Quality report

`run` returns a Report; the command (cli/audit.py) prints it and sets the exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ..core.problems import InputError
from ..storage.cache import paused_gc
from ..storage.processes import side_by_side
from ..workspace import Workspace, roster_files
from .findings import ERROR, RULES, WARNING, Finding

NOT_CHECKED: dict[str, str] = {}


@dataclass
class Report:
    findings: list[Finding]
    checked: dict[str, int] = field(default_factory=dict)
    not_checked: dict[str, str] = field(default_factory=dict)
    since: str | None = None
    base: str | None = None  # the commit --since compares with (merge base)
    year: int | None = None
    as_of: date | None = None
    prefix: str = ""  # the workspace's folder inside its git repository ("" at the root)
    anchors: list[dict] = field(default_factory=list)  # each anchor checked (anchors.AnchorCheck)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def ok(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def as_dict(self, strict: bool = False) -> dict:
        return {
            "ok": self.ok(strict),
            "strict": strict,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.findings],
            "checked": self.checked,
            "not_checked": self.not_checked,
            "year": self.year,
            "since": self.since,
            "base": self.base,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "anchors": self.anchors,
        }


def run(
    ws: Workspace,
    *,
    year: int | None = None,
    since: str | None = None,
    as_of: date | None = None,
    anchors: Sequence[str] = (),
) -> Report:
    """`anchors`: commits given on the command line; those of ssj.yaml are checked as well."""
    from ..workspace import verification
    from . import anchors as anchors_
    from . import caps, facts, history, items, joint, rerun, results, rules, schema
    from . import data as data_

    git = ws.git
    if not git.is_repo():
        raise InputError(f"{ws.root} 不在 git 仓库中：审计需要读取 git 历史（git init 并提交名录）")
    if git.is_shallow():
        raise InputError(
            "这是浅克隆（只有部分 git 历史）：审计要读完整的历史。"
            "请先 git fetch --unshallow（CI 中设置 fetch-depth: 0 或 GIT_DEPTH: 0）"
        )
    as_of = as_of or ws.clock.today()
    base = None
    if since:
        target = git.rev_parse(since)
        if target is None:
            raise InputError(
                f"--since：找不到修订“{since}”（分支、标签或提交）；CI 中请先 git fetch 目标分支"
            )
        head = git.head()
        base = (git.merge_base(target, head) if head else None) or target

    changed = new = None
    if base is not None:
        changed = git.changed_since(base)
        new = git.commits_since(base)

    with paused_gc():  # records, re-runs and facts of tens of thousands of tasks
        data = data_.load(ws, as_of)

        def the_rest():
            findings = schema.check(data)
            hist = history.read(data)
            findings += history.check(data, hist)
            draws = facts.draw_facts(data)
            assignments = facts.assignment_facts(data, draws)
            roster = data.roster_files.get("entities")
            findings += rules.check_r1(draws)
            findings += rules.check_r2(draws, roster, as_of)
            findings += rules.check_r3(draws, roster, as_of)
            findings += rules.check_r5(draws)
            findings += rules.check_unassigned(draws, assignments)
            findings += rules.check_teams(assignments, as_of)
            findings += _capacity(data, draws)
            findings += results.check(data, draws, assignments, year)
            findings += caps.check(data)
            findings += joint.check(data)
            findings += items.check(data, year)
            given = [
                (a, anchors_.FROM_CONFIG) for a in (data.config.anchors if data.config else [])
            ]
            given += [(a, anchors_.FROM_OPTION) for a in anchors]
            return findings, hist, anchors_.check(git, given)

        def reruns():
            return rerun.check(data, year, changed)

        # The re-runs need nothing the other checks find: with big records, on another core.
        if verification.worth_a_core(ws, ("draws", "assignments")):
            rerun_found, (findings, hist, anchored) = side_by_side(reruns, the_rest)
        else:
            rerun_found, (findings, hist, anchored) = reruns(), the_rest()
        findings += rerun_found
        not_checked = dict(NOT_CHECKED)

        report = Report(
            findings=sorted(set(findings), key=Finding.sort_key),
            checked={
                "draws": len(data.draws),
                "assignments": len(data.assignments),
                "plans": len(data.plans),
                "commits": len(hist.commits),
                "anchors": len(anchored),
            },
            not_checked=not_checked,
            since=since,
            base=base,
            year=year,
            as_of=as_of,
            prefix=git.prefix(),
            anchors=[a.as_dict() for a in anchored],
        )
        if year is not None:
            report.findings = [f for f in report.findings if f.year in (None, year)]
        if changed is not None and new is not None:
            report.findings = [f for f in report.findings if caused_since(f, changed, new)]
        # An anchor's findings are reported whatever --since says: a rewrite is caused by no new
        # commit and may touch no changed file, yet it is what the anchor was given to catch.
        found = {f for a in anchored for f in a.findings}
        if year is not None:
            found = {f for f in found if f.year in (None, year)}
        report.findings = sorted(set(report.findings) | found, key=Finding.sort_key)
        return report


def caused_since(finding: Finding, changed: set[str], new_commits: set[str]) -> bool:
    """--since: a finding that names a commit counts when that commit is new; any other
    finding counts when its file, or a file it was computed from, changed."""
    if finding.commit:
        return finding.commit in new_commits
    return bool({finding.file, *finding.related} & changed)


def _capacity(data, draws) -> list[Finding]:
    from ..workspace.calendars import package_days
    from .rules import check_r12, planned_units

    package = package_days(data.ws)
    out = []
    level = data.config.level if data.config else "县"
    entities = data.rosters["entities"].rows if "entities" in data.rosters else []
    people = data.rosters["inspectors"].rows if "inspectors" in data.rosters else []
    for year, plan in sorted(data.plans.items()):
        mine = [d for d in draws if d.live and d.record.year == year]
        tasks = sum(len(d.tasks) for d in mine) if mine else None
        related = (*(d.path for d in mine), *roster_files("inspectors"))
        out += check_r12(
            year,
            plan,
            tasks,
            planned_units(plan.model, level, entities),
            people,
            data.current_rules(year),
            data.calendars,
            related,
            package,
        )
    return out


__all__ = ["RULES", "Finding", "Report", "caused_since", "run"]
