"""The confidentiality agreement people sign before they see anything (P11, P16, P25).

Volunteers and student teachers, governors, the clerk and health professionals accept the
school's agreement before any page beyond the agreement itself. The agreement is versioned: when
the school publishes a new version, everyone who must sign accepts it again.
"""

from auditlog.context import disable_auditlog
from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils import timezone

FIRST_VERSION = """\
Before you see anything about the children of this school, please read and accept this \
agreement. It puts the school's confidentiality policy into the promises we ask of everyone who \
works with our students: volunteers and student teachers, governors and the clerk, and visiting \
health professionals.

1. Information about individual students is private. It is shared with you only because your \
work with the school needs it, and you will not pass it on to anyone who is not professionally \
connected with the child concerned.

2. Volunteers and student teachers working in classes do not discuss educational matters, \
including behaviour, outside the classroom.

3. Governors do not divulge details about individuals to any person outside the governors' \
meeting. Matters such as exclusions, personnel issues and personal details are dealt with in \
the head teacher's report; confidential minutes are kept separately and are never published.

4. Health professionals follow their own code of practice when working one-to-one with a \
student; when working in a classroom they are bound by the school's policies, this one \
included.

5. You cannot offer a child unconditional confidentiality. If a child tells you something that \
worries you, or you see something that worries you, you tell the Designated Safeguarding Lead \
(or a deputy) straight away, and you log the concern in this system. Reporting a concern is \
never blocked, even before you have accepted this agreement.

6. You do not put pressure on a child to disclose personal information. If a disclosure happens \
at an inappropriate time or place, you make sure the child can talk privately and you tell the \
safeguarding team.

7. Photographs of students are not taken or used without their parents' or carers' consent.

8. Every time you open a record in this system it is recorded: who, when and from where.

If you are unsure whether you may share something, ask the safeguarding team first.\
"""


class AgreementQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(effective_from__lte=timezone.localdate())

    def current(self):
        """The agreement people must have accepted today: the newest version in force."""
        return self.in_force().order_by("-version").first()


class ConfidentialityAgreement(models.Model):
    """One version of the school's confidentiality agreement. Versions are never edited once
    people have accepted them: a change is a new version, which everyone signs again."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField(help_text="What the person agrees to, in plain words.")
    effective_from = models.DateField(
        "in force from",
        default=timezone.localdate,
        help_text="From this day everyone who must sign is asked to accept this version.",
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"Confidentiality agreement, version {self.version}"

    @classmethod
    def publish(cls, text: str, effective_from=None, by=None) -> "ConfidentialityAgreement":
        """Publish the next version; from its effective date everyone who must sign accepts it
        again before they may continue (P11, P16, P25)."""
        latest = cls.objects.order_by("-version").values_list("version", flat=True).first()
        return cls.objects.create(
            version=(latest or 0) + 1,
            text=text.strip(),
            effective_from=effective_from or timezone.localdate(),
            published_by=by,
        )

    @classmethod
    def ensure_first_version(cls) -> None:
        """Publish version 1 (the policy's words) if the school has no agreement yet, so the
        gate never stands before an agreement nobody can sign. Run after migrations."""
        if not cls.objects.exists():
            # The installation's own starting point, not anyone's act: no audit entry (and an
            # emptied test database stays empty of entries).
            with disable_auditlog():
                cls.objects.create(version=1, text=FIRST_VERSION)

    def accept(self, user, address: str | None = None) -> "AgreementAcceptance":
        """Record that ``user`` accepted this version, from where and when (idempotent)."""
        acceptance, _ = AgreementAcceptance.objects.get_or_create(
            user=user, agreement=self, defaults={"ip_address": address}
        )
        user.__dict__.pop("_agreement_accepted", None)
        return acceptance

    def accepted_by(self, user) -> bool:
        return self.acceptances.filter(user=user).exists()


class AgreementAcceptance(models.Model):
    """A person's acceptance of one version of the agreement: who, which version, when and
    from which address. Kept as evidence; never edited."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    agreement = models.ForeignKey(
        ConfidentialityAgreement, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField("from address", null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agreement"], name="accept_each_version_once")
        ]

    def __str__(self):
        return f"{self.user} accepted version {self.agreement.version}"


def has_accepted_current_agreement(user) -> bool:
    """True when the person has accepted the version in force (cached for the request).

    With no agreement published there is nothing they could accept, so the answer is no: the
    gate stays shut (deny by default) and the agreement page says whom to ask.
    """
    cached = user.__dict__.get("_agreement_accepted")
    if cached is None:
        # One query: an acceptance of the newest version in force (none in force: no match).
        current = ConfidentialityAgreement.objects.in_force().order_by("-version").values("pk")
        cached = AgreementAcceptance.objects.filter(
            user=user, agreement=models.Subquery(current[:1])
        ).exists()
        user.__dict__["_agreement_accepted"] = cached
    return cached


def must_accept_agreement_now(user) -> bool:
    """True when the gate should stop this person: they must sign and have not signed the
    current version (P11, P16, P25)."""
    return (
        user.is_authenticated
        and user.must_sign_agreement
        and not has_accepted_current_agreement(user)
    )


def people_yet_to_sign():
    """Active people who must sign and have not accepted the current version."""
    from django.contrib.auth import get_user_model

    from confidentiality.roles import MUST_SIGN_AGREEMENT

    must_sign = get_user_model().objects.with_roles(*MUST_SIGN_AGREEMENT)
    # The current version as a subquery (none in force: nobody has signed it).
    current = ConfidentialityAgreement.objects.in_force().order_by("-version").values("pk")
    signed = AgreementAcceptance.objects.filter(agreement=models.Subquery(current[:1]))
    return must_sign.exclude(pk__in=signed.values("user"))


# Publishing and accepting are part of the record: who published which text, who accepted it.
auditlog.register(ConfidentialityAgreement)
auditlog.register(AgreementAcceptance)
