from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from partnercenter.demo import DEMO_PASSWORD, demo_load, demo_sign_ins


class Command(BaseCommand):
    help = "Load the demo partners, customers and users (once) and print the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="", help="the address the demo is served at (default SITE_URL)")

    def handle(self, *args: object, **options: object) -> None:
        created = demo_load()
        self.stdout.write("Demo data loaded." if created else "Demo data already present (nothing changed).")
        self.stdout.write("")
        url = str(options.get("url") or settings.SITE_URL.rstrip("/") + "/")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}) at {url}")
        for email, tenant, roles, language in demo_sign_ins():
            self.stdout.write(f"  {email:<36} {tenant:<32} {roles:<28} {language}")
