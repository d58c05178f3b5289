"""Time ssj's commands as whole processes on synthetic rosters; write docs/performance.md.

    python benchmarks/run.py                       # 1k, 10k, 100k
    python benchmarks/run.py --sizes 1000,10000,100000,1000000   # docs/performance.md
    python benchmarks/run.py --sizes 1000,1000000  # any sizes
    python benchmarks/run.py --runs 5 --inspectors 500

Each command runs --runs times in a scratch workspace; the table holds the median wall
time and the peak memory (max RSS of the process, from os.wait4). The floor is a bare
script that reads the same CSV, computes every ticket with hashlib and sorts.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import write_entities, write_inspectors

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SEED, YEAR = "benchmark-seed-2026", "2026"
# Every process runs on the drawing day (ssj's clock and git's), whatever the machine's
# date: a draw dated before today would need --reason.
NOW = f"{YEAR}-03-01T10:00:00+08:00"


def measure(argv: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit code) of one process. The peak is the larger of the
    process's own (os.wait4) and the resident memory of it and the copies it forks (a
    verify runs its draws in one) sampled together: an upper bound, a page they share
    counted in each (their proportional sizes would be exact, but reading them walks every
    page table and slowed the measured process by some 7%)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampled = [0.0]
    done = threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, done, sampled))
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        message = process.stderr.read().decode("utf-8", "replace")[-2000:]
        raise SystemExit(f"{' '.join(argv)} failed ({code}):\n{message}")
    return elapsed, max(usage.ru_maxrss / 1024, sampled[0]), code


def _sample_tree(pid: int, done: threading.Event, peak: list[float]) -> None:
    while not done.wait(0.02):
        total = sum(map(_rss_kib, _tree(pid)))
        peak[0] = max(peak[0], total / 1024)


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        here = todo.pop()
        found.append(here)
        try:
            children = Path(f"/proc/{here}/task/{here}/children").read_text().split()
        except OSError:
            continue
        todo += map(int, children)
    return found


def _rss_kib(pid: int) -> int:
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * PAGE_KIB


PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def timed(argv, cwd, runs, reset=None, ok=(0,), floor=None) -> tuple[float, float, float | None]:
    """(median seconds, peak MiB, median ratio to the floor). With `floor`, the floor runs
    just before each run: on a machine shared with other work both are slowed alike."""
    times, peaks, ratios = [], [], []
    for _ in range(runs):
        base = measure(floor, cwd)[0] if floor else None
        seconds, peak, _ = measure(argv, cwd, ok)
        times.append(seconds)
        peaks.append(peak)
        if base:
            ratios.append(seconds / base)
        if reset:
            reset()
    return statistics.median(times), max(peaks), statistics.median(ratios) if ratios else None


def ssj(*args: str) -> list[str]:
    return [sys.executable, "-m", "shuangsuiji", *args]


WRITE_RECORD = """
import statistics, sys, time
from pathlib import Path
from shuangsuiji.storage import yamlio
from shuangsuiji.workspace.records import GENERATED_HEADER
data = yamlio.load(Path(sys.argv[1]))
times = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    text = yamlio.dump_fast(data, GENERATED_HEADER)
    Path(sys.argv[1]).with_suffix(".bench").write_text(text, encoding="utf-8")
    times.append(time.perf_counter() - started)
