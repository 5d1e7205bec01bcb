""""Send" on the draft of a "Request admin relationship": the approval link mailed through the outbox.

The customer's Global admins are known to the portal, so each gets the request directly, rendered in
their own language (templates/emails/gdap_approval_request_*.txt), not the partner's draft (which is in
one language). An extra address typed on the page gets the partner's edited draft as it is, like F2's
"Send"."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gdap.models import AdminRelationship, GdapApproval, RelationshipStatus
from gdap.services.common import require
from invitations.drafts import draft_checked
from links.models import LinkStatus
from links.services import email_checked, link_send_checked, link_sent, recipient_language
from partnercenter.errors import Conflict, Invalid
from partnercenter.models import CompanyProfile, User
from partnercenter.roles import Perm, Role
from partnercenter.selectors import tenant_users_with_roles
from partnercenter.services import outbox_email_create, outbox_email_create_raw

TEMPLATE = "gdap_approval_request"


def approval_mail_context(rel: AdminRelationship, *, roles: list, link: str, expires_at: object,
                          profile: CompanyProfile | None = None) -> dict:
    """What templates/emails/gdap_approval_request_*.txt needs: one context for "Send" and for the bulk
    request job (which renders its rows unsaved and inserts a chunk at once)."""
    return {
        "partner": rel.partner, "profile": profile, "customer": rel.customer, "relationship": rel, "roles": roles,
        "duration_days": rel.duration.days, "auto_extends": rel.auto_extends, "link": link, "expires_at": expires_at,
    }


def approval_recipients(rel: AdminRelationship) -> list[User]:
    """The customer's active Global admins, who may approve (none while the customer is unknown)."""
    if rel.customer_id is None:
        return []
    return list(tenant_users_with_roles(tenant=rel.customer, roles=[Role.CUSTOMER_GLOBAL_ADMIN]).order_by("email"))


def approval_link_send(
    rel: AdminRelationship, *, actor: User, raw_token: str, link: str, subject: str, body: str,
    extra_email: str = "", draft_language: str = "", ip: str | None = None,
) -> list[str]:
    """Mail the approval link to the customer's Global admins (each in their language) and the edited
    draft to `extra_email` if given. Sending the same link twice mails nobody twice (dedupe per link and
    address). Returns the addresses mailed."""
    require(actor, rel.partner, Perm.GDAP_MANAGE)
    with transaction.atomic():
        approval = (GdapApproval.objects.select_for_update(of=("self",)).select_related("relationship")
                    .filter(relationship_id=rel.pk, status=LinkStatus.PENDING).first())
        if approval is None or approval.relationship.status != RelationshipStatus.APPROVAL_PENDING:
            raise Conflict(_("This admin relationship no longer waits for approval, so its link cannot be sent."))
        link_send_checked(approval, raw_token=raw_token)
        subject, body = draft_checked(subject=subject, body=body, link=link)
        extra = email_checked(extra_email, field="email")
        admins = approval_recipients(approval.relationship)
        if not admins and not extra:
            raise Invalid(_("%(customer)s has no Global admin in the portal yet. Enter an email address to send "
                            "the request to, or copy the draft."), field="email",
                          params={"customer": rel.customer.name if rel.customer_id else ""})
        relationship = approval.relationship
        context = approval_mail_context(relationship, roles=list(relationship.roles.all()), link=link,
                                        expires_at=approval.expires_at,
                                        profile=CompanyProfile.objects.filter(tenant=rel.partner).first())
        sent: list[str] = []
        for user in admins:
            outbox_email_create(
                to_email=user.email, template=TEMPLATE, context=context, tenant=rel.partner,
                language=user.language or settings.LANGUAGE_CODE, reply_to=actor.email,
                dedupe_key=f"{TEMPLATE}:{approval.pk}:{approval.token_digest[:16]}:{user.pk}",
            )
            sent.append(user.email)
        if extra and extra not in {address.lower() for address in sent}:
            outbox_email_create_raw(
                to_email=extra, subject=subject, body=body, kind=TEMPLATE, tenant=rel.partner, reply_to=actor.email,
                language=recipient_language(extra, draft_language=draft_language),
                dedupe_key=f"{TEMPLATE}:{approval.pk}:{approval.token_digest[:16]}:{hashlib.sha256(extra.encode()).hexdigest()[:24]}",
            )
            sent.append(extra)
        link_sent(approval, actor=actor, ip=ip, email=", ".join(sent), relationship_id=str(rel.pk))
    return sent
