"""The production files in deploy/ stay true to the application they deploy.

They are read, never run: every command a systemd unit starts is one manage.py has, the module
gunicorn loads exists, the environment example names every secret and every setting the
application reads, and the PostgreSQL setup keeps the audit tables out of the application role's
reach. ``make prod-check`` runs them for real.
"""

import ast
import configparser
import importlib.util
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands

from confidentiality.environment import SECRETS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def _environment_example() -> dict[str, str]:
    names = {}
    for line in (DEPLOY / "environment.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            names[name.strip()] = value
    return names


def _sql_statements() -> list[str]:
    """The setup file's statements, comments and psql's meta-commands left out."""
    text = (DEPLOY / "postgresql-setup.sql").read_text()
    lines = [
        line.split("--", 1)[0]
        for line in text.splitlines()
        if not line.lstrip().startswith("\\") and not line.lstrip().startswith("--")
    ]
    joined = " ".join(lines).replace("\\gexec", ";")
    return [" ".join(part.split()) for part in joined.split(";") if part.strip()]


def test_there_is_a_unit_for_each_process_production_runs():
    started = {shlex.split(_unit(p)["Service"]["ExecStart"])[0].rsplit("/", 1)[-1] for p in UNITS}
    commands = {_manage_command(p) for p in UNITS} - {None}
    assert "gunicorn" in started
    assert {
        "db_worker",
        "escalate_concerns",
        "send_training_reminders",
        "tell_of_ending_delegations",
        "backup",
    } <= commands


def _manage_command(path: Path) -> str | None:
    words = shlex.split(_unit(path)["Service"]["ExecStart"])
    if "manage.py" not in words:
        return None
    return words[words.index("manage.py") + 1]


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_unit_starts_an_existing_command_hardened(path):
    service = _unit(path)["Service"]
    command = _manage_command(path)
    if command is not None:
        assert command in get_commands(), f"{path.name} starts manage.py {command}, which is gone"
    else:
        assert "-c /srv/school/deploy/gunicorn.conf.py" in service["ExecStart"]
    assert service["User"] and service["User"] != "root"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["Restart"] == "always"
    writable = service["ReadWritePaths"].split()
    assert "/srv/school/var" in writable and "/var/backups/school" in writable
    assert service["EnvironmentFile"] == "/etc/school/environment"


def test_the_target_groups_every_unit():
    wanted = _unit(DEPLOY / "systemd" / "school.target")["Unit"]["Wants"].split()
    assert sorted(wanted) == sorted(p.name for p in UNITS)


def test_the_backup_unit_writes_where_it_may():
    backup = next(p for p in UNITS if _manage_command(p) == "backup")
    words = shlex.split(_unit(backup)["Service"]["ExecStart"])
    assert words[words.index("backup") + 1] in _unit(backup)["Service"]["ReadWritePaths"].split()


def test_gunicorn_loads_the_application_module_and_bounds_its_workers():
    tree = ast.parse((DEPLOY / "gunicorn.conf.py").read_text())
    values = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    module, _, attribute = ast.literal_eval(values["wsgi_app"]).partition(":")
    assert importlib.util.find_spec(module) is not None, f"{module} does not exist"
    assert attribute == "application"
    assert "max_requests" in values and "timeout" in values
    # The access log never names a query string (%(r)s and %(q)s would).
    log_format = ast.literal_eval(values["access_log_format"])
    assert "%(U)s" in log_format
    assert "%(r)s" not in log_format and "%(q)s" not in log_format


def test_the_environment_example_names_every_secret_without_a_value():
    example = _environment_example()
    for name in SECRETS:
        assert name in example, f"deploy/environment.example lacks {name}"
        assert example[name] == "", f"{name} has a value in the example: secrets are never shipped"


def test_the_environment_example_names_every_setting_read_from_the_environment():
    settings_source = (ROOT / "confidentiality" / "settings.py").read_text()
    read = set(
        re.findall(r"env\.(?:flag|integer|csv|str_)\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_source)
    )
    read |= set(re.findall(r"os\.environ(?:\.get)?[\(\[]\s*\"([A-Z][A-Z0-9_]*)\"", settings_source))
    assert {"DEBUG", "ALLOWED_HOSTS", "SITE_URL", "SCHOOL_URN"} <= read  # the pattern still finds
    missing = read - set(_environment_example())
    assert not missing, f"deploy/environment.example lacks {sorted(missing)}"


def test_the_environment_example_is_production():
    example = _environment_example()
    assert example["DEBUG"] == "false"
    assert example["BEHIND_TLS_PROXY"] == "true"
    assert example["SITE_URL"].startswith("https://")
    assert "app" in example["DATABASE_URL"].split("@")[0]


def test_the_proxy_sends_the_header_the_settings_trust():
    settings_source = (ROOT / "confidentiality" / "settings.py").read_text()
    assert 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")' in settings_source
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-Proto https;" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "Strict-Transport-Security" in nginx
    assert "127.0.0.1:8000" in nginx


AUDIT_TABLES = ("auditlog_logentry", "confidentiality_auditseal")


def test_the_application_role_owns_nothing_and_may_not_empty_the_audit_trail():
    statements = _sql_statements()
    joined = "\n".join(statements)
    # The schema, the database and (again) the audit tables belong to the owner role.
    assert 'ALTER SCHEMA public OWNER TO :"owner"' in statements
    assert "ALTER DATABASE %I OWNER TO %I', current_database(), :'owner'" in joined
    assert "ALTER TABLE %I OWNER TO %I', t, :'owner'" in joined
    # Nothing is ever handed to the application's role to own, nor any role to create.
    assert not re.search(r"OWNER TO :\"app\"|OWNER TO %I', [^)]*:'app'", joined)
    assert not [s for s in statements if s.startswith("GRANT CREATE") and ':"app"' in s]
    # On the audit tables: everything revoked, then only reading, adding and the two updates
    # the triggers allow given back; never DELETE or TRUNCATE.
    audit = next(s for s in statements if "unnest(ARRAY[" in s)
    for table in AUDIT_TABLES:
        assert f"'{table}'" in audit
    assert "REVOKE ALL ON TABLE %I FROM %I', t, :'app'" in audit
    granted = re.search(r"GRANT ([A-Z, ]+) ON TABLE %I TO %I', t, :'app'", audit).group(1)
    assert {p.strip() for p in granted.split(",")} == {"SELECT", "INSERT", "UPDATE"}
    # The general grants never include TRUNCATE, so nothing gives it back.
    for statement in statements:
        if statement.startswith(("GRANT", "ALTER DEFAULT PRIVILEGES")) and ':"app"' in statement:
            assert "TRUNCATE" not in statement
            assert not re.search(r"GRANT ALL\b|ALL PRIVILEGES", statement)


def test_no_role_but_the_superuser_may_make_a_large_object():
    revoked = next(s for s in _sql_statements() if s.startswith("REVOKE EXECUTE ON FUNCTION lo_"))
    for function in (
        "lo_creat(integer)",
        "lo_create(oid)",
        "lo_import(text)",
        "lo_import(text, oid)",
        "lo_from_bytea(oid, bytea)",
    ):
        assert function in revoked
    assert revoked.endswith("FROM PUBLIC")


def test_the_audit_tables_named_are_those_the_triggers_protect():
    from confidentiality.audit.triggers import TABLES

    assert set(TABLES) == set(AUDIT_TABLES)


def test_the_deploy_readme_gives_the_order():
    readme = (DEPLOY / "README.md").read_text()
    roles = readme.index("postgresql-setup.sql")
    migrate = readme.index("migrate")
    run = readme.index("systemctl enable --now school.target")
    assert roles < migrate < run
