import time

from django.core.management.base import BaseCommand

from confidentiality.demo import PEOPLE
from demo.school import seed

# A published demo password for a throwaway demo school, never for real accounts.
DEFAULT_PASSWORD = "demo-school-2026"  # noqa: S105


class Command(BaseCommand):
    help = "Create (idempotently) a small believable demo school with its people and records."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=None, help="password for every demo user")
        parser.add_argument(
            "--scale",
            choices=["small", "medium", "large"],
            default=None,
            help="also seed a very large school on top of the demo (large: 30,000 pupils, "
            "300,000 concerns, 5,000,000 audit entries; medium a tenth; small a thousandth)",
        )

    def handle(self, *args, password=None, scale=None, **options):
        began = time.monotonic()
        people = seed(password or DEFAULT_PASSWORD, reset_passwords=password is not None)
        if scale:
            self._seed_scale(scale, people, password or DEFAULT_PASSWORD, began)
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

    def _seed_scale(self, scale, people, password, began):
        from demo.scale.school import seed_scale

        self.stdout.write(f"The demo school took {time.monotonic() - began:.1f}s.")

        def log(line):
            self.stdout.write(line)
            self.stdout.flush()

        times = seed_scale(scale, people, password, log=log)
        if times is None:
            self.stdout.write(f"This database already holds the {scale} school: nothing to do.")
            return
        total = sum(times.values())
        self.stdout.write(
            self.style.SUCCESS(f"The {scale} school was seeded in {total:.1f}s: ")
            + ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in times.items())
        )
