"""Partner users (F11): the Users pages, roles, deactivation, invitations (namespace "members",
mounted at /users/ by partnercenter/urls.py). Each area's routes follow its own comment line."""

from django.urls import path  # noqa: F401

from members.views import groups, invites, users

app_name = "members"

urlpatterns: list = [
    # Users list, a user's page, roles, deactivate / reactivate.
    path("", users.user_list, name="list"),
    path("<int:user_id>/", users.user_detail, name="detail"),
    path("<int:user_id>/deactivate/", users.user_deactivate, name="deactivate"),
    path("<int:user_id>/reactivate/", users.user_reactivate, name="reactivate"),
    # A user's security groups, from their page: add, remove (confirmation).
    path("<int:user_id>/security-groups/add/", groups.user_group_add, name="group_add"),
    path("<int:user_id>/security-groups/<uuid:group_id>/remove/", groups.user_group_remove, name="group_remove"),
    # Invitations: Invite user, resend, revoke, the invitee's acceptance page.
    path("invite/", invites.invite_new, name="invite"),
    path("invitations/", invites.invitation_list, name="invitations"),
    path("invitations/<int:invitation_id>/resend/", invites.invitation_resend, name="invitation_resend"),
    path("invitations/<int:invitation_id>/revoke/", invites.invitation_revoke, name="invitation_revoke"),
    path("invitation/<str:token>/", invites.invitation_page, name="invitation"),
    path("invitation/<str:token>/signup/", invites.invitation_signup, name="invitation_signup"),
]
