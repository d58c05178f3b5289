"""部门联合双随机 end to end in a real workspace: the joint task, one draw, each department's
team with its own seed, each department's records, the ledger entry, verify; and an
independent re-computation of the draw and of every team (docs/joint.md, docs/algorithm.md)."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

from conftest import commit_all, on, read_yaml, run

JOINT = "2026-联合1"
LEAD, MARKET, FIRE = "应急管理局", "市场监管局", "消防救援大队"
STATIONS = {"91350102MA4XLGT23J", "91350102MA3A9G3F6A", "91350102MA8H2UXC8B"}

PEOPLE = {
    MARKET: [("35010230001", "王特检"), ("35010230002", "李特检"), ("35010230003", "赵特检")],
    FIRE: [("11935010201", "周消防"), ("11935010202", "吴消防"), ("11935010203", "郑消防")],
}
ITEMS = {
    MARKET: [("TZ-01", "特种设备使用登记"), ("TY-01", "主要负责人履行职责情况")],
    FIRE: [("XF-01", "消防设施器材完好有效"), ("XF-02", "疏散通道安全出口畅通")],
}


def ssj(root: Path, *args) -> object:
    result = run("-C", root, *args)
    return result


def ok(root: Path, *args):
    result = ssj(root, *args)
    assert result.code == 0, result.out + result.err
    return result


def departments(root: Path, tmp: Path) -> None:
    """Each participating department's inspectors and items, imported and committed (the
    example's own joint task and its departments' rosters set aside first)."""
    import shutil

    shutil.rmtree(root / "rosters" / "departments", ignore_errors=True)
    shutil.rmtree(root / "plans" / "2026" / "joint", ignore_errors=True)
    for name in (MARKET, FIRE):
        people = tmp / f"{name}-人员.csv"
        people.write_text(
            "执法证号,姓名,角色,证件有效期至,在岗状态\n"
            + "".join(f"{i},{n},执法人员,2028-12-31,在岗\n" for i, n in PEOPLE[name]),
            encoding="utf-8",
        )
        items = tmp / f"{name}-事项.csv"
        items.write_text(
            "事项编码,事项名称,依据,抽查方式,适用类别\n"
            + "".join(f"{c},{n},相关法律,现场检查,通用\n" for c, n in ITEMS[name]),
            encoding="utf-8",
        )
        ok(root, "roster", "import", people, "--department", name)
        ok(root, "roster", "import", items, "--department", name)
    commit_all(root, "参与部门名录")


def joint_init(root: Path) -> None:
    ok(
        root, "joint", "init", "--year", "2026", "--id", JOINT, "--lead", LEAD,
        "--with", f"{MARKET},{FIRE}", "--where", "行业=加油站",
        "--authority", f"{MARKET}=青岚区市场监督管理局",
        "--authority", f"{FIRE}=青岚区消防救援大队",
    )  # fmt: skip


def recipe_of(doc: Path) -> str:
    """The Python block of a doc that re-computes a department's teams."""
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    return next(b for b in blocks if "def ticket" in b)


