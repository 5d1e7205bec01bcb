"""Relationship requests (F2) and their acceptance in the Admin center (F4)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.models import Service
from customers.services import dap_grant, dap_holders, reseller_association_ensure, reseller_relationship_ensure
from invitations.drafts import draft_checked
from invitations.errors import (
    NotAllowed,
    PendingRequestExists,
    RequestAlreadyAnswered,
    RequestExpired,
    RequestNotFound,
)
from invitations.models import Acceptance, AcceptanceStatus, DapChoice, RelationshipRequest, RequestStatus
from invitations.refusals import refusal_text
from invitations.tokens import (
    email_normalize,
    link_expiry,
    token_digest,
    token_new,
    token_reissue,
    token_well_formed,
)
from partnercenter.dispatch import enqueue_on_commit
from partnercenter.domains import to_unicode
from partnercenter.errors import DomainError
from partnercenter.models import ActivityKind, Cloud, Membership, PartnerType, Tenant, TenantKind, User
from partnercenter.roles import Perm, Role
from partnercenter.selectors import permissions_of, same_region, tenant_users_with_roles
from partnercenter.services import activity_record, outbox_email_create, outbox_email_create_raw

logger = logging.getLogger(__name__)

def acceptance_path(raw_token: str) -> str:
    return f"/admin-center/partner-request/{raw_token}/"


# --- Partner side: create, send, resend, revoke, expire ----------------------------------------


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
    perms = permissions_of(user=actor, tenant=partner)
    if partner.kind != TenantKind.PARTNER or Perm.RELATIONSHIP_REQUEST not in perms:
        raise NotAllowed(_("You don't have permission to request reseller relationships."))
    if include_dap and partner.cloud == Cloud.USGOV:
        raise NotAllowed(
            _("Requesting admin permissions is not available in the US Government cloud."), field="include_dap"
        )
    if include_dap and Perm.RELATIONSHIP_REQUEST_DAP not in perms:
        raise NotAllowed(
            _("Your role may request a reseller relationship without admin permissions only."), field="include_dap"
        )
    if provider is None and partner.partner_type == PartnerType.INDIRECT_RESELLER:
        # F2 is for direct partners and indirect providers; a reseller invites with its provider (F3).
        raise NotAllowed(_("An indirect reseller invites customers together with one of its indirect providers: "
                           "use Invite new customers."), field="provider")
    if provider is not None:
        from resellers.selectors import is_partnered_reseller

        if partner.partner_type != PartnerType.INDIRECT_RESELLER or not is_partnered_reseller(
            provider=provider, reseller_id=partner.id
        ):
            raise DomainError(_("Choose one of your indirect providers."), field="provider")
    email = email_normalize(customer_email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(_("Enter a valid email address."), field="customer_email") from None
        if len(email) > 254:
            raise DomainError(_("Enter a valid email address."), field="customer_email")
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
    raise DomainError(_("Please try again."))


def _invitation_create_once(
    *, partner: Tenant, actor: User, include_dap: bool, email: str, reusable: bool, ip: str | None,
    provider: Tenant | None, reissue: bool,
) -> tuple[RelationshipRequest, str]:
    now = timezone.now()
    if email:
        existing = (
            RelationshipRequest.objects.select_for_update()
            .filter(partner=partner, customer_email=email, status=RequestStatus.PENDING)
            .first()
        )
        if existing is not None:
            if existing.is_expired(now):
                _mark_expired(existing, actor=None)
            elif existing.acceptances.filter(status=AcceptanceStatus.PROCESSING).exists():
                raise DomainError(
                    _("This customer is accepting your earlier request right now. Try again in a minute."),
                    field="customer_email",
                )
            elif not reissue:
                raise PendingRequestExists(
                    _("A pending request to %(email)s exists already.") % {"email": to_unicode(email)},
                    existing=existing, field="customer_email",
                )
            else:
                token, old_last4 = token_reissue(existing)
                existing.include_dap = include_dap
                existing.provider = provider
                existing.reissued_at = now
                existing.save(update_fields=["token_digest", "token_last4", "include_dap", "provider", "expires_at",
                                             "reissued_at", "updated_at"])
                activity_record(
                    tenant=partner, kind=ActivityKind.REQUEST_RESENT, actor=actor, ip=ip,
                    data={"last4": token.last4, "old_last4": old_last4, "email": email},
                )
                return existing, token.raw
    token = token_new()
    request = RelationshipRequest.objects.create(
        partner=partner,
        provider=provider,
        created_by=actor,
        include_dap=include_dap,
        customer_email=email,
        reusable=reusable and not email,
        token_digest=token.digest,
        token_last4=token.last4,
        expires_at=link_expiry(),
    )
    activity_record(
        tenant=partner, kind=ActivityKind.REQUEST_CREATED, actor=actor, ip=ip,
        data={"last4": token.last4, "email": email},
    )
    return request, token.raw


def request_for_partner(*, partner: Tenant, request_id: object) -> RelationshipRequest:
    from django.http import Http404

    try:
        return RelationshipRequest.objects.get(partner=partner, id=int(str(request_id)))
    except (RelationshipRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def invitation_send(
    *, request: RelationshipRequest, actor: User, raw_token: str, subject: str, body: str, link: str,
    ip: str | None = None,
) -> None:
    """Email the (edited) draft to the addressed customer through the outbox."""
    if Perm.RELATIONSHIP_REQUEST not in permissions_of(user=actor, tenant=request.partner):
        raise NotAllowed(_("You don't have permission to request reseller relationships."))
    with transaction.atomic():
        locked = RelationshipRequest.objects.select_for_update().get(pk=request.pk)
        if locked.token_digest != token_digest(raw_token):
            raise DomainError(_("This link was replaced by a newer one. Open the request again."), field="body")
        if locked.effective_status != RequestStatus.PENDING:
            raise DomainError(_("Only a pending request can be sent."))
        if not locked.customer_email:
            raise DomainError(_("Enter a customer email to send the request from the portal."), field="body")
        subject, body = draft_checked(subject=subject, body=body, link=link)
        reply_to = actor.email
        outbox_email_create_raw(
            to_email=locked.customer_email, subject=subject, body=body, language=get_language() or "en",
            kind="relationship_request", tenant=locked.partner, reply_to=reply_to,
        )
        locked.sent_at = timezone.now()
        locked.sent_by = actor
        locked.save(update_fields=["sent_at", "sent_by", "updated_at"])
        activity_record(
            tenant=locked.partner, kind=ActivityKind.REQUEST_SENT, actor=actor, ip=ip,
            data={"last4": locked.token_last4, "email": locked.customer_email},
        )


def invitation_resend(*, request: RelationshipRequest, actor: User, ip: str | None = None) -> str:
    """A new link for the same request; the old one stops working at once."""
    if Perm.RELATIONSHIP_REQUEST not in permissions_of(user=actor, tenant=request.partner):
        raise NotAllowed(_("You don't have permission to request reseller relationships."))
    if request.include_dap and Perm.RELATIONSHIP_REQUEST_DAP not in permissions_of(user=actor, tenant=request.partner):
        raise NotAllowed(_("Your role may request a reseller relationship without admin permissions only."))
    try:
        with transaction.atomic():
            locked = RelationshipRequest.objects.select_for_update().get(pk=request.pk)
            if locked.status not in (RequestStatus.PENDING, RequestStatus.EXPIRED, RequestStatus.DECLINED):
                raise DomainError(_("An accepted or revoked request cannot be resent."))
            if locked.acceptances.filter(status=AcceptanceStatus.PROCESSING).exists():
                raise DomainError(_("A customer is accepting this request right now. Try again in a minute."))
            token, old_last4 = token_reissue(locked)
            locked.status = RequestStatus.PENDING
            locked.declined_at = None
            locked.reissued_at = timezone.now()
            locked.save()
            activity_record(
                tenant=locked.partner, kind=ActivityKind.REQUEST_RESENT, actor=actor, ip=ip,
                data={"last4": token.last4, "old_last4": old_last4, "email": locked.customer_email},
            )
    except IntegrityError:
        raise DomainError(_("Another pending request to this customer email exists already.")) from None
    request.refresh_from_db()
    return token.raw


def invitation_revoke(*, request: RelationshipRequest, actor: User, ip: str | None = None) -> None:
    if Perm.RELATIONSHIP_REQUEST not in permissions_of(user=actor, tenant=request.partner):
        raise NotAllowed(_("You don't have permission to request reseller relationships."))
    with transaction.atomic():
        locked = RelationshipRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in (RequestStatus.PENDING, RequestStatus.EXPIRED):
            raise DomainError(_("Only a pending or expired request can be revoked."))
        locked.status = RequestStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["status", "revoked_at", "updated_at"])
        activity_record(
            tenant=locked.partner, kind=ActivityKind.REQUEST_REVOKED, actor=actor, ip=ip,
            data={"last4": locked.token_last4},
        )


def _mark_expired(request: RelationshipRequest, *, actor: User | None) -> None:
    request.status = RequestStatus.EXPIRED
    request.save(update_fields=["status", "updated_at"])
    activity_record(
        tenant=request.partner, kind=ActivityKind.REQUEST_EXPIRED, actor=actor, data={"last4": request.token_last4}
    )


def invitations_expire(*, batch: int = 500) -> int:
    """Persist the expiry of pending requests whose time is up (the pages already show them expired)."""
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                RelationshipRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=RequestStatus.PENDING, expires_at__lte=timezone.now())
                .select_related("partner")[:batch]
            )
            for row in rows:
                _mark_expired(row, actor=None)
        done += len(rows)
        if len(rows) < batch:
            return done


# --- Customer side: look up, check, accept, decline, process ------------------------------------


def request_by_token(raw_token: str) -> RelationshipRequest | None:
    if not token_well_formed(raw_token):
        return None
    return (
        RelationshipRequest.objects.select_related("partner", "partner__profile")
        .filter(token_digest=token_digest(raw_token))
        .first()
    )


def verified_email_matches(*, user: User | None, address: str) -> bool:
    """Whether the user has this address, verified, compared after NFKC + casefold (relationship and
    partnership requests addressed by email alike)."""
    from allauth.account.models import EmailAddress

    if user is None or not user.is_authenticated:
        return False
    wanted = email_normalize(address)
    return any(
        email_normalize(value) == wanted
        for value in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )


def user_email_matches(*, user: User, request: RelationshipRequest) -> bool:
    """Addressed requests need the same address, verified, compared after NFKC + casefold."""
    if not request.customer_email:
        return True
    return verified_email_matches(user=user, address=request.customer_email)


def is_rightful_customer(*, user: User | None, customer: Tenant | None, request: RelationshipRequest) -> bool:
    """Who may learn that a link is expired or used (everybody else gets the not-found page)."""
    if user is None or not user.is_authenticated or customer is None or customer.kind != TenantKind.CUSTOMER:
        return False
    if not Membership.objects.filter(user=user, tenant=customer, is_active=True).exists():
        return False
    if request.accepted_customer_id:
        return request.accepted_customer_id == customer.id
    if request.acceptances.filter(customer=customer).exists():
        return True
    # An unaddressed link that nobody used names no customer: nobody learns more than "not found".
    return bool(request.customer_email) and user_email_matches(user=user, request=request)


def link_visible(*, request: RelationshipRequest | None, user: User | None, customer: Tenant | None) -> bool:
    """What the link's page shows at all, for GET and for the answers (POST) alike: a pending link to
    anyone, a closed one to its rightful customer only; unknown and revoked links to nobody."""
    if request is None or request.status == RequestStatus.REVOKED:
        return False
    if request.effective_status == RequestStatus.PENDING:
        return True
    return is_rightful_customer(user=user, customer=customer, request=request)


@dataclass
class Blocker:
    code: str
    params: dict

    @property
    def message(self) -> str:
        return refusal_text(self.code, self.params)


def acceptance_blockers(*, request: RelationshipRequest, customer: Tenant) -> list[Blocker]:
    """Rules that refuse the relationship before anything is created: region, cloud, duplicates."""
    partner = request.partner
    blockers: list[Blocker] = []
    if customer.kind != TenantKind.CUSTOMER:
        blockers.append(Blocker("not_customer", {}))
        return blockers
    for seller in (partner, request.provider) if request.provider_id else (partner,):
        if customer.cloud != seller.cloud:
            blockers.append(Blocker("cloud", {"partner": seller.name, "partner_cloud": seller.cloud,
                                              "customer_cloud": customer.cloud}))
        if not same_region(seller, customer):
            blockers.append(
                Blocker("region", {"partner": seller.name, "partner_country": str(seller.country),
                                   "customer_country": str(customer.country)})
            )
    from customers.models import RelationshipStatus, ResellerRelationship

    if request.provider_id:
        from customers.models import ResellerAssociation
        from resellers.selectors import is_partnered_reseller

        # Re-checked at every step: the partnership may have ended since the link was made.
        if not is_partnered_reseller(provider=request.provider, reseller_id=partner.id):
            blockers.append(Blocker("partnership", {"partner": partner.name, "provider": request.provider.name}))
        elif ResellerAssociation.objects.filter(
            customer=customer, provider_id=request.provider_id, status=RelationshipStatus.ACTIVE
        ).exclude(reseller=partner).exists():
            blockers.append(Blocker("associated", {"provider": request.provider.name}))
    sellers = [partner.id] + ([request.provider_id] if request.provider_id else [])
    if not request.include_dap and ResellerRelationship.objects.filter(
        partner_id__in=sellers, customer=customer, status=RelationshipStatus.ACTIVE
    ).count() == len(sellers):
        blockers.append(Blocker("exists", {"partner": partner.name}))
    return blockers


def dap_conflicts(*, request: RelationshipRequest, customer: Tenant) -> list[tuple[str, Tenant]]:
    """Services for which another partner holds admin permissions today (multichannel)."""
    if not request.include_dap:
        return []
    holders = dap_holders(customer=customer, services=list(Service.values))
    return [
        (str(Service(service).label), row.partner)
        for service, row in holders.items()
        if row.partner_id != request.partner_id
    ]


def acceptance_actor_check(*, user: User, customer: Tenant, request: RelationshipRequest) -> None:
    if customer.kind != TenantKind.CUSTOMER or not Membership.objects.filter(
        user=user, tenant=customer, role=Role.CUSTOMER_GLOBAL_ADMIN, is_active=True
    ).exists():
        raise NotAllowed(_("Only a Global admin of the customer organisation can accept or decline this request."))
    if not user_email_matches(user=user, request=request):
        raise NotAllowed(
            _("This request was sent to a different email address. Sign in with the account it was sent to.")
        )


def _lock_request(raw_token: str) -> RelationshipRequest:
    if not token_well_formed(raw_token):
        raise RequestNotFound(_("Not found"))
    request = (
        RelationshipRequest.objects.select_for_update(of=("self",))
        .select_related("partner")
        .filter(token_digest=token_digest(raw_token))
        .first()
    )
    if request is None or request.status == RequestStatus.REVOKED:
        raise RequestNotFound(_("Not found"))
    return request


def invitation_accept(
    *, raw_token: str, user: User, customer: Tenant, dap_choice: str = "", ip: str | None = None
) -> Acceptance:
    """Record the customer's "Accept" and queue its processing. Idempotent per customer and link."""
    try:
        with transaction.atomic():
            request = _lock_request(raw_token)
            acceptance_actor_check(user=user, customer=customer, request=request)
            previous = Acceptance.objects.filter(request=request, customer=customer).first()
            if previous is not None and previous.status in (AcceptanceStatus.FAILED, AcceptanceStatus.DECLINED) \
                    and request.status == RequestStatus.PENDING:
                # A refused attempt (or a declined public link) may be tried again once the cause is fixed.
                previous.delete()
                previous = None
            if previous is not None:
                raise RequestAlreadyAnswered(
                    _("This request has already been answered for your organisation."), acceptance_id=previous.id
                )
            if request.status in (RequestStatus.ACCEPTED, RequestStatus.DECLINED):
                raise RequestAlreadyAnswered(_("This request has already been accepted."))
            if request.status == RequestStatus.EXPIRED or request.is_expired():
                raise RequestExpired(_("This request has expired. Ask your partner for a new link."))
            if not request.reusable and request.acceptances.filter(
                status__in=[AcceptanceStatus.PROCESSING, AcceptanceStatus.SUCCEEDED]
            ).exists():
                raise RequestAlreadyAnswered(_("This request has already been accepted."))
            blockers = acceptance_blockers(request=request, customer=customer)
            if blockers:
                raise DomainError(blockers[0].message, code=blockers[0].code)
            choice = dap_choice if dap_choice in DapChoice.values else ""
            if dap_conflicts(request=request, customer=customer) and not choice:
                raise DomainError(
                    _("Choose whether to keep your current admin partner or reassign admin permissions."),
                    field="dap_choice",
                )
            # What the customer saw is what gets applied, whatever happens to the request meanwhile.
            acceptance = Acceptance.objects.create(
                request=request, customer=customer, user=user, dap_choice=choice, include_dap=request.include_dap,
                ip_address=ip,
            )
            from invitations.tasks import acceptance_process_task

            enqueue_on_commit(acceptance_process_task, str(acceptance.id))
            return acceptance
    except IntegrityError:
        # The unique (request, customer) index lost a race to a concurrent click: same answer as above.
        existing = Acceptance.objects.filter(request__token_digest=token_digest(raw_token), customer=customer).first()
        raise RequestAlreadyAnswered(
            _("This request has already been answered for your organisation."),
            acceptance_id=existing.id if existing else None,
        ) from None


