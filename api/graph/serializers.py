"""Bodies of the Graph GDAP routes, in Graph's names (camelCase, `@odata.*`): what the routes answer
(documented by drf-spectacular from these classes) and what they accept. Rules live in gdap.rules; these
only check the shape."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from api.errors import error_responses
from api.graph.odata import when
from gdap.models import AssignmentStatus, OperationStatus, RelationshipStatus, RequestAction, RequestStatus
from gdap.rules import duration_iso

UNKNOWN = "unknownFutureValue"


def _with_unknown(choices: list[str]) -> list[str]:
    return [*choices, UNKNOWN]


class GraphDateTime(serializers.DateTimeField):
    """UTC with Z, whatever TIME_ZONE is."""

    def to_representation(self, value: Any) -> str | None:
        return when(value)


class GraphDuration(serializers.CharField):
    """ISO 8601 days (P730D) out; in, the text as sent (gdap.rules parses ISO 8601 and str(timedelta))."""

    def to_representation(self, value: Any) -> str:
        return duration_iso(value)


class _Extra:
    """Adds Graph's names that are not Python identifiers (`@odata.etag`, …) to a serializer."""

    extra: dict[str, Any] = {}

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()  # type: ignore[misc]
        for name, make in self.extra.items():
            fields[name] = make()
        return fields


def _etag() -> serializers.Field:
    return serializers.CharField(source="etag", read_only=True)


# --- Answers -------------------------------------------------------------------------------------

class GraphUnifiedRole(serializers.Serializer):
    """A role of the relationship (an Entra role template id)."""

    roleDefinitionId = serializers.UUIDField(source="pk", read_only=True)  # noqa: N815


class DelegatedAdminAccessDetails(serializers.Serializer):
    """The roles granted."""

    unifiedRoles = GraphUnifiedRole(many=True, read_only=True, source="roles.all")  # noqa: N815


class DelegatedAdminRelationshipCustomerParticipant(serializers.Serializer):
    """The customer tenant (null until approval when created without one)."""

    tenantId = serializers.UUIDField(source="pk", read_only=True)  # noqa: N815
    displayName = serializers.CharField(source="name", read_only=True)  # noqa: N815


class DelegatedAdminRelationship(_Extra, serializers.Serializer):
    """Graph's delegatedAdminRelationship."""

    extra = {"@odata.etag": _etag}

    id = serializers.UUIDField(read_only=True)
    displayName = serializers.CharField(source="display_name", read_only=True)  # noqa: N815
    duration = GraphDuration(read_only=True)
    customer = DelegatedAdminRelationshipCustomerParticipant(read_only=True, allow_null=True)
    accessDetails = DelegatedAdminAccessDetails(source="*", read_only=True)  # noqa: N815
    status = serializers.ChoiceField(choices=_with_unknown(RelationshipStatus.values), read_only=True)
    autoExtendDuration = GraphDuration(source="auto_extend_duration", read_only=True)  # noqa: N815
    createdDateTime = GraphDateTime(source="created_at", read_only=True)  # noqa: N815
    lastModifiedDateTime = GraphDateTime(source="last_modified_at", read_only=True)  # noqa: N815
    activatedDateTime = GraphDateTime(source="activated_at", read_only=True, allow_null=True)  # noqa: N815
    endDateTime = GraphDateTime(source="end_at", read_only=True, allow_null=True)  # noqa: N815


class DelegatedAdminRelationshipRequest(serializers.Serializer):
    """Graph's delegatedAdminRelationshipRequest."""

    id = serializers.UUIDField(read_only=True)
    action = serializers.ChoiceField(choices=_with_unknown(RequestAction.values), read_only=True)
    status = serializers.ChoiceField(choices=_with_unknown(RequestStatus.values), read_only=True)
    createdDateTime = GraphDateTime(source="created_at", read_only=True)  # noqa: N815
    lastModifiedDateTime = GraphDateTime(source="last_modified_at", read_only=True)  # noqa: N815


