"""The bulk GDAP job kinds (issue 10, "Bulk"): one background job per selection, chunked, resumable and
idempotent per key (jobs/). Their handlers are gdap.services.bulk; the pages that start them are
gdap.views.bulk."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gdap.rules import CUSTOMER_REFUSALS
from gdap.services.bulk import remove_global_admin_chunk, request_chunk, terminate_chunk
from jobs.registry import JobKind, register
from partnercenter.errors import Code
from partnercenter.roles import Perm

# Why a customer or relationship was skipped or failed, worded when read (in the reader's language).
_COMMON = {
    "forbidden": _("The person who started this job may no longer manage admin relationships."),
    "unknown": _("%(name)s is not one of your admin relationships."),
}

BULK_REQUEST = register(JobKind(
    name="gdap.bulk_request",
    label=_("Request admin relationships"),
    perm=Perm.GDAP_MANAGE,
    handler=request_chunk,
    chunk_size=200,
    result_columns=[(_("Approval link"), "link"), (_("Display name"), "name"), (_("Emailed to"), "mailed"),
                    (_("Relationship ID"), "relationship")],
    reason_texts={
        **_COMMON,
        "template_gone": _("The role template was deleted after the job started."),
        "template_invalid": _("The role template “%(template)s” no longer makes a valid request: check its roles "
                              "and auto-extend."),
        **{str(code): text for code, text in CUSTOMER_REFUSALS.items()},
        str(Code.INVALID): _("This is not one of your customers."),
        "exists": _("%(customer)s already has a pending or active admin relationship from the role template "
                    "“%(template)s”."),
        "no_admin": _("Requested, but %(customer)s has no Global admin in the portal to email: send the approval "
                      "link yourself."),
    },
))

BULK_TERMINATE = register(JobKind(
    name="gdap.bulk_terminate",
    label=_("Terminate admin relationships"),
    perm=Perm.GDAP_MANAGE,
    handler=terminate_chunk,
    result_columns=[(_("Display name"), "name"), (_("Customer"), "customer")],
    reason_texts={
        **_COMMON,
        "not_terminable": _("%(name)s is %(status)s: only a pending or active admin relationship can be "
                            "terminated."),
    },
))

BULK_REMOVE_GLOBAL_ADMIN = register(JobKind(
    name="gdap.bulk_remove_global_admin",
    label=_("Remove Global Administrator"),
    perm=Perm.GDAP_MANAGE,
    handler=remove_global_admin_chunk,
    result_columns=[(_("Display name"), "name"), (_("Customer"), "customer")],
    reason_texts={
        **_COMMON,
        "not_active": _("%(name)s is %(status)s: only an active admin relationship can be changed."),
        "no_global_admin": _("Global Administrator is not among the roles of %(name)s."),
        "only_global_admin": _("Global Administrator is the only role of %(name)s: terminate it instead."),
    },
))
