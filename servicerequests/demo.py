"""Demo data of service requests (`make demo`): Contoso's requests for Adatum (the customer Contoso holds DAP
and GDAP for, so agent@, helpdesk@ and admin@contoso.example can open them), one in each status, a thread
with both sides, and an attachment (a small text file, stored through default_storage). Adatum's Global admin
(admin@adatum.example) sees them in the Admin center. Called by partnercenter.demo.demo_load."""

from __future__ import annotations

from django.core.files.base import ContentFile

from partnercenter.models import Tenant, User
from servicerequests import services
from servicerequests.models import ServiceRequest, Status

TRACE = (b"2026-03-02 08:14:07 Outlook 16.0: credential prompt (AADSTS50076)\n"
         b"2026-03-02 08:14:39 Outlook 16.0: credential prompt (AADSTS50076)\n"
         b"2026-03-02 08:15:02 Outlook 16.0: user cancelled\n")


def _status(request: ServiceRequest, partner: Tenant, actor: User, status: str) -> ServiceRequest:
    return services.service_request_status_set(partner=partner, actor=actor, request=request, status=status,
                                               version=request.version)


def demo_service_requests(tenants: dict[str, Tenant]) -> None:
    contoso, adatum = tenants["contoso.example"], tenants["adatum.example"]
    agent = User.objects.get(email="agent@contoso.example")
    helpdesk = User.objects.get(email="helpdesk@contoso.example")
    customer_admin = User.objects.get(email="admin@adatum.example")

    def open_one(title: str, description: str, severity: str, category: str, assignee: User | None,
                 actor: User = agent, uploads: list | None = None) -> ServiceRequest:
        return services.service_request_create(partner=contoso, actor=actor, customer=adatum, title=title,
                                               description=description, severity=severity, category=category,
                                               assignee_id=assignee.pk if assignee else None, uploads=uploads)

    closed = open_one("Invoice for February shows the old address", "The invoice lists our address before the "
                      "move to Stuttgart.", "C", "billing", agent)
    services.comment_add_partner(partner=contoso, actor=agent, request=closed,
                                 body="The address is corrected; the February invoice was issued again.")
    _status(_status(closed, contoso, agent, Status.RESOLVED), contoso, agent, Status.CLOSED)

    resolved = open_one("Phishing mail reported by the accounting team", "Three people in accounting received a "
                        "fake DocuSign mail this morning; one clicked the link.", "A", "security", helpdesk,
                        actor=helpdesk)
    services.comment_add_partner(partner=contoso, actor=helpdesk, request=resolved,
                                 body="The mail is purged from all mailboxes; the user's password was reset and "
                                      "the sessions were revoked.")
    _status(resolved, contoso, helpdesk, Status.RESOLVED)

    waiting = open_one("Licence count for Business Standard", "We need 5 more licences for the new team in "
                       "Munich.", "C", "licenses", agent)
    services.comment_add_partner(partner=contoso, actor=agent, request=waiting,
                                 body="Should the new licences start this month or on 1 April?")
    _status(waiting, contoso, agent, Status.WAITING_FOR_CUSTOMER)

    in_progress = open_one("Shared mailbox not visible to new employees", "New employees don't see the "
                           "'Vertrieb' shared mailbox in Outlook.", "B", "email", helpdesk)
    in_progress = _status(in_progress, contoso, helpdesk, Status.IN_PROGRESS)
    services.comment_add_partner(partner=contoso, actor=helpdesk, request=in_progress,
                                 body="Which employees are affected? Please send two email addresses.")
    services.comment_add_customer(customer=adatum, actor=customer_admin, request=in_progress,
                                  body="For example anna.berg@adatum.example and jonas.keller@adatum.example.")
    services.comment_add_partner(partner=contoso, actor=helpdesk, request=in_progress,
                                 body="Thanks. Auto-mapping was off for them; it is on now, Outlook picks it up "
                                      "within an hour.")

    open_one("Outlook asks for the password again and again", "Since Monday, Outlook on two laptops keeps asking "
             "for the password. The trace from one of them is attached.", "B", "sign_in", None,
             uploads=[ContentFile(TRACE, name="outlook-trace.txt")])
