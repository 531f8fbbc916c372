"""Benchmarks against a large seeded school on PostgreSQL.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/confidentiality_bench \
        .venv/bin/python benchmarks/run.py [--students 10000]

Seeds (once) a school of N students in 400 classes with medical sections, then reports:
encryption of 10,000 values, the student list (50 permitted of N) against a bare-Django list,
the student page with and without access logging, and query counts that must not grow with rows.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confidentiality.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/confidentiality_bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEAT = 40


def ensure_database():
    import psycopg

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Benchmarks run on PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    admin = psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"],
        dbname="postgres",
        autocommit=True,
    )
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()
    call_command("migrate", verbosity=0)


def seed(n_students: int):
    from confidentiality import roles
    from confidentiality.models import User
    from records.grants import sync_students
    from records.models import RecordSection, Student, TeachingGroup

    if Student.objects.count() >= n_students:
        return
    t0 = time.perf_counter()
    teacher, _ = User.objects.get_or_create(username="bench_teacher")
    teacher.groups.add(roles.group_for(roles.Role.TEACHER))
    groups = TeachingGroup.objects.bulk_create(
        [TeachingGroup(name=f"Bench {i:03d}", year_group=1 + i % 6) for i in range(400)]
    )
    students = [
        Student(
            first_name=f"First{i:05d}",
            last_name=f"Last{i:05d}",
            year_group=1 + i % 6,
            upn=f"B{i:012d}",
            date_of_birth=date(2015 + i % 6, 1 + i % 12, 1 + i % 28),
            nhs_number=f"{400 + i % 100} {100 + i % 900} {1000 + i}",
        )
        for i in range(n_students)
    ]
    Student.objects.bulk_create(students, batch_size=1000)
    through = TeachingGroup.students.through
    through.objects.bulk_create(
        [
            through(teachinggroup_id=groups[i % 400].pk, student_id=s.pk)
            for i, s in enumerate(students)
        ],
        batch_size=2000,
    )
    RecordSection.objects.bulk_create(
        [
            RecordSection(
                student=s, kind="medical", details={"allergies": "Peanuts", "care_plan": "x"}
            )
            for s in students[::3]
        ],
        batch_size=1000,
    )
    # The bench teacher teaches two classes: 50 children of the whole school.
    staff = TeachingGroup.staff.through
    staff.objects.bulk_create(
        [staff(teachinggroup_id=g.pk, user_id=teacher.pk) for g in groups[:2]]
    )
    # Every other class gets a teacher too, so the grant tables hold a whole school's grants.
    others = User.objects.bulk_create([User(username=f"bench_t{i:03d}") for i in range(2, 400)])
    staff.objects.bulk_create(
        [
            staff(teachinggroup_id=g.pk, user_id=u.pk)
            for g, u in zip(groups[2:], others, strict=True)
        ]
    )
    sync_students([s.pk for s in students])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {n_students} students in {time.perf_counter() - t0:.1f}s")


def timed(client, url, repeat=REPEAT):
    client.get(url)  # warm caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples) * 1000


def paired(client, first, second, repeat=REPEAT * 2):
    """Median times of two (url, setup) cases measured alternately, so that drift in a shared
    machine's speed falls on both equally."""
    times = ([], [])
    for url, setup in (first, second):
        setup(True)
        client.get(url)  # warm caches
        setup(False)
    for _ in range(repeat):
        for index, (url, setup) in enumerate((first, second)):
            setup(True)
            start = time.perf_counter()
            response = client.get(url)
            times[index].append(time.perf_counter() - start)
            setup(False)
            assert response.status_code == 200, (url, response.status_code)
    return tuple(statistics.median(t) * 1000 for t in times)


def no_setup(active):
    return None


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=10_000)
    args = parser.parse_args()
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    ensure_database()
    seed(args.students)

    from confidentiality import access
    from confidentiality.crypto.keyring import keyring
    from confidentiality.models import User
    from records.models import Student

    rows = []
    ring = keyring()
    start = time.perf_counter()
    sealed = [ring.seal(f"value {i}", f"ctx#{i}") for i in range(10_000)]
    middle = time.perf_counter()
    for i, s in enumerate(sealed):
        ring.open(s, f"ctx#{i}", "bench")
    end = time.perf_counter()
    rows.append(("encrypt 10,000 values (AES-GCM)", f"{(middle - start) * 1000:.1f} ms", ""))
    rows.append(("decrypt 10,000 values", f"{(end - middle) * 1000:.1f} ms", ""))

    teacher = User.objects.get(username="bench_teacher")
    client = Client()
    client.force_login(teacher)
    permitted = access.restrict(Student.objects.all(), teacher, "records.view_student").count()
    list_ms, base_list_ms = paired(
        client, ("/records/students/", no_setup), ("/bench/baseline-list/", no_setup)
    )
    rows.append(
        (
            f"student list, {permitted} permitted of {Student.objects.count()}",
            f"{list_ms:.1f} ms",
            f"{list_ms / base_list_ms:.2f}x bare Django ({base_list_ms:.1f} ms)",
        )
    )
    rows.append(
        (
            "  queries (list page)",
            str(queries(client, "/records/students/")),
            f"bare Django: {queries(client, '/bench/baseline-list/')}",
        )
    )

    mine = access.restrict(Student.objects.all(), teacher, "records.view_student")
    pupil = mine.order_by("pk").first()
    detail = f"/records/students/{pupil.pk}/"
    import confidentiality.access as door

    real = door.record_access

    def without_logging(active):
        door.record_access = (lambda *a, **k: None) if active else real

    with_log, without_log = paired(client, (detail, no_setup), (detail, without_logging))
    base_detail = timed(client, f"/bench/baseline-detail/{pupil.pk}/")
    rows.append(
        (
            "student page with access logging",
            f"{with_log:.1f} ms",
            f"{with_log / without_log:.2f}x the same page without it ({without_log:.1f} ms)",
        )
    )
    rows.append(
        ("  vs bare-Django detail", "", f"{with_log / base_detail:.2f}x ({base_detail:.1f} ms)")
    )
    rows.append(("  queries (student page)", str(queries(client, detail)), ""))

    print()
    print("| measurement | value | ratio |\n| --- | --- | --- |")
    for name, value, ratio in rows:
        print(f"| {name} | {value} | {ratio} |")


if __name__ == "__main__":
    main()
