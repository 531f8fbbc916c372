"""Log lines a school can hand to an auditor: one JSON object a line, naming no one.

Each line has the time (UTC), level, logger, message, the request's id, the signed-in person's
id (never their username, name or email) and the path (never its query string, where a search
for a child's name is). A record's arguments are only put into its message when they are plain
values (numbers, text the code chose, ids, times): anything else, a model above all (a
student's ``str`` is their name), becomes its type in angle brackets. An exception is logged as
its type and where it happened: its message, which may quote a value, is left out.

``DEBUG`` may use ``HumanFormatter`` (the same care, one readable line) instead.
"""

import json
import logging
import traceback
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from . import request_id

PLAIN = (str, int, float, bool, type(None), Decimal, UUID, datetime, date, time, timedelta)
# Exceptions whose message is the database's own words about reaching it (never a value, as an
# IntegrityError's or a refused recipient's may be): kept, as the first thing anyone needs.
OWN_WORDS = ("django.db.utils.OperationalError", "django.db.utils.InterfaceError")


def plain(value):
    """The value if it may be written into a message, else its type."""
    if isinstance(value, PLAIN) and not hasattr(value, "_meta"):
        return value
    return f"<{type(value).__name__}>"


def safe_message(record: logging.LogRecord) -> str:
    message = str(record.msg) if isinstance(record.msg, PLAIN) else plain(record.msg)
    args = record.args
    if not args:
        return message
    try:
        if isinstance(args, dict):
            return message % {key: plain(value) for key, value in args.items()}
        return message % tuple(plain(value) for value in args)
    except (TypeError, ValueError, KeyError):
        return f"{message} [arguments not shown]"


def exception_facts(exc_info) -> dict:
    kind, error, tb = exc_info
    if kind is None:
        return {}
    name = f"{kind.__module__}.{kind.__qualname__}"
    facts = {
        "type": name,
        "where": [
            f"{frame.filename}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(tb)[-8:]
        ],
    }
    if name.startswith(OWN_WORDS):
        facts["message"] = str(error)[:200]
    return facts


def context_of(record: logging.LogRecord) -> dict:
    # Django logs a 4xx or 5xx answer once the middleware has finished, with the request.
    request = getattr(record, "request", None)
    return request_id.describe(request if hasattr(request, "path") else None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": safe_message(record),
            **context_of(record),
        }
        if record.exc_info:
            entry["exception"] = exception_facts(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class HumanFormatter(logging.Formatter):
    """For a developer's terminal (``DEBUG``): one readable line, with the same care."""

    def format(self, record: logging.LogRecord) -> str:
        context = context_of(record)
        line = (
            f"{datetime.fromtimestamp(record.created):%H:%M:%S} {record.levelname:<7} "
            f"{record.name}: {safe_message(record)}"
        )
        if context["request_id"]:
            line += f" [{context['request_id'][:8]} user={context['user_id']} {context['path']}]"
        if record.exc_info:
            facts = exception_facts(record.exc_info)
            line += f"\n  {facts.get('type')}: " + "\n  ".join(facts.get("where", []))
        return line
