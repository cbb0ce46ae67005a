"""Refreshing catalogue accounts from platform APIs (YouTube, Instagram).

One account: fetch everything first (profile, posts, comments, thumbnail bytes) with no
database write, then write it all in one transaction: the account's profile fields, today's
the account's history, Posts, MediaAssets and CommentSamples. A fetch that fails at any point writes
nothing. Afterwards the refreshed accounts are announced (influencers.follow_ups): metrics,
vetting and watches are recomputed and the new images queued for embedding.

Many accounts (`refresh_tracked_accounts`, the daily Celery beat task, `manage.py
refresh_accounts`): one account's failure never stops the others. Each failure is logged on
the REFRESH job and counted. Decision: a run in which *every* attempted account failed is a
FAILED job (nothing useful happened, someone must look); a run with some failures SUCCEEDED,
its counts say how many failed and its log names each failed account and why. A platform-wide
error (key refused, daily quota used up) stops that platform for the rest of the run: the
remaining accounts are counted as failed without spending more calls.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import InputError, VettedError
from core.messages import Message
from core.models import Job, JobKind, JobStatus
from core.services.jobs import job_create, job_log, job_progress, job_set_total
from core.services.media import ImageInfo, delete_stored_files, image_content_file, inspect_image_bytes
from influencers import messages as m
from influencers import sponsorship
from influencers.connectors import (
    Connector,
    ConnectorAuthError,
    ConnectorError,
    ConnectorNotConfigured,
    FetchedAccount,
    QuotaExceeded,
    get_connector,
)
from influencers.follow_ups import accounts_changed
from influencers.handles import stored_handle
from influencers.models import Account, CommentSample, Creator, MediaAsset, Platform, Post
from influencers.services.history import record_points

logger = logging.getLogger(__name__)

# Platform-wide errors: once one happens, the platform's other accounts would fail the same way.
PLATFORM_STOPPERS = (ConnectorAuthError, QuotaExceeded)
# A scheduled run does not start while another refresh has been running for less than this.
OVERLAP_GUARD = dt.timedelta(hours=6)

_url_validator = URLValidator(schemes=["http", "https"])
POST_FIELDS = ("posted_at", "post_type", "url", "caption", "hashtags", "mentions", "likes", "comments", "views")
SPONSORSHIP_FIELDS = ("is_sponsored", "sponsorship_source", "sponsorship_marker")


class RefreshFailed(ConnectorError):
    """Every account of a refresh run failed; the job is marked FAILED with this message."""

    code = "refresh_failed"


@dataclass
class AccountRefreshResult:
    """What one account's refresh wrote, and what it cost."""

    account: Account
    created: bool = False
    snapshot_written: bool = False
    posts_created: int = 0
    posts_updated: int = 0
    images_new: int = 0
    images_skipped: int = 0
    comments: int = 0
    api_calls: int = 0
    quota_units: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.account}: {self.posts_created} new / {self.posts_updated} updated post(s), "
            f"{self.images_new} new image(s), {self.comments} comment(s), "
            f"{'snapshot' if self.snapshot_written else 'no snapshot'}; "
            f"{self.api_calls} call(s), {self.quota_units} quota unit(s)"
            + (f"; {'; '.join(self.notes)}" if self.notes else "")
        )


@dataclass(frozen=True)
class _Image:
    platform_post_id: str
    url: str
    info: ImageInfo


def current_date() -> dt.date:
    """Today's date in the configured time zone: the date a refresh's snapshot is filed under."""
    return timezone.localdate()


def connector_for(platform: str, *, connectors: Mapping[str, Connector] | None = None) -> Connector:
    """The connector of `platform` (from `connectors` when given, for tests and runs that share
    one quota meter); InputError when the platform has none, ConnectorNotConfigured without a key."""
    if connectors and platform in connectors:
        return connectors[platform]
    connector = get_connector(platform)
    if connector is None:
        raise InputError(f"there is no connector for {platform} (available: YouTube, Instagram)", field="platform")
    return connector


# --- fetching (no database writes) -------------------------------------------------------------


