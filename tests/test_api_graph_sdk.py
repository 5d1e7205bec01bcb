"""The official Microsoft Graph Python client (msgraph-sdk + kiota), pointed at a live portal, drives the
whole GDAP lifecycle: create (a timedelta and a "P730D" duration), list with $top and $filter following
@odata.nextLink, get, update with If-Match (and a stale one → 412), lockForApproval, the customer's
approval in the Admin center, access assignments and their operation, terminate, delete; ODataError
for 404 and 400."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlparse

import pytest
from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator
from kiota_abstractions.authentication.base_bearer_token_authentication_provider import (
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.delegated_admin_access_assignment import DelegatedAdminAccessAssignment
from msgraph.generated.models.delegated_admin_access_container import DelegatedAdminAccessContainer
from msgraph.generated.models.delegated_admin_access_container_type import DelegatedAdminAccessContainerType
from msgraph.generated.models.delegated_admin_access_details import DelegatedAdminAccessDetails
from msgraph.generated.models.delegated_admin_relationship import DelegatedAdminRelationship
from msgraph.generated.models.delegated_admin_relationship_customer_participant import (
    DelegatedAdminRelationshipCustomerParticipant,
)
from msgraph.generated.models.delegated_admin_relationship_request import DelegatedAdminRelationshipRequest
from msgraph.generated.models.delegated_admin_relationship_request_action import (
    DelegatedAdminRelationshipRequestAction,
)
from msgraph.generated.models.delegated_admin_relationship_status import DelegatedAdminRelationshipStatus
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.unified_role import UnifiedRole
from msgraph.generated.tenant_relationships.delegated_admin_relationships.delegated_admin_relationships_request_builder import (  # noqa: E501
    DelegatedAdminRelationshipsRequestBuilder,
)

from gdap import services
from gdap.models import AdminRelationship, AssignmentStatus, RelationshipStatus
from tests.api_graph_support import (
    DIRECTORY_READERS,
    GLOBAL_ADMINISTRATOR,
    GLOBAL_READER,
    approve_in_admin_center,
    gdap_world,
)
from tests.api_support import api_app, token_for
from tests.factories import PartnerFactory

pytestmark = pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning")
T = TypeVar("T")
ListQuery = DelegatedAdminRelationshipsRequestBuilder.DelegatedAdminRelationshipsRequestBuilderGetQueryParameters


class StaticToken(AccessTokenProvider):
    """The bearer token from POST /oauth2/token/, for the live server's host only."""

    def __init__(self, token: str, host: str) -> None:
        self.token, self.validator = token, AllowedHostsValidator([host])

    async def get_authorization_token(self, uri: str, additional_authentication_context: Any = None) -> str:
        return self.token if self.validator.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self.validator


def graph_client(base: str, token: str) -> GraphServiceClient:
    """The set-up the README shows: msgraph-sdk pointed at the portal."""
    auth = BaseBearerTokenAuthenticationProvider(StaticToken(token, urlparse(base).hostname or ""))
    adapter = GraphRequestAdapter(auth)
    adapter.base_url = base + "/v1.0"
    return GraphServiceClient(request_adapter=adapter)


@pytest.fixture
def run(live_server, partner):  # noqa: ANN001, ANN201
    """run(lambda graph: graph.….get()) → the SDK's answer; each call has its own event loop and client
    (the ORM stays outside the loop, in the test's thread)."""
    token = token_for(*api_app(partner))

    def call(step: Callable[[GraphServiceClient], Awaitable[T]]) -> T:
        async def main() -> T:
            return await step(graph_client(live_server.url, token))

        # A thread of its own: a browser test earlier in this worker leaves Playwright's event loop
        # running in the test thread, where asyncio.run() refuses to start another.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, main()).result()

    return call


def if_match(etag: str) -> RequestConfiguration:
    config = RequestConfiguration()
    config.headers.add("If-Match", etag)
    return config


def new_relationship(name: str, customer_id: object, duration: Any, roles: tuple[str, ...]) -> DelegatedAdminRelationship:
    return DelegatedAdminRelationship(
        display_name=name, duration=duration,
        customer=DelegatedAdminRelationshipCustomerParticipant(tenant_id=str(customer_id)),
        access_details=DelegatedAdminAccessDetails(unified_roles=[UnifiedRole(role_definition_id=r) for r in roles]))


