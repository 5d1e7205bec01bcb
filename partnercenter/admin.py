from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from partnercenter.models import (
    ActivityLog,
    CompanyProfile,
    CountryRegion,
    Membership,
    OutboxEmail,
    Region,
    Tenant,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "language", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class CountryRegionInline(admin.TabularInline):
    model = CountryRegion
    extra = 1


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    inlines = [CountryRegionInline]


@admin.register(CountryRegion)
class CountryRegionAdmin(admin.ModelAdmin):
    list_display = ["country", "region"]
    list_filter = ["region"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "primary_domain", "country", "cloud", "partner_type", "mpn_id", "created_at"]
    list_filter = ["kind", "cloud", "partner_type"]
    search_fields = ["name", "primary_domain", "mpn_id"]
    inlines = [MembershipInline]
    # A changed name or primary domain reaches the Customers list's copies by a database trigger
    # (customers/migrations/0006_relationship_copies_trigger.py).


@admin.register(CompanyProfile)
class CompanyProfileAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "support_email", "phone"]
    search_fields = ["legal_name"]


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    """Read-only: nothing in the activity log is editable."""

    list_display = ["created_at", "tenant", "kind", "actor_email", "customer"]
    list_filter = ["kind"]
    search_fields = ["actor_email"]
    raw_id_fields = ["tenant", "customer", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to_email", "subject", "status", "attempts"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]

    def has_add_permission(self, request):
        return False
