"""The retention pages say each thing once and in plain words: "1 year", not "1 years"; a rule's
Change link is not labelled "Change" again when the table becomes cards on a phone."""

import re

from django.urls import reverse

from retention.models import RetentionRule
from tests.conftest import sign_in


def test_a_rule_of_one_year_says_one_year_on_the_report(client, head):
    RetentionRule.objects.create(kind="pupil_work", years=1, action="delete", changed_by=head)
    sign_in(client, head, verified=True)
    page = client.get(reverse("retention:report")).content.decode()
    assert "1 year from" in page
    assert "1 years" not in page
    RetentionRule.objects.filter(kind="pupil_work").update(years=2)
    assert "2 years from" in client.get(reverse("retention:report")).content.decode()


def test_the_change_link_is_not_labelled_change_again(client, dsl):
    sign_in(client, dsl, verified=True)
    page = client.get(reverse("retention:rules")).content.decode()
    assert "Change<span" in page
    assert 'data-label="Change"' not in page
    # Every other cell keeps its label for the stacked cards.
    assert len(re.findall(r'data-label="Kind of record"', page)) >= 1
