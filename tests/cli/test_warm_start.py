"""A draw whose cache is warm reads what it needs without pydantic, ruamel or rich (their
import alone costs more than the rest of a small draw): shown in a process in which they
cannot be imported, writing the very record an unhindered process writes."""

import subprocess
import sys

import pytest

SEED = "20260104-6152-3341"
DAY = "2026-03-01"
BLOCKED = ("pydantic", "pydantic_core", "ruamel", "rich")
RUN = """
import sys

blocked = set(sys.argv[1].split(",")) - {""}


class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"{name} is not to be imported")


sys.meta_path.insert(0, Blocked())
sys.argv = ["ssj", *sys.argv[2:]]
from shuangsuiji.cli.app import main

main()
"""


def _ssj(*args: str, blocked: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", RUN, ",".join(blocked), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--ratio", "0.3"),
        ("--ratio", "0.5", "--alternates", "1", "--periods", "2-3,9-10"),
        ("--ratio", "0.4", "--stratify", "所属区域", "--stratify", "category"),
        ("--ratio", "0.5", "--where", "风险等级=较大", "--where", "category=危险化学品"),
    ],
)
def test_a_draw_with_its_cache_warm_imports_neither_pydantic_nor_ruamel_nor_rich(
    example, clock, args
):
    clock.set(DAY)
    draw = ("-C", str(example), "draw", "--year", "2026", "--date", DAY, "--seed", SEED)
    draw += (*args, "--no-commit", "--json")
    record = example / "plans" / "2026" / "draws" / "2026-1.yaml"
    first = _ssj(*draw)  # reads every file anew and fills the cache
    assert first.returncode == 0, first.stderr
    written = record.read_bytes()
    record.unlink()
    again = _ssj(*draw, blocked=BLOCKED)
    assert again.returncode == 0, again.stderr
    assert record.read_bytes() == written and again.stdout == first.stdout
    record.unlink()
    (example / "ssj.yaml").write_bytes((example / "ssj.yaml").read_bytes() + b"\n")
    changed = _ssj(*draw, blocked=BLOCKED)  # ssj.yaml changed (and not committed): read anew
    assert changed.returncode != 0 and "pydantic" in changed.stderr + changed.stdout
