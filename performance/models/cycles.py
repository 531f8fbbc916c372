"""The review cycle: the school year a performance file covers, and when each step is due."""

from datetime import date, timedelta

from django.db import models
from django.utils import timezone

# The school's usual dates (month, day), used for a new cycle; each cycle keeps its own.
CYCLE_STARTS = (9, 1)  # 1 September
OBJECTIVES_BY = (10, 31)  # in the first year of the cycle
MID_YEAR_BY = (2, 28)  # in the second
FINAL_BY = (7, 31)


class CycleQuerySet(models.QuerySet):
    def covering(self, day: date):
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def current(self, today: date | None = None) -> "ReviewCycle":
        """The cycle of today: the one kept, or (unsaved) the usual dates for this school year,
        saved when its first file is opened (``ensure_saved``)."""
        today = today or timezone.localdate()
        found = self.covering(today).first()
        return found if found is not None else ReviewCycle.usual_for(today)


class ReviewCycle(models.Model):
    """A school year of performance review, September to August ("2026–27"), with the dates by
    which objectives are set, the mid-year review is held and the final review is held."""

    name = models.CharField(max_length=20, unique=True)
    starts_on = models.DateField("starts")
    ends_on = models.DateField("ends")
    objectives_due = models.DateField("objectives set by")
    mid_year_due = models.DateField("mid-year review by")
    final_due = models.DateField("final review by")

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self):
        return self.name

    @classmethod
    def usual_for(cls, day: date) -> "ReviewCycle":
        first = day.year if (day.month, day.day) >= CYCLE_STARTS else day.year - 1
        second = first + 1
        return cls(
            name=f"{first}–{str(second)[2:]}",
            starts_on=date(first, *CYCLE_STARTS),
            ends_on=date(second, *CYCLE_STARTS) - timedelta(days=1),
            objectives_due=date(first, *OBJECTIVES_BY),
            mid_year_due=date(second, *MID_YEAR_BY),
            final_due=date(second, *FINAL_BY),
        )

    def ensure_saved(self) -> "ReviewCycle":
        if self.pk is None:
            existing = ReviewCycle.objects.filter(name=self.name).first()
            if existing is not None:
                return existing
            self.save()
        return self
