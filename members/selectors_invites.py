"""Reads of partner-user invitations (members.MemberInvitation)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from links import services as lifecycle
from links.models import LinkStatus
from members.models import MemberInvitation
from partnercenter.models import Tenant

INVITATIONS_PAGE_SIZE = 50


def invitations_open_page(*, tenant: Tenant, number: object = 1, per_page: int = 0) -> Page:
    """A page of the tenant's invitations nobody has accepted yet (pending and expired), newest first."""
    qs = (MemberInvitation.objects.visible_to(tenant)
          .filter(status__in=[LinkStatus.PENDING, LinkStatus.EXPIRED])
          .select_related("created_by").order_by("-id"))
    return Paginator(qs, per_page or INVITATIONS_PAGE_SIZE).get_page(number)


def invited_rows(*, tenant: Tenant, search: str = "") -> list:
    """The Users list's "Invited" rows: pending, unexpired invitations (matching `search` by name or
    email), newest first; shown in front of the first page of accounts."""
    from members.selectors import STATUS_INVITED, MemberRow, order_roles

    qs = MemberInvitation.objects.visible_to(tenant).filter(status=LinkStatus.PENDING, expires_at__gt=timezone.now())
    search = search.strip()
    if search:
        qs = qs.filter(Q(email__icontains=search) | Q(name__icontains=search))
    return [MemberRow(user=None, email=invitation.email, name=invitation.name, roles=order_roles(invitation.roles),
                      status=STATUS_INVITED) for invitation in qs.order_by("-id")]


def invitation_for_tenant(*, tenant: Tenant, invitation_id: int) -> MemberInvitation:
    """The tenant's own invitation; another tenant's id is a 404."""
    invitation = (MemberInvitation.objects.visible_to(tenant).select_related("tenant")
                  .filter(pk=invitation_id).first())
    if invitation is None:
        raise Http404
    return invitation


def invitation_by_token(raw_token: str) -> MemberInvitation | None:
    return lifecycle.link_by_token(MemberInvitation, raw_token, related=("tenant",))
