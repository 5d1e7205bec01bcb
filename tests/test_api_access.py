"""Issue 12 §1, credentials: rotating an app's secret (the previous one works for API_SECRET_GRACE_HOURS,
then is dead; by HTTP Basic and in the body), revoking (tokens deleted, the app kept), a deactivated
registrant's app stopping through the members service, and `manage.py api_client_create`."""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from api import rules
from api.models import ApiApp
from api.services import api_app_revoke, api_app_secret_rotate
from members.services.roles import member_deactivate
from partnercenter.errors import Code, DomainError
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.api_support import READ_SCOPES, api_app, bearer_client, token_for, token_response
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_test_urls")]

REST = "/api-test/rest/"


def basic_token_response(app: ApiApp, secret: str):  # noqa: ANN201
    credentials = base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()
    return Client().post("/oauth2/token/", {"grant_type": "client_credentials"},
                         HTTP_AUTHORIZATION=f"Basic {credentials}")


def works(app: ApiApp, secret: str) -> tuple[bool, bool]:
    """(the body grant succeeds, the HTTP Basic grant succeeds) with `secret`."""
    return token_response(app, secret).status_code == 200, basic_token_response(app, secret).status_code == 200


# --- rules ---------------------------------------------------------------------------------------------


def test_rules_refuse_rotating_or_revoking_a_revoked_app_and_a_stale_rotation():
    with pytest.raises(DomainError) as info:
        rules.check_rotate(revoked=True, version=1, expected_version=1)
    assert info.value.code == Code.REVOKED
    with pytest.raises(DomainError) as info:
        rules.check_rotate(revoked=False, version=2, expected_version=1)
    assert info.value.code == Code.STALE
    rules.check_rotate(revoked=False, version=2, expected_version=2)
    rules.check_rotate(revoked=False, version=2, expected_version=None)
    with pytest.raises(DomainError) as info:
        rules.check_revoke(revoked=True)
    assert info.value.code == Code.REVOKED
    with pytest.raises(DomainError) as info:
        rules.check_registrant(active_member=False)
    assert (info.value.code, info.value.field) == (Code.FORBIDDEN, "registrant")


def test_a_deactivated_user_registers_no_app(partner):
    agent = member(partner, Role.GLOBAL_ADMIN)
    agent.memberships.update(is_active=False)
    with pytest.raises(DomainError) as info:
        api_app(partner, registrant=agent)
    assert info.value.field == "registrant"
    assert not ApiApp.objects.exists()


# --- rotation ------------------------------------------------------------------------------------------


def test_after_rotation_both_secrets_work_until_the_grace_period_ends_then_only_the_new(partner, settings):
    settings.API_SECRET_GRACE_HOURS = 24
    app, old = api_app(partner)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        new = api_app_secret_rotate(app=app, actor=app.created_by, expected_version=1)
        assert new != old and app.secret_version == 2
        assert works(app, old) == (True, True) and works(app, new) == (True, True)
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        assert works(app, old) == (True, True)
    with time_machine.travel(start + timedelta(hours=24, seconds=1), tick=False):
        assert works(app, old) == (False, False)
        refused = basic_token_response(app, old)
        assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
        assert works(app, new) == (True, True)
    assert old not in app.previous_secret and new not in app.application.client_secret
    entry = ActivityLog.objects.get(tenant=partner, kind="api.app_secret_rotated")
    assert entry.data == {"app": app.name, "client_id": app.client_id, "grace_hours": 24, "ended_old_secret": False}
    assert entry.actor == app.created_by


def test_ending_the_old_secret_now_refuses_it_at_once_and_stops_the_apps_tokens(partner, settings):
    settings.API_SECRET_GRACE_HOURS = 24
    app, old = api_app(partner)
    other, other_secret = api_app(partner, name="PSA")
    client, bystander = bearer_client(token_for(app, old)), bearer_client(token_for(other, other_secret))
    assert client.get(REST).status_code == 200
    new = api_app_secret_rotate(app=app, actor=app.created_by, expected_version=1, end_old_secret=True)
    assert works(app, old) == (False, False) and works(app, new) == (True, True)
    refused = token_response(app, old)
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    assert client.get(REST).status_code == 401
    assert bystander.get(REST).status_code == 200  # another app's tokens are untouched
    app.refresh_from_db()
    assert (app.previous_secret, app.previous_secret_expires_at, app.secret_version) == ("", None, 2)
    assert app.revoked_at is None and bearer_client(token_for(app, new)).get(REST).status_code == 200
    entry = ActivityLog.objects.get(tenant=partner, kind="api.app_secret_rotated")
    assert entry.data == {"app": app.name, "client_id": app.client_id, "grace_hours": 0, "ended_old_secret": True}


def test_a_second_rotation_kills_the_first_secret_at_once_and_a_stale_one_rotates_nothing(partner):
    app, first = api_app(partner)
    second = api_app_secret_rotate(app=app, actor=app.created_by, expected_version=1)
    with pytest.raises(DomainError) as info:
        api_app_secret_rotate(app=app, actor=app.created_by, expected_version=1)  # the same page, sent again
    assert info.value.code == Code.STALE
    third = api_app_secret_rotate(app=app, actor=app.created_by, expected_version=2)
    assert works(app, first) == (False, False)
    assert works(app, second) == (True, True) and works(app, third) == (True, True)


def test_no_grace_period_means_the_previous_secret_stops_at_once(partner, settings):
    settings.API_SECRET_GRACE_HOURS = 0
    app, old = api_app(partner)
    new = api_app_secret_rotate(app=app, actor=app.created_by)
    assert works(app, old) == (False, False) and works(app, new) == (True, True)


