"""ssj audit at scale: 5 plan years × 4 draws (and their assignments) on a synthetic roster.

    python benchmarks/audit_scale.py                     # 10,000 units, 50 officers
    python benchmarks/audit_scale.py --entities 2000 --keep /tmp/audit-ws

Builds a real workspace with real git (rosters imported once; per year a plan and four
定向 draws, one per category, each assigned), then times `ssj audit` as whole processes
(wall time and peak memory from os.wait4) and writes the section "ssj audit" of
docs/performance.md. The records, hazards and disclosures are not generated, so R9b
reports every past task as unrecorded: the audit is measured with those thousands of
findings. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import CATEGORIES, write_entities, write_inspectors

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- audit:start -->", "<!-- audit:end -->"
YEARS = (2022, 2023, 2024, 2025, 2026)
DATES = ("02-15", "05-01", "08-15", "11-01")
AS_OF = "2027-01-15"  # every plan year is over: every rule over time applies
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@localhost",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@localhost",
}


def ssj(*args: str) -> list[str]:
    return [sys.executable, "-m", "shuangsuiji", *args]


def on(day: str) -> dict[str, str]:
    """The environment of a step done on `day`: ssj's clock and git's dates are that day's
    (a draw dated before today would be a late entry, refused without --reason)."""
    stamp = f"{day}T10:00:00+08:00"
    return {**ENV, "SSJ_NOW": stamp, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}


def run(argv: list[str], cwd: Path, day: str) -> tuple[float, int, bytes]:
    """(seconds, exit code, stdout) of one set-up step, done on `day`."""
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, env=on(day))
    if done.returncode not in (0, 1):
        message = (done.stderr or done.stdout).decode()[-2000:]
        raise SystemExit(f"{' '.join(argv)} failed:\n{message}")
    return time.perf_counter() - started, done.returncode, done.stdout


def measure(argv: list[str], cwd: Path) -> tuple[float, float, int, bytes]:
    """Like run(), but the peak memory of this one process (os.wait4)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            argv, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=on(AS_OF)
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        out.seek(0)
        data = out.read()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({code})")
    return elapsed, usage.ru_maxrss / 1024, code, data


