"""Writing a validated ImportBatch: upsert by natural keys, in chunks, with bulk statements.

For every table the writer fetches the existing rows of the chunk's parents in a few chunked
`IN` queries, compares them with the file, and then inserts the new rows and updates the
changed ones in bulk; unchanged rows are counted and left alone, so importing the same file
twice writes nothing the second time. Parents whose rows are all new (a fresh catalogue) cost
no reads at all. With `dry_run` the same comparison runs and only the writes are skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import Any

from django.core.files.storage import Storage
from django.db import connection, models
from django.utils import timezone

from core.errors import InputError
from core.services.media import ImageInfo, delete_stored_files, image_content_file
from influencers.history_arrays import COLUMNS as HISTORY_COLUMNS
from influencers.history_arrays import ChunkHistories, History, merged_each
from influencers.models import Account, AccountHistory, Creator, MediaAsset
from influencers.selectors.history import stored_histories
from influencers.services.imports.problems import Problems
from influencers.services.imports.records import (
    ACCOUNTS,
    AUDIENCES,
    COMMENTS,
    COUNTED,
    CREATORS,
    FOLLOWERS,
    HISTORY_LABEL,
    MEDIA,
    POSTS,
    AccountIn,
    CreatorIn,
    ImageIn,
    ImportBatch,
    PostIn,
    Table,
)
from influencers.services.imports.sql import BulkTable, IdReserver, SequenceSource, StatementRunner

IN_CHUNK = 900  # values per IN (...) query, under SQLite's historical 999-parameter limit
ACCOUNTS_PER_CHUNK = 2000  # accounts written per round of statements
# On SQLite the writer thread keeps up with validation, and the only wait is for the last chunk's
# inserts once the file is read (0.2-0.5 s of a 5,000-account real-shaped import at 2,000 a
# chunk): smaller chunks shorten it. On PostgreSQL fewer chunks are faster (fewer COPYs).
SQLITE_ACCOUNTS_PER_CHUNK = 500
# Chunks whose statements may wait in the runner's queue behind the one it is writing: enough to
# keep the database busy while Python validates and builds the next chunk, few enough that a
# large import never holds the whole file's adapted rows in the queue.
CHUNKS_QUEUED = 1
MEDIA_INSERT_ONLY = ("image", "width", "height", "phash")
ACTIONS_LISTED = 1000
_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}
_POST_KEY = attrgetter("key")

Progress = Callable[[int, int], None]


def _chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def creator_chunks(creators: Iterable[CreatorIn]) -> Iterator[list[CreatorIn]]:
    """Consecutive groups of creators holding about ACCOUNTS_PER_CHUNK accounts each (on SQLite
    SQLITE_ACCOUNTS_PER_CHUNK at most)."""
    accounts_per_chunk = ACCOUNTS_PER_CHUNK  # read per call: tests make it small
    if connection.vendor == "sqlite":
        accounts_per_chunk = min(accounts_per_chunk, SQLITE_ACCOUNTS_PER_CHUNK)
    chunk: list[CreatorIn] = []
    size = 0
    for creator in creators:
        chunk.append(creator)
        size += len(creator.accounts)
        if size >= accounts_per_chunk:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class AccountResolver:
    """Finds the accounts of an import that already exist (by platform and normalised handle) and
    with them the creator each record updates, chunk by chunk.

    Whether a platform has any account is read once, for the first chunk that names one: the
    accounts an import creates in earlier chunks never match later ones (a valid file names each
    account once), so they must not cost lookups, and a platform without accounts needs none."""

    def __init__(self, before_read: Callable[[], None] | None = None) -> None:
        """`before_read` runs before each query: a writer's `finish`, when its thread may be
        writing on the same connection."""
        self._platforms_in_catalogue: dict[str, bool] = {}
        self._before_read = before_read or (lambda: None)

    def _catalogue_has(self, platform: str) -> bool:
        known = self._platforms_in_catalogue.get(platform)
        if known is None:
            self._before_read()
            known = self._platforms_in_catalogue[platform] = Account.objects.filter(platform=platform).exists()
        return known

    def resolve(self, creators: Iterable[CreatorIn], problems: Problems) -> None:
        """Set `id`, `creator_id` and `current` of the accounts that exist and `id` of the creator
        each record updates. A record whose accounts belong to two different creators of the
        catalogue is an error: merging creators is not something an import guesses."""
        creators = list(creators)
        by_platform: dict[str, dict[str, AccountIn]] = {}
        for creator in creators:
            for account in creator.accounts:
                by_platform.setdefault(account.platform, {})[account.handle] = account
        for platform, accounts in by_platform.items():
            if not self._catalogue_has(platform):
                continue  # nothing to match (e.g. a first import into an empty catalogue): skip the lookups
            handles = list(accounts)
            self._before_read()
            for chunk in _chunks(handles):
                rows = Account.objects.filter(platform=platform, handle__in=chunk).values_list(
                    "id", "creator_id", "handle", *ACCOUNTS.values
                )
                for account_id, creator_id, handle, *current in rows:
                    account = accounts[handle]
                    account.id, account.creator_id, account.current = account_id, creator_id, tuple(current)
        for creator in creators:
            owners = {account.creator_id for account in creator.accounts if account.creator_id is not None}
            if len(owners) > 1:
                listed = ", ".join(
                    f"{account.label} (creator #{account.creator_id})"
                    for account in creator.accounts
                    if account.creator_id
                )
                problems.add(
                    creator.location,
                    f"these accounts belong to different creators in the catalogue: {listed}; "
                    "import them as separate creators, or merge the creators first",
                    "accounts",
                )
            creator.id = owners.pop() if len(owners) == 1 else None


def resolve_accounts(batch: ImportBatch, problems: Problems) -> None:
    """Resolve every account of a whole batch against the catalogue (see AccountResolver)."""
    AccountResolver().resolve(batch.creators, problems)


class _TableWriter:
    """Insert/update statements and default values for one Table."""

    def __init__(
        self, table: Table, now: dt.datetime, insert_only: Sequence[str] = (), ids: IdReserver | None = None
    ) -> None:
        """With `ids`, new child rows get their ids from that IdReserver (the insert's first
        column) instead of the database, so the rows below them (comments under posts) know
        their parent without an INSERT ... RETURNING, and the insert runs on the runner's thread
        (as a COPY on PostgreSQL)."""
        model = table.model
        self.table = table
        own = ([table.parent] if table.parent else []) + list(table.keys) + list(table.values) + list(insert_only)
        fields = {field.attname: field for field in model._meta.concrete_fields if not field.primary_key}
        # Columns the file never sets (timestamps, defaults) get one value for the whole import.
        self.extra_columns = [name for name in fields if name not in own]
        self.ids = ids
        self.inserter = BulkTable(
            model, (["id"] if ids is not None else []) + own + self.extra_columns, adapted=self.extra_columns
        )
        # Adapted once here rather than once per row (timestamps cost microseconds each on SQLite).
        self.extra_values = tuple(
            _plain(self.inserter.adapt(name, self._constant(fields[name], now))) for name in self.extra_columns
        )
        self.has_updated_at = "updated_at" in fields
        self.updater = BulkTable(model, list(table.values) + (["updated_at"] if self.has_updated_at else []))
        self.now = now
        value_fields = [fields[name] for name in table.values]
        # Non-null columns the file may leave out: a new row gets the model default.
        self.fill = [
            (i, field) for i, field in enumerate(value_fields) if not field.null and field.get_default() is not None
        ]
        # The constant defaults, taken once (`get_default` per row and column cost more than the
        # insert); a callable default (a list, a dict) is still called per row, so no row shares
        # a mutable value with another.
        called = {i for i, field in self.fill if field.has_default() and callable(field.default)}
        self.called_defaults = [(i, field) for i, field in self.fill if i in called]
        self.constant_defaults = tuple(
            _plain(field.get_default()) if (i, field) in self.fill and i not in called else None
            for i, field in enumerate(value_fields)
        )
        self.derive = table.derive
        self.derive_columns = table.derive_columns
        self.derive_from = [table.values.index(name) for name in table.derive_from]

    @staticmethod
    def _constant(field: models.Field, now: dt.datetime) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        return field.get_default()

    def complete(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """`values` of a new row: model defaults in place of the columns the file left out, then
        the derived columns."""
        if self.fill:
            filled = [default if value is None else value for value, default in zip(values, self.constant_defaults)]
            for index, field in self.called_defaults:
                if filled[index] is None:
                    filled[index] = field.get_default()
            values = tuple(filled)
        return self.derive(values) if self.derive else values

    def new_columns(self, parent_ids: Sequence[int], rows: Sequence[tuple[Any, ...]]) -> list[Sequence[Any]]:
        """The columns of the new rows (parent id, then `rows`: key, values, insert-only columns)
        as inserted: `complete`d, then the import's constant columns. Built a column at a time
        (transposed in C): each row built again in Python (completed, joined to its parent, then
        to its id, then flattened) cost more than adapting and sending it."""
        count = len(rows)
        k, values = self.table.key_length, len(self.table.values)
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        return [
            parent_ids,
            *columns[:k],
            *self.complete_columns(columns[k : k + values], count),
            *columns[k + values :],
            *([value] * count for value in self.extra_values),
        ]

    def complete_columns(self, columns: Sequence[Sequence[Any]], count: int) -> list[Sequence[Any]]:
        """`complete` of `count` rows' values given as columns (in `table.values` order)."""
        completed = list(columns)
        called = {index for index, _field in self.called_defaults}
        for index, field in self.fill:
            column = completed[index]
            # Counted in C first: a column the file always or never gives (most of them) needs
            # no look at each value in Python.
            unknown = column.count(None)
            if not unknown:
                continue
            if index in called:
                completed[index] = [field.get_default() if value is None else value for value in column]
            elif unknown == count:
                completed[index] = [self.constant_defaults[index]] * count
            else:
                default = self.constant_defaults[index]
                completed[index] = [default if value is None else value for value in column]
        if self.derive_columns is not None and count:
            completed = self.derive_columns(completed)
        elif self.derive is not None and count:
            completed = list(zip(*map(self.derive, zip(*completed, strict=True)), strict=True))
        return completed

    def merged(self, given: tuple[Any, ...], current: tuple[Any, ...]) -> tuple[Any, ...]:
        """An existing row after the import (see `merge`), with its derived columns decided again
        when a column they are derived from changed (a re-import of the same file costs none)."""
        after = merge(given, current)
        if self.derive is None or all(after[i] == current[i] for i in self.derive_from):
            return after
        return self.derive(after)

    def update_row(self, merged: tuple[Any, ...], pk: int) -> tuple[Any, ...]:
        return (*merged, self.now, pk) if self.has_updated_at else (*merged, pk)


