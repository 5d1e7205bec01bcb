"""Indirect partnerships (PRODUCT.md F6, F7): a provider requests, a reseller accepts, either removes."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from customers.rules import relationship_allowed
from invitations.drafts import draft_checked
from invitations.errors import PendingRequestExists
from links import services as lifecycle
from links.kinds import link_path
from links.selectors import verified_email_matches
from partnercenter.errors import Code, Conflict, DomainError, Expired, Forbidden, Invalid
from partnercenter.events import event_record
from partnercenter.models import PartnerType, Tenant, TenantKind, User
from partnercenter.roles import Perm, Role
from partnercenter.selectors import permissions_of, region_name_for_country, roles_of, tenant_users_with_roles
from partnercenter.services import outbox_email_create, outbox_email_create_raw
from resellers.errors import PartnershipNotFound
from resellers.events import PartnershipEvents
from resellers.models import IndirectPartnership, PartnershipRequest, PartnershipRequestStatus, PartnershipStatus
from resellers.selectors import partnership_request_recipient

__all__ = ["PartnershipNotFound"]  # raised here; callers catch it as services.PartnershipNotFound

def partnership_path(raw_token: str) -> str:
    return link_path(PartnershipRequest.kind, raw_token)


def _require_provider(actor: User, provider: Tenant) -> None:
    if provider.partner_type != PartnerType.INDIRECT_PROVIDER:
        raise Forbidden(_("Only indirect providers request partnerships with resellers."))
    if Perm.PARTNERSHIPS_MANAGE not in permissions_of(user=actor, tenant=provider):
        raise Forbidden(_("Your role does not allow this."))


def _log_both(provider: Tenant, reseller: Tenant, kind: str, actor: User | None) -> None:
    data = {"provider": provider.name, "reseller": reseller.name,
            "provider_id": str(provider.id), "reseller_id": str(reseller.id)}
    for tenant in (provider, reseller):
        event_record(tenant=tenant, kind=kind, actor=actor, data=data)


# --- Provider side ------------------------------------------------------------------------------


def partnership_request_create(
    *, provider: Tenant, actor: User, reseller_mpn_id: str = "", email: str = "", reissue: bool = False
) -> tuple[PartnershipRequest, str]:
    """A tailored link. Addressed to a registered reseller (MPN ID), it also shows on its page. One
    pending request per reseller: when it has one, PendingRequestExists says so, and only
    `reissue=True` (the user confirmed) gives that request a new link (the link already sent dies)."""
    _require_provider(actor, provider)
    reseller = None
    mpn = (reseller_mpn_id or "").strip()
    if mpn:
        reseller = Tenant.objects.filter(mpn_id=mpn, kind=TenantKind.PARTNER).first()
        if reseller is None or reseller.partner_type != PartnerType.INDIRECT_RESELLER:
            raise Invalid(_("No registered indirect reseller has this MPN ID."), field="reseller_mpn_id")
        if IndirectPartnership.objects.filter(provider=provider, reseller=reseller,
                                              status=PartnershipStatus.ACTIVE).exists():
            raise Conflict(_("You are partnered with this reseller already."), field="reseller_mpn_id")
    address = lifecycle.email_checked(email, field="email")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                existing = None
                if reseller is not None:
                    existing = PartnershipRequest.objects.select_for_update().filter(
                        provider=provider, reseller=reseller, status=PartnershipRequestStatus.PENDING
                    ).first()
                if existing is not None and not reissue:
                    raise PendingRequestExists(
                        _("A pending request to %(name)s exists already."), params={"name": reseller.name},
                        existing=existing, field="reseller_mpn_id",
                    )
                if existing is not None:
                    existing.email = address or existing.email
                    return existing, lifecycle.link_reissue_logged(existing, actor=actor)
                return lifecycle.link_issue(
                    PartnershipRequest, actor=actor, log={"to": reseller.name if reseller else address},
                    provider=provider, reseller=reseller, email=address,
                )
        except IntegrityError:
            continue
    raise Conflict(_("Please try again."), code=Code.BUSY)


def partnership_request_send(
    *, request: PartnershipRequest, actor: User, raw_token: str, subject: str, body: str, link: str,
    draft_language: str = "",
) -> None:
    """Email the (edited) draft through the outbox, filed in the recipient's language."""
    _require_provider(actor, request.provider)
    with transaction.atomic():
        locked = lifecycle.link_lock(PartnershipRequest, request.pk)
        lifecycle.link_send_checked(locked, raw_token=raw_token)
        to = partnership_request_recipient(locked)
        if not to:
            raise Invalid(_("Enter a reseller email to send the request from the portal."), field="body")
        subject, body = draft_checked(subject=subject, body=body, link=link)
        outbox_email_create_raw(to_email=to, subject=subject, body=body,
                                language=lifecycle.recipient_language(to, draft_language=draft_language),
                                kind="partnership_request", tenant=locked.provider, reply_to=actor.email)
        lifecycle.link_sent(locked, actor=actor, to=to)


