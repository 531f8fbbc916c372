"""The demo school's performance files."""


def seed_performance(people: dict) -> None:
    """Idempotent."""
