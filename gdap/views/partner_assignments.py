"""Access assignments on a relationship's page: "Add security group" (active relationships only), edit
an assignment's roles (ETag), remove it (confirmation). Another tenant's id (relationship, assignment or
security group in the form) is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gdap import selectors, services
from gdap.forms.partner import AssignmentForm, EtagForm
from gdap.models import AccessAssignment, AdminRelationship, AssignmentStatus
from gdap.picker import role_picker
from gdap.views.partner import confirm
from partnercenter import errors
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError, Invalid, Stale
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm

STALE = gettext_lazy("Someone else changed the roles of this security group. The current values are shown.")


def _form_page(request: HttpRequest, rel: AdminRelationship, form: AssignmentForm, *,
               assignment: AccessAssignment | None = None, status: int = 200) -> HttpResponse:
    """The form with the shared role picker, offering the relationship's roles (checked: the form's value)."""
    taken = {a.security_group_id for a in rel.current_assignments}
    groups = [] if assignment else [g for g in selectors.security_groups_of(partner=request.tenant)  # type: ignore[attr-defined]
                                    if g.pk not in taken]
    return render(request, "gdap/partner_assignment.html", {
        "rel": rel, "customer": rel.customer, "form": form, "groups": groups, "assignment": assignment,
        "picker": role_picker(form["roles"], offered=rel.roles.all()),
        "chosen_group": form["security_group"].value() or "",
    }, status=status)


@tenant_view(Perm.GDAP_MANAGE)
def assignment_add(request: HttpRequest, relationship_id: str) -> HttpResponse:
    """"Add security group": a group of the partner and a subset of the relationship's roles."""
    rel = selectors.relationship_get(tenant=request.tenant, relationship_id=relationship_id)  # type: ignore[attr-defined]
    if not rel.is_live:
        messages.info(request, _("Security groups can be given roles only while the admin relationship is active."))
        return redirect("gdap:relationship", relationship_id=rel.pk)
    if request.method != "POST":
        return _form_page(request, rel, AssignmentForm())
    form = AssignmentForm(request.POST)
    form.is_valid()
    group_id = (form.cleaned_data.get("security_group") or "").strip()
    try:
        if not group_id:
            raise Invalid(gettext_lazy("Choose a security group."), field="security_group")
        group = selectors.security_group_get(tenant=request.tenant, group_id=group_id)  # type: ignore[attr-defined]
        services.assignment_create(rel, actor=request.user, security_group=group,  # type: ignore[arg-type]
                                   roles=form.cleaned_data.get("roles") or [], ip=client_ip(request))
    except DomainError as exc:
        if exc.code == errors.Code.NOT_FOUND:
            raise
        status = errors.show(request, exc, form)
        return _form_page(request, rel, form, status=status)
    messages.success(request, _("Security group %(group)s was given roles in %(name)s.")
                     % {"group": group.name, "name": rel.display_name})
    return redirect("gdap:relationship", relationship_id=rel.pk)


def _assignment(request: HttpRequest, assignment_id: Any) -> tuple[AccessAssignment, AdminRelationship]:
    assignment = selectors.assignment_get(tenant=request.tenant, assignment_id=assignment_id)  # type: ignore[attr-defined]
    rel = selectors.relationship_get(tenant=request.tenant, relationship_id=assignment.relationship_id)  # type: ignore[attr-defined]
    return assignment, rel


def _current(assignment: AccessAssignment) -> AssignmentForm:
    """The form as the assignment is now: its roles and its ETag."""
    return AssignmentForm(initial={"etag": assignment.etag, "roles": [str(role.pk) for role in assignment.roles.all()]})


def _gone(request: HttpRequest, rel: AdminRelationship) -> HttpResponse:
    messages.info(request, _("This security group was removed from the admin relationship."))
    return redirect("gdap:relationship", relationship_id=rel.pk)


@tenant_view(Perm.GDAP_MANAGE)
def assignment_edit(request: HttpRequest, assignment_id: str) -> HttpResponse:
    assignment, rel = _assignment(request, assignment_id)
    if assignment.status == AssignmentStatus.DELETED:
        return _gone(request, rel)
    if request.method != "POST":
        return _form_page(request, rel, _current(assignment), assignment=assignment)
    form = AssignmentForm(request.POST)
    form.is_valid()
    try:
        services.assignment_update(assignment, actor=request.user, if_match=form.cleaned_data.get("etag"),  # type: ignore[arg-type]
                                   roles=form.cleaned_data.get("roles") or [], ip=client_ip(request))
    except Stale:
        assignment.refresh_from_db()
        messages.error(request, str(STALE))
        return _form_page(request, rel, _current(assignment), assignment=assignment, status=409)
    except DomainError as exc:
        status = errors.show(request, exc, form)
        return _form_page(request, rel, form, assignment=assignment, status=status)
    messages.success(request, _("The roles of security group %(group)s were saved.")
                     % {"group": assignment.security_group.name})
    return redirect("gdap:relationship", relationship_id=rel.pk)


@tenant_view(Perm.GDAP_MANAGE)
def assignment_remove(request: HttpRequest, assignment_id: str) -> HttpResponse:
    assignment, rel = _assignment(request, assignment_id)
    if assignment.status == AssignmentStatus.DELETED:
        return _gone(request, rel)
    if request.method != "POST":
        return confirm(request, rel=rel, title=_("Remove this security group?"), button=_("Remove"), danger=True,
                       text=_("The members of %(group)s lose the roles of %(name)s for %(customer)s at once.")
                       % {"group": assignment.security_group.name, "name": rel.display_name,
                          "customer": rel.customer.name if rel.customer_id else "—"},
                       etag_form=EtagForm(initial={"etag": assignment.etag}))
    try:
        services.assignment_delete(assignment, actor=request.user, if_match=request.POST.get("etag", "")[:200],  # type: ignore[arg-type]
                                   ip=client_ip(request))
    except Stale:
        messages.error(request, str(STALE))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Security group %(group)s was removed from %(name)s.")
                         % {"group": assignment.security_group.name, "name": rel.display_name})
    return redirect("gdap:relationship", relationship_id=rel.pk)
