"""Creating a workspace (`ssj init`)."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.models import ROSTER_NAMES, ROSTERS, Category, CiSettings, Config
from ..core.plan import Approval, Capacity, Plan, PlanPublication
from ..core.problems import Refused
from ..storage import yamlio
from ..storage.files import write_atomic
from ..storage.git import Git
from ..workspace import CONFIG, PLAN_DIR, ROSTER_DIR, parse_roster, schema_line
from ..workspace.calendars import CALENDAR_DIR
from ..workspace.calendars import README as CALENDAR_README
from ..workspace.clock import Clock

DEFAULT_CATEGORIES = ("危险化学品", "烟花爆竹", "非煤矿山", "冶金工贸")
EXAMPLE_DEPARTMENTS = {
    "危险化学品": "危化股",
    "烟花爆竹": "危化股",
    "非煤矿山": "基础股",
    "冶金工贸": "基础股",
}
GITIGNORE = (
    "# ssj 的锁文件与缓存，不入库\n.ssj/\n"
    "# 写入中途被中断留下的临时文件（ssj 会提示如何处理），不入库\n.*.tmp\n"
)


def default_config(authority: str | None, level: str, example: bool) -> Config:
    departments = EXAMPLE_DEPARTMENTS if example else {}
    return Config(
        authority=authority or ("青岚区应急管理局" if example else "（请填写机关名称）"),
        region="青岚区" if example else None,
        level=level,
        categories=[Category(name=c, department=departments.get(c)) for c in DEFAULT_CATEGORIES],
        ci=CiSettings(install=install_source()),
    )


# The caps an authority publishes (山西省应急管理厅, 2025), shipped commented out: a bureau
# that adopts them removes the "# " of the lines from `caps:` on.
CAPS_EXAMPLE = """\
# 检查频次上限（R15）：同一单位每年最多检查几次，计入检查台账中的全部检查（ssj ledger），
# 不只是本局的抽查。不填时每个单位每年最多 defaults.yearly_cap 次。年度方案也可另定 caps。
# 下例为山西省应急管理厅 2025 年公布的上限（自上而下取第一条适用的规定），采用时去掉行首的“# ”：
# caps:
#   exempt: [个案检查, 上级专项]   # 在台账备注中写明理由的，不计入上限
#   repeat_days: 60                # R16：同一机关 60 日内两次检查同一单位时提示
#   rules:
#   - {category: [危险化学品, 金属冶炼], grade: [一级], cap: 2}
#   - {category: [危险化学品, 金属冶炼], grade: [二级], cap: 4}
#   - {category: [危险化学品, 金属冶炼], grade: [三级], cap: 8}
#   - {category: [危险化学品, 金属冶炼], grade: [未定级], cap: 12}
#   - {category: [非煤矿山], grade: [A, B], cap: 1}   # A、B、C、D 类填在名录的“标准化等级”中
#   - {category: [非煤矿山], grade: [C], cap: 2}
#   - {category: [非煤矿山], grade: [D], cap: 4}
#   - {grade: [一级], cap: 1}                         # 其余（非高危）行业
#   - {grade: [二级], cap: 2}
#   - {grade: [三级], cap: 4}
#   - {grade: [未定级], cap: 6}
"""


def config_text(config: Config) -> str:
    head = "# ssj 工作区配置。字段说明见 schemas/config.schema.json 与 docs/workspace.md\n"
    return (
        schema_line("config").replace("../", "./")
        + head
        + yamlio.dump_roundtrip(yamlio.commented(config))
        + ("" if config.caps else CAPS_EXAMPLE)
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


EXAMPLE_AUTHORITY = "青岚区应急管理局"
ITEMS_HEAD = """\
# 随机抽查事项清单：ssj 附带的通用和专业监督检查事项（共 {n} 项），请按本局的权责清单增删、修改后提交。
# 事项依据《江西省应急管理厅关于进一步提升监管执法质效的实施意见》（赣应急字〔2024〕108号）
# 附件1“通用和专业监督检查事项清单”：TY 为通用事项，KS 矿山、WH 危险化学品、YH 烟花爆竹、GM 工贸、
# AP 安全技术服务单位、PX 安全培训单位。抽查主体已填为本机关。
# 检查只能针对已公布的事项（R17）：清单随年度抽查计划公告公布（ssj plan publish），
# 或在事项的 published 中写明单独公布的日期。
"""


def shipped_items_text(authority: str) -> str:
    """The general and per-sector items every workspace starts from, its own authority as
    their subject (the example's list with the example's bureau replaced)."""
    text = example_roster_text("items")
    head, body = text.split("\nitems:\n", 1)
    schema = head.splitlines()[0]
    count = body.count("\n- code: ") + body.startswith("- code: ")
    body = body.replace(f"subject: {EXAMPLE_AUTHORITY}", f"subject: {authority}")
    return f"{schema}\n{ITEMS_HEAD.format(n=count)}items:\n{body}"


# The example's joint task (部门联合抽查): the gas stations, with the market regulator for
# their special equipment and the fire brigade; the two departments' rosters ship with it.
EXAMPLE_JOINT = {
    "市场监管局": "青岚区市场监督管理局",
    "消防救援大队": "青岚区消防救援大队",
}


def example_joint_files(year: int, authority: str) -> dict[str, str]:
    """rosters/departments/<部门>/ and plans/<year>/joint/<year>-联合1.yaml of the example."""
    from ..core.joint import JointTask
    from ..workspace.joint import joint_text

    shipped = resources.files("shuangsuiji.example").joinpath("departments")
    out = {
        f"{ROSTER_DIR}/departments/{name}/{kind}.yaml": shipped.joinpath(
            name, f"{kind}.yaml"
        ).read_text("utf-8")
        for name in EXAMPLE_JOINT
        for kind in ("inspectors", "items")
    }
    lead = {"name": "应急管理局", "authority": authority, "team_size": 2, "experts": 0}
    others = [
        {"name": name, "authority": full, "team_size": 2, "experts": 0}
        for name, full in EXAMPLE_JOINT.items()
    ]
    task = JointTask.model_validate(
        {
            "kind": "joint",
            "id": f"{year}-联合1",
            "year": year,
            "title": f"{year}年度加油站部门联合“双随机、一公开”抽查（应急管理局、市场监管局、消防救援大队）",
            "lead": "应急管理局",
            "departments": [lead, *others],
            "where": {"industries": ["加油站"]},
            "periods": ["5-6"],
        }
    )
    out[f"{PLAN_DIR}/{year}/joint/{task.id}.yaml"] = joint_text(task)
    return out


def csv_roster(kind: str, text: str) -> bytes:
    """A roster's YAML text as the CSV a big roster is kept in (header row, then rows)."""
    from ..core.tables import export_rows
    from ..storage.tabular import write_csv

    roster = parse_roster(kind, text.encode("utf-8"), f"{ROSTER_DIR}/{kind}.yaml")
    return write_csv(*export_rows(kind, roster.rows))


