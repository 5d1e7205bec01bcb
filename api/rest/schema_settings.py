"""drf-spectacular's settings (partnercenter.settings imports them): the OpenAPI document of every API
route at /v1/openapi.json and its reference page at /v1/reference/ (api.rest.schema), both public; Swagger
UI and Redoc from the drf-spectacular-sidecar package, never a CDN. Plain data: read before Django is set up."""

SPECTACULAR_SETTINGS = {
    "TITLE": "Partner Center API",
    "VERSION": "1.0",
    "DESCRIPTION": (
        "Partner Center REST v1 (`/v1/`), Microsoft Graph-compatible GDAP (`/v1.0/tenantRelationships/`) and "
        "webhook registration (`/webhooks/v1/`) of this portal. Get a bearer token by the OAuth2 client "
        "credentials grant at `POST /oauth2/token/` with an API app's client id and secret, then send "
        "`Authorization: Bearer <token>`. Errors: `{code, description, data, source}` (REST v1), "
        "`{\"error\": {code, message}}` (Graph)."
    ),
    "SERVERS": [{"url": "/", "description": "This portal"}],
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "PREPROCESSING_HOOKS": ["api.rest.schema.only_api_views"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.rest.schema.error_responses"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "displayOperationId": True},
}
