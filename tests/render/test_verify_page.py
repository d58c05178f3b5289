"""The verification pages, re-run in a real headless Chromium: 一致 for true records, 不一致 otherwise."""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from shuangsuiji.core import algorithm
from shuangsuiji.core import records as rec
from shuangsuiji.render import verify_page as vp
from shuangsuiji.workspace.drawing import fixed_tasks

SEED = "福彩3D 2026003期 517"
DRAW_ID = "2026-春-1"
PERIODS = ["2-3", "5-6", "9-10", "12"]
CST = timezone(timedelta(hours=8))
# Ends a script element if embedded carelessly; a valid id all the same (no space, no "|").
HOSTILE = "</script><!--<b>x"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None,
    reason="未安装 chromium（Debian：apt-get install chromium），跳过浏览器中的核对测试",
)


# ------------------------------------------------------------------ building real records


def membership() -> dict[str, str]:
    """Four strata whose names sort differently by UTF-16 unit and by code point."""
    pool: dict[str, str] = {}
    for n in range(1, 31):
        pool[f"城关-{n:02d}"] = "城关街道/食品"
    for n in range(1, 13):
        pool[f"河西{n}号"] = "河西街道/药品"
    for n in range(1, 9):
        pool[f"Ｅ{n:03d}"] = "ｚ层"  # U+FF25: after every surrogate pair in JS's own order
    for n in range(1, 7):
        pool[f"𠀀{n}"] = "𠀀层"  # U+20000, astral: before ｚ in JS's order, after it in Python's
    pool[HOSTILE] = "河西街道/药品"
    pool["91350102MA2FW4BW1Q"] = "城关街道/食品"
    return pool


