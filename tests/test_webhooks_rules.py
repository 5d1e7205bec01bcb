"""Where a webhook may point (no server-side request forgery) and how it is signed (Standard Webhooks,
verified with the standardwebhooks package, rotation overlap included)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from partnercenter.errors import Invalid
from tests.webhooks_support import PUBLIC_IP, dns  # noqa: F401  (fixture)
from webhooks import http
from webhooks.models import Registration
from webhooks.rules import address_refusal, target_check
from webhooks.services import secret_generate

REFUSED = [
    "127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.1.1",
    "169.254.169.254", "fd00:ec2::254", "fe80::1", "fc00::1", "224.0.0.1", "ff02::1", "0.0.0.0", "::",
    "240.0.0.1", "255.255.255.255", "192.0.2.1", "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "64:ff9b::a00:1", "198.18.0.1",
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", REFUSED)
def test_every_non_public_address_class_is_refused(address):
    assert address_refusal(ipaddress.ip_address(address), allow_loopback=False) is not None


@pytest.mark.parametrize("address", ALLOWED)
def test_public_unicast_addresses_are_allowed(address):
    assert address_refusal(ipaddress.ip_address(address), allow_loopback=False) is None


def test_the_loopback_setting_allows_loopback_only_never_private_or_metadata():
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        assert address_refusal(ipaddress.ip_address(address), allow_loopback=True) is None
    for address in ("10.0.0.1", "169.254.169.254", "fd00:ec2::254", "192.168.0.1"):
        assert address_refusal(ipaddress.ip_address(address), allow_loopback=True) is not None


def _message(url: str, **kwargs) -> str:  # noqa: ANN003
    with pytest.raises(Invalid) as caught:
        target_check(url, **kwargs)
    assert caught.value.field == "url"
    return caught.value.message


def test_https_only_and_a_host_without_credentials(dns):  # noqa: F811
    dns["hooks.example.com"] = [PUBLIC_IP]
    assert "https://" in _message("http://hooks.example.com/x", allow_loopback=False)
    assert "https://" in _message("ftp://hooks.example.com/x", allow_loopback=False)
    assert "https://" in _message("http://127.0.0.1:8080/x", allow_loopback=False)
    assert "password" in _message("https://user:pw@hooks.example.com/x", allow_loopback=False)
    assert "host" in _message("https:///x", allow_loopback=False)
    assert "host" in _message("https://hooks.example.com:99999/x", allow_loopback=False)
    assert "too long" in _message("https://hooks.example.com/" + "a" * 2000, allow_loopback=False)
    target = target_check("https://hooks.example.com:8443/in?x=1", allow_loopback=False)
    assert (target.scheme, target.host, target.port, target.path, target.addresses) == (
        "https", "hooks.example.com", 8443, "/in?x=1", (PUBLIC_IP,))


def test_a_dns_answer_mixing_public_and_private_addresses_is_refused(dns):  # noqa: F811
    dns["mixed.example.com"] = [PUBLIC_IP, "10.0.0.7"]
    dns["v6.example.com"] = ["2606:4700:4700::1111", "fe80::1"]
    dns["meta.example.com"] = ["169.254.169.254"]
    for host in ("mixed", "v6", "meta"):
        assert "public addresses" in _message(f"https://{host}.example.com/", allow_loopback=False)
    assert "resolved" in _message("https://unknown.example.com/", allow_loopback=False)
    for literal in ("https://[::1]/", "https://[fd00:ec2::254]/", "https://169.254.169.254/latest/meta-data",
                    "https://[::ffff:7f00:1]/"):
        assert "public addresses" in _message(literal, allow_loopback=False)


def test_plain_http_goes_only_to_loopback_and_only_with_the_setting(dns):  # noqa: F811
    dns["hooks.example.com"] = [PUBLIC_IP]
    assert target_check("http://127.0.0.1:9/x", allow_loopback=True).addresses == ("127.0.0.1",)
    assert "https://" in _message("http://hooks.example.com/x", allow_loopback=True)


def _registration(**kwargs) -> Registration:  # noqa: ANN003
    return Registration(secret=secret_generate(), **kwargs)


def test_the_signature_verifies_with_standardwebhooks_and_breaks_when_the_body_changes():
    registration = _registration()
    now = datetime.now(UTC)
    body = http.body_of({"EventName": "test-created", "ResourceName": "Test"})
    headers = http.headers_for(registration.signing_secrets(), msg_id="msg_1", timestamp=now, body=body)
    assert set(headers) >= {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert Webhook(registration.secret).verify(body, headers) == {"EventName": "test-created", "ResourceName": "Test"}
    with pytest.raises(WebhookVerificationError):
        Webhook(registration.secret).verify(body.replace("Test", "Evil"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret_generate()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(registration.secret).verify(body, {**headers, "webhook-id": "msg_2"})


def test_during_the_overlap_both_secrets_verify_and_after_it_only_the_new_one():
    old, new = secret_generate(), secret_generate()
    now = datetime.now(UTC)
    registration = _registration(previous_secret=old, previous_secret_expires_at=now + timedelta(hours=24))
    registration.secret = new
    body = "{}"
    headers = http.headers_for(registration.signing_secrets(now), msg_id="msg_x", timestamp=now, body=body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(body, headers)
    Webhook(new).verify(body, headers)
    later = now + timedelta(hours=25)
    assert registration.signing_secrets(later) == [new]
    headers = http.headers_for(registration.signing_secrets(later), msg_id="msg_x", timestamp=now, body=body)
    Webhook(new).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(body, headers)


def test_a_secret_is_a_whsec_base64_key_of_32_bytes_and_never_the_same_twice():
    import base64

    secret = secret_generate()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret != secret_generate()


def test_any_text_as_a_url_is_either_a_checked_target_or_an_invalid_beside_the_field():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from webhooks import rules

    answers = {"ok.example": [PUBLIC_IP], "bad.example": ["10.0.0.1"]}

    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("no such host")
        return answers[host]

    @settings(max_examples=300, deadline=None)
    @given(st.one_of(st.text(max_size=80), st.from_regex(r"\Ahttps?://[a-z.:\[\]0-9@%]{0,30}/?[^\s]{0,20}\Z")))
    def check(url: str) -> None:
        try:
            target = target_check(url, allow_loopback=False)
        except Invalid as exc:
            assert exc.field == "url" and exc.message
        else:
            assert target.scheme == "https" and target.addresses == (PUBLIC_IP,) or all(
                address_refusal(ipaddress.ip_address(a), allow_loopback=False) is None for a in target.addresses)

    original = rules.resolver
    rules.resolver = resolve
    try:
        check()
    finally:
        rules.resolver = original