def _plain(value: Any) -> Any:
    """A default of a str subclass (a choices enum: `PostType.IMAGE`) as the plain str it holds,
    which SQLite stores the same: sqlite3 binds a str subclass only after looking for an adapter
    of its type (two failed attribute look-ups a value, on the writer's thread)."""
    return str.__str__(value) if isinstance(value, str) else value


def merge(given: tuple[Any, ...], current: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row after the import: values the file gives replace the current ones."""
    return tuple(current[i] if value is None else value for i, value in enumerate(given))


class Writer:
    """Writes (or, with dry_run, only compares) an ImportBatch chunk by chunk."""

    def __init__(self, *, dry_run: bool, storage: Storage | None = None) -> None:
        self.dry_run = dry_run
        self.now = timezone.now()
        self.counts: dict[str, dict[str, int]] = {
            label: {"created": 0, "updated": 0, "unchanged": 0} for label in COUNTED
        }
        self.touched: set[int] = set()
        self.account_actions: list[tuple[str, str]] = []  # (created/updated/unchanged, label), the first ones
        self.saved_files: list[str] = []
        self.runner = StatementRunner()
        self._chunk_marks: deque[int] = deque()  # the runner's mark after each chunk still queued
        # Rows created by this import: their children need no lookup of existing rows.
        self.new_parents: dict[str, set[int]] = {"account_id": set(), "post_id": set()}
        self.image_field = MediaAsset._meta.get_field("image")
        self.storage = storage or self.image_field.storage
        # New creators and accounts get ids from IdReserver, so their inserts return nothing and
        # queue on the runner's thread like the rows below them.
        self.creators = _TableWriter(CREATORS, self.now, insert_only=("id",))
        self.accounts = _TableWriter(ACCOUNTS, self.now, insert_only=("id",))
        self.sequences = SequenceSource()
        self.creator_ids = IdReserver(Creator, self.sequences)
        self.account_ids = IdReserver(Account, self.sequences)
        self.history_inserter = BulkTable(AccountHistory, ["account_id", *HISTORY_COLUMNS])
        self.history_updater = BulkTable(AccountHistory, list(HISTORY_COLUMNS))
        self.audiences = _TableWriter(AUDIENCES, self.now)
        self.followers = _TableWriter(FOLLOWERS, self.now)
        self.posts = _TableWriter(POSTS, self.now, ids=IdReserver(POSTS.model, self.sequences))
        self.comments = _TableWriter(COMMENTS, self.now)
        self.media = _TableWriter(MEDIA, self.now, insert_only=MEDIA_INSERT_ONLY)

    def write(self, batch: ImportBatch, progress: Progress | None = None) -> None:
        """Write a whole batch chunk by chunk (see `write_chunk`)."""
        total = batch.account_count
        done = 0
        try:
            for chunk in creator_chunks(batch.creators):
                self.write_chunk(chunk)
                done += sum(len(creator.accounts) for creator in chunk)
                if progress:
                    progress(done, total)
            self.finish()
        finally:
            self.close()

    def write_chunk(self, creators: list[CreatorIn]) -> None:
        """Creators, accounts, then the rows below them. Statements that return nothing run on
        the runner's thread: the caller prepares (or validates) the next chunk meanwhile, and
        only waits when CHUNKS_QUEUED chunks already wait in the runner's queue."""
        while len(self._chunk_marks) > CHUNKS_QUEUED:
            self.runner.wait_for(self._chunk_marks.popleft())
        self._creators(creators)
        self._accounts(creators)
        self._content(creators)
        self._chunk_marks.append(self.runner.mark())

    def finish(self) -> None:
        """Wait for every statement of the import; raise the first database error."""
        self.runner.flush()

    def close(self) -> None:
        """Stop the runner's thread (statements still queued after an error are skipped) and
        close the connection ids were reserved on."""
        self.runner.close()
        self.sequences.close()

    @contextmanager
    def running(self) -> Iterator[None]:
        """Stops the runner's thread when the block ends; after an error in the block, the
        statements still queued are skipped."""
        try:
            yield
        except BaseException:
            self.runner.close(cancel=True)
            raise
        self.runner.close()

    def _count(self, label: str, action: str, n: int = 1) -> None:
        self.counts[label][action] += n

    # -- chunk -------------------------------------------------------------------------------
    def _content(self, creators: list[CreatorIn]) -> None:
        accounts = [account for creator in creators for account in creator.accounts]
        # Posts first: the comments under them need their ids.
        posts = [(a, a.id, [(p.key, *p.values) for p in a.posts]) for a in accounts if a.posts]
        ids = self._children(self.posts, posts)
        # Each post's id by its (account id, key), looked up by C loops (zip, map): a key built
        # in Python per post cost as much as the rest of its id's way. An account without an id
        # (a dry run's new one) has no post in `ids`, whose parents all have ids.
        account_ids: list[int | None] = []
        keys: list[str] = []
        chunk_posts: list[PostIn] = []
        for account in accounts:
            if account.posts:
                account_ids += [account.id] * len(account.posts)
                keys += map(_POST_KEY, account.posts)
                chunk_posts += account.posts
        for post, post_id in zip(chunk_posts, map(ids.get, zip(account_ids, keys)), strict=True):
            post.id = post_id
        self._histories([account for account in accounts if account.snapshots])
        self._children(self.audiences, [(a, a.id, a.audiences) for a in accounts if a.audiences])
        self._children(self.followers, [(a, a.id, a.followers) for a in accounts if a.followers])
        self._children(
            self.comments,
            [(a, p.id, p.comments) for a in accounts for p in a.posts if p.comments],
        )
        self._media(accounts)

    def _histories(self, accounts: list[AccountIn]) -> None:
        """Each account's points merged into its one `AccountHistory` row, counted per point as
        `history_arrays.merged` counts them (a count the file leaves out keeps the stored one).
        The points of the chunk are converted at once and the stored histories merged at once;
        an account without a stored history (new ones: no read) gets its points as they are."""
        given = ChunkHistories([account.snapshots for account in accounts])
        new_accounts = self.new_parents["account_id"]
        stored_ids = [a.id for a in accounts if a.id is not None and a.id not in new_accounts]
        if stored_ids and not self.dry_run:
            self.runner.flush()  # the read below uses the connection the runner writes on
        stored = stored_histories(stored_ids, for_update=not self.dry_run)
        inserts: list[tuple[Any, ...]] = []
        merging: list[tuple[int, History, History]] = []  # (account id, stored, given)
        created = 0
        for index, account in enumerate(accounts):
            current = stored.get(account.id) if account.id is not None else None
            if current is not None and account.id is not None:
                merging.append((account.id, current, given.history(index)))
                continue
            size = given.size(index)
            created += size
            if account.id is not None and size:
                self.touched.add(account.id)
                inserts.append((account.id, *given.packed(index)))
        results = merged_each([current for _id, current, _p in merging], [points for _id, _c, points in merging])
        updates: list[tuple[Any, ...]] = []
        for (account_id, _current, _points), result in zip(merging, results, strict=True):
            if result.changed:
                self.touched.add(account_id)
                updates.append((*result.history.packed(), account_id))
        self._count(HISTORY_LABEL, "created", created + sum(result.created for result in results))
        self._count(HISTORY_LABEL, "updated", sum(result.updated for result in results))
        self._count(HISTORY_LABEL, "unchanged", sum(result.unchanged for result in results))
        if self.dry_run:
            return
        self.history_updater.update(updates, self.runner)
        self.history_inserter.insert(inserts, self.runner)

    def _creators(self, creators: list[CreatorIn]) -> None:
        writer = self.creators
        existing = [(creator, creator.id) for creator in creators if creator.id is not None]
        current: dict[int, tuple[Any, ...]] = {}
        if existing:
            self.runner.flush()
        for chunk in _chunks([creator_id for _creator, creator_id in existing]):
            for pk, *values in Creator.objects.filter(pk__in=chunk).values_list("pk", *CREATORS.values):
                current[pk] = tuple(values)
        updates = []
        for creator, creator_id in existing:
            before = current[creator_id]
            after = merge(creator.values, before)
            if after == before:
                self._count("creators", "unchanged")
            else:
                self._count("creators", "updated")
                updates.append(writer.update_row(after, creator_id))
        new = [creator for creator in creators if creator.id is None]
        self._count("creators", "created", len(new))
        if self.dry_run:
            return
        writer.updater.update(updates, self.runner)
        rows = []
        for creator, pk in zip(new, self.creator_ids.reserve(len(new), self.runner), strict=True):
            creator.id = pk
            values = creator.values if creator.values[0] is not None else (creator.fallback_name, *creator.values[1:])
            rows.append((*writer.complete(values), pk, *writer.extra_values))
        writer.inserter.insert(rows, self.runner)

    def _accounts(self, creators: list[CreatorIn]) -> None:
        writer = self.accounts
        updates = []
        new: list[tuple[CreatorIn, AccountIn]] = []
        listed = self.account_actions
        for creator in creators:
            for account in creator.accounts:
                if account.id is None:
                    new.append((creator, account))
                    action = "created"
                else:
                    assert account.current is not None  # set with its id by AccountResolver.resolve
                    after = merge(account.values, account.current)
                    if after == account.current:
                        action = "unchanged"
                    else:
                        action = "updated"
                        self.touched.add(account.id)
                        updates.append(writer.update_row(after, account.id))
                    self._count("accounts", action)
                if len(listed) < ACTIONS_LISTED:
                    listed.append((action, account.label))
        self._count("accounts", "created", len(new))
        if self.dry_run:
            return
        writer.updater.update(updates, self.runner)
        rows = []
        new_ids = self.account_ids.reserve(len(new), self.runner)
        for (creator, account), pk in zip(new, new_ids, strict=True):
            account.id = pk
            values = writer.complete(account.values)
            rows.append((creator.id, account.platform, account.handle, *values, pk, *writer.extra_values))
        writer.inserter.insert(rows, self.runner)
        self.touched.update(new_ids)
        self.new_parents["account_id"].update(new_ids)

    def _children(
        self,
        writer: _TableWriter,
        parents: Sequence[tuple[AccountIn, int | None, Sequence[tuple[Any, ...]]]],
        prepare: Callable[[int, tuple[Any, ...]], tuple[Any, ...]] | None = None,
    ) -> dict[tuple[Any, ...], int]:
        """Upsert the child rows of each (account, parent id, rows). Returns (parent id, *key) → id
        of every row when the table returns ids (posts)."""
        table = writer.table
        k = table.key_length
        existing: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
        new_parents = self.new_parents[table.parent_column]
        parent_ids = [pid for _account, pid, _rows in parents if pid is not None and pid not in new_parents]
        if parent_ids and not self.dry_run:
            self.runner.flush()  # the reads below use the connection the runner writes on
        for chunk in _chunks(parent_ids):
            stored = table.model._default_manager.filter(**{f"{table.parent_column}__in": chunk}).values_list(
                "pk", table.parent_column, *table.keys, *table.values
            )
            for pk, parent_id, *rest in stored:
                existing[(parent_id, *rest[:k])] = (pk, tuple(rest[k:]))
        ids = {key: found[0] for key, found in existing.items()}
        # The new rows, in order: their parent ids and their rows (prepared), completed at once.
        new_parent_ids: list[int] = []
        new_rows: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        created = updated = unchanged = 0
        # Tables without derived columns (comments: millions of rows) compare with plain `merge`.
        merged = writer.merged if writer.derive else merge
        for account, parent_id, rows in parents:
            changed = False
            if parent_id is None or not existing:
                # A new parent (or one without rows yet): every row is new. The hot path.
                if parent_id is not None:
                    new_parent_ids += [parent_id] * len(rows)
                    new_rows += rows if prepare is None else [prepare(parent_id, row) for row in rows]
                created += len(rows)
                changed = bool(rows)
            else:
                for row in rows:
                    found = existing.get((parent_id, *row[:k]))
                    if found is None:
                        new_parent_ids.append(parent_id)
                        new_rows.append(prepare(parent_id, row) if prepare else row)
                        created += 1
                        changed = True
                        continue
                    pk, before = found
                    after = merged(row[k : k + len(table.values)], before)
                    if after == before:
                        unchanged += 1
                    else:
                        updates.append(writer.update_row(after, pk))
                        updated += 1
                        changed = True
            if changed and account.id is not None:
                self.touched.add(account.id)
        self._count(table.label, "created", created)
        self._count(table.label, "updated", updated)
        self._count(table.label, "unchanged", unchanged)
        if self.dry_run:
            return ids
        writer.updater.update(updates, self.runner)
        if not new_rows:
            return ids
        columns = writer.new_columns(new_parent_ids, new_rows)
        if writer.ids is not None:
            # Reserved ids, recorded in `ids` under (parent id, *key); the new rows are parents
            # whose children need no look-up.
            new_ids = writer.ids.reserve(len(new_rows), self.runner)
            ids.update(zip(zip(*columns[: 1 + k]), new_ids))
            self.new_parents[f"{table.model._meta.model_name}_id"].update(new_ids)
            columns.insert(0, new_ids)
        writer.inserter.insert_columns(columns, self.runner)
        return ids

    # -- media ---------------------------------------------------------------------------------
    def _media(self, accounts: list[AccountIn]) -> None:
        parents = []
        images: dict[tuple[int | None, str], ImageIn] = {}
        for account in accounts:
            rows = []
            seen: set[str] = set()
            for post in account.posts:
                for image in post.images:
                    if image.sha256 not in seen:
                        seen.add(image.sha256)
                        rows.append((image.sha256, post.id, image.source_url))
                        images[(account.id, image.sha256)] = image
            for image in account.images:
                if image.sha256 not in seen:
                    seen.add(image.sha256)
                    rows.append((image.sha256, None, image.source_url))
                    images[(account.id, image.sha256)] = image
            if rows:
                parents.append((account, account.id, rows))
        if not parents:
            return

        def prepare(account_id: int, row: tuple[Any, ...]) -> tuple[Any, ...]:
            # Only called for rows to create, so only new images are read and stored.
            image = images[(account_id, row[0])]
            return (*row, self._store(image), image.width, image.height, image.phash)

        self._children(self.media, parents, prepare=None if self.dry_run else prepare)

    def _store(self, image: ImageIn) -> str:
        """Save the image file (named by content hash, so a file already stored is reused)."""
        try:
            data = image.path.read_bytes()
        except OSError as exc:
            raise InputError(
                f"cannot read image file: {exc.strerror or exc}", source=str(image.path), location=image.location
            ) from exc
        if hashlib.sha256(data).hexdigest() != image.sha256:
            raise InputError(
                "the image file changed while it was being imported", source=str(image.path), location=image.location
            )
        info = ImageInfo(
            data=data,
            sha256=image.sha256,
            width=image.width,
            height=image.height,
            format=_FORMATS[image.extension],
            phash=image.phash,
        )
        content = image_content_file(info)
        # The instance is read only by a callable upload_to (MediaAsset.image's is a string), so
        # None does, though the stub asks for a Model.
        name = self.image_field.generate_filename(None, info.file_name)  # type: ignore[arg-type]
        if self.storage.exists(name):
            return name
        saved = self.storage.save(name, content)
        self.saved_files.append(saved)
        return saved

    def discard_saved_files(self) -> None:
        """After a rollback: remove the image files this import added, so none is orphaned."""
        delete_stored_files(self.saved_files, self.storage)
        self.saved_files.clear()
