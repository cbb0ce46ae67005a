"""Importing a catalogue file: read → validate everything → resolve against the catalogue →
write in one transaction → refresh metrics (and vetting) of the touched accounts."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from django.db import transaction

from influencers.errors import ImportValidationError, InputError
from influencers.services.cache_versions import data_version_bump

from .documents import DocumentValidator
from .mapping import ColumnMapping, load_mapping
from .problems import Problems, fail
from .readers import detect_format, read_csv, read_json, read_jsonl, read_xlsx
from .records import ImportBatch
from .tabular import RowValidator
from .writer import Writer, resolve_accounts

logger = logging.getLogger(__name__)

# progress(stage, done, total): "validating" (records read; total None until the end), "validated"
# (total = accounts), then "writing" (accounts written). "writing" is reported from inside the
# import's transaction, while the writer thread may use the connection: a callback must not touch
# the database then (the CLI's progress bar does not; the job handler ignores that stage).
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
        }


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small tuples are built: with it on,
    each full collection re-walks every object made so far, which roughly doubles the time of a
    large import. Reference counting still frees everything; nothing here makes cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_import_file(
    path: Path, *, mapping: ColumnMapping | None = None, progress: ImportProgress | None = None
) -> ImportBatch:
    """Read and validate a whole file; raises ImportValidationError listing every problem."""
    source = str(path)
    fmt = detect_format(path)
    problems = Problems(source)
    if fmt in ("csv", "xlsx"):
        if fmt == "csv":
            header, rows = read_csv(
                path,
                encoding=mapping.encoding if mapping else "utf-8",
                delimiter=mapping.delimiter if mapping else None,
                header_row=mapping.header_row if mapping else 1,
            )
        else:
            header, rows = read_xlsx(
                path, sheet=mapping.sheet if mapping else None, header_row=mapping.header_row if mapping else 1
            )
        validator = RowValidator(source, problems, mapping=mapping)
        if validator.read_header(header, mapping.header_row if mapping else 1):
            validator.rows(_counting(rows, progress))
        if not validator.records and not problems:
            fail(source, "the file has a header but no data rows")
        batch = ImportBatch(source=source, creators=validator.records, ignored_columns=validator.ignored)
    else:
        if mapping is not None:
            fail(source, "a column mapping applies to CSV and XLSX files; JSON files use the documented format")
        records = read_json(path) if fmt == "json" else read_jsonl(path, problems)
        documents = DocumentValidator(source, problems, base_dir=path.parent)
        creators = []
        seen = 0
        for location, raw in _counting(records, progress):
            seen += 1
            creator = documents.creator(location, raw)
            if creator is not None:
                creators.append(creator)
        if not seen and not problems:
            fail(source, "the file contains no creators")
        batch = ImportBatch(source=source, creators=creators)
    problems.raise_if_any()
    return batch


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


def creators_import_file(
    *,
    path: Path | str,
    mapping: Path | str | ColumnMapping | None = None,
    dry_run: bool = False,
    refresh: bool = True,
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Import a creators file (CSV, TSV, XLSX, JSON or JSON Lines; docs/import-format.md).

    All or nothing: every record is validated first and all problems are raised together as
    ImportValidationError; only a fully valid file is written, in one transaction. With
    `dry_run` nothing is written and the result tells what would be created or updated.
    With `refresh` (the default) the metrics (and vetting) of the touched accounts are
    recomputed afterwards; a bulk backfill may skip that and run a METRICS job later.
    """
    path = Path(path)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    column_mapping = load_mapping(mapping) if isinstance(mapping, (str, Path)) else mapping
    with _gc_paused():
        batch = read_import_file(path, mapping=column_mapping, progress=progress)
        timings["validate"] = time.perf_counter() - started
        if progress:
            progress("validated", 0, batch.account_count)

        mark = time.perf_counter()
        problems = Problems(str(path))
        resolve_accounts(batch, problems)
        problems.raise_if_any()
        timings["resolve"] = time.perf_counter() - mark

        mark = time.perf_counter()
        writer = Writer(dry_run=dry_run)
        report = (lambda done, total: progress("writing", done, total)) if progress else None
        if dry_run:
            writer.write(batch, report)
        else:
            try:
                with transaction.atomic():
                    writer.write(batch, report)
            except InputError as exc:  # an image file changed between validation and writing
                writer.discard_saved_files()
                raise ImportValidationError([exc]) from exc
            except BaseException:
                writer.discard_saved_files()
                raise
        timings["write"] = time.perf_counter() - mark

    result = ImportResult(
        source=str(path),
        format=detect_format(path),
        dry_run=dry_run,
        accounts_total=batch.account_count,
        counts=writer.counts,
        account_actions=writer.account_actions,
        ignored_columns=batch.ignored_columns,
        timings=timings,
    )
    if not dry_run and writer.touched:
        # The bulk writer uses its own connection, which the response cache's write watcher does not
        # see: say here that the catalogue changed, so no cached discovery answer outlives the import.
        data_version_bump("catalogue")
        mark = time.perf_counter()
        result.warnings.extend(
            _after_import(sorted(writer.touched), refresh=refresh, new_images=writer.counts["media"]["created"])
        )
        if refresh:
            timings["refresh"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return result


def _after_import(account_ids: list[int], *, refresh: bool, new_images: int) -> list[str]:
    """What follows a committed import, for the accounts it touched: metrics, vetting (where that
    service exists) and the re-evaluation of watches (with `refresh`), and embedding of the new
    images. The data is in by now: a failure here is reported as a warning, not rolled back."""
    warnings: list[str] = []
    if refresh:
        from influencers.services.metrics import refresh_metrics

        try:
            refresh_metrics(account_ids)
        except Exception as exc:  # noqa: BLE001 - the data is in; say what is stale instead of failing
            logger.exception("metrics refresh after import failed")
            warnings.append(f"the data was imported, but refreshing metrics failed: {exc}")
        _optional_hook("influencers.services.vetting.vet_accounts", warnings, "vetting the accounts", account_ids)
        _optional_hook(
            "influencers.services.monitoring.evaluate_after_data_change", warnings, "re-evaluating watches", account_ids
        )
    if new_images:
        _optional_hook(
            "vision.services.jobs.embed_request_job",
            warnings,
            "queueing the new images for embedding",
            account_ids=account_ids,
            reason="import",
        )
    return warnings


def _optional_hook(dotted: str, warnings: list[str], what: str, *args: Any, **kwargs: Any) -> None:
    """Call a service another part of the platform owns, when it is installed."""
    module_name, _, name = dotted.rpartition(".")
    try:
        function = getattr(import_module(module_name), name, None)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return  # not installed (yet): nothing to call
        logger.exception("%s after import: %s cannot be loaded", what, module_name)
        warnings.append(f"the data was imported, but {what} was skipped: {exc}")
        return
    if function is None:
        return
    try:
        function(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the data is in; report what did not follow
        logger.exception("%s after import failed", what)
        warnings.append(f"the data was imported, but {what} failed: {exc}")