def _download_images(
    connector: Connector, fetched: FetchedAccount, *, skip_post_ids: set[str], notes: list[str]
) -> tuple[list[_Image], int]:
    """Bytes of each post's image, checked; posts that already have an image are skipped.

    A broken or unreachable image is not a failed refresh: the post is still right, the image
    is noted and tried again next time (its post has no MediaAsset yet).
    """
    images: list[_Image] = []
    skipped = 0
    for post in fetched.posts:
        if not post.image_url or post.platform_post_id in skip_post_ids:
            continue
        try:
            data = connector.download(post.image_url)
            info = inspect_image_bytes(data, source=f"{connector.platform} post {post.platform_post_id}", field="image")
        except (ConnectorError, VettedError) as exc:
            skipped += 1
            notes.append(f"image of post {post.platform_post_id} skipped: {exc}")
            continue
        images.append(_Image(post.platform_post_id, post.image_url, info))
    return images, skipped


def _fetch(connector: Connector, account: Account) -> tuple[FetchedAccount, list[_Image], int, list[str]]:
    ref = connector.ref_for(handle=account.handle, platform_user_id=account.platform_user_id)
    fetched = connector.fetch(ref)
    _check_identity(account, fetched)
    notes = list(fetched.notes)
    with_images = set(
        Post.objects.filter(account=account, media__isnull=False).values_list("platform_post_id", flat=True)
    )
    images, skipped = _download_images(connector, fetched, skip_post_ids=with_images, notes=notes)
    return fetched, images, skipped, notes


def _check_identity(account: Account, fetched: FetchedAccount) -> None:
    """Refuse to write another account's data over ours (a handle that changed hands)."""
    known, seen = account.platform_user_id, fetched.profile.platform_user_id
    if known and seen and known != seen:
        raise ConnectorError(
            f"{account}: the platform now returns account id {seen} for this handle, not {known} "
            "(renamed or handed over?); nothing was written"
        )


# --- writing (one transaction per account) -------------------------------------------------------


def _clean_url(value: str, max_length: int) -> str:
    if not value or len(value) > max_length:
        return ""
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value


