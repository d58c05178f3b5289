"""ssj.yaml and plans kept in their light form, other small files as their validated models,
big records as their views: the same values, never a stale or foreign object, and ssj.yaml
and plans read back without pydantic."""

import hashlib
import os
import pickle

import pytest

from conftest import approve_plan, on
from shuangsuiji.core import records
from shuangsuiji.core.light import Light, light_of
from shuangsuiji.core.models import Config
from shuangsuiji.core.plan import Plan
from shuangsuiji.core.records import VIEWS, Assignment, AssignmentView, Draw, Replacements
from shuangsuiji.workspace import Workspace, load, load_model, snapshot
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


SEED = "20260104-6152-3341"
RECORDS = {
    Draw: "plans/2026/draws/2026-1.yaml",
    Assignment: "plans/2026/assignments/2026-1.yaml",
}


@pytest.fixture
def matched(example, ssj, monkeypatch):
    """The example drawn and matched, its records big enough to be read as views."""
    monkeypatch.setattr(load, "CACHED_RECORD_BYTES", 0)
    with on("2026-03-01"):
        approve_plan(example, 2026)
        for step in (("draw", "--seed", SEED, "--ratio", "0.2"), ("assign", "--seed", "a-1")):
            done = ssj("-C", example, step[0], "--year", "2026", *step[1:])
            assert done.code == 0, done.out + done.err
    return example


def _refuse(*_):
    raise AssertionError("validated again")


def test_big_records_are_kept_as_their_validated_views(matched, monkeypatch):
    for model, path in RECORDS.items():
        view = VIEWS[model]
        first = Workspace(matched).load_record(model, matched / path)
        assert len(_entries(matched, "view", view.__name__)) == 1
        with monkeypatch.context() as patched:
            patched.setattr(view, "in_parts", _refuse)  # read back, not validated
            again = Workspace(matched).load_record(model, matched / path)
        assert type(again) is view and again is not first
        assert again == first and again.model_dump() == first.model_dump()
    tasks = again.tasks  # the matching's: one list per distinct checklist, as when validated
    assert len({id(t.checklist) for t in tasks}) == len({tuple(t.checklist) for t in tasks})


def test_a_forged_view_entry_is_refused_and_the_record_read_anew(matched, tmp_path):
    path = matched / RECORDS[Assignment]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    record = Workspace(matched).load_record(Assignment, path)
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    class NotAView:
        def __reduce__(self):  # a view's maker asked to make a model field by field
            return (records._by_name, (Config, ("x",)))

    for forged in (Payload(), NotAView()):
        snapshot.keep_view(matched, AssignmentView, digest, forged)
        assert snapshot.kept_view(matched, AssignmentView, digest) is None
        assert not marker.exists()
        assert Workspace(matched).load_record(Assignment, path) == record  # and kept again
        assert snapshot.kept_view(matched, AssignmentView, digest) == record
