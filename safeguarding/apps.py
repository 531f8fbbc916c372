from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    """Concerns, their routing to the DSL, triage, referrals and the chronology (P1-P3)."""

    name = "safeguarding"

    def ready(self):
        from confidentiality import navigation, team
        from confidentiality.views.audit_trail import HIDDEN_FROM_READER
        from records import notices

        from . import checks, grants, panels, routing, sharing  # noqa: F401  (signals, panels)
        from .policy import (
            is_safeguarding_team,
            may_handle_adult_concerns,
            may_log_concern,
        )

        team.CHANGE_GUARDS.append(_subject_of_an_open_adult_concern)
        notices.register(sharing.p2_notices)  # H3: P2 notices are kept with the share
        navigation.register(
            navigation.Entry(4, "Log a concern", "safeguarding:log_concern", may_log_concern)
        )
        navigation.register(
            navigation.Entry(5, "My concerns", "safeguarding:my_concerns", may_log_concern)
        )
        navigation.register(
            navigation.Entry(6, "Safeguarding", "safeguarding:dashboard", is_safeguarding_team)
        )
        navigation.register(
            navigation.Entry(7, "Ask for advice", "safeguarding:my_advice_list", may_log_concern)
        )
        navigation.register(
            navigation.Entry(
                8, "Concerns about adults", "safeguarding:adult_concerns", may_handle_adult_concerns
            )
        )
        # One entry: each person's own training page links on to everyone's for the DSL/head.
        navigation.register(
            navigation.Entry(60, "Training", "safeguarding:my_training", may_log_concern)
        )
        from .trail import hide_safeguarding_from_trail

        if hide_safeguarding_from_trail not in HIDDEN_FROM_READER:
            HIDDEN_FROM_READER.append(hide_safeguarding_from_trail)


def _subject_of_an_open_adult_concern(user) -> bool:
    """The person a concern names must not reshape the team that handles it (P10)."""
    from .models import Concern, ConcernAboutAdult

    named = ConcernAboutAdult.person.lookup(user, prefix="adult__")
    return Concern.objects.about_adults().open().filter(**named).exists()
