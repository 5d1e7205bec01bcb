"""The Graph GDAP routes' edges with plain requests: If-Match (428, 412), $filter and $top errors, the
$skiptoken keyset (constant queries), shapes and headers, the rules per status, scopes and roles, and
another partner's ids (404 on every route). The lifecycle with the official client: test_api_graph_sdk.py."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gdap import services
from gdap.models import AccessAssignmentOperation, AdminRelationship
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.api_graph_support import (
    BASE,
    DIRECTORY_READERS,
    GLOBAL_ADMINISTRATOR,
    GLOBAL_READER,
    RELATIONSHIPS,
    approve_in_admin_center,
    gdap_world,
    relationship_body,
)
from tests.api_support import READ_SCOPES, api_client
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def world(partner):
    return gdap_world(partner)


@pytest.fixture
def client(partner):
    return api_client(partner)[0]


def create(client, world, name: str, **kwargs) -> dict:  # noqa: ANN001
    response = client.post(RELATIONSHIPS, relationship_body(world, name, **kwargs), content_type=JSON)
    assert response.status_code == 201, response.content
    return response.json()


def active(client, world, name: str = "Adatum support", roles=(GLOBAL_ADMINISTRATOR, DIRECTORY_READERS)) -> dict:  # noqa: ANN001
    made = create(client, world, name, roles=roles)
    assert client.post(f"{RELATIONSHIPS}/{made['id']}/requests", {"action": "lockForApproval"},
                       content_type=JSON).status_code == 201
    approve_in_admin_center(relationship_id=made["id"], customer=world.customer, user=world.customer_admin)
    return client.get(f"{RELATIONSHIPS}/{made['id']}").json()


def graph_error(response, status: int, code: str | None = None) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.content
    assert response["Content-Type"] == JSON
    error = response.json()["error"]
    assert set(error) == {"code", "message", "innerError"} and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def test_create_answers_the_object_with_location_etag_and_graph_shape(client, world):
    response = client.post(RELATIONSHIPS, relationship_body(world, "Adatum support", duration="730 days, 0:00:00",
                                                            autoExtendDuration="PT0S"), content_type=JSON)
    assert response.status_code == 201 and response["Content-Type"] == JSON and response["request-id"]
    body = response.json()
    assert response["Location"] == f"http://testserver{RELATIONSHIPS}/{body['id']}"
    assert response["ETag"] == body["@odata.etag"] and body["@odata.etag"].startswith('W/"')
    assert set(body) == {"@odata.context", "@odata.etag", "id", "displayName", "duration", "customer", "accessDetails",
                         "status", "autoExtendDuration", "createdDateTime", "lastModifiedDateTime",
                         "activatedDateTime", "endDateTime"}
    assert body["duration"] == "P730D" and body["autoExtendDuration"] == "PT0S" and body["status"] == "created"
    assert body["customer"] == {"tenantId": str(world.customer.pk), "displayName": "Adatum AG"}
    assert body["createdDateTime"].endswith("Z") and body["activatedDateTime"] is None
    assert body["accessDetails"] == {"unifiedRoles": [{"roleDefinitionId": DIRECTORY_READERS},
                                                      {"roleDefinitionId": GLOBAL_READER}]}
    assert client.get(response["Location"]).json()["@odata.etag"] == body["@odata.etag"]


def test_a_relationship_may_be_created_without_a_customer_and_get_one_while_created(client, world):
    body = relationship_body(world, "Anyone")
    del body["customer"]
    made = create_from(client, body)
    assert made["customer"] is None
    bound = client.patch(f"{RELATIONSHIPS}/{made['id']}", {"customer": {"tenantId": str(world.customer.pk)}},
                         content_type=JSON, headers={"If-Match": made["@odata.etag"]})
    assert bound.status_code == 200 and bound.json()["customer"]["displayName"] == "Adatum AG"


def create_from(client, body: dict) -> dict:  # noqa: ANN001
    response = client.post(RELATIONSHIPS, body, content_type=JSON)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(("change", "code"), [
    ({"duration": "P1M"}, "invalid"), ({"duration": "P731D"}, "invalid"), ({"duration": "P99999999999999999D"}, "invalid"), ({"displayName": ""}, "invalid"),
    ({"accessDetails": {"unifiedRoles": []}}, "invalid"), ({"accessDetails": {"unifiedRoles": [{"roleDefinitionId": "x"}]}},
                                                           "invalid"),
    ({"autoExtendDuration": "P180D", "accessDetails": {"unifiedRoles": [{"roleDefinitionId": GLOBAL_ADMINISTRATOR}]}},
     "globalAdminAutoExtend"),
])
def test_bad_bodies_are_400_in_graph_shape(client, world, change, code):
    body = {**relationship_body(world, "Adatum"), **change}
    graph_error(client.post(RELATIONSHIPS, body, content_type=JSON), 400, code)
    assert not AdminRelationship.objects.exists()


def test_a_customer_the_partner_does_not_serve_is_refused(client, world):
    body = relationship_body(world, "Elsewhere")
    body["customer"]["tenantId"] = str(gdap_world(PartnerFactory(name="Other")).customer.pk)
    graph_error(client.post(RELATIONSHIPS, body, content_type=JSON), 400, "invalid")
    graph_error(client.post(RELATIONSHIPS, "not json", content_type="text/plain"), 415)


def test_if_match_is_required_and_must_be_current(client, world):
    made = create(client, world, "Adatum")
    url = f"{RELATIONSHIPS}/{made['id']}"
    graph_error(client.patch(url, {"displayName": "New"}, content_type=JSON), 428, "preconditionRequired")
    graph_error(client.delete(url), 428, "preconditionRequired")
    ok = client.patch(url, {"displayName": "New"}, content_type=JSON, headers={"If-Match": made["@odata.etag"]})
    assert ok.status_code == 200 and ok.json()["displayName"] == "New" and ok["ETag"] == ok.json()["@odata.etag"]
    graph_error(client.patch(url, {"duration": "P5D"}, content_type=JSON, headers={"If-Match": made["@odata.etag"]}),
                412, "preconditionFailed")
    graph_error(client.delete(url, headers={"If-Match": made["@odata.etag"]}), 412)
    assert client.delete(url, headers={"If-Match": ok.json()["@odata.etag"]}).status_code == 204
    graph_error(client.get(url), 404, "notFound")


def test_an_active_relationship_allows_only_auto_extend_and_removing_global_administrator(client, world):
    rel = active(client, world)
    url = f"{RELATIONSHIPS}/{rel['id']}"
    assert rel["status"] == "active" and rel["endDateTime"].endswith("Z")
    graph_error(client.patch(url, {"displayName": "Renamed"}, content_type=JSON, headers={"If-Match": rel["@odata.etag"]}),
                409, "conflict")
    graph_error(client.delete(url, headers={"If-Match": rel["@odata.etag"]}), 409, "conflict")
    removed = client.patch(url, {"accessDetails": {"unifiedRoles": [{"roleDefinitionId": DIRECTORY_READERS}]}},
                           content_type=JSON, headers={"If-Match": rel["@odata.etag"]})
    assert removed.status_code == 200
    assert removed.json()["accessDetails"]["unifiedRoles"] == [{"roleDefinitionId": DIRECTORY_READERS}]
    extended = client.patch(url, {"autoExtendDuration": "180 days, 0:00:00"}, content_type=JSON,
                            headers={"If-Match": removed.json()["@odata.etag"]})
    assert extended.status_code == 200 and extended.json()["autoExtendDuration"] == "P180D"


@pytest.mark.parametrize("query", [
    "$filter=displayName eq 'x'", "$filter=status eq 'sleeping'", "$filter=status eq 'active' or status eq 'created'",
    "$filter=customer/tenantId eq 'not-a-guid'", "$filter=status eq 'active' and status eq 'created'",
    "$filter=status ne 'active'", "$top=0", "$top=", "$top=301", "$top=ten", "$skiptoken=%%%", "$skiptoken=AA", "$skiptoken=bm90LWEtbmFtZQ&x=1",
])
def test_unsupported_query_options_are_400(client, world, query):
    if "bm90" in query:  # a well-formed token is a position, not an error: only garbage is refused
        assert client.get(f"{RELATIONSHIPS}?{query}").status_code == 200
        return
    graph_error(client.get(f"{RELATIONSHIPS}?{query}"), 400, "badRequest" if "%" in query else "invalid")


def test_filters_top_and_next_links_with_a_constant_number_of_queries(client, world, partner):
    other = gdap_world(partner, name="Northwind")
    for index in range(5):
        create(client, world if index % 2 else other, f"GDAP {index}")
    active(client, world, "GDAP z")
    assert [r["displayName"] for r in client.get(f"{RELATIONSHIPS}?$filter=status eq 'active'").json()["value"]] \
        == ["GDAP z"]
    scoped = client.get(f"{RELATIONSHIPS}?$filter=customer/tenantId eq '{other.customer.pk}' and status eq 'created'")
    assert [r["displayName"] for r in scoped.json()["value"]] == ["GDAP 0", "GDAP 2", "GDAP 4"]
    assert client.get(f"{RELATIONSHIPS}?$filter=status eq 'unknownFutureValue'").json()["value"] == []
    seen, link, counts = [], f"{RELATIONSHIPS}?$top=2", []
    while link:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(link).json()
        counts.append(len(queries))
        seen += [r["displayName"] for r in body["value"]]
        link = body.get("@odata.nextLink")
        assert link is None or (link.startswith("http://testserver/") and "$top=2" in link)
    assert seen == ["GDAP 0", "GDAP 1", "GDAP 2", "GDAP 3", "GDAP 4", "GDAP z"] and len(set(counts)) == 1
    assert client.get(f"{RELATIONSHIPS}?$top=300").status_code == 200


def test_requests_lock_and_terminate_with_location(client, world):
    made = create(client, world, "Adatum")
    url = f"{RELATIONSHIPS}/{made['id']}/requests"
    graph_error(client.post(url, {"action": "approve"}, content_type=JSON), 400, "invalid")
    locked = client.post(url, {"action": "lockForApproval"}, content_type=JSON)
    assert locked.status_code == 201 and locked["Location"].endswith(f"/requests/{locked.json()['id']}")
    assert set(locked.json()) == {"id", "action", "status", "createdDateTime", "lastModifiedDateTime"}
    assert client.get(locked["Location"]).json() == locked.json()
    graph_error(client.post(url, {"action": "lockForApproval"}, content_type=JSON), 409, "conflict")
    ended = client.post(url, {"action": "terminate"}, content_type=JSON)
    assert ended.status_code == 201 and ended.json()["action"] == "terminate"
    assert client.get(f"{RELATIONSHIPS}/{made['id']}").json()["status"] in ("terminationRequested", "terminated")
    assert [r["action"] for r in client.get(url).json()["value"]] == ["lockForApproval", "terminate"]


def test_assignment_update_is_202_with_an_operation_and_200_when_nothing_changed(client, world):
    rel = active(client, world, roles=(DIRECTORY_READERS, GLOBAL_READER))
    url = f"{RELATIONSHIPS}/{rel['id']}/accessAssignments"
    roles = {"unifiedRoles": [{"roleDefinitionId": DIRECTORY_READERS}]}
    body = {"accessContainer": {"accessContainerId": str(world.group.pk), "accessContainerType": "securityGroup"},
            "accessDetails": roles}
    made = client.post(url, body, content_type=JSON)
    assert made.status_code == 201 and made["ETag"] == made.json()["@odata.etag"]
    assert made.json()["accessContainer"] == {"accessContainerId": str(world.group.pk), "accessContainerType": "securityGroup"}
    graph_error(client.post(url, body, content_type=JSON), 409, "conflict")
    item = made["Location"]
    graph_error(client.patch(item, {"accessDetails": roles}, content_type=JSON), 428)
    same = client.patch(item, {"accessDetails": roles}, content_type=JSON, headers={"If-Match": made["ETag"]})
    assert same.status_code == 200 and not same.has_header("Location")
    wider = {"unifiedRoles": [*roles["unifiedRoles"], {"roleDefinitionId": GLOBAL_READER}]}
    changed = client.patch(item, {"accessDetails": wider}, content_type=JSON, headers={"If-Match": same["ETag"]})
    assert changed.status_code == 202 and changed["Retry-After"] == "5"
    operation = client.get(changed["Location"]).json()
    assert operation["status"] == "succeeded" and json.loads(operation["data"]) == {"accessDetails": wider}
    assert operation["id"] == str(AccessAssignmentOperation.objects.get().pk)
    graph_error(client.patch(item, {"accessDetails": roles}, content_type=JSON, headers={"If-Match": made["ETag"]}), 412)
    outside = {"unifiedRoles": [{"roleDefinitionId": GLOBAL_ADMINISTRATOR}]}
    graph_error(client.patch(item, {"accessDetails": outside}, content_type=JSON, headers={"If-Match": changed["ETag"]}),
                400)
    assert client.delete(item, headers={"If-Match": changed["ETag"]}).status_code == 204
    assert client.get(url).json()["value"] == [] and client.get(item).json()["status"] == "deleted"


def test_delegated_admin_customers_are_those_with_an_active_relationship(client, world, partner):
    rel = active(client, world)
    create(client, gdap_world(partner, name="Northwind"), "Draft only")
    listed = client.get(BASE + "delegatedAdminCustomers").json()
    assert listed["value"] == [{"id": str(world.customer.pk), "tenantId": str(world.customer.pk), "displayName": "Adatum AG"}]
    one = client.get(f"{BASE}delegatedAdminCustomers/{world.customer.pk}")
    assert one.status_code == 200 and one.json()["displayName"] == "Adatum AG"
    graph_error(client.get(BASE + "delegatedAdminCustomers?$skiptoken=bm90LWEtZ3VpZA"), 400, "invalid")
    details = client.get(f"{BASE}delegatedAdminCustomers/{world.customer.pk}/serviceManagementDetails").json()
    assert details["value"][0]["serviceManagementUrl"].endswith(f"/customers/{world.customer.pk}/services/")
    assert rel["status"] == "active"


def test_scopes_and_roles_bound_every_write(partner, world, client):
    made = create(client, world, "Adatum")
    reader = api_client(partner, scopes=READ_SCOPES)[0]
    assert reader.get(RELATIONSHIPS).status_code == 200
    graph_error(reader.post(RELATIONSHIPS, relationship_body(world, "X"), content_type=JSON), 403, "insufficientScope")
    graph_error(reader.patch(f"{RELATIONSHIPS}/{made['id']}", {}, content_type=JSON,
                             headers={"If-Match": made["@odata.etag"]}), 403, "insufficientScope")
    graph_error(reader.delete(f"{RELATIONSHIPS}/{made['id']}", headers={"If-Match": made["@odata.etag"]}), 403)
    helpdesk = api_client(partner, roles=[Role.HELPDESK_AGENT])[0]
    graph_error(helpdesk.post(RELATIONSHIPS, relationship_body(world, "X"), content_type=JSON), 403, "forbidden")


def test_another_partners_ids_are_404_on_every_route(partner, client):
    other = PartnerFactory(name="Fabrikam Kft.")
    theirs_world = gdap_world(other, name="Northwind")
    theirs = services.relationship_create(partner=other, actor=None, display_name="Northwind", duration="P30D",
                                          roles=[DIRECTORY_READERS], customer=theirs_world.customer)
    request, _approval, _raw = services.lock_for_approval(theirs, actor=None)
    rel = approve_in_admin_center(relationship_id=theirs.pk, customer=theirs_world.customer,
                                  user=theirs_world.customer_admin)
    assignment = services.assignment_create(rel, actor=None, security_group=theirs_world.group,
                                            roles=[DIRECTORY_READERS])
    item = f"{RELATIONSHIPS}/{theirs.pk}"
    tag = {"If-Match": rel.etag}
    for method, url, body in [
        ("get", item, None), ("patch", item, {"displayName": "x"}), ("delete", item, None),
        ("get", f"{item}/requests", None), ("post", f"{item}/requests", {"action": "terminate"}),
        ("get", f"{item}/requests/{request.pk}", None), ("get", f"{item}/accessAssignments", None),
        ("post", f"{item}/accessAssignments", {"accessContainer": {"accessContainerId": str(theirs_world.group.pk)},
                                               "accessDetails": {"unifiedRoles": [{"roleDefinitionId": DIRECTORY_READERS}]}}),
        ("get", f"{item}/accessAssignments/{assignment.pk}", None),
        ("patch", f"{item}/accessAssignments/{assignment.pk}", {"accessDetails": {"unifiedRoles": []}}),
        ("delete", f"{item}/accessAssignments/{assignment.pk}", None),
        ("get", f"{item}/operations", None), ("get", f"{item}/operations/{assignment.pk}", None),
        ("get", f"{BASE}delegatedAdminCustomers/{theirs_world.customer.pk}", None),
        ("get", f"{BASE}delegatedAdminCustomers/{theirs_world.customer.pk}/serviceManagementDetails", None),
        ("get", f"{RELATIONSHIPS}/not-a-guid", None), ("get", f"{BASE}nothingHere", None),
    ]:
        kwargs = {"content_type": JSON, "data": body} if body is not None else {}
        graph_error(getattr(client, method)(url, headers=tag, **kwargs), 404, "notFound")
    assert client.get(RELATIONSHIPS).json()["value"] == []
    assert client.get(BASE + "delegatedAdminCustomers").json()["value"] == []
    assert AdminRelationship.objects.get(pk=theirs.pk).display_name == "Northwind"


def test_the_openapi_document_declares_every_route_with_its_answers_and_errors(client, world):
    from drf_spectacular.generators import SchemaGenerator
    from openapi_spec_validator import validate

    document = SchemaGenerator().get_schema(request=None, public=True)
    validate(document)
    graph = {path: methods for path, methods in document["paths"].items() if path.startswith(BASE)}
    assert len(graph) == 11
    for path, methods in graph.items():
        for method, operation in methods.items():
            answers = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= answers, (path, method)
            if method in ("patch", "delete"):
                assert {"412", "428"} <= answers and any(p["name"] == "If-Match" for p in operation["parameters"])
    schemas = document["components"]["schemas"]
    answered = create(client, world, "Adatum")
    assert set(schemas["DelegatedAdminRelationship"]["required"]) == set(answered) - {"@odata.context"}
    error = client.get(f"{RELATIONSHIPS}/nope").json()
    assert set(schemas["GraphError"]["required"]) == set(error)
    assert set(schemas["GraphInnerError"]["required"]) == set(error["error"]["innerError"])


@pytest.mark.parametrize("moment", ["2020-13-45T00:00:00|x", "2020-01-01T00:00:00|x", "|x", "2020-01-01T00:00:00+00:00|"])
def test_an_impossible_or_naive_moment_in_a_child_lists_skiptoken_is_400(client, world, moment):
    import base64

    rel = create(client, world, "Cursor probe")
    token = base64.urlsafe_b64encode(moment.encode()).decode().rstrip("=")
    for child in ("requests", "accessAssignments", "operations"):
        graph_error(client.get(f"{BASE}delegatedAdminRelationships/{rel['id']}/{child}?$skiptoken={token}"), 400)


def test_changes_record_the_client_address_behind_a_trusted_proxy_as_the_pages_do(client, world, partner, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxied = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9"}
    response = client.post(RELATIONSHIPS, relationship_body(world, "Behind the proxy"), content_type=JSON, **proxied)
    assert response.status_code == 201, response.content
    url = f"{RELATIONSHIPS}/{response.json()['id']}"
    etag = response.json()["@odata.etag"]
    assert client.patch(url, {"displayName": "Still behind"}, content_type=JSON, headers={"If-Match": etag},
                        **proxied).status_code == 200
    # The right-most address that is not the proxy's; the client's own claim left of it is ignored.
    assert set(ActivityLog.objects.filter(tenant=partner, kind__startswith="gdap").values_list(
        "ip_address", flat=True)) == {"203.0.113.9"}
    settings.TRUSTED_PROXIES = []  # without a trusted proxy, whatever X-Forwarded-For says: the socket's
    client.post(RELATIONSHIPS, relationship_body(world, "Direct"), content_type=JSON, **proxied)
    assert ActivityLog.objects.filter(tenant=partner, kind__startswith="gdap").latest("id").ip_address == "10.0.0.5"
