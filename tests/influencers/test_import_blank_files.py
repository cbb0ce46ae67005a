"""A file holding only whitespace is "empty", whatever whitespace it is: ASCII (refused from its
bytes) or Unicode (refused from its text: ideographic space, no-break space, a byte order mark)."""

from pathlib import Path

import pytest

from core.errors import ImportValidationError
from influencers.services.imports.service import creators_import_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "content",
    [b"", b" \n\t\r\x0b\x0c", "\u3000\n\xa0\n".encode(), "\ufeff \n".encode(), b"\x1c\x1d\n"],
)
@pytest.mark.parametrize("name", ["c.jsonl", "c.json", "c.csv"])
def test_whitespace_only_files_are_empty(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportValidationError, match="the file is empty"):
        creators_import_file(path=path)


def test_a_record_after_blank_lines_is_read(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record = '{"name": "A", "accounts": [{"platform": "instagram", "handle": "a"}]}'
    path.write_text(" \n\u3000\n" + record + "\n", encoding="utf-8")
    assert creators_import_file(path=path, refresh=False).accounts_total == 1
