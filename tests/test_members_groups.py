"""A user's security groups from their page (Users → a user): "Add to security group" and "Remove" with a
confirmation, for those who manage security groups; the same lifecycle as the group's own page
(gdap.services.member_add / member_remove: activity entries, rules, errors); another partner's user or
group is a 404 on every such route."""

from __future__ import annotations

import pytest

from gdap import services as gdap_services
from gdap.events import SecurityGroupEvents
from gdap.models import SecurityGroupMember
from partnercenter.activity import describe
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(partner, partner_admin):
    helpdesk = gdap_services.group_create(partner=partner, actor=partner_admin, name="Helpdesk tier 1")
    engineers = gdap_services.group_create(partner=partner, actor=partner_admin, name="Escalation engineers")
    return helpdesk, engineers


@pytest.fixture
def agent(partner):
    return member(partner, Role.HELPDESK_AGENT, email="helpdesk@contoso.example")


def _member_of(user):  # noqa: ANN001, ANN202
    return set(SecurityGroupMember.objects.filter(user=user).values_list("group__name", flat=True))


def test_a_global_admin_adds_a_user_to_a_group_from_the_users_page(partner_admin, agent, groups):
    helpdesk, engineers = groups
    gdap_services.member_add(engineers, actor=partner_admin, user=agent)
    client = client_for(partner_admin)
    html = client.get(f"/users/{agent.pk}/").content.decode()
    assert "Add to security group" in html
    assert f'<option value="{helpdesk.pk}">Helpdesk tier 1</option>' in html
    assert f'<option value="{engineers.pk}"' not in html  # already a member
    assert f'href="/users/{agent.pk}/security-groups/{engineers.pk}/remove/"' in html
    response = client.post(f"/users/{agent.pk}/security-groups/add/", {"group": helpdesk.pk}, follow=True)
    assert response.redirect_chain == [(f"/users/{agent.pk}/", 302)]
    assert "helpdesk@contoso.example was added to Helpdesk tier 1." in response.content.decode()
    assert _member_of(agent) == {"Helpdesk tier 1", "Escalation engineers"}
    entry = ActivityLog.objects.filter(kind=SecurityGroupEvents.MEMBER_ADDED).latest("id")
    assert entry.actor == partner_admin and entry.data == {"group": "Helpdesk tier 1", "email": agent.email,
                                                           "group_id": str(helpdesk.pk)}
    assert describe(entry) == "helpdesk@contoso.example was added to security group Helpdesk tier 1."
    # The user is in every group now: the page says so instead of an empty list.
    html = client.get(f"/users/{agent.pk}/").content.decode()
    assert "The user is in every security group of your organisation." in html


def test_remove_asks_first_then_removes(partner, partner_admin, agent, groups):
    helpdesk, _engineers = groups
    gdap_services.member_add(helpdesk, actor=partner_admin, user=agent)
    client = client_for(partner_admin)
    url = f"/users/{agent.pk}/security-groups/{helpdesk.pk}/remove/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Remove helpdesk@contoso.example from Helpdesk tier 1?" in page.content.decode()
    assert _member_of(agent) == {"Helpdesk tier 1"}  # asking changes nothing
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(f"/users/{agent.pk}/", 302)]
    assert "helpdesk@contoso.example was removed from Helpdesk tier 1." in response.content.decode()
    assert _member_of(agent) == set()
    entry = ActivityLog.objects.get(kind=SecurityGroupEvents.MEMBER_REMOVED)
    assert entry.data == {"group": "Helpdesk tier 1", "email": agent.email, "group_id": str(helpdesk.pk)}
    # Not a member any more: its remove page is a 404.
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404


def test_the_remove_page_says_what_access_goes(partner, partner_admin, customer, agent, groups):
    from tests.gdap_list_support import relationship

    helpdesk, _engineers = groups
    gdap_services.member_add(helpdesk, actor=partner_admin, user=agent)
    from gdap.models import AccessAssignment

    AccessAssignment.objects.create(relationship=relationship(partner, customer), security_group=helpdesk,
                                    status="active")
    html = client_for(partner_admin).get(f"/users/{agent.pk}/security-groups/{helpdesk.pk}/remove/").content.decode()
    assert "This group holds roles in 1 admin relationship: helpdesk@contoso.example loses that access at once." in html


