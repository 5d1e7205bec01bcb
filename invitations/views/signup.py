"""The customer sign-up on a relationship request's page: an addressed link creates the organisation at
once, an unaddressed one after the emailed confirmation (invitations.signup)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.base_user import BaseUserManager
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers.rules import customer_country_allowed
from invitations.errors import RequestNotFound
from invitations.forms import CustomerSignupForm
from invitations.models import RelationshipRequest
from invitations.views.link import portal_name
from links.pages import not_found
from links.tokens import email_normalize
from partnercenter.errors import DomainError
from partnercenter.middleware import ACTIVE_TENANT_SESSION_KEY
from partnercenter.selectors import region_name_for_country
from partnercenter.views import client_ip


def signup_confirm_page(request: HttpRequest, rel_request: RelationshipRequest, token: str, key: str) -> HttpResponse:
    """The link of the confirmation mail: shows what will be created, creates it on POST."""
    from invitations import signup
    from partnercenter.domains import domain_to_unicode

    pending = signup.signup_pending(rel_request=rel_request, key=key)
    if pending is None:
        return not_found(request)
    context = {"rel_request": rel_request, "partner": rel_request.partner, "portal_name": portal_name(rel_request),
               "pending": pending, "domain_display": domain_to_unicode(pending["primary_domain"]),
               "confirm_key": key, "error": ""}
    if request.method != "POST":
        return render(request, "invitations/signup_confirm.html", context)
    try:
        customer, user = signup.signup_confirm(rel_request=rel_request, key=key, ip=client_ip(request))
    except RequestNotFound:
        return not_found(request)
    except DomainError as exc:
        # Told only now, to the person who holds the mailbox, after a rate-limited round trip.
        if exc.field == "primary_domain":
            context["error"] = _("This domain is already registered to an organisation. If it is your "
                                 "organisation's, ask its Global admin to accept the request. Otherwise start "
                                 "again with your organisation's own domain.")
        else:
            context["error"] = exc.message
        return render(request, "invitations/signup_confirm.html", context, status=exc.status)
    login(request, user, backend="partnercenter.backends.ModelBackend")
    request.session[ACTIVE_TENANT_SESSION_KEY] = str(customer.id)
    messages.success(request, _("Your organisation %(name)s was created. You are its Global admin.") % {
        "name": customer.name})
    return redirect(request.path)


def signup_post(request: HttpRequest, rel_request: RelationshipRequest, form: CustomerSignupForm) -> HttpResponse | None:
    """The response once signed up, or None when the form says what is wrong; a DomainError of the
    creation (domain or account taken) goes to the caller, which shows it."""
    from partnercenter.services import customer_with_admin_create

    data = form.cleaned_data
    if customer_country_allowed(rel_request.partner, data["country"]) is not None:
        form.add_error(
            "country",
            _("%(partner)s can only form reseller relationships with customers in %(region)s.")
            % {"partner": rel_request.partner.name, "region": region_name_for_country(str(rel_request.partner.country))},
        )
        return None
    addressed = rel_request.email
    if addressed and email_normalize(data["email"]) != addressed:
        form.add_error("email", _("This request was sent to a different email address. Use that address."))
        return None
    if not addressed:
        # A link anyone may hold: the same answer whether the account or the domain exists or not.
        from invitations import signup

        signup.signup_start(rel_request=rel_request, raw_token=request.resolver_match.kwargs["token"],
                            data=data, language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
                            origin=request.build_absolute_uri("/"))
        return render(request, "invitations/signup_check_email.html", {
            "email": BaseUserManager.normalize_email(data["email"]), "partner_name": rel_request.partner.name,
            "portal_name": portal_name(rel_request), "hours": signup.CONFIRM_SECONDS // 3600,
        })
    customer, user = customer_with_admin_create(
        company_name=data["company_name"],
        primary_domain=data["primary_domain"],
        country=data["country"],
        cloud=rel_request.partner.cloud,
        email=data["email"],
        password=data["password"],
        language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        # Holding the link that was mailed to this address proves the address.
        email_verified=bool(addressed),
        ip=client_ip(request),
    )
    login(request, user, backend="partnercenter.backends.ModelBackend")
    request.session[ACTIVE_TENANT_SESSION_KEY] = str(customer.id)
    messages.success(request, _("Your organisation %(name)s was created. You are its Global admin.") % {
        "name": customer.name})
    return redirect(request.path)
