"""The one GDAP role picker (gdap/picker.py, templates/gdap/_role_picker.html, static/js/role_picker.js) on
every page that picks roles: Request admin relationship, the role template form (and its group lines),
a relationship's "Add security group" and "Edit roles"; and the one table of duration presets."""

from __future__ import annotations

import re

import pytest

from gdap import services
from gdap.forms.durations import DURATION_PRESETS
from gdap.models import RoleDefinition
from gdap.picker import CATEGORY_LABELS, SEARCH_FROM
from tests.conftest import client_for
from tests.gdap_partner_support import (  # noqa: F401
    DIRECTORY_READERS,
    GLOBAL_ADMINISTRATOR,
    GLOBAL_READER,
    approval_urls,
    world,
)

pytestmark = pytest.mark.django_db


def _categories(page: str) -> list[str]:
    """The category legends of the page's first picker."""
    first = page[page.index("data-role-picker"):page.index("js/role_picker.js")]
    return re.findall(r'<legend class="role-picker-category">([^<]*)</legend>', first)


def _radio_labels(page: str, name: str) -> list[str]:
    ids = re.findall(rf'<input type="radio" name="{name}" value="[^"]*"[^>]*id="([^"]+)"', page)
    return [re.search(rf'for="{i}">([^<]*)</label>', page).group(1) for i in ids]


def test_request_page_and_template_form_share_the_picker_and_its_categories(world):  # noqa: F811
    client = client_for(world.admin)
    request_page = client.get(f"/gdap/customers/{world.customer.id}/request/").content.decode()
    template_page = client.get("/gdap/role-templates/new/").content.decode()
    order = [str(label) for label in CATEGORY_LABELS.values()]
    for page in (request_page, template_page):
        assert "data-role-picker" in page and "js/role_picker.js" in page and "js/gdap.js" not in page
        shown = _categories(page)
        assert shown == [label for label in order if label in shown] and "Identity and access" in shown
        assert 'placeholder="Search roles"' in page and "role-picker-count" in page
        assert "Most powerful role" in page
    assert _categories(request_page) == _categories(template_page)


def test_both_forms_offer_the_same_duration_presets(world):  # noqa: F811
    client = client_for(world.admin)
    request_page = client.get(f"/gdap/customers/{world.customer.id}/request/").content.decode()
    template_page = client.get("/gdap/role-templates/new/").content.decode()
    expected = [str(label) for _days, label in DURATION_PRESETS] + ["Custom"]
    assert _radio_labels(request_page, "preset") == expected == _radio_labels(template_page, "duration")
    # Typing custom days chooses "Custom" (static/js/app.js) on both.
    assert 'data-duration-custom="preset"' in request_page and 'data-duration-custom="duration"' in template_page


def test_security_group_pages_offer_the_relationship_roles_in_the_shared_picker(world):  # noqa: F811
    client = client_for(world.admin)
    # A role the catalog no longer offers stays on offer for the relationship that holds it.
    RoleDefinition.objects.filter(pk=GLOBAL_READER).update(is_active=False)
    page = client.get(f"/gdap/relationships/{world.active.id}/assignments/add/").content.decode()
    assert "data-role-picker" in page
    offered = set(re.findall(r'type="checkbox" name="roles" value="([^"]+)"', page))
    assert offered == {GLOBAL_ADMINISTRATOR, DIRECTORY_READERS, GLOBAL_READER}
    assert 'placeholder="Search roles"' not in page  # three roles: no search box, the count stays
    assert "role-picker-count" in page and "Most powerful role" in page
    assert world.active.roles.count() < SEARCH_FROM

    assignment = services.assignment_create(world.active, actor=world.admin, security_group=world.group,
                                            roles=[DIRECTORY_READERS])
    page = client.get(f"/gdap/assignments/{assignment.id}/edit/").content.decode()
    checked = re.findall(r'value="([^"]+)" id="id_roles_\d+_\d+" checked', page)
    assert checked == [DIRECTORY_READERS]
