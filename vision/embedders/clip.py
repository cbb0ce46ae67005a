"""CLIP image and text embeddings with open_clip, from weights that are already on this machine.

VISION_PRETRAINED may be
- an open_clip pretrained tag (e.g. `laion2b_s34b_b79k`): used only if its file is already in the
  Hugging Face / open_clip cache (this code never downloads; `vision_fetch_weights` does, online);
- a checkpoint file (.bin / .pt / .pth / .safetensors) holding the state dict of VISION_MODEL;
- a hub-style folder (`open_clip_config.json` + weights, what `vision_fetch_weights --output`
  writes): its config defines the model and preprocessing, VISION_MODEL is ignored.
Empty means the default tag of VISION_MODEL.

The embedder id is `clip:<model>:<tag or sha256-of-checkpoint>:pp-<preprocessing hash>`, so two
different checkpoints, or the same weights with different preprocessing, never share an index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from vision.embedders.base import Embedder, l2_normalize
from vision.embedders.presence import DEFAULT_TAGS, looks_like_path
from vision.embedders.presence import FOLDER_CHECKPOINTS as _FOLDER_CHECKPOINTS
from vision.errors import EmbedderUnavailable, WeightsMissing

logger = logging.getLogger(__name__)

# torch's OpenMP threads busy-wait between operations by default (GNU OpenMP spins ~300,000 times
# at each barrier): on a host whose cores are shared — with the embedding pipeline's prefetch
# thread, or with other processes — the spinning takes the core a thread that has work needs, and
# a preempted worker makes its partner spin longer. Passive waits give those cores back (the
# pipeline bench under load: 104-110 instead of 142-157 ms of CPU per image for the same forward
# pass, and the overlapped pipeline 111-124 instead of 173-178). Read once, when torch
# loads its OpenMP runtime, so it is set here, before any import of torch on the embedding paths;
# an operator's own OMP_WAIT_POLICY wins (docs/vision.md, "The embedding pipeline").
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_HASH_CACHE: dict[tuple[str, int, int], str] = {}


@dataclass(frozen=True)
class ClipWeights:
    """Where the CLIP weights of a (model, pretrained) setting are on this machine."""

    model: str  # the architecture name shown and used in the embedder id
    source: str  # "tag" | "file" | "folder"
    checkpoint: Path
    tag: str = ""
    folder: Path | None = None
    pretrained_cfg: dict[str, Any] = field(default_factory=dict)

    @property
    def open_clip_name(self) -> str:
        return f"local-dir:{self.folder}" if self.source == "folder" else self.model

    def weights_id(self) -> str:
        """The tag, or the checkpoint's content hash (a renamed copy keeps its id)."""
        return self.tag if self.source == "tag" else f"sha256-{file_sha256(self.checkpoint)[:16]}"


