"""Shapes every Partner Center REST v1 route shares: the error body (api.errors.rest_body), links and
collections, and the error responses a view declares for the OpenAPI document."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from api.errors import error_responses


class ErrorDetailSerializer(serializers.Serializer):
    field = serializers.CharField(allow_blank=True)
    message = serializers.CharField()
    code = serializers.CharField()


class RestErrorSerializer(serializers.Serializer):
    """{code: int, description, data: [...], source: "PartnerCenter", errorName} (api.errors.rest_body)."""

    code = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    data = ErrorDetailSerializer(many=True)
    source = serializers.CharField()
    errorName = serializers.CharField()  # noqa: N815  (the API's casing)


class AttributesSerializer(serializers.Serializer):
    objectType = serializers.CharField()  # noqa: N815


class HeaderSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.CharField()


class LinkSerializer(serializers.Serializer):
    uri = serializers.CharField()
    method = serializers.CharField()
    headers = HeaderSerializer(many=True)


class SelfLinksSerializer(serializers.Serializer):
    self = LinkSerializer()


class CollectionLinksSerializer(serializers.Serializer):
    self = LinkSerializer()
    next = LinkSerializer(required=False, help_text="The next page (its MS-ContinuationToken in headers); "
                                                    "absent on the last page.")


class CollectionAttributesSerializer(serializers.Serializer):
    objectType = serializers.ChoiceField(choices=["Collection"])  # noqa: N815


class CollectionSerializer(serializers.Serializer):
    """A page of a REST v1 list (api.rest.paging.collection); a subclass declares its `items`."""

    totalCount = serializers.IntegerField(help_text="The number of items in this page.")  # noqa: N815
    links = CollectionLinksSerializer()
    attributes = CollectionAttributesSerializer()


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers of a REST v1 (or webhooks) method: 401, 403 and 429 always, plus `codes`."""
    return error_responses(RestErrorSerializer, 401, 403, 429, *codes)


def link(uri: str, method: str = "GET", headers: list[dict[str, str]] | None = None) -> dict:
    return {"uri": uri, "method": method, "headers": headers or []}


REQUEST_ID_PARAMETERS = [
    OpenApiParameter("MS-RequestId", str, OpenApiParameter.HEADER, required=False,
                     description="Your id of this request; echoed (one is generated when missing)."),
    OpenApiParameter("MS-CorrelationId", str, OpenApiParameter.HEADER, required=False,
                     description="Your id tying several requests together; echoed."),
]
