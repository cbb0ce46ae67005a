"""An organisation's watches and their rules, and which creators they watch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from core.errors import InputError
from core.messages import AT_MOST_CHARS, MUST_NOT_BE_EMPTY
from core.models import Organization
from influencers.models import Creator
from vetting import messages as m
from vetting.models import Brand, RuleKind, Shortlist, ShortlistEntry, Watch, WatchRule
from vetting.monitoring import rules as r


def _clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError(MUST_NOT_BE_EMPTY(), field="name")
    if len(name.strip()) > 200:
        raise InputError(AT_MOST_CHARS(n=200), field="name")
    return name.strip()


def _check_owned(organization: Organization, brand: Brand | None, shortlist: Shortlist | None) -> None:
    if brand is not None and brand.organization_id != organization.pk:
        raise InputError(m.NOT_OUR_BRAND(), field="brand")
    if shortlist is not None and shortlist.organization_id != organization.pk:
        raise InputError(m.NOT_OUR_SHORTLIST(), field="shortlist")


def _creators(creator_ids: Iterable[int]) -> list[Creator]:
    ids = list(dict.fromkeys(creator_ids))
    found = list(Creator.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {c.pk for c in found})
    if missing:
        raise InputError(f"unknown creator id(s) {', '.join(map(str, missing[:10]))}", field="creator_ids")
    return found


@transaction.atomic
def watch_create(
    *,
    organization: Organization,
    name: str,
    brand: Brand | None = None,
    shortlist: Shortlist | None = None,
    creator_ids: Sequence[int] = (),
    is_active: bool = True,
    rules: Sequence[dict[str, Any]] = (),
    user=None,  # noqa: ANN001
) -> Watch:
    """A watch on a shortlist (followed as it changes) or on picked creators, not both, with
    optional `rules` ({kind, params, name, is_active} each) created in the same transaction."""
    name = _clean_name(name)
    _check_owned(organization, brand, shortlist)
    if shortlist is None and not creator_ids:
        raise InputError(m.WATCH_NEEDS_TARGET(), field="creator_ids")
    if shortlist is not None and creator_ids:
        raise InputError(m.WATCH_ONE_TARGET(), field="creator_ids")
    if Watch.objects.filter(organization=organization, name=name).exists():
        raise InputError(m.WATCH_NAME_TAKEN(name=name), field="name")
    creators = _creators(creator_ids)
    watch = Watch.objects.create(
        organization=organization,
        name=name,
        brand=brand if brand is not None else (shortlist.brand if shortlist is not None else None),
        shortlist=shortlist,
        is_active=is_active,
        created_by=user if user is not None and user.pk else None,
    )
    watch.creators.set(creators)
    for i, spec in enumerate(rules):
        try:
            watch_rule_create(
                watch=watch,
                kind=spec.get("kind", ""),
                params=spec.get("params") or {},
                name=spec.get("name", ""),
                is_active=spec.get("is_active", True),
            )
        except InputError as exc:
            raise InputError(exc.message or exc.reason, field=f"rules[{i}].{exc.field or 'kind'}") from exc
    return watch


_UNSET: Any = object()


@transaction.atomic
def watch_update(
    *,
    watch: Watch,
    name: str = _UNSET,
    brand: Brand | None = _UNSET,
    shortlist: Shortlist | None = _UNSET,
    creator_ids: Sequence[int] = _UNSET,
    is_active: bool = _UNSET,
) -> Watch:
    """Change what a watch looks at; fields not given stay as they are. Everything is checked
    before the watch is touched, so a refused update leaves `watch` as it was."""
    organization = watch.organization
    if name is not _UNSET:
        name = _clean_name(name)
        if Watch.objects.filter(organization=organization, name=name).exclude(pk=watch.pk).exists():
            raise InputError(m.WATCH_NAME_TAKEN(name=name), field="name")
    if brand is not _UNSET:
        _check_owned(organization, brand, None)
    if shortlist is not _UNSET:
        _check_owned(organization, None, shortlist)
    shortlist_id = watch.shortlist_id if shortlist is _UNSET else getattr(shortlist, "pk", None)
    new_creators = _creators(creator_ids) if creator_ids is not _UNSET else None
    has_creators = bool(new_creators) if new_creators is not None else watch.creators.exists()
    if shortlist_id is None and not has_creators:
        raise InputError(m.WATCH_NEEDS_TARGET(), field="creator_ids")
    if shortlist_id is not None and has_creators:
        raise InputError(m.WATCH_ONE_TARGET(), field="creator_ids")
    if name is not _UNSET:
        watch.name = name
    if brand is not _UNSET:
        watch.brand = brand
    if shortlist is not _UNSET:
        watch.shortlist = shortlist
    if is_active is not _UNSET:
        watch.is_active = bool(is_active)
    watch.save()
    if new_creators is not None:
        watch.creators.set(new_creators)
    return watch


def watch_delete(*, watch: Watch) -> None:
    """Delete a watch and its rules; its alerts stay (their watch and rule become empty)."""
    watch.delete()


def watch_rule_create(
    *, watch: Watch, kind: str, params: dict[str, Any] | None = None, name: str = "", is_active: bool = True
) -> WatchRule:
    """A rule on `watch`; `params` are validated and completed with the kind's defaults."""
    if kind not in RuleKind.values:
        raise InputError(f"unknown rule kind {kind!r} (choose from {', '.join(RuleKind.values)})", field="kind")
    parsed = r.parse_params(kind, params or {})
    if len(name or "") > 200:
        raise InputError(AT_MOST_CHARS(n=200), field="name")
    return WatchRule.objects.create(
        watch=watch, kind=kind, name=(name or "").strip(), params=r.params_as_dict(parsed), is_active=is_active
    )


