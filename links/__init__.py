"""One lifecycle for every tokenised link (relationship requests, partnership requests, and the
kinds to come: GDAP approvals, partner-user invitations, advisor offers, bulk invitations)."""
