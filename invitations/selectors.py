"""Reads of relationship requests: the partner's list, one request, the link a token opens and who may
see it, always scoped (`visible_to`). Another tenant's request or acceptance is NotFound (a 404)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invitations.errors import RequestNotFound
from invitations.models import Acceptance, AcceptanceStatus, RelationshipRequest, RequestStatus
from links.selectors import verified_email_matches
from links.services import link_by_token
from partnercenter.errors import NotFound
from partnercenter.models import Membership, Tenant, TenantKind, User

NAMES_SHOWN = 3  # customers named in the "Accepted by" cell of a reusable link


def _status_filter(status: str) -> Q:
    """The filter as the list shows status: an unmarked past-expiry link is expired, and a reusable
    link that customers accepted counts as accepted (it stays open for others)."""
    now = timezone.now()
    if status == RequestStatus.ACCEPTED:
        return Q(status=RequestStatus.ACCEPTED) | Q(reusable=True, acceptance_count__gt=0)
    if status == RequestStatus.PENDING:
        return Q(status=RequestStatus.PENDING, expires_at__gt=now)
    if status == RequestStatus.EXPIRED:
        return Q(status=RequestStatus.EXPIRED) | Q(status=RequestStatus.PENDING, expires_at__lte=now)
    return Q(status=status)


def requests_page(
    *, partner: Tenant, status: str = "", before: int | None = None, page_size: int = 50
) -> tuple[list[RelationshipRequest], bool]:
    """One page, newest first, and whether there is more. Each reusable row carries `accepted_names`
    (the latest few customers who accepted it), read for the whole page in one query."""
    qs = RelationshipRequest.objects.visible_to(partner).select_related(
        "created_by", "sent_by", "accepted_customer", "provider"
    )
    if status:
        qs = qs.filter(_status_filter(status))
    if before:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    reusable = [r.id for r in rows if r.reusable and r.acceptance_count]
    names: dict[int, list[str]] = {}
    if reusable:
        latest = (
            Acceptance.objects.visible_to(partner).filter(request_id__in=reusable, status=AcceptanceStatus.SUCCEEDED)
            .annotate(rank=Window(RowNumber(), partition_by=F("request_id"), order_by=F("processed_at").desc()))
            .filter(rank__lte=NAMES_SHOWN)
            .order_by("request_id", "rank")
            .values_list("request_id", "customer__name")
        )
        for request_id, name in latest:
            names.setdefault(request_id, []).append(name)
    for row in rows:
        row.accepted_names = names.get(row.id, [])  # type: ignore[attr-defined]
    return rows, more


def accepted_by(*, request: RelationshipRequest) -> QuerySet[Acceptance]:
    """Every customer that accepted this request (one of the partner's, request_for_partner), latest first."""
    return (
        Acceptance.objects.visible_to(request.partner).filter(request=request, status=AcceptanceStatus.SUCCEEDED)
        .select_related("customer", "user")
        .order_by("-processed_at", "-created_at")
    )


def request_for_partner(*, partner: Tenant, request_id: object) -> RelationshipRequest:
    try:
        return RelationshipRequest.objects.visible_to(partner).get(id=int(str(request_id)))
    except (RelationshipRequest.DoesNotExist, ValueError, OverflowError) as exc:
        raise RequestNotFound(_("Not found")) from exc


def request_by_token(raw_token: str) -> RelationshipRequest | None:
    return link_by_token(RelationshipRequest, raw_token, related=("partner", "partner__profile"))


def user_email_matches(*, user: User, request: RelationshipRequest) -> bool:
    """Addressed requests need the same address, verified, compared after NFKC + casefold."""
    if not request.email:
        return True
    return verified_email_matches(user=user, address=request.email)


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
    return bool(request.email) and user_email_matches(user=user, request=request)


def link_visible(*, request: RelationshipRequest | None, user: User | None, customer: Tenant | None) -> bool:
    """What the link's page shows at all, for GET and for the answers (POST) alike: a pending link to
    anyone, a closed one to its rightful customer only; unknown and revoked links to nobody."""
    if request is None or request.status == RequestStatus.REVOKED:
        return False
    if request.effective_status == RequestStatus.PENDING:
        return True
    return is_rightful_customer(user=user, customer=customer, request=request)


def acceptance_for_customer(*, acceptance_id: object, customer: Tenant | None) -> Acceptance:
    try:
        return Acceptance.objects.visible_to(customer).select_related("request__partner", "customer").get(
            id=acceptance_id
        )
    except (Acceptance.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound(_("Not found")) from exc


def acceptance_of(*, request: RelationshipRequest, customer: Tenant | None) -> Acceptance | None:
    """The customer's own answer to this request, if it gave one."""
    return Acceptance.objects.visible_to(customer).filter(request=request).first()


def bulk_for_partner(*, partner: Tenant, bulk_id: object):  # noqa: ANN201
    """The partner's bulk invitation (invitations.models.BulkInvitation); another partner's is NotFound."""
    from django.utils.translation import gettext_lazy as _

    from invitations.models import BulkInvitation
    from partnercenter.errors import NotFound

    bulk = BulkInvitation.objects.visible_to(partner).filter(pk=bulk_id).select_related("job").first()
    if bulk is None:
        raise NotFound(_("This bulk invitation does not exist."))
    return bulk