def _write(
    *,
    account: Account,
    fetched: FetchedAccount,
    images: list[_Image],
    today: dt.date,
    result: AccountRefreshResult,
    saved_files: list[str],
) -> None:
    """Upsert everything fetched for `account`. The storage name of every image file saved is
    appended to `saved_files` as it is written, so the caller can delete the files if the
    transaction rolls back (files are not transactional)."""
    profile = fetched.profile

    # Account profile fields.
    if profile.handle and profile.handle != account.handle:
        taken = Account.objects.filter(platform=account.platform, handle=profile.handle).exclude(pk=account.pk).exists()
        if taken:
            result.notes.append(
                f"handle is now @{profile.handle}, already used by another account: kept @{account.handle}"
            )
        else:
            result.notes.append(f"handle changed from @{account.handle} to @{profile.handle}")
            account.handle = profile.handle[:100]
    account.platform_user_id = profile.platform_user_id[:100]
    account.display_name = profile.display_name[:200] or account.display_name
    account.bio = profile.bio
    if profile.external_url or account.platform == Platform.INSTAGRAM:
        account.external_url = _clean_url(profile.external_url, 500)
    account.profile_picture_url = _clean_url(profile.profile_picture_url, 1000)
    account.last_refreshed_at = timezone.now()
    account.save()
    creator = account.creator
    if profile.country and not creator.country:
        creator.country = profile.country
        creator.save(update_fields=["country", "updated_at"])

    # Today's snapshot (a second refresh on the same day overwrites it with the newer counters).
    if profile.followers is None:
        result.notes.append("follower count hidden by the account: no snapshot")
    else:
        record_points(account.pk, [(today, profile.followers, profile.following, profile.posts_count)], replace=True)
        result.snapshot_written = True

    # Posts, by (account, platform_post_id).
    fetched_ids = [item.platform_post_id for item in fetched.posts]
    existing = {p.platform_post_id: p for p in Post.objects.filter(account=account, platform_post_id__in=fetched_ids)}
    to_create, to_update = [], []
    for item in fetched.posts:
        values: dict[str, Any] = {
            "posted_at": item.posted_at,
            "post_type": item.post_type,
            "url": _clean_url(item.url, 1000),
            "caption": item.caption,
            "hashtags": item.hashtags,
            "mentions": item.mentions,
            "likes": item.likes,
            "comments": item.comments,
            "views": item.views,
        }
        post = existing.get(item.platform_post_id)
        if post is None:
            post = Post(account=account, platform_post_id=item.platform_post_id[:200], **values)
            to_create.append(post)
        else:
            for name, value in values.items():
                setattr(post, name, value)
            to_update.append(post)
        # The connectors read no paid-partnership label: a flag or sponsor an import gave is
        # kept, and the new caption is read for markers by the one rule.
        decided = sponsorship.decide(
            flag=post.paid_partnership, sponsor=post.sponsor, caption=post.caption, hashtags=post.hashtags
        )
        post.is_sponsored = decided.is_sponsored
        post.sponsorship_source = decided.source
        post.sponsorship_marker = decided.marker
    Post.objects.bulk_create(to_create, batch_size=200)
    Post.objects.bulk_update(to_update, [*POST_FIELDS, *SPONSORSHIP_FIELDS], batch_size=200)
    result.posts_created, result.posts_updated = len(to_create), len(to_update)
    post_ids = dict(
        Post.objects.filter(account=account, platform_post_id__in=fetched_ids).values_list("platform_post_id", "pk")
    )

    # Comment samples, by (post, external_id).
    for item in fetched.posts:
        for comment in item.comment_samples:
            CommentSample.objects.update_or_create(
                post_id=post_ids[item.platform_post_id],
                external_id=comment.external_id[:200],
                defaults={
                    "commenter": comment.commenter[:150],
                    "text": comment.text,
                    "posted_at": comment.posted_at,
                    "likes": comment.likes,
                },
            )
            result.comments += 1

    # Images, unique per (account, sha256): the same picture twice is one asset.
    seen: set[str] = set()
    for image in images:
        info = image.info
        if info.sha256 in seen:
            continue
        seen.add(info.sha256)
        post_pk = post_ids.get(image.platform_post_id)
        asset = MediaAsset.objects.filter(account=account, sha256=info.sha256).first()
        if asset is not None:
            if asset.post_id is None and post_pk:
                asset.post_id = post_pk
                asset.save(update_fields=["post", "updated_at"])
            continue
        asset = MediaAsset(
            account=account,
            post_id=post_pk,
            source_url=image.url if len(image.url) <= 1000 else "",
            sha256=info.sha256,
            width=info.width,
            height=info.height,
            phash=info.phash,
        )
        asset.image.save(info.file_name, image_content_file(info), save=False)
        assert asset.image.name is not None  # save() set it to the name the storage gave the file
        saved_files.append(asset.image.name)
        asset.save()
        result.images_new += 1


def _write_atomically(
    *, account: Account, fetched: FetchedAccount, images: list[_Image], today: dt.date, result: AccountRefreshResult
) -> None:
    saved_files: list[str] = []
    try:
        with transaction.atomic():
            locked = Account.objects.select_for_update().select_related("creator").get(pk=account.pk)
            _write(account=locked, fetched=fetched, images=images, today=today, result=result, saved_files=saved_files)
            result.account = locked
    except Exception:
        # Rows rolled back; the image files written inside the transaction go too.
        delete_stored_files(saved_files)
        raise


# --- after the write ---------------------------------------------------------------------------


def _as_of(today: dt.date) -> dt.datetime:
    """The reference time for metrics of a refresh filed under `today`."""
    if today == current_date():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(today, dt.time(23, 59, 59)))


def _announce(account_ids: list[int], *, new_images: int, today: dt.date, log: Callable[[str], None]) -> None:
    """After the write: announce the refreshed accounts (influencers.follow_ups: metrics, vetting,
    watches, embedding of the new images). A failure is logged on the job, not raised: the
    fetched data is committed and correct."""
    accounts_changed(
        account_ids,
        new_images=new_images,
        as_of=_as_of(today),
        reason="refresh",
        note=log,
        report=lambda what, exc: log(f"{what} after the refresh failed: {exc}"),
    )


