"""Partner GDAP flows through the pages: "Request admin relationship" (pre-fills, every bad input beside
its field with what was typed kept and nothing saved), the draft and "Send", the relationship's edits
with ETags, "Remove Global Administrator", "Terminate", security groups, and the activity they leave."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from gdap import services
from gdap.models import AccessAssignment, AdminRelationship, AssignmentStatus, GdapApproval, RelationshipStatus
from partnercenter.models import ActivityLog, OutboxEmail
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_partner_support import (  # noqa: F401
    DIRECTORY_READERS,
    GLOBAL_ADMINISTRATOR,
    GLOBAL_READER,
    USER_ADMINISTRATOR,
    approval_urls,
    world,
)

pytestmark = pytest.mark.django_db


def _request_url(w) -> str:  # noqa: ANN001
    return f"/gdap/customers/{w.customer.id}/request/"


def _post(**changes) -> dict:  # noqa: ANN003
    data = {"display_name": "Adatum helpdesk", "roles": [DIRECTORY_READERS, USER_ADMINISTRATOR], "preset": "90",
            "duration": ""}
    data.update(changes)
    return data


def _counts() -> tuple[int, int, int, int]:
    return (AdminRelationship.objects.count(), GdapApproval.objects.count(), ActivityLog.objects.count(),
            OutboxEmail.objects.count())


def test_the_form_suggests_a_free_display_name_and_offers_the_catalog(world):  # noqa: F811
    client = client_for(world.admin)
    page = client.get(_request_url(world)).content.decode()
    assert 'value="Adatum AG"' in page
    # The shared picker (gdap/_role_picker.html): categories, search, Global Administrator highlighted.
    assert "Most powerful role" in page and "Search roles" in page and "Identity and access" in page
    assert page.count('name="roles"') > 30 and "js/role_picker.js" in page and "role-picker-count" in page
    AdminRelationship.objects.filter(pk=world.pending.pk).update(display_name="adatum ag")
    assert 'value="Adatum AG (2)"' in client.get(_request_url(world)).content.decode()


def test_the_form_starts_from_a_template_or_an_earlier_relationship(world):  # noqa: F811
    template = services.template_save(partner=world.partner, actor=world.admin, name="Helpdesk", roles=[GLOBAL_READER],
                                      duration="P180D", auto_extend="P180D", assignments=[(world.group, [GLOBAL_READER])])
    client = client_for(world.admin)
    response = client.get(f"{_request_url(world)}?template={template.id}")
    form = response.context["form"]
    assert form.initial["roles"] == [GLOBAL_READER] and form.initial["preset"] == "180"
    assert form.initial["auto_extend"] is True and form.initial["template"] == str(template.id)
    response = client.get(f"/gdap/request/?from={world.active.id}")
    assert response.status_code == 302 and response["Location"] == f"{_request_url(world)}?from={world.active.id}"
    form = client.get(response["Location"]).context["form"]
    assert set(form.initial["roles"]) == {GLOBAL_ADMINISTRATOR, DIRECTORY_READERS, GLOBAL_READER}
    assert form.initial["preset"] == "90" and not form.initial["auto_extend"]
    # Posting with the template remembers it: approval creates its assignments.
    response = client.post(_request_url(world), _post(template=str(template.id), roles=[GLOBAL_READER]))
    assert response.status_code == 302
    assert AdminRelationship.objects.get(display_name="Adatum helpdesk").template == template


BAD_INPUT = [
    ("51 characters", {"display_name": "x" * 51}, "display_name", "at most 50 characters (it has 51)"),
    ("duplicate, other case", {"display_name": "adatum SUPPORT"}, "display_name", "You already have an admin "
                                                                                  "relationship named"),
    ("empty name", {"display_name": "   "}, "display_name", "Enter a display name."),
    ("hostile long name", {"display_name": "<script>" * 80}, "display_name", "at most 500 characters"),
    ("no role", {"roles": []}, "roles", "Choose at least one role."),
    ("unknown role", {"roles": ["00000000-0000-4000-8000-000000000000"]}, "roles", "is not a role of the catalog"),
    ("malformed role", {"roles": ["<b>x</b>"]}, "roles", "is not a role of the catalog"),
    ("zero days", {"preset": "custom", "duration": "0"}, "duration", "between 1 day and 2 years"),
    ("731 days", {"preset": "custom", "duration": "731"}, "duration", "between 1 day and 2 years"),
    ("huge", {"preset": "custom", "duration": "9" * 30}, "duration", "between 1 day and 2 years"),
    ("malformed", {"preset": "custom", "duration": "three months"}, "duration", "Enter the duration in days"),
    ("months", {"preset": "custom", "duration": "P3M"}, "duration", "Enter the duration in days"),
    ("custom left empty", {"preset": "custom", "duration": ""}, "duration", "Enter the duration in days"),
    ("preset not offered", {"preset": "45"}, "preset", "Select a valid choice"),
    ("auto-extend with Global Administrator", {"roles": [GLOBAL_ADMINISTRATOR], "auto_extend": "on"}, "auto_extend",
     "Auto-extend is not available while Global Administrator is among the roles."),
]


@pytest.mark.parametrize("case, changes, field, message", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_every_bad_input_is_shown_beside_its_field_and_nothing_is_saved(world, case, changes, field, message):  # noqa: F811
    client = client_for(world.admin)
    before = _counts()
    data = _post(**changes)
    response = client.post(_request_url(world), data)
    assert response.status_code == (409 if case.startswith("duplicate") else 400)
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field]), errors
    assert _counts() == before
    page = response.content.decode()
    for role in data["roles"]:
        if role in (DIRECTORY_READERS, USER_ADMINISTRATOR, GLOBAL_ADMINISTRATOR):
            assert re.search(rf'value="{role}" id="id_roles_\d+_\d+" checked', page), role  # ticks kept
    if field == "display_name":
        typed = data["display_name"].replace("<", "&lt;").replace(">", "&gt;")
        assert f'value="{typed}"' in page
    if data.get("duration"):
        assert f'value="{data["duration"]}"' in page


def test_every_field_says_what_is_wrong_at_once(world):  # noqa: F811
    before = _counts()
    response = client_for(world.admin).post(_request_url(world), _post(
        display_name="x" * 51, roles=[GLOBAL_ADMINISTRATOR], auto_extend="on", preset="custom", duration="abc"))
    assert set(response.context["form"].errors) == {"display_name", "duration", "auto_extend"}
    assert _counts() == before


def test_a_customer_of_another_partner_is_a_404_and_nothing_is_saved(world):  # noqa: F811
    stranger = TenantFactory()
    from customers.services import reseller_relationship_ensure

    reseller_relationship_ensure(partner=PartnerFactory(), customer=stranger, actor=None)
    before = _counts()
    client = client_for(world.admin)
    assert client.get(f"/gdap/customers/{stranger.id}/request/").status_code == 404
    assert client.post(f"/gdap/customers/{stranger.id}/request/", _post()).status_code == 404
    assert _counts() == before


def test_request_draft_and_send_to_the_global_admins_in_their_languages(world):  # noqa: F811
    client = client_for(world.admin)
    response = client.post(_request_url(world), _post(email="ignored"))
    rel = AdminRelationship.objects.get(display_name="Adatum helpdesk")
    assert response.status_code == 302 and response["Location"] == f"/gdap/relationships/{rel.id}/draft/"
    assert rel.status == RelationshipStatus.APPROVAL_PENDING and rel.duration.days == 90
    draft = client.get(response["Location"])
    assert client.get(response["Location"]).context["link"] == draft.context["link"]  # a reload: the same draft
    assert AdminRelationship.objects.filter(display_name__startswith="Adatum helpdesk").count() == 1
    page = draft.content.decode()
    assert "{#" not in page  # the shared draft partial's comments stay comments
    link = draft.context["link"]
    assert re.match(r"http://testserver/gdap/approval/[\w-]{40,}/$", link)
    for label in ("Open in email", "Copy to clipboard", "Send", "Done", "ga-de@adatum.example", "ga-hu@adatum.example",
                  "User Administrator"):
        assert label in page, label
    assert link in draft.context["form"].initial["body"]
    form = draft.context["form"].initial
    # A body without the link is refused beside the body, nothing sent.
    response = client.post(f"/gdap/relationships/{rel.id}/send/", {**form, "body": "no link here"})
    assert response.status_code == 400 and "personalised link" in " ".join(response.context["form"].errors["body"])
    assert response.context["form"]["body"].value() == "no link here"
    response = client.post(f"/gdap/relationships/{rel.id}/send/", {**form, "email": "not-an-address"})
    assert response.status_code == 400 and list(response.context["form"].errors) == ["email"]
    assert not OutboxEmail.objects.filter(kind="gdap_approval_request").exists()
    edited = form["body"] + "\nP.S. Call us."
    response = client.post(f"/gdap/relationships/{rel.id}/send/", {**form, "body": edited, "email": "IT@Adatum.example"})
    assert response.status_code == 302 and response["Location"] == f"/gdap/relationships/{rel.id}/"
    mails = {m.to_email: m for m in OutboxEmail.objects.filter(kind="gdap_approval_request")}
    assert set(mails) == {"ga-de@adatum.example", "ga-hu@adatum.example", "it@adatum.example"}
    assert mails["ga-de@adatum.example"].language == "de" and mails["ga-hu@adatum.example"].language == "hu"
    assert all(link in m.body for m in mails.values())
    assert "P.S. Call us." in mails["it@adatum.example"].body and "P.S." not in mails["ga-de@adatum.example"].body
    assert "User Administrator" in mails["ga-hu@adatum.example"].body
    assert GdapApproval.objects.get(relationship=rel).sent_at is not None
    # Sent: the draft is closed; a second Send mails nobody again.
    response = client.post(f"/gdap/relationships/{rel.id}/send/", {**form, "body": edited})
    assert response.status_code == 302 and OutboxEmail.objects.filter(kind="gdap_approval_request").count() == 3
    assert client.get(f"/gdap/relationships/{rel.id}/draft/").status_code == 302


def test_send_without_global_admins_needs_an_address(world):  # noqa: F811
    from partnercenter.models import Membership

    Membership.objects.filter(tenant=world.customer).update(is_active=False)
    client = client_for(world.admin)
    rel_url = client.post(_request_url(world), _post())["Location"]
    form = client.get(rel_url).context["form"].initial
    response = client.post(rel_url.replace("/draft/", "/send/"), form)
    assert response.status_code == 400 and "no Global admin in the portal" in response.context["form"].errors["email"][0]
    assert not OutboxEmail.objects.filter(kind="gdap_approval_request").exists()


def _detail(client, rel) -> str:  # noqa: ANN001
    return client.get(f"/gdap/relationships/{rel.id}/").content.decode()


def test_the_relationship_page_shows_history_and_edits_auto_extend_with_the_etag(world):  # noqa: F811
    client = client_for(world.admin)
    rel = world.active
    page = _detail(client, rel)
    for text in ("Lock for approval", "Approve", "Succeeded", "Request history", "Remove Global Administrator",
                 "Request a new relationship from this one", f'value="{escape(rel.etag)}"'):
        assert text in page, text
    # With Global Administrator among the roles, auto-extend is refused beside the field; nothing saved.
    version = rel.version
    response = client.post(f"/gdap/relationships/{rel.id}/edit/", {"auto_extend": "on", "etag": rel.etag})
    assert response.status_code == 400
    assert "Global Administrator" in response.context["edit_form"].errors["auto_extend"][0]
    assert AdminRelationship.objects.get(pk=rel.pk).version == version
    assert client.get(f"/gdap/relationships/{rel.id}/remove-global-administrator/").status_code == 200
    page_etag = rel.etag
    response = client.post(f"/gdap/relationships/{rel.id}/remove-global-administrator/", {"etag": page_etag})
    assert response.status_code == 302
    rel.refresh_from_db()
    assert GLOBAL_ADMINISTRATOR not in {str(r.pk) for r in rel.roles.all()}
    # A stale ETag (the page before the removal) says so and shows the current values.
    stale = client.post(f"/gdap/relationships/{rel.id}/edit/", {"auto_extend": "on", "etag": page_etag})
    assert stale.status_code == 409
    assert "Someone else changed this relationship. The current values are shown." in stale.content.decode()
    assert stale.context["edit_form"].initial == {"auto_extend": False, "etag": rel.etag}
    assert not AdminRelationship.objects.get(pk=rel.pk).auto_extends
    response = client.post(f"/gdap/relationships/{rel.id}/edit/", {"auto_extend": "on", "etag": rel.etag})
    assert response.status_code == 302 and AdminRelationship.objects.get(pk=rel.pk).auto_extends
    # Edit is only for active or expiring relationships.
    assert "Remove Global Administrator" not in _detail(client, world.pending)
    response = client.post(f"/gdap/relationships/{world.pending.id}/edit/", {"auto_extend": "on",
                                                                           "etag": world.pending.etag})
    assert response.status_code == 409


def test_terminate_asks_first_then_ends_the_access(world):  # noqa: F811
    client = client_for(world.admin)
    url = f"/gdap/relationships/{world.active.id}/terminate/"
    page = client.get(url).content.decode()
    assert "Terminate this admin relationship?" in page and "the customer is told by email" in page
    assert AdminRelationship.objects.get(pk=world.active.pk).status == RelationshipStatus.ACTIVE
    assert client.post(url).status_code == 302
    assert AdminRelationship.objects.get(pk=world.active.pk).status in (RelationshipStatus.TERMINATION_REQUESTED,
                                                                          RelationshipStatus.TERMINATED)
    assert f'href="{url}"' not in _detail(client, world.active)
    client.post(url)
    assert "already terminated or expired" in client.get(f"/gdap/relationships/{world.active.id}/").content.decode()
    # A pending request can be withdrawn too: its link stops working.
    assert client.post(f"/gdap/relationships/{world.pending.id}/terminate/").status_code == 302
    assert GdapApproval.objects.get(relationship=world.pending).status == "revoked"


def test_security_groups_add_edit_with_etag_and_remove(world):  # noqa: F811
    client = client_for(world.admin)
    add = f"/gdap/relationships/{world.active.id}/assignments/add/"
    page = client.get(add).content.decode()
    assert "Helpdesk tier 1" in page and "Global Administrator" in page and "User Administrator" not in page
    cases = [
        ({"roles": [DIRECTORY_READERS]}, "security_group", "Choose a security group."),
        ({"security_group": str(world.group.id)}, "roles", "Choose at least one role."),
        ({"security_group": str(world.group.id), "roles": [USER_ADMINISTRATOR]}, "roles", "not part of the admin"),
    ]
    for data, field, message in cases:
        response = client.post(add, data)
        assert response.status_code == 400 and message in response.context["form"].errors[field][0], data
        assert not AccessAssignment.objects.exists()
    assert client.post(add, {"security_group": str(world.group.id), "roles": [DIRECTORY_READERS]}).status_code == 302
    response = client.post(add, {"security_group": str(world.group.id), "roles": [DIRECTORY_READERS]})
    assert response.status_code == 409 and "already has roles" in response.context["form"].errors["security_group"][0]
    assignment = AccessAssignment.objects.get()
    edit = f"/gdap/assignments/{assignment.id}/edit/"
    old_etag = assignment.etag
    assert client.post(edit, {"roles": [DIRECTORY_READERS, GLOBAL_READER], "etag": old_etag}).status_code == 302
    assert {str(r.pk) for r in AccessAssignment.objects.get().roles.all()} == {DIRECTORY_READERS, GLOBAL_READER}
    stale = client.post(edit, {"roles": [GLOBAL_READER], "etag": old_etag})
    assert stale.status_code == 409 and "The current values are shown." in stale.content.decode()
    assert stale.context["picker"]["checked"] == {DIRECTORY_READERS, GLOBAL_READER}
    remove = f"/gdap/assignments/{assignment.id}/remove/"
    assert "Remove this security group?" in client.get(remove).content.decode()
    assert client.post(remove, {"etag": AccessAssignment.objects.get().etag}).status_code == 302
    assert AccessAssignment.objects.get().status == AssignmentStatus.DELETED
    assert "No security group holds roles" in _detail(client, world.active)
    # A relationship that is not active gets no new groups.
    assert client.get(f"/gdap/relationships/{world.pending.id}/assignments/add/").status_code == 302


def test_every_step_is_on_the_activity_page_in_words(world):  # noqa: F811
    client = client_for(world.admin)
    client.post(f"/gdap/relationships/{world.active.id}/assignments/add/",
                {"security_group": str(world.group.id), "roles": [DIRECTORY_READERS]})
    client.post(f"/gdap/relationships/{world.active.id}/remove-global-administrator/", {"etag": world.active.etag})
    client.post(f"/gdap/relationships/{world.pending.id}/terminate/")
    page = client_for(member(world.partner, Role.GLOBAL_ADMIN)).get("/activity/").content.decode()
    for text in ("Admin relationship Adatum support created by", "Admin relationship Adatum pending awaits the "
                 "approval of Adatum AG.", "Security group Helpdesk tier 1 was given roles in admin relationship "
                 "Adatum support.", "Global Administrator was removed from admin relationship Adatum support.",
                 "Termination of admin relationship Adatum pending was requested."):
        assert text in page, text
