"""ssj.yaml and plans kept in their light form, other small files as their validated models:
the same values, never a stale or foreign object, and read back without pydantic."""

import os
import pickle

from shuangsuiji.core.light import Light, light_of
from shuangsuiji.core.models import Config
from shuangsuiji.core.plan import Plan
from shuangsuiji.core.records import Replacements
from shuangsuiji.workspace import Workspace, load_model, snapshot
from shuangsuiji.workspace.records import load_plan


def _entries(root, kind, name):
    return sorted((root / ".ssj" / "cache").glob(f"{kind}-{name}-*.bin"))


def test_the_kept_light_form_is_the_validated_model(example):
    fresh = load_model(Config, example / "ssj.yaml", "ssj.yaml")  # no cache: parsed
    first = Workspace(example).config
    (entry,) = _entries(example, "light", "Config")
    again = Workspace(example).config  # read back from the entry
    assert isinstance(again, Light) and again is not first
    assert first == again == fresh and fresh == again
    assert again.category("危险化学品") == fresh.category("危险化学品")
    assert load_plan(Workspace(example), 2026) == load_plan(Workspace(example), 2026)
    assert len(_entries(example, "light", "Plan")) == 1
    assert entry.stat().st_size < 64 * 1024


def test_an_edited_file_is_read_anew(example):
    assert Workspace(example).config.authority == "青岚区应急管理局"
    path = example / "ssj.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("青岚区应急管理局", "白石区应急管理局"),
        encoding="utf-8",
    )
    assert Workspace(example).config.authority == "白石区应急管理局"
    assert len(_entries(example, "light", "Config")) == 2  # one per version of the file


def test_an_entry_that_would_run_code_is_refused(example, tmp_path):
    raw = (example / "ssj.yaml").read_bytes()
    config = Workspace(example).config
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    snapshot.keep_light(example, "Config", raw, Payload())  # as someone with access to .ssj/
    assert snapshot.kept_light(example, "Config", raw) is None and not marker.exists()
    assert Workspace(example).config == config  # read from the file, kept again
    assert snapshot.kept_light(example, "Config", raw) == config
    snapshot.keep_model(example, Config, raw, Payload())
    assert snapshot.kept_model(example, Config, raw) is None and not marker.exists()


def test_an_entry_of_another_model_or_altered_is_not_used(example):
    raw = (example / "ssj.yaml").read_bytes()
    snapshot.keep_light(example, "Config", raw, light_of(Plan(year=2026)))
    assert snapshot.kept_light(example, "Config", raw) is None
    snapshot.keep_model(example, Config, raw, Plan(year=2026))
    assert snapshot.kept_model(example, Config, raw) is None
    snapshot.keep_light(example, "Config", raw, Workspace(example).config)
    (entry,) = _entries(example, "light", "Config")
    body = entry.read_bytes()
    entry.write_bytes(body.replace(b"\x94", b"\x95", 1))  # the body no longer its digest
    assert snapshot.kept_light(example, "Config", raw) is None
    assert pickle.loads(body.rpartition(b"\n")[0]) == Workspace(example).config


def test_other_small_files_are_kept_as_their_models(example):
    raw = b"draw_id: 2026-1\nreplacements: []\n"
    path = example / "kept.yaml"
    path.write_bytes(raw)
    first = load_model(Replacements, path, "kept.yaml", cache=example)
    again = load_model(Replacements, path, "kept.yaml", cache=example)
    assert type(again) is Replacements and again == first
    assert snapshot.kept_model(example, Replacements, raw) == first
