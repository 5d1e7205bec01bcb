"""Image bytes for the directory's tests and a published listing in one call. PNGs are built by hand
with zlib, so a test can promise pixels it does not carry or add chunks; JPEGs and images in other modes
come from Pillow."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

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


def jpeg_bytes(width: int = 40, height: int = 30, *, description: str = "", orientation: int = 0) -> bytes:
    """A real JPEG (a left half red, a right half blue); `description` and `orientation` go in its EXIF."""
    image = Image.new("RGB", (width, height), (0, 0, 200))
    image.paste((200, 0, 0), (0, 0, width // 2, height))
    exif = Image.Exif()
    if description:
        exif[0x010E] = description  # ImageDescription
    if orientation:
        exif[0x0112] = orientation  # Orientation
    return pillow_bytes(image, "JPEG", exif=exif.tobytes() if exif else b"")


def pillow_bytes(image: Image.Image, image_format: str = "PNG", **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, **params)
    return out.getvalue()


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
