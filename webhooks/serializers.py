"""Request and response bodies of /webhooks/v1/registration (Partner Center's casing)."""

from __future__ import annotations

from rest_framework import serializers

from api.rest.serializers_common import RestErrorSerializer  # noqa: F401  (the one REST error component)
from webhooks.catalog import EVENT_NAMES
from webhooks.rules import MAX_URL


class RegistrationInSerializer(serializers.Serializer):
    WebhookUrl = serializers.CharField(max_length=MAX_URL)
    WebhookEvents = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_NAMES), min_length=1,
                                          max_length=len(EVENT_NAMES))


class RegistrationOutSerializer(serializers.Serializer):
    SubscriberId = serializers.UUIDField(source="pk")
    WebhookUrl = serializers.CharField(source="url")
    WebhookEvents = serializers.ListField(child=serializers.CharField(), source="events")
    Status = serializers.CharField(source="status")


class RegistrationCreatedSerializer(RegistrationOutSerializer):
    WebhookSecret = serializers.CharField(allow_null=True, help_text=(
        "The Standard Webhooks signing secret; returned only here, once. null when the answer is an "
        "Idempotency-Key replay: the secret is never stored with the replayed answer."))


class CorrelationSerializer(serializers.Serializer):
    correlationId = serializers.UUIDField()  # noqa: N815


class AttemptSerializer(serializers.Serializer):
    attemptNumber = serializers.IntegerField(source="number")  # noqa: N815
    statusCode = serializers.IntegerField(source="status_code", allow_null=True)  # noqa: N815
    durationMs = serializers.IntegerField(source="duration_ms")  # noqa: N815
    responseExcerpt = serializers.CharField(source="response_excerpt")  # noqa: N815
    error = serializers.CharField()
    succeeded = serializers.BooleanField(source="ok")
    attemptedAt = serializers.DateTimeField(source="at")  # noqa: N815


class ValidationEventSerializer(serializers.Serializer):
    correlationId = serializers.UUIDField(source="uuid")  # noqa: N815
    webhookId = serializers.CharField(source="webhook_id")  # noqa: N815
    eventName = serializers.CharField(source="name")  # noqa: N815
    status = serializers.CharField()
    nextAttemptAt = serializers.DateTimeField(source="next_attempt_at", allow_null=True)  # noqa: N815
    attempts = AttemptSerializer(many=True, source="attempt_list")


