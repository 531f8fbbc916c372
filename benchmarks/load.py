"""``make load``: the school under load, as production serves it, then the bare page likewise.

    BENCH_SCALE=large|medium|small|demo   the school, as for ``make bench`` (default large)
    BENCH_USERS=20 BENCH_SPAWN=5 BENCH_SECONDS=60 BENCH_WORKERS=2 BENCH_LOAD_WAIT=0

Gunicorn serves the site on 127.0.0.1 over HTTPS (a throwaway certificate) with ``DEBUG=false``
and every secret set (``environment.py``). Locust (``locustfile.py``) runs the people of several
roles for a minute, then, for the throughput ratio, as many people asking for the bare-Django
page. Each person sends their next request as soon as the last is answered (no think time, unless
``BENCH_LOAD_WAIT`` says so): the throughput is what the server can do, and the times include the
queue. Then every concern the teachers sent is looked for in the database (stored, routed to the
team as alerts and queued emails, audited) and each worker's memory is read from /proc. The
results go to ``benchmarks/results.md`` under "Load".

The people's authenticator devices (``load test``, with a code the locustfile computes) are made
here, in the benchmark's database only: never by the demo seed."""

import csv
import datetime
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import environment, school  # noqa: E402

HERE = Path(__file__).resolve().parent
DEVICE_NAME = "load test"
MOST_PER_KIND = 8
PASSWORD = "demo-school-2026"  # noqa: S105 - the demo school's published password
# Left to ``make bench``: at the medium school each takes tens of seconds (bench, 2026-11-30),
# and a few of them would hold every worker for the whole minute.
LEFT_OUT = {"Longest chronology, PDF", "Head's performance files"}


# --- the people -----------------------------------------------------------------------------


def _ready(user):
    """The person can sign in with the demo password, has accepted the agreement, and has no
    lock-out from an earlier run."""
    from axes.utils import reset

    from confidentiality.models import ConfidentialityAgreement

    if not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    current = ConfidentialityAgreement.objects.current()
    if user.must_sign_agreement and current is not None:
        current.accept(user)
    reset(username=user.username)


def _authenticator(user) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user, name=DEVICE_NAME).delete()
    key = secrets.token_hex(20)
    TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    return key


def _teacher_pages(teacher):
    from django.urls import reverse

    from benchmarks import pages

    group = pages._fullest_class(teacher)
    child = pages._busiest_children(group.students.all())[0]
    return child, [
        ("Teacher dashboard", reverse("dashboard")),
        ("Teacher's student list", reverse("records:student_list")),
        ("Teacher's fullest class", reverse("records:class_detail", args=[group.pk])),
        ("Student page (teacher)", reverse("records:student_detail", args=[child.pk])),
    ]


