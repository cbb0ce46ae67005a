"""Brand briefs and their mood boards: create, update, delete, add and remove images.

Every write validates the whole brief first and raises InputError naming the field, so a bad
request changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from core.errors import InputError
from core.messages import AT_MOST_CHARS
from core.models import Organization
from core.services.media import image_content_file, inspect_image_bytes
from influencers.models import Platform
from influencers.models.audience import DISTRIBUTION_FIELDS, distribution_error
from vetting import messages as m
from vetting.models import Brand, MoodBoardImage

LIST_FIELDS = ("values", "excluded_topics", "excluded_keywords", "competitors")
EDITABLE_FIELDS = (
    "name",
    "description",
    "values",
    "target_audience",
    "excluded_topics",
    "excluded_keywords",
    "competitors",
    "preferred_platforms",
    "min_followers",
    "max_followers",
)
MOOD_BOARD_LIMIT = 50


def _string_list(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError("must be a list of strings", field=field)
    cleaned = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise InputError(f"item {index} is not a string", field=f"{field}[{index}]")
        item = item.strip()
        if len(item) > 200:
            raise InputError(f"item {index} is longer than 200 characters", field=f"{field}[{index}]")
        if item and item not in cleaned:
            cleaned.append(item)
    return cleaned


def target_audience_clean(value: Any) -> dict[str, Any]:
    """Check a target audience ({dimension: {"weight": w, "values": {key: share}}}) and return it
    normalised; raises InputError naming the bad dimension."""
    if value in (None, {}):
        return {}
    if not isinstance(value, dict):
        raise InputError("must be an object keyed by dimension", field="target_audience")
    cleaned: dict[str, Any] = {}
    for dimension, spec in value.items():
        field = f"target_audience.{dimension}"
        if dimension not in DISTRIBUTION_FIELDS:
            raise InputError(f"unknown dimension (choose from {', '.join(DISTRIBUTION_FIELDS)})", field=field)
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), dict) or not spec["values"]:
            raise InputError('expected {"weight": number, "values": {key: share}}', field=field)
        weight = spec.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 10:
            raise InputError("weight must be a number between 0 and 10", field=f"{field}.weight")
        problem = distribution_error(spec["values"])
        if problem:
            raise InputError(problem, field=f"{field}.values")
        cleaned[dimension] = {"weight": float(weight), "values": {str(k): float(v) for k, v in spec["values"].items()}}
    return cleaned


def _clean(data: dict[str, Any], *, current: Brand | None) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise InputError("unknown field", field=sorted(unknown)[0])
    cleaned: dict[str, Any] = {}
    if "name" in data or current is None:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(m.BRAND_NEEDS_NAME(), field="name")
        if len(name.strip()) > 200:
            raise InputError(AT_MOST_CHARS(n=200), field="name")
        cleaned["name"] = name.strip()
    if "description" in data:
        if not isinstance(data["description"], str):
            raise InputError("must be text", field="description")
        cleaned["description"] = data["description"]
    for field in LIST_FIELDS:
        if field in data:
            cleaned[field] = _string_list(data[field], field)
    if "preferred_platforms" in data:
        platforms = _string_list(data["preferred_platforms"], "preferred_platforms")
        for index, platform in enumerate(platforms):
            if platform not in Platform.values:
                raise InputError(f"unknown platform {platform!r}", field=f"preferred_platforms[{index}]")
        cleaned["preferred_platforms"] = platforms
    if "target_audience" in data:
        cleaned["target_audience"] = target_audience_clean(data["target_audience"])
    for field in ("min_followers", "max_followers"):
        if field in data:
            value = data[field]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise InputError(m.FOLLOWER_BOUND(), field=field)
            cleaned[field] = value
    low = cleaned.get("min_followers", current.min_followers if current else None)
    high = cleaned.get("max_followers", current.max_followers if current else None)
    if low is not None and high is not None and low > high:
        raise InputError(m.MIN_ABOVE_MAX(), field="max_followers")
    return cleaned


def brand_create(*, organization: Organization, data: dict[str, Any]) -> Brand:
    """A new brand of `organization` from the brief fields in `data`."""
    cleaned = _clean(data, current=None)
    if Brand.objects.filter(organization=organization, name=cleaned["name"]).exists():
        raise InputError(m.BRAND_NAME_TAKEN(), field="name")
    try:
        with transaction.atomic():
            return Brand.objects.create(organization=organization, **cleaned)
    except IntegrityError as exc:  # a concurrent create with the same name
        raise InputError(m.BRAND_NAME_TAKEN(), field="name") from exc


def brand_update(*, brand: Brand, data: dict[str, Any]) -> Brand:
    """Change the given fields of a brand's brief (a partial update)."""
    cleaned = _clean(data, current=brand)
    if (
        "name" in cleaned
        and Brand.objects.filter(organization=brand.organization_id, name=cleaned["name"]).exclude(pk=brand.pk).exists()
    ):
        raise InputError(m.BRAND_NAME_TAKEN(), field="name")
    for field, value in cleaned.items():
        setattr(brand, field, value)
    brand.save()
    return brand


def brand_delete(*, brand: Brand) -> None:
    """Delete a brand and its mood board (its shortlists stay, without a brand)."""
    files = [image.image for image in brand.mood_board.all()]
    with transaction.atomic():
        brand.delete()
    for stored in files:
        stored.delete(save=False)


def mood_board_add(*, brand: Brand, data: bytes, filename: str = "", field: str = "image") -> MoodBoardImage:
    """Add an uploaded image to a brand's mood board after checking its content, size and
    pixel count. The same image twice is refused."""
    info = inspect_image_bytes(data, source=filename, field=field)
    if MoodBoardImage.objects.filter(brand=brand, sha256=info.sha256).exists():
        raise InputError(m.ON_MOOD_BOARD(), source=filename, field=field)
    if MoodBoardImage.objects.filter(brand=brand).count() >= MOOD_BOARD_LIMIT:
        raise InputError(m.MOOD_BOARD_FULL(n=MOOD_BOARD_LIMIT), field=field)
    image = MoodBoardImage(brand=brand, sha256=info.sha256, width=info.width, height=info.height)
    image.image.save(info.file_name, image_content_file(info), save=False)
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError as exc:
        image.image.delete(save=False)
        raise InputError(m.ON_MOOD_BOARD(), source=filename, field=field) from exc
    return image


def mood_board_remove(*, image: MoodBoardImage) -> None:
    stored = image.image
    image.delete()
    stored.delete(save=False)
