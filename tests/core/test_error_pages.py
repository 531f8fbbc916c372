"""The demo runs with DEBUG on (for its generated keys), yet the people trying it meet the school's
own 403, 404 and 500 pages, never Django's technical page with the URL map and settings. A
developer who sets TECHNICAL_ERROR_PAGES gets the technical pages back."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

from tests.conftest import sign_in


def _refused(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("the database went away")


# The site's own URLs, plus two that fail on purpose: no page of the site raises a bare 403 or
# crashes on request, and the error pages themselves link to the site's dashboard.
urlpatterns = [
    path("test-only/refused/", _refused),
    path("test-only/broken/", _broken),
    path("", include("confidentiality.urls")),
]

TECHNICAL_PAGE_MARKS = ("Technical details", "Using the URLconf", "Traceback")

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def demo_settings(settings):
    """As ``make run`` sets them: DEBUG on, no request for the technical pages."""
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = False
    return settings


@pytest.fixture
def quiet_client():
    """A client that answers with the page a browser would get, instead of re-raising."""
    return Client(raise_request_exception=False)


def _assert_school_page(response, heading):
    text = response.content.decode()
    assert f"<h1>{heading}</h1>" in text
    for mark in TECHNICAL_PAGE_MARKS:
        assert mark not in text
    assert "test-only/broken" not in text  # the URL map is not listed


def test_it_shows_the_school_404_for_an_address_no_page_has(demo_settings, client, teacher):
    sign_in(client, teacher)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_school_page(response, "Page not found")
    # Signed in, the person keeps their menu and a way home.
    assert 'aria-label="Main"' in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_it_shows_the_school_404_when_a_page_refuses_someone(demo_settings, client, parent):
    """The door answers 404 to anyone without the right (here: a parent at the audit trail)."""
    sign_in(client, parent)
    response = client.get("/audit/")
    assert response.status_code == 404
    _assert_school_page(response, "Page not found")


def test_it_shows_the_school_403(demo_settings, client, teacher):
    sign_in(client, teacher)
    response = client.get("/test-only/refused/")
    assert response.status_code == 403
    _assert_school_page(response, "Not allowed")


def test_it_shows_the_school_500_and_still_logs_the_error(
    demo_settings, quiet_client, teacher, caplog
):
    sign_in(quiet_client, teacher)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = quiet_client.get("/test-only/broken/")
    assert response.status_code == 500
    _assert_school_page(response, "Something went wrong")
    assert "the database went away" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged and logged[0].levelno == logging.ERROR
    assert logged[0].exc_info[1].args == ("the database went away",)


def test_a_developer_who_asks_gets_the_technical_404(demo_settings, client, teacher):
    demo_settings.TECHNICAL_ERROR_PAGES = True
    sign_in(client, teacher)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Using the URLconf" in response.content.decode()


def test_a_developer_who_asks_gets_the_technical_500(demo_settings, quiet_client, teacher):
    demo_settings.TECHNICAL_ERROR_PAGES = True
    sign_in(quiet_client, teacher)
    response = quiet_client.get("/test-only/broken/")
    assert response.status_code == 500
    assert "the database went away" in response.content.decode()


def test_a_missing_slash_still_redirects(demo_settings, client, teacher):
    """The school's 404 comes after CommonMiddleware's added slash, not instead of it."""
    sign_in(client, teacher)
    response = client.get("/audit")
    assert response.status_code == 301
    assert response["Location"] == "/audit/"


def test_production_is_unchanged(settings, quiet_client, teacher):
    settings.DEBUG = False
    sign_in(quiet_client, teacher)
    assert quiet_client.get("/no-such-page/").status_code == 404
    response = quiet_client.get("/test-only/broken/")
    assert response.status_code == 500
    _assert_school_page(response, "Something went wrong")