def invitation_decline(*, raw_token: str, user: User, customer: Tenant, ip: str | None = None) -> None:
    with transaction.atomic():
        request = _lock_request(raw_token)
        acceptance_actor_check(user=user, customer=customer, request=request)
        answers = request.acceptances.exclude(status=AcceptanceStatus.FAILED)
        if request.status in (RequestStatus.ACCEPTED, RequestStatus.DECLINED) or answers.filter(
            customer=customer
        ).exists():
            raise RequestAlreadyAnswered(_("This request has already been answered for your organisation."))
        if not request.reusable and answers.filter(
            status__in=[AcceptanceStatus.PROCESSING, AcceptanceStatus.SUCCEEDED]
        ).exists():
            raise RequestAlreadyAnswered(_("This request has already been accepted."))
        if request.status == RequestStatus.EXPIRED or request.is_expired():
            raise RequestExpired(_("This request has expired. Ask your partner for a new link."))
        if request.reusable:
            # A public link stays open for others; this customer's answer is recorded on its own. An
            # earlier refused attempt (refused at processing, given up) is replaced, as acceptance does.
            Acceptance.objects.filter(request=request, customer=customer, status=AcceptanceStatus.FAILED).delete()
            Acceptance.objects.create(
                request=request, customer=customer, user=user, status=AcceptanceStatus.DECLINED, ip_address=ip,
                processed_at=timezone.now(),
            )
        else:
            request.status = RequestStatus.DECLINED
            request.declined_at = timezone.now()
            request.save(update_fields=["status", "declined_at", "updated_at"])
        data = {"customer": customer.name, "partner": request.partner.name}
        activity_record(tenant=request.partner, kind=ActivityKind.REQUEST_DECLINED, actor=user, customer=customer,
                        data=data, ip=ip)
        activity_record(tenant=customer, kind=ActivityKind.REQUEST_DECLINED, actor=user, customer=customer, data=data,
                        ip=ip)
        _notify_partner(request=request, customer=customer, template="request_declined")


