"""Django admin: the role catalog is operator data (editable); relationships, groups and templates are
written by the services (events, versions, rules), so the admin shows them read-only."""

from django.contrib import admin

from gdap.models import (
    AccessAssignment,
    AdminRelationship,
    AdminRelationshipRequest,
    GdapApproval,
    RoleDefinition,
    RoleTemplate,
    SecurityGroup,
)


@admin.register(RoleDefinition)
class RoleDefinitionAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "id", "highlight", "is_active"]
    list_filter = ["category", "is_active", "highlight"]
    list_editable = ["is_active"]
    search_fields = ["name", "id", "description_en"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class RequestInline(admin.TabularInline):
    model = AdminRelationshipRequest
    extra = 0
    fields = ["action", "status", "actor", "failure_code", "created_at", "last_modified_at"]
    readonly_fields = fields
    can_delete = False


class AssignmentInline(admin.TabularInline):
    model = AccessAssignment
    extra = 0
    fields = ["security_group", "status", "version", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(AdminRelationship)
class AdminRelationshipAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "partner", "customer", "status", "end_at", "auto_extend_duration"]
    list_filter = ["status"]
    search_fields = ["display_name", "partner__name", "customer__name", "id"]
    raw_id_fields = ["partner", "customer", "created_by", "terminated_by", "template"]
    inlines = [RequestInline, AssignmentInline]


@admin.register(GdapApproval)
class GdapApprovalAdmin(ReadOnlyAdmin):
    list_display = ["relationship", "partner", "status", "expires_at", "token_last4"]
    list_filter = ["status"]
    exclude = ["token_digest"]


@admin.register(SecurityGroup)
class SecurityGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "partner", "created_at"]
    search_fields = ["name", "partner__name"]


@admin.register(RoleTemplate)
class RoleTemplateAdmin(ReadOnlyAdmin):
    list_display = ["name", "partner", "duration", "auto_extend_duration"]
    search_fields = ["name", "partner__name"]
