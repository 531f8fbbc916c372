"""How big each rehearsal school is, and the years its history spans."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

YEARS_OF_HISTORY = 3


@dataclass(frozen=True)
class Scale:
    name: str
    # The first letter of every pupil number seeded at this scale: how a second run knows.
    upn_letter: str
    students: int
    former_students: int
    parents: int
    staff: int
    classes: int
    concerns: int
    audit_entries: int

    @property
    def on_roll(self) -> int:
        return self.students - self.former_students

    @property
    def long_chronology(self) -> int:
        """Concerns and notes about the one child whose file is long (the demo parent's)."""
        return min(300, max(10, self.concerns // 10))


SCALES = {
    "large": Scale("large", "L", 30_000, 4_000, 60_000, 800, 1_500, 300_000, 5_000_000),
    "medium": Scale("medium", "M", 3_000, 400, 6_000, 80, 150, 30_000, 500_000),
    "small": Scale("small", "S", 30, 4, 60, 8, 2, 300, 5_000),
}


class Timeline:
    """The school's past: ``count`` moments spread evenly (with jitter) from three years ago to
    yesterday, always in order, so each stage's rows and entries come oldest first."""

    def __init__(self, seed: int = 2026):
        self.end = timezone.now().replace(microsecond=0) - timedelta(days=1)
        self.start = self.end - timedelta(days=365 * YEARS_OF_HISTORY)
        self.rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)

    def moments(self, count: int, start=None, end=None):
        start = start or self.start
        end = end or self.end
        span = (end - start).total_seconds()
        step = span / max(count, 1)
        for n in range(count):
            yield start + timedelta(seconds=step * n + self.rng.random() * step * 0.5)

    def term_time(self, start, hours: float = 8):
        """A moment of the school day on ``start``'s day (within ``hours`` of 8am)."""
        day = start.replace(hour=8, minute=0, second=0)
        return day + timedelta(seconds=self.rng.random() * hours * 3600)
