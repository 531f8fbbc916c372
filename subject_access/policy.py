"""Who may handle a subject-access request (P4), in one place.

A request is for a child's whole file: their record, family, learning and, above all, their
safeguarding file (concerns, notes, referrals, meetings). Deciding what of that a parent or the
child may see, and what must be withheld because it could cause serious harm or names someone
else, is the designated safeguarding lead's work. So the **safeguarding team** (the DSL and the
deputies) log, assemble, redact, preview and export requests; **nobody else**, not the head
teacher: the head does not read concerns (``docs/POLICY_MAP.md``, the people and what each may
see), and a case file holds them all. Everyone else gets a 404 on every page.

No role's group holds a permission here: the right is a relation (``relational_permissions``
on the model, asked by the door in ``confidentiality.access`` at the moment of asking), so a
deputy who leaves the team loses it with the role, with nothing stored to remove.
"""

from django.db.models import Q

APP = "subject_access"
HANDLE_REQUEST = "handle_request"
HANDLE = f"{APP}.{HANDLE_REQUEST}"

NOTHING = Q(pk__in=[])


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def may_handle_requests(user) -> bool:
    """The rule of every subject-access page's door: the DSL and the deputies."""
    return _active(user) and user.is_safeguarding_team


def request_relations(user) -> dict:
    """``{codename: Q}`` over ``SubjectAccessRequest``: the team handles every request."""
    return {HANDLE_REQUEST: Q() if may_handle_requests(user) else NOTHING}
