"""The dashboard panel that tells the safeguarding team and the head teacher whether alerts are
reaching them, in a school's words, with who to tell when they are not. The same reading as
``/healthz`` (``pipeline_health``); nobody else sees it. Backups have their own panel (the
``backups`` app), so they are not repeated here."""

from datetime import timedelta

from django.utils import timezone

from confidentiality import pipeline_health as health
from confidentiality.extensions import dashboard_panel
from confidentiality.roles import SAFEGUARDING_TEAM_OR_HEAD

TELL = "tell your technician."


def in_words(delta: timedelta) -> str:
    """How long, as a school would say it: "45 minutes", "2 hours", "3 days"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = hours // 24
    return f"{days} days"


def what_is_wrong(state: health.PipelineState) -> list[str]:
    """One sentence for each problem, each saying what it means and who to tell."""
    said = []
    if health.DATABASE in state.problems:
        said.append(f"The system cannot read its own records reliably just now: {TELL}")
    if health.TASKS in state.problems:
        said.append(
            f"Alerts are waiting to be sent: the oldest has waited "
            f"{in_words(state.oldest_task_wait)}. The program that sends them may have "
            f"stopped: {TELL}"
        )
    if health.PERIODIC in state.problems:
        if state.periodic_check_at is None:
            when = "has never run"
        else:
            when = f"has not run for {in_words(state.periodic_check_age)}"
        said.append(
            f"The regular safeguarding check {when}, so nobody further up is told when an urgent "
            f"alert goes unanswered, and failed emails are not tried again: {TELL}"
        )
    if health.EMAILS in state.problems:
        said.append(
            f"Emails to the safeguarding team have been failing for "
            f"{in_words(state.oldest_failing_email)}: {TELL} New concerns still appear here, "
            "in the app."
        )
    return said


@dashboard_panel(order=4)
def alerts_flowing(request):
    if not request.user.has_role(*SAFEGUARDING_TEAM_OR_HEAD):
        return None
    # The pipeline's times are asked with the page's counts, in its one shared query.
    now = timezone.now()
    answers = yield health.questions(now)
    state = health.read(now, for_a_page=True, answers=answers)
    return {
        "title": "Safeguarding alerts",
        "body": "Alerts are flowing."
        if state.flowing
        else "Alerts may not be reaching the safeguarding team.",
        "items": what_is_wrong(state),
        # Something wrong comes before everything else on the page.
        "first": not state.flowing,
    }