def partnership_request_resend(*, request: PartnershipRequest, actor: User) -> str:
    _require_provider(actor, request.provider)
    try:
        return lifecycle.link_resend(request, actor=actor)
    except IntegrityError:
        raise Conflict(_("Another pending request to this reseller exists already."), code=Code.PENDING_EXISTS) from None


def partnership_request_revoke(*, request: PartnershipRequest, actor: User) -> None:
    _require_provider(actor, request.provider)
    lifecycle.link_revoke(request, actor=actor)


# --- Reseller side ------------------------------------------------------------------------------


_region_name = lazy(region_name_for_country, str)  # worded when the message is read


def partnership_refusal_error(
    *, request: PartnershipRequest, reseller: Tenant | None, actor: User | None
) -> DomainError | None:
    """Why this person cannot answer for this tenant (None when they can)."""
    if request.asked_by_reseller:
        return Forbidden(_("You asked for this partnership; the provider answers it."))
    if reseller is None or reseller.kind != TenantKind.PARTNER or reseller.partner_type != PartnerType.INDIRECT_RESELLER:
        return Forbidden(_("Only a registered indirect reseller can accept a partnership request. Switch to your "
                           "reseller organisation."))
    roles = roles_of(user=actor, tenant=reseller) if actor is not None else frozenset()
    if not roles & {Role.GLOBAL_ADMIN, Role.ADMIN_AGENT}:
        return Forbidden(_("Only a Global admin or Admin agent of the reseller can answer this request."))
    if request.reseller_id and request.reseller_id != reseller.id:
        return Forbidden(_("This request was made for another reseller."))
    if not request.reseller_id and request.email:
        # Addressed by email only: bound to that address as relationship requests are (the signed-in
        # user's verified email, NFKC + casefold). With an MPN ID the reseller organisation is the binding.
        if not verified_email_matches(user=actor, address=request.email):
            return Forbidden(_("This request was sent to a different email address. Sign in with the account it "
                               "was sent to."))
    refusal = relationship_allowed(request.provider, reseller)
    if refusal is not None and refusal.code == "cloud":
        return DomainError(_("%(provider)s works in another cloud; a partnership is only possible inside one cloud."),
                           params={"provider": request.provider.name}, code=Code.CLOUD_MISMATCH)
    if refusal is not None:
        return DomainError(_("%(provider)s can only partner with resellers in %(region)s."),
                           params={"provider": request.provider.name,
                                   "region": _region_name(str(request.provider.country))},
                           code=Code.REGION_MISMATCH)
    return None


def partnership_refusal(*, request: PartnershipRequest, reseller: Tenant | None, actor: User | None) -> str:
    """Why this person cannot answer for this tenant, worded for the link page ("" when they can)."""
    error = partnership_refusal_error(request=request, reseller=reseller, actor=actor)
    return error.message if error is not None else ""


def _lock(request_id: int) -> PartnershipRequest:
    locked = (
        PartnershipRequest.objects.select_for_update(of=("self",)).select_related("provider")
        .filter(pk=request_id).first()
    )
    if locked is None or locked.status == PartnershipRequestStatus.REVOKED:
        raise PartnershipNotFound(_("Not found"))
    return locked


def _partnership_open(provider: Tenant, reseller: Tenant) -> IndirectPartnership:
    """The active partnership of the two, created now unless a concurrent answer created it first."""
    try:
        with transaction.atomic():
            return IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    except IntegrityError:
        return IndirectPartnership.objects.get(provider=provider, reseller=reseller, status=PartnershipStatus.ACTIVE)


