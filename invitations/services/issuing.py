"""Partner side of relationship requests (F2, F3): create, send, resend, revoke. Expiry is the
sweep of every link kind, links.services.links_expire."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from customers.rules import dap_allowed
from invitations.drafts import draft_checked
from invitations.errors import NotAllowed, PendingRequestExists
from invitations.models import AcceptanceStatus, RelationshipRequest
from invitations.services.checks import pending_requests
from links.kinds import link_path
from links.services import (
    email_checked,
    link_expire,
    link_issue,
    link_lock,
    link_reissue_logged,
    link_resend,
    link_revoke,
    link_send_checked,
    link_sent,
    recipient_language,
)
from partnercenter.domains import to_unicode
from partnercenter.errors import Code, Conflict, Invalid
from partnercenter.models import PartnerType, Tenant, TenantKind, User
from partnercenter.roles import Perm
from partnercenter.selectors import permissions_of
from partnercenter.services import outbox_email_create_raw


def acceptance_path(raw_token: str) -> str:
    return link_path(RelationshipRequest.kind, raw_token)


def _require_requester(actor: User, partner: Tenant) -> None:
    if Perm.RELATIONSHIP_REQUEST not in permissions_of(user=actor, tenant=partner):
        raise NotAllowed(_("You don't have permission to request reseller relationships."))


def request_rights_check(*, partner: Tenant, actor: User | None, include_dap: bool, provider: Tenant | None = None
                         ) -> None:
    """Who may request a reseller relationship (PRODUCT.md's role table) and with admin permissions:
    a single invite and every chunk of a bulk invitation ask here."""
    perms = permissions_of(user=actor, tenant=partner) if actor is not None and actor.pk else frozenset()
    if partner.kind != TenantKind.PARTNER or Perm.RELATIONSHIP_REQUEST not in perms:
        raise NotAllowed(_("You don't have permission to request reseller relationships."))
    if include_dap and not dap_allowed(partner):
        raise NotAllowed(
            _("Requesting admin permissions is not available in the US Government cloud."), field="include_dap",
            code=Code.US_GOVERNMENT,
        )
    if include_dap and Perm.RELATIONSHIP_REQUEST_DAP not in perms:
        raise NotAllowed(
            _("Your role may request a reseller relationship without admin permissions only."), field="include_dap"
        )
    if provider is None and partner.partner_type == PartnerType.INDIRECT_RESELLER:
        # F2 is for direct partners and indirect providers; a reseller invites with its provider (F3).
        raise NotAllowed(_("An indirect reseller invites customers together with one of its indirect providers: "
                           "use Invite new customers."), field="provider")


def invitation_create(
    *,
    partner: Tenant,
    actor: User,
    include_dap: bool,
    customer_email: str = "",
    reusable: bool = False,
    provider: Tenant | None = None,
    ip: str | None = None,
    reissue: bool = False,
) -> tuple[RelationshipRequest, str]:
    """A new request with a fresh link. One pending request per customer email: when the email has
    one, PendingRequestExists says so, and only `reissue=True` (the user confirmed) gives that request
    a new link and these settings (the link in the mail already sent dies)."""
    request_rights_check(partner=partner, actor=actor, include_dap=include_dap, provider=provider)
    if provider is not None:
        from resellers.selectors import is_partnered_reseller

        if partner.partner_type != PartnerType.INDIRECT_RESELLER or not is_partnered_reseller(
            provider=provider, reseller_id=partner.id
        ):
            raise Invalid(_("Choose one of your indirect providers."), field="provider")
    email = email_checked(customer_email, field="customer_email")
    if email:
        reusable = False
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _invitation_create_once(
                    partner=partner, actor=actor, include_dap=include_dap, email=email, reusable=reusable, ip=ip,
                    provider=provider, reissue=reissue,
                )
        except IntegrityError:
            # A concurrent request for the same email won the insert; the next round re-issues it.
            continue
    raise Conflict(_("Please try again."), code=Code.BUSY)


def _invitation_create_once(
    *, partner: Tenant, actor: User, include_dap: bool, email: str, reusable: bool, ip: str | None,
    provider: Tenant | None, reissue: bool,
) -> tuple[RelationshipRequest, str]:
    if email:
        existing = pending_requests(partner=partner, emails=[email]).select_for_update().first()
        if existing is not None:
            if existing.is_expired():
                link_expire(existing)
            elif existing.acceptances.filter(status=AcceptanceStatus.PROCESSING).exists():
                raise Conflict(
                    _("This customer is accepting your earlier request right now. Try again in a minute."),
                    field="customer_email", code=Code.BUSY,
                )
            elif not reissue:
                raise PendingRequestExists(
                    _("A pending request to %(email)s exists already."), params={"email": to_unicode(email)},
                    existing=existing, field="customer_email",
                )
            else:
                existing.include_dap = include_dap
                existing.provider = provider
                return existing, link_reissue_logged(existing, actor=actor, ip=ip)
    return link_issue(
        RelationshipRequest, actor=actor, ip=ip, log={"email": email},
        partner=partner, provider=provider, include_dap=include_dap, email=email, reusable=reusable and not email,
    )


def invitation_send(
    *, request: RelationshipRequest, actor: User, raw_token: str, subject: str, body: str, link: str,
    draft_language: str = "", ip: str | None = None,
) -> None:
    """Email the (edited) draft to the addressed customer through the outbox, filed in the
    recipient's language (links.services.recipient_language)."""
    _require_requester(actor, request.partner)
    with transaction.atomic():
        locked = link_lock(RelationshipRequest, request.pk)
        link_send_checked(locked, raw_token=raw_token)
        if not locked.email:
            raise Invalid(_("Enter a customer email to send the request from the portal."), field="body")
        subject, body = draft_checked(subject=subject, body=body, link=link)
        outbox_email_create_raw(
            to_email=locked.email, subject=subject, body=body,
            language=recipient_language(locked.email, draft_language=draft_language),
            kind="relationship_request", tenant=locked.partner, reply_to=actor.email,
        )
        link_sent(locked, actor=actor, ip=ip, email=locked.email)


def invitation_resend(*, request: RelationshipRequest, actor: User, ip: str | None = None) -> str:
    """A new link for the same request; the old one stops working at once."""
    _require_requester(actor, request.partner)
    if request.include_dap and Perm.RELATIONSHIP_REQUEST_DAP not in permissions_of(user=actor, tenant=request.partner):
        raise NotAllowed(_("Your role may request a reseller relationship without admin permissions only."))

    def not_while_accepting(locked: RelationshipRequest) -> None:
        if locked.acceptances.filter(status=AcceptanceStatus.PROCESSING).exists():
            raise Conflict(_("A customer is accepting this request right now. Try again in a minute."), code=Code.BUSY)

    try:
        return link_resend(request, actor=actor, ip=ip, check=not_while_accepting)
    except IntegrityError:
        raise Conflict(_("Another pending request to this customer email exists already."),
                       code=Code.PENDING_EXISTS) from None


def invitation_revoke(*, request: RelationshipRequest, actor: User, ip: str | None = None) -> None:
    _require_requester(actor, request.partner)
    link_revoke(request, actor=actor, ip=ip)
