"""Small YAML files (ssj.yaml, a plan) kept in the local cache as their validated models.

Every command reads ssj.yaml and most read a plan; parsing them and letting pydantic build
their validators costs more than the rest of a small command. A model validated once is
pickled into `.ssj/cache/model-<Model>-<sha256>.bin`, keyed by the SHA-256 of the file's
bytes (and pydantic's version: the layout of an instance is its), under the cache's own
checks (same code, body digest). It is read back by an unpickler that makes nothing but
ssj's own models and enums and the plain values they hold (dates, times, decimals): an
entry someone altered can build no other object and run no code; it is then simply read
anew from the file.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import pydantic

from ..storage import cache as cache_store

_PLAIN = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
}
_OWN = "shuangsuiji.core."


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _PLAIN:
            return super().find_class(module, name)
        if module.startswith(_OWN):
            found = super().find_class(module, name)
            if isinstance(found, type) and issubclass(found, (pydantic.BaseModel, Enum)):
                return found
        raise pickle.UnpicklingError(f"not a model of ssj: {module}.{name}")


def _key(model: type, raw: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(pydantic.VERSION.encode() + b"\0" + raw).hexdigest()
    return f"model-{model.__name__}", digest


def kept_model(cache: Path, model: type, raw: bytes) -> Any | None:
    """The model validated from `raw` before, or None."""
    body = cache_store.load_bytes(cache, *_key(model, raw))
    if body is None:
        return None
    try:
        found = _Unpickler(io.BytesIO(body)).load()
    except Exception:  # an entry that is not what ssj wrote: read the file anew
        return None
    return found if type(found) is model else None


def keep_model(cache: Path, model: type, raw: bytes, value: Any) -> None:
    cache_store.save_bytes(cache, *_key(model, raw), pickle.dumps(value, protocol=5))


def remembered(cache: Path, model: type, raw: bytes, validate: Callable[[bytes], Any]) -> Any:
    """`validate(raw)`, or the model it gave before for these bytes; a model it gives is
    kept (None, or a problem raised, is not)."""
    found = kept_model(cache, model, raw)
    if found is None:
        found = validate(raw)
        if found is not None:
            keep_model(cache, model, raw, found)
    return found
