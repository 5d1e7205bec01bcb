"""Bulk GDAP pages: "Request admin relationships" for customers chosen in the Customers list, and the
partner-wide "Admin relationships" list with "Terminate" and "Remove Global Administrator" for the chosen
ones. Each confirms, starts one background job (jobs/) and goes to its progress page.

The selection arrives in the query string: the ticked ids of one page (`customer=` / `relationship=`,
at most MAX_IDS), or `all=1` with the list's own search and filter, which the server runs again to build
the items (up to the engine's 200,000) — never thousands of ids from the browser. An id that is not the
partner's is a 404, like a missing one."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers.views import _list_params as customer_list_params
from gdap import bulk_selectors
from gdap.forms.bulk import BulkRelationshipForm, BulkRequestForm
from gdap.jobs import BULK_REMOVE_GLOBAL_ADMIN, BULK_REQUEST, BULK_TERMINATE
from gdap.models import RelationshipStatus
from gdap.selectors import role_templates_of
from jobs.services import job_create
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError, show
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm

MAX_IDS = 500  # ticked on pages; more is "all matching"
ACTIONS = {"terminate": BULK_TERMINATE, "remove_global_admin": BULK_REMOVE_GLOBAL_ADMIN}


def _ids(request: HttpRequest, name: str) -> list[uuid.UUID]:
    values = request.GET.getlist(name)
    if len(values) > MAX_IDS:
        raise Http404
    try:
        return sorted({uuid.UUID(value) for value in values})
    except ValueError:
        raise Http404 from None


def _selection_query(request: HttpRequest, keys: tuple[str, ...]) -> str:
    """The selection part of the query string, for the page's own links and form action."""
    return urlencode([(k, v) for k in keys for v in request.GET.getlist(k)])


# --- Request admin relationships (from the Customers list) ------------------------------------------


@tenant_view(Perm.GDAP_MANAGE)
def bulk_request(request: HttpRequest) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    search, _sort, reseller, _candidates = customer_list_params(request)
    every = request.GET.get("all") == "1"
    ids = None if every else _ids(request, "customer")
    if ids is not None and not ids:
        messages.info(request, _("Select the customers first (or all customers matching the search)."))
        return redirect("customers:list")
    count = bulk_selectors.customer_count(partner=partner, ids=ids, search=search, reseller=reseller)
    if ids is not None and count != len(ids):
        raise Http404  # one of the ids is not an active customer of this partner
    form = BulkRequestForm(request.POST if request.method == "POST" else None, partner=partner)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            template = form.cleaned_data["template"]
            try:
                job = job_create(
                    tenant=partner, actor=request.user, kind=BULK_REQUEST,  # type: ignore[arg-type]
                    params={"template": str(template.pk), "template_name": template.name},
                    items=bulk_selectors.customer_items(partner=partner, ids=ids, search=search, reseller=reseller),
                    ip=client_ip(request),
                )
            except DomainError as exc:
                status = show(request, exc, form)
            else:
                messages.success(request, _("Requesting admin relationships for %(count)s customers in the "
                                            "background.") % {"count": job.total})
                return redirect("jobs:detail", job_id=job.id)
        elif any(error.code == "invalid_choice" for error in form.errors.as_data().get("template", [])):
            raise Http404  # another partner's template, or one deleted meanwhile: as missing
        else:
            status = 400
    context = {"form": form, "count": count, "every": every, "search": search, "reseller": reseller,
               "templates": list(role_templates_of(partner=partner)),
               "selection": _selection_query(request, ("customer", "all", "q", "reseller"))}
    return render(request, "gdap/bulk_request.html", context, status=status)


# --- Admin relationships (partner-wide) and its bulk actions -----------------------------------------


def _list_filters(request: HttpRequest) -> tuple[str, str]:
    status = request.GET.get("status", "")
    return (status if status in RelationshipStatus.values else ""), (request.GET.get("q") or "").strip()[:100]


@tenant_view(Perm.GDAP_VIEW)
def relationship_list(request: HttpRequest) -> HttpResponse:
    status, search = _list_filters(request)
    page = bulk_selectors.relationships_page(partner=request.tenant, status=status, search=search,  # type: ignore[attr-defined]
                                             cursor=request.GET.get("cursor", ""))
    return render(request, "gdap/bulk_relationships.html", {
        "page": page, "status": status, "search": search, "statuses": RelationshipStatus.choices,
        "filter_query": urlencode([(k, v) for k, v in (("status", status), ("q", search)) if v]),
        "first_page": not request.GET.get("cursor"),
    })


@tenant_view(Perm.GDAP_MANAGE)
def relationships_bulk(request: HttpRequest) -> HttpResponse:
    """GET: the confirmation for `action` on the selection; POST: start the job."""
    partner = request.tenant  # type: ignore[attr-defined]
    action = request.GET.get("action", "")
    kind = ACTIONS.get(action)
    if kind is None:
        raise Http404
    status, search = _list_filters(request)
    every = request.GET.get("all") == "1"
    ids = None if every else _ids(request, "relationship")
    if ids is not None and not ids:
        messages.info(request, _("Select the admin relationships first (or all matching the filter)."))
        return redirect("gdap:relationships")
    count = bulk_selectors.relationship_count(partner=partner, ids=ids, status=status, search=search)
    if ids is not None and count != len(ids):
        raise Http404
    form = BulkRelationshipForm(request.POST if request.method == "POST" else None)
    code = 200
    if request.method == "POST" and form.is_valid():
        params = {"auto_extend": form.cleaned_data["auto_extend"]} if kind is BULK_REMOVE_GLOBAL_ADMIN else {}
        try:
            job = job_create(tenant=partner, actor=request.user, kind=kind, params=params,  # type: ignore[arg-type]
                             items=bulk_selectors.relationship_items(partner=partner, ids=ids, status=status,
                                                                     search=search),
                             ip=client_ip(request))
        except DomainError as exc:
            code = show(request, exc, form)
        else:
            messages.success(request, _("%(action)s: %(count)s admin relationships in the background.")
                             % {"action": kind.label, "count": job.total})
            return redirect("jobs:detail", job_id=job.id)
    return render(request, "gdap/bulk_confirm.html", {
        "form": form, "action": action, "kind": kind, "count": count, "every": every, "status": status,
        "search": search, "selection": _selection_query(request, ("action", "relationship", "all", "status", "q")),
    }, status=code)
