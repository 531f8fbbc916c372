"""The demo school's governing body: meetings, minutes and the head's report."""


def seed_governance(people: dict) -> None:
    """Idempotent."""