def partnership_accept(*, request_id: int, reseller: Tenant, actor: User) -> IndirectPartnership:
    """Idempotent: a double click or a second admin gets the same partnership, never two."""
    with transaction.atomic():
        request = _lock(request_id)
        problem = partnership_refusal_error(request=request, reseller=reseller, actor=actor)
        if problem is not None:
            raise problem
        existing = IndirectPartnership.objects.filter(
            provider=request.provider, reseller=reseller, status=PartnershipStatus.ACTIVE
        ).first()
        if request.status == PartnershipRequestStatus.ACCEPTED:
            if existing is not None and request.accepted_reseller_id == reseller.id:
                return existing
            raise Conflict(_("This request has already been accepted."), code=Code.ALREADY_ACCEPTED)
        if request.status == PartnershipRequestStatus.DECLINED:
            raise Conflict(_("This request was declined."), code=Code.ALREADY_ANSWERED)
        if request.effective_status == PartnershipRequestStatus.EXPIRED:
            raise Expired(_("This request has expired. Ask the provider for a new link."))
        already_partnered = existing is not None
        existing = existing or _partnership_open(request.provider, reseller)
        request.accepted_reseller = reseller
        lifecycle.link_answer(request, status=PartnershipRequestStatus.ACCEPTED, actor=actor,
                              fields=("accepted_reseller",))
        _log_both(request.provider, reseller, PartnershipEvents.PARTNERSHIP_ACCEPTED, actor)
        if already_partnered:
            # Accepting another request of a provider one is partnered with already changes nothing
            # for the provider: no second "accepted" mail.
            return existing
        for user in tenant_users_with_roles(tenant=request.provider, roles=[Role.GLOBAL_ADMIN]):
            outbox_email_create(
                to_email=user.email, template="partnership_accepted", language=user.language or settings.LANGUAGE_CODE,
                tenant=request.provider,
                context={"provider": request.provider, "reseller": reseller,
                         "resellers_url": f"{settings.SITE_URL}/resellers/"},
            )
        return existing


def partnership_decline(*, request_id: int, reseller: Tenant, actor: User) -> None:
    with transaction.atomic():
        request = _lock(request_id)
        problem = partnership_refusal_error(request=request, reseller=reseller, actor=actor)
        if problem is not None:
            raise problem
        if request.effective_status != PartnershipRequestStatus.PENDING:
            raise Conflict(_("This request is no longer open."), code=Code.ALREADY_ANSWERED)
        lifecycle.link_answer(request, status=PartnershipRequestStatus.DECLINED, actor=actor)
        _log_both(request.provider, reseller, PartnershipEvents.PARTNERSHIP_DECLINED, actor)


# --- Asked for by a reseller (the directory's "Request to partner"); answered by the provider ------------