def create_workspace(
    directory: Path,
    *,
    example: bool,
    authority: str | None,
    level: str,
    roster_format: str = "yaml",
) -> dict[str, Any]:
    from ..core.schemas import editor_settings, schema_files

    root = directory.resolve()
    if (root / CONFIG).exists():
        raise Refused(f"{root} 已是 ssj 工作区（已有 {CONFIG}），未做任何修改")
    config = default_config(authority, level, example)
    files: dict[str, str | bytes] = {}
    for name, text in schema_files().items():
        files[f"schemas/{name}"] = text
    for kind in ROSTERS:
        if example:
            text = example_roster_text(kind)
        elif kind == "items":  # every workspace starts from the shipped list
            text = shipped_items_text(config.authority)
        else:
            text = empty_roster_text(kind)
        if roster_format == "csv":
            files[f"{ROSTER_DIR}/{kind}.csv"] = csv_roster(kind, text)
        else:
            files[f"{ROSTER_DIR}/{kind}.yaml"] = text
    if example:
        clock = Clock()
        items = parse_roster("items", *roster_file(files, "items")).rows
        year = clock.year()
        plan = example_plan(year, date(year, 1, 1), [i.code for i in items])
        files.update(example_joint_files(year, config.authority))
        files[f"{PLAN_DIR}/{plan.year}/plan.yaml"] = plan_text(plan)
    else:
        files[f"{PLAN_DIR}/README.md"] = (
            "每个年度一个目录：plans/<年度>/plan.yaml 为年度方案，其余为 ssj 生成的记录。\n"
        )
    if not (root / ".gitignore").exists():
        files[".gitignore"] = GITIGNORE
    files[f"{CALENDAR_DIR}/README.md"] = CALENDAR_README
    prefix = repository_prefix(root)
    starting = {
        ".vscode/settings.json": editor_settings(),
        **ci_files(prefix, config.ci.install or install_source()),
        PRE_COMMIT: pre_commit_config(prefix),
        WORKSPACE_README: workspace_readme(config, example),
    }
    for relative, text in starting.items():
        if not (root / relative).exists():  # never overwrite the user's own CI or README
            files[relative] = text
    files[CONFIG] = config_text(config)  # last: a workspace exists once ssj.yaml does
    root.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        write_atomic(root / relative, text)
    git = Git(root, Clock())
    git_init = not git.is_repo()
    if git_init:
        git.init()
    return {"root": str(root), "files": list(files), "git_init": git_init, "example": example}


