"""The demo school's child-protection file transfers (P14): a partner school on this software
(Hillside Academy, whose keys were recorded after the DSL compared the fingerprint), and one
child's file prepared for it, sent, and not yet confirmed though its fifth school day has passed:
so the transfers page and the safeguarding team's dashboard show an overdue transfer.

Idempotent: nothing is made if a transfer exists."""

from datetime import timedelta

from django.utils import timezone

from confidentiality.audit import acting_as
from safeguarding.models import Concern

from . import envelope, sending
from .models import PartnerSchool, Transfer


def seed_transfers(people):
    if Transfer.objects.exists():
        return
    concern = Concern.objects.about_children().order_by("happened_at").first()
    if concern is None or not concern.named_children:
        return
    child = concern.named_children[0].student
    dsl = people["dsl"]
    # Hillside's own software holds the private halves; the demo keeps only the public keys.
    hillside = envelope.SchoolIdentity(
        name="Hillside Academy", urn="654321", **envelope.new_key_pairs()
    )
    with acting_as(dsl):
        partner = PartnerSchool.objects.filter(fingerprint=hillside.fingerprint).first()
        if partner is None:
            partner = PartnerSchool.objects.create(
                name=hillside.name,
                urn=hillside.urn,
                signing_key=envelope.b64(hillside.signing_public),
                encryption_key=envelope.b64(hillside.encryption_public),
                fingerprint=hillside.fingerprint,
                recorded_by=dsl,
            )
        transfer = sending.prepare(
            student=child,
            by=dsl,
            starts_on=timezone.localdate() - timedelta(days=14),
            partner=partner,
        ).transfer
        sending.mark_sent(transfer)