def test_no_group_chosen_is_said_beside_the_field(partner_admin, agent, groups):
    response = client_for(partner_admin).post(f"/users/{agent.pk}/security-groups/add/", {"group": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a security group." in html and 'aria-invalid="true"' in html
    assert _member_of(agent) == set()


def test_the_services_rules_hold_a_deactivated_user_is_refused(partner, partner_admin, agent, groups):
    helpdesk, _engineers = groups
    agent.memberships.update(is_active=False)
    client = client_for(partner_admin)
    assert "Add to security group" not in client.get(f"/users/{agent.pk}/").content.decode()
    response = client.post(f"/users/{agent.pk}/security-groups/add/", {"group": helpdesk.pk})
    assert response.status_code == 400
    assert "Choose a user of your organisation." in response.content.decode()  # member_add's own message
    assert _member_of(agent) == set() and not ActivityLog.objects.filter(
        kind=SecurityGroupEvents.MEMBER_ADDED).exists()


@pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.HELPDESK_AGENT])
def test_without_security_groups_manage_no_controls_and_403(partner, partner_admin, agent, groups, role):
    helpdesk, _engineers = groups
    gdap_services.member_add(helpdesk, actor=partner_admin, user=agent)
    client = client_for(member(partner, role))
    page = client.get(f"/users/{agent.pk}/")
    if role == Role.ADMIN_AGENT:  # may see users (a Helpdesk agent may not: 403)
        html = page.content.decode()
        assert "Helpdesk tier 1" in html  # the groups show
        assert "Add to security group" not in html and f"/security-groups/{helpdesk.pk}/remove/" not in html
    else:
        assert page.status_code == 403
    assert client.post(f"/users/{agent.pk}/security-groups/add/", {"group": helpdesk.pk}).status_code == 403
    assert client.post(f"/users/{agent.pk}/security-groups/{helpdesk.pk}/remove/").status_code == 403
    assert _member_of(agent) == {"Helpdesk tier 1"}


def test_another_partners_user_or_group_is_404_on_every_route(partner, partner_admin, agent, groups):
    from tests.test_url_sweep import TENANT_OBJECT

    helpdesk, _engineers = groups
    other = PartnerFactory()
    other_admin = member(other, Role.GLOBAL_ADMIN)
    stranger = member(other, Role.HELPDESK_AGENT)
    their_group = gdap_services.group_create(partner=other, actor=other_admin, name="Theirs")
    gdap_services.member_add(their_group, actor=other_admin, user=stranger)
    gdap_services.member_add(helpdesk, actor=partner_admin, user=agent)
    routes = {
        "users/<int:user_id>/security-groups/add/": [
            (f"/users/{stranger.pk}/security-groups/add/", {"group": helpdesk.pk}),  # their user, my group
            (f"/users/{stranger.pk}/security-groups/add/", {"group": their_group.pk}),  # their user and group
            (f"/users/{agent.pk}/security-groups/add/", {"group": their_group.pk}),  # my user, their group
            (f"/users/{agent.pk}/security-groups/add/", {"group": "not-a-group"}),
        ],
        "users/<int:user_id>/security-groups/<uuid:group_id>/remove/": [
            (f"/users/{stranger.pk}/security-groups/{their_group.pk}/remove/", {}),
            (f"/users/{stranger.pk}/security-groups/{helpdesk.pk}/remove/", {}),
            (f"/users/{agent.pk}/security-groups/{their_group.pk}/remove/", {}),
        ],
    }
    assert set(routes) == {route for route in TENANT_OBJECT if "/security-groups/" in route
                           and route.startswith("users/")}
    client = client_for(partner_admin)
    for cases in routes.values():
        for url, data in cases:
            if url.startswith(f"/users/{stranger.pk}/") or "remove" in url:  # the foreign object is in the URL itself
                assert client.get(url).status_code == 404, url
            assert client.post(url, data).status_code == 404, (url, data)
    assert _member_of(stranger) == {"Theirs"} and _member_of(agent) == {"Helpdesk tier 1"}
    assert not ActivityLog.objects.filter(kind=SecurityGroupEvents.MEMBER_REMOVED).exists()