def plan(posted: Path) -> dict:
    """Who signs in, with which code and which pages, for the locustfile."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from benchmarks import pages
    from benchmarks.baseline import PATH
    from confidentiality.roles import Role
    from records.models import ParentLink

    people = get_user_model().objects
    key_pages = [p for p in pages.key_pages() if p.method == "get" and p.name not in LEFT_OUT]

    def by(person):
        return [(p.name, p.path) for p in key_pages if p.person == person]

    accounts = {"team": [], "teachers": [], "parents": [], "governors": []}
    team_pages = {"dsl": by("dsl"), "deputy": by("dsl"), "head": by("head")}
    for username, own in team_pages.items():
        user = people.get(username=username)
        _ready(user)
        if username == "head":
            own = [("head's dashboard", reverse("dashboard")), *own]
        accounts["team"].append({"username": username, "totp": _authenticator(user), "pages": own})
    teachers = people.with_roles(Role.TEACHER).filter(teaching_groups__isnull=False).distinct()
    for teacher in sorted(teachers, key=lambda t: (not t.username.startswith("teacher"), t.pk))[
        :MOST_PER_KIND
    ]:
        _ready(teacher)
        child, own = _teacher_pages(teacher)
        accounts["teachers"].append(
            {"username": teacher.username, "child": str(child.pk), "pages": own}
        )
    parents = people.with_roles(Role.PARENT).filter(pk__in=ParentLink.objects.values("parent"))
    for parent in sorted(parents, key=lambda p: (not p.username.startswith("parent"), p.pk))[
        :MOST_PER_KIND
    ]:
        _ready(parent)
        children = ParentLink.objects.filter(parent=parent).values_list("student", flat=True)
        accounts["parents"].append(
            {
                "username": parent.username,
                "pages": [("Parent portal", reverse("portal:home"))]
                + [("Parent portal, a child", reverse("portal:child", args=[c])) for c in children],
            }
        )
    governing = by("governor") + by("clerk")
    for username in ("governor", "clerk", "governor2", "governor3"):
        user = people.filter(username=username).first()
        if user is not None:
            _ready(user)
            accounts["governors"].append({"username": username, "pages": governing})
    return {
        "password": PASSWORD,
        "accounts": accounts,
        "posted": str(posted),
        "baseline": PATH,
    }


# --- the server -----------------------------------------------------------------------------


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1: production is HTTPS only."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cores() -> tuple[list[str], list[str]]:
    """``taskset`` prefixes for the server and for locust: apart when there are cores to spare
    (four or more), else none (on two cores, pinning would starve PostgreSQL)."""
    count = os.cpu_count() or 1
    if count < 4:
        return [], []
    return (["taskset", "-c", f"0-{count - 2}"], ["taskset", "-c", str(count - 1)])


def start_server(env, port, workers, cert, key, prefix, log):
    command = [
        *prefix,
        sys.executable,
        "-m",
        "gunicorn",
        "confidentiality.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--certfile",
        str(cert),
        "--keyfile",
        str(key),
        "--error-logfile",
        str(log),
        "--timeout",
        "120",
    ]
    with open(log, "ab") as output:  # noqa: PTH123 - the request log would drown the report
        server = subprocess.Popen(  # noqa: S603
            command, env=env, cwd=environment.ROOT, stdout=output, stderr=output
        )
    import ssl
    import urllib.request

    context = ssl.create_default_context(cafile=str(cert))
    for _ in range(120):
        try:
            urllib.request.urlopen(  # noqa: S310 - our own server
                f"https://127.0.0.1:{port}/accounts/login/", context=context, timeout=5
            )
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn stopped at start: see {log}")
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"gunicorn did not answer in a minute: see {log}")


def worker_memory(master: int) -> list[int]:
    """Resident memory (KiB) of each of the master's worker processes."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]))
    return sizes


def run_locust(env, host, users, prefix, csv_prefix, classes, seconds, spawn):
    env = {
        **env,
        "BENCH_USERS": str(users),
        "BENCH_SECONDS": str(seconds),
        "BENCH_SIGN_IN_FIGURES": f"{csv_prefix}_sign_in.json",
    }
    command = [
        *prefix,
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn),
        "-t",
        # A cap only: the locustfile ends the run BENCH_SECONDS after the last sign-in.
        f"{seconds + 600}s",
        "--host",
        host,
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    subprocess.run(command, env=env, cwd=environment.ROOT, check=False)  # noqa: S603


def read_stats(csv_prefix: Path) -> list[dict]:
    with open(f"{csv_prefix}_stats.csv", newline="") as f:  # noqa: PTH123
        return list(csv.DictReader(f))


def read_sign_in(csv_prefix: Path) -> dict:
    path = Path(f"{csv_prefix}_sign_in.json")
    return json.loads(path.read_text()) if path.exists() else {}


