"""Demo data of the customer's GDAP pages (`make demo`): Adatum's Partner relationships show a request
awaiting approval (Contoso, with Global Administrator), an active auto-extending relationship (Fabrikam)
and one Adatum rejected (Contoso)."""

from __future__ import annotations

from typing import Any

from gdap import services
from gdap.models import GLOBAL_ADMINISTRATOR_ID
from partnercenter.models import User

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
SECURITY_READER = "5d6b6bb7-de71-4623-b4af-96380a352509"


def gdap_customer_demo(tenants: dict[str, Any]) -> None:
    contoso, fabrikam, adatum = tenants["contoso.example"], tenants["fabrikam.example"], tenants["adatum.example"]
    admin = User.objects.get(email="admin@adatum.example")
    contoso_agent = User.objects.get(email="agent@contoso.example")
    fabrikam_admin = User.objects.get(email="admin@fabrikam.example")
    services.request_relationship(partner=contoso, actor=contoso_agent, customer=adatum,
                                  display_name="Adatum full administration", duration="P90D",
                                  roles=[str(GLOBAL_ADMINISTRATOR_ID), DIRECTORY_READERS])
    _rel, raw = services.request_relationship(partner=fabrikam, actor=fabrikam_admin, customer=adatum,
                                              display_name="Adatum helpdesk", duration="P365D", auto_extend="P180D",
                                              roles=[DIRECTORY_READERS, HELPDESK_ADMINISTRATOR, SECURITY_READER])
    answer = services.approval_submit(raw_token=raw, user=admin, customer=adatum)
    services.approval_process(request_id=str(answer.pk))
    _rel, raw = services.request_relationship(partner=contoso, actor=contoso_agent, customer=adatum,
                                              display_name="Adatum pilot", duration="P30D",
                                              roles=[SECURITY_READER])
    services.reject(raw_token=raw, user=admin, customer=adatum)
