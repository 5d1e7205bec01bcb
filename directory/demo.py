"""Demo data of the directory: Fabrikam (the demo's indirect provider) listed and published, with a
generated logo, so the public Indirect providers directory has an entry and Tailspin's and Lucerne's
admins can try "Request to partner"."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image

from directory import logos, services
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from partnercenter.selectors import tenant_users_with_roles

SIDE = 96


def demo_logo_png() -> bytes:
    """A 96 × 96 logo: a dark blue square with a light diagonal band."""
    image = Image.new("RGB", (SIDE, SIDE), (0x0B, 0x3D, 0x91))
    image.putdata([(0xF2, 0xC8, 0x1E) if abs(x - y) < 14 else (0x0B, 0x3D, 0x91)
                   for y in range(SIDE) for x in range(SIDE)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


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
