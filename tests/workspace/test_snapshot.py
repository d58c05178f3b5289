"""ssj.yaml and plans kept as validated models: the same model, never a stale or foreign one."""

import os
import pickle

from shuangsuiji.core.models import Config
from shuangsuiji.core.plan import Plan
from shuangsuiji.workspace import Workspace, load_model, snapshot
from shuangsuiji.workspace.records import load_plan


def _entries(root, model):
    return sorted((root / ".ssj" / "cache").glob(f"model-{model.__name__}-*.bin"))


def test_the_kept_model_is_the_validated_one(example):
    fresh = load_model(Config, example / "ssj.yaml", "ssj.yaml")  # no cache: parsed
    first = Workspace(example).config
    (entry,) = _entries(example, Config)
    again = Workspace(example).config  # read back from the entry
    assert first == again == fresh and again is not first
    assert again.model_dump() == fresh.model_dump()
    assert load_plan(Workspace(example), 2026) == load_plan(Workspace(example), 2026)
    assert len(_entries(example, Plan)) == 1
    assert entry.stat().st_size < 64 * 1024


def test_an_edited_file_is_read_anew(example):
    assert Workspace(example).config.authority == "青岚区应急管理局"
    path = example / "ssj.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("青岚区应急管理局", "白石区应急管理局"),
        encoding="utf-8",
    )
    assert Workspace(example).config.authority == "白石区应急管理局"
    assert len(_entries(example, Config)) == 2  # one per version of the file


def test_an_entry_that_would_run_code_is_refused(example, tmp_path):
    raw = (example / "ssj.yaml").read_bytes()
    config = Workspace(example).config
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    snapshot.keep_model(example, Config, raw, Payload())  # as someone with access to .ssj/ might
    assert snapshot.kept_model(example, Config, raw) is None and not marker.exists()
    assert Workspace(example).config == config  # read from the file, kept again
    assert snapshot.kept_model(example, Config, raw) == config


def test_an_entry_of_another_model_or_altered_is_not_used(example):
    raw = (example / "ssj.yaml").read_bytes()
    snapshot.keep_model(example, Config, raw, Plan(year=2026))
    assert snapshot.kept_model(example, Config, raw) is None
    snapshot.keep_model(example, Config, raw, Workspace(example).config)
    (entry,) = _entries(example, Config)
    body = entry.read_bytes()
    entry.write_bytes(body.replace(b"\x94", b"\x95", 1))  # the body no longer its digest
    assert snapshot.kept_model(example, Config, raw) is None
    assert pickle.loads(body.rpartition(b"\n")[0]) == Workspace(example).config
