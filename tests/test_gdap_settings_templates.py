"""Partner settings → "Role templates": who may read and manage, tenant isolation, the form (roles from the
catalog, duration presets or custom days, auto-extend, group → roles lines as a formset), every bad input
beside its field with the input kept, and an activity entry for every change."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from gdap import services
from gdap.events import SecurityGroupEvents
from gdap.models import GLOBAL_ADMINISTRATOR_ID, RoleTemplate
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member
from tests.gdap_settings_support import DIRECTORY_READERS, GLOBAL_READER, invalid

pytestmark = pytest.mark.django_db

GA = str(GLOBAL_ADMINISTRATOR_ID)
LIST = "/gdap/role-templates/"


@pytest.fixture
def groups(partner, partner_admin):
    return [services.group_create(partner=partner, actor=partner_admin, name=name) for name in ("Helpdesk", "Readers")]


@pytest.fixture
def template(partner, partner_admin, groups):
    return services.template_save(partner=partner, actor=partner_admin, name="Standard", description="Most customers",
                                  roles=[DIRECTORY_READERS, GLOBAL_READER], duration="P45D",
                                  assignments=[(groups[0], [DIRECTORY_READERS])])


def form_data(name: str = "Support", roles=(DIRECTORY_READERS, GLOBAL_READER), duration: str = "P180D",
              lines=(), **extra) -> dict:
    data = {"name": name, "description": "Kept description", "roles": list(roles), "duration": duration,
            "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0"}
    for number, (group, line_roles) in enumerate(lines):
        data[f"lines-{number}-security_group"] = str(group.pk) if group else ""
        data[f"lines-{number}-roles"] = list(line_roles)
    data.update(extra)
    return data


def kinds(tenant) -> list[str]:
    return list(ActivityLog.objects.filter(tenant=tenant, kind__startswith="gdap.template").order_by("id")
                .values_list("kind", flat=True))


# --- Who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.HELPDESK_AGENT])
def test_admin_and_helpdesk_agents_read_but_do_not_manage(partner, template, role):
    client = client_for(member(partner, role))
    listing = client.get(LIST).content.decode()
    assert ">Standard</a>" in listing and "Create role template" not in listing
    page = client.get(f"{LIST}{template.pk}/")
    assert page.status_code == 200 and "Directory Readers" in page.content.decode()
    assert f"{template.pk}/edit/" not in page.content.decode()
    for tail in ("new/", f"{template.pk}/edit/", f"{template.pk}/delete/"):
        assert client.get(LIST + tail).status_code == 403
        assert client.post(LIST + tail, form_data()).status_code == 403
    assert RoleTemplate.objects.count() == 1


@pytest.mark.parametrize("role", [Role.SALES_AGENT, Role.BILLING_ADMIN])
def test_sales_and_billing_see_no_role_templates(partner, template, role):
    client = client_for(member(partner, role))
    assert client.get(LIST).status_code == 403 and client.get(f"{LIST}{template.pk}/").status_code == 403


def test_another_partners_template_is_404_and_its_groups_cannot_be_used(partner, partner_admin, template, groups):
    other = PartnerFactory()
    other_admin = member(other, Role.GLOBAL_ADMIN)
    intruder = client_for(other_admin)
    for tail in ("", "edit/", "delete/"):
        for method in ("get", "post"):
            response = getattr(intruder, method)(f"{LIST}{template.pk}/{tail}", form_data(name="Taken over"))
            assert response.status_code == 404, (method, tail)
    template.refresh_from_db()
    assert template.name == "Standard" and RoleTemplate.objects.filter(pk=template.pk).exists()
    # A line naming the first partner's group is refused beside the row's group field.
    response = intruder.post(LIST + "new/", form_data(lines=[(groups[0], [DIRECTORY_READERS])]))
    assert response.status_code == 400 and "Choose one of your security groups." in response.content.decode()
    assert invalid(response.content.decode(), "lines-0-security_group")
    assert not RoleTemplate.objects.filter(partner=other).exists()


# --- Create, edit, delete ---------------------------------------------------------------------------


def test_create_with_lines_and_custom_duration(partner, partner_admin, groups):
    client = client_for(partner_admin)
    page = client.get(LIST + "new/").content.decode()
    assert "Search roles" in page and "Most powerful role" in page and "2 years" in page
    response = client.post(LIST + "new/", form_data(
        duration="custom", duration_days="120", auto_extend="on",
        lines=[(groups[0], [DIRECTORY_READERS]), (groups[1], [DIRECTORY_READERS, GLOBAL_READER]), (None, [])]))
    saved = RoleTemplate.objects.get(partner=partner)
    assert response.status_code == 302 and response["Location"] == f"{LIST}{saved.pk}/"
    assert saved.duration == timedelta(days=120) and saved.auto_extend_duration == timedelta(days=180)
    assert {str(r.pk) for r in saved.roles.all()} == {DIRECTORY_READERS, GLOBAL_READER}
    lines = {line.security_group.name: {str(r.pk) for r in line.roles.all()} for line in saved.assignments.all()}
    assert lines == {"Helpdesk": {DIRECTORY_READERS}, "Readers": {DIRECTORY_READERS, GLOBAL_READER}}
    assert kinds(partner) == [SecurityGroupEvents.TEMPLATE_CREATED]
    detail = client.get(f"{LIST}{saved.pk}/").content.decode()
    assert "120 days" in detail and "Yes, by 180 days" in detail and "Helpdesk" in detail


def test_edit_shows_the_current_values_and_replaces_the_lines(partner, partner_admin, template, groups):
    client = client_for(partner_admin)
    page = client.get(f"{LIST}{template.pk}/edit/").content.decode()
    assert 'value="Standard"' in page and 'value="45"' in page  # 45 days is no preset: custom
    assert f'value="{DIRECTORY_READERS}" id="id_roles_' in page
    response = client.post(f"{LIST}{template.pk}/edit/", form_data(
        name="Standard", roles=[GLOBAL_READER], duration="P365D",
        lines=[(groups[1], [GLOBAL_READER])]))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.duration == timedelta(days=365)
    assert [line.security_group.name for line in template.assignments.all()] == ["Readers"]
    assert kinds(partner) == [SecurityGroupEvents.TEMPLATE_CREATED, SecurityGroupEvents.TEMPLATE_UPDATED]


def test_add_security_group_adds_a_row_and_saves_nothing(partner, partner_admin, groups):
    client = client_for(partner_admin)
    response = client.post(LIST + "new/", form_data(lines=[(groups[0], [DIRECTORY_READERS])], add_line="1"))
    html = response.content.decode()
    assert response.status_code == 200 and 'name="lines-1-security_group"' in html
    assert 'name="lines-TOTAL_FORMS" value="2"' in html and 'value="Support"' in html
    assert not RoleTemplate.objects.exists()


def test_a_removed_row_is_not_saved(partner, partner_admin, groups):
    client = client_for(partner_admin)
    client.post(LIST + "new/", form_data(lines=[(groups[0], [DIRECTORY_READERS]), (groups[1], [GLOBAL_READER])],
                                         **{"lines-1-DELETE": "on"}))
    assert [line.security_group.name for line in RoleTemplate.objects.get().assignments.all()] == ["Helpdesk"]


def test_delete_asks_first(partner, partner_admin, template):
    client = client_for(partner_admin)
    page = client.get(f"{LIST}{template.pk}/delete/").content.decode()
    assert "Delete the role template “Standard”?" in page and RoleTemplate.objects.exists()
    response = client.post(f"{LIST}{template.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == LIST and not RoleTemplate.objects.exists()
    assert kinds(partner)[-1] == SecurityGroupEvents.TEMPLATE_DELETED


# --- Bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "field", "message", "status"), [
    ({"name": ""}, "name", "Enter a name.", 400),
    ({"name": "x" * 101}, "name", "at most 100 characters", 400),
    ({"name": "standard"}, "name", "The name “standard” is already used.", 409),
    ({"roles": []}, "roles", "Choose at least one role.", 400),
    ({"roles": ["00000000-0000-4000-8000-000000000000"]}, "roles", "Select a valid choice.", 400),
    ({"roles": [GA, DIRECTORY_READERS], "auto_extend": "on"}, "auto_extend",
     "Auto-extend is not available while Global Administrator is among the roles.", 400),
    ({"duration": "custom", "duration_days": ""}, "duration_days", "Enter 1 to 730 days.", 400),
    ({"duration": "custom", "duration_days": "731"}, "duration_days", "Enter 1 to 730 days.", 400),
    ({"duration": "custom", "duration_days": "0"}, "duration_days", "Enter 1 to 730 days.", 400),
    ({"duration": "P3M"}, "duration", "Select a valid choice.", 400),
])
def test_bad_input_is_shown_beside_its_field_with_the_input_kept(partner, partner_admin, template, changes, field,
                                                                 message, status):
    before = RoleTemplate.objects.count()
    response = client_for(partner_admin).post(LIST + "new/", form_data(**changes))
    html = response.content.decode()
    assert response.status_code == status
    assert message in html and "Kept description" in html
    if field in ("roles", "duration"):  # the picker and the presets: a fieldset with its message inside
        assert f'id="id_{field}_error"' in html
    else:
        assert invalid(html, field)
    assert RoleTemplate.objects.count() == before and kinds(partner) == [SecurityGroupEvents.TEMPLATE_CREATED]


def test_global_administrator_with_auto_extend_keeps_the_checked_roles(partner, partner_admin, groups):
    response = client_for(partner_admin).post(LIST + "new/", form_data(roles=[GA], auto_extend="on",
                                                                       lines=[(groups[0], [GA])]))
    html = response.content.decode()
    assert response.status_code == 400
    # Only auto-extend is wrong: the line (its role is the template's) carries no error.
    assert 'id="id_lines-0-roles_error"' not in html and "is-invalid" not in html.split('name="lines-0')[1][:300]
    boxes = [tag for tag in re.findall(r"<input\b[^>]*>", html) if 'name="roles"' in tag]
    assert [tag for tag in boxes if " checked" in tag] == [tag for tag in boxes if f'value="{GA}"' in tag]
    assert invalid(html, "auto_extend") and 'name="auto_extend"' in html


@pytest.mark.parametrize(("lines", "field", "message"), [
    ([("g0", [GA])], "lines-0-roles", "These roles are not among the template's roles: Global Administrator."),
    ([("g0", [])], "lines-0-roles", "Choose at least one role."),
    ([(None, [DIRECTORY_READERS])], "lines-0-security_group", "Choose a security group."),
    ([("g0", [DIRECTORY_READERS]), ("g0", [GLOBAL_READER])], "lines-1-security_group",
     "Each security group can appear once."),
])
def test_bad_lines_are_shown_beside_their_row(partner, partner_admin, groups, lines, field, message):
    rows = [(groups[0] if group == "g0" else None, roles) for group, roles in lines]
    response = client_for(partner_admin).post(LIST + "new/", form_data(lines=rows))
    html = unescape(response.content.decode())
    assert response.status_code == 400 and message in html
    if field.endswith("roles"):
        assert f'id="id_{field}_error"' in html
    else:
        assert invalid(html, field)
    assert not RoleTemplate.objects.exists() and kinds(partner) == []


def test_empty_state_and_search(partner, partner_admin, template):
    client = client_for(partner_admin)
    assert "No role template matches “nothing”." in client.get(LIST + "?q=nothing").content.decode()
    assert ">Standard</a>" in client.get(LIST + "?q=most+customers").content.decode()
    empty = client_for(member(PartnerFactory(), Role.GLOBAL_ADMIN)).get(LIST).content.decode()
    assert "You have no role templates yet." in empty and ">Standard</a>" not in empty
