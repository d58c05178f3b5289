"""R9b records, R10 re-inspections, R11 disclosures, return-visit draws re-run."""

from audit_kit import audit, drawn_and_assigned, edit, findings

from conftest import commit_all, on

ASSIGNMENT = "plans/2026/assignments/2026-1.yaml"


def record(ssj, root, entity, *args):
    result = ssj("-C", root, "record", "add", entity, "--year", "2026", *args)
    assert result.code == 0, result.out + result.err
    return result


def first_task(assigned, period="2-3"):
    return next(t for t in assigned["tasks"] if t["period"] == period)


def test_r9b_task_without_record_after_its_period(example, ssj):
    _, assigned = drawn_and_assigned(ssj, example)
    spring = [t["entity"] for t in assigned["tasks"] if t["period"] == "2-3"]
    assert audit(ssj, example, "--as-of", "2026-03-31")[0] == 0
    code, doc = audit(ssj, example, "--as-of", "2026-04-01")
    r9b = findings(doc, "R9b", "error")
    assert code == 1 and len(r9b) == len(spring)
    assert all(f["file"] == ASSIGNMENT and f["line"] for f in r9b)
    lines = (example / ASSIGNMENT).read_text(encoding="utf-8").splitlines()
    assert {lines[f["line"] - 1].split(": ")[1].strip("'") for f in r9b} == set(spring)
    record(ssj, example, spring[0], "--end", "2026-03-10", "--result", "未发现问题")
    assert len(findings(audit(ssj, example, "--as-of", "2026-04-01")[1], "R9b")) == len(spring) - 1


def test_r9b_record_breaking_the_rules(example, ssj):
    _, assigned = drawn_and_assigned(ssj, example)
    task = first_task(assigned)
    record(ssj, example, task["entity"], "--end", "2026-03-10", "--result", "未发现问题")
    path = example / f"plans/2026/records/{task['entity']}.yaml"
    # an outsider's edit that ssj record would refuse: one officer less, no reason
    edit(path, f"  - '{task['inspectors'][1]}'\n", "")
    commit_all(example, "手工删去一名检查人员")
    code, doc = audit(ssj, example)
    assert code == 1
    r9b = findings(doc, "R9b")
    assert any("至少应有 2 名" in f["message"] for f in r9b), [
        f["message"] for f in doc["findings"]
    ]
    assert all(f["file"] == f"plans/2026/records/{task['entity']}.yaml" for f in r9b)
    r14 = findings(doc, "R14")
    assert r14 and "只能追加" in r14[0]["message"]


def test_r10_hazard_not_reinspected_by_its_deadline(example, ssj):
    _, assigned = drawn_and_assigned(ssj, example)
    entity = first_task(assigned)["entity"]
    record(
        ssj,
        example,
        entity,
        "--end",
        "2026-03-10",
        "--result",
        "发现问题已责令改正",
        "--hazard",
        "消防通道堵塞;一般;2026-03-24",
    )
    assert not findings(audit(ssj, example, "--as-of", "2026-03-24")[1], "R10")
    code, doc = audit(ssj, example, "--as-of", "2026-03-25")
    (finding,) = findings(doc, "R10")
    assert code == 1 and finding["severity"] == "error" and "消防通道堵塞" in finding["message"]
    assert finding["file"] == f"plans/2026/records/{entity}.yaml"
    result = ssj(
        "-C",
        example,
        "record",
        "reinspect",
        entity,
        "--date",
        "2026-03-27",
        "--outcome",
        "已整改",
        "--year",
        "2026",
    )
    assert result.code == 0, result.err
    (late,) = findings(audit(ssj, example, "--as-of", "2026-03-30")[1], "R10")
    assert "晚于整改期限" in late["message"]


def test_r11_result_not_published_in_20_working_days(example, ssj, tmp_path):
    _, assigned = drawn_and_assigned(ssj, example)
    entity = first_task(assigned)["entity"]
    with on("2026-03-10T17:00:00+08:00"):
        record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题")
    status = ssj(
        "-C", example, "disclose", "status", "--year", "2026", "--as-of", "2026-03-11", "--json"
    ).json()
    deadline = next(e["deadline"] for e in status["entries"] if e["entity"] == entity)
    assert not findings(audit(ssj, example, "--as-of", deadline)[1], "R11")
    code, doc = audit(ssj, example, "--as-of", "2026-05-01")
    (finding,) = findings(doc, "R11")
    assert code == 1 and finding["severity"] == "error" and deadline in finding["message"]
    with on("2026-03-20"):  # published in time, on the day
        published = ssj(
            "-C", example, "disclose", "publish", "--year", "2026", "--format", "json",
            "-o", tmp_path / "公开.json",
        )  # fmt: skip
    assert published.code == 0, published.err
    assert not findings(audit(ssj, example, "--as-of", "2026-05-01")[1], "R11")


def test_return_visit_draw_is_rerun(example, ssj, tmp_path):
    _, assigned = drawn_and_assigned(ssj, example)
    for task in assigned["tasks"][:4]:
        record(ssj, example, task["entity"], "--end", "2026-03-10", "--result", "未发现问题")
    result = ssj("-C", example, "revisit", "--year", "2026", "--seed", "回访种子")
    assert result.code == 0, result.out + result.err
    assert not findings(audit(ssj, example)[1], "R14")
    path = example / "plans/2026/revisits/2026-revisit.yaml"
    text = path.read_text(encoding="utf-8")
    picked = text.split("selected:\n- id: ")[1].split("\n")[0].strip("'")
    other = next(t["entity"] for t in assigned["tasks"][:4] if t["entity"] != picked)
    path.write_text(text.replace(f"- id: {picked}", f"- id: {other}", 1), encoding="utf-8")
    commit_all(example, "改回访单位")
    code, doc = audit(ssj, example)
    files = {f["file"] for f in findings(doc, "R14")}
    assert code == 1 and files == {"plans/2026/revisits/2026-revisit.yaml"}