def test_another_apps_previous_secret_is_no_key_to_this_one(partner):
    app, _secret = api_app(partner)
    other, other_old = api_app(partner, name="PSA")
    api_app_secret_rotate(app=other, actor=other.created_by)
    assert works(app, other_old) == (False, False)


# --- revocation and deactivation ---------------------------------------------------------------------


def test_revoking_deletes_the_tokens_keeps_the_app_and_no_secret_gets_a_token(partner):
    app, secret = api_app(partner)
    new = api_app_secret_rotate(app=app, actor=app.created_by)  # the previous secret is in its grace period
    token = token_for(app, new)
    client = bearer_client(token)
    assert client.get(REST).status_code == 200
    admin = member(partner, Role.GLOBAL_ADMIN)
    api_app_revoke(app=app, actor=admin)
    assert not AccessToken.objects.filter(application_id=app.application_id).exists()
    assert client.get(REST).status_code == 401
    refused = token_response(app, new)
    assert (refused.status_code, refused.json()["error"]) == (400, "unauthorized_client")
    assert token_response(app, secret).status_code == 401  # the grace period ended with the revocation
    app.refresh_from_db()
    assert app.revoked_at is not None and app.revoked_by == admin and app.previous_secret == ""
    entry = ActivityLog.objects.get(tenant=partner, kind="api.app_revoked")
    assert (entry.actor, entry.data["app"]) == (admin, app.name)
    with pytest.raises(DomainError) as info:
        api_app_revoke(app=app, actor=admin)
    assert info.value.code == Code.REVOKED
    with pytest.raises(DomainError):
        api_app_secret_rotate(app=app, actor=admin)


def test_deactivating_the_registrant_through_the_users_service_stops_the_apps_tokens_at_once(partner):
    admin = member(partner, Role.GLOBAL_ADMIN)
    registrant = member(partner, Role.GLOBAL_ADMIN)
    app, secret = api_app(partner, registrant=registrant)
    client = bearer_client(token_for(app, secret))
    assert client.get(REST).status_code == 200
    member_deactivate(tenant=partner, actor=admin, actor_roles=frozenset({Role.GLOBAL_ADMIN}),
                      user_id=registrant.pk)
    refused = client.get(REST)
    assert refused.status_code == 401 and "deactivated" in refused.json()["description"]
    no_token = token_response(app, secret)
    assert (no_token.status_code, no_token.json()["error"]) == (400, "unauthorized_client")


# --- manage.py api_client_create ---------------------------------------------------------------------


def _run(*args: str) -> dict[str, str]:
    out = io.StringIO()
    call_command("api_client_create", *args, stdout=out)
    return dict(line.split("=", 1) for line in out.getvalue().splitlines() if "=" in line)


def test_the_command_registers_an_app_whose_secret_gets_a_token(partner):
    agent = member(partner, Role.ADMIN_AGENT)
    first_admin = member(partner, Role.GLOBAL_ADMIN)
    member(partner, Role.GLOBAL_ADMIN)
    printed = _run("--partner", partner.mpn_id, "--name", "Nightly export", "--scopes", "customers.read,gdap.write",
                   "--roles", "admin_agent")
    app = ApiApp.objects.get(application__client_id=printed["client_id"])
    assert (app.name, app.partner, app.created_by) == ("Nightly export", partner, first_admin)
    assert (app.scopes, app.roles) == (["customers.read", "gdap.write"], ["admin_agent"])
    assert token_response(app, printed["client_secret"]).status_code == 200
    by_agent = _run("--partner", partner.mpn_id, "--name", "Helpdesk bot", "--registrant", agent.email.upper(),
                    "--roles", "helpdesk_agent")
    assert ApiApp.objects.get(application__client_id=by_agent["client_id"]).created_by == agent
    defaults = ApiApp.objects.get(application__client_id=_run("--partner", partner.mpn_id, "--name", "D")["client_id"])
    assert defaults.scopes == sorted(READ_SCOPES) and defaults.roles == ["global_admin"]


def test_the_command_keeps_the_pages_rules(partner):
    agent = member(partner, Role.ADMIN_AGENT)
    gone = member(partner, Role.GLOBAL_ADMIN)
    gone.memberships.update(is_active=False)
    stranger = member(PartnerFactory(), Role.GLOBAL_ADMIN)
    cases = [
        (["--partner", "0000000", "--name", "X"], "No partner has the MPN ID"),
        (["--partner", partner.mpn_id, "--name", "X", "--registrant", gone.email], "is not an active user"),
        (["--partner", partner.mpn_id, "--name", "X", "--registrant", stranger.email], "is not an active user"),
        (["--partner", partner.mpn_id, "--name", "X", "--registrant", agent.email, "--roles", "global_admin"],
         "roles: The app cannot act with the role Global admin"),
        (["--partner", partner.mpn_id, "--name", "X", "--registrant", agent.email, "--scopes", "everything"],
         "scopes: Choose scopes from the list."),
        (["--partner", partner.mpn_id, "--name", " ", "--registrant", agent.email], "name: Enter a name"),
    ]
    for args, message in cases:
        with pytest.raises(CommandError, match=message):
            _run(*args)
    assert not ApiApp.objects.exists()
    no_admin = PartnerFactory()
    member(no_admin, Role.SALES_AGENT)
    with pytest.raises(CommandError, match="has no active Global admin"):
        _run("--partner", no_admin.mpn_id, "--name", "X")


def test_the_demo_has_one_app_of_the_direct_partner_and_prints_no_secret():
    from partnercenter.demo import demo_load

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    app = ApiApp.objects.select_related("partner", "created_by").get()
    assert (app.name, app.partner.mpn_id, app.partner.partner_type, app.created_by.email) == (
        "Contoso billing sync", "1234567", "direct", "admin@contoso.example")
    assert "secret" not in out.getvalue().lower() and demo_load() is False