def watch_rule_update(
    *, rule: WatchRule, params: dict[str, Any] | None = _UNSET, name: str = _UNSET, is_active: bool = _UNSET
) -> WatchRule:
    """Change a rule's thresholds, name or active flag (the kind is fixed: make a new rule)."""
    if params is not _UNSET:
        rule.params = r.params_as_dict(r.parse_params(rule.kind, params or {}))
    if name is not _UNSET:
        if len(name or "") > 200:
            raise InputError(AT_MOST_CHARS(n=200), field="name")
        rule.name = (name or "").strip()
    if is_active is not _UNSET:
        rule.is_active = bool(is_active)
    rule.save()
    return rule


def watch_rule_delete(*, rule: WatchRule) -> None:
    rule.delete()


def active_watches(organization: Organization | None = None) -> list[Watch]:
    watches = (
        Watch.objects.filter(is_active=True, rules__is_active=True)
        .distinct()
        .select_related("organization", "brand")
        .prefetch_related("creators")
        .order_by("organization_id", "id")
    )
    if organization is not None:
        watches = watches.filter(organization=organization)
    return list(watches)


def watch_targets(watches: Sequence[Watch]) -> dict[int, set[int]]:
    """watch id → creator ids it covers now (shortlist members or picked creators)."""
    by_shortlist: dict[int, set[int]] = defaultdict(set)
    shortlist_ids = [w.shortlist_id for w in watches if w.shortlist_id]
    if shortlist_ids:
        for shortlist_id, creator_id in ShortlistEntry.objects.filter(shortlist_id__in=shortlist_ids).values_list(
            "shortlist_id", "creator_id"
        ):
            by_shortlist[shortlist_id].add(creator_id)
    targets = {}
    for watch in watches:
        creators = {c.pk for c in watch.creators.all()}
        if watch.shortlist_id:
            creators |= by_shortlist.get(watch.shortlist_id, set())
        targets[watch.pk] = creators
    return targets


def watched_creator_ids(
    *, creator_ids: Iterable[int] | None = None, organization: Organization | None = None
) -> set[int]:
    """Creators covered by an active watch with an active rule (optionally among `creator_ids`)."""
    watched: set[int] = set()
    for creators in watch_targets(active_watches(organization)).values():
        watched |= creators
    if creator_ids is not None:
        watched &= set(creator_ids)
    return watched