def account_refresh(
    *,
    account: Account,
    connector: Connector | None = None,
    today: dt.date | None = None,
    recompute: bool = True,
    log: Callable[[str], None] | None = None,
) -> AccountRefreshResult:
    """Fetch `account` from its platform and write it all in one transaction.

    Raises the connector's error (nothing written) when the fetch fails. With `recompute`,
    metrics/vetting are refreshed and new images queued for embedding afterwards.
    """
    log = log or (lambda message: logger.info(message))
    connector = connector or connector_for(account.platform)
    today = today or current_date()
    calls_before, units_before = connector.meter.calls, connector.meter.units
    result = AccountRefreshResult(account=account)
    try:
        fetched, images, skipped, notes = _fetch(connector, account)
    finally:
        result.api_calls = connector.meter.calls - calls_before
        result.quota_units = connector.meter.units - units_before
    result.images_skipped, result.notes = skipped, notes
    _write_atomically(account=account, fetched=fetched, images=images, today=today, result=result)
    if recompute:
        _announce([account.pk], new_images=result.images_new, today=today, log=log)
    return result


def _find_account(platform: str, *, platform_user_id: str = "", handle: str = "") -> Account | None:
    query = Q()
    if platform_user_id:
        query |= Q(platform_user_id=platform_user_id)
    if handle:
        query |= Q(handle=stored_handle(platform, handle))
    if not query:
        return None
    return Account.objects.filter(query, platform=platform).order_by("pk").first()


def account_add_from_platform(
    *,
    platform: str,
    ref: str,
    creator: Creator | None = None,
    connector: Connector | None = None,
    today: dt.date | None = None,
) -> AccountRefreshResult:
    """Add the account `ref` (id, @handle or profile URL) of `platform` to the catalogue, with its
    profile, today's snapshot, recent posts, images and comments; `result.account` is the
    account and `result.created` says whether it is new. An account already in the catalogue
    is refreshed instead. A new Creator (named after the profile) is made unless `creator` is
    given. All or nothing: a failed fetch writes nothing.
    """
    connector = connector or connector_for(platform)
    account_ref = connector.parse_ref(ref)
    known = _find_account(platform, platform_user_id=account_ref.platform_user_id, handle=account_ref.handle)
    if known is not None:
        return account_refresh(account=known, connector=connector, today=today)
    today = today or current_date()
    calls_before, units_before = connector.meter.calls, connector.meter.units
    fetched = connector.fetch(account_ref)
    profile = fetched.profile
    known = _find_account(platform, platform_user_id=profile.platform_user_id, handle=profile.handle)
    if known is not None:  # added earlier under another spelling (URL vs @handle vs id)
        return account_refresh(account=known, connector=connector, today=today)
    notes = list(fetched.notes)
    images, skipped = _download_images(connector, fetched, skip_post_ids=set(), notes=notes)
    result = AccountRefreshResult(
        account=Account(platform=platform, handle=profile.handle),
        created=True,
        images_skipped=skipped,
        notes=notes,
        api_calls=connector.meter.calls - calls_before,
        quota_units=connector.meter.units - units_before,
    )
    with transaction.atomic():
        if creator is None:
            creator = Creator.objects.create(
                display_name=(profile.display_name or profile.handle)[:200], country=profile.country
            )
        account = Account.objects.create(
            creator=creator,
            platform=platform,
            handle=profile.handle[:100],
            platform_user_id=profile.platform_user_id[:100],
        )
        _write_atomically(account=account, fetched=fetched, images=images, today=today, result=result)
    _announce([result.account.pk], new_images=result.images_new, today=today, log=lambda m: logger.info(m))
    return result


