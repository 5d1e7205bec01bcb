"""A new partnership request to a reseller with a pending one asks before it re-issues that request
(the link already sent would die), as relationship requests do; the list shows the re-issue."""

from __future__ import annotations

import pytest

from invitations.errors import PendingRequestExists
from links.tokens import token_digest
from resellers import services
from resellers.models import PartnershipRequest
from tests.conftest import client_for

pytestmark = pytest.mark.django_db



def test_service_never_reissues_silently(provider, provider_admin, reseller):
    first, raw = services.partnership_request_create(provider=provider, actor=provider_admin,
                                                     reseller_mpn_id=reseller.mpn_id)
    with pytest.raises(PendingRequestExists) as caught:
        services.partnership_request_create(provider=provider, actor=provider_admin, reseller_mpn_id=reseller.mpn_id)
    assert caught.value.existing.pk == first.pk
    first.refresh_from_db()
    assert first.token_digest == token_digest(raw) and first.reissued_at is None

    again, new_raw = services.partnership_request_create(provider=provider, actor=provider_admin,
                                                         reseller_mpn_id=reseller.mpn_id, reissue=True)
    assert again.pk == first.pk and new_raw != raw
    again.refresh_from_db()
    assert again.token_digest == token_digest(new_raw) and again.reissued_at is not None
    assert PartnershipRequest.objects.filter(provider=provider).count() == 1


def test_the_form_asks_first_then_reissues_and_the_list_shows_it(provider, provider_admin, reseller):
    _first, raw = services.partnership_request_create(provider=provider, actor=provider_admin,
                                                      reseller_mpn_id=reseller.mpn_id)
    client = client_for(provider_admin)
    data = {"reseller_mpn_id": reseller.mpn_id, "email": ""}
    asked = client.post("/resellers/request-partnership/", data)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert 'id="reissue-confirm"' in page and "Re-issue the request" in page and reseller.mpn_id in page
    request = PartnershipRequest.objects.get(provider=provider)
    assert request.token_digest == token_digest(raw), "asking must not re-issue"

    done = client.post("/resellers/request-partnership/", {**data, "reissue": str(request.pk)})
    assert done.status_code == 302 and done["Location"].endswith(f"/resellers/requests/{request.id}/draft/")
    request.refresh_from_db()
    assert request.token_digest != token_digest(raw) and request.reissued_at is not None
    assert "Re-issued" in client.get("/resellers/").content.decode()


def test_resend_shows_as_reissued(provider, provider_admin, reseller):
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin,
                                                        reseller_mpn_id=reseller.mpn_id)
    services.partnership_request_resend(request=request, actor=provider_admin)
    request.refresh_from_db()
    assert request.reissued_at is not None
