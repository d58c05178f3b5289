"""JSON Schemas for editors, generated from the models (never written by hand)."""

from __future__ import annotations

import json

from .models import Config, EntityRoster, InspectorRoster, ItemList
from .plan import Plan


def _models() -> dict[str, type]:
    return {
        "entities": EntityRoster,
        "inspectors": InspectorRoster,
        "items": ItemList,
        "config": Config,
        "plan": Plan,
    }


def schema_files() -> dict[str, str]:
    out = {}
    for name, model in _models().items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out
