"""Small YAML files (ssj.yaml, a plan, a small record) and the light form of big records
kept in the local cache once validated.

Every command reads ssj.yaml and most read a plan; parsing them and letting pydantic build
their validators costs more than the rest of a small command. ssj.yaml and the plans are
kept in their light form (core/light.py: read without importing pydantic at all), other
small files as their validated models, big draw and matching records as their views
(core/records.py: slotted objects, each pickled as a call of its class). Each is pickled into
`.ssj/cache/{light,model,view}-<Model>-<sha256>.bin`, keyed by the SHA-256 of the file's bytes
(and, for a model, pydantic's version: the layout of an instance is its), under the cache's
own checks (same code, body digest). It is read back by an unpickler that makes nothing but
light objects, ssj's own models, views and enums and the plain values they hold (dates, times,
decimals): an entry someone altered can build no other object and run no code; it is then
simply read anew from the file.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

from ..core.light import Light, light_of
from ..storage import cache as cache_store

_PLAIN = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
    ("pydantic_core._pydantic_core", "TzInfo"),  # the offset of a time pydantic parsed
}
_OWN = "shuangsuiji.core."
_MADE = ("shuangsuiji.core.light", "made")
_VIEW = ("shuangsuiji.core.records", "_by_name")


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _PLAIN or (module, name) in (_MADE, _VIEW):
            return super().find_class(module, name)
        if module.startswith(_OWN):
            import pydantic  # only a model's entry names a class; a light one does not

            from ..core.records import _View

            found = super().find_class(module, name)
            if isinstance(found, type) and issubclass(found, (pydantic.BaseModel, Enum, _View)):
                return found
        raise pickle.UnpicklingError(f"not a model of ssj: {module}.{name}")


def _kept(cache: Path, key: tuple[str, str]) -> Any | None:
    body = cache_store.load_bytes(cache, *key)
    if body is None:
        return None
    try:
        return _Unpickler(io.BytesIO(body)).load()
    except Exception:  # an entry that is not what ssj wrote: read the file anew
        return None


def _keep(cache: Path, key: tuple[str, str], value: Any) -> None:
    cache_store.save_bytes(cache, *key, pickle.dumps(value, protocol=5))


def _model_key(model: type, raw: bytes) -> tuple[str, str]:
    import pydantic

    digest = hashlib.sha256(pydantic.VERSION.encode() + b"\0" + raw).hexdigest()
    return f"model-{model.__name__}", digest


def _light_key(name: str, raw: bytes) -> tuple[str, str]:
    return f"light-{name}", hashlib.sha256(raw).hexdigest()


def kept_model(cache: Path, model: type, raw: bytes) -> Any | None:
    """The model validated from `raw` before, or None."""
    found = _kept(cache, _model_key(model, raw))
    return found if type(found) is model else None


def keep_model(cache: Path, model: type, raw: bytes, value: Any) -> None:
    _keep(cache, _model_key(model, raw), value)


def kept_light(cache: Path, name: str, raw: bytes) -> Light | None:
    """The light form of the model `name` validated from `raw` before, or None."""
    found = _kept(cache, _light_key(name, raw))
    return found if isinstance(found, Light) and type(found).__name__ == name else None


def keep_light(cache: Path, name: str, raw: bytes, value: Light) -> None:
    _keep(cache, _light_key(name, raw), value)


def _view_key(view: type, digest: str) -> tuple[str, str]:
    import pydantic

    return f"view-{view.__name__}", hashlib.sha256(
        f"{pydantic.VERSION}\0{digest}".encode()
    ).hexdigest()


def kept_view(cache: Path, view: type, digest: str) -> Any | None:
    """The light form (core.records.VIEWS) of the record whose bytes hash to `digest`, as
    validated before, or None."""
    found = _kept(cache, _view_key(view, digest))
    return found if type(found) is view else None


def keep_view(cache: Path, view: type, digest: str, value: Any) -> None:
    _keep(cache, _view_key(view, digest), value)


def remembered(cache: Path, model: type, raw: bytes, validate: Callable[[bytes], Any]) -> Any:
    """`validate(raw)`, or the model it gave before for these bytes; a model it gives is
    kept (None, or a problem raised, is not)."""
    found = kept_model(cache, model, raw)
    if found is None:
        found = validate(raw)
        if found is not None:
            keep_model(cache, model, raw, found)
    return found


def remembered_light(
    cache: Path, name: str, raw: bytes, validate: Callable[[bytes], Any]
) -> Light | None:
    """The light form (core/light.py) of `validate(raw)`, a model named `name`, or the one
    kept before for these bytes, read back without pydantic; kept as `remembered` keeps."""
    found = kept_light(cache, name, raw)
    if found is None:
        found = light_of(validate(raw))
        if found is not None:
            keep_light(cache, name, raw, found)
    return found
