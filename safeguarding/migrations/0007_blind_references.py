"""A copy of the database reveals nobody's case: every plain link from a safeguarding record to
the child or adult it is about becomes a keyed blind reference, and the nature of a concern
about an adult (low-level or allegation) is encrypted.

- ``ConcernSubject.student`` (a foreign key) becomes ``student_ref``; the children named and
  their parts are sealed in the concern (``Concern.children``);
- ``ConcernAboutAdult.person`` becomes ``person_ref`` and ``person_key`` (the account's key,
  encrypted to the row), and ``nature`` is encrypted;
- ``InformationShare.student`` and ``AdviceRequest.student`` become ``student_ref`` and
  ``student_key``;
- the parents' P2 notice ("we have shared information about ...") moves from the records notices
  (a row joining the child to "information shared") into the share it belongs to;
- ``Referral.made_by`` may be empty (a LADO referral recorded before anyone has made it).

The references are computed with ``BLIND_INDEX_KEY`` and the values sealed with the school's
sealing key, so both must be the production ones when this runs. Entries the audit
log already holds are not rewritten (the log refuses changes; a known limit).
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import confidentiality.crypto.blind_index
import confidentiality.crypto.fields
from confidentiality.crypto.blind_index import blind_ref_of
from confidentiality.crypto.keyring import keyring

STUDENT = "records.student"
USER = "confidentiality.user"
PART_ORDER = {"subject": 0, "alleged_harmer": 1, "witness": 2, "sibling": 3}


_sealing: dict = {}


def _use_the_schools_sealing_key(apps):
    """Seal with the key the database records for new values (as every server does), or the
    ring's first key on a database that has never sealed anything."""
    ring = keyring()
    recorded = (
        apps.get_model("confidentiality", "SealingKey")
        .objects.filter(pk=1)
        .values_list("key_id", flat=True)
        .first()
    )
    if recorded is not None and recorded not in ring:
        raise RuntimeError(
            f"FIELD_ENCRYPTION_KEYS lacks the school's sealing key {recorded!r}: run this "
            "migration with the ring rotate_keys was run with."
        )
    _sealing["key"] = recorded or ring.newest


def _seal(model, name, instance, value):
    """Seal as the field would, bound to its model, field and row (straight with the key ring:
    a migration does not depend on what the running code adds around it)."""
    field = model._meta.get_field(name)
    text = field.to_plaintext(value)
    return keyring().seal(text, field.context(instance), _sealing.get("key"))


def _opened(value) -> bool:
    return value is not None and not getattr(value, "unreadable", False)


def _move_parent_notices(apps):
    """Each P2 notice joins the share of the same child whose parents were told nearest in time
    (they were written in one transaction). A notice this server cannot open, or without its
    share, stays where it is."""
    FamilyNotice = apps.get_model("records", "FamilyNotice")
    InformationShare = apps.get_model("safeguarding", "InformationShare")
    for notice in FamilyNotice.objects.filter(kind="information_shared").order_by("created_at"):
        title, body = notice.title, notice.body
        if not (_opened(title) and _opened(body)):
            continue
        shares = InformationShare.objects.filter(
            student_id=notice.student_id,
            parents_notified_at__isnull=False,
            parent_notice_title__isnull=True,
        )
        share = min(
            shares,
            key=lambda s: abs((s.parents_notified_at - notice.created_at).total_seconds()),
            default=None,
        )
        if share is None:
            continue
        InformationShare.objects.filter(pk=share.pk).update(
            parent_notice_title=_seal(InformationShare, "parent_notice_title", share, title),
            parent_notice_body=_seal(InformationShare, "parent_notice_body", share, body),
        )
        notice.delete()


