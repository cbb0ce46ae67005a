"""Query images as callers hand them over (PIL images, uploaded bytes, file-like objects, paths)
→ checked PIL images. Bytes, files and paths pass the platform's image checks (type by content,
size and pixel limits) and a bad one is an InputError naming `field[i]`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from PIL import Image

from core.errors import InputError
from core.services.media import inspect_image_bytes, inspect_image_path

if TYPE_CHECKING:
    from _typeshed import SupportsRead

# A query image as a caller hands it over (a Django FieldFile or UploadedFile is a file object).
QueryImage: TypeAlias = "Image.Image | bytes | bytearray | memoryview | str | Path | SupportsRead[bytes]"


def load_query_images(items: Sequence[QueryImage] | None, *, field: str = "images") -> list[Image.Image]:
    """PIL images for every item, in order."""
    images = []
    for i, item in enumerate(items or []):
        where = f"{field}[{i}]"
        if isinstance(item, Image.Image):
            images.append(item)
            continue
        if isinstance(item, (bytes, bytearray, memoryview)):
            info = inspect_image_bytes(bytes(item), source=where, field=field)
        elif isinstance(item, (str, Path)):
            info = inspect_image_path(item, source=str(item), field=where)
        elif hasattr(item, "read"):
            if hasattr(item, "open") and getattr(item, "closed", False):
                item.open("rb")  # a Django FieldFile (e.g. a MoodBoardImage.image)
            data = item.read()
            info = inspect_image_bytes(data, source=getattr(item, "name", "") or where, field=field)
        else:
            raise InputError(f"expected an image, image bytes or a file path, got {type(item).__name__}", field=where)
        images.append(Image.open(io.BytesIO(info.data)))
    return images