def partnership_request_ask(*, reseller: Tenant, provider: Tenant, actor: User) -> PartnershipRequest:
    """A pending request of the same lifecycle, asked for by the reseller: the provider sees it among its
    partnership requests and accepts or declines it. Who may ask, and region and cloud, are the rules of
    accepting one (partnership_refusal_error)."""
    if provider.kind != TenantKind.PARTNER or provider.partner_type != PartnerType.INDIRECT_PROVIDER:
        raise PartnershipNotFound(_("Not found"))
    if Perm.PARTNERSHIPS_MANAGE not in permissions_of(user=actor, tenant=reseller):
        raise Forbidden(_("Your role does not allow this."))
    problem = partnership_refusal_error(request=PartnershipRequest(provider=provider, reseller=reseller),
                                        reseller=reseller, actor=actor)
    if problem is not None:
        raise problem
    if IndirectPartnership.objects.filter(provider=provider, reseller=reseller, status=PartnershipStatus.ACTIVE).exists():
        raise Conflict(_("You are partnered with %(provider)s already."), params={"provider": provider.name},
                       code=Code.ALREADY_ACCEPTED)
    try:
        with transaction.atomic():
            pending = PartnershipRequest.objects.select_for_update().filter(
                provider=provider, reseller=reseller, status=PartnershipRequestStatus.PENDING).first()
            if pending is not None and not pending.is_expired():
                if pending.asked_by_reseller:
                    raise Conflict(_("You asked %(provider)s for a partnership already; it has not answered yet."),
                                   params={"provider": provider.name}, code=Code.PENDING_EXISTS)
                raise Conflict(_("%(provider)s has sent you a partnership request already: accept it on Indirect "
                                 "providers."), params={"provider": provider.name}, code=Code.PENDING_EXISTS)
            if pending is not None:
                lifecycle.link_expire(pending)  # past its time: the sweep would have marked it
            request, _raw = lifecycle.link_issue(  # the token is dropped: nobody opens this one as a link
                PartnershipRequest, actor=actor, log={"to": reseller.name},
                provider=provider, reseller=reseller, asked_by_reseller=True,
            )
            event_record(tenant=reseller, kind=PartnershipEvents.PARTNERSHIP_ASKED, actor=actor,
                         data={"provider": provider.name, "reseller": reseller.name})
            for user in tenant_users_with_roles(tenant=provider, roles=[Role.GLOBAL_ADMIN]):
                outbox_email_create(
                    to_email=user.email, template="partnership_asked", language=user.language or settings.LANGUAGE_CODE,
                    tenant=provider, context={"provider": provider, "reseller": reseller,
                                              "resellers_url": f"{settings.SITE_URL}/resellers/"},
                )
            return request
    except IntegrityError:  # a concurrent ask (or the provider's request) won the one pending slot
        raise Conflict(_("A pending request between you and %(provider)s exists already."),
                       params={"provider": provider.name}, code=Code.PENDING_EXISTS) from None


def partnership_ask_answer(*, request_id: int, provider: Tenant, actor: User, accept: bool) -> None:
    """The provider accepts or declines a reseller's request. Idempotent like partnership_accept."""
    _require_provider(actor, provider)
    with transaction.atomic():
        request = _lock(request_id)
        if request.provider_id != provider.id or not request.asked_by_reseller or request.reseller is None:
            raise PartnershipNotFound(_("Not found"))
        reseller = request.reseller
        if request.status == PartnershipRequestStatus.ACCEPTED and accept:
            return
        if request.effective_status != PartnershipRequestStatus.PENDING:
            raise Conflict(_("This request is no longer open."), code=Code.ALREADY_ANSWERED)
        if accept:
            refusal = relationship_allowed(provider, reseller)
            if refusal is not None:
                raise DomainError(_("%(reseller)s is in another region or cloud; a partnership is not possible."),
                                  params={"reseller": reseller.name}, code=Code.REGION_MISMATCH)
            if not IndirectPartnership.objects.filter(provider=provider, reseller=reseller,
                                                      status=PartnershipStatus.ACTIVE).exists():
                _partnership_open(provider, reseller)
            request.accepted_reseller = reseller
            lifecycle.link_answer(request, status=PartnershipRequestStatus.ACCEPTED, actor=actor,
                                  fields=("accepted_reseller",))
            _log_both(provider, reseller, PartnershipEvents.PARTNERSHIP_ASK_ACCEPTED, actor)
        else:
            lifecycle.link_answer(request, status=PartnershipRequestStatus.DECLINED, actor=actor)
            _log_both(provider, reseller, PartnershipEvents.PARTNERSHIP_ASK_DECLINED, actor)


# --- Either side --------------------------------------------------------------------------------


def partnership_remove(*, partnership: IndirectPartnership, actor: User, acting_tenant: Tenant) -> None:
    """Ends the partnership. Customers and granted admin permissions stay; nobody is notified."""
    if acting_tenant.id not in (partnership.provider_id, partnership.reseller_id):
        raise PartnershipNotFound(_("Not found"))
    if Perm.PARTNERSHIPS_MANAGE not in permissions_of(user=actor, tenant=acting_tenant):
        raise Forbidden(_("Your role does not allow this."))
    with transaction.atomic():
        updated = IndirectPartnership.objects.filter(pk=partnership.pk, status=PartnershipStatus.ACTIVE).update(
            status=PartnershipStatus.REMOVED, removed_at=timezone.now()
        )
        if not updated:
            raise Conflict(_("This partnership was removed already."), code=Code.ALREADY_REMOVED)
        _log_both(partnership.provider, partnership.reseller, PartnershipEvents.PARTNERSHIP_REMOVED, actor)
