"""Customer side of relationship requests (F4): accept (queued for processing) and decline."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Case, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invitations.errors import RequestAlreadyAnswered, RequestExpired, RequestNotFound
from invitations.events import RequestEvents
from invitations.models import Acceptance, AcceptanceStatus, DapChoice, RelationshipRequest, RequestStatus
from invitations.selectors import link_visible
from invitations.services.checks import acceptance_actor_check, acceptance_blockers, dap_conflicts
from invitations.services.processing import acceptance_queue_on_commit, notify_partner
from links.services import link_answer, link_by_token
from links.tokens import token_digest
from partnercenter.errors import Code, Invalid
from partnercenter.events import event_record
from partnercenter.models import Tenant, User

# An acceptance that holds a single-use link (queued or applied).
LIVE = (AcceptanceStatus.PROCESSING, AcceptanceStatus.SUCCEEDED)


def _lock_request(raw_token: str) -> RelationshipRequest:
    request = link_by_token(RelationshipRequest, raw_token, lock=True, related=("partner",))
    if request is None or request.status == RequestStatus.REVOKED:
        raise RequestNotFound(_("Not found"))
    return request


def _answers(request: RelationshipRequest, customer: Tenant) -> list[Acceptance]:
    """This customer's answer to the link, and for a single-use link whether another live one holds it: the
    customer's row first (there is at most one, the unique index), then any other live one. One statement,
    compiled once per kind of link (partnercenter.sqlcache): every click asks."""
    from partnercenter.sqlcache import shaped_objects

    def build(v: dict):  # noqa: ANN202
        answers = Acceptance.objects.filter(request_id=v["request"])
        if request.reusable:
            return answers.filter(customer_id=v["customer"])
        return (answers.filter(Q(customer_id=v["customer"]) | Q(status__in=LIVE))
                .order_by(Case(When(customer_id=v["customer"], then=0), default=1))[:2])

    return shaped_objects(("answers to a link", request.reusable), build, {"request": request.pk, "customer": customer.pk})


def invitation_accept(
    *, raw_token: str, user: User, customer: Tenant, dap_choice: str = "", ip: str | None = None,
    as_page: bool = False,
) -> Acceptance:
    """Record the customer's "Accept" and queue its processing. Idempotent per customer and link. With
    `as_page` (the link's page), a link closed to this caller answers RequestNotFound, as its page does."""
    try:
        with transaction.atomic():
            request = _lock_request(raw_token)
            if as_page and not link_visible(request=request, user=user, customer=customer):
                # Closed to this caller since its page was read (another customer's acceptance processed,
                # the link expired): not found, as the page now says — decided on the locked row, so a
                # loser whose lock came while the winner was still being processed hears "already
                # accepted", and one whose lock came after, "not found"; never a later read's guess.
                raise RequestNotFound(_("Not found"))
            acceptance_actor_check(user=user, customer=customer, request=request)
            rows = _answers(request, customer)
            previous = next((row for row in rows if row.customer_id == customer.id), None)
            taken = any(row.customer_id != customer.id and row.status in LIVE for row in rows)
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
                raise RequestAlreadyAnswered(_("This request has already been accepted."), code=Code.ALREADY_ACCEPTED
                                             if request.status == RequestStatus.ACCEPTED else Code.ALREADY_ANSWERED)
            if request.status == RequestStatus.EXPIRED or request.is_expired():
                raise RequestExpired(_("This request has expired. Ask your partner for a new link."))
            if taken:
                raise RequestAlreadyAnswered(_("This request has already been accepted."), code=Code.ALREADY_ACCEPTED)
            blockers = acceptance_blockers(request=request, customer=customer)
            if blockers:
                raise blockers[0].error()
            choice = dap_choice if dap_choice in DapChoice.values else ""
            if dap_conflicts(request=request, customer=customer) and not choice:
                raise Invalid(
                    _("Choose whether to keep your current admin partner or reassign admin permissions."),
                    field="dap_choice",
                )
            # What the customer saw is what gets applied, whatever happens to the request meanwhile.
            acceptance = Acceptance.objects.create(
                request=request, customer=customer, user=user, dap_choice=choice, include_dap=request.include_dap,
                ip_address=ip,
            )
            acceptance_queue_on_commit(acceptance.id)
            return acceptance
    except IntegrityError:
        # The unique (request, customer) index lost a race to a concurrent click: same answer as above.
        existing = Acceptance.objects.filter(request__token_digest=token_digest(raw_token), customer=customer).first()
        raise RequestAlreadyAnswered(
            _("This request has already been answered for your organisation."),
            acceptance_id=existing.id if existing else None,
        ) from None


def invitation_decline(*, raw_token: str, user: User, customer: Tenant, ip: str | None = None,
                       as_page: bool = False) -> None:
    with transaction.atomic():
        request = _lock_request(raw_token)
        if as_page and not link_visible(request=request, user=user, customer=customer):
            raise RequestNotFound(_("Not found"))  # as invitation_accept: closed to this caller since its page
        acceptance_actor_check(user=user, customer=customer, request=request)
        answers = request.acceptances.exclude(status=AcceptanceStatus.FAILED)
        if request.status in (RequestStatus.ACCEPTED, RequestStatus.DECLINED) or answers.filter(
            customer=customer
        ).exists():
            raise RequestAlreadyAnswered(_("This request has already been answered for your organisation."))
        if not request.reusable and answers.filter(
            status__in=[AcceptanceStatus.PROCESSING, AcceptanceStatus.SUCCEEDED]
        ).exists():
            raise RequestAlreadyAnswered(_("This request has already been accepted."), code=Code.ALREADY_ACCEPTED)
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
            link_answer(request, status=RequestStatus.DECLINED, actor=user)
        data = {"customer": customer.name, "partner": request.partner.name,
                "customer_id": str(customer.id), "partner_id": str(request.partner.id)}
        event_record(tenant=request.partner, kind=RequestEvents.REQUEST_DECLINED, actor=user, customer=customer,
                     data=data, ip=ip)
        event_record(tenant=customer, kind=RequestEvents.REQUEST_DECLINED, actor=user, customer=customer, data=data,
                     ip=ip)
        notify_partner(request=request, customer=customer, template="request_declined")
