"""The column mappings shipped with Vetted, by name: what the web UI's import page offers and the
API's `mapping` parameter accepts. They are the documented examples (docs/examples/mappings/),
so the mapping people read about is the one they pick."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import InputError


@dataclass(frozen=True)
class ShippedMapping:
    """One shipped mapping: its name (API value), its label, and its file."""

    name: str
    label: Any  # a lazy translation: the page's language
    filename: str

    @property
    def path(self) -> Path:
        return Path(settings.BASE_DIR) / "docs" / "examples" / "mappings" / self.filename

    def data(self) -> dict[str, Any]:
        """The mapping as data (the shape `mapping.mapping_from_data` reads)."""
        return yaml.safe_load(self.path.read_text(encoding="utf-8-sig"))


SHIPPED_MAPPINGS = (
    ShippedMapping("modash", _("English tool export (Modash, HypeAuditor, Upfluence)"), "modash-export.yaml"),
    ShippedMapping("chinese-agency", _("Chinese agency sheet (达人昵称, 粉丝数…)"), "chinese-export.yaml"),
)


def shipped_mapping(name: str) -> ShippedMapping:
    """The shipped mapping called `name`; an unknown name is an InputError listing the allowed ones."""
    for mapping in SHIPPED_MAPPINGS:
        if mapping.name == name:
            return mapping
    allowed = ", ".join(m.name for m in SHIPPED_MAPPINGS)
    raise InputError(f"unknown column mapping {name!r} (allowed: {allowed})", field="mapping")