def _restore_parent_notices(apps):
    FamilyNotice = apps.get_model("records", "FamilyNotice")
    InformationShare = apps.get_model("safeguarding", "InformationShare")
    for share in InformationShare.objects.exclude(parent_notice_title__isnull=True):
        notice = FamilyNotice(
            id=uuid.uuid4(), student_id=share.student_id, kind="information_shared"
        )
        notice.title = _seal(FamilyNotice, "title", notice, share.parent_notice_title)
        notice.body = _seal(FamilyNotice, "body", notice, share.parent_notice_body or "")
        notice.sent_by_id = share.shared_by_id
        notice.save()
        FamilyNotice.objects.filter(pk=notice.pk).update(created_at=share.parents_notified_at)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Row updates and column drops in one transaction: check the keys now, not at commit.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _use_the_schools_sealing_key(apps)
    _move_parent_notices(apps)
    Concern = apps.get_model("safeguarding", "Concern")
    ConcernSubject = apps.get_model("safeguarding", "ConcernSubject")
    ConcernAboutAdult = apps.get_model("safeguarding", "ConcernAboutAdult")
    InformationShare = apps.get_model("safeguarding", "InformationShare")
    AdviceRequest = apps.get_model("safeguarding", "AdviceRequest")

    named: dict = {}
    for subject in ConcernSubject.objects.order_by("pk"):
        named.setdefault(subject.concern_id, []).append(
            {"student": str(subject.student_id), "part": subject.part}
        )
        ref = blind_ref_of(STUDENT, subject.student_id, "safeguarding.concernsubject.student")
        ConcernSubject.objects.filter(pk=subject.pk).update(student_ref=ref)
    for concern_id, children in named.items():
        children.sort(key=lambda c: PART_ORDER.get(c["part"], 9))
        holder = Concern(pk=concern_id)
        sealed = _seal(Concern, "children", holder, children)
        Concern.objects.filter(pk=concern_id).update(children=sealed)

    for adult in ConcernAboutAdult.objects.all():
        ConcernAboutAdult.objects.filter(pk=adult.pk).update(
            person_ref=blind_ref_of(USER, adult.person_id, "safeguarding.concernaboutadult.person"),
            person_key=_seal(ConcernAboutAdult, "person_key", adult, str(adult.person_id)),
            nature=_seal(ConcernAboutAdult, "nature", adult, adult.nature_plain),
        )

    for model, purpose in (
        (InformationShare, "safeguarding.informationshare.student"),
        (AdviceRequest, "safeguarding.advicerequest.student"),
    ):
        for row in model.objects.filter(student__isnull=False):
            model.objects.filter(pk=row.pk).update(
                student_ref=blind_ref_of(STUDENT, row.student_id, purpose),
                student_key=_seal(model, "student_key", row, str(row.student_id)),
            )


