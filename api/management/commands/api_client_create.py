"""manage.py api_client_create --partner <MPN ID> --name NAME [--scopes s1,s2] [--roles r1,r2]
[--registrant email]: register an API app for operators and scripts, with the API access page's rules
(api.services.api_app_create), and print its client id and secret (the secret is not shown again)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.models import SCOPES
from api.selectors import partner_by_mpn_id, registrant_for
from api.services import api_app_create
from members.rules import ROLE_ORDER
from partnercenter.errors import DomainError
from partnercenter.roles import Role

DEFAULT_SCOPES = ",".join(sorted(name for name in SCOPES if name.endswith(".read")))


def _names(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class Command(BaseCommand):
    help = "Register an API app for a partner (by MPN ID) and print its client id and secret."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", required=True, help="the partner's MPN ID")
        parser.add_argument("--name", required=True, help="the app's name")
        parser.add_argument("--scopes", default=DEFAULT_SCOPES,
                            help=f"comma-separated, from: {', '.join(sorted(SCOPES))} (default: every .read)")
        parser.add_argument("--roles", default=Role.GLOBAL_ADMIN.value,
                            help=f"comma-separated, from: {', '.join(ROLE_ORDER)} (default: global_admin)")
        parser.add_argument("--registrant", default="",
                            help="the address of the active user it acts through (default: the partner's first "
                                 "active Global admin)")

    def handle(self, *args: object, **options: str) -> None:
        partner = partner_by_mpn_id(options["partner"])
        if partner is None:
            raise CommandError(f"No partner has the MPN ID {options['partner']!r}.")
        registrant = registrant_for(partner=partner, email=options["registrant"])
        if registrant is None:
            raise CommandError(f"{options['registrant']!r} is not an active user of {partner.name}."
                               if options["registrant"] else f"{partner.name} has no active Global admin.")
        try:
            app, secret = api_app_create(partner=partner, actor=registrant, name=options["name"],
                                         scopes=_names(options["scopes"]), roles=_names(options["roles"]))
        except DomainError as exc:
            raise CommandError(f"{exc.field or 'app'}: {exc.message}") from exc
        self.stdout.write(f"Registered {app.name!r} for {partner.name} (acting through {registrant.email}).")
        self.stdout.write(f"client_id={app.client_id}")
        self.stdout.write(f"client_secret={secret}")
        self.stdout.write("The secret is not shown again: keep it now.")