def file_sha256(path: Path) -> str:
    """sha256 of a (large) file, computed once per process per (path, size, mtime)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _HASH_CACHE:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _HASH_CACHE[key] = digest.hexdigest()
    return _HASH_CACHE[key]


def how_to_provide_weights(model: str, tag: str) -> str:
    """The instructions every "weights missing" message ends with."""
    return (
        "This machine cannot download weights. To provide them:\n"
        f"  1. on a machine with internet access run:\n"
        f"       python manage.py vision_fetch_weights --model {model} --pretrained {tag or '<tag>'}"
        " --output clip-weights/\n"
        "  2. copy the clip-weights/ folder here and set VISION_PRETRAINED=/path/to/clip-weights\n"
        "     (or set VISION_PRETRAINED to an open_clip checkpoint file: .bin, .pt, .pth or .safetensors;\n"
        "      or copy the Hugging Face cache folder ~/.cache/huggingface/hub and keep the tag);\n"
        "  3. run `python manage.py build_index` to re-embed the images with CLIP.\n"
        "Or set VISION_EMBEDDER=style (or auto) to use the weight-free style descriptor instead."
    )


def _cached_tag_file(cfg: dict[str, Any]) -> Path | None:
    """The local file of an open_clip pretrained config, if it is already cached (no network)."""
    if cfg.get("file"):
        path = Path(cfg["file"])
        return path if path.is_file() else None
    if cfg.get("hf_hub"):
        from huggingface_hub import try_to_load_from_cache

        # open_clip's form: "org/repo/filename" or "org/repo/" (the default weights file name).
        repo_id, filename = os.path.split(cfg["hf_hub"])
        filename = filename or "open_clip_pytorch_model.bin"
        # open_clip prefers a .safetensors twin when one was downloaded.
        if filename == "open_clip_pytorch_model.bin":
            candidates = ["open_clip_model.safetensors", filename]
        elif filename.endswith((".bin", ".pth")):
            candidates = [filename[:-4] + ".safetensors", filename]
        else:
            candidates = [filename]
        for name in candidates:
            found = try_to_load_from_cache(repo_id=repo_id, filename=name)
            if isinstance(found, str) and Path(found).is_file():
                return Path(found)
    if cfg.get("url"):
        path = Path(os.path.expanduser("~/.cache/clip")) / os.path.basename(cfg["url"])
        if path.is_file():
            return path
    return None


def _not_a_model_config(model: str, known: list[str]) -> EmbedderUnavailable:
    return EmbedderUnavailable(
        f"VISION_MODEL={model} is not an open_clip model config (known: {', '.join(known[:12])}, ...)"
    )


def resolve_clip_weights(model: str, pretrained: str) -> ClipWeights:
    """Find the weights of VISION_MODEL / VISION_PRETRAINED on this machine, without loading them.

    Raises WeightsMissing (with instructions) when they are not here, EmbedderUnavailable when
    the setting itself is wrong (unknown model or tag)."""
    import open_clip

    pretrained = (pretrained or "").strip()
    if pretrained and looks_like_path(pretrained):
        path = Path(pretrained).expanduser()
        if path.is_dir():
            config = path / "open_clip_config.json"
            if not config.is_file():
                raise WeightsMissing(
                    f"VISION_PRETRAINED={pretrained} is a folder without open_clip_config.json; a hub-style "
                    f"folder holds open_clip_config.json and the weights file.\n{how_to_provide_weights(model, '')}"
                )
            checkpoint = next((path / name for name in _FOLDER_CHECKPOINTS if (path / name).is_file()), None)
            if checkpoint is None:
                raise WeightsMissing(
                    f"VISION_PRETRAINED={pretrained} has open_clip_config.json but no weights file "
                    f"(expected one of {', '.join(_FOLDER_CHECKPOINTS)}).\n{how_to_provide_weights(model, '')}"
                )
            name = json.loads(config.read_text()).get("model_name") or path.name
            return ClipWeights(model=name, source="folder", checkpoint=checkpoint, folder=path)
        if path.is_file():
            if model not in open_clip.list_models():
                raise _not_a_model_config(model, open_clip.list_models())
            return ClipWeights(model=model, source="file", checkpoint=path)
        raise WeightsMissing(
            f"VISION_PRETRAINED={pretrained}: no such file or folder.\n{how_to_provide_weights(model, '')}"
        )

    if model not in open_clip.list_models():
        raise _not_a_model_config(model, open_clip.list_models())
    tags = open_clip.list_pretrained_tags_by_model(model)
    tag = pretrained or DEFAULT_TAGS.get(model) or (tags[0] if tags else "")
    if not tag:
        raise WeightsMissing(
            f"open_clip has no pretrained tag for {model}; set VISION_PRETRAINED to a checkpoint file of it.\n"
            + how_to_provide_weights(model, "")
        )
    cfg = open_clip.get_pretrained_cfg(model, tag)
    if not cfg:
        raise EmbedderUnavailable(
            f"VISION_PRETRAINED={tag} is neither a file nor a pretrained tag of {model} (tags: {', '.join(tags)})"
        )
    checkpoint = _cached_tag_file(cfg)
    if checkpoint is None:
        raise WeightsMissing(
            f"CLIP weights {model} / {tag} are not on this machine.\n{how_to_provide_weights(model, tag)}"
        )
    return ClipWeights(model=model, source="tag", checkpoint=checkpoint, tag=tag, pretrained_cfg=dict(cfg))


def clip_weights_available(model: str, pretrained: str) -> bool:
    """True when resolve_clip_weights would find the weights (used by VISION_EMBEDDER=auto)."""
    try:
        resolve_clip_weights(model, pretrained)
    except (WeightsMissing, EmbedderUnavailable):
        return False
    return True


class OpenClipEmbedder(Embedder):
    """open_clip model + its real preprocessing; batched image and text encoding on CPU."""

    kind = "clip"
    supports_text = True

    def __init__(
        self,
        *,
        model: str,
        pretrained: str,
        batch_size: int = 32,
        torch_threads: int = 0,
        jpeg_decode_factor: int = 1,
    ) -> None:
        if jpeg_decode_factor < 1:  # refused before the weights are read and the model built
            raise EmbedderUnavailable(f"VISION_JPEG_DECODE_FACTOR must be ≥ 1, not {jpeg_decode_factor}")
        import open_clip
        import torch

        self.weights = resolve_clip_weights(model, pretrained)
        if torch_threads > 0:
            torch.set_num_threads(torch_threads)
        kwargs: dict[str, Any] = {"precision": "fp32", "device": "cpu"}
        if self.weights.source != "folder":
            kwargs["pretrained"] = str(self.weights.checkpoint)
            cfg = self.weights.pretrained_cfg
            if cfg.get("quick_gelu"):
                kwargs["force_quick_gelu"] = True
            overrides = {k: cfg[k] for k in ("mean", "std", "interpolation", "resize_mode") if k in cfg}
            if overrides:
                kwargs["force_preprocess_cfg"] = overrides
        try:
            model_obj, _, preprocess = open_clip.create_model_and_transforms(self.weights.open_clip_name, **kwargs)
            self._tokenizer = open_clip.get_tokenizer(self.weights.open_clip_name)
        except (RuntimeError, ValueError, OSError, KeyError) as exc:
            raise EmbedderUnavailable(
                f"could not load CLIP {self.weights.model} from {self.weights.checkpoint}: {exc}"
            ) from exc
        model_obj.eval()
        self._model = model_obj
        self._preprocess = preprocess
        self._pil_steps, self._normalize = _split_preprocess(preprocess)
        if self._normalize is not None:
            # ToTensor's ÷ 255 then Normalize's (x − mean) ÷ std for each of the 256 byte values of
            # each channel, in float32 as torch computes them: preparing a pixel is then one lookup
            # (a third of the CPU of computing it, for the same bits).
            mean = np.asarray(self._normalize.mean, dtype=np.float32)
            std = np.asarray(self._normalize.std, dtype=np.float32)
            levels = np.arange(256, dtype=np.float32)[:, None] / np.float32(255)
            self._levels = np.ascontiguousarray(((levels - mean) / std).T)  # (channel, byte value)
        self._torch = torch
        self._batch_size = max(1, batch_size)
        pp = open_clip.get_model_preprocess_cfg(model_obj)
        self.preprocess_cfg = {k: (list(v) if isinstance(v, tuple) else v) for k, v in sorted(pp.items())}
        size = pp["size"] if isinstance(pp["size"], int) else max(pp["size"])
        # JPEG decoded at ≥ the model input (× jpeg_decode_factor), then open_clip's own resize:
        # libjpeg's scaled IDCT is itself a low-pass filter, so the pixels differ from a full-size
        # decode by resampling noise (docs/vision.md, "JPEGs decoded at reduced scale"), for a third
        # of the decoding and resizing CPU of a 1080 px photo.
        self.draft_size = jpeg_decode_factor * size
        self.preprocess_cfg["decode_jpeg_min_side"] = self.draft_size
        pp_hash = hashlib.sha256(json.dumps(self.preprocess_cfg, sort_keys=True).encode()).hexdigest()[:8]
        self._id = f"clip:{self.weights.model}:{self.weights.weights_id()}:pp-{pp_hash}"
        with torch.inference_mode():
            size = self.preprocess_cfg["size"]
            size = size if isinstance(size, int) else size[0]
            self._dim = int(model_obj.encode_image(torch.zeros(1, 3, size, size)).shape[-1])
        tag = f"pretrained {self.weights.tag}" if self.weights.tag else f"checkpoint {self.weights.checkpoint.name}"
        self.label = f"CLIP {self.weights.model} ({tag})"

    @property
    def id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def model(self) -> Any:
        """The torch module (for the benchmark's raw forward pass)."""
        return self._model

    def prepare(self, image: Image.Image) -> Any:
        """open_clip's preprocessing without torch: its PIL steps (resize, crop, RGB), then its
        `ToTensor` (÷255) and `Normalize` in numpy → (3, H, W) float32: each channel's bytes
        looked up in the table of their values computed by the same float32 operations in the
        same order (IEEE-rounded), so the values are open_clip's, bit for bit (tested); no torch
        here, see the module docstring of base."""
        if self._normalize is None:
            return self._preprocess(image)
        pixels = np.asarray(self._pil_steps(image), dtype=np.uint8)
        prepared = np.empty((3, *pixels.shape[:2]), dtype=np.float32)
        for channel in range(3):
            np.take(self._levels[channel], pixels[:, :, channel], out=prepared[channel])
        return prepared

    def batch_tensor(self, items: Sequence[Any]) -> Any:
        """Prepared items → the (n, 3, H, W) float tensor the model takes."""
        if self._normalize is None:
            return self._torch.stack(list(items))
        return self._torch.from_numpy(np.stack(items))

    def forward(self, batch: Any) -> np.ndarray:
        """The model alone on an already preprocessed (n, 3, H, W) tensor."""
        with self._torch.inference_mode():
            features = self._model.encode_image(batch)
        return l2_normalize(features.float().numpy())

    def embed_prepared(self, items: Sequence[Any]) -> np.ndarray:
        return self.forward(self.batch_tensor(items))

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        tokens = self._tokenizer(list(texts))
        with self._torch.inference_mode():
            features = self._model.encode_text(tokens)
        return l2_normalize(features.float().numpy())


def _split_preprocess(preprocess: Any) -> tuple[Any, Any]:
    """open_clip's inference transform split where PIL ends: (the PIL steps, the Normalize after
    ToTensor), or (None, None) when it is not that shape (then `prepare` runs it whole)."""
    from torchvision import transforms

    steps = list(getattr(preprocess, "transforms", []))
    to_tensor = [i for i, step in enumerate(steps) if isinstance(step, transforms.ToTensor)]
    if len(to_tensor) != 1 or [type(step) for step in steps[to_tensor[0] + 1 :]] != [transforms.Normalize]:
        return None, None
    return transforms.Compose(steps[: to_tensor[0]]), steps[-1]
