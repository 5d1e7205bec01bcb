"""Image bytes for the directory's tests (Pillow is not a dependency: PNGs are built with zlib) and a
published listing in one call."""

from __future__ import annotations

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from directory import services
from directory.models import Listing


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bytes(width: int = 32, height: int = 32, *, extra_chunks: bytes = b"", trailer: bytes = b"",
              raw: bytes | None = None) -> bytes:
    """An RGB PNG (8 bits) of one colour; `raw` replaces the image data (e.g. too little of it)."""
    rows = b"".join(b"\x00" + b"\x10\x80\xf0" * width for _ in range(height)) if raw is None else raw
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + extra_chunks + _chunk(b"IDAT", zlib.compress(rows))
            + _chunk(b"IEND", b"") + trailer)


def text_chunk(text: bytes) -> bytes:
    return _chunk(b"tEXt", b"Comment\x00" + text)


def jpeg_bytes(width: int = 40, height: int = 30, *, app1: bytes = b"") -> bytes:
    """A structurally valid JPEG skeleton: SOI, APP1 (optional), DQT, SOF0, DHT, SOS, scan data, EOI."""
    def seg(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    parts = [b"\xff\xd8"]
    if app1:
        parts.append(seg(0xE1, app1))
    parts += [seg(0xDB, b"\x00" + bytes(64)), seg(0xC0, sof), seg(0xC4, b"\x00" + bytes(16)),
              seg(0xDA, b"\x01\x01\x00\x00\x3f\x00"), b"\x12\x34\x56", b"\xff\xd9"]
    return b"".join(parts)


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def published(tenant, admin, operator, *, name: str = "", locations=None, logo: bytes | None = None) -> Listing:  # noqa: ANN001
    """Submit a listing as `admin` and approve it as `operator`: the published listing."""
    from directory.logos import logo_checked

    data = services.ListingInput(
        name=name or tenant.name, listed=True,
        locations=locations if locations is not None else [{"country": str(tenant.country), "url": "https://example.com/resellers"}],
        logo=logo_checked(upload(logo)) if logo is not None else None,
    )
    listing = services.listing_save(tenant=tenant, actor=admin, data=data, submit=True)
    return services.listing_approve(listing_id=listing.pk, operator=operator)