def _new_counts() -> dict[str, int]:
    return {
        "refreshed": 0,
        "failed": 0,
        "skipped": 0,
        "quota_units": 0,
        "api_calls": 0,
        "snapshots": 0,
        "posts_created": 0,
        "posts_updated": 0,
        "images_new": 0,
        "comments": 0,
    }


def refresh_tracked_accounts(
    *,
    platform: str | None = None,
    account_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    job: Job | None = None,
    connectors: Mapping[str, Connector] | None = None,
) -> dict[str, Any]:
    """Refresh every tracked account (or those of `platform`, or exactly `account_ids`, tracked
    or not) and return the counts {refreshed, failed, skipped, quota_units, ...}.

    Failures are isolated per account and written to `job`'s log; accounts of platforms
    without a connector (or whose key is not configured) are skipped. `progress(done, total)`
    is called after each account. Raises RefreshFailed when every attempted account failed.
    """
    today = today or current_date()
    accounts_qs = Account.objects.select_related("creator")
    if account_ids is not None:
        accounts_qs = accounts_qs.filter(pk__in=list(account_ids))
    else:
        accounts_qs = accounts_qs.filter(tracked=True)
    if platform:
        accounts_qs = accounts_qs.filter(platform=platform)
    accounts = list(accounts_qs.order_by("platform", "pk"))
    total = len(accounts)
    counts = _new_counts()
    failures: list[str] = []
    refreshed_ids: list[int] = []
    # Per platform: its connector, or the reason its accounts are skipped / not attempted.
    ready: dict[str, Connector] = dict(connectors or {})
    skip_reason: dict[str, str] = {}
    stop_reason: dict[str, str] = {}

    def log(message: str | Message) -> None:
        logger.info("%s", message)
        if job is not None:
            job_log(job=job, message=message)

    if job is not None:
        job_set_total(job=job, total=total)
    log(
        m.REFRESHING_ON(n=total, date=today.isoformat(), platform=platform)
        if platform
        else m.REFRESHING(n=total, date=today.isoformat())
    )

    for done, account in enumerate(accounts, start=1):
        name = account.platform
        if name not in ready and name not in skip_reason:
            try:
                connector = get_connector(name)
            except ConnectorNotConfigured as exc:
                connector, skip_reason[name] = None, str(exc)
            else:
                if connector is None:
                    skip_reason[name] = f"{name}: no connector for this platform"
            if connector is not None:
                ready[name] = connector
            else:
                log(f"skipping {name} accounts: {skip_reason[name]}")
        if name in skip_reason:
            counts["skipped"] += 1
        elif name in stop_reason:
            counts["failed"] += 1
            failures.append(f"{account} (id {account.pk}): not attempted, {stop_reason[name]}")
        else:
            connector = ready[name]
            units_before, calls_before = connector.meter.units, connector.meter.calls
            try:
                result = account_refresh(account=account, connector=connector, today=today, recompute=False, log=log)
            except Exception as exc:
                if not isinstance(exc, VettedError):
                    logger.exception("refresh of %s failed unexpectedly", account)
                counts["failed"] += 1
                failures.append(f"{account} (id {account.pk}): {exc}")
                log(f"FAILED {account} (id {account.pk}): {exc}")
                if isinstance(exc, PLATFORM_STOPPERS):
                    stop_reason[name] = f"{name} stopped after: {type(exc).__name__}"
                    log(f"stopping {name} for this run: the remaining {name} accounts are not attempted")
            else:
                counts["refreshed"] += 1
                counts["snapshots"] += int(result.snapshot_written)
                counts["posts_created"] += result.posts_created
                counts["posts_updated"] += result.posts_updated
                counts["images_new"] += result.images_new
                counts["comments"] += result.comments
                refreshed_ids.append(account.pk)
                log(result.summary())
            counts["quota_units"] += connector.meter.units - units_before
            counts["api_calls"] += connector.meter.calls - calls_before
        if job is not None:
            job_progress(job=job, done=done, counts=counts)
        if progress is not None:
            progress(done, total)

    for name, connector in sorted(ready.items()):
        if connector.meter.calls:
            log(f"{name} quota: {connector.meter.summary()}")
    _announce(refreshed_ids, new_images=counts["images_new"], today=today, log=log)
    log(
        m.REFRESH_DONE(
            refreshed=counts["refreshed"],
            failed=counts["failed"],
            skipped=counts["skipped"],
            units=counts["quota_units"],
        )
    )
    if failures:
        log("failed accounts:\n  " + "\n  ".join(failures))
    if job is not None:
        job_progress(job=job, done=total, counts=counts)
    if counts["failed"] and not counts["refreshed"]:
        raise RefreshFailed(f"all {counts['failed']} attempted account(s) failed; first: {failures[0]}")
    return counts


