"""No English on a page a German or Hungarian user sees; the sign-in wording; allauth's mails.

The walk: with the demo data loaded, every persona (a user of a direct partner, of an indirect
provider, of an indirect reseller, a customer Global admin, and anonymous visitors) is switched to
German, then Hungarian, and follows every link (href and hx-get) of every page it reaches, from the
start page, the sign-in and password reset pages and the acceptance and partnership link pages.
Every text of every page (each element's whole text, and title, aria-label, placeholder, alt and
button values) is compared with the English msgids of the project's catalog, allauth's and
Django's: a text that *is* an English msgid (placeholders matching anything) fails the test,
unless the catalog translates that msgid to itself (a word that is the same in both languages).
So a string marked for translation but left untranslated, an allauth string the project did not
translate, or an English label hard-coded beside its translated twin all show up, with the page.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from tests.test_translations import marked_literals, parse_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")
# Pages whose content is not the reader's wording: other people's mails (each in its recipient's
# language), downloads, sign-out, the static files and the Django admin (operators, English).
SKIP_PREFIXES = ("/static/", "/dev/outbox/", "/django-admin/", "/accounts/logout/")
SKIP_SUFFIXES = (".csv",)
MAX_PAGES_PER_PERSONA = 400
MAX_FILLED = 400  # characters a message's placeholders may hold in all (Catalog.english_in)


@pytest.fixture(autouse=True)
def _no_rate_limits_from_other_tests(settings):
    """allauth counts sign-ins per address in the cache; the walk signs in many times."""
    from django.core.cache import cache

    settings.ACCOUNT_RATE_LIMITS = False
    cache.clear()
    yield
    cache.clear()


def _catalog_files(lang: str) -> list[Path]:
    import allauth
    import django

    return [
        Path(allauth.__file__).parent / "locale" / lang / "LC_MESSAGES" / "django.mo",
        Path(django.__file__).parent / "conf" / "locale" / lang / "LC_MESSAGES" / "django.mo",
    ]


class Catalog:
    """The English strings a page in `lang` must not show verbatim."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        english: set[str] = set()
        same: set[str] = set()  # translated to themselves somewhere: the same word in both languages
        _header, entries = parse_po(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po")
        for entry in entries:
            for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                english.add(msgid)
            if entry.msgstr.get(0) == entry.msgid:
                same.add(entry.msgid)
        # Strings marked in the source but not yet in the catalog (makemessages not run) are English too.
        english |= set(marked_literals())
        for path in _catalog_files(lang):
            with path.open("rb") as handle:
                catalog = gettext_module.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
            for key, value in catalog.items():
                msgid = key[0] if isinstance(key, tuple) else key
                if not msgid or "\x04" in msgid:  # the header, and msgctxt entries
                    msgid = msgid.split("\x04", 1)[-1] if msgid else ""
                if not msgid:
                    continue
                english.add(msgid)
                if value == msgid:
                    same.add(msgid)
        # The language menu names each language in itself ("English" on a German page is right).
        from django.utils.translation import get_language_info

        same |= {get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES}
        self.exact: dict[str, str] = {}
        self.known: dict[str, str | None] = {}  # texts already judged: the shell's repeat on every page
        patterns: list[str] = []
        longest = 0
        for msgid in english - same:
            normal = _normal(msgid)
            literal = PLACEHOLDER.sub("", normal)
            if "<" in normal or sum(ch.isalpha() for ch in literal) < 3:
                continue
            if PLACEHOLDER.search(normal):
                parts = PLACEHOLDER.split(normal)
                longest = max(longest, len(literal))
                patterns.append(".*?".join(re.escape(part) for part in parts))
            else:
                self.exact[normal] = msgid
        self.pattern = re.compile("|".join(f"(?:{p})" for p in sorted(patterns)), re.S) if patterns else None
        # A text far longer than any message with placeholders (a whole page's text) is not one of them:
        # its placeholders would hold more than MAX_FILLED characters (names, addresses, counts do not).
        self.pattern_max = longest + MAX_FILLED

    def english_in(self, text: str) -> str | None:
        text = _normal(text)
        try:
            return self.known[text]
        except KeyError:
            pass
        hit = None
        if not text or not any(ch.isalpha() for ch in text):
            hit = None
        elif text in self.exact:
            hit = text
        elif self.pattern is not None and len(text) <= self.pattern_max and self.pattern.fullmatch(text):
            hit = text
        self.known[text] = hit
        return hit


def _normal(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TEXT_ATTRS = ("title", "aria-label", "placeholder", "alt", "data-busy", "data-copied", "data-failed")


class PageTexts(HTMLParser):
    """Each element's whole text and the readable attributes; links (href, hx-get) to follow."""

    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = page_lang
        self.stack: list[tuple[str, bool, list[str]]] = []
        self.texts: list[str] = []
        self.links: list[str] = []

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        skip = self._skipping() or tag in {"script", "style"}
        # Each language's own name in the language menu is in that language (lang attribute, or the menu).
        if values.get("lang") and tag != "html" and values["lang"] != self.page_lang:
            skip = True
        if values.get("id") == "language-switch":
            skip = True
        for name in ("href", "hx-get"):
            if values.get(name):
                self.links.append(values[name])
        if not skip:
            for name in TEXT_ATTRS:
                if values.get(name):
                    self.texts.append(values[name])
            if tag == "input" and values.get("type") in {"submit", "button", "reset"} and values.get("value"):
                self.texts.append(values["value"])
        if tag not in VOID:
            self.stack.append((tag, skip, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            name, skip, parts = self.stack.pop()
            text = "".join(parts)
            if not skip:
                self.texts.append(text)
            if self.stack and not skip:
                self.stack[-1][2].append(text)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and not self._skipping():
            self.stack[-1][2].append(data)
            # Text nodes are checked on their own too (a label beside an input inside a larger element).
            self.texts.append(data)


class Walk:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.found: dict[str, set[str]] = {}  # English text -> pages
        self.visited: set[str] = set()

    def page(self, client: Client, url: str, *, method: str = "get", data: dict | None = None) -> list[str]:
        response = getattr(client, method)(url, data or {})
        if response.status_code in {301, 302, 303}:
            return [response["Location"]]
        content_type = response.get("Content-Type", "")
        if "html" not in content_type:
            return []
        parser = PageTexts(self.catalog.lang)
        parser.feed(response.content.decode())
        for text in parser.texts:
            hit = self.catalog.english_in(text)
            if hit:
                self.found.setdefault(hit, set()).add(url)
        return parser.links

    def crawl(self, client: Client, starts: list[str]) -> set[str]:
        queue = deque(starts)
        seen_shapes: set[tuple[str, frozenset[str]]] = set()
        pages: set[str] = set()
        while queue and len(pages) < MAX_PAGES_PER_PERSONA:
            url = queue.popleft()
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            query = dict(parse_qsl(parts.query))
            if query.get("format") == "csv":
                continue
            # One page per path and set of query parameters: sorting and paging show the same words.
            shape = (parts.path, frozenset(query))
            if shape in seen_shapes:
                continue
            seen_shapes.add(shape)
            pages.add(url)
            queue.extend(self.page(client, url))
        self.visited |= pages
        return pages


def _sign_in(email: str, lang: str) -> Client:
    from partnercenter.models import User

    User.objects.filter(email=email).update(language=lang)
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    response = client.post("/accounts/login/", {"login": email, "password": "partnercenter"})
    assert response.status_code == 302, f"{email} could not sign in"
    return client


def _sign_in_with_totp(email: str, lang: str, walk: Walk) -> Client:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    from partnercenter.models import User

    user = User.objects.get(email=email)
    user.language = lang
    user.save(update_fields=["language"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    response = client.post("/accounts/login/", {"login": email, "password": "partnercenter"})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    walk.crawl(client, ["/accounts/2fa/authenticate/"])
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return client


def _links_for_anonymous() -> dict[str, str]:
    """The public link pages: a relationship request, a partnership link, a password reset key."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    from invitations import services as invitations
    from partnercenter.models import Tenant, User
    from resellers import services as partnerships

    contoso = Tenant.objects.get(primary_domain="contoso.example")
    fabrikam = Tenant.objects.get(primary_domain="fabrikam.example")
    _request, raw = invitations.invitation_create(partner=contoso, actor=User.objects.get(email="admin@contoso.example"),
                                                  include_dap=True, customer_email="new@litware.example")
    _reusable, raw_reusable = invitations.invitation_create(
        partner=contoso, actor=User.objects.get(email="admin@contoso.example"), include_dap=False, reusable=True)
    _partnership, raw_partnership = partnerships.partnership_request_create(
        provider=fabrikam, actor=User.objects.get(email="admin@fabrikam.example"))
    user = User.objects.get(email="admin@contoso.example")
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    from django.urls import reverse

    from members.services.invites import invite_create
    from partnercenter.roles import Role

    _member_invitation, raw_member = invite_create(tenant=contoso, actor=user, email="kim.walk@contoso.example",
                                                   name="Kim Walk", roles=[Role.SALES_AGENT], language="de")
    from links.kinds import link_path
    from offers.models import OfferKind
    from offers.services import advisor_offer_create
    from subscriptions.models import Offer
    from subscriptions.services import Line

    _offer, raw_offer = advisor_offer_create(
        partner=contoso, actor=User.objects.get(email="admin@contoso.example"), offer_kind=OfferKind.PURCHASE,
        include_dap=True, lines=[Line(Offer.objects.get(sku="mail-basic").id, 10)])
    return {"request": invitations.acceptance_path(raw), "reusable": invitations.acceptance_path(raw_reusable),
            "member": reverse("members:invitation", args=[raw_member]),
            "offer": link_path("advisor_offer", raw_offer),
            "partnership": partnerships.partnership_path(raw_partnership),
            "reset_key": f"/accounts/password/reset/key/{key}/"}


PERSONAS = [
    "admin@contoso.example",     # direct partner, Global admin
    "helpdesk@contoso.example",  # direct partner, Helpdesk agent
    "admin@fabrikam.example",    # indirect provider
    "admin@tailspin.example",    # indirect reseller with a provider
    "admin@lucerne.example",     # indirect reseller with a pending partnership request
    "admin@adatum.example",      # customer Global admin
    "admin@wingtip.example",     # customer Global admin, subscriptions with a reseller of record
]


FORMS = {
    "admin@contoso.example": [
        ("/customers/request-relationship/", {"include_dap": "on", "customer_email": "it@litware.example"}),
        ("/customers/request-relationship/", {"reusable": "on"}),
        ("/company-profile/edit/", {}),
        ("/customers/add/", {}),
    ],
    "admin@fabrikam.example": [("/resellers/request-partnership/", {})],
}


_WALKS: dict[str, Walk] = {}  # one walk per language and process: two tests read the German one


def _walk(lang: str) -> Walk:
    if lang not in _WALKS:
        _WALKS[lang] = _walk_now(lang)
    return _WALKS[lang]


def _walk_now(lang: str) -> Walk:
    from partnercenter.demo import demo_load
    from partnercenter.models import Tenant, User

    demo_load()
    links = _links_for_anonymous()
    walk = Walk(Catalog(lang))
    anonymous = Client(HTTP_ACCEPT_LANGUAGE=lang)
    walk.crawl(anonymous, ["/accounts/login/", "/accounts/password/reset/", links["request"], links["reusable"],
                           links["partnership"], links["member"], links["offer"], "/no-such-page/"])
    # The answers to forms a visitor sends: a wrong password, a reset request, a reset key.
    walk.page(anonymous, "/accounts/login/", method="post", data={"login": "x@contoso.example", "password": "nope"})
    walk.page(Client(HTTP_ACCEPT_LANGUAGE=lang), "/accounts/password/reset/", method="post",
              data={"email": "admin@contoso.example"})
    walk.crawl(Client(HTTP_ACCEPT_LANGUAGE=lang), ["/accounts/password/reset/done/", links["reset_key"]])
    for email in PERSONAS:
        client = _sign_in(email, lang)
        walk.crawl(client, ["/", "/accounts/2fa/", "/accounts/password/change/", "/accounts/2fa/totp/activate/",
                            "/customers/add/", "/no-such-page/"])
        # The pages a form leads to: the drafts of new links, and a form sent back with its errors.
        for url, data in FORMS.get(email, []):
            walk.crawl(client, walk.page(client, url, method="post", data=data))
    # Two-factor authentication: set up (after re-authentication), and a user who has it signing in.
    client = _sign_in("admin@contoso.example", lang)
    walk.crawl(client, walk.page(client, "/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/",
                                 method="post", data={"password": "partnercenter"}))
    client = _sign_in_with_totp("agent@contoso.example", lang, walk)
    walk.crawl(client, ["/accounts/2fa/", "/accounts/2fa/totp/deactivate/", "/accounts/2fa/recovery-codes/"])
    walk.crawl(client, walk.page(client, "/accounts/2fa/recovery-codes/generate/", method="post"))
    # The customer opening a partner's link, signed in.
    walk.crawl(_sign_in("admin@litware.example", lang), [links["request"], links["reusable"], links["offer"]])
    # Forced password change, and the set-up of a required second factor (re-authentication first).
    User.objects.filter(email="billing@contoso.example").update(must_change_password=True)
    walk.crawl(_sign_in("billing@contoso.example", lang), ["/"])
    Tenant.objects.filter(primary_domain="northwind-federal.example").update(mfa_required=True)
    client = _sign_in("admin@northwind-federal.example", lang)
    walk.crawl(client, ["/"])
    session = client.session
    session.pop("account_authenticated_at", None)
    session.save()
    walk.crawl(client, ["/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/"])
    return walk


def no_english_check(lang: str) -> None:
    """The walk in `lang` finds no English. Hungarian's is tests/test_languages_hu.py: a file of its own,
    so that the two walks run on different pytest-xdist workers."""
    walk = _walk(lang)
    assert len(walk.visited) > 60, sorted(walk.visited)  # the walk really went everywhere
    report = [f"{text!r} on {', '.join(sorted(pages)[:3])}" for text, pages in sorted(walk.found.items())]
    if report:
        pytest.fail(f"English on {lang} pages (translate in locale/{lang}):\n" + "\n".join(report), pytrace=False)


@pytest.mark.django_db
def test_no_english_on_any_page_in_german():
    no_english_check("de")


@pytest.mark.django_db
def test_the_walk_reaches_every_page_of_the_portal():
    """Every GET route is walked, so a new page is checked as soon as it is linked."""
    from django.urls import resolve

    walk = _walk("de")
    routes = set()
    for url in walk.visited:
        try:
            match = resolve(urlsplit(url).path)
        except Exception:  # noqa: S112 - the 404 page
            continue
        routes.add(match.route)
    expected = {
        "customers/", "customers/request-relationship/", "customers/requests/", "offers/", "admin-center/",
        "admin-center/subscriptions/", "resellers/", "resellers/request-partnership/", "providers/",
        "providers/invite/", "customers/add/", "company-profile/", "company-profile/edit/", "activity/",
        "admin-center/activity/", "admin-center/partner-request/<str:token>/", "partnerships/<str:token>/",
        "customers/<uuid:customer_id>/account/", "customers/<uuid:customer_id>/row/",
        "customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/",
        "customers/<uuid:customer_id>/subscriptions/add/",
        "accounts/login/", "accounts/password/reset/", "accounts/password/change/", "accounts/2fa/",
        "accounts/2fa/totp/activate/", "accounts/reauthenticate/", "accounts/password/reset/done/",
        "accounts/2fa/authenticate/", "accounts/2fa/totp/deactivate/", "accounts/2fa/recovery-codes/",
        "customers/<uuid:customer_id>/orders/<uuid:order_id>/", "customers/<uuid:customer_id>/subscriptions/",
        "customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/cancel/",
        "resellers/<uuid:reseller_id>/remove/", "providers/<uuid:provider_id>/remove/",
        "customers/requests/<int:request_id>/revoke/", "resellers/requests/<int:request_id>/revoke/",
        "directory/", "company-profile/directory-listing/", "customers/requests/bulk/",
        # Issue 11: partner users, invitations, and supporting customers from the Customers row.
        "users/", "users/<int:user_id>/", "users/invite/", "users/invitations/", "users/invitation/<str:token>/",
        "users/<int:user_id>/deactivate/", "users/<int:user_id>/reactivate/",
        "service-requests/", "customers/<uuid:customer_id>/service-requests/",
        "customers/<uuid:customer_id>/service-requests/new/",
        "customers/<uuid:customer_id>/service-requests/<uuid:request_id>/",
        "customers/<uuid:customer_id>/users/", "customers/<uuid:customer_id>/users/<int:user_id>/",
        "customers/<uuid:customer_id>/users/<int:user_id>/reset-password/",
        "customers/<uuid:customer_id>/licenses/", "customers/<uuid:customer_id>/licenses/<uuid:subscription_id>/",
        "customers/<uuid:customer_id>/services/",
        "admin-center/service-requests/", "admin-center/licenses/",
        # Advisor offers (F12): the three lists, their forms, an offer's page, and the customer's page.
        "advisor-offers/trial-invitations/", "advisor-offers/trial-invitations/new/",
        "advisor-offers/purchase-offers/", "advisor-offers/purchase-offers/new/",
        "advisor-offers/delegated-administration-offers/", "advisor-offers/delegated-administration-offers/new/",
        "advisor-offers/<int:offer_id>/", "advisor-offers/<int:offer_id>/deactivate/",
        "admin-center/offer/<str:token>/",
    }
    assert expected - routes == set(), sorted(walk.visited)
    # The new password form behind a password reset link.
    assert any(re.fullmatch(r"/accounts/password/reset/key/\w+-set-password/", url) for url in walk.visited)


@pytest.mark.django_db
def test_the_walk_catches_an_untranslated_string(monkeypatch):
    """Un-translate one string the way a forgotten translation looks (the English shows) and the
    check fails on it."""
    from django.utils import translation

    catalog = Catalog("de")
    assert catalog.english_in("Customers") == "Customers"
    assert catalog.english_in("Relationship requests") == "Relationship requests"
    assert catalog.english_in("Kunden") is None
    assert catalog.english_in("Contoso Cloud GmbH") is None
    assert catalog.english_in("Signed in as anna@contoso.example.") in {None, "Signed in as anna@contoso.example."}
    # The German catalog in memory loses one translation (as if its msgstr were empty): the walk
    # of the Customers page reports it.
    from django.utils.translation import trans_real

    from partnercenter.demo import demo_load

    demo_load()
    translated = Walk(catalog)
    translated.crawl(_sign_in("admin@contoso.example", "de"), ["/customers/"])
    assert "Customers" not in translated.found
    monkeypatch.setitem(trans_real.translation("de")._catalog._catalogs[0], "Customers", "Customers")
    with translation.override("de"):
        assert translation.gettext("Customers") == "Customers"
    walk = Walk(catalog)
    walk.crawl(_sign_in("admin@contoso.example", "de"), ["/customers/"])
    assert "Customers" in walk.found, walk.found


# --- allauth's pages and mails ------------------------------------------------------------------


def _text(client: Client, url: str) -> str:
    return client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Sign In", "No account yet?", "invited by a Global admin", "link from their partner"]),
    ("de", ["Anmelden", "Noch kein Konto?"]),
    ("hu", ["Bejelentkezés", "Még nincs fiókja?"]),
])
def test_the_sign_in_page_says_how_one_gets_an_account_not_to_sign_up(lang, words):
    html = _text(Client(HTTP_ACCEPT_LANGUAGE=lang), "/accounts/login/")
    for word in words:
        assert word in html
    assert "/accounts/signup/" not in html and "sign up" not in html.lower()


@pytest.mark.django_db
def test_the_forced_password_change_says_why(partner):
    from partnercenter.roles import Role
    from tests.factories import member

    user = member(partner, Role.GLOBAL_ADMIN, email="new.admin@contoso.example")
    user.must_change_password = True
    user.save()
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": "partnercenter"})
    response = client.get("/customers/", follow=True)
    html = response.content.decode()
    assert response.request["PATH_INFO"] == "/accounts/password/change/"
    assert "You signed in with a temporary password" in html
    user.must_change_password = False
    user.save()
    assert "temporary password" not in _text(client, "/accounts/password/change/")


@pytest.mark.django_db
def test_the_re_authentication_for_required_two_factor_says_why(partner):
    from partnercenter.roles import Role
    from tests.factories import member

    partner.mfa_required = True
    partner.save()
    client = Client()
    client.force_login(member(partner, Role.GLOBAL_ADMIN))  # no recent sign-in: allauth asks again
    response = client.get("/customers/", follow=True)
    html = response.content.decode()
    assert response.request["PATH_INFO"] == "/accounts/reauthenticate/"
    assert f"{partner.name} requires two-factor authentication for everyone" in html
    client.post("/accounts/reauthenticate/", {"password": "partnercenter"})
    html = _text(client, "/accounts/2fa/totp/activate/")
    assert "requires two-factor authentication for everyone" in html
    # Where two-factor is optional, the same pages say nothing of the kind.
    partner.mfa_required = False
    partner.save()
    assert "requires two-factor authentication" not in _text(client, "/accounts/2fa/totp/activate/")


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "hello"), [("en", "Hello from Partner Center!"), ("de", "Hallo von Partner Center!"),
                                             ("hu", "Üdvözli Önt a Partnerközpont!")])
def test_allauth_mails_name_the_site_and_have_no_host_prefix(lang, hello, partner, settings):
    from partnercenter.models import OutboxEmail
    from partnercenter.roles import Role
    from tests.factories import member

    settings.SITE_URL = "https://partners.example.com"
    member(partner, Role.GLOBAL_ADMIN, email="anna@contoso.example", language=lang)
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.post("/accounts/password/reset/", {"email": "anna@contoso.example"})
    client.post("/accounts/password/reset/", {"email": "nobody@contoso.example"})
    for row in OutboxEmail.objects.all():
        assert not row.subject.startswith("["), row.subject
        assert "testserver" not in row.subject and "127.0.0.1" not in row.subject
        assert hello in row.body and "von !" not in row.body
        assert "partners.example.com" in row.body
    unknown = OutboxEmail.objects.get(to_email="nobody@contoso.example")
    assert "/accounts/signup/" not in unknown.body and "nobody@contoso.example" in unknown.body


def test_the_site_name_needs_no_request():
    """From a Celery task there is no request: the site is still named."""
    from django.utils import translation

    from partnercenter.adapters import PortalSite

    with translation.override("hu"):
        assert PortalSite().name == "Partnerközpont"
    assert PortalSite().domain == urlsplit(settings.SITE_URL).netloc


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "name", "product"), [
    ("de", "Endpoint-Security-Add-on", "Sicherheit"), ("hu", "Végpontvédelmi kiegészítő", "Biztonság")])
def test_catalog_names_are_translated_on_display_and_stored_in_english(lang, name, product):
    from django.utils import translation

    from subscriptions.models import Offer

    offer = Offer.objects.get(sku="security-addon")
    assert (offer.name, offer.product) == ("Endpoint Security Add-on", "Security")
    with translation.override(lang):
        assert (offer.display_name, offer.display_product, str(offer)) == (name, product, name)
    offer.name = "Operator's own offer"
    assert offer.display_name == "Operator's own offer"
