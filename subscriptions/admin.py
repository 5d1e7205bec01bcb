from django.contrib import admin

from subscriptions.models import Offer, Order, OrderLine, Subscription, SubscriptionEvent


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "product", "unit_type", "min_quantity", "max_quantity", "is_trial", "term",
                    "billing_cycle", "is_active"]
    list_filter = ["is_trial", "term", "billing_cycle", "is_active", "unit_type"]
    search_fields = ["name", "sku", "product"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["offer", "subscription"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "partner", "customer", "ordered_by", "partner_of_record", "created_at"]
    raw_id_fields = ["partner", "customer", "ordered_by", "partner_of_record"]
    inlines = [OrderLineInline]


class SubscriptionEventInline(admin.TabularInline):
    model = SubscriptionEvent
    extra = 0
    readonly_fields = ["kind", "status", "quantity", "detail", "actor", "created_at"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["id", "offer", "customer", "partner", "quantity", "status", "partner_of_record"]
    list_filter = ["status"]
    raw_id_fields = ["partner", "customer", "offer", "partner_of_record", "support_contact"]
    inlines = [SubscriptionEventInline]
