"""Production refuses to start without real secrets; with them, check --deploy is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from confidentiality import environment

ROOT = Path(__file__).resolve().parent.parent
SECRETS = {
    "SECRET_KEY": "x" * 20 + "-production-secret-key-that-is-long-and-random-9f8e7d6c",
    "FIELD_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
    "BLIND_INDEX_KEY": "blind-index-key-for-tests-only-0123456789",
    "AUDIT_CHAIN_KEY": "audit-chain-key-for-tests-only-0123456789",
    "BACKUP_KEY": "backup-key-for-tests-only-0123456789abcdef",
}


def _manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in SECRETS and k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    # The checks do not depend on the database; a throwaway SQLite file keeps this test from
    # needing the real database of whichever run it is part of.
    base["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'settings-guard.sqlite3'}"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_production_without_secrets(tmp_path, monkeypatch):
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ImproperlyConfigured, match="Refusing to start with DEBUG=false"):
        environment.load_secrets(debug=False, local_file=tmp_path / "keys.json")
    assert not (tmp_path / "keys.json").exists()


def test_it_generates_development_keys_once(tmp_path, monkeypatch):
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    first = environment.load_secrets(debug=True, local_file=tmp_path / "keys.json")
    second = environment.load_secrets(debug=True, local_file=tmp_path / "keys.json")
    assert first == second
    assert len(first["SECRET_KEY"]) >= 50
    assert oct((tmp_path / "keys.json").stat().st_mode)[-3:] == "600"


def test_manage_py_fails_loudly_in_production_without_secrets():
    result = _manage("check", env={"DEBUG": "false", "ALLOWED_HOSTS": "school.example"})
    assert result.returncode != 0
    assert "Refusing to start with DEBUG=false" in result.stderr


PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "school.example",
    "LADO_CONTACT": "Local authority designated officer: 01632 960000",
    "CHILDRENS_SERVICES_FRONT_DOOR": "Children's social care front door: 01632 960222",
}


def test_check_deploy_passes_with_real_secrets():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=SECRETS | PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_asks_for_the_lado_contact():
    env = SECRETS | PRODUCTION | {"LADO_CONTACT": ""}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "safeguarding.W001" in result.stdout + result.stderr


def test_check_deploy_asks_for_the_childrens_services_front_door():
    env = SECRETS | PRODUCTION | {"CHILDRENS_SERVICES_FRONT_DOOR": ""}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "safeguarding.W002" in result.stdout + result.stderr
    assert "CHILDRENS_SERVICES_FRONT_DOOR is not set" in result.stdout + result.stderr


def test_a_bad_flag_is_an_error(monkeypatch):
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        environment.flag("DEBUG", default=False)