def odata_error(run, step) -> ODataError:  # noqa: ANN001
    with pytest.raises(ODataError) as caught:
        run(step)
    return caught.value


def test_the_official_client_drives_the_whole_lifecycle(run, partner):
    world = gdap_world(partner)
    rels = lambda graph: graph.tenant_relationships.delegated_admin_relationships  # noqa: E731

    # Create: a timedelta (sent as "730 days, 0:00:00") and Microsoft's own "P730D".
    made = run(lambda g: rels(g).post(new_relationship("Adatum support", world.customer.pk, timedelta(days=730),
                                                       (GLOBAL_ADMINISTRATOR, DIRECTORY_READERS, GLOBAL_READER))))
    assert made.duration == timedelta(days=730) and made.status == DelegatedAdminRelationshipStatus.Created
    assert made.customer.tenant_id == str(world.customer.pk) and made.auto_extend_duration == timedelta(0)
    iso = run(lambda g: rels(g).post(new_relationship("Adatum billing", world.customer.pk, "P90D",
                                                      (DIRECTORY_READERS,))))
    assert iso.duration == timedelta(days=90)
    draft = run(lambda g: rels(g).post(new_relationship("Adatum draft", world.customer.pk, "P1D", (GLOBAL_READER,))))

    # List: one per page, filtered, following the absolute @odata.nextLink verbatim.
    config = RequestConfiguration(query_parameters=ListQuery(
        top=1, filter=f"status eq 'created' and customer/tenantId eq '{world.customer.pk}'"))
    page = run(lambda g: rels(g).get(request_configuration=config))
    names = [r.display_name for r in page.value]
    while page.odata_next_link:
        link = page.odata_next_link
        assert link.startswith("http://") and "$skiptoken=" in link
        page = run(lambda g: rels(g).with_url(link).get())
        names += [r.display_name for r in page.value]
    assert names == ["Adatum billing", "Adatum draft", "Adatum support"]

    # Get and update with the etag; the old etag is stale now (412).
    got = run(lambda g: rels(g).by_delegated_admin_relationship_id(made.id).get())
    etag = got.additional_data["@odata.etag"]
    patched = run(lambda g: rels(g).by_delegated_admin_relationship_id(made.id).patch(
        DelegatedAdminRelationship(display_name="Adatum support desk"), request_configuration=if_match(etag)))
    assert patched.display_name == "Adatum support desk" and patched.additional_data["@odata.etag"] != etag
    stale = odata_error(run, lambda g: rels(g).by_delegated_admin_relationship_id(made.id).patch(
        DelegatedAdminRelationship(display_name="Too late"), request_configuration=if_match(etag)))
    assert stale.response_status_code == 412 and stale.error.code == "preconditionFailed"

    # Lock for approval; the customer's Global admin approves in the Admin center.
    item = lambda g: rels(g).by_delegated_admin_relationship_id(made.id)  # noqa: E731
    locked = run(lambda g: item(g).requests.post(DelegatedAdminRelationshipRequest(
        action=DelegatedAdminRelationshipRequestAction.LockForApproval)))
    assert locked.action == DelegatedAdminRelationshipRequestAction.LockForApproval and locked.id
    assert run(lambda g: item(g).get()).status == DelegatedAdminRelationshipStatus.ApprovalPending
    assert approve_in_admin_center(relationship_id=made.id, customer=world.customer,
                                   user=world.customer_admin).status == RelationshipStatus.ACTIVE
    requests = run(lambda g: item(g).requests.get())
    assert {r.action.value for r in requests.value} == {"lockForApproval", "approve"}
    assert run(lambda g: item(g).requests.by_delegated_admin_relationship_request_id(locked.id).get()).id == locked.id
    active = run(lambda g: item(g).get())
    assert active.status == DelegatedAdminRelationshipStatus.Active and active.end_date_time > active.activated_date_time

    # Auto-extend is refused while Global Administrator is among the roles (400 with a clear code).
    refused = odata_error(run, lambda g: item(g).patch(DelegatedAdminRelationship(
        auto_extend_duration=timedelta(days=180)), request_configuration=if_match(active.additional_data["@odata.etag"])))
    assert refused.response_status_code == 400 and refused.error.code == "globalAdminAutoExtend"

    # Access assignments: create, list, update (202 with an operation), operations, delete.
    assignment = run(lambda g: item(g).access_assignments.post(DelegatedAdminAccessAssignment(
        access_container=DelegatedAdminAccessContainer(access_container_id=str(world.group.pk),
                                                       access_container_type=DelegatedAdminAccessContainerType.SecurityGroup),
        access_details=DelegatedAdminAccessDetails(unified_roles=[UnifiedRole(role_definition_id=DIRECTORY_READERS)]))))
    assert assignment.status.value == "active" and assignment.access_container.access_container_id == str(world.group.pk)
    listed = run(lambda g: item(g).access_assignments.get())
    assert [a.id for a in listed.value] == [assignment.id]
    one = lambda g: item(g).access_assignments.by_delegated_admin_access_assignment_id(assignment.id)  # noqa: E731
    updated = run(lambda g: one(g).patch(DelegatedAdminAccessAssignment(access_details=DelegatedAdminAccessDetails(
        unified_roles=[UnifiedRole(role_definition_id=DIRECTORY_READERS), UnifiedRole(role_definition_id=GLOBAL_READER)])),
        request_configuration=if_match(assignment.additional_data["@odata.etag"])))
    assert {r.role_definition_id for r in updated.access_details.unified_roles} == {DIRECTORY_READERS, GLOBAL_READER}
    operations = run(lambda g: item(g).operations.get())
    assert [o.status.value for o in operations.value] == ["succeeded"]
    operation = run(lambda g: item(g).operations.by_delegated_admin_relationship_operation_id(operations.value[0].id).get())
    assert operation.operation_type.value == "delegatedAdminAccessAssignmentUpdate" and GLOBAL_READER in operation.data
    fresh = run(lambda g: one(g).get())
    assert run(lambda g: one(g).delete(request_configuration=if_match(fresh.additional_data["@odata.etag"]))) is None
    assert world.group.assignments.get().status == AssignmentStatus.DELETED

    # delegatedAdminCustomers: the customer with the active relationship.
    customers = run(lambda g: g.tenant_relationships.delegated_admin_customers.get())
    assert [(c.tenant_id, c.display_name) for c in customers.value] == [(str(world.customer.pk), "Adatum AG")]
    details = run(lambda g: g.tenant_relationships.delegated_admin_customers.by_delegated_admin_customer_id(
        str(world.customer.pk)).service_management_details.get())
    assert details.value[0].service_management_url.endswith(f"/customers/{world.customer.pk}/services/")

    # Terminate the active one; delete the draft; errors as ODataError.
    ended = run(lambda g: item(g).requests.post(DelegatedAdminRelationshipRequest(
        action=DelegatedAdminRelationshipRequestAction.Terminate)))
    assert ended.action == DelegatedAdminRelationshipRequestAction.Terminate
    services.termination_complete(request_id=ended.id)
    assert AdminRelationship.objects.get(pk=made.id).status == RelationshipStatus.TERMINATED
    draft_item = lambda g: rels(g).by_delegated_admin_relationship_id(draft.id)  # noqa: E731
    assert run(lambda g: draft_item(g).delete(request_configuration=if_match(draft.additional_data["@odata.etag"]))) is None
    missing = odata_error(run, lambda g: draft_item(g).get())
    assert missing.response_status_code == 404 and missing.error.code == "notFound"
    bad = odata_error(run, lambda g: rels(g).get(request_configuration=RequestConfiguration(
        query_parameters=ListQuery(filter="displayName eq 'x'"))))
    assert bad.response_status_code == 400 and bad.error.message


def test_another_partners_relationship_is_a_404_odata_error(run, partner):
    other = PartnerFactory(name="Fabrikam Kft.", country="HU")
    world = gdap_world(other, name="Northwind")
    theirs = services.relationship_create(partner=other, actor=None, display_name="Northwind", duration="P30D",
                                          roles=[DIRECTORY_READERS], customer=world.customer)
    error = odata_error(run, lambda g: g.tenant_relationships.delegated_admin_relationships
                        .by_delegated_admin_relationship_id(str(theirs.pk)).get())
    assert error.response_status_code == 404 and error.error.code == "notFound"
