"""Offline OCR of page images with RapidOCR (PP-OCRv4 models shipped inside its wheel).

OCR costs seconds per page on a laptop CPU, so every page's result is cached on disk under
the data dir, keyed by a hash of the page's pixels: a re-run after Ctrl-C (or after a
crash) skips the pages already done, and an unchanged scan is never OCR'd twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import numpy as np
from PIL import Image
from tqdm import tqdm

# Page results are cached in this folder of the data dir (the store settings' `data_dir`).
CACHE_SUBDIR = "ocr-cache"
# Bumped whenever the engine, its settings or the Box format change: old entries are ignored.
CACHE_VERSION = "rapidocr-1.4.4-ppocrv4-v1"
# Recognition below this confidence is kept (a weak line still beats a lost line) but the
# page is reported, so a person can check it.
LOW_CONFIDENCE = 0.85
_TEXT_SCORE = 0.3
# A page whose text lines are mostly taller than wide was scanned sideways.
_UPRIGHT_ASPECT = 1.5
# No pixel darker than this grey: the page is blank (ink is far darker).
_BLANK_LEVEL = 200


@dataclass(frozen=True)
class Box:
    """One recognised text line: its text, axis-aligned bounds in pixels, and confidence."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def center_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def center_y(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class OcrPage:
    """The boxes found on one page image, in the image's (upright) coordinates."""

    boxes: tuple[Box, ...]
    width: int
    height: int

    @property
    def confidence(self) -> float:
        """Character-weighted mean confidence; 0.0 for a page with no text at all."""
        chars = sum(len(box.text) for box in self.boxes)
        if not chars:
            return 0.0
        return sum(box.confidence * len(box.text) for box in self.boxes) / chars


@dataclass(frozen=True)
class OcrOptions:
    """Where page results are cached (None: no disk cache) and whether to show per-page progress.

    Ingest runs before any store exists, so it is told the data dir rather than reading
    settings itself: the indexing service passes `OcrOptions.under(settings' data_dir)`.
    """

    cache_dir: Path | None
    progress: bool = True

    @classmethod
    def under(cls, data_dir: Path) -> OcrOptions:
        """Cache pages in the data dir; show per-page progress only to a person at a terminal."""
        return cls(data_dir / CACHE_SUBDIR, progress=sys.stderr.isatty())


# Without a data dir (a library call, a test): OCR every time, leave nothing on disk.
NO_CACHE = OcrOptions(None, progress=False)


@lru_cache(maxsize=1)
def _engine() -> Any:
    """Loaded once per process (~1 s); imported lazily so text-only ingest never pays for it."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(text_score=_TEXT_SCORE)


def _boxes_from(result: list[Any] | None) -> tuple[Box, ...]:
    boxes = []
    for points, text, score in result or []:
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        if text.strip():
            boxes.append(Box(text.strip(), min(xs), min(ys), max(xs), max(ys), float(score)))
    return tuple(boxes)


def _recognise(pixels: np.ndarray) -> tuple[Box, ...]:
    # The per-line angle classifier is off: it flips lines of a sideways page so that both
    # rotations read "well", which hides the page's real orientation (and costs time).
    result, _ = _engine()(pixels, use_cls=False)
    return _boxes_from(result)


def _is_sideways(boxes: tuple[Box, ...]) -> bool:
    lines = [box for box in boxes if len(box.text) >= 3]
    tall = sum(box.height > _UPRIGHT_ASPECT * box.width for box in lines)
    return bool(lines) and tall > len(lines) / 2


def ocr_image(image: Image.Image) -> OcrPage:
    """OCR one page, turning a sideways scan upright first: when nothing is read upright or
    the lines found are standing, the quarter turn read with the higher confidence wins."""
    upright = image.convert("RGB")
    darkest = cast(tuple[int, int], upright.convert("L").getextrema())[0]  # one band: (min, max)
    if darkest > _BLANK_LEVEL:
        return OcrPage((), upright.width, upright.height)  # a blank page: nothing to read
    boxes = _recognise(np.asarray(upright))
    if not boxes or _is_sideways(boxes):  # sideways lines are often not read at all
        candidates = []
        for angle in (90, 270):
            turned = upright.rotate(angle, expand=True)
            page = OcrPage(_recognise(np.asarray(turned)), turned.width, turned.height)
            candidates.append(page)
        return max(candidates, key=lambda page: (page.confidence, len(page.boxes)))
    return OcrPage(boxes, upright.width, upright.height)


def image_key(image: Image.Image) -> str:
    """Hash of the pixels (not the file bytes): the same page rendered again hits the cache."""
    rgb = image.convert("RGB")
    digest = hashlib.sha256(f"{CACHE_VERSION}|{rgb.size}".encode())
    digest.update(rgb.tobytes())
    return digest.hexdigest()


class PageCache:
    """One JSON file per page image, written atomically so an interrupted write leaves no entry."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path | None:
        return None if self.directory is None else self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> OcrPage | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            boxes = tuple(Box(**box) for box in raw["boxes"])
            return OcrPage(boxes, int(raw["width"]), int(raw["height"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged entry is simply recomputed

    def put(self, key: str, page: OcrPage) -> None:
        path = self._path(key)
        if path is None:
            return
        payload = {
            "boxes": [asdict(box) for box in page.boxes],
            "width": page.width,
            "height": page.height,
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8"
            ) as handle:
                json.dump(payload, handle, ensure_ascii=False)
            os.replace(handle.name, path)
        except OSError:
            pass  # the cache only saves time; a read-only data dir must not fail the ingest


def ocr_pages(
    images: Iterable[tuple[int, Image.Image]], total: int, options: OcrOptions, label: str
) -> Iterator[tuple[int, OcrPage]]:
    """OCR (page number, image) pairs in order, from the cache where possible, with a
    per-page progress bar. Each page is cached as soon as it is done."""
    cache = PageCache(options.cache_dir)
    with tqdm(
        total=total,
        desc=f"OCR {label[:24]}",
        unit="页 page",
        leave=False,
        file=sys.stderr,
        disable=not options.progress,
    ) as bar:
        for number, image in images:
            key = image_key(image)
            page = cache.get(key)
            if page is None:
                page = ocr_image(image)
                cache.put(key, page)
            bar.update(1)
            yield number, page
