"""Creating a workspace (`ssj init`)."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from .core.models import ROSTER_NAMES, ROSTERS, Category, Config
from .core.plan import Capacity, Plan
from .core.problems import Refused
from .storage import yamlio
from .storage.files import write_atomic
from .storage.git import Git
from .workspace import CONFIG, PLAN_DIR, ROSTER_DIR, schema_line

DEFAULT_CATEGORIES = ("危险化学品", "烟花爆竹", "非煤矿山", "冶金工贸")
EXAMPLE_DEPARTMENTS = {
    "危险化学品": "危化股",
    "烟花爆竹": "危化股",
    "非煤矿山": "基础股",
    "冶金工贸": "基础股",
}
GITIGNORE = "# ssj 的锁文件与缓存，不入库\n.ssj/\n"


def default_config(authority: str | None, level: str, example: bool) -> Config:
    departments = EXAMPLE_DEPARTMENTS if example else {}
    return Config(
        authority=authority or ("青岚区应急管理局" if example else "（请填写机关名称）"),
        region="青岚区" if example else None,
        level=level,
        categories=[Category(name=c, department=departments.get(c)) for c in DEFAULT_CATEGORIES],
    )


def config_text(config: Config) -> str:
    head = "# ssj 工作区配置。字段说明见 schemas/config.schema.json 与 docs/workspace.md\n"
    return (
        schema_line("config").replace("../", "./")
        + head
        + yamlio.dump_roundtrip(yamlio.commented(config))
    )


def empty_roster_text(kind: str) -> str:
    model, _, key = ROSTERS[kind]
    lines = [f"# {ROSTER_NAMES[kind]}。每项一条，字段（* 为必填）："]
    for name, info in model.model_fields.items():
        mark = "*" if info.is_required() else " "
        lines.append(
            f"#  {mark} {name}: {info.title}"
            + (f"（{info.description}）" if info.description else "")
        )
    lines.append("# 可用 ssj roster import 从 Excel/CSV 导入。")
    return schema_line(kind) + "\n".join(lines) + f"\n{key}: []\n"


def example_roster_text(kind: str) -> str:
    text = resources.files("shuangsuiji.example").joinpath(f"{kind}.yaml").read_text("utf-8")
    return schema_line(kind) + text


def create_workspace(
    directory: Path, *, example: bool, authority: str | None, level: str
) -> dict[str, Any]:
    from .schemas import schema_files

    root = directory.resolve()
    if (root / CONFIG).exists():
        raise Refused(f"{root} 已是 ssj 工作区（已有 {CONFIG}），未做任何修改")
    config = default_config(authority, level, example)
    files: dict[str, str] = {}
    for name, text in schema_files().items():
        files[f"schemas/{name}"] = text
    for kind in ROSTERS:
        text = example_roster_text(kind) if example else empty_roster_text(kind)
        files[f"{ROSTER_DIR}/{kind}.yaml"] = text
    if example:
        year = date.today().year
        files[f"{PLAN_DIR}/{year}/plan.yaml"] = plan_text(example_plan(year))
    else:
        files[f"{PLAN_DIR}/README.md"] = (
            "每个年度一个目录：plans/<年度>/plan.yaml 为年度方案，其余为 ssj 生成的记录。\n"
        )
    if not (root / ".gitignore").exists():
        files[".gitignore"] = GITIGNORE
    files[CONFIG] = config_text(config)  # last: a workspace exists once ssj.yaml does
    root.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        write_atomic(root / relative, text)
    git = Git(root)
    git_init = not git.is_repo()
    if git_init:
        git.init()
    return {"root": str(root), "files": list(files), "git_init": git_init, "example": example}


def example_plan(year: int) -> Plan:
    return Plan(
        year=year,
        title=f"青岚区应急管理局{year}年度“双随机、一公开”监管抽查工作方案",
        approval="（待区人民政府批准后填写文号和日期）",
        basis=[
            "《中华人民共和国安全生产法》",
            "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）",
            "《国家安全监管总局关于印发安全生产年度监督检查计划编制办法的通知》（安监总政法〔2017〕150号）",
        ],
        capacity=Capacity(
            other_enforcement_days={
                "行政许可": 60,
                "事故调查": 40,
                "投诉举报核查": 30,
                "联合执法": 40,
            },
            non_enforcement_days={"值班": 120, "学习会议": 150, "年休假": 100, "病事假": 40},
            reinspection_rate="30%",
        ),
    )


def plan_text(plan: Plan) -> str:
    head = f"# {plan.year} 年度方案。比例可写 0.2 或 20%；命令行选项只对一次抽取生效。\n"
    return (
        schema_line("plan").replace("../", "../../")
        + head
        + yamlio.dump_roundtrip(yamlio.commented(plan))
    )
