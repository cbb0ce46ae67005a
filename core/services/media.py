"""Checking and storing images: content sniffing, size and pixel limits, sha256, perceptual
hash. Every image that enters the platform (import, upload, connector, demo) passes here."""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from PIL import Image, UnidentifiedImageError

from core.errors import InputError
from core.messages import (
    IMAGE_BROKEN,
    IMAGE_EMPTY,
    IMAGE_TOO_LARGE,
    IMAGE_TOO_MANY_PIXELS,
    IMAGE_TYPE,
    IMAGE_UNREADABLE,
)
from core.services.uploads import Upload, read_upload

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
_PHASH_SIZE = 32
_PHASH_KEEP = 8


@dataclass(frozen=True)
class ImageInfo:
    """What we know of a checked image."""

    data: bytes
    sha256: str
    width: int
    height: int
    format: str
    phash: str

    @property
    def extension(self) -> str:
        return {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}[self.format]

    @property
    def file_name(self) -> str:
        """The stored file's name, by content hash (the upload_to folder is not part of it)."""
        return f"{self.sha256[:2]}/{self.sha256}.{self.extension}"


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    matrix = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
    matrix[0, :] = np.sqrt(1.0 / n)
    return matrix


_DCT = _dct_matrix(_PHASH_SIZE)


def perceptual_hash(image: Image.Image) -> str:
    """64-bit DCT perceptual hash (pHash) as 16 hex digits.

    Grey 32×32 thumbnail → 2-D DCT → the 8×8 lowest frequencies (DC term excluded from the
    median) → one bit per coefficient above the median. Survives re-encoding, resizing and
    mild colour changes, so a re-posted copy of a picture has a Hamming distance of a few bits.
    """
    grey = image.convert("L").resize((_PHASH_SIZE, _PHASH_SIZE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    coefficients = (_DCT @ pixels @ _DCT.T)[:_PHASH_KEEP, :_PHASH_KEEP]
    median = np.median(coefficients.flatten()[1:])
    bits = (coefficients.flatten() > median).astype(np.uint8)
    value = int("".join(map(str, bits)), 2)
    return f"{value:016x}"


def hamming_distance(hash_a: str, hash_b: str) -> int:
    """Number of differing bits between two hex perceptual hashes."""
    return (int(hash_a, 16) ^ int(hash_b, 16)).bit_count()


def read_image_upload(upload: Upload, *, field: str) -> bytes:
    """An uploaded image's bytes, refused unread when it is above UPLOAD_MAX_BYTES."""
    return read_upload(upload, max_bytes=settings.UPLOAD_MAX_BYTES, field=field, too_large=IMAGE_TOO_LARGE)


def inspect_image_bytes(
    data: bytes, *, source: str = "", field: str = "image", max_bytes: int | None = None, max_pixels: int | None = None
) -> ImageInfo:
    """Check that `data` is an image we accept (by content, not name), within the size and pixel
    limits, and fully decodable; return its facts. Raises InputError naming `source`/`field`."""
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    max_pixels = settings.UPLOAD_MAX_PIXELS if max_pixels is None else max_pixels
    if not data:
        raise InputError(IMAGE_EMPTY(), source=source, field=field)
    if len(data) > max_bytes:
        raise InputError(IMAGE_TOO_LARGE(size=len(data), limit=max_bytes), source=source, field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format or ""
                width, height = probe.size
                if image_format not in ALLOWED_FORMATS:
                    raise InputError(
                        IMAGE_TYPE(kind=image_format or "?", allowed=sorted(ALLOWED_FORMATS)),
                        source=source,
                        field=field,
                    )
                if width * height > max_pixels:
                    raise InputError(
                        IMAGE_TOO_MANY_PIXELS(width=width, height=height, pixels=width * height, limit=max_pixels),
                        source=source,
                        field=field,
                    )
                probe.load()
                phash = perceptual_hash(probe)
    except InputError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # The library's exception names nothing a person can act on: the log keeps it.
        logger.info("unreadable image %s: %r", source or field, exc)
        raise InputError(IMAGE_UNREADABLE(), source=source, field=field) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        logger.info("broken image %s: %r", source or field, exc)
        raise InputError(IMAGE_BROKEN(), source=source, field=field) from exc
    return ImageInfo(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
        format=image_format,
        phash=phash,
    )


def inspect_image_path(path: Path | str, *, source: str = "", field: str = "image") -> ImageInfo:
    """inspect_image_bytes for a local file; a missing or unreadable file is an InputError."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read image file {path}: {exc.strerror or exc}", source=source, field=field) from exc
    return inspect_image_bytes(data, source=source or str(path), field=field)


def image_content_file(info: ImageInfo) -> ContentFile:
    """A ContentFile named by content hash, ready for an ImageField's `save`."""
    return ContentFile(info.data, name=info.file_name)


def delete_stored_files(names: Iterable[str], storage: Storage | None = None) -> None:
    """Delete stored files whose rows are gone (rolled back or purged). A file that cannot be
    deleted is logged, not raised: the rows are what count, and this often runs while another
    error is being handled."""
    storage = storage or default_storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete stored file %s", name, exc_info=True)
