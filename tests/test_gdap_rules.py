"""gdap/rules.py through relationship_create: each bad input of issue 10's list is a typed error with the
form field it belongs beside, and nothing is saved."""

from __future__ import annotations

from datetime import timedelta

import pytest

from customers.services import reseller_relationship_ensure
from gdap import rules, services
from gdap.models import GLOBAL_ADMINISTRATOR_ID, AdminRelationship, RoleDefinition
from partnercenter.errors import Code, DomainError
from partnercenter.models import Cloud
from tests.factories import PartnerFactory, TenantFactory

pytestmark = pytest.mark.django_db

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GA = str(GLOBAL_ADMINISTRATOR_ID)


@pytest.fixture
def served(partner, customer):
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    return customer


def _create(partner, actor, customer, **overrides):
    values = {"display_name": "Adatum support", "roles": [DIRECTORY_READERS], "duration": "P90D"}
    values.update(overrides)
    return services.relationship_create(partner=partner, actor=actor, customer=customer, **values)


def _refused(partner, actor, customer, field, code=Code.INVALID, **overrides) -> DomainError:
    before = AdminRelationship.objects.count()
    with pytest.raises(DomainError) as exc:
        _create(partner, actor, customer, **overrides)
    assert exc.value.field == field, exc.value.message
    assert exc.value.code == code, exc.value.code
    assert AdminRelationship.objects.count() == before
    return exc.value


def test_the_catalog_is_loaded_with_real_ids():
    assert RoleDefinition.objects.count() >= 30
    ga = RoleDefinition.objects.get(pk=GLOBAL_ADMINISTRATOR_ID)
    assert ga.name == "Global Administrator" and ga.highlight
    assert RoleDefinition.objects.get(pk=DIRECTORY_READERS).name == "Directory Readers"
    assert all(role.description_en and role.description_de and role.description_hu
               for role in RoleDefinition.objects.all())


def test_a_valid_request_is_saved(partner, partner_admin, served):
    rel = _create(partner, partner_admin, served, display_name="  Adatum support  ", auto_extend="P180D")
    assert rel.display_name == "Adatum support" and rel.auto_extend_duration == timedelta(days=180)


def test_display_name_of_51_characters(partner, partner_admin, served):
    error = _refused(partner, partner_admin, served, "display_name", display_name="x" * 51)
    assert "50" in error.message
    _create(partner, partner_admin, served, display_name="x" * 50)


def test_empty_display_name(partner, partner_admin, served):
    _refused(partner, partner_admin, served, "display_name", display_name="   ")


def test_duplicate_display_name_ignoring_case(partner, partner_admin, served):
    _create(partner, partner_admin, served)
    _refused(partner, partner_admin, served, "display_name", code=Code.CONFLICT, display_name="ADATUM SUPPORT")
    other = PartnerFactory()
    reseller_relationship_ensure(partner=other, customer=served, actor=None)
    _create(other, None, served)  # unique per partner only


def test_no_role(partner, partner_admin, served):
    _refused(partner, partner_admin, served, "roles", roles=[])


@pytest.mark.parametrize("role", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_unknown_role(partner, partner_admin, served, role):
    _refused(partner, partner_admin, served, "roles", roles=[DIRECTORY_READERS, role])


def test_a_hidden_role_is_not_offered(partner, partner_admin, served):
    RoleDefinition.objects.filter(pk=DIRECTORY_READERS).update(is_active=False)
    _refused(partner, partner_admin, served, "roles")


@pytest.mark.parametrize("duration", ["P0D", "P731D", "P3Y", "P1M", "90", "P90", "PT12H", "", "P1DT1H",
                                      "731 days, 0:00:00", "1 day, 1:00:00"])
def test_duration_outside_the_range_or_malformed(partner, partner_admin, served, duration):
    _refused(partner, partner_admin, served, "duration", duration=duration)


@pytest.mark.parametrize(("text", "days"), [("P1D", 1), ("P90D", 90), ("p30d", 30), ("P2Y", 730), ("P1Y", 365),
                                            ("P12W", 84), ("730 days, 0:00:00", 730), ("1 day, 0:00:00", 1),
                                            (timedelta(days=7), 7), (180, 180)])
def test_duration_forms_accepted(text, days):
    assert rules.duration_parse(text) == timedelta(days=days)
    assert rules.duration_iso(timedelta(days=days)) == f"P{days}D"


@pytest.mark.parametrize(("value", "days"), [("PT0S", 0), ("P0D", 0), ("", 0), (None, 0), (False, 0),
                                             ("P180D", 180), (True, 180), ("180 days, 0:00:00", 180)])
def test_auto_extend_forms_accepted(value, days):
    assert rules.auto_extend_parse(value) == timedelta(days=days)


@pytest.mark.parametrize("value", ["P90D", "P1Y", "yes", "PT1S"])
def test_auto_extend_other_than_off_or_180_days(partner, partner_admin, served, value):
    _refused(partner, partner_admin, served, "auto_extend", auto_extend=value)


def test_auto_extend_with_global_administrator(partner, partner_admin, served):
    _refused(partner, partner_admin, served, "auto_extend", code=Code.GLOBAL_ADMIN_AUTO_EXTEND,
             roles=[GA, DIRECTORY_READERS], auto_extend="P180D")
    _create(partner, partner_admin, served, roles=[GA], auto_extend="PT0S")


def test_a_customer_of_another_partner(partner, partner_admin, customer):
    other = PartnerFactory()
    reseller_relationship_ensure(partner=other, customer=customer, actor=None)
    _refused(partner, partner_admin, customer, "customer", code=Code.NOT_RESELLER)


def test_a_customer_without_a_reseller_relationship(partner, partner_admin, customer):
    _refused(partner, partner_admin, customer, "customer", code=Code.NOT_RESELLER)


def test_a_partner_is_not_a_customer(partner, partner_admin):
    _refused(partner, partner_admin, PartnerFactory(), "customer")


def test_a_customer_in_another_cloud(partner, partner_admin):
    china = TenantFactory(cloud=Cloud.CHINA)
    _refused(partner, partner_admin, china, "customer", code=Code.CLOUD_MISMATCH)


def test_a_relationship_without_a_customer_is_allowed(partner, partner_admin):
    rel = _create(partner, partner_admin, None)
    assert rel.customer is None


def test_a_role_without_the_permission_may_not_request(partner, served):
    from partnercenter.errors import Forbidden
    from partnercenter.roles import Role
    from tests.factories import member

    with pytest.raises(Forbidden):
        _create(partner, member(partner, Role.BILLING_ADMIN), served)


def test_etag_changes_with_every_write(partner, partner_admin, served):
    rel = _create(partner, partner_admin, served)
    first = rel.etag
    assert first.startswith('W/"') and first.endswith('"')
    rel.save()
    assert rel.etag != first
    with pytest.raises(Exception) as exc:
        rules.etag_check(rel, first)
    assert exc.value.code == Code.STALE
    rules.etag_check(rel, rel.etag)
