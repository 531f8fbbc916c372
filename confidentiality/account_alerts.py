"""Telling the right people when someone may be taking over an account that opens allegations.

A password reset, a new authenticator app or new recovery codes is how someone with a stolen
mailbox (or a changed email address) gets into an account. For anyone holding an appointed role
(the DSL, deputies, the head teacher, the chair of governors: the people who handle concerns
about adults; and the clerk to the governors, who appoints the chair), each of these is an
audit entry and an email to the DSL and the head teacher, whoever of them is not that person;
for the chair of governors, to the DSL and the clerk to the governors instead, never the head
teacher (a chair setting up a second factor is about to open a concern about the head, and the
head's audit trail does not show it either: ``audit.reading``). The email says who and when,
never anything about a case. Everyone else's changes are audited
too, without an email, except what the IT administrator does in the admin (a new sign-in
address, a password set), which the DSL and the head teacher hear of whoever the account is.
A person who changes their own sign-in address is told at the address they had (so a stolen
session cannot move the account quietly), and the team is told if the account is watched.
"""

import logging

from django.db import transaction
from django.utils import timezone

from confidentiality import notifications, roles, team
from confidentiality.roles import Role

log = logging.getLogger(__name__)

EVENTS = {
    "password-reset": "the password was reset through an emailed link",
    "second-factor-enrolled": "a new authenticator app was set up",
    "recovery-codes-issued": "new recovery codes were issued",
    "appointed-from-the-server": "an appointed role was given from the server's command line",
    "email-changed-in-admin": "the sign-in email address was changed in the admin",
    "email-changed-by-owner": "the sign-in email address was changed from the account itself",
    "admin-password-set": "a password was set by the IT administrator in the admin",
}
# The events that say how an account is signed in to (not who holds which role): on the chair of
# governors' account, the head teacher reads none of them in the audit trail.
SIGN_IN_EVENTS = frozenset(EVENTS) - {"appointed-from-the-server"}
# Set on an entry written while the account was the chair's, so it stays hidden from the head
# teacher after the chair hands over.
ABOUT_THE_CHAIR = "about_the_chair"


def is_watched(user) -> bool:
    """The accounts of the appointed roles (``team.holds_protected_account``)."""
    return team.holds_protected_account(user)


def people_to_tell(user) -> list:
    """The DSL and the head teacher(s), other than ``user``, who have an email address. For the
    chair of governors, the DSL and the clerk to the governors, and never a head teacher (even
    one who is also the DSL): the chair handles concerns about the head."""
    if user.has_role(Role.CHAIR_OF_GOVERNORS):
        people = [roles.current_dsl(), *team.holders(Role.CLERK)]
        heads = {head.pk for head in team.holders(Role.HEAD_TEACHER)}
    else:
        people = [roles.current_dsl(), *team.holders(Role.HEAD_TEACHER)]
        heads = set()
    seen, told = {user.pk} | heads, []
    for person in people:
        if person is not None and person.pk not in seen and person.email:
            seen.add(person.pk)
            told.append(person)
    return told


def _send(person, facts) -> None:
    try:
        notifications.send_templated(
            "account_alert", [person.email], {**facts, "recipient": str(person)}
        )
    except Exception as error:  # a failing mail server must not undo the change itself
        log.error("Account alert email failed: %s", type(error).__name__)


def account_changed(user, how: str, **data) -> None:
    """Audit ``how`` (one of ``EVENTS``) on ``user``'s account, with ``data`` (field names,
    never values); alert if the account is watched."""
    watched = is_watched(user)
    name = user.get_full_name() or user.username
    if user.has_role(Role.CHAIR_OF_GOVERNORS):
        data[ABOUT_THE_CHAIR] = True
    team.record_account_change(user, how, f"{name}: {EVENTS[how]}", **data)
    if not watched:
        return
    facts = _facts(user, how)
    for person in people_to_tell(user):  # one message each: nobody sees who else was told
        transaction.on_commit(lambda person=person: _send(person, facts))


def _facts(user, how: str) -> dict:
    return {
        "who": user.get_full_name() or user.username,
        "what": EVENTS[how],
        "when": f"{timezone.localtime():%d %B %Y %H:%M}",
        # The email says the person handles confidential concerns only when they do.
        "watched": is_watched(user),
    }


def password_set_in_admin(user) -> None:
    """The administrator set the password of an account nobody has used yet (the admin refuses
    it for any other): whoever knows it can sign in as that person. Audited as
    "admin-password-set"; the DSL and the head teacher are told whoever the account is."""
    account_changed(user, "admin-password-set")  # the audit entry (and, if watched, the team)
    if not is_watched(user):  # the watched were told by account_changed already
        facts = _facts(user, "admin-password-set")
        for person in people_to_tell(user):
            transaction.on_commit(lambda person=person: _send(person, facts))


def email_changed_in_admin(user, old_email: str) -> None:
    """The administrator changed the sign-in address of an account (the admin allows it only
    for one nobody uses yet): the step before a password reset takes an account over. Audited;
    the person is told at the address they had, and the DSL and head teacher are told whoever
    the account belongs to."""
    account_changed(
        user, "email-changed-in-admin", fields=["email"]
    )  # the audit entry (and, if watched, the team)
    name = user.get_full_name() or user.username
    facts = _facts(user, "email-changed-in-admin")
    if old_email:
        transaction.on_commit(lambda: _send_to_address(old_email, {**facts, "recipient": name}))
    if not is_watched(user):  # the watched were told by account_changed already
        for person in people_to_tell(user):
            transaction.on_commit(lambda person=person: _send(person, facts))


def email_changed_by_owner(user, old_email: str) -> None:
    """``user`` changed their own sign-in address (with their password). Audited as
    "email-changed-by-owner" (the field name only); the address they had is told, in case it
    was not them (a session left open); the DSL and head teacher are told if the account holds
    an appointed role."""
    account_changed(user, "email-changed-by-owner", fields=["email"])
    if old_email:
        facts = {
            "recipient": user.get_full_name() or user.username,
            "when": f"{timezone.localtime():%d %B %Y %H:%M}",
        }
        transaction.on_commit(lambda: _send_to_address(old_email, facts, template="email_changed"))


def _send_to_address(address, facts, template: str = "account_alert") -> None:
    try:
        notifications.send_templated(template, [address], facts)
    except Exception as error:  # a failing mail server must not undo the change itself
        log.error("Account alert email failed: %s", type(error).__name__)
