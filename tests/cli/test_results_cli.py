"""The record / status / disclose / revisit commands as a user meets them."""

from __future__ import annotations

import subprocess
import sys

from results_flow import record, staffed


def test_command_modules_import_only_typer():
    code = (
        "import sys\n"
        "import shuangsuiji.cli.record, shuangsuiji.cli.status, shuangsuiji.cli.disclose,"
        " shuangsuiji.cli.revisit\n"
        "heavy = ('pydantic', 'openpyxl', 'rich', 'ruamel.yaml', 'holidays',"
        " 'shuangsuiji.services.record', 'shuangsuiji.services.disclose',"
        " 'shuangsuiji.services.revisit')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_lists_the_commands(ssj):
    top = ssj("--help").out
    for name in ("record", "status", "disclose", "revisit"):
        assert name in top
    sub = ssj("record", "--help").out
    for name in ("template", "show", "reinspect"):
        assert name in sub
    assert "ssj record --from" in sub
    assert "status" in ssj("disclose", "--help").out and "publish" in ssj("disclose", "--help").out


def test_init_makes_the_calendar_folder(tmp_path, ssj):
    assert ssj("init", tmp_path / "ws").code == 0
    readme = (tmp_path / "ws/calendars/README.md").read_text(encoding="utf-8")
    assert "calendars/" in readme and "holidays:" in readme and "workdays:" in readme


def test_a_missing_file_is_an_input_error(example, ssj):
    result = ssj("-C", example, "record", "--from", "没有这个文件.csv", "--year", "2026")
    assert result.code == 2 and "文件不存在" in result.err and "Traceback" not in result.err


def test_record_task_runs_the_default_command(example, ssj):
    plan = staffed(ssj, example)
    entity = plan["tasks"][0]["entity"]
    plain = ssj("-C", example, "record", entity, "--year", "2026", "--end", "2026-03-10",
                "--result", "未发现问题")  # fmt: skip
    assert plain.code == 0, plain.err
    assert "已写入" in plain.out and "已提交" in plain.out
    same = record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题")
    assert same.code == 0 and same.json()["written"] == []
    shown = ssj("-C", example, "record", "show", entity, "--year", "2026")
    assert shown.code == 0 and "各版本" in shown.out
    assert ssj("-C", example, "status", "--year", "2026", "--as-of", "2026-03-01").code == 0
    assert ssj("-C", example, "disclose", "status", "--year", "2026").code == 0


def test_dry_run_writes_nothing(example, ssj, tmp_path):
    from conftest import snapshot
    from results_flow import csv_bytes

    plan = staffed(ssj, example)
    entity = plan["tasks"][0]["entity"]
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes([[entity, "", "2026-03-10", "", "未发现问题"]], "utf-8"))
    before = snapshot(example)
    result = ssj("-C", example, "record", "--from", path, "--year", "2026", "--dry-run", "--json")
    assert result.code == 0 and result.json()["dry_run"] and len(result.json()["written"]) == 1
    assert snapshot(example) == before
