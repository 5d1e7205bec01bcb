"""The Users pages (F11): the list, a user's page with their roles, deactivate / reactivate."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import rules
from members.forms import MemberRolesForm
from members.selectors import PAGE_SIZE, STATUS_ACTIVE, MemberRow, member_of_tenant, member_rows, members_of_tenant
from members.selectors_invites import invited_rows
from members.services.roles import member_deactivate, member_reactivate, member_roles_set
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError, NotFound, show
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm


def member_or_404(request: HttpRequest, user_id: int) -> MemberRow:
    try:
        return member_of_tenant(tenant=request.tenant, user_id=user_id)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404 from exc


@tenant_view(Perm.USERS_VIEW)
def user_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(members_of_tenant(tenant=request.tenant, search=search), PAGE_SIZE).get_page(  # type: ignore[attr-defined]
        request.GET.get("page"))
    rows = member_rows(tenant=request.tenant, users=list(page.object_list))  # type: ignore[attr-defined]
    if page.number == 1:
        rows = invited_rows(tenant=request.tenant, search=search) + rows  # type: ignore[attr-defined]
    return render(request, "members/users_list.html", {"page": page, "rows": rows, "search": search})


def _detail(request: HttpRequest, row: MemberRow, form: MemberRolesForm, status: int = 200,
            group_form: object = None) -> HttpResponse:
    tenancy = request.tenancy  # type: ignore[attr-defined]
    grantable = set(rules.grantable_roles(tenancy.roles))
    may_manage = tenancy.has(Perm.USERS_MANAGE)
    may_manage_groups = tenancy.has(Perm.SECURITY_GROUPS_MANAGE)
    active = row.status == STATUS_ACTIVE
    if may_manage_groups and active and group_form is None:
        from members.views.groups import group_add_form

        group_form = group_add_form(request, row.user)
    return render(request, "members/users_detail.html", {
        "row": row, "form": form, "may_manage": may_manage, "grantable": grantable,
        "is_self": row.user.pk == request.user.pk, "active": active,  # type: ignore[union-attr]
        "may_manage_groups": may_manage_groups, "group_form": group_form,
    }, status=status)


def user_page(request: HttpRequest, row: MemberRow, *, group_form: object = None, status: int = 200) -> HttpResponse:
    """The user's page with its roles as saved (the security groups' views render it with their form)."""
    return _detail(request, row, MemberRolesForm(initial={"roles": row.roles}), status, group_form)


@tenant_view(get=Perm.USERS_VIEW, post=Perm.USERS_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    row = member_or_404(request, user_id)
    if request.method != "POST":
        return _detail(request, row, MemberRolesForm(initial={"roles": row.roles}))
    form = MemberRolesForm(request.POST)
    if not form.is_valid():
        return _detail(request, row, form, 400)
    try:
        changed = member_roles_set(
            tenant=request.tenant, actor=request.user, actor_roles=request.tenancy.roles,  # type: ignore[attr-defined,arg-type]
            user_id=row.user.pk, roles=form.cleaned_data["roles"], ip=client_ip(request),  # type: ignore[union-attr]
        )
    except DomainError as exc:
        status = show(request, exc, form)
        return _detail(request, row, form, status)
    if changed:
        messages.success(request, _("The roles of %(email)s were saved.") % {"email": row.email})
    return redirect("members:detail", user_id=row.user.pk)  # type: ignore[union-attr]


def _status_change(request: HttpRequest, user_id: int, *, deactivate: bool) -> HttpResponse:
    row = member_or_404(request, user_id)
    from api.selectors import app_names_registered_by

    apps = app_names_registered_by(partner=request.tenant, user=row.user) if deactivate else []  # type: ignore[attr-defined,arg-type]
    template, context = "members/users_status_change.html", {"row": row, "deactivate": deactivate, "apps": apps}
    if request.method == "POST":
        service = member_deactivate if deactivate else member_reactivate
        try:
            service(tenant=request.tenant, actor=request.user, actor_roles=request.tenancy.roles,  # type: ignore[attr-defined,arg-type]
                    user_id=row.user.pk, ip=client_ip(request))  # type: ignore[union-attr]
        except DomainError as exc:
            status = show(request, exc)
            return render(request, template, context, status=status)
        messages.success(request, (_("%(email)s was deactivated.") if deactivate
                                   else _("%(email)s was reactivated.")) % {"email": row.email})
        return redirect("members:detail", user_id=row.user.pk)  # type: ignore[union-attr]
    return render(request, template, context)


@tenant_view(get=Perm.USERS_MANAGE, post=Perm.USERS_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def user_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    return _status_change(request, user_id, deactivate=True)


@tenant_view(get=Perm.USERS_MANAGE, post=Perm.USERS_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def user_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    return _status_change(request, user_id, deactivate=False)