class DelegatedAdminAccessContainer(serializers.Serializer):
    """The partner's security group the roles are given to."""

    accessContainerId = serializers.UUIDField(source="security_group_id", read_only=True)  # noqa: N815
    accessContainerType = serializers.SerializerMethodField()  # noqa: N815

    def get_accessContainerType(self, obj: Any) -> str:  # noqa: N802
        return "securityGroup"


class DelegatedAdminAccessAssignment(_Extra, serializers.Serializer):
    """Graph's delegatedAdminAccessAssignment."""

    extra = {"@odata.etag": _etag}

    id = serializers.UUIDField(read_only=True)
    accessContainer = DelegatedAdminAccessContainer(source="*", read_only=True)  # noqa: N815
    accessDetails = DelegatedAdminAccessDetails(source="*", read_only=True)  # noqa: N815
    status = serializers.ChoiceField(choices=_with_unknown(AssignmentStatus.values), read_only=True)
    createdDateTime = GraphDateTime(source="created_at", read_only=True)  # noqa: N815
    lastModifiedDateTime = GraphDateTime(source="last_modified_at", read_only=True)  # noqa: N815


class DelegatedAdminRelationshipOperation(serializers.Serializer):
    """Graph's delegatedAdminRelationshipOperation (an access assignment update)."""

    id = serializers.UUIDField(read_only=True)
    operationType = serializers.ChoiceField(source="operation_type", read_only=True,  # noqa: N815
                                            choices=["delegatedAdminAccessAssignmentUpdate", UNKNOWN])
    data = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=_with_unknown(OperationStatus.values), read_only=True)
    createdDateTime = GraphDateTime(source="created_at", read_only=True)  # noqa: N815
    lastModifiedDateTime = GraphDateTime(source="last_modified_at", read_only=True)  # noqa: N815

    def get_data(self, obj: Any) -> str:
        """Graph's `data` is a string: the change as JSON."""
        return json.dumps(obj.data, separators=(",", ":"))


class DelegatedAdminCustomer(serializers.Serializer):
    """A customer the partner holds an active admin relationship with."""

    id = serializers.UUIDField(source="pk", read_only=True)
    tenantId = serializers.UUIDField(source="pk", read_only=True)  # noqa: N815
    displayName = serializers.CharField(source="name", read_only=True)  # noqa: N815


class DelegatedAdminServiceManagementDetail(serializers.Serializer):
    """Where the customer's services are managed."""

    id = serializers.CharField(read_only=True)
    serviceId = serializers.CharField(read_only=True)  # noqa: N815
    serviceManagementUrl = serializers.URLField(read_only=True)  # noqa: N815


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """A collection answer: `@odata.context`, `value`, and `@odata.nextLink` when there is more."""
    fields = {
        "__doc__": f"A page of {item.__name__}: follow @odata.nextLink (absolute) while there is one.",
        "value": item(many=True),
        "extra": {"@odata.context": lambda: serializers.CharField(),
                  "@odata.nextLink": lambda: serializers.URLField(required=False)},  # optional: not read_only
    }
    return type(name, (_Extra, serializers.Serializer), fields)


RelationshipPage = page_of(DelegatedAdminRelationship, "DelegatedAdminRelationshipCollection")
RequestPage = page_of(DelegatedAdminRelationshipRequest, "DelegatedAdminRelationshipRequestCollection")
AssignmentPage = page_of(DelegatedAdminAccessAssignment, "DelegatedAdminAccessAssignmentCollection")
OperationPage = page_of(DelegatedAdminRelationshipOperation, "DelegatedAdminRelationshipOperationCollection")
CustomerPage = page_of(DelegatedAdminCustomer, "DelegatedAdminCustomerCollection")
ServiceManagementPage = page_of(DelegatedAdminServiceManagementDetail,
                                "DelegatedAdminServiceManagementDetailCollection")


