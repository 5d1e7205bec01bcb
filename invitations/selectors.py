"""Reads of relationship requests for the partner's Relationship requests list, always scoped."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from invitations.models import Acceptance, AcceptanceStatus, RelationshipRequest, RequestStatus
from partnercenter.models import Tenant

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
    qs = RelationshipRequest.objects.filter(partner=partner).select_related(
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
            Acceptance.objects.filter(request_id__in=reusable, status=AcceptanceStatus.SUCCEEDED)
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
    """Every customer that accepted this request, latest first."""
    return (
        Acceptance.objects.filter(request=request, status=AcceptanceStatus.SUCCEEDED)
        .select_related("customer", "user")
        .order_by("-processed_at", "-created_at")
    )
