"""Partner settings: "Security groups" (the groups access assignments give roles to, and their members) and
"Role templates" (named sets of roles, duration, auto-extend and group → roles lines).

Who: Global admins manage both (Perm.SECURITY_GROUPS_MANAGE, Perm.ROLE_TEMPLATES_MANAGE). Whoever may see
admin relationships (Perm.GDAP_VIEW: Global admin, Admin agent, Helpdesk agent) may read the lists and
the group and template pages: Admin agents pick groups and templates when they request relationships and
assign groups, and everyone in a group may see who else is in it and what it gives."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gdap import selectors, services
from gdap.forms.settings import AssignmentFormSet, MemberAddForm, RoleTemplateForm, SecurityGroupForm
from gdap.models import RoleTemplateAssignment, SecurityGroup
from gdap.picker import role_picker
from partnercenter.errors import DomainError, NotFound, show
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm

GROUPS_VIEW = {"get": Perm.GDAP_VIEW, "post": Perm.SECURITY_GROUPS_MANAGE}
TEMPLATES_VIEW = {"get": Perm.GDAP_VIEW, "post": Perm.ROLE_TEMPLATES_MANAGE}


def _group(request: HttpRequest, group_id: Any) -> SecurityGroup:
    return selectors.security_group_get(tenant=request.tenant, group_id=group_id)  # type: ignore[attr-defined]


# --- Security groups -----------------------------------------------------------------------------


def _list(request: HttpRequest, template_name: str, page_of: Any, manage: str) -> HttpResponse:
    """A settings list: searched (?q=), 50 a page (?page=)."""
    search = (request.GET.get("q") or "").strip()[:100]
    page = page_of(partner=request.tenant, search=search, number=request.GET.get("page") or 1)  # type: ignore[attr-defined]
    return render(request, template_name, {
        "page": page, "search": search, "may_manage": request.tenancy.has(manage),  # type: ignore[attr-defined]
    })


@tenant_view(**GROUPS_VIEW)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "gdap/settings_groups.html", selectors.security_groups_page, Perm.SECURITY_GROUPS_MANAGE)


def _group_form_page(request: HttpRequest, form: SecurityGroupForm, group: SecurityGroup | None,
                     status: int = 200) -> HttpResponse:
    return render(request, "gdap/settings_group_form.html", {"form": form, "group": group}, status=status)


@tenant_view(Perm.SECURITY_GROUPS_MANAGE)
def group_new(request: HttpRequest) -> HttpResponse:
    form = SecurityGroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                group = services.group_create(partner=request.tenant, actor=request.user,  # type: ignore[attr-defined]
                                              **form.cleaned_data)
            except DomainError as exc:
                return _group_form_page(request, form, None, show(request, exc, form))
            messages.success(request, _("Security group “%(name)s” created. Add its members.") % {"name": group.name})
            return redirect("gdap:group_detail", group_id=group.pk)
        return _group_form_page(request, form, None, 400)
    return _group_form_page(request, form, None)


@tenant_view(Perm.SECURITY_GROUPS_MANAGE)
def group_edit(request: HttpRequest, group_id: Any) -> HttpResponse:
    group = _group(request, group_id)
    if request.method != "POST":
        form = SecurityGroupForm(initial={"name": group.name, "description": group.description})
        return _group_form_page(request, form, group)
    form = SecurityGroupForm(request.POST)
    if not form.is_valid():
        return _group_form_page(request, form, group, 400)
    try:
        services.group_update(group, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
    except DomainError as exc:
        return _group_form_page(request, form, _group(request, group_id), show(request, exc, form))
    messages.success(request, _("Security group “%(name)s” saved.") % {"name": group.name})
    return redirect("gdap:group_detail", group_id=group.pk)


def _group_page(request: HttpRequest, group: SecurityGroup, form: MemberAddForm | None = None,
                status: int = 200) -> HttpResponse:
    may_manage = request.tenancy.has(Perm.SECURITY_GROUPS_MANAGE)  # type: ignore[attr-defined]
    memberships = sorted(group.memberships.all(), key=lambda m: m.user.email)
    if may_manage and form is None:
        form = _member_form(request, group)
    return render(request, "gdap/settings_group.html", {
        "group": group, "memberships": memberships, "form": form, "may_manage": may_manage,
        "assignments": list(selectors.group_assignments(group=group)),
    }, status=status)


def _member_form(request: HttpRequest, group: SecurityGroup, data: Any = None) -> MemberAddForm:
    users = selectors.partner_users(partner=request.tenant)  # type: ignore[attr-defined]
    return MemberAddForm(data, users=users, choosable=users.exclude(security_group_memberships__group=group))


@tenant_view(**GROUPS_VIEW)
def group_detail(request: HttpRequest, group_id: Any) -> HttpResponse:
    group = _group(request, group_id)  # another partner's id: 404 whatever the method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _group_page(request, group)


@tenant_view(Perm.SECURITY_GROUPS_MANAGE)
def group_member_add(request: HttpRequest, group_id: Any) -> HttpResponse:
    group = _group(request, group_id)
    if request.method != "POST":
        return redirect("gdap:group_detail", group_id=group.pk)
    form = _member_form(request, group, request.POST)
    if not form.is_valid():
        return _group_page(request, group, form, 400)
    user = form.cleaned_data["user"]
    try:
        services.member_add(group, actor=request.user, user=user)  # type: ignore[arg-type]
    except DomainError as exc:
        return _group_page(request, group, form, show(request, exc, form))
    messages.success(request, _("%(email)s was added to %(group)s.") % {"email": user.email, "group": group.name})
    return redirect("gdap:group_detail", group_id=group.pk)


@tenant_view(Perm.SECURITY_GROUPS_MANAGE)
def group_member_remove(request: HttpRequest, group_id: Any, user_id: int) -> HttpResponse:
    group = _group(request, group_id)
    membership = next((m for m in group.memberships.all() if m.user_id == user_id), None)
    if membership is None:
        raise NotFound(gettext_lazy("Not found"))
    if request.method == "POST":
        services.member_remove(group, actor=request.user, user=membership.user)  # type: ignore[arg-type]
        messages.success(request, _("%(email)s was removed from %(group)s.") % {"email": membership.user.email,
                                                                                "group": group.name})
        return redirect("gdap:group_detail", group_id=group.pk)
    return render(request, "gdap/settings_member_remove.html", {
        "group": group, "member": membership.user, "assignment_count": selectors.group_assignments(group=group).count(),
    })


@tenant_view(Perm.SECURITY_GROUPS_MANAGE)
def group_delete(request: HttpRequest, group_id: Any) -> HttpResponse:
    """Refused while the group holds roles in admin relationships (the page lists them): deleting it would
    silently take access away from its members; remove those assignments on the relationships first."""
    group = _group(request, group_id)
    status = 200
    if request.method == "POST":
        try:
            services.group_delete(group, actor=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            status = show(request, exc)
        else:
            messages.success(request, _("Security group “%(name)s” deleted.") % {"name": group.name})
            return redirect("gdap:group_list")
    templates = (RoleTemplateAssignment.objects.filter(security_group=group).select_related("template")
                 .order_by("template__name"))
    return render(request, "gdap/settings_group_delete.html", {
        "group": group, "assignments": list(selectors.group_assignments(group=group)),
        "templates": [line.template for line in templates],
    }, status=status)


# --- Role templates ------------------------------------------------------------------------------


def _template(request: HttpRequest, template_id: Any) -> Any:
    return selectors.role_template_get(tenant=request.tenant, template_id=template_id)  # type: ignore[attr-defined]


@tenant_view(**TEMPLATES_VIEW)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "gdap/settings_templates.html", selectors.role_templates_page, Perm.ROLE_TEMPLATES_MANAGE)


@tenant_view(**TEMPLATES_VIEW)
def template_detail(request: HttpRequest, template_id: Any) -> HttpResponse:
    template = _template(request, template_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return render(request, "gdap/settings_template.html", {
        "template": template,
        "may_manage": request.tenancy.has(Perm.ROLE_TEMPLATES_MANAGE),  # type: ignore[attr-defined]
    })


def _template_forms(request: HttpRequest, template: Any) -> tuple[RoleTemplateForm, Any]:
    groups = SecurityGroup.objects.visible_to(request.tenant).order_by("name")  # type: ignore[attr-defined]
    kwargs = {"form_kwargs": {"groups": groups}, "prefix": "lines"}
    if request.method == "POST":
        data = request.POST.copy()
        if "add_line" in data:  # "Add security group": one more empty line, nothing saved
            key = "lines-TOTAL_FORMS"
            data[key] = str(min(int(data.get(key) or 0), 99) + 1)
        return RoleTemplateForm(data), AssignmentFormSet(data, **kwargs)
    if template is None:
        return RoleTemplateForm(), AssignmentFormSet(**kwargs)
    initial = [{"security_group": line.security_group, "roles": [str(r.pk) for r in line.roles.all()]}
               for line in template.assignments.all()]
    return RoleTemplateForm(initial=RoleTemplateForm.initial_for(template)), AssignmentFormSet(initial=initial, **kwargs)


def _template_form_page(request: HttpRequest, form: RoleTemplateForm, formset: Any, template: Any,
                        status: int = 200) -> HttpResponse:
    lines = [(line, role_picker(line["roles"])) for line in formset.forms]
    return render(request, "gdap/settings_template_form.html", {
        "form": form, "formset": formset, "lines": lines, "template": template,
        "picker": role_picker(form["roles"]), "has_groups": formset.form_kwargs["groups"].exists(),
    }, status=status)


def _template_save(request: HttpRequest, template: Any) -> HttpResponse:
    form, formset = _template_forms(request, template)
    if request.method != "POST" or "add_line" in request.POST:
        return _template_form_page(request, form, formset, template)
    form_ok = form.is_valid()
    lines = formset.lines(form.role_rows)
    if not form_ok or lines is None:
        return _template_form_page(request, form, formset, template, 400)
    data = form.cleaned_data
    try:
        saved = services.template_save(
            partner=request.tenant, actor=request.user, template=template,  # type: ignore[attr-defined]
            name=data["name"], description=data["description"], roles=form.role_rows,
            duration=data["duration_value"], auto_extend=data["auto_extend_value"], assignments=lines)
    except DomainError as exc:
        if exc.field == "duration" and data.get("duration") == "custom":
            exc.field = "duration_days"
        return _template_form_page(request, form, formset, template, show(request, exc, form))
    messages.success(request, _("Role template “%(name)s” saved.") % {"name": saved.name})
    return redirect("gdap:template_detail", template_id=saved.pk)


@tenant_view(Perm.ROLE_TEMPLATES_MANAGE)
def template_new(request: HttpRequest) -> HttpResponse:
    return _template_save(request, None)


@tenant_view(Perm.ROLE_TEMPLATES_MANAGE)
def template_edit(request: HttpRequest, template_id: Any) -> HttpResponse:
    return _template_save(request, _template(request, template_id))


@tenant_view(Perm.ROLE_TEMPLATES_MANAGE)
def template_delete(request: HttpRequest, template_id: Any) -> HttpResponse:
    template = _template(request, template_id)
    if request.method == "POST":
        services.template_delete(template, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Role template “%(name)s” deleted.") % {"name": template.name})
        return redirect("gdap:template_list")
    return render(request, "gdap/settings_template_delete.html", {
        "template": template, "relationship_count": template.relationships.count(),
    })
