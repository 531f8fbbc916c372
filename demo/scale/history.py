"""The seeded school's audit history: an entry for every row created, in the shape auditlog writes
it (``model_instance_diff``: encrypted fields and names masked, a blind subject key where the
application uses one), and the looks of staff at their pupils and of the safeguarding team at
concerns (``record_access``'s shape). Each stage spills its entries, in time order, to a
temporary file as it writes its rows; at the end the files are merged by time and handed to the
sealed chain's bulk writer (``confidentiality.audit.bulk``), so memory stays flat and every entry
is sealed into the chain exactly as one written by a page.
"""

import heapq
import pickle
import tempfile
from collections.abc import Iterable, Iterator

from auditlog.diff import get_field_value, get_fields_in_model, get_mask_function
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import smart_str

from confidentiality.audit import entry_subject_key, subject_key

SPILL_CHUNK = 2_000


def content_type_id(model) -> int:
    return ContentType.objects.get_for_model(model).pk


_PLANS: dict = {}


def _plan(obj) -> tuple:
    """What ``model_instance_diff`` looks at for a new ``obj`` of this model: the fields it
    compares (auditlog's own choice, less the excluded ones), split into the row's own columns,
    read per row, and the reverse relations, whose text is the same for every new row."""
    options = auditlog.get_model_fields(type(obj))
    fields = get_fields_in_model(obj)
    if options["include_fields"]:
        fields = [f for f in fields if f.name in options["include_fields"]]
    fields = [f for f in fields if f.name not in options["exclude_fields"]]
    mask = get_mask_function(options.get("mask_callable"))
    masked = set(options["mask_fields"])
    constant = {}
    for field in fields:
        if not getattr(field, "concrete", False):
            value = get_field_value(obj, field)
            if value != "None":
                constant[field.name] = _change(field, value, masked, mask)
    own = [f for f in fields if getattr(f, "concrete", False)]
    return constant, own, masked, mask


def _change(field, value, masked, mask) -> tuple:
    if field.name in masked:
        return (mask(smart_str("None")), mask(smart_str(value)))
    return ("None", smart_str(value))


def creation_changes(obj) -> dict | None:
    """``model_instance_diff(None, obj)``, as auditlog computes it when ``obj`` is created,
    without building the field list and the reverse managers again for every row."""
    plan = _PLANS.get(type(obj))
    if plan is None:
        plan = _PLANS[type(obj)] = _plan(obj)
    constant, own, masked, mask = plan
    diff = dict(constant)
    for field in own:
        value = get_field_value(obj, field)
        if value != "None":
            diff[field.name] = _change(field, value, masked, mask)
    return diff or None


def created(obj, when, actor, subject: str | None = None) -> dict:
    """The CREATE entry auditlog writes when ``obj`` is first saved by ``actor`` (outside a
    request: no address). ``subject``: the entry's subject key when working it out would need a
    query (a case note's child, through its concern); by default the model's own."""
    pk = obj.pk
    return {
        "content_type_id": content_type_id(type(obj)),
        "object_pk": str(pk),
        "object_id": pk if isinstance(pk, int) else None,
        "object_repr": smart_str(obj),
        "action": LogEntry.Action.CREATE,
        "changes": creation_changes(obj),
        "changes_text": "",
        "actor_id": actor.pk if actor else None,
        "actor_email": (actor.email or f"user {actor.pk}") if actor else None,
        "timestamp": when,
        "additional_data": {"subject": subject or entry_subject_key(obj)}
        if hasattr(obj, "get_additional_data")
        else None,
        "remote_addr": None,
        "remote_port": None,
        "cid": None,
    }


def looked_at(obj, when, actor, path: str, subject: str | None = None, area: str = "") -> dict:
    """The ACCESS entry ``record_access`` writes for a page view of ``obj`` by ``actor``."""
    pk = obj.pk
    data = {"how": "view", "subject": subject or entry_subject_key(obj), "path": path[:200]}
    if area:
        data["area"] = area
    return {
        "content_type_id": content_type_id(type(obj)),
        "object_pk": str(pk),
        "object_id": pk if isinstance(pk, int) else None,
        "object_repr": smart_str(obj),
        "action": LogEntry.Action.ACCESS,
        "changes": None,
        "changes_text": "",
        "actor_id": actor.pk,
        "actor_email": actor.email or f"user {actor.pk}",
        "timestamp": when,
        "additional_data": data,
        "remote_addr": f"10.0.0.{actor.pk % 250 + 2}",
        "remote_port": None,
        "cid": None,
    }


def blind_student_key(student) -> str:
    return subject_key(student, blind=True)


class Spill:
    """Entries of one stage, appended in time order, kept on disk until the merge."""

    def __init__(self):
        # Closed once read back (``read``); never outlives the process.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        self.pending: list[dict] = []
        self.count = 0
        self.last = None

    def add(self, entry: dict) -> None:
        if self.last is not None and entry["timestamp"] < self.last:
            raise ValueError("a stage's audit entries must come in time order")
        self.last = entry["timestamp"]
        self.pending.append(entry)
        self.count += 1
        if len(self.pending) >= SPILL_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            pickle.dump(self.pending, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.pending = []

    def read(self) -> Iterator[dict]:
        self.flush()
        self.file.seek(0)
        while True:
            try:
                chunk = pickle.load(self.file)  # noqa: S301 (our own file, written above)
            except EOFError:
                break
            yield from chunk
        self.file.close()


class History:
    def __init__(self):
        self.spills: list[Spill] = []

    def spill(self) -> Spill:
        spill = Spill()
        self.spills.append(spill)
        return spill

    @property
    def count(self) -> int:
        return sum(s.count for s in self.spills)

    def entries(self, *more: Iterable[dict]) -> Iterator[dict]:
        """Every entry of every stage (and of ``more``, each in time order), oldest first."""
        streams = [s.read() for s in self.spills] + list(more)
        return heapq.merge(*streams, key=lambda e: e["timestamp"])
