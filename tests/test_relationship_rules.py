"""customers/rules.py: the one module of relationship rules (region, cloud, the US Government DAP
rule, multichannel), its unit tests, and a scan of the code base that fails when a second copy of a
rule comes back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from customers import rules
from customers.models import DelegatedAdminPermission, RelationshipStatus, Service
from customers.services import dap_grant
from partnercenter.models import Cloud
from tests.factories import PartnerFactory, TenantFactory

ROOT = Path(__file__).resolve().parent.parent
RULES_MODULE = ROOT / "customers" / "rules.py"

# A copy of a rule outside customers/rules.py: a region comparison, a cloud comparison, the US
# Government cloud compared by hand, the admin partners read by hand.
COPIES = [
    re.compile(r"\bsame_region\("),
    re.compile(r"\bregion_code_for_country\("),
    re.compile(r"\bregion_codes_for_countries\("),
    re.compile(r"\bdap_holders\("),
    re.compile(r"\.cloud\s*(==|!=)|(==|!=)\s*[\w.]+\.cloud\b"),
    re.compile(r"Cloud\.USGOV\s*(==|!=)|(==|!=)\s*Cloud\.USGOV|Cloud\.USGOV\s+(not\s+)?in\b"),
    re.compile(r"""["']usgov["']"""),
]
# The one definition of the cloud and the error code the Admin center has always answered with.
ALLOWED_LINES = [
    re.compile(r"""^\s*USGOV = "usgov", """),
    re.compile(r"""\bcode="usgov"\)?,?$"""),
    re.compile(r"^def region_code_for_country\("),
    re.compile(r"^def region_codes_for_countries\("),
]


def copies_in(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if any(allowed.search(line) for allowed in ALLOWED_LINES):
            continue
        if any(pattern.search(line) for pattern in COPIES):
            found.append(f"{number}: {line.strip()}")
    return found


def _scanned_files() -> list[Path]:
    files = []
    for path in [*ROOT.rglob("*.py"), *ROOT.rglob("*.html")]:
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"tests", ".venv", "node_modules", "bench"} or "migrations" in relative.parts:
            continue
        if path == RULES_MODULE:
            continue
        files.append(path)
    return files


def test_no_second_copy_of_a_relationship_rule():
    offenders = {
        str(path.relative_to(ROOT)): found for path in _scanned_files() if (found := copies_in(path.read_text()))
    }
    assert offenders == {}


@pytest.mark.parametrize("line", [
    "    if not same_region(partner, customer):",
    "    if customer.cloud != seller.cloud:",
    "    if partner.cloud == Cloud.USGOV:",
    '    may_dap = perms and reseller.cloud != "usgov"',
    "{% if partner.cloud == 'usgov' %}",
    "    holders = dap_holders(customer=customer, services=services)",
    "    if region_code_for_country(a) == region_code_for_country(b):",
    "    codes = region_codes_for_countries({a, b})",
])
def test_the_scan_finds_a_planted_copy(line):
    assert copies_in(line)


def test_the_scan_allows_the_cloud_definition_and_the_rules_module_has_the_rules():
    assert copies_in('    USGOV = "usgov", _("US Government cloud")') == []
    assert copies_in(RULES_MODULE.read_text())  # the rules live there (and only there)


# Region and cloud


@pytest.mark.django_db
def test_same_region_is_allowed():
    assert rules.relationship_allowed(PartnerFactory(country="DE"), TenantFactory(country="DE")) is None


@pytest.mark.django_db
def test_one_country_is_one_region_without_a_query_and_two_countries_are_looked_up_once():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partner, home, abroad = PartnerFactory(country="DE"), TenantFactory(country="DE"), TenantFactory(country="US")
    with CaptureQueriesContext(connection) as queries:
        assert rules.relationship_allowed(partner, home) is None
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert rules.relationship_allowed(partner, abroad).code == "region"
    assert len(queries) == 1
    # A country outside the region table is a region of its own: the same one for two tenants there.
    assert rules.relationship_allowed(PartnerFactory(country="BR"), TenantFactory(country="BR")) is None


@pytest.mark.django_db
def test_eu_efta_is_one_region():
    partner = PartnerFactory(country="DE")
    for country in ("FR", "HU", "CH", "NO", "IS", "LI"):
        assert rules.relationship_allowed(partner, TenantFactory(country=country)) is None, country


@pytest.mark.django_db
def test_another_region_is_refused_with_the_region_code_and_countries():
    partner = PartnerFactory(name="Contoso", country="DE")
    refusal = rules.relationship_allowed(partner, TenantFactory(country="US"))
    assert refusal == rules.Refusal("region", {"partner": "Contoso", "partner_country": "DE",
                                               "customer_country": "US"})
    assert rules.relationship_allowed(PartnerFactory(country="US"), TenantFactory(country="CA")).code == "region"
    assert rules.customer_country_allowed(partner, "US").code == "region"
    assert rules.customer_country_allowed(partner, "AT") is None