def counts(pool: dict[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in pool.values():
        out[s] = out.get(s, 0) + 1
    return out


def sized(n: int, ratio: str | None = None, count=None, minimum=None) -> int:
    r = None if ratio is None else algorithm.parse_ratio(ratio)
    return algorithm.sample_size(n, ratio=r, count=count, minimum=minimum)


def mixed_rules(pool: dict[str, str]) -> list[rec.Stratum]:
    rules = {
        "城关街道/食品": {"ratio": "0.2"},
        "河西街道/药品": {"ratio": "0.07", "minimum": 3},
        "ｚ层": {"count": 2},
        "𠀀层": {"ratio": "0.5"},
    }
    return [
        rec.Stratum(stratum=s, population=n, selected=sized(n, **rules[s]), **rules[s])
        for s, n in sorted(counts(pool).items())
    ]


def uniform_rule(pool: dict[str, str], ratio: str) -> list[rec.Stratum]:
    return [
        rec.Stratum(stratum=s, population=n, ratio=ratio, selected=sized(n, ratio))
        for s, n in sorted(counts(pool).items())
    ]


def make_draw(
    pool: dict[str, str],
    strata: list[rec.Stratum],
    *,
    seed: str = SEED,
    alternates: int = 2,
    periods: list[str] = PERIODS,
    key=(),
    forced=(),
) -> rec.Draw:
    """A draw record as `draws.execute` writes it, from the package's own algorithm."""
    result = algorithm.draw(
        seed,
        DRAW_ID,
        pool,
        {s.stratum: s.selected for s in strata},
        alternates=alternates,
        periods=periods,
    )
    return rec.Draw(
        draw_id=DRAW_ID,
        year=2026,
        date=date(2026, 3, 1),
        drawn_at=datetime(2026, 3, 1, 9, 30, tzinfo=CST),
        seed=seed,
        seed_source="福彩3D 2026003期开奖号码，纪检组见证 <现场>",
        seed_generated=False,
        commit="a" * 40,
        rosters={"entities": rec.RosterRef(path="rosters/entities.yaml", sha256="b" * 64)},
        parameters=rec.Parameters(
            stratify=["region", "category"],
            periods=periods,
            alternates=alternates,
            level="县",
            cooldown_months=12,
            yearly_cap=1,
            coverage_years=3,
            force_uncovered=True,
        ),
        population=rec.Population(count=len(pool), digest=algorithm.population_digest(pool)),
        strata=strata,
        key=fixed_tasks(seed, DRAW_ID, list(key), periods),
        forced=fixed_tasks(seed, DRAW_ID, list(forced), periods),
        selected=[
            rec.Pick(id=p.id, ticket=p.ticket, stratum=p.stratum, period=p.period)
            for p in result.selected
        ],
        alternates=[
            rec.Pick(id=p.id, ticket=p.ticket, stratum=p.stratum) for p in result.alternates
        ],
    )


KEY = ["重点-化工厂", "重点-燃气站", "ZD-003", "重点-医院"]
FORCED = ["久未检查-甲", "久未检查-乙"]


@pytest.fixture(scope="module")
def drawn() -> tuple[rec.Draw, dict[str, str]]:
    pool = membership()
    return make_draw(pool, mixed_rules(pool), key=KEY, forced=FORCED), pool


def replace_entry(entries: list[vp.Entry], index: int, **changes) -> list[vp.Entry]:
    out = list(entries)
    out[index] = dataclasses.replace(out[index], **changes)
    return out


def with_recorded(inputs: vp.DrawInputs, **changes) -> vp.DrawInputs:
    return dataclasses.replace(inputs, recorded=dataclasses.replace(inputs.recorded, **changes))


# ------------------------------------------------------------------ reading pages


class PageReader(HTMLParser):
    """The verdict, the check list items and the embedded JSON, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.verdict: dict[str, str | None] = {}
        self.verdict_text = ""
        self.checks: list[str] = []
        self.inputs: str | None = None
        self.scripts = 0
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if attrs.get("id") == "inputs":
                self._in, self.inputs = "inputs", ""
        elif attrs.get("id") == "verdict":
            self.verdict, self._in = attrs, "verdict"
        elif tag == "li" and self._in is None:
            self.checks.append("")
            self._in = "li"

    def handle_endtag(self, tag):
        if (tag, self._in) in {("script", "inputs"), ("p", "verdict"), ("li", "li")}:
            self._in = None

    def handle_data(self, data):
        if self._in == "inputs":
            self.inputs += data
        elif self._in == "verdict":
            self.verdict_text += data
        elif self._in == "li":
            self.checks[-1] += data


def read(page: str) -> PageReader:
    reader = PageReader()
    reader.feed(page)
    reader.close()
    return reader


def in_browser(page: str, tmp_path) -> PageReader:
    """Open the page from a file in headless Chromium and read the DOM after its script ran."""
    path = tmp_path / "核对页.html"
    path.write_text(page, encoding="utf-8")
    command = [
        CHROMIUM,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=10000",
        "--dump-dom",
        path.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return read(done.stdout.decode("utf-8"))


def verdict(page: str, tmp_path) -> tuple[str | None, str]:
    dom = in_browser(page, tmp_path)
    return dom.verdict.get("data-ok"), dom.verdict_text


# ------------------------------------------------------------------ pure Python


def test_embedded_json_round_trips(drawn):
    record, pool = drawn
    inputs = vp.draw_inputs(record, pool)
    page = vp.draw_page(inputs)
    reader = read(page)
    assert json.loads(reader.inputs) == {"kind": "draw", "data": dataclasses.asdict(inputs)}
    # The hostile id neither ended the JSON block nor started another element or comment.
    assert reader.scripts == 2 and HOSTILE not in page
    assert reader.verdict.get("data-ok") == "pending"


def test_inputs_hold_each_stratum_its_eligible_ids_and_k(drawn):
    record, pool = drawn
    inputs = vp.draw_inputs(record, pool)
    assert [s.stratum for s in inputs.strata] == sorted(set(pool.values()))
    for s, recorded in zip(inputs.strata, record.strata, strict=True):
        assert s.eligible == sorted(i for i, name in pool.items() if name == s.stratum)
        assert (s.population, s.selected) == (recorded.population, recorded.selected)
    assert inputs.key == sorted(KEY) and inputs.forced == sorted(FORCED)
    assert [e.id for e in inputs.recorded.key] == [t.id for t in record.key]
    assert inputs.recorded.selected[0].period == PERIODS[0]


def test_text_is_escaped_and_nothing_is_loaded(drawn):
    record, pool = drawn
    page = vp.draw_page(vp.draw_inputs(record, pool))
    assert "纪检组见证 &lt;现场&gt;" in page
    assert "&lt;/script&gt;&lt;!--&lt;b&gt;x" in page  # the hostile id in the tables
    for external in (" src=", " href=", "http://", "https://", "@import", "url("):
        assert external not in page
    assert "default-src 'none'" in page


def test_summary_table_lists_each_stratum(drawn):
    record, pool = drawn
    page = vp.draw_page(vp.draw_inputs(record, pool))
    for s in record.strata:
        ids = "、".join(p.id for p in record.selected if p.stratum == s.stratum)
        row = f"<tr><td>{s.stratum}</td><td>{s.population}</td><td>{s.selected}</td>"
        assert row in page and ids.replace("<", "&lt;").replace(">", "&gt;") in page


# ------------------------------------------------------------------ draws in the browser


@needs_browser
def test_true_draw_is_consistent(drawn, tmp_path):
    record, pool = drawn
    ok, text = verdict(vp.draw_page(vp.draw_inputs(record, pool)), tmp_path)
    assert ok == "true", text
    assert text.startswith("一致")


@needs_browser
def test_one_selected_id_edited_is_named(drawn, tmp_path):
    record, pool = drawn
    inputs = vp.draw_inputs(record, pool)
    second = inputs.recorded.selected[1]
    spare = next(i for i in pool if i not in {p.id for p in record.selected})
    edited = with_recorded(inputs, selected=replace_entry(inputs.recorded.selected, 1, id=spare))
    ok, text = verdict(vp.draw_page(edited), tmp_path)
    assert ok == "false"
    assert text.startswith("不一致：抽中单位第 2 个不一致")
    assert spare in text and second.id in text


@needs_browser
def test_page_file_edited_in_place_is_caught(drawn, tmp_path):
    record, pool = drawn
    page = vp.draw_page(vp.draw_inputs(record, pool))
    first = record.alternates[0].id
    other = next(i for i in pool if pool[i] == record.alternates[0].stratum and i != first)
    marker = f'"id":"{first}","ticket"'
    embedded = page.split('id="inputs">', 1)[1]
    assert embedded.count(marker) == 1  # the id occurs once among the recorded entries
    forged = page.replace(marker, marker.replace(first, other))
    assert forged != page
    ok, text = verdict(forged, tmp_path)
    assert ok == "false" and "候补单位" in text and other in text


@needs_browser
def test_edited_seed_is_caught(drawn, tmp_path):
    record, pool = drawn
    edited = dataclasses.replace(vp.draw_inputs(record, pool), seed=SEED + "8")
    ok, text = verdict(vp.draw_page(edited), tmp_path)
    assert ok == "false" and text.startswith("不一致：抽中单位第 1 个不一致")


@needs_browser
def test_edited_key_period_is_caught(drawn, tmp_path):
    record, pool = drawn
    inputs = vp.draw_inputs(record, pool)
    key = replace_entry(inputs.recorded.key, 0, period=PERIODS[1])
    ok, text = verdict(vp.draw_page(with_recorded(inputs, key=key)), tmp_path)
    assert ok == "false" and "重点单位第 1 个" in text and record.key[0].id in text


@needs_browser
def test_pool_not_matching_the_digest_is_caught(drawn, tmp_path):
    record, pool = drawn
    smaller = dict(pool)
    dropped = record.alternates[-1].id  # not selected: the selection itself still holds
    del smaller[dropped]
    inputs = vp.draw_inputs(record, smaller)
    dom = in_browser(vp.draw_page(inputs), tmp_path)
    assert dom.verdict.get("data-ok") == "false"
    assert "随机池有" in dom.verdict_text
    assert any("候补单位" in c and c.startswith("✗") for c in dom.checks)


@needs_browser
def test_k_not_matching_the_rule_is_caught(drawn, tmp_path):
    record, pool = drawn
    strata = [
        s.model_copy(update={"selected": s.selected + 1}) if s.stratum == "ｚ层" else s
        for s in record.strata
    ]
    inputs = vp.draw_inputs(record.model_copy(update={"strata": strata}), pool)
    ok, text = verdict(vp.draw_page(inputs), tmp_path)
    assert ok == "false" and "ｚ层" in text and "应抽取 2 个" in text


@needs_browser
def test_draw_without_periods_strata_or_fixed_tasks(tmp_path):
    pool = {f"单位{n}": algorithm.ALL_STRATUM for n in range(1, 41)}
    strata = [rec.Stratum(stratum=algorithm.ALL_STRATUM, population=40, count=5, selected=5)]
    page = vp.draw_page(vp.draw_inputs(make_draw(pool, strata, alternates=1, periods=[]), pool))
    assert "不分时段" in page and "没有重点单位" in page
    ok, text = verdict(page, tmp_path)
    assert ok == "true", text


@needs_browser
def test_hundred_thousand_eligible(tmp_path):
    pool = {f"91350102MA{n:08d}": f"乡镇{n % 7}" for n in range(100_000)}
    record = make_draw(pool, uniform_rule(pool, "0.2"), key=KEY)
    page = vp.draw_page(vp.draw_inputs(record, pool))
    # About 3 MB of ids and 5 MB for the 20 000 selected (JSON and table): still one file.
    assert len(page.encode()) < 10_000_000
    ok, text = verdict(page, tmp_path)
    assert ok == "true", text


# Mixed scripts, full-width and astral letters: JS's UTF-16 order and Python's code point
# order disagree on them, and the strata and the digest depend on the latter.
ALPHABET = "甲乙丙城关河西ＡＺ𠀀𠀁abzXZ09-_·"


def random_id(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6)))


@needs_browser
@pytest.mark.parametrize("case", range(3))
def test_random_draws_agree_with_python(case, tmp_path):
    rng = random.Random(case)
    size = rng.randint(50, 400)
    ids: set[str] = set()
    while len(ids) < size:
        ids.add(random_id(rng))
    names = list({random_id(rng) for _ in range(rng.randint(1, 6))})
    pool = {i: rng.choice(names) for i in sorted(ids)}
    strata = []
    for name, n in sorted(counts(pool).items()):
        rule = rng.choice([{"ratio": "0.05"}, {"ratio": "12.5%"}, {"count": rng.randint(0, n)}])
        if "ratio" in rule:
            rule["ratio"] = str(algorithm.parse_ratio(rule["ratio"]))
        if rng.random() < 0.3:
            rule["minimum"] = rng.randint(0, 5)
        strata.append(rec.Stratum(stratum=name, population=n, selected=sized(n, **rule), **rule))
    key = {random_id(rng) + "重点" for _ in range(rng.randint(0, 9))}
    record = make_draw(
        pool,
        strata,
        alternates=rng.randint(0, 3),
        periods=PERIODS[: rng.randint(0, 4)],
        key=sorted(key),
    )
    ok, text = verdict(vp.draw_page(vp.draw_inputs(record, pool)), tmp_path)
    assert ok == "true", text


# ------------------------------------------------------------------ assignments

A_SEED = "7731 2045 9918 3306 5521"
OFFICERS = [f"执法{n:02d}" for n in range(1, 9)]
EXPERTS = ["专家甲", "专家乙", "专家丙"]


def candidates() -> list[algorithm.TaskCandidates]:
    """Overlapping small pools, so loads (prior and within the run) decide most places."""
    tasks = []
    for n in range(1, 13):
        officers = [OFFICERS[(n + j) % len(OFFICERS)] for j in range(4)]
        lead = [o for o in officers if o in ("执法01", "执法02", "执法03")] if n % 3 == 0 else []
        tasks.append(
            algorithm.TaskCandidates(
                entity=f"对象{n:02d}",
                officers=officers,
                experts=EXPERTS[: 2 + n % 2],
                lead=lead,
                lead_required=bool(lead),
            )
        )
    return tasks


PRIOR = {"执法01": 2, "执法05": 1, "专家甲": 3, "不相干": 4}


def make_assignment(tasks, seed: str = A_SEED) -> rec.Assignment:
    result = algorithm.assign(seed, DRAW_ID, tasks, team_size=2, experts=1, prior_load=PRIOR)
    members = lambda ranked: [rec.Member(id=r.id, ticket=r.ticket, load=r.load) for r in ranked]  # noqa: E731
    return rec.Assignment(
        draw_id=DRAW_ID,
        year=2026,
        assigned_at=datetime(2026, 3, 2, 10, 0, tzinfo=CST),
        seed=seed,
        seed_source="现场摇号",
        seed_generated=False,
        commit="c" * 40,
        rosters={"inspectors": rec.RosterRef(path="rosters/inspectors.yaml", sha256="d" * 64)},
        draw_sha256="e" * 64,
        parameters=rec.AssignParameters(team_size=2, experts=1, lead_department=True),
        tasks=[
            rec.Assigned(
                entity=r.entity,
                ticket=r.ticket,
                period=PERIODS[i % 4],
                inspectors=members(r.inspectors),
                experts=members(r.experts),
            )
            for i, r in enumerate(result)
        ],
    )


@pytest.fixture(scope="module")
def assigned():
    tasks = candidates()
    return make_assignment(tasks), tasks


def test_assignment_inputs_round_trip(assigned):
    record, tasks = assigned
    inputs = vp.assignment_inputs(record, tasks, PRIOR)
    assert "不相干" not in inputs.prior_load and inputs.prior_load["执法01"] == 2
    loads = {m.load for t in record.tasks for m in t.inspectors}
    assert len(loads) > 2  # the load balancing is exercised, not only the tickets
    page = vp.assignment_page(inputs)
    assert json.loads(read(page).inputs) == {
        "kind": "assignment",
        "data": dataclasses.asdict(inputs),
    }
    assert '主办科室人员担任第一名</th><td class="v">是' in page


@needs_browser
def test_true_assignment_is_consistent(assigned, tmp_path):
    record, tasks = assigned
    ok, text = verdict(vp.assignment_page(vp.assignment_inputs(record, tasks, PRIOR)), tmp_path)
    assert ok == "true", text


@needs_browser
def test_assignment_with_one_inspector_edited_is_named(assigned, tmp_path):
    record, tasks = assigned
    inputs = vp.assignment_inputs(record, tasks, PRIOR)
    team = inputs.recorded[4]
    outsider = next(o for o in OFFICERS if o not in {m.id for m in team.inspectors})
    edited_team = dataclasses.replace(
        team,
        inspectors=[dataclasses.replace(team.inspectors[0], id=outsider), *team.inspectors[1:]],
    )
    recorded = [*inputs.recorded[:4], edited_team, *inputs.recorded[5:]]
    ok, text = verdict(vp.assignment_page(dataclasses.replace(inputs, recorded=recorded)), tmp_path)
    assert ok == "false"
    assert f"任务 {team.entity}（第 5 个）的执法人员第 1 名不一致" in text
    assert outsider in text and team.inspectors[0].id in text


@needs_browser
def test_assignment_with_edited_seed_is_caught(assigned, tmp_path):
    record, tasks = assigned
    inputs = dataclasses.replace(vp.assignment_inputs(record, tasks, PRIOR), seed="7731")
    ok, text = verdict(vp.assignment_page(inputs), tmp_path)
    assert ok == "false" and text.startswith("不一致：任务顺序第 1 个不一致")


@needs_browser
def test_assignment_without_prior_load_is_caught(assigned, tmp_path):
    record, tasks = assigned
    ok, text = verdict(vp.assignment_page(vp.assignment_inputs(record, tasks, {})), tmp_path)
    assert ok == "false" and "排序时任务数" in text


@needs_browser
def test_assignment_expert_edited_is_caught(assigned, tmp_path):
    record, tasks = assigned
    inputs = vp.assignment_inputs(record, tasks, PRIOR)
    team = inputs.recorded[0]
    other = next(e for e in EXPERTS if e != team.experts[0].id)
    edited = dataclasses.replace(team, experts=[dataclasses.replace(team.experts[0], id=other)])
    page = vp.assignment_page(dataclasses.replace(inputs, recorded=[edited, *inputs.recorded[1:]]))
    ok, text = verdict(page, tmp_path)
    assert ok == "false" and "专家第 1 名" in text and other in text


@needs_browser
@pytest.mark.parametrize("case", range(3))
def test_random_assignments_agree_with_python(case, tmp_path):
    rng = random.Random(100 + case)
    people = sorted({random_id(rng) + "员" for _ in range(rng.randint(4, 14))})
    experts = sorted({random_id(rng) + "家" for _ in range(rng.randint(0, 4))})
    team_size, panel = rng.randint(2, 3), rng.randint(0, min(2, len(experts)))
    tasks = []
    for entity in sorted({random_id(rng) for _ in range(rng.randint(3, 30))}):
        officers = rng.sample(people, rng.randint(min(team_size, len(people)), len(people)))
        lead = [o for o in officers if rng.random() < 0.3] if rng.random() < 0.5 else []
        chosen = rng.sample(experts, rng.randint(panel, len(experts)))
        tasks.append(algorithm.TaskCandidates(entity, officers, chosen, lead, bool(lead)))
    prior = {p: rng.randint(0, 3) for p in people + experts if rng.random() < 0.5}
    result = algorithm.assign(
        A_SEED, DRAW_ID, tasks, team_size=team_size, experts=panel, prior_load=prior
    )
    record = make_assignment(tasks).model_copy(
        update={
            "parameters": rec.AssignParameters(team_size=team_size, experts=panel),
            "tasks": [
                rec.Assigned(
                    entity=r.entity,
                    ticket=r.ticket,
                    inspectors=[
                        rec.Member(id=m.id, ticket=m.ticket, load=m.load) for m in r.inspectors
                    ],
                    experts=[rec.Member(id=m.id, ticket=m.ticket, load=m.load) for m in r.experts],
                )
                for r in result
            ],
        }
    )
    ok, text = verdict(vp.assignment_page(vp.assignment_inputs(record, tasks, prior)), tmp_path)
    assert ok == "true", text
