"""When each periodic job last finished a pass, kept in the database so a restart (of the web
server, of the machine) does not forget it: ``/healthz`` and the safeguarding team's dashboard
say so when the periodic safeguarding check has stopped. Nothing here is about anyone."""

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    name = models.CharField(max_length=50, unique=True)
    last_beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.last_beat_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str, now=None) -> None:
        cls.objects.update_or_create(name=name, defaults={"last_beat_at": now or timezone.now()})

    @classmethod
    def last(cls, name: str):
        return cls.objects.filter(name=name).values_list("last_beat_at", flat=True).first()
