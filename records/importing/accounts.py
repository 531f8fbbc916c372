"""Accounts the imports create or change (staff, parents and carers).

Accounts are not confidential records, so auditlog does not watch them; an import still says in
the audit trail which account it created or changed and which fields: the field names only, as
the admin logs them, never the values (an old and a new email address, a telephone number, a
name) and never a password.
"""

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model

from confidentiality.identity import lookalike_of

from .runner import RowRejected


def new_account(username: str, **fields):
    """A new account with no usable password: the person is given one by the school's usual
    route (the administrator's set-password page); the import never invents a password.
    A username or email that would pass for another account's is refused here too, whatever
    the kind of import (review 9)."""
    imitated = lookalike_of(username=username, email=fields.get("email") or None)
    if imitated is not None:
        raise RowRejected(
            f"“{username}” or its email looks like “{imitated}”, which is another account's or "
            "the school's: it would pass for that person. Use a clearly different one"
        )
    user = get_user_model()(username=username, **fields)
    user.set_unusable_password()
    user.save()
    log_account(user, LogEntry.Action.CREATE, [k for k, v in fields.items() if v])
    return user


# What the audit trail says in place of a value.
NOT_RECORDED = "(not recorded)"


def log_account(user, action, fields) -> None:
    """Say in the audit trail that the import created or changed ``user``'s ``fields``
    (names only)."""
    LogEntry.objects.log_create(
        user,
        action=action,
        force_log=True,
        changes={name: [NOT_RECORDED, NOT_RECORDED] for name in sorted(fields)},
        changes_text="",
        additional_data={"subject": f"{user._meta.label_lower}:{user.pk}", "how": "mis-import"},
    )


def find_by_email(email: str):
    return list(get_user_model().objects.filter(email__iexact=email)[:2])
