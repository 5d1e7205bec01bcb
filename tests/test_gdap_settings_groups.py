"""Partner settings → "Security groups": who may read and manage, tenant isolation, members (only the
partner's own users), bad input beside its field with the input kept, delete refused while the group
holds roles in an admin relationship, and an activity entry for every change."""

from __future__ import annotations

import pytest

from gdap import services
from gdap.events import SecurityGroupEvents
from gdap.models import AccessAssignment, AssignmentStatus, SecurityGroup, SecurityGroupMember
from partnercenter.models import ActivityLog, Membership
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member
from tests.gdap_settings_support import DIRECTORY_READERS, active_assignment, invalid

pytestmark = pytest.mark.django_db

LIST = "/gdap/security-groups/"


def _url(group, tail: str = "") -> str:
    return f"{LIST}{group.pk}/{tail}"


@pytest.fixture
def group(partner, partner_admin):
    return services.group_create(partner=partner, actor=partner_admin, name="Helpdesk", description="First line")


def kinds(tenant) -> list[str]:
    return list(ActivityLog.objects.filter(tenant=tenant).order_by("id").values_list("kind", flat=True))


# --- Who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.HELPDESK_AGENT])
def test_admin_and_helpdesk_agents_read_but_do_not_manage(partner, group, role):
    client = client_for(member(partner, role))
    listing = client.get(LIST)
    assert listing.status_code == 200 and "Helpdesk" in listing.content.decode()
    assert "Create security group" not in listing.content.decode()
    page = client.get(_url(group))
    assert page.status_code == 200 and "Add member" not in page.content.decode()
    for url in ("new/", f"{group.pk}/edit/", f"{group.pk}/delete/"):
        assert client.get(LIST + url).status_code == 403, url
    for url in ("new/", f"{group.pk}/edit/", f"{group.pk}/delete/", f"{group.pk}/members/add/"):
        assert client.post(LIST + url, {"name": "X"}).status_code == 403, url
    assert SecurityGroup.objects.get(pk=group.pk).name == "Helpdesk"


@pytest.mark.parametrize("role", [Role.SALES_AGENT, Role.BILLING_ADMIN])
def test_sales_and_billing_see_no_security_groups(partner, group, role):
    client = client_for(member(partner, role))
    assert client.get(LIST).status_code == 403
    assert client.get(_url(group)).status_code == 403
    assert "Security groups" not in client.get("/company-profile/").content.decode()


def test_another_partners_group_is_404_everywhere_and_nothing_changes(partner, partner_admin, group):
    services.member_add(group, actor=partner_admin, user=partner_admin)
    intruder = client_for(member(PartnerFactory(), Role.GLOBAL_ADMIN))
    urls = [_url(group), _url(group, "edit/"), _url(group, "delete/"), _url(group, "members/add/"),
            _url(group, f"members/{partner_admin.pk}/remove/")]
    before = kinds(partner)
    for url in urls:
        for method in ("get", "post"):
            response = getattr(intruder, method)(url, {"name": "Taken over", "user": partner_admin.pk})
            assert response.status_code == 404, (method, url, response.status_code)
    group.refresh_from_db()
    assert group.name == "Helpdesk" and SecurityGroup.objects.count() == 1
    assert SecurityGroupMember.objects.filter(group=group).count() == 1 and kinds(partner) == before
    # The intruder's own list does not show it.
    assert ">Helpdesk</a>" not in intruder.get(LIST).content.decode()


# --- Create, edit, bad input ---------------------------------------------------------------------


def test_create_records_activity_and_opens_the_group(partner, partner_admin):
    client = client_for(partner_admin)
    response = client.post(LIST + "new/", {"name": "  Licensing ", "description": "Licenses and billing"})
    group = SecurityGroup.objects.get(partner=partner)
    assert response.status_code == 302 and response["Location"] == _url(group)
    assert group.name == "Licensing" and group.description == "Licenses and billing"
    assert kinds(partner) == [SecurityGroupEvents.GROUP_CREATED]
    page = client.get(_url(group)).content.decode()
    assert "Licensing" in page and "Add member" in page and "has no members yet" in page