Path(sys.argv[1]).with_suffix(".bench").unlink()
print(statistics.median(times))
"""


def write_seconds(record: Path, runs: int) -> float:
    """Median time to write a draw record (emit the YAML and write the file), in-process."""
    done = subprocess.run(
        [sys.executable, "-c", WRITE_RECORD, str(record), str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout)


def bench_size(n: int, inspectors: int, runs: int, scratch: Path) -> dict[str, tuple]:
    ws = scratch / f"ws-{n}"
    # Big rosters are kept as CSV (docs/rosters.md); YAML is for rosters people edit by hand.
    subprocess.run(
        ssj("init", str(ws), "--roster-format", "csv"), check=True, stdout=subprocess.DEVNULL
    )
    entities, people = scratch / f"entities-{n}.csv", scratch / f"inspectors-{inspectors}.csv"
    write_entities(entities, n)
    write_inspectors(people, inspectors)
    floor = [
        sys.executable,
        str(ROOT / "benchmarks" / "floor.py"),
        str(entities),
        SEED,
        f"{YEAR}-1",
    ]
    git = ["git", "-C", str(ws)]
    env_commit = [
        *git,
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@localhost",
        "commit",
        "-qm",
    ]
    out: dict[str, tuple] = {}
    out["roster import"] = timed(
        ssj("-C", str(ws), "roster", "import", str(entities)), ws, 1, floor=floor
    )
    subprocess.run(
        ssj("-C", str(ws), "roster", "import", str(people)), check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*env_commit, "rosters"], check=True)
    # A draw needs the year's plan approved (both commands commit).
    for step in (
        ("init",),
        ("approve", "--date", f"{YEAR}-03-01", "--document", "基准〔2026〕1号"),
    ):
        subprocess.run(
            ssj("-C", str(ws), "plan", step[0], "--year", YEAR, *step[1:]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    out["roster check"] = timed(ssj("-C", str(ws), "roster", "check"), ws, runs, floor=floor)
    record = ws / "plans" / YEAR / "draws" / f"{YEAR}-1.yaml"
    draw = ssj(
        "-C",
        str(ws),
        "draw",
        "--year",
        YEAR,
        "--ratio",
        "0.2",
        "--seed",
        SEED,
        "--date",
        f"{YEAR}-03-01",
        "--no-commit",
        "--json",
    )
    shutil.rmtree(ws / ".ssj" / "cache", ignore_errors=True)
    out["draw (no cache)"] = timed(draw, ws, 1, reset=lambda: record.unlink(), floor=floor)
    out["draw"] = timed(draw, ws, runs, reset=lambda: record.unlink(), floor=floor)
    measure(draw, ws)
    out["write draw record"] = (write_seconds(record, runs), 0.0, None)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*env_commit, "draw"], check=True)
    assignment = ws / "plans" / YEAR / "assignments" / f"{YEAR}-1.yaml"
    assign = ssj(
        "-C", str(ws), "assign", "--year", YEAR, "--seed", "assign-seed", "--no-commit", "--json"
    )
    out["assign"] = timed(assign, ws, runs, reset=lambda: assignment.unlink(), floor=floor)
    measure(assign, ws)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*env_commit, "assign"], check=True)
    out["verify"] = timed(ssj("-C", str(ws), "verify"), ws, runs, floor=floor)
    # exit 1: the audit finds what a benchmark leaves undone (no inspection records)
    audit = ssj("-C", str(ws), "audit", "--year", YEAR)
    out["audit"] = timed(audit, ws, runs, ok=(0, 1), floor=floor)
    # A fresh clone: nothing in .ssj/cache, the records read from their YAML.
    for name, argv, ok in (
        ("verify", ssj("-C", str(ws), "verify"), (0,)),
        ("audit", audit, (0, 1)),
    ):
        shutil.rmtree(ws / ".ssj" / "cache", ignore_errors=True)
        out[f"{name} (no cache)"] = timed(argv, ws, 1, ok=ok, floor=floor)
    out["--help"] = timed(ssj("--help"), ws, runs, floor=floor)
    out["floor"] = timed(floor, ws, runs)
    return out


def render(results: dict[int, dict[str, tuple]], inspectors: int, runs: int) -> str:
    sizes = sorted(results)
    commands = [c for c in results[sizes[0]] if c != "floor"] + ["floor"]
    lines = [
        START,
        f"测量：{time.strftime('%Y-%m-%d')}，{os.cpu_count()} 核，Python {sys.version.split()[0]}，"
        f"执法人员 {inspectors} 名，每项运行 {runs} 次取中位数（import 与各 no cache 项只测一次；"
        f"100 万单位各测一次）。名录存为 CSV（`ssj init --roster-format csv`）。"
        "每次运行之前紧挨着测一次下限，比值取各对之比的中位数（机器上同时有别的工作时，二者一同变慢）。",
        "",
        "| 命令 | " + " | ".join(f"{n:,} 单位" for n in sizes) + " | 与下限之比（各规模） |",
        "|---|" + "---|" * len(sizes) + "---|",
    ]
    for command in commands:
        cells = [
            f"{results[n][command][0]:.2f} s"
            + (f" / {results[n][command][1]:.0f} MiB" if results[n][command][1] else "")
            for n in sizes
        ]
        ratios = " / ".join(f"{ratio(results[n], command):.1f}×" for n in sizes)
        lines.append(f"| `{command}` | " + " | ".join(cells) + f" | {ratios} |")
    if len(sizes) > 1:
        # From the smallest size of 10,000 or more (below it start-up is most of the time).
        base = next((n for n in sizes[:-1] if n >= 10_000), sizes[0])
        top = sizes[-1]
        bound = top * math.log(top) / (base * math.log(base))
        lines += [
            "",
            f"从 {base:,} 到 {top:,} 单位的增长（时间之比；规模之比 {top / base:.0f}，"
            f"n log n 之比 {bound:.0f}）：",
        ]
        for command in commands:
            growth = results[top][command][0] / results[base][command][0]
            lines.append(f"- `{command}`：{growth:.1f}")
    lines.append(END)
    return "\n".join(lines)


def ratio(results: dict[str, tuple], command: str) -> float:
    """The command's paired ratio to the floor, or its time over the floor's median."""
    seconds, _, paired = results[command]
    return paired if paired is not None else seconds / results["floor"][0]


def write_doc(table: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# 性能\n\n"
    if START in text:
        head, rest = text.split(START, 1)
        text = head + table + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## 各命令耗时（benchmarks/run.py）\n\n" + table + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--inspectors", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--large-runs", type=int, default=1, help="runs for 1,000,000 units and more"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch workspaces")
    args = parser.parse_args()
    for key in ("SSJ_NOW", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        os.environ[key] = NOW
    # An installed ssj runs from compiled bytecode (pip compiles it): measure that, not
    # a compile of every module on every run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    # The processes run in the scratch workspaces: a relative PYTHONPATH would silently
    # measure whichever ssj is installed instead.
    if os.environ.get("PYTHONPATH"):
        os.environ["PYTHONPATH"] = os.pathsep.join(
            str(Path(p).resolve()) for p in os.environ["PYTHONPATH"].split(os.pathsep) if p
        )
    scratch = Path(tempfile.mkdtemp(prefix="ssj-bench-"))
    try:
        results = {}
        for n in (int(s) for s in args.sizes.split(",")):
            print(f"… {n:,} 单位", flush=True)
            runs = args.large_runs if n >= 1_000_000 else args.runs
            results[n] = bench_size(n, args.inspectors, runs, scratch)
            for command, (seconds, peak, _) in results[n].items():
                print(f"   {command:14s} {seconds:7.2f} s  {peak:7.0f} MiB", flush=True)
        table = render(results, args.inspectors, args.runs)
        write_doc(table)
        print(table)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
