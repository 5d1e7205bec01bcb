"""The relationship rules, in one place for every caller (requests, Add customer, partnerships,
the Admin center, later the API): region, cloud, the US Government rule for admin permissions
(DAP) and multichannel (one admin partner per customer and service).

The rules answer with codes and parameters; each caller words the answer as its page does (a
refusal of an acceptance is stored as a code and worded in the reader's language, see
invitations/refusals.py). A second copy of a rule elsewhere fails tests/test_relationship_rules.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from customers.models import DelegatedAdminPermission, RelationshipStatus
from partnercenter.models import Cloud, Tenant
from partnercenter.selectors import region_codes_for_countries


@dataclass(frozen=True)
class Refusal:
    """Why two tenants may not form a relationship: `code` is "cloud" or "region" (the codes of
    invitations/refusals.py), `params` what the wording needs."""

    code: str
    params: dict = field(default_factory=dict)


def _same_region(a: Tenant, b: Tenant) -> bool:
    if str(a.country) == str(b.country):
        return True  # a country lies in one region at most (CountryRegion.country is unique): no query
    codes = region_codes_for_countries({str(a.country), str(b.country)})  # one query for both
    return codes[str(a.country)] == codes[str(b.country)]


def same_cloud(a: Tenant, b: Tenant) -> bool:
    return a.cloud == b.cloud


def relationship_refusals(seller: Tenant, other: Tenant) -> list[Refusal]:
    """Every reason the seller (a partner, a provider) may not serve the other tenant (a customer, a
    reseller): relationships exist only inside one cloud and one region (EU/EFTA is one region; a
    country outside the region table is a region of its own). Cloud first, then region."""
    refusals: list[Refusal] = []
    if not same_cloud(seller, other):
        refusals.append(Refusal("cloud", {"partner": seller.name, "partner_cloud": seller.cloud,
                                          "customer_cloud": other.cloud}))
    if not _same_region(seller, other):
        refusals.append(Refusal("region", {"partner": seller.name, "partner_country": str(seller.country),
                                           "customer_country": str(other.country)}))
    return refusals


def relationship_allowed(seller: Tenant, other: Tenant) -> Refusal | None:
    """None when the seller may serve the other tenant, else the first refusal (cloud before region)."""
    refusals = relationship_refusals(seller, other)
    return refusals[0] if refusals else None


def customer_country_allowed(partner: Tenant, country: str) -> Refusal | None:
    """For a customer organisation still to be created in the partner's cloud: its country's region."""
    return relationship_allowed(partner, Tenant(country=country, cloud=partner.cloud))


def in_us_government_cloud(tenant: Tenant) -> bool:
    return tenant.cloud == Cloud.USGOV


def dap_allowed(tenant: Tenant) -> bool:
    """Admin permissions (DAP) do not exist in the US Government cloud: a partner there requests no
    admin permissions and a customer there reassigns none."""
    return not in_us_government_cloud(tenant)


def dap_holders(*, customer: Tenant, services: Iterable[str]) -> dict[str, DelegatedAdminPermission]:
    """Service → the active admin permission of the customer's one admin partner for it."""
    rows = DelegatedAdminPermission.objects.filter(
        customer=customer, service__in=list(services), status=RelationshipStatus.ACTIVE
    ).select_related("partner")
    return {row.service: row for row in rows}


def dap_conflicts(*, customer: Tenant, services: Iterable[str], partner: Tenant) -> dict[str, DelegatedAdminPermission]:
    """Multichannel: the services for which another partner is the admin partner today. Granting
    them to `partner` needs the customer's choice to reassign (one admin partner per service)."""
    return {
        service: row
        for service, row in dap_holders(customer=customer, services=services).items()
        if row.partner_id != partner.id
    }


def dap_grant_plan(
    *, customer: Tenant, services: Iterable[str], partner: Tenant, reassign: bool
) -> tuple[list[str], list[DelegatedAdminPermission]]:
    """What granting admin permissions for `services` to `partner` does under the multichannel rule:
    the services to grant and the other partners' permissions that end for it. A service the partner
    holds already is left alone; one another partner holds moves only when `reassign`."""
    chosen = list(services)
    holders = dap_holders(customer=customer, services=chosen)
    grant: list[str] = []
    displaced: list[DelegatedAdminPermission] = []
    for service in chosen:
        holder = holders.get(service)
        if holder is not None and holder.partner_id == partner.id:
            continue
        if holder is not None:
            if not reassign:
                continue
            displaced.append(holder)
        grant.append(service)
    return grant, displaced
