"""The environment the benchmark and the load test run the site in: as production would
(``DEBUG=false``, every secret set, static files collected, HTTPS only), with the keys that
sealed the benchmark's database, the development key file's (``seed_demo`` seals with them).

Only what production keeps elsewhere is moved aside: the static files, the cache and the audit
checkpoint live under ``var/bench/``, so a benchmark never touches the development server's;
emails go to memory, as no mail server listens here (the email tasks are queued all the same)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
SETTINGS = "benchmarks.settings"


def development_secrets() -> dict[str, str]:
    """The keys ``seed_demo`` sealed the database with (made once if this machine has none)."""
    sys.path.insert(0, str(ROOT))
    from confidentiality import environment

    local = ROOT / "var" / "local-secrets.json"
    if not local.exists() or set(environment.SECRETS) - set(json.loads(local.read_text())):
        environment.load_secrets(True, local)
    stored = json.loads(local.read_text())
    return {name: stored[name] for name in environment.SECRETS}


def production(database_url: str) -> dict[str, str]:
    VAR.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        **development_secrets(),
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "BENCH_STATIC_ROOT": str(VAR / "static"),
        "CACHE_DIR": str(VAR / "cache"),
        "AUDIT_CHECKPOINT_FILE": str(VAR / "audit-checkpoint.json"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }


def collect_static(env: dict[str, str]) -> None:
    """The hashed static files a ``DEBUG=false`` site serves (whitenoise's manifest)."""
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v0"],
        env=env,
        check=True,
        cwd=ROOT,
    )
