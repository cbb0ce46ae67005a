"""A JSON Lines file is no longer decoded whole before its lines are parsed: only the lines orjson
refuses are decoded. A file that is not UTF-8 must still get the whole file's message (its first
byte that is not UTF-8, as `decode_text` names it) and nothing else, even when that byte comes
after valid records (written and then rolled back) and after lines with other problems."""

from pathlib import Path

import pytest

from core.errors import ImportValidationError
from influencers.models import Account
from influencers.services.imports import writer
from influencers.services.imports.service import creators_import_file

pytestmark = pytest.mark.django_db

HINT = "; save it as UTF-8 (Excel: 'CSV UTF-8'), or name its encoding (e.g. gb18030) in a column mapping"


def record(handle: str) -> bytes:
    return b'{"name": "A", "accounts": [{"platform": "instagram", "handle": "%s"}]}\n' % handle.encode()


def messages(path: Path, **options: object) -> list[str]:
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path, source="c.jsonl", refresh=False, **options)
    return [str(error) for error in excinfo.value.errors]


@pytest.mark.parametrize("overlap", [True, False])
def test_a_late_line_that_is_not_utf8_is_the_only_error_and_nothing_is_written(tmp_path, monkeypatch, overlap):
    monkeypatch.setattr(writer, "ACCOUNTS_PER_CHUNK", 1)  # the first records are written before it
    path = tmp_path / "c.jsonl"
    gb18030 = '{"name": "晨光"}\n'.encode("gb18030")
    path.write_bytes(record("a") + b'{"name": "B",}\n' + record("b") + gb18030 + record("c"))
    assert messages(path, overlap=overlap) == [
        f"c.jsonl, line 4: the file is not UTF-8 text: byte 0xb3 at byte offset 165 cannot be decoded{HINT}"
    ]
    assert not Account.objects.exists()


def test_a_byte_that_is_not_utf8_in_a_line_that_is_not_json_either(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(record("a") + b'{"name": "\xe4\xb8",\n')
    assert messages(path) == [
        f"c.jsonl, line 2: the file is not UTF-8 text: byte 0xe4 at byte offset 80 cannot be decoded{HINT}"
    ]


def test_after_a_byte_order_mark_the_offset_is_counted_as_before(tmp_path):
    # As the whole file was decoded: the offset counts from after the mark (and so does the byte shown).
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + record("a") + b'{"name": "\xff"}\n')
    assert messages(path) == [
        f"c.jsonl, line 2: the file is not UTF-8 text: byte 0x3a at byte offset 80 cannot be decoded{HINT}"
    ]
