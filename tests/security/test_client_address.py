"""M1: trust only the proxy we configure. The address in the audit trail, the change log and the
sign-in lock-out comes from ``client_address``: the connection's own address unless the service
runs behind our TLS proxy, then only the entry our proxy wrote. A forged or malformed
``X-Forwarded-For`` is never stored and never gives an error."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.test import RequestFactory

from confidentiality.middleware import client_address, client_port
from safeguarding.models import Concern
from tests.conftest import sign_in
from tests.safeguarding.conftest import form_data

SPOOFED = {"HTTP_X_FORWARDED_FOR": "198.51.100.23", "HTTP_X_FORWARDED_PORT": "31337"}
GARBAGE = ["unknown", "fe80::zz", "", " , ", "1.2.3.4.5", "not-an-ip:80", "fe80::1%eth0", "\x7f"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def proxied(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_HOPS = 1
    return settings


def request_with(**meta):
    return RequestFactory().get("/", **meta)


def look(client, teacher, pupil, **meta):
    response = sign_in(client, teacher).get(f"/records/students/{pupil.pk}/", **meta)
    assert response.status_code == 200
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=teacher).latest("id")


# Deciding the address


def test_without_a_proxy_forwarded_headers_are_ignored(settings):
    settings.BEHIND_TLS_PROXY = False
    request = request_with(REMOTE_ADDR="10.0.0.9", REMOTE_PORT="51000", **SPOOFED)
    assert client_address(request) == "10.0.0.9"
    assert client_port(request) == 51000


def test_behind_the_proxy_only_the_entry_our_proxy_wrote_counts(proxied):
    # The client wrote "198.51.100.23"; our proxy appended the address it saw.
    request = request_with(
        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23, 203.0.113.7"
    )
    assert client_address(request) == "203.0.113.7"
    assert client_port(request) is None  # the proxy's X-Forwarded-Port is not the client's


def test_two_proxies_of_ours_trust_the_second_entry_from_the_right(proxied):
    proxied.TRUSTED_PROXY_HOPS = 2
    request = request_with(
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23, 203.0.113.7, 10.0.0.3",
    )
    assert client_address(request) == "203.0.113.7"


def test_forms_with_ports_are_understood(proxied):
    assert client_address(request_with(HTTP_X_FORWARDED_FOR="203.0.113.7:4711")) == "203.0.113.7"
    assert client_address(request_with(HTTP_X_FORWARDED_FOR="[2001:db8::1]:443")) == "2001:db8::1"


@pytest.mark.parametrize("header", GARBAGE)
def test_a_malformed_entry_falls_back_to_the_connection(proxied, header):
    request = request_with(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header)
    assert client_address(request) == "10.0.0.2"


def test_too_few_entries_fall_back_to_the_connection(proxied):
    proxied.TRUSTED_PROXY_HOPS = 2
    request = request_with(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_address(request) == "10.0.0.2"


def test_a_bad_port_is_not_stored(settings):
    settings.BEHIND_TLS_PROXY = False
    for port in ("99999999999", "-1", "0", "x", "²"):
        assert client_port(request_with(REMOTE_PORT=port)) is None


# What the audit trail stores


def test_no_proxy_and_a_spoofed_header_stores_the_connection_address(
    client, settings, teacher, pupil
):
    settings.BEHIND_TLS_PROXY = False
    entry = look(client, teacher, pupil, REMOTE_ADDR="10.1.2.3", **SPOOFED)
    assert entry.remote_addr == "10.1.2.3"
    assert entry.remote_port != 31337


def test_behind_the_proxy_the_trail_stores_the_address_it_saw(client, proxied, teacher, pupil):
    entry = look(
        client,
        teacher,
        pupil,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23, 203.0.113.7",
        HTTP_X_FORWARDED_PORT="31337",
    )
    assert entry.remote_addr == "203.0.113.7"
    assert entry.remote_port is None


def test_change_entries_store_the_same_address(client, settings, teacher, pupil):
    """Changes are logged by auditlog's middleware, which used to take the first entry."""
    settings.BEHIND_TLS_PROXY = False
    sign_in(client, teacher)
    newest = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.post("/safeguarding/log/", form_data(pupil), REMOTE_ADDR="10.1.2.3", **SPOOFED)
    written = LogEntry.objects.filter(pk__gt=newest)
    assert written.exists()
    assert set(written.values_list("remote_addr", flat=True)) <= {"10.1.2.3"}


@pytest.mark.parametrize("header", ["unknown", "fe80::zz", "[::1"])
@pytest.mark.parametrize("behind_proxy", [False, True])
def test_a_garbage_header_never_gives_an_error(
    client, settings, teacher, pupil, header, behind_proxy
):
    settings.BEHIND_TLS_PROXY = behind_proxy
    meta = {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": header, "HTTP_X_FORWARDED_PORT": "x"}
    entry = look(client, teacher, pupil, **meta)
    assert entry.remote_addr == "10.1.2.3"
    response = client.post("/safeguarding/log/", form_data(pupil), **meta)
    assert response.status_code == 302
    assert Concern.objects.filter(raised_by=teacher).count() == 1


def test_the_sign_in_lock_out_uses_the_same_address(client, settings, teacher):
    settings.BEHIND_TLS_PROXY = False
    client.post(
        "/accounts/login/",
        {"username": "teacher", "password": "wrong"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.1.2.3"]


def test_the_sign_in_lock_out_behind_the_proxy(client, proxied, teacher):
    client.post(
        "/accounts/login/",
        {"username": "teacher", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23, 203.0.113.7",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]
