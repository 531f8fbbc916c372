"""The one-time link a school on other software collects a child's file through: the passphrase
read by phone opens it once; a wrong one is counted and ends it after five; it expires; every
collection is in the audit trail; nothing of the file shows before the passphrase is right."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from transfers import sending
from transfers.models import Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepared(child_with_file, dsl):
    return sending.prepare(
        student=child_with_file,
        by=dsl,
        starts_on=timezone.localdate(),
        school_name="Oldtown Primary",
        school_urn="123123",
    )


def _url(prepared):
    return reverse("transfers:collect", kwargs={"token": prepared.link_token})


def test_the_link_works_once_with_the_passphrase(client, prepared):
    page = client.get(_url(prepared))
    assert page.status_code == 200
    assert b"Ada" not in page.content and b"Oldtown" not in page.content
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    # Read over the phone: capitals and spaces do not matter.
    typed = prepared.passphrase.upper().replace("-", " ")
    response = client.post(_url(prepared), {"passphrase": typed})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    content = json.loads(archive.read("child-protection-file.json"))
    assert content["child"]["last_name"] == "Moss"
    assert archive.read("child-protection-file.pdf").startswith(b"%PDF")
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk").first()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    assert entry.additional_data["how"] == "collected" and entry.actor is None
    transfer = Transfer.objects.get(pk=prepared.transfer.pk)
    assert transfer.status == Transfer.Status.RECEIVED and transfer.link_used_at
    # Once only.
    assert client.get(_url(prepared)).status_code == 404
    assert client.post(_url(prepared), {"passphrase": prepared.passphrase}).status_code == 404


def test_a_wrong_passphrase_is_counted_and_five_end_the_link(client, prepared):
    for tries_left in (4, 3, 2, 1):
        response = client.post(_url(prepared), {"passphrase": "wrong-wrong"})
        assert response.status_code == 400
        assert f"{tries_left} more tr".encode() in response.content
    assert client.post(_url(prepared), {"passphrase": "wrong"}).status_code == 404
    # Even the right passphrase no longer opens it.
    assert client.post(_url(prepared), {"passphrase": prepared.passphrase}).status_code == 404


def test_the_link_expires(client, prepared):
    Transfer.objects.filter(pk=prepared.transfer.pk).update(
        link_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(_url(prepared)).status_code == 404
    assert client.post(_url(prepared), {"passphrase": prepared.passphrase}).status_code == 404


def test_an_unknown_token_finds_nothing(client, prepared):
    url = reverse("transfers:collect", kwargs={"token": "not-a-token"})
    assert client.get(url).status_code == 404


def test_neither_the_token_nor_the_passphrase_is_kept(prepared):
    transfer = Transfer.objects.get(pk=prepared.transfer.pk)
    assert prepared.link_token not in transfer.link_token_hash
    stored = json.dumps(
        {f.attname: str(getattr(transfer, f.attname)) for f in Transfer._meta.concrete_fields}
    )
    assert prepared.passphrase not in stored and prepared.link_token not in stored
