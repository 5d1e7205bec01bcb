"""The one display-name suggestion (gdap/services/names.py): "Request admin relationship" suggests the
customer's name and a bulk request "<template> – <customer>", both numbered the same way when taken."""

from __future__ import annotations

import pytest

from gdap.services.names import display_name_suggest, unique_display_names
from tests.factories import TenantFactory
from tests.gdap_partner_support import DIRECTORY_READERS, approval_urls, relationship_request, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_customer_name_is_numbered_within_fifty_characters_when_taken(world):  # noqa: F811
    long_name = "Adatum Gesellschaft für sehr lange Firmennamen und Beratung mbH"
    world.customer.name = long_name
    assert display_name_suggest(world.partner, world.customer) == long_name[:50].rstrip()
    relationship_request(world.partner, world.admin, world.customer, long_name[:50].upper(), [DIRECTORY_READERS])
    second = display_name_suggest(world.partner, world.customer)
    assert second == long_name[:46].rstrip() + " (2)" and len(second) <= 50
    relationship_request(world.partner, world.admin, world.customer, second.lower(), [DIRECTORY_READERS])
    assert display_name_suggest(world.partner, world.customer).endswith(" (3)")


def test_a_bulk_request_numbers_taken_names_and_its_own_the_same_way(world):  # noqa: F811
    relationship_request(world.partner, world.admin, world.customer, "Helpdesk – Adatum AG", [DIRECTORY_READERS])
    other = TenantFactory(name="Adatum AG")
    names = unique_display_names(world.partner, {"a": ("Helpdesk", "Adatum AG"), "b": ("Helpdesk", other.name)})
    assert sorted(names.values()) == ["Helpdesk – Adatum AG (2)", "Helpdesk – Adatum AG (3)"]
