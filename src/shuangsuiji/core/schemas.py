"""JSON Schemas for editors, generated from the models (never written by hand).

The inputs people write (ssj.yaml, the rosters, the plan) and the records ssj writes
(draws, assignments, inspection records, publications, return visits), so that an editor
shows what each field means and marks what ssj would refuse.
"""

from __future__ import annotations

import json

from .models import Config, EntityRoster, InspectorRoster, ItemList
from .plan import Plan
from .records import Assignment, Draw, Prepared, Replacements, Substitutions
from .results import AnswerFile, DisclosureFile, RecordFile, RevisitDraw


def _models() -> dict[str, type]:
    return {
        "entities": EntityRoster,
        "inspectors": InspectorRoster,
        "items": ItemList,
        "config": Config,
        "plan": Plan,
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
    }


def schema_files() -> dict[str, str]:
    out = {}
    for name, model in _models().items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out
