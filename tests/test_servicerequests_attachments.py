"""Attachments through the pages: stored under a generated name, shown under a safe basename, downloaded
only by those who may see the request, as a download (attachment, nosniff)."""

from __future__ import annotations

import os

import pytest
from django.core.files.storage import default_storage

from customers.models import DelegatedAdminPermission
from servicerequests import services
from servicerequests.models import Attachment
from tests.conftest import client_for
from tests.servicerequests_support import PNG, open_request, upload, world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


def _content(response) -> bytes:  # noqa: ANN001
    return b"".join(response.streaming_content)


def test_a_traversal_name_is_stored_as_a_safe_basename_inside_the_media_folder(media):
    w = world(languages=False)
    sr = open_request(w)
    response = client_for(w.customer_admin).post(f"/admin-center/service-requests/{sr.pk}/", {
        "body": "See the file", "attachments": [upload("../../etc/passwd.txt", b"root:x:0:0\n")]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "passwd.txt" and attachment.kind == "txt" and attachment.side == "customer"
    assert "passwd" not in attachment.storage_name
    path = os.path.realpath(default_storage.path(attachment.storage_name))
    assert path.startswith(os.path.realpath(media / "media") + os.sep)
    assert not (media / "etc").exists()


def test_downloads_are_attachments_with_nosniff_for_both_sides():
    w = world(languages=False)
    sr = open_request(w, uploads=[upload("screen.png", PNG, "image/png")])
    attachment = Attachment.objects.get()
    partner_url = f"/customers/{w.customer.id}/service-requests/{sr.pk}/attachments/{attachment.pk}/"
    customer_url = f"/admin-center/service-requests/{sr.pk}/attachments/{attachment.pk}/"
    for user, url in ((w.agent, partner_url), (w.helpdesk, partner_url), (w.customer_admin, customer_url)):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Disposition"] == 'attachment; filename="screen.png"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/octet-stream"
        assert _content(response) == PNG
    assert client_for(w.customer_user).get(customer_url).status_code == 403
    assert client_for(w.sales).get(partner_url).status_code == 403
    # The link of one request does not open another request's file.
    other = open_request(w)
    assert client_for(w.agent).get(
        f"/customers/{w.customer.id}/service-requests/{other.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client_for(w.customer_admin).get(
        f"/admin-center/service-requests/{other.pk}/attachments/{attachment.pk}/").status_code == 404


def test_without_admin_permissions_the_partners_download_is_refused():
    w = world(languages=False)
    sr = open_request(w)
    services.comment_add_partner(partner=w.partner, actor=w.agent, request=sr, body="log", uploads=[upload()])
    attachment = Attachment.objects.get()
    DelegatedAdminPermission.objects.filter(partner=w.partner).delete()
    response = client_for(w.helpdesk).get(
        f"/customers/{w.customer.id}/service-requests/{sr.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 403 and "Admin permissions needed" in response.content.decode()


def test_the_thread_links_each_file_and_a_missing_file_is_a_404():
    w = world(languages=False)
    sr = open_request(w)
    services.comment_add_partner(partner=w.partner, actor=w.agent, request=sr, body="log",
                                 uploads=[upload("a.csv", b"a;b\n"), upload("b.log", b"x\n")])
    page = client_for(w.customer_admin).get(f"/admin-center/service-requests/{sr.pk}/").content.decode()
    for attachment in Attachment.objects.all():
        assert f'/admin-center/service-requests/{sr.pk}/attachments/{attachment.pk}/' in page
        assert attachment.name in page
    attachment = Attachment.objects.first()
    default_storage.delete(attachment.storage_name)
    assert client_for(w.customer_admin).get(
        f"/admin-center/service-requests/{sr.pk}/attachments/{attachment.pk}/").status_code == 404