def backwards(apps, schema_editor):
    """Back to plain keys (opening the sealed values needs the same keys)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _use_the_schools_sealing_key(apps)
    Concern = apps.get_model("safeguarding", "Concern")
    ConcernSubject = apps.get_model("safeguarding", "ConcernSubject")
    ConcernAboutAdult = apps.get_model("safeguarding", "ConcernAboutAdult")
    InformationShare = apps.get_model("safeguarding", "InformationShare")
    AdviceRequest = apps.get_model("safeguarding", "AdviceRequest")

    for concern in Concern.objects.exclude(children__isnull=True):
        for child in concern.children or []:
            ref = blind_ref_of(STUDENT, child["student"], "safeguarding.concernsubject.student")
            ConcernSubject.objects.filter(concern=concern, student_ref=ref).update(
                student_id=child["student"], part=child.get("part") or "subject"
            )
    for adult in ConcernAboutAdult.objects.all():
        ConcernAboutAdult.objects.filter(pk=adult.pk).update(
            person_id=int(adult.person_key), nature_plain=adult.nature or ""
        )
    for model in (InformationShare, AdviceRequest):
        for row in model.objects.exclude(student_key__isnull=True):
            model.objects.filter(pk=row.pk).update(student_id=row.student_key)
    _restore_parent_notices(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("confidentiality", "0004_field_key_ring"),
        ("records", "0006_family_share_decisions"),
        ("safeguarding", "0006_concern_child_told"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The plain keys may be empty while the references are computed (and when going back).
        migrations.AlterField(
            model_name="concernsubject",
            name="student",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="concern_roles",
                to="records.student",
            ),
        ),
        migrations.AlterField(
            model_name="concernaboutadult",
            name="person",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="concerns_about_me",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="informationshare",
            name="student",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="records.student",
            ),
        ),
        migrations.RemoveConstraint(model_name="concernsubject", name="child_once_per_concern"),
        migrations.AlterModelOptions(name="concernsubject", options={}),
        migrations.RenameField(
            model_name="concernaboutadult", old_name="nature", new_name="nature_plain"
        ),
        migrations.AlterField(
            model_name="concernaboutadult",
            name="nature_plain",
            field=models.CharField(blank=True, default="", max_length=12),
        ),
        # Added empty (an encrypted column takes no default from the database), then given the
        # empty list as the default new concerns start with.
        migrations.AddField(
            model_name="concern",
            name="children",
            field=confidentiality.crypto.fields.EncryptedJSONField(
                blank=True, null=True, verbose_name="children named"
            ),
        ),
        migrations.AlterField(
            model_name="concern",
            name="children",
            field=confidentiality.crypto.fields.EncryptedJSONField(
                blank=True, default=list, null=True, verbose_name="children named"
            ),
        ),
        migrations.AddField(
            model_name="concernsubject",
            name="student_ref",
            field=confidentiality.crypto.blind_index.BlindRefField(
                db_index=True, default="", editable=False, max_length=64
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="concernaboutadult",
            name="person_ref",
            field=confidentiality.crypto.blind_index.BlindRefField(
                db_index=True, default="", editable=False, max_length=64
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="concernaboutadult",
            name="person_key",
            field=confidentiality.crypto.fields.EncryptedCharField(
                blank=True, null=True, verbose_name="the adult named"
            ),
        ),
        migrations.AddField(
            model_name="concernaboutadult",
            name="nature",
            field=confidentiality.crypto.fields.EncryptedCharField(
                blank=True,
                choices=[
                    ("low_level", "Low-level concern (does not meet the harm threshold)"),
                    (
                        "allegation",
                        "Allegation (may have harmed a child or may pose a risk)",
                    ),
                ],
                null=True,
                verbose_name="nature",
            ),
        ),
        migrations.AddField(
            model_name="informationshare",
            name="student_ref",
            field=confidentiality.crypto.blind_index.BlindRefField(
                db_index=True, default="", editable=False, max_length=64
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="informationshare",
            name="student_key",
            field=confidentiality.crypto.fields.EncryptedCharField(
                blank=True, null=True, verbose_name="child"
            ),
        ),
        migrations.AddField(
            model_name="advicerequest",
            name="student_ref",
            field=confidentiality.crypto.blind_index.BlindRefField(
                blank=True, db_index=True, editable=False, max_length=64
            ),
        ),
        migrations.AddField(
            model_name="advicerequest",
            name="student_key",
            field=confidentiality.crypto.fields.EncryptedCharField(
                blank=True, null=True, verbose_name="child"
            ),
        ),
        migrations.AddField(
            model_name="informationshare",
            name="parent_notice_title",
            field=confidentiality.crypto.fields.EncryptedCharField(
                blank=True, null=True, verbose_name="notice to the parents: title"
            ),
        ),
        migrations.AddField(
            model_name="informationshare",
            name="parent_notice_body",
            field=confidentiality.crypto.fields.EncryptedTextField(
                blank=True, null=True, verbose_name="notice to the parents"
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="made_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="concernsubject", name="student"),
        migrations.RemoveField(model_name="concernsubject", name="part"),
        migrations.RemoveField(model_name="concernaboutadult", name="person"),
        migrations.RemoveField(model_name="concernaboutadult", name="nature_plain"),
        migrations.RemoveField(model_name="informationshare", name="student"),
        migrations.RemoveField(model_name="advicerequest", name="student"),
        migrations.AddConstraint(
            model_name="concernsubject",
            constraint=models.UniqueConstraint(
                fields=("concern", "student_ref"), name="child_once_per_concern"
            ),
        ),
    ]
