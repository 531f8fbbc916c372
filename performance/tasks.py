"""Background work of performance files, run by the task worker (``manage.py db_worker``).
Arguments are ids and event names only: the queue keeps them in plain JSON."""

from django.tasks import task


@task
def tell_of_performance_step(event: str, object_id: str) -> int:
    """Email the people a step of a performance file concerns (``notifications.EVENTS``)."""
    from .notifications import send

    return send(event, object_id)


@task
def tell_of_ending_delegations() -> int:
    """The daily check of delegations about to end or ended (``notifications``)."""
    from .notifications import tell_of_ending_delegations as check

    return check()