def _notify_partner(*, request: RelationshipRequest, customer: Tenant, template: str) -> None:
    """Mail the partner's Global admins and whoever created the request, each in their language."""
    recipients: dict[str, User] = {
        u.email.lower(): u for u in tenant_users_with_roles(tenant=request.partner, roles=[Role.GLOBAL_ADMIN])
    }
    if request.provider_id:
        for user in tenant_users_with_roles(tenant=request.provider, roles=[Role.GLOBAL_ADMIN]):
            recipients.setdefault(user.email.lower(), user)
    if request.created_by is not None:
        recipients.setdefault(request.created_by.email.lower(), request.created_by)
    for user in recipients.values():
        outbox_email_create(
            to_email=user.email,
            template=template,
            language=user.language or settings.LANGUAGE_CODE,
            tenant=request.partner,
            context={
                "partner": request.partner,
                "customer": customer,
                "request": request,
                "customers_url": f"{settings.SITE_URL}/customers/",
            },
        )


def acceptance_process(*, acceptance_id: str) -> str:
    """Apply an acceptance: re-check the rules now, then create the relationship (and DAP). Idempotent."""
    # Count the delivery in its own committed transaction: a crash or kill during processing rolls
    # the work back but not the count, so a poison acceptance is given up after N deliveries.
    Acceptance.objects.filter(id=acceptance_id, status=AcceptanceStatus.PROCESSING).update(
        deliveries=F("deliveries") + 1, last_delivery_at=timezone.now()
    )
    with transaction.atomic():
        acceptance = (
            Acceptance.objects.select_for_update(of=("self",))
            .select_related("customer", "user")
            .filter(id=acceptance_id, status=AcceptanceStatus.PROCESSING)
            .first()
        )
        if acceptance is None:
            return "done-already"
        request = RelationshipRequest.objects.select_for_update(of=("self",)).select_related("partner").get(
            pk=acceptance.request_id
        )
        customer, partner, actor = acceptance.customer, request.partner, acceptance.user
        # One acceptance per customer at a time: two combined invitations of two resellers of the same
        # provider, accepted at the same moment, would both pass the "associated" check below before
        # either is committed. The second waits here and then sees the first one's association.
        Tenant.objects.select_for_update(no_key=True).filter(pk=customer.pk).values_list("pk").first()
        if acceptance.deliveries > settings.TASK_MAX_DELIVERIES:
            return _acceptance_fail(acceptance, request, "dead", {})
        if request.status == RequestStatus.REVOKED:
            return _acceptance_fail(acceptance, request, "revoked", {})
        if request.status in (RequestStatus.DECLINED, RequestStatus.ACCEPTED) and not request.reusable:
            return _acceptance_fail(acceptance, request, "answered", {})
        # The click counts: a link that expired while the acceptance waited in the queue still holds.
        if acceptance.created_at >= request.expires_at:
            return _acceptance_fail(acceptance, request, "expired", {})
        blockers = [b for b in acceptance_blockers(request=request, customer=customer) if b.code != "exists"]
        if blockers:
            return _acceptance_fail(acceptance, request, blockers[0].code, blockers[0].params)
        try:
            with transaction.atomic():
                granted = _acceptance_apply(acceptance, request)
        except DomainError as exc:
            if exc.code != "associated":
                raise
            # The association went to another reseller after all: nothing of this acceptance stays.
            return _acceptance_fail(acceptance, request, "associated", {"provider": request.provider.name})
        acceptance.status = AcceptanceStatus.SUCCEEDED
        acceptance.granted_services = granted
        acceptance.processed_at = timezone.now()
        acceptance.result_code = "ok"
        acceptance.save()
        request.acceptance_count += 1
        if not request.reusable:
            request.status = RequestStatus.ACCEPTED
            request.accepted_customer = customer
            request.accepted_at = acceptance.processed_at
        request.save()
        data = {"customer": customer.name, "partner": partner.name}
        for tenant in (partner, customer):
            activity_record(tenant=tenant, kind=ActivityKind.REQUEST_ACCEPTED, actor=actor, customer=customer,
                            data=data, ip=acceptance.ip_address)
        _notify_partner(request=request, customer=customer, template="request_accepted")
        return "succeeded"


