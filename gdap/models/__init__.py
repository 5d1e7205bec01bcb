"""GDAP in Microsoft Graph's vocabulary (API.md section 1), so the Graph-compatible API is a thin layer:
the role catalog, admin relationships and the requests on them, the customer's approval link, the
partner's security groups, access assignments and their operations, and role templates.

Writes go through gdap.services (they lock, check gdap.rules, bump `version` and record events);
reads through gdap.selectors."""

from gdap.models.assignments import (
    AccessAssignment,
    AccessAssignmentOperation,
    AssignmentStatus,
    OperationStatus,
    RoleTemplate,
    RoleTemplateAssignment,
)
from gdap.models.groups import SecurityGroup, SecurityGroupMember
from gdap.models.relationships import (
    AUTO_EXTEND_DURATION,
    ENDED,
    GLOBAL_ADMINISTRATOR_ID,
    LIVE,
    MAX_DURATION,
    MIN_DURATION,
    AdminRelationship,
    AdminRelationshipRequest,
    GdapApproval,
    RelationshipStatus,
    RequestAction,
    RequestStatus,
    RoleDefinition,
    TerminatedSide,
)

__all__ = [
    "AUTO_EXTEND_DURATION", "ENDED", "GLOBAL_ADMINISTRATOR_ID", "LIVE", "MAX_DURATION", "MIN_DURATION", "AccessAssignment", "AccessAssignmentOperation", "AdminRelationship",
    "AdminRelationshipRequest", "AssignmentStatus", "GdapApproval", "OperationStatus", "RelationshipStatus",
    "RequestAction", "RequestStatus", "RoleDefinition", "RoleTemplate", "RoleTemplateAssignment", "SecurityGroup",
    "SecurityGroupMember", "TerminatedSide",
]