@pytest.mark.parametrize(("name", "message", "status"), [
    ("", "Enter a name.", 400),
    ("   ", "Enter a name.", 400),
    ("x" * 121, "at most 120 characters", 400),
    ("HELPDESK", "The name “HELPDESK” is already used.", 409),
])
def test_bad_names_are_refused_beside_the_field_with_the_input_kept(partner, partner_admin, group, name, message,
                                                                    status):
    response = client_for(partner_admin).post(LIST + "new/", {"name": name, "description": "Kept description"})
    html = response.content.decode()
    assert response.status_code == status
    assert invalid(html, "name")
    assert message in html and "Kept description" in html
    assert SecurityGroup.objects.filter(partner=partner).count() == 1
    assert kinds(partner) == [SecurityGroupEvents.GROUP_CREATED]


def test_edit_refuses_another_groups_name_and_saves_its_own(partner, partner_admin, group):
    services.group_create(partner=partner, actor=partner_admin, name="Licensing")
    client = client_for(partner_admin)
    assert 'value="Helpdesk"' in client.get(_url(group, "edit/")).content.decode()
    refused = client.post(_url(group, "edit/"), {"name": "licensing", "description": "New"})
    assert refused.status_code == 409 and "The name “licensing” is already used." in refused.content.decode()
    assert 'value="licensing"' in refused.content.decode()
    group.refresh_from_db()
    assert group.name == "Helpdesk"
    saved = client.post(_url(group, "edit/"), {"name": "HELPDESK", "description": "Second line"})
    assert saved.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.description) == ("HELPDESK", "Second line")
    assert kinds(partner)[-1] == SecurityGroupEvents.GROUP_UPDATED


# --- Members --------------------------------------------------------------------------------------


def test_add_and_remove_a_member(partner, partner_admin, group):
    agent = member(partner, Role.ADMIN_AGENT, email="agent@contoso.example")
    client = client_for(partner_admin)
    page = client.get(_url(group)).content.decode()
    assert "agent@contoso.example" in page.split('id="id_user"')[1].split("</select>")[0]
    response = client.post(_url(group, "members/add/"), {"user": agent.pk})
    assert response.status_code == 302
    assert list(group.members.all()) == [agent]
    page = client.get(_url(group)).content.decode()
    # Listed as a member, no longer offered in the list.
    assert "agent@contoso.example" not in page.split('id="id_user"')[1].split("</select>")[0]
    assert "Remove agent@contoso.example" in page
    # A second click (the same user again) changes nothing.
    assert client.post(_url(group, "members/add/"), {"user": agent.pk}).status_code == 302
    assert group.members.count() == 1
    confirm = client.get(_url(group, f"members/{agent.pk}/remove/"))
    assert confirm.status_code == 200 and "Remove agent@contoso.example from Helpdesk?" in confirm.content.decode()
    assert group.members.count() == 1  # the confirmation page removes nothing
    assert client.post(_url(group, f"members/{agent.pk}/remove/")).status_code == 302
    assert group.members.count() == 0
    assert kinds(partner)[-2:] == [SecurityGroupEvents.MEMBER_ADDED, SecurityGroupEvents.MEMBER_REMOVED]
    # Removing someone who is no member is a 404.
    assert client.get(_url(group, f"members/{agent.pk}/remove/")).status_code == 404


def test_only_this_partners_active_users_may_be_added(partner, partner_admin, group, customer):
    outsider = member(PartnerFactory(), Role.GLOBAL_ADMIN, email="outsider@other.example")
    customer_user = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    former = member(partner, Role.ADMIN_AGENT)
    Membership.objects.filter(user=former).update(is_active=False)
    client = client_for(partner_admin)
    page = client.get(_url(group)).content.decode()
    assert "outsider@other.example" not in page and former.email not in page
    for user_id in (outsider.pk, customer_user.pk, former.pk, 999999, "not-a-number", ""):
        response = client.post(_url(group, "members/add/"), {"user": user_id})
        html = response.content.decode()
        assert response.status_code == 400, user_id
        assert "Choose a user of your organisation." in html and invalid(html, "user")
    assert group.members.count() == 0 and kinds(partner) == [SecurityGroupEvents.GROUP_CREATED]


