"""Microsoft Graph-compatible GDAP (API.md section 1) that the official msgraph-sdk client drives."""