# --- Requests ------------------------------------------------------------------------------------

class GraphUnifiedRoleIn(serializers.Serializer):
    roleDefinitionId = serializers.UUIDField()  # noqa: N815


class DelegatedAdminAccessDetailsIn(serializers.Serializer):
    unifiedRoles = GraphUnifiedRoleIn(many=True, allow_empty=False)  # noqa: N815


class DelegatedAdminCustomerParticipantIn(serializers.Serializer):
    tenantId = serializers.UUIDField(required=False, allow_null=True)  # noqa: N815
    displayName = serializers.CharField(required=False, allow_blank=True, allow_null=True)  # noqa: N815


class DelegatedAdminRelationshipCreate(serializers.Serializer):
    """POST delegatedAdminRelationships."""

    displayName = serializers.CharField(max_length=200, allow_blank=True)  # noqa: N815
    duration = serializers.CharField(max_length=40, help_text="ISO 8601, e.g. P730D (str(timedelta) accepted)")
    customer = DelegatedAdminCustomerParticipantIn(required=False, allow_null=True)
    accessDetails = DelegatedAdminAccessDetailsIn()  # noqa: N815
    autoExtendDuration = serializers.CharField(max_length=40, required=False, allow_blank=True,  # noqa: N815
                                               help_text="PT0S or P180D")


class DelegatedAdminRelationshipPatch(serializers.Serializer):
    """PATCH a relationship: only the fields sent change."""

    displayName = serializers.CharField(max_length=200, required=False, allow_blank=True)  # noqa: N815
    duration = serializers.CharField(max_length=40, required=False)
    customer = DelegatedAdminCustomerParticipantIn(required=False, allow_null=True)
    accessDetails = DelegatedAdminAccessDetailsIn(required=False)  # noqa: N815
    autoExtendDuration = serializers.CharField(max_length=40, required=False, allow_blank=True)  # noqa: N815


class DelegatedAdminRelationshipRequestCreate(serializers.Serializer):
    """POST …/requests."""

    action = serializers.ChoiceField(choices=[RequestAction.LOCK_FOR_APPROVAL.value, RequestAction.TERMINATE.value])


class DelegatedAdminAccessContainerIn(serializers.Serializer):
    accessContainerId = serializers.UUIDField()  # noqa: N815
    accessContainerType = serializers.ChoiceField(choices=["securityGroup"], required=False)  # noqa: N815


class DelegatedAdminAccessAssignmentCreate(serializers.Serializer):
    """POST …/accessAssignments."""

    accessContainer = DelegatedAdminAccessContainerIn()  # noqa: N815
    accessDetails = DelegatedAdminAccessDetailsIn()  # noqa: N815


class DelegatedAdminAccessAssignmentPatch(serializers.Serializer):
    """PATCH an access assignment: its roles."""

    accessDetails = DelegatedAdminAccessDetailsIn()  # noqa: N815


def role_ids(access_details: dict[str, Any]) -> list[Any]:
    return [role["roleDefinitionId"] for role in access_details["unifiedRoles"]]


# --- Errors --------------------------------------------------------------------------------------

class GraphInnerError(_Extra, serializers.Serializer):
    """The request id and the time of the error."""

    extra = {"request-id": lambda: serializers.CharField(read_only=True)}

    date = serializers.CharField(read_only=True)


class GraphErrorDetail(serializers.Serializer):
    """What went wrong: a machine code and a message."""

    code = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    innerError = GraphInnerError(read_only=True)  # noqa: N815


class GraphError(serializers.Serializer):
    """Graph's error body."""

    error = GraphErrorDetail(read_only=True)


def errors(*codes: int, writes: bool = False) -> dict[int, OpenApiResponse]:
    """The error answers of a route: the common ones, those of writes, and `codes`."""
    return error_responses(GraphError, 400, 401, 403, 404, 406, 429, *codes, *((409, 415, 422) if writes else ()))
