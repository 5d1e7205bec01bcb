"""Logo uploads, the pure part: only PNG and JPEG, checked and rewritten before they are stored.

Pillow is not a dependency of this project, so the two formats are read with the standard library:
a PNG is parsed chunk by chunk (CRCs checked), its image data inflated with a bound (a decompression
bomb stops at the size its header promises) and written again as a fresh PNG of only the chunks that
draw the image (IHDR, PLTE, tRNS, one recompressed IDAT, IEND); a JPEG is walked marker by marker and
written again without its APPn/COM segments (metadata, embedded scripts, trailing data). SVG and
everything else are refused: an SVG is a document that can carry scripts. The uploaded name is never
used: stored names are generated."""

from __future__ import annotations

import struct
import uuid
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Invalid

DEFAULT_MAX_BYTES = 512 * 1024
MAX_SIDE = 1024
MIN_SIDE = 16
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = {b"PLTE", b"tRNS"}
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
# JPEG frame markers (baseline, extended, progressive): they carry the dimensions.
_SOF = {0xC0, 0xC1, 0xC2}
_JPEG_KEEP = {0xC4, 0xDB, 0xDD, *_SOF}


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


def _png_raw_size(width: int, height: int, bits_per_pixel: int, interlaced: bool) -> int:
    def rows(w: int, h: int) -> int:
        return 0 if w == 0 or h == 0 else h * (1 + (w * bits_per_pixel + 7) // 8)

    if not interlaced:
        return rows(width, height)
    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
    return sum(rows((width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy) for x0, y0, dx, dy in passes)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(data: bytes) -> Logo:
    pos, header, kept, idat = len(PNG_SIGNATURE), None, [], []
    while True:
        if pos + 12 > len(data):
            raise _broken()
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise _broken()
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if crc != zlib.crc32(kind + body):
            raise _broken()
        pos += 12 + length
        if header is None:
            if kind != b"IHDR" or length != 13:
                raise _broken()
            header = body
            width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", body)
            _dimensions_checked(width, height)  # before a single byte of image data is inflated
            if depth not in _PNG_DEPTHS.get(colour, ()) or interlace not in (0, 1) or _compression or _filter:
                raise _broken()
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        elif kind in _PNG_KEEP:
            kept.append(_png_chunk(kind, body))
        elif not kind[:1].islower():  # an unknown critical chunk: not an image we can vouch for
            raise _broken()
    expected = _png_raw_size(width, height, depth * _PNG_CHANNELS[colour], interlace == 1)
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(b"".join(idat), expected + 1)
    except zlib.error:
        raise _broken() from None
    if len(raw) != expected or not inflater.eof or (colour == 3 and not any(c[4:8] == b"PLTE" for c in kept)):
        raise _broken()
    out = PNG_SIGNATURE + _png_chunk(b"IHDR", header) + b"".join(kept)
    out += _png_chunk(b"IDAT", zlib.compress(raw, 9)) + _png_chunk(b"IEND", b"")
    return Logo(data=out, content_type="image/png", extension="png", width=width, height=height)


def _jpeg(data: bytes) -> Logo:
    pos, out, size = 2, [b"\xff\xd8"], None
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise _broken()
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        segment = data[pos:pos + 2 + length]
        if length < 2 or len(segment) != 2 + length:
            raise _broken()
        if marker in _SOF:
            if length < 8:
                raise _broken()
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            _dimensions_checked(width, height)
            size = (width, height)
        if marker == 0xDA:  # start of scan: entropy-coded data follows, up to EOI
            end = data.find(b"\xff\xd9", pos + 2 + length)
            if end < 0 or size is None:
                raise _broken()
            out.append(data[pos:end] + b"\xff\xd9")  # what followed EOI (an appended archive…) is dropped
            break
        if marker in _JPEG_KEEP:
            out.append(segment)
        elif not (0xE0 <= marker <= 0xEF or marker == 0xFE):  # other than APPn / COM: not a plain JPEG
            raise _broken()
        pos += 2 + length
    return Logo(data=b"".join(out), content_type="image/jpeg", extension="jpg", width=size[0], height=size[1])


def logo_checked(upload: object) -> Logo:
    """The upload as it will be stored (rewritten), or Invalid beside the "logo" field."""
    size = int(getattr(upload, "size", 0) or 0)
    limit = max_bytes()
    if size > limit:
        raise _refuse(_("The logo is too large (%(size)s KB). It may be up to %(limit)s KB."),
                      size=(size + 1023) // 1024, limit=limit // 1024)
    upload.seek(0)  # type: ignore[attr-defined]
    data = upload.read(limit + 1)  # type: ignore[attr-defined]
    if not data:
        raise _refuse(_("The logo file is empty."))
    if len(data) > limit:
        raise _refuse(_("The logo is too large (%(size)s KB). It may be up to %(limit)s KB."),
                      size=(len(data) + 1023) // 1024, limit=limit // 1024)
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise _refuse(_("SVG logos are not accepted (an SVG can carry scripts). Upload a PNG or JPEG image."))
    raise _refuse(_("Only PNG and JPEG images can be uploaded as a logo."))


def storage_name(tenant_id: object, logo: Logo) -> str:
    """A generated path in default_storage: nothing of the uploaded name is in it."""
    return f"directory/logos/{tenant_id}/{uuid.uuid4().hex}.{logo.extension}"
