"""Pure rules of Service management (F13): which DAP service (customers.models.Service) a product of the
offer catalog belongs to, and the actions of gdap.access that act on a service.

The product names are subscriptions.models.Offer.product as the catalog stores them (in English,
subscriptions/catalog.py). A product the operator added that is not named here falls back to the
productivity suite: the directory, its users and licenses live there, so that is where a partner
supports an unknown product first."""

from __future__ import annotations

from collections.abc import Iterable

from customers.models import Service
from gdap import access

PRODUCT_SERVICES: dict[str, str] = {
    "Business Mail": Service.PRODUCTIVITY,
    "Office Suite": Service.PRODUCTIVITY,
    "Security": Service.PRODUCTIVITY,
    "Collaboration": Service.PRODUCTIVITY,
    "Business Applications": Service.BUSINESS_APPS,
    "Cloud Infrastructure": Service.INFRASTRUCTURE,
}
FALLBACK_SERVICE = Service.PRODUCTIVITY

# The order of the Services table and of the actions (the Service choices' and the catalog's order).
SERVICE_ORDER = tuple(Service.values)


def service_of_product(product: str) -> str:
    """The DAP service of an offer's product; unknown or empty products fall back to productivity."""
    return PRODUCT_SERVICES.get((product or "").strip(), FALLBACK_SERVICE)


def services_of_products(products: Iterable[str]) -> dict[str, list[str]]:
    """{service: [its products, sorted, once each]} for the products of a customer's subscriptions, in
    SERVICE_ORDER; services without a product are left out."""
    grouped: dict[str, set[str]] = {}
    for product in products:
        grouped.setdefault(service_of_product(product), set()).add((product or "").strip())
    return {service: sorted(grouped[service]) for service in SERVICE_ORDER if service in grouped}


def actions_of_service(service: str) -> tuple[str, ...]:
    """The gdap.access actions a DAP for `service` can cover (access.DAP_SERVICES), in catalog order."""
    return tuple(action for action in access.actions() if service in access.DAP_SERVICES.get(action, ()))
