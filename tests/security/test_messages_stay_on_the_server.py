"""A message after an action can name a child or a phrase marked for redaction: it is kept in
the session on the server, never in a cookie the browser (or anyone who copies it) can read."""

from tests.conftest import sign_in


def test_a_message_after_an_action_is_not_written_into_a_cookie(client, teacher, dsl):
    sign_in(client, teacher)
    response = client.post("/safeguarding/advice/ask/", {"question": "Is this a worry?"})
    assert response.status_code == 302
    assert "messages" not in response.cookies
    page = client.get(response.url).content.decode()
    assert "has gone to the safeguarding team" in page
