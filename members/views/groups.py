"""A user's security groups from their page (Users → a user): "Add to security group" and "Remove"
(with a confirmation), for those who manage security groups (Perm.SECURITY_GROUPS_MANAGE). The change is
gdap.services.member_add / member_remove — the same rules, activity entries and errors as the
security group's own page. Another partner's user or group is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gdap import selectors as gdap_selectors
from gdap.services import member_add, member_remove
from members.forms import SecurityGroupAddForm
from members.selectors import security_groups_to_join
from members.views.users import member_or_404, user_page
from partnercenter.errors import DomainError, NotFound, show
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm


def group_add_form(request: HttpRequest, user: Any, data: Any = None) -> SecurityGroupAddForm:
    return SecurityGroupAddForm(data, choosable=security_groups_to_join(tenant=request.tenant, user=user))  # type: ignore[attr-defined]


@tenant_view(Perm.SECURITY_GROUPS_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def user_group_add(request: HttpRequest, user_id: int) -> HttpResponse:
    row = member_or_404(request, user_id)
    if request.method != "POST":
        return redirect("members:detail", user_id=row.user.pk)  # type: ignore[union-attr]
    raw = (request.POST.get("group") or "").strip()
    if raw:  # another partner's group (or no group at all) is a 404, whatever the form would say
        gdap_selectors.security_group_get(tenant=request.tenant, group_id=raw)  # type: ignore[attr-defined]
    form = group_add_form(request, row.user, request.POST)
    if not form.is_valid():
        return user_page(request, row, group_form=form, status=400)
    group = form.cleaned_data["group"]
    try:
        member_add(group, actor=request.user, user=row.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return user_page(request, row, group_form=form, status=show(request, exc, form))
    messages.success(request, _("%(email)s was added to %(group)s.") % {"email": row.email, "group": group.name})
    return redirect("members:detail", user_id=row.user.pk)  # type: ignore[union-attr]


@tenant_view(Perm.SECURITY_GROUPS_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def user_group_remove(request: HttpRequest, user_id: int, group_id: Any) -> HttpResponse:
    row = member_or_404(request, user_id)
    group = gdap_selectors.security_group_get(tenant=request.tenant, group_id=group_id)  # type: ignore[attr-defined]
    if all(membership.user_id != row.user.pk for membership in group.memberships.all()):  # type: ignore[union-attr]
        raise NotFound(gettext_lazy("Not found"))
    if request.method == "POST":
        try:
            member_remove(group, actor=request.user, user=row.user)  # type: ignore[arg-type]
        except DomainError as exc:
            show(request, exc)
        else:
            messages.success(request, _("%(email)s was removed from %(group)s.") % {"email": row.email,
                                                                                    "group": group.name})
        return redirect("members:detail", user_id=row.user.pk)  # type: ignore[union-attr]
    return render(request, "members/users_group_remove.html", {
        "member": row, "group": group,
        "assignment_count": gdap_selectors.group_assignments(group=group).count(),
    })
