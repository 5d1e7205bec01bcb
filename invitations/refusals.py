"""Why an acceptance is refused. Stored as a code plus parameters and worded when shown, so every
reader sees it in their own language (a worker has no reader's language).

The stored codes (`Acceptance.result_code`, the activity entries' `reason_code`) are this module's own
vocabulary and stay as they are, so rows written before the typed errors keep their wording. When a
refusal is raised instead of stored (the click itself is refused), `refusal_error()` turns it into a
typed domain error whose code is the matching `partnercenter.errors.Code` (`ERROR_CODES`)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Code, DomainError

REFUSALS = {
    "not_customer": _("Only a customer organisation can accept this request."),
    "cloud": _("%(partner)s works in the %(partner_cloud)s; your organisation is in the %(customer_cloud)s. "
               "A relationship is only possible inside one cloud."),
    "region": _("%(partner)s can only form reseller relationships with customers in %(region)s. "
                "Your organisation is in %(customer_region)s."),
    "exists": _("%(partner)s is already your reseller."),
    "dead": _("The request could not be processed. Ask your partner for a new link."),
    "revoked": _("The partner withdrew this request."),
    "expired": _("This request has expired."),
    "answered": _("This request has already been answered."),
    "partnership": _("%(partner)s no longer works with %(provider)s. Ask %(partner)s for a new link."),
    "associated": _("Another reseller of %(provider)s serves your organisation already. Ask %(provider)s to "
                    "reassign you."),
    # Advisor offers (F12): the partner deactivated the offer, or what it contains is no longer sold.
    "deactivated": _("%(partner)s deactivated this offer."),
    "unavailable": _("What this offer contains is no longer available to your organisation. Ask %(partner)s for "
                     "a new offer."),
}


# Stored refusal code → the code of the domain error raised for it.
ERROR_CODES: dict[str, Code] = {
    "not_customer": Code.FORBIDDEN,
    "cloud": Code.CLOUD_MISMATCH,
    "region": Code.REGION_MISMATCH,
    "exists": Code.CONFLICT,
    "dead": Code.CONFLICT,
    "revoked": Code.REVOKED,
    "expired": Code.EXPIRED,
    "answered": Code.ALREADY_ANSWERED,
    "partnership": Code.REFUSED,
    "associated": Code.ASSOCIATED,
    "deactivated": Code.REVOKED,
    "unavailable": Code.REFUSED,
}


def refusal_text(code: str, params: dict[str, Any] | None = None) -> str:
    from partnercenter.models import Cloud
    from partnercenter.selectors import region_name_for_country

    template = REFUSALS.get(code)
    if template is None:
        return ""
    values = dict(params or {})
    if "partner_country" in values:
        values["region"] = region_name_for_country(values["partner_country"])
    if "customer_country" in values:
        values["customer_region"] = region_name_for_country(values["customer_country"])
    for key in ("partner_cloud", "customer_cloud"):
        if key in values and values[key] in Cloud.values:
            values[key] = Cloud(values[key]).label
    from partnercenter.text import sentence

    try:
        return sentence(str(template) % values)
    except (KeyError, TypeError, ValueError):
        return str(template)


_refusal_lazy = lazy(refusal_text, str)


def refusal_error(code: str, params: dict[str, Any] | None = None) -> DomainError:
    """The refusal as a domain error, worded when it is read (in the reader's language)."""
    return DomainError(_refusal_lazy(code, dict(params or {})), code=ERROR_CODES[code])
