"""The demo's developer outbox and `make demo`: served only on this machine, never an operator's mail,
a loopback bind address unless asked otherwise, the port and the real address in the banner."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from partnercenter.models import OutboxEmail, User
from partnercenter.roles import Role
from tests.factories import UserFactory, member

ROOT = Path(__file__).resolve().parent.parent
REMOTE = "203.0.113.7"

pytestmark = pytest.mark.django_db


def _mail(to: str, subject: str = "Reset your password") -> OutboxEmail:
    return OutboxEmail.objects.create(kind="password_reset_key", to_email=to, language="en", subject=subject,
                                      body="http://127.0.0.1:8000/accounts/password/reset/key/secret/")


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_the_outbox_is_served_to_loopback_clients(address):
    row = _mail("anna@contoso.example", subject="Welcome Anna")
    client = Client(REMOTE_ADDR=address)
    assert "Welcome Anna" in client.get("/dev/outbox/").content.decode()
    assert client.get(f"/dev/outbox/{row.id}/").status_code == 200


@pytest.mark.parametrize("address", [REMOTE, "10.0.0.5", "::ffff:203.0.113.7", "2001:db8::1", "", "garbage"])
def test_the_outbox_is_a_404_for_anyone_else_whatever_headers_they_send(address, partner):
    row = _mail("anna@contoso.example")
    client = Client(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR="127.0.0.1", HTTP_X_REAL_IP="127.0.0.1",
                    HTTP_FORWARDED="for=127.0.0.1")
    assert client.get("/dev/outbox/").status_code == 404
    assert client.get(f"/dev/outbox/{row.id}/").status_code == 404
    # Nor is it offered in the navigation of a signed-in user on another machine.
    client.force_login(member(partner, Role.GLOBAL_ADMIN))
    assert "/dev/outbox/" not in client.get("/customers/").content.decode()
    local = Client()
    local.force_login(member(partner, Role.GLOBAL_ADMIN))
    assert "/dev/outbox/" in local.get("/customers/").content.decode()


def test_the_outbox_is_off_without_the_setting(settings):
    settings.DEV_OUTBOX_ENABLED = False
    assert Client().get("/dev/outbox/").status_code == 404


def test_mail_to_superusers_and_staff_is_never_listed_nor_opened():
    User.objects.create_superuser(email="operator@partnercenter.example", password="x" * 12)
    UserFactory(email="staff@partnercenter.example", is_staff=True)
    secondary = UserFactory(email="root@partnercenter.example", is_superuser=True)
    secondary.emailaddress_set.create(email="other.root@partnercenter.example", verified=True)
    hidden = [_mail("operator@partnercenter.example", "Operator reset"),
              _mail("Operator@PartnerCenter.example", "Operator reset upper"),
              _mail("staff@partnercenter.example", "Staff reset"),
              _mail("other.root@partnercenter.example", "Secondary reset")]
    shown = _mail("anna@contoso.example", "Anna reset")
    client = Client()
    page = client.get("/dev/outbox/").content.decode()
    assert "Anna reset" in page
    for row in hidden:
        assert row.subject not in page
        assert client.get(f"/dev/outbox/{row.id}/").status_code == 404
    assert client.get(f"/dev/outbox/{shown.id}/").status_code == 200


def test_an_anonymous_password_reset_for_the_operator_does_not_reach_the_outbox_page():
    User.objects.create_superuser(email="operator@partnercenter.example", password="x" * 12)
    client = Client()
    client.post("/accounts/password/reset/", {"email": "operator@partnercenter.example"})
    row = OutboxEmail.objects.get(to_email="operator@partnercenter.example")
    assert "/accounts/password/reset/key/" in row.body
    assert "operator@partnercenter.example" not in client.get("/dev/outbox/").content.decode()
    assert client.get(f"/dev/outbox/{row.id}/").status_code == 404


# --- make demo ------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "partners.example.com"])
def test_the_demo_refuses_a_non_loopback_address(host, monkeypatch):
    calls = []
    monkeypatch.setattr("partnercenter.management.commands.demo.call_command", lambda *a, **k: calls.append(a))
    with pytest.raises(CommandError, match="DEMO_PUBLIC=yes"):
        call_command("demo", host=host, port="8000")
    assert calls == []  # nothing migrated, loaded or served


@pytest.mark.parametrize(("host", "public", "bind", "url"), [
    ("127.0.0.1", "no", "127.0.0.1:8123", "http://127.0.0.1:8123/"),
    ("localhost", "no", "localhost:8123", "http://localhost:8123/"),
    ("::1", "no", "[::1]:8123", "http://[::1]:8123/"),
    ("0.0.0.0", "yes", "0.0.0.0:8123", "http://127.0.0.1:8123/"),
])
def test_the_demo_serves_on_the_asked_address_and_port(host, public, bind, url, monkeypatch, settings):
    calls = []
    monkeypatch.setattr("partnercenter.management.commands.demo.call_command",
                        lambda *a, **k: calls.append((a, k)))
    monkeypatch.delenv("SITE_URL", raising=False)
    call_command("demo", host=host, port="8123", public=public)
    names = [a[0] for a, _k in calls]
    assert names == ["migrate", "createcachetable", "load_demo", "runserver"]
    assert calls[2][1]["url"] == url
    assert calls[3][0][1] == bind
    assert settings.SITE_URL + "/" == url and os.environ["SITE_URL"] + "/" == url  # links in the demo's mails


def test_the_dev_servers_reloaded_child_does_not_load_again(monkeypatch):
    calls = []
    monkeypatch.setattr("partnercenter.management.commands.demo.call_command", lambda *a, **k: calls.append(a[0]))
    monkeypatch.setenv("RUN_MAIN", "true")
    # The serving child starts the in-process beat; here it is only asked for (a real thread would go on
    # running the sweeps in this test process after the test, against later tests' databases).
    beats = []
    monkeypatch.setattr("partnercenter.beat.start_in_process_beat", lambda: beats.append(1))
    call_command("demo", host="127.0.0.1", port="8000")
    assert calls == ["runserver"] and beats == [1]


@pytest.mark.parametrize("port", ["", "0", "80000", "eighty"])
def test_the_demo_refuses_a_bad_port(port):
    with pytest.raises(CommandError, match="PORT"):
        call_command("demo", host="127.0.0.1", port=port)


def test_the_banner_prints_the_real_address_and_re_running_changes_nothing():
    from io import StringIO

    out = StringIO()
    call_command("load_demo", url="http://127.0.0.1:8123/", stdout=out)
    text = out.getvalue()
    assert "Demo data loaded." in text and "at http://127.0.0.1:8123/" in text
    assert "agent@contoso.example" in text and "German" in text and "Hungarian" in text
    counts = (User.objects.count(), OutboxEmail.objects.count())
    again = StringIO()
    call_command("load_demo", url="http://127.0.0.1:8123/", stdout=again)
    assert "already present" in again.getvalue()
    assert (User.objects.count(), OutboxEmail.objects.count()) == counts


def _make(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "TESTING"}}
    # -o: take the virtualenv as installed (never pip install from a test); a throw-away database.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    return subprocess.run(["make", "-s", "-o", ".venv/.installed", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_make_demo_refuses_a_public_host_before_doing_anything(tmp_path):
    result = _make("demo", "HOST=0.0.0.0", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "Refusing to serve the demo on HOST=0.0.0.0" in result.stderr
    assert not (tmp_path / "demo.sqlite3").exists()


def test_make_demo_passes_host_port_and_the_explicit_consent(tmp_path):
    result = _make("-n", "demo", "HOST=0.0.0.0", "PORT=8123", "DEMO_PUBLIC=yes", tmp_path=tmp_path)
    assert 'manage.py demo --host "0.0.0.0" --port "8123" --public "yes"' in result.stdout
    default = _make("-n", "demo", tmp_path=tmp_path)
    assert 'manage.py demo --host "127.0.0.1" --port "8000" --public "no"' in default.stdout