def _params(job: Job) -> dict[str, Any]:
    """Validated REFRESH job params: platform, account_ids, today (ISO date)."""
    params = job.params or {}
    source = f"job {job.pk}"
    platform = params.get("platform") or None
    if platform is not None and platform not in Platform.values:
        raise InputError(f"unknown platform {platform!r}", source=source, field="platform")
    account_ids = params.get("account_ids")
    if account_ids is not None and (
        not isinstance(account_ids, list)
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in account_ids)
    ):
        raise InputError("must be a list of account ids (integers)", source=source, field="account_ids")
    today = params.get("today")
    if today is not None:
        try:
            today = dt.date.fromisoformat(today)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{today!r} is not a date (YYYY-MM-DD)", source=source, field="today") from exc
    return {"platform": platform, "account_ids": account_ids, "today": today}


def _add_params(job: Job) -> dict[str, str]:
    """Validated `add` params of a REFRESH job that adds one account: platform and ref."""
    add, source = job.params.get("add"), f"job {job.pk}"
    if not isinstance(add, dict):
        raise InputError("must be an object {platform, ref}", source=source, field="add")
    platform, ref = add.get("platform"), add.get("ref")
    if platform not in Platform.values:
        raise InputError(f"unknown platform {platform!r}", source=source, field="add.platform")
    if not isinstance(ref, str) or not ref.strip():
        raise InputError("must be a handle, @handle, id or profile URL", source=source, field="add.ref")
    return {"platform": platform, "ref": ref.strip()}


def account_add_job_run(*, job: Job) -> dict[str, Any]:
    """A REFRESH job with params {"add": {platform, ref}} (POST /api/v1/accounts/track): add or
    refresh that one account; the result names the account and its creator."""
    add = _add_params(job)
    job_set_total(job=job, total=1)
    result = account_add_from_platform(platform=add["platform"], ref=add["ref"])
    job_log(job=job, message=("added " if result.created else "already tracked, refreshed ") + result.summary())
    job_progress(job=job, done=1, counts={"refreshed": 1, "created": int(result.created)})
    return {"account_id": result.account.pk, "creator_id": result.account.creator_id, "created": result.created}


def refresh_job_run(*, job: Job, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Do the work of a REFRESH job (already RUNNING): used by the job handler and the CLI."""
    if "add" in (job.params or {}):
        return account_add_job_run(job=job)
    counts = refresh_tracked_accounts(**_params(job), progress=progress, job=job)
    return {"counts": counts}


def run_refresh_job(job: Job) -> dict[str, Any]:
    """JobKind.REFRESH handler (registered in influencers/apps.py)."""
    return refresh_job_run(job=job)


def refresh_schedule_run() -> Job | None:
    """The daily scheduled refresh: a REFRESH job for every tracked account, run here and now.
    Skipped (None) while another refresh job has been running for less than OVERLAP_GUARD."""
    from core.services.jobs import run_job

    running = Job.objects.filter(
        kind=JobKind.REFRESH, status=JobStatus.RUNNING, started_at__gte=timezone.now() - OVERLAP_GUARD
    ).first()
    if running is not None:
        logger.warning("scheduled refresh skipped: refresh job %s is still running", running.pk)
        return None
    job = job_create(kind=JobKind.REFRESH, params={"trigger": "schedule"})
    try:
        return run_job(job_id=job.pk)
    except VettedError:
        # The job row is FAILED with the reason; nothing for Celery to retry.
        return Job.objects.get(pk=job.pk)
