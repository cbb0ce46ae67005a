"""Errors of the vision app, all `VettedError`s so the API and CLI show their message as is."""

from __future__ import annotations

from core.errors import InputError, InvalidState, ServiceUnavailable


class WeightsMissing(ServiceUnavailable):
    """The configured CLIP weights are not on this machine (and it cannot download them).
    The message says exactly how to provide them."""

    code = "vision_weights_missing"


class EmbedderUnavailable(ServiceUnavailable):
    """The configured embedder cannot be loaded (bad model name, broken checkpoint...)."""

    code = "vision_embedder_unavailable"


class TextSearchUnavailable(InputError):
    """Text search was asked of an embedder without a text encoder (the style descriptor)."""

    code = "vision_text_search_unavailable"


class IndexCorrupt(InvalidState):
    """An index folder whose manifest or files are missing, truncated or fail their checksum."""

    code = "vision_index_corrupt"


class NoVectors(InvalidState):
    """A creator or account has no embedded images yet, so it has no aesthetic to compare."""

    code = "vision_no_vectors"
