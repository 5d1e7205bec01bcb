"""The directory of indirect providers (issue 13 §2): the listing's rules, the provider's page, the
operator's queue, the public page and "Request to partner"."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageCms

from directory import logos, services
from directory.logos import MIN_SIDE
from directory.models import Listing, ListingState, PublishedLocation
from directory.rules import target_url_error
from partnercenter.errors import Conflict, Forbidden, Invalid, NotFound
from partnercenter.models import ActivityLog, OutboxEmail, User
from partnercenter.roles import Role
from resellers.models import IndirectPartnership, PartnershipRequest
from tests.conftest import client_for
from tests.directory_support import jpeg_bytes, pillow_bytes, png_bytes, published, text_chunk, upload
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db

URL = "/company-profile/directory-listing/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def operator(db):
    return User.objects.create_superuser(email="operator@partnercenter.example", password="x" * 12)


def _form(name="Fabrikam Kft.", rows=(("HU", "https://fabrikam.example/partners"),), action="submit", **extra):
    data = {"name": name, "listed": "on", "action": action, "locations-TOTAL_FORMS": str(max(len(rows), 1)),
            "locations-INITIAL_FORMS": "0", "locations-MIN_NUM_FORMS": "0", "locations-MAX_NUM_FORMS": "20"}
    for i, (country, url) in enumerate(rows):
        data[f"locations-{i}-country"], data[f"locations-{i}-url"] = country, url
    return {**data, **extra}


# --- Rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://fabrikam.example/", "javascript:alert(1)", "ftp://fabrikam.example/",
                                 "https://user:secret@fabrikam.example/", "https:///nohost", "https://localhost/",
                                 "", "https://fab rikam.example/", "https://" + "a" * 500 + ".example/"])
def test_a_target_url_must_be_https_with_a_host(url):
    assert target_url_error(url) is not None


def test_an_https_target_url_is_fine():
    assert target_url_error("https://fabrikam.example/resellers?lang=hu") is None


def test_a_png_is_rewritten_without_its_metadata_or_what_trails_it():
    data = png_bytes(48, 32, extra_chunks=text_chunk(b"<script>alert(1)</script>"), trailer=b"PK\x03\x04zip")
    logo = logos.logo_checked(upload(data))
    assert (logo.width, logo.height, logo.content_type) == (48, 32, "image/png")
    assert b"tEXt" not in logo.data and b"<script>" not in logo.data and b"PK\x03\x04" not in logo.data
    assert logo.data.endswith(b"IEND\xaeB`\x82")
    assert logos.logo_checked(upload(logo.data)).data == logo.data  # what is stored passes its own check


def test_a_png_too_large_in_pixels_is_refused_before_its_data_is_inflated():
    # 5000 × 5000 promised, with a payload that would inflate to 75 MB: refused on the header alone.
    bomb = png_bytes(5000, 5000, raw=zlib.compress(b"\x00" * 1000))
    with pytest.raises(Invalid) as refused:
        logos.logo_checked(upload(bomb))
    assert refused.value.field == "logo" and "5000 × 5000" in refused.value.message


def test_a_png_smaller_than_its_header_says_or_with_a_bad_crc_is_refused():
    with pytest.raises(Invalid, match="damaged"):
        logos.logo_checked(upload(png_bytes(32, 32, raw=zlib.compress(b"\x00" * 10))))
    broken = bytearray(png_bytes())
    broken[30] ^= 0xFF  # inside IHDR: its CRC no longer matches
    with pytest.raises(Invalid, match="damaged"):
        logos.logo_checked(upload(bytes(broken)))


def test_a_tiny_logo_is_refused():
    with pytest.raises(Invalid, match="at least 16"):
        logos.logo_checked(upload(png_bytes(8, 8)))


def test_an_svg_is_refused_whatever_it_is_called():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name in ("logo.svg", "logo.png"):
        with pytest.raises(Invalid, match="SVG"):
            logos.logo_checked(upload(svg, name=name, content_type="image/png"))


def test_a_file_that_is_no_image_is_refused_and_an_oversized_one_too(settings):
    with pytest.raises(Invalid, match="Only PNG and JPEG"):
        logos.logo_checked(upload(b"root:x:0:0:root:/root:/bin/bash\n", name="../../etc/passwd"))
    settings.DIRECTORY_LOGO_MAX_BYTES = 1024
    with pytest.raises(Invalid, match="too large"):
        logos.logo_checked(upload(png_bytes(64, 64, extra_chunks=text_chunk(b"x" * 2000))))
    with pytest.raises(Invalid, match="empty"):
        logos.logo_checked(upload(b""))


def test_a_jpeg_is_stored_as_a_png_of_the_same_pixels_without_its_exif():
    logo = logos.logo_checked(upload(jpeg_bytes(40, 30, description="GPS secret"), name="l.jpg",
                                     content_type="image/jpeg"))
    assert (logo.width, logo.height, logo.extension, logo.content_type) == (40, 30, "png", "image/png")
    assert b"GPS secret" not in logo.data and b"Exif" not in logo.data
    stored = Image.open(io.BytesIO(logo.data))
    assert (stored.format, stored.size, stored.mode) == ("PNG", (40, 30), "RGB")
    assert not stored.getexif() and not set(stored.info) & {"exif", "icc_profile", "dpi"}
    red, blue = stored.getpixel((5, 15)), stored.getpixel((35, 15))
    assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0]  # the picture itself is kept
    with pytest.raises(Invalid, match="at most 1024"):
        logos.logo_checked(upload(jpeg_bytes(4000, 30), name="l.jpg"))


def test_a_jpeg_turned_by_its_exif_is_stored_upright():
    # Orientation 6: the camera's pixels are to be turned 90° clockwise; the red left half ends on top.
    logo = logos.logo_checked(upload(jpeg_bytes(40, 30, orientation=6), name="l.jpg"))
    stored = Image.open(io.BytesIO(logo.data))
    assert (logo.width, logo.height) == stored.size == (30, 40)
    assert stored.getpixel((15, 5))[0] > 150 and stored.getpixel((15, 35))[2] > 150


@pytest.mark.parametrize(("image", "image_format", "mode"), [
    (Image.new("P", (20, 20), 1), "PNG", "RGB"),
    (Image.new("LA", (20, 20), (90, 0)), "PNG", "RGBA"),
    (Image.new("L", (20, 20), 90), "PNG", "RGB"),
    (Image.new("1", (20, 20), 1), "PNG", "RGB"),
    (Image.new("RGBA", (20, 20), (1, 2, 3, 0)), "PNG", "RGBA"),
    (Image.new("CMYK", (20, 20), (0, 0, 0, 0)), "JPEG", "RGB"),
    (Image.new("L", (20, 20), 90), "JPEG", "RGB"),
])
def test_each_colour_mode_is_stored_as_rgb_or_rgba(image, image_format, mode):
    stored = Image.open(io.BytesIO(logos.logo_checked(upload(pillow_bytes(image, image_format))).data))
    assert (stored.format, stored.size, stored.mode) == ("PNG", (20, 20), mode)


def test_a_palette_png_keeps_its_transparency_and_loses_its_icc_profile():
    image = Image.new("P", (20, 20), 0)
    image.putpalette([10, 20, 30, 200, 100, 50])
    image.paste(1, (0, 0, 10, 20))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = pillow_bytes(image, transparency=0, icc_profile=icc)
    assert "icc_profile" in Image.open(io.BytesIO(data)).info
    stored = Image.open(io.BytesIO(logos.logo_checked(upload(data)).data))
    assert stored.mode == "RGBA" and "icc_profile" not in stored.info and b"iCCP" not in logos.logo_checked(
        upload(data)).data
    assert stored.getpixel((5, 5)) == (200, 100, 50, 255) and stored.getpixel((15, 5))[3] == 0


def test_a_16_bit_grey_png_is_scaled_not_clipped():
    stored = Image.open(io.BytesIO(logos.logo_checked(upload(pillow_bytes(Image.new("I;16", (20, 20), 30000)))).data))
    assert stored.mode == "RGB" and stored.getpixel((3, 3)) == (116, 116, 116)


@pytest.mark.parametrize("side", [10_000, 20_000])  # past Pillow's bomb warning, then past its error
def test_a_header_promising_a_decompression_bomb_is_a_worded_refusal(side):
    with pytest.raises(Invalid, match="too many pixels") as refused:
        logos.logo_checked(upload(png_bytes(side, side, raw=zlib.compress(b"\x00" * 1000))))
    assert refused.value.field == "logo"


def test_a_gif_or_webp_is_not_a_logo():
    for image_format in ("GIF", "WEBP"):
        with pytest.raises(Invalid, match="Only PNG and JPEG"):
            logos.logo_checked(upload(pillow_bytes(Image.new("RGB", (20, 20)), image_format)))


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from([png_bytes(20, 20), jpeg_bytes(20, 20), jpeg_bytes(20, 20, description="x", orientation=6)]),
       cuts=st.lists(st.tuples(st.integers(0, 400), st.binary(max_size=8)), max_size=4),
       end=st.integers(0, 500))
def test_a_mangled_image_is_either_a_clean_logo_or_a_worded_refusal(base, cuts, end):
    data = bytearray(base)
    for at, junk in cuts:
        data[at:at + len(junk)] = junk
    try:
        logo = logos.logo_checked(upload(bytes(data[: end or None])))
    except Invalid as refused:
        assert refused.field == "logo" and refused.message
    else:
        stored = Image.open(io.BytesIO(logo.data))
        assert stored.format == "PNG" and stored.size == (logo.width, logo.height)
        assert MIN_SIDE <= logo.width <= logos.MAX_SIDE and MIN_SIDE <= logo.height <= logos.MAX_SIDE


def test_a_replaced_draft_logo_is_deleted_but_the_published_one_is_kept(provider, provider_admin, operator,
                                                                      django_capture_on_commit_callbacks):
    first = published(provider, provider_admin, operator, logo=png_bytes(20, 20)).published_logo
    client = client_for(provider_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(action="save", logo=upload(png_bytes(30, 30))))
    second = Listing.objects.get().logo
    assert default_storage.exists(first) and default_storage.exists(second)  # the first is still live
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(action="save", logo=upload(png_bytes(40, 40))))
    third = Listing.objects.get().logo
    assert not default_storage.exists(second) and default_storage.exists(first) and default_storage.exists(third)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_save(tenant=provider, actor=provider_admin, submit=True, data=services.ListingInput(
            name="Fabrikam", listed=True, locations=[{"country": "HU", "url": "https://fabrikam.example/"}]))
        services.listing_approve(listing_id=Listing.objects.get().pk, operator=operator)
    assert not default_storage.exists(first) and default_storage.exists(third)
    assert Listing.objects.get().published_logo == third


def test_the_uploaded_name_never_reaches_storage(provider, provider_admin, tmp_path):
    client = client_for(provider_admin)
    response = client.post(URL, _form(logo=upload(png_bytes(), name="../../etc/passwd")))
    assert response.status_code == 302, response.content.decode()
    listing = Listing.objects.get(tenant=provider)
    assert listing.logo.startswith(f"directory/logos/{provider.id}/") and "passwd" not in listing.logo
    stored = Path(default_storage.path(listing.logo)).resolve()
    assert stored.is_relative_to((tmp_path / "media").resolve()) and stored.read_bytes().startswith(b"\x89PNG")
    assert client.get("/company-profile/directory-listing/logo/")["Content-Type"] == "image/png"


# --- The provider's page ------------------------------------------------------------------------


def test_submitting_keeps_the_published_version_live_and_logs_each_state(provider, provider_admin, operator):
    listing = published(provider, provider_admin, operator, name="Fabrikam")
    client = client_for(provider_admin)
    assert client.post(URL, _form(name="Fabrikam Disztribúció", action="save")).status_code == 302
    listing.refresh_from_db()
    assert (listing.state, listing.name, listing.published_name) == (ListingState.DRAFT, "Fabrikam Disztribúció",
                                                                     "Fabrikam")
    assert client.post(URL, _form(name="Fabrikam Disztribúció")).status_code == 302
    listing.refresh_from_db()
    assert listing.state == ListingState.PENDING and listing.published_name == "Fabrikam"
    page = client.get(URL).content.decode()
    assert "Pending approval" in page and "Live in the directory as “Fabrikam”" in page
    kinds = list(ActivityLog.objects.filter(tenant=provider, kind__startswith="directory.")
                 .order_by("id").values_list("kind", flat=True))
    assert kinds == ["directory.submitted", "directory.approved", "directory.saved", "directory.submitted"]


def test_bad_input_is_shown_beside_its_field_and_what_was_typed_is_kept(provider, provider_admin):
    client = client_for(provider_admin)
    response = client.post(URL, _form(name="Fabrikam typed", rows=(("HU", "http://fabrikam.example/p"),
                                                                  ("HU", "https://fabrikam.example/q"))))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Target URLs must start with https://." in page
    assert 'value="http://fabrikam.example/p"' in page and 'value="Fabrikam typed"' in page
    assert not Listing.objects.exists()
    response = client.post(URL, _form(rows=(("HU", "https://a.example/"), ("HU", "https://b.example/"))))
    assert response.status_code == 400 and "Each country may appear only once." in response.content.decode()
    response = client.post(URL, _form(logo=upload(b"<svg onload=alert(1)></svg>", name="x.svg")))
    assert response.status_code == 400 and "SVG logos are not accepted" in response.content.decode()
    assert not Listing.objects.exists() and not list((Path(default_storage.location)).rglob("*.*"))
    response = client.post(URL, _form(name="   ", rows=()))
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_a_listed_listing_needs_a_location_to_be_submitted(provider, provider_admin):
    response = client_for(provider_admin).post(URL, _form(rows=()))
    assert response.status_code == 400 and "Add at least one location" in response.content.decode()
    assert client_for(provider_admin).post(URL, _form(rows=(), action="save")).status_code == 302


@pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT, Role.BILLING_ADMIN])
def test_other_roles_see_the_listing_but_cannot_change_it(provider, provider_admin, role):
    client_for(provider_admin).post(URL, _form(action="save"))
    client = client_for(member(provider, role))
    page = client.get(URL)
    assert page.status_code == 200 and "Submit for approval" not in page.content.decode()
    assert client.post(URL, _form(name="Hijacked")).status_code == 403
    assert Listing.objects.get().name == "Fabrikam Kft."
    with pytest.raises(Forbidden):
        services.listing_save(tenant=provider, actor=User.objects.get(memberships__role=role),
                              data=services.ListingInput(name="x", listed=False, locations=[]), submit=False)


def test_only_indirect_providers_have_a_listing_and_another_tenants_is_out_of_reach(provider, provider_admin,
                                                                                    reseller_admin, partner_admin):
    client_for(provider_admin).post(URL, _form(action="save", logo=upload(png_bytes())))
    mine = Listing.objects.get()
    for user in (reseller_admin, partner_admin):
        client = client_for(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, _form(name="Hijacked", listing=str(mine.pk))).status_code == 404
        assert client.get("/company-profile/directory-listing/logo/").status_code == 404
    other = PartnerFactory(partner_type="indirect_provider", country="HU")
    other_client = client_for(member(other, Role.GLOBAL_ADMIN))
    assert other_client.get("/company-profile/directory-listing/logo/").status_code == 404  # not mine: none
    assert other_client.post(URL, _form(name="Theirs", action="save", listing=str(mine.pk))).status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Fabrikam Kft." and Listing.objects.get(tenant=other).name == "Theirs"
    assert "Fabrikam" not in other_client.get(URL).content.decode()
    # A draft's logo is not public, and neither is the listing's until an operator approves it.
    assert client_for(provider_admin).get(f"/directory/{mine.pk}/logo/").status_code == 404
    assert "No providers are listed yet." in client_for(provider_admin).get("/directory/").content.decode()
    assert client_for(reseller_admin).get("/company-profile/").status_code == 200
    with pytest.raises(NotFound):
        services.listing_save(tenant=reseller_admin.memberships.get().tenant, actor=reseller_admin,
                              data=services.ListingInput(name="x", listed=False, locations=[]), submit=False)


def test_the_company_profile_links_to_the_listing_for_providers_only(provider, provider_admin, partner_admin):
    assert URL in client_for(provider_admin).get("/company-profile/").content.decode()
    assert URL not in client_for(partner_admin).get("/company-profile/").content.decode()


# --- The operator's queue -----------------------------------------------------------------------


def test_the_admin_queue_approves_and_the_global_admins_are_told(provider, provider_admin, operator):
    agent = member(provider, Role.ADMIN_AGENT)
    client_for(provider_admin).post(URL, _form(logo=upload(png_bytes())))
    listing = Listing.objects.get()
    admin = client_for(operator)
    queue = admin.get("/django-admin/directory/pendinglisting/").content.decode()
    assert "Fabrikam Kft." in queue
    assert admin.get(f"/django-admin/directory/pendinglisting/{listing.pk}/logo/")["Content-Type"] == "image/png"
    assert client_for(provider_admin).get(f"/django-admin/directory/pendinglisting/{listing.pk}/logo/").status_code == 302
    response = admin.post("/django-admin/directory/pendinglisting/", {"action": "approve", "_selected_action": [listing.pk]})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.state == ListingState.PUBLISHED and listing.published_name == "Fabrikam Kft."
    assert listing.published_logo == listing.logo and listing.is_public
    assert list(PublishedLocation.objects.values_list("country", "url")) == [("HU", "https://fabrikam.example/partners")]
    mails = OutboxEmail.objects.filter(kind="directory_listing_approved")
    assert [m.to_email for m in mails] == [provider_admin.email] and agent.email not in [m.to_email for m in mails]
    assert "Fabrikam Kft." not in admin.get("/django-admin/directory/pendinglisting/").content.decode()
    with pytest.raises(Conflict):
        services.listing_approve(listing_id=listing.pk, operator=operator)
    with pytest.raises(Forbidden):
        services.listing_approve(listing_id=listing.pk, operator=provider_admin)


def test_the_admin_rejects_with_a_reason_the_provider_reads(provider, provider_admin, operator):
    client_for(provider_admin).post(URL, _form())
    listing = Listing.objects.get()
    admin = client_for(operator)
    ask = admin.post("/django-admin/directory/pendinglisting/", {"action": "reject", "_selected_action": [listing.pk]})
    assert ask.status_code == 200 and "Reason" in ask.content.decode()
    assert Listing.objects.get().state == ListingState.PENDING
    admin.post("/django-admin/directory/pendinglisting/", {"action": "reject", "_selected_action": [listing.pk],
                                                          "reason": "The logo is not yours."})
    listing.refresh_from_db()
    assert listing.state == ListingState.REJECTED and listing.reject_reason == "The logo is not yours."
    page = client_for(provider_admin).get(URL).content.decode()
    assert "Rejected" in page and "The logo is not yours." in page
    mail = OutboxEmail.objects.get(kind="directory_listing_rejected")
    assert "The logo is not yours." in mail.body and mail.to_email == provider_admin.email
    assert ActivityLog.objects.filter(tenant=provider, kind="directory.rejected").count() == 1
    with pytest.raises(Invalid):
        services.listing_reject(listing_id=listing.pk, operator=operator, reason="  ")


# --- The public page ----------------------------------------------------------------------------


def _providers(count, admin_email_prefix="a", operator=None, country="HU"):
    made = []
    for i in range(count):
        tenant = PartnerFactory(partner_type="indirect_provider", country=country, name=f"Provider {i:03d}")
        admin = member(tenant, Role.GLOBAL_ADMIN)
        made.append(published(tenant, admin, operator, name=f"Provider {i:03d}",
                              locations=[{"country": country, "url": f"https://p{i}.example/"},
                                         {"country": "AT", "url": f"https://p{i}.example/at"}],
                              logo=png_bytes()))
    return made


def test_the_public_directory_searches_filters_pages_and_is_empty_politely(client, operator):
    assert "No providers are listed yet." in client.get("/directory/").content.decode()
    _providers(3, operator=operator)
    de = PartnerFactory(partner_type="indirect_provider", country="DE", name="Contoso Distribution")
    published(de, member(de, Role.GLOBAL_ADMIN), operator, name="Contoso Distribution",
              locations=[{"country": "DE", "url": "https://contoso.example/de"}])
    page = client.get("/directory/").content.decode()
    assert "Provider 000" in page and "Contoso Distribution" in page and "https://p1.example/at" in page
    assert "Request to partner" not in page and "sign in" in page
    found = client.get("/directory/", {"q": "contoso"}).content.decode()
    assert "Contoso Distribution" in found and "Provider 000" not in found
    by_country = client.get("/directory/", {"country": "de"}).content.decode()
    assert "Contoso Distribution" in by_country and "Provider 001" not in by_country
    assert "No provider matches your search." in client.get("/directory/", {"q": "nobody"}).content.decode()
    assert "Provider 000" in client.get("/directory/", {"q": "\x00provider", "country": "<script>"}).content.decode()
    logo = client.get(f"/directory/{Listing.objects.get(published_name='Provider 000').pk}/logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png" and logo["X-Content-Type-Options"] == "nosniff"


def test_a_listing_the_provider_unlists_leaves_the_directory(provider, provider_admin, operator, client):
    published(provider, provider_admin, operator, name="Fabrikam")
    assert "Fabrikam" in client.get("/directory/").content.decode()
    client_for(provider_admin).post(URL, {**_form(name="Fabrikam"), "listed": ""})
    services.listing_approve(listing_id=Listing.objects.get().pk, operator=operator)
    assert "Fabrikam" not in client.get("/directory/").content.decode()


def test_the_directory_reads_in_a_constant_number_of_queries(client, operator, django_assert_num_queries,
                                                             settings):
    from directory import selectors

    _providers(2, operator=operator)
    with django_assert_num_queries(3):  # count, rows, their locations
        small = selectors.directory_page(number=1)
        [list(listing.published_locations.all()) for listing in small]
    _providers(30, operator=operator, country="DE")
    with django_assert_num_queries(3):
        big = selectors.directory_page(number=1, country="AT")
        [list(listing.published_locations.all()) for listing in big]
    assert len(big.object_list) == selectors.PAGE_SIZE and big.paginator.count == 32
    client.get("/directory/")  # the page itself: the same queries plus the countries and the session's
    with django_assert_num_queries(len(_queries(client, "/directory/"))):
        client.get("/directory/", {"page": 2})
    reseller = PartnerFactory(partner_type="indirect_reseller", country="HU")
    signed_in = client_for(member(reseller, Role.GLOBAL_ADMIN))
    few = len(_queries(signed_in, "/directory/?country=HU"))  # 2 providers serve HU
    with django_assert_num_queries(few):
        signed_in.get("/directory/", {"country": "AT"})  # a full page of 24


def _queries(client, url):  # noqa: ANN001, ANN202
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return captured.captured_queries


# --- Request to partner -------------------------------------------------------------------------


def test_a_reseller_requests_to_partner_and_the_provider_accepts(provider, provider_admin, reseller, reseller_admin,
                                                                 operator):
    listing = published(provider, provider_admin, operator)
    reseller_client = client_for(reseller_admin)
    page = reseller_client.get("/directory/").content.decode()
    assert "Request to partner" in page
    response = reseller_client.post("/directory/request-partnership/", {"listing": listing.pk, "back": "/directory/?q=fab"})
    assert response.status_code == 302 and response["Location"] == "/directory/?q=fab"
    asked = PartnershipRequest.objects.get()
    assert asked.asked_by_reseller and asked.provider == provider and asked.reseller == reseller
    assert OutboxEmail.objects.filter(kind="partnership_asked", to_email=provider_admin.email).count() == 1
    # The reseller sees what it asked for, and cannot answer it itself.
    providers_page = reseller_client.get("/providers/").content.decode()
    assert "Partnerships you asked for" in providers_page and f"/providers/requests/{asked.id}/accept/" not in providers_page
    reseller_client.post(f"/providers/requests/{asked.id}/accept/")
    assert not IndirectPartnership.objects.exists()
    again = reseller_client.post("/directory/request-partnership/", {"listing": listing.pk}, follow=True)
    assert "You asked Fabrikam Kft. for a partnership already" in again.content.decode()
    assert "Partnership request pending" in again.content.decode() and "Request to partner<" not in again.content.decode()
    # The provider sees it among its partnership requests and accepts it.
    provider_client = client_for(provider_admin)
    requests_page = provider_client.get("/resellers/").content.decode()
    assert "Asked by the reseller from the directory" in requests_page and "Tailspin Bt." in requests_page
    intruder = client_for(member(PartnerFactory(partner_type="indirect_provider", country="HU"), Role.GLOBAL_ADMIN))
    assert intruder.post(f"/resellers/requests/{asked.id}/answer/", {"answer": "accept"}).status_code == 404
    assert reseller_client.post(f"/resellers/requests/{asked.id}/answer/", {"answer": "accept"}).status_code == 404
    assert provider_client.post(f"/resellers/requests/{asked.id}/answer/", {"answer": "accept"}).status_code == 302
    assert IndirectPartnership.objects.filter(provider=provider, reseller=reseller, status="active").count() == 1
    assert provider_client.post(f"/resellers/requests/{asked.id}/answer/", {"answer": "accept"}).status_code == 302
    assert IndirectPartnership.objects.count() == 1
    assert ActivityLog.objects.filter(tenant=reseller, kind="partnership.ask_accepted").count() == 1
    done = reseller_client.post("/directory/request-partnership/", {"listing": listing.pk}, follow=True)
    assert "You are partnered with Fabrikam Kft. already." in done.content.decode()
    assert ">Partnered<" in done.content.decode()


def test_a_provider_declines_and_only_resellers_with_the_role_may_ask(provider, provider_admin, reseller,
                                                                      reseller_admin, operator, partner_admin):
    listing = published(provider, provider_admin, operator)
    sales = client_for(member(reseller, Role.SALES_AGENT))
    assert "Request to partner" not in sales.get("/directory/").content.decode()
    assert sales.post("/directory/request-partnership/", {"listing": listing.pk}).status_code == 403
    assert client_for(partner_admin).post("/directory/request-partnership/", {"listing": listing.pk}).status_code == 404
    reseller_client = client_for(reseller_admin)
    assert reseller_client.get("/directory/request-partnership/").status_code == 405
    assert reseller_client.post("/directory/request-partnership/", {"listing": "x"}).status_code == 404
    assert reseller_client.post("/directory/request-partnership/", {"listing": listing.pk + 99}).status_code == 404
    reseller_client.post("/directory/request-partnership/", {"listing": listing.pk, "back": "https://evil.example/"})
    asked = PartnershipRequest.objects.get()
    assert client_for(provider_admin).post(f"/resellers/requests/{asked.id}/answer/", {"answer": "decline"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == "declined" and not IndirectPartnership.objects.exists()
    assert PartnershipRequest.objects.count() == 1
    far = PartnerFactory(partner_type="indirect_reseller", country="US", name="Far Away LLC")
    response = client_for(member(far, Role.GLOBAL_ADMIN)).post("/directory/request-partnership/",
                                                               {"listing": listing.pk}, follow=True)
    assert "can only partner with resellers in" in response.content.decode()
    assert PartnershipRequest.objects.count() == 1


# --- Demo ---------------------------------------------------------------------------------------


def test_the_demo_lists_fabrikam_and_its_resellers_may_ask(client):
    from partnercenter.demo import demo_load

    assert demo_load()
    listing = Listing.objects.get(tenant__primary_domain="fabrikam.example")
    assert listing.is_public and listing.state == ListingState.PUBLISHED and listing.published_logo
    page = client.get("/directory/", {"country": "AT"}).content.decode()
    assert "Fabrikam Disztribúció Kft." in page and "https://fabrikam.example/partners/at" in page
    assert client.get(f"/directory/{listing.pk}/logo/").status_code == 200
    tailspin = client_for(User.objects.get(email="admin@tailspin.example"))  # a Hungarian-speaking reseller
    with translation.override("hu"):
        assert f">{gettext('Partnered')}<" in tailspin.get("/directory/").content.decode()
    # Lucerne has Fabrikam's request waiting; once it declines that, it may ask Fabrikam itself.
    lucerne_admin = User.objects.get(email="admin@lucerne.example")
    lucerne = client_for(lucerne_admin)
    assert "Partnership request pending" in lucerne.get("/directory/").content.decode()
    waiting = PartnershipRequest.objects.get(reseller__primary_domain="lucerne.example")
    lucerne.post(f"/providers/requests/{waiting.id}/decline/")
    assert "Request to partner" in lucerne.get("/directory/").content.decode()
    lucerne.post("/directory/request-partnership/", {"listing": listing.pk})
    assert PartnershipRequest.objects.filter(reseller__primary_domain="lucerne.example", asked_by_reseller=True,
                                             status="pending").count() == 1


def test_the_change_page_decides_on_exactly_the_version_the_operator_saw(provider, provider_admin, operator):
    client_for(provider_admin).post(URL, _form(name="Fabrikam v1"))
    listing = Listing.objects.get()
    admin = client_for(operator)
    change = admin.get(f"/django-admin/directory/pendinglisting/{listing.pk}/change/").content.decode()
    assert "Fabrikam v1" in change and "Approve and publish" in change and 'name="_save"' not in change
    seen = listing.revision
    client_for(provider_admin).post(URL, _form(name="Fabrikam v2"))  # resubmitted meanwhile
    decide = f"/django-admin/directory/pendinglisting/{listing.pk}/decide/"
    response = admin.post(decide, {"decision": "approve", "revision": seen}, follow=True)
    assert "The provider changed this listing since you opened it." in response.content.decode()
    listing.refresh_from_db()
    assert listing.state == ListingState.PENDING and not listing.published_at
    response = admin.post(decide, {"decision": "reject", "revision": listing.revision, "reason": ""}, follow=True)
    assert "Give the provider a reason" in response.content.decode()
    admin.post(decide, {"decision": "approve", "revision": listing.revision})
    listing.refresh_from_db()
    assert listing.published_name == "Fabrikam v2" and listing.state == ListingState.PUBLISHED
    assert client_for(provider_admin).post(decide, {"decision": "approve", "revision": 1}).status_code == 302  # login
    assert admin.get(decide).status_code == 403
