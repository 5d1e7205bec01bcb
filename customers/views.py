"""Customers workspace (partner, F1). The customer's Partner relationships page: customers/admin_center/."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import removal_selectors, selectors, services
from customers.forms import RemoveRelationshipForm
from customers.models import RelationshipRole, ResellerRelationship
from partnercenter import errors
from partnercenter.clientip import client_ip
from partnercenter.csvexport import csv_response
from partnercenter.domains import domain_to_unicode
from partnercenter.errors import Code, DomainError, Forbidden
from partnercenter.models import PartnerType, Tenant
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from resellers.selectors import partnered_reseller, reseller_filter_options, reseller_lookup


def _list_params(request: HttpRequest) -> tuple[str, str, Tenant | None, list[Tenant]]:
    search = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    sort = request.GET.get("sort") or selectors.DEFAULT_SORT
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    partner = request.tenant  # type: ignore[attr-defined]
    reseller, candidates = None, []
    if partner.partner_type == PartnerType.INDIRECT_PROVIDER:
        reseller_id = request.GET.get("reseller", "")[:64]
        if reseller_id:
            reseller = partnered_reseller(provider=partner, reseller_id=reseller_id)
        elif request.GET.get("reseller_q"):
            reseller, candidates = reseller_lookup(provider=partner, text=request.GET["reseller_q"])
    return search, sort, reseller, candidates


@tenant_view(Perm.CUSTOMERS_VIEW)
def customer_list(request: HttpRequest) -> HttpResponse:
    search, sort, reseller, candidates = _list_params(request)
    page_args = {"reseller": reseller, "partner": request.tenant, "search": search, "sort": sort,  # type: ignore[attr-defined]
                 "direction": "prev" if request.GET.get("dir") == "prev" else "next",
                 "page_size": settings.CUSTOMERS_PAGE_SIZE, "gdap": True}
    try:
        page = selectors.customers_page(cursor=request.GET.get("cursor", "")[:500], **page_args)
    except selectors.InvalidCursor:
        # An edited or truncated page link: the first page, saying why, never an error page.
        messages.info(request, _("That page link was not valid, so the first page is shown."))
        page = selectors.customers_page(**{**page_args, "direction": "next"})
    partner = request.tenant  # type: ignore[attr-defined]
    is_provider = partner.partner_type == PartnerType.INDIRECT_PROVIDER
    full_page = not request.htmx  # type: ignore[attr-defined]
    context = {"page": page, "gdap_links": request.tenancy.has(Perm.GDAP_VIEW),  # type: ignore[attr-defined]
               "search": search, "sort": sort, "reseller": reseller, "is_provider": is_provider,
               "resellers": reseller_filter_options(provider=partner, chosen=reseller)
               if is_provider and full_page else None,
               "candidates": candidates, "reseller_q": request.GET.get("reseller_q", "")[:100],
               "filter_query": urlencode({k: v for k, v in (("q", search), ("reseller", reseller.id if reseller else ""))
                                          if v})}
    template = "customers/list.html" if full_page else "customers/_table.html"
    return render(request, template, context)


@tenant_view(Perm.CUSTOMERS_EXPORT)
def customer_export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV of the whole list, or of the current search when one is given. Streams at any size."""
    search, _sort, reseller, _candidates = _list_params(request)
    partner = request.tenant  # type: ignore[attr-defined]
    # The words of the Relationship column looked up once, not per row (relationship_label's wording).
    reseller_only, via_provider = _("Reseller"), _("Reseller via indirect provider (%(provider)s)")
    advisor = _("Advisor")
    rows = (
        [customer_id, name, domain_to_unicode(domain),
         advisor if role == RelationshipRole.ADVISOR else via_provider % {"provider": via} if via else reseller_only,
         indirect]
        for customer_id, name, domain, via, indirect, role in selectors.customers_export_rows(
            partner=partner, search=search, reseller=reseller)
    )
    header = [_("Tenant ID"), _("Company name"), _("Primary domain"), _("Relationship"), _("Indirect reseller")]
    return csv_response("customers.csv", header, rows)


@tenant_view(Perm.CUSTOMERS_VIEW)
def customer_row(request: HttpRequest, customer_id: str) -> HttpResponse:
    """The expanded part of a Customers row, fetched when it is opened."""
    from customers.templatetags.customer_rows import customer_row_details
    from subscriptions.selectors import subscriptions_for_rows

    partner = request.tenant  # type: ignore[attr-defined]
    row = selectors.customer_for_partner(partner=partner, customer_id=customer_id)
    subscriptions = subscriptions_for_rows(partner=partner, customer_ids=[row.customer_id])[row.customer_id]
    return HttpResponse(customer_row_details(row, subscriptions, request.tenancy.perms))  # type: ignore[attr-defined]


def account_context(request: HttpRequest, relationship: ResellerRelationship, agreement_form: object = None) -> dict:
    from subscriptions.forms import AgreementForm

    customer = relationship.customer
    agreement = selectors.customer_agreement(partner=request.tenant, customer=customer)  # type: ignore[attr-defined]
    if agreement_form is None:
        agreement_form = AgreementForm(initial={"accepted_on": timezone.localdate()})
    return {
        "relationship": relationship,
        "customer": customer,
        "dap": selectors.dap_services(partner=request.tenant, customer=customer),  # type: ignore[attr-defined]
        "agreement": agreement,
        "agreement_form": agreement_form,
    }


@tenant_view(Perm.CUSTOMERS_VIEW)
def customer_account(request: HttpRequest, customer_id: str) -> HttpResponse:
    relationship = selectors.customer_for_partner(partner=request.tenant, customer_id=customer_id)  # type: ignore[attr-defined]
    return render(request, "customers/account.html", account_context(request, relationship))


@tenant_view(Perm.RELATIONSHIP_REMOVE)
def customer_remove(request: HttpRequest, customer_id: str) -> HttpResponse:
    """Customers → Account → "Remove reseller relationship": the confirmation page and its answer."""
    partner = request.tenant  # type: ignore[attr-defined]
    relationship, customer = removal_selectors.relationship_to_remove(partner=partner, customer_id=customer_id)
    if relationship is None:  # removed already, from another page or by a colleague
        messages.info(request, _("The reseller relationship with %(customer)s was removed already.")
                      % {"customer": customer.name})
        return redirect("customers:list")
    posted = request.method == "POST"
    form = RemoveRelationshipForm(request.POST if posted else None, initial={"relationship": relationship.pk})
    status = 200
    if posted and form.is_valid():
        try:
            services.reseller_relationship_remove(
                partner=partner, customer=customer, actor=request.user,  # type: ignore[arg-type]
                attested=form.cleaned_data["attest"], relationship_id=form.cleaned_data["relationship"],
                ip=client_ip(request),
            )
        except Forbidden:
            raise  # the 403 page, as for a role without the permission (DomainErrorMiddleware)
        except DomainError as exc:
            if exc.code == Code.ALREADY_REMOVED:  # removed meanwhile: the list says so, as a GET would
                messages.info(request, exc.message)
                return redirect("customers:list")
            # Blocked by active subscriptions: the page below lists them as they are now.
            status = errors.show(request, exc, form)
        else:
            messages.success(request, _("The reseller relationship with %(customer)s was removed. The customer is no "
                                        "longer in your Customers list.") % {"customer": customer.name})
            return redirect("customers:list")
    elif posted:
        status = 400
    summary = removal_selectors.removal_summary(partner=partner, customer=customer)
    return render(request, "customers/remove.html",
                  {"customer": customer, "relationship": relationship, "form": form, "summary": summary},
                  status=status)