def read_failures(csv_prefix: Path) -> list[dict]:
    path = Path(f"{csv_prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="") as f:  # noqa: PTH123
        return list(csv.DictReader(f))


# --- what the teachers sent -----------------------------------------------------------------


def check_concerns(posted_ids: list[str], teachers: list[str], since) -> dict:
    """Every concern the locust teachers sent: stored, raised by them, routed (an alert and a
    queued email for each of the team) and audited (its creation in the audit log)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult

    from safeguarding.models import Alert, Concern, Notification
    from safeguarding.routing import team_members

    team = len(team_members())
    stored = Concern.objects.filter(pk__in=posted_ids)
    in_window = {
        str(pk)
        for pk in Concern.objects.filter(
            raised_by__username__in=teachers, created_at__gte=since
        ).values_list("pk", flat=True)
    }
    # A concern may be stored whose answer locust never read (sent as the run stopped): it is
    # checked too, so none is routed or audited unseen.
    checked = sorted(set(posted_ids) | in_window)
    alerts = Alert.objects.filter(concern__in=checked)
    emails = Notification.objects.filter(concern__in=checked)
    email_ids = {str(pk) for pk in emails.values_list("pk", flat=True)}
    queued = set()
    for args in DBTaskResult.objects.filter(
        task_path__endswith="deliver_notification", enqueued_at__gte=since
    ).values_list("args_kwargs", flat=True):
        queued.update(str(a) for a in (args or {}).get("args", []))
    audited = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Concern),
        action=LogEntry.Action.CREATE,
        object_pk__in=checked,
    )
    return {
        "sent": len(posted_ids),
        "stored": stored.count(),
        "raised by the load's teachers in the window": len(in_window),
        "stored though its answer was not read as the run stopped": len(
            in_window - set(posted_ids)
        ),
        "checked below (sent, and those)": len(checked),
        "team members": team,
        "alerts": alerts.count(),
        "concerns with an alert for each of the team": sum(
            1 for pk in checked if alerts.filter(concern=pk).count() >= team
        )
        if len(checked) <= 2000
        else None,
        "emails": len(email_ids),
        "emails queued as tasks": len(email_ids & queued),
        "audited (creation entries)": audited.values("object_pk").distinct().count(),
    }


# --- the report -----------------------------------------------------------------------------


def _row(stat: dict) -> str:
    return (
        f"| {stat['Name']} | {stat['Request Count']} | {stat['Failure Count']} "
        f"| {float(stat['Requests/s']):.1f} | {stat['50%']} | {stat['95%']} | {stat['99%']} "
        f"| {float(stat['Max Response Time']):.0f} |"
    )


def _sign_in_rows(figures: dict) -> list[str]:
    return [
        f"| {name} | {f['count']} | {f['failures']} | | {f['p50']:.0f} | {f['p95']:.0f} "
        f"| {f['p99']:.0f} | {f['max']:.0f} |"
        for name, f in sorted(figures.items())
    ]


def load_section(*, scale, counts, config, mixed, bare, sign_in, failures, checks, memory, seconds):
    from benchmarks import report

    total = next(s for s in mixed if s["Name"] == "Aggregated")
    bare_total = next(s for s in bare if s["Name"] == "Aggregated")
    ratio = float(bare_total["Requests/s"]) / max(float(total["Requests/s"]), 1e-9)
    lines = [
        "## Load\n",
        f"Run {report.stamp()} by `make load` (BENCH_SCALE={scale}), {seconds:.0f} s in all.  ",
        f"Machine: {report.machine()}.  ",
        f"School: {report.counts_line(counts)}.\n",
        f"gunicorn, {config['workers']} sync workers, HTTPS on 127.0.0.1, `DEBUG=false`, every "
        f"secret set; locust {config['users']} users (spawned {config['spawn']}/s) for "
        f"{config['seconds']} s, think time {config['wait']} s, "
        f"{config['pinning']}. People: the DSL, the deputy and the head teacher (one each, "
        "signing in with their authenticator code), teachers (their pages, and logging concerns "
        "through the form), parents, governors and the clerk, in the proportions 10:5:2. "
        f"Left out (see the page table): {', '.join(sorted(LEFT_OUT))}.\n",
        f"Everyone signs in at once first (the password hash is slow on purpose); the "
        f"figures of the pages start once the last is in and run {config['seconds']} s from "
        "then. Signing in (with the pages of those already in while the last signed in):\n",
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *_sign_in_rows(sign_in),
        "",
        "Then the pages:\n",
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *[_row(s) for s in mixed if s["Request Count"] != "0"],
        "",
        "The bare-Django page under the same load (signed-in teachers, no think time):\n",
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *[_row(s) for s in bare if s["Request Count"] != "0"],
        "",
        f"Throughput: {float(total['Requests/s']):.1f} requests/s for the school's pages, "
        f"{float(bare_total['Requests/s']):.1f} for the bare page: the bare page goes "
        f"{ratio:.1f}x as fast. Errors: {total['Failure Count']} of {total['Request Count']} "
        f"requests (bare: {bare_total['Failure Count']}).",
    ]
    if failures:
        lines.append("")
        lines.append("| failed request | error | times |")
        lines.append("| --- | --- | ---: |")
        for f in failures:
            lines.append(f"| {f['Method']} {f['Name']} | {f['Error'][:120]} | {f['Occurrences']} |")
    lines.append("")
    lines.append(
        "Concerns sent by the load's teachers, looked for in the database afterwards: "
        + "; ".join(f"{name}: {value}" for name, value in checks.items() if value is not None)
        + "."
    )
    lines.append(
        "Memory (RSS) of each gunicorn worker: "
        + "; ".join(
            f"{when}: {', '.join(f'{kib / 1024:.0f} MiB' for kib in sizes)}"
            for when, sizes in memory.items()
        )
        + "."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    started = time.monotonic()
    scale = os.environ.get("BENCH_SCALE", "large")
    if scale not in school.SCALES:
        sys.exit(f"BENCH_SCALE must be one of {', '.join(school.SCALES)}, not {scale!r}")
    config = {
        "users": int(os.environ.get("BENCH_USERS", "20")),
        "spawn": int(os.environ.get("BENCH_SPAWN", "5")),
        "seconds": int(os.environ.get("BENCH_SECONDS", "60")),
        "workers": int(os.environ.get("BENCH_WORKERS", "2")),
        "wait": float(os.environ.get("BENCH_LOAD_WAIT", "0")),
    }
    env = environment.production(school.database_url(scale))
    school.ensure(scale, env)
    environment.collect_static(env)
    os.environ.update(env)

    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.db import connection
    from django.utils import timezone

    counts = school.row_counts()
    work = environment.VAR / "load"
    work.mkdir(parents=True, exist_ok=True)
    posted = work / "posted.txt"
    posted.write_text("")
    the_plan = plan(posted)
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(the_plan))
    plan_file.chmod(0o600)
    connection.close()  # idle through the run; reopened for the checks

    cert, key = _certificate(work / "tls")
    server_cores, locust_cores = _cores()
    config["pinning"] = (
        f"server on cores {server_cores[2]} and locust on core {locust_cores[2]}"
        if server_cores
        else "server and locust sharing every core (too few to pin apart)"
    )
    port = _free_port()
    host = f"https://127.0.0.1:{port}"
    load_env = {**env, "BENCH_LOAD_PLAN": str(plan_file), "BENCH_LOAD_WAIT": str(config["wait"])}
    since = timezone.now()
    server = start_server(
        env, port, config["workers"], cert, key, server_cores, work / "gunicorn.log"
    )
    memory = {"after start": worker_memory(server.pid)}
    try:
        classes = ["TeamUser", "TeacherUser", "ParentUser", "GovernorUser"]
        print(f"Load: {config['users']} people for {config['seconds']} s on {host}", flush=True)
        run_locust(
            load_env,
            host,
            config["users"],
            locust_cores,
            work / "school",
            classes,
            config["seconds"],
            config["spawn"],
        )
        memory["after the school's pages"] = worker_memory(server.pid)
        print("Load: the bare page", flush=True)
        run_locust(
            load_env,
            host,
            config["users"],
            locust_cores,
            work / "bare",
            ["BareUser"],
            config["seconds"],
            config["spawn"],
        )
        memory["after the bare page"] = worker_memory(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    posted_ids = [line for line in posted.read_text().split() if line]
    teachers = [a["username"] for a in the_plan["accounts"]["teachers"]]
    checks = check_concerns(posted_ids, teachers, since)
    section = load_section(
        scale=scale,
        counts=counts,
        config=config,
        mixed=read_stats(work / "school"),
        bare=read_stats(work / "bare"),
        sign_in=read_sign_in(work / "school"),
        failures=read_failures(work / "school") + read_failures(work / "bare"),
        checks=checks,
        memory=memory,
        seconds=time.monotonic() - started,
    )
    from benchmarks import report

    report.write_section(section)
    print(section)
    print(f"Written to {report.RESULTS} in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
