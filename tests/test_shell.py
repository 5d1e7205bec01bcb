"""The shell without a browser: the sidebar's entries follow the permissions of the current membership
and mark the current page; {% pageheader %} renders the one header of every page; table containers
that scroll are keyboard-focusable regions."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import override_settings

from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db


def sidebar(html: str) -> str:
    match = re.search(r'<nav class="sidebar-nav".*?</nav>', html, re.S)
    assert match, "no sidebar on the page"
    return match.group(0)


def links(html: str) -> dict[str, str]:
    """label → the attributes of its sidebar link."""
    found = {}
    for attrs, label in re.findall(r'<a class="nav-link sidebar-link([^>]*)>.*?<span class="sidebar-label">([^<]+)</span>',
                                   sidebar(html), re.S):
        found[label] = attrs
    return found


def test_direct_partner_admin_sees_every_workspace_and_customers_is_current(partner_admin):
    html = client_for(partner_admin).get("/customers/").content.decode()
    found = links(html)
    assert list(found) == ["Customers", "Admin relationships", "Expiring admin relationships", "Relationship requests",
                           "Service requests", "Trial invitations", "Purchase offers",
                           "Delegated administration offers", "Offers", "Activity log", "Background jobs", "Company profile", "Users",
                           "Security groups", "Role templates", "API access", "Webhooks", "Developer outbox"]
    assert 'aria-current="page"' in found["Customers"]
    assert all("aria-current" not in attrs for label, attrs in found.items() if label != "Customers")
    for group in ("Customers", "Channel", "Organisation"):
        assert f">{group}</div>" in sidebar(html)


@override_settings(DEV_OUTBOX_ENABLED=False)
def test_helpdesk_agent_sees_only_what_its_role_may_open(partner):
    helpdesk = member(partner, Role.HELPDESK_AGENT)
    found = links(client_for(helpdesk).get("/company-profile/").content.decode())
    # Security groups and Role templates: read-only for a Helpdesk agent (Perm.GDAP_VIEW).
    assert list(found) == ["Customers", "Admin relationships", "Expiring admin relationships", "Service requests",
                           "Offers", "Background jobs", "Company profile", "Security groups", "Role templates"]
    assert 'aria-current="page"' in found["Company profile"]


def test_the_users_entry_is_current_on_the_users_pages(partner, partner_admin):
    found = links(client_for(partner_admin).get("/users/").content.decode())
    assert 'aria-current="page"' in found["Users"]
    found = links(client_for(partner_admin).get(f"/users/{partner_admin.pk}/").content.decode())
    assert 'aria-current="true"' in found["Users"]
    assert "Users" in links(client_for(member(partner, Role.ADMIN_AGENT)).get("/users/").content.decode())


@pytest.mark.parametrize(("partner_type", "label", "path"), [
    ("indirect_provider", "Indirect resellers", "/resellers/"),
    ("indirect_reseller", "Indirect providers", "/providers/"),
])
def test_indirect_partners_see_their_channel_page(partner_type, label, path):
    tenant = PartnerFactory(partner_type=partner_type)
    html = client_for(member(tenant, Role.GLOBAL_ADMIN)).get(path).content.decode()
    found = links(html)
    assert label in found and 'aria-current="page"' in found[label]
    assert {"Indirect resellers", "Indirect providers"} - {label} & set(found) == set()


def test_a_page_inside_a_workspace_marks_the_workspace_as_current_section(partner_admin):
    found = links(client_for(partner_admin).get("/customers/request-relationship/").content.decode())
    assert 'aria-current="true"' in found["Relationship requests"]
    assert "aria-current" not in found["Customers"]


def test_customer_sees_its_admin_center_sections(customer_admin):
    html = client_for(customer_admin).get("/admin-center/subscriptions/").content.decode()
    found = links(html)
    assert list(found)[:5] == ["Partner relationships", "Subscriptions", "Licenses", "Service requests", "Activity log"]
    assert 'aria-current="page"' in found["Subscriptions"]
    assert ">Admin center</div>" in sidebar(html)


def test_the_admin_centers_licenses_entry_is_for_global_admins_and_current_on_its_pages(customer, customer_admin):
    found = links(client_for(customer_admin).get("/admin-center/licenses/").content.decode())
    assert 'aria-current="page"' in found["Licenses"]
    user = member(customer, Role.CUSTOMER_USER)
    assert "Licenses" not in links(client_for(user).get("/admin-center/").content.decode())


def test_a_wide_table_scrolls_in_a_focusable_named_region_and_the_row_toggle_is_a_button(partner, partner_admin,
                                                                                         customer):
    from customers.services import reseller_relationship_ensure

    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    html = client_for(partner_admin).get("/customers/").content.decode()
    # axe: scrollable-region-focusable — the container can take the keyboard focus and is named.
    assert '<div class="table-responsive" tabindex="0" role="region" aria-label="Customers">' in html
    toggle = re.search(r'<button class="btn btn-outline-secondary row-toggle"[^>]*>(.*?)</button>', html, re.S)
    assert toggle and 'aria-expanded="false"' in toggle.group(0) and f"Show details for {customer.name}" in toggle.group(0)
    assert "bi-chevron-right" in toggle.group(1)  # the visible state: ▸, turned to ▾ while open
    # Drawn from the page's sprite: its symbol once, each row a reference to it.
    assert '<use href="#i-chevron-right"></use>' in toggle.group(1)
    assert html.count('<symbol id="i-chevron-right" viewBox="0 0 16 16">') == 1
    assert html.index("<symbol") < html.index("<table")


def test_the_top_bar_keeps_language_and_user_menu_and_opens_the_off_canvas_sidebar(partner_admin):
    html = client_for(partner_admin).get("/customers/").content.decode()
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    assert 'id="language-switch"' in header and partner_admin.email in header
    assert 'data-bs-toggle="offcanvas" data-bs-target="#sidebar"' in header
    assert 'class="offcanvas-xl offcanvas-start"' in html
    assert "<script>" not in html and " style=" not in html  # CSP: script-src and style-src 'self'


def render(source: str, **context: object) -> str:
    return Template("{% load shell %}" + source).render(Context(context))


def test_pageheader_renders_title_primary_and_wrapping_secondary_group():
    html = render("{% pageheader %}Customers <small>· {{ name }}</small>{% primary %}<a class='btn'>Add</a>"
                  "{% secondary %}<a class='btn'>Export</a>{% endpageheader %}", name="<b>")
    assert '<h1 class="page-title">Customers <small>· &lt;b&gt;</small></h1>' in html
    assert re.search(r'<div class="page-actions"><a class=\'btn\'>Add</a><div class="page-secondary">'
                     r"<a class='btn'>Export</a></div></div>", html)


def test_pageheader_without_actions_has_no_empty_action_group():
    html = render("{% pageheader %}Offers{% primary %}{% if no %}x{% endif %}{% endpageheader %}")
    assert '<h1 class="page-title">Offers</h1>' in html
    assert "page-actions" not in html


def test_service_management_marks_customers_as_current_section(partner, partner_admin, customer):
    from customers.services import reseller_relationship_ensure
    from gdap import access
    from gdap.models import SecurityGroup, SecurityGroupMember
    from tests.gdap_list_support import relationship
    from tests.test_support_services import GLOBAL_READER, _assign

    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    group = SecurityGroup.objects.create(partner=partner, name="Readers")
    SecurityGroupMember.objects.create(group=group, user=partner_admin)
    _assign(relationship(partner, customer, roles=[GLOBAL_READER]), group, [GLOBAL_READER])
    assert access.may(partner_admin, partner, customer, access.SERVICES_READ)
    found = links(client_for(partner_admin).get(f"/customers/{customer.id}/services/").content.decode())
    assert 'aria-current="true"' in found["Customers"]


@override_settings(DEV_OUTBOX_ENABLED=False)
def test_the_cached_sidebar_follows_a_role_change_and_the_language_on_the_next_request(partner):
    """The sidebar's markup is reused per process ({% sidebar_cache %}); its key holds the permissions
    and the language, so a changed role or language shows on the very next page."""
    user = member(partner, Role.GLOBAL_ADMIN)
    client = client_for(user)
    assert "Users" in links(client.get("/company-profile/").content.decode())
    membership = user.memberships.get(tenant=partner)
    membership.role = Role.HELPDESK_AGENT
    membership.save(update_fields=["role"])
    found = links(client.get("/company-profile/").content.decode())
    assert "Users" not in found and "Activity log" not in found
    assert 'aria-current="page"' in found["Company profile"]
    user.language = "de"
    user.save(update_fields=["language"])
    html = client.get("/company-profile/").content.decode()
    assert ">Unternehmensprofil</span>" in sidebar(html) and ">Company profile</span>" not in sidebar(html)
    membership.role = Role.GLOBAL_ADMIN
    membership.save(update_fields=["role"])
    user.language = "en"
    user.save(update_fields=["language"])
    assert "Users" in links(client.get("/company-profile/").content.decode())


def test_a_cached_fragment_is_rendered_once_per_language_and_named_values():
    """{% fragment_cache a %}: reused for the same language and values; another value, language or a value
    that cannot be a key renders afresh."""
    from django.utils import translation

    calls = []
    template = Template("{% load shell i18n %}{% fragment_cache sort %}{{ count }}|{% translate 'Customers' %}"
                        "{% endfragment_cache %}")

    def render(**values):
        calls.append(1)
        return template.render(Context({"count": len(calls), **values}))

    with translation.override("en"):
        assert render(sort="name") == "1|Customers"
        assert render(sort="name") == "1|Customers"  # the same key: the markup of the first render
        assert render(sort="-date") == "3|Customers"
        assert render(sort=["a", "b"]) == "4|Customers"
        assert render(sort=[{"a": 1}]) == "5|Customers" and render(sort=[{"a": 1}]) == "6|Customers"  # no key
    with translation.override("de"):
        assert render(sort="name") == "7|Kunden"


@pytest.mark.parametrize("tag", ["fragment_cache", "sidebar_cache"])
def test_a_cached_fragment_cannot_hold_a_block(tag):
    """A block differs per page while the fragment is shared; so {% extends %} never looks inside one."""
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="cannot hold a {% block %}"):
        Template(f"{{% load shell %}}{{% {tag} %}}{{% block title %}}{{% endblock %}}{{% end{tag} %}}")


def test_a_child_template_fills_the_blocks_around_the_cached_fragments_of_its_parent():
    from django.template import engines

    page = engines["django"].from_string('{% extends "base.html" %}{% block title %}Mine{% endblock %}'
                                         '{% block content %}<p id="mine">Mine</p>{% endblock %}')
    html = page.render({})
    assert "<title>Mine · Partner Center</title>" in html and '<p id="mine">Mine</p>' in html


def test_the_customers_page_header_follows_a_role_change_on_the_next_request(partner):
    user = member(partner, Role.GLOBAL_ADMIN)
    client = client_for(user)
    assert "Add customer" in client.get("/customers/").content.decode()
    membership = user.memberships.get(tenant=partner)
    membership.role = Role.HELPDESK_AGENT
    membership.save(update_fields=["role"])
    html = client.get("/customers/").content.decode()
    assert "Add customer" not in html and "<h1" in html
