"""Reads of partner-user invitations (members.MemberInvitation)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from links import services as lifecycle
from links.models import LinkStatus
from members.models import MemberInvitation
from partnercenter.models import Tenant


def invitations_open(*, tenant: Tenant, limit: int = 100) -> QuerySet[MemberInvitation]:
    """The tenant's invitations nobody has accepted yet (pending and expired), newest first."""
    return (MemberInvitation.objects.visible_to(tenant)
            .filter(status__in=[LinkStatus.PENDING, LinkStatus.EXPIRED])
            .select_related("created_by").order_by("-id")[:limit])


def invitation_for_tenant(*, tenant: Tenant, invitation_id: int) -> MemberInvitation:
    """The tenant's own invitation; another tenant's id is a 404."""
    invitation = (MemberInvitation.objects.visible_to(tenant).select_related("tenant")
                  .filter(pk=invitation_id).first())
    if invitation is None:
        raise Http404
    return invitation


def invitation_by_token(raw_token: str) -> MemberInvitation | None:
    return lifecycle.link_by_token(MemberInvitation, raw_token, related=("tenant",))
