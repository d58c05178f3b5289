"""R17 published items, and R13's plan gate: no draw before the approval."""

from audit_kit import DAY, SEED, audit, drawn_and_assigned, findings

from conftest import commit_all, git, on, read_yaml, write_yaml


def add_item(root, **fields) -> None:
    path = root / "rosters/items.yaml"
    data = read_yaml(path)
    data["items"].append({"name": "新增通用事项", "categories": ["通用"], **fields})
    write_yaml(path, data)
    commit_all(root, "新增事项")


def record(ssj, root, entity, *args):
    result = ssj("-C", root, "record", "add", entity, "--year", "2026", *args)
    assert result.code == 0, result.out + result.err


def test_r17_an_item_checked_before_it_was_published(example, ssj):
    add_item(example, code="TY-15")
    _, assigned = drawn_and_assigned(ssj, example)
    task = next(t for t in assigned["tasks"] if t["period"] == "2-3")
    record(ssj, example, task["entity"], "--end", "2026-03-10", "--result", "未发现问题")
    code, doc = audit(ssj, example, "--as-of", "2026-03-11")
    r17 = findings(doc, "R17", "error")
    assert code == 1 and len(r17) == 1, doc["findings"]
    finding = r17[0]
    assert finding["file"] == f"plans/2026/records/{task['entity']}.yaml"
    assert "TY-15（新增通用事项）" in finding["message"] and "2026-03-10" in finding["message"]
    lines = (example / finding["file"]).read_text(encoding="utf-8").splitlines()
    assert lines[finding["line"] - 1].strip() == "items:"
    assert "ssj plan publish" in finding["fix"]
    # published on its own, but after the inspection: still an error
    path = example / "rosters/items.yaml"
    data = read_yaml(path)
    data["items"][-1]["published"] = "2026-03-11"
    write_yaml(path, data)
    commit_all(example, "事项公布日期")
    assert findings(audit(ssj, example, "--as-of", "2026-03-11")[1], "R17")
    # published before it: nothing to report
    data["items"][-1]["published"] = "2026-02-01"
    write_yaml(path, data)
    commit_all(example, "事项公布日期")
    assert not findings(audit(ssj, example, "--as-of", "2026-03-11")[1], "R17")


def test_r17_items_published_with_the_plan(example, ssj, tmp_path):
    add_item(example, code="TY-15")
    _, assigned = drawn_and_assigned(ssj, example)
    first, second = [t["entity"] for t in assigned["tasks"] if t["period"] == "2-3"][:2]
    with on("2026-03-05"):  # the list, TY-15 with it, announced again
        out = tmp_path / "公告.html"
        result = ssj("-C", example, "plan", "publish", "-o", out)
        assert result.code == 0, result.out + result.err
    record(ssj, example, first, "--start", "2026-03-04", "--end", "2026-03-04", "--result", "未发现问题")  # fmt: skip
    record(ssj, example, second, "--start", "2026-03-05", "--end", "2026-03-06", "--result", "未发现问题")  # fmt: skip
    r17 = findings(audit(ssj, example, "--as-of", "2026-03-11")[1], "R17")
    assert [f["file"] for f in r17] == [f"plans/2026/records/{first}.yaml"]


def test_r17_only_the_items_recorded(example, ssj):
    add_item(example, code="TY-15")
    _, assigned = drawn_and_assigned(ssj, example)
    task = next(t for t in assigned["tasks"] if t["period"] == "2-3")
    record(
        ssj, example, task["entity"], "--end", "2026-03-10", "--result", "未发现问题",
        "--items", "TY-01;TY-09",
    )  # fmt: skip
    assert not findings(audit(ssj, example, "--as-of", "2026-03-11")[1], "R17")


def unapproved(root) -> None:
    """The example's plan as a plan not yet approved, committed."""
    path = root / "plans/2026/plan.yaml"
    data = read_yaml(path)
    data.pop("approval")
    write_yaml(path, data)
    commit_all(root, "方案（未批准）")


def test_r13_a_draw_committed_before_the_approval(example, ssj, monkeypatch):
    unapproved(example)
    with on(DAY):
        refused = ssj("-C", example, "draw", "--seed", SEED)
    assert refused.code == 1 and "尚未批准" in refused.out + refused.err
    # a draw made all the same (by hand, or by an ssj without the gate), approved afterwards
    monkeypatch.setattr("shuangsuiji.services.draw.unapproved", lambda *a: None)
    with on(DAY):
        assert ssj("-C", example, "draw", "--seed", SEED).code == 0
    monkeypatch.undo()
    with on("2026-03-02"):
        approved = ssj(
            "-C", example, "plan", "approve", "--date", "2026-02-20", "--document", "青政字〔2026〕9号"
        )  # fmt: skip
        assert approved.code == 0, approved.out + approved.err
    code, doc = audit(ssj, example, "--as-of", "2026-03-02")
    r13 = findings(doc, "R13", "error")
    assert code == 1 and len(r13) == 1, doc["findings"]
    finding = r13[0]
    assert finding["file"] == "plans/2026/draws/2026-1.yaml" and finding["line"]
    assert "尚未批准" in finding["message"] and "2026-03-01" in finding["message"]
    assert "ssj plan approve" in finding["fix"]


def test_r13_a_draw_dated_before_the_approval(example, ssj, monkeypatch):
    path = example / "plans/2026/plan.yaml"
    data = read_yaml(path)
    data["approval"]["date"] = "2026-03-01"
    write_yaml(path, data)
    commit_all(example, "批准日期")
    with on("2026-03-02"):
        late = ssj(
            "-C", example, "draw", "--seed", SEED, "--date", "2026-02-27", "--reason", "补录"
        )
    assert late.code == 1 and "早于 2026 年度方案的批准日期" in late.out + late.err
    monkeypatch.setattr("shuangsuiji.services.draw.unapproved", lambda *a: None)
    with on("2026-03-02"):
        done = ssj(
            "-C", example, "draw", "--seed", SEED, "--date", "2026-02-27", "--reason", "补录"
        )
        assert done.code == 0, done.out + done.err
    r13 = findings(audit(ssj, example, "--as-of", "2026-03-02")[1], "R13", "error")
    assert len(r13) == 1 and "早于 2026 年度方案的批准日期 2026-03-01" in r13[0]["message"]


def test_r13_the_approved_example_draws_clean(example, ssj):
    drawn_and_assigned(ssj, example)
    code, doc = audit(ssj, example)
    assert code == 0 and not findings(doc, "R13") and not findings(doc, "R17"), doc["findings"]
    assert git(example, "status", "--porcelain") == ""
