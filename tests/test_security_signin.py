"""Sign-in limits nobody can turn against an account's owner, and the client address behind a proxy."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from partnercenter.clientip import client_ip
from partnercenter.roles import Role
from tests.conftest import login_post
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache(clear_cache):
    yield


_login = login_post


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_failures_from_one_address_do_not_lock_the_owner_out_of_another(partner):
    victim = member(partner, Role.GLOBAL_ADMIN, email="victim@contoso.example")
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for _ in range(8):
        _login(attacker, victim.email, "wrong-password")
    # The attacker's address is locked for this account, even with the right password...
    locked = Client(REMOTE_ADDR="198.51.100.66")
    response = _login(locked, victim.email, "partnercenter")
    assert not _signed_in(locked)
    assert response.status_code == 429 or b"Too many failed login attempts" in response.content
    # ...the owner, from their own address, signs in.
    owner = Client(REMOTE_ADDR="203.0.113.20")
    assert _login(owner, victim.email, "partnercenter").status_code == 302
    assert _signed_in(owner)


def test_an_address_is_limited_across_accounts(partner, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip,5/5m/key"}
    users = [member(partner, Role.SALES_AGENT) for _ in range(4)]
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for user in users[:3]:
        _login(attacker, user.email, "wrong-password")
    _login(attacker, users[3].email, "partnercenter")
    assert not _signed_in(attacker)


def test_the_per_account_ceiling_holds_across_addresses(partner, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "6/h/key"}
    victim = member(partner, Role.GLOBAL_ADMIN, email="victim@contoso.example")
    for i in range(6):
        _login(Client(REMOTE_ADDR=f"198.51.100.{i + 1}"), victim.email, "wrong-password")
    blocked = Client(REMOTE_ADDR="203.0.113.20")
    _login(blocked, victim.email, "partnercenter")
    assert not _signed_in(blocked)


def test_a_successful_sign_in_does_not_count_against_the_limits(partner, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "20/m/ip,2/5m/key",
                                    "login_failed_account": "2/h/key"}
    user = member(partner, Role.GLOBAL_ADMIN)
    for _ in range(4):
        client = Client(REMOTE_ADDR="203.0.113.20")
        assert _login(client, user.email, "partnercenter").status_code == 302


def test_sign_ins_behind_a_trusted_proxy_are_counted_per_real_client(partner, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    victim = member(partner, Role.GLOBAL_ADMIN, email="victim@contoso.example")
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(8):
        proxy.post("/accounts/login/", {"login": victim.email, "password": "wrong"},
                   HTTP_X_FORWARDED_FOR="198.51.100.66")
    owner = Client(REMOTE_ADDR="10.0.0.5")
    response = owner.post("/accounts/login/", {"login": victim.email, "password": "partnercenter"},
                          HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert response.status_code == 302 and _signed_in(owner)


def _request(remote: str, forwarded: str | None = None):  # noqa: ANN202
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxy_settings_the_socket_address_counts_whatever_the_header_says(settings):
    settings.TRUSTED_PROXIES, settings.PROXY_COUNT = [], 0
    assert client_ip(_request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("10.0.0.5", "203.0.113.9", "203.0.113.9"),
    ("10.0.0.5", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own claim is ignored
    ("10.0.0.5", "203.0.113.9, 10.0.0.4", "203.0.113.9"),  # two proxies of ours
    ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not from our proxy: the header is not trusted
    ("10.0.0.5", "", "10.0.0.5"),
    ("10.0.0.5", "garbage", "10.0.0.5"),
    ("10.0.0.5", "2001:db8::1", "2001:db8::1"),
    ("", "203.0.113.9", "203.0.113.9"),  # gunicorn on a Unix socket behind the proxy
])
def test_trusted_proxies(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES, settings.PROXY_COUNT = ["10.0.0.0/8"], 0
    assert client_ip(_request(remote, forwarded)) == expected
    # One address for the activity log, allauth's limits and the portal's own.
    from allauth.account.adapter import get_adapter

    from partnercenter.views import client_ip as activity_ip

    assert activity_ip(_request(remote, forwarded)) == expected
    assert get_adapter().get_client_ip(_request(remote, forwarded)) == expected


@pytest.mark.parametrize(("forwarded", "count", "expected"), [
    ("203.0.113.9", 1, "203.0.113.9"),
    ("6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),
    ("6.6.6.6, 203.0.113.9, 10.0.0.4", 2, "203.0.113.9"),
    ("203.0.113.9", 2, "10.0.0.5"),  # fewer hops than configured: the socket address
])
def test_proxy_count(settings, forwarded, count, expected):
    settings.TRUSTED_PROXIES, settings.PROXY_COUNT = [], count
    assert client_ip(_request("10.0.0.5", forwarded)) == expected


def test_allauths_own_limits_answer_with_the_localised_429_page(partner, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    client = Client(REMOTE_ADDR="198.51.100.66")
    client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    response = client.post("/accounts/login/", {"login": "a@example.com", "password": "x"},
                           HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 429
    assert response.headers["Content-Language"] == "de"
    assert 'lang="de"' in response.content.decode()
