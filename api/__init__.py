"""Interfaces for programs: OAuth2 client credentials for API apps, Partner Center REST v1 (`api.rest`)
and Microsoft Graph-compatible GDAP (`api.graph`). An API view maps a request to a service call and a
domain error to the API's error shape, nothing more (ENGINEERING.md)."""
