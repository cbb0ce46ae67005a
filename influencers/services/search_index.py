"""Keeps the keyword-search text of accounts (AccountSearchText) in step with the catalogue.

Three ways in, one writer (`index_accounts`): bulk writes (imports, connector refreshes) announce
the accounts they changed and the follow-up `search_after_change` re-indexes them; ORM saves of
one row (the admin, editors, the connectors' account rows) re-index through model signals
(`connect_signals`); `index_all` rebuilds everything (migration 0010's backfill, the
`rebuild_search_index` command). The database's own index over the text (FTS5 or pg_trgm)
follows the rows by itself (triggers on SQLite, an expression index on PostgreSQL: migration
0010).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.db.models.signals import post_delete, post_save

from influencers.follow_ups import AccountsChanged
from influencers.models import Account, AccountSearchText, Creator, Post
from influencers.search_text import MAX_POSTS, search_text

CHUNK_SIZE = 2000


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _newest_posts(post_model: Any, account_ids: list[int]) -> dict[int, list[tuple[str, list[str]]]]:
    """(caption, hashtags) of the newest MAX_POSTS posts of each account, newest first."""
    newest = Window(RowNumber(), partition_by=F("account_id"), order_by=[F("posted_at").desc(), F("id").desc()])
    rows = (
        post_model.objects.filter(account_id__in=account_ids)
        .annotate(rn=newest)
        .filter(rn__lte=MAX_POSTS)
        .order_by("account_id", "rn")
        .values_list("account_id", "caption", "hashtags")
    )
    posts: dict[int, list[tuple[str, list[str]]]] = defaultdict(list)
    for account_id, caption, hashtags in rows:
        posts[account_id].append((caption, hashtags if isinstance(hashtags, list) else []))
    return posts


def index_accounts(
    account_ids: Iterable[int],
    *,
    models: tuple[Any, Any, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the search text of these accounts (one upsert per chunk, of the texts that changed);
    returns how many accounts now have their current text.
    `models` (Account, Post, AccountSearchText) lets migration 0010 pass its historical ones;
    `progress(done)` is called after each chunk."""
    account_model, post_model, text_model = models or (Account, Post, AccountSearchText)
    ids = sorted({int(a) for a in account_ids})
    written = done = 0
    for chunk in _chunks(ids, CHUNK_SIZE):
        accounts = account_model.objects.filter(pk__in=chunk).values_list(
            "pk", "handle", "display_name", "bio", "creator__display_name", "creator__categories"
        )
        posts = _newest_posts(post_model, chunk)
        rows = []
        for pk, handle, display_name, bio, creator_name, categories in accounts:
            text = search_text(
                handle=handle,
                display_name=display_name,
                creator_name=creator_name,
                bio=bio,
                categories=categories if isinstance(categories, list) else [],
                posts=posts.get(pk, ()),
            )
            rows.append(text_model(account_id=pk, names=text.names, about=text.about, posts=text.posts))
        # Only the texts that changed are written: each write re-tokenises the text into the
        # database's trigram index (most of the cost), and a re-import or a metrics refresh
        # leaves most texts as they were.
        stored = {
            account_id: (names, about, posts)
            for account_id, names, about, posts in text_model.objects.filter(account_id__in=chunk).values_list(
                "account_id", "names", "about", "posts"
            )
        }
        changed = [row for row in rows if stored.get(row.account_id) != (row.names, row.about, row.posts)]
        text_model.objects.bulk_create(
            changed, update_conflicts=True, unique_fields=["account"], update_fields=["names", "about", "posts"]
        )
        written += len(rows)
        done += len(chunk)
        if progress is not None:
            progress(done)
    return written


def index_all() -> int:
    """Rebuild the search text of every account; returns how many."""
    return index_accounts(Account.objects.values_list("pk", flat=True))


def search_after_change(change: AccountsChanged) -> str | None:
    """Follow-up of every catalogue change, also of an import run with --skip-refresh: the text
    is cheap to rebuild and a creator missing from search looks like a lost import."""
    index_accounts(change.account_ids, progress=change.progress)
    return None


def _creator_saved(sender: Any, instance: Creator, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_accounts(instance.accounts.values_list("pk", flat=True))


def _account_saved(sender: Any, instance: Account, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_accounts([instance.pk])


def _post_saved(sender: Any, instance: Post, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_accounts([instance.account_id])


def _post_deleted(sender: Any, instance: Post, origin: Any = None, **kwargs: Any) -> None:
    # Posts deleted because their account (or creator) is being deleted take its text with them
    # (cascade): writing it again here would point at an account about to disappear.
    if origin is None or isinstance(origin, Post) or getattr(origin, "model", None) is Post:
        index_accounts([instance.account_id])


def connect_signals() -> None:
    """Re-index on ORM saves of one row (bulk writes announce their accounts instead)."""
    post_save.connect(_creator_saved, sender=Creator, dispatch_uid="search_index_creator")
    post_save.connect(_account_saved, sender=Account, dispatch_uid="search_index_account")
    post_save.connect(_post_saved, sender=Post, dispatch_uid="search_index_post_saved")
    post_delete.connect(_post_deleted, sender=Post, dispatch_uid="search_index_post_deleted")
