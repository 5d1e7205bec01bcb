"""`make demo`: migrate, load the demo data, print the sign-ins and serve on a loopback address.

The demo hands out every account through the developer outbox, so it listens on a loopback address
unless the person running it asks for another one explicitly (`make demo HOST=0.0.0.0 DEMO_PUBLIC=yes`).
"""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def demo_address_check(host: str, port: str, *, public: bool) -> None:
    """Refuse a bind address the demo should not listen on; raise CommandError with the reason."""
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"PORT={port!r} is not a port number (1-65535).")
    if not host:
        raise CommandError("HOST is empty.")
    if not is_loopback_host(host) and not public:
        raise CommandError(
            f"Refusing to serve the demo on HOST={host}: it is not a loopback address, and the demo's "
            "accounts and password are public. To serve it to other machines anyway, say so explicitly: "
            f"make demo HOST={host} DEMO_PUBLIC=yes (the developer outbox stays visible only on this machine)."
        )


def browse_url(host: str, port: str) -> str:
    host = host.strip("[]")
    if host in {"0.0.0.0", "::"}:  # noqa: S104 - all interfaces: this machine reaches it on loopback
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"  # noqa: S104
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "Check the bind address, migrate, load the demo data, print the sign-ins, run the dev server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--public", default="no", help="'yes' allows a non-loopback HOST")
        parser.add_argument("--no-serve", action="store_true", help="stop after loading (tests)")

    def handle(self, *args: object, **options: object) -> None:
        host, port = str(options["host"]).strip(), str(options["port"]).strip()
        public = str(options["public"]).strip().lower() in {"yes", "true", "1"}
        demo_address_check(host, port, public=public)
        url = browse_url(host, port)
        if not os.environ.get("SITE_URL"):
            # Links in the demo's mails point at the address the server really listens on; the
            # dev server's child process reads the same environment.
            os.environ["SITE_URL"] = url.rstrip("/")
            settings.SITE_URL = url.rstrip("/")
        # The dev server's autoreloader runs this command again in its child process (RUN_MAIN):
        # the data is loaded and the banner printed once, by the parent.
        reloaded_child = os.environ.get("RUN_MAIN") == "true"
        if not reloaded_child:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
            call_command("load_demo", url=url, stdout=self.stdout)
        if not is_loopback_host(host) and not reloaded_child:
            self.stdout.write(self.style.WARNING(
                f"Serving on {host}: anyone who reaches this machine can sign in with the demo accounts. "
                "Add the host name to ALLOWED_HOSTS to be reachable under it."))
        if options["no_serve"]:
            return
        if reloaded_child:
            # The serving process (the autoreloader's child): eager tasks and no beat process, so the
            # periodic sweeps run in a thread here (paced bulk invitation mails, expiry, resumed jobs).
            from partnercenter.beat import start_in_process_beat

            if start_in_process_beat() is not None:
                self.stdout.write("In-process beat started (the periodic sweeps of CELERY_BEAT_SCHEDULE).")
        bind = f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"
        call_command("runserver", bind, use_ipv6=":" in host)
