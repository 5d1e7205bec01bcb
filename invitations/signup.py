"""The customer sign-up on a relationship request's page, without telling anyone who exists.

An unaddressed link (single-use or reusable) may be posted publicly, so its sign-up form must not
answer "an account with this email exists" or "this domain is registered". As allauth does with
ACCOUNT_PREVENT_ENUMERATION, every valid sign-up ends on the same "check your email" page:

- a new address gets a confirmation link; the organisation is created when that link is confirmed
  (the address is then verified). Only then, to the person who holds the mailbox, a domain that is
  registered already is named;
- the owner of an existing account is told by email (allauth's "account already exists" mail) how
  to sign in and answer the request with their organisation; the visitor learns nothing.

Advisor offers (offers.models.AdvisorOffer, never addressed) use the same path: every function here
takes any link with a `partner`, a `kind` and an `email`.

A link addressed to one email is different: holding it proves that mailbox, so its sign-up creates
the organisation at once (invitations.views.signup.signup_post)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from invitations.models import RelationshipRequest
from links.tokens import token_digest
from partnercenter.domains import email_to_ascii
from partnercenter.models import Tenant, User
from partnercenter.services import customer_with_admin_create, outbox_email_create

CONFIRM_SECONDS = 24 * 3600
_PREFIX = "customer-signup:"


def _cache_key(key: str) -> str:
    return _PREFIX + token_digest(key)


def signup_start(*, rel_request: RelationshipRequest, raw_token: str, data: dict[str, Any], language: str,
                 origin: str = "") -> None:
    """Mail the address (confirmation link, or "you have an account already"). Answers nothing.
    `origin`: scheme and host the visitor used (as the draft's link does); SITE_URL without one."""
    from links.kinds import link_path

    origin = (origin or settings.SITE_URL).rstrip("/")
    email = email_to_ascii(User.objects.normalize_email(data["email"]))  # stored as punycode
    # The page of the link's own kind: a relationship request's, or an advisor offer's (F12).
    page_url = f"{origin}{link_path(rel_request.kind, raw_token)}"
    context = {"partner": rel_request.partner, "email": email, "page_url": page_url,
               "login_url": f"{origin}{reverse('account_login')}",
               "password_reset_url": f"{origin}{reverse('account_reset_password')}",
               "hours": CONFIRM_SECONDS // 3600,
               "is_offer": rel_request.kind == "advisor_offer"}  # the mails name what is being answered
    # Hashed on both paths: the time the answer takes must not tell an existing account either.
    password_hash = make_password(data["password"])
    existing = User.objects.filter(email__iexact=email).first()
    with transaction.atomic():
        if existing is not None:
            outbox_email_create(to_email=existing.email, template="customer_signup_account_exists",
                                language=existing.language or language, context=context)
            return
        key = secrets.token_urlsafe(32)
        cache.set(_cache_key(key), {
            "request_digest": rel_request.token_digest, "company_name": data["company_name"],
            "primary_domain": data["primary_domain"], "country": str(data["country"]), "email": email,
            # Only the hash of the password is kept, and only until the link is confirmed or expires.
            "password_hash": password_hash, "language": language,
        }, CONFIRM_SECONDS)
        outbox_email_create(to_email=email, template="customer_signup_confirm", language=language,
                            context={**context, "confirm_url": f"{page_url}?confirm={key}",
                                     "company_name": data["company_name"]})


def signup_pending(*, rel_request: RelationshipRequest, key: str) -> dict[str, Any] | None:
    """The sign-up a confirmation link stands for, if it is for this request and still valid."""
    if not key or len(key) > 100:
        return None
    pending = cache.get(_cache_key(key))
    if not isinstance(pending, dict) or pending.get("request_digest") != rel_request.token_digest:
        return None
    return pending


def signup_confirm(*, rel_request: RelationshipRequest, key: str, ip: str | None) -> tuple[Tenant, User]:
    """Create the organisation and its Global admin from a confirmed sign-up (the address is verified
    now). DomainError beside the field when the domain or the address was taken meanwhile."""
    pending = signup_pending(rel_request=rel_request, key=key)
    if pending is None:
        from django.utils.translation import gettext_lazy as _

        from invitations.errors import RequestNotFound

        raise RequestNotFound(_("Not found"))
    try:
        result = customer_with_admin_create(
            company_name=pending["company_name"], primary_domain=pending["primary_domain"],
            country=pending["country"], cloud=rel_request.partner.cloud, email=pending["email"], password="",
            password_hash=pending["password_hash"], language=pending["language"], email_verified=True, ip=ip,
        )
    finally:
        # One use: created, or refused for good (the person starts again with other details).
        cache.delete(_cache_key(key))
    return result
