from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    """Concerns, their routing to the DSL, triage, referrals and the chronology (P1-P3)."""

    name = "safeguarding"

    def ready(self):
        from confidentiality import extensions
        from records import lesson_guidance, notices, student_flags

        from . import checks, grants, information_sharing, panels, profile, routing  # noqa: F401
        from .policy import (
            is_safeguarding_team,
            may_handle_adult_concerns,
            may_log_concern,
        )
        from .trail import hide_safeguarding_from_trail

        extensions.team_change_guard(_subject_of_an_open_adult_concern)
        extensions.audit_trail_filter(hide_safeguarding_from_trail)
        # H3: P2 notices are kept with the share.
        notices.register(
            information_sharing.p2_notices,
            staff_rows=information_sharing.p2_shares_for_staff,
            parent_rows=information_sharing.p2_shares_for_parent,
            as_notices=information_sharing.p2_notices_of,
        )
        # The team's flag on a child's record; nobody else learns that it could exist (P3, P5).
        student_flags.register(
            profile.student_flag,
            lists=profile.student_flag_lists,
            from_lists=profile.student_flag_from,
        )
        # The daily count of concerns follows the site's time zone: a change of it is counted
        # afresh at the next migrate, which every deployment runs.
        from django.db.models.signals import post_migrate

        from .models import tally

        post_migrate.connect(tally.keep_time_zone, sender=self, dispatch_uid="tally-zone")
        menu = extensions.add_menu_entry
        menu(4, "Log a concern", "safeguarding:log_concern", may_log_concern)
        # P19: a disclosure in a lesson on a sensitive topic is logged here.
        lesson_guidance.register_disclosure_page("safeguarding:log_concern", may_log_concern)
        menu(5, "My concerns", "safeguarding:my_concerns", may_log_concern)
        menu(6, "Safeguarding", "safeguarding:dashboard", is_safeguarding_team)
        menu(6, "All concerns", "safeguarding:concern_list", is_safeguarding_team)
        menu(7, "Ask for advice", "safeguarding:my_advice_list", may_log_concern)
        menu(8, "Concerns about adults", "safeguarding:adult_concerns", may_handle_adult_concerns)
        # One entry: each person's own training page links on to everyone's for the DSL/head.
        menu(60, "Training", "safeguarding:my_training", may_log_concern)


def _subject_of_an_open_adult_concern(user) -> bool:
    """The person a concern names must not reshape the team that handles it (P10)."""
    from .models import Concern, ConcernAboutAdult

    named = ConcernAboutAdult.person.lookup(user, prefix="adult__")
    return Concern.objects.about_adults().open().filter(**named).exists()
