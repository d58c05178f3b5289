"""What a validated object knows beyond its fields, without pydantic: shared by the
models (core/models.py, core/plan.py) and the light forms a command reads when its cache
is warm (roster rows, core/rows.py; ssj.yaml and plans, core/light.py)."""

from __future__ import annotations

from typing import Any

from . import values

GENERAL = "通用"


class EntityTraits:
    """What an entity row knows beyond its fields (shared by the model and core/rows)."""

    __slots__ = ()

    @property
    def active(self) -> bool:
        return self.status not in values.CLOSED


class ItemTraits:
    __slots__ = ()

    @property
    def general(self) -> bool:
        return GENERAL in self.categories


class ConfigTraits:
    __slots__ = ()

    def category(self, name: str) -> Any:
        """The category of that name in ssj.yaml, or None."""
        return next((c for c in self.categories if c.name == name), None)


class ApprovalTraits:
    __slots__ = ()

    def __str__(self) -> str:
        # The plan document prints it as is (render/plan_doc.py “本方案批准情况：…”).
        day = f"{self.date.year}年{self.date.month}月{self.date.day}日"
        return f"经{self.by}于{day}批准（{self.document}）"


# The traits of each model, by the model's name (core/light.py gives them to light forms).
TRAITS: dict[str, type] = {
    "Entity": EntityTraits,
    "Item": ItemTraits,
    "Config": ConfigTraits,
    "Approval": ApprovalTraits,
}
