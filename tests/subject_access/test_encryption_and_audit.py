"""A copy of the database holds nothing of a request in plain text: not the requester's name,
how their identity was checked, the reason for an extension, nor anything of the case file
(its items' text, the decisions, the redacted words). The change log names the fields that
changed, never their content."""

from auditlog.models import LogEntry
from django.db import connection

from subject_access import casework
from tests.subject_access.conftest import OTHER_CHILD


def test_no_plaintext_of_a_request_or_its_file_reaches_the_database(sar, dsl):
    casework.gather(sar, dsl)
    casework.add_mark(sar, None, OTHER_CHILD, "third_party")
    casework.decide(sar, 1, included=False, exemption="serious_harm", note="Police advised.")
    casework.extend(sar, 1, "Eleven years of records to read.", dsl)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM subject_access_subjectaccessrequest WHERE id = %s", [sar.pk.hex]
        )
        row = cursor.fetchall() or []
        if not row:  # PostgreSQL stores the key as a uuid
            cursor.execute(
                "SELECT * FROM subject_access_subjectaccessrequest WHERE id = %s", [sar.pk]
            )
            row = cursor.fetchall()
    assert row, "the request's row was read"
    raw = repr(row)
    for secret in (
        "Rachel Quinn",
        "passport",
        "Eleven years",
        OTHER_CHILD,
        "Oliver",
        "Police advised",
        "serious_harm",
        "took her lunch",
        "Peanuts",
    ):
        assert secret not in raw, secret
    changes = repr(list(LogEntry.objects.values_list("changes", flat=True)))
    for secret in ("Rachel Quinn", OTHER_CHILD, "Police advised", "Eleven years"):
        assert secret not in changes, secret
