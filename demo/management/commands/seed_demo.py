from django.core.management.base import BaseCommand

from confidentiality.demo import PEOPLE
from demo.school import seed

# A published demo password for a throwaway demo school, never for real accounts.
DEFAULT_PASSWORD = "demo-school-2026"  # noqa: S105


class Command(BaseCommand):
    help = "Create (idempotently) a small believable demo school with its people and records."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=None, help="password for every demo user")

    def handle(self, *args, password=None, **options):
        seed(password or DEFAULT_PASSWORD, reset_passwords=password is not None)
        self.stdout.write(self.style.SUCCESS("The demo school is ready."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/accounts/login/ as any of:")
        for username, first, last, role, *_ in PEOPLE:
            self.stdout.write(f"  {username:<10} {first} {last} – {role.label}")
        shown = password or DEFAULT_PASSWORD
        self.stdout.write(f"Password for all of them: {shown}")
        self.stdout.write(
            "The DSL, deputy and head teacher are asked to set up two-factor sign-in "
            "before they can open confidential records; the chair of governors and the clerk "
            "before the governing body's confidential minutes."
        )
