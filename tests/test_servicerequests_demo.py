"""The demo's service requests: one in each status for Adatum, both sides in a thread, an attachment, and
every demo user who works on service requests can open them."""

from __future__ import annotations

import pytest

from partnercenter.models import User
from servicerequests.models import Attachment, ServiceRequest, Status
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_requests_in_every_state_openable_by_the_demo_users(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from partnercenter.demo import demo_load

    assert demo_load() is True
    requests = list(ServiceRequest.objects.select_related("customer").order_by("number"))
    assert {sr.status for sr in requests} == set(Status.values)
    assert {sr.customer.primary_domain for sr in requests} == {"adatum.example"}
    threaded = ServiceRequest.objects.get(status=Status.IN_PROGRESS)
    assert set(threaded.comments.values_list("side", flat=True)) == {"partner", "customer"}
    attachment = Attachment.objects.get()
    assert attachment.name == "outlook-trace.txt"
    for email in ("agent@contoso.example", "helpdesk@contoso.example", "admin@contoso.example"):
        client = client_for(User.objects.get(email=email))
        for sr in requests:
            url = f"/customers/{sr.customer_id}/service-requests/{sr.pk}/"
            assert client.get(url).status_code == 200, (email, sr.reference)
        download = client.get(f"/customers/{attachment.request.customer_id}/service-requests/"
                              f"{attachment.request_id}/attachments/{attachment.pk}/")
        assert b"AADSTS50076" in b"".join(download.streaming_content)
    page = client_for(User.objects.get(email="admin@adatum.example")).get("/admin-center/service-requests/")
    assert page.content.decode().count("SR-00000") == len(requests)
