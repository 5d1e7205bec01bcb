from django.core.management.base import BaseCommand

from partnercenter.demo import DEMO_PASSWORD, demo_load, demo_sign_ins


class Command(BaseCommand):
    help = "Load the demo partners, customers and users (once) and print the demo sign-ins."

    def handle(self, *args: object, **options: object) -> None:
        created = demo_load()
        self.stdout.write("Demo data loaded." if created else "Demo data already present.")
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}) at http://127.0.0.1:8000/")
        for email, tenant, roles in demo_sign_ins():
            self.stdout.write(f"  {email:<36} {tenant:<32} {roles}")
