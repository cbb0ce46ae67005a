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
from influencers.models.audience import DISTRIBUTION_FIELDS, DISTRIBUTION_TOLERANCE
from influencers.vocabulary import AUDIENCE_VOCABULARY, audience_key_for
from vetting import messages as m
from vetting.models import Brand, MoodBoardImage
from vetting.services.brand_safety import safety_rules, warm_brand_safety_after_commit

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


def _target_dimension_clean(dimension: str, spec: Any) -> dict[str, Any]:
    """One dimension of a target audience, its keys turned into the catalogue's codes (any case,
    or a label or synonym in English or Chinese: "中国" → "CN"); an unknown key, a share outside
    0..1 or shares not adding up to 1 raise InputError naming the dimension's values."""
    field = f"target_audience.{dimension}"
    if not isinstance(spec, dict) or not isinstance(spec.get("values"), dict) or not spec["values"]:
        raise InputError('expected {"weight": number, "values": {key: share}}', field=field)
    weight = spec.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 10:
        raise InputError("weight must be a number between 0 and 10", field=f"{field}.weight")
    values: dict[str, float] = {}
    unknown: list[str] = []
    for key, share in spec["values"].items():
        code = audience_key_for(dimension, str(key))
        if code is None:
            unknown.append(str(key))
            continue
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise InputError(m.TARGET_SHARE_RANGE(key=str(key)), field=f"{field}.values")
        values[code] = values.get(code, 0.0) + float(share)
    if unknown:
        allowed = list(AUDIENCE_VOCABULARY[dimension][0])
        raise InputError(m.TARGET_UNKNOWN_KEYS(keys=unknown, allowed=allowed), field=f"{field}.values")
    total = sum(values.values())
    if abs(total - 1.0) > DISTRIBUTION_TOLERANCE:
        raise InputError(m.TARGET_SHARES_TOTAL(total=round(total * 100, 1)), field=f"{field}.values")
    return {"weight": float(weight), "values": values}


def _target_audience_problems(value: Any) -> tuple[dict[str, Any], list[InputError]]:
    if value in (None, {}):
        return {}, []
    if not isinstance(value, dict):
        return {}, [InputError("must be an object keyed by dimension", field="target_audience")]
    cleaned: dict[str, Any] = {}
    problems: list[InputError] = []
    for dimension, spec in value.items():
        if dimension not in DISTRIBUTION_FIELDS:
            problems.append(
                InputError(
                    f"unknown dimension (choose from {', '.join(DISTRIBUTION_FIELDS)})",
                    field=f"target_audience.{dimension}",
                )
            )
            continue
        try:
            cleaned[dimension] = _target_dimension_clean(dimension, spec)
        except InputError as exc:
            problems.append(exc)
    return cleaned, problems


def target_audience_clean(value: Any) -> dict[str, Any]:
    """Check a target audience ({dimension: {"weight": w, "values": {key: share}}}) and return it
    with the catalogue's codes as keys; raises InputError naming the first bad dimension (the
    audience vocabularies: influencers/vocabulary.py)."""
    cleaned, problems = _target_audience_problems(value)
    if problems:
        raise problems[0]
    return cleaned


def _clean_all(data: dict[str, Any], *, current: Brand | None) -> tuple[dict[str, Any], list[InputError]]:
    """The cleaned brief and every problem found in it (each naming its field)."""
    problems: list[InputError] = []
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        return {}, [InputError("unknown field", field=sorted(unknown)[0])]
    cleaned: dict[str, Any] = {}
    if "name" in data or current is None:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(InputError(m.BRAND_NEEDS_NAME(), field="name"))
        elif len(name.strip()) > 200:
            problems.append(InputError(AT_MOST_CHARS(n=200), field="name"))
        else:
            cleaned["name"] = name.strip()
    if "description" in data:
        if not isinstance(data["description"], str):
            problems.append(InputError("must be text", field="description"))
        else:
            cleaned["description"] = data["description"]
    for field in LIST_FIELDS:
        if field in data:
            try:
                cleaned[field] = _string_list(data[field], field)
            except InputError as exc:
                problems.append(exc)
    if "preferred_platforms" in data:
        try:
            platforms = _string_list(data["preferred_platforms"], "preferred_platforms")
            for index, platform in enumerate(platforms):
                if platform not in Platform.values:
                    raise InputError(f"unknown platform {platform!r}", field=f"preferred_platforms[{index}]")
            cleaned["preferred_platforms"] = platforms
        except InputError as exc:
            problems.append(exc)
    if "target_audience" in data:
        cleaned["target_audience"], audience_problems = _target_audience_problems(data["target_audience"])
        problems.extend(audience_problems)
    for field in ("min_followers", "max_followers"):
        if field in data:
            value = data[field]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                problems.append(InputError(m.FOLLOWER_BOUND(), field=field))
            else:
                cleaned[field] = value
    low = cleaned.get("min_followers", current.min_followers if current else None)
    high = cleaned.get("max_followers", current.max_followers if current else None)
    if low is not None and high is not None and low > high:
        problems.append(InputError(m.MIN_ABOVE_MAX(), field="max_followers"))
    return cleaned, problems


def brand_problems(*, data: dict[str, Any], current: Brand | None = None) -> list[InputError]:
    """Every problem of a brief at once (the web form shows each at its field); empty when
    `brand_create` / `brand_update` would accept it (apart from a name already taken)."""
    return _clean_all(data, current=current)[1]


def _clean(data: dict[str, Any], *, current: Brand | None) -> dict[str, Any]:
    cleaned, problems = _clean_all(data, current=current)
    if problems:
        raise problems[0]
    return cleaned


def brand_create(*, organization: Organization, data: dict[str, Any]) -> Brand:
    """A new brand of `organization` from the brief fields in `data`; with exclusion rules, their
    brand-safety hits are searched once it is committed (`warm_brand_safety_after_commit`)."""
    cleaned = _clean(data, current=None)
    if Brand.objects.filter(organization=organization, name=cleaned["name"]).exists():
        raise InputError(m.BRAND_NAME_TAKEN(), field="name")
    try:
        with transaction.atomic():
            brand = Brand.objects.create(organization=organization, **cleaned)
            if any(safety_rules(brand)):
                warm_brand_safety_after_commit(brand)
            return brand
    except IntegrityError as exc:  # a concurrent create with the same name
        raise InputError(m.BRAND_NAME_TAKEN(), field="name") from exc


def brand_update(*, brand: Brand, data: dict[str, Any]) -> Brand:
    """Change the given fields of a brand's brief (a partial update); when its exclusion rules
    change, their brand-safety hits are searched once it is committed
    (`warm_brand_safety_after_commit`), so the next ranking of the brand reads them."""
    cleaned = _clean(data, current=brand)
    if (
        "name" in cleaned
        and Brand.objects.filter(organization=brand.organization_id, name=cleaned["name"]).exclude(pk=brand.pk).exists()
    ):
        raise InputError(m.BRAND_NAME_TAKEN(), field="name")
    old_rules = safety_rules(brand)
    for field, value in cleaned.items():
        setattr(brand, field, value)
    brand.save()
    # Only new rules need a search: the stored hits are keyed by the rules, not by the brand.
    new_rules = safety_rules(brand)
    if new_rules != old_rules and any(new_rules):
        warm_brand_safety_after_commit(brand)
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
