"""The editor is told which schema each record follows, and every record of the repository's
own workspace validates against the schema it is told."""

from __future__ import annotations

import json
from fnmatch import fnmatch
from pathlib import Path

import jsonschema

from conftest import read_yaml
from shuangsuiji.core.schemas import EDITOR_FILES, editor_settings, schema_files

ROOT = Path(__file__).parents[2]


def _schemas_for(relative: str) -> list[str]:
    return [
        name
        for name, globs in EDITOR_FILES.items()
        if any(fnmatch(relative, g) for g in globs if not g.startswith("!"))
        and not any(fnmatch(relative, g[1:]) for g in globs if g.startswith("!"))
    ]


def test_init_writes_the_settings_and_every_named_schema_exists(tmp_path, ssj):
    assert ssj("init", tmp_path / "ws", "--example").code == 0
    settings = json.loads((tmp_path / "ws/.vscode/settings.json").read_text(encoding="utf-8"))
    assert settings == json.loads(editor_settings())
    for schema in settings["yaml.schemas"]:
        assert (tmp_path / "ws" / schema).is_file(), schema


def test_every_record_of_the_repository_follows_exactly_one_schema():
    schemas = {name: json.loads(text) for name, text in schema_files().items()}
    checked = 0
    for path in sorted((ROOT / "plans").rglob("*.yaml")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.endswith("/plan.yaml"):
            continue  # written by people: its schema line is in the file
        (name,) = _schemas_for(relative)
        jsonschema.validate(read_yaml(path), schemas[f"{name}.schema.json"])
        checked += 1
    assert checked > 10
