"""Importing a catalogue file: read → validate everything → resolve against the catalogue →
write in one transaction → refresh metrics (and vetting) of the touched accounts. Reading,
resolving and writing go chunk by chunk; with `overlap` a chunk is written while the next one is
validated, still in one transaction that any problem rolls back."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from core.caching.versions import data_version_bump
from core.errors import ImportValidationError, InputError
from core.services.collector import collector_paused
from influencers.follow_ups import StepProgress, StepTimes, accounts_changed
from influencers.services.imports.documents import DocumentValidator
from influencers.services.imports.mapping import ColumnMapping, load_mapping
from influencers.services.imports.problems import Problems, fail
from influencers.services.imports.readers import detect_format, read_csv, read_json, read_jsonl, read_xlsx
from influencers.services.imports.records import CreatorIn, ImportBatch
from influencers.services.imports.tabular import RowValidator
from influencers.services.imports.writer import AccountResolver, Writer, creator_chunks

logger = logging.getLogger(__name__)

# progress(stage, done, total): "validating" (records read; total None until the end), "validated"
# (total = accounts), then "writing" (accounts written). "writing" is reported from inside the
# import's transaction, while the writer thread may use the connection: a callback must not touch
# the database then (the CLI's progress bar does not; the job handler ignores that stage). With
# `overlap` there is no "validated" stage, "writing" has no total, and "validating" is reported
# from inside the transaction too.
ImportProgress = Callable[[str, int, int | None], None]
VALIDATE_PROGRESS_EVERY = 1000


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    source: str
    format: str
    dry_run: bool
    accounts_total: int
    counts: dict[str, dict[str, int]]
    account_actions: list[tuple[str, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # Each follow-up step's [wall, CPU] seconds, its worker processes' CPU included.
    follow_up_timings: dict[str, list[float]] = field(default_factory=dict)

    @property
    def created(self) -> int:
        return sum(c["created"] for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c["updated"] for c in self.counts.values())

    def rows_written(self) -> int:
        return self.created + self.updated

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for Job.result."""
        return {
            "source": self.source,
            "format": self.format,
            "dry_run": self.dry_run,
            "accounts": self.accounts_total,
            "counts": self.counts,
            "ignored_columns": self.ignored_columns,
            "warnings": self.warnings,
            "timings": {key: round(value, 3) for key, value in self.timings.items()},
            # Where a default import's time went (issue 20: the follow-up is most of it), on the
            # job as the command prints it with -v 2.
            "follow_up_timings": {
                what: {"wall": round(wall, 3), "cpu": round(cpu, 3)}
                for what, (wall, cpu) in self.follow_up_timings.items()
            },
        }


class FileReader:
    """Reads and validates one import file, yielding each valid creator record as soon as it is
    checked; every problem goes to `problems` (raised by the caller once the file is read)."""

    def __init__(
        self,
        path: Path,
        *,
        mapping: ColumnMapping | None = None,
        progress: ImportProgress | None = None,
        source: str | None = None,
    ) -> None:
        self.path = path
        # How messages name the file: the path given, or for an upload its own name (never the
        # server's temporary path).
        self.source = source or str(path)
        self.format = detect_format(path, self.source)
        self.mapping = mapping
        self.progress = progress
        self.problems = Problems(self.source)
        self.ignored_columns: list[str] = []

    def creators(self) -> Iterator[CreatorIn]:
        """The valid creator records. A JSON or JSON Lines record is yielded as soon as it is
        validated; CSV/XLSX rows of one creator may lie anywhere in the file (`creator_key`), so
        their records come once every row is read."""
        if self.format in ("csv", "xlsx"):
            yield from self._rows()
            return
        if self.mapping is not None:
            fail(self.source, "a column mapping applies to CSV and XLSX files; JSON files use the documented format")
        records = (
            read_json(self.path, self.source)
            if self.format == "json"
            else read_jsonl(self.path, self.problems, self.source)
        )
        documents = DocumentValidator(self.source, self.problems, base_dir=self.path.parent)
        seen = 0
        for location, raw in _counting(records, self.progress):
            seen += 1
            creator = documents.creator(location, raw)
            if creator is not None:
                yield creator
        if not seen and not self.problems:
            fail(self.source, "the file contains no creators")

    def _rows(self) -> list[CreatorIn]:
        mapping, path = self.mapping, self.path
        header_row = mapping.header_row if mapping else 1
        if self.format == "csv":
            header, rows = read_csv(
                path,
                encoding=mapping.encoding if mapping else "utf-8",
                delimiter=mapping.delimiter if mapping else None,
                header_row=header_row,
                source=self.source,
            )
        else:
            header, rows = read_xlsx(
                path, sheet=mapping.sheet if mapping else None, header_row=header_row, source=self.source
            )
        validator = RowValidator(self.source, self.problems, mapping=mapping)
        if validator.read_header(header, header_row):
            validator.rows(_counting(rows, self.progress))
        if not validator.records and not self.problems:
            fail(self.source, "the file has a header but no data rows")
        self.ignored_columns = validator.ignored
        return validator.records


