"""Bulk invitation demo data (`make demo`): Contoso invited a few prospects from a CSV; the job has
finished (its progress page, rejected rows and results CSV are on Background jobs). Called by
partnercenter.demo.demo_load inside its transaction."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from partnercenter.models import Tenant, User

CSV = """email;company;language
einkauf@lindenhof-hotel.example;Lindenhof Hotel KG;de
it@puszta-logistics.example;Puszta Logistics Kft.;hu
office@harbour-books.example;Harbour Books Ltd;en
not-an-address;Broken row;
it@puszta-logistics.example;Puszta Logistics Kft. (again);hu
"""


def demo_bulk_invitations(tenants: dict[str, Tenant]) -> None:
    from invitations.services import bulk
    from invitations.services.bulk import LINK_PLACEHOLDER
    from jobs.services import job_run

    partner = tenants["contoso.example"]
    admin = User.objects.get(email="admin@contoso.example")
    with translation.override("en"):
        preview = bulk.bulk_preview_create(
            partner=partner, actor=admin, upload=SimpleUploadedFile("prospects.csv", CSV.encode()),
            include_dap=False, subject="Contoso Cloud GmbH invites you to a reseller relationship",
            body=f"Hello,\n\nplease review our request in the Admin center:\n\n{LINK_PLACEHOLDER}\n\n"
                 "Kind regards,\nContoso Cloud GmbH\n",
            language="en",
        )
        job = bulk.bulk_send(bulk=preview, actor=admin)
    job_run(job_id=job.pk)  # finished here; its paced mails go through the outbox (the demo's beat thread)