def _acceptance_apply(acceptance: Acceptance, request: RelationshipRequest) -> list[str]:
    """Create the relationship(s), the association and the admin permissions; the granted services."""
    customer, partner, actor = acceptance.customer, request.partner, acceptance.user
    reseller_relationship_ensure(
        partner=partner, customer=customer, actor=actor, source_request=request, ip=acceptance.ip_address
    )
    if request.provider_id:
        # Combined invitation: the provider becomes reseller too, and the customer is associated
        # with the reseller under that provider — all in this one transaction.
        reseller_relationship_ensure(partner=request.provider, customer=customer, actor=actor,
                                     source_request=request, ip=acceptance.ip_address)
        reseller_association_ensure(customer=customer, reseller=partner, provider=request.provider, actor=actor)
        from customers.models import RelationshipStatus, ResellerAssociation

        if not ResellerAssociation.objects.filter(customer=customer, provider_id=request.provider_id,
                                                  reseller=partner, status=RelationshipStatus.ACTIVE).exists():
            # reseller_association_ensure lost a race on the unique index to another reseller.
            raise DomainError("associated with another reseller of this provider", code="associated")
    if not acceptance.include_dap:
        return []
    # Another partner's admin permissions move only when the customer chose so on the page;
    # a conflict that appeared after the click keeps the current admin partner.
    return dap_grant(
        partner=partner, customer=customer, services=list(Service.values),
        reassign=acceptance.dap_choice == DapChoice.REASSIGN, actor=actor, ip=acceptance.ip_address,
    )