# --- The group's access assignments and delete ----------------------------------------------------


def test_group_page_lists_the_assignments_that_use_it(partner, partner_admin, group, customer):
    active_assignment(partner, partner_admin, customer, group)
    html = client_for(partner_admin).get(_url(group)).content.decode()
    section = html.split('id="assignments-heading"')[1]
    assert "Adatum AG" in section and "Adatum support" in section and "Directory Readers" in section
    assert "Active" in section and "Global Reader" not in section
    listing = client_for(partner_admin).get(LIST).content.decode()
    row = listing.split("Helpdesk")[1].split("</tr>")[0]
    assert '<td class="text-end">0</td>' in row and '<td class="text-end">1</td>' in row  # members, assignments


def test_delete_is_refused_while_the_group_holds_roles_and_explained(partner, partner_admin, group, customer):
    assignment = active_assignment(partner, partner_admin, customer, group)
    client = client_for(partner_admin)
    page = client.get(_url(group, "delete/")).content.decode()
    assert "cannot be deleted yet" in page and "Adatum support" in page
    assert "Delete security group</button>" not in page
    response = client.post(_url(group, "delete/"))
    assert response.status_code == 409 and "remove it from them first" in response.content.decode()
    assert SecurityGroup.objects.filter(pk=group.pk).exists()
    assert SecurityGroupEvents.GROUP_DELETED not in kinds(partner)
    # Once the group is removed from the relationship, it can go.
    services.assignment_delete(assignment, actor=partner_admin, if_match=assignment.etag)
    assert AccessAssignment.objects.get(pk=assignment.pk).status == AssignmentStatus.DELETED
    assert "Delete security group</button>" in client.get(_url(group, "delete/")).content.decode()
    assert client.post(_url(group, "delete/")).status_code == 302
    assert not SecurityGroup.objects.filter(pk=group.pk).exists()


def test_delete_asks_first_then_deletes_and_mentions_templates(partner, partner_admin, group):
    services.template_save(partner=partner, actor=partner_admin, name="Standard", roles=[DIRECTORY_READERS],
                           duration="P90D", assignments=[(group, [DIRECTORY_READERS])])
    client = client_for(partner_admin)
    page = client.get(_url(group, "delete/")).content.decode()
    assert "Delete the security group “Helpdesk”?" in page and "Standard" in page
    assert SecurityGroup.objects.filter(pk=group.pk).exists()
    response = client.post(_url(group, "delete/"))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not SecurityGroup.objects.filter(pk=group.pk).exists()
    assert kinds(partner)[-1] == SecurityGroupEvents.GROUP_DELETED


# --- The list ----------------------------------------------------------------------------------------


def test_empty_state_explains_what_groups_are_for(partner, partner_admin):
    html = client_for(partner_admin).get(LIST).content.decode()
    assert "You have no security groups yet." in html and "give the group roles" in html
    reader = client_for(member(partner, Role.HELPDESK_AGENT)).get(LIST).content.decode()
    assert "Your Global admins create and manage security groups." in reader


def test_search_and_fifty_a_page(partner, partner_admin):
    for number in range(51):
        SecurityGroup.objects.create(partner=partner, name=f"Group {number:02d}",
                                     description="Tier two" if number == 7 else "")
    client = client_for(partner_admin)
    first = client.get(LIST).content.decode()
    assert first.count('<td><a href="/gdap/security-groups/') == 50
    assert "Page 1 of 2" in first and "Group 50" not in first
    assert "Group 50" in client.get(LIST + "?page=2").content.decode()
    found = client.get(LIST + "?q=tier+two").content.decode()
    assert "Group 07" in found and "Group 08" not in found
    assert "No security group matches “nothing”." in client.get(LIST + "?q=nothing").content.decode()
    # Another partner's groups never appear.
    SecurityGroup.objects.create(partner=PartnerFactory(), name="Group 99")
    assert "Group 99" not in client.get(LIST + "?q=99").content.decode()
