"""Logo uploads, the pure part: only PNG and JPEG, checked with Pillow and re-encoded before they are stored.

The upload's size is checked before anything is decoded; Pillow is then only allowed its PNG and JPEG
readers (no other decoder sees the bytes), the dimensions are checked from the header before a pixel is
decoded, and Pillow's decompression-bomb guard counts as a refusal. What is stored is a fresh PNG drawn
from the decoded pixels alone: no EXIF, ICC profile, text chunks, comments or trailing data survive
(a JPEG's EXIF orientation is applied first, so a photo stays upright). SVG and everything else are
refused: an SVG is a document that can carry scripts. The uploaded name is never used: stored names are
generated."""

from __future__ import annotations

import io
import struct
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from partnercenter.errors import Invalid

DEFAULT_MAX_BYTES = 512 * 1024
MAX_SIDE = 1024
MIN_SIDE = 16
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
# Pillow's readers allowed to look at an upload. MPO is what Pillow calls a JPEG carrying further frames
# (cameras write them); only its first frame is kept.
_FORMATS = ("PNG", "JPEG")
_OPENED_AS = {"PNG", "JPEG", "MPO"}
# What Pillow raises on a damaged or truncated file (UnidentifiedImageError is an OSError; struct.error,
# IndexError… come from its header and EXIF parsers).
_DAMAGED = (Image.UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, IndexError, KeyError,
            EOFError, struct.error)


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def max_bytes() -> int:
    return int(getattr(settings, "DIRECTORY_LOGO_MAX_BYTES", DEFAULT_MAX_BYTES))


def _refuse(message: object, **params: object) -> Invalid:
    return Invalid(message, field="logo", params={"max_side": MAX_SIDE, "min_side": MIN_SIDE, **params})


def _dimensions_checked(width: int, height: int) -> None:
    if width > MAX_SIDE or height > MAX_SIDE:
        raise _refuse(_("The logo is %(width)s × %(height)s pixels; it may be at most %(max_side)s × %(max_side)s."),
                      width=width, height=height)
    if width < MIN_SIDE or height < MIN_SIDE:
        raise _refuse(_("The logo is %(width)s × %(height)s pixels; it must be at least %(min_side)s × %(min_side)s."),
                      width=width, height=height)


def _broken() -> Invalid:
    return _refuse(_("The logo file is damaged or not a real PNG or JPEG image."))


def _too_large(size: int, limit: int) -> Invalid:
    return _refuse(_("The logo is too large (%(size)s KB). It may be up to %(limit)s KB."),
                   size=(size + 1023) // 1024, limit=limit // 1024)


def _opened(data: bytes) -> Image.Image:
    """The image with only its header read; a header promising more pixels than Pillow's guard allows
    (Image.MAX_IMAGE_PIXELS) is refused, its warning as much as its error."""
    try:
        image = Image.open(io.BytesIO(data), formats=_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("The logo has too many pixels; it may be at most %(max_side)s × %(max_side)s.")) from None
    if image.format not in _OPENED_AS:
        raise _broken()
    return image


def _drawn(image: Image.Image) -> Image.Image:
    """The decoded pixels, upright, as RGB or RGBA in a new image that carries nothing else."""
    image.load()
    image = ImageOps.exif_transpose(image)  # a JPEG's (or a PNG's eXIf) orientation, applied to the pixels
    if image.mode.startswith("I"):  # 16-bit grey: scaled down, not clipped to white (a tRNS key is lost)
        image = image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if alpha else "RGB")
    return Image.frombytes(image.mode, image.size, image.tobytes())  # a fresh image: no info, no EXIF, no ICC


def logo_checked(upload: object) -> Logo:
    """The upload as it will be stored (re-encoded as PNG), or Invalid beside the "logo" field."""
    size = int(getattr(upload, "size", 0) or 0)
    limit = max_bytes()
    if size > limit:
        raise _too_large(size, limit)
    upload.seek(0)  # type: ignore[attr-defined]
    data = upload.read(limit + 1)  # type: ignore[attr-defined]
    if not data:
        raise _refuse(_("The logo file is empty."))
    if len(data) > limit:
        raise _too_large(len(data), limit)
    if not data.startswith((PNG_SIGNATURE, JPEG_SIGNATURE)):
        head = data[:512].lstrip().lower()
        if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
            raise _refuse(_("SVG logos are not accepted (an SVG can carry scripts). Upload a PNG or JPEG image."))
        raise _refuse(_("Only PNG and JPEG images can be uploaded as a logo."))
    with warnings.catch_warnings():
        # Pillow's UserWarnings are about metadata that is dropped anyway (a truncated EXIF block…).
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _opened(data)
            _dimensions_checked(*image.size)  # from the header, before a single pixel is decoded
            clean = _drawn(image)
            out = io.BytesIO()
            clean.save(out, format="PNG", optimize=True)
        except _DAMAGED:
            raise _broken() from None
    width, height = clean.size
    return Logo(data=out.getvalue(), content_type="image/png", extension="png", width=width, height=height)


def storage_name(tenant_id: object, logo: Logo) -> str:
    """A generated path in default_storage: nothing of the uploaded name is in it."""
    return f"directory/logos/{tenant_id}/{uuid.uuid4().hex}.{logo.extension}"
