"""Campaigns: create one on a shortlist, book its creators with the fee actually paid, and add
their campaign posts — imported from a CSV or JSON file (all or nothing, every error located by
file, row and field) or linked by URL to a catalogued post. The format is in docs/campaigns.md;
the report is `vetting.services.campaign_report`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from core.errors import ImportValidationError, InputError, InvalidState
from core.text import refuse_nul
from influencers.models import Post
from influencers.services.imports.values import (
    ValueInvalid,
    is_blank,
    parse_count,
    parse_datetime,
    parse_handle,
    parse_platform,
    parse_url,
)
from vetting.models import Brand, Campaign, CampaignCreator, CampaignPost, PostSource, Shortlist, ShortlistEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
COUNT_FIELDS = ("reach", "views", "likes", "comments", "shares", "saves")
REQUIRED_COUNTS = ("likes", "comments")
FIELDS = ("creator_id", "platform", "handle", "url", "posted_at", *COUNT_FIELDS)
MAX_FEE = Decimal("9999999999.99")


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError("must not be empty", field="name")
    if len(name.strip()) > 200:
        raise InputError("at most 200 characters", field="name")
    return refuse_nul(name.strip(), field="name")


def _clean_date(value: Any, field: str, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise InputError("a date is required (YYYY-MM-DD)", field=field)
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputError("not a date (YYYY-MM-DD)", field=field) from exc


def campaign_create(
    *,
    shortlist: Shortlist,
    name: Any,
    starts_on: Any,
    ends_on: Any = None,
    brand: Brand | None = None,
    user: User | AnonymousUser | None = None,
) -> Campaign:
    """A campaign of the shortlist's organisation, for `brand` (default: the shortlist's)."""
    start = _clean_date(starts_on, "starts_on", required=True)
    end = _clean_date(ends_on, "ends_on", required=False)
    if start is not None and end is not None and end < start:
        raise InputError("the campaign ends before it starts", field="ends_on")
    if brand is not None and brand.organization_id != shortlist.organization_id:
        raise InputError("is not a brand of this organisation", field="brand")
    assert start is not None  # required above
    return Campaign.objects.create(
        organization_id=shortlist.organization_id,
        shortlist=shortlist,
        brand=brand or shortlist.brand,
        name=_clean_name(name),
        starts_on=start,
        ends_on=end,
        created_by=user if user is not None and user.pk else None,
    )


def _clean_fee(value: Any, field: str = "fee_usd") -> Decimal:
    if isinstance(value, bool) or value in (None, ""):
        raise InputError("the fee actually paid is required (USD, e.g. 1200 or 1200.50)", field=field)
    try:
        fee = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise InputError("not a number (USD, e.g. 1200 or 1200.50)", field=field) from exc
    if not fee.is_finite() or fee < 0 or fee > MAX_FEE:
        raise InputError("must be between 0 and 9,999,999,999.99", field=field)
    return fee.quantize(Decimal("0.01"))


def campaign_book(*, campaign: Campaign, creator_id: Any, fee_usd: Any) -> CampaignCreator:
    """Book a creator of the campaign's shortlist with the fee actually paid; booking one again
    updates the fee."""
    if isinstance(creator_id, bool) or not isinstance(creator_id, int):
        try:
            creator_id = int(str(creator_id))
        except ValueError as exc:
            raise InputError("not a valid id", field="creator_id") from exc
    entry = ShortlistEntry.objects.filter(shortlist_id=campaign.shortlist_id, creator_id=creator_id).first()
    if entry is None:
        raise InputError("this creator is not on the campaign's shortlist", field="creator_id")
    fee = _clean_fee(fee_usd)
    booking, _created = CampaignCreator.objects.update_or_create(
        campaign=campaign, creator_id=creator_id, defaults={"entry": entry, "fee_usd": fee}
    )
    return booking


def campaign_delete(*, campaign: Campaign) -> None:
    campaign.delete()


# --- posts: import ---------------------------------------------------------------------------------


def _records(content: bytes, source: str) -> tuple[list[dict[str, Any]], str]:
    """The rows of a CSV or JSON file (sniffed from the content) and how a row is located."""
    if len(content) > MAX_FILE_BYTES:
        raise InputError(f"the file is {len(content):,} bytes, above the limit of {MAX_FILE_BYTES:,}", source=source)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("is not UTF-8 text", source=source) from exc
    refuse_nul(text, field="file")
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(f"is not valid JSON: {exc.msg}", source=source, location=f"line {exc.lineno}") from exc
        if isinstance(data, dict):
            data = data.get("posts")
        if not isinstance(data, list):
            raise InputError('must be a list of posts, or {"posts": [...]}', source=source)
        return data, "record"
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        raise InputError("is empty: expected a header row", source=source)
    unknown = [name for name in header if name and name not in FIELDS]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r} (columns: {', '.join(FIELDS)})", source=source, location="header"
        )
    reader.fieldnames = header
    return [dict(row) for row in reader], "row"


def campaign_posts_import(*, campaign: Campaign, content: bytes, source: str = "upload") -> list[CampaignPost]:
    """Add the campaign posts of a CSV or JSON file (docs/campaigns.md). All or nothing: every
    problem is reported (file, row and field) in one ImportValidationError and nothing is written."""
    records, unit = _records(content, source)
    if not records:
        raise InputError("has no posts", source=source)
    if len(records) > MAX_ROWS:
        raise InputError(f"has {len(records):,} posts, above the limit of {MAX_ROWS:,}", source=source)
    bookings = list(
        CampaignCreator.objects.filter(campaign=campaign).prefetch_related("creator__accounts").order_by("id")
    )
    by_creator = {b.creator_id: b for b in bookings}
    by_account = {
        (account.platform, account.handle.casefold()): (b, account.platform)
        for b in bookings
        for account in b.creator.accounts.all()
    }
    existing = set(CampaignPost.objects.filter(booking__campaign=campaign).values_list("url", flat=True))
    errors: list[InputError] = []
    seen: dict[str, int] = {}
    rows: list[CampaignPost] = []
    for index, raw in enumerate(records, start=1 if unit == "record" else 2):
        location = f"{unit} {index}"
        if not isinstance(raw, dict):
            errors.append(InputError("must be an object", source=source, location=location))
            continue
        row_errors: list[InputError] = []

        def fail(message: str, field: str, *, where: str = location, found: list[InputError] = row_errors) -> None:
            found.append(InputError(message, source=source, location=where, field=field))

        unknown = [key for key in raw if key not in FIELDS and unit == "record"]
        for key in unknown:
            fail(f"unknown field (fields: {', '.join(FIELDS)})", str(key))
        values: dict[str, Any] = {}
        parsers: tuple[tuple[str, Callable[[Any], Any]], ...] = (
            ("url", parse_url),
            ("posted_at", parse_datetime),
            ("platform", parse_platform),
            ("handle", parse_handle),
            *((name, parse_count) for name in COUNT_FIELDS),
        )
        for name, parse in parsers:
            try:
                values[name] = parse(raw.get(name))
            except ValueInvalid as exc:
                fail(str(exc), name)
        for name in ("url", *REQUIRED_COUNTS):
            if is_blank(raw.get(name)) and not any(e.field == name for e in row_errors):
                fail("is required", name)
        booking, platform = None, ""
        creator_raw = raw.get("creator_id")
        if not is_blank(creator_raw):
            try:
                booking = by_creator.get(int(str(creator_raw).strip()))
            except ValueError:
                fail("not a valid id", "creator_id")
            else:
                if booking is None:
                    fail("this creator is not booked for the campaign", "creator_id")
        elif values.get("platform") and values.get("handle"):
            found = by_account.get((values["platform"], str(values["handle"]).casefold()))
            if found is None:
                fail("no booked creator has this account", "handle")
            else:
                booking, platform = found
        elif not any(e.field in ("platform", "handle") for e in row_errors):
            fail("name the booked creator: creator_id, or platform and handle", "creator_id")
        if booking is not None and not platform:
            platform = values.get("platform") or _main_platform(booking)
            if not platform:
                fail("the creator has several accounts: name the post's platform", "platform")
        url = values.get("url")
        if url:
            if url in existing:
                fail("this post is already in the campaign", "url")
            elif url in seen:
                fail(f"the same post as {unit} {seen[url]}", "url")
            seen[url] = index
        if row_errors:
            errors.extend(row_errors)
            continue
        assert booking is not None and url is not None
        rows.append(
            CampaignPost(
                booking=booking,
                source=PostSource.IMPORTED,
                platform=platform,
                url=url,
                posted_at=values["posted_at"],
                **{
                    name: values[name]
                    for name in COUNT_FIELDS
                    if name in ("likes", "comments") or values[name] is not None
                },
            )
        )
    if errors:
        raise ImportValidationError(errors)
    with transaction.atomic():
        return CampaignPost.objects.bulk_create(rows)


def _main_platform(booking: CampaignCreator) -> str:
    accounts = list(booking.creator.accounts.all())
    return accounts[0].platform if len(accounts) == 1 else ""


# --- posts: link ----------------------------------------------------------------------------------


def campaign_post_link(*, campaign: Campaign, url: Any) -> CampaignPost:
    """Link a catalogued post of a booked creator by its URL: the report reads its counters, so
    refreshing the creator through the connectors updates the campaign."""
    try:
        clean = parse_url(url)
    except ValueInvalid as exc:
        raise InputError(str(exc), field="url") from exc
    if not clean:
        raise InputError("is required", field="url")
    booked = CampaignCreator.objects.filter(campaign=campaign)
    post = (
        Post.objects.filter(url=clean, account__creator_id__in=booked.values("creator_id"))
        .select_related("account")
        .first()
    )
    if post is None:
        raise InputError("no catalogued post of a booked creator has this URL; import it instead", field="url")
    booking = booked.get(creator_id=post.account.creator_id)
    if CampaignPost.objects.filter(booking__campaign=campaign, url=clean).exists():
        raise InvalidState("this post is already in the campaign")
    return CampaignPost.objects.create(
        booking=booking,
        post=post,
        source=PostSource.LINKED,
        platform=post.account.platform,
        url=clean,
        posted_at=post.posted_at or timezone.now(),
    )


def campaign_post_remove(*, campaign: Campaign, post_id: int) -> None:
    from core.errors import NotFound

    deleted, _ = CampaignPost.objects.filter(booking__campaign=campaign, pk=post_id).delete()
    if not deleted:
        raise NotFound("campaign post not found")
