"""PostgreSQL's own tools, pg_dump and pg_restore, pointed at the configured database.

The connection goes to the tools through libpq's environment variables (never the command line,
where other users of the machine could read a password). pg_dump must be at least as new as the
server: an older pg_dump refuses or, worse, misses what a newer server has.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from .sealed_file import BackupRefused

LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def tool_environment(settings_dict: dict) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return env


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupRefused(
            f"{name} is not installed on this server: install the PostgreSQL client tools "
            "(e.g. apt install postgresql-client) of the same version as the database server."
        )
    return found


def tool_version(name: str) -> tuple[int, str]:
    text = subprocess.run(  # noqa: S603 (the installed tool, no shell)
        [tool(name), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    match = re.search(r"(\d+)(?:\.\d+)*", text)
    return (int(match.group(1)) if match else 0), text


def check_tool_matches(name: str, server_version_num: int) -> str:
    """The tool's version line; refuses a tool older than the server's major version."""
    major, text = tool_version(name)
    server_major = server_version_num // 10000
    if major < server_major:
        raise BackupRefused(
            f"{text} is older than the database server (PostgreSQL {server_major}): install "
            f"the PostgreSQL {server_major} client tools."
        )
    return text


def run(arguments: list[str], settings_dict: dict, what: str) -> str:
    result = subprocess.run(  # noqa: S603 (the installed tool, no shell)
        arguments, env=tool_environment(settings_dict), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupRefused(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def dump(settings_dict: dict, snapshot: str, destination: Path) -> None:
    """The whole database as it was in ``snapshot`` (an exported transaction snapshot)."""
    run(
        [
            tool("pg_dump"),
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={destination}",
        ],
        settings_dict,
        "pg_dump",
    )


def check_dump(settings_dict: dict, dump_path: Path, tables_with_rows: list[str]) -> None:
    """Read the whole archive (every data block, as a restore would) and check it holds the data
    of every table the manifest counts rows in."""
    listing = run([tool("pg_restore"), "--list", str(dump_path)], settings_dict, "pg_restore")
    with_data = set(re.findall(r"TABLE DATA \S+ (\S+) ", listing))
    missing = sorted(set(tables_with_rows) - with_data)
    if missing:
        raise BackupRefused(
            "the database dump lacks the rows of " + ", ".join(missing[:10]) + ". Refused."
        )
    run(
        [tool("pg_restore"), "--file", os.devnull, str(dump_path)],
        settings_dict,
        "Reading the whole dump back",
    )


def restore(settings_dict: dict, dump_path: Path, wipe_first: str = "") -> None:
    """Into the configured database, all or nothing. ``wipe_first`` (SQL that empties the
    database) runs in the SAME transaction as the restore, so a restore that fails at any point
    (a conflicting object, a full disk, a tool that cannot read the archive) rolls the wipe back
    too and the live data stays as it was. pg_restore writes the restore's SQL and psql runs it
    after the wipe, in one transaction: nothing is committed unless the whole of it ran.
    Objects become the restoring role's and the original grants are left out: the new server's
    role may have another name."""
    env = tool_environment(settings_dict)
    psql = subprocess.Popen(  # noqa: S603 (the installed tool, no shell)
        [
            tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            f"--dbname={settings_dict['NAME']}",
        ],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # pg_restore's own BEGIN (with --single-transaction) only warns inside ours; its COMMIT at
    # the very end is the only commit, so a script cut short by any failure commits nothing.
    psql.stdin.write(f"BEGIN;\n{wipe_first}\n".encode())
    psql.stdin.flush()
    restoring = subprocess.Popen(  # noqa: S603 (the installed tool, no shell)
        [
            tool("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--file=-",
            str(dump_path),
        ],
        env=env,
        stdout=psql.stdin,
        stderr=subprocess.PIPE,
    )
    _, restore_errors = restoring.communicate()
    if restoring.returncode != 0:
        # Stop psql before it reaches the end of its input: the transaction is rolled back.
        psql.kill()
        psql.communicate()
        raise BackupRefused(f"pg_restore failed: {restore_errors.decode().strip()}")
    _, psql_errors = psql.communicate()
    if psql.returncode != 0:
        raise BackupRefused(f"pg_restore failed: {psql_errors.decode().strip()}")
