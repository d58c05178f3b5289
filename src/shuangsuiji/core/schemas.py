"""JSON Schemas for editors, generated from the models (never written by hand).

The inputs people write (ssj.yaml, the rosters, the plan) and the records ssj writes
(draws, assignments, inspection records, publications, return visits), so that an editor
shows what each field means and marks what ssj would refuse.
"""

from __future__ import annotations

import json

from .inspections import LedgerFile
from .joint import JointTask
from .models import Config, EntityRoster, InspectorRoster, ItemList
from .plan import Plan
from .records import Assignment, Draw, Prepared, Replacements, Substitutions
from .reference import RosterReference
from .results import AnswerFile, DisclosureFile, RecordFile, RevisitDraw


def _models() -> dict[str, type]:
    return {
        "entities": EntityRoster,
        "inspectors": InspectorRoster,
        "items": ItemList,
        "config": Config,
        "plan": Plan,
        "reference": RosterReference,  # rosters/<kind>.ref.yaml: a roster kept outside git
        # records ssj writes
        "draw": Draw,
        "prepared": Prepared,
        "replacements": Replacements,
        "assignment": Assignment,
        "substitutions": Substitutions,
        "record": RecordFile,
        "disclosure": DisclosureFile,
        "revisit": RevisitDraw,
        "answers": AnswerFile,
        "ledger": LedgerFile,
        "joint": JointTask,
    }


# Which files of a workspace each record schema describes, for an editor (VS Code's YAML
# extension): draw ids hold no ".", so "*.*.yaml" are a draw's companion files.
EDITOR_FILES = {
    "draw": ["plans/*/draws/*.yaml", "!plans/*/draws/*.*.yaml"],
    "prepared": ["plans/*/draws/*.prepared.yaml"],
    "replacements": ["plans/*/draws/*.replacements.yaml"],
    "assignment": [
        "plans/*/assignments/*.yaml",
        "!plans/*/assignments/*.*.yaml",
        "plans/*/joint/*/assignments/*.yaml",
    ],
    "substitutions": ["plans/*/assignments/*.substitutions.yaml"],
    "record": ["plans/*/records/*.yaml", "plans/*/departments/*/records/*.yaml"],
    "disclosure": ["plans/*/disclosures/*.yaml"],
    "revisit": ["plans/*/revisits/*.yaml"],
    "answers": ["plans/*/revisits/answers/*.yaml"],
    "ledger": ["plans/*/ledger.yaml"],
    "joint": ["plans/*/joint/*.yaml"],
}


def editor_settings() -> str:
    """.vscode/settings.json: the records ssj writes carry no schema line (their bytes are
    the record), so the editor is told which schema each file follows."""
    mapping = {f"./schemas/{name}.schema.json": globs for name, globs in EDITOR_FILES.items()}
    return json.dumps({"yaml.schemas": mapping}, ensure_ascii=False, indent=2) + "\n"


def schema_files() -> dict[str, str]:
    out = {}
    for name, model in _models().items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out
