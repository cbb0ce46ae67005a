"""Uploaded files are refused before they are read when they declare a size above the limit, and
never read past the limit when they declare none."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import InputError
from core.services.uploads import read_upload


class DeclaredFile:
    """An upload that declares a size and fails if anything reads it."""

    name = "huge.csv"

    def __init__(self, size: int) -> None:
        self.size = size

    def read(self, size: int = -1, /) -> bytes:
        raise AssertionError("read although its declared size is above the limit")


class StreamedFile(io.BytesIO):
    """An upload of unknown size that records how much was asked of it."""

    name = "stream.json"
    size = None

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int | None = -1, /) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


def test_a_file_within_the_limit_comes_back_whole():
    assert read_upload(SimpleUploadedFile("a.csv", b"x" * 100), max_bytes=100, field="file") == b"x" * 100


def test_a_declared_size_above_the_limit_is_refused_unread_naming_file_and_field():
    with pytest.raises(InputError) as caught:
        read_upload(DeclaredFile(5_000_000), max_bytes=2_000_000, field="file")
    text = str(caught.value)
    assert "huge.csv" in text and "field 'file'" in text
    assert "5,000,000 bytes, above the limit of 2,000,000" in text


def test_an_undeclared_size_is_read_only_up_to_the_limit():
    stream = StreamedFile(b"y" * 10_000)
    with pytest.raises(InputError, match="larger than the limit of 1,000 bytes"):
        read_upload(stream, max_bytes=1_000, field="file")
    assert stream.asked == [1_001] and stream.tell() == 1_001


def test_a_size_declared_too_small_is_still_caught_by_reading():
    lying = SimpleUploadedFile("lies.json", b"z" * 500)
    lying.size = 10
    with pytest.raises(InputError, match="lies.json.*larger than the limit of 100 bytes"):
        read_upload(lying, max_bytes=100, field="file")
