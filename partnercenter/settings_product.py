"""Product settings: the knobs of the features (timeouts, sizes, rates), driven by the environment.

Imported into partnercenter.settings; a feature's new setting goes here, with a comment saying what it does.
"""

import environ

env = environ.Env()

# --- Product settings ---------------------------------------------------------------------------
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=30)
# A GDAP relationship waiting for the customer's approval expires after this many days (Microsoft: 90).
GDAP_APPROVAL_DAYS = env.int("GDAP_APPROVAL_DAYS", default=90)
# Advisor offers (F12): a reusable URL that may stay posted on a website; the partner deactivates it.
ADVISOR_OFFER_DAYS = env.int("ADVISOR_OFFER_DAYS", default=3650)
# An invitation of a partner user (members.MemberInvitation) is valid this many days.
MEMBER_INVITATION_DAYS = env.int("MEMBER_INVITATION_DAYS", default=7)
CUSTOMERS_PAGE_SIZE = env.int("CUSTOMERS_PAGE_SIZE", default=50)
# Background jobs (jobs/): a running job writes a heartbeat after every chunk; one silent for this long
# has lost its worker and is queued again. Longer than the slowest chunk of any job kind.
JOBS_STALE_SECONDS = env.int("JOBS_STALE_SECONDS", default=300)
# One task runs a job for at most this long, then queues its next slice (well below the visibility timeout).
JOBS_TASK_SECONDS = env.int("JOBS_TASK_SECONDS", default=240)
# --- Interfaces for programs (README "For programs") ---------------------------------------------------
# API apps get bearer tokens by the OAuth2 client credentials grant (django-oauth-toolkit) at /oauth2/token/.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
API_TOKEN_SECONDS = env.int("API_TOKEN_SECONDS", default=3600)
# After "Rotate secret" an app's previous secret keeps working this many hours, then it is dead.
API_SECRET_GRACE_HOURS = env.int("API_SECRET_GRACE_HOURS", default=24)
# A POST's answer stored under its Idempotency-Key is replayed this many hours, then purged (api.idempotency).
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": API_TOKEN_SECONDS,
    # Per area read-only or read/write (api.models.SCOPE_AREAS; a test keeps the two in step).
    "SCOPES": {f"{area}.{level}": f"{area}: {level}" for area in ("customers", "relationships", "subscriptions",
                                                                  "gdap", "webhooks") for level in ("read", "write")},
    "SCOPES_BACKEND_CLASS": "api.oauth.AppScopes",
    "OAUTH2_VALIDATOR_CLASS": "api.oauth.AppValidator",
    # RFC 9700 (OAuth 2.0 Security BCP): only the client credentials grant is used; everything else is
    # held to the compliant behaviour (tokens stored hashed, no tokens in query strings, PKCE, https).
    "PKCE_REQUIRED": True, "ALLOWED_REDIRECT_URI_SCHEMES": ["https"], "REFRESH_TOKEN_REUSE_PROTECTION": True,
    **{f"COMPLIANT_BCP_RFC9700_{name}": True for name in ("IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD",
       "ACCESS_TOKEN_TRANSPORT", "AUTHZ_RESPONSE_ISS", "TOKEN_STORAGE", "REFRESH_TOKEN", "REDIRECT_URI_SCHEME", "PKCE_REQUIRED")},
}
# Requests per partner (all its apps together); over it a 429 with Retry-After.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="500/min")
# Webhooks (webhooks/): a registration failing for this long is disabled and its Global admins mailed; a
# rotated secret keeps signing beside the new one for the overlap. Loopback targets (and plain http to
# them) only for development and tests: never on a real site (server-side request forgery).
WEBHOOKS_DISABLE_AFTER_HOURS = env.int("WEBHOOKS_DISABLE_AFTER_HOURS", default=24)
WEBHOOKS_SECRET_OVERLAP_HOURS = env.int("WEBHOOKS_SECRET_OVERLAP_HOURS", default=24)
WEBHOOKS_ALLOW_LOOPBACK = env.bool("WEBHOOKS_ALLOW_LOOPBACK", default=False)
# Mail (partnercenter/outbox.py). A commit wakes a drain task (coalesced through the cache for
# OUTBOX_WAKE_SECONDS at most), which sends up to OUTBOX_DRAIN_MAX due mails over its SMTP connection,
# claiming OUTBOX_CLAIM_SIZE rows per commit (at most once per row: a worker killed mid-batch leaves up to
# that many rows 'sending', which the sweep marks failed rather than send twice). A retrying row's own task
# sends it, then up to OUTBOX_BATCH_SIZE more.
OUTBOX_WAKE_SECONDS = env.int("OUTBOX_WAKE_SECONDS", default=60)
# Drain tasks that may be queued side by side (a worker's concurrency is a good value).
OUTBOX_DRAINS = env.int("OUTBOX_DRAINS", default=2)
OUTBOX_DRAIN_MAX = env.int("OUTBOX_DRAIN_MAX", default=2000)
OUTBOX_CLAIM_SIZE = env.int("OUTBOX_CLAIM_SIZE", default=20)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
# Acceptances of relationship requests (invitations/services/processing.py): with a worker and a shared cache a
# click wakes one of ACCEPTANCE_DRAINS drain tasks (the wake-up key lives ACCEPTANCE_WAKE_SECONDS at most if
# its task is lost; the sweep re-queues what waits), which processes up to ACCEPTANCE_DRAIN_MAX of them, one
# transaction each, then queues a successor.
ACCEPTANCE_DRAINS = env.int("ACCEPTANCE_DRAINS", default=2)
ACCEPTANCE_DRAIN_MAX = env.int("ACCEPTANCE_DRAIN_MAX", default=500)
ACCEPTANCE_WAKE_SECONDS = env.int("ACCEPTANCE_WAKE_SECONDS", default=60)
# Seconds a mail server may take to answer before the send fails and is retried; without it a hung server
# holds the worker (and the rows it claimed) forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Bulk invitations ("Invite many customers"): the uploaded CSV's size limit (checked before the body is
# read), and how many of its mails the outbox sends per minute (each mail gets its send_after; 0: unpaced,
# every mail due as soon as its chunk commits).
BULK_INVITATION_MAX_BYTES = env.int("BULK_INVITATION_MAX_BYTES", default=2 * 1024 * 1024)
BULK_INVITATION_MAILS_PER_MINUTE = env.int("BULK_INVITATION_MAILS_PER_MINUTE", default=120)
# At most this many rows per file (a 10,001-row file is refused).
BULK_INVITATION_MAX_ROWS = env.int("BULK_INVITATION_MAX_ROWS", default=10_000)
# A checked file that was never sent is deleted (with its addresses) this many days after the upload.
BULK_PREVIEW_KEEP_DAYS = env.int("BULK_PREVIEW_KEEP_DAYS", default=7)
