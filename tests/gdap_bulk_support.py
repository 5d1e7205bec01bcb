"""Data for the bulk GDAP tests (tests/test_gdap_bulk_*.py): customers the partner serves, each with
Global admins, and role templates."""

from __future__ import annotations

from customers.services import reseller_relationship_ensure
from gdap import services
from jobs import services as job_services
from jobs.models import Job
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from tests.factories import TenantFactory, member

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"


def served(partner: Tenant, name: str, *, admins: int = 1, language: str = "", **fields) -> Tenant:  # noqa: ANN003
    """A customer with an active reseller relationship with `partner` and `admins` Global admins."""
    customer = TenantFactory(name=name, **fields)
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    for _ in range(admins):
        member(customer, Role.CUSTOMER_GLOBAL_ADMIN, language=language)
    return customer


def template(partner: Tenant, actor: User, name: str = "Helpdesk", roles=(DIRECTORY_READERS, GLOBAL_READER),
             **kwargs):  # noqa: ANN001, ANN003, ANN201
    return services.template_save(partner=partner, actor=actor, name=name, roles=list(roles), duration="P90D",
                                  **kwargs)


def request_job(partner: Tenant, actor: User, tpl, customers) -> Job:  # noqa: ANN001
    return job_services.job_create(tenant=partner, actor=actor, kind="gdap.bulk_request",
                                   params={"template": str(tpl.pk)},
                                   items=[(str(c.pk), c.name) for c in customers])


def run(job: Job) -> Job:
    job_services.job_run(job_id=job.pk)
    job.refresh_from_db()
    return job