@pytest.mark.django_db
def test_another_cloud_is_refused_before_the_region():
    partner = PartnerFactory(name="Contoso", country="DE", cloud=Cloud.PUBLIC)
    customer = TenantFactory(country="US", cloud=Cloud.USGOV)
    refusals = rules.relationship_refusals(partner, customer)
    assert [r.code for r in refusals] == ["cloud", "region"]
    assert refusals[0].params == {"partner": "Contoso", "partner_cloud": "public", "customer_cloud": "usgov"}
    assert rules.relationship_allowed(partner, customer).code == "cloud"
    same_country = TenantFactory(country="DE", cloud=Cloud.GERMANY)
    assert [r.code for r in rules.relationship_refusals(partner, same_country)] == ["cloud"]


@pytest.mark.django_db
def test_refusals_are_worded_as_the_acceptance_page_words_them():
    from invitations.refusals import refusal_text

    partner = PartnerFactory(name="Contoso", country="DE")
    refusal = rules.relationship_allowed(partner, TenantFactory(country="US"))
    assert refusal_text(refusal.code, refusal.params) == (
        "Contoso can only form reseller relationships with customers in EU/EFTA. Your organisation is in "
        "United States of America."
    )


# US Government cloud: no admin permissions


@pytest.mark.parametrize("cloud", [Cloud.PUBLIC, Cloud.GERMANY, Cloud.CHINA])
def test_dap_is_allowed_outside_the_us_government_cloud(cloud):
    tenant = PartnerFactory.build(cloud=cloud)
    assert rules.dap_allowed(tenant)
    assert not rules.in_us_government_cloud(tenant)


def test_no_dap_in_the_us_government_cloud():
    tenant = PartnerFactory.build(cloud=Cloud.USGOV)
    assert not rules.dap_allowed(tenant)
    assert rules.in_us_government_cloud(tenant)


# Multichannel: one admin partner per customer and service


def _grant(partner, customer, *services):  # noqa: ANN001, ANN202
    for service in services:
        DelegatedAdminPermission.objects.create(partner=partner, customer=customer, service=service)


@pytest.mark.django_db
def test_dap_conflicts_are_the_services_another_partner_holds():
    customer, mine, other = TenantFactory(), PartnerFactory(), PartnerFactory()
    _grant(mine, customer, Service.PRODUCTIVITY)
    _grant(other, customer, Service.BUSINESS_APPS)
    conflicts = rules.dap_conflicts(customer=customer, services=Service.values, partner=mine)
    assert list(conflicts) == [Service.BUSINESS_APPS]
    assert conflicts[Service.BUSINESS_APPS].partner == other
    assert rules.dap_conflicts(customer=customer, services=[Service.PRODUCTIVITY], partner=mine) == {}


@pytest.mark.django_db
def test_grant_plan_keeps_the_current_admin_partner_unless_reassigned():
    customer, mine, other = TenantFactory(), PartnerFactory(), PartnerFactory()
    _grant(mine, customer, Service.PRODUCTIVITY)
    _grant(other, customer, Service.BUSINESS_APPS)
    grant, displaced = rules.dap_grant_plan(customer=customer, services=Service.values, partner=mine, reassign=False)
    assert (grant, displaced) == ([Service.INFRASTRUCTURE], [])
    grant, displaced = rules.dap_grant_plan(customer=customer, services=Service.values, partner=mine, reassign=True)
    assert grant == [Service.BUSINESS_APPS, Service.INFRASTRUCTURE]
    assert [(row.partner, row.service) for row in displaced] == [(other, Service.BUSINESS_APPS)]


@pytest.mark.django_db
def test_dap_grant_follows_the_plan_one_admin_partner_per_service():
    customer, mine, other = TenantFactory(), PartnerFactory(), PartnerFactory()
    _grant(other, customer, Service.BUSINESS_APPS)
    assert dap_grant(partner=mine, customer=customer, services=Service.values, reassign=False, actor=None) == [
        Service.PRODUCTIVITY, Service.INFRASTRUCTURE]
    assert dap_grant(partner=mine, customer=customer, services=Service.values, reassign=True, actor=None) == [
        Service.BUSINESS_APPS]
    active = DelegatedAdminPermission.objects.filter(customer=customer, status=RelationshipStatus.ACTIVE)
    assert sorted(active.values_list("service", "partner_id")) == sorted(
        (service, mine.id) for service in Service.values)