def ticket(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def test_joint_task_end_to_end(example, tmp_path):
    with on("2026-02-20"):  # prepared before the draws, as a bureau does
        departments(example, tmp_path)
        joint_init(example)
    task = read_yaml(example / "plans/2026/joint" / f"{JOINT}.yaml")
    assert task["lead"] == LEAD and [d["name"] for d in task["departments"]] == [LEAD, MARKET, FIRE]
    assert task["where"] == {"industries": ["加油站"]}

    with on("2026-03-02"):
        drawn = ok(example, "draw", "--joint", JOINT, "--count", "2", "--seed", "517", "--json")
        record = drawn.json()
        assert record["draw_id"] == JOINT
        # the same ssj-sha256-v1 draw: the two lowest tickets of the scope
        pool = sorted((ticket("517", JOINT, e), e) for e in STATIONS)
        assert [p["id"] for p in record["selected"]] == [e for _, e in pool[:2]]

        refused = ssj(example, "assign", "--joint", JOINT, "--department", LEAD, "--seed", "517")
        assert refused.code == 1 and "抽取检查对象" in refused.err
        lead = ok(example, "assign", "--joint", JOINT, "--department", LEAD, "--seed", "8801")
        again = ssj(example, "assign", "--joint", JOINT, "--department", MARKET, "--seed", "8801")
        assert again.code == 1 and f"{LEAD}匹配人员" in again.err
        market = ok(
            example, "assign", "--joint", JOINT, "--department", MARKET, "--seed", "8802", "--json"
        ).json()
        fire = ok(
            example, "assign", "--joint", JOINT, "--department", FIRE, "--seed", "8803", "--json"
        ).json()
    assert "已记录" in lead.out

    # every department's team, re-computed without ssj: rank by (load, ticket)
    for name, result, seed in ((MARKET, market, "8802"), (FIRE, fire, "8803")):
        load = dict.fromkeys((i for i, _ in PEOPLE[name]), 0)
        order = sorted(record["selected"], key=lambda p: ticket(seed, JOINT, p["id"]))
        expected = {}
        for unit in order:
            ranked = sorted(load, key=lambda i: (load[i], ticket(seed, JOINT, unit["id"], i)))
            expected[unit["id"]] = ranked[:2]
            for person in ranked[:2]:
                load[person] += 1
        assert {t["entity"]: t["inspectors"] for t in result["tasks"]} == expected
    # the merged checklist of the departments matched so far, each line marked with its own
    for t in fire["tasks"]:
        assert {d for line in t["merged_checklist"] for d in line["departments"]} == {
            LEAD, MARKET, FIRE
        }  # fmt: skip
    for t in market["tasks"]:
        assert {d for line in t["merged_checklist"] for d in line["departments"]} == {LEAD, MARKET}
    shared = [
        line
        for t in market["tasks"]
        for line in t["merged_checklist"]
        if line["name"] == "主要负责人履行职责情况"
    ]
    assert shared and all(set(line["departments"]) == {LEAD, MARKET} for line in shared)

    # the recipe of docs/joint.md, run as written in the workspace, gives 市场监管局's teams
    recipe = recipe_of(Path(__file__).parents[1] / "docs" / "joint.md")
    printed = subprocess.run(
        [sys.executable, "-c", recipe], cwd=example, capture_output=True, text=True, check=True
    ).stdout
    teams = {line.split()[0]: line.split()[1:] for line in printed.splitlines()}
    assert teams == {t["entity"]: t["inspectors"] for t in market["tasks"]}

    verify_py = Path(__file__).parents[1] / "docs" / "recipes" / "verify.py"
    checked = subprocess.run(
        [sys.executable, verify_py, example, JOINT], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr  # the draw and the lead's team, without ssj

    verdicts = ok(example, "verify", JOINT, "--json").json()
    assert verdicts["ok"] and len(verdicts["results"]) == 4

    units = sorted(p["id"] for p in record["selected"])
    sheet = tmp_path / "检查结果.csv"
    sheet.write_text(
        "统一社会信用代码,检查结束日期,检查结果\n"
        + "".join(f"{u},2026-03-10,未发现问题\n" for u in units),
        encoding="utf-8",
    )
    with on("2026-03-11"):
        ok(example, "record", "--from", sheet)
        ok(example, "record", "--from", sheet, "--department", MARKET)
        shown = ok(example, "joint", "show", JOINT, "--json").json()
        assert all(u["missing"] == [FIRE] for u in shown["units"])
        ledger = ok(example, "ledger", "show", "--year", "2026", "--json").json()
        assert not [r for r in ledger["inspections"] if r["entity"] in units]
        ok(example, "record", "--from", sheet, "--department", FIRE)
        ledger = ok(example, "ledger", "show", "--year", "2026", "--json").json()
    joint_rows = [r for r in ledger["inspections"] if r["entity"] in units]
    assert len(joint_rows) == 2  # one visit each, counted once
    assert all(r["type"] == "联合检查" for r in joint_rows)
    assert all("青岚区消防救援大队" in r["authority"] for r in joint_rows)
    for unit in units:
        assert (example / f"plans/2026/departments/{FIRE}/records/{unit}.yaml").is_file()
    assert ok(example, "verify", "--json").json()["ok"]

    with on("2026-03-12"):
        out = tmp_path / "抽查结果.json"
        ok(example, "disclose", "publish", "--year", "2026", "--format", "json", "-o", out)
    import json

    published = json.loads(out.read_text(encoding="utf-8"))
    rows = [r for r in published["results"] if r["entity"] in units]
    assert [r["type"] for r in rows] == ["联合检查", "联合检查"]
    assert all(
        r["authority"] == "青岚区应急管理局、青岚区市场监督管理局、青岚区消防救援大队" for r in rows
    )
    with on("2026-03-13"):  # the lead lists every department's part of each visit together
        out = tmp_path / "联合抽查结果.json"
        ok(
            example, "disclose", "publish", "--year", "2026", "--joint", JOINT, "--all",
            "--format", "json", "-o", out,
        )  # fmt: skip
    together = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert sorted(r["entity"] for r in together) == sorted(units * 3)
    assert all(r["type"] == "联合检查" for r in together)
    shown = json.dumps(together, ensure_ascii=False)
    for name in (MARKET, FIRE):  # each department's own inspectors, by certificate
        assert any(i in shown for i, _ in PEOPLE[name]), name
    audit = ssj(example, "audit", "--json")
    assert audit.code == 0, audit.out
    about = [f for f in audit.json()["findings"] if JOINT in f["message"] + f["file"]]
    assert not about, about  # the key units the example never drew are the only warnings


def test_joint_draw_needs_the_task_committed_and_its_own_options(example, tmp_path):
    with on("2026-02-20"):  # prepared before the draws, as a bureau does
        departments(example, tmp_path)
        joint_init(example)
    path = example / "plans/2026/joint" / f"{JOINT}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "note: 待审\n", encoding="utf-8")
    with on("2026-03-02"):
        refused = ssj(example, "draw", "--joint", JOINT, "--seed", "517")
        assert refused.code == 1 and "未提交" in refused.err
        commit_all(example, "审阅联合抽查任务")
        wrong = ssj(example, "draw", "--joint", JOINT, "--where", "行业=冶金")
        assert wrong.code == 2 and "--where" in wrong.err
        ok(example, "draw", "--joint", JOINT, "--count", "1", "--seed", "517")
        # a plain ssj assign leaves the joint draw to its departments
        plain = ssj(example, "assign", "--draw", JOINT, "--seed", "99")
        assert plain.code == 1 and "--joint" in plain.err
    assert not (example / "plans/2026/assignments" / f"{JOINT}.yaml").exists()


def test_a_department_records_only_its_own_team(example, tmp_path):
    with on("2026-02-20"):  # prepared before the draws, as a bureau does
        departments(example, tmp_path)
        joint_init(example)
    with on("2026-03-02"):
        record = ok(example, "draw", "--joint", JOINT, "--count", "1", "--seed", "517", "--json")
        unit = record.json()["selected"][0]["id"]
        sheet = tmp_path / "结果.csv"
        sheet.write_text(
            f"统一社会信用代码,检查结束日期,检查结果\n{unit},2026-03-02,未发现问题\n",
            encoding="utf-8",
        )
        early = ssj(example, "record", "--from", sheet, "--department", MARKET)
        assert early.code == 2 and "尚未匹配" in early.out + early.err
        ok(example, "assign", "--joint", JOINT, "--department", MARKET, "--seed", "8802")
        people = tmp_path / "到场.csv"
        people.write_text(
            "统一社会信用代码,检查结束日期,检查人员,检查结果\n"
            f"{unit},2026-03-02,35010220001;35010220002,未发现问题\n",
            encoding="utf-8",
        )
        stranger = ssj(example, "record", "--from", people, "--department", MARKET)
        assert stranger.code == 2  # the lead's officers are not in this department's roster
        ok(example, "record", "--from", sheet, "--department", MARKET)


def test_audit_reads_every_department_part_and_the_ledger(example, tmp_path):
    with on("2026-02-20"):  # prepared before the draws, as a bureau does
        departments(example, tmp_path)
        joint_init(example)
    with on("2026-03-02"):
        record = ok(example, "draw", "--joint", JOINT, "--count", "1", "--seed", "517", "--json")
        unit = record.json()["selected"][0]["id"]
        for name, seed in ((LEAD, "8801"), (MARKET, "8802"), (FIRE, "8803")):
            ok(example, "assign", "--joint", JOINT, "--department", name, "--seed", seed)
    sheet = tmp_path / "结果.csv"
    sheet.write_text(
        f"统一社会信用代码,检查结束日期,检查结果\n{unit},2026-03-10,未发现问题\n", encoding="utf-8"
    )
    with on("2026-03-11"):
        ok(example, "record", "--from", sheet)
        ok(example, "record", "--from", sheet, "--department", MARKET)
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "统一社会信用代码,检查日期,检查类型,检查机关\n"
        f"{unit},2026-03-10,专项检查,青岚区市场监督管理局\n"
        f"{unit},2026-03-20,专项检查,青岚区消防救援大队\n",
        encoding="utf-8",
    )
    with on("2026-03-21"):
        ok(example, "ledger", "import", ledger, "--year", "2026")
    findings = ssj(example, "audit", "--json").json()["findings"]
    joint_findings = {(f["rule"], f["severity"]) for f in findings if JOINT in f["message"]}
    assert ("R9b", "error") in joint_findings  # 消防救援大队 never recorded its part
    assert ("R15", "error") in joint_findings  # the visit entered again by 市场监管局
    assert ("R16", "warning") in joint_findings  # 消防 inspecting on its own in the period
    assert not [f for f in findings if f["rule"] == "R14"]  # the draw and three teams re-run


def test_roster_check_validates_the_departments_rosters(example):
    """The example's participating departments' inspectors are checked like the bureau's."""
    assert ssj(example, "roster", "check").code == 0
    path = example / "rosters" / "departments" / MARKET / "inspectors.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("valid_until: '2028-12-31'", "valid_until: 2028-13-45", 1), "utf-8"
    )
    checked = ssj(example, "roster", "check", "--json")
    assert checked.code == 2
    assert any(MARKET in p["file"] and p["line"] for p in checked.json()["problems"]), checked.out