def build(ws: Path, entities: int, officers: int, scratch: Path) -> dict[str, float]:
    """The workspace: rosters, 5 approved plans, 20 draws, 20 assignments, each step on
    its own day; setup times per step."""
    steps: dict[str, float] = {}
    start = f"{YEARS[0]}-01-05"
    run(ssj("init", str(ws), "--roster-format", "csv"), scratch, start)
    write_entities(scratch / "entities.csv", entities)
    write_inspectors(scratch / "inspectors.csv", officers)
    for name in ("entities.csv", "inspectors.csv"):
        seconds, _, _ = run(ssj("-C", str(ws), "roster", "import", str(scratch / name)), ws, start)
        steps[f"roster import {name}"] = seconds
    git = ["git", "-C", str(ws)]
    subprocess.run([*git, "add", "-A"], check=True, env=on(start))
    subprocess.run([*git, "commit", "-qm", "名录"], check=True, env=on(start))
    draw_times, assign_times = [], []
    for year in YEARS:
        # A draw needs the year's plan approved (both commands commit).
        approved = f"{year}-01-10"
        run(ssj("-C", str(ws), "plan", "init", "--year", str(year)), ws, approved)
        approve = ("--date", approved, "--document", f"基准〔{year}〕1号")
        run(ssj("-C", str(ws), "plan", "approve", "--year", str(year), *approve), ws, approved)
        for n, (day, category) in enumerate(zip(DATES, CATEGORIES, strict=True), start=1):
            seconds, code, out = run(
                ssj(
                    "-C",
                    str(ws),
                    "draw",
                    "--year",
                    str(year),
                    "--date",
                    f"{year}-{day}",
                    "--where",
                    f"监管类别={category}",
                    "--ratio",
                    "0.2",
                    "--seed",
                    f"bench-{year}-{n}",
                    "--json",
                ),
                ws,
                f"{year}-{day}",
            )
            if code:
                raise SystemExit(f"draw {year}-{n} refused")
            draw_times.append(seconds)
            seconds, code, _ = run(
                ssj(
                    "-C",
                    str(ws),
                    "assign",
                    "--year",
                    str(year),
                    "--draw",
                    f"{year}-{n}",
                    "--seed",
                    f"bench-assign-{year}-{n}",
                    "--json",
                ),
                ws,
                f"{year}-{day}",
            )
            if code:
                raise SystemExit(f"assign {year}-{n} refused")
            assign_times.append(seconds)
            print(f"  {year}-{n}: {len(json.loads(out)['selected'])} drawn", flush=True)
    steps["draw (each, median)"] = sorted(draw_times)[len(draw_times) // 2]
    steps["assign (each, median)"] = sorted(assign_times)[len(assign_times) // 2]
    return steps


def bench(ws: Path, runs: int) -> list[tuple[str, float, float, int, int]]:
    """(command, median seconds, peak MiB, exit code, findings) per audited command."""
    head = subprocess.run(
        ["git", "-C", str(ws), "rev-parse", "HEAD~2"], capture_output=True, text=True, check=True
    ).stdout.strip()
    commands = {
        "ssj audit（全部，5 年）": ("audit", "--as-of", AS_OF, "--json"),
        "ssj audit --year 2026": ("audit", "--as-of", AS_OF, "--year", "2026", "--json"),
        "ssj audit --since HEAD~2": ("audit", "--as-of", AS_OF, "--since", head, "--json"),
        "ssj audit --format github": ("audit", "--as-of", AS_OF, "--format", "github"),
        "ssj verify（对照：只重算）": ("verify", "--json"),
    }
    out = []
    for label, args in commands.items():
        times, peaks = [], []
        for _ in range(runs):
            seconds, peak, code, data = measure(ssj("-C", str(ws), *args), ws)
            times.append(seconds)
            peaks.append(peak)
        findings = -1
        if args[0] == "audit" and "--json" in args:
            findings = len(json.loads(data)["findings"])
        out.append((label, sorted(times)[len(times) // 2], max(peaks), code, findings))
        print(f"  {label}: {out[-1][1]:.2f} s, {out[-1][2]:.0f} MiB, exit {code}", flush=True)
    return out


def render(entities: int, officers: int, runs: int, steps, results, counts) -> str:
    lines = [
        f"测量：{date.today()}，{os.cpu_count()} 核，Python {platform.python_version()}；"
        f"合成名录 {entities:,} 个单位（有效的统一社会信用代码，存为 CSV）、执法人员 {officers} 名；"
        f"{len(YEARS)} 个年度（{YEARS[0]}–{YEARS[-1]}）× 每年 4 次定向抽取（每类别一次，比例 20%）"
        f"及其匹配，共 {counts['draws']} 份抽取记录、{counts['assignments']} 份匹配记录、"
        f"{counts['tasks']:,} 项任务，每一步都在它自己的日期做（方案先批准）；审计日期 {AS_OF}"
        f"（各年度均已结束）。每项运行 {runs} 次取中位数，"
        "内存为进程峰值（os.wait4）。",
        "",
        "| 命令 | 耗时 | 峰值内存 | 退出码 | 问题数 |",
        "|---|---|---|---|---|",
    ]
    for label, seconds, peak, code, findings in results:
        shown = "" if findings < 0 else f"{findings:,}"
        lines.append(f"| `{label}` | {seconds:.2f} s | {peak:.0f} MiB | {code} | {shown} |")
    lines += ["", "建立工作区的耗时（供参考）："]
    lines += [f"- {name}：{seconds:.2f} s" for name, seconds in steps.items()]
    return "\n".join(lines)


def write_doc(body: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# 性能\n"
    section = f"{START}\n{body}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = (
            text.rstrip("\n") + "\n\n## ssj audit（benchmarks/audit_scale.py）\n\n" + section + "\n"
        )
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    parser.add_argument("--reuse", action="store_true", help="reuse the workspace of --keep")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="ssj-audit-bench-"))
    ws = args.keep or scratch / "ws"
    try:
        if args.reuse and (ws / "ssj.yaml").exists():
            steps: dict[str, float] = {}
        else:
            if ws.exists():
                shutil.rmtree(ws)
            print(f"building {ws} …", flush=True)
            steps = build(ws, args.entities, args.officers, scratch)
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe")
        assignments = sorted(ws.glob("plans/*/assignments/*.yaml"))
        counts = {
            "draws": len(list(ws.glob("plans/*/draws/*.yaml"))),
            "assignments": len(assignments),
            "tasks": sum(len(yaml.load(p.read_text("utf-8"))["tasks"]) for p in assignments),
        }
        print("auditing …", flush=True)
        results = bench(ws, args.runs)
        body = render(args.entities, args.officers, args.runs, steps, results, counts)
        print(body)
        if not args.no_doc:
            write_doc(body)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
