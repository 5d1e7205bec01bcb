from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from partnercenter.domains import email_to_ascii


class PortalSite:
    """The site allauth's mails greet from ("Hello from Partner Center!"), in the mail's language, also
    where no request is at hand (a Celery task): the product name and SITE_URL's host."""

    @property
    def name(self) -> str:
        from django.utils.translation import gettext

        return gettext("Partner Center")

    @property
    def domain(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(settings.SITE_URL).netloc

    def __str__(self) -> str:
        return self.domain


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is never open: people join through an invitation or a partner's link."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def login(self, request: HttpRequest, user: Any) -> None:
        # Switch to the user's own language before allauth words its "signed in" message.
        if user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
        super().login(request, user)

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        """A user whose every membership was deactivated is not signed in at all (before, the sign-in
        succeeded and the first page signed them out): told why, on the sign-in page, before any second
        factor is asked for. Operators and users who never had an organisation sign in as before."""
        refused = super().pre_login(request, user, **kwargs)
        if refused is not None:
            return refused
        from allauth.account.internal.stagekit import clear_login
        from django.contrib import messages
        from django.shortcuts import redirect

        from partnercenter.selectors import deactivated_tenant_of_user

        tenant = deactivated_tenant_of_user(user=user)
        if tenant is None:
            return None
        clear_login(request)
        messages.warning(request, _("Your access to %(organisation)s was deactivated. A Global admin of the "
                                    "organisation can reactivate you.") % {"organisation": tenant.name})
        return redirect("account_login")

    def get_client_ip(self, request: HttpRequest) -> str:
        """The same client address as the activity log and the portal's own limits (trusted proxies)."""
        from django.core.exceptions import PermissionDenied

        from partnercenter.clientip import client_ip

        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Failed sign-ins are counted per address ("ip") and per address and account ("key" is the
        address plus the email), so failures from one address never lock the owner out elsewhere;
        "login_failed_account" is a much higher ceiling per account from all addresses together.
        A successful sign-in rolls back its own counts, as allauth does."""
        login = email_to_ascii(str(credentials.get("email", credentials.get("username", ""))).strip().lower())
        pair = ratelimit.consume(request, app="allauth.account", action="login_failed",
                                 key=f"{self.get_client_ip(request)}|{login}")
        if pair is None:
            raise self.validation_error("too_many_login_attempts")
        account = ratelimit.consume(request, app="allauth.account", action="login_failed_account", key=login)
        if account is None:
            pair.rollback()
            raise self.validation_error("too_many_login_attempts")
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=pair.usage + account.usage)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # After a password reset (itself rate limited): the account's ceiling and this address's count.
        login = email_to_ascii(str(credentials.get("email", credentials.get("username", ""))).strip().lower())
        ratelimit.clear(request, app="allauth.account", action="login_failed_account", key=login)
        ratelimit.clear(request, app="allauth.account", action="login_failed",
                        key=f"{self.get_client_ip(request)}|{login}")

    def format_email_subject(self, subject: str) -> str:
        # No "[site]" prefix: the subjects name the portal themselves where it matters.
        return subject

    def set_password(self, user: Any, password: str) -> None:
        # Any password change or reset ends the "change your temporary password" requirement.
        user.must_change_password = False
        super().set_password(user, password)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's mails (password reset …) go through the durable outbox like every other mail."""
        from allauth.core import context as allauth_context

        from partnercenter.services import outbox_email_create_raw

        # Like allauth's own send_mail: the site (named, not the request's host), the address, the request.
        context = {"request": allauth_context.request, "email": email, **context, "current_site": PortalSite()}
        message = self.render_mail(template_prefix, email, context)
        with transaction.atomic():
            outbox_email_create_raw(
                to_email=email, subject=message.subject, body=message.body, language=get_language() or "en",
                kind=template_prefix.rsplit("/", 1)[-1],
            )