def read_import_file(
    path: Path,
    *,
    mapping: ColumnMapping | None = None,
    progress: ImportProgress | None = None,
    source: str | None = None,
) -> ImportBatch:
    """Read and validate a whole file; raises ImportValidationError listing every problem."""
    reader = FileReader(path, mapping=mapping, progress=progress, source=source)
    creators = list(reader.creators())
    reader.problems.raise_if_any()
    return ImportBatch(source=reader.source, creators=creators, ignored_columns=reader.ignored_columns)


def _counting(items: Any, progress: ImportProgress | None) -> Iterator[Any]:
    if progress is None:
        yield from items
        return
    done = 0
    for item in items:
        yield item
        done += 1
        if done % VALIDATE_PROGRESS_EVERY == 0:
            progress("validating", done, None)
    progress("validating", done, done)


class _Stopwatch:
    """Seconds spent per phase of an import whose phases interleave chunk by chunk."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {"validate": 0.0, "resolve": 0.0}

    def timed(self, phase: str, items: Iterator[Any]) -> Iterator[Any]:
        """`items`, adding the time spent producing each one to `phase`."""
        while True:
            mark = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                self.seconds[phase] += time.perf_counter() - mark
                return
            self.seconds[phase] += time.perf_counter() - mark
            yield item

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        mark = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - mark


def _write_chunks(
    chunks: Iterable[list[CreatorIn]],
    reader: FileReader,
    writer: Writer,
    watch: _Stopwatch,
    *,
    dry_run: bool,
    progress: ImportProgress | None,
    accounts_total: int | None,
) -> int:
    """Resolve and write (or compare, for a dry run) each valid chunk in one transaction, which
    a problem found anywhere in the file rolls back. Returns the number of accounts."""
    resolver = AccountResolver(before_read=writer.finish)
    resolve_problems = Problems(reader.source)
    accounts_done = 0
    with ExitStack() as scope:
        in_transaction = False
        for chunk in chunks:
            if reader.problems or resolve_problems:
                continue  # nothing more is written; the rest is read only to report every problem
            if not dry_run and not in_transaction:
                # Opened at the first chunk to write, so a file broken from its start never takes
                # the database's write lock; the account lookups below are inside it.
                scope.enter_context(transaction.atomic())
                # Exited before the transaction: a statement still running on the writer's thread
                # must end (or be skipped) before a rollback, never run after it.
                scope.enter_context(writer.running())
                in_transaction = True
            with watch.phase("resolve"):
                resolver.resolve(chunk, resolve_problems)
            if resolve_problems:
                continue
            writer.write_chunk(chunk)
            accounts_done += sum(len(creator.accounts) for creator in chunk)
            if progress:
                progress("writing", accounts_done, accounts_total)
        reader.problems.raise_if_any()  # inside the transaction: a problem rolls back what was written
        resolve_problems.raise_if_any()
        writer.finish()
    return accounts_done


def creators_import_file(
    *,
    path: Path | str,
    mapping: Path | str | ColumnMapping | None = None,
    dry_run: bool = False,
    refresh: bool = True,
    progress: ImportProgress | None = None,
    overlap: bool = False,
    source: str | None = None,
    follow_up_progress: StepProgress | None = None,
) -> ImportResult:
    """Import a creators file (CSV, TSV, XLSX, JSON or JSON Lines; docs/import-format.md).

    All or nothing: every record is validated and all problems are raised together as
    ImportValidationError; only a fully valid file is written, in one transaction. With
    `dry_run` nothing is written and the result tells what would be created or updated.
    With `refresh` (the default) the metrics (and vetting) of the touched accounts are
    recomputed afterwards; a bulk backfill may skip that and run a METRICS job later.

    With `overlap`, a JSON or JSON Lines file is written chunk by chunk while the rest of it is
    still being validated (the database inserts one chunk while Python checks the next), inside
    the same single transaction: a problem anywhere stops the writing, every problem is still
    reported, and the transaction is rolled back. Without it the whole file is validated before
    the transaction starts. `progress` is then called from inside the transaction for every
    stage and must not use the database.

    `source` is how messages and the result name the file (default: the path given); an upload
    passes its own name so nobody sees the server's temporary path. `follow_up_progress(what,
    done, total)` follows the steps that run after the commit (influencers.follow_ups).
    """
    path = Path(path)
    started = time.perf_counter()
    column_mapping = load_mapping(mapping) if isinstance(mapping, (str, Path)) else mapping
    reader = FileReader(path, mapping=column_mapping, progress=progress, source=source)
    watch = _Stopwatch()
    writer = Writer(dry_run=dry_run)
    with collector_paused():
        chunks: Iterable[list[CreatorIn]] = watch.timed("validate", creator_chunks(reader.creators()))
        accounts_total: int | None = None
        if not overlap:
            chunks = list(chunks)
            reader.problems.raise_if_any()
            accounts_total = sum(len(creator.accounts) for chunk in chunks for creator in chunk)
            if progress:
                progress("validated", 0, accounts_total)
        try:
            accounts_done = _write_chunks(
                chunks, reader, writer, watch, dry_run=dry_run, progress=progress, accounts_total=accounts_total
            )
        except InputError as exc:  # an image file changed between validation and writing
            writer.discard_saved_files()
            raise ImportValidationError([exc]) from exc
        except BaseException:
            writer.discard_saved_files()
            raise
        finally:
            writer.close()
    timings = dict(watch.seconds)
    timings["write"] = time.perf_counter() - started - sum(timings.values())

    result = ImportResult(
        source=reader.source,
        format=reader.format,
        dry_run=dry_run,
        accounts_total=accounts_done,
        counts=writer.counts,
        account_actions=writer.account_actions,
        ignored_columns=reader.ignored_columns,
        timings=timings,
    )
    if not dry_run and writer.touched:
        # The bulk writer uses its own connection, which the response cache's write watcher does not
        # see: say here that the catalogue changed, so no cached discovery answer outlives the import.
        data_version_bump("catalogue")
        mark = time.perf_counter()
        result.warnings.extend(
            _after_import(
                sorted(writer.touched),
                refresh=refresh,
                new_images=writer.counts["media"]["created"],
                progress=follow_up_progress,
                timings=result.follow_up_timings,
            )
        )
        if refresh:
            timings["refresh"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return result


def _after_import(
    account_ids: list[int],
    *,
    refresh: bool,
    new_images: int,
    progress: StepProgress | None = None,
    timings: StepTimes | None = None,
) -> list[str]:
    """Announce a committed import (influencers.follow_ups): metrics, vetting and the
    re-evaluation of watches of the accounts it touched (with `refresh`), and embedding of the new
    images. The data is in by now: a failure here is reported as a warning, not rolled back."""
    warnings: list[str] = []

    def report(what: str, exc: Exception) -> None:
        warnings.append(f"the data was imported, but {what} failed: {exc}")

    accounts_changed(
        account_ids,
        report=report,
        new_images=new_images,
        recompute=refresh,
        reason="import",
        progress=progress,
        timings=timings,
    )
    return warnings
