"""Who may do what with the retention schedule (P4), in one place.

The school's data-protection lead role is held by the head teacher (responsible for the
school's data-protection policy, P4) together with the DSL (who owns the child-protection files
and any hold on them, P3, P8): both see the report, change the rules, place and lift holds and
read the deletion certificates, always with a verified second factor (their roles need one).
Nobody else reaches any page (a 404). Inside the report, records are named only to those
entitled to the names (``RecordKind.shown_to``: the child-protection files to the DSL, the
performance files to the head teacher, P18); everyone else sees counts.
"""

from confidentiality.roles import Role

MANAGERS = frozenset({Role.HEAD_TEACHER, Role.DSL})


def may_manage_retention(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*MANAGERS))