def roster_file(files: dict[str, str | bytes], kind: str) -> tuple[bytes, str]:
    """A roster just made for the new workspace: its bytes (YAML or CSV) and its path."""
    path = next(k for k in files if k.startswith(f"{ROSTER_DIR}/{kind}."))
    found = files[path]
    return (found.encode("utf-8") if isinstance(found, str) else found), path


def example_plan(year: int, day: date, items: list[str]) -> Plan:
    """The example's plan, approved and announced on `day` (the first of its year): the
    example draws at once, on any day of the year (a real plan: `ssj plan approve`)."""
    return Plan(
        year=year,
        title=f"青岚区应急管理局{year}年度“双随机、一公开”监管抽查工作方案",
        approval=Approval(date=day, document=f"青政字〔{year}〕1号", by="区人民政府"),
        basis=[
            "《中华人民共和国安全生产法》",
            "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）",
            "《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）",
            "《国家安全监管总局关于印发安全生产年度监督检查计划编制办法的通知》（安监总政法〔2017〕150号）",
        ],
        guiding="坚持“安全第一、预防为主、综合治理”的方针，严格规范公正文明执法，"
        "推动企业落实安全生产主体责任，有效防范遏制生产安全事故。",
        goals=[
            "监管执法计划完成率100%",
            "监管执法中发现的事故隐患责令整改率、到期复查率达100%",
            "监管执法中发现的安全生产违法行为依法查处率达100%",
            "抽查结果自检查结束之日起20个工作日内向社会公开",
        ],
        key_scope=[
            "危险化学品生产、经营单位",
            "涉及有限空间作业、粉尘涉爆、涉氨制冷的工贸企业",
            "生产经营单位应急预案制定及演练情况",
        ],
        publications=[PlanPublication(date=day, items=items)],
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


# ---------------------------------------------------------------- the workspace's README

WORKSPACE_README = "README.md"


def workspace_readme(config: Config, example: bool) -> str:
    """What to do next, in a few lines, for whoever opens the new workspace first."""
    year = Clock().year()
    start = "这是虚构的青岚区示例，名录和方案都已填好，可直接从第 4 步试起。\n\n" if example else ""
    return f"""# {config.authority}“双随机、一公开”抽查工作区

由 `ssj init` 建立。名录、方案和每一次抽取、匹配、检查结果都以文件保存在这里，由 git 记下每一处改动。

{start}## 下一步

1. 第一次在这台电脑上用 git：写明操作人，每一次抽取的提交都署此名
   `git config --global user.name "张三"`，`git config --global user.email "zhangsan@example.gov.cn"`
2. 打开 `ssj.yaml`：核对机关名称、辖区、监管层级和监管类别。
3. 导入名录（Excel 或 CSV，中文表头）：`ssj roster import 企业名单.xlsx`、`ssj roster import 执法人员.xlsx`；
   抽查事项清单在 `rosters/items.yaml`。统一社会信用代码一列请设为“文本”格式，免得 Excel 把代码变成数字。
4. `ssj roster check` 一次列出全部问题；改好后提交：`git add -A && git commit -m "建立名录库"`。
5. 编写 {year} 年度方案 `plans/{year}/plan.yaml`，然后抽取：`ssj draw --year {year} --ratio 0.2 --dry-run` 先看数量。
6. 每条命令的用法：`ssj --help`、`ssj 命令 --help`。

`schemas/` 是编辑器（如 VS Code）用的格式说明；`.gitlab-ci.yml`、`.github/workflows/ssj-audit.yml`
和 `.pre-commit-config.yaml` 在每次提交、推送时运行 `ssj audit`，不用可删除。
"""


# ---------------------------------------------------------------- CI (docs/ci.md)

GITHUB_WORKFLOW = ".github/workflows/ssj-audit.yml"
GITLAB_CI = ".gitlab-ci.yml"
PRE_COMMIT = ".pre-commit-config.yaml"
DIST = "shuangsuiji"


def install_source() -> str:
    """What `pip install` installs this very ssj from, for CI to install the same one.

    Installed from a git repository: that repository at its commit. Otherwise the pinned
    version, which the bureau's package index or mirror must hold (docs/ci.md).
    """
    import json
    from importlib import metadata

    from .. import __version__

    try:
        direct = metadata.distribution(DIST).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    info = json.loads(direct) if direct else {}
    vcs = info.get("vcs_info") or {}
    url = info.get("url", "")
    if vcs.get("vcs") == "git" and vcs.get("commit_id") and not url.startswith("file:"):
        return f"git+{url}@{vcs['commit_id']}"
    return f"{DIST}=={__version__}"


def pre_commit_config(prefix: str = "") -> str:
    """Local pre-commit hooks: the installed ssj checks the rosters and audits, before a
    commit. `repo: local` needs no tag of the ssj repository, only ssj on the PATH."""
    ssj = f'ssj -C "{prefix}"' if prefix else "ssj"
    note = f"# 工作区在仓库的 {prefix}/ 目录中：请把本文件移到仓库根目录。\n" if prefix else ""
    hooks = ""
    for hook, name, command in (
        ("ssj-roster-check", "ssj roster check（名录校验）", "roster check"),
        ("ssj-audit", "ssj audit（审计）", "audit"),
    ):
        hooks += f"""      - id: {hook}
        name: {name}
        entry: {ssj} {command}
        language: system
        pass_filenames: false
        always_run: true
"""
    return f"""# 提交前用本机安装的 ssj 校验名录并审计（见 ssj 的 docs/ci.md）。
# 启用：pip install pre-commit && pre-commit install
{note}repos:
  - repo: local
    hooks:
{hooks}"""


def repository_prefix(root: Path) -> str:
    """The workspace's folder inside an enclosing git repository ("" at its root or none)."""
    probe = root
    while not probe.exists():
        probe = probe.parent
    git = Git(probe)
    if not git.is_repo():
        return ""
    top = Path(git.run("rev-parse", "--show-toplevel").strip()).resolve()
    inside = root.resolve().relative_to(top).as_posix()
    return "" if inside == "." else inside


def ci_files(prefix: str = "", source: str | None = None) -> dict[str, str]:
    """The CI jobs that run `ssj audit`: on a pull/merge request only what it changes.

    `source` is what pip installs ssj from (ssj.yaml `ci.install`; by default the source
    this ssj was installed from).
    """
    install = f'pip install "{source or install_source()}"'
    alternative = "安装来源由 ssj.yaml 的 ci.install 决定：固定版本，或 git+<ssj 仓库地址>@<提交>"
    ssj = f'ssj -C "{prefix}"' if prefix else "ssj"
    note = (
        f"# 工作区在仓库的 {prefix}/ 目录中：请把本文件移到仓库根目录的同一位置。\n"
        if prefix
        else ""
    )
    github = f"""# ssj audit：推送时审计全部规则；拉取请求只报告其改动引起的问题（见 ssj 的 docs/ci.md）。
{note}name: ssj audit
on:
  push:
  pull_request:
jobs:
  audit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # ssj audit 要读完整的 git 历史和目标分支
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: 安装 ssj
        # 与生成记录的 ssj 同一版本。{alternative}
        run: {install}
      - name: ssj audit
        env:
          EVENT: ${{{{ github.event_name }}}}
          BASE: ${{{{ github.base_ref }}}}
        run: |
          if [ "$EVENT" = "pull_request" ]; then
            {ssj} audit --since "origin/$BASE" --format github
          else
            {ssj} audit --format github
          fi
"""
    gitlab = f"""# ssj audit：合并请求只报告其改动引起的问题，默认分支审计全部规则（见 ssj 的 docs/ci.md）。
{note}ssj-audit:
  image: python:3.12
  variables:
    GIT_DEPTH: "0"  # ssj audit 要读完整的 git 历史
  before_script:
    # 与生成记录的 ssj 同一版本。{alternative}
    - {install}
  script:
    - |
      if [ -n "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" ]; then
        git fetch -q origin "+refs/heads/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:refs/remotes/origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
        {ssj} audit --since "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" --format gitlab -o gl-code-quality-report.json
      else
        {ssj} audit --format gitlab -o gl-code-quality-report.json
      fi
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
"""
    return {GITHUB_WORKFLOW: github, GITLAB_CI: gitlab}
