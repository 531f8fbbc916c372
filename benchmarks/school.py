"""The school the benchmark measures: a PostgreSQL database per size, seeded once
(``seed_demo``, with ``--scale`` for the large and medium schools), and what it holds."""

import os
import subprocess
import sys
import time

import psycopg

from .environment import ROOT

SCALES = ("large", "medium", "small", "demo")


def database_url(scale: str) -> str:
    return os.environ.get("BENCH_DATABASE_URL") or (
        f"postgres://postgres@127.0.0.1:5432/confidentiality_bench_{scale}"
    )


def _admin(url: str):
    import dj_database_url

    db = dj_database_url.parse(url)
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("The benchmark runs on PostgreSQL: BENCH_DATABASE_URL must be postgres://...")
    return db, psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _has_children(url: str) -> bool:
    db, admin = _admin(url)
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if exists.fetchone() is None:
            admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
            return False
    with psycopg.connect(url) as conn:
        table = conn.execute("SELECT to_regclass('records_student')").fetchone()[0]
        return (
            table is not None
            and conn.execute("SELECT EXISTS (SELECT 1 FROM records_student)").fetchone()[0]
        )


def _manage(env, *args):
    # Seeding is long and the machine is shared: it yields to everything else.
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        cwd=ROOT,
        preexec_fn=lambda: os.nice(10),  # no threads here
    )


def seed_command_knows_scale() -> bool:
    source = ROOT / "demo" / "management" / "commands" / "seed_demo.py"
    return "--scale" in source.read_text()


def ensure(scale: str, env: dict[str, str]) -> None:
    """Migrate the database, and seed it if it holds no children yet."""
    url = env["DATABASE_URL"]
    seeded = _has_children(url)
    _manage(env, "migrate", "--no-input", "-v0")
    if seeded:
        return
    args = ["seed_demo"]
    if scale != "demo":
        if not seed_command_knows_scale():
            sys.exit(f"seed_demo has no --scale yet: run with BENCH_SCALE=demo, not {scale}.")
        args += ["--scale", scale]
    print(f"Seeding the {scale} school into {url} (once)...", flush=True)
    start = time.monotonic()
    _manage(env, *args)
    print(f"Seeded in {time.monotonic() - start:.0f} s.", flush=True)


def row_counts() -> dict[str, int]:
    """What the school holds, in the words of the report (Django must be set up)."""
    from auditlog.models import LogEntry
    from django.contrib.auth import get_user_model

    from confidentiality.roles import Role
    from records.models import ParentLink, Student
    from safeguarding.models import CaseNote, Concern

    people = get_user_model().objects
    return {
        "pupils": Student.objects.count(),
        "parents": people.with_roles(Role.PARENT).count(),
        "links between parents and pupils": ParentLink.objects.count(),
        "concerns": Concern.objects.count(),
        "case notes": CaseNote.objects.count(),
        "audit entries": LogEntry.objects.count(),
    }
