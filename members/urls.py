"""Partner users (F11): the Users pages, roles, deactivation, invitations (namespace "members",
mounted at /users/ by partnercenter/urls.py). Each area's routes follow its own comment line."""

from django.urls import path  # noqa: F401

app_name = "members"

urlpatterns: list = [
    # Users list, a user's page, roles, deactivate / reactivate.
    # Invitations: Invite user, resend, revoke, the invitee's acceptance page.
]