def _acceptance_fail(acceptance: Acceptance, request: RelationshipRequest, code: str, params: dict) -> str:
    acceptance.status = AcceptanceStatus.FAILED
    acceptance.result_code = code
    acceptance.result_params = params
    acceptance.processed_at = timezone.now()
    acceptance.save()
    data = {"customer": acceptance.customer.name, "partner": request.partner.name, "reason_code": code,
            "reason_params": params}
    for tenant in (request.partner, acceptance.customer):
        activity_record(tenant=tenant, kind=ActivityKind.ACCEPTANCE_FAILED, actor=acceptance.user,
                        customer=acceptance.customer, data=data, ip=acceptance.ip_address)
    return "failed"


def acceptances_sweep(*, older_than_seconds: int = 30, stale_after_seconds: int = 1800) -> int:
    """Re-queue acceptances whose broker message was lost: never delivered (broker down at the click),
    or last tried long ago. A row inside Celery's retry backoff (minutes) is left alone, so sweeps
    do not use up its deliveries."""
    from invitations.tasks import acceptance_process_task

    now = timezone.now()
    ids = list(
        Acceptance.objects.filter(status=AcceptanceStatus.PROCESSING)
        .filter(
            Q(deliveries=0, created_at__lt=now - timedelta(seconds=older_than_seconds))
            | Q(last_delivery_at__lt=now - timedelta(seconds=stale_after_seconds))
        )
        .values_list("id", flat=True)[:1000]
    )
    for acceptance_id in ids:
        try:
            acceptance_process_task.apply_async(args=(str(acceptance_id),), retry=False)
        except Exception:
            logger.warning("broker unavailable; %d acceptances wait", len(ids))
            break
    return len(ids)


def acceptance_for_customer(*, acceptance_id: object, customer: Tenant | None) -> Acceptance:
    from django.http import Http404

    if customer is None:
        raise Http404
    try:
        return Acceptance.objects.select_related("request__partner", "customer").get(
            id=acceptance_id, customer=customer
        )
    except (Acceptance.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
