"""Demo data of the directory: Fabrikam (the demo's indirect provider) listed and published, with a
generated logo, so the public Indirect providers directory has an entry and Tailspin's and Lucerne's
admins can try "Request to partner"."""

from __future__ import annotations

import struct
import zlib

from django.core.files.base import ContentFile

from directory import logos, services
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from partnercenter.selectors import tenant_users_with_roles

SIDE = 96


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def demo_logo_png() -> bytes:
    """A 96 × 96 logo: a dark blue square with a light diagonal band."""
    rows = b"".join(
        b"\x00" + b"".join(b"\xf2\xc8\x1e" if abs(x - y) < 14 else b"\x0b\x3d\x91" for x in range(SIDE))
        for y in range(SIDE)
    )
    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 9))
            + _chunk(b"IEND", b""))


def demo_directory(tenants: dict[str, Tenant], *, operator: User) -> None:
    fabrikam = tenants["fabrikam.example"]
    admin = tenant_users_with_roles(tenant=fabrikam, roles=[Role.GLOBAL_ADMIN]).order_by("id").first()
    data = services.ListingInput(
        name="Fabrikam Disztribúció Kft.", listed=True,
        locations=[{"country": "HU", "url": "https://fabrikam.example/partners/hu"},
                   {"country": "AT", "url": "https://fabrikam.example/partners/at"},
                   {"country": "SK", "url": "https://fabrikam.example/partners/sk"}],
        logo=logos.logo_checked(ContentFile(demo_logo_png(), name="fabrikam.png")),
    )
    listing = services.listing_save(tenant=fabrikam, actor=admin, data=data, submit=True)
    services.listing_approve(listing_id=listing.pk, operator=operator)
