"""The demo shows Service management in its states (README's tour): Contoso's Helpdesk agent at Adatum (DAP
and GDAP through "Helpdesk tier 1"), the same user at Alpine Ski Haus ("Admin permissions needed", no
request button; the Admin agent has one), and the consultant at Fabrikam, whose access to Adatum is GDAP
alone through "Ügyfélszolgálat"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gdap import access
from partnercenter.models import Tenant, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_service_management_in_every_state():
    from partnercenter.demo import demo_load

    assert demo_load() is True
    adatum = Tenant.objects.get(primary_domain="adatum.example")
    alpine = Tenant.objects.get(primary_domain="alpineskihaus.example")
    fabrikam = Tenant.objects.get(primary_domain="fabrikam.example")

    helpdesk = client_for(User.objects.get(email="helpdesk@contoso.example"))
    page = helpdesk.get(f"/customers/{adatum.id}/services/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "GDAP: Helpdesk Administrator" in html and "Helpdesk tier 1" in html
    assert "Cloud infrastructure" in html and "Productivity suite (email, office apps)" in html
    refused = helpdesk.get(f"/customers/{alpine.id}/services/")
    assert refused.status_code == 403 and "Admin permissions needed" in refused.content.decode()
    assert "Request admin relationship" not in refused.content.decode()
    agent = client_for(User.objects.get(email="agent@contoso.example"))  # German pages: the link's address
    refused = agent.get(f"/customers/{alpine.id}/services/")
    assert refused.status_code == 403 and f'href="{reverse("gdap:request", args=[alpine.id])}"' in refused.content.decode()

    consultant = User.objects.get(email="consultant@contoso.example")
    assert access.may(consultant, fabrikam, adatum, access.USERS_PASSWORD_RESET).via == "gdap"
    client = client_for(consultant)
    client.post("/switch-tenant/", {"tenant": str(fabrikam.id)})
    html = client.get(f"/customers/{adatum.id}/services/").content.decode()
    assert "Ügyfélszolgálat" in html and "GDAP: Helpdesk Administrator" in html
