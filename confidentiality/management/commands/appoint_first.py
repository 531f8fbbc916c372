"""The first DSL, head teacher, chair of governors or clerk of a new installation, from the server.

Everyone after the first is appointed on the application's pages (the safeguarding team page,
the appointments page), by the people entitled to. This command exists only for an empty post:
it refuses while anyone active holds the role, so whoever has a shell on the server cannot use
it to replace the DSL, the chair or the clerk. Each use is a sealed audit entry and, when there
is a DSL or a head teacher to tell, an email to them.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from confidentiality import account_alerts, roles, team
from confidentiality.roles import Role

FIRST_APPOINTMENTS = {
    "dsl": Role.DSL,
    "head_teacher": Role.HEAD_TEACHER,
    "chair_of_governors": Role.CHAIR_OF_GOVERNORS,
    "clerk": Role.CLERK,
}
# Who may hold each role, and how a refusal describes them.
CANDIDATES = {
    Role.CHAIR_OF_GOVERNORS: (team.chair_candidates, "a governor who is not a member of staff"),
    Role.CLERK: (
        team.clerk_candidates,
        "a member of staff (not the head teacher), a governor (not the chair) or an account "
        "with no role",
    ),
}


class Command(BaseCommand):
    help = (
        "Appoint the first DSL, head teacher, chair of governors or clerk when nobody holds the "
        "role (a new installation). Refused while someone does: use the application's pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", choices=sorted(FIRST_APPOINTMENTS))
        parser.add_argument("username")

    def handle(self, *args, role, username, **options):
        role = FIRST_APPOINTMENTS[role]
        person = get_user_model().objects.filter(username=username, is_active=True).first()
        if person is None:
            raise CommandError(f"There is no active account with the username {username!r}.")
        if team.holders(role).exists():
            raise CommandError(
                f"Someone is already {role.label.lower()}: hand over in the application "
                "(Safeguarding team or Appointments page) instead."
            )
        candidates, who = CANDIDATES.get(role, (team.school_staff, "an active member of staff"))
        if not candidates().filter(pk=person.pk).exists():
            raise CommandError(f"{person} is not {who}, so cannot be {role.label.lower()}.")
        with transaction.atomic():
            group = roles.group_for(role)
            group.user_set.remove(*group.user_set.all())  # a holder who has left, if any
            if role == Role.DSL:
                roles.appoint_dsl(person)
            else:
                person.groups.add(group)
            person.refresh_roles()
            account_alerts.account_changed(person, "appointed-from-the-server")
        self.stdout.write(f"{person} is now {role.label.lower()}.")
