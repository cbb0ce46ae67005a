"""Fuzzing the catalogue import (hypothesis): random bytes, CSV built from real column names with
hostile cell values, and the documented JSON example with parts replaced by arbitrary JSON.

Whatever the input, an import either succeeds or raises InputError / ImportValidationError (the
errors the CLI and API turn into a message naming file, row and field); any other exception is a
crash. A failed import writes nothing: no catalogue row and no stored image file.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ImportValidationError, InputError
from influencers.models import Account, AccountHistory, AudienceProfile, CommentSample, Creator, MediaAsset, Post
from influencers.services.imports import creators_import_file
from influencers.services.imports.columns import ACCOUNT_COLUMNS, AUDIENCE_COLUMNS, CREATOR_COLUMNS, SNAPSHOT_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "docs/examples/creators.json").read_text(encoding="utf-8"))
CATALOGUE = (Creator, Account, AccountHistory, AudienceProfile, Post, CommentSample, MediaAsset)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure in CI reproduces locally
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

COLUMNS = list(CREATOR_COLUMNS + ACCOUNT_COLUMNS + SNAPSHOT_COLUMNS + AUDIENCE_COLUMNS) + [
    "audience_age.18-24",
    "audience_gender.female",
    "audience_countries.CN",
    "audience_languages.zh",
    "audience_interests.beauty",
    "audience_age.",
    "audience_nonsense.x",
]
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "inf",
    "12k",
    "1.5M",
    "３４５",
    "1,234,567",
    "99999999999999999999999",
    "2026-02-30",
    "31/12/2026",
    "0000-00-00",
    "true",
    "yes",
    "maybe",
    "instagram",
    "tiktok",
    "myspace",
    "@handle",
    "@",
    "a" * 5000,
    "emoji 🎉🔥",
    '=HYPERLINK("x")',
    "\x00",
    "\u202eevil",
    "CN",
    "XX",
    "zh;en",
    "-0.5",
    "150%",
    "0.7",
    "http://",
    "mailto:x",
    "../../etc/passwd",
    "images/linxiaoyu-serum.jpg",
]
VALID_COLUMNS = [c for c in COLUMNS if c not in ("audience_age.", "audience_nonsense.x")]
cell = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.sampled_from(HOSTILE),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


@pytest.fixture
def workspace(settings, tmp_path) -> Path:
    """A folder holding the example images (JSON imports reference them), and media of this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    shutil.copytree(ROOT / "docs/examples/images", tmp_path / "images")
    return tmp_path


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CATALOGUE}


def _stored_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def _import_must_not_crash(path: Path, data: bytes, *, dry_run: bool, media_root: Path) -> None:
    """Import `data` as file `path`; anything but success or a located input error fails the test.
    Each example runs in a savepoint that is rolled back, so examples cannot see each other."""
    path.write_bytes(data)
    before, files_before = _counts(), _stored_files(media_root)
    with transaction.atomic():
        try:
            creators_import_file(path=path, dry_run=dry_run)
        except (InputError, ImportValidationError) as exc:
            assert str(exc).strip(), "an input error without a message"
            assert _counts() == before, f"a rejected import wrote rows: {exc}"
            assert _stored_files(media_root) == files_before, "a rejected import left image files"
        transaction.set_rollback(True)


@pytest.mark.slow
@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".tsv", ".json", ".jsonl", ".xlsx", ".txt"]))
def test_random_bytes_never_crash_the_import(workspace, data, suffix):
    path = Path(tempfile.mkdtemp(dir=workspace)) / f"upload{suffix}"
    _import_must_not_crash(path, data, dry_run=False, media_root=workspace / "media")


HEADERS = st.one_of(
    # mostly a well-formed header (required columns, no duplicates) so the cells get validated...
    st.lists(st.sampled_from(VALID_COLUMNS), unique=True, max_size=10).map(
        lambda extra: ["platform", "handle", *[c for c in extra if c not in ("platform", "handle")]]
    ),
    # ...sometimes any header at all
    st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=12),
)


@pytest.mark.slow
@pytest.mark.django_db
@FUZZ
@given(header=HEADERS, data=st.data(), delimiter=st.sampled_from([",", ";", "\t"]), dry_run=st.booleans())
def test_wrong_csv_records_are_rejected_cleanly(workspace, header, data, delimiter, dry_run):
    width = st.just(len(header)) if data.draw(st.integers(0, 9)) else st.integers(0, len(header) + 2)
    rows = data.draw(st.lists(width.flatmap(lambda n: st.lists(cell, min_size=n, max_size=n)), min_size=1, max_size=5))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    encoded = buffer.getvalue().encode("utf-8", errors="surrogatepass")
    path = Path(tempfile.mkdtemp(dir=workspace)) / "creators.csv"
    _import_must_not_crash(path, encoded, dry_run=dry_run, media_root=workspace / "media")


def _paths(node, prefix=()):
    """Every path (tuple of keys/indexes) inside a JSON document."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


EXAMPLE_PATHS = [p for p in _paths(EXAMPLE) if p]


def _replace(document, path, value):
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


@pytest.mark.slow
@pytest.mark.django_db
@FUZZ
@given(
    edits=st.lists(st.tuples(st.sampled_from(EXAMPLE_PATHS), json_value), min_size=1, max_size=3),
    as_lines=st.booleans(),
)
def test_documented_json_with_wrong_parts_is_rejected_cleanly(workspace, edits, as_lines):
    document = copy.deepcopy(EXAMPLE)
    for path, value in edits:
        try:
            _replace(document, path, value)
        except (KeyError, IndexError, TypeError):  # an earlier edit removed the path's parent
            continue
    if as_lines and isinstance(document.get("creators"), list):
        data = "\n".join(json.dumps(creator, ensure_ascii=False) for creator in document["creators"]).encode()
        name = "creators.jsonl"
    else:
        data = json.dumps(document, ensure_ascii=False).encode()
        name = "creators.json"
    # The example's image paths are relative to the file: the import sees them next to it.
    folder = Path(tempfile.mkdtemp(dir=workspace))
    shutil.copytree(workspace / "images", folder / "images")
    _import_must_not_crash(folder / name, data, dry_run=False, media_root=workspace / "media")


def test_the_unmodified_example_imports(workspace, db):
    """The fuzzed documents start from a valid file (so the edits are what gets rejected)."""
    path = workspace / "creators.json"
    path.write_text(json.dumps(EXAMPLE, ensure_ascii=False), encoding="utf-8")
    result = creators_import_file(path=path)
    assert result.created > 0 and Creator.objects.count() > 0


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["x.csv", "x.json", "x.xlsx", "x", "x.exe"]))
def test_upload_type_sniffing_only_raises_input_errors(data, name):
    from influencers.services.imports.jobs import sniff_import_kind

    upload = SimpleUploadedFile(name, data)
    try:
        kind = sniff_import_kind(upload)
    except InputError as exc:
        assert exc.field == "file"
    else:
        assert kind in {"csv", "tsv", "json", "jsonl", "xlsx"}
    assert upload.tell() == 0  # the upload is left readable from the start for the import
