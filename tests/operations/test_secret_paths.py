"""A reset or confirmation token in a page's path is never written to a log."""

import importlib.util
import json
import logging
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from confidentiality import request_id
from confidentiality.logs import JsonFormatter
from confidentiality.secret_paths import HIDDEN, masked

TOKEN = "c3k9p2-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
RESET = reverse("password_reset_confirm", kwargs={"uidb64": "MTIz", "token": TOKEN})
CONFIRM = reverse("change_email_confirm", kwargs={"token": TOKEN})
COLLECT = reverse("transfers:collect", kwargs={"token": TOKEN})


def test_the_secret_parts_of_a_path_are_hidden():
    assert masked(RESET) == f"/accounts/password-reset/{HIDDEN}/{HIDDEN}/"
    assert masked(CONFIRM) == f"/accounts/email/confirm/{HIDDEN}/"
    assert masked(COLLECT) == f"/transfers/collect/{HIDDEN}/"
    # Every other page, known or not, keeps its path.
    assert masked("/accounts/password-reset/") == "/accounts/password-reset/"
    assert masked("/safeguarding/") == "/safeguarding/"
    assert masked("/no/such/page/") == "/no/such/page/"
    assert masked(None) is None


@pytest.mark.parametrize("path", [RESET, CONFIRM, COLLECT])
def test_the_json_log_line_of_a_request_with_a_token_hides_it(path):
    request = RequestFactory().get(path)
    request.request_id = "req-0000-secret-path"
    token = request_id._current.set(request)
    try:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", (), None)
        line = JsonFormatter().format(record)
    finally:
        request_id._current.reset(token)
    entry = json.loads(line)
    assert TOKEN not in line
    assert HIDDEN in entry["path"]
    assert entry["request_id"] == "req-0000-secret-path"


def test_gunicorns_access_log_hides_the_token():
    spec = importlib.util.spec_from_file_location(
        "gunicorn_logging", Path(__file__).parents[2] / "deploy" / "gunicorn_logging.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.MaskedPathLogger.path_atom(RESET) == masked(RESET)
    assert TOKEN not in module.MaskedPathLogger.path_atom(RESET)


def test_nginx_logs_the_masked_path_and_sets_its_own_request_id():
    text = (Path(__file__).parents[2] / "deploy" / "nginx.conf").read_text()
    assert "map $uri $logged_uri" in text
    assert "~^/transfers/collect/[^/]+/$" in text
    assert '"$request_method $logged_uri"' in text
    assert "proxy_set_header X-Request-ID $request_id;" in text
