"""Validating the nested JSON / JSON Lines format: creators → accounts → snapshots, posts
(→ images, comment samples), audience profiles, follower samples, account images.

Snapshots are the bulk of a large file (30+ per account), so their loop is written for speed:
integers are accepted without a function call and dates are parsed once per distinct string.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from operator import attrgetter, itemgetter
from typing import Any

from influencers.services.imports.records import (
    ACCOUNTS,
    COMMENTS,
    CREATORS,
    FOLLOWERS,
    POSTS,
    AccountIn,
    CreatorIn,
    ImageIn,
    PostIn,
)
from influencers.services.imports.validation import Validator, suggestion
from influencers.services.imports.values import (
    MAX_COUNT,
    ValueInvalid,
    check_handle,
    clearly_plausible_window,
    date_problem,
    is_blank,
    parse_bool,
    parse_count,
    parse_country,
    parse_date,
    parse_datetime,
    parse_email,
    parse_handle,
    parse_languages,
    parse_list,
    parse_platform,
    parse_post_type,
    parse_text,
    parse_text_within,
    parse_url,
    parse_username,
)

Parser = Callable[[Any], Any]
_TAG_LIMIT = 200  # characters of a hashtag or a mention


def _text(limit: int | None = None) -> Parser:
    # A partial, not a lambda: called in C, without a Python frame per text field of every post;
    # of a function taking the limit first, so the partial has no keyword to copy into a dict
    # and unpack again per call (a third of a text field's cost).
    return functools.partial(parse_text_within, limit)


def _tags(prefix: str) -> Parser:
    def parse(value: Any) -> list[str] | None:
        if type(value) is list:
            # The common case, a list of short tags, in one pass; an item `parse_list` would refuse
            # sends the whole list there, for its message.
            tags = []
            for item in value:
                if type(item) is not str:
                    break
                item = item.strip()
                if item:
                    if len(item) > _TAG_LIMIT or "\x00" in item:
                        break
                    tag = item.lstrip(prefix)
                    if tag:
                        tags.append(tag)
            else:
                return tags
        items = parse_list(value, max_item_length=_TAG_LIMIT)
        return None if items is None else [item.lstrip(prefix) for item in items if item.lstrip(prefix)]

    return parse


def _memo(parser: Parser) -> Parser:
    """`parser` remembering its results for repeated values: a catalogue repeats the same few
    countries, language lists and categories thousands of times. Results are never mutated."""
    cache: dict[Any, Any] = {}

    def parse(value: Any) -> Any:
        try:
            key = tuple(value) if type(value) is list else value
            return cache[key]
        except KeyError:
            result = cache[key] = parser(value)  # a ValueInvalid is not cached: each one is reported
            return result
        except TypeError:  # unhashable: parse every time
            return parser(value)

    return parse


def _spec(table_values: tuple[str, ...], fields: dict[str, tuple[str, Parser]]) -> dict[str, tuple[int, Parser]]:
    """JSON key → (position in the table's value tuple, parser)."""
    return {key: (table_values.index(column), parser) for key, (column, parser) in fields.items()}


CREATOR_FIELDS = _spec(
    CREATORS.values,
    {
        "name": ("display_name", _text(200)),
        "country": ("country", _memo(parse_country)),
        "languages": ("languages", _memo(parse_languages)),
        "categories": ("categories", _memo(parse_list)),
        "contact_email": ("contact_email", parse_email),
        "notes": ("notes", _text()),
    },
)
CREATOR_KEYS = frozenset(CREATOR_FIELDS) | {"accounts"}
ACCOUNT_FIELDS = _spec(
    ACCOUNTS.values,
    {
        "platform_user_id": ("platform_user_id", _text(100)),
        "display_name": ("display_name", _text(200)),
        "bio": ("bio", _text()),
        "external_url": ("external_url", lambda v: parse_url(v, 500)),
        "is_verified": ("is_verified", _memo(parse_bool)),
        "is_private": ("is_private", _memo(parse_bool)),
        "profile_picture_url": ("profile_picture_url", parse_url),
        "tracked": ("tracked", _memo(parse_bool)),
    },
)
ACCOUNT_KEYS = frozenset(ACCOUNT_FIELDS) | {
    "platform",
    "handle",
    "snapshots",
    "posts",
    "images",
    "audience",
    "follower_samples",
}
_PLATFORM = _memo(parse_platform)
SNAPSHOT_KEYS = frozenset({"date", "followers", "following", "posts"})
_FIRST = itemgetter(0)
_KEY = attrgetter("key")
POST_FIELDS = _spec(
    POSTS.values,
    {
        "posted_at": ("posted_at", parse_datetime),
        "type": ("post_type", parse_post_type),
        "url": ("url", parse_url),
        "caption": ("caption", _text()),
        "hashtags": ("hashtags", _tags("#")),
        "mentions": ("mentions", _tags("@")),
        "likes": ("likes", parse_count),
        "comments": ("comments", parse_count),
        "shares": ("shares", parse_count),
        "saves": ("saves", parse_count),
        "views": ("views", parse_count),
        # The platform's paid-partnership flag, under its own name or the older `is_sponsored`;
        # whether the post counts as sponsored is decided when it is written (records.derive_post).
        "paid_partnership": ("paid_partnership", parse_bool),
        "sponsor": ("sponsor", _text(200)),
    },
)
_FLAG_POSITION = POSTS.values.index("paid_partnership")
POST_KEYS = frozenset(POST_FIELDS) | {"id", "images", "comment_samples", "is_sponsored"}
COMMENT_FIELDS = _spec(
    COMMENTS.values,
    {
        "commenter": ("commenter", parse_username),
        "text": ("text", _text()),
        "posted_at": ("posted_at", parse_datetime),
        "likes": ("likes", parse_count),
    },
)
COMMENT_KEYS = frozenset(COMMENT_FIELDS) | {"id"}
_POSTED_AT = POSTS.values.index("posted_at")
_POST_SIZE = len(POSTS.values)
_post_id = _text(200)
_COMMENT_POSTED_AT = COMMENTS.values.index("posted_at")
FOLLOWER_FIELDS = _spec(
    FOLLOWERS.values,
    {
        "full_name": ("full_name", _text(200)),
        "biography": ("biography", _text()),
        "followers_count": ("followers_count", parse_count),
        "following_count": ("following_count", parse_count),
        "media_count": ("media_count", parse_count),
        "has_profile_pic": ("has_profile_pic", parse_bool),
        "is_private": ("is_private", parse_bool),
        "is_verified": ("is_verified", parse_bool),
        "external_url": ("external_url", lambda v: parse_url(v, 500)),
        "sampled_at": ("sampled_at", parse_date),
    },
)
FOLLOWER_KEYS = frozenset(FOLLOWER_FIELDS) | {"username"}
_SAMPLED_AT = FOLLOWERS.values.index("sampled_at")
AUDIENCE_KEYS = frozenset({"source", "as_of", "age", "gender", "countries", "languages", "interests"})


# The plain post's fields by name: the id is read into the position after the values.
_PLAIN_POST_FIELDS = {**POST_FIELDS, "id": (_POST_SIZE, _post_id)}


def _plain_post(
    raw: Any, location: str, platform: str, today: dt.date, window: tuple[dt.datetime, dt.datetime]
) -> PostIn | None:
    """The most common post, checked in one pass over its keys: an object with an id, a posted_at
    that `date_problem` accepts, and otherwise only fields of POST_FIELDS (no images, comment
    samples or the older is_sponsored), each accepted by its parser. None for any other post,
    which `DocumentValidator.post` then checks field by field: the same parsers, so a post taken
    here is exactly the PostIn that path builds, and a post with a problem gets the same messages
    (none is reported here). `window` is `clearly_plausible_window(platform, today)`: a posted_at
    inside it needs no `date_problem`."""
    if type(raw) is not dict:
        return None
    values: list[Any] = [None] * (_POST_SIZE + 1)
    try:
        for name, value in raw.items():
            position, parser = _PLAIN_POST_FIELDS[name]  # KeyError: a field this path leaves to the other
            values[position] = parser(value)
    except (KeyError, ValueInvalid):
        return None
    key = values.pop()
    posted_at = values[_POSTED_AT]
    # None after parsing means blank: the id and posted_at are required.
    if key is None or posted_at is None:
        return None
    if not window[0] <= posted_at < window[1] and date_problem(posted_at, platform, today) is not None:
        return None
    return PostIn(location, key, tuple(values))


def _a(what: str) -> str:
    """`what` after its indefinite article: "a post", "an account"."""
    return f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"


def comment_key(commenter: str, text: str, posted_at: dt.datetime | None, occurrence: int) -> str:
    """A stable id for a comment the file gives without one: a hash of who, what and when, plus
    its occurrence number, so a bot posting the same words twice stays two comments."""
    moment = posted_at.astimezone(dt.UTC).isoformat() if posted_at else ""
    digest = hashlib.sha256(f"{commenter}\x1f{text}\x1f{moment}\x1f{occurrence}".encode()).hexdigest()
    return f"h:{digest[:40]}"


class DocumentValidator(Validator):
    """Turns raw JSON creator objects into CreatorIn records, collecting every problem."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._date_cache: dict[str, dt.date] = {}  # a large file repeats the same few hundred dates
        self._windows: dict[str, tuple[dt.datetime, dt.datetime]] = {}  # per platform

    def _window(self, platform: str) -> tuple[dt.datetime, dt.datetime]:
        window = self._windows.get(platform)
        if window is None:
            window = self._windows[platform] = clearly_plausible_window(platform, self.today)
        return window

    def _required(self, raw: dict, key: str, location: str, what: str) -> None:
        """Record that `key` is missing, unless it is present and merely invalid (already reported)."""
        if is_blank(raw.get(key)):
            self.error(location, f"{what} is required", key)

    def _object(self, raw: Any, location: str, allowed: frozenset[str], what: str) -> bool:
        if not isinstance(raw, dict):
            self.error(location, f"expected {_a(what)} object, got {type(raw).__name__}")
            return False
        if raw.keys() <= allowed:  # the common case, without building the empty difference
            return True
        unknown = raw.keys() - allowed
        for key in sorted(map(str, unknown)):
            # Escaped: a key may hold any character (a NUL, a line break) and the message is stored.
            shown = key if key.isprintable() else repr(key)[1:-1]
            self.error(location, f"unknown field '{shown}' in {_a(what)}{suggestion(key, allowed)}", shown)
        return not unknown

    def _fields(self, raw: dict, location: str, spec: dict[str, tuple[int, Parser]], size: int) -> list[Any]:
        values: list[Any] = [None] * size
        for key, (position, parser) in spec.items():
            if key in raw:
                try:
                    values[position] = parser(raw[key])
                except ValueInvalid as exc:
                    self.error(location, str(exc), key)
        return values

    def _list(self, raw: dict, key: str, location: str) -> list:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(location, f"'{key}' must be a list", key)
            return []
        return value

    def creator(self, location: str, raw: Any) -> CreatorIn | None:
        """One creator record, or None when it has errors (they are recorded)."""
        if not self._object(raw, location, CREATOR_KEYS, "creator") and not isinstance(raw, dict):
            return None
        values = self._fields(raw, location, CREATOR_FIELDS, len(CREATORS.values))
        creator = CreatorIn(location=location, values=tuple(values), fallback_name="")
        raw_accounts = raw.get("accounts")
        if not isinstance(raw_accounts, list) or not raw_accounts:
            self.error(location, "a creator needs a non-empty 'accounts' list", "accounts")
            return None
        for index, raw_account in enumerate(raw_accounts):
            account = self.account(f"{location}.accounts[{index}]", raw_account)
            if account is not None:
                creator.accounts.append(account)
        first = creator.accounts[0] if creator.accounts else None
        creator.fallback_name = values[0] or (first and (first.values[1] or first.handle)) or ""
        return creator

    def account(self, location: str, raw: Any) -> AccountIn | None:
        if not self._object(raw, location, ACCOUNT_KEYS, "account") and not isinstance(raw, dict):
            return None
        platform = self.value(_PLATFORM, raw.get("platform"), location, "platform")
        handle = self.value(parse_handle, raw.get("handle"), location, "handle")
        self._required(raw, "platform", location, "the platform")
        self._required(raw, "handle", location, "the handle")
        if platform is not None and handle is not None:
            handle = self.value(lambda text: check_handle(platform, text), handle, location, "handle")
        values = self._fields(raw, location, ACCOUNT_FIELDS, len(ACCOUNTS.values))
        if platform is None or handle is None:
            return None
        account = AccountIn(location=location, platform=platform, handle=handle, values=tuple(values))
        self.claim_account(account)
        self._snapshots(account, self._list(raw, "snapshots", location), location)
        # `post` for each, with what its plain case needs looked up once per account.
        today, window, posts = self.today, self._window(platform), account.posts
        for index, raw_post in enumerate(self._list(raw, "posts", location)):
            where = f"{location}.posts[{index}]"
            post = _plain_post(raw_post, where, platform, today, window)
            if post is None:
                post = self._post(account, where, raw_post)
            if post is not None:
                posts.append(post)
        if len(set(map(_KEY, posts))) != len(posts):  # the loop only when a post id repeats
            seen_posts: dict[str, str] = {}
            for post in posts:
                if post.key in seen_posts:
                    self.error(post.location, f"duplicate post id {post.key!r} (also at {seen_posts[post.key]})", "id")
                seen_posts.setdefault(post.key, post.location)
        raw_images = self._list(raw, "images", location)
        if raw_images:
            seen_images = {image.sha256 for post in posts for image in post.images}
            for index, raw_image in enumerate(raw_images):
                image = self.image(raw_image, location, f"images[{index}]")
                if image is not None and image.sha256 not in seen_images:
                    seen_images.add(image.sha256)
                    account.images.append(image)
        self._audiences(account, raw.get("audience"), location)
        self._followers(account, self._list(raw, "follower_samples", location), location)
        return account

    def _snapshots(self, account: AccountIn, raw_snapshots: list, location: str) -> None:
        """The hot loop of large imports (millions of snapshots): the common case, a complete
        snapshot with a date seen before and plain non-negative integers, costs no Python call;
        everything else goes through `_snapshot_slow`, which explains what is wrong."""
        cached_days = self._date_cache
        snapshots = account.snapshots
        append = snapshots.append
        limit = MAX_COUNT
        # The form of the first snapshot is taken for all, so a snapshot costs no type check:
        # in the objects' loop anything but a dict of the four keys fails its length or a key
        # (TypeError, KeyError), in the arrays' loop anything but four items fails the unpacking
        # (TypeError, ValueError), and four items that are not [date, ...] (a dict's keys, a
        # text's characters) have no cached date. Either way it gets the general checks.
        arrays = bool(raw_snapshots) and type(raw_snapshots[0]) is list
        for index, raw in enumerate(raw_snapshots):
            try:
                if arrays:
                    date, followers, following, posts = raw
                elif len(raw) == 4:
                    # Four subscripts, not an itemgetter of the four keys: no call and no tuple
                    # to unpack (~40 ns less a snapshot).
                    date = raw["date"]
                    followers = raw["followers"]
                    following = raw["following"]
                    posts = raw["posts"]
                else:
                    raise KeyError
                # The cache holds only text dates: anything else is a KeyError (or, unhashable,
                # a TypeError), so the date needs no type check of its own; a subscript, not
                # `get`, spares a call. One range check for the three counts: an OR of ints is
                # negative when one of them is, and as long in bits as the longest (MAX_COUNT is
                # 63 one-bits).
                day = cached_days[date]
                if (
                    type(followers) is int
                    and type(following) is int
                    and type(posts) is int
                    and 0 <= followers | following | posts <= limit
                ):
                    append((day, followers, following, posts))
                    continue
            except (KeyError, TypeError, ValueError):
                pass
            checked = self._snapshot_general(raw, f"{location}.snapshots[{index}]")
            if checked is not None:
                append(checked)
        # Dates after tomorrow never reach the list (refused when first parsed, never cached);
        # the platform's launch is checked once per account, on its earliest snapshot.
        days = set(map(_FIRST, snapshots))
        if days and date_problem(min(days), account.platform, self.today) is not None:
            early = sorted({s[0] for s in snapshots if date_problem(s[0], account.platform, self.today)})
            for day in early[:3]:
                self.plausible_date(day, account.platform, f"{location}.snapshots", "date")
            if len(early) > 3:
                self.error(f"{location}.snapshots", f"... and {len(early) - 3} more snapshot dates that early", "date")
        if len(days) != len(snapshots):
            seen: set[dt.date] = set()
            for snapshot in snapshots:
                if snapshot[0] in seen:
                    self.error(f"{location}.snapshots", f"two snapshots for {snapshot[0]}; keep one per day", "date")
                seen.add(snapshot[0])
            account.snapshots = list({snapshot[0]: snapshot for snapshot in snapshots}.values())

    def _snapshot_general(self, raw: Any, location: str) -> tuple[dt.date, int, int | None, int | None] | None:
        if type(raw) is dict:
            if not self._object(raw, location, SNAPSHOT_KEYS, "snapshot"):
                return None
            return self._snapshot_slow(
                location, raw.get("date"), raw.get("followers"), raw.get("following"), raw.get("posts")
            )
        if type(raw) is list and 2 <= len(raw) <= 4:
            # Compact form for large files: [date, followers, following, posts].
            return self._snapshot_slow(location, *(*raw, None, None)[:4])
        self.error(
            location,
            "a snapshot is an object {date, followers, following, posts} "
            "or an array [date, followers, following, posts]",
        )
        return None

    def _snapshot_slow(
        self,
        location: str,
        date: Any,
        followers: Any,
        following: Any,
        posts: Any,
    ) -> tuple[dt.date, int, int | None, int | None] | None:
        before = self.problems.total
        day = self.value(parse_date, date, location, "date")
        if is_blank(date):
            self.error(location, "the date is required", "date")
        elif day is not None and self.plausible_date(day, None, location, "date") and isinstance(date, str):
            self._date_cache[date] = day  # only dates that are not in the future are cached
        if is_blank(followers):
            self.error(location, "followers is required", "followers")
        followers = self.value(parse_count, followers, location, "followers")
        following = self.value(parse_count, following, location, "following")
        posts = self.value(parse_count, posts, location, "posts")
        if self.problems.total > before:
            return None
        return day, followers, following, posts

    def post(self, account: AccountIn, location: str, raw: Any) -> PostIn | None:
        post = _plain_post(raw, location, account.platform, self.today, self._window(account.platform))
        return post if post is not None else self._post(account, location, raw)

    def _post(self, account: AccountIn, location: str, raw: Any) -> PostIn | None:
        """Anything but a plain post, or a plain post with a problem: checked field by field,
        every problem recorded."""
        if not self._object(raw, location, POST_KEYS, "post") and not isinstance(raw, dict):
            return None
        before = self.problems.total
        key = self.value(lambda v: parse_text(v, 200), raw.get("id"), location, "id")
        self._required(raw, "id", location, "the post id (the platform's id of the post)")
        values = self._fields(raw, location, POST_FIELDS, len(POSTS.values))
        if "is_sponsored" in raw:
            older = self.value(parse_bool, raw["is_sponsored"], location, "is_sponsored")
            given = values[_FLAG_POSITION]
            if older is not None and given is not None and older != given:
                self.error(
                    location,
                    "paid_partnership and is_sponsored disagree; give one of them (they are the same flag)",
                    "is_sponsored",
                )
            elif given is None:
                values[_FLAG_POSITION] = older
        self._required(raw, "posted_at", location, "posted_at")
        self.plausible_date(values[_POSTED_AT], account.platform, location, "posted_at")
        images: list[ImageIn] = []
        comments: list[tuple[Any, ...]] = []
        post = PostIn(location=location, key=key or "", values=tuple(values), images=images, comments=comments)
        seen: set[str] = set()
        for index, raw_image in enumerate(self._list(raw, "images", location)):
            image = self.image(raw_image, location, f"images[{index}]")
            if image is not None and image.sha256 not in seen:
                seen.add(image.sha256)
                images.append(image)
        occurrences: dict[tuple, int] = {}
        ids: dict[str, str] = {}
        for index, raw_comment in enumerate(self._list(raw, "comment_samples", location)):
            where = f"{location}.comment_samples[{index}]"
            comment = self.comment(where, raw_comment, occurrences, account.platform)
            if comment is None:
                continue
            if comment[0] in ids:
                self.error(where, f"duplicate comment id {comment[0]!r} (also at {ids[comment[0]]})", "id")
                continue
            ids[comment[0]] = where
            comments.append(comment)
        return post if self.problems.total == before else None

    def comment(
        self, location: str, raw: Any, occurrences: dict[tuple, int], platform: str | None = None
    ) -> tuple[Any, ...] | None:
        if not self._object(raw, location, COMMENT_KEYS, "comment") and not isinstance(raw, dict):
            return None
        before = self.problems.total
        external_id = self.value(lambda v: parse_text(v, 200), raw.get("id"), location, "id")
        values = self._fields(raw, location, COMMENT_FIELDS, len(COMMENTS.values))
        commenter, text, posted_at = values[0], values[1], values[2]
        self._required(raw, "commenter", location, "the commenter")
        self._required(raw, "text", location, "the comment text")
        self.plausible_date(values[_COMMENT_POSTED_AT], platform, location, "posted_at")
        if self.problems.total > before:
            return None
        if external_id is None:
            identity = (commenter, text, posted_at)
            occurrence = occurrences.get(identity, 0)
            occurrences[identity] = occurrence + 1
            external_id = comment_key(commenter, text, posted_at, occurrence)
        return (external_id, *values)

    def _audiences(self, account: AccountIn, raw: Any, location: str) -> None:
        if raw is None:
            return
        profiles = raw if isinstance(raw, list) else [raw]
        seen: dict[tuple, str] = {}
        for index, profile in enumerate(profiles):
            where = f"{location}.audience" + (f"[{index}]" if isinstance(raw, list) else "")
            if not self._object(profile, where, AUDIENCE_KEYS, "audience profile"):
                continue
            checked = self.audience(
                profile, profile.get("source"), profile.get("as_of"), where, platform=account.platform
            )
            if checked is None:
                continue
            key = checked[:2]
            if key in seen:
                self.error(where, f"a second audience profile from {key[0]!r} on {key[1]} (also at {seen[key]})")
                continue
            seen[key] = where
            account.audiences.append(checked)

    def _followers(self, account: AccountIn, raw_followers: list, location: str) -> None:
        seen: dict[str, str] = {}
        for index, raw in enumerate(raw_followers):
            where = f"{location}.follower_samples[{index}]"
            if not self._object(raw, where, FOLLOWER_KEYS, "follower sample") and not isinstance(raw, dict):
                continue
            before = self.problems.total
            username = self.value(parse_username, raw.get("username"), where, "username")
            self._required(raw, "username", where, "the username")
            values = self._fields(raw, where, FOLLOWER_FIELDS, len(FOLLOWERS.values))
            self.plausible_date(values[_SAMPLED_AT], account.platform, where, "sampled_at")
            if self.problems.total > before:
                continue
            if username in seen:
                self.error(where, f"duplicate follower @{username} (also at {seen[username]})", "username")
                continue
            seen[username] = where
            account.followers.append((username, *values))
