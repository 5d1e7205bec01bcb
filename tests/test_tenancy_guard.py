"""Permission names are checked (in Python, in templates) and tenant_view can ask per method."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory, override_settings

from partnercenter.middleware import TenantContext
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm, PermissionSet, Role, UnknownPermission, permissions_for
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PERM_LITERAL = re.compile(r"""["']([^"']+)["']\s+(?:not\s+)?in\s+perms_in_tenant""")


def test_every_permission_name_a_template_asks_for_is_a_perm():
    found: dict[str, set[str]] = {}
    for path in TEMPLATES.rglob("*.html"):
        for name in PERM_LITERAL.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(path.relative_to(TEMPLATES)))
    assert "customers.view" in found  # the scan finds what is there
    unknown = {name: sorted(paths) for name, paths in found.items() if name not in Perm.values}
    assert unknown == {}


def test_the_template_scan_recognises_a_misspelt_name():
    assert PERM_LITERAL.findall('{% if "customers.veiw" in perms_in_tenant %}') == ["customers.veiw"]


def test_an_unknown_name_raises_in_tests_and_is_false_in_production():
    perms = permissions_for([Role.GLOBAL_ADMIN])
    assert isinstance(perms, PermissionSet) and Perm.CUSTOMERS_VIEW in perms
    assert Perm.ADMIN_CENTER_VIEW not in perms
    with pytest.raises(UnknownPermission):
        _ = "customers.veiw" in perms
    with pytest.raises(UnknownPermission):
        TenantContext(perms=perms).has("customers.veiw")
    with override_settings(PERMISSION_NAMES_STRICT=False):
        assert ("customers.veiw" in perms) is False


def test_an_unknown_name_in_a_template_raises_instead_of_rendering_false():
    template = engines["django"].from_string('{% if "customers.veiw" in perms_in_tenant %}yes{% endif %}')
    perms = permissions_for([Role.GLOBAL_ADMIN])
    with pytest.raises(UnknownPermission):
        template.render({"perms_in_tenant": perms})
    good = engines["django"].from_string('{% if "customers.view" in perms_in_tenant %}yes{% endif %}')
    assert good.render({"perms_in_tenant": perms}) == "yes"


@pytest.mark.django_db
def test_a_rendered_page_with_an_unknown_name_fails_the_request(settings, tmp_path):
    (tmp_path / "customers").mkdir()
    (tmp_path / "customers" / "list.html").write_text('{% if "customers.veiw" in perms_in_tenant %}x{% endif %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    client = client_for(member(PartnerFactory(), Role.GLOBAL_ADMIN))
    with pytest.raises(UnknownPermission):
        client.get("/customers/")


def test_tenant_view_refuses_an_unknown_permission_when_the_module_loads():
    with pytest.raises(ValueError, match="not a permission"):
        tenant_view("customers.veiw")
    with pytest.raises(ValueError):
        tenant_view(get=Perm.CUSTOMERS_VIEW)  # POST would need nothing
    with pytest.raises(ValueError):
        tenant_view()


def _request(method: str, perms: set[str]):
    request = getattr(RequestFactory(), method)("/x/")
    request.user = type("U", (), {"is_authenticated": True})()
    request.tenant = type("T", (), {"kind": "partner"})()
    request.tenancy = TenantContext(tenant=request.tenant, perms=PermissionSet(perms))
    return request


def test_tenant_view_per_method_asks_get_for_reading_and_post_for_writing():
    from django.core.exceptions import PermissionDenied

    @tenant_view(get=Perm.SUBSCRIPTIONS_VIEW, post=Perm.SUBSCRIPTIONS_BUY)
    def view(request):
        return HttpResponse("ok")

    assert view.required_perms == {"GET": Perm.SUBSCRIPTIONS_VIEW, "POST": Perm.SUBSCRIPTIONS_BUY}
    viewer = {Perm.SUBSCRIPTIONS_VIEW}
    assert view(_request("get", viewer)).status_code == 200
    assert view(_request("head", viewer)).status_code == 200
    with pytest.raises(PermissionDenied):
        view(_request("post", viewer))
    with pytest.raises(PermissionDenied):
        view(_request("get", {Perm.SUBSCRIPTIONS_BUY}))
    assert view(_request("post", {Perm.SUBSCRIPTIONS_BUY})).status_code == 200


@pytest.mark.django_db
def test_a_helpdesk_agent_reads_a_subscription_but_cannot_post_to_it(partner, partner_admin):
    from customers.services import reseller_relationship_ensure
    from subscriptions.models import Subscription
    from tests.factories import TenantFactory
    from tests.test_url_sweep import order_for

    customer = TenantFactory()
    reseller_relationship_ensure(partner=partner, customer=customer, actor=partner_admin)
    subscription = order_for(partner, partner_admin, customer).lines.get().subscription
    url = f"/customers/{customer.id}/subscriptions/{subscription.id}/"
    helpdesk = client_for(member(partner, Role.HELPDESK_AGENT))
    assert helpdesk.get(url).status_code == 200
    assert helpdesk.post(url, {"action": "quantity", "quantity": 9, "version": 1}).status_code == 403
    assert Subscription.objects.get(pk=subscription.pk).quantity == 3


# --- Tenant-owned rows: one scoping method, and views that do not query -------------------------

# Models with a tenant foreign key that are not scoped by visible_to, and why.
NOT_TENANT_SCOPED = {
    "partnercenter.Membership": "a user's memberships, read by user (the tenant switcher)",
    "partnercenter.OutboxEmail": "the mail queue; no tenant page lists it",
}
APPS = ("customers", "subscriptions", "partnercenter", "invitations", "resellers", "links")


def test_every_tenant_owned_model_is_scoped_by_visible_to():
    from django.apps import apps

    from partnercenter.models import Tenant
    from partnercenter.tenancy import TenantQuerySet

    unscoped, scoped = [], []
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in APPS or label in NOT_TENANT_SCOPED or model is Tenant:
            continue
        owned = any((f.many_to_one or f.one_to_one) and f.related_model is Tenant
                    for f in model._meta.get_fields() if f.concrete)
        if owned:
            scoped.append(label)
            if not isinstance(model.objects.all(), TenantQuerySet):
                unscoped.append(label)
    assert unscoped == []
    assert {"customers.ResellerRelationship", "subscriptions.Subscription", "partnercenter.ActivityLog",
            "invitations.RelationshipRequest", "invitations.Acceptance", "resellers.IndirectPartnership",
            "resellers.PartnershipRequest"} <= set(scoped)


ORM_CALL = re.compile(r"\.objects\b|\.(?:select_related|prefetch_related|filter|exclude|order_by|annotate|aggregate)\(")


def view_modules() -> list[str]:
    """Every views module of the apps: each `views.py`, every module of a `views/` package, and every
    module a routed view (from the URL resolver) is defined in, such as the Add customer wizard."""
    from django.urls import get_resolver

    from tests.test_url_sweep import _patterns

    root = TEMPLATES.parent
    found = {str(p.relative_to(root)) for app in APPS for p in (root / app).rglob("*.py")
             if p.name == "views.py" or "views" in p.relative_to(root).parts[:-1]}
    for _route, callback in _patterns(get_resolver().url_patterns):
        module = getattr(callback, "__module__", "") or ""
        if module.split(".")[0] in APPS and not module.startswith("partnercenter.urls"):
            found.add(module.replace(".", "/") + ".py")
    return sorted(name for name in found if (root / name).exists())


def test_views_run_no_orm_queries_of_their_own():
    root = TEMPLATES.parent
    modules = view_modules()
    assert {"customers/views.py", "customers/wizard.py", "customers/admin_center/views.py", "subscriptions/views.py",
            "partnercenter/views.py", "resellers/views.py"} <= set(modules)
    assert any(name.startswith("invitations/views") for name in modules)
    found = [f"{name}:{number}: {line.strip()}" for name in modules
             for number, line in enumerate((root / name).read_text(encoding="utf-8").splitlines(), 1)
             if ORM_CALL.search(line)]
    assert found == []


def test_the_orm_scan_sees_a_query_in_a_view():
    for line in ("rows = Order.objects.all()", "x = request.tenant.memberships.filter(role='x')",
                 "rel.acceptances.exclude(status='failed')"):
        assert ORM_CALL.search(line), line
    assert not ORM_CALL.search("rows = selectors.requests_page(partner=partner)")


@pytest.mark.django_db
def test_visible_to_shows_each_tenant_its_own_rows_only():
    from customers.models import CustomerAgreement, DelegatedAdminPermission, ResellerRelationship
    from partnercenter.models import ActivityLog, CompanyProfile
    from subscriptions.models import Order, Subscription, SubscriptionEvent
    from tests.factories import TenantFactory
    from tests.test_url_sweep import _world

    mine, my_customer_admin = _world("Aurora", "direct")
    theirs, their_customer_admin = _world("Zebrafin", "direct")
    partner, customer = mine.memberships.get().tenant, my_customer_admin.memberships.get().tenant
    other_partner, other_customer = theirs.memberships.get().tenant, their_customer_admin.memberships.get().tenant
    owners = {
        ResellerRelationship: lambda row: (row.partner, row.customer),
        DelegatedAdminPermission: lambda row: (row.partner, row.customer),
        Order: lambda row: (row.partner, row.customer),
        Subscription: lambda row: (row.partner, row.customer),
        SubscriptionEvent: lambda row: (row.subscription.partner, row.subscription.customer),
        CustomerAgreement: lambda row: (None, row.customer),
        ActivityLog: lambda row: (row.tenant,),
        CompanyProfile: lambda row: (row.tenant,),
    }
    for model, owner in owners.items():
        for tenant in (partner, customer, other_partner, other_customer):
            rows = list(model.objects.visible_to(tenant))
            assert all(tenant in owner(row) or model is CustomerAgreement for row in rows), (model, tenant)
            assert len(rows) <= model.objects.count()
        assert list(model.objects.visible_to(None)) == []
        assert list(model.objects.visible_to(TenantFactory.build())) == []  # not saved: nobody's
    assert list(CustomerAgreement.objects.visible_to(partner)) == [customer.agreement]
    assert list(CustomerAgreement.objects.visible_to(other_customer)) == [other_customer.agreement]
    assert {r.customer for r in ResellerRelationship.objects.visible_to(partner)} == {customer}
    assert {r.partner for r in ResellerRelationship.objects.visible_to(customer)} == {partner}
    assert Subscription.objects.visible_to(customer).count() == 1
    assert not ActivityLog.objects.visible_to(partner).filter(tenant=other_partner).exists()


@pytest.mark.django_db
def test_visible_to_scopes_requests_acceptances_and_partnerships():
    """Each tenant sees exactly its own rows: a partner the requests it issued and the answers to them, a
    customer its own answers, a provider and a reseller the partnerships and requests between them."""
    from invitations import services as invitation_services
    from invitations.models import Acceptance, RelationshipRequest
    from partnercenter.models import Tenant
    from resellers.models import IndirectPartnership, PartnershipRequest
    from tests.factories import TenantFactory
    from tests.test_url_sweep import _world

    worlds = [_world(tag, "indirect_provider") for tag in ("Aurora", "Zebrafin")]
    for admin, _customer_admin in worlds:
        provider = admin.memberships.get().tenant
        _request, raw = invitation_services.invitation_create(partner=provider, actor=admin, include_dap=False)
        customer = TenantFactory()
        invitation_services.invitation_accept(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                                              customer=customer)
    owners = {
        RelationshipRequest: lambda row: {row.partner_id},
        Acceptance: lambda row: {row.request.partner_id, row.customer_id},
        IndirectPartnership: lambda row: {row.provider_id, row.reseller_id},
        PartnershipRequest: lambda row: {row.provider_id, row.reseller_id, row.accepted_reseller_id},
    }
    for model, owner in owners.items():
        everything = list(model.objects.all())
        assert len(everything) >= 2, model
        for tenant in Tenant.objects.all():
            expected = {row.pk for row in everything if tenant.pk in owner(row)}
            assert set(model.objects.visible_to(tenant).values_list("pk", flat=True)) == expected, (model, tenant)
        assert not model.objects.visible_to(None).exists()
    # Each provider sees its partnership and its two requests, and nothing of the other world.
    aurora = worlds[0][0].memberships.get().tenant
    assert {p.reseller.name for p in IndirectPartnership.objects.visible_to(aurora)} == {"Aurora Reseller"}
    assert {r.reseller.name for r in PartnershipRequest.objects.visible_to(aurora)} == {"Aurora Reseller",
                                                                                        "Aurora Applicant"}
